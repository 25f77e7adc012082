/* SPDX-License-Identifier: LGPL-2.1-only */
/* Inside hv/xen (libxl): what its files share. Only files under
 * toolstack/hv/xen/ include this header (it includes libxl's). */
#ifndef XCTL_HV_XEN_INT_H
#define XCTL_HV_XEN_INT_H

#include <libxl.h>
#include <libxl_utils.h>

#include "toolstack/config/diskspec.h"
#include "toolstack/config/global.h"
#include "toolstack/config/model.h"
#include "toolstack/config/vifspec.h"
#include "toolstack/hv/hv.h"
#include "toolstack/hv/xen/xen.h"
#include "common/diag.h"

struct xctl_log;

/* The model as libxl_domain_config, as xl's parse_config_data() fills it
 * (xen_config.c). d is initialised by the caller (libxl_domain_config_init)
 * and disposed by it whatever the result. ctx may be NULL (no Xen): CPU
 * maps then have XEN_DRYRUN_CPUS bits and node: ranges are refused. */
int xctl_xen_domain_config(libxl_ctx *ctx, const struct xctl_domain_config *m, const struct xctl_global_config *g,
			   const struct xctl_log *log, libxl_domain_config *d);

/* One device of the model as libxl's, for creation and hot-plug
 * (xen_config.c). index: the vif's place in the list (its devid unless the
 * spec gives one); g: the global configuration. */
int xctl_xen_disk(libxl_device_disk *d, const struct xctl_disk *x);
int xctl_xen_nic(libxl_device_nic *n, const struct xctl_vif *v, size_t index, const struct xctl_global_config *g,
		 const struct xctl_log *log);

/* The context of the libxl implementation (hv->priv). */
struct xctl_xen {
	libxl_ctx *ctx;
	xentoollog_logger_stdiostream *logger;
	struct xs_handle *xs; /* xen_info.c's own, opened on first use */
};

static inline libxl_ctx *xctl_xen_ctx(struct xctl_hv *hv)
{
	return ((struct xctl_xen *)hv->priv)->ctx;
}

/* libxl's error code as xctl's: no such domain, or the hypervisor refused. */
int xctl_xen_err(int libxl_rc);

/* xen_info.c: the information and change ops, filled into the ops table by
 * xen_ops.c. */
struct xctl_hv_dominfo;
struct xctl_hv_hostinfo;
struct xctl_hv_vcpuinfo;
struct xctl_hv_cpumap;
int xctl_xen_list(struct xctl_hv *hv, struct xctl_hv_dominfo **out, size_t *n);
int xctl_xen_info(struct xctl_hv *hv, uint32_t domid, struct xctl_hv_dominfo *out);
int xctl_xen_host(struct xctl_hv *hv, struct xctl_hv_hostinfo *out);
int xctl_xen_dmesg(struct xctl_hv *hv, bool clear, char **text);
int xctl_xen_vcpu_list(struct xctl_hv *hv, uint32_t domid, struct xctl_hv_vcpuinfo **out, size_t *n);
int xctl_xen_rename(struct xctl_hv *hv, uint32_t domid, const char *name);
int xctl_xen_mem_target(struct xctl_hv *hv, uint32_t domid, uint64_t target_kib);
int xctl_xen_mem_max(struct xctl_hv *hv, uint32_t domid, uint64_t max_kib);
int xctl_xen_vcpu_set(struct xctl_hv *hv, uint32_t domid, uint32_t count);
int xctl_xen_vcpu_pin(struct xctl_hv *hv, uint32_t domid, uint32_t vcpu, const struct xctl_hv_cpumap *hard,
		      const struct xctl_hv_cpumap *soft);
int xctl_xen_wait(struct xctl_hv *hv, uint32_t domid, int timeout_ms, struct xctl_hv_dominfo *out, bool *gone);

/* xen_devices.c: the devices of a running domain (block-attach ...). */
int xctl_xen_device_add(struct xctl_hv *hv, uint32_t domid, const struct xctl_hv_device *dev, int timeout_ms);
int xctl_xen_device_remove(struct xctl_hv *hv, uint32_t domid, enum xctl_hv_devkind kind, int devid, bool force,
			   int timeout_ms);
