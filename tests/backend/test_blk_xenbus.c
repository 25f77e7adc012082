/* SPDX-License-Identifier: LGPL-2.1-only */
/* The xenbus backend state machine with xctl-blkback's hooks, against
 * xctl-xenstored: the handshake, every legal frontend transition (skipping
 * Initialised, reconnecting after Closed, going back to Initialising,
 * vanishing), teardown only after in-flight I/O, and the hostile-frontend
 * checklist's xenstore items (5, 6, 17, 27, 29). Every hostile case runs
 * beside a good disk of another domain that must keep working. */
#include "tests/backend/xbfix.h"
#include "xenstore-schema/xs_paths.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xenstore.h>

static void expect_be(struct xbfix *t, struct xbdisk *d, const char *key, const char *want)
{
	char *v = xbdisk_be_read(t, d, key);
	assert_non_null(v);
	assert_string_equal(v, want);
	free(v);
}

static void test_handshake(void **state)
{
	(void)state;
	struct xbfix t;
	xbfix_setup(&t, 2, 0);
	struct xbdisk d;
	xbdisk_add(&t, &d, 3, 51712, false);
	xbfix_until_state(&t, &d, 2, 3000);
	/* features are there when InitWait is */
	expect_be(&t, &d, XS_KEY_FEATURE_FLUSH_CACHE, "1");
	expect_be(&t, &d, XS_KEY_FEATURE_PERSISTENT, "1");
	expect_be(&t, &d, XS_KEY_FEATURE_MAX_INDIRECT_SEGMENTS, "256");
	expect_be(&t, &d, XS_KEY_MAX_RING_PAGE_ORDER, "4");
	expect_be(&t, &d, XS_KEY_MULTI_QUEUE_MAX_QUEUES, "4");
	expect_be(&t, &d, XS_KEY_FEATURE_DISCARD, "1");
	expect_be(&t, &d, XS_KEY_DISCARD_GRANULARITY, "4096");
	/* 27: the frontend's own backend-id and backend point elsewhere: only
	 * the toolstack's backend nodes count, nothing is written there */
	char elsewhere[128], home7[64];
	snprintf(elsewhere, sizeof(elsewhere), XS_FMT_VBD_BE, 7u, 3u, 51712u);
	snprintf(home7, sizeof(home7), XS_FMT_DOMAIN_HOME, 7u);
	xbdisk_fe_write(&t, &d, XS_KEY_BACKEND_ID, "7");
	xbdisk_fe_write(&t, &d, XS_KEY_BACKEND, elsewhere);
	xbdisk_connect(&t, &d);
	unsigned int len;
	assert_null(xs_read(t.xs, XBT_NULL, home7, &len));
	expect_be(&t, &d, XS_KEY_SECTORS, "8192");
	expect_be(&t, &d, XS_KEY_INFO, "0");
	expect_be(&t, &d, XS_KEY_SECTOR_SIZE, "512");
	/* the guest's marker lands at the right offset of the backing file */
	xbdisk_io(&t, &d, 2048, 0x5a);
	assert_true(xbfix_logged(&t, "domain 3 vbd 51712: connected"));
	/* the toolstack removes it: backend Closing/Closed after the frontend */
	xbdisk_fe_write(&t, &d, XS_KEY_STATE, "5");
	xbfix_until_state(&t, &d, 5, 3000);
	xbdisk_fe_write(&t, &d, XS_KEY_STATE, "6");
	xbfix_until_state(&t, &d, 6, 3000);
	xbdisk_remove(&t, &d);
	for (int i = 0; i < 200 && t.bb.xb.ndevs; i++)
		xbfix_serve(&t, 5);
	assert_int_equal(t.bb.xb.ndevs, 0);
	assert_int_equal(xenio_fake_mapped_pages(t.f), 0);
	xbfix_teardown(&t);
}

/* The toolstack removes a connected device's nodes without the close
 * handshake (xl destroy of a guest that does not answer): the backend lets
 * the device go and must not bring its state node back with a late write
 * (as Linux's xenbus_switch_state, which reads the state in the same
 * transaction first). */
