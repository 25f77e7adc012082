/* SPDX-License-Identifier: LGPL-2.1-only */
/* xenio/fake: see fake.h. */
#include "drivers-backend/xenio/fake/fake.h"
#include "drivers-backend/xenio/xs.h"
#include "common/err.h"
#include "common/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

struct fake_gnt {
	bool granted;
	bool readonly;
	uint32_t page;
};

struct fake_dom {
	bool used;
	uint32_t domid;
	uint32_t npages;
	int memfd;
	uint8_t *mem;
	struct fake_gnt *gnt; /* XENIO_FAKE_MAX_REFS */
};

/* A port is an index into ports[]: the guest's remote port and the
 * backend's local port are the same number here. */
struct fake_port {
	enum { P_FREE, P_UNBOUND, P_BOUND } st;
	uint32_t domid;
	bool pending;
	bool masked;
	unsigned notified; /* backend -> guest */
};

struct fake_map {
	void *addr;
	uint32_t count;
};

struct xenio_fake {
	struct xenio base;
	struct xs_handle *xs;
	struct fake_dom doms[XENIO_FAKE_MAX_DOMS];
	struct fake_port ports[XENIO_FAKE_MAX_PORTS];
	int efd;
	long mapped;
	unsigned fail_map, fail_copy;
	struct fake_map *maps;
	size_t nmaps, capmaps;
};

static struct xenio_fake *F(struct xenio *x)
{
	return (struct xenio_fake *)x;
}

static struct fake_dom *dom(struct xenio_fake *f, uint32_t domid)
{
	for (int i = 0; i < XENIO_FAKE_MAX_DOMS; i++)
		if (f->doms[i].used && f->doms[i].domid == domid)
			return &f->doms[i];
	return NULL;
}

/* Map: reserve a contiguous range, then put each granted page of the
 * domain's memfd at its place (the backend and the test share it). */
static int f_map(struct xenio *x, uint32_t domid, uint32_t count, const uint32_t *refs,
		 bool writable, void **addr)
{
	struct xenio_fake *f = F(x);
	struct fake_dom *d = dom(f, domid);
	if (!d || count == 0 || count > XENIO_MAP_MAX)
		return XCTL_ERR_INVAL;
	if (f->fail_map && --f->fail_map == 0)
		return XCTL_ERR_HV;
	for (uint32_t i = 0; i < count; i++) {
		if (refs[i] >= XENIO_FAKE_MAX_REFS || !d->gnt[refs[i]].granted)
			return XCTL_ERR_PERM;
		if (writable && d->gnt[refs[i]].readonly)
			return XCTL_ERR_PERM;
	}
	if (f->nmaps == f->capmaps) {
		size_t nc = f->capmaps ? f->capmaps * 2 : 64;
		struct fake_map *m = realloc(f->maps, nc * sizeof(*m));
		if (!m)
			return XCTL_ERR_NOMEM;
		f->maps = m;
		f->capmaps = nc;
	}
	size_t sz = (size_t)count * XENIO_PAGE_SIZE;
	uint8_t *base = mmap(NULL, sz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return XCTL_ERR_NOMEM;
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);
	for (uint32_t i = 0; i < count; i++) {
		off_t off = (off_t)d->gnt[refs[i]].page * XENIO_PAGE_SIZE;
		if (mmap(base + (size_t)i * XENIO_PAGE_SIZE, XENIO_PAGE_SIZE, prot,
			 MAP_SHARED | MAP_FIXED, d->memfd, off) == MAP_FAILED) {
			munmap(base, sz);
			return XCTL_ERR_NOMEM;
		}
	}
	f->maps[f->nmaps++] = (struct fake_map){ base, count };
	f->mapped += count;
	*addr = base;
	return 0;
}

static int f_unmap(struct xenio *x, void *addr, uint32_t count)
{
	struct xenio_fake *f = F(x);
	for (size_t i = 0; i < f->nmaps; i++) {
		if (f->maps[i].addr != addr)
			continue;
		if (f->maps[i].count != count)
			return XCTL_ERR_INVAL;
		munmap(addr, (size_t)count * XENIO_PAGE_SIZE);
		f->mapped -= count;
		f->maps[i] = f->maps[--f->nmaps];
		return 0;
	}
	return XCTL_ERR_NOTFOUND;
}

