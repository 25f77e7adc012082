/* SPDX-License-Identifier: LGPL-2.1-only */
/* libsimd: grant maps and copies, guest pages and grant table, event
 * channels, the guest's console and xenstore. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/err.h"
#include "sim/simd/lib.h"

static void close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		close(fds[i]);
}

/* ---- grant maps ---------------------------------------------------- */

int simd_grant_map(struct simd *s, uint32_t domid, const uint32_t *refs, uint32_t count, bool readonly,
		   struct simd_grant_map **out)
{
	if (count == 0 || count > SIMD_MAP_MAX_REFS)
		return XCTL_ERR_INVAL;
	struct wire_map w = { domid, count, readonly ? 1u : 0u, 0, { 0 } };
	memcpy(w.refs, refs, count * sizeof(*refs));
	struct wire_handle h;
	int fds[SIMD_WIRE_MAX_FDS], nfds = 0;
	int rc = simd_lib_call(s, SIMD_REQ_GNT_MAP, &w, sizeof(w), &h, sizeof(h), NULL, fds, SIMD_WIRE_MAX_FDS,
			       &nfds);
	if (rc)
		return rc;
	struct lib_map *m = NULL;
	size_t len = (size_t)count * SIMD_PAGE_SIZE;
	void *base = MAP_FAILED;
	if ((uint32_t)nfds != count) {
		rc = XCTL_ERR_PROTO;
		goto fail;
	}
	base = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED || !(m = calloc(1, sizeof(*m)))) {
		rc = XCTL_ERR_NOMEM;
		goto fail;
	}
	int prot = readonly ? PROT_READ : PROT_READ | PROT_WRITE;
	for (uint32_t i = 0; i < count; i++) {
		void *p = mmap((char *)base + (size_t)i * SIMD_PAGE_SIZE, SIMD_PAGE_SIZE, prot, MAP_SHARED | MAP_FIXED,
			       fds[i], 0);
		if (p == MAP_FAILED) {
			rc = XCTL_ERR_IO;
			goto fail;
		}
	}
	close_fds(fds, nfds);
	m->pub.addr = base;
	m->pub.domid = domid;
	m->pub.count = count;
	m->pub.readonly = readonly;
	m->pub.handle = h.handle;
	m->next = s->maps;
	s->maps = m;
	*out = &m->pub;
	return 0;
fail:
	close_fds(fds, nfds);
	if (base != MAP_FAILED)
		munmap(base, len);
	free(m);
	struct wire_handle u = { h.handle, 0 };
	simd_lib_call(s, SIMD_REQ_GNT_UNMAP, &u, sizeof(u), NULL, 0, NULL, NULL, 0, NULL);
	return rc;
}

int simd_grant_unmap(struct simd *s, struct simd_grant_map *pub)
{
	if (!pub)
		return 0;
	struct lib_map **pp = &s->maps;
	while (*pp && &(*pp)->pub != pub)
		pp = &(*pp)->next;
	if (!*pp)
		return XCTL_ERR_INVAL;
	struct lib_map *m = *pp;
	*pp = m->next;
	munmap(m->pub.addr, (size_t)m->pub.count * SIMD_PAGE_SIZE);
	struct wire_handle h = { m->pub.handle, 0 };
	free(m);
	return simd_lib_call(s, SIMD_REQ_GNT_UNMAP, &h, sizeof(h), NULL, 0, NULL, NULL, 0, NULL);
}

