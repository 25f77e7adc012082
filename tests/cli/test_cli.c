/* SPDX-License-Identifier: LGPL-2.1-only */
/* The xctl command line: help, version, did-you-mean, global options and
 * exit codes, all derived from the one command table. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
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
	/* as xl's help: the global options the command honours, then its synopsis */
	assert_non_null(strstr(a.out, "usage: xctl [-vtTfN] create [OPTIONS] CONFIG [KEY=VALUE...]"));
	assert_non_null(strstr(a.out, "-n, --dryrun"));
	assert_non_null(strstr(a.out, "-V, --vncviewer"));
	assert_non_null(strstr(a.out, "--ignore-global-affinity-masks"));
	assert_non_null(strstr(a.out, "--strict"));
	runcmd_free(&a);
	runcmd_free(&b);

	runcmd(&a, XCTL " help schema check");
	assert_int_equal(a.status, 0);
	assert_non_null(strstr(a.out, "--after-destroy DOMID"));
	runcmd_free(&a);

	/* a bare group is a usage error that lists the group */
	runcmd(&a, XCTL " schema");
	assert_int_equal(a.status, 2);
	assert_non_null(strstr(a.err, "'schema' needs a subcommand"));
	assert_non_null(strstr(a.err, "schema check"));
	assert_non_null(strstr(a.err, "schema show"));
	runcmd_free(&a);
	runcmd(&a, XCTL " config");
	assert_int_equal(a.status, 2);
	assert_non_null(strstr(a.err, "config check"));
	runcmd_free(&a);
	/* help of a group lists it */
	runcmd(&a, XCTL " help schema");
	assert_int_equal(a.status, 0);
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

	runcmd(&r, XCTL " --nosuch help");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "unknown global option '--nosuch'"));
	runcmd_free(&r);

	runcmd(&r, XCTL " --config");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "'--config' needs a FILE"));
	runcmd_free(&r);

	runcmd(&r, XCTL " -vvN --config /nonexistent help");
	assert_int_equal(r.status, 0);
	runcmd_free(&r);
	runcmd(&r, XCTL " --sim --sim help");
	assert_int_equal(r.status, 0);
	runcmd_free(&r);
	runcmd(&r, XCTL " --sim --xen help");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--sim and --xen exclude each other"));
	runcmd_free(&r);
}

/* xl's global options are flags (xl.c: getopt "+vftTN"): -f is force, not a
 * file; each alone is a command line without a command, as with xl. */
static void test_xl_global_flags(void **state)
{
	(void)state;
	struct runcmd_result r;
	const char *alone[] = { "-f", "-t", "-T", "-v", "-N", "-vftTN" };
	for (size_t i = 0; i < sizeof(alone) / sizeof(alone[0]); i++) {
		runcmd(&r, XCTL " %s", alone[i]);
		assert_int_equal(r.status, 2);
		assert_non_null(strstr(r.err, "usage: xctl [-vftTN]"));
		assert_null(strstr(r.err, "needs"));
		runcmd_free(&r);
	}
	runcmd(&r, XCTL " -f -t -T help");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "usage: xctl"));
	runcmd_free(&r);

	/* -v -N create: the configuration on stdout, xl's "Parsing config" and
	 * (verbose) what was not done on stderr */
	runcmd(&r, XCTL " -v -N create \"$XCTL_SRC/configs/pv.cfg\"");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"name\": \"debian-pv\""));
	assert_non_null(strstr(r.err, "Parsing config from "));
	assert_non_null(strstr(r.err, "xctl: create: dry run of 'debian-pv', nothing was created"));
	runcmd_free(&r);
	runcmd(&r, XCTL " -N create \"$XCTL_SRC/configs/pv.cfg\"");
	assert_int_equal(r.status, 0);
	assert_null(strstr(r.err, "nothing was created"));
	runcmd_free(&r);

	/* -T: date, time and process id before a log line, as xl -T */
	runcmd_merged(&r, "sh -c 'echo $$ >&2; exec " XCTL " -T -v -N create -q \"$XCTL_SRC/configs/pv.cfg\"' 2>&1 >/dev/null");
	assert_int_equal(r.status, 0);
	{
		long pid = strtol(r.out, NULL, 10);
		char want[64];
		snprintf(want, sizeof(want), "Z [%ld] xctl: create: dry run", pid);
		assert_true(pid > 0);
		assert_non_null(strstr(r.out, want));
	}
	runcmd_free(&r);
}

/* The global configuration is --config FILE or $XCTL_CONFIG (the option
 * wins); a named file that is missing is an error. */
