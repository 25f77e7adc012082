/* SPDX-License-Identifier: LGPL-2.1-only */
/* Comparing two normalised xenstore trees (norm.h), with a list of
 * documented differences. */
#include "xenstore-schema/norm.h"
#include "common/err.h"
#include "common/util.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void seterr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void xctl_xsnorm_allow_free(struct xctl_xsnorm_allow *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].pattern);
		free(a->v[i].why);
	}
	free(a->v);
	free(a->name);
	free(a);
}

int xctl_xsnorm_allow_parse(const char *text, size_t len, const char *name, struct xctl_xsnorm_allow **out,
			    char *err, size_t errlen)
{
	int rc = XCTL_ERR_NOMEM;
	unsigned lineno = 0;
	size_t cap = 0;
	struct xctl_xsnorm_allow *a = calloc(1, sizeof(*a));
	if (!a || !(a->name = strdup(name ? name : "<allow>")))
		goto out;
	rc = 0;
	for (size_t pos = 0; pos < len;) {
		const char *l = text + pos;
		const char *nl = memchr(l, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - l) : len - pos;
		pos += ll + (nl != NULL);
		lineno++;
		while (ll && isspace((unsigned char)l[ll - 1]))
			ll--;
		size_t k = 0;
		while (k < ll && isspace((unsigned char)l[k]))
			k++;
		if (k == ll || l[k] == '#')
			continue;
		if (a->n >= XCTL_XSNORM_MAX_ALLOW) {
			seterr(err, errlen, "%s:%u: more than %u entries", a->name, lineno, XCTL_XSNORM_MAX_ALLOW);
			rc = XCTL_ERR_LIMIT;
			goto out;
		}
		char side = 0;
		if (l[k] == '-' || l[k] == '+')
			side = l[k++];
		size_t ps = k;
		while (k < ll && !isspace((unsigned char)l[k]))
			k++;
		size_t pe = k;
		while (k < ll && isspace((unsigned char)l[k]))
			k++;
		if (pe == ps || l[ps] != '/') {
			seterr(err, errlen, "%s:%u: expected [-|+]PATTERN WHY, PATTERN a glob on normalised paths from /",
			       a->name, lineno);
			rc = XCTL_ERR_PARSE;
			goto out;
		}
		if (k == ll) {
			seterr(err, errlen, "%s:%u: %.*s: no reason given: say why the trees may differ there", a->name,
			       lineno, (int)(pe - ps), l + ps);
			rc = XCTL_ERR_PARSE;
			goto out;
		}
		if (a->n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct xctl_xsnorm_allow_entry *nv = realloc(a->v, ncap * sizeof(*nv));
			if (!nv) {
				rc = XCTL_ERR_NOMEM;
				goto out;
			}
			a->v = nv;
			cap = ncap;
		}
		struct xctl_xsnorm_allow_entry *e = &a->v[a->n];
		memset(e, 0, sizeof(*e));
		e->side = side;
		e->line = lineno;
		e->pattern = strndup(l + ps, pe - ps);
		e->why = strndup(l + k, ll - k);
		a->n++;
		if (!e->pattern || !e->why) {
			rc = XCTL_ERR_NOMEM;
			goto out;
		}
	}
out:
	if (rc) {
		xctl_xsnorm_allow_free(a);
		a = NULL;
	}
	*out = a;
	return rc;
}

static struct xctl_xsnorm_allow_entry *allowed(struct xctl_xsnorm_allow *al, char side, const char *path)
{
	for (size_t i = 0; al && i < al->n; i++) {
		struct xctl_xsnorm_allow_entry *e = &al->v[i];
		if ((!e->side || e->side == side) && fnmatch(e->pattern, path, 0) == 0) {
			e->used++;
			return e;
		}
	}
	return NULL;
}

static int add_delta(struct xctl_xsnorm_diff *r, char side, const struct xctl_xsnorm_node *n,
		     struct xctl_xsnorm_allow *al)
{
	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 64;
		struct xctl_xsnorm_delta *nv = realloc(r->v, ncap * sizeof(*nv));
		if (!nv)
			return XCTL_ERR_NOMEM;
		r->v = nv;
		r->cap = ncap;
	}
	struct xctl_xsnorm_delta *d = &r->v[r->n++];
	d->side = side;
	d->node = n;
	d->allowed = allowed(al, side, n->path);
	r->undocumented += !d->allowed;
	return 0;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool same_node(const struct xctl_xsnorm_node *a, const struct xctl_xsnorm_node *b)
{
	if (!same_str(a->perms, b->perms))
		return false;
	if (!a->value || !b->value)
		return !a->value && !b->value;
	return a->vlen == b->vlen && !memcmp(a->value, b->value, a->vlen);
}

int xctl_xsnorm_diff(const struct xctl_xsnorm *a, const struct xctl_xsnorm *b, struct xctl_xsnorm_allow *allow,
		     struct xctl_xsnorm_diff *r)
{
	size_t i = 0, j = 0;
	int rc = 0;
	while (!rc && (i < a->n || j < b->n)) {
		int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->v[i].path, b->v[j].path);
		if (c < 0) {
			rc = add_delta(r, '-', &a->v[i++], allow);
		} else if (c > 0) {
			rc = add_delta(r, '+', &b->v[j++], allow);
		} else if (same_node(&a->v[i], &b->v[j])) {
			r->same++;
			i++, j++;
		} else {
			rc = add_delta(r, '-', &a->v[i++], allow);
			if (!rc)
				rc = add_delta(r, '+', &b->v[j++], allow);
		}
	}
	return rc;
}

void xctl_xsnorm_diff_free(struct xctl_xsnorm_diff *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

void xctl_xsnorm_diff_print(const struct xctl_xsnorm_diff *r, const struct xctl_xsnorm *a,
			    const struct xctl_xsnorm *b, FILE *out)
{
	char line[XCTL_XSDUMP_MAX_LINE + 64];
	for (size_t i = 0; i < r->n; i++) {
		const struct xctl_xsnorm_delta *d = &r->v[i];
		xctl_xsnorm_line(d->node, line, sizeof(line));
		if (d->allowed)
			fprintf(out, "%c %s  # documented: %s\n", d->side, line, d->allowed->why);
		else
			fprintf(out, "%c %s\n", d->side, line);
	}
	size_t documented = r->n - r->undocumented;
	fprintf(out, "%s (-) and %s (+): %zu node%s equal, %zu differ (%zu documented, %zu not)\n", a->name, b->name, r->same,
		r->same == 1 ? "" : "s", r->n, documented, r->undocumented);
}
