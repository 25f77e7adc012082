/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl vcpu-list, vcpu-set, vcpu-pin (xl 4.17's xl_vcpu.c). */
#include "toolstack/cli/commands.h"
#include "toolstack/cli/lifecycle.h"
#include "common/err.h"
#include "common/json.h"
#include "common/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void cpumap_json(struct xctl_jw *w, const char *key, const struct xctl_hv_cpumap *m, uint32_t ncpus)
{
	xctl_jw_key(w, key);
	xctl_jw_arr_open(w);
	for (uint32_t c = 0; c < ncpus; c++)
		if (xctl_hv_cpumap_test(m, c))
			xctl_jw_uint(w, c);
	xctl_jw_arr_close(w);
}

static int list_one(struct xctl_core *core, const struct xctl_hv_dominfo *d, uint32_t ncpus, struct xctl_jw *w)
{
	struct xctl_hv_vcpuinfo *v = NULL;
	size_t n = 0;
	if (core->hv->ops->vcpu_list(core->hv, d->domid, &v, &n))
		return XCTL_EXIT_FAIL;
	for (size_t i = 0; i < n; i++) {
		if (w) {
			xctl_jw_obj_open(w);
			xctl_jw_kstr(w, "name", d->name);
			xctl_jw_kuint(w, "domid", d->domid);
			xctl_jw_kuint(w, "vcpu", v[i].vcpuid);
			if (v[i].online)
				xctl_jw_kuint(w, "cpu", v[i].cpu);
			else
				xctl_jw_kstr(w, "cpu", NULL);
			xctl_jw_kbool(w, "online", v[i].online);
			xctl_jw_kbool(w, "running", v[i].running);
			xctl_jw_kbool(w, "blocked", v[i].blocked);
			xctl_jw_key(w, "time");
			xctl_jw_double(w, (double)v[i].vcpu_time / 1e9);
			cpumap_json(w, "hard_affinity", &v[i].hard, ncpus);
			cpumap_json(w, "soft_affinity", &v[i].soft, ncpus);
			xctl_jw_obj_close(w);
			continue;
		}
		printf("%-32s %5u %5u", d->name, d->domid, v[i].vcpuid);
		if (!v[i].online)
			printf("%5c %3c%cp ", '-', '-', '-');
		else
			printf("%5u %3c%c- ", v[i].cpu, v[i].running ? 'r' : '-', v[i].blocked ? 'b' : '-');
		printf("%9.1f  ", (double)((float)v[i].vcpu_time / 1e9));
		xctl_cli_print_cpumap(stdout, v[i].hard.map, v[i].hard.nbytes, ncpus);
		printf(" / ");
		xctl_cli_print_cpumap(stdout, v[i].soft.map, v[i].soft.nbytes, ncpus);
		printf("\n");
	}
	xctl_hv_vcpuinfo_free(v, n);
	return XCTL_EXIT_OK;
}

int cmd_vcpu_list(struct xctl_cli *cli, int argc, char **argv)
{
	bool json = false;
	struct xctl_core *core;
	int st = xctl_cli_flag_args(cli, argc, argv, OPT_JSON, &json, 0, -1);
	if (st || (st = xctl_cli_core(cli, &core)))
		return st;
	struct xctl_hv_hostinfo h;
	struct xctl_hv_dominfo *v = NULL;
	size_t n = 0;
	struct xctl_jw *w = NULL;
	if (core->hv->ops->host(core->hv, &h)) {
		fprintf(stderr, "libxl_physinfo failed.\n");
		st = XCTL_EXIT_FAIL;
		goto out;
	}
	if (cli->optind >= argc) {
		if (core->hv->ops->list(core->hv, &v, &n)) {
			st = XCTL_EXIT_FAIL;
			goto out;
		}
	} else {
		n = (size_t)(argc - cli->optind);
		v = calloc(n, sizeof(*v));
		for (size_t i = 0; v && i < n; i++) {
			uint32_t domid;
			st = xctl_cli_domain(cli, core, argv[cli->optind + (int)i], &domid);
			if (!st && core->hv->ops->info(core->hv, domid, &v[i]))
				st = XCTL_EXIT_FAIL;
			if (st)
				goto out;
		}
		if (!v) {
			st = XCTL_EXIT_FAIL;
			goto out;
		}
	}
	if (json) {
		w = xctl_jw_new(true);
		xctl_jw_arr_open(w);
	} else {
		printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)",
		       "Affinity (Hard / Soft)");
	}
	for (size_t i = 0; i < n; i++)
		list_one(core, &v[i], h.max_cpu_id + 1, w);
	if (w) {
		const char *text;
		size_t len;
		xctl_jw_arr_close(w);
		if (xctl_jw_finish(w, &text, &len))
			st = XCTL_EXIT_FAIL;
		else
			printf("%.*s\n", (int)len, text);
	}