int simd_grant_copy(struct simd *s, struct simd_grant_copy_seg *segs, size_t n)
{
	if (n == 0 || n > SIMD_COPY_MAX_SEGS)
		return XCTL_ERR_INVAL;
	size_t cap = sizeof(struct wire_copy) + n * sizeof(struct wire_copy_seg) + n * SIMD_PAGE_SIZE;
	unsigned char *req = malloc(cap), *rep = malloc(cap);
	int rc = 0;
	if (!req || !rep) {
		rc = XCTL_ERR_NOMEM;
		goto out;
	}
	struct wire_copy wc = { (uint32_t)n, 0 };
	memcpy(req, &wc, sizeof(wc));
	size_t off = sizeof(wc) + n * sizeof(struct wire_copy_seg);
	for (size_t i = 0; i < n; i++) {
		const struct simd_grant_copy_seg *g = &segs[i];
		if (g->len == 0 || g->len > SIMD_PAGE_SIZE || (!g->source.virt && g->source.offset + g->len > SIMD_PAGE_SIZE) ||
		    (!g->dest.virt && g->dest.offset + g->len > SIMD_PAGE_SIZE) || (g->source.virt && g->dest.virt)) {
			rc = XCTL_ERR_INVAL;
			goto out;
		}
		struct wire_copy_seg ws = { 0 };
		ws.src_domid = g->source.virt ? SIMD_COPY_LOCAL : g->source.domid;
		ws.src_ref = g->source.ref;
		ws.src_offset = g->source.virt ? 0 : g->source.offset;
		ws.dst_domid = g->dest.virt ? SIMD_COPY_LOCAL : g->dest.domid;
		ws.dst_ref = g->dest.ref;
		ws.dst_offset = g->dest.virt ? 0 : g->dest.offset;
		ws.len = g->len;
		memcpy(req + sizeof(wc) + i * sizeof(ws), &ws, sizeof(ws));
		if (g->source.virt) {
			memcpy(req + off, g->source.virt, g->len);
			off += g->len;
		}
	}
	size_t rlen;
	rc = simd_lib_call(s, SIMD_REQ_GNT_COPY, req, off, rep, cap, &rlen, NULL, 0, NULL);
	if (rc)
		goto out;
	size_t stlen = (n * sizeof(int16_t) + 7) & ~(size_t)7;
	if (rlen < stlen) {
		rc = XCTL_ERR_PROTO;
		goto out;
	}
	size_t pos = stlen;
	for (size_t i = 0; i < n; i++) {
		int16_t st;
		memcpy(&st, rep + i * sizeof(st), sizeof(st));
		segs[i].status = st;
		if (st == GNTST_okay && segs[i].dest.virt) {
			if (pos + segs[i].len > rlen) {
				rc = XCTL_ERR_PROTO;
				goto out;
			}
			memcpy(segs[i].dest.virt, rep + pos, segs[i].len);
			pos += segs[i].len;
		}
	}
	if (pos != rlen)
		rc = XCTL_ERR_PROTO;
out:
	free(req);
	free(rep);
	return rc;
}

/* ---- guest pages and grant table ----------------------------------- */

