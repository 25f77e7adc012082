/* SPDX-License-Identifier: LGPL-2.1-only */
#include "tests/guest/testback.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "sim/simd/simd.h"
#include "tests/guest/host.h"
#include "xenstore-schema/xs_paths.h"

static void problem(struct testback *tb, const char *what)
{
	if (!tb->problem[0])
		snprintf(tb->problem, sizeof(tb->problem), "%s", what);
	tb->errors++;
}

static int key_write(struct testback *tb, const char *dir, const char *key, const char *v)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, key);
	return testhost_write(tb->h, p, v);
}

static int key_read(struct testback *tb, const char *dir, const char *key, char *v, size_t sz)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, key);
	return testhost_read(tb->h, p, v, sz);
}

static int key_u(struct testback *tb, const char *dir, const char *key, unsigned *out)
{
	char v[64];
	if (key_read(tb, dir, key, v, sizeof(v)))
		return -1;
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (!v[0] || *end)
		return -1;
	*out = (unsigned)n;
	return 0;
}

int testback_create(struct testback *tb, struct testhost *h, uint32_t domid, unsigned devid)
{
	tb->h = h;
	tb->domid = domid;
	tb->devid = devid;
	for (unsigned s = 0; s < TB_SECTORS; s++)
		snprintf((char *)tb->disk + s * 512, 512, "testback disk sector %u", s);
	snprintf(tb->fe, sizeof(tb->fe), XS_FMT_VBD_FE, domid, devid);
	snprintf(tb->be, sizeof(tb->be), XS_FMT_VBD_BE, 0u, domid, devid);
	char v[64], fe_perms[32], be_perms[32], bedom[128];
	snprintf(fe_perms, sizeof(fe_perms), "n%u,r0", domid);
	snprintf(be_perms, sizeof(be_perms), "n0,r%u", domid);
	snprintf(bedom, sizeof(bedom), XS_FMT_BACKEND_VBD_DOM, 0u, domid);
	int rc = testhost_write(h, bedom, "");
	/* backend first, then the frontend that points at it (libxl's order) */
	rc |= testhost_write(h, tb->be, "") | testhost_perms(h, tb->be, be_perms);
	rc |= key_write(tb, tb->be, XS_KEY_FRONTEND, tb->fe);
	snprintf(v, sizeof(v), "%u", domid);
	rc |= key_write(tb, tb->be, XS_KEY_FRONTEND_ID, v);
	rc |= key_write(tb, tb->be, XS_KEY_ONLINE, "1");
	rc |= key_write(tb, tb->be, XS_KEY_STATE, "1");
	rc |= key_write(tb, tb->be, XS_KEY_PARAMS, "memory");
	rc |= key_write(tb, tb->be, XS_KEY_TYPE, "phy");
	rc |= key_write(tb, tb->be, XS_KEY_MODE, tb->readonly ? "r" : "w");
	rc |= key_write(tb, tb->be, XS_KEY_DEV, "xvda");
	rc |= key_write(tb, tb->be, XS_KEY_DEVICE_TYPE, "disk");
	xs_transaction_t t = xs_transaction_start(h->xs);
	char p[256];
	rc |= !xs_write(h->xs, t, tb->fe, "", 0);
	struct xs_permissions fp[2] = { { .id = domid, .perms = XS_PERM_NONE }, { .id = 0, .perms = XS_PERM_READ } };
	rc |= !xs_set_permissions(h->xs, t, tb->fe, fp, 2);
	const struct {
		const char *k, *v;
	} fekeys[] = { { XS_KEY_BACKEND, tb->be }, { XS_KEY_BACKEND_ID, "0" },          { XS_KEY_STATE, "1" },
		       { XS_KEY_VIRTUAL_DEVICE, NULL }, { XS_KEY_DEVICE_TYPE, "disk" }, { XS_KEY_TRUSTED, "1" } };
	for (size_t i = 0; i < sizeof(fekeys) / sizeof(fekeys[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", tb->fe, fekeys[i].k);
		snprintf(v, sizeof(v), "%u", devid);
		const char *val = fekeys[i].v ? fekeys[i].v : v;
		rc |= !xs_write(h->xs, t, p, val, (unsigned)strlen(val));
	}
	rc |= !xs_transaction_end(h->xs, t, false);
	(void)fe_perms;
	/* blkback's features, then InitWait */
	if (tb->max_ring_page_order >= 0) {
		snprintf(v, sizeof(v), "%d", tb->max_ring_page_order);
		rc |= key_write(tb, tb->be, XS_KEY_MAX_RING_PAGE_ORDER, v);
	}
	if (tb->max_queues >= 0) {
		snprintf(v, sizeof(v), "%d", tb->max_queues);
		rc |= key_write(tb, tb->be, XS_KEY_MULTI_QUEUE_MAX_QUEUES, v);
	}
	if (tb->max_indirect >= 0) {
		snprintf(v, sizeof(v), "%d", tb->max_indirect);
		rc |= key_write(tb, tb->be, XS_KEY_FEATURE_MAX_INDIRECT_SEGMENTS, v);
	}
	rc |= key_write(tb, tb->be, XS_KEY_STATE, "2");
	return rc ? -1 : 0;
}

static int map_queue(struct testback *tb, unsigned q, const char *dir)
{
	unsigned n = 1u << tb->order;
	uint32_t refs[16];
	char k[32];
	for (unsigned i = 0; i < n; i++) {
		if (tb->order)
			snprintf(k, sizeof(k), XS_KEYFMT_RING_REF, i);
		else
			snprintf(k, sizeof(k), "%s", XS_KEY_RING_REF);
		if (key_u(tb, dir, k, &refs[i])) {
			problem(tb, "a ring-ref key is missing");
			return -1;
		}
	}
	unsigned port;
	if (key_u(tb, dir, XS_KEY_EVENT_CHANNEL, &port)) {
		problem(tb, "event-channel is missing");
		return -1;
	}
	if (simd_grant_map(tb->h->s, tb->domid, refs, n, false, &tb->ring_map[q])) {
		problem(tb, "cannot map the ring");
		return -1;
	}
	blkif_sring_t *s = tb->ring_map[q]->addr;
	BACK_RING_INIT(&tb->ring[q], s, 4096u * n);
	if (simd_evtchn_bind_interdomain(tb->h->s, tb->domid, port, &tb->port[q])) {
		problem(tb, "cannot bind the event channel");
		return -1;
	}
	return 0;
}

static void connect(struct testback *tb)
{
	char v[64];
	if (key_read(tb, tb->fe, XS_KEY_PROTOCOL, v, sizeof(v)) || strcmp(v, XEN_IO_PROTO_ABI_NATIVE))
		problem(tb, "protocol is not the native ABI");
	tb->order = 0;
	unsigned order;
	if (key_u(tb, tb->fe, XS_KEY_RING_PAGE_ORDER, &order) == 0)
		tb->order = order;
	if ((int)tb->order > tb->max_ring_page_order && tb->order) {
		problem(tb, "ring-page-order above what the backend offers");
		return;
	}
	unsigned nq = 1;
	if (key_u(tb, tb->fe, XS_KEY_MULTI_QUEUE_NUM_QUEUES, &nq) == 0 && (nq == 0 || (int)nq > tb->max_queues)) {
		problem(tb, "multi-queue-num-queues out of range");
		return;
	}
	if (nq > TB_MAX_QUEUES)
		return;
	tb->nq = nq;
	for (unsigned q = 0; q < nq; q++) {
		char dir[192];
		if (nq == 1)
			snprintf(dir, sizeof(dir), "%s", tb->fe);
		else {
			snprintf(dir, sizeof(dir), "%s/", tb->fe);
			snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), XS_KEYFMT_QUEUE, q);
		}
		if (map_queue(tb, q, dir))
			return;
	}
	snprintf(v, sizeof(v), "%u", TB_SECTORS);
	key_write(tb, tb->be, XS_KEY_SECTORS, v);
	key_write(tb, tb->be, XS_KEY_SECTOR_SIZE, "512");
	key_write(tb, tb->be, XS_KEY_INFO, tb->readonly ? "4" : "0");
	key_write(tb, tb->be, XS_KEY_FEATURE_PERSISTENT, tb->persistent ? "1" : "0");
	key_write(tb, tb->be, XS_KEY_STATE, "4");
	tb->connected = true;
}