out:
	xctl_jw_free(w);
	free(v);
	xctl_core_close(core);
	return st;
}

int cmd_vcpu_set(struct xctl_cli *cli, int argc, char **argv)
{
	bool ignore_host = false;
	int st = xctl_cli_flag_args(cli, argc, argv, 'i', &ignore_host, 2, 2);
	if (st)
		return st;
	uint64_t count;
	if (xctl_parse_u64(argv[cli->optind + 1], 10, INT32_MAX, &count)) {
		fprintf(stderr, "Error: Invalid argument.\n");
		return XCTL_EXIT_FAIL;
	}
	struct xctl_core *core;
	uint32_t domid;
	if ((st = xctl_cli_core_domain(cli, argv[cli->optind], &core, &domid)))
		return st;
	if (!ignore_host) {
		struct xctl_hv_dominfo d;
		struct xctl_hv_hostinfo h;
		if (core->hv->ops->info(core->hv, domid, &d) || core->hv->ops->host(core->hv, &h)) {
			st = XCTL_EXIT_FAIL;
			goto out;
		}
		if (count > d.vcpu_online && count > h.nr_cpus) {
			fprintf(stderr,
				"You are overcommmitting! You have %u physical CPUs and want %llu vCPUs! Aborting, use "
				"--ignore-host to continue\n",
				h.nr_cpus, (unsigned long long)count);
			st = XCTL_EXIT_FAIL;
			goto out;
		}
	}
	if (core->hv->ops->vcpu_set(core->hv, domid, (uint32_t)count)) {
		fprintf(stderr, "cannot set the online vcpus of domain %u to %llu (see the message above)\n", domid,
			(unsigned long long)count);
		st = XCTL_EXIT_FAIL;
	}
out:
	xctl_core_close(core);
	return st;
}

int cmd_vcpu_pin(struct xctl_cli *cli, int argc, char **argv)
{
	const char *arg;
	bool force = false;
	int c, st;
	while ((c = xctl_cli_getopt(cli, argc, argv, &arg)) != XCTL_GETOPT_END) {
		if (c == 'f')
			force = true;
		else if (c != 'i')
			return XCTL_EXIT_USAGE;
	}
	if (!xctl_cli_nargs(cli, argc, argv, 3, 4))
		return XCTL_EXIT_USAGE;
	const char *vcpu = argv[cli->optind + 1], *hard_s = argv[cli->optind + 2];
	const char *soft_s = cli->optind + 3 < argc ? argv[cli->optind + 3] : NULL;
	uint32_t vcpuid = UINT32_MAX;
	uint64_t v;
	if (xctl_parse_u64(vcpu, 10, UINT32_MAX - 1, &v)) {
		if (strcmp(vcpu, "all")) {
			fprintf(stderr, "Error: Invalid argument %s as VCPU.\n", vcpu);
			return XCTL_EXIT_FAIL;
		}
		if (force) {
			fprintf(stderr, "Error: --force and 'all' as VCPU not allowed.\n");
			return XCTL_EXIT_FAIL;
		}
	} else {
		vcpuid = (uint32_t)v;
	}
	struct xctl_core *core;
	if ((st = xctl_cli_core(cli, &core)))
		return st;
	struct xctl_hv_cpumap hard = { 0 }, soft = { 0 };
	bool have_hard = strcmp(hard_s, "-"), have_soft = soft_s && strcmp(soft_s, "-");
	uint32_t domid;
	struct xctl_hv_hostinfo h;
	st = xctl_cli_domain(cli, core, argv[cli->optind], &domid);
	if (st)
		goto out;
	if (core->hv->ops->host(core->hv, &h)) {
		st = XCTL_EXIT_FAIL;
		goto out;
	}
	if ((have_hard && xctl_cli_parse_cpus(hard_s, h.nr_cpus, &hard)) ||
	    (have_soft && xctl_cli_parse_cpus(soft_s, h.nr_cpus, &soft))) {
		fprintf(stderr, "Invalid cpu range '%s': cpus are numbered 0 to %u (e.g. \"0-3,^2\" or \"all\")\n",
			have_hard && !hard.map ? hard_s : soft_s, h.nr_cpus ? h.nr_cpus - 1 : 0);
		st = XCTL_EXIT_FAIL;
		goto out;
	}
	if (core->hv->ops->vcpu_pin(core->hv, domid, vcpuid, have_hard ? &hard : NULL, have_soft ? &soft : NULL)) {
		if (vcpuid == UINT32_MAX)
			fprintf(stderr, "Could not set affinity.\n");
		else
			fprintf(stderr, "Could not set affinity for vcpu `%u'.\n", vcpuid);
		st = XCTL_EXIT_FAIL;
	}
out:
	xctl_hv_cpumap_free(&hard);
	xctl_hv_cpumap_free(&soft);
	xctl_core_close(core);
	return st;
}
