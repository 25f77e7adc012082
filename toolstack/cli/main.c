/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl's entry point: everything is in the command table (commands.c) and
 * the dispatcher (dispatch.c). */
#include "toolstack/cli/cli.h"

int main(int argc, char **argv)
{
	return xctl_cli_main(argc, argv);
}
