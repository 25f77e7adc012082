/* SPDX-License-Identifier: LGPL-2.1-only */
/* Behaviour that needs our daemon: guest connections on per-domain sockets
 * (identity, relative paths, permissions, quotas), INTRODUCE/RELEASE and
 * their watches, SET_TARGET, CONTROL, --trace, --state, pipelining. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xenstore.h>

#include "tests/xenstored/harness.h"

struct ctx {
	struct xsd_daemon dm;
	struct xs_handle *h; /* dom0 */
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	/* Small quotas so that the tests reach them quickly. */
	const char *extra[] = {
		"--limit", "nodes_per_domain=40", "--limit", "watches_per_domain=8",
		"--limit", "txns_per_conn=3", "--limit", "txn_nodes=64", NULL,
	};
	if (!c || xsd_start(&c->dm, extra))
		return -1;
	c->h = xs_open(0);
	if (!c->h)
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	xs_close(c->h);
	xsd_cleanup(&c->dm);
	free(c);
	return 0;
}

/* Introduce domid and give it a home it owns, as a toolstack would. */
static void make_domain(struct ctx *c, unsigned domid)
{
	char home[64];
	assert_true(xs_introduce_domain(c->h, domid, 1000 + domid, 10 + domid));
	snprintf(home, sizeof(home), "/local/domain/%u", domid);
	assert_true(xs_mkdir(c->h, XBT_NULL, home));
	struct xs_permissions p[1] = { { domid, XS_PERM_NONE } };
	assert_true(xs_set_permissions(c->h, XBT_NULL, home, p, 1));
}

/* A libxenstore handle connected as domid. */
static struct xs_handle *open_as(struct ctx *c, unsigned domid)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/%u", c->dm.domdir, domid);
	setenv("XENSTORED_PATH", path, 1);
	struct xs_handle *h = xs_open(0);
	setenv("XENSTORED_PATH", c->dm.sock, 1);
	return h;
}