int simd_page_alloc(struct simd *s, struct simd_page **out)
{
	struct wire_gfn g;
	int fd = -1, nfds = 0;
	int rc = simd_lib_call(s, SIMD_REQ_PAGE_ALLOC, NULL, 0, &g, sizeof(g), NULL, &fd, 1, &nfds);
	if (rc)
		return rc;
	struct lib_page *p = nfds == 1 ? calloc(1, sizeof(*p)) : NULL;
	void *a = p ? mmap(NULL, SIMD_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
	if (nfds == 1)
		close(fd);
	if (a == MAP_FAILED) {
		free(p);
		struct wire_gfn f = { g.gfn };
		simd_lib_call(s, SIMD_REQ_PAGE_FREE, &f, sizeof(f), NULL, 0, NULL, NULL, 0, NULL);
		return nfds == 1 ? XCTL_ERR_NOMEM : XCTL_ERR_PROTO;
	}
	p->pub.addr = a;
	p->pub.gfn = g.gfn;
	p->next = s->pages;
	s->pages = p;
	*out = &p->pub;
	return 0;
}

int simd_page_free(struct simd *s, struct simd_page *pub)
{
	if (!pub)
		return 0;
	struct lib_page **pp = &s->pages;
	while (*pp && &(*pp)->pub != pub)
		pp = &(*pp)->next;
	if (!*pp)
		return XCTL_ERR_INVAL;
	struct lib_page *p = *pp;
	*pp = p->next;
	struct wire_gfn g = { p->pub.gfn };
	munmap(p->pub.addr, SIMD_PAGE_SIZE);
	free(p);
	return simd_lib_call(s, SIMD_REQ_PAGE_FREE, &g, sizeof(g), NULL, 0, NULL, NULL, 0, NULL);
}

int simd_gnttab_setup(struct simd *s, uint32_t nr_frames, grant_entry_v1_t **table, uint32_t *nr_entries)
{
	struct wire_gnttab w = { nr_frames, 0 }, r;
	int fd = -1, nfds = 0;
	int rc = simd_lib_call(s, SIMD_REQ_GNTTAB_SETUP, &w, sizeof(w), &r, sizeof(r), NULL, &fd, 1, &nfds);
	if (rc)
		return rc;
	if (nfds != 1 || r.nr_frames > r.max_frames || r.max_frames > SIMD_MAX_GRANT_FRAMES) {
		if (nfds == 1)
			close(fd);
		return XCTL_ERR_PROTO;
	}
	if (!s->gt) {
		/* the whole table at once: the pointer stays valid as it grows */
		size_t len = (size_t)r.max_frames * SIMD_PAGE_SIZE;
		void *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (a == MAP_FAILED) {
			close(fd);
			return XCTL_ERR_NOMEM;
		}
		s->gt = a;
		s->gt_len = len;
	}
	close(fd);
	*table = s->gt;
	if (nr_entries)
		*nr_entries = r.nr_frames * (uint32_t)SIMD_GRANT_ENTRIES_PER_FRAME;
	return 0;
}

void simd_gnttab_grant(grant_entry_v1_t *table, uint32_t ref, uint32_t domid, uint64_t gfn, bool readonly)
{
	table[ref].frame = (uint32_t)gfn;
	table[ref].domid = (domid_t)domid;
	uint16_t flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
	__atomic_store_n(&table[ref].flags, flags, __ATOMIC_RELEASE);
}

int simd_gnttab_end(grant_entry_v1_t *table, uint32_t ref)
{
	uint16_t flags = __atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE);
	do {
		if (flags & (GTF_reading | GTF_writing))
			return XCTL_ERR_BUSY;
	} while (!__atomic_compare_exchange_n(&table[ref].flags, &flags, 0, false, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	return 0;
}

/* ---- event channels ------------------------------------------------ */

static struct lib_port *find_port(const struct simd *s, uint32_t port)
{
	for (size_t i = 0; i < s->nports; i++)
		if (s->ports[i].port == port)
			return &s->ports[i];
	return NULL;
}

static void epoll_set(struct simd *s, struct lib_port *p, bool on)
{
	if (s->epfd < 0)
		return;
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = p->port };
	epoll_ctl(s->epfd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, p->in, &ev);
}

/* Keep the two fds that came with a port reply (closes them on failure). */
static int add_port(struct simd *s, uint32_t port, int *fds, int nfds)
{
	if (nfds != 2) {
		close_fds(fds, nfds);
		return XCTL_ERR_PROTO;
	}
	if (find_port(s, port)) {
		close_fds(fds, nfds);
		return 0;
	}
	if (s->nports == s->ports_cap) {
		size_t n = s->ports_cap ? s->ports_cap * 2 : 8;
		struct lib_port *np = realloc(s->ports, n * sizeof(*np));
		if (!np) {
			close_fds(fds, nfds);
			return XCTL_ERR_NOMEM;
		}
		s->ports = np;
		s->ports_cap = n;
	}
	struct lib_port *p = &s->ports[s->nports++];
	p->port = port;
	p->in = fds[0];
	p->out = fds[1];
	p->masked = false;
	epoll_set(s, p, true);
	return 0;
}

static int port_call(struct simd *s, uint32_t type, const void *body, size_t len, uint32_t *port, bool fds_expected)
{
	struct wire_port r;
	int fds[SIMD_WIRE_MAX_FDS], nfds = 0;
	int rc = simd_lib_call(s, type, body, len, &r, sizeof(r), NULL, fds, SIMD_WIRE_MAX_FDS, &nfds);
	if (rc)
		return rc;
	if (port)
		*port = r.port;
	if (!fds_expected) {
		close_fds(fds, nfds);
		return 0;
	}
	return add_port(s, r.port, fds, nfds);
}

int simd_evtchn_alloc_unbound(struct simd *s, uint32_t dom, uint32_t remote_dom, uint32_t *port)
{
	struct wire_evt_alloc w = { dom, remote_dom };
	bool self = dom == SIMD_DOMID_SELF || dom == s->domid;
	return port_call(s, SIMD_REQ_EVT_ALLOC_UNBOUND, &w, sizeof(w), port, self);
}

int simd_evtchn_bind_interdomain(struct simd *s, uint32_t remote_dom, uint32_t remote_port, uint32_t *local_port)
{
	struct wire_evt_bind w = { remote_dom, remote_port };
	return port_call(s, SIMD_REQ_EVT_BIND, &w, sizeof(w), local_port, true);
}

int simd_evtchn_open(struct simd *s, uint32_t port)
{
	if (find_port(s, port))
		return 0;
	struct wire_port w = { port, 0 };
	return port_call(s, SIMD_REQ_EVT_OPEN, &w, sizeof(w), NULL, true);
}

int simd_evtchn_notify(struct simd *s, uint32_t port)
{
	struct lib_port *p = find_port(s, port);
	if (!p)
		return XCTL_ERR_NOTFOUND;
	uint64_t one = 1;
	if (write(p->out, &one, sizeof(one)) < 0 && errno != EAGAIN)
		return XCTL_ERR_IO;
	return 0;
}

int simd_evtchn_fd(const struct simd *s, uint32_t port)
{
	const struct lib_port *p = find_port(s, port);
	return p ? p->in : -1;
}

static int consume(struct lib_port *p)
{
	if (p->masked)
		return 0;
	uint64_t v;
	return read(p->in, &v, sizeof(v)) == (ssize_t)sizeof(v) ? 1 : 0;
}

int simd_evtchn_consume(struct simd *s, uint32_t port)
{
	struct lib_port *p = find_port(s, port);
	return p ? consume(p) : XCTL_ERR_NOTFOUND;
}

int simd_evtchn_epoll_fd(struct simd *s)
{
	if (s->epfd >= 0)
		return s->epfd;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0)
		return XCTL_ERR_IO;
	for (size_t i = 0; i < s->nports; i++)
		if (!s->ports[i].masked)
			epoll_set(s, &s->ports[i], true);
	return s->epfd;
}

