/* SPDX-License-Identifier: LGPL-2.1-only */
/* Hostile blkif frontends (the checklist's ring-level and blkif items):
 * each test drives one queue with a deliberately broken frontend and checks
 * that the backend answers or fails just that device, logs a line naming
 * it, touches nothing outside the grants (ASan in make check), and that
 * another device on the same disk and xenio keeps working. */
#include "tests/backend/blkfix.h"
#include "common/err.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xen/io/blkif.h>

#include <cmocka.h>

#define WHO "domain 1 vbd 51712 queue 0"

struct hx {
	struct blkfix t;
	struct blkgood g;
};

static void hx_setup(struct hx *h, const struct blkfix_opts *o)
{
	blkfix_setup(&h->t, o);
	blkgood_setup(&h->t, &h->g);
}

static void hx_done(struct hx *h)
{
	blkgood_check(&h->t, &h->g);
	blkgood_teardown(&h->t, &h->g);
	blkfix_teardown(&h->t);
}

static int16_t one(struct hx *h, uint64_t id)
{
	blkfe_push(&h->t.fe, true);
	return blkfix_wait_rsp(&h->t, id);
}

/* 1: req_prod far ahead of the responses. */
static void test_01_req_prod_overflow(void **state)
{
	(void)state;
	struct hx h;
	hx_setup(&h, &(struct blkfix_opts){ 0 });
	*blkfe_idx(&h.t.fe, 0) = h.t.r.size + 5;
	assert_int_equal(blk_ring_process(&h.t.r), XCTL_ERR_PROTO);
	assert_true(h.t.r.failed);
	assert_true(blkfix_logged(&h.t, WHO ": req_prod 37 is 37 requests ahead"));
	/* it stays failed and does no work */
	assert_int_equal(blk_ring_process(&h.t.r), XCTL_ERR_PROTO);
	assert_int_equal(h.t.r.st.requests, 0);
	hx_done(&h);
}

/* 2: indexes wrapping at 2^32 are fine; going backwards fails the queue. */
static void test_02_index_wrap_and_backwards(void **state)
{
	(void)state;
	struct hx h;
	blkfix_setup(&h.t, &(struct blkfix_opts){ 0 });
	blkgood_setup(&h.t, &h.g);
	/* restart the bad queue on a ring whose indexes are about to wrap */
	blkbe_detach(&h.t.r, h.t.x);
	const uint32_t start = 0xfffffff0u;
	h.t.fe.req_prod_pvt = h.t.fe.rsp_cons = start;
	*blkfe_idx(&h.t.fe, 0) = start;
	*blkfe_idx(&h.t.fe, 2) = start;
	uint32_t port;
	assert_int_equal(xenio_fake_alloc_unbound(h.t.f, 1, &port), 0);
	h.t.fe.port = port;
	assert_int_equal(blkbe_attach(&h.t.r, &h.t.fe, h.t.x, &h.t.log, &h.t.p, h.t.io, WHO), 0);
	uint8_t *p;
	uint32_t g = blkfe_page(&h.t.fe, false, &p);
	struct blk_seg s = { g, 0, 7 };
	for (uint64_t i = 0; i < 48; i++) {
		blkfe_rw(&h.t.fe, BLKIF_OP_READ, i, 0, 1, &s);
		assert_int_equal(one(&h, i), BLKIF_RSP_OKAY);
	}
	assert_true(h.t.r.req_cons < 100); /* wrapped */
	assert_false(h.t.r.failed);
	*blkfe_idx(&h.t.fe, 0) = h.t.r.req_cons - 3;
	assert_int_equal(blk_ring_process(&h.t.r), XCTL_ERR_PROTO);
	assert_true(h.t.r.failed);
	assert_true(blkfix_logged(&h.t, WHO ": req_prod"));
	hx_done(&h);
}

