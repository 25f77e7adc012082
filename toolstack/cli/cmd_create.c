/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl create: resolve an xl.cfg file (plus KEY=VALUE overrides, as xl)
 * into a validated domain model. With -n or the global -N the model is
 * printed as JSON and nothing is touched. */
#include "toolstack/cli/cli.h"
#include "toolstack/cli/commands.h"
#include "toolstack/cli/lifecycle.h"
#include "toolstack/config/load.h"
#include "toolstack/hv/xen/xen.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Print diagnostics: all of them, or only errors when quiet. */
static void print_diags(const struct xctl_diags *d, bool quiet)
{
	for (size_t i = 0; i < d->n; i++) {
		if (quiet && d->v[i].sev == XCTL_DIAG_WARNING)
			continue;
		char *s = xctl_diag_format(&d->v[i]);
		fprintf(stderr, "%s\n", s ? s : d->v[i].msg);
		free(s);
	}
	if (d->dropped)
		fprintf(stderr, "(%zu more diagnostics not shown)\n", d->dropped);
}

int cmd_create(struct xctl_cli *cli, int argc, char **argv)
{
	const char *arg;
	int c, status;
	bool dry = cli->dry_run, quiet = false, strict = false, seeded = false, debug = false, nomasks = false,
	     libxl = false;
	uint64_t seed = 0;
	const char *file = NULL;
	struct xctl_global_config g;
	struct xctl_domain_config m;
	struct xctl_diags d;
	char **overrides = NULL;
	char *json = NULL;
	struct xctl_cli_create run = { 0 };

	while ((c = xctl_cli_getopt(cli, argc, argv, &arg)) != XCTL_GETOPT_END) {
		switch (c) {
		case 'n':
			dry = true;
			break;
		case 'd':
			debug = true;
			break;
		case 'f':
			file = arg;
			break;
		case 'i':
			nomasks = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'p':
			run.paused = true;
			break;
		case 'c':
			run.console = true;
			break;
		case 'e':
			run.no_monitor = true;
			break;
		case 'F':
			run.foreground = true;
			break;
		case OPT_STRICT:
			strict = true;
			break;
		case OPT_LIBXL:
			libxl = true;
			break;
		case OPT_SEED:
			if (xctl_parse_u64(arg, 0, UINT64_MAX, &seed))
				return xctl_cli_usage_error(cli, "--seed %s: not a number (allowed: 0 to %llu)", arg,
							    (unsigned long long)UINT64_MAX);
			seeded = true;
			break;
		default:
			return XCTL_EXIT_USAGE;
		}
	}
	if (libxl && !dry)
		return xctl_cli_usage_error(cli, "--libxl prints the libxl configuration of a dry run: add -N or -n");
	struct xctl_config_request r = { .global_path = cli->global_config, .creating = !dry, .strict = strict, .seed = seed,
					 .seeded = seeded, .ignore_global_masks = nomasks };
	if (!dry && !seeded) { /* a real creation draws its UUID and MACs, as xl */
		r.seed = xctl_config_random_seed();
		r.seeded = true;
	}
	status = xctl_cli_config_args_file(cli, argc, argv, "the xl.cfg file of the domain", file, &r.path,
					   &overrides, &r.noverrides);
	if (status) {
		free(overrides);
		return status;
	}
	r.overrides = overrides;
	if (!quiet) /* as xl */
		fprintf(stderr, "Parsing config from %s\n", r.path);
	xctl_diags_init(&d);
	int rc = xctl_config_load_request(&r, &g, &m, &d);
	print_diags(&d, quiet);
	status = xctl_cli_load_status(rc);
	if (rc) {
		if (rc == XCTL_ERR_CONFIG)
			fprintf(stderr, "xctl create: %s: %zu error%s in the configuration; nothing was created\n", r.path,
				d.nerrors, d.nerrors == 1 ? "" : "s");
		else if (!d.n)
			fprintf(stderr, "xctl create: %s: %s\n", r.path, xctl_strerror(rc));
		goto out;
	}
	if (dry || debug) {
		/* as xl: the configuration on stdout for a dry run, on stderr for -d */
		if (libxl && dry)
			rc = xctl_xen_libxl_json(&m, &g, &cli->log, &json);
		else
			rc = xctl_model_to_json_string(&m, true, &json);
		if (rc) {
			fprintf(stderr, "xctl create: cannot write the configuration as JSON: %s\n", xctl_strerror(rc));
			status = XCTL_EXIT_FAIL;
			goto out;
		}
		/* libxl's JSON ends with its newline already, as xl prints it */
		size_t len = strlen(json);
		fprintf(dry ? stdout : stderr, "%s%s", json, len && json[len - 1] == '\n' ? "" : "\n");
		if (dry) {
			xctl_info(&cli->log, "create: dry run of '%s', nothing was created", m.name);
			goto out;
		}
	}
	run.quiet = quiet;
	status = xctl_cli_create_domain(cli, &g, &m, &run);
out:
	free(json);
	free(overrides);
	xctl_diags_free(&d);
	xctl_model_dispose(&m);
	xctl_global_dispose(&g);
	return status;
}
