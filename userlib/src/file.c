// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fileapi.h over Linux files. CreateFile is open(2) with Windows' five
 * dispositions, its access rights as the descriptor's access mode; ReadFile
 * and WriteFile are synchronous, an OVERLAPPED giving the offset as it does
 * for a synchronous Windows handle; the file pointer is the open file's
 * offset. Handles are descriptors (handle.c). README.md says where Linux and
 * Windows differ.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libntmm.h>
#include "internal.h"

#define STATUS_END_OF_FILE	0xC0000011U

/* The rights that read a file's data, and those that write it. */
#define READ_RIGHTS	(GENERIC_READ | GENERIC_EXECUTE | GENERIC_ALL | FILE_READ_DATA | \
			 FILE_EXECUTE)
#define WRITE_RIGHTS	(GENERIC_WRITE | GENERIC_ALL | FILE_WRITE_DATA | FILE_APPEND_DATA)

/* One read(2) or write(2) at most: below Linux's MAX_RW_COUNT, whole pages and sectors. */
#define IO_CHUNK	0x40000000U

/* How often create-or-open goes round for a file that others keep removing. */
#define CREATE_TRIES	8

/*
 * The error of a failed lookup of @path: ENOENT is ERROR_FILE_NOT_FOUND when
 * the file's directory is there, ERROR_PATH_NOT_FOUND when it is not.
 */
static DWORD path_error(const char *path, int err)
{
	const char *slash = strrchr(path, '/');
	struct stat st;
	char *dir;
	DWORD error;

	if (err != ENOENT || !slash || slash == path)
		return ntmm_errno_to_win32(err);
	dir = strndup(path, slash - path);
	if (!dir)
		return ERROR_NOT_ENOUGH_MEMORY;
	error = !stat(dir, &st) && S_ISDIR(st.st_mode) ? ERROR_FILE_NOT_FOUND :
							 ERROR_PATH_NOT_FOUND;
	free(dir);
	return error;
}

/*
 * The error of an I/O call on @fd: EBADF from a descriptor that is open is
 * one opened without that access (ReadFile on a write-only handle, any I/O
 * on a query-only one), which Windows refuses with ERROR_ACCESS_DENIED.
 */
static void io_error(int fd, int err)
{
	if (err == EBADF && fcntl(fd, F_GETFD) >= 0)
		SetLastError(ERROR_ACCESS_DENIED);
	else
		ntmm_set_errno_error(err);
}

/*
 * open(2) with Windows' disposition: *@existed says whether the file was
 * there before. @flags open an existing file and create one; @existing_flags
 * open an existing file without truncating it (O_PATH for a query-only
 * handle, which cannot create or truncate). Create-or-open is O_EXCL first,
 * then a plain open, so the answer is exact even while others race: a file
 * removed between the two is created again.
 */
static int open_disposition(const char *path, int flags, int existing_flags, mode_t mode,
			    DWORD disposition, BOOL *existed)
{
	int fd, tries;

	*existed = disposition == OPEN_EXISTING || disposition == TRUNCATE_EXISTING;
	switch (disposition) {
	case CREATE_NEW:
		return open(path, flags | O_CREAT | O_EXCL, mode);
	case OPEN_EXISTING:
		return open(path, existing_flags);
	case TRUNCATE_EXISTING:
		return open(path, flags | O_TRUNC);
	}
	for (tries = 0; tries < CREATE_TRIES; tries++) {
		*existed = FALSE;
		fd = open(path, flags | O_CREAT | O_EXCL, mode);
		if (fd >= 0 || errno != EEXIST)
			return fd;
		*existed = TRUE;
		if (disposition == CREATE_ALWAYS)
			fd = open(path, flags | O_TRUNC);
		else
			fd = open(path, existing_flags);
		if (fd >= 0 || errno != ENOENT)
			return fd;
	}
	/* Still EEXIST then ENOENT: a dangling symbolic link, which open creates through. */
	*existed = FALSE;
	return open(path, flags | O_CREAT | (disposition == CREATE_ALWAYS ? O_TRUNC : 0), mode);
}

