/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-blkback's ring engine over xenio/fake: the blkif operations, both
 * ABIs, multi-page rings, indirect segments, persistent grants, 4096-byte
 * sectors, read-only disks and the worker pool. */
#include "tests/backend/blkfix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xen/io/blkif.h>
#include "common/err.h"

#include <cmocka.h>

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

/* Write one page at sector through the ring, check the file, read it back. */
static void roundtrip(struct blkfix *t, uint64_t sector, uint8_t seed)
{
	uint8_t *src, *dst;
	uint32_t g1 = blkfe_page(&t->fe, true, &src);
	uint32_t g2 = blkfe_page(&t->fe, false, &dst);
	fill(src, 4096, seed);
	memset(dst, 0, 4096);
	struct blk_seg s1 = { g1, 0, 7 }, s2 = { g2, 0, 7 };
	blkfe_rw(&t->fe, BLKIF_OP_WRITE, 100 + seed, sector, 1, &s1);
	blkfe_push(&t->fe, true);
	assert_int_equal(blkfix_wait_rsp(t, 100 + seed), BLKIF_RSP_OKAY);
	uint8_t file[4096];
	blkfix_pread(t, file, 4096, (off_t)(sector * 512));
	assert_memory_equal(file, src, 4096);
	blkfe_rw(&t->fe, BLKIF_OP_READ, 200 + seed, sector, 1, &s2);
	blkfe_push(&t->fe, true);
	assert_int_equal(blkfix_wait_rsp(t, 200 + seed), BLKIF_RSP_OKAY);
	assert_memory_equal(dst, src, 4096);
}

static void test_rw_x86_64(void **state)
{
	(void)state;
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ .abi = BLK_ABI_X86_64 });
	assert_int_equal(t.r.size, 32);
	roundtrip(&t, 8, 1);
	roundtrip(&t, 2040, 2);
	blkfix_teardown(&t);
}

static void test_rw_x86_32(void **state)
{
	(void)state;
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ .abi = BLK_ABI_X86_32 });
	roundtrip(&t, 16, 3);
	blkfix_teardown(&t);
}

static void test_multipage_ring(void **state)
{
	(void)state;
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ .ring_pages = 16 });
	assert_int_equal(t.r.size, 512);
	/* wrap the ring several times */
	for (int i = 0; i < 40; i++)
		roundtrip(&t, (uint64_t)(i % 200) * 8, (uint8_t)i);
	blkfix_teardown(&t);
}

static void test_partial_segments(void **state)
{
	(void)state;
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ 0 });
	uint8_t *a, *b;
	uint32_t ga = blkfe_page(&t.fe, true, &a), gb = blkfe_page(&t.fe, true, &b);
	fill(a, 4096, 9);
	fill(b, 4096, 77);
	/* sectors 2..3 of page a, then 0..0 of page b: three sectors at sector 5 */
	struct blk_seg s[2] = { { ga, 2, 3 }, { gb, 0, 0 } };
	blkfe_rw(&t.fe, BLKIF_OP_WRITE, 1, 5, 2, s);
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 1), BLKIF_RSP_OKAY);
	uint8_t f[1536];
	blkfix_pread(&t, f, sizeof(f), 5 * 512);
	assert_memory_equal(f, a + 1024, 1024);
	assert_memory_equal(f + 1024, b, 512);
	blkfix_teardown(&t);
}

