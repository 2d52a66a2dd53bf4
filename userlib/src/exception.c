// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Vectored exception handlers over SIGSEGV. A fault is dispatched to the
 * handlers as Windows raises it: STATUS_GUARD_PAGE_VIOLATION when the module
 * says the access hit a guard page, STATUS_ACCESS_VIOLATION otherwise, with
 * ExceptionInformation[0] the access (0 read, 1 write, 8 execute) and [1] the
 * address. EXCEPTION_CONTINUE_EXECUTION resumes with the handler's CONTEXT;
 * if no handler takes the fault, the previous SIGSEGV action runs, or the
 * process dies of SIGSEGV as any Linux program would.
 *
 * RaiseException hands a software exception (STATUS_NO_MEMORY from a heap,
 * say) to the same handlers; one nobody continues ends the process, with a
 * line on stderr and SIGABRT, as an unhandled exception ends a Windows
 * process.
 *
 * The signal handler takes no lock: it reads an immutable snapshot of the
 * handler list, published atomically. Add and Remove build a new snapshot
 * under a mutex and free an old one only when no dispatch is running.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <ucontext.h>

#include "internal.h"

/* x86 page-fault error code bits, as the kernel puts them in REG_ERR. */
#define PF_WRITE	0x2
#define PF_INSTR	0x10

struct veh_entry {
	struct veh_entry *next;
	PVECTORED_EXCEPTION_HANDLER handler;
};

struct veh_snapshot {
	struct veh_snapshot *retired_next;
	unsigned int count;
	PVECTORED_EXCEPTION_HANDLER handlers[];
};

static pthread_mutex_t veh_lock = PTHREAD_MUTEX_INITIALIZER;
static struct veh_entry *veh_list;		/* under veh_lock, in call order */
static struct veh_snapshot *veh_current;	/* atomic */
static struct veh_snapshot *veh_retired;	/* under veh_lock */
static int veh_walkers;				/* atomic: dispatches running */
static struct sigaction veh_previous;
static pthread_once_t veh_once = PTHREAD_ONCE_INIT;

static void veh_context_from(CONTEXT *c, const ucontext_t *uc)
{
	const greg_t *g = uc->uc_mcontext.gregs;

	memset(c, 0, sizeof(*c));
	c->ContextFlags = CONTEXT_CONTROL | CONTEXT_INTEGER;
	c->Rax = g[REG_RAX];
	c->Rcx = g[REG_RCX];
	c->Rdx = g[REG_RDX];
	c->Rbx = g[REG_RBX];
	c->Rsp = g[REG_RSP];
	c->Rbp = g[REG_RBP];
	c->Rsi = g[REG_RSI];
	c->Rdi = g[REG_RDI];
	c->R8 = g[REG_R8];
	c->R9 = g[REG_R9];
	c->R10 = g[REG_R10];
	c->R11 = g[REG_R11];
	c->R12 = g[REG_R12];
	c->R13 = g[REG_R13];
	c->R14 = g[REG_R14];
	c->R15 = g[REG_R15];
	c->Rip = g[REG_RIP];
	c->EFlags = (DWORD)g[REG_EFL];
}

static void veh_context_to(ucontext_t *uc, const CONTEXT *c)
{
	greg_t *g = uc->uc_mcontext.gregs;

	g[REG_RAX] = c->Rax;
	g[REG_RCX] = c->Rcx;
	g[REG_RDX] = c->Rdx;
	g[REG_RBX] = c->Rbx;
	g[REG_RSP] = c->Rsp;
	g[REG_RBP] = c->Rbp;
	g[REG_RSI] = c->Rsi;
	g[REG_RDI] = c->Rdi;
	g[REG_R8] = c->R8;
	g[REG_R9] = c->R9;
	g[REG_R10] = c->R10;
	g[REG_R11] = c->R11;
	g[REG_R12] = c->R12;
	g[REG_R13] = c->R13;
	g[REG_R14] = c->R14;
	g[REG_R15] = c->R15;
	g[REG_RIP] = c->Rip;
	g[REG_EFL] = c->EFlags;
}

