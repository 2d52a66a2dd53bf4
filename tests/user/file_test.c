// SPDX-License-Identifier: GPL-2.0
/*
 * The file and handle calls through libntmm, against Microsoft's
 * documentation, with exact error codes: handles as descriptors; CreateFile's
 * five dispositions on an existing and a missing file and the last error each
 * leaves (ERROR_ALREADY_EXISTS set and cleared); access rights as descriptor
 * modes; Linux's errors as Windows'; inheritance (close-on-exec, and across a
 * real exec); reads, writes, the file pointer, sizes past 4 GiB, truncation,
 * the end of a file with and without an OVERLAPPED; pipes (partial reads,
 * long writes, EINTR); FILE_FLAG_NO_BUFFERING (O_DIRECT, for real on vm-run's
 * ext4 disk at /mnt when there is one), FILE_FLAG_WRITE_THROUGH,
 * FILE_FLAG_DELETE_ON_CLOSE; DeleteFile; CloseHandle and protection from
 * close (four threads at once); DuplicateHandle; the W functions with names
 * beyond ASCII and beyond the BMP; bad handles everywhere.
 *
 * Runs in a directory of its own under the current one (the VM's /tmp) and
 * leaves nothing behind. Root for the tiny tmpfs (ERROR_DISK_FULL) and the
 * unprivileged child (ERROR_ACCESS_DENIED).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <windows.h>
#include <libntmm.h>

#include "fails_with.h"
#include "linux_mm.h"
#include "tap.h"

#define RW		(GENERIC_READ | GENERIC_WRITE)
#define SHARE_ALL	(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
#define GiB		(1LL << 30)

static DWORD last;	/* the last error create() saw */

/* CreateFileA with the last error primed to junk, so that clearing it shows. */
static HANDLE create(const char *name, DWORD access, DWORD disposition, DWORD flags)
{
	HANDLE h;

	SetLastError(0xDEAD);
	h = CreateFileA(name, access, SHARE_ALL, NULL, disposition, flags, NULL);
	last = GetLastError();
	return h;
}

static int ok_handle(HANDLE h)
{
	return h != INVALID_HANDLE_VALUE && h != NULL;
}

/* CreateFileA fails with @want and gives no handle. */
static int create_fails(const char *name, DWORD access, DWORD disposition, DWORD flags,
			DWORD want, const char *what)
{
	HANDLE h = create(name, access, disposition, flags);

	if (ok_handle(h))
		CloseHandle(h);
	return tap_ok(h == INVALID_HANDLE_VALUE && last == want, "%s: error %u (want %u)", what,
		      last, want);
}

/* A file's contents by Linux's own calls. */
static void put_file(const char *name, const char *text)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		write_all(fd, text, strlen(text));
		close(fd);
	}
}

/* The file's size, or -1 if it is not there. */
static long long file_len(const char *name)
{
	struct stat st;

	return stat(name, &st) ? -1 : st.st_size;
}

static int fd_flags(HANDLE h)
{
	return fcntl(NtmmFdFromHandle(h), F_GETFL);
}

static int fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static void test_encoding(void)
{
	int fd, bad = 0;
	HANDLE h;

	tap_ok(NtmmHandleFromFd(0) == (HANDLE)4 && NtmmHandleFromFd(1) == (HANDLE)8 &&
	       NtmmHandleFromFd(7) == (HANDLE)32, "fd 0, 1, 7: handles 4, 8, 32");
	tap_ok(NtmmHandleFromFd(INT_MAX) == (HANDLE)(((uintptr_t)INT_MAX + 1) << 2) &&
	       NtmmFdFromHandle(NtmmHandleFromFd(INT_MAX)) == INT_MAX, "fd INT_MAX and back");
	for (fd = 0; fd < 4096; fd++)
		bad += NtmmFdFromHandle(NtmmHandleFromFd(fd)) != fd ||
		       ((uintptr_t)NtmmHandleFromFd(fd) & 3);
	tap_eq(bad, 0, "fds 0 to 4095: multiples of 4, and back to their fd");
	SetLastError(0);
	tap_ok(NtmmHandleFromFd(-1) == INVALID_HANDLE_VALUE &&
	       GetLastError() == ERROR_INVALID_HANDLE,
	       "fd -1: INVALID_HANDLE_VALUE, ERROR_INVALID_HANDLE");
	SetLastError(0);
	tap_ok(NtmmFdFromHandle(NULL) == -1 && GetLastError() == ERROR_INVALID_HANDLE,
	       "NtmmFdFromHandle(NULL): -1, ERROR_INVALID_HANDLE");
	SetLastError(0);
	tap_ok(NtmmFdFromHandle(GetCurrentProcess()) == -1 &&
	       GetLastError() == ERROR_INVALID_HANDLE,
	       "GetCurrentProcess()'s pseudo-handle is no fd");
	tap_ok(NtmmFdFromHandle((HANDLE)(LONG_PTR)-2) == -1 &&
	       NtmmFdFromHandle((HANDLE)(LONG_PTR)-4) == -1 && NtmmFdFromHandle((HANDLE)2) == -1 &&
	       NtmmFdFromHandle((HANDLE)6) == -1 &&
	       NtmmFdFromHandle((HANDLE)(((uintptr_t)INT_MAX + 2) << 2)) == -1,
	       "-2, -4, 2, 6 and the handle past fd INT_MAX are no fd");
	SetLastError(77);
	tap_ok(NtmmFdFromHandle((HANDLE)12) == 2 && GetLastError() == 77,
	       "success leaves the last error alone");

	h = create("enc", RW, CREATE_NEW, 0);
	fd = NtmmFdFromHandle(h);
	tap_ok(ok_handle(h) && !((uintptr_t)h & 3) && fd >= 0 && fd_open(fd),
	       "CreateFile's handle: a multiple of 4 whose fd is open");
	tap_ok(CloseHandle(h) && !fd_open(fd), "CloseHandle closes the fd");
	fd = open("enc", O_RDONLY);
	tap_ok(CloseHandle(NtmmHandleFromFd(fd)) && !fd_open(fd),
	       "a Linux fd's handle is a handle: CloseHandle closes it");
	unlink("enc");
}

/* The fd libntmm holds on /dev/ntmm, or -1. */
static int device_fd(void)
{
	char path[64], target[64];
	int fd;
	ssize_t n;

	for (fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n > 0 && (target[n] = '\0', !strcmp(target, "/dev/ntmm")))
			return fd;
	}
	return -1;
}

