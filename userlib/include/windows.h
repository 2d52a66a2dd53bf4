/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libntmm's <windows.h>: the Win32 memory-manager API on Linux, and the file
 * and handle calls that a program which maps files needs.
 *
 * Types have Windows' sizes on LP64 Linux: DWORD, LONG, ULONG and BOOL are
 * 32-bit; SIZE_T, ULONG_PTR and pointers 64-bit. Constants have Windows'
 * values. Only functions that libntmm implements are declared here; the
 * README's API table lists what is done and what is not yet.
 */
#ifndef NTMM_WINDOWS_H
#define NTMM_WINDOWS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WINAPI
#define WINAPI
#endif
#define WINBASEAPI
#define NTAPI
#define CALLBACK
#define VOID void
#define CONST const
/* x64 has one calling convention; the keywords Windows code writes mean nothing here. */
#ifndef __cdecl
#define __cdecl
#endif
#ifndef __stdcall
#define __stdcall
#endif

/* The SAL annotations of Microsoft's headers and samples, for the reader only. */
#ifndef _In_
#define _In_
#define _In_opt_
#define _Out_
#define _Out_opt_
#define _Inout_
#define _Inout_opt_
#define _Outptr_
#define _Outptr_opt_
#endif

typedef int BOOL;
typedef uint8_t BYTE;
typedef uint8_t BOOLEAN;
typedef uint16_t WORD;
typedef uint32_t DWORD;
typedef int32_t LONG;
typedef uint32_t ULONG;
typedef int32_t INT;
typedef uint32_t UINT;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG;
typedef uint64_t DWORD64;
typedef uint64_t ULONG64;
typedef uint64_t DWORDLONG;
typedef int64_t LONG_PTR;
typedef uint64_t ULONG_PTR;
typedef uint64_t DWORD_PTR;
typedef uint64_t SIZE_T;
typedef int64_t SSIZE_T;
typedef char CHAR;
typedef CHAR *PCHAR;
typedef uint16_t WCHAR;
typedef void *PVOID;
typedef void *LPVOID;
typedef const void *LPCVOID;
typedef void *HANDLE;
typedef HANDLE *PHANDLE, *LPHANDLE;
typedef LONG NTSTATUS;
typedef LONG *PLONG;
typedef BOOL *PBOOL, *LPBOOL;
typedef DWORD *PDWORD, *LPDWORD;
typedef ULONG *PULONG;
typedef SIZE_T *PSIZE_T;
typedef ULONG_PTR *PULONG_PTR;
typedef uint8_t UCHAR;
typedef UCHAR *PUCHAR;
typedef uint16_t USHORT;
typedef USHORT *PUSHORT;
typedef ULONGLONG *PULONGLONG;
typedef ULONG_PTR KAFFINITY;
typedef DWORD_PTR *PDWORD_PTR;
typedef CHAR *LPSTR;
typedef const CHAR *LPCSTR;
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;
typedef const WCHAR *PCWSTR;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)

/* Allocation types (VirtualAlloc, VirtualFree). */
#define MEM_COMMIT			0x00001000
#define MEM_RESERVE			0x00002000
#define MEM_DECOMMIT			0x00004000
#define MEM_REPLACE_PLACEHOLDER		0x00004000
#define MEM_RELEASE			0x00008000
#define MEM_FREE			0x00010000
#define MEM_PRIVATE			0x00020000
#define MEM_MAPPED			0x00040000
#define MEM_RESERVE_PLACEHOLDER		0x00040000
#define MEM_RESET			0x00080000
#define MEM_TOP_DOWN			0x00100000
#define MEM_WRITE_WATCH			0x00200000
#define MEM_PHYSICAL			0x00400000
#define MEM_RESET_UNDO			0x01000000
#define MEM_IMAGE			0x01000000
#define MEM_LARGE_PAGES			0x20000000
#define MEM_COALESCE_PLACEHOLDERS	0x00000001
#define MEM_PRESERVE_PLACEHOLDER	0x00000002
#define WRITE_WATCH_FLAG_RESET		0x01

/* Page protections. */
#define PAGE_NOACCESS			0x01
#define PAGE_READONLY			0x02
#define PAGE_READWRITE			0x04
#define PAGE_WRITECOPY			0x08
#define PAGE_EXECUTE			0x10
#define PAGE_EXECUTE_READ		0x20
#define PAGE_EXECUTE_READWRITE		0x40
#define PAGE_EXECUTE_WRITECOPY		0x80
#define PAGE_GUARD			0x100
#define PAGE_NOCACHE			0x200
#define PAGE_WRITECOMBINE		0x400

/* Section attributes (CreateFileMapping). */
#define SEC_FILE			0x00800000
#define SEC_IMAGE			0x01000000
#define SEC_RESERVE			0x04000000
#define SEC_COMMIT			0x08000000
#define SEC_NOCACHE			0x10000000
#define SEC_WRITECOMBINE		0x40000000
#define SEC_LARGE_PAGES			0x80000000

/* View access (MapViewOfFile). */
#define FILE_MAP_COPY			0x00000001
#define FILE_MAP_WRITE			0x00000002
#define FILE_MAP_READ			0x00000004
#define FILE_MAP_EXECUTE		0x00000020
#define FILE_MAP_ALL_ACCESS		0x000F001F
#define FILE_MAP_LARGE_PAGES		0x20000000

