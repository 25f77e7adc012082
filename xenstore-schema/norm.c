/* SPDX-License-Identifier: LGPL-2.1-only */
/* Normalising a parsed xenstore dump: per-run values replaced by tokens
 * (see norm.h for the rules), the nodes sorted by their normalised path. */
#include "xenstore-schema/norm.h"
#include "xenstore-schema/internal.h"
#include "xenstore-schema/xs_paths.h"
#include "common/err.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

/* Nodes whose value changes from run to run though their type does not say
 * so: the token that replaces a non-empty value. */
static const struct {
	const char *tpl, *token;
} per_run[] = {
	{ XS_TPL_DOMAIN_IMAGE_DEVICE_MODEL_PID, "$PID" },
	{ XS_TPL_CONSOLE_FE_TTY, "$TTY" },
	{ XS_TPL_CONSOLE_BE_TTY, "$TTY" },
	{ XS_TPL_CONSOLE_FE_VNC_PORT, "$PORT" },
};

/* The token of a non-empty value of each type; NULL: kept. */
static const char *type_token(enum xctl_schema_type t)
{
	switch (t) {
	case XCTL_SCHEMA_T_EVTCHN: return "$PORT";
	case XCTL_SCHEMA_T_GREF: return "$GREF";
	case XCTL_SCHEMA_T_FRAME: return "$FRAME";
	case XCTL_SCHEMA_T_TIMESTAMP: return "$TIME";
	default: return NULL;
	}
}

struct ctx {
	const struct xctl_xsdump *d;
	const struct xctl_xsnorm_opts *o;
	unsigned long *dom;
	size_t ndom, capdom;
	char (*uuid)[37];
	size_t nuuid, capuuid;
	char (*mac)[18];
	size_t nmac, capmac;
};

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *nv = realloc(*v, ncap * size);
	if (!nv)
		return XCTL_ERR_NOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

static int add_dom(struct ctx *c, unsigned long id)
{
	if (!id)
		return 0;
	for (size_t i = 0; i < c->ndom; i++)
		if (c->dom[i] == id)
			return 0;
	int rc = grow((void **)&c->dom, &c->capdom, c->ndom, sizeof(*c->dom));
	if (rc)
		return rc;
	c->dom[c->ndom++] = id;
	return 0;
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
	return x < y ? -1 : x > y;
}

/* 1-based index of a mapped domain id, or 0. */
static size_t dom_index(const struct ctx *c, unsigned long id)
{
	if (!c->ndom)
		return 0;
	const unsigned long *p = bsearch(&id, c->dom, c->ndom, sizeof(*c->dom), cmp_ulong);
	return p ? (size_t)(p - c->dom) + 1 : 0;
}

/* 1-based index of a UUID (len 36), added when add is set; 0 if absent. */
static size_t uuid_index(struct ctx *c, const char *u, bool add, int *rc)
{
	for (size_t i = 0; i < c->nuuid; i++)
		if (!strncasecmp(c->uuid[i], u, 36))
			return i + 1;
	if (!add)
		return 0;
	*rc = grow((void **)&c->uuid, &c->capuuid, c->nuuid, sizeof(*c->uuid));
	if (*rc)
		return 0;
	memcpy(c->uuid[c->nuuid], u, 36);
	c->uuid[c->nuuid][36] = '\0';
	return ++c->nuuid;
}

static size_t mac_index(struct ctx *c, const char *m, int *rc)
{
	for (size_t i = 0; i < c->nmac; i++)
		if (!strcasecmp(c->mac[i], m))
			return i + 1;
	*rc = grow((void **)&c->mac, &c->capmac, c->nmac, sizeof(*c->mac));
	if (*rc)
		return 0;
	snprintf(c->mac[c->nmac], sizeof(c->mac[0]), "%s", m);
	return ++c->nmac;
}

/* The schema node matching path, or the one matching its longest prefix
 * (a path below an any-below node); *plen is the length matched. */
static int match_prefix(const char *path, struct xctl_schema_binding *b, size_t *plen)
{
	char buf[XCTL_XSDUMP_MAX_PATH + 1];
	size_t l = strlen(path);
	if (l > XCTL_XSDUMP_MAX_PATH || path[0] != '/')
		return -1;
	memcpy(buf, path, l + 1);
	for (;;) {
		int idx = xctl_schema_match(buf, b);
		if (idx >= 0) {
			*plen = l;
			return idx;
		}
		char *sl = strrchr(buf, '/');
		if (!sl || sl == buf)
			return -1;
		*sl = '\0';
		l = (size_t)(sl - buf);
	}
}

static bool is_uuid(const char *s, size_t len)
{
	return len == 36 && xctl_schema_is_uuid(s, len);
}

