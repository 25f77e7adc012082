/* SPDX-License-Identifier: LGPL-2.1-only */
/* Connections of xctl-simd: read one message, parse it against the request
 * table, dispatch, queue the reply (bounded: input pauses while replies
 * wait), and the watch connections' events (bounded: an overflow marker
 * replaces what does not fit). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/err.h"
#include "sim/simd/srv.h"

int srv_fail(struct srv_reply *r, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	r->rc = rc;
	return rc;
}

int srv_reply_add(struct srv_reply *r, const void *p, size_t n)
{
	if (n > sizeof(r->body) - r->len)
		return XCTL_ERR_INTERNAL;
	memcpy(r->body + r->len, p, n);
	r->len += (uint32_t)n;
	return 0;
}

int srv_reply_fd(struct srv_reply *r, int fd)
{
	if (r->nfds >= SIMD_WIRE_MAX_FDS)
		return XCTL_ERR_INTERNAL;
	int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (d < 0)
		return XCTL_ERR_IO;
	r->fds[r->nfds++] = d;
	return 0;
}

static void update_events(struct srv *sv, struct srv_conn *c)
{
	struct epoll_event ev = { .data.ptr = c };
	ev.events = (c->in_paused ? 0 : EPOLLIN) | (c->outq ? EPOLLOUT : 0);
	epoll_ctl(sv->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

struct srv_conn *srv_conn_new(struct srv *sv, int fd, uint32_t domid, bool guest)
{
	if (sv->nconns >= SRV_MAX_CONNS) {
		xctl_warn(sv->log, "connection refused: %u connections already", sv->nconns);
		return NULL;
	}
	struct srv_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->fd = fd;
	c->domid = domid;
	c->guest = guest;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
	if (epoll_ctl(sv->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		free(c);
		return NULL;
	}
	c->next = sv->conns;
	if (sv->conns)
		sv->conns->prev = c;
	sv->conns = c;
	sv->nconns++;
	return c;
}

static void msg_free(struct srv_msg *m)
{
	for (int i = 0; i < m->nfds; i++)
		close(m->fds[i]);
	free(m);
}

/* Try to send m now; 1 sent (m freed), 0 would block (m kept), -1 dead. */
static int send_msg(struct srv_conn *c, struct srv_msg *m)
{
	struct iovec iov = { m->buf, m->len };
	union {
		char buf[CMSG_SPACE(sizeof(int) * SIMD_WIRE_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (m->nfds) {
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)m->nfds);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)m->nfds);
		memcpy(CMSG_DATA(cm), m->fds, sizeof(int) * (size_t)m->nfds);
	}
	ssize_t n = sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS))
		return 0;
	if (n < 0)
		return -1;
	msg_free(m);
	return 1;
}

static void queue_msg(struct srv *sv, struct srv_conn *c, struct srv_msg *m)
{
	if (!c->outq) {
		int r = send_msg(c, m);
		if (r == 1)
			return;
		if (r < 0) {
			msg_free(m);
			srv_conn_kill(sv, c);
			return;
		}
	}
	m->next = NULL;
	if (c->outq_tail)
		c->outq_tail->next = m;
	else
		c->outq = m;
	c->outq_tail = m;
	c->noutq++;
	if (c->noutq >= SRV_OUTQ_MAX)
		c->in_paused = true;
	update_events(sv, c);
}

static struct srv_msg *msg_new(uint32_t type, uint32_t id, int rc, const void *body, uint32_t len)
{
	struct srv_msg *m = malloc(sizeof(*m) + sizeof(struct simd_wire_hdr) + len);
	if (!m)
		return NULL;
	struct simd_wire_hdr h = { type, id, rc, len };
	memcpy(m->buf, &h, sizeof(h));
	if (len)
		memcpy(m->buf + sizeof(h), body, len);
	m->len = sizeof(h) + len;
	m->nfds = 0;
	m->next = NULL;
	return m;
}

