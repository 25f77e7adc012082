/* SPDX-License-Identifier: LGPL-2.1-only */
/* netfront: the vif frontend (netif.h).
 *
 * On the backend's InitWait (which netback reaches once its features are
 * written): per queue a tx and an rx ring page granted to the backend, one
 * event channel or a tx and an rx one (feature-split-event-channels); then,
 * in one transaction and in the order Linux's talk_to_netback writes them:
 * xdp-headroom (when offered), multi-queue-num-queues (when the backend has
 * multi-queue-max-queues), the ring refs and event channels (under queue-N/
 * for more than one queue), request-rx-copy, feature-rx-notify, feature-sg,
 * feature-gso-tcpv4/v6, feature-ipv6-csum-offload; then Connected, as
 * netfront does. Once the backend is Connected too: rx buffers posted, a few
 * Ethernet frames sent; every received frame is counted.
 *
 * rx buffers are found by ring position (as Linux's xennet_get_rx_ref), tx
 * buffers by the response's id, which must name a frame in flight. */
#include "sim/guest/guest.h"
#include "sim/guest/xenring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "common/err.h"
#include "sim/simd/simd.h"
#include "xenstore-schema/xs_paths.h"

#define NET_PAGE 4096u
#define NET_TX_SLOTS __CONST_RING_SIZE(netif_tx, NET_PAGE)
#define NET_RX_SLOTS __CONST_RING_SIZE(netif_rx, NET_PAGE)
#define NET_RX_POSTED 64u
#define NET_BOOT_FRAMES 4u
#define NET_ETHERTYPE 0x88b5 /* IEEE 802 local experimental */
#define NET_MAX_SLOTS XEN_NETIF_NR_SLOTS_MIN
#define NET_ROUNDS 4
#define NET_SHOWN 3 /* received frames described on the console */

struct net_buf {
	struct gpages pg;
	grant_ref_t ref;
	bool used;
};

struct netfront;

struct net_queue {
	struct netfront *nf;
	unsigned idx;
	struct gpages tx_page, rx_page;
	grant_ref_t tx_ref, rx_ref;
	bool tx_granted, rx_granted;
	netif_tx_front_ring_t tx;
	netif_rx_front_ring_t rx;
	uint32_t tx_port, rx_port;
	struct ghandler tx_h, rx_h;
	struct net_buf txb[NET_TX_SLOTS];
	struct net_buf rxb[NET_RX_SLOTS];
	unsigned tx_inflight;
	/* a received packet spanning slots */
	unsigned slots;
	bool extra_next;
	bool bad;
};

struct netfront {
	struct gdev d;
	unsigned nq;
	bool split;
	bool up;
	uint8_t mac[6];
	struct net_queue *q; /* nq */
	unsigned rr;
	uint64_t seq;
	uint64_t tx_frames, rx_frames, rx_bytes, errors;
	uint64_t reported[4];
	uint64_t last_report;
	unsigned shown;
};

static void report(struct netfront *nf, const char *fmt, uint64_t v)
{
	char p[GUEST_PATH_MAX];
	snprintf(p, sizeof(p), fmt, nf->d.g->domid, nf->d.devid);
	xb_printf(nf->d.g, XBT_NULL, p, "%llu", (unsigned long long)v);
}

static int ring_page(struct netfront *nf, struct gpages *pg, grant_ref_t *ref, bool *granted)
{
	int rc = gmem_alloc(nf->d.g, 1, pg);
	if (rc)
		return rc;
	rc = gnt_grant(nf->d.g, nf->d.be_domid, pg->gfn[0], false, ref);
	*granted = rc == 0;
	return rc;
}

static void net_tx_event(struct guest *g, void *arg);
static void net_rx_event(struct guest *g, void *arg);

static int queue_setup(struct netfront *nf, struct net_queue *q)
{
	int rc = ring_page(nf, &q->tx_page, &q->tx_ref, &q->tx_granted);
	if (rc)
		return rc;
	rc = ring_page(nf, &q->rx_page, &q->rx_ref, &q->rx_granted);
	if (rc)
		return rc;
	netif_tx_sring_t *txs = q->tx_page.addr;
	netif_rx_sring_t *rxs = q->rx_page.addr;
	SHARED_RING_INIT(txs);
	FRONT_RING_INIT(&q->tx, txs, NET_PAGE);
	SHARED_RING_INIT(rxs);
	FRONT_RING_INIT(&q->rx, rxs, NET_PAGE);
	rc = gdev_evtchn_alloc(&nf->d, &q->tx_port, &q->tx_h, nf->split ? net_tx_event : net_rx_event, q);
	if (rc)
		return rc;
	if (nf->split)
		return gdev_evtchn_alloc(&nf->d, &q->rx_port, &q->rx_h, net_rx_event, q);
	q->rx_port = q->tx_port;
	return 0;
}