static int f_copy(struct xenio *x, struct xenio_copy *segs, uint32_t count)
{
	struct xenio_fake *f = F(x);
	for (uint32_t i = 0; i < count; i++) {
		struct xenio_copy *s = &segs[i];
		struct fake_dom *d = dom(f, s->domid);
		s->status = 0;
		if (f->fail_copy && --f->fail_copy == 0) {
			s->status = XCTL_ERR_HV;
			continue;
		}
		if (!d || s->ref >= XENIO_FAKE_MAX_REFS || !d->gnt[s->ref].granted ||
		    (uint32_t)s->offset + s->len > XENIO_PAGE_SIZE) {
			s->status = XCTL_ERR_PERM;
			continue;
		}
		if (s->dir == XENIO_COPY_TO_GUEST && d->gnt[s->ref].readonly) {
			s->status = XCTL_ERR_PERM;
			continue;
		}
		uint8_t *p = d->mem + (size_t)d->gnt[s->ref].page * XENIO_PAGE_SIZE + s->offset;
		if (s->dir == XENIO_COPY_TO_GUEST)
			memcpy(p, s->local, s->len);
		else
			memcpy(s->local, p, s->len);
	}
	return 0;
}

static void raise_efd(struct xenio_fake *f)
{
	uint64_t one = 1;
	if (write(f->efd, &one, sizeof(one)) < 0) {
		/* the counter is saturated: it is readable anyway */
	}
}

static int f_bind(struct xenio *x, uint32_t domid, uint32_t remote, uint32_t *local)
{
	struct xenio_fake *f = F(x);
	if (remote >= XENIO_FAKE_MAX_PORTS || f->ports[remote].st != P_UNBOUND ||
	    f->ports[remote].domid != domid)
		return XCTL_ERR_INVAL;
	f->ports[remote].st = P_BOUND;
	f->ports[remote].pending = false;
	f->ports[remote].masked = false;
	*local = remote;
	return 0;
}

static struct fake_port *bound(struct xenio_fake *f, uint32_t port)
{
	if (port >= XENIO_FAKE_MAX_PORTS || f->ports[port].st != P_BOUND)
		return NULL;
	return &f->ports[port];
}

static int f_unbind(struct xenio *x, uint32_t port)
{
	struct fake_port *p = bound(F(x), port);
	if (!p)
		return XCTL_ERR_INVAL;
	p->st = P_FREE;
	return 0;
}

static int f_notify(struct xenio *x, uint32_t port)
{
	struct fake_port *p = bound(F(x), port);
	if (!p)
		return XCTL_ERR_INVAL;
	p->notified++;
	return 0;
}

static int f_unmask(struct xenio *x, uint32_t port)
{
	struct xenio_fake *f = F(x);
	struct fake_port *p = bound(f, port);
	if (!p)
		return XCTL_ERR_INVAL;
	p->masked = false;
	if (p->pending)
		raise_efd(f);
	return 0;
}

static int f_evtchn_fd(struct xenio *x)
{
	return F(x)->efd;
}

