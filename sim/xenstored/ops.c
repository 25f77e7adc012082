/* SPDX-License-Identifier: LGPL-2.1-only */
/* The tree operations, written once against the view (live tree or a
 * transaction): READ, WRITE, MKDIR, RM, GET_PERMS, SET_PERMS. Paths given
 * here are canonical absolute paths. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xenstored/xsd.h"

/* Find a node the connection may access with the permissions in want.
 * As in Xen, a missing node is reported as ENOENT only when the nearest
 * existing ancestor grants the connection that access, so that a client
 * cannot probe for nodes it may not see. */
static int get_node(struct xsd_view *v, const char *path, uint32_t want, const struct xsd_node **out)
{
	int err;
	*out = NULL;
	const struct xsd_node *n = xsd_view_get(v, path, &err);
	if (err)
		return err;
	if (n) {
		if ((xsd_perm_for(v->d, v->conn, n->perms, n->nperms) & want) == want) {
			*out = n;
			return 0;
		}
		return EACCES;
	}
	char cur[XENSTORE_ABS_PATH_MAX + 1];
	snprintf(cur, sizeof(cur), "%s", path);
	/* At most one step per path component: bounded by the path length. */
	while (strcmp(cur, "/")) {
		char up[XENSTORE_ABS_PATH_MAX + 1];
		xsd_parent(cur, up, sizeof(up));
		const struct xsd_node *p = xsd_view_get(v, up, &err);
		if (err)
			return err;
		if (p)
			return (xsd_perm_for(v->d, v->conn, p->perms, p->nperms) & want) ? ENOENT : EACCES;
		memcpy(cur, up, strlen(up) + 1);
	}
	return EACCES; /* no root: cannot happen, the root is never removed */
}

static int set_value(struct xsd_view *v, struct xsd_node *n, const char *val, uint32_t len)
{
	uint32_t old = n->vlen;
	if (xsd_node_set_value(n, val, len))
		return ENOMEM;
	if (!v->txn) {
		v->d->store.value_bytes -= old;
		v->d->store.value_bytes += len;
	}
	return 0;
}

static int set_perms(struct xsd_view *v, struct xsd_node *n, const struct xsd_perm *p, uint32_t np)
{
	uint32_t from = xsd_node_owner(n);
	if (xsd_node_set_perms(n, p, np))
		return ENOMEM;
	uint32_t to = xsd_node_owner(n);
	if (from == to)
		return 0;
	if (!v->txn) {
		xsd_store_owner_change(&v->d->store, from, to);
	} else if (v->conn) {
		if (from == v->conn->domid)
			v->txn->owned_delta--;
		if (to == v->conn->domid)
			v->txn->owned_delta++;
	}
	return 0;
}

/* Would the connection's domain exceed its node quota with k more? */
static bool over_node_quota(struct xsd_view *v, uint32_t k)
{
	if (xsd_privileged(v->conn))
		return false;
	int64_t have = v->d->store.owned[v->conn->domid];
	if (v->txn)
		have += v->txn->owned_delta;
	return have + k > (int64_t)v->d->lim.nodes_per_domain;
}

/* Create path and every missing ancestor; the leaf gets val. */
static int create_node(struct xsd_view *v, const char *path, const char *val, uint32_t len)
{
	/* Find the nearest existing ancestor, walking up without recursion. */
	size_t plen = strlen(path);
	size_t cut = plen; /* path[0..cut) is the first missing node */
	const struct xsd_node *parent = NULL;
	uint32_t missing = 0;
	int err;
	char buf[XENSTORE_ABS_PATH_MAX + 1];
	if (plen >= sizeof(buf))
		return EINVAL;
	for (;;) {
		missing++;
		size_t up = cut;
		while (up > 0 && path[up - 1] != '/')
			up--;
		up = up > 1 ? up - 1 : 1; /* length of the parent path */
		memcpy(buf, path, up);
		buf[up] = '\0';
		parent = xsd_view_get(v, buf, &err);
		if (err)
			return err;
		if (parent)
			break;
		cut = up;
	}
	if (over_node_quota(v, missing))
		return ENOSPC;
	uint32_t np = parent->nperms;
	struct xsd_perm *perms = xsd_perms_dup(parent->perms, np);
	if (!perms)
		return ENOMEM;
	/* Children inherit the parent's permissions; a guest owns what it
	 * creates. */
	if (!xsd_privileged(v->conn))
		perms[0].id = v->conn->domid;
	/* Walk down creating each missing node: buf holds the parent path. */
	size_t start = strlen(buf);
	err = 0;
	while (start < plen) {
		size_t end = start + 1;
		while (end < plen && path[end] != '/')
			end++;
		char parent_path[XENSTORE_ABS_PATH_MAX + 1];
		memcpy(parent_path, path, start ? start : 1);
		parent_path[start ? start : 1] = '\0';
		memcpy(buf, path, end);
		buf[end] = '\0';
		struct xsd_node *pn = xsd_view_modify(v, parent_path, &err);
		if (!pn)
			break;
		struct xsd_node *n = xsd_node_new(buf);
		if (!n || xsd_node_set_perms(n, perms, np) ||
		    (end == plen && xsd_node_set_value(n, val, len)) ||
		    xsd_node_add_child(pn, xsd_basename(buf))) {
			xsd_node_free(n);
			err = ENOMEM;
			break;
		}
		err = xsd_view_create(v, n);
		if (err) {
			xsd_node_del_child(pn, xsd_basename(buf));
			xsd_node_free(n);
			break;
		}
		start = end;
	}
	free(perms);
	if (err)
		return err;
	return xsd_view_event(v, path, false, NULL, 0);
}

