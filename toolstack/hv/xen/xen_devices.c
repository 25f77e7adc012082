/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/xen: the devices of a running domain, as xl's block-attach,
 * block-detach, block-list and the network ones call libxl (xl_block.c,
 * xl_nic.c): libxl_device_*_add, libxl_device_disk_safe_remove or _destroy
 * (-f), libxl_device_nic_remove, libxl_device_*_list and _getinfo. libxl
 * waits for the backends and runs the hotplug scripts itself. */
#include "toolstack/hv/xen/xen_int.h"
#include "common/err.h"
#include "common/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int xctl_xen_device_add(struct xctl_hv *hv, uint32_t domid, const struct xctl_hv_device *dev, int timeout_ms)
{
	libxl_ctx *ctx = xctl_xen_ctx(hv);
	int rc = 0, lrc = 0;
	char prog[4096]; /* native hotplug (xen_hotplug.c) */
	if (xctl_hv_fault(hv, "libxl_device_add"))
		return XCTL_ERR_HV;
	bool ours = false;
	rc = xctl_xen_sa_add(hv, domid, dev, timeout_ms, &ours);
	if (rc || ours)
		return rc;
	/* libxl waits for the backend itself (its own timeout) */
	if (dev->kind == XCTL_HV_DEV_VBD) {
		libxl_device_disk d;
		libxl_device_disk_init(&d);
		rc = xctl_xen_disk(&d, dev->u.disk);
		if (!rc && !xctl_xen_hotplug_prog(prog, sizeof(prog)))
			rc = xctl_xen_native_disk(&d, prog) < 0 ? XCTL_ERR_NOMEM : 0;
		if (!rc)
			lrc = libxl_device_disk_add(ctx, domid, &d, NULL);
		libxl_device_disk_dispose(&d);
	} else {
		struct xctl_global_config g;
		libxl_device_nic n;
		libxl_device_nic_init(&n);
		rc = xctl_global_init(&g);
		if (!rc)
			rc = xctl_xen_nic(&n, dev->u.vif, (size_t)(dev->u.vif->devid >= 0 ? dev->u.vif->devid : 0), &g,
					  hv->log);
		if (!rc && !xctl_xen_hotplug_prog(prog, sizeof(prog)))
			rc = xctl_xen_native_nic(&n, prog) < 0 ? XCTL_ERR_NOMEM : 0;
		if (!rc)
			lrc = libxl_device_nic_add(ctx, domid, &n, NULL);
		libxl_device_nic_dispose(&n);
		xctl_global_dispose(&g);
	}
	if (lrc) {
		xctl_err_log(hv->log, "domain %u: libxl_device_%s_add failed (libxl error %d; libxl's message is above)",
			     domid, dev->kind == XCTL_HV_DEV_VBD ? "disk" : "nic", lrc);
		rc = xctl_xen_err(lrc);
	}
	return rc;
}

static int remove_disk(struct xctl_hv *hv, libxl_ctx *ctx, uint32_t domid, int devid, bool force)
{
	/* libxl names disks by vdev: find the one with this device number */
	int num = 0, lrc = ERROR_NOTFOUND;
	libxl_device_disk *disks = libxl_device_disk_list(ctx, domid, &num);
	for (int i = 0; i < num && lrc == ERROR_NOTFOUND; i++) {
		libxl_diskinfo info;
		libxl_diskinfo_init(&info);
		if (!libxl_device_disk_getinfo(ctx, domid, &disks[i], &info) && info.devid == devid) {
			if (disks[i].specification == LIBXL_DISK_SPECIFICATION_VIRTIO) {
				xctl_err_log(hv->log, "domain %u vbd %d: Hotunplug isn't supported for specification virtio",
					     domid, devid);
				lrc = ERROR_NI;
			} else {
				lrc = force ? libxl_device_disk_destroy(ctx, domid, &disks[i], NULL)
					    : libxl_device_disk_safe_remove(ctx, domid, &disks[i], NULL);
			}
		}
		libxl_diskinfo_dispose(&info);
	}
	libxl_device_disk_list_free(disks, num);
	return lrc;
}

