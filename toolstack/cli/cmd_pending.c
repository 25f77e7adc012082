/* Temporary: handlers whose implementation is being written. Each owner
 * deletes its function from here when its real file lands. */
#include "toolstack/cli/cli.h"
#include "toolstack/cli/commands.h"
#include <stdio.h>

__attribute__((unused)) static int pending(struct xctl_cli *cli)
{
	fprintf(stderr, "xctl %s: not implemented yet\n", cli->cmd->name);
	return XCTL_EXIT_FAIL;
}

