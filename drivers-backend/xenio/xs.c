/* SPDX-License-Identifier: LGPL-2.1-only */
/* xenio's xenstore ops over libxenstore. */
#include "drivers-backend/xenio/xs.h"
#include "common/err.h"
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

struct xs_handle *xenio_xs_open(void)
{
	return xs_open(0);
}

void xenio_xs_close(struct xs_handle *h)
{
	if (h)
		xs_close(h);
}

static int xs_errno(void)
{
	if (errno == ENOENT)
		return XCTL_ERR_NOTFOUND;
	if (errno == EAGAIN)
		return XCTL_ERR_AGAIN;
	if (errno == EACCES || errno == EPERM)
		return XCTL_ERR_PERM;
	if (errno == E2BIG || errno == ENOSPC || errno == EDQUOT)
		return XCTL_ERR_LIMIT;
	return XCTL_ERR_XENSTORE;
}

int xenio_xs_read(struct xs_handle *h, xenio_txn t, const char *path, char **val, size_t *len)
{
	unsigned int l = 0;
	char *v = xs_read(h, t, path, &l);
	if (!v)
		return xs_errno();
	*val = v;
	*len = l;
	return 0;
}

int xenio_xs_write(struct xs_handle *h, xenio_txn t, const char *path, const char *val)
{
	return xs_write(h, t, path, val, (unsigned)strlen(val)) ? 0 : xs_errno();
}

int xenio_xs_rm(struct xs_handle *h, xenio_txn t, const char *path)
{
	if (xs_rm(h, t, path) || errno == ENOENT)
		return 0;
	return xs_errno();
}

int xenio_xs_directory(struct xs_handle *h, xenio_txn t, const char *path, char ***names,
		       unsigned *n)
{
	unsigned int num = 0;
	char **d = xs_directory(h, t, path, &num);
	if (!d)
		return xs_errno();
	*names = d;
	*n = num;
	return 0;
}

int xenio_xs_watch(struct xs_handle *h, const char *path, const char *token)
{
	return xs_watch(h, path, token) ? 0 : xs_errno();
}

int xenio_xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
	return xs_unwatch(h, path, token) ? 0 : xs_errno();
}

int xenio_xs_fd(struct xs_handle *h)
{
	return xs_fileno(h);
}

int xenio_xs_read_watch(struct xs_handle *h, char **path, char **token)
{
	unsigned int num = 0;
	char **ev = xs_check_watch(h);
	if (!ev)
		return errno == EAGAIN ? XCTL_ERR_AGAIN : xs_errno();
	(void)num;
	*path = strdup(ev[XS_WATCH_PATH]);
	*token = strdup(ev[XS_WATCH_TOKEN]);
	free(ev);
	if (!*path || !*token) {
		free(*path);
		free(*token);
		return XCTL_ERR_NOMEM;
	}
	return 0;
}

int xenio_xs_txn_start(struct xs_handle *h, xenio_txn *t)
{
	xs_transaction_t x = xs_transaction_start(h);
	if (x == XBT_NULL)
		return xs_errno();
	*t = x;
	return 0;
}

int xenio_xs_txn_end(struct xs_handle *h, xenio_txn t, bool abort)
{
	if (xs_transaction_end(h, t, abort))
		return 0;
	return errno == EAGAIN ? XCTL_ERR_AGAIN : xs_errno();
}

uint32_t xenio_xs_self_domid(struct xs_handle *h)
{
	unsigned int l = 0;
	char *v = xs_read(h, XBT_NULL, XS_KEY_DOMID, &l);
	uint64_t d = 0;
	if (v && xctl_parse_u64(v, 10, 32767, &d))
		d = 0;
	free(v);
	return (uint32_t)d;
}
