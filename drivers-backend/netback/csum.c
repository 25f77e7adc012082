/* SPDX-License-Identifier: LGPL-2.1-only */
/* Checksums the guest left blank (NETTXF_csum_blank): TCP and UDP over
 * IPv4, computed over the linear frame before it goes to the host. */
#include "drivers-backend/netback/vif.h"

#include <string.h>

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

void net_csum_fill(uint8_t *f, size_t len)
{
	if (len < NET_ETH_HLEN + 20 || f[12] != 0x08 || f[13] != 0x00)
		return;
	uint8_t *ip = f + NET_ETH_HLEN;
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	if ((ip[0] >> 4) != 4 || ihl < 20 || NET_ETH_HLEN + ihl > len)
		return;
	size_t tot = (size_t)ip[2] << 8 | ip[3];
	if (tot < ihl || NET_ETH_HLEN + tot > len)
		return;
	size_t l4len = tot - ihl;
	uint8_t *l4 = ip + ihl;
	size_t csum_off;
	if (ip[9] == 6 && l4len >= 20)
		csum_off = 16;
	else if (ip[9] == 17 && l4len >= 8)
		csum_off = 6;
	else
		return;
	l4[csum_off] = l4[csum_off + 1] = 0;
	uint32_t s = sum16(ip + 12, 8, 0); /* addresses */
	s += ip[9];
	s += (uint32_t)l4len;
	s = sum16(l4, l4len, s);
	uint16_t c = fold(s);
	if (ip[9] == 17 && c == 0)
		c = 0xffff;
	l4[csum_off] = (uint8_t)(c >> 8);
	l4[csum_off + 1] = (uint8_t)c;
}