static int f_pending(struct xenio *x, uint32_t *port)
{
	struct xenio_fake *f = F(x);
	for (uint32_t i = 0; i < XENIO_FAKE_MAX_PORTS; i++) {
		struct fake_port *p = &f->ports[i];
		if (p->st == P_BOUND && p->pending && !p->masked) {
			p->pending = false;
			p->masked = true;
			*port = i;
			return 0;
		}
	}
	uint64_t v;
	if (read(f->efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing was counted */
	}
	return XCTL_ERR_AGAIN;
}

#define XSOP(name, ...)                                                   \
	do {                                                              \
		struct xenio_fake *f = F(x);                              \
		if (!f->xs)                                               \
			return XCTL_ERR_UNSUPPORTED;                      \
		return xenio_xs_##name(f->xs, __VA_ARGS__);               \
	} while (0)

static int f_xs_read(struct xenio *x, xenio_txn t, const char *p, char **v, size_t *l)
{
	XSOP(read, t, p, v, l);
}
static int f_xs_write(struct xenio *x, xenio_txn t, const char *p, const char *v)
{
	XSOP(write, t, p, v);
}
static int f_xs_rm(struct xenio *x, xenio_txn t, const char *p)
{
	XSOP(rm, t, p);
}
static int f_xs_dir(struct xenio *x, xenio_txn t, const char *p, char ***names, unsigned *n)
{
	XSOP(directory, t, p, names, n);
}
static int f_xs_watch(struct xenio *x, const char *p, const char *tok)
{
	XSOP(watch, p, tok);
}
static int f_xs_unwatch(struct xenio *x, const char *p, const char *tok)
{
	XSOP(unwatch, p, tok);
}
static int f_xs_fd(struct xenio *x)
{
	struct xenio_fake *f = F(x);
	return f->xs ? xenio_xs_fd(f->xs) : -1;
}
static int f_xs_read_watch(struct xenio *x, char **p, char **tok)
{
	XSOP(read_watch, p, tok);
}
static int f_xs_txn_start(struct xenio *x, xenio_txn *t)
{
	XSOP(txn_start, t);
}
static int f_xs_txn_end(struct xenio *x, xenio_txn t, bool abort)
{
	XSOP(txn_end, t, abort);
}

static uint32_t f_self(struct xenio *x)
{
	(void)x;
	return 0;
}

static void f_close(struct xenio *x)
{
	struct xenio_fake *f = F(x);
	for (size_t i = 0; i < f->nmaps; i++)
		munmap(f->maps[i].addr, (size_t)f->maps[i].count * XENIO_PAGE_SIZE);
	free(f->maps);
	for (int i = 0; i < XENIO_FAKE_MAX_DOMS; i++) {
		struct fake_dom *d = &f->doms[i];
		if (!d->used)
			continue;
		munmap(d->mem, (size_t)d->npages * XENIO_PAGE_SIZE);
		close(d->memfd);
		free(d->gnt);
	}
	xenio_xs_close(f->xs);
	close(f->efd);
	free(f);
}

static const struct xenio_ops fake_ops = {
	.name = "fake",
	.map = f_map,
	.unmap = f_unmap,
	.copy = f_copy,
	.evtchn_bind = f_bind,
	.evtchn_unbind = f_unbind,
	.evtchn_notify = f_notify,
	.evtchn_unmask = f_unmask,
	.evtchn_fd = f_evtchn_fd,
	.evtchn_pending = f_pending,
	.xs_read = f_xs_read,
	.xs_write = f_xs_write,
	.xs_rm = f_xs_rm,
	.xs_directory = f_xs_dir,
	.xs_watch = f_xs_watch,
	.xs_unwatch = f_xs_unwatch,
	.xs_fd = f_xs_fd,
	.xs_read_watch = f_xs_read_watch,
	.xs_txn_start = f_xs_txn_start,
	.xs_txn_end = f_xs_txn_end,
	.self_domid = f_self,
	.close = f_close,
};

int xenio_fake_open(const struct xctl_log *log, bool with_xs, struct xenio_fake **out)
{
	struct xenio_fake *f = calloc(1, sizeof(*f));
	if (!f)
		return XCTL_ERR_NOMEM;
	f->base.ops = &fake_ops;
	f->base.log = log;
	f->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (f->efd < 0) {
		free(f);
		return XCTL_ERR_IO;
	}
	if (with_xs) {
		f->xs = xenio_xs_open();
		if (!f->xs) {
			xctl_err_log(log, "xenio fake: cannot connect to xenstored: %s",
				     strerror(errno));
			close(f->efd);
			free(f);
			return XCTL_ERR_XENSTORE;
		}
	}
	*out = f;
	return 0;
}

struct xenio *xenio_fake_base(struct xenio_fake *f)
{
	return &f->base;
}

int xenio_fake_add_dom(struct xenio_fake *f, uint32_t domid, uint32_t npages)
{
	for (int i = 0; i < XENIO_FAKE_MAX_DOMS; i++) {
		struct fake_dom *d = &f->doms[i];
		if (d->used)
			continue;
		d->memfd = memfd_create("xenio-fake", MFD_CLOEXEC);
		if (d->memfd < 0)
			return XCTL_ERR_IO;
		size_t sz = (size_t)npages * XENIO_PAGE_SIZE;
		if (ftruncate(d->memfd, (off_t)sz) < 0)
			goto fail;
		d->mem = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, d->memfd, 0);
		if (d->mem == MAP_FAILED)
			goto fail;
		d->gnt = calloc(XENIO_FAKE_MAX_REFS, sizeof(*d->gnt));
		if (!d->gnt) {
			munmap(d->mem, sz);
			goto fail;
		}
		d->used = true;
		d->domid = domid;
		d->npages = npages;
		return 0;
	fail:
		close(d->memfd);
		return XCTL_ERR_NOMEM;
	}
	return XCTL_ERR_LIMIT;
}

