/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/sim: the devices of a running domain (block-attach, block-detach,
 * block-list and the network ones): adding one and waiting for its backend,
 * removing one as libxl does (the backend asked to close, then its nodes
 * removed), and listing them as libxl_device_*_list and _getinfo read them. */
#include "toolstack/hv/sim/sim_int.h"
#include "sim/simd/simd.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *libxl_fmt(enum xctl_hv_devkind k)
{
	return k == XCTL_HV_DEV_VBD ? XS_FMT_LIBXL_VBD : XS_FMT_LIBXL_VIF;
}

static const char *fe_fmt(enum xctl_hv_devkind k)
{
	return k == XCTL_HV_DEV_VBD ? XS_FMT_VBD_FE : XS_FMT_VIF_FE;
}

/* Whether the domain has the device: 1 yes, 0 no, or an error. Either the
 * toolstack's record or the frontend directory counts (as libxl, which
 * refuses a device whose nodes exist). */
static int dev_exists(struct sim *s, uint32_t domid, enum xctl_hv_devkind kind, uint32_t devid)
{
	const char *fmts[2] = { libxl_fmt(kind), fe_fmt(kind) };
	for (size_t i = 0; i < 2; i++) {
		unsigned n = 0;
		errno = 0;
		char **v = sim_xs_dir(s, &n, fmts[i], domid, devid);
		if (v) {
			free(v);
			return 1;
		}
		if (errno != ENOENT) {
			xctl_err_log(s->hv->log, "domain %u %s %u: cannot read its nodes", domid, sim_devkind_name(kind),
				     devid);
			return XCTL_ERR_XENSTORE;
		}
	}
	return 0;
}

int sim_device_add(struct xctl_hv *hv, uint32_t domid, const struct xctl_hv_device *dev, int timeout_ms)
{
	struct sim *s = sim_of(hv);
	struct simd_domain_info d;
	int rc = simd_domain_info(s->simd, domid, &d);
	if (rc)
		return rc == XCTL_ERR_NOTFOUND ? rc : sim_fail(s, rc, "domain %u: cannot get its state", domid);
	enum xctl_guest_type t = d.type == SIMD_TYPE_HVM ? XCTL_GUEST_HVM : d.type == SIMD_TYPE_PVH ? XCTL_GUEST_PVH : XCTL_GUEST_PV;
	uint32_t devid = dev->kind == XCTL_HV_DEV_VBD ? (uint32_t)dev->u.disk->devid
						      : (uint32_t)(dev->u.vif->devid >= 0 ? dev->u.vif->devid : 0);
	rc = dev_exists(s, domid, dev->kind, devid);
	if (rc < 0)
		return rc;
	if (rc) {
		xctl_err_log(hv->log, "domain %u already has %s %u", domid, sim_devkind_name(dev->kind), devid);
		return XCTL_ERR_EXISTS;
	}
	rc = sim_dev_write(s, domid, t, dev);
	if (rc)
		return rc;
	struct sim_devref ref = { dev->kind, devid, dev->backend_domid };
	rc = sim_dev_wait(s, domid, &ref, 1, timeout_ms > 0 ? timeout_ms : 10000, 2, NULL, NULL);
	if (rc)
		sim_dev_remove(s, domid, dev->kind, devid, true, 500, true);
	return rc;
}

/* libxl's safe removal of a disk (LIBXL__FORCE_OFF): the backend is asked to
 * close and must have closed within the timeout, else the removal fails and
 * the device stays (the guest still uses it). 0 when it closed (or never
 * took the device up), XCTL_ERR_TIMEOUT, or an error. */
static int safe_close(struct sim *s, uint32_t domid, uint32_t devid, int timeout_ms)
{
	char *st = sim_xs_read(s, XS_FMT_VBD_BE_STATE, 0u, domid, devid);
	if (!st)
		return 0; /* no backend state: nothing to close */
	uint64_t state = 0;
	int bad = xctl_parse_u64(st, 10, 8, &state);
	free(st);
	if (bad || state < 4 || state > 5)
		return 0; /* not connected to a frontend: nothing holds it */
	int rc = sim_xs_write(s, "0", XS_FMT_VBD_BE_ONLINE, 0u, domid, devid);
	if (!rc)
		rc = sim_xs_write(s, "5", XS_FMT_VBD_BE_STATE, 0u, domid, devid);
	if (rc)
		return rc;
	struct sim_devref ref = { XCTL_HV_DEV_VBD, devid, 0 };
	rc = sim_dev_wait(s, domid, &ref, 1, timeout_ms, 6, NULL, NULL);
	if (rc == XCTL_ERR_TIMEOUT)
		xctl_err_log(s->hv->log,
			     "domain %u vbd %u: the guest did not release the disk within %d s (its backend is still "
			     "closing); block-detach -f removes it anyway",
			     domid, devid, timeout_ms / 1000);
	return rc;
}

