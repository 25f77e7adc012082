/* SPDX-License-Identifier: LGPL-2.1-only */
/* Event channels: per-domain port numbers allocated as Xen does (lowest
 * free from 1), each channel a pair of eventfds shared by its two ends, so
 * that a notify is a write to the peer's eventfd and never passes through
 * xctl-simd. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/err.h"
#include "sim/simd/srv.h"

struct srv_port *srv_evt_port(struct srv *sv, uint32_t domid, uint32_t port)
{
	struct srv_dom *d = srv_dom_get(sv, domid);
	if (!d || port == 0 || port >= d->nports_cap)
		return NULL;
	return d->ports[port].state == SIMD_EVTCHN_CLOSED ? NULL : &d->ports[port];
}

/* The lowest free port of d, the table grown as needed; 0 if none. */
static uint32_t free_port(struct srv_dom *d)
{
	for (uint32_t p = 1; p < d->nports_cap; p++)
		if (d->ports[p].state == SIMD_EVTCHN_CLOSED)
			return p;
	if (d->nports_cap > d->max_port)
		return 0;
	uint32_t n = d->nports_cap ? d->nports_cap * 2 : 8;
	if (n > d->max_port + 1)
		n = d->max_port + 1;
	struct srv_port *np = realloc(d->ports, n * sizeof(*np));
	if (!np)
		return 0;
	memset(np + d->nports_cap, 0, (n - d->nports_cap) * sizeof(*np));
	uint32_t p = d->nports_cap ? d->nports_cap : 1;
	d->ports = np;
	d->nports_cap = n;
	return p < n ? p : 0;
}

static int new_port(struct srv_dom *d, uint32_t *port, char *msg, size_t msgsz)
{
	uint32_t p = free_port(d);
	if (!p) {
		snprintf(msg, msgsz, "domain %u has no free event channel port (all %u in use)", d->domid,
			 d->max_port);
		return XCTL_ERR_LIMIT;
	}
	*port = p;
	return 0;
}

int srv_evt_alloc(struct srv *sv, struct srv_dom *d, uint32_t remote_dom, struct srv_conn *owner,
		  uint32_t *port, char *msg, size_t msgsz)
{
	uint32_t p;
	int rc = new_port(d, &p, msg, msgsz);
	if (rc)
		return rc;
	if (!srv_fds_take(sv, 2)) {
		snprintf(msg, msgsz, "the host's %llu descriptors for pages and event channels are in use "
			 "(destroy domains, or raise the open files limit)", (unsigned long long)sv->fds_max);
		return XCTL_ERR_LIMIT;
	}
	int a = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int b = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (a < 0 || b < 0) {
		snprintf(msg, msgsz, "cannot create an eventfd: %s", strerror(errno));
		srv_fds_give(sv, 2);
		if (a >= 0)
			close(a);
		if (b >= 0)
			close(b);
		return XCTL_ERR_IO;
	}
	struct srv_port *sp = &d->ports[p];
	sp->state = SIMD_EVTCHN_UNBOUND;
	sp->remote_dom = remote_dom;
	sp->remote_port = 0;
	sp->efd_in = a;
	sp->efd_out = b;
	sp->owner = owner;
	d->nr_ports++;
	*port = p;
	return 0;
}

static void port_close(struct srv *sv, struct srv_dom *d, uint32_t port)
{
	struct srv_port *sp = &d->ports[port];
	if (sp->state == SIMD_EVTCHN_INTERDOMAIN) {
		struct srv_port *peer = srv_evt_port(sv, sp->remote_dom, sp->remote_port);
		if (peer && peer->state == SIMD_EVTCHN_INTERDOMAIN && peer->remote_dom == d->domid &&
		    peer->remote_port == port) {
			peer->state = SIMD_EVTCHN_UNBOUND;
			peer->remote_dom = d->domid;
			peer->remote_port = 0;
		}
	}
	close(sp->efd_in);
	close(sp->efd_out);
	srv_fds_give(sv, 2);
	memset(sp, 0, sizeof(*sp));
	d->nr_ports--;
}