static void test_global_config_option(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, "XCTL_CONFIG=/nonexistent/xctl.conf " XCTL " -N create -q \"$XCTL_SRC/configs/pv.cfg\"");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "/nonexistent/xctl.conf"));
	runcmd_free(&r);
	runcmd(&r, "XCTL_CONFIG=/nonexistent/xctl.conf " XCTL " --config \"$XCTL_SRC/configs/xctl.conf\" -N create -q "
		   "\"$XCTL_SRC/configs/pv.cfg\"");
	assert_int_equal(r.status, 0);
	runcmd_free(&r);
	runcmd(&r, XCTL " --config=/nonexistent/other.conf -N create -q \"$XCTL_SRC/configs/pv.cfg\"");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "/nonexistent/other.conf"));
	runcmd_free(&r);
}

/* create's options are xl's, before or after the file. */
static void test_create_options_anywhere(void **state)
{
	(void)state;
	struct runcmd_result r;
	const char *lines[] = {
		"create \"$XCTL_SRC/configs/pv.cfg\" -n",
		"create --dryrun \"$XCTL_SRC/configs/pv.cfg\"",
		"create \"$XCTL_SRC/configs/pv.cfg\" --dryrun memory=512",
		"create -f \"$XCTL_SRC/configs/pv.cfg\" -n",
		"create --defconfig=\"$XCTL_SRC/configs/pv.cfg\" -n",
		"create -n -i \"$XCTL_SRC/configs/pv.cfg\"",
		"create \"$XCTL_SRC/configs/pv.cfg\" --ignore-global-affinity-masks -n",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		runcmd(&r, XCTL " %s", lines[i]);
		if (r.status || !strstr(r.out, "\"name\": \"debian-pv\""))
			print_message("%s: exit %d\n%s", lines[i], r.status, r.err);
		assert_int_equal(r.status, 0);
		assert_non_null(strstr(r.out, "\"name\": \"debian-pv\""));
		runcmd_free(&r);
	}
	runcmd(&r, XCTL " create \"$XCTL_SRC/configs/pv.cfg\" -n memory=512");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"memory\": 512"));
	runcmd_free(&r);
	/* -q after the file: nothing on stderr at all */
	runcmd(&r, XCTL " create \"$XCTL_SRC/configs/pv.cfg\" -n -q");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	runcmd_free(&r);
	/* -f FILE and a second file */
	runcmd(&r, XCTL " create -n -f \"$XCTL_SRC/configs/pv.cfg\" \"$XCTL_SRC/configs/pvh.cfg\"");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "unexpected argument"));
	runcmd_free(&r);
	/* -d: the configuration on stderr, then the create goes on */
	char *tmp = runcmd_mkdtemp();
	char path[4096];
	snprintf(path, sizeof(path), "%s/d.cfg", tmp);
	assert_int_equal(runcmd_write_file(path, "name = \"dbg\"\nkernel = \"/k\"\ndisk = [ \"/dev/null,raw,xvda,rw\" ]\n"), 0);
	/* the create itself is tried on Xen (--xen), which this machine has not:
	 * it fails after the configuration is printed, and no host is started */
	runcmd(&r, XCTL " --xen create -d %s -q", path);
	assert_non_null(strstr(r.err, "\"name\": \"dbg\""));
	assert_string_equal(r.out, "");
	runcmd_free(&r);
	runcmd(&r, XCTL " --xen create %s -q", path);
	assert_null(strstr(r.err, "\"name\": \"dbg\""));
	runcmd_free(&r);
	assert_int_equal(runcmd_rmtree(tmp), 0);
	free(tmp);
}

/* --libxl: what hv/xen gives libxl, as libxl's JSON (xl -N create's format). */
static void test_create_libxl_json(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, XCTL " -N create --libxl \"$XCTL_SRC/configs/pv.cfg\" 'uuid=\"5b1c2a34-7d4e-4f60-8a9b-0c1d2e3f4a5b\"'");
	assert_int_equal(r.status, 0);
	struct xctl_jv *v = NULL;
	char err[128];
	assert_int_equal(xctl_json_parse(r.out, strlen(r.out), &v, err, sizeof(err)), 0);
	const struct xctl_jv *c = xctl_jv_get(v, "c_info");
	assert_non_null(c);
	assert_string_equal(xctl_jv_get(c, "name")->u.s, "debian-pv");
	assert_string_equal(xctl_jv_get(c, "type")->u.s, "pv");
	assert_string_equal(xctl_jv_get(c, "uuid")->u.s, "5b1c2a34-7d4e-4f60-8a9b-0c1d2e3f4a5b");
	assert_non_null(xctl_jv_get(xctl_jv_get(v, "b_info"), "target_memkb"));
	assert_null(xctl_jv_get(v, "format")); /* libxl's format, not xctl's */
	xctl_jv_free(v);
	/* as xl prints it: one newline at the end, no blank line */
	size_t len = strlen(r.out);
	assert_true(len > 2 && r.out[len - 1] == '\n' && r.out[len - 2] == '}');
	runcmd_free(&r);
	runcmd(&r, XCTL " create \"$XCTL_SRC/configs/pv.cfg\" -n --libxl");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"c_info\""));
	runcmd_free(&r);
	runcmd(&r, XCTL " create --libxl \"$XCTL_SRC/configs/pv.cfg\"");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--libxl prints the libxl configuration of a dry run"));
	runcmd_free(&r);
}

