/* SPDX-License-Identifier: LGPL-2.1-only */
/* The tree normaliser and comparison (xenstore-schema/norm.h) and the
 * commands over them (xctl schema normalise, xctl schema diff). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "common/util.h"
#include "tests/cli/runcmd.h"
#include "xenstore-schema/norm.h"

/* Two guests, 7 and 3, in an order that is not the ids' (3 becomes $D1). */
static const char *TREE =
	"/local/domain/0 = \"\"   (n0)\n"
	"/local/domain/0/backend/vbd/7/51712/frontend = \"/local/domain/7/device/vbd/51712\"   (n0,r7)\n"
	"/local/domain/0/backend/vbd/7/51712/frontend-id = \"7\"   (n0,r7)\n"
	"/local/domain/0/backend/vif/3/0/mac = \"00:16:3e:aa:bb:cc\"   (n0,r3)\n"
	"/local/domain/0/device-model/7/state = \"running\"   (n0,r7)\n"
	"/local/domain/7 = \"\"   (n0,r7)\n"
	"/local/domain/7/vm = \"/vm/11111111-2222-3333-4444-555555555555\"   (n0,r7)\n"
	"/local/domain/7/device/vbd/51712/ring-ref = \"8\"   (n7,r0)\n"
	"/local/domain/7/device/vbd/51712/event-channel = \"9\"   (n7,r0)\n"
	"/local/domain/7/device/vbd/51712/backend-id = \"0\"   (n7,r0)\n"
	"/local/domain/7/device/suspend/event-channel = \"\"   (n7)\n"
	"/local/domain/7/store/ring-ref = \"259585\"   (n0,r7)\n"
	"/local/domain/7/console/tty = \"/dev/pts/3\"   (n0,r7)\n"
	"/local/domain/7/image/device-model-pid = \"4242\"   (n0,r7)\n"
	"/local/domain/7/name = \"g7\\tx\"   (n0,r7)\n"
	"/local/domain/3 = \"\"   (n0,r3)\n"
	"/local/domain/3/vm = \"/vm/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\"   (n0,r3)\n"
	"/local/domain/3/device/vif/0/mac = \"00:16:3e:aa:bb:cc\"   (n3,r0)\n"
	"/local/domain/3/device/vif/1/mac = \"00:16:3e:00:00:01\"   (n3,r0)\n"
	"/local/domain/3/domid = \"3\"   (n0,r3)\n"
	"/vm/11111111-2222-3333-4444-555555555555/uuid = \"11111111-2222-3333-4444-555555555555\"   (n0,r7)\n"
	"/vm/11111111-2222-3333-4444-555555555555/start_time = \"1796154056.05\"   (n0,r7)\n"
	"/vm/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/cmdline-ish = \"lab.ip=10.0.0.21\"   (n0,r3)\n"
	"/vm/99999999-2222-3333-4444-555555555555 = \"\"   (n0)\n"
	"/nonschema/7 = \"7\"   (n0)\n"
	"/local/domain/0/device-model/7/path = \"/local/domain/7/device\"   (n0)\n"
	"/local/domain/0/device-model/7/file = \"/dev/loop0\"   (n0)\n"
	"/local/domain/7/unreadable:\n";

static struct xctl_xsnorm *norm_text(const char *text, const struct xctl_xsnorm_opts *o)
{
	struct xctl_xsdump *d = NULL;
	char err[256] = "";
	int rc = xctl_xsdump_parse(text, strlen(text), "t", &d, err, sizeof(err));
	if (rc)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	struct xctl_xsnorm *n = NULL;
	assert_int_equal(xctl_xsnorm_build(d, o, &n), 0);
	xctl_xsdump_free(d);
	return n;
}

static const struct xctl_xsnorm_node *node(const struct xctl_xsnorm *n, const char *path)
{
	for (size_t i = 0; i < n->n; i++)
		if (!strcmp(n->v[i].path, path))
			return &n->v[i];
	fprintf(stderr, "no normalised node %s\n", path);
	return NULL;
}

static void expect(const struct xctl_xsnorm *n, const char *path, const char *value, const char *perms)
{
	const struct xctl_xsnorm_node *v = node(n, path);
	assert_non_null(v);
	if (value) {
		assert_non_null(v->value);
		assert_string_equal(v->value, value);
	} else {
		assert_null(v->value);
	}
	if (perms) {
		assert_non_null(v->perms);
		assert_string_equal(v->perms, perms);
	} else {
		assert_null(v->perms);
	}
}