/* Remove @name if it is the file @fd has open (not a link to it, not another file since). */
static void unmake(const char *name, int fd)
{
	struct stat at_name, opened;

	if (!lstat(name, &at_name) && !fstat(fd, &opened) && at_name.st_dev == opened.st_dev &&
	    at_name.st_ino == opened.st_ino)
		unlink(name);
}

static HANDLE create_file(const char *name, DWORD access, DWORD share,
			  const SECURITY_ATTRIBUTES *sa, DWORD disposition, DWORD flags)
{
	BOOL existed, query = !(access & (READ_RIGHTS | WRITE_RIGHTS));
	int fd, oflags, existing_flags, err;
	mode_t mode;
	struct stat st;

	if (!name || !*name) {
		SetLastError(ERROR_PATH_NOT_FOUND);
		return INVALID_HANDLE_VALUE;
	}
	if (disposition < CREATE_NEW || disposition > TRUNCATE_EXISTING ||
	    (share & ~(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)) ||
	    (disposition == TRUNCATE_EXISTING && !(access & WRITE_RIGHTS))) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return INVALID_HANDLE_VALUE;
	}
	/* Asynchronous I/O is not offered: its completions need events and ports. */
	if (flags & FILE_FLAG_OVERLAPPED) {
		SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
		return INVALID_HANDLE_VALUE;
	}

	if (!(access & WRITE_RIGHTS))
		oflags = O_RDONLY;
	else if (access & READ_RIGHTS)
		oflags = O_RDWR;
	else
		oflags = O_WRONLY;
	/* Append-only: every write goes to the end, as Windows does for such a handle. */
	if ((access & FILE_APPEND_DATA) &&
	    !(access & (GENERIC_WRITE | GENERIC_ALL | FILE_WRITE_DATA)))
		oflags |= O_APPEND;
	if (flags & FILE_FLAG_WRITE_THROUGH)
		oflags |= O_DSYNC;
	oflags |= O_NOCTTY;
	if (!sa || !sa->bInheritHandle)
		oflags |= O_CLOEXEC;
	existing_flags = query ? O_PATH | (oflags & O_CLOEXEC) : oflags;
	/* A read-only file is one nobody may write; the handle creating it still may. */
	mode = flags & FILE_ATTRIBUTE_READONLY ? 0444 : 0666;

	fd = open_disposition(name, oflags, existing_flags, mode, disposition, &existed);
	if (fd < 0) {
		SetLastError(path_error(name, errno));
		return INVALID_HANDLE_VALUE;
	}
	if (fstat(fd, &st))
		goto fail;
	/* A directory opens only for backup, as on Windows (STATUS_FILE_IS_A_DIRECTORY). */
	if (S_ISDIR(st.st_mode) && !(flags & FILE_FLAG_BACKUP_SEMANTICS)) {
		errno = EISDIR;
		goto fail;
	}
	/*
	 * O_DIRECT after the open: a file system without it refuses only once
	 * the file is made, and this way the file made is known and removed.
	 */
	if ((flags & FILE_FLAG_NO_BUFFERING) && !query &&
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_DIRECT))
		goto fail;
	/* Linux takes the name away now; the file goes with its last descriptor. */
	if ((flags & FILE_FLAG_DELETE_ON_CLOSE) &&
	    (S_ISDIR(st.st_mode) ? rmdir(name) : unlink(name)))
		goto fail;
	/* Advice only: a query-only descriptor takes none. */
	if (flags & FILE_FLAG_RANDOM_ACCESS)
		posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
	else if (flags & FILE_FLAG_SEQUENTIAL_SCAN)
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

	SetLastError(existed && (disposition == CREATE_ALWAYS || disposition == OPEN_ALWAYS) ?
		     ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
	return NtmmHandleFromFd(fd);

fail:
	err = errno;
	/* A failed CreateFile makes no file: remove the one made, if the name is still its. */
	if (!existed)
		unmake(name, fd);
	close(fd);
	ntmm_set_errno_error(err);
	return INVALID_HANDLE_VALUE;
}

