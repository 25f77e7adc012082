/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/sim: the nodes of a disk or vif, as libxl's device_disk_add and
 * libxl__device_nic_add write them (backend, frontend, and libxl's own copy
 * under /libxl), removing them, and waiting for a backend's state. On the
 * simulated host no hotplug script runs: once the backend is waiting for
 * its frontend, hv/sim says hotplug-status=connected, as the script would. */
#include "toolstack/hv/sim/sim_int.h"
#include "sim/simd/simd.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCRIPT_DIR "/etc/xen/scripts/"

const char *sim_devkind_name(enum xctl_hv_devkind k)
{
	return k == XCTL_HV_DEV_VBD ? "vbd" : "vif";
}

struct dev_arg {
	uint32_t d, b, devid;
	enum xctl_guest_type type;
	const struct xctl_hv_device *dev;
};

static const char *disk_type(const struct xctl_disk *k)
{
	switch (k->backend) {
	case XCTL_DISK_BACKEND_QDISK:
		return "qdisk";
	case XCTL_DISK_BACKEND_TAP:
		return "tap";
	case XCTL_DISK_BACKEND_STANDALONE:
		return "standalone";
	default:
		return "phy";
	}
}

static void write_vbd(struct xw *w, const struct dev_arg *a)
{
	const struct xctl_disk *k = a->dev->u.disk;
	uint32_t d = a->d, b = a->b, id = a->devid;
	char fe[96], be[96], did[16], bid[16], vid[16], script[256] = "";
	snprintf(fe, sizeof(fe), XS_FMT_VBD_FE, d, id);
	snprintf(be, sizeof(be), XS_FMT_VBD_BE, b, d, id);
	snprintf(did, sizeof(did), "%u", d);
	snprintf(bid, sizeof(bid), "%u", b);
	snprintf(vid, sizeof(vid), "%u", id);
	if (k->script)
		snprintf(script, sizeof(script), "%s%s", k->script[0] == '/' ? "" : SCRIPT_DIR, k->script);
	else if (k->backend == XCTL_DISK_BACKEND_PHY || k->backend == XCTL_DISK_BACKEND_UNKNOWN)
		snprintf(script, sizeof(script), SCRIPT_DIR "block");
	const char *params = k->target ? k->target : "";
	const char *devtype = k->is_cdrom ? "cdrom" : "disk";
	const char *discard = k->discard == XCTL_DEFBOOL_FALSE ? "0" : "1";
	/* backend (libxl: "back") */
	xw_mkdir(w, XS_FMT_VBD_BE, b, d, id);
	xw_perms(w, XW_BACKEND_READ, d, b, XS_FMT_VBD_BE, b, d, id);
	struct kv {
		const char *be, *lx, *v;
	} back[] = {
		{ XS_FMT_VBD_BE_FRONTEND, XS_FMT_LIBXL_VBD_FRONTEND, fe },
		{ XS_FMT_VBD_BE_PARAMS, XS_FMT_LIBXL_VBD_PARAMS, params },
		{ XS_FMT_VBD_BE_SCRIPT, XS_FMT_LIBXL_VBD_SCRIPT, script[0] ? script : NULL },
		{ XS_FMT_VBD_BE_FRONTEND_ID, XS_FMT_LIBXL_VBD_FRONTEND_ID, did },
		{ XS_FMT_VBD_BE_ONLINE, XS_FMT_LIBXL_VBD_ONLINE, "1" },
		{ XS_FMT_VBD_BE_REMOVABLE, XS_FMT_LIBXL_VBD_REMOVABLE, k->removable ? "1" : "0" },
		{ XS_FMT_VBD_BE_BOOTABLE, XS_FMT_LIBXL_VBD_BOOTABLE, "1" },
		{ XS_FMT_VBD_BE_STATE, XS_FMT_LIBXL_VBD_STATE, "1" },
		{ XS_FMT_VBD_BE_DEV, XS_FMT_LIBXL_VBD_DEV, k->vdev },
		{ XS_FMT_VBD_BE_TYPE, XS_FMT_LIBXL_VBD_TYPE, disk_type(k) },
		{ XS_FMT_VBD_BE_MODE, XS_FMT_LIBXL_VBD_MODE, k->readwrite ? "w" : "r" },
		{ XS_FMT_VBD_BE_DEVICE_TYPE, XS_FMT_LIBXL_VBD_DEVICE_TYPE, devtype },
		{ XS_FMT_VBD_BE_DIRECT_IO_SAFE, XS_FMT_LIBXL_VBD_DIRECT_IO_SAFE, k->direct_io_safe ? "1" : NULL },
		{ XS_FMT_VBD_BE_DISCARD_ENABLE, XS_FMT_LIBXL_VBD_DISCARD_ENABLE, discard },
		{ XS_FMT_VBD_BE_SPECIFICATION, XS_FMT_LIBXL_VBD_SPECIFICATION, "xen" },
	};
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(back); i++)
		if (back[i].v)
			xw_write(w, back[i].v, back[i].be, b, d, id);
	/* frontend */
	xw_mkdir(w, XS_FMT_VBD_FE, d, id);
	xw_perms(w, XW_GUEST_DOM0R, d, b, XS_FMT_VBD_FE, d, id);
	xw_write(w, be, XS_FMT_VBD_FE_BACKEND, d, id);
	xw_write(w, bid, XS_FMT_VBD_FE_BACKEND_ID, d, id);
	xw_write(w, "1", XS_FMT_VBD_FE_STATE, d, id);
	xw_write(w, vid, XS_FMT_VBD_FE_VIRTUAL_DEVICE, d, id);
	xw_write(w, devtype, XS_FMT_VBD_FE_DEVICE_TYPE, d, id);
	xw_write(w, k->trusted == XCTL_DEFBOOL_FALSE ? "0" : "1", XS_FMT_VBD_FE_TRUSTED, d, id);
	if (a->type == XCTL_GUEST_PV)
		xw_write(w, "x86_64-abi", XS_FMT_VBD_FE_PROTOCOL, d, id);
	/* libxl's copy */
	xw_write(w, fe, XS_FMT_LIBXL_VBD_FRONTEND, d, id);
	xw_write(w, be, XS_FMT_LIBXL_VBD_BACKEND, d, id);
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(back); i++)
		if (back[i].v && i > 0) /* [0] is the frontend, written above */
			xw_write(w, back[i].v, back[i].lx, d, id);
}

