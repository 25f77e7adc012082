/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/sim: creating a domain as libxl does (libxl__domain_make, the
 * builder's xenstore nodes, the console, then each device), as undoable
 * steps: the domain in xctl-simd, its xenstore tree, each disk and vif, and
 * the wait for their backends. */
#include "toolstack/hv/sim/sim_int.h"
#include "sim/simd/simd.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CONSOLE_LIMIT "1048576"

struct sim_build {
	struct simd_domain_info info;
	char uuid[XCTL_UUID_STRLEN];
	char (*names)[32];          /* step names of the devices */
	struct sim_devref *devs;    /* devices to wait for */
	size_t ndevs;
	bool domain_made;
};

static struct sim_build *sb(struct xctl_hv_build *b)
{
	return b->priv;
}

static const char *bios_name(int bios)
{
	static const char *const n[] = { "rombios", "seabios", "ovmf" };
	return bios >= 0 && bios < 3 ? n[bios] : "seabios";
}

/* ---- step: the domain in the hypervisor */

static int run_domain(struct xctl_hv *hv, struct xctl_hv_build *b, size_t arg)
{
	(void)arg;
	struct sim *s = sim_of(hv);
	struct sim_build *p = sb(b);
	const struct xctl_domain_config *m = b->cfg;
	struct simd_domain_config c = { 0 };
	uint32_t domid;
	int rc = sim_uuid_parse(m->uuid, c.uuid);
	if (rc) {
		xctl_err_log(hv->log, "domain %s: bad uuid '%s'", m->name, m->uuid);
		return rc;
	}
	c.type = m->type == XCTL_GUEST_HVM ? SIMD_TYPE_HVM : m->type == XCTL_GUEST_PVH ? SIMD_TYPE_PVH : SIMD_TYPE_PV;
	c.max_kib = (uint64_t)(m->maxmem > m->memory ? m->maxmem : m->memory) * 1024;
	c.target_kib = (uint64_t)m->memory * 1024;
	c.max_vcpus = (uint32_t)(m->maxvcpus > m->vcpus ? m->maxvcpus : m->vcpus);
	c.vcpus = (uint32_t)m->vcpus;
	if (m->max_grant_frames > 0 && m->max_grant_frames <= SIMD_MAX_GRANT_FRAMES)
		c.max_grant_frames = (uint32_t)m->max_grant_frames;
	snprintf(c.name, sizeof(c.name), "%s", m->name);
	if (sim_fault(s, "simd domain create"))
		return sim_fail(s, XCTL_ERR_HV, "domain %s: cannot create it in the hypervisor", m->name);
	rc = simd_domain_create(s->simd, &c, &domid);
	if (rc)
		return sim_fail(s, rc, "domain %s: cannot create it in the hypervisor", m->name);
	b->domid = domid;
	b->have_domid = true;
	rc = sim_fault(s, "simd domain info") ? XCTL_ERR_HV : simd_domain_info(s->simd, domid, &p->info);
	if (rc) {
		sim_fail(s, rc, "domain %s (%u): cannot read its state", m->name, domid);
		simd_domain_destroy(s->simd, domid);
		simd_domain_wait(s->simd, domid, 0, 5000, NULL);
		b->have_domid = false;
		return rc;
	}
	p->domain_made = true;
	return 0;
}

static int undo_domain(struct xctl_hv *hv, struct xctl_hv_build *b, size_t arg)
{
	(void)arg;
	struct sim *s = sim_of(hv);
	if (!b->have_domid)
		return 0;
	int rc = simd_domain_destroy(s->simd, b->domid);
	if (rc && rc != XCTL_ERR_NOTFOUND)
		return sim_fail(s, rc, "domain %u: cannot destroy it", b->domid);
	rc = simd_domain_wait(s->simd, b->domid, 0, 10000, NULL);
	if (rc && rc != XCTL_ERR_NOTFOUND)
		return sim_fail(s, rc, "domain %u: still not gone", b->domid);
	sb(b)->domain_made = false;
	/* what the console daemon may have written while it went */
	return sim_rm_home(s, b->domid);
}

/* ---- step: the domain's xenstore tree */

static void cmdline(const struct xctl_domain_config *m, char *out, size_t len)
{
	if (m->cmdline)
		snprintf(out, len, "%s", m->cmdline);
	else
		snprintf(out, len, "%s%s%s%s", m->root ? "root=" : "", m->root ? m->root : "",
			 m->root && m->extra ? " " : "", m->extra ? m->extra : "");
}

struct tree_arg {
	struct xctl_hv_build *b;
};

static void write_tree(struct xw *w, void *arg)
{
	struct xctl_hv_build *b = ((struct tree_arg *)arg)->b;
	struct sim_build *p = sb(b);
	const struct xctl_domain_config *m = b->cfg;
	uint32_t d = b->domid;
	bool hvm = m->type == XCTL_GUEST_HVM, pv = m->type == XCTL_GUEST_PV;
	const char *uuid = m->uuid;
	char vmpath[64];
	uint64_t video_kib = hvm && m->videoram > 0 ? (uint64_t)m->videoram * 1024 : 0;
	uint64_t max_kib = (uint64_t)(m->maxmem > m->memory ? m->maxmem : m->memory) * 1024;
	uint64_t target_kib = (uint64_t)m->memory * 1024 - video_kib;
	int64_t maxv = m->maxvcpus > m->vcpus ? m->maxvcpus : m->vcpus;

	snprintf(vmpath, sizeof(vmpath), XS_FMT_VM_DIR, uuid);
	/* /local/domain/N (libxl__domain_make) */
	xw_rm(w, XS_FMT_DOMAIN_HOME, d);
	xw_mkdir(w, XS_FMT_DOMAIN_HOME, d);
	xw_perms(w, XW_DOM0_READ, d, 0, XS_FMT_DOMAIN_HOME, d);
	xw_write(w, vmpath, XS_FMT_DOMAIN_VM, d);
	xw_write(w, m->name, XS_FMT_DOMAIN_NAME, d);
	for (int64_t i = 0; i < maxv; i++)
		xw_write(w, i < m->vcpus ? "online" : "offline", XS_FMT_DOMAIN_CPU_AVAILABILITY, d, (unsigned)i);
	char num[32];
	snprintf(num, sizeof(num), "%llu", (unsigned long long)max_kib);
	xw_write(w, num, XS_FMT_DOMAIN_MEMORY_STATIC_MAX, d);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)target_kib);
	xw_write(w, num, XS_FMT_DOMAIN_MEMORY_TARGET, d);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)video_kib);
	xw_write(w, num, XS_FMT_DOMAIN_MEMORY_VIDEORAM, d);
	xw_mkdir(w, XS_FMT_DOMAIN_DEVICE_SUSPEND, d);
	xw_write(w, "", XS_FMT_DOMAIN_DEVICE_SUSPEND_EVENT_CHANNEL, d);
	xw_perms(w, XW_GUEST_OWNED, d, 0, XS_FMT_DOMAIN_DEVICE_SUSPEND_EVENT_CHANNEL, d);
	/* control/: the guest writes its features and acknowledges requests */
	struct {
		const char *fmt;
		bool hvm_only;
	} guest_nodes[] = { { XS_FMT_DOMAIN_CONTROL_SHUTDOWN, false },   { XS_FMT_DOMAIN_CONTROL_FEATURE_POWEROFF, false },
			    { XS_FMT_DOMAIN_CONTROL_FEATURE_REBOOT, false }, { XS_FMT_DOMAIN_CONTROL_FEATURE_SUSPEND, false },
			    { XS_FMT_DOMAIN_CONTROL_FEATURE_S3, true },      { XS_FMT_DOMAIN_CONTROL_FEATURE_S4, true },
			    { XS_FMT_DOMAIN_CONTROL_SYSRQ, false } };
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(guest_nodes); i++) {
		if (guest_nodes[i].hvm_only && !hvm)
			continue;
		char path[128];
		snprintf(path, sizeof(path), guest_nodes[i].fmt, d);
		xw_write(w, "", "%s", path);
		xw_perms(w, XW_GUEST_OWNED, d, 0, "%s", path);
	}
	xw_write(w, "1", XS_FMT_DOMAIN_CONTROL_PLATFORM_FEATURE_MULTIPROCESSOR_SUSPEND, d);
	xw_write(w, "1", XS_FMT_DOMAIN_CONTROL_PLATFORM_FEATURE_XS_RESET_WATCHES, d);
	if (hvm) {
		xw_write(w, bios_name(m->bios), XS_FMT_DOMAIN_HVMLOADER_BIOS, d);
		xw_write(w, m->device_model_version == 0 ? "0" : "1", XS_FMT_DOMAIN_HVMLOADER_ALLOW_MEMORY_RELOCATE, d);
	}
	const char *guest_dirs[] = { XS_FMT_DOMAIN_DATA, XS_FMT_DOMAIN_DRIVERS, XS_FMT_DOMAIN_FEATURE,
				     XS_FMT_DOMAIN_ATTR, XS_FMT_DOMAIN_ERROR };
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(guest_dirs); i++) {
		char path[128];
		snprintf(path, sizeof(path), guest_dirs[i], d);
		xw_mkdir(w, "%s", path);
		xw_perms(w, XW_GUEST_OWNED, d, 0, "%s", path);
	}
	snprintf(num, sizeof(num), "%u", d);
	xw_write(w, num, XS_FMT_DOMAIN_DOMID, d);
	snprintf(num, sizeof(num), "%u", p->info.store_port);
	xw_write(w, num, XS_FMT_DOMAIN_STORE_PORT, d);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)p->info.store_gfn);
	xw_write(w, num, XS_FMT_DOMAIN_STORE_RING_REF, d);
	if (hvm) {
		xw_write(w, m->acpi ? "1" : "0", XS_FMT_DOMAIN_PLATFORM_ACPI, d);
		xw_write(w, m->acpi_s3 ? "1" : "0", XS_FMT_DOMAIN_PLATFORM_ACPI_S3, d);
		xw_write(w, m->acpi_s4 ? "1" : "0", XS_FMT_DOMAIN_PLATFORM_ACPI_S4, d);
		xw_write(w, "0", XS_FMT_DOMAIN_PLATFORM_ACPI_LAPTOP_SLATE, d);
		xw_write(w, m->device_model_version == 0 ? "qemu_xen" : "qemu_xen_traditional",
			 XS_FMT_DOMAIN_PLATFORM_DEVICE_MODEL, d);
	}
	/* the console (libxl__device_console_add): frontend in the home */
	char bepath[128];
	snprintf(bepath, sizeof(bepath), XS_FMT_CONSOLE_BE, 0u, d, 0u);
	xw_write(w, bepath, XS_FMT_CONSOLE_FE_BACKEND, d);
	xw_write(w, "0", XS_FMT_CONSOLE_FE_BACKEND_ID, d);
	xw_perms(w, XW_GUEST_DOM0R, d, 0, XS_FMT_CONSOLE_FE_BACKEND_ID, d);
	xw_write(w, CONSOLE_LIMIT, XS_FMT_CONSOLE_FE_LIMIT, d);
	xw_write(w, "xenconsoled", XS_FMT_CONSOLE_FE_TYPE, d);
	xw_write(w, "pty", XS_FMT_CONSOLE_FE_OUTPUT, d);
	snprintf(num, sizeof(num), "%u", p->info.console_port);
	xw_write(w, num, XS_FMT_CONSOLE_FE_PORT, d);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)p->info.console_gfn);
	xw_write(w, num, XS_FMT_CONSOLE_FE_RING_REF, d);
	/* /vm/UUID */
	xw_rm(w, XS_FMT_VM_DIR, uuid);
	xw_mkdir(w, XS_FMT_VM_DIR, uuid);
	xw_perms(w, XW_DOM0_READ, d, 0, XS_FMT_VM_DIR, uuid);
	xw_write(w, m->name, XS_FMT_VMDIR_NAME, uuid);
	xw_write(w, uuid, XS_FMT_VMDIR_UUID, uuid);
	if (hvm) {
		char off[32] = "";
		if (m->rtc_timeoffset)
			snprintf(off, sizeof(off), "%lld", (long long)m->rtc_timeoffset);
		xw_write(w, off, XS_FMT_VMDIR_RTC_TIMEOFFSET, uuid);
		xw_write(w, "hvm", XS_FMT_VMDIR_IMAGE_OSTYPE, uuid);
	} else if (pv) {
		xw_write(w, "linux", XS_FMT_VMDIR_IMAGE_OSTYPE, uuid);
		if (m->kernel)
			xw_write(w, m->kernel, XS_FMT_VMDIR_IMAGE_KERNEL, uuid);
		if (m->ramdisk)
			xw_write(w, m->ramdisk, XS_FMT_VMDIR_IMAGE_RAMDISK, uuid);
		char cl[1024];
		cmdline(m, cl, sizeof(cl));
		if (cl[0])
			xw_write(w, cl, XS_FMT_VMDIR_IMAGE_CMDLINE, uuid);
	}
	char st[48];
	snprintf(st, sizeof(st), "%llu.%02llu", (unsigned long long)(p->info.created_ns / 1000000000ull),
		 (unsigned long long)(p->info.created_ns / 10000000ull % 100));
	xw_write(w, st, XS_FMT_VMDIR_START_TIME, uuid);
	/* /libxl/N */
	xw_rm(w, XS_FMT_LIBXL_DOM, d);
	xw_write(w, xctl_guest_type_name(m->type), XS_FMT_LIBXL_DOM_TYPE, d);
	xw_write(w, m->device_model_version == 0 ? "qemu_xen" : "qemu_xen_traditional", XS_FMT_LIBXL_DOM_DM_VERSION, d);
	/* the console's backend and libxl's copy */
	char fepath[64];
	snprintf(fepath, sizeof(fepath), XS_FMT_CONSOLE_FE, d);
	snprintf(num, sizeof(num), "%u", d);
	xw_mkdir(w, XS_FMT_CONSOLE_BE, 0u, d, 0u);
	xw_perms(w, XW_BACKEND_READ, d, 0, XS_FMT_CONSOLE_BE, 0u, d, 0u);
	const char *be[][2] = {
		{ XS_FMT_CONSOLE_BE_FRONTEND, fepath }, { XS_FMT_CONSOLE_BE_FRONTEND_ID, num },
		{ XS_FMT_CONSOLE_BE_ONLINE, "1" },      { XS_FMT_CONSOLE_BE_STATE, "1" },
		{ XS_FMT_CONSOLE_BE_PROTOCOL, "vt100" },
	};
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(be); i++)
		xw_write(w, be[i][1], be[i][0], 0u, d, 0u);
	const char *lx[][2] = {
		{ XS_FMT_LIBXL_CONSOLE_FRONTEND, fepath }, { XS_FMT_LIBXL_CONSOLE_BACKEND, bepath },
		{ XS_FMT_LIBXL_CONSOLE_FRONTEND_ID, num }, { XS_FMT_LIBXL_CONSOLE_ONLINE, "1" },
		{ XS_FMT_LIBXL_CONSOLE_STATE, "1" },       { XS_FMT_LIBXL_CONSOLE_PROTOCOL, "vt100" },
	};
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(lx); i++)
		xw_write(w, lx[i][1], lx[i][0], d, 0u);
}

