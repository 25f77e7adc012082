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
#include "toolstack/hv/xen/xen_int.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <xenstore.h>

#define SCRIPT_DIR "/etc/xen/scripts/"
#define NETBACK_SCRIPT "xctl-netback"
#define BLKBACK_TYPE "standalone"
#define TXN_TRIES 16
#define DEFAULT_WAIT_MS 10000
#define PATH_LEN 160

bool xctl_xen_sa_disk(const libxl_device_disk *d)
{
	return d->backend == LIBXL_DISK_BACKEND_STANDALONE;
}

static bool script_is_netback(const char *s)
{
	if (!s)
		return false;
	const char *b = strrchr(s, '/');
	return !strcmp(b ? b + 1 : s, NETBACK_SCRIPT);
}

bool xctl_xen_sa_nic(const libxl_device_nic *n)
{
	return script_is_netback(n->script);
}

static const char *kind_name(enum xctl_hv_devkind k)
{
	return k == XCTL_HV_DEV_VBD ? "vbd" : "vif";
}

/* ---- xenstore: one connection per operation, a transaction writer */

struct xw {
	struct xs_handle *xs;
	xs_transaction_t t;
	int err; /* the first failure's errno, 0 */
	char at[PATH_LEN]; /* and its path */
};

static void xw_fail(struct xw *w, const char *path)
{
	w->err = errno ? errno : EIO;
	snprintf(w->at, sizeof(w->at), "%s", path);
}

static void xw_vput(struct xw *w, const char *val, const char *fmt, va_list ap)
{
	char p[PATH_LEN];
	if (w->err)
		return;
	vsnprintf(p, sizeof(p), fmt, ap);
	if (!xs_write(w->xs, w->t, p, val, strlen(val)))
		xw_fail(w, p);
}

