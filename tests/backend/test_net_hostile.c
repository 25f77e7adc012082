/* SPDX-License-Identifier: LGPL-2.1-only */
/* Hostile netif frontends (the checklist's ring-level items for netif and
 * items 19-26): each breaks one rule; the vif is disabled (protocol
 * errors) or the packet answered with an error, with a log line naming the
 * vif, and the good vif of another domain keeps working. */
#include "tests/backend/netfix.h"
#include "common/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <xen/io/netif.h>

#include <cmocka.h>

#define WHO "domain 1 vif 0: "

static void done(struct netfix *t)
{
	netfix_good_check(t);
	netfix_teardown(t);
}

static int16_t first_status(struct netfix *t)
{
	uint16_t id;
	int16_t st = 99;
	if (!netfe_tx_rsp(&t->fe, &id, &st))
		fail_msg("no tx response");
	return st;
}

/* 1: tx and rx req_prod far ahead. */
static void test_01_overflow(void **state)
{
	(void)state;
	struct netfix t;
	netfix_setup(&t);
	*netfe_idx(t.fe.tx, 0) = 1000;
	assert_int_equal(net_tx_process(&t.v->q[0], 0), XCTL_ERR_PROTO);
	assert_true(t.v->failed);
	assert_true(netfix_logged(&t, WHO "tx req_prod 1000 is 1000 requests ahead"));
	assert_true(netfix_logged(&t, "the vif is disabled"));
	done(&t);
	netfix_setup(&t);
	uint8_t fr[100];
	netfix_frame(fr, sizeof(fr), 1);
	net_rx_frame(t.v, fr, sizeof(fr));
	*netfe_idx(t.fe.rx, 0) = 0x80000000u;
	net_rx_process(&t.v->q[0]);
	assert_true(t.v->failed);
	assert_true(netfix_logged(&t, WHO "rx req_prod"));
	done(&t);
}

/* 3 and 8: garbage event indexes; responses fully written. */
static void test_03_08_events_and_responses(void **state)
{
	(void)state;
	struct netfix t;
	netfix_setup(&t);
	uint8_t fr[100];
	netfix_frame(fr, sizeof(fr), 2);
	for (int i = 0; i < 40; i++) {
		*netfe_idx(t.fe.tx, 3) = (uint32_t)(i * 0x9e3779b9u);
		netfe_send(&t.fe, fr, sizeof(fr), 1, 0);
		netfe_tx_push(&t.fe, true);
		netfix_step(&t);
	}
	assert_true(xenio_fake_notified(t.f, 1, t.fe.tx_port) <= 40);
	/* an rx request with garbage in its pad: the response has exactly
	 * id, offset 0, flags, status */
	netfe_rx_post(&t.fe, 1);
	uint8_t *slot = t.fe.rx + 64;
	slot[2] = slot[3] = 0xee;
	net_rx_frame(t.v, fr, sizeof(fr));
	netfix_step(&t);
	uint8_t want[8] = { 0, 0, 0, 0, NETRXF_data_validated, 0, 100, 0 };
	assert_memory_equal(slot, want, 8);
	done(&t);
}

/* 7: an event storm with no work. */
static void test_07_event_storm(void **state)
{
	(void)state;
	struct netfix t;
	netfix_setup(&t);
	unsigned rearmed = 0;
	for (int i = 0; i < 50000; i++)
		rearmed += net_queue_event(&t.v->q[0], 5000);
	assert_true(rearmed <= STORM_SPURIOUS_MAX);
	assert_true(netfix_logged(&t, "domain 1 vif 0 queue 0: event storm"));
	assert_false(t.v->failed);
	done(&t);
}

