/* SPDX-License-Identifier: LGPL-2.1-only */
/* xs-gen: reads the schema files (xenstore-schema/schema/\*.xss) and writes
 * the generated C header, the C table the validator is built from, and the
 * Markdown reference. A host tool built and run by the build. */
#ifndef XSGEN_H
#define XSGEN_H

#include "common/util.h"
#include "xenstore-schema/schema_defs.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define XSGEN_MAX_NODES 4096
#define XSGEN_MAX_SECTIONS 256
#define XSGEN_MAX_WATCHES 64

struct xsgen_attrs {
	int type;            /* enum xctl_schema_type, -1 unset */
	bool empty_ok;       /* type written with a trailing '?' */
	char *args;          /* type arguments as written (enum words, link templates) */
	uint64_t min, max;   /* int range, or string maximum length in max */
	char *perms;         /* "n0,r$DOMID | n$DOMID" or "any" */
	unsigned writers;    /* bit set of XCTL_SCHEMA_W_* */
	unsigned guests;     /* bit set of XCTL_SCHEMA_G_* */
	int required;        /* enum xctl_schema_phase */
	unsigned req_guests; /* guest types the requirement applies to */
	char *unless;        /* sibling names whose presence waives the requirement */
	char *equals;        /* "$DOMID": the value must equal the placeholder */
	char *when_connected;/* value required in phase connected */
	bool any_below;
};

struct xsgen_node {
	char *id;
	char *tpl;      /* absolute template */
	int section;
	struct xsgen_attrs a;
	struct xctl_buf doc;
	const char *file;
	unsigned line;
};

struct xsgen_section {
	char *prefix, *base, *title;
	struct xctl_buf doc;
	char *bind_var, *bind_how, *bind_tpl; /* "BACKEND" "value" TEMPLATE, or "backref" */
	struct xsgen_attrs defaults;
};

struct xsgen_watch {
	char *id, *name;
	struct xctl_buf doc;
};

struct xsgen {
	struct xsgen_node nodes[XSGEN_MAX_NODES];
	size_t nnodes;
	struct xsgen_section sections[XSGEN_MAX_SECTIONS];
	size_t nsections;
	struct xsgen_watch watches[XSGEN_MAX_WATCHES];
	size_t nwatches;
	struct xctl_buf intro;
	unsigned errors;
};

/* Parse one schema file; errors are printed as FILE:LINE: message. */
int xsgen_parse_file(struct xsgen *g, const char *path);
/* Whole-schema checks (parents exist, ids unique, ...). */
int xsgen_check(struct xsgen *g);
void xsgen_free(struct xsgen *g);

int xsgen_emit_header(const struct xsgen *g, struct xctl_buf *out);
int xsgen_emit_table(const struct xsgen *g, struct xctl_buf *out);
int xsgen_emit_doc(const struct xsgen *g, struct xctl_buf *out);

/* Helpers shared by the emitters. */
void xsgen_ident(const char *s, struct xctl_buf *out); /* "ring-ref" -> "RING_REF" */
int xsgen_tpl_to_fmt(const char *tpl, struct xctl_buf *out, struct xctl_buf *args); /* 0: no placeholder */
bool xsgen_is_var(const char *name, size_t len);
void xsgen_c_string(const char *s, struct xctl_buf *out);

#endif
