/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl list, info, uptime, dmesg, domid, domname: xl 4.17's output byte for
 * byte (tools/xl/xl_info.c), plus --json. */
#include "toolstack/cli/commands.h"
#include "toolstack/cli/lifecycle.h"
#include "common/err.h"
#include "common/json.h"
#include "common/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void list_row(const struct xctl_hv_dominfo *d, bool verbose)
{
	static const char letters[] = "-rscwS";
	int reason = d->shutdown ? d->shutdown_reason : 0;
	printf("%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f", d->name, (int)d->domid,
	       (unsigned long)((d->current_memkb + d->outstanding_memkb) / 1024), (int)d->vcpu_online,
	       d->running ? 'r' : '-', d->blocked ? 'b' : '-', d->paused ? 'p' : '-', d->shutdown ? 's' : '-',
	       reason >= 0 && (size_t)reason < sizeof(letters) - 1 ? letters[reason] : '?', d->dying ? 'd' : '-',
	       (double)((float)d->cpu_time / 1e9));
	if (verbose) {
		printf(" %s", d->uuid);
		if (d->shutdown)
			printf(" %8x", (unsigned)reason);
		else
			printf(" %8s", "-");
		printf(" %16s", "-");
	}
	putchar('\n');
}

static uint64_t uptime_s(const struct xctl_hv_dominfo *d, uint64_t dom0_ms)
{
	if (d->domid == 0)
		return dom0_ms / 1000;
	time_t now = time(NULL);
	uint64_t start = d->start_time_ms / 1000;
	return (uint64_t)now > start ? (uint64_t)now - start : 0;
}

static void state_json(struct xctl_jw *w, const struct xctl_hv_dominfo *d, uint64_t dom0_ms)
{
	xctl_jw_kstr(w, "name", d->name);
	xctl_jw_kuint(w, "domid", d->domid);
	xctl_jw_kstr(w, "uuid", d->uuid);
	xctl_jw_kstr(w, "type", xctl_guest_type_name(d->type));
	xctl_jw_key(w, "state");
	xctl_jw_obj_open(w);
	xctl_jw_kbool(w, "running", d->running);
	xctl_jw_kbool(w, "blocked", d->blocked);
	xctl_jw_kbool(w, "paused", d->paused);
	xctl_jw_kbool(w, "shutdown", d->shutdown);
	xctl_jw_kstr(w, "shutdown_reason", d->shutdown ? xctl_shutdown_reason_name(d->shutdown_reason) : NULL);
	xctl_jw_kbool(w, "dying", d->dying);
	xctl_jw_obj_close(w);
	xctl_jw_kuint(w, "current_memkb", d->current_memkb);
	xctl_jw_kuint(w, "max_memkb", d->max_memkb);
	xctl_jw_kuint(w, "outstanding_memkb", d->outstanding_memkb);
	xctl_jw_kuint(w, "vcpus", d->vcpu_max_id + 1);
	xctl_jw_kuint(w, "vcpus_online", d->vcpu_online);
	xctl_jw_key(w, "cpu_time");
	xctl_jw_double(w, (double)d->cpu_time / 1e9);
	xctl_jw_kuint(w, "uptime", uptime_s(d, dom0_ms));
}

static int print_json(struct xctl_jw *w)
{
	const char *text;
	size_t len;
	int rc = xctl_jw_finish(w, &text, &len);
	if (rc) {
		fprintf(stderr, "xctl: cannot write JSON: %s\n", xctl_strerror(rc));
		return XCTL_EXIT_FAIL;
	}
	printf("%.*s\n", (int)len, text);
	return XCTL_EXIT_OK;
}

/* The domains named on the command line, or all. */
static int select_domains(struct xctl_cli *cli, struct xctl_core *c, int argc, char **argv,
			  struct xctl_hv_dominfo **out, size_t *n)
{
	int nargs = argc - cli->optind;
	if (nargs <= 0) {
		if (c->hv->ops->list(c->hv, out, n)) {
			fprintf(stderr, "xctl %s: cannot list the domains (see above)\n", cli->cmd->name);
			return XCTL_EXIT_FAIL;
		}
		return XCTL_EXIT_OK;
	}
	struct xctl_hv_dominfo *v = calloc((size_t)nargs, sizeof(*v));
	if (!v)
		return XCTL_EXIT_FAIL;
	for (int i = 0; i < nargs; i++) {
		uint32_t domid;
		int st = xctl_cli_domain(cli, c, argv[cli->optind + i], &domid);
		if (!st && c->hv->ops->info(c->hv, domid, &v[i])) {
			fprintf(stderr, "Error: Domain '%s' does not exist.\n", argv[cli->optind + i]);
			st = XCTL_EXIT_FAIL;
		}
		if (st) {
			free(v);
			return st;
		}
	}
	*out = v;
	*n = (size_t)nargs;
	return XCTL_EXIT_OK;
}

