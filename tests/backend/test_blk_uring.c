/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-blkback's io_uring engine: a small read the page cache holds is
 * done at once, one it does not goes through the disk's io_uring (from
 * where the page cache stopped), and nothing else does; batches larger
 * than the completion queue wait in the backlog; a short read is resumed
 * where it stopped and a file that ends early fails the request; a kernel
 * that refuses io_uring leaves every request to the threads; a file's
 * writes take one thread at a time. */
#include "tests/backend/blkfix.h"
#include "common/uring.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <xen/io/blkif.h>

#include <cmocka.h>

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 13 + i * 7 + (i >> 9));
}

/* n reads of one page each, page i from sector 8 * (first + i), in one
 * push; checks every page against the file. */
static void reads(struct blkfix *t, unsigned n, unsigned first)
{
	uint8_t **dst = calloc(n, sizeof(*dst));
	assert_non_null(dst);
	for (unsigned i = 0; i < n; i++) {
		uint32_t g = blkfe_page(&t->fe, false, &dst[i]);
		memset(dst[i], 0xee, 4096);
		blkfe_rw(&t->fe, BLKIF_OP_READ, i, (uint64_t)(first + i) * 8, 1,
			 &(struct blk_seg){ g, 0, 7 });
	}
	blkfe_push(&t->fe, true);
	unsigned got = 0;
	for (int round = 0; round < 4000 && got < n; round++) {
		uint64_t id;
		uint8_t op;
		int16_t st;
		blkbe_step(&t->r);
		while (blkfe_rsp(&t->fe, &id, &op, &st)) {
			assert_int_equal(st, BLKIF_RSP_OKAY);
			assert_true(id < n);
			got++;
		}
		if (got < n)
			usleep(200);
	}
	assert_int_equal(got, n);
	uint8_t want[4096];
	for (unsigned i = 0; i < n; i++) {
		fill(want, 4096, first + i);
		assert_memory_equal(dst[i], want, 4096);
	}
	free(dst);
}

static void fill_file(struct blkfix *t, unsigned pages)
{
	uint8_t b[4096];
	for (unsigned i = 0; i < pages; i++) {
		fill(b, 4096, i);
		blkfix_pwrite(t, b, 4096, (off_t)i * 4096);
	}
}

/* Drop pages [first, first + n) of the file from the page cache (checked
 * with mincore: a page the kernel still held in a per-CPU batch is dropped
 * on a second try). */
static void evict(struct blkfix *t, unsigned first, unsigned n)
{
	int fd = open(t->path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(fdatasync(fd), 0);
	bool gone = false;
	for (int k = 0; k < 100 && !gone; k++) {
		assert_int_equal(posix_fadvise(fd, (off_t)first * 4096, (off_t)n * 4096,
					       POSIX_FADV_DONTNEED), 0);
		void *m = mmap(NULL, (size_t)n * 4096, PROT_READ, MAP_SHARED, fd, (off_t)first * 4096);
		assert_true(m != MAP_FAILED);
		unsigned char vec[1024];
		assert_true(n <= sizeof(vec));
		assert_int_equal(mincore(m, (size_t)n * 4096, vec), 0);
		munmap(m, (size_t)n * 4096);
		gone = true;
		for (unsigned i = 0; i < n; i++)
			gone = gone && !(vec[i] & 1);
		if (!gone)
			usleep(10000);
	}
	assert_true(gone);
	close(fd);
}

/* Mappings of an io_uring in the process (anon_inode:[io_uring]). */
static unsigned ring_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	assert_non_null(f);
	unsigned n = 0;
	char line[512];
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "io_uring") != NULL;
	fclose(f);
	return n;
}

/* Small reads: from the page cache at once, else through io_uring, never
 * on a thread; writes and large reads on the threads. */
