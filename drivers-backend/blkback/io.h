/* SPDX-License-Identifier: LGPL-2.1-only */
/* The I/O adapter of xctl-blkback: a raw file or a block device. Requests
 * go to a small pool of worker threads of the disk's own, and with the
 * io_uring engine small reads are read from the page cache at once when it
 * holds them (without waiting: RWF_NOWAIT), else go through an io_uring of
 * the disk's own (submitted in batches by the event loop, completed by the
 * kernel asynchronously); io.c says why only those. A file's writes take
 * one thread at a time (a block device's, every thread).
 * Either way a slow disk only stalls its own requests. workers 0 runs the
 * thread jobs inline, for tests and fuzzers. Completions are signalled on
 * the caller's eventfd; the event loop reaps them. */
#ifndef XCTL_BLKBACK_IO_H
#define XCTL_BLKBACK_IO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

struct xctl_log;

enum blk_io_op {
	BLK_IO_READ,
	BLK_IO_WRITE,
	BLK_IO_FLUSH,
	BLK_IO_WRITE_FLUSH, /* barrier: the write, then a flush */
	BLK_IO_DISCARD,
};

struct blk_job {
	struct blk_job *next;
	void *owner;        /* the queue that submitted it */
	uint32_t slot;      /* the owner's in-flight slot */
	enum blk_io_op op;
	uint64_t offset;    /* bytes */
	uint64_t len;       /* bytes (read, write, discard) */
	bool secure;        /* discard: BLKIF_DISCARD_SECURE */
	struct iovec *iov;  /* the io_uring engine advances it after a short transfer */
	int niov;
	int result;         /* out: 0 or a negative errno */
	uint64_t done;      /* the adapter's: bytes transferred so far */
};

enum blk_io_engine {
	BLK_IO_THREADS = 0, /* every request on the worker threads */
	BLK_IO_URING = 1,   /* small reads through io_uring (the threads if the
			     * kernel refuses it), the rest on the threads */
};

struct blk_io_cfg {
	const char *path;
	bool readonly;
	unsigned workers;     /* threads; 0 runs every job inline in submit */
	unsigned sector_size; /* 0: the device's, or 512 for a file */
	int notify_fd;        /* eventfd written on every completion */
	const struct xctl_log *log;
	const char *who;      /* "domain 3 vbd 51712", for messages */
	unsigned delay_ms;    /* fault injection for tests: each job waits first
			       * (on the threads: it implies BLK_IO_THREADS) */
	enum blk_io_engine engine;
	bool uring_only;      /* tests: small reads skip the page cache attempt */
};

struct blk_io_info {
	uint64_t bytes;
	unsigned sector_size;
	unsigned phys_sector_size;
	unsigned discard_granularity;
	bool can_discard;
	bool is_bdev;
};

struct blk_io;

/* Open the backing store. A qcow2 (or other non-raw) image is refused with
 * a message that says so. */
int blk_io_open(const struct blk_io_cfg *cfg, struct blk_io **out);
const struct blk_io_info *blk_io_info(const struct blk_io *io);
/* Queue a job; io_uring entries reach the kernel at blk_io_flush (or when
 * the submission queue is full). A small read the page cache holds may be
 * done at once: the caller reaps (blk_io_reap) before it waits for the
 * notify fd, which such a read does not write. */
void blk_io_submit(struct blk_io *io, struct blk_job *job);
/* Hand the queued io_uring entries to the kernel in one call. */
void blk_io_flush(struct blk_io *io);
/* One completed job, or NULL. A read it resumed (short, or out of the
 * backlog) reaches the kernel at the next blk_io_flush. */
struct blk_job *blk_io_reap(struct blk_io *io);
/* Jobs submitted and not yet reaped. */
unsigned blk_io_inflight(const struct blk_io *io);
/* I/O threads running: none until the first request, then the configured number. */
unsigned blk_io_threads(const struct blk_io *io);
/* Whether small reads go through io_uring: false until the first one that
 * the page cache could not serve at once (the ring is set up then), and
 * false for good if the kernel refused it. */
bool blk_io_uring_active(const struct blk_io *io);

/* Where the jobs went. */
struct blk_io_stats {
	uint64_t inline_reads; /* whole from the page cache, in submit */
	uint64_t uring_reads;  /* ring entries (a resumed read counts again) */
	uint64_t thread_jobs;
	uint64_t backlogged;   /* waited for room in the completion queue */
};
const struct blk_io_stats *blk_io_stats(const struct blk_io *io);
/* Stop the workers (waiting for running jobs) and close. */
void blk_io_close(struct blk_io *io);

/* Run one job synchronously (what a worker does). */
void blk_io_run(struct blk_io *io, struct blk_job *job);

#endif