/* An xl option xctl does not support yet is refused by name, anywhere. */
static void test_create_not_yet_options(void **state)
{
	(void)state;
	struct runcmd_result r;
	const struct {
		const char *arg, *name;
	} cases[] = {
		{ "-V", "'-V' (--vncviewer)" }, { "--vncviewer", "'-V' (--vncviewer)" },
		{ "-A", "'-A' (--vncviewer-autopass)" }, { "--vncviewer-autopass", "'-A' (--vncviewer-autopass)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		runcmd(&r, XCTL " create \"$XCTL_SRC/configs/pv.cfg\" %s", cases[i].arg);
		char want[128];
		snprintf(want, sizeof(want), "xctl create: option %s is not supported by xctl yet", cases[i].name);
		if (!strstr(r.err, want))
			print_message("%s: %s\n", cases[i].arg, r.err);
		assert_int_equal(r.status, 2);
		assert_non_null(strstr(r.err, want));
		runcmd_free(&r);
	}
	runcmd(&r, XCTL " create -x \"$XCTL_SRC/configs/pv.cfg\"");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "unknown option '-x'"));
	runcmd_free(&r);
}

/* Every xl 4.17 command xctl does not have says so (exit 1); `help --json`
 * lists them, and none is in the command table. */
static void test_xl_commands_not_implemented(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, XCTL " vncviewer");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "'vncviewer': xl command not implemented in xctl yet"));
	runcmd_free(&r);
	runcmd(&r, XCTL " -v save -c");
	assert_int_equal(r.status, 1);
	runcmd_free(&r);

	runcmd(&r, XCTL " help --json");
	assert_int_equal(r.status, 0);
	struct xctl_jv *v = NULL;
	char err[128];
	assert_int_equal(xctl_json_parse(r.out, strlen(r.out), &v, err, sizeof(err)), 0);
	runcmd_free(&r);
	const struct xctl_jv *xl = xctl_jv_get(v, "xl_not_implemented");
	const struct xctl_jv *cmds = xctl_jv_get(v, "commands");
	assert_non_null(xl);
	assert_non_null(cmds);
	/* xl 4.17 has 92 commands: each is either in the table or listed */
	size_t in_table = 0;
	for (size_t i = 0; i < cmds->u.arr.n; i++) {
		const char *name = xctl_jv_get(cmds->u.arr.v[i], "name")->u.s;
		bool listed = false;
		for (size_t j = 0; j < xl->u.arr.n; j++)
			listed |= !strcmp(xl->u.arr.v[j]->u.s, name);
		assert_false(listed);
		in_table += !strcmp(name, "create") || !strcmp(name, "list") || !strcmp(name, "destroy");
	}
	assert_true(in_table >= 1);
	assert_true(xl->u.arr.n >= 60);
	for (size_t j = 0; j < xl->u.arr.n; j++) {
		const char *name = xl->u.arr.v[j]->u.s;
		assert_string_not_equal(name, "create");
		runcmd(&r, XCTL " %s", name);
		char want[128];
		snprintf(want, sizeof(want), "'%s': xl command not implemented in xctl yet", name);
		if (r.status != 1 || !strstr(r.err, want))
			print_message("%s: exit %d: %s\n", name, r.status, r.err);
		assert_int_equal(r.status, 1);
		assert_non_null(strstr(r.err, want));
		runcmd_free(&r);
	}
	xctl_jv_free(v);

	/* as xl's cmdtable_lookup(): an unambiguous prefix is the command */
	runcmd(&r, XCTL " crea -n -q \"$XCTL_SRC/configs/pv.cfg\"");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"name\": \"debian-pv\""));
	runcmd_free(&r);
	runcmd(&r, XCTL " vncv");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "'vncviewer': xl command not implemented in xctl yet"));
	runcmd_free(&r);
	runcmd(&r, XCTL " help vncviewer");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "xl command not implemented in xctl yet"));
	runcmd_free(&r);
}

