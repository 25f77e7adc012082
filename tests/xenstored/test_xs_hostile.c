/* SPDX-License-Identifier: LGPL-2.1-only */
/* Hostile clients (checklist items 28-30): each test attacks the daemon,
 * then checks that it is still up, still answers another client, and that
 * its resident memory grew by no more than a bound. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <xenstore.h>

#include "tests/xenstored/harness.h"

#define GUEST 3

struct ctx {
	struct xsd_daemon dm;
	struct xs_handle *h;
	char guest_sock[400];
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	const char *extra[] = { "--limit", "stall_ms=500", "--limit", "events_queued=1000", NULL };
	if (!c || xsd_start(&c->dm, extra))
		return -1;
	c->h = xs_open(0);
	if (!c->h || !xs_introduce_domain(c->h, GUEST, 1, 1))
		return -1;
	char home[64];
	snprintf(home, sizeof(home), "/local/domain/%d", GUEST);
	struct xs_permissions p = { GUEST, XS_PERM_NONE };
	if (!xs_mkdir(c->h, XBT_NULL, home) || !xs_set_permissions(c->h, XBT_NULL, home, &p, 1))
		return -1;
	snprintf(c->guest_sock, sizeof(c->guest_sock), "%s/%d", c->dm.domdir, GUEST);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	xs_close(c->h);
	int rc = xsd_stop(&c->dm);
	xsd_cleanup(&c->dm);
	free(c);
	return rc == 0 ? 0 : -1; /* it must still shut down cleanly */
}

/* The daemon answers another client promptly. */
static void assert_served(struct ctx *c)
{
	assert_int_equal(kill(c->dm.pid, 0), 0); /* still running */
	struct xs_handle *h = xs_open(0);
	assert_non_null(h);
	assert_true(xs_write(h, XBT_NULL, "/alive", "yes", 3));
	unsigned n;
	char *v = xs_read(h, XBT_NULL, "/alive", &n);
	assert_non_null(v);
	assert_string_equal(v, "yes");
	free(v);
	v = xs_control_command(h, "check", NULL, 0);
	assert_non_null(v);
	assert_string_equal(v, "OK");
	free(v);
	xs_close(h);
}

static long rss(struct ctx *c)
{
	long r = xsd_rss_kib(c->dm.pid);
	assert_true(r > 0);
	return r;
}

/* Wait until the server closes fd (EOF), draining what it sent. */
static bool closed_by_server(int fd, int timeout_ms)
{
	char buf[65536];
	struct pollfd p = { fd, POLLIN, 0 };
	long waited = 0;
	while (waited < timeout_ms) {
		if (poll(&p, 1, 100) > 0) {
			ssize_t n = read(fd, buf, sizeof(buf));
			if (n == 0 || (n < 0 && errno == ECONNRESET))
				return true;
		} else {
			waited += 100;
		}
	}
	return false;
}

static void test_malformed_header(void **state)
{
	struct ctx *c = *state;
	int fd = xsd_raw_connect(c->dm.sock);
	assert_true(fd >= 0);
	struct xsd_sockmsg h;
	char body[XENSTORE_PAYLOAD_MAX + 1];
	/* Unknown types and types only the daemon sends: ENOSYS (Xen 4.17
	 * process_message(): no wire_funcs[] handler), and the connection goes
	 * on. */
	uint32_t types[] = { 999, XS_WATCH_EVENT, XS_ERROR, XS_SET_TARGET + 1, XS_TYPE_COUNT };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		assert_int_equal(xsd_raw_send(fd, types[i], 5, 0, "x", 2), 0);
		assert_int_equal(xsd_raw_recv(fd, &h, body, 5000), 0);
		assert_int_equal(h.type, XS_ERROR);
		assert_int_equal(h.req_id, 5);
		assert_string_equal(body, "ENOSYS");
	}
	/* Payloads without their NUL terminator. */
	assert_int_equal(xsd_raw_send(fd, XS_READ, 6, 0, "/tool", 5), 0);
	assert_int_equal(xsd_raw_recv(fd, &h, body, 5000), 0);
	assert_string_equal(body, "EINVAL");
	assert_int_equal(xsd_raw_send(fd, XS_WRITE, 7, 0, "/nonul", 6), 0);
	assert_int_equal(xsd_raw_recv(fd, &h, body, 5000), 0);
	assert_string_equal(body, "EINVAL");
	assert_int_equal(xsd_raw_call(fd, XS_READ, 0, "/tool", NULL, &h, body), 0);
	assert_int_equal(h.type, XS_READ);
	/* A transaction id that does not exist. */
	assert_int_equal(xsd_raw_call(fd, XS_READ, 424242, "/tool", NULL, &h, body), 0);
	assert_int_equal(h.type, XS_ERROR);
	assert_string_equal(body, "ENOENT");
	/* A length over XENSTORE_PAYLOAD_MAX: a protocol violation, the
	 * connection is closed. */
	struct xsd_sockmsg bad = { XS_READ, 8, 0, XENSTORE_PAYLOAD_MAX + 1 };
	assert_int_equal(write(fd, &bad, sizeof(bad)), (ssize_t)sizeof(bad));
	assert_true(closed_by_server(fd, 5000));
	close(fd);
	assert_served(c);
}

