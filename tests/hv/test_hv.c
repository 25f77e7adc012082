/* SPDX-License-Identifier: LGPL-2.1-only */
/* The hv port's shared helpers over a table of fake domains: lookup by
 * name and domid as xl does, fault injection counting, cpu maps. */
#include "toolstack/hv/hv.h"
#include "common/err.h"
#include "common/log.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const struct xctl_hv_dominfo doms[] = {
	{ .domid = 0, .name = "Domain-0", .uuid = "00000000-0000-0000-0000-000000000000" },
	{ .domid = 3, .name = "web", .uuid = "11111111-2222-3333-4444-555555555555" },
	{ .domid = 7, .name = "42x", .uuid = "aaaaaaaa-2222-3333-4444-555555555555" },
};

static int fake_list(struct xctl_hv *hv, struct xctl_hv_dominfo **out, size_t *n)
{
	(void)hv;
	*out = malloc(sizeof(doms));
	if (!*out)
		return XCTL_ERR_NOMEM;
	memcpy(*out, doms, sizeof(doms));
	*n = sizeof(doms) / sizeof(doms[0]);
	return 0;
}

static int fake_info(struct xctl_hv *hv, uint32_t domid, struct xctl_hv_dominfo *out)
{
	(void)hv;
	for (size_t i = 0; i < sizeof(doms) / sizeof(doms[0]); i++)
		if (doms[i].domid == domid) {
			*out = doms[i];
			return 0;
		}
	return XCTL_ERR_NOTFOUND;
}

static const struct xctl_hv_ops fake_ops = { .name = "fake", .list = fake_list, .info = fake_info };

static void test_lookup(void **state)
{
	(void)state;
	struct xctl_log lg;
	xctl_log_init(&lg, "test", XCTL_LOG_ERROR);
	struct xctl_hv hv = { .ops = &fake_ops, .log = &lg };
	uint32_t id = 99;
	assert_int_equal(xctl_hv_lookup(&hv, "web", &id), 0);
	assert_int_equal(id, 3);
	assert_int_equal(xctl_hv_lookup(&hv, "7", &id), 0);
	assert_int_equal(id, 7);
	assert_int_equal(xctl_hv_lookup(&hv, "0", &id), 0);
	assert_int_equal(id, 0);
	/* a name that starts with digits is a name */
	assert_int_equal(xctl_hv_lookup(&hv, "42x", &id), 0);
	assert_int_equal(id, 7);
	assert_int_equal(xctl_hv_lookup(&hv, "5", &id), XCTL_ERR_NOTFOUND);
	assert_int_equal(xctl_hv_lookup(&hv, "nosuch", &id), XCTL_ERR_NOTFOUND);
	assert_int_equal(xctl_hv_lookup(&hv, "", &id), XCTL_ERR_NOTFOUND);
	assert_int_equal(xctl_hv_lookup(&hv, "99999999999", &id), XCTL_ERR_NOTFOUND);
	assert_int_equal(xctl_hv_domid_by_uuid(&hv, "aaaaaaaa-2222-3333-4444-555555555555", &id), 0);
	assert_int_equal(id, 7);
	assert_int_equal(xctl_hv_domid_by_uuid(&hv, "bbbbbbbb-2222-3333-4444-555555555555", &id),
			 XCTL_ERR_NOTFOUND);
}

static void test_fault(void **state)
{
	(void)state;
	struct xctl_log lg;
	xctl_log_init(&lg, "test", XCTL_LOG_ERROR - 1);
	struct xctl_hv hv = { .ops = &fake_ops, .log = &lg, .fault_at = 3 };
	assert_int_equal(xctl_hv_fault(&hv, "a"), 0);
	assert_int_equal(xctl_hv_fault(&hv, "b"), 0);
	errno = 0;
	assert_int_not_equal(xctl_hv_fault(&hv, "c"), 0);
	assert_int_equal(errno, EIO); /* a message that reports errno names a failure */
	assert_int_equal(xctl_hv_fault(&hv, "d"), 0);
	assert_int_equal(hv.calls, 4);
}

static void test_be_state_reached(void **state)
{
	(void)state;
	/* a wait for InitWait: InitWait to Connected reach it, Closing and
	 * Closed refuse, earlier states and a missing node wait */
	for (int st = -1; st <= 8; st++) {
		enum xctl_hv_bewait want = st >= 5 ? XCTL_HV_BE_REFUSED : st >= 2 ? XCTL_HV_BE_REACHED : XCTL_HV_BE_WAIT;
		assert_int_equal(xctl_hv_be_state_reached(2, st), want);
	}
	assert_int_equal(xctl_hv_be_state_reached(4, 3), XCTL_HV_BE_WAIT);
	assert_int_equal(xctl_hv_be_state_reached(4, 4), XCTL_HV_BE_REACHED);
	/* a wait for Closed: Closed and up, or the node gone */
	assert_int_equal(xctl_hv_be_state_reached(6, 5), XCTL_HV_BE_WAIT);
	assert_int_equal(xctl_hv_be_state_reached(6, 6), XCTL_HV_BE_REACHED);
	assert_int_equal(xctl_hv_be_state_reached(6, -1), XCTL_HV_BE_REACHED);
	assert_int_equal(xctl_hv_be_state_reached(6, 4), XCTL_HV_BE_WAIT);
}

static void test_cpumap(void **state)
{
	(void)state;
	struct xctl_hv_cpumap m;
	assert_int_equal(xctl_hv_cpumap_alloc(&m, 9), 0);
	assert_int_equal(m.nbytes, 2);
	assert_false(xctl_hv_cpumap_test(&m, 8));
	xctl_hv_cpumap_set(&m, 8);
	xctl_hv_cpumap_set(&m, 1);
	xctl_hv_cpumap_set(&m, 100); /* beyond the map: ignored */
	assert_true(xctl_hv_cpumap_test(&m, 8));
	assert_true(xctl_hv_cpumap_test(&m, 1));
	assert_false(xctl_hv_cpumap_test(&m, 0));
	assert_false(xctl_hv_cpumap_test(&m, 100));
	assert_int_equal(m.map[0], 2);
	assert_int_equal(m.map[1], 1);
	xctl_hv_cpumap_free(&m);
	assert_null(m.map);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(xctl_shutdown_reason_name(XCTL_SHUTDOWN_CRASH), "crash");
	assert_string_equal(xctl_shutdown_reason_name(XCTL_SHUTDOWN_SOFT_RESET), "soft_reset");
	assert_string_equal(xctl_shutdown_reason_name(XCTL_SHUTDOWN_POWEROFF), "poweroff");
	assert_string_equal(xctl_shutdown_reason_name(6), "unknown");
	assert_string_equal(xctl_shutdown_reason_name(-1), "unknown");
	assert_string_equal(xctl_hv_kind_name(XCTL_HV_SIM), "sim");
	assert_string_equal(xctl_hv_kind_name(XCTL_HV_XEN), "xen");
	assert_string_equal(xctl_hv_kind_name(XCTL_HV_AUTO), "auto");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_fault),
		cmocka_unit_test(test_be_state_reached), cmocka_unit_test(test_cpumap),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("hv", tests, NULL, NULL);
}
