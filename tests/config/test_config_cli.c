/* SPDX-License-Identifier: LGPL-2.1-only */
/* The CLI side of the xl.cfg pipeline, driven as a user would: xctl create
 * -n / -N, --strict, overrides, real creation refused after full
 * validation, config check, -f. Run by `make test` with XCTL_BIN and
 * XCTL_SRC set. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "tests/cli/runcmd.h"

/* The shell sees the paths through the environment: $XCTL_SRC (the source
 * tree), $TESTDIR (this run's scratch directory), $CFG (the config at hand). */
#define XCTL "\"$XCTL_BIN/xctl\""

struct ctx {
	char *tmp;       /* scratch directory, also $TESTDIR */
	const char *src; /* the source tree, also $XCTL_SRC */
	unsigned checks; /* checks passed */
};

/* ---- checks: each counts once, and shows the command's output on failure */

static void show(const struct runcmd_result *r)
{
	print_error("  stdout: %s\n  stderr: %s\n", r->out, r->err);
}

static void check_(struct ctx *c, const struct runcmd_result *r, bool ok, const char *what, const char *file,
		   int line)
{
	if (!ok) {
		print_error("FAIL: %s\n", what);
		if (r)
			show(r);
	}
	_assert_true(ok, what, file, line);
	c->checks++;
}

static void check_status_(struct ctx *c, const struct runcmd_result *r, int want, const char *file, int line)
{
	if (r->status != want) {
		print_error("FAIL: exited %d, expected %d\n", r->status, want);
		show(r);
	}
	_assert_int_equal(r->status, want, file, line);
	c->checks++;
}

#define CHECK(c, r, cond, what) check_((c), &(r), (cond), (what), __FILE__, __LINE__)
#define CHECK_STATUS(c, r, want) check_status_((c), &(r), (want), __FILE__, __LINE__)

/* ---- text predicates, line by line as grep reads its input */

enum match { WHOLE_LINE, LINE_PREFIX, LINE_CONTAINS };

static bool line_matches(const char *l, size_t len, const char *s, enum match m)
{
	size_t n = strlen(s);
	switch (m) {
	case WHOLE_LINE:
		return len == n && !memcmp(l, s, n);
	case LINE_PREFIX:
		return len >= n && !memcmp(l, s, n);
	case LINE_CONTAINS:
		for (size_t i = 0; i + n <= len; i++)
			if (!memcmp(l + i, s, n))
				return true;
		return false;
	}
	return false;
}

/* Number of lines of text that match s. */
static unsigned count_lines(const char *text, const char *s, enum match m)
{
	unsigned count = 0;
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		count += line_matches(l, len, s, m);
		l += len + (nl != NULL);
	}
	return count;
}

static bool has_line(const char *text, const char *line)
{
	return count_lines(text, line, WHOLE_LINE) > 0;
}

static bool has_line_starting(const char *text, const char *prefix)
{
	return count_lines(text, prefix, LINE_PREFIX) > 0;
}

/* ---- JSON: stdout is one JSON object whose members have given values */

static const struct xctl_jv *json_member(struct xctl_jv *doc, const char *key)
{
	return doc && doc->type == XCTL_JOBJECT ? xctl_jv_get(doc, key) : NULL;
}

static struct xctl_jv *json_doc(const char *text)
{
	struct xctl_jv *doc = NULL;
	char err[256];
	if (xctl_json_parse(text, strlen(text), &doc, err, sizeof(err)))
		return NULL;
	return doc;
}

static bool json_str_is(const struct xctl_jv *v, const char *s)
{
	return v && v->type == XCTL_JSTRING && !strcmp(v->u.s, s);
}

static bool json_num_is(const struct xctl_jv *v, int64_t n)
{
	if (!v)
		return false;
	switch (v->type) {
	case XCTL_JINT:
		return v->u.i == n;
	case XCTL_JUINT:
		return n >= 0 && v->u.u == (uint64_t)n;
	case XCTL_JDOUBLE:
		return v->u.d == (double)n;
	default:
		return false;
	}
}

/* stdout is a JSON object with "name": name */
static bool json_name_is(const char *text, const char *name)
{
	struct xctl_jv *doc = json_doc(text);
	bool ok = json_str_is(json_member(doc, "name"), name);
	xctl_jv_free(doc);
	return ok;
}

/* ---- fixtures */

static const char typo_cfg[] = "name = \"typo\"\nkernel = \"/boot/vmlinuz\"\nmemmory = 512\n";

