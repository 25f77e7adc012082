/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-blkback's xenbus hooks; see dev.h. */
#include "drivers-backend/blkback/dev.h"
#include "drivers-backend/xenio/xenio.h"
#include "common/err.h"
#include "common/log.h"
#include "xenstore-schema/xs_paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <xen/io/blkif.h>

#define PARAMS_MAX 4095
#define BACKENDTYPE_STANDALONE "standalone"

static struct blkback *ctx_of(struct xb_dev *d)
{
	return d->b->ctx;
}

static bool blk_wanted(struct xb_dev *d)
{
	struct blkback *bb = ctx_of(d);
	if (!bb->only_standalone)
		return true;
	char *t = NULL;
	bool want = !xb_be_str(d, XS_KEY_TYPE, 32, &t) && !strcmp(t, BACKENDTYPE_STANDALONE);
	free(t);
	return want;
}

static int blk_probe(struct xb_dev *d)
{
	struct blkback *bb = ctx_of(d);
	char *params = NULL, *mode = NULL;
	uint64_t discard_enable = 1;
	int rc = xb_be_str(d, XS_KEY_PARAMS, PARAMS_MAX, &params);
	if (rc == XCTL_ERR_NOTFOUND) {
		rc = XCTL_ERR_AGAIN; /* not written yet */
		goto out;
	}
	if (rc) {
		xctl_err_log(d->log, "%s: the params node is unreadable or too long", d->who);
		goto out;
	}
	if (!xb_be_str(d, XS_KEY_MODE, 8, &mode) && strcmp(mode, "r") && strcmp(mode, "w") &&
	    strcmp(mode, "w!")) {
		xctl_err_log(d->log, "%s: mode \"%s\" is neither r nor w", d->who, mode);
		rc = XCTL_ERR_INVAL;
		goto out;
	}
	if (xb_be_uint(d, XS_KEY_DISCARD_ENABLE, 1, &discard_enable))
		discard_enable = 1;
	struct blk_dev *bd = calloc(1, sizeof(*bd));
	if (!bd) {
		rc = XCTL_ERR_NOMEM;
		goto out;
	}
	bd->xb = d;
	bool ro = mode && !strcmp(mode, "r");
	struct blk_io_cfg c = { .path = params, .readonly = ro, .workers = bb->workers,
				.notify_fd = bb->io_efd, .log = d->log, .who = d->who,
				.delay_ms = bb->io_delay_ms, .engine = bb->engine };
	rc = blk_io_open(&c, &bd->io);
	if (rc) {
		free(bd);
		goto out;
	}
	const struct blk_io_info *in = blk_io_info(bd->io);
	bd->p = (struct blk_params){
		.sectors = in->bytes / 512u, .sector_size = in->sector_size, .readonly = ro,
		.flush = true, .barrier = true, .discard = in->can_discard && !ro && discard_enable,
		.max_indirect = BLK_MAX_INDIRECT_SEGS,
	};
	d->priv = bd;
out:
	free(params);
	free(mode);
	return rc;
}

static int blk_publish(struct xb_dev *d, xenio_txn t)
{
	struct blk_dev *bd = d->priv;
	const struct blk_io_info *in = blk_io_info(bd->io);
	int rc = 0;
	rc = rc ? rc : xb_be_write(d, t, XS_KEY_FEATURE_FLUSH_CACHE, "1");
	rc = rc ? rc : xb_be_write(d, t, XS_KEY_FEATURE_BARRIER, "1");
	rc = rc ? rc : xb_be_write(d, t, XS_KEY_FEATURE_PERSISTENT, "1");
	rc = rc ? rc : xb_be_write(d, t, XS_KEY_FEATURE_MAX_INDIRECT_SEGMENTS, "%u",
				   BLK_MAX_INDIRECT_SEGS);
	rc = rc ? rc : xb_be_write(d, t, XS_KEY_MULTI_QUEUE_MAX_QUEUES, "%u", BLK_MAX_QUEUES);
	rc = rc ? rc : xb_be_write(d, t, XS_KEY_MAX_RING_PAGE_ORDER, "%u", BLK_MAX_RING_ORDER);
	rc = rc ? rc : xb_be_write(d, t, XS_KEY_FEATURE_DISCARD, "%u", bd->p.discard ? 1 : 0);
	if (bd->p.discard) {
		rc = rc ? rc : xb_be_write(d, t, XS_KEY_DISCARD_GRANULARITY, "%u",
					   in->discard_granularity);
		rc = rc ? rc : xb_be_write(d, t, XS_KEY_DISCARD_ALIGNMENT, "0");
		rc = rc ? rc : xb_be_write(d, t, XS_KEY_DISCARD_SECURE, "0");
	}
	return rc;
}

