/* SPDX-License-Identifier: LGPL-2.1-only */
/* The hv port over libxl: domains and the host as xl list and xl info read
 * them (libxl_list_domain, libxl_get_physinfo, libxl_get_version_info),
 * vcpus, memory, renaming, and waiting for a domain's shutdown. */
#include "toolstack/hv/xen/xen_int.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#include "xenstore-schema/xs_paths.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <xenstore.h>

static void copy_str(char *dst, size_t size, const char *s)
{
	snprintf(dst, size, "%s", s ? s : "");
}

/* A guest with Xen's hvm_guest flag is PVH or HVM: libxl_dominfo says HVM
 * for both, and libxl tells them apart by /libxl/DOMID/type, which it
 * wrote at creation (libxl__domain_type); so does this. */
static int hvm_type(struct xctl_hv *hv, uint32_t domid)
{
	struct xctl_xen *x = hv->priv;
	char path[64];
	unsigned int len;
	if (!x->xs)
		x->xs = xs_open(0);
	snprintf(path, sizeof(path), XS_FMT_LIBXL_DOM_TYPE, domid);
	char *t = x->xs ? xs_read(x->xs, XBT_NULL, path, &len) : NULL;
	int type = t && !strcmp(t, "pvh") ? XCTL_GUEST_PVH : XCTL_GUEST_HVM;
	free(t);
	return type;
}

static void dominfo(struct xctl_hv *hv, const libxl_dominfo *in, struct xctl_hv_dominfo *out)
{
	libxl_ctx *ctx = xctl_xen_ctx(hv);
	memset(out, 0, sizeof(*out));
	out->domid = in->domid;
	snprintf(out->uuid, sizeof(out->uuid), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(in->uuid));
	char *name = libxl_domid_to_name(ctx, in->domid);
	copy_str(out->name, sizeof(out->name), name);
	free(name);
	out->type = in->domain_type == LIBXL_DOMAIN_TYPE_HVM	 ? hvm_type(hv, in->domid)
		    : in->domain_type == LIBXL_DOMAIN_TYPE_PVH ? XCTL_GUEST_PVH
							       : XCTL_GUEST_PV;
	out->running = in->running;
	out->blocked = in->blocked;
	out->paused = in->paused;
	out->shutdown = in->shutdown;
	out->dying = in->dying;
	out->shutdown_reason = in->shutdown ? (int)in->shutdown_reason : XCTL_SHUTDOWN_UNKNOWN;
	out->current_memkb = in->current_memkb;
	out->max_memkb = in->max_memkb;
	out->shared_memkb = in->shared_memkb;
	out->outstanding_memkb = in->outstanding_memkb;
	out->cpu_time = in->cpu_time;
	out->vcpu_max_id = in->vcpu_max_id;
	out->vcpu_online = in->vcpu_online;
	out->cpupool = in->cpupool;
	out->ssidref = in->ssidref;
	/* Not for dom0: libxl_get_memory_target(0) writes dom0's memory/target
	 * and static-max when they are missing, which xl list never does (the
	 * lab's tree-compare saw them appear after the first xctl list) */
	uint64_t target = 0;
	if (in->domid && !libxl_get_memory_target(ctx, in->domid, &target))
		out->target_memkb = target;
	/* dom0 has no /vm/UUID/start_time (libxl would log an error for it) */
	if (in->domid)
		out->start_time_ms = (uint64_t)libxl_vm_get_start_time(ctx, in->domid) * 1000;
}

int xctl_xen_list(struct xctl_hv *hv, struct xctl_hv_dominfo **out, size_t *n)
{
	libxl_ctx *ctx = xctl_xen_ctx(hv);
	int nb = 0;
	*out = NULL;
	*n = 0;
	if (xctl_hv_fault(hv, "libxl_list_domain"))
		return XCTL_ERR_HV;
	libxl_dominfo *list = libxl_list_domain(ctx, &nb);
	if (!list) {
		xctl_err_log(hv->log, "cannot list the domains (libxl_list_domain failed)");
		return XCTL_ERR_HV;
	}
	*out = calloc(nb ? (size_t)nb : 1, sizeof(**out));
	if (!*out) {
		libxl_dominfo_list_free(list, nb);
		return XCTL_ERR_NOMEM;
	}
	for (int i = 0; i < nb; i++)
		dominfo(hv, &list[i], &(*out)[i]);
	*n = (size_t)nb;
	libxl_dominfo_list_free(list, nb);
	return 0;
}

