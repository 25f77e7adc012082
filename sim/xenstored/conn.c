/* SPDX-License-Identifier: LGPL-2.1-only */
/* Connections: input framing with a fixed-size buffer, output queues with
 * limits, and the rules for pausing and dropping a client. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "sim/xenstored/xsd.h"

/* Requests handled from one connection before others get a turn. */
#define XSD_ROUND_BUDGET 64

int64_t xsd_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct xsd_conn *xsd_conn_new(struct xsd *d, int fd, uint32_t domid, struct xsd_domain *dom)
{
	struct xsd_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->pk.kind = XSD_K_CONN;
	c->fd = fd;
	c->domid = domid;
	c->dom = dom;
	c->id = ++d->next_conn_id;
	c->next = d->conns;
	if (d->conns)
		d->conns->prev = c;
	d->conns = c;
	d->nconns++;
	d->stats.conns_total++;
	if (dom) {
		c->dnext = dom->conns;
		dom->conns = c;
		dom->nconns++;
	}
	if (fd >= 0) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &c->pk };
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
			c->epoll_mask = EPOLLIN;
		else
			xsd_conn_kill(d, c, "cannot watch the socket (epoll_ctl failed)");
	}
	xctl_debug(d->log, "connection %llu: domain %u connected",
		   (unsigned long long)c->id, domid);
	return c;
}

void xsd_conn_kill(struct xsd *d, struct xsd_conn *c, const char *why)
{
	if (c->dead)
		return;
	c->dead = true;
	c->dead_why = why;
	d->stats.disconnects++;
	/* Its watches stay until the reaper frees it (an event being fired may
	 * be walking them); queue_event skips dead connections. */
	if (why)
		xctl_warn(d->log, "connection %llu (domain %u): disconnected: %s",
			  (unsigned long long)c->id, c->domid, why);
}

/* A request of guest domid has one event fewer queued (written or
 * dropped): when none is left, it is no longer outstanding. Requests are
 * numbered for the daemon's life, so the events of a released domain
 * never match a request of a later domain with the same id. */
static void cause_done(struct xsd *d, uint32_t domid, uint64_t req)
{
	struct xsd_domain *dom = xsd_dom_get(d, domid);
	if (!dom)
		return;
	for (uint32_t i = dom->npreq; i-- > 0;) {
		if (dom->preq[i].req != req)
			continue;
		if (--dom->preq[i].events == 0) {
			dom->preq[i] = dom->preq[--dom->npreq];
			if (dom->outstanding)
				dom->outstanding--;
		}
		return;
	}
}

/* One queued message leaves c (written, or dropped with c). */
static void msg_done(struct xsd *d, struct xsd_conn *c, struct xsd_omsg *m)
{
	c->out_bytes -= m->len;
	if (m->event) {
		c->out_events--;
		if (m->key && c->pending_events)
			xsd_htab_del(c->pending_events, m->key);
		if (m->cause)
			cause_done(d, m->cause, m->cause_req);
	} else {
		c->out_replies--;
		if (c->dom && c->dom->outstanding)
			c->dom->outstanding--;
	}
	free(m);
}

static void out_free(struct xsd *d, struct xsd_conn *c)
{
	struct xsd_omsg *m = c->out_head;
	c->out_head = c->out_tail = NULL;
	while (m) {
		struct xsd_omsg *n = m->next;
		msg_done(d, c, m);
		m = n;
	}
	c->out_bytes = 0;
	c->out_replies = c->out_events = 0;
}