/* Remove what write_tree (and the devices) wrote. */
static void remove_tree(struct xw *w, void *arg)
{
	struct xctl_hv_build *b = ((struct tree_arg *)arg)->b;
	uint32_t d = b->domid;
	xw_rm(w, XS_FMT_BACKEND_CONSOLE_DOM, 0u, d);
	xw_rm_if_empty(w, XS_FMT_BACKEND_CONSOLE, 0u);
	xw_rm_if_empty(w, XS_FMT_BACKEND_DIR, 0u);
	xw_rm(w, XS_FMT_DOMAIN_HOME, d);
	xw_rm(w, XS_FMT_VM_DIR, b->cfg->uuid);
	xw_rm(w, XS_FMT_LIBXL_DOM, d);
}

static int run_tree(struct xctl_hv *hv, struct xctl_hv_build *b, size_t arg)
{
	(void)arg;
	struct tree_arg a = { b };
	char what[96];
	snprintf(what, sizeof(what), "domain %s (%u)", b->cfg->name, b->domid);
	return sim_xs_txn(sim_of(hv), what, write_tree, &a);
}

static int undo_tree(struct xctl_hv *hv, struct xctl_hv_build *b, size_t arg)
{
	(void)arg;
	struct tree_arg a = { b };
	char what[96];
	snprintf(what, sizeof(what), "domain %s (%u)", b->cfg->name, b->domid);
	return sim_xs_txn(sim_of(hv), what, remove_tree, &a);
}

