/* SPDX-License-Identifier: LGPL-2.1-only */
/* blkfront: the vbd frontend's half of the xenbus handshake (blkif.h).
 *
 * On the backend's InitWait: one ring per queue of 2^order pages, granted to
 * the backend, with an unbound event channel each; then, in one
 * transaction, as Linux's talk_to_blkback: ring-ref (order 0) or
 * ring-page-order and ring-ref0..N-1 (when the backend offers
 * max-ring-page-order), event-channel, under queue-N/ with
 * multi-queue-num-queues when there is more than one queue, protocol and
 * feature-persistent; then Initialised. On Connected: the disk's size,
 * sector size, info and indirect segments, then the boot I/O and Connected. */
#include "sim/guest/blkfront.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "common/err.h"
#include "sim/simd/simd.h"
#include "xenstore-schema/xs_paths.h"

static uint64_t be_u64(struct blkfront *bf, const char *key, uint64_t max, uint64_t dflt)
{
	uint64_t v;
	int rc = xb_read_key_u64(bf->d.g, bf->d.be, key, 0, max, &v);
	if (rc == XCTL_ERR_INVAL)
		xctl_warn(bf->d.g->log, "domain %u: %s: backend's %s is not a number in 0..%llu: using %llu",
			  bf->d.g->domid, bf->d.name, key, (unsigned long long)max, (unsigned long long)dflt);
	return rc ? dflt : v;
}

static int queue_setup(struct blkfront *bf, struct blk_queue *q)
{
	struct guest *g = bf->d.g;
	unsigned n = 1u << bf->order;
	int rc = gmem_alloc(g, n, &q->ring_pages);
	if (rc)
		return rc;
	blkif_sring_t *sring = q->ring_pages.addr;
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&q->ring, sring, (size_t)BLK_PAGE * n);
	q->slots = RING_SIZE(&q->ring);
	q->shadow = calloc(q->slots, sizeof(*q->shadow));
	if (!q->shadow)
		return XCTL_ERR_NOMEM;
	for (unsigned i = 0; i < n; i++) {
		rc = gnt_grant(g, bf->d.be_domid, q->ring_pages.gfn[i], false, &q->ring_refs[i]);
		if (rc)
			return rc;
		q->nrefs++;
	}
	return gdev_evtchn_alloc(&bf->d, &q->port, &q->h, blk_queue_event, q);
}

static int write_keys(struct guest *g, uint32_t t, void *arg)
{
	struct blkfront *bf = arg;
	unsigned dom = g->domid, dev = bf->d.devid;
	char p[GUEST_PATH_MAX];
	int rc = 0;
	if (bf->nq > 1) {
		snprintf(p, sizeof(p), XS_FMT_VBD_FE_MULTI_QUEUE_NUM_QUEUES, dom, dev);
		if ((rc = xb_printf(g, t, p, "%u", bf->nq)))
			return rc;
	}
	if (bf->order) {
		snprintf(p, sizeof(p), XS_FMT_VBD_FE_RING_PAGE_ORDER, dom, dev);
		if ((rc = xb_printf(g, t, p, "%u", bf->order)))
			return rc;
	}
	for (unsigned qi = 0; qi < bf->nq; qi++) {
		struct blk_queue *q = &bf->q[qi];
		for (unsigned i = 0; i < q->nrefs; i++) {
			if (bf->nq == 1 && !bf->order)
				snprintf(p, sizeof(p), XS_FMT_VBD_FE_RING_REF, dom, dev);
			else if (bf->nq == 1)
				snprintf(p, sizeof(p), XS_FMT_VBD_FE_RING_REF_N, dom, dev, i);
			else if (!bf->order)
				snprintf(p, sizeof(p), XS_FMT_VBD_FE_QUEUE_RING_REF, dom, dev, qi);
			else
				snprintf(p, sizeof(p), XS_FMT_VBD_FE_QUEUE_RING_REF_N, dom, dev, qi, i);
			if ((rc = xb_printf(g, t, p, "%u", q->ring_refs[i])))
				return rc;
		}
		if (bf->nq == 1)
			snprintf(p, sizeof(p), XS_FMT_VBD_FE_EVENT_CHANNEL, dom, dev);
		else
			snprintf(p, sizeof(p), XS_FMT_VBD_FE_QUEUE_EVENT_CHANNEL, dom, dev, qi);
		if ((rc = xb_printf(g, t, p, "%u", q->port)))
			return rc;
	}
	snprintf(p, sizeof(p), XS_FMT_VBD_FE_PROTOCOL, dom, dev);
	if ((rc = xb_printf(g, t, p, "%s", XEN_IO_PROTO_ABI_NATIVE)))
		return rc;
	snprintf(p, sizeof(p), XS_FMT_VBD_FE_FEATURE_PERSISTENT, dom, dev);
	return xb_printf(g, t, p, "1");
}