static void send_event(struct srv *sv, struct srv_conn *c, const struct wire_event *e)
{
	if (c->overflow)
		return;
	if (c->noutq >= SRV_EVQ_MAX) {
		c->overflow = true;
		return;
	}
	struct srv_msg *m = msg_new(SIMD_MSG_EVENT, 0, 0, e, sizeof(*e));
	if (!m) {
		c->overflow = true;
		return;
	}
	m->next = NULL;
	if (!c->outq) {
		int r = send_msg(c, m);
		if (r == 1)
			return;
		if (r < 0) {
			msg_free(m);
			srv_conn_kill(sv, c);
			return;
		}
	}
	if (c->outq_tail)
		c->outq_tail->next = m;
	else
		c->outq = m;
	c->outq_tail = m;
	c->noutq++;
	update_events(sv, c);
}

void srv_broadcast(struct srv *sv, struct srv_dom *d, uint32_t kind)
{
	struct wire_event e = { kind, d->domid, 0, d->reason, d->gen, 0 };
	struct wire_dominfo wi;
	if (kind != SIMD_EV_DESTROYED) {
		srv_dom_fill_info(sv, d->domid, &wi);
		e.flags = wi.flags;
	}
	for (struct srv_conn *c = sv->conns; c; c = c->next)
		if (c->watch && !c->dead && (c->domid == 0 || c->domid == d->domid))
			send_event(sv, c, &e);
}

void srv_conn_output(struct srv *sv, struct srv_conn *c)
{
	while (c->outq) {
		struct srv_msg *m = c->outq;
		struct srv_msg *next = m->next;
		int r = send_msg(c, m);
		if (r == 0)
			break;
		if (r < 0) {
			srv_conn_kill(sv, c);
			return;
		}
		c->outq = next;
		if (!next)
			c->outq_tail = NULL;
		c->noutq--;
	}
	if (!c->outq && c->overflow) {
		c->overflow = false;
		struct wire_event e = { SIMD_EV_OVERFLOW, 0, 0, 0, 0, 0 };
		send_event(sv, c, &e);
	}
	if (c->noutq < SRV_OUTQ_MAX / 2)
		c->in_paused = false;
	update_events(sv, c);
}

static int dispatch(struct srv *sv, struct srv_conn *c, const struct simd_req_msg *m, struct srv_reply *r)
{
	switch (m->hdr.type) {
	case SIMD_REQ_HELLO: {
		struct wire_hello h;
		memcpy(&h, m->body, sizeof(h));
		if (h.magic != SIMD_WIRE_MAGIC || h.version != SIMD_WIRE_VERSION)
			return srv_fail(r, XCTL_ERR_PROTO,
					"protocol version %u is not this xctl-simd's (%u): use matching programs",
					h.version, SIMD_WIRE_VERSION);
		struct wire_hello_reply hr = { SIMD_WIRE_MAGIC, SIMD_WIRE_VERSION, c->domid, 0 };
		return srv_reply_add(r, &hr, sizeof(hr));
	}
	case SIMD_REQ_WATCH:
		c->watch = true;
		return 0;
	case SIMD_REQ_HOST_SHUTDOWN:
		xctl_info(sv->log, "host shutdown requested: destroying every domain");
		srv_dom_destroy_all(sv);
		sv->stopping = true;
		return 0;
	case SIMD_REQ_GNT_MAP:
	case SIMD_REQ_GNT_UNMAP:
	case SIMD_REQ_GNT_COPY:
	case SIMD_REQ_PAGE_ALLOC:
	case SIMD_REQ_PAGE_FREE:
	case SIMD_REQ_GNTTAB_SETUP:
		return srv_gnt_handle(sv, c, m, r);
	case SIMD_REQ_EVT_ALLOC_UNBOUND:
	case SIMD_REQ_EVT_BIND:
	case SIMD_REQ_EVT_OPEN:
	case SIMD_REQ_EVT_CLOSE:
	case SIMD_REQ_EVT_STATUS:
		return srv_evt_handle(sv, c, m, r);
	default:
		return srv_dom_handle(sv, c, m, r);
	}
}

