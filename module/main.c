// SPDX-License-Identifier: GPL-2.0
/*
 * winmm: the Windows memory manager for Linux processes, as the misc device
 * /dev/winmm. Each process that opens it gets an address-space context;
 * ioctls are its NT calls. See docs/DESIGN.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/winmm.h>

#include "pool.h"
#include "winmm.h"

static ushort mode = 0666;
module_param(mode, ushort, 0444);
MODULE_PARM_DESC(mode, "permissions of /dev/winmm (default 0666)");

static struct dentry *winmm_debugfs;

static int winmm_open(struct inode *inode, struct file *file)
{
	struct winmm_process *proc;

	/* Kernel threads have no address space to manage. */
	if (!current->mm)
		return -EINVAL;
	proc = winmm_process_get(current->mm);
	if (IS_ERR(proc))
		return PTR_ERR(proc);
	file->private_data = proc;
	return stream_open(inode, file);
}

static int winmm_release(struct inode *inode, struct file *file)
{
	winmm_process_put(file->private_data);
	return 0;
}

static long winmm_unlocked_ioctl(struct file *file, unsigned int cmd,
				 unsigned long arg)
{
	return winmm_ioctl(file, file->private_data, cmd, (void __user *)arg);
}

static const struct file_operations winmm_fops = {
	.owner		= THIS_MODULE,
	.open		= winmm_open,
	.release	= winmm_release,
	.unlocked_ioctl	= winmm_unlocked_ioctl,
	.mmap		= winmm_vad_mmap,
};

static struct miscdevice winmm_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "winmm",
	.fops	= &winmm_fops,
};

/* The counters debugfs shows, one number per file, for tests and diagnosis. */
static long winmm_debugfs_processes(void)
{
	return winmm_process_count();
}

static long winmm_debugfs_commit(void)
{
	return winmm_commit_total();
}

static long winmm_debugfs_large_pmd_maps(void)
{
	return winmm_large_maps(true);
}

static long winmm_debugfs_large_pte_maps(void)
{
	return winmm_large_maps(false);
}

static long winmm_debugfs_large_transparent(void)
{
	return winmm_large_transparent_count(false);
}

static long winmm_debugfs_large_splits(void)
{
	return winmm_large_transparent_count(true);
}

static const struct winmm_debugfs_counter {
	const char *name;
	long (*read)(void);
} winmm_debugfs_counters[] = {
	{ "processes", winmm_debugfs_processes },
	{ "frames", winmm_frames },
	{ "reset_frames", winmm_reset_frames },
	{ "commit", winmm_debugfs_commit },
	{ "large_pmd_maps", winmm_debugfs_large_pmd_maps },
	{ "large_pte_maps", winmm_debugfs_large_pte_maps },
	{ "large_transparent", winmm_debugfs_large_transparent },
	{ "large_splits", winmm_debugfs_large_splits },
};

static int winmm_counter_show(struct seq_file *m, void *unused)
{
	const struct winmm_debugfs_counter *c = m->private;

	seq_printf(m, "%ld\n", c->read());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(winmm_counter);

static int __init winmm_init(void)
{
	unsigned int i;
	int ret;

	if (mode & ~0777) {
		pr_err("mode %#o is not a permission mask\n", mode);
		return -EINVAL;
	}
	winmm_misc.mode = mode;
	ret = winmm_reset_init();
	if (ret)
		return ret;
	ret = winmm_pool_init();
	if (ret)
		goto err_reset;
	ret = misc_register(&winmm_misc);
	if (ret)
		goto err_pool;
	/* Debugfs is for tests and diagnosis: its failure is not the module's. */
	winmm_debugfs = debugfs_create_dir("winmm", NULL);
	for (i = 0; i < ARRAY_SIZE(winmm_debugfs_counters); i++)
		debugfs_create_file(winmm_debugfs_counters[i].name, 0444, winmm_debugfs,
				    (void *)&winmm_debugfs_counters[i], &winmm_counter_fops);
	pr_info("ABI %u ready at %s\n", WINMM_ABI_VERSION, WINMM_DEVICE_PATH);
	return 0;

err_pool:
	winmm_pool_exit();
err_reset:
	winmm_reset_exit();
	return ret;
}

static void __exit winmm_exit(void)
{
	debugfs_remove_recursive(winmm_debugfs);
	misc_deregister(&winmm_misc);
	winmm_pool_exit();
	winmm_reset_exit();
	/* The range tree frees replaced nodes with call_rcu(): code in this module. */
	rcu_barrier();
}

module_init(winmm_init);
module_exit(winmm_exit);

MODULE_DESCRIPTION("Windows memory manager semantics for Linux processes");
MODULE_AUTHOR("winmm developers");
MODULE_LICENSE("GPL");
