/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Windows' privileges, as Linux capabilities or membership of a group a
 * module parameter names. Every id is resolved in the initial user
 * namespace, never in the caller's: a process that maps a group id to its
 * own in a namespace of its making gains nothing by it.
 */
#ifndef NTMM_PRIVILEGE_H
#define NTMM_PRIVILEGE_H

#include <linux/moduleparam.h>
#include <linux/uidgid.h>

extern const struct kernel_param_ops ntmm_group_param_ops;

/*
 * The ops of a module parameter naming a group (a kgid_t): set as a gid of
 * the initial namespace, or -1 for none (INVALID_GID). Read it with
 * READ_ONCE(): it may be written through sysfs.
 */

bool ntmm_privileged(int cap, kgid_t group);

#endif /* NTMM_PRIVILEGE_H */
