/* SPDX-License-Identifier: LGPL-2.1-only */
/* `xctl schema show`: what the schema says about a path, a template or a
 * node id, as text or JSON. */
#include "xenstore-schema/show.h"
#include "xenstore-schema/check.h"
#include "xenstore-schema/internal.h"
#include "xenstore-schema/xs_paths.h"
#include "common/err.h"
#include "common/json.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

static void type_text(const struct xctl_schema_node *s, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s", xctl_schema_type_name(s->type));
	if (n < 0 || (size_t)n >= len)
		return;
	if (s->type == XCTL_SCHEMA_T_INT)
		n += snprintf(buf + n, len - (size_t)n, " %llu..%llu", (unsigned long long)s->min,
			      (unsigned long long)s->max);
	else if (s->type == XCTL_SCHEMA_T_STRING && s->max != 4096)
		n += snprintf(buf + n, len - (size_t)n, " (at most %llu bytes)", (unsigned long long)s->max);
	else if (s->type == XCTL_SCHEMA_T_ENUM || s->type == XCTL_SCHEMA_T_LINK)
		n += snprintf(buf + n, len - (size_t)n, " %s", s->args);
	if (n >= 0 && (size_t)n < len && s->empty_ok)
		snprintf(buf + n, len - (size_t)n, ", or empty");
}

static void required_text(const struct xctl_schema_node *s, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s", xctl_schema_phase_name(s->required));
	if (s->required != XCTL_SCHEMA_P_NONE && s->req_guests != XCTL_SCHEMA_G_ALL && n >= 0 && (size_t)n < len) {
		char g[64];
		xctl_schema_guests_text(s->req_guests, g, sizeof(g));
		n += snprintf(buf + n, len - (size_t)n, " for %s", g);
	}
	if (s->unless && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " unless %s", s->unless);
}

/* Below the home of a domain named by a placeholder ($DOMID, $BACKEND)? */
static bool is_rel(const char *tpl, const char **rel)
{
	size_t l = strlen(XS_PATH_LOCAL_DOMAIN);
	if (strncmp(tpl, XS_PATH_LOCAL_DOMAIN, l) || tpl[l] != '/' || tpl[l + 1] != '$')
		return false;
	const char *sl = strchr(tpl + l + 1, '/');
	if (!sl)
		return false;
	*rel = sl + 1;
	return true;
}

/* The schema nodes directly below s. */
static size_t children(const struct xctl_schema_node *s, size_t *out, size_t max)
{
	size_t n = 0, pl = strlen(s->tpl);
	for (size_t k = 0; k < xctl_schema_nnodes && n < max; k++) {
		const char *t = xctl_schema_nodes[k].tpl;
		if (xctl_schema_nodes[k].depth == s->depth + 1 && !strncmp(t, s->tpl, pl) &&
		    (t[pl] == '/' || !strcmp(s->tpl, "/")))
			out[n++] = k;
	}
	return n;
}