static void blk_teardown(struct gdev *d)
{
	struct blkfront *bf = (struct blkfront *)d;
	struct guest *g = d->g;
	blk_drop_inflight(bf);
	blk_pool_drain(bf);
	for (unsigned qi = 0; qi < GUEST_MAX_QUEUES; qi++) {
		struct blk_queue *q = &bf->q[qi];
		gdev_evtchn_close(d, q->port, &q->h);
		if (q->nrefs)
			gnt_end_all(g, q->ring_refs, q->nrefs, &q->ring_pages);
		else
			gmem_free(g, &q->ring_pages);
		free(q->shadow);
		memset(q, 0, sizeof(*q));
		q->h.fd = -1;
	}
	bf->rings_up = false;
	bf->nq = 0;
}

static int blk_setup(struct gdev *d)
{
	struct blkfront *bf = (struct blkfront *)d;
	struct guest *g = d->g;
	unsigned be_order = (unsigned)be_u64(bf, XS_KEY_MAX_RING_PAGE_ORDER, 16, 0);
	unsigned be_queues = (unsigned)be_u64(bf, XS_KEY_MULTI_QUEUE_MAX_QUEUES, 1024, 1);
	bf->order = be_order < g->knobs.max_ring_order ? be_order : g->knobs.max_ring_order;
	bf->nq = be_queues < g->knobs.max_queues ? be_queues : g->knobs.max_queues;
	if (bf->nq == 0)
		bf->nq = 1;
	for (unsigned qi = 0; qi < GUEST_MAX_QUEUES; qi++)
		bf->q[qi].h.fd = -1;
	for (unsigned qi = 0; qi < bf->nq; qi++) {
		struct blk_queue *q = &bf->q[qi];
		q->bf = bf;
		q->idx = qi;
		int rc = queue_setup(bf, q);
		if (rc)
			return rc;
	}
	bf->rings_up = true;
	return xb_txn(g, write_keys, bf);
}

static int blk_connect(struct gdev *d)
{
	struct blkfront *bf = (struct blkfront *)d;
	struct guest *g = d->g;
	uint64_t sectors;
	int rc = xb_read_key_u64(g, d->be, XS_KEY_SECTORS, 0, UINT64_MAX / 4096, &sectors);
	if (rc) {
		gdev_fail(d, "no valid %s", XS_KEY_SECTORS);
		return rc;
	}
	uint64_t ss = be_u64(bf, XS_KEY_SECTOR_SIZE, 4096, 512);
	if (ss < 512 || (ss & (ss - 1))) {
		gdev_fail(d, "%s %llu is not a power of two in 512..4096", XS_KEY_SECTOR_SIZE, (unsigned long long)ss);
		return XCTL_ERR_PROTO;
	}
	bf->sector_size = (unsigned)ss;
	bf->sectors512 = sectors * (ss / 512);
	bf->info = (unsigned)be_u64(bf, XS_KEY_INFO, UINT32_MAX, 0);
	bool be_persistent = be_u64(bf, XS_KEY_FEATURE_PERSISTENT, 1, 0) == 1;
	bf->persistent = be_persistent;
	uint64_t be_ind = be_u64(bf, XS_KEY_FEATURE_MAX_INDIRECT_SEGMENTS, UINT32_MAX, 0);
	uint64_t ind = be_ind < g->knobs.max_indirect ? be_ind : g->knobs.max_indirect;
	if (ind > BLK_MAX_INDIRECT_SEGS)
		ind = BLK_MAX_INDIRECT_SEGS;
	bf->indirect = ind > BLKIF_MAX_SEGMENTS_PER_REQUEST ? (unsigned)ind : 0;
	char ind_s[48] = "";
	if (bf->indirect)
		snprintf(ind_s, sizeof(ind_s), ", indirect %u segments", bf->indirect);
	gprintk(g, "blkfront: %s: %llu sectors of %u bytes (%llu MiB)%s, ring %u page(s) x %u queue(s)%s%s", d->name,
		(unsigned long long)sectors, bf->sector_size, (unsigned long long)(bf->sectors512 >> 11),
		bf->info & VDISK_READONLY ? " read-only" : "", 1u << bf->order, bf->nq,
		bf->persistent ? ", persistent grants" : "", ind_s);
	blk_start_io(bf);
	return 0;
}

static void blk_tick(struct gdev *d, uint64_t now)
{
	blk_io_tick((struct blkfront *)d, now);
}

const struct gdev_ops blkfront_ops = {
	.name = "vbd",
	.setup_state = XenbusStateInitialised,
	.size = sizeof(struct blkfront),
	.setup = blk_setup,
	.connect = blk_connect,
	.teardown = blk_teardown,
	.tick = blk_tick,
};
