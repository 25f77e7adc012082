/* SPDX-License-Identifier: LGPL-2.1-only */
/* The blkback test fixture; see blkfix.h. */
#include "tests/backend/blkfix.h"

#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cmocka.h>

void blkfix_setup(struct blkfix *t, const struct blkfix_opts *o)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->dir, sizeof(t->dir), "/tmp/xctl-blk-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/disk.img", t->dir);
	snprintf(t->logpath, sizeof(t->logpath), "%s/log", t->dir);
	int fd = open(t->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)(o->disk_bytes ? o->disk_bytes : 1u << 20)), 0);
	close(fd);
	t->logf = fopen(t->logpath, "w+");
	assert_non_null(t->logf);
	setvbuf(t->logf, NULL, _IONBF, 0);
	xctl_log_init(&t->log, "xctl-blkback", XCTL_LOG_INFO);
	t->log.out = t->logf;
	assert_int_equal(xenio_fake_open(&t->log, false, &t->f), 0);
	t->x = xenio_fake_base(t->f);
	t->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct blk_io_cfg c = {
		.path = t->path, .readonly = o->readonly, .workers = o->workers,
		.sector_size = o->sector_size, .notify_fd = t->efd, .log = &t->log,
		.who = "domain 1 vbd 51712",
		.engine = o->threads_only ? BLK_IO_THREADS : BLK_IO_URING,
		.uring_only = o->uring_only,
	};
	assert_int_equal(blk_io_open(&c, &t->io), 0);
	const struct blk_io_info *in = blk_io_info(t->io);
	t->p = (struct blk_params){
		.sectors = in->bytes / 512u, .sector_size = in->sector_size,
		.readonly = o->readonly, .flush = true, .barrier = true, .discard = true,
		.persistent = o->persistent, .max_indirect = BLK_MAX_INDIRECT_SEGS,
	};
	uint32_t domid = o->domid ? o->domid : 1;
	assert_int_equal(blkfe_init(&t->fe, t->f, domid, o->abi, o->ring_pages ? o->ring_pages : 1,
				    1024), 0);
	assert_int_equal(blkbe_attach(&t->r, &t->fe, t->x, &t->log, &t->p, t->io,
				      "domain 1 vbd 51712 queue 0"), 0);
}

void blkfix_teardown(struct blkfix *t)
{
	blkbe_detach(&t->r, t->x);
	blk_io_close(t->io);
	assert_int_equal(xenio_fake_mapped_pages(t->f), 0);
	xenio_close(t->x);
	close(t->efd);
	fclose(t->logf);
	unlink(t->path);
	unlink(t->logpath);
	rmdir(t->dir);
}

int blkfix_logged(struct blkfix *t, const char *s)
{
	char line[1024];
	rewind(t->logf);
	while (fgets(line, sizeof(line), t->logf))
		if (strstr(line, s))
			return 1;
	return 0;
}

void blkfix_pread(struct blkfix *t, void *buf, size_t n, off_t off)
{
	int fd = open(t->path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, n, off), (ssize_t)n);
	close(fd);
}

void blkfix_pwrite(struct blkfix *t, const void *buf, size_t n, off_t off)
{
	int fd = open(t->path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, buf, n, off), (ssize_t)n);
	close(fd);
}

int16_t blkfix_wait_rsp(struct blkfix *t, uint64_t want_id)
{
	for (int round = 0; round < 2000; round++) {
		uint64_t id;
		uint8_t op;
		int16_t st;
		blkbe_step(&t->r);
		while (blkfe_rsp(&t->fe, &id, &op, &st))
			if (id == want_id)
				return st;
		struct pollfd p = { .fd = t->efd, .events = POLLIN };
		if (poll(&p, 1, 5) > 0) {
			uint64_t v;
			assert_int_equal(read(t->efd, &v, 8), 8);
		}
	}
	fail_msg("no response with id %llu", (unsigned long long)want_id);
	return 0;
}

void blkgood_setup(struct blkfix *t, struct blkgood *g)
{
	assert_int_equal(blkfe_init(&g->fe, t->f, 2, BLK_ABI_X86_64, 1, 64), 0);
	assert_int_equal(blkbe_attach(&g->r, &g->fe, t->x, &t->log, &t->p, t->io,
				      "domain 2 vbd 51712 queue 0"), 0);
}

void blkgood_check(struct blkfix *t, struct blkgood *g)
{
	static uint8_t seed = 1;
	uint8_t *src, *dst;
	uint32_t g1 = blkfe_page(&g->fe, true, &src), g2 = blkfe_page(&g->fe, false, &dst);
	for (int i = 0; i < 4096; i++)
		src[i] = (uint8_t)(i ^ seed);
	seed++;
	struct blk_seg s1 = { g1, 0, 7 }, s2 = { g2, 0, 7 };
	/* the write completes before the read is sent: blkif does not order them */
	blkfe_rw(&g->fe, 1, 1001, 1024, 1, &s1);
	blkfe_push(&g->fe, true);
	unsigned ok = 0;
	for (int round = 0; round < 4000 && ok < 2; round++) {
		if (ok == 1 && g->fe.req_prod_pvt == g->fe.rsp_cons) {
			blkfe_rw(&g->fe, 0, 1002, 1024, 1, &s2);
			blkfe_push(&g->fe, true);
		}
		uint64_t id;
		uint8_t op;
		int16_t st;
		blkbe_step(&g->r);
		while (blkfe_rsp(&g->fe, &id, &op, &st)) {
			assert_int_equal(st, 0);
			ok++;
		}
		if (ok < 2)
			usleep(200);
	}
	assert_int_equal(ok, 2);
	assert_memory_equal(src, dst, 4096);
	(void)t;
}

void blkgood_teardown(struct blkfix *t, struct blkgood *g)
{
	blkbe_detach(&g->r, t->x);
}
