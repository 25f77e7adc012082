/* SPDX-License-Identifier: LGPL-2.1-only */
/* The domain model: life cycle, names, origins and comparison. */
#include "toolstack/config/model.h"
#include "toolstack/config/keys.h"
#include "common/err.h"
#include "common/json.h"

#include <stdlib.h>
#include <string.h>

void xctl_model_init(struct xctl_domain_config *m)
{
	memset(m, 0, sizeof(*m));
	m->type = XCTL_GUEST_PV;
}

int xctl_strlist_push(struct xctl_strlist *l, const char *s)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return XCTL_ERR_NOMEM;
	l->v = v;
	v[l->n] = strdup(s);
	if (!v[l->n])
		return XCTL_ERR_NOMEM;
	l->n++;
	return 0;
}

void xctl_strlist_free(struct xctl_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void xctl_model_dispose(struct xctl_domain_config *m)
{
	for (int k = 0; k < XCTL_K__COUNT; k++) {
		switch (xctl_keys[k].type) {
		case XCTL_KT_STRING:
			free(*XCTL_FIELD(m, k, char *));
			break;
		case XCTL_KT_STRLIST:
			xctl_strlist_free(XCTL_FIELD(m, k, struct xctl_strlist));
			break;
		case XCTL_KT_CPUS:
			xctl_strlist_free(&XCTL_FIELD(m, k, struct xctl_cpus)->masks);
			break;
		default:
			break;
		}
	}
	for (size_t i = 0; i < m->ndisks; i++)
		xctl_disk_dispose(&m->disks[i]);
	free(m->disks);
	for (size_t i = 0; i < m->nvifs; i++)
		xctl_vif_dispose(&m->vifs[i]);
	free(m->vifs);
	for (size_t i = 0; i < m->nfiles; i++)
		free(m->files[i]);
	free(m->files);
	xctl_model_init(m);
}

const char *xctl_guest_type_name(enum xctl_guest_type t)
{
	switch (t) {
	case XCTL_GUEST_PV:
		return "pv";
	case XCTL_GUEST_PVH:
		return "pvh";
	case XCTL_GUEST_HVM:
		return "hvm";
	}
	return "?";
}

int xctl_guest_type_parse(const char *s)
{
	if (!strcmp(s, "pv"))
		return XCTL_GUEST_PV;
	if (!strcmp(s, "pvh"))
		return XCTL_GUEST_PVH;
	if (!strcmp(s, "hvm"))
		return XCTL_GUEST_HVM;
	return -1;
}

const char *xctl_action_name(int a)
{
	if (a < 0 || a > XCTL_ACTION_SOFT_RESET)
		return "?";
	return xctl_action_names[a];
}

bool xctl_model_isset(const struct xctl_domain_config *m, enum xctl_key_id k)
{
	return m->origin[k].src != XCTL_SRC_UNSET;
}

int xctl_model_set_origin(struct xctl_domain_config *m, enum xctl_key_id k, enum xctl_src src, const char *file,
			  unsigned line)
{
	const char *f = NULL;
	if (file) {
		for (size_t i = 0; i < m->nfiles && !f; i++)
			if (!strcmp(m->files[i], file))
				f = m->files[i];
		if (!f) {
			char **v = realloc(m->files, (m->nfiles + 1) * sizeof(*v));
			if (!v)
				return XCTL_ERR_NOMEM;
			m->files = v;
			v[m->nfiles] = strdup(file);
			if (!v[m->nfiles])
				return XCTL_ERR_NOMEM;
			f = v[m->nfiles++];
		}
	}
	m->origin[k].src = src;
	m->origin[k].file = f;
	m->origin[k].line = line;
	return 0;
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool strlist_eq(const struct xctl_strlist *a, const struct xctl_strlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

/* Devices are compared through their JSON form, which holds every field. */
static bool dev_json_eq(const void *a, const void *b, bool disk)
{
	struct xctl_jw *wa = xctl_jw_new(false), *wb = xctl_jw_new(false);
	bool eq = false;
	const char *ta, *tb;
	size_t la, lb;
	if (!wa || !wb)
		goto out;
	if (disk) {
		xctl_disk_to_json(wa, a);
		xctl_disk_to_json(wb, b);
	} else {
		xctl_vif_to_json(wa, a);
		xctl_vif_to_json(wb, b);
	}
	if (xctl_jw_finish(wa, &ta, &la) || xctl_jw_finish(wb, &tb, &lb))
		goto out;
	eq = la == lb && !memcmp(ta, tb, la);
out:
	xctl_jw_free(wa);
	xctl_jw_free(wb);
	return eq;
}

bool xctl_model_equal(const struct xctl_domain_config *a, const struct xctl_domain_config *b)
{
	for (int k = 0; k < XCTL_K__COUNT; k++) {
		bool sa = xctl_model_isset(a, k), sb = xctl_model_isset(b, k);
		if (sa != sb)
			return false;
		if (!sa)
			continue;
		switch (xctl_keys[k].type) {
		case XCTL_KT_STRING:
			if (!str_eq(*XCTL_CFIELD(a, k, char *), *XCTL_CFIELD(b, k, char *)))
				return false;
			break;
		case XCTL_KT_INT:
			if (*XCTL_CFIELD(a, k, int64_t) != *XCTL_CFIELD(b, k, int64_t))
				return false;
			break;
		case XCTL_KT_BOOL:
			if (*XCTL_CFIELD(a, k, bool) != *XCTL_CFIELD(b, k, bool))
				return false;
			break;
		case XCTL_KT_ENUM:
			if (*XCTL_CFIELD(a, k, int) != *XCTL_CFIELD(b, k, int))
				return false;
			break;
		case XCTL_KT_STRLIST:
			if (!strlist_eq(XCTL_CFIELD(a, k, struct xctl_strlist), XCTL_CFIELD(b, k, struct xctl_strlist)))
				return false;
			break;
		case XCTL_KT_CPUS: {
			const struct xctl_cpus *ca = XCTL_CFIELD(a, k, struct xctl_cpus);
			const struct xctl_cpus *cb = XCTL_CFIELD(b, k, struct xctl_cpus);
			if (ca->per_vcpu != cb->per_vcpu || !strlist_eq(&ca->masks, &cb->masks))
				return false;
			break;
		}
		case XCTL_KT_DISKS:
			if (a->ndisks != b->ndisks)
				return false;
			for (size_t i = 0; i < a->ndisks; i++)
				if (!dev_json_eq(&a->disks[i], &b->disks[i], true))
					return false;
			break;
		case XCTL_KT_VIFS:
			if (a->nvifs != b->nvifs)
				return false;
			for (size_t i = 0; i < a->nvifs; i++)
				if (!dev_json_eq(&a->vifs[i], &b->vifs[i], false))
					return false;
			break;
		}
	}
	return true;
}
