/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl: entry point, global options and dispatch through the command table. */
#include "toolstack/cli/cli.h"
#include "toolstack/cli/commands.h"
#include "common/err.h"
#include "common/json.h"
#include "common/util.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef XCTL_VERSION
#define XCTL_VERSION "0.1.0"
#endif

static size_t name_words(const char *name)
{
	size_t n = 1;
	for (; *name; name++)
		n += *name == ' ';
	return n;
}

/* Does argv[0..] start with the words of name? */
static bool name_matches(const char *name, int argc, char **argv)
{
	size_t words = name_words(name);
	if ((size_t)argc < words)
		return false;
	const char *p = name;
	for (size_t i = 0; i < words; i++) {
		size_t len = strcspn(p, " ");
		if (strlen(argv[i]) != len || strncmp(argv[i], p, len))
			return false;
		p += len + (p[len] == ' ');
	}
	return true;
}

static const struct xctl_cmd *find_cmd(int argc, char **argv)
{
	const struct xctl_cmd *best = NULL;
	for (unsigned i = 0; i < xctl_ncommands; i++) {
		const struct xctl_cmd *c = &xctl_commands[i];
		if (name_matches(c->name, argc, argv) && (!best || name_words(c->name) > name_words(best->name)))
			best = c;
	}
	return best;
}

/* Commands whose name starts with the word "group " */
static bool is_group(const char *word)
{
	size_t len = strlen(word);
	for (unsigned i = 0; i < xctl_ncommands; i++)
		if (!strncmp(xctl_commands[i].name, word, len) && xctl_commands[i].name[len] == ' ')
			return true;
	return false;
}

static void print_group(const char *group, FILE *out)
{
	size_t len = strlen(group);
	fprintf(out, "'%s' commands:\n", group);
	for (unsigned i = 0; i < xctl_ncommands; i++) {
		const struct xctl_cmd *c = &xctl_commands[i];
		if (!strncmp(c->name, group, len) && c->name[len] == ' ')
			fprintf(out, "  %-22s %s\n", c->name, c->summary);
	}
}

static void print_usage(FILE *out)
{
	fprintf(out,
		"usage: xctl [-v...] [-N] [-f FILE] COMMAND [ARGS]\n"
		"\n"
		"xctl manages Xen guests: create, configure and destroy PV, PVH and HVM\n"
		"domains, like xl. Without a Xen hypervisor it runs on a simulated host.\n"
		"\n"
		"Global options:\n"
		"  -v             more verbose output (repeat for more)\n"
		"  -N             dry run: show what would be done, change nothing\n"
		"  -f FILE        global configuration file (default /etc/xctl/xctl.conf)\n"
		"  -h, --help     this help\n"
		"  --version      print the version\n"
		"\n"
		"Commands:\n");
	for (unsigned i = 0; i < xctl_ncommands; i++)
		fprintf(out, "  %-22s %s\n", xctl_commands[i].name, xctl_commands[i].summary);
	fprintf(out,
		"\n"
		"Exit status: 0 success, 1 the operation failed, 2 usage or configuration error.\n"
		"'xctl help COMMAND' or 'xctl COMMAND --help' describes one command.\n");
}

void xctl_cli_print_cmd_help(const struct xctl_cmd *cmd, FILE *out)
{
	fprintf(out, "usage: xctl %s %s\n\n%s.\n", cmd->name, cmd->synopsis ? cmd->synopsis : "",
		cmd->summary);
	if (cmd->description)
		fprintf(out, "\n%s\n", cmd->description);
	fprintf(out, "\nOptions:\n");
	for (const struct xctl_opt *o = cmd->opts; o && o->id; o++) {
		char left[64];
		char shortpart[8] = "";
		if (o->id < XCTL_OPT_LONG_ONLY)
			snprintf(shortpart, sizeof(shortpart), "-%c", o->id);
		snprintf(left, sizeof(left), "%s%s%s%s%s%s", shortpart, (shortpart[0] && o->lname) ? ", " : "",
			 o->lname ? "--" : "", o->lname ? o->lname : "", o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(out, "  %-24s %s\n", left, o->help);
	}
	fprintf(out, "  %-24s %s\n", "-h, --help", "show this help");
}

int xctl_cli_usage_error(struct xctl_cli *cli, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "xctl %s: ", cli->cmd ? cli->cmd->name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: xctl %s %s\n(see 'xctl help %s')\n", cli->cmd ? cli->cmd->name : "COMMAND",
		cli->cmd && cli->cmd->synopsis ? cli->cmd->synopsis : "", cli->cmd ? cli->cmd->name : "");
	return XCTL_EXIT_USAGE;
}

