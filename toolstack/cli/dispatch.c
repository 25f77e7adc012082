/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl: global options and dispatch through the command table.
 *
 * The global options are xl 4.17's (tools/xl/xl.c: getopt "+vftTN"), plus
 * xctl's own long options. A name that is not in the command table but is
 * one of xl's commands is "not implemented in xctl yet" (exit 1). As xl's
 * cmdtable_lookup(), an unambiguous prefix of a command name is that
 * command. */
#include "toolstack/cli/cli.h"
#include "toolstack/cli/commands.h"
#include "toolstack/hv/hv.h"
#include "common/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef XCTL_VERSION
#define XCTL_VERSION "0.1.0"
#endif

const struct xctl_global_opt xctl_global_opts[] = {
	{ "-v", NULL, "verbose: more messages (repeat for more)" },
	{ "-f", NULL, "force execution of a command that would otherwise refuse (xl's -f)" },
	{ "-t", NULL, "show progress on one line rewritten with carriage returns" },
	{ "-T", NULL, "prefix log messages with the date, time and process id" },
	{ "-N", NULL, "dry run: show what would be done and change nothing (commands that support it)" },
	{ "--config", "FILE",
	  "xctl's global configuration, like xl.conf (default /etc/xctl/xctl.conf, or $XCTL_CONFIG)" },
	{ "--sim", NULL, "use the simulated Xen host, even where Xen is present" },
	{ "--xen", NULL, "use Xen through libxl; fail where Xen is not present" },
	{ "-h, --help", NULL, "this help" },
	{ "--version", NULL, "print the version" },
	{ NULL, NULL, NULL },
};

enum { GOPT_CONFIG = 256, GOPT_SIM, GOPT_XEN, GOPT_HELP, GOPT_VERSION };

/* Parse the global options into cli; returns the index of the command, or
 * -1 after printing (exit status in *status). */
static int parse_globals(struct xctl_cli *cli, int argc, char **argv, int *status)
{
	static const struct option longs[] = {
		{ "config", required_argument, NULL, GOPT_CONFIG }, { "sim", no_argument, NULL, GOPT_SIM },
		{ "xen", no_argument, NULL, GOPT_XEN },		    { "help", no_argument, NULL, GOPT_HELP },
		{ "version", no_argument, NULL, GOPT_VERSION },	    { NULL, 0, NULL, 0 },
	};
	int c;
	opterr = 0;
	optind = 0; /* a full reinitialisation of getopt (its state is static) */
	while ((c = getopt_long(argc, argv, "+:vftTNh", longs, NULL)) != -1) {
		switch (c) {
		case 'v':
			cli->verbose++;
			break;
		case 'f':
			cli->force = true;
			break;
		case 't':
			cli->progress_cr = true;
			break;
		case 'T':
			cli->timestamps = true;
			break;
		case 'N':
			cli->dry_run = true;
			break;
		case GOPT_CONFIG:
			cli->global_config = optarg;
			break;
		case GOPT_SIM:
		case GOPT_XEN:
			if (cli->hv_kind != XCTL_HV_AUTO && cli->hv_kind != (c == GOPT_SIM ? XCTL_HV_SIM : XCTL_HV_XEN)) {
				fprintf(stderr, "xctl: --sim and --xen exclude each other; give one\n");
				*status = XCTL_EXIT_USAGE;
				return -1;
			}
			cli->hv_kind = c == GOPT_SIM ? XCTL_HV_SIM : XCTL_HV_XEN;
			break;
		case 'h':
		case GOPT_HELP:
			xctl_cli_print_usage(stdout);
			*status = XCTL_EXIT_OK;
			return -1;
		case GOPT_VERSION:
			printf("xctl %s\n", XCTL_VERSION);
			*status = XCTL_EXIT_OK;
			return -1;
		case ':':
			fprintf(stderr, "xctl: option '%s' needs a FILE argument (see 'xctl help')\n", argv[optind - 1]);
			*status = XCTL_EXIT_USAGE;
			return -1;
		default:
			if (optopt && optopt < 256)
				fprintf(stderr, "xctl: unknown global option '-%c' (see 'xctl help')\n", optopt);
			else
				fprintf(stderr, "xctl: unknown global option '%s' (see 'xctl help')\n", argv[optind - 1]);
			*status = XCTL_EXIT_USAGE;
			return -1;
		}
	}
	if (!cli->global_config) {
		const char *env = getenv("XCTL_CONFIG");
		if (env && *env)
			cli->global_config = env;
	}
	if (optind >= argc) {
		/* as xl: no command is an error, with the usage */
		xctl_cli_print_usage(stderr);
		*status = XCTL_EXIT_USAGE;
		return -1;
	}
	return optind;
}

