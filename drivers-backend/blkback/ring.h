/* SPDX-License-Identifier: LGPL-2.1-only */
/* The blkif ring engine: one queue (ring + event channel) of a virtual
 * disk. Each request is copied off the shared ring once, decoded from the
 * copy, validated against the disk's parameters, its grants mapped, then
 * handed to the I/O adapter; completions become fully initialised
 * responses. A frontend that breaks the ring protocol fails the queue
 * (failed is set and logged, naming the device); a bad request gets
 * BLKIF_RSP_ERROR or BLKIF_RSP_EOPNOTSUPP. */
#ifndef XCTL_BLKBACK_RING_H
#define XCTL_BLKBACK_RING_H

#include "drivers-backend/blkback/abi.h"
#include "drivers-backend/blkback/io.h"
#include "drivers-backend/common/storm.h"

#include <stdbool.h>
#include <stdint.h>

struct xenio;
struct xctl_log;

#define BLK_MAX_RING_ORDER 4u        /* we advertise max-ring-page-order 4 */
#define BLK_MAX_RING_PAGES (1u << BLK_MAX_RING_ORDER)
#define BLK_MAX_QUEUES 4u
#define BLK_PGRANT_MAX 1056u         /* persistent grants per queue */
#define BLK_PGCHUNK_MAX (2u * BLK_PGRANT_MAX) /* their map calls: one grant or more each */
#define BLK_ERRLOG_MAX 8u            /* request errors logged per queue */
#define BLK_MAP_CHUNKS ((BLK_MAX_INDIRECT_SEGS + 31u) / 32u)

/* What the disk offers, negotiated with the frontend. */
struct blk_params {
	uint64_t sectors;          /* disk size in 512-byte units */
	unsigned sector_size;      /* 512 or 4096 */
	bool readonly;
	bool flush, barrier, discard, discard_secure;
	bool persistent;           /* both sides said feature-persistent */
	unsigned max_indirect;     /* 0: no indirect requests */
};

struct blk_pgrant {
	uint32_t gref;
	bool used;
	bool writable;
	void *addr;
};

struct blk_slot {
	bool used;
	uint64_t id;
	uint8_t ring_op;
	/* non-persistent mappings (XENIO_MAP_MAX refs each), unmapped at completion */
	void *map[BLK_MAP_CHUNKS];
	uint32_t nmap[BLK_MAP_CHUNKS];
	unsigned nchunks;
	struct blk_job job;
	struct iovec iov[BLK_MAX_INDIRECT_SEGS];
	int niov;                /* segments that follow in memory share an entry */
};

/* One persistent mapping call: its grants stay mapped while the queue
 * lives, and are unmapped as they were mapped. */
struct blk_pgchunk {
	void *addr;
	uint32_t count;
};

struct blk_stats {
	uint64_t requests, errors, eopnotsupp, responses, notifies, spurious;
	uint64_t pgrant_hits, pgrant_fallback;
};

struct blk_ring {
	struct xenio *x;
	const struct xctl_log *log;
	char who[96];            /* "domain 3 vbd 51712 queue 0" */
	uint32_t domid;
	enum blk_abi abi;
	const struct blk_params *p;
	struct blk_io *io;

	uint8_t *sring;          /* mapped shared ring */
	uint32_t npages;
	uint32_t size;
	uint32_t req_cons, rsp_prod_pvt, rsp_pushed;
	uint32_t port;           /* local event channel port */
	bool bound;

	struct blk_slot *slots;  /* size entries */
	uint32_t *free_slots;
	uint32_t nfree;
	unsigned inflight;
	bool draining;           /* a barrier waits for (or is in) flight */
	bool barrier_in_flight;
	uint8_t stash[BLK_SLOT_MAX];
	bool stashed;

	struct blk_pgrant *pg;   /* hash of 2 * BLK_PGRANT_MAX */
	unsigned npg;
	struct blk_pgchunk *pgchunks; /* BLK_PGCHUNK_MAX */
	unsigned npgchunks;

	bool failed;
	unsigned errlogged;
	struct storm storm;
	struct blk_stats st;
	struct blk_req req;      /* scratch: the request being handled */
};

/* Set up a queue over an already mapped ring of npages pages. */
int blk_ring_init(struct blk_ring *r, struct xenio *x, const struct xctl_log *log,
		  const char *who, uint32_t domid, enum blk_abi abi, const struct blk_params *p,
		  struct blk_io *io, void *sring, uint32_t npages);
/* Consume requests (a bounded amount per call). Returns 1 when requests are
 * left on the ring for another call, 0 when the ring is drained, or an
 * error when the frontend broke the protocol (r->failed is then set). */
int blk_ring_process(struct blk_ring *r);
/* An event on the queue's port: process, and account spurious events
 * (storm.h). Returns true to unmask the port now, false to unmask it at
 * r->storm.paused_until. */
bool blk_ring_event(struct blk_ring *r, uint64_t now_ms);
/* Turn a completed job into its response. */
void blk_ring_complete(struct blk_ring *r, struct blk_job *j);
/* Publish queued responses and notify the frontend if it asked. */
void blk_ring_push(struct blk_ring *r);
/* Stop taking requests and log why (once). */
void blk_ring_fail(struct blk_ring *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Unmap the persistent grants and free the queue; no job may be in flight. */
void blk_ring_destroy(struct blk_ring *r);

/* Request checks, mapping (req.c). */
/* Validate r->req; returns BLKIF_RSP_OKAY, _ERROR or _EOPNOTSUPP and sets
 * *why for the log. */
int blk_req_validate(const struct blk_params *p, struct blk_req *q, const char **why);
/* Fetch and validate indirect segments into q->seg (copied once). */
int blk_req_fetch_indirect(struct blk_ring *r, struct blk_req *q, const char **why);
/* Map q's segments for slot s and fill its iovec; 0 or BLKIF_RSP_ERROR. */
int blk_req_map(struct blk_ring *r, struct blk_req *q, struct blk_slot *s, const char **why);
void blk_req_unmap(struct blk_ring *r, struct blk_slot *s);
void blk_pgrant_flush(struct blk_ring *r);

#endif

/* Complete every finished job of io (on whichever queue submitted it) and
 * push the responses; returns how many were completed. */
unsigned blk_ring_reap(struct blk_io *io);
