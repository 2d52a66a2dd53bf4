// SPDX-License-Identifier: GPL-2.0
/*
 * ntmm: the Windows memory manager for Linux processes, as the misc device
 * /dev/ntmm. Each process that opens it gets an address-space context;
 * ioctls are its NT calls. See docs/DESIGN.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/ntmm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>

#include "ioctl.h"
#include "pool/pool.h"
#include "process.h"
#include "remote.h"
#include "vm/commit.h"
#include "vm/exit.h"
#include "vm/large.h"
#include "vm/mm_run.h"
#include "vm/region.h"
#include "vm/section.h"
#include "vm/space.h"

static ushort mode = 0666;
module_param(mode, ushort, 0444);
MODULE_PARM_DESC(mode, "permissions of /dev/ntmm (default 0666)");

static struct dentry *ntmm_debugfs;

static int ntmm_open(struct inode *inode, struct file *file)
{
	struct ntmm_process *proc;

	/* Kernel threads have no address space to manage. */
	if (!current->mm)
		return -EINVAL;
	proc = ntmm_process_get(current->mm);
	if (IS_ERR(proc))
		return PTR_ERR(proc);
	file->private_data = proc;
	return stream_open(inode, file);
}

static int ntmm_release(struct inode *inode, struct file *file)
{
	ntmm_process_put(file->private_data);
	return 0;
}

static long ntmm_unlocked_ioctl(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	return ntmm_ioctl(file, file->private_data, cmd, (void __user *)arg);
}

static const struct file_operations ntmm_fops = {
	.owner		= THIS_MODULE,
	.open		= ntmm_open,
	.release	= ntmm_release,
	.unlocked_ioctl	= ntmm_unlocked_ioctl,
	.mmap		= ntmm_region_mmap,
};

static struct miscdevice ntmm_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "ntmm",
	.fops	= &ntmm_fops,
};

/* The counters debugfs shows, one number per file, for tests and diagnosis. */
static long ntmm_debugfs_processes(void)
{
	return ntmm_process_count();
}

/* Frames held: the address space files' pages in memory, and large pages. */
static long ntmm_debugfs_frames(void)
{
	return ntmm_process_frames() + ntmm_large_frames();
}

static long ntmm_debugfs_commit(void)
{
	return ntmm_commit_total();
}

static const struct ntmm_debugfs_counter {
	const char *name;
	long (*read)(void);
} ntmm_debugfs_counters[] = {
	{ "processes", ntmm_debugfs_processes },
	{ "frames", ntmm_debugfs_frames },
	{ "large_frames", ntmm_large_frames },
	{ "commit", ntmm_debugfs_commit },
	{ "sections", ntmm_sections_alive },
};

static int ntmm_counter_show(struct seq_file *m, void *unused)
{
	const struct ntmm_debugfs_counter *c = m->private;

	seq_printf(m, "%ld\n", c->read());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ntmm_counter);

static int __init ntmm_init(void)
{
	unsigned int i;
	int ret;

	if (mode & ~0777) {
		pr_err("mode %#o is not a permission mask\n", mode);
		return -EINVAL;
	}
	ntmm_misc.mode = mode;
	ret = ntmm_space_init();
	if (ret)
		return ret;
	ret = ntmm_pool_init();
	if (ret)
		goto err_space;
	ret = ntmm_mm_run_init();
	if (ret)
		goto err_pool;
	ntmm_remote_init();
	ret = misc_register(&ntmm_misc);
	if (ret)
		goto err_mm_run;
	/* Debugfs is for tests and diagnosis: its failure is not the module's. */
	ntmm_debugfs = debugfs_create_dir("ntmm", NULL);
	for (i = 0; i < ARRAY_SIZE(ntmm_debugfs_counters); i++)
		debugfs_create_file(ntmm_debugfs_counters[i].name, 0444, ntmm_debugfs,
				    (void *)&ntmm_debugfs_counters[i], &ntmm_counter_fops);
	pr_info("ABI %u ready at %s\n", NTMM_ABI_VERSION, NTMM_DEVICE_PATH);
	return 0;

err_mm_run:
	ntmm_mm_run_exit();
err_pool:
	ntmm_pool_exit();
err_space:
	ntmm_space_exit();
	return ret;
}

static void __exit ntmm_exit(void)
{
	debugfs_remove_recursive(ntmm_debugfs);
	misc_deregister(&ntmm_misc);
	ntmm_mm_run_exit();
	ntmm_pool_exit();
	/* VADs and contexts are freed after a grace period (kfree_rcu). */
	rcu_barrier();
	ntmm_exit_sync();
	ntmm_space_exit();
}

module_init(ntmm_init);
module_exit(ntmm_exit);

MODULE_DESCRIPTION("Windows memory manager semantics for Linux processes");
MODULE_AUTHOR("ntmm developers");
MODULE_LICENSE("GPL");
