/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The executive pools (ExAllocatePool2 and family, include/ntmm/wdm.h) as
 * the rest of the module sees them: set up, torn down, and counted by tag.
 */
#ifndef NTMM_POOL_POOL_H
#define NTMM_POOL_POOL_H

#include <linux/ntmm.h>
#include <linux/types.h>

int ntmm_pool_init(void);
void ntmm_pool_exit(void);

/* Called with every tag's counters, outside RCU; a non-zero return stops the walk. */
typedef int (*ntmm_pool_tag_fn)(void *ctx, const struct ntmm_pool_tag_info *info);
int ntmm_pool_tags_for_each(ntmm_pool_tag_fn fn, void *ctx);

/* For the KUnit suite. */
bool ntmm_pool_tag_counts(u32 tag, unsigned int kind, unsigned long *allocs,
			  unsigned long *frees, long *bytes);
void ntmm_pool_special_set_underrun(bool underrun);
int ntmm_pool_special_parse(const char *list);

#endif /* NTMM_POOL_POOL_H */