/* 3: garbage req_event/rsp_event: no more than one notification per push. */
static void test_03_event_index_garbage(void **state)
{
	(void)state;
	struct hx h;
	hx_setup(&h, &(struct blkfix_opts){ 0 });
	uint8_t *p;
	uint32_t g = blkfe_page(&h.t.fe, false, &p);
	struct blk_seg s = { g, 0, 7 };
	uint32_t garbage[] = { 0, 0xffffffffu, 0x80000000u, 12345, 7 };
	for (unsigned i = 0; i < 50; i++) {
		*blkfe_idx(&h.t.fe, 1) = garbage[i % 5];
		*blkfe_idx(&h.t.fe, 3) = garbage[(i + 2) % 5];
		blkfe_rw(&h.t.fe, BLKIF_OP_READ, i, 0, 1, &s);
		blkfe_push(&h.t.fe, true);
		blkbe_step(&h.t.r);
		*blkfe_idx(&h.t.fe, 3) = garbage[(i + 3) % 5];
	}
	uint64_t id;
	uint8_t op;
	int16_t st;
	unsigned n = 0;
	while (blkfe_rsp(&h.t.fe, &id, &op, &st))
		n++;
	assert_int_equal(n, 50);
	assert_true(xenio_fake_notified(h.t.f, 1, h.t.fe.port) <= 50);
	hx_done(&h);
}

/* 4: the slot changes while the backend reads it (a racing guest thread). */
struct flipper {
	struct blkfe *fe;
	volatile int stop;
};
static void *flip(void *arg)
{
	struct flipper *fl = arg;
	uint8_t *ring = fl->fe->sring + BLK_RING_HDR;
	unsigned k = 0;
	while (!fl->stop) {
		for (uint32_t i = 0; i < fl->fe->size; i++) {
			uint8_t *slot = ring + (size_t)i * blk_abi_slot(fl->fe->abi);
			__atomic_store_n(&slot[1], (uint8_t)((k & 1) ? 1 : 250), __ATOMIC_RELAXED);
			__atomic_store_n(&slot[0], (uint8_t)((k & 2) ? BLKIF_OP_READ : BLKIF_OP_INDIRECT),
					 __ATOMIC_RELAXED);
			__atomic_store_n(&slot[8 + 16 + 5], (uint8_t)((k & 4) ? 7 : 200), __ATOMIC_RELAXED);
		}
		k++;
	}
	return NULL;
}
static void test_04_double_fetch(void **state)
{
	(void)state;
	struct hx h;
	hx_setup(&h, &(struct blkfix_opts){ 0 });
	uint8_t *p;
	uint32_t g = blkfe_page(&h.t.fe, false, &p);
	struct blk_seg s = { g, 0, 7 };
	struct flipper fl = { &h.t.fe, 0 };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, flip, &fl), 0);
	unsigned got = 0, sent = 0;
	for (uint64_t i = 0; i < 2000 && !h.t.r.failed; i++, sent++) {
		blkfe_rw(&h.t.fe, BLKIF_OP_READ, i, 0, 1, &s);
		blkfe_push(&h.t.fe, true);
		blkbe_step(&h.t.r);
		uint64_t id;
		uint8_t op;
		int16_t st;
		while (blkfe_rsp(&h.t.fe, &id, &op, &st)) {
			assert_true(st == BLKIF_RSP_OKAY || st == BLKIF_RSP_ERROR ||
				    st == BLKIF_RSP_EOPNOTSUPP);
			got++;
		}
	}
	fl.stop = 1;
	pthread_join(th, NULL);
	/* every request answered with a valid status, whatever the copy saw
	 * (which values it saw depends on scheduling); nothing out of bounds */
	assert_false(h.t.r.failed);
	assert_int_equal(got, sent);
	assert_int_equal(h.t.r.st.responses, sent);
	if (h.t.r.st.errors)
		assert_true(blkfix_logged(&h.t, WHO ": request"));
	hx_done(&h);
}

/* 7: an event storm without requests gets the port throttled. */
static void test_07_event_storm(void **state)
{
	(void)state;
	struct hx h;
	hx_setup(&h, &(struct blkfix_opts){ 0 });
	uint64_t now = 1000000;
	unsigned rearmed = 0;
	for (unsigned i = 0; i < 100000; i++)
		rearmed += blk_ring_event(&h.t.r, now);
	assert_true(rearmed <= STORM_SPURIOUS_MAX);
	assert_int_equal(h.t.r.storm.storms, 1);
	assert_true(h.t.r.storm.paused_until >= now + STORM_PAUSE_MS);
	assert_true(blkfix_logged(&h.t, WHO ": event storm"));
	/* real work is still served, and re-arms at once */
	uint8_t *p;
	uint32_t g = blkfe_page(&h.t.fe, false, &p);
	struct blk_seg s = { g, 0, 7 };
	blkfe_rw(&h.t.fe, BLKIF_OP_READ, 5, 0, 1, &s);
	blkfe_push(&h.t.fe, false);
	assert_true(blk_ring_event(&h.t.r, now + 2000));
	assert_int_equal(blkfix_wait_rsp(&h.t, 5), BLKIF_RSP_OKAY);
	hx_done(&h);
}