int cmd_list(struct xctl_cli *cli, int argc, char **argv)
{
	const char *arg;
	bool details = false, verbose = false, json = false;
	int c, st;
	while ((c = xctl_cli_getopt(cli, argc, argv, &arg)) != XCTL_GETOPT_END) {
		switch (c) {
		case 'l':
			details = true;
			break;
		case 'v':
			verbose = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		default:
			return XCTL_EXIT_USAGE;
		}
	}
	struct xctl_core *core;
	if ((st = xctl_cli_core(cli, &core)))
		return st;
	struct xctl_hv_dominfo *v = NULL;
	size_t n = 0;
	struct xctl_hv_hostinfo host = { 0 };
	st = select_domains(cli, core, argc, argv, &v, &n);
	if (st)
		goto out;
	if (details || json)
		core->hv->ops->host(core->hv, &host);
	if (!details && !json) {
		printf("Name                                        ID   Mem VCPUs\tState\tTime(s)");
		if (verbose)
			printf("   UUID                            Reason-Code\tSecurity Label");
		printf("\n");
		for (size_t i = 0; i < n; i++)
			list_row(&v[i], verbose);
		goto out;
	}
	/* -l: each domain's configuration and state, as JSON (xl -l prints
	 * libxl's configuration; xctl prints its own domain model) */
	struct xctl_jw *w = xctl_jw_new(true);
	if (!w) {
		st = XCTL_EXIT_FAIL;
		goto out;
	}
	xctl_jw_arr_open(w);
	for (size_t i = 0; i < n; i++) {
		xctl_jw_obj_open(w);
		state_json(w, &v[i], host.dom0_uptime_ms);
		if (details) {
			struct xctl_domain_config m;
			xctl_jw_key(w, "config");
			if (v[i].domid && !xctl_core_load_config(core, v[i].uuid, &m)) {
				xctl_model_to_json(w, &m);
				xctl_model_dispose(&m);
			} else {
				xctl_jw_null(w);
			}
		}
		xctl_jw_obj_close(w);
	}
	xctl_jw_arr_close(w);
	st = print_json(w);
	xctl_jw_free(w);
out:
	free(v);
	xctl_core_close(core);
	return st;
}

#define INFO_FIELDS(X)                                                                                            \
	X("host", "%s", h.host)                                                                                   \
	X("release", "%s", h.release)                                                                             \
	X("version", "%s", h.version)                                                                             \
	X("machine", "%s", h.machine)                                                                             \
	X("nr_cpus", "%d", (int)h.nr_cpus)                                                                        \
	X("max_cpu_id", "%d", (int)h.max_cpu_id)                                                                  \
	X("nr_nodes", "%d", (int)h.nr_nodes)                                                                      \
	X("cores_per_socket", "%d", (int)h.cores_per_socket)                                                      \
	X("threads_per_core", "%d", (int)h.threads_per_core)                                                      \
	X("cpu_mhz", "%d.%03d", (int)(h.cpu_khz / 1000), (int)(h.cpu_khz % 1000))                                 \
	X("hw_caps", "%08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x", h.hw_cap[0], h.hw_cap[1], h.hw_cap[2], h.hw_cap[3], \
	  h.hw_cap[4], h.hw_cap[5], h.hw_cap[6], h.hw_cap[7])