static void write_tmp(struct ctx *c, const char *name, const char *text)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", c->tmp, name);
	assert_int_equal(runcmd_write_file(path, text), 0);
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	const char *src = getenv("XCTL_SRC");
	if (!src || !*src)
		setenv("XCTL_SRC", ".", 1);
	c->src = getenv("XCTL_SRC");
	c->tmp = runcmd_mkdtemp();
	setenv("TESTDIR", c->tmp, 1);
	char path[4096];
	snprintf(path, sizeof(path), "%s/typo.cfg", c->tmp);
	if (runcmd_write_file(path, typo_cfg))
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	print_message("config cli: %u checks passed\n", c->checks);
	runcmd_rmtree(c->tmp);
	free(c->tmp);
	free(c);
	return 0;
}

/* ---- tests */

/* Every example config: -N and -n print the resolved domain as JSON with
 * its name; config check with the global configuration summarises it. */
static void test_example_configs_resolve(void **state)
{
	struct ctx *c = *state;
	char pattern[4096], what[4096 + 128];
	struct runcmd_result r;
	glob_t g;
	snprintf(pattern, sizeof(pattern), "%s/configs/*.cfg", c->src);
	int grc = glob(pattern, 0, NULL, &g);
	check_(c, NULL, grc == 0 && g.gl_pathc > 0, "configs/*.cfg: no example configs", __FILE__, __LINE__);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *cfg = g.gl_pathv[i];
		setenv("CFG", cfg, 1);
		runcmd(&r, "sed -n 's/^name = \"\\(.*\\)\"/\\1/p' \"$CFG\"");
		char *name = r.out; /* as $(...) gives it: trailing newlines dropped */
		for (size_t n = strlen(name); n && name[n - 1] == '\n'; n--)
			name[n - 1] = '\0';
		free(r.err);
		print_message("%s: guest '%s'\n", cfg, name);

		runcmd(&r, XCTL " -N create \"$CFG\"");
		CHECK_STATUS(c, r, 0);
		snprintf(what, sizeof(what), "xctl -N create %s: no JSON with name %s", cfg, name);
		CHECK(c, r, json_name_is(r.out, name), what);
		runcmd_free(&r);

		runcmd(&r, XCTL " create -n \"$CFG\"");
		CHECK_STATUS(c, r, 0);
		snprintf(what, sizeof(what), "xctl create -n %s: no JSON with name %s", cfg, name);
		CHECK(c, r, json_name_is(r.out, name), what);
		runcmd_free(&r);

		runcmd(&r, XCTL " --config \"$XCTL_SRC/configs/xctl.conf\" config check \"$CFG\"");
		CHECK_STATUS(c, r, 0);
		char guest[1024];
		snprintf(guest, sizeof(guest), "guest '%s'", name);
		snprintf(what, sizeof(what), "config check %s: no summary (%s)", cfg, guest);
		CHECK(c, r, strstr(r.out, guest) != NULL, what);
		runcmd_free(&r);
		free(name);
	}
	globfree(&g);
}

/* A typo: a warning with file:line and a suggestion; an error under
 * --strict (and no JSON); -q silences the warning. */
static void test_unknown_key_warns_or_fails_strict(void **state)
{
	struct ctx *c = *state;
	char line[4096];
	struct runcmd_result r;

	runcmd(&r, XCTL " -N create \"$TESTDIR/typo.cfg\"");
	CHECK_STATUS(c, r, 0);
	snprintf(line, sizeof(line), "%s/typo.cfg:3: warning: memmory: unknown key, ignored (did you mean 'memory'?)",
		 c->tmp);
	CHECK(c, r, has_line(r.err, line), "memmory: no warning with file:line suggesting memory");
	runcmd_free(&r);

	runcmd(&r, XCTL " -N create --strict \"$TESTDIR/typo.cfg\"");
	CHECK_STATUS(c, r, 2);
	snprintf(line, sizeof(line), "%s/typo.cfg:3: memmory: unknown key, ignored (did you mean 'memory'?)", c->tmp);
	CHECK(c, r, has_line(r.err, line), "memmory --strict: no error line");
	CHECK(c, r, r.out[0] == '\0', "--strict printed JSON although it failed");
	runcmd_free(&r);

	runcmd(&r, XCTL " -N create -q \"$TESTDIR/typo.cfg\"");
	CHECK_STATUS(c, r, 0);
	CHECK(c, r, r.err[0] == '\0', "-q printed warnings");
	runcmd_free(&r);
}