static void test_long_and_deep_paths(void **state)
{
	struct ctx *c = *state;
	int fd = xsd_raw_connect(c->dm.sock);
	assert_true(fd >= 0);
	struct xsd_sockmsg h;
	char body[XENSTORE_PAYLOAD_MAX + 1];
	/* A 4 KiB path (the whole payload): EINVAL. */
	char path[XENSTORE_PAYLOAD_MAX];
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(xsd_raw_send(fd, XS_WRITE, 9, 0, path, sizeof(path)), 0);
	assert_int_equal(xsd_raw_recv(fd, &h, body, 5000), 0);
	assert_string_equal(body, "EINVAL");
	/* A path as deep as the length limit allows (2048 characters,
	 * is_valid_nodename()): 1021 levels. Creating and removing it must not
	 * recurse per level. */
	char deep[3100];
	size_t o = 0;
	o += (size_t)snprintf(deep, sizeof(deep), "/deep");
	for (int i = 0; i < 1021; i++) {
		deep[o++] = '/';
		deep[o++] = 'd';
	}
	deep[o] = '\0';
	long before = rss(c);
	assert_int_equal(xsd_raw_call(fd, XS_WRITE, 0, deep, NULL, &h, body), 0);
	assert_string_equal(body, "OK");
	assert_int_equal(xsd_raw_call(fd, XS_READ, 0, deep, NULL, &h, body), 0);
	assert_int_equal(h.type, XS_READ);
	assert_int_equal(xsd_raw_call(fd, XS_RM, 0, "/deep", NULL, &h, body), 0);
	assert_string_equal(body, "OK");
	assert_int_equal(xsd_raw_call(fd, XS_READ, 0, deep, NULL, &h, body), 0);
	assert_string_equal(body, "ENOENT");
	long after = rss(c);
	printf("deep path: rss %ld -> %ld KiB\n", before, after);
	/* A node keeps only its own name, so 1021 levels cost about 100 KB;
	 * sanitizer builds add redzones and allocator overhead on top. A copy
	 * of the path per level would cost 1 MB, a leak of the subtree more. */
	assert_true(after - before < 4096);
	close(fd);
	assert_served(c);
}

/* Write requests on sock and never read the replies. The daemon answers
 * until the kernel's socket buffer is full, then queues, then pauses
 * reading this client; others are served meanwhile. A guest is dropped
 * stall_ms later; dom0 never is (Xen never disconnects a privileged
 * connection): once it reads, it gets every reply. Returns the requests
 * sent. */
