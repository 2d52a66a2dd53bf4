/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: a host test links the code it tests into itself. */
#ifndef NTMM_HOST_KUNIT_VISIBILITY_H
#define NTMM_HOST_KUNIT_VISIBILITY_H

#define EXPORT_SYMBOL_IF_KUNIT(sym)	extern int ntmm_host_unexported_##sym

#endif