static void test_device_fd_is_no_handle(void)
{
	void *p = VirtualAlloc(NULL, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	int fd = device_fd();
	HANDLE h = NtmmHandleFromFd(fd);

	if (!p || fd < 0) {
		tap_skip("libntmm's /dev/ntmm fd is no handle", "no module here");
		return;
	}
	VirtualFree(p, 0, MEM_RELEASE);
	fails_with(NtmmFdFromHandle(h) >= 0, ERROR_INVALID_HANDLE,
		   "NtmmFdFromHandle of libntmm's own /dev/ntmm fd");
	fails_with(CloseHandle(h), ERROR_INVALID_HANDLE, "CloseHandle of it");
	p = VirtualAlloc(NULL, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	tap_ok(p && fd_open(fd), "and the device stays open: VirtualAlloc works");
	VirtualFree(p, 0, MEM_RELEASE);
}

/* Each disposition on a missing file and on an existing one (3 bytes): the outcome. */
static const struct disposition_case {
	DWORD disposition;
	const char *name;
	int exists;
	int opens;
	DWORD error;		/* the last error after the call */
	long long len;		/* the file's size after it; -1: no file */
} dispositions[] = {
	{ CREATE_NEW, "CREATE_NEW", 0, 1, ERROR_SUCCESS, 0 },
	{ CREATE_NEW, "CREATE_NEW", 1, 0, ERROR_FILE_EXISTS, 3 },
	{ CREATE_ALWAYS, "CREATE_ALWAYS", 0, 1, ERROR_SUCCESS, 0 },
	{ CREATE_ALWAYS, "CREATE_ALWAYS", 1, 1, ERROR_ALREADY_EXISTS, 0 },
	{ OPEN_EXISTING, "OPEN_EXISTING", 0, 0, ERROR_FILE_NOT_FOUND, -1 },
	{ OPEN_EXISTING, "OPEN_EXISTING", 1, 1, ERROR_SUCCESS, 3 },
	{ OPEN_ALWAYS, "OPEN_ALWAYS", 0, 1, ERROR_SUCCESS, 0 },
	{ OPEN_ALWAYS, "OPEN_ALWAYS", 1, 1, ERROR_ALREADY_EXISTS, 3 },
	{ TRUNCATE_EXISTING, "TRUNCATE_EXISTING", 0, 0, ERROR_FILE_NOT_FOUND, -1 },
	{ TRUNCATE_EXISTING, "TRUNCATE_EXISTING", 1, 1, ERROR_SUCCESS, 0 },
};

static void test_dispositions(void)
{
	const struct disposition_case *c;
	char back[4];
	DWORD n;
	size_t i;
	HANDLE h;

	for (i = 0; i < sizeof(dispositions) / sizeof(dispositions[0]); i++) {
		c = &dispositions[i];
		n = 0;
		memset(back, 0, sizeof(back));
		unlink("d");
		if (c->exists)
			put_file("d", "old");
		h = create("d", RW, c->disposition, FILE_ATTRIBUTE_NORMAL);
		/* An existing file kept whole reads as it was. */
		if (ok_handle(h) && c->len == 3)
			ReadFile(h, back, 3, &n, NULL);
		tap_ok(ok_handle(h) == c->opens && last == c->error && file_len("d") == c->len &&
		       (c->len != 3 || !c->opens || (n == 3 && !memcmp(back, "old", 3))),
		       "%s, %s file: %s, last error %u (got %u), size %lld", c->name,
		       c->exists ? "existing" : "missing", c->opens ? "a handle" : "no handle",
		       c->error, last, c->len);
		if (ok_handle(h))
			CloseHandle(h);
	}
	put_file("d", "old");
	create_fails("d", GENERIC_READ, TRUNCATE_EXISTING, 0, ERROR_INVALID_PARAMETER,
		     "TRUNCATE_EXISTING without GENERIC_WRITE");
	tap_ok(file_len("d") == 3, "and the file is kept whole");
	h = create("d", FILE_GENERIC_WRITE, TRUNCATE_EXISTING, 0);
	tap_ok(ok_handle(h) && file_len("d") == 0, "TRUNCATE_EXISTING with FILE_GENERIC_WRITE");
	CloseHandle(h);
	unlink("d");

	create_fails("d", RW, 0, 0, ERROR_INVALID_PARAMETER, "disposition 0");
	tap_ok(file_len("d") < 0, "and no file is made");
	create_fails("d", RW, 6, 0, ERROR_INVALID_PARAMETER, "disposition 6");
	tap_ok(file_len("d") < 0, "and no file is made");
}

static void test_create_errors(void)
{
	char longname[300];
	HANDLE h;

	create_fails(NULL, RW, OPEN_ALWAYS, 0, ERROR_PATH_NOT_FOUND, "NULL name");
	create_fails("", RW, OPEN_ALWAYS, 0, ERROR_PATH_NOT_FOUND, "empty name");
	create_fails("nodir/f", RW, OPEN_EXISTING, 0, ERROR_PATH_NOT_FOUND,
		     "a missing directory on the path");
	create_fails("nodir/f", RW, CREATE_ALWAYS, 0, ERROR_PATH_NOT_FOUND,
		     "creating in a missing directory");
	create_fails("/ntmm-no-such-file", GENERIC_READ, OPEN_EXISTING, 0, ERROR_FILE_NOT_FOUND,
		     "a missing file in /");
	put_file("plain", "x");
	create_fails("plain/f", RW, OPEN_ALWAYS, 0, ERROR_PATH_NOT_FOUND,
		     "a file used as a directory (ENOTDIR)");
	unlink("plain");

	mkdir("dir", 0755);
	create_fails("dir", GENERIC_READ, OPEN_EXISTING, 0, ERROR_ACCESS_DENIED,
		     "a directory without FILE_FLAG_BACKUP_SEMANTICS");
	create_fails("dir", RW, OPEN_ALWAYS, 0, ERROR_ACCESS_DENIED,
		     "a directory for writing (EISDIR)");
	h = create("dir", GENERIC_READ, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS);
	tap_ok(ok_handle(h) && GetFileType(h) == FILE_TYPE_DISK && GetFileSize(h, NULL) == 0,
	       "a directory with FILE_FLAG_BACKUP_SEMANTICS: a handle (disk, size 0)");
	CloseHandle(h);
	rmdir("dir");

	h = CreateFileA("s", RW, 8, NULL, CREATE_ALWAYS, 0, NULL);
	fails_with(h != INVALID_HANDLE_VALUE, ERROR_INVALID_PARAMETER, "share mode 8");
	create_fails("s", RW, CREATE_ALWAYS, FILE_FLAG_OVERLAPPED, ERROR_CALL_NOT_IMPLEMENTED,
		     "FILE_FLAG_OVERLAPPED");
	tap_ok(file_len("s") < 0, "and no file is made");

	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	create_fails(longname, RW, CREATE_ALWAYS, 0, ERROR_FILENAME_EXCED_RANGE,
		     "a 299-byte name (ENAMETOOLONG)");
	symlink("loop2", "loop1");
	symlink("loop1", "loop2");
	create_fails("loop1", GENERIC_READ, OPEN_EXISTING, 0, ERROR_CANT_RESOLVE_FILENAME,
		     "a symbolic link loop (ELOOP)");
	unlink("loop1");
	unlink("loop2");
	symlink("target", "dangling");
	h = create("dangling", RW, OPEN_ALWAYS, 0);
	tap_ok(ok_handle(h) && last == ERROR_SUCCESS && file_len("target") == 0,
	       "OPEN_ALWAYS through a dangling symbolic link creates its target (%u)", last);
	CloseHandle(h);
	unlink("dangling");
	unlink("target");
}

static void test_too_many_files(void)
{
	struct rlimit old, low;
	HANDLE h[64];
	int n = 0, i;

	getrlimit(RLIMIT_NOFILE, &old);
	low = old;
	low.rlim_cur = 32;
	setrlimit(RLIMIT_NOFILE, &low);
	put_file("many", "");
	while (n < 64) {
		h[n] = create("many", GENERIC_READ, OPEN_EXISTING, 0);
		if (h[n] == INVALID_HANDLE_VALUE)
			break;
		n++;
	}
	tap_ok(n < 64 && last == ERROR_TOO_MANY_OPEN_FILES,
	       "past RLIMIT_NOFILE (EMFILE): ERROR_TOO_MANY_OPEN_FILES after %d (%u)", n, last);
	for (i = 0; i < n; i++)
		CloseHandle(h[i]);
	setrlimit(RLIMIT_NOFILE, &old);
	unlink("many");
}

static void test_disk_full(void)
{
	static char buf[256 << 10];
	DWORD n = 0;
	HANDLE h;
	BOOL ok;

	mkdir("tiny", 0755);
	if (mount("tmpfs", "tiny", "tmpfs", 0, "size=64k")) {
		tap_skip("a full file system (ENOSPC): ERROR_DISK_FULL", "cannot mount (errno %d)",
			 errno);
		rmdir("tiny");
		return;
	}
	h = create("tiny/f", RW, CREATE_NEW, 0);
	ok = WriteFile(h, buf, sizeof(buf), &n, NULL);
	tap_ok(ok_handle(h) && !ok && GetLastError() == ERROR_DISK_FULL && n > 0 && n < sizeof(buf),
	       "a 256 KiB write into a 64 KiB tmpfs: ERROR_DISK_FULL, the part written counted "
	       "(%u, %u bytes)", GetLastError(), n);
	CloseHandle(h);
	umount("tiny");
	rmdir("tiny");
}

static void test_file_too_large(void)
{
	static char buf[8192];
	struct rlimit old, low = { 4096, RLIM_INFINITY };
	void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
	DWORD n = 0;
	HANDLE h = create("big", RW, CREATE_NEW, 0);
	BOOL ok;

	getrlimit(RLIMIT_FSIZE, &old);
	low.rlim_max = old.rlim_max;
	setrlimit(RLIMIT_FSIZE, &low);
	ok = WriteFile(h, buf, sizeof(buf), &n, NULL);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, old_handler);
	tap_ok(!ok && GetLastError() == ERROR_FILE_TOO_LARGE && n == 4096,
	       "8 KiB past a 4 KiB RLIMIT_FSIZE (EFBIG): ERROR_FILE_TOO_LARGE, 4096 written "
	       "(%u, %u)", GetLastError(), n);
	CloseHandle(h);
	unlink("big");
}

/* In a child without root: what EACCES becomes. */
static void test_access_denied(void)
{
	int status = -1;
	pid_t pid;

	if (geteuid()) {
		tap_skip("ERROR_ACCESS_DENIED for a file root keeps", "not root");
		return;
	}
	chmod(".", 0755);
	put_file("secret", "s");
	chmod("secret", 0600);
	mkdir("ro", 0755);
	put_file("ro/victim", "v");
	chmod("ro", 0555);
	pid = fork();
	if (pid == 0) {
		HANDLE h;
		int bad = 0;

		if (setgid(65534) || setuid(65534))
			_exit(100);
		h = create("secret", GENERIC_READ, OPEN_EXISTING, 0);
		bad |= (h != INVALID_HANDLE_VALUE || last != ERROR_ACCESS_DENIED) << 0;
		h = create("ro/new", RW, CREATE_NEW, 0);
		bad |= (h != INVALID_HANDLE_VALUE || last != ERROR_ACCESS_DENIED) << 1;
		bad |= (DeleteFileA("ro/victim") || GetLastError() != ERROR_ACCESS_DENIED) << 2;
		/* Query-only needs no read permission, as on Windows. */
		h = create("secret", 0, OPEN_EXISTING, 0);
		bad |= (!ok_handle(h) || GetFileSize(h, NULL) != 1) << 3;
		_exit(bad);
	}
	wait_for(pid, 60, &status);
	tap_ok(WIFEXITED(status) && !(WEXITSTATUS(status) & 1),
	       "another user's 0600 file (EACCES): ERROR_ACCESS_DENIED (status %#x)", status);
	tap_ok(WIFEXITED(status) && !(WEXITSTATUS(status) & 2),
	       "creating in a read-only directory: ERROR_ACCESS_DENIED");
	tap_ok(WIFEXITED(status) && !(WEXITSTATUS(status) & 4),
	       "DeleteFile in a read-only directory: ERROR_ACCESS_DENIED");
	tap_ok(WIFEXITED(status) && !(WEXITSTATUS(status) & 8) && WEXITSTATUS(status) != 100,
	       "a query-only handle (access 0) to the 0600 file, its size read");
	chmod("ro", 0755);
	unlink("ro/victim");
	rmdir("ro");
	unlink("secret");
	chmod(".", 0700);
}

static void test_access_modes(void)
{
	struct stat st;
	char buf[8];
	DWORD n;
	HANDLE h;
	LARGE_INTEGER size;

	put_file("a", "abc");
	h = create("a", GENERIC_READ, OPEN_EXISTING, 0);
	tap_eq(fd_flags(h) & O_ACCMODE, O_RDONLY, "GENERIC_READ: O_RDONLY");
	fails_with(WriteFile(h, "x", 1, &n, NULL), ERROR_ACCESS_DENIED,
		   "WriteFile on a GENERIC_READ handle");
	fails_with(SetEndOfFile(h), ERROR_ACCESS_DENIED, "SetEndOfFile on a GENERIC_READ handle");
	fails_with(FlushFileBuffers(h), ERROR_ACCESS_DENIED,
		   "FlushFileBuffers on a GENERIC_READ handle");
	CloseHandle(h);
	h = create("a", GENERIC_WRITE, OPEN_EXISTING, 0);
	tap_eq(fd_flags(h) & O_ACCMODE, O_WRONLY, "GENERIC_WRITE: O_WRONLY");
	fails_with(ReadFile(h, buf, 1, &n, NULL), ERROR_ACCESS_DENIED,
		   "ReadFile on a GENERIC_WRITE handle");
	tap_ok(FlushFileBuffers(h), "FlushFileBuffers on a GENERIC_WRITE handle");
	CloseHandle(h);
	h = create("a", RW, OPEN_EXISTING, 0);
	tap_eq(fd_flags(h) & O_ACCMODE, O_RDWR, "GENERIC_READ | GENERIC_WRITE: O_RDWR");
	CloseHandle(h);
	h = create("a", GENERIC_ALL, OPEN_EXISTING, 0);
	tap_eq(fd_flags(h) & O_ACCMODE, O_RDWR, "GENERIC_ALL: O_RDWR");
	CloseHandle(h);
	h = create("a", FILE_GENERIC_READ | FILE_GENERIC_WRITE, OPEN_EXISTING, 0);
	tap_eq(fd_flags(h) & O_ACCMODE, O_RDWR, "FILE_GENERIC_READ | FILE_GENERIC_WRITE: O_RDWR");
	CloseHandle(h);
	h = create("a", FILE_GENERIC_READ, OPEN_EXISTING, 0);
	tap_eq(fd_flags(h) & O_ACCMODE, O_RDONLY, "FILE_GENERIC_READ: O_RDONLY");
	CloseHandle(h);

	h = create("a", 0, OPEN_EXISTING, 0);
	tap_ok(ok_handle(h) && (fd_flags(h) & O_PATH), "access 0 (query): an O_PATH descriptor");
	tap_ok(GetFileSizeEx(h, &size) && size.QuadPart == 3 && GetFileType(h) == FILE_TYPE_DISK,
	       "which answers GetFileSizeEx and GetFileType");
	fails_with(ReadFile(h, buf, 1, &n, NULL), ERROR_ACCESS_DENIED, "ReadFile on it");
	fails_with(WriteFile(h, "x", 1, &n, NULL), ERROR_ACCESS_DENIED, "WriteFile on it");
	CloseHandle(h);
	h = create("q", 0, CREATE_NEW, 0);
	tap_ok(ok_handle(h) && file_len("q") == 0 && last == ERROR_SUCCESS,
	       "access 0 with CREATE_NEW creates the file");
	CloseHandle(h);
	unlink("q");

	h = create("a", FILE_APPEND_DATA | SYNCHRONIZE, OPEN_EXISTING, 0);
	tap_ok((fd_flags(h) & O_APPEND) && SetFilePointer(h, 0, NULL, FILE_BEGIN) == 0 &&
	       WriteFile(h, "de", 2, &n, NULL) && file_len("a") == 5,
	       "FILE_APPEND_DATA alone: O_APPEND, writes land at the end");
	CloseHandle(h);
	unlink("a");

	h = create("ro", RW, CREATE_NEW, FILE_ATTRIBUTE_READONLY);
	tap_ok(ok_handle(h) && WriteFile(h, "w", 1, &n, NULL) && n == 1,
	       "FILE_ATTRIBUTE_READONLY: the creating handle still writes");
	tap_ok(!stat("ro", &st) && !(st.st_mode & 0222), "and the file has no write permission");
	CloseHandle(h);
	unlink("ro");
}

static void test_inherit(void)
{
	SECURITY_ATTRIBUTES no = { sizeof(no), NULL, FALSE }, yes = { sizeof(yes), NULL, TRUE };
	HANDLE a, b, c;
	DWORD flags = 99;
	char cmd[128];
	int status = -1;
	pid_t pid;

	put_file("i", "");
	a = CreateFileA("i", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
	b = CreateFileA("i", GENERIC_READ, 0, &no, OPEN_EXISTING, 0, NULL);
	c = CreateFileA("i", GENERIC_READ, 0, &yes, OPEN_EXISTING, 0, NULL);
	tap_ok(fcntl(NtmmFdFromHandle(a), F_GETFD) == FD_CLOEXEC,
	       "no SECURITY_ATTRIBUTES: O_CLOEXEC");
	tap_ok(fcntl(NtmmFdFromHandle(b), F_GETFD) == FD_CLOEXEC,
	       "bInheritHandle FALSE: O_CLOEXEC");
	tap_ok(fcntl(NtmmFdFromHandle(c), F_GETFD) == 0, "bInheritHandle TRUE: no O_CLOEXEC");
	tap_ok(GetHandleInformation(a, &flags) && flags == 0, "GetHandleInformation: 0");
	tap_ok(GetHandleInformation(c, &flags) && flags == HANDLE_FLAG_INHERIT,
	       "GetHandleInformation: HANDLE_FLAG_INHERIT");

	snprintf(cmd, sizeof(cmd), "[ -e /proc/self/fd/%d ] && [ ! -e /proc/self/fd/%d ]",
		 NtmmFdFromHandle(c), NtmmFdFromHandle(b));
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	wait_for(pid, 60, &status);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "fork + exec /bin/sh: the inheritable handle is there, the other is not (%#x)",
	       status);

	tap_ok(SetHandleInformation(a, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT) &&
	       fcntl(NtmmFdFromHandle(a), F_GETFD) == 0,
	       "SetHandleInformation(INHERIT) clears FD_CLOEXEC");
	tap_ok(SetHandleInformation(a, HANDLE_FLAG_INHERIT, 0) &&
	       fcntl(NtmmFdFromHandle(a), F_GETFD) == FD_CLOEXEC, "and back: FD_CLOEXEC");
	tap_ok(SetHandleInformation(a, 0x100 | HANDLE_FLAG_PROTECT_FROM_CLOSE, 0x100) &&
	       GetHandleInformation(a, &flags) && flags == 0,
	       "mask bits that name no flag change nothing");
	tap_ok(SetHandleInformation(a, 0, HANDLE_FLAG_INHERIT) &&
	       fcntl(NtmmFdFromHandle(a), F_GETFD) == FD_CLOEXEC, "a flag outside the mask: kept");
	fails_with(GetHandleInformation(a, NULL), ERROR_NOACCESS, "GetHandleInformation(h, NULL)");
	CloseHandle(a);
	CloseHandle(b);
	CloseHandle(c);
	fails_with(GetHandleInformation(a, &flags), ERROR_INVALID_HANDLE,
		   "GetHandleInformation of a closed handle");
	fails_with(SetHandleInformation(a, HANDLE_FLAG_INHERIT, 0), ERROR_INVALID_HANDLE,
		   "SetHandleInformation of a closed handle");
	fails_with(GetHandleInformation(GetCurrentProcess(), &flags), ERROR_INVALID_HANDLE,
		   "GetHandleInformation of GetCurrentProcess()");
	unlink("i");
}

#define LEN	10000

static void test_read_write_seek(void)
{
	static char data[LEN], back[LEN + 100];
	LARGE_INTEGER li, pos;
	DWORD n = 99, high;
	LONG hi;
	HANDLE h = create("rw", RW, CREATE_NEW, 0);

	pattern_fill(data, LEN, 1);
	tap_ok(WriteFile(h, data, LEN, &n, NULL) && n == LEN, "WriteFile of 10,000 bytes");
	tap_ok(GetFileSizeEx(h, &li) && li.QuadPart == LEN, "GetFileSizeEx: 10,000");
	tap_ok(GetFileSize(h, &high) == LEN && high == 0, "GetFileSize: 10,000, high 0");
	tap_ok(GetFileSize(h, NULL) == LEN, "GetFileSize without the high part");
	tap_eq(SetFilePointer(h, 0, NULL, FILE_CURRENT), LEN, "the file pointer follows the write");
	tap_eq(SetFilePointer(h, 0, NULL, FILE_BEGIN), 0, "SetFilePointer(0, FILE_BEGIN)");
	n = 99;
	tap_ok(ReadFile(h, back, sizeof(back), &n, NULL) && n == LEN && !pattern_diff(back, LEN, 1),
	       "ReadFile asking for more: all 10,000 bytes, as written");
	n = 99;
	tap_ok(ReadFile(h, back, sizeof(back), &n, NULL) && n == 0,
	       "ReadFile at the end of the file: TRUE, 0 bytes");
	n = 99;
	tap_ok(ReadFile(h, back, 0, &n, NULL) && n == 0, "ReadFile of 0 bytes: TRUE, 0");
	fails_with(ReadFile(h, back, 1, NULL, NULL), ERROR_INVALID_PARAMETER,
		   "ReadFile with neither a count nor an OVERLAPPED");
	fails_with(WriteFile(h, back, 1, NULL, NULL), ERROR_INVALID_PARAMETER,
		   "WriteFile with neither a count nor an OVERLAPPED");

	li.QuadPart = -100;
	tap_ok(SetFilePointerEx(h, li, &pos, FILE_END) && pos.QuadPart == LEN - 100,
	       "SetFilePointerEx(-100, FILE_END): 9,900");
	li.QuadPart = 50;
	tap_ok(SetFilePointerEx(h, li, &pos, FILE_CURRENT) && pos.QuadPart == LEN - 50,
	       "SetFilePointerEx(+50, FILE_CURRENT): 9,950");
	tap_ok(ReadFile(h, back, 100, &n, NULL) && n == 50 && !memcmp(back, data + LEN - 50, 50),
	       "a read there: the last 50 bytes");
	li.QuadPart = -1;
	fails_with(SetFilePointerEx(h, li, &pos, FILE_BEGIN), ERROR_NEGATIVE_SEEK,
		   "SetFilePointerEx to -1");
	li.QuadPart = -LEN - 1;
	fails_with(SetFilePointerEx(h, li, NULL, FILE_END), ERROR_NEGATIVE_SEEK,
		   "SetFilePointerEx(-10,001, FILE_END)");
	tap_eq(SetFilePointer(h, 0, NULL, FILE_CURRENT), LEN, "the pointer did not move");
	fails_with(SetFilePointer(h, -LEN - 1, NULL, FILE_CURRENT) != INVALID_SET_FILE_POINTER,
		   ERROR_NEGATIVE_SEEK, "SetFilePointer before the start");
	li.QuadPart = 0;
	fails_with(SetFilePointerEx(h, li, NULL, 3), ERROR_INVALID_PARAMETER, "move method 3");
	li.QuadPart = INT64_MAX;
	fails_with(SetFilePointerEx(h, li, NULL, FILE_END), ERROR_INVALID_PARAMETER,
		   "a move past INT64_MAX");

	tap_ok(SetFilePointer(h, 5000, NULL, FILE_BEGIN) == 5000 && SetEndOfFile(h) &&
	       GetFileSize(h, NULL) == 5000 && file_len("rw") == 5000,
	       "SetEndOfFile at 5,000 truncates there");
	tap_eq(SetFilePointer(h, 0, NULL, FILE_CURRENT), 5000, "and keeps the pointer");
	li.QuadPart = 5 * GiB;
	tap_ok(SetFilePointerEx(h, li, NULL, FILE_BEGIN) && SetEndOfFile(h) &&
	       file_len("rw") == 5 * GiB, "SetEndOfFile at 5 GiB extends the file (sparse)");
	tap_ok(GetFileSize(h, &high) == (DWORD)GiB && high == 1, "GetFileSize: low 1 GiB, high 1");
	tap_ok(GetFileSizeEx(h, &li) && li.QuadPart == 5 * GiB && li.LowPart == GiB &&
	       li.HighPart == 1, "GetFileSizeEx: 5 GiB, LowPart and HighPart too");
	fails_with(SetFilePointer(h, 0, NULL, FILE_END) != INVALID_SET_FILE_POINTER,
		   ERROR_INVALID_PARAMETER, "SetFilePointer to 5 GiB without the high part");
	li.QuadPart = 0;
	tap_ok(SetFilePointerEx(h, li, &pos, FILE_CURRENT) && pos.QuadPart == 5 * GiB,
	       "and the pointer stayed at 5 GiB");
	fails_with(SetFilePointer(h, 0, NULL, FILE_CURRENT) != INVALID_SET_FILE_POINTER,
		   ERROR_INVALID_PARAMETER, "so even FILE_CURRENT fails without the high part");
	hi = 0;
	tap_ok(SetFilePointer(h, 0, &hi, FILE_END) == GiB && hi == 1,
	       "SetFilePointer(0, &high, FILE_END): low 1 GiB, high 1");
	hi = -1;
	tap_ok(SetFilePointer(h, -(LONG)GiB, &hi, FILE_END) == 0 && hi == 1,
	       "a negative 64-bit move (-1 GiB as low and high): 4 GiB, high 1");
	hi = 0;
	SetLastError(5);
	tap_ok(SetFilePointer(h, -1, &hi, FILE_BEGIN) == INVALID_SET_FILE_POINTER && hi == 0 &&
	       GetLastError() == NO_ERROR,
	       "a position of 0xFFFFFFFF: INVALID_SET_FILE_POINTER with NO_ERROR");
	SetLastError(5);
	tap_ok(SetFilePointer(h, 0, NULL, FILE_CURRENT) == INVALID_SET_FILE_POINTER &&
	       GetLastError() == NO_ERROR, "so too without the high part (it fits)");
	tap_ok(SetEndOfFile(h), "SetEndOfFile at 0xFFFFFFFF");
	SetLastError(5);
	tap_ok(GetFileSize(h, &high) == INVALID_FILE_SIZE && high == 0 &&
	       GetLastError() == NO_ERROR, "GetFileSize of 0xFFFFFFFF bytes: INVALID_FILE_SIZE, "
	       "NO_ERROR");
	li.QuadPart = 0;
	tap_ok(SetFilePointerEx(h, li, NULL, FILE_BEGIN) && SetEndOfFile(h) && file_len("rw") == 0,
	       "SetEndOfFile at 0 empties it");
	tap_ok(FlushFileBuffers(h), "FlushFileBuffers");
	CloseHandle(h);
	unlink("rw");
}

static void test_overlapped(void)
{
	static char data[LEN], back[LEN];
	OVERLAPPED ov = { 0 };
	DWORD n;
	HANDLE h = create("ov", RW, CREATE_NEW, 0);

	pattern_fill(data, LEN, 2);
	WriteFile(h, data, LEN, &n, NULL);
	SetFilePointer(h, 0, NULL, FILE_BEGIN);
	ov.Offset = 1000;
	ov.Internal = 77;
	n = 0;
	tap_ok(ReadFile(h, back, 500, &n, &ov) && n == 500 && !memcmp(back, data + 1000, 500),
	       "ReadFile with an OVERLAPPED reads at its offset");
	tap_ok(ov.Internal == 0 && ov.InternalHigh == 500, "OVERLAPPED: Internal STATUS_SUCCESS, "
	       "InternalHigh the count");
	tap_eq(SetFilePointer(h, 0, NULL, FILE_CURRENT), 1500,
	       "the file pointer moved past what was read, as on a synchronous Windows handle");
	ov.Offset = LEN - 10;
	tap_ok(ReadFile(h, back, 500, NULL, &ov) && ov.InternalHigh == 10,
	       "a read crossing the end: the 10 bytes there, no count pointer needed");
	ov.Offset = LEN;
	n = 99;
	tap_ok(!ReadFile(h, back, 500, &n, &ov) && GetLastError() == ERROR_HANDLE_EOF && n == 0 &&
	       ov.Internal == 0xC0000011 && ov.InternalHigh == 0,
	       "a read at the end with an OVERLAPPED: FALSE, ERROR_HANDLE_EOF, STATUS_END_OF_FILE");
	tap_eq(RtlNtStatusToDosError((NTSTATUS)ov.Internal), ERROR_HANDLE_EOF,
	       "RtlNtStatusToDosError(STATUS_END_OF_FILE)");
	ov.Offset = 0;
	ov.OffsetHigh = 1;
	tap_ok(!ReadFile(h, back, 1, NULL, &ov) && GetLastError() == ERROR_HANDLE_EOF,
	       "a read at 4 GiB (OffsetHigh 1): ERROR_HANDLE_EOF");
	ov.OffsetHigh = 0x80000000;
	fails_with(ReadFile(h, back, 1, NULL, &ov), ERROR_INVALID_PARAMETER, "a negative offset");

	ov.Offset = 100;
	ov.OffsetHigh = 0;
	tap_ok(WriteFile(h, "XYZ", 3, &n, &ov) && n == 3 && ov.InternalHigh == 3,
	       "WriteFile with an OVERLAPPED writes at its offset");
	tap_eq(SetFilePointer(h, 0, NULL, FILE_CURRENT), 103, "and the file pointer follows");
	ov.Offset = 0;
	ReadFile(h, back, 200, &n, &ov);
	tap_ok(!memcmp(back + 100, "XYZ", 3) && !memcmp(back, data, 100) &&
	       !memcmp(back + 103, data + 103, 97), "the bytes there, and only there");
	ov.Offset = ov.OffsetHigh = 0xFFFFFFFF;
	tap_ok(WriteFile(h, "END", 3, &n, &ov) && GetFileSize(h, NULL) == LEN + 3 &&
	       SetFilePointer(h, 0, NULL, FILE_CURRENT) == LEN + 3,
	       "offset 0xFFFFFFFF:0xFFFFFFFF writes at the end of the file");
	CloseHandle(h);
	unlink("ov");
}

static volatile int alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

struct pipe_writer {
	int fd;
	size_t len;
	unsigned int delay_ms;
	BOOL ok;
	DWORD written;
};

static void *pipe_writer(void *arg)
{
	struct pipe_writer *w = arg;
	char *buf = malloc(w->len);

	usleep(w->delay_ms * 1000);
	pattern_fill(buf, w->len, 3);
	w->ok = WriteFile(NtmmHandleFromFd(w->fd), buf, (DWORD)w->len, &w->written, NULL);
	free(buf);
	return NULL;
}

static void test_pipes(void)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, off = { 0 };
	struct pipe_writer w;
	OVERLAPPED ov = { .Offset = 12345 };
	HANDLE r, wr, null;
	pthread_t t;
	size_t got = 0;
	char *buf = malloc(1 << 20), small[100];
	DWORD n;
	int fds[2];
	BOOL ok = TRUE;

	if (pipe(fds))
		return;
	r = NtmmHandleFromFd(fds[0]);
	wr = NtmmHandleFromFd(fds[1]);
	tap_ok(GetFileType(r) == FILE_TYPE_PIPE, "GetFileType of a pipe: FILE_TYPE_PIPE");
	null = create("/dev/null", RW, OPEN_EXISTING, 0);
	tap_ok(GetFileType(null) == FILE_TYPE_CHAR, "GetFileType of /dev/null: FILE_TYPE_CHAR");
	CloseHandle(null);

	WriteFile(wr, "0123456789", 10, &n, NULL);
	tap_ok(ReadFile(r, small, sizeof(small), &n, NULL) && n == 10,
	       "ReadFile of a pipe returns what it holds (10 of 100), without waiting for more");
	WriteFile(wr, "abc", 3, &n, NULL);
	tap_ok(ReadFile(r, small, sizeof(small), &n, &ov) && n == 3 && !memcmp(small, "abc", 3),
	       "a pipe ignores an OVERLAPPED's offset, as Windows does");

	w = (struct pipe_writer){ .fd = fds[1], .len = 1 << 20 };
	pthread_create(&t, NULL, pipe_writer, &w);
	while (got < w.len && ok) {
		ok = ReadFile(r, buf + got, (DWORD)(w.len - got), &n, NULL) && n;
		got += n;
	}
	pthread_join(t, NULL);
	tap_ok(w.ok && w.written == 1 << 20 && got == 1 << 20 && !pattern_diff(buf, got, 3),
	       "a 1 MiB WriteFile into a 64 KiB pipe: every byte written, in order");

	/* A read blocked in the kernel, interrupted by signals without SA_RESTART. */
	sigaction(SIGALRM, &sa, &old);
	w = (struct pipe_writer){ .fd = fds[1], .len = 5, .delay_ms = 300 };
	alarms = 0;
	pthread_create(&t, NULL, pipe_writer, &w);
	setitimer(ITIMER_REAL, &it, NULL);
	n = 0;
	ok = ReadFile(r, small, sizeof(small), &n, NULL);
	setitimer(ITIMER_REAL, &off, NULL);
	pthread_join(t, NULL);
	sigaction(SIGALRM, &old, NULL);
	tap_ok(ok && n == 5 && alarms > 0, "ReadFile goes on after EINTR (%d signals): the 5 "
	       "bytes written later", alarms);

	CloseHandle(r);
	CloseHandle(wr);
	free(buf);
}

