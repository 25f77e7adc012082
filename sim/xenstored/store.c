/* SPDX-License-Identifier: LGPL-2.1-only */
/* The node tree. Nodes are in one hash table keyed by (parent node, name),
 * with the chain link inside the node: a lookup of a path costs one probe
 * per component, whatever the size of the tree, and a node stores only its
 * own name. The root is outside the table. A node that must grow is
 * reallocated; its children, keyed by the parent's address, are then
 * re-filed (the walk is over its own children list: no recursion). */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "common/err.h"
#include "sim/xenstored/xsd.h"

static uint64_t key_hash(const struct xsd_store *st, const struct xsd_node *parent, const char *name,
			 size_t len)
{
	return xsd_siphash(st->k0 ^ (uint64_t)(uintptr_t)parent, st->k1, name, len);
}

static struct xsd_node **bucket(const struct xsd_store *st, const struct xsd_node *parent,
				const char *name, size_t len)
{
	return &st->buckets[key_hash(st, parent, name, len) & (st->nbuckets - 1)];
}

static size_t node_size(uint32_t np, size_t namelen, uint32_t vlen)
{
	return sizeof(struct xsd_node) + np * sizeof(struct xsd_perm) + namelen + 1 + vlen + 1;
}

struct xsd_node *xsd_node_new(const char *name, const struct xsd_perm *p, uint32_t np,
			      const char *val, uint32_t vlen)
{
	size_t nl = strlen(name);
	if (nl > UINT16_MAX || np > UINT16_MAX)
		return NULL;
	struct xsd_node *n = malloc(node_size(np, nl, vlen));
	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->nperms = (uint16_t)np;
	n->namelen = (uint16_t)nl;
	n->vlen = vlen;
	if (np)
		memcpy(n->perms, p, np * sizeof(*p));
	char *nm = (char *)xsd_node_name(n);
	memcpy(nm, name, nl + 1);
	char *v = nm + nl + 1;
	if (vlen)
		memcpy(v, val, vlen);
	v[vlen] = '\0';
	return n;
}

struct xsd_node *xsd_node_dup(const struct xsd_node *o)
{
	struct xsd_node *n = xsd_node_new(xsd_node_name(o), o->perms, o->nperms, xsd_node_value(o),
					  o->vlen);
	if (!n)
		return NULL;
	n->gen = o->gen;
	if (o->clen) {
		n->children = malloc(o->clen);
		if (!n->children) {
			xsd_node_free(n);
			return NULL;
		}
		memcpy(n->children, o->children, o->clen);
		n->clen = o->clen;
	}
	return n;
}

void xsd_node_free(struct xsd_node *n)
{
	if (!n)
		return;
	free(n->children);
	free(n);
}

/* Rebuild n with other permissions and value; n itself is unchanged if
 * this fails. Keeps a block that is large enough unless it is more than
 * twice the size needed. */
static struct xsd_node *rebuild(struct xsd_node *n, const struct xsd_perm *p, uint32_t np,
				const char *v, uint32_t vlen)
{
	size_t need = node_size(np, n->namelen, vlen);
	size_t have = malloc_usable_size(n);
	if (np > UINT16_MAX)
		return NULL;
	/* The new content is assembled apart first: p or v may point into n. */
	size_t tail = n->namelen + 1 + vlen + 1;
	char *tmp = malloc(np * sizeof(*p) + tail);
	if (!tmp)
		return NULL;
	if (np)
		memcpy(tmp, p, np * sizeof(*p));
	memcpy(tmp + np * sizeof(*p), xsd_node_name(n), n->namelen + 1);
	char *tv = tmp + np * sizeof(*p) + n->namelen + 1;
	if (vlen)
		memcpy(tv, v, vlen);
	tv[vlen] = '\0';
	struct xsd_node *m = n;
	if (need > have || need * 2 < have) {
		m = realloc(n, need);
		if (!m) {
			free(tmp);
			return NULL;
		}
	}
	m->nperms = (uint16_t)np;
	m->vlen = vlen;
	memcpy(m->perms, tmp, np * sizeof(*p) + tail);
	free(tmp);
	return m;
}

struct xsd_node *xsd_node_set_value(struct xsd_node *n, const char *v, uint32_t len)
{
	return rebuild(n, n->perms, n->nperms, v, len);
}

struct xsd_node *xsd_node_set_perms(struct xsd_node *n, const struct xsd_perm *p, uint32_t np)
{
	return rebuild(n, p, np, xsd_node_value(n), n->vlen);
}

struct xsd_perm *xsd_perms_dup(const struct xsd_perm *p, uint32_t np)
{
	struct xsd_perm *q = malloc(sizeof(*q) * (np ? np : 1));
	if (q && np)
		memcpy(q, p, sizeof(*q) * np);
	return q;
}

