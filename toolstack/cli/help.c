/* SPDX-License-Identifier: LGPL-2.1-only */
/* Command lookup in the table, `xctl help`, `xctl help CMD` and
 * `xctl CMD --help`. */
#include "toolstack/cli/cli.h"
#include "toolstack/cli/commands.h"

#include <stdio.h>
#include <string.h>

size_t xctl_cli_name_words(const char *name)
{
	size_t n = 1;
	for (; *name; name++)
		n += *name == ' ';
	return n;
}

/* Does argv[0..] start with the words of name? */
static bool name_matches(const char *name, int argc, char **argv)
{
	size_t words = xctl_cli_name_words(name);
	if ((size_t)argc < words)
		return false;
	const char *p = name;
	for (size_t i = 0; i < words; i++) {
		size_t len = strcspn(p, " ");
		if (strlen(argv[i]) != len || strncmp(argv[i], p, len))
			return false;
		p += len + (p[len] == ' ');
	}
	return true;
}

const struct xctl_cmd *xctl_cli_find(int argc, char **argv)
{
	const struct xctl_cmd *best = NULL;
	for (unsigned i = 0; i < xctl_ncommands; i++) {
		const struct xctl_cmd *c = &xctl_commands[i];
		if (name_matches(c->name, argc, argv) &&
		    (!best || xctl_cli_name_words(c->name) > xctl_cli_name_words(best->name)))
			best = c;
	}
	return best;
}

/* Commands whose name starts with the word "group " */
bool xctl_cli_is_group(const char *word)
{
	size_t len = strlen(word);
	for (unsigned i = 0; i < xctl_ncommands; i++)
		if (!strncmp(xctl_commands[i].name, word, len) && xctl_commands[i].name[len] == ' ')
			return true;
	return false;
}

void xctl_cli_print_group(const char *group, FILE *out)
{
	size_t len = strlen(group);
	fprintf(out, "'%s' commands:\n", group);
	for (unsigned i = 0; i < xctl_ncommands; i++) {
		const struct xctl_cmd *c = &xctl_commands[i];
		if (!strncmp(c->name, group, len) && c->name[len] == ' ')
			fprintf(out, "  %-22s %s\n", c->name, c->summary);
	}
}

void xctl_cli_print_usage(FILE *out)
{
	fprintf(out, "usage: xctl [-vftTN] [--config FILE] [--sim|--xen] COMMAND [ARGS]\n"
		     "\n"
		     "xctl manages Xen guests: create, configure and destroy PV, PVH and HVM\n"
		     "domains, like xl. Without a Xen hypervisor it runs on a simulated host.\n"
		     "\n"
		     "Global options:\n");
	for (const struct xctl_global_opt *g = xctl_global_opts; g->name; g++) {
		char left[40];
		snprintf(left, sizeof(left), "%s%s%s", g->name, g->arg ? " " : "", g->arg ? g->arg : "");
		fprintf(out, "  %-16s %s\n", left, g->help);
	}
	fprintf(out, "\nCommands:\n");
	for (unsigned i = 0; i < xctl_ncommands; i++)
		fprintf(out, "  %-22s %s\n", xctl_commands[i].name, xctl_commands[i].summary);
	fprintf(out, "\n"
		     "Exit status: 0 success, 1 the operation failed, 2 usage or configuration error.\n"
		     "'xctl help COMMAND' or 'xctl COMMAND --help' describes one command.\n");
}

void xctl_cli_print_cmd_help(const struct xctl_cmd *cmd, FILE *out)
{
	/* as xl's help: the global options that apply to the command first */
	fprintf(out, "usage: xctl [-vtT%s%s] %s %s\n\n%s.\n", cmd->flags & XCTL_CMD_MODIFIES ? "f" : "",
		cmd->flags & XCTL_CMD_DRYRUN ? "N" : "", cmd->name, cmd->synopsis ? cmd->synopsis : "", cmd->summary);
	if (cmd->description)
		fprintf(out, "\n%s\n", cmd->description);
	fprintf(out, "\nOptions:\n");
	for (const struct xctl_opt *o = cmd->opts; o && o->id; o++) {
		char left[64];
		char shortpart[8] = "";
		int letter = XCTL_OPT_LETTER(o->id);
		if (letter)
			snprintf(shortpart, sizeof(shortpart), "-%c", letter);
		snprintf(left, sizeof(left), "%s%s%s%s%s%s", shortpart, (shortpart[0] && o->lname) ? ", " : "",
			 o->lname ? "--" : "", o->lname ? o->lname : "", o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(out, "  %-24s %s%s\n", left, o->help,
			o->id & XCTL_OPT_NOT_YET_BIT ? " (not supported by xctl yet)" : "");
	}
	fprintf(out, "  %-24s %s\n", "-h, --help", "show this help");
}

int cmd_help(struct xctl_cli *cli, int argc, char **argv)
{
	(void)cli;
	if (argc == 2 && !strcmp(argv[1], "--markdown")) {
		xctl_cli_print_markdown(stdout);
		return XCTL_EXIT_OK;
	}
	if (argc == 2 && !strcmp(argv[1], "--man")) {
		xctl_cli_print_man(stdout);
		return XCTL_EXIT_OK;
	}
	if (argc == 2 && !strcmp(argv[1], "--json"))
		return xctl_cli_print_json(stdout);
	if (argc <= 1) {
		xctl_cli_print_usage(stdout);
		return XCTL_EXIT_OK;
	}
	const struct xctl_cmd *c = xctl_cli_find(argc - 1, argv + 1);
	if (c && xctl_cli_name_words(c->name) == (size_t)(argc - 1)) {
		xctl_cli_print_cmd_help(c, stdout);
		return XCTL_EXIT_OK;
	}
	if (argc == 2 && xctl_cli_is_group(argv[1])) {
		xctl_cli_print_group(argv[1], stdout);
		return XCTL_EXIT_OK;
	}
	for (const char *const *x = xctl_xl_command_names; argc == 2 && *x; x++) {
		if (!strcmp(*x, argv[1])) {
			fprintf(stderr, "xctl help: '%s' is an xl command not implemented in xctl yet\n", argv[1]);
			return XCTL_EXIT_FAIL;
		}
	}
	fprintf(stderr, "xctl help: no command '%s'; 'xctl help' lists them\n", argv[1]);
	return XCTL_EXIT_USAGE;
}
