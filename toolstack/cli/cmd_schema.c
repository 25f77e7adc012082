/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl schema check [--phase P] [--after-destroy DOMID] [--json] [FILE|-]
 * xctl schema show [--json] [PATH]
 *
 * check exits 0 when the dump is clean, 1 on violations, 2 when the input
 * cannot be read (or the command line is wrong). */
#include "toolstack/cli/cli.h"
#include "toolstack/cli/commands.h"
#include "xenstore-schema/check.h"
#include "xenstore-schema/show.h"
#include "common/err.h"
#include "common/json.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

static int unreadable(bool json, const char *file, const char *msg)
{
	fprintf(stderr, "xctl schema check: %s\n", msg);
	if (json) {
		struct xctl_jw *w = xctl_jw_new(true);
		const char *text;
		size_t len;
		if (w) {
			xctl_jw_obj_open(w);
			xctl_jw_kstr(w, "file", file);
			xctl_jw_kbool(w, "ok", false);
			xctl_jw_kstr(w, "error", msg);
			xctl_jw_obj_close(w);
			if (xctl_jw_finish(w, &text, &len) == 0)
				printf("%.*s\n", (int)len, text);
			xctl_jw_free(w);
		}
	}
	return XCTL_EXIT_USAGE;
}

int cmd_schema_check(struct xctl_cli *cli, int argc, char **argv)
{
	const char *arg;
	int c;
	bool json = false;
	struct xctl_schema_opts o = { .phase = XCTL_SCHEMA_P_NONE, .after_destroy = -1 };

	while ((c = xctl_cli_getopt(cli, argc, argv, &arg)) != XCTL_GETOPT_END) {
		if (c == XCTL_GETOPT_ERR)
			return XCTL_EXIT_USAGE;
		if (c == OPT_JSON) {
			json = true;
		} else if (c == OPT_PHASE) {
			int p = xctl_schema_phase_parse(arg);
			if (p != XCTL_SCHEMA_P_CREATED && p != XCTL_SCHEMA_P_CONNECTED)
				return xctl_cli_usage_error(cli, "--phase: '%s' is not a phase; use created or connected",
							    arg);
			o.phase = (enum xctl_schema_phase)p;
		} else if (c == OPT_AFTER_DESTROY) {
			uint64_t d;
			if (xctl_parse_u64(arg, 10, 32751, &d) || d == 0)
				return xctl_cli_usage_error(cli, "--after-destroy: '%s' is not a guest domain id (1..32751)",
							    arg);
			o.after_destroy = (long)d;
		} else {
			return XCTL_EXIT_USAGE;
		}
	}
	if (!xctl_cli_nargs(cli, argc, argv, 0, 1))
		return XCTL_EXIT_USAGE;
	const char *file = cli->optind < argc ? argv[cli->optind] : "-";
	const char *name = strcmp(file, "-") ? file : "<stdin>";
	char *text = NULL;
	size_t len = 0;
	int rc = xctl_read_file(file, XCTL_XSDUMP_MAX_BYTES, &text, &len); /* "-" is stdin */
	if (rc) {
		char msg[512];
		snprintf(msg, sizeof(msg), "cannot read %s: %s%s", name,
			 rc == XCTL_ERR_LIMIT ? "larger than the limit" : xctl_strerror(rc),
			 rc == XCTL_ERR_NOTFOUND ? " (give a file written by xenstore-ls -fp, or - for stdin)" : "");
		return unreadable(json, name, msg);
	}
	struct xctl_xsdump *d = NULL;
	char err[512] = "";
	rc = xctl_xsdump_parse(text, len, name, &d, err, sizeof(err));
	free(text);
	if (rc) {
		char msg[700];
		snprintf(msg, sizeof(msg), "%s%s", err[0] ? err : xctl_strerror(rc),
			 strstr(err, "xenstore-ls") ? "" : " (the input must be the output of xenstore-ls -fp)");
		return unreadable(json, name, msg);
	}
	struct xctl_schema_report r = { 0 };
	rc = xctl_schema_check(d, &o, &r);
	int status;
	if (rc) {
		fprintf(stderr, "xctl schema check: %s\n", xctl_strerror(rc));
		status = XCTL_EXIT_USAGE;
	} else {
		if (json)
			rc = xctl_schema_report_json(&r, d, &o, stdout);
		else
			xctl_schema_report_text(&r, d, &o, stdout);
		status = rc ? XCTL_EXIT_USAGE : (r.n + r.dropped ? XCTL_EXIT_FAIL : XCTL_EXIT_OK);
	}
	xctl_schema_report_free(&r);
	xctl_xsdump_free(d);
	return status;
}

int cmd_schema_show(struct xctl_cli *cli, int argc, char **argv)
{
	const char *arg;
	int c;
	bool json = false;
	while ((c = xctl_cli_getopt(cli, argc, argv, &arg)) != XCTL_GETOPT_END) {
		if (c == OPT_JSON)
			json = true;
		else
			return XCTL_EXIT_USAGE;
	}
	if (!xctl_cli_nargs(cli, argc, argv, 0, 1))
		return XCTL_EXIT_USAGE;
	int rc = xctl_schema_show(cli->optind < argc ? argv[cli->optind] : NULL, json, stdout, stderr);
	return rc == 0 ? XCTL_EXIT_OK : XCTL_EXIT_FAIL;
}
