/* SPDX-License-Identifier: LGPL-2.1-only */
/* Native hotplug: libxl's script ABI, the per-device lock, and the work of
 * the block and vif-bridge scripts over xenstore (see hotplug.h). */
#include "toolstack/hotplug/hotplug.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#define WHY 1024

static const char *const kind_names[] = { [XCTL_HP_VBD] = "vbd", [XCTL_HP_VIF] = "vif" };

void xctl_hp_name(const struct xctl_hp_req *r, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s %u of domain %u", kind_names[r->kind], r->devid, r->domid);
}

/* "…/DOMID/DEVID": the last two components, decimal. */
static int path_ids(const char *p, uint32_t *domid, uint32_t *devid)
{
	const char *e = p + strlen(p);
	const char *s2 = e;
	while (s2 > p && s2[-1] != '/')
		s2--;
	if (s2 == p || s2 == e)
		return -1;
	const char *s1 = s2 - 1;
	while (s1 > p && s1[-1] != '/')
		s1--;
	char a[16], b[16];
	size_t la = (size_t)(s2 - 1 - s1), lb = (size_t)(e - s2);
	if (!la || la >= sizeof(a) || lb >= sizeof(b))
		return -1;
	memcpy(a, s1, la);
	a[la] = 0;
	memcpy(b, s2, lb);
	b[lb] = 0;
	uint64_t x, y;
	if (xctl_parse_u64(a, 10, UINT32_MAX, &x) || xctl_parse_u64(b, 10, UINT32_MAX, &y))
		return -1;
	*domid = (uint32_t)x;
	*devid = (uint32_t)y;
	return 0;
}

int xctl_hp_parse(int argc, char *const argv[], const char *(*get)(const char *name), struct xctl_hp_req *r,
		  char *why, size_t whysz)
{
	memset(r, 0, sizeof(*r));
	const char *type = get("XENBUS_TYPE"), *path = get("XENBUS_PATH");
	const char *act = argc > 1 ? argv[1] : NULL;
	const char *type_if = "vif";
	for (int i = 2; i < argc; i++)
		if (!strncmp(argv[i], "type_if=", 8))
			type_if = argv[i] + 8;
	if (!act) {
		snprintf(why, whysz, "no action given (libxl passes add or remove, online or offline)");
		return XCTL_ERR_INVAL;
	}
	if (!type || (strcmp(type, "vbd") && strcmp(type, "vif"))) {
		snprintf(why, whysz, "XENBUS_TYPE is %s%s%s (allowed: vbd, vif)", type ? "'" : "", type ? type : "unset",
			 type ? "'" : "");
		return XCTL_ERR_INVAL;
	}
	if (!path || !*path || strlen(path) >= sizeof(r->path) ||
	    path_ids(path, &r->domid, &r->devid)) {
		snprintf(why, whysz, "XENBUS_PATH is %s (it must be the backend directory, .../DOMID/DEVID)",
			 path && *path ? path : "unset");
		return XCTL_ERR_INVAL;
	}
	snprintf(r->path, sizeof(r->path), "%s", path);
	bool add = !strcmp(act, "add"), remove = !strcmp(act, "remove");
	bool online = !strcmp(act, "online"), offline = !strcmp(act, "offline");
	if (!strcmp(type, "vbd")) {
		r->kind = XCTL_HP_VBD;
		if (!add && !remove) {
			snprintf(why, whysz, "'%s' is not an action for a vbd (allowed: add, remove)", act);
			return XCTL_ERR_INVAL;
		}
		r->action = add ? XCTL_HP_ADD : XCTL_HP_REMOVE;
		return 0;
	}
	r->kind = XCTL_HP_VIF;
	if (!add && !remove && !online && !offline) {
		snprintf(why, whysz, "'%s' is not an action for a vif (allowed: online, offline, add, remove)", act);
		return XCTL_ERR_INVAL;
	}
	if (strcmp(type_if, "vif") && strcmp(type_if, "tap")) {
		snprintf(why, whysz, "type_if=%s is not known (allowed: vif, tap)", type_if);
		return XCTL_ERR_INVAL;
	}
	r->tap = !strcmp(type_if, "tap");
	/* vif-common.sh: online|offline are for the vif, add|remove for its tap */
	if (r->tap ? (online || offline) : (add || remove))
		return 1;
	r->action = add || online ? XCTL_HP_ADD : XCTL_HP_REMOVE;
	const char *ifname = get(r->tap ? "INTERFACE" : "vif");
	if (!ifname || !*ifname || strlen(ifname) >= sizeof(r->ifname)) {
		snprintf(why, whysz, "%s is %s (the interface's name, at most %d characters)", r->tap ? "INTERFACE" : "vif",
			 ifname && *ifname ? "too long" : "unset", XCTL_HP_IFNAMSIZ - 1);
		return XCTL_ERR_INVAL;
	}
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	return 0;
}