/* Working-set quota flags (SetProcessWorkingSetSizeEx). */
#define QUOTA_LIMITS_HARDWS_MIN_ENABLE	0x00000001
#define QUOTA_LIMITS_HARDWS_MIN_DISABLE	0x00000002
#define QUOTA_LIMITS_HARDWS_MAX_ENABLE	0x00000004
#define QUOTA_LIMITS_HARDWS_MAX_DISABLE	0x00000008

/* Exception codes (winnt.h). */
#define STATUS_GUARD_PAGE_VIOLATION	((DWORD)0x80000001L)
#define STATUS_ACCESS_VIOLATION		((DWORD)0xC0000005L)
#define STATUS_COMMITMENT_LIMIT		((DWORD)0xC000012DL)
#define STATUS_NO_MEMORY		((DWORD)0xC0000017L)
#define STATUS_NONCONTINUABLE_EXCEPTION	((DWORD)0xC0000025L)
#define STATUS_HEAP_CORRUPTION		((DWORD)0xC0000374L)

/* Win32 error codes (winerror.h) that libntmm returns. */
#define ERROR_SUCCESS			0L
#define NO_ERROR			0L
#define ERROR_INVALID_FUNCTION		1L
#define ERROR_FILE_NOT_FOUND		2L
#define ERROR_PATH_NOT_FOUND		3L
#define ERROR_TOO_MANY_OPEN_FILES	4L
#define ERROR_ACCESS_DENIED		5L
#define ERROR_INVALID_HANDLE		6L
#define ERROR_NOT_ENOUGH_MEMORY		8L
#define ERROR_OUTOFMEMORY		14L
#define ERROR_NOT_SAME_DEVICE		17L
#define ERROR_WRITE_PROTECT		19L
#define ERROR_BAD_LENGTH		24L
#define ERROR_GEN_FAILURE		31L
#define ERROR_SHARING_VIOLATION		32L
#define ERROR_HANDLE_EOF		38L
#define ERROR_NOT_SUPPORTED		50L
#define ERROR_FILE_EXISTS		80L
#define ERROR_INVALID_PARAMETER		87L
#define ERROR_BROKEN_PIPE		109L
#define ERROR_DISK_FULL			112L
#define ERROR_CALL_NOT_IMPLEMENTED	120L
#define ERROR_INSUFFICIENT_BUFFER	122L
#define ERROR_INVALID_NAME		123L
#define ERROR_NEGATIVE_SEEK		131L
#define ERROR_SEEK_ON_DEVICE		132L
#define ERROR_DIR_NOT_EMPTY		145L
#define ERROR_DISCARDED			157L
#define ERROR_NOT_LOCKED		158L
#define ERROR_BUSY			170L
#define ERROR_ALREADY_EXISTS		183L
#define ERROR_BAD_EXE_FORMAT		193L
#define ERROR_FILENAME_EXCED_RANGE	206L
#define ERROR_FILE_TOO_LARGE		223L
#define ERROR_NO_MORE_ITEMS		259L
#define ERROR_PARTIAL_COPY		299L
#define ERROR_MR_MID_NOT_FOUND		317L
#define ERROR_INVALID_ADDRESS		487L
#define ERROR_ARITHMETIC_OVERFLOW	534L
#define ERROR_NOACCESS			998L
#define ERROR_FILE_INVALID		1006L
#define ERROR_IO_DEVICE			1117L
#define ERROR_MAPPED_ALIGNMENT		1132L
#define ERROR_TOO_MANY_LINKS		1142L
#define ERROR_DISK_QUOTA_EXCEEDED	1295L
#define ERROR_PRIVILEGE_NOT_HELD	1314L
#define ERROR_NO_SYSTEM_RESOURCES	1450L
#define ERROR_WORKING_SET_QUOTA		1453L
#define ERROR_COMMITMENT_LIMIT		1455L
#define ERROR_CANT_RESOLVE_FILENAME	1921L
#define ERROR_DEVICE_NOT_AVAILABLE	4319L

/* Processor architecture and type (GetSystemInfo). */
#define PROCESSOR_ARCHITECTURE_INTEL	0
#define PROCESSOR_ARCHITECTURE_ARM	5
#define PROCESSOR_ARCHITECTURE_AMD64	9
#define PROCESSOR_ARCHITECTURE_ARM64	12
#define PROCESSOR_ARCHITECTURE_UNKNOWN	0xFFFF
#define PROCESSOR_AMD_X8664		8664
#define PROCESSOR_ARM			0

typedef struct _SYSTEM_INFO {
	union {
		DWORD dwOemId;
		struct {
			WORD wProcessorArchitecture;
			WORD wReserved;
		};
	};
	DWORD dwPageSize;
	LPVOID lpMinimumApplicationAddress;
	LPVOID lpMaximumApplicationAddress;
	DWORD_PTR dwActiveProcessorMask;
	DWORD dwNumberOfProcessors;
	DWORD dwProcessorType;
	DWORD dwAllocationGranularity;
	WORD wProcessorLevel;
	WORD wProcessorRevision;
} SYSTEM_INFO, *LPSYSTEM_INFO;

typedef struct _MEMORY_BASIC_INFORMATION {
	PVOID BaseAddress;
	PVOID AllocationBase;
	DWORD AllocationProtect;
	WORD PartitionId;
	SIZE_T RegionSize;
	DWORD State;
	DWORD Protect;
	DWORD Type;
} MEMORY_BASIC_INFORMATION, *PMEMORY_BASIC_INFORMATION;

