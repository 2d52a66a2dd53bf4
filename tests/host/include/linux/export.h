/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: nothing is exported from a host test. */
#ifndef NTMM_HOST_LINUX_EXPORT_H
#define NTMM_HOST_LINUX_EXPORT_H
#endif
