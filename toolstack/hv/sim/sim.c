/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/sim: the hv port over the simulated host. Domains live in xctl-simd,
 * their xenstore tree in xctl-xenstored, written as libxl writes it. This
 * file: the context, information and the simple controls. */
#include "toolstack/hv/sim/sim_int.h"
#include "sim/simd/simd.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

int sim_fail(struct sim *s, int rc, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	const char *m = s->simd ? simd_errmsg(s->simd) : "";
	xctl_err_log(s->hv->log, "%s: %s", what, *m ? m : xctl_strerror(rc));
	return rc;
}

void sim_uuid_format(const uint8_t u[16], char out[XCTL_UUID_STRLEN])
{
	snprintf(out, XCTL_UUID_STRLEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3],
		 u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

int sim_uuid_parse(const char *s, uint8_t u[16])
{
	size_t k = 0;
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '-')
			continue;
		int hi = xctl_hexval(s[i]);
		int lo = s[i + 1] ? xctl_hexval(s[i + 1]) : -1;
		if (hi < 0 || lo < 0 || k >= 16)
			return XCTL_ERR_INVAL;
		u[k++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return k == 16 ? 0 : XCTL_ERR_INVAL;
}

static int sim_open(struct xctl_hv *hv, const struct xctl_hv_params *p)
{
	struct sim *s = calloc(1, sizeof(*s));
	char sock[300];
	int rc;
	if (!s)
		return XCTL_ERR_NOMEM;
	s->hv = hv;
	hv->priv = s;
	snprintf(s->dir, sizeof(s->dir), "%s", p->sim_dir ? p->sim_dir : simd_dir_default());
	if (!p->no_start) {
		struct simd_host_opts o = { .dir = s->dir, .bindir = p->bin_dir };
		bool started = false;
		char msg[512] = "";
		rc = simd_host_start(&o, &started, msg, sizeof(msg));
		if (rc) {
			xctl_err_log(hv->log, "cannot start the simulated Xen host in %s: %s", s->dir,
				     *msg ? msg : xctl_strerror(rc));
			goto fail;
		}
		if (started)
			fprintf(stderr, "xctl: started the simulated Xen host in %s (no Xen here: %s is missing)\n",
				s->dir, XCTL_HV_PRIVCMD);
	}
	rc = simd_open(s->dir, &s->simd);
	if (rc) {
		if (rc == XCTL_ERR_NOTFOUND)
			xctl_err_log(hv->log, "no simulated Xen host runs in %s ('xctl sim start' starts one)", s->dir);
		else
			xctl_err_log(hv->log, "cannot connect to the simulated hypervisor in %s: %s", s->dir,
				     xctl_strerror(rc));
		goto fail;
	}
	rc = simd_path(s->dir, SIMD_XENSTORED_SOCKET, sock, sizeof(sock));
	if (rc) {
		xctl_err_log(hv->log, "simulated host directory %s: path too long", s->dir);
		goto fail;
	}
	setenv("XENSTORED_PATH", sock, 1);
	s->xs = xs_open(0);
	if (!s->xs) {
		rc = XCTL_ERR_XENSTORE;
		xctl_err_log(hv->log, "cannot connect to xenstored at %s: %s", sock, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	if (s->simd)
		simd_close(s->simd);
	free(s);
	hv->priv = NULL;
	return rc;
}

static void sim_close(struct xctl_hv *hv)
{
	struct sim *s = sim_of(hv);
	if (!s)
		return;
	if (s->xs)
		xs_close(s->xs);
	if (s->simd)
		simd_close(s->simd);
	free(s);
	hv->priv = NULL;
}

static int fill_info(struct sim *s, const struct simd_domain_info *d, struct xctl_hv_dominfo *o, bool name)
{
	memset(o, 0, sizeof(*o));
	o->domid = d->domid;
	sim_uuid_format(d->uuid, o->uuid);
	o->type = d->type == SIMD_TYPE_HVM ? XCTL_GUEST_HVM : d->type == SIMD_TYPE_PVH ? XCTL_GUEST_PVH : XCTL_GUEST_PV;
	o->running = d->flags & SIMD_DOMF_RUNNING;
	o->blocked = d->flags & SIMD_DOMF_BLOCKED;
	o->paused = d->flags & SIMD_DOMF_PAUSED;
	o->shutdown = d->flags & SIMD_DOMF_SHUTDOWN;
	o->dying = d->flags & SIMD_DOMF_DYING;
	o->shutdown_reason = o->shutdown ? (int)d->shutdown_reason : XCTL_SHUTDOWN_UNKNOWN;
	o->current_memkb = d->target_kib;
	o->target_memkb = d->target_kib;
	o->max_memkb = d->max_kib;
	o->cpu_time = d->cpu_time_ns;
	o->vcpu_max_id = d->max_vcpus ? d->max_vcpus - 1 : 0;
	o->vcpu_online = d->online_vcpus;
	o->start_time_ms = d->created_ns / 1000000;
	if (name) {
		errno = 0;
		char *n = sim_xs_read(s, XS_FMT_DOMAIN_NAME, d->domid);
		if (!n && errno != ENOENT) {
			xctl_err_log(s->hv->log, "domain %u: cannot read its name from xenstore: %s", d->domid,
				     errno ? strerror(errno) : "injected fault");
			return XCTL_ERR_XENSTORE;
		}
		if (n)
			snprintf(o->name, sizeof(o->name), "%s", n);
		else if (d->domid == 0) /* before xen-init-dom0 has named it */
			snprintf(o->name, sizeof(o->name), "Domain-0");
		free(n);
	}
	return 0;
}

static int sim_list(struct xctl_hv *hv, struct xctl_hv_dominfo **out, size_t *n)
{
	struct sim *s = sim_of(hv);
	struct simd_domain_info *v = NULL;
	size_t nv = 0;
	*out = NULL;
	*n = 0;
	if (sim_fault(s, "simd domain list"))
		return sim_fail(s, XCTL_ERR_HV, "cannot list the domains");
	int rc = simd_domain_list(s->simd, &v, &nv);
	if (rc)
		return sim_fail(s, rc, "cannot list the domains");
	struct xctl_hv_dominfo *o = calloc(nv ? nv : 1, sizeof(*o));
	if (!o) {
		free(v);
		return XCTL_ERR_NOMEM;
	}
	for (size_t i = 0; i < nv && !rc; i++)
		rc = fill_info(s, &v[i], &o[i], true);
	free(v);
	if (rc) {
		free(o);
		return rc;
	}
	*out = o;
	*n = nv;
	return 0;
}

static int sim_info(struct xctl_hv *hv, uint32_t domid, struct xctl_hv_dominfo *out)
{
	struct sim *s = sim_of(hv);
	struct simd_domain_info d;
	if (sim_fault(s, "simd domain info"))
		return sim_fail(s, XCTL_ERR_HV, "domain %u: cannot get its state", domid);
	int rc = simd_domain_info(s->simd, domid, &d);
	if (rc == XCTL_ERR_NOTFOUND)
		return rc; /* the caller words "no such domain" */
	if (rc)
		return sim_fail(s, rc, "domain %u: cannot get its state", domid);
	return fill_info(s, &d, out, true);
}

static int sim_host(struct xctl_hv *hv, struct xctl_hv_hostinfo *o)
{
	struct sim *s = sim_of(hv);
	struct simd_host_info h;
	struct utsname u;
	if (sim_fault(s, "simd host info"))
		return sim_fail(s, XCTL_ERR_HV, "cannot get the host's information");
	int rc = simd_host_info(s->simd, &h);
	if (rc)
		return sim_fail(s, rc, "cannot get the host's information");
	memset(o, 0, sizeof(*o));
	o->nr_cpus = h.nr_cpus;
	o->max_cpu_id = h.nr_cpus ? h.nr_cpus - 1 : 0;
	o->nr_nodes = 1;
	o->cores_per_socket = h.nr_cpus;
	o->threads_per_core = 1;
	o->cpu_khz = 2000000;
	o->cap_hvm = o->cap_pv = o->cap_hap = o->cap_shadow = true;
	o->cap_gnttab_v1 = o->cap_gnttab_v2 = true;
	o->total_pages = h.total_kib / 4;
	o->free_pages = h.free_kib / 4;
	o->free_cpus = 0;
	o->xen_major = (int)h.xen_major;
	o->xen_minor = (int)h.xen_minor;
	snprintf(o->xen_extra, sizeof(o->xen_extra), "-sim");
	snprintf(o->xen_caps, sizeof(o->xen_caps), "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64");
	snprintf(o->xen_scheduler, sizeof(o->xen_scheduler), "credit2");
	o->xen_pagesize = 4096;
	o->virt_start = 0xffff800000000000ull;
	snprintf(o->xen_changeset, sizeof(o->xen_changeset), "simulated host (xctl-simd pid %ld)", (long)h.pid);
	snprintf(o->xen_commandline, sizeof(o->xen_commandline), "simulated");
	snprintf(o->cc_compiler, sizeof(o->cc_compiler), "xctl-simd");
	snprintf(o->cc_compile_by, sizeof(o->cc_compile_by), "xctl");
	snprintf(o->cc_compile_domain, sizeof(o->cc_compile_domain), "simulated");
	snprintf(o->cc_compile_date, sizeof(o->cc_compile_date), "%s", __DATE__);
	if (!uname(&u)) {
		snprintf(o->host, sizeof(o->host), "%s", u.nodename);
		snprintf(o->release, sizeof(o->release), "%s", u.release);
		snprintf(o->version, sizeof(o->version), "%s", u.version);
		snprintf(o->machine, sizeof(o->machine), "%s", u.machine);
	}
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	uint64_t now_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	o->dom0_uptime_ms = now_ns > h.started_ns ? (now_ns - h.started_ns) / 1000000 : 0;
	return 0;
}

static int sim_pause(struct xctl_hv *hv, uint32_t domid)
{
	struct sim *s = sim_of(hv);
	if (sim_fault(s, "simd pause"))
		return sim_fail(s, XCTL_ERR_HV, "domain %u: cannot pause it", domid);
	int rc = simd_domain_pause(s->simd, domid);
	return rc ? sim_fail(s, rc, "domain %u: cannot pause it", domid) : 0;
}

static int sim_unpause(struct xctl_hv *hv, uint32_t domid)
{
	struct sim *s = sim_of(hv);
	if (sim_fault(s, "simd unpause"))
		return sim_fail(s, XCTL_ERR_HV, "domain %u: cannot unpause it", domid);
	int rc = simd_domain_unpause(s->simd, domid);
	return rc ? sim_fail(s, rc, "domain %u: cannot unpause it", domid) : 0;
}

static void map_from_simd(const struct simd_cpumap *m, uint32_t ncpus, struct xctl_hv_cpumap *o)
{
	if (xctl_hv_cpumap_alloc(o, ncpus))
		return;
	for (uint32_t c = 0; c < ncpus && c < SIMD_MAX_CPUS; c++)
		if (m->bits[c / 64] >> (c % 64) & 1)
			xctl_hv_cpumap_set(o, c);
}

static int sim_vcpu_list(struct xctl_hv *hv, uint32_t domid, struct xctl_hv_vcpuinfo **out, size_t *n)
{
	struct sim *s = sim_of(hv);
	struct simd_vcpu_info *v = NULL;
	struct simd_host_info h;
	size_t nv = 0;
	*out = NULL;
	*n = 0;
	if (sim_fault(s, "simd vcpu list"))
		return sim_fail(s, XCTL_ERR_HV, "domain %u: cannot list its vcpus", domid);
	int rc = simd_host_info(s->simd, &h);
	if (!rc)
		rc = simd_vcpu_list(s->simd, domid, &v, &nv);
	if (rc)
		return rc == XCTL_ERR_NOTFOUND ? rc : sim_fail(s, rc, "domain %u: cannot list its vcpus", domid);
	struct xctl_hv_vcpuinfo *o = calloc(nv ? nv : 1, sizeof(*o));
	if (!o) {
		free(v);
		return XCTL_ERR_NOMEM;
	}
	for (size_t i = 0; i < nv; i++) {
		o[i].vcpuid = v[i].vcpu;
		o[i].cpu = v[i].cpu;
		o[i].online = v[i].online;
		o[i].running = v[i].running;
		o[i].blocked = v[i].online && !v[i].running;
		o[i].vcpu_time = v[i].cpu_time_ns;
		map_from_simd(&v[i].hard, h.nr_cpus, &o[i].hard);
		map_from_simd(&v[i].soft, h.nr_cpus, &o[i].soft);
		if (!o[i].hard.map || !o[i].soft.map) {
			xctl_hv_vcpuinfo_free(o, nv);
			free(v);
			return XCTL_ERR_NOMEM;
		}
	}
	free(v);
	*out = o;
	*n = nv;
	return 0;
}

static void map_to_simd(const struct xctl_hv_cpumap *m, struct simd_cpumap *o)
{
	memset(o, 0, sizeof(*o));
	for (uint32_t c = 0; c < SIMD_MAX_CPUS; c++)
		if (xctl_hv_cpumap_test(m, c))
			o->bits[c / 64] |= 1ull << (c % 64);
}

static int sim_vcpu_pin(struct xctl_hv *hv, uint32_t domid, uint32_t vcpu, const struct xctl_hv_cpumap *hard,
			const struct xctl_hv_cpumap *soft)
{
	struct sim *s = sim_of(hv);
	struct simd_cpumap h, sf;
	struct simd_domain_info d;
	if (hard)
		map_to_simd(hard, &h);
	if (soft)
		map_to_simd(soft, &sf);
	int rc = simd_domain_info(s->simd, domid, &d);
	if (rc)
		return rc == XCTL_ERR_NOTFOUND ? rc : sim_fail(s, rc, "domain %u: cannot pin its vcpus", domid);
	for (uint32_t v = 0; v < d.max_vcpus; v++) {
		if (vcpu != UINT32_MAX && v != vcpu)
			continue;
		if (sim_fault(s, "simd vcpu affinity"))
			return sim_fail(s, XCTL_ERR_HV, "domain %u vcpu %u: cannot set its affinity", domid, v);
		rc = simd_vcpu_set_affinity(s->simd, domid, v, hard ? &h : NULL, soft ? &sf : NULL);
		if (rc)
			return sim_fail(s, rc, "domain %u vcpu %u: cannot set its affinity", domid, v);
	}
	if (vcpu != UINT32_MAX && vcpu >= d.max_vcpus) {
		xctl_err_log(hv->log, "domain %u has no vcpu %u (it has %u)", domid, vcpu, d.max_vcpus);
		return XCTL_ERR_INVAL;
	}
	return 0;
}

/* The simulated hypervisor's console is xctl-simd's log. */
static int sim_dmesg(struct xctl_hv *hv, bool clear, char **text)
{
	struct sim *s = sim_of(hv);
	char path[512];
	size_t len;
	snprintf(path, sizeof(path), "%s/%s/xctl-simd.log", s->dir, SIMD_LOG_SUBDIR);
	int rc = xctl_read_file(path, 16u << 20, text, &len);
	if (rc == XCTL_ERR_NOTFOUND) {
		*text = strdup("");
		return *text ? 0 : XCTL_ERR_NOMEM;
	}
	if (rc) {
		xctl_err_log(hv->log, "cannot read the simulated hypervisor's log %s: %s", path, xctl_strerror(rc));
		return rc;
	}
	if (clear) {
		int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

static int sim_wait(struct xctl_hv *hv, uint32_t domid, int timeout_ms, struct xctl_hv_dominfo *out, bool *gone)
{
	struct sim *s = sim_of(hv);
	struct simd_domain_info d;
	*gone = false;
	int rc = simd_domain_wait(s->simd, domid, SIMD_DOMF_SHUTDOWN | SIMD_DOMF_DYING, timeout_ms, &d);
	if (rc == XCTL_ERR_NOTFOUND) {
		memset(out, 0, sizeof(*out));
		out->domid = domid;
		*gone = true;
		return 0;
	}
	if (rc == XCTL_ERR_TIMEOUT)
		return rc;
	if (rc)
		return sim_fail(s, rc, "domain %u: cannot wait for it", domid);
	return fill_info(s, &d, out, true);
}

static int sim_soft_reset(struct xctl_hv *hv, uint32_t domid)
{
	xctl_err_log(hv->log, "domain %u: soft reset is not supported by the simulated host", domid);
	return XCTL_ERR_UNSUPPORTED;
}

/* The simulated guest's memory is not reachable from dom0: the core file
 * holds what the hypervisor knows of the domain. */
static int sim_core_dump(struct xctl_hv *hv, uint32_t domid, const char *path)
{
	struct xctl_hv_dominfo d;
	int rc = sim_info(hv, domid, &d);
	if (rc)
		return rc;
	FILE *f = fopen(path, "we");
	if (!f) {
		rc = xctl_err_from_errno(errno);
		xctl_err_log(hv->log, "domain %u: cannot write its core to %s: %s", domid, path, strerror(errno));
		return rc;
	}
	fprintf(f, "xctl simulated core dump\ndomid %u\nname %s\nuuid %s\nmax_memkb %llu\nshutdown_reason %s\n",
		domid, d.name, d.uuid, (unsigned long long)d.max_memkb, xctl_shutdown_reason_name(d.shutdown_reason));
	if (fclose(f)) {
		xctl_err_log(hv->log, "domain %u: cannot write its core to %s", domid, path);
		return XCTL_ERR_IO;
	}
	return 0;
}

const struct xctl_hv_ops xctl_hv_sim_ops = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.create_steps = sim_create_steps,
	.build_free = sim_build_free,
	.destroy = sim_destroy,
	.cleanup_uuid = sim_cleanup_uuid,
	.pause = sim_pause,
	.unpause = sim_unpause,
	.shutdown = sim_shutdown,
	.sysrq = sim_sysrq,
	.soft_reset = sim_soft_reset,
	.core_dump = sim_core_dump,
	.list = sim_list,
	.info = sim_info,
	.host = sim_host,
	.dmesg = sim_dmesg,
	.vcpu_list = sim_vcpu_list,
	.rename = sim_rename,
	.mem_target = sim_mem_target,
	.mem_max = sim_mem_max,
	.vcpu_set = sim_vcpu_set,
	.vcpu_pin = sim_vcpu_pin,
	.wait = sim_wait,
	.console = sim_console,
	.device_add = sim_device_add,
	.device_remove = sim_device_remove,
	.device_list = sim_device_list,
};