static void test_uring_takes_small_reads(void **state)
{
	(void)state;
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ .workers = 2, .ring_pages = 2, .persistent = true });
	fill_file(&t, 256);
	const struct blk_io_stats *st = blk_io_stats(t.io);
	/* a read whose first page is cached and second is not: the ring reads
	 * the second page into the second segment, from the right offset */
	evict(&t, 201, 1);
	uint8_t *a, *b;
	uint32_t ga = blkfe_page(&t.fe, false, &a), gb = blkfe_page(&t.fe, false, &b);
	memset(a, 0xee, 4096);
	memset(b, 0xee, 4096);
	blkfe_rw(&t.fe, BLKIF_OP_READ, 70, 200 * 8, 2,
		 (struct blk_seg[]){ { ga, 0, 7 }, { gb, 0, 7 } });
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 70), BLKIF_RSP_OKAY);
	/* (the page cache attempt may itself start the disk read, and find it
	 * done if the disk is fast: then the whole read was at once) */
	assert_int_equal(st->uring_reads + st->inline_reads, 1);
	uint8_t want[4096];
	fill(want, 4096, 200);
	assert_memory_equal(a, want, 4096);
	fill(want, 4096, 201);
	assert_memory_equal(b, want, 4096);
	uint64_t at_once = st->inline_reads;
	reads(&t, 60, 3);
	assert_int_equal(st->inline_reads, at_once + 60);
	/* not in the page cache: at once or through the ring (which one
	 * depends on how fast the disk is, as above), never on a thread */
	evict(&t, 0, 256);
	reads(&t, 40, 150);
	assert_true(st->inline_reads + st->uring_reads >= 101);
	assert_int_equal(st->thread_jobs, 0);
	assert_int_equal(blk_io_threads(t.io), 0);
	assert_int_equal(blk_io_inflight(t.io), 0);
	/* 64 KiB: the threads (the first job that is not a small read) */
	uint8_t *desc;
	uint32_t ind = blkfe_page(&t.fe, true, &desc);
	uint8_t *dst[16];
	for (unsigned i = 0; i < 16; i++) {
		uint32_t g = blkfe_page(&t.fe, false, &dst[i]);
		memcpy(desc + 8 * i, &g, 4);
		desc[8 * i + 4] = 0;
		desc[8 * i + 5] = 7;
	}
	blkfe_indirect(&t.fe, BLKIF_OP_READ, 77, 64 * 8, 16, (uint32_t[BLK_MAX_INDIRECT_PAGES]){ ind });
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 77), BLKIF_RSP_OKAY);
	assert_int_equal(blk_io_threads(t.io), 2);
	assert_int_equal(st->thread_jobs, 1);
	for (unsigned i = 0; i < 16; i++) {
		fill(want, 4096, 64 + i);
		assert_memory_equal(dst[i], want, 4096);
	}
	/* 60 KiB is still small */
	blkfe_indirect(&t.fe, BLKIF_OP_READ, 78, 100 * 8, 15, (uint32_t[BLK_MAX_INDIRECT_PAGES]){ ind });
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 78), BLKIF_RSP_OKAY);
	for (unsigned i = 0; i < 15; i++) {
		fill(want, 4096, 100 + i);
		assert_memory_equal(dst[i], want, 4096);
	}
	/* a write reaches the file (on the threads) */
	uint8_t *src;
	uint32_t g = blkfe_page(&t.fe, true, &src);
	memset(src, 0x3c, 4096);
	blkfe_rw(&t.fe, BLKIF_OP_WRITE, 79, 8, 1, &(struct blk_seg){ g, 0, 7 });
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 79), BLKIF_RSP_OKAY);
	uint8_t f[4096];
	blkfix_pread(&t, f, 4096, 4096);
	assert_memory_equal(f, src, 4096);
	assert_int_equal(blk_io_inflight(t.io), 0);
	blkfix_teardown(&t);
}

/* More reads at once than the completion queue holds: the rest wait in
 * the backlog and every one completes with its own data. */
static void test_uring_backlog(void **state)
{
	(void)state;
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ .ring_pages = 16, .disk_bytes = 2u << 20,
						 .persistent = true, .uring_only = true });
	fill_file(&t, 512);
	reads(&t, 500, 0);
	assert_true(blk_io_uring_active(t.io));
	assert_true(ring_maps() >= 2);
	const struct blk_io_stats *st = blk_io_stats(t.io);
	assert_int_equal(st->inline_reads, 0);
	assert_int_equal(st->uring_reads, 500);
	assert_int_equal(st->backlogged, 500 - 256);
	/* and once more, across the ring's wrap */
	reads(&t, 300, 200);
	assert_int_equal(blk_io_inflight(t.io), 0);
	blkfix_teardown(&t);
	assert_int_equal(ring_maps(), 0); /* the disk's ring is gone */
}

/* The file shrank under the disk: a read that stops short is resumed at
 * the byte where it stopped, and fails when the file has nothing more:
 * after the page cache read part of it, and in the ring alone. */
