/* SPDX-License-Identifier: LGPL-2.1-only */
/* Placeholder for the libxl implementation of the hv port: until it is
 * built, --xen (or a Xen host) says that this xctl cannot drive Xen. The
 * libxl implementation replaces this file. */
#include "toolstack/hv/hv.h"
#include "common/err.h"
#include "common/log.h"

static int xen_open(struct xctl_hv *hv, const struct xctl_hv_params *p)
{
	(void)p;
	xctl_err_log(hv->log, "this xctl cannot drive a real Xen host yet (no libxl support is built in); "
			      "use --sim for the simulated host");
	return XCTL_ERR_UNSUPPORTED;
}

const struct xctl_hv_ops xctl_hv_xen_ops = {
	.name = "xen",
	.open = xen_open,
};