/* 8: a response slot is fully written (no stale bytes in the padding). */
static void test_08_response_initialised(void **state)
{
	(void)state;
	for (int abi = 0; abi < 2; abi++) {
		struct hx h;
		hx_setup(&h, &(struct blkfix_opts){ .abi = (enum blk_abi)abi });
		uint8_t *p;
		uint32_t g = blkfe_page(&h.t.fe, false, &p);
		struct blk_seg s = { g, 0, 7 };
		blkfe_rw(&h.t.fe, BLKIF_OP_READ, 0x1122334455667788ull, 0, 1, &s);
		/* the request's own bytes (the id) lie under the response's padding */
		uint8_t *slot = h.t.fe.sring + BLK_RING_HDR;
		assert_int_equal(one(&h, 0x1122334455667788ull), BLKIF_RSP_OKAY);
		size_t n = blk_abi_rsp((enum blk_abi)abi);
		uint8_t want[16] = { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, BLKIF_OP_READ };
		assert_memory_equal(slot, want, n);
		hx_done(&h);
	}
}

struct badreq {
	const char *name;
	void (*write)(struct blkfe *fe, uint32_t g, uint32_t gind);
	int16_t want;
	const char *why;
};

#define SEG(g, a, b) ((struct blk_seg){ (g), (a), (b) })
static void w_unknown_op(struct blkfe *fe, uint32_t g, uint32_t gi)
{
	(void)gi;
	blkfe_rw(fe, 99, 1, 0, 1, &SEG(g, 0, 7));
}
static void w_reserved_op(struct blkfe *fe, uint32_t g, uint32_t gi)
{
	(void)gi;
	blkfe_rw(fe, BLKIF_OP_RESERVED_1, 1, 0, 1, &SEG(g, 0, 7));
}
static void w_indirect(struct blkfe *fe, uint32_t g, uint32_t gi)
{
	(void)g;
	uint32_t ind[BLK_MAX_INDIRECT_PAGES] = { gi };
	blkfe_indirect(fe, BLKIF_OP_READ, 1, 0, 1, ind);
}
static void w_discard(struct blkfe *fe, uint32_t g, uint32_t gi)
{
	(void)g, (void)gi;
	blkfe_discard(fe, 1, 0, 8, 0);
}
static void w_flush(struct blkfe *fe, uint32_t g, uint32_t gi)
{
	(void)g, (void)gi;
	blkfe_rw(fe, BLKIF_OP_FLUSH_DISKCACHE, 1, 0, 0, NULL);
}
static void w_barrier(struct blkfe *fe, uint32_t g, uint32_t gi)
{
	(void)gi;
	blkfe_rw(fe, BLKIF_OP_WRITE_BARRIER, 1, 0, 1, &SEG(g, 0, 7));
}

/* 9: unknown operations and operations not advertised. */
static void test_09_operations(void **state)
{
	(void)state;
	const struct badreq reqs[] = {
		{ "unknown", w_unknown_op, BLKIF_RSP_EOPNOTSUPP, "unknown operation" },
		{ "reserved", w_reserved_op, BLKIF_RSP_EOPNOTSUPP, "unknown operation" },
		{ "indirect", w_indirect, BLKIF_RSP_EOPNOTSUPP, "indirect requests not advertised" },
		{ "discard", w_discard, BLKIF_RSP_EOPNOTSUPP, "discard not advertised" },
		{ "flush", w_flush, BLKIF_RSP_EOPNOTSUPP, "flush not advertised" },
		{ "barrier", w_barrier, BLKIF_RSP_EOPNOTSUPP, "barrier not advertised" },
	};
	struct hx h;
	hx_setup(&h, &(struct blkfix_opts){ 0 });
	h.t.p.flush = h.t.p.barrier = h.t.p.discard = false;
	h.t.p.max_indirect = 0;
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		uint32_t g = blkfe_page(&h.t.fe, false, NULL);
		uint32_t gi = blkfe_page(&h.t.fe, true, NULL);
		reqs[i].write(&h.t.fe, g, gi);
		assert_int_equal(one(&h, 1), reqs[i].want);
		h.t.r.errlogged = 0;
		assert_true(blkfix_logged(&h.t, reqs[i].why));
	}
	assert_false(h.t.r.failed);
	hx_done(&h);
}

