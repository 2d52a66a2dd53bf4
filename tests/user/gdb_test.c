// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 12: gdb reads and writes a VirtualAlloc'd variable in a live
 * process, and reads it back from that process's core file.
 *
 * A forked child (the target) VirtualAllocs a variable, writes a pattern,
 * tells us its address through a pipe and blocks reading another pipe.
 * `gdb -batch -p PID` reads the variable and writes a new value; once gdb
 * has detached, the target reports what it sees, then abort()s and the
 * kernel dumps its core, which `gdb -batch PROG CORE` reads. The page after
 * the variable is reserved only: gdb must fail to read it in the live
 * process ("Cannot access memory"), and find nothing there in the core
 * (refused, or zeros: a core's holes read as zeros). Every step is ordered by pipes and waitpid, never by a
 * sleep. Needs vm-run --gdb (gdb as /bin/gdb) and root (core_pattern).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <windows.h>

#include "linux_mm.h"
#include "tap.h"

#define PAGE		0x1000UL
#define GDB		"/bin/gdb"
#define PATTERN		0x1122334455667788ULL
#define GDB_VALUE	0x0123456789abcdefULL

static char output[65536];

/* Run gdb with @args (NULL-terminated); its output (stdout and stderr) in output. */
static int run_gdb(const char *const *args)
{
	const char *argv[32];
	int fds[2], n = 0, status = -1, i;
	size_t len = 0;
	ssize_t got;
	pid_t pid;

	argv[n++] = GDB;
	argv[n++] = "-nx";
	argv[n++] = "-batch";
	for (i = 0; args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	printf("#");
	for (i = 0; argv[i]; i++)
		printf(" %s", argv[i]);
	printf("\n");
	fflush(stdout);
	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execv(GDB, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	while (len < sizeof(output) - 1 &&
	       (got = read(fds[0], output + len, sizeof(output) - 1 - len)) > 0)
		len += got;
	output[len] = '\0';
	close(fds[0]);
	if (wait_for(pid, 300, &status))
		printf("# gdb did not finish within 300 s\n");
	for (i = 0; output[i]; ) {
		int e = strcspn(output + i, "\n");

		printf("#   %.*s\n", e, output + i);
		i += e + (output[i + e] == '\n');
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * The value of the @nth "x/gx" line for @addr in gdb's output
 * ("0xADDR <sym>:\t0xVALUE"), 1 if found.
 */
static int examined(unsigned long addr, int nth, unsigned long long *value)
{
	char *line = output;

	while (line && *line) {
		unsigned long a;
		unsigned long long v;
		char *colon = strchr(line, ':'), *end = strchr(line, '\n');

		if (sscanf(line, "0x%lx", &a) == 1 && a == addr && colon && (!end || colon < end) &&
		    sscanf(colon + 1, " 0x%llx", &v) == 1 && !nth--) {
			*value = v;
			return 1;
		}
		line = end ? end + 1 : NULL;
	}
	return 0;
}

/* gdb said it could not read @addr. */
static int refused(unsigned long addr)
{
	char want[64];

	snprintf(want, sizeof(want), "Cannot access memory at address 0x%lx", addr);
	return strstr(output, want) != NULL;
}

static void target(int up, int down)
{
	char *p = VirtualAlloc(NULL, 2 * PAGE, MEM_RESERVE, PAGE_READWRITE);
	unsigned long long v;
	unsigned long addr = (unsigned long)p;
	char c;

	if (!p || VirtualAlloc(p, PAGE, MEM_COMMIT, PAGE_READWRITE) != p)
		_exit(2);
	*(volatile unsigned long long *)p = PATTERN;
	if (write_all(up, &addr, sizeof(addr)) || read_all(down, &c, 1))
		_exit(3);
	v = *(volatile unsigned long long *)p;
	if (write_all(up, &v, sizeof(v)) || read_all(down, &c, 1))
		_exit(4);
	abort();
}

int main(void)
{
	char exe[256], pidarg[16], x1[64], x2[64], set[96], core[64], old[256];
	int up[2], down[2], status = 0, rc;
	unsigned long addr = 0;
	unsigned long long v = 0, seen = 0;
	ssize_t n;
	pid_t pid;

	if (!tap_ok(access(GDB, X_OK) == 0, "gdb is in the guest as " GDB " (vm-run --gdb)"))
		return tap_done();
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	if (!tap_ok(core_setup(old, sizeof(old)) == 0 && !pipe(up) && !pipe(down),
		    "core dumps to /tmp/core.PID, RLIMIT_CORE unlimited"))
		return tap_done();
	pid = fork();
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		target(up[1], down[0]);
	}
	close(up[1]);
	close(down[0]);
	if (!tap_ok(read_all(up[0], &addr, sizeof(addr)) == 0,
		    "the target VirtualAllocs a variable and writes %#llx into it", PATTERN)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return tap_done();
	}
	printf("# the variable is at %#lx, the reserved page at %#lx\n", addr, addr + PAGE);

	snprintf(pidarg, sizeof(pidarg), "%d", pid);
	snprintf(x1, sizeof(x1), "x/gx 0x%lx", addr);
	snprintf(x2, sizeof(x2), "x/gx 0x%lx", addr + PAGE);
	snprintf(set, sizeof(set), "set {long}0x%lx = 0x%llx", addr, GDB_VALUE);
	{
		const char *args[] = { "-p", pidarg, "-ex", x1, "-ex", set, "-ex", x1, "-ex", x2, NULL };

		rc = run_gdb(args);
	}
	tap_ok(rc >= 0, "gdb attached and detached (exit %d)", rc);
	tap_ok(examined(addr, 0, &v) && v == PATTERN,
	       "gdb reads the VirtualAlloc'd variable in the live process (%#llx)", v);
	v = 0;
	tap_ok(examined(addr, 1, &v) && v == GDB_VALUE, "gdb writes it and reads its write back (%#llx)",
	       v);
	tap_ok(refused(addr + PAGE), "refused: gdb cannot read the reserved page after it");

	if (write_all(down[1], "g", 1) || read_all(up[0], &seen, sizeof(seen)))
		seen = 0;
	tap_ok(seen == GDB_VALUE, "the program sees the value gdb wrote (%#llx)", seen);
	if (write_all(down[1], "a", 1))
		kill(pid, SIGKILL);
	if (wait_for(pid, 300, &status))
		printf("# the target did not finish dumping within 300 s\n");
	tap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && WCOREDUMP(status),
	       "the target abort()s and dumps core (status %#x)", status);

	snprintf(core, sizeof(core), "/tmp/core.%d", pid);
	{
		const char *args[] = { "-ex", x1, "-ex", x2, exe, core, NULL };

		rc = run_gdb(args);
	}
	v = 0;
	tap_ok(examined(addr, 0, &v) && v == GDB_VALUE,
	       "gdb reads the variable from the core file (%#llx)", v);
	v = 1;
	tap_ok(refused(addr + PAGE) || (examined(addr + PAGE, 0, &v) && v == 0),
	       "and finds no data in the reserved page (refused, or a zero-filled hole: %#llx)", v);
	unlink(core);
	core_restore(old);
	return tap_done();
}