/* 19: sizes. */
static void test_19_sizes(void **state)
{
	(void)state;
	struct netfix t;
	netfix_setup(&t);
	uint8_t *p;
	uint32_t g = netfe_page(&t.fe, true, &p);
	netfe_tx_slot(&t.fe, g, 0, 0, 1, 13);
	netfe_tx_push(&t.fe, true);
	netfix_step(&t);
	assert_int_equal(first_status(&t), NETIF_RSP_ERROR);
	assert_true(netfix_logged(&t, WHO "packet dropped: shorter than an Ethernet header"));
	assert_false(t.v->failed);
	assert_int_equal(t.cap.n, 0);
	netfe_tx_slot(&t.fe, g, 0, 0, 2, 0xffff); /* one slot cannot hold 64 KiB */
	netfe_tx_push(&t.fe, true);
	netfix_step(&t);
	assert_true(t.v->failed);
	assert_true(netfix_logged(&t, WHO "a fragment crosses its page (offset 0, size 65535)"));
	done(&t);

	netfix_setup(&t);
	g = netfe_page(&t.fe, true, NULL);
	netfe_tx_slot(&t.fe, g, 4000, 0, 1, 200);
	netfe_tx_push(&t.fe, true);
	netfix_step(&t);
	assert_true(netfix_logged(&t, WHO "a fragment crosses its page (offset 4000"));
	done(&t);

	netfix_setup(&t);
	g = netfe_page(&t.fe, true, NULL);
	netfe_tx_slot(&t.fe, g, 0, NETTXF_more_data, 1, 100);
	netfe_tx_slot(&t.fe, g, 0, 0, 2, 300); /* bigger than the packet */
	netfe_tx_push(&t.fe, true);
	netfix_step(&t);
	assert_true(netfix_logged(&t, WHO "fragments (300 bytes) larger than the packet (100)"));
	done(&t);
}

/* 20: slot counts, an endless chain, zero-length fragments. */
static void test_20_slots(void **state)
{
	(void)state;
	struct netfix t;
	netfix_setup(&t);
	uint8_t fr[1900];
	netfix_frame(fr, sizeof(fr), 5);
	netfe_send(&t.fe, fr, sizeof(fr), 19, 0); /* 19 > 18: dropped */
	netfe_tx_push(&t.fe, true);
	netfix_step(&t);
	assert_int_equal(first_status(&t), NETIF_RSP_ERROR);
	assert_false(t.v->failed);
	assert_true(netfix_logged(&t, WHO "packet dropped: more than 18 slots"));
	/* zero-length fragments in the middle are fine */
	uint8_t *a, *b;
	uint32_t ga = netfe_page(&t.fe, true, &a), gb = netfe_page(&t.fe, true, &b);
	memcpy(a, fr, 60);
	memcpy(b, fr + 60, 40);
	netfe_tx_slot(&t.fe, ga, 0, NETTXF_more_data, 1, 100);
	netfe_tx_slot(&t.fe, gb, 0, NETTXF_more_data, 2, 0);
	netfe_tx_slot(&t.fe, gb, 0, NETTXF_more_data, 3, 40);
	netfe_tx_slot(&t.fe, gb, 0, 0, 4, 0);
	netfe_tx_push(&t.fe, true);
	netfix_step(&t);
	assert_int_equal(t.cap.n, 1);
	assert_int_equal(t.cap.len[0], 100);
	assert_memory_equal(t.cap.frame[0], fr, 100);
	done(&t);

	/* an endless more_data chain over the whole ring */
	netfix_setup(&t);
	uint32_t g = netfe_page(&t.fe, true, NULL);
	for (int i = 0; i < 255; i++)
		netfe_tx_slot(&t.fe, g, 0, NETTXF_more_data, (uint16_t)i, 60);
	netfe_tx_push(&t.fe, true);
	netfix_step(&t);
	assert_true(t.v->failed);
	assert_true(netfix_logged(&t, WHO "a packet of more than 20 slots"));
	done(&t);

	/* a chain whose end is not published yet waits, it is not an error */
	netfix_setup(&t);
	g = netfe_page(&t.fe, true, NULL);
	netfe_tx_slot(&t.fe, g, 0, NETTXF_more_data, 1, 100);
	netfe_tx_push(&t.fe, true);
	netfix_step(&t);
	assert_false(t.v->failed);
	assert_int_equal(t.v->q[0].tx_req_cons, 0);
	netfe_tx_slot(&t.fe, g, 0, 0, 2, 40);
	netfe_tx_push(&t.fe, true);
	netfix_step(&t);
	assert_int_equal(t.cap.n, 1);
	done(&t);
}