/* The ring's page order from the frontend's top-level nodes
 * (ring-page-order, or the legacy num-ring-pages); have says whether one
 * was given (then only ring-refN count). */
static int read_order(struct xb_dev *d, uint32_t *order_out, bool *have)
{
	uint64_t order = 0, v;
	*have = false;
	int rc = xb_fe_uint(d, XS_KEY_RING_PAGE_ORDER, UINT32_MAX, &order);
	if (rc == 0) {
		*have = true;
		if (order > BLK_MAX_RING_ORDER) {
			xctl_err_log(d->log, "%s: ring-page-order %llu is above the advertised "
				     "max-ring-page-order %u", d->who, (unsigned long long)order,
				     BLK_MAX_RING_ORDER);
			return XCTL_ERR_PROTO;
		}
	} else if (rc != XCTL_ERR_NOTFOUND) {
		xctl_err_log(d->log, "%s: ring-page-order is not a number", d->who);
		return XCTL_ERR_PROTO;
	}
	rc = xb_fe_uint(d, XS_KEY_NUM_RING_PAGES, UINT32_MAX, &v);
	if (rc == 0 && !*have) {
		if (v == 0 || v > BLK_MAX_RING_PAGES || (v & (v - 1))) {
			xctl_err_log(d->log, "%s: num-ring-pages %llu is not a power of two up to %u",
				     d->who, (unsigned long long)v, BLK_MAX_RING_PAGES);
			return XCTL_ERR_PROTO;
		}
		*have = v > 1;
		for (order = 0; (1ull << order) < v; order++)
			;
	} else if (rc != 0 && rc != XCTL_ERR_NOTFOUND) {
		xctl_err_log(d->log, "%s: num-ring-pages is not a number", d->who);
		return XCTL_ERR_PROTO;
	}
	*order_out = (uint32_t)order;
	return 0;
}

/* The ring refs and port of queue q (under the frontend's directory, or
 * queue-N/ for multi-queue). Every value is bounded. */
static int read_queue(struct xb_dev *d, int q, uint32_t order, bool have_order, uint32_t *refs,
		      uint32_t *port)
{
	char pre[32] = "";
	if (q >= 0)
		snprintf(pre, sizeof(pre), XS_KEYFMT_QUEUE "/", (unsigned)q);
	char k[64];
	uint64_t v;
	for (uint32_t i = 0; i < (1u << order); i++) {
		/* with an order, only ring-refN count: a stale ring-ref of a
		 * previous frontend is ignored, and the other way round */
		if (have_order)
			snprintf(k, sizeof(k), "%s" XS_KEYFMT_RING_REF, pre, i);
		else
			snprintf(k, sizeof(k), "%s%s", pre, XS_KEY_RING_REF);
		if (xb_fe_uint(d, k, UINT32_MAX, &v)) {
			xctl_err_log(d->log, "%s: %s is missing or not a grant reference", d->who, k);
			return XCTL_ERR_PROTO;
		}
		refs[i] = (uint32_t)v;
	}
	snprintf(k, sizeof(k), "%s%s", pre, XS_KEY_EVENT_CHANNEL);
	if (xb_fe_uint(d, k, UINT32_MAX, &v)) {
		xctl_err_log(d->log, "%s: %s is missing or not a port", d->who, k);
		return XCTL_ERR_PROTO;
	}
	*port = (uint32_t)v;
	return 0;
}