static void test_flush_barrier_discard(void **state)
{
	(void)state;
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ 0 });
	uint8_t ones[8192];
	memset(ones, 0xab, sizeof(ones));
	blkfix_pwrite(&t, ones, sizeof(ones), 65536);
	blkfe_rw(&t.fe, BLKIF_OP_FLUSH_DISKCACHE, 1, 0, 0, NULL);
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 1), BLKIF_RSP_OKAY);
	/* a barrier behind a write in flight: both complete, in order */
	uint8_t *p;
	uint32_t g = blkfe_page(&t.fe, true, &p);
	fill(p, 4096, 5);
	struct blk_seg s = { g, 0, 7 };
	blkfe_rw(&t.fe, BLKIF_OP_WRITE, 2, 0, 1, &s);
	blkfe_rw(&t.fe, BLKIF_OP_WRITE_BARRIER, 3, 8, 1, &s);
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 3), BLKIF_RSP_OKAY);
	uint8_t f[4096];
	blkfix_pread(&t, f, 4096, 4096);
	assert_memory_equal(f, p, 4096);
	/* discard 8 KiB at 64 KiB: the hole reads back as zeros */
	blkfe_discard(&t.fe, 4, 128, 16, 0);
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 4), BLKIF_RSP_OKAY);
	uint8_t z[8192], zero[8192] = { 0 };
	blkfix_pread(&t, z, sizeof(z), 65536);
	assert_memory_equal(z, zero, sizeof(z));
	blkfix_teardown(&t);
}

static void test_indirect(void **state)
{
	(void)state;
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ 0 });
	uint8_t *desc;
	uint32_t gd = blkfe_page(&t.fe, true, &desc);
	uint8_t *pages[100];
	for (unsigned i = 0; i < 100; i++) {
		uint32_t g = blkfe_page(&t.fe, true, &pages[i]);
		fill(pages[i], 4096, (uint8_t)i);
		memcpy(desc + 8 * i, &g, 4);
		desc[8 * i + 4] = 0;
		desc[8 * i + 5] = 7;
	}
	uint32_t ind[BLK_MAX_INDIRECT_PAGES] = { gd };
	blkfe_indirect(&t.fe, BLKIF_OP_WRITE, 9, 0, 100, ind);
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 9), BLKIF_RSP_OKAY);
	uint8_t f[4096];
	for (unsigned i = 0; i < 100; i += 33) {
		blkfix_pread(&t, f, 4096, (off_t)i * 4096);
		assert_memory_equal(f, pages[i], 4096);
	}
	blkfix_teardown(&t);
}

static void test_persistent(void **state)
{
	(void)state;
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ .persistent = true });
	uint8_t *p;
	uint32_t g = blkfe_page(&t.fe, false, &p);
	struct blk_seg s = { g, 0, 7 };
	for (int i = 0; i < 4; i++) {
		fill(p, 4096, (uint8_t)i);
		blkfe_rw(&t.fe, BLKIF_OP_WRITE, (uint64_t)i, 8, 1, &s);
		blkfe_push(&t.fe, true);
		assert_int_equal(blkfix_wait_rsp(&t, (uint64_t)i), BLKIF_RSP_OKAY);
		uint8_t f[4096];
		blkfix_pread(&t, f, 4096, 4096);
		assert_memory_equal(f, p, 4096);
	}
	assert_int_equal(t.r.npg, 1);
	assert_int_equal(t.r.st.pgrant_hits, 3);
	/* still mapped while the queue lives, unmapped at teardown */
	assert_int_equal(xenio_fake_mapped_pages(t.f), 1 + 1);
	blkfix_teardown(&t);
}

/* Segments that follow each other in memory become one iovec entry:
 * grants mapped in one call (XENIO_MAP_MAX at a time, per request or kept
 * as persistent grants) lie in the order the request names them. A
 * segment that starts or ends inside its page, or grants named in another
 * order, keep their own entries; every byte lands where the request says. */
static void indirect_write(struct blkfix *t, uint64_t id, const uint32_t *grefs, unsigned n,
			   uint8_t first, uint8_t last)
{
	uint8_t *desc;
	uint32_t gd = blkfe_page(&t->fe, true, &desc);
	for (unsigned i = 0; i < n; i++) {
		memcpy(desc + 8 * i, &grefs[i], 4);
		desc[8 * i + 4] = i == 0 ? first : 0;
		desc[8 * i + 5] = i == n - 1 ? last : 7;
	}
	uint32_t ind[BLK_MAX_INDIRECT_PAGES] = { gd };
	blkfe_indirect(&t->fe, BLKIF_OP_WRITE, id, 0, (uint16_t)n, ind);
	blkfe_push(&t->fe, true);
	assert_int_equal(blkfix_wait_rsp(t, id), BLKIF_RSP_OKAY);
}

