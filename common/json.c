/* SPDX-License-Identifier: LGPL-2.1-only */
#include "common/json.h"
#include "common/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

struct xctl_jw {
	yajl_gen g;
	int rc;
};

struct xctl_jw *xctl_jw_new(bool pretty)
{
	struct xctl_jw *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->g = yajl_gen_alloc(NULL);
	if (!w->g) {
		free(w);
		return NULL;
	}
	yajl_gen_config(w->g, yajl_gen_beautify, pretty ? 1 : 0);
	if (pretty)
		yajl_gen_config(w->g, yajl_gen_indent_string, "  ");
	yajl_gen_config(w->g, yajl_gen_validate_utf8, 1);
	return w;
}

void xctl_jw_free(struct xctl_jw *w)
{
	if (!w)
		return;
	yajl_gen_free(w->g);
	free(w);
}

static void check(struct xctl_jw *w, yajl_gen_status st)
{
	if (st == yajl_gen_status_ok || w->rc)
		return;
	w->rc = st == yajl_gen_invalid_string ? XCTL_ERR_INVAL : XCTL_ERR_INTERNAL;
}

#define GEN(w, call)                   \
	do {                           \
		if (!(w)->rc)          \
			check((w), call); \
	} while (0)

void xctl_jw_obj_open(struct xctl_jw *w) { GEN(w, yajl_gen_map_open(w->g)); }
void xctl_jw_obj_close(struct xctl_jw *w) { GEN(w, yajl_gen_map_close(w->g)); }
void xctl_jw_arr_open(struct xctl_jw *w) { GEN(w, yajl_gen_array_open(w->g)); }
void xctl_jw_arr_close(struct xctl_jw *w) { GEN(w, yajl_gen_array_close(w->g)); }
void xctl_jw_null(struct xctl_jw *w) { GEN(w, yajl_gen_null(w->g)); }
void xctl_jw_bool(struct xctl_jw *w, bool v) { GEN(w, yajl_gen_bool(w->g, v)); }
void xctl_jw_int(struct xctl_jw *w, int64_t v) { GEN(w, yajl_gen_integer(w->g, (long long)v)); }

void xctl_jw_uint(struct xctl_jw *w, uint64_t v)
{
	char num[32];
	int n = snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	GEN(w, yajl_gen_number(w->g, num, (size_t)n));
}

void xctl_jw_double(struct xctl_jw *w, double v)
{
	GEN(w, yajl_gen_double(w->g, v));
}

void xctl_jw_str(struct xctl_jw *w, const char *s)
{
	if (!s) {
		xctl_jw_null(w);
		return;
	}
	GEN(w, yajl_gen_string(w->g, (const unsigned char *)s, strlen(s)));
}

void xctl_jw_key(struct xctl_jw *w, const char *key) { xctl_jw_str(w, key); }

void xctl_jw_kstr(struct xctl_jw *w, const char *key, const char *s)
{
	xctl_jw_key(w, key);
	xctl_jw_str(w, s);
}

void xctl_jw_kint(struct xctl_jw *w, const char *key, int64_t v)
{
	xctl_jw_key(w, key);
	xctl_jw_int(w, v);
}

void xctl_jw_kuint(struct xctl_jw *w, const char *key, uint64_t v)
{
	xctl_jw_key(w, key);
	xctl_jw_uint(w, v);
}

void xctl_jw_kbool(struct xctl_jw *w, const char *key, bool v)
{
	xctl_jw_key(w, key);
	xctl_jw_bool(w, v);
}

int xctl_jw_finish(struct xctl_jw *w, const char **text, size_t *len)
{
	if (w->rc)
		return w->rc;
	const unsigned char *buf;
	size_t l;
	if (yajl_gen_get_buf(w->g, &buf, &l) != yajl_gen_status_ok)
		return XCTL_ERR_INTERNAL;
	*text = (const char *)buf;
	if (len)
		*len = l;
	return 0;
}

void xctl_jv_free(struct xctl_jv *v)
{
	if (!v)
		return;
	switch (v->type) {
	case XCTL_JSTRING:
		free(v->u.s);
		break;
	case XCTL_JARRAY:
		for (size_t i = 0; i < v->u.arr.n; i++)
			xctl_jv_free(v->u.arr.v[i]);
		free(v->u.arr.v);
		break;
	case XCTL_JOBJECT:
		for (size_t i = 0; i < v->u.obj.n; i++) {
			free(v->u.obj.keys[i]);
			xctl_jv_free(v->u.obj.v[i]);
		}
		free(v->u.obj.keys);
		free(v->u.obj.v);
		break;
	default:
		break;
	}
	free(v);
}