static size_t flood_unread(struct ctx *c, const char *sock, bool privileged)
{
	long before = rss(c), peak = before;
	int fd = xsd_raw_connect(sock);
	assert_true(fd >= 0);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	signal(SIGPIPE, SIG_IGN);
	char req[64];
	struct xsd_sockmsg h = { XS_READ, 0, 0, 6 };
	memcpy(req, &h, sizeof(h));
	memcpy(req + sizeof(h), "/tool", 6);
	size_t sent = 0;
	bool dropped = false, served_while_paused = false;
	/* stall_ms is 500: a paused guest is gone after 2 s of waits, dom0
	 * must still be there. */
	for (int waits = 0; waits < 2000 && !dropped;) {
		ssize_t w = write(fd, req, sizeof(h) + 6);
		if (w < 0 && errno == EAGAIN) {
			if (!served_while_paused) {
				assert_served(c);
				served_while_paused = true;
			}
			waits++;
			usleep(1000);
			continue;
		}
		if (w < 0) {
			dropped = errno == EPIPE || errno == ECONNRESET;
			break;
		}
		assert_true(w == (ssize_t)(sizeof(h) + 6)); /* small writes are atomic */
		if (++sent % 1000 == 0) {
			long r = rss(c);
			peak = r > peak ? r : peak;
		}
	}
	long r = rss(c);
	peak = r > peak ? r : peak;
	printf("unread replies (%s): %zu requests sent, %s, rss %ld -> peak %ld KiB\n",
	       privileged ? "dom0" : "guest", sent, dropped ? "dropped" : "kept", before, peak);
	assert_true(served_while_paused);
	assert_true(peak - before < 8192);
	if (!privileged) {
		assert_true(dropped || closed_by_server(fd, 5000));
		close(fd);
		return sent;
	}
	assert_false(dropped);
	/* Read everything: every request is answered, in order. */
	fcntl(fd, F_SETFL, 0);
	char body[XENSTORE_PAYLOAD_MAX + 1];
	for (size_t i = 0; i < sent; i++) {
		assert_int_equal(xsd_raw_recv(fd, &h, body, 5000), 0);
		assert_int_equal(h.type, XS_READ);
	}
	assert_int_equal(xsd_raw_call(fd, XS_READ, 0, "/tool", NULL, &h, body), 0);
	assert_int_equal(h.type, XS_READ);
	close(fd);
	return sent;
}

static void test_unread_replies(void **state)
{
	struct ctx *c = *state;
	flood_unread(c, c->dm.sock, true);
	assert_served(c);
	flood_unread(c, c->guest_sock, false);
	assert_served(c);
}

static void test_watch_flood(void **state)
{
	struct ctx *c = *state;
	long before = rss(c);
	/* A watcher that never reads its events. */
	int fd = xsd_raw_connect(c->dm.sock);
	assert_true(fd >= 0);
	struct xsd_sockmsg h;
	char body[XENSTORE_PAYLOAD_MAX + 1];
	assert_true(xs_mkdir(c->h, XBT_NULL, "/flood"));
	struct xs_permissions rd[2] = { { 0, XS_PERM_NONE }, { GUEST, XS_PERM_READ } };
	assert_true(xs_set_permissions(c->h, XBT_NULL, "/flood", rd, 2));
	assert_int_equal(xsd_raw_send(fd, XS_WATCH, 1, 0, "/flood\0tok", 11), 0);
	/* A guest with as many watches as it may have on the same path. */
	int g = xsd_raw_connect(c->guest_sock);
	assert_true(g >= 0);
	int accepted = 0, e2big = 0;
	for (int i = 0; i < 200; i++) {
		char tok[32];
		snprintf(tok, sizeof(tok), "g%d", i);
		assert_int_equal(xsd_raw_call(g, XS_WATCH, 0, "/flood", tok, &h, body), 0);
		if (h.type == XS_WATCH)
			accepted++;
		else if (!strcmp(body, "E2BIG"))
			e2big++;
	}
	/* 128 and one more: do_watch() refuses when domain_watch(conn) >
	 * quota_nb_watch_per_domain. */
	assert_int_equal(accepted, 129);
	assert_int_equal(e2big, 71);
	/* Fire: 5000 changes. */
	struct xs_handle *w = xs_open(0);
	for (int i = 0; i < 5000; i++) {
		char p[64];
		snprintf(p, sizeof(p), "/flood/n%d", i % 50);
		assert_true(xs_write(w, XBT_NULL, p, "x", 1));
	}
	xs_close(w);
	long after = rss(c);
	printf("watch flood: rss %ld -> %ld KiB\n", before, after);
	assert_true(after - before < 16384);
	/* Neither non-reader is dropped. dom0 got one event per path: an
	 * event identical to one still queued is dropped (send_event()), so
	 * 5000 changes of 50 nodes queue 50 events after the first. */
	int events = 0;
	for (;;) {
		assert_int_equal(xsd_raw_recv(fd, &h, body, 5000), 0);
		if (h.type == XS_WATCH)
			continue;
		assert_int_equal(h.type, XS_WATCH_EVENT);
		events++;
		if (events == 51)
			break;
	}
	assert_int_equal(xsd_raw_call(fd, XS_READ, 0, "/flood", NULL, &h, body), 0);
	assert_int_equal(h.type, XS_READ);
	/* The guest's queue is bounded (events_queued, as Xen's per-domain
	 * memory quota): the rest were dropped, the guest is still served. */
	assert_int_equal(xsd_raw_call(g, XS_READ, 0, "/flood", NULL, &h, body), 0);
	assert_int_equal(h.type, XS_READ);
	close(fd);
	close(g);
	assert_served(c);
	/* RESET_WATCHES is cheap: many watches dropped in one request. */
	int r = xsd_raw_connect(c->dm.sock);
	for (int i = 0; i < 2000; i++) {
		char p[64];
		snprintf(p, sizeof(p), "/many/%d", i);
		assert_int_equal(xsd_raw_call(r, XS_WATCH, 0, p, "t", &h, body), 0);
	}
	assert_int_equal(xsd_raw_call(r, XS_RESET_WATCHES, 0, "", NULL, &h, body), 0);
	assert_string_equal(body, "OK");
	assert_int_equal(xsd_raw_call(r, XS_UNWATCH, 0, "/many/0", "t", &h, body), 0);
	assert_string_equal(body, "ENOENT");
	close(r);
	assert_true(xs_rm(c->h, XBT_NULL, "/flood"));
}