/* ---- xenstore */

/* The node KEY of the backend directory; NULL when absent. */
static char *be_read(const struct xctl_hp_ctx *c, const struct xctl_hp_req *r, const char *key)
{
	char p[320];
	unsigned len;
	snprintf(p, sizeof(p), "%s/%s", r->path, key);
	return xs_read(c->xs, XBT_NULL, p, &len);
}

struct kv {
	const char *key, *val; /* key under the backend, or an absolute path when key starts with '/' */
};

static int be_write(const struct xctl_hp_ctx *c, const struct xctl_hp_req *r, const struct kv *kv, size_t n)
{
	for (int tries = 0; tries < 16; tries++) {
		xs_transaction_t t = xs_transaction_start(c->xs);
		if (t == XBT_NULL)
			return XCTL_ERR_XENSTORE;
		bool ok = true;
		for (size_t i = 0; i < n && ok; i++) {
			char p[320];
			if (kv[i].key[0] == '/')
				snprintf(p, sizeof(p), "%s", kv[i].key);
			else
				snprintf(p, sizeof(p), "%s/%s", r->path, kv[i].key);
			ok = xs_write(c->xs, t, p, kv[i].val, (unsigned)strlen(kv[i].val));
		}
		if (!ok) {
			xs_transaction_end(c->xs, t, true);
			return XCTL_ERR_XENSTORE;
		}
		if (xs_transaction_end(c->xs, t, false))
			return 0;
		if (errno != EAGAIN)
			return XCTL_ERR_XENSTORE;
	}
	return XCTL_ERR_XENSTORE;
}

/* The failure of a device: logged once, and told to libxl and the backend
 * as the scripts tell them (hotplug-error, hotplug-status). */
static int failed(const struct xctl_hp_ctx *c, const struct xctl_hp_req *r, int rc, const char *status,
		  const char *why)
{
	char name[64];
	xctl_hp_name(r, name, sizeof(name));
	xctl_err_log(c->log, "%s: hotplug %s failed: %s", name, r->action == XCTL_HP_ADD ? "add" : "remove", why);
	if (r->action == XCTL_HP_ADD) {
		struct kv kv[] = { { XS_KEY_HOTPLUG_ERROR, why }, { XS_KEY_HOTPLUG_STATUS, status } };
		if (be_write(c, r, kv, XCTL_ARRAY_SIZE(kv)))
			xctl_err_log(c->log, "%s: cannot write hotplug-status to %s either", name, r->path);
	}
	return rc;
}

/* ---- the per-device lock */

