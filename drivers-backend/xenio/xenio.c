/* SPDX-License-Identifier: LGPL-2.1-only */
/* Helpers over the xenio ops: bounded reads of guest-written nodes, and
 * waiting for either kind of event. */
#include "drivers-backend/xenio/xenio.h"
#include "common/err.h"
#include "common/util.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A node a guest writes is never longer than this for a number. */
#define NUM_MAXLEN 24

int xenio_read_uint(struct xenio *x, xenio_txn t, const char *path, uint64_t max, uint64_t *out)
{
	char *v = NULL;
	size_t len = 0;
	int rc = x->ops->xs_read(x, t, path, &v, &len);
	if (rc)
		return rc;
	if (len == 0 || len > NUM_MAXLEN || strlen(v) != len)
		rc = XCTL_ERR_INVAL;
	else
		rc = xctl_parse_u64(v, 10, max, out);
	free(v);
	return rc;
}

int xenio_read_str(struct xenio *x, xenio_txn t, const char *path, size_t maxlen, char **out)
{
	char *v = NULL;
	size_t len = 0;
	int rc = x->ops->xs_read(x, t, path, &v, &len);
	if (rc)
		return rc;
	if (len > maxlen || strlen(v) != len) {
		free(v);
		return len > maxlen ? XCTL_ERR_LIMIT : XCTL_ERR_INVAL;
	}
	*out = v;
	return 0;
}

int xenio_printf(struct xenio *x, xenio_txn t, const char *path, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return XCTL_ERR_LIMIT;
	return x->ops->xs_write(x, t, path, buf);
}

int xenio_wait(struct xenio *x, int timeout_ms, unsigned *ready)
{
	struct pollfd p[2] = {
		{ .fd = x->ops->evtchn_fd(x), .events = POLLIN },
		{ .fd = x->ops->xs_fd(x), .events = POLLIN },
	};
	*ready = 0;
	int n = poll(p, 2, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : xctl_err_from_errno(errno);
	if (p[0].revents)
		*ready |= 1;
	if (p[1].revents)
		*ready |= 2;
	return 0;
}
