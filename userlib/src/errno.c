// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The one table from Linux errnos to Win32 errors, for every call that
 * reaches Linux directly (files, handles, ...): the error Windows returns
 * for the same failure, as its NTSTATUS maps through RtlNtStatusToDosError.
 * Callers that know more than the errno says (ENOENT for a file or for a
 * directory on its path) refine it themselves.
 */
#include <errno.h>

#include "internal.h"

static const DWORD errno_map[] = {
	[EPERM] = ERROR_ACCESS_DENIED,
	[ENOENT] = ERROR_FILE_NOT_FOUND,
	[EIO] = ERROR_IO_DEVICE,
	[EBADF] = ERROR_INVALID_HANDLE,
	[ENOMEM] = ERROR_NOT_ENOUGH_MEMORY,
	[EACCES] = ERROR_ACCESS_DENIED,
	[EFAULT] = ERROR_NOACCESS,
	[EBUSY] = ERROR_BUSY,
	[EEXIST] = ERROR_FILE_EXISTS,
	[EXDEV] = ERROR_NOT_SAME_DEVICE,
	[ENOTDIR] = ERROR_PATH_NOT_FOUND,
	/* Windows opens no directory as a file: STATUS_FILE_IS_A_DIRECTORY. */
	[EISDIR] = ERROR_ACCESS_DENIED,
	[EINVAL] = ERROR_INVALID_PARAMETER,
	[ENFILE] = ERROR_TOO_MANY_OPEN_FILES,
	[EMFILE] = ERROR_TOO_MANY_OPEN_FILES,
	/* Writing a running program: Windows' image section holds it. */
	[ETXTBSY] = ERROR_SHARING_VIOLATION,
	[EFBIG] = ERROR_FILE_TOO_LARGE,
	[ENOSPC] = ERROR_DISK_FULL,
	[ESPIPE] = ERROR_SEEK_ON_DEVICE,
	[EROFS] = ERROR_WRITE_PROTECT,
	[EMLINK] = ERROR_TOO_MANY_LINKS,
	[EPIPE] = ERROR_BROKEN_PIPE,
	[ENAMETOOLONG] = ERROR_FILENAME_EXCED_RANGE,
	[ENOSYS] = ERROR_CALL_NOT_IMPLEMENTED,
	[ENOTEMPTY] = ERROR_DIR_NOT_EMPTY,
	[ELOOP] = ERROR_CANT_RESOLVE_FILENAME,
	[EOVERFLOW] = ERROR_ARITHMETIC_OVERFLOW,
	[EOPNOTSUPP] = ERROR_NOT_SUPPORTED,
	[EDQUOT] = ERROR_DISK_QUOTA_EXCEEDED,
};

DWORD ntmm_errno_to_win32(int err)
{
	if (!err)
		return ERROR_SUCCESS;
	/* STATUS_UNSUCCESSFUL's error, for what Windows has no word for. */
	if (err < 0 || (unsigned int)err >= sizeof(errno_map) / sizeof(errno_map[0]) ||
	    !errno_map[err])
		return ERROR_GEN_FAILURE;
	return errno_map[err];
}

void ntmm_set_errno_error(int err)
{
	SetLastError(ntmm_errno_to_win32(err));
}
