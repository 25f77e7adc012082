/* SPDX-License-Identifier: LGPL-2.1-only */
/* Portable xenstore behaviour: everything a dom0 client can observe.
 *
 * By default the test starts xctl-xenstored on a temporary socket. With
 * XCTL_XS_EXTERNAL=1 it uses whatever xenstored libxenstore reaches (Xen's
 * own in a real dom0) and works only below a private subtree that it
 * removes at the end: nothing here may depend on our daemon. */
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
	bool external;
	struct xs_handle *h;
	char root[64];
};

static void pathf(const struct ctx *c, char *out, size_t sz, const char *sub)
{
	snprintf(out, sz, "%s/%s", c->root, sub);
}

/* Collect events until the one with token "sentinel"; returns how many
 * events with token tok were seen before it (or -1 on timeout). */
static int events_before_sentinel(struct xs_handle *h, const char *tok)
{
	int n = 0;
	char p[512], t[128];
	for (;;) {
		if (xsd_wait_event(h, p, sizeof(p), t, sizeof(t), 5000))
			return -1;
		if (!strcmp(t, "sentinel"))
			return n;
		if (!strcmp(t, tok))
			n++;
	}
}

static int group_setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	const char *ext = getenv("XCTL_XS_EXTERNAL");
	c->external = ext && !strcmp(ext, "1");
	if (!c->external && xsd_start(&c->dm, NULL)) {
		fprintf(stderr, "cannot start %s\n", xsd_binary());
		free(c);
		return -1;
	}
	c->h = xs_open(0);
	if (!c->h) {
		fprintf(stderr, "xs_open failed: %s\n", strerror(errno));
		xsd_cleanup(&c->dm);
		free(c);
		return -1;
	}
	snprintf(c->root, sizeof(c->root), "/xctl-test-%ld", (long)getpid());
	xs_rm(c->h, XBT_NULL, c->root);
	if (!xs_mkdir(c->h, XBT_NULL, c->root))
		return -1;
	*state = c;
	return 0;
}

static int group_teardown(void **state)
{
	struct ctx *c = *state;
	bool ok = xs_rm(c->h, XBT_NULL, c->root);
	xs_close(c->h);
	if (!c->external)
		xsd_cleanup(&c->dm);
	free(c);
	return ok ? 0 : -1;
}

static void test_read_write(void **state)
{
	struct ctx *c = *state;
	char p[256];
	unsigned len;
	pathf(c, p, sizeof(p), "rw/a/b/c");
	assert_true(xs_write(c->h, XBT_NULL, p, "hello", 5));
	char *v = xs_read(c->h, XBT_NULL, p, &len);
	assert_non_null(v);
	assert_int_equal(len, 5);
	assert_string_equal(v, "hello");
	free(v);
	/* Parents were created, empty. */
	pathf(c, p, sizeof(p), "rw/a/b");
	v = xs_read(c->h, XBT_NULL, p, &len);
	assert_non_null(v);
	assert_int_equal(len, 0);
	free(v);
	/* Binary values, with NULs, survive. */
	pathf(c, p, sizeof(p), "rw/bin");
	assert_true(xs_write(c->h, XBT_NULL, p, "a\0b\xff", 4));
	v = xs_read(c->h, XBT_NULL, p, &len);
	assert_non_null(v);
	assert_int_equal(len, 4);
	assert_memory_equal(v, "a\0b\xff", 4);
	free(v);
	/* Overwrite. */
	assert_true(xs_write(c->h, XBT_NULL, p, "x", 1));
	v = xs_read(c->h, XBT_NULL, p, &len);
	assert_string_equal(v, "x");
	free(v);
	pathf(c, p, sizeof(p), "rw/missing");
	assert_null(xs_read(c->h, XBT_NULL, p, &len));
	assert_int_equal(errno, ENOENT);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_mkdir_directory_rm(void **state)
{
	struct ctx *c = *state;
	char p[256];
	unsigned n;
	const char *kids[] = { "zeta", "alpha", "mid" };
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/dir/%s", c->root, kids[i]);
		assert_true(xs_mkdir(c->h, XBT_NULL, p));
	}
	/* mkdir of an existing node succeeds and leaves it alone. */
	assert_true(xs_write(c->h, XBT_NULL, p, "keep", 4));
	assert_true(xs_mkdir(c->h, XBT_NULL, p));
	char *v = xs_read(c->h, XBT_NULL, p, &n);
	assert_string_equal(v, "keep");
	free(v);
	pathf(c, p, sizeof(p), "dir");
	char **l = xs_directory(c->h, XBT_NULL, p, &n);
	assert_non_null(l);
	assert_int_equal(n, 3);
	qsort(l, n, sizeof(*l), cmpstr);
	assert_string_equal(l[0], "alpha");
	assert_string_equal(l[1], "mid");
	assert_string_equal(l[2], "zeta");
	free(l);
	/* rm removes the subtree. */
	pathf(c, p, sizeof(p), "dir/alpha/deep/er");
	assert_true(xs_write(c->h, XBT_NULL, p, "1", 1));
	pathf(c, p, sizeof(p), "dir/alpha");
	assert_true(xs_rm(c->h, XBT_NULL, p));
	pathf(c, p, sizeof(p), "dir/alpha/deep/er");
	assert_null(xs_read(c->h, XBT_NULL, p, &n));
	assert_int_equal(errno, ENOENT);
	pathf(c, p, sizeof(p), "dir");
	l = xs_directory(c->h, XBT_NULL, p, &n);
	assert_int_equal(n, 2);
	free(l);
	/* rm of a missing node whose parent exists is fine; with no parent,
	 * ENOENT. */
	pathf(c, p, sizeof(p), "dir/nothing");
	assert_true(xs_rm(c->h, XBT_NULL, p));
	pathf(c, p, sizeof(p), "dir/no/thing");
	assert_false(xs_rm(c->h, XBT_NULL, p));
	assert_int_equal(errno, ENOENT);
}

