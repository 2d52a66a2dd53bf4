// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * memoryapi.h's file mappings: CreateFileMapping, OpenFileMapping,
 * MapViewOfFile and its forms, UnmapViewOfFile, FlushViewOfFile. A section
 * handle is a file descriptor the module made (handle.c's encoding); names
 * are UTF-8 to the module, in Local\ (the default) or Global\, which this
 * file strips and passes as a flag, as kernelbase turns them into object
 * directories.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libntmm.h>

#include "internal.h"

#define SAME_AS_UAPI(name)	_Static_assert(name == NTMM_##name, #name " differs")
SAME_AS_UAPI(SEC_FILE);
SAME_AS_UAPI(SEC_IMAGE);
SAME_AS_UAPI(SEC_RESERVE);
SAME_AS_UAPI(SEC_COMMIT);
SAME_AS_UAPI(SEC_NOCACHE);
SAME_AS_UAPI(SEC_WRITECOMBINE);
SAME_AS_UAPI(SEC_LARGE_PAGES);
SAME_AS_UAPI(SECTION_QUERY);
SAME_AS_UAPI(SECTION_MAP_WRITE);
SAME_AS_UAPI(SECTION_MAP_READ);
SAME_AS_UAPI(SECTION_MAP_EXECUTE);
SAME_AS_UAPI(SECTION_EXTEND_SIZE);
SAME_AS_UAPI(SECTION_MAP_EXECUTE_EXPLICIT);
SAME_AS_UAPI(SECTION_ALL_ACCESS);
SAME_AS_UAPI(MEM_REPLACE_PLACEHOLDER);
SAME_AS_UAPI(MEM_RESERVE_PLACEHOLDER);
SAME_AS_UAPI(MEM_COALESCE_PLACEHOLDERS);
SAME_AS_UAPI(MEM_PRESERVE_PLACEHOLDER);

/* The page protection bits of CreateFileMapping's flProtect; SEC_* are above them. */
#define PROTECT_BITS	0x7ffU

/* A name split into its namespace and the module's name. */
struct name {
	const char *bytes;
	__u32 len;
	__u32 flags;
};

static BOOL name_split(LPCSTR name, struct name *n)
{
	static const char global[] = "Global\\", local[] = "Local\\";

	n->flags = 0;
	if (!strncmp(name, global, sizeof(global) - 1)) {
		name += sizeof(global) - 1;
		n->flags = NTMM_NAME_GLOBAL;
	} else if (!strncmp(name, local, sizeof(local) - 1)) {
		name += sizeof(local) - 1;
	}
	n->bytes = name;
	n->len = strlen(name);
	if (n->len > NTMM_NAME_MAX) {
		SetLastError(ERROR_FILENAME_EXCED_RANGE);
		return FALSE;
	}
	return TRUE;
}

static BOOL inherited(const SECURITY_ATTRIBUTES *sa)
{
	return sa && sa->bInheritHandle;
}

/* NtCreateSection; @access narrows the handle's rights when not SECTION_ALL_ACCESS. */
static HANDLE create_section(HANDLE file, const SECURITY_ATTRIBUTES *sa, DWORD protect,
			     DWORD attributes, ULONG64 size, LPCSTR name, DWORD access)
{
	struct ntmm_section_create c = {
		.size = sizeof(c),
		.protect = protect,
		.attributes = attributes,
		.max_size = size,
		.fd = -1,
		.flags = inherited(sa) ? NTMM_HANDLE_INHERIT : 0,
	};
	struct ntmm_section_open o = { .size = sizeof(o) };
	struct name n;

	if (file != INVALID_HANDLE_VALUE) {
		c.fd = ntmm_handle_fd(file);
		if (c.fd < 0) {
			SetLastError(ERROR_INVALID_HANDLE);
			return NULL;
		}
	}
	if (name) {
		if (!name_split(name, &n))
			return NULL;
		c.name = (ULONG_PTR)n.bytes;
		c.name_length = n.len;
		c.flags |= n.flags;
	}
	if (ntmm_ioctl(NTMM_IOC_SECTION_CREATE, &c) || !ntmm_status(c.status))
		return NULL;
	if (access != SECTION_ALL_ACCESS) {
		o.access = access;
		o.flags = c.flags & NTMM_HANDLE_INHERIT;
		o.handle = c.handle;
		if (ntmm_ioctl(NTMM_IOC_SECTION_OPEN, &o) || !ntmm_status(o.status)) {
			close(c.handle);
			return NULL;
		}
		close(c.handle);
		c.handle = o.handle;
	}
	/* Windows sets the last error on success too: 0, or the name was taken. */
	SetLastError(c.status == NTMM_STATUS_OBJECT_NAME_EXISTS ? ERROR_ALREADY_EXISTS :
								   ERROR_SUCCESS);
	return NtmmHandleFromFd(c.handle);
}

NTMM_EXPORT HANDLE WINAPI CreateFileMappingA(HANDLE hFile,
					     LPSECURITY_ATTRIBUTES lpFileMappingAttributes,
					     DWORD flProtect, DWORD dwMaximumSizeHigh,
					     DWORD dwMaximumSizeLow, LPCSTR lpName)
{
	return create_section(hFile, lpFileMappingAttributes, flProtect & PROTECT_BITS,
			      flProtect & ~PROTECT_BITS,
			      (ULONG64)dwMaximumSizeHigh << 32 | dwMaximumSizeLow, lpName,
			      SECTION_ALL_ACCESS);
}

/* A W name as UTF-8 (*@out, to free()); FALSE with the last error set. */
static BOOL name_from_wide(LPCWSTR name, char **out)
{
	*out = NULL;
	if (!name)
		return TRUE;
	*out = ntmm_utf16_to_utf8(name);
	return *out != NULL;
}

NTMM_EXPORT HANDLE WINAPI CreateFileMappingW(HANDLE hFile,
					     LPSECURITY_ATTRIBUTES lpFileMappingAttributes,
					     DWORD flProtect, DWORD dwMaximumSizeHigh,
					     DWORD dwMaximumSizeLow, LPCWSTR lpName)
{
	HANDLE h;
	char *name;

	if (!name_from_wide(lpName, &name))
		return NULL;
	h = CreateFileMappingA(hFile, lpFileMappingAttributes, flProtect, dwMaximumSizeHigh,
			       dwMaximumSizeLow, name);
	free(name);
	return h;
}

NTMM_EXPORT HANDLE WINAPI CreateFileMapping2(HANDLE File, SECURITY_ATTRIBUTES *SecurityAttributes,
					     ULONG DesiredAccess, ULONG PageProtection,
					     ULONG AllocationAttributes, ULONG64 MaximumSize,
					     PCWSTR Name, MEM_EXTENDED_PARAMETER *ExtendedParameters,
					     ULONG ParameterCount)
{
	HANDLE h;
	char *name;

	(void)ExtendedParameters;
	/* A section's preferred node is not kept (README). */
	if (ParameterCount) {
		SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
		return NULL;
	}
	if (!name_from_wide(Name, &name))
		return NULL;
	h = create_section(File, SecurityAttributes, PageProtection, AllocationAttributes,
			   MaximumSize, name, DesiredAccess);
	free(name);
	return h;
}

NTMM_EXPORT HANDLE WINAPI OpenFileMappingA(DWORD dwDesiredAccess, BOOL bInheritHandle,
					   LPCSTR lpName)
{
	struct ntmm_section_open o = { .size = sizeof(o), .access = dwDesiredAccess };
	struct name n;

	if (!lpName) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (!name_split(lpName, &n))
		return NULL;
	o.name = (ULONG_PTR)n.bytes;
	o.name_length = n.len;
	o.flags = n.flags | (bInheritHandle ? NTMM_HANDLE_INHERIT : 0);
	if (ntmm_ioctl(NTMM_IOC_SECTION_OPEN, &o) || !ntmm_status(o.status))
		return NULL;
	return NtmmHandleFromFd(o.handle);
}

NTMM_EXPORT HANDLE WINAPI OpenFileMappingW(DWORD dwDesiredAccess, BOOL bInheritHandle,
					   LPCWSTR lpName)
{
	HANDLE h;
	char *name;

	if (!lpName) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (!name_from_wide(lpName, &name))
		return NULL;
	h = OpenFileMappingA(dwDesiredAccess, bInheritHandle, name);
	free(name);
	return h;
}

/*
 * The protection a view of FILE_MAP_* @access gets, as kernelbase derives
 * it: writing wins over copying, copying over reading; FILE_MAP_EXECUTE
 * adds execution. No access at all is PAGE_NOACCESS, which fails.
 */
static DWORD view_protect(DWORD access)
{
	BOOL exec = access & FILE_MAP_EXECUTE;

	if (access & FILE_MAP_WRITE)
		return exec ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
	if (access & FILE_MAP_COPY)
		return exec ? PAGE_EXECUTE_WRITECOPY : PAGE_WRITECOPY;
	if (access & FILE_MAP_READ)
		return exec ? PAGE_EXECUTE_READ : PAGE_READONLY;
	return PAGE_NOACCESS;
}

/* NtMapViewOfSectionEx in the calling process; @node NUMA_NO_PREFERRED_NODE or one. */
static PVOID map_view(HANDLE process, HANDLE section, PVOID base, ULONG64 offset, SIZE_T size,
		      ULONG type, ULONG protect, DWORD node)
{
	struct ntmm_view v = {
		.size = sizeof(v),
		.protect = protect,
		.address = (ULONG_PTR)base,
		.offset = offset,
		.length = size,
		.type = type,
	};

	if (node != NUMA_NO_PREFERRED_NODE) {
		v.flags = NTMM_VIEW_NODE;
		v.node = node;
	}

	v.handle = ntmm_handle_fd(section);
	if (v.handle < 0) {
		SetLastError(ERROR_INVALID_HANDLE);
		return NULL;
	}
	if (ntmm_process_call(process, NTMM_IOC_VIEW_MAP, &v) || !ntmm_status(v.status))
		return NULL;
	return (PVOID)(ULONG_PTR)v.address;
}

NTMM_EXPORT LPVOID WINAPI MapViewOfFileEx(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
					  DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
					  SIZE_T dwNumberOfBytesToMap, LPVOID lpBaseAddress)
{
	return map_view(CURRENT_PROCESS, hFileMappingObject, lpBaseAddress,
			(ULONG64)dwFileOffsetHigh << 32 | dwFileOffsetLow, dwNumberOfBytesToMap, 0,
			view_protect(dwDesiredAccess), NUMA_NO_PREFERRED_NODE);
}

NTMM_EXPORT LPVOID WINAPI MapViewOfFile(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
					DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
					SIZE_T dwNumberOfBytesToMap)
{
	return MapViewOfFileEx(hFileMappingObject, dwDesiredAccess, dwFileOffsetHigh,
			       dwFileOffsetLow, dwNumberOfBytesToMap, NULL);
}

/* The process handle of the -2 and -3 forms: NULL stands for the calling process. */
static HANDLE view_process(HANDLE process)
{
	return process ? process : CURRENT_PROCESS;
}

NTMM_EXPORT PVOID WINAPI MapViewOfFile3(HANDLE FileMapping, HANDLE Process, PVOID BaseAddress,
					ULONG64 Offset, SIZE_T ViewSize, ULONG AllocationType,
					ULONG PageProtection,
					MEM_EXTENDED_PARAMETER *ExtendedParameters,
					ULONG ParameterCount)
{
	DWORD node = NUMA_NO_PREFERRED_NODE;
	ULONG i;

	if (ParameterCount && !ExtendedParameters) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	for (i = 0; i < ParameterCount; i++) {
		if (ExtendedParameters[i].Reserved ||
		    ExtendedParameters[i].Type >= MemExtendedParameterMax ||
		    ExtendedParameters[i].Type == MemExtendedParameterInvalidType) {
			SetLastError(ERROR_INVALID_PARAMETER);
			return NULL;
		}
		/* A view's address requirements, partitions and the rest: not built (README). */
		if (ExtendedParameters[i].Type != MemExtendedParameterNumaNode) {
			SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
			return NULL;
		}
		node = ExtendedParameters[i].ULong;
	}
	return map_view(view_process(Process), FileMapping, BaseAddress, Offset, ViewSize,
			AllocationType, PageProtection, node);
}

NTMM_EXPORT PVOID WINAPI MapViewOfFileNuma2(HANDLE FileMappingHandle, HANDLE ProcessHandle,
					    ULONG64 Offset, PVOID BaseAddress, SIZE_T ViewSize,
					    ULONG AllocationType, ULONG PageProtection,
					    ULONG PreferredNode)
{
	return map_view(view_process(ProcessHandle), FileMappingHandle, BaseAddress, Offset,
			ViewSize, AllocationType, PageProtection, PreferredNode);
}

static BOOL view_op(HANDLE process, __u32 op, __u32 flags, LPCVOID address, SIZE_T length)
{
	struct ntmm_view_op v = {
		.size = sizeof(v),
		.op = op,
		.flags = flags,
		.address = (ULONG_PTR)address,
		.length = length,
	};

	return !ntmm_process_call(process, NTMM_IOC_VIEW_OP, &v) && ntmm_status(v.status);
}

NTMM_EXPORT BOOL WINAPI UnmapViewOfFileEx(PVOID BaseAddress, ULONG UnmapFlags)
{
	return UnmapViewOfFile2(CURRENT_PROCESS, BaseAddress, UnmapFlags);
}

NTMM_EXPORT BOOL WINAPI UnmapViewOfFile(LPCVOID lpBaseAddress)
{
	return view_op(CURRENT_PROCESS, NTMM_VIEW_UNMAP, 0, lpBaseAddress, 0);
}

NTMM_EXPORT BOOL WINAPI UnmapViewOfFile2(HANDLE Process, PVOID BaseAddress, ULONG UnmapFlags)
{
	/* The boost is a scheduling hint. */
	return view_op(view_process(Process), NTMM_VIEW_UNMAP,
		       UnmapFlags & ~MEM_UNMAP_WITH_TRANSIENT_BOOST, BaseAddress, 0);
}

NTMM_EXPORT BOOL WINAPI FlushViewOfFile(LPCVOID lpBaseAddress, SIZE_T dwNumberOfBytesToFlush)
{
	return view_op(CURRENT_PROCESS, NTMM_VIEW_FLUSH, 0, lpBaseAddress, dwNumberOfBytesToFlush);
}
