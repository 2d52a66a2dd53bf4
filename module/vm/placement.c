// SPDX-License-Identifier: GPL-2.0
/*
 * Where a new allocation goes when the caller gives no address: like
 * Windows, bottom-up from a randomized base by default, top-down with
 * MEM_TOP_DOWN, always on a 64 KiB boundary (2 MiB for large pages, or what
 * VirtualAlloc2's address requirements ask; 2 MiB where there is room for
 * allocations of 2 MiB or more, as Linux aligns large anonymous mappings)
 * and never over any mapping of the process, ntmm's or Linux's.
 *
 * Randomization: each context draws its bottom-up base once, uniformly among
 * the 2^16 64 KiB units above 0x10000 (16 bits of entropy, from
 * get_random_u32(), so from the kernel's CSPRNG), so bottom-up allocations of
 * a process start somewhere in its first 4 GiB; those of 2 MiB or more,
 * rounded up to a 2 MiB boundary, keep 11 of the 16 bits. Top-down searches start
 * under mm->mmap_base, which Linux already randomizes (mmap_rnd_bits, 28 bits
 * on x86-64) and which keeps clear of the stack's growth.
 */
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/random.h>
#include <linux/ntmm.h>

#include "../compat.h"
#include "../process.h"
#include "placement.h"

#define GRAN	NTMM_ALLOCATION_GRANULARITY
/* The lowest address Windows hands out: the first 64 KiB stay unmapped. */
#define NTMM_USER_MIN	0x10000UL
/* The randomized base is one of this many 64 KiB units above the lowest. */
#define NTMM_BASE_UNITS_BITS	16

/**
 * ntmm_user_min() - The lowest address ntmm hands out.
 *
 * Return: 0x10000, as on Windows.
 */
unsigned long ntmm_user_min(void)
{
	return NTMM_USER_MIN;
}

/**
 * ntmm_user_max() - The highest address (inclusive) ntmm hands out.
 *
 * Windows hands out no partial 64 KiB unit at the top; on x86-64 the top is
 * 0x7ffffffff000, so the last byte is 0x7ffffffeffff, as on Windows x64.
 *
 * Return: that address.
 */
unsigned long ntmm_user_max(void)
{
	return round_down(NTMM_USER_ADDRESS_END, GRAN) - 1;
}

/**
 * ntmm_placement_base() - Draw a new context's randomized bottom-up base.
 *
 * Return: the base.
 */
unsigned long ntmm_placement_base(void)
{
	unsigned long units = get_random_u32_below(1U << NTMM_BASE_UNITS_BITS);

	return ntmm_user_min() + units * GRAN;
}

/*
 * The lowest (or highest) free [addr, addr + len) in [lo, hi) aligned to
 * @align, or 0: a gap of the mm's VMA tree, searched as vm_unmapped_area()
 * does, with room to align in it.
 */
static unsigned long ntmm_place_gap(struct mm_struct *mm, unsigned long len, bool top_down,
				    unsigned long align, unsigned long lo, unsigned long hi)
{
	MA_STATE(mas, &mm->mm_mt, 0, 0);
	unsigned long want = len + align - PAGE_SIZE;

	mmap_assert_locked(mm);
	if (hi <= lo || hi - lo < want)
		return 0;
	if (top_down)
		return mas_empty_area_rev(&mas, lo, hi - 1, want) ? 0 :
		       round_down(mas.last + 1 - len, align);
	return mas_empty_area(&mas, lo, hi - 1, want) ? 0 : ALIGN(mas.index, align);
}

/* The preferred region first, then all of [@lo, @hi); mmap_lock held. */
static unsigned long ntmm_place_in(struct ntmm_process *proc, unsigned long len,
				   bool top_down, unsigned long align, unsigned long lo,
				   unsigned long hi)
{
	struct mm_struct *mm = proc->mm;
	unsigned long addr;

	if (top_down)
		addr = ntmm_place_gap(mm, len, true, align, lo, min(hi, mm->mmap_base));
	else
		addr = ntmm_place_gap(mm, len, false, align, max(lo, proc->bottom_up_base), hi);
	if (!addr)
		addr = ntmm_place_gap(mm, len, top_down, align, lo, hi);
	return addr;
}

/**
 * ntmm_place() - Choose where a new allocation of @len bytes goes.
 * @proc: the context; its lock held.
 * @len: bytes, page aligned.
 * @top_down: MEM_TOP_DOWN.
 * @align: the start's alignment: a power of two, at least 64 KiB.
 * @lo: the lowest start allowed, at least ntmm_user_min().
 * @hi: one past the highest end allowed, at most ntmm_user_max() + 1.
 *
 * The preferred region (above the randomized base, or under mmap_base) is
 * searched first, then the whole of [@lo, @hi); an allocation of 2 MiB or
 * more is first looked for at a 2 MiB boundary, where its 2 MiB blocks can
 * take transparent large frames (large.c). The answer is a hint: the
 * caller maps it with MAP_FIXED_NOREPLACE, which fails if another thread
 * took the range meanwhile, and asks again.
 *
 * Return: the address, or 0 if no range is free.
 */
unsigned long ntmm_place(struct ntmm_process *proc, unsigned long len,
			 bool top_down, unsigned long align, unsigned long lo,
			 unsigned long hi)
{
	unsigned long addr = 0;

	lockdep_assert_held(&proc->lock);
	mmap_read_lock(proc->mm);
	/* 2 MiB or more: on a 2 MiB boundary if there is room, for large frames. */
	if (len >= PMD_SIZE && align < PMD_SIZE)
		addr = ntmm_place_in(proc, len, top_down, PMD_SIZE, lo, hi);
	if (!addr)
		addr = ntmm_place_in(proc, len, top_down, align, lo, hi);
	mmap_read_unlock(proc->mm);
	return addr;
}