int xsd_op_read(struct xsd_view *v, const char *path, const struct xsd_node **out)
{
	return get_node(v, path, XSD_PERM_READ, out);
}

int xsd_op_write(struct xsd_view *v, const char *path, const char *val, uint32_t len)
{
	if (!xsd_privileged(v->conn) && len > v->d->lim.value_size)
		return ENOSPC;
	const struct xsd_node *n;
	int err = get_node(v, path, XSD_PERM_WRITE, &n);
	if (err == ENOENT)
		return create_node(v, path, val, len);
	if (err)
		return err;
	struct xsd_node *m = xsd_view_modify(v, path, &err);
	if (!m)
		return err;
	err = set_value(v, m, val, len);
	if (err)
		return err;
	return xsd_view_event(v, path, false, NULL, 0);
}

int xsd_op_mkdir(struct xsd_view *v, const char *path)
{
	const struct xsd_node *n;
	int err = get_node(v, path, XSD_PERM_WRITE, &n);
	if (err == ENOENT)
		return create_node(v, path, "", 0);
	return err; /* 0 if it already exists: nothing changes, no event */
}

/* Paths of a subtree below root (root excluded), parents first. */
struct pathq {
	char **p;
	size_t n, cap;
};

static int pathq_push(struct pathq *q, const char *base, const char *name)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		char **np = realloc(q->p, cap * sizeof(*np));
		if (!np)
			return ENOMEM;
		q->p = np;
		q->cap = cap;
	}
	size_t bl = strlen(base), nl = strlen(name);
	char *s = malloc(bl + nl + 2);
	if (!s)
		return ENOMEM;
	memcpy(s, base, bl);
	size_t o = bl;
	if (!(bl == 1 && base[0] == '/'))
		s[o++] = '/';
	memcpy(s + o, name, nl + 1);
	q->p[q->n++] = s;
	return 0;
}

static void pathq_free(struct pathq *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->p[i]);
	free(q->p);
}

static int push_children(struct pathq *q, const struct xsd_node *n)
{
	for (uint32_t off = 0; off < n->clen; off += (uint32_t)strlen(n->children + off) + 1) {
		int err = pathq_push(q, n->path, n->children + off);
		if (err)
			return err;
	}
	return 0;
}

int xsd_op_rm(struct xsd_view *v, const char *path)
{
	const struct xsd_node *n;
	int err = get_node(v, path, XSD_PERM_WRITE, &n);
	char up[XENSTORE_ABS_PATH_MAX + 1];
	if (err == ENOENT) {
		/* Removing what is not there is fine if the parent exists. */
		xsd_parent(path, up, sizeof(up));
		const struct xsd_node *p = xsd_view_get(v, up, &err);
		if (err)
			return err;
		return p ? 0 : ENOENT;
	}
	if (err)
		return err;
	if (!strcmp(path, "/"))
		return EINVAL;
	/* Breadth-first over the subtree with an explicit queue. */
	struct pathq q = { 0 };
	err = push_children(&q, n);
	for (size_t i = 0; !err && i < q.n; i++) {
		const struct xsd_node *c = xsd_view_get(v, q.p[i], &err);
		if (err)
			break;
		if (c)
			err = push_children(&q, c);
	}
	/* Report and delete the descendants, deepest last is fine: each event
	 * carries the permissions the node had. */
	for (size_t i = 0; !err && i < q.n; i++) {
		const struct xsd_node *c = xsd_view_get(v, q.p[i], &err);
		if (err || !c)
			continue;
		err = xsd_view_event(v, q.p[i], true, c->perms, c->nperms);
		if (!err)
			err = xsd_view_delete(v, q.p[i]);
	}
	pathq_free(&q);
	if (err)
		return err;
	uint32_t ntop = n->nperms;
	struct xsd_perm *top = xsd_perms_dup(n->perms, ntop);
	if (!top)
		return ENOMEM;
	xsd_parent(path, up, sizeof(up));
	struct xsd_node *p = xsd_view_modify(v, up, &err);
	if (p) {
		xsd_node_del_child(p, xsd_basename(path));
		err = xsd_view_delete(v, path);
	}
	if (!err)
		err = xsd_view_event(v, path, false, top, ntop);
	free(top);
	return err;
}

int xsd_op_get_perms(struct xsd_view *v, const char *path, const struct xsd_node **out)
{
	return get_node(v, path, XSD_PERM_READ, out);
}

int xsd_op_set_perms(struct xsd_view *v, const char *path, const struct xsd_perm *p, uint32_t np)
{
	if (np == 0)
		return EINVAL;
	if (!xsd_privileged(v->conn) && np > v->d->lim.perms_per_node)
		return ENOSPC;
	const struct xsd_node *n;
	int err = get_node(v, path, XSD_PERM_WRITE | XSD_PERM_OWNER, &n);
	if (err)
		return err;
	/* Guests may not give their nodes away. */
	if (!xsd_privileged(v->conn) && p[0].id != xsd_node_owner(n))
		return EPERM;
	/* The owner must be a domain that exists (Xen 4.17 answers ENOENT);
	 * later entries may name any domain. */
	if (p[0].id != 0 && !xsd_dom_get(v->d, p[0].id))
		return ENOENT;
	uint32_t nold = n->nperms;
	struct xsd_perm *old = xsd_perms_dup(n->perms, nold);
	if (!old)
		return ENOMEM;
	struct xsd_node *m = xsd_view_modify(v, path, &err);
	if (m)
		err = set_perms(v, m, p, np);
	if (!err)
		err = xsd_view_event(v, path, false, old, nold);
	free(old);
	return err;
}
