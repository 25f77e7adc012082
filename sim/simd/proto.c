/* SPDX-License-Identifier: LGPL-2.1-only */
/* The request table and the parser of xctl-simd's protocol: every request
 * is checked here (type, size, who, variable parts) before a handler runs. */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "sim/simd/proto.h"

#define FIXED(t, s, w) [t] = { &(#t)[9], sizeof(s), sizeof(s), w } /* the name without SIMD_REQ_ */
#define EMPTY(t, w) [t] = { &(#t)[9], 0, 0, w }

const struct simd_req_desc simd_req_table[SIMD_REQ_NR] = {
	FIXED(SIMD_REQ_HELLO, struct wire_hello, SIMD_WHO_ANY),
	FIXED(SIMD_REQ_DOM_CREATE, struct wire_create, SIMD_WHO_DOM0),
	FIXED(SIMD_REQ_DOM_DESTROY, struct wire_domid, SIMD_WHO_DOM0),
	FIXED(SIMD_REQ_DOM_PAUSE, struct wire_domid, SIMD_WHO_DOM0),
	FIXED(SIMD_REQ_DOM_UNPAUSE, struct wire_domid, SIMD_WHO_DOM0),
	FIXED(SIMD_REQ_DOM_SHUTDOWN, struct wire_shutdown, SIMD_WHO_ANY),
	FIXED(SIMD_REQ_DOM_RESUME, struct wire_domid, SIMD_WHO_DOM0),
	FIXED(SIMD_REQ_DOM_INFO, struct wire_domid, SIMD_WHO_ANY),
	FIXED(SIMD_REQ_DOM_LIST, struct wire_list, SIMD_WHO_DOM0),
	EMPTY(SIMD_REQ_HOST_INFO, SIMD_WHO_ANY),
	FIXED(SIMD_REQ_MEM_SET_MAX, struct wire_mem, SIMD_WHO_DOM0),
	FIXED(SIMD_REQ_MEM_SET_TARGET, struct wire_mem, SIMD_WHO_DOM0),
	FIXED(SIMD_REQ_VCPU_SET_ONLINE, struct wire_vcpu_online, SIMD_WHO_DOM0),
	FIXED(SIMD_REQ_VCPU_SET_AFFINITY, struct wire_affinity, SIMD_WHO_DOM0),
	FIXED(SIMD_REQ_VCPU_LIST, struct wire_list, SIMD_WHO_ANY),
	EMPTY(SIMD_REQ_WATCH, SIMD_WHO_ANY),
	FIXED(SIMD_REQ_GUEST_ATTACH, struct wire_domid, SIMD_WHO_ANY),
	FIXED(SIMD_REQ_GNT_MAP, struct wire_map, SIMD_WHO_ANY),
	FIXED(SIMD_REQ_GNT_UNMAP, struct wire_handle, SIMD_WHO_ANY),
	[SIMD_REQ_GNT_COPY] = { "GNT_COPY", sizeof(struct wire_copy), SIMD_WIRE_MAX_BODY, SIMD_WHO_ANY },
	EMPTY(SIMD_REQ_PAGE_ALLOC, SIMD_WHO_GUEST),
	FIXED(SIMD_REQ_PAGE_FREE, struct wire_gfn, SIMD_WHO_GUEST),
	FIXED(SIMD_REQ_GNTTAB_SETUP, struct wire_gnttab, SIMD_WHO_GUEST),
	FIXED(SIMD_REQ_EVT_ALLOC_UNBOUND, struct wire_evt_alloc, SIMD_WHO_ANY),
	FIXED(SIMD_REQ_EVT_BIND, struct wire_evt_bind, SIMD_WHO_ANY),
	FIXED(SIMD_REQ_EVT_OPEN, struct wire_port, SIMD_WHO_ANY),
	FIXED(SIMD_REQ_EVT_CLOSE, struct wire_port, SIMD_WHO_ANY),
	FIXED(SIMD_REQ_EVT_STATUS, struct wire_evt_status_req, SIMD_WHO_ANY),
	EMPTY(SIMD_REQ_GUEST_CONSOLE, SIMD_WHO_GUEST),
	EMPTY(SIMD_REQ_GUEST_XENSTORE, SIMD_WHO_GUEST),
	EMPTY(SIMD_REQ_GUEST_READY, SIMD_WHO_GUEST),
	EMPTY(SIMD_REQ_HOST_SHUTDOWN, SIMD_WHO_DOM0),
};