int xctl_cli_getopt(struct xctl_cli *cli, int argc, char **argv, const char **arg)
{
	struct option longs[64];
	char shorts[160];
	size_t nl = 0, ns = 0;

	shorts[ns++] = '+'; /* stop at the first positional, like xl */
	shorts[ns++] = ':'; /* report a missing argument distinctly */
	for (const struct xctl_opt *o = cli->cmd->opts; o && o->id && nl < 62; o++) {
		if (o->id < XCTL_OPT_LONG_ONLY && ns < sizeof(shorts) - 3) {
			shorts[ns++] = (char)o->id;
			if (o->arg)
				shorts[ns++] = ':';
		}
		if (o->lname)
			longs[nl++] = (struct option){ o->lname, o->arg ? required_argument : no_argument, NULL, o->id };
	}
	shorts[ns] = '\0';
	memset(&longs[nl], 0, sizeof(longs[nl]));

	opterr = 0;
	int c = getopt_long(argc, argv, shorts, longs, NULL);
	*arg = optarg;
	cli->optind = optind;
	if (c == -1)
		return XCTL_GETOPT_END;
	if (c == '?') {
		if (optopt && optopt < XCTL_OPT_LONG_ONLY && optopt != '?')
			xctl_cli_usage_error(cli, "unknown option '-%c'", optopt);
		else
			xctl_cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
		return XCTL_GETOPT_ERR;
	}
	if (c == ':') {
		xctl_cli_usage_error(cli, "option '%s' needs an argument", argv[optind - 1]);
		return XCTL_GETOPT_ERR;
	}
	return c;
}

bool xctl_cli_nargs(struct xctl_cli *cli, int argc, char **argv, int min, int max)
{
	int n = argc - cli->optind;
	if (n < min) {
		xctl_cli_usage_error(cli, "missing argument");
		return false;
	}
	if (max >= 0 && n > max) {
		xctl_cli_usage_error(cli, "unexpected argument '%s'", argv[cli->optind + max]);
		return false;
	}
	return true;
}

/* The man page's command reference, in Markdown, from the table. */
static void print_markdown(FILE *out)
{
	fprintf(out, "<!-- generated by 'xctl help --markdown' from toolstack/cli/commands.c; do not edit -->\n"
		     "## COMMANDS\n");
	for (unsigned i = 0; i < xctl_ncommands; i++) {
		const struct xctl_cmd *c = &xctl_commands[i];
		fprintf(out, "\n### xctl %s %s\n\n%s.\n", c->name, c->synopsis ? c->synopsis : "", c->summary);
		if (c->description)
			fprintf(out, "\n%s\n", c->description);
		for (const struct xctl_opt *o = c->opts; o && o->id; o++) {
			fprintf(out, "%s", o == c->opts ? "\n" : "");
			if (o->id < XCTL_OPT_LONG_ONLY)
				fprintf(out, "- `-%c`%s", o->id, o->lname ? ", " : "");
			else
				fprintf(out, "- ");
			if (o->lname)
				fprintf(out, "`--%s`", o->lname);
			fprintf(out, "%s%s: %s\n", o->arg ? " " : "", o->arg ? o->arg : "", o->help);
		}
	}
}

