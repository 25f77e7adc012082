/* SPDX-License-Identifier: LGPL-2.1-only */
/* Shared by the lifecycle commands: the core for the command line, domain
 * lookup as xl's find_domain, cpu maps and memory sizes as xl reads and
 * prints them. */
#include "toolstack/cli/lifecycle.h"
#include "common/err.h"
#include "common/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int xctl_cli_core(struct xctl_cli *cli, struct xctl_core **out)
{
	struct xctl_core_params p = { .log = &cli->log, .kind = (enum xctl_hv_kind)cli->hv_kind };
	int rc = xctl_core_open(&p, out);
	if (rc) {
		fprintf(stderr, "xctl %s: cannot reach the %s host (see the message above)\n",
			cli->cmd ? cli->cmd->name : "", p.kind == XCTL_HV_XEN ? "Xen" : "simulated Xen");
		return XCTL_EXIT_FAIL;
	}
	return XCTL_EXIT_OK;
}

int xctl_cli_domain(struct xctl_cli *cli, struct xctl_core *c, const char *arg, uint32_t *domid)
{
	(void)cli;
	int rc = xctl_hv_lookup(c->hv, arg, domid);
	if (!rc)
		return XCTL_EXIT_OK;
	if (rc == XCTL_ERR_NOTFOUND)
		fprintf(stderr, "%s is an invalid domain identifier: no domain has this %s ('xctl list' lists them)\n",
			arg, strspn(arg, "0123456789") == strlen(arg) ? "id" : "name");
	else
		fprintf(stderr, "%s: cannot look the domain up: %s\n", arg, xctl_strerror(rc));
	return XCTL_EXIT_FAIL;
}

int xctl_cli_flag_args(struct xctl_cli *cli, int argc, char **argv, int flag, bool *set, int min, int max)
{
	const char *arg;
	int c;
	while ((c = xctl_cli_getopt(cli, argc, argv, &arg)) != XCTL_GETOPT_END) {
		if (!flag || c != flag)
			return XCTL_EXIT_USAGE;
		*set = true;
	}
	return xctl_cli_nargs(cli, argc, argv, min, max) ? XCTL_EXIT_OK : XCTL_EXIT_USAGE;
}

int xctl_cli_core_domain(struct xctl_cli *cli, const char *name, struct xctl_core **core, uint32_t *domid)
{
	int st = xctl_cli_core(cli, core);
	if (st)
		return st;
	st = xctl_cli_domain(cli, *core, name, domid);
	if (st) {
		xctl_core_close(*core);
		*core = NULL;
	}
	return st;
}

void xctl_cli_print_cpumap(FILE *out, const uint8_t *map, uint32_t nbytes, uint32_t ncpus)
{
	/* the states of xl's print_bitmap: 0 nothing yet, 1 in the first run,
	 * 2 between runs, 3 in a later run */
	int state = 0;
	uint32_t first = 0, i;
	for (i = 0; i < ncpus; i++) {
		bool set = i / 8 < nbytes && (map[i / 8] >> (i % 8)) & 1;
		if (state == 0 || state == 2) {
			if (set) {
				first = i;
				state++;
			}
		} else if (!set) {
			fprintf(out, "%s%u", state > 1 ? "," : "", first);
			if (i - 1 > first)
				fprintf(out, "-%u", i - 1);
			state = 2;
		}
	}
	switch (state) {
	case 0:
		fputs("none", out);
		break;
	case 1:
		if (first == 0) {
			fputs("all", out);
			break;
		}
		/* fall through */
	case 3:
		fprintf(out, "%s%u", state > 1 ? "," : "", first);
		if (i - 1 > first)
			fprintf(out, "-%u", i - 1);
		break;
	default:
		break;
	}
}

int xctl_cli_parse_cpus(const char *s, uint32_t ncpus, struct xctl_hv_cpumap *m)
{
	int rc = xctl_hv_cpumap_alloc(m, ncpus);
	if (rc)
		return rc;
	if (!strcmp(s, "all")) {
		for (uint32_t c = 0; c < ncpus; c++)
			xctl_hv_cpumap_set(m, c);
		return 0;
	}
	char *copy = strdup(s), *save = NULL;
	if (!copy)
		return XCTL_ERR_NOMEM;
	rc = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		bool neg = *tok == '^';
		if (neg)
			tok++;
		char *dash = strchr(tok, '-');
		uint64_t a, b;
		if (dash)
			*dash = '\0';
		if (xctl_parse_u64(tok, 10, ncpus ? ncpus - 1 : 0, &a) ||
		    (dash && xctl_parse_u64(dash + 1, 10, ncpus ? ncpus - 1 : 0, &b))) {
			rc = XCTL_ERR_INVAL;
			break;
		}
		if (!dash)
			b = a;
		if (b < a) {
			rc = XCTL_ERR_INVAL;
			break;
		}
		for (uint64_t c = a; c <= b; c++) {
			if (neg)
				m->map[c / 8] &= (uint8_t) ~(1u << (c % 8));
			else
				xctl_hv_cpumap_set(m, (uint32_t)c);
		}
	}
	free(copy);
	if (rc)
		xctl_hv_cpumap_free(m);
	return rc;
}

int64_t xctl_cli_parse_mem_kb(const char *s)
{
	char *end;
	if (!*s)
		return -1;
	long long kb = strtoll(s, &end, 10);
	if (end == s || strlen(end) > 1 || kb < 0)
		return -1;
	switch (tolower((unsigned char)*end)) {
	case 't':
		kb <<= 10;
		/* fall through */
	case 'g':
		kb <<= 10;
		/* fall through */
	case '\0':
	case 'm':
		kb <<= 10;
		/* fall through */
	case 'k':
		break;
	case 'b':
		kb >>= 10;
		break;
	default:
		return -1;
	}
	return kb;
}
