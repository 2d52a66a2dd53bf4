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

#include <kunit/visibility.h>
#include <linux/mm.h>
#include <linux/shrinker.h>
#include <linux/spinlock.h>
#include <linux/ntmm.h>

#include "compat.h"
#include "page_state.h"
#include "ntmm.h"

/*
 * ntmm_reset_lock protects ntmm_reset_vads, the VADs that may hold reset
 * frames (each VAD's reset_node). Taken after a VAD's lock, or before it
 * with a trylock only (the shrinker).
 */
static DEFINE_SPINLOCK(ntmm_reset_lock);
static LIST_HEAD(ntmm_reset_vads);

/* Reset frames the shrinker may take. */
static atomic_long_t ntmm_nr_reset_frames = ATOMIC_LONG_INIT(0);

static struct shrinker *ntmm_reset_shrinker;

/**
 * ntmm_reset_frames() - Frames of reset pages, which memory pressure may take.
 *
 * Return: that number.
 */
long ntmm_reset_frames(void)
{
	return atomic_long_read(&ntmm_nr_reset_frames);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_reset_frames);

/**
 * ntmm_reset_dropped() - Reset pages went with their frames.
 * @frames: how many.
 */
void ntmm_reset_dropped(long frames)
{
	atomic_long_sub(frames, &ntmm_nr_reset_frames);
}

/**
 * ntmm_reset_forget() - A page's reset is over; it keeps its frame.
 * @vad: the VAD; its lock held.
 * @idx: the page, whose entry no longer has PS_RESET.
 */
void ntmm_reset_forget(struct ntmm_vad *vad, unsigned long idx)
{
	xa_clear_mark(&vad->pages, idx, NTMM_PS_MARK_RESET);
	ntmm_reset_dropped(1);
}

/**
 * ntmm_reset_unlink() - Take a VAD that is going off the shrinker's list.
 * @vad: the VAD.
 */
void ntmm_reset_unlink(struct ntmm_vad *vad)
{
	spin_lock(&ntmm_reset_lock);
	list_del_init(&vad->reset_node);
	spin_unlock(&ntmm_reset_lock);
}

/**
 * ntmm_vad_reset() - MEM_RESET: the contents of [@first, @last) may go.
 * @vad: the VAD.
 * @vma: its VMA; mmap_lock held.
 * @first: first page index.
 * @last: one past the last page index.
 *
 * Pages stay committed with their protection; locked pages keep their
 * frames and contents. A reset starts over what an earlier one lost.
 */
void ntmm_vad_reset(struct ntmm_vad *vad, struct vm_area_struct *vma,
		     unsigned long first, unsigned long last)
{
	unsigned long idx;
	long frames = 0;
	void *entry;

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
		atomic_long_add(frames, &ntmm_nr_reset_frames);
		spin_lock(&ntmm_reset_lock);
		if (list_empty(&vad->reset_node))
			list_add_tail(&vad->reset_node, &ntmm_reset_vads);
		spin_unlock(&ntmm_reset_lock);
		/* No PTE may map a frame the shrinker can take. */
		ntmm_vad_zap(vad, vma, first, last);
	}
	up_write(&vad->lock);
}

/**
 * ntmm_vad_reset_undo() - MEM_RESET_UNDO: end the reset of [@first, @last).
 * @vad: the VAD.
 * @first: first page index.
 * @last: one past the last page index.
 *
 * Return: NTMM_STATUS_SUCCESS if every page still has its contents, else
 * NTMM_STATUS_UNSUCCESSFUL (some read as zero). The reset ends either way.
 */
u32 ntmm_vad_reset_undo(struct ntmm_vad *vad, unsigned long first,
			 unsigned long last)
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
			ntmm_reset_forget(vad, idx);
	}
	up_write(&vad->lock);
	return lost ? NTMM_STATUS_UNSUCCESSFUL : NTMM_STATUS_SUCCESS;
}

/*
 * Take up to @max reset frames of @vad onto @list, counting them in @frames.
 * Called with vad->lock held for write: no fault is mapping any of them.
 */
static unsigned long ntmm_reset_discard(struct ntmm_vad *vad, unsigned long max,
					 struct list_head *list, long *frames)
{
	XA_STATE(xas, &vad->pages, 0);
	unsigned long taken = 0;
	void *entry;

	xas_lock(&xas);
	xas_for_each_marked(&xas, entry, ULONG_MAX, NTMM_PS_MARK_RESET) {
		unsigned long state = xa_to_value(entry);

		xas_clear_mark(&xas, NTMM_PS_MARK_RESET);
		ps_take_frame(state, list, frames);
		xas_store(&xas, ps_entry((state & ~(PS_RESET | PS_FRAME_BITS)) | PS_DISCARDED));
		if (++taken == max)
			break;
	}
	xas_unlock(&xas);
	return taken;
}

static unsigned long ntmm_reset_count(struct shrinker *shrinker,
				       struct shrink_control *sc)
{
	long n = atomic_long_read(&ntmm_nr_reset_frames);

	return n > 0 ? n : SHRINK_EMPTY;
}

/* Reclaim calls this in any context: it only ever trylocks a VAD. */
static unsigned long ntmm_reset_scan(struct shrinker *shrinker,
				      struct shrink_control *sc)
{
	struct ntmm_vad *vad, *next;
	unsigned long taken = 0;
	LIST_HEAD(list);
	long frames = 0;

	spin_lock(&ntmm_reset_lock);
	list_for_each_entry_safe(vad, next, &ntmm_reset_vads, reset_node) {
		if (taken >= sc->nr_to_scan)
			break;
		if (!down_write_trylock(&vad->lock))
			continue;
		taken += ntmm_reset_discard(vad, sc->nr_to_scan - taken, &list, &frames);
		if (!xa_marked(&vad->pages, NTMM_PS_MARK_RESET))
			list_del_init(&vad->reset_node);
		up_write(&vad->lock);
	}
	spin_unlock(&ntmm_reset_lock);
	ntmm_vad_free_frames(&list, frames);
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
