/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target: xctl-simd's request parser. The first byte says who
 * sends (even: a dom0 client, odd: a guest), the rest is one message as it
 * arrives on the socket. Whatever the bytes, the parser must either refuse
 * them or hand out a request whose every variable part lies inside the
 * message and within the protocol's bounds. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "sim/simd/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint32_t who = (data[0] & 1) ? SIMD_WHO_GUEST : SIMD_WHO_DOM0;
	/* a private copy, exactly as long as the message, so that any read
	 * past its end is caught */
	size_t n = size - 1;
	uint8_t *msg = malloc(n ? n : 1);
	if (!msg)
		return 0;
	memcpy(msg, data + 1, n);
	struct simd_req_msg m;
	char why[128];
	int rc = simd_proto_parse(msg, n, who, &m, why, sizeof(why));
	if (rc == 0) {
		/* what the handlers rely on */
		if (!m.desc || m.hdr.type == 0 || m.hdr.type >= SIMD_REQ_NR || !(m.desc->who & who) ||
		    m.hdr.len != n - sizeof(struct simd_wire_hdr) || m.hdr.len < m.desc->body_min ||
		    m.hdr.len > m.desc->body_max)
			abort();
		const uint8_t *body = m.body;
		if (body != msg + sizeof(struct simd_wire_hdr))
			abort();
		if (m.hdr.type == SIMD_REQ_GNT_COPY) {
			struct wire_copy c;
			memcpy(&c, body, sizeof(c));
			size_t off = sizeof(c) + (size_t)c.nsegs * sizeof(struct wire_copy_seg);
			if (c.nsegs == 0 || c.nsegs > SIMD_COPY_MAX_SEGS || off > m.hdr.len)
				abort();
			size_t data_len = 0;
			for (uint32_t i = 0; i < c.nsegs; i++) {
				struct wire_copy_seg s;
				memcpy(&s, body + sizeof(c) + i * sizeof(s), sizeof(s));
				if (s.len == 0 || s.src_offset + s.len > SIMD_PAGE_SIZE ||
				    s.dst_offset + s.len > SIMD_PAGE_SIZE)
					abort();
				if (s.src_domid == SIMD_COPY_LOCAL)
					data_len += s.len;
			}
			if (off + data_len != m.hdr.len)
				abort();
			/* touch every byte the handler will read */
			volatile uint8_t sum = 0;
			for (size_t i = 0; i < m.hdr.len; i++)
				sum ^= body[i];
			(void)sum;
		}
		if (m.hdr.type == SIMD_REQ_GNT_MAP) {
			struct wire_map w;
			memcpy(&w, body, sizeof(w));
			if (w.count == 0 || w.count > SIMD_MAP_MAX_REFS || w.readonly > 1)
				abort();
		}
	} else if (rc != XCTL_ERR_PROTO && rc != XCTL_ERR_PERM) {
		abort();
	} else if (!why[0]) {
		abort(); /* every refusal says why */
	}
	free(msg);
	return 0;
}
