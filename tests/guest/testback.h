/* SPDX-License-Identifier: LGPL-2.1-only */
/* A small blkif backend for the guest tests, as dom0 on simd's mapper API
 * (simd_grant_map, event channels) and libxenstore: it writes a disk's
 * frontend and backend nodes by hand, advertises features, maps the rings
 * the frontend grants, and serves reads and writes (direct and indirect)
 * from an in-memory disk. It checks what it gets and counts it. */
#ifndef XCTL_TEST_GUEST_TESTBACK_H
#define XCTL_TEST_GUEST_TESTBACK_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/guest/xenring.h"

struct testhost;
struct simd_grant_map;

#define TB_MAX_QUEUES 4
#define TB_SECTORS 2048 /* 1 MiB disk */

struct testback {
	struct testhost *h;
	uint32_t domid;
	unsigned devid;
	char fe[128], be[128];
	/* what the backend offers (-1: key not written) */
	int max_ring_page_order;
	int max_queues;
	int max_indirect;
	bool persistent;
	bool readonly;
	enum { TB_HONEST, TB_BAD_ID, TB_RSP_OVERFLOW } hostile; /* after the first response */
	/* the disk */
	uint8_t disk[TB_SECTORS * 512];
	/* what the frontend negotiated */
	unsigned order, nq;
	struct simd_grant_map *ring_map[TB_MAX_QUEUES];
	blkif_back_ring_t ring[TB_MAX_QUEUES];
	uint32_t port[TB_MAX_QUEUES];
	bool connected;
	/* counters */
	unsigned reads, writes, indirect, errors;
	unsigned max_segs_seen;
	char problem[256]; /* first thing the backend found wrong */
};

/* Write the frontend and backend nodes (state 1), then the features and
 * InitWait, as blkback does. 0 or -1. */
int testback_create(struct testback *tb, struct testhost *h, uint32_t domid, unsigned devid);
/* Serve: once the frontend is Initialised, map and connect; then handle
 * every pending request. Cheap to call in a loop (a 5 ms poll). */
void testback_pump(void *tb);
/* Close the backend (state 5 then 6) and unmap everything. */
void testback_close(struct testback *tb);

#endif
