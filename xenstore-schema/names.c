/* SPDX-License-Identifier: LGPL-2.1-only */
/* The names and documentation of the schema's vocabulary (schema_defs.h),
 * written once for the generator (xs-gen compiles this file) and the
 * validator library. */
#include "xenstore-schema/schema_defs.h"

#include <string.h>

/* What to take of an entry of each list: X(SUFFIX, "name", "doc") for types
 * and writers, X(SUFFIX, "name") for guests and phases, X(NAME, min, max,
 * "doc") for placeholders. */
#define NAME(suffix, name, doc) name,
#define DOC(suffix, name, doc) doc,
#define NAME_ONLY(suffix, name) name,
#define VAR_NAME(name, min, max, doc) #name,
#define VAR_DOC(name, min, max, doc) doc,

const char *const xctl_schema_type_names[XCTL_SCHEMA_T_COUNT] = { XCTL_SCHEMA_TYPES(NAME) };
const char *const xctl_schema_type_docs[XCTL_SCHEMA_T_COUNT] = { XCTL_SCHEMA_TYPES(DOC) };
const char *const xctl_schema_writer_names[XCTL_SCHEMA_W_COUNT] = { XCTL_SCHEMA_WRITERS(NAME) };
const char *const xctl_schema_writer_docs[XCTL_SCHEMA_W_COUNT] = { XCTL_SCHEMA_WRITERS(DOC) };
const char *const xctl_schema_guest_names[XCTL_SCHEMA_G_COUNT] = { XCTL_SCHEMA_GUESTS(NAME_ONLY) };
const char *const xctl_schema_phase_names[XCTL_SCHEMA_P_COUNT] = { XCTL_SCHEMA_PHASES(NAME_ONLY) };
const char *const xctl_schema_var_names[XCTL_SCHEMA_V_COUNT] = { XCTL_SCHEMA_VARS(VAR_NAME) };
const char *const xctl_schema_var_docs[XCTL_SCHEMA_V_COUNT] = { XCTL_SCHEMA_VARS(VAR_DOC) };

int xctl_schema_name_find(const char *const *names, size_t n, const char *w, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) == len && !strncmp(names[i], w, len))
			return (int)i;
	return -1;
}
