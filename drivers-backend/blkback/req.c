/* SPDX-License-Identifier: LGPL-2.1-only */
/* blkif request validation and grant mapping (persistent or not). Every
 * value comes from the private copy of the request; the indirect pages are
 * copied once too. */
#include "drivers-backend/blkback/ring.h"
#include "common/err.h"
#include "drivers-backend/xenio/xenio.h"

#include <stdint.h>
#include <string.h>
#include <xen/io/blkif.h>

#define SECTORS_PER_PAGE (XENIO_PAGE_SIZE / 512u)

static int bad(const char **why, const char *w)
{
	*why = w;
	return BLKIF_RSP_ERROR;
}

static int unsupported(const char **why, const char *w)
{
	*why = w;
	return BLKIF_RSP_EOPNOTSUPP;
}

/* sector .. sector + n inside the disk, without wrapping. */
static bool in_disk(const struct blk_params *p, uint64_t sector, uint64_t n)
{
	return sector <= p->sectors && n <= p->sectors - sector;
}

static bool aligned(const struct blk_params *p, uint64_t sector, uint64_t n)
{
	uint64_t mask = p->sector_size / 512u - 1;
	return !((sector | n) & mask);
}

/* The segments (direct, or indirect once fetched): each inside its page. */
static int check_segs(const struct blk_params *p, const struct blk_req *q, const char **why)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < q->nseg; i++) {
		if (q->seg[i].first > q->seg[i].last)
			return bad(why, "segment first_sect after last_sect");
		if (q->seg[i].last >= SECTORS_PER_PAGE)
			return bad(why, "segment last_sect beyond its page");
		n += (uint64_t)q->seg[i].last - q->seg[i].first + 1;
	}
	if (!in_disk(p, q->sector, n))
		return bad(why, "sectors beyond the end of the disk");
	if (!aligned(p, q->sector, n))
		return bad(why, "not aligned to the disk's sector size");
	return BLKIF_RSP_OKAY;
}

int blk_req_validate(const struct blk_params *p, struct blk_req *q, const char **why)
{
	switch (q->ring_op) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
		if (q->nseg == 0)
			return bad(why, "read or write without segments");
		if (q->nseg > BLK_MAX_DIRECT_SEGS)
			return bad(why, "more than 11 segments");
		break;
	case BLKIF_OP_WRITE_BARRIER:
		if (!p->barrier)
			return unsupported(why, "barrier not advertised");
		if (q->nseg > BLK_MAX_DIRECT_SEGS)
			return bad(why, "more than 11 segments");
		break;
	case BLKIF_OP_FLUSH_DISKCACHE:
		if (!p->flush)
			return unsupported(why, "flush not advertised");
		q->nseg = 0;
		return BLKIF_RSP_OKAY;
	case BLKIF_OP_DISCARD:
		if (!p->discard)
			return unsupported(why, "discard not advertised");
		if (p->readonly)
			return bad(why, "discard on a read-only disk");
		if ((q->flag & BLKIF_DISCARD_SECURE) && !p->discard_secure)
			return unsupported(why, "secure discard not advertised");
		if (q->nr_sectors > INT64_MAX / 512u || q->sector > INT64_MAX / 512u)
			return bad(why, "discard range too large");
		if (!in_disk(p, q->sector, q->nr_sectors))
			return bad(why, "discard beyond the end of the disk");
		if (!aligned(p, q->sector, q->nr_sectors))
			return bad(why, "discard not aligned to the disk's sector size");
		return BLKIF_RSP_OKAY;
	case BLKIF_OP_INDIRECT:
		if (!p->max_indirect)
			return unsupported(why, "indirect requests not advertised");
		if (q->op != BLKIF_OP_READ && q->op != BLKIF_OP_WRITE)
			return bad(why, "indirect operation neither read nor write");
		if (q->nseg == 0 || q->nseg > p->max_indirect || q->nseg > BLK_MAX_INDIRECT_SEGS)
			return bad(why, "indirect segment count 0 or above feature-max-indirect-segments");
		if (p->readonly && q->op == BLKIF_OP_WRITE)
			return bad(why, "write to a read-only disk");
		return BLKIF_RSP_OKAY; /* segments checked once fetched */
	default:
		return unsupported(why, "unknown operation");
	}
	if (p->readonly && q->ring_op != BLKIF_OP_READ)
		return bad(why, "write to a read-only disk");
	return check_segs(p, q, why);
}