/* Send n WRITEs of distinct nodes flood/N (from first) on the guest
 * connection g at once. */
static void send_writes(int g, int first, int n)
{
	for (int i = first; i < first + n; i++) {
		char p[64];
		int l = snprintf(p, sizeof(p), "flood/n%d", i) + 1;
		p[l] = 'v';
		assert_int_equal(xsd_raw_send(g, XS_WRITE, (uint32_t)i, 0, p, (uint32_t)l + 1), 0);
	}
}

/* Replies that arrive on g within ms of each other. */
static int replies_within(int g, int ms, int max)
{
	struct xsd_sockmsg h;
	char body[XENSTORE_PAYLOAD_MAX + 1];
	int n = 0;
	while (n < max && xsd_raw_recv(g, &h, body, ms) == 0) {
		assert_int_equal(h.type, XS_WRITE);
		n++;
	}
	return n;
}

/* Events waiting on fd, read without blocking for long. */
static int drain_events(int fd, int ms)
{
	struct xsd_sockmsg h;
	char body[XENSTORE_PAYLOAD_MAX + 1];
	int n = 0;
	while (xsd_raw_recv(fd, &h, body, ms) == 0)
		n += h.type == XS_WATCH_EVENT;
	return n;
}

/* dom0 writes n nodes with long names below /fill (watched by the
 * backend), so that the backend's socket buffer is full and what follows
 * waits in the daemon's queue. */
static void fill(struct ctx *c, int round, int n)
{
	char p[2100];
	int o = snprintf(p, sizeof(p), "/fill/r%d-", round);
	memset(p + o, 'f', 2000);
	for (int i = 0; i < n; i++) {
		snprintf(p + o + 2000, sizeof(p) - (size_t)o - 2000, "%d", i);
		assert_true(xs_write(c->h, XBT_NULL, p, "", 0));
	}
}

/* A guest floods a node a dom0 backend watches while the backend does not
 * read. Xen 4.17 keeps the dom0 connection (no quota for a privileged
 * one), drops an event identical to one queued (send_event()), and charges
 * the events to the guest request that caused them: a guest with
 * quota_req_outstanding (20) requests whose events are undelivered is not
 * read (domain_can_read()). */
