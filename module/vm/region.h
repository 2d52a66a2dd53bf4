/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Regions (region.c): the VMAs that hold ntmm memory, windows on the
 * process's address space file, invisible to every Windows call.
 */
#ifndef NTMM_VM_REGION_H
#define NTMM_VM_REGION_H

#include <linux/mm_types.h>
#include <linux/types.h>

#include "../ntstatus.h"

struct file;
struct ntmm_process;
struct ntmm_vad;
struct vm_area_struct;
struct vm_fault;

/*
 * What a region's VMA is made for; its pieces may differ, by re-windowing.
 * Large pages are mapped with their own protection.
 */
enum ntmm_region_kind {
	NTMM_REGION_DATA,	/* pages that do not execute */
	NTMM_REGION_CODE,	/* pages that may execute */
	NTMM_REGION_LARGE_NONE,	/* large pages: PAGE_NOACCESS */
	NTMM_REGION_LARGE_R,	/* PAGE_READONLY */
	NTMM_REGION_LARGE_RW,	/* PAGE_READWRITE */
	NTMM_REGION_LARGE_RX,	/* PAGE_EXECUTE, PAGE_EXECUTE_READ */
	NTMM_REGION_LARGE_RWX,	/* PAGE_EXECUTE_READWRITE */
};

static inline bool ntmm_region_large(enum ntmm_region_kind kind)
{
	return kind >= NTMM_REGION_LARGE_NONE;
}

int ntmm_region_mmap(struct file *file, struct vm_area_struct *vma);
ntstatus_t ntmm_region_cover(struct file *file, struct ntmm_process *proc,
			     unsigned long start, unsigned long end,
			     enum ntmm_region_kind kind);
ntstatus_t ntmm_region_map_ops(struct file *file, struct ntmm_process *proc,
			       unsigned long start, unsigned long end,
			       enum ntmm_region_kind kind, bool replace,
			       const struct vm_operations_struct *ops, void *private);
ntstatus_t ntmm_region_over(struct file *file, struct ntmm_process *proc,
			    unsigned long start, unsigned long end);
ntstatus_t ntmm_region_prepare(struct file *file, struct ntmm_process *proc,
			       unsigned long start, unsigned long end,
			       enum ntmm_region_kind kind);
bool ntmm_region_covers(struct ntmm_process *proc, unsigned long start, unsigned long end,
			enum ntmm_region_kind kind);
bool ntmm_region_vma(struct ntmm_process *proc, const struct vm_area_struct *vma);
ntstatus_t ntmm_region_make(struct file *file, struct ntmm_process *proc,
			    unsigned long start, unsigned long end,
			    enum ntmm_region_kind kind);
unsigned long ntmm_region_place(struct ntmm_process *proc, unsigned long len,
				bool top_down, unsigned long align, unsigned long lo,
				unsigned long hi, enum ntmm_region_kind kind);
ntstatus_t ntmm_region_rewindow(struct file *file, struct ntmm_process *proc,
				unsigned long start, unsigned long end,
				enum ntmm_region_kind kind);
void ntmm_region_released(struct file *file, struct ntmm_process *proc, unsigned long start,
			  unsigned long end, bool had_pages);
enum ntmm_region_kind ntmm_region_kind_at(struct ntmm_process *proc, unsigned long addr);
int ntmm_region_mremap(struct vm_area_struct *vma);
int ntmm_region_mprotect(struct vm_area_struct *vma, unsigned long start,
			 unsigned long end, unsigned long newflags);
bool ntmm_region_only(struct ntmm_process *proc, unsigned long start, unsigned long end);
unsigned int ntmm_region_access(const struct vm_fault *vmf);
vm_fault_t ntmm_region_refuse(struct ntmm_process *proc, unsigned long address,
			      u32 reason, unsigned int access);
vm_fault_t ntmm_region_unguard(struct ntmm_vad *vad, unsigned long idx,
			       unsigned long address, unsigned int access);

#endif /* NTMM_VM_REGION_H */
