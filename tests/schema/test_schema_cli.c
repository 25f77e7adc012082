/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl schema check/show from the command line: exit codes, JSON, stdin;
 * docs/xenstore-schema.md matches the schema; the no-path-literal rule passes
 * on the tree and fails when a literal is added; what xs-lint flags. Every
 * command's stdout and stderr are read together, as a user sees them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "tests/cli/runcheck.h"

/* The shell sees the paths through the environment: $XCTL_SRC, $XCTL_BUILD,
 * $FIX (the real dump from Xen 4.17) and $TESTDIR (scratch). */
#define X "\"$XCTL_BIN/xctl\""

/* ---- files */

static void write_tmp(struct runcheck *c, const char *name, const char *text)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", c->tmp, name);
	assert_int_equal(runcmd_write_file(path, text), 0);
}

/* Write $TESTDIR/name: the lines of $FIX, each passed through edit (which
 * returns false to drop the line, or may replace it in out). */
static void derive_tmp(struct runcheck *c, const char *name, bool (*edit)(const char *line, struct xctl_buf *out))
{
	char *fix = NULL;
	size_t len;
	struct xctl_buf b = { 0 };
	assert_int_equal(xctl_read_file(getenv("FIX"), 64 << 20, &fix, &len), 0);
	for (const char *l = fix; *l;) {
		size_t n = strcspn(l, "\n");
		char *line = strndup(l, n);
		assert_non_null(line);
		struct xctl_buf edited = { 0 };
		if (edit(line, &edited)) {
			xctl_buf_adds(&b, edited.len ? edited.p : line);
			xctl_buf_adds(&b, "\n");
		}
		xctl_buf_free(&edited);
		free(line);
		l += n + (l[n] == '\n');
	}
	write_tmp(c, name, b.len ? b.p : "");
	xctl_buf_free(&b);
	free(fix);
}

/* sed 's|^\(/local/domain/1/device/vbd/51712/event-channel = \)"8"|\1"eight"|' */
static bool event_channel_eight(const char *line, struct xctl_buf *out)
{
	static const char key[] = "/local/domain/1/device/vbd/51712/event-channel = \"8\"";
	if (!strncmp(line, key, strlen(key)))
		xctl_buf_printf(out, "/local/domain/1/device/vbd/51712/event-channel = \"eight\"%s",
				line + strlen(key));
	return true;
}

/* grep -v '^/local/domain/1/name ' */
static bool drop_name(const char *line, struct xctl_buf *out)
{
	(void)out;
	return strncmp(line, "/local/domain/1/name ", strlen("/local/domain/1/name ")) != 0;
}

/* ---- fixtures */

static int setup(void **state)
{
	struct runcheck *c = calloc(1, sizeof(*c));
	if (!c || runcheck_setup(c, 20)) {
		free(c);
		return -1;
	}
	const char *src = getenv("XCTL_SRC"), *build = getenv("XCTL_BUILD");
	if (!src || !*src)
		setenv("XCTL_SRC", ".", 1);
	if (!build || !*build)
		setenv("XCTL_BUILD", "build", 1);
	char fix[4096];
	snprintf(fix, sizeof(fix), "%s/tests/schema/fixtures/real-pv-guest.txt", getenv("XCTL_SRC"));
	setenv("FIX", fix, 1);
	setenv("TESTDIR", c->tmp, 1);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct runcheck *c = *state;
	runcheck_teardown(c, "schema cli");
	free(c);
	return 0;
}

/* ---- tests */

/* The real dump from Xen 4.17 is clean in every phase, from a file or
 * stdin, in text and JSON. */
static void test_real_dump_clean(void **state)
{
	struct runcheck *c = *state;
	RUN(c, 0, X " schema check \"$FIX\"");
	HAS(c, "207 nodes checked, 0 violations");
	RUN(c, 0, X " schema check --phase created \"$FIX\"");
	RUN(c, 0, X " schema check --phase connected \"$FIX\"");
	RUN(c, 0, "sh -c '\"$XCTL_BIN/xctl\" schema check - <\"$FIX\"'");
	RUN(c, 0, X " schema check --json \"$FIX\"");
	HAS(c, "\"ok\": true");
}