/* A W function's name for Linux, or NULL (last error set); NULL and "" find no path. */
static char *wide_name(LPCWSTR name)
{
	if (!name || !*name) {
		SetLastError(ERROR_PATH_NOT_FOUND);
		return NULL;
	}
	return ntmm_utf16_to_utf8(name);
}

/* The A functions take a name's bytes as Linux does: UTF-8 in practice, no code page. */
NTMM_EXPORT HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess,
				      DWORD dwShareMode, LPSECURITY_ATTRIBUTES lpSecurityAttributes,
				      DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes,
				      HANDLE hTemplateFile)
{
	/* The template's attributes and extended attributes are not copied (README.md). */
	(void)hTemplateFile;
	return create_file(lpFileName, dwDesiredAccess, dwShareMode, lpSecurityAttributes,
			   dwCreationDisposition, dwFlagsAndAttributes);
}

NTMM_EXPORT HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess,
				      DWORD dwShareMode, LPSECURITY_ATTRIBUTES lpSecurityAttributes,
				      DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes,
				      HANDLE hTemplateFile)
{
	char *name = wide_name(lpFileName);
	HANDLE h;

	if (!name)
		return INVALID_HANDLE_VALUE;
	(void)hTemplateFile;
	h = create_file(name, dwDesiredAccess, dwShareMode, lpSecurityAttributes,
			dwCreationDisposition, dwFlagsAndAttributes);
	free(name);
	return h;
}

/*
 * Move @len bytes between @fd and @buf, at @off, or at the file pointer
 * if @off is -1, retrying on EINTR: a read ends short at the end of the
 * file or of what a pipe holds, a write goes on until all is written. The
 * bytes moved; *@err is the errno that stopped it, or 0.
 */
static size_t transfer(int fd, char *buf, size_t len, off_t off, BOOL out, int *err)
{
	size_t done = 0, ask;
	ssize_t n;

	*err = 0;
	while (done < len) {
		ask = len - done < IO_CHUNK ? len - done : IO_CHUNK;
		if (out)
			n = off < 0 ? write(fd, buf + done, ask) :
				      pwrite(fd, buf + done, ask, off + (off_t)done);
		else
			n = off < 0 ? read(fd, buf + done, ask) :
				      pread(fd, buf + done, ask, off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*err = errno;
			break;
		}
		done += n;
		if ((size_t)n < ask && !out)
			break;
	}
	return done;
}

/* ReadFile and WriteFile, which differ in the direction and at the end of a file. */
static BOOL file_io(HANDLE h, void *buf, DWORD len, LPDWORD moved, LPOVERLAPPED ov, BOOL out)
{
	int fd = NtmmFdFromHandle(h), err;
	off_t off = -1;
	size_t done;

	if (moved)
		*moved = 0;
	if (fd < 0)
		return FALSE;
	/* Only an OVERLAPPED may take the place of the count, as Windows requires. */
	if (!moved && !ov) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	if (ov && out && ov->Offset == 0xFFFFFFFF && ov->OffsetHigh == 0xFFFFFFFF) {
		/* Both halves all ones: write at the end of the file. */
		if (lseek(fd, 0, SEEK_END) < 0 && errno != ESPIPE) {
			io_error(fd, errno);
			return FALSE;
		}
	} else if (ov) {
		off = (off_t)((ULONGLONG)ov->OffsetHigh << 32 | ov->Offset);
		if (off < 0) {
			SetLastError(ERROR_INVALID_PARAMETER);
			return FALSE;
		}
	}
	done = transfer(fd, buf, len, off, out, &err);
	if (err == ESPIPE && !done && off >= 0) {
		/* Windows ignores the offset of a handle that has none (a pipe). */
		off = -1;
		done = transfer(fd, buf, len, off, out, &err);
	}
	if (moved)
		*moved = (DWORD)done;
	if (ov) {
		/* A synchronous handle's file pointer follows the I/O, offset or not. */
		if (off >= 0 && !err)
			lseek(fd, off + (off_t)done, SEEK_SET);
		/* The IO_STATUS_BLOCK the OVERLAPPED stands for (no status for a Linux error). */
		if (!err)
			ov->Internal = !out && !done && len ? STATUS_END_OF_FILE : 0;
		ov->InternalHigh = done;
	}
	if (err) {
		io_error(fd, err);
		return FALSE;
	}
	/* The end of the file: TRUE with no bytes, but with an OVERLAPPED an error. */
	if (ov && !out && !done && len) {
		SetLastError(ERROR_HANDLE_EOF);
		return FALSE;
	}
	return TRUE;
}