static void extra_case(const uint8_t *types, unsigned n, bool gso, uint16_t gso_size,
		       uint8_t gso_type, const char *log)
{
	struct netfix t;
	netfix_setup(&t);
	t.v->gso = gso;
	uint8_t fr[100];
	netfix_frame(fr, sizeof(fr), 6);
	uint8_t *p;
	uint32_t g = netfe_page(&t.fe, true, &p);
	memcpy(p, fr, sizeof(fr));
	netfe_tx_slot(&t.fe, g, 0, NETTXF_extra_info, 1, 100);
	for (unsigned i = 0; i < n; i++) {
		uint8_t u[10] = { 0 };
		memcpy(u, &gso_size, 2);
		u[2] = gso_type;
		netfe_tx_extra(&t.fe, types[i], i + 1 < n ? XEN_NETIF_EXTRA_FLAG_MORE : 0, u, 10);
	}
	netfe_tx_push(&t.fe, true);
	netfix_step(&t);
	assert_true(t.v->failed);
	if (!netfix_logged(&t, log))
		fail_msg("no log line \"%s\"", log);
	assert_int_equal(t.cap.n, 0);
	done(&t);
}

/* 21: extra info. */
static void test_21_extra_info(void **state)
{
	(void)state;
	extra_case((uint8_t[]){ XEN_NETIF_EXTRA_TYPE_NONE }, 1, false, 0, 0,
		   WHO "extra info of unknown type 0");
	extra_case((uint8_t[]){ XEN_NETIF_EXTRA_TYPE_MAX }, 1, false, 0, 0,
		   WHO "extra info of unknown type 5");
	extra_case((uint8_t[]){ 2, 2 }, 2, false, 0, 0, WHO "extra info of type 2 twice");
	extra_case((uint8_t[]){ 4, 2, 3, 4 }, 4, false, 0, 0, WHO "extra info of type 4 twice");
	extra_case((uint8_t[]){ 1, 2, 3, 4, 2 }, 5, true, 1400, 1,
		   WHO "an extra-info chain longer than 4");
	extra_case((uint8_t[]){ XEN_NETIF_EXTRA_TYPE_GSO }, 1, false, 1400, 1,
		   WHO "a GSO packet, but GSO was not negotiated");
	extra_case((uint8_t[]){ XEN_NETIF_EXTRA_TYPE_GSO }, 1, true, 0, 1,
		   WHO "GSO extra with size 0 and type 1");
	extra_case((uint8_t[]){ XEN_NETIF_EXTRA_TYPE_GSO }, 1, true, 1400, 9,
		   WHO "GSO extra with size 1400 and type 9");
}

/* 22: headers split over many fragments arrive linearised. */
static void test_22_split_headers(void **state)
{
	(void)state;
	struct netfix t;
	netfix_setup(&t);
	uint8_t fr[120];
	netfix_frame(fr, sizeof(fr), 8);
	netfe_send(&t.fe, fr, sizeof(fr), 12, NETTXF_csum_blank); /* 10 bytes a slot */
	netfe_tx_push(&t.fe, true);
	netfix_step(&t);
	assert_int_equal(t.cap.n, 1);
	assert_int_equal(t.cap.len[0], 120);
	assert_memory_equal(t.cap.frame[0], fr, 40);
	assert_memory_equal(t.cap.frame[0] + 42, fr + 42, 78);
	done(&t);
}

