/* SPDX-License-Identifier: LGPL-2.1-only */
/* make bench: xctl-blkback through its ring against raw pread/pwrite of the
 * same file, and xctl-netback's tx path into a TAP against a direct write
 * loop on the same TAP; each pair measured side by side in this run, with
 * the ratio. The frontend is in process (xenio/fake: grant maps are mmaps
 * of a memfd, events are function calls), so the figures are the backends'
 * own cost, not a hypervisor's. */
#include "tests/backend/blkfe.h"
#include "tests/backend/netfe.h"
#include "drivers-backend/netback/tap.h"
#include "common/uring.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <xen/io/blkif.h>

#define FILE_BYTES (256ull << 20)
#define WORKERS 4
#define ROUNDS 5
#define MAX_QD 32
#define RUN_NS 400000000ull /* netback: per side and round */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One workload: every side does the same operations, op i at block_of(i),
 * so the same bytes of the same file are read or written. */
struct load {
	const char *name;
	bool write, random;
	size_t bs;
	unsigned qd;
	uint64_t ops;
};

static uint64_t block_of(const struct load *l, uint64_t i)
{
	uint64_t blocks = FILE_BYTES / l->bs;
	if (!l->random)
		return i % blocks;
	uint64_t z = i + 0x9e3779b97f4a7c15ull; /* splitmix64 */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (z ^ (z >> 31)) % blocks;
}

static double mibs(const struct load *l, uint64_t ns)
{
	return (double)l->ops * (double)l->bs / ((double)ns / 1e9) / (1 << 20);
}

/* ---- raw: pread/pwrite on as many threads as blkback has workers (at
 * most the queue depth), and preadv/pwritev through io_uring at the
 * queue depth, from one thread ------------------------------------- */

struct rawjob {
	int fd;
	const struct load *l;
	uint64_t *next;
	pthread_barrier_t *go;
};

static void *raw_thread(void *arg)
{
	struct rawjob *j = arg;
	char *buf = aligned_alloc(4096, j->l->bs);
	memset(buf, 0x5a, j->l->bs);
	pthread_barrier_wait(j->go);
	for (;;) {
		uint64_t i = __atomic_fetch_add(j->next, 1, __ATOMIC_RELAXED);
		if (i >= j->l->ops)
			break;
		off_t off = (off_t)(block_of(j->l, i) * j->l->bs);
		ssize_t n = j->l->write ? pwrite(j->fd, buf, j->l->bs, off)
					: pread(j->fd, buf, j->l->bs, off);
		if (n != (ssize_t)j->l->bs)
			abort();
	}
	free(buf);
	return NULL;
}

/* Timed from when every thread has its buffer (as blkback has its
 * persistent grants mapped, see ring_run) to the last operation. */
static uint64_t raw_threads(int fd, const struct load *l)
{
	unsigned nt = l->qd < WORKERS ? l->qd : WORKERS;
	struct rawjob j[WORKERS];
	pthread_t th[WORKERS];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, nt + 1);
	uint64_t next = 0;
	for (unsigned i = 0; i < nt; i++) {
		j[i] = (struct rawjob){ fd, l, &next, &go };
		pthread_create(&th[i], NULL, raw_thread, &j[i]);
	}
	pthread_barrier_wait(&go);
	uint64_t t0 = now_ns();
	for (unsigned i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
	uint64_t ns = now_ns() - t0;
	pthread_barrier_destroy(&go);
	return ns;
}

static uint64_t raw_uring(int fd, const struct load *l)
{
	struct xctl_uring u;
	if (xctl_uring_init(&u, 64, 256))
		return 0;
	struct iovec iov[MAX_QD];
	for (unsigned s = 0; s < l->qd; s++) {
		iov[s].iov_base = aligned_alloc(4096, l->bs);
		iov[s].iov_len = l->bs;
		memset(iov[s].iov_base, 0x5a, l->bs);
	}
	uint64_t issued = 0, done = 0, t0 = now_ns();
	unsigned free_slots[MAX_QD], nfree = l->qd;
	for (unsigned s = 0; s < l->qd; s++)
		free_slots[s] = s;
	while (done < l->ops) {
		while (nfree && issued < l->ops) {
			unsigned s = free_slots[--nfree];
			struct io_uring_sqe *e = xctl_uring_sqe(&u);
			e->opcode = l->write ? IORING_OP_WRITEV : IORING_OP_READV;
			e->fd = fd;
			e->addr = (uint64_t)(uintptr_t)&iov[s];
			e->len = 1;
			e->off = block_of(l, issued++) * l->bs;
			e->user_data = s;
			if (l->bs >= (64u << 10)) /* raw's fastest form here: copies on io_uring's workers */
				e->flags = IOSQE_ASYNC;
		}
		struct io_uring_cqe *c = xctl_uring_cqe(&u);
		if (!c) {
			if (xctl_uring_submit(&u, 1))
				abort();
			continue;
		}
		if (c->res != (int)l->bs)
			abort();
		free_slots[nfree++] = (unsigned)c->user_data;
		xctl_uring_seen(&u);
		done++;
	}
	uint64_t ns = now_ns() - t0;
	for (unsigned s = 0; s < l->qd; s++)
		free(iov[s].iov_base);
	xctl_uring_exit(&u);
	return ns;
}