static void test_guest_flood(void **state)
{
	struct ctx *c = *state;
	char home[64], wpath[80];
	snprintf(home, sizeof(home), "/local/domain/%d", GUEST);
	snprintf(wpath, sizeof(wpath), "%s/flood", home);
	int be = xsd_raw_connect(c->dm.sock);
	int g = xsd_raw_connect(c->guest_sock);
	assert_true(be >= 0 && g >= 0);
	struct xsd_sockmsg h;
	char body[XENSTORE_PAYLOAD_MAX + 1];
	assert_int_equal(xsd_raw_call(be, XS_WATCH, 0, wpath, "be", &h, body), 0);
	assert_int_equal(drain_events(be, 200), 1); /* the first event */
	assert_int_equal(xsd_raw_call(be, XS_WATCH, 0, "/fill", "fill", &h, body), 0);
	assert_int_equal(drain_events(be, 200), 1);
	long before = rss(c);
	fill(c, 0, 300);
	/* One node rewritten 20,000 times: one event stays queued for dom0,
	 * the duplicates are dropped, the guest goes on at full speed. */
	static const char req[] = "flood/x\0v";
	const int total = 20000, window = 16;
	int sent = 0, done = 0;
	while (done < total) {
		while (sent < total && sent - done < window) {
			assert_int_equal(xsd_raw_send(g, XS_WRITE, (uint32_t)sent, 0, req, sizeof(req) - 1), 0);
			sent++;
		}
		assert_int_equal(xsd_raw_recv(g, &h, body, 5000), 0);
		assert_int_equal(h.type, XS_WRITE);
		done++;
	}
	long mid = rss(c);
	assert_int_equal(drain_events(be, 200), 300 + 1);
	fill(c, 1, 300);
	/* Distinct nodes: every event is new. The guest gets 20 answers, then
	 * waits for the backend. */
	send_writes(g, 0, 200);
	/* 20 answers (each may take long on a busy machine), then none. */
	int first = replies_within(g, 10000, 20);
	first += replies_within(g, 300, 200 - first);
	long peak = rss(c);
	printf("guest flood: rss %ld -> %ld (20000 rewrites) -> %ld KiB (200 new nodes), "
	       "%d of 200 writes answered while the backend does not read\n",
	       before, mid, peak, first);
	assert_int_equal(first, 20);
	/* The backend reads: the guest goes on, every write is answered and
	 * every event arrives. */
	int got = first, events = 0;
	while (got < 200) {
		events += drain_events(be, 20);
		got += replies_within(g, 20, 200 - got);
	}
	events += drain_events(be, 200);
	assert_int_equal(events, 300 + 200);
	/* dom0's connection was kept. */
	assert_int_equal(xsd_raw_call(be, XS_READ, 0, wpath, NULL, &h, body), 0);
	assert_int_equal(h.type, XS_READ);
	/* Memory bounded: the filler (600 KB of nodes, as much queued), one
	 * queued event for 20,000 changes; the guest's writes are held back. */
	assert_true(mid - before < 8192);
	assert_true(peak - before < 8192);
	close(be);
	close(g);
	assert_served(c);
	assert_true(xs_rm(c->h, XBT_NULL, wpath));
	assert_true(xs_rm(c->h, XBT_NULL, "/fill"));
}

static void test_100k_nodes(void **state)
{
	struct ctx *c = *state;
	long before = rss(c);
	int g = xsd_raw_connect(c->guest_sock);
	assert_true(g >= 0);
	/* 100,000 writes, 16 in flight at a time. */
	const int total = 100000, window = 16;
	int sent = 0, done = 0, ok = 0, nospc = 0;
	struct xsd_sockmsg h;
	char body[XENSTORE_PAYLOAD_MAX + 1];
	while (done < total) {
		while (sent < total && sent - done < window) {
			char p[64];
			int l = snprintf(p, sizeof(p), "n/%d", sent) + 1;
			memcpy(p + l, "v", 1);
			assert_int_equal(xsd_raw_send(g, XS_WRITE, (uint32_t)sent, 0, p, (uint32_t)l + 1), 0);
			sent++;
		}
		assert_int_equal(xsd_raw_recv(g, &h, body, 10000), 0);
		if (h.type == XS_WRITE)
			ok++;
		else if (!strcmp(body, "ENOSPC"))
			nospc++;
		done++;
	}
	long after = rss(c);
	printf("100k nodes: %d created, %d refused (ENOSPC), rss %ld -> %ld KiB\n", ok, nospc, before,
	       after);
	/* The guest's nodes are children of "n", whose record (Xen 4.17
	 * write_node_raw(): 24 bytes, 8 per permission, the value, the
	 * children names) must stay below 2048 bytes: that, not the node
	 * quota, is what stops it. */
	int fit = 0;
	for (size_t rec = 24 + 8; rec + (size_t)snprintf(NULL, 0, "%d", fit) + 1 < 2048;)
		rec += (size_t)snprintf(NULL, 0, "%d", fit++) + 1;
	assert_int_equal(ok, fit);
	assert_int_equal(nospc, total - fit);
	assert_true(after - before < 8192);
	close(g);
	assert_served(c);
	char home[64];
	snprintf(home, sizeof(home), "/local/domain/%d/n", GUEST);
	assert_true(xs_rm(c->h, XBT_NULL, home));
}

