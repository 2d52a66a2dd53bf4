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
			  NTMM_MEM_LARGE_PAGES | NTMM_MEM_RESERVE_PLACEHOLDER |
			  NTMM_MEM_REPLACE_PLACEHOLDER;
	const u32 large = NTMM_MEM_LARGE_PAGES | NTMM_MEM_COMMIT | NTMM_MEM_RESERVE;
	const u32 placeholder = NTMM_MEM_RESERVE | NTMM_MEM_RESERVE_PLACEHOLDER;

	if (type & ~known)
		return STATUS_INVALID_PARAMETER;
	/* Item 40: a placeholder is a reservation alone; a replacement names one. */
	if ((type & NTMM_MEM_RESERVE_PLACEHOLDER) && (type & ~NTMM_MEM_TOP_DOWN) != placeholder)
		return STATUS_INVALID_PARAMETER;
	if ((type & NTMM_MEM_REPLACE_PLACEHOLDER) &&
	    (!address || !(type & NTMM_MEM_RESERVE) ||
	     (type & (NTMM_MEM_RESERVE_PLACEHOLDER | NTMM_MEM_LARGE_PAGES | NTMM_MEM_TOP_DOWN))))
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
	/* Placeholders are split, joined and given back by their exact spans. */
	if (type == (NTMM_MEM_RELEASE | NTMM_MEM_PRESERVE_PLACEHOLDER) ||
	    type == (NTMM_MEM_RELEASE | NTMM_MEM_COALESCE_PLACEHOLDERS))
		return size ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
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
	case NTMM_PAGE_WRITECOPY:
		return NT_ACCESS_READ | NT_ACCESS_WRITE;
	case NTMM_PAGE_EXECUTE:
	case NTMM_PAGE_EXECUTE_READ:
		return NT_ACCESS_READ | NT_ACCESS_EXECUTE;
	case NTMM_PAGE_EXECUTE_READWRITE:
	case NTMM_PAGE_EXECUTE_WRITECOPY:
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

/* Is @protect one of the protections a section or a view may have (item 31)? */
static bool nt_section_base(u32 protect)
{
	switch (protect) {
	case NTMM_PAGE_READONLY:
	case NTMM_PAGE_READWRITE:
	case NTMM_PAGE_WRITECOPY:
	case NTMM_PAGE_EXECUTE_READ:
	case NTMM_PAGE_EXECUTE_READWRITE:
	case NTMM_PAGE_EXECUTE_WRITECOPY:
		return true;
	default:
		return false;
	}
}

/**
 * nt_check_section() - NtCreateSection's rules for protection and attributes.
 * @protect: the section's page protection.
 * @attributes: SEC_*; on success, SEC_COMMIT is set if neither SEC_COMMIT
 *	nor SEC_RESERVE was.
 *
 * Item 31: one base protection of READONLY, READWRITE, WRITECOPY and their
 * EXECUTE_ forms. Item 32: SEC_COMMIT and SEC_RESERVE exclude each other,
 * a caching attribute or SEC_LARGE_PAGES needs one named (large pages
 * SEC_COMMIT), and no flag at all means SEC_COMMIT.
 *
 * Return: STATUS_SUCCESS, STATUS_INVALID_PAGE_PROTECTION,
 * STATUS_INVALID_PARAMETER, or STATUS_NOT_IMPLEMENTED for SEC_IMAGE.
 */