/* A placeholder's value [val, val + vl) in a path, as its token, into out. */
static int var_token(struct ctx *c, int var, const char *val, size_t vl, struct xctl_buf *out)
{
	int rc = 0;
	if (var == XCTL_SCHEMA_V_DOMID || var == XCTL_SCHEMA_V_BACKEND) {
		unsigned long long n;
		size_t k;
		if (xctl_schema_canon_dec(val, vl, 0, 65535, &n) && (k = dom_index(c, (unsigned long)n)))
			return xctl_buf_printf(out, "$D%zu", k);
	} else if (var == XCTL_SCHEMA_V_UUID && is_uuid(val, vl)) {
		size_t k = uuid_index(c, val, true, &rc);
		if (rc)
			return rc;
		return xctl_buf_printf(out, "$U%zu", k);
	}
	return xctl_buf_add(out, val, vl);
}

/* Normalise an absolute path into out (appended). */
static int norm_path(struct ctx *c, const char *path, struct xctl_buf *out)
{
	struct xctl_schema_binding b;
	size_t plen = 0;
	int idx = match_prefix(path, &b, &plen);
	if (idx < 0)
		return xctl_buf_adds(out, path);
	const char *t = xctl_schema_nodes[idx].tpl, *p = path, *pend = path + plen;
	int rc = 0;
	if (!strcmp(t, "/"))
		t++;
	while (!rc && p < pend && *t) {
		/* both at a '/' */
		t++, p++;
		size_t tl = strcspn(t, "/"), pl = strcspn(p, "/");
		rc = xctl_buf_add(out, "/", 1);
		const char *dollar = memchr(t, '$', tl);
		if (rc) {
			break;
		} else if (!dollar) {
			rc = xctl_buf_add(out, p, pl);
		} else {
			size_t pre = (size_t)(dollar - t), nl = 0;
			while (dollar + 1 + nl < t + tl && dollar[1 + nl] >= 'A' && dollar[1 + nl] <= 'Z')
				nl++;
			int var = xctl_schema_name_find(xctl_schema_var_names, XCTL_SCHEMA_V_COUNT, dollar + 1, nl);
			size_t suf = tl - pre - 1 - nl;
			rc = xctl_buf_add(out, p, pre);
			if (!rc)
				rc = var_token(c, var, p + pre, pl - pre - suf, out);
			if (!rc)
				rc = xctl_buf_add(out, p + pl - suf, suf);
		}
		t += tl, p += pl;
	}
	if (!rc)
		rc = xctl_buf_adds(out, pend);
	return rc;
}

/* A node whose value is a domain id: of that type, or one that must equal
 * a domain placeholder (/local/domain/$DOMID/domid is an int). */
static bool is_domid_node(const struct xctl_schema_node *s)
{
	return s->type == XCTL_SCHEMA_T_DOMID ||
	       (s->equals && (!strcmp(s->equals, "DOMID") || !strcmp(s->equals, "BACKEND")));
}

/* Every domain id the dump names: in paths, permissions and domid values. */
static int collect_doms(struct ctx *c)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < c->d->n; i++) {
		const struct xctl_xsnode *n = &c->d->v[i];
		struct xctl_schema_binding b;
		size_t plen;
		int idx = match_prefix(n->path, &b, &plen);
		if (idx >= 0 && b.set[XCTL_SCHEMA_V_DOMID])
			rc = add_dom(c, (unsigned long)b.num[XCTL_SCHEMA_V_DOMID]);
		if (!rc && idx >= 0 && b.set[XCTL_SCHEMA_V_BACKEND])
			rc = add_dom(c, (unsigned long)b.num[XCTL_SCHEMA_V_BACKEND]);
		for (unsigned k = 0; !rc && k < n->nperms; k++)
			rc = add_dom(c, n->perms[k].domid);
		unsigned long long v;
		if (!rc && idx >= 0 && plen == strlen(n->path) && is_domid_node(&xctl_schema_nodes[idx]) &&
		    n->value_known && xctl_schema_canon_dec(n->value, n->vlen, 0, 32751, &v))
			rc = add_dom(c, (unsigned long)v);
	}
	if (!rc && c->ndom) /* a tree without guests has no array to sort */
		qsort(c->dom, c->ndom, sizeof(*c->dom), cmp_ulong);
	return rc;
}

/* UUIDs numbered in the order of the domains whose vm node names them. */
static int number_uuids(struct ctx *c)
{
	int rc = 0;
	for (size_t k = 0; !rc && k <= c->ndom; k++) {
		char path[64];
		snprintf(path, sizeof(path), XS_FMT_DOMAIN_VM, k ? (unsigned)c->dom[k - 1] : 0u);
		const struct xctl_xsnode *n = xctl_xsdump_find(c->d, path);
		const char *sl = n && n->value_known ? strrchr(n->value, '/') : NULL;
		if (sl && is_uuid(sl + 1, strlen(sl + 1)))
			uuid_index(c, sl + 1, true, &rc);
	}
	return rc;
}