static void test_normalise(void **state)
{
	(void)state;
	struct xctl_xsnorm *n = norm_text(TREE, NULL);
	assert_int_equal(n->ndomids, 2);
	assert_int_equal(n->nuuids, 3);
	assert_int_equal(n->nmacs, 2);
	/* guest ids in ascending order, in paths, values and permissions; 0 stays */
	expect(n, "/local/domain/$D2", "", "n0,r$D2");
	expect(n, "/local/domain/$D1/domid", "$D1", "n0,r$D1");
	expect(n, "/local/domain/0/backend/vbd/$D2/51712/frontend", "/local/domain/$D2/device/vbd/51712",
	       "n0,r$D2");
	expect(n, "/local/domain/0/backend/vbd/$D2/51712/frontend-id", "$D2", "n0,r$D2");
	expect(n, "/local/domain/$D2/device/vbd/51712/backend-id", "0", "n$D2,r0");
	/* below an any-below node: the prefix the schema knows */
	expect(n, "/local/domain/0/device-model/$D2/state", "running", "n0,r$D2");
	/* UUIDs in the order of the domains that name them, then the others */
	expect(n, "/local/domain/$D1/vm", "/vm/$U1", "n0,r$D1");
	expect(n, "/local/domain/$D2/vm", "/vm/$U2", "n0,r$D2");
	expect(n, "/vm/$U2/uuid", "$U2", "n0,r$D2");
	expect(n, "/vm/$U3", "", "n0");
	/* MACs numbered in the order of the sorted normalised paths */
	expect(n, "/local/domain/$D1/device/vif/0/mac", "$M1", "n$D1,r0");
	expect(n, "/local/domain/$D1/device/vif/1/mac", "$M2", "n$D1,r0");
	expect(n, "/local/domain/0/backend/vif/$D1/0/mac", "$M1", "n0,r$D1");
	/* per-run values by type, and the few the type does not tell */
	expect(n, "/local/domain/$D2/device/vbd/51712/ring-ref", "$GREF", "n$D2,r0");
	expect(n, "/local/domain/$D2/device/vbd/51712/event-channel", "$PORT", "n$D2,r0");
	expect(n, "/local/domain/$D2/store/ring-ref", "$FRAME", "n0,r$D2");
	expect(n, "/vm/$U2/start_time", "$TIME", "n0,r$D2");
	expect(n, "/local/domain/$D2/console/tty", "$TTY", "n0,r$D2");
	expect(n, "/local/domain/$D2/image/device-model-pid", "$PID", "n0,r$D2");
	/* empty stays empty; other values as they are */
	expect(n, "/local/domain/$D2/device/suspend/event-channel", "", "n$D2");
	expect(n, "/local/domain/$D2/name", "g7\tx", "n0,r$D2");
	/* a path the schema does not know is kept, its value too */
	expect(n, "/nonschema/7", "7", "n0");
	/* a path as the value of a node the schema types as a string */
	expect(n, "/local/domain/0/device-model/$D2/path", "/local/domain/$D2/device", "n0");
	expect(n, "/local/domain/0/device-model/$D2/file", "/dev/loop0", "n0");
	expect(n, "/local/domain/$D2/unreadable", NULL, NULL);
	/* sorted by normalised path */
	for (size_t i = 1; i < n->n; i++)
		assert_true(strcmp(n->v[i - 1].path, n->v[i].path) < 0);
	xctl_xsnorm_free(n);
}

/* The same tree with other ids, UUIDs, MACs and ports, listed in another
 * order, normalises to the same nodes. */
