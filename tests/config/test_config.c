/* SPDX-License-Identifier: LGPL-2.1-only */
/* Golden tests of the xl.cfg pipeline.
 *
 *   tests/config/valid/NAME.cfg     resolves without error; its JSON must be
 *                                   NAME.json, its warnings NAME.warn (none
 *                                   when absent); the JSON reads back into
 *                                   the same model and the same JSON.
 *   tests/config/invalid/NAME.cfg   fails; the diagnostics, every line of
 *                                   them, must be NAME.err.
 *   NAME.args (optional)            one per line: a KEY=VALUE override,
 *                                   --strict, --create, or --global FILE.
 *
 * Each directory is the working directory while its configs are resolved,
 * so diagnostics name files as NAME.cfg. Generated UUIDs and MACs use a
 * fixed seed. XCTL_GOLDEN_UPDATE=1 rewrites the expected files (review the
 * diff before committing). */
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

#include "common/diag.h"
#include "common/err.h"
#include "common/util.h"
#include "toolstack/config/load.h"
#include "toolstack/config/resolve.h"

void cfg_parse_tests(const struct CMUnitTest **tests, size_t *n);
void keys_tests(const struct CMUnitTest **tests, size_t *n);
void rules_tests(const struct CMUnitTest **tests, size_t *n);

#define SEED 1
#define MIN_CASES 40

static char *read_opt(const char *path)
{
	char *text = NULL;
	if (xctl_read_file(path, 1 << 20, &text, NULL))
		return NULL;
	return text;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

struct args {
	char *text;
	char *ovr[32];
	size_t novr;
	bool strict, create;
	const char *global;
};

static void read_args(const char *name, struct args *a)
{
	char path[PATH_MAX];
	memset(a, 0, sizeof(*a));
	snprintf(path, sizeof(path), "%s.args", name);
	a->text = read_opt(path);
	if (!a->text)
		return;
	for (char *line = strtok(a->text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strcmp(line, "--strict"))
			a->strict = true;
		else if (!strcmp(line, "--create"))
			a->create = true;
		else if (!strncmp(line, "--global ", 9))
			a->global = line + 9;
		else if (a->novr < 32)
			a->ovr[a->novr++] = line;
	}
}

static char *diags_text(const struct xctl_diags *d)
{
	struct xctl_buf b = { 0 };
	for (size_t i = 0; i < d->n; i++) {
		char *s = xctl_diag_format(&d->v[i]);
		assert_non_null(s);
		xctl_buf_printf(&b, "%s\n", s);
		free(s);
	}
	return xctl_buf_steal(&b);
}

/* Compare got with the file; on update, write it. Returns true if equal. */
static bool check_golden(const char *path, const char *got, bool update)
{
	char *want = read_opt(path);
	bool same = want ? !strcmp(want, got) : !*got;
	if (!same && update) {
		if (*got)
			write_file(path, got);
		else
			unlink(path);
		same = true;
	}
	if (!same)
		print_error("%s differs:\n--- expected\n%s--- got\n%s", path, want ? want : "(no file)\n", got);
	free(want);
	return same;
}

static size_t list_cfgs(const char *dir, char ***names)
{
	DIR *dp = opendir(dir);
	size_t n = 0;
	struct dirent *e;
	assert_non_null(dp);
	*names = NULL;
	while ((e = readdir(dp))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".cfg"))
			continue;
		*names = realloc(*names, (n + 1) * sizeof(char *));
		(*names)[n++] = strndup(e->d_name, len - 4);
	}
	closedir(dp);
	/* a stable order for readable output */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp((*names)[j - 1], (*names)[j]) > 0; j--) {
			char *t = (*names)[j];
			(*names)[j] = (*names)[j - 1];
			(*names)[j - 1] = t;
		}
	return n;
}

static int run_one(const char *name, struct xctl_domain_config *m, struct xctl_diags *d)
{
	struct args a;
	struct xctl_global_config g;
	char cfg[PATH_MAX];
	read_args(name, &a);
	snprintf(cfg, sizeof(cfg), "%s.cfg", name);
	struct xctl_config_request r = { .global_path = a.global, .path = cfg, .overrides = a.ovr,
					 .noverrides = a.novr, .creating = a.create, .strict = a.strict, .seed = SEED };
	/* a test must not depend on the host's /etc/xctl/xctl.conf */
	if (!r.global_path)
		r.global_path = "/dev/null";
	int rc = xctl_config_load_request(&r, &g, m, d);
	xctl_global_dispose(&g);
	free(a.text);
	return rc;
}