static int cmp_path_idx(const void *a, const void *b, void *arg)
{
	const struct xctl_xsdump *d = arg;
	return strcmp(d->v[*(const size_t *)a].path, d->v[*(const size_t *)b].path);
}

static int cmp_norm_node(const void *a, const void *b)
{
	return strcmp(((const struct xctl_xsnorm_node *)a)->path, ((const struct xctl_xsnorm_node *)b)->path);
}

/* The value after the substitutions of the options, into out. */
static int subst_value(const struct ctx *c, const char *v, size_t vlen, struct xctl_buf *out)
{
	int rc = xctl_buf_add(out, v, vlen);
	for (size_t s = 0; !rc && c->o && s < c->o->nsubst; s++) {
		const char *from = c->o->subst[s].from, *to = c->o->subst[s].to;
		size_t fl = strlen(from);
		if (!fl || !strstr(out->p, from))
			continue;
		struct xctl_buf nb = { 0 };
		const char *p = out->p, *hit;
		while (!rc && (hit = strstr(p, from))) {
			rc = xctl_buf_add(&nb, p, (size_t)(hit - p));
			if (!rc)
				rc = xctl_buf_adds(&nb, to);
			p = hit + fl;
		}
		if (!rc)
			rc = xctl_buf_add(&nb, p, out->len - (size_t)(p - out->p));
		xctl_buf_free(out);
		*out = nb;
	}
	return rc;
}

static int norm_value(struct ctx *c, const struct xctl_xsnode *n, struct xctl_xsnorm_node *o)
{
	struct xctl_buf raw = { 0 }, v = { 0 };
	int rc = subst_value(c, n->value, n->vlen, &raw);
	if (rc)
		goto out;
	struct xctl_schema_binding b;
	size_t plen = 0;
	int idx = match_prefix(n->path, &b, &plen);
	bool exact = idx >= 0 && plen == strlen(n->path);
	const struct xctl_schema_node *s = exact ? &xctl_schema_nodes[idx] : NULL;
	const char *tok = NULL;
	for (size_t k = 0; s && k < XCTL_ARRAY_SIZE(per_run); k++)
		if (!strcmp(s->tpl, per_run[k].tpl))
			tok = per_run[k].token;
	if (!tok && s)
		tok = type_token(s->type);
	unsigned long long num;
	if (!raw.len) {
		rc = xctl_buf_add(&v, "", 0);
	} else if (tok) {
		rc = xctl_buf_adds(&v, tok);
	} else if (s && is_domid_node(s) && xctl_schema_canon_dec(raw.p, raw.len, 1, 65535, &num) &&
		   dom_index(c, (unsigned long)num)) {
		rc = xctl_buf_printf(&v, "$D%zu", dom_index(c, (unsigned long)num));
	} else if (s && s->type == XCTL_SCHEMA_T_UUID && is_uuid(raw.p, raw.len)) {
		size_t k = uuid_index(c, raw.p, true, &rc);
		if (!rc)
			rc = xctl_buf_printf(&v, "$U%zu", k);
	} else if (s && s->type == XCTL_SCHEMA_T_MAC && raw.len == 17) {
		size_t k = mac_index(c, raw.p, &rc);
		if (!rc)
			rc = xctl_buf_printf(&v, "$M%zu", k);
	} else if (raw.p[0] == '/' && raw.len == strlen(raw.p) && xctl_schema_path_ok(raw.p, raw.len)) {
		/* a path or link, or a value below an any-below node that is one:
		 * normalised as a path (one the schema does not know is kept) */
		rc = norm_path(c, raw.p, &v);
	} else {
		rc = xctl_buf_add(&v, raw.p, raw.len);
	}
	if (rc)
		goto out;
	o->vlen = v.len;
	o->value = xctl_buf_steal(&v);
	rc = o->value ? 0 : XCTL_ERR_NOMEM;
out:
	xctl_buf_free(&raw);
	xctl_buf_free(&v);
	return rc;
}

static int norm_perms(const struct ctx *c, const struct xctl_xsnode *n, struct xctl_xsnorm_node *o)
{
	if (!n->perms_known)
		return 0;
	struct xctl_buf p = { 0 };
	int rc = xctl_buf_add(&p, "", 0);
	for (unsigned k = 0; !rc && k < n->nperms; k++) {
		size_t di = dom_index(c, n->perms[k].domid);
		if (di)
			rc = xctl_buf_printf(&p, "%s%c$D%zu", k ? "," : "", n->perms[k].kind, di);
		else
			rc = xctl_buf_printf(&p, "%s%c%u", k ? "," : "", n->perms[k].kind, n->perms[k].domid);
	}
	if (!rc && !(o->perms = xctl_buf_steal(&p)))
		rc = XCTL_ERR_NOMEM;
	xctl_buf_free(&p);
	return rc;
}