typedef struct _MEMORYSTATUSEX {
	DWORD dwLength;
	DWORD dwMemoryLoad;
	DWORDLONG ullTotalPhys;
	DWORDLONG ullAvailPhys;
	DWORDLONG ullTotalPageFile;
	DWORDLONG ullAvailPageFile;
	DWORDLONG ullTotalVirtual;
	DWORDLONG ullAvailVirtual;
	DWORDLONG ullAvailExtendedVirtual;
} MEMORYSTATUSEX, *LPMEMORYSTATUSEX;

/* winnt.h: 64-bit integers in two halves, low part first. */
typedef union _LARGE_INTEGER {
	struct {
		DWORD LowPart;
		LONG HighPart;
	};
	struct {
		DWORD LowPart;
		LONG HighPart;
	} u;
	LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
	struct {
		DWORD LowPart;
		DWORD HighPart;
	};
	struct {
		DWORD LowPart;
		DWORD HighPart;
	} u;
	ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

/* winnt.h: exceptions, x64 layout. */
#define EXCEPTION_MAXIMUM_PARAMETERS	15
#define EXCEPTION_CONTINUE_EXECUTION	(-1)
#define EXCEPTION_CONTINUE_SEARCH	0
#define EXCEPTION_EXECUTE_HANDLER	1
#define EXCEPTION_NONCONTINUABLE	0x1
#define EXCEPTION_ACCESS_VIOLATION	STATUS_ACCESS_VIOLATION
#define EXCEPTION_GUARD_PAGE		STATUS_GUARD_PAGE_VIOLATION
#define CONTEXT_AMD64			0x00100000L
#define CONTEXT_CONTROL			(CONTEXT_AMD64 | 0x1L)
#define CONTEXT_INTEGER			(CONTEXT_AMD64 | 0x2L)
#define CONTEXT_SEGMENTS		(CONTEXT_AMD64 | 0x4L)
#define CONTEXT_FLOATING_POINT		(CONTEXT_AMD64 | 0x8L)

typedef struct __attribute__((aligned(16))) _M128A {
	ULONGLONG Low;
	LONGLONG High;
} M128A, *PM128A;

typedef struct __attribute__((aligned(16))) _XMM_SAVE_AREA32 {
	WORD ControlWord;
	WORD StatusWord;
	BYTE TagWord;
	BYTE Reserved1;
	WORD ErrorOpcode;
	DWORD ErrorOffset;
	WORD ErrorSelector;
	WORD Reserved2;
	DWORD DataOffset;
	WORD DataSelector;
	WORD Reserved3;
	DWORD MxCsr;
	DWORD MxCsr_Mask;
	M128A FloatRegisters[8];
	M128A XmmRegisters[16];
	BYTE Reserved4[96];
} XMM_SAVE_AREA32;

typedef struct __attribute__((aligned(16))) _CONTEXT {
	DWORD64 P1Home, P2Home, P3Home, P4Home, P5Home, P6Home;
	DWORD ContextFlags;
	DWORD MxCsr;
	WORD SegCs, SegDs, SegEs, SegFs, SegGs, SegSs;
	DWORD EFlags;
	DWORD64 Dr0, Dr1, Dr2, Dr3, Dr6, Dr7;
	DWORD64 Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi;
	DWORD64 R8, R9, R10, R11, R12, R13, R14, R15;
	DWORD64 Rip;
	XMM_SAVE_AREA32 FltSave;
	M128A VectorRegister[26];
	DWORD64 VectorControl;
	DWORD64 DebugControl;
	DWORD64 LastBranchToRip;
	DWORD64 LastBranchFromRip;
	DWORD64 LastExceptionToRip;
	DWORD64 LastExceptionFromRip;
} CONTEXT, *PCONTEXT;

typedef struct _EXCEPTION_RECORD {
	DWORD ExceptionCode;
	DWORD ExceptionFlags;
	struct _EXCEPTION_RECORD *ExceptionRecord;
	PVOID ExceptionAddress;
	DWORD NumberParameters;
	ULONG_PTR ExceptionInformation[EXCEPTION_MAXIMUM_PARAMETERS];
} EXCEPTION_RECORD, *PEXCEPTION_RECORD;

typedef struct _EXCEPTION_POINTERS {
	PEXCEPTION_RECORD ExceptionRecord;
	PCONTEXT ContextRecord;
} EXCEPTION_POINTERS, *PEXCEPTION_POINTERS;

typedef LONG (NTAPI *PVECTORED_EXCEPTION_HANDLER)(struct _EXCEPTION_POINTERS *ExceptionInfo);

/* winnt.h: processors, NUMA, extended allocation parameters. */
#define NUMA_NO_PREFERRED_NODE		((DWORD)-1)

typedef struct _PROCESSOR_NUMBER {
	WORD Group;
	BYTE Number;
	BYTE Reserved;
} PROCESSOR_NUMBER, *PPROCESSOR_NUMBER;

typedef struct _GROUP_AFFINITY {
	KAFFINITY Mask;
	WORD Group;
	WORD Reserved[3];
} GROUP_AFFINITY, *PGROUP_AFFINITY;

typedef enum MEM_EXTENDED_PARAMETER_TYPE {
	MemExtendedParameterInvalidType = 0,
	MemExtendedParameterAddressRequirements,
	MemExtendedParameterNumaNode,
	MemExtendedParameterPartitionHandle,
	MemExtendedParameterUserPhysicalHandle,
	MemExtendedParameterAttributeFlags,
	MemExtendedParameterImageMachine,
	MemExtendedParameterMax
} MEM_EXTENDED_PARAMETER_TYPE, *PMEM_EXTENDED_PARAMETER_TYPE;

#define MEM_EXTENDED_PARAMETER_TYPE_BITS	8

typedef struct __attribute__((aligned(8))) MEM_EXTENDED_PARAMETER {
	struct {
		DWORD64 Type : MEM_EXTENDED_PARAMETER_TYPE_BITS;
		DWORD64 Reserved : 64 - MEM_EXTENDED_PARAMETER_TYPE_BITS;
	};
	union {
		DWORD64 ULong64;
		PVOID Pointer;
		SIZE_T Size;
		HANDLE Handle;
		DWORD ULong;
	};
} MEM_EXTENDED_PARAMETER, *PMEM_EXTENDED_PARAMETER;

typedef struct _MEM_ADDRESS_REQUIREMENTS {
	PVOID LowestStartingAddress;
	PVOID HighestEndingAddress;
	SIZE_T Alignment;
} MEM_ADDRESS_REQUIREMENTS, *PMEM_ADDRESS_REQUIREMENTS;

/* errhandlingapi.h */
PVOID WINAPI AddVectoredExceptionHandler(ULONG First, PVECTORED_EXCEPTION_HANDLER Handler);
ULONG WINAPI RemoveVectoredExceptionHandler(PVOID Handle);
void WINAPI RaiseException(DWORD dwExceptionCode, DWORD dwExceptionFlags,
			   DWORD nNumberOfArguments, const ULONG_PTR *lpArguments);

DWORD WINAPI GetLastError(void);
void WINAPI SetLastError(DWORD dwErrCode);

/* sysinfoapi.h */
void WINAPI GetSystemInfo(LPSYSTEM_INFO lpSystemInfo);
void WINAPI GetNativeSystemInfo(LPSYSTEM_INFO lpSystemInfo);

/* processthreadsapi.h */
HANDLE WINAPI GetCurrentProcess(void);
DWORD WINAPI GetCurrentProcessId(void);
HANDLE WINAPI OpenProcess(DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwProcessId);
DWORD WINAPI GetProcessId(HANDLE Process);
DWORD WINAPI GetCurrentProcessorNumber(void);
void WINAPI GetCurrentProcessorNumberEx(PPROCESSOR_NUMBER ProcNumber);

/* systemtopologyapi.h and winbase.h: NUMA topology. */
BOOL WINAPI GetNumaHighestNodeNumber(PULONG HighestNodeNumber);
BOOL WINAPI GetNumaNodeProcessorMask(UCHAR Node, PULONGLONG ProcessorMask);
BOOL WINAPI GetNumaNodeProcessorMaskEx(USHORT Node, PGROUP_AFFINITY ProcessorMask);
BOOL WINAPI GetNumaAvailableMemoryNode(UCHAR Node, PULONGLONG AvailableBytes);
BOOL WINAPI GetNumaAvailableMemoryNodeEx(USHORT Node, PULONGLONG AvailableBytes);
BOOL WINAPI GetNumaProcessorNode(UCHAR Processor, PUCHAR NodeNumber);
BOOL WINAPI GetNumaProcessorNodeEx(PPROCESSOR_NUMBER Processor, PUSHORT NodeNumber);

/*
 * winnt.h: access rights. Generic rights, and the file rights they stand for.
 * Linux files carry read and write only: see CreateFile in README.md.
 */
#define GENERIC_READ			0x80000000
#define GENERIC_WRITE			0x40000000
#define GENERIC_EXECUTE			0x20000000
#define GENERIC_ALL			0x10000000
#define DELETE				0x00010000
#define READ_CONTROL			0x00020000
#define WRITE_DAC			0x00040000
#define WRITE_OWNER			0x00080000
#define SYNCHRONIZE			0x00100000
#define STANDARD_RIGHTS_REQUIRED	0x000F0000
#define STANDARD_RIGHTS_READ		READ_CONTROL
#define STANDARD_RIGHTS_WRITE		READ_CONTROL
#define STANDARD_RIGHTS_EXECUTE		READ_CONTROL
#define STANDARD_RIGHTS_ALL		0x001F0000
/* Process rights (OpenProcess). */
#define PROCESS_TERMINATE		0x0001
#define PROCESS_CREATE_THREAD		0x0002
#define PROCESS_SET_SESSIONID		0x0004
#define PROCESS_VM_OPERATION		0x0008
#define PROCESS_VM_READ			0x0010
#define PROCESS_VM_WRITE		0x0020
#define PROCESS_DUP_HANDLE		0x0040
#define PROCESS_CREATE_PROCESS		0x0080
#define PROCESS_SET_QUOTA		0x0100
#define PROCESS_SET_INFORMATION		0x0200
#define PROCESS_QUERY_INFORMATION	0x0400
#define PROCESS_SUSPEND_RESUME		0x0800
#define PROCESS_QUERY_LIMITED_INFORMATION 0x1000
#define PROCESS_SET_LIMITED_INFORMATION	0x2000
#define PROCESS_ALL_ACCESS		(STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF)
#define MAXIMUM_ALLOWED			0x02000000
#define FILE_READ_DATA			0x0001
#define FILE_WRITE_DATA			0x0002
#define FILE_APPEND_DATA		0x0004
#define FILE_READ_EA			0x0008
#define FILE_WRITE_EA			0x0010
#define FILE_EXECUTE			0x0020
#define FILE_READ_ATTRIBUTES		0x0080
#define FILE_WRITE_ATTRIBUTES		0x0100
#define FILE_ALL_ACCESS			(STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1FF)
#define FILE_GENERIC_READ		(STANDARD_RIGHTS_READ | FILE_READ_DATA | \
					 FILE_READ_ATTRIBUTES | FILE_READ_EA | SYNCHRONIZE)
