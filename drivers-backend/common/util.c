/* SPDX-License-Identifier: LGPL-2.1-only */
/* Small helpers of the backends. */
#include "drivers-backend/common/storm.h"

#include <time.h>

uint64_t backend_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
