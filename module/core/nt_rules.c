// SPDX-License-Identifier: GPL-2.0
/*
 * NT's argument rules for private virtual memory (see nt_rules.h). The
 * statuses are the ones Windows returns; libntmm maps them to Win32 errors.
 */
#include "nt_rules.h"

/* NTSTATUS values (uapi/linux/ntmm.h has them too; the core stays header-free). */
#define ST_INVALID_PARAMETER		0xC000000DU
#define ST_INVALID_PAGE_PROTECTION	0xC0000045U

/**
 * nt_check_private_protect() - Is @protect valid for private memory?
 * @protect: PAGE_* value with optional modifiers.
 *
 * Exactly one base protection among NOACCESS, READONLY, READWRITE, EXECUTE,
 * EXECUTE_READ, EXECUTE_READWRITE (WRITECOPY kinds are for views only), at
 * most one of GUARD, NOCACHE, WRITECOMBINE, and no modifier on NOACCESS.
 *
 * Return: 0, or STATUS_INVALID_PAGE_PROTECTION.
 */
u32 nt_check_private_protect(u32 protect)
{
	u32 base = protect & 0xff, mods = protect & NT_PAGE_MODIFIERS;

	if (protect & ~(0xffU | NT_PAGE_MODIFIERS))
		return ST_INVALID_PAGE_PROTECTION;
	switch (base) {
	case NT_PAGE_NOACCESS:
		return mods ? ST_INVALID_PAGE_PROTECTION : 0;
	case NT_PAGE_READONLY:
	case NT_PAGE_READWRITE:
	case NT_PAGE_EXECUTE:
	case NT_PAGE_EXECUTE_READ:
	case NT_PAGE_EXECUTE_READWRITE:
		break;
	default:
		return ST_INVALID_PAGE_PROTECTION;
	}
	/* The modifiers exclude each other. */
	if (mods & (mods - 1))
		return ST_INVALID_PAGE_PROTECTION;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(nt_check_private_protect);

/**
 * nt_check_alloc_type() - Is @type a valid NtAllocateVirtualMemory type?
 * @type: MEM_* flags.
 * @address: the requested base (0: none).
 *
 * One or both of COMMIT and RESERVE (or RESET or RESET_UNDO alone), with
 * TOP_DOWN and, on a reservation, WRITE_WATCH. LARGE_PAGES needs COMMIT and
 * RESERVE together and allows only TOP_DOWN beside them. Physical pages
 * (AWE) are not offered.
 *
 * Return: 0, or STATUS_INVALID_PARAMETER.
 */
u32 nt_check_alloc_type(u32 type, u64 address)
{
	const u32 known = NT_MEM_COMMIT | NT_MEM_RESERVE | NT_MEM_RESET |
			  NT_MEM_RESET_UNDO | NT_MEM_TOP_DOWN | NT_MEM_WRITE_WATCH |
			  NT_MEM_LARGE_PAGES;
	const u32 large = NT_MEM_LARGE_PAGES | NT_MEM_COMMIT | NT_MEM_RESERVE;

	if (type & ~known)
		return ST_INVALID_PARAMETER;
	if ((type & NT_MEM_LARGE_PAGES) && (type & ~NT_MEM_TOP_DOWN) != large)
		return ST_INVALID_PARAMETER;
	if (type & (NT_MEM_RESET | NT_MEM_RESET_UNDO)) {
		/* Each stands alone, on an existing range. */
		if (type != NT_MEM_RESET && type != NT_MEM_RESET_UNDO)
			return ST_INVALID_PARAMETER;
		return address ? 0 : ST_INVALID_PARAMETER;
	}
	if (!(type & (NT_MEM_COMMIT | NT_MEM_RESERVE)))
		return ST_INVALID_PARAMETER;
	if ((type & NT_MEM_WRITE_WATCH) && !(type & NT_MEM_RESERVE))
		return ST_INVALID_PARAMETER;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(nt_check_alloc_type);

/**
 * nt_check_free_type() - Is @type a valid NtFreeVirtualMemory type?
 * @type: MEM_DECOMMIT or MEM_RELEASE, alone.
 * @size: the size given; MEM_RELEASE needs 0.
 *
 * Return: 0, or STATUS_INVALID_PARAMETER.
 */
u32 nt_check_free_type(u32 type, u64 size)
{
	if (type == NT_MEM_DECOMMIT)
		return 0;
	if (type == NT_MEM_RELEASE)
		return size ? ST_INVALID_PARAMETER : 0;
	return ST_INVALID_PARAMETER;
}
EXPORT_SYMBOL_IF_KUNIT(nt_check_free_type);

/**
 * nt_protect_access() - The accesses a valid private protection allows.
 * @protect: a protection that passed nt_check_private_protect().
 *
 * Return: NT_ACCESS_* bits. PAGE_EXECUTE reads too: x86 page tables cannot
 * make a page executable but unreadable, and Windows behaves the same.
 */
unsigned int nt_protect_access(u32 protect)
{
	switch (protect & 0xff) {
	case NT_PAGE_READONLY:
		return NT_ACCESS_READ;
	case NT_PAGE_READWRITE:
		return NT_ACCESS_READ | NT_ACCESS_WRITE;
	case NT_PAGE_EXECUTE:
	case NT_PAGE_EXECUTE_READ:
		return NT_ACCESS_READ | NT_ACCESS_EXECUTE;
	case NT_PAGE_EXECUTE_READWRITE:
		return NT_ACCESS_READ | NT_ACCESS_WRITE | NT_ACCESS_EXECUTE;
	default:
		return 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(nt_protect_access);

/**
 * nt_round_range() - Round a range as NT does.
 * @address: first byte asked for.
 * @size: bytes asked for (not 0).
 * @base_align: NT_GRANULARITY for a new reservation, NT_PAGE_SIZE otherwise.
 * @start: set to @address rounded down to @base_align.
 * @end: set to the end of the last page the range touches.
 *
 * Return: false if the range wraps around.
 */
bool nt_round_range(u64 address, u64 size, u64 base_align, u64 *start, u64 *end)
{
	u64 last;

	if (!size || address + size < address || address + size - 1 > ~0ULL - NT_PAGE_SIZE)
		return false;
	last = address + size - 1;
	*start = address & ~(base_align - 1);
	*end = (last | (NT_PAGE_SIZE - 1)) + 1;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(nt_round_range);