static int write_keys(struct guest *g, uint32_t t, void *arg)
{
	struct netfront *nf = arg;
	unsigned dom = g->domid, dev = nf->d.devid;
	char p[GUEST_PATH_MAX];
	int rc;
	if (xb_key_exists(g, nf->d.be, XS_KEY_FEATURE_XDP_HEADROOM)) {
		snprintf(p, sizeof(p), XS_FMT_VIF_FE_XDP_HEADROOM, dom, dev);
		if ((rc = xb_printf(g, t, p, "0")))
			return rc;
	}
	if (xb_key_exists(g, nf->d.be, XS_KEY_MULTI_QUEUE_MAX_QUEUES)) {
		snprintf(p, sizeof(p), XS_FMT_VIF_FE_MULTI_QUEUE_NUM_QUEUES, dom, dev);
		if ((rc = xb_printf(g, t, p, "%u", nf->nq)))
			return rc;
	}
	for (unsigned qi = 0; qi < nf->nq; qi++) {
		struct net_queue *q = &nf->q[qi];
		bool flat = nf->nq == 1;
		struct {
			const char *flat, *queue;
			uint32_t v;
			bool want;
		} keys[] = {
			{ XS_FMT_VIF_FE_TX_RING_REF, XS_FMT_VIF_FE_QUEUE_TX_RING_REF, q->tx_ref, true },
			{ XS_FMT_VIF_FE_RX_RING_REF, XS_FMT_VIF_FE_QUEUE_RX_RING_REF, q->rx_ref, true },
			{ XS_FMT_VIF_FE_EVENT_CHANNEL_TX, XS_FMT_VIF_FE_QUEUE_EVENT_CHANNEL_TX, q->tx_port, nf->split },
			{ XS_FMT_VIF_FE_EVENT_CHANNEL_RX, XS_FMT_VIF_FE_QUEUE_EVENT_CHANNEL_RX, q->rx_port, nf->split },
			{ XS_FMT_VIF_FE_EVENT_CHANNEL, XS_FMT_VIF_FE_QUEUE_EVENT_CHANNEL, q->tx_port, !nf->split },
		};
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			if (!keys[k].want)
				continue;
			if (flat)
				snprintf(p, sizeof(p), keys[k].flat, dom, dev);
			else
				snprintf(p, sizeof(p), keys[k].queue, dom, dev, qi);
			if ((rc = xb_printf(g, t, p, "%u", keys[k].v)))
				return rc;
		}
	}
	const char *features[] = { XS_FMT_VIF_FE_REQUEST_RX_COPY, XS_FMT_VIF_FE_FEATURE_RX_NOTIFY,
				   XS_FMT_VIF_FE_FEATURE_SG, XS_FMT_VIF_FE_FEATURE_GSO_TCPV4,
				   XS_FMT_VIF_FE_FEATURE_GSO_TCPV6, XS_FMT_VIF_FE_FEATURE_IPV6_CSUM_OFFLOAD };
	for (size_t k = 0; k < sizeof(features) / sizeof(features[0]); k++) {
		snprintf(p, sizeof(p), features[k], dom, dev);
		if ((rc = xb_printf(g, t, p, "1")))
			return rc;
	}
	return 0;
}

static void net_teardown(struct gdev *d)
{
	struct netfront *nf = (struct netfront *)d;
	struct guest *g = d->g;
	for (unsigned qi = 0; nf->q && qi < nf->nq; qi++) {
		struct net_queue *q = &nf->q[qi];
		if (nf->split)
			gdev_evtchn_close(d, q->rx_port, &q->rx_h);
		gdev_evtchn_close(d, q->tx_port, &q->tx_h);
		for (unsigned i = 0; i < NET_TX_SLOTS; i++)
			if (q->txb[i].pg.n)
				gnt_end(g, q->txb[i].ref, &q->txb[i].pg);
		for (unsigned i = 0; i < NET_RX_SLOTS; i++)
			if (q->rxb[i].pg.n)
				gnt_end(g, q->rxb[i].ref, &q->rxb[i].pg);
		if (q->tx_granted)
			gnt_end(g, q->tx_ref, &q->tx_page);
		else
			gmem_free(g, &q->tx_page);
		if (q->rx_granted)
			gnt_end(g, q->rx_ref, &q->rx_page);
		else
			gmem_free(g, &q->rx_page);
	}
	free(nf->q);
	nf->q = NULL;
	nf->nq = 0;
	nf->up = false;
}