static void close_fds_in(struct msghdr *mh)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			close(fd);
		}
	}
}

void srv_conn_input(struct srv *sv, struct srv_conn *c)
{
	unsigned char *buf = sv->inbuf;
	union {
		char b[CMSG_SPACE(sizeof(int) * 8)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { buf, sizeof(sv->inbuf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			     .msg_controllen = sizeof(u.b) };
	ssize_t n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		srv_conn_kill(sv, c);
		return;
	}
	/* Nobody sends xctl-simd descriptors. */
	close_fds_in(&mh);
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		xctl_warn(sv->log, "domain %u: message truncated (over %zu bytes): connection closed",
			  c->domid, (size_t)SIMD_WIRE_MAX);
		srv_conn_kill(sv, c);
		return;
	}
	if (c->watch) {
		xctl_warn(sv->log, "domain %u: request on a watch connection: connection closed", c->domid);
		srv_conn_kill(sv, c);
		return;
	}
	struct simd_req_msg m;
	char why[128];
	int prc = simd_proto_parse(buf, (size_t)n, c->domid == 0 && !c->guest ? SIMD_WHO_DOM0 : SIMD_WHO_GUEST,
				   &m, why, sizeof(why));
	if (prc == XCTL_ERR_PROTO) {
		xctl_warn(sv->log, "domain %u: bad request (%s): connection closed", c->domid, why);
		srv_conn_kill(sv, c);
		return;
	}
	struct srv_reply *r = &sv->reply;
	r->rc = 0;
	r->len = 0;
	r->nfds = 0;
	r->msg[0] = '\0';
	if (prc) {
		srv_fail(r, prc, "%s", why);
	} else {
		int rc = dispatch(sv, c, &m, r);
		if (rc && !r->rc)
			r->rc = rc;
	}
	if (r->rc) {
		/* the error reply's body is the message */
		for (int i = 0; i < r->nfds; i++)
			close(r->fds[i]);
		r->nfds = 0;
		r->len = 0;
		if (!r->msg[0])
			snprintf(r->msg, sizeof(r->msg), "%s", xctl_strerror(r->rc));
		srv_reply_add(r, r->msg, strlen(r->msg) + 1);
	}
	if (c->dead) {
		for (int i = 0; i < r->nfds; i++)
			close(r->fds[i]);
		return;
	}
	struct srv_msg *out = msg_new(SIMD_MSG_REPLY, m.hdr.id, r->rc, r->body, r->len);
	if (!out) {
		for (int i = 0; i < r->nfds; i++)
			close(r->fds[i]);
		srv_conn_kill(sv, c);
		return;
	}
	memcpy(out->fds, r->fds, sizeof(int) * (size_t)r->nfds);
	out->nfds = r->nfds;
	queue_msg(sv, c, out);
}

void srv_conn_kill(struct srv *sv, struct srv_conn *c)
{
	if (c->dead)
		return;
	c->dead = true;
	epoll_ctl(sv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	srv_gnt_conn_gone(sv, c);
	srv_evt_conn_gone(sv, c);
	if (c->guest) {
		struct srv_dom *d = srv_dom_get(sv, c->domid);
		if (d && d->guest_conn == c)
			srv_dom_guest_gone(sv, d);
	}
}

static void conn_free(struct srv *sv, struct srv_conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		sv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	sv->nconns--;
	while (c->outq) {
		struct srv_msg *m = c->outq;
		c->outq = m->next;
		msg_free(m);
	}
	close(c->fd);
	free(c->maps);
	free(c);
}

void srv_conn_reap(struct srv *sv)
{
	struct srv_conn *c = sv->conns;
	while (c) {
		struct srv_conn *next = c->next;
		if (c->dead)
			conn_free(sv, c);
		c = next;
	}
}

void srv_conn_free_all(struct srv *sv)
{
	for (struct srv_conn *c = sv->conns; c; c = c->next)
		srv_conn_kill(sv, c);
	srv_conn_reap(sv);
}
