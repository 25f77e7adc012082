/* SPDX-License-Identifier: LGPL-2.1-only */
/* The node tree. Nodes are in one hash table keyed by (parent node, name),
 * with the chain link inside the node: a lookup of a path costs one probe
 * per component, whatever the size of the tree, and a node stores only its
 * own name. The root is outside the table. A node never moves: content
 * that outgrows its block goes to a block of its own (xsd.h), so no change
 * of a node touches its children, however many it has. Each domain has the
 * list of the nodes that name it (xsd_mentions), kept on every change, so
 * that its release visits only those. */
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

static size_t inline_size(uint32_t np, size_t namelen, uint32_t vlen)
{
	return sizeof(struct xsd_node) + np * sizeof(struct xsd_perm) + namelen + 1 + vlen + 1;
}

/* Every block has room for the header, the pointer to a body elsewhere
 * and the name: content may always move out of it. */
static size_t block_size(uint32_t np, size_t namelen, uint32_t vlen)
{
	size_t in = inline_size(np, namelen, vlen);
	size_t ext = sizeof(struct xsd_node) + sizeof(void *) + namelen + 1;
	return in > ext ? in : ext;
}

static struct xsd_perm *perms_of(struct xsd_node *n)
{
	return (struct xsd_perm *)xsd_node_perms(n);
}

static char *ext_body(const struct xsd_node *n)
{
	return n->ext ? (char *)xsd_node_perms(n) : NULL;
}

struct xsd_node *xsd_node_new(const char *name, const struct xsd_perm *p, uint32_t np,
			      const char *val, uint32_t vlen)
{
	size_t nl = strlen(name);
	if (nl > UINT16_MAX || np > UINT16_MAX)
		return NULL;
	struct xsd_node *n = malloc(block_size(np, nl, vlen));
	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->nperms = (uint16_t)np;
	n->namelen = (uint16_t)nl;
	n->vlen = vlen;
	if (np)
		memcpy(perms_of(n), p, np * sizeof(*p));
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
	struct xsd_node *n = xsd_node_new(xsd_node_name(o), xsd_node_perms(o), o->nperms,
					  xsd_node_value(o), o->vlen);
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
	free(ext_body(n));
	free(n->children);
	free(n);
}

/* Give n other permissions and value, in place: inside its block if they
 * fit, else in a body of their own. n is unchanged if this fails. */
static struct xsd_node *rebuild(struct xsd_node *n, const struct xsd_perm *p, uint32_t np,
				const char *v, uint32_t vlen)
{
	if (np > UINT16_MAX)
		return NULL;
	/* The new content is assembled apart first: p or v may point into n. */
	size_t pl = np * sizeof(*p);
	char *body = malloc(pl + vlen + 1);
	if (!body)
		return NULL;
	if (np)
		memcpy(body, p, pl);
	if (vlen)
		memcpy(body + pl, v, vlen);
	body[pl + vlen] = '\0';
	char *old = ext_body(n);
	char *at = (char *)(n + 1);
	size_t nl = n->namelen;
	if (inline_size(np, nl, vlen) <= malloc_usable_size(n)) {
		memmove(at + pl, xsd_node_name(n), nl + 1);
		memcpy(at, body, pl);
		memcpy(at + pl + nl + 1, body + pl, vlen + 1);
		n->ext = 0;
		free(body);
	} else {
		memmove(at + sizeof(body), xsd_node_name(n), nl + 1);
		memcpy(at, &body, sizeof(body));
		n->ext = 1;
	}
	free(old);
	n->nperms = (uint16_t)np;
	n->vlen = vlen;
	return n;
}