/* Violations: exit 1, path and rule in text and JSON. */
static void test_violations(void **state)
{
	struct runcheck *c = *state;
	derive_tmp(c, "bad.txt", event_channel_eight);
	RUN(c, 1, X " schema check \"$TESTDIR/bad.txt\"");
	HAS(c, "/local/domain/1/device/vbd/51712/event-channel: bad-value:");
	RUN(c, 1, X " schema check --json \"$TESTDIR/bad.txt\"");
	HAS(c, "\"rule\": \"bad-value\"");
	HAS(c, "\"path\": \"/local/domain/1/device/vbd/51712/event-channel\"");

	/* a missing name is a violation only once the domain is created */
	derive_tmp(c, "noname.txt", drop_name);
	RUN(c, 0, X " schema check \"$TESTDIR/noname.txt\"");
	RUN(c, 1, X " schema check --phase created \"$TESTDIR/noname.txt\"");
	HAS(c, "/local/domain/1/name: missing:");

	RUN(c, 1, X " schema check --after-destroy 1 \"$FIX\"");
	HAS(c, "leftover");
}

/* Unreadable input and bad command lines: exit 2. */
static void test_unreadable_input_and_usage(void **state)
{
	struct runcheck *c = *state;
	write_tmp(c, "garbage.txt", "this is not a dump\n");
	RUN(c, 2, X " schema check \"$TESTDIR/garbage.txt\"");
	HAS(c, "garbage.txt:1:");
	RUN(c, 2, X " schema check --json \"$TESTDIR/garbage.txt\"");
	HAS(c, "\"error\"");
	write_tmp(c, "empty.txt", "");
	RUN(c, 2, X " schema check \"$TESTDIR/empty.txt\"");
	RUN(c, 2, X " schema check \"$TESTDIR/does-not-exist.txt\"");
	runcmd_free(&c->r);
	runcmd(&c->r, "head -c 3000 /dev/urandom >\"$TESTDIR/random.bin\"");
	assert_int_equal(c->r.status, 0);
	RUN(c, 2, X " schema check \"$TESTDIR/random.bin\"");
	write_tmp(c, "quote.txt", "/local/domain/1/name = \"unterminated   (n0,r1)\n");
	RUN(c, 2, X " schema check \"$TESTDIR/quote.txt\"");
	RUN(c, 2, X " schema check --phase running \"$FIX\"");
	RUN(c, 2, X " schema check --after-destroy abc \"$FIX\"");
	RUN(c, 2, X " schema check \"$FIX\" \"$FIX\"");
}

/* xenstore-ls escapes and terminal padding are read as xenstore-ls writes them. */
static void test_xenstore_ls_escapes_and_padding(void **state)
{
	struct runcheck *c = *state;
	write_tmp(c, "pad.txt", "/tool = \"\"   (n0)\n/tool/xenstored = \"\" . . . . . . . .  (n0)\n");
	RUN(c, 0, X " schema check \"$TESTDIR/pad.txt\"");
	write_tmp(c, "esc.txt", "/tool = \"a\\x01\\\\b\\t\"   (n0)\n");
	RUN(c, 1, X " schema check \"$TESTDIR/esc.txt\"");
	HAS(c, "\"a\\x01\\x5cb\\x09\": expected empty");
	/* octal escapes as xenstore-ls writes them, a 0 in any digit */
	write_tmp(c, "oct.txt", "/tool = \"a\\101\\060\\011\"   (n0)\n");
	RUN(c, 1, X " schema check \"$TESTDIR/oct.txt\"");
	HAS(c, "\"aA0\\x09\": expected empty");
	/* a dump without permissions (xenstore-ls -f) is checked, and says so */
	write_tmp(c, "noperm.txt", "/tool = \"\"\n");
	RUN(c, 0, X " schema check \"$TESTDIR/noperm.txt\"");
	HAS(c, "warning: the dump has no permissions: they were not checked (use xenstore-ls -fp)");
	RUN(c, 0, X " schema check \"$TESTDIR/pad.txt\"");
	assert_null(strstr(c->r.out, "no permissions"));
}

/* schema show: a concrete path, a template, JSON, the whole schema, a typo. */
static void test_schema_show(void **state)
{
	struct runcheck *c = *state;
	RUN(c, 0, X " schema show /local/domain/7/device/vif/0/tx-ring-ref");
	HAS(c, "$DOMID=7");
	HAS(c, "XS_FMT_VIF_FE_TX_RING_REF");
	RUN(c, 0, X " schema show '/local/domain/$DOMID/name'");
	RUN(c, 0, X " schema show --json /local/domain/0/backend/vbd/3/51712/state");
	HAS(c, "\"BACKEND\": 0");
	RUN(c, 0, X " schema show");
	HAS(c, "/local/domain/$DOMID/device/vbd/$DEVID/ring-ref");
	RUN(c, 1, X " schema show /local/domain/1/device/vbd/51712/ring-reff");
	HAS(c, "did you mean");
	/* below a leaf: no sibling to suggest (this once read past an array) */
	RUN(c, 1, X " schema show /local/domain/1/name/foo");
	HAS(c, "'/local/domain/1/name/foo' is not in the xenstore schema\nRun 'xctl schema show'");
}

