/* SPDX-License-Identifier: LGPL-2.1-only */
/* The test blkif frontend; see blkfe.h. */
#include "tests/backend/blkfe.h"
#include "drivers-backend/xenio/xenio.h"

#include <string.h>
#include <xen/io/blkif.h>

uint32_t *blkfe_idx(struct blkfe *fe, unsigned which)
{
	return (uint32_t *)(void *)(fe->sring + 4 * which);
}

int blkfe_init(struct blkfe *fe, struct xenio_fake *f, uint32_t domid, enum blk_abi abi,
	       uint32_t npages, uint32_t dom_pages)
{
	memset(fe, 0, sizeof(*fe));
	fe->f = f;
	fe->domid = domid;
	fe->abi = abi;
	fe->npages = npages;
	fe->dom_pages = dom_pages;
	int rc = xenio_fake_add_dom(f, domid, dom_pages);
	if (rc)
		return rc;
	fe->sring = xenio_fake_page(f, domid, 0);
	memset(fe->sring, 0, (size_t)npages * XENIO_PAGE_SIZE);
	for (uint32_t i = 0; i < npages; i++)
		xenio_fake_grant(f, domid, 1 + i, i, false);
	fe->size = blk_abi_ring_size(abi, npages);
	*blkfe_idx(fe, 1) = 1; /* req_event */
	*blkfe_idx(fe, 3) = 1; /* rsp_event */
	fe->data_first = npages;
	fe->data_count = dom_pages - npages;
	fe->next_ref = 1 + npages;
	return xenio_fake_alloc_unbound(f, domid, &fe->port);
}

static uint8_t *slot_at(struct blkfe *fe, uint32_t idx)
{
	return fe->sring + BLK_RING_HDR + (size_t)(idx & (fe->size - 1)) * blk_abi_slot(fe->abi);
}

uint8_t *blkfe_slot(struct blkfe *fe)
{
	uint8_t *s = slot_at(fe, fe->req_prod_pvt++);
	memset(s, 0, blk_abi_slot(fe->abi));
	return s;
}

void blkfe_push(struct blkfe *fe, bool notify)
{
	__atomic_store_n(blkfe_idx(fe, 0), fe->req_prod_pvt, __ATOMIC_RELEASE);
	if (notify)
		xenio_fake_guest_notify(fe->f, fe->domid, fe->port);
}

int blkfe_rsp(struct blkfe *fe, uint64_t *id, uint8_t *op, int16_t *status)
{
	uint32_t rp = __atomic_load_n(blkfe_idx(fe, 2), __ATOMIC_ACQUIRE);
	if (fe->rsp_cons == rp)
		return 0;
	const uint8_t *s = slot_at(fe, fe->rsp_cons++);
	memcpy(id, s, 8);
	*op = s[8];
	memcpy(status, s + 10, 2);
	*blkfe_idx(fe, 3) = fe->rsp_cons + 1;
	return 1;
}

uint32_t blkfe_page(struct blkfe *fe, bool readonly, uint8_t **mem)
{
	/* data pages never wrap onto the ring pages */
	uint32_t page = fe->data_first + fe->next_page++ % fe->data_count;
	uint32_t ref = fe->next_ref++;
	xenio_fake_grant(fe->f, fe->domid, ref, page, readonly);
	if (mem)
		*mem = xenio_fake_page(fe->f, fe->domid, page);
	return ref;
}

static void put(uint8_t *s, size_t off, const void *v, size_t n)
{
	memcpy(s + off, v, n);
}

void blkfe_rw(struct blkfe *fe, uint8_t op, uint64_t id, uint64_t sector, unsigned nseg,
	      const struct blk_seg *seg)
{
	uint8_t *s = blkfe_slot(fe);
	size_t idoff = fe->abi == BLK_ABI_X86_32 ? 4 : 8;
	s[0] = op;
	s[1] = (uint8_t)nseg;
	put(s, idoff, &id, 8);
	put(s, idoff + 8, &sector, 8);
	for (unsigned i = 0; i < nseg && i < BLK_MAX_DIRECT_SEGS; i++) {
		uint8_t *g = s + idoff + 16 + 8 * i;
		put(g, 0, &seg[i].gref, 4);
		g[4] = seg[i].first;
		g[5] = seg[i].last;
	}
}

void blkfe_discard(struct blkfe *fe, uint64_t id, uint64_t sector, uint64_t nr, uint8_t flag)
{
	uint8_t *s = blkfe_slot(fe);
	size_t idoff = fe->abi == BLK_ABI_X86_32 ? 4 : 8;
	s[0] = BLKIF_OP_DISCARD;
	s[1] = flag;
	put(s, idoff, &id, 8);
	put(s, idoff + 8, &sector, 8);
	put(s, idoff + 16, &nr, 8);
}

void blkfe_indirect(struct blkfe *fe, uint8_t op, uint64_t id, uint64_t sector, uint16_t nseg,
		    const uint32_t *ind_grefs)
{
	uint8_t *s = blkfe_slot(fe);
	size_t idoff = fe->abi == BLK_ABI_X86_32 ? 4 : 8;
	s[0] = BLKIF_OP_INDIRECT;
	s[1] = op;
	put(s, 2, &nseg, 2);
	put(s, idoff, &id, 8);
	put(s, idoff + 8, &sector, 8);
	put(s, idoff + 20, ind_grefs, 4 * BLK_MAX_INDIRECT_PAGES);
}

int blkbe_attach(struct blk_ring *r, struct blkfe *fe, struct xenio *x, const struct xctl_log *lg,
		 const struct blk_params *p, struct blk_io *io, const char *who)
{
	uint32_t refs[BLK_MAX_RING_PAGES];
	void *ring = NULL;
	for (uint32_t i = 0; i < fe->npages; i++)
		refs[i] = 1 + i;
	int rc = x->ops->map(x, fe->domid, fe->npages, refs, true, &ring);
	if (rc)
		return rc;
	rc = blk_ring_init(r, x, lg, who, fe->domid, fe->abi, p, io, ring, fe->npages);
	if (rc)
		return rc;
	rc = x->ops->evtchn_bind(x, fe->domid, fe->port, &r->port);
	r->bound = rc == 0;
	return rc;
}

void blkbe_detach(struct blk_ring *r, struct xenio *x)
{
	if (r->bound)
		x->ops->evtchn_unbind(x, r->port);
	blk_ring_destroy(r);
	x->ops->unmap(x, r->sring, r->npages);
}

int blkbe_step(struct blk_ring *r)
{
	int rc;
	unsigned done;
	do {
		rc = blk_ring_process(r);
		done = blk_ring_reap(r->io);
	} while (rc == 1 || (rc == 0 && done));
	return rc;
}