static int lock_device(const struct xctl_hp_ctx *c, const struct xctl_hp_req *r, char *lp, size_t lpsz, int *fd)
{
	const char *dir = c->lock_dir ? c->lock_dir : XCTL_HP_LOCK_DIR;
	int rc = xctl_mkdirs(dir);
	if (rc)
		return rc;
	snprintf(lp, lpsz, "%s/%s-%u-%u.lock", dir, kind_names[r->kind], r->domid, r->devid);
	int timeout = c->timeout_ms > 0 ? c->timeout_ms : XCTL_HP_TIMEOUT_MS;
	long end = xctl_mono_ms() + timeout;
	for (;;) {
		int f = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (f < 0)
			return xctl_err_from_errno(errno);
		while (flock(f, LOCK_EX | LOCK_NB)) {
			if (errno != EWOULDBLOCK || xctl_mono_ms() >= end) {
				close(f);
				return XCTL_ERR_TIMEOUT;
			}
			nanosleep(&(struct timespec){ 0, 5 * 1000 * 1000 }, NULL);
		}
		/* the holder before us may have removed the file: lock the one
		 * that is there now */
		struct stat a, b;
		if (!fstat(f, &a) && !stat(lp, &b) && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			*fd = f;
			return 0;
		}
		close(f);
	}
}

/* ---- vbd */

static char canonical_mode(const char *m)
{
	if (!m || !strchr(m, 'w'))
		return 'r';
	return strchr(m, '!') ? '!' : 'w';
}

static int vbd_add(const struct xctl_hp_ctx *c, const struct xctl_hp_req *r)
{
	char why[WHY], dev[64] = "", mm[32];
	int rc = 0;
	bool attached = false;
	char *phys = be_read(c, r, XS_KEY_PHYSICAL_DEVICE);
	char *params = NULL, *mode = NULL, *state = NULL;
	if (phys)
		goto out; /* done already, by us or by another script */
	params = be_read(c, r, XS_KEY_PARAMS);
	mode = be_read(c, r, XS_KEY_MODE);
	if (!params || !mode) {
		snprintf(why, sizeof(why), "%s has no %s node", r->path, params ? XS_KEY_MODE : XS_KEY_PARAMS);
		rc = failed(c, r, XCTL_ERR_NOTFOUND, "error", why);
		goto out;
	}
	if (!*params) {
		/* an empty CD-ROM drive: nothing to attach */
		struct kv kv[] = { { XS_KEY_HOTPLUG_STATUS, "connected" } };
		rc = be_write(c, r, kv, 1);
		goto out;
	}
	char m = canonical_mode(mode);
	struct stat st;
	if (stat(params, &st)) {
		snprintf(why, sizeof(why), "%s does not exist (%s)", params, strerror(errno));
		rc = failed(c, r, XCTL_ERR_NOTFOUND, "error", why);
		goto out;
	}
	unsigned maj, min;
	if (S_ISBLK(st.st_mode)) {
		maj = major(st.st_rdev);
		min = minor(st.st_rdev);
		snprintf(dev, sizeof(dev), "%s", params);
	} else if (S_ISREG(st.st_mode)) {
		state = be_read(c, r, XS_KEY_STATE);
		if (!state || strcmp(state, "2")) {
			snprintf(why, sizeof(why), "the backend closed or went during the hotplug add (state %s)",
				 state ? state : "gone");
			rc = failed(c, r, XCTL_ERR_BUSY, "error", why);
			goto out;
		}
		if (m == 'w' && access(params, W_OK)) {
			snprintf(why, sizeof(why), "%s is read-only, and so it is not given read-write to a guest",
				 params);
			rc = failed(c, r, XCTL_ERR_PERM, "busy", why);
			goto out;
		}
		bool wr;
		char other[64] = "";
		if (m != '!' && xctl_hp_loop_backing(params, &wr, other, sizeof(other)) == 1 && (m == 'w' || wr)) {
			snprintf(why, sizeof(why), "%s is already attached to %s%s, and so cannot be given %s", params,
				 other, wr ? " read-write" : "", m == 'w' ? "read-write" : "read-only");
			rc = failed(c, r, XCTL_ERR_BUSY, "busy", why);
			goto out;
		}
		rc = xctl_hp_loop_attach(params, m == 'r', dev, sizeof(dev), &maj, &min, why, sizeof(why));
		if (rc) {
			rc = failed(c, r, rc, "error", why);
			goto out;
		}
		attached = true;
	} else {
		snprintf(why, sizeof(why), "%s is neither a block device nor a file", params);
		rc = failed(c, r, XCTL_ERR_INVAL, "error", why);
		goto out;
	}
	snprintf(mm, sizeof(mm), "%x:%x", maj, min);
	struct kv kv[] = { { XS_KEY_PHYSICAL_DEVICE, mm },
			   { XS_KEY_PHYSICAL_DEVICE_PATH, dev },
			   { XS_KEY_HOTPLUG_STATUS, "connected" } };
	rc = be_write(c, r, kv, XCTL_ARRAY_SIZE(kv));
	if (rc) {
		char name[64];
		xctl_hp_name(r, name, sizeof(name));
		xctl_err_log(c->log, "%s: cannot write physical-device to %s: %s", name, r->path, strerror(errno));
		if (attached)
			xctl_hp_loop_detach(dev, params, why, sizeof(why));
	}
out:
	free(phys);
	free(params);
	free(mode);
	free(state);
	return rc;
}