int xctl_xen_device_list(struct xctl_hv *hv, uint32_t domid, enum xctl_hv_devkind kind,
			 struct xctl_hv_devinfo **out, size_t *n);

/* xen_standalone.c: the devices xctl's own backends serve (a disk with
 * backendtype=standalone: xctl-blkback; a vif with script=xctl-netback:
 * xctl-netback). hv/xen writes their nodes itself (libxl is not given them).
 * sa_add: *handled says whether dev was one of them (else the caller asks
 * libxl). sa_remove and sa_list see only ours (XCTL_ERR_NOTFOUND: not ours).
 * sa_destroy: before libxl's destroy (frontends_gone false) and after it
 * (true: dom0's leftovers). sa_filter takes ours out of a libxl config;
 * sa_steps appends one creation step (with its undo) per device of ours. */
bool xctl_xen_sa_disk(const libxl_device_disk *d);
bool xctl_xen_sa_nic(const libxl_device_nic *n);
int xctl_xen_sa_disk_add(struct xctl_hv *hv, uint32_t domid, const libxl_device_disk *disk, int devid, bool pv,
			 int timeout_ms);
int xctl_xen_sa_nic_add(struct xctl_hv *hv, uint32_t domid, const libxl_device_nic *nic, bool pv, int timeout_ms);
int xctl_xen_sa_add(struct xctl_hv *hv, uint32_t domid, const struct xctl_hv_device *dev, int timeout_ms,
		    bool *handled);
int xctl_xen_sa_remove(struct xctl_hv *hv, uint32_t domid, enum xctl_hv_devkind kind, int devid, bool force,
		       int timeout_ms);
int xctl_xen_sa_list(struct xctl_hv *hv, uint32_t domid, enum xctl_hv_devkind kind, struct xctl_hv_devinfo **v,
		     size_t *n);
int xctl_xen_sa_destroy(struct xctl_hv *hv, uint32_t domid, bool frontends_gone);
void xctl_xen_sa_filter(libxl_domain_config *d);
int xctl_xen_sa_steps(struct xctl_hv *hv, struct xctl_hv_build *b, struct xctl_hv_step **steps, size_t *nsteps);

/* Native hotplug (xen_hotplug.c): xctl-hotplug next to the running xctl
 * (0, or XCTL_ERR_NOTFOUND); a device whose hotplug is the standard one gets
 * prog as its script (1; 0 left as it is); the whole domain, as g says
 * (hotplug, hotplug_timeout). */
int xctl_xen_hotplug_prog(char *out, size_t sz);
int xctl_xen_native_disk(libxl_device_disk *d, const char *prog);
int xctl_xen_native_nic(libxl_device_nic *n, const char *prog);
int xctl_xen_native_hotplug(libxl_domain_config *d, const struct xctl_global_config *g, const struct xctl_log *log);
/* The same with the program given (NULL: not found, warned). */
int xctl_xen_native_hotplug_prog(libxl_domain_config *d, const struct xctl_global_config *g,
				  const struct xctl_log *log, const char *prog);

/* A PV domain's kernel and ramdisk from the decompressed-image cache
 * (xen_images.c): use swaps d's paths for cached ones (keeping the
 * originals in im), restore writes the originals back to /vm/UUID/image
 * once the domain exists. */
struct xctl_xen_images {
	char *kernel, *ramdisk; /* the configuration's paths, when swapped */
};
void xctl_xen_images_use(libxl_domain_config *d, const struct xctl_global_config *g, const struct xctl_log *log,
			 struct xctl_xen_images *im);
void xctl_xen_images_restore(struct xctl_xen_images *im, const char *uuid, const struct xctl_log *log);
void xctl_xen_images_free(struct xctl_xen_images *im);

/* libxl's JSON of a domain configuration, as xl -N prints it (xen_json.c);
 * free() it. NULL when out of memory or yajl fails. */
char *xctl_xen_config_to_json(libxl_domain_config *d);

#endif