NTMM_EXPORT BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
				 LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped)
{
	return file_io(hFile, lpBuffer, nNumberOfBytesToRead, lpNumberOfBytesRead, lpOverlapped,
		       FALSE);
}

NTMM_EXPORT BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
				  LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped)
{
	return file_io(hFile, (void *)lpBuffer, nNumberOfBytesToWrite, lpNumberOfBytesWritten,
		       lpOverlapped, TRUE);
}

/* fstat of @h's descriptor: the descriptor, or -1 (last error set). */
static int handle_stat(HANDLE h, struct stat *st)
{
	int fd = NtmmFdFromHandle(h);

	if (fd >= 0 && fstat(fd, st)) {
		ntmm_set_errno_error(errno);
		return -1;
	}
	return fd;
}

/* The size of @h's file (0 for a directory, as Windows reports one); FALSE (last error set). */
static BOOL file_size(HANDLE h, LONGLONG *size)
{
	struct stat st;

	if (handle_stat(h, &st) < 0)
		return FALSE;
	*size = S_ISDIR(st.st_mode) ? 0 : st.st_size;
	return TRUE;
}

NTMM_EXPORT BOOL WINAPI GetFileSizeEx(HANDLE hFile, PLARGE_INTEGER lpFileSize)
{
	LONGLONG size;

	if (!file_size(hFile, &size))
		return FALSE;
	if (!lpFileSize) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	lpFileSize->QuadPart = size;
	return TRUE;
}

NTMM_EXPORT DWORD WINAPI GetFileSize(HANDLE hFile, LPDWORD lpFileSizeHigh)
{
	LONGLONG size;

	if (!file_size(hFile, &size))
		return INVALID_FILE_SIZE;
	if (lpFileSizeHigh)
		*lpFileSizeHigh = (DWORD)((ULONGLONG)size >> 32);
	/* A size whose low half is INVALID_FILE_SIZE is told from failure by NO_ERROR. */
	if ((DWORD)size == INVALID_FILE_SIZE)
		SetLastError(NO_ERROR);
	return (DWORD)size;
}

/*
 * Move @h's file pointer by @dist from @method's origin, to at most @max;
 * the new position, or -1 (last error set) with the pointer where it was.
 */
static LONGLONG file_seek(HANDLE h, LONGLONG dist, DWORD method, LONGLONG max)
{
	int fd = NtmmFdFromHandle(h);
	LONGLONG base, pos;
	struct stat st;

	if (fd < 0)
		return -1;
	switch (method) {
	case FILE_BEGIN:
		base = 0;
		break;
	case FILE_CURRENT:
		base = lseek(fd, 0, SEEK_CUR);
		if (base < 0)
			goto fail;
		break;
	case FILE_END:
		if (fstat(fd, &st))
			goto fail;
		base = st.st_size;
		break;
	default:
		SetLastError(ERROR_INVALID_PARAMETER);
		return -1;
	}
	if (__builtin_add_overflow(base, dist, &pos) || pos > max) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return -1;
	}
	if (pos < 0) {
		SetLastError(ERROR_NEGATIVE_SEEK);
		return -1;
	}
	if (lseek(fd, pos, SEEK_SET) < 0)
		goto fail;
	return pos;
fail:
	io_error(fd, errno);
	return -1;
}

NTMM_EXPORT BOOL WINAPI SetFilePointerEx(HANDLE hFile, LARGE_INTEGER liDistanceToMove,
					 PLARGE_INTEGER lpNewFilePointer, DWORD dwMoveMethod)
{
	LONGLONG pos = file_seek(hFile, liDistanceToMove.QuadPart, dwMoveMethod, INT64_MAX);

	if (pos < 0)
		return FALSE;
	if (lpNewFilePointer)
		lpNewFilePointer->QuadPart = pos;
	return TRUE;
}

