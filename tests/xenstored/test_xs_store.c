/* SPDX-License-Identifier: LGPL-2.1-only */
/* The node store's structures, on in-process connections: nodes never move
 * (a directory with many children keeps them found while its value and
 * permissions grow and shrink), the per-domain lists of the nodes that name
 * a domain stay exact through every change, and RELEASE removes what the
 * domain owns wherever it is and makes its other entries inert, with the
 * node counts of the quotas unchanged. The structures are checked against a
 * walk of the whole tree after every step. */
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/log.h"
#include "sim/xenstored/xsd.h"

struct fix {
	struct xctl_log lg;
	struct xsd d;
	struct xsd_conn *d0;
	struct xsd_conn *g[8]; /* g[i]: a connection of domain i (1..7) */
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	xctl_log_init(&f->lg, "test", -1);
	if (xsd_init(&f->d, &f->lg))
		return -1;
	f->d0 = xsd_conn_new(&f->d, -1, 0, NULL);
	for (uint32_t i = 1; i < 8; i++) {
		if (xsd_dom_introduce(&f->d, i, 1, 1))
			return -1;
		f->g[i] = xsd_conn_new(&f->d, -1, i, xsd_dom_get(&f->d, i));
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	xsd_fini(&f->d);
	free(f);
	return 0;
}

/* One request of NUL-separated strings (the list ends with NULL) on c; its
 * reply is dropped. Returns the reply type. */
static uint32_t req(struct fix *f, struct xsd_conn *c, uint32_t type, ...)
{
	char body[4096];
	uint32_t len = 0;
	va_list ap;
	va_start(ap, type);
	for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *)) {
		size_t l = strlen(s) + 1;
		assert_true(len + l <= sizeof(body));
		memcpy(body + len, s, l);
		len += (uint32_t)l;
	}
	va_end(ap);
	struct xsd_sockmsg h = { type, 1, 0, len };
	assert_true(c->in_len + sizeof(h) + len <= sizeof(c->in));
	memcpy(c->in + c->in_len, &h, sizeof(h));
	memcpy(c->in + c->in_len + sizeof(h), body, len);
	c->in_len += (uint32_t)(sizeof(h) + len);
	assert_int_equal(xsd_conn_process(&f->d, c), 0);
	uint32_t got = 0;
	for (struct xsd_omsg *m = c->out_head; m; m = m->next) {
		struct xsd_sockmsg r;
		memcpy(&r, m->data, sizeof(r));
		if (r.type != XS_WATCH_EVENT)
			got = r.type;
	}
	xsd_conn_flush(&f->d, c);
	return got;
}

/* A write whose value is exactly len bytes of ch. */
static uint32_t write_len(struct fix *f, struct xsd_conn *c, const char *path, size_t len, char ch)
{
	char body[4096];
	size_t pl = strlen(path) + 1;
	assert_true(pl + len <= sizeof(body));
	memcpy(body, path, pl);
	memset(body + pl, ch, len);
	struct xsd_sockmsg h = { XS_WRITE, 1, 0, (uint32_t)(pl + len) };
	memcpy(c->in + c->in_len, &h, sizeof(h));
	memcpy(c->in + c->in_len + sizeof(h), body, pl + len);
	c->in_len += (uint32_t)(sizeof(h) + pl + len);
	assert_int_equal(xsd_conn_process(&f->d, c), 0);
	struct xsd_sockmsg r;
	memcpy(&r, c->out_head->data, sizeof(r));
	xsd_conn_flush(&f->d, c);
	return r.type;
}

struct counts {
	const struct xsd_store *st;
	uint32_t named[8];  /* entries that must be in domain i's list */
	uint32_t owned[8];
	size_t nodes;
};

/* Listed: another entry while it grants something; the owner's where the
 * parent has another owner (the top of the owner's subtree). */
