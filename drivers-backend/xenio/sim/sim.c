/* SPDX-License-Identifier: LGPL-2.1-only */
/* xenio/sim: the backend port on the simulated host, over xctl-simd's
 * client library (grants, event channels) and libxenstore talking to
 * xctl-xenstored (XENSTORED_PATH, set from the host's directory). */
#include "drivers-backend/xenio/xenio.h"
#include "drivers-backend/xenio/xs.h"
#include "sim/simd/simd.h"
#include "common/err.h"
#include "common/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct sim_map {
	struct simd_grant_map *m;
};

struct xenio_sim {
	struct xenio base;
	struct simd *s;
	struct xs_handle *xs;
	struct sim_map *maps;
	size_t nmaps, cap;
};

static struct xenio_sim *S(struct xenio *x)
{
	return (struct xenio_sim *)x;
}

static int s_map(struct xenio *x, uint32_t domid, uint32_t count, const uint32_t *refs,
		 bool writable, void **addr)
{
	struct xenio_sim *xs = S(x);
	if (count == 0 || count > XENIO_MAP_MAX)
		return XCTL_ERR_INVAL;
	if (xs->nmaps == xs->cap) {
		size_t nc = xs->cap ? xs->cap * 2 : 64;
		struct sim_map *m = realloc(xs->maps, nc * sizeof(*m));
		if (!m)
			return XCTL_ERR_NOMEM;
		xs->maps = m;
		xs->cap = nc;
	}
	struct simd_grant_map *m = NULL;
	int rc = simd_grant_map(xs->s, domid, refs, count, !writable, &m);
	if (rc)
		return rc;
	xs->maps[xs->nmaps++].m = m;
	*addr = m->addr;
	return 0;
}

static int s_unmap(struct xenio *x, void *addr, uint32_t count)
{
	struct xenio_sim *xs = S(x);
	for (size_t i = 0; i < xs->nmaps; i++) {
		struct simd_grant_map *m = xs->maps[i].m;
		if (m->addr != addr)
			continue;
		if (m->count != count)
			return XCTL_ERR_INVAL;
		xs->maps[i] = xs->maps[--xs->nmaps];
		return simd_grant_unmap(xs->s, m);
	}
	return XCTL_ERR_NOTFOUND;
}

static int s_copy(struct xenio *x, struct xenio_copy *segs, uint32_t count)
{
	struct simd_grant_copy_seg g[SIMD_COPY_MAX_SEGS];
	for (uint32_t done = 0; done < count;) {
		uint32_t n = count - done > SIMD_COPY_MAX_SEGS ? SIMD_COPY_MAX_SEGS : count - done;
		for (uint32_t i = 0; i < n; i++) {
			struct xenio_copy *s = &segs[done + i];
			memset(&g[i], 0, sizeof(g[i]));
			struct simd_copy_ptr guest = { .domid = s->domid, .ref = s->ref,
						       .offset = s->offset };
			struct simd_copy_ptr local = { .virt = s->local };
			g[i].source = s->dir == XENIO_COPY_TO_GUEST ? local : guest;
			g[i].dest = s->dir == XENIO_COPY_TO_GUEST ? guest : local;
			g[i].len = s->len;
		}
		int rc = simd_grant_copy(S(x)->s, g, n);
		if (rc)
			return rc;
		for (uint32_t i = 0; i < n; i++)
			segs[done + i].status = g[i].status == GNTST_okay ? 0 : XCTL_ERR_PERM;
		done += n;
	}
	return 0;
}

static int s_bind(struct xenio *x, uint32_t domid, uint32_t remote, uint32_t *local)
{
	return simd_evtchn_bind_interdomain(S(x)->s, domid, remote, local);
}
static int s_unbind(struct xenio *x, uint32_t port)
{
	return simd_evtchn_close(S(x)->s, port);
}
static int s_notify(struct xenio *x, uint32_t port)
{
	return simd_evtchn_notify(S(x)->s, port);
}
static int s_unmask(struct xenio *x, uint32_t port)
{
	return simd_evtchn_unmask(S(x)->s, port);
}
static int s_evtchn_fd(struct xenio *x)
{
	return simd_evtchn_epoll_fd(S(x)->s);
}
static int s_pending(struct xenio *x, uint32_t *port)
{
	uint32_t p = 0;
	int rc = simd_evtchn_pending(S(x)->s, &p);
	if (rc)
		return rc;
	if (!p)
		return XCTL_ERR_AGAIN;
	/* as libxenevtchn: the port stays masked until the backend unmasks */
	simd_evtchn_mask(S(x)->s, p);
	*port = p;
	return 0;
}

