/* SPDX-License-Identifier: LGPL-2.1-only */
/* The xenstore validator: read a tree dump in the `xenstore-ls -fp` format
 * and check it against the schema (schema.h).
 *
 *   struct xctl_xsdump *d;
 *   rc = xctl_xsdump_parse(text, len, "dump.txt", &d, &err);  // XCTL_ERR_PARSE: unreadable
 *   struct xctl_schema_opts o = { .phase = XCTL_SCHEMA_P_CONNECTED, .after_destroy = -1 };
 *   struct xctl_schema_report r = { 0 };
 *   rc = xctl_schema_check(d, &o, &r);   // r.n violations
 *   ... xctl_schema_report_text(&r, d, stdout) or _json(...)
 *   xctl_schema_report_free(&r); xctl_xsdump_free(d);
 *
 * Rules (the "rule" of a violation): unknown-path, bad-value, mismatch,
 * bad-perms, wrong-guest-type, missing, not-connected, dangling-link,
 * leftover. See docs/xenstore-schema.md. */
#ifndef XCTL_SCHEMA_CHECK_H
#define XCTL_SCHEMA_CHECK_H

#include "xenstore-schema/schema.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Bounds on what a dump may hold: it may be garbage. */
#define XCTL_XSDUMP_MAX_BYTES (256u << 20)
#define XCTL_XSDUMP_MAX_NODES 2000000u
#define XCTL_XSDUMP_MAX_LINE 65536u   /* a path of 3072 bytes and a 4096-byte value escaped */
#define XCTL_XSDUMP_MAX_PATH 3072u    /* XENSTORE_ABS_PATH_MAX */
#define XCTL_XSDUMP_MAX_REL_PATH 2048u /* XENSTORE_REL_PATH_MAX: 4.17's limit, after /local/domain/N/ */
#define XCTL_XSDUMP_MAX_PERMS 256u
#define XCTL_SCHEMA_MAX_VIOLATIONS 100000u

struct xctl_xsperm {
	char kind;       /* 'n' none, 'r' read, 'w' write, 'b' both */
	unsigned domid;
};

struct xctl_xsnode {
	char *path;
	char *value;         /* unescaped, NUL-terminated (may hold NULs: vlen) */
	size_t vlen;
	bool value_known;    /* false: xenstore-ls could not read it, or cut it */
	bool perms_known;
	unsigned nperms;
	struct xctl_xsperm *perms;
	unsigned line;
};

struct xctl_xsdump {
	char *name;               /* for messages: the file name or "<stdin>" */
	struct xctl_xsnode *v;
	size_t n, cap;
	size_t *hash;             /* open addressing: index + 1, 0 empty */
	size_t hcap;
	bool any_perms;           /* at least one line had permissions */
};

/* Parse a dump. On XCTL_ERR_PARSE (unreadable input) or XCTL_ERR_LIMIT, err
 * holds "NAME:LINE: what is wrong". */
int xctl_xsdump_parse(const char *text, size_t len, const char *name, struct xctl_xsdump **out, char *err,
		      size_t errlen);
void xctl_xsdump_free(struct xctl_xsdump *d);
/* Node by path, or NULL. */
const struct xctl_xsnode *xctl_xsdump_find(const struct xctl_xsdump *d, const char *path);
/* Format permissions as xenstore-ls does ("n0,r1") into buf. */
void xctl_xsperms_text(const struct xctl_xsperm *p, unsigned n, char *buf, size_t len);

struct xctl_schema_opts {
	enum xctl_schema_phase phase; /* XCTL_SCHEMA_P_NONE: no required-node checks */
	long after_destroy;           /* domain id, or -1 */
};

struct xctl_schema_violation {
	const char *rule;    /* static string, e.g. "bad-perms" */
	char *path;
	unsigned line;       /* line in the dump (for missing nodes: the parent's), 0 if none */
	char *msg;
	const char *tpl;     /* schema template concerned, or NULL */
};

struct xctl_schema_report {
	struct xctl_schema_violation *v;
	size_t n, cap;
	size_t dropped;      /* violations beyond XCTL_SCHEMA_MAX_VIOLATIONS */
	size_t nodes;        /* nodes checked */
	char *warning;       /* a note about the input (e.g. no permissions), or NULL */
};

/* Check the dump. Returns 0 (violations are in r) or XCTL_ERR_NOMEM. */
int xctl_schema_check(const struct xctl_xsdump *d, const struct xctl_schema_opts *o,
		      struct xctl_schema_report *r);
void xctl_schema_report_free(struct xctl_schema_report *r);
/* "FILE:LINE: PATH: RULE: MESSAGE" lines, then a summary line. */
void xctl_schema_report_text(const struct xctl_schema_report *r, const struct xctl_xsdump *d,
			     const struct xctl_schema_opts *o, FILE *out);
/* One JSON document. Returns 0 or an error code. */
int xctl_schema_report_json(const struct xctl_schema_report *r, const struct xctl_xsdump *d,
			    const struct xctl_schema_opts *o, FILE *out);

/* Matching of a path against the schema. */
struct xctl_schema_binding {
	bool set[XCTL_SCHEMA_V_COUNT];
	unsigned long long num[XCTL_SCHEMA_V_COUNT];
	char uuid[37];
};
/* Index of the most specific schema node whose template matches path, or -1. */
int xctl_schema_match(const char *path, struct xctl_schema_binding *b);
/* Match path against one template, adding to the bindings in b (which must
 * agree). Returns a score >= 0, or -1 when it does not match. */
long xctl_schema_tpl_match(const char *tpl, const char *path, struct xctl_schema_binding *b);
/* Index of the schema node with this template (or id), or -1. */
int xctl_schema_find_tpl(const char *tpl);
int xctl_schema_find_id(const char *id);
/* Instantiate a template with bindings; fails (XCTL_ERR_INVAL) on an unbound placeholder. */
int xctl_schema_expand(const char *tpl, const struct xctl_schema_binding *b, char *buf, size_t len);
/* Check a value against node s's type; on failure writes why into why. */
bool xctl_schema_value_ok(const struct xctl_schema_node *s, const char *v, size_t vlen, char *why, size_t whylen);

#endif
