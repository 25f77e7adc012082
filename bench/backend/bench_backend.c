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
#include <time.h>
#include <unistd.h>
#include <xen/io/blkif.h>

#define FILE_BYTES (256ull << 20)
#define RUN_NS 700000000ull
#define WORKERS 4

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ---- raw ---------------------------------------------------------- */

struct rawjob {
	int fd;
	bool write, random;
	size_t bs;
	uint64_t seed, ops, stop;
	unsigned idx, nthreads;
};

static void *raw_thread(void *arg)
{
	struct rawjob *j = arg;
	char *buf = aligned_alloc(4096, j->bs);
	memset(buf, 0x5a, j->bs);
	uint64_t blocks = FILE_BYTES / j->bs, b = j->idx;
	while (now_ns() < j->stop) {
		for (int k = 0; k < 16; k++) {
			uint64_t blk = j->random ? rng(&j->seed) % blocks : b;
			b = (b + j->nthreads) % blocks;
			ssize_t n = j->write ? pwrite(j->fd, buf, j->bs, (off_t)(blk * j->bs))
					     : pread(j->fd, buf, j->bs, (off_t)(blk * j->bs));
			if (n != (ssize_t)j->bs)
				abort();
			j->ops++;
		}
	}
	free(buf);
	return NULL;
}

static double raw_run(const char *path, bool write, bool random, size_t bs, unsigned qd)
{
	int fd = open(path, O_RDWR);
	unsigned nt = qd < WORKERS ? qd : WORKERS;
	struct rawjob j[WORKERS];
	pthread_t th[WORKERS];
	uint64_t t0 = now_ns(), stop = t0 + RUN_NS;
	for (unsigned i = 0; i < nt; i++) {
		j[i] = (struct rawjob){ fd, write, random, bs, 0x9e3779b97f4a7c15ull + i, 0, stop, i, nt };
		pthread_create(&th[i], NULL, raw_thread, &j[i]);
	}
	uint64_t ops = 0;
	for (unsigned i = 0; i < nt; i++) {
		pthread_join(th[i], NULL);
		ops += j[i].ops;
	}
	double secs = (double)(now_ns() - t0) / 1e9;
	close(fd);
	return (double)ops * (double)bs / secs / (1 << 20);
}

/* ---- blkback through the ring ------------------------------------- */

static double ring_run(const char *path, bool write, bool random, size_t bs, unsigned qd)
{
	struct xctl_log lg;
	xctl_log_init(&lg, "bench", XCTL_LOG_ERROR);
	struct xenio_fake *f;
	xenio_fake_open(&lg, false, &f);
	struct xenio *x = xenio_fake_base(f);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct blk_io *io;
	struct blk_io_cfg c = { .path = path, .workers = WORKERS, .notify_fd = efd, .log = &lg,
				.who = "bench" };
	if (blk_io_open(&c, &io))
		abort();
	struct blk_params p = { .sectors = FILE_BYTES / 512, .sector_size = 512, .flush = true,
				.persistent = true, .max_indirect = BLK_MAX_INDIRECT_SEGS };
	struct blkfe fe;
	unsigned segs = (unsigned)(bs / 4096);
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
	uint64_t seed = 12345, blocks = FILE_BYTES / bs, next = 0, ops = 0;
	unsigned inflight = 0;
	uint64_t t0 = now_ns(), stop = t0 + RUN_NS;
	bool free_slot[64];
	memset(free_slot, 1, sizeof(free_slot));
	while (now_ns() < stop || inflight) {
		while (inflight < qd && now_ns() < stop) {
			unsigned s = 0;
			while (!free_slot[s])
				s++;
			free_slot[s] = false;
			uint64_t blk = random ? rng(&seed) % blocks : next++ % blocks;
			uint64_t sector = blk * (bs / 512);
			uint8_t op = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
			if (segs > BLK_MAX_DIRECT_SEGS) {
				uint32_t ind[BLK_MAX_INDIRECT_PAGES] = { desc[s] };
				blkfe_indirect(&fe, op, s, sector, (uint16_t)segs, ind);
			} else {
				struct blk_seg sg[BLK_MAX_DIRECT_SEGS];
				for (unsigned i = 0; i < segs; i++)
					sg[i] = (struct blk_seg){ grefs[s][i], 0, 7 };
				blkfe_rw(&fe, op, s, sector, segs, sg);
			}
			inflight++;
		}
		blkfe_push(&fe, false);
		blk_ring_process(&r);
		uint64_t v;
		struct pollfd pf = { efd, POLLIN, 0 };
		if (!blk_ring_reap(io) && poll(&pf, 1, 10) > 0 && read(efd, &v, sizeof(v)) > 0)
			blk_ring_reap(io);
		uint64_t id;
		uint8_t op;
		int16_t st;
		while (blkfe_rsp(&fe, &id, &op, &st)) {
			if (st)
				abort();
			free_slot[id] = true;
			inflight--;
			ops++;
		}
	}
	double secs = (double)(now_ns() - t0) / 1e9;
	blkbe_detach(&r, x);
	blk_io_close(io);
	xenio_close(x);
	close(efd);
	free(grefs);
	free(desc);
	return (double)ops * (double)bs / secs / (1 << 20);
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

int main(void)
{
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
	printf("xctl-blkback through the ring vs pread/pwrite of the same %llu MiB file "
	       "(%u workers; raw uses as many threads, at most the queue depth)\n",
	       (unsigned long long)(FILE_BYTES >> 20), WORKERS);
	printf("%-28s %12s %12s %7s\n", "case", "raw MiB/s", "ring MiB/s", "ratio");
	const struct {
		const char *name;
		bool write, random;
		size_t bs;
		unsigned qd;
	} cases[] = {
		{ "1 MiB sequential read", false, false, 1 << 20, 4 },
		{ "1 MiB sequential write", true, false, 1 << 20, 4 },
		{ "4 KiB random read QD1", false, true, 4096, 1 },
		{ "4 KiB random write QD1", true, true, 4096, 1 },
		{ "4 KiB random read QD32", false, true, 4096, 32 },
		{ "4 KiB random write QD32", true, true, 4096, 32 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double raw = raw_run(path, cases[i].write, cases[i].random, cases[i].bs, cases[i].qd);
		double ring = ring_run(path, cases[i].write, cases[i].random, cases[i].bs, cases[i].qd);
		printf("%-28s %12.1f %12.1f %6.2fx\n", cases[i].name, raw, ring, ring / raw);
		fflush(stdout);
	}
	unlink(path);
	printf("\nxctl-netback tx into a TAP vs a direct write loop on the same TAP\n");
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
	printf("%-28s %12s %12s %7s\n", "frame size", "direct f/s", "netback f/s", "ratio");
	size_t sizes[] = { 64, 1500 };
	for (int i = 0; i < 2; i++) {
		double d = tap_direct(tfd, sizes[i]);
		double r = tap_ring(tfd, sizes[i]);
		char name[32];
		snprintf(name, sizeof(name), "%zu bytes", sizes[i]);
		printf("%-28s %12.0f %12.0f %6.2fx\n", name, d, r, r / d);
	}
	close(tfd);
	return 0;
}
