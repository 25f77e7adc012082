/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/sim: xenstore access through libxenstore (xctl-xenstored on the
 * simulated host), with fault injection on every request. */
#include "toolstack/hv/sim/sim_int.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool sim_fault(struct sim *s, const char *what)
{
	if (!strncmp(what, "xs ", 3))
		s->hv->xs_requests++; /* every xenstore request goes through here */
	return xctl_hv_fault(s->hv, what) != 0;
}

static int vpath(char *buf, size_t len, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, len, fmt, ap);
	return n < 0 || (size_t)n >= len ? XCTL_ERR_LIMIT : 0;
}

static void fail(struct xw *w, const char *op, const char *path)
{
	int e = errno;
	w->rc = e == EAGAIN ? XCTL_ERR_AGAIN : XCTL_ERR_XENSTORE;
	if (w->rc != XCTL_ERR_AGAIN)
		xctl_err_log(w->s->hv->log, "%s: xenstore %s %s failed: %s", w->what, op, path,
			     e ? strerror(e) : "injected fault");
}

int xw_begin(struct sim *s, struct xw *w, const char *what)
{
	w->s = s;
	w->rc = 0;
	w->what = what;
	if (sim_fault(s, "xs transaction start")) {
		errno = 0;
		fail(w, "transaction start", "");
		return w->rc;
	}
	w->t = xs_transaction_start(s->xs);
	if (w->t == XBT_NULL) {
		fail(w, "transaction start", "");
		return w->rc;
	}
	return 0;
}

int xw_end(struct xw *w)
{
	bool abort = w->rc != 0;
	if (!abort && sim_fault(w->s, "xs transaction end")) {
		errno = 0;
		fail(w, "transaction end", "");
		abort = true;
	}
	if (!xs_transaction_end(w->s->xs, w->t, abort) && !abort) {
		fail(w, "transaction end", "");
	}
	return w->rc;
}

#define PATH_OR_RETURN(w, fmt)                                   \
	char path[512];                                          \
	do {                                                     \
		if ((w)->rc)                                     \
			return;                                  \
		va_list ap;                                      \
		va_start(ap, fmt);                               \
		int prc = vpath(path, sizeof(path), fmt, ap);    \
		va_end(ap);                                      \
		if (prc) {                                       \
			(w)->rc = prc;                           \
			return;                                  \
		}                                                \
	} while (0)

void xw_write(struct xw *w, const char *value, const char *fmt, ...)
{
	PATH_OR_RETURN(w, fmt);
	errno = 0;
	if (sim_fault(w->s, "xs write") || !xs_write(w->s->xs, w->t, path, value, strlen(value)))
		fail(w, "write", path);
}

void xw_writef(struct xw *w, const char *path, const char *vfmt, ...)
{
	char value[512];
	if (w->rc)
		return;
	va_list ap;
	va_start(ap, vfmt);
	int rc = vpath(value, sizeof(value), vfmt, ap);
	va_end(ap);
	if (rc) {
		w->rc = rc;
		return;
	}
	errno = 0;
	if (sim_fault(w->s, "xs write") || !xs_write(w->s->xs, w->t, path, value, strlen(value)))
		fail(w, "write", path);
}

void xw_mkdir(struct xw *w, const char *fmt, ...)
{
	PATH_OR_RETURN(w, fmt);
	errno = 0;
	if (sim_fault(w->s, "xs mkdir") || !xs_mkdir(w->s->xs, w->t, path))
		fail(w, "mkdir", path);
}

void xw_perms(struct xw *w, enum xw_perm kind, uint32_t d, uint32_t b, const char *fmt, ...)
{
	PATH_OR_RETURN(w, fmt);
	struct xs_permissions p[2];
	unsigned n = 2;
	switch (kind) {
	case XW_DOM0_READ:
		p[0] = (struct xs_permissions){ 0, XS_PERM_NONE };
		p[1] = (struct xs_permissions){ d, XS_PERM_READ };
		break;
	case XW_GUEST_OWNED:
		p[0] = (struct xs_permissions){ d, XS_PERM_NONE };
		n = 1;
		break;
	case XW_GUEST_DOM0R:
		p[0] = (struct xs_permissions){ d, XS_PERM_NONE };
		p[1] = (struct xs_permissions){ b, XS_PERM_READ };
		break;
	case XW_BACKEND_READ:
		p[0] = (struct xs_permissions){ b, XS_PERM_NONE };
		p[1] = (struct xs_permissions){ d, XS_PERM_READ };
		break;
	default:
		p[0] = (struct xs_permissions){ 0, XS_PERM_NONE };
		n = 1;
		break;
	}
	errno = 0;
	if (sim_fault(w->s, "xs set_permissions") || !xs_set_permissions(w->s->xs, w->t, path, p, n))
		fail(w, "set permissions", path);
}

void xw_rm(struct xw *w, const char *fmt, ...)
{
	PATH_OR_RETURN(w, fmt);
	errno = 0;
	if (sim_fault(w->s, "xs rm")) {
		fail(w, "rm", path);
		return;
	}
	if (!xs_rm(w->s->xs, w->t, path) && errno != ENOENT)
		fail(w, "rm", path);
}

void xw_rm_if_empty(struct xw *w, const char *fmt, ...)
{
	PATH_OR_RETURN(w, fmt);
	unsigned n = 0;
	errno = 0;
	if (sim_fault(w->s, "xs directory")) {
		fail(w, "directory", path);
		return;
	}
	char **v = xs_directory(w->s->xs, w->t, path, &n);
	if (!v) {
		if (errno != ENOENT)
			fail(w, "directory", path);
		return;
	}
	free(v);
	if (n)
		return;
	errno = 0;
	if (sim_fault(w->s, "xs rm")) {
		fail(w, "rm", path);
		return;
	}
	if (!xs_rm(w->s->xs, w->t, path) && errno != ENOENT)
		fail(w, "rm", path);
}

char *sim_xs_read(struct sim *s, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	va_start(ap, fmt);
	int rc = vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (rc || sim_fault(s, "xs read")) {
		errno = rc ? ENAMETOOLONG : EIO;
		return NULL;
	}
	unsigned len;
	return xs_read(s->xs, XBT_NULL, path, &len);
}

int sim_xs_write(struct sim *s, const char *value, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	va_start(ap, fmt);
	int rc = vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	errno = 0;
	if (sim_fault(s, "xs write") || !xs_write(s->xs, XBT_NULL, path, value, strlen(value))) {
		xctl_err_log(s->hv->log, "xenstore write %s failed: %s", path, errno ? strerror(errno) : "injected fault");
		return XCTL_ERR_XENSTORE;
	}
	return 0;
}

char **sim_xs_dir(struct sim *s, unsigned *n, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	va_start(ap, fmt);
	int rc = vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	*n = 0;
	if (rc || sim_fault(s, "xs directory")) {
		errno = rc ? ENAMETOOLONG : EIO;
		return NULL;
	}
	return xs_directory(s->xs, XBT_NULL, path, n);
}

int sim_xs_txn(struct sim *s, const char *what, void (*fn)(struct xw *w, void *arg), void *arg)
{
	int rc = XCTL_ERR_AGAIN;
	for (int i = 0; i < 20 && rc == XCTL_ERR_AGAIN; i++) {
		struct xw w;
		rc = xw_begin(s, &w, what);
		if (rc)
			break;
		fn(&w, arg);
		rc = xw_end(&w);
	}
	if (rc == XCTL_ERR_AGAIN)
		xctl_err_log(s->hv->log, "%s: xenstore transaction kept conflicting; try again", what);
	return rc;
}
