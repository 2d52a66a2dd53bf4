/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ntmm: the Windows memory manager as a Linux device, /dev/ntmm.
 *
 * Conventions of this ABI:
 * - Every ioctl argument is a struct that begins with its own size (__u32 size)
 *   followed by an NTSTATUS (__u32 status). The caller sets size to the size of
 *   the struct it was built with; the kernel reads it with copy_struct_from_user,
 *   so old binaries keep working when a struct grows at its end, and new binaries
 *   get -EINVAL from an old kernel only if they set a field the kernel lacks.
 * - Fields are __u32/__u64 only, with explicit padding; padding and reserved
 *   fields must be zero.
 * - The ioctl return value is 0 when the call reached the memory manager, and
 *   the Windows-visible outcome is in status (NTMM_STATUS_*, NT's values).
 *   A negative errno means the transport failed: -ENOTTY unknown command,
 *   -EINVAL malformed struct, -EFAULT bad pointer, -EACCES the descriptor
 *   belongs to another address space (inherited across fork or exec).
 * - Commands are matched on type, number and direction; the size bits of the
 *   command are not checked, since the struct carries its own size.
 */
#ifndef _UAPI_LINUX_NTMM_H
#define _UAPI_LINUX_NTMM_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define NTMM_DEVICE_PATH	"/dev/ntmm"

/* Incremented on incompatible changes only; growth is signalled by features. */
#define NTMM_ABI_VERSION	1

/* Feature bits reported by NTMM_IOC_VERSION. */
#define NTMM_FEATURE_SYSTEM_INFO	_BITULL(0)
#define NTMM_FEATURE_VIRTUAL_MEMORY	_BITULL(1)	/* alloc, free, protect, query, status */
#define NTMM_FEATURE_FAULT_REASON	_BITULL(2)
#define NTMM_FEATURE_LOCK		_BITULL(3)
#define NTMM_FEATURE_WRITE_WATCH	_BITULL(4)
#define NTMM_FEATURE_RESET		_BITULL(5)	/* MEM_RESET */
#define NTMM_FEATURE_RESET_UNDO	_BITULL(6)	/* MEM_RESET_UNDO */
#define NTMM_FEATURE_LARGE_PAGES	_BITULL(7)	/* MEM_LARGE_PAGES */
#define NTMM_FEATURE_NUMA		_BITULL(8)	/* preferred node, address requirements */
#define NTMM_FEATURE_WORKING_SET_EX	_BITULL(9)	/* QueryWorkingSetEx */
#define NTMM_FEATURE_POOL_TAGS		_BITULL(10)	/* kernel pools' per-tag counters */
#define NTMM_FEATURE_SECTIONS		_BITULL(11)	/* sections, views, names */
#define NTMM_FEATURE_PROCESSES		_BITULL(12)	/* process handles, remote calls */

/* Windows' constants that the kernel side applies. */
#define NTMM_PAGE_SIZE			4096U
#define NTMM_ALLOCATION_GRANULARITY	65536U
#define NTMM_LARGE_PAGE_SIZE		0x200000U	/* GetLargePageMinimum() */

/* Allocation types and states (winnt.h's MEM_*, NT's values). */
#define NTMM_MEM_COMMIT			0x00001000U
#define NTMM_MEM_RESERVE		0x00002000U
#define NTMM_MEM_DECOMMIT		0x00004000U
#define NTMM_MEM_RELEASE		0x00008000U
#define NTMM_MEM_FREE			0x00010000U
#define NTMM_MEM_PRIVATE		0x00020000U
#define NTMM_MEM_MAPPED			0x00040000U
#define NTMM_MEM_RESET			0x00080000U
#define NTMM_MEM_TOP_DOWN		0x00100000U
#define NTMM_MEM_WRITE_WATCH		0x00200000U
#define NTMM_MEM_PHYSICAL		0x00400000U
#define NTMM_MEM_RESET_UNDO		0x01000000U
#define NTMM_MEM_LARGE_PAGES		0x20000000U
/* Placeholders: NtAllocateVirtualMemoryEx, NtFreeVirtualMemory, NtMapViewOfSectionEx. */
#define NTMM_MEM_COALESCE_PLACEHOLDERS	0x00000001U	/* free type */
#define NTMM_MEM_PRESERVE_PLACEHOLDER	0x00000002U	/* free and unmap type */
#define NTMM_MEM_REPLACE_PLACEHOLDER	0x00004000U	/* allocation and map type */
#define NTMM_MEM_RESERVE_PLACEHOLDER	0x00040000U	/* allocation type */

/* Section attributes (winnt.h's SEC_*). */
#define NTMM_SEC_FILE			0x00800000U
#define NTMM_SEC_IMAGE			0x01000000U
#define NTMM_SEC_RESERVE		0x04000000U
#define NTMM_SEC_COMMIT			0x08000000U
#define NTMM_SEC_NOCACHE		0x10000000U
#define NTMM_SEC_WRITECOMBINE		0x40000000U
#define NTMM_SEC_LARGE_PAGES		0x80000000U

/* Section access rights (SECTION_*; FILE_MAP_* are made of them). */
#define NTMM_SECTION_QUERY		0x0001U
#define NTMM_SECTION_MAP_WRITE		0x0002U
#define NTMM_SECTION_MAP_READ		0x0004U
#define NTMM_SECTION_MAP_EXECUTE	0x0008U
#define NTMM_SECTION_EXTEND_SIZE	0x0010U
#define NTMM_SECTION_MAP_EXECUTE_EXPLICIT 0x0020U	/* FILE_MAP_EXECUTE */
#define NTMM_SECTION_ALL_ACCESS		0x000F001FU

/* Process access rights (winnt.h's PROCESS_*). */
#define NTMM_PROCESS_VM_OPERATION	0x0008U
#define NTMM_PROCESS_VM_READ		0x0010U
#define NTMM_PROCESS_VM_WRITE		0x0020U
#define NTMM_PROCESS_SET_QUOTA		0x0100U
#define NTMM_PROCESS_QUERY_INFORMATION	0x0400U
#define NTMM_PROCESS_QUERY_LIMITED_INFORMATION 0x1000U
#define NTMM_PROCESS_ALL_ACCESS		0x001FFFFFU

/* Page protections (winnt.h's PAGE_*). */
#define NTMM_PAGE_NOACCESS		0x001U
#define NTMM_PAGE_READONLY		0x002U
#define NTMM_PAGE_READWRITE		0x004U
#define NTMM_PAGE_WRITECOPY		0x008U
#define NTMM_PAGE_EXECUTE		0x010U
#define NTMM_PAGE_EXECUTE_READ		0x020U
#define NTMM_PAGE_EXECUTE_READWRITE	0x040U
#define NTMM_PAGE_EXECUTE_WRITECOPY	0x080U
#define NTMM_PAGE_GUARD			0x100U
#define NTMM_PAGE_NOCACHE		0x200U
#define NTMM_PAGE_WRITECOMBINE		0x400U

/* NTSTATUS values the module returns in the status field (NT's own numbers). */
#define NTMM_STATUS_SUCCESS			0x00000000U
#define NTMM_STATUS_OBJECT_NAME_EXISTS		0x40000000U	/* success: the name existed */
#define NTMM_STATUS_GUARD_PAGE_VIOLATION	0x80000001U
#define NTMM_STATUS_PARTIAL_COPY		0x8000000DU
#define NTMM_STATUS_UNSUCCESSFUL		0xC0000001U
#define NTMM_STATUS_NOT_IMPLEMENTED		0xC0000002U
#define NTMM_STATUS_INFO_LENGTH_MISMATCH	0xC0000004U
#define NTMM_STATUS_ACCESS_VIOLATION		0xC0000005U
#define NTMM_STATUS_INVALID_HANDLE		0xC0000008U
#define NTMM_STATUS_INVALID_PARAMETER		0xC000000DU
#define NTMM_STATUS_NO_MEMORY			0xC0000017U
#define NTMM_STATUS_CONFLICTING_ADDRESSES	0xC0000018U
#define NTMM_STATUS_NOT_MAPPED_VIEW		0xC0000019U
#define NTMM_STATUS_UNABLE_TO_FREE_VM		0xC000001AU
#define NTMM_STATUS_UNABLE_TO_DELETE_SECTION	0xC000001BU
#define NTMM_STATUS_INVALID_VIEW_SIZE		0xC000001FU
#define NTMM_STATUS_INVALID_FILE_FOR_SECTION	0xC0000020U
#define NTMM_STATUS_ACCESS_DENIED		0xC0000022U
#define NTMM_STATUS_NOT_LOCKED			0xC000002AU
#define NTMM_STATUS_NOT_COMMITTED		0xC000002DU
#define NTMM_STATUS_OBJECT_NAME_INVALID		0xC0000033U
#define NTMM_STATUS_OBJECT_NAME_NOT_FOUND	0xC0000034U
#define NTMM_STATUS_SECTION_TOO_BIG		0xC0000040U
#define NTMM_STATUS_INVALID_PAGE_PROTECTION	0xC0000045U
#define NTMM_STATUS_SECTION_PROTECTION		0xC000004EU
#define NTMM_STATUS_PRIVILEGE_NOT_HELD		0xC0000061U
#define NTMM_STATUS_INSUFFICIENT_RESOURCES	0xC000009AU
#define NTMM_STATUS_FREE_VM_NOT_AT_BASE		0xC000009FU
#define NTMM_STATUS_MEMORY_NOT_ALLOCATED	0xC00000A0U
#define NTMM_STATUS_PROCESS_IS_TERMINATING	0xC000010AU
#define NTMM_STATUS_MAPPED_FILE_SIZE_ZERO	0xC000011EU
#define NTMM_STATUS_COMMITMENT_LIMIT		0xC000012DU
#define NTMM_STATUS_MAPPED_ALIGNMENT		0xC0000220U

/**
 * struct ntmm_version - NTMM_IOC_VERSION: the handshake.
 * @size:	in: sizeof(struct ntmm_version) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @abi_version: out: NTMM_ABI_VERSION of the kernel module.
 * @__pad0:	must be zero.
 * @features:	out: NTMM_FEATURE_* bits the module implements.
 */
struct ntmm_version {
	__u32 size;
	__u32 status;
	__u32 abi_version;
	__u32 __pad0;
	__u64 features;
};

#define NTMM_VERSION_SIZE_VER0		24

/**
 * struct ntmm_system_info - NTMM_IOC_SYSTEM_INFO: what GetSystemInfo reports.
 * @size:		in: sizeof(struct ntmm_system_info) as the caller knows it.
 * @status:		out: NTSTATUS.
 * @page_size:		out: NTMM_PAGE_SIZE.
 * @allocation_granularity: out: NTMM_ALLOCATION_GRANULARITY.
 * @min_address:	out: lowest address the module hands out.
 * @max_address:	out: highest address (inclusive) the module hands out.
 * @active_processor_mask: out: online CPUs 0..63, one bit each.
 * @processor_count:	out: online CPUs.
 * @__pad0:		must be zero.
 */
struct ntmm_system_info {
	__u32 size;
	__u32 status;
	__u32 page_size;
	__u32 allocation_granularity;
	__u64 min_address;
	__u64 max_address;
	__u64 active_processor_mask;
	__u32 processor_count;
	__u32 __pad0;
};

#define NTMM_SYSTEM_INFO_SIZE_VER0	48

/* struct ntmm_alloc.flags */
#define NTMM_ALLOC_NODE		0x1	/* @node is the preferred NUMA node */

/**
 * struct ntmm_alloc - NTMM_IOC_ALLOCATE: NtAllocateVirtualMemory(Ex).
 * @size:	in: sizeof(struct ntmm_alloc) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @type:	in: MEM_COMMIT, MEM_RESERVE, MEM_TOP_DOWN, MEM_WRITE_WATCH, ...
 * @protect:	in: PAGE_* protection.
 * @address:	in: requested address, 0 to let the module choose;
 *		out: the base of the range (reserve: 64 KiB aligned).
 * @length:	in: bytes; out: bytes covered, whole pages.
 * @flags:	in: NTMM_ALLOC_* (VER1).
 * @node:	in: with NTMM_ALLOC_NODE, the node frames come from first
 *		(VirtualAllocExNuma, MemExtendedParameterNumaNode).
 * @lowest:	in: lowest start the module may choose, 0 for no bound
 *		(MEM_ADDRESS_REQUIREMENTS.LowestStartingAddress).
 * @highest:	in: highest last byte it may choose, 0 for no bound
 *		(HighestEndingAddress).
 * @alignment:	in: alignment of a chosen start, 0 for 64 KiB (Alignment).
 */
struct ntmm_alloc {
	__u32 size;
	__u32 status;
	__u32 type;
	__u32 protect;
	__u64 address;
	__u64 length;
	__u32 flags;
	__u32 node;
	__u64 lowest;
	__u64 highest;
	__u64 alignment;
};

#define NTMM_ALLOC_SIZE_VER0		32
#define NTMM_ALLOC_SIZE_VER1		64

/**
 * struct ntmm_free - NTMM_IOC_FREE: NtFreeVirtualMemory.
 * @size:	in: sizeof(struct ntmm_free) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @type:	in: MEM_DECOMMIT or MEM_RELEASE.
 * @__pad0:	must be zero.
 * @address:	in: an address in the range; out: its rounded start.
 * @length:	in: bytes (0 with MEM_RELEASE); out: bytes freed.
 */
struct ntmm_free {
	__u32 size;
	__u32 status;
	__u32 type;
	__u32 __pad0;
	__u64 address;
	__u64 length;
};

#define NTMM_FREE_SIZE_VER0		32

/**
 * struct ntmm_protect - NTMM_IOC_PROTECT: NtProtectVirtualMemory.
 * @size:	in: sizeof(struct ntmm_protect) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @protect:	in: the new PAGE_* protection.
 * @old_protect: out: the first page's previous protection.
 * @address:	in: an address in the range; out: its rounded start.
 * @length:	in: bytes; out: bytes covered, whole pages.
 */
struct ntmm_protect {
	__u32 size;
	__u32 status;
	__u32 protect;
	__u32 old_protect;
	__u64 address;
	__u64 length;
};

#define NTMM_PROTECT_SIZE_VER0		32

/**
 * struct ntmm_query - NTMM_IOC_QUERY: NtQueryVirtualMemory, basic information.
 * @size:	in: sizeof(struct ntmm_query) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @address:	in: the address asked about.
 * @base_address: out: @address rounded down to a page.
 * @allocation_base: out: the allocation's base, 0 for free memory.
 * @region_size: out: bytes from @base_address with the same state and protection.
 * @allocation_protect: out: the protection the allocation was made with.
 * @state:	out: MEM_COMMIT, MEM_RESERVE or MEM_FREE.
 * @protect:	out: the pages' protection (0 unless committed; NOACCESS when free).
 * @type:	out: MEM_PRIVATE or MEM_MAPPED, 0 when free.
 *
 * Memory that Linux mapped, not ntmm (the program, libc, stacks), shows as
 * committed with the protection of its mapping, so a program walking its
 * address space never mistakes it for free.
 */
struct ntmm_query {
	__u32 size;
	__u32 status;
	__u64 address;
	__u64 base_address;
	__u64 allocation_base;
	__u64 region_size;
	__u32 allocation_protect;
	__u32 state;
	__u32 protect;
	__u32 type;
};

#define NTMM_QUERY_SIZE_VER0		56

/**
 * struct ntmm_memory_status - NTMM_IOC_MEMORY_STATUS: commit and memory totals.
 * @size:	in: sizeof(struct ntmm_memory_status) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @commit_limit: out: bytes that may be committed system-wide.
 * @commit_total: out: bytes committed system-wide (all ntmm processes).
 * @process_commit: out: bytes this process has committed.
 * @total_phys:	out: bytes of RAM.
 * @avail_phys:	out: bytes of RAM available without swapping.
 */
struct ntmm_memory_status {
	__u32 size;
	__u32 status;
	__u64 commit_limit;
	__u64 commit_total;
	__u64 process_commit;
	__u64 total_phys;
	__u64 avail_phys;
};

#define NTMM_MEMORY_STATUS_SIZE_VER0	48

/* Why the module refused an access (struct ntmm_fault_reason.reason). */
#define NTMM_FAULT_UNKNOWN		0	/* no refusal of the module's on record */
#define NTMM_FAULT_ACCESS_VIOLATION	1
#define NTMM_FAULT_GUARD_PAGE		2

/* The access that faulted: EXCEPTION_RECORD.ExceptionInformation[0]'s values. */
#define NTMM_ACCESS_READ		0
#define NTMM_ACCESS_WRITE		1
#define NTMM_ACCESS_EXECUTE		8

/**
 * struct ntmm_fault_reason - NTMM_IOC_FAULT_REASON: why a fault failed.
 * @size:	in: sizeof(struct ntmm_fault_reason) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @address:	in: the faulting address (siginfo's si_addr).
 * @reason:	out: NTMM_FAULT_*, for the calling thread's last refused
 *		access at @address's page; the record is consumed.
 * @access:	out: NTMM_ACCESS_* of that access.
 *
 * The module refuses accesses to reserved, no-access and guard pages and
 * writes to read-only pages; the CPU refuses execution of NX pages by itself,
 * so those show as NTMM_FAULT_UNKNOWN and the caller reads the page-fault
 * error code of its signal context instead.
 */
struct ntmm_fault_reason {
	__u32 size;
	__u32 status;
	__u64 address;
	__u32 reason;
	__u32 access;
};

#define NTMM_FAULT_REASON_SIZE_VER0	24

/* struct ntmm_lock.op */
#define NTMM_LOCK_PAGES		0	/* NtLockVirtualMemory */
#define NTMM_UNLOCK_PAGES		1	/* NtUnlockVirtualMemory */

/**
 * struct ntmm_lock - NTMM_IOC_LOCK: VirtualLock and VirtualUnlock.
 * @size:	in: sizeof(struct ntmm_lock) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @op:		in: NTMM_LOCK_PAGES or NTMM_UNLOCK_PAGES.
 * @__pad0:	must be zero.
 * @address:	in: an address in the range; out: its rounded start.
 * @length:	in: bytes; out: bytes covered, whole pages.
 *
 * Locking gives every page of the committed range its frame now; locked
 * pages are never trimmed. Unlocking fails with STATUS_NOT_LOCKED, changing
 * nothing, if any page of the range is not locked.
 */
struct ntmm_lock {
	__u32 size;
	__u32 status;
	__u32 op;
	__u32 __pad0;
	__u64 address;
	__u64 length;
};

#define NTMM_LOCK_SIZE_VER0		32

/* struct ntmm_write_watch.flags */
#define NTMM_WRITE_WATCH_RESET		0x1	/* reset what is reported */
#define NTMM_WRITE_WATCH_RESET_ONLY	0x2	/* ResetWriteWatch: report nothing */

/**
 * struct ntmm_write_watch - NTMM_IOC_WRITE_WATCH: GetWriteWatch, ResetWriteWatch.
 * @size:	in: sizeof(struct ntmm_write_watch) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @flags:	in: NTMM_WRITE_WATCH_*.
 * @__pad0:	must be zero.
 * @address:	in: start of the range, in a MEM_WRITE_WATCH allocation.
 * @length:	in: bytes.
 * @addresses:	in: user array of __u64 page addresses to fill.
 * @count:	in: its capacity; out: the number of pages written since the
 *		last reset, at most the capacity, in ascending order.
 */
struct ntmm_write_watch {
	__u32 size;
	__u32 status;
	__u32 flags;
	__u32 __pad0;
	__u64 address;
	__u64 length;
	__u64 addresses;
	__u64 count;
};

#define NTMM_WRITE_WATCH_SIZE_VER0	48

/*
 * struct ntmm_ws_entry.attributes: PSAPI_WORKING_SET_EX_BLOCK's bits, as
 * Windows x64 lays them out. Pages that are not valid report 0.
 */
#define NTMM_WS_VALID			_BITULL(0)
#define NTMM_WS_SHARE_COUNT_SHIFT	1	/* ShareCount, 3 bits */
#define NTMM_WS_PROTECTION_SHIFT	4	/* Win32Protection, 11 bits */
#define NTMM_WS_SHARED			_BITULL(15)
#define NTMM_WS_NODE_SHIFT		16	/* Node, 6 bits */
#define NTMM_WS_LOCKED			_BITULL(22)
#define NTMM_WS_LARGE_PAGE		_BITULL(23)

/**
 * struct ntmm_ws_entry - one page asked about by NTMM_IOC_WORKING_SET_EX.
 * @address:	in: an address in the page.
 * @attributes:	out: NTMM_WS_* bits.
 */
struct ntmm_ws_entry {
	__u64 address;
	__u64 attributes;
};

/**
 * struct ntmm_working_set_ex - NTMM_IOC_WORKING_SET_EX: QueryWorkingSetEx.
 * @size:	in: sizeof(struct ntmm_working_set_ex) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @count:	in: entries in @entries.
 * @__pad0:	must be zero.
 * @entries:	in: user array of struct ntmm_ws_entry, in any order.
 */
struct ntmm_working_set_ex {
	__u32 size;
	__u32 status;
	__u32 count;
	__u32 __pad0;
	__u64 entries;
};

#define NTMM_WORKING_SET_EX_SIZE_VER0	24

/**
 * struct ntmm_pool_tag_info - one tag's counters (SYSTEM_POOLTAG).
 * @tag:	the tag, as the driver wrote it ('diaR' is "Raid" in memory).
 * @__pad0:	zero.
 * @paged_allocs: allocations from paged pool so far.
 * @paged_frees: frees to paged pool so far.
 * @paged_bytes: bytes of paged pool outstanding.
 * @nonpaged_allocs: the same for non-paged pool.
 * @nonpaged_frees: the same for non-paged pool.
 * @nonpaged_bytes: the same for non-paged pool.
 */
struct ntmm_pool_tag_info {
	__u32 tag;
	__u32 __pad0;
	__u64 paged_allocs;
	__u64 paged_frees;
	__u64 paged_bytes;
	__u64 nonpaged_allocs;
	__u64 nonpaged_frees;
	__u64 nonpaged_bytes;
};

/**
 * struct ntmm_pool_tags - NTMM_IOC_POOL_TAGS: every pool tag's counters.
 * @size:	in: sizeof(struct ntmm_pool_tags) as the caller knows it.
 * @status:	out: NTSTATUS; STATUS_INFO_LENGTH_MISMATCH if @count was short.
 * @count:	in: room in @entries; out: the number of tags.
 * @__pad0:	must be zero.
 * @entries:	in: user array of struct ntmm_pool_tag_info.
 */
struct ntmm_pool_tags {
	__u32 size;
	__u32 status;
	__u32 count;
	__u32 __pad0;
	__u64 entries;
};

#define NTMM_POOL_TAGS_SIZE_VER0	24

/* Section names: at most this many bytes (UTF-8), without a terminator. */
#define NTMM_NAME_MAX			1024

/* struct ntmm_section_create.flags, struct ntmm_section_open.flags */
#define NTMM_HANDLE_INHERIT		0x1	/* the handle survives exec (no O_CLOEXEC) */
#define NTMM_NAME_GLOBAL		0x2	/* in Global\, not the caller's Local\ */

/**
 * struct ntmm_section_create - NTMM_IOC_SECTION_CREATE: NtCreateSection.
 * @size:	in: sizeof(struct ntmm_section_create) as the caller knows it.
 * @status:	out: NTSTATUS; STATUS_OBJECT_NAME_EXISTS (a success) when
 *		@name was taken: @handle is then a handle to that section.
 * @protect:	in: the section's page protection (PAGE_*).
 * @attributes:	in: SEC_* (SEC_COMMIT, SEC_RESERVE, SEC_LARGE_PAGES, ...).
 * @max_size:	in: bytes, 0 with a file for the file's size; out: the size.
 * @fd:		in: the file to map, or -1 for memory backed by the pagefile.
 * @flags:	in: NTMM_HANDLE_INHERIT, NTMM_NAME_GLOBAL.
 * @name:	in: user pointer to the name's bytes, 0 for none.
 * @name_length: in: bytes of @name, at most NTMM_NAME_MAX.
 * @handle:	out: the section handle, a file descriptor.
 */
struct ntmm_section_create {
	__u32 size;
	__u32 status;
	__u32 protect;
	__u32 attributes;
	__u64 max_size;
	__s32 fd;
	__u32 flags;
	__u64 name;
	__u32 name_length;
	__s32 handle;
};

#define NTMM_SECTION_CREATE_SIZE_VER0	48

/**
 * struct ntmm_section_open - NTMM_IOC_SECTION_OPEN: NtOpenSection, and
 *	DuplicateHandle of a section handle with other rights.
 * @size:	in: sizeof(struct ntmm_section_open) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @access:	in: the rights wanted (SECTION_*, FILE_MAP_*).
 * @flags:	in: NTMM_HANDLE_INHERIT, NTMM_NAME_GLOBAL.
 * @name:	in: user pointer to the name's bytes; 0 to reopen @handle.
 * @name_length: in: bytes of @name.
 * @handle:	in: with @name 0, a section handle to reopen with @access,
 *		which must be a subset of its own; out: the new handle.
 */
struct ntmm_section_open {
	__u32 size;
	__u32 status;
	__u32 access;
	__u32 flags;
	__u64 name;
	__u32 name_length;
	__s32 handle;
};

#define NTMM_SECTION_OPEN_SIZE_VER0	32

/**
 * struct ntmm_view - NTMM_IOC_VIEW_MAP: NtMapViewOfSection(Ex).
 * @size:	in: sizeof(struct ntmm_view) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @handle:	in: the section handle.
 * @protect:	in: the view's protection (PAGE_READONLY, PAGE_READWRITE,
 *		PAGE_WRITECOPY, their EXECUTE_ forms), as kernelbase
 *		derives it from FILE_MAP_*.
 * @address:	in: the base wanted, 0 to let the module choose; out: the view.
 * @offset:	in: where in the section the view starts, 64 KiB aligned.
 * @length:	in: bytes, 0 for the rest of the section; out: the view's size.
 * @type:	in: MEM_TOP_DOWN, MEM_REPLACE_PLACEHOLDER.
 * @flags:	in: NTMM_VIEW_NODE (VER0's padding: zero there).
 * @node:	in: with NTMM_VIEW_NODE, the node a pagefile section's fresh
 *		frames come from when this view first touches them
 *		(MapViewOfFileNuma2) (VER1).
 * @__pad1:	must be zero (VER1).
 */
struct ntmm_view {
	__u32 size;
	__u32 status;
	__s32 handle;
	__u32 protect;
	__u64 address;
	__u64 offset;
	__u64 length;
	__u32 type;
	__u32 flags;
	__u32 node;
	__u32 __pad1;
};

#define NTMM_VIEW_SIZE_VER0		48
#define NTMM_VIEW_SIZE_VER1		56

/* struct ntmm_view.flags */
#define NTMM_VIEW_NODE			0x1

/* struct ntmm_view_op.op */
#define NTMM_VIEW_UNMAP		0	/* NtUnmapViewOfSectionEx */
#define NTMM_VIEW_FLUSH		1	/* NtFlushVirtualMemory */

/**
 * struct ntmm_view_op - NTMM_IOC_VIEW_OP: unmap or flush a view.
 * @size:	in: sizeof(struct ntmm_view_op) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @op:		in: NTMM_VIEW_UNMAP or NTMM_VIEW_FLUSH.
 * @flags:	in: unmap: MEM_PRESERVE_PLACEHOLDER; flush: 0.
 * @address:	in: an address in the view.
 * @length:	in: flush: bytes from @address, 0 for the rest of the view.
 */
struct ntmm_view_op {
	__u32 size;
	__u32 status;
	__u32 op;
	__u32 flags;
	__u64 address;
	__u64 length;
};

#define NTMM_VIEW_OP_SIZE_VER0		32

/**
 * struct ntmm_process_open - NTMM_IOC_PROCESS_OPEN: OpenProcess, and
 *	DuplicateHandle of a process handle with other rights.
 * @size:	in: sizeof(struct ntmm_process_open) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @source:	in: a descriptor of /proc/@pid/mem opened for reading and
 *		writing (Linux's ptrace access check, made by that open, is
 *		the permission), or a process handle to reopen with @access,
 *		which must be a subset of its own.
 * @pid:	in: with a /proc/PID/mem descriptor, the process's id in the
 *		caller's pid namespace; 0 with a handle.
 * @access:	in: the rights wanted (PROCESS_*).
 * @flags:	in: NTMM_HANDLE_INHERIT.
 * @handle:	out: the process handle, a file descriptor.
 * @__pad0:	must be zero.
 */
struct ntmm_process_open {
	__u32 size;
	__u32 status;
	__s32 source;
	__u32 pid;
	__u32 access;
	__u32 flags;
	__s32 handle;
	__u32 __pad0;
};

#define NTMM_PROCESS_OPEN_SIZE_VER0	32

/**
 * struct ntmm_process_info - NTMM_IOC_PROCESS_INFO: GetProcessId, and a
 *	process handle's rights.
 * @size:	in: sizeof(struct ntmm_process_info) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @handle:	in: the process handle.
 * @pid:	out: the process's id in the caller's pid namespace, 0 if it
 *		has none there.
 * @access:	out: the handle's rights.
 * @__pad0:	must be zero.
 */
struct ntmm_process_info {
	__u32 size;
	__u32 status;
	__s32 handle;
	__u32 pid;
	__u32 access;
	__u32 __pad0;
};

#define NTMM_PROCESS_INFO_SIZE_VER0	24

/**
 * struct ntmm_remote - NTMM_IOC_REMOTE: another ioctl, on another process.
 * @size:	in: sizeof(struct ntmm_remote) as the caller knows it.
 * @status:	out: STATUS_SUCCESS if @cmd ran (its own status is in its
 *		struct); else why not: STATUS_INVALID_HANDLE,
 *		STATUS_ACCESS_DENIED (the handle lacks the rights @cmd needs),
 *		STATUS_PROCESS_IS_TERMINATING.
 * @process:	in: the process handle.
 * @cmd:	in: NTMM_IOC_ALLOCATE, _FREE, _PROTECT, _QUERY,
 *		_WORKING_SET_EX, _VIEW_MAP or _VIEW_OP (unmap).
 * @arg:	in: user pointer to @cmd's struct, read and written as
 *		@cmd reads and writes it; its addresses are the target's,
 *		its buffers (QueryWorkingSetEx's entries) the caller's.
 */
struct ntmm_remote {
	__u32 size;
	__u32 status;
	__s32 process;
	__u32 cmd;
	__u64 arg;
};

#define NTMM_REMOTE_SIZE_VER0		24

/**
 * struct ntmm_process_copy - NTMM_IOC_PROCESS_COPY: NtReadVirtualMemory,
 *	NtWriteVirtualMemory.
 * @size:	in: sizeof(struct ntmm_process_copy) as the caller knows it.
 * @status:	out: NTSTATUS: STATUS_PARTIAL_COPY if the target's memory
 *		was not all readable (writable), STATUS_ACCESS_VIOLATION if
 *		the caller's buffer was not.
 * @process:	in: the process handle (PROCESS_VM_READ to read,
 *		PROCESS_VM_WRITE and PROCESS_VM_OPERATION to write).
 * @flags:	in: NTMM_COPY_WRITE to write the target, else read it.
 * @address:	in: the address in the target.
 * @buffer:	in: the caller's buffer.
 * @length:	in: bytes.
 * @copied:	out: bytes copied, from the start.
 */
struct ntmm_process_copy {
	__u32 size;
	__u32 status;
	__s32 process;
	__u32 flags;
	__u64 address;
	__u64 buffer;
	__u64 length;
	__u64 copied;
};

#define NTMM_PROCESS_COPY_SIZE_VER0	48

/* struct ntmm_process_copy.flags */
#define NTMM_COPY_WRITE			0x1

#define NTMM_IOC_MAGIC		0xD7	/* free in ioctl-number.rst */

#define NTMM_IOC_VERSION	_IOWR(NTMM_IOC_MAGIC, 0x00, struct ntmm_version)
#define NTMM_IOC_SYSTEM_INFO	_IOWR(NTMM_IOC_MAGIC, 0x01, struct ntmm_system_info)
#define NTMM_IOC_ALLOCATE	_IOWR(NTMM_IOC_MAGIC, 0x02, struct ntmm_alloc)
#define NTMM_IOC_FREE		_IOWR(NTMM_IOC_MAGIC, 0x03, struct ntmm_free)
#define NTMM_IOC_PROTECT	_IOWR(NTMM_IOC_MAGIC, 0x04, struct ntmm_protect)
#define NTMM_IOC_QUERY		_IOWR(NTMM_IOC_MAGIC, 0x05, struct ntmm_query)
#define NTMM_IOC_MEMORY_STATUS	_IOWR(NTMM_IOC_MAGIC, 0x06, struct ntmm_memory_status)
#define NTMM_IOC_FAULT_REASON	_IOWR(NTMM_IOC_MAGIC, 0x07, struct ntmm_fault_reason)
#define NTMM_IOC_LOCK		_IOWR(NTMM_IOC_MAGIC, 0x08, struct ntmm_lock)
#define NTMM_IOC_WRITE_WATCH	_IOWR(NTMM_IOC_MAGIC, 0x09, struct ntmm_write_watch)
#define NTMM_IOC_WORKING_SET_EX _IOWR(NTMM_IOC_MAGIC, 0x0A, struct ntmm_working_set_ex)
#define NTMM_IOC_POOL_TAGS	_IOWR(NTMM_IOC_MAGIC, 0x0B, struct ntmm_pool_tags)
#define NTMM_IOC_SECTION_CREATE	_IOWR(NTMM_IOC_MAGIC, 0x0C, struct ntmm_section_create)
#define NTMM_IOC_SECTION_OPEN	_IOWR(NTMM_IOC_MAGIC, 0x0D, struct ntmm_section_open)
#define NTMM_IOC_VIEW_MAP	_IOWR(NTMM_IOC_MAGIC, 0x0E, struct ntmm_view)
#define NTMM_IOC_VIEW_OP	_IOWR(NTMM_IOC_MAGIC, 0x0F, struct ntmm_view_op)
#define NTMM_IOC_PROCESS_OPEN	_IOWR(NTMM_IOC_MAGIC, 0x10, struct ntmm_process_open)
#define NTMM_IOC_PROCESS_INFO	_IOWR(NTMM_IOC_MAGIC, 0x11, struct ntmm_process_info)
#define NTMM_IOC_REMOTE		_IOWR(NTMM_IOC_MAGIC, 0x12, struct ntmm_remote)
#define NTMM_IOC_PROCESS_COPY	_IOWR(NTMM_IOC_MAGIC, 0x13, struct ntmm_process_copy)

#endif /* _UAPI_LINUX_NTMM_H */
