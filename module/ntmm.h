/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntmm's internal interfaces, shared by the files of ntmm.ko and by its
 * KUnit tests (through EXPORT_SYMBOL_IF_KUNIT).
 *
 * Locking, outermost first:
 *   ntmm_process.lock   one NT call that changes the address space at a time
 *   mmap_lock            the mm's; VMAs, and so the range tree's writers
 *   ntmm_vad.lock       a VAD's page states against its page tables
 * Faults come in holding mmap_lock (or, on 6.12, the VMA's lock) and take
 * only ntmm_vad.lock for read. VirtualQuery reads the range tree and the
 * page states under RCU.
 */
#ifndef NTMM_INTERNAL_H
#define NTMM_INTERNAL_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "core/range_tree.h"

struct file;
struct mm_struct;
struct task_struct;
struct vm_area_struct;
struct vm_fault;

/* Refused accesses remembered per thread, by thread id modulo this. */
#define NTMM_FAULT_SLOTS	16

/**
 * struct ntmm_fault_slot - the last access the module refused to a thread.
 * @tid:	the thread.
 * @page:	the page of the faulting address.
 * @reason:	NTMM_FAULT_*; NTMM_FAULT_UNKNOWN once read.
 * @access:	NTMM_ACCESS_*.
 */
struct ntmm_fault_slot {
	pid_t tid;
	unsigned long page;
	u32 reason;
	u32 access;
};

/**
 * struct ntmm_process - the ntmm context of one address space.
 * @mm:		the address space, held by mmgrab(): the key of the context
 *		and the one mm allowed to use it.
 * @ref:	one reference per open file of the process (and per caller of
 *		ntmm_process_get()); the context dies with the last.
 * @hash:	in ntmm_processes, under ntmm_processes_lock.
 * @lock:	serializes the NT calls that change the address space, each a
 *		check followed by a change. Taken before mmap_lock.
 * @vads:	the allocations by address. Written only with mmap_lock held
 *		for write (->mmap and ->close), read under RCU.
 * @commit:	pages this process has committed (atomic: faults never touch it).
 * @bottom_up_base: where bottom-up searches start (randomized at creation).
 * @mmap_vad:	the VAD an allocating call is mapping, for ->mmap to adopt;
 *		only @mmap_task's mmap may take it. Both written under @lock.
 * @mmap_task:	the task inside vm_mmap() for @mmap_vad.
 * @faults_lock: protects @faults; taken in the fault path, never nested.
 * @faults:	refused accesses, for libntmm's exception handling.
 * @pool_quota:	kernel pool bytes charged to this process (POOL_FLAG_USE_QUOTA);
 *		refcounted, as allocations may outlive the context.
 * @rcu:	frees the context after the pools' RCU lookups are done.
 */
struct ntmm_process {
	struct mm_struct *mm;
	struct kref ref;
	struct hlist_node hash;
	struct mutex lock;		/* see above: one NT call at a time */
	struct ntmm_range_tree vads;
	atomic_long_t commit;
	unsigned long bottom_up_base;
	struct ntmm_vad *mmap_vad;
	struct task_struct *mmap_task;
	spinlock_t faults_lock;		/* see above: guards @faults only */
	struct ntmm_fault_slot faults[NTMM_FAULT_SLOTS];
	struct ntmm_pool_quota *pool_quota;
	struct rcu_head rcu;
};

/**
 * struct ntmm_pool_quota - pool memory charged to one process.
 * @ref:	one for the context, one per charged allocation.
 * @used:	bytes per pool (enum ntmm_pool_kind), atomic.
 * @rcu:	frees it after RCU lookups (ntmm_pool_quota_get()) are done.
 */
struct ntmm_pool_quota {
	refcount_t ref;
	atomic_long_t used[2];
	struct rcu_head rcu;
};

/* Flags of a VAD. */
#define NTMM_VAD_WRITE_WATCH	BIT(0)
#define NTMM_VAD_LARGE		BIT(1)	/* MEM_LARGE_PAGES: 2 MiB frames */

/* A large page: an order-9 frame, 512 small pages. */
#define NTMM_LARGE_ORDER	9
#define NTMM_LARGE_NR		BIT(NTMM_LARGE_ORDER)

/**
 * struct ntmm_vad - one allocation (a VirtualAlloc reservation): one VMA.
 * @proc:	the owning context; it outlives the VAD (the VMA holds the file).
 * @start:	first byte, 64 KiB aligned; the VMA's start.
 * @end:	one past the last byte, page aligned; the VMA's end.
 * @alloc_protect: the protection given at allocation (AllocationProtect).
 * @flags:	NTMM_VAD_*.
 * @node:	the NUMA node frames come from first, or NUMA_NO_NODE for the
 *		node of the CPU that first touches the page.
 * @lock:	faults hold it for read from checking a page's state to mapping
 *		it; calls that change states hold it for write and zap the
 *		affected PTEs before dropping it, so no PTE outlives its state.
 * @pages:	page index -> state (a value entry, see vad.c) for committed
 *		pages; a missing entry is a reserved page. Changed under @lock
 *		held for write, except by faults, which hold it for read and
 *		change an entry only with xa_cmpxchg() (frame, guard bit).
 * @reset_node: on the reset shrinker's list while the VAD may hold reset
 *		frames; under ntmm_reset_lock (reset.c).
 * @ahead:	some pages were mapped ahead of their first touch (a
 *		transparent frame, large.c); set by faults, never cleared.
 * @rcu:	frees the VAD after RCU readers (VirtualQuery) are done.
 */
struct ntmm_vad {
	struct ntmm_process *proc;
	unsigned long start;
	unsigned long end;
	u32 alloc_protect;
	u32 flags;
	int node;
	struct rw_semaphore lock;
	struct xarray pages;
	struct list_head reset_node;
	bool ahead;
	struct rcu_head rcu;
};

/* process.c */
struct ntmm_process *ntmm_process_get(struct mm_struct *mm);
void ntmm_process_put(struct ntmm_process *proc);
unsigned int ntmm_process_count(void);

/* ioctl.c */
long ntmm_ioctl(struct file *file, struct ntmm_process *proc,
		 unsigned int cmd, void __user *arg);
int ntmm_copy_struct_in(void *dst, size_t ksize, size_t min_size,
			 const void __user *src);
int ntmm_copy_struct_out(void __user *dst, const void *src, size_t ksize);

/* commit.c */
u32 ntmm_commit_charge(struct ntmm_process *proc, unsigned long pages);
void ntmm_commit_uncharge(struct ntmm_process *proc, unsigned long pages);
unsigned long ntmm_commit_limit(void);
unsigned long ntmm_commit_total(void);

/* vad.c */
struct ntmm_vad *ntmm_vad_create(struct ntmm_process *proc,
				   unsigned long start, unsigned long end,
				   u32 protect, u32 flags, int node);
void ntmm_vad_destroy(struct ntmm_vad *vad);
int ntmm_vad_mmap(struct file *file, struct vm_area_struct *vma);
struct vm_area_struct *ntmm_vad_vma(struct ntmm_vad *vad);
u32 ntmm_vad_commit_new(struct ntmm_vad *vad, u32 protect);
u32 ntmm_vad_commit_large(struct ntmm_vad *vad, u32 protect);
u32 ntmm_vad_commit(struct ntmm_vad *vad, struct vm_area_struct *vma,
		     unsigned long first, unsigned long last, u32 protect);
void ntmm_vad_decommit(struct ntmm_vad *vad, struct vm_area_struct *vma,
			unsigned long first, unsigned long last);
u32 ntmm_vad_protect(struct ntmm_vad *vad, struct vm_area_struct *vma,
		      unsigned long first, unsigned long last, u32 protect,
		      u32 *old_protect);
void ntmm_vad_query(struct ntmm_vad *vad, unsigned long idx,
		     u32 *state, u32 *protect, unsigned long *pages);
u32 ntmm_vad_lock(struct ntmm_vad *vad, unsigned long first, unsigned long last,
		   bool lock);
unsigned long ntmm_vad_write_watch(struct ntmm_vad *vad, struct vm_area_struct *vma,
				    unsigned long *first, unsigned long last, bool reset,
				    unsigned long *found, unsigned long max);
void ntmm_vad_reset_watch(struct ntmm_vad *vad, struct vm_area_struct *vma,
			   unsigned long first, unsigned long last);
void ntmm_vad_zap(struct ntmm_vad *vad, struct vm_area_struct *vma,
		   unsigned long first, unsigned long last);
void ntmm_vad_split_frames(struct ntmm_vad *vad, unsigned long first,
			    unsigned long last, bool all);
long ntmm_frames(void);

/* reset.c */
void ntmm_vad_reset(struct ntmm_vad *vad, struct vm_area_struct *vma,
		     unsigned long first, unsigned long last);
u32 ntmm_vad_reset_undo(struct ntmm_vad *vad, unsigned long first,
			 unsigned long last);
void ntmm_reset_dropped(long frames);
long ntmm_reset_frames(void);
int ntmm_reset_init(void);
void ntmm_reset_exit(void);

/* large.c */
bool ntmm_large_privileged(void);
struct page *ntmm_large_alloc(int node);
struct page *ntmm_large_alloc_transparent(int node);
void ntmm_large_split(struct page *frame);
long ntmm_large_transparent_count(bool split);
long ntmm_large_maps(bool pmd);
vm_fault_t ntmm_large_map_ptes(struct vm_fault *vmf, unsigned long pfn, pgprot_t prot);
vm_fault_t ntmm_large_map_pmd(struct vm_fault *vmf, unsigned long pfn, pgprot_t prot);

/* working_set.c */
long ntmm_ioctl_working_set_ex(struct ntmm_process *proc, void __user *arg);

/* pool_tags.c, process.c, pool_special.c: the kernel pools (see pool.h) */
long ntmm_ioctl_pool_tags(void __user *arg);
long ntmm_pool_quota_usage(struct ntmm_process *proc, unsigned int kind);
bool ntmm_pool_tag_counts(u32 tag, unsigned int kind, unsigned long *allocs,
			   unsigned long *frees, long *bytes);
void ntmm_pool_special_set_underrun(bool underrun);
int ntmm_pool_special_parse(const char *list);

/* fault_reason.c */
void ntmm_fault_record(struct ntmm_process *proc, unsigned long address,
			u32 reason, u32 access);
long ntmm_ioctl_fault_reason(struct ntmm_process *proc, void __user *arg);

/* placement.c */
void ntmm_placement_init(struct ntmm_process *proc);
unsigned long ntmm_place(struct ntmm_process *proc, unsigned long len,
			  bool top_down, unsigned long align, unsigned long lo,
			  unsigned long hi);
unsigned long ntmm_user_min(void);
unsigned long ntmm_user_max(void);

/* virtual.c */
long ntmm_ioctl_allocate(struct file *file, struct ntmm_process *proc,
			  void __user *arg);
long ntmm_ioctl_free(struct ntmm_process *proc, void __user *arg);
long ntmm_ioctl_protect(struct ntmm_process *proc, void __user *arg);
long ntmm_ioctl_query(struct ntmm_process *proc, void __user *arg);
long ntmm_ioctl_memory_status(struct ntmm_process *proc, void __user *arg);
long ntmm_ioctl_lock(struct ntmm_process *proc, void __user *arg);
long ntmm_ioctl_write_watch(struct ntmm_process *proc, void __user *arg);

#endif /* NTMM_INTERNAL_H */
