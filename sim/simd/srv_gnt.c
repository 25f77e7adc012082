/* SPDX-License-Identifier: LGPL-2.1-only */
/* Guest pages and grant tables, with Xen's rules on map, unmap and copy.
 *
 * A guest page is a memfd of exactly 4096 bytes, sealed so that nobody can
 * grow or shrink it; xctl-simd keeps the fd, the guest maps it read-write,
 * a mapper that passes the grant check gets that one fd (a read-only
 * reopening for a read-only map). The grant table is one memfd of
 * max_grant_frames pages shared by xctl-simd and the guest; its entries are
 * Xen's grant_entry_v1_t, written by the guest and checked and flagged
 * here with compare-and-swap as Xen does (_set_status_v1). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/err.h"
#include "sim/simd/srv.h"

#define EPF SIMD_GRANT_ENTRIES_PER_FRAME

/* ---- pages -------------------------------------------------------- */

static int sealed_memfd(const char *name, size_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)size) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
		close(fd);
		return -1;
	}
	return fd;
}

bool srv_fds_take(struct srv *sv, uint32_t n)
{
	if (sv->fds_used + n > sv->fds_max)
		return false;
	sv->fds_used += n;
	return true;
}

void srv_fds_give(struct srv *sv, uint32_t n)
{
	sv->fds_used -= n;
}

struct srv_page *srv_page_new(struct srv *sv, struct srv_dom *d)
{
	if (d->nr_pages >= d->max_pages || !srv_fds_take(sv, 1))
		return NULL;
	uint32_t idx = 0;
	while (idx < d->npages_slots && d->pages[idx])
		idx++;
	if (idx == d->npages_slots) {
		uint32_t n = d->npages_slots ? d->npages_slots * 2 : 4;
		if (n > d->max_pages)
			n = d->max_pages;
		struct srv_page **np = realloc(d->pages, n * sizeof(*np));
		if (!np)
			return NULL;
		memset(np + d->npages_slots, 0, (n - d->npages_slots) * sizeof(*np));
		d->pages = np;
		d->npages_slots = n;
	}
	struct srv_page *p = calloc(1, sizeof(*p));
	if (!p) {
		srv_fds_give(sv, 1);
		return NULL;
	}
	p->fd = sealed_memfd("simd-page", SIMD_PAGE_SIZE);
	if (p->fd < 0) {
		srv_fds_give(sv, 1);
		free(p);
		return NULL;
	}
	p->sv = sv;
	p->refs = 1;
	p->gfn = SRV_GFN_BASE + idx;
	d->pages[idx] = p;
	d->nr_pages++;
	return p;
}

void srv_page_put(struct srv_page *p)
{
	if (!p || --p->refs)
		return;
	if (p->map)
		munmap(p->map, SIMD_PAGE_SIZE);
	close(p->fd);
	srv_fds_give(p->sv, 1);
	free(p);
}

static struct srv_page *page_of(const struct srv_dom *d, uint64_t gfn)
{
	if (gfn < SRV_GFN_BASE || gfn - SRV_GFN_BASE >= d->npages_slots)
		return NULL;
	return d->pages[gfn - SRV_GFN_BASE];
}

static unsigned char *page_map(struct srv_page *p)
{
	if (!p->map) {
		void *m = mmap(NULL, SIMD_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, p->fd, 0);
		if (m == MAP_FAILED)
			return NULL;
		p->map = m;
	}
	return p->map;
}

/* ---- the grant table ---------------------------------------------- */

int srv_gnt_dom_init(struct srv *sv, struct srv_dom *d)
{
	size_t size = (size_t)d->gt_max_frames * SIMD_PAGE_SIZE;
	d->gt_fd = sealed_memfd("simd-gnttab", size);
	if (d->gt_fd < 0)
		return XCTL_ERR_IO;
	void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, d->gt_fd, 0);
	if (m == MAP_FAILED)
		return XCTL_ERR_IO;
	d->gt = m;
	d->gt_frames = 1;
	d->act = calloc(d->gt_max_frames, sizeof(struct srv_active *));
	if (!d->act)
		return XCTL_ERR_NOMEM;
	d->console_page = srv_page_new(sv, d);
	d->store_page = srv_page_new(sv, d);
	if (!d->console_page || !d->store_page)
		return XCTL_ERR_NOMEM;
	return 0;
}

