// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * handleapi.h: handles are Linux file descriptors, encoded as libntmm.h says
 * ((fd + 1) << 2). Inheritance is close-on-exec's absence. Protection from
 * close, which Linux has no flag for, is a small table of descriptors kept
 * here; an entry remembers its file's device and inode, so a descriptor that
 * was closed behind CloseHandle's back (close(2), dup2(2)) and now names
 * another file is not taken for the protected one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libntmm.h>
#include "internal.h"

int ntmm_handle_fd(HANDLE h)
{
	uintptr_t v = (uintptr_t)h;
	int fd;

	/* Multiples of 4 from 4 up, for descriptors 0 to INT_MAX. */
	if (!v || (v & 3) || (v >> 2) - 1 > (uintptr_t)INT_MAX)
		return -1;
	fd = (int)((v >> 2) - 1);
	/* libntmm's descriptor of /dev/ntmm is the library's, no handle. */
	if (fd == ntmm_device_fd())
		return -1;
	return fd;
}

NTMM_EXPORT HANDLE WINAPI NtmmHandleFromFd(int fd)
{
	if (fd < 0) {
		SetLastError(ERROR_INVALID_HANDLE);
		return INVALID_HANDLE_VALUE;
	}
	return (HANDLE)(((uintptr_t)fd + 1) << 2);
}

NTMM_EXPORT int WINAPI NtmmFdFromHandle(HANDLE h)
{
	int fd = ntmm_handle_fd(h);

	if (fd < 0)
		SetLastError(ERROR_INVALID_HANDLE);
	return fd;
}

/* Descriptors protected from CloseHandle (HANDLE_FLAG_PROTECT_FROM_CLOSE). */
struct protected_fd {
	int fd;
	dev_t dev;
	ino_t ino;
};

static pthread_mutex_t protect_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t protect_once = PTHREAD_ONCE_INIT;
static struct protected_fd *protected;
static size_t protected_count, protected_size;

/* A fork while another thread holds the lock would leave the child's locked. */
static void protect_lock_take(void)
{
	pthread_mutex_lock(&protect_lock);
}

static void protect_lock_drop(void)
{
	pthread_mutex_unlock(&protect_lock);
}

static void protect_register_atfork(void)
{
	pthread_atfork(protect_lock_take, protect_lock_drop, protect_lock_drop);
}

/* is_protected() reads the count without the lock. Locked. */
static void protect_set_count_locked(size_t n)
{
	__atomic_store_n(&protected_count, n, __ATOMIC_RELEASE);
}

static void protect_remove_locked(struct protected_fd *e)
{
	*e = protected[protected_count - 1];
	protect_set_count_locked(protected_count - 1);
}

/* The entry of @fd if it still names the file it was made for; stale ones go. Locked. */
static struct protected_fd *protect_find_locked(int fd)
{
	struct stat st;
	size_t i;

	for (i = 0; i < protected_count; i++) {
		if (protected[i].fd != fd)
			continue;
		if (fstat(fd, &st) == 0 && st.st_dev == protected[i].dev &&
		    st.st_ino == protected[i].ino)
			return &protected[i];
		protect_remove_locked(&protected[i]);
		return NULL;
	}
	return NULL;
}

static BOOL is_protected(int fd)
{
	BOOL found;

	/* Nothing was ever protected: CloseHandle takes no lock. */
	if (!__atomic_load_n(&protected_count, __ATOMIC_ACQUIRE))
		return FALSE;
	pthread_mutex_lock(&protect_lock);
	found = protect_find_locked(fd) != NULL;
	pthread_mutex_unlock(&protect_lock);
	return found;
}

/* Protect @fd (its file @st) or end its protection; FALSE (last error set) without memory. */
static BOOL set_protected(int fd, const struct stat *st, BOOL on)
{
	struct protected_fd *e, *grown;
	BOOL ok = TRUE;

	pthread_once(&protect_once, protect_register_atfork);
	pthread_mutex_lock(&protect_lock);
	e = protect_find_locked(fd);
	if (!on) {
		if (e)
			protect_remove_locked(e);
	} else if (!e) {
		if (protected_count == protected_size) {
			grown = realloc(protected, (protected_size * 2 + 8) * sizeof(*grown));
			if (!grown) {
				SetLastError(ERROR_NOT_ENOUGH_MEMORY);
				ok = FALSE;
				goto out;
			}
			protected = grown;
			protected_size = protected_size * 2 + 8;
		}
		protected[protected_count] = (struct protected_fd){ fd, st->st_dev, st->st_ino };
		protect_set_count_locked(protected_count + 1);
	}
out:
	pthread_mutex_unlock(&protect_lock);
	return ok;
}

/* The descriptor of @h, or -1 with ERROR_INVALID_HANDLE if it is none or not open. */
static int open_fd(HANDLE h, int *fd_flags)
{
	int fd = NtmmFdFromHandle(h), flags;

	if (fd < 0)
		return -1;
	flags = fcntl(fd, F_GETFD);
	if (flags < 0) {
		ntmm_set_errno_error(errno);
		return -1;
	}
	if (fd_flags)
		*fd_flags = flags;
	return fd;
}

NTMM_EXPORT BOOL WINAPI CloseHandle(HANDLE hObject)
{
	int fd = NtmmFdFromHandle(hObject);

	if (fd < 0)
		return FALSE;
	/* Windows refuses with STATUS_HANDLE_NOT_CLOSABLE, which is this error. */
	if (is_protected(fd)) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	/*
	 * Linux frees the descriptor whatever close reports (EINTR, or EIO
	 * from a file system's flush): it is closed, which is what the caller
	 * asked, so only EBADF, a descriptor that was not open, fails.
	 */
	if (close(fd) && errno == EBADF) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	return TRUE;
}