static void check_status(struct hx *h, uint64_t id, int16_t want, const char *why)
{
	assert_int_equal(one(h, id), want);
	if (why)
		assert_true(blkfix_logged(&h->t, why));
	h->t.r.errlogged = 0;
}

/* 10: segment counts: 0, 12, indirect 0 and above the maximum. */
static void test_10_segment_counts(void **state)
{
	(void)state;
	struct hx h;
	hx_setup(&h, &(struct blkfix_opts){ 0 });
	uint32_t g = blkfe_page(&h.t.fe, false, NULL);
	struct blk_seg segs[16];
	for (int i = 0; i < 16; i++)
		segs[i] = SEG(g, 0, 0);
	blkfe_rw(&h.t.fe, BLKIF_OP_READ, 1, 0, 0, segs);
	check_status(&h, 1, BLKIF_RSP_ERROR, WHO ": request (operation 0) answered ERROR: read or write without segments");
	blkfe_rw(&h.t.fe, BLKIF_OP_WRITE, 2, 0, 11, segs);
	uint8_t *s = h.t.fe.sring + BLK_RING_HDR + (size_t)((h.t.fe.req_prod_pvt - 1) & 31) * 112;
	s[1] = 12;
	check_status(&h, 2, BLKIF_RSP_ERROR, "more than 11 segments");
	uint8_t *desc;
	uint32_t gd = blkfe_page(&h.t.fe, true, &desc);
	memset(desc, 0, 4096);
	uint32_t ind[BLK_MAX_INDIRECT_PAGES] = { gd, gd, gd, gd, gd, gd, gd, gd };
	blkfe_indirect(&h.t.fe, BLKIF_OP_READ, 3, 0, 0, ind);
	check_status(&h, 3, BLKIF_RSP_ERROR, "indirect segment count 0");
	blkfe_indirect(&h.t.fe, BLKIF_OP_READ, 4, 0, BLK_MAX_INDIRECT_SEGS + 1, ind);
	check_status(&h, 4, BLKIF_RSP_ERROR, "above feature-max-indirect-segments");
	blkfe_indirect(&h.t.fe, BLKIF_OP_READ, 5, 0, 65535, ind);
	check_status(&h, 5, BLKIF_RSP_ERROR, NULL);
	/* a frontend told a larger maximum still cannot exceed what we hold */
	h.t.p.max_indirect = 4096;
	blkfe_indirect(&h.t.fe, BLKIF_OP_READ, 6, 0, 4096, ind);
	check_status(&h, 6, BLKIF_RSP_ERROR, NULL);
	h.t.p.max_indirect = BLK_MAX_INDIRECT_SEGS;
	blkfe_indirect(&h.t.fe, BLKIF_OP_FLUSH_DISKCACHE, 7, 0, 1, ind);
	check_status(&h, 7, BLKIF_RSP_ERROR, "indirect operation neither read nor write");
	assert_false(h.t.r.failed);
	hx_done(&h);
}

/* 11: segment bounds inside the page. */
static void test_11_segment_bounds(void **state)
{
	(void)state;
	struct hx h;
	hx_setup(&h, &(struct blkfix_opts){ 0 });
	uint32_t g = blkfe_page(&h.t.fe, false, NULL);
	blkfe_rw(&h.t.fe, BLKIF_OP_READ, 1, 0, 1, &SEG(g, 5, 4));
	check_status(&h, 1, BLKIF_RSP_ERROR, "first_sect after last_sect");
	blkfe_rw(&h.t.fe, BLKIF_OP_READ, 2, 0, 1, &SEG(g, 0, 8));
	check_status(&h, 2, BLKIF_RSP_ERROR, "last_sect beyond its page");
	blkfe_rw(&h.t.fe, BLKIF_OP_READ, 3, 0, 1, &SEG(g, 255, 255));
	check_status(&h, 3, BLKIF_RSP_ERROR, "last_sect beyond its page");
	/* the same through indirect descriptors */
	uint8_t *desc;
	uint32_t gd = blkfe_page(&h.t.fe, true, &desc);
	for (int i = 0; i < 200; i++) {
		memcpy(desc + 8 * i, &g, 4);
		desc[8 * i + 4] = 0;
		desc[8 * i + 5] = i == 150 ? 9 : 7;
	}
	uint32_t ind[BLK_MAX_INDIRECT_PAGES] = { gd };
	blkfe_indirect(&h.t.fe, BLKIF_OP_READ, 4, 0, 200, ind);
	check_status(&h, 4, BLKIF_RSP_ERROR, "last_sect beyond its page");
	assert_int_equal(xenio_fake_mapped_pages(h.t.f), 2); /* the two rings only */
	hx_done(&h);
}

