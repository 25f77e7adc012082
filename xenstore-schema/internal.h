/* SPDX-License-Identifier: LGPL-2.1-only */
/* Helpers shared by the validator library's own files (values.c, match.c,
 * dump.c, report.c, show.c); not part of its interface. */
#ifndef XCTL_SCHEMA_INTERNAL_H
#define XCTL_SCHEMA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct xctl_jw;

/* [s, s + len) is a canonical decimal (no sign, no leading zero) within
 * [min, max]; its value goes to *out unless out is NULL. */
bool xctl_schema_canon_dec(const char *s, size_t len, unsigned long long min,
			   unsigned long long max, unsigned long long *out);
/* [s, s + len) is a path by xenstored's rule (4.17's is_valid_nodename):
 * absolute, alphanumerics and -/_@, no empty component, no trailing '/', at
 * most XCTL_XSDUMP_MAX_REL_PATH bytes after a "/local/domain/N/" prefix (or
 * from the start of any other path). */
bool xctl_schema_path_ok(const char *s, size_t len);
/* [s, s + len) is a UUID, xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx in hex digits. */
bool xctl_schema_is_uuid(const char *s, size_t len);

/* The name of a literal child of schema node parent closest to name (a
 * plausible typo), or NULL. */
const char *xctl_schema_suggest_child(int parent, const char *name);

/* Write the JSON document of w and a newline to out, then free w. Returns 0
 * or the writer's error (nothing is written then). */
int xctl_schema_jw_print(struct xctl_jw *w, FILE *out);

#endif