static void test_removed_device_not_recreated(void **state)
{
	(void)state;
	struct xbfix t;
	xbfix_setup(&t, 0, 0);
	struct xbdisk d;
	xbdisk_add(&t, &d, 6, 51712, false);
	xbdisk_connect(&t, &d);
	/* the guest closes and the toolstack removes before the backend ran */
	xbdisk_fe_write(&t, &d, XS_KEY_STATE, "6");
	xbdisk_remove(&t, &d);
	for (int i = 0; i < 200 && t.bb.xb.ndevs; i++)
		xbfix_serve(&t, 5);
	assert_int_equal(t.bb.xb.ndevs, 0);
	xbfix_serve(&t, 50);
	assert_int_equal(xbdisk_be_state(&t, &d), -1);
	char *v = xbdisk_be_read(&t, &d, XS_KEY_STATE);
	assert_null(v);
	assert_int_equal(xenio_fake_mapped_pages(t.f), 0);
	xbfix_teardown(&t);
}

static void test_readonly_multipage_x86_32(void **state)
{
	(void)state;
	struct xbfix t;
	xbfix_setup(&t, 0, 0);
	struct xbdisk d;
	xbdisk_add(&t, &d, 4, 51728, true);
	xbfix_until_state(&t, &d, 2, 3000);
	xbdisk_fe_ring(&t, &d, 4, "x86_32-abi");
	xbdisk_fe_write(&t, &d, XS_KEY_STATE, "3");
	xbfix_until_state(&t, &d, 4, 3000);
	expect_be(&t, &d, XS_KEY_INFO, "4"); /* VDISK_READONLY */
	struct xb_dev *xd = xbfix_dev(&t, &d);
	struct blk_dev *bd = xd->priv;
	assert_int_equal(bd->q[0].npages, 4);
	assert_int_equal(bd->q[0].abi, BLK_ABI_X86_32);
	xbfix_teardown(&t);
}

/* A frontend that goes straight to Connected, then reconnects after
 * Closed, then goes back to Initialising while Connected. */
static void test_transitions(void **state)
{
	(void)state;
	struct xbfix t;
	xbfix_setup(&t, 0, 0);
	struct xbdisk d;
	xbdisk_add(&t, &d, 5, 51712, false);
	xbfix_until_state(&t, &d, 2, 3000);
	xbdisk_fe_ring(&t, &d, 1, NULL);
	xbdisk_fe_write(&t, &d, XS_KEY_STATE, "4"); /* no Initialised */
	xbfix_until_state(&t, &d, 4, 3000);
	xbdisk_io(&t, &d, 8, 1);
	/* repeated transitions do nothing */
	unsigned tr = xbfix_dev(&t, &d)->transitions;
	for (int i = 0; i < 5; i++) {
		xbdisk_fe_write(&t, &d, XS_KEY_STATE, "4");
		xbfix_serve(&t, 10);
	}
	assert_int_equal(xbfix_dev(&t, &d)->transitions, tr);
	/* Closed, then a new frontend instance */
	xbdisk_fe_write(&t, &d, XS_KEY_STATE, "6");
	xbfix_until_state(&t, &d, 6, 3000);
	assert_int_equal(xenio_fake_mapped_pages(t.f), 0);
	xbdisk_fe_write(&t, &d, XS_KEY_STATE, "1");
	xbfix_until_state(&t, &d, 2, 3000);
	xbdisk_fe_ring(&t, &d, 2, NULL);
	xbdisk_fe_write(&t, &d, XS_KEY_STATE, "3");
	xbfix_until_state(&t, &d, 4, 3000);
	xbdisk_io(&t, &d, 16, 2);
	/* back to Initialising while Connected: disconnect, InitWait */
	xbdisk_fe_write(&t, &d, XS_KEY_STATE, "1");
	xbfix_until_state(&t, &d, 2, 3000);
	assert_int_equal(xenio_fake_mapped_pages(t.f), 0);
	xbdisk_fe_ring(&t, &d, 1, NULL);
	xbdisk_fe_rm(&t, &d, XS_KEY_RING_PAGE_ORDER);
	xbdisk_fe_write(&t, &d, XS_KEY_STATE, "3");
	xbfix_until_state(&t, &d, 4, 3000);
	xbdisk_io(&t, &d, 24, 3);
	/* Closed straight from Connected, then Initialised directly */
	xbdisk_fe_write(&t, &d, XS_KEY_STATE, "6");
	xbfix_until_state(&t, &d, 6, 3000);
	xbdisk_fe_ring(&t, &d, 1, NULL);
	xbdisk_fe_write(&t, &d, XS_KEY_STATE, "3");
	xbfix_until_state(&t, &d, 4, 3000);
	xbdisk_io(&t, &d, 32, 4);
	xbfix_teardown(&t);
}

/* 17: the frontend closes, then vanishes, while I/O is in flight: grants
 * stay mapped until the I/O completed, then the device goes Closed. */