/* ---- blkback through the ring ------------------------------------- */

/* The frontend's side: l->ops requests, at most l->qd in flight, slot s
 * with its own data pages (grefs[s]) and descriptor page (desc[s]). */
static void ring_ops(struct blkfe *fe, struct blk_ring *r, struct blk_io *io, int efd,
		     const struct load *l, uint32_t (*grefs)[BLK_MAX_INDIRECT_SEGS],
		     const uint32_t *desc)
{
	unsigned segs = (unsigned)(l->bs / 4096), qd = l->qd;
	uint64_t issued = 0, done = 0;
	unsigned inflight = 0;
	bool free_slot[MAX_QD];
	memset(free_slot, 1, sizeof(free_slot));
	while (done < l->ops) {
		while (inflight < qd && issued < l->ops) {
			unsigned s = 0;
			while (!free_slot[s])
				s++;
			free_slot[s] = false;
			uint64_t sector = block_of(l, issued++) * (l->bs / 512);
			uint8_t op = l->write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
			if (segs > BLK_MAX_DIRECT_SEGS) {
				uint32_t ind[BLK_MAX_INDIRECT_PAGES] = { desc[s] };
				blkfe_indirect(fe, op, s, sector, (uint16_t)segs, ind);
			} else {
				struct blk_seg sg[BLK_MAX_DIRECT_SEGS];
				for (unsigned i = 0; i < segs; i++)
					sg[i] = (struct blk_seg){ grefs[s][i], 0, 7 };
				blkfe_rw(fe, op, s, sector, segs, sg);
			}
			inflight++;
		}
		blkfe_push(fe, false);
		blk_ring_process(r);
		uint64_t v;
		struct pollfd pf = { efd, POLLIN, 0 };
		if (!blk_ring_reap(io) && poll(&pf, 1, 10) > 0 && read(efd, &v, sizeof(v)) > 0)
			blk_ring_reap(io);
		uint64_t id;
		uint8_t op;
		int16_t st;
		while (blkfe_rsp(fe, &id, &op, &st)) {
			if (st)
				abort();
			free_slot[id] = true;
			inflight--;
			done++;
		}
	}
}

