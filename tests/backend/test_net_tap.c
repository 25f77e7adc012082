/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-netback's device layer with real TAP devices, in a network
 * namespace of the test's own (unshare(CLONE_NEWNET); a test that cannot
 * make one fails). xenstore is xctl-xenstored; grants and events are
 * xenio/fake. Shows: the vif reaches Connected with a TAP vifDOMID.DEVID
 * on the configured bridge, frames the guest sends come out of the TAP,
 * frames written into the TAP reach the guest, a control ring the backend
 * did not offer is never mapped (checklist 24), and a misbehaving vif is
 * disabled while another keeps running. */
#include "tests/backend/netfe.h"
#include "drivers-backend/common/storm.h"
#include "tests/xenstored/harness.h"
#include "drivers-backend/netback/dev.h"
#include "xenstore-schema/xs_paths.h"
#include "common/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xenstore.h>

#include <cmocka.h>

#define ETHERTYPE_TEST 0x88b5 /* local experimental */

struct tfix {
	struct xsd_daemon xsd;
	struct xs_handle *xs;
	FILE *logf;
	char logpath[300];
	struct xctl_log log;
	struct xenio_fake *f;
	struct xenio *x;
	struct netback nb;
};

static void wr(struct tfix *t, const char *dir, const char *key, const char *val)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, key);
	assert_true(xs_write(t->xs, XBT_NULL, p, val, (unsigned)strlen(val)));
}

static int be_state(struct tfix *t, uint32_t domid)
{
	char p[128];
	unsigned int len;
	snprintf(p, sizeof(p), XS_FMT_VIF_BE_STATE, 0u, domid, 0u);
	char *v = xs_read(t->xs, XBT_NULL, p, &len);
	int s = v ? atoi(v) : -1;
	free(v);
	return s;
}

static void serve(struct tfix *t, int ms)
{
	for (int left = ms; left > 0; left -= 5) {
		struct pollfd p[2] = {
			{ .fd = t->x->ops->evtchn_fd(t->x), .events = POLLIN },
			{ .fd = t->x->ops->xs_fd(t->x), .events = POLLIN },
		};
		poll(p, 2, 5);
		netback_service(&t->nb, (p[0].revents ? 1u : 0) | (p[1].revents ? 2u : 0));
	}
}

static void until(struct tfix *t, uint32_t domid, int want)
{
	for (int i = 0; i < 600; i++) {
		if (be_state(t, domid) == want)
			return;
		serve(t, 5);
	}
	fail_msg("vif of domain %u: backend state %d, wanted %d", domid, be_state(t, domid), want);
}

static void add_vif(struct tfix *t, uint32_t domid, const char *bridge)
{
	char be[128], fe[128], v[32];
	snprintf(be, sizeof(be), XS_FMT_VIF_BE, 0u, domid, 0u);
	snprintf(fe, sizeof(fe), XS_FMT_VIF_FE, domid, 0u);
	xs_transaction_t tx = xs_transaction_start(t->xs);
	char p[256];
	const char *kv[][2] = {
		{ XS_KEY_FRONTEND, fe }, { XS_KEY_ONLINE, "1" }, { XS_KEY_STATE, "1" },
		{ XS_KEY_MAC, "00:16:3e:00:00:01" }, { XS_KEY_HANDLE, "0" }, { XS_KEY_TYPE, "vif" },
		{ XS_KEY_BRIDGE, bridge },
	};
	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", be, kv[i][0]);
		xs_write(t->xs, tx, p, kv[i][1], (unsigned)strlen(kv[i][1]));
	}
	snprintf(v, sizeof(v), "%u", domid);
	snprintf(p, sizeof(p), "%s/%s", be, XS_KEY_FRONTEND_ID);
	xs_write(t->xs, tx, p, v, (unsigned)strlen(v));
	snprintf(p, sizeof(p), "%s/%s", fe, XS_KEY_BACKEND);
	xs_write(t->xs, tx, p, be, (unsigned)strlen(be));
	snprintf(p, sizeof(p), "%s/%s", fe, XS_KEY_STATE);
	xs_write(t->xs, tx, p, "1", 1);
	assert_true(xs_transaction_end(t->xs, tx, false));
	assert_int_equal(xenio_fake_add_dom(t->f, domid, 1024), 0);
}

