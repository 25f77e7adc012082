/* SPDX-License-Identifier: LGPL-2.1-only */
/* The simulated guest's blkfront against a test backend, without the
 * toolstack: a domain in xctl-simd, its frontend and backend nodes written by
 * hand, the backend serving from memory through simd's mapper API. Both
 * sides reach Connected; the guest's reads come back through granted pages
 * (sector 0 in data/simguest), its marker write reaches the disk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <xenstore.h>

#include "common/util.h"
#include "sim/console/consoled.h"
#include "sim/simd/simd.h"
#include "tests/guest/host.h"
#include "tests/guest/testback.h"
#include "xenstore-schema/xs_paths.h"

#define T_MS 20000 /* generous: sanitizer builds on a busy 2-core machine */
#define XVDA 51712u

static struct testhost host;

static int group_setup(void **state)
{
	(void)state;
	return testhost_start(&host, true);
}

static int group_teardown(void **state)
{
	(void)state;
	testhost_stop(&host);
	return 0;
}

static bool log_has(uint32_t domid, const char *want)
{
	char p[512];
	consoled_log_path(host.dir, domid, p, sizeof(p));
	char *data = NULL;
	size_t len = 0;
	if (xctl_read_file(p, 1 << 22, &data, &len))
		return false;
	bool found = strstr(data, want) != NULL;
	free(data);
	return found;
}

static void path(char *out, size_t sz, const char *fmt, uint32_t domid, unsigned devid)
{
	snprintf(out, sz, fmt, domid, devid);
}

static void hex32(const uint8_t *p, char *out)
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/* A domain with one disk served by tb (features set by the caller), unpaused. */
static uint32_t start_guest(struct testback *tb, const char *name)
{
	uint32_t domid = testhost_domain(&host, name);
	assert_true(domid > 0);
	assert_int_equal(testback_create(tb, &host, domid, XVDA), 0);
	assert_int_equal(simd_domain_unpause(host.s, domid), 0);
	return domid;
}

static void wait_connected(struct testback *tb, uint32_t domid)
{
	char p[256], last[64];
	path(p, sizeof(p), XS_FMT_VBD_FE_STATE, domid, XVDA);
	assert_int_equal(testhost_wait_value(&host, p, "4", T_MS, testback_pump, tb, last, sizeof(last)), 0);
	snprintf(p, sizeof(p), "%s/%s", tb->be, XS_KEY_STATE);
	assert_int_equal(testhost_wait_value(&host, p, "4", T_MS, testback_pump, tb, last, sizeof(last)), 0);
}

static void wait_marker(struct testback *tb, uint32_t domid, const char *want)
{
	char p[256], last[64];
	path(p, sizeof(p), XS_FMT_SIMGUEST_DATA_VBD_MARKER, domid, XVDA);
	assert_int_equal(testhost_wait_value(&host, p, want, T_MS, testback_pump, tb, last, sizeof(last)), 0);
}

static void check_sector0(struct testback *tb, uint32_t domid)
{
	char p[256], want[65], last[80];
	hex32(tb->disk, want);
	path(p, sizeof(p), XS_FMT_SIMGUEST_DATA_VBD_SECTOR0, domid, XVDA);
	assert_int_equal(testhost_wait_value(&host, p, want, T_MS, testback_pump, tb, last, sizeof(last)), 0);
}

static void destroy(struct testback *tb, uint32_t domid)
{
	testback_close(tb);
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
}

/* A backend without multi-page rings, queues or indirect segments: the
 * frontend writes ring-ref (not ring-ref0 or ring-page-order). */