/* 12: sector ranges beyond the disk or wrapping. */
static void test_12_sector_ranges(void **state)
{
	(void)state;
	struct hx h;
	hx_setup(&h, &(struct blkfix_opts){ 0 });
	uint32_t g = blkfe_page(&h.t.fe, false, NULL);
	uint64_t last = h.t.p.sectors; /* 2048 */
	blkfe_rw(&h.t.fe, BLKIF_OP_READ, 1, last - 8, 1, &SEG(g, 0, 7));
	check_status(&h, 1, BLKIF_RSP_OKAY, NULL);
	blkfe_rw(&h.t.fe, BLKIF_OP_READ, 2, last - 7, 1, &SEG(g, 0, 7));
	check_status(&h, 2, BLKIF_RSP_ERROR, "beyond the end of the disk");
	blkfe_rw(&h.t.fe, BLKIF_OP_READ, 3, UINT64_MAX - 3, 1, &SEG(g, 0, 7));
	check_status(&h, 3, BLKIF_RSP_ERROR, "beyond the end of the disk");
	blkfe_discard(&h.t.fe, 4, 8, UINT64_MAX - 4, 0);
	check_status(&h, 4, BLKIF_RSP_ERROR, "discard range too large");
	blkfe_discard(&h.t.fe, 5, last - 1, 2, 0);
	check_status(&h, 5, BLKIF_RSP_ERROR, "discard beyond the end of the disk");
	blkfe_discard(&h.t.fe, 6, (uint64_t)INT64_MAX / 512 + 1, 1, 0);
	check_status(&h, 6, BLKIF_RSP_ERROR, "discard range too large");
	blkfe_discard(&h.t.fe, 7, 0, 8, BLKIF_DISCARD_SECURE);
	check_status(&h, 7, BLKIF_RSP_EOPNOTSUPP, "secure discard not advertised");
	hx_done(&h);
}

/* 13: writes, barriers and discards to a read-only disk. */
static void test_13_readonly(void **state)
{
	(void)state;
	struct hx h;
	hx_setup(&h, &(struct blkfix_opts){ .readonly = true });
	uint8_t before[4096], after[4096];
	blkfix_pread(&h.t, before, 4096, 0);
	uint8_t *p;
	uint32_t g = blkfe_page(&h.t.fe, false, &p);
	memset(p, 0x5a, 4096);
	blkfe_rw(&h.t.fe, BLKIF_OP_WRITE, 1, 0, 1, &SEG(g, 0, 7));
	check_status(&h, 1, BLKIF_RSP_ERROR, "write to a read-only disk");
	blkfe_rw(&h.t.fe, BLKIF_OP_WRITE_BARRIER, 2, 0, 1, &SEG(g, 0, 7));
	check_status(&h, 2, BLKIF_RSP_ERROR, "write to a read-only disk");
	blkfe_discard(&h.t.fe, 3, 0, 8, 0);
	check_status(&h, 3, BLKIF_RSP_ERROR, "discard on a read-only disk");
	uint32_t ind[BLK_MAX_INDIRECT_PAGES] = { g };
	blkfe_indirect(&h.t.fe, BLKIF_OP_WRITE, 4, 0, 1, ind);
	check_status(&h, 4, BLKIF_RSP_ERROR, "write to a read-only disk");
	blkfix_pread(&h.t, after, 4096, 0);
	assert_memory_equal(before, after, 4096);
	/* hx_done's good device writes: the disk is read-only for it too */
	blkgood_teardown(&h.t, &h.g);
	blkfix_teardown(&h.t);
}

