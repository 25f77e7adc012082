/* SPDX-License-Identifier: LGPL-2.1-only */
/* xl-truth cases: tests/config/xltruth/NAME.cfg, each an xl.cfg file whose
 * expected outcome was written from Xen 4.17.7's sources (never from
 * xctl's output). Directives in its comments:
 *
 *   # xl-truth: TEXT          what the case shows (required)
 *   # xen: PATH:LINES ...     the Xen source lines that decide it (required,
 *                             paths of the Xen tree at RELEASE-4.17.7)
 *   # expect KEY = JSON       the member KEY of the resolved model's JSON;
 *                             KEY may be a path into devices: vif.0.mac
 *   # expect-set KEY          the member KEY is not null
 *   # expect error LINE: TEXT / # expect warning LINE: TEXT
 *                             a diagnostic at LINE of the configuration
 *                             below the directives (1: the first line after
 *                             them; 0: the file as a whole) whose text
 *                             contains TEXT; every diagnostic must be
 *                             expected, and the case resolves if and only if
 *                             no error is expected
 *   # difference: ID          a deliberate difference from xl: ID must be in
 *                             the table of differences in docs/config.md
 *   # libxlutil: accepts | rejects
 *                             what xl's own reader (libxlutil, linked here)
 *                             does with the file
 *   # libxlutil KEY = "TEXT"  the string libxlutil reads for KEY
 *   # libxlutil KEY long N | KEY not-a-number
 *                             what xlu_cfg_get_long() makes of KEY
 *   # seed N                  resolve with --seed N
 *   # override KEY=VALUE      a command-line override, as xl's
 *
 * Every case's outcome is checked in one run; the closing line counts the
 * cases and the deliberate differences among them. */
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
#include "common/json.h"
#include "common/util.h"
#include "toolstack/config/load.h"

#define MIN_CASES 60
#define MAX_DIR 64
#define MAX_OVR 8

struct dir {
	char *kind;  /* expect, expect-error, expect-warning, ... */
	char *arg;
	unsigned line; /* of the directive in the case */
};

struct tcase {
	char *text;
	struct dir d[MAX_DIR];
	size_t nd;
	bool has_truth, has_xen, seeded;
	unsigned header; /* lines of directives before the configuration */
	uint64_t seed;
	char *ovr[MAX_OVR];
	size_t novr;
};

