/* SPDX-License-Identifier: LGPL-2.1-only */
/* netif rx: host -> guest (rx-copy), the bounded per-vif queue, storms. */
#include "drivers-backend/netback/vif.h"
#include "drivers-backend/xenio/xenio.h"
#include "common/err.h"
#include "common/log.h"

#include <stdlib.h>
#include <string.h>
#include <xen/io/netif.h>

#define HDR 64u
#define RX_SLOT 8u

static uint32_t *idx(uint8_t *sring, unsigned which)
{
	return (uint32_t *)(void *)(sring + 4 * which);
}

static uint8_t *rx_entry(struct net_queue *q, uint32_t i)
{
	return q->rx_sring + HDR + (size_t)(i & (q->rx_size - 1)) * RX_SLOT;
}

static uint32_t ring_size(size_t slot)
{
	size_t n = (XENIO_PAGE_SIZE - HDR) / slot;
	uint32_t p = 1;
	while ((size_t)p * 2 <= n)
		p *= 2;
	return p;
}

void net_vif_init(struct net_vif *v, struct xenio *x, const struct xctl_log *log,
		  const char *who, uint32_t domid, const struct net_sink *sink)
{
	memset(v, 0, offsetof(struct net_vif, buf));
	v->x = x;
	v->log = log;
	snprintf(v->who, sizeof(v->who), "%s", who);
	v->domid = domid;
	v->sink = *sink;
}

void net_queue_init(struct net_vif *v, unsigned i, void *tx, void *rx)
{
	struct net_queue *q = &v->q[i];
	memset(q, 0, sizeof(*q));
	q->vif = v;
	q->index = i;
	q->tx_sring = tx;
	q->rx_sring = rx;
	q->tx_size = ring_size(12);
	q->rx_size = ring_size(RX_SLOT);
	q->tx_rsp_prod_pvt = q->tx_req_cons = q->tx_rsp_pushed =
		__atomic_load_n(idx(q->tx_sring, 2), __ATOMIC_ACQUIRE);
	q->rx_rsp_prod_pvt = q->rx_req_cons = q->rx_rsp_pushed =
		__atomic_load_n(idx(q->rx_sring, 2), __ATOMIC_ACQUIRE);
	if (v->nq < i + 1)
		v->nq = i + 1;
}

void net_rx_frame(struct net_vif *v, const uint8_t *frame, size_t len)
{
	if (v->failed || !v->nq || len < NET_ETH_HLEN || len > NET_FRAME_MAX) {
		v->st.rx_dropped++;
		return;
	}
	/* one flow stays on one queue: hash the addresses */
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < 12; i++)
		h = (h ^ frame[i]) * 16777619u;
	h ^= h >> 16;
	struct net_queue *q = &v->q[h % v->nq];
	if (q->rxq_len == NET_RXQ_MAX_PKTS || q->rxq_bytes + len > NET_RXQ_MAX_BYTES) {
		v->st.rx_dropped++;
		return;
	}
	struct net_frame *f = malloc(sizeof(*f) + len);
	if (!f) {
		v->st.rx_dropped++;
		return;
	}
	f->len = len;
	memcpy(f->data, frame, len);
	q->rxq[(q->rxq_head + q->rxq_len++) % NET_RXQ_MAX_PKTS] = f;
	q->rxq_bytes += len;
	if (q->rxq_len > v->st.rx_queued_max)
		v->st.rx_queued_max = q->rxq_len;
}