static void write_vif(struct xw *w, const struct dev_arg *a, const char *bridge, const char *script)
{
	const struct xctl_vif *v = a->dev->u.vif;
	uint32_t d = a->d, b = a->b, id = a->devid;
	char fe[96], be[96], did[16], bid[16], handle[16], mac[XCTL_MAC_STRLEN], mtu[16], rate[64] = "";
	snprintf(fe, sizeof(fe), XS_FMT_VIF_FE, d, id);
	snprintf(be, sizeof(be), XS_FMT_VIF_BE, b, d, id);
	snprintf(did, sizeof(did), "%u", d);
	snprintf(bid, sizeof(bid), "%u", b);
	snprintf(handle, sizeof(handle), "%u", id);
	snprintf(mtu, sizeof(mtu), "%d", v->mtu > 0 ? v->mtu : 1500);
	xctl_mac_format(v->mac, mac, sizeof(mac));
	if (v->rate_bytes_per_interval)
		snprintf(rate, sizeof(rate), "%llu,%u", (unsigned long long)v->rate_bytes_per_interval,
			 v->rate_interval_usecs);
	const char *type = v->type == XCTL_VIF_TYPE_IOEMU ? "vif_ioemu" : "vif";
	xw_mkdir(w, XS_FMT_VIF_BE, b, d, id);
	xw_perms(w, XW_BACKEND_READ, d, b, XS_FMT_VIF_BE, b, d, id);
	struct kv {
		const char *be, *lx, *v;
	} back[] = {
		{ XS_FMT_VIF_BE_FRONTEND, XS_FMT_LIBXL_VIF_FRONTEND, fe },
		{ XS_FMT_VIF_BE_FRONTEND_ID, XS_FMT_LIBXL_VIF_FRONTEND_ID, did },
		{ XS_FMT_VIF_BE_ONLINE, XS_FMT_LIBXL_VIF_ONLINE, "1" },
		{ XS_FMT_VIF_BE_STATE, XS_FMT_LIBXL_VIF_STATE, "1" },
		{ XS_FMT_VIF_BE_SCRIPT, XS_FMT_LIBXL_VIF_SCRIPT, script },
		{ XS_FMT_VIF_BE_MAC, XS_FMT_LIBXL_VIF_MAC, mac },
		{ XS_FMT_VIF_BE_BRIDGE, XS_FMT_LIBXL_VIF_BRIDGE, bridge },
		{ XS_FMT_VIF_BE_HANDLE, XS_FMT_LIBXL_VIF_HANDLE, handle },
		{ XS_FMT_VIF_BE_TYPE, XS_FMT_LIBXL_VIF_TYPE, type },
		{ XS_FMT_VIF_BE_IP, XS_FMT_LIBXL_VIF_IP, v->ip },
		{ XS_FMT_VIF_BE_VIFNAME, XS_FMT_LIBXL_VIF_VIFNAME, v->vifname },
		{ XS_FMT_VIF_BE_RATE, XS_FMT_LIBXL_VIF_RATE, rate[0] ? rate : NULL },
		{ XS_FMT_VIF_BE_MODEL, XS_FMT_LIBXL_VIF_MODEL, a->type == XCTL_GUEST_HVM ? v->model : NULL },
		{ XS_FMT_VIF_BE_GATEWAYDEV, XS_FMT_LIBXL_VIF_GATEWAYDEV, v->gatewaydev },
	};
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(back); i++)
		if (back[i].v)
			xw_write(w, back[i].v, back[i].be, b, d, id);
	xw_mkdir(w, XS_FMT_VIF_FE, d, id);
	xw_perms(w, XW_GUEST_DOM0R, d, b, XS_FMT_VIF_FE, d, id);
	xw_write(w, be, XS_FMT_VIF_FE_BACKEND, d, id);
	xw_write(w, bid, XS_FMT_VIF_FE_BACKEND_ID, d, id);
	xw_write(w, "1", XS_FMT_VIF_FE_STATE, d, id);
	xw_write(w, handle, XS_FMT_VIF_FE_HANDLE, d, id);
	xw_write(w, mac, XS_FMT_VIF_FE_MAC, d, id);
	xw_write(w, v->trusted == XCTL_DEFBOOL_FALSE ? "0" : "1", XS_FMT_VIF_FE_TRUSTED, d, id);
	xw_write(w, mtu, XS_FMT_VIF_FE_MTU, d, id);
	xw_perms(w, XW_DOM0_READ, d, 0, XS_FMT_VIF_FE_MTU, d, id);
	xw_write(w, fe, XS_FMT_LIBXL_VIF_FRONTEND, d, id);
	xw_write(w, be, XS_FMT_LIBXL_VIF_BACKEND, d, id);
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(back); i++)
		if (back[i].v && i > 0) /* [0] is the frontend, written above */
			xw_write(w, back[i].v, back[i].lx, d, id);
	xw_write(w, "", XS_FMT_LIBXL_VIF_HOTPLUG_STATUS, d, id);
}