static void short_read(bool uring_only)
{
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ .workers = 1, .uring_only = uring_only });
	fill_file(&t, 256);
	assert_int_equal(truncate(t.path, (1u << 20) - 2048), 0);
	uint8_t *a, *b;
	uint32_t ga = blkfe_page(&t.fe, false, &a), gb = blkfe_page(&t.fe, false, &b);
	memset(a, 0xee, 4096);
	memset(b, 0xee, 4096);
	/* the last two pages: 2 KiB of the second one are left in the file */
	struct blk_seg s[2] = { { ga, 0, 7 }, { gb, 0, 7 } };
	blkfe_rw(&t.fe, BLKIF_OP_READ, 1, 254 * 8, 2, s);
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 1), BLKIF_RSP_ERROR);
	assert_true(blkfix_logged(&t, "domain 1 vbd 51712 queue 0: I/O at byte 1040384 failed"));
	uint8_t want[4096];
	fill(want, 4096, 254);
	assert_memory_equal(a, want, 4096);
	fill(want, 4096, 255);
	assert_memory_equal(b, want, 2048);
	/* entirely past the end */
	blkfe_rw(&t.fe, BLKIF_OP_READ, 2, 255 * 8 + 4, 1, &(struct blk_seg){ ga, 0, 3 });
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 2), BLKIF_RSP_ERROR);
	/* a read that ends where the file does is whole */
	memset(a, 0xee, 4096);
	memset(b, 0xee, 4096);
	blkfe_rw(&t.fe, BLKIF_OP_READ, 3, 254 * 8, 2, (struct blk_seg[]){ { ga, 0, 7 }, { gb, 0, 3 } });
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 3), BLKIF_RSP_OKAY);
	fill(want, 4096, 254);
	assert_memory_equal(a, want, 4096);
	fill(want, 4096, 255);
	assert_memory_equal(b, want, 2048);
	assert_int_equal(b[2048], 0xee);
	assert_true(blk_io_uring_active(t.io));
	assert_int_equal(blk_io_threads(t.io), 0);
	blkfix_teardown(&t);
}

static void test_uring_short_read(void **state)
{
	(void)state;
	short_read(false);
	short_read(true);
}

/* A read whose file range starts in a cached page and ends in one that is
 * not: the page cache gives the first half of the one segment, the ring
 * the rest, into the second half. */
static void test_uring_half_segment(void **state)
{
	(void)state;
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ 0 });
	fill_file(&t, 16);
	evict(&t, 5, 1);
	uint8_t *a;
	uint32_t ga = blkfe_page(&t.fe, false, &a);
	memset(a, 0xee, 4096);
	blkfe_rw(&t.fe, BLKIF_OP_READ, 1, 4 * 8 + 4, 1, &(struct blk_seg){ ga, 0, 7 });
	blkfe_push(&t.fe, true);
	assert_int_equal(blkfix_wait_rsp(&t, 1), BLKIF_RSP_OKAY);
	const struct blk_io_stats *st = blk_io_stats(t.io);
	assert_int_equal(st->uring_reads + st->inline_reads, 1); /* as above */
	uint8_t want[4096];
	fill(want, 4096, 4);
	assert_memory_equal(a, want + 2048, 2048);
	fill(want, 4096, 5);
	assert_memory_equal(a + 2048, want, 2048);
	blkfix_teardown(&t);
}

/* The ring alone (xctl_uring): a no-op in and out, and nothing left mapped
 * or open after exit. */
static void test_uring_ring(void **state)
{
	(void)state;
	assert_int_equal(ring_maps(), 0);
	struct xctl_uring u;
	assert_int_equal(xctl_uring_init(&u, 4, 16), 0);
	assert_true(ring_maps() >= 2); /* rings and entries */
	assert_int_equal(u.sq_entries, 4);
	assert_int_equal(u.cq_entries, 16);
	int fd = u.fd;
	for (unsigned k = 0; k < 6; k++) {
		unsigned n = 0;
		struct io_uring_sqe *e;
		while ((e = xctl_uring_sqe(&u))) {
			e->opcode = IORING_OP_NOP;
			e->user_data = 100 * k + n++;
		}
		assert_int_equal(n, 4); /* a full queue says so */
		assert_int_equal(xctl_uring_submit(&u, 1), 0);
		for (unsigned i = 0; i < n; i++) {
			struct io_uring_cqe *c = NULL;
			for (int w = 0; w < 1000 && !(c = xctl_uring_cqe(&u)); w++)
				assert_int_equal(xctl_uring_submit(&u, 1), 0);
			assert_non_null(c);
			assert_int_equal(c->user_data, 100 * k + i);
			assert_int_equal(c->res, 0);
			xctl_uring_seen(&u);
		}
		assert_null(xctl_uring_cqe(&u));
	}
	xctl_uring_exit(&u);
	assert_int_equal(u.fd, -1);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(ring_maps(), 0);
}

/* Without a notify fd the ring still serves (the loop reaps on its own). */
static void test_uring_no_notify(void **state)
{
	(void)state;
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ .uring_only = true });
	blk_io_close(t.io);
	struct blk_io_cfg c = { .path = t.path, .notify_fd = -1, .log = &t.log, .who = "d",
				.engine = BLK_IO_URING, .uring_only = true };
	assert_int_equal(blk_io_open(&c, &t.io), 0);
	t.r.io = t.io;
	fill_file(&t, 16);
	reads(&t, 8, 2);
	assert_true(blk_io_uring_active(t.io));
	assert_int_equal(blk_io_stats(t.io)->uring_reads, 8);
	blkfix_teardown(&t);
}