static void free_queues(struct xb_dev *d, struct blk_dev *bd)
{
	for (unsigned i = 0; i < BLK_MAX_QUEUES; i++) {
		struct blk_ring *r = &bd->q[i];
		if (!bd->q_init[i])
			continue;
		if (r->bound) {
			idmap_del(&((struct blkback *)d->b->ctx)->ports, r->port);
			d->x->ops->evtchn_unbind(d->x, r->port);
		}
		void *ring = r->sring;
		uint32_t n = r->npages;
		blk_ring_destroy(r);
		d->x->ops->unmap(d->x, ring, n);
		bd->q_init[i] = false;
	}
	bd->nq = 0;
}

/* The disk's size and sectors, as Linux's blkback writes them at connect:
 * in a transaction that first reads the backend's state, so that a device
 * the toolstack removed meanwhile is not brought back by these writes
 * (they would be left behind for ever). */
static int write_disk_nodes(struct xb_dev *d, struct blk_dev *bd)
{
	const struct blk_io_info *in = blk_io_info(bd->io);
	char state[XB_PATH_MAX + 16];
	snprintf(state, sizeof(state), "%s/%s", d->be, XS_KEY_STATE);
	int rc = XCTL_ERR_AGAIN;
	for (int tries = 0; tries < 8 && rc == XCTL_ERR_AGAIN; tries++) {
		xenio_txn t;
		uint64_t cur;
		rc = d->x->ops->xs_txn_start(d->x, &t);
		if (rc)
			return rc;
		rc = xenio_read_uint(d->x, t, state, UINT64_MAX, &cur);
		/* sectors in units of sector-size, as blkif.h says (Linux's
		 * blkback writes 512-byte units; the two agree for 512-byte
		 * disks). Request sector numbers stay in 512-byte units. */
		rc = rc ? rc : xb_be_write(d, t, XS_KEY_SECTORS, "%llu",
					   (unsigned long long)(bd->p.sectors * 512u / in->sector_size));
		rc = rc ? rc : xb_be_write(d, t, XS_KEY_INFO, "%u", bd->p.readonly ? VDISK_READONLY : 0);
		rc = rc ? rc : xb_be_write(d, t, XS_KEY_SECTOR_SIZE, "%u", in->sector_size);
		rc = rc ? rc : xb_be_write(d, t, XS_KEY_PHYSICAL_SECTOR_SIZE, "%u",
					   in->phys_sector_size);
		int rc2 = d->x->ops->xs_txn_end(d->x, t, rc != 0);
		rc = rc ? rc : rc2;
	}
	if (rc == XCTL_ERR_NOTFOUND)
		xctl_debug(d->log, "%s: not connected: the device's nodes are gone", d->who);
	return rc;
}