/* FILE_FLAG_NO_BUFFERING in @dir; for real (misalignment refused) on a block device. */
static void test_no_buffering(const char *dir, int disk)
{
	char name[128], *buf;
	DWORD n;
	HANDLE h;
	BOOL ok;

	snprintf(name, sizeof(name), "%s/ntmm_nobuf.dat", dir);
	if (posix_memalign((void **)&buf, 4096, 2 * 65536))
		return;
	h = create(name, RW, CREATE_ALWAYS, FILE_FLAG_NO_BUFFERING);
	if (h == INVALID_HANDLE_VALUE && last == ERROR_INVALID_PARAMETER && !disk) {
		tap_skip("FILE_FLAG_NO_BUFFERING in the working directory",
			 "its file system takes no O_DIRECT (tmpfs before 6.6): EINVAL, "
			 "ERROR_INVALID_PARAMETER");
		tap_ok(file_len(name) < 0, "the failed CreateFile left no file");
		free(buf);
		return;
	}
	tap_ok(ok_handle(h) && (fd_flags(h) & O_DIRECT), "FILE_FLAG_NO_BUFFERING in %s: O_DIRECT",
	       dir);
	pattern_fill(buf, 65536, 4);
	ok = WriteFile(h, buf, 65536, &n, NULL) && n == 65536;
	memset(buf + 65536, 0, 65536);
	tap_ok(ok && SetFilePointer(h, 0, NULL, FILE_BEGIN) == 0 &&
	       ReadFile(h, buf + 65536, 65536, &n, NULL) && n == 65536 &&
	       !pattern_diff(buf + 65536, 65536, 4), "aligned 64 KiB written and read back");
	if (disk) {
		SetFilePointer(h, 0, NULL, FILE_BEGIN);
		fails_with(ReadFile(h, buf + 1, 4096, &n, NULL), ERROR_INVALID_PARAMETER,
			   "a misaligned buffer on ext4: EINVAL");
		fails_with(ReadFile(h, buf, 100, &n, NULL), ERROR_INVALID_PARAMETER,
			   "a misaligned length on ext4: EINVAL");
	} else {
		tap_skip("misaligned I/O refused", "%s is not vm-run's ext4 disk: its file system "
			 "may have no alignment rule (tmpfs has none)", dir);
	}
	CloseHandle(h);
	DeleteFileA(name);
	free(buf);
}

