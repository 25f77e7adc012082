/* SPDX-License-Identifier: LGPL-2.1-only */
/* blkfront's shared state: blkfront.c (handshake, rings) and blkfront_io.c
 * (requests and responses, the boot I/O, the load). */
#ifndef XCTL_GUEST_BLKFRONT_H
#define XCTL_GUEST_BLKFRONT_H

#include "sim/guest/guest.h"
#include "sim/guest/xenring.h"

#define BLK_PAGE 4096u
#define BLK_SECT_PER_PAGE (BLK_PAGE / 512u)
/* Slots of the largest ring (order GUEST_MAX_RING_ORDER). */
#define BLK_MAX_SLOTS __CONST_RING_SIZE(blkif, BLK_PAGE << GUEST_MAX_RING_ORDER)
#define BLK_SEGS_PER_INDIRECT_PAGE (BLK_PAGE / sizeof(struct blkif_request_segment))
#define BLK_MAX_INDIRECT_SEGS (BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST * BLK_SEGS_PER_INDIRECT_PAGE)
#define BLK_POOL_MAX 512 /* persistent grants kept per device */

/* A data page granted to the backend. */
struct blk_buf {
	struct gpages pg;
	grant_ref_t ref;
};

enum blk_purpose { BP_SECTOR0, BP_INDIRECT, BP_MARKER, BP_LOAD };

struct blk_shadow {
	bool used;
	uint8_t op;                /* BLKIF_OP_READ/WRITE, the data direction */
	bool indirect;
	enum blk_purpose purpose;
	unsigned nseg;
	struct blk_buf *bufs;      /* nseg */
	unsigned nind;
	struct gpages ind[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	grant_ref_t ind_refs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};

struct blkfront;

struct blk_queue {
	struct blkfront *bf;
	unsigned idx;
	struct gpages ring_pages;
	grant_ref_t ring_refs[1u << GUEST_MAX_RING_ORDER];
	unsigned nrefs;
	blkif_front_ring_t ring;
	uint32_t port;
	struct ghandler h;
	struct blk_shadow *shadow; /* RING_SIZE entries */
	unsigned slots;
	unsigned inflight;
	bool more;                 /* responses left for the next tick */
};

struct blkfront {
	struct gdev d;
	/* negotiated */
	unsigned order;
	unsigned nq;
	bool persistent;
	unsigned indirect;         /* most segments per indirect request; 0: none */
	/* the disk, from the backend */
	uint64_t sectors512;       /* size in 512-byte units */
	unsigned sector_size;
	unsigned info;
	struct blk_queue q[GUEST_MAX_QUEUES];
	bool rings_up;
	unsigned rr;
	/* persistent grants */
	struct blk_buf pool[BLK_POOL_MAX];
	unsigned npool;
	/* boot I/O and counters */
	unsigned char sector0[BLK_PAGE];
	uint64_t requests, errors;
	uint64_t reported_requests, reported_errors;
	uint64_t last_report;
	uint64_t rng;
};

int blk_submit(struct blkfront *bf, enum blk_purpose purpose, uint8_t op, uint64_t sector512,
	       unsigned nsect512, const void *data);
void blk_queue_event(struct guest *g, void *arg);
void blk_start_io(struct blkfront *bf);
void blk_io_tick(struct blkfront *bf, uint64_t now);
/* Free every in-flight request's pages and grants (teardown). */
void blk_drop_inflight(struct blkfront *bf);
void blk_pool_drain(struct blkfront *bf);

#endif