static int blk_connect(struct xb_dev *d)
{
	struct blk_dev *bd = d->priv;
	char *proto = NULL;
	int abi = BLK_ABI_X86_64;
	uint64_t nq = 1, v;
	int rc = xb_fe_str(d, XS_KEY_PROTOCOL, 32, &proto);
	if (rc == 0) {
		abi = blk_abi_parse(proto);
		if (abi < 0) {
			xctl_err_log(d->log, "%s: unknown protocol \"%s\" (x86_64-abi or x86_32-abi)",
				     d->who, proto);
			free(proto);
			return XCTL_ERR_PROTO;
		}
		free(proto);
	} else if (rc != XCTL_ERR_NOTFOUND) {
		xctl_err_log(d->log, "%s: the protocol node is unreadable or too long", d->who);
		return XCTL_ERR_PROTO;
	}
	rc = xb_fe_uint(d, XS_KEY_MULTI_QUEUE_NUM_QUEUES, UINT32_MAX, &nq);
	if (rc == XCTL_ERR_NOTFOUND) {
		nq = 1;
	} else if (rc || nq == 0 || nq > BLK_MAX_QUEUES) {
		xctl_err_log(d->log, "%s: multi-queue-num-queues must be 1..%u", d->who,
			     BLK_MAX_QUEUES);
		return XCTL_ERR_PROTO;
	}
	bd->fe_persistent = !xb_fe_uint(d, XS_KEY_FEATURE_PERSISTENT, 1, &v) && v == 1;
	bd->p.persistent = bd->fe_persistent;
	uint32_t order;
	bool have_order;
	rc = read_order(d, &order, &have_order);
	if (rc)
		return rc;
	for (unsigned q = 0; q < nq; q++) {
		uint32_t refs[BLK_MAX_RING_PAGES], npages = 1u << order, port;
		rc = read_queue(d, nq > 1 ? (int)q : -1, order, have_order, refs, &port);
		if (rc)
			goto fail;
		void *ring = NULL;
		rc = d->x->ops->map(d->x, d->domid, npages, refs, true, &ring);
		if (rc) {
			xctl_err_log(d->log, "%s: cannot map the ring (grant %u, %u pages): %s", d->who,
				     refs[0], npages, xctl_strerror(rc));
			goto fail;
		}
		char who[96];
		snprintf(who, sizeof(who), "%s queue %u", d->who, q);
		rc = blk_ring_init(&bd->q[q], d->x, d->log, who, d->domid, (enum blk_abi)abi, &bd->p,
				   bd->io, ring, npages);
		if (rc) {
			d->x->ops->unmap(d->x, ring, npages);
			goto fail;
		}
		bd->q_init[q] = true;
		bd->nq = q + 1;
		rc = d->x->ops->evtchn_bind(d->x, d->domid, port, &bd->q[q].port);
		if (rc) {
			xctl_err_log(d->log, "%s: cannot bind event channel %u: %s", who, port,
				     xctl_strerror(rc));
			goto fail;
		}
		bd->q[q].bound = true;
		rc = idmap_put(&((struct blkback *)d->b->ctx)->ports, bd->q[q].port, d);
		if (rc)
			goto fail;
	}
	rc = write_disk_nodes(d, bd);
	if (rc)
		goto fail;
	/* anything the frontend queued before we bound */
	for (unsigned q = 0; q < bd->nq; q++)
		if (blk_ring_process(&bd->q[q]) == 1)
			bd->more = true;
	blk_ring_reap(bd->io);
	xb_dev_activate(d);
	return 0;
fail:
	free_queues(d, bd);
	return rc ? rc : XCTL_ERR_PROTO;
}

static int blk_disconnect(struct xb_dev *d)
{
	struct blk_dev *bd = d->priv;
	/* grants stay mapped until every request in flight has completed */
	blk_ring_reap(bd->io);
	if (blk_io_inflight(bd->io))
		return XCTL_ERR_BUSY;
	free_queues(d, bd);
	return 0;
}

static void blk_remove(struct xb_dev *d)
{
	struct blk_dev *bd = d->priv;
	if (!bd)
		return;
	free_queues(d, bd);
	blk_io_close(bd->io);
	free(bd);
	d->priv = NULL;
}

const struct xb_hooks blk_hooks = {
	.type = XS_KEY_VBD,
	.wanted = blk_wanted,
	.probe = blk_probe,
	.publish = blk_publish,
	.connect = blk_connect,
	.disconnect = blk_disconnect,
	.remove = blk_remove,
};

int blkback_init(struct blkback *bb, struct xenio *x, const struct xctl_log *log,
		 unsigned workers, bool only_standalone)
{
	memset(bb, 0, sizeof(*bb));
	bb->x = x;
	bb->log = log;
	bb->workers = workers;
	bb->only_standalone = only_standalone;
	bb->engine = BLK_IO_URING;
	bb->io_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (bb->io_efd < 0)
		return XCTL_ERR_IO;
	int rc = xb_backend_init(&bb->xb, x, log, &blk_hooks, bb);
	if (rc)
		close(bb->io_efd);
	return rc;
}