struct vif_defaults {
	const char *bridge;
	char script[256];
};

struct write_arg {
	struct dev_arg a;
	struct vif_defaults vd;
};

static void do_write(struct xw *w, void *arg)
{
	struct write_arg *wa = arg;
	if (wa->a.dev->kind == XCTL_HV_DEV_VBD)
		write_vbd(w, &wa->a);
	else
		write_vif(w, &wa->a, wa->vd.bridge, wa->vd.script);
}

int sim_dev_write(struct sim *s, uint32_t domid, enum xctl_guest_type type, const struct xctl_hv_device *dev)
{
	struct write_arg wa = { .a = { .d = domid, .b = dev->backend_domid, .type = type, .dev = dev } };
	char what[96];
	if (dev->kind == XCTL_HV_DEV_VBD) {
		wa.a.devid = (uint32_t)dev->u.disk->devid;
	} else {
		const struct xctl_vif *v = dev->u.vif;
		wa.a.devid = (uint32_t)(v->devid >= 0 ? v->devid : 0);
		wa.vd.bridge = v->bridge ? v->bridge : "xenbr0";
		const char *sc = v->script ? v->script : "vif-bridge";
		snprintf(wa.vd.script, sizeof(wa.vd.script), "%s%s", sc[0] == '/' ? "" : SCRIPT_DIR, sc);
	}
	snprintf(what, sizeof(what), "domain %u %s %u", domid, sim_devkind_name(dev->kind), wa.a.devid);
	return sim_xs_txn(s, what, do_write, &wa);
}

