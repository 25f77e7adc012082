/* SPDX-License-Identifier: LGPL-2.1-only */
/* The command-line framework (dispatch, option parsing, progress) against a
 * command table of the test's own, so that every rule is checked whatever
 * commands the real table holds: -N refused by a command that does not
 * implement it, options before and after positionals, xl options not
 * supported yet, xl's unambiguous prefixes, xl names behind the table. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "toolstack/cli/cli.h"
#include "toolstack/hv/hv.h"
#include "common/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* What the last handler saw. */
static struct seen {
	const char *cmd;
	struct xctl_cli cli;
	int a;
	const char *b;
	char pos[8][64];
	int npos;
} seen;

static int record(struct xctl_cli *cli, int argc, char **argv)
{
	const char *arg;
	int c;
	memset(&seen, 0, sizeof(seen));
	seen.cmd = cli->cmd->name;
	seen.cli = *cli;
	while ((c = xctl_cli_getopt(cli, argc, argv, &arg)) != XCTL_GETOPT_END) {
		if (c == 'a')
			seen.a++;
		else if (c == 'b')
			seen.b = arg;
		else
			return XCTL_EXIT_USAGE;
	}
	for (int i = cli->optind; i < argc && seen.npos < 8; i++)
		snprintf(seen.pos[seen.npos++], sizeof(seen.pos[0]), "%s", argv[i]);
	return 42;
}

static const struct xctl_opt make_opts[] = {
	{ 'a', "all", NULL, "a flag" },
	{ 'b', NULL, "FILE", "an argument" },
	{ XCTL_OPT_NOT_YET('z'), "zap", NULL, "an xl option not there yet" },
	{ XCTL_OPT_NOT_YET(XCTL_OPT_LONG_ONLY + 1), "later", NULL, "a long-only one" },
	{ 0, NULL, NULL, NULL },
};

const struct xctl_cmd xctl_commands[] = {
	{ "make", record, "[OPTIONS] FILE...", "Make", NULL, make_opts, XCTL_CMD_MODIFIES },
	{ "dry", record, "", "Dry", NULL, NULL, XCTL_CMD_DRYRUN },
	{ "grp one", record, "", "One" },
	{ "grp two", record, "", "Two" },
	{ "list", record, "", "Listed by the table although xl has it too" },
	{ "help", record, "", "Help" },
};
const unsigned xctl_ncommands = XCTL_ARRAY_SIZE(xctl_commands);