static int reply_fds(struct srv_reply *r, uint32_t port, const struct srv_port *sp)
{
	struct wire_port wp = { port, 0 };
	int rc = srv_reply_add(r, &wp, sizeof(wp));
	if (!rc)
		rc = srv_reply_fd(r, sp->efd_in);
	if (!rc)
		rc = srv_reply_fd(r, sp->efd_out);
	return rc;
}

static int bind_interdomain(struct srv *sv, struct srv_conn *c, struct srv_dom *ld, uint32_t rdomid,
			    uint32_t rport, struct srv_reply *r)
{
	if (rdomid == SIMD_DOMID_SELF)
		rdomid = ld->domid;
	struct srv_dom *rd = srv_dom_get(sv, rdomid);
	if (!rd || rd->dying)
		return srv_fail(r, XCTL_ERR_NOTFOUND, "cannot bind to domain %u: no such domain", rdomid);
	struct srv_port *rp = srv_evt_port(sv, rdomid, rport);
	if (!rp || rp->state != SIMD_EVTCHN_UNBOUND || rp->remote_dom != ld->domid)
		return srv_fail(r, XCTL_ERR_INVAL,
				"domain %u cannot bind to port %u of domain %u: it is not an unbound port for "
				"domain %u",
				ld->domid, rport, rdomid, ld->domid);
	char msg[160];
	uint32_t lp;
	int rc = new_port(ld, &lp, msg, sizeof(msg));
	if (rc)
		return srv_fail(r, rc, "%s", msg);
	if (!srv_fds_take(sv, 2))
		return srv_fail(r, XCTL_ERR_LIMIT, "the host's %llu descriptors for pages and event channels "
				"are in use (destroy domains, or raise the open files limit)",
				(unsigned long long)sv->fds_max);
	rp = srv_evt_port(sv, rdomid, rport); /* the table may have moved (same domain) */
	int in = fcntl(rp->efd_out, F_DUPFD_CLOEXEC, 0);
	int out = fcntl(rp->efd_in, F_DUPFD_CLOEXEC, 0);
	if (in < 0 || out < 0) {
		if (in >= 0)
			close(in);
		if (out >= 0)
			close(out);
		srv_fds_give(sv, 2);
		return srv_fail(r, XCTL_ERR_IO, "cannot share an eventfd: %s", strerror(errno));
	}
	struct srv_port *sp = &ld->ports[lp];
	sp->state = SIMD_EVTCHN_INTERDOMAIN;
	sp->remote_dom = rdomid;
	sp->remote_port = rport;
	sp->efd_in = in;
	sp->efd_out = out;
	sp->owner = ld->domid == 0 && !c->guest ? c : NULL;
	ld->nr_ports++;
	rp->state = SIMD_EVTCHN_INTERDOMAIN;
	rp->remote_dom = ld->domid;
	rp->remote_port = lp;
	/* As Xen: the new local port is set pending, for notifications that
	 * were sent to the unbound remote port before it was bound. */
	uint64_t one = 1;
	if (write(sp->efd_in, &one, sizeof(one)) < 0) {
		/* a full counter is pending anyway */
	}
	return reply_fds(r, lp, sp);
}

