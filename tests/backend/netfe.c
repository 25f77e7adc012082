/* SPDX-License-Identifier: LGPL-2.1-only */
/* The test netif frontend; see netfe.h. */
#include "tests/backend/netfe.h"
#include "drivers-backend/xenio/xenio.h"

#include <string.h>
#include <xen/io/netif.h>

uint32_t *netfe_idx(uint8_t *ring, unsigned which)
{
	return (uint32_t *)(void *)(ring + 4 * which);
}

int netfe_init(struct netfe *fe, struct xenio_fake *f, uint32_t domid, uint32_t first_page,
	       uint32_t first_ref)
{
	memset(fe, 0, sizeof(*fe));
	fe->f = f;
	fe->domid = domid;
	fe->tx = xenio_fake_page(f, domid, first_page);
	fe->rx = xenio_fake_page(f, domid, first_page + 1);
	if (!fe->tx || !fe->rx)
		return -1;
	memset(fe->tx, 0, 4096);
	memset(fe->rx, 0, 4096);
	fe->tx_ref = first_ref;
	fe->rx_ref = first_ref + 1;
	xenio_fake_grant(f, domid, fe->tx_ref, first_page, false);
	xenio_fake_grant(f, domid, fe->rx_ref, first_page + 1, false);
	*netfe_idx(fe->tx, 1) = 1;
	*netfe_idx(fe->tx, 3) = 1;
	*netfe_idx(fe->rx, 1) = 1;
	*netfe_idx(fe->rx, 3) = 1;
	fe->page_first = first_page + 2;
	fe->page_count = 500;
	fe->next_ref = first_ref + 2;
	if (xenio_fake_alloc_unbound(f, domid, &fe->tx_port) ||
	    xenio_fake_alloc_unbound(f, domid, &fe->rx_port))
		return -1;
	return 0;
}

uint32_t netfe_page(struct netfe *fe, bool readonly, uint8_t **mem)
{
	uint32_t page = fe->page_first + fe->next_page++ % fe->page_count;
	uint32_t ref = fe->next_ref++;
	xenio_fake_grant(fe->f, fe->domid, ref, page, readonly);
	if (mem)
		*mem = xenio_fake_page(fe->f, fe->domid, page);
	return ref;
}

static uint8_t *tx_at(struct netfe *fe, uint32_t i)
{
	return fe->tx + 64 + (size_t)(i & 255) * 12;
}

void netfe_tx_slot(struct netfe *fe, uint32_t gref, uint16_t offset, uint16_t flags, uint16_t id,
		   uint16_t size)
{
	uint8_t *s = tx_at(fe, fe->tx_prod++);
	memcpy(s, &gref, 4);
	memcpy(s + 4, &offset, 2);
	memcpy(s + 6, &flags, 2);
	memcpy(s + 8, &id, 2);
	memcpy(s + 10, &size, 2);
}

void netfe_tx_extra(struct netfe *fe, uint8_t type, uint8_t flags, const void *u, size_t ulen)
{
	uint8_t *s = tx_at(fe, fe->tx_prod++);
	memset(s, 0, 12);
	s[0] = type;
	s[1] = flags;
	memcpy(s + 2, u, ulen > 10 ? 10 : ulen);
}

void netfe_tx_push(struct netfe *fe, bool notify)
{
	__atomic_store_n(netfe_idx(fe->tx, 0), fe->tx_prod, __ATOMIC_RELEASE);
	if (notify)
		xenio_fake_guest_notify(fe->f, fe->domid, fe->tx_port);
}

void netfe_send(struct netfe *fe, const uint8_t *frame, size_t len, unsigned nslots, uint16_t flags)
{
	size_t per = (len + nslots - 1) / nslots, off = 0;
	for (unsigned i = 0; i < nslots; i++) {
		size_t l = len - off < per ? len - off : per;
		uint8_t *p;
		uint32_t g = netfe_page(fe, true, &p);
		memcpy(p + 100, frame + off, l);
		uint16_t fl = (i + 1 < nslots ? NETTXF_more_data : 0) | (i == 0 ? flags : 0);
		netfe_tx_slot(fe, g, 100, fl, (uint16_t)(fe->tx_prod & 0xffff),
			      (uint16_t)(i == 0 ? len : l));
		off += l;
	}
}