static uint64_t ring_run(const char *path, const struct load *l, enum blk_io_engine engine)
{
	struct xctl_log lg;
	xctl_log_init(&lg, "bench", XCTL_LOG_ERROR);
	struct xenio_fake *f;
	xenio_fake_open(&lg, false, &f);
	struct xenio *x = xenio_fake_base(f);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct blk_io *io;
	struct blk_io_cfg c = { .path = path, .workers = WORKERS, .notify_fd = efd, .log = &lg,
				.who = "bench", .engine = engine };
	if (blk_io_open(&c, &io))
		abort();
	struct blk_params p = { .sectors = FILE_BYTES / 512, .sector_size = 512, .flush = true,
				.persistent = true, .max_indirect = BLK_MAX_INDIRECT_SEGS };
	struct blkfe fe;
	unsigned segs = (unsigned)(l->bs / 4096), qd = l->qd;
	uint32_t pages = 4 + qd * (segs + 1) + 8;
	blkfe_init(&fe, f, 1, BLK_ABI_X86_64, 4, pages);
	struct blk_ring r;
	blkbe_attach(&r, &fe, x, &lg, &p, io, "bench");
	/* per slot: its data pages (granted once: persistent) and a descriptor page */
	uint32_t (*grefs)[BLK_MAX_INDIRECT_SEGS] = calloc(qd, sizeof(*grefs));
	uint32_t *desc = calloc(qd, sizeof(*desc));
	for (unsigned s = 0; s < qd; s++) {
		uint8_t *d;
		desc[s] = blkfe_page(&fe, true, &d);
		for (unsigned i = 0; i < segs; i++) {
			grefs[s][i] = blkfe_page(&fe, false, NULL);
			memcpy(d + 8 * i, &grefs[s][i], 4);
			d[8 * i + 4] = 0;
			d[8 * i + 5] = 7;
		}
	}
	/* steady state: one read per slot first, untimed, so that the
	 * persistent grants are mapped as on a disk that has been in use (and
	 * the raw side has its buffers before its clock starts) */
	struct load warm = { "warm-up", false, false, l->bs, qd, qd };
	ring_ops(&fe, &r, io, efd, &warm, grefs, desc);
	uint64_t t0 = now_ns();
	ring_ops(&fe, &r, io, efd, l, grefs, desc);
	uint64_t ns = now_ns() - t0;
	blkbe_detach(&r, x);
	blk_io_close(io);
	xenio_close(x);
	close(efd);
	free(grefs);
	free(desc);
	return ns;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

enum side { RAW_THREADS, RAW_URING, BE_URING, BE_THREADS, NSIDES };

static uint64_t run_side(enum side s, const char *path, const struct load *l)
{
	int fd = open(path, O_RDWR);
	if (fd < 0)
		abort();
	/* every side starts from the same page cache: the whole file cached
	 * (it was written, and reads keep it), nothing dirty */
	if (fdatasync(fd))
		abort();
	uint64_t ns = 0;
	struct rusage u0, u1;
	getrusage(RUSAGE_SELF, &u0);
	switch (s) {
	case RAW_THREADS: ns = raw_threads(fd, l); break;
	case RAW_URING: ns = raw_uring(fd, l); break;
	case BE_URING: ns = ring_run(path, l, BLK_IO_URING); break;
	case BE_THREADS: ns = ring_run(path, l, BLK_IO_THREADS); break;
	default: break;
	}
	getrusage(RUSAGE_SELF, &u1);
	if (getenv("BENCH_CPU"))
		fprintf(stderr, "side %d: wall %.0f ms, cpu user %.0f sys %.0f ms\n", s, ns / 1e6,
			(double)(u1.ru_utime.tv_sec - u0.ru_utime.tv_sec) * 1e3 +
				(double)(u1.ru_utime.tv_usec - u0.ru_utime.tv_usec) / 1e3,
			(double)(u1.ru_stime.tv_sec - u0.ru_stime.tv_sec) * 1e3 +
				(double)(u1.ru_stime.tv_usec - u0.ru_stime.tv_usec) / 1e3);
	close(fd);
	return ns;
}

static void bench_blk(const char *path, const char *only, const char *sides)
{
	const struct load loads[] = {
		{ "1 MiB sequential read", false, false, 1 << 20, 4, 1024 },
		{ "1 MiB sequential write", true, false, 1 << 20, 4, 512 },
		{ "4 KiB random read QD1", false, true, 4096, 1, 60000 },
		{ "4 KiB random write QD1", true, true, 4096, 1, 20000 },
		{ "4 KiB random read QD32", false, true, 4096, 32, 150000 },
		{ "4 KiB random write QD32", true, true, 4096, 32, 30000 },
	};
	printf("xctl-blkback through the ring vs pread/pwrite of the same %llu MiB file, cached\n"
	       "(buffered, fdatasync before each side). Every side does the same operations at\n"
	       "the same offsets; raw on %u threads (at most the queue depth) and through\n"
	       "io_uring at the queue depth; blkback through io_uring and on %u threads. Medians\n"
	       "of %u rounds, the order of the sides alternating; ratio: blkback / the better raw.\n",
	       (unsigned long long)(FILE_BYTES >> 20), WORKERS, WORKERS, ROUNDS);
	printf("%-24s %9s %9s %9s %9s %7s %7s\n", "case (MiB/s)", "raw thr", "raw uring",
	       "be uring", "be thr", "uring", "thr");
	for (size_t i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
		const struct load *l = &loads[i];
		if (only && !strstr(l->name, only))
			continue;
		double v[NSIDES][ROUNDS], ru[ROUNDS], rt[ROUNDS];
		for (int k = 0; k < ROUNDS; k++) {
			for (int n = 0; n < NSIDES; n++) {
				enum side s = (enum side)(k % 2 ? NSIDES - 1 - n : n);
				if (sides && !strchr(sides, '0' + s)) {
					v[s][k] = 0;
					continue;
				}
				uint64_t ns = run_side(s, path, l);
				v[s][k] = ns ? mibs(l, ns) : 0;
			}
			double raw = v[RAW_THREADS][k] > v[RAW_URING][k] ? v[RAW_THREADS][k]
									  : v[RAW_URING][k];
			ru[k] = v[BE_URING][k] / raw;
			rt[k] = v[BE_THREADS][k] / raw;
		}
		double m[NSIDES];
		for (int s = 0; s < NSIDES; s++)
			m[s] = median(v[s], ROUNDS);
		printf("%-24s %9.1f %9.1f %9.1f %9.1f %6.2fx %6.2fx\n", l->name, m[RAW_THREADS],
		       m[RAW_URING], m[BE_URING], m[BE_THREADS], median(ru, ROUNDS),
		       median(rt, ROUNDS));
		fflush(stdout);
	}
}

/* ---- netback into a TAP ------------------------------------------- */

static double tap_direct(int fd, size_t len)
{
	uint8_t fr[1600];
	memset(fr, 0xff, 6);
	memset(fr + 6, 0x02, 6);
	fr[12] = 0x88, fr[13] = 0xb5;
	uint64_t n = 0, t0 = now_ns();
	while (now_ns() - t0 < RUN_NS) {
		for (int k = 0; k < 64; k++)
			if (write(fd, fr, len) == (ssize_t)len)
				n++;
	}
	return (double)n / ((double)(now_ns() - t0) / 1e9);
}

static double tap_ring(int fd, size_t len)
{
	struct xctl_log lg;
	xctl_log_init(&lg, "bench", XCTL_LOG_ERROR);
	struct xenio_fake *f;
	xenio_fake_open(&lg, false, &f);
	struct xenio *x = xenio_fake_base(f);
	xenio_fake_add_dom(f, 1, 1024);
	struct netfe fe;
	netfe_init(&fe, f, 1, 0, 10);
	struct net_vif *v = calloc(1, sizeof(*v));
	int tfd = fd;
	struct net_sink s = { net_tap_write, &tfd };
	net_vif_init(v, x, &lg, "bench", 1, &s);
	netbe_attach(v, &fe, x, 0);
	uint8_t *page;
	uint32_t g = netfe_page(&fe, true, &page);
	memset(page, 0xff, 6);
	memset(page + 6, 0x02, 6);
	page[12] = 0x88, page[13] = 0xb5;
	uint64_t n = 0, t0 = now_ns();
	uint16_t st;
	int16_t status;
	while (now_ns() - t0 < RUN_NS) {
		for (int k = 0; k < 64; k++)
			netfe_tx_slot(&fe, g, 0, 0, (uint16_t)k, (uint16_t)len);
		netfe_tx_push(&fe, false);
		net_tx_process(&v->q[0], 0);
		while (netfe_tx_rsp(&fe, &st, &status))
			n += status == 0;
	}
	double rate = (double)n / ((double)(now_ns() - t0) / 1e9);
	netbe_detach(v, x);
	free(v);
	xenio_close(x);
	return rate;
}

/* For profiling: BENCH_ONLY=TEXT runs the cases whose name holds TEXT
 * ("netback" for the TAP part); BENCH_SIDES=0123 the sides named (raw
 * threads, raw io_uring, blkback io_uring, blkback threads). */
int main(void)
{
	const char *only = getenv("BENCH_ONLY");
	char path[] = "/tmp/xctl-bench-blk-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, (off_t)FILE_BYTES))
		return 1;
	/* written once so that reads hit data, not holes */
	char *buf = calloc(1, 1 << 20);
	for (uint64_t o = 0; o < FILE_BYTES; o += 1 << 20)
		if (pwrite(fd, buf, 1 << 20, (off_t)o) != 1 << 20)
			return 1;
	free(buf);
	close(fd);
	bench_blk(path, only, getenv("BENCH_SIDES"));
	unlink(path);
	if (only && !strstr("netback", only))
		return 0;
	printf("\nxctl-netback tx into a TAP vs a direct write loop on the same TAP (medians of %u "
	       "rounds, order alternating)\n", ROUNDS);
	if (unshare(CLONE_NEWNET)) {
		printf("netback: not measured: cannot create a network namespace: %s\n", strerror(errno));
		return 1;
	}
	struct xctl_log lg;
	xctl_log_init(&lg, "bench", XCTL_LOG_ERROR);
	int tfd;
	if (net_tap_open("vif1.0", &lg, "bench", &tfd) || net_tap_up("vif1.0", 1500, NULL, &lg, "bench")) {
		printf("netback: not measured: no TAP device\n");
		return 1;
	}
	printf("%-24s %12s %12s %7s\n", "frame size", "direct f/s", "netback f/s", "ratio");
	size_t sizes[] = { 64, 1500 };
	for (int i = 0; i < 2; i++) {
		double d[ROUNDS], r[ROUNDS], q[ROUNDS];
		for (int k = 0; k < ROUNDS; k++) {
			if (k % 2) {
				r[k] = tap_ring(tfd, sizes[i]);
				d[k] = tap_direct(tfd, sizes[i]);
			} else {
				d[k] = tap_direct(tfd, sizes[i]);
				r[k] = tap_ring(tfd, sizes[i]);
			}
			q[k] = r[k] / d[k];
		}
		char name[32];
		snprintf(name, sizeof(name), "%zu bytes", sizes[i]);
		printf("%-24s %12.0f %12.0f %6.2fx\n", name, median(d, ROUNDS), median(r, ROUNDS),
		       median(q, ROUNDS));
	}
	close(tfd);
	return 0;
}