static void test_single_page_ring(void **state)
{
	(void)state;
	struct testback *tb = calloc(1, sizeof(*tb));
	tb->max_ring_page_order = tb->max_queues = tb->max_indirect = -1;
	uint32_t domid = start_guest(tb, "vbd-single");
	wait_connected(tb, domid);
	char p[256], v[64];
	path(p, sizeof(p), XS_FMT_VBD_FE_RING_REF, domid, XVDA);
	assert_int_equal(testhost_read(&host, p, v, sizeof(v)), 0);
	assert_true(atoi(v) >= 8); /* refs 0..7 are reserved */
	path(p, sizeof(p), XS_FMT_VBD_FE_RING_PAGE_ORDER, domid, XVDA);
	assert_int_not_equal(testhost_read(&host, p, v, sizeof(v)), 0);
	path(p, sizeof(p), XS_FMT_VBD_FE_MULTI_QUEUE_NUM_QUEUES, domid, XVDA);
	assert_int_not_equal(testhost_read(&host, p, v, sizeof(v)), 0);
	path(p, sizeof(p), XS_FMT_VBD_FE_FEATURE_PERSISTENT, domid, XVDA);
	assert_int_equal(testhost_read(&host, p, v, sizeof(v)), 0);
	assert_string_equal(v, "1");
	check_sector0(tb, domid);
	wait_marker(tb, domid, "written");
	/* The marker reached the disk's last sector, through a granted page. */
	char want[64];
	snprintf(want, sizeof(want), "xctl-guest marker: domain %u vbd %u\n", domid, XVDA);
	assert_memory_equal(tb->disk + (TB_SECTORS - 1) * 512, want, strlen(want));
	assert_int_equal(tb->indirect, 0);
	assert_true(tb->reads >= 1);
	char line[256];
	snprintf(line, sizeof(line), "xenbus: vbd/%u (xvda), backend %s in domain 0", XVDA, tb->be);
	for (int i = 0; i < 400 && !log_has(domid, line); i++)
		testback_pump(tb);
	assert_true(log_has(domid, line));
	assert_int_equal(tb->writes, 1);
	assert_string_equal(tb->problem, "");
	destroy(tb, domid);
	free(tb);
}

/* max-ring-page-order, two queues, indirect segments and persistent grants
 * offered: ring-page-order and queue-N/ring-refM, an indirect read. */
static void test_multipage_queues_indirect(void **state)
{
	(void)state;
	struct testback *tb = calloc(1, sizeof(*tb));
	tb->max_ring_page_order = 2;
	tb->max_queues = 2;
	tb->max_indirect = 64;
	tb->persistent = true;
	uint32_t domid = start_guest(tb, "vbd-multi");
	wait_connected(tb, domid);
	assert_int_equal(tb->order, 2);
	assert_int_equal(tb->nq, 2);
	char p[256], v[64];
	path(p, sizeof(p), XS_FMT_VBD_FE_RING_PAGE_ORDER, domid, XVDA);
	assert_int_equal(testhost_read(&host, p, v, sizeof(v)), 0);
	assert_string_equal(v, "2");
	snprintf(p, sizeof(p), XS_FMT_VBD_FE_QUEUE_RING_REF_N, domid, XVDA, 1u, 3u);
	assert_int_equal(testhost_read(&host, p, v, sizeof(v)), 0);
	snprintf(p, sizeof(p), XS_FMT_VBD_FE_QUEUE_EVENT_CHANNEL, domid, XVDA, 1u);
	assert_int_equal(testhost_read(&host, p, v, sizeof(v)), 0);
	/* no flat keys when there are queues */
	path(p, sizeof(p), XS_FMT_VBD_FE_EVENT_CHANNEL, domid, XVDA);
	assert_int_not_equal(testhost_read(&host, p, v, sizeof(v)), 0);
	check_sector0(tb, domid);
	wait_marker(tb, domid, "written");
	assert_int_equal(tb->indirect, 1);
	assert_int_equal(tb->max_segs_seen, 32); /* the guest's default max-indirect-segments */
	assert_string_equal(tb->problem, "");
	destroy(tb, domid);
	free(tb);
}

/* The knobs bound what the frontend uses: order 1, one queue, no indirect. */
static void test_knobs_bound_the_rings(void **state)
{
	(void)state;
	struct testback *tb = calloc(1, sizeof(*tb));
	tb->max_ring_page_order = 4;
	tb->max_queues = 4;
	tb->max_indirect = 256;
	uint32_t domid = testhost_domain(&host, "vbd-knobs");
	assert_true(domid > 0);
	assert_int_equal(testhost_knob(&host, XS_FMT_SIMGUEST_MAX_RING_PAGE_ORDER, domid, "1"), 0);
	assert_int_equal(testhost_knob(&host, XS_FMT_SIMGUEST_MAX_QUEUES, domid, "1"), 0);
	assert_int_equal(testhost_knob(&host, XS_FMT_SIMGUEST_MAX_INDIRECT_SEGMENTS, domid, "0"), 0);
	assert_int_equal(testback_create(tb, &host, domid, XVDA), 0);
	assert_int_equal(simd_domain_unpause(host.s, domid), 0);
	wait_connected(tb, domid);
	assert_int_equal(tb->order, 1);
	assert_int_equal(tb->nq, 1);
	char p[256], v[64];
	path(p, sizeof(p), XS_FMT_VBD_FE_RING_REF, domid, XVDA);
	assert_int_not_equal(testhost_read(&host, p, v, sizeof(v)), 0);
	snprintf(p, sizeof(p), XS_FMT_VBD_FE_RING_REF_N, domid, XVDA, 1u);
	assert_int_equal(testhost_read(&host, p, v, sizeof(v)), 0);
	wait_marker(tb, domid, "written");
	assert_int_equal(tb->indirect, 0);
	destroy(tb, domid);
	free(tb);
}

