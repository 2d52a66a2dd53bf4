// SPDX-License-Identifier: GPL-2.0
/*
 * ntmm_kunit.ko: the KUnit suites of ntmm, each in a *_kunit.c next to the
 * code it tests; this file only makes them one module.
 */
#include <linux/module.h>

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for ntmm");
MODULE_LICENSE("GPL");