void srv_gnt_set_builder_entries(struct srv_dom *d)
{
	/* as xc_dom_gnttab_init: frame and domid, then the flags */
	d->gt[SIMD_GREF_CONSOLE].domid = 0;
	d->gt[SIMD_GREF_CONSOLE].frame = (uint32_t)d->console_page->gfn;
	d->gt[SIMD_GREF_XENSTORE].domid = 0;
	d->gt[SIMD_GREF_XENSTORE].frame = (uint32_t)d->store_page->gfn;
	__atomic_store_n(&d->gt[SIMD_GREF_CONSOLE].flags, GTF_permit_access, __ATOMIC_RELEASE);
	__atomic_store_n(&d->gt[SIMD_GREF_XENSTORE].flags, GTF_permit_access, __ATOMIC_RELEASE);
}

static struct srv_active *active(struct srv_dom *d, uint32_t ref)
{
	struct srv_active **chunk = &d->act[ref / EPF];
	if (!*chunk)
		*chunk = calloc(EPF, sizeof(struct srv_active));
	return *chunk ? *chunk + ref % EPF : NULL;
}

/* flags and domid of an entry as one 32-bit word, as Xen's grant_combo */
static uint32_t *combo(struct srv_dom *d, uint32_t ref)
{
	return (uint32_t *)(void *)&d->gt[ref];
}

/* Xen's _set_status_v1: check (unless pinned) and set GTF_reading and, for
 * a writable use, GTF_writing, with compare-and-swap; a guest that keeps
 * changing the entry makes it fail after five tries. */