struct rm_arg {
	uint32_t d, b, devid;
	enum xctl_hv_devkind kind;
};

static void do_remove(struct xw *w, void *arg)
{
	struct rm_arg *r = arg;
	if (r->kind == XCTL_HV_DEV_VBD) {
		xw_rm(w, XS_FMT_VBD_BE, r->b, r->d, r->devid);
		xw_rm_if_empty(w, XS_FMT_BACKEND_VBD_DOM, r->b, r->d);
		xw_rm_if_empty(w, XS_FMT_BACKEND_VBD, r->b);
		xw_rm(w, XS_FMT_VBD_FE, r->d, r->devid);
		xw_rm(w, XS_FMT_LIBXL_VBD, r->d, r->devid);
	} else {
		xw_rm(w, XS_FMT_VIF_BE, r->b, r->d, r->devid);
		xw_rm_if_empty(w, XS_FMT_BACKEND_VIF_DOM, r->b, r->d);
		xw_rm_if_empty(w, XS_FMT_BACKEND_VIF, r->b);
		xw_rm(w, XS_FMT_VIF_FE, r->d, r->devid);
		xw_rm(w, XS_FMT_LIBXL_VIF, r->d, r->devid);
	}
	xw_rm_if_empty(w, XS_FMT_BACKEND_DIR, r->b);
}

static const char *be_state_fmt(enum xctl_hv_devkind k)
{
	return k == XCTL_HV_DEV_VBD ? XS_FMT_VBD_BE_STATE : XS_FMT_VIF_BE_STATE;
}

/* Watch every path (token) or none: on a failure the ones set are undone. */
static int watch_all(struct sim *s, uint32_t domid, char (*paths)[128], size_t n, const char *token)
{
	for (size_t i = 0; i < n; i++) {
		if (sim_fault(s, "xs watch") || !xs_watch(s->xs, paths[i], token)) {
			xctl_err_log(s->hv->log, "domain %u: cannot watch %s", domid, paths[i]);
			for (size_t j = 0; j < i; j++) {
				s->hv->xs_requests++;
				xs_unwatch(s->xs, paths[j], token);
			}
			return XCTL_ERR_XENSTORE;
		}
	}
	return 0;
}

static void unwatch_all(struct sim *s, char (*paths)[128], size_t n, const char *token)
{
	for (size_t j = 0; j < n; j++) {
		s->hv->xs_requests++;
		xs_unwatch(s->xs, paths[j], token);
	}
}

/* Wait until a watch event comes or the clock reaches deadline (ms of
 * xctl_mono_ms), at most 500 ms; the events are consumed. True if one came. */
static bool next_event(struct sim *s, long deadline)
{
	long left = deadline - xctl_mono_ms();
	if (left <= 0)
		return false;
	struct pollfd pfd = { .fd = xs_fileno(s->xs), .events = POLLIN };
	if (poll(&pfd, 1, left > 500 ? 500 : (int)left) <= 0)
		return false;
	char **ev;
	bool got = false;
	while ((ev = xs_check_watch(s->xs))) {
		free(ev);
		got = true;
	}
	return got;
}

/* Can the domain's frontends still act? Not once it is paused, shut down,
 * dying or gone (its guest is stopped), as when it is being destroyed. */