/* Run xctl_cli_main on a command line of words separated by spaces. */
static int run(const char *line)
{
	static char buf[512];
	char *argv[32];
	int argc = 0;
	snprintf(buf, sizeof(buf), "xctl %s", line);
	for (char *t = strtok(buf, " "); t && argc < 31; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	memset(&seen, 0, sizeof(seen));
	return xctl_cli_main(argc, argv);
}

static void test_dry_run_needs_the_flag(void **state)
{
	(void)state;
	assert_int_equal(run("-N make x"), XCTL_EXIT_USAGE);
	assert_null(seen.cmd);
	assert_int_equal(run("make -n x"), XCTL_EXIT_USAGE); /* -N is global only */
	assert_int_equal(run("-N dry"), 42);
	assert_string_equal(seen.cmd, "dry");
	assert_true(seen.cli.dry_run);
	assert_int_equal(run("dry"), 42);
	assert_false(seen.cli.dry_run);
	/* a group entry without flags refuses it too */
	assert_int_equal(run("-N grp one"), XCTL_EXIT_USAGE);
	assert_null(seen.cmd);
}

static void test_global_flags(void **state)
{
	(void)state;
	assert_int_equal(run("-f -t -T -vv make x"), 42);
	assert_true(seen.cli.force);
	assert_true(seen.cli.progress_cr);
	assert_true(seen.cli.timestamps);
	assert_int_equal(seen.cli.verbose, 2);
	assert_false(seen.cli.dry_run);
	assert_int_equal(seen.cli.hv_kind, XCTL_HV_AUTO);
	assert_true(seen.cli.log.timestamps);
	assert_true(seen.cli.log.show_pid);
	assert_int_equal(seen.cli.log.level, XCTL_LOG_WARN + 2);
	assert_int_equal(run("-vftTN dry"), 42);
	assert_true(seen.cli.force && seen.cli.progress_cr && seen.cli.timestamps && seen.cli.dry_run);
	assert_int_equal(run("make x"), 42);
	assert_false(seen.cli.force || seen.cli.progress_cr || seen.cli.timestamps);
	assert_false(seen.cli.log.timestamps || seen.cli.log.show_pid);
	assert_int_equal(seen.cli.progress_last, -1);

	assert_int_equal(run("--sim make x"), 42);
	assert_int_equal(seen.cli.hv_kind, XCTL_HV_SIM);
	assert_int_equal(run("--xen --xen make x"), 42);
	assert_int_equal(seen.cli.hv_kind, XCTL_HV_XEN);
	assert_int_equal(run("--xen --sim make x"), XCTL_EXIT_USAGE);
	assert_null(seen.cmd);
	/* a global option after the command is the command's */
	assert_int_equal(run("make -t x"), XCTL_EXIT_USAGE);

	unsetenv("XCTL_CONFIG");
	assert_int_equal(run("make x"), 42);
	assert_null(seen.cli.global_config);
	setenv("XCTL_CONFIG", "/from/env", 1);
	assert_int_equal(run("make x"), 42);
	assert_string_equal(seen.cli.global_config, "/from/env");
	assert_int_equal(run("--config /given make x"), 42);
	assert_string_equal(seen.cli.global_config, "/given");
	assert_int_equal(run("--config=/given2 make x"), 42);
	assert_string_equal(seen.cli.global_config, "/given2");
	setenv("XCTL_CONFIG", "", 1);
	assert_int_equal(run("make x"), 42);
	assert_null(seen.cli.global_config);
	unsetenv("XCTL_CONFIG");
	assert_int_equal(run("--config"), XCTL_EXIT_USAGE);
	assert_int_equal(run("-x make"), XCTL_EXIT_USAGE);
	assert_int_equal(run("--nosuch make"), XCTL_EXIT_USAGE);
	assert_int_equal(run("-v"), XCTL_EXIT_USAGE);
	assert_int_equal(run("--version"), XCTL_EXIT_OK);
	assert_int_equal(run("--help"), XCTL_EXIT_OK);
	assert_null(seen.cmd);
}

static void test_options_anywhere(void **state)
{
	(void)state;
	assert_int_equal(run("make p1 -a p2 -b F p3"), 42);
	assert_int_equal(seen.a, 1);
	assert_string_equal(seen.b, "F");
	assert_int_equal(seen.npos, 3);
	assert_string_equal(seen.pos[0], "p1");
	assert_string_equal(seen.pos[1], "p2");
	assert_string_equal(seen.pos[2], "p3");
	assert_int_equal(run("make p1 --all -- -a"), 42);
	assert_int_equal(seen.a, 1);
	assert_int_equal(seen.npos, 2);
	assert_string_equal(seen.pos[1], "-a");
	assert_int_equal(run("make p1 -b"), XCTL_EXIT_USAGE);
	assert_int_equal(run("make -q"), XCTL_EXIT_USAGE);
	/* options xl has and xctl does not yet: refused, the handler never sees them */
	assert_int_equal(run("make p1 -z"), XCTL_EXIT_USAGE);
	assert_int_equal(seen.npos, 0);
	assert_int_equal(run("make --zap p1"), XCTL_EXIT_USAGE);
	assert_int_equal(run("make --later p1"), XCTL_EXIT_USAGE);
	assert_int_equal(run("make -a p1"), 42);
	/* --help anywhere before "--" */
	assert_int_equal(run("make p1 --help"), XCTL_EXIT_OK);
	assert_null(seen.cmd);
	assert_int_equal(run("make p1 -- --help"), 42);
}

static void test_lookup(void **state)
{
	(void)state;
	/* the table first, also for a name xl has */
	assert_int_equal(run("list"), 42);
	assert_string_equal(seen.cmd, "list");
	/* xl's names behind it */
	assert_int_equal(run("destroy d1"), XCTL_EXIT_FAIL);
	assert_null(seen.cmd);
	assert_int_equal(run("vcpu-pin"), XCTL_EXIT_FAIL);
	assert_int_equal(run("nosuch"), XCTL_EXIT_USAGE);
	/* xl's unambiguous prefixes: of the table, of xl's names, of a group */
	assert_int_equal(run("ma x"), 42);
	assert_string_equal(seen.cmd, "make");
	assert_int_equal(run("dr"), 42);
	assert_string_equal(seen.cmd, "dry");
	assert_int_equal(run("vcpu-p"), XCTL_EXIT_FAIL);
	assert_int_equal(run("vcpu"), XCTL_EXIT_USAGE); /* vcpu-list, vcpu-pin, vcpu-set */
	assert_int_equal(run("gr one"), 42);
	assert_string_equal(seen.cmd, "grp one");
	assert_int_equal(run("d"), XCTL_EXIT_USAGE); /* dry, destroy, dmesg, ... */
	assert_null(seen.cmd);
	/* groups */
	assert_int_equal(run("grp"), XCTL_EXIT_USAGE);
	assert_int_equal(run("grp three"), XCTL_EXIT_USAGE);
	assert_int_equal(run("grp two x"), 42);
	assert_string_equal(seen.cmd, "grp two");
	assert_int_equal(seen.npos, 1);
}

static char *progress(struct xctl_cli *cli, const unsigned long *done, size_t n, unsigned long total)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		xctl_cli_progress_to(cli, f, "wait", done[i], total);
	fclose(f);
	return text;
}

