/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * winmm: the Windows memory manager as a Linux device, /dev/winmm.
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
 *   the Windows-visible outcome is in status (WINMM_STATUS_*, NT's values).
 *   A negative errno means the transport failed: -ENOTTY unknown command,
 *   -EINVAL malformed struct, -EFAULT bad pointer, -EACCES the descriptor
 *   belongs to another address space (inherited across fork or exec).
 * - Commands are matched on type, number and direction; the size bits of the
 *   command are not checked, since the struct carries its own size.
 */
#ifndef _UAPI_LINUX_WINMM_H
#define _UAPI_LINUX_WINMM_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define WINMM_DEVICE_PATH	"/dev/winmm"

/* Incremented on incompatible changes only; growth is signalled by features. */
#define WINMM_ABI_VERSION	1

/* Feature bits reported by WINMM_IOC_VERSION. */
#define WINMM_FEATURE_SYSTEM_INFO	_BITULL(0)
#define WINMM_FEATURE_VIRTUAL_MEMORY	_BITULL(1)	/* alloc, free, protect, query, status */
#define WINMM_FEATURE_FAULT_REASON	_BITULL(2)
#define WINMM_FEATURE_LOCK		_BITULL(3)
#define WINMM_FEATURE_WRITE_WATCH	_BITULL(4)
#define WINMM_FEATURE_RESET		_BITULL(5)	/* MEM_RESET */
#define WINMM_FEATURE_RESET_UNDO	_BITULL(6)	/* MEM_RESET_UNDO */
#define WINMM_FEATURE_LARGE_PAGES	_BITULL(7)	/* MEM_LARGE_PAGES */
#define WINMM_FEATURE_NUMA		_BITULL(8)	/* preferred node, address requirements */
#define WINMM_FEATURE_WORKING_SET_EX	_BITULL(9)	/* QueryWorkingSetEx */
#define WINMM_FEATURE_POOL_TAGS		_BITULL(10)	/* kernel pools' per-tag counters */

/* Windows' constants that the kernel side applies. */
#define WINMM_PAGE_SIZE			4096U
#define WINMM_ALLOCATION_GRANULARITY	65536U
#define WINMM_LARGE_PAGE_SIZE		0x200000U	/* GetLargePageMinimum() */

/* NTSTATUS values returned in the status field (NT's own numbers). */
#define WINMM_STATUS_SUCCESS			0x00000000U
#define WINMM_STATUS_GUARD_PAGE_VIOLATION	0x80000001U
#define WINMM_STATUS_UNSUCCESSFUL		0xC0000001U
#define WINMM_STATUS_NOT_IMPLEMENTED		0xC0000002U
#define WINMM_STATUS_INFO_LENGTH_MISMATCH	0xC0000004U
#define WINMM_STATUS_ACCESS_VIOLATION		0xC0000005U
#define WINMM_STATUS_INVALID_HANDLE		0xC0000008U
#define WINMM_STATUS_INVALID_PARAMETER		0xC000000DU
#define WINMM_STATUS_NO_MEMORY			0xC0000017U
#define WINMM_STATUS_CONFLICTING_ADDRESSES	0xC0000018U
#define WINMM_STATUS_UNABLE_TO_FREE_VM		0xC000001AU
#define WINMM_STATUS_ALREADY_COMMITTED		0xC0000021U
#define WINMM_STATUS_ACCESS_DENIED		0xC0000022U
#define WINMM_STATUS_BUFFER_TOO_SMALL		0xC0000023U
#define WINMM_STATUS_NOT_LOCKED			0xC000002AU
#define WINMM_STATUS_NOT_COMMITTED		0xC000002DU
#define WINMM_STATUS_OBJECT_NAME_NOT_FOUND	0xC0000034U
#define WINMM_STATUS_OBJECT_NAME_COLLISION	0xC0000035U
#define WINMM_STATUS_INVALID_PAGE_PROTECTION	0xC0000045U
#define WINMM_STATUS_PRIVILEGE_NOT_HELD		0xC0000061U
#define WINMM_STATUS_INSUFFICIENT_RESOURCES	0xC000009AU
#define WINMM_STATUS_FREE_VM_NOT_AT_BASE	0xC000009FU
#define WINMM_STATUS_MEMORY_NOT_ALLOCATED	0xC00000A0U
#define WINMM_STATUS_WORKING_SET_QUOTA		0xC00000A1U
#define WINMM_STATUS_COMMITMENT_LIMIT		0xC000012DU
#define WINMM_STATUS_INVALID_ADDRESS		0xC0000141U
#define WINMM_STATUS_MAPPED_ALIGNMENT		0xC0000220U

/**
 * struct winmm_version - WINMM_IOC_VERSION: the handshake.
 * @size:	in: sizeof(struct winmm_version) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @abi_version: out: WINMM_ABI_VERSION of the kernel module.
 * @__pad0:	must be zero.
 * @features:	out: WINMM_FEATURE_* bits the module implements.
 */
struct winmm_version {
	__u32 size;
	__u32 status;
	__u32 abi_version;
	__u32 __pad0;
	__u64 features;
};

#define WINMM_VERSION_SIZE_VER0		24

/**
 * struct winmm_system_info - WINMM_IOC_SYSTEM_INFO: what GetSystemInfo reports.
 * @size:		in: sizeof(struct winmm_system_info) as the caller knows it.
 * @status:		out: NTSTATUS.
 * @page_size:		out: WINMM_PAGE_SIZE.
 * @allocation_granularity: out: WINMM_ALLOCATION_GRANULARITY.
 * @min_address:	out: lowest address the module hands out.
 * @max_address:	out: highest address (inclusive) the module hands out.
 * @active_processor_mask: out: online CPUs 0..63, one bit each.
 * @processor_count:	out: online CPUs.
 * @__pad0:		must be zero.
 */
struct winmm_system_info {
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

#define WINMM_SYSTEM_INFO_SIZE_VER0	48

/* struct winmm_alloc.flags */
#define WINMM_ALLOC_NODE		0x1	/* @node is the preferred NUMA node */

/**
 * struct winmm_alloc - WINMM_IOC_ALLOCATE: NtAllocateVirtualMemory(Ex).
 * @size:	in: sizeof(struct winmm_alloc) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @type:	in: MEM_COMMIT, MEM_RESERVE, MEM_TOP_DOWN, MEM_WRITE_WATCH, ...
 * @protect:	in: PAGE_* protection.
 * @address:	in: requested address, 0 to let the module choose;
 *		out: the base of the range (reserve: 64 KiB aligned).
 * @length:	in: bytes; out: bytes covered, whole pages.
 * @flags:	in: WINMM_ALLOC_* (VER1).
 * @node:	in: with WINMM_ALLOC_NODE, the node frames come from first
 *		(VirtualAllocExNuma, MemExtendedParameterNumaNode).
 * @lowest:	in: lowest start the module may choose, 0 for no bound
 *		(MEM_ADDRESS_REQUIREMENTS.LowestStartingAddress).
 * @highest:	in: highest last byte it may choose, 0 for no bound
 *		(HighestEndingAddress).
 * @alignment:	in: alignment of a chosen start, 0 for 64 KiB (Alignment).
 */
struct winmm_alloc {
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

#define WINMM_ALLOC_SIZE_VER0		32
#define WINMM_ALLOC_SIZE_VER1		64

/**
 * struct winmm_free - WINMM_IOC_FREE: NtFreeVirtualMemory.
 * @size:	in: sizeof(struct winmm_free) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @type:	in: MEM_DECOMMIT or MEM_RELEASE.
 * @__pad0:	must be zero.
 * @address:	in: an address in the range; out: its rounded start.
 * @length:	in: bytes (0 with MEM_RELEASE); out: bytes freed.
 */
struct winmm_free {
	__u32 size;
	__u32 status;
	__u32 type;
	__u32 __pad0;
	__u64 address;
	__u64 length;
};

#define WINMM_FREE_SIZE_VER0		32

/**
 * struct winmm_protect - WINMM_IOC_PROTECT: NtProtectVirtualMemory.
 * @size:	in: sizeof(struct winmm_protect) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @protect:	in: the new PAGE_* protection.
 * @old_protect: out: the first page's previous protection.
 * @address:	in: an address in the range; out: its rounded start.
 * @length:	in: bytes; out: bytes covered, whole pages.
 */
struct winmm_protect {
	__u32 size;
	__u32 status;
	__u32 protect;
	__u32 old_protect;
	__u64 address;
	__u64 length;
};

#define WINMM_PROTECT_SIZE_VER0		32

/**
 * struct winmm_query - WINMM_IOC_QUERY: NtQueryVirtualMemory, basic information.
 * @size:	in: sizeof(struct winmm_query) as the caller knows it.
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
 * Memory that Linux mapped, not winmm (the program, libc, stacks), shows as
 * committed with the protection of its mapping, so a program walking its
 * address space never mistakes it for free.
 */
struct winmm_query {
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

#define WINMM_QUERY_SIZE_VER0		56

/**
 * struct winmm_memory_status - WINMM_IOC_MEMORY_STATUS: commit and memory totals.
 * @size:	in: sizeof(struct winmm_memory_status) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @commit_limit: out: bytes that may be committed system-wide.
 * @commit_total: out: bytes committed system-wide (all winmm processes).
 * @process_commit: out: bytes this process has committed.
 * @total_phys:	out: bytes of RAM.
 * @avail_phys:	out: bytes of RAM available without swapping.
 */
struct winmm_memory_status {
	__u32 size;
	__u32 status;
	__u64 commit_limit;
	__u64 commit_total;
	__u64 process_commit;
	__u64 total_phys;
	__u64 avail_phys;
};

#define WINMM_MEMORY_STATUS_SIZE_VER0	48

/* Why the module refused an access (struct winmm_fault_reason.reason). */
#define WINMM_FAULT_UNKNOWN		0	/* no refusal of the module's on record */
#define WINMM_FAULT_ACCESS_VIOLATION	1
#define WINMM_FAULT_GUARD_PAGE		2

/* The access that faulted: EXCEPTION_RECORD.ExceptionInformation[0]'s values. */
#define WINMM_ACCESS_READ		0
#define WINMM_ACCESS_WRITE		1
#define WINMM_ACCESS_EXECUTE		8

/**
 * struct winmm_fault_reason - WINMM_IOC_FAULT_REASON: why a fault failed.
 * @size:	in: sizeof(struct winmm_fault_reason) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @address:	in: the faulting address (siginfo's si_addr).
 * @reason:	out: WINMM_FAULT_*, for the calling thread's last refused
 *		access at @address's page; the record is consumed.
 * @access:	out: WINMM_ACCESS_* of that access.
 *
 * The module refuses accesses to reserved, no-access and guard pages and
 * writes to read-only pages; the CPU refuses execution of NX pages by itself,
 * so those show as WINMM_FAULT_UNKNOWN and the caller reads the page-fault
 * error code of its signal context instead.
 */
struct winmm_fault_reason {
	__u32 size;
	__u32 status;
	__u64 address;
	__u32 reason;
	__u32 access;
};

#define WINMM_FAULT_REASON_SIZE_VER0	24

/* struct winmm_lock.op */
#define WINMM_LOCK_PAGES		0	/* NtLockVirtualMemory */
#define WINMM_UNLOCK_PAGES		1	/* NtUnlockVirtualMemory */

/**
 * struct winmm_lock - WINMM_IOC_LOCK: VirtualLock and VirtualUnlock.
 * @size:	in: sizeof(struct winmm_lock) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @op:		in: WINMM_LOCK_PAGES or WINMM_UNLOCK_PAGES.
 * @__pad0:	must be zero.
 * @address:	in: an address in the range; out: its rounded start.
 * @length:	in: bytes; out: bytes covered, whole pages.
 *
 * Locking gives every page of the committed range its frame now; locked
 * pages are never trimmed. Unlocking fails with STATUS_NOT_LOCKED, changing
 * nothing, if any page of the range is not locked.
 */
struct winmm_lock {
	__u32 size;
	__u32 status;
	__u32 op;
	__u32 __pad0;
	__u64 address;
	__u64 length;
};

#define WINMM_LOCK_SIZE_VER0		32

/* struct winmm_write_watch.flags */
#define WINMM_WRITE_WATCH_RESET		0x1	/* reset what is reported */
#define WINMM_WRITE_WATCH_RESET_ONLY	0x2	/* ResetWriteWatch: report nothing */

/**
 * struct winmm_write_watch - WINMM_IOC_WRITE_WATCH: GetWriteWatch, ResetWriteWatch.
 * @size:	in: sizeof(struct winmm_write_watch) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @flags:	in: WINMM_WRITE_WATCH_*.
 * @__pad0:	must be zero.
 * @address:	in: start of the range, in a MEM_WRITE_WATCH allocation.
 * @length:	in: bytes.
 * @addresses:	in: user array of __u64 page addresses to fill.
 * @count:	in: its capacity; out: the number of pages written since the
 *		last reset, at most the capacity, in ascending order.
 */
struct winmm_write_watch {
	__u32 size;
	__u32 status;
	__u32 flags;
	__u32 __pad0;
	__u64 address;
	__u64 length;
	__u64 addresses;
	__u64 count;
};

#define WINMM_WRITE_WATCH_SIZE_VER0	48

/*
 * struct winmm_ws_entry.attributes: PSAPI_WORKING_SET_EX_BLOCK's bits, as
 * Windows x64 lays them out. Pages that are not valid report 0.
 */
#define WINMM_WS_VALID			_BITULL(0)
#define WINMM_WS_PROTECTION_SHIFT	4	/* Win32Protection, 11 bits */
#define WINMM_WS_NODE_SHIFT		16	/* Node, 6 bits */
#define WINMM_WS_LOCKED			_BITULL(22)
#define WINMM_WS_LARGE_PAGE		_BITULL(23)

/**
 * struct winmm_ws_entry - one page asked about by WINMM_IOC_WORKING_SET_EX.
 * @address:	in: an address in the page.
 * @attributes:	out: WINMM_WS_* bits.
 */
struct winmm_ws_entry {
	__u64 address;
	__u64 attributes;
};

/**
 * struct winmm_working_set_ex - WINMM_IOC_WORKING_SET_EX: QueryWorkingSetEx.
 * @size:	in: sizeof(struct winmm_working_set_ex) as the caller knows it.
 * @status:	out: NTSTATUS.
 * @count:	in: entries in @entries.
 * @__pad0:	must be zero.
 * @entries:	in: user array of struct winmm_ws_entry, in any order.
 */
struct winmm_working_set_ex {
	__u32 size;
	__u32 status;
	__u32 count;
	__u32 __pad0;
	__u64 entries;
};

#define WINMM_WORKING_SET_EX_SIZE_VER0	24

/**
 * struct winmm_pool_tag_info - one tag's counters (SYSTEM_POOLTAG).
 * @tag:	the tag, as the driver wrote it ('diaR' is "Raid" in memory).
 * @__pad0:	zero.
 * @paged_allocs: allocations from paged pool so far.
 * @paged_frees: frees to paged pool so far.
 * @paged_bytes: bytes of paged pool outstanding.
 * @nonpaged_allocs: the same for non-paged pool.
 * @nonpaged_frees: the same for non-paged pool.
 * @nonpaged_bytes: the same for non-paged pool.
 */
struct winmm_pool_tag_info {
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
 * struct winmm_pool_tags - WINMM_IOC_POOL_TAGS: every pool tag's counters.
 * @size:	in: sizeof(struct winmm_pool_tags) as the caller knows it.
 * @status:	out: NTSTATUS; STATUS_INFO_LENGTH_MISMATCH if @count was short.
 * @count:	in: room in @entries; out: the number of tags.
 * @__pad0:	must be zero.
 * @entries:	in: user array of struct winmm_pool_tag_info.
 */
struct winmm_pool_tags {
	__u32 size;
	__u32 status;
	__u32 count;
	__u32 __pad0;
	__u64 entries;
};

#define WINMM_POOL_TAGS_SIZE_VER0	24

#define WINMM_IOC_MAGIC		0xD7	/* free in ioctl-number.rst */

#define WINMM_IOC_VERSION	_IOWR(WINMM_IOC_MAGIC, 0x00, struct winmm_version)
#define WINMM_IOC_SYSTEM_INFO	_IOWR(WINMM_IOC_MAGIC, 0x01, struct winmm_system_info)
#define WINMM_IOC_ALLOCATE	_IOWR(WINMM_IOC_MAGIC, 0x02, struct winmm_alloc)
#define WINMM_IOC_FREE		_IOWR(WINMM_IOC_MAGIC, 0x03, struct winmm_free)
#define WINMM_IOC_PROTECT	_IOWR(WINMM_IOC_MAGIC, 0x04, struct winmm_protect)
#define WINMM_IOC_QUERY		_IOWR(WINMM_IOC_MAGIC, 0x05, struct winmm_query)
#define WINMM_IOC_MEMORY_STATUS	_IOWR(WINMM_IOC_MAGIC, 0x06, struct winmm_memory_status)
#define WINMM_IOC_FAULT_REASON	_IOWR(WINMM_IOC_MAGIC, 0x07, struct winmm_fault_reason)
#define WINMM_IOC_LOCK		_IOWR(WINMM_IOC_MAGIC, 0x08, struct winmm_lock)
#define WINMM_IOC_WRITE_WATCH	_IOWR(WINMM_IOC_MAGIC, 0x09, struct winmm_write_watch)
#define WINMM_IOC_WORKING_SET_EX _IOWR(WINMM_IOC_MAGIC, 0x0A, struct winmm_working_set_ex)
#define WINMM_IOC_POOL_TAGS	_IOWR(WINMM_IOC_MAGIC, 0x0B, struct winmm_pool_tags)

#endif /* _UAPI_LINUX_WINMM_H */