/* KEY=VALUE overrides after the file, parsed as xl does. */
static void test_overrides(void **state)
{
	struct ctx *c = *state;
	struct runcmd_result r;

	runcmd(&r, XCTL " -N create \"$TESTDIR/typo.cfg\" memory=2048 'extra=\"quiet\"'");
	CHECK_STATUS(c, r, 0);
	struct xctl_jv *doc = json_doc(r.out);
	bool applied = json_num_is(json_member(doc, "memory"), 2048) &&
		       json_num_is(json_member(doc, "maxmem"), 2048) &&
		       json_str_is(json_member(doc, "extra"), "quiet");
	xctl_jv_free(doc);
	CHECK(c, r, applied, "overrides not applied");
	runcmd_free(&r);

	runcmd(&r, XCTL " -N create \"$TESTDIR/typo.cfg\" name=unquoted");
	CHECK_STATUS(c, r, 2);
	CHECK(c, r, has_line_starting(r.err, "<command line>:1: expected a value for 'name'"),
	      "bad override not reported");
	runcmd_free(&r);
}

/* Real creation: validated in full first (a missing disk target is an
 * error, exit 2, where a dry run only warns), then refused clearly (exit 1)
 * since creation is a later step. */
static void test_real_create_validates_then_refuses(void **state)
{
	struct ctx *c = *state;
	char line[4096];
	struct runcmd_result r;

	write_tmp(c, "real.cfg", "name = \"real\"\nkernel = \"/boot/vmlinuz\"\n"
				 "disk = [ \"/nonexistent/real.img,raw,xvda,rw\" ]\n");
	runcmd(&r, XCTL " -N create \"$TESTDIR/real.cfg\"");
	CHECK_STATUS(c, r, 0);
	CHECK(c, r, strstr(r.err, "warning: disk: target '/nonexistent/real.img' does not exist") != NULL,
	      "dry run: no warning");
	runcmd_free(&r);

	runcmd(&r, XCTL " create \"$TESTDIR/real.cfg\"");
	CHECK_STATUS(c, r, 2);
	snprintf(line, sizeof(line), "%s/real.cfg:3: disk: target '/nonexistent/real.img' does not exist", c->tmp);
	CHECK(c, r, has_line_starting(r.err, line), "create: missing target not an error");
	runcmd_free(&r);
	/* a valid configuration creates a domain: the scenario suite
	 * (tests/scenarios) drives that on a simulated host of its own */
}

/* Invalid configs and unreadable files: exit 2, every error reported. */
static void test_invalid_configs(void **state)
{
	struct ctx *c = *state;
	struct runcmd_result r;

	runcmd(&r, XCTL " -N create \"$XCTL_SRC/tests/config/invalid/many-errors.cfg\"");
	CHECK_STATUS(c, r, 2);
	CHECK(c, r, count_lines(r.err, ": ", LINE_CONTAINS) >= 7, "many-errors: not every error reported");
	runcmd_free(&r);

	runcmd(&r, XCTL " config check \"$XCTL_SRC/tests/config/invalid/memory-over-maxmem.cfg\"");
	CHECK_STATUS(c, r, 2);
	runcmd_free(&r);

	runcmd(&r, XCTL " -N create \"$TESTDIR/does-not-exist.cfg\"");
	CHECK_STATUS(c, r, 2);
	CHECK(c, r, strstr(r.err, "cannot read the configuration file: No such file or directory") != NULL,
	      "missing file");
	runcmd_free(&r);

	runcmd(&r, XCTL " --config \"$TESTDIR/no-such.conf\" -N create \"$TESTDIR/typo.cfg\"");
	CHECK_STATUS(c, r, 2);
	runcmd_free(&r);
}

/* Bad command lines: exit 2. */
static void test_usage_errors(void **state)
{
	struct ctx *c = *state;
	struct runcmd_result r;

	runcmd(&r, XCTL " create");
	CHECK_STATUS(c, r, 2);
	runcmd_free(&r);

	/* -N is a global option, not one of create's */
	runcmd(&r, XCTL " create -N \"$TESTDIR/typo.cfg\"");
	CHECK_STATUS(c, r, 2);
	runcmd_free(&r);

	/* both commands take CONFIG [KEY=VALUE...] alike */
	runcmd(&r, XCTL " config check");
	CHECK_STATUS(c, r, 2);
	CHECK(c, r, strstr(r.err, "missing CONFIG, the xl.cfg file to check") != NULL, "config check: no CONFIG");
	runcmd_free(&r);
	runcmd(&r, XCTL " config check \"$TESTDIR/typo.cfg\" other.cfg");
	CHECK_STATUS(c, r, 2);
	CHECK(c, r, strstr(r.err, "unexpected argument 'other.cfg' (overrides are KEY=VALUE)") != NULL,
	      "config check: second file");
	runcmd_free(&r);
	runcmd(&r, XCTL " -N create \"$TESTDIR/typo.cfg\" other.cfg");
	CHECK_STATUS(c, r, 2);
	CHECK(c, r, strstr(r.err, "unexpected argument 'other.cfg' (overrides are KEY=VALUE)") != NULL,
	      "create: second file");
	runcmd_free(&r);
}