#define FILE_GENERIC_WRITE		(STANDARD_RIGHTS_WRITE | FILE_WRITE_DATA | \
					 FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA | \
					 FILE_APPEND_DATA | SYNCHRONIZE)
#define FILE_GENERIC_EXECUTE		(STANDARD_RIGHTS_EXECUTE | FILE_READ_ATTRIBUTES | \
					 FILE_EXECUTE | SYNCHRONIZE)

/* winnt.h and fileapi.h: CreateFile's share modes, dispositions, attributes and flags. */
#define FILE_SHARE_READ			0x00000001
#define FILE_SHARE_WRITE		0x00000002
#define FILE_SHARE_DELETE		0x00000004

#define CREATE_NEW			1
#define CREATE_ALWAYS			2
#define OPEN_EXISTING			3
#define OPEN_ALWAYS			4
#define TRUNCATE_EXISTING		5

#define FILE_ATTRIBUTE_READONLY		0x00000001
#define FILE_ATTRIBUTE_HIDDEN		0x00000002
#define FILE_ATTRIBUTE_SYSTEM		0x00000004
#define FILE_ATTRIBUTE_DIRECTORY	0x00000010
#define FILE_ATTRIBUTE_ARCHIVE		0x00000020
#define FILE_ATTRIBUTE_DEVICE		0x00000040
#define FILE_ATTRIBUTE_NORMAL		0x00000080
#define FILE_ATTRIBUTE_TEMPORARY	0x00000100
#define FILE_ATTRIBUTE_SPARSE_FILE	0x00000200
#define FILE_ATTRIBUTE_REPARSE_POINT	0x00000400
#define FILE_ATTRIBUTE_COMPRESSED	0x00000800
#define FILE_ATTRIBUTE_OFFLINE		0x00001000
#define FILE_ATTRIBUTE_NOT_CONTENT_INDEXED 0x00002000
#define FILE_ATTRIBUTE_ENCRYPTED	0x00004000

