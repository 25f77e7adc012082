/* SPDX-License-Identifier: LGPL-2.1-only */
/* The domain model as JSON and back, driven by the key table: every
 * supported key is a member named as in xl.cfg, null when unset. Disks and
 * vifs use their own JSON form (diskspec.h, vifspec.h). */
#include "toolstack/config/keys.h"
#include "toolstack/config/model.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"

#include <stdlib.h>
#include <string.h>

#define JSON_SOURCE "<json>"

static void strlist_to_json(struct xctl_jw *w, const struct xctl_strlist *l)
{
	xctl_jw_arr_open(w);
	for (size_t i = 0; i < l->n; i++)
		xctl_jw_str(w, l->v[i]);
	xctl_jw_arr_close(w);
}

void xctl_model_to_json(struct xctl_jw *w, const struct xctl_domain_config *m)
{
	xctl_jw_obj_open(w);
	xctl_jw_key(w, "format");
	xctl_jw_str(w, XCTL_MODEL_FORMAT);
	for (int id = 0; id < XCTL_K__COUNT; id++) {
		const struct xctl_key *k = &xctl_keys[id];
		xctl_jw_key(w, k->name);
		if (!xctl_model_isset(m, id)) {
			xctl_jw_null(w);
			continue;
		}
		switch (k->type) {
		case XCTL_KT_STRING:
			xctl_jw_str(w, *XCTL_CFIELD(m, id, char *));
			break;
		case XCTL_KT_INT:
			xctl_jw_int(w, *XCTL_CFIELD(m, id, int64_t));
			break;
		case XCTL_KT_BOOL:
			xctl_jw_bool(w, *XCTL_CFIELD(m, id, bool));
			break;
		case XCTL_KT_ENUM:
			xctl_jw_str(w, k->values[*XCTL_CFIELD(m, id, int)]);
			break;
		case XCTL_KT_STRLIST:
			strlist_to_json(w, XCTL_CFIELD(m, id, struct xctl_strlist));
			break;
		case XCTL_KT_CPUS: {
			const struct xctl_cpus *cp = XCTL_CFIELD(m, id, struct xctl_cpus);
			if (cp->per_vcpu)
				strlist_to_json(w, &cp->masks);
			else
				xctl_jw_str(w, cp->masks.n ? cp->masks.v[0] : "");
			break;
		}
		case XCTL_KT_DISKS:
			xctl_jw_arr_open(w);
			for (size_t i = 0; i < m->ndisks; i++)
				xctl_disk_to_json(w, &m->disks[i]);
			xctl_jw_arr_close(w);
			break;
		case XCTL_KT_VIFS:
			xctl_jw_arr_open(w);
			for (size_t i = 0; i < m->nvifs; i++)
				xctl_vif_to_json(w, &m->vifs[i]);
			xctl_jw_arr_close(w);
			break;
		}
	}
	xctl_jw_obj_close(w);
}

int xctl_model_to_json_string(const struct xctl_domain_config *m, bool pretty, char **out)
{
	struct xctl_jw *w = xctl_jw_new(pretty);
	const char *text;
	size_t len;
	int rc;
	if (!w)
		return XCTL_ERR_NOMEM;
	xctl_model_to_json(w, m);
	rc = xctl_jw_finish(w, &text, &len);
	if (!rc) {
		*out = strndup(text, len);
		if (!*out)
			rc = XCTL_ERR_NOMEM;
	}
	xctl_jw_free(w);
	return rc;
}

static int bad(struct xctl_diags *d, const char *key, const char *what)
{
	xctl_diag_add(d, XCTL_DIAG_ERROR, JSON_SOURCE, 0, key, "%s", what);
	return XCTL_ERR_CONFIG;
}

static int strlist_from_json(const struct xctl_jv *v, struct xctl_strlist *l, const char *key, struct xctl_diags *d)
{
	if (v->type != XCTL_JARRAY)
		return bad(d, key, "expected an array of strings");
	for (size_t i = 0; i < v->u.arr.n; i++) {
		if (v->u.arr.v[i]->type != XCTL_JSTRING)
			return bad(d, key, "expected an array of strings");
		if (xctl_strlist_push(l, v->u.arr.v[i]->u.s))
			return XCTL_ERR_NOMEM;
	}
	return 0;
}