static int set_status(struct srv_dom *d, uint32_t ref, const struct srv_active *act, bool readonly,
		      uint32_t ldomid, bool mapping, const char **why)
{
	uint32_t *w = combo(d, ref);
	uint32_t cur = __atomic_load_n(w, __ATOMIC_ACQUIRE);
	bool pinned = act->pin_r || act->pin_w;
	uint16_t mask = GTF_type_mask | (mapping ? GTF_sub_page : 0);
	for (int tries = 0;; tries++) {
		uint16_t flags = (uint16_t)(cur & 0xffff);
		uint16_t domid = (uint16_t)(cur >> 16);
		if (!pinned && ((flags & mask) != GTF_permit_access || domid != ldomid)) {
			*why = (flags & GTF_type_mask) != GTF_permit_access ? "the entry does not permit access"
									     : "the entry grants another domain";
			return XCTL_ERR_PERM;
		}
		uint16_t nf = flags | GTF_reading;
		if (!readonly) {
			nf |= GTF_writing;
			if (flags & GTF_readonly) {
				*why = "the grant is read-only";
				return XCTL_ERR_PERM;
			}
		}
		uint32_t nw = (cur & 0xffff0000u) | nf;
		if (__atomic_compare_exchange_n(w, &cur, nw, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return 0;
		if (tries == 4) {
			*why = "the entry keeps changing";
			return XCTL_ERR_PERM;
		}
	}
}

static void clear_flags(struct srv_dom *d, uint32_t ref, uint16_t f)
{
	__atomic_fetch_and(&d->gt[ref].flags, (uint16_t)~f, __ATOMIC_ACQ_REL);
}

/* Release one pin; the last writable pin clears GTF_writing, the last pin
 * GTF_reading and the frame. */
static void unpin(struct srv_dom *d, uint32_t ref, bool readonly)
{
	struct srv_active *act = active(d, ref);
	if (readonly)
		act->pin_r--;
	else
		act->pin_w--;
	uint16_t clear = act->pin_w ? 0 : GTF_writing;
	if (!act->pin_r && !act->pin_w) {
		clear |= GTF_reading;
		srv_page_put(act->page);
		act->page = NULL;
	}
	clear_flags(d, ref, clear);
}

static int pin(struct srv_dom *rd, uint32_t ref, uint32_t ldomid, bool readonly, struct srv_reply *r)
{
	if (ref >= rd->gt_frames * EPF)
		return srv_fail(r, XCTL_ERR_NOTFOUND, "grant ref %u is beyond domain %u's table of %u entries",
				ref, rd->domid, rd->gt_frames * (uint32_t)EPF);
	struct srv_active *act = active(rd, ref);
	if (!act)
		return srv_fail(r, XCTL_ERR_NOMEM, "out of memory");
	bool pinned = act->pin_r || act->pin_w;
	if (pinned && act->domid != ldomid)
		return srv_fail(r, XCTL_ERR_PERM, "grant ref %u of domain %u is mapped by domain %u", ref,
				rd->domid, act->domid);
	if (act->pin_r + act->pin_w >= 0xffff)
		return srv_fail(r, XCTL_ERR_LIMIT, "grant ref %u of domain %u is mapped too often", ref,
				rd->domid);
	if (!pinned || (!readonly && !act->pin_w)) {
		const char *why = "";
		int rc = set_status(rd, ref, act, readonly, ldomid, true, &why);
		if (rc)
			return srv_fail(r, rc, "domain %u cannot map grant ref %u of domain %u: %s", ldomid, ref,
					rd->domid, why);
		if (!pinned) {
			uint32_t frame = __atomic_load_n(&rd->gt[ref].frame, __ATOMIC_ACQUIRE);
			struct srv_page *p = page_of(rd, frame);
			if (!p) {
				clear_flags(rd, ref, (uint16_t)(GTF_reading | (readonly ? 0 : GTF_writing)));
				return srv_fail(r, XCTL_ERR_PERM,
						"grant ref %u of domain %u names frame %#x, not a page of it", ref,
						rd->domid, frame);
			}
			p->refs++;
			act->page = p;
			act->domid = ldomid;
		}
	}
	if (readonly)
		act->pin_r++;
	else
		act->pin_w++;
	return 0;
}

static int grant_map(struct srv *sv, struct srv_conn *c, const struct wire_map *w, struct srv_reply *r)
{
	struct srv_dom *rd = srv_dom_get(sv, w->domid);
	if (!rd || rd->dying)
		return srv_fail(r, XCTL_ERR_NOTFOUND, "cannot map grants of domain %u: no such domain", w->domid);
	if (c->nmaps >= SRV_MAPS_PER_CONN)
		return srv_fail(r, XCTL_ERR_LIMIT, "domain %u: this connection holds %u grant maps already",
				c->domid, c->nmaps);
	if (c->nmaps == c->maps_cap) {
		uint32_t n = c->maps_cap ? c->maps_cap * 2 : 8;
		struct srv_map *nm = realloc(c->maps, n * sizeof(*nm));
		if (!nm)
			return srv_fail(r, XCTL_ERR_NOMEM, "out of memory");
		c->maps = nm;
		c->maps_cap = n;
	}
	bool ro = w->readonly;
	uint32_t i;
	int rc = 0;
	for (i = 0; i < w->count; i++)
		if ((rc = pin(rd, w->refs[i], c->domid, ro, r)))
			break;
	for (uint32_t k = 0; k < w->count && !rc; k++) {
		struct srv_page *p = active(rd, w->refs[k])->page;
		int fd;
		if (ro) {
			char path[64];
			snprintf(path, sizeof(path), "/proc/self/fd/%d", p->fd);
			fd = open(path, O_RDONLY | O_CLOEXEC);
		} else {
			fd = fcntl(p->fd, F_DUPFD_CLOEXEC, 0);
		}
		if (fd < 0) {
			rc = srv_fail(r, XCTL_ERR_IO, "cannot hand over a page: %s", strerror(errno));
			break;
		}
		r->fds[r->nfds++] = fd;
	}
	if (rc) {
		while (i-- > 0)
			unpin(rd, w->refs[i], ro);
		return rc;
	}
	struct srv_map *m = &c->maps[c->nmaps++];
	m->handle = ++sv->next_handle ? sv->next_handle : ++sv->next_handle;
	m->domid = rd->domid;
	m->count = w->count;
	m->readonly = ro;
	memcpy(m->refs, w->refs, sizeof(m->refs));
	rd->maps_of_it += w->count;
	struct srv_dom *ld = srv_dom_get(sv, c->domid);
	if (ld)
		ld->maps_by_it += w->count;
	struct wire_handle h = { m->handle, 0 };
	return srv_reply_add(r, &h, sizeof(h));
}

static void unmap_at(struct srv *sv, struct srv_conn *c, uint32_t i)
{
	struct srv_map m = c->maps[i];
	c->maps[i] = c->maps[--c->nmaps];
	struct srv_dom *rd = srv_dom_get(sv, m.domid);
	if (rd) {
		for (uint32_t k = 0; k < m.count; k++)
			unpin(rd, m.refs[k], m.readonly);
		rd->maps_of_it -= m.count;
	}
	struct srv_dom *ld = srv_dom_get(sv, c->domid);
	if (ld && ld->maps_by_it >= m.count)
		ld->maps_by_it -= m.count;
	if (rd)
		srv_dom_maybe_finish(sv, rd);
}

void srv_gnt_conn_gone(struct srv *sv, struct srv_conn *c)
{
	while (c->nmaps)
		unmap_at(sv, c, c->nmaps - 1);
}

/* ---- copy --------------------------------------------------------- */

struct copy_side {
	struct srv_dom *d;
	uint32_t ref;
	bool flagged;           /* we set flags that must be cleared after */
	bool readonly;
	unsigned char *mem;
};

static int16_t acquire(struct srv *sv, uint32_t ldomid, uint32_t domid, uint32_t ref, bool readonly,
		       struct copy_side *s)
{
	memset(s, 0, sizeof(*s));
	s->d = srv_dom_get(sv, domid);
	if (!s->d || s->d->dying || s->d->domid == 0)
		return GNTST_bad_domain;
	if (ref >= s->d->gt_frames * EPF)
		return GNTST_bad_gntref;
	struct srv_active *act = active(s->d, ref);
	if (!act)
		return GNTST_general_error;
	bool pinned = act->pin_r || act->pin_w;
	if (pinned && act->domid != ldomid)
		return GNTST_general_error;
	const char *why;
	struct srv_page *p = act->page;
	if (!pinned || (!readonly && !act->pin_w)) {
		if (set_status(s->d, ref, act, readonly, ldomid, false, &why))
			return GNTST_general_error;
		s->flagged = true;
		if (!pinned)
			p = page_of(s->d, __atomic_load_n(&s->d->gt[ref].frame, __ATOMIC_ACQUIRE));
	}
	s->ref = ref;
	s->readonly = readonly;
	s->mem = p ? page_map(p) : NULL;
	return s->mem ? GNTST_okay : GNTST_general_error;
}

static void release(struct copy_side *s)
{
	if (!s->flagged)
		return;
	struct srv_active *act = active(s->d, s->ref);
	uint16_t clear = 0;
	if (!s->readonly && !act->pin_w)
		clear |= GTF_writing;
	if (!act->pin_r && !act->pin_w)
		clear |= GTF_reading;
	clear_flags(s->d, s->ref, clear);
}

static int grant_copy(struct srv *sv, struct srv_conn *c, const struct simd_req_msg *m, struct srv_reply *r)
{
	struct wire_copy wc;
	memcpy(&wc, m->body, sizeof(wc));
	const unsigned char *segp = (const unsigned char *)m->body + sizeof(wc);
	const unsigned char *data = segp + wc.nsegs * sizeof(struct wire_copy_seg);
	int16_t st[SIMD_COPY_MAX_SEGS] = { 0 };
	size_t stlen = (wc.nsegs * sizeof(int16_t) + 7) & ~(size_t)7;
	unsigned char *out = r->body + stlen;
	size_t outlen = 0;
	for (uint32_t i = 0; i < wc.nsegs; i++) {
		struct wire_copy_seg s;
		memcpy(&s, segp + i * sizeof(s), sizeof(s));
		struct copy_side src = { 0 }, dst = { 0 };
		const unsigned char *from;
		unsigned char *to;
		int16_t rc = GNTST_okay;
		if (s.src_domid == SIMD_COPY_LOCAL) {
			from = data;
			data += s.len;
		} else {
			rc = acquire(sv, c->domid, s.src_domid, s.src_ref, true, &src);
			from = src.mem ? src.mem + s.src_offset : NULL;
		}
		if (rc == GNTST_okay) {
			if (s.dst_domid == SIMD_COPY_LOCAL) {
				to = out + outlen;
				outlen += s.len;
			} else {
				rc = acquire(sv, c->domid, s.dst_domid, s.dst_ref, false, &dst);
				to = dst.mem ? dst.mem + s.dst_offset : NULL;
			}
			if (rc == GNTST_okay)
				memmove(to, from, s.len);
			release(&dst);
		}
		release(&src);
		st[i] = rc;
	}
	memcpy(r->body, st, wc.nsegs * sizeof(int16_t));
	memset(r->body + wc.nsegs * sizeof(int16_t), 0, stlen - wc.nsegs * sizeof(int16_t));
	r->len = (uint32_t)(stlen + outlen);
	return 0;
}

/* ---- guest side --------------------------------------------------- */

static int page_alloc(struct srv *sv, struct srv_dom *d, struct srv_reply *r)
{
	if ((uint64_t)(d->nr_pages + 1) * 4 > d->target_kib)
		return srv_fail(r, XCTL_ERR_LIMIT, "domain %u: a page more would exceed its memory of %llu KiB",
				d->domid, (unsigned long long)d->target_kib);
	if (d->nr_pages >= d->max_pages)
		return srv_fail(r, XCTL_ERR_LIMIT, "domain %u holds %u grantable pages, its limit", d->domid,
				d->max_pages);
	if (sv->fds_used + 1 > sv->fds_max)
		return srv_fail(r, XCTL_ERR_LIMIT,
				"domain %u: cannot allocate a page: the host's %llu descriptors for pages and event "
				"channels are in use (destroy domains, or raise the open files limit)",
				d->domid, (unsigned long long)sv->fds_max);
	struct srv_page *p = srv_page_new(sv, d);
	if (!p)
		return srv_fail(r, XCTL_ERR_NOMEM, "domain %u: cannot allocate a page", d->domid);
	struct wire_gfn g = { p->gfn };
	int rc = srv_reply_add(r, &g, sizeof(g));
	return rc ? rc : srv_reply_fd(r, p->fd);
}

static int page_free(struct srv_dom *d, uint64_t gfn, struct srv_reply *r)
{
	struct srv_page *p = page_of(d, gfn);
	if (!p)
		return srv_fail(r, XCTL_ERR_NOTFOUND, "domain %u has no page %#llx", d->domid,
				(unsigned long long)gfn);
	if (p == d->console_page || p == d->store_page)
		return srv_fail(r, XCTL_ERR_INVAL, "domain %u: page %#llx is its console or xenstore page",
				d->domid, (unsigned long long)gfn);
	d->pages[gfn - SRV_GFN_BASE] = NULL;
	d->nr_pages--;
	srv_page_put(p);
	return 0;
}

int srv_gnt_handle(struct srv *sv, struct srv_conn *c, const struct simd_req_msg *m, struct srv_reply *r)
{
	struct srv_dom *self = srv_dom_get(sv, c->domid);
	switch (m->hdr.type) {
	case SIMD_REQ_GNT_MAP: {
		struct wire_map w;
		memcpy(&w, m->body, sizeof(w));
		return grant_map(sv, c, &w, r);
	}
	case SIMD_REQ_GNT_UNMAP: {
		struct wire_handle h;
		memcpy(&h, m->body, sizeof(h));
		for (uint32_t i = 0; i < c->nmaps; i++)
			if (c->maps[i].handle == h.handle) {
				unmap_at(sv, c, i);
				return 0;
			}
		return srv_fail(r, XCTL_ERR_NOTFOUND, "no grant map with handle %u on this connection", h.handle);
	}
	case SIMD_REQ_GNT_COPY:
		return grant_copy(sv, c, m, r);
	default:
		break;
	}
	if (!self || self->dying)
		return srv_fail(r, XCTL_ERR_NOTFOUND, "domain %u is gone", c->domid);
	switch (m->hdr.type) {
	case SIMD_REQ_PAGE_ALLOC:
		return page_alloc(sv, self, r);
	case SIMD_REQ_PAGE_FREE: {
		struct wire_gfn g;
		memcpy(&g, m->body, sizeof(g));
		return page_free(self, g.gfn, r);
	}
	case SIMD_REQ_GNTTAB_SETUP: {
		struct wire_gnttab g;
		memcpy(&g, m->body, sizeof(g));
		if (g.nr_frames < 1 || g.nr_frames > self->gt_max_frames)
			return srv_fail(r, XCTL_ERR_LIMIT,
					"domain %u: a grant table of %u frames is beyond its max_grant_frames %u",
					self->domid, g.nr_frames, self->gt_max_frames);
		if (g.nr_frames > self->gt_frames)
			self->gt_frames = g.nr_frames;
		struct wire_gnttab out = { self->gt_frames, self->gt_max_frames };
		int rc = srv_reply_add(r, &out, sizeof(out));
		return rc ? rc : srv_reply_fd(r, self->gt_fd);
	}
	default:
		return srv_fail(r, XCTL_ERR_INTERNAL, "request %u has no handler", m->hdr.type);
	}
}

void srv_gnt_dom_release(struct srv *sv, struct srv_dom *d)
{
	(void)sv;
	/* Its pages leave its table; mapped ones live on in the active entries. */
	for (uint32_t i = 0; i < d->npages_slots; i++) {
		srv_page_put(d->pages[i]);
		d->pages[i] = NULL;
	}
	d->nr_pages = 0;
	d->console_page = d->store_page = NULL;
}

void srv_gnt_dom_free(struct srv_dom *d)
{
	srv_gnt_dom_release(NULL, d);
	free(d->pages);
	d->pages = NULL;
	if (d->act) {
		for (uint32_t f = 0; f < d->gt_max_frames; f++) {
			struct srv_active *chunk = d->act[f];
			if (!chunk)
				continue;
			for (uint32_t e = 0; e < EPF; e++)
				srv_page_put(chunk[e].page);
			free(chunk);
		}
		free(d->act);
	}
	if (d->gt)
		munmap(d->gt, (size_t)d->gt_max_frames * SIMD_PAGE_SIZE);
	if (d->gt_fd >= 0)
		close(d->gt_fd);
}
