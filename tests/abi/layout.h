/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ABI's layout as literal numbers: struct sizes and field offsets of
 * uapi/linux/winmm.h. The kernel side (KUnit module) and the userspace
 * tests (C and C++) both check the header against this one table, so a
 * field that moves on either side fails the build.
 */
#ifndef WINMM_TESTS_ABI_LAYOUT_H
#define WINMM_TESTS_ABI_LAYOUT_H

/* X(struct, size) */
#define WINMM_ABI_STRUCTS(X)			\
	X(winmm_version, 24)			\
	X(winmm_system_info, 48)		\
	X(winmm_alloc, 64)			\
	X(winmm_free, 32)			\
	X(winmm_protect, 32)			\
	X(winmm_query, 56)			\
	X(winmm_memory_status, 48)		\
	X(winmm_fault_reason, 24)		\
	X(winmm_lock, 32)			\
	X(winmm_write_watch, 48)		\
	X(winmm_ws_entry, 16)			\
	X(winmm_working_set_ex, 24)		\
	X(winmm_pool_tag_info, 56)		\
	X(winmm_pool_tags, 24)

/* X(struct, field, offset, size) */
#define WINMM_ABI_FIELDS(X)					\
	X(winmm_version, size, 0, 4)				\
	X(winmm_version, status, 4, 4)				\
	X(winmm_version, abi_version, 8, 4)			\
	X(winmm_version, __pad0, 12, 4)				\
	X(winmm_version, features, 16, 8)			\
	X(winmm_system_info, size, 0, 4)			\
	X(winmm_system_info, status, 4, 4)			\
	X(winmm_system_info, page_size, 8, 4)			\
	X(winmm_system_info, allocation_granularity, 12, 4)	\
	X(winmm_system_info, min_address, 16, 8)		\
	X(winmm_system_info, max_address, 24, 8)		\
	X(winmm_system_info, active_processor_mask, 32, 8)	\
	X(winmm_system_info, processor_count, 40, 4)		\
	X(winmm_system_info, __pad0, 44, 4)			\
	X(winmm_alloc, type, 8, 4)				\
	X(winmm_alloc, protect, 12, 4)				\
	X(winmm_alloc, address, 16, 8)				\
	X(winmm_alloc, length, 24, 8)				\
	X(winmm_alloc, flags, 32, 4)				\
	X(winmm_alloc, node, 36, 4)				\
	X(winmm_alloc, lowest, 40, 8)				\
	X(winmm_alloc, highest, 48, 8)				\
	X(winmm_alloc, alignment, 56, 8)			\
	X(winmm_free, type, 8, 4)				\
	X(winmm_free, __pad0, 12, 4)				\
	X(winmm_free, address, 16, 8)				\
	X(winmm_free, length, 24, 8)				\
	X(winmm_protect, protect, 8, 4)				\
	X(winmm_protect, old_protect, 12, 4)			\
	X(winmm_protect, address, 16, 8)			\
	X(winmm_protect, length, 24, 8)				\
	X(winmm_query, address, 8, 8)				\
	X(winmm_query, base_address, 16, 8)			\
	X(winmm_query, allocation_base, 24, 8)			\
	X(winmm_query, region_size, 32, 8)			\
	X(winmm_query, allocation_protect, 40, 4)		\
	X(winmm_query, state, 44, 4)				\
	X(winmm_query, protect, 48, 4)				\
	X(winmm_query, type, 52, 4)				\
	X(winmm_memory_status, commit_limit, 8, 8)		\
	X(winmm_memory_status, commit_total, 16, 8)		\
	X(winmm_memory_status, process_commit, 24, 8)		\
	X(winmm_memory_status, total_phys, 32, 8)		\
	X(winmm_memory_status, avail_phys, 40, 8)		\
	X(winmm_fault_reason, address, 8, 8)			\
	X(winmm_fault_reason, reason, 16, 4)			\
	X(winmm_fault_reason, access, 20, 4)			\
	X(winmm_lock, op, 8, 4)					\
	X(winmm_lock, __pad0, 12, 4)				\
	X(winmm_lock, address, 16, 8)				\
	X(winmm_lock, length, 24, 8)				\
	X(winmm_write_watch, flags, 8, 4)			\
	X(winmm_write_watch, __pad0, 12, 4)			\
	X(winmm_write_watch, address, 16, 8)			\
	X(winmm_write_watch, length, 24, 8)			\
	X(winmm_write_watch, addresses, 32, 8)			\
	X(winmm_write_watch, count, 40, 8)			\
	X(winmm_ws_entry, address, 0, 8)			\
	X(winmm_ws_entry, attributes, 8, 8)			\
	X(winmm_working_set_ex, count, 8, 4)			\
	X(winmm_working_set_ex, __pad0, 12, 4)			\
	X(winmm_working_set_ex, entries, 16, 8)		\
	X(winmm_pool_tag_info, tag, 0, 4)			\
	X(winmm_pool_tag_info, paged_allocs, 8, 8)		\
	X(winmm_pool_tag_info, nonpaged_bytes, 48, 8)		\
	X(winmm_pool_tags, count, 8, 4)			\
	X(winmm_pool_tags, entries, 16, 8)

#define WINMM_ABI_CHECK_STRUCT(s, sz)					\
	_Static_assert(sizeof(struct s) == (sz), "sizeof(struct " #s ")");
#define WINMM_ABI_CHECK_FIELD(s, f, off, sz)				\
	_Static_assert(offsetof(struct s, f) == (off), #s "." #f " offset"); \
	_Static_assert(sizeof(((struct s *)0)->f) == (sz), #s "." #f " size");

/* Expands to static assertions; use at file scope. */
#define WINMM_ABI_CHECK_ALL()				\
	WINMM_ABI_STRUCTS(WINMM_ABI_CHECK_STRUCT)	\
	WINMM_ABI_FIELDS(WINMM_ABI_CHECK_FIELD)

/* The _SIZE_VER0 constants are the first versions' sizes. */
#define WINMM_ABI_CHECK_VER0()						\
	_Static_assert(WINMM_VERSION_SIZE_VER0 == 24, "version VER0");	\
	_Static_assert(WINMM_SYSTEM_INFO_SIZE_VER0 == 48, "system_info VER0"); \
	_Static_assert(WINMM_ALLOC_SIZE_VER0 == 32, "alloc VER0");	\
	_Static_assert(WINMM_ALLOC_SIZE_VER1 == 64, "alloc VER1");	\
	_Static_assert(WINMM_FREE_SIZE_VER0 == 32, "free VER0");	\
	_Static_assert(WINMM_PROTECT_SIZE_VER0 == 32, "protect VER0");	\
	_Static_assert(WINMM_QUERY_SIZE_VER0 == 56, "query VER0");	\
	_Static_assert(WINMM_MEMORY_STATUS_SIZE_VER0 == 48, "memory_status VER0"); \
	_Static_assert(WINMM_FAULT_REASON_SIZE_VER0 == 24, "fault_reason VER0"); \
	_Static_assert(WINMM_LOCK_SIZE_VER0 == 32, "lock VER0");	\
	_Static_assert(WINMM_WRITE_WATCH_SIZE_VER0 == 48, "write_watch VER0"); \
	_Static_assert(WINMM_WORKING_SET_EX_SIZE_VER0 == 24, "working_set_ex VER0"); \
	_Static_assert(WINMM_POOL_TAGS_SIZE_VER0 == 24, "pool_tags VER0");

#endif /* WINMM_TESTS_ABI_LAYOUT_H */