/* What Windows would raise for this SIGSEGV. */
static void veh_record(EXCEPTION_RECORD *rec, const siginfo_t *si, const ucontext_t *uc)
{
	struct ntmm_fault_reason fr = { .size = sizeof(fr), .address = (ULONG_PTR)si->si_addr };
	int fd = ntmm_device_fd();
	greg_t err = uc->uc_mcontext.gregs[REG_ERR];

	memset(rec, 0, sizeof(*rec));
	rec->ExceptionCode = STATUS_ACCESS_VIOLATION;
	rec->ExceptionAddress = (PVOID)uc->uc_mcontext.gregs[REG_RIP];
	rec->NumberParameters = 2;
	rec->ExceptionInformation[0] = err & PF_INSTR ? NTMM_ACCESS_EXECUTE :
				       err & PF_WRITE ? NTMM_ACCESS_WRITE : NTMM_ACCESS_READ;
	rec->ExceptionInformation[1] = (ULONG_PTR)si->si_addr;
	/* Only the module knows a guard page was hit (it cleared the bit). */
	if (fd >= 0 && ioctl(fd, NTMM_IOC_FAULT_REASON, &fr) == 0 &&
	    fr.reason != NTMM_FAULT_UNKNOWN) {
		if (fr.reason == NTMM_FAULT_GUARD_PAGE)
			rec->ExceptionCode = STATUS_GUARD_PAGE_VIOLATION;
		rec->ExceptionInformation[0] = fr.access;
	}
}

/* Call the handlers in order; TRUE when one continues execution. */
static BOOL veh_call(EXCEPTION_POINTERS *ptrs)
{
	struct veh_snapshot *snap;
	BOOL continued = FALSE;
	unsigned int i;

	__atomic_add_fetch(&veh_walkers, 1, __ATOMIC_ACQUIRE);
	snap = __atomic_load_n(&veh_current, __ATOMIC_ACQUIRE);
	for (i = 0; snap && i < snap->count && !continued; i++)
		continued = snap->handlers[i](ptrs) == EXCEPTION_CONTINUE_EXECUTION;
	__atomic_sub_fetch(&veh_walkers, 1, __ATOMIC_RELEASE);
	return continued;
}

static void veh_dispatch(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	int saved_errno = errno;
	EXCEPTION_RECORD rec;
	CONTEXT ctx;
	EXCEPTION_POINTERS ptrs = { &rec, &ctx };

	veh_record(&rec, si, uc);
	veh_context_from(&ctx, uc);
	if (veh_call(&ptrs)) {
		veh_context_to(uc, &ctx);
		errno = saved_errno;
		return;
	}

	/* Unhandled: whoever handled SIGSEGV before us, or death by SIGSEGV. */
	if ((veh_previous.sa_flags & SA_SIGINFO) && veh_previous.sa_sigaction) {
		veh_previous.sa_sigaction(sig, si, ucv);
	} else if (veh_previous.sa_handler != SIG_DFL && veh_previous.sa_handler != SIG_IGN) {
		veh_previous.sa_handler(sig);
	} else {
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
	}
	errno = saved_errno;
}

