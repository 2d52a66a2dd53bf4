// SPDX-License-Identifier: GPL-2.0
/*
 * QueryWorkingSetEx for private memory: for each page asked about, whether
 * it is valid (has a frame a PTE may map under its protection, and was
 * touched if its frame came ahead of a touch) and, if so,
 * its protection, the NUMA node of its frame, and whether it is locked or
 * part of a large page. Pages ntmm does not manage report not valid.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/uaccess.h>
#include <linux/ntmm.h>

#include "core/nt_rules.h"
#include "page_state.h"
#include "ntmm.h"

/* Entries read and written per copy. */
#define NTMM_WS_BATCH	32

static int ntmm_ws_pte_young(pte_t *pte, unsigned long addr, void *data)
{
	*(bool *)data = pte_young(ptep_get(pte));
	return 0;
}

/*
 * Was the page at @addr, mapped ahead of its first touch, touched since?
 * Its PTE's accessed bit says; no PTE, no touch since the last zap (which
 * learnt of earlier touches, see ntmm_vad_zap()). mmap_lock held.
 */
static bool ntmm_ws_touched(struct mm_struct *mm, unsigned long addr)
{
	bool young = false;

	apply_to_existing_page_range(mm, addr & PAGE_MASK, PAGE_SIZE, ntmm_ws_pte_young, &young);
	return young;
}

/*
 * PSAPI_WORKING_SET_EX_BLOCK of the page of @addr; mmap_lock held, which
 * keeps the VADs (only munmap frees them) and their page tables.
 */
static u64 ntmm_ws_attributes(struct ntmm_process *proc, u64 addr)
{
	const struct ntmm_range *r;
	struct ntmm_vad *vad;
	unsigned long state;
	void *entry;
	u32 prot;
	u64 attr;

	if (addr > ntmm_user_max())
		return 0;
	r = ntmm_range_tree_find(&proc->vads, addr);
	if (!r)
		return 0;
	vad = r->owner;
	entry = xa_load(&vad->pages, (addr - vad->start) >> PAGE_SHIFT);
	if (!entry)
		return 0;
	state = xa_to_value(entry);
	prot = state & PS_PROT_MASK;
	/* Valid: backed, and accessible, so a touch would not fault it in. */
	if (!(state & PS_FRAME) || (state & PS_RESET) || (prot & NT_PAGE_GUARD) ||
	    !nt_protect_access(prot))
		return 0;
	/* Windows shows a page never touched as not valid, frame or no frame. */
	if ((state & PS_AHEAD) && !ntmm_ws_touched(proc->mm, addr))
		return 0;
	attr = NTMM_WS_VALID | (u64)prot << NTMM_WS_PROTECTION_SHIFT |
	       (u64)(page_to_nid(ps_page(state)) & 0x3f) << NTMM_WS_NODE_SHIFT;
	if (state & PS_LOCKED)
		attr |= NTMM_WS_LOCKED;
	/* A transparent frame is mapped by 4 KiB PTEs: no large page to Windows. */
	if ((state & PS_LARGE) && (vad->flags & NTMM_VAD_LARGE))
		attr |= NTMM_WS_LARGE_PAGE;
	return attr;
}

/**
 * ntmm_ioctl_working_set_ex() - NTMM_IOC_WORKING_SET_EX.
 * @proc: the caller's context.
 * @arg: the user's struct ntmm_working_set_ex.
 *
 * Return: 0 (outcome in status), -EINVAL or -EFAULT.
 */
long ntmm_ioctl_working_set_ex(struct ntmm_process *proc, void __user *arg)
{
	struct ntmm_ws_entry batch[NTMM_WS_BATCH];
	struct ntmm_working_set_ex w;
	struct ntmm_ws_entry __user *entries;
	u32 done, n, i;
	int ret;

	ret = ntmm_copy_struct_in(&w, sizeof(w), NTMM_WORKING_SET_EX_SIZE_VER0, arg);
	if (ret)
		return ret;
	if (w.__pad0)
		return -EINVAL;
	entries = u64_to_user_ptr(w.entries);
	for (done = 0; done < w.count; done += n) {
		n = min_t(u32, w.count - done, NTMM_WS_BATCH);
		if (copy_from_user(batch, entries + done, n * sizeof(batch[0])))
			return -EFAULT;
		mmap_read_lock(proc->mm);
		for (i = 0; i < n; i++)
			batch[i].attributes = ntmm_ws_attributes(proc, batch[i].address);
		mmap_read_unlock(proc->mm);
		if (copy_to_user(entries + done, batch, n * sizeof(batch[0])))
			return -EFAULT;
		cond_resched();
	}
	w.status = NTMM_STATUS_SUCCESS;
	return ntmm_copy_struct_out(arg, &w, sizeof(w));
}
