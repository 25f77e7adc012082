/* SPDX-License-Identifier: LGPL-2.1-only */
/* The simulated guest's life: its control features, control/shutdown
 * answered with the matching reason, the knobs (ignore-shutdown,
 * hide-control-features, crash-after-ms, boot-delay-ms), suspend and
 * resume, and netfront against a test netback that loops the guest's frames
 * back to it. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <xenstore.h>
#include <xen/sched.h>

#include "common/util.h"
#include "sim/console/consoled.h"
#include "sim/guest/xenring.h"
#include "sim/simd/simd.h"
#include "tests/guest/host.h"
#include "xenstore-schema/xs_paths.h"

#define T_MS 20000

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

struct logwait {
	uint32_t domid;
	const char *want;
};

static bool log_has(void *arg)
{
	struct logwait *w = arg;
	char p[512];
	consoled_log_path(host.dir, w->domid, p, sizeof(p));
	char *data = NULL;
	size_t len = 0;
	if (xctl_read_file(p, 1 << 22, &data, &len))
		return false;
	bool found = strstr(data, w->want) != NULL;
	free(data);
	return found;
}

static void assert_log(uint32_t domid, const char *want)
{
	struct logwait w = { domid, want };
	if (testhost_wait(log_has, &w, T_MS, NULL, NULL))
		fail_msg("domain %u's console never showed '%s'", domid, want);
}

static void assert_node(uint32_t domid, const char *fmt, const char *want)
{
	char p[256], last[128];
	snprintf(p, sizeof(p), fmt, domid);
	assert_int_equal(testhost_wait_value(&host, p, want, T_MS, NULL, NULL, last, sizeof(last)), 0);
}

static uint32_t boot(const char *name, const char *knob_fmt, const char *knob_value)
{
	uint32_t domid = testhost_domain(&host, name);
	assert_true(domid > 0);
	if (knob_fmt)
		assert_int_equal(testhost_knob(&host, knob_fmt, domid, knob_value), 0);
	assert_int_equal(simd_domain_unpause(host.s, domid), 0);
	return domid;
}

static void request(uint32_t domid, const char *what)
{
	char p[256];
	snprintf(p, sizeof(p), XS_FMT_DOMAIN_CONTROL_SHUTDOWN, domid);
	assert_int_equal(testhost_write(&host, p, what), 0);
}

static void test_features_and_state(void **state)
{
	(void)state;
	uint32_t domid = boot("life-features", NULL, NULL);
	assert_node(domid, XS_FMT_SIMGUEST_DATA_STATE, "ready");
	assert_node(domid, XS_FMT_DOMAIN_CONTROL_FEATURE_POWEROFF, "1");
	assert_node(domid, XS_FMT_DOMAIN_CONTROL_FEATURE_REBOOT, "1");
	assert_node(domid, XS_FMT_DOMAIN_CONTROL_FEATURE_SUSPEND, "1");
	struct simd_domain_info info;
	assert_int_equal(simd_domain_info(host.s, domid, &info), 0);
	assert_true(info.guest_connected);
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
}

/* Each control/shutdown value, answered with Xen's reason; the request is
 * acknowledged by clearing the node. */
static void test_shutdown_reasons(void **state)
{
	(void)state;
	const struct {
		const char *value;
		unsigned reason;
	} cases[] = {
		{ "poweroff", SHUTDOWN_poweroff },
		{ "reboot", SHUTDOWN_reboot },
		{ "halt", SHUTDOWN_poweroff },
		{ "suspend", SHUTDOWN_suspend },
	};
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(cases); i++) {
		uint32_t domid = boot(cases[i].value, NULL, NULL);
		assert_node(domid, XS_FMT_SIMGUEST_DATA_STATE, "ready");
		request(domid, cases[i].value);
		struct simd_domain_info info;
		assert_int_equal(simd_domain_wait(host.s, domid, SIMD_DOMF_SHUTDOWN, T_MS, &info), 0);
		assert_int_equal(info.shutdown_reason, cases[i].reason);
		assert_node(domid, XS_FMT_DOMAIN_CONTROL_SHUTDOWN, "");
		assert_int_equal(simd_domain_destroy(host.s, domid), 0);
	}
}

