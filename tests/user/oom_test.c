// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 12: under memory pressure the OOM killer picks the process holding
 * the most ntmm memory. Child A commits and touches 60% of RAM in ntmm
 * memory and waits; child B then mallocs and touches memory, 16 MiB at a
 * time, up to another 60%: the two cannot both fit, and when the OOM killer
 * runs B holds well under A's share. A must be the one killed (SIGKILL, and
 * the kernel log names it), and B must then get all it asked for.
 *
 * This process protects itself (oom_score_adj -1000) and the children are
 * at 0. The kernel's OOM report dumps a stack ("Call Trace:"), which
 * vm-run would take for a splat: after checking the log for anything else
 * (BUG, WARNING, KASAN, lockdep...) this test clears it. Meant for a small
 * VM (scripts/check runs it with --mem 512M), it works with any size.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <windows.h>

#include "linux_mm.h"
#include "tap.h"

#define PAGE	0x1000UL
#define MIB	(1UL << 20)
#define CHUNK	(16 * MIB)

static void oom_score_adj(const char *v)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);

	if (fd < 0 || write(fd, v, strlen(v)) < 0)
		perror("oom_score_adj");
	if (fd >= 0)
		close(fd);
}

/* A: ntmm memory, touched, then wait to be killed. */
static void child_a(size_t len, int up)
{
	char *p;
	size_t i;

	oom_score_adj("0");
	p = VirtualAlloc(NULL, len, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	if (!p)
		_exit(2);
	for (i = 0; i < len; i += PAGE)
		p[i] = 1;
	if (write(up, "A", 1) != 1)
		_exit(3);
	for (;;)
		pause();
}

/* B: ordinary memory, 16 MiB at a time, then say so and wait. */
static void child_b(size_t len, int up)
{
	size_t got;

	oom_score_adj("0");
	for (got = 0; got < len; got += CHUNK) {
		char *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(2);
		memset(p, 1, CHUNK);
	}
	if (write(up, "B", 1) != 1)
		_exit(3);
	for (;;)
		pause();
}

static const char *const splats[] = {
	"BUG:", "WARNING:", "Oops", "KASAN", "UBSAN", "kernel BUG", "general protection",
	"circular locking", "recursive locking", "inconsistent lock", "suspicious RCU",
	"unreferenced object", "ntmm: pool: leak", "page allocation failure", "blocked for more",
	NULL,
};

int main(void)
{
	long total_kb = meminfo_kb("MemTotal");
	size_t share = (size_t)total_kb * 1024 / 10 * 6 / PAGE * PAGE;
	int a_up[2], b_up[2], a_status = 0, b_status = 0, a_dead = 0, b_dead = 0, b_done = 0;
	int waited, i, logn;
	pid_t a, b;
	char c, *log, *line, want[64];

	printf("# MemTotal %ld MiB: A takes %zu MiB of ntmm memory, B up to as much of its own\n",
	       total_kb >> 10, share >> 20);
	oom_score_adj("-1000");
	if (pipe(a_up) || pipe(b_up))
		return tap_ok(0, "pipes"), tap_done();
	a = fork();
	if (a == 0)
		child_a(share, a_up[1]);
	close(a_up[1]);
	if (!tap_ok(read(a_up[0], &c, 1) == 1 && c == 'A',
		    "A committed and touched %zu MiB of ntmm memory", share >> 20)) {
		kill(a, SIGKILL);
		waitpid(a, NULL, 0);
		return tap_done();
	}
	printf("# A: VmRSS %ld kB\n", status_kb_of(a, "VmRSS"));
	fflush(stdout);
	b = fork();
	if (b == 0)
		child_b(share, b_up[1]);
	close(b_up[1]);

	/* Until B got everything or died, and A died or B finished: 300 s at most. */
	for (waited = 0; waited < 3000 && !b_dead && !(b_done && a_dead); waited++) {
		struct pollfd pfd = { b_up[0], POLLIN, 0 };
		pid_t r;

		if (poll(&pfd, 1, 100) == 1 && !b_done)
			b_done = read(b_up[0], &c, 1) == 1 && c == 'B';
		while ((r = waitpid(-1, &i, WNOHANG)) > 0) {
			if (r == a && !a_dead) {
				a_dead = b_done ? 2 : 1;	/* 1: before B was done */
				a_status = i;
			} else if (r == b) {
				b_dead = a_dead ? 2 : 1;	/* 1: before A */
				b_status = i;
			}
		}
		if (b_done && !a_dead)
			break;
	}
	tap_ok(a_dead && WIFSIGNALED(a_status) && WTERMSIG(a_status) == SIGKILL,
	       "the OOM killer killed A, which held the most ntmm memory (A %s, status %#x; "
	       "B %s, status %#x)", a_dead ? "dead" : "alive", a_status,
	       b_dead ? "dead" : b_done ? "done" : "alive", b_status);
	tap_ok(b_done && (!b_dead || b_dead == 2),
	       "B, which held less, survived and got its %zu MiB", share >> 20);
	if (!a_dead)
		kill(a, SIGKILL);
	if (!b_dead)
		kill(b, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0)
		;

	logn = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	log = malloc(logn > 0 ? logn + 1 : 1);
	logn = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, logn > 0 ? logn : 0);
	log[logn > 0 ? logn : 0] = '\0';
	snprintf(want, sizeof(want), "Killed process %d ", a);
	tap_ok(strstr(log, want) != NULL, "the kernel log says: \"%s(oom_test)\"", want);
	for (i = 0, line = log; line && *line; ) {
		char *end = strchr(line, '\n');
		int s;

		if (end)
			*end = '\0';
		if (strstr(line, "Killed process") || strstr(line, "invoked oom-killer"))
			printf("# %s\n", line);
		for (s = 0; splats[s]; s++)
			if (strstr(line, splats[s])) {
				printf("# kernel: %s\n", line);
				i++;
			}
		line = end ? end + 1 : NULL;
	}
	tap_ok(i == 0, "and reports nothing but the OOM kill (%d lines)", i);
	/* The OOM report's stack dump is expected: keep it from vm-run's splat check. */
	klogctl(5 /* SYSLOG_ACTION_CLEAR */, NULL, 0);
	free(log);
	return tap_done();
}
