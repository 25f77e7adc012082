/* SPDX-License-Identifier: LGPL-2.1-only */
/* The blkif ring engine; see ring.h. */
#include "drivers-backend/blkback/ring.h"
#include "drivers-backend/xenio/xenio.h"
#include "common/err.h"
#include "common/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/io/blkif.h>

#define SR_REQ_PROD 0
#define SR_REQ_EVENT 4
#define SR_RSP_PROD 8
#define SR_RSP_EVENT 12

void blk_ring_push(struct blk_ring *r);

static uint32_t *sr32(struct blk_ring *r, size_t off)
{
	return (uint32_t *)(void *)(r->sring + off);
}

static uint8_t *entry(struct blk_ring *r, uint32_t idx)
{
	return r->sring + BLK_RING_HDR + (size_t)(idx & (r->size - 1)) * blk_abi_slot(r->abi);
}

int blk_ring_init(struct blk_ring *r, struct xenio *x, const struct xctl_log *log,
		  const char *who, uint32_t domid, enum blk_abi abi, const struct blk_params *p,
		  struct blk_io *io, void *sring, uint32_t npages)
{
	memset(r, 0, sizeof(*r));
	r->x = x;
	r->log = log;
	snprintf(r->who, sizeof(r->who), "%s", who);
	r->domid = domid;
	r->abi = abi;
	r->p = p;
	r->io = io;
	r->sring = sring;
	r->npages = npages;
	r->size = blk_abi_ring_size(abi, npages);
	r->slots = calloc(r->size, sizeof(*r->slots));
	r->free_slots = calloc(r->size, sizeof(*r->free_slots));
	r->pg = calloc(2 * BLK_PGRANT_MAX, sizeof(*r->pg));
	r->pgchunks = calloc(BLK_PGCHUNK_MAX, sizeof(*r->pgchunks));
	if (!r->slots || !r->free_slots || !r->pg || !r->pgchunks) {
		free(r->slots);
		free(r->free_slots);
		free(r->pg);
		free(r->pgchunks);
		return XCTL_ERR_NOMEM;
	}
	for (uint32_t i = 0; i < r->size; i++)
		r->free_slots[i] = r->size - 1 - i;
	r->nfree = r->size;
	/* the frontend initialised the indexes; we start from what it wrote
	 * for the responses (0 for a fresh ring) */
	r->rsp_prod_pvt = __atomic_load_n(sr32(r, SR_RSP_PROD), __ATOMIC_ACQUIRE);
	r->req_cons = r->rsp_prod_pvt;
	r->rsp_pushed = r->rsp_prod_pvt;
	return 0;
}

void blk_ring_fail(struct blk_ring *r, const char *fmt, ...)
{
	if (r->failed)
		return;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->failed = true;
	xctl_err_log(r->log, "%s: %s; the frontend broke the ring protocol, disconnecting it",
		     r->who, msg);
}

static void respond(struct blk_ring *r, uint64_t id, uint8_t op, int16_t status)
{
	uint8_t rsp[BLK_SLOT_MAX];
	blk_abi_encode_rsp(r->abi, id, op, status, rsp);
	memcpy(entry(r, r->rsp_prod_pvt), rsp, blk_abi_rsp(r->abi));
	r->rsp_prod_pvt++;
	r->st.responses++;
	if (status == BLKIF_RSP_ERROR)
		r->st.errors++;
	else if (status == BLKIF_RSP_EOPNOTSUPP)
		r->st.eopnotsupp++;
}

static void req_error(struct blk_ring *r, const struct blk_req *q, int status, const char *why)
{
	if (r->errlogged < BLK_ERRLOG_MAX) {
		r->errlogged++;
		xctl_warn(r->log, "%s: request (operation %u) answered %s: %s%s", r->who,
			  q->ring_op, status == BLKIF_RSP_EOPNOTSUPP ? "EOPNOTSUPP" : "ERROR",
			  why ? why : "invalid",
			  r->errlogged == BLK_ERRLOG_MAX ? " (further request errors not logged)" : "");
	}
	respond(r, q->id, q->ring_op, (int16_t)status);
}

