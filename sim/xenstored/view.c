/* SPDX-License-Identifier: LGPL-2.1-only */
/* Access to the tree, either live or through a transaction.
 *
 * A transaction keeps an overlay: for every path it touched, the
 * generation the node had in the live tree when first touched (0: absent)
 * and, if it changed the node, its private copy or a deletion mark. Reads
 * of untouched paths go to the live tree and are recorded. At commit every
 * recorded generation is compared with the live tree; any difference means
 * another client changed something this transaction depended on, and the
 * commit fails with EAGAIN (txn.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "sim/xenstored/txn_int.h"
#include "sim/xenstored/xsd.h"

bool xsd_privileged(const struct xsd_conn *c)
{
	return c == NULL || c->domid == 0;
}

/* Xen 4.17 perm_for_conn(): the owner (or a domain whose target it is)
 * has every right; else the first entry naming the domain (or its target)
 * and not ignored; else entry 0, the default. */
uint32_t xsd_perm_for(const struct xsd *d, const struct xsd_conn *c, const struct xsd_perm *p,
		      uint32_t np)
{
	(void)d;
	const uint32_t all = XSD_PERM_READ | XSD_PERM_WRITE | XSD_PERM_OWNER;
	const uint32_t mask = XSD_PERM_READ | XSD_PERM_WRITE;
	if (xsd_privileged(c) || np == 0)
		return xsd_privileged(c) ? all : XSD_PERM_NONE;
	uint32_t id = c->domid;
	uint32_t target = c->dom ? c->dom->target : XSD_DOMID_MAX;
	if (p[0].id == id || p[0].id == target)
		return all;
	for (uint32_t i = 1; i < np; i++)
		if (!(p[i].perm & XSD_PERM_IGNORE) && (p[i].id == id || p[i].id == target))
			return p[i].perm & mask;
	return p[0].perm & mask;
}

int xsd_view_fail(struct xsd_view *v, int err)
{
	if (v->txn && (err == ENOSPC || err == ENOMEM))
		v->txn->fail = true;
	return err;
}

/* Xen 4.17 write_node_raw(): a guest may not write a node whose record
 * reaches quota-max-entry-size. */
static int record_ok(struct xsd_view *v, uint32_t np, uint32_t vlen, uint32_t clen)
{
	if (!xsd_privileged(v->conn) && xsd_record_size(np, vlen, clen) >= v->d->lim.value_size)
		return xsd_view_fail(v, ENOSPC);
	return 0;
}

static int tent_new(struct xsd_view *v, const char *path, struct xsd_tent **out)
{
	struct xsd_txn *t = v->txn;
	/* Xen 4.17 access_node(): trans->nodes >= quota_trans_nodes. */
	if (!xsd_privileged(v->conn) && t->nents >= v->d->lim.txn_nodes)
		return xsd_view_fail(v, ENOSPC);
	struct xsd_tent *e = calloc(1, sizeof(*e));
	if (!e)
		return xsd_view_fail(v, ENOMEM);
	e->path = strdup(path);
	if (!e->path) {
		free(e);
		return xsd_view_fail(v, ENOMEM);
	}
	const struct xsd_node *base = xsd_store_get(&v->d->store, path);
	e->base_gen = base ? base->gen : 0;
	e->state = XSD_TE_READ;
	e->seq = t->nents;
	if (xsd_htab_put(&t->ents, e->path, e)) {
		free(e->path);
		free(e);
		return xsd_view_fail(v, ENOMEM);
	}
	t->nents++;
	*out = e;
	return 0;
}

static struct xsd_tent *tent_get(struct xsd_view *v, const char *path, int *err)
{
	struct xsd_tent *e = xsd_htab_get(&v->txn->ents, path);
	*err = 0;
	if (!e)
		*err = tent_new(v, path, &e);
	return *err ? NULL : e;
}

const struct xsd_node *xsd_view_get(struct xsd_view *v, const char *path, int *err)
{
	*err = 0;
	if (!v->txn)
		return xsd_store_get(&v->d->store, path);
	struct xsd_tent *e = tent_get(v, path, err);
	if (!e)
		return NULL;
	switch (e->state) {
	case XSD_TE_MOD:
		return e->node;
	case XSD_TE_DEL:
		return NULL;
	default:
		return xsd_store_get(&v->d->store, path);
	}
}

/* The transaction's private copy of an existing node (made on first
 * change), or NULL with err set. */
static struct xsd_tent *tent_modify(struct xsd_view *v, const char *path, int *err)
{
	struct xsd_tent *e = tent_get(v, path, err);
	if (!e)
		return NULL;
	if (e->state == XSD_TE_MOD)
		return e;
	const struct xsd_node *base = e->state == XSD_TE_DEL ? NULL : xsd_store_get(&v->d->store, path);
	if (!base) {
		*err = ENOENT;
		return NULL;
	}
	e->node = xsd_node_dup(base);
	if (!e->node) {
		*err = xsd_view_fail(v, ENOMEM);
		return NULL;
	}
	e->state = XSD_TE_MOD;
	return e;
}

int xsd_view_create(struct xsd_view *v, const char *path, struct xsd_node *n)
{
	int err = record_ok(v, n->nperms, n->vlen, 0);
	if (err)
		return err;
	if (!v->txn)
		return xsd_store_insert(&v->d->store, path, n) ? ENOMEM : 0;
	struct xsd_tent *e = tent_get(v, path, &err);
	if (!e)
		return err;
	xsd_node_free(e->node);
	e->node = n;
	e->state = XSD_TE_MOD;
	v->txn->node_created = true;
	if (v->conn && xsd_node_owner(n) == v->conn->domid)
		v->txn->owned_delta++;
	return 0;
}