static bool listed(const struct xsd_node *n, uint32_t i)
{
	const struct xsd_perm *p = xsd_node_perms(n);
	if (p[i].id < 1 || p[i].id >= XSD_DOMID_MAX)
		return false;
	if (i)
		return !(p[i].perm & XSD_PERM_IGNORE);
	return n->parent && xsd_node_owner(n->parent) != p[0].id;
}

static void count_node(const struct xsd_node *n, void *arg)
{
	struct counts *c = arg;
	const struct xsd_perm *p = xsd_node_perms(n);
	c->nodes++;
	if (n->nperms && p[0].id < 8)
		c->owned[p[0].id]++;
	assert_int_equal(n->olisted, n->nperms && listed(n, 0));
	for (uint32_t i = 0; i < n->nperms; i++) {
		if (!listed(n, i))
			continue;
		/* the entry's place in its domain's list holds this node */
		const struct xsd_mentions *m = &c->st->ment[p[i].id];
		assert_true(p[i].slot < m->n);
		assert_ptr_equal(m->v[p[i].slot], n);
		if (p[i].id < 8)
			c->named[p[i].id]++;
	}
	/* every listed child is there, under this very node */
	for (uint32_t off = 0; off < n->clen; off += (uint32_t)strlen(n->children + off) + 1) {
		const struct xsd_node *ch = xsd_store_child(c->st, n, n->children + off);
		assert_non_null(ch);
		assert_ptr_equal(ch->parent, n);
	}
}

/* The lists, the owner counts and the tree agree. */
static void check_store(struct fix *f)
{
	struct counts c = { .st = &f->d.store };
	xsd_store_each(&f->d.store, count_node, &c);
	assert_int_equal(c.nodes, xsd_store_nodes(&f->d.store));
	for (uint32_t i = 1; i < 8; i++) {
		assert_int_equal(f->d.store.ment[i].n, c.named[i]);
		assert_int_equal(f->d.store.owned[i], c.owned[i]);
	}
}

/* 3,000 children of one node: each is found, its path is right, and they
 * stay so while their parent's value and permissions grow past its block
 * and shrink back; the parent keeps its address throughout. */
static void test_many_children(void **state)
{
	struct fix *f = *state;
	assert_int_equal(req(f, f->d0, XS_MKDIR, "/many", NULL), XS_MKDIR);
	const struct xsd_node *dir = xsd_store_get(&f->d.store, "/many");
	assert_non_null(dir);
	char p[64], q[XENSTORE_ABS_PATH_MAX + 1];
	for (int i = 0; i < 3000; i++) {
		snprintf(p, sizeof(p), "/many/c%d", i);
		assert_int_equal(req(f, f->d0, XS_WRITE, p, "x", NULL), XS_WRITE);
		if (i % 500 == 0) {
			/* the parent changes while it has children */
			assert_int_equal(write_len(f, f->d0, "/many", (size_t)i + 100, 'v'), XS_WRITE);
			assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/many", "n0", "r1", "r2", "w3", NULL),
					 XS_SET_PERMS);
		}
	}
	assert_ptr_equal(xsd_store_get(&f->d.store, "/many"), dir);
	assert_true(dir->ext); /* 2,600 bytes did not fit its block */
	for (int i = 0; i < 3000; i++) {
		snprintf(p, sizeof(p), "/many/c%d", i);
		const struct xsd_node *n = xsd_store_get(&f->d.store, p);
		assert_non_null(n);
		assert_ptr_equal(n->parent, dir);
		xsd_node_path(n, q, sizeof(q));
		assert_string_equal(q, p);
	}
	assert_int_equal(dir->vlen, 2600);
	assert_int_equal(dir->nperms, 4);
	assert_int_equal(xsd_node_perms(dir)[3].id, 3);
	/* back to the list and value it was made with: inside its own block
	 * again (whatever the allocator's slack), same address */
	assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/many", "n0", NULL), XS_SET_PERMS);
	assert_int_equal(write_len(f, f->d0, "/many", 0, 's'), XS_WRITE);
	assert_ptr_equal(xsd_store_get(&f->d.store, "/many"), dir);
	assert_false(dir->ext);
	assert_int_equal(dir->vlen, 0);
	assert_int_equal(xsd_node_value(dir)[0], '\0');
	assert_string_equal(xsd_node_name(dir), "many");
	assert_non_null(xsd_store_get(&f->d.store, "/many/c2999"));
	check_store(f);
	assert_int_equal(req(f, f->d0, XS_RM, "/many", NULL), XS_RM);
	assert_null(xsd_store_get(&f->d.store, "/many/c0"));
	check_store(f);
}

