/* SPDX-License-Identifier: LGPL-2.1-only */
/* Transactions: start, end, commit validation and application. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xenstored/txn_int.h"
#include "sim/xenstored/xsd.h"

int xsd_txn_start(struct xsd *d, struct xsd_conn *c, uint32_t *id)
{
	/* do_transaction_start(): transaction_started > quota_max_transaction. */
	if (!xsd_privileged(c) && c->ntxns > d->lim.txns_per_conn)
		return ENOSPC;
	struct xsd_txn *t = calloc(1, sizeof(*t));
	if (!t)
		return ENOMEM;
	/* the store's secret key, stirred with the transaction's address */
	if (xsd_htab_init_keyed(&t->ents, 16, d->store.k0 ^ (uint64_t)(uintptr_t)t, d->store.k1)) {
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

struct collect_ctx {
	const struct xsd_store *st;
	struct xsd_tent **v;
	size_t n;
	bool conflict;
};

static void collect_one(void *val, void *arg)
{
	struct collect_ctx *cc = arg;
	struct xsd_tent *e = val;
	const struct xsd_node *n = xsd_store_get(cc->st, e->path);
	if ((n ? n->gen : 0) != e->base_gen)
		cc->conflict = true;
	if (e->state != XSD_TE_READ)
		cc->v[cc->n++] = e;
}

static size_t depth(const char *p)
{
	size_t k = 0;
	for (; *p; p++)
		k += *p == '/';
	return k;
}

/* Deletions first, deepest first (a node leaves the store after its
 * children); then changes and creations, shallowest first (a node enters
 * it after its parent). */
static int apply_order(const void *a, const void *b)
{
	const struct xsd_tent *x = *(const struct xsd_tent *const *)a;
	const struct xsd_tent *y = *(const struct xsd_tent *const *)b;
	if (x->state != y->state)
		return x->state == XSD_TE_DEL ? -1 : 1;
	size_t dx = depth(x->path), dy = depth(y->path);
	if (dx != dy)
		return x->state == XSD_TE_DEL ? (dx > dy ? -1 : 1) : (dx < dy ? -1 : 1);
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void apply_one(struct xsd_store *st, struct xsd_tent *e)
{
	if (e->state == XSD_TE_MOD) {
		struct xsd_node *live = xsd_store_get(st, e->path);
		if (live) {
			xsd_store_replace(st, live, e->node);
		} else if (xsd_store_insert(st, e->path, e->node)) {
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

/* do_transaction_end() with "T": a failed transaction (a quota broken
 * inside it) is ENOMEM; then the node quota of the domain after the
 * transaction (transaction_fix_domains(): cnt >= quota_nb_entry_per_domain
 * is ENOSPC, checked when it created nodes); then any conflict is EAGAIN
 * (finalize_transaction()). Nothing is applied unless all pass. */
static int commit(struct xsd *d, struct xsd_conn *c, struct xsd_txn *t)
{
	if (t->fail)
		return ENOMEM;
	if (!xsd_privileged(c) && t->node_created &&
	    (int64_t)d->store.owned[c->domid] + t->owned_delta >= (int64_t)d->lim.nodes_per_domain)
		return ENOSPC;
	struct collect_ctx cc = { &d->store, NULL, 0, false };
	cc.v = malloc((t->nents ? t->nents : 1) * sizeof(*cc.v));
	if (!cc.v)
		return ENOMEM;
	xsd_htab_each(&t->ents, collect_one, &cc);
	if (cc.conflict) {
		free(cc.v);
		return EAGAIN;
	}
	qsort(cc.v, cc.n, sizeof(*cc.v), apply_order);
	for (size_t i = 0; i < cc.n; i++)
		apply_one(&d->store, cc.v[i]);
	free(cc.v);
	for (struct xsd_tevent *ev = t->events; ev; ev = ev->next)
		xsd_fire(d, c, ev->path, ev->exact, ev->perms, ev->nperms);
	return 0;
}

int xsd_txn_end(struct xsd *d, struct xsd_conn *c, struct xsd_txn *t, bool commit_it)
{
	unlink_txn(c, t);
	int err = commit_it ? commit(d, c, t) : 0;
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
