/* SPDX-License-Identifier: LGPL-2.1-only */
/* Choosing the implementation of the hv port and opening a context. */
#include "toolstack/hv/hv.h"
#include "common/err.h"
#include "common/util.h"

#include <stdlib.h>
#include <unistd.h>

enum xctl_hv_kind xctl_hv_detect(void)
{
	return access(XCTL_HV_PRIVCMD, F_OK) == 0 ? XCTL_HV_XEN : XCTL_HV_SIM;
}

static unsigned long env_count(const char *name)
{
	const char *v = getenv(name);
	uint64_t n;
	if (!v || !*v || xctl_parse_u64(v, 10, UINT32_MAX, &n))
		return 0;
	return (unsigned long)n;
}

int xctl_hv_open(const struct xctl_hv_params *p, struct xctl_hv **out)
{
	int rc;
	struct xctl_hv *hv = calloc(1, sizeof(*hv));
	*out = NULL;
	if (!hv)
		return XCTL_ERR_NOMEM;
	enum xctl_hv_kind k = p->kind == XCTL_HV_AUTO ? xctl_hv_detect() : p->kind;
	hv->ops = k == XCTL_HV_XEN ? &xctl_hv_xen_ops : &xctl_hv_sim_ops;
	hv->log = p->log;
	hv->fault_at = env_count("XCTL_HV_FAULT");
	hv->kill_at = env_count("XCTL_HV_KILL");
	rc = hv->ops->open(hv, p);
	if (rc) {
		free(hv);
		return rc;
	}
	*out = hv;
	return 0;
}

void xctl_hv_close(struct xctl_hv *hv)
{
	if (!hv)
		return;
	if (hv->ops->close)
		hv->ops->close(hv);
	free(hv);
}