/*
 * DuplicateHandle of a section or process handle with other rights: the
 * module makes a new handle (a descriptor of its own) with @access, which
 * must be a subset of the source's. -2 for a descriptor that is neither,
 * -1 with the last error set on failure.
 */
static int reopen(int fd, DWORD access, BOOL inherit)
{
	struct ntmm_section_open o = {
		.size = sizeof(o),
		.access = access,
		.flags = inherit ? NTMM_HANDLE_INHERIT : 0,
		.handle = fd,
	};
	char path[32], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -2;
	link[n] = 0;
	if (!strcmp(link, "anon_inode:[ntmm-process]"))
		return ntmm_process_open(fd, 0, access, inherit);
	if (strcmp(link, "anon_inode:[ntmm-section]"))
		return -2;
	if (ntmm_ioctl(NTMM_IOC_SECTION_OPEN, &o) || !ntmm_status(o.status))
		return -1;
	return o.handle;
}

/* DuplicateHandle of the pseudo-handle: a real handle to the calling process. */
static BOOL duplicate_self(LPHANDLE target, DWORD access, BOOL inherit, DWORD options)
{
	HANDLE h;

	if (!target)
		return TRUE;
	h = OpenProcess(options & DUPLICATE_SAME_ACCESS ? PROCESS_ALL_ACCESS : access, inherit,
			(DWORD)getpid());
	if (!h)
		return FALSE;
	*target = h;
	return TRUE;
}

NTMM_EXPORT BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
					HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
					DWORD dwDesiredAccess, BOOL bInheritHandle,
					DWORD dwOptions)
{
	int fd, dup = -2, err = 0;
	BOOL failed = FALSE;

	/* Linux moves descriptors between processes only over a socket (README). */
	if (hSourceProcessHandle != CURRENT_PROCESS || hTargetProcessHandle != CURRENT_PROCESS) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	if (dwOptions & ~(DUPLICATE_CLOSE_SOURCE | DUPLICATE_SAME_ACCESS)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	if (hSourceHandle == CURRENT_PROCESS)
		return duplicate_self(lpTargetHandle, dwDesiredAccess, bInheritHandle, dwOptions);
	fd = open_fd(hSourceHandle, NULL);
	if (fd < 0)
		return FALSE;
	/*
	 * A NULL lpTargetHandle makes a duplicate on Windows that nobody can
	 * name, use or close; making none is the same but for the leak.
	 */
	/*
	 * Without DUPLICATE_SAME_ACCESS the duplicate gets dwDesiredAccess: a
	 * section or process handle's rights are the module's to narrow; any other
	 * duplicate shares the source's open file and so its access, which
	 * dup cannot narrow (README.md).
	 */
	if (lpTargetHandle && !(dwOptions & DUPLICATE_SAME_ACCESS)) {
		dup = reopen(fd, dwDesiredAccess, bInheritHandle);
		failed = dup == -1;
	}
	if (lpTargetHandle && dup == -2) {
		dup = fcntl(fd, bInheritHandle ? F_DUPFD : F_DUPFD_CLOEXEC, 0);
		if (dup < 0)
			err = errno;
	}
	/*
	 * DUPLICATE_CLOSE_SOURCE closes the source even when the duplicate
	 * failed, as Windows does; a protected source stays open.
	 */
	if ((dwOptions & DUPLICATE_CLOSE_SOURCE) && !is_protected(fd))
		close(fd);
	if (err)
		ntmm_set_errno_error(err);
	if (err || failed)
		return FALSE;
	if (lpTargetHandle)
		*lpTargetHandle = NtmmHandleFromFd(dup);
	return TRUE;
}

NTMM_EXPORT BOOL WINAPI GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags)
{
	int fd_flags, fd = open_fd(hObject, &fd_flags);

	if (fd < 0)
		return FALSE;
	if (!lpdwFlags) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	*lpdwFlags = (fd_flags & FD_CLOEXEC ? 0 : HANDLE_FLAG_INHERIT) |
		     (is_protected(fd) ? HANDLE_FLAG_PROTECT_FROM_CLOSE : 0);
	return TRUE;
}

NTMM_EXPORT BOOL WINAPI SetHandleInformation(HANDLE hObject, DWORD dwMask, DWORD dwFlags)
{
	int fd_flags, fd = open_fd(hObject, &fd_flags);
	struct stat st;

	if (fd < 0)
		return FALSE;
	/* As on Windows, bits of dwMask that name no flag change nothing. */
	if (dwMask & HANDLE_FLAG_INHERIT) {
		if (dwFlags & HANDLE_FLAG_INHERIT)
			fd_flags &= ~FD_CLOEXEC;
		else
			fd_flags |= FD_CLOEXEC;
		if (fcntl(fd, F_SETFD, fd_flags)) {
			ntmm_set_errno_error(errno);
			return FALSE;
		}
	}
	if (dwMask & HANDLE_FLAG_PROTECT_FROM_CLOSE) {
		if (fstat(fd, &st)) {
			ntmm_set_errno_error(errno);
			return FALSE;
		}
		return set_protected(fd, &st, !!(dwFlags & HANDLE_FLAG_PROTECT_FROM_CLOSE));
	}
	return TRUE;
}