static void parse_mac(struct netfront *nf)
{
	char v[32];
	unsigned m[6];
	if (xb_read_key(nf->d.g, nf->d.fe, XS_KEY_MAC, v, sizeof(v)) == 0 &&
	    sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) == 6) {
		for (int i = 0; i < 6; i++)
			nf->mac[i] = (uint8_t)m[i];
		return;
	}
	const uint8_t dflt[6] = { 0x00, 0x16, 0x3e, (uint8_t)(nf->d.g->domid >> 8), (uint8_t)nf->d.g->domid,
				  (uint8_t)nf->d.devid };
	memcpy(nf->mac, dflt, 6);
}

static int net_setup(struct gdev *d)
{
	struct netfront *nf = (struct netfront *)d;
	struct guest *g = d->g;
	uint64_t v;
	if (xb_read_key_u64(g, d->be, XS_KEY_FEATURE_RX_COPY, 0, 1, &v) || v != 1) {
		gprintk(g, "%s: backend does not support copying receive path", d->name);
		return XCTL_ERR_UNSUPPORTED;
	}
	nf->split = xb_read_key_u64(g, d->be, XS_KEY_FEATURE_SPLIT_EVENT_CHANNELS, 0, 1, &v) == 0 && v == 1;
	uint64_t maxq = 1;
	if (xb_read_key_u64(g, d->be, XS_KEY_MULTI_QUEUE_MAX_QUEUES, 1, 1024, &maxq))
		maxq = 1;
	nf->nq = maxq < g->knobs.max_queues ? (unsigned)maxq : g->knobs.max_queues;
	if (!nf->nq)
		nf->nq = 1;
	parse_mac(nf);
	nf->q = calloc(nf->nq, sizeof(*nf->q));
	if (!nf->q)
		return XCTL_ERR_NOMEM;
	for (unsigned qi = 0; qi < nf->nq; qi++) {
		struct net_queue *q = &nf->q[qi];
		q->nf = nf;
		q->idx = qi;
		q->tx_h.fd = q->rx_h.fd = -1;
	}
	for (unsigned qi = 0; qi < nf->nq; qi++) {
		int rc = queue_setup(nf, &nf->q[qi]);
		if (rc)
			return rc;
	}
	return xb_txn(g, write_keys, nf);
}

static void rx_post(struct net_queue *q)
{
	struct netfront *nf = q->nf;
	bool posted = false;
	while (q->rx.req_prod_pvt - q->rx.rsp_cons < NET_RX_POSTED) {
		unsigned id = q->rx.req_prod_pvt & (NET_RX_SLOTS - 1);
		struct net_buf *b = &q->rxb[id];
		if (!b->pg.n) {
			if (gmem_alloc(nf->d.g, 1, &b->pg))
				break;
			if (gnt_grant(nf->d.g, nf->d.be_domid, b->pg.gfn[0], false, &b->ref)) {
				gmem_free(nf->d.g, &b->pg);
				break;
			}
		}
		netif_rx_request_t *req = RING_GET_REQUEST(&q->rx, q->rx.req_prod_pvt);
		req->id = (uint16_t)id;
		req->gref = b->ref;
		q->rx.req_prod_pvt++;
		posted = true;
	}
	if (!posted)
		return;
	int notify;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->rx, notify);
	if (notify)
		gdev_notify(&nf->d, q->rx_port);
}