int srv_evt_handle(struct srv *sv, struct srv_conn *c, const struct simd_req_msg *m, struct srv_reply *r)
{
	struct srv_dom *self = srv_dom_get(sv, c->domid);
	if (!self || self->dying)
		return srv_fail(r, XCTL_ERR_NOTFOUND, "domain %u is gone", c->domid);
	bool dom0 = c->domid == 0 && !c->guest;
	switch (m->hdr.type) {
	case SIMD_REQ_EVT_ALLOC_UNBOUND: {
		struct wire_evt_alloc w;
		memcpy(&w, m->body, sizeof(w));
		uint32_t dom = w.dom == SIMD_DOMID_SELF ? c->domid : w.dom;
		uint32_t rdom = w.remote_dom == SIMD_DOMID_SELF ? c->domid : w.remote_dom;
		if (dom != c->domid && !dom0)
			return srv_fail(r, XCTL_ERR_PERM, "domain %u may not allocate ports of domain %u",
					c->domid, dom);
		struct srv_dom *d = srv_dom_get(sv, dom);
		if (!d || d->dying)
			return srv_fail(r, XCTL_ERR_NOTFOUND, "domain %u does not exist", dom);
		if (rdom > SIMD_DOMID_MAX)
			return srv_fail(r, XCTL_ERR_INVAL, "remote domain %u is out of range", rdom);
		char msg[160];
		uint32_t port;
		int rc = srv_evt_alloc(sv, d, rdom, dom == 0 && dom0 ? c : NULL, &port, msg, sizeof(msg));
		if (rc)
			return srv_fail(r, rc, "%s", msg);
		if (dom != c->domid) {
			struct wire_port wp = { port, 0 };
			return srv_reply_add(r, &wp, sizeof(wp));
		}
		return reply_fds(r, port, &d->ports[port]);
	}
	case SIMD_REQ_EVT_BIND: {
		struct wire_evt_bind w;
		memcpy(&w, m->body, sizeof(w));
		return bind_interdomain(sv, c, self, w.remote_dom, w.remote_port, r);
	}
	case SIMD_REQ_EVT_OPEN:
	case SIMD_REQ_EVT_CLOSE: {
		struct wire_port w;
		memcpy(&w, m->body, sizeof(w));
		struct srv_port *sp = srv_evt_port(sv, c->domid, w.port);
		if (!sp)
			return srv_fail(r, XCTL_ERR_NOTFOUND, "domain %u has no port %u", c->domid, w.port);
		if (m->hdr.type == SIMD_REQ_EVT_OPEN)
			return reply_fds(r, w.port, sp);
		port_close(sv, self, w.port);
		return 0;
	}
	case SIMD_REQ_EVT_STATUS: {
		struct wire_evt_status_req w;
		memcpy(&w, m->body, sizeof(w));
		uint32_t dom = w.dom == SIMD_DOMID_SELF ? c->domid : w.dom;
		if (dom != c->domid && !dom0)
			return srv_fail(r, XCTL_ERR_PERM, "domain %u may not see ports of domain %u", c->domid,
					dom);
		if (!srv_dom_get(sv, dom))
			return srv_fail(r, XCTL_ERR_NOTFOUND, "domain %u does not exist", dom);
		struct srv_port *sp = srv_evt_port(sv, dom, w.port);
		struct wire_evt_status st = { 0, 0, 0, 0 };
		if (sp) {
			st.state = sp->state;
			st.remote_dom = sp->remote_dom;
			st.remote_port = sp->remote_port;
		}
		return srv_reply_add(r, &st, sizeof(st));
	}
	default:
		return srv_fail(r, XCTL_ERR_INTERNAL, "request %u has no handler", m->hdr.type);
	}
}

void srv_evt_conn_gone(struct srv *sv, struct srv_conn *c)
{
	struct srv_dom *d0 = srv_dom_get(sv, 0);
	if (!d0 || c->guest)
		return;
	for (uint32_t p = 1; p < d0->nports_cap; p++)
		if (d0->ports[p].state != SIMD_EVTCHN_CLOSED && d0->ports[p].owner == c)
			port_close(sv, d0, p);
}

void srv_evt_dom_release(struct srv *sv, struct srv_dom *d)
{
	for (uint32_t p = 1; p < d->nports_cap; p++)
		if (d->ports[p].state != SIMD_EVTCHN_CLOSED)
			port_close(sv, d, p);
}