/* The command table as JSON, for scripts and other front ends. */
static int print_json(void)
{
	struct xctl_jw *w = xctl_jw_new(true);
	if (!w)
		return XCTL_EXIT_FAIL;
	xctl_jw_obj_open(w);
	xctl_jw_kstr(w, "version", XCTL_VERSION);
	xctl_jw_key(w, "commands");
	xctl_jw_arr_open(w);
	for (unsigned i = 0; i < xctl_ncommands; i++) {
		const struct xctl_cmd *c = &xctl_commands[i];
		xctl_jw_obj_open(w);
		xctl_jw_kstr(w, "name", c->name);
		xctl_jw_kstr(w, "synopsis", c->synopsis ? c->synopsis : "");
		xctl_jw_kstr(w, "summary", c->summary);
		xctl_jw_kstr(w, "description", c->description);
		xctl_jw_key(w, "options");
		xctl_jw_arr_open(w);
		for (const struct xctl_opt *o = c->opts; o && o->id; o++) {
			char shortname[3] = { '-', (char)o->id, '\0' };
			xctl_jw_obj_open(w);
			xctl_jw_kstr(w, "short", o->id < XCTL_OPT_LONG_ONLY ? shortname : NULL);
			xctl_jw_kstr(w, "long", o->lname);
			xctl_jw_kstr(w, "argument", o->arg);
			xctl_jw_kstr(w, "help", o->help);
			xctl_jw_obj_close(w);
		}
		xctl_jw_arr_close(w);
		xctl_jw_obj_close(w);
	}
	xctl_jw_arr_close(w);
	xctl_jw_obj_close(w);
	const char *text;
	size_t len;
	int rc = xctl_jw_finish(w, &text, &len);
	if (!rc)
		printf("%.*s\n", (int)len, text);
	else
		fprintf(stderr, "xctl help: cannot write JSON: %s\n", xctl_strerror(rc));
	xctl_jw_free(w);
	return rc ? XCTL_EXIT_FAIL : XCTL_EXIT_OK;
}

int cmd_help(struct xctl_cli *cli, int argc, char **argv)
{
	(void)cli;
	if (argc == 2 && !strcmp(argv[1], "--markdown")) {
		print_markdown(stdout);
		return XCTL_EXIT_OK;
	}
	if (argc == 2 && !strcmp(argv[1], "--json"))
		return print_json();
	if (argc <= 1) {
		print_usage(stdout);
		return XCTL_EXIT_OK;
	}
	const struct xctl_cmd *c = find_cmd(argc - 1, argv + 1);
	if (c && name_words(c->name) == (size_t)(argc - 1)) {
		xctl_cli_print_cmd_help(c, stdout);
		return XCTL_EXIT_OK;
	}
	if (argc == 2 && is_group(argv[1])) {
		print_group(argv[1], stdout);
		return XCTL_EXIT_OK;
	}
	fprintf(stderr, "xctl help: no command '%s'; 'xctl help' lists them\n", argv[1]);
	return XCTL_EXIT_USAGE;
}

