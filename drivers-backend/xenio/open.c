/* SPDX-License-Identifier: LGPL-2.1-only */
/* Choosing the xenio implementation: Xen when /dev/xen/privcmd exists (or
 * forced), the simulated host otherwise. */
#include "drivers-backend/xenio/xenio.h"
#include "common/err.h"
#include "common/log.h"

#include <string.h>
#include <unistd.h>

#define PRIVCMD "/dev/xen/privcmd"

int xenio_open_auto(const struct xctl_log *log, const char *force, const char *sim_dir,
		    struct xenio **out)
{
	if (force && !strcmp(force, "xen"))
		return xenio_xen_open(log, out);
	if (force && !strcmp(force, "sim"))
		return xenio_sim_open(log, sim_dir, out);
	if (force) {
		xctl_err_log(log, "unknown xenio implementation \"%s\" (xen or sim)", force);
		return XCTL_ERR_INVAL;
	}
	if (!sim_dir && access(PRIVCMD, F_OK) == 0)
		return xenio_xen_open(log, out);
	return xenio_sim_open(log, sim_dir, out);
}
