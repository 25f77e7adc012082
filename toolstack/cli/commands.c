/* SPDX-License-Identifier: LGPL-2.1-only */
/* The command table: the one place where xctl's commands are described.
 * Help, "did you mean", completion and the man page synopsis come from it. */
#include "toolstack/cli/cli.h"
#include "toolstack/cli/commands.h"
#include "common/util.h"

static const struct xctl_opt create_opts[] = {
	{ 'n', "dry-run", NULL, "resolve the configuration, print it as JSON, create nothing (as -N)" },
	{ 'q', "quiet", NULL, "print only errors" },
	{ OPT_STRICT, "strict", NULL, "treat warnings (such as unknown keys) as errors" },
	{ OPT_SEED, "seed", "N", "draw the UUID and MACs not given from seed N (else they are drawn at creation)" },
	{ 0, NULL, NULL, NULL },
};

static const struct xctl_opt config_check_opts[] = {
	{ OPT_STRICT, "strict", NULL, "treat warnings (such as unknown keys) as errors" },
	{ OPT_JSON, "json", NULL, "print the resolved configuration as JSON" },
	{ OPT_SEED, "seed", "N", "draw the UUID and MACs not given from seed N (else they are left unset)" },
	{ 0, NULL, NULL, NULL },
};

static const struct xctl_opt schema_check_opts[] = {
	{ OPT_PHASE, "phase", "PHASE", "require the nodes of this phase: created or connected" },
	{ OPT_AFTER_DESTROY, "after-destroy", "DOMID", "report any node left behind for domain DOMID" },
	{ OPT_JSON, "json", NULL, "print violations as JSON" },
	{ 0, NULL, NULL, NULL },
};

static const struct xctl_opt schema_show_opts[] = {
	{ OPT_JSON, "json", NULL, "print as JSON" },
	{ 0, NULL, NULL, NULL },
};

const struct xctl_cmd xctl_commands[] = {
	{ "create", cmd_create, "[OPTIONS] CONFIG [KEY=VALUE...]", "Create a domain from an xl.cfg file",
	  "KEY=VALUE arguments after the file override its settings, as with xl.\n"
	  "With -N (global) or -n the resolved configuration is printed as JSON and\n"
	  "nothing is created.",
	  create_opts },
	{ "config check", cmd_config_check, "[OPTIONS] CONFIG [KEY=VALUE...]",
	  "Check an xl.cfg file and print a summary of the resolved domain", NULL, config_check_opts },
	{ "schema check", cmd_schema_check, "[OPTIONS] [FILE|-]",
	  "Check a xenstore tree dump (xenstore-ls -fp) against the schema",
	  "Exit status: 0 no violations, 1 violations found, 2 unreadable input.", schema_check_opts },
	{ "schema show", cmd_schema_show, "[OPTIONS] [PATH]", "Show what the xenstore schema says about a path",
	  NULL, schema_show_opts },
	{ "completion", cmd_completion, "", "Print a bash completion script for xctl", NULL, NULL },
	{ "help", cmd_help, "[COMMAND | --json | --markdown]", "Show help for xctl or one command",
	  "--json prints every command with its options as JSON; --markdown prints the\n"
	  "command reference of the man page (docs/man/xctl.1.md).",
	  NULL },
};

const unsigned xctl_ncommands = XCTL_ARRAY_SIZE(xctl_commands);