void *xenio_fake_page(struct xenio_fake *f, uint32_t domid, uint32_t page)
{
	struct fake_dom *d = dom(f, domid);
	if (!d || page >= d->npages)
		return NULL;
	return d->mem + (size_t)page * XENIO_PAGE_SIZE;
}

int xenio_fake_grant(struct xenio_fake *f, uint32_t domid, uint32_t ref, uint32_t page,
		     bool readonly)
{
	struct fake_dom *d = dom(f, domid);
	if (!d || ref >= XENIO_FAKE_MAX_REFS || page >= d->npages)
		return XCTL_ERR_INVAL;
	d->gnt[ref] = (struct fake_gnt){ true, readonly, page };
	return 0;
}

int xenio_fake_revoke(struct xenio_fake *f, uint32_t domid, uint32_t ref)
{
	struct fake_dom *d = dom(f, domid);
	if (!d || ref >= XENIO_FAKE_MAX_REFS)
		return XCTL_ERR_INVAL;
	d->gnt[ref].granted = false;
	return 0;
}

int xenio_fake_alloc_unbound(struct xenio_fake *f, uint32_t domid, uint32_t *port)
{
	for (uint32_t i = 1; i < XENIO_FAKE_MAX_PORTS; i++) {
		if (f->ports[i].st != P_FREE)
			continue;
		f->ports[i] = (struct fake_port){ .st = P_UNBOUND, .domid = domid };
		*port = i;
		return 0;
	}
	return XCTL_ERR_LIMIT;
}

int xenio_fake_guest_notify(struct xenio_fake *f, uint32_t domid, uint32_t port)
{
	if (port >= XENIO_FAKE_MAX_PORTS || f->ports[port].domid != domid)
		return XCTL_ERR_INVAL;
	struct fake_port *p = &f->ports[port];
	if (p->st != P_BOUND)
		return 0; /* nobody listens: the event is lost, as in Xen */
	p->pending = true;
	if (!p->masked)
		raise_efd(f);
	return 0;
}

unsigned xenio_fake_notified(struct xenio_fake *f, uint32_t domid, uint32_t port)
{
	if (port >= XENIO_FAKE_MAX_PORTS || f->ports[port].domid != domid)
		return 0;
	return f->ports[port].notified;
}

bool xenio_fake_bound(struct xenio_fake *f, uint32_t domid, uint32_t port)
{
	return port < XENIO_FAKE_MAX_PORTS && f->ports[port].st == P_BOUND &&
	       f->ports[port].domid == domid;
}

long xenio_fake_mapped_pages(struct xenio_fake *f)
{
	return f->mapped;
}

void xenio_fake_fail_map(struct xenio_fake *f, unsigned nth)
{
	f->fail_map = nth;
}

void xenio_fake_fail_copy(struct xenio_fake *f, unsigned nth)
{
	f->fail_copy = nth;
}