/* yajl_tree numbers keep their text; classify it ourselves so that
 * integers above INT64_MAX survive (yajl would only give a double). */
static int convert_number(yajl_val y, struct xctl_jv *v)
{
	const char *t = YAJL_GET_NUMBER(y);
	if (YAJL_IS_INTEGER(y)) {
		v->type = XCTL_JINT;
		v->u.i = YAJL_GET_INTEGER(y);
		return 0;
	}
	if (t && t[0] != '-' && !strpbrk(t, ".eE")) {
		char *end;
		unsigned long long u = strtoull(t, &end, 10);
		if (!*end) {
			v->type = XCTL_JUINT;
			v->u.u = u;
			return 0;
		}
	}
	v->type = XCTL_JDOUBLE;
	v->u.d = YAJL_GET_DOUBLE(y);
	return 0;
}

static int convert(yajl_val y, struct xctl_jv **out)
{
	int rc = 0;
	struct xctl_jv *v = calloc(1, sizeof(*v));
	if (!v)
		return XCTL_ERR_NOMEM;
	if (YAJL_IS_NULL(y)) {
		v->type = XCTL_JNULL;
	} else if (YAJL_IS_TRUE(y) || YAJL_IS_FALSE(y)) {
		v->type = XCTL_JBOOL;
		v->u.b = YAJL_IS_TRUE(y);
	} else if (YAJL_IS_NUMBER(y)) {
		rc = convert_number(y, v);
	} else if (YAJL_IS_STRING(y)) {
		v->type = XCTL_JSTRING;
		const char *str = y->u.string;
		v->u.s = strdup(str ? str : "");
		if (!v->u.s)
			rc = XCTL_ERR_NOMEM;
	} else if (YAJL_IS_ARRAY(y)) {
		size_t n = y->u.array.len;
		v->type = XCTL_JARRAY;
		v->u.arr.v = calloc(n ? n : 1, sizeof(*v->u.arr.v));
		if (!v->u.arr.v) {
			rc = XCTL_ERR_NOMEM;
			goto out;
		}
		for (size_t i = 0; i < n && !rc; i++) {
			rc = convert(y->u.array.values[i], &v->u.arr.v[i]);
			if (!rc)
				v->u.arr.n++;
		}
	} else if (YAJL_IS_OBJECT(y)) {
		size_t n = y->u.object.len;
		v->type = XCTL_JOBJECT;
		v->u.obj.v = calloc(n ? n : 1, sizeof(*v->u.obj.v));
		v->u.obj.keys = calloc(n ? n : 1, sizeof(*v->u.obj.keys));
		if (!v->u.obj.v || !v->u.obj.keys) {
			rc = XCTL_ERR_NOMEM;
			goto out;
		}
		for (size_t i = 0; i < n && !rc; i++) {
			char *k = strdup(y->u.object.keys[i]);
			if (!k) {
				rc = XCTL_ERR_NOMEM;
				break;
			}
			rc = convert(y->u.object.values[i], &v->u.obj.v[i]);
			if (rc) {
				free(k);
				break;
			}
			v->u.obj.keys[i] = k;
			v->u.obj.n++;
		}
	} else {
		rc = XCTL_ERR_INTERNAL;
	}
out:
	if (rc) {
		xctl_jv_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

int xctl_json_parse(const char *text, size_t len, struct xctl_jv **out, char *err, size_t errlen)
{
	int rc;
	char *copy = malloc(len + 1);
	if (!copy)
		return XCTL_ERR_NOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	char ebuf[256] = "";
	yajl_val y = yajl_tree_parse(copy, ebuf, sizeof(ebuf));
	free(copy);
	if (!y) {
		if (err && errlen) {
			/* yajl's message spans lines; keep the first one */
			ebuf[strcspn(ebuf, "\n")] = '\0';
			snprintf(err, errlen, "%s", ebuf[0] ? ebuf : "invalid JSON");
		}
		return XCTL_ERR_PARSE;
	}
	rc = convert(y, out);
	yajl_tree_free(y);
	return rc;
}

const struct xctl_jv *xctl_jv_get(const struct xctl_jv *obj, const char *key)
{
	if (!obj || obj->type != XCTL_JOBJECT)
		return NULL;
	for (size_t i = 0; i < obj->u.obj.n; i++)
		if (!strcmp(obj->u.obj.keys[i], key))
			return obj->u.obj.v[i];
	return NULL;
}
