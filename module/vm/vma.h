/* SPDX-License-Identifier: GPL-2.0 */
/* The VMA of a VAD: the device's mmap and the VMA's operations (vma.c). */
#ifndef NTMM_VM_VMA_H
#define NTMM_VM_VMA_H

struct file;
struct ntmm_vad;
struct vm_area_struct;

int ntmm_vma_mmap(struct file *file, struct vm_area_struct *vma);
struct vm_area_struct *ntmm_vma_of(struct ntmm_vad *vad);

#endif /* NTMM_VM_VMA_H */