static void test_write_through(void)
{
	DWORD n;
	char back[5];
	HANDLE h = create("wt", RW, CREATE_NEW, FILE_FLAG_WRITE_THROUGH | FILE_FLAG_RANDOM_ACCESS);

	tap_ok(ok_handle(h) && (fd_flags(h) & O_DSYNC) == O_DSYNC,
	       "FILE_FLAG_WRITE_THROUGH: O_DSYNC");
	tap_ok(WriteFile(h, "synch", 5, &n, NULL) && SetFilePointer(h, 0, NULL, FILE_BEGIN) == 0 &&
	       ReadFile(h, back, 5, &n, NULL) && !memcmp(back, "synch", 5),
	       "and the data round trip");
	CloseHandle(h);
	h = create("wt", GENERIC_READ, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN |
		   FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_POSIX_SEMANTICS);
	tap_ok(ok_handle(h) && !(fd_flags(h) & O_DSYNC),
	       "FILE_FLAG_SEQUENTIAL_SCAN, FILE_ATTRIBUTE_TEMPORARY, FILE_FLAG_POSIX_SEMANTICS: "
	       "accepted");
	CloseHandle(h);
	unlink("wt");
}

static void test_delete_on_close(void)
{
	struct stat st;
	char back[4];
	DWORD n;
	HANDLE h = create("doc", RW, CREATE_NEW, FILE_FLAG_DELETE_ON_CLOSE);

	tap_ok(ok_handle(h) && file_len("doc") < 0,
	       "FILE_FLAG_DELETE_ON_CLOSE: the name is gone at once");
	tap_ok(WriteFile(h, "kept", 4, &n, NULL) && SetFilePointer(h, 0, NULL, FILE_BEGIN) == 0 &&
	       ReadFile(h, back, 4, &n, NULL) && n == 4 && !memcmp(back, "kept", 4),
	       "the handle still reads and writes the file");
	tap_ok(!fstat(NtmmFdFromHandle(h), &st) && st.st_nlink == 0,
	       "which has no link left: it goes with the last handle");
	CloseHandle(h);
	put_file("doc", "old");
	h = create("doc", GENERIC_READ, OPEN_EXISTING, FILE_FLAG_DELETE_ON_CLOSE);
	tap_ok(ok_handle(h) && file_len("doc") < 0 && ReadFile(h, back, 3, &n, NULL) && n == 3,
	       "an existing file opened so: gone by name, still read through the handle");
	CloseHandle(h);
}