/* An unknown request is left alone (Linux: "Ignoring shutdown request"). */
static void test_unknown_request_ignored(void **state)
{
	(void)state;
	uint32_t domid = boot("life-unknown", NULL, NULL);
	assert_node(domid, XS_FMT_SIMGUEST_DATA_STATE, "ready");
	request(domid, "dance");
	assert_log(domid, "Ignoring shutdown request: dance");
	struct simd_domain_info info;
	assert_int_equal(simd_domain_info(host.s, domid, &info), 0);
	assert_false(info.flags & SIMD_DOMF_SHUTDOWN);
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
}

static void test_ignore_shutdown(void **state)
{
	(void)state;
	uint32_t domid = boot("life-ignore", XS_FMT_SIMGUEST_IGNORE_SHUTDOWN, "1");
	assert_node(domid, XS_FMT_SIMGUEST_DATA_STATE, "ready");
	assert_node(domid, XS_FMT_DOMAIN_CONTROL_FEATURE_POWEROFF, "1");
	request(domid, "poweroff");
	assert_log(domid, "shutdown request 'poweroff' not answered");
	struct simd_domain_info info;
	assert_int_equal(simd_domain_info(host.s, domid, &info), 0);
	assert_false(info.flags & SIMD_DOMF_SHUTDOWN);
	assert_node(domid, XS_FMT_DOMAIN_CONTROL_SHUTDOWN, "poweroff");
	/* dom0 can still shut it down (xl shutdown -F, destroy after a timeout) */
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
}

static void test_hide_control_features(void **state)
{
	(void)state;
	uint32_t domid = boot("life-hide", XS_FMT_SIMGUEST_HIDE_CONTROL_FEATURES, "1");
	assert_node(domid, XS_FMT_SIMGUEST_DATA_STATE, "ready");
	/* the toolstack's empty placeholders stay empty */
	assert_node(domid, XS_FMT_DOMAIN_CONTROL_FEATURE_POWEROFF, "");
	assert_node(domid, XS_FMT_DOMAIN_CONTROL_FEATURE_SUSPEND, "");
	request(domid, "reboot");
	assert_log(domid, "shutdown request 'reboot' not answered");
	struct simd_domain_info info;
	assert_int_equal(simd_domain_info(host.s, domid, &info), 0);
	assert_false(info.flags & SIMD_DOMF_SHUTDOWN);
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
}

static void test_crash_knob(void **state)
{
	(void)state;
	uint32_t domid = boot("life-crash", XS_FMT_SIMGUEST_CRASH_AFTER_MS, "0");
	struct simd_domain_info info;
	assert_int_equal(simd_domain_wait(host.s, domid, SIMD_DOMF_SHUTDOWN, T_MS, &info), 0);
	assert_int_equal(info.shutdown_reason, SHUTDOWN_crash);
	assert_node(domid, XS_FMT_SIMGUEST_DATA_STATE, "crashed");
	assert_log(domid, "Kernel panic - not syncing: crash-after-ms 0 reached");
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
}

/* crash-after-ms written while the guest runs counts from the write. */
static void test_crash_knob_at_run_time(void **state)
{
	(void)state;
	uint32_t domid = boot("life-crash-late", NULL, NULL);
	assert_node(domid, XS_FMT_SIMGUEST_DATA_STATE, "ready");
	assert_int_equal(testhost_knob(&host, XS_FMT_SIMGUEST_CRASH_AFTER_MS, domid, "10"), 0);
	struct simd_domain_info info;
	assert_int_equal(simd_domain_wait(host.s, domid, SIMD_DOMF_SHUTDOWN, T_MS, &info), 0);
	assert_int_equal(info.shutdown_reason, SHUTDOWN_crash);
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
}

static void test_slow_boot(void **state)
{
	(void)state;
	uint32_t domid = boot("life-slow", XS_FMT_SIMGUEST_BOOT_DELAY_MS, "3000");
	assert_log(domid, "slow boot: 3000 ms");
	char p[256], v[32];
	snprintf(p, sizeof(p), XS_FMT_SIMGUEST_DATA_STATE, domid);
	assert_int_equal(testhost_read(&host, p, v, sizeof(v)), 0);
	assert_string_equal(v, "booting");
	/* and then it does come up */
	assert_node(domid, XS_FMT_SIMGUEST_DATA_STATE, "ready");
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
}