static int s_xs_read(struct xenio *x, xenio_txn t, const char *p, char **v, size_t *l)
{
	return xenio_xs_read(S(x)->xs, t, p, v, l);
}
static int s_xs_write(struct xenio *x, xenio_txn t, const char *p, const char *v)
{
	return xenio_xs_write(S(x)->xs, t, p, v);
}
static int s_xs_rm(struct xenio *x, xenio_txn t, const char *p)
{
	return xenio_xs_rm(S(x)->xs, t, p);
}
static int s_xs_dir(struct xenio *x, xenio_txn t, const char *p, char ***names, unsigned *n)
{
	return xenio_xs_directory(S(x)->xs, t, p, names, n);
}
static int s_xs_watch(struct xenio *x, const char *p, const char *tok)
{
	return xenio_xs_watch(S(x)->xs, p, tok);
}
static int s_xs_unwatch(struct xenio *x, const char *p, const char *tok)
{
	return xenio_xs_unwatch(S(x)->xs, p, tok);
}
static int s_xs_fd(struct xenio *x)
{
	return xenio_xs_fd(S(x)->xs);
}
static int s_xs_read_watch(struct xenio *x, char **p, char **tok)
{
	return xenio_xs_read_watch(S(x)->xs, p, tok);
}
static int s_xs_txn_start(struct xenio *x, xenio_txn *t)
{
	return xenio_xs_txn_start(S(x)->xs, t);
}
static int s_xs_txn_end(struct xenio *x, xenio_txn t, bool abort)
{
	return xenio_xs_txn_end(S(x)->xs, t, abort);
}
static uint32_t s_self(struct xenio *x)
{
	return simd_self(S(x)->s);
}

static void s_close(struct xenio *x)
{
	struct xenio_sim *xs = S(x);
	for (size_t i = 0; i < xs->nmaps; i++)
		simd_grant_unmap(xs->s, xs->maps[i].m);
	free(xs->maps);
	xenio_xs_close(xs->xs);
	if (xs->s)
		simd_close(xs->s);
	free(xs);
}

static const struct xenio_ops sim_ops = {
	.name = "sim",
	.map = s_map,
	.unmap = s_unmap,
	.copy = s_copy,
	.evtchn_bind = s_bind,
	.evtchn_unbind = s_unbind,
	.evtchn_notify = s_notify,
	.evtchn_unmask = s_unmask,
	.evtchn_fd = s_evtchn_fd,
	.evtchn_pending = s_pending,
	.xs_read = s_xs_read,
	.xs_write = s_xs_write,
	.xs_rm = s_xs_rm,
	.xs_directory = s_xs_dir,
	.xs_watch = s_xs_watch,
	.xs_unwatch = s_xs_unwatch,
	.xs_fd = s_xs_fd,
	.xs_read_watch = s_xs_read_watch,
	.xs_txn_start = s_xs_txn_start,
	.xs_txn_end = s_xs_txn_end,
	.self_domid = s_self,
	.close = s_close,
};

int xenio_sim_open(const struct xctl_log *log, const char *sim_dir, struct xenio **out)
{
	const char *dir = sim_dir ? sim_dir : simd_dir_default();
	struct xenio_sim *xs = calloc(1, sizeof(*xs));
	if (!xs)
		return XCTL_ERR_NOMEM;
	xs->base.ops = &sim_ops;
	xs->base.log = log;
	int rc = simd_open(dir, &xs->s);
	if (rc) {
		xctl_err_log(log, "cannot reach xctl-simd in %s: %s%s%s; start the simulated host "
			     "(xctl sim start)", dir, xctl_strerror(rc),
			     xs->s && *simd_errmsg(xs->s) ? ": " : "", xs->s ? simd_errmsg(xs->s) : "");
		s_close(&xs->base);
		return rc;
	}
	char sock[256];
	if (simd_path(dir, SIMD_XENSTORED_SOCKET, sock, sizeof(sock)) == 0 &&
	    !getenv("XENSTORED_PATH"))
		setenv("XENSTORED_PATH", sock, 1);
	xs->xs = xenio_xs_open();
	if (!xs->xs) {
		xctl_err_log(log, "cannot connect to the simulated host's xenstored (%s): %s",
			     getenv("XENSTORED_PATH"), strerror(errno));
		s_close(&xs->base);
		return XCTL_ERR_XENSTORE;
	}
	*out = &xs->base;
	return 0;
}