static int vbd_remove(const struct xctl_hp_ctx *c, const struct xctl_hp_req *r)
{
	char why[WHY];
	int rc = 0;
	char *dev = be_read(c, r, XS_KEY_PHYSICAL_DEVICE_PATH);
	char *params = be_read(c, r, XS_KEY_PARAMS);
	struct stat st;
	if (dev && params && !stat(params, &st) && S_ISREG(st.st_mode)) {
		rc = xctl_hp_loop_detach(dev, params, why, sizeof(why));
		if (rc < 0)
			rc = failed(c, r, rc, "error", why);
		else
			rc = 0;
	}
	free(dev);
	free(params);
	return rc;
}

/* ---- vif */

static const uint8_t bridge_port_mac[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };

static int vif_online(const struct xctl_hp_ctx *c, const struct xctl_hp_req *r)
{
	char why[WHY], name[64];
	int rc = 0;
	char *bridge = be_read(c, r, XS_KEY_BRIDGE);
	char *vifname = r->tap ? NULL : be_read(c, r, XS_KEY_VIFNAME);
	char *mtus = be_read(c, r, XS_KEY_MTU);
	const char *dev = r->ifname;
	xctl_hp_name(r, name, sizeof(name));
	if (vifname && *vifname && strcmp(vifname, r->ifname)) {
		if (xctl_hp_link_exists(vifname, NULL)) {
			snprintf(why, sizeof(why), "cannot rename %s: an interface named %s already exists", r->ifname,
				 vifname);
			rc = failed(c, r, XCTL_ERR_EXISTS, "error", why);
			goto out;
		}
		if ((rc = xctl_hp_link_up(r->ifname, false, why, sizeof(why))) ||
		    (rc = xctl_hp_link_rename(r->ifname, vifname, why, sizeof(why)))) {
			rc = failed(c, r, rc, "error", why);
			goto out;
		}
		dev = vifname;
	} else if (vifname && *vifname) {
		dev = vifname;
	}
	bool is_bridge = false;
	bool have_bridge = bridge && *bridge && xctl_hp_link_exists(bridge, &is_bridge) && is_bridge;
	if (!have_bridge && !c->missing_bridge_ok) {
		if (!bridge || !*bridge)
			snprintf(why, sizeof(why), "%s has no bridge node (the vif spec's bridge=)", r->path);
		else
			snprintf(why, sizeof(why), "there is no bridge %s (create it, or change the vif's bridge=)",
				 bridge);
		rc = failed(c, r, XCTL_ERR_NOTFOUND, "error", why);
		goto out;
	}
	int mtu = 0;
	if (mtus && *mtus) {
		uint64_t v;
		if (xctl_parse_u64(mtus, 10, 65535, &v) || v < 68) {
			snprintf(why, sizeof(why), "%s/%s is '%s' (allowed: 68 to 65535)", r->path, XS_KEY_MTU, mtus);
			rc = failed(c, r, XCTL_ERR_INVAL, "error", why);
			goto out;
		}
		mtu = (int)v;
	} else if (have_bridge && xctl_hp_link_mtu(bridge, -1, &mtu, why, sizeof(why))) {
		mtu = 0;
	}
	int e = have_bridge ? xctl_bridge_port_ipv6_off(dev) : 0;
	if (e)
		xctl_warn(c->log, "%s: cannot turn IPv6 off on %s: %s", name, dev, xctl_strerror(e));
	if ((rc = xctl_hp_link_up(dev, false, why, sizeof(why))) ||
	    (rc = xctl_hp_link_mac(dev, bridge_port_mac, why, sizeof(why))) ||
	    (mtu > 0 && (rc = xctl_hp_link_mtu(dev, mtu, NULL, why, sizeof(why))))) {
		rc = failed(c, r, rc, "error", why);
		goto out;
	}
	if (have_bridge && (rc = xctl_hp_bridge_port(bridge, dev, true, why, sizeof(why)))) {
		rc = failed(c, r, rc, "error", why);
		goto out;
	}
	if (!have_bridge)
		xctl_warn(c->log, "%s: no bridge %s here: %s stays unbridged", name, bridge && *bridge ? bridge : "named",
			  dev);
	if ((rc = xctl_hp_link_up(dev, true, why, sizeof(why)))) {
		if (have_bridge)
			xctl_hp_bridge_port(bridge, dev, false, why + WHY / 2, WHY / 2);
		rc = failed(c, r, rc, "error", why);
		goto out;
	}
	if (r->tap)
		goto out; /* the scripts report success for the vif only */
	char fe[128], mtuv[16];
	snprintf(fe, sizeof(fe), XS_FMT_VIF_FE_MTU, r->domid, r->devid);
	snprintf(mtuv, sizeof(mtuv), "%d", mtu);
	struct kv kv[] = { { XS_KEY_HOTPLUG_STATUS, "connected" }, { fe, mtuv } };
	rc = be_write(c, r, kv, mtu > 0 ? 2 : 1);
	if (rc)
		xctl_err_log(c->log, "%s: cannot write hotplug-status to %s: %s", name, r->path, strerror(errno));
out:
	free(bridge);
	free(vifname);
	free(mtus);
	return rc;
}