struct xsd_node *xsd_node_set_value(struct xsd_node *n, const char *v, uint32_t len)
{
	return rebuild(n, xsd_node_perms(n), n->nperms, v, len);
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
	return n->nperms ? xsd_node_perms(n)[0].id : 0;
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
	st->ment = calloc(XSD_DOMID_MAX, sizeof(*st->ment));
	st->nbuckets = 1024;
	st->buckets = calloc(st->nbuckets, sizeof(*st->buckets));
	struct xsd_perm p = { .id = 0, .perm = XSD_PERM_NONE };
	st->root = xsd_node_new("", &p, 1, "", 0);
	if (!st->owned || !st->ment || !st->buckets || !st->root) {
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
	for (size_t i = 0; st->ment && i < XSD_DOMID_MAX; i++)
		free(st->ment[i].v);
	free(st->ment);
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

/* --- the lists of nodes naming each domain --- */

#define SLOT_MAX ((1u << 24) - 1)

/* Is entry i (not the owner's) of a node's list in its domain's mentions? */
static bool mentioned(const struct xsd_perm *p, uint32_t i)
{
	return p[i].id >= 1 && p[i].id < XSD_DOMID_MAX && !(p[i].perm & XSD_PERM_IGNORE);
}

/* Should n (in the store) be in its owner's mentions: a guest's node whose
 * parent is not that guest's? */
static bool owner_top(const struct xsd_node *n)
{
	uint32_t o = xsd_node_owner(n);
	return o >= 1 && o < XSD_DOMID_MAX && n->parent && xsd_node_owner(n->parent) != o;
}

/* Is entry j of o the one in place s of domain id's list? */
static bool at_slot(const struct xsd_node *o, uint32_t j, uint32_t id, uint32_t s)
{
	const struct xsd_perm *q = xsd_node_perms(o);
	return q[j].id == id && q[j].slot == s && (j == 0 ? o->olisted : mentioned(q, j));
}

/* Room for k more in domain id's list. */
static int room(struct xsd_store *st, uint32_t id, uint32_t k)
{
	struct xsd_mentions *m = &st->ment[id];
	if ((uint64_t)m->n + k > SLOT_MAX)
		return XCTL_ERR_NOMEM;
	if (m->n + k <= m->cap)
		return 0;
	uint32_t cap = m->cap ? m->cap : 4;
	while (cap < m->n + k)
		cap += cap / 4 + 4;
	struct xsd_node **v = realloc(m->v, cap * sizeof(*v));
	if (!v)
		return XCTL_ERR_NOMEM;
	m->v = v;
	m->cap = cap;
	return 0;
}

/* Room in every list the entries p name, for all of them: the changes
 * below then cannot fail. */
static int ment_reserve(struct xsd_store *st, const struct xsd_perm *p, uint32_t np)
{
	for (uint32_t i = 0; i < np; i++)
		if (p[i].id >= 1 && p[i].id < XSD_DOMID_MAX && room(st, p[i].id, np))
			return XCTL_ERR_NOMEM;
	return 0;
}

static void ment_put(struct xsd_store *st, struct xsd_node *n, uint32_t i)
{
	struct xsd_perm *p = perms_of(n);
	struct xsd_mentions *m = &st->ment[p[i].id];
	p[i].slot = m->n;
	m->v[m->n++] = n;
}

/* n's entries into their lists (room reserved; n->parent set). */
static void ment_add(struct xsd_store *st, struct xsd_node *n)
{
	const struct xsd_perm *p = xsd_node_perms(n);
	n->olisted = owner_top(n);
	if (n->olisted)
		ment_put(st, n, 0);
	for (uint32_t i = 1; i < n->nperms; i++)
		if (mentioned(p, i))
			ment_put(st, n, i);
}

/* Entry i of n out of its list: the last of the list takes its place. */
static void ment_drop(struct xsd_store *st, struct xsd_node *n, uint32_t i)
{
	struct xsd_perm *p = perms_of(n);
	uint32_t id = p[i].id, s = p[i].slot;
	struct xsd_mentions *m = &st->ment[id];
	uint32_t last = --m->n;
	if (i == 0)
		n->olisted = 0;
	if (s == last)
		return;
	struct xsd_node *o = m->v[last];
	m->v[s] = o;
	for (uint32_t j = 0; j < o->nperms; j++) {
		if (at_slot(o, j, id, last)) {
			perms_of(o)[j].slot = s;
			return;
		}
	}
}

static void ment_del(struct xsd_store *st, struct xsd_node *n)
{
	const struct xsd_perm *p = xsd_node_perms(n);
	if (n->olisted)
		ment_drop(st, n, 0);
	for (uint32_t i = 1; i < n->nperms; i++)
		if (mentioned(p, i))
			ment_drop(st, n, i);
}

/* The children of n (whose owner changes) are the top of their owner's
 * subtree or not any more: room for each of them first, so that the
 * change cannot fail half-way. */
static int children_reserve(struct xsd_store *st, const struct xsd_node *n)
{
	for (uint32_t off = 0; off < n->clen; off += (uint32_t)strlen(n->children + off) + 1) {
		const struct xsd_node *c = xsd_store_child(st, n, n->children + off);
		uint32_t o = c ? xsd_node_owner(c) : 0;
		if (o >= 1 && o < XSD_DOMID_MAX && room(st, o, 1))
			return XCTL_ERR_NOMEM;
	}
	return 0;
}

static void children_relist(struct xsd_store *st, const struct xsd_node *n)
{
	for (uint32_t off = 0; off < n->clen; off += (uint32_t)strlen(n->children + off) + 1) {
		struct xsd_node *c = xsd_store_child(st, n, n->children + off);
		if (!c || (bool)c->olisted == owner_top(c))
			continue;
		if (c->olisted) {
			ment_drop(st, c, 0);
		} else {
			ment_put(st, c, 0);
			c->olisted = 1;
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
	if (ment_reserve(st, xsd_node_perms(n), n->nperms))
		return XCTL_ERR_NOMEM;
	n->parent = parent;
	ment_add(st, n);
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
	ment_del(st, n);
	st->count--;
	st->owned[owner_of(n)]--;
	st->value_bytes -= n->vlen;
	xsd_node_free(n);
}

static struct xsd_node *store_rebuild(struct xsd_store *st, struct xsd_node *n,
				      const struct xsd_perm *p, uint32_t np, const char *v, uint32_t vlen)
{
	uint32_t from = owner_of(n), oldv = n->vlen;
	bool owner_changes = xsd_node_owner(n) != (np ? p[0].id : 0);
	if (n->parent && ment_reserve(st, p, np))
		return NULL;
	if (owner_changes && children_reserve(st, n))
		return NULL;
	if (n->parent)
		ment_del(st, n);
	struct xsd_node *m = rebuild(n, p, np, v, vlen);
	if (n->parent)
		ment_add(st, n); /* the new entries, or the old ones again (room is there) */
	if (!m)
		return NULL;
	if (owner_changes)
		children_relist(st, m);
	st->owned[from]--;
	st->owned[owner_of(m)]++;
	st->value_bytes = st->value_bytes - oldv + vlen;
	xsd_store_touch(st, m);
	return m;
}

struct xsd_node *xsd_store_set_value(struct xsd_store *st, struct xsd_node *n, const char *v,
				     uint32_t len)
{
	return store_rebuild(st, n, xsd_node_perms(n), n->nperms, v, len);
}

struct xsd_node *xsd_store_set_perms(struct xsd_store *st, struct xsd_node *n,
				     const struct xsd_perm *p, uint32_t np)
{
	return store_rebuild(st, n, p, np, xsd_node_value(n), n->vlen);
}

struct xsd_node *xsd_store_replace(struct xsd_store *st, struct xsd_node *live, struct xsd_node *n)
{
	struct xsd_node *m = store_rebuild(st, live, xsd_node_perms(n), n->nperms, xsd_node_value(n), n->vlen);
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

void xsd_store_each(const struct xsd_store *st, xsd_node_fn fn, void *arg)
{
	fn(st->root, arg);
	for (size_t i = 0; i < st->nbuckets; i++)
		for (const struct xsd_node *n = st->buckets[i]; n; n = n->hnext)
			fn(n, arg);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Does an ancestor of n belong to domid? */
static bool under_owned(const struct xsd_node *n, uint32_t domid)
{
	for (const struct xsd_node *a = n->parent; a; a = a->parent)
		if (xsd_node_owner(a) == domid)
			return true;
	return false;
}

int xsd_store_release(struct xsd_store *st, uint32_t domid, char ***paths, size_t *npaths)
{
	*paths = NULL;
	*npaths = 0;
	if (domid == 0 || domid >= XSD_DOMID_MAX)
		return 0;
	struct xsd_mentions *m = &st->ment[domid];
	size_t nf = 0;
	char **found = malloc((m->n ? m->n : 1) * sizeof(*found));
	if (!found)
		return XCTL_ERR_NOMEM;
	for (uint32_t s = 0; s < m->n; s++) {
		const struct xsd_node *n = m->v[s];
		if (!at_slot(n, 0, domid, s) || under_owned(n, domid))
			continue;
		char path[XENSTORE_ABS_PATH_MAX + 1];
		xsd_node_path(n, path, sizeof(path));
		if (!(found[nf] = strdup(path))) {
			while (nf)
				free(found[--nf]);
			free(found);
			return XCTL_ERR_NOMEM;
		}
		nf++;
	}
	/* The entries that only grant rights become inert. From the end, so
	 * that the entry moved into a freed place has been seen already. */
	for (uint32_t s = m->n; s-- > 0;) {
		struct xsd_node *n = m->v[s];
		struct xsd_perm *p = perms_of(n);
		for (uint32_t i = 1; i < n->nperms; i++) {
			if (at_slot(n, i, domid, s)) {
				ment_drop(st, n, i);
				p[i].perm |= XSD_PERM_IGNORE;
				break;
			}
		}
	}
	qsort(found, nf, sizeof(*found), cmp_str);
	*paths = found;
	*npaths = nf;
	return 0;
}