static void test_delete(void)
{
	put_file("del", "x");
	tap_ok(DeleteFileA("del") && file_len("del") < 0, "DeleteFileA");
	fails_with(DeleteFileA("del"), ERROR_FILE_NOT_FOUND, "DeleteFileA of a missing file");
	fails_with(DeleteFileA("nodir/del"), ERROR_PATH_NOT_FOUND,
		   "DeleteFileA in a missing directory");
	mkdir("ddir", 0755);
	fails_with(DeleteFileA("ddir"), ERROR_ACCESS_DENIED, "DeleteFileA of a directory");
	tap_ok(!rmdir("ddir"), "the directory was left");
	fails_with(DeleteFileA(NULL), ERROR_PATH_NOT_FOUND, "DeleteFileA(NULL)");
	fails_with(DeleteFileA(""), ERROR_PATH_NOT_FOUND, "DeleteFileA(\"\")");
	fails_with(DeleteFileW(NULL), ERROR_PATH_NOT_FOUND, "DeleteFileW(NULL)");
}

static void test_wide(void)
{
	static const WCHAR name[] = u"h\u00e9llo-\u20ac-\U0001F600.dat";
	static const char utf8[] = "h\xC3\xA9llo-\xE2\x82\xAC-\xF0\x9F\x98\x80.dat";
	static const WCHAR lone[] = { 'x', 0xD800, '.', 'd', 0 };
	static const WCHAR empty[] = { 0 };
	HANDLE h;
	DWORD n;

	SetLastError(0xDEAD);
	h = CreateFileW(name, RW, 0, NULL, CREATE_NEW, 0, NULL);
	tap_ok(ok_handle(h) && GetLastError() == ERROR_SUCCESS && file_len(utf8) == 0,
	       "CreateFileW, U+00E9, U+20AC and U+1F600 (a surrogate pair): the UTF-8 name");
	tap_ok(WriteFile(h, "w", 1, &n, NULL) && file_len(utf8) == 1, "written through");
	CloseHandle(h);
	SetLastError(0xDEAD);
	h = CreateFileW(name, RW, 0, NULL, OPEN_ALWAYS, 0, NULL);
	tap_ok(ok_handle(h) && GetLastError() == ERROR_ALREADY_EXISTS,
	       "CreateFileW(OPEN_ALWAYS) finds it: ERROR_ALREADY_EXISTS");
	CloseHandle(h);
	h = CreateFileW(name, RW, 0, NULL, CREATE_NEW, 0, NULL);
	fails_with(h != INVALID_HANDLE_VALUE, ERROR_FILE_EXISTS, "CreateFileW(CREATE_NEW) again");
	h = CreateFileW(lone, RW, 0, NULL, CREATE_ALWAYS, 0, NULL);
	fails_with(h != INVALID_HANDLE_VALUE, ERROR_INVALID_PARAMETER,
		   "CreateFileW of a name with an unpaired surrogate");
	h = CreateFileW(NULL, RW, 0, NULL, CREATE_ALWAYS, 0, NULL);
	fails_with(h != INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND, "CreateFileW(NULL)");
	h = CreateFileW(empty, RW, 0, NULL, CREATE_ALWAYS, 0, NULL);
	fails_with(h != INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND, "CreateFileW(u\"\")");
	tap_ok(DeleteFileW(name) && file_len(utf8) < 0, "DeleteFileW of it");
	fails_with(DeleteFileW(name), ERROR_FILE_NOT_FOUND, "DeleteFileW again");
	fails_with(DeleteFileW(lone), ERROR_INVALID_PARAMETER, "DeleteFileW, unpaired surrogate");
}