static char *src_path(const char *rel)
{
	const char *src = getenv("XCTL_SRC");
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", src ? src : ".", rel);
	return strdup(path);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

static void add_dir(struct tcase *c, const char *kind, char *arg, unsigned line)
{
	assert_true(c->nd < MAX_DIR);
	c->d[c->nd].kind = strdup(kind);
	c->d[c->nd].arg = strdup(trim(arg));
	c->d[c->nd].line = line;
	c->nd++;
}

/* Directives of a case file (its text is kept for libxlutil). */
static bool read_case(const char *path, struct tcase *c)
{
	memset(c, 0, sizeof(*c));
	if (xctl_read_file(path, 1 << 20, &c->text, NULL))
		return false;
	char *copy = strdup(c->text);
	unsigned line = 0;
	bool ok = true;
	for (char *p = copy, *nl; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		line++;
		if (strncmp(p, "# ", 2))
			continue;
		if (c->header == line - 1)
			c->header = line;
		char *l = p + 2;
		if (!strncmp(l, "xl-truth:", 9)) {
			c->has_truth = *trim(l + 9) != '\0';
		} else if (!strncmp(l, "xen:", 4)) {
			char *x = trim(l + 4);
			/* PATH:LINE of the Xen tree */
			bool good = (!strncmp(x, "tools/", 6) || !strncmp(x, "docs/", 5) || !strncmp(x, "xen/", 4)) &&
				    strchr(x, ':') && strchr(x, ':')[1] >= '1' && strchr(x, ':')[1] <= '9';
			if (!good) {
				print_error("%s:%u: '# xen:' needs PATH:LINE of the Xen tree, got '%s'\n", path, line, x);
				ok = false;
			}
			c->has_xen = c->has_xen || good;
		} else if (!strncmp(l, "expect-set ", 11)) {
			add_dir(c, "set", l + 11, line);
		} else if (!strncmp(l, "expect error ", 13)) {
			add_dir(c, "error", l + 13, line);
		} else if (!strncmp(l, "expect warning ", 15)) {
			add_dir(c, "warning", l + 15, line);
		} else if (!strncmp(l, "expect ", 7)) {
			add_dir(c, "expect", l + 7, line);
		} else if (!strncmp(l, "difference:", 11)) {
			add_dir(c, "difference", l + 11, line);
		} else if (!strncmp(l, "libxlutil: ", 11)) {
			add_dir(c, "xlu-verdict", l + 11, line);
		} else if (!strncmp(l, "libxlutil ", 10)) {
			add_dir(c, "xlu-value", l + 10, line);
		} else if (!strncmp(l, "seed ", 5)) {
			c->seeded = true;
			c->seed = strtoull(l + 5, NULL, 0);
		} else if (!strncmp(l, "override ", 9)) {
			assert_true(c->novr < MAX_OVR);
			c->ovr[c->novr++] = strdup(trim(l + 9));
		}
	}
	free(copy);
	if (!c->has_truth || !c->has_xen) {
		print_error("%s: a case needs '# xl-truth: ...' and '# xen: PATH:LINE'\n", path);
		ok = false;
	}
	return ok;
}

static void free_case(struct tcase *c)
{
	for (size_t i = 0; i < c->nd; i++) {
		free(c->d[i].kind);
		free(c->d[i].arg);
	}
	for (size_t i = 0; i < c->novr; i++)
		free(c->ovr[i]);
	free(c->text);
}

static bool jv_equal(const struct xctl_jv *a, const struct xctl_jv *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case XCTL_JNULL:
		return true;
	case XCTL_JBOOL:
		return a->u.b == b->u.b;
	case XCTL_JINT:
		return a->u.i == b->u.i;
	case XCTL_JUINT:
		return a->u.u == b->u.u;
	case XCTL_JDOUBLE:
		return a->u.d == b->u.d;
	case XCTL_JSTRING:
		return !strcmp(a->u.s, b->u.s);
	case XCTL_JARRAY:
		if (a->u.arr.n != b->u.arr.n)
			return false;
		for (size_t i = 0; i < a->u.arr.n; i++)
			if (!jv_equal(a->u.arr.v[i], b->u.arr.v[i]))
				return false;
		return true;
	case XCTL_JOBJECT:
		if (a->u.obj.n != b->u.obj.n)
			return false;
		for (size_t i = 0; i < a->u.obj.n; i++) {
			const struct xctl_jv *o = xctl_jv_get(b, a->u.obj.keys[i]);
			if (!o || !jv_equal(a->u.obj.v[i], o))
				return false;
		}
		return true;
	}
	return false;
}

/* The member at a dotted path (vif.0.mac) of the model's JSON, or NULL. */
static const struct xctl_jv *at_path(const struct xctl_jv *v, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *save = NULL, *p = strtok_r(buf, ".", &save); p && v; p = strtok_r(NULL, ".", &save)) {
		if (v->type == XCTL_JARRAY) {
			char *end;
			unsigned long i = strtoul(p, &end, 10);
			v = (*end || i >= v->u.arr.n) ? NULL : v->u.arr.v[i];
		} else {
			v = xctl_jv_get(v, p);
		}
	}
	return v;
}

