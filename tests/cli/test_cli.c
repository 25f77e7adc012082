/* SPDX-License-Identifier: LGPL-2.1-only */
/* The xctl command line: help, version, did-you-mean, global options and
 * exit codes, all derived from the one command table. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "common/json.h"
#include "tests/cli/runcmd.h"

#include <stdbool.h>

#define XCTL "\"$XCTL_BIN/xctl\""

static void test_help_lists_every_command(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, XCTL " help");
	assert_int_equal(r.status, 0);
	const char *cmds[] = { "create", "config check", "schema check", "schema show", "completion", "help" };
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		assert_non_null(strstr(r.out, cmds[i]));
	assert_non_null(strstr(r.out, "Exit status: 0 success, 1 the operation failed, 2 usage"));
	runcmd_free(&r);

	runcmd(&r, XCTL " --help");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "usage: xctl"));
	runcmd_free(&r);
}

static void test_help_command(void **state)
{
	(void)state;
	struct runcmd_result a, b;
	runcmd(&a, XCTL " help create");
	runcmd(&b, XCTL " create --help");
	assert_int_equal(a.status, 0);
	assert_int_equal(b.status, 0);
	assert_string_equal(a.out, b.out);
	assert_non_null(strstr(a.out, "usage: xctl create [OPTIONS] CONFIG [KEY=VALUE...]"));
	assert_non_null(strstr(a.out, "--strict"));
	runcmd_free(&a);
	runcmd_free(&b);

	runcmd(&a, XCTL " help schema check");
	assert_int_equal(a.status, 0);
	assert_non_null(strstr(a.out, "--after-destroy DOMID"));
	runcmd_free(&a);

	runcmd(&a, XCTL " schema");
	assert_int_equal(a.status, 0);
	assert_non_null(strstr(a.out, "schema check"));
	assert_non_null(strstr(a.out, "schema show"));
	runcmd_free(&a);

	runcmd(&a, XCTL " help nosuch");
	assert_int_equal(a.status, 2);
	assert_non_null(strstr(a.err, "no command 'nosuch'"));
	runcmd_free(&a);
}

static void test_version(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, XCTL " --version");
	assert_int_equal(r.status, 0);
	assert_int_equal(strncmp(r.out, "xctl ", 5), 0);
	runcmd_free(&r);
}

static void test_unknown_command_suggests(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, XCTL " crate x.cfg");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "'crate' is not a command. Did you mean 'create'?"));
	runcmd_free(&r);

	runcmd(&r, XCTL " zzzzzz");
	assert_int_equal(r.status, 2);
	assert_null(strstr(r.err, "Did you mean"));
	runcmd_free(&r);

	runcmd(&r, XCTL " schema chekc");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "'schema chekc' is not a command"));
	runcmd_free(&r);
}

static void test_global_options(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, XCTL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "usage: xctl"));
	runcmd_free(&r);

	runcmd(&r, XCTL " -Q help");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "unknown global option '-Q'"));
	runcmd_free(&r);

	runcmd(&r, XCTL " -f");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "'-f' needs a FILE"));
	runcmd_free(&r);

	runcmd(&r, XCTL " -vvN -f /nonexistent help");
	assert_int_equal(r.status, 0);
	runcmd_free(&r);
}

static void test_completion(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, XCTL " completion");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "complete -F _xctl xctl"));
	assert_non_null(strstr(r.out, "'schema') COMPREPLY=($(compgen -W \" check show"));
	assert_non_null(strstr(r.out, "--after-destroy"));
	runcmd_free(&r);
	/* the script is valid bash */
	runcmd(&r, XCTL " completion | bash -n");
	assert_int_equal(r.status, 0);
	runcmd_free(&r);
}

static void test_help_json(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, XCTL " help --json");
	assert_int_equal(r.status, 0);
	struct xctl_jv *v = NULL;
	char err[128];
	assert_int_equal(xctl_json_parse(r.out, strlen(r.out), &v, err, sizeof(err)), 0);
	const struct xctl_jv *cmds = xctl_jv_get(v, "commands");
	assert_non_null(cmds);
	assert_int_equal(cmds->type, XCTL_JARRAY);
	bool found = false;
	for (size_t i = 0; i < cmds->u.arr.n; i++) {
		const struct xctl_jv *c = cmds->u.arr.v[i];
		const struct xctl_jv *name = xctl_jv_get(c, "name");
		assert_non_null(name);
		assert_non_null(xctl_jv_get(c, "summary"));
		if (strcmp(name->u.s, "schema check"))
			continue;
		found = true;
		const struct xctl_jv *opts = xctl_jv_get(c, "options");
		assert_non_null(opts);
		assert_int_equal(opts->u.arr.n, 3);
		assert_string_equal(xctl_jv_get(opts->u.arr.v[1], "long")->u.s, "after-destroy");
		assert_string_equal(xctl_jv_get(opts->u.arr.v[1], "argument")->u.s, "DOMID");
		assert_int_equal(xctl_jv_get(opts->u.arr.v[1], "short")->type, XCTL_JNULL);
	}
	assert_true(found);
	xctl_jv_free(v);
	runcmd_free(&r);
}

/* docs/man/xctl.1.md's command reference is generated from the table
 * (scripts/gen-man.sh); it must not drift from it. */
static void test_man_page_matches_table(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, "sed -n \"/^<!-- generated by 'xctl help --markdown'/,\\$p\" \"$XCTL_SRC/docs/man/xctl.1.md\""
		   " | diff -u - <(" XCTL " help --markdown) || echo 'run scripts/gen-man.sh to regenerate'");
	if (strlen(r.out))
		print_message("%s", r.out);
	assert_int_equal(strlen(r.out), 0);
	runcmd_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_lists_every_command),
		cmocka_unit_test(test_help_command),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_unknown_command_suggests),
		cmocka_unit_test(test_global_options),
		cmocka_unit_test(test_completion),
		cmocka_unit_test(test_help_json),
		cmocka_unit_test(test_man_page_matches_table),
	};
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
