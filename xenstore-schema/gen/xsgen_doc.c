/* SPDX-License-Identifier: LGPL-2.1-only */
/* xs-gen: docs/xenstore-schema.md, the reference generated from the schema. */
#include "xenstore-schema/gen/xsgen.h"

#include <string.h>

/* Markdown table cells: escape the pipe. */
static void cell(struct xctl_buf *o, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			xctl_buf_adds(o, "\\|");
		else
			xctl_buf_add(o, s, 1);
	}
}

static void bits(struct xctl_buf *o, unsigned b, const char *const *names, size_t n, const char *all)
{
	if (all && b == (1u << n) - 1) {
		xctl_buf_adds(o, all);
		return;
	}
	bool first = true;
	for (size_t i = 0; i < n; i++)
		if (b & (1u << i)) {
			xctl_buf_printf(o, "%s%s", first ? "" : ", ", names[i]);
			first = false;
		}
}

static void type_text(struct xctl_buf *o, const struct xsgen_attrs *a)
{
	xctl_buf_printf(o, "%s", xctl_schema_type_names[a->type]);
	switch (a->type) {
	case XCTL_SCHEMA_T_INT:
		xctl_buf_printf(o, " %llu..%llu", (unsigned long long)a->min, (unsigned long long)a->max);
		break;
	case XCTL_SCHEMA_T_STRING:
		if (a->max != 4096)
			xctl_buf_printf(o, " (max %llu)", (unsigned long long)a->max);
		break;
	case XCTL_SCHEMA_T_ENUM:
	case XCTL_SCHEMA_T_LINK:
		xctl_buf_adds(o, " `");
		cell(o, a->args);
		xctl_buf_adds(o, "`");
		break;
	default:
		break;
	}
	if (a->empty_ok)
		xctl_buf_adds(o, " or empty");
	if (a->equals)
		xctl_buf_printf(o, ", = %s", a->equals);
}

int xsgen_emit_doc(const struct xsgen *g, struct xctl_buf *o)
{
	xctl_buf_adds(o, "# The xenstore schema\n\n");
	if (g->intro.p)
		xctl_buf_printf(o, "%s\n", g->intro.p);
	xctl_buf_adds(o, "## Notation\n\nPlaceholders in templates:\n\n");
	for (size_t i = 0; i < XCTL_SCHEMA_V_COUNT; i++)
		xctl_buf_printf(o, "- `$%s`: %s\n", xctl_schema_var_names[i], xctl_schema_var_docs[i]);
	xctl_buf_adds(o, "\nValue types:\n\n");
	for (size_t i = 0; i < XCTL_SCHEMA_T_COUNT; i++)
		xctl_buf_printf(o, "- `%s`: %s\n", xctl_schema_type_names[i], xctl_schema_type_docs[i]);
	xctl_buf_adds(o, "\nWriters:\n\n");
	for (size_t i = 0; i < XCTL_SCHEMA_W_COUNT; i++)
		xctl_buf_printf(o, "- `%s`: %s\n", xctl_schema_writer_names[i], xctl_schema_writer_docs[i]);
	xctl_buf_adds(o,
		      "\nPermissions are written as `xenstore-ls -p` prints them: the first entry is the\n"
		      "owner with the access of every other domain (`n` none, `r` read, `w` write, `b`\n"
		      "both), the next entries grant access to one domain each. Alternatives are\n"
		      "separated by `|`; `any` means the permissions are not checked. *Required* says\n"
		      "from which phase the node must exist (`created`: after the toolstack created the\n"
		      "domain and its devices; `connected`: once frontends and backends are connected),\n"
		      "for which guest types, and which sibling nodes, when present, waive it. A node\n"
		      "marked *any below* may have children the schema does not describe.\n");
	xctl_buf_adds(o, "\n## Special watches\n\n| Watch | Description |\n|---|---|\n");
	for (size_t i = 0; i < g->nwatches; i++) {
		xctl_buf_printf(o, "| `%s` | ", g->watches[i].name);
		cell(o, g->watches[i].doc.p ? g->watches[i].doc.p : "");
		xctl_buf_adds(o, " |\n");
	}
	int cur = -1;
	for (size_t i = 0; i < g->nnodes; i++) {
		const struct xsgen_node *n = &g->nodes[i];
		const struct xsgen_attrs *a = &n->a;
		if (n->section != cur) {
			cur = n->section;
			const struct xsgen_section *s = &g->sections[cur];
			xctl_buf_printf(o, "\n## %s\n\nBase: `%s`", s->title ? s->title : s->prefix, s->base);
			if (s->bind_var)
				xctl_buf_printf(o, "; `$%s` is %s `%s`", s->bind_var,
						!strcmp(s->bind_how, "value") ? "the value of" :
										"the domain whose node points here:",
						s->bind_tpl);
			xctl_buf_adds(o, ".\n\n");
			if (s->doc.p)
				xctl_buf_printf(o, "%s\n\n", s->doc.p);
			xctl_buf_adds(o, "| Path | Type | Perms | Writer | Guests | Required | Description |\n"
					 "|---|---|---|---|---|---|---|\n");
		}
		xctl_buf_adds(o, "| `");
		cell(o, n->tpl);
		xctl_buf_adds(o, "` | ");
		struct xctl_buf t = { 0 };
		type_text(&t, a);
		cell(o, t.p);
		xctl_buf_free(&t);
		xctl_buf_adds(o, " | `");
		cell(o, a->perms);
		xctl_buf_adds(o, "` | ");
		bits(o, a->writers, xctl_schema_writer_names, XCTL_SCHEMA_W_COUNT, NULL);
		xctl_buf_adds(o, " | ");
		bits(o, a->guests, xctl_schema_guest_names, XCTL_SCHEMA_G_COUNT, "all");
		xctl_buf_printf(o, " | %s", xctl_schema_phase_names[a->required]);
		if (a->required != XCTL_SCHEMA_P_NONE && a->req_guests != XCTL_SCHEMA_G_ALL) {
			xctl_buf_adds(o, " for ");
			bits(o, a->req_guests, xctl_schema_guest_names, XCTL_SCHEMA_G_COUNT, NULL);
		}
		if (a->unless) {
			xctl_buf_adds(o, " unless ");
			cell(o, a->unless);
		}
		xctl_buf_adds(o, " | ");
		cell(o, n->doc.p ? n->doc.p : "");
		if (a->when_connected)
			xctl_buf_printf(o, " Must be %s once connected.", a->when_connected);
		if (a->any_below)
			xctl_buf_adds(o, " *Any below.*");
		xctl_buf_printf(o, " `%s` |\n", n->id);
	}
	return 0;
}