static void xw_put(struct xw *w, const char *val, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void xw_put(struct xw *w, const char *val, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	xw_vput(w, val, fmt, ap);
	va_end(ap);
}

/* A directory owned by owner, readable by reader (libxl's "n%u,r%u"). */
static void xw_dir(struct xw *w, uint32_t owner, uint32_t reader, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void xw_dir(struct xw *w, uint32_t owner, uint32_t reader, const char *fmt, ...)
{
	char p[PATH_LEN];
	va_list ap;
	if (w->err)
		return;
	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	struct xs_permissions perms[2] = { { .id = owner, .perms = XS_PERM_NONE },
					   { .id = reader, .perms = XS_PERM_READ } };
	if (!xs_mkdir(w->xs, w->t, p) || !xs_set_permissions(w->xs, w->t, p, perms, 2))
		xw_fail(w, p);
}

static void xw_rm(struct xw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void xw_rm(struct xw *w, const char *fmt, ...)
{
	char p[PATH_LEN];
	va_list ap;
	if (w->err)
		return;
	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	if (!xs_rm(w->xs, w->t, p) && errno != ENOENT)
		xw_fail(w, p);
}

/* Remove a directory left empty (libxl__xs_path_cleanup's parents). */
static void xw_rm_if_empty(struct xw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void xw_rm_if_empty(struct xw *w, const char *fmt, ...)
{
	char p[PATH_LEN];
	va_list ap;
	unsigned n = 0;
	if (w->err)
		return;
	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	char **v = xs_directory(w->xs, w->t, p, &n);
	free(v);
	if (v && n == 0 && !xs_rm(w->xs, w->t, p) && errno != ENOENT)
		xw_fail(w, p);
}

static struct xs_handle *xs_connect(struct xctl_hv *hv, const char *what)
{
	struct xs_handle *xs = xctl_hv_fault(hv, "xs_open") ? NULL : xs_open(0);
	if (!xs)
		xctl_err_log(hv->log, "%s: cannot connect to xenstored (%s)", what, strerror(errno));
	return xs;
}

/* Run fn in a transaction, again while the commit conflicts. */
static int xs_txn(struct xctl_hv *hv, struct xs_handle *xs, const char *what, void (*fn)(struct xw *, void *),
		  void *arg)
{
	for (int i = 0; i < TXN_TRIES; i++) {
		struct xw w = { .xs = xs, .t = xs_transaction_start(xs) };
		if (w.t == XBT_NULL || xctl_hv_fault(hv, "xs_transaction")) {
			if (w.t != XBT_NULL)
				xs_transaction_end(xs, w.t, true);
			xctl_err_log(hv->log, "%s: cannot start a xenstore transaction (%s)", what, strerror(errno));
			return XCTL_ERR_XENSTORE;
		}
		fn(&w, arg);
		if (w.err) {
			xs_transaction_end(xs, w.t, true);
			xctl_err_log(hv->log, "%s: cannot write its xenstore nodes (%s: %s)", what, w.at,
				     strerror(w.err));
			return XCTL_ERR_XENSTORE;
		}
		if (xs_transaction_end(xs, w.t, false))
			return 0;
		if (errno != EAGAIN) {
			xctl_err_log(hv->log, "%s: cannot commit its xenstore nodes (%s)", what, strerror(errno));
			return XCTL_ERR_XENSTORE;
		}
	}
	xctl_err_log(hv->log, "%s: xenstore transaction still conflicting after %d tries", what, TXN_TRIES);
	return XCTL_ERR_XENSTORE;
}

static char *xs_get(struct xs_handle *xs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *xs_get(struct xs_handle *xs, const char *fmt, ...)
{
	char p[PATH_LEN];
	unsigned len;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	return xs_read(xs, XBT_NULL, p, &len);
}

/* ---- the nodes of one device */

struct sa_dev {
	enum xctl_hv_devkind kind;
	uint32_t d, b, devid;
	bool pv;
	const libxl_device_disk *disk;
	const libxl_device_nic *nic;
	uint8_t mac[6];
};

static void write_vbd(struct xw *w, const struct sa_dev *s)
{
	const libxl_device_disk *k = s->disk;
	uint32_t d = s->d, b = s->b, id = s->devid;
	char fe[PATH_LEN], be[PATH_LEN], did[16], bid[16], vid[16];
	snprintf(fe, sizeof(fe), XS_FMT_VBD_FE, d, id);
	snprintf(be, sizeof(be), XS_FMT_VBD_BE, b, d, id);
	snprintf(did, sizeof(did), "%u", d);
	snprintf(bid, sizeof(bid), "%u", b);
	snprintf(vid, sizeof(vid), "%u", id);
	const char *devtype = k->is_cdrom ? "cdrom" : "disk";
	/* libxl: discard-enable is 1 unless the spec said no-discard */
	const char *discard = libxl_defbool_is_default(k->discard_enable) || libxl_defbool_val(k->discard_enable)
				      ? "1"
				      : "0";
	/* the backend: no state node (see the top of this file) */
	xw_dir(w, b, d, XS_FMT_VBD_BE, b, d, id);
	xw_put(w, fe, XS_FMT_VBD_BE_FRONTEND, b, d, id);
	xw_put(w, k->pdev_path ? k->pdev_path : "", XS_FMT_VBD_BE_PARAMS, b, d, id);
	xw_put(w, did, XS_FMT_VBD_BE_FRONTEND_ID, b, d, id);
	xw_put(w, "1", XS_FMT_VBD_BE_ONLINE, b, d, id);
	xw_put(w, k->removable ? "1" : "0", XS_FMT_VBD_BE_REMOVABLE, b, d, id);
	xw_put(w, "1", XS_FMT_VBD_BE_BOOTABLE, b, d, id);
	xw_put(w, k->vdev ? k->vdev : "", XS_FMT_VBD_BE_DEV, b, d, id);
	xw_put(w, BLKBACK_TYPE, XS_FMT_VBD_BE_TYPE, b, d, id);
	xw_put(w, k->readwrite ? "w" : "r", XS_FMT_VBD_BE_MODE, b, d, id);
	xw_put(w, devtype, XS_FMT_VBD_BE_DEVICE_TYPE, b, d, id);
	if (k->direct_io_safe)
		xw_put(w, "1", XS_FMT_VBD_BE_DIRECT_IO_SAFE, b, d, id);
	xw_put(w, discard, XS_FMT_VBD_BE_DISCARD_ENABLE, b, d, id);
	xw_put(w, "xen", XS_FMT_VBD_BE_SPECIFICATION, b, d, id);
	/* the frontend, which the guest owns */
	xw_dir(w, d, b, XS_FMT_VBD_FE, d, id);
	xw_put(w, be, XS_FMT_VBD_FE_BACKEND, d, id);
	xw_put(w, bid, XS_FMT_VBD_FE_BACKEND_ID, d, id);
	xw_put(w, "1", XS_FMT_VBD_FE_STATE, d, id);
	xw_put(w, vid, XS_FMT_VBD_FE_VIRTUAL_DEVICE, d, id);
	xw_put(w, devtype, XS_FMT_VBD_FE_DEVICE_TYPE, d, id);
	bool untrusted = !libxl_defbool_is_default(k->trusted) && !libxl_defbool_val(k->trusted);
	xw_put(w, untrusted ? "0" : "1", XS_FMT_VBD_FE_TRUSTED, d, id);
	if (s->pv)
		xw_put(w, "x86_64-abi", XS_FMT_VBD_FE_PROTOCOL, d, id);
}

static void write_vif(struct xw *w, const struct sa_dev *s)
{
	const libxl_device_nic *n = s->nic;
	uint32_t d = s->d, b = s->b, id = s->devid;
	char fe[PATH_LEN], be[PATH_LEN], did[16], bid[16], handle[16], mac[XCTL_MAC_STRLEN], mtu[16], script[256],
		rate[64];
	snprintf(fe, sizeof(fe), XS_FMT_VIF_FE, d, id);
	snprintf(be, sizeof(be), XS_FMT_VIF_BE, b, d, id);
	snprintf(did, sizeof(did), "%u", d);
	snprintf(bid, sizeof(bid), "%u", b);
	snprintf(handle, sizeof(handle), "%u", id);
	snprintf(mtu, sizeof(mtu), "%d", n->mtu > 0 ? n->mtu : 1500);
	snprintf(script, sizeof(script), "%s%s", n->script[0] == '/' ? "" : SCRIPT_DIR, n->script);
	xctl_mac_format(s->mac, mac, sizeof(mac));
	xw_dir(w, b, d, XS_FMT_VIF_BE, b, d, id);
	xw_put(w, fe, XS_FMT_VIF_BE_FRONTEND, b, d, id);
	xw_put(w, did, XS_FMT_VIF_BE_FRONTEND_ID, b, d, id);
	xw_put(w, "1", XS_FMT_VIF_BE_ONLINE, b, d, id);
	xw_put(w, script, XS_FMT_VIF_BE_SCRIPT, b, d, id);
	xw_put(w, mac, XS_FMT_VIF_BE_MAC, b, d, id);
	xw_put(w, n->bridge ? n->bridge : "xenbr0", XS_FMT_VIF_BE_BRIDGE, b, d, id);
	xw_put(w, handle, XS_FMT_VIF_BE_HANDLE, b, d, id);
	xw_put(w, "vif", XS_FMT_VIF_BE_TYPE, b, d, id);
	if (n->ip)
		xw_put(w, n->ip, XS_FMT_VIF_BE_IP, b, d, id);
	if (n->ifname)
		xw_put(w, n->ifname, XS_FMT_VIF_BE_VIFNAME, b, d, id);
	if (n->rate_bytes_per_interval) {
		snprintf(rate, sizeof(rate), "%llu,%u", (unsigned long long)n->rate_bytes_per_interval,
			 n->rate_interval_usecs);
		xw_put(w, rate, XS_FMT_VIF_BE_RATE, b, d, id);
	}
	if (n->gatewaydev)
		xw_put(w, n->gatewaydev, XS_FMT_VIF_BE_GATEWAYDEV, b, d, id);
	xw_dir(w, d, b, XS_FMT_VIF_FE, d, id);
	xw_put(w, be, XS_FMT_VIF_FE_BACKEND, d, id);
	xw_put(w, bid, XS_FMT_VIF_FE_BACKEND_ID, d, id);
	xw_put(w, "1", XS_FMT_VIF_FE_STATE, d, id);
	xw_put(w, handle, XS_FMT_VIF_FE_HANDLE, d, id);
	xw_put(w, mac, XS_FMT_VIF_FE_MAC, d, id);
	bool untrusted = !libxl_defbool_is_default(n->trusted) && !libxl_defbool_val(n->trusted);
	xw_put(w, untrusted ? "0" : "1", XS_FMT_VIF_FE_TRUSTED, d, id);
	/* the MTU is dom0's, read-only to the guest (libxl) */
	xw_put(w, mtu, XS_FMT_VIF_FE_MTU, d, id);
	if (!w->err) {
		char p[PATH_LEN];
		snprintf(p, sizeof(p), XS_FMT_VIF_FE_MTU, d, id);
		struct xs_permissions perms[2] = { { .id = 0, .perms = XS_PERM_NONE },
						   { .id = d, .perms = XS_PERM_READ } };
		if (!xs_set_permissions(w->xs, w->t, p, perms, 2))
			xw_fail(w, p);
	}
}

static void do_write(struct xw *w, void *arg)
{
	const struct sa_dev *s = arg;
	if (s->kind == XCTL_HV_DEV_VBD)
		write_vbd(w, s);
	else
		write_vif(w, s);
}

struct sa_rm {
	enum xctl_hv_devkind kind;
	uint32_t d, b, devid;
};

static void do_remove(struct xw *w, void *arg)
{
	const struct sa_rm *r = arg;
	if (r->kind == XCTL_HV_DEV_VBD) {
		xw_rm(w, XS_FMT_VBD_BE, r->b, r->d, r->devid);
		xw_rm_if_empty(w, XS_FMT_BACKEND_VBD_DOM, r->b, r->d);
		xw_rm(w, XS_FMT_VBD_FE, r->d, r->devid);
	} else {
		xw_rm(w, XS_FMT_VIF_BE, r->b, r->d, r->devid);
		xw_rm_if_empty(w, XS_FMT_BACKEND_VIF_DOM, r->b, r->d);
		xw_rm(w, XS_FMT_VIF_FE, r->d, r->devid);
	}
}

static const char *be_state_fmt(enum xctl_hv_devkind k)
{
	return k == XCTL_HV_DEV_VBD ? XS_FMT_VBD_BE_STATE : XS_FMT_VIF_BE_STATE;
}

/* The backend's state: 0..8, -1 when its directory is gone, 0 while the
 * backend has written none. */
static int be_state(struct xs_handle *xs, const struct sa_rm *r)
{
	char *v = xs_get(xs, be_state_fmt(r->kind), r->b, r->d, r->devid);
	if (!v) {
		char *dir = xs_get(xs, r->kind == XCTL_HV_DEV_VBD ? XS_FMT_VBD_BE : XS_FMT_VIF_BE, r->b, r->d,
				   r->devid);
		free(dir);
		return dir ? 0 : -1;
	}
	uint64_t n;
	int st = xctl_parse_u64(v, 10, 8, &n) ? 0 : (int)n;
	free(v);
	return st;
}

/* Wait until the backend's state is at least want (want >= 6: Closed or
 * gone). XCTL_ERR_TIMEOUT after timeout_ms, logged by the caller. */
static int wait_state(struct xctl_hv *hv, struct xs_handle *xs, const struct sa_rm *r, int want, int timeout_ms,
		      int *last)
{
	char path[PATH_LEN], token[48];
	snprintf(path, sizeof(path), be_state_fmt(r->kind), r->b, r->d, r->devid);
	snprintf(token, sizeof(token), "xctl-sa-%u-%u", r->d, r->devid);
	if (xctl_hv_fault(hv, "xs_watch") || !xs_watch(xs, path, token)) {
		xctl_err_log(hv->log, "domain %u %s %u: cannot watch %s", r->d, kind_name(r->kind), r->devid, path);
		return XCTL_ERR_XENSTORE;
	}
	long start = xctl_mono_ms();
	int rc = 0;
	for (;;) {
		int st = be_state(xs, r);
		*last = st;
		if (want >= 6 ? (st == -1 || st >= want) : st >= want)
			break;
		if (st == -1) {
			rc = XCTL_ERR_NOTFOUND;
			break;
		}
		long left = timeout_ms - (xctl_mono_ms() - start);
		if (left <= 0) {
			rc = XCTL_ERR_TIMEOUT;
			break;
		}
		struct pollfd pfd = { .fd = xs_fileno(xs), .events = POLLIN };
		if (poll(&pfd, 1, left > 500 ? 500 : (int)left) > 0) {
			unsigned num;
			free(xs_read_watch(xs, &num));
		}
	}
	xs_unwatch(xs, path, token);
	return rc;
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
	snprintf(what, sizeof(what), "domain %u %s %u", s->d, kind_name(s->kind), s->devid);
	struct xs_handle *xs = xs_connect(hv, what);
	if (!xs)
		return XCTL_ERR_XENSTORE;
	struct sa_rm r = { s->kind, s->d, s->b, s->devid };
	int rc, last = 0;
	/* a device of that number already there is not ours to overwrite */
	char *fe = xs_get(xs, s->kind == XCTL_HV_DEV_VBD ? XS_FMT_VBD_FE : XS_FMT_VIF_FE, s->d, s->devid);
	if (fe) {
		free(fe);
		xctl_err_log(hv->log, "%s: the domain has that device already; choose another %s", what,
			     s->kind == XCTL_HV_DEV_VBD ? "vdev" : "devid");
		rc = XCTL_ERR_EXISTS;
		goto out;
	}
	rc = xs_txn(hv, xs, what, do_write, s);
	if (rc)
		goto out;
	rc = wait_state(hv, xs, &r, 2, timeout_ms > 0 ? timeout_ms : DEFAULT_WAIT_MS, &last);
	if (rc == XCTL_ERR_TIMEOUT || rc == XCTL_ERR_NOTFOUND) {
		xctl_err_log(hv->log,
			     "%s: no backend took it up within %.1f s (its state is %d); is %s running in domain %u? "
			     "If it is, its log says why it refused the device (xctl-blkback serves disks with "
			     "backendtype=standalone, xctl-netback vifs with script=xctl-netback; docs/backends.md)",
			     what, (timeout_ms > 0 ? timeout_ms : DEFAULT_WAIT_MS) / 1000.0, last,
			     s->kind == XCTL_HV_DEV_VBD ? "xctl-blkback" : "xctl-netback", s->b);
	}
	if (!rc) {
		/* no hotplug script runs: say what it would */
		char p[PATH_LEN];
		snprintf(p, sizeof(p),
			 s->kind == XCTL_HV_DEV_VBD ? XS_FMT_VBD_BE_HOTPLUG_STATUS : XS_FMT_VIF_BE_HOTPLUG_STATUS, s->b,
			 s->d, s->devid);
		if (!xs_write(xs, XBT_NULL, p, "connected", strlen("connected"))) {
			xctl_err_log(hv->log, "%s: cannot write %s (%s)", what, p, strerror(errno));
			rc = XCTL_ERR_XENSTORE;
		}
	}
	if (rc)
		xs_txn(hv, xs, what, do_remove, &r);
out:
	xs_close(xs);
	return rc;
}

/* Our device kind/devid of domid, found from its frontend and believed
 * only when dom0's backend nodes say the same: its backend domain. */
static int find_ours(struct xs_handle *xs, uint32_t domid, enum xctl_hv_devkind kind, uint32_t devid, uint32_t *b)
{
	bool vbd = kind == XCTL_HV_DEV_VBD;
	char *bid = xs_get(xs, vbd ? XS_FMT_VBD_FE_BACKEND_ID : XS_FMT_VIF_FE_BACKEND_ID, domid, devid);
	uint64_t n;
	int bad = !bid || xctl_parse_u64(bid, 10, 0x7fef, &n);
	free(bid);
	if (bad)
		return XCTL_ERR_NOTFOUND;
	*b = (uint32_t)n;
	char fe[PATH_LEN];
	snprintf(fe, sizeof(fe), vbd ? XS_FMT_VBD_FE : XS_FMT_VIF_FE, domid, devid);
	char *befe = xs_get(xs, vbd ? XS_FMT_VBD_BE_FRONTEND : XS_FMT_VIF_BE_FRONTEND, *b, domid, devid);
	bool same = befe && !strcmp(befe, fe);
	free(befe);
	if (!same)
		return XCTL_ERR_NOTFOUND;
	char *v = xs_get(xs, vbd ? XS_FMT_VBD_BE_TYPE : XS_FMT_VIF_BE_SCRIPT, *b, domid, devid);
	bool ours = v && (vbd ? !strcmp(v, BLKBACK_TYPE) : script_is_netback(v));
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
	snprintf(what, sizeof(what), "domain %u %s %d", domid, kind_name(kind), devid);
	struct xs_handle *xs = xs_connect(hv, what);
	if (!xs)
		return XCTL_ERR_XENSTORE;
	struct sa_rm r = { kind, domid, 0, (uint32_t)devid };
	int rc = find_ours(xs, domid, kind, (uint32_t)devid, &r.b);
	if (rc)
		goto out;
	int st = be_state(xs, &r);
	if (!force && st >= 2 && st <= 5) {
		/* as libxl__initiate_device_generic_remove: online 0, Closing, and
		 * wait for Closed (a backend without a frontend closes at once) */
		char on[PATH_LEN], sp[PATH_LEN];
		snprintf(on, sizeof(on), kind == XCTL_HV_DEV_VBD ? XS_FMT_VBD_BE_ONLINE : XS_FMT_VIF_BE_ONLINE, r.b,
			 domid, r.devid);
		snprintf(sp, sizeof(sp), be_state_fmt(kind), r.b, domid, r.devid);
		if (!xs_write(xs, XBT_NULL, on, "0", 1) || !xs_write(xs, XBT_NULL, sp, "5", 1)) {
			xctl_err_log(hv->log, "%s: cannot ask its backend to close (%s)", what, strerror(errno));
			rc = XCTL_ERR_XENSTORE;
			goto out;
		}
		int last = 0;
		rc = wait_state(hv, xs, &r, 6, timeout_ms > 0 ? timeout_ms : DEFAULT_WAIT_MS, &last);
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
	rc = xs_txn(hv, xs, what, do_remove, &r);
out:
	xs_close(xs);
	return rc;
}

static int read_int(struct xs_handle *xs, const char *fmt, uint32_t a, uint32_t b)
{
	char *v = xs_get(xs, fmt, a, b);
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
	struct xs_handle *xs = xs_connect(hv, what);
	if (!xs)
		return XCTL_ERR_XENSTORE;
	bool vbd = kind == XCTL_HV_DEV_VBD;
	char p[PATH_LEN];
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
			char *dev = xs_get(xs, XS_FMT_VBD_BE_DEV, b, d, k);
			snprintf(o->vdev, sizeof(o->vdev), "%s", dev ? dev : "");
			free(dev);
		} else {
			char *mac = xs_get(xs, XS_FMT_VIF_BE_MAC, b, d, k);
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
	struct xs_handle *xs = xs_connect(hv, what);
	if (!xs)
		return XCTL_ERR_XENSTORE;
	int rc = 0;
	for (int k = 0; k < 2; k++) {
		enum xctl_hv_devkind kind = k ? XCTL_HV_DEV_VIF : XCTL_HV_DEV_VBD;
		bool vbd = !k;
		char p[PATH_LEN];
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
				char *v = xs_get(xs, vbd ? XS_FMT_VBD_BE_TYPE : XS_FMT_VIF_BE_SCRIPT, 0u, domid, r.devid);
				bool ours = v && (vbd ? !strcmp(v, BLKBACK_TYPE) : script_is_netback(v));
				free(v);
				if (!ours)
					continue;
			} else if (find_ours(xs, domid, kind, r.devid, &r.b)) {
				continue;
			}
			int e = xs_txn(hv, xs, what, do_remove, &r);
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