static enum blk_io_op io_op(uint8_t op)
{
	switch (op) {
	case BLKIF_OP_READ:
		return BLK_IO_READ;
	case BLKIF_OP_WRITE:
		return BLK_IO_WRITE;
	case BLKIF_OP_WRITE_BARRIER:
		return BLK_IO_WRITE_FLUSH;
	case BLKIF_OP_FLUSH_DISKCACHE:
		return BLK_IO_FLUSH;
	default:
		return BLK_IO_DISCARD;
	}
}

static uint64_t seg_bytes(const struct blk_req *q)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < q->nseg; i++)
		n += ((uint64_t)q->seg[i].last - q->seg[i].first + 1) * 512u;
	return n;
}

/* Handle one request from its private copy. Returns 1 when it must wait
 * (a barrier behind requests in flight), 0 otherwise. */
static int handle(struct blk_ring *r, const uint8_t *copy)
{
	struct blk_req *q = &r->req;
	const char *why = NULL;
	blk_abi_decode(r->abi, copy, q);
	r->st.requests++;
	int st = blk_req_validate(r->p, q, &why);
	if (st == BLKIF_RSP_OKAY && q->ring_op == BLKIF_OP_INDIRECT)
		st = blk_req_fetch_indirect(r, q, &why);
	if (st != BLKIF_RSP_OKAY) {
		req_error(r, q, st, why);
		return 0;
	}
	if (q->op == BLKIF_OP_WRITE_BARRIER && r->inflight) {
		/* ordered after everything in flight: wait for it */
		memcpy(r->stash, copy, blk_abi_slot(r->abi));
		r->stashed = true;
		r->draining = true;
		return 1;
	}
	if (!r->nfree) {
		/* cannot happen with the overflow check; never index past the pool */
		blk_ring_fail(r, "no free request slot");
		return 0;
	}
	uint32_t si = r->free_slots[--r->nfree];
	struct blk_slot *s = &r->slots[si];
	s->used = true;
	s->id = q->id;
	s->ring_op = q->ring_op;
	s->nchunks = 0;
	if (q->nseg && q->op != BLKIF_OP_DISCARD && q->op != BLKIF_OP_FLUSH_DISKCACHE) {
		st = blk_req_map(r, q, s, &why);
		if (st != BLKIF_RSP_OKAY) {
			s->used = false;
			r->free_slots[r->nfree++] = si;
			req_error(r, q, st, why);
			return 0;
		}
	}
	struct blk_job *j = &s->job;
	memset(j, 0, sizeof(*j));
	j->owner = r;
	j->slot = si;
	j->op = io_op(q->op);
	j->offset = q->sector * 512u;
	if (q->op == BLKIF_OP_DISCARD) {
		j->len = q->nr_sectors * 512u;
		j->secure = q->flag & BLKIF_DISCARD_SECURE;
	} else if (q->op != BLKIF_OP_FLUSH_DISKCACHE) {
		j->len = seg_bytes(q);
		j->iov = s->iov;
		j->niov = s->niov;
		if (q->op == BLKIF_OP_WRITE_BARRIER && q->nseg == 0)
			j->op = BLK_IO_FLUSH;
	}
	if (q->op == BLKIF_OP_WRITE_BARRIER) {
		r->draining = true;
		r->barrier_in_flight = true;
	}
	r->inflight++;
	blk_io_submit(r->io, j);
	return 0;
}

static int process(struct blk_ring *r)
{
	if (r->failed)
		return XCTL_ERR_PROTO;
	uint32_t budget = r->size;
	const size_t slot = blk_abi_slot(r->abi);
	uint8_t copy[BLK_SLOT_MAX];
	if (r->draining)
		return 0;
	for (;;) {
		uint32_t rp = __atomic_load_n(sr32(r, SR_REQ_PROD), __ATOMIC_ACQUIRE);
		/* RING_REQUEST_PROD_OVERFLOW: more requests than slots */
		if (rp - r->rsp_prod_pvt > r->size) {
			blk_ring_fail(r, "req_prod %u is %u requests ahead of the responses on a "
				      "ring of %u", rp, rp - r->rsp_prod_pvt, r->size);
			return XCTL_ERR_PROTO;
		}
		while (r->req_cons != rp) {
			if (!budget)
				return 1;
			/* one copy of the slot; everything after reads the copy */
			memcpy(copy, entry(r, r->req_cons), slot);
			r->req_cons++;
			budget--;
			/* a barrier stops the queue until it is done */
			if (handle(r, copy) || r->draining)
				return 0;
			if (r->failed)
				return XCTL_ERR_PROTO;
		}
		/* RING_FINAL_CHECK_FOR_REQUESTS */
		__atomic_store_n(sr32(r, SR_REQ_EVENT), r->req_cons + 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(sr32(r, SR_REQ_PROD), __ATOMIC_ACQUIRE) == r->req_cons)
			return 0;
	}
}

