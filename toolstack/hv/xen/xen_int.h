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
#include "toolstack/hv/xen/xen.h"
#include "common/diag.h"

struct xctl_log;

/* The model as libxl_domain_config, as xl's parse_config_data() fills it
 * (xen_config.c). d is initialised by the caller (libxl_domain_config_init)
 * and disposed by it whatever the result. ctx may be NULL (no Xen): CPU
 * maps then have XEN_DRYRUN_CPUS bits and node: ranges are refused. */
int xctl_xen_domain_config(libxl_ctx *ctx, const struct xctl_domain_config *m, const struct xctl_global_config *g,
			   const struct xctl_log *log, libxl_domain_config *d);

/* libxl's JSON of a domain configuration, as xl -N prints it (xen_json.c);
 * free() it. NULL when out of memory or yajl fails. */
char *xctl_xen_config_to_json(libxl_domain_config *d);

#endif