/* A node's content moves in and out of its block with every size of
 * value: name, value and permissions read back each time. */
static void test_grow_shrink(void **state)
{
	struct fix *f = *state;
	assert_int_equal(req(f, f->d0, XS_WRITE, "/gs/node-with-a-longer-name", "", NULL), XS_WRITE);
	const struct xsd_node *n = xsd_store_get(&f->d.store, "/gs/node-with-a-longer-name");
	assert_non_null(n);
	static const size_t sizes[] = { 0, 1, 7, 8, 9, 63, 64, 200, 4000, 3, 0, 1000, 2, 4000, 4000, 16 };
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		char ch = (char)('a' + k);
		assert_int_equal(write_len(f, f->d0, "/gs/node-with-a-longer-name", sizes[k], ch), XS_WRITE);
		assert_ptr_equal(xsd_store_get(&f->d.store, "/gs/node-with-a-longer-name"), n);
		assert_int_equal(n->vlen, sizes[k]);
		for (size_t i = 0; i < sizes[k]; i++)
			assert_int_equal(xsd_node_value(n)[i], ch);
		assert_int_equal(xsd_node_value(n)[sizes[k]], '\0');
		assert_string_equal(xsd_node_name(n), "node-with-a-longer-name");
		assert_int_equal(xsd_node_owner(n), 0);
		/* and a longer permission list each other time */
		if (k % 2)
			assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/gs/node-with-a-longer-name", "n0", "r4",
					     "w5", "b6", "r7", NULL), XS_SET_PERMS);
		else
			assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/gs/node-with-a-longer-name", "r0", NULL),
					 XS_SET_PERMS);
		assert_int_equal(n->nperms, k % 2 ? 5 : 1);
		check_store(f);
	}
	/* content that fills the block exactly stays in it */
	assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/gs/node-with-a-longer-name", "n0", NULL), XS_SET_PERMS);
	size_t fit = malloc_usable_size((void *)n) - sizeof(struct xsd_node) - sizeof(struct xsd_perm) -
		     (n->namelen + 1) - 1;
	assert_int_equal(write_len(f, f->d0, "/gs/node-with-a-longer-name", fit, 'f'), XS_WRITE);
	assert_false(n->ext);
	assert_int_equal(write_len(f, f->d0, "/gs/node-with-a-longer-name", fit + 1, 'f'), XS_WRITE);
	assert_true(n->ext);
	assert_int_equal(req(f, f->d0, XS_RM, "/gs", NULL), XS_RM);
	check_store(f);
}

/* Domain 5 owns nodes in several places (its home, a directory dom0 gave
 * it elsewhere, one inside a dom0 subtree) and is named in other nodes'
 * lists, twice in one of them. RELEASE removes exactly its subtrees (with
 * the dom0 node inside one of them), leaves the others, makes its entries
 * inert but shown, and empties its list; its quota count goes to 0 while
 * domain 6's stays. A domain 5 introduced again gets nothing from them. */
