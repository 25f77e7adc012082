/* SPDX-License-Identifier: LGPL-2.1-only */
/* Transactions: start, end, commit validation and application. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xenstored/txn_int.h"
#include "sim/xenstored/xsd.h"

int xsd_txn_start(struct xsd *d, struct xsd_conn *c, uint32_t *id)
{
	if (!xsd_privileged(c) && c->ntxns >= d->lim.txns_per_conn)
		return ENOSPC;
	struct xsd_txn *t = calloc(1, sizeof(*t));
	if (!t)
		return ENOMEM;
	if (xsd_htab_init(&t->ents, 16)) {
		free(t);
		return ENOMEM;
	}
	t->events_tail = &t->events;
	/* Ids are per connection, never 0, never one still open. */
	do {
		c->next_txid++;
		if (c->next_txid == 0)
			c->next_txid = 1;
	} while (xsd_txn_find(c, c->next_txid));
	t->id = c->next_txid;
	t->next = c->txns;
	c->txns = t;
	c->ntxns++;
	*id = t->id;
	return 0;
}

struct xsd_txn *xsd_txn_find(struct xsd_conn *c, uint32_t id)
{
	for (struct xsd_txn *t = c->txns; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

uint32_t xsd_txn_size(const struct xsd_txn *t)
{
	return t->nents;
}

static void free_tent(void *val, void *arg)
{
	(void)arg;
	struct xsd_tent *e = val;
	xsd_node_free(e->node);
	free(e->path);
	free(e);
}

static void txn_free(struct xsd_txn *t)
{
	xsd_htab_each(&t->ents, free_tent, NULL);
	xsd_htab_free(&t->ents);
	struct xsd_tevent *ev = t->events;
	while (ev) {
		struct xsd_tevent *n = ev->next;
		free(ev->path);
		free(ev->perms);
		free(ev);
		ev = n;
	}
	free(t);
}

static void unlink_txn(struct xsd_conn *c, struct xsd_txn *t)
{
	for (struct xsd_txn **pp = &c->txns; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			c->ntxns--;
			return;
		}
	}
}

struct validate_ctx {
	const struct xsd_store *st;
	bool conflict;
};

static void validate_one(void *val, void *arg)
{
	struct validate_ctx *vc = arg;
	const struct xsd_tent *e = val;
	const struct xsd_node *n = xsd_store_get(vc->st, e->path);
	if ((n ? n->gen : 0) != e->base_gen)
		vc->conflict = true;
}

/* Apply one overlay entry. Each path has one entry holding the last state
 * the transaction gave it, and nodes are found by path, so the order does
 * not matter. */
static void apply_one(void *val, void *arg)
{
	struct xsd_store *st = arg;
	struct xsd_tent *e = val;
	if (e->state == XSD_TE_MOD) {
		struct xsd_node *live = xsd_store_get(st, e->path);
		if (live) {
			xsd_store_replace(st, live, e->node);
		} else if (xsd_store_insert(st, e->node)) {
			/* Out of memory half-way through a commit: keep the tree
			 * consistent by dropping the node (its parent keeps the
			 * name, which the next "check" control reports). */
			xsd_node_free(e->node);
		}
		e->node = NULL;
	} else if (e->state == XSD_TE_DEL) {
		xsd_store_remove(st, e->path);
	}
}

int xsd_txn_end(struct xsd *d, struct xsd_conn *c, struct xsd_txn *t, bool commit)
{
	unlink_txn(c, t);
	int err = 0;
	if (commit) {
		struct validate_ctx vc = { &d->store, false };
		xsd_htab_each(&t->ents, validate_one, &vc);
		if (vc.conflict) {
			err = EAGAIN;
		} else if (!xsd_privileged(c) &&
			   (int64_t)d->store.owned[c->domid] + t->owned_delta >
				   (int64_t)d->lim.nodes_per_domain) {
			err = ENOSPC;
		} else {
			xsd_htab_each(&t->ents, apply_one, &d->store);
			for (struct xsd_tevent *ev = t->events; ev; ev = ev->next)
				xsd_fire(d, ev->path, ev->exact, ev->perms, ev->nperms);
		}
	}
	txn_free(t);
	return err;
}

void xsd_txn_free_all(struct xsd_conn *c)
{
	while (c->txns) {
		struct xsd_txn *t = c->txns;
		c->txns = t->next;
		txn_free(t);
	}
	c->ntxns = 0;
}
