// SPDX-License-Identifier: GPL-2.0
/*
 * Placeholders (item 40): a reservation made with MEM_RESERVE_PLACEHOLDER
 * that nothing may commit, which VirtualFree splits
 * (MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER) and joins
 * (MEM_COALESCE_PLACEHOLDERS), and which an allocation
 * (MEM_REPLACE_PLACEHOLDER) or a view (MapViewOfFile3) replaces whole,
 * giving it back when it goes with MEM_PRESERVE_PLACEHOLDER. A placeholder
 * is a VAD (NTMM_VAD_PLACEHOLDER) inside regions, as any reservation: the
 * address space stays held while its pieces change hands. Every function
 * here runs under proc->lock, so no NT call sees a span half changed;
 * VirtualQuery, under RCU, may see a moment without it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/ntmm.h>
#include <linux/numa.h>

#include "../process.h"
#include "nt_rules.h"
#include "placeholder.h"
#include "vad.h"

/* The placeholder VAD holding @addr, with a reference, or NULL. */
static struct ntmm_vad *ntmm_placeholder_at(struct ntmm_process *proc, unsigned long addr)
{
	struct ntmm_vad *vad = ntmm_vad_get(proc, addr);

	if (vad && !(vad->flags & NTMM_VAD_PLACEHOLDER)) {
		ntmm_vad_put(vad);
		vad = NULL;
	}
	return vad;
}

/**
 * ntmm_placeholder_take() - Remove the placeholder spanning exactly [@start, @end).
 * @proc: the context; its lock held.
 * @start: first byte.
 * @end: one past the last.
 *
 * For what replaces it: the range is then free in the VAD tree, its
 * regions still mapped.
 *
 * Return: STATUS_SUCCESS, or STATUS_CONFLICTING_ADDRESSES if no
 * placeholder spans exactly that.
 */
ntstatus_t ntmm_placeholder_take(struct ntmm_process *proc, unsigned long start,
				 unsigned long end)
{
	struct ntmm_vad *vad;
	ntstatus_t status = STATUS_CONFLICTING_ADDRESSES;

	lockdep_assert_held(&proc->lock);
	vad = ntmm_placeholder_at(proc, start);
	if (!vad)
		return status;
	if (vad->start == start && vad->end == end) {
		ntmm_vad_release(vad);
		status = STATUS_SUCCESS;
	}
	ntmm_vad_put(vad);
	return status;
}

/**
 * ntmm_placeholder_put() - A placeholder over [@start, @end), which regions cover.
 * @proc: the context; its lock held.
 * @start: first byte, page aligned.
 * @end: one past the last, page aligned.
 *
 * Return: STATUS_SUCCESS, STATUS_CONFLICTING_ADDRESSES or STATUS_NO_MEMORY.
 */
ntstatus_t ntmm_placeholder_put(struct ntmm_process *proc, unsigned long start,
				unsigned long end)
{
	struct ntmm_vad *vad;
	ntstatus_t status;

	lockdep_assert_held(&proc->lock);
	vad = ntmm_vad_create(proc, start, end, NTMM_PAGE_NOACCESS, NTMM_VAD_PLACEHOLDER,
			      NUMA_NO_NODE);
	if (!vad)
		return STATUS_NO_MEMORY;
	status = ntmm_vad_insert(vad);
	if (status)
		ntmm_vad_put(vad);
	return status;
}

/*
 * Is [@start, @end) a span placeholders can have: whole pages, not empty?
 * Windows splits them at any page, which is how a view lands on an
 * address off 64 KiB.
 */
static bool ntmm_placeholder_span(unsigned long start, unsigned long end)
{
	return start < end && PAGE_ALIGNED(start) && PAGE_ALIGNED(end);
}

/**
 * ntmm_placeholder_split() - Split [@start, @end) off the placeholder @vad.
 * @vad: a placeholder, with a reference; proc->lock held.
 * @start: first byte of the piece, inside @vad.
 * @end: one past its last.
 *
 * The placeholder becomes up to three: before the piece, the piece, after
 * it. All or nothing: the new VADs are made before the old one goes.
 *
 * Return: STATUS_SUCCESS, STATUS_CONFLICTING_ADDRESSES (a span that is not
 * a piece of it) or STATUS_NO_MEMORY.
 */
ntstatus_t ntmm_placeholder_split(struct ntmm_vad *vad, unsigned long start, unsigned long end)
{
	unsigned long bounds[4] = { vad->start, start, end, vad->end };
	struct ntmm_process *proc = vad->proc;
	struct ntmm_vad *piece[3] = {};
	ntstatus_t status = STATUS_SUCCESS;
	int i;

	lockdep_assert_held(&proc->lock);
	if (!ntmm_placeholder_span(start, end) || start < vad->start || end > vad->end ||
	    (start == vad->start && end == vad->end))
		return STATUS_CONFLICTING_ADDRESSES;
	for (i = 0; i < 3; i++) {
		if (bounds[i] == bounds[i + 1])
			continue;
		piece[i] = ntmm_vad_create(proc, bounds[i], bounds[i + 1], NTMM_PAGE_NOACCESS,
					   NTMM_VAD_PLACEHOLDER, NUMA_NO_NODE);
		if (!piece[i])
			status = STATUS_NO_MEMORY;
	}
	if (!status) {
		ntmm_vad_release(vad);
		for (i = 0; i < 3; i++) {
			/* The range was just vacated, under proc->lock: no allocation is there. */
			if (piece[i] && !ntmm_vad_insert(piece[i]))
				piece[i] = NULL;
			else if (piece[i])
				status = STATUS_NO_MEMORY;
		}
	}
	for (i = 0; i < 3; i++)
		if (piece[i])
			ntmm_vad_put(piece[i]);
	return status;
}

/**
 * ntmm_placeholder_coalesce() - Join the placeholders spanning exactly [@start, @end).
 * @proc: the context; its lock held.
 * @start: the first one's start.
 * @end: the last one's end.
 *
 * Return: STATUS_SUCCESS, STATUS_CONFLICTING_ADDRESSES (the span is not
 * two or more adjacent placeholders, whole) or STATUS_NO_MEMORY.
 */
ntstatus_t ntmm_placeholder_coalesce(struct ntmm_process *proc, unsigned long start,
				     unsigned long end)
{
	unsigned long addr = start;
	struct ntmm_vad *vad, *joined;
	unsigned int n = 0;

	lockdep_assert_held(&proc->lock);
	if (!ntmm_placeholder_span(start, end))
		return STATUS_CONFLICTING_ADDRESSES;
	while (addr < end) {
		vad = ntmm_placeholder_at(proc, addr);
		if (!vad || vad->start != addr || vad->end > end) {
			if (vad)
				ntmm_vad_put(vad);
			return STATUS_CONFLICTING_ADDRESSES;
		}
		addr = vad->end;
		ntmm_vad_put(vad);
		n++;
	}
	if (n < 2)
		return STATUS_CONFLICTING_ADDRESSES;
	joined = ntmm_vad_create(proc, start, end, NTMM_PAGE_NOACCESS, NTMM_VAD_PLACEHOLDER,
				 NUMA_NO_NODE);
	if (!joined)
		return STATUS_NO_MEMORY;
	ntmm_vad_release_range(proc, start, end);
	if (ntmm_vad_insert(joined)) {
		ntmm_vad_put(joined);
		return STATUS_NO_MEMORY;
	}
	return STATUS_SUCCESS;
}