static void test_release_everywhere(void **state)
{
	struct fix *f = *state;
	struct xsd_conn *g5 = f->g[5], *g6 = f->g[6];
	assert_int_equal(req(f, f->d0, XS_MKDIR, "/local/domain/5", NULL), XS_MKDIR);
	assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/local/domain/5", "n5", "r0", NULL), XS_SET_PERMS);
	assert_int_equal(req(f, f->d0, XS_MKDIR, "/shared/area", NULL), XS_MKDIR);
	assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/shared/area", "n0", "b5", "b6", NULL), XS_SET_PERMS);
	assert_int_equal(req(f, g5, XS_WRITE, "data/a/b", "1", NULL), XS_WRITE);
	assert_int_equal(req(f, g5, XS_WRITE, "/shared/area/five/x", "1", NULL), XS_WRITE);
	assert_int_equal(req(f, g5, XS_WRITE, "/shared/area/five/y", "1", NULL), XS_WRITE);
	assert_int_equal(req(f, g6, XS_WRITE, "/shared/area/six", "1", NULL), XS_WRITE);
	/* dom0 writes inside 5's subtree: the node is dom0's, it goes with it */
	assert_int_equal(req(f, f->d0, XS_WRITE, "/shared/area/five/by-dom0", "1", NULL), XS_WRITE);
	assert_int_equal(xsd_node_owner(xsd_store_get(&f->d.store, "/shared/area/five/by-dom0")), 5);
	assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/shared/area/five/by-dom0", "n0", NULL), XS_SET_PERMS);
	/* dom0's nodes that name 5 */
	assert_int_equal(req(f, f->d0, XS_WRITE, "/backend/vbd/5/768/state", "1", NULL), XS_WRITE);
	assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/backend/vbd/5/768", "n0", "r5", NULL), XS_SET_PERMS);
	assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/backend/vbd/5/768/state", "n0", "r5", "w6", "w5", NULL),
			 XS_SET_PERMS);
	uint32_t six = f->d.store.owned[6];
	check_store(f);
	/* listed: its home and five (tops), five's b5, x's, y's and six's b5,
	 * area's b5, 768's r5, state's r5 and w5 (not data, a, b, x, y: below
	 * a top) */
	assert_int_equal(f->d.store.ment[5].n, 10);

	req(f, f->d0, XS_WATCH, "/shared", "w", NULL);
	assert_int_equal(xsd_dom_release(&f->d, 5), 0);
	xsd_reap(&f->d);
	f->g[5] = NULL;
	assert_null(xsd_store_get(&f->d.store, "/local/domain/5"));
	assert_null(xsd_store_get(&f->d.store, "/shared/area/five"));
	assert_null(xsd_store_get(&f->d.store, "/shared/area/five/by-dom0"));
	assert_non_null(xsd_store_get(&f->d.store, "/shared/area/six"));
	assert_non_null(xsd_store_get(&f->d.store, "/shared/area"));
	const struct xsd_node *st = xsd_store_get(&f->d.store, "/backend/vbd/5/768/state");
	assert_non_null(st);
	const struct xsd_perm *p = xsd_node_perms(st);
	assert_int_equal(st->nperms, 4);
	assert_true(p[1].perm & XSD_PERM_IGNORE);
	assert_false(p[2].perm & XSD_PERM_IGNORE);
	assert_true(p[3].perm & XSD_PERM_IGNORE);
	assert_true(xsd_node_perms(xsd_store_get(&f->d.store, "/shared/area"))[1].perm & XSD_PERM_IGNORE);
	assert_int_equal(f->d.store.owned[5], 0);
	assert_int_equal(f->d.store.ment[5].n, 0);
	assert_int_equal(f->d.store.owned[6], six);
	check_store(f);
	/* the removals were seen: the top of 5's subtree by the watcher above it */
	bool seen = false;
	for (struct xsd_omsg *m = f->d0->out_head; m; m = m->next)
		seen = seen || !strcmp(m->data + sizeof(struct xsd_sockmsg), "/shared/area/five");
	assert_true(seen);
	xsd_conn_flush(&f->d, f->d0);

	/* a new domain 5 inherits nothing */
	assert_int_equal(xsd_dom_introduce(&f->d, 5, 1, 1), 0);
	g5 = f->g[5] = xsd_conn_new(&f->d, -1, 5, xsd_dom_get(&f->d, 5));
	assert_int_equal(req(f, g5, XS_READ, "/backend/vbd/5/768/state", NULL), XS_ERROR);
	assert_int_equal(req(f, g5, XS_WRITE, "/shared/area/again", "1", NULL), XS_ERROR);
	assert_int_equal(req(f, f->d0, XS_RESET_WATCHES, "", NULL), XS_RESET_WATCHES);
	assert_int_equal(req(f, f->d0, XS_RM, "/shared", NULL), XS_RM);
	assert_int_equal(req(f, f->d0, XS_RM, "/backend", NULL), XS_RM);
	check_store(f);
}

