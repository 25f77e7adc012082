/* SPDX-License-Identifier: LGPL-2.1-only */
/* blkfront's requests and responses.
 *
 * A request takes a free slot of a queue's ring (its id is the slot, so a
 * response is found without trusting the backend: an id out of range or of
 * a free slot fails the device), one granted page per segment (from the
 * pool of persistent grants when the backend keeps them mapped), and, for
 * more than BLKIF_MAX_SEGMENTS_PER_REQUEST segments, indirect pages of
 * struct blkif_request_segment granted read-only. Responses are copied off
 * the ring once, and at most a few rounds of them are handled per event.
 *
 * The boot I/O once connected: read sector 0 (one page), then, when the
 * backend offers indirect segments, one indirect read from sector 0 that
 * must agree with it, then write a marker into the disk's last sector
 * unless the disk is read-only. Results go to the console and to
 * data/simguest/vbd/DEVID/. The load knob then keeps reads in flight. */
#include "sim/guest/blkfront.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "common/err.h"
#include "sim/simd/simd.h"
#include "xenstore-schema/xs_paths.h"

#define BLK_ROUNDS 4 /* rounds of responses per event; the rest on the next tick */

static int get_buf(struct blkfront *bf, uint8_t op, struct blk_buf *b)
{
	struct guest *g = bf->d.g;
	if (bf->persistent && bf->npool) {
		*b = bf->pool[--bf->npool];
		return 0;
	}
	int rc = gmem_alloc(g, 1, &b->pg);
	if (rc)
		return rc;
	/* Persistent grants serve reads and writes alike: writable. */
	bool ro = !bf->persistent && op == BLKIF_OP_WRITE;
	rc = gnt_grant(g, bf->d.be_domid, b->pg.gfn[0], ro, &b->ref);
	if (rc)
		gmem_free(g, &b->pg);
	return rc;
}

static void put_buf(struct blkfront *bf, struct blk_buf *b)
{
	if (!b->pg.n)
		return;
	if (bf->persistent && bf->npool < BLK_POOL_MAX) {
		bf->pool[bf->npool++] = *b;
		return;
	}
	gnt_end(bf->d.g, b->ref, &b->pg);
}

void blk_pool_drain(struct blkfront *bf)
{
	while (bf->npool) {
		struct blk_buf *b = &bf->pool[--bf->npool];
		gnt_end(bf->d.g, b->ref, &b->pg);
	}
}

static void release(struct blkfront *bf, struct blk_queue *q, struct blk_shadow *s)
{
	for (unsigned i = 0; s->bufs && i < s->nseg; i++)
		put_buf(bf, &s->bufs[i]);
	for (unsigned i = 0; i < s->nind; i++)
		gnt_end(bf->d.g, s->ind_refs[i], &s->ind[i]);
	free(s->bufs);
	memset(s, 0, sizeof(*s));
	q->inflight--;
}

void blk_drop_inflight(struct blkfront *bf)
{
	for (unsigned qi = 0; qi < bf->nq; qi++) {
		struct blk_queue *q = &bf->q[qi];
		for (unsigned i = 0; q->shadow && i < q->slots; i++)
			if (q->shadow[i].used)
				release(bf, q, &q->shadow[i]);
	}
}

static struct blk_queue *pick_queue(struct blkfront *bf)
{
	for (unsigned k = 0; k < bf->nq; k++) {
		struct blk_queue *q = &bf->q[(bf->rr + k) % bf->nq];
		if (q->inflight < q->slots && !RING_FULL(&q->ring)) {
			bf->rr = (bf->rr + k + 1) % bf->nq;
			return q;
		}
	}
	return NULL;
}

