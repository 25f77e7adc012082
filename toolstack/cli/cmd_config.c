/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl config check: resolve an xl.cfg file as `xctl create -n` does and
 * print a readable summary (or, with --json, the model as JSON). Exit 0
 * when the configuration is valid, 2 when it is not. */
#include "toolstack/cli/cli.h"
#include "toolstack/cli/commands.h"
#include "toolstack/config/load.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_config_check(struct xctl_cli *cli, int argc, char **argv)
{
	const char *arg;
	int c, status = XCTL_EXIT_OK;
	bool strict = false, json = false, seeded = false;
	uint64_t seed = 0;
	struct xctl_global_config g;
	struct xctl_domain_config m;
	struct xctl_diags d;
	char *text = NULL;
	char **overrides = NULL;

	while ((c = xctl_cli_getopt(cli, argc, argv, &arg)) != XCTL_GETOPT_END) {
		if (c == OPT_STRICT)
			strict = true;
		else if (c == OPT_JSON)
			json = true;
		else if (c == OPT_SEED && !xctl_parse_u64(arg, 0, UINT64_MAX, &seed))
			seeded = true;
		else if (c == OPT_SEED)
			return xctl_cli_usage_error(cli, "--seed %s: not a number (allowed: 0 to %llu)", arg,
						    (unsigned long long)UINT64_MAX);
		else
			return XCTL_EXIT_USAGE;
	}
	struct xctl_config_request r = { .global_path = cli->global_config, .strict = strict, .seed = seed,
					 .seeded = seeded };
	status = xctl_cli_config_args(cli, argc, argv, "the xl.cfg file to check", &r.path, &overrides, &r.noverrides);
	if (status) {
		free(overrides);
		return status;
	}
	r.overrides = overrides;
	xctl_diags_init(&d);
	int rc = xctl_config_load_request(&r, &g, &m, &d);
	xctl_diags_print(&d, stderr);
	if (rc) {
		status = xctl_cli_load_status(rc);
		if (d.n)
			fprintf(stderr, "%s: not valid (%zu error%s)\n", r.path, d.nerrors, d.nerrors == 1 ? "" : "s");
		else /* nothing in the diagnostics, e.g. out of memory: say what went wrong */
			fprintf(stderr, "xctl config check: %s: %s\n", r.path, xctl_strerror(rc));
		goto out;
	}
	if (json) {
		rc = xctl_model_to_json_string(&m, true, &text);
		if (rc) {
			fprintf(stderr, "xctl config check: cannot write JSON: %s\n", xctl_strerror(rc));
			status = XCTL_EXIT_FAIL;
			goto out;
		}
		printf("%s\n", text);
		goto out;
	}
	xctl_model_summary(stdout, &m, r.path);
	printf("  %-10s %s\n", "global", g.source ? g.source : "built-in values (no global configuration file)");
	printf("  %-10s valid, %zu warning%s\n", "result", d.nwarnings, d.nwarnings == 1 ? "" : "s");
out:
	free(text);
	free(overrides);
	xctl_diags_free(&d);
	xctl_model_dispose(&m);
	xctl_global_dispose(&g);
	return status;
}