/* An idle guest sleeps: over a second it uses a small part of a cpu. */
static void test_idle_guest_sleeps(void **state)
{
	(void)state;
	uint32_t domid = boot("life-idle", NULL, NULL);
	assert_node(domid, XS_FMT_SIMGUEST_DATA_STATE, "ready");
	struct simd_domain_info a, b;
	assert_int_equal(simd_domain_info(host.s, domid, &a), 0);
	usleep(1000000);
	assert_int_equal(simd_domain_info(host.s, domid, &b), 0);
	assert_true(b.cpu_time_ns - a.cpu_time_ns < 250000000ull);
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
}

static void test_suspend_then_resume(void **state)
{
	(void)state;
	uint32_t domid = boot("life-resume", NULL, NULL);
	assert_node(domid, XS_FMT_SIMGUEST_DATA_STATE, "ready");
	request(domid, "suspend");
	struct simd_domain_info info;
	assert_int_equal(simd_domain_wait(host.s, domid, SIMD_DOMF_SHUTDOWN, T_MS, &info), 0);
	assert_int_equal(info.shutdown_reason, SHUTDOWN_suspend);
	assert_node(domid, XS_FMT_SIMGUEST_DATA_STATE, "suspended");
	assert_int_equal(simd_domain_resume(host.s, domid), 0);
	assert_log(domid, "PM: resumed");
	assert_node(domid, XS_FMT_SIMGUEST_DATA_STATE, "ready");
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
}

/* ---- a loopback netback --------------------------------------------- */

struct testnet {
	uint32_t domid;
	char fe[128], be[128];
	struct simd_grant_map *txm, *rxm;
	netif_tx_back_ring_t tx;
	netif_rx_back_ring_t rx;
	uint32_t tx_port, rx_port;
	bool connected;
	unsigned looped;
	char problem[128];
};

static void be_key(struct testnet *n, const char *key, const char *v)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", n->be, key);
	assert_int_equal(testhost_write(&host, p, v), 0);
}

static int fe_u(struct testnet *n, const char *key, uint32_t *out)
{
	char p[256], v[32];
	snprintf(p, sizeof(p), "%s/%s", n->fe, key);
	if (testhost_read(&host, p, v, sizeof(v)))
		return -1;
	*out = (uint32_t)strtoul(v, NULL, 10);
	return 0;
}

static void net_create_q(struct testnet *n, uint32_t domid, const char *max_queues);
static void net_create_f(struct testnet *n, uint32_t domid, const char *max_queues, bool rx_copy);

static void net_create(struct testnet *n, uint32_t domid)
{
	net_create_q(n, domid, NULL);
}

static void net_create_q(struct testnet *n, uint32_t domid, const char *max_queues)
{
	net_create_f(n, domid, max_queues, true);
}

static void net_create_f(struct testnet *n, uint32_t domid, const char *max_queues, bool rx_copy)
{
	n->domid = domid;
	snprintf(n->fe, sizeof(n->fe), XS_FMT_VIF_FE, domid, 0u);
	snprintf(n->be, sizeof(n->be), XS_FMT_VIF_BE, 0u, domid, 0u);
	char perms[32], v[32];
	snprintf(perms, sizeof(perms), "n0,r%u", domid);
	assert_int_equal(testhost_write(&host, n->be, ""), 0);
	assert_int_equal(testhost_perms(&host, n->be, perms), 0);
	be_key(n, XS_KEY_FRONTEND, n->fe);
	snprintf(v, sizeof(v), "%u", domid);
	be_key(n, XS_KEY_FRONTEND_ID, v);
	be_key(n, XS_KEY_ONLINE, "1");
	be_key(n, XS_KEY_STATE, "1");
	be_key(n, XS_KEY_MAC, "00:16:3e:00:00:01");
	be_key(n, XS_KEY_HANDLE, "0");
	snprintf(perms, sizeof(perms), "n%u,r0", domid);
	assert_int_equal(testhost_write(&host, n->fe, ""), 0);
	assert_int_equal(testhost_perms(&host, n->fe, perms), 0);
	const char *kv[][2] = { { XS_KEY_BACKEND, n->be }, { XS_KEY_BACKEND_ID, "0" }, { XS_KEY_STATE, "1" },
				{ XS_KEY_HANDLE, "0" }, { XS_KEY_MAC, "00:16:3e:00:00:01" } };
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(kv); i++) {
		char p[256];
		snprintf(p, sizeof(p), "%s/%s", n->fe, kv[i][0]);
		assert_int_equal(testhost_write(&host, p, kv[i][1]), 0);
	}
	if (rx_copy)
		be_key(n, XS_KEY_FEATURE_RX_COPY, "1");
	be_key(n, XS_KEY_FEATURE_SPLIT_EVENT_CHANNELS, "1");
	be_key(n, XS_KEY_FEATURE_SG, "1");
	if (max_queues)
		be_key(n, XS_KEY_MULTI_QUEUE_MAX_QUEUES, max_queues);
	be_key(n, XS_KEY_STATE, "2");
}

