/* SPDX-License-Identifier: LGPL-2.1-only */
/* Table-driven JSON writer and reader for disk and vif specs: the code that
 * walks the field tables of disk_json.c and vif_json.c. */
#include "toolstack/config/diskvif_json.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"
#include "toolstack/config/diskspec.h"
#include "toolstack/config/vifspec.h"

_Static_assert(sizeof(enum xctl_defbool) == sizeof(int), "enums are read as int");

#define AT(obj, f, type) ((type *)((char *)(obj) + (f)->off))
#define CAT(obj, f, type) ((const type *)((const char *)(obj) + (f)->off))

/* Write the object of every field. */
static void jfields_write(struct xctl_jw *w, const struct xctl_jfield *f, size_t n, const void *obj)
{
	char mac[XCTL_MAC_STRLEN];

	xctl_jw_obj_open(w);
	for (size_t i = 0; i < n; i++, f++) {
		xctl_jw_key(w, f->key);
		switch (f->type) {
		case XCTL_JF_STR:
			xctl_jw_str(w, *CAT(obj, f, char *const));
			break;
		case XCTL_JF_BOOL:
			xctl_jw_bool(w, *CAT(obj, f, bool));
			break;
		case XCTL_JF_BOOLNAME:
			xctl_jw_str(w, f->names[*CAT(obj, f, bool) ? 1 : 0]);
			break;
		case XCTL_JF_DEFBOOL: {
			int b = *CAT(obj, f, int);
			if (b == XCTL_DEFBOOL_DEFAULT)
				xctl_jw_null(w);
			else
				xctl_jw_bool(w, b == XCTL_DEFBOOL_TRUE);
			break;
		}
		case XCTL_JF_ENUM: {
			int e = *CAT(obj, f, int);
			if (e <= 0 || (size_t)e >= f->nnames)
				xctl_jw_null(w);
			else
				xctl_jw_str(w, f->names[e]);
			break;
		}
		case XCTL_JF_INT:
			xctl_jw_int(w, *CAT(obj, f, int));
			break;
		case XCTL_JF_UINT:
			xctl_jw_uint(w, *CAT(obj, f, unsigned));
			break;
		case XCTL_JF_U32:
			xctl_jw_uint(w, *CAT(obj, f, uint32_t));
			break;
		case XCTL_JF_U64:
			xctl_jw_uint(w, *CAT(obj, f, uint64_t));
			break;
		case XCTL_JF_MAC:
			if (!*(const bool *)((const char *)obj + f->off_set)) {
				xctl_jw_null(w);
				break;
			}
			xctl_mac_format(CAT(obj, f, uint8_t), mac, sizeof(mac));
			xctl_jw_str(w, mac);
			break;
		}
	}
	xctl_jw_obj_close(w);
}

static const char *jtype_name(enum xctl_jtype t)
{
	switch (t) {
	case XCTL_JNULL: return "null";
	case XCTL_JBOOL: return "a boolean";
	case XCTL_JINT:
	case XCTL_JUINT: return "a number";
	case XCTL_JDOUBLE: return "a fractional number";
	case XCTL_JSTRING: return "a string";
	case XCTL_JARRAY: return "an array";
	case XCTL_JOBJECT: return "an object";
	}
	return "a value";
}

/* The value as an unsigned integer, if it is one. */
static bool jv_u64(const struct xctl_jv *v, uint64_t *out)
{
	if (v->type == XCTL_JINT && v->u.i >= 0) {
		*out = (uint64_t)v->u.i;
		return true;
	}
	if (v->type == XCTL_JUINT) {
		*out = v->u.u;
		return true;
	}
	return false;
}

