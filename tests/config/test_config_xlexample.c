/* SPDX-License-Identifier: LGPL-2.1-only */
/* Xen's own example configs (/etc/xen/xlexample.* of Debian's
 * xen-utils-common, Xen 4.17) must resolve without error. The package is
 * downloaded at test time into $XCTL_BUILD/cache (not installed, not copied
 * into the project); their disk targets (/dev/vg/guest-volume...) do not
 * exist here, which a dry run reports as warnings only. */
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
	char cache[4096]; /* $XCTL_BUILD/cache/xen-utils-common, also $CACHE */
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
		bool other = len > 0 && !strstr(line, s);
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
	const char *build = getenv("XCTL_BUILD");
	snprintf(c->cache, sizeof(c->cache), "%s/cache/xen-utils-common", build && *build ? build : "build");
	snprintf(c->pattern, sizeof(c->pattern), "%s/root/etc/xen/xlexample.*", c->cache);
	setenv("CACHE", c->cache, 1);
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

/* The package is fetched (once per build tree) and holds at least three
 * example configs. */
static void test_fetch_xen_examples(void **state)
{
	struct ctx *c = *state;
	struct runcmd_result r;
	if (count_examples(c) == 0) {
		runcmd(&r, "rm -rf \"$CACHE\"; mkdir -p \"$CACHE\"; "
			   "cd \"$CACHE\" && apt-get download -q xen-utils-common >download.log 2>&1");
		if (r.status) {
			runcmd_free(&r);
			runcmd(&r, "cat \"$CACHE/download.log\"");
			show(r.out);
			r.status = 1;
		}
		CHECK(c, r.status == 0,
		      "apt-get download xen-utils-common failed (a Debian mirror must be reachable)");
		runcmd_free(&r);

		runcmd(&r, "dpkg-deb -x \"$CACHE\"/xen-utils-common_*.deb \"$CACHE/root\"");
		if (r.status)
			show(r.err);
		CHECK(c, r.status == 0, "dpkg-deb -x");
		runcmd_free(&r);
	}
	size_t n = count_examples(c);
	print_message("%zu example configs in %s\n", n, c->pattern);
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
		cmocka_unit_test(test_fetch_xen_examples),
		cmocka_unit_test(test_xen_examples_resolve),
	};
	return cmocka_run_group_tests_name("config xlexample", tests, setup, teardown);
}