NTMM_EXPORT DWORD WINAPI SetFilePointer(HANDLE hFile, LONG lDistanceToMove,
					PLONG lpDistanceToMoveHigh, DWORD dwMoveMethod)
{
	LARGE_INTEGER dist;
	LONGLONG pos;

	if (lpDistanceToMoveHigh) {
		dist.LowPart = (DWORD)lDistanceToMove;
		dist.HighPart = *lpDistanceToMoveHigh;
	} else {
		dist.QuadPart = lDistanceToMove;
	}
	/* Without the high half the new position must fit in the low one. */
	pos = file_seek(hFile, dist.QuadPart, dwMoveMethod,
			lpDistanceToMoveHigh ? INT64_MAX : 0xFFFFFFFF);
	if (pos < 0)
		return INVALID_SET_FILE_POINTER;
	if (lpDistanceToMoveHigh)
		*lpDistanceToMoveHigh = (LONG)(pos >> 32);
	/* A position whose low half is INVALID_SET_FILE_POINTER is told by NO_ERROR. */
	if ((DWORD)pos == INVALID_SET_FILE_POINTER)
		SetLastError(NO_ERROR);
	return (DWORD)pos;
}

/* The descriptor of @h if it may write (GENERIC_WRITE), else -1 (last error set). */
static int writable_fd(HANDLE h)
{
	int fd = NtmmFdFromHandle(h), fl;

	if (fd < 0)
		return -1;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0) {
		ntmm_set_errno_error(errno);
		return -1;
	}
	if ((fl & O_PATH) || (fl & O_ACCMODE) == O_RDONLY) {
		SetLastError(ERROR_ACCESS_DENIED);
		return -1;
	}
	return fd;
}

NTMM_EXPORT BOOL WINAPI SetEndOfFile(HANDLE hFile)
{
	int fd = writable_fd(hFile);
	off_t pos;

	if (fd < 0)
		return FALSE;
	pos = lseek(fd, 0, SEEK_CUR);
	if (pos < 0 || ftruncate(fd, pos)) {
		io_error(fd, errno);
		return FALSE;
	}
	return TRUE;
}

NTMM_EXPORT BOOL WINAPI FlushFileBuffers(HANDLE hFile)
{
	int fd = writable_fd(hFile);

	if (fd < 0)
		return FALSE;
	if (fsync(fd)) {
		io_error(fd, errno);
		return FALSE;
	}
	return TRUE;
}

NTMM_EXPORT DWORD WINAPI GetFileType(HANDLE hFile)
{
	struct stat st;

	if (handle_stat(hFile, &st) < 0)
		return FILE_TYPE_UNKNOWN;
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISBLK(st.st_mode))
		return FILE_TYPE_DISK;
	if (S_ISCHR(st.st_mode))
		return FILE_TYPE_CHAR;
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
		return FILE_TYPE_PIPE;
	/* A real FILE_TYPE_UNKNOWN is told from failure by NO_ERROR. */
	SetLastError(NO_ERROR);
	return FILE_TYPE_UNKNOWN;
}

static BOOL delete_file(const char *name)
{
	if (!name || !*name) {
		SetLastError(ERROR_PATH_NOT_FOUND);
		return FALSE;
	}
	/* A directory is EISDIR, which Windows refuses as ERROR_ACCESS_DENIED. */
	if (unlink(name)) {
		SetLastError(path_error(name, errno));
		return FALSE;
	}
	return TRUE;
}

NTMM_EXPORT BOOL WINAPI DeleteFileA(LPCSTR lpFileName)
{
	return delete_file(lpFileName);
}

NTMM_EXPORT BOOL WINAPI DeleteFileW(LPCWSTR lpFileName)
{
	char *name = wide_name(lpFileName);
	BOOL ok;

	if (!name)
		return FALSE;
	ok = delete_file(name);
	free(name);
	return ok;
}