static void net_connect(struct testnet *n)
{
	uint32_t txref, rxref, txp, rxp;
	char p[256], v[16];
	snprintf(p, sizeof(p), "%s/%s", n->fe, XS_KEY_STATE);
	if (testhost_read(&host, p, v, sizeof(v)) || strcmp(v, "4"))
		return;
	if (fe_u(n, XS_KEY_TX_RING_REF, &txref) || fe_u(n, XS_KEY_RX_RING_REF, &rxref) ||
	    fe_u(n, XS_KEY_EVENT_CHANNEL_TX, &txp) || fe_u(n, XS_KEY_EVENT_CHANNEL_RX, &rxp)) {
		snprintf(n->problem, sizeof(n->problem), "connected without its ring keys");
		return;
	}
	assert_int_equal(simd_grant_map(host.s, n->domid, &txref, 1, false, &n->txm), 0);
	assert_int_equal(simd_grant_map(host.s, n->domid, &rxref, 1, false, &n->rxm), 0);
	BACK_RING_INIT(&n->tx, (netif_tx_sring_t *)n->txm->addr, 4096);
	BACK_RING_INIT(&n->rx, (netif_rx_sring_t *)n->rxm->addr, 4096);
	assert_int_equal(simd_evtchn_bind_interdomain(host.s, n->domid, txp, &n->tx_port), 0);
	assert_int_equal(simd_evtchn_bind_interdomain(host.s, n->domid, rxp, &n->rx_port), 0);
	be_key(n, XS_KEY_STATE, "4");
	n->connected = true;
}

/* Every tx frame goes back into the next rx buffer, by grant copy. */
static void net_pump(void *arg)
{
	struct testnet *n = arg;
	if (!n->connected) {
		net_connect(n);
		usleep(5000);
		return;
	}
	struct pollfd pfd = { simd_evtchn_fd(host.s, n->tx_port), POLLIN, 0 };
	poll(&pfd, 1, 5);
	simd_evtchn_consume(host.s, n->tx_port);
	simd_evtchn_consume(host.s, n->rx_port);
	RING_IDX rp = __atomic_load_n(&n->tx.sring->req_prod, __ATOMIC_ACQUIRE);
	RING_IDX rxp = __atomic_load_n(&n->rx.sring->req_prod, __ATOMIC_ACQUIRE);
	while (n->tx.req_cons != rp && n->rx.req_cons != rxp) {
		netif_tx_request_t t;
		netif_rx_request_t r;
		RING_COPY_REQUEST(&n->tx, n->tx.req_cons, &t);
		RING_COPY_REQUEST(&n->rx, n->rx.req_cons, &r);
		n->tx.req_cons++;
		n->rx.req_cons++;
		struct simd_grant_copy_seg seg = {
			.source = { .domid = n->domid, .ref = t.gref, .offset = t.offset },
			.dest = { .domid = n->domid, .ref = r.gref, .offset = 0 },
			.len = t.size,
		};
		int16_t st = NETIF_RSP_OKAY;
		if (simd_grant_copy(host.s, &seg, 1) || seg.status != GNTST_okay) {
			snprintf(n->problem, sizeof(n->problem), "grant copy failed (%d)", seg.status);
			st = NETIF_RSP_ERROR;
		}
		netif_tx_response_t tr = { .id = t.id, .status = st };
		memcpy(RING_GET_RESPONSE(&n->tx, n->tx.rsp_prod_pvt), &tr, sizeof(tr));
		n->tx.rsp_prod_pvt++;
		netif_rx_response_t rr = { .id = r.id, .offset = 0, .flags = 0,
					   .status = st == NETIF_RSP_OKAY ? (int16_t)t.size : NETIF_RSP_ERROR };
		memcpy(RING_GET_RESPONSE(&n->rx, n->rx.rsp_prod_pvt), &rr, sizeof(rr));
		n->rx.rsp_prod_pvt++;
		n->looped++;
	}
	int notify;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&n->tx, notify);
	if (notify)
		simd_evtchn_notify(host.s, n->tx_port);
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&n->rx, notify);
	if (notify)
		simd_evtchn_notify(host.s, n->rx_port);
}