/* A directory whose owner changes: its children owned by domain 1 are the
 * top of 1's subtrees, then not (the directory becomes 1's), then again;
 * releasing 1 removes them and leaves the directory, now 2's. */
static void test_owner_changes(void **state)
{
	struct fix *f = *state;
	assert_int_equal(req(f, f->d0, XS_MKDIR, "/own/dir", NULL), XS_MKDIR);
	assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/own/dir", "n0", "b1", NULL), XS_SET_PERMS);
	char p[32];
	for (int i = 0; i < 20; i++) {
		snprintf(p, sizeof(p), "/own/dir/c%d", i);
		assert_int_equal(req(f, f->g[1], XS_WRITE, p, "1", NULL), XS_WRITE);
	}
	const struct xsd_node *c0 = xsd_store_get(&f->d.store, "/own/dir/c0");
	assert_true(c0->olisted);
	check_store(f);
	assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/own/dir", "n1", NULL), XS_SET_PERMS);
	assert_false(c0->olisted);
	check_store(f);
	assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/own/dir", "n2", NULL), XS_SET_PERMS);
	assert_true(c0->olisted);
	check_store(f);
	assert_int_equal(xsd_dom_release(&f->d, 1), 0);
	xsd_reap(&f->d);
	assert_null(xsd_store_get(&f->d.store, "/own/dir/c0"));
	assert_non_null(xsd_store_get(&f->d.store, "/own/dir"));
	assert_int_equal(f->d.store.owned[1], 0);
	check_store(f);
	assert_int_equal(xsd_dom_introduce(&f->d, 1, 1, 1), 0);
	f->g[1] = xsd_conn_new(&f->d, -1, 1, xsd_dom_get(&f->d, 1));
	assert_int_equal(req(f, f->d0, XS_RM, "/own", NULL), XS_RM);
	check_store(f);
}

/* The first entries ever naming a domain, given to nodes already in the
 * store: its list has no room yet, and gets it before the change. */
static void test_first_mention(void **state)
{
	struct fix *f = *state;
	assert_int_equal(xsd_dom_introduce(&f->d, 9, 1, 1), 0);
	assert_int_equal(f->d.store.ment[9].cap, 0);
	assert_int_equal(req(f, f->d0, XS_MKDIR, "/fresh/a", NULL), XS_MKDIR);
	assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/fresh/a", "n0", "r9", NULL), XS_SET_PERMS);
	assert_int_equal(f->d.store.ment[9].n, 1);
	check_store(f);
	assert_int_equal(xsd_dom_introduce(&f->d, 10, 1, 1), 0);
	assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/fresh", "n10", NULL), XS_SET_PERMS);
	assert_int_equal(f->d.store.ment[10].n, 1);
	check_store(f);
	assert_int_equal(xsd_dom_release(&f->d, 10), 0);
	assert_null(xsd_store_get(&f->d.store, "/fresh"));
	assert_int_equal(f->d.store.ment[9].n, 0);
	assert_int_equal(xsd_dom_release(&f->d, 9), 0);
	check_store(f);
}

/* Many writes, permission changes and removals by several domains, in and
 * out of transactions: after each step the lists and the counts agree
 * with the tree, and the guests' node counts are what they created. */
