/* Temporary: handlers whose implementation is being written. Each owner
 * deletes its function from here when its real file lands. */
#include "toolstack/cli/cli.h"
#include "toolstack/cli/commands.h"
#include <stdio.h>

static int pending(struct xctl_cli *cli)
{
	fprintf(stderr, "xctl %s: not implemented yet\n", cli->cmd->name);
	return XCTL_EXIT_FAIL;
}

int cmd_create(struct xctl_cli *cli, int argc, char **argv) { (void)argc; (void)argv; return pending(cli); }
int cmd_config_check(struct xctl_cli *cli, int argc, char **argv) { (void)argc; (void)argv; return pending(cli); }
int cmd_schema_check(struct xctl_cli *cli, int argc, char **argv) { (void)argc; (void)argv; return pending(cli); }
int cmd_schema_show(struct xctl_cli *cli, int argc, char **argv) { (void)argc; (void)argv; return pending(cli); }