/* What libxlutil, xl's reader, does with the case. */
static bool check_libxlutil(const char *name, const struct tcase *c)
{
	bool ok = true;
	FILE *sink = fopen("/dev/null", "w");
	XLU_Config *x = xlu_cfg_init(sink, name);
	assert_non_null(x);
	int xrc = xlu_cfg_readdata(x, c->text, (int)strlen(c->text));
	for (size_t i = 0; i < c->nd; i++) {
		const struct dir *d = &c->d[i];
		if (!strcmp(d->kind, "xlu-verdict")) {
			bool want = !strcmp(d->arg, "accepts");
			if (want != !xrc) {
				print_error("%s:%u: libxlutil %s the file, the case says it %s\n", name, d->line,
					    xrc ? "rejects" : "accepts", d->arg);
				ok = false;
			}
		} else if (!strcmp(d->kind, "xlu-value")) {
			char key[64], rest[256];
			const char *s;
			long l;
			if (sscanf(d->arg, "%63s %255[^\n]", key, rest) != 2) {
				print_error("%s:%u: bad libxlutil directive\n", name, d->line);
				ok = false;
			} else if (!strncmp(rest, "long ", 5)) {
				long want = strtol(rest + 5, NULL, 0);
				if (xlu_cfg_get_long(x, key, &l, 1) || l != want) {
					print_error("%s:%u: libxlutil does not read %s as %ld\n", name, d->line, key, want);
					ok = false;
				}
			} else if (!strcmp(rest, "not-a-number")) {
				if (!xlu_cfg_get_long(x, key, &l, 1)) {
					print_error("%s:%u: libxlutil reads %s as the number %ld\n", name, d->line, key, l);
					ok = false;
				}
			} else if (rest[0] == '=' && rest[1] == ' ' && rest[2] == '"') {
				char *want = strdup(rest + 3);
				size_t n = strlen(want);
				if (n && want[n - 1] == '"')
					want[n - 1] = '\0';
				if (xlu_cfg_get_string(x, key, &s, 1) || strcmp(s, want)) {
					print_error("%s:%u: libxlutil does not read %s as \"%s\"\n", name, d->line, key, want);
					ok = false;
				}
				free(want);
			} else {
				print_error("%s:%u: bad libxlutil directive\n", name, d->line);
				ok = false;
			}
		}
	}
	xlu_cfg_destroy(x);
	fclose(sink);
	return ok;
}

static bool diag_matches(const struct xctl_diag *dg, const struct dir *d, unsigned header)
{
	if (strcmp(d->kind, dg->sev == XCTL_DIAG_ERROR ? "error" : "warning"))
		return false;
	char *colon = strchr(d->arg, ':');
	if (!colon)
		return false;
	unsigned line = (unsigned)strtoul(d->arg, NULL, 10);
	if (line)
		line += header;
	if (line != dg->line)
		return false;
	char *s = xctl_diag_format(dg);
	bool m = s && strstr(s, trim(colon + 1)) != NULL;
	free(s);
	return m;
}