static void test_normalise_same(void **state)
{
	(void)state;
	const char *a = "/local/domain/5 = \"\"   (n0,r5)\n"
			"/local/domain/5/vm = \"/vm/11111111-2222-3333-4444-555555555555\"   (n0,r5)\n"
			"/local/domain/5/device/vif/0/mac = \"00:16:3e:00:00:0b\"   (n5,r0)\n"
			"/local/domain/5/device/vif/0/tx-ring-ref = \"522\"   (n5,r0)\n"
			"/vm/11111111-2222-3333-4444-555555555555/name = \"x\"   (n0,r5)\n";
	const char *b = "/vm/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/name = \"x\"   (n0,r12)\n"
			"/local/domain/12/device/vif/0/tx-ring-ref = \"9\"   (n12,r0)\n"
			"/local/domain/12/device/vif/0/mac = \"00:16:3e:00:00:15\"   (n12,r0)\n"
			"/local/domain/12/vm = \"/vm/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\"   (n0,r12)\n"
			"/local/domain/12 = \"\"   (n0,r12)\n";
	struct xctl_xsnorm *na = norm_text(a, NULL), *nb = norm_text(b, NULL);
	struct xctl_xsnorm_diff r = { 0 };
	assert_int_equal(xctl_xsnorm_diff(na, nb, NULL, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.undocumented, 0);
	assert_int_equal(r.same, 5);
	xctl_xsnorm_diff_free(&r);
	xctl_xsnorm_free(na);
	xctl_xsnorm_free(nb);
}

static void test_subst(void **state)
{
	(void)state;
	struct xctl_xsnorm_subst s[] = { { "10.0.0.21", "10.0.0.11" }, { "ip=", "IP=" } };
	struct xctl_xsnorm_opts o = { s, 2 };
	struct xctl_xsnorm *n = norm_text("/local/domain/1/name = \"a 10.0.0.21 ip=10.0.0.21 b\"   (n0,r1)\n", &o);
	expect(n, "/local/domain/$D1/name", "a 10.0.0.11 IP=10.0.0.11 b", "n0,r$D1");
	xctl_xsnorm_free(n);
}

/* A tree without guests (the destroyed phase): nothing to map. */
static void test_no_guest(void **state)
{
	(void)state;
	struct xctl_xsnorm *n = norm_text("/local/domain/0/name = \"Domain-0\"   (n0)\n"
					  "/local/domain/0/domid = \"0\"   (n0)\n", NULL);
	assert_int_equal(n->ndomids, 0);
	assert_int_equal(n->nuuids, 0);
	expect(n, "/local/domain/0/domid", "0", "n0");
	expect(n, "/local/domain/0/name", "Domain-0", "n0");
	xctl_xsnorm_free(n);
}

static struct xctl_xsnorm_allow *allow_text(const char *text)
{
	struct xctl_xsnorm_allow *al = NULL;
	char err[256] = "";
	int rc = xctl_xsnorm_allow_parse(text, strlen(text), "allow", &al, err, sizeof(err));
	if (rc)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	return al;
}

static void test_diff(void **state)
{
	(void)state;
	const char *a = "/local/domain/1 = \"\"   (n0,r1)\n"
			"/local/domain/1/name = \"x\"   (n0,r1)\n"
			"/local/domain/1/domid = \"1\"   (n0,r1)\n"
			"/local/domain/1/memory = \"\"   (n0,r1)\n"
			"/local/domain/1/cpu = \"\"   (n0,r1)\n";
	const char *b = "/local/domain/2 = \"\"   (n0,r2)\n"
			"/local/domain/2/name = \"y\"   (n0,r2)\n"
			"/local/domain/2/domid = \"2\"   (n0)\n"
			"/local/domain/2/memory = \"\"   (n0,r2)\n"
			"/local/domain/2/data = \"\"   (n2)\n";
	struct xctl_xsnorm *na = norm_text(a, NULL), *nb = norm_text(b, NULL);
	struct xctl_xsnorm_diff r = { 0 };
	assert_int_equal(xctl_xsnorm_diff(na, nb, NULL, &r), 0);
	/* cpu only in a, data only in b, domid's perms and name's value differ */
	assert_int_equal(r.same, 2);
	assert_int_equal(r.n, 6);
	assert_int_equal(r.undocumented, 6);
	const char *want[][2] = { { "-", "/local/domain/$D1/cpu" }, { "+", "/local/domain/$D1/data" },
				  { "-", "/local/domain/$D1/domid" }, { "+", "/local/domain/$D1/domid" },
				  { "-", "/local/domain/$D1/name" }, { "+", "/local/domain/$D1/name" } };
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(r.v[i].side, want[i][0][0]);
		assert_string_equal(r.v[i].node->path, want[i][1]);
		assert_null(r.v[i].allowed);
	}
	xctl_xsnorm_diff_free(&r);

	/* documented: by side, by glob ('*' across '/'), first entry wins */
	struct xctl_xsnorm_allow *al = allow_text("# comment\n\n"
						  "+/local/domain/*/data   the guest's own\n"
						  "-/local/domain/$D1/name  named otherwise\n"
						  "  /local/*/cpu cpus  \n"
						  "/nothing  never used\n");
	assert_int_equal(al->n, 4);
	assert_int_equal(al->v[0].side, '+');
	assert_string_equal(al->v[0].pattern, "/local/domain/*/data");
	assert_string_equal(al->v[0].why, "the guest's own");
	assert_int_equal(al->v[2].side, 0);
	assert_string_equal(al->v[2].why, "cpus");
	assert_int_equal(al->v[2].line, 5);
	assert_int_equal(xctl_xsnorm_diff(na, nb, al, &r), 0);
	assert_int_equal(r.n, 6);
	assert_int_equal(r.undocumented, 3); /* both domid lines and the + name line */
	assert_ptr_equal(r.v[0].allowed, &al->v[2]);
	assert_ptr_equal(r.v[1].allowed, &al->v[0]);
	assert_null(r.v[2].allowed);
	assert_null(r.v[3].allowed);
	assert_ptr_equal(r.v[4].allowed, &al->v[1]);
	assert_null(r.v[5].allowed);
	assert_int_equal(al->v[0].used, 1);
	assert_int_equal(al->v[3].used, 0);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	xctl_xsnorm_diff_print(&r, na, nb, f);
	fclose(f);
	assert_non_null(strstr(buf, "- /local/domain/$D1/cpu = \"\"   (n0,r$D1)  # documented: cpus\n"));
	assert_non_null(strstr(buf, "+ /local/domain/$D1/domid = \"$D1\"   (n0)\n"));
	assert_non_null(strstr(buf, "+ /local/domain/$D1/name = \"y\"   (n0,r$D1)\n"));
	assert_non_null(strstr(buf, "t (-) and t (+): 2 nodes equal, 6 differ (3 documented, 3 not)\n"));
	free(buf);
	xctl_xsnorm_diff_free(&r);
	xctl_xsnorm_allow_free(al);
	xctl_xsnorm_free(na);
	xctl_xsnorm_free(nb);
}