static int vif_offline(const struct xctl_hp_ctx *c, const struct xctl_hp_req *r)
{
	char why[WHY];
	char *bridge = be_read(c, r, XS_KEY_BRIDGE);
	char *vifname = r->tap ? NULL : be_read(c, r, XS_KEY_VIFNAME);
	const char *dev = vifname && *vifname ? vifname : r->ifname;
	/* as vif-bridge: an interface already gone is no failure */
	if (xctl_hp_link_exists(dev, NULL)) {
		xctl_hp_link_up(dev, false, why, sizeof(why));
		if (bridge && *bridge)
			xctl_hp_bridge_port(bridge, dev, false, why, sizeof(why));
	}
	free(bridge);
	free(vifname);
	return 0;
}

int xctl_hp_run(const struct xctl_hp_ctx *c, const struct xctl_hp_req *r)
{
	char lp[300], name[64];
	int fd = -1;
	int rc = lock_device(c, r, lp, sizeof(lp), &fd);
	if (rc) {
		char why[WHY];
		xctl_hp_name(r, name, sizeof(name));
		if (rc == XCTL_ERR_TIMEOUT)
			snprintf(why, sizeof(why), "another hotplug of this device held %s for %d ms; giving up", lp,
				 c->timeout_ms > 0 ? c->timeout_ms : XCTL_HP_TIMEOUT_MS);
		else
			snprintf(why, sizeof(why), "cannot take the device's lock %s: %s", lp, xctl_strerror(rc));
		return failed(c, r, rc, "error", why);
	}
	if (r->kind == XCTL_HP_VBD)
		rc = r->action == XCTL_HP_ADD ? vbd_add(c, r) : vbd_remove(c, r);
	else
		rc = r->action == XCTL_HP_ADD ? vif_online(c, r) : vif_offline(c, r);
	if (r->action == XCTL_HP_REMOVE && !r->tap)
		unlink(lp);
	close(fd);
	return rc;
}