ntstatus_t nt_check_section(u32 protect, u32 *attributes)
{
	const u32 known = NTMM_SEC_FILE | NTMM_SEC_IMAGE | NTMM_SEC_RESERVE | NTMM_SEC_COMMIT |
			  NTMM_SEC_NOCACHE | NTMM_SEC_WRITECOMBINE | NTMM_SEC_LARGE_PAGES;
	u32 a = *attributes, kind = a & (NTMM_SEC_COMMIT | NTMM_SEC_RESERVE);

	if (!nt_section_base(protect))
		return STATUS_INVALID_PAGE_PROTECTION;
	if (a & ~known)
		return STATUS_INVALID_PARAMETER;
	if (a & NTMM_SEC_IMAGE)
		return STATUS_NOT_IMPLEMENTED;
	if (kind == (NTMM_SEC_COMMIT | NTMM_SEC_RESERVE))
		return STATUS_INVALID_PARAMETER;
	if ((a & (NTMM_SEC_NOCACHE | NTMM_SEC_WRITECOMBINE)) &&
	    (!kind || (a & NTMM_SEC_NOCACHE && a & NTMM_SEC_WRITECOMBINE)))
		return STATUS_INVALID_PARAMETER;
	if ((a & NTMM_SEC_LARGE_PAGES) && kind != NTMM_SEC_COMMIT)
		return STATUS_INVALID_PARAMETER;
	if (!kind)
		*attributes = a | NTMM_SEC_COMMIT;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_IF_KUNIT(nt_check_section);

/**
 * nt_section_rights() - The rights a view or an open needs of a section.
 * @protect: the view's protection (PAGE_*), one a section may have.
 *
 * READONLY and WRITECOPY need SECTION_MAP_READ, READWRITE SECTION_MAP_WRITE
 * alone (a handle opened FILE_MAP_WRITE maps FILE_MAP_WRITE views, which
 * read too); the EXECUTE_ forms also execute (SECTION_MAP_EXECUTE, or
 * FILE_MAP_EXECUTE's explicit right: see nt_section_granted()).
 *
 * Return: SECTION_MAP_* bits.
 */
u32 nt_section_rights(u32 protect)
{
	unsigned int access = nt_protect_access(protect);
	bool copy = protect == NTMM_PAGE_WRITECOPY || protect == NTMM_PAGE_EXECUTE_WRITECOPY;
	u32 rights = NTMM_SECTION_MAP_READ;

	if ((access & NT_ACCESS_WRITE) && !copy)
		rights = NTMM_SECTION_MAP_WRITE;
	if (access & NT_ACCESS_EXECUTE)
		rights |= NTMM_SECTION_MAP_EXECUTE;
	return rights;
}
EXPORT_SYMBOL_IF_KUNIT(nt_section_rights);

/**
 * nt_section_granted() - Do the rights @have cover @need?
 * @have: a handle's rights, or what a section's protection allows.
 * @need: nt_section_rights()'s answer.
 *
 * Return: true if they do.
 */
bool nt_section_granted(u32 have, u32 need)
{
	if (have & NTMM_SECTION_MAP_EXECUTE_EXPLICIT)
		have |= NTMM_SECTION_MAP_EXECUTE;
	return (have & need) == need;
}
EXPORT_SYMBOL_IF_KUNIT(nt_section_granted);

/**
 * nt_section_allows() - The rights a section's protection lets views have.
 * @protect: the section's protection.
 *
 * A view may write only a READWRITE section, execute only an EXECUTE_ one;
 * every section may be read and copied (MapViewOfFile's rules).
 *
 * Return: SECTION_MAP_* bits.
 */
u32 nt_section_allows(u32 protect)
{
	unsigned int access = nt_protect_access(protect);
	u32 rights = NTMM_SECTION_MAP_READ;

	if (protect == NTMM_PAGE_READWRITE || protect == NTMM_PAGE_EXECUTE_READWRITE)
		rights |= NTMM_SECTION_MAP_WRITE;
	if (access & NT_ACCESS_EXECUTE)
		rights |= NTMM_SECTION_MAP_EXECUTE;
	return rights;
}
EXPORT_SYMBOL_IF_KUNIT(nt_section_allows);

/**
 * nt_check_view_protect() - Is @protect one a view may be mapped with?
 * @protect: the view's protection, from FILE_MAP_* (kernelbase's mapping).
 *
 * Return: STATUS_SUCCESS or STATUS_INVALID_PAGE_PROTECTION.
 */
ntstatus_t nt_check_view_protect(u32 protect)
{
	return nt_section_base(protect) ? STATUS_SUCCESS : STATUS_INVALID_PAGE_PROTECTION;
}
EXPORT_SYMBOL_IF_KUNIT(nt_check_view_protect);

/**
 * nt_view_page_protect() - May a page of a view mapped @view take @protect?
 * @view: the view's protection.
 * @protect: the protection asked of VirtualProtect or a commit, which may
 *	carry PAGE_GUARD.
 *
 * Within a view a page may have any protection the view's rights allow:
 * no access, reading, and writing or executing where the view may. A
 * writable page of a copy-on-write view is WRITECOPY, and only such a
 * view has WRITECOPY pages.
 *
 * Return: STATUS_SUCCESS or STATUS_INVALID_PAGE_PROTECTION.
 */
ntstatus_t nt_view_page_protect(u32 view, u32 protect)
{
	u32 base = protect & ~NTMM_PAGE_GUARD;
	bool copy = view == NTMM_PAGE_WRITECOPY || view == NTMM_PAGE_EXECUTE_WRITECOPY;
	unsigned int access, have = nt_protect_access(view);

	if (base == NTMM_PAGE_NOACCESS)
		return protect == base ? STATUS_SUCCESS : STATUS_INVALID_PAGE_PROTECTION;
	if (!nt_section_base(base) && base != NTMM_PAGE_EXECUTE)
		return STATUS_INVALID_PAGE_PROTECTION;
	access = nt_protect_access(base);
	if ((access & ~have) ||
	    (copy != (base == NTMM_PAGE_WRITECOPY || base == NTMM_PAGE_EXECUTE_WRITECOPY) &&
	     (access & NT_ACCESS_WRITE)))
		return STATUS_INVALID_PAGE_PROTECTION;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_IF_KUNIT(nt_view_page_protect);