/* A read of one page through d's ring, left in flight (the fixture's disks
 * are slow): its data page is mapped. The mapped pages before it. */
static long read_in_flight(struct xbfix *t, struct xbdisk *d, uint64_t id)
{
	long base = xenio_fake_mapped_pages(t->f);
	uint32_t g = blkfe_page(&d->fe_ring, false, NULL);
	struct blk_seg s = { g, 0, 7 };
	blkfe_rw(&d->fe_ring, 0, id, 0, 1, &s);
	blkfe_push(&d->fe_ring, true);
	xbfix_serve(t, 20);
	assert_int_equal(xenio_fake_mapped_pages(t->f), base + 1); /* the data page */
	return base;
}

static void test_17_close_with_io_in_flight(void **state)
{
	(void)state;
	struct xbfix t;
	xbfix_setup(&t, 1, 300);
	struct xbdisk good, d;
	xbdisk_add(&t, &good, 2, 51712, false);
	xbdisk_add(&t, &d, 6, 51712, false);
	xbdisk_connect(&t, &good);
	xbdisk_connect(&t, &d);
	long base = read_in_flight(&t, &d, 77);
	xbdisk_fe_write(&t, &d, XS_KEY_STATE, "5");
	xbfix_serve(&t, 50);
	assert_int_equal(xbdisk_be_state(&t, &d), 4);  /* still busy */
	assert_int_equal(xenio_fake_mapped_pages(t.f), base + 1);
	xbdisk_remove(&t, &d); /* and gone */
	xbfix_serve(&t, 50);
	assert_int_equal(xenio_fake_mapped_pages(t.f), base + 1);
	for (int i = 0; i < 200 && t.bb.xb.ndevs > 1; i++)
		xbfix_serve(&t, 5);
	assert_int_equal(t.bb.xb.ndevs, 1);
	/* the good disk's ring only */
	assert_int_equal(xenio_fake_mapped_pages(t.f), base - 1);
	xbdisk_io(&t, &good, 8, 9);
	xbfix_teardown(&t);
}

/* 17 again, the frontend going straight to Closed: the backend waits for
 * the request in flight, then closes by itself (no other event comes). */
static void test_17_closed_with_io_in_flight(void **state)
{
	(void)state;
	struct xbfix t;
	xbfix_setup(&t, 1, 300);
	struct xbdisk d;
	xbdisk_add(&t, &d, 6, 51712, false);
	xbdisk_connect(&t, &d);
	long base = read_in_flight(&t, &d, 78);
	xbdisk_fe_write(&t, &d, XS_KEY_STATE, "6");
	xbfix_serve(&t, 50);
	assert_int_equal(xbdisk_be_state(&t, &d), 4); /* busy: the request is in flight */
	xbfix_until_state(&t, &d, 6, 3000);
	assert_int_equal(xenio_fake_mapped_pages(t.f), base - 1); /* ring and data page unmapped */
	xbfix_teardown(&t);
}

struct bad_fe {
	const char *name;
	const char *key, *val; /* written after the ring keys */
	const char *rm;        /* removed after the ring keys */
	const char *log;       /* the line naming the device */
};

/* 5, 6, 27: ring, queue, grant, port and protocol nodes a hostile frontend
 * can write. Each one leaves its device Closing with a log line, and the
 * good disk working. */
