/* SPDX-License-Identifier: LGPL-2.1-only */
/* The tree operations, written once against the view (live tree or a
 * transaction): READ, WRITE, MKDIR, RM, GET_PERMS, SET_PERMS. Paths given
 * here are canonical absolute paths. The rules cite Xen 4.17.7's
 * tools/xenstore/xenstored_core.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xenstored/xsd.h"

/* Find a node the connection may access with the permissions in want.
 * As get_node() and errno_from_parents(): a missing node is ENOENT only
 * when the nearest existing ancestor grants the connection that access, so
 * that a client cannot probe for nodes it may not see. */
static int get_node(struct xsd_view *v, const char *path, uint32_t want, const struct xsd_node **out)
{
	int err;
	*out = NULL;
	const struct xsd_node *n = xsd_view_get(v, path, &err);
	if (err)
		return err;
	if (n) {
		if ((xsd_perm_for(v->d, v->conn, xsd_node_perms(n), n->nperms) & want) == want) {
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
			return (xsd_perm_for(v->d, v->conn, xsd_node_perms(p), p->nperms) & want) ? ENOENT : EACCES;
		memcpy(cur, up, strlen(up) + 1);
	}
	return EACCES; /* no root: cannot happen, the root is never removed */
}

/* Would the connection's domain break its node quota by creating k nodes?
 * create_node(): each new node needs domain_entry(conn) <
 * quota_nb_entry_per_domain, where domain_entry() is the live count (a
 * transaction's own creations are counted at its end). */
static bool over_node_quota(struct xsd_view *v, uint32_t k)
{
	if (xsd_privileged(v->conn))
		return false;
	int64_t have = v->d->store.owned[v->conn->domid];
	int64_t lim = v->d->lim.nodes_per_domain;
	return v->txn ? have >= lim : have + k > lim;
}

/* Length of the parent path of path[0..len). */
static size_t parent_len(const char *path, size_t len)
{
	while (len > 0 && path[len - 1] != '/')
		len--;
	return len > 1 ? len - 1 : 1;
}

/* Create path and every missing ancestor; the leaf gets val. All or
 * nothing as create_node(): every quota is checked before the first
 * change (the records written: the existing parent with one more child,
 * each new node with its one child, the leaf with its value). */
static int create_node(struct xsd_view *v, const char *path, const char *val, uint32_t len)
{
	size_t plen = strlen(path);
	size_t cut = plen; /* path[0..cut) is the topmost missing node */
	const struct xsd_node *parent = NULL;
	uint32_t missing = 0;
	int err;
	char buf[XENSTORE_ABS_PATH_MAX + 1];
	if (plen >= sizeof(buf))
		return EINVAL;
	for (;;) {
		missing++;
		size_t up = parent_len(path, cut);
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
		return xsd_view_fail(v, ENOSPC);
	uint32_t np = parent->nperms;
	if (!xsd_privileged(v->conn)) {
		uint64_t lim = v->d->lim.value_size;
		size_t first = strlen(buf) == 1 ? 1 : strlen(buf) + 1; /* start of the first new name */
		size_t e = first;
		while (e < plen && path[e] != '/')
			e++;
		if (xsd_record_size(np, parent->vlen, parent->clen + (uint32_t)(e - first) + 1) >= lim ||
		    xsd_record_size(np, len, 0) >= lim)
			return xsd_view_fail(v, ENOSPC);
		for (size_t s = e + 1; s < plen; s = e + 1) {
			e = s;
			while (e < plen && path[e] != '/')
				e++;
			if (xsd_record_size(np, 0, (uint32_t)(e - s) + 1) >= lim)
				return xsd_view_fail(v, ENOSPC);
		}
	}
	struct xsd_perm *perms = xsd_perms_dup(xsd_node_perms(parent), np);
	if (!perms)
		return xsd_view_fail(v, ENOMEM);
	/* construct_node(): children inherit the parent's permissions; an
	 * unprivileged domain owns what it creates. */
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
		const char *name = xsd_basename(buf);
		struct xsd_node *n = xsd_node_new(name, perms, np, end == plen ? val : "",
						  end == plen ? len : 0);
		if (!n) {
			err = xsd_view_fail(v, ENOMEM);
			break;
		}
		err = xsd_view_add_child(v, parent_path, name);
		if (!err) {
			err = xsd_view_create(v, buf, n);
			if (err)
				xsd_view_del_child(v, parent_path, name);
		}
		if (err) {
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

int xsd_op_read(struct xsd_view *v, const char *path, struct xsd_node const **out)
{
	return get_node(v, path, XSD_PERM_READ, out);
}

int xsd_op_write(struct xsd_view *v, const char *path, const char *val, uint32_t len)
{
	const struct xsd_node *n;
	int err = get_node(v, path, XSD_PERM_WRITE, &n);
	if (err == ENOENT)
		return create_node(v, path, val, len);
	if (err)
		return err;
	err = xsd_view_set_value(v, path, val, len);
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

static char *child_path(const char *base, const char *name)
{
	size_t bl = strlen(base), nl = strlen(name);
	char *s = malloc(bl + nl + 2);
	if (!s)
		return NULL;
	memcpy(s, base, bl);
	size_t o = bl;
	if (!(bl == 1 && base[0] == '/'))
		s[o++] = '/';
	memcpy(s + o, name, nl + 1);
	return s;
}

struct frame {
	char *path;
	uint32_t off; /* next child in the node's children list */
};

/* Delete path and its subtree as rm_node() and delnode_sub(): depth
 * first, children before their parent (walk_node_tree's exit order), each
 * node's event fired while its permissions are still known: exact for the
 * descendants, to watches on the node and its ancestors for path. An
 * explicit stack bounded by the path depth: no recursion. */
int xsd_rm_tree(struct xsd_view *v, const char *path)
{
	size_t cap = 16, depth = 0;
	struct frame *st = malloc(cap * sizeof(*st));
	int err = 0;
	if (!st || !(st[0].path = strdup(path))) {
		free(st);
		return xsd_view_fail(v, ENOMEM);
	}
	st[0].off = 0;
	depth = 1;
	while (depth) {
		struct frame *f = &st[depth - 1];
		const struct xsd_node *n = xsd_view_get(v, f->path, &err);
		if (err)
			break;
		if (n && f->off < n->clen) {
			const char *name = n->children + f->off;
			f->off += (uint32_t)strlen(name) + 1;
			if (depth == cap) {
				struct frame *ns = realloc(st, cap * 2 * sizeof(*st));
				if (!ns) {
					err = xsd_view_fail(v, ENOMEM);
					break;
				}
				st = ns;
				cap *= 2;
				f = &st[depth - 1];
			}
			st[depth].path = child_path(f->path, name);
			if (!st[depth].path) {
				err = xsd_view_fail(v, ENOMEM);
				break;
			}
			st[depth].off = 0;
			depth++;
			continue;
		}
		if (n) {
			err = xsd_view_event(v, f->path, depth > 1, xsd_node_perms(n), n->nperms);
			if (!err)
				err = xsd_view_delete(v, f->path);
			if (err)
				break;
		}
		free(f->path);
		depth--;
	}
	while (depth)
		free(st[--depth].path);
	free(st);
	return err;
}

int xsd_op_rm(struct xsd_view *v, const char *path)
{
	const struct xsd_node *n;
	int err = get_node(v, path, XSD_PERM_WRITE, &n);
	char up[XENSTORE_ABS_PATH_MAX + 1];
	if (err == ENOENT) {
		/* do_rm(): removing what is not there is fine if the parent
		 * exists. */
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
	err = xsd_rm_tree(v, path);
	if (err)
		return err;
	xsd_parent(path, up, sizeof(up));
	return xsd_view_del_child(v, up, xsd_basename(path));
}

int xsd_op_get_perms(struct xsd_view *v, const char *path, const struct xsd_node **out)
{
	return get_node(v, path, XSD_PERM_READ, out);
}

/* do_set_perms() after the checks of the permission list (request.c). */
int xsd_op_set_perms(struct xsd_view *v, const char *path, const struct xsd_perm *p, uint32_t np)
{
	const struct xsd_node *n;
	int err = get_node(v, path, XSD_PERM_WRITE | XSD_PERM_OWNER, &n);
	if (err)
		return err;
	/* Unprivileged domains may not change the owner. */
	if (!xsd_privileged(v->conn) && p[0].id != xsd_node_owner(n))
		return EPERM;
	uint32_t nold = n->nperms;
	struct xsd_perm *old = xsd_perms_dup(xsd_node_perms(n), nold);
	if (!old)
		return xsd_view_fail(v, ENOMEM);
	err = xsd_view_set_perms(v, path, p, np);
	if (!err)
		err = xsd_view_event(v, path, false, old, nold);
	free(old);
	return err;
}
