// SPDX-License-Identifier: GPL-2.0
/*
 * Privilege checks against a user namespace that fakes them. Large pages
 * need CAP_IPC_LOCK or membership of the group large_page_gid names, both
 * in the initial user namespace: a process that makes a namespace of its
 * own, maps that gid onto its own gid and becomes root there has neither,
 * and is refused (E1314); a real member of the group is not. Run as root
 * in the VM, which sets the parameter; the children drop to uid 1000.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <windows.h>

#include "fails_with.h"
#include "tap.h"
#include "users.h"

#define LARGE_GID	4242
#define PARAM		"/sys/module/ntmm/parameters/large_page_gid"


static int read_param(char *buf, size_t len)
{
	int fd = open(PARAM, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return 1;
}


static int has_cap_ipc_lock(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return 0;
	return !!(d[CAP_IPC_LOCK / 32].effective & (1U << (CAP_IPC_LOCK % 32)));
}

static void *large_alloc(void)
{
	return VirtualAlloc(NULL, 2 << 20, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES,
			    PAGE_READWRITE);
}

/* In a child: run @fn, exit with its TAP result. */
static void in_child(void (*fn)(void), const char *what)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (!pid) {
		tap_failed = 0;	/* the child's own checks decide its status */
		fn();
		_exit(tap_done() == 0 ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s (child status %#x)", what,
	       status);
}

/* An unprivileged user, then root of a namespace of its own with the gid mapped. */
static void faker(void)
{
	char map[64];
	void *p;

	tap_ok(drop_to_user(NULL, 0), "drop to uid %d, no groups", USER);
	p = large_alloc();
	fails_with(p != NULL, ERROR_PRIVILEGE_NOT_HELD, "an unprivileged user is refused");
	if (p)
		VirtualFree(p, 0, MEM_RELEASE);
	if (!tap_ok(!unshare(CLONE_NEWUSER), "unshare(CLONE_NEWUSER)")) {
		printf("# unshare: %s\n", strerror(errno));
		return;
	}
	snprintf(map, sizeof(map), "%d %d 1", LARGE_GID, USER);
	tap_ok(write_file("/proc/self/setgroups", "deny") &&
	       write_file("/proc/self/gid_map", map), "map gid %d onto our own gid", LARGE_GID);
	snprintf(map, sizeof(map), "0 %d 1", USER);
	tap_ok(write_file("/proc/self/uid_map", map), "and become root of the namespace");
	/* The fake is in place: the ids a careless check would read are the privileged ones. */
	tap_eq(getgid(), LARGE_GID, "getgid() in the namespace is large_page_gid");
	tap_ok(has_cap_ipc_lock(), "CAP_IPC_LOCK in the namespace");
	p = large_alloc();
	fails_with(p != NULL, ERROR_PRIVILEGE_NOT_HELD,
		   "the namespace's gid and capability grant nothing: E1314");
	if (p)
		VirtualFree(p, 0, MEM_RELEASE);
}

/* A real member of the group, without any capability. */
static void member(void)
{
	const gid_t groups[] = { LARGE_GID };
	void *p;

	tap_ok(drop_to_user(groups, 1), "drop to uid %d in group %d", USER, LARGE_GID);
	tap_ok(!has_cap_ipc_lock(), "without CAP_IPC_LOCK");
	p = large_alloc();
	tap_ok(p != NULL, "a member of large_page_gid gets a large page (error %u)",
	       GetLastError());
	if (p)
		tap_ok(VirtualFree(p, 0, MEM_RELEASE), "and releases it");
}

/* The same member once the parameter names no group. */
static void former_member(void)
{
	const gid_t groups[] = { LARGE_GID };
	void *p;

	tap_ok(drop_to_user(groups, 1), "drop to uid %d in group %d", USER, LARGE_GID);
	p = large_alloc();
	fails_with(p != NULL, ERROR_PRIVILEGE_NOT_HELD, "the group no longer grants large pages");
	if (p)
		VirtualFree(p, 0, MEM_RELEASE);
}

int main(void)
{
	char buf[32];

	tap_ok(!write_file(PARAM, "-5") && !write_file(PARAM, "group") &&
	       !write_file(PARAM, "4294967295"), "large_page_gid refuses what is not a gid");
	tap_ok(write_file(PARAM, "4242") && read_param(buf, sizeof(buf)) && !strcmp(buf, "4242\n"),
	       "large_page_gid set to %d", LARGE_GID);
	in_child(faker, "a user namespace faking the group and the capability is refused");
	in_child(member, "a real member of the group is not");
	tap_ok(write_file(PARAM, "-1") && read_param(buf, sizeof(buf)) && !strcmp(buf, "-1\n"),
	       "large_page_gid back to none");
	in_child(former_member, "then membership grants nothing");
	return tap_done();
}