static void test_identity_and_relative(void **state)
{
	struct ctx *c = *state;
	make_domain(c, 5);
	struct xs_handle *g = open_as(c, 5);
	assert_non_null(g);
	/* Relative paths resolve against the guest's home. */
	assert_true(xs_write(g, XBT_NULL, "data/x", "guest", 5));
	unsigned n;
	char *v = xs_read(c->h, XBT_NULL, "/local/domain/5/data/x", &n);
	assert_non_null(v);
	assert_string_equal(v, "guest");
	free(v);
	/* The guest owns what it creates. */
	struct xs_permissions *p = xs_get_permissions(c->h, XBT_NULL, "/local/domain/5/data/x", &n);
	assert_non_null(p);
	assert_int_equal(p[0].id, 5);
	free(p);
	/* Relative watches report relative paths. */
	char ep[256], et[64];
	assert_true(xs_watch(g, "data", "rel"));
	assert_int_equal(xsd_wait_event(g, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_string_equal(ep, "data");
	assert_true(xs_write(c->h, XBT_NULL, "/local/domain/5/data/y", "1", 1));
	assert_int_equal(xsd_wait_event(g, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_string_equal(ep, "data/y");
	xs_close(g);
}

static void test_permissions(void **state)
{
	struct ctx *c = *state;
	make_domain(c, 6);
	struct xs_handle *g5 = open_as(c, 5);
	struct xs_handle *g6 = open_as(c, 6);
	assert_non_null(g5);
	assert_non_null(g6);
	unsigned n;
	/* dom0's nodes: n0, so the guests see nothing. */
	assert_true(xs_write(c->h, XBT_NULL, "/secret/a", "s", 1));
	assert_null(xs_read(g5, XBT_NULL, "/secret/a", &n));
	assert_int_equal(errno, EACCES);
	/* A missing node below an unreadable one is EACCES too (no probing). */
	assert_null(xs_read(g5, XBT_NULL, "/secret/none", &n));
	assert_int_equal(errno, EACCES);
	assert_false(xs_write(g5, XBT_NULL, "/secret/b", "x", 1));
	assert_int_equal(errno, EACCES);
	/* Below a readable node, a missing node is ENOENT. */
	assert_null(xs_read(g5, XBT_NULL, "data/none", &n));
	assert_int_equal(errno, ENOENT);
	/* Domain 6 cannot read 5's data until 5 grants it. */
	assert_null(xs_read(g6, XBT_NULL, "/local/domain/5/data/x", &n));
	assert_int_equal(errno, EACCES);
	struct xs_permissions grant[2] = { { 5, XS_PERM_NONE }, { 6, XS_PERM_READ } };
	assert_true(xs_set_permissions(g5, XBT_NULL, "data/x", grant, 2));
	char *v = xs_read(g6, XBT_NULL, "/local/domain/5/data/x", &n);
	assert_non_null(v);
	free(v);
	assert_false(xs_write(g6, XBT_NULL, "/local/domain/5/data/x", "no", 2));
	assert_int_equal(errno, EACCES);
	/* Guests may not give nodes away, nor change others' permissions. */
	struct xs_permissions away[1] = { { 6, XS_PERM_NONE } };
	assert_false(xs_set_permissions(g5, XBT_NULL, "data/x", away, 1));
	assert_int_equal(errno, EPERM);
	assert_false(xs_set_permissions(g6, XBT_NULL, "/local/domain/5/data/x", grant, 2));
	assert_int_equal(errno, EACCES);
	/* Privileged operations are refused. */
	assert_false(xs_introduce_domain(g5, 9, 1, 1));
	assert_int_equal(errno, EACCES);
	assert_null(xs_control_command(g5, "check", NULL, 0));
	assert_int_equal(errno, EACCES);
	/* Watch events only go where the node can be read. */
	char ep[256], et[64];
	assert_true(xs_watch(g6, "/secret/a", "sec"));
	assert_int_equal(xsd_wait_event(g6, ep, sizeof(ep), et, sizeof(et), 5000), 0); /* first */
	assert_true(xs_watch(g6, "/local/domain/6", "sentinel"));
	assert_int_equal(xsd_wait_event(g6, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_true(xs_write(c->h, XBT_NULL, "/secret/a", "changed", 7));
	assert_true(xs_write(c->h, XBT_NULL, "/local/domain/6/s", "1", 1));
	assert_int_equal(xsd_wait_event(g6, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_string_equal(et, "sentinel"); /* and not "sec" */
	struct xs_permissions r6[2] = { { 0, XS_PERM_NONE }, { 6, XS_PERM_READ } };
	assert_true(xs_set_permissions(c->h, XBT_NULL, "/secret/a", r6, 2));
	assert_int_equal(xsd_wait_event(g6, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_string_equal(et, "sec");
	xs_close(g5);
	xs_close(g6);
}

static void test_quotas(void **state)
{
	struct ctx *c = *state;
	make_domain(c, 7);
	struct xs_handle *g = open_as(c, 7);
	assert_non_null(g);
	char p[64];
	int ok = 0, nospc = 0;
	for (int i = 0; i < 60; i++) {
		snprintf(p, sizeof(p), "q/n%d", i);
		if (xs_write(g, XBT_NULL, p, "v", 1))
			ok++;
		else if (errno == ENOSPC)
			nospc++;
	}
	/* 40 nodes: its home, q, and 38 more. */
	assert_int_equal(ok, 38);
	assert_int_equal(nospc, 22);
	/* Removing frees quota. */
	assert_true(xs_rm(g, XBT_NULL, "q/n0"));
	assert_true(xs_write(g, XBT_NULL, "q/again", "v", 1));
	/* Record size (default 2048 for guests). */
	char big[3000];
	memset(big, 'x', sizeof(big));
	assert_false(xs_write(g, XBT_NULL, "q/n1", big, sizeof(big)));
	assert_int_equal(errno, ENOSPC);
	/* Watches: 8 per domain and one more (Xen 4.17 do_watch():
	 * domain_watch(conn) > quota_nb_watch_per_domain), then E2BIG. */
	int w = 0;
	for (int i = 0; i < 10; i++) {
		snprintf(p, sizeof(p), "w%d", i);
		if (xs_watch(g, "q", p))
			w++;
		else
			assert_int_equal(errno, E2BIG);
	}
	assert_int_equal(w, 9);
	/* Transactions: 3 open per connection and one more
	 * (do_transaction_start(): transaction_started > quota_max_transaction),
	 * then ENOSPC. */
	xs_transaction_t t[4];
	for (int i = 0; i < 4; i++)
		assert_true((t[i] = xs_transaction_start(g)) != XBT_NULL);
	assert_true(xs_transaction_start(g) == XBT_NULL);
	assert_int_equal(errno, ENOSPC);
	for (int i = 0; i < 4; i++)
		assert_true(xs_transaction_end(g, t[i], true));
	/* Nodes touched by one transaction: 64, then ENOSPC. */
	t[0] = xs_transaction_start(g);
	int touched = 0;
	for (int i = 0; i < 100; i++) {
		snprintf(p, sizeof(p), "q/n%d", i);
		unsigned n;
		char *v = xs_read(g, t[0], p, &n);
		if (!v && errno == ENOSPC)
			break;
		free(v);
		touched++;
	}
	assert_true(touched < 100);
	/* The broken limit fails the whole transaction (access_node() sets
	 * trans->fail; do_transaction_end() answers ENOMEM). */
	assert_false(xs_transaction_end(g, t[0], false)); /* commit */
	assert_int_equal(errno, ENOMEM);
	/* Path length below the home: 2048. */
	char longp[2100];
	memset(longp, 'a', sizeof(longp));
	longp[2049] = '\0';
	assert_false(xs_write(g, XBT_NULL, longp, "", 0));
	assert_int_equal(errno, EINVAL);
	xs_close(g);
}

static void test_introduce_release(void **state)
{
	struct ctx *c = *state;
	struct xs_handle *w = xs_open(0);
	char ep[256], et[64];
	assert_true(xs_watch(w, "@introduceDomain", "in"));
	assert_int_equal(xsd_wait_event(w, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_true(xs_watch(w, "@releaseDomain", "rel"));
	assert_int_equal(xsd_wait_event(w, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_false(xs_is_domain_introduced(c->h, 9));
	make_domain(c, 9);
	assert_int_equal(xsd_wait_event(w, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_string_equal(ep, "@introduceDomain");
	assert_true(xs_is_domain_introduced(c->h, 9));
	struct xs_handle *g = open_as(c, 9);
	assert_non_null(g);
	assert_true(xs_write(g, XBT_NULL, "owned", "1", 1));
	/* SET_TARGET: a device model (domain 10) acts for domain 9. */
	make_domain(c, 10);
	assert_int_equal(xsd_wait_event(w, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	struct xs_handle *dm = open_as(c, 10);
	unsigned n;
	assert_null(xs_read(dm, XBT_NULL, "/local/domain/9/owned", &n));
	assert_int_equal(errno, EACCES);
	assert_true(xs_set_target(c->h, 10, 9));
	char *v = xs_read(dm, XBT_NULL, "/local/domain/9/owned", &n);
	assert_non_null(v);
	free(v);
	assert_true(xs_write(dm, XBT_NULL, "/local/domain/9/from-dm", "1", 1));
	/* Release: the watch fires, the guest's connection is closed, the
	 * nodes it owns are removed (Xen 4.17 destroy_domain() ->
	 * domain_tree_remove(), xenstored started without -K). */
	assert_true(xs_release_domain(c->h, 9));
	assert_int_equal(xsd_wait_event(w, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_string_equal(ep, "@releaseDomain");
	assert_false(xs_is_domain_introduced(c->h, 9));
	assert_null(xs_read(g, XBT_NULL, "owned", &n));
	assert_null(xs_read(c->h, XBT_NULL, "/local/domain/9", &n));
	assert_int_equal(errno, ENOENT);
	assert_false(xs_release_domain(c->h, 9));
	assert_int_equal(errno, ENOENT);
	/* The target link is gone with the domain. */
	assert_null(xs_read(dm, XBT_NULL, "/local/domain/9/owned", &n));
	assert_int_equal(errno, EACCES);
	xs_close(g);
	xs_close(dm);
	xs_close(w);
}

static void domain_state(struct ctx *c, const char *args, size_t len, bool ok)
{
	char *r = xs_control_command(c->h, "domain-state", (void *)args, (unsigned)len);
	if (ok) {
		assert_non_null(r);
		assert_string_equal(r, "OK");
	} else {
		assert_null(r);
	}
	free(r);
}

/* CONTROL domain-state: the simulator's VIRQ_DOM_EXC. Xen 4.17.7
 * tools/xenstore/xenstored_domain.c check_domains(): a domain seen shut down
 * (or crashed) for the first time sets domain->shutdown and fires
 * @releaseDomain once; a dying one has its connection freed, and
 * destroy_domain() fires @releaseDomain again; do_resume() clears
 * domain->shutdown. */
static void test_domain_state(void **state)
{
	struct ctx *c = *state;
	char ep[256], et[64];
	struct xs_handle *w = xs_open(0);
	assert_non_null(w);
	assert_true(xs_watch(w, "@releaseDomain", "rel"));
	assert_int_equal(xsd_wait_event(w, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_true(xs_watch(w, "/sentinel", "sen"));
	assert_int_equal(xsd_wait_event(w, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	make_domain(c, 20);
	struct xs_handle *g = open_as(c, 20);
	assert_non_null(g);
	assert_true(xs_write(g, XBT_NULL, "alive", "1", 1));
	domain_state(c, "20\0shutdown", 12, true);
	assert_int_equal(xsd_wait_event(w, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_string_equal(ep, "@releaseDomain");
	/* Still introduced, its guest still served. */
	assert_true(xs_is_domain_introduced(c->h, 20));
	assert_true(xs_write(g, XBT_NULL, "alive", "2", 1));
	/* Shut down again without RESUME: no second event. */
	domain_state(c, "20\0shutdown", 12, true);
	assert_true(xs_write(c->h, XBT_NULL, "/sentinel", "1", 1));
	assert_int_equal(xsd_wait_event(w, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_string_equal(et, "sen");
	/* RESUME clears the flag: the next shutdown fires again. */
	assert_true(xs_resume_domain(c->h, 20));
	domain_state(c, "20\0shutdown", 12, true);
	assert_int_equal(xsd_wait_event(w, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_string_equal(ep, "@releaseDomain");
	/* Dying: fires again, and the domain is gone with its connection. */
	domain_state(c, "20\0dying", 9, true);
	assert_int_equal(xsd_wait_event(w, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_string_equal(ep, "@releaseDomain");
	assert_false(xs_is_domain_introduced(c->h, 20));
	unsigned n;
	assert_null(xs_read(g, XBT_NULL, "alive", &n));
	/* Unknown domain, dom0, bad state, missing argument. */
	domain_state(c, "20\0dying", 9, false);
	assert_int_equal(errno, ENOENT);
	domain_state(c, "0\0shutdown", 11, false);
	assert_int_equal(errno, ENOENT);
	make_domain(c, 21);
	domain_state(c, "21\0paused", 10, false);
	assert_int_equal(errno, EINVAL);
	domain_state(c, "21", 3, false);
	assert_int_equal(errno, EINVAL);
	domain_state(c, "x21\0dying", 10, false);
	assert_int_equal(errno, EINVAL);
	domain_state(c, "32752\0dying", 12, false); /* DOMID_FIRST_RESERVED */
	assert_int_equal(errno, EINVAL);
	domain_state(c, "\0dying", 7, false);
	assert_int_equal(errno, EINVAL);
	assert_true(xs_is_domain_introduced(c->h, 21));
	/* A guest may not say it. */
	struct xs_handle *g21 = open_as(c, 21);
	assert_non_null(g21);
	assert_null(xs_control_command(g21, "domain-state", "21\0dying", 9));
	assert_int_equal(errno, EACCES);
	assert_true(xs_is_domain_introduced(c->h, 21));
	xs_close(g21);
	xs_close(g);
	xs_close(w);
}

static void test_control(void **state)
{
	struct ctx *c = *state;
	char *r = xs_control_command(c->h, "print", "hello-from-test", 16);
	assert_non_null(r);
	free(r);
	r = xs_control_command(c->h, "check", NULL, 0);
	assert_non_null(r);
	assert_string_equal(r, "OK");
	free(r);
	r = xs_control_command(c->h, "quota", NULL, 0);
	assert_non_null(r);
	assert_non_null(strstr(r, "nodes_per_domain"));
	free(r);
	r = xs_control_command(c->h, "help", NULL, 0);
	assert_non_null(r);
	assert_non_null(strstr(r, "domain-state DOMID shutdown|dying"));
	free(r);
	r = xs_control_command(c->h, "log", "warn", 5);
	assert_non_null(r);
	free(r);
	assert_null(xs_control_command(c->h, "no-such-command", NULL, 0));
	assert_int_equal(errno, EINVAL);
}

/* Several requests in flight on one connection, sent in one write, and a
 * request dribbled byte by byte. */
static void test_pipelining(void **state)
{
	struct ctx *c = *state;
	int fd = xsd_raw_connect(c->dm.sock);
	assert_true(fd >= 0);
	char buf[16 * 64];
	size_t off = 0;
	for (uint32_t i = 0; i < 10; i++) {
		struct xsd_sockmsg h = { XS_GET_DOMAIN_PATH, 1000 + i, 0, 2 };
		memcpy(buf + off, &h, sizeof(h));
		off += sizeof(h);
		buf[off++] = (char)('0' + i);
		buf[off++] = '\0';
	}
	assert_int_equal(write(fd, buf, off), (ssize_t)off);
	for (uint32_t i = 0; i < 10; i++) {
		struct xsd_sockmsg h;
		char body[XENSTORE_PAYLOAD_MAX + 1];
		assert_int_equal(xsd_raw_recv(fd, &h, body, 5000), 0);
		assert_int_equal(h.req_id, 1000 + i);
		assert_int_equal(h.type, XS_GET_DOMAIN_PATH);
		char want[32];
		snprintf(want, sizeof(want), "/local/domain/%u", i);
		assert_string_equal(body, want);
	}
	struct xsd_sockmsg h = { XS_READ, 77, 0, 6 };
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), "/tool", 6);
	for (size_t i = 0; i < sizeof(h) + 6; i++) {
		assert_int_equal(write(fd, buf + i, 1), 1);
		usleep(1000);
	}
	char body[XENSTORE_PAYLOAD_MAX + 1];
	assert_int_equal(xsd_raw_recv(fd, &h, body, 5000), 0);
	assert_int_equal(h.req_id, 77);
	assert_int_equal(h.type, XS_READ);
	/* RESET_WATCHES drops the connection's watches. */
	assert_int_equal(xsd_raw_call(fd, XS_WATCH, 0, "/tool", "t", &h, body), 0);
	assert_int_equal(xsd_raw_call(fd, XS_RESET_WATCHES, 0, "", NULL, &h, body), 0);
	assert_string_equal(body, "OK");
	assert_int_equal(xsd_raw_call(fd, XS_UNWATCH, 0, "/tool", "t", &h, body), 0);
	assert_int_equal(h.type, XS_ERROR);
	assert_string_equal(body, "ENOENT");
	close(fd);
}

static void test_trace_and_state(void **state)
{
	struct ctx *c = *state;
	struct xsd_daemon dm;
	char st[400];
	snprintf(st, sizeof(st), "%s/saved", c->dm.dir);
	char tr[400];
	snprintf(tr, sizeof(tr), "%s/trace2", c->dm.dir);
	const char *extra[] = { "--state", st, "--trace", tr, NULL };
	assert_int_equal(xsd_start(&dm, extra), 0);
	struct xs_handle *h = xs_open(0);
	assert_non_null(h);
	assert_true(xs_write(h, XBT_NULL, "/keep/me", "a b\\c\n\x01", 7));
	assert_true(xs_write(h, XBT_NULL, "/keep/empty", "", 0));
	assert_true(xs_write(h, XBT_NULL, "/keep/eq", "=x", 2));
	assert_true(xs_introduce_domain(h, 12, 1, 2));
	/* the owner must exist: domain 12 does now */
	struct xs_permissions p[2] = { { 12, XS_PERM_READ }, { 4, XS_PERM_WRITE } };
	assert_true(xs_set_permissions(h, XBT_NULL, "/keep/me", p, 2));
	xs_close(h);
	assert_int_equal(xsd_stop(&dm), 0);
	char out[4096];
	assert_int_equal(xsd_sh(out, sizeof(out), "grep -c 'WRITE' %s", tr), 0);
	assert_true(atoi(out) >= 6);
	assert_int_equal(xsd_sh(out, sizeof(out), "grep -c '^.* OUT .*WRITE.*OK' %s", tr), 0);
	xsd_cleanup(&dm);
	/* Start again from the saved state. */
	assert_int_equal(xsd_start(&dm, extra), 0);
	h = xs_open(0);
	unsigned n;
	char *v = xs_read(h, XBT_NULL, "/keep/me", &n);
	assert_non_null(v);
	assert_int_equal(n, 7);
	assert_memory_equal(v, "a b\\c\n\x01", 7);
	free(v);
	v = xs_read(h, XBT_NULL, "/keep/empty", &n);
	assert_int_equal(n, 0);
	free(v);
	v = xs_read(h, XBT_NULL, "/keep/eq", &n);
	assert_string_equal(v, "=x");
	free(v);
	struct xs_permissions *gp = xs_get_permissions(h, XBT_NULL, "/keep/me", &n);
	assert_int_equal(n, 2);
	assert_int_equal(gp[0].id, 12);
	assert_int_equal(gp[1].perms, XS_PERM_WRITE);
	free(gp);
	assert_true(xs_is_domain_introduced(h, 12));
	v = xs_control_command(h, "check", NULL, 0);
	assert_string_equal(v, "OK");
	free(v);
	xs_close(h);
	xsd_cleanup(&dm);
	/* A damaged escape (one hex digit) stops the start-up. */
	FILE *f = fopen(st, "w");
	assert_non_null(f);
	fprintf(f, "xctl-xenstored-state 1\nnode /bad n0 \\xfz\n");
	assert_int_equal(fclose(f), 0);
	assert_int_not_equal(xsd_start(&dm, extra), 0);
	xsd_cleanup(&dm);
	setenv("XENSTORED_PATH", c->dm.sock, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity_and_relative),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_quotas),
		cmocka_unit_test(test_introduce_release),
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_domain_state),
		cmocka_unit_test(test_pipelining),
		cmocka_unit_test(test_trace_and_state),
	};
	return XSD_RUN_IO_MODES("domains", tests, setup, teardown);
}