int xctl_xen_info(struct xctl_hv *hv, uint32_t domid, struct xctl_hv_dominfo *out)
{
	libxl_ctx *ctx = xctl_xen_ctx(hv);
	libxl_dominfo info;
	if (xctl_hv_fault(hv, "libxl_domain_info"))
		return XCTL_ERR_HV;
	libxl_dominfo_init(&info);
	int lrc = libxl_domain_info(ctx, &info, domid);
	if (!lrc)
		dominfo(hv, &info, out);
	libxl_dominfo_dispose(&info);
	return lrc == ERROR_DOMAIN_NOTFOUND ? XCTL_ERR_NOTFOUND : xctl_xen_err(lrc);
}

int xctl_xen_host(struct xctl_hv *hv, struct xctl_hv_hostinfo *out)
{
	libxl_ctx *ctx = xctl_xen_ctx(hv);
	libxl_physinfo p;
	memset(out, 0, sizeof(*out));
	if (xctl_hv_fault(hv, "libxl_get_physinfo"))
		return XCTL_ERR_HV;
	libxl_physinfo_init(&p);
	if (libxl_get_physinfo(ctx, &p)) {
		libxl_physinfo_dispose(&p);
		xctl_err_log(hv->log, "cannot read the host's physical information (libxl_get_physinfo failed)");
		return XCTL_ERR_HV;
	}
	out->nr_cpus = p.nr_cpus;
	out->max_cpu_id = p.max_cpu_id;
	out->nr_nodes = p.nr_nodes;
	out->cores_per_socket = p.cores_per_socket;
	out->threads_per_core = p.threads_per_core;
	out->cpu_khz = p.cpu_khz;
	memcpy(out->hw_cap, p.hw_cap, sizeof(out->hw_cap));
	out->cap_hvm = p.cap_hvm;
	out->cap_pv = p.cap_pv;
	out->cap_hap = p.cap_hap;
	out->cap_shadow = p.cap_shadow;
	out->cap_hvm_directio = p.cap_hvm_directio;
	out->cap_iommu_hap_pt_share = p.cap_iommu_hap_pt_share;
	out->cap_vmtrace = p.cap_vmtrace;
	out->cap_vpmu = p.cap_vpmu;
	out->cap_gnttab_v1 = p.cap_gnttab_v1;
	out->cap_gnttab_v2 = p.cap_gnttab_v2;
	out->total_pages = p.total_pages;
	out->free_pages = p.free_pages;
	out->scrub_pages = p.scrub_pages;
	out->outstanding_pages = p.outstanding_pages;
	out->sharing_freed_pages = p.sharing_freed_pages;
	out->sharing_used_frames = p.sharing_used_frames;
	libxl_physinfo_dispose(&p);
	libxl_bitmap free_cpus;
	libxl_bitmap_init(&free_cpus);
	if (!libxl_get_freecpus(ctx, &free_cpus))
		out->free_cpus = (uint32_t)libxl_bitmap_count_set(&free_cpus);
	libxl_bitmap_dispose(&free_cpus);

	const libxl_version_info *v = libxl_get_version_info(ctx);
	if (v) {
		out->xen_major = v->xen_version_major;
		out->xen_minor = v->xen_version_minor;
		copy_str(out->xen_extra, sizeof(out->xen_extra), v->xen_version_extra);
		copy_str(out->xen_caps, sizeof(out->xen_caps), v->capabilities);
		out->xen_pagesize = (uint32_t)v->pagesize;
		out->virt_start = v->virt_start;
		copy_str(out->xen_changeset, sizeof(out->xen_changeset), v->changeset);
		copy_str(out->xen_commandline, sizeof(out->xen_commandline), v->commandline);
		copy_str(out->cc_compiler, sizeof(out->cc_compiler), v->compiler);
		copy_str(out->cc_compile_by, sizeof(out->cc_compile_by), v->compile_by);
		copy_str(out->cc_compile_domain, sizeof(out->cc_compile_domain), v->compile_domain);
		copy_str(out->cc_compile_date, sizeof(out->cc_compile_date), v->compile_date);
		copy_str(out->build_id, sizeof(out->build_id), v->build_id);
	}
	libxl_scheduler s = libxl_get_scheduler(ctx);
	copy_str(out->xen_scheduler, sizeof(out->xen_scheduler), libxl_scheduler_to_string(s));
	struct utsname u;
	if (!uname(&u)) {
		copy_str(out->host, sizeof(out->host), u.nodename);
		copy_str(out->release, sizeof(out->release), u.release);
		copy_str(out->version, sizeof(out->version), u.version);
		copy_str(out->machine, sizeof(out->machine), u.machine);
	}
	struct timespec ts;
	if (!clock_gettime(CLOCK_BOOTTIME, &ts))
		out->dom0_uptime_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	return 0;
}

