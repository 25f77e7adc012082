/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl sim start|stop|status: the simulated Xen host (xctl-xenstored,
 * xctl-simd, the console daemon and the backends) in a state directory
 * (--dir DIR, else $XCTL_SIM_DIR, else /run/xctl/sim). */
#include "toolstack/cli/cli.h"
#include "toolstack/cli/commands.h"
#include "common/err.h"
#include "common/json.h"
#include "common/util.h"
#include "sim/simd/simd.h"

#include <stdio.h>
#include <string.h>

struct sim_args {
	struct simd_host_opts o;
	bool json;
};

static int parse(struct xctl_cli *cli, int argc, char **argv, struct sim_args *a)
{
	const char *arg;
	int c;
	memset(a, 0, sizeof(*a));
	while ((c = xctl_cli_getopt(cli, argc, argv, &arg)) != XCTL_GETOPT_END) {
		uint64_t v;
		if (c == OPT_SIM_DIR) {
			if (!*arg)
				return xctl_cli_usage_error(cli, "--dir: give a directory");
			a->o.dir = arg;
		} else if (c == OPT_JSON) {
			a->json = true;
		} else if (c == OPT_SIM_MEMORY) {
			if (xctl_parse_u64(arg, 10, UINT64_C(1) << 40, &v) || v < 2 * 1024 * 1024)
				return xctl_cli_usage_error(cli, "--memory: '%s' is not a size in KiB of at least "
								 "2097152 (2 GiB: dom0 keeps 1 GiB)", arg);
			a->o.memory_kib = v;
		} else if (c == OPT_SIM_CPUS) {
			if (xctl_parse_u64(arg, 10, SIMD_MAX_CPUS, &v) || v == 0)
				return xctl_cli_usage_error(cli, "--cpus: '%s' is not a number of cpus from 1 to %d", arg,
							    SIMD_MAX_CPUS);
			a->o.cpus = (uint32_t)v;
		} else {
			return XCTL_EXIT_USAGE;
		}
	}
	if (!xctl_cli_nargs(cli, argc, argv, 0, 0))
		return XCTL_EXIT_USAGE;
	return XCTL_EXIT_OK;
}

static const char *dir_of(const struct sim_args *a)
{
	return a->o.dir ? a->o.dir : simd_dir_default();
}

int cmd_sim_start(struct xctl_cli *cli, int argc, char **argv)
{
	struct sim_args a;
	int st = parse(cli, argc, argv, &a);
	if (st)
		return st;
	char msg[512];
	bool started = false;
	if (simd_host_start(&a.o, &started, msg, sizeof(msg))) {
		fprintf(stderr, "xctl sim start: %s\n", msg);
		return XCTL_EXIT_FAIL;
	}
	printf("simulated Xen host %s in %s\n", started ? "started" : "already running", dir_of(&a));
	return XCTL_EXIT_OK;
}

int cmd_sim_stop(struct xctl_cli *cli, int argc, char **argv)
{
	struct sim_args a;
	int st = parse(cli, argc, argv, &a);
	if (st)
		return st;
	struct simd_host_status hs;
	bool was = simd_host_status(&a.o, &hs) == 0 && hs.running;
	uint32_t ndom = was && hs.info.nr_domains ? hs.info.nr_domains - 1 : 0;
	char msg[512];
	if (simd_host_stop(&a.o, msg, sizeof(msg))) {
		fprintf(stderr, "xctl sim stop: %s\n", msg);
		return XCTL_EXIT_FAIL;
	}
	if (was)
		printf("simulated Xen host in %s stopped (%u domain%s destroyed)\n", dir_of(&a), ndom,
		       ndom == 1 ? "" : "s");
	else
		printf("no simulated Xen host was running in %s\n", dir_of(&a));
	return XCTL_EXIT_OK;
}

static int status_json(const struct simd_host_status *hs)
{
	struct xctl_jw *w = xctl_jw_new(true);
	if (!w)
		return XCTL_EXIT_FAIL;
	xctl_jw_obj_open(w);
	xctl_jw_kstr(w, "dir", hs->dir);
	xctl_jw_kbool(w, "running", hs->running);
	xctl_jw_key(w, "daemons");
	xctl_jw_arr_open(w);
	for (size_t i = 0; i < hs->ndaemons; i++) {
		const struct simd_host_daemon *d = &hs->daemons[i];
		xctl_jw_obj_open(w);
		xctl_jw_kstr(w, "name", d->name);
		xctl_jw_kbool(w, "running", d->running);
		if (d->running)
			xctl_jw_kint(w, "pid", d->pid);
		else {
			xctl_jw_key(w, "pid");
			xctl_jw_null(w);
		}
		xctl_jw_kstr(w, "log", d->log);
		xctl_jw_obj_close(w);
	}
	xctl_jw_arr_close(w);
	if (hs->running) {
		xctl_jw_key(w, "host");
		xctl_jw_obj_open(w);
		xctl_jw_kuint(w, "total_memory_kib", hs->info.total_kib);
		xctl_jw_kuint(w, "free_memory_kib", hs->info.free_kib);
		xctl_jw_kuint(w, "nr_cpus", hs->info.nr_cpus);
		xctl_jw_kuint(w, "nr_domains", hs->info.nr_domains);
		char ver[16];
		snprintf(ver, sizeof(ver), "%u.%u", hs->info.xen_major, hs->info.xen_minor);
		xctl_jw_kstr(w, "xen_version", ver);
		xctl_jw_obj_close(w);
	}
	xctl_jw_obj_close(w);
	const char *text;
	size_t len;
	int rc = xctl_jw_finish(w, &text, &len);
	if (!rc)
		printf("%.*s\n", (int)len, text);
	xctl_jw_free(w);
	return rc ? XCTL_EXIT_FAIL : XCTL_EXIT_OK;
}

int cmd_sim_status(struct xctl_cli *cli, int argc, char **argv)
{
	struct sim_args a;
	int st = parse(cli, argc, argv, &a);
	if (st)
		return st;
	struct simd_host_status hs;
	int rc = simd_host_status(&a.o, &hs);
	if (rc) {
		fprintf(stderr, "xctl sim status: cannot look at %s: %s\n", dir_of(&a), xctl_strerror(rc));
		return XCTL_EXIT_FAIL;
	}
	if (a.json) {
		st = status_json(&hs);
		return st ? st : hs.running ? XCTL_EXIT_OK : XCTL_EXIT_FAIL;
	}
	printf("simulated Xen host in %s: %s\n", hs.dir, hs.running ? "running" : "not running");
	printf("%-16s %8s  %s\n", "Daemon", "Pid", "Log");
	for (size_t i = 0; i < hs.ndaemons; i++) {
		char pid[16] = "-";
		if (hs.daemons[i].running)
			snprintf(pid, sizeof(pid), "%d", (int)hs.daemons[i].pid);
		printf("%-16s %8s  %s\n", hs.daemons[i].name, pid, hs.daemons[i].log);
	}
	if (hs.running)
		printf("xen %u.%u (simulated), %u cpus, memory %llu KiB total, %llu KiB free, %u domain%s (with dom0)\n",
		       hs.info.xen_major, hs.info.xen_minor, hs.info.nr_cpus, (unsigned long long)hs.info.total_kib,
		       (unsigned long long)hs.info.free_kib, hs.info.nr_domains, hs.info.nr_domains == 1 ? "" : "s");
	return hs.running ? XCTL_EXIT_OK : XCTL_EXIT_FAIL;
}
