/* SPDX-License-Identifier: LGPL-2.1-only */
/* A test fixture: a backing file, a fake xenio, a frontend and a queue. */
#ifndef XCTL_TEST_BLKFIX_H
#define XCTL_TEST_BLKFIX_H

#include "tests/backend/blkfe.h"
#include "common/log.h"

#include <stdio.h>

struct blkfix {
	char dir[64];
	char path[96];
	char logpath[96];
	FILE *logf;
	struct xctl_log log;
	struct xenio_fake *f;
	struct xenio *x;
	struct blk_params p;
	struct blk_io *io;
	struct blkfe fe;
	struct blk_ring r;
	int efd;
};

struct blkfix_opts {
	uint64_t disk_bytes;    /* default 1 MiB */
	unsigned sector_size;   /* default 512 */
	bool readonly;
	enum blk_abi abi;
	uint32_t ring_pages;    /* default 1 */
	unsigned workers;       /* default 0 (inline) */
	bool persistent;
	uint32_t domid;         /* default 1 */
	bool threads_only;      /* BLK_IO_THREADS (default: BLK_IO_URING, the daemon's) */
	bool uring_only;        /* no read from the page cache at submit */
};

/* Everything set up and attached; asserts on failure. */
void blkfix_setup(struct blkfix *t, const struct blkfix_opts *o);
void blkfix_teardown(struct blkfix *t);
/* Whether the log holds a line containing s. */
int blkfix_logged(struct blkfix *t, const char *s);
/* Read the backing file at off. */
void blkfix_pread(struct blkfix *t, void *buf, size_t n, off_t off);
void blkfix_pwrite(struct blkfix *t, const void *buf, size_t n, off_t off);
/* Run the backend until n responses arrived (or fail the test); returns the
 * status of the last one. */
int16_t blkfix_wait_rsp(struct blkfix *t, uint64_t want_id);

#endif

/* A second, well-behaved frontend (domain 2) on the same xenio and disk:
 * the device that must keep working while the first one misbehaves. */
struct blkgood {
	struct blkfe fe;
	struct blk_ring r;
};
void blkgood_setup(struct blkfix *t, struct blkgood *g);
/* One write and read through the good queue; asserts they work. */
void blkgood_check(struct blkfix *t, struct blkgood *g);
void blkgood_teardown(struct blkfix *t, struct blkgood *g);