static void info_line(const char *want, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void info_line(const char *want, const char *key, const char *fmt, ...)
{
	char val[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	/* xl info NAME prints the value of the first key starting with NAME */
	if (want && strncmp(key, want, strlen(want)))
		return;
	if (want)
		printf("%s\n", val);
	else
		printf("%-23s: %s\n", key, val);
}

int cmd_info(struct xctl_cli *cli, int argc, char **argv)
{
	bool json = false;
	int st = xctl_cli_flag_args(cli, argc, argv, OPT_JSON, &json, 0, 1);
	if (st)
		return st;
	const char *want = cli->optind < argc ? argv[cli->optind] : NULL;
	struct xctl_core *core;
	if ((st = xctl_cli_core(cli, &core)))
		return st;
	struct xctl_hv_hostinfo h;
	if (core->hv->ops->host(core->hv, &h)) {
		fprintf(stderr, "libxl_physinfo failed.\n");
		xctl_core_close(core);
		return XCTL_EXIT_FAIL;
	}
	char caps[256];
	snprintf(caps, sizeof(caps), "%s%s%s%s%s%s%s%s%s%s%s", h.cap_pv ? " pv" : "", h.cap_hvm ? " hvm" : "",
		 h.cap_hvm && h.cap_hvm_directio ? " hvm_directio" : "",
		 h.cap_pv && h.cap_hvm_directio ? " pv_directio" : "", h.cap_hap ? " hap" : "",
		 h.cap_shadow ? " shadow" : "", h.cap_iommu_hap_pt_share ? " iommu_hap_pt_share" : "",
		 h.cap_vmtrace ? " vmtrace" : "", h.cap_vpmu ? " vpmu" : "", h.cap_gnttab_v1 ? " gnttab-v1" : "",
		 h.cap_gnttab_v2 ? " gnttab-v2" : "");
	uint64_t per_mib = (1u << 20) / (h.xen_pagesize ? h.xen_pagesize : 4096);
	if (json) {
		struct xctl_jw *w = xctl_jw_new(true);
		xctl_jw_obj_open(w);
#define J(key, fmt, ...)                                          \
	do {                                                      \
		char v_[1024];                                    \
		snprintf(v_, sizeof(v_), fmt, __VA_ARGS__);       \
		if (!want || !strncmp(key, want, strlen(want)))   \
			xctl_jw_kstr(w, key, v_);                 \
	} while (0);
		INFO_FIELDS(J)
		J("virt_caps", "%s", caps[0] ? caps + 1 : "")
		xctl_jw_obj_close(w);
		st = print_json(w);
		xctl_jw_free(w);
		xctl_core_close(core);
		return st;
	}
#define L(key, fmt, ...) info_line(want, key, fmt, __VA_ARGS__);
	INFO_FIELDS(L)
	/* virt_caps has no space after the colon when empty, as xl */
	if (!want)
		printf("virt_caps              :%s\n", caps);
	else if (!strncmp("virt_caps", want, strlen(want)) && caps[0] == ' ')
		printf("%s\n", caps + 1);
	L("total_memory", "%llu", (unsigned long long)(h.total_pages / per_mib))
	L("free_memory", "%llu", (unsigned long long)((h.free_pages - h.outstanding_pages) / per_mib))
	L("sharing_freed_memory", "%llu", (unsigned long long)(h.sharing_freed_pages / per_mib))
	L("sharing_used_memory", "%llu", (unsigned long long)(h.sharing_used_frames / per_mib))
	L("outstanding_claims", "%llu", (unsigned long long)(h.outstanding_pages / per_mib))
	L("free_cpus", "%d", (int)h.free_cpus)
	L("xen_major", "%d", h.xen_major)
	L("xen_minor", "%d", h.xen_minor)
	L("xen_extra", "%s", h.xen_extra)
	L("xen_version", "%d.%d%s", h.xen_major, h.xen_minor, h.xen_extra)
	L("xen_caps", "%s", h.xen_caps)
	L("xen_scheduler", "%s", h.xen_scheduler)
	L("xen_pagesize", "%u", h.xen_pagesize)
	L("platform_params", "virt_start=0x%llx", (unsigned long long)h.virt_start)
	L("xen_changeset", "%s", h.xen_changeset)
	L("xen_commandline", "%s", h.xen_commandline)
	L("cc_compiler", "%s", h.cc_compiler)
	L("cc_compile_by", "%s", h.cc_compile_by)
	L("cc_compile_domain", "%s", h.cc_compile_domain)
	L("cc_compile_date", "%s", h.cc_compile_date)
	L("build_id", "%s", h.build_id)
	L("xend_config_format", "%d", 4)
	xctl_core_close(core);
	return XCTL_EXIT_OK;
}

static void uptime_string(char *out, size_t len, uint64_t up, bool short_mode)
{
	int day = (int)(up / 86400);
	up -= (uint64_t)day * 86400;
	int hour = (int)(up / 3600);
	up -= (uint64_t)hour * 3600;
	int min = (int)(up / 60);
	int sec = (int)(up - (uint64_t)min * 60);
	const char *days = day > 1 ? " days, " : " day, ";
	if (short_mode) {
		if (day)
			snprintf(out, len, "%d%s%2d:%02d", day, days, hour, min);
		else
			snprintf(out, len, "%2d:%02d", hour, min);
	} else if (day) {
		snprintf(out, len, "%d%s%2d:%02d:%02d", day, days, hour, min, sec);
	} else {
		snprintf(out, len, "%2d:%02d:%02d", hour, min, sec);
	}
}

int cmd_uptime(struct xctl_cli *cli, int argc, char **argv)
{
	const char *arg;
	bool short_mode = false, json = false;
	int c, st;
	while ((c = xctl_cli_getopt(cli, argc, argv, &arg)) != XCTL_GETOPT_END) {
		if (c == 's')
			short_mode = true;
		else if (c == OPT_JSON)
			json = true;
		else
			return XCTL_EXIT_USAGE;
	}
	struct xctl_core *core;
	if ((st = xctl_cli_core(cli, &core)))
		return st;
	struct xctl_hv_dominfo *v = NULL;
	size_t n = 0;
	struct xctl_hv_hostinfo h = { 0 };
	st = select_domains(cli, core, argc, argv, &v, &n);
	if (!st && core->hv->ops->host(core->hv, &h)) {
		fprintf(stderr, "Can not get Dom0 uptime.\n");
		st = XCTL_EXIT_FAIL;
	}
	if (st)
		goto out;
	if (json) {
		struct xctl_jw *w = xctl_jw_new(true);
		xctl_jw_arr_open(w);
		for (size_t i = 0; i < n; i++) {
			xctl_jw_obj_open(w);
			xctl_jw_kstr(w, "name", v[i].name);
			xctl_jw_kuint(w, "domid", v[i].domid);
			xctl_jw_kuint(w, "uptime", uptime_s(&v[i], h.dom0_uptime_ms));
			xctl_jw_obj_close(w);
		}
		xctl_jw_arr_close(w);
		st = print_json(w);
		xctl_jw_free(w);
		goto out;
	}
	time_t now = time(NULL);
	char nowstr[32];
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(nowstr, sizeof(nowstr), "%H:%M:%S", &tm);
	if (!short_mode)
		printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
	for (size_t i = 0; i < n; i++) {
		char up[64];
		uptime_string(up, sizeof(up), uptime_s(&v[i], h.dom0_uptime_ms), short_mode);
		if (short_mode)
			printf(" %s up %s, %s (%d)\n", nowstr, up, v[i].name, (int)v[i].domid);
		else
			printf("%-33s %4d %s\n", v[i].name, (int)v[i].domid, up);
	}
out:
	free(v);
	xctl_core_close(core);
	return st;
}

int cmd_dmesg(struct xctl_cli *cli, int argc, char **argv)
{
	bool clear = false;
	struct xctl_core *core;
	int st = xctl_cli_flag_args(cli, argc, argv, 'c', &clear, 0, 0);
	if (st || (st = xctl_cli_core(cli, &core)))
		return st;
	char *text = NULL;
	if (core->hv->ops->dmesg(core->hv, clear, &text)) {
		st = XCTL_EXIT_FAIL;
	} else {
		fputs(text, stdout);
	}
	free(text);
	xctl_core_close(core);
	return st;
}

int cmd_domid(struct xctl_cli *cli, int argc, char **argv)
{
	struct xctl_core *core;
	int st = xctl_cli_flag_args(cli, argc, argv, 0, NULL, 1, 1);
	if (st || (st = xctl_cli_core(cli, &core)))
		return st;
	uint32_t domid;
	const char *name = argv[cli->optind];
	if (xctl_hv_domid_by_name(core->hv, name, &domid)) {
		fprintf(stderr, "Can't get domid of domain name '%s', maybe this domain does not exist.\n", name);
		st = XCTL_EXIT_FAIL;
	} else {
		printf("%u\n", domid);
	}
	xctl_core_close(core);
	return st;
}

int cmd_domname(struct xctl_cli *cli, int argc, char **argv)
{
	int st = xctl_cli_flag_args(cli, argc, argv, 0, NULL, 1, 1);
	if (st)
		return st;
	uint64_t id;
	const char *s = argv[cli->optind];
	if (xctl_parse_u64(s, 10, UINT32_MAX, &id)) {
		fprintf(stderr, "Invalid domain id.\n\n");
		return XCTL_EXIT_FAIL;
	}
	struct xctl_core *core;
	if ((st = xctl_cli_core(cli, &core)))
		return st;
	struct xctl_hv_dominfo d;
	if (core->hv->ops->info(core->hv, (uint32_t)id, &d) || !d.name[0]) {
		fprintf(stderr, "Can't get domain name of domain id '%u', maybe this domain does not exist.\n",
			(unsigned)id);
		st = XCTL_EXIT_FAIL;
	} else {
		printf("%s\n", d.name);
	}
	xctl_core_close(core);
	return st;
}