/* Run the completion function for a command line; the candidates, one a
 * line, in r->out. LINE is the words before the cursor, CUR the word at it. */
static void complete(struct runcmd_result *r, const char *line, const char *cur)
{
	runcmd(r,
	       "cd \"$XCTL_SRC\" && source <(" XCTL " completion) && COMP_WORDS=(%s '%s') && "
	       "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && _xctl && printf '%%s\\n' \"${COMPREPLY[@]}\"",
	       line, cur);
}

static bool has_word(const char *out, const char *word)
{
	size_t len = strlen(word);
	for (const char *p = out; (p = strstr(p, word)); p++)
		if ((p == out || p[-1] == '\n') && (p[len] == '\n' || !p[len]))
			return true;
	return false;
}

static void test_completion(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, XCTL " completion");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "complete -F _xctl xctl"));
	assert_non_null(strstr(r.out, "'schema') COMPREPLY=($(compgen -W \"check show"));
	assert_non_null(strstr(r.out, "--after-destroy"));
	runcmd_free(&r);
	/* the script is valid bash */
	runcmd(&r, XCTL " completion | bash -n");
	assert_int_equal(r.status, 0);
	runcmd_free(&r);

	/* command names, also after global options (and --config's file) */
	complete(&r, "xctl", "cr");
	assert_true(has_word(r.out, "create"));
	runcmd_free(&r);
	complete(&r, "xctl -v -N --config configs/xctl.conf", "cr");
	assert_true(has_word(r.out, "create"));
	runcmd_free(&r);
	complete(&r, "xctl -vf -t", "sch");
	assert_true(has_word(r.out, "schema"));
	runcmd_free(&r);
	complete(&r, "xctl", "--s");
	assert_true(has_word(r.out, "--sim"));
	runcmd_free(&r);
	/* --config FILE completes files */
	complete(&r, "xctl --config", "configs/xc");
	assert_true(has_word(r.out, "configs/xctl.conf"));
	runcmd_free(&r);
	/* subcommands, after global options too */
	complete(&r, "xctl -v schema", "");
	assert_true(has_word(r.out, "check"));
	assert_true(has_word(r.out, "show"));
	runcmd_free(&r);
	/* command names after help, and subcommands after help GROUP */
	complete(&r, "xctl help", "cr");
	assert_true(has_word(r.out, "create"));
	runcmd_free(&r);
	complete(&r, "xctl -N help", "");
	assert_true(has_word(r.out, "schema"));
	assert_true(has_word(r.out, "completion"));
	runcmd_free(&r);
	complete(&r, "xctl help schema", "sh");
	assert_true(has_word(r.out, "show"));
	runcmd_free(&r);
	/* a command's options, and files where the synopsis wants one */
	complete(&r, "xctl -v create", "--dr");
	assert_true(has_word(r.out, "--dryrun"));
	runcmd_free(&r);
	complete(&r, "xctl create", "configs/pv");
	assert_true(has_word(r.out, "configs/pv.cfg"));
	assert_true(has_word(r.out, "configs/pvh.cfg"));
	runcmd_free(&r);
	complete(&r, "xctl create configs/pv.cfg", "-");
	assert_true(has_word(r.out, "-q"));
	runcmd_free(&r);
	complete(&r, "xctl create -f", "configs/h");
	assert_true(has_word(r.out, "configs/hvm.cfg"));
	runcmd_free(&r);
	complete(&r, "xctl schema check", "configs/x");
	assert_true(has_word(r.out, "configs/xctl.conf"));
	runcmd_free(&r);
	/* an option's argument that is not a file completes nothing */
	complete(&r, "xctl schema check --phase", "");
	assert_string_equal(r.out, "\n");
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

/* docs/man/xctl.1.md is generated from the table (scripts/gen-man.sh);
 * it must not drift from it. */
static void test_man_page_matches_table(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, "diff -u \"$XCTL_SRC/docs/man/xctl.1.md\" <(" XCTL " help --markdown) ||"
		   " echo 'run scripts/gen-man.sh to regenerate'");
	if (strlen(r.out))
		print_message("%s", r.out);
	assert_int_equal(strlen(r.out), 0);
	runcmd_free(&r);
}

/* make install DESTDIR=...: the programs, the man page (man -l renders it),
 * the completion (sourcing it registers the function) and the examples. */