/* A read-only disk (info VDISK_READONLY): no write at all. */
static void test_readonly_disk(void **state)
{
	(void)state;
	struct testback *tb = calloc(1, sizeof(*tb));
	tb->max_ring_page_order = tb->max_queues = tb->max_indirect = -1;
	tb->readonly = true;
	uint32_t domid = start_guest(tb, "vbd-ro");
	wait_connected(tb, domid);
	check_sector0(tb, domid);
	wait_marker(tb, domid, "read-only");
	assert_int_equal(tb->writes, 0);
	assert_string_equal(tb->problem, "");
	destroy(tb, domid);
	free(tb);
}

static bool fe_closed(void *arg)
{
	struct testback *tb = arg;
	char p[256], v[16];
	snprintf(p, sizeof(p), "%s/%s", tb->fe, XS_KEY_STATE);
	return testhost_read(tb->h, p, v, sizeof(v)) == 0 && !strcmp(v, "6");
}

/* Unplug while running (the backend closes, the nodes go), then plug a new
 * disk in: the guest connects it too. */
static void test_unplug_and_hotplug(void **state)
{
	(void)state;
	struct testback *tb = calloc(1, sizeof(*tb));
	tb->max_ring_page_order = tb->max_queues = tb->max_indirect = -1;
	uint32_t domid = start_guest(tb, "vbd-hotplug");
	wait_connected(tb, domid);
	wait_marker(tb, domid, "written");
	testback_close(tb);
	assert_int_equal(testhost_wait(fe_closed, tb, T_MS, NULL, NULL), 0);
	xs_rm(host.xs, XBT_NULL, tb->fe);
	xs_rm(host.xs, XBT_NULL, tb->be);
	/* hot-plug xvdb */
	struct testback *tb2 = calloc(1, sizeof(*tb2));
	tb2->max_ring_page_order = tb2->max_queues = tb2->max_indirect = -1;
	assert_int_equal(testback_create(tb2, &host, domid, 51728u), 0);
	char p[256], last[64];
	snprintf(p, sizeof(p), XS_FMT_VBD_FE_STATE, domid, 51728u);
	assert_int_equal(testhost_wait_value(&host, p, "4", T_MS, testback_pump, tb2, last, sizeof(last)), 0);
	snprintf(p, sizeof(p), XS_FMT_SIMGUEST_DATA_VBD_MARKER, domid, 51728u);
	assert_int_equal(testhost_wait_value(&host, p, "written", T_MS, testback_pump, tb2, last, sizeof(last)), 0);
	/* Mapped now: xvdb's ring page and the console page (xctl-consoled);
	 * the test backend maps data pages only while it serves a request. */
	struct simd_domain_info info;
	assert_int_equal(simd_domain_info(host.s, domid, &info), 0);
	assert_int_equal(info.maps_of_it, 2u);
	destroy(tb2, domid);
	free(tb);
	free(tb2);
}

/* A hostile backend: after answering sector 0 honestly, it answers with an
 * id that is not in flight, or pushes responses for requests never made.
 * The frontend fails that device (Closing) and the guest lives on. */
static void hostile_case(int mode, const char *name)
{
	struct testback *tb = calloc(1, sizeof(*tb));
	tb->max_ring_page_order = tb->max_queues = tb->max_indirect = -1;
	tb->hostile = mode;
	uint32_t domid = start_guest(tb, name);
	char p[256], last[64];
	path(p, sizeof(p), XS_FMT_VBD_FE_STATE, domid, XVDA);
	assert_int_equal(testhost_wait_value(&host, p, "5", T_MS, testback_pump, tb, last, sizeof(last)), 0);
	check_sector0(tb, domid);
	/* still alive and answering */
	assert_int_equal(testhost_wait_value(&host, p, "5", 200, NULL, NULL, last, sizeof(last)), 0);
	snprintf(p, sizeof(p), XS_FMT_SIMGUEST_DATA_STATE, domid);
	assert_int_equal(testhost_wait_value(&host, p, "ready", T_MS, NULL, NULL, last, sizeof(last)), 0);
	struct simd_domain_info info;
	assert_int_equal(simd_domain_info(host.s, domid, &info), 0);
	assert_false(info.flags & SIMD_DOMF_SHUTDOWN);
	assert_true(info.guest_pid > 0);
	destroy(tb, domid);
	free(tb);
}

static void test_hostile_response_id(void **state)
{
	(void)state;
	hostile_case(TB_BAD_ID, "vbd-bad-id");
}

