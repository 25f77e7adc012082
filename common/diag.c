/* SPDX-License-Identifier: LGPL-2.1-only */
#include "common/diag.h"
#include "common/err.h"
#include "common/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void xctl_diags_init(struct xctl_diags *d)
{
	memset(d, 0, sizeof(*d));
}

void xctl_diags_free(struct xctl_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].key);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

int xctl_diag_add(struct xctl_diags *d, enum xctl_diag_sev sev, const char *file, unsigned line,
		  const char *key, const char *fmt, ...)
{
	int rc = 0;
	struct xctl_buf msg = { 0 };
	size_t max = d->max ? d->max : 1000;

	if (sev == XCTL_DIAG_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;
	if (d->n >= max) {
		d->dropped++;
		return 0;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct xctl_diag *v = realloc(d->v, cap * sizeof(*v));
		if (!v)
			return XCTL_ERR_NOMEM;
		d->v = v;
		d->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	rc = xctl_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (rc)
		goto out;
	struct xctl_diag *dg = &d->v[d->n];
	dg->sev = sev;
	dg->line = line;
	dg->file = xctl_strdup(file);
	dg->key = xctl_strdup(key);
	dg->msg = xctl_buf_steal(&msg);
	if ((file && !dg->file) || (key && !dg->key) || !dg->msg) {
		free(dg->file);
		free(dg->key);
		free(dg->msg);
		rc = XCTL_ERR_NOMEM;
		goto out;
	}
	d->n++;
out:
	xctl_buf_free(&msg);
	return rc;
}

void xctl_diags_promote_warnings(struct xctl_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		d->v[i].sev = XCTL_DIAG_ERROR;
	d->nerrors += d->nwarnings;
	d->nwarnings = 0;
}

char *xctl_diag_format(const struct xctl_diag *dg)
{
	struct xctl_buf b = { 0 };
	int rc = 0;
	if (dg->file)
		rc |= xctl_buf_printf(&b, "%s:", dg->file);
	if (dg->file && dg->line)
		rc |= xctl_buf_printf(&b, "%u:", dg->line);
	if (dg->file)
		rc |= xctl_buf_adds(&b, " ");
	if (dg->sev == XCTL_DIAG_WARNING)
		rc |= xctl_buf_adds(&b, "warning: ");
	if (dg->key)
		rc |= xctl_buf_printf(&b, "%s: ", dg->key);
	rc |= xctl_buf_adds(&b, dg->msg);
	if (rc) {
		xctl_buf_free(&b);
		return NULL;
	}
	return xctl_buf_steal(&b);
}

void xctl_diags_print(const struct xctl_diags *d, FILE *out)
{
	for (size_t i = 0; i < d->n; i++) {
		char *s = xctl_diag_format(&d->v[i]);
		fprintf(out, "%s\n", s ? s : d->v[i].msg);
		free(s);
	}
	if (d->dropped)
		fprintf(out, "(%zu more diagnostics not shown)\n", d->dropped);
}
