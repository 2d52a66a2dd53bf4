// SPDX-License-Identifier: GPL-2.0
/*
 * NT's argument rules on the host: the module's own KUnit suite
 * (module/vm/nt_rules_kunit.c) and the code it tests, built with the host
 * shims in tests/host/include under ASan and UBSan.
 */
#include "../../module/vm/nt_rules.c"
#include "../../module/vm/nt_rules_kunit.c"

int main(void)
{
	return kunit_host_run();
}
