/* The xctl command line: help, version, did-you-mean, global options and
 * exit codes, all derived from the one command table. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tests/cli/runcmd.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_lists_every_command),
		cmocka_unit_test(test_help_command),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_unknown_command_suggests),
		cmocka_unit_test(test_global_options),
		cmocka_unit_test(test_completion),
	};
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
