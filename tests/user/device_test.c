// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/ntmm at the ioctl level: the handshake, every malformed-call errno,
 * and one context per address space (threads and second opens share it,
 * a forked child gets its own, an inherited descriptor is refused).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/ntmm.h>

#include "tap.h"
#include "ntmm_debugfs.h"

/* The errno of one ioctl, or 0 if it succeeded. */
static int ioctl_errno(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) == 0 ? 0 : errno;
}

static void test_handshake(int fd)
{
	struct ntmm_version v = { .size = sizeof(v) };
	struct stat st;
	int ret;

	tap_eq(ioctl_errno(fd, NTMM_IOC_VERSION, &v), 0, "version ioctl succeeds");
	tap_eq(v.status, NTMM_STATUS_SUCCESS, "version status is STATUS_SUCCESS");
	tap_eq(v.abi_version, NTMM_ABI_VERSION, "ABI version matches the header");
	tap_ok(v.features & NTMM_FEATURE_SYSTEM_INFO, "SYSTEM_INFO feature advertised");
	ret = stat(NTMM_DEVICE_PATH, &st);
	tap_ok(ret == 0 && (st.st_mode & 0777) == 0666,
	       "device mode is the default 0666 (got %o)", st.st_mode & 0777);
	tap_eq(lseek(fd, 0, SEEK_SET) == -1 ? errno : 0, ESPIPE, "the device is not seekable");
}

static void test_bad_calls(int fd)
{
	struct ntmm_version v = { .size = sizeof(v) };
	struct {
		struct ntmm_version v;
		unsigned char tail[32];
	} big;
	long page = sysconf(_SC_PAGESIZE);
	char *guard;

	tap_eq(ioctl_errno(fd, _IOWR(NTMM_IOC_MAGIC, 0x7f, struct ntmm_version), &v), ENOTTY,
	       "unknown command number: ENOTTY");
	tap_eq(ioctl_errno(fd, _IOWR('W', 0, struct ntmm_version), &v), ENOTTY,
	       "foreign magic: ENOTTY");
	tap_eq(ioctl_errno(fd, _IOR(NTMM_IOC_MAGIC, 0, struct ntmm_version), &v), ENOTTY,
	       "wrong direction: ENOTTY");
	tap_eq(ioctl_errno(fd, _IO(NTMM_IOC_MAGIC, 0), NULL), ENOTTY, "no direction: ENOTTY");

	v.size = NTMM_VERSION_SIZE_VER0 - 1;
	tap_eq(ioctl_errno(fd, NTMM_IOC_VERSION, &v), EINVAL, "size below VER0: EINVAL");
	v.size = 0;
	tap_eq(ioctl_errno(fd, NTMM_IOC_VERSION, &v), EINVAL, "size 0: EINVAL");
	v.size = (unsigned int)page + 1;
	tap_eq(ioctl_errno(fd, NTMM_IOC_VERSION, &v), EINVAL, "size above a page: EINVAL");
	v.size = sizeof(v);
	v.__pad0 = 1;
	tap_eq(ioctl_errno(fd, NTMM_IOC_VERSION, &v), EINVAL, "non-zero padding: EINVAL");
	v.__pad0 = 0;

	memset(&big, 0, sizeof(big));
	big.v.size = sizeof(big);
	tap_eq(ioctl_errno(fd, NTMM_IOC_VERSION, &big), 0,
	       "larger struct, zero tail: accepted (newer caller)");
	tap_eq(big.v.abi_version, NTMM_ABI_VERSION, "larger struct gets its answer");
	big.tail[31] = 1;
	tap_eq(ioctl_errno(fd, NTMM_IOC_VERSION, &big), EINVAL,
	       "larger struct, unknown non-zero field: EINVAL");

	tap_eq(ioctl_errno(fd, NTMM_IOC_VERSION, NULL), EFAULT, "NULL struct: EFAULT");
	tap_eq(ioctl_errno(fd, NTMM_IOC_VERSION, (void *)0xffff800000000000ULL), EFAULT,
	       "kernel address: EFAULT");
	guard = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(guard + page, page, PROT_NONE);
	/* The size field is readable, the rest of the struct is not. */
	*(unsigned int *)(guard + page - 4) = sizeof(v);
	tap_eq(ioctl_errno(fd, NTMM_IOC_VERSION, guard + page - 4), EFAULT,
	       "struct running into an unmapped page: EFAULT");
	mprotect(guard, page, PROT_READ);
	memcpy(&v, &(struct ntmm_version){ .size = sizeof(v) }, sizeof(v));
	mprotect(guard, page, PROT_READ | PROT_WRITE);
	memcpy(guard, &v, sizeof(v));
	mprotect(guard, page, PROT_READ);
	tap_eq(ioctl_errno(fd, NTMM_IOC_VERSION, guard), EFAULT,
	       "read-only struct (answer cannot be written): EFAULT");
	munmap(guard, 2 * page);
}