static void test_directory_part(void **state)
{
	struct ctx *c = *state;
	char p[256];
	/* More than one payload's worth of names: libxenstore falls back to
	 * DIRECTORY_PART after E2BIG. */
	const int count = 300;
	for (int i = 0; i < count; i++) {
		snprintf(p, sizeof(p), "%s/big/child-with-a-rather-long-name-%04d", c->root, i);
		assert_true(xs_write(c->h, XBT_NULL, p, "", 0));
	}
	pathf(c, p, sizeof(p), "big");
	unsigned n;
	char **l = xs_directory(c->h, XBT_NULL, p, &n);
	assert_non_null(l);
	assert_int_equal(n, count);
	qsort(l, n, sizeof(*l), cmpstr);
	assert_string_equal(l[0], "child-with-a-rather-long-name-0000");
	assert_string_equal(l[count - 1], "child-with-a-rather-long-name-0299");
	free(l);
}

static void test_perms(void **state)
{
	struct ctx *c = *state;
	char p[256];
	unsigned n;
	pathf(c, p, sizeof(p), "perm");
	assert_true(xs_mkdir(c->h, XBT_NULL, p));
	struct xs_permissions set[2] = { { 0, XS_PERM_NONE }, { 5, XS_PERM_READ } };
	assert_true(xs_set_permissions(c->h, XBT_NULL, p, set, 2));
	struct xs_permissions *got = xs_get_permissions(c->h, XBT_NULL, p, &n);
	assert_non_null(got);
	assert_int_equal(n, 2);
	assert_int_equal(got[0].id, 0);
	assert_int_equal(got[0].perms, XS_PERM_NONE);
	assert_int_equal(got[1].id, 5);
	assert_int_equal(got[1].perms, XS_PERM_READ);
	free(got);
	/* Children created later inherit the parent's permissions. */
	pathf(c, p, sizeof(p), "perm/child/grandchild");
	assert_true(xs_write(c->h, XBT_NULL, p, "v", 1));
	got = xs_get_permissions(c->h, XBT_NULL, p, &n);
	assert_non_null(got);
	assert_int_equal(n, 2);
	assert_int_equal(got[1].id, 5);
	assert_int_equal(got[1].perms, XS_PERM_READ);
	free(got);
	/* The owner must be a domain that exists: no domain 7 here (as Xen
	 * 4.17's xenstored answers); the node keeps its permissions. */
	struct xs_permissions set2[2] = { { 7, XS_PERM_READ }, { 3, XS_PERM_READ | XS_PERM_WRITE } };
	assert_false(xs_set_permissions(c->h, XBT_NULL, p, set2, 2));
	assert_int_equal(errno, ENOENT);
	got = xs_get_permissions(c->h, XBT_NULL, p, &n);
	assert_non_null(got);
	assert_int_equal(n, 2);
	assert_int_equal(got[0].id, 0);
	assert_int_equal(got[1].id, 5);
	free(got);
	/* Default read for everyone, and both/write for entries naming
	 * domains that need not exist. */
	struct xs_permissions set3[3] = { { 0, XS_PERM_READ }, { 3, XS_PERM_READ | XS_PERM_WRITE },
					  { 9, XS_PERM_WRITE } };
	assert_true(xs_set_permissions(c->h, XBT_NULL, p, set3, 3));
	got = xs_get_permissions(c->h, XBT_NULL, p, &n);
	assert_non_null(got);
	assert_int_equal(n, 3);
	assert_int_equal(got[0].id, 0);
	assert_int_equal(got[0].perms, XS_PERM_READ);
	assert_int_equal(got[1].id, 3);
	assert_int_equal(got[1].perms, XS_PERM_READ | XS_PERM_WRITE);
	assert_int_equal(got[2].id, 9);
	assert_int_equal(got[2].perms, XS_PERM_WRITE);
	free(got);
	pathf(c, p, sizeof(p), "perm/missing");
	assert_false(xs_set_permissions(c->h, XBT_NULL, p, set, 2));
	assert_int_equal(errno, ENOENT);
}