static void show_text(const struct xctl_schema_node *s, const char *path, const struct xctl_schema_binding *b,
		      FILE *out)
{
	char buf[512], g[64], w[128];
	fprintf(out, "%s  (%s)\n", s->tpl, s->id);
	if (path && strcmp(path, s->tpl)) {
		fprintf(out, "  path:      %s matches, with", path);
		for (size_t v = 0; v < XCTL_SCHEMA_V_COUNT; v++) {
			if (!b->set[v])
				continue;
			if (v == XCTL_SCHEMA_V_UUID)
				fprintf(out, " $%s=%s", xctl_schema_var_names[v], b->uuid);
			else
				fprintf(out, " $%s=%llu", xctl_schema_var_names[v], b->num[v]);
		}
		fputc('\n', out);
	}
	fprintf(out, "  section:   %s\n", xctl_schema_sections[s->section].title);
	type_text(s, buf, sizeof(buf));
	fprintf(out, "  type:      %s (%s)\n", buf, xctl_schema_type_docs[s->type]);
	if (s->equals)
		fprintf(out, "  equals:    $%s\n", s->equals);
	fprintf(out, "  perms:     %s\n", s->perms);
	if (s->bind_var)
		fprintf(out, "  $%s:%*s%s %s\n", s->bind_var, (int)(9 - strlen(s->bind_var)), "",
			!strcmp(s->bind_how, "value") ? "the value of" : "the domain whose node points here:",
			s->bind_tpl);
	xctl_schema_writers_text(s->writers, w, sizeof(w));
	fprintf(out, "  writer:    %s\n", w);
	xctl_schema_guests_text(s->guests, g, sizeof(g));
	fprintf(out, "  guests:    %s\n", g);
	required_text(s, buf, sizeof(buf));
	fprintf(out, "  required:  %s\n", buf);
	if (s->when_connected)
		fprintf(out, "  connected: must be %s\n", s->when_connected);
	if (s->any_below)
		fprintf(out, "  below:     anything (not described by the schema)\n");
	const char *rel;
	fprintf(out, "  C names:   XS_TPL_%s, XS_%s_%s%s%s\n", s->id, s->nvars ? "FMT" : "PATH", s->id,
		is_rel(s->tpl, &rel) ? ", XS_REL_" : "", is_rel(s->tpl, &rel) ? s->id : "");
	if (s->doc && *s->doc)
		fprintf(out, "  %s\n", s->doc);
	size_t kids[512];
	size_t nk = children(s, kids, XCTL_ARRAY_SIZE(kids));
	if (nk) {
		fprintf(out, "  children:\n");
		for (size_t i = 0; i < nk; i++) {
			const struct xctl_schema_node *c = &xctl_schema_nodes[kids[i]];
			type_text(c, buf, sizeof(buf));
			fprintf(out, "    %-40s %s\n", strrchr(c->tpl, '/') + 1, buf);
		}
	}
}

static void show_json(struct xctl_jw *w, const struct xctl_schema_node *s, const char *path,
		      const struct xctl_schema_binding *b)
{
	char buf[512];
	xctl_jw_obj_open(w);
	xctl_jw_kstr(w, "template", s->tpl);
	xctl_jw_kstr(w, "id", s->id);
	if (path) {
		xctl_jw_kstr(w, "path", path);
		xctl_jw_key(w, "bindings");
		xctl_jw_obj_open(w);
		for (size_t v = 0; v < XCTL_SCHEMA_V_COUNT; v++) {
			if (!b->set[v])
				continue;
			if (v == XCTL_SCHEMA_V_UUID)
				xctl_jw_kstr(w, xctl_schema_var_names[v], b->uuid);
			else
				xctl_jw_kuint(w, xctl_schema_var_names[v], b->num[v]);
		}
		xctl_jw_obj_close(w);
	}
	xctl_jw_kstr(w, "section", xctl_schema_sections[s->section].title);
	xctl_jw_kstr(w, "type", xctl_schema_type_name(s->type));
	type_text(s, buf, sizeof(buf));
	xctl_jw_kstr(w, "type_text", buf);
	xctl_jw_kbool(w, "empty_ok", s->empty_ok);
	if (s->type == XCTL_SCHEMA_T_INT) {
		xctl_jw_kuint(w, "min", s->min);
		xctl_jw_kuint(w, "max", s->max);
	}
	xctl_jw_key(w, "equals");
	xctl_jw_str(w, s->equals);
	xctl_jw_kstr(w, "perms", s->perms);
	xctl_schema_writers_text(s->writers, buf, sizeof(buf));
	xctl_jw_kstr(w, "writers", buf);
	xctl_schema_guests_text(s->guests, buf, sizeof(buf));
	xctl_jw_kstr(w, "guests", buf);
	xctl_jw_kstr(w, "required", xctl_schema_phase_name(s->required));
	xctl_schema_guests_text(s->req_guests, buf, sizeof(buf));
	xctl_jw_kstr(w, "required_for", buf);
	xctl_jw_key(w, "unless");
	xctl_jw_str(w, s->unless);
	xctl_jw_key(w, "when_connected");
	xctl_jw_str(w, s->when_connected);
	xctl_jw_kbool(w, "any_below", s->any_below);
	xctl_jw_kstr(w, "doc", s->doc);
	xctl_jw_key(w, "children");
	xctl_jw_arr_open(w);
	size_t kids[512];
	size_t nk = children(s, kids, XCTL_ARRAY_SIZE(kids));
	for (size_t i = 0; i < nk; i++)
		xctl_jw_str(w, xctl_schema_nodes[kids[i]].tpl);
	xctl_jw_arr_close(w);
	xctl_jw_obj_close(w);
}

