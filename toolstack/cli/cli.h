/* SPDX-License-Identifier: LGPL-2.1-only */
/* The xctl command line: one table of commands (commands.c) from which
 * dispatch, `xctl help`, `xctl help CMD`, `xctl CMD --help`, "did you mean"
 * and shell completion are all derived.
 *
 * Adding a command: write `int cmd_foo(struct xctl_cli *, int, char **)` in
 * a cmd_*.c file beside this one, declare it in commands.h, and add one entry
 * to the table in commands.c with its synopsis, summary and options. A name
 * of two words ("schema check") makes a subcommand. */
#ifndef XCTL_CLI_H
#define XCTL_CLI_H

#include "common/log.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes of xctl, documented in `xctl help` and docs/man/xctl.1.md. */
enum xctl_exit {
	XCTL_EXIT_OK = 0,     /* the operation succeeded */
	XCTL_EXIT_FAIL = 1,   /* the operation failed */
	XCTL_EXIT_USAGE = 2,  /* bad command line or configuration; nothing was done */
};

#define XCTL_OPT_LONG_ONLY 256 /* ids at or above this have no short letter */

struct xctl_opt {
	int id;            /* short letter, or XCTL_OPT_LONG_ONLY + n */
	const char *lname; /* long name without "--", or NULL */
	const char *arg;   /* name of the argument ("FILE"), NULL for a flag */
	const char *help;
};

struct xctl_cli;

struct xctl_cmd {
	const char *name;        /* "create", or "schema check" */
	int (*fn)(struct xctl_cli *cli, int argc, char **argv);
	const char *synopsis;    /* arguments after the name: "[OPTIONS] CONFIG [KEY=VALUE...]" */
	const char *summary;     /* one line, no final period */
	const char *description; /* more text for `xctl help CMD`, or NULL */
	const struct xctl_opt *opts; /* terminated by an entry with id 0, or NULL */
};

/* State shared by the whole invocation: global options and the logger. */
struct xctl_cli {
	const char *prog;           /* "xctl" */
	int verbose;                /* -v count */
	bool dry_run;               /* -N */
	const char *global_config;  /* -f FILE, or NULL for the default */
	int hv_kind;                /* enum xctl_hv_kind: 0 auto, or forced by --sim / --xen */
	struct xctl_log log;
	const struct xctl_cmd *cmd; /* the command being run */
	int optind;                 /* first positional argument after xctl_cli_getopt */
};

extern const struct xctl_cmd xctl_commands[];
extern const unsigned xctl_ncommands;

#define XCTL_GETOPT_END (-1)
#define XCTL_GETOPT_ERR (-2) /* a usage error, already reported */

/* Iterate the options of the running command, as getopt_long does. After
 * XCTL_GETOPT_END, cli->optind is the index of the first positional. */
int xctl_cli_getopt(struct xctl_cli *cli, int argc, char **argv, const char **optarg);
/* Check the number of positionals; reports and returns false if wrong. */
bool xctl_cli_nargs(struct xctl_cli *cli, int argc, char **argv, int min, int max);
/* Report a usage error for the running command; returns XCTL_EXIT_USAGE. */
int xctl_cli_usage_error(struct xctl_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* CONFIG [KEY=VALUE...] after the options, as xl: arguments with '=' are
 * overrides, the first one without is the file (what: what CONFIG is, for
 * the message when it is missing). Returns XCTL_EXIT_OK or the exit status
 * of a reported error; *overrides is the caller's to free either way. */
int xctl_cli_config_args(struct xctl_cli *cli, int argc, char **argv, const char *what, const char **path,
			 char ***overrides, size_t *n);
/* Exit status for the result of xctl_config_load_request(): usage for a
 * configuration that is wrong or cannot be read, failure otherwise. */
int xctl_cli_load_status(int rc);

void xctl_cli_print_cmd_help(const struct xctl_cmd *cmd, FILE *out);

#endif
