// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Other processes: OpenProcess, GetProcessId, ReadProcessMemory,
 * WriteProcessMemory, and the process handle every -Ex call takes.
 *
 * OpenProcess opens /proc/PID/mem, whose open is Linux's ptrace access
 * check (credentials, user namespaces, Yama), and gives the descriptor to
 * the module, which makes a process handle of it with the rights asked
 * for; /proc/PID/mem is closed again. GetCurrentProcess's pseudo-handle is
 * the caller itself: the calls on it are the plain ones.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

#include <libntmm.h>
#include "internal.h"

/* Windows' generic mapping for process objects. */
#define PROCESS_GENERIC_READ	(READ_CONTROL | PROCESS_VM_READ | PROCESS_QUERY_INFORMATION)
#define PROCESS_GENERIC_WRITE	(READ_CONTROL | PROCESS_CREATE_THREAD | PROCESS_VM_OPERATION | \
				 PROCESS_VM_WRITE | PROCESS_DUP_HANDLE | \
				 PROCESS_CREATE_PROCESS | PROCESS_SET_QUOTA | \
				 PROCESS_SET_INFORMATION | PROCESS_SUSPEND_RESUME)
#define PROCESS_GENERIC_EXECUTE	(READ_CONTROL | SYNCHRONIZE | PROCESS_TERMINATE | \
				 PROCESS_QUERY_LIMITED_INFORMATION)

_Static_assert(PROCESS_ALL_ACCESS == NTMM_PROCESS_ALL_ACCESS, "PROCESS_ALL_ACCESS differs");
_Static_assert(PROCESS_VM_OPERATION == NTMM_PROCESS_VM_OPERATION, "PROCESS_VM_OPERATION differs");
_Static_assert(PROCESS_VM_READ == NTMM_PROCESS_VM_READ, "PROCESS_VM_READ differs");
_Static_assert(PROCESS_VM_WRITE == NTMM_PROCESS_VM_WRITE, "PROCESS_VM_WRITE differs");
_Static_assert(PROCESS_QUERY_INFORMATION == NTMM_PROCESS_QUERY_INFORMATION,
	       "PROCESS_QUERY_INFORMATION differs");

/* Specific rights for @access: generic ones mapped, MAXIMUM_ALLOWED as all. */
static DWORD process_rights(DWORD access)
{
	DWORD rights = access & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL |
				  MAXIMUM_ALLOWED);

	if (access & (GENERIC_ALL | MAXIMUM_ALLOWED))
		rights |= PROCESS_ALL_ACCESS;
	if (access & GENERIC_READ)
		rights |= PROCESS_GENERIC_READ;
	if (access & GENERIC_WRITE)
		rights |= PROCESS_GENERIC_WRITE;
	if (access & GENERIC_EXECUTE)
		rights |= PROCESS_GENERIC_EXECUTE;
	return rights;
}

/*
 * Make a process handle from @source (a /proc/PID/mem descriptor with
 * @pid, or a process handle's with 0). Return: its descriptor, or -1 with
 * the last error set.
 */
int ntmm_process_open(int source, DWORD pid, DWORD access, BOOL inherit)
{
	struct ntmm_process_open o = {
		.size = sizeof(o),
		.source = source,
		.pid = pid,
		.access = process_rights(access),
		.flags = inherit ? NTMM_HANDLE_INHERIT : 0,
	};

	if (ntmm_ioctl(NTMM_IOC_PROCESS_OPEN, &o) || !ntmm_status(o.status))
		return -1;
	return o.handle;
}

NTMM_EXPORT HANDLE WINAPI OpenProcess(DWORD dwDesiredAccess, BOOL bInheritHandle,
				      DWORD dwProcessId)
{
	char path[32];
	int mem, fd;

	/* The idle process, and ids Linux cannot have. */
	if (!dwProcessId || dwProcessId > INT32_MAX) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	snprintf(path, sizeof(path), "/proc/%u/mem", (unsigned int)dwProcessId);
	mem = open(path, O_RDONLY | O_CLOEXEC);
	if (mem < 0) {
		SetLastError(errno == ENOENT || errno == ESRCH ? ERROR_INVALID_PARAMETER :
			     errno == EACCES || errno == EPERM ? ERROR_ACCESS_DENIED :
			     ntmm_errno_to_win32(errno));
		return NULL;
	}
	fd = ntmm_process_open(mem, dwProcessId, dwDesiredAccess, bInheritHandle);
	close(mem);
	return fd < 0 ? NULL : NtmmHandleFromFd(fd);
}

NTMM_EXPORT DWORD WINAPI GetProcessId(HANDLE Process)
{
	struct ntmm_process_info i = { .size = sizeof(i) };

	if (Process == CURRENT_PROCESS)
		return (DWORD)getpid();
	i.handle = ntmm_handle_fd(Process);
	if (i.handle < 0) {
		SetLastError(ERROR_INVALID_HANDLE);
		return 0;
	}
	if (ntmm_ioctl(NTMM_IOC_PROCESS_INFO, &i) || !ntmm_status(i.status))
		return 0;
	return i.pid;
}