static void test_segments_coalesced(void **state)
{
	(void)state;
	for (int persistent = 0; persistent < 2; persistent++) {
		struct blkfix t;
		blkfix_setup(&t, &(struct blkfix_opts){ .persistent = persistent });
		enum { N = 100 };
		uint32_t g[N], rev[N];
		uint8_t *pages[N];
		for (unsigned i = 0; i < N; i++) {
			g[i] = blkfe_page(&t.fe, true, &pages[i]);
			fill(pages[i], 4096, (uint8_t)(i + 1));
			rev[N - 1 - i] = g[i];
		}
		indirect_write(&t, 1, g, N, 0, 7);
		/* one slot serves every request here (the last one freed) */
		const struct blk_slot *sl = &t.r.slots[0];
		/* 100 grants mapped 32 to a call (kept, or for this request):
		 * an entry per call */
		assert_int_equal(sl->niov, 4);
		uint8_t f[4096];
		for (unsigned i = 0; i < N; i++) {
			blkfix_pread(&t, f, 4096, (off_t)i * 4096);
			assert_memory_equal(f, pages[i], 4096);
		}
		/* the same grants again: persistent, they are where they were */
		indirect_write(&t, 2, g, N, 0, 7);
		assert_int_equal(sl->niov, 4);
		/* kept: exactly the request's grants and its descriptor pages */
		unsigned used = 0;
		for (unsigned i = 0; i < 2 * BLK_PGRANT_MAX; i++)
			used += t.r.pg[i].used;
		assert_int_equal(used, t.r.npg);
		assert_int_equal(t.r.npg, persistent ? N + 2 : 0);
		/* named backwards: no two follow each other (persistent), or the
		 * fresh maps follow the new order (per request) */
		indirect_write(&t, 3, rev, N, 0, 7);
		assert_int_equal(sl->niov, persistent ? N : 4);
		for (unsigned i = 0; i < N; i++) {
			blkfix_pread(&t, f, 4096, (off_t)i * 4096);
			assert_memory_equal(f, pages[N - 1 - i], 4096);
		}
		/* the first segment ends early, the last starts late: a segment
		 * that does not end at its page's end is not joined to the next */
		for (unsigned i = 0; i < N; i++)
			fill(pages[i], 4096, (uint8_t)(i + 7));
		uint8_t *desc;
		uint32_t gd = blkfe_page(&t.fe, true, &desc);
		for (unsigned i = 0; i < 3; i++) {
			memcpy(desc + 8 * i, &g[i], 4);
			desc[8 * i + 4] = i == 2 ? 2 : 0;
			desc[8 * i + 5] = i == 0 ? 3 : 7;
		}
		uint32_t ind[BLK_MAX_INDIRECT_PAGES] = { gd };
		blkfe_indirect(&t.fe, BLKIF_OP_WRITE, 4, 800, 3, ind);
		blkfe_push(&t.fe, true);
		assert_int_equal(blkfix_wait_rsp(&t, 4), BLKIF_RSP_OKAY);
		/* segment 0: sectors 0-3 of page 0; 1: all of page 1; 2: 2-7 of page 2 */
		assert_int_equal(sl->niov, 3);
		uint8_t want[14 * 512], got[14 * 512];
		memcpy(want, pages[0], 4 * 512);
		memcpy(want + 4 * 512, pages[1], 8 * 512);
		memcpy(want + 12 * 512, pages[2] + 2 * 512, 2 * 512);
		blkfix_pread(&t, got, sizeof(got), 800 * 512);
		assert_memory_equal(got, want, sizeof(got));
		blkfix_teardown(&t);
	}
}