/* One segment: map its grant, move the data, unmap. */
static int8_t do_seg(struct testback *tb, uint8_t op, uint64_t *sector, struct blkif_request_segment seg)
{
	if (seg.first_sect > seg.last_sect || seg.last_sect >= 8) {
		problem(tb, "a segment's sectors are out of the page");
		return BLKIF_RSP_ERROR;
	}
	unsigned n = seg.last_sect - seg.first_sect + 1u;
	if (*sector + n > TB_SECTORS) {
		problem(tb, "a request beyond the end of the disk");
		return BLKIF_RSP_ERROR;
	}
	struct simd_grant_map *m = NULL;
	uint32_t ref = seg.gref;
	/* A read writes into the guest's page: a writable map. */
	if (simd_grant_map(tb->h->s, tb->domid, &ref, 1, op == BLKIF_OP_WRITE, &m)) {
		problem(tb, "cannot map a data grant");
		return BLKIF_RSP_ERROR;
	}
	uint8_t *page = (uint8_t *)m->addr + seg.first_sect * 512u;
	if (op == BLKIF_OP_READ)
		memcpy(page, tb->disk + *sector * 512, n * 512u);
	else
		memcpy(tb->disk + *sector * 512, page, n * 512u);
	simd_grant_unmap(tb->h->s, m);
	*sector += n;
	return BLKIF_RSP_OKAY;
}