static void test_lists_follow_changes(void **state)
{
	struct fix *f = *state;
	unsigned long long seed = 0x2545F4914F6CDD1DULL;
	assert_int_equal(req(f, f->d0, XS_MKDIR, "/mix", NULL), XS_MKDIR);
	assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/mix", "n0", "b1", "b2", "b3", NULL), XS_SET_PERMS);
	for (int step = 0; step < 1500; step++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		uint32_t who = (uint32_t)(seed % 4); /* 0: dom0 */
		struct xsd_conn *c = who ? f->g[who] : f->d0;
		char path[64], o[8], e1[8], e2[8];
		snprintf(path, sizeof(path), "/mix/n%u/k%u", (unsigned)(seed >> 8) % 7, (unsigned)(seed >> 16) % 5);
		switch ((seed >> 24) % 5) {
		case 0:
		case 1:
			write_len(f, c, path, (size_t)(seed >> 32) % 300, 'z');
			break;
		case 2:
			snprintf(o, sizeof(o), "n%u", who);
			snprintf(e1, sizeof(e1), "r%u", (unsigned)(seed >> 40) % 4 + 1);
			snprintf(e2, sizeof(e2), "w%u", (unsigned)(seed >> 44) % 4 + 1);
			req(f, c, XS_SET_PERMS, path, o, e1, e2, e1, NULL);
			break;
		case 3:
			req(f, c, XS_RM, path, NULL);
			break;
		default:
			/* a transaction that writes and changes permissions */
			req(f, c, XS_TRANSACTION_START, "", NULL);
			assert_non_null(c->txns); /* the one just started */
			{
				struct xsd_view v = { &f->d, c, c->txns };
				struct xsd_perm pp[2] = { { .id = who, .perm = XSD_PERM_NONE },
							  { .id = 3, .perm = XSD_PERM_READ } };
				if (!xsd_op_write(&v, path, "t", 1))
					xsd_op_set_perms(&v, path, pp, 2);
				xsd_txn_end(&f->d, c, c->txns, true);
			}
			break;
		}
		check_store(f);
	}
	assert_int_equal(req(f, f->d0, XS_RM, "/mix", NULL), XS_RM);
	check_store(f);
	for (uint32_t i = 1; i < 8; i++)
		assert_int_equal(f->d.store.owned[i], 0);
}

/* The guest node quota counts what a guest owns, however its nodes'
 * contents move: nodes_per_domain is reached at the same count. */
static void test_quota_counts(void **state)
{
	struct fix *f = *state;
	struct xsd_conn *g = f->g[7];
	f->d.lim.nodes_per_domain = 20;
	assert_int_equal(req(f, f->d0, XS_MKDIR, "/local/domain/7", NULL), XS_MKDIR);
	assert_int_equal(req(f, f->d0, XS_SET_PERMS, "/local/domain/7", "n7", NULL), XS_SET_PERMS);
	uint32_t base = f->d.store.owned[7];
	char p[32];
	int made = 0;
	for (int i = 0; i < 40; i++) {
		snprintf(p, sizeof(p), "q%d", i);
		if (write_len(f, g, p, (size_t)(i * 37 % 1500), 'q') != XS_WRITE)
			break;
		made++;
		/* a bigger value and a longer list, then smaller again */
		snprintf(p, sizeof(p), "/local/domain/7/q%d", i);
		assert_int_equal(write_len(f, g, p, 1800, 'Q'), XS_WRITE);
		assert_int_equal(req(f, g, XS_SET_PERMS, p, "n7", "r1", "r2", NULL), XS_SET_PERMS);
		assert_int_equal(write_len(f, g, p, 1, 'q'), XS_WRITE);
	}
	assert_int_equal(base + (uint32_t)made, 20);
	assert_int_equal(f->d.store.owned[7], 20);
	check_store(f);
	assert_int_equal(req(f, f->d0, XS_RM, "/local/domain/7", NULL), XS_RM);
	assert_int_equal(f->d.store.owned[7], 0);
	f->d.lim.nodes_per_domain = 1000;
	check_store(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_children),
		cmocka_unit_test(test_grow_shrink),
		cmocka_unit_test(test_release_everywhere),
		cmocka_unit_test(test_owner_changes),
		cmocka_unit_test(test_first_mention),
		cmocka_unit_test(test_lists_follow_changes),
		cmocka_unit_test(test_quota_counts),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