static int fill_indirect(struct blkfront *bf, struct blk_shadow *s, blkif_request_indirect_t *req,
			 const struct blkif_request_segment *segs)
{
	struct guest *g = bf->d.g;
	s->nind = 0;
	unsigned need = (s->nseg + BLK_SEGS_PER_INDIRECT_PAGE - 1) / BLK_SEGS_PER_INDIRECT_PAGE;
	for (unsigned i = 0; i < need; i++) {
		int rc = gmem_alloc(g, 1, &s->ind[i]);
		if (rc)
			return rc;
		rc = gnt_grant(g, bf->d.be_domid, s->ind[i].gfn[0], true, &s->ind_refs[i]);
		if (rc) {
			gmem_free(g, &s->ind[i]);
			return rc;
		}
		s->nind++;
		unsigned first = i * BLK_SEGS_PER_INDIRECT_PAGE;
		unsigned cnt = s->nseg - first < BLK_SEGS_PER_INDIRECT_PAGE ? s->nseg - first : BLK_SEGS_PER_INDIRECT_PAGE;
		memcpy(s->ind[i].addr, segs + first, cnt * sizeof(*segs));
		req->indirect_grefs[i] = s->ind_refs[i];
	}
	return 0;
}

int blk_submit(struct blkfront *bf, enum blk_purpose purpose, uint8_t op, uint64_t sector512,
	       unsigned nsect512, const void *data)
{
	struct guest *g = bf->d.g;
	if (!bf->rings_up || bf->d.failed || !nsect512)
		return XCTL_ERR_INVAL;
	unsigned nseg = (nsect512 + BLK_SECT_PER_PAGE - 1) / BLK_SECT_PER_PAGE;
	bool indirect = nseg > BLKIF_MAX_SEGMENTS_PER_REQUEST;
	if (indirect && nseg > bf->indirect)
		return XCTL_ERR_INVAL;
	struct blk_queue *q = pick_queue(bf);
	if (!q)
		return XCTL_ERR_BUSY;
	unsigned id = 0;
	while (id < q->slots && q->shadow[id].used)
		id++;
	if (id == q->slots)
		return XCTL_ERR_BUSY;
	struct blk_shadow *s = &q->shadow[id];
	memset(s, 0, sizeof(*s));
	s->used = true;
	s->op = op;
	s->indirect = indirect;
	s->purpose = purpose;
	q->inflight++;
	int rc = 0;
	struct blkif_request_segment *segs = calloc(nseg, sizeof(*segs));
	s->bufs = calloc(nseg, sizeof(*s->bufs));
	if (!segs || !s->bufs) {
		rc = XCTL_ERR_NOMEM;
		goto out;
	}
	unsigned left = nsect512;
	for (unsigned i = 0; i < nseg; i++) {
		rc = get_buf(bf, op, &s->bufs[i]);
		if (rc)
			goto out;
		s->nseg++;
		unsigned n = left < BLK_SECT_PER_PAGE ? left : BLK_SECT_PER_PAGE;
		left -= n;
		if (op == BLKIF_OP_WRITE && data)
			memcpy(s->bufs[i].pg.addr, (const char *)data + (size_t)i * BLK_PAGE, (size_t)n * 512);
		segs[i] = (struct blkif_request_segment){ .gref = s->bufs[i].ref, .first_sect = 0,
							  .last_sect = (uint8_t)(n - 1) };
	}
	/* Built in private memory, then copied whole: no stale bytes in the slot. */
	union {
		blkif_request_t direct;
		blkif_request_indirect_t ind;
	} req;
	memset(&req, 0, sizeof(req));
	if (indirect) {
		req.ind.operation = BLKIF_OP_INDIRECT;
		req.ind.indirect_op = op;
		req.ind.nr_segments = (uint16_t)nseg;
		req.ind.id = id;
		req.ind.sector_number = sector512;
		req.ind.handle = (blkif_vdev_t)bf->d.devid;
		rc = fill_indirect(bf, s, &req.ind, segs);
		if (rc)
			goto out;
	} else {
		req.direct.operation = op;
		req.direct.nr_segments = (uint8_t)nseg;
		req.direct.handle = (blkif_vdev_t)bf->d.devid;
		req.direct.id = id;
		req.direct.sector_number = sector512;
		memcpy(req.direct.seg, segs, nseg * sizeof(*segs));
	}
	memcpy(RING_GET_REQUEST(&q->ring, q->ring.req_prod_pvt), &req, sizeof(blkif_request_t));
	q->ring.req_prod_pvt++;
	int notify;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->ring, notify);
	if (notify)
		gdev_notify(&bf->d, q->port);
