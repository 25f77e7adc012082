/* SPDX-License-Identifier: LGPL-2.1-only */
/* netif tx: guest -> host. See vif.h. */
#include "drivers-backend/netback/vif.h"
#include "drivers-backend/xenio/xenio.h"
#include "common/err.h"
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <xen/io/netif.h>

#define HDR 64u
#define TX_SLOT 12u
#define TX_RSP 4u

struct txslot {
	uint32_t gref;
	uint16_t offset, flags, id, size;
};

static uint32_t *idx(uint8_t *sring, unsigned which)
{
	return (uint32_t *)(void *)(sring + 4 * which);
}

static uint8_t *tx_entry(struct net_queue *q, uint32_t i)
{
	return q->tx_sring + HDR + (size_t)(i & (q->tx_size - 1)) * TX_SLOT;
}

void net_vif_fail(struct net_vif *v, const char *fmt, ...)
{
	if (v->failed)
		return;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v->failed = true;
	xctl_err_log(v->log, "%s: %s; the vif is disabled", v->who, msg);
}

static void tx_warn(struct net_vif *v, const char *what)
{
	if (v->errlogged >= NET_ERRLOG_MAX)
		return;
	v->errlogged++;
	xctl_warn(v->log, "%s: packet dropped: %s%s", v->who, what,
		  v->errlogged == NET_ERRLOG_MAX ? " (further drops not logged)" : "");
}

static void tx_respond(struct net_queue *q, uint16_t id, int16_t status)
{
	uint8_t r[TX_RSP];
	memcpy(r, &id, 2);
	memcpy(r + 2, &status, 2);
	memcpy(tx_entry(q, q->tx_rsp_prod_pvt++), r, TX_RSP);
}