static void test_progress(void **state)
{
	(void)state;
	const unsigned long steps[] = { 0, 1, 2, 5, 5, 7, 10, 100 };
	struct xctl_cli cli = { .progress_last = -1 };
	char *t = progress(&cli, steps, XCTL_ARRAY_SIZE(steps), 100);
	/* a line per step of 5% or more, and the end; small steps and repeats are dropped */
	assert_string_equal(t, "wait: 0/100    0%\nwait: 5/100    5%\nwait: 10/100   10%\nwait: 100/100  100%\n");
	free(t);

	struct xctl_cli v = { .progress_last = -1, .verbose = 1 };
	t = progress(&v, steps, XCTL_ARRAY_SIZE(steps), 100);
	/* -v shows the small steps too (xl's detail level), never a repeat */
	assert_string_equal(t, "wait: 0/100    0%\nwait: 1/100    1%\nwait: 2/100    2%\nwait: 5/100    5%\n"
			       "wait: 7/100    7%\nwait: 10/100   10%\nwait: 100/100  100%\n");
	free(t);

	/* -t: one line rewritten with carriage returns, a newline at the end */
	struct xctl_cli cr = { .progress_last = -1, .progress_cr = true };
	const unsigned long s2[] = { 0, 50, 100 };
	t = progress(&cr, s2, XCTL_ARRAY_SIZE(s2), 100);
	assert_string_equal(t, "wait: 0/100    0%\rwait: 50/100   50%\rwait: 100/100  100%\n");
	free(t);
	assert_int_equal(cr.progress_len, 0);

	/* a shorter line blanks what is left of the longer one */
	struct xctl_cli cr2 = { .progress_last = -1, .progress_cr = true };
	const unsigned long s3[] = { 100, 5 };
	FILE *f;
	char *text = NULL;
	size_t len = 0;
	f = open_memstream(&text, &len);
	xctl_cli_progress_to(&cr2, f, "a-long-name", 50, 100);
	xctl_cli_progress_to(&cr2, f, "x", 60, 100);
	fclose(f);
	assert_string_equal(text, "a-long-name: 50/100   50%\rx: 60/100   60%          \rx: 60/100   60%");
	free(text);
	(void)s3;

	/* done beyond total counts as the end; total 0 is done */
	struct xctl_cli z = { .progress_last = -1 };
	const unsigned long s4[] = { 3 };
	t = progress(&z, s4, 1, 0);
	assert_string_equal(t, "wait: 3/0  100%\n");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dry_run_needs_the_flag),
		cmocka_unit_test(test_global_flags),
		cmocka_unit_test(test_options_anywhere),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_progress),
	};
	return cmocka_run_group_tests_name("cli table", tests, NULL, NULL);
}