static void test_05_06_27_bad_nodes(void **state)
{
	(void)state;
	const struct bad_fe cases[] = {
		{ "order-above-max", XS_KEY_RING_PAGE_ORDER, "5", NULL,
		  "ring-page-order 5 is above the advertised max-ring-page-order 4" },
		{ "order-without-refs", XS_KEY_RING_PAGE_ORDER, "1", NULL,
		  "ring-ref0 is missing or not a grant reference" },
		{ "num-ring-pages-3", XS_KEY_NUM_RING_PAGES, "3", NULL,
		  "num-ring-pages 3 is not a power of two" },
		{ "queues-0", XS_KEY_MULTI_QUEUE_NUM_QUEUES, "0", NULL,
		  "multi-queue-num-queues must be 1..4" },
		{ "queues-5", XS_KEY_MULTI_QUEUE_NUM_QUEUES, "5", NULL,
		  "multi-queue-num-queues must be 1..4" },
		{ "queues-missing", XS_KEY_MULTI_QUEUE_NUM_QUEUES, "2", NULL,
		  "queue-0/ring-ref is missing" },
		{ "ref-not-granted", XS_KEY_RING_REF, "7000", NULL, "cannot map the ring (grant 7000" },
		{ "ref-out-of-range", XS_KEY_RING_REF, "4000000000", NULL, "cannot map the ring" },
		{ "ref-negative", XS_KEY_RING_REF, "-1", NULL, "ring-ref is missing or not a grant" },
		{ "ref-garbage", XS_KEY_RING_REF, "12abc", NULL, "ring-ref is missing or not a grant" },
		{ "ref-overflow", XS_KEY_RING_REF, "99999999999999999999999", NULL,
		  "ring-ref is missing or not a grant" },
		{ "ref-missing", NULL, NULL, XS_KEY_RING_REF, "ring-ref is missing" },
		{ "port-unbound", XS_KEY_EVENT_CHANNEL, "200", NULL, "cannot bind event channel 200" },
		{ "port-garbage", XS_KEY_EVENT_CHANNEL, "1e3", NULL,
		  "event-channel is missing or not a port" },
		{ "port-missing", NULL, NULL, XS_KEY_EVENT_CHANNEL, "event-channel is missing" },
		{ "protocol-unknown", XS_KEY_PROTOCOL, "x86_99-abi", NULL,
		  "unknown protocol \"x86_99-abi\"" },
		{ "order-garbage", XS_KEY_RING_PAGE_ORDER, "one", NULL,
		  "ring-page-order is not a number" },
	};
	struct xbfix t;
	xbfix_setup(&t, 0, 0);
	struct xbdisk good;
	xbdisk_add(&t, &good, 2, 51712, false);
	xbdisk_connect(&t, &good);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xbdisk d;
		uint32_t devid = 51728 + 16 * (uint32_t)i;
		xbdisk_add(&t, &d, 7, devid, false);
		xbfix_until_state(&t, &d, 2, 3000);
		xbdisk_fe_ring(&t, &d, 1, "x86_64-abi");
		if (cases[i].key)
			xbdisk_fe_write(&t, &d, cases[i].key, cases[i].val);
		if (cases[i].rm)
			xbdisk_fe_rm(&t, &d, cases[i].rm);
		xbdisk_fe_write(&t, &d, XS_KEY_STATE, "3");
		xbfix_until_state(&t, &d, 5, 3000);
		char who[64];
		snprintf(who, sizeof(who), "domain 7 vbd %u: ", devid);
		if (!xbfix_logged(&t, cases[i].log) || !xbfix_logged(&t, who))
			fail_msg("case %s: no log line \"%s\"", cases[i].name, cases[i].log);
		/* nothing of it stays mapped or bound */
		assert_false(xenio_fake_bound(t.f, 7, d.fe_ring.port));
		xbdisk_io(&t, &good, 8 * (i + 1), (uint8_t)i);
		/* the frontend closes; the toolstack removes the device */
		xbdisk_fe_write(&t, &d, XS_KEY_STATE, "6");
		xbfix_until_state(&t, &d, 6, 3000);
		xbdisk_remove(&t, &d);
		xbfix_serve(&t, 20);
	}
	assert_int_equal(t.bb.xb.ndevs, 1);
	xbfix_teardown(&t);
}

/* 5: a stale ring-ref left by a previous frontend beside ring-page-order:
 * only ring-refN count. And a ring granted read-only cannot be mapped. */
static void test_05_stale_and_readonly_ring(void **state)
{
	(void)state;
	struct xbfix t;
	xbfix_setup(&t, 0, 0);
	struct xbdisk d, ro;
	xbdisk_add(&t, &d, 8, 51712, false);
	xbfix_until_state(&t, &d, 2, 3000);
	xbdisk_fe_ring(&t, &d, 2, NULL);
	xbdisk_fe_write(&t, &d, XS_KEY_RING_REF, "6543"); /* stale, not granted */
	xbdisk_fe_write(&t, &d, XS_KEY_STATE, "3");
	xbfix_until_state(&t, &d, 4, 3000);
	xbdisk_io(&t, &d, 40, 7);
	xbdisk_add(&t, &ro, 8, 51728, false);
	xbfix_until_state(&t, &ro, 2, 3000);
	xbdisk_fe_ring(&t, &ro, 1, NULL);
	xenio_fake_grant(t.f, 8, 1000 + 256, 256, true); /* its ring: window 1 */
	xbdisk_fe_write(&t, &ro, XS_KEY_STATE, "3");
	xbfix_until_state(&t, &ro, 5, 3000);
	assert_true(xbfix_logged(&t, "domain 8 vbd 51728: cannot map the ring"));
	xbdisk_io(&t, &d, 48, 8);
	xbfix_teardown(&t);
}