/* The structs that grew or came with large pages and NUMA. */
static void test_new_structs(int fd)
{
	struct ntmm_alloc a = {
		.size = NTMM_ALLOC_SIZE_VER0, .type = 0x3000, .protect = 4, .length = 4096,
	};
	struct ntmm_free f = { .size = sizeof(f), .type = 0x8000 };
	struct ntmm_ws_entry e = { .address = 0 };
	struct ntmm_working_set_ex w = { .size = sizeof(w), .count = 1 };
	long page = sysconf(_SC_PAGESIZE);
	char *buf;

	tap_ok(ioctl_errno(fd, NTMM_IOC_ALLOCATE, &a) == 0 && a.status == 0 && a.address,
	       "an allocation in the VER0 size still works");
	f.address = a.address;
	ioctl(fd, NTMM_IOC_FREE, &f);
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = 0x3000;
	a.protect = 4;
	a.length = 4096;
	a.flags = 0x80;
	tap_ok(ioctl_errno(fd, NTMM_IOC_ALLOCATE, &a) == 0 &&
	       a.status == NTMM_STATUS_INVALID_PARAMETER, "an unknown allocation flag: E87");
	w.entries = (unsigned long)&e;
	e.address = (unsigned long)&e;
	tap_ok(ioctl_errno(fd, NTMM_IOC_WORKING_SET_EX, &w) == 0 && w.status == 0 &&
	       e.attributes == 0, "WORKING_SET_EX of memory ntmm does not manage: not valid");
	w.__pad0 = 1;
	tap_eq(ioctl_errno(fd, NTMM_IOC_WORKING_SET_EX, &w), EINVAL, "WORKING_SET_EX padding: EINVAL");
	w.__pad0 = 0;
	w.entries = 0xffff800000000000ULL;
	tap_eq(ioctl_errno(fd, NTMM_IOC_WORKING_SET_EX, &w), EFAULT,
	       "WORKING_SET_EX entries at a kernel address: EFAULT");
	buf = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(buf + page, page, PROT_NONE);
	w.entries = (unsigned long)(buf + page - sizeof(e));
	w.count = 2;
	tap_eq(ioctl_errno(fd, NTMM_IOC_WORKING_SET_EX, &w), EFAULT,
	       "WORKING_SET_EX entries running into an unmapped page: EFAULT");
	munmap(buf, 2 * page);
}

static void *thread_open(void *arg)
{
	int fd = open(NTMM_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	*(int *)arg = fd;
	return NULL;
}

static void test_contexts(int fd)
{
	int base = ntmm_debugfs("processes"), fd2, tfd = -1, status, up[2], down[2];
	struct ntmm_version v = { .size = sizeof(v) };
	pthread_t t;
	pid_t pid;
	char c;

	tap_ok(base >= 1, "debugfs counts live contexts (%d)", base);
	fd2 = open(NTMM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	tap_eq(ntmm_debugfs("processes"), base, "second open in the same process shares the context");
	pthread_create(&t, NULL, thread_open, &tfd);
	pthread_join(t, NULL);
	tap_ok(tfd >= 0 && ntmm_debugfs("processes") == base, "a thread's open shares the context");
	close(tfd);
	close(fd2);
	tap_eq(ntmm_debugfs("processes"), base, "closing extra descriptors keeps the context");

	/* up: child to parent, down: parent to child. */
	if (pipe(up) || pipe(down))
		exit(2);
	pid = fork();
	if (pid == 0) {
		int cfd, inherited = ioctl_errno(fd, NTMM_IOC_VERSION, &v);

		cfd = open(NTMM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		if (write(up[1], "x", 1) != 1 || read(down[0], &c, 1) != 1)
			_exit(3);
		v.size = sizeof(v);
		_exit(inherited != EACCES ? 10 : ioctl_errno(cfd, NTMM_IOC_VERSION, &v) ? 11 : 0);
	}
	if (read(up[0], &c, 1) != 1)
		exit(2);
	tap_eq(ntmm_debugfs("processes"), base + 1, "a forked child that opens gets its own context");
	if (write(down[1], "x", 1) != 1)
		exit(2);
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) != 10,
	       "child using the inherited descriptor gets EACCES");
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "child's own descriptor works (status %d)", WEXITSTATUS(status));
	tap_eq(ntmm_debugfs("processes"), base, "the child's context dies with it");

	/* A child killed with SIGKILL while holding the device. */
	pid = fork();
	if (pid == 0) {
		open(NTMM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		if (write(up[1], "x", 1) != 1)
			_exit(3);
		pause();
		_exit(0);
	}
	if (read(up[0], &c, 1) != 1)
		exit(2);
	tap_eq(ntmm_debugfs("processes"), base + 1, "a second child has a context");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	tap_eq(ntmm_debugfs("processes"), base, "SIGKILL frees the child's context");
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
}

/* Run as "device_test exec-probe FD" after exec: the old fd belongs to the old mm. */
static int exec_probe(int fd)
{
	struct ntmm_version v = { .size = sizeof(v) };

	return ioctl_errno(fd, NTMM_IOC_VERSION, &v) == EACCES ? 0 : 1;
}

static void test_exec(void)
{
	int fd = open(NTMM_DEVICE_PATH, O_RDWR);	/* no O_CLOEXEC on purpose */
	int status;
	char arg[16];
	pid_t pid;

	snprintf(arg, sizeof(arg), "%d", fd);
	pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", "device_test", "exec-probe", arg, (char *)NULL);
		_exit(2);
	}
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "after exec, a descriptor kept from before is refused (EACCES)");
	close(fd);
}

int main(int argc, char **argv)
{
	int fd;

	if (argc == 3 && !strcmp(argv[1], "exec-probe"))
		return exec_probe(atoi(argv[2]));
	fd = open(NTMM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (!tap_ok(fd >= 0, "open %s", NTMM_DEVICE_PATH))
		return tap_done();
	test_handshake(fd);
	test_bad_calls(fd);
	test_new_structs(fd);
	test_contexts(fd);
	test_exec();
	close(fd);
	return tap_done();
}
