// SPDX-License-Identifier: GPL-2.0
/*
 * NT's argument rules for private virtual memory (see nt_rules.h). The
 * statuses are the ones Windows returns; libntmm maps them to Win32 errors.
 */
#include <kunit/visibility.h>
#include <linux/export.h>

#include "nt_rules.h"

/**
 * nt_check_private_protect() - Is @protect valid for private memory?
 * @protect: PAGE_* value with optional modifiers.
 *
 * Exactly one base protection among NOACCESS, READONLY, READWRITE, EXECUTE,
 * EXECUTE_READ, EXECUTE_READWRITE (WRITECOPY kinds are for views only), at
 * most one of GUARD, NOCACHE, WRITECOMBINE, and no modifier on NOACCESS.
 *
 * Return: STATUS_SUCCESS, or STATUS_INVALID_PAGE_PROTECTION.
 */
ntstatus_t nt_check_private_protect(u32 protect)
{
	u32 base = protect & NT_PAGE_BASE_MASK, mods = protect & NT_PAGE_MODIFIERS;

	if (protect & ~(NT_PAGE_BASE_MASK | NT_PAGE_MODIFIERS))
		return STATUS_INVALID_PAGE_PROTECTION;
	switch (base) {
	case NTMM_PAGE_NOACCESS:
		return mods ? STATUS_INVALID_PAGE_PROTECTION : STATUS_SUCCESS;
	case NTMM_PAGE_READONLY:
	case NTMM_PAGE_READWRITE:
	case NTMM_PAGE_EXECUTE:
	case NTMM_PAGE_EXECUTE_READ:
	case NTMM_PAGE_EXECUTE_READWRITE:
		break;
	default:
		return STATUS_INVALID_PAGE_PROTECTION;
	}
	/* The modifiers exclude each other. */
	if (mods & (mods - 1))
		return STATUS_INVALID_PAGE_PROTECTION;
	return STATUS_SUCCESS;
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
 * Return: STATUS_SUCCESS, or STATUS_INVALID_PARAMETER.
 */
ntstatus_t nt_check_alloc_type(u32 type, u64 address)
{
	const u32 known = NTMM_MEM_COMMIT | NTMM_MEM_RESERVE | NTMM_MEM_RESET |
			  NTMM_MEM_RESET_UNDO | NTMM_MEM_TOP_DOWN | NTMM_MEM_WRITE_WATCH |
			  NTMM_MEM_LARGE_PAGES;
	const u32 large = NTMM_MEM_LARGE_PAGES | NTMM_MEM_COMMIT | NTMM_MEM_RESERVE;

	if (type & ~known)
		return STATUS_INVALID_PARAMETER;
	if ((type & NTMM_MEM_LARGE_PAGES) && (type & ~NTMM_MEM_TOP_DOWN) != large)
		return STATUS_INVALID_PARAMETER;
	if (type & (NTMM_MEM_RESET | NTMM_MEM_RESET_UNDO)) {
		/* Each stands alone, on an existing range. */
		if (type != NTMM_MEM_RESET && type != NTMM_MEM_RESET_UNDO)
			return STATUS_INVALID_PARAMETER;
		return address ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
	}
	if (!(type & (NTMM_MEM_COMMIT | NTMM_MEM_RESERVE)))
		return STATUS_INVALID_PARAMETER;
	if ((type & NTMM_MEM_WRITE_WATCH) && !(type & NTMM_MEM_RESERVE))
		return STATUS_INVALID_PARAMETER;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_IF_KUNIT(nt_check_alloc_type);

/**
 * nt_check_free_type() - Is @type a valid NtFreeVirtualMemory type?
 * @type: MEM_DECOMMIT or MEM_RELEASE, alone.
 * @size: the size given; MEM_RELEASE needs 0.
 *
 * Return: STATUS_SUCCESS, or STATUS_INVALID_PARAMETER.
 */
ntstatus_t nt_check_free_type(u32 type, u64 size)
{
	if (type == NTMM_MEM_DECOMMIT)
		return STATUS_SUCCESS;
	if (type == NTMM_MEM_RELEASE)
		return size ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
	return STATUS_INVALID_PARAMETER;
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
	switch (protect & NT_PAGE_BASE_MASK) {
	case NTMM_PAGE_READONLY:
		return NT_ACCESS_READ;
	case NTMM_PAGE_READWRITE:
		return NT_ACCESS_READ | NT_ACCESS_WRITE;
	case NTMM_PAGE_EXECUTE:
	case NTMM_PAGE_EXECUTE_READ:
		return NT_ACCESS_READ | NT_ACCESS_EXECUTE;
	case NTMM_PAGE_EXECUTE_READWRITE:
		return NT_ACCESS_READ | NT_ACCESS_WRITE | NT_ACCESS_EXECUTE;
	default:
		return 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(nt_protect_access);

/**
 * nt_protect_keep_caching() - The protection a page takes from a new one.
 * @protect: a valid protection asked for (VirtualProtect, MEM_COMMIT).
 * @alloc_protect: the protection the allocation was made with.
 *
 * PAGE_NOCACHE and PAGE_WRITECOMBINE belong to the allocation, not to a
 * page: asked for on memory allocated without them they are dropped, and
 * memory allocated with one keeps it whatever is asked (item 45), but for
 * PAGE_NOACCESS, which takes no modifier.
 *
 * Return: the protection to store.
 */
u32 nt_protect_keep_caching(u32 protect, u32 alloc_protect)
{
	protect &= ~NT_PAGE_CACHING;
	if ((protect & NT_PAGE_BASE_MASK) == NTMM_PAGE_NOACCESS)
		return protect;
	return protect | (alloc_protect & NT_PAGE_CACHING);
}
EXPORT_SYMBOL_IF_KUNIT(nt_protect_keep_caching);

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