static void test_make_install(void **state)
{
	(void)state;
	struct runcmd_result r;
	char *tmp = runcmd_mkdtemp();
	assert_non_null(tmp);
	runcmd(&r,
	       "cd \"$XCTL_SRC\" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -f mk/build.mk BUILD=\"$XCTL_BUILD\" "
	       "install DESTDIR=%s PREFIX=/usr >/dev/null && cd %s && find . -type f | sort",
	       tmp, tmp);
	if (r.status)
		print_message("%s", r.err);
	assert_int_equal(r.status, 0);
	const char *files[] = {
		"./usr/sbin/xctl",
		"./usr/sbin/xctl-xenstored",
		"./usr/share/man/man1/xctl.1",
		"./usr/share/bash-completion/completions/xctl",
		"./usr/share/doc/xctl/examples/pv.cfg",
		"./usr/share/doc/xctl/examples/pvh.cfg",
		"./usr/share/doc/xctl/examples/hvm.cfg",
		"./usr/share/doc/xctl/examples/xctl.conf",
		"./etc/xctl/xctl.conf",
		"./usr/lib/systemd/system/xctl-blkback.service",
		"./usr/lib/systemd/system/xctl-netback.service",
		"./usr/sbin/xctl-hotplug",
		"./etc/xctl/scripts/block",
		"./etc/xctl/scripts/vif-bridge",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (!has_word(r.out, files[i]))
			print_message("not installed: %s\n%s", files[i], r.out);
		assert_true(has_word(r.out, files[i]));
	}
	runcmd_free(&r);

	/* the backends' units start the installed programs */
	runcmd(&r, "grep -h '^ExecStart=' %s/usr/lib/systemd/system/xctl-blkback.service "
		   "%s/usr/lib/systemd/system/xctl-netback.service", tmp, tmp);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "ExecStart=/usr/sbin/xctl-blkback --xen\nExecStart=/usr/sbin/xctl-netback --xen\n");
	runcmd_free(&r);

	runcmd(&r, "MANPAGER=cat MANWIDTH=80 man --warnings -l %s/usr/share/man/man1/xctl.1", tmp);
	assert_int_equal(r.status, 0);
	if (r.err[0])
		print_message("man: %s", r.err);
	assert_string_equal(r.err, "");
	const char *sections[] = { "NAME", "SYNOPSIS", "DESCRIPTION", "GLOBAL OPTIONS", "COMMANDS", "EXIT STATUS",
				   "ENVIRONMENT", "FILES", "SEE ALSO", "xctl create [OPTIONS] CONFIG",
				   "--ignore-global-affinity-masks", "XCTL_CONFIG" };
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		assert_non_null(strstr(r.out, sections[i]));
	/* an option with its argument, and each option its own tagged paragraph */
	assert_non_null(strstr(r.out, "\n       --config FILE\n"));
	assert_non_null(strstr(r.out, "\n       -n, --dryrun\n"));
	assert_non_null(strstr(r.out, "\n       -f, --defconfig FILE\n"));
	runcmd_free(&r);

	runcmd(&r, "bash -c 'source %s/usr/share/bash-completion/completions/xctl; complete -p xctl'", tmp);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "complete -F _xctl xctl\n");
	runcmd_free(&r);

	/* the installed xctl runs and finds its examples */
	runcmd(&r, "%s/usr/sbin/xctl --config %s/etc/xctl/xctl.conf -N create -q %s/usr/share/doc/xctl/examples/pvh.cfg",
	       tmp, tmp, tmp);
	assert_int_equal(r.status, 0);
	runcmd_free(&r);
	/* an existing xctl.conf is kept */
	runcmd(&r,
	       "cd \"$XCTL_SRC\" && echo '# mine' >%s/etc/xctl/xctl.conf && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "
	       "make -s -f mk/build.mk BUILD=\"$XCTL_BUILD\" install DESTDIR=%s >/dev/null && cat %s/etc/xctl/xctl.conf",
	       tmp, tmp, tmp);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "# mine\n");
	runcmd_free(&r);
	assert_int_equal(runcmd_rmtree(tmp), 0);
	free(tmp);
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
		cmocka_unit_test(test_xl_global_flags),
		cmocka_unit_test(test_global_config_option),
		cmocka_unit_test(test_create_options_anywhere),
		cmocka_unit_test(test_create_not_yet_options),
		cmocka_unit_test(test_create_libxl_json),
		cmocka_unit_test(test_xl_commands_not_implemented),
		cmocka_unit_test(test_make_install),
	};
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