int ntmm_process_call(HANDLE process, unsigned long cmd, void *arg)
{
	struct ntmm_remote r = { .size = sizeof(r), .cmd = (__u32)cmd, .arg = (ULONG_PTR)arg };

	if (process == CURRENT_PROCESS)
		return ntmm_ioctl(cmd, arg);
	r.process = ntmm_handle_fd(process);
	if (r.process < 0) {
		SetLastError(ERROR_INVALID_HANDLE);
		return -1;
	}
	if (ntmm_ioctl(NTMM_IOC_REMOTE, &r))
		return -1;
	return ntmm_status(r.status) ? 0 : -1;
}

/*
 * The calling process's own memory through the pseudo-handle: Linux's
 * cross-memory copy of itself, which stops where the memory does.
 */
static BOOL copy_self(BOOL write, void *address, void *buffer, SIZE_T size, SIZE_T *done)
{
	struct iovec local = { buffer, size }, remote = { address, size };
	ssize_t n;

	n = write ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0) :
		    process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	*done = n > 0 ? (SIZE_T)n : 0;
	if (n >= 0 && (SIZE_T)n == size)
		return TRUE;
	SetLastError(n < 0 && errno != EFAULT ? ntmm_errno_to_win32(errno) : ERROR_PARTIAL_COPY);
	return FALSE;
}

/* NtReadVirtualMemory / NtWriteVirtualMemory: all of it, or ERROR_PARTIAL_COPY. */
static BOOL process_copy(HANDLE process, BOOL write, void *address, void *buffer, SIZE_T size,
			 SIZE_T *copied)
{
	struct ntmm_process_copy c = {
		.size = sizeof(c),
		.flags = write ? NTMM_COPY_WRITE : 0,
		.address = (ULONG_PTR)address,
		.buffer = (ULONG_PTR)buffer,
		.length = size,
	};
	SIZE_T done = 0;
	BOOL ok;

	if (process == CURRENT_PROCESS) {
		ok = !size || copy_self(write, address, buffer, size, &done);
	} else {
		c.process = ntmm_handle_fd(process);
		if (c.process < 0) {
			SetLastError(ERROR_INVALID_HANDLE);
			return FALSE;
		}
		ok = !ntmm_ioctl(NTMM_IOC_PROCESS_COPY, &c) && ntmm_status(c.status);
		done = c.copied;
	}
	if (copied)
		*copied = done;
	return ok;
}

NTMM_EXPORT BOOL WINAPI ReadProcessMemory(HANDLE hProcess, LPCVOID lpBaseAddress,
					  LPVOID lpBuffer, SIZE_T nSize,
					  SIZE_T *lpNumberOfBytesRead)
{
	return process_copy(hProcess, FALSE, (void *)lpBaseAddress, lpBuffer, nSize,
			    lpNumberOfBytesRead);
}

/*
 * WriteProcessMemory as kernel32 makes it: the range is first made
 * PAGE_EXECUTE_READWRITE, which returns its protection. A target page
 * that was writable is written as it was; PAGE_READONLY and PAGE_NOACCESS
 * refuse (ERROR_NOACCESS); PAGE_EXECUTE and PAGE_EXECUTE_READ (code) are
 * written while writable and then get their protection back, the first
 * page's for the whole range, as in Windows. Memory that is not ntmm's
 * (Linux's own mappings, which VirtualProtectEx cannot change) is written
 * where Linux lets the target write it, and nowhere else: program text
 * refuses.
 */
NTMM_EXPORT BOOL WINAPI WriteProcessMemory(HANDLE hProcess, LPVOID lpBaseAddress,
					   LPCVOID lpBuffer, SIZE_T nSize,
					   SIZE_T *lpNumberOfBytesWritten)
{
	const DWORD writable = PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READWRITE |
			       PAGE_EXECUTE_WRITECOPY;
	DWORD old, ignored;
	BOOL ok;

	if (lpNumberOfBytesWritten)
		*lpNumberOfBytesWritten = 0;
	if (!nSize)
		return process_copy(hProcess, TRUE, lpBaseAddress, (void *)lpBuffer, 0,
				    lpNumberOfBytesWritten);
	if (!VirtualProtectEx(hProcess, lpBaseAddress, nSize, PAGE_EXECUTE_READWRITE, &old)) {
		if (GetLastError() != ERROR_INVALID_ADDRESS)
			return FALSE;
		return process_copy(hProcess, TRUE, lpBaseAddress, (void *)lpBuffer, nSize,
				    lpNumberOfBytesWritten);
	}
	if (old & writable) {
		VirtualProtectEx(hProcess, lpBaseAddress, nSize, old, &ignored);
		return process_copy(hProcess, TRUE, lpBaseAddress, (void *)lpBuffer, nSize,
				    lpNumberOfBytesWritten);
	}
	if (old & (PAGE_NOACCESS | PAGE_READONLY)) {
		VirtualProtectEx(hProcess, lpBaseAddress, nSize, old, &ignored);
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	ok = process_copy(hProcess, TRUE, lpBaseAddress, (void *)lpBuffer, nSize,
			  lpNumberOfBytesWritten);
	VirtualProtectEx(hProcess, lpBaseAddress, nSize, old, &ignored);
	return ok;
}