static bool frontends_frozen(struct sim *s, uint32_t domid)
{
	struct simd_domain_info d;
	if (sim_fault(s, "simd domain info"))
		return false;
	int rc = simd_domain_info(s->simd, domid, &d);
	if (rc)
		return rc == XCTL_ERR_NOTFOUND;
	return (d.flags & (SIMD_DOMF_PAUSED | SIMD_DOMF_SHUTDOWN | SIMD_DOMF_DYING)) != 0;
}

/* After the removal, a backend still busy with the device may write a node
 * again (a setup transaction that commits late, or a write of its connect
 * step): for up to ms, each change below the backend's directory is looked
 * at, and what it left is removed again. */
static int remove_late_writes(struct sim *s, struct rm_arg *r, const char *what, int ms)
{
	char dir[1][128];
	const char *token = "xctl-late-write";
	snprintf(dir[0], sizeof(dir[0]), r->kind == XCTL_HV_DEV_VBD ? XS_FMT_VBD_BE : XS_FMT_VIF_BE, 0u, r->d,
		 r->devid);
	int rc = watch_all(s, r->d, dir, 1, token);
	if (rc)
		return rc;
	long deadline = xctl_mono_ms() + ms;
	/* the watch's first event is a look at once, in case it came back already */
	while (!rc && xctl_mono_ms() < deadline) {
		if (!next_event(s, deadline))
			continue;
		unsigned n = 0;
		char **v = sim_xs_dir(s, &n, "%s", dir[0]);
		free(v);
		if (v)
			rc = sim_xs_txn(s, what, do_remove, r);
	}
	unwatch_all(s, dir, 1, token);
	return rc;
}

int sim_dev_remove(struct sim *s, uint32_t domid, enum xctl_hv_devkind kind, uint32_t devid, bool close,
		   int timeout_ms, bool linger)
{
	struct rm_arg r = { domid, 0, devid, kind };
	char what[96];
	bool touched = false; /* a backend has taken the device up */
	bool settled = false; /* and has nothing left to write for it */
	snprintf(what, sizeof(what), "domain %u %s %u", domid, sim_devkind_name(kind), devid);
	if (close) {
		/* as libxl__initiate_device_generic_remove: online 0, Closing,
		 * then wait for Closed */
		char path[128], *st;
		snprintf(path, sizeof(path), be_state_fmt(kind), 0u, domid, devid);
		st = sim_xs_read(s, "%s", path);
		if (st) {
			int state = atoi(st);
			free(st);
			touched = state >= 2;
			/* InitWait is written with the backend's features in one
			 * transaction, and it writes again only when the frontend
			 * moves: not once the guest is stopped */
			settled = state == 2 && !linger && frontends_frozen(s, domid);
			if (state >= 2 && state <= 5) {
				const char *online = kind == XCTL_HV_DEV_VBD ? XS_FMT_VBD_BE_ONLINE : XS_FMT_VIF_BE_ONLINE;
				sim_xs_write(s, "0", online, 0u, domid, devid);
				sim_xs_write(s, "5", "%s", path);
				/* a backend answers Closing with Closed once it has a
				 * frontend (Connected); before that it may never */
				int wait = state >= 4 ? timeout_ms : 0;
				struct sim_devref ref = { kind, devid, 0 };
				if (wait > 0 && sim_dev_wait(s, domid, &ref, 1, wait, 6, NULL, NULL))
					xctl_info(s->hv->log, "%s: the backend did not close in %d ms; removing its nodes anyway",
						  what, wait);
				else if (wait > 0)
					settled = !linger; /* Closed: it has disconnected */
			}
		}
	}
	int rc = sim_xs_txn(s, what, do_remove, &r);
	/* Longer for a device undone just after it was made. */
	int ms = linger ? 150 : touched && !settled ? 60 : 0;
	if (!rc && ms)
		rc = remove_late_writes(s, &r, what, ms);
	return rc;
}

/* State of a backend: 0..8, -1 if its node is gone (removed counts as
 * closed), -2 on a read error. */