/* A node without permissions in one dump, or unreadable in one, differs
 * from the same node with them, or with a value. */
static void test_diff_unknown(void **state)
{
	(void)state;
	struct xctl_xsnorm *a = norm_text("/local/domain/1/name = \"x\"   (n0,r1)\n/local/domain/1/domid:\n", NULL);
	struct xctl_xsnorm *b = norm_text("/local/domain/1/name = \"x\"\n/local/domain/1/domid = \"1\"   (n0)\n", NULL);
	struct xctl_xsnorm_diff r = { 0 };
	assert_int_equal(xctl_xsnorm_diff(a, b, NULL, &r), 0);
	assert_int_equal(r.same, 0);
	assert_int_equal(r.n, 4);
	xctl_xsnorm_diff_free(&r);
	assert_int_equal(xctl_xsnorm_diff(b, a, NULL, &r), 0);
	assert_int_equal(r.n, 4);
	xctl_xsnorm_diff_free(&r);
	assert_int_equal(xctl_xsnorm_diff(a, a, NULL, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.same, 2);
	xctl_xsnorm_diff_free(&r);
	xctl_xsnorm_free(a);
	xctl_xsnorm_free(b);
	/* unreadable against empty, neither with permissions */
	a = norm_text("/local/domain/1/name:\n", NULL);
	b = norm_text("/local/domain/1/name = \"\"\n", NULL);
	assert_int_equal(xctl_xsnorm_diff(a, b, NULL, &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.same, 0);
	xctl_xsnorm_diff_free(&r);
	assert_int_equal(xctl_xsnorm_diff(b, a, NULL, &r), 0);
	assert_int_equal(r.n, 2);
	xctl_xsnorm_diff_free(&r);
	xctl_xsnorm_free(a);
	xctl_xsnorm_free(b);
	/* nodes after the end of the other tree */
	a = norm_text("/a = \"\"\n", NULL);
	b = norm_text("/a = \"\"\n/b = \"\"\n/c = \"\"\n", NULL);
	assert_int_equal(xctl_xsnorm_diff(a, b, NULL, &r), 0);
	assert_int_equal(r.same, 1);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.v[0].side, '+');
	assert_string_equal(r.v[0].node->path, "/b");
	assert_string_equal(r.v[1].node->path, "/c");
	xctl_xsnorm_diff_free(&r);
	xctl_xsnorm_free(a);
	xctl_xsnorm_free(b);
}

static void test_allow_bad(void **state)
{
	(void)state;
	const char *bad[][2] = {
		{ "/x\n", "allow:1: /x: no reason given" },
		{ "# c\nx why\n", "allow:2: expected [-|+]PATTERN WHY" },
		{ "- why\n", "allow:1: expected" },
		{ "+\n", "allow:1: expected" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct xctl_xsnorm_allow *al = (void *)1;
		char err[256] = "";
		assert_int_equal(xctl_xsnorm_allow_parse(bad[i][0], strlen(bad[i][0]), "allow", &al, err, sizeof(err)),
				 XCTL_ERR_PARSE);
		assert_null(al);
		if (!strstr(err, bad[i][1]))
			fprintf(stderr, "got '%s', want '%s'\n", err, bad[i][1]);
		assert_non_null(strstr(err, bad[i][1]));
	}
}

static void test_line(void **state)
{
	(void)state;
	struct xctl_xsnorm_node v = { .path = "/a", .value = "q\"\\\n\r\t\001\x1f\x7f", .vlen = 9, .perms = "n0" };
	char buf[256];
	xctl_xsnorm_line(&v, buf, sizeof(buf));
	assert_string_equal(buf, "/a = \"q\"\\\\\\n\\r\\t\\001\\x1f\\x7f\"   (n0)");
	v.perms = NULL;
	v.value = NULL;
	xctl_xsnorm_line(&v, buf, sizeof(buf));
	assert_string_equal(buf, "/a:");
	/* a short buffer is cut, never overrun */
	v.value = "abcdefgh";
	v.vlen = 8;
	xctl_xsnorm_line(&v, buf, 6);
	assert_string_equal(buf, "/a = ");
}

/* The commands: output and exit status (0 same, 1 differences, 2 unreadable). */
static void test_cli(void **state)
{
	(void)state;
	char *tmp = runcmd_mkdtemp();
	char p[600];
	snprintf(p, sizeof(p), "%s/a.txt", tmp);
	assert_int_equal(runcmd_write_file(p, "/local/domain/4 = \"\"   (n0,r4)\n"
					      "/local/domain/4/name = \"lab ip=10.0.0.21\"   (n0,r4)\n"),
			 0);
	snprintf(p, sizeof(p), "%s/b.txt", tmp);
	assert_int_equal(runcmd_write_file(p, "/local/domain/9/name = \"lab ip=10.0.0.11\"   (n0,r9)\n"
					      "/local/domain/9 = \"\"   (n0,r9)\n"),
			 0);
	snprintf(p, sizeof(p), "%s/allow", tmp);
	assert_int_equal(runcmd_write_file(p, "/local/domain/$D1/name the address\n"), 0);
	snprintf(p, sizeof(p), "%s/noreason", tmp);
	assert_int_equal(runcmd_write_file(p, "# a\n/x\n"), 0);
	struct runcmd_result r;
	runcmd(&r, "cd %s && \"$XCTL_BIN/xctl\" schema normalise a.txt", tmp);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "/local/domain/$D1 = \"\"   (n0,r$D1)\n"
				   "/local/domain/$D1/name = \"lab ip=10.0.0.21\"   (n0,r$D1)\n");
	runcmd_free(&r);
	runcmd(&r, "cd %s && \"$XCTL_BIN/xctl\" schema normalise --subst 10.0.0.21=X - <a.txt", tmp);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"lab ip=X\""));
	runcmd_free(&r);
	runcmd(&r, "cd %s && \"$XCTL_BIN/xctl\" schema diff a.txt b.txt", tmp);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.out, "- /local/domain/$D1/name = \"lab ip=10.0.0.21\"   (n0,r$D1)\n"
				   "+ /local/domain/$D1/name = \"lab ip=10.0.0.11\"   (n0,r$D1)\n"
				   "a.txt (-) and b.txt (+): 1 node equal, 2 differ (0 documented, 2 not)\n");
	runcmd_free(&r);
	runcmd(&r, "cd %s && \"$XCTL_BIN/xctl\" schema diff --subst 10.0.0.21=10.0.0.11 a.txt b.txt", tmp);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "a.txt (-) and b.txt (+): 2 nodes equal, 0 differ (0 documented, 0 not)\n");
	runcmd_free(&r);
	runcmd(&r, "cd %s && \"$XCTL_BIN/xctl\" schema diff --allow allow a.txt b.txt", tmp);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "(n0,r$D1)  # documented: the address\n"));
	runcmd_free(&r);
	const char *bad[][2] = {
		{ "schema diff a.txt", "" },
		{ "schema diff a.txt missing.txt", "cannot read missing.txt" },
		{ "schema diff --allow missing a.txt b.txt", "cannot read the documented differences missing" },
		{ "schema diff --allow noreason a.txt b.txt", "noreason:2: /x: no reason given" },
		{ "schema diff --subst =x a.txt b.txt", "--subst: '=x' is not FROM=TO" },
		{ "schema diff --subst x a.txt b.txt", "--subst: 'x' is not FROM=TO" },
		{ "schema normalise allow", "allow:1: bad path" },
		{ "schema normalise --allow allow a.txt", "" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		runcmd(&r, "cd %s && \"$XCTL_BIN/xctl\" %s", tmp, bad[i][0]);
		if (r.status != 2 || !strstr(r.err, bad[i][1]))
			fprintf(stderr, "%s: exit %d: %s\n", bad[i][0], r.status, r.err);
		assert_int_equal(r.status, 2);
		assert_non_null(strstr(r.err, bad[i][1]));
		runcmd_free(&r);
	}
	char many[4096] = "";
	for (int i = 0; i <= 64; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), " --subst a%d=b", i);
	runcmd(&r, "cd %s && \"$XCTL_BIN/xctl\" schema diff%s a.txt b.txt", tmp, many);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "more than 64 substitutions"));
	runcmd_free(&r);
	runcmd_rmtree(tmp);
	free(tmp);
}

