/* SPDX-License-Identifier: LGPL-2.1-only */
/* Watches. Every watch is in its connection's list and in an index by
 * watched path, so that firing an event for a path costs one lookup per
 * path component instead of a scan of every watch. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xenstored/paths.h"
#include "sim/xenstored/xsd.h"

int xsd_special_index(const char *path)
{
	if (!strcmp(path, XS_WATCH_INTRODUCE_DOMAIN))
		return 0;
	if (!strcmp(path, XS_WATCH_RELEASE_DOMAIN))
		return 1;
	return -1;
}

/* The index maps a path to the first watch on it; the watches on one path
 * form a doubly linked list through inext/iprev. */
static int index_add(struct xsd *d, struct xsd_watch *w)
{
	struct xsd_watch *head = xsd_htab_get(&d->watch_index, w->path);
	if (!head)
		return xsd_htab_put(&d->watch_index, w->path, w);
	w->inext = head->inext;
	w->iprev = head;
	if (head->inext)
		head->inext->iprev = w;
	head->inext = w;
	return 0;
}

static void index_del(struct xsd *d, struct xsd_watch *w)
{
	if (w->iprev) {
		w->iprev->inext = w->inext;
		if (w->inext)
			w->inext->iprev = w->iprev;
		return;
	}
	/* w heads the list: the next one (if any) takes over, with its own
	 * copy of the path as the key. */
	if (w->inext) {
		w->inext->iprev = NULL;
		/* Same path, so the lookup finds w's entry; the key pointer
		 * moves to the new head's own string. */
		xsd_htab_replace(&d->watch_index, w->inext->path, w->inext);
	} else {
		xsd_htab_del(&d->watch_index, w->path);
	}
}

static void watch_free(struct xsd_watch *w)
{
	free(w->path);
	free(w->token);
	free(w);
}

/* send_event(): queue one event, unless an identical one (same path and
 * token) is still waiting to be read; special events are always sent. */
static void queue_event(struct xsd *d, struct xsd_conn *c, const struct xsd_watch *w, const char *path)
{
	if (c->dead)
		return;
	const char *rep = path;
	if (w->relative) {
		char home[64];
		xsd_home(c->domid, home, sizeof(home));
		size_t hl = strlen(home);
		if (!strncmp(path, home, hl) && path[hl] == '/')
			rep = path + hl + 1;
	}
	if (xsd_send_event(d, c, rep, w->token) == 0)
		d->stats.events++;
}

/* check_watch_path(): any @ name of at most XENSTORE_REL_PATH_MAX
 * characters, or a valid node name. */
int xsd_watch_add(struct xsd *d, struct xsd_conn *c, const char *path, const char *token)
{
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	bool relative = false;
	if (path[0] == '@') {
		if (strlen(path) > XENSTORE_REL_PATH_MAX)
			return EINVAL;
		snprintf(abs, sizeof(abs), "%s", path);
	} else {
		int err = xsd_canon(d, c->domid, path, abs, sizeof(abs));
		if (err)
			return err;
		relative = path[0] != '/';
	}
	for (struct xsd_watch *w = c->watches; w; w = w->cnext)
		if (!strcmp(w->path, abs) && !strcmp(w->token, token))
			return EEXIST;
	/* do_watch(): domain_watch(conn) > quota_nb_watch_per_domain, counted
	 * over every connection of the domain. */
	if (!xsd_privileged(c) && c->dom && c->dom->nwatches > d->lim.watches_per_domain)
		return E2BIG;
	struct xsd_watch *w = calloc(1, sizeof(*w));
	if (!w)
		return ENOMEM;
	w->conn = c;
	w->path = strdup(abs);
	w->token = strdup(token);
	w->relative = relative;
	if (!w->path || !w->token || index_add(d, w)) {
		watch_free(w);
		return ENOMEM;
	}
	w->cnext = c->watches;
	c->watches = w;
	c->nwatches++;
	if (c->dom)
		c->dom->nwatches++;
	return 0;
}

static void unlinked(struct xsd *d, struct xsd_conn *c, struct xsd_watch *w)
{
	c->nwatches--;
	if (c->dom && c->dom->nwatches)
		c->dom->nwatches--;
	index_del(d, w);
	watch_free(w);
}