static void test_watches(void **state)
{
	struct ctx *c = *state;
	char p[256], q[256], ep[512], et[128];
	pathf(c, p, sizeof(p), "w");
	assert_true(xs_mkdir(c->h, XBT_NULL, p));
	pathf(c, q, sizeof(q), "sentinel");
	assert_true(xs_watch(c->h, q, "sentinel"));
	assert_int_equal(events_before_sentinel(c->h, "x"), 0); /* its first event */
	assert_true(xs_watch(c->h, p, "tok-w"));
	/* The first event: the watched path itself, at once. */
	assert_int_equal(xsd_wait_event(c->h, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_string_equal(ep, p);
	assert_string_equal(et, "tok-w");
	/* Changes to the node and to any descendant fire it. */
	pathf(c, q, sizeof(q), "w/kid/grandkid");
	assert_true(xs_write(c->h, XBT_NULL, q, "1", 1));
	assert_int_equal(xsd_wait_event(c->h, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_string_equal(ep, q);
	assert_string_equal(et, "tok-w");
	pathf(c, q, sizeof(q), "w/kid");
	assert_true(xs_rm(c->h, XBT_NULL, q));
	assert_int_equal(xsd_wait_event(c->h, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_true(!strncmp(ep, q, strlen(q)));
	assert_string_equal(et, "tok-w");
	/* A sibling with the same prefix is not a child. */
	pathf(c, q, sizeof(q), "wx");
	assert_true(xs_write(c->h, XBT_NULL, q, "1", 1));
	pathf(c, q, sizeof(q), "sentinel");
	assert_true(xs_write(c->h, XBT_NULL, q, "1", 1));
	assert_int_equal(events_before_sentinel(c->h, "tok-w"), 0);
	/* Same path and token twice: EEXIST. After unwatch, silence. */
	assert_false(xs_watch(c->h, p, "tok-w"));
	assert_int_equal(errno, EEXIST);
	assert_true(xs_unwatch(c->h, p, "tok-w"));
	assert_false(xs_unwatch(c->h, p, "tok-w"));
	assert_int_equal(errno, ENOENT);
	pathf(c, q, sizeof(q), "w/after");
	assert_true(xs_write(c->h, XBT_NULL, q, "1", 1));
	pathf(c, q, sizeof(q), "sentinel");
	assert_true(xs_write(c->h, XBT_NULL, q, "2", 1));
	assert_int_equal(events_before_sentinel(c->h, "tok-w"), 0);
	assert_true(xs_unwatch(c->h, q, "sentinel"));
}

static void test_special_watches(void **state)
{
	struct ctx *c = *state;
	char ep[512], et[128];
	struct xs_handle *h = xs_open(0);
	assert_non_null(h);
	assert_true(xs_watch(h, "@releaseDomain", "rel"));
	assert_int_equal(xsd_wait_event(h, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_string_equal(ep, "@releaseDomain");
	assert_string_equal(et, "rel");
	assert_true(xs_watch(h, "@introduceDomain", "intro"));
	assert_int_equal(xsd_wait_event(h, ep, sizeof(ep), et, sizeof(et), 5000), 0);
	assert_string_equal(ep, "@introduceDomain");
	assert_string_equal(et, "intro");
	xs_close(h);
	(void)c;
}

static void test_transactions(void **state)
{
	struct ctx *c = *state;
	char p[256], q[256];
	unsigned n;
	pathf(c, p, sizeof(p), "tx/a");
	pathf(c, q, sizeof(q), "tx/b");
	/* Commit: invisible outside until the end, then visible. */
	xs_transaction_t t = xs_transaction_start(c->h);
	assert_true(t != XBT_NULL);
	assert_true(xs_write(c->h, t, p, "in-tx", 5));
	char *v = xs_read(c->h, t, p, &n);
	assert_string_equal(v, "in-tx");
	free(v);
	assert_null(xs_read(c->h, XBT_NULL, p, &n));
	assert_int_equal(errno, ENOENT);
	assert_true(xs_transaction_end(c->h, t, false));
	v = xs_read(c->h, XBT_NULL, p, &n);
	assert_string_equal(v, "in-tx");
	free(v);
	/* Abort: nothing happens. */
	t = xs_transaction_start(c->h);
	assert_true(xs_write(c->h, t, q, "gone", 4));
	assert_true(xs_transaction_end(c->h, t, true));
	assert_null(xs_read(c->h, XBT_NULL, q, &n));
	/* Conflict: another client changes what the transaction read. */
	struct xs_handle *other = xs_open(0);
	assert_non_null(other);
	t = xs_transaction_start(c->h);
	v = xs_read(c->h, t, p, &n);
	free(v);
	assert_true(xs_write(other, XBT_NULL, p, "other", 5));
	assert_true(xs_write(c->h, t, q, "late", 4));
	assert_false(xs_transaction_end(c->h, t, false));
	assert_int_equal(errno, EAGAIN);
	assert_null(xs_read(c->h, XBT_NULL, q, &n));
	v = xs_read(c->h, XBT_NULL, p, &n);
	assert_string_equal(v, "other");
	free(v);
	/* Retry commits. */
	t = xs_transaction_start(c->h);
	v = xs_read(c->h, t, p, &n);
	free(v);
	assert_true(xs_write(c->h, t, q, "late", 4));
	assert_true(xs_transaction_end(c->h, t, false));
	/* rm and directory inside a transaction. */
	t = xs_transaction_start(c->h);
	pathf(c, p, sizeof(p), "tx");
	assert_true(xs_rm(c->h, t, q));
	char **l = xs_directory(c->h, t, p, &n);
	assert_int_equal(n, 1);
	free(l);
	l = xs_directory(c->h, XBT_NULL, p, &n);
	assert_int_equal(n, 2);
	free(l);
	assert_true(xs_transaction_end(c->h, t, false));
	l = xs_directory(c->h, XBT_NULL, p, &n);
	assert_int_equal(n, 1);
	free(l);
	xs_close(other);
}

static void test_errors(void **state)
{
	struct ctx *c = *state;
	char p[256];
	unsigned n;
	snprintf(p, sizeof(p), "%s//double", c->root);
	assert_false(xs_write(c->h, XBT_NULL, p, "x", 1));
	assert_int_equal(errno, EINVAL);
	snprintf(p, sizeof(p), "%s/trailing/", c->root);
	assert_false(xs_write(c->h, XBT_NULL, p, "x", 1));
	assert_int_equal(errno, EINVAL);
	snprintf(p, sizeof(p), "%s/bad char", c->root);
	assert_false(xs_write(c->h, XBT_NULL, p, "x", 1));
	assert_int_equal(errno, EINVAL);
	/* A transaction id that does not exist. */
	snprintf(p, sizeof(p), "%s", c->root);
	assert_null(xs_read(c->h, (xs_transaction_t)0x7fff1234, p, &n));
	assert_int_equal(errno, ENOENT);
	assert_false(xs_transaction_end(c->h, (xs_transaction_t)0x7fff1234, false));
	assert_int_equal(errno, ENOENT);
	/* Removing the root is refused. */
	assert_false(xs_rm(c->h, XBT_NULL, "/"));
	assert_int_equal(errno, EINVAL);
}

static void test_domain_queries(void **state)
{
	struct ctx *c = *state;
	char *s = xs_get_domain_path(c->h, 5);
	assert_non_null(s);
	assert_string_equal(s, "/local/domain/5");
	free(s);
	assert_true(xs_is_domain_introduced(c->h, 0));
}

static void test_relative_dom0(void **state)
{
	struct ctx *c = *state;
	char rel[64], abs[128];
	unsigned n;
	snprintf(rel, sizeof(rel), "xctl-test-rel-%ld", (long)getpid());
	snprintf(abs, sizeof(abs), "/local/domain/0/%s", rel);
	bool home_existed = true;
	char *v = xs_read(c->h, XBT_NULL, "/local/domain/0", &n);
	if (!v)
		home_existed = false;
	free(v);
	assert_true(xs_write(c->h, XBT_NULL, rel, "rel", 3));
	v = xs_read(c->h, XBT_NULL, abs, &n);
	assert_non_null(v);
	assert_string_equal(v, "rel");
	free(v);
	assert_true(xs_rm(c->h, XBT_NULL, home_existed ? abs : "/local"));
}

static int tool_ok(const char *out, const char *want)
{
	return strstr(out, want) != NULL;
}

static void test_cli_tools(void **state)
{
	struct ctx *c = *state;
	char out[8192];
	const char *r = c->root;
	assert_int_equal(xsd_sh(out, sizeof(out), "xenstore-write %s/cli/a 1 %s/cli/b/c two 2>&1", r, r), 0);
	assert_int_equal(xsd_sh(out, sizeof(out), "xenstore-read %s/cli/b/c", r), 0);
	assert_string_equal(out, "two\n");
	assert_int_equal(xsd_sh(out, sizeof(out), "xenstore-exists %s/cli/a", r), 0);
	assert_int_not_equal(xsd_sh(out, sizeof(out), "xenstore-exists %s/cli/zz 2>/dev/null", r), 0);
	assert_int_equal(xsd_sh(out, sizeof(out), "xenstore-list %s/cli", r), 0);
	assert_true(tool_ok(out, "a\n") && tool_ok(out, "b\n"));
	assert_int_equal(xsd_sh(out, sizeof(out), "xenstore-chmod -r %s/cli n0 r4", r), 0);
	assert_int_equal(xsd_sh(out, sizeof(out), "xenstore-ls -fp %s/cli", r), 0);
	char want[256];
	snprintf(want, sizeof(want), "%s/cli/b/c = \"two\"   (n0,r4)", r);
	assert_true(tool_ok(out, want));
	/* xenstore-watch: the first event, then the change. */
	char wfile[128];
	snprintf(wfile, sizeof(wfile), "/tmp/xsd-watch-%ld", (long)getpid());
	assert_int_equal(xsd_sh(NULL, 0, "xenstore-watch -n 2 %s/cli/b > %s 2>&1 & echo $! > %s.pid", r,
				wfile, wfile), 0);
	/* Give the watcher time to register, then change the node until it
	 * has seen its two events (bounded). */
	int done = 0;
	for (int i = 0; i < 100 && !done; i++) {
		usleep(50000);
		assert_int_equal(xsd_sh(NULL, 0, "xenstore-write %s/cli/b/c v%d", r, i), 0);
		done = xsd_sh(NULL, 0, "! kill -0 $(cat %s.pid) 2>/dev/null", wfile) == 0;
	}
	assert_true(done);
	assert_int_equal(xsd_sh(out, sizeof(out), "cat %s; rm -f %s %s.pid", wfile, wfile, wfile), 0);
	snprintf(want, sizeof(want), "%s/cli/b\n", r);
	assert_true(tool_ok(out, want));
	snprintf(want, sizeof(want), "%s/cli/b/c\n", r);
	assert_true(tool_ok(out, want));
	assert_int_equal(xsd_sh(out, sizeof(out), "xenstore-rm %s/cli/b", r), 0);
	assert_int_not_equal(xsd_sh(out, sizeof(out), "xenstore-read %s/cli/b/c 2>/dev/null", r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_write),
		cmocka_unit_test(test_mkdir_directory_rm),
		cmocka_unit_test(test_directory_part),
		cmocka_unit_test(test_perms),
		cmocka_unit_test(test_watches),
		cmocka_unit_test(test_special_watches),
		cmocka_unit_test(test_transactions),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_domain_queries),
		cmocka_unit_test(test_relative_dom0),
		cmocka_unit_test(test_cli_tools),
	};
	/* Against another daemon (XCTL_XS_EXTERNAL=1: Xen's, in the lab) once;
	 * ours in each way of socket I/O. */
	const char *ext = getenv("XCTL_XS_EXTERNAL");
	if (ext && !strcmp(ext, "1"))
		return cmocka_run_group_tests(tests, group_setup, group_teardown);
	return XSD_RUN_IO_MODES("portable protocol", tests, group_setup, group_teardown);
}
