/* SPDX-License-Identifier: LGPL-2.1-only */
/* What hv/xen (the libxl implementation of the hv port) offers besides its
 * ops table, for the rest of xctl. This header does not include libxl: any
 * file may include it. */
#ifndef XCTL_HV_XEN_H
#define XCTL_HV_XEN_H

struct xctl_domain_config;
struct xctl_global_config;
struct xctl_log;

/* The libxl_domain_config that hv/xen gives libxl_domain_create_new() for
 * this model, as libxl's JSON (libxl_domain_config_gen_json, the format of
 * `xl -N create`), for `xctl -N create --libxl`. Needs no hypervisor (on a
 * Xen host the CPU maps get the host's size). Returns 0 with *json to free(),
 * or a negative enum xctl_err, logged. */
int xctl_xen_libxl_json(const struct xctl_domain_config *m, const struct xctl_global_config *g,
			const struct xctl_log *log, char **json);

/* libxl's JSON of one device, as xl -N block-attach ("disk: JSON") and
 * network-attach ("vif: JSON") print it: the disk, or else the vif (over the
 * global configuration's vif defaults). *json is free()d by the caller. */
struct xctl_disk;
struct xctl_vif;
int xctl_xen_device_json(const struct xctl_disk *disk, const struct xctl_vif *vif,
			 const struct xctl_global_config *g, const struct xctl_log *log, char **json);

#endif