/* 14: duplicate and in-flight ids are only echoed. */
static void test_14_duplicate_ids(void **state)
{
	(void)state;
	struct hx h;
	hx_setup(&h, &(struct blkfix_opts){ .workers = 2 });
	uint32_t g = blkfe_page(&h.t.fe, false, NULL);
	for (int i = 0; i < 20; i++)
		blkfe_rw(&h.t.fe, BLKIF_OP_READ, 7, (uint64_t)i * 8, 1, &SEG(g, 0, 7));
	blkfe_push(&h.t.fe, true);
	unsigned n = 0;
	for (int round = 0; round < 4000 && n < 20; round++) {
		uint64_t id;
		uint8_t op;
		int16_t st;
		blkbe_step(&h.t.r);
		while (blkfe_rsp(&h.t.fe, &id, &op, &st)) {
			assert_int_equal(id, 7);
			assert_int_equal(st, BLKIF_RSP_OKAY);
			n++;
		}
		usleep(200);
	}
	assert_int_equal(n, 20);
	hx_done(&h);
}

/* 15: indirect descriptors changing while being read. */
struct descflip {
	uint8_t *desc;
	volatile int stop;
};
static void *flip_desc(void *arg)
{
	struct descflip *d = arg;
	unsigned k = 0;
	while (!d->stop) {
		for (int i = 0; i < 64; i++)
			__atomic_store_n(&d->desc[8 * i + 5], (uint8_t)((k + i) & 1 ? 7 : 250),
					 __ATOMIC_RELAXED);
		k++;
	}
	return NULL;
}
static void test_15_indirect_changing(void **state)
{
	(void)state;
	struct hx h;
	hx_setup(&h, &(struct blkfix_opts){ 0 });
	uint8_t *desc;
	uint32_t gd = blkfe_page(&h.t.fe, true, &desc);
	uint32_t g = blkfe_page(&h.t.fe, false, NULL);
	for (int i = 0; i < 64; i++) {
		memcpy(desc + 8 * i, &g, 4);
		desc[8 * i + 4] = 0;
		desc[8 * i + 5] = 7;
	}
	struct descflip d = { desc, 0 };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, flip_desc, &d), 0);
	uint32_t ind[BLK_MAX_INDIRECT_PAGES] = { gd };
	unsigned ok = 0, err = 0;
	for (uint64_t i = 0; i < 300; i++) {
		blkfe_indirect(&h.t.fe, BLKIF_OP_READ, i, 0, 64, ind);
		int16_t st = one(&h, i);
		ok += st == BLKIF_RSP_OKAY;
		err += st == BLKIF_RSP_ERROR;
	}
	d.stop = 1;
	pthread_join(th, NULL);
	assert_int_equal(ok + err, 300);
	assert_true(err > 0);
	hx_done(&h);
}

/* 16: more distinct persistent grants than the cache holds; one gref with
 * different permissions. */
static void test_16_persistent_abuse(void **state)
{
	(void)state;
	struct hx h;
	hx_setup(&h, &(struct blkfix_opts){ .persistent = true, .ring_pages = 4 });
	for (uint64_t i = 0; i < BLK_PGRANT_MAX + 40; i++) {
		uint32_t g = blkfe_page(&h.t.fe, false, NULL);
		blkfe_rw(&h.t.fe, BLKIF_OP_READ, i, 0, 1, &SEG(g, 0, 7));
		assert_int_equal(one(&h, i), BLKIF_RSP_OKAY);
	}
	assert_int_equal(h.t.r.npg, BLK_PGRANT_MAX);
	assert_int_equal(h.t.r.st.pgrant_fallback, 40);
	/* cached for a write (read-only mapping), then used for a read */
	uint8_t *p;
	uint32_t g = blkfe_page(&h.t.fe, false, &p);
	memset(p, 0x11, 4096);
	h.t.r.npg = 0; /* pretend there is room again for this gref */
	blkfe_rw(&h.t.fe, BLKIF_OP_WRITE, 1, 8, 1, &SEG(g, 0, 7));
	assert_int_equal(one(&h, 1), BLKIF_RSP_OKAY);
	memset(p, 0, 4096);
	blkfe_rw(&h.t.fe, BLKIF_OP_READ, 2, 8, 1, &SEG(g, 0, 7));
	assert_int_equal(one(&h, 2), BLKIF_RSP_OKAY);
	assert_int_equal(p[100], 0x11);
	/* a read-only grant cannot be read into */
	uint32_t ro = blkfe_page(&h.t.fe, true, NULL);
	blkfe_rw(&h.t.fe, BLKIF_OP_READ, 3, 8, 1, &SEG(ro, 0, 7));
	check_status(&h, 3, BLKIF_RSP_ERROR, "cannot map a segment's grant");
	h.t.r.npg = BLK_PGRANT_MAX + 1;
	blkgood_check(&h.t, &h.g);
	blkgood_teardown(&h.t, &h.g);
	blkfix_teardown(&h.t);
}