static void fe_connect(struct tfix *t, uint32_t domid, struct netfe *fe, bool ctrl_ring)
{
	char dir[128], v[32];
	snprintf(dir, sizeof(dir), XS_FMT_VIF_FE, domid, 0u);
	assert_int_equal(netfe_init(fe, t->f, domid, 0, 10), 0);
	snprintf(v, sizeof(v), "%u", fe->tx_ref);
	wr(t, dir, XS_KEY_TX_RING_REF, v);
	snprintf(v, sizeof(v), "%u", fe->rx_ref);
	wr(t, dir, XS_KEY_RX_RING_REF, v);
	snprintf(v, sizeof(v), "%u", fe->tx_port);
	wr(t, dir, XS_KEY_EVENT_CHANNEL_TX, v);
	snprintf(v, sizeof(v), "%u", fe->rx_port);
	wr(t, dir, XS_KEY_EVENT_CHANNEL_RX, v);
	wr(t, dir, XS_KEY_REQUEST_RX_COPY, "1");
	wr(t, dir, XS_KEY_FEATURE_SG, "1");
	if (ctrl_ring) {
		wr(t, dir, XS_KEY_CTRL_RING_REF, "12");
		wr(t, dir, XS_KEY_EVENT_CHANNEL_CTRL, "77");
	}
	wr(t, dir, XS_KEY_STATE, "4");
	until(t, domid, 4);
}

static int packet_socket(const char *ifname)
{
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	assert_true(s >= 0);
	struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				  .sll_ifindex = (int)if_nametoindex(ifname) };
	assert_true(sa.sll_ifindex > 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return s;
}

static void test_frame(uint8_t *b, size_t len, uint8_t seed)
{
	memset(b, 0xff, 6);
	for (int i = 0; i < 6; i++)
		b[6 + i] = (uint8_t)(0x02 + i);
	b[12] = ETHERTYPE_TEST >> 8;
	b[13] = ETHERTYPE_TEST & 0xff;
	for (size_t i = 14; i < len; i++)
		b[i] = (uint8_t)(seed + i);
}

/* Wait for a frame of our ethertype on the packet socket. */
static ssize_t recv_test(struct tfix *t, int s, uint8_t *buf, size_t sz)
{
	for (int i = 0; i < 400; i++) {
		serve(t, 5);
		ssize_t n = recv(s, buf, sz, MSG_DONTWAIT);
		if (n >= 14 && buf[12] == (ETHERTYPE_TEST >> 8) && buf[13] == (ETHERTYPE_TEST & 0xff))
			return n;
	}
	return -1;
}