static bool run_case(const char *name, struct tcase *c, const char *docs)
{
	bool ok = check_libxlutil(name, c);
	struct xctl_global_config g;
	struct xctl_domain_config m;
	struct xctl_diags d;
	bool want_error = false;
	xctl_diags_init(&d);
	for (size_t i = 0; i < c->nd; i++) {
		if (!strcmp(c->d[i].kind, "error"))
			want_error = true;
		if (!strcmp(c->d[i].kind, "difference")) {
			char id[96];
			snprintf(id, sizeof(id), "| %s |", c->d[i].arg);
			if (!strstr(docs, id)) {
				print_error("%s:%u: difference '%s' is not in docs/config.md's table\n", name, c->d[i].line,
					    c->d[i].arg);
				ok = false;
			}
		}
	}
	struct xctl_config_request r = { .global_path = "/dev/null", .path = name, .overrides = c->ovr,
					 .noverrides = c->novr, .seed = c->seed, .seeded = c->seeded };
	int rc = xctl_config_load_request(&r, &g, &m, &d);
	/* every diagnostic expected, every expected diagnostic there */
	bool used[MAX_DIR] = { false };
	for (size_t i = 0; i < d.n; i++) {
		bool found = false;
		for (size_t j = 0; j < c->nd && !found; j++)
			if (!used[j] && diag_matches(&d.v[i], &c->d[j], c->header))
				used[j] = found = true;
		if (!found) {
			char *s = xctl_diag_format(&d.v[i]);
			print_error("%s: unexpected diagnostic: %s\n", name, s);
			free(s);
			ok = false;
		}
	}
	for (size_t j = 0; j < c->nd; j++)
		if (!used[j] && (!strcmp(c->d[j].kind, "error") || !strcmp(c->d[j].kind, "warning"))) {
			print_error("%s:%u: expected %s %s, not given\n", name, c->d[j].line, c->d[j].kind, c->d[j].arg);
			ok = false;
		}
	if (want_error != (rc != 0)) {
		print_error("%s: resolution %s, the case expects it to %s\n", name, rc ? "failed" : "succeeded",
			    want_error ? "fail" : "succeed");
		ok = false;
	}
	char *json = NULL;
	struct xctl_jv *jv = NULL;
	char err[256];
	if (!rc) {
		assert_int_equal(xctl_model_to_json_string(&m, false, &json), 0);
		assert_int_equal(xctl_json_parse(json, strlen(json), &jv, err, sizeof(err)), 0);
	}
	for (size_t j = 0; j < c->nd; j++) {
		if (!strcmp(c->d[j].kind, "set")) {
			const struct xctl_jv *got = jv ? at_path(jv, c->d[j].arg) : NULL;
			if (!got || got->type == XCTL_JNULL) {
				print_error("%s:%u: %s is not set\n", name, c->d[j].line, c->d[j].arg);
				ok = false;
			}
			continue;
		}
		if (strcmp(c->d[j].kind, "expect"))
			continue;
		char *eq = strstr(c->d[j].arg, " = ");
		if (!eq || !jv) {
			print_error("%s:%u: 'expect KEY = JSON' %s\n", name, c->d[j].line,
				    eq ? "needs a case that resolves" : "malformed");
			ok = false;
			continue;
		}
		*eq = '\0';
		struct xctl_jv *want = NULL;
		const struct xctl_jv *got = at_path(jv, c->d[j].arg);
		if (xctl_json_parse(eq + 3, strlen(eq + 3), &want, err, sizeof(err))) {
			print_error("%s:%u: expected value is not JSON: %s\n", name, c->d[j].line, err);
			ok = false;
		} else if (!got || !jv_equal(got, want)) {
			print_error("%s:%u: %s is not %s in:\n%s\n", name, c->d[j].line, c->d[j].arg, eq + 3, json);
			ok = false;
		}
		*eq = ' ';
		xctl_jv_free(want);
	}
	xctl_jv_free(jv);
	free(json);
	xctl_diags_free(&d);
	xctl_model_dispose(&m);
	xctl_global_dispose(&g);
	return ok;
}

static void test_xltruth(void **state)
{
	(void)state;
	char *dir = src_path("tests/config/xltruth");
	char *docs_path = src_path("docs/config.md");
	char *docs = NULL;
	char cwd[PATH_MAX];
	assert_int_equal(xctl_read_file(docs_path, 1 << 20, &docs, NULL), 0);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	DIR *dp = opendir(".");
	assert_non_null(dp);
	size_t n = 0, failed = 0, differences = 0;
	struct dirent *e;
	while ((e = readdir(dp))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".cfg"))
			continue;
		struct tcase c;
		bool ok = read_case(e->d_name, &c);
		if (ok)
			ok = run_case(e->d_name, &c, docs);
		for (size_t i = 0; i < c.nd; i++)
			differences += !strcmp(c.d[i].kind, "difference");
		free_case(&c);
		n++;
		failed += !ok;
	}
	closedir(dp);
	assert_int_equal(chdir(cwd), 0);
	printf("xl-truth cases: %zu, failed: %zu, deliberate differences among them: %zu\n", n, failed, differences);
	free(dir);
	free(docs_path);
	free(docs);
	assert_true(n >= MIN_CASES);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_xltruth) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
