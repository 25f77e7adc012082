/* SPDX-License-Identifier: LGPL-2.1-only */
/* What the lifecycle commands (cmd_domain.c, cmd_list.c, cmd_vcpu.c,
 * cmd_console.c, create) share: opening the core for the command line's
 * choice of host, and naming a domain by name or domid as xl does. */
#ifndef XCTL_CLI_LIFECYCLE_H
#define XCTL_CLI_LIFECYCLE_H

#include "toolstack/cli/cli.h"
#include "toolstack/config/global.h"
#include "toolstack/config/model.h"
#include "toolstack/core/core.h"

/* Open the core (hv context, recovery of interrupted operations). Reports
 * the error; returns 0 or an exit status. */
int xctl_cli_core(struct xctl_cli *cli, struct xctl_core **out);
/* The domid of DOMAIN (a name, or a domid that exists). Reports xl's
 * "X is an invalid domain identifier" with the reason; returns 0 or an
 * exit status. */
int xctl_cli_domain(struct xctl_cli *cli, struct xctl_core *c, const char *arg, uint32_t *domid);

/* The options of a command that takes at most one flag (FLAG, an option
 * code of its table, or 0 for none; *set becomes true when it is given) and
 * MIN to MAX positional arguments. Returns 0 or XCTL_EXIT_USAGE. */
int xctl_cli_flag_args(struct xctl_cli *cli, int argc, char **argv, int flag, bool *set, int min, int max);
/* Open the core and find DOMAIN in it (both report their errors); on a
 * failure nothing is left open and *core is NULL. 0 or an exit status. */
int xctl_cli_core_domain(struct xctl_cli *cli, const char *name, struct xctl_core **core, uint32_t *domid);
/* The global configuration (--config, else xl.conf's place; its defaults
 * for new domains and devices) into g, initialised here and disposed by the
 * caller whatever the result (cmd_device.c). An exit status. */
int xctl_cli_load_global(struct xctl_cli *cli, struct xctl_global_config *g);

struct xctl_cli_create {
	bool paused, console, no_monitor, foreground, quiet;
};
/* Create the resolved domain m (cmd_create.c calls it once the
 * configuration is loaded); runs the monitor in the foreground with -F and
 * attaches the console with -c. Returns an exit status. */
int xctl_cli_create_domain(struct xctl_cli *cli, const struct xctl_global_config *g,
			   const struct xctl_domain_config *m, const struct xctl_cli_create *o);

/* xl's print_bitmap: "all", "none", or ranges "0-3,6". */
void xctl_cli_print_cpumap(FILE *out, const uint8_t *map, uint32_t nbytes, uint32_t ncpus);
/* xl's parse_cpurange for vcpu-pin: "all", "3", "0-3,^2", "-" is NULL. */
int xctl_cli_parse_cpus(const char *s, uint32_t ncpus, struct xctl_hv_cpumap *m);
/* xl's parse_mem_size_kb: NUMBER[tgmkb], no suffix is MiB; -1 if bad. */
int64_t xctl_cli_parse_mem_kb(const char *s);

#endif