static int bad(char *why, size_t whysz, const char *what)
{
	if (whysz)
		snprintf(why, whysz, "%s", what);
	return XCTL_ERR_PROTO;
}

/* GNT_COPY: the segment array and the local source bytes must add up to
 * the body exactly; every range must lie within one frame. */
static int check_copy(const void *body, uint32_t len, char *why, size_t whysz)
{
	struct wire_copy c;
	memcpy(&c, body, sizeof(c));
	if (c.nsegs == 0 || c.nsegs > SIMD_COPY_MAX_SEGS)
		return bad(why, whysz, "grant copy: 1 to 16 segments");
	size_t need = sizeof(c) + (size_t)c.nsegs * sizeof(struct wire_copy_seg);
	if (len < need)
		return bad(why, whysz, "grant copy: body shorter than its segments");
	const unsigned char *p = (const unsigned char *)body + sizeof(c);
	for (uint32_t i = 0; i < c.nsegs; i++) {
		struct wire_copy_seg s;
		memcpy(&s, p + i * sizeof(s), sizeof(s));
		if (s.len == 0 || s.len > SIMD_PAGE_SIZE ||
		    (uint32_t)s.src_offset + s.len > SIMD_PAGE_SIZE ||
		    (uint32_t)s.dst_offset + s.len > SIMD_PAGE_SIZE)
			return bad(why, whysz, "grant copy: a segment leaves its frame");
		if (s.src_domid == SIMD_COPY_LOCAL && s.dst_domid == SIMD_COPY_LOCAL)
			return bad(why, whysz, "grant copy: a segment with no grant on either side");
		if (s.src_domid == SIMD_COPY_LOCAL)
			need += s.len;
	}
	if (need != len)
		return bad(why, whysz, "grant copy: data length does not match the segments");
	return 0;
}

int simd_proto_parse(const void *buf, size_t n, uint32_t who, struct simd_req_msg *out, char *why,
		     size_t whysz)
{
	if (n < sizeof(struct simd_wire_hdr))
		return bad(why, whysz, "message shorter than its header");
	if (n > SIMD_WIRE_MAX)
		return bad(why, whysz, "message too long");
	memcpy(&out->hdr, buf, sizeof(out->hdr));
	out->body = (const unsigned char *)buf + sizeof(out->hdr);
	out->desc = NULL;
	const struct simd_wire_hdr *h = &out->hdr;
	if (h->len != n - sizeof(*h))
		return bad(why, whysz, "header length does not match the message");
	if (h->type == 0 || h->type >= SIMD_REQ_NR || !simd_req_table[h->type].name)
		return bad(why, whysz, "unknown request type");
	if (h->rc != 0)
		return bad(why, whysz, "request with a status");
	const struct simd_req_desc *d = &simd_req_table[h->type];
	if (h->len < d->body_min || h->len > d->body_max)
		return bad(why, whysz, "body size wrong for the request");
	if (!(d->who & who)) {
		if (whysz)
			snprintf(why, whysz, "%s is for %s only", d->name,
				 d->who == SIMD_WHO_DOM0 ? "domain 0" : "guests");
		return XCTL_ERR_PERM;
	}
	if (h->type == SIMD_REQ_GNT_COPY) {
		int rc = check_copy(out->body, h->len, why, whysz);
		if (rc)
			return rc;
	}
	if (h->type == SIMD_REQ_GNT_MAP) {
		struct wire_map m;
		memcpy(&m, out->body, sizeof(m));
		if (m.count == 0 || m.count > SIMD_MAP_MAX_REFS)
			return bad(why, whysz, "grant map: 1 to 32 refs");
		if (m.readonly > 1)
			return bad(why, whysz, "grant map: readonly is 0 or 1");
	}
	out->desc = d;
	return 0;
}