/* config check --json prints the resolved domain. */
static void test_config_check_json(void **state)
{
	struct ctx *c = *state;
	struct runcmd_result r;

	runcmd(&r, XCTL " config check --json \"$XCTL_SRC/configs/pv.cfg\"");
	CHECK_STATUS(c, r, 0);
	CHECK(c, r, json_name_is(r.out, "debian-pv"), "config check --json");
	runcmd_free(&r);
}

/* The summary shows the command line the kernel gets: cmdline alone when
 * it is set (root and extra are ignored then), else root= and extra. */
static void test_config_check_cmdline(void **state)
{
	struct ctx *c = *state;
	struct runcmd_result r;

	write_tmp(c, "cmdline.cfg", "name = \"c\"\nkernel = \"/k\"\ncmdline = \"console=hvc0\"\n"
				    "root = \"/dev/xvda1\"\nextra = \"quiet\"\n");
	runcmd(&r, XCTL " --config /dev/null config check \"$TESTDIR/cmdline.cfg\"");
	CHECK_STATUS(c, r, 0);
	CHECK(c, r, has_line(r.out, "  cmdline    console=hvc0"), "cmdline with root and extra");
	runcmd_free(&r);

	write_tmp(c, "cmdline.cfg", "name = \"c\"\nkernel = \"/k\"\nroot = \"/dev/xvda1\"\nextra = \"quiet\"\n");
	runcmd(&r, XCTL " --config /dev/null config check \"$TESTDIR/cmdline.cfg\"");
	CHECK_STATUS(c, r, 0);
	CHECK(c, r, has_line(r.out, "  cmdline    root=/dev/xvda1 quiet"), "root and extra");
	runcmd_free(&r);

	write_tmp(c, "cmdline.cfg", "name = \"c\"\nkernel = \"/k\"\nextra = \"quiet\"\n");
	runcmd(&r, XCTL " --config /dev/null config check \"$TESTDIR/cmdline.cfg\"");
	CHECK_STATUS(c, r, 0);
	CHECK(c, r, has_line(r.out, "  cmdline    quiet"), "extra alone");
	runcmd_free(&r);
}

/* The dry run is reproducible: configs/pv.cfg twice gives the same bytes,
 * with the format field and no uuid or MAC that was not given; --seed N
 * draws them, the same N the same ones, another N others. */
static void test_dry_run_reproducible(void **state)
{
	struct ctx *c = *state;
	struct runcmd_result r1, r2;
	runcmd(&r1, XCTL " --config /dev/null -N create \"$XCTL_SRC/configs/pv.cfg\"");
	runcmd(&r2, XCTL " --config /dev/null -N create \"$XCTL_SRC/configs/pv.cfg\"");
	CHECK_STATUS(c, r1, 0);
	CHECK(c, r1, !strcmp(r1.out, r2.out) && !strcmp(r1.err, r2.err), "two dry runs print the same");
	CHECK(c, r1, has_line(r1.out, "  \"format\": \"xctl-domain/1\","), "the format field with its version");
	CHECK(c, r1, has_line(r1.out, "  \"uuid\": null,"), "no uuid drawn");
	CHECK(c, r1, has_line(r1.out, "      \"mac\": null,"), "no MAC drawn");
	runcmd_free(&r1);
	runcmd_free(&r2);

	runcmd(&r1, XCTL " --config /dev/null -N create --seed 7 \"$XCTL_SRC/configs/pv.cfg\"");
	runcmd(&r2, XCTL " --config /dev/null -N create \"$XCTL_SRC/configs/pv.cfg\" --seed 7");
	CHECK_STATUS(c, r1, 0);
	CHECK(c, r1, !strcmp(r1.out, r2.out), "the same seed draws the same uuid and MACs");
	CHECK(c, r1, !has_line(r1.out, "  \"uuid\": null,") && strstr(r1.out, "\"mac\": \"00:16:3e:"),
	      "a seed draws a uuid and a MAC in Xen's OUI");
	runcmd_free(&r2);
	runcmd(&r2, XCTL " --config /dev/null -N create --seed 8 \"$XCTL_SRC/configs/pv.cfg\"");
	CHECK(c, r2, strcmp(r1.out, r2.out) != 0, "another seed draws others");
	runcmd_free(&r1);
	runcmd_free(&r2);

	runcmd(&r1, XCTL " --config /dev/null -N create --seed x \"$XCTL_SRC/configs/pv.cfg\"");
	CHECK_STATUS(c, r1, 2);
	CHECK(c, r1, strstr(r1.err, "--seed x: not a number") != NULL, "a bad seed is a usage error");
	runcmd_free(&r1);
	runcmd(&r1, XCTL " --config /dev/null config check --json --seed 7 \"$XCTL_SRC/configs/pv.cfg\"");
	runcmd(&r2, XCTL " --config /dev/null -N create --seed 7 \"$XCTL_SRC/configs/pv.cfg\"");
	CHECK_STATUS(c, r1, 0);
	size_t l1 = strlen(r1.out), l2 = strlen(r2.out);
	while (l1 && r1.out[l1 - 1] == '\n')
		l1--;
	while (l2 && r2.out[l2 - 1] == '\n')
		l2--;
	CHECK(c, r1, l1 == l2 && !strncmp(r1.out, r2.out, l1),
	      "config check --json --seed prints what create -N --seed prints");
	runcmd_free(&r1);
	runcmd_free(&r2);
}