static void veh_install(void)
{
	struct sigaction sa = { .sa_sigaction = veh_dispatch };

	/* Handlers may fault themselves (SA_NODEFER), on an alternate stack if any. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &veh_previous);
}

/* Publish a snapshot of veh_list; veh_lock held. Returns FALSE on ENOMEM. */
static BOOL veh_publish(void)
{
	struct veh_snapshot *snap, *old, *r, *next;
	struct veh_entry *e;
	unsigned int n = 0;

	for (e = veh_list; e; e = e->next)
		n++;
	snap = malloc(sizeof(*snap) + n * sizeof(snap->handlers[0]));
	if (!snap)
		return FALSE;
	snap->count = 0;
	snap->retired_next = NULL;
	for (e = veh_list; e; e = e->next)
		snap->handlers[snap->count++] = e->handler;
	old = __atomic_exchange_n(&veh_current, snap, __ATOMIC_ACQ_REL);
	if (old) {
		old->retired_next = veh_retired;
		veh_retired = old;
	}
	/* A dispatch may still walk a retired snapshot; free them when none runs. */
	if (__atomic_load_n(&veh_walkers, __ATOMIC_ACQUIRE) == 0) {
		for (r = veh_retired; r; r = next) {
			next = r->retired_next;
			free(r);
		}
		veh_retired = NULL;
	}
	return TRUE;
}

NTMM_EXPORT PVOID WINAPI AddVectoredExceptionHandler(ULONG First,
						     PVECTORED_EXCEPTION_HANDLER Handler)
{
	struct veh_entry *e, **pos;

	if (!Handler) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	e = malloc(sizeof(*e));
	if (!e) {
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	e->handler = Handler;
	pthread_once(&veh_once, veh_install);
	pthread_mutex_lock(&veh_lock);
	for (pos = &veh_list; !First && *pos; pos = &(*pos)->next)
		;
	e->next = *pos;
	*pos = e;
	if (!veh_publish()) {
		*pos = e->next;
		free(e);
		e = NULL;
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
	}
	pthread_mutex_unlock(&veh_lock);
	return e;
}

NTMM_EXPORT ULONG WINAPI RemoveVectoredExceptionHandler(PVOID Handle)
{
	struct veh_entry **pos, *e = NULL;
	ULONG removed;

	pthread_mutex_lock(&veh_lock);
	for (pos = &veh_list; *pos; pos = &(*pos)->next) {
		if (*pos == Handle) {
			e = *pos;
			*pos = e->next;
			break;
		}
	}
	if (e && !veh_publish()) {
		/* Cannot publish without it: keep it registered. */
		e->next = *pos;
		*pos = e;
		e = NULL;
	}
	pthread_mutex_unlock(&veh_lock);
	removed = e != NULL;
	free(e);
	return removed;
}

void ntmm_terminate(DWORD status, const char *why)
{
	fprintf(stderr, "libntmm: process terminated: %s (exception 0x%08X)\n", why,
		(unsigned int)status);
	abort();
}

NTMM_EXPORT void WINAPI RaiseException(DWORD dwExceptionCode, DWORD dwExceptionFlags,
				       DWORD nNumberOfArguments, const ULONG_PTR *lpArguments)
{
	EXCEPTION_RECORD rec;
	CONTEXT ctx;
	EXCEPTION_POINTERS ptrs = { &rec, &ctx };
	ucontext_t uc;
	DWORD i;

	memset(&rec, 0, sizeof(rec));
	rec.ExceptionCode = dwExceptionCode;
	rec.ExceptionFlags = dwExceptionFlags & EXCEPTION_NONCONTINUABLE;
	rec.ExceptionAddress = __builtin_return_address(0);
	if (lpArguments) {
		rec.NumberParameters = nNumberOfArguments < EXCEPTION_MAXIMUM_PARAMETERS ?
				       nNumberOfArguments : EXCEPTION_MAXIMUM_PARAMETERS;
		for (i = 0; i < rec.NumberParameters; i++)
			rec.ExceptionInformation[i] = lpArguments[i];
	}
	getcontext(&uc);
	veh_context_from(&ctx, &uc);
	ctx.Rip = (DWORD64)rec.ExceptionAddress;
	if (veh_call(&ptrs)) {
		if (!(rec.ExceptionFlags & EXCEPTION_NONCONTINUABLE))
			return;
		ntmm_terminate(STATUS_NONCONTINUABLE_EXCEPTION,
			       "a non-continuable exception was continued");
	}
	ntmm_terminate(dwExceptionCode, "unhandled exception");
}
