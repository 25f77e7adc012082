/* SPDX-License-Identifier: LGPL-2.1-only */
/* Handlers of the commands in the table (commands.c). */
#ifndef XCTL_COMMANDS_H
#define XCTL_COMMANDS_H

#include "toolstack/cli/cli.h"

/* Ids of the long-only options in the table (XCTL_OPT_LONG_ONLY + n), for
 * the handlers to compare with what xctl_cli_getopt() returns. */
enum {
	OPT_STRICT = XCTL_OPT_LONG_ONLY,
	OPT_PHASE,
	OPT_AFTER_DESTROY,
	OPT_JSON,
	OPT_SEED,
	OPT_LIBXL,
	OPT_SIM_DIR,
	OPT_SIM_MEMORY,
	OPT_SIM_CPUS,
	OPT_TIMEOUT,
	OPT_SUBST,
	OPT_ALLOW,
};

int cmd_help(struct xctl_cli *cli, int argc, char **argv);
int cmd_completion(struct xctl_cli *cli, int argc, char **argv);
int cmd_create(struct xctl_cli *cli, int argc, char **argv);
int cmd_config_check(struct xctl_cli *cli, int argc, char **argv);
int cmd_schema_check(struct xctl_cli *cli, int argc, char **argv);
int cmd_schema_show(struct xctl_cli *cli, int argc, char **argv);
int cmd_schema_normalise(struct xctl_cli *cli, int argc, char **argv);
int cmd_schema_diff(struct xctl_cli *cli, int argc, char **argv);
int cmd_sim_start(struct xctl_cli *cli, int argc, char **argv);
int cmd_sim_stop(struct xctl_cli *cli, int argc, char **argv);
int cmd_sim_status(struct xctl_cli *cli, int argc, char **argv);
/* the domain lifecycle (cmd_list.c, cmd_domain.c, cmd_vcpu.c, cmd_console.c) */
int cmd_list(struct xctl_cli *cli, int argc, char **argv);
int cmd_info(struct xctl_cli *cli, int argc, char **argv);
int cmd_uptime(struct xctl_cli *cli, int argc, char **argv);
int cmd_dmesg(struct xctl_cli *cli, int argc, char **argv);
int cmd_domid(struct xctl_cli *cli, int argc, char **argv);
int cmd_domname(struct xctl_cli *cli, int argc, char **argv);
int cmd_destroy(struct xctl_cli *cli, int argc, char **argv);
int cmd_pause(struct xctl_cli *cli, int argc, char **argv);
int cmd_unpause(struct xctl_cli *cli, int argc, char **argv);
int cmd_shutdown(struct xctl_cli *cli, int argc, char **argv);
int cmd_reboot(struct xctl_cli *cli, int argc, char **argv);
int cmd_sysrq(struct xctl_cli *cli, int argc, char **argv);
int cmd_rename(struct xctl_cli *cli, int argc, char **argv);
int cmd_mem_set(struct xctl_cli *cli, int argc, char **argv);
int cmd_mem_max(struct xctl_cli *cli, int argc, char **argv);
int cmd_vcpu_list(struct xctl_cli *cli, int argc, char **argv);
int cmd_vcpu_set(struct xctl_cli *cli, int argc, char **argv);
int cmd_vcpu_pin(struct xctl_cli *cli, int argc, char **argv);
int cmd_console(struct xctl_cli *cli, int argc, char **argv);
int cmd_monitor(struct xctl_cli *cli, int argc, char **argv);
/* devices of a running domain (cmd_device.c) */
int cmd_block_attach(struct xctl_cli *cli, int argc, char **argv);
int cmd_block_detach(struct xctl_cli *cli, int argc, char **argv);
int cmd_block_list(struct xctl_cli *cli, int argc, char **argv);
int cmd_network_attach(struct xctl_cli *cli, int argc, char **argv);
int cmd_network_detach(struct xctl_cli *cli, int argc, char **argv);
int cmd_network_list(struct xctl_cli *cli, int argc, char **argv);

#endif
