/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A committed page's state, as the value entry a VAD's xarray holds for it
 * (a missing entry is a reserved page):
 *   bits 0-10   its PAGE_* protection, GUARD/NOCACHE/WRITECOMBINE included
 *   bit 11      it has a frame, whose PFN is in bits 19 and up
 *   bit 12      committed by the call in progress (undone if it fails)
 *   bit 13      locked (VirtualLock)
 *   bit 14      written since write watch was last reset
 *   bit 15      reset (MEM_RESET) with its frame kept: no PTE maps it, and
 *               the reset shrinker may take the frame
 *   bit 16      the reset shrinker took its frame: MEM_RESET_UNDO fails
 *   bit 17      its frame is a 4 KiB part of a 2 MiB frame (a large page's,
 *               or a transparent one, see large.c); the entry of the
 *               frame's first part stands for the whole
 *   bit 18      mapped ahead of any touch with the rest of its transparent
 *               frame's block: valid only once its PTE is young
 * Entries of reset pages also carry NTMM_PS_MARK_RESET, so the shrinker
 * finds them without walking every page.
 */
#ifndef NTMM_VM_PAGE_STATE_H
#define NTMM_VM_PAGE_STATE_H

#include <linux/bits.h>
#include <linux/mm.h>
#include <linux/xarray.h>

#define PS_PROT_MASK	0x7ffUL
#define PS_FRAME	BIT(11)
#define PS_NEW		BIT(12)
#define PS_LOCKED	BIT(13)
#define PS_WW_DIRTY	BIT(14)
#define PS_RESET	BIT(15)
#define PS_DISCARDED	BIT(16)
#define PS_LARGE	BIT(17)
#define PS_AHEAD	BIT(18)
#define PS_PFN_SHIFT	19
#define PS_FRAME_BITS	(PS_FRAME | (~0UL << PS_PFN_SHIFT))

#define NTMM_PS_MARK_RESET	XA_MARK_0

static inline struct page *ps_page(unsigned long state)
{
	return pfn_to_page(state >> PS_PFN_SHIFT);
}

static inline void *ps_entry(unsigned long state)
{
	return xa_mk_value(state);
}

#endif /* NTMM_VM_PAGE_STATE_H */