static void test_sector_4096(void **state)
{
	(void)state;
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ .sector_size = 4096 });
	assert_int_equal(t.p.sector_size, 4096);
	roundtrip(&t, 16, 4);
	uint8_t *p;
	uint32_t g = blkfe_page(&t.fe, false, &p);
	struct blk_seg s = { g, 0, 7 };
	blkfe_rw(&t.fe, BLKIF_OP_READ, 5, 3, 1, &s);
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 5), BLKIF_RSP_ERROR);
	struct blk_seg half = { g, 0, 3 };
	blkfe_rw(&t.fe, BLKIF_OP_READ, 6, 8, 1, &half);
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 6), BLKIF_RSP_ERROR);
	blkfix_teardown(&t);
}

static void test_readonly(void **state)
{
	(void)state;
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ .readonly = true });
	uint8_t *p;
	uint32_t g = blkfe_page(&t.fe, false, &p);
	struct blk_seg s = { g, 0, 7 };
	blkfe_rw(&t.fe, BLKIF_OP_READ, 1, 0, 1, &s);
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 1), BLKIF_RSP_OKAY);
	blkfe_rw(&t.fe, BLKIF_OP_WRITE, 2, 0, 1, &s);
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 2), BLKIF_RSP_ERROR);
	blkfix_teardown(&t);
}

static void test_workers(void **state)
{
	(void)state;
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ .workers = 4, .ring_pages = 4 });
	uint8_t *p[64];
	for (unsigned i = 0; i < 64; i++) {
		uint32_t g = blkfe_page(&t.fe, true, &p[i]);
		fill(p[i], 4096, (uint8_t)(i * 3));
		struct blk_seg s = { g, 0, 7 };
		blkfe_rw(&t.fe, BLKIF_OP_WRITE, i, (uint64_t)i * 8, 1, &s);
	}
	blkfe_push(&t.fe, true);
	/* one pass takes every request; completions alone publish the answers */
	assert_int_equal(blk_ring_process(&t.r), 0);
	assert_int_equal(t.r.req_cons, 64);
	unsigned got = 0;
	for (int round = 0; round < 4000 && got < 64; round++) {
		uint64_t id;
		uint8_t op;
		int16_t st;
		blk_ring_reap(t.io);
		while (blkfe_rsp(&t.fe, &id, &op, &st)) {
			assert_int_equal(st, BLKIF_RSP_OKAY);
			assert_int_equal(op, BLKIF_OP_WRITE);
			got++;
		}
		usleep(500);
	}
	assert_int_equal(got, 64);
	uint8_t f[4096];
	for (unsigned i = 0; i < 64; i += 9) {
		blkfix_pread(&t, f, 4096, (off_t)i * 4096);
		assert_memory_equal(f, p[i], 4096);
	}
	blkfix_teardown(&t);
}

static void test_qcow2_refused(void **state)
{
	(void)state;
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ 0 });
	blkfix_pwrite(&t, "QFI\xfb\0\0\0\3", 8, 0);
	struct blk_io *io = NULL;
	struct blk_io_cfg c = { .path = t.path, .log = &t.log, .notify_fd = -1,
				.who = "domain 1 vbd 51760" };
	assert_int_equal(blk_io_open(&c, &io), XCTL_ERR_UNSUPPORTED);
	assert_true(blkfix_logged(&t, "domain 1 vbd 51760"));
	assert_true(blkfix_logged(&t, "is a qcow2 image"));
	assert_true(blkfix_logged(&t, "qemu-img convert"));
	blkfix_teardown(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rw_x86_64),
		cmocka_unit_test(test_rw_x86_32),
		cmocka_unit_test(test_multipage_ring),
		cmocka_unit_test(test_partial_segments),
		cmocka_unit_test(test_flush_barrier_discard),
		cmocka_unit_test(test_indirect),
		cmocka_unit_test(test_persistent),
		cmocka_unit_test(test_segments_coalesced),
		cmocka_unit_test(test_sector_4096),
		cmocka_unit_test(test_readonly),
		cmocka_unit_test(test_workers),
		cmocka_unit_test(test_qcow2_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
