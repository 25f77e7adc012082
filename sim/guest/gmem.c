/* SPDX-License-Identifier: LGPL-2.1-only */
/* The guest's pages and grant references.
 *
 * Pages come from xctl-simd one at a time (simd_page_alloc). A multi-page
 * ring must be contiguous in the guest's address space, as in a kernel's
 * vmalloc area: the pages of a run are moved (mremap) into one reserved
 * range, and the run's page records point at their new place.
 *
 * Grant references are entries of the guest's own grant table, which it
 * writes itself (simd_gnttab_grant/_end). Entries 0..7 are reserved as in
 * Linux (GNTTAB_NR_RESERVED_ENTRIES); the table grows a frame at a time up
 * to the domain's max_grant_frames. Ending access to a grant the backend
 * still maps fails (the entry stays in use, as on Xen): such grants, and the
 * pages behind them, wait on a bounded deferred list. */
#include "sim/guest/guest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/err.h"
#include "sim/simd/simd.h"

#define GNT_FIRST 8u

static void free_pages_from(struct guest *g, struct gpages *p, unsigned upto)
{
	for (unsigned i = 0; i < upto; i++)
		if (p->page[i] && simd_page_free(g->sys, p->page[i]))
			xctl_warn(g->log, "domain %u: cannot free page %#llx: %s", g->domid,
				  (unsigned long long)p->gfn[i], simd_errmsg(g->sys));
}

int gmem_alloc(struct guest *g, unsigned n, struct gpages *out)
{
	int rc = 0;
	memset(out, 0, sizeof(*out));
	if (n == 0 || n > (1u << GUEST_MAX_RING_ORDER))
		return XCTL_ERR_INVAL;
	char *base = NULL;
	if (n > 1) {
		base = mmap(NULL, (size_t)n * SIMD_PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (base == MAP_FAILED)
			return XCTL_ERR_NOMEM;
	}
	unsigned i;
	for (i = 0; i < n; i++) {
		struct simd_page *pg = NULL;
		rc = simd_page_alloc(g->sys, &pg);
		if (rc) {
			xctl_err_log(g->log, "domain %u: cannot allocate a page: %s", g->domid,
				     simd_errmsg(g->sys));
			goto out;
		}
		out->page[i] = pg;
		out->gfn[i] = pg->gfn;
		if (base) {
			void *to = base + (size_t)i * SIMD_PAGE_SIZE;
			void *r = mremap(pg->addr, SIMD_PAGE_SIZE, SIMD_PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, to);
			if (r == MAP_FAILED) {
				rc = xctl_err_from_errno(errno);
				xctl_err_log(g->log, "domain %u: cannot place a ring page: %s", g->domid,
					     strerror(errno));
				i++;
				goto out;
			}
			pg->addr = r;
		}
	}
	out->n = n;
	out->addr = base ? (void *)base : out->page[0]->addr;
	memset(out->addr, 0, (size_t)n * SIMD_PAGE_SIZE);
	return 0;
out:
	free_pages_from(g, out, i);
	if (base) {
		/* whatever of the reservation was not handed back with a page */
		for (unsigned k = 0; k < n; k++) {
			void *at = base + (size_t)k * SIMD_PAGE_SIZE;
			bool used = false;
			for (unsigned j = 0; j < i; j++)
				if (out->page[j] && out->page[j]->addr == at)
					used = true;
			if (!used)
				munmap(at, SIMD_PAGE_SIZE);
		}
	}
	memset(out, 0, sizeof(*out));
	return rc;
}

void gmem_free(struct guest *g, struct gpages *p)
{
	if (!p || !p->n)
		return;
	free_pages_from(g, p, p->n);
	memset(p, 0, sizeof(*p));
}

static int gnt_grow(struct guest *g)
{
	grant_entry_v1_t *table = NULL;
	uint32_t entries = 0;
	int rc = simd_gnttab_setup(g->sys, g->gnt_frames + 1, &table, &entries);
	if (rc) {
		xctl_err_log(g->log, "domain %u: cannot grow the grant table past %u frames: %s", g->domid,
			     g->gnt_frames, simd_errmsg(g->sys));
		return rc;
	}
	uint8_t *used = realloc(g->gnt_used, entries);
	if (!used)
		return XCTL_ERR_NOMEM;
	if (entries > g->gnt_entries)
		memset(used + g->gnt_entries, 0, entries - g->gnt_entries);
	g->gnt_used = used;
	g->gnttab = table;
	g->gnt_entries = entries;
	g->gnt_frames++;
	return 0;
}

int gnt_grant(struct guest *g, uint32_t domid, uint64_t gfn, bool readonly, grant_ref_t *ref)
{
	for (int round = 0; round < 2; round++) {
		for (uint32_t k = 0; g->gnt_entries > GNT_FIRST && k < g->gnt_entries - GNT_FIRST; k++) {
			uint32_t r = GNT_FIRST + (g->gnt_hint + k) % (g->gnt_entries - GNT_FIRST);
			if (g->gnt_used[r])
				continue;
			g->gnt_used[r] = 1;
			g->gnt_hint = r + 1 - GNT_FIRST;
			simd_gnttab_grant(g->gnttab, r, domid, gfn, readonly);
			*ref = r;
			return 0;
		}
		if (round == 0) {
			int rc = gnt_grow(g);
			if (rc)
				return rc;
		}
	}
	return XCTL_ERR_LIMIT;
}

void gnt_end(struct guest *g, grant_ref_t ref, struct gpages *p)
{
	if (ref < GNT_FIRST || ref >= g->gnt_entries || !g->gnt_used[ref])
		return;
	if (simd_gnttab_end(g->gnttab, ref) == 0) {
		g->gnt_used[ref] = 0;
		if (p)
			gmem_free(g, p);
		return;
	}
	/* Still mapped by the backend: the grant (and its page) stay in use. */
	if (g->ndeferred >= GUEST_MAX_DEFERRED) {
		xctl_warn(g->log, "domain %u: grant %u still mapped and the deferred list is full: leaking it",
			  g->domid, ref);
		return;
	}
	struct gdeferred *d = &g->deferred[g->ndeferred++];
	d->ref = ref;
	d->has_pages = p != NULL;
	if (p) {
		d->pages = *p;
		memset(p, 0, sizeof(*p));
	}
}

void gnt_end_all(struct guest *g, const grant_ref_t *refs, unsigned n, struct gpages *p)
{
	/* The pages go with the first grant that is still mapped, if any. */
	int busy = -1;
	for (unsigned i = 0; i < n; i++) {
		grant_ref_t r = refs[i];
		if (r < GNT_FIRST || r >= g->gnt_entries || !g->gnt_used[r])
			continue;
		if (busy < 0 && simd_gnttab_end(g->gnttab, r) != 0) {
			busy = (int)i;
			continue;
		}
		gnt_end(g, r, NULL);
	}
	if (busy >= 0)
		gnt_end(g, refs[busy], p);
	else if (p)
		gmem_free(g, p);
}

unsigned gnt_retry_deferred(struct guest *g)
{
	unsigned w = 0;
	for (unsigned i = 0; i < g->ndeferred; i++) {
		struct gdeferred *d = &g->deferred[i];
		if (simd_gnttab_end(g->gnttab, d->ref) == 0) {
			g->gnt_used[d->ref] = 0;
			if (d->has_pages)
				gmem_free(g, &d->pages);
			continue;
		}
		g->deferred[w++] = *d;
	}
	g->ndeferred = w;
	return w;
}
