/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ABI's layout as literal numbers: struct sizes and field offsets of
 * uapi/linux/ntmm.h. The kernel side (KUnit module) and the userspace
 * tests (C and C++) both check the header against this one table, so a
 * field that moves on either side fails the build.
 */
#ifndef NTMM_TESTS_ABI_LAYOUT_H
#define NTMM_TESTS_ABI_LAYOUT_H

/* X(struct, size) */
#define NTMM_ABI_STRUCTS(X)			\
	X(ntmm_version, 24)			\
	X(ntmm_system_info, 48)		\
	X(ntmm_alloc, 64)			\
	X(ntmm_free, 32)			\
	X(ntmm_protect, 32)			\
	X(ntmm_query, 56)			\
	X(ntmm_memory_status, 48)		\
	X(ntmm_fault_reason, 24)		\
	X(ntmm_lock, 32)			\
	X(ntmm_write_watch, 48)		\
	X(ntmm_ws_entry, 16)			\
	X(ntmm_working_set_ex, 24)		\
	X(ntmm_pool_tag_info, 56)		\
	X(ntmm_pool_tags, 24)			\
	X(ntmm_section_create, 48)		\
	X(ntmm_section_open, 32)		\
	X(ntmm_view, 56)			\
	X(ntmm_view_op, 32)			\
	X(ntmm_process_open, 32)		\
	X(ntmm_process_info, 24)		\
	X(ntmm_remote, 24)			\
	X(ntmm_process_copy, 48)

/* X(struct, field, offset, size) */
#define NTMM_ABI_FIELDS(X)					\
	X(ntmm_version, size, 0, 4)				\
	X(ntmm_version, status, 4, 4)				\
	X(ntmm_version, abi_version, 8, 4)			\
	X(ntmm_version, __pad0, 12, 4)				\
	X(ntmm_version, features, 16, 8)			\
	X(ntmm_system_info, size, 0, 4)			\
	X(ntmm_system_info, status, 4, 4)			\
	X(ntmm_system_info, page_size, 8, 4)			\
	X(ntmm_system_info, allocation_granularity, 12, 4)	\
	X(ntmm_system_info, min_address, 16, 8)		\
	X(ntmm_system_info, max_address, 24, 8)		\
	X(ntmm_system_info, active_processor_mask, 32, 8)	\
	X(ntmm_system_info, processor_count, 40, 4)		\
	X(ntmm_system_info, __pad0, 44, 4)			\
	X(ntmm_alloc, type, 8, 4)				\
	X(ntmm_alloc, protect, 12, 4)				\
	X(ntmm_alloc, address, 16, 8)				\
	X(ntmm_alloc, length, 24, 8)				\
	X(ntmm_alloc, flags, 32, 4)				\
	X(ntmm_alloc, node, 36, 4)				\
	X(ntmm_alloc, lowest, 40, 8)				\
	X(ntmm_alloc, highest, 48, 8)				\
	X(ntmm_alloc, alignment, 56, 8)			\
	X(ntmm_free, type, 8, 4)				\
	X(ntmm_free, __pad0, 12, 4)				\
	X(ntmm_free, address, 16, 8)				\
	X(ntmm_free, length, 24, 8)				\
	X(ntmm_protect, protect, 8, 4)				\
	X(ntmm_protect, old_protect, 12, 4)			\
	X(ntmm_protect, address, 16, 8)			\
	X(ntmm_protect, length, 24, 8)				\
	X(ntmm_query, address, 8, 8)				\
	X(ntmm_query, base_address, 16, 8)			\
	X(ntmm_query, allocation_base, 24, 8)			\
	X(ntmm_query, region_size, 32, 8)			\
	X(ntmm_query, allocation_protect, 40, 4)		\
	X(ntmm_query, state, 44, 4)				\
	X(ntmm_query, protect, 48, 4)				\
	X(ntmm_query, type, 52, 4)				\
	X(ntmm_memory_status, commit_limit, 8, 8)		\
	X(ntmm_memory_status, commit_total, 16, 8)		\
	X(ntmm_memory_status, process_commit, 24, 8)		\
	X(ntmm_memory_status, total_phys, 32, 8)		\
	X(ntmm_memory_status, avail_phys, 40, 8)		\
	X(ntmm_fault_reason, address, 8, 8)			\
	X(ntmm_fault_reason, reason, 16, 4)			\
	X(ntmm_fault_reason, access, 20, 4)			\
	X(ntmm_lock, op, 8, 4)					\
	X(ntmm_lock, __pad0, 12, 4)				\
	X(ntmm_lock, address, 16, 8)				\
	X(ntmm_lock, length, 24, 8)				\
	X(ntmm_write_watch, flags, 8, 4)			\
	X(ntmm_write_watch, __pad0, 12, 4)			\
	X(ntmm_write_watch, address, 16, 8)			\
	X(ntmm_write_watch, length, 24, 8)			\
	X(ntmm_write_watch, addresses, 32, 8)			\
	X(ntmm_write_watch, count, 40, 8)			\
	X(ntmm_ws_entry, address, 0, 8)			\
	X(ntmm_ws_entry, attributes, 8, 8)			\
	X(ntmm_working_set_ex, count, 8, 4)			\
	X(ntmm_working_set_ex, __pad0, 12, 4)			\
	X(ntmm_working_set_ex, entries, 16, 8)		\
	X(ntmm_pool_tag_info, tag, 0, 4)			\
	X(ntmm_pool_tag_info, paged_allocs, 8, 8)		\
	X(ntmm_pool_tag_info, nonpaged_bytes, 48, 8)		\
	X(ntmm_pool_tags, count, 8, 4)			\
	X(ntmm_pool_tags, entries, 16, 8)			\
	X(ntmm_section_create, protect, 8, 4)			\
	X(ntmm_section_create, attributes, 12, 4)		\
	X(ntmm_section_create, max_size, 16, 8)		\
	X(ntmm_section_create, fd, 24, 4)			\
	X(ntmm_section_create, flags, 28, 4)			\
	X(ntmm_section_create, name, 32, 8)			\
	X(ntmm_section_create, name_length, 40, 4)		\
	X(ntmm_section_create, handle, 44, 4)			\
	X(ntmm_section_open, access, 8, 4)			\
	X(ntmm_section_open, flags, 12, 4)			\
	X(ntmm_section_open, name, 16, 8)			\
	X(ntmm_section_open, name_length, 24, 4)		\
	X(ntmm_section_open, handle, 28, 4)			\
	X(ntmm_view, handle, 8, 4)				\
	X(ntmm_view, protect, 12, 4)				\
	X(ntmm_view, address, 16, 8)				\
	X(ntmm_view, offset, 24, 8)				\
	X(ntmm_view, length, 32, 8)				\
	X(ntmm_view, type, 40, 4)				\
	X(ntmm_view, flags, 44, 4)				\
	X(ntmm_view, node, 48, 4)				\
	X(ntmm_view, __pad1, 52, 4)				\
	X(ntmm_view_op, op, 8, 4)				\
	X(ntmm_view_op, flags, 12, 4)				\
	X(ntmm_view_op, address, 16, 8)			\
	X(ntmm_view_op, length, 24, 8)			\
	X(ntmm_process_open, source, 8, 4)			\
	X(ntmm_process_open, pid, 12, 4)			\
	X(ntmm_process_open, access, 16, 4)			\
	X(ntmm_process_open, flags, 20, 4)			\
	X(ntmm_process_open, handle, 24, 4)			\
	X(ntmm_process_open, __pad0, 28, 4)			\
	X(ntmm_process_info, handle, 8, 4)			\
	X(ntmm_process_info, pid, 12, 4)			\
	X(ntmm_process_info, access, 16, 4)			\
	X(ntmm_process_info, __pad0, 20, 4)			\
	X(ntmm_remote, process, 8, 4)				\
	X(ntmm_remote, cmd, 12, 4)				\
	X(ntmm_remote, arg, 16, 8)				\
	X(ntmm_process_copy, process, 8, 4)			\
	X(ntmm_process_copy, flags, 12, 4)			\
	X(ntmm_process_copy, address, 16, 8)			\
	X(ntmm_process_copy, buffer, 24, 8)			\
	X(ntmm_process_copy, length, 32, 8)			\
	X(ntmm_process_copy, copied, 40, 8)