static int be_state(struct sim *s, uint32_t domid, const struct sim_devref *r)
{
	char *v = sim_xs_read(s, be_state_fmt(r->kind), r->backend, domid, r->devid);
	if (!v)
		return errno == ENOENT ? -1 : -2;
	uint64_t n;
	int st = xctl_parse_u64(v, 10, 8, &n) ? 0 : (int)n;
	free(v);
	return st;
}

int sim_dev_wait(struct sim *s, uint32_t domid, const struct sim_devref *devs, size_t n, int timeout_ms,
		 int want_state, void (*progress)(void *, const char *, int), void *parg)
{
	char token[32], (*paths)[128] = calloc(n ? n : 1, sizeof(*paths));
	int rc = 0;
	long start = xctl_mono_ms();
	if (!paths)
		return XCTL_ERR_NOMEM;
	snprintf(token, sizeof(token), "xctl-wait-%u", domid);
	for (size_t i = 0; i < n; i++)
		snprintf(paths[i], sizeof(paths[i]), be_state_fmt(devs[i].kind), devs[i].backend, domid,
			 devs[i].devid);
	if ((rc = watch_all(s, domid, paths, n, token))) {
		free(paths);
		return rc;
	}
	size_t i = 0;
	int st = 0;
	while (i < n) {
		st = be_state(s, domid, &devs[i]);
		if (st == -2) {
			rc = XCTL_ERR_XENSTORE;
			xctl_err_log(s->hv->log, "domain %u %s %u: cannot read its backend state", domid,
				     sim_devkind_name(devs[i].kind), devs[i].devid);
			break;
		}
		enum xctl_hv_bewait v = xctl_hv_be_state_reached(want_state, st);
		if (v == XCTL_HV_BE_REACHED) {
			i++;
			continue;
		}
		if (v == XCTL_HV_BE_REFUSED) {
			rc = XCTL_ERR_PROTO;
			xctl_err_log(s->hv->log, "domain %u %s %u: the %s backend refused it (backend state %s); its log "
				     "in %s/log/ says why", domid, sim_devkind_name(devs[i].kind), devs[i].devid,
				     devs[i].kind == XCTL_HV_DEV_VBD ? "block (xctl-blkback)" : "network (xctl-netback)",
				     st == 5 ? "Closing" : "Closed", s->dir);
			break;
		}
		if (st == -1) {
			rc = XCTL_ERR_NOTFOUND;
			xctl_err_log(s->hv->log, "domain %u %s %u: its backend nodes disappeared", domid,
				     sim_devkind_name(devs[i].kind), devs[i].devid);
			break;
		}
		if (xctl_mono_ms() - start >= timeout_ms) {
			rc = XCTL_ERR_TIMEOUT;
			break;
		}
		if (progress) {
			char what[64];
			snprintf(what, sizeof(what), "%s %u", sim_devkind_name(devs[i].kind), devs[i].devid);
			progress(parg, what, (int)(xctl_mono_ms() - start));
		}
		next_event(s, start + timeout_ms);
	}
	if (rc == XCTL_ERR_TIMEOUT && want_state < 6) {
		xctl_err_log(s->hv->log,
			     "domain %u %s %u: no backend served it within %d s (%s is still %d); is the %s backend "
			     "running? Its log is in %s/log/",
			     domid, sim_devkind_name(devs[i].kind), devs[i].devid, timeout_ms / 1000, paths[i], st,
			     devs[i].kind == XCTL_HV_DEV_VBD ? "block (xctl-blkback)" : "network (xctl-netback)",
			     s->dir);
	}
	unwatch_all(s, paths, n, token);
	free(paths);
	if (!rc && want_state < 6) {
		/* no hotplug script on the simulated host: say what it would */
		for (size_t j = 0; j < n && !rc; j++) {
			const char *hs = devs[j].kind == XCTL_HV_DEV_VBD ? XS_FMT_VBD_BE_HOTPLUG_STATUS
									  : XS_FMT_VIF_BE_HOTPLUG_STATUS;
			rc = sim_xs_write(s, "connected", hs, devs[j].backend, domid, devs[j].devid);
		}
	}
	return rc;
}
