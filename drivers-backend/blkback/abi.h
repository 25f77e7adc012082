/* SPDX-License-Identifier: LGPL-2.1-only */
/* blkif ring layouts (xen/io/blkif.h): the native x86_64 ABI and the packed
 * x86_32 one, decoded from a private copy of a ring slot and encoded into a
 * fully initialised response. Nothing here reads shared memory twice: the
 * caller copies the slot once and hands the copy over. */
#ifndef XCTL_BLKBACK_ABI_H
#define XCTL_BLKBACK_ABI_H

#include <stddef.h>
#include <stdint.h>

enum blk_abi {
	BLK_ABI_X86_64 = 0,
	BLK_ABI_X86_32 = 1,
};

/* Largest slot of either ABI (the x86_64 request). */
#define BLK_SLOT_MAX 112u
#define BLK_RING_HDR 64u /* req_prod, req_event, rsp_prod, rsp_event, pad */
/* Segments a request may carry: direct, and indirect as we advertise it. */
#define BLK_MAX_DIRECT_SEGS 11u
#define BLK_MAX_INDIRECT_SEGS 256u
#define BLK_MAX_INDIRECT_PAGES 8u /* BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST */
#define BLK_SEGS_PER_INDIRECT_PAGE 512u

/* "x86_64-abi" / "x86_32-abi" (protocols.h); -1 for anything else. An
 * absent protocol key means the native ABI (the caller decides that). */
int blk_abi_parse(const char *s);
const char *blk_abi_name(enum blk_abi abi);
/* Bytes of one slot (the request/response union) and of one response. */
size_t blk_abi_slot(enum blk_abi abi);
size_t blk_abi_rsp(enum blk_abi abi);
/* Entries of a ring of npages pages (a power of two, as ring.h has it). */
uint32_t blk_abi_ring_size(enum blk_abi abi, uint32_t npages);

struct blk_seg {
	uint32_t gref;
	uint8_t first, last;
};

/* A request as decoded from the slot copy; not yet validated. */
struct blk_req {
	uint8_t ring_op;    /* operation as written (echoed in the response) */
	uint8_t op;         /* effective operation (indirect_op for INDIRECT) */
	uint8_t flag;       /* discard: BLKIF_DISCARD_SECURE */
	uint16_t handle;
	uint16_t nseg;      /* segments (direct: from the slot; indirect: declared) */
	uint64_t id;        /* the guest's value, only echoed */
	uint64_t sector;
	uint64_t nr_sectors; /* discard */
	uint32_t ind_grefs[BLK_MAX_INDIRECT_PAGES];
	struct blk_seg seg[BLK_MAX_INDIRECT_SEGS];
};

/* Decode a slot copy (blk_abi_slot(abi) bytes). Indirect segments are not
 * in the slot: the caller fetches them from the indirect pages. */
void blk_abi_decode(enum blk_abi abi, const uint8_t *slot, struct blk_req *r);
/* Encode a response into out (blk_abi_rsp(abi) bytes, every byte set). */
void blk_abi_encode_rsp(enum blk_abi abi, uint64_t id, uint8_t op, int16_t status, uint8_t *out);

#endif