static int tx_send(struct netfront *nf)
{
	struct guest *g = nf->d.g;
	struct net_queue *q = NULL;
	for (unsigned k = 0; k < nf->nq && !q; k++) {
		struct net_queue *c = &nf->q[(nf->rr + k) % nf->nq];
		if (!RING_FULL(&c->tx) && c->tx_inflight < NET_TX_SLOTS)
			q = c;
	}
	if (!q)
		return XCTL_ERR_BUSY;
	nf->rr++;
	unsigned id = 0;
	while (id < NET_TX_SLOTS && q->txb[id].used)
		id++;
	if (id == NET_TX_SLOTS)
		return XCTL_ERR_BUSY;
	struct net_buf *b = &q->txb[id];
	if (!b->pg.n) {
		int rc = gmem_alloc(g, 1, &b->pg);
		if (rc)
			return rc;
		rc = gnt_grant(g, nf->d.be_domid, b->pg.gfn[0], true, &b->ref);
		if (rc) {
			gmem_free(g, &b->pg);
			return rc;
		}
	}
	uint8_t *f = b->pg.addr;
	memset(f, 0, 64);
	memset(f, 0xff, 6);
	memcpy(f + 6, nf->mac, 6);
	f[12] = NET_ETHERTYPE >> 8;
	f[13] = NET_ETHERTYPE & 0xff;
	int n = snprintf((char *)f + 14, NET_PAGE - 14, "xctl-guest domain %u %s frame %llu", g->domid, nf->d.name,
			 (unsigned long long)nf->seq++);
	uint16_t len = (uint16_t)(14 + n + 1 < 60 ? 60 : 14 + n + 1);
	b->used = true;
	q->tx_inflight++;
	netif_tx_request_t req = { .gref = b->ref, .offset = 0, .flags = 0, .id = (uint16_t)id, .size = len };
	memcpy(RING_GET_REQUEST(&q->tx, q->tx.req_prod_pvt), &req, sizeof(req));
	q->tx.req_prod_pvt++;
	int notify;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->tx, notify);
	if (notify)
		gdev_notify(&nf->d, q->tx_port);
	return 0;
}

static void load_fill(struct netfront *nf)
{
	struct guest *g = nf->d.g;
	if (g->phase != GP_READY || !nf->up)
		return;
	unsigned inflight = 0;
	for (unsigned qi = 0; qi < nf->nq; qi++)
		inflight += nf->q[qi].tx_inflight;
	while (inflight < g->knobs.load_vif && tx_send(nf) == 0)
		inflight++;
}

static void tx_process(struct net_queue *q)
{
	struct netfront *nf = q->nf;
	for (int round = 0; round < NET_ROUNDS; round++) {
		RING_IDX rp = __atomic_load_n(&q->tx.sring->rsp_prod, __ATOMIC_ACQUIRE);
		if (RING_RESPONSE_PROD_OVERFLOW(&q->tx, rp) || rp - q->tx.rsp_cons > q->tx.req_prod_pvt - q->tx.rsp_cons) {
			gdev_fail(&nf->d, "queue %u: tx response producer %u is past the requests", q->idx, rp);
			return;
		}
		while (q->tx.rsp_cons != rp) {
			netif_tx_response_t rsp;
			RING_COPY_RESPONSE(&q->tx, q->tx.rsp_cons, &rsp);
			q->tx.rsp_cons++;
			if (rsp.status == NETIF_RSP_NULL)
				continue;
			if (rsp.id >= NET_TX_SLOTS || !q->txb[rsp.id].used) {
				gdev_fail(&nf->d, "queue %u: tx response for id %u, which is not in flight", q->idx, rsp.id);
				return;
			}
			q->txb[rsp.id].used = false;
			q->tx_inflight--;
			if (rsp.status == NETIF_RSP_OKAY)
				nf->tx_frames++;
			else
				nf->errors++;
		}
		int more;
		RING_FINAL_CHECK_FOR_RESPONSES(&q->tx, more);
		if (!more)
			break;
	}
	load_fill(nf);
}

static void rx_frame_seen(struct netfront *nf, const uint8_t *f, unsigned len)
{
	if (nf->shown >= NET_SHOWN || len < 14)
		return;
	nf->shown++;
	char text[64] = "";
	if (((unsigned)f[12] << 8 | f[13]) == NET_ETHERTYPE) {
		unsigned n = len - 14 < sizeof(text) - 1 ? len - 14 : (unsigned)sizeof(text) - 1;
		for (unsigned i = 0; i < n; i++)
			text[i] = f[14 + i] >= 0x20 && f[14 + i] < 0x7f ? (char)f[14 + i] : f[14 + i] ? '.' : '\0';
		text[n] = '\0';
	}
	gprintk(nf->d.g, "%s: received %u bytes from %02x:%02x:%02x:%02x:%02x:%02x type %#06x%s%s", nf->d.name, len,
		f[6], f[7], f[8], f[9], f[10], f[11], (unsigned)f[12] << 8 | f[13], text[0] ? ": " : "", text);
}