/* The queue of an event channel port, and its device: one lookup. */
static struct blk_ring *ring_of_port(struct blkback *bb, uint32_t port, struct xb_dev **dev)
{
	struct xb_dev *d = idmap_get(&bb->ports, port);
	struct blk_dev *bd = d ? d->priv : NULL;
	if (!bd || !d->connected)
		return NULL;
	for (unsigned q = 0; q < bd->nq; q++)
		if (bd->q[q].bound && bd->q[q].port == port) {
			*dev = d;
			return &bd->q[q];
		}
	return NULL;
}

/* Whether a device needs the next pass: I/O in flight (completions to
 * reap), requests left on a ring, or a queue paused for a storm (a timer).
 * One that does not is brought back by its next event. */
static bool blk_busy(const struct blk_dev *bd)
{
	if (bd->more || blk_io_inflight(bd->io))
		return true;
	for (unsigned q = 0; q < bd->nq; q++)
		if (bd->q[q].storm.paused_until)
			return true;
	return false;
}

/* One device's completions and queues. */
static void blk_pass(struct blkback *bb, struct xb_dev *d, struct blk_dev *bd, uint64_t now, int *timeout)
{
	struct xenio *x = bb->x;
	if (blk_ring_reap(bd->io) && !d->connected)
		xb_dev_kick(d);
	if (!d->connected)
		return;
	bd->more = false;
	for (unsigned q = 0; q < bd->nq; q++) {
		struct blk_ring *r = &bd->q[q];
		if (r->storm.paused_until && now >= r->storm.paused_until) {
			r->storm.paused_until = 0;
			x->ops->evtchn_unmask(x, r->port);
		}
		if (r->storm.paused_until) {
			int left = (int)(r->storm.paused_until - now);
			if (*timeout < 0 || left < *timeout)
				*timeout = left;
		}
		if (blk_ring_process(r) == 1)
			bd->more = true;
		if (r->failed)
			xb_dev_fail(d, "%s broke the ring protocol", r->who);
	}
	/* what was read at once from the page cache is answered in this
	 * round: it writes no eventfd */
	blk_ring_reap(bd->io);
	if (bd->more)
		*timeout = 0;
}

int blkback_service(struct blkback *bb, unsigned ready)
{
	struct xenio *x = bb->x;
	uint64_t now = backend_now_ms();
	int timeout = -1;
	uint64_t v;
	if (read(bb->io_efd, &v, sizeof(v)) < 0) {
		/* nothing completed */
	}
	/* completions, and queues that have more to do: the busy devices */
	for (unsigned i = 0; i < bb->xb.nactive;) {
		struct xb_dev *d = bb->xb.active[i];
		struct blk_dev *bd = d->priv;
		if (bd)
			blk_pass(bb, d, bd, now, &timeout);
		if (bd && blk_busy(bd))
			i++;
		else
			xb_dev_idle(d); /* active[i] is another device now */
	}
	if (ready & 1) {
		uint32_t port;
		for (unsigned n = 0; n < 4096 && !x->ops->evtchn_pending(x, &port); n++) {
			struct xb_dev *d = NULL;
			struct blk_ring *r = ring_of_port(bb, port, &d);
			if (!r) {
				x->ops->evtchn_unmask(x, port);
				continue;
			}
			if (blk_ring_event(r, now))
				x->ops->evtchn_unmask(x, port);
			else
				timeout = 0; /* paused: the next pass sets its timer */
			/* requests that came in since the pass above */
			blk_ring_reap(r->io);
			if (r->failed)
				xb_dev_fail(d, "%s broke the ring protocol", r->who);
			xb_dev_activate(d);
		}
	}
	xb_backend_poll(&bb->xb);
	return timeout;
}

void blkback_fini(struct blkback *bb)
{
	xb_backend_free(&bb->xb);
	idmap_free(&bb->ports);
	close(bb->io_efd);
}
