/* SPDX-License-Identifier: LGPL-2.1-only */
/* Matching xenstore paths against the schema's templates, and expanding
 * templates with the placeholders' values. */
#include "xenstore-schema/check.h"
#include "xenstore-schema/internal.h"
#include "common/err.h"
#include "common/util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* The values a numeric placeholder may take, by enum xctl_schema_var. */
static const struct {
	unsigned long long min, max;
} var_range[] = {
#define X(name, min, max, doc) { min, max },
	XCTL_SCHEMA_VARS(X)
#undef X
};

/* Placeholder at t (after the '$'): its index and name length, or -1. */
static int var_at(const char *t, size_t *namelen)
{
	size_t l = 0;
	while (isupper((unsigned char)t[l]))
		l++;
	*namelen = l;
	return xctl_schema_name_find(xctl_schema_var_names, XCTL_SCHEMA_V_COUNT, t, l);
}

/* One template component [t, t+tl) against one path component [p, p+pl).
 * Returns the number of literal characters matched, or -1. */
static int comp_match(const char *t, size_t tl, const char *p, size_t pl, struct xctl_schema_binding *b)
{
	const char *dollar = memchr(t, '$', tl);
	if (!dollar)
		return tl == pl && !memcmp(t, p, pl) ? (int)tl : -1;
	size_t pre = (size_t)(dollar - t), nl;
	int v = var_at(dollar + 1, &nl);
	if (v < 0)
		return -1;
	size_t suf = tl - pre - 1 - nl;
	if (pl < pre + suf + 1 || memcmp(p, t, pre) || memcmp(p + pl - suf, dollar + 1 + nl, suf))
		return -1;
	const char *val = p + pre;
	size_t vl = pl - pre - suf;
	if (v == XCTL_SCHEMA_V_UUID) {
		if (!xctl_schema_is_uuid(val, vl) || (b->set[v] && strncmp(b->uuid, val, vl)))
			return -1;
		memcpy(b->uuid, val, vl);
		b->uuid[vl] = '\0';
	} else {
		unsigned long long n;
		if (!xctl_schema_canon_dec(val, vl, var_range[v].min, var_range[v].max, &n) ||
		    (b->set[v] && b->num[v] != n))
			return -1;
		b->num[v] = n;
	}
	b->set[v] = true;
	return (int)(pre + suf);
}

static unsigned path_depth(const char *p)
{
	unsigned n = 0;
	for (; *p; p++)
		n += *p == '/' && p[1];
	return n;
}

/* Score of a match of path against template: literal components first,
 * then literal characters; -1 when it does not match. */
static long tpl_match(const char *tpl, const char *path, struct xctl_schema_binding *b)
{
	long lit_comps = 0, lit_chars = 0;
	const char *t = tpl, *p = path;
	if (!strcmp(tpl, "/"))
		return !strcmp(path, "/") ? 0 : -1;
	while (*t && *p) {
		if (*t != '/' || *p != '/')
			return -1;
		t++, p++;
		size_t tl = strcspn(t, "/"), pl = strcspn(p, "/");
		int m = comp_match(t, tl, p, pl, b);
		if (m < 0)
			return -1;
		if (!memchr(t, '$', tl))
			lit_comps++;
		lit_chars += m;
		t += tl, p += pl;
	}
	if (*t || *p)
		return -1;
	return lit_comps * 100000 + lit_chars;
}

long xctl_schema_tpl_match(const char *tpl, const char *path, struct xctl_schema_binding *b)
{
	return tpl_match(tpl, path, b);
}

int xctl_schema_match(const char *path, struct xctl_schema_binding *b)
{
	unsigned depth = path_depth(path);
	int best = -1;
	long best_score = -1;
	struct xctl_schema_binding bb;
	for (size_t i = 0; i < xctl_schema_nnodes; i++) {
		const struct xctl_schema_node *s = &xctl_schema_nodes[i];
		if (s->depth != depth)
			continue;
		struct xctl_schema_binding tb;
		memset(&tb, 0, sizeof(tb));
		long sc = tpl_match(s->tpl, path, &tb);
		if (sc > best_score) {
			best_score = sc;
			best = (int)i;
			bb = tb;
		}
	}
	if (best >= 0 && b)
		*b = bb;
	return best;
}

int xctl_schema_find_tpl(const char *tpl)
{
	for (size_t i = 0; i < xctl_schema_nnodes; i++)
		if (!strcmp(xctl_schema_nodes[i].tpl, tpl))
			return (int)i;
	return -1;
}

int xctl_schema_find_id(const char *id)
{
	for (size_t i = 0; i < xctl_schema_nnodes; i++)
		if (!strcasecmp(xctl_schema_nodes[i].id, id))
			return (int)i;
	return -1;
}

const char *xctl_schema_suggest_child(int parent, const char *name)
{
	const char *tpl = xctl_schema_nodes[parent].tpl;
	size_t pl = strlen(tpl), nc = 0;
	const char *cands[512];
	for (size_t k = 0; k < xctl_schema_nnodes && nc < XCTL_ARRAY_SIZE(cands); k++) {
		const char *t = xctl_schema_nodes[k].tpl;
		const char *sl = strrchr(t, '/');
		if (sl && (size_t)(sl - t) == pl && !strncmp(t, tpl, pl) && !strchr(sl, '$'))
			cands[nc++] = sl + 1;
	}
	/* n == 0 would make xctl_suggest look for a NULL terminator */
	return xctl_suggest(name, cands, nc);
}

int xctl_schema_expand(const char *tpl, const struct xctl_schema_binding *b, char *buf, size_t len)
{
	size_t o = 0;
	for (const char *t = tpl; *t; t++) {
		char tmp[40];
		const char *add = tmp;
		size_t al;
		if (*t == '$') {
			size_t nl;
			int v = var_at(t + 1, &nl);
			if (v < 0 || !b || !b->set[v])
				return XCTL_ERR_INVAL;
			if (v == XCTL_SCHEMA_V_UUID)
				add = b->uuid;
			else
				snprintf(tmp, sizeof(tmp), "%llu", b->num[v]);
			al = strlen(add);
			t += nl;
		} else {
			tmp[0] = *t;
			al = 1;
		}
		if (o + al >= len)
			return XCTL_ERR_LIMIT;
		memcpy(buf + o, add, al);
		o += al;
	}
	if (o >= len)
		return XCTL_ERR_LIMIT;
	buf[o] = '\0';
	return 0;
}