int xsd_view_delete(struct xsd_view *v, const char *path)
{
	if (!v->txn) {
		xsd_store_remove(&v->d->store, path);
		return 0;
	}
	int err;
	const struct xsd_node *n = xsd_view_get(v, path, &err);
	if (err)
		return err;
	if (!n)
		return 0;
	if (v->conn && xsd_node_owner(n) == v->conn->domid)
		v->txn->owned_delta--;
	struct xsd_tent *e = xsd_htab_get(&v->txn->ents, path);
	xsd_node_free(e->node);
	e->node = NULL;
	e->state = XSD_TE_DEL;
	return 0;
}

int xsd_view_set_value(struct xsd_view *v, const char *path, const char *val, uint32_t len)
{
	int err;
	const struct xsd_node *cur = xsd_view_get(v, path, &err);
	if (!cur)
		return err ? err : ENOENT;
	if ((err = record_ok(v, cur->nperms, len, cur->clen)))
		return err;
	if (!v->txn) {
		struct xsd_node *n = xsd_store_get(&v->d->store, path);
		return xsd_store_set_value(&v->d->store, n, val, len) ? 0 : ENOMEM;
	}
	struct xsd_tent *e = tent_modify(v, path, &err);
	if (!e)
		return err;
	struct xsd_node *m = xsd_node_set_value(e->node, val, len);
	if (!m)
		return xsd_view_fail(v, ENOMEM);
	e->node = m;
	return 0;
}

int xsd_view_set_perms(struct xsd_view *v, const char *path, const struct xsd_perm *p, uint32_t np)
{
	int err;
	const struct xsd_node *cur = xsd_view_get(v, path, &err);
	if (!cur)
		return err ? err : ENOENT;
	if ((err = record_ok(v, np, cur->vlen, cur->clen)))
		return err;
	if (!v->txn) {
		struct xsd_node *n = xsd_store_get(&v->d->store, path);
		return xsd_store_set_perms(&v->d->store, n, p, np) ? 0 : ENOMEM;
	}
	struct xsd_tent *e = tent_modify(v, path, &err);
	if (!e)
		return err;
	struct xsd_node *m = xsd_node_set_perms(e->node, p, np);
	if (!m)
		return xsd_view_fail(v, ENOMEM);
	/* The owner cannot change here for a guest (EPERM before), and dom0
	 * has no node quota: the transaction's count needs no update. */
	e->node = m;
	return 0;
}

int xsd_view_add_child(struct xsd_view *v, const char *path, const char *name)
{
	int err;
	const struct xsd_node *cur = xsd_view_get(v, path, &err);
	if (!cur)
		return err ? err : ENOENT;
	if ((err = record_ok(v, cur->nperms, cur->vlen, cur->clen + (uint32_t)strlen(name) + 1)))
		return err;
	if (!v->txn) {
		struct xsd_node *n = xsd_store_get(&v->d->store, path);
		if (xsd_node_add_child(n, name))
			return ENOMEM;
		xsd_store_touch(&v->d->store, n);
		return 0;
	}
	struct xsd_tent *e = tent_modify(v, path, &err);
	if (!e)
		return err;
	return xsd_node_add_child(e->node, name) ? xsd_view_fail(v, ENOMEM) : 0;
}

int xsd_view_del_child(struct xsd_view *v, const char *path, const char *name)
{
	int err;
	if (!v->txn) {
		struct xsd_node *n = xsd_store_get(&v->d->store, path);
		if (!n)
			return ENOENT;
		xsd_node_del_child(n, name);
		xsd_store_touch(&v->d->store, n);
		return 0;
	}
	struct xsd_tent *e = tent_modify(v, path, &err);
	if (!e)
		return err;
	xsd_node_del_child(e->node, name);
	return 0;
}

int xsd_view_event(struct xsd_view *v, const char *path, bool exact, const struct xsd_perm *perms,
		   uint32_t nperms)
{
	if (!v->txn) {
		xsd_fire(v->d, v->conn, path, exact, perms, nperms);
		return 0;
	}
	/* One event per path, as Xen's queue_watches(): a transaction that
	 * changes the same node again and again queues nothing more. The
	 * merged event covers the ancestors if any change did, and keeps the
	 * permissions from before the first change that had them. */
	struct xsd_tent *e = xsd_htab_get(&v->txn->ents, path);
	if (e && e->ev) {
		e->ev->exact = e->ev->exact && exact;
		if (e->ev->perms || !perms || !nperms)
			return 0;
		e->ev->perms = xsd_perms_dup(perms, nperms);
		if (!e->ev->perms)
			return xsd_view_fail(v, ENOMEM);
		e->ev->nperms = nperms;
		return 0;
	}
	struct xsd_tevent *ev = calloc(1, sizeof(*ev));
	if (!ev)
		return xsd_view_fail(v, ENOMEM);
	ev->path = strdup(path);
	ev->exact = exact;
	if (perms && nperms) {
		ev->perms = xsd_perms_dup(perms, nperms);
		if (ev->perms)
			ev->nperms = nperms;
	}
	if (!ev->path || (perms && nperms && !ev->perms)) {
		free(ev->path);
		free(ev->perms);
		free(ev);
		return xsd_view_fail(v, ENOMEM);
	}
	*v->txn->events_tail = ev;
	v->txn->events_tail = &ev->next;
	if (e)
		e->ev = ev;
	return 0;
}