int xctl_schema_show(const char *what, bool json, FILE *out, FILE *err)
{
	struct xctl_schema_binding b;
	memset(&b, 0, sizeof(b));
	int k = -1;
	const char *path = NULL;
	if (what) {
		k = xctl_schema_find_tpl(what);
		if (k < 0)
			k = xctl_schema_find_id(what);
		if (k < 0 && (k = xctl_schema_match(what, &b)) >= 0)
			path = what;
		if (k < 0) {
			const char **cands = calloc(xctl_schema_nnodes, sizeof(*cands));
			if (!cands)
				return XCTL_ERR_NOMEM;
			for (size_t i = 0; i < xctl_schema_nnodes; i++)
				cands[i] = xctl_schema_nodes[i].tpl;
			const char *sug = xctl_suggest(what, cands, xctl_schema_nnodes);
			/* a concrete path: suggest a sibling name under its parent */
			const char *sl = strrchr(what, '/');
			char parent[4096];
			int pm = -1;
			if (sl && sl != what && (size_t)(sl - what) < sizeof(parent)) {
				memcpy(parent, what, (size_t)(sl - what));
				parent[sl - what] = '\0';
				pm = xctl_schema_match(parent, NULL);
			}
			if (!sug && pm >= 0) {
				const char *name = xctl_schema_suggest_child(pm, sl + 1);
				fprintf(err, "xctl schema show: '%s' is not in the xenstore schema", what);
				if (name)
					fprintf(err, "; did you mean %s/%s?", parent, name);
			} else {
				fprintf(err, "xctl schema show: '%s' is not in the xenstore schema", what);
				if (sug)
					fprintf(err, "; did you mean %s?", sug);
			}
			fprintf(err, "\nRun 'xctl schema show' to list every template.\n");
			free(cands);
			return XCTL_ERR_NOTFOUND;
		}
	}
	if (json) {
		struct xctl_jw *w = xctl_jw_new(true);
		if (!w)
			return XCTL_ERR_NOMEM;
		if (k >= 0) {
			show_json(w, &xctl_schema_nodes[k], path, &b);
		} else {
			xctl_jw_arr_open(w);
			for (size_t i = 0; i < xctl_schema_nnodes; i++)
				show_json(w, &xctl_schema_nodes[i], NULL, NULL);
			xctl_jw_arr_close(w);
		}
		return xctl_schema_jw_print(w, out);
	}
	if (k >= 0) {
		show_text(&xctl_schema_nodes[k], path ? path : what, &b, out);
		return 0;
	}
	int cur = -1;
	for (size_t i = 0; i < xctl_schema_nnodes; i++) {
		const struct xctl_schema_node *s = &xctl_schema_nodes[i];
		char t[512], r[256];
		if (s->section != cur) {
			cur = s->section;
			fprintf(out, "%s# %s\n", i ? "\n" : "", xctl_schema_sections[cur].title);
		}
		type_text(s, t, sizeof(t));
		required_text(s, r, sizeof(r));
		fprintf(out, "%-60s %-22.22s %-20s %s\n", s->tpl, t, s->perms, r);
	}
	return 0;
}