/* One member; returns 0, or an error message in why. */
static int read_field(const struct xctl_jfield *f, const struct xctl_jv *v, void *obj, char *why,
		      size_t wl)
{
	uint64_t u;

	switch (f->type) {
	case XCTL_JF_STR: {
		if (v->type == XCTL_JNULL) {
			free(*AT(obj, f, char *));
			*AT(obj, f, char *) = NULL;
			return 0;
		}
		if (v->type != XCTL_JSTRING)
			break;
		char *c = strdup(v->u.s);
		if (!c)
			return XCTL_ERR_NOMEM;
		free(*AT(obj, f, char *));
		*AT(obj, f, char *) = c;
		return 0;
	}
	case XCTL_JF_BOOL:
		if (v->type != XCTL_JBOOL)
			break;
		*AT(obj, f, bool) = v->u.b;
		return 0;
	case XCTL_JF_BOOLNAME:
		if (v->type == XCTL_JSTRING)
			for (int k = 0; k < 2; k++)
				if (!strcmp(v->u.s, f->names[k])) {
					*AT(obj, f, bool) = k == 1;
					return 0;
				}
		snprintf(why, wl, "must be \"%s\" or \"%s\"", f->names[0], f->names[1]);
		return XCTL_ERR_CONFIG;
	case XCTL_JF_DEFBOOL:
		if (v->type == XCTL_JNULL) {
			*AT(obj, f, int) = XCTL_DEFBOOL_DEFAULT;
			return 0;
		}
		if (v->type != XCTL_JBOOL)
			break;
		*AT(obj, f, int) = v->u.b ? XCTL_DEFBOOL_TRUE : XCTL_DEFBOOL_FALSE;
		return 0;
	case XCTL_JF_ENUM:
		if (v->type == XCTL_JNULL) {
			*AT(obj, f, int) = 0;
			return 0;
		}
		if (v->type == XCTL_JSTRING)
			for (size_t k = 1; k < f->nnames; k++)
				if (!strcmp(v->u.s, f->names[k])) {
					*AT(obj, f, int) = (int)k;
					return 0;
				}
		{
			size_t used = (size_t)snprintf(why, wl, "must be null or one of");
			for (size_t k = 1; k < f->nnames && used < wl; k++)
				used += (size_t)snprintf(why + used, wl - used, "%s \"%s\"",
							 k > 1 ? "," : "", f->names[k]);
		}
		return XCTL_ERR_CONFIG;
	case XCTL_JF_INT:
	case XCTL_JF_UINT:
		if (v->type != XCTL_JINT || v->u.i < f->min || v->u.i > f->max) {
			snprintf(why, wl, "must be a whole number from %lld to %lld", (long long)f->min,
				 (long long)f->max);
			return XCTL_ERR_CONFIG;
		}
		if (f->type == XCTL_JF_INT)
			*AT(obj, f, int) = (int)v->u.i;
		else
			*AT(obj, f, unsigned) = (unsigned)v->u.i;
		return 0;
	case XCTL_JF_U32:
		if (!jv_u64(v, &u) || u > UINT32_MAX) {
			snprintf(why, wl, "must be a whole number from 0 to %u", UINT32_MAX);
			return XCTL_ERR_CONFIG;
		}
		*AT(obj, f, uint32_t) = (uint32_t)u;
		return 0;
	case XCTL_JF_U64:
		if (!jv_u64(v, &u)) {
			snprintf(why, wl, "must be a whole number from 0 to %llu",
				 (unsigned long long)UINT64_MAX);
			return XCTL_ERR_CONFIG;
		}
		*AT(obj, f, uint64_t) = u;
		return 0;
	case XCTL_JF_MAC: {
		bool *given = (bool *)((char *)obj + f->off_set);
		if (v->type == XCTL_JNULL) {
			memset(AT(obj, f, uint8_t), 0, XCTL_MAC_LEN);
			*given = false;
			return 0;
		}
		if (v->type == XCTL_JSTRING && !xctl_mac_parse(v->u.s, AT(obj, f, uint8_t))) {
			*given = true;
			return 0;
		}
		snprintf(why, wl, "must be null or a MAC address \"xx:xx:xx:xx:xx:xx\"");
	}
		return XCTL_ERR_CONFIG;
	}
	snprintf(why, wl, "must be %s, not %s",
		 f->type == XCTL_JF_STR ? "a string or null" :
		 f->type == XCTL_JF_BOOL ? "a boolean" : "a boolean or null", jtype_name(v->type));
	return XCTL_ERR_CONFIG;
}

/* Read an object written by jfields_write into obj (already initialised;
 * members not present keep their value). Every problem is an error in d
 * under key (e.g. "disk"); returns 0, XCTL_ERR_CONFIG or XCTL_ERR_NOMEM. */
static int jfields_read(const struct xctl_jv *v, const struct xctl_jfield *f, size_t n, void *obj,
			const char *key, struct xctl_diags *d)
{
	int rc = 0, bad = 0;
	char why[256];

	if (!v || v->type != XCTL_JOBJECT) {
		rc = xctl_diag_add(d, XCTL_DIAG_ERROR, NULL, 0, key, "JSON %s must be an object, not %s",
				   key, v ? jtype_name(v->type) : "missing");
		return rc ? rc : XCTL_ERR_CONFIG;
	}
	for (size_t i = 0; i < v->u.obj.n; i++) {
		const char *name = v->u.obj.keys[i];
		size_t k;
		for (k = 0; k < n; k++)
			if (!strcmp(f[k].key, name))
				break;
		if (k == n) {
			bad++;
			rc = xctl_diag_add(d, XCTL_DIAG_ERROR, NULL, 0, key,
					   "unknown JSON member '%.64s' in a %s object", name, key);
			if (rc)
				return rc;
			continue;
		}
		why[0] = 0;
		rc = read_field(&f[k], v->u.obj.v[i], obj, why, sizeof(why));
		if (rc == XCTL_ERR_NOMEM)
			return rc;
		if (rc) {
			bad++;
			rc = xctl_diag_add(d, XCTL_DIAG_ERROR, NULL, 0, key, "JSON member '%s' %s",
					   f[k].key, why);
			if (rc)
				return rc;
		}
	}
	return bad ? XCTL_ERR_CONFIG : 0;
}

void xctl_disk_to_json(struct xctl_jw *w, const struct xctl_disk *disk)
{
	jfields_write(w, xctl_disk_jfields, xctl_disk_njfields, disk);
}

int xctl_disk_from_json(const struct xctl_jv *v, struct xctl_disk *out, struct xctl_diags *d)
{
	xctl_disk_init(out);
	int rc = jfields_read(v, xctl_disk_jfields, xctl_disk_njfields, out, "disk", d);
	if (rc)
		xctl_disk_dispose(out);
	return rc;
}

void xctl_vif_to_json(struct xctl_jw *w, const struct xctl_vif *vif)
{
	jfields_write(w, xctl_vif_jfields, xctl_vif_njfields, vif);
}

int xctl_vif_from_json(const struct xctl_jv *v, struct xctl_vif *out, struct xctl_diags *d)
{
	xctl_vif_init(out);
	int rc = jfields_read(v, xctl_vif_jfields, xctl_vif_njfields, out, "vif", d);
	if (rc)
		xctl_vif_dispose(out);
	return rc;
}
