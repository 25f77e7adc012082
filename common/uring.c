/* SPDX-License-Identifier: LGPL-2.1-only */
/* A minimal io_uring over the raw system calls; see uring.h. */
#include "common/uring.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static int sys_setup(unsigned entries, struct io_uring_params *p)
{
	return (int)syscall(__NR_io_uring_setup, entries, p);
}

static int sys_enter(int fd, unsigned submit, unsigned wait, unsigned flags)
{
	return (int)syscall(__NR_io_uring_enter, fd, submit, wait, flags, NULL, (size_t)0);
}

static void *field(void *base, uint32_t off)
{
	return (char *)base + off;
}

int xctl_uring_init(struct xctl_uring *u, unsigned entries, unsigned cq_entries)
{
	struct io_uring_params p;
	memset(u, 0, sizeof(*u));
	u->fd = -1;
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = cq_entries;
	int fd = sys_setup(entries, &p);
	if (fd < 0 && errno == EINVAL) {
		/* a kernel without CQSIZE: twice the entries, which is enough
		 * when the caller bounds what it has in flight by cq_entries */
		memset(&p, 0, sizeof(p));
		fd = sys_setup(entries, &p);
	}
	if (fd < 0)
		return -errno;
	u->fd = fd;
	u->sq_entries = p.sq_entries;
	u->cq_entries = p.cq_entries;
	u->sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	u->cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	bool single = p.features & IORING_FEAT_SINGLE_MMAP;
	if (single && u->cq_len > u->sq_len)
		u->sq_len = u->cq_len;
	u->sq_map = mmap(NULL, u->sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
			 IORING_OFF_SQ_RING);
	if (u->sq_map == MAP_FAILED) {
		u->sq_map = NULL;
		goto fail;
	}
	if (single) {
		u->cq_map = u->sq_map;
	} else {
		u->cq_map = mmap(NULL, u->cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
				 fd, IORING_OFF_CQ_RING);
		if (u->cq_map == MAP_FAILED) {
			u->cq_map = NULL;
			goto fail;
		}
	}
	u->sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	u->sqes = mmap(NULL, u->sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		       IORING_OFF_SQES);
	if (u->sqes == MAP_FAILED) {
		u->sqes = NULL;
		goto fail;
	}
	u->sq_head = field(u->sq_map, p.sq_off.head);
	u->sq_tail = field(u->sq_map, p.sq_off.tail);
	u->sq_mask = field(u->sq_map, p.sq_off.ring_mask);
	unsigned *array = field(u->sq_map, p.sq_off.array);
	for (unsigned i = 0; i < p.sq_entries; i++)
		array[i] = i; /* entry i of the ring is sqes[i], always */
	u->cq_head = field(u->cq_map, p.cq_off.head);
	u->cq_tail = field(u->cq_map, p.cq_off.tail);
	u->cq_mask = field(u->cq_map, p.cq_off.ring_mask);
	u->cqes = field(u->cq_map, p.cq_off.cqes);
	u->tail = *u->sq_tail;
	return 0;
fail:;
	int e = errno;
	xctl_uring_exit(u);
	return -e;
}

bool xctl_uring_supports(struct xctl_uring *u, unsigned op)
{
	struct io_uring_probe *p = calloc(1, sizeof(*p) + 256 * sizeof(struct io_uring_probe_op));
	bool yes = p && syscall(__NR_io_uring_register, u->fd, IORING_REGISTER_PROBE, p, 256) == 0 &&
		   op <= p->last_op && op < p->ops_len && (p->ops[op].flags & IO_URING_OP_SUPPORTED);
	free(p);
	return yes;
}

int xctl_uring_eventfd(struct xctl_uring *u, int fd)
{
	if (syscall(__NR_io_uring_register, u->fd, IORING_REGISTER_EVENTFD, &fd, 1) < 0)
		return -errno;
	return 0;
}

struct io_uring_sqe *xctl_uring_sqe(struct xctl_uring *u)
{
	unsigned head = __atomic_load_n(u->sq_head, __ATOMIC_ACQUIRE);
	if (u->tail - head >= u->sq_entries)
		return NULL;
	struct io_uring_sqe *e = &u->sqes[u->tail & *u->sq_mask];
	memset(e, 0, sizeof(*e));
	u->tail++;
	u->queued++;
	return e;
}

unsigned xctl_uring_space(const struct xctl_uring *u)
{
	return u->sq_entries - (u->tail - __atomic_load_n(u->sq_head, __ATOMIC_ACQUIRE));
}

int xctl_uring_submit(struct xctl_uring *u, unsigned wait)
{
	__atomic_store_n(u->sq_tail, u->tail, __ATOMIC_RELEASE);
	while (u->queued || wait) {
		int n = sys_enter(u->fd, u->queued, wait, wait ? IORING_ENTER_GETEVENTS : 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* EAGAIN/EBUSY: the kernel is short of resources or the
			 * completion queue is full; entries stay queued for the
			 * next call, after the caller reaped */
			return -errno;
		}
		u->queued -= (unsigned)n > u->queued ? u->queued : (unsigned)n;
		if (wait)
			break;
		if (n == 0)
			return -EAGAIN;
	}
	return 0;
}

int xctl_uring_wait(struct xctl_uring *u, unsigned n)
{
	while (sys_enter(u->fd, 0, n, IORING_ENTER_GETEVENTS) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

struct io_uring_cqe *xctl_uring_cqe(struct xctl_uring *u)
{
	unsigned head = *u->cq_head;
	if (head == __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE))
		return NULL;
	return &u->cqes[head & *u->cq_mask];
}

void xctl_uring_seen(struct xctl_uring *u)
{
	__atomic_store_n(u->cq_head, *u->cq_head + 1, __ATOMIC_RELEASE);
}

void xctl_uring_exit(struct xctl_uring *u)
{
	if (u->sqes)
		munmap(u->sqes, u->sqes_len);
	if (u->cq_map && u->cq_map != u->sq_map)
		munmap(u->cq_map, u->cq_len);
	if (u->sq_map)
		munmap(u->sq_map, u->sq_len);
	if (u->fd >= 0)
		close(u->fd);
	memset(u, 0, sizeof(*u));
	u->fd = -1;
}
