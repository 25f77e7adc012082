/* SPDX-License-Identifier: LGPL-2.1-only */
/* The one error convention of xctl.
 *
 * Every function that can fail returns 0 on success or a negative value of
 * enum xctl_err. Cleanup goes through one `out:` label. The error is logged
 * once, where it is found, with the domain and device it concerns; callers
 * pass the code up without logging it again. */
#ifndef XCTL_ERR_H
#define XCTL_ERR_H

enum xctl_err {
	XCTL_OK = 0,
	XCTL_ERR_NOMEM = -1,       /* allocation failed */
	XCTL_ERR_INVAL = -2,       /* invalid argument or value */
	XCTL_ERR_CONFIG = -3,      /* configuration invalid (details in diags) */
	XCTL_ERR_PARSE = -4,       /* syntax error in input */
	XCTL_ERR_NOTFOUND = -5,    /* no such object (domain, file, node) */
	XCTL_ERR_EXISTS = -6,      /* object already exists */
	XCTL_ERR_IO = -7,          /* read/write/system call failed */
	XCTL_ERR_PERM = -8,        /* permission denied */
	XCTL_ERR_UNSUPPORTED = -9, /* not supported (yet) */
	XCTL_ERR_LIMIT = -10,      /* a limit or quota was reached */
	XCTL_ERR_TIMEOUT = -11,    /* gave up waiting */
	XCTL_ERR_BUSY = -12,       /* resource busy, try again */
	XCTL_ERR_PROTO = -13,      /* peer broke the protocol */
	XCTL_ERR_HV = -14,         /* the hypervisor refused an operation */
	XCTL_ERR_XENSTORE = -15,   /* xenstore operation failed */
	XCTL_ERR_AGAIN = -16,      /* transient conflict, retry */
	XCTL_ERR_INTERNAL = -17,   /* a bug in xctl */
};
#define XCTL_ERR_MIN XCTL_ERR_INTERNAL

/* Short human description of an error code ("out of memory"). Never NULL. */
const char *xctl_strerror(int rc);
/* Symbolic name of an error code ("XCTL_ERR_NOMEM"), for logs and JSON. */
const char *xctl_errname(int rc);
/* Map an errno value to the closest xctl error code. */
int xctl_err_from_errno(int e);

#endif