/* 18: a grant map failure on one segment fails that request only and
 * leaves nothing mapped. */
static void test_18_map_failure(void **state)
{
	(void)state;
	struct hx h;
	hx_setup(&h, &(struct blkfix_opts){ 0 });
	long base = xenio_fake_mapped_pages(h.t.f);
	uint32_t g[3];
	for (int i = 0; i < 3; i++)
		g[i] = blkfe_page(&h.t.fe, false, NULL);
	struct blk_seg s[3] = { SEG(g[0], 0, 7), SEG(g[1], 0, 7), SEG(g[2], 0, 7) };
	xenio_fake_revoke(h.t.f, 1, g[1]);
	blkfe_rw(&h.t.fe, BLKIF_OP_READ, 1, 0, 3, s);
	check_status(&h, 1, BLKIF_RSP_ERROR, "cannot map a segment's grant");
	assert_int_equal(xenio_fake_mapped_pages(h.t.f), base);
	xenio_fake_fail_map(h.t.f, 1);
	blkfe_rw(&h.t.fe, BLKIF_OP_READ, 2, 0, 1, s);
	check_status(&h, 2, BLKIF_RSP_ERROR, NULL);
	/* indirect page map failure */
	uint32_t ind[BLK_MAX_INDIRECT_PAGES] = { 4000 };
	blkfe_indirect(&h.t.fe, BLKIF_OP_READ, 3, 0, 2, ind);
	check_status(&h, 3, BLKIF_RSP_ERROR, "cannot map the indirect descriptor pages");
	assert_int_equal(xenio_fake_mapped_pages(h.t.f), base);
	/* persistent: a request's new grants are mapped (and kept) together;
	 * one that cannot be mapped fails its request, and nothing of it is
	 * kept: the cache holds what it held */
	h.t.p.persistent = true;
	blkfe_rw(&h.t.fe, BLKIF_OP_READ, 4, 0, 1, (struct blk_seg[]){ SEG(g[0], 0, 7) });
	check_status(&h, 4, BLKIF_RSP_OKAY, NULL);
	long cached = xenio_fake_mapped_pages(h.t.f);
	blkfe_rw(&h.t.fe, BLKIF_OP_READ, 5, 0, 3, (struct blk_seg[]){ SEG(g[0], 0, 7),
						SEG(g[2], 0, 7), SEG(g[2] + 50, 0, 7) });
	check_status(&h, 5, BLKIF_RSP_ERROR, "cannot map a segment's grant");
	assert_int_equal(xenio_fake_mapped_pages(h.t.f), cached);
	assert_int_equal(h.t.r.npg, 1);
	xenio_fake_fail_map(h.t.f, 1);
	blkfe_rw(&h.t.fe, BLKIF_OP_READ, 6, 0, 2, (struct blk_seg[]){ SEG(g[0], 0, 7), SEG(g[2], 0, 7) });
	check_status(&h, 6, BLKIF_RSP_ERROR, NULL);
	assert_int_equal(h.t.r.npg, 1);
	blkfe_rw(&h.t.fe, BLKIF_OP_READ, 7, 0, 2, (struct blk_seg[]){ SEG(g[0], 0, 7), SEG(g[2], 0, 7) });
	check_status(&h, 7, BLKIF_RSP_OKAY, NULL);
	assert_int_equal(h.t.r.npg, 2);
	assert_false(h.t.r.failed);
	hx_done(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_01_req_prod_overflow),
		cmocka_unit_test(test_02_index_wrap_and_backwards),
		cmocka_unit_test(test_03_event_index_garbage),
		cmocka_unit_test(test_04_double_fetch),
		cmocka_unit_test(test_07_event_storm),
		cmocka_unit_test(test_08_response_initialised),
		cmocka_unit_test(test_09_operations),
		cmocka_unit_test(test_10_segment_counts),
		cmocka_unit_test(test_11_segment_bounds),
		cmocka_unit_test(test_12_sector_ranges),
		cmocka_unit_test(test_13_readonly),
		cmocka_unit_test(test_14_duplicate_ids),
		cmocka_unit_test(test_15_indirect_changing),
		cmocka_unit_test(test_16_persistent_abuse),
		cmocka_unit_test(test_18_map_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
