/* SPDX-License-Identifier: LGPL-2.1-only */
/* A netback test fixture: a fake xenio, a vif whose host side captures
 * frames, its frontend, and a second good vif that must keep working. */
#ifndef XCTL_TEST_NETFIX_H
#define XCTL_TEST_NETFIX_H

#include "tests/backend/netfe.h"
#include "common/log.h"

#include <stdio.h>

#define NETFIX_CAP 64

struct netcap {
	unsigned n;
	size_t len[NETFIX_CAP];
	uint8_t frame[NETFIX_CAP][1600];
};

struct netfix {
	char logpath[64];
	FILE *logf;
	struct xctl_log log;
	struct xenio_fake *f;
	struct xenio *x;
	struct net_vif *v, *good;
	struct netfe fe, gfe;
	struct netcap cap, gcap;
};

void netfix_setup(struct netfix *t);
void netfix_teardown(struct netfix *t);
int netfix_logged(struct netfix *t, const char *s);
/* Run the bad vif's queue 0 (tx and rx). */
void netfix_step(struct netfix *t);
/* A frame through the good vif, both ways. */
void netfix_good_check(struct netfix *t);
/* A test frame: Ethernet + IPv4 + UDP, len bytes in all. */
void netfix_frame(uint8_t *buf, size_t len, uint8_t seed);

#endif
