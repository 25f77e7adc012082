/* SPDX-License-Identifier: LGPL-2.1-only */
/* A minimal io_uring over the raw system calls (linux/io_uring.h), so that
 * xctl-blkback and xctl-xenstored need no library beyond libc: set up one
 * ring, fill submission entries, submit them in one call, take
 * completions. One thread uses a ring (its event loop). */
#ifndef XCTL_COMMON_URING_H
#define XCTL_COMMON_URING_H

#include <linux/io_uring.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xctl_uring {
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
int xctl_uring_init(struct xctl_uring *u, unsigned entries, unsigned cq_entries);
/* Whether the kernel knows submission opcode op (IORING_REGISTER_PROBE). */
bool xctl_uring_supports(struct xctl_uring *u, unsigned op);
/* Completions signal fd (an eventfd), wherever they complete. */
int xctl_uring_eventfd(struct xctl_uring *u, int fd);
/* A zeroed submission entry, or NULL when the submission queue is full
 * (submit first). */
struct io_uring_sqe *xctl_uring_sqe(struct xctl_uring *u);
/* Free submission entries. */
unsigned xctl_uring_space(const struct xctl_uring *u);
/* Hand every queued entry to the kernel and wait until at least wait
 * completions are there (0: do not wait). Returns 0 or a negative errno. */
int xctl_uring_submit(struct xctl_uring *u, unsigned wait);
/* Wait until at least n completions are there, submitting nothing. 0 or a
 * negative errno. */
int xctl_uring_wait(struct xctl_uring *u, unsigned n);
/* The oldest completion, or NULL; xctl_uring_seen() releases it. */
struct io_uring_cqe *xctl_uring_cqe(struct xctl_uring *u);
void xctl_uring_seen(struct xctl_uring *u);
void xctl_uring_exit(struct xctl_uring *u);

#endif
