/* SPDX-License-Identifier: LGPL-2.1-only */
/* The netback test fixture; see netfix.h. */
#include "tests/backend/netfix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static int capture(void *ctx, const uint8_t *frame, size_t len)
{
	struct netcap *c = ctx;
	if (c->n < NETFIX_CAP) {
		c->len[c->n] = len;
		memcpy(c->frame[c->n], frame, len < 1600 ? len : 1600);
	}
	c->n++;
	return 0;
}

void netfix_setup(struct netfix *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->logpath, sizeof(t->logpath), "/tmp/xctl-net-XXXXXX");
	int fd = mkstemp(t->logpath);
	assert_true(fd >= 0);
	t->logf = fdopen(fd, "w+");
	setvbuf(t->logf, NULL, _IONBF, 0);
	xctl_log_init(&t->log, "xctl-netback", XCTL_LOG_INFO);
	t->log.out = t->logf;
	assert_int_equal(xenio_fake_open(&t->log, false, &t->f), 0);
	t->x = xenio_fake_base(t->f);
	assert_int_equal(xenio_fake_add_dom(t->f, 1, 1024), 0);
	assert_int_equal(xenio_fake_add_dom(t->f, 2, 1024), 0);
	t->v = calloc(1, sizeof(*t->v));
	t->good = calloc(1, sizeof(*t->good));
	assert_non_null(t->v);
	assert_non_null(t->good);
	struct net_sink s1 = { capture, &t->cap }, s2 = { capture, &t->gcap };
	net_vif_init(t->v, t->x, &t->log, "domain 1 vif 0", 1, &s1);
	net_vif_init(t->good, t->x, &t->log, "domain 2 vif 0", 2, &s2);
	t->v->sg = t->good->sg = true;
	t->v->mcast_ctrl = true;
	assert_int_equal(netfe_init(&t->fe, t->f, 1, 0, 10), 0);
	assert_int_equal(netfe_init(&t->gfe, t->f, 2, 0, 10), 0);
	assert_int_equal(netbe_attach(t->v, &t->fe, t->x, 0), 0);
	assert_int_equal(netbe_attach(t->good, &t->gfe, t->x, 0), 0);
}

void netfix_teardown(struct netfix *t)
{
	netbe_detach(t->v, t->x);
	netbe_detach(t->good, t->x);
	assert_int_equal(xenio_fake_mapped_pages(t->f), 0);
	xenio_close(t->x);
	free(t->v);
	free(t->good);
	fclose(t->logf);
	unlink(t->logpath);
}

int netfix_logged(struct netfix *t, const char *s)
{
	char line[1024];
	rewind(t->logf);
	while (fgets(line, sizeof(line), t->logf))
		if (strstr(line, s))
			return 1;
	return 0;
}

void netfix_step(struct netfix *t)
{
	net_tx_process(&t->v->q[0], 1000);
	net_rx_process(&t->v->q[0]);
}

void netfix_frame(uint8_t *b, size_t len, uint8_t seed)
{
	memset(b, 0, len);
	for (int i = 0; i < 6; i++) {
		b[i] = (uint8_t)(0x02 + i);
		b[6 + i] = (uint8_t)(0x00 + seed + i);
	}
	b[12] = 0x08;
	b[13] = 0x00;
	uint8_t *ip = b + 14;
	size_t tot = len - 14;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 10, ip[15] = 1;
	ip[16] = 10, ip[19] = 2;
	uint8_t *udp = ip + 20;
	udp[1] = 9, udp[3] = 9;
	udp[4] = (uint8_t)((tot - 20) >> 8);
	udp[5] = (uint8_t)(tot - 20);
	for (size_t i = 42; i < len; i++)
		b[i] = (uint8_t)(seed * 3 + i);
}

void netfix_good_check(struct netfix *t)
{
	static uint8_t seed = 100;
	uint8_t fr[600], got[4096];
	netfix_frame(fr, sizeof(fr), seed++);
	unsigned before = t->gcap.n;
	netfe_send(&t->gfe, fr, sizeof(fr), 2, 0);
	netfe_tx_push(&t->gfe, true);
	net_tx_process(&t->good->q[0], 1000);
	assert_int_equal(t->gcap.n, before + 1);
	assert_memory_equal(t->gcap.frame[before % NETFIX_CAP], fr, sizeof(fr));
	netfe_rx_post(&t->gfe, 1);
	net_rx_frame(t->good, fr, sizeof(fr));
	net_rx_process(&t->good->q[0]);
	assert_int_equal(netfe_rx_get(&t->gfe, got, sizeof(got)), (int)sizeof(fr));
	assert_memory_equal(got, fr, sizeof(fr));
	assert_false(t->good->failed);
}
