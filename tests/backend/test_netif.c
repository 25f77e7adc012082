/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-netback's ring engine over xenio/fake: tx (single and
 * scatter-gather, checksum completion), rx-copy (single and multi-slot),
 * multi-queue. */
#include "tests/backend/netfix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <xen/io/netif.h>

#include <cmocka.h>

static void test_tx_single_and_sg(void **state)
{
	(void)state;
	struct netfix t;
	netfix_setup(&t);
	uint8_t fr[1500];
	netfix_frame(fr, sizeof(fr), 1);
	netfe_send(&t.fe, fr, sizeof(fr), 1, 0);
	netfe_send(&t.fe, fr, 1000, 3, 0);
	netfe_tx_push(&t.fe, true);
	netfix_step(&t);
	assert_int_equal(t.cap.n, 2);
	assert_int_equal(t.cap.len[0], 1500);
	assert_memory_equal(t.cap.frame[0], fr, 1500);
	assert_int_equal(t.cap.len[1], 1000);
	assert_memory_equal(t.cap.frame[1], fr, 1000);
	uint16_t id;
	int16_t st;
	unsigned n = 0;
	while (netfe_tx_rsp(&t.fe, &id, &st)) {
		assert_int_equal(st, NETIF_RSP_OKAY);
		n++;
	}
	assert_int_equal(n, 4);
	assert_true(xenio_fake_notified(t.f, 1, t.fe.tx_port) >= 1);
	netfix_teardown(&t);
}

static uint16_t udp_verify(const uint8_t *f, size_t len)
{
	const uint8_t *ip = f + 14;
	size_t l4 = len - 34;
	uint32_t s = 0;
	for (int i = 12; i < 20; i += 2)
		s += (uint32_t)ip[i] << 8 | ip[i + 1];
	s += 17 + (uint32_t)l4;
	for (size_t i = 0; i + 1 < l4; i += 2)
		s += (uint32_t)ip[20 + i] << 8 | ip[21 + i];
	if (l4 & 1)
		s += (uint32_t)ip[20 + l4 - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void test_tx_csum_blank(void **state)
{
	(void)state;
	struct netfix t;
	netfix_setup(&t);
	uint8_t fr[777];
	netfix_frame(fr, sizeof(fr), 7);
	netfe_send(&t.fe, fr, sizeof(fr), 2, NETTXF_csum_blank | NETTXF_data_validated);
	netfe_tx_push(&t.fe, true);
	netfix_step(&t);
	assert_int_equal(t.cap.n, 1);
	assert_int_equal(udp_verify(t.cap.frame[0], 777), 0xffff);
	assert_memory_equal(t.cap.frame[0], fr, 40); /* headers unchanged */
	netfix_teardown(&t);
}

static void test_rx(void **state)
{
	(void)state;
	struct netfix t;
	netfix_setup(&t);
	uint8_t fr[9000], got[16384];
	netfix_frame(fr, 1500, 3);
	netfe_rx_post(&t.fe, 8);
	net_rx_frame(t.v, fr, 1500);
	netfix_step(&t);
	assert_int_equal(netfe_rx_get(&t.fe, got, sizeof(got)), 1500);
	assert_memory_equal(got, fr, 1500);
	/* a jumbo frame over three slots (feature-sg) */
	netfix_frame(fr, sizeof(fr), 4);
	net_rx_frame(t.v, fr, sizeof(fr));
	netfix_step(&t);
	assert_int_equal(netfe_rx_get(&t.fe, got, sizeof(got)), (int)sizeof(fr));
	assert_memory_equal(got, fr, sizeof(fr));
	/* without sg it is dropped */
	t.v->sg = false;
	net_rx_frame(t.v, fr, sizeof(fr));
	netfix_step(&t);
	assert_int_equal(netfe_rx_get(&t.fe, got, sizeof(got)), 0);
	assert_int_equal(t.v->st.rx_dropped, 1);
	assert_true(xenio_fake_notified(t.f, 1, t.fe.rx_port) >= 2);
	netfix_teardown(&t);
}

static void test_multiqueue(void **state)
{
	(void)state;
	struct netfix t;
	netfix_setup(&t);
	struct netfe fe1;
	assert_int_equal(netfe_init(&fe1, t.f, 1, 600, 900), 0);
	assert_int_equal(netbe_attach(t.v, &fe1, t.x, 1), 0);
	assert_int_equal(t.v->nq, 2);
	uint8_t fr[200], got[4096];
	netfix_frame(fr, sizeof(fr), 9);
	netfe_send(&fe1, fr, sizeof(fr), 1, 0);
	netfe_tx_push(&fe1, true);
	net_tx_process(&t.v->q[1], 0);
	assert_int_equal(t.cap.n, 1);
	/* frames of many flows spread over both queues */
	netfe_rx_post(&t.fe, 32);
	netfe_rx_post(&fe1, 32);
	for (int i = 0; i < 20; i++) {
		netfix_frame(fr, sizeof(fr), (uint8_t)(i * 17));
		net_rx_frame(t.v, fr, sizeof(fr));
	}
	net_rx_process(&t.v->q[0]);
	net_rx_process(&t.v->q[1]);
	unsigned n0 = 0, n1 = 0;
	while (netfe_rx_get(&t.fe, got, sizeof(got)) > 0)
		n0++;
	while (netfe_rx_get(&fe1, got, sizeof(got)) > 0)
		n1++;
	assert_int_equal(n0 + n1, 20);
	assert_true(n0 > 0 && n1 > 0);
	netfix_teardown(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tx_single_and_sg),
		cmocka_unit_test(test_tx_csum_blank),
		cmocka_unit_test(test_rx),
		cmocka_unit_test(test_multiqueue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