int xsd_node_add_child(struct xsd_node *n, const char *name)
{
	uint32_t l = (uint32_t)strlen(name) + 1;
	size_t cap = n->children ? malloc_usable_size(n->children) : 0;
	if (n->clen + l > cap) {
		/* A quarter more than needed: amortized linear, little slack. */
		size_t want = n->clen + l;
		want += want / 4 + 8;
		char *c = realloc(n->children, want);
		if (!c)
			return XCTL_ERR_NOMEM;
		n->children = c;
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
			if (n->clen == 0) {
				free(n->children);
				n->children = NULL;
			}
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

void xsd_node_path(const struct xsd_node *n, char *out, size_t outsz)
{
	/* Fill from the end, walking up: no recursion. */
	size_t pos = outsz - 1;
	out[pos] = '\0';
	if (!n->parent) {
		snprintf(out, outsz, "/");
		return;
	}
	for (const struct xsd_node *k = n; k->parent && pos > 0; k = k->parent) {
		size_t l = k->namelen;
		if (l + 1 > pos)
			break;
		pos -= l;
		memcpy(out + pos, xsd_node_name(k), l);
		out[--pos] = '/';
	}
	memmove(out, out + pos, outsz - pos);
}

int xsd_store_init(struct xsd_store *st)
{
	memset(st, 0, sizeof(*st));
	st->owned = calloc(XSD_DOMID_MAX + 1, sizeof(*st->owned));
	st->nbuckets = 1024;
	st->buckets = calloc(st->nbuckets, sizeof(*st->buckets));
	struct xsd_perm p = { 0, XSD_PERM_NONE };
	st->root = xsd_node_new("", &p, 1, "", 0);
	if (!st->owned || !st->buckets || !st->root) {
		xsd_store_free(st);
		return XCTL_ERR_NOMEM;
	}
	uint64_t k[2];
	if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k)) {
		/* No entropy: still a valid table, just with a weaker key. */
		k[0] = (uint64_t)(uintptr_t)st ^ 0x9e3779b97f4a7c15ULL;
		k[1] = (uint64_t)(uintptr_t)st->buckets;
	}
	st->k0 = k[0];
	st->k1 = k[1];
	st->owned[0] = 1;
	return 0;
}

void xsd_store_free(struct xsd_store *st)
{
	for (size_t i = 0; st->buckets && i < st->nbuckets; i++) {
		struct xsd_node *n = st->buckets[i];
		while (n) {
			struct xsd_node *next = n->hnext;
			xsd_node_free(n);
			n = next;
		}
	}
	free(st->buckets);
	xsd_node_free(st->root);
	free(st->owned);
	memset(st, 0, sizeof(*st));
}

size_t xsd_store_nodes(const struct xsd_store *st)
{
	return st->count + 1;
}

struct xsd_node *xsd_store_child(const struct xsd_store *st, const struct xsd_node *parent,
				 const char *name)
{
	size_t len = strlen(name);
	for (struct xsd_node *n = *bucket(st, parent, name, len); n; n = n->hnext)
		if (n->parent == parent && n->namelen == len && !memcmp(xsd_node_name(n), name, len))
			return n;
	return NULL;
}

struct xsd_node *xsd_store_get(const struct xsd_store *st, const char *path)
{
	if (path[0] != '/')
		return NULL;
	struct xsd_node *cur = st->root;
	const char *p = path + 1;
	while (*p && cur) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		struct xsd_node *n = *bucket(st, cur, p, len);
		for (; n; n = n->hnext)
			if (n->parent == cur && n->namelen == len && !memcmp(xsd_node_name(n), p, len))
				break;
		cur = n;
		if (!e)
			break;
		p = e + 1;
	}
	return cur;
}

static void grow(struct xsd_store *st)
{
	size_t nb = st->nbuckets * 2;
	struct xsd_node **b = calloc(nb, sizeof(*b));
	if (!b)
		return; /* keep working with longer chains */
	for (size_t i = 0; i < st->nbuckets; i++) {
		struct xsd_node *n = st->buckets[i];
		while (n) {
			struct xsd_node *next = n->hnext;
			size_t h = key_hash(st, n->parent, xsd_node_name(n), n->namelen) & (nb - 1);
			n->hnext = b[h];
			b[h] = n;
			n = next;
		}
	}
	free(st->buckets);
	st->buckets = b;
	st->nbuckets = nb;
}

static void link_node(struct xsd_store *st, struct xsd_node *n)
{
	struct xsd_node **b = bucket(st, n->parent, xsd_node_name(n), n->namelen);
	n->hnext = *b;
	*b = n;
}

/* Take the node at address old (compared, never dereferenced) out of its
 * chain, found by its key. */
