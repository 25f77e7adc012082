/* SPDX-License-Identifier: LGPL-2.1-only */
/* Native hotplug: what Xen's `block` and `vif-bridge` scripts do for a
 * kernel backend, done in C without a shell or any other program.
 *
 * A request is what libxl gives a hotplug script (libxl_linux.c's
 * get_hotplug_env and the argument lists of libxl__hotplug_disk and
 * libxl__hotplug_nic): the action as argv[1] (`add`|`remove` for a vbd,
 * `online`|`offline` for a vif, `add`|`remove` with `type_if=tap` for the
 * emulated twin of an HVM guest's vif), and the environment XENBUS_PATH
 * (the backend directory, relative to the caller's home in xenstore),
 * XENBUS_TYPE (vbd or vif), XENBUS_BASE_PATH and, for a vif, `vif` (and
 * INTERFACE for the tap). The work:
 *
 *   vbd add     params names a block device: its major:minor; a regular
 *               file: a loop device attached to it (read-only when mode is
 *               r), refused when another loop device already backs it and
 *               either side writes; then physical-device (hex major:minor,
 *               as `stat -c %t:%T`), physical-device-path and
 *               hotplug-status=connected, in one transaction. Nothing is
 *               done when physical-device is already there (as the script).
 *   vbd remove  the loop device of physical-device-path is detached when it
 *               still backs params (a block device given as params is left).
 *   vif online  the interface (renamed to the backend's vifname if set) goes
 *               down, gets the MAC fe:ff:ff:ff:ff:ff, the MTU of the backend's
 *               mtu node or else the bridge's (written to the frontend's mtu
 *               node), joins the bridge of the backend's bridge node, goes up;
 *               hotplug-status=connected.
 *   vif offline the interface goes down and leaves the bridge.
 *
 * A failure writes hotplug-error (the reason) and hotplug-status=error (busy
 * for a sharing refusal), as the scripts do, and returns the error; libxl
 * then logs the hotplug-error. Each device is serialised by a lock file of
 * its own (lock_dir/KIND-DOMID-DEVID), not by one global lock: loop devices
 * are claimed with LOOP_CONFIGURE, which fails for a device another process
 * took first, and the next free one is tried. */
#ifndef XCTL_HOTPLUG_H
#define XCTL_HOTPLUG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xctl_log;
struct xs_handle;

enum xctl_hp_kind { XCTL_HP_VBD, XCTL_HP_VIF };
enum xctl_hp_action { XCTL_HP_ADD, XCTL_HP_REMOVE };

#define XCTL_HP_IFNAMSIZ 16
#define XCTL_HP_TIMEOUT_MS 40000 /* libxl's LIBXL_HOTPLUG_TIMEOUT, 40 s */
#define XCTL_HP_LOCK_DIR "/run/xctl/hotplug"

struct xctl_hp_req {
	enum xctl_hp_kind kind;
	enum xctl_hp_action action;
	bool tap;                         /* vif: type_if=tap (the emulated twin) */
	char path[256];                   /* XENBUS_PATH, as libxl gives it */
	char ifname[XCTL_HP_IFNAMSIZ];    /* vif: `vif` (or INTERFACE for a tap) */
	uint32_t domid, devid;            /* the path's last two components */
};

/* libxl's script ABI into a request: argv as the script's (argv[1] is the
 * action, then libxl's `type_if=vif|tap`), get(NAME) the environment (e.g.
 * getenv). Returns 0; 1 when there is nothing to do for this call (as the
 * scripts exit 0: online/offline of a tap, add/remove of a vif); or
 * XCTL_ERR_INVAL with why[] saying what is wrong. */
int xctl_hp_parse(int argc, char *const argv[], const char *(*get)(const char *name), struct xctl_hp_req *r,
		  char *why, size_t whysz);

struct xctl_hp_ctx {
	struct xs_handle *xs;
	const struct xctl_log *log;
	const char *lock_dir;  /* NULL: XCTL_HP_LOCK_DIR */
	int timeout_ms;        /* the wait for the device's lock; <= 0: XCTL_HP_TIMEOUT_MS */
	bool missing_bridge_ok; /* a vif whose bridge does not exist is connected unbridged, with a warning */
};

/* Do the request. 0, or a negative xctl_err, logged once naming the device
 * (and written to hotplug-error as above). */
int xctl_hp_run(const struct xctl_hp_ctx *c, const struct xctl_hp_req *r);

/* The device's name in messages: "vbd 51712 of domain 3". */
void xctl_hp_name(const struct xctl_hp_req *r, char *buf, size_t sz);

/* ---- the system side (sys.c), used by xctl_hp_run; each returns 0 or a
 * negative xctl_err with why[] filled. */

/* Attach file to a free loop device (read-only if ro): its path and number. */
int xctl_hp_loop_attach(const char *file, bool ro, char *dev, size_t devsz, unsigned *major, unsigned *minor,
			char *why, size_t whysz);
/* Detach dev if it is a loop device still backed by file (realpath); 1 when
 * it was left (not a loop device, or backed by something else now). */
int xctl_hp_loop_detach(const char *dev, const char *file, char *why, size_t whysz);
/* Whether a loop device backs file; *writable then says whether one of them
 * is read-write. 0 none, 1 some (with which[] naming one), or an error. */
int xctl_hp_loop_backing(const char *file, bool *writable, char *which, size_t whichsz);

/* The network interface steps of vif-bridge. */
int xctl_hp_link_exists(const char *ifname, bool *is_bridge);
int xctl_hp_link_rename(const char *from, const char *to, char *why, size_t whysz);
int xctl_hp_link_up(const char *ifname, bool up, char *why, size_t whysz);
int xctl_hp_link_mac(const char *ifname, const uint8_t mac[6], char *why, size_t whysz);
int xctl_hp_link_mtu(const char *ifname, int set, int *get, char *why, size_t whysz); /* set < 0: read only */
int xctl_hp_bridge_port(const char *bridge, const char *ifname, bool add, char *why, size_t whysz);
/* Whether ifname is a port of bridge. */
bool xctl_hp_bridge_has(const char *bridge, const char *ifname);

#endif