static void test_hostile_response_overflow(void **state)
{
	(void)state;
	hostile_case(TB_RSP_OVERFLOW, "vbd-overflow");
}

/* load-disk keeps reads in flight: the counter keeps growing. */
static bool many_requests(void *arg)
{
	struct testback *tb = arg;
	return tb->reads > 200;
}

static void test_load_disk(void **state)
{
	(void)state;
	struct testback *tb = calloc(1, sizeof(*tb));
	tb->max_ring_page_order = tb->max_queues = tb->max_indirect = -1;
	uint32_t domid = testhost_domain(&host, "vbd-load");
	assert_true(domid > 0);
	assert_int_equal(testback_create(tb, &host, domid, XVDA), 0);
	assert_int_equal(simd_domain_unpause(host.s, domid), 0);
	wait_connected(tb, domid);
	wait_marker(tb, domid, "written");
	/* written while running: the guest starts the load from its tick */
	assert_int_equal(testhost_knob(&host, XS_FMT_SIMGUEST_LOAD_DISK, domid, "8"), 0);
	assert_int_equal(testhost_wait(many_requests, tb, T_MS, testback_pump, tb), 0);
	char p[256], v[32];
	path(p, sizeof(p), XS_FMT_SIMGUEST_DATA_VBD_REQUESTS, domid, XVDA);
	assert_int_equal(testhost_wait(many_requests, tb, T_MS, testback_pump, tb), 0);
	for (int i = 0; i < 400 && (testhost_read(&host, p, v, sizeof(v)) || atoi(v) < 100); i++)
		testback_pump(tb);
	assert_true(atoi(v) >= 100);
	assert_string_equal(tb->problem, "");
	destroy(tb, domid);
	free(tb);
}

/* Heavy load over four 16-page rings with persistent grants: more grants
 * than the guest's first grant-table frame holds, so the table grows. */
static bool very_many_requests(void *arg)
{
	struct testback *tb = arg;
	return tb->reads > 3000;
}

static void test_grant_table_grows(void **state)
{
	(void)state;
	struct testback *tb = calloc(1, sizeof(*tb));
	tb->max_ring_page_order = 4;
	tb->max_queues = 4;
	tb->max_indirect = -1;
	tb->persistent = true;
	uint32_t domid = testhost_domain(&host, "vbd-grow");
	assert_true(domid > 0);
	assert_int_equal(testhost_knob(&host, XS_FMT_SIMGUEST_MAX_QUEUES, domid, "4"), 0);
	assert_int_equal(testhost_knob(&host, XS_FMT_SIMGUEST_LOAD_DISK, domid, "600"), 0);
	assert_int_equal(testback_create(tb, &host, domid, XVDA), 0);
	assert_int_equal(simd_domain_unpause(host.s, domid), 0);
	wait_connected(tb, domid);
	assert_int_equal(tb->nq, 4);
	assert_int_equal(testhost_wait(very_many_requests, tb, T_MS, testback_pump, tb), 0);
	struct simd_domain_info info;
	assert_int_equal(simd_domain_info(host.s, domid, &info), 0);
	assert_true(info.nr_grant_frames >= 2);
	char p[256], v[32];
	path(p, sizeof(p), XS_FMT_SIMGUEST_DATA_VBD_ERRORS, domid, XVDA);
	for (int i = 0; i < 400 && testhost_read(&host, p, v, sizeof(v)); i++)
		testback_pump(tb);
	assert_string_equal(v, "0");
	assert_string_equal(tb->problem, "");
	destroy(tb, domid);
	free(tb);
}

/* HVM and PVH domains run the same guest, with PV drivers. */
static void test_hvm_and_pvh(void **state)
{
	(void)state;
	const int types[] = { SIMD_TYPE_HVM, SIMD_TYPE_PVH };
	for (size_t i = 0; i < 2; i++) {
		struct testback *tb = calloc(1, sizeof(*tb));
		tb->max_ring_page_order = tb->max_queues = tb->max_indirect = -1;
		uint32_t domid = testhost_domain_type(&host, i ? "vbd-pvh" : "vbd-hvm", types[i]);
		assert_true(domid > 0);
		assert_int_equal(testback_create(tb, &host, domid, XVDA), 0);
		assert_int_equal(simd_domain_unpause(host.s, domid), 0);
		wait_connected(tb, domid);
		check_sector0(tb, domid);
		wait_marker(tb, domid, "written");
		destroy(tb, domid);
		free(tb);
	}
}

/* Poweroff with a connected disk: the frontend closes first (Linux's
 * xenbus_dev_shutdown), then the domain shuts down. */
