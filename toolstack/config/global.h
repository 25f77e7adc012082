/* SPDX-License-Identifier: LGPL-2.1-only */
/* The global configuration of xctl (like xl.conf(5)): /etc/xctl/xctl.conf,
 * or the file given with `xctl -f FILE`. Same grammar as xl.cfg. Its
 * settings feed the defaults of every domain (vif bridge and script, grant
 * table sizes, CPU masks, the disk backend...). A missing default file is
 * fine: the built-in values below apply. */
#ifndef XCTL_CONFIG_GLOBAL_H
#define XCTL_CONFIG_GLOBAL_H

#include <stdbool.h>
#include <stdint.h>

struct xctl_diags;
struct xctl_jw;

#define XCTL_GLOBAL_CONFIG_DEFAULT "/etc/xctl/xctl.conf"

enum xctl_autoballoon { XCTL_AUTOBALLOON_OFF, XCTL_AUTOBALLOON_ON, XCTL_AUTOBALLOON_AUTO };

struct xctl_global_config {
	char *source;              /* the file read, NULL when only built-in values */
	int autoballoon;           /* enum xctl_autoballoon; default auto */
	bool run_hotplug_scripts;  /* default 1 */
	char *lockfile;            /* default /var/lock/xctl */
	int64_t max_grant_frames;  /* -1 (default): the hypervisor's default */
	int64_t max_maptrack_frames; /* -1 (default): the hypervisor's default */
	int64_t max_grant_version; /* -1 (default): the highest the host offers */
	char *vif_script;          /* vif.default.script, default vif-bridge */
	char *vif_bridge;          /* vif.default.bridge, default xenbr0 */
	char *vif_backend;         /* vif.default.backend, default NULL (dom0) */
	char *vif_gatewaydev;      /* vif.default.gatewaydev, default NULL */
	int output_format;         /* 0 json, 1 sxp */
	char *blkdev_start;        /* default xvda */
	bool claim_mode;           /* default 1 */
	int domid_policy;          /* 0 xen, 1 random */
	char *cpumask, *cpumask_pv, *cpumask_pvh, *cpumask_hvm; /* vm.cpumask, vm.pv.cpumask, ... */
	int disk_backendtype;      /* disk.default.backendtype: enum xctl_disk_backendtype, 0: chosen at creation */
	char *disk_backend;        /* disk.default.backend: backend domain, NULL: dom0 */
	char *remus_netbufscript;  /* remus.default.netbufscript */
	char *colo_proxyscript;    /* colo.default.proxyscript */
	int hotplug;               /* hotplug: 0 native (xctl-hotplug, no shell), 1 scripts (as xl) */
	int64_t hotplug_timeout;   /* hotplug_timeout: seconds a device's hotplug may take, default 40 */
	bool kernel_cache;         /* kernel_cache: PV kernels and ramdisks decompressed once (toolstack/kcache), default 1 */
};

/* Built-in values. Returns 0 or XCTL_ERR_NOMEM. */
int xctl_global_init(struct xctl_global_config *g);
void xctl_global_dispose(struct xctl_global_config *g);
/* Read path over the built-in values. When must_exist is false a missing
 * file is not an error (the default path). Problems go to d with
 * file:line; returns 0, XCTL_ERR_CONFIG, or the read error. */
int xctl_global_load(struct xctl_global_config *g, const char *path, bool must_exist, struct xctl_diags *d);
void xctl_global_to_json(struct xctl_jw *w, const struct xctl_global_config *g);

#endif
