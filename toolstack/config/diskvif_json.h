/* SPDX-License-Identifier: LGPL-2.1-only */
/* JSON of disk and vif specs from one field table per struct: the same
 * table writes the object and reads it back, so the two cannot drift apart.
 * The tables are in disk_json.c and vif_json.c, the code that walks them in
 * diskvif_json.c. Internal to toolstack/config/disk*.c and vif*.c. */
#ifndef XCTL_CONFIG_DISKVIF_JSON_H
#define XCTL_CONFIG_DISKVIF_JSON_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

enum xctl_jfield_type {
	XCTL_JF_STR,      /* char *, null when NULL */
	XCTL_JF_BOOL,     /* bool */
	XCTL_JF_BOOLNAME, /* bool written as names[0] (false) or names[1] (true) */
	XCTL_JF_DEFBOOL,  /* enum xctl_defbool: null, false, true */
	XCTL_JF_ENUM,     /* int-sized enum: 0 is null, else names[value] */
	XCTL_JF_INT,      /* int, in [min, max] */
	XCTL_JF_UINT,     /* unsigned, in [min, max] */
	XCTL_JF_U32,      /* uint32_t */
	XCTL_JF_U64,      /* uint64_t */
	XCTL_JF_MAC,      /* uint8_t[6] as "xx:xx:xx:xx:xx:xx", null when the bool at
			   * off_set is false */
};

struct xctl_jfield {
	const char *key;
	enum xctl_jfield_type type;
	size_t off;
	const char *const *names; /* XCTL_JF_ENUM, XCTL_JF_BOOLNAME */
	size_t nnames;
	int64_t min, max;         /* XCTL_JF_INT, XCTL_JF_UINT */
	size_t off_set;           /* XCTL_JF_MAC */
};

/* Entries of a table of the members of struct XCTL_JFIELD_STRUCT, which a
 * file defines before its table (#define XCTL_JFIELD_STRUCT struct xctl_disk).
 * NAMES takes the names of an XCTL_JF_ENUM or XCTL_JF_BOOLNAME member. */
#define XCTL_JFIELD(k, t, m) { .key = (k), .type = (t), .off = offsetof(XCTL_JFIELD_STRUCT, m) }
#define XCTL_JFIELD_RANGE(k, t, m, lo, hi) \
	{ .key = (k), .type = (t), .off = offsetof(XCTL_JFIELD_STRUCT, m), .min = (lo), .max = (hi) }
#define XCTL_JFIELD_NAMES(k, t, m, tab) \
	{ .key = (k), .type = (t), .off = offsetof(XCTL_JFIELD_STRUCT, m), .names = (tab), \
	  .nnames = sizeof(tab) / sizeof((tab)[0]) }
/* The entries every spec's table ends with: the spec as written, and where. */
#define XCTL_JFIELDS_SOURCE \
	XCTL_JFIELD("spec", XCTL_JF_STR, spec), XCTL_JFIELD("file", XCTL_JF_STR, file), \
	XCTL_JFIELD_RANGE("line", XCTL_JF_UINT, line, 0, UINT_MAX)

/* The tables (disk_json.c, vif_json.c) that xctl_disk_to_json() and the
 * others (diskvif_json.c) write and read. */
extern const struct xctl_jfield xctl_disk_jfields[];
extern const size_t xctl_disk_njfields;
extern const struct xctl_jfield xctl_vif_jfields[];
extern const size_t xctl_vif_njfields;

#endif
