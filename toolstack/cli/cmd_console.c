/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl console [-t pv|serial] [-n NUM] DOMAIN, as xl console. */
#include "toolstack/cli/commands.h"
#include "toolstack/cli/lifecycle.h"
#include "common/err.h"
#include "common/util.h"

#include <stdio.h>
#include <string.h>

int cmd_console(struct xctl_cli *cli, int argc, char **argv)
{
	const char *arg, *type = NULL;
	int c, st, num = 0;
	while ((c = xctl_cli_getopt(cli, argc, argv, &arg)) != XCTL_GETOPT_END) {
		switch (c) {
		case 't':
			if (strcmp(arg, "pv") && strcmp(arg, "serial")) {
				fprintf(stderr, "console type supported are: pv, serial\n");
				return XCTL_EXIT_FAIL;
			}
			type = arg;
			break;
		case 'n': {
			uint64_t n;
			if (xctl_parse_u64(arg, 10, 255, &n))
				return xctl_cli_usage_error(cli, "-n needs a console number (0 to 255)");
			num = (int)n;
			break;
		}
		default:
			return XCTL_EXIT_USAGE;
		}
	}
	if (!xctl_cli_nargs(cli, argc, argv, 1, 1))
		return XCTL_EXIT_USAGE;
	struct xctl_core *core;
	uint32_t domid;
	if ((st = xctl_cli_core_domain(cli, argv[cli->optind], &core, &domid)))
		return st;
	if (core->hv->ops->console(core->hv, domid, type ? type : "pv", num))
		st = XCTL_EXIT_FAIL;
	xctl_core_close(core);
	return st;
}
