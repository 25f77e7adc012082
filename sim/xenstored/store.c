/* SPDX-License-Identifier: LGPL-2.1-only */
/* The node tree: nodes in a hash table by absolute path; each node keeps
 * the names of its children, so no walk ever needs recursion. */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "sim/xenstored/xsd.h"

int xsd_store_init(struct xsd_store *st)
{
	memset(st, 0, sizeof(*st));
	st->owned = calloc(XSD_DOMID_MAX + 1, sizeof(*st->owned));
	if (!st->owned)
		return XCTL_ERR_NOMEM;
	int rc = xsd_htab_init(&st->nodes, 1024);
	if (rc) {
		free(st->owned);
		st->owned = NULL;
	}
	return rc;
}

static void free_node_cb(void *val, void *arg)
{
	(void)arg;
	xsd_node_free(val);
}

void xsd_store_free(struct xsd_store *st)
{
	if (st->nodes.buckets)
		xsd_htab_each(&st->nodes, free_node_cb, NULL);
	xsd_htab_free(&st->nodes);
	free(st->owned);
	st->owned = NULL;
}

struct xsd_node *xsd_store_get(const struct xsd_store *st, const char *path)
{
	return xsd_htab_get(&st->nodes, path);
}

struct xsd_node *xsd_node_new(const char *path)
{
	struct xsd_node *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->path = strdup(path);
	n->value = malloc(1);
	if (!n->path || !n->value) {
		xsd_node_free(n);
		return NULL;
	}
	n->value[0] = '\0';
	return n;
}

struct xsd_node *xsd_node_dup(const struct xsd_node *o, const char *path)
{
	struct xsd_node *n = xsd_node_new(path ? path : o->path);
	if (!n)
		return NULL;
	n->gen = o->gen;
	if (xsd_node_set_value(n, o->value, o->vlen) || xsd_node_set_perms(n, o->perms, o->nperms))
		goto fail;
	if (o->clen) {
		n->children = malloc(o->clen);
		if (!n->children)
			goto fail;
		memcpy(n->children, o->children, o->clen);
		n->clen = n->ccap = o->clen;
	}
	return n;
fail:
	xsd_node_free(n);
	return NULL;
}

void xsd_node_free(struct xsd_node *n)
{
	if (!n)
		return;
	free(n->path);
	free(n->value);
	free(n->perms);
	free(n->children);
	free(n);
}

int xsd_node_set_value(struct xsd_node *n, const char *v, uint32_t len)
{
	char *p = malloc((size_t)len + 1);
	if (!p)
		return XCTL_ERR_NOMEM;
	if (len)
		memcpy(p, v, len);
	p[len] = '\0';
	free(n->value);
	n->value = p;
	n->vlen = len;
	return 0;
}

struct xsd_perm *xsd_perms_dup(const struct xsd_perm *p, uint32_t np)
{
	struct xsd_perm *q = malloc(sizeof(*q) * (np ? np : 1));
	if (q && np)
		memcpy(q, p, sizeof(*q) * np);
	return q;
}

int xsd_node_set_perms(struct xsd_node *n, const struct xsd_perm *p, uint32_t np)
{
	struct xsd_perm *q = xsd_perms_dup(p, np);
	if (!q)
		return XCTL_ERR_NOMEM;
	free(n->perms);
	n->perms = q;
	n->nperms = np;
	return 0;
}

int xsd_node_add_child(struct xsd_node *n, const char *name)
{
	uint32_t l = (uint32_t)strlen(name) + 1;
	if (n->clen + l > n->ccap) {
		uint32_t cap = n->ccap ? n->ccap * 2 : 64;
		while (cap < n->clen + l)
			cap *= 2;
		char *c = realloc(n->children, cap);
		if (!c)
			return XCTL_ERR_NOMEM;
		n->children = c;
		n->ccap = cap;
	}
	memcpy(n->children + n->clen, name, l);
	n->clen += l;
	return 0;
}

void xsd_node_del_child(struct xsd_node *n, const char *name)
{
	uint32_t off = 0;
	while (off < n->clen) {
		uint32_t l = (uint32_t)strlen(n->children + off) + 1;
		if (!strcmp(n->children + off, name)) {
			memmove(n->children + off, n->children + off + l, n->clen - off - l);
			n->clen -= l;
			return;
		}
		off += l;
	}
}

const char *xsd_basename(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

void xsd_parent(const char *path, char *out, size_t outsz)
{
	const char *s = strrchr(path, '/');
	size_t l = s ? (size_t)(s - path) : 0;
	if (l == 0)
		l = 1; /* parent of "/a" is "/" */
	if (l >= outsz)
		l = outsz - 1;
	memcpy(out, path, l);
	out[l] = '\0';
}

uint32_t xsd_node_owner(const struct xsd_node *n)
{
	return n->nperms ? n->perms[0].id : 0;
}

/* The owner as an index into the per-domain counts. */
static uint32_t owner_of(const struct xsd_node *n)
{
	uint32_t o = xsd_node_owner(n);
	return o <= XSD_DOMID_MAX ? o : XSD_DOMID_MAX;
}

void xsd_store_touch(struct xsd_store *st, struct xsd_node *n)
{
	n->gen = ++st->gen;
}

int xsd_store_insert(struct xsd_store *st, struct xsd_node *n)
{
	int rc = xsd_htab_put(&st->nodes, n->path, n);
	if (rc)
		return rc;
	xsd_store_touch(st, n);
	st->owned[owner_of(n)]++;
	st->value_bytes += n->vlen;
	return 0;
}

void xsd_store_remove(struct xsd_store *st, const char *path)
{
	struct xsd_node *n = xsd_htab_del(&st->nodes, path);
	if (!n)
		return;
	st->owned[owner_of(n)]--;
	st->value_bytes -= n->vlen;
	xsd_node_free(n);
}

void xsd_store_replace(struct xsd_store *st, struct xsd_node *old, struct xsd_node *n)
{
	st->owned[owner_of(old)]--;
	st->owned[owner_of(n)]++;
	st->value_bytes -= old->vlen;
	st->value_bytes += n->vlen;
	/* Swap contents so that pointers to the live node stay valid. */
	char *path = old->path;
	free(old->value);
	free(old->perms);
	free(old->children);
	free(n->path);
	*old = *n;
	old->path = path;
	free(n);
	xsd_store_touch(st, old);
}

void xsd_store_owner_change(struct xsd_store *st, uint32_t from, uint32_t to)
{
	if (from > XSD_DOMID_MAX)
		from = XSD_DOMID_MAX;
	if (to > XSD_DOMID_MAX)
		to = XSD_DOMID_MAX;
	st->owned[from]--;
	st->owned[to]++;
}
