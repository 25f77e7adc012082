/* SPDX-License-Identifier: LGPL-2.1-only */
/* The xl.cfg reader against libxlutil, xl's own parser (xlu_cfg_*, which
 * needs no Xen): on every config of the golden corpus both must accept or
 * both reject, and every setting must have the same value, list items
 * included. Known, documented differences (docs/config.md: numeric escapes,
 * a comment on the last line without a newline, CR before LF) are not in
 * the corpus. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxlutil.h>

#include "common/diag.h"
#include "common/err.h"
#include "toolstack/config/cfg_parse.h"

static bool same_value(XLU_Config *x, XLU_ConfigValue *xv, const struct xctl_cfg_value *v, const char *what)
{
	if (v->type == XCTL_CFG_ATOM) {
		char *s = NULL;
		if (xlu_cfg_value_type(xv) != XLU_STRING || xlu_cfg_value_get_string(x, xv, &s, 1)) {
			print_error("%s: libxlutil has a list, xctl a string\n", what);
			return false;
		}
		if (strcmp(s, v->s)) {
			print_error("%s: libxlutil '%s', xctl '%s'\n", what, s, v->s);
			return false;
		}
		return true;
	}
	XLU_ConfigList *l = NULL;
	if (xlu_cfg_value_type(xv) != XLU_LIST || xlu_cfg_value_get_list(x, xv, &l, 1)) {
		print_error("%s: libxlutil has a string, xctl a list\n", what);
		return false;
	}
	for (size_t i = 0; i < v->n; i++) {
		XLU_ConfigValue *item = xlu_cfg_get_listitem2(l, (int)i);
		if (!item) {
			print_error("%s: libxlutil has %zu items, xctl %zu\n", what, i, v->n);
			return false;
		}
		if (!same_value(x, item, v->items[i], what))
			return false;
	}
	if (xlu_cfg_get_listitem2(l, (int)v->n)) {
		print_error("%s: libxlutil has more than %zu items\n", what, v->n);
		return false;
	}
	return true;
}

/* Compare one file; returns true when both agree. */
static bool compare(const char *path)
{
	FILE *sink = fopen("/dev/null", "w");
	XLU_Config *x = xlu_cfg_init(sink, path);
	struct xctl_cfg cfg;
	struct xctl_diags d;
	bool ok = true;
	assert_non_null(x);
	xctl_cfg_init(&cfg);
	xctl_diags_init(&d);
	int xrc = xlu_cfg_readfile(x, path);
	int rc = xctl_cfg_parse_file(&cfg, path, &d);
	if ((xrc != 0) != (rc != 0)) {
		print_error("%s: libxlutil %s, xctl %s\n", path, xrc ? "rejects it" : "accepts it",
			    rc ? "rejects it" : "accepts it");
		ok = false;
	} else if (!rc) {
		for (size_t i = 0; i < cfg.n && ok; i++) {
			const struct xctl_cfg_setting *s = &cfg.v[i];
			char what[2 * PATH_MAX];
			snprintf(what, sizeof(what), "%s: %s", path, s->key);
			const char *str;
			XLU_ConfigList *list;
			if (s->value->type == XCTL_CFG_ATOM) {
				if (xlu_cfg_get_string(x, s->key, &str, 1)) {
					print_error("%s: not a string in libxlutil\n", what);
					ok = false;
				} else if (strcmp(str, s->value->s)) {
					print_error("%s: libxlutil '%s', xctl '%s'\n", what, str, s->value->s);
					ok = false;
				}
			} else if (xlu_cfg_get_list(x, s->key, &list, NULL, 1)) {
				print_error("%s: not a list in libxlutil\n", what);
				ok = false;
			} else {
				for (size_t j = 0; j < s->value->n && ok; j++) {
					XLU_ConfigValue *item = xlu_cfg_get_listitem2(list, (int)j);
					ok = item && same_value(x, item, s->value->items[j], what);
				}
				if (ok && xlu_cfg_get_listitem2(list, (int)s->value->n)) {
					print_error("%s: libxlutil has more items\n", what);
					ok = false;
				}
			}
		}
	}
	xlu_cfg_destroy(x);
	fclose(sink);
	xctl_cfg_free(&cfg);
	xctl_diags_free(&d);
	return ok;
}

static void run_dir(const char *sub, size_t *n, size_t *failed)
{
	const char *src = getenv("XCTL_SRC");
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/tests/config/%s", src ? src : ".", sub);
	DIR *dp = opendir(dir);
	struct dirent *e;
	assert_non_null(dp);
	while ((e = readdir(dp))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || (strcmp(e->d_name + len - 4, ".cfg") && strcmp(e->d_name + len - 5, ".conf")))
			continue;
		char path[PATH_MAX + 256];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		(*n)++;
		*failed += !compare(path);
	}
	closedir(dp);
}

static void test_corpus(void **state)
{
	(void)state;
	size_t n = 0, failed = 0;
	run_dir("valid", &n, &failed);
	run_dir("invalid", &n, &failed);
	printf("configs compared with libxlutil: %zu, differing: %zu\n", n, failed);
	assert_true(n >= 80);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_corpus) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