int xctl_xen_device_remove(struct xctl_hv *hv, uint32_t domid, enum xctl_hv_devkind kind, int devid, bool force,
			   int timeout_ms)
{
	libxl_ctx *ctx = xctl_xen_ctx(hv);
	int lrc;
	if (xctl_hv_fault(hv, "libxl_device_remove"))
		return XCTL_ERR_HV;
	int rc = xctl_xen_sa_remove(hv, domid, kind, devid, force, timeout_ms);
	if (rc != XCTL_ERR_NOTFOUND)
		return rc;
	if (kind == XCTL_HV_DEV_VBD) {
		lrc = remove_disk(hv, ctx, domid, devid, force);
	} else {
		libxl_device_nic n;
		libxl_device_nic_init(&n);
		lrc = libxl_devid_to_device_nic(ctx, domid, devid, &n) ? ERROR_NOTFOUND : 0;
		if (!lrc)
			lrc = force ? libxl_device_nic_destroy(ctx, domid, &n, NULL)
				    : libxl_device_nic_remove(ctx, domid, &n, NULL);
		libxl_device_nic_dispose(&n);
	}
	if (lrc == ERROR_NOTFOUND) {
		xctl_err_log(hv->log, "domain %u has no %s %d", domid, kind == XCTL_HV_DEV_VBD ? "vbd" : "vif", devid);
		return XCTL_ERR_NOTFOUND;
	}
	if (lrc && lrc != ERROR_NI)
		xctl_err_log(hv->log, "domain %u: cannot remove %s %d (libxl error %d; libxl's message is above)", domid,
			     kind == XCTL_HV_DEV_VBD ? "vbd" : "vif", devid, lrc);
	return xctl_xen_err(lrc);
}

static void copy_str(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s ? s : "");
}

int xctl_xen_device_list(struct xctl_hv *hv, uint32_t domid, enum xctl_hv_devkind kind,
			 struct xctl_hv_devinfo **out, size_t *n)
{
	libxl_ctx *ctx = xctl_xen_ctx(hv);
	int num = 0;
	*out = NULL;
	*n = 0;
	if (xctl_hv_fault(hv, "libxl_device_list"))
		return XCTL_ERR_HV;
	bool vbd = kind == XCTL_HV_DEV_VBD;
	libxl_device_disk *disks = vbd ? libxl_device_disk_list(ctx, domid, &num) : NULL;
	libxl_device_nic *nics = vbd ? NULL : libxl_device_nic_list(ctx, domid, &num);
	struct xctl_hv_devinfo *v = num > 0 ? calloc((size_t)num, sizeof(*v)) : NULL;
	if (num > 0 && !v) {
		if (vbd)
			libxl_device_disk_list_free(disks, num);
		else
			libxl_device_nic_list_free(nics, num);
		return XCTL_ERR_NOMEM;
	}
	size_t k = 0;
	for (int i = 0; i < num; i++) {
		struct xctl_hv_devinfo *o = &v[k];
		o->kind = kind;
		o->rref = o->rref_tx = o->rref_rx = -1;
		if (vbd) {
			libxl_diskinfo info;
			libxl_diskinfo_init(&info);
			if (!libxl_device_disk_getinfo(ctx, domid, &disks[i], &info)) {
				o->devid = info.devid;
				o->backend_id = info.backend_id;
				o->frontend_id = info.frontend_id;
				o->state = info.state;
				o->evtch = info.evtch;
				o->rref = info.rref;
				copy_str(o->backend, sizeof(o->backend), info.backend);
				copy_str(o->frontend, sizeof(o->frontend), info.frontend);
				copy_str(o->vdev, sizeof(o->vdev), disks[i].vdev);
				k++;
			}
			libxl_diskinfo_dispose(&info);
		} else {
			libxl_nicinfo info;
			libxl_nicinfo_init(&info);
			if (!libxl_device_nic_getinfo(ctx, domid, &nics[i], &info)) {
				o->devid = info.devid;
				o->backend_id = info.backend_id;
				o->frontend_id = info.frontend_id;
				o->state = info.state;
				o->evtch = info.evtch;
				o->rref_tx = info.rref_tx;
				o->rref_rx = info.rref_rx;
				copy_str(o->backend, sizeof(o->backend), info.backend);
				copy_str(o->frontend, sizeof(o->frontend), info.frontend);
				memcpy(o->mac, nics[i].mac, sizeof(o->mac));
				k++;
			}
			libxl_nicinfo_dispose(&info);
		}
	}
	if (vbd)
		libxl_device_disk_list_free(disks, num);
	else
		libxl_device_nic_list_free(nics, num);
	/* then ours, which libxl does not know */
	int rc = xctl_xen_sa_list(hv, domid, kind, &v, &k);
	if (rc) {
		free(v);
		return rc;
	}
	if (!k) {
		free(v);
		v = NULL;
	}
	*out = v;
	*n = k;
	return 0;
}