int cmd_completion(struct xctl_cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	/* bash completion generated from the table: first words, then
	 * subcommands, then each command's long options. */
	printf("# bash completion for xctl, generated by 'xctl completion'\n"
	       "_xctl() {\n"
	       "  local cur=${COMP_WORDS[COMP_CWORD]} cmd=\"${COMP_WORDS[*]:1:COMP_CWORD-1}\"\n"
	       "  case \"$cmd\" in\n"
	       "  '') COMPREPLY=($(compgen -W \"-v -N -f --help --version");
	for (unsigned i = 0; i < xctl_ncommands; i++) {
		const char *n = xctl_commands[i].name;
		size_t first = strcspn(n, " ");
		bool seen = false;
		for (unsigned j = 0; j < i; j++)
			if (!strncmp(xctl_commands[j].name, n, first) &&
			    (xctl_commands[j].name[first] == ' ' || !xctl_commands[j].name[first]))
				seen = true;
		if (!seen)
			printf(" %.*s", (int)first, n);
	}
	printf("\" -- \"$cur\")) ;;\n");
	for (unsigned i = 0; i < xctl_ncommands; i++) {
		const struct xctl_cmd *c = &xctl_commands[i];
		size_t len = strcspn(c->name, " ");
		bool first_of_group = c->name[len] == ' ';
		for (unsigned j = 0; j < i && first_of_group; j++)
			if (!strncmp(xctl_commands[j].name, c->name, len) && xctl_commands[j].name[len] == ' ')
				first_of_group = false;
		if (first_of_group) {
			printf("  '%.*s') COMPREPLY=($(compgen -W \"", (int)len, c->name);
			for (unsigned j = 0; j < xctl_ncommands; j++)
				if (!strncmp(xctl_commands[j].name, c->name, len) && xctl_commands[j].name[len] == ' ')
					printf(" %s", xctl_commands[j].name + len + 1);
			printf("\" -- \"$cur\")) ;;\n");
		}
		printf("  '%s'*) COMPREPLY=($(compgen -f -W \"--help", c->name);
		for (const struct xctl_opt *o = c->opts; o && o->id; o++)
			if (o->lname)
				printf(" --%s", o->lname);
		printf("\" -- \"$cur\")) ;;\n");
	}
	printf("  esac\n}\ncomplete -F _xctl xctl\n");
	return XCTL_EXIT_OK;
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return false;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	struct xctl_cli cli = { .prog = "xctl" };
	int i = 1;

	xctl_log_init(&cli.log, "xctl", XCTL_LOG_WARN);
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "--version")) {
			printf("xctl %s\n", XCTL_VERSION);
			return XCTL_EXIT_OK;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			print_usage(stdout);
			return XCTL_EXIT_OK;
		}
		if (a[1] == '-') {
			fprintf(stderr, "xctl: unknown global option '%s' (see 'xctl help')\n", a);
			return XCTL_EXIT_USAGE;
		}
		for (const char *p = a + 1; *p; p++) {
			if (*p == 'v') {
				cli.verbose++;
			} else if (*p == 'N') {
				cli.dry_run = true;
			} else if (*p == 'f') {
				if (p[1]) {
					cli.global_config = p + 1;
				} else if (i + 1 < argc) {
					cli.global_config = argv[++i];
				} else {
					fprintf(stderr, "xctl: option '-f' needs a FILE argument\n");
					return XCTL_EXIT_USAGE;
				}
				break;
			} else {
				fprintf(stderr, "xctl: unknown global option '-%c' (see 'xctl help')\n", *p);
				return XCTL_EXIT_USAGE;
			}
		}
	}
	cli.log.level = XCTL_LOG_WARN + cli.verbose;
	if (i >= argc) {
		print_usage(stderr);
		return XCTL_EXIT_USAGE;
	}

	int cargc = argc - i;
	char **cargv = argv + i;
	const struct xctl_cmd *cmd = find_cmd(cargc, cargv);
	if (!cmd) {
		if (is_group(cargv[0])) {
			if (cargc > 1 && cargv[1][0] != '-')
				fprintf(stderr, "xctl: '%s %s' is not a command\n", cargv[0], cargv[1]);
			print_group(cargv[0], cargc > 1 && cargv[1][0] != '-' ? stderr : stdout);
			return cargc > 1 && cargv[1][0] != '-' ? XCTL_EXIT_USAGE : XCTL_EXIT_OK;
		}
		const char *names[256];
		unsigned n = 0;
		for (unsigned k = 0; k < xctl_ncommands && n < 256; k++)
			names[n++] = xctl_commands[k].name;
		const char *guess = xctl_suggest(cargv[0], names, n);
		fprintf(stderr, "xctl: '%s' is not a command.", cargv[0]);
		if (guess)
			fprintf(stderr, " Did you mean '%s'?", guess);
		fprintf(stderr, "\n'xctl help' lists the commands.\n");
		return XCTL_EXIT_USAGE;
	}
	size_t words = name_words(cmd->name);
	cli.cmd = cmd;
	/* the command sees its own name as argv[0] */
	cargc -= (int)words - 1;
	cargv += words - 1;
	if (wants_help(cargc, cargv)) {
		xctl_cli_print_cmd_help(cmd, stdout);
		return XCTL_EXIT_OK;
	}
	optind = 0; /* reinitialise getopt for the command */
	return cmd->fn(&cli, cargc, cargv);
}