#define NTMM_ABI_CHECK_STRUCT(s, sz)					\
	_Static_assert(sizeof(struct s) == (sz), "sizeof(struct " #s ")");
#define NTMM_ABI_CHECK_FIELD(s, f, off, sz)				\
	_Static_assert(offsetof(struct s, f) == (off), #s "." #f " offset"); \
	_Static_assert(sizeof(((struct s *)0)->f) == (sz), #s "." #f " size");

/* Expands to static assertions; use at file scope. */
#define NTMM_ABI_CHECK_ALL()				\
	NTMM_ABI_STRUCTS(NTMM_ABI_CHECK_STRUCT)	\
	NTMM_ABI_FIELDS(NTMM_ABI_CHECK_FIELD)

/* The _SIZE_VER0 constants are the first versions' sizes. */
#define NTMM_ABI_CHECK_VER0()						\
	_Static_assert(NTMM_VERSION_SIZE_VER0 == 24, "version VER0");	\
	_Static_assert(NTMM_SYSTEM_INFO_SIZE_VER0 == 48, "system_info VER0"); \
	_Static_assert(NTMM_ALLOC_SIZE_VER0 == 32, "alloc VER0");	\
	_Static_assert(NTMM_ALLOC_SIZE_VER1 == 64, "alloc VER1");	\
	_Static_assert(NTMM_FREE_SIZE_VER0 == 32, "free VER0");	\
	_Static_assert(NTMM_PROTECT_SIZE_VER0 == 32, "protect VER0");	\
	_Static_assert(NTMM_QUERY_SIZE_VER0 == 56, "query VER0");	\
	_Static_assert(NTMM_MEMORY_STATUS_SIZE_VER0 == 48, "memory_status VER0"); \
	_Static_assert(NTMM_FAULT_REASON_SIZE_VER0 == 24, "fault_reason VER0"); \
	_Static_assert(NTMM_LOCK_SIZE_VER0 == 32, "lock VER0");	\
	_Static_assert(NTMM_WRITE_WATCH_SIZE_VER0 == 48, "write_watch VER0"); \
	_Static_assert(NTMM_WORKING_SET_EX_SIZE_VER0 == 24, "working_set_ex VER0"); \
	_Static_assert(NTMM_POOL_TAGS_SIZE_VER0 == 24, "pool_tags VER0");	\
	_Static_assert(NTMM_SECTION_CREATE_SIZE_VER0 == 48, "section_create VER0"); \
	_Static_assert(NTMM_SECTION_OPEN_SIZE_VER0 == 32, "section_open VER0"); \
	_Static_assert(NTMM_VIEW_SIZE_VER0 == 48, "view VER0");	\
	_Static_assert(NTMM_VIEW_SIZE_VER1 == 56, "view VER1");	\
	_Static_assert(NTMM_VIEW_OP_SIZE_VER0 == 32, "view_op VER0");

#endif /* NTMM_TESTS_ABI_LAYOUT_H */
