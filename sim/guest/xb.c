/* SPDX-License-Identifier: LGPL-2.1-only */
/* Bounded xenstore access for the guest (libxenstore on its own domain's
 * socket). Values written by the backend or the toolstack are read with a
 * size limit and parsed strictly. */
#include "sim/guest/guest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "common/err.h"
#include "common/util.h"

#define XB_TXN_RETRIES 16

int xb_read(struct guest *g, const char *path, char *buf, size_t bufsz)
{
	unsigned len = 0;
	char *v = xs_read(g->xs, XBT_NULL, path, &len);
	if (!v)
		return errno == ENOENT ? XCTL_ERR_NOTFOUND : errno == EACCES ? XCTL_ERR_PERM : XCTL_ERR_XENSTORE;
	int rc = 0;
	if (len >= bufsz) {
		rc = XCTL_ERR_LIMIT;
		goto out;
	}
	memcpy(buf, v, len);
	buf[len] = '\0';
out:
	free(v);
	return rc;
}

int xb_read_u64(struct guest *g, const char *path, uint64_t min, uint64_t max, uint64_t *out)
{
	char v[32];
	int rc = xb_read(g, path, v, sizeof(v));
	if (rc)
		return rc == XCTL_ERR_LIMIT ? XCTL_ERR_INVAL : rc;
	uint64_t n;
	rc = xctl_parse_u64(v, 10, max, &n);
	if (rc)
		return XCTL_ERR_INVAL;
	if (n < min)
		return XCTL_ERR_INVAL;
	*out = n;
	return 0;
}

int xb_join(char *out, size_t outsz, const char *dir, const char *key)
{
	int n = snprintf(out, outsz, "%s/%s", dir, key);
	return n < 0 || (size_t)n >= outsz ? XCTL_ERR_LIMIT : 0;
}

int xb_read_key(struct guest *g, const char *dir, const char *key, char *buf, size_t bufsz)
{
	char p[GUEST_PATH_MAX];
	int rc = xb_join(p, sizeof(p), dir, key);
	return rc ? rc : xb_read(g, p, buf, bufsz);
}

int xb_read_key_u64(struct guest *g, const char *dir, const char *key, uint64_t min, uint64_t max,
		    uint64_t *out)
{
	char p[GUEST_PATH_MAX];
	int rc = xb_join(p, sizeof(p), dir, key);
	return rc ? rc : xb_read_u64(g, p, min, max, out);
}

bool xb_key_exists(struct guest *g, const char *dir, const char *key)
{
	char v[GUEST_VALUE_MAX];
	int rc = xb_read_key(g, dir, key, v, sizeof(v));
	return rc == 0 || rc == XCTL_ERR_LIMIT;
}

int xb_printf(struct guest *g, uint32_t t, const char *path, const char *fmt, ...)
{
	char v[GUEST_VALUE_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(v))
		return XCTL_ERR_LIMIT;
	if (!xs_write(g->xs, t, path, v, (unsigned)n)) {
		/* (a transaction's conflict shows at its end, not here) */
		xctl_warn(g->log, "domain %u: cannot write %s: %s", g->domid, path, strerror(errno));
		return XCTL_ERR_XENSTORE;
	}
	return 0;
}

int xb_rm(struct guest *g, const char *path)
{
	if (!xs_rm(g->xs, XBT_NULL, path) && errno != ENOENT) {
		xctl_warn(g->log, "domain %u: cannot remove %s: %s", g->domid, path, strerror(errno));
		return XCTL_ERR_XENSTORE;
	}
	return 0;
}

int xb_txn(struct guest *g, int (*fn)(struct guest *g, uint32_t t, void *arg), void *arg)
{
	for (int i = 0; i < XB_TXN_RETRIES; i++) {
		xs_transaction_t t = xs_transaction_start(g->xs);
		if (t == XBT_NULL) {
			xctl_err_log(g->log, "domain %u: cannot start a transaction: %s", g->domid,
				     strerror(errno));
			return XCTL_ERR_XENSTORE;
		}
		int rc = fn(g, t, arg);
		if (rc) {
			xs_transaction_end(g->xs, t, true);
			return rc;
		}
		if (xs_transaction_end(g->xs, t, false))
			return 0;
		if (errno != EAGAIN) {
			xctl_err_log(g->log, "domain %u: cannot commit a transaction: %s", g->domid,
				     strerror(errno));
			return XCTL_ERR_XENSTORE;
		}
	}
	xctl_err_log(g->log, "domain %u: a transaction conflicted %d times in a row", g->domid, XB_TXN_RETRIES);
	return XCTL_ERR_AGAIN;
}
