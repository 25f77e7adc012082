/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl schema normalise [--subst FROM=TO]... [FILE|-]
 * xctl schema diff [--allow FILE] [--subst FROM=TO]... FILE1 FILE2
 *
 * normalise prints a xenstore-ls -fp dump with its per-run values (domain
 * ids, UUIDs, MACs, ports, grant refs, times, ...) replaced by tokens
 * (xenstore-schema/norm.h); diff compares two dumps normalised so and
 * prints the nodes that differ, with their permissions. diff exits 0 when
 * the trees differ in nothing or only in differences the --allow file
 * documents, 1 otherwise, 2 when an input cannot be read. */
#include "toolstack/cli/cli.h"
#include "toolstack/cli/commands.h"
#include "xenstore-schema/norm.h"
#include "common/err.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

struct norm_args {
	struct xctl_xsnorm_subst subst[XCTL_XSNORM_MAX_SUBST];
	struct xctl_xsnorm_opts o;
	const char *allow;
};

static int subst_arg(struct xctl_cli *cli, struct norm_args *na, char *arg)
{
	char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return xctl_cli_usage_error(cli, "--subst: '%s' is not FROM=TO (FROM not empty)", arg);
	if (na->o.nsubst >= XCTL_XSNORM_MAX_SUBST)
		return xctl_cli_usage_error(cli, "--subst: more than %u substitutions", XCTL_XSNORM_MAX_SUBST);
	*eq = '\0';
	na->subst[na->o.nsubst++] = (struct xctl_xsnorm_subst){ arg, eq + 1 };
	return 0;
}

static int parse_opts(struct xctl_cli *cli, int argc, char **argv, struct norm_args *na, bool diff)
{
	const char *arg;
	int c;
	na->o.subst = na->subst;
	while ((c = xctl_cli_getopt(cli, argc, argv, &arg)) != XCTL_GETOPT_END) {
		int rc = XCTL_EXIT_USAGE;
		if (c == OPT_SUBST)
			rc = subst_arg(cli, na, (char *)arg);
		else if (c == OPT_ALLOW && diff)
			na->allow = arg, rc = 0;
		if (rc)
			return rc;
	}
	return 0;
}

/* Read and normalise one dump; prints why on failure. */
static int load(const char *cmd, const char *file, const struct xctl_xsnorm_opts *o, struct xctl_xsnorm **out)
{
	const char *name = strcmp(file, "-") ? file : "<stdin>";
	char *text = NULL, err[512] = "";
	size_t len = 0;
	struct xctl_xsdump *d = NULL;
	*out = NULL;
	int rc = xctl_read_file(file, XCTL_XSDUMP_MAX_BYTES, &text, &len);
	if (rc) {
		fprintf(stderr, "xctl schema %s: cannot read %s: %s%s\n", cmd, name,
			rc == XCTL_ERR_LIMIT ? "larger than the limit" : xctl_strerror(rc),
			rc == XCTL_ERR_NOTFOUND ? " (give a file written by xenstore-ls -fp, or - for stdin)" : "");
		goto out;
	}
	rc = xctl_xsdump_parse(text, len, name, &d, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "xctl schema %s: %s (the input must be the output of xenstore-ls -fp)\n", cmd,
			err[0] ? err : xctl_strerror(rc));
		goto out;
	}
	rc = xctl_xsnorm_build(d, o, out);
	if (rc)
		fprintf(stderr, "xctl schema %s: cannot normalise %s: %s\n", cmd, name, xctl_strerror(rc));
out:
	free(text);
	xctl_xsdump_free(d);
	return rc;
}

int cmd_schema_normalise(struct xctl_cli *cli, int argc, char **argv)
{
	struct norm_args na = { 0 };
	int rc = parse_opts(cli, argc, argv, &na, false);
	if (rc)
		return rc;
	if (!xctl_cli_nargs(cli, argc, argv, 0, 1))
		return XCTL_EXIT_USAGE;
	struct xctl_xsnorm *n;
	if (load("normalise", cli->optind < argc ? argv[cli->optind] : "-", &na.o, &n))
		return XCTL_EXIT_USAGE;
	xctl_xsnorm_print(n, stdout);
	xctl_xsnorm_free(n);
	return XCTL_EXIT_OK;
}

static int load_allow(const char *file, struct xctl_xsnorm_allow **out)
{
	char *text = NULL, err[512] = "";
	size_t len = 0;
	*out = NULL;
	int rc = xctl_read_file(file, 1u << 20, &text, &len);
	if (rc) {
		fprintf(stderr, "xctl schema diff: cannot read the documented differences %s: %s\n", file,
			xctl_strerror(rc));
		return rc;
	}
	rc = xctl_xsnorm_allow_parse(text, len, file, out, err, sizeof(err));
	if (rc)
		fprintf(stderr, "xctl schema diff: %s\n", err[0] ? err : xctl_strerror(rc));
	free(text);
	return rc;
}

int cmd_schema_diff(struct xctl_cli *cli, int argc, char **argv)
{
	struct norm_args na = { 0 };
	int rc = parse_opts(cli, argc, argv, &na, true);
	if (rc)
		return rc;
	if (!xctl_cli_nargs(cli, argc, argv, 2, 2))
		return XCTL_EXIT_USAGE;
	struct xctl_xsnorm *a = NULL, *b = NULL;
	struct xctl_xsnorm_allow *al = NULL;
	struct xctl_xsnorm_diff r = { 0 };
	int status = XCTL_EXIT_USAGE;
	if (load("diff", argv[cli->optind], &na.o, &a) || load("diff", argv[cli->optind + 1], &na.o, &b) ||
	    (na.allow && load_allow(na.allow, &al)))
		goto out;
	if (xctl_xsnorm_diff(a, b, al, &r)) {
		fprintf(stderr, "xctl schema diff: %s\n", xctl_strerror(XCTL_ERR_NOMEM));
		goto out;
	}
	xctl_xsnorm_diff_print(&r, a, b, stdout);
	status = r.undocumented ? XCTL_EXIT_FAIL : XCTL_EXIT_OK;
out:
	xctl_xsnorm_diff_free(&r);
	xctl_xsnorm_allow_free(al);
	xctl_xsnorm_free(a);
	xctl_xsnorm_free(b);
	return status;
}