static bool is_xl_command(const char *name)
{
	for (const char *const *x = xctl_xl_command_names; *x; x++)
		if (!strcmp(*x, name))
			return true;
	return false;
}

/* As xl's cmdtable_lookup(): the one command name (first words of xctl's
 * commands, and xl's names) that word is a prefix of, into buf; false when
 * none or several. */
static bool unique_prefix(const char *word, char *buf, size_t size)
{
	size_t len = strlen(word);
	unsigned count = 0;
	for (unsigned i = 0; i < xctl_ncommands; i++) {
		const char *n = xctl_commands[i].name;
		size_t flen = strcspn(n, " ");
		if (flen < len || strncmp(n, word, len))
			continue;
		if (count && strlen(buf) == flen && !strncmp(buf, n, flen))
			continue; /* the same first word again (a group) */
		count++;
		snprintf(buf, size, "%.*s", (int)flen, n);
	}
	for (const char *const *x = xctl_xl_command_names; *x; x++) {
		if (strncmp(*x, word, len))
			continue;
		char *argv[1] = { (char *)*x };
		if (xctl_cli_find(1, argv))
			continue; /* counted above */
		count++;
		snprintf(buf, size, "%s", *x);
	}
	return count == 1;
}

int xctl_cli_main(int argc, char **argv)
{
	struct xctl_cli cli = { .prog = "xctl", .progress_last = -1 };
	int status = XCTL_EXIT_OK;
	char full[64];

	xctl_log_init(&cli.log, "xctl", XCTL_LOG_WARN);
	int i = parse_globals(&cli, argc, argv, &status);
	if (i < 0)
		return status;
	cli.log.level = XCTL_LOG_WARN + cli.verbose;
	cli.log.timestamps = cli.timestamps;
	cli.log.show_pid = cli.timestamps;

	int cargc = argc - i;
	char **cargv = argv + i;
	const struct xctl_cmd *cmd = xctl_cli_find(cargc, cargv);
	if (!cmd && !xctl_cli_is_group(cargv[0]) && !is_xl_command(cargv[0])) {
		if (unique_prefix(cargv[0], full, sizeof(full))) {
			cargv[0] = full;
			cmd = xctl_cli_find(cargc, cargv);
		}
	}
	if (!cmd) {
		if (xctl_cli_is_group(cargv[0])) {
			/* a bare group is a usage error, like a command without its arguments */
			if (cargc > 1 && cargv[1][0] != '-')
				fprintf(stderr, "xctl: '%s %s' is not a command\n", cargv[0], cargv[1]);
			else
				fprintf(stderr, "xctl: '%s' needs a subcommand\n", cargv[0]);
			xctl_cli_print_group(cargv[0], stderr);
			return XCTL_EXIT_USAGE;
		}
		if (is_xl_command(cargv[0])) {
			fprintf(stderr, "xctl: '%s': xl command not implemented in xctl yet\n", cargv[0]);
			return XCTL_EXIT_FAIL;
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
	size_t words = xctl_cli_name_words(cmd->name);
	cli.cmd = cmd;
	/* the command sees its own name as argv[0] */
	cargc -= (int)words - 1;
	cargv += words - 1;
	for (int k = 1; k < cargc && strcmp(cargv[k], "--"); k++) {
		if (!strcmp(cargv[k], "--help") || !strcmp(cargv[k], "-h")) {
			xctl_cli_print_cmd_help(cmd, stdout);
			return XCTL_EXIT_OK;
		}
	}
	if (cli.dry_run && !(cmd->flags & XCTL_CMD_DRYRUN)) {
		/* as xl: "command does not implement -N (dryrun) option" */
		fprintf(stderr, "xctl %s: the command does not implement -N (dry run); nothing was done\n", cmd->name);
		return XCTL_EXIT_USAGE;
	}
	optind = 0; /* reinitialise getopt for the command */
	return cmd->fn(&cli, cargc, cargv);
}
