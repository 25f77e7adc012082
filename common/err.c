/* SPDX-License-Identifier: LGPL-2.1-only */
#include "common/err.h"

#include <errno.h>

static const struct {
	int code;
	const char *name;
	const char *text;
} err_table[] = {
	{ XCTL_OK, "XCTL_OK", "success" },
	{ XCTL_ERR_NOMEM, "XCTL_ERR_NOMEM", "out of memory" },
	{ XCTL_ERR_INVAL, "XCTL_ERR_INVAL", "invalid value" },
	{ XCTL_ERR_CONFIG, "XCTL_ERR_CONFIG", "configuration is invalid" },
	{ XCTL_ERR_PARSE, "XCTL_ERR_PARSE", "syntax error" },
	{ XCTL_ERR_NOTFOUND, "XCTL_ERR_NOTFOUND", "not found" },
	{ XCTL_ERR_EXISTS, "XCTL_ERR_EXISTS", "already exists" },
	{ XCTL_ERR_IO, "XCTL_ERR_IO", "input/output error" },
	{ XCTL_ERR_PERM, "XCTL_ERR_PERM", "permission denied" },
	{ XCTL_ERR_UNSUPPORTED, "XCTL_ERR_UNSUPPORTED", "not supported" },
	{ XCTL_ERR_LIMIT, "XCTL_ERR_LIMIT", "limit reached" },
	{ XCTL_ERR_TIMEOUT, "XCTL_ERR_TIMEOUT", "timed out" },
	{ XCTL_ERR_BUSY, "XCTL_ERR_BUSY", "resource busy" },
	{ XCTL_ERR_PROTO, "XCTL_ERR_PROTO", "protocol violation by peer" },
	{ XCTL_ERR_HV, "XCTL_ERR_HV", "hypervisor operation failed" },
	{ XCTL_ERR_XENSTORE, "XCTL_ERR_XENSTORE", "xenstore operation failed" },
	{ XCTL_ERR_AGAIN, "XCTL_ERR_AGAIN", "conflict, try again" },
	{ XCTL_ERR_INTERNAL, "XCTL_ERR_INTERNAL", "internal error (a bug in xctl)" },
};

static int find(int rc)
{
	for (unsigned i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
		if (err_table[i].code == rc)
			return (int)i;
	return -1;
}

const char *xctl_strerror(int rc)
{
	int i = find(rc);
	return i < 0 ? "unknown error" : err_table[i].text;
}

const char *xctl_errname(int rc)
{
	int i = find(rc);
	return i < 0 ? "XCTL_ERR_UNKNOWN" : err_table[i].name;
}

int xctl_err_from_errno(int e)
{
	switch (e) {
	case 0: return XCTL_OK;
	case ENOMEM: return XCTL_ERR_NOMEM;
	case EINVAL: return XCTL_ERR_INVAL;
	case ENOENT: return XCTL_ERR_NOTFOUND;
	case EEXIST: return XCTL_ERR_EXISTS;
	case EACCES: case EPERM: return XCTL_ERR_PERM;
	case ENOSYS: case EOPNOTSUPP: return XCTL_ERR_UNSUPPORTED;
	case E2BIG: case ENOSPC: case EMFILE: case ENFILE: case EDQUOT: return XCTL_ERR_LIMIT;
	case ETIMEDOUT: return XCTL_ERR_TIMEOUT;
	case EBUSY: return XCTL_ERR_BUSY;
	case EAGAIN: return XCTL_ERR_AGAIN;
	case EPROTO: case EBADMSG: return XCTL_ERR_PROTO;
	default: return XCTL_ERR_IO;
	}
}