static void test_transaction_abuse(void **state)
{
	struct ctx *c = *state;
	int g = xsd_raw_connect(c->guest_sock);
	struct xsd_sockmsg h;
	char body[XENSTORE_PAYLOAD_MAX + 1];
	int opened = 0;
	for (int i = 0; i < 20; i++) {
		assert_int_equal(xsd_raw_call(g, XS_TRANSACTION_START, 0, "", NULL, &h, body), 0);
		if (h.type == XS_TRANSACTION_START)
			opened++;
		else
			assert_string_equal(body, "ENOSPC");
	}
	/* 10 and one more (transaction_started > quota_max_transaction). */
	assert_int_equal(opened, 11);
	/* Closing the connection frees them; the daemon notices nothing. */
	close(g);
	assert_served(c);
}

/* One transaction writing the same node over and over: every write
 * touches a node already in the transaction, so the per-transaction node
 * limit never triggers; what the transaction keeps must not grow. */
static void test_transaction_rewrites(void **state)
{
	struct ctx *c = *state;
	int g = xsd_raw_connect(c->guest_sock);
	assert_true(g >= 0);
	struct xsd_sockmsg h;
	char body[XENSTORE_PAYLOAD_MAX + 1];
	assert_int_equal(xsd_raw_call(g, XS_TRANSACTION_START, 0, "", NULL, &h, body), 0);
	assert_int_equal(h.type, XS_TRANSACTION_START);
	uint32_t tx = (uint32_t)strtoul(body, NULL, 10);
	long before = rss(c);
	const int total = 200000, window = 16;
	int sent = 0, done = 0, ok = 0;
	static const char req[] = "t/x\0v";
	while (done < total) {
		while (sent < total && sent - done < window) {
			assert_int_equal(xsd_raw_send(g, XS_WRITE, (uint32_t)sent, tx, req, sizeof(req) - 1), 0);
			sent++;
		}
		assert_int_equal(xsd_raw_recv(g, &h, body, 10000), 0);
		ok += h.type == XS_WRITE;
		done++;
	}
	long after = rss(c);
	printf("transaction rewrites: %d writes, rss %ld -> %ld KiB\n", ok, before, after);
	assert_int_equal(ok, total);
	assert_true(after - before < 4096);
	/* A watcher sees the committed node once. */
	int w = xsd_raw_connect(c->dm.sock);
	assert_true(w >= 0);
	char wp[64];
	snprintf(wp, sizeof(wp), "/local/domain/%d/t", GUEST);
	assert_int_equal(xsd_raw_call(w, XS_WATCH, 0, wp, "tw", &h, body), 0);
	assert_int_equal(xsd_raw_recv(w, &h, body, 5000), 0); /* the first event */
	assert_int_equal(xsd_raw_call(g, XS_TRANSACTION_END, tx, "T", NULL, &h, body), 0);
	assert_string_equal(body, "OK");
	/* (not xsd_raw_call: it would skip the events queued before its reply) */
	assert_int_equal(xsd_raw_send(w, XS_WATCH, 1, 0, "/alive\0sentinel", 16), 0);
	int events = 0;
	for (;;) {
		assert_int_equal(xsd_raw_recv(w, &h, body, 5000), 0);
		if (h.type == XS_WATCH)
			continue;
		assert_int_equal(h.type, XS_WATCH_EVENT);
		if (!strcmp(body + strlen(body) + 1, "sentinel"))
			break;
		events++;
	}
	/* One event for t/x (which created t too), not one per write. */
	assert_int_equal(events, 1);
	close(w);
	close(g);
	assert_served(c);
	snprintf(wp, sizeof(wp), "/local/domain/%d/t", GUEST);
	assert_true(xs_rm(c->h, XBT_NULL, wp));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed_header),
		cmocka_unit_test(test_long_and_deep_paths),
		cmocka_unit_test(test_unread_replies),
		cmocka_unit_test(test_watch_flood),
		cmocka_unit_test(test_guest_flood),
		cmocka_unit_test(test_100k_nodes),
		cmocka_unit_test(test_transaction_abuse),
		cmocka_unit_test(test_transaction_rewrites),
	};
	return XSD_RUN_IO_MODES("hostile clients", tests, setup, teardown);
}
