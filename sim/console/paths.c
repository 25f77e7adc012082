/* SPDX-License-Identifier: LGPL-2.1-only */
/* Where xctl-consoled puts things (for the daemon and its readers). */
#include "sim/console/consoled.h"

#include <stdio.h>

#include "common/err.h"
#include "sim/simd/simd.h"

int consoled_log_path(const char *dir, uint32_t domid, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s/%s/%s/guest-%u.log", dir, SIMD_LOG_SUBDIR, CONSOLED_LOG_SUBDIR, domid);
	return n < 0 || (size_t)n >= outsz ? XCTL_ERR_LIMIT : 0;
}