#define FILE_FLAG_WRITE_THROUGH		0x80000000
#define FILE_FLAG_OVERLAPPED		0x40000000
#define FILE_FLAG_NO_BUFFERING		0x20000000
#define FILE_FLAG_RANDOM_ACCESS		0x10000000
#define FILE_FLAG_SEQUENTIAL_SCAN	0x08000000
#define FILE_FLAG_DELETE_ON_CLOSE	0x04000000
#define FILE_FLAG_BACKUP_SEMANTICS	0x02000000
#define FILE_FLAG_POSIX_SEMANTICS	0x01000000
#define FILE_FLAG_SESSION_AWARE		0x00800000
#define FILE_FLAG_OPEN_REPARSE_POINT	0x00200000
#define FILE_FLAG_OPEN_NO_RECALL	0x00100000
#define FILE_FLAG_FIRST_PIPE_INSTANCE	0x00080000

/* Move methods (SetFilePointer), file types (GetFileType), failure values. */
#define FILE_BEGIN			0
#define FILE_CURRENT			1
#define FILE_END			2
#define FILE_TYPE_UNKNOWN		0x0000
#define FILE_TYPE_DISK			0x0001
#define FILE_TYPE_CHAR			0x0002
#define FILE_TYPE_PIPE			0x0003
#define FILE_TYPE_REMOTE		0x8000
#define INVALID_FILE_SIZE		((DWORD)0xFFFFFFFF)
#define INVALID_SET_FILE_POINTER	((DWORD)-1)

/* handleapi.h and winnt.h: DuplicateHandle's options, a handle's flags. */
#define DUPLICATE_CLOSE_SOURCE		0x00000001
#define DUPLICATE_SAME_ACCESS		0x00000002
#define HANDLE_FLAG_INHERIT		0x00000001
#define HANDLE_FLAG_PROTECT_FROM_CLOSE	0x00000002

typedef struct _SECURITY_ATTRIBUTES {
	DWORD nLength;
	LPVOID lpSecurityDescriptor;
	BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

typedef struct _OVERLAPPED {
	ULONG_PTR Internal;
	ULONG_PTR InternalHigh;
	union {
		struct {
			DWORD Offset;
			DWORD OffsetHigh;
		};
		PVOID Pointer;
	};
	HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

/* fileapi.h: files are Linux files, handles their descriptors (libntmm.h). */
HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
			  LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
			  DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
			  LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
			  DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
		     LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped);
BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
		      LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped);
DWORD WINAPI GetFileSize(HANDLE hFile, LPDWORD lpFileSizeHigh);
BOOL WINAPI GetFileSizeEx(HANDLE hFile, PLARGE_INTEGER lpFileSize);
DWORD WINAPI SetFilePointer(HANDLE hFile, LONG lDistanceToMove, PLONG lpDistanceToMoveHigh,
			    DWORD dwMoveMethod);
BOOL WINAPI SetFilePointerEx(HANDLE hFile, LARGE_INTEGER liDistanceToMove,
			     PLARGE_INTEGER lpNewFilePointer, DWORD dwMoveMethod);