int xctl_xen_dmesg(struct xctl_hv *hv, bool clear, char **text)
{
	libxl_ctx *ctx = xctl_xen_ctx(hv);
	struct xctl_buf b = { 0 };
	char *line;
	int rc = 0;
	*text = NULL;
	if (xctl_hv_fault(hv, "libxl_xen_console_read"))
		return XCTL_ERR_HV;
	libxl_xen_console_reader *cr = libxl_xen_console_read_start(ctx, clear);
	if (!cr) {
		xctl_err_log(hv->log, "cannot read the hypervisor's console");
		return XCTL_ERR_HV;
	}
	while (libxl_xen_console_read_line(ctx, cr, &line) > 0 && !rc)
		rc = xctl_buf_adds(&b, line);
	libxl_xen_console_read_finish(ctx, cr);
	if (!rc && !b.p)
		rc = xctl_buf_adds(&b, "");
	if (rc) {
		xctl_buf_free(&b);
		return rc;
	}
	*text = xctl_buf_steal(&b);
	return 0;
}

static int cpumap_from(struct xctl_hv_cpumap *out, const libxl_bitmap *in)
{
	if (xctl_hv_cpumap_alloc(out, in->size * 8))
		return XCTL_ERR_NOMEM;
	for (uint32_t i = 0; i < in->size * 8 && i < out->nbytes * 8; i++)
		if (libxl_bitmap_test(in, (int)i))
			xctl_hv_cpumap_set(out, i);
	return 0;
}