static void rx_push(struct net_queue *q)
{
	uint32_t old = q->rx_rsp_pushed, now = q->rx_rsp_prod_pvt;
	if (old == now)
		return;
	__atomic_store_n(idx(q->rx_sring, 2), now, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	q->rx_rsp_pushed = now;
	uint32_t ev = __atomic_load_n(idx(q->rx_sring, 3), __ATOMIC_ACQUIRE);
	if ((uint32_t)(now - ev) < (uint32_t)(now - old) && q->rx_bound)
		q->vif->x->ops->evtchn_notify(q->vif->x, q->rx_port);
}

static void rx_respond(struct net_queue *q, uint16_t id, uint16_t flags, int16_t status)
{
	uint8_t r[RX_SLOT] = { 0 };
	memcpy(r, &id, 2);
	/* offset 0 */
	memcpy(r + 4, &flags, 2);
	memcpy(r + 6, &status, 2);
	memcpy(rx_entry(q, q->rx_rsp_prod_pvt++), r, RX_SLOT);
}

int net_rx_process(struct net_queue *q)
{
	struct net_vif *v = q->vif;
	while (!v->failed && q->rxq_len) {
		uint32_t rp = __atomic_load_n(idx(q->rx_sring, 0), __ATOMIC_ACQUIRE);
		if (rp - q->rx_rsp_prod_pvt > q->rx_size) {
			net_vif_fail(v, "rx req_prod %u is %u requests ahead of the responses on a "
				     "ring of %u", rp, rp - q->rx_rsp_prod_pvt, q->rx_size);
			break;
		}
		struct net_frame *f = q->rxq[q->rxq_head];
		uint32_t need = (uint32_t)((f->len + XENIO_PAGE_SIZE - 1) / XENIO_PAGE_SIZE);
		if (need > 1 && !v->sg) {
			v->st.rx_dropped++;
			goto drop;
		}
		if (rp - q->rx_req_cons < need) {
			/* no buffers posted: the frame waits (the queue is bounded) */
			__atomic_store_n(idx(q->rx_sring, 1), q->rx_req_cons + need, __ATOMIC_RELAXED);
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			if (__atomic_load_n(idx(q->rx_sring, 0), __ATOMIC_ACQUIRE) - q->rx_req_cons < need)
				break;
			continue;
		}
		size_t off = 0;
		for (uint32_t s = 0; s < need; s++) {
			uint8_t c[RX_SLOT];
			memcpy(c, rx_entry(q, q->rx_req_cons++), RX_SLOT); /* one copy */
			uint16_t id;
			uint32_t gref;
			memcpy(&id, c, 2);
			memcpy(&gref, c + 4, 4);
			size_t l = f->len - off > XENIO_PAGE_SIZE ? XENIO_PAGE_SIZE : f->len - off;
			struct xenio_copy cp = { .dir = XENIO_COPY_TO_GUEST, .domid = v->domid,
						 .ref = gref, .offset = 0, .len = (uint16_t)l,
						 .local = f->data + off };
			/* each slot's status is the bytes in it (netfront adds them up) */
			int16_t st = (int16_t)l;
			if (v->x->ops->copy(v->x, &cp, 1) || cp.status)
				st = NETIF_RSP_ERROR;
			uint16_t flags = (s + 1 < need) ? NETRXF_more_data : 0;
			if (s == 0)
				flags |= NETRXF_data_validated;
			rx_respond(q, id, flags, st);
			off += l;
		}
		v->st.rx_packets++;
		v->st.rx_bytes += f->len;
	drop:
		q->rxq_bytes -= f->len;
		free(f);
		q->rxq_head = (q->rxq_head + 1) % NET_RXQ_MAX_PKTS;
		q->rxq_len--;
	}
	rx_push(q);
	return v->failed ? XCTL_ERR_PROTO : 0;
}

bool net_queue_event(struct net_queue *q, uint64_t now)
{
	struct net_vif *v = q->vif;
	uint64_t before = v->st.tx_packets + v->st.tx_errors + v->st.tx_dropped;
	uint32_t rx_before = q->rx_req_cons;
	net_tx_process(q, now);
	net_rx_process(q);
	uint32_t rp = __atomic_load_n(idx(q->rx_sring, 0), __ATOMIC_ACQUIRE);
	/* posting rx buffers is work too */
	bool useful = v->failed || before != v->st.tx_packets + v->st.tx_errors + v->st.tx_dropped ||
		      rx_before != q->rx_req_cons || rp != q->rx_req_cons;
	if (!useful)
		v->st.spurious++;
	unsigned storms = q->storm.storms;
	bool now_ok = storm_event(&q->storm, useful, now);
	if (q->storm.storms != storms)
		xctl_warn(v->log, "%s queue %u: event storm (more than %u events without work in "
			  "%u ms); the port is re-armed only every %u ms", v->who, q->index,
			  STORM_SPURIOUS_MAX, STORM_WINDOW_MS, STORM_PAUSE_MS);
	return now_ok;
}

void net_vif_flush(struct net_vif *v)
{
	for (unsigned i = 0; i < NET_MAX_QUEUES; i++) {
		struct net_queue *q = &v->q[i];
		while (q->rxq_len) {
			free(q->rxq[q->rxq_head]);
			q->rxq_head = (q->rxq_head + 1) % NET_RXQ_MAX_PKTS;
			q->rxq_len--;
		}
		q->rxq_bytes = 0;
	}
}