int xctl_xsnorm_build(const struct xctl_xsdump *d, const struct xctl_xsnorm_opts *o, struct xctl_xsnorm **out)
{
	struct ctx c = { .d = d, .o = o };
	size_t *order = NULL;
	struct xctl_xsnorm *r = calloc(1, sizeof(*r));
	int rc = XCTL_ERR_NOMEM;
	if (!r || !(r->name = strdup(d->name)) || !(r->v = calloc(d->n ? d->n : 1, sizeof(*r->v))) ||
	    !(order = malloc((d->n ? d->n : 1) * sizeof(*order))))
		goto out;
	rc = collect_doms(&c);
	if (!rc)
		rc = number_uuids(&c);
	if (rc)
		goto out;
	/* paths in the order of the raw paths, so that a UUID no domain names
	 * gets the same number whatever order the dump lists the nodes in */
	for (size_t i = 0; i < d->n; i++)
		order[i] = i;
	qsort_r(order, d->n, sizeof(*order), cmp_path_idx, (void *)d);
	for (size_t i = 0; i < d->n; i++) {
		const struct xctl_xsnode *n = &d->v[order[i]];
		struct xctl_xsnorm_node *v = &r->v[r->n];
		struct xctl_buf p = { 0 };
		rc = norm_path(&c, n->path, &p);
		v->path = rc ? NULL : xctl_buf_steal(&p);
		xctl_buf_free(&p);
		if (!rc && !v->path)
			rc = XCTL_ERR_NOMEM;
		if (!rc)
			rc = norm_perms(&c, n, v);
		if (rc)
			goto out;
		v->line = n->line;
		v->vlen = order[i]; /* the source node, until the values are done */
		r->n++;
	}
	qsort(r->v, r->n, sizeof(*r->v), cmp_norm_node);
	/* values in the order of the normalised paths: MACs are numbered so */
	for (size_t i = 0; i < r->n; i++) {
		const struct xctl_xsnode *n = &d->v[r->v[i].vlen];
		r->v[i].vlen = 0;
		if (n->value_known && (rc = norm_value(&c, n, &r->v[i])))
			goto out;
	}
	r->ndomids = c.ndom;
	r->nuuids = c.nuuid;
	r->nmacs = c.nmac;
out:
	free(order);
	free(c.dom);
	free(c.uuid);
	free(c.mac);
	if (rc) {
		xctl_xsnorm_free(r);
		r = NULL;
	}
	*out = r;
	return rc;
}

void xctl_xsnorm_free(struct xctl_xsnorm *n)
{
	if (!n)
		return;
	for (size_t i = 0; n->v && i < n->n; i++) {
		free(n->v[i].path);
		free(n->v[i].value);
		free(n->v[i].perms);
	}
	free(n->v);
	free(n->name);
	free(n);
}

void xctl_xsnorm_line(const struct xctl_xsnorm_node *v, char *buf, size_t len)
{
	size_t o = 0;
#define PUT(...)                                                              \
	do {                                                                  \
		int w_ = o < len ? snprintf(buf + o, len - o, __VA_ARGS__) : 0; \
		o += w_ > 0 ? (size_t)w_ : 0;                                 \
	} while (0)
	if (len)
		buf[0] = '\0';
	if (!v->value) {
		PUT("%s:", v->path);
	} else {
		PUT("%s = \"", v->path);
		for (size_t i = 0; i < v->vlen; i++) {
			unsigned char ch = (unsigned char)v->value[i];
			if (ch == '\t')
				PUT("\\t");
			else if (ch == '\n')
				PUT("\\n");
			else if (ch == '\r')
				PUT("\\r");
			else if (ch == '\\')
				PUT("\\\\");
			else if (ch < 8)
				PUT("\\%03o", ch);
			else if (ch < 0x20 || ch >= 0x7f)
				PUT("\\x%02x", ch);
			else
				PUT("%c", ch);
		}
		PUT("\"");
	}
	if (v->perms)
		PUT("   (%s)", v->perms);
#undef PUT
}

void xctl_xsnorm_print(const struct xctl_xsnorm *n, FILE *out)
{
	char line[XCTL_XSDUMP_MAX_LINE + 64];
	for (size_t i = 0; i < n->n; i++) {
		xctl_xsnorm_line(&n->v[i], line, sizeof(line));
		fprintf(out, "%s\n", line);
	}
}