/* Persistent grants: open addressing on the gref, never evicted while the
 * queue lives (a full cache falls back to mapping per request). */
static struct blk_pgrant *pg_find(struct blk_ring *r, uint32_t gref, bool insert)
{
	const uint32_t n = 2 * BLK_PGRANT_MAX;
	uint32_t h = (gref * 2654435761u) % n;
	for (uint32_t k = 0; k < n; k++) {
		struct blk_pgrant *e = &r->pg[(h + k) % n];
		if (e->used && e->gref == gref)
			return e;
		if (!e->used)
			return insert ? e : NULL;
	}
	return NULL;
}

/* Map refs[0..n) (XENIO_MAP_MAX at most) in one call and keep them: they
 * are entered in the cache, at consecutive addresses. */
static int pg_map(struct blk_ring *r, const uint32_t *refs, uint32_t n, bool writable,
		  void **addr)
{
	if (r->npgchunks == BLK_PGCHUNK_MAX)
		return XCTL_ERR_NOMEM; /* cannot happen: npg bounds it; never index past it */
	if (r->x->ops->map(r->x, r->domid, n, refs, writable, addr))
		return XCTL_ERR_HV;
	r->pgchunks[r->npgchunks++] = (struct blk_pgchunk){ *addr, n };
	for (uint32_t k = 0; k < n; k++) {
		struct blk_pgrant *e = pg_find(r, refs[k], true);
		*e = (struct blk_pgrant){ refs[k], true, writable,
					  (uint8_t *)*addr + (size_t)k * XENIO_PAGE_SIZE };
	}
	r->npg += n;
	return 0;
}

/* The persistent mapping of gref (mapped and kept on first use while the
 * cache has room): its address, or NULL when the caller must map it for
 * this request only (which fails the request if the grant cannot be
 * mapped at all). */
static void *pg_get(struct blk_ring *r, uint32_t gref, bool writable)
{
	struct blk_pgrant *e = pg_find(r, gref, false);
	if (e && (e->writable || !writable)) {
		r->st.pgrant_hits++;
		return e->addr;
	}
	void *a = NULL;
	if (!e && r->npg < BLK_PGRANT_MAX && !pg_map(r, &gref, 1, writable, &a))
		return a;
	r->st.pgrant_fallback++;
	return NULL;
}

int blk_req_fetch_indirect(struct blk_ring *r, struct blk_req *q, const char **why)
{
	uint32_t npages = (q->nseg + BLK_SEGS_PER_INDIRECT_PAGE - 1) / BLK_SEGS_PER_INDIRECT_PAGE;
	const uint8_t *page[BLK_MAX_INDIRECT_PAGES];
	void *addr = NULL;
	bool all = r->p->persistent;
	if (npages > BLK_MAX_INDIRECT_PAGES)
		return bad(why, "too many indirect pages");
	/* the descriptor pages are only read: with persistent grants they are
	 * kept mapped like the data pages, with no map and unmap per request */
	for (uint32_t k = 0; k < npages && all; k++) {
		page[k] = pg_get(r, q->ind_grefs[k], false);
		all = page[k] != NULL;
	}
	if (!all) {
		if (r->x->ops->map(r->x, r->domid, npages, q->ind_grefs, false, &addr))
			return bad(why, "cannot map the indirect descriptor pages");
		for (uint32_t k = 0; k < npages; k++)
			page[k] = (const uint8_t *)addr + (size_t)k * XENIO_PAGE_SIZE;
	}
	/* one copy of the descriptors; the guest may change them afterwards */
	for (unsigned i = 0; i < q->nseg; i++) {
		uint8_t d[8];
		memcpy(d, page[i / BLK_SEGS_PER_INDIRECT_PAGE] +
			       (size_t)(i % BLK_SEGS_PER_INDIRECT_PAGE) * 8, 8);
		memcpy(&q->seg[i].gref, d, 4);
		q->seg[i].first = d[4];
		q->seg[i].last = d[5];
	}
	if (addr)
		r->x->ops->unmap(r->x, addr, npages);
	return check_segs(r->p, q, why);
}

/* Adjacent segments that follow each other in memory (grants mapped in
 * one call, in the order the request names them) become one iovec entry:
 * a file system writes one long buffer faster than many pages. */