static void rx_process(struct net_queue *q)
{
	struct netfront *nf = q->nf;
	for (int round = 0; round < NET_ROUNDS; round++) {
		RING_IDX rp = __atomic_load_n(&q->rx.sring->rsp_prod, __ATOMIC_ACQUIRE);
		if (rp - q->rx.rsp_cons > q->rx.req_prod_pvt - q->rx.rsp_cons) {
			gdev_fail(&nf->d, "queue %u: rx response producer %u is past the %u buffers posted", q->idx, rp,
				  q->rx.req_prod_pvt - q->rx.rsp_cons);
			return;
		}
		while (q->rx.rsp_cons != rp) {
			RING_IDX i = q->rx.rsp_cons++;
			if (q->extra_next) {
				struct netif_extra_info ex;
				memcpy(&ex, RING_GET_RESPONSE(&q->rx, i), sizeof(ex));
				q->extra_next = (ex.flags & XEN_NETIF_EXTRA_FLAG_MORE) != 0;
				if (++q->slots > NET_MAX_SLOTS)
					q->bad = true;
				continue;
			}
			netif_rx_response_t rsp;
			RING_COPY_RESPONSE(&q->rx, i, &rsp);
			struct net_buf *b = &q->rxb[i & (NET_RX_SLOTS - 1)];
			if (rsp.status < 0 || (unsigned)rsp.offset + (unsigned)rsp.status > NET_PAGE || !b->pg.n)
				q->bad = true;
			else {
				nf->rx_bytes += (unsigned)rsp.status;
				if (q->slots == 0 && !q->bad)
					rx_frame_seen(nf, (const uint8_t *)b->pg.addr + rsp.offset, (unsigned)rsp.status);
			}
			q->extra_next = (rsp.flags & NETRXF_extra_info) != 0;
			if (++q->slots > NET_MAX_SLOTS)
				q->bad = true;
			if (!(rsp.flags & NETRXF_more_data) && !q->extra_next) {
				if (q->bad)
					nf->errors++;
				else
					nf->rx_frames++;
				q->slots = 0;
				q->bad = false;
			}
		}
		rx_post(q);
		int more;
		RING_FINAL_CHECK_FOR_RESPONSES(&q->rx, more);
		if (!more)
			break;
	}
}

static void net_tx_event(struct guest *g, void *arg)
{
	struct net_queue *q = arg;
	simd_evtchn_consume(g->sys, q->tx_port);
	if (q->nf->up)
		tx_process(q);
}

static void net_rx_event(struct guest *g, void *arg)
{
	struct net_queue *q = arg;
	struct netfront *nf = q->nf;
	simd_evtchn_consume(g->sys, q->rx_port);
	if (!nf->up)
		return;
	rx_process(q);
	/* One channel for both rings: tx responses come here too. */
	if (!nf->split && nf->up)
		tx_process(q);
}

static int net_connect(struct gdev *d)
{
	struct netfront *nf = (struct netfront *)d;
	nf->up = true;
	gprintk(d->g, "netfront: %s: %02x:%02x:%02x:%02x:%02x:%02x, %u queue(s), %s event channel(s)", d->name,
		nf->mac[0], nf->mac[1], nf->mac[2], nf->mac[3], nf->mac[4], nf->mac[5], nf->nq,
		nf->split ? "split" : "one");
	for (unsigned qi = 0; qi < nf->nq; qi++)
		rx_post(&nf->q[qi]);
	for (unsigned i = 0; i < NET_BOOT_FRAMES; i++)
		if (tx_send(nf))
			break;
	load_fill(nf);
	return 0;
}

static void net_tick(struct gdev *d, uint64_t now)
{
	struct netfront *nf = (struct netfront *)d;
	for (unsigned qi = 0; qi < nf->nq && nf->up; qi++) {
		tx_process(&nf->q[qi]);
		if (nf->up)
			rx_process(&nf->q[qi]);
	}
	if (!nf->up)
		return;
	load_fill(nf);
	uint64_t cur[4] = { nf->tx_frames, nf->rx_frames, nf->rx_bytes, nf->errors };
	if (now - nf->last_report < 1000 || !memcmp(cur, nf->reported, sizeof(cur)))
		return;
	nf->last_report = now;
	memcpy(nf->reported, cur, sizeof(cur));
	report(nf, XS_FMT_SIMGUEST_DATA_VIF_TX_FRAMES, cur[0]);
	report(nf, XS_FMT_SIMGUEST_DATA_VIF_RX_FRAMES, cur[1]);
	report(nf, XS_FMT_SIMGUEST_DATA_VIF_RX_BYTES, cur[2]);
	report(nf, XS_FMT_SIMGUEST_DATA_VIF_ERRORS, cur[3]);
}

const struct gdev_ops netfront_ops = {
	.name = "vif",
	.setup_state = XenbusStateConnected,
	.size = sizeof(struct netfront),
	.setup = net_setup,
	.connect = net_connect,
	.teardown = net_teardown,
	.tick = net_tick,
};
