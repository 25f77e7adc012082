/* SPDX-License-Identifier: LGPL-2.1-only */
/* The daemon's queue rules on in-process connections, where nothing is
 * written to a socket: what is queued stays queued until the test drops
 * it, so every count is exact. Xen 4.17.7 tools/xenstore/: send_event()
 * drops an event identical to one queued; domain_can_read() stops reading
 * a guest with quota_req_outstanding requests unanswered or with events
 * undelivered (free_buffered_data() counts an event's request down);
 * privileged connections have neither quota. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/log.h"
#include "sim/xenstored/xsd.h"

#define GUEST 4

struct fix {
	struct xctl_log lg;
	struct xsd d;
	struct xsd_conn *d0, *g;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	xctl_log_init(&f->lg, "test", -1);
	if (xsd_init(&f->d, &f->lg) || xsd_dom_introduce(&f->d, GUEST, 1, 1))
		return -1;
	f->d0 = xsd_conn_new(&f->d, -1, 0, NULL);
	f->g = xsd_conn_new(&f->d, -1, GUEST, xsd_dom_get(&f->d, GUEST));
	if (!f->d0 || !f->g)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	xsd_fini(&f->d);
	free(f);
	return 0;
}

/* Queue one request of NUL-separated strings (the list ends with NULL)
 * on c's input and let the connection process what it may. */
static void req(struct fix *f, struct xsd_conn *c, uint32_t type, ...)
{
	char body[1024];
	uint32_t len = 0;
	va_list ap;
	va_start(ap, type);
	for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *)) {
		size_t l = strlen(s) + 1;
		memcpy(body + len, s, l);
		len += (uint32_t)l;
	}
	va_end(ap);
	struct xsd_sockmsg h = { type, 1, 0, len };
	assert_true(c->in_len + sizeof(h) + len <= sizeof(c->in));
	memcpy(c->in + c->in_len, &h, sizeof(h));
	memcpy(c->in + c->in_len + sizeof(h), body, len);
	c->in_len += (uint32_t)(sizeof(h) + len);
	assert_int_equal(xsd_conn_process(&f->d, c), 0);
}

/* Drop everything queued for c (as if it had read it). */
static void drain(struct fix *f, struct xsd_conn *c)
{
	xsd_conn_flush(&f->d, c);
}

/* A guest request whose reply the guest reads at once. */
#define GREQ(f, type, ...)                                  \
	do {                                                \
		req(f, (f)->g, type, __VA_ARGS__, NULL);    \
		drain(f, (f)->g);                           \
		assert_int_equal((f)->g->in_len, 0);        \
	} while (0)

static void make_dir(struct fix *f, const char *path)
{
	char perm[16];
	snprintf(perm, sizeof(perm), "b%d", GUEST);
	req(f, f->d0, XS_MKDIR, path, NULL);
	req(f, f->d0, XS_SET_PERMS, path, "n0", perm, NULL);
	drain(f, f->d0);
}

/* An event identical to one still queued is dropped; @ events never. */
static void test_duplicate_events(void **state)
{
	struct fix *f = *state;
	make_dir(f, "/dup");
	req(f, f->d0, XS_WATCH, "/dup", "t", NULL);
	req(f, f->d0, XS_WATCH, "@releaseDomain", "r", NULL);
	drain(f, f->d0);
	for (int i = 0; i < 100; i++)
		GREQ(f, XS_WRITE, "/dup/x", "v");
	assert_int_equal(f->d0->out_events, 1);
	GREQ(f, XS_WRITE, "/dup/y", "v");
	assert_int_equal(f->d0->out_events, 2);
	drain(f, f->d0);
	/* Once read, the same event is queued again. */
	GREQ(f, XS_WRITE, "/dup/x", "w");
	assert_int_equal(f->d0->out_events, 1);
	drain(f, f->d0);
	assert_int_equal(xsd_dom_introduce(&f->d, 5, 1, 1), 0);
	assert_int_equal(xsd_dom_release(&f->d, 5), 0);
	assert_int_equal(xsd_dom_introduce(&f->d, 5, 1, 1), 0);
	assert_int_equal(xsd_dom_release(&f->d, 5), 0);
	assert_int_equal(f->d0->out_events, 2);
	drain(f, f->d0);
	req(f, f->d0, XS_RESET_WATCHES, "", NULL);
	drain(f, f->d0);
}

/* A guest that does not read: its queue keeps events_queued events, the
 * rest are dropped; it stays connected. dom0 has no such quota. */
