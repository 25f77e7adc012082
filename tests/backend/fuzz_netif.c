/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target: netif tx and rx handling over a fake ring. Input: a
 * header (negotiated features, tx req_prod, rx req_prod, a frame length),
 * then raw tx slots, raw rx slots, and the frame the host sends. Guest
 * pages are granted at refs 16..47 (odd ones read-only). */
#include "tests/backend/netfe.h"
#include "common/log.h"

#include <stdlib.h>
#include <string.h>

#define HDR 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sink(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	/* touch every byte: ASan checks the frame is all ours */
	volatile uint8_t x = 0;
	for (size_t i = 0; i < len; i++)
		x ^= frame[i];
	(void)x;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < HDR)
		return 0;
	struct xctl_log lg;
	xctl_log_init(&lg, "fuzz_netif", -1);
	struct xenio_fake *f = NULL;
	if (xenio_fake_open(&lg, false, &f))
		return 0;
	struct xenio *x = xenio_fake_base(f);
	if (xenio_fake_add_dom(f, 1, 64))
		abort();
	struct netfe fe;
	if (netfe_init(&fe, f, 1, 0, 10))
		abort();
	for (uint32_t r = 16; r < 48; r++)
		xenio_fake_grant(f, 1, r, 8 + (r - 16), r & 1);
	struct net_vif *v = calloc(1, sizeof(*v));
	struct net_sink s = { sink, NULL };
	net_vif_init(v, x, &lg, "fuzz", 1, &s);
	v->sg = data[0] & 1;
	v->gso = data[0] & 2;
	v->mcast_ctrl = data[0] & 4;
	if (data[0] & 8) {
		v->credit_bytes = 1 + data[7] * 16u;
		v->credit_ms = 10;
	}
	const uint8_t *p = data + HDR;
	size_t left = size - HDR;
	size_t n = left < 256 * 12 ? left : 256 * 12;
	memcpy(fe.tx + 64, p, n);
	p += n, left -= n;
	size_t m = left < 256 * 8 ? left : 256 * 8;
	memcpy(fe.rx + 64, p, m);
	p += m, left -= m;
	uint32_t txp = data[1] | (uint32_t)data[2] << 8;
	uint32_t rxp = data[3] | (uint32_t)data[4] << 8;
	*netfe_idx(fe.tx, 0) = (data[5] & 0x80) ? txp << 16 : txp;
	*netfe_idx(fe.rx, 0) = rxp;
	*netfe_idx(fe.tx, 3) = data[6];
	if (netbe_attach(v, &fe, x, 0))
		abort();
	for (uint64_t now = 0; now < 40; now += 10)
		if (net_queue_event(&v->q[0], now) && v->failed)
			break;
	if (left)
		net_rx_frame(v, p, left);
	net_rx_process(&v->q[0]);
	netbe_detach(v, x);
	if (xenio_fake_mapped_pages(f) != 0)
		abort();
	free(v);
	xenio_close(x);
	return 0;
}