static void test_bad_handles(void)
{
	HANDLE bad[] = { NULL, INVALID_HANDLE_VALUE, (HANDLE)(LONG_PTR)-2, (HANDLE)6, NULL };
	LARGE_INTEGER li = { .QuadPart = 0 };
	DWORD n, high, wrong = 0;
	char c;
	int i, fd;

	fd = open("/dev/null", O_RDONLY);
	close(fd);
	bad[4] = NtmmHandleFromFd(fd);	/* a closed fd */
	for (i = 0; i < 5; i++) {
		SetLastError(0);
		wrong |= (ReadFile(bad[i], &c, 1, &n, NULL) ||
			  GetLastError() != ERROR_INVALID_HANDLE) << 0;
		SetLastError(0);
		wrong |= (WriteFile(bad[i], &c, 1, &n, NULL) ||
			  GetLastError() != ERROR_INVALID_HANDLE) << 1;
		SetLastError(0);
		wrong |= (GetFileSize(bad[i], &high) != INVALID_FILE_SIZE ||
			  GetLastError() != ERROR_INVALID_HANDLE) << 2;
		SetLastError(0);
		wrong |= (GetFileSizeEx(bad[i], &li) ||
			  GetLastError() != ERROR_INVALID_HANDLE) << 3;
		SetLastError(0);
		wrong |= (SetFilePointer(bad[i], 0, NULL, FILE_BEGIN) != INVALID_SET_FILE_POINTER ||
			  GetLastError() != ERROR_INVALID_HANDLE) << 4;
		SetLastError(0);
		wrong |= (SetFilePointerEx(bad[i], li, NULL, FILE_BEGIN) ||
			  GetLastError() != ERROR_INVALID_HANDLE) << 5;
		SetLastError(0);
		wrong |= (SetEndOfFile(bad[i]) || GetLastError() != ERROR_INVALID_HANDLE) << 6;
		SetLastError(0);
		wrong |= (FlushFileBuffers(bad[i]) || GetLastError() != ERROR_INVALID_HANDLE) << 7;
		SetLastError(0);
		wrong |= (GetFileType(bad[i]) != FILE_TYPE_UNKNOWN ||
			  GetLastError() != ERROR_INVALID_HANDLE) << 8;
		SetLastError(0);
		wrong |= (CloseHandle(bad[i]) || GetLastError() != ERROR_INVALID_HANDLE) << 9;
	}
	tap_eq(wrong, 0, "NULL, INVALID_HANDLE_VALUE, -2, 6 and a closed fd's handle: every call "
	       "fails with ERROR_INVALID_HANDLE and its failure value (bits: which call)");
	fails_with(CloseHandle(GetCurrentProcess()), ERROR_INVALID_HANDLE,
		   "CloseHandle(GetCurrentProcess())");
	fails_with(GetFileSizeEx(NtmmHandleFromFd(0), NULL), ERROR_NOACCESS,
		   "GetFileSizeEx(h, NULL)");
}

