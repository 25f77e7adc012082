/* SPDX-License-Identifier: LGPL-2.1-only */
/* Per-command options from the command table, parsed as xl parses them
 * (getopt_long with permutation: options before or after the positionals). */
#include "toolstack/cli/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

/* The table entry getopt_long returned: a short letter or a long option's id. */
static const struct xctl_opt *opt_of(const struct xctl_cmd *cmd, int c, int longindex, const struct option *longs)
{
	if (longindex >= 0)
		c = longs[longindex].val;
	for (const struct xctl_opt *o = cmd->opts; o && o->id; o++)
		if (o->id == c || (c < XCTL_OPT_LONG_ONLY && XCTL_OPT_LETTER(o->id) == c))
			return o;
	return NULL;
}

static void opt_name(const struct xctl_opt *o, char *buf, size_t len)
{
	int letter = XCTL_OPT_LETTER(o->id);
	if (letter && o->lname)
		snprintf(buf, len, "'-%c' (--%s)", letter, o->lname);
	else if (letter)
		snprintf(buf, len, "'-%c'", letter);
	else
		snprintf(buf, len, "'--%s'", o->lname ? o->lname : "?");
}

int xctl_cli_getopt(struct xctl_cli *cli, int argc, char **argv, const char **arg)
{
	struct option longs[64];
	char shorts[160];
	size_t nl = 0, ns = 0;

	shorts[ns++] = ':'; /* report a missing argument distinctly */
	for (const struct xctl_opt *o = cli->cmd->opts; o && o->id && nl < 62; o++) {
		int letter = XCTL_OPT_LETTER(o->id);
		if (letter && ns < sizeof(shorts) - 3) {
			shorts[ns++] = (char)letter;
			if (o->arg)
				shorts[ns++] = ':';
		}
		if (o->lname)
			longs[nl++] = (struct option){ o->lname, o->arg ? required_argument : no_argument, NULL, o->id };
	}
	shorts[ns] = '\0';
	memset(&longs[nl], 0, sizeof(longs[nl]));

	opterr = 0;
	int longindex = -1;
	int c = getopt_long(argc, argv, shorts, longs, &longindex);
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
	const struct xctl_opt *o = opt_of(cli->cmd, c, longindex, longs);
	if (o && (o->id & XCTL_OPT_NOT_YET_BIT)) {
		char name[96];
		opt_name(o, name, sizeof(name));
		fprintf(stderr, "xctl %s: option %s is not supported by xctl yet (xl's: %s); nothing was done\n",
			cli->cmd->name, name, o->help);
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
