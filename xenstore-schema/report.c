/* SPDX-License-Identifier: LGPL-2.1-only */
/* Printing a validation report: text lines or one JSON document. */
#include "xenstore-schema/check.h"
#include "xenstore-schema/internal.h"
#include "common/err.h"
#include "common/json.h"

#include <string.h>

void xctl_schema_report_text(const struct xctl_schema_report *r, const struct xctl_xsdump *d,
			     const struct xctl_schema_opts *o, FILE *out)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct xctl_schema_violation *v = &r->v[i];
		if (v->line)
			fprintf(out, "%s:%u: %s: %s: %s\n", d->name, v->line, v->path, v->rule, v->msg);
		else
			fprintf(out, "%s: %s: %s: %s\n", d->name, v->path, v->rule, v->msg);
	}
	if (r->warning)
		fprintf(out, "%s: warning: %s\n", d->name, r->warning);
	fprintf(out, "%s: %zu node%s checked%s%s%s, %zu violation%s", d->name, r->nodes, r->nodes == 1 ? "" : "s",
		o->phase != XCTL_SCHEMA_P_NONE ? " (phase " : "",
		o->phase != XCTL_SCHEMA_P_NONE ? xctl_schema_phase_name(o->phase) : "",
		o->phase != XCTL_SCHEMA_P_NONE ? ")" : "", r->n + r->dropped, r->n + r->dropped == 1 ? "" : "s");
	if (r->dropped)
		fprintf(out, " (%zu not shown)", r->dropped);
	fputc('\n', out);
}

int xctl_schema_report_json(const struct xctl_schema_report *r, const struct xctl_xsdump *d,
			    const struct xctl_schema_opts *o, FILE *out)
{
	struct xctl_jw *w = xctl_jw_new(true);
	if (!w)
		return XCTL_ERR_NOMEM;
	xctl_jw_obj_open(w);
	xctl_jw_kstr(w, "file", d->name);
	xctl_jw_kuint(w, "nodes", r->nodes);
	xctl_jw_key(w, "phase");
	if (o->phase != XCTL_SCHEMA_P_NONE)
		xctl_jw_str(w, xctl_schema_phase_name(o->phase));
	else
		xctl_jw_null(w);
	xctl_jw_key(w, "after_destroy");
	if (o->after_destroy >= 0)
		xctl_jw_int(w, o->after_destroy);
	else
		xctl_jw_null(w);
	xctl_jw_kbool(w, "ok", r->n + r->dropped == 0);
	xctl_jw_kuint(w, "count", r->n + r->dropped);
	xctl_jw_key(w, "warning");
	xctl_jw_str(w, r->warning);
	xctl_jw_key(w, "violations");
	xctl_jw_arr_open(w);
	for (size_t i = 0; i < r->n; i++) {
		const struct xctl_schema_violation *v = &r->v[i];
		xctl_jw_obj_open(w);
		xctl_jw_kstr(w, "path", v->path);
		xctl_jw_kstr(w, "rule", v->rule);
		xctl_jw_kstr(w, "message", v->msg);
		xctl_jw_key(w, "line");
		if (v->line)
			xctl_jw_uint(w, v->line);
		else
			xctl_jw_null(w);
		xctl_jw_kstr(w, "template", v->tpl);
		xctl_jw_obj_close(w);
	}
	xctl_jw_arr_close(w);
	xctl_jw_obj_close(w);
	return xctl_schema_jw_print(w, out);
}

int xctl_schema_jw_print(struct xctl_jw *w, FILE *out)
{
	const char *text;
	size_t len;
	int rc = xctl_jw_finish(w, &text, &len);
	if (rc == 0) {
		fwrite(text, 1, len, out);
		fputc('\n', out);
	}
	xctl_jw_free(w);
	return rc;
}
