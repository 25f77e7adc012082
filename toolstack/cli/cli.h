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
/* An option of xl's that xctl does not support yet: listed in the table (so
 * help, the man page and completion show it), refused by name when given.
 * { XCTL_OPT_NOT_YET('V'), "vncviewer", NULL, "..." } */
#define XCTL_OPT_NOT_YET_BIT 0x10000
#define XCTL_OPT_NOT_YET(id) ((id) | XCTL_OPT_NOT_YET_BIT)
/* The short letter of an option id, or 0 for a long-only option. */
#define XCTL_OPT_LETTER(id) (((id) & ~XCTL_OPT_NOT_YET_BIT) < XCTL_OPT_LONG_ONLY ? ((id) & ~XCTL_OPT_NOT_YET_BIT) : 0)

struct xctl_opt {
	int id;            /* short letter, or XCTL_OPT_LONG_ONLY + n; XCTL_OPT_NOT_YET() */
	const char *lname; /* long name without "--", or NULL */
	const char *arg;   /* name of the argument ("FILE"), NULL for a flag */
	const char *help;
};

struct xctl_cli;

/* Flags of a command (xl's cmd_spec has the same two). */
enum {
	XCTL_CMD_DRYRUN = 1 << 0,   /* honours the global -N; without it -N is refused */
	XCTL_CMD_MODIFIES = 1 << 1, /* changes something, so the global -f (force) may matter */
};

/* Positional arguments are completed as file names when the synopsis names
 * a CONFIG, FILE or DIR. Entries of the table may leave trailing fields out
 * (commands.c does not warn about missing initializers). */
struct xctl_cmd {
	const char *name;        /* "create", or "schema check" */
	int (*fn)(struct xctl_cli *cli, int argc, char **argv);
	const char *synopsis;    /* arguments after the name: "[OPTIONS] CONFIG [KEY=VALUE...]" */
	const char *summary;     /* one line, no final period */
	const char *description; /* more text for `xctl help CMD`, or NULL */
	const struct xctl_opt *opts; /* terminated by an entry with id 0, or NULL */
	unsigned flags;          /* XCTL_CMD_* */
};


/* State shared by the whole invocation: global options and the logger.
 * The global options are xl 4.17's (-v -f -t -T -N) plus xctl's own long
 * options (--config FILE, --sim, --xen). */
struct xctl_cli {
	const char *prog;           /* "xctl" */
	int verbose;                /* -v count */
	bool dry_run;               /* -N */
	bool force;                 /* -f: force execution (xl's meaning) */
	bool progress_cr;           /* -t: progress lines rewritten with carriage returns */
	bool timestamps;            /* -T: date and pid before every log line */
	int hv_kind;                /* enum xctl_hv_kind (hv.h): 0 auto, or forced by --sim / --xen */
	const char *global_config;  /* --config FILE, else $XCTL_CONFIG, else NULL for the default */
	struct xctl_log log;
	const struct xctl_cmd *cmd; /* the command being run */
	int optind;                 /* first positional argument after xctl_cli_getopt */
	/* progress state (xctl_cli_progress) */
	int progress_len;           /* characters of the progress line on screen (-t) */
	int progress_last;          /* last percentage shown, -1 before the first */
};

extern const struct xctl_cmd xctl_commands[];
extern const unsigned xctl_ncommands;

/* The global options, as data for the usage text, the man page and the
 * completion script (main.c parses them). */
struct xctl_global_opt {
	const char *name; /* "-v", "--config" */
	const char *arg;  /* "FILE", or NULL */
	const char *help;
};
extern const struct xctl_global_opt xctl_global_opts[]; /* terminated by a NULL name */

#define XCTL_GETOPT_END (-1)
#define XCTL_GETOPT_ERR (-2) /* a usage error, already reported */

/* Iterate the options of the running command, as getopt_long does and as xl
 * does: options may come before or after the positional arguments (`xctl
 * create cfg -c`); "--" ends them. After XCTL_GETOPT_END, argv[cli->optind..]
 * are the positionals, in their order. An option marked XCTL_OPT_NOT_YET is
 * refused here, by name. */
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
/* The same when the file may already be given by an option (create's -f
 * FILE): file, or NULL; then a positional without '=' is unexpected. */
int xctl_cli_config_args_file(struct xctl_cli *cli, int argc, char **argv, const char *what, const char *file,
			      const char **path, char ***overrides, size_t *n);
/* Exit status for the result of xctl_config_load_request(): usage for a
 * configuration that is wrong or cannot be read, failure otherwise. */
int xctl_cli_load_status(int rc);

void xctl_cli_print_cmd_help(const struct xctl_cmd *cmd, FILE *out);
void xctl_cli_print_usage(FILE *out);
/* The manual page, from the tables: roff (man -l), Markdown, or the command
 * table as JSON. */
void xctl_cli_print_man(FILE *out);
void xctl_cli_print_markdown(FILE *out);
int xctl_cli_print_json(FILE *out);
/* The bash completion script, from the tables. */
void xctl_cli_print_completion(FILE *out);
/* Parse the global options, find the command and run it: xctl's main(). */
int xctl_cli_main(int argc, char **argv);
/* Command lookup shared by dispatch, help and completion. */
size_t xctl_cli_name_words(const char *name);
const struct xctl_cmd *xctl_cli_find(int argc, char **argv);
bool xctl_cli_is_group(const char *word);
void xctl_cli_print_group(const char *group, FILE *out);

/* Report the progress of a long wait, as xl's logger does: on a line of its
 * own each 5%, or with -t one line rewritten in place with carriage returns
 * (ended with a newline when done == total). Printed on stderr. */
void xctl_cli_progress(struct xctl_cli *cli, const char *doing, unsigned long done, unsigned long total);
/* The same, to a given stream (for tests). */
void xctl_cli_progress_to(struct xctl_cli *cli, FILE *out, const char *doing, unsigned long done,
			  unsigned long total);

/* xl 4.17's command names (tools/xl/xl_cmdtable.c), consulted only when the
 * command table has no entry: such a command is "not implemented in xctl
 * yet". NULL-terminated. Adding a command to the table needs no change here. */
extern const char *const xctl_xl_command_names[];

#endif
