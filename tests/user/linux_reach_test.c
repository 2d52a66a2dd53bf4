// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 12, "memory the kernel can reach": committed ntmm memory is ordinary
 * memory to get_user_pages, with each page's protection still its own.
 *
 *  - process_vm_readv / process_vm_writev from another process (a forked
 *    child reaching its parent's memory by address);
 *  - /proc/PID/mem read and write (from that child, as a debugger does);
 *  - vmsplice of an ntmm buffer into a pipe, and out of a pipe into one;
 *  - O_DIRECT read and write of a file on a block-device filesystem
 *    (ext4 on vm-run's --disk, at /mnt);
 *  - a non-private futex word (FUTEX_WAIT/FUTEX_WAKE between two threads,
 *    a timed wait that times out);
 *  - a kernel core dump with the default coredump_filter;
 *  - 2 MiB large pages: process_vm_readv/writev and O_DIRECT.
 *
 * Refused, each with what Linux returns: a GUP write into PAGE_READONLY
 * (EFAULT, or EIO from /proc/PID/mem, which turns any failure into EIO)
 * changes nothing; reserved, PAGE_NOACCESS and PAGE_GUARD pages are refused
 * (EFAULT, or a short count when a range runs into them) and a guard page
 * keeps its guard; a decommitted page leaves no data in a core.
 *
 * Needs vm-run --disk (O_DIRECT) and root (large pages, core_pattern).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <windows.h>

#include "fails_with.h"
#include "linux_mm.h"
#include "tap.h"

#define PAGE	0x1000UL
#define LARGE	0x200000UL

enum { R_READV, R_WRITEV, R_MEM_READ, R_MEM_WRITE };

struct remote_result {
	long ret;
	int err;
};

/*
 * In a forked child, do @op on this process's [addr, addr + len): what a
 * read got comes back in @buf, a write takes its data from @buf (plain
 * memory, copied by fork). The child holds none of our ntmm memory.
 */
static struct remote_result remote(int op, void *addr, size_t len, void *buf)
{
	struct remote_result r = { -2, 0 };
	pid_t parent = getpid(), pid;
	int fds[2], status;

	if (pipe(fds))
		return r;
	pid = fork();
	if (pid == 0) {
		char *local = malloc(len), path[64];
		struct iovec li = { local, len }, ri = { addr, len };
		int fd;

		close(fds[0]);
		if (op == R_WRITEV || op == R_MEM_WRITE)
			memcpy(local, buf, len);
		else
			memset(local, 0xEE, len);
		errno = 0;
		switch (op) {
		case R_READV:
			r.ret = process_vm_readv(parent, &li, 1, &ri, 1, 0);
			break;
		case R_WRITEV:
			r.ret = process_vm_writev(parent, &li, 1, &ri, 1, 0);
			break;
		default:
			snprintf(path, sizeof(path), "/proc/%d/mem", parent);
			fd = open(path, O_RDWR);
			if (fd < 0) {
				r.ret = -3;
				break;
			}
			if (op == R_MEM_READ)
				r.ret = pread(fd, local, len, (off_t)(uintptr_t)addr);
			else
				r.ret = pwrite(fd, local, len, (off_t)(uintptr_t)addr);
			break;
		}
		r.err = errno;
		if (write_all(fds[1], &r, sizeof(r)) ||
		    ((op == R_READV || op == R_MEM_READ) && r.ret > 0 &&
		     write_all(fds[1], local, r.ret)))
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	if (read_all(fds[0], &r, sizeof(r)))
		r.ret = -2;
	else if ((op == R_READV || op == R_MEM_READ) && r.ret > 0 && read_all(fds[0], buf, r.ret))
		r.ret = -2;
	close(fds[0]);
	wait_for(pid, 120, &status);
	return r;
}

static int query(const void *p, MEMORY_BASIC_INFORMATION *mbi)
{
	memset(mbi, 0xcc, sizeof(*mbi));
	return VirtualQuery(p, mbi, sizeof(*mbi)) == sizeof(*mbi);
}

/* A fresh committed read-write allocation of @len filled with pattern @seed. */
static char *filled(size_t len, unsigned int seed)
{
	char *p = VirtualAlloc(NULL, len, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);

	if (p)
		pattern_fill(p, len, seed);
	return p;
}

static void test_remote_access(void)
{
	size_t len = 16 * PAGE;
	char *p = filled(len, 1), *buf = malloc(len), *want = malloc(len);
	struct remote_result r;

	if (!tap_ok(p != NULL, "a 64 KiB committed read-write allocation"))
		return;
	r = remote(R_READV, p, len, buf);
	tap_ok(r.ret == (long)len && !memcmp(buf, p, len),
	       "process_vm_readv from another process reads 64 KiB of committed ntmm memory "
	       "(ret %ld, errno %d)", r.ret, r.err);

	pattern_fill(buf, 4 * PAGE, 2);
	r = remote(R_WRITEV, p + 4 * PAGE, 4 * PAGE, buf);
	tap_ok(r.ret == (long)(4 * PAGE) && !pattern_diff(p + 4 * PAGE, 4 * PAGE, 2),
	       "process_vm_writev from another process writes 16 KiB of it (ret %ld, errno %d)",
	       r.ret, r.err);
	pattern_fill(want, len, 1);
	pattern_fill(want + 4 * PAGE, 4 * PAGE, 2);
	tap_ok(!memcmp(p, want, 4 * PAGE) && !memcmp(p + 8 * PAGE, want + 8 * PAGE, 8 * PAGE),
	       "and nothing around what it wrote");

	r = remote(R_MEM_READ, p + 8 * PAGE, 2 * PAGE, buf);
	tap_ok(r.ret == (long)(2 * PAGE) && !memcmp(buf, p + 8 * PAGE, 2 * PAGE),
	       "/proc/PID/mem read from another process (ret %ld, errno %d)", r.ret, r.err);
	pattern_fill(buf, PAGE, 3);
	r = remote(R_MEM_WRITE, p + 10 * PAGE + 100, 200, buf);
	tap_ok(r.ret == 200 && !memcmp(p + 10 * PAGE + 100, buf, 200) &&
	       !memcmp(p + 10 * PAGE, want + 10 * PAGE, 100) &&
	       !memcmp(p + 10 * PAGE + 300, want + 10 * PAGE + 300, PAGE - 300),
	       "/proc/PID/mem write of 200 bytes from another process, exactly those (ret %ld, errno %d)",
	       r.ret, r.err);

	/* Committed but never touched: GUP faults it in, demand-zero. */
	VirtualFree(p, len, MEM_DECOMMIT);
	VirtualAlloc(p, len, MEM_COMMIT, PAGE_READWRITE);
	r = remote(R_READV, p + PAGE, PAGE, buf);
	tap_ok(r.ret == (long)PAGE && buf[0] == 0 && !memcmp(buf, buf + 1, PAGE - 1),
	       "process_vm_readv of a committed page never touched reads zeros (ret %ld, errno %d)",
	       r.ret, r.err);
	VirtualFree(p, 0, MEM_RELEASE);
	free(buf);
	free(want);
}

/*
 * Pages 0-3 committed and filled, then: 0 PAGE_READONLY, 1 PAGE_NOACCESS,
 * 2 PAGE_READWRITE|PAGE_GUARD, 3 PAGE_READWRITE; 4-7 reserved only.
 */
static char *mixed_pages(void)
{
	char *q = VirtualAlloc(NULL, 8 * PAGE, MEM_RESERVE, PAGE_READWRITE);
	DWORD old;

	if (!q || VirtualAlloc(q, 4 * PAGE, MEM_COMMIT, PAGE_READWRITE) != q)
		return NULL;
	pattern_fill(q, 4 * PAGE, 9);
	if (!VirtualProtect(q, PAGE, PAGE_READONLY, &old) ||
	    !VirtualProtect(q + PAGE, PAGE, PAGE_NOACCESS, &old) ||
	    !VirtualProtect(q + 2 * PAGE, PAGE, PAGE_READWRITE | PAGE_GUARD, &old))
		return NULL;
	return q;
}

static void test_remote_refused(void)
{
	char *q = mixed_pages(), *buf = malloc(2 * PAGE), *before = malloc(PAGE);
	MEMORY_BASIC_INFORMATION mbi;
	struct remote_result r;
	DWORD old;
	int ok;

	if (!tap_ok(q != NULL, "pages read-only, no-access, guard, read-write and reserved"))
		return;
	memcpy(before, q, PAGE);
	r = remote(R_READV, q, PAGE, buf);
	tap_ok(r.ret == (long)PAGE && !memcmp(buf, q, PAGE),
	       "process_vm_readv of a PAGE_READONLY page reads it (ret %ld, errno %d)", r.ret, r.err);
	r = remote(R_MEM_READ, q, PAGE, buf);
	tap_ok(r.ret == (long)PAGE && !memcmp(buf, q, PAGE),
	       "/proc/PID/mem read of a PAGE_READONLY page reads it (ret %ld, errno %d)", r.ret, r.err);

	memset(buf, 0x5A, PAGE);
	r = remote(R_WRITEV, q, PAGE, buf);
	tap_ok(r.ret == -1 && r.err == EFAULT,
	       "refused: process_vm_writev into a PAGE_READONLY page: EFAULT (ret %ld, errno %d)",
	       r.ret, r.err);
	r = remote(R_MEM_WRITE, q + 8, 8, buf);
	tap_ok(r.ret == -1 && r.err == EIO,
	       "refused: /proc/PID/mem write into a PAGE_READONLY page: EIO (ret %ld, errno %d)",
	       r.ret, r.err);
	tap_ok(!memcmp(q, before, PAGE), "and the read-only page is unchanged");

	r = remote(R_READV, q + 4 * PAGE, PAGE, buf);
	tap_ok(r.ret == -1 && r.err == EFAULT,
	       "refused: process_vm_readv of a reserved page: EFAULT (ret %ld, errno %d)", r.ret, r.err);
	r = remote(R_WRITEV, q + 4 * PAGE, PAGE, buf);
	tap_ok(r.ret == -1 && r.err == EFAULT,
	       "refused: process_vm_writev into a reserved page: EFAULT (ret %ld, errno %d)",
	       r.ret, r.err);
	ok = query(q + 4 * PAGE, &mbi);
	tap_ok(ok && mbi.State == MEM_RESERVE && mbi.RegionSize == 4 * PAGE,
	       "and it is still reserved, not committed (state %#x size %#zx)", mbi.State,
	       (size_t)mbi.RegionSize);
	r = remote(R_READV, q + PAGE, PAGE, buf);
	tap_ok(r.ret == -1 && r.err == EFAULT,
	       "refused: process_vm_readv of a PAGE_NOACCESS page: EFAULT (ret %ld, errno %d)",
	       r.ret, r.err);
	r = remote(R_MEM_READ, q + PAGE, PAGE, buf);
	tap_ok(r.ret == -1 && r.err == EIO,
	       "refused: /proc/PID/mem read of a PAGE_NOACCESS page: EIO (ret %ld, errno %d)",
	       r.ret, r.err);

	r = remote(R_READV, q + 2 * PAGE, PAGE, buf);
	tap_ok(r.ret == -1 && r.err == EFAULT,
	       "refused: process_vm_readv of a guard page: EFAULT (ret %ld, errno %d)", r.ret, r.err);
	r = remote(R_MEM_READ, q + 2 * PAGE, PAGE, buf);
	tap_ok(r.ret == -1 && r.err == EIO,
	       "refused: /proc/PID/mem read of a guard page: EIO (ret %ld, errno %d)", r.ret, r.err);
	r = remote(R_WRITEV, q + 2 * PAGE, PAGE, buf);
	tap_ok(r.ret == -1 && r.err == EFAULT,
	       "refused: process_vm_writev into a guard page: EFAULT (ret %ld, errno %d)",
	       r.ret, r.err);
	ok = query(q + 2 * PAGE, &mbi);
	tap_ok(ok && mbi.Protect == (PAGE_READWRITE | PAGE_GUARD) &&
	       mbi.RegionSize == PAGE,
	       "the guard page keeps its guard: VirtualQuery shows 0x104 (%#x)", mbi.Protect);

	/* A range running from a committed page into a reserved one. */
	r = remote(R_READV, q + 3 * PAGE, 2 * PAGE, buf);
	tap_ok(r.ret == (long)PAGE && !memcmp(buf, q + 3 * PAGE, PAGE),
	       "process_vm_readv of a committed page and the reserved one after it: "
	       "a short count of one page (ret %ld, errno %d)", r.ret, r.err);

	VirtualProtect(q + PAGE, PAGE, PAGE_READWRITE, &old);
	VirtualProtect(q + 2 * PAGE, PAGE, PAGE_READWRITE, &old);
	{
		char *want = malloc(4 * PAGE);

		pattern_fill(want, 4 * PAGE, 9);
		tap_ok(!memcmp(q + PAGE, want + PAGE, 3 * PAGE),
		       "the no-access and guard pages kept their contents");
		free(want);
	}
	VirtualFree(q, 0, MEM_RELEASE);
	free(buf);
	free(before);
}

static void test_vmsplice(void)
{
	size_t len = 4 * PAGE;
	char *p = filled(len, 4), *q = VirtualAlloc(NULL, len, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	char *r = mixed_pages(), *buf = malloc(len);
	struct iovec iov;
	int fds[2], ok;
	ssize_t n;

	if (!tap_ok(p && q && r && !pipe(fds), "buffers and a pipe for vmsplice"))
		return;
	iov.iov_base = p;
	iov.iov_len = len;
	n = vmsplice(fds[1], &iov, 1, 0);
	tap_ok(n == (ssize_t)len, "vmsplice of a 16 KiB ntmm buffer into a pipe (ret %zd, errno %d)",
	       n, errno);
	if (n > 0) {
		memset(buf, 0, len);
		ok = read_all(fds[0], buf, n) == 0;
		tap_ok(ok && !memcmp(buf, p, n), "and the pipe gives its contents back");
	} else {
		tap_ok(0, "and the pipe gives its contents back (nothing was spliced)");
	}

	pattern_fill(buf, len, 5);
	ok = write_all(fds[1], buf, len) == 0;
	iov.iov_base = q;
	n = vmsplice(fds[0], &iov, 1, 0);
	tap_ok(ok && n == (ssize_t)len && !pattern_diff(q, len, 5),
	       "vmsplice out of a pipe into an ntmm buffer (ret %zd, errno %d)", n, errno);

	iov.iov_len = PAGE;
	iov.iov_base = r + 4 * PAGE;
	n = vmsplice(fds[1], &iov, 1, 0);
	tap_ok(n == -1 && errno == EFAULT,
	       "refused: vmsplice of a reserved page into a pipe: EFAULT (errno %d)", errno);
	iov.iov_base = r + PAGE;
	n = vmsplice(fds[1], &iov, 1, 0);
	tap_ok(n == -1 && errno == EFAULT,
	       "refused: vmsplice of a PAGE_NOACCESS page: EFAULT (errno %d)", errno);
	iov.iov_base = r + 2 * PAGE;
	n = vmsplice(fds[1], &iov, 1, 0);
	tap_ok(n == -1 && errno == EFAULT,
	       "refused: vmsplice of a guard page: EFAULT (errno %d)", errno);

	memcpy(buf, r, PAGE);
	ok = write_all(fds[1], "xyz", 3) == 0;
	iov.iov_base = r;
	errno = 0;
	n = vmsplice(fds[0], &iov, 1, 0);
	tap_ok(ok && n == -1 && errno == EFAULT && !memcmp(r, buf, PAGE),
	       "refused: vmsplice out of a pipe into a PAGE_READONLY page: EFAULT, page unchanged "
	       "(ret %zd, errno %d)", n, errno);
	close(fds[0]);
	close(fds[1]);
	VirtualFree(p, 0, MEM_RELEASE);
	VirtualFree(q, 0, MEM_RELEASE);
	VirtualFree(r, 0, MEM_RELEASE);
	free(buf);
}

#define FILE_LEN	(2 * LARGE)

static void test_o_direct(void)
{
	const char *path = "/mnt/ntmm_reach.dat";
	char *file = malloc(FILE_LEN), *back = malloc(FILE_LEN), *p, *ro, *lp;
	MEMORY_BASIC_INFORMATION mbi;
	int fd, rd, wr, err;
	ssize_t n;
	DWORD old;

	if (!tap_ok(have_disk(), "/mnt is a block-device filesystem (needs vm-run --disk)"))
		return;
	pattern_fill(file, FILE_LEN, 6);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (!tap_ok(fd >= 0 && write_all(fd, file, FILE_LEN) == 0 && fsync(fd) == 0,
		    "a 4 MiB file on /mnt"))
		return;
	close(fd);
	rd = open(path, O_RDONLY | O_DIRECT);
	wr = open(path, O_WRONLY | O_DIRECT);
	tap_ok(rd >= 0 && wr >= 0, "opened with O_DIRECT (errno %d)", errno);

	/* Committed, never touched: the I/O itself faults the pages in. */
	p = VirtualAlloc(NULL, LARGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	n = pread(rd, p, LARGE, 0);
	tap_ok(n == (ssize_t)LARGE && !memcmp(p, file, LARGE),
	       "O_DIRECT read of 2 MiB into a VirtualAlloc buffer (ret %zd, errno %d)", n, errno);
	pattern_fill(p, 256 << 10, 7);
	n = pwrite(wr, p, 256 << 10, 0);
	fd = open(path, O_RDONLY);
	tap_ok(n == 256 << 10 && fd >= 0 && pread(fd, back, 256 << 10, 0) == 256 << 10 &&
	       !pattern_diff(back, 256 << 10, 7),
	       "O_DIRECT write of 256 KiB from a VirtualAlloc buffer, read back (ret %zd, errno %d)",
	       n, errno);
	close(fd);

	ro = VirtualAlloc(NULL, 4 * PAGE, MEM_RESERVE, PAGE_READWRITE);
	VirtualAlloc(ro, 2 * PAGE, MEM_COMMIT, PAGE_READWRITE);
	pattern_fill(ro, 2 * PAGE, 8);
	VirtualProtect(ro, 2 * PAGE, PAGE_READONLY, &old);
	n = pwrite(wr, ro, PAGE, 512 << 10);
	fd = open(path, O_RDONLY);
	tap_ok(n == (ssize_t)PAGE && fd >= 0 && pread(fd, back, PAGE, 512 << 10) == (ssize_t)PAGE &&
	       !memcmp(back, ro, PAGE),
	       "O_DIRECT write from a PAGE_READONLY page (the I/O only reads it) (ret %zd, errno %d)",
	       n, errno);
	close(fd);
	errno = 0;
	n = pread(rd, ro, PAGE, 0);
	tap_ok(n == -1 && errno == EFAULT && !pattern_diff(ro, PAGE, 8),
	       "refused: O_DIRECT read into a PAGE_READONLY page: EFAULT, page unchanged "
	       "(ret %zd, errno %d)", n, errno);
	errno = 0;
	n = pread(rd, ro + 2 * PAGE, PAGE, 0);
	err = errno;
	tap_ok(n == -1 && err == EFAULT && query(ro + 2 * PAGE, &mbi) && mbi.State == MEM_RESERVE,
	       "refused: O_DIRECT read into a reserved page: EFAULT, still reserved (ret %zd, errno %d)",
	       n, err);
	errno = 0;
	n = pwrite(wr, ro + 2 * PAGE, PAGE, 768 << 10);
	fd = open(path, O_RDONLY);
	tap_ok(n == -1 && errno == EFAULT && fd >= 0 &&
	       pread(fd, back, PAGE, 768 << 10) == (ssize_t)PAGE &&
	       !memcmp(back, file + (768 << 10), PAGE),
	       "refused: O_DIRECT write from a reserved page: EFAULT, file unchanged (ret %zd, errno %d)",
	       n, errno);
	close(fd);
	VirtualProtect(ro, PAGE, PAGE_NOACCESS, &old);
	errno = 0;
	n = pwrite(wr, ro, PAGE, 768 << 10);
	tap_ok(n == -1 && errno == EFAULT,
	       "refused: O_DIRECT write from a PAGE_NOACCESS page: EFAULT (ret %zd, errno %d)", n, errno);
	VirtualFree(ro, 0, MEM_RELEASE);
	VirtualFree(p, 0, MEM_RELEASE);

	/* The database case: a buffer pool in large pages. */
	lp = VirtualAlloc(NULL, 2 * LARGE, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE);
	if (tap_ok(lp != NULL, "a 4 MiB large-page buffer (error %u)", GetLastError())) {
		pattern_fill(file, FILE_LEN, 10);
		fd = open(path, O_WRONLY);
		if (fd < 0 || write_all(fd, file, FILE_LEN) || fsync(fd))
			tap_ok(0, "rewrite the file");
		close(fd);
		n = pread(rd, lp, FILE_LEN, 0);
		tap_ok(n == (ssize_t)FILE_LEN && !memcmp(lp, file, FILE_LEN),
		       "O_DIRECT read of 4 MiB into large pages (ret %zd, errno %d)", n, errno);
		pattern_fill(lp + LARGE, LARGE, 11);
		n = pwrite(wr, lp + LARGE, LARGE, 0);
		fd = open(path, O_RDONLY);
		tap_ok(n == (ssize_t)LARGE && fd >= 0 && pread(fd, back, LARGE, 0) == (ssize_t)LARGE &&
		       !pattern_diff(back, LARGE, 11),
		       "O_DIRECT write of 2 MiB from a large page, read back (ret %zd, errno %d)",
		       n, errno);
		close(fd);
		VirtualProtect(lp, LARGE, PAGE_READONLY, &old);
		memcpy(back, lp, PAGE);
		errno = 0;
		n = pread(rd, lp, PAGE, 0);
		tap_ok(n == -1 && errno == EFAULT && !memcmp(lp, back, PAGE),
		       "refused: O_DIRECT read into a PAGE_READONLY large page: EFAULT, unchanged "
		       "(ret %zd, errno %d)", n, errno);
		VirtualFree(lp, 0, MEM_RELEASE);
	}
	close(rd);
	close(wr);
	unlink(path);
	free(file);
	free(back);
}

static void test_large_remote(void)
{
	char *lp = VirtualAlloc(NULL, LARGE, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES,
				PAGE_READWRITE);
	char *buf = malloc(LARGE);
	struct remote_result r;
	DWORD old;

	if (!tap_ok(lp != NULL, "a 2 MiB large page (error %u)", GetLastError()))
		return;
	pattern_fill(lp, LARGE, 12);
	r = remote(R_READV, lp, LARGE, buf);
	tap_ok(r.ret == (long)LARGE && !memcmp(buf, lp, LARGE),
	       "process_vm_readv of a whole 2 MiB large page from another process (ret %ld, errno %d)",
	       r.ret, r.err);
	pattern_fill(buf, 3 * PAGE, 13);
	r = remote(R_WRITEV, lp + LARGE / 2 - PAGE, 3 * PAGE, buf);
	tap_ok(r.ret == (long)(3 * PAGE) && !pattern_diff(lp + LARGE / 2 - PAGE, 3 * PAGE, 13) &&
	       !pattern_diff(lp, LARGE / 2 - PAGE, 12),
	       "process_vm_writev into the middle of it (ret %ld, errno %d)", r.ret, r.err);
	r = remote(R_MEM_READ, lp + LARGE - PAGE, PAGE, buf);
	tap_ok(r.ret == (long)PAGE && !memcmp(buf, lp + LARGE - PAGE, PAGE),
	       "/proc/PID/mem read of its last page (ret %ld, errno %d)", r.ret, r.err);
	VirtualProtect(lp, LARGE, PAGE_READONLY, &old);
	memcpy(buf, lp, PAGE);
	r = remote(R_WRITEV, lp, 8, buf + PAGE);
	tap_ok(r.ret == -1 && r.err == EFAULT && !memcmp(buf, lp, PAGE),
	       "refused: process_vm_writev into a PAGE_READONLY large page: EFAULT, unchanged "
	       "(ret %ld, errno %d)", r.ret, r.err);
	VirtualFree(lp, 0, MEM_RELEASE);
	free(buf);
}

static long futex(int *word, int op, int val, const struct timespec *timeout)
{
	return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

struct waiter {
	int *word;
	long ret;
	int err;
	volatile int done;
};

static void *futex_waiter(void *arg)
{
	struct waiter *w = arg;
	struct timespec ts = { 20, 0 };

	w->ret = futex(w->word, FUTEX_WAIT, 0, &ts);
	w->err = errno;
	w->done = 1;
	return NULL;
}

static void test_futex(void)
{
	char *p = VirtualAlloc(NULL, 4 * PAGE, MEM_RESERVE, PAGE_READWRITE);
	struct timespec ts = { 0, 50 * 1000 * 1000 }, nap = { 0, 1000 * 1000 };
	struct waiter w = { 0 };
	pthread_t t;
	long woken = 0, r;
	int i;
	DWORD old;

	VirtualAlloc(p, 2 * PAGE, MEM_COMMIT, PAGE_READWRITE);
	w.word = (int *)(p + 64);
	*w.word = 0;
	errno = 0;
	r = futex(w.word, FUTEX_WAIT, 0, &ts);
	tap_ok(r == -1 && errno == ETIMEDOUT,
	       "a shared FUTEX_WAIT with a 50 ms timeout on an ntmm word: ETIMEDOUT (ret %ld, errno %d)",
	       r, errno);
	errno = 0;
	r = futex(w.word, FUTEX_WAIT, 1, &ts);
	tap_ok(r == -1 && errno == EAGAIN,
	       "a shared FUTEX_WAIT for a value the word does not hold: EAGAIN (errno %d)", errno);

	pthread_create(&t, NULL, futex_waiter, &w);
	/* Wake until one waiter was woken: that proves both found the same key. */
	for (i = 0; i < 20000 && !w.done && woken == 0; i++) {
		woken = futex(w.word, FUTEX_WAKE, 1, NULL);
		if (woken == 0)
			nanosleep(&nap, NULL);
	}
	pthread_join(t, NULL);
	tap_ok(woken == 1 && w.ret == 0,
	       "a shared FUTEX_WAKE wakes a thread in FUTEX_WAIT on the same ntmm word "
	       "(wake %ld, wait %ld, errno %d)", woken, w.ret, w.err);

	errno = 0;
	r = futex((int *)(p + 2 * PAGE), FUTEX_WAIT, 0, &ts);
	tap_ok(r == -1 && errno == EFAULT,
	       "refused: a shared FUTEX_WAIT on a reserved page: EFAULT (errno %d)", errno);
	errno = 0;
	r = futex((int *)(p + 2 * PAGE), FUTEX_WAKE, 1, NULL);
	tap_ok(r == -1 && errno == EFAULT,
	       "refused: a shared FUTEX_WAKE on a reserved page: EFAULT (errno %d)", errno);
	VirtualProtect(p + PAGE, PAGE, PAGE_NOACCESS, &old);
	errno = 0;
	r = futex((int *)(p + PAGE), FUTEX_WAIT, 0, &ts);
	tap_ok(r == -1 && errno == EFAULT,
	       "refused: a shared FUTEX_WAIT on a PAGE_NOACCESS page: EFAULT (errno %d)", errno);
	VirtualFree(p, 0, MEM_RELEASE);
}

static void test_core_dump(void)
{
	char old[256], path[64], filter[32] = "", buf[2 * PAGE];
	unsigned long addr = 0;
	int fds[2], status = 0, fd;
	long n;
	pid_t pid;

	fd = open("/proc/self/coredump_filter", O_RDONLY);
	if (fd >= 0) {
		n = read(fd, filter, sizeof(filter) - 1);
		filter[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	tap_ok(strtoul(filter, NULL, 16) == 0x33, "the default coredump_filter, 0x33 (%.8s)", filter);
	if (!tap_ok(core_setup(old, sizeof(old)) == 0 && pipe(fds) == 0,
		    "core dumps to /tmp/core.PID, RLIMIT_CORE unlimited"))
		return;
	pid = fork();
	if (pid == 0) {
		char *c = VirtualAlloc(NULL, 4 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);

		if (!c)
			_exit(2);
		pattern_fill(c, 2 * PAGE, 14);
		pattern_fill(c + 2 * PAGE, PAGE, 15);
		VirtualFree(c + 2 * PAGE, PAGE, MEM_DECOMMIT);
		addr = (unsigned long)c;
		if (write_all(fds[1], &addr, sizeof(addr)))
			_exit(3);
		abort();
	}
	close(fds[1]);
	if (read_all(fds[0], &addr, sizeof(addr)))
		addr = 0;
	close(fds[0]);
	if (wait_for(pid, 300, &status))
		tap_ok(0, "the dump finished within 300 s");
	tap_ok(addr && WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && WCOREDUMP(status),
	       "a child with ntmm memory abort()s and dumps core (status %#x)", status);
	snprintf(path, sizeof(path), "/tmp/core.%d", pid);
	memset(buf, 0, sizeof(buf));
	n = core_read(path, addr, buf, 2 * PAGE);
	tap_ok(n == 2 * PAGE && !pattern_diff(buf, 2 * PAGE, 14),
	       "the core holds what it wrote into ntmm memory, at its address (%ld bytes)", n);
	memset(buf, 0, sizeof(buf));
	n = core_read(path, addr + 2 * PAGE, buf, PAGE);
	tap_ok(n == 0 || (n == (long)PAGE && buf[0] == 0 && !memcmp(buf, buf + 1, PAGE - 1)),
	       "a page decommitted before the dump leaves no data in the core (%ld bytes there, "
	       "all zero)", n);
	unlink(path);
	core_restore(old);
}

int main(void)
{
	test_remote_access();
	test_remote_refused();
	test_vmsplice();
	test_futex();
	test_large_remote();
	test_core_dump();
	test_o_direct();
	return tap_done();
}
