/* SPDX-License-Identifier: LGPL-2.1-only */
/* The sockets of many connections in one system call: the reads of the
 * connections epoll found readable, then the writes of every connection
 * with output, each batch handed to the kernel by one io_uring_enter()
 * instead of a read() or writev() each.
 *
 * Why: each read of a request frees the client's buffer and so wakes the
 * client (asleep in read(), waiting for the reply), and each reply wakes
 * it again; on a machine with one CPU the woken client takes the CPU from
 * the daemon at the system call's return. One call per batch is one such
 * return per batch, not two per request.
 *
 * Each entry is a recv() or sendmsg() with MSG_DONTWAIT, which io_uring
 * completes at once: -EAGAIN when a socket has nothing to give or no room,
 * never a wait. (A socket's O_NONBLOCK is not enough: with it alone, a
 * writev through io_uring on Linux 6.18 waited for a full socket to take
 * data, and the daemon with it.) Without io_uring (an old kernel, a
 * sandbox that forbids it, --io syscalls, or a ring that failed), the same
 * batches are plain read()s and writev()s; the results go through the same
 * xsd_conn_read_done and xsd_conn_wrote either way. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/err.h"
#include "common/uring.h"
#include "sim/xenstored/xsd.h"

#define IOV_PER_CONN 16 /* more queued messages: written with system calls */
#define NOT_DONE INT_MIN /* an entry the ring did not complete */

struct xsd_io {
	struct xctl_uring u;
	unsigned min; /* fewer sockets in a batch go the plain way */
	struct iovec iov[XSD_IO_BATCH][IOV_PER_CONN];
	struct msghdr msg[XSD_IO_BATCH];
};

int xsd_io_init(struct xsd *d, unsigned ring_min)
{
	d->io = NULL;
	if (!ring_min)
		return 0;
	struct xsd_io *io = calloc(1, sizeof(*io));
	if (!io)
		return XCTL_ERR_NOMEM;
	io->min = ring_min;
	int rc = xctl_uring_init(&io->u, XSD_IO_BATCH, 2 * XSD_IO_BATCH);
	if (rc == 0 && (!xctl_uring_supports(&io->u, IORING_OP_RECV) ||
			!xctl_uring_supports(&io->u, IORING_OP_SENDMSG))) {
		xctl_uring_exit(&io->u);
		rc = -EOPNOTSUPP;
	}
	if (rc < 0) {
		xctl_info(d->log, "io_uring is not available (%s): reading and writing the sockets "
				  "with one system call each", strerror(-rc));
		free(io);
		return 0;
	}
	d->io = io;
	return 0;
}

void xsd_io_fini(struct xsd *d)
{
	if (!d->io)
		return;
	xctl_uring_exit(&d->io->u);
	free(d->io);
	d->io = NULL;
}

const char *xsd_io_kind(const struct xsd *d)
{
	return d->io ? "uring" : "syscalls";
}

/* Hand the k entries filled to the kernel and put each one's result in
 * res[its index]. If the ring fails, what it took still completes; it is
 * then closed, the entries it did not take stay NOT_DONE (the caller does
 * them with system calls) and so does everything after. */
static void run(struct xsd *d, unsigned k, int *res)
{
	struct xsd_io *io = d->io;
	d->stats.ring_batches++;
	int rc = xctl_uring_submit(&io->u, 0);
	unsigned taken = k - io->u.queued;
	int wrc = taken ? xctl_uring_wait(&io->u, taken) : 0;
	struct io_uring_cqe *cqe;
	while ((cqe = xctl_uring_cqe(&io->u))) {
		if (cqe->user_data < XSD_IO_BATCH)
			res[cqe->user_data] = cqe->res;
		xctl_uring_seen(&io->u);
	}
	if (rc || wrc) {
		xctl_warn(d->log, "io_uring failed (%s): reading and writing the sockets with one "
				  "system call each from now on", strerror(-(rc ? rc : wrc)));
		xsd_io_fini(d);
	}
}