int xctl_xen_vcpu_list(struct xctl_hv *hv, uint32_t domid, struct xctl_hv_vcpuinfo **out, size_t *n)
{
	libxl_ctx *ctx = xctl_xen_ctx(hv);
	int nb = 0, nr_cpus = 0, rc = 0;
	*out = NULL;
	*n = 0;
	if (xctl_hv_fault(hv, "libxl_list_vcpu"))
		return XCTL_ERR_HV;
	libxl_vcpuinfo *v = libxl_list_vcpu(ctx, domid, &nb, &nr_cpus);
	if (!v) {
		xctl_err_log(hv->log, "domain %u: cannot list its vcpus", domid);
		return XCTL_ERR_NOTFOUND;
	}
	*out = calloc(nb ? (size_t)nb : 1, sizeof(**out));
	if (!*out) {
		libxl_vcpuinfo_list_free(v, nb);
		return XCTL_ERR_NOMEM;
	}
	for (int i = 0; i < nb && !rc; i++) {
		struct xctl_hv_vcpuinfo *o = &(*out)[i];
		o->vcpuid = v[i].vcpuid;
		o->cpu = v[i].cpu;
		o->online = v[i].online;
		o->blocked = v[i].blocked;
		o->running = v[i].running;
		o->vcpu_time = v[i].vcpu_time;
		rc = cpumap_from(&o->hard, &v[i].cpumap);
		if (!rc)
			rc = cpumap_from(&o->soft, &v[i].cpumap_soft);
		*n = (size_t)i + 1;
	}
	libxl_vcpuinfo_list_free(v, nb);
	if (rc) {
		xctl_hv_vcpuinfo_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int xctl_xen_rename(struct xctl_hv *hv, uint32_t domid, const char *name)
{
	if (xctl_hv_fault(hv, "libxl_domain_rename"))
		return XCTL_ERR_HV;
	int lrc = libxl_domain_rename(xctl_xen_ctx(hv), domid, NULL, name);
	if (lrc)
		xctl_err_log(hv->log, "domain %u: cannot rename it to '%s' (libxl error %d)", domid, name, lrc);
	return xctl_xen_err(lrc);
}

int xctl_xen_mem_target(struct xctl_hv *hv, uint32_t domid, uint64_t target_kib)
{
	if (xctl_hv_fault(hv, "libxl_set_memory_target"))
		return XCTL_ERR_HV;
	int lrc = libxl_set_memory_target(xctl_xen_ctx(hv), domid, (int64_t)target_kib, 0, 1);
	if (lrc)
		xctl_err_log(hv->log, "domain %u: cannot set its memory target to %llu KiB (libxl error %d)", domid,
			     (unsigned long long)target_kib, lrc);
	return xctl_xen_err(lrc);
}

int xctl_xen_mem_max(struct xctl_hv *hv, uint32_t domid, uint64_t max_kib)
{
	if (xctl_hv_fault(hv, "libxl_domain_setmaxmem"))
		return XCTL_ERR_HV;
	int lrc = libxl_domain_setmaxmem(xctl_xen_ctx(hv), domid, max_kib);
	if (lrc)
		xctl_err_log(hv->log, "domain %u: cannot set its maximum memory to %llu KiB (libxl error %d)", domid,
			     (unsigned long long)max_kib, lrc);
	return xctl_xen_err(lrc);
}

int xctl_xen_vcpu_set(struct xctl_hv *hv, uint32_t domid, uint32_t count)
{
	libxl_ctx *ctx = xctl_xen_ctx(hv);
	libxl_dominfo info;
	libxl_bitmap map;
	int rc;
	libxl_dominfo_init(&info);
	libxl_bitmap_init(&map);
	if (xctl_hv_fault(hv, "libxl_set_vcpuonline")) {
		rc = XCTL_ERR_HV;
		goto out;
	}
	rc = xctl_xen_err(libxl_domain_info(ctx, &info, domid));
	if (rc)
		goto out;
	if (count < 1 || count > info.vcpu_max_id + 1) {
		xctl_err_log(hv->log, "domain %u: %u vcpus asked, it has 1 to %u", domid, count, info.vcpu_max_id + 1);
		rc = XCTL_ERR_INVAL;
		goto out;
	}
	if (libxl_cpu_bitmap_alloc(ctx, &map, (int)info.vcpu_max_id + 1)) {
		rc = XCTL_ERR_NOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < count; i++)
		libxl_bitmap_set(&map, (int)i);
	int lrc = libxl_set_vcpuonline(ctx, domid, &map, NULL);
	if (lrc)
		xctl_err_log(hv->log, "domain %u: cannot set %u vcpus online (libxl error %d)", domid, count, lrc);
	rc = xctl_xen_err(lrc);
out:
	libxl_bitmap_dispose(&map);
	libxl_dominfo_dispose(&info);
	return rc;
}

static int cpumap_to(libxl_ctx *ctx, libxl_bitmap *out, const struct xctl_hv_cpumap *in)
{
	libxl_bitmap_init(out);
	if (libxl_cpu_bitmap_alloc(ctx, out, 0))
		return XCTL_ERR_NOMEM;
	for (uint32_t i = 0; i < in->nbytes * 8 && i < out->size * 8; i++)
		if (xctl_hv_cpumap_test(in, i))
			libxl_bitmap_set(out, (int)i);
	return 0;
}

int xctl_xen_vcpu_pin(struct xctl_hv *hv, uint32_t domid, uint32_t vcpu, const struct xctl_hv_cpumap *hard,
		      const struct xctl_hv_cpumap *soft)
{
	libxl_ctx *ctx = xctl_xen_ctx(hv);
	libxl_bitmap h, s;
	libxl_dominfo info;
	int rc = 0, lrc = 0;
	libxl_bitmap_init(&h);
	libxl_bitmap_init(&s);
	libxl_dominfo_init(&info);
	if (xctl_hv_fault(hv, "libxl_set_vcpuaffinity")) {
		rc = XCTL_ERR_HV;
		goto out;
	}
	if ((hard && (rc = cpumap_to(ctx, &h, hard))) || (soft && (rc = cpumap_to(ctx, &s, soft))))
		goto out;
	if (vcpu == UINT32_MAX) {
		rc = xctl_xen_err(libxl_domain_info(ctx, &info, domid));
		if (rc)
			goto out;
		lrc = libxl_set_vcpuaffinity_all(ctx, domid, info.vcpu_max_id + 1, hard ? &h : NULL, soft ? &s : NULL);
	} else {
		lrc = libxl_set_vcpuaffinity(ctx, domid, vcpu, hard ? &h : NULL, soft ? &s : NULL);
	}
	if (lrc) {
		xctl_err_log(hv->log, "domain %u: cannot pin its vcpus (libxl error %d)", domid, lrc);
		rc = xctl_xen_err(lrc);
	}
out:
	libxl_bitmap_dispose(&h);
	libxl_bitmap_dispose(&s);
	libxl_dominfo_dispose(&info);
	return rc;
}

/* The domain's state from the hypervisor alone (no xenstore read): whether
 * it is gone, or shut down or dying. */
static int wait_state(libxl_ctx *ctx, uint32_t domid, bool *gone, bool *done)
{
	libxl_dominfo info;
	libxl_dominfo_init(&info);
	int lrc = libxl_domain_info(ctx, &info, domid);
	*gone = lrc == ERROR_DOMAIN_NOTFOUND;
	*done = *gone || (!lrc && (info.shutdown || info.dying));
	libxl_dominfo_dispose(&info);
	return *gone || !lrc ? 0 : xctl_xen_err(lrc);
}

int xctl_xen_wait(struct xctl_hv *hv, uint32_t domid, int timeout_ms, struct xctl_hv_dominfo *out, bool *gone)
{
	/* As xl's domain-death wait: Xen's xenstored fires @releaseDomain when a
	 * domain shuts down, starts dying or is gone, and the domain's state is
	 * then read from the hypervisor. Between events nothing is asked of
	 * xenstored or Xen: a monitor of an idle guest costs nothing. */
	libxl_ctx *ctx = xctl_xen_ctx(hv);
	long start = xctl_mono_ms();
	bool done = false;
	int rc = 0;
	*gone = false;
	struct xs_handle *xs = xs_open(0);
	if (!xs) {
		xctl_err_log(hv->log, "domain %u: cannot wait for its shutdown: cannot connect to xenstored (%s)", domid,
			     strerror(errno));
		return XCTL_ERR_XENSTORE;
	}
	if (!xs_watch(xs, XS_WATCH_RELEASE_DOMAIN, "xctl-wait")) {
		xctl_err_log(hv->log, "domain %u: cannot wait for its shutdown: cannot watch %s (%s)", domid,
			     XS_WATCH_RELEASE_DOMAIN, strerror(errno));
		rc = XCTL_ERR_XENSTORE;
		goto out;
	}
	/* the watch is set before the first look: no change falls between */
	for (;;) {
		rc = wait_state(ctx, domid, gone, &done);
		if (rc || done)
			break;
		int left = -1;
		if (timeout_ms >= 0) {
			long e = xctl_mono_ms() - start;
			if (e >= timeout_ms) {
				rc = XCTL_ERR_TIMEOUT;
				break;
			}
			left = (int)(timeout_ms - e);
		}
		struct pollfd pfd = { .fd = xs_fileno(xs), .events = POLLIN };
		int n = poll(&pfd, 1, left);
		if (n < 0 && errno != EINTR) {
			xctl_err_log(hv->log, "domain %u: waiting for its shutdown failed: %s", domid, strerror(errno));
			rc = XCTL_ERR_IO;
			break;
		}
		if (n > 0) {
			unsigned int num;
			free(xs_read_watch(xs, &num));
		}
	}
out:
	xs_close(xs);
	if (rc)
		return rc;
	if (*gone) {
		memset(out, 0, sizeof(*out));
		out->domid = domid;
		return 0;
	}
	rc = xctl_xen_info(hv, domid, out);
	if (rc == XCTL_ERR_NOTFOUND) {
		memset(out, 0, sizeof(*out));
		out->domid = domid;
		*gone = true;
		return 0;
	}
	return rc;
}