static void tx_push(struct net_queue *q)
{
	uint32_t old = q->tx_rsp_pushed, now = q->tx_rsp_prod_pvt;
	if (old == now)
		return;
	__atomic_store_n(idx(q->tx_sring, 2), now, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	q->tx_rsp_pushed = now;
	uint32_t ev = __atomic_load_n(idx(q->tx_sring, 3), __ATOMIC_ACQUIRE);
	if ((uint32_t)(now - ev) < (uint32_t)(now - old) && q->tx_bound)
		q->vif->x->ops->evtchn_notify(q->vif->x, q->tx_port);
}

static void read_slot(struct net_queue *q, uint32_t i, struct txslot *s)
{
	uint8_t c[TX_SLOT];
	memcpy(c, tx_entry(q, i), TX_SLOT); /* one copy */
	memcpy(&s->gref, c, 4);
	memcpy(&s->offset, c + 4, 2);
	memcpy(&s->flags, c + 6, 2);
	memcpy(&s->id, c + 8, 2);
	memcpy(&s->size, c + 10, 2);
}

struct txpkt {
	struct txslot s[NET_FATAL_SLOTS + 1];
	unsigned nslots;           /* data slots */
	uint8_t extra[NET_MAX_EXTRAS][12];
	unsigned nextra;
	unsigned total;            /* ring slots, extras included */
};

/* Gather one packet from the ring at cons. 0 ready, 1 incomplete (wait),
 * <0 fatal (already logged). */
static int gather(struct net_queue *q, uint32_t cons, uint32_t rp, struct txpkt *p)
{
	struct net_vif *v = q->vif;
	memset(p, 0, sizeof(*p));
	if (cons == rp)
		return 1;
	read_slot(q, cons++, &p->s[0]);
	p->nslots = 1;
	p->total = 1;
	bool more_extra = p->s[0].flags & NETTXF_extra_info;
	unsigned seen = 0;
	while (more_extra) {
		if (cons == rp)
			return 1;
		if (p->nextra == NET_MAX_EXTRAS) {
			net_vif_fail(v, "an extra-info chain longer than %u", NET_MAX_EXTRAS);
			return XCTL_ERR_PROTO;
		}
		uint8_t *e = p->extra[p->nextra++];
		memcpy(e, tx_entry(q, cons++), 12);
		p->total++;
		uint8_t type = e[0];
		if (type == XEN_NETIF_EXTRA_TYPE_NONE || type >= XEN_NETIF_EXTRA_TYPE_MAX) {
			net_vif_fail(v, "extra info of unknown type %u", type);
			return XCTL_ERR_PROTO;
		}
		if (seen & (1u << type)) {
			net_vif_fail(v, "extra info of type %u twice in one packet", type);
			return XCTL_ERR_PROTO;
		}
		seen |= 1u << type;
		more_extra = e[1] & XEN_NETIF_EXTRA_FLAG_MORE;
	}
	bool more = p->s[0].flags & NETTXF_more_data;
	while (more) {
		if (p->nslots > NET_FATAL_SLOTS - 1) {
			net_vif_fail(v, "a packet of more than %u slots", NET_FATAL_SLOTS);
			return XCTL_ERR_PROTO;
		}
		if (cons == rp)
			return 1;
		read_slot(q, cons++, &p->s[p->nslots]);
		more = p->s[p->nslots].flags & NETTXF_more_data;
		p->nslots++;
		p->total++;
	}
	return 0;
}

/* Validate the extras: a GSO extra we did not negotiate or that is
 * malformed is fatal; multicast lists are bounded. Returns 1 when the
 * request only carried multicast control (no packet to send). */
static int extras(struct net_vif *v, const struct txpkt *p)
{
	int mcast_only = 0;
	for (unsigned i = 0; i < p->nextra; i++) {
		const uint8_t *e = p->extra[i];
		switch (e[0]) {
		case XEN_NETIF_EXTRA_TYPE_GSO: {
			uint16_t size;
			memcpy(&size, e + 2, 2);
			uint8_t type = e[4];
			if (!v->gso) {
				net_vif_fail(v, "a GSO packet, but GSO was not negotiated");
				return XCTL_ERR_PROTO;
			}
			if (size == 0 || (type != XEN_NETIF_GSO_TYPE_TCPV4 &&
					  type != XEN_NETIF_GSO_TYPE_TCPV6)) {
				net_vif_fail(v, "GSO extra with size %u and type %u", size, type);
				return XCTL_ERR_PROTO;
			}
			break;
		}
		case XEN_NETIF_EXTRA_TYPE_MCAST_ADD:
			mcast_only = 1;
			if (!v->mcast_ctrl)
				break;
			if (v->nmcast == NET_MCAST_MAX) {
				if (!v->st.mcast_ignored++)
					xctl_warn(v->log, "%s: more than %u multicast addresses; "
						  "further ones are ignored", v->who, NET_MCAST_MAX);
				break;
			}
			memcpy(v->mcast[v->nmcast++], e + 2, 6);
			break;
		case XEN_NETIF_EXTRA_TYPE_MCAST_DEL:
			mcast_only = 1;
			for (unsigned k = 0; k < v->nmcast; k++)
				if (!memcmp(v->mcast[k], e + 2, 6)) {
					memmove(v->mcast[k], v->mcast[k + 1], (v->nmcast - k - 1) * 6);
					v->nmcast--;
					break;
				}
			break;
		default: /* HASH: accepted, unused */
			break;
		}
	}
	return mcast_only;
}

static void respond_pkt(struct net_queue *q, const struct txpkt *p, int16_t st)
{
	tx_respond(q, p->s[0].id, st);
	for (unsigned i = 0; i < p->nextra; i++)
		tx_respond(q, 0, NETIF_RSP_NULL);
	for (unsigned i = 1; i < p->nslots; i++)
		tx_respond(q, p->s[i].id, st);
}

/* Copy the packet's data into v->buf; returns its length or <0. */
static int fetch(struct net_queue *q, const struct txpkt *p, size_t *len)
{
	struct net_vif *v = q->vif;
	struct xenio_copy c[NET_FATAL_SLOTS];
	size_t rest = 0;
	for (unsigned i = 1; i < p->nslots; i++)
		rest += p->s[i].size;
	if (rest > p->s[0].size) {
		net_vif_fail(v, "fragments (%zu bytes) larger than the packet (%u)", rest,
			     p->s[0].size);
		return XCTL_ERR_PROTO;
	}
	size_t first = p->s[0].size - rest, off = 0;
	for (unsigned i = 0; i < p->nslots; i++) {
		size_t l = i == 0 ? first : p->s[i].size;
		if ((size_t)p->s[i].offset + l > XENIO_PAGE_SIZE) {
			net_vif_fail(v, "a fragment crosses its page (offset %u, size %zu)",
				     p->s[i].offset, l);
			return XCTL_ERR_PROTO;
		}
		c[i] = (struct xenio_copy){ .dir = XENIO_COPY_FROM_GUEST, .domid = v->domid,
					    .ref = p->s[i].gref, .offset = p->s[i].offset,
					    .len = (uint16_t)l, .local = v->buf + off };
		off += l;
	}
	if (v->x->ops->copy(v->x, c, p->nslots))
		return XCTL_ERR_HV;
	for (unsigned i = 0; i < p->nslots; i++)
		if (c[i].status)
			return XCTL_ERR_PERM;
	*len = off;
	return 0;
}

static bool credit_ok(struct net_vif *v, size_t size, uint64_t now)
{
	if (!v->credit_bytes)
		return true;
	if (now >= v->next_refill) {
		v->remaining = v->credit_bytes;
		v->next_refill = now + v->credit_ms;
	}
	/* a packet larger than a whole interval's credit passes on full credit,
	 * so that it cannot wait for ever */
	if (size <= v->remaining || v->remaining == v->credit_bytes) {
		v->remaining = size <= v->remaining ? v->remaining - size : 0;
		return true;
	}
	v->st.credit_waits++;
	return false;
}

int net_tx_process(struct net_queue *q, uint64_t now)
{
	struct net_vif *v = q->vif;
	struct txpkt p;
	uint32_t budget = q->tx_size;
	int ret = 0;
	while (!v->failed) {
		uint32_t rp = __atomic_load_n(idx(q->tx_sring, 0), __ATOMIC_ACQUIRE);
		if (rp - q->tx_rsp_prod_pvt > q->tx_size) {
			net_vif_fail(v, "tx req_prod %u is %u requests ahead of the responses on a "
				     "ring of %u", rp, rp - q->tx_rsp_prod_pvt, q->tx_size);
			break;
		}
		if (q->tx_req_cons == rp) {
			/* RING_FINAL_CHECK_FOR_REQUESTS */
			__atomic_store_n(idx(q->tx_sring, 1), q->tx_req_cons + 1, __ATOMIC_RELAXED);
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			if (__atomic_load_n(idx(q->tx_sring, 0), __ATOMIC_ACQUIRE) == q->tx_req_cons)
				break;
			continue;
		}
		if (!budget) {
			ret = 1;
			break;
		}
		int g = gather(q, q->tx_req_cons, rp, &p);
		if (g < 0)
			break;
		if (g == 1)
			break; /* the rest of the packet is not published yet */
		if (!credit_ok(v, p.s[0].size, now))
			break;
		q->tx_req_cons += p.total;
		budget = budget > p.total ? budget - p.total : 0;
		int mc = extras(v, &p);
		if (mc < 0)
			break;
		if (mc == 1 && p.s[0].size == 0 && p.nslots == 1) {
			respond_pkt(q, &p, NETIF_RSP_OKAY);
			continue;
		}
		if (p.s[0].size < NET_ETH_HLEN) {
			tx_warn(v, "shorter than an Ethernet header");
			v->st.tx_errors++;
			respond_pkt(q, &p, NETIF_RSP_ERROR);
			continue;
		}
		if (p.nslots > NET_MAX_SLOTS) {
			tx_warn(v, "more than 18 slots");
			v->st.tx_dropped++;
			respond_pkt(q, &p, NETIF_RSP_ERROR);
			continue;
		}
		size_t len = 0;
		int rc = fetch(q, &p, &len);
		if (rc == XCTL_ERR_PROTO)
			break;
		if (rc) {
			tx_warn(v, "a grant copy failed");
			v->st.tx_errors++;
			respond_pkt(q, &p, NETIF_RSP_ERROR);
			continue;
		}
		if (p.s[0].flags & NETTXF_csum_blank)
			net_csum_fill(v->buf, len);
		if (v->sink.tx(v->sink.ctx, v->buf, len)) {
			v->st.tx_dropped++;
			respond_pkt(q, &p, NETIF_RSP_DROPPED);
			continue;
		}
		v->st.tx_packets++;
		v->st.tx_bytes += len;
		respond_pkt(q, &p, NETIF_RSP_OKAY);
	}
	tx_push(q);
	return v->failed ? XCTL_ERR_PROTO : ret;
}
