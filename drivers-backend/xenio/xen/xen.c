/* SPDX-License-Identifier: LGPL-2.1-only */
/* xenio/xen: the backend port on a Xen host, over libxengnttab,
 * libxenevtchn and libxenstore. The only file of drivers-backend that
 * includes Xen's library headers. */
#include "drivers-backend/xenio/xenio.h"
#include "drivers-backend/xenio/xs.h"
#include "common/err.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xenevtchn.h>
#include <xengnttab.h>

#define MAX_GRANTS 16384

struct xenio_xen {
	struct xenio base;
	xengnttab_handle *gt;
	xenevtchn_handle *ev;
	struct xs_handle *xs;
	uint32_t self;
};

static struct xenio_xen *X(struct xenio *x)
{
	return (struct xenio_xen *)x;
}

static int x_map(struct xenio *x, uint32_t domid, uint32_t count, const uint32_t *refs,
		 bool writable, void **addr)
{
	if (count == 0 || count > XENIO_MAP_MAX)
		return XCTL_ERR_INVAL;
	void *a = xengnttab_map_domain_grant_refs(X(x)->gt, count, domid, (uint32_t *)refs,
						  PROT_READ | (writable ? PROT_WRITE : 0));
	if (!a)
		return errno == ENOMEM ? XCTL_ERR_LIMIT : XCTL_ERR_PERM;
	*addr = a;
	return 0;
}

static int x_unmap(struct xenio *x, void *addr, uint32_t count)
{
	return xengnttab_unmap(X(x)->gt, addr, count) ? XCTL_ERR_HV : 0;
}

static int x_copy(struct xenio *x, struct xenio_copy *segs, uint32_t count)
{
	xengnttab_grant_copy_segment_t g[64];
	for (uint32_t done = 0; done < count;) {
		uint32_t n = count - done > 64 ? 64 : count - done;
		for (uint32_t i = 0; i < n; i++) {
			struct xenio_copy *s = &segs[done + i];
			memset(&g[i], 0, sizeof(g[i]));
			if (s->dir == XENIO_COPY_TO_GUEST) {
				g[i].source.virt = s->local;
				g[i].dest.foreign.ref = s->ref;
				g[i].dest.foreign.offset = s->offset;
				g[i].dest.foreign.domid = (uint16_t)s->domid;
				g[i].flags = GNTCOPY_dest_gref;
			} else {
				g[i].dest.virt = s->local;
				g[i].source.foreign.ref = s->ref;
				g[i].source.foreign.offset = s->offset;
				g[i].source.foreign.domid = (uint16_t)s->domid;
				g[i].flags = GNTCOPY_source_gref;
			}
			g[i].len = s->len;
		}
		if (xengnttab_grant_copy(X(x)->gt, n, g))
			return XCTL_ERR_HV;
		for (uint32_t i = 0; i < n; i++)
			segs[done + i].status = g[i].status == GNTST_okay ? 0 : XCTL_ERR_PERM;
		done += n;
	}
	return 0;
}

static int x_bind(struct xenio *x, uint32_t domid, uint32_t remote, uint32_t *local)
{
	xenevtchn_port_or_error_t p = xenevtchn_bind_interdomain(X(x)->ev, domid, remote);
	if (p < 0)
		return XCTL_ERR_HV;
	*local = (uint32_t)p;
	return 0;
}

static int x_unbind(struct xenio *x, uint32_t port)
{
	return xenevtchn_unbind(X(x)->ev, port) ? XCTL_ERR_HV : 0;
}

static int x_notify(struct xenio *x, uint32_t port)
{
	return xenevtchn_notify(X(x)->ev, port) ? XCTL_ERR_HV : 0;
}

static int x_unmask(struct xenio *x, uint32_t port)
{
	return xenevtchn_unmask(X(x)->ev, port) ? XCTL_ERR_HV : 0;
}

static int x_evtchn_fd(struct xenio *x)
{
	return xenevtchn_fd(X(x)->ev);
}

static int x_pending(struct xenio *x, uint32_t *port)
{
	xenevtchn_port_or_error_t p = xenevtchn_pending(X(x)->ev);
	if (p < 0)
		return errno == EAGAIN ? XCTL_ERR_AGAIN : XCTL_ERR_HV;
	*port = (uint32_t)p;
	return 0;
}

