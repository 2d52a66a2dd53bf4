// SPDX-License-Identifier: GPL-2.0
/*
 * Privilege checks (see privilege.h): capable() already asks the initial
 * user namespace; groups named by module parameters are resolved there
 * once, when the parameter is set, and compared as kgid_t.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/kernel.h>
#include <linux/sysfs.h>
#include <linux/user_namespace.h>

#include "privilege.h"

static int ntmm_group_param_set(const char *val, const struct kernel_param *kp)
{
	kgid_t *group = kp->arg, gid = INVALID_GID;
	int id, ret;

	ret = kstrtoint(val, 0, &id);
	if (ret)
		return ret;
	if (id != -1) {
		gid = make_kgid(&init_user_ns, id);
		if (id < 0 || !gid_valid(gid))
			return -EINVAL;
	}
	WRITE_ONCE(*group, gid);
	return 0;
}

static int ntmm_group_param_get(char *buffer, const struct kernel_param *kp)
{
	kgid_t gid = READ_ONCE(*(kgid_t *)kp->arg);

	if (!gid_valid(gid))
		return sysfs_emit(buffer, "-1\n");
	return sysfs_emit(buffer, "%u\n", from_kgid(&init_user_ns, gid));
}

const struct kernel_param_ops ntmm_group_param_ops = {
	.set = ntmm_group_param_set,
	.get = ntmm_group_param_get,
};

/**
 * ntmm_privileged() - Does the calling task hold a privilege?
 * @cap: the capability that stands for it (in the initial namespace).
 * @group: the group whose members hold it too, or INVALID_GID.
 *
 * Return: true with @cap, or with @group among the task's groups.
 */
bool ntmm_privileged(int cap, kgid_t group)
{
	if (capable(cap))
		return true;
	return gid_valid(group) && in_group_p(group);
}
EXPORT_SYMBOL_IF_KUNIT(ntmm_privileged);