static char *src_dir(const char *sub)
{
	const char *src = getenv("XCTL_SRC");
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/tests/config/%s", src ? src : ".", sub);
	return strdup(path);
}

static void test_valid(void **state)
{
	(void)state;
	bool update = getenv("XCTL_GOLDEN_UPDATE") != NULL;
	char *dir = src_dir("valid");
	char cwd[PATH_MAX], **names;
	size_t failed = 0;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	size_t n = list_cfgs(".", &names);
	for (size_t i = 0; i < n; i++) {
		struct xctl_domain_config m, m2;
		struct xctl_diags d, d2;
		char path[PATH_MAX], *json = NULL, *json2 = NULL;
		bool ok = true;
		xctl_diags_init(&d);
		xctl_diags_init(&d2);
		int rc = run_one(names[i], &m, &d);
		char *diag = diags_text(&d);
		if (rc) {
			print_error("%s.cfg: expected valid, got %s:\n%s", names[i], xctl_errname(rc), diag);
			ok = false;
		} else {
			snprintf(path, sizeof(path), "%s.warn", names[i]);
			ok &= check_golden(path, diag, update);
			assert_int_equal(xctl_model_to_json_string(&m, true, &json), 0);
			size_t len = strlen(json);
			json = realloc(json, len + 2);
			strcpy(json + len, "\n");
			snprintf(path, sizeof(path), "%s.json", names[i]);
			ok &= check_golden(path, json, update);
			/* round trip: JSON -> model -> JSON */
			rc = xctl_model_from_json_string(json, strlen(json), &m2, &d2);
			if (rc) {
				char *e = diags_text(&d2);
				print_error("%s: JSON does not read back: %s", names[i], e);
				free(e);
				ok = false;
			} else {
				assert_int_equal(xctl_model_to_json_string(&m2, true, &json2), 0);
				if (strncmp(json, json2, len) || !xctl_model_equal(&m, &m2)) {
					print_error("%s: JSON round trip is not lossless:\n%s\n---\n%s\n", names[i], json, json2);
					ok = false;
				}
			}
			xctl_model_dispose(&m2);
		}
		failed += !ok;
		free(json);
		free(json2);
		free(diag);
		xctl_diags_free(&d);
		xctl_diags_free(&d2);
		xctl_model_dispose(&m);
		free(names[i]);
	}
	free(names);
	assert_int_equal(chdir(cwd), 0);
	free(dir);
	printf("valid configs: %zu, failed: %zu\n", n, failed);
	assert_true(n >= MIN_CASES);
	assert_int_equal(failed, 0);
}

static void test_invalid(void **state)
{
	(void)state;
	bool update = getenv("XCTL_GOLDEN_UPDATE") != NULL;
	char *dir = src_dir("invalid");
	char cwd[PATH_MAX], **names;
	size_t failed = 0;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	size_t n = list_cfgs(".", &names);
	for (size_t i = 0; i < n; i++) {
		struct xctl_domain_config m;
		struct xctl_diags d;
		char path[PATH_MAX];
		bool ok = true;
		xctl_diags_init(&d);
		int rc = run_one(names[i], &m, &d);
		char *diag = diags_text(&d);
		if (!rc || !d.nerrors) {
			print_error("%s.cfg: expected errors, got %s:\n%s", names[i], xctl_errname(rc), diag);
			ok = false;
		} else {
			snprintf(path, sizeof(path), "%s.err", names[i]);
			ok = check_golden(path, diag, update);
		}
		failed += !ok;
		free(diag);
		xctl_diags_free(&d);
		xctl_model_dispose(&m);
		free(names[i]);
	}
	free(names);
	assert_int_equal(chdir(cwd), 0);
	free(dir);
	printf("invalid configs: %zu, failed: %zu\n", n, failed);
	assert_true(n >= MIN_CASES);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest *parse_tests;
	size_t nparse;
	cfg_parse_tests(&parse_tests, &nparse);
	struct CMUnitTest tests[64];
	size_t n = 0;
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_valid);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_invalid);
	for (size_t i = 0; i < nparse && n < 64; i++)
		tests[n++] = parse_tests[i];
	keys_tests(&parse_tests, &nparse);
	for (size_t i = 0; i < nparse && n < 64; i++)
		tests[n++] = parse_tests[i];
	rules_tests(&parse_tests, &nparse);
	for (size_t i = 0; i < nparse && n < 64; i++)
		tests[n++] = parse_tests[i];
	return _cmocka_run_group_tests("config", tests, n, NULL, NULL);
}
