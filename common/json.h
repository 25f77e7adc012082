/* SPDX-License-Identifier: LGPL-2.1-only */
/* JSON behind one small interface. yajl does the work today; nothing outside
 * common/json.c includes a yajl header, so moving to another library touches
 * this one file.
 *
 * Writing: a streaming generator. Errors are sticky: after the first failure
 * every call does nothing, and xctl_jw_finish() reports it.
 * Reading: a whole document into an owned tree of struct xctl_jv. */
#ifndef XCTL_JSON_H
#define XCTL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xctl_jw;

struct xctl_jw *xctl_jw_new(bool pretty);
void xctl_jw_free(struct xctl_jw *w);
void xctl_jw_obj_open(struct xctl_jw *w);
void xctl_jw_obj_close(struct xctl_jw *w);
void xctl_jw_arr_open(struct xctl_jw *w);
void xctl_jw_arr_close(struct xctl_jw *w);
void xctl_jw_key(struct xctl_jw *w, const char *key);
void xctl_jw_str(struct xctl_jw *w, const char *s);   /* NULL writes null */
void xctl_jw_int(struct xctl_jw *w, int64_t v);
void xctl_jw_uint(struct xctl_jw *w, uint64_t v);
void xctl_jw_double(struct xctl_jw *w, double v);
void xctl_jw_bool(struct xctl_jw *w, bool v);
void xctl_jw_null(struct xctl_jw *w);
/* key + value shorthands */
void xctl_jw_kstr(struct xctl_jw *w, const char *key, const char *s);
void xctl_jw_kint(struct xctl_jw *w, const char *key, int64_t v);
void xctl_jw_kuint(struct xctl_jw *w, const char *key, uint64_t v);
void xctl_jw_kbool(struct xctl_jw *w, const char *key, bool v);
/* The document so far (valid until the next call on w), or an error code. */
int xctl_jw_finish(struct xctl_jw *w, const char **text, size_t *len);

enum xctl_jtype {
	XCTL_JNULL,
	XCTL_JBOOL,
	XCTL_JINT,    /* integer that fits int64_t */
	XCTL_JUINT,   /* integer above INT64_MAX that fits uint64_t */
	XCTL_JDOUBLE,
	XCTL_JSTRING,
	XCTL_JARRAY,
	XCTL_JOBJECT,
};

struct xctl_jv {
	enum xctl_jtype type;
	union {
		bool b;
		int64_t i;
		uint64_t u;
		double d;
		char *s;
		struct {
			struct xctl_jv **v;
			size_t n;
		} arr;
		struct {
			char **keys;
			struct xctl_jv **v;
			size_t n;
		} obj;
	} u;
};

/* Parse text (len bytes, need not be NUL-terminated). On a syntax error
 * returns XCTL_ERR_PARSE and puts a message in err. */
int xctl_json_parse(const char *text, size_t len, struct xctl_jv **out, char *err, size_t errlen);
void xctl_jv_free(struct xctl_jv *v);
/* Member of an object, or NULL. */
const struct xctl_jv *xctl_jv_get(const struct xctl_jv *obj, const char *key);

#endif
