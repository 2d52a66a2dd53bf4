// SPDX-License-Identifier: GPL-2.0
/*
 * MEM_RESET and MEM_RESET_UNDO.
 *
 * A reset page keeps its frame but loses its PTE: its contents no longer
 * matter to the program, yet they stay for as long as memory is not short.
 * Under memory pressure the shrinker below takes such frames (a PTE never
 * maps them: a fault on a reset page ends the reset before mapping it), and
 * the page reads as zero when next touched. MEM_RESET_UNDO ends the reset
 * and succeeds only if no frame of its range was taken, as Windows reports
 * whether the pages it had reused can be given back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/shrinker.h>

#include "../compat.h"
#include "../process.h"
#include "page_state.h"
#include "reset.h"
#include "vad.h"

/**
 * ntmm_reset_range() - MEM_RESET: the contents of [@first, @last) may go.
 * @vad: the VAD.
 * @vma: its VMA; mmap_lock held.
 * @first: first page index.
 * @last: one past the last page index.
 *
 * Pages stay committed with their protection; locked pages keep their
 * frames and contents. A reset starts over what an earlier one lost.
 */
void ntmm_reset_range(struct ntmm_vad *vad, struct vm_area_struct *vma,
		      unsigned long first, unsigned long last)
{
	unsigned long idx;
	long frames = 0;
	void *entry;

	mmap_assert_locked(vad->proc->mm);
	down_write(&vad->lock);
	/* The shrinker takes reset frames one page at a time. */
	ntmm_vad_split_frames(vad, first, last, true);
	xa_for_each_range(&vad->pages, idx, entry, first, last - 1) {
		unsigned long state = xa_to_value(entry);
		unsigned long new = state & ~PS_DISCARDED;

		if ((state & PS_FRAME) && !(state & (PS_LOCKED | PS_RESET | PS_LARGE))) {
			new |= PS_RESET;
			frames++;
		}
		if (new == state)
			continue;
		/* Replacing an entry never allocates. */
		xa_store(&vad->pages, idx, ps_entry(new), GFP_KERNEL);
		if (new & ~state & PS_RESET)
			xa_set_mark(&vad->pages, idx, NTMM_PS_MARK_RESET);
	}
	if (frames) {
		ntmm_vad_reset_listed(vad, frames);
		/* No PTE may map a frame the shrinker can take. */
		ntmm_vad_zap(vad, vma, first, last);
	}
	up_write(&vad->lock);
}

/**
 * ntmm_reset_undo() - MEM_RESET_UNDO: end the reset of [@first, @last).
 * @vad: the VAD.
 * @first: first page index.
 * @last: one past the last page index.
 *
 * Return: STATUS_SUCCESS if every page still has its contents, else
 * STATUS_UNSUCCESSFUL (some read as zero). The reset ends either way.
 */
ntstatus_t ntmm_reset_undo(struct ntmm_vad *vad, unsigned long first, unsigned long last)
{
	bool lost = false;
	unsigned long idx;
	void *entry;

	down_write(&vad->lock);
	xa_for_each_range(&vad->pages, idx, entry, first, last - 1) {
		unsigned long state = xa_to_value(entry);

		if (!(state & (PS_RESET | PS_DISCARDED)))
			continue;
		lost |= !!(state & PS_DISCARDED);
		xa_store(&vad->pages, idx, ps_entry(state & ~(PS_RESET | PS_DISCARDED)),
			 GFP_KERNEL);
		if (state & PS_RESET)
			ntmm_vad_reset_forget(vad, idx);
	}
	up_write(&vad->lock);
	return lost ? STATUS_UNSUCCESSFUL : STATUS_SUCCESS;
}

static struct shrinker *ntmm_reset_shrinker;

static unsigned long ntmm_reset_count(struct shrinker *shrinker,
				      struct shrink_control *sc)
{
	long n = ntmm_reset_frames();

	return n > 0 ? n : SHRINK_EMPTY;
}

static unsigned long ntmm_reset_scan(struct shrinker *shrinker,
				     struct shrink_control *sc)
{
	unsigned long taken = ntmm_vad_reset_reclaim(sc->nr_to_scan);

	return taken ? taken : SHRINK_STOP;
}

/**
 * ntmm_reset_init() - Register the shrinker of reset frames.
 *
 * Return: 0 or -ENOMEM.
 */
int ntmm_reset_init(void)
{
	ntmm_reset_shrinker = ntmm_shrinker_create("ntmm-reset", ntmm_reset_count,
						   ntmm_reset_scan);
	return ntmm_reset_shrinker ? 0 : -ENOMEM;
}

/**
 * ntmm_reset_exit() - Unregister it; no VAD is left.
 */
void ntmm_reset_exit(void)
{
	ntmm_shrinker_destroy(ntmm_reset_shrinker);
}