/* ---- steps: the devices */

static int dev_of(struct xctl_hv_build *b, size_t i, struct xctl_hv_device *dev)
{
	const struct xctl_domain_config *m = b->cfg;
	memset(dev, 0, sizeof(*dev));
	if (i < m->ndisks) {
		dev->kind = XCTL_HV_DEV_VBD;
		dev->u.disk = &m->disks[i];
	} else {
		dev->kind = XCTL_HV_DEV_VIF;
		dev->u.vif = &m->vifs[i - m->ndisks];
	}
	return 0;
}

static int run_dev(struct xctl_hv *hv, struct xctl_hv_build *b, size_t i)
{
	struct xctl_hv_device dev;
	dev_of(b, i, &dev);
	return sim_dev_write(sim_of(hv), b->domid, b->cfg->type, &dev);
}

static int undo_dev(struct xctl_hv *hv, struct xctl_hv_build *b, size_t i)
{
	struct sim_build *p = sb(b);
	return sim_dev_remove(sim_of(hv), b->domid, p->devs[i].kind, p->devs[i].devid, true, 500, true);
}

static int run_wait(struct xctl_hv *hv, struct xctl_hv_build *b, size_t arg)
{
	(void)arg;
	struct sim_build *p = sb(b);
	if (!p->ndevs)
		return 0;
	return sim_dev_wait(sim_of(hv), b->domid, p->devs, p->ndevs,
			    b->device_timeout_ms > 0 ? b->device_timeout_ms : 10000, 2, b->progress, b->progress_arg);
}