BOOL WINAPI SetEndOfFile(HANDLE hFile);
BOOL WINAPI FlushFileBuffers(HANDLE hFile);
DWORD WINAPI GetFileType(HANDLE hFile);
BOOL WINAPI DeleteFileA(LPCSTR lpFileName);
BOOL WINAPI DeleteFileW(LPCWSTR lpFileName);

#ifdef UNICODE
#define CreateFile			CreateFileW
#define DeleteFile			DeleteFileW
#else
#define CreateFile			CreateFileA
#define DeleteFile			DeleteFileA
#endif

/* handleapi.h */
BOOL WINAPI CloseHandle(HANDLE hObject);
BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
			    HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
			    DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwOptions);
BOOL WINAPI GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags);
BOOL WINAPI SetHandleInformation(HANDLE hObject, DWORD dwMask, DWORD dwFlags);

/* memoryapi.h: private memory of the calling process. */
LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType,
			   DWORD flProtect);
LPVOID WINAPI VirtualAllocEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
			     DWORD flAllocationType, DWORD flProtect);
BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType);
BOOL WINAPI VirtualFreeEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType);
BOOL WINAPI VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect,
			   PDWORD lpflOldProtect);
BOOL WINAPI VirtualProtectEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
			     DWORD flNewProtect, PDWORD lpflOldProtect);
SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer,
			   SIZE_T dwLength);
SIZE_T WINAPI VirtualQueryEx(HANDLE hProcess, LPCVOID lpAddress,
			     PMEMORY_BASIC_INFORMATION lpBuffer, SIZE_T dwLength);
BOOL WINAPI VirtualLock(LPVOID lpAddress, SIZE_T dwSize);
BOOL WINAPI VirtualUnlock(LPVOID lpAddress, SIZE_T dwSize);
UINT WINAPI GetWriteWatch(DWORD dwFlags, PVOID lpBaseAddress, SIZE_T dwRegionSize,
			  PVOID *lpAddresses, ULONG_PTR *lpdwCount, LPDWORD lpdwGranularity);
UINT WINAPI ResetWriteWatch(LPVOID lpBaseAddress, SIZE_T dwRegionSize);
LPVOID WINAPI VirtualAllocExNuma(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
				 DWORD flAllocationType, DWORD flProtect, DWORD nndPreferred);
PVOID WINAPI VirtualAlloc2(HANDLE Process, PVOID BaseAddress, SIZE_T Size,
			   ULONG AllocationType, ULONG PageProtection,
			   MEM_EXTENDED_PARAMETER *ExtendedParameters, ULONG ParameterCount);
SIZE_T WINAPI GetLargePageMinimum(void);
BOOL WINAPI ReadProcessMemory(HANDLE hProcess, LPCVOID lpBaseAddress, LPVOID lpBuffer,
			      SIZE_T nSize, SIZE_T *lpNumberOfBytesRead);
BOOL WINAPI WriteProcessMemory(HANDLE hProcess, LPVOID lpBaseAddress, LPCVOID lpBuffer,
			       SIZE_T nSize, SIZE_T *lpNumberOfBytesWritten);

/* winnt.h and heapapi.h: heaps. */
#define HEAP_NO_SERIALIZE		0x00000001
#define HEAP_GROWABLE			0x00000002
#define HEAP_GENERATE_EXCEPTIONS	0x00000004
#define HEAP_ZERO_MEMORY		0x00000008
#define HEAP_REALLOC_IN_PLACE_ONLY	0x00000010
#define HEAP_CREATE_ENABLE_EXECUTE	0x00040000
/* libntmm's own: this heap is a page heap (as NTMM_PAGEHEAP=1 makes every heap). */
#define NTMM_HEAP_CREATE_PAGE_HEAP	0x01000000

#define PROCESS_HEAP_REGION		0x0001
#define PROCESS_HEAP_UNCOMMITTED_RANGE	0x0002
#define PROCESS_HEAP_ENTRY_BUSY		0x0004
#define PROCESS_HEAP_SEG_ALLOC		0x0008
#define PROCESS_HEAP_ENTRY_MOVEABLE	0x0010
#define PROCESS_HEAP_ENTRY_DDESHARE	0x0020

typedef struct _PROCESS_HEAP_ENTRY {
	PVOID lpData;
	DWORD cbData;
	BYTE cbOverhead;
	BYTE iRegionIndex;
	WORD wFlags;
	union {
		struct {
			HANDLE hMem;
			DWORD dwReserved[3];
		} Block;
		struct {
			DWORD dwCommittedSize;
			DWORD dwUnCommittedSize;
			LPVOID lpFirstBlock;
			LPVOID lpLastBlock;
		} Region;
	};
} PROCESS_HEAP_ENTRY, *LPPROCESS_HEAP_ENTRY, *PPROCESS_HEAP_ENTRY;

typedef enum _HEAP_INFORMATION_CLASS {
	HeapCompatibilityInformation = 0,
	HeapEnableTerminationOnCorruption = 1,
	HeapOptimizeResources = 3,
} HEAP_INFORMATION_CLASS;

#define HEAP_OPTIMIZE_RESOURCES_CURRENT_VERSION	1

typedef struct _HEAP_OPTIMIZE_RESOURCES_INFORMATION {
	DWORD Version;
	DWORD Flags;
} HEAP_OPTIMIZE_RESOURCES_INFORMATION, *PHEAP_OPTIMIZE_RESOURCES_INFORMATION;