/* Every documented difference is in docs/lab.md too, with its pattern as
 * the allow file writes it (side included), so that the reasons are read
 * where the lab is described. */
static void docs_list(const char *allow_file)
{
	const char *src = getenv("XCTL_SRC") ? getenv("XCTL_SRC") : ".";
	char p[700], *text = NULL, *doc = NULL, err[256] = "";
	size_t len = 0, dlen = 0;
	snprintf(p, sizeof(p), "%s/%s", src, allow_file);
	assert_int_equal(xctl_read_file(p, 1u << 20, &text, &len), 0);
	snprintf(p, sizeof(p), "%s/docs/lab.md", src);
	assert_int_equal(xctl_read_file(p, 1u << 22, &doc, &dlen), 0);
	struct xctl_xsnorm_allow *al = NULL;
	assert_int_equal(xctl_xsnorm_allow_parse(text, len, allow_file, &al, err, sizeof(err)), 0);
	for (size_t i = 0; i < al->n; i++) {
		char want[600];
		snprintf(want, sizeof(want), "`%s%s`", al->v[i].side == '-' ? "-" : al->v[i].side == '+' ? "+" : "",
			 al->v[i].pattern);
		if (!strstr(doc, want))
			fprintf(stderr, "%s:%u: %s is not in docs/lab.md\n", allow_file, al->v[i].line, want);
		assert_non_null(strstr(doc, want));
	}
	xctl_xsnorm_allow_free(al);
	free(text);
	free(doc);
}

static void test_docs(void **state)
{
	(void)state;
	docs_list("tests/lab/tree-compare.allow");
	docs_list("tests/fidelity/sim.allow");
}

int main(void)
{
	static char bin[4096];
	if (realpath(bin_path(""), bin))
		setenv("XCTL_BIN", bin, 1); /* the command tests run in a directory of their own */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise), cmocka_unit_test(test_normalise_same),
		cmocka_unit_test(test_subst),     cmocka_unit_test(test_diff),
		cmocka_unit_test(test_no_guest),  cmocka_unit_test(test_diff_unknown),
		cmocka_unit_test(test_allow_bad), cmocka_unit_test(test_line),
		cmocka_unit_test(test_cli),       cmocka_unit_test(test_docs),
	};
	return cmocka_run_group_tests_name("xsnorm", tests, NULL, NULL);
}