/* A configuration that hits a bound of the reader is a configuration
 * error: exit status 2, the message names the bound. */
static void test_limit_exit_status(void **state)
{
	struct ctx *c = *state;
	struct runcmd_result r;
	size_t n = 70000;
	char *text = malloc(n + 64);
	assert_non_null(text);
	int k = snprintf(text, 64, "name = \"l\"\nkernel = \"/k\"\nextra = \"");
	memset(text + k, 'x', n);
	strcpy(text + k + n, "\"\n");
	write_tmp(c, "limit.cfg", text);
	free(text);
	runcmd(&r, XCTL " --config /dev/null -N create \"$TESTDIR/limit.cfg\"");
	CHECK_STATUS(c, r, 2);
	CHECK(c, r, strstr(r.err, "limit.cfg:3: too many bytes in a string (at most 65536)") != NULL,
	      "the bound hit is named with its place");
	CHECK(c, r, !*r.out, "nothing printed on stdout");
	runcmd_free(&r);
	runcmd(&r, XCTL " --config /dev/null config check \"$TESTDIR/limit.cfg\"");
	CHECK_STATUS(c, r, 2);
	runcmd_free(&r);
	/* a file above 1 MiB */
	size_t big = (1u << 20) + 1;
	text = malloc(big + 1);
	assert_non_null(text);
	memset(text, '\n', big);
	text[big] = '\0';
	write_tmp(c, "big.cfg", text);
	free(text);
	runcmd(&r, XCTL " --config /dev/null -N create \"$TESTDIR/big.cfg\"");
	CHECK_STATUS(c, r, 2);
	CHECK(c, r, strstr(r.err, "big.cfg: file is larger than the 1048576 bytes a configuration may have") != NULL,
	      "the file bound");
	runcmd_free(&r);
	/* a list of 4097 items */
	struct xctl_buf b = { 0 };
	xctl_buf_printf(&b, "name = \"l\"\nkernel = \"/k\"\nserial = [");
	for (int i = 0; i < 4097; i++)
		xctl_buf_printf(&b, "%s\"pty\"", i ? "," : "");
	xctl_buf_printf(&b, "]\n");
	write_tmp(c, "list.cfg", b.p);
	xctl_buf_free(&b);
	runcmd(&r, XCTL " --config /dev/null -N create \"$TESTDIR/list.cfg\"");
	CHECK_STATUS(c, r, 2);
	CHECK(c, r, strstr(r.err, "list.cfg:3: too many items in a list (at most 4096)") != NULL, "the list bound");
	runcmd_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_configs_resolve),
		cmocka_unit_test(test_unknown_key_warns_or_fails_strict),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_real_create_validates_then_refuses),
		cmocka_unit_test(test_invalid_configs),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_config_check_json),
		cmocka_unit_test(test_config_check_cmdline),
		cmocka_unit_test(test_dry_run_reproducible),
		cmocka_unit_test(test_limit_exit_status),
	};
	return cmocka_run_group_tests_name("config cli", tests, setup, teardown);
}