int blk_ring_process(struct blk_ring *r)
{
	int rc = process(r);
	/* the requests taken reach the kernel in one call */
	blk_io_flush(r->io);
	/* answers to rejected requests go out now */
	blk_ring_push(r);
	return rc;
}

void blk_ring_push(struct blk_ring *r)
{
	uint32_t old = r->rsp_pushed, now = r->rsp_prod_pvt;
	if (old == now)
		return;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(sr32(r, SR_RSP_PROD), now, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	r->rsp_pushed = now;
	/* RING_PUSH_RESPONSES_AND_CHECK_NOTIFY; a garbage rsp_event costs at
	 * most one notification per push */
	uint32_t ev = __atomic_load_n(sr32(r, SR_RSP_EVENT), __ATOMIC_ACQUIRE);
	if ((uint32_t)(now - ev) < (uint32_t)(now - old) && r->bound) {
		r->x->ops->evtchn_notify(r->x, r->port);
		r->st.notifies++;
	}
}

static int16_t status_of(int result)
{
	if (!result)
		return BLKIF_RSP_OKAY;
	return result == -EOPNOTSUPP ? BLKIF_RSP_EOPNOTSUPP : BLKIF_RSP_ERROR;
}

void blk_ring_complete(struct blk_ring *r, struct blk_job *j)
{
	struct blk_slot *s = &r->slots[j->slot];
	bool barrier = s->ring_op == BLKIF_OP_WRITE_BARRIER;
	blk_req_unmap(r, s);
	if (j->result && r->errlogged < BLK_ERRLOG_MAX) {
		r->errlogged++;
		xctl_warn(r->log, "%s: I/O at byte %llu failed: %s", r->who,
			  (unsigned long long)j->offset, strerror(-j->result));
	}
	respond(r, s->id, s->ring_op, status_of(j->result));
	s->used = false;
	r->free_slots[r->nfree++] = j->slot;
	r->inflight--;
	if (barrier) {
		r->barrier_in_flight = false;
		if (!r->stashed)
			r->draining = false;
	}
	if (r->stashed && !r->inflight && !r->barrier_in_flight) {
		r->stashed = false;
		r->draining = false;
		handle(r, r->stash);
	}
}

void blk_ring_destroy(struct blk_ring *r)
{
	blk_pgrant_flush(r);
	free(r->slots);
	free(r->free_slots);
	free(r->pg);
	free(r->pgchunks);
	r->pgchunks = NULL;
	r->slots = NULL;
	r->free_slots = NULL;
	r->pg = NULL;
}

unsigned blk_ring_reap(struct blk_io *io)
{
	struct blk_ring *touched[BLK_MAX_QUEUES];
	unsigned nt = 0, n = 0;
	struct blk_job *j;
	while ((j = blk_io_reap(io))) {
		struct blk_ring *r = j->owner;
		blk_ring_complete(r, j);
		n++;
		bool seen = false;
		for (unsigned i = 0; i < nt; i++)
			seen |= touched[i] == r;
		if (!seen && nt < BLK_MAX_QUEUES)
			touched[nt++] = r;
		else if (!seen)
			blk_ring_push(r);
	}
	/* a barrier let through by these completions */
	blk_io_flush(io);
	for (unsigned i = 0; i < nt; i++)
		blk_ring_push(touched[i]);
	return n;
}

bool blk_ring_event(struct blk_ring *r, uint64_t now_ms)
{
	uint64_t before = r->st.requests;
	blk_ring_process(r);
	bool useful = r->st.requests != before || r->failed;
	if (!useful)
		r->st.spurious++;
	unsigned storms = r->storm.storms;
	bool now = storm_event(&r->storm, useful, now_ms);
	if (r->storm.storms != storms)
		xctl_warn(r->log, "%s: event storm (more than %u events without requests in "
			  "%u ms); the port is re-armed only every %u ms", r->who, STORM_SPURIOUS_MAX,
			  STORM_WINDOW_MS, STORM_PAUSE_MS);
	return now;
}
