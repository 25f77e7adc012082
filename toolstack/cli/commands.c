/* SPDX-License-Identifier: LGPL-2.1-only */
/* The command table: the one place where xctl's commands are described.
 * Help, "did you mean", completion and the man page come from it. Options
 * and names follow xl 4.17 (tools/xl/xl_cmdtable.c) where xl has the
 * command; an xl option xctl does not support yet is listed with
 * XCTL_OPT_NOT_YET() so that it is refused by name. Trailing fields of an
 * entry (flags) may be left out. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "toolstack/cli/cli.h"
#include "toolstack/cli/commands.h"
#include "common/util.h"

/* xl 4.17's main_create(): "AFVcdef:inpq" and its long options */
static const struct xctl_opt create_opts[] = {
	{ XCTL_OPT_NOT_YET('c'), NULL, NULL, "connect to the console after the domain is created" },
	{ 'd', NULL, NULL, "debug: print the resolved configuration (JSON) on stderr before creating" },
	{ XCTL_OPT_NOT_YET('e'), NULL, NULL, "do not wait in the background for the death of the domain" },
	{ XCTL_OPT_NOT_YET('F'), NULL, NULL, "run in the foreground until the death of the domain" },
	{ 'f', "defconfig", "FILE", "the domain's configuration file (instead of CONFIG)" },
	{ 'n', "dryrun", NULL, "dry run: resolve the configuration, print it as JSON, create nothing (as -N)" },
	{ XCTL_OPT_NOT_YET('p'), NULL, NULL, "leave the domain paused after it is created" },
	{ 'q', "quiet", NULL, "quiet: print only errors" },
	{ XCTL_OPT_NOT_YET('V'), "vncviewer", NULL, "connect to the VNC display after the domain is created" },
	{ XCTL_OPT_NOT_YET('A'), "vncviewer-autopass", NULL, "pass the VNC password to the viewer on its stdin" },
	{ 'i', "ignore-global-affinity-masks", NULL, "ignore the global vCPU affinity masks of the global configuration" },
	{ OPT_STRICT, "strict", NULL, "treat warnings (such as unknown keys) as errors" },
	{ OPT_SEED, "seed", "N", "draw the UUID and MACs not given from seed N (else they are drawn at creation)" },
	{ OPT_LIBXL, "libxl", NULL,
	  "with -N or -n: print the libxl_domain_config xctl gives libxl, as libxl's JSON (the format of xl -N "
	  "create)" },
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

static const struct xctl_opt sim_start_opts[] = {
	{ OPT_SIM_DIR, "dir", "DIR", "the host's state directory (default $XCTL_SIM_DIR or /run/xctl/sim)" },
	{ OPT_SIM_MEMORY, "memory", "KIB", "host memory in KiB (default 16777216)" },
	{ OPT_SIM_CPUS, "cpus", "N", "host cpus (default 4)" },
	{ 0, NULL, NULL, NULL },
};

static const struct xctl_opt sim_stop_opts[] = {
	{ OPT_SIM_DIR, "dir", "DIR", "the host's state directory (default $XCTL_SIM_DIR or /run/xctl/sim)" },
	{ 0, NULL, NULL, NULL },
};

static const struct xctl_opt sim_status_opts[] = {
	{ OPT_SIM_DIR, "dir", "DIR", "the host's state directory (default $XCTL_SIM_DIR or /run/xctl/sim)" },
	{ OPT_JSON, "json", NULL, "print as JSON" },
	{ 0, NULL, NULL, NULL },
};

const struct xctl_cmd xctl_commands[] = {
	{ "create", cmd_create, "[OPTIONS] CONFIG [KEY=VALUE...]", "Create a domain from an xl.cfg file",
	  "KEY=VALUE arguments after the file override its settings, as with xl.\n"
	  "Options may come before or after the file, as with xl.\n"
	  "With -N (global) or -n the resolved configuration is printed as JSON and\n"
	  "nothing is created.",
	  create_opts, XCTL_CMD_DRYRUN | XCTL_CMD_MODIFIES },
	{ "config check", cmd_config_check, "[OPTIONS] CONFIG [KEY=VALUE...]",
	  "Check an xl.cfg file and print a summary of the resolved domain", NULL, config_check_opts,
	  XCTL_CMD_DRYRUN },
	{ "schema check", cmd_schema_check, "[OPTIONS] [FILE|-]",
	  "Check a xenstore tree dump (xenstore-ls -fp) against the schema",
	  "Exit status: 0 no violations, 1 violations found, 2 unreadable input.", schema_check_opts,
	  XCTL_CMD_DRYRUN },
	{ "schema show", cmd_schema_show, "[OPTIONS] [PATH]", "Show what the xenstore schema says about a path",
	  NULL, schema_show_opts, XCTL_CMD_DRYRUN },
	{ "sim start", cmd_sim_start, "[OPTIONS]", "Start the simulated Xen host (nothing if it is running)",
	  "Starts what is not running of xctl-xenstored, xctl-simd, xctl-consoled and\n"
	  "the backends, from the directory of xctl, in DIR (logs in DIR/log). Every\n"
	  "command that needs a host does this by itself when no Xen is present. No\n"
	  "root is needed for a directory of one's own.",
	  sim_start_opts, XCTL_CMD_MODIFIES },
	{ "sim stop", cmd_sim_stop, "[OPTIONS]", "Destroy every simulated domain and stop the simulated host", NULL,
	  sim_stop_opts, XCTL_CMD_MODIFIES },
	{ "sim status", cmd_sim_status, "[OPTIONS]", "Show the simulated host's daemons, memory and domains",
	  "Exit status: 0 when xctl-simd is running, 1 when it is not.", sim_status_opts },
	{ "completion", cmd_completion, "", "Print a bash completion script for xctl", NULL, NULL, XCTL_CMD_DRYRUN },
	{ "help", cmd_help, "[COMMAND | --json | --markdown | --man]", "Show help for xctl or one command",
	  "--json prints every command with its options as JSON; --markdown prints the\n"
	  "manual page in Markdown (docs/man/xctl.1.md), --man in roff (xctl.1).",
	  NULL, XCTL_CMD_DRYRUN },
};

const unsigned xctl_ncommands = XCTL_ARRAY_SIZE(xctl_commands);
