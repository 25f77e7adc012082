/* SPDX-License-Identifier: LGPL-2.1-only */
/* Xen's own example configs (/etc/xen/xlexample.* of Debian's
 * xen-utils-common, Xen 4.17) must resolve without error. The package is
 * fetched at install time (scripts/install-deps.sh, not installed, not copied
 * into the project) and unpacked into $XCTL_DEPS_DIR/xen-utils-common; their
 * disk targets (/dev/vg/guest-volume...) do not exist here, which a dry run
 * reports as warnings only. */
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

#include "tests/cli/runcmd.h"

#define XCTL "\"$XCTL_BIN/xctl\""

struct ctx {
	char cache[4096]; /* $XCTL_DEPS_DIR/xen-utils-common */
	char pattern[4200]; /* the example configs in it */
	unsigned checks;
};

static void check_(struct ctx *c, bool ok, const char *what, const char *file, int line)
{
	if (!ok)
		print_error("FAIL: %s\n", what);
	_assert_true(ok, what, file, line);
	c->checks++;
}
#define CHECK(c, cond, what) check_((c), (cond), (what), __FILE__, __LINE__)

/* Each line of text, prefixed, to show a command's output. */
static void show(const char *text)
{
	for (const char *l = text; *l;) {
		size_t len = strcspn(l, "\n");
		print_error("  | %.*s\n", (int)len, l);
		l += len + (l[len] == '\n');
	}
}

/* Lines of text that contain s. */
static unsigned count_lines_with(const char *text, const char *s)
{
	unsigned count = 0;
	for (const char *l = text; *l;) {
		size_t len = strcspn(l, "\n");
		char *line = strndup(l, len);
		count += strstr(line, s) != NULL;
		free(line);
		l += len + (l[len] == '\n');
	}
	return count;
}

/* Whether text has a non-empty line that lacks s (grep -v s | grep .). */
static bool other_lines(const char *text, const char *s)
{
	for (const char *l = text; *l;) {
		size_t len = strcspn(l, "\n");
		char *line = strndup(l, len);
		/* xl's "Parsing config from FILE" is not a diagnostic */
		bool other = len > 0 && !strstr(line, s) && strncmp(line, "Parsing config from ", 20);
		free(line);
		if (other)
			return true;
		l += len + (l[len] == '\n');
	}
	return false;
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	const char *deps = getenv("XCTL_DEPS_DIR");
	snprintf(c->cache, sizeof(c->cache), "%s/xen-utils-common", deps && *deps ? deps : "/var/cache/xctl-deps");
	snprintf(c->pattern, sizeof(c->pattern), "%s/etc/xen/xlexample.*", c->cache);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	print_message("config xlexample: %u checks passed\n", c->checks);
	free(c);
	return 0;
}

static size_t count_examples(const struct ctx *c)
{
	glob_t g;
	size_t n = glob(c->pattern, 0, NULL, &g) == 0 ? g.gl_pathc : 0;
	globfree(&g);
	return n;
}

/* The package was unpacked at install time and holds at least three
 * example configs. */
static void test_xen_examples_present(void **state)
{
	struct ctx *c = *state;
	size_t n = count_examples(c);
	print_message("%zu example configs in %s\n", n, c->pattern);
	if (n < 3)
		print_error("FAIL: fewer than 3 example configs in %s: scripts/install-deps.sh (make deps) "
			    "unpacks xen-utils-common there\n", c->cache);
	CHECK(c, n >= 3, "fewer than 3 example configs");
}

/* Every example resolves (exit 0) with no diagnostic other than its missing
 * disk targets. Every example is tried before the test fails. */
static void test_xen_examples_resolve(void **state)
{
	struct ctx *c = *state;
	struct runcmd_result r;
	glob_t g;
	unsigned fails = 0;
	char what[4400];
	assert_int_equal(glob(c->pattern, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *cfg = g.gl_pathv[i];
		const char *base = strrchr(cfg, '/') + 1;
		setenv("CFG", cfg, 1);
		runcmd(&r, XCTL " -N create \"$CFG\"");
		if (r.status != 0) {
			print_error("FAIL: %s does not resolve (exit %d):\n", cfg, r.status);
			show(r.err);
			fails++;
		} else {
			c->checks++;
			if (other_lines(r.err, ": warning: disk: target ")) {
				print_error("FAIL: %s: unexpected diagnostics\n", cfg);
				show(r.err);
				fails++;
			} else {
				c->checks++;
				print_message("ok: %s (%u missing disk targets reported as warnings)\n", base,
					      count_lines_with(r.err, ": warning: "));
			}
		}
		runcmd_free(&r);
	}
	snprintf(what, sizeof(what), "%u of %zu example configs failed", fails, g.gl_pathc);
	globfree(&g);
	CHECK(c, fails == 0, what);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xen_examples_present),
		cmocka_unit_test(test_xen_examples_resolve),
	};
	return cmocka_run_group_tests_name("config xlexample", tests, setup, teardown);
}