static void test_tap_both_ways(void **state)
{
	(void)state;
	struct tfix t;
	memset(&t, 0, sizeof(t));
	assert_int_equal(xsd_start(&t.xsd, NULL), 0);
	t.xs = xs_open(0);
	assert_non_null(t.xs);
	snprintf(t.logpath, sizeof(t.logpath), "%s/netback.log", t.xsd.dir);
	t.logf = fopen(t.logpath, "w+");
	setvbuf(t.logf, NULL, _IONBF, 0);
	xctl_log_init(&t.log, "xctl-netback", XCTL_LOG_INFO);
	t.log.out = t.logf;
	assert_int_equal(xenio_fake_open(&t.log, true, &t.f), 0);
	t.x = xenio_fake_base(t.f);
	assert_int_equal(netback_init(&t.nb, t.x, &t.log, false), 0);
	/* the configured bridge */
	int ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(ioctl(ctl, SIOCBRADDBR, "xenbr0"), 0);
	close(ctl);
	add_vif(&t, 3, "xenbr0");
	until(&t, 3, 2);
	assert_true(if_nametoindex("vif3.0") > 0);
	char out[1024] = "";
	FILE *ip = popen("ip -o link show vif3.0", "r");
	assert_non_null(ip);
	size_t n = fread(out, 1, sizeof(out) - 1, ip);
	out[n] = '\0';
	pclose(ip);
	assert_non_null(strstr(out, "master xenbr0"));
	assert_non_null(strstr(out, "UP"));
	/* a pure bridge port: no IPv6 of its own */
	if (access("/proc/sys/net/ipv6", F_OK) == 0) { /* a kernel without IPv6 has nothing to turn off */
		FILE *f6 = fopen("/proc/sys/net/ipv6/conf/vif3.0/disable_ipv6", "r");
		assert_non_null(f6);
		assert_int_equal(fgetc(f6), '1');
		fclose(f6);
	}
	struct netfe fe;
	fe_connect(&t, 3, &fe, true);
	/* 24: the control ring was not offered and is not mapped */
	assert_int_equal(xenio_fake_mapped_pages(t.f), 2);
	/* split event channels: both ports lead to the vif in one lookup */
	assert_int_equal(t.nb.ports.n, 2);
	int s = packet_socket("vif3.0");
	/* guest -> TAP */
	uint8_t fr[300], got[2048];
	test_frame(fr, sizeof(fr), 1);
	netfe_send(&fe, fr, sizeof(fr), 2, 0);
	netfe_tx_push(&fe, true);
	ssize_t len = recv_test(&t, s, got, sizeof(got));
	assert_int_equal(len, (ssize_t)sizeof(fr));
	assert_memory_equal(got, fr, sizeof(fr));
	/* TAP -> guest */
	netfe_rx_post(&fe, 8);
	test_frame(fr, sizeof(fr), 2);
	assert_int_equal(send(s, fr, sizeof(fr), 0), (ssize_t)sizeof(fr));
	int rlen = 0;
	for (int i = 0; i < 400 && rlen <= 0; i++) {
		serve(&t, 5);
		rlen = netfe_rx_get(&fe, got, sizeof(got));
		if (rlen > 0 && (got[12] != (ETHERTYPE_TEST >> 8)))
			rlen = 0; /* the host's own chatter (IPv6 solicitations) */
	}
	assert_int_equal(rlen, (int)sizeof(fr));
	assert_memory_equal(got, fr, sizeof(fr));
	/* a queue paused for an event storm (its guest's events are useful
	 * here: posted rx buffers are work, so the pause is set as the storm
	 * guard sets it) keeps its vif on the active list, whose pass ends the
	 * pause; frames flow after it */
	struct xb_dev *x3 = NULL;
	for (unsigned i = 0; i < t.nb.xb.ndevs; i++)
		if (t.nb.xb.devs[i]->domid == 3)
			x3 = t.nb.xb.devs[i];
	assert_non_null(x3);
	struct net_queue *q3 = &((struct net_dev *)x3->priv)->vif->q[0];
	q3->storm.paused_until = backend_now_ms() + STORM_PAUSE_MS;
	xb_dev_activate(x3);
	serve(&t, 1);
	assert_true(x3->active);
	assert_true(q3->storm.paused_until != 0);
	serve(&t, 3 * STORM_PAUSE_MS);
	assert_int_equal(q3->storm.paused_until, 0);
	test_frame(fr, sizeof(fr), 4);
	netfe_send(&fe, fr, sizeof(fr), 1, 0);
	netfe_tx_push(&fe, true);
	len = recv_test(&t, s, got, sizeof(got));
	assert_int_equal(len, (ssize_t)sizeof(fr));
	assert_memory_equal(got, fr, sizeof(fr));
	/* two queues: each queue's own ports lead to it, a frame sent on the
	 * second comes out of the TAP */
	add_vif(&t, 7, "xenbr0");
	until(&t, 7, 2);
	struct netfe mq[2];
	char dir7[128], key[64], val[32];
	snprintf(dir7, sizeof(dir7), XS_FMT_VIF_FE, 7u, 0u);
	for (unsigned qi = 0; qi < 2; qi++) {
		assert_int_equal(netfe_init(&mq[qi], t.f, 7, qi * 510, 10 + qi * 1000), 0);
		const char *k[] = { XS_KEY_TX_RING_REF, XS_KEY_RX_RING_REF, XS_KEY_EVENT_CHANNEL_TX,
				    XS_KEY_EVENT_CHANNEL_RX };
		uint32_t v4[] = { mq[qi].tx_ref, mq[qi].rx_ref, mq[qi].tx_port, mq[qi].rx_port };
		for (unsigned j = 0; j < 4; j++) {
			snprintf(key, sizeof(key), XS_KEYFMT_QUEUE "/%s", qi, k[j]);
			snprintf(val, sizeof(val), "%u", v4[j]);
			wr(&t, dir7, key, val);
		}
	}
	wr(&t, dir7, XS_KEY_MULTI_QUEUE_NUM_QUEUES, "2");
	wr(&t, dir7, XS_KEY_REQUEST_RX_COPY, "1");
	wr(&t, dir7, XS_KEY_STATE, "4");
	until(&t, 7, 4);
	assert_int_equal(t.nb.ports.n, 2 + 4);
	int s7 = packet_socket("vif7.0");
	test_frame(fr, sizeof(fr), 5);
	netfe_send(&mq[1], fr, sizeof(fr), 1, 0);
	netfe_tx_push(&mq[1], true);
	len = recv_test(&t, s7, got, sizeof(got));
	assert_int_equal(len, (ssize_t)sizeof(fr));
	assert_memory_equal(got, fr, sizeof(fr));
	close(s7);
	/* a second vif misbehaves: disabled and logged; the first runs on */
	add_vif(&t, 4, "xenbr0");
	until(&t, 4, 2);
	struct netfe bad;
	fe_connect(&t, 4, &bad, false);
	*netfe_idx(bad.tx, 0) = 5000;
	xenio_fake_guest_notify(t.f, 4, bad.tx_port);
	until(&t, 4, 5);
	char line[512];
	int found = 0;
	rewind(t.logf);
	while (fgets(line, sizeof(line), t.logf))
		found |= strstr(line, "domain 4 vif 0: tx req_prod 5000") != NULL;
	assert_true(found);
	assert_int_equal(t.nb.ports.n, 6); /* the disabled vif's ports went with its queues */
	test_frame(fr, sizeof(fr), 3);
	netfe_send(&fe, fr, sizeof(fr), 1, 0);
	netfe_tx_push(&fe, true);
	len = recv_test(&t, s, got, sizeof(got));
	assert_int_equal(len, (ssize_t)sizeof(fr));
	assert_memory_equal(got, fr, sizeof(fr));
	assert_int_equal(be_state(&t, 3), 4);
	/* 27: a frontend without its ring nodes, or without rx-copy */
	for (uint32_t dom = 5; dom <= 6; dom++) {
		char dir[128];
		add_vif(&t, dom, "xenbr0");
		until(&t, dom, 2);
		snprintf(dir, sizeof(dir), XS_FMT_VIF_FE, dom, 0u);
		wr(&t, dir, XS_KEY_REQUEST_RX_COPY, dom == 5 ? "1" : "0");
		wr(&t, dir, XS_KEY_STATE, "4");
		until(&t, dom, 5);
	}
	found = 0;
	int found2 = 0;
	rewind(t.logf);
	while (fgets(line, sizeof(line), t.logf)) {
		found |= strstr(line, "domain 5 vif 0: tx-ring-ref or rx-ring-ref is missing") != NULL;
		found2 |= strstr(line, "domain 6 vif 0: the frontend does not request rx-copy") != NULL;
	}
	assert_true(found);
	assert_true(found2);
	assert_int_equal(be_state(&t, 3), 4);
	close(s);
	xb_backend_shutdown(&t.nb.xb);
	for (int i = 0; i < 100 && t.nb.xb.ndevs; i++)
		serve(&t, 5);
	assert_int_equal(t.nb.xb.ndevs, 0);
	assert_int_equal(t.nb.ports.n, 0);
	assert_int_equal(t.nb.xb.nactive, 0);
	assert_int_equal(if_nametoindex("vif3.0"), 0); /* the TAP went with it */
	netback_fini(&t.nb);
	assert_int_equal(xenio_fake_mapped_pages(t.f), 0);
	xenio_close(t.x);
	xs_close(t.xs);
	fclose(t.logf);
	xsd_stop(&t.xsd);
	xsd_cleanup(&t.xsd);
}

int main(void)
{
	/* a network namespace of our own: the TAPs and bridge live and die in it */
	if (unshare(CLONE_NEWNET)) {
		printf("test_net_tap: cannot create a network namespace (unshare CLONE_NEWNET): %s; "
		       "this test needs root or user namespaces\n", strerror(errno));
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tap_both_ways),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