int simd_evtchn_pending(struct simd *s, uint32_t *port)
{
	*port = 0;
	int ep = simd_evtchn_epoll_fd(s);
	if (ep < 0)
		return ep;
	struct epoll_event evs[16];
	int n = epoll_wait(ep, evs, 16, 0);
	for (int i = 0; i < n; i++) {
		struct lib_port *p = find_port(s, evs[i].data.u32);
		if (p && consume(p)) {
			*port = p->port;
			return 0;
		}
	}
	return 0;
}

int simd_evtchn_mask(struct simd *s, uint32_t port)
{
	struct lib_port *p = find_port(s, port);
	if (!p)
		return XCTL_ERR_NOTFOUND;
	if (!p->masked)
		epoll_set(s, p, false);
	p->masked = true;
	return 0;
}

int simd_evtchn_unmask(struct simd *s, uint32_t port)
{
	struct lib_port *p = find_port(s, port);
	if (!p)
		return XCTL_ERR_NOTFOUND;
	if (p->masked)
		epoll_set(s, p, true);
	p->masked = false;
	return 0;
}

static void drop_port(struct simd *s, struct lib_port *p)
{
	if (!p->masked)
		epoll_set(s, p, false);
	close(p->in);
	close(p->out);
	*p = s->ports[--s->nports];
}