static int x_xs_read(struct xenio *x, xenio_txn t, const char *p, char **v, size_t *l)
{
	return xenio_xs_read(X(x)->xs, t, p, v, l);
}
static int x_xs_write(struct xenio *x, xenio_txn t, const char *p, const char *v)
{
	return xenio_xs_write(X(x)->xs, t, p, v);
}
static int x_xs_rm(struct xenio *x, xenio_txn t, const char *p)
{
	return xenio_xs_rm(X(x)->xs, t, p);
}
static int x_xs_dir(struct xenio *x, xenio_txn t, const char *p, char ***names, unsigned *n)
{
	return xenio_xs_directory(X(x)->xs, t, p, names, n);
}
static int x_xs_watch(struct xenio *x, const char *p, const char *tok)
{
	return xenio_xs_watch(X(x)->xs, p, tok);
}
static int x_xs_unwatch(struct xenio *x, const char *p, const char *tok)
{
	return xenio_xs_unwatch(X(x)->xs, p, tok);
}
static int x_xs_fd(struct xenio *x)
{
	return xenio_xs_fd(X(x)->xs);
}
static int x_xs_read_watch(struct xenio *x, char **p, char **tok)
{
	return xenio_xs_read_watch(X(x)->xs, p, tok);
}
static int x_xs_txn_start(struct xenio *x, xenio_txn *t)
{
	return xenio_xs_txn_start(X(x)->xs, t);
}
static int x_xs_txn_end(struct xenio *x, xenio_txn t, bool abort)
{
	return xenio_xs_txn_end(X(x)->xs, t, abort);
}
static uint32_t x_self(struct xenio *x)
{
	return X(x)->self;
}

static void x_close(struct xenio *x)
{
	struct xenio_xen *xx = X(x);
	if (xx->gt)
		xengnttab_close(xx->gt);
	if (xx->ev)
		xenevtchn_close(xx->ev);
	xenio_xs_close(xx->xs);
	free(xx);
}

static const struct xenio_ops xen_ops = {
	.name = "xen",
	.map = x_map,
	.unmap = x_unmap,
	.copy = x_copy,
	.evtchn_bind = x_bind,
	.evtchn_unbind = x_unbind,
	.evtchn_notify = x_notify,
	.evtchn_unmask = x_unmask,
	.evtchn_fd = x_evtchn_fd,
	.evtchn_pending = x_pending,
	.xs_read = x_xs_read,
	.xs_write = x_xs_write,
	.xs_rm = x_xs_rm,
	.xs_directory = x_xs_dir,
	.xs_watch = x_xs_watch,
	.xs_unwatch = x_xs_unwatch,
	.xs_fd = x_xs_fd,
	.xs_read_watch = x_xs_read_watch,
	.xs_txn_start = x_xs_txn_start,
	.xs_txn_end = x_xs_txn_end,
	.self_domid = x_self,
	.close = x_close,
};

int xenio_xen_open(const struct xctl_log *log, struct xenio **out)
{
	struct xenio_xen *xx = calloc(1, sizeof(*xx));
	if (!xx)
		return XCTL_ERR_NOMEM;
	xx->base.ops = &xen_ops;
	xx->base.log = log;
	const char *what = "libxengnttab (the gntdev driver)";
	xx->gt = xengnttab_open(NULL, 0);
	if (!xx->gt)
		goto fail;
	xengnttab_set_max_grants(xx->gt, MAX_GRANTS);
	what = "libxenevtchn (the evtchn driver)";
	xx->ev = xenevtchn_open(NULL, 0);
	if (!xx->ev)
		goto fail;
	/* xenevtchn_pending must not block: the event loop polls the fd */
	int fd = xenevtchn_fd(xx->ev);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	what = "xenstore";
	xx->xs = xenio_xs_open();
	if (!xx->xs)
		goto fail;
	xx->self = xenio_xs_self_domid(xx->xs);
	*out = &xx->base;
	return 0;
fail:
	xctl_err_log(log, "cannot open %s: %s; is this a Xen host with the xen-gntdev and "
		     "xen-evtchn modules loaded?", what, strerror(errno));
	x_close(&xx->base);
	return XCTL_ERR_HV;
}
