/* SPDX-License-Identifier: LGPL-2.1-only */
/* blkif ring layouts; see abi.h. Offsets follow xen/io/blkif.h for x86_64
 * and the packed i386 layout (4-byte alignment of uint64_t) for x86_32. */
#include "drivers-backend/blkback/abi.h"

#include <string.h>
#include <xen/io/blkif.h>
#include <xen/io/protocols.h>

int blk_abi_parse(const char *s)
{
	if (!strcmp(s, XEN_IO_PROTO_ABI_X86_64))
		return BLK_ABI_X86_64;
	if (!strcmp(s, XEN_IO_PROTO_ABI_X86_32))
		return BLK_ABI_X86_32;
	return -1;
}

const char *blk_abi_name(enum blk_abi abi)
{
	return abi == BLK_ABI_X86_32 ? XEN_IO_PROTO_ABI_X86_32 : XEN_IO_PROTO_ABI_X86_64;
}

size_t blk_abi_slot(enum blk_abi abi)
{
	return abi == BLK_ABI_X86_32 ? 108 : 112;
}

size_t blk_abi_rsp(enum blk_abi abi)
{
	return abi == BLK_ABI_X86_32 ? 12 : 16;
}

uint32_t blk_abi_ring_size(enum blk_abi abi, uint32_t npages)
{
	size_t n = ((size_t)npages * 4096u - BLK_RING_HDR) / blk_abi_slot(abi);
	uint32_t p = 1;
	while ((size_t)p * 2 <= n)
		p *= 2;
	return p;
}

static uint16_t g16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}
static uint32_t g32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}
static uint64_t g64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

void blk_abi_decode(enum blk_abi abi, const uint8_t *s, struct blk_req *r)
{
	/* offsets: id, sector, rw segments / discard nr_sectors, indirect */
	const size_t id = abi == BLK_ABI_X86_32 ? 4 : 8;
	const size_t sec = id + 8;
	r->ring_op = s[0];
	r->op = s[0];
	r->flag = 0;
	r->nr_sectors = 0;
	r->id = g64(s + id);
	r->sector = g64(s + sec);
	switch (s[0]) {
	case BLKIF_OP_INDIRECT:
		r->op = s[1];
		r->nseg = g16(s + 2);
		r->handle = g16(s + sec + 8);
		for (unsigned i = 0; i < BLK_MAX_INDIRECT_PAGES; i++)
			r->ind_grefs[i] = g32(s + sec + 12 + 4 * i);
		break;
	case BLKIF_OP_DISCARD:
		r->flag = s[1];
		r->handle = g16(s + 2);
		r->nseg = 0;
		r->nr_sectors = g64(s + sec + 8);
		break;
	default:
		r->nseg = s[1];
		r->handle = g16(s + 2);
		for (unsigned i = 0; i < BLK_MAX_DIRECT_SEGS; i++) {
			const uint8_t *g = s + sec + 8 + 8 * i;
			r->seg[i].gref = g32(g);
			r->seg[i].first = g[4];
			r->seg[i].last = g[5];
		}
		break;
	}
}

void blk_abi_encode_rsp(enum blk_abi abi, uint64_t id, uint8_t op, int16_t status, uint8_t *out)
{
	memset(out, 0, blk_abi_rsp(abi));
	memcpy(out, &id, 8);
	out[8] = op;
	memcpy(out + 10, &status, 2);
}
