/* SPDX-License-Identifier: LGPL-2.1-only */
/* xl's number reading (see xlnum.h). */
#include "toolstack/config/xlnum.h"
#include "common/err.h"

#include <errno.h>
#include <stdlib.h>

_Static_assert(sizeof(long) == sizeof(int64_t), "xl's numbers are longs of 64 bits (x86_64)");

int xctl_xl_long(const char *s, int64_t *out)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 0);
	if (errno == ERANGE)
		return XCTL_ERR_LIMIT;
	if (errno || end == s || *end)
		return XCTL_ERR_INVAL;
	*out = v;
	return 0;
}