/* The grant (domid, ref) no longer maps; a successful probe is unmapped at
 * once (the guest retries ending access a mapped grant from its tick). */
static bool ref_gone(void *arg)
{
	uint32_t *dr = arg;
	struct simd_grant_map *m = NULL;
	if (simd_grant_map(host.s, dr[0], &dr[1], 1, true, &m) == 0) {
		simd_grant_unmap(host.s, m);
		return false;
	}
	return true;
}

static void test_vif_loopback(void **state)
{
	(void)state;
	uint32_t domid = testhost_domain(&host, "life-vif");
	assert_true(domid > 0);
	struct testnet *n = calloc(1, sizeof(*n));
	net_create(n, domid);
	assert_int_equal(simd_domain_unpause(host.s, domid), 0);
	char p[256], last[64];
	snprintf(p, sizeof(p), "%s/%s", n->be, XS_KEY_STATE);
	assert_int_equal(testhost_wait_value(&host, p, "4", T_MS, net_pump, n, last, sizeof(last)), 0);
	/* the keys netfront writes, as in the real trace */
	uint32_t v;
	assert_int_equal(fe_u(n, XS_KEY_REQUEST_RX_COPY, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(fe_u(n, XS_KEY_FEATURE_RX_NOTIFY, &v), 0);
	assert_int_not_equal(fe_u(n, XS_KEY_EVENT_CHANNEL, &v), 0); /* split channels instead */
	assert_int_not_equal(fe_u(n, XS_KEY_MULTI_QUEUE_NUM_QUEUES, &v), 0); /* not offered */
	snprintf(p, sizeof(p), XS_FMT_SIMGUEST_DATA_VIF_RX_FRAMES, domid, 0u);
	assert_int_equal(testhost_wait_value(&host, p, "4", T_MS, net_pump, n, last, sizeof(last)), 0);
	snprintf(p, sizeof(p), XS_FMT_SIMGUEST_DATA_VIF_TX_FRAMES, domid, 0u);
	assert_int_equal(testhost_wait_value(&host, p, "4", T_MS, net_pump, n, last, sizeof(last)), 0);
	assert_int_equal(n->looped, 4);
	char want[96];
	snprintf(want, sizeof(want), "eth0: received 60 bytes from 00:16:3e:00:00:01 type 0x88b5: xctl-guest domain %u eth0 frame 0",
		 domid);
	assert_log(domid, want);
	assert_string_equal(n->problem, "");
	/* unplug: the backend closes, the frontend ends its grants */
	uint32_t txref, rxref;
	assert_int_equal(fe_u(n, XS_KEY_TX_RING_REF, &txref), 0);
	assert_int_equal(fe_u(n, XS_KEY_RX_RING_REF, &rxref), 0);
	simd_evtchn_close(host.s, n->tx_port);
	simd_evtchn_close(host.s, n->rx_port);
	simd_grant_unmap(host.s, n->txm);
	simd_grant_unmap(host.s, n->rxm);
	be_key(n, XS_KEY_STATE, "5");
	snprintf(p, sizeof(p), XS_FMT_VIF_FE_STATE, domid, 0u);
	assert_int_equal(testhost_wait_value(&host, p, "6", T_MS, NULL, NULL, last, sizeof(last)), 0);
	assert_int_equal(testhost_wait(ref_gone, &(uint32_t[2]){ domid, txref }, T_MS, NULL, NULL), 0);
	assert_int_equal(testhost_wait(ref_gone, &(uint32_t[2]){ domid, rxref }, T_MS, NULL, NULL), 0);
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
	free(n);
}

/* multi-queue-max-queues offered: one queue per vcpu (2), keys under
 * queue-N/, multi-queue-num-queues written. */
static void test_vif_multi_queue_keys(void **state)
{
	(void)state;
	uint32_t domid = testhost_domain(&host, "life-vif-mq");
	assert_true(domid > 0);
	struct testnet *n = calloc(1, sizeof(*n));
	net_create_q(n, domid, "8");
	assert_int_equal(simd_domain_unpause(host.s, domid), 0);
	char p[256], last[64];
	snprintf(p, sizeof(p), XS_FMT_VIF_FE_STATE, domid, 0u);
	assert_int_equal(testhost_wait_value(&host, p, "4", T_MS, NULL, NULL, last, sizeof(last)), 0);
	uint32_t v;
	assert_int_equal(fe_u(n, XS_KEY_MULTI_QUEUE_NUM_QUEUES, &v), 0);
	assert_int_equal(v, 2);
	for (unsigned q = 0; q < 2; q++) {
		snprintf(p, sizeof(p), XS_FMT_VIF_FE_QUEUE_TX_RING_REF, domid, 0u, q);
		assert_int_equal(testhost_read(&host, p, last, sizeof(last)), 0);
		snprintf(p, sizeof(p), XS_FMT_VIF_FE_QUEUE_EVENT_CHANNEL_RX, domid, 0u, q);
		assert_int_equal(testhost_read(&host, p, last, sizeof(last)), 0);
	}
	assert_int_not_equal(fe_u(n, XS_KEY_TX_RING_REF, &v), 0);
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
	free(n);
}

/* load-vif keeps frames in flight: the counters keep growing. */
static bool many_frames(void *arg)
{
	struct testnet *n = arg;
	return n->looped > 300;
}

static void test_load_vif(void **state)
{
	(void)state;
	uint32_t domid = testhost_domain(&host, "life-vif-load");
	assert_true(domid > 0);
	assert_int_equal(testhost_knob(&host, XS_FMT_SIMGUEST_LOAD_VIF, domid, "8"), 0);
	struct testnet *n = calloc(1, sizeof(*n));
	net_create(n, domid);
	assert_int_equal(simd_domain_unpause(host.s, domid), 0);
	assert_int_equal(testhost_wait(many_frames, n, T_MS, net_pump, n), 0);
	char p[256], v[32];
	snprintf(p, sizeof(p), XS_FMT_SIMGUEST_DATA_VIF_RX_FRAMES, domid, 0u);
	for (int i = 0; i < 1000 && (testhost_read(&host, p, v, sizeof(v)) || atoi(v) < 100); i++)
		net_pump(n);
	assert_true(atoi(v) >= 100);
	assert_string_equal(n->problem, "");
	simd_evtchn_close(host.s, n->tx_port);
	simd_evtchn_close(host.s, n->rx_port);
	simd_grant_unmap(host.s, n->txm);
	simd_grant_unmap(host.s, n->rxm);
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
	free(n);
}

/* netfront needs feature-rx-copy: without it the frontend closes. */
static void test_vif_without_rx_copy(void **state)
{
	(void)state;
	uint32_t domid = testhost_domain(&host, "life-vif-norx");
	assert_true(domid > 0);
	struct testnet *n = calloc(1, sizeof(*n));
	net_create_f(n, domid, NULL, false);
	assert_int_equal(simd_domain_unpause(host.s, domid), 0);
	char p[256], last[64];
	snprintf(p, sizeof(p), XS_FMT_VIF_FE_STATE, domid, 0u);
	assert_int_equal(testhost_wait_value(&host, p, "6", T_MS, NULL, NULL, last, sizeof(last)), 0);
	assert_log(domid, "eth0: backend does not support copying receive path");
	uint32_t v;
	assert_int_not_equal(fe_u(n, XS_KEY_TX_RING_REF, &v), 0);
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
	free(n);
}

/* A new memory target reaches the guest (its balloon driver). */
static void test_balloon_target_seen(void **state)
{
	(void)state;
	uint32_t domid = boot("life-balloon", NULL, NULL);
	assert_node(domid, XS_FMT_SIMGUEST_DATA_STATE, "ready");
	assert_int_equal(simd_mem_set_target(host.s, domid, 131072), 0);
	assert_log(domid, "xen:balloon: target 131072 KiB");
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_features_and_state),
		cmocka_unit_test(test_shutdown_reasons),
		cmocka_unit_test(test_unknown_request_ignored),
		cmocka_unit_test(test_ignore_shutdown),
		cmocka_unit_test(test_hide_control_features),
		cmocka_unit_test(test_crash_knob),
		cmocka_unit_test(test_crash_knob_at_run_time),
		cmocka_unit_test(test_slow_boot),
		cmocka_unit_test(test_suspend_then_resume),
		cmocka_unit_test(test_vif_loopback),
		cmocka_unit_test(test_vif_multi_queue_keys),
		cmocka_unit_test(test_balloon_target_seen),
		cmocka_unit_test(test_vif_without_rx_copy),
		cmocka_unit_test(test_idle_guest_sleeps),
		cmocka_unit_test(test_load_vif),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
