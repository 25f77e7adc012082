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
	{ 'c', NULL, NULL, "connect to the console after the domain is created" },
	{ 'd', NULL, NULL, "debug: print the resolved configuration (JSON) on stderr before creating" },
	{ 'e', NULL, NULL, "do not wait in the background for the death of the domain" },
	{ 'F', NULL, NULL, "run in the foreground until the death of the domain" },
	{ 'f', "defconfig", "FILE", "the domain's configuration file (instead of CONFIG)" },
	{ 'n', "dryrun", NULL, "dry run: resolve the configuration, print it as JSON, create nothing (as -N)" },
	{ 'p', NULL, NULL, "leave the domain paused after it is created" },
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

static const struct xctl_opt schema_normalise_opts[] = {
	{ OPT_SUBST, "subst", "FROM=TO", "replace FROM by TO in every value first (repeatable)" },
	{ 0, NULL, NULL, NULL },
};

static const struct xctl_opt schema_diff_opts[] = {
	{ OPT_ALLOW, "allow", "FILE", "the documented differences: lines of [-|+]PATTERN WHY" },
	{ OPT_SUBST, "subst", "FROM=TO", "replace FROM by TO in every value of both trees first (repeatable)" },
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

/* the domain lifecycle, as xl 4.17 (xl_cmdtable.c) */
static const struct xctl_opt list_opts[] = {
	{ 'l', "long", NULL, "each domain's configuration and state, as JSON" },
	{ 'v', "verbose", NULL, "add the UUID, the shutdown reason and the security label" },
	{ XCTL_OPT_NOT_YET('Z'), "context", NULL, "add the security label" },
	{ XCTL_OPT_NOT_YET('c'), "cpupool", NULL, "add the cpupool" },
	{ XCTL_OPT_NOT_YET('n'), "numa", NULL, "add the NUMA node affinity" },
	{ OPT_JSON, "json", NULL, "print the domains' state as JSON" },
	{ 0, NULL, NULL, NULL },
};

static const struct xctl_opt json_opts[] = {
	{ OPT_JSON, "json", NULL, "print as JSON" },
	{ 0, NULL, NULL, NULL },
};

static const struct xctl_opt info_opts[] = {
	{ XCTL_OPT_NOT_YET('n'), "numa", NULL, "add the NUMA topology" },
	{ OPT_JSON, "json", NULL, "print as JSON" },
	{ 0, NULL, NULL, NULL },
};

static const struct xctl_opt uptime_opts[] = {
	{ 's', NULL, NULL, "short form, as uptime(1)" },
	{ OPT_JSON, "json", NULL, "print as JSON (seconds)" },
	{ 0, NULL, NULL, NULL },
};

static const struct xctl_opt dmesg_opts[] = {
	{ 'c', "clear", NULL, "clear the hypervisor's message buffer after reading it" },
	{ 0, NULL, NULL, NULL },
};

static const struct xctl_opt destroy_opts[] = {
	{ 'f', NULL, NULL, "allow destroying domain 0 (disaggregated setups only)" },
	{ 0, NULL, NULL, NULL },
};

static const struct xctl_opt shutdown_opts[] = {
	{ 'a', "all", NULL, "every domain but domain 0" },
	{ 'w', "wait", NULL, "wait until the domain has shut down (-ww: until it is gone)" },
	{ 'F', NULL, NULL, "without PV drivers, fall back to the ACPI power (or reset) button" },
	{ OPT_TIMEOUT, "timeout", "SECONDS", "with -w, give up after SECONDS (exit status 1)" },
	{ 0, NULL, NULL, NULL },
};

static const struct xctl_opt vcpu_set_opts[] = {
	{ 'i', "ignore-host", NULL, "allow more vcpus than the host has cpus" },
	{ 0, NULL, NULL, NULL },
};

static const struct xctl_opt vcpu_pin_opts[] = {
	{ 'f', "force", NULL, "also change the affinity set by the configuration" },
	{ 'i', "ignore-global-affinity-masks", NULL, "ignore the global affinity masks" },
	{ 0, NULL, NULL, NULL },
};

static const struct xctl_opt console_opts[] = {
	{ 't', NULL, "TYPE", "the console: pv or serial" },
	{ 'n', NULL, "NUM", "the number of the console" },
	{ 0, NULL, NULL, NULL },
};

/* devices, as xl 4.17's block-* and network-* (xl_cmdtable.c) */
static const struct xctl_opt block_detach_opts[] = {
	{ 'f', "force", NULL, "do not wait for the domain to release the device" },
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
	{ "schema normalise", cmd_schema_normalise, "[OPTIONS] [FILE|-]",
	  "Print a xenstore tree dump with its per-run values replaced by tokens",
	  "Guest domain ids become $D1, $D2..., UUIDs $U1..., MACs $M1..., event\n"
	  "channels $PORT, grant references $GREF, frames $FRAME, times $TIME, the\n"
	  "device model's pid $PID, ttys $TTY; nodes are sorted by path.",
	  schema_normalise_opts, XCTL_CMD_DRYRUN },
	{ "schema diff", cmd_schema_diff, "[OPTIONS] FILE1 FILE2",
	  "Compare two xenstore tree dumps once normalised, printing the nodes that differ",
	  "Lines '- NODE' are of FILE1, '+ NODE' of FILE2, with permissions; one\n"
	  "documented by --allow ends with '# documented: WHY'.\n"
	  "Exit status: 0 no difference but documented ones, 1 other differences,\n"
	  "2 unreadable input.",
	  schema_diff_opts, XCTL_CMD_DRYRUN },
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
	{ "list", cmd_list, "[OPTIONS] [DOMAIN...]", "List the domains and their state",
	  "The columns are xl's: name, id, memory (MiB), vcpus online, state (r running,\n"
	  "b blocked, p paused, s shut down, then the reason: r reboot, s suspend,\n"
	  "c crash, w watchdog, S soft reset; d dying) and cpu time (s).",
	  list_opts, XCTL_CMD_DRYRUN },
	{ "info", cmd_info, "[OPTIONS] [NAME]", "Show information about the host",
	  "With NAME, print only the values of the lines whose name starts with NAME.", info_opts, XCTL_CMD_DRYRUN },
	{ "uptime", cmd_uptime, "[OPTIONS] [DOMAIN...]", "Show how long the domains have been running", NULL,
	  uptime_opts, XCTL_CMD_DRYRUN },
	{ "dmesg", cmd_dmesg, "[OPTIONS]", "Show the hypervisor's messages", NULL, dmesg_opts, XCTL_CMD_DRYRUN },
	{ "domid", cmd_domid, "NAME", "Print the id of the domain with this name", NULL, NULL, XCTL_CMD_DRYRUN },
	{ "domname", cmd_domname, "DOMID", "Print the name of the domain with this id", NULL, NULL, XCTL_CMD_DRYRUN },
	{ "destroy", cmd_destroy, "[OPTIONS] DOMAIN", "Terminate a domain immediately",
	  "Its devices are closed and removed, its xenstore nodes and saved configuration\n"
	  "go, and its monitor ends. A domain still being created, renamed or given a\n"
	  "device by another xctl (its monitor restarting it, say) is destroyed once that\n"
	  "operation is done (at most 60 s later; the wait is reported): a domain destroyed\n"
	  "while libxl still builds it would keep the nodes libxl goes on writing.",
	  destroy_opts, XCTL_CMD_MODIFIES },
	{ "shutdown", cmd_shutdown, "[OPTIONS] -a|DOMAIN", "Ask a domain to shut down",
	  "The guest is asked through xenstore (control/shutdown); its monitor then\n"
	  "applies on_poweroff.",
	  shutdown_opts, XCTL_CMD_MODIFIES },
	{ "reboot", cmd_reboot, "[OPTIONS] -a|DOMAIN", "Ask a domain to reboot",
	  "The guest is asked through xenstore; its monitor then applies on_reboot.", shutdown_opts,
	  XCTL_CMD_MODIFIES },
	{ "pause", cmd_pause, "DOMAIN", "Pause a domain", NULL, NULL, XCTL_CMD_MODIFIES },
	{ "unpause", cmd_unpause, "DOMAIN", "Unpause a paused domain", NULL, NULL, XCTL_CMD_MODIFIES },
	{ "sysrq", cmd_sysrq, "DOMAIN KEY", "Send a sysrq key to a domain (c crashes a Linux guest)", NULL, NULL,
	  XCTL_CMD_MODIFIES },
	{ "rename", cmd_rename, "DOMAIN NEWNAME", "Rename a domain", NULL, NULL, XCTL_CMD_MODIFIES },
	{ "mem-set", cmd_mem_set, "DOMAIN MEM", "Set a domain's memory target (balloon)",
	  "MEM is a number with an optional unit: b, k, m (the default), g or t.", NULL, XCTL_CMD_MODIFIES },
	{ "mem-max", cmd_mem_max, "DOMAIN MEM", "Set the most memory a domain may have",
	  "MEM is a number with an optional unit: b, k, m (the default), g or t.", NULL, XCTL_CMD_MODIFIES },
	{ "vcpu-list", cmd_vcpu_list, "[OPTIONS] [DOMAIN...]", "List the vcpus of domains", NULL, json_opts,
	  XCTL_CMD_DRYRUN },
	{ "vcpu-set", cmd_vcpu_set, "[OPTIONS] DOMAIN COUNT", "Set the number of online vcpus of a domain", NULL,
	  vcpu_set_opts, XCTL_CMD_MODIFIES },
	{ "vcpu-pin", cmd_vcpu_pin, "[OPTIONS] DOMAIN VCPU|all HARD [SOFT]",
	  "Set the cpu affinity of a domain's vcpus",
	  "HARD and SOFT are cpu lists (\"0-3,^2\", \"all\"); \"-\" leaves one unchanged.", vcpu_pin_opts,
	  XCTL_CMD_MODIFIES },
	{ "console", cmd_console, "[OPTIONS] DOMAIN", "Attach to a domain's console",
	  "Ctrl-] detaches. When stdin is not a terminal, what the guest prints is copied\n"
	  "until stdin ends and the console has been quiet for half a second.",
	  console_opts },
	{ "monitor", cmd_monitor, "DOMAIN", "Watch a domain and apply its on_* actions",
	  "create starts one per domain in the background (not with -e; -F keeps it in\n"
	  "the foreground). It logs to the domain's log (XCTL_LOG_DIR, default\n"
	  "/var/log/xctl/NAME.log) and ends when the domain is gone.",
	  NULL, XCTL_CMD_MODIFIES },
	{ "block-attach", cmd_block_attach, "DOMAIN DISKSPEC...", "Create a new virtual block device",
	  "DISKSPEC is a disk as in the disk= list of xl.cfg (xl-disk-configuration(5)),\n"
	  "in one argument or in several (joined with commas), e.g.\n"
	  "\"format=raw, vdev=xvdb, access=rw, target=/srv/data.img\". Returns once the\n"
	  "backend waits for the guest's frontend. With -N (global) the disk is printed\n"
	  "as libxl's JSON and nothing is attached.",
	  NULL, XCTL_CMD_DRYRUN | XCTL_CMD_MODIFIES },
	{ "block-detach", cmd_block_detach, "[OPTIONS] DOMAIN DEV", "Destroy a domain's virtual block device",
	  "DEV is the virtual device (xvdb) or its number (51728). The backend is asked to\n"
	  "close and the nodes are removed once it has; without -f the detach fails when\n"
	  "the guest does not release the disk within 10 s.",
	  block_detach_opts, XCTL_CMD_MODIFIES },
	{ "block-list", cmd_block_list, "[OPTIONS] DOMAIN...", "List virtual block devices for a domain",
	  "The columns are xl's: Vdev is the device number, BE the backend domain, handle\n"
	  "the frontend domain, state the frontend's xenbus state (4 connected), then its\n"
	  "event channel and ring reference (-1: not written) and the backend's path.",
	  json_opts },
	{ "network-attach", cmd_network_attach, "DOMAIN [VIFSPEC...]", "Create a new virtual network device",
	  "VIFSPEC is a vif as in the vif= list of xl.cfg (xl-network-configuration(5)),\n"
	  "in one argument or as several KEY=VALUE arguments. The devid, MAC and the\n"
	  "global configuration's vif defaults are filled in as xl does. With -N (global)\n"
	  "the vif is printed as libxl's JSON and nothing is attached.",
	  NULL, XCTL_CMD_DRYRUN | XCTL_CMD_MODIFIES },
	{ "network-detach", cmd_network_detach, "DOMAIN DEVID|MAC", "Destroy a domain's virtual network device",
	  NULL, NULL, XCTL_CMD_MODIFIES },
	{ "network-list", cmd_network_list, "[OPTIONS] DOMAIN...", "List virtual network interfaces for a domain",
	  "The columns are xl's: Idx the devid, BE the backend domain, the MAC, handle,\n"
	  "the frontend's xenbus state (4 connected), its event channel, tx and rx ring\n"
	  "references (-1: not written) and the backend's path.",
	  json_opts },
	{ "completion", cmd_completion, "", "Print a bash completion script for xctl", NULL, NULL, XCTL_CMD_DRYRUN },
	{ "help", cmd_help, "[COMMAND | --json | --markdown | --man]", "Show help for xctl or one command",
	  "--json prints every command with its options as JSON; --markdown prints the\n"
	  "manual page in Markdown (docs/man/xctl.1.md), --man in roff (xctl.1).",
	  NULL, XCTL_CMD_DRYRUN },
};

const unsigned xctl_ncommands = XCTL_ARRAY_SIZE(xctl_commands);