int netfe_tx_rsp(struct netfe *fe, uint16_t *id, int16_t *status)
{
	if (fe->tx_cons == __atomic_load_n(netfe_idx(fe->tx, 2), __ATOMIC_ACQUIRE))
		return 0;
	uint8_t *s = tx_at(fe, fe->tx_cons++);
	memcpy(id, s, 2);
	memcpy(status, s + 2, 2);
	*netfe_idx(fe->tx, 3) = fe->tx_cons + 1;
	return 1;
}

void netfe_rx_post(struct netfe *fe, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint16_t id = fe->rx_ids++ & 255;
		uint8_t *p;
		fe->rx_gref[id] = netfe_page(fe, false, &p);
		fe->rx_page[id] = p;
		uint8_t *s = fe->rx + 64 + (size_t)(fe->rx_prod++ & 255) * 8;
		memset(s, 0, 8);
		memcpy(s, &id, 2);
		memcpy(s + 4, &fe->rx_gref[id], 4);
	}
	__atomic_store_n(netfe_idx(fe->rx, 0), fe->rx_prod, __ATOMIC_RELEASE);
	xenio_fake_guest_notify(fe->f, fe->domid, fe->rx_port);
}

int netfe_rx_get(struct netfe *fe, uint8_t *buf, size_t size)
{
	size_t len = 0;
	int err = 0;
	for (;;) {
		if (fe->rx_cons == __atomic_load_n(netfe_idx(fe->rx, 2), __ATOMIC_ACQUIRE))
			return len ? (int)len : 0;
		uint8_t *s = fe->rx + 64 + (size_t)(fe->rx_cons++ & 255) * 8;
		uint16_t id, off, flags;
		int16_t st;
		memcpy(&id, s, 2);
		memcpy(&off, s + 2, 2);
		memcpy(&flags, s + 4, 2);
		memcpy(&st, s + 6, 2);
		if (st < 0)
			err = 1;
		else if (len + (size_t)st <= size)
			memcpy(buf + len, fe->rx_page[id & 255] + off, (size_t)st);
		len += st > 0 ? (size_t)st : 0;
		*netfe_idx(fe->rx, 3) = fe->rx_cons + 1;
		if (!(flags & NETRXF_more_data))
			return err ? -1 : (int)len;
	}
}

int netbe_attach(struct net_vif *v, struct netfe *fe, struct xenio *x, unsigned qi)
{
	void *tx = NULL, *rx = NULL;
	int rc = x->ops->map(x, fe->domid, 1, &fe->tx_ref, true, &tx);
	if (rc)
		return rc;
	rc = x->ops->map(x, fe->domid, 1, &fe->rx_ref, true, &rx);
	if (rc)
		return rc;
	net_queue_init(v, qi, tx, rx);
	struct net_queue *q = &v->q[qi];
	rc = x->ops->evtchn_bind(x, fe->domid, fe->tx_port, &q->tx_port);
	q->tx_bound = rc == 0;
	rc = rc ? rc : x->ops->evtchn_bind(x, fe->domid, fe->rx_port, &q->rx_port);
	q->rx_bound = rc == 0;
	q->split = true;
	return rc;
}

void netbe_detach(struct net_vif *v, struct xenio *x)
{
	for (unsigned i = 0; i < v->nq; i++) {
		struct net_queue *q = &v->q[i];
		if (q->tx_bound)
			x->ops->evtchn_unbind(x, q->tx_port);
		if (q->rx_bound)
			x->ops->evtchn_unbind(x, q->rx_port);
		x->ops->unmap(x, q->tx_sring, 1);
		x->ops->unmap(x, q->rx_sring, 1);
	}
	net_vif_flush(v);
}
