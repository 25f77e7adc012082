/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/xen: the devices served by xctl's own backends on a Xen host.
 *
 * A disk with backendtype=standalone is served by xctl-blkback, a vif whose
 * script's base name is xctl-netback by xctl-netback. libxl cannot be given
 * either: libxl 4.17 files a standalone disk as a virtio disk (which Linux's
 * blkfront does not see), and for every vif it writes the backend's state
 * as Initialising, which makes the kernel's netback (when loaded) take the
 * device. So hv/xen keeps them out of the libxl_domain_config and writes
 * their nodes itself, the nodes and permissions libxl writes for a phy disk
 * or a vif (backend type=standalone, the vif's script node), with one
 * difference: the backend's state node is left for the backend to write.
 * Linux's xenbus (xenbus_probe_node) probes a backend device only when its
 * state reads Initialising, so the kernel's blkback and netback never take
 * these devices, while they go on serving libxl's. No hotplug script runs:
 * xctl-netback makes and bridges the TAP itself, and once a backend waits
 * for its frontend (InitWait) hv/xen writes hotplug-status=connected, as
 * a script would. Nothing is written under /libxl (libxl would try to run
 * hotplug scripts for them): the backend directory is the record, and a
 * frontend's nodes (guest-writable) are only believed when the backend's
 * (dom0's) point back at them. */
#include "toolstack/hv/xen/xen_sa.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define DEFAULT_WAIT_MS 10000

bool xctl_xen_sa_disk(const libxl_device_disk *d)
{
	return d->backend == LIBXL_DISK_BACKEND_STANDALONE;
}

static bool script_is_netback(const char *s)
{
	if (!s)
		return false;
	const char *b = strrchr(s, '/');
	return !strcmp(b ? b + 1 : s, SA_NETBACK_SCRIPT);
}

bool xctl_xen_sa_nic(const libxl_device_nic *n)
{
	return script_is_netback(n->script);
}

const char *sa_kind_name(enum xctl_hv_devkind k)
{
	return k == XCTL_HV_DEV_VBD ? "vbd" : "vif";
}

static int resolve_backend(struct xctl_hv *hv, const char *domname, uint32_t domid, uint32_t *out)
{
	*out = domid;
	if (!domname)
		return 0;
	uint32_t id;
	if (libxl_name_to_domid(xctl_xen_ctx(hv), domname, &id)) {
		xctl_err_log(hv->log, "backend domain '%s' does not exist; start it first, or leave backend= out to "
				      "use dom0", domname);
		return XCTL_ERR_NOTFOUND;
	}
	*out = id;
	return 0;
}

static int is_pv(struct xctl_hv *hv, uint32_t domid, bool *pv)
{
	libxl_dominfo info;
	libxl_dominfo_init(&info);
	int lrc = libxl_domain_info(xctl_xen_ctx(hv), &info, domid);
	*pv = !lrc && info.domain_type == LIBXL_DOMAIN_TYPE_PV;
	libxl_dominfo_dispose(&info);
	if (lrc) {
		xctl_err_log(hv->log, "domain %u: cannot read its information (libxl error %d)", domid, lrc);
		return xctl_xen_err(lrc);
	}
	return 0;
}

/* Write a device's nodes and wait for its backend to wait for the frontend
 * (libxl's LIBXL_INIT_TIMEOUT, 10 s, unless timeout_ms says otherwise);
 * then hotplug-status=connected. On failure nothing is left. */
static int sa_add(struct xctl_hv *hv, struct sa_dev *s, int timeout_ms)
{
	char what[64];
	snprintf(what, sizeof(what), "domain %u %s %u", s->d, sa_kind_name(s->kind), s->devid);
	struct xs_handle *xs = sa_xs_connect(hv, what);
	if (!xs)
		return XCTL_ERR_XENSTORE;
	struct sa_rm r = { s->kind, s->d, s->b, s->devid };
	int rc, last = 0;
	/* a device of that number already there is not ours to overwrite */
	char *fe = sa_xs_get(xs, s->kind == XCTL_HV_DEV_VBD ? XS_FMT_VBD_FE : XS_FMT_VIF_FE, s->d, s->devid);
	if (fe) {
		free(fe);
		xctl_err_log(hv->log, "%s: the domain has that device already; choose another %s", what,
			     s->kind == XCTL_HV_DEV_VBD ? "vdev" : "devid");
		rc = XCTL_ERR_EXISTS;
		goto out;
	}
	rc = sa_xs_txn(hv, xs, what, sa_do_write, s);
	if (rc)
		goto out;
	rc = sa_wait_state(hv, xs, &r, 2, timeout_ms > 0 ? timeout_ms : DEFAULT_WAIT_MS, &last);
	if (rc == XCTL_ERR_TIMEOUT || rc == XCTL_ERR_NOTFOUND) {
		xctl_err_log(hv->log,
			     "%s: no backend took it up within %.1f s (its state is %d); is %s running in domain %u? "
			     "If it is, its log says why it refused the device (xctl-blkback serves disks with "
			     "backendtype=standalone, xctl-netback vifs with script=xctl-netback; docs/backends.md)",
			     what, (timeout_ms > 0 ? timeout_ms : DEFAULT_WAIT_MS) / 1000.0, last,
			     s->kind == XCTL_HV_DEV_VBD ? "xctl-blkback" : "xctl-netback", s->b);
	}
	if (rc == XCTL_ERR_PROTO)
		xctl_err_log(hv->log, "%s: %s in domain %u refused it (backend state %s); its log says why", what,
			     s->kind == XCTL_HV_DEV_VBD ? "xctl-blkback" : "xctl-netback", s->b,
			     last == 5 ? "Closing" : "Closed");
	if (!rc) {
		/* no hotplug script runs: say what it would */
		char p[SA_PATH_LEN];
		snprintf(p, sizeof(p),
			 s->kind == XCTL_HV_DEV_VBD ? XS_FMT_VBD_BE_HOTPLUG_STATUS : XS_FMT_VIF_BE_HOTPLUG_STATUS, s->b,
			 s->d, s->devid);
		if (!xs_write(xs, XBT_NULL, p, "connected", strlen("connected"))) {
			xctl_err_log(hv->log, "%s: cannot write %s (%s)", what, p, strerror(errno));
			rc = XCTL_ERR_XENSTORE;
		}
	}
	if (rc)
		sa_xs_txn(hv, xs, what, sa_do_remove, &r);
out:
	xs_close(xs);
	return rc;
}

/* Our device kind/devid of domid, found from its frontend and believed
 * only when dom0's backend nodes say the same: its backend domain. */
static int find_ours(struct xs_handle *xs, uint32_t domid, enum xctl_hv_devkind kind, uint32_t devid, uint32_t *b)
{
	bool vbd = kind == XCTL_HV_DEV_VBD;
	char *bid = sa_xs_get(xs, vbd ? XS_FMT_VBD_FE_BACKEND_ID : XS_FMT_VIF_FE_BACKEND_ID, domid, devid);
	uint64_t n;
	int bad = !bid || xctl_parse_u64(bid, 10, 0x7fef, &n);
	free(bid);
	if (bad)
		return XCTL_ERR_NOTFOUND;
	*b = (uint32_t)n;
	char fe[SA_PATH_LEN];
	snprintf(fe, sizeof(fe), vbd ? XS_FMT_VBD_FE : XS_FMT_VIF_FE, domid, devid);
	char *befe = sa_xs_get(xs, vbd ? XS_FMT_VBD_BE_FRONTEND : XS_FMT_VIF_BE_FRONTEND, *b, domid, devid);
	bool same = befe && !strcmp(befe, fe);
	free(befe);
	if (!same)
		return XCTL_ERR_NOTFOUND;
	char *v = sa_xs_get(xs, vbd ? XS_FMT_VBD_BE_TYPE : XS_FMT_VIF_BE_SCRIPT, *b, domid, devid);
	bool ours = v && (vbd ? !strcmp(v, SA_BLKBACK_TYPE) : script_is_netback(v));
	free(v);
	return ours ? 0 : XCTL_ERR_NOTFOUND;
}

/* ---- the device ops */

int xctl_xen_sa_disk_add(struct xctl_hv *hv, uint32_t domid, const libxl_device_disk *disk, int devid, bool pv,
			 int timeout_ms)
{
	struct sa_dev s = { .kind = XCTL_HV_DEV_VBD, .d = domid, .devid = (uint32_t)devid, .pv = pv, .disk = disk };
	if (devid < 0) {
		xctl_err_log(hv->log, "domain %u: disk '%s' has no device number", domid, disk->vdev ? disk->vdev : "");
		return XCTL_ERR_INVAL;
	}
	int rc = resolve_backend(hv, disk->backend_domname, disk->backend_domid, &s.b);
	return rc ? rc : sa_add(hv, &s, timeout_ms);
}

int xctl_xen_sa_nic_add(struct xctl_hv *hv, uint32_t domid, const libxl_device_nic *nic, bool pv, int timeout_ms)
{
	struct sa_dev s = { .kind = XCTL_HV_DEV_VIF, .d = domid, .devid = (uint32_t)nic->devid, .pv = pv, .nic = nic };
	memcpy(s.mac, nic->mac, sizeof(s.mac));
	if (!memcmp(s.mac, "\0\0\0\0\0\0", 6)) {
		/* as libxl__device_nic_setdefault: Xen's OUI, three random bytes */
		uint8_t r[3] = { 0, 0, 0 };
		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return XCTL_ERR_IO;
		s.mac[0] = 0x00;
		s.mac[1] = 0x16;
		s.mac[2] = 0x3e;
		s.mac[3] = r[0] & 0x7f;
		s.mac[4] = r[1];
		s.mac[5] = r[2];
	}
	int rc = resolve_backend(hv, nic->backend_domname, nic->backend_domid, &s.b);
	return rc ? rc : sa_add(hv, &s, timeout_ms);
}

int xctl_xen_sa_add(struct xctl_hv *hv, uint32_t domid, const struct xctl_hv_device *dev, int timeout_ms,
		    bool *handled)
{
	int rc = 0;
	bool pv = false;
	*handled = false;
	if (dev->kind == XCTL_HV_DEV_VBD) {
		if (dev->u.disk->backend != XCTL_DISK_BACKEND_STANDALONE)
			return 0;
		*handled = true;
		libxl_device_disk d;
		libxl_device_disk_init(&d);
		rc = xctl_xen_disk(&d, dev->u.disk);
		rc = rc ? rc : is_pv(hv, domid, &pv);
		rc = rc ? rc : xctl_xen_sa_disk_add(hv, domid, &d, dev->u.disk->devid, pv, timeout_ms);
		libxl_device_disk_dispose(&d);
		return rc;
	}
	struct xctl_global_config g;
	libxl_device_nic n;
	libxl_device_nic_init(&n);
	rc = xctl_global_init(&g);
	if (!rc)
		rc = xctl_xen_nic(&n, dev->u.vif, (size_t)(dev->u.vif->devid >= 0 ? dev->u.vif->devid : 0), &g,
				  hv->log);
	if (!rc && xctl_xen_sa_nic(&n)) {
		*handled = true;
		rc = is_pv(hv, domid, &pv);
		rc = rc ? rc : xctl_xen_sa_nic_add(hv, domid, &n, pv, timeout_ms);
	}
	libxl_device_nic_dispose(&n);
	xctl_global_dispose(&g);
	return rc;
}

int xctl_xen_sa_remove(struct xctl_hv *hv, uint32_t domid, enum xctl_hv_devkind kind, int devid, bool force,
		       int timeout_ms)
{
	char what[64];
	snprintf(what, sizeof(what), "domain %u %s %d", domid, sa_kind_name(kind), devid);
	struct xs_handle *xs = sa_xs_connect(hv, what);
	if (!xs)
		return XCTL_ERR_XENSTORE;
	struct sa_rm r = { kind, domid, 0, (uint32_t)devid };
	int rc = find_ours(xs, domid, kind, (uint32_t)devid, &r.b);
	if (rc)
		goto out;
	int st = sa_be_state(xs, &r);
	if (!force && st >= 2 && st <= 5) {
		/* as libxl__initiate_device_generic_remove: online 0, Closing, and
		 * wait for Closed (a backend without a frontend closes at once) */
		char on[SA_PATH_LEN], sp[SA_PATH_LEN];
		snprintf(on, sizeof(on), kind == XCTL_HV_DEV_VBD ? XS_FMT_VBD_BE_ONLINE : XS_FMT_VIF_BE_ONLINE, r.b,
			 domid, r.devid);
		snprintf(sp, sizeof(sp), sa_be_state_fmt(kind), r.b, domid, r.devid);
		if (!xs_write(xs, XBT_NULL, on, "0", 1) || !xs_write(xs, XBT_NULL, sp, "5", 1)) {
			xctl_err_log(hv->log, "%s: cannot ask its backend to close (%s)", what, strerror(errno));
			rc = XCTL_ERR_XENSTORE;
			goto out;
		}
		int last = 0;
		rc = sa_wait_state(hv, xs, &r, 6, timeout_ms > 0 ? timeout_ms : DEFAULT_WAIT_MS, &last);
		if (rc == XCTL_ERR_TIMEOUT) {
			xctl_err_log(hv->log,
				     "%s: the guest did not release it within %.1f s (backend state %d); it is "
				     "kept. Unmount it in the guest and try again, or use -f to remove it at once",
				     what, (timeout_ms > 0 ? timeout_ms : DEFAULT_WAIT_MS) / 1000.0, last);
			goto out;
		}
		if (rc && rc != XCTL_ERR_NOTFOUND)
			goto out;
	}
	rc = sa_xs_txn(hv, xs, what, sa_do_remove, &r);
out:
	xs_close(xs);
	return rc;
}

static int read_int(struct xs_handle *xs, const char *fmt, uint32_t a, uint32_t b)
{
	char *v = sa_xs_get(xs, fmt, a, b);
	uint64_t n;
	int r = v && !xctl_parse_u64(v, 10, 0x7fffffff, &n) ? (int)n : -1;
	free(v);
	return r;
}

int xctl_xen_sa_list(struct xctl_hv *hv, uint32_t domid, enum xctl_hv_devkind kind, struct xctl_hv_devinfo **v,
		     size_t *n)
{
	char what[48];
	snprintf(what, sizeof(what), "domain %u", domid);
	struct xs_handle *xs = sa_xs_connect(hv, what);
	if (!xs)
		return XCTL_ERR_XENSTORE;
	bool vbd = kind == XCTL_HV_DEV_VBD;
	char p[SA_PATH_LEN];
	unsigned num = 0;
	int rc = 0;
	snprintf(p, sizeof(p), vbd ? XS_FMT_DOMAIN_DEVICE_VBD : XS_FMT_DOMAIN_DEVICE_VIF, domid);
	char **ids = xs_directory(xs, XBT_NULL, p, &num);
	for (unsigned i = 0; ids && i < num; i++) {
		uint64_t id;
		uint32_t b;
		if (xctl_parse_u64(ids[i], 10, 0x7fffffff, &id) || find_ours(xs, domid, kind, (uint32_t)id, &b))
			continue;
		struct xctl_hv_devinfo *nv = realloc(*v, (*n + 1) * sizeof(**v));
		if (!nv) {
			rc = XCTL_ERR_NOMEM;
			break;
		}
		*v = nv;
		struct xctl_hv_devinfo *o = &nv[(*n)++];
		memset(o, 0, sizeof(*o));
		o->kind = kind;
		o->devid = (int)id;
		o->backend_id = b;
		o->frontend_id = domid;
		uint32_t d = domid, k = (uint32_t)id;
		o->state = read_int(xs, vbd ? XS_FMT_VBD_FE_STATE : XS_FMT_VIF_FE_STATE, d, k);
		o->evtch = read_int(xs, vbd ? XS_FMT_VBD_FE_EVENT_CHANNEL : XS_FMT_VIF_FE_EVENT_CHANNEL, d, k);
		o->rref = vbd ? read_int(xs, XS_FMT_VBD_FE_RING_REF, d, k) : -1;
		o->rref_tx = vbd ? -1 : read_int(xs, XS_FMT_VIF_FE_TX_RING_REF, d, k);
		o->rref_rx = vbd ? -1 : read_int(xs, XS_FMT_VIF_FE_RX_RING_REF, d, k);
		snprintf(o->backend, sizeof(o->backend), vbd ? XS_FMT_VBD_BE : XS_FMT_VIF_BE, b, d, k);
		snprintf(o->frontend, sizeof(o->frontend), vbd ? XS_FMT_VBD_FE : XS_FMT_VIF_FE, d, k);
		if (vbd) {
			char *dev = sa_xs_get(xs, XS_FMT_VBD_BE_DEV, b, d, k);
			snprintf(o->vdev, sizeof(o->vdev), "%s", dev ? dev : "");
			free(dev);
		} else {
			char *mac = sa_xs_get(xs, XS_FMT_VIF_BE_MAC, b, d, k);
			if (!mac || xctl_mac_parse(mac, o->mac))
				memset(o->mac, 0, sizeof(o->mac));
			free(mac);
		}
	}
	free(ids);
	xs_close(xs);
	return rc;
}

/* Remove every device of ours that domid has: before libxl destroys the
 * domain (its frontends say which backend domains to look in), and after
 * it in dom0 (what a killed command left without a frontend). Best effort:
 * the first error is returned, the rest is still removed. */
int xctl_xen_sa_destroy(struct xctl_hv *hv, uint32_t domid, bool frontends_gone)
{
	char what[48];
	snprintf(what, sizeof(what), "domain %u", domid);
	struct xs_handle *xs = sa_xs_connect(hv, what);
	if (!xs)
		return XCTL_ERR_XENSTORE;
	int rc = 0;
	for (int k = 0; k < 2; k++) {
		enum xctl_hv_devkind kind = k ? XCTL_HV_DEV_VIF : XCTL_HV_DEV_VBD;
		bool vbd = !k;
		char p[SA_PATH_LEN];
		unsigned num = 0;
		if (frontends_gone)
			snprintf(p, sizeof(p), vbd ? XS_FMT_BACKEND_VBD_DOM : XS_FMT_BACKEND_VIF_DOM, 0u, domid);
		else
			snprintf(p, sizeof(p), vbd ? XS_FMT_DOMAIN_DEVICE_VBD : XS_FMT_DOMAIN_DEVICE_VIF, domid);
		char **ids = xs_directory(xs, XBT_NULL, p, &num);
		for (unsigned i = 0; ids && i < num; i++) {
			uint64_t id;
			if (xctl_parse_u64(ids[i], 10, 0x7fffffff, &id))
				continue;
			struct sa_rm r = { kind, domid, 0, (uint32_t)id };
			if (frontends_gone) {
				/* dom0's own nodes: ours by their type or script */
				char *v = sa_xs_get(xs, vbd ? XS_FMT_VBD_BE_TYPE : XS_FMT_VIF_BE_SCRIPT, 0u, domid, r.devid);
				bool ours = v && (vbd ? !strcmp(v, SA_BLKBACK_TYPE) : script_is_netback(v));
				free(v);
				if (!ours)
					continue;
			} else if (find_ours(xs, domid, kind, r.devid, &r.b)) {
				continue;
			}
			int e = sa_xs_txn(hv, xs, what, sa_do_remove, &r);
			rc = rc ? rc : e;
		}
		free(ids);
	}
	xs_close(xs);
	return rc;
}

/* ---- creation: libxl is not given our devices; one step each after it */

void xctl_xen_sa_filter(libxl_domain_config *d)
{
	int k = 0;
	for (int i = 0; i < d->num_disks; i++) {
		if (xctl_xen_sa_disk(&d->disks[i]))
			libxl_device_disk_dispose(&d->disks[i]);
		else
			d->disks[k++] = d->disks[i];
	}
	d->num_disks = k;
	k = 0;
	for (int i = 0; i < d->num_nics; i++) {
		if (xctl_xen_sa_nic(&d->nics[i]))
			libxl_device_nic_dispose(&d->nics[i]);
		else
			d->nics[k++] = d->nics[i];
	}
	d->num_nics = k;
}

/* arg: the index in cfg->disks, or XCTL_XEN_SA_VIF + the index in cfg->vifs */
#define SA_VIF 0x10000u

static int step_run(struct xctl_hv *hv, struct xctl_hv_build *b, size_t arg)
{
	const struct xctl_domain_config *m = b->cfg;
	bool pv = m->type == XCTL_GUEST_PV;
	int rc;
	if (!b->have_domid)
		return XCTL_ERR_INVAL;
	if (arg < SA_VIF) {
		libxl_device_disk d;
		libxl_device_disk_init(&d);
		rc = xctl_xen_disk(&d, &m->disks[arg]);
		rc = rc ? rc : xctl_xen_sa_disk_add(hv, b->domid, &d, m->disks[arg].devid, pv, b->device_timeout_ms);
		libxl_device_disk_dispose(&d);
		return rc;
	}
	size_t i = arg - SA_VIF;
	libxl_device_nic n;
	libxl_device_nic_init(&n);
	rc = xctl_xen_nic(&n, &m->vifs[i], i, b->global, hv->log);
	rc = rc ? rc : xctl_xen_sa_nic_add(hv, b->domid, &n, pv, b->device_timeout_ms);
	libxl_device_nic_dispose(&n);
	return rc;
}

static int step_undo(struct xctl_hv *hv, struct xctl_hv_build *b, size_t arg)
{
	const struct xctl_domain_config *m = b->cfg;
	if (!b->have_domid)
		return 0;
	int devid = arg < SA_VIF ? m->disks[arg].devid : -1;
	if (arg >= SA_VIF) {
		size_t i = arg - SA_VIF;
		devid = m->vifs[i].devid >= 0 ? m->vifs[i].devid : (int)i;
	}
	int rc = xctl_xen_sa_remove(hv, b->domid, arg < SA_VIF ? XCTL_HV_DEV_VBD : XCTL_HV_DEV_VIF, devid, true, 0);
	return rc == XCTL_ERR_NOTFOUND ? 0 : rc;
}

int xctl_xen_sa_steps(struct xctl_hv *hv, struct xctl_hv_build *b, struct xctl_hv_step **steps, size_t *nsteps)
{
	const struct xctl_domain_config *m = b->cfg;
	int rc = 0;
	for (size_t i = 0; i < m->ndisks + m->nvifs && !rc; i++) {
		bool ours;
		size_t arg;
		if (i < m->ndisks) {
			ours = m->disks[i].backend == XCTL_DISK_BACKEND_STANDALONE;
			arg = i;
		} else {
			libxl_device_nic n;
			libxl_device_nic_init(&n);
			rc = xctl_xen_nic(&n, &m->vifs[i - m->ndisks], i - m->ndisks, b->global, hv->log);
			ours = !rc && xctl_xen_sa_nic(&n);
			libxl_device_nic_dispose(&n);
			arg = SA_VIF + (i - m->ndisks);
		}
		if (rc || !ours)
			continue;
		struct xctl_hv_step *ns = realloc(*steps, (*nsteps + 1) * sizeof(**steps));
		if (!ns)
			return XCTL_ERR_NOMEM;
		*steps = ns;
		ns[(*nsteps)++] = (struct xctl_hv_step){ arg < SA_VIF ? "standalone vbd" : "xctl-netback vif", step_run,
							 step_undo, arg };
	}
	return rc;
}