out:
	free(segs);
	if (rc) {
		xctl_warn(g->log, "domain %u: %s: cannot issue a request of %u segments: %s", g->domid, bf->d.name, nseg,
			  xctl_strerror(rc));
		release(bf, q, s);
	}
	return rc;
}

static void report(struct blkfront *bf, const char *fmt, const char *value)
{
	char p[GUEST_PATH_MAX];
	snprintf(p, sizeof(p), fmt, bf->d.g->domid, bf->d.devid);
	xb_printf(bf->d.g, XBT_NULL, p, "%s", value);
}

static void load_fill(struct blkfront *bf)
{
	struct guest *g = bf->d.g;
	if (g->phase != GP_READY || bf->sectors512 < BLK_SECT_PER_PAGE)
		return;
	unsigned inflight = 0;
	for (unsigned qi = 0; qi < bf->nq; qi++)
		inflight += bf->q[qi].inflight;
	uint64_t pages = bf->sectors512 / BLK_SECT_PER_PAGE;
	while (inflight < g->knobs.load_disk) {
		bf->rng ^= bf->rng << 13;
		bf->rng ^= bf->rng >> 7;
		bf->rng ^= bf->rng << 17;
		if (blk_submit(bf, BP_LOAD, BLKIF_OP_READ, (bf->rng % pages) * BLK_SECT_PER_PAGE, BLK_SECT_PER_PAGE,
			       NULL))
			return;
		inflight++;
	}
}

static void boot_marker(struct blkfront *bf)
{
	struct guest *g = bf->d.g;
	if (bf->info & VDISK_READONLY) {
		report(bf, XS_FMT_SIMGUEST_DATA_VBD_MARKER, "read-only");
		return;
	}
	unsigned n = bf->sector_size / 512;
	if (bf->sectors512 < n)
		return;
	char data[BLK_PAGE];
	memset(data, 0, sizeof(data));
	snprintf(data, sizeof(data), "xctl-guest marker: domain %u %s %u\n", g->domid, bf->d.ops->name, bf->d.devid);
	if (blk_submit(bf, BP_MARKER, BLKIF_OP_WRITE, bf->sectors512 - n, n, data))
		report(bf, XS_FMT_SIMGUEST_DATA_VBD_MARKER, "failed");
}

void blk_start_io(struct blkfront *bf)
{
	bf->rng = ((uint64_t)bf->d.g->domid << 32 | bf->d.devid) ^ guest_now_ms() ^ 0x9e3779b97f4a7c15ull;
	if (!bf->rng)
		bf->rng = 1;
	if (bf->sectors512 == 0)
		return;
	unsigned n = bf->sectors512 < BLK_SECT_PER_PAGE ? (unsigned)bf->sectors512 : BLK_SECT_PER_PAGE;
	if (blk_submit(bf, BP_SECTOR0, BLKIF_OP_READ, 0, n, NULL))
		boot_marker(bf);
}

static void after_sector0(struct blkfront *bf, bool ok)
{
	struct guest *g = bf->d.g;
	if (ok) {
		char hex[65];
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", bf->sector0[i]);
		report(bf, XS_FMT_SIMGUEST_DATA_VBD_SECTOR0, hex);
		gprintk(g, "%s: sector 0: %.32s...", bf->d.name, hex);
	} else
		gprintk(g, "%s: reading sector 0 failed", bf->d.name);
	uint64_t pages = bf->sectors512 / BLK_SECT_PER_PAGE;
	unsigned nseg = bf->indirect < pages ? bf->indirect : (unsigned)pages;
	if (ok && nseg > BLKIF_MAX_SEGMENTS_PER_REQUEST &&
	    blk_submit(bf, BP_INDIRECT, BLKIF_OP_READ, 0, nseg * BLK_SECT_PER_PAGE, NULL) == 0)
		return;
	boot_marker(bf);
}