static int16_t do_request(struct testback *tb, const blkif_request_t *req, uint8_t *op_out)
{
	uint8_t op = req->operation;
	uint64_t sector = req->sector_number;
	int16_t st = BLKIF_RSP_OKAY;
	if (op == BLKIF_OP_INDIRECT) {
		const blkif_request_indirect_t *ind = (const void *)req;
		op = ind->indirect_op;
		unsigned nseg = ind->nr_segments;
		if (tb->max_indirect < 0 || nseg == 0 || (int)nseg > tb->max_indirect) {
			problem(tb, "indirect request with a bad segment count");
			*op_out = op;
			return BLKIF_RSP_ERROR;
		}
		tb->indirect++;
		if (nseg > tb->max_segs_seen)
			tb->max_segs_seen = nseg;
		unsigned npages = (nseg + 511) / 512;
		uint32_t refs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
		memcpy(refs, ind->indirect_grefs, npages * sizeof(refs[0]));
		struct simd_grant_map *m = NULL;
		if (simd_grant_map(tb->h->s, tb->domid, refs, npages, true, &m)) {
			problem(tb, "cannot map the indirect pages");
			*op_out = op;
			return BLKIF_RSP_ERROR;
		}
		struct blkif_request_segment *segs = malloc(nseg * sizeof(*segs));
		memcpy(segs, m->addr, nseg * sizeof(*segs));
		simd_grant_unmap(tb->h->s, m);
		for (unsigned i = 0; i < nseg && st == BLKIF_RSP_OKAY; i++)
			st = do_seg(tb, op, &sector, segs[i]);
		free(segs);
	} else if (op == BLKIF_OP_READ || op == BLKIF_OP_WRITE) {
		if (req->nr_segments == 0 || req->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST) {
			problem(tb, "direct request with a bad segment count");
			*op_out = op;
			return BLKIF_RSP_ERROR;
		}
		if (req->nr_segments > tb->max_segs_seen)
			tb->max_segs_seen = req->nr_segments;
		for (unsigned i = 0; i < req->nr_segments && st == BLKIF_RSP_OKAY; i++)
			st = do_seg(tb, op, &sector, req->seg[i]);
	} else {
		problem(tb, "unknown operation");
		st = BLKIF_RSP_EOPNOTSUPP;
	}
	if (op == BLKIF_OP_WRITE && tb->readonly) {
		problem(tb, "a write to a read-only disk");
		st = BLKIF_RSP_ERROR;
	}
	if (st == BLKIF_RSP_OKAY) {
		if (op == BLKIF_OP_READ)
			tb->reads++;
		else if (op == BLKIF_OP_WRITE)
			tb->writes++;
	}
	*op_out = op;
	return st;
}

static void serve_queue(struct testback *tb, unsigned q)
{
	blkif_back_ring_t *r = &tb->ring[q];
	simd_evtchn_consume(tb->h->s, tb->port[q]);
	int more = 1;
	while (more) {
		RING_IDX rp = __atomic_load_n(&r->sring->req_prod, __ATOMIC_ACQUIRE);
		if (RING_REQUEST_PROD_OVERFLOW(r, rp)) {
			problem(tb, "request producer overflow");
			return;
		}
		while (r->req_cons != rp) {
			blkif_request_t req;
			RING_COPY_REQUEST(r, r->req_cons, &req);
			r->req_cons++;
			uint8_t op = req.operation;
			int16_t st = do_request(tb, &req, &op);
			blkif_response_t rsp;
			memset(&rsp, 0, sizeof(rsp));
			rsp.id = req.id;
			rsp.operation = op;
			rsp.status = st;
			bool first = tb->reads + tb->writes <= 1;
			if (tb->hostile == TB_BAD_ID && !first)
				rsp.id = req.id + 1000;
			memcpy(RING_GET_RESPONSE(r, r->rsp_prod_pvt), &rsp, sizeof(rsp));
			r->rsp_prod_pvt++;
			if (tb->hostile == TB_RSP_OVERFLOW && !first)
				r->rsp_prod_pvt += 100; /* responses for requests never made */
		}
		int notify;
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, notify);
		if (notify)
			simd_evtchn_notify(tb->h->s, tb->port[q]);
		RING_FINAL_CHECK_FOR_REQUESTS(r, more);
	}
}

void testback_pump(void *arg)
{
	struct testback *tb = arg;
	if (!tb->connected) {
		char v[16];
		if (key_read(tb, tb->fe, XS_KEY_STATE, v, sizeof(v)) == 0 && !strcmp(v, "3"))
			connect(tb);
		if (!tb->connected) {
			poll(NULL, 0, 5);
			return;
		}
	}
	struct pollfd pfd[TB_MAX_QUEUES];
	for (unsigned q = 0; q < tb->nq; q++)
		pfd[q] = (struct pollfd){ .fd = simd_evtchn_fd(tb->h->s, tb->port[q]), .events = POLLIN };
	poll(pfd, tb->nq, 5);
	for (unsigned q = 0; q < tb->nq; q++)
		serve_queue(tb, q);
}

void testback_close(struct testback *tb)
{
	key_write(tb, tb->be, XS_KEY_STATE, "5");
	for (unsigned q = 0; q < tb->nq; q++) {
		if (tb->port[q])
			simd_evtchn_close(tb->h->s, tb->port[q]);
		simd_grant_unmap(tb->h->s, tb->ring_map[q]);
		tb->ring_map[q] = NULL;
		tb->port[q] = 0;
	}
	tb->connected = false;
	key_write(tb, tb->be, XS_KEY_STATE, "6");
}
