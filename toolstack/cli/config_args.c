/* SPDX-License-Identifier: LGPL-2.1-only */
/* What `xctl create` and `xctl config check` share: their arguments
 * (CONFIG [KEY=VALUE...]) and the exit status of a configuration load. */
#include "toolstack/cli/cli.h"
#include "common/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int xctl_cli_config_args_file(struct xctl_cli *cli, int argc, char **argv, const char *what, const char *file,
			      const char **path, char ***overrides, size_t *n)
{
	*path = file;
	*n = 0;
	*overrides = calloc((size_t)argc + 1, sizeof(char *));
	if (!*overrides) {
		fprintf(stderr, "xctl %s: out of memory\n", cli->cmd->name);
		return XCTL_EXIT_FAIL;
	}
	for (int i = cli->optind; i < argc; i++) {
		if (strchr(argv[i], '='))
			(*overrides)[(*n)++] = argv[i];
		else if (!*path)
			*path = argv[i];
		else
			return xctl_cli_usage_error(cli, "unexpected argument '%s' (overrides are KEY=VALUE)", argv[i]);
	}
	if (!*path)
		return xctl_cli_usage_error(cli, "missing CONFIG, %s", what);
	return XCTL_EXIT_OK;
}

int xctl_cli_config_args(struct xctl_cli *cli, int argc, char **argv, const char *what, const char **path,
			 char ***overrides, size_t *n)
{
	return xctl_cli_config_args_file(cli, argc, argv, what, NULL, path, overrides, n);
}

int xctl_cli_load_status(int rc)
{
	switch (rc) {
	case 0:
		return XCTL_EXIT_OK;
	case XCTL_ERR_CONFIG:
	case XCTL_ERR_NOTFOUND:
	case XCTL_ERR_PERM:
	case XCTL_ERR_LIMIT:
	case XCTL_ERR_INVAL:
		return XCTL_EXIT_USAGE;
	default:
		return XCTL_EXIT_FAIL;
	}
}