int simd_evtchn_close(struct simd *s, uint32_t port)
{
	struct wire_port w = { port, 0 };
	int rc = simd_lib_call(s, SIMD_REQ_EVT_CLOSE, &w, sizeof(w), NULL, 0, NULL, NULL, 0, NULL);
	struct lib_port *p = find_port(s, port);
	if (p)
		drop_port(s, p);
	return rc;
}

int simd_evtchn_status(struct simd *s, uint32_t dom, uint32_t port, struct simd_evtchn_status *out)
{
	struct wire_evt_status_req w = { dom, port };
	struct wire_evt_status r;
	int rc = simd_lib_call(s, SIMD_REQ_EVT_STATUS, &w, sizeof(w), &r, sizeof(r), NULL, NULL, 0, NULL);
	if (rc)
		return rc;
	if (r.state > SIMD_EVTCHN_INTERDOMAIN)
		return XCTL_ERR_PROTO;
	out->state = (enum simd_evtchn_state)r.state;
	out->remote_dom = r.remote_dom;
	out->remote_port = r.remote_port;
	return 0;
}

/* ---- the guest's console and xenstore ------------------------------ */

int simd_guest_console(struct simd *s, struct simd_console *out)
{
	struct wire_console r;
	int fd = -1, nfds = 0;
	int rc = simd_lib_call(s, SIMD_REQ_GUEST_CONSOLE, NULL, 0, &r, sizeof(r), NULL, &fd, 1, &nfds);
	if (rc)
		return rc;
	if (nfds != 1)
		return XCTL_ERR_PROTO;
	if (!s->console) {
		void *a = mmap(NULL, SIMD_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (a == MAP_FAILED) {
			close(fd);
			return XCTL_ERR_NOMEM;
		}
		s->console = a;
	}
	close(fd);
	if ((rc = simd_evtchn_open(s, r.port)))
		return rc;
	out->ring = s->console;
	out->gfn = r.gfn;
	out->port = r.port;
	return 0;
}

int simd_guest_xenstore(struct simd *s, char *path, size_t pathsz, uint32_t *port, uint64_t *gfn)
{
	struct wire_xenstore r;
	int rc = simd_lib_call(s, SIMD_REQ_GUEST_XENSTORE, NULL, 0, &r, sizeof(r), NULL, NULL, 0, NULL);
	if (rc)
		return rc;
	r.path[sizeof(r.path) - 1] = '\0';
	if (path && (size_t)snprintf(path, pathsz, "%s", r.path) >= pathsz)
		return XCTL_ERR_LIMIT;
	if (port)
		*port = r.port;
	if (gfn)
		*gfn = r.gfn;
	return 0;
}

int simd_guest_ready(struct simd *s)
{
	return simd_lib_call(s, SIMD_REQ_GUEST_READY, NULL, 0, NULL, 0, NULL, NULL, 0, NULL);
}

void simd_lib_io_close(struct simd *s)
{
	while (s->maps) {
		struct lib_map *m = s->maps;
		s->maps = m->next;
		munmap(m->pub.addr, (size_t)m->pub.count * SIMD_PAGE_SIZE);
		free(m);
	}
	while (s->pages) {
		struct lib_page *p = s->pages;
		s->pages = p->next;
		munmap(p->pub.addr, SIMD_PAGE_SIZE);
		free(p);
	}
	while (s->nports)
		drop_port(s, &s->ports[s->nports - 1]);
	free(s->ports);
	if (s->epfd >= 0)
		close(s->epfd);
	if (s->gt)
		munmap(s->gt, s->gt_len);
	if (s->console)
		munmap(s->console, SIMD_PAGE_SIZE);
}