static void complete(struct blkfront *bf, struct blk_queue *q, struct blk_shadow *s, int16_t status)
{
	struct guest *g = bf->d.g;
	bool ok = status == BLKIF_RSP_OKAY;
	bf->requests++;
	if (!ok)
		bf->errors++;
	enum blk_purpose purpose = s->purpose;
	unsigned nseg = s->nseg;
	if (purpose == BP_SECTOR0 && ok)
		memcpy(bf->sector0, s->bufs[0].pg.addr, BLK_PAGE);
	bool same = purpose == BP_INDIRECT && ok && !memcmp(bf->sector0, s->bufs[0].pg.addr, 512);
	release(bf, q, s);
	switch (purpose) {
	case BP_SECTOR0:
		after_sector0(bf, ok);
		break;
	case BP_INDIRECT:
		if (ok)
			gprintk(g, "%s: indirect read of %u segments %s sector 0", bf->d.name, nseg,
				same ? "agrees with" : "DISAGREES with");
		else
			gprintk(g, "%s: indirect read of %u segments failed (status %d)", bf->d.name, nseg, status);
		boot_marker(bf);
		break;
	case BP_MARKER:
		report(bf, XS_FMT_SIMGUEST_DATA_VBD_MARKER, ok ? "written" : "failed");
		gprintk(g, "%s: marker %s", bf->d.name, ok ? "written to the last sector" : "write failed");
		break;
	case BP_LOAD:
		break;
	}
	load_fill(bf);
}

static void process(struct blk_queue *q)
{
	struct blkfront *bf = q->bf;
	for (int round = 0; round < BLK_ROUNDS; round++) {
		RING_IDX rp = __atomic_load_n(&q->ring.sring->rsp_prod, __ATOMIC_ACQUIRE);
		if (RING_RESPONSE_PROD_OVERFLOW(&q->ring, rp) || rp - q->ring.rsp_cons > q->inflight) {
			gdev_fail(&bf->d, "queue %u: response producer %u is %u past our consumer %u with %u requests in flight",
				  q->idx, rp, rp - q->ring.rsp_cons, q->ring.rsp_cons, q->inflight);
			return;
		}
		while (q->ring.rsp_cons != rp) {
			blkif_response_t rsp;
			RING_COPY_RESPONSE(&q->ring, q->ring.rsp_cons, &rsp);
			q->ring.rsp_cons++;
			struct blk_shadow *s = rsp.id < q->slots ? &q->shadow[rsp.id] : NULL;
			if (!s || !s->used) {
				gdev_fail(&bf->d, "queue %u: response for id %llu, which is not in flight", q->idx,
					  (unsigned long long)rsp.id);
				return;
			}
			if (rsp.operation != s->op && !(s->indirect && rsp.operation == BLKIF_OP_INDIRECT)) {
				gdev_fail(&bf->d, "queue %u: response of operation %u for a request of operation %u", q->idx,
					  rsp.operation, s->op);
				return;
			}
			complete(bf, q, s, rsp.status);
			if (!bf->rings_up)
				return;
		}
		int more;
		RING_FINAL_CHECK_FOR_RESPONSES(&q->ring, more);
		if (!more) {
			q->more = false;
			return;
		}
	}
	q->more = true;
}

void blk_queue_event(struct guest *g, void *arg)
{
	struct blk_queue *q = arg;
	simd_evtchn_consume(g->sys, q->port);
	process(q);
}

void blk_io_tick(struct blkfront *bf, uint64_t now)
{
	for (unsigned qi = 0; qi < bf->nq && bf->rings_up; qi++)
		if (bf->q[qi].more)
			process(&bf->q[qi]);
	if (!bf->rings_up)
		return;
	load_fill(bf);
	if (now - bf->last_report < 1000 ||
	    (bf->requests == bf->reported_requests && bf->errors == bf->reported_errors))
		return;
	bf->last_report = now;
	bf->reported_requests = bf->requests;
	bf->reported_errors = bf->errors;
	char v[24];
	snprintf(v, sizeof(v), "%llu", (unsigned long long)bf->requests);
	report(bf, XS_FMT_SIMGUEST_DATA_VBD_REQUESTS, v);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)bf->errors);
	report(bf, XS_FMT_SIMGUEST_DATA_VBD_ERRORS, v);
}
