/* SPDX-License-Identifier: LGPL-2.1-only */
/* `make demo` must keep working: run its scripts as a user would and check
 * that each one finishes and shows what it promises. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tests/cli/runcmd.h"

static void test_config_demo(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, "cd \"$XCTL_SRC\" && sh tests/config/demo.sh");
	if (r.status)
		print_error("%s%s", r.out, r.err);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "configs/pv.cfg: pv guest"));
	assert_non_null(strstr(r.out, "configs/pvh.cfg: pvh guest"));
	assert_non_null(strstr(r.out, "configs/hvm.cfg: hvm guest"));
	runcmd_free(&r);
}

static void test_xenstore_demo(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, "cd \"$XCTL_SRC\" && sh sim/demo/xenstore-demo.sh");
	if (r.status)
		print_error("%s%s", r.out, r.err);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "/local/domain/1/device/vbd/51712/ring-ref = \"8\"   (n1,r0)"));
	assert_non_null(strstr(r.out, "207 nodes checked (phase connected), 0 violations"));
	runcmd_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_demo),
		cmocka_unit_test(test_xenstore_demo),
	};
	return cmocka_run_group_tests_name("demo", tests, NULL, NULL);
}