static int key_from_json(const struct xctl_jv *v, struct xctl_domain_config *m, int id, struct xctl_diags *d)
{
	const struct xctl_key *k = &xctl_keys[id];
	int rc = 0;
	switch (k->type) {
	case XCTL_KT_STRING:
		if (v->type != XCTL_JSTRING)
			return bad(d, k->name, "expected a string or null");
		if (!(*XCTL_FIELD(m, id, char *) = strdup(v->u.s)))
			return XCTL_ERR_NOMEM;
		return 0;
	case XCTL_KT_INT:
		if (v->type != XCTL_JINT || v->u.i < k->min || v->u.i > k->max)
			return bad(d, k->name, "expected an integer in range or null");
		*XCTL_FIELD(m, id, int64_t) = v->u.i;
		return 0;
	case XCTL_KT_BOOL:
		if (v->type != XCTL_JBOOL)
			return bad(d, k->name, "expected true, false or null");
		*XCTL_FIELD(m, id, bool) = v->u.b;
		return 0;
	case XCTL_KT_ENUM:
		if (v->type == XCTL_JSTRING)
			for (int i = 0; k->values[i]; i++)
				if (!strcmp(k->values[i], v->u.s)) {
					*XCTL_FIELD(m, id, int) = i;
					return 0;
				}
		return bad(d, k->name, "expected one of the key's names or null");
	case XCTL_KT_STRLIST:
		return strlist_from_json(v, XCTL_FIELD(m, id, struct xctl_strlist), k->name, d);
	case XCTL_KT_CPUS: {
		struct xctl_cpus *cp = XCTL_FIELD(m, id, struct xctl_cpus);
		if (v->type == XCTL_JSTRING) {
			cp->per_vcpu = false;
			return xctl_strlist_push(&cp->masks, v->u.s);
		}
		cp->per_vcpu = true;
		return strlist_from_json(v, &cp->masks, k->name, d);
	}
	case XCTL_KT_DISKS:
		if (v->type != XCTL_JARRAY)
			return bad(d, k->name, "expected an array of disks");
		m->disks = calloc(v->u.arr.n ? v->u.arr.n : 1, sizeof(*m->disks));
		if (!m->disks)
			return XCTL_ERR_NOMEM;
		for (size_t i = 0; i < v->u.arr.n && !rc; i++) {
			rc = xctl_disk_from_json(v->u.arr.v[i], &m->disks[i], d);
			if (!rc)
				m->ndisks++;
		}
		return rc;
	case XCTL_KT_VIFS:
		if (v->type != XCTL_JARRAY)
			return bad(d, k->name, "expected an array of vifs");
		m->vifs = calloc(v->u.arr.n ? v->u.arr.n : 1, sizeof(*m->vifs));
		if (!m->vifs)
			return XCTL_ERR_NOMEM;
		for (size_t i = 0; i < v->u.arr.n && !rc; i++) {
			rc = xctl_vif_from_json(v->u.arr.v[i], &m->vifs[i], d);
			if (!rc)
				m->nvifs++;
		}
		return rc;
	}
	return XCTL_ERR_INTERNAL;
}

int xctl_model_from_json(const struct xctl_jv *v, struct xctl_domain_config *m, struct xctl_diags *d)
{
	int rc = 0;
	xctl_model_init(m);
	if (v->type != XCTL_JOBJECT)
		return bad(d, NULL, "expected an object with the domain's keys");
	const struct xctl_jv *fmt = xctl_jv_get(v, "format");
	if (!fmt || fmt->type != XCTL_JSTRING || strcmp(fmt->u.s, XCTL_MODEL_FORMAT))
		return bad(d, "format", "missing or not \"" XCTL_MODEL_FORMAT "\": not a domain written by this "
					"version of xctl");
	for (size_t i = 0; i < v->u.obj.n && !rc; i++)
		if (strcmp(v->u.obj.keys[i], "format") && !xctl_key_find(v->u.obj.keys[i], NULL))
			rc = bad(d, v->u.obj.keys[i], "unknown key in the domain's JSON");
	for (int id = 0; id < XCTL_K__COUNT && !rc; id++) {
		const struct xctl_jv *kv = xctl_jv_get(v, xctl_keys[id].name);
		if (!kv || kv->type == XCTL_JNULL)
			continue;
		rc = key_from_json(kv, m, id, d);
		if (!rc)
			rc = xctl_model_set_origin(m, id, XCTL_SRC_CONFIG, JSON_SOURCE, 0);
	}
	if (rc)
		xctl_model_dispose(m);
	return rc;
}

int xctl_model_from_json_string(const char *text, size_t len, struct xctl_domain_config *m, struct xctl_diags *d)
{
	struct xctl_jv *v = NULL;
	char err[256];
	int rc = xctl_json_parse(text, len, &v, err, sizeof(err));
	if (rc) {
		xctl_model_init(m);
		xctl_diag_add(d, XCTL_DIAG_ERROR, JSON_SOURCE, 0, NULL, "not valid JSON: %s", err);
		return XCTL_ERR_CONFIG;
	}
	rc = xctl_model_from_json(v, m, d);
	xctl_jv_free(v);
	return rc;
}