/* Which of the n connections take part (want_of), and when they are
 * enough for the ring, each one's entry (prep) handed to it; res[] gets
 * the results, NOT_DONE where the ring did nothing. Returns n, at most
 * XSD_IO_BATCH. */
static unsigned batch(struct xsd *d, struct xsd_conn *const *cs, unsigned n,
		  bool (*want_of)(const struct xsd *, const struct xsd_conn *),
		  void (*prep)(struct xsd_io *, unsigned, struct xsd_conn *, struct io_uring_sqe *),
		  bool *want, int *res)
{
	unsigned k = 0, nwant = 0;
	if (n > XSD_IO_BATCH)
		n = XSD_IO_BATCH;
	for (unsigned i = 0; i < n; i++) {
		res[i] = NOT_DONE;
		want[i] = want_of(d, cs[i]);
		nwant += want[i];
	}
	for (unsigned i = 0; i < n && d->io && nwant >= d->io->min; i++) {
		struct io_uring_sqe *e = want[i] ? xctl_uring_sqe(&d->io->u) : NULL;
		if (!e)
			continue;
		prep(d->io, i, cs[i], e);
		e->fd = cs[i]->fd;
		e->user_data = i;
		k++;
	}
	if (k)
		run(d, k, res);
	return n;
}

static void prep_recv(struct xsd_io *io, unsigned i, struct xsd_conn *c, struct io_uring_sqe *e)
{
	(void)io;
	(void)i;
	e->opcode = IORING_OP_RECV;
	e->addr = (uint64_t)(uintptr_t)(c->in + c->in_len);
	e->len = (uint32_t)(sizeof(c->in) - c->in_len);
	e->msg_flags = MSG_DONTWAIT;
}

void xsd_io_read(struct xsd *d, struct xsd_conn *const *cs, unsigned n)
{
	int res[XSD_IO_BATCH];
	bool want[XSD_IO_BATCH];
	n = batch(d, cs, n, xsd_conn_wants_input, prep_recv, want, res);
	for (unsigned i = 0; i < n; i++) {
		struct xsd_conn *c = cs[i];
		if (!want[i])
			continue;
		if (res[i] == NOT_DONE) {
			ssize_t r = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
			xsd_conn_read_done(d, c, r, r < 0 ? errno : 0);
		} else {
			xsd_conn_read_done(d, c, res[i] < 0 ? -1 : res[i], res[i] < 0 ? -res[i] : 0);
		}
	}
}

static bool wants_output(const struct xsd *d, const struct xsd_conn *c)
{
	(void)d;
	return !c->dead && c->fd >= 0 && c->out_head;
}

static void prep_send(struct xsd_io *io, unsigned i, struct xsd_conn *c, struct io_uring_sqe *e)
{
	struct msghdr *m = &io->msg[i];
	memset(m, 0, sizeof(*m));
	m->msg_iov = io->iov[i];
	m->msg_iovlen = (size_t)xsd_conn_out_iov(c, io->iov[i], IOV_PER_CONN);
	e->opcode = IORING_OP_SENDMSG;
	e->addr = (uint64_t)(uintptr_t)m;
	e->len = 1;
	e->msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL;
}

void xsd_io_flush(struct xsd *d, struct xsd_conn *const *cs, unsigned n)
{
	int res[XSD_IO_BATCH];
	bool want[XSD_IO_BATCH];
	n = batch(d, cs, n, wants_output, prep_send, want, res);
	for (unsigned i = 0; i < n; i++) {
		struct xsd_conn *c = cs[i];
		/* Not written by the ring, or written and more is queued: the
		 * rest with system calls. */
		if (res[i] == NOT_DONE ||
		    xsd_conn_wrote(d, c, res[i] < 0 ? -1 : res[i], res[i] < 0 ? -res[i] : 0))
			xsd_conn_flush(d, c);
		else
			xsd_conn_update_mask(d, c);
	}
}