static void test_protect_from_close(void)
{
	DWORD flags = 0;
	HANDLE h, d = NULL;
	int fd, fd2;

	put_file("p", "p");
	h = create("p", GENERIC_READ, OPEN_EXISTING, 0);
	fd = NtmmFdFromHandle(h);
	tap_ok(SetHandleInformation(h, HANDLE_FLAG_PROTECT_FROM_CLOSE,
				    HANDLE_FLAG_PROTECT_FROM_CLOSE) &&
	       GetHandleInformation(h, &flags) && flags == HANDLE_FLAG_PROTECT_FROM_CLOSE,
	       "HANDLE_FLAG_PROTECT_FROM_CLOSE set and read back");
	fails_with(CloseHandle(h), ERROR_INVALID_HANDLE, "CloseHandle of a protected handle");
	tap_ok(fd_open(fd), "which stays open");
	tap_ok(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0, FALSE,
			       DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE) && fd_open(fd) &&
	       GetHandleInformation(d, &flags) && flags == 0,
	       "DUPLICATE_CLOSE_SOURCE of it: a duplicate (unprotected), the source kept");
	CloseHandle(d);
	tap_ok(SetHandleInformation(h, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0) && CloseHandle(h) &&
	       !fd_open(fd), "protection ended: CloseHandle closes it");

	h = create("p", GENERIC_READ, OPEN_EXISTING, 0);
	fd = NtmmFdFromHandle(h);
	SetHandleInformation(h, HANDLE_FLAG_PROTECT_FROM_CLOSE, HANDLE_FLAG_PROTECT_FROM_CLOSE);
	close(fd);
	put_file("p2", "");
	fd2 = open("p2", O_RDONLY);
	if (fd2 == fd)
		tap_ok(CloseHandle(NtmmHandleFromFd(fd2)) && !fd_open(fd2),
		       "a protected fd closed by close(2), reused by another file: not protected");
	else
		tap_skip("a reused fd is not protected", "open gave fd %d, not %d", fd2, fd);
	if (fd2 != fd)
		close(fd2);
	unlink("p2");
	unlink("p");
}

