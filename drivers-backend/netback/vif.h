/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-netback's ring engine: the tx and rx rings of xen/io/netif.h for
 * one vif (one or more queues). Every slot is copied off the ring once and
 * validated before use; packet data is fetched with grant copies into a
 * private buffer (so headers split across fragments arrive linearised);
 * frames for the guest wait in a bounded per-vif queue and are dropped
 * when it is full. A frontend that breaks the protocol (ring overflow, a
 * fragment crossing its page, endless slot chains, bad extra info, GSO not
 * negotiated) gets its vif disabled, with a log line naming it. */
#ifndef XCTL_NETBACK_VIF_H
#define XCTL_NETBACK_VIF_H

#include "drivers-backend/common/storm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xenio;
struct xctl_log;

#define NET_MAX_QUEUES 2u
#define NET_MAX_SLOTS 18u          /* XEN_NETIF_NR_SLOTS_MIN: larger packets are dropped */
#define NET_FATAL_SLOTS 20u        /* beyond this the frontend is broken */
#define NET_MAX_EXTRAS 4u          /* XEN_NETIF_EXTRA_TYPE_MAX - 1 */
#define NET_FRAME_MAX 65535u       /* XEN_NETIF_MAX_TX_SIZE */
#define NET_ETH_HLEN 14u
#define NET_RXQ_MAX_PKTS 256u      /* per vif, towards the guest */
#define NET_RXQ_MAX_BYTES (1u << 20)
#define NET_MCAST_MAX 64u
#define NET_ERRLOG_MAX 8u

/* The host side: where frames from the guest go. */
struct net_sink {
	int (*tx)(void *ctx, const uint8_t *frame, size_t len);
	void *ctx;
};

struct net_stats {
	uint64_t tx_packets, tx_bytes, tx_errors, tx_dropped;
	uint64_t rx_packets, rx_bytes, rx_dropped, rx_queued_max;
	uint64_t mcast_ignored, spurious, credit_waits;
};

struct net_frame {
	size_t len;
	uint8_t data[];
};

struct net_vif;

struct net_queue {
	struct net_vif *vif;
	unsigned index;
	uint8_t *tx_sring, *rx_sring;
	uint32_t tx_size, rx_size;
	uint32_t tx_req_cons, tx_rsp_prod_pvt, tx_rsp_pushed;
	uint32_t rx_req_cons, rx_rsp_prod_pvt, rx_rsp_pushed;
	uint32_t tx_port, rx_port;   /* equal without split event channels */
	bool tx_bound, rx_bound, split;
	struct storm storm;
	/* frames for the guest (a ring of pointers) */
	struct net_frame *rxq[NET_RXQ_MAX_PKTS];
	unsigned rxq_head, rxq_len;
	size_t rxq_bytes;
};

struct net_vif {
	struct xenio *x;
	const struct xctl_log *log;
	char who[64];             /* "domain 3 vif 0" */
	uint32_t domid;
	bool sg, mcast_ctrl, gso; /* negotiated */
	bool failed;
	unsigned errlogged;
	struct net_sink sink;
	unsigned nq;
	struct net_queue q[NET_MAX_QUEUES];
	uint8_t mcast[NET_MCAST_MAX][6];
	unsigned nmcast;
	/* credit (rate limiting): credit_bytes per credit_ms, 0 = unlimited */
	uint64_t credit_bytes, credit_ms, remaining, next_refill;
	struct net_stats st;
	uint8_t buf[NET_FRAME_MAX + 1];
};

void net_vif_init(struct net_vif *v, struct xenio *x, const struct xctl_log *log,
		  const char *who, uint32_t domid, const struct net_sink *sink);
/* Attach queue i to mapped rings (one page each). */
void net_queue_init(struct net_vif *v, unsigned i, void *tx_sring, void *rx_sring);
/* Consume tx requests (bounded per call): 1 when more are left, 0 when
 * done or waiting for credit, XCTL_ERR_PROTO when the vif got disabled. */
int net_tx_process(struct net_queue *q, uint64_t now_ms);
/* A frame from the host for the guest: queued (bounded), or dropped. */
void net_rx_frame(struct net_vif *v, const uint8_t *frame, size_t len);
/* Deliver queued frames into posted rx buffers. */
int net_rx_process(struct net_queue *q);
/* An event on a queue's port (either ring): process both, account storms.
 * Returns true to unmask now (see storm.h). */
bool net_queue_event(struct net_queue *q, uint64_t now_ms);
void net_vif_fail(struct net_vif *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Drop queued frames. */
void net_vif_flush(struct net_vif *v);
/* Fill in the checksum of a TCP or UDP over IPv4 frame (csum_blank). */
void net_csum_fill(uint8_t *frame, size_t len);

#endif