/* 23: a guest that posts too few rx buffers: the queue stays bounded. */
static void test_23_rx_starvation(void **state)
{
	(void)state;
	struct netfix t;
	netfix_setup(&t);
	uint8_t fr[1500], got[4096];
	netfix_frame(fr, sizeof(fr), 9);
	netfe_rx_post(&t.fe, 1);
	for (int i = 0; i < 10000; i++) {
		net_rx_frame(t.v, fr, sizeof(fr));
		if (i % 100 == 0)
			netfix_step(&t);
	}
	struct net_queue *q = &t.v->q[0];
	assert_true(q->rxq_len <= NET_RXQ_MAX_PKTS);
	assert_true(q->rxq_bytes <= NET_RXQ_MAX_BYTES);
	assert_true(t.v->st.rx_dropped >= 10000 - NET_RXQ_MAX_PKTS - 1);
	assert_int_equal(netfe_rx_get(&t.fe, got, sizeof(got)), 1500);
	netfe_rx_post(&t.fe, 64);
	netfix_step(&t);
	int n = 0;
	while (netfe_rx_get(&t.fe, got, sizeof(got)) == 1500)
		n++;
	assert_int_equal(n, 64);
	assert_false(t.v->failed);
	done(&t);
}

/* 25: an unbounded multicast list. */
static void test_25_mcast_flood(void **state)
{
	(void)state;
	struct netfix t;
	netfix_setup(&t);
	for (int i = 0; i < 1000; i++) {
		uint8_t mac[6] = { 0x01, 0x00, 0x5e, 0, (uint8_t)(i >> 8), (uint8_t)i };
		netfe_tx_slot(&t.fe, 0, 0, NETTXF_extra_info, (uint16_t)i, 0);
		netfe_tx_extra(&t.fe, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0, mac, 6);
		netfe_tx_push(&t.fe, true);
		netfix_step(&t);
		uint16_t id;
		int16_t st;
		assert_int_equal(netfe_tx_rsp(&t.fe, &id, &st), 1);
		assert_int_equal(st, NETIF_RSP_OKAY);
		assert_int_equal(netfe_tx_rsp(&t.fe, &id, &st), 1);
		assert_int_equal(st, NETIF_RSP_NULL);
	}
	assert_int_equal(t.v->nmcast, NET_MCAST_MAX);
	assert_int_equal(t.v->st.mcast_ignored, 1000 - NET_MCAST_MAX);
	assert_true(netfix_logged(&t, WHO "more than 64 multicast addresses"));
	assert_false(t.v->failed);
	done(&t);
}

/* 26: a packet larger than the whole credit goes on full credit; others
 * wait for the refill, without spinning. */
static void test_26_credit(void **state)
{
	(void)state;
	struct netfix t;
	netfix_setup(&t);
	t.v->credit_bytes = 100;
	t.v->credit_ms = 50;
	uint8_t fr[1500];
	netfix_frame(fr, sizeof(fr), 10);
	for (int i = 0; i < 3; i++)
		netfe_send(&t.fe, fr, sizeof(fr), 1, 0);
	netfe_tx_push(&t.fe, true);
	assert_int_equal(net_tx_process(&t.v->q[0], 1000), 0);
	assert_int_equal(t.cap.n, 1);
	assert_int_equal(net_tx_process(&t.v->q[0], 1010), 0);
	assert_int_equal(t.cap.n, 1);
	assert_true(t.v->st.credit_waits >= 1);
	assert_int_equal(net_tx_process(&t.v->q[0], 1060), 0);
	assert_int_equal(t.cap.n, 2);
	assert_int_equal(net_tx_process(&t.v->q[0], 1120), 0);
	assert_int_equal(t.cap.n, 3);
	done(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_01_overflow),
		cmocka_unit_test(test_03_08_events_and_responses),
		cmocka_unit_test(test_07_event_storm),
		cmocka_unit_test(test_19_sizes),
		cmocka_unit_test(test_20_slots),
		cmocka_unit_test(test_21_extra_info),
		cmocka_unit_test(test_22_split_headers),
		cmocka_unit_test(test_23_rx_starvation),
		cmocka_unit_test(test_25_mcast_flood),
		cmocka_unit_test(test_26_credit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