static void test_guest_event_quota(void **state)
{
	struct fix *f = *state;
	f->d.lim.events_queued = 10;
	make_dir(f, "/q");
	req(f, f->g, XS_WATCH, "/q", "t", NULL);
	req(f, f->d0, XS_WATCH, "/q", "t", NULL);
	for (int i = 0; i < 30; i++) {
		char p[32];
		snprintf(p, sizeof(p), "/q/n%d", i);
		req(f, f->d0, XS_WRITE, p, "", NULL);
	}
	assert_int_equal(f->g->out_events, 10);
	assert_false(f->g->dead);
	assert_int_equal(f->d0->out_events, 31);
	f->d.lim.events_queued = 1024;
	drain(f, f->g);
	GREQ(f, XS_RESET_WATCHES, "");
	req(f, f->d0, XS_RESET_WATCHES, "", NULL);
	drain(f, f->d0);
}

/* The guest whose events dom0 does not read is read no more after
 * outstanding requests; it goes on when dom0 reads. */
static void test_outstanding_requests(void **state)
{
	struct fix *f = *state;
	make_dir(f, "/o");
	req(f, f->d0, XS_WATCH, "/o", "t", NULL);
	drain(f, f->d0);
	uint64_t before = f->d.stats.requests;
	for (int i = 0; i < 30; i++) {
		char p[32];
		snprintf(p, sizeof(p), "/o/n%d", i);
		req(f, f->g, XS_WRITE, p, "", NULL);
		drain(f, f->g); /* it reads its replies */
	}
	/* Xen's quota_req_outstanding: 20. */
	assert_int_equal(f->d.stats.requests - before, f->d.lim.outstanding);
	assert_true(xsd_conn_throttled(&f->d, f->g));
	assert_int_equal(f->d0->out_events, f->d.lim.outstanding);
	/* Once dom0 has read the events, the guest goes on. */
	drain(f, f->d0);
	assert_false(xsd_conn_throttled(&f->d, f->g));
	before = f->d.stats.requests;
	assert_int_equal(xsd_conn_process(&f->d, f->g), 0);
	drain(f, f->g);
	assert_int_equal(f->d.stats.requests - before, 10);
	/* Its own unread replies count too. */
	drain(f, f->d0);
	before = f->d.stats.requests;
	for (int i = 0; i < 30; i++)
		req(f, f->g, XS_READ, "/o", NULL);
	assert_int_equal(f->d.stats.requests - before, f->d.lim.outstanding);
	drain(f, f->g);
	assert_int_equal(xsd_conn_process(&f->d, f->g), 0);
	assert_int_equal(f->d.stats.requests - before, 30);
	drain(f, f->g);
	req(f, f->d0, XS_RESET_WATCHES, "", NULL);
	drain(f, f->d0);
}

/* dom0 is never paused for unread replies below out_bytes, nor ever for
 * the events it leaves unread; only its own unread bytes pause it. */
static void test_privileged_not_paused(void **state)
{
	struct fix *f = *state;
	uint64_t before = f->d.stats.requests;
	for (int i = 0; i < 100; i++)
		req(f, f->d0, XS_READ, "/tool", NULL);
	assert_int_equal(f->d.stats.requests - before, 100);
	assert_false(xsd_conn_throttled(&f->d, f->d0));
	f->d.lim.out_bytes = 200;
	assert_true(xsd_conn_throttled(&f->d, f->d0));
	f->d.lim.out_bytes = 1048576;
	drain(f, f->d0);
}

/* A released guest's events still queued elsewhere do not count for the
 * next domain with its id (each request is known by a serial number). */
static void test_release_starts_afresh(void **state)
{
	struct fix *f = *state;
	assert_int_equal(xsd_dom_introduce(&f->d, 6, 1, 1), 0);
	struct xsd_conn *g6 = xsd_conn_new(&f->d, -1, 6, xsd_dom_get(&f->d, 6));
	req(f, f->d0, XS_MKDIR, "/r", NULL);
	req(f, f->d0, XS_SET_PERMS, "/r", "n0", "b6", NULL);
	req(f, f->d0, XS_WATCH, "/r", "t", NULL);
	drain(f, f->d0);
	req(f, g6, XS_WRITE, "/r/a", "", NULL);
	assert_int_equal(xsd_dom_get(&f->d, 6)->outstanding, 2); /* reply + request */
	assert_int_equal(xsd_dom_release(&f->d, 6), 0);
	xsd_reap(&f->d);
	assert_int_equal(xsd_dom_introduce(&f->d, 6, 1, 1), 0);
	drain(f, f->d0);
	assert_int_equal(xsd_dom_get(&f->d, 6)->outstanding, 0);
	assert_int_equal(xsd_dom_release(&f->d, 6), 0);
	req(f, f->d0, XS_RESET_WATCHES, "", NULL);
	drain(f, f->d0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duplicate_events),
		cmocka_unit_test(test_guest_event_quota),
		cmocka_unit_test(test_outstanding_requests),
		cmocka_unit_test(test_privileged_not_paused),
		cmocka_unit_test(test_release_starts_afresh),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