static void unlink_addr(struct xsd_store *st, const struct xsd_node *parent, const char *name,
			size_t len, const void *old)
{
	for (struct xsd_node **pp = bucket(st, parent, name, len); *pp; pp = &(*pp)->hnext) {
		if ((const void *)*pp == old) {
			*pp = (*pp)->hnext;
			return;
		}
	}
}

int xsd_store_insert(struct xsd_store *st, const char *path, struct xsd_node *n)
{
	char up[XENSTORE_ABS_PATH_MAX + 1];
	xsd_parent(path, up, sizeof(up));
	struct xsd_node *parent = xsd_store_get(st, up);
	if (!parent || !strcmp(path, "/"))
		return XCTL_ERR_INTERNAL;
	return xsd_store_insert_at(st, parent, n);
}

int xsd_store_insert_at(struct xsd_store *st, struct xsd_node *parent, struct xsd_node *n)
{
	n->parent = parent;
	link_node(st, n);
	st->count++;
	/* Up to two nodes per bucket: chains stay short, the table costs at
	 * most 8 bytes per node. */
	if (st->count > 2 * st->nbuckets && st->nbuckets < ((size_t)1 << 30))
		grow(st);
	xsd_store_touch(st, n);
	st->owned[owner_of(n)]++;
	st->value_bytes += n->vlen;
	return 0;
}

void xsd_store_remove(struct xsd_store *st, const char *path)
{
	struct xsd_node *n = xsd_store_get(st, path);
	if (!n || !n->parent)
		return;
	unlink_addr(st, n->parent, xsd_node_name(n), n->namelen, n);
	st->count--;
	st->owned[owner_of(n)]--;
	st->value_bytes -= n->vlen;
	xsd_node_free(n);
}

/* The node that was at address old is now m: fix its chain link and its
 * children, which are keyed by their parent's address. */
static void moved(struct xsd_store *st, const void *old, struct xsd_node *m)
{
	if (m->parent) {
		/* m's own key (its parent and name) did not change. */
		for (struct xsd_node **pp = bucket(st, m->parent, xsd_node_name(m), m->namelen); *pp;
		     pp = &(*pp)->hnext) {
			if ((const void *)*pp == old) {
				*pp = m;
				break;
			}
		}
	} else {
		st->root = m;
	}
	for (uint32_t off = 0; off < m->clen; off += (uint32_t)strlen(m->children + off) + 1) {
		const char *name = m->children + off;
		size_t len = strlen(name);
		struct xsd_node *c = *bucket(st, old, name, len);
		for (; c; c = c->hnext)
			if ((const void *)c->parent == old && c->namelen == len &&
			    !memcmp(xsd_node_name(c), name, len))
				break;
		if (!c)
			continue; /* listed, not yet in the store (a commit adds it) */
		unlink_addr(st, old, name, len, c);
		c->parent = m;
		link_node(st, c);
	}
}

static struct xsd_node *store_rebuild(struct xsd_store *st, struct xsd_node *n,
				      const struct xsd_perm *p, uint32_t np, const char *v, uint32_t vlen)
{
	uint32_t from = owner_of(n), oldv = n->vlen;
	const void *old = n;
	struct xsd_node *m = rebuild(n, p, np, v, vlen);
	if (!m)
		return NULL;
	if ((const void *)m != old)
		moved(st, old, m);
	st->owned[from]--;
	st->owned[owner_of(m)]++;
	st->value_bytes = st->value_bytes - oldv + vlen;
	xsd_store_touch(st, m);
	return m;
}

struct xsd_node *xsd_store_set_value(struct xsd_store *st, struct xsd_node *n, const char *v,
				     uint32_t len)
{
	return store_rebuild(st, n, n->perms, n->nperms, v, len);
}

struct xsd_node *xsd_store_set_perms(struct xsd_store *st, struct xsd_node *n,
				     const struct xsd_perm *p, uint32_t np)
{
	return store_rebuild(st, n, p, np, xsd_node_value(n), n->vlen);
}

struct xsd_node *xsd_store_replace(struct xsd_store *st, struct xsd_node *live, struct xsd_node *n)
{
	struct xsd_node *m = store_rebuild(st, live, n->perms, n->nperms, xsd_node_value(n), n->vlen);
	if (!m) {
		xsd_node_free(n);
		return NULL;
	}
	char *c = m->children;
	m->children = n->children;
	m->clen = n->clen;
	n->children = c;
	xsd_node_free(n);
	return m;
}

void xsd_store_touch(struct xsd_store *st, struct xsd_node *n)
{
	n->gen = ++st->gen;
}

void xsd_store_each(struct xsd_store *st, xsd_node_fn fn, void *arg)
{
	fn(st->root, arg);
	for (size_t i = 0; i < st->nbuckets; i++)
		for (struct xsd_node *n = st->buckets[i]; n; n = n->hnext)
			fn(n, arg);
}
