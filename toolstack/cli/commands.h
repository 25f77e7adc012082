/* Handlers of the commands in the table (commands.c). */
#ifndef XCTL_COMMANDS_H
#define XCTL_COMMANDS_H

struct xctl_cli;

int cmd_help(struct xctl_cli *cli, int argc, char **argv);
int cmd_completion(struct xctl_cli *cli, int argc, char **argv);
int cmd_create(struct xctl_cli *cli, int argc, char **argv);
int cmd_config_check(struct xctl_cli *cli, int argc, char **argv);
int cmd_schema_check(struct xctl_cli *cli, int argc, char **argv);
int cmd_schema_show(struct xctl_cli *cli, int argc, char **argv);

#endif
