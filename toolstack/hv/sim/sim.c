/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/sim: the hv port over the simulated host (xctl-simd, xctl-xenstored). */
#include "toolstack/hv/hv.h"
#include "common/err.h"
#include "common/log.h"

static int sim_open(struct xctl_hv *hv, const struct xctl_hv_params *p)
{
	(void)p;
	xctl_err_log(hv->log, "the simulated host is not available in this build yet");
	return XCTL_ERR_UNSUPPORTED;
}

const struct xctl_hv_ops xctl_hv_sim_ops = {
	.name = "sim",
	.open = sim_open,
};