int sim_device_remove(struct xctl_hv *hv, uint32_t domid, enum xctl_hv_devkind kind, int devid, bool force,
		      int timeout_ms)
{
	struct sim *s = sim_of(hv);
	int ms = timeout_ms > 0 ? timeout_ms : 10000;
	int rc = dev_exists(s, domid, kind, (uint32_t)devid);
	if (rc < 0)
		return rc;
	if (!rc) {
		xctl_err_log(hv->log, "domain %u has no %s %d", domid, sim_devkind_name(kind), devid);
		return XCTL_ERR_NOTFOUND;
	}
	if (!force && kind == XCTL_HV_DEV_VBD) {
		rc = safe_close(s, domid, (uint32_t)devid, ms);
		if (rc)
			return rc;
	}
	/* a vif (libxl__FORCE_AUTO) is removed even when its backend does not
	 * close in time; with force nothing waits, and what a backend still
	 * writes is removed after */
	return sim_dev_remove(s, domid, kind, (uint32_t)devid, !force, ms, force);
}

/* A number the frontend wrote, read as libxl does (strtoul; -1 when the
 * node does not exist). */
static int fe_number(struct sim *s, const char *fmt, uint32_t domid, uint32_t devid)
{
	char *v = sim_xs_read(s, fmt, domid, devid);
	if (!v)
		return -1;
	int n = (int)strtoul(v, NULL, 10);
	free(v);
	return n;
}

static void copy_node(struct sim *s, char *dst, size_t len, const char *fmt, uint32_t domid, uint32_t devid)
{
	char *v = sim_xs_read(s, fmt, domid, devid);
	snprintf(dst, len, "%s", v ? v : "");
	free(v);
}

static int one_info(struct sim *s, uint32_t domid, enum xctl_hv_devkind kind, uint32_t devid,
		    struct xctl_hv_devinfo *o)
{
	bool vbd = kind == XCTL_HV_DEV_VBD;
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->devid = (int)devid;
	o->frontend_id = domid;
	char *be = sim_xs_read(s, vbd ? XS_FMT_LIBXL_VBD_BACKEND : XS_FMT_LIBXL_VIF_BACKEND, domid, devid);
	if (!be)
		return XCTL_ERR_NOTFOUND;
	snprintf(o->backend, sizeof(o->backend), "%s", be);
	unsigned bid = 0;
	int got = sscanf(be, XS_FMT_DOMAIN_HOME, &bid);
	free(be);
	if (got != 1)
		return XCTL_ERR_NOTFOUND; /* not a backend path: libxl's getinfo fails too */
	o->backend_id = bid;
	o->state = fe_number(s, vbd ? XS_FMT_VBD_FE_STATE : XS_FMT_VIF_FE_STATE, domid, devid);
	o->evtch = fe_number(s, vbd ? XS_FMT_VBD_FE_EVENT_CHANNEL : XS_FMT_VIF_FE_EVENT_CHANNEL, domid, devid);
	o->rref = o->rref_tx = o->rref_rx = -1;
	if (vbd) {
		o->rref = fe_number(s, XS_FMT_VBD_FE_RING_REF, domid, devid);
		copy_node(s, o->frontend, sizeof(o->frontend), XS_FMT_LIBXL_VBD_FRONTEND, domid, devid);
		copy_node(s, o->vdev, sizeof(o->vdev), XS_FMT_LIBXL_VBD_DEV, domid, devid);
	} else {
		o->rref_tx = fe_number(s, XS_FMT_VIF_FE_TX_RING_REF, domid, devid);
		o->rref_rx = fe_number(s, XS_FMT_VIF_FE_RX_RING_REF, domid, devid);
		snprintf(o->frontend, sizeof(o->frontend), XS_FMT_VIF_FE, domid, devid);
		char *mac = sim_xs_read(s, XS_FMT_LIBXL_VIF_MAC, domid, devid);
		if (mac && xctl_mac_parse(mac, o->mac))
			memset(o->mac, 0, sizeof(o->mac));
		free(mac);
	}
	return 0;
}

int sim_device_list(struct xctl_hv *hv, uint32_t domid, enum xctl_hv_devkind kind, struct xctl_hv_devinfo **out,
		    size_t *n)
{
	struct sim *s = sim_of(hv);
	unsigned nids = 0;
	*out = NULL;
	*n = 0;
	errno = 0;
	char **ids = sim_xs_dir(s, &nids,
				kind == XCTL_HV_DEV_VBD ? XS_FMT_LIBXL_DOM_DEVICE_VBD : XS_FMT_LIBXL_DOM_DEVICE_VIF, domid);
	if (!ids) {
		if (errno == ENOENT)
			return 0;
		xctl_err_log(hv->log, "domain %u: cannot list its %ss", domid, sim_devkind_name(kind));
		return XCTL_ERR_XENSTORE;
	}
	struct xctl_hv_devinfo *v = nids ? calloc(nids, sizeof(*v)) : NULL;
	if (nids && !v) {
		free(ids);
		return XCTL_ERR_NOMEM;
	}
	size_t k = 0;
	for (unsigned i = 0; i < nids; i++) {
		uint64_t id;
		if (xctl_parse_u64(ids[i], 10, UINT32_MAX, &id))
			continue;
		if (!one_info(s, domid, kind, (uint32_t)id, &v[k]))
			k++;
	}
	free(ids);
	if (!k) {
		free(v);
		v = NULL;
	}
	*out = v;
	*n = k;
	return 0;
}