/* The threads engine sends reads to the threads too. */
static void test_threads_engine(void **state)
{
	(void)state;
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ .workers = 2, .threads_only = true });
	fill_file(&t, 64);
	reads(&t, 20, 5);
	assert_false(blk_io_uring_active(t.io));
	assert_int_equal(blk_io_threads(t.io), 2);
	blkfix_teardown(&t);
}

/* A kernel (or sandbox) without io_uring: the disk says so once and
 * serves every read on the threads. Last: the filter stays installed. */
static void test_no_uring(void **state)
{
	(void)state;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	assert_int_equal(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	assert_int_equal(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0);
	struct blkfix t;
	blkfix_setup(&t, &(struct blkfix_opts){ .workers = 2, .uring_only = true });
	fill_file(&t, 64);
	reads(&t, 20, 5);
	reads(&t, 20, 30);
	assert_false(blk_io_uring_active(t.io));
	assert_int_equal(blk_io_threads(t.io), 2);
	assert_true(blkfix_logged(&t, "domain 1 vbd 51712: io_uring is not available "
				      "(Function not implemented); every request goes to the I/O threads"));
	blkfix_teardown(&t);
}

/* A file's writes run one at a time (the file system would take them so
 * anyway), and reads go on beside them on the other threads. Each job
 * waits 100 ms first (delay_ms): four writes and four reads on four
 * threads take at least four waits, and every read is done before the
 * last two writes (had the writes run together, the reads would have
 * waited behind all four). */
static void test_file_writes_one_at_a_time(void **state)
{
	(void)state;
	char path[] = "/tmp/xctl-test-serial-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	close(fd);
	struct xctl_log lg;
	xctl_log_init(&lg, "test", XCTL_LOG_ERROR);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct blk_io *io;
	struct blk_io_cfg c = { .path = path, .workers = 4, .notify_fd = efd, .log = &lg,
				.who = "d", .delay_ms = 100 };
	assert_int_equal(blk_io_open(&c, &io), 0);
	static uint8_t buf[8][4096];
	struct iovec iov[8];
	struct blk_job jobs[8];
	for (unsigned i = 0; i < 8; i++) {
		memset(buf[i], (int)i + 1, sizeof(buf[i]));
		iov[i] = (struct iovec){ buf[i], sizeof(buf[i]) };
		/* the writes first: with one queue they would take every thread */
		jobs[i] = (struct blk_job){ .op = i < 4 ? BLK_IO_WRITE : BLK_IO_READ,
					    .offset = (uint64_t)i * 4096, .len = 4096,
					    .iov = &iov[i], .niov = 1, .slot = i };
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 0; i < 8; i++)
		blk_io_submit(io, &jobs[i]);
	blk_io_flush(io);
	unsigned order[8], n = 0;
	while (n < 8) {
		struct pollfd pf = { efd, POLLIN, 0 };
		assert_true(poll(&pf, 1, 5000) > 0);
		uint64_t v;
		assert_int_equal(read(efd, &v, sizeof(v)), (ssize_t)sizeof(v));
		struct blk_job *j;
		while ((j = blk_io_reap(io))) {
			assert_int_equal(j->result, 0);
			order[n++] = j->slot;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	assert_true(ms >= 400);
	unsigned last_read = 0, third_write = 0, writes = 0;
	for (unsigned k = 0; k < 8; k++) {
		if (order[k] >= 4)
			last_read = k;
		else if (++writes == 3)
			third_write = k;
	}
	assert_true(last_read < third_write);
	/* and the writes reached the file */
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	for (unsigned i = 0; i < 4; i++) {
		uint8_t f[4096];
		assert_int_equal(pread(fd, f, sizeof(f), (off_t)i * 4096), (ssize_t)sizeof(f));
		assert_memory_equal(f, buf[i], sizeof(f));
	}
	close(fd);
	blk_io_close(io);
	close(efd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uring_takes_small_reads),
		cmocka_unit_test(test_uring_backlog),
		cmocka_unit_test(test_uring_short_read),
		cmocka_unit_test(test_uring_half_segment),
		cmocka_unit_test(test_uring_ring),
		cmocka_unit_test(test_uring_no_notify),
		cmocka_unit_test(test_threads_engine),
		cmocka_unit_test(test_file_writes_one_at_a_time),
		cmocka_unit_test(test_no_uring),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
