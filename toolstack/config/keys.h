/* SPDX-License-Identifier: LGPL-2.1-only */
/* The one table of xl.cfg keys (keys.c): for each key xctl supports, its
 * type, the guest types it applies to, its default, its check and what is
 * allowed; then the xl.cfg(5) keys xctl does not support yet (rejected with
 * "not supported by xctl yet") and the deprecated aliases. */
#ifndef XCTL_CONFIG_KEYS_H
#define XCTL_CONFIG_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "toolstack/config/model.h"

enum xctl_ktype {
	XCTL_KT_STRING,  /* char *; a string (or a number, taken as written) */
	XCTL_KT_INT,     /* int64_t in [min, max]; decimal, 0x hex, 0 octal */
	XCTL_KT_BOOL,    /* bool; a number, 0 is false, anything else true */
	XCTL_KT_ENUM,    /* int: index in values[] */
	XCTL_KT_STRLIST, /* struct xctl_strlist: a list of strings, or one string */
	XCTL_KT_CPUS,    /* struct xctl_cpus */
	XCTL_KT_DISKS,   /* disks / ndisks */
	XCTL_KT_VIFS,    /* vifs / nvifs */
};

/* flags */
#define XCTL_KF_SPLIT 1u      /* STRLIST: a single string is split at blanks (deprecated form) */
#define XCTL_KF_BOOL_LIST 2u  /* STRLIST: a number means true = ["defaults"], false = [] */
#define XCTL_KF_ENUM_NUM 4u   /* ENUM: a number is the index (deprecated form) */
#define XCTL_KF_NONEMPTY 8u   /* STRING: must not be empty */
#define XCTL_KF_ICASE 16u     /* ENUM: names match in any case (libxl's *_from_string, strcasecmp in
			       * libxl_utils.c:1018) */
#define XCTL_KF_UNKNOWN 32u   /* ENUM: "unknown" (any case) is libxl's default value: left unset */

struct xctl_key {
	const char *name;
	enum xctl_ktype type;
	unsigned guests;            /* XCTL_G_* it applies to */
	size_t offset;              /* of the field in struct xctl_domain_config */
	int64_t min, max;           /* INT */
	const char *const *values;  /* ENUM: names, NULL-terminated */
	/* STRING and each STRLIST item: 0 or an error with what is wrong and
	 * what is allowed written to why. */
	int (*check)(const char *s, char *why, size_t whylen);
	unsigned flags;
	unsigned def_guests;        /* guest types the default applies to */
	const char *def;            /* default, as written in a config; NULL none */
	const char *allowed;        /* what is allowed, for messages and docs */
};

/* Keys xl 4.17 reads that are not in xctl_keys:
 *   alias    a deprecated spelling resolve.c maps onto a supported key
 *            (builder -> type, stdvga -> vga);
 *   ignored  xl itself ignores it with a warning (vncviewer, device_model,
 *            vif2): xctl warns with xl's reason;
 *   neither  not supported by xctl yet: refused by name.
 * guests 0: a key for Arm guests (xctl supports x86 only). */
struct xctl_key_other {
	const char *name;
	unsigned guests;
	const char *alias;          /* deprecated alias: the key it stands for */
	const char *ignored;        /* xl ignores it: why, as xl says */
};

/* Keys xl 4.17 does not read, with the reason (a later Xen's key, an
 * xm-era key): warned as unknown with that reason, never acted on. */
struct xctl_key_foreign {
	const char *name;
	const char *reason;
};

extern const struct xctl_key xctl_keys[XCTL_K__COUNT];
extern const struct xctl_key_other xctl_keys_other[];
extern const size_t xctl_nkeys_other;
extern const struct xctl_key_foreign xctl_keys_foreign[];
extern const size_t xctl_nkeys_foreign;

/* Supported key by name; its id in *id. NULL if not supported. */
const struct xctl_key *xctl_key_find(const char *name, enum xctl_key_id *id);
const struct xctl_key_other *xctl_key_other_find(const char *name);
const struct xctl_key_foreign *xctl_key_foreign_find(const char *name);
/* Every key name (supported, unsupported, aliases) for "did you mean";
 * returns how many were written (at most max). */
size_t xctl_key_names(const char **out, size_t max);
/* Index of s in a NULL-terminated list of names (an ENUM key's values),
 * or -1. */
int xctl_enum_index(const char *const *values, const char *s);
/* "pv, pvh and hvm" style description of a guest mask into buf. */
const char *xctl_guests_text(unsigned guests, char *buf, size_t len);

/* Typed access to a field of the model. */
#define XCTL_FIELD(m, k, T) ((T *)((char *)(m) + xctl_keys[k].offset))
#define XCTL_CFIELD(m, k, T) ((const T *)((const char *)(m) + xctl_keys[k].offset))

/* Value checks shared with validate.c */
int xctl_check_uuid(const char *s, char *why, size_t whylen);
int xctl_check_cpulist(const char *s, char *why, size_t whylen);

/* viridian groups in libxl's bit order, NULL-terminated; index of a name
 * (any case) or -1 */
extern const char *const xctl_viridian_groups[];
int xctl_viridian_group(const char *s);

/* Names of enum keys */
extern const char *const xctl_action_names[];

#endif
