/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/xen: the xenstore nodes of a device of xctl's own backends (see
 * xen_standalone.c): written in one transaction as libxl writes a phy disk's
 * or a vif's, without the backend's state node; removed; the backend's
 * state read and waited for. */
#include "toolstack/hv/xen/xen_sa.h"
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

#define TXN_TRIES 16

/* ---- xenstore: one connection per operation, a transaction writer */

struct xw {
	struct xs_handle *xs;
	xs_transaction_t t;
	int err; /* the first failure's errno, 0 */
	char at[SA_PATH_LEN]; /* and its path */
};

static void xw_fail(struct xw *w, const char *path)
{
	w->err = errno ? errno : EIO;
	snprintf(w->at, sizeof(w->at), "%s", path);
}

static void xw_vput(struct xw *w, const char *val, const char *fmt, va_list ap)
{
	char p[SA_PATH_LEN];
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
	char p[SA_PATH_LEN];
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
	char p[SA_PATH_LEN];
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
	char p[SA_PATH_LEN];
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

struct xs_handle *sa_xs_connect(struct xctl_hv *hv, const char *what)
{
	struct xs_handle *xs = xctl_hv_fault(hv, "xs_open") ? NULL : xs_open(0);
	if (!xs)
		xctl_err_log(hv->log, "%s: cannot connect to xenstored (%s)", what, strerror(errno));
	return xs;
}

/* Run fn in a transaction, again while the commit conflicts. */
int sa_xs_txn(struct xctl_hv *hv, struct xs_handle *xs, const char *what, void (*fn)(struct xw *, void *),
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

char *sa_xs_get(struct xs_handle *xs, const char *fmt, ...)
{
	char p[SA_PATH_LEN];
	unsigned len;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	return xs_read(xs, XBT_NULL, p, &len);
}

/* ---- the nodes of one device */


static void write_vbd(struct xw *w, const struct sa_dev *s)
{
	const libxl_device_disk *k = s->disk;
	uint32_t d = s->d, b = s->b, id = s->devid;
	char fe[SA_PATH_LEN], be[SA_PATH_LEN], did[16], bid[16], vid[16];
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
	xw_put(w, SA_BLKBACK_TYPE, XS_FMT_VBD_BE_TYPE, b, d, id);
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
	char fe[SA_PATH_LEN], be[SA_PATH_LEN], did[16], bid[16], handle[16], mac[XCTL_MAC_STRLEN], mtu[16], script[256],
		rate[64];
	snprintf(fe, sizeof(fe), XS_FMT_VIF_FE, d, id);
	snprintf(be, sizeof(be), XS_FMT_VIF_BE, b, d, id);
	snprintf(did, sizeof(did), "%u", d);
	snprintf(bid, sizeof(bid), "%u", b);
	snprintf(handle, sizeof(handle), "%u", id);
	snprintf(mtu, sizeof(mtu), "%d", n->mtu > 0 ? n->mtu : 1500);
	snprintf(script, sizeof(script), "%s%s", n->script[0] == '/' ? "" : SA_SCRIPT_DIR, n->script);
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
		char p[SA_PATH_LEN];
		snprintf(p, sizeof(p), XS_FMT_VIF_FE_MTU, d, id);
		struct xs_permissions perms[2] = { { .id = 0, .perms = XS_PERM_NONE },
						   { .id = d, .perms = XS_PERM_READ } };
		if (!xs_set_permissions(w->xs, w->t, p, perms, 2))
			xw_fail(w, p);
	}
}

void sa_do_write(struct xw *w, void *arg)
{
	const struct sa_dev *s = arg;
	if (s->kind == XCTL_HV_DEV_VBD)
		write_vbd(w, s);
	else
		write_vif(w, s);
}


void sa_do_remove(struct xw *w, void *arg)
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

const char *sa_be_state_fmt(enum xctl_hv_devkind k)
{
	return k == XCTL_HV_DEV_VBD ? XS_FMT_VBD_BE_STATE : XS_FMT_VIF_BE_STATE;
}

/* The backend's state: 0..8, -1 when its directory is gone, 0 while the
 * backend has written none. */
int sa_be_state(struct xs_handle *xs, const struct sa_rm *r)
{
	char *v = sa_xs_get(xs, sa_be_state_fmt(r->kind), r->b, r->d, r->devid);
	if (!v) {
		char *dir = sa_xs_get(xs, r->kind == XCTL_HV_DEV_VBD ? XS_FMT_VBD_BE : XS_FMT_VIF_BE, r->b, r->d,
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
int sa_wait_state(struct xctl_hv *hv, struct xs_handle *xs, const struct sa_rm *r, int want, int timeout_ms,
		      int *last)
{
	char path[SA_PATH_LEN], token[48];
	snprintf(path, sizeof(path), sa_be_state_fmt(r->kind), r->b, r->d, r->devid);
	snprintf(token, sizeof(token), "xctl-sa-%u-%u", r->d, r->devid);
	if (xctl_hv_fault(hv, "xs_watch") || !xs_watch(xs, path, token)) {
		xctl_err_log(hv->log, "domain %u %s %u: cannot watch %s", r->d, sa_kind_name(r->kind), r->devid, path);
		return XCTL_ERR_XENSTORE;
	}
	long start = xctl_mono_ms();
	int rc = 0;
	for (;;) {
		int st = sa_be_state(xs, r);
		*last = st;
		enum xctl_hv_bewait v = xctl_hv_be_state_reached(want, st);
		if (v != XCTL_HV_BE_WAIT) {
			rc = v == XCTL_HV_BE_REFUSED ? XCTL_ERR_PROTO : 0;
			break;
		}
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