int sim_create_steps(struct xctl_hv *hv, struct xctl_hv_build *b, struct xctl_hv_step **steps, size_t *n)
{
	(void)hv;
	const struct xctl_domain_config *m = b->cfg;
	size_t ndev = m->ndisks + m->nvifs;
	struct sim_build *p = calloc(1, sizeof(*p));
	struct xctl_hv_step *v = calloc(ndev + 3, sizeof(*v));
	if (p) {
		p->names = calloc(ndev ? ndev : 1, sizeof(*p->names));
		p->devs = calloc(ndev ? ndev : 1, sizeof(*p->devs));
	}
	if (!p || !v || !p->names || !p->devs) {
		if (p) {
			free(p->names);
			free(p->devs);
		}
		free(p);
		free(v);
		return XCTL_ERR_NOMEM;
	}
	b->priv = p;
	size_t k = 0;
	v[k++] = (struct xctl_hv_step){ "domain", run_domain, undo_domain, 0 };
	v[k++] = (struct xctl_hv_step){ "xenstore", run_tree, undo_tree, 0 };
	for (size_t i = 0; i < ndev; i++) {
		struct xctl_hv_device dev;
		dev_of(b, i, &dev);
		uint32_t devid = dev.kind == XCTL_HV_DEV_VBD ? (uint32_t)dev.u.disk->devid
							     : (uint32_t)(dev.u.vif->devid >= 0 ? dev.u.vif->devid : 0);
		p->devs[i] = (struct sim_devref){ dev.kind, devid, 0 };
		snprintf(p->names[i], sizeof(p->names[i]), "%s %u", sim_devkind_name(dev.kind), devid);
		v[k++] = (struct xctl_hv_step){ p->names[i], run_dev, undo_dev, i };
	}
	p->ndevs = ndev;
	v[k++] = (struct xctl_hv_step){ "backends", run_wait, NULL, 0 };
	*steps = v;
	*n = k;
	return 0;
}

void sim_build_free(struct xctl_hv *hv, struct xctl_hv_build *b)
{
	(void)hv;
	struct sim_build *p = b->priv;
	if (!p)
		return;
	free(p->names);
	free(p->devs);
	free(p);
	b->priv = NULL;
}
