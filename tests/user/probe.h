/* SPDX-License-Identifier: GPL-2.0 */
/* faults(): does an access to a page fault? A SIGSEGV handler jumps back. */
#ifndef NTMM_TESTS_PROBE_H
#define NTMM_TESTS_PROBE_H

#include <setjmp.h>
#include <signal.h>

enum { PROBE_READ, PROBE_WRITE, PROBE_EXEC };
static sigjmp_buf probe_jmp;
static volatile void *probe_addr;

static void probe_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	probe_addr = si->si_addr;
	siglongjmp(probe_jmp, 1);
}

/* 1 if the access faulted, 0 if it went through. */
static int faults(void *p, int kind)
{
	struct sigaction sa = { .sa_sigaction = probe_segv, .sa_flags = SA_SIGINFO | SA_NODEFER };
	struct sigaction old;
	int faulted;

	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(probe_jmp, 1)) {
		faulted = 1;
	} else {
		if (kind == PROBE_READ)
			(void)*(volatile char *)p;
		else if (kind == PROBE_WRITE)
			*(volatile char *)p = *(volatile char *)p;
		else
			((void (*)(void))p)();
		faulted = 0;
	}
	sigaction(SIGSEGV, &old, NULL);
	return faulted;
}

#endif /* NTMM_TESTS_PROBE_H */