/* 29: state values that are not states; and 27: a very long value. */
static void test_29_invalid_states(void **state)
{
	(void)state;
	const char *bad[] = { "9", "-1", "abc", "4294967296", "", "3 " };
	struct xbfix t;
	xbfix_setup(&t, 0, 0);
	struct xbdisk good;
	xbdisk_add(&t, &good, 2, 51712, false);
	xbdisk_connect(&t, &good);
	char *longval = malloc(3000);
	memset(longval, '7', 2999);
	longval[2999] = '\0';
	for (size_t i = 0; i <= sizeof(bad) / sizeof(bad[0]); i++) {
		struct xbdisk d;
		uint32_t devid = 51760 + 16 * (uint32_t)i;
		xbdisk_add(&t, &d, 9, devid, false);
		xbdisk_connect(&t, &d);
		xbdisk_fe_write(&t, &d, XS_KEY_STATE, i < 6 ? bad[i] : longval);
		xbfix_until_state(&t, &d, 6, 3000);
		char who[96];
		snprintf(who, sizeof(who), "domain 9 vbd %u: the frontend's state node holds no valid",
			 devid);
		assert_true(xbfix_logged(&t, who));
		assert_false(xenio_fake_bound(t.f, 9, d.fe_ring.port));
		xbdisk_io(&t, &good, 8 * (i + 1), (uint8_t)(i + 40));
		xbdisk_remove(&t, &d);
		xbfix_serve(&t, 20);
	}
	free(longval);
	xbfix_teardown(&t);
}

/* A watch flood on the frontend's state is coalesced: the state machine
 * re-reads the state and acts on what it finds. */
static void test_watch_flood(void **state)
{
	(void)state;
	struct xbfix t;
	xbfix_setup(&t, 0, 0);
	struct xbdisk d;
	xbdisk_add(&t, &d, 10, 51712, false);
	xbdisk_connect(&t, &d);
	unsigned tr = xbfix_dev(&t, &d)->transitions;
	for (int i = 0; i < 500; i++)
		xbdisk_fe_write(&t, &d, XS_KEY_STATE, (i & 1) ? "4" : "3");
	xbdisk_fe_write(&t, &d, XS_KEY_STATE, "4");
	xbfix_serve(&t, 200);
	assert_int_equal(xbfix_dev(&t, &d)->transitions, tr);
	assert_int_equal(xbdisk_be_state(&t, &d), 4);
	xbdisk_io(&t, &d, 8, 11);
	xbfix_teardown(&t);
}


/* Requests queued behind a barrier are served once it completes, with no
 * further notification from the frontend. */
static void test_behind_barrier(void **state)
{
	(void)state;
	struct xbfix t;
	xbfix_setup(&t, 1, 30);
	struct xbdisk d;
	xbdisk_add(&t, &d, 11, 51712, false);
	xbdisk_connect(&t, &d);
	uint32_t g = blkfe_page(&d.fe_ring, false, NULL);
	struct blk_seg s = { g, 0, 7 };
	blkfe_rw(&d.fe_ring, 1, 1, 0, 1, &s);
	blkfe_rw(&d.fe_ring, 2, 2, 8, 1, &s);
	blkfe_rw(&d.fe_ring, 0, 3, 16, 1, &s);
	blkfe_push(&d.fe_ring, true);
	unsigned got = 0;
	for (int i = 0; i < 400 && got < 3; i++) {
		xbfix_serve(&t, 5);
		uint64_t id;
		uint8_t op;
		int16_t st;
		while (blkfe_rsp(&d.fe_ring, &id, &op, &st)) {
			assert_int_equal(st, 0);
			assert_int_equal(id, ++got); /* in order: the barrier orders them */
		}
	}
	assert_int_equal(got, 3);
	xbfix_teardown(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake),
		cmocka_unit_test(test_removed_device_not_recreated),
		cmocka_unit_test(test_readonly_multipage_x86_32),
		cmocka_unit_test(test_transitions),
		cmocka_unit_test(test_17_close_with_io_in_flight),
		cmocka_unit_test(test_17_closed_with_io_in_flight),
		cmocka_unit_test(test_05_06_27_bad_nodes),
		cmocka_unit_test(test_05_stale_and_readonly_ring),
		cmocka_unit_test(test_29_invalid_states),
		cmocka_unit_test(test_watch_flood),
		cmocka_unit_test(test_behind_barrier),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