/* The reference document is generated from the schema. */
static void test_reference_doc_matches_schema(void **state)
{
	struct runcheck *c = *state;
	RUN(c, 0, "\"$XCTL_BUILD/host/xs-gen\" doc \"$TESTDIR/schema.md\" \"$XCTL_SRC\"/xenstore-schema/schema/*.xss");
	RUN(c, 0, "diff -u \"$XCTL_SRC/docs/xenstore-schema.md\" \"$TESTDIR/schema.md\"");
}

/* The source rule passes on the tree, and fails when a literal is added. */
static void test_no_path_literal_rule(void **state)
{
	struct runcheck *c = *state;
	RUN(c, 0, "env XCTL_BUILD=\"$XCTL_BUILD\" \"$XCTL_SRC/xenstore-schema/check-no-path-literals.sh\" \"$XCTL_SRC\"");
	runcmd_free(&c->r);
	runcmd(&c->r, "mkdir -p \"$TESTDIR/tree\" && for d in toolstack sim drivers-backend xenstore-schema; do "
		      "if [ -d \"$XCTL_SRC/$d\" ]; then cp -r \"$XCTL_SRC/$d\" \"$TESTDIR/tree/\" || exit 1; fi; done"
		      " && mkdir -p \"$TESTDIR/tree/toolstack/extra\"");
	assert_int_equal(c->r.status, 0);
	write_tmp(c, "tree/toolstack/extra/added.c",
		  "static const char *p = \"/local/domain/%u/device/vbd/%u/ring-ref\";\n");
	RUN(c, 1, "env XCTL_BUILD=\"$XCTL_BUILD\" \"$XCTL_SRC/xenstore-schema/check-no-path-literals.sh\" \"$TESTDIR/tree\"");
	HAS(c, "toolstack/extra/added.c:1:");
}

/* What the rule flags (lines 1-6), and what it leaves alone (lines 7-12). */
static void test_xs_lint_flags_exactly(void **state)
{
	struct runcheck *c = *state;
	write_tmp(c, "lint.c",
		  "const char *a = \"ring-ref%u\";               /* node name with a conversion */\n"
		  "const char *b = \"%s/frontend-id\";           /* node name as a part */\n"
		  "const char *c = \"@releaseDomain\";\n"
		  "const char *d = \"device/vbd/%u\";            /* relative to a domain's home */\n"
		  "const char *e = \"/vm\";\n"
		  "const char *f = \"feature-persistent\";\n"
		  "const char *ok1 = \"name\";                   /* ordinary words are fine */\n"
		  "const char *ok2 = \"bad ring-ref value: %s\"; /* prose mentioning a key */\n"
		  "const char *ok3 = \"/dev/xen/privcmd\";\n"
		  "const char *ok4 = \"backend\";\n"
		  "const char *ok5 = \"x\"; /* \"ring-ref\" in a comment is fine */\n"
		  "const char *ok6 = \"event-channel\"; /* xs-literal-ok: marker on the line */\n");
	RUN(c, 1, "\"$XCTL_BUILD/tools/xs-lint\" \"$TESTDIR/lint.c\"");
	char where[32];
	for (int l = 1; l <= 6; l++) {
		snprintf(where, sizeof(where), "lint.c:%d:", l);
		HAS(c, where);
	}
	/* one check: no line it should leave alone is flagged */
	for (int l = 7; l <= 12; l++) {
		snprintf(where, sizeof(where), "lint.c:%d:", l);
		LACKS(c, where);
	}
	c->checks++;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_dump_clean),
		cmocka_unit_test(test_violations),
		cmocka_unit_test(test_unreadable_input_and_usage),
		cmocka_unit_test(test_xenstore_ls_escapes_and_padding),
		cmocka_unit_test(test_schema_show),
		cmocka_unit_test(test_reference_doc_matches_schema),
		cmocka_unit_test(test_no_path_literal_rule),
		cmocka_unit_test(test_xs_lint_flags_exactly),
	};
	return cmocka_run_group_tests_name("schema cli", tests, setup, teardown);
}