/* do_unwatch(): the path is canonicalized, not checked; no match is
 * ENOENT. */
int xsd_watch_del(struct xsd *d, struct xsd_conn *c, const char *path, const char *token)
{
	char abs[XENSTORE_ABS_PATH_MAX + 64];
	if (path[0] == '@' || path[0] == '/') {
		snprintf(abs, sizeof(abs), "%s", path);
	} else {
		char home[64];
		xsd_home(c->domid, home, sizeof(home));
		snprintf(abs, sizeof(abs), "%s/%s", home, path);
	}
	for (struct xsd_watch **pp = &c->watches; *pp; pp = &(*pp)->cnext) {
		struct xsd_watch *w = *pp;
		if (strcmp(w->path, abs) || strcmp(w->token, token))
			continue;
		*pp = w->cnext;
		unlinked(d, c, w);
		return 0;
	}
	return ENOENT;
}

void xsd_watch_del_all(struct xsd *d, struct xsd_conn *c)
{
	while (c->watches) {
		struct xsd_watch *w = c->watches;
		c->watches = w->cnext;
		unlinked(d, c, w);
	}
	c->nwatches = 0;
}

/* May connection c learn about a change of path? It may if it can read
 * the node (with the permissions it had before a deletion) or its parent. */
static bool permitted(struct xsd *d, struct xsd_conn *c, const char *path,
		      const struct xsd_perm *perms, uint32_t np)
{
	if (xsd_privileged(c))
		return true;
	int si = xsd_special_index(path);
	if (si >= 0)
		return xsd_perm_for(d, c, d->special_perms[si], d->special_nperms[si]) & XSD_PERM_READ;
	if (perms && (xsd_perm_for(d, c, perms, np) & XSD_PERM_READ))
		return true;
	const struct xsd_node *n = xsd_store_get(&d->store, path);
	if (n && (xsd_perm_for(d, c, xsd_node_perms(n), n->nperms) & XSD_PERM_READ))
		return true;
	char up[XENSTORE_ABS_PATH_MAX + 1];
	xsd_parent(path, up, sizeof(up));
	const struct xsd_node *p = xsd_store_get(&d->store, up);
	return p && (xsd_perm_for(d, c, xsd_node_perms(p), p->nperms) & XSD_PERM_READ);
}

static void fire_list(struct xsd *d, const char *key, const char *path,
		      const struct xsd_perm *perms, uint32_t np)
{
	for (struct xsd_watch *w = xsd_htab_get(&d->watch_index, key); w; w = w->inext) {
		struct xsd_conn *c = w->conn;
		if (c->fire_stamp != d->fire_stamp) {
			c->fire_stamp = d->fire_stamp;
			c->fire_ok = permitted(d, c, path, perms, np);
		}
		if (c->fire_ok)
			queue_event(d, c, w, path);
	}
}

void xsd_fire(struct xsd *d, struct xsd_conn *cause, const char *path, bool exact,
	      const struct xsd_perm *perms, uint32_t np)
{
	/* fire_watches(): the events a guest's request causes are charged to
	 * that request (and so to the guest's outstanding requests). */
	d->cause = cause && !xsd_privileged(cause) && cause->dom ? cause->dom : NULL;
	d->fire_stamp++;
	fire_list(d, path, path, perms, np);
	if (exact || path[0] != '/') {
		d->cause = NULL;
		return;
	}
	/* Watches on every ancestor, up to "/": one lookup per component. */
	char buf[XENSTORE_ABS_PATH_MAX + 1];
	size_t l = strlen(path);
	if (l >= sizeof(buf)) {
		d->cause = NULL;
		return;
	}
	memcpy(buf, path, l + 1);
	while (l > 1) {
		while (l > 0 && buf[l - 1] != '/')
			l--;
		l = l > 1 ? l - 1 : 1;
		buf[l] = '\0';
		fire_list(d, buf, path, perms, np);
	}
	d->cause = NULL;
}

void xsd_watch_first_event(struct xsd *d, struct xsd_conn *c)
{
	/* The newest watch is the head of the connection's list. */
	struct xsd_watch *w = c->watches;
	if (!w)
		return;
	/* Not linked to the WATCH request (do_watch()). */
	queue_event(d, c, w, w->path);
}
