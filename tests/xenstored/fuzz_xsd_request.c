/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target: the daemon's message framing and request handling.
 *
 * The input is a byte stream split between two in-process connections:
 * dom0 and guest domain 4 (introduced first). Each chunk starts with one
 * byte: bit 0 picks the connection, the rest is the chunk length (up to
 * 127 bytes). The chunks are appended to that connection's input buffer
 * and dispatched exactly as bytes read from a socket would be. The tree is
 * checked for consistency at the end. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "sim/xenstored/control.h"
#include "sim/xenstored/xsd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xctl_log lg;
	struct xsd d;
	xctl_log_init(&lg, "fuzz", -1); /* silent */
	if (xsd_init(&d, &lg))
		return 0;
	/* Small limits so that the fuzzer reaches them. */
	d.lim.nodes_per_domain = 20;
	d.lim.watches_per_domain = 4;
	d.lim.txns_per_conn = 2;
	d.lim.txn_nodes = 16;
	d.lim.events_queued = 64;
	xsd_dom_introduce(&d, 4, 1, 1);
	struct xsd_conn *c[2];
	c[0] = xsd_conn_new(&d, -1, 0, NULL);
	c[1] = xsd_conn_new(&d, -1, 4, xsd_dom_get(&d, 4));
	size_t i = 0;
	while (i < size && c[0] && c[1]) {
		unsigned which = data[i] & 1, len = data[i] >> 1;
		i++;
		if (len > size - i)
			len = (unsigned)(size - i);
		struct xsd_conn *k = c[which];
		if (!k->dead) {
			size_t room = sizeof(k->in) - k->in_len;
			size_t n = len < room ? len : room;
			memcpy(k->in + k->in_len, data + i, n);
			k->in_len += (uint32_t)n;
			/* Drain like the event loop: process, then "write". */
			for (int round = 0; round < 4 && !k->dead; round++) {
				xsd_conn_process(&d, k);
				xsd_conn_flush(&d, k);
			}
		}
		i += len;
	}
	char out[512];
	xsd_check_tree(&d, out, sizeof(out));
	if (strcmp(out, "OK"))
		abort();
	xsd_fini(&d);
	return 0;
}
