/* SPDX-License-Identifier: LGPL-2.1-only */
/* A minimal io_uring over the raw system calls (linux/io_uring.h), so that
 * xctl-blkback needs no library beyond libc: set up one ring, fill
 * submission entries, submit them in one call, take completions. One
 * thread uses a ring (the backend's event loop). */
#ifndef XCTL_BLKBACK_URING_H
#define XCTL_BLKBACK_URING_H

#include <linux/io_uring.h>
#include <stddef.h>
#include <stdint.h>

struct blk_uring {
	int fd;
	unsigned sq_entries, cq_entries;
	unsigned *sq_head, *sq_tail, *sq_mask;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	unsigned tail;      /* our submission tail, published at submit */
	unsigned queued;    /* entries filled and not yet handed to the kernel */
	void *sq_map, *cq_map;
	size_t sq_len, cq_len, sqes_len;
};

/* 0, or a negative errno (the kernel has no io_uring, or a sandbox forbids
 * it: the caller falls back to threads). cq_entries >= entries. */
int blk_uring_init(struct blk_uring *u, unsigned entries, unsigned cq_entries);
/* Completions signal fd (an eventfd), wherever they complete. */
int blk_uring_eventfd(struct blk_uring *u, int fd);
/* A zeroed submission entry, or NULL when the submission queue is full
 * (submit first). */
struct io_uring_sqe *blk_uring_sqe(struct blk_uring *u);
/* Free submission entries. */
unsigned blk_uring_space(const struct blk_uring *u);
/* Hand every queued entry to the kernel; with wait, also wait for at least
 * one completion. Returns 0 or a negative errno. */
int blk_uring_submit(struct blk_uring *u, unsigned wait);
/* The oldest completion, or NULL; blk_uring_seen() releases it. */
struct io_uring_cqe *blk_uring_cqe(struct blk_uring *u);
void blk_uring_seen(struct blk_uring *u);
void blk_uring_exit(struct blk_uring *u);

#endif
