/* SPDX-License-Identifier: LGPL-2.1-only */
/* A deliberately simple blkif frontend for tests, fuzzers and benches: the
 * guest side of a ring over xenio/fake, able to write any request, valid
 * or not, and to read the responses. */
#ifndef XCTL_TEST_BLKFE_H
#define XCTL_TEST_BLKFE_H

#include "drivers-backend/blkback/ring.h"
#include "drivers-backend/xenio/fake/fake.h"

struct blkfe {
	struct xenio_fake *f;
	uint32_t domid;
	enum blk_abi abi;
	uint32_t npages;       /* ring pages: guest pages 0..npages-1, grefs 1..npages */
	uint8_t *sring;        /* the guest's view */
	uint32_t size;
	uint32_t req_prod_pvt, rsp_cons;
	uint32_t port;         /* the guest's port */
	uint32_t next_page, next_ref, dom_pages;
	uint32_t data_first, data_count; /* the pages blkfe_page hands out, in turn */
};

/* Guest pages: the ring first, then data pages handed out by blkfe_page. */
int blkfe_init(struct blkfe *fe, struct xenio_fake *f, uint32_t domid, enum blk_abi abi,
	       uint32_t npages, uint32_t dom_pages);
/* Next free request slot (zeroed); blkfe_push publishes what was written. */
uint8_t *blkfe_slot(struct blkfe *fe);
void blkfe_push(struct blkfe *fe, bool notify);
/* Take one response: 1 with its fields, 0 if none. */
int blkfe_rsp(struct blkfe *fe, uint64_t *id, uint8_t *op, int16_t *status);
/* A granted data page; returns its gref and the guest's view of it. */
uint32_t blkfe_page(struct blkfe *fe, bool readonly, uint8_t **mem);
/* Write a read/write request with nseg segments into the next slot. */
void blkfe_rw(struct blkfe *fe, uint8_t op, uint64_t id, uint64_t sector, unsigned nseg,
	      const struct blk_seg *seg);
void blkfe_discard(struct blkfe *fe, uint64_t id, uint64_t sector, uint64_t nr, uint8_t flag);
void blkfe_indirect(struct blkfe *fe, uint8_t op, uint64_t id, uint64_t sector, uint16_t nseg,
		    const uint32_t *ind_grefs);
/* Low-level: the four ring indexes of the shared page. */
uint32_t *blkfe_idx(struct blkfe *fe, unsigned which); /* 0 req_prod 1 req_event 2 rsp_prod 3 rsp_event */

/* A backend queue over the fake ring (the connect a device would do). */
int blkbe_attach(struct blk_ring *r, struct blkfe *fe, struct xenio *x, const struct xctl_log *lg,
		 const struct blk_params *p, struct blk_io *io, const char *who);
void blkbe_detach(struct blk_ring *r, struct xenio *x);
/* One round of the backend: process, then complete what finished. */
int blkbe_step(struct blk_ring *r);

#endif
