/* SPDX-License-Identifier: LGPL-2.1-only */
/* A deliberately simple netif frontend for tests, fuzzers and benches over
 * xenio/fake: tx and rx rings (one page each), able to write any slot. */
#ifndef XCTL_TEST_NETFE_H
#define XCTL_TEST_NETFE_H

#include "drivers-backend/netback/vif.h"
#include "drivers-backend/xenio/fake/fake.h"

struct netfe {
	struct xenio_fake *f;
	uint32_t domid;
	uint8_t *tx, *rx;          /* guest view of the rings */
	uint32_t tx_ref, rx_ref;
	uint32_t tx_prod, tx_cons, rx_prod, rx_cons;
	uint32_t tx_port, rx_port;
	uint32_t page_first, page_count, next_page, next_ref;
	uint16_t rx_ids;
	uint32_t rx_gref[256];     /* by rx id */
	uint8_t *rx_page[256];
};

int netfe_init(struct netfe *fe, struct xenio_fake *f, uint32_t domid, uint32_t first_page,
	       uint32_t first_ref);
uint32_t netfe_page(struct netfe *fe, bool readonly, uint8_t **mem);
void netfe_tx_slot(struct netfe *fe, uint32_t gref, uint16_t offset, uint16_t flags, uint16_t id,
		   uint16_t size);
void netfe_tx_extra(struct netfe *fe, uint8_t type, uint8_t flags, const void *u, size_t ulen);
void netfe_tx_push(struct netfe *fe, bool notify);
/* A frame in nslots slots (the first carries the total size). */
void netfe_send(struct netfe *fe, const uint8_t *frame, size_t len, unsigned nslots, uint16_t flags);
/* Responses: 1 with id and status, 0 when none. */
int netfe_tx_rsp(struct netfe *fe, uint16_t *id, int16_t *status);
void netfe_rx_post(struct netfe *fe, unsigned n);
/* One received frame assembled from its slots: its length, 0 if none, -1
 * for an error response. */
int netfe_rx_get(struct netfe *fe, uint8_t *buf, size_t size);
uint32_t *netfe_idx(uint8_t *ring, unsigned which);

/* The backend half over the fake: map both rings, bind both ports. */
int netbe_attach(struct net_vif *v, struct netfe *fe, struct xenio *x, unsigned qi);
void netbe_detach(struct net_vif *v, struct xenio *x);

#endif