void xsd_conn_free(struct xsd *d, struct xsd_conn *c)
{
	xsd_watch_del_all(d, c);
	xsd_txn_free_all(c);
	out_free(d, c);
	if (c->pending_events) {
		xsd_htab_free(c->pending_events);
		free(c->pending_events);
	}
	if (c->fd >= 0) {
		epoll_ctl(d->epfd, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	if (c->prev)
		c->prev->next = c->next;
	else
		d->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	d->nconns--;
	if (c->dom) {
		for (struct xsd_conn **pp = &c->dom->conns; *pp; pp = &(*pp)->dnext) {
			if (*pp == c) {
				*pp = c->dnext;
				c->dom->nconns--;
				break;
			}
		}
	}
	free(c);
}

void xsd_reap(struct xsd *d)
{
	struct xsd_conn *c = d->conns;
	while (c) {
		struct xsd_conn *n = c->next;
		if (c->dead)
			xsd_conn_free(d, c);
		c = n;
	}
}

/* May c's input be processed? Privileged connections only wait for their
 * own unread output (out_bytes); a guest also waits while its domain has
 * quota_req_outstanding requests unanswered or with undelivered events
 * (Xen 4.17 domain_can_read()), so the guest that floods others is the one
 * slowed. */
bool xsd_conn_throttled(const struct xsd *d, const struct xsd_conn *c)
{
	if (c->out_bytes >= d->lim.out_bytes)
		return true;
	if (xsd_privileged(c))
		return false;
	if (c->dom)
		return c->dom->outstanding >= d->lim.outstanding;
	return c->out_replies >= d->lim.outstanding;
}

void xsd_conn_update_mask(struct xsd *d, struct xsd_conn *c)
{
	if (c->fd < 0 || c->dead)
		return;
	uint32_t want = 0;
	if (!xsd_conn_throttled(d, c) && c->in_len < sizeof(c->in))
		want |= EPOLLIN;
	if (c->out_head)
		want |= EPOLLOUT;
	if (want == c->epoll_mask)
		return;
	struct epoll_event ev = { .events = want, .data.ptr = &c->pk };
	if (epoll_ctl(d->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->epoll_mask = want;
}

static struct xsd_omsg *msg_new(struct xsd *d, struct xsd_conn *c, uint32_t type, uint32_t req_id,
				uint32_t tx_id, const void *p1, uint32_t l1, const void *p2, uint32_t l2,
				size_t extra)
{
	uint32_t len = l1 + l2;
	if (len > XENSTORE_PAYLOAD_MAX) {
		/* Replies are built to fit; this is a bug, not a client error. */
		xctl_err_log(d->log, "reply of %u bytes to connection %llu exceeds the payload maximum",
			     len, (unsigned long long)c->id);
		return NULL;
	}
	struct xsd_omsg *m = malloc(sizeof(*m) + sizeof(struct xsd_sockmsg) + len + extra);
	if (!m) {
		xsd_conn_kill(d, c, "out of memory for a reply");
		return NULL;
	}
	struct xsd_sockmsg h = { .type = type, .req_id = req_id, .tx_id = tx_id, .len = len };
	memcpy(m->data, &h, sizeof(h));
	if (l1)
		memcpy(m->data + sizeof(h), p1, l1);
	if (l2)
		memcpy(m->data + sizeof(h) + l1, p2, l2);
	m->next = NULL;
	m->len = (uint32_t)sizeof(h) + len;
	m->off = 0;
	m->event = type == XS_WATCH_EVENT;
	m->cause = 0;
	m->cause_req = 0;
	m->key = NULL;
	return m;
}

static void msg_queue(struct xsd *d, struct xsd_conn *c, struct xsd_omsg *m)
{
	if (c->out_tail)
		c->out_tail->next = m;
	else
		c->out_head = m;
	c->out_tail = m;
	c->out_bytes += m->len;
	if (m->event) {
		c->out_events++;
	} else {
		c->out_replies++;
		if (c->dom)
			c->dom->outstanding++;
	}
	if (d->trace) {
		struct xsd_sockmsg h;
		memcpy(&h, m->data, sizeof(h));
		xsd_trace(d, c, "OUT", &h, m->data + sizeof(h));
	}
}

/* Charge an event to the request of the guest that causes it (Xen links
 * each event to its request: pend.req). */
static int charge(struct xsd_domain *dom, uint64_t req)
{
	for (uint32_t i = dom->npreq; i-- > 0;) {
		if (dom->preq[i].req == req) {
			dom->preq[i].events++;
			return 0;
		}
	}
	if (dom->npreq == dom->capreq) {
		uint32_t cap = dom->capreq ? dom->capreq * 2 : 8;
		struct xsd_preq *p = realloc(dom->preq, cap * sizeof(*p));
		if (!p)
			return XCTL_ERR_NOMEM;
		dom->preq = p;
		dom->capreq = cap;
	}
	dom->preq[dom->npreq].req = req;
	dom->preq[dom->npreq].events = 1;
	dom->npreq++;
	dom->outstanding++;
	return 0;
}

int xsd_send_event(struct xsd *d, struct xsd_conn *c, const char *path, const char *token)
{
	if (c->dead)
		return XCTL_ERR_IO;
	uint32_t pl = (uint32_t)strlen(path) + 1, tl = (uint32_t)strlen(token) + 1;
	/* send_event(): an over-long event is not sent. */
	if (pl + tl > XENSTORE_PAYLOAD_MAX)
		return 1;
	/* Xen's per-domain memory quota drops events for a guest that does
	 * not read them; privileged connections have no such quota. */
	if (!xsd_privileged(c) && c->out_events >= d->lim.events_queued) {
		xctl_debug(d->log, "connection %llu (domain %u): event for %s dropped: %u unread",
			   (unsigned long long)c->id, c->domid, path, c->out_events);
		return 1;
	}
	bool special = path[0] == '@';
	size_t klen = special ? 0 : pl + tl;
	struct xsd_omsg *m = msg_new(d, c, XS_WATCH_EVENT, 0, 0, path, pl, token, tl, klen);
	if (!m)
		return XCTL_ERR_NOMEM;
	if (!special) {
		char *key = m->data + m->len;
		memcpy(key, path, pl - 1);
		key[pl - 1] = ' ';
		memcpy(key + pl, token, tl);
		if (!c->pending_events) {
			c->pending_events = malloc(sizeof(*c->pending_events));
			if (!c->pending_events || xsd_htab_init(c->pending_events, 16)) {
				free(c->pending_events);
				c->pending_events = NULL;
				free(m);
				return XCTL_ERR_NOMEM;
			}
		}
		/* send_event(): an identical event is still queued: drop this
		 * one (special events excepted). */
		if (xsd_htab_get(c->pending_events, key)) {
			free(m);
			return 1;
		}
		if (xsd_htab_put(c->pending_events, key, m)) {
			free(m);
			return XCTL_ERR_NOMEM;
		}
		m->key = key;
	}
	if (d->cause && charge(d->cause, d->req_serial) == 0) {
		m->cause = d->cause->domid;
		m->cause_req = d->req_serial;
	}
	msg_queue(d, c, m);
	return 0;
}

int xsd_send(struct xsd *d, struct xsd_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
	     const void *p1, uint32_t l1, const void *p2, uint32_t l2)
{
	if (c->dead)
		return XCTL_ERR_IO;
	struct xsd_omsg *m = msg_new(d, c, type, req_id, tx_id, p1, l1, p2, l2, 0);
	if (!m)
		return XCTL_ERR_NOMEM;
	msg_queue(d, c, m);
	return 0;
}

void xsd_send_error(struct xsd *d, struct xsd_conn *c, const struct xsd_sockmsg *h, int err)
{
	const char *name = xsd_errno_name(err);
	d->stats.errors++;
	xsd_send(d, c, XS_ERROR, h->req_id, h->tx_id, name, (uint32_t)strlen(name) + 1, NULL, 0);
}

int xsd_conn_process(struct xsd *d, struct xsd_conn *c)
{
	char body[XENSTORE_PAYLOAD_MAX + 1];
	for (int n = 0; n < XSD_ROUND_BUDGET && !c->dead; n++) {
		struct xsd_sockmsg h;
		if (c->in_len < sizeof(h))
			break;
		memcpy(&h, c->in, sizeof(h));
		if (h.len > XENSTORE_PAYLOAD_MAX) {
			xsd_conn_kill(d, c, "message longer than XENSTORE_PAYLOAD_MAX");
			return XCTL_ERR_PROTO;
		}
		uint32_t total = (uint32_t)sizeof(h) + h.len;
		if (c->in_len < total || xsd_conn_throttled(d, c))
			break;
		memcpy(body, c->in + sizeof(h), h.len);
		body[h.len] = '\0';
		memmove(c->in, c->in + total, c->in_len - total);
		c->in_len -= total;
		xsd_request(d, c, &h, body);
	}
	return 0;
}

/* Whether complete requests are waiting (e.g. the round budget ran out). */
bool xsd_conn_pending(const struct xsd *d, const struct xsd_conn *c)
{
	if (c->dead || c->in_len < sizeof(struct xsd_sockmsg) || xsd_conn_throttled(d, c))
		return false;
	struct xsd_sockmsg h;
	memcpy(&h, c->in, sizeof(h));
	return h.len > XENSTORE_PAYLOAD_MAX || c->in_len >= sizeof(h) + h.len;
}

int xsd_conn_out_iov(const struct xsd_conn *c, struct iovec *iov, int max)
{
	int n = 0;
	for (struct xsd_omsg *m = c->out_head; m && n < max; m = m->next, n++) {
		iov[n].iov_base = m->data + m->off;
		iov[n].iov_len = m->len - m->off;
	}
	return n;
}

bool xsd_conn_wrote(struct xsd *d, struct xsd_conn *c, ssize_t w, int err)
{
	if (w < 0) {
		if (err != EAGAIN && err != EWOULDBLOCK && err != EINTR)
			xsd_conn_kill(d, c, "write failed (client went away)");
		return false;
	}
	if (w > 0)
		c->stall_since = 0;
	size_t left = (size_t)w;
	while (left && c->out_head) {
		struct xsd_omsg *m = c->out_head;
		size_t have = m->len - m->off;
		if (left < have) {
			m->off += (uint32_t)left;
			break;
		}
		left -= have;
		c->out_head = m->next;
		if (!c->out_head)
			c->out_tail = NULL;
		msg_done(d, c, m);
	}
	return w > 0 && c->out_head;
}

void xsd_conn_flush(struct xsd *d, struct xsd_conn *c)
{
	if (c->dead)
		return;
	if (c->fd < 0) {
		out_free(d, c); /* an in-process connection: nobody reads */
		return;
	}
	while (c->out_head) {
		struct iovec iov[64];
		int n = xsd_conn_out_iov(c, iov, 64);
		ssize_t w = writev(c->fd, iov, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (!xsd_conn_wrote(d, c, w, w < 0 ? errno : 0))
			break;
	}
	xsd_conn_update_mask(d, c);
}

bool xsd_conn_wants_input(const struct xsd *d, const struct xsd_conn *c)
{
	return !c->dead && c->fd >= 0 && !xsd_conn_throttled(d, c) && c->in_len < sizeof(c->in);
}

void xsd_conn_read_done(struct xsd *d, struct xsd_conn *c, ssize_t r, int err)
{
	if (r == 0) {
		xsd_conn_kill(d, c, NULL); /* orderly close */
		return;
	}
	if (r < 0) {
		if (err != EAGAIN && err != EWOULDBLOCK && err != EINTR)
			xsd_conn_kill(d, c, "read failed");
		return;
	}
	c->in_len += (uint32_t)r;
}

/* A guest that leaves its own replies and events unread while its input is
 * paused is dropped after stall_ms (ours: Xen stops reading its ring).
 * Privileged connections are never dropped for what they leave unread. */
void xsd_conn_check_stall(struct xsd *d, struct xsd_conn *c, int64_t *now_ms)
{
	if (c->dead || xsd_privileged(c) || !c->out_head || !xsd_conn_throttled(d, c)) {
		c->stall_since = 0;
		return;
	}
	if (*now_ms < 0)
		*now_ms = xsd_now_ms();
	int64_t now = *now_ms;
	if (!c->stall_since)
		c->stall_since = now;
	else if (now - c->stall_since >= (int64_t)d->lim.stall_ms)
		xsd_conn_kill(d, c, "does not read its replies");
}
