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
	X(winmm_system_info, 48)

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
	X(winmm_system_info, __pad0, 44, 4)

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
	_Static_assert(WINMM_SYSTEM_INFO_SIZE_VER0 == 48, "system_info VER0");

#endif /* WINMM_TESTS_ABI_LAYOUT_H */