static void test_poweroff_closes_frontends(void **state)
{
	(void)state;
	struct testback *tb = calloc(1, sizeof(*tb));
	tb->max_ring_page_order = tb->max_queues = tb->max_indirect = -1;
	uint32_t domid = start_guest(tb, "vbd-poweroff");
	wait_connected(tb, domid);
	wait_marker(tb, domid, "written");
	char p[256], last[64];
	snprintf(p, sizeof(p), XS_FMT_DOMAIN_CONTROL_SHUTDOWN, domid);
	assert_int_equal(testhost_write(&host, p, "poweroff"), 0);
	path(p, sizeof(p), XS_FMT_VBD_FE_STATE, domid, XVDA);
	assert_int_equal(testhost_wait_value(&host, p, "5", T_MS, testback_pump, tb, last, sizeof(last)), 0);
	struct simd_domain_info info;
	assert_int_equal(simd_domain_wait(host.s, domid, SIMD_DOMF_SHUTDOWN, T_MS, &info), 0);
	destroy(tb, domid);
	free(tb);
}

/* After an unplug every grant of the device has ended and its pages are
 * back: the old ring ref no longer maps and the guest holds as many pages as
 * before the disk came. With and without persistent grants. */
struct released {
	uint32_t domid, ref, nr_pages;
};

/* The ref no longer maps (a successful probe is unmapped at once) and the
 * guest is back to its page count. */
static bool ref_released(void *arg)
{
	struct released *r = arg;
	struct simd_grant_map *m = NULL;
	if (simd_grant_map(host.s, r->domid, &r->ref, 1, true, &m) == 0) {
		simd_grant_unmap(host.s, m);
		return false;
	}
	struct simd_domain_info info;
	return simd_domain_info(host.s, r->domid, &info) == 0 && info.nr_pages == r->nr_pages;
}

static void unplug_releases(bool persistent, const char *name)
{
	uint32_t domid = testhost_domain(&host, name);
	assert_true(domid > 0);
	assert_int_equal(simd_domain_unpause(host.s, domid), 0);
	char p[256], last[64];
	snprintf(p, sizeof(p), XS_FMT_SIMGUEST_DATA_STATE, domid);
	assert_int_equal(testhost_wait_value(&host, p, "ready", T_MS, NULL, NULL, last, sizeof(last)), 0);
	struct simd_domain_info before, after;
	assert_int_equal(simd_domain_info(host.s, domid, &before), 0);
	struct testback *tb = calloc(1, sizeof(*tb));
	tb->max_ring_page_order = 1;
	tb->max_queues = -1;
	tb->max_indirect = 32;
	tb->persistent = persistent;
	assert_int_equal(testback_create(tb, &host, domid, XVDA), 0);
	wait_connected(tb, domid);
	wait_marker(tb, domid, "written");
	uint32_t ref;
	snprintf(p, sizeof(p), XS_FMT_VBD_FE_RING_REF_N, domid, XVDA, 0u);
	assert_int_equal(testhost_read(&host, p, last, sizeof(last)), 0);
	ref = (uint32_t)atoi(last);
	testback_close(tb);
	assert_int_equal(testhost_wait(fe_closed, tb, T_MS, NULL, NULL), 0);
	/* The guest may have tried to end access while the backend still
	 * mapped the ring: it retries from its tick (deferred end of access). */
	assert_int_equal(testhost_wait(ref_released, &(struct released){ domid, ref, before.nr_pages }, T_MS, NULL,
				       NULL),
			 0);
	assert_int_equal(simd_domain_info(host.s, domid, &after), 0);
	assert_int_equal(after.nr_pages, before.nr_pages);
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
	free(tb);
}

static void test_unplug_releases_grants(void **state)
{
	(void)state;
	unplug_releases(false, "vbd-release");
}

static void test_unplug_releases_persistent_grants(void **state)
{
	(void)state;
	unplug_releases(true, "vbd-release-p");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_page_ring),
		cmocka_unit_test(test_multipage_queues_indirect),
		cmocka_unit_test(test_knobs_bound_the_rings),
		cmocka_unit_test(test_readonly_disk),
		cmocka_unit_test(test_unplug_and_hotplug),
		cmocka_unit_test(test_hostile_response_id),
		cmocka_unit_test(test_hostile_response_overflow),
		cmocka_unit_test(test_load_disk),
		cmocka_unit_test(test_hvm_and_pvh),
		cmocka_unit_test(test_grant_table_grows),
		cmocka_unit_test(test_poweroff_closes_frontends),
		cmocka_unit_test(test_unplug_releases_grants),
		cmocka_unit_test(test_unplug_releases_persistent_grants),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
