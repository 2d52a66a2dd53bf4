/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tests that become another user: a write to a /proc or /sys file, and
 * the drop to uid and gid USER with supplementary groups of the test's.
 */
#ifndef NTMM_TESTS_USERS_H
#define NTMM_TESTS_USERS_H

#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define USER		1000

/* Write @text to @path (a parameter, an id map): 1 if all of it went. */
static inline int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return 0;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok;
}

/*
 * Become uid and gid USER with @groups as supplementary groups. Changing
 * ids leaves a process undumpable, which makes its /proc files root's:
 * dumpable again, it may write its own id maps.
 */
static inline int drop_to_user(const gid_t *groups, size_t n)
{
	return !setgroups(n, groups) && !setgid(USER) && !setuid(USER) &&
	       !prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

#endif /* NTMM_TESTS_USERS_H */