static int coalesce(struct iovec *iov, unsigned n)
{
	unsigned k = 0;
	for (unsigned i = 0; i < n; i++) {
		if (k && (char *)iov[k - 1].iov_base + iov[k - 1].iov_len == iov[i].iov_base)
			iov[k - 1].iov_len += iov[i].iov_len;
		else
			iov[k++] = iov[i];
	}
	return (int)k;
}

int blk_req_map(struct blk_ring *r, struct blk_req *q, struct blk_slot *s, const char **why)
{
	/* a read fills guest memory: the grant must be writable */
	const bool writable = q->op == BLKIF_OP_READ;
	uint8_t *page[BLK_MAX_INDIRECT_SEGS];
	uint32_t fresh_refs[BLK_MAX_INDIRECT_SEGS], keep_refs[BLK_MAX_INDIRECT_SEGS];
	uint16_t fresh_idx[BLK_MAX_INDIRECT_SEGS];
	uint32_t nfresh = 0, nkeep = 0;
	for (unsigned i = 0; i < q->nseg; i++) {
		page[i] = NULL;
		if (r->p->persistent) {
			uint32_t g = q->seg[i].gref;
			struct blk_pgrant *e = pg_find(r, g, false);
			if (e && (e->writable || !writable)) {
				r->st.pgrant_hits++;
				page[i] = e->addr;
				continue;
			}
			if (!e && r->npg + nkeep < BLK_PGRANT_MAX) {
				/* kept from now on: mapped below with the request's
				 * other new grants (once, if named twice) */
				bool dup = false;
				for (uint32_t k = 0; k < nkeep && !dup; k++)
					dup = keep_refs[k] == g;
				if (!dup)
					keep_refs[nkeep++] = g;
				continue;
			}
			r->st.pgrant_fallback++;
		}
		fresh_refs[nfresh] = q->seg[i].gref;
		fresh_idx[nfresh++] = (uint16_t)i;
	}
	for (uint32_t done = 0; done < nkeep;) {
		uint32_t n = nkeep - done > XENIO_MAP_MAX ? XENIO_MAP_MAX : nkeep - done;
		void *a = NULL;
		if (pg_map(r, keep_refs + done, n, writable, &a))
			goto fail;
		done += n;
	}
	for (unsigned i = 0; i < q->nseg && nkeep; i++) {
		if (!page[i] && r->p->persistent) {
			struct blk_pgrant *e = pg_find(r, q->seg[i].gref, false);
			if (e && (e->writable || !writable))
				page[i] = e->addr;
		}
	}
	s->nchunks = 0;
	for (uint32_t done = 0; done < nfresh;) {
		uint32_t n = nfresh - done > XENIO_MAP_MAX ? XENIO_MAP_MAX : nfresh - done;
		void *a = NULL;
		if (r->x->ops->map(r->x, r->domid, n, fresh_refs + done, writable, &a)) {
			blk_req_unmap(r, s);
			goto fail;
		}
		s->map[s->nchunks] = a;
		s->nmap[s->nchunks++] = n;
		for (uint32_t k = 0; k < n; k++)
			page[fresh_idx[done + k]] = (uint8_t *)a + (size_t)k * XENIO_PAGE_SIZE;
		done += n;
	}
	for (unsigned i = 0; i < q->nseg; i++) {
		s->iov[i].iov_base = page[i] + (size_t)q->seg[i].first * 512u;
		s->iov[i].iov_len = ((size_t)q->seg[i].last - q->seg[i].first + 1) * 512u;
	}
	s->niov = coalesce(s->iov, q->nseg);
	return BLKIF_RSP_OKAY;
fail:
	/* persistent grants mapped so far stay cached; nothing else is mapped */
	return bad(why, "cannot map a segment's grant");
}

void blk_req_unmap(struct blk_ring *r, struct blk_slot *s)
{
	for (unsigned i = 0; i < s->nchunks; i++)
		r->x->ops->unmap(r->x, s->map[i], s->nmap[i]);
	s->nchunks = 0;
}

void blk_pgrant_flush(struct blk_ring *r)
{
	if (!r->pg)
		return;
	for (unsigned i = 0; i < r->npgchunks; i++)
		r->x->ops->unmap(r->x, r->pgchunks[i].addr, r->pgchunks[i].count);
	r->npgchunks = 0;
	for (uint32_t i = 0; i < 2 * BLK_PGRANT_MAX; i++)
		r->pg[i].used = false;
	r->npg = 0;
}
