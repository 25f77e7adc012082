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

uint32_t xsd_perm_for(const struct xsd *d, const struct xsd_conn *c, const struct xsd_perm *p,
		      uint32_t np)
{
	(void)d;
	const uint32_t all = XSD_PERM_READ | XSD_PERM_WRITE | XSD_PERM_OWNER;
	if (xsd_privileged(c) || np == 0)
		return xsd_privileged(c) ? all : XSD_PERM_NONE;
	uint32_t id = c->domid;
	uint32_t target = c->dom ? c->dom->target : XSD_DOMID_MAX;
	if (p[0].id == id || p[0].id == target)
		return all;
	for (uint32_t i = 1; i < np; i++)
		if (p[i].id == id || p[i].id == target)
			return p[i].perm;
	return p[0].perm;
}

static int tent_new(struct xsd_view *v, const char *path, struct xsd_tent **out)
{
	struct xsd_txn *t = v->txn;
	if (!xsd_privileged(v->conn) && t->nents >= v->d->lim.txn_nodes)
		return ENOSPC;
	struct xsd_tent *e = calloc(1, sizeof(*e));
	if (!e)
		return ENOMEM;
	e->path = strdup(path);
	if (!e->path) {
		free(e);
		return ENOMEM;
	}
	const struct xsd_node *base = xsd_store_get(&v->d->store, path);
	e->base_gen = base ? base->gen : 0;
	e->state = XSD_TE_READ;
	if (xsd_htab_put(&t->ents, e->path, e)) {
		free(e->path);
		free(e);
		return ENOMEM;
	}
	t->nents++;
	*out = e;
	return 0;
}

const struct xsd_node *xsd_view_get(struct xsd_view *v, const char *path, int *err)
{
	*err = 0;
	if (!v->txn)
		return xsd_store_get(&v->d->store, path);
	struct xsd_tent *e = xsd_htab_get(&v->txn->ents, path);
	if (!e) {
		*err = tent_new(v, path, &e);
		if (*err)
			return NULL;
	}
	switch (e->state) {
	case XSD_TE_MOD:
		return e->node;
	case XSD_TE_DEL:
		return NULL;
	default:
		return xsd_store_get(&v->d->store, path);
	}
}

struct xsd_node *xsd_view_modify(struct xsd_view *v, const char *path, int *err)
{
	*err = 0;
	if (!v->txn) {
		struct xsd_node *n = xsd_store_get(&v->d->store, path);
		if (!n)
			*err = ENOENT;
		else
			xsd_store_touch(&v->d->store, n);
		return n;
	}
	struct xsd_tent *e = xsd_htab_get(&v->txn->ents, path);
	if (!e) {
		*err = tent_new(v, path, &e);
		if (*err)
			return NULL;
	}
	if (e->state == XSD_TE_MOD)
		return e->node;
	if (e->state == XSD_TE_DEL) {
		*err = ENOENT;
		return NULL;
	}
	const struct xsd_node *base = xsd_store_get(&v->d->store, path);
	if (!base) {
		*err = ENOENT;
		return NULL;
	}
	e->node = xsd_node_dup(base, NULL);
	if (!e->node) {
		*err = ENOMEM;
		return NULL;
	}
	e->state = XSD_TE_MOD;
	return e->node;
}

int xsd_view_create(struct xsd_view *v, struct xsd_node *n)
{
	if (!v->txn) {
		if (xsd_store_insert(&v->d->store, n))
			return ENOMEM;
		return 0;
	}
	struct xsd_tent *e = xsd_htab_get(&v->txn->ents, n->path);
	if (!e) {
		int err = tent_new(v, n->path, &e);
		if (err)
			return err;
	}
	xsd_node_free(e->node);
	e->node = n;
	e->state = XSD_TE_MOD;
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

int xsd_view_event(struct xsd_view *v, const char *path, bool exact, const struct xsd_perm *perms,
		   uint32_t nperms)
{
	if (!v->txn) {
		xsd_fire(v->d, path, exact, perms, nperms);
		return 0;
	}
	/* One event per path, as Xen does: a transaction that changes the same
	 * node again and again queues nothing more. The merged event covers
	 * the ancestors if any change did, and keeps the permissions from
	 * before the first change that had them. */
	struct xsd_tent *e = xsd_htab_get(&v->txn->ents, path);
	if (e && e->ev) {
		e->ev->exact = e->ev->exact && exact;
		if (e->ev->perms || !perms || !nperms)
			return 0;
		e->ev->perms = xsd_perms_dup(perms, nperms);
		if (!e->ev->perms)
			return ENOMEM;
		e->ev->nperms = nperms;
		return 0;
	}
	struct xsd_tevent *ev = calloc(1, sizeof(*ev));
	if (!ev)
		return ENOMEM;
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
		return ENOMEM;
	}
	*v->txn->events_tail = ev;
	v->txn->events_tail = &ev->next;
	if (e)
		e->ev = ev;
	return 0;
}