#define THREADS		4
#define ROUNDS		500

static void *protect_thread(void *arg)
{
	long wrong = 0, i;
	char name[32];
	DWORD flags;
	HANDLE h;

	snprintf(name, sizeof(name), "t%ld", (long)(intptr_t)arg);
	put_file(name, "t");
	for (i = 0; i < ROUNDS; i++) {
		h = CreateFileA(name, GENERIC_READ, SHARE_ALL, NULL, OPEN_EXISTING, 0, NULL);
		wrong += !SetHandleInformation(h, HANDLE_FLAG_PROTECT_FROM_CLOSE,
					       HANDLE_FLAG_PROTECT_FROM_CLOSE);
		wrong += CloseHandle(h);
		wrong += !GetHandleInformation(h, &flags) ||
			 flags != HANDLE_FLAG_PROTECT_FROM_CLOSE;
		wrong += !SetHandleInformation(h, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0);
		wrong += !CloseHandle(h);
	}
	unlink(name);
	return (void *)wrong;
}

static void test_protect_threads(void)
{
	pthread_t t[THREADS];
	long wrong = 0, i;
	void *r;

	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, protect_thread, (void *)(intptr_t)i);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &r);
		wrong += (long)r;
	}
	tap_eq(wrong, 0, "4 threads x 500: open, protect, close refused, unprotect, close");
}

static void test_duplicate(void)
{
	HANDLE h, d = NULL, self = GetCurrentProcess();
	LARGE_INTEGER pos;
	char c;
	DWORD n;
	int fd, next;

	put_file("dup", "0123456789");
	h = create("dup", GENERIC_READ, OPEN_EXISTING, 0);
	tap_ok(DuplicateHandle(self, h, self, &d, 0, FALSE, DUPLICATE_SAME_ACCESS) &&
	       ok_handle(d) && d != h && (fd_flags(d) & O_ACCMODE) == O_RDONLY,
	       "DUPLICATE_SAME_ACCESS: another handle, the same access");
	tap_ok(fcntl(NtmmFdFromHandle(d), F_GETFD) == FD_CLOEXEC,
	       "bInheritHandle FALSE: FD_CLOEXEC");
	SetFilePointer(h, 4, NULL, FILE_BEGIN);
	tap_ok(ReadFile(d, &c, 1, &n, NULL) && c == '4' &&
	       SetFilePointerEx(h, (LARGE_INTEGER){ .QuadPart = 0 }, &pos, FILE_CURRENT) &&
	       pos.QuadPart == 5, "both share one file pointer, as Windows duplicates do");
	CloseHandle(d);
	tap_ok(DuplicateHandle(self, h, self, &d, 0, TRUE, DUPLICATE_SAME_ACCESS) &&
	       fcntl(NtmmFdFromHandle(d), F_GETFD) == 0, "bInheritHandle TRUE: no FD_CLOEXEC");
	CloseHandle(d);
	tap_ok(DuplicateHandle(self, h, self, &d, GENERIC_READ, FALSE, 0) &&
	       ReadFile(d, &c, 1, &n, NULL) && c == '5',
	       "without DUPLICATE_SAME_ACCESS: a duplicate");
	CloseHandle(d);
	fd = NtmmFdFromHandle(h);
	tap_ok(DuplicateHandle(self, h, self, &d, 0, FALSE,
			       DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE) && !fd_open(fd) &&
	       ReadFile(d, &c, 1, &n, NULL) && c == '6',
	       "DUPLICATE_CLOSE_SOURCE closes the source");
	h = d;
	fd = NtmmFdFromHandle(h);
	next = dup(0);
	close(next);
	tap_ok(DuplicateHandle(self, h, self, NULL, 0, FALSE, DUPLICATE_CLOSE_SOURCE) &&
	       !fd_open(fd) && !fd_open(next),
	       "no lpTargetHandle with DUPLICATE_CLOSE_SOURCE: the source closed, no fd made");

	h = create("dup", GENERIC_READ, OPEN_EXISTING, 0);
	fails_with(DuplicateHandle(NULL, h, self, &d, 0, FALSE, DUPLICATE_SAME_ACCESS),
		   ERROR_INVALID_HANDLE, "DuplicateHandle from process NULL");
	fails_with(DuplicateHandle(self, h, (HANDLE)8, &d, 0, FALSE, DUPLICATE_SAME_ACCESS),
		   ERROR_INVALID_HANDLE, "DuplicateHandle into another process");
	tap_ok(DuplicateHandle(self, self, self, &d, 0, FALSE, DUPLICATE_SAME_ACCESS) &&
	       GetProcessId(d) == (DWORD)getpid() && CloseHandle(d),
	       "DuplicateHandle of the process pseudo-handle: a real process handle");
	fails_with(DuplicateHandle(self, NULL, self, &d, 0, FALSE, DUPLICATE_SAME_ACCESS),
		   ERROR_INVALID_HANDLE, "DuplicateHandle of NULL");
	fails_with(DuplicateHandle(self, h, self, &d, 0, FALSE, 4), ERROR_INVALID_PARAMETER,
		   "DuplicateHandle, unknown option 4");
	CloseHandle(h);
	fails_with(DuplicateHandle(self, h, self, &d, 0, FALSE, DUPLICATE_SAME_ACCESS),
		   ERROR_INVALID_HANDLE, "DuplicateHandle of a closed handle");
	unlink("dup");
}

int main(void)
{
	char dir[] = "ntmm_file_XXXXXX";

	if (!mkdtemp(dir) || chdir(dir)) {
		tap_ok(0, "a directory to work in");
		return tap_done();
	}
	test_encoding();
	test_device_fd_is_no_handle();
	test_dispositions();
	test_create_errors();
	test_too_many_files();
	test_disk_full();
	test_file_too_large();
	test_access_denied();
	test_access_modes();
	test_inherit();
	test_read_write_seek();
	test_overlapped();
	test_pipes();
	test_no_buffering(".", 0);
	if (have_disk())
		test_no_buffering("/mnt", 1);
	test_write_through();
	test_delete_on_close();
	test_delete();
	test_wide();
	test_bad_handles();
	test_protect_from_close();
	test_protect_threads();
	test_duplicate();
	tap_ok(!chdir("..") && !rmdir(dir), "nothing left behind");
	return tap_done();
}
