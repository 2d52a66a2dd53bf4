// SPDX-License-Identifier: GPL-2.0
/*
 * MEM_RESET and MEM_RESET_UNDO.
 *
 * A reset page's data no longer matters to the program, yet it stays for
 * as long as memory is not short. Its folio in the address space file is
 * made clean (its PTE zapped first, so no dirty bit comes back to it): to
 * reclaim, a clean shmem folio is one it may drop without writing it to
 * swap, and the page then reads as zero. The first touch of a reset page
 * ends the reset (region.c); MEM_RESET_UNDO ends it too, and succeeds only
 * if no page of its range lost its data, as Windows reports whether the
 * pages it had reused can be given back. Locked and large pages are never
 * reset.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/writeback.h>

#include "../process.h"
#include "reset.h"
#include "space.h"
#include "vad.h"

/*
 * Make the folio of page @idx one that reclaim may drop: no PTE maps it
 * and it is clean. A fault that read the state before it was reset holds
 * the folio's lock until its PTE is in, and so is zapped here too.
 */
static void ntmm_reset_folio(struct ntmm_vad *vad, unsigned long idx)
{
	pgoff_t pgoff = (vad->start >> PAGE_SHIFT) + idx;
	struct folio *folio = ntmm_space_find(vad->proc, pgoff);

	if (!folio)
		return;
	if (!folio_test_large(folio)) {
		unmap_mapping_pages(folio->mapping, pgoff, 1, true);
		folio_clear_dirty_for_io(folio);
	}
	folio_unlock(folio);
	folio_put(folio);
}

/**
 * ntmm_reset_range() - MEM_RESET: the data of [@first, @last) may go.
 * @vad: the VAD.
 * @first: first page index.
 * @last: one past the last page index.
 *
 * Pages stay committed with their protection; locked pages keep their
 * data. A reset starts over what an earlier one lost.
 *
 * Return: STATUS_SUCCESS, or STATUS_NO_MEMORY with nothing reset.
 */
ntstatus_t ntmm_reset_range(struct ntmm_vad *vad, unsigned long first, unsigned long last)
{
	unsigned long idx, marks;
	ntstatus_t status = STATUS_SUCCESS;

	if (vad->flags & NTMM_VAD_LARGE)
		return STATUS_SUCCESS;	/* large pages are never reset */
	down_write(&vad->lock);
	for (idx = first; idx < last; idx++) {
		marks = ntmm_vad_marks(vad, idx);
		if (!ntmm_vad_protection(vad, idx) || (marks & PF_LOCKED))
			continue;
		/* A page never touched has no data to lose: it reads as zero anyway. */
		if (!ntmm_space_present(vad->proc, (vad->start >> PAGE_SHIFT) + idx)) {
			if (marks & PF_LOST)
				ntmm_vad_mark(vad, idx, 0, PF_LOST);
			continue;
		}
		if (ntmm_vad_mark(vad, idx, PF_RESET, PF_LOST)) {
			status = STATUS_NO_MEMORY;
			break;
		}
	}
	if (status) {
		/* Back: clearing a flag never allocates. */
		while (idx-- > first)
			if (ntmm_vad_marks(vad, idx) & PF_RESET)
				ntmm_vad_mark(vad, idx, 0, PF_RESET);
	} else {
		for (idx = first; idx < last; idx++)
			if (ntmm_vad_marks(vad, idx) & PF_RESET)
				ntmm_reset_folio(vad, idx);
	}
	up_write(&vad->lock);
	return status;
}

/**
 * ntmm_reset_undo() - MEM_RESET_UNDO: end the reset of [@first, @last).
 * @vad: the VAD.
 * @first: first page index.
 * @last: one past the last page index.
 *
 * Return: STATUS_SUCCESS if every page still has its data, else
 * STATUS_UNSUCCESSFUL (some read as zero). The reset ends either way.
 */
ntstatus_t ntmm_reset_undo(struct ntmm_vad *vad, unsigned long first, unsigned long last)
{
	pgoff_t pgoff = vad->start >> PAGE_SHIFT;
	unsigned long idx, marks;
	struct folio *folio;
	bool lost = false;
	void *entry;

	down_write(&vad->lock);
	xa_for_each_range(&vad->marks, idx, entry, first, last - 1) {
		marks = xa_to_value(entry);
		if (!(marks & (PF_RESET | PF_LOST)))
			continue;
		lost |= !!(marks & PF_LOST);
		if (marks & PF_RESET) {
			folio = ntmm_space_find(vad->proc, pgoff + idx);
			if (folio) {
				/* Dirty again: reclaim must write it out, not drop it. */
				folio_mark_dirty(folio);
				folio_unlock(folio);
				folio_put(folio);
			} else {
				lost = true;
			}
		}
		/* Clearing flags never allocates. */
		ntmm_vad_mark(vad, idx, 0, PF_RESET | PF_LOST);
	}
	up_write(&vad->lock);
	return lost ? STATUS_UNSUCCESSFUL : STATUS_SUCCESS;
}