typedef struct _HEAP_SUMMARY {
	DWORD cb;
	SIZE_T cbAllocated;
	SIZE_T cbCommitted;
	SIZE_T cbReserved;
	SIZE_T cbMaxReserve;
} HEAP_SUMMARY, *PHEAP_SUMMARY, *LPHEAP_SUMMARY;

HANDLE WINAPI GetProcessHeap(void);
DWORD WINAPI GetProcessHeaps(DWORD NumberOfHeaps, PHANDLE ProcessHeaps);
HANDLE WINAPI HeapCreate(DWORD flOptions, SIZE_T dwInitialSize, SIZE_T dwMaximumSize);
BOOL WINAPI HeapDestroy(HANDLE hHeap);
LPVOID WINAPI HeapAlloc(HANDLE hHeap, DWORD dwFlags, SIZE_T dwBytes);
LPVOID WINAPI HeapReAlloc(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem, SIZE_T dwBytes);
BOOL WINAPI HeapFree(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem);
SIZE_T WINAPI HeapSize(HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem);
BOOL WINAPI HeapValidate(HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem);
SIZE_T WINAPI HeapCompact(HANDLE hHeap, DWORD dwFlags);
BOOL WINAPI HeapLock(HANDLE hHeap);
BOOL WINAPI HeapUnlock(HANDLE hHeap);
BOOL WINAPI HeapWalk(HANDLE hHeap, LPPROCESS_HEAP_ENTRY lpEntry);
BOOL WINAPI HeapSummary(HANDLE hHeap, DWORD dwFlags, LPHEAP_SUMMARY lpSummary);
BOOL WINAPI HeapSetInformation(HANDLE HeapHandle, HEAP_INFORMATION_CLASS HeapInformationClass,
			       PVOID HeapInformation, SIZE_T HeapInformationLength);
BOOL WINAPI HeapQueryInformation(HANDLE HeapHandle, HEAP_INFORMATION_CLASS HeapInformationClass,
				 PVOID HeapInformation, SIZE_T HeapInformationLength,
				 PSIZE_T ReturnLength);

/* winbase.h: the local and global heaps, both the process heap. */
typedef HANDLE HGLOBAL;
typedef HANDLE HLOCAL;

#define GMEM_FIXED			0x0000
#define GMEM_MOVEABLE			0x0002
#define GMEM_NOCOMPACT			0x0010
#define GMEM_NODISCARD			0x0020
#define GMEM_ZEROINIT			0x0040
#define GMEM_MODIFY			0x0080
#define GMEM_DISCARDABLE		0x0100
#define GMEM_NOT_BANKED			0x1000
#define GMEM_SHARE			0x2000
#define GMEM_DDESHARE			0x2000
#define GMEM_NOTIFY			0x4000
#define GMEM_LOWER			GMEM_NOT_BANKED
#define GMEM_VALID_FLAGS		0x7F72
#define GMEM_INVALID_HANDLE		0x8000
#define GMEM_DISCARDED			0x4000
#define GMEM_LOCKCOUNT			0x00FF
#define GHND				(GMEM_MOVEABLE | GMEM_ZEROINIT)
#define GPTR				(GMEM_FIXED | GMEM_ZEROINIT)

#define LMEM_FIXED			0x0000
#define LMEM_MOVEABLE			0x0002
#define LMEM_NOCOMPACT			0x0010
#define LMEM_NODISCARD			0x0020
#define LMEM_ZEROINIT			0x0040
#define LMEM_MODIFY			0x0080
#define LMEM_DISCARDABLE		0x0F00
#define LMEM_VALID_FLAGS		0x0F72
#define LMEM_INVALID_HANDLE		0x8000
#define LMEM_DISCARDED			0x4000
#define LMEM_LOCKCOUNT			0x00FF
#define LHND				(LMEM_MOVEABLE | LMEM_ZEROINIT)
#define LPTR				(LMEM_FIXED | LMEM_ZEROINIT)
#define NONZEROLHND			LMEM_MOVEABLE
#define NONZEROLPTR			LMEM_FIXED

HGLOBAL WINAPI GlobalAlloc(UINT uFlags, SIZE_T dwBytes);
HGLOBAL WINAPI GlobalReAlloc(HGLOBAL hMem, SIZE_T dwBytes, UINT uFlags);
HGLOBAL WINAPI GlobalFree(HGLOBAL hMem);
LPVOID WINAPI GlobalLock(HGLOBAL hMem);
BOOL WINAPI GlobalUnlock(HGLOBAL hMem);
SIZE_T WINAPI GlobalSize(HGLOBAL hMem);
UINT WINAPI GlobalFlags(HGLOBAL hMem);
HGLOBAL WINAPI GlobalHandle(LPCVOID pMem);
HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes);
HLOCAL WINAPI LocalReAlloc(HLOCAL hMem, SIZE_T uBytes, UINT uFlags);
HLOCAL WINAPI LocalFree(HLOCAL hMem);
LPVOID WINAPI LocalLock(HLOCAL hMem);
BOOL WINAPI LocalUnlock(HLOCAL hMem);
SIZE_T WINAPI LocalSize(HLOCAL hMem);
UINT WINAPI LocalFlags(HLOCAL hMem);
HLOCAL WINAPI LocalHandle(LPCVOID pMem);

/* sysinfoapi.h */
BOOL WINAPI GlobalMemoryStatusEx(LPMEMORYSTATUSEX lpBuffer);

/* winternl.h: the one NTSTATUS to Win32 error table. */
ULONG NTAPI RtlNtStatusToDosError(NTSTATUS Status);

/* winternl.h: NtQuerySystemInformation, for the kernel pools' tag counters. */
#define STATUS_SUCCESS			((NTSTATUS)0x00000000L)
#define STATUS_INVALID_INFO_CLASS	((NTSTATUS)0xC0000003L)
#define STATUS_INFO_LENGTH_MISMATCH	((NTSTATUS)0xC0000004L)

typedef enum _SYSTEM_INFORMATION_CLASS {
	SystemPoolTagInformation = 22,
} SYSTEM_INFORMATION_CLASS;

typedef struct _SYSTEM_POOLTAG {
	union {
		UCHAR Tag[4];
		ULONG TagUlong;
	};
	ULONG PagedAllocs;
	ULONG PagedFrees;
	SIZE_T PagedUsed;
	ULONG NonPagedAllocs;
	ULONG NonPagedFrees;
	SIZE_T NonPagedUsed;
} SYSTEM_POOLTAG, *PSYSTEM_POOLTAG;

typedef struct _SYSTEM_POOLTAG_INFORMATION {
	ULONG Count;
	SYSTEM_POOLTAG TagInfo[1];
} SYSTEM_POOLTAG_INFORMATION, *PSYSTEM_POOLTAG_INFORMATION;

NTSTATUS NTAPI NtQuerySystemInformation(SYSTEM_INFORMATION_CLASS SystemInformationClass,
					PVOID SystemInformation, ULONG SystemInformationLength,
					PULONG ReturnLength);

/* winnt.h and memoryapi.h: sections and views (file mappings). */
#ifdef UNICODE
#define CreateFileMapping		CreateFileMappingW
#define OpenFileMapping			OpenFileMappingW
#else
#define CreateFileMapping		CreateFileMappingA
#define OpenFileMapping			OpenFileMappingA
#endif

#define SECTION_QUERY			0x0001
#define SECTION_MAP_WRITE		0x0002
#define SECTION_MAP_READ		0x0004
#define SECTION_MAP_EXECUTE		0x0008
#define SECTION_EXTEND_SIZE		0x0010
#define SECTION_MAP_EXECUTE_EXPLICIT	0x0020
#define SECTION_ALL_ACCESS		0x000F001F

#define MEM_UNMAP_WITH_TRANSIENT_BOOST	0x00000001

HANDLE WINAPI CreateFileMappingA(HANDLE hFile, LPSECURITY_ATTRIBUTES lpFileMappingAttributes,
				 DWORD flProtect, DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
				 LPCSTR lpName);
HANDLE WINAPI CreateFileMappingW(HANDLE hFile, LPSECURITY_ATTRIBUTES lpFileMappingAttributes,
				 DWORD flProtect, DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
				 LPCWSTR lpName);
HANDLE WINAPI CreateFileMapping2(HANDLE File, SECURITY_ATTRIBUTES *SecurityAttributes,
				 ULONG DesiredAccess, ULONG PageProtection,
				 ULONG AllocationAttributes, ULONG64 MaximumSize, PCWSTR Name,
				 MEM_EXTENDED_PARAMETER *ExtendedParameters, ULONG ParameterCount);
HANDLE WINAPI OpenFileMappingA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName);
HANDLE WINAPI OpenFileMappingW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);
LPVOID WINAPI MapViewOfFile(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
			    DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
			    SIZE_T dwNumberOfBytesToMap);
LPVOID WINAPI MapViewOfFileEx(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
			      DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
			      SIZE_T dwNumberOfBytesToMap, LPVOID lpBaseAddress);
PVOID WINAPI MapViewOfFile3(HANDLE FileMapping, HANDLE Process, PVOID BaseAddress,
			    ULONG64 Offset, SIZE_T ViewSize, ULONG AllocationType,
			    ULONG PageProtection, MEM_EXTENDED_PARAMETER *ExtendedParameters,
			    ULONG ParameterCount);
PVOID WINAPI MapViewOfFileNuma2(HANDLE FileMappingHandle, HANDLE ProcessHandle, ULONG64 Offset,
				PVOID BaseAddress, SIZE_T ViewSize, ULONG AllocationType,
				ULONG PageProtection, ULONG PreferredNode);
/* An inline function of memoryapi.h, as in Windows' SDK. */
static inline PVOID MapViewOfFile2(HANDLE FileMappingHandle, HANDLE ProcessHandle,
				   ULONG64 Offset, PVOID BaseAddress, SIZE_T ViewSize,
				   ULONG AllocationType, ULONG PageProtection)
{
	return MapViewOfFileNuma2(FileMappingHandle, ProcessHandle, Offset, BaseAddress,
				  ViewSize, AllocationType, PageProtection,
				  NUMA_NO_PREFERRED_NODE);
}
BOOL WINAPI UnmapViewOfFile(LPCVOID lpBaseAddress);
BOOL WINAPI UnmapViewOfFileEx(PVOID BaseAddress, ULONG UnmapFlags);
BOOL WINAPI UnmapViewOfFile2(HANDLE Process, PVOID BaseAddress, ULONG UnmapFlags);
BOOL WINAPI FlushViewOfFile(LPCVOID lpBaseAddress, SIZE_T dwNumberOfBytesToFlush);

#ifdef __cplusplus
}
#endif

#endif /* NTMM_WINDOWS_H */
