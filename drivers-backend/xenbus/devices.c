/* SPDX-License-Identifier: LGPL-2.1-only */
/* The backends' devices: the table of what a backend serves, found from
 * its backend directory's watch events, and the work list a poll looks at;
 * see xenbus.h. The state machine itself is xenbus.c's. */
#include "drivers-backend/xenbus/xenbus.h"
#include "drivers-backend/xenbus/xenbus_int.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_BE "be"
#define TOKEN_FE "fe"
/* Watch events taken per poll: a flood is drained over several polls. */
#define EVENTS_PER_POLL 4096
#define DOMID_MAX 0x7fefu

/* Put d on the work list, once. The lists are as large as the table
 * (add() grows them together), so this cannot fail. */
void xb_wake(struct xb_dev *d)
{
	struct xb_backend *b = d->b;
	if (d->queued)
		return;
	b->work[b->nwork++] = d;
	d->queued = true;
}

void xb_dev_activate(struct xb_dev *d)
{
	struct xb_backend *b = d->b;
	if (d->active)
		return;
	d->aidx = b->nactive;
	b->active[b->nactive++] = d;
	d->active = true;
}

void xb_dev_idle(struct xb_dev *d)
{
	struct xb_backend *b = d->b;
	if (!d->active)
		return;
	unsigned i = d->aidx;
	b->active[i] = b->active[--b->nactive];
	b->active[i]->aidx = i;
	b->active[b->nactive] = NULL;
	d->active = false;
}

void xb_set_dirty(struct xb_dev *d)
{
	d->dirty = true;
	xb_wake(d);
}

static uint64_t key_of(uint32_t domid, uint32_t devid)
{
	return (uint64_t)domid << 32 | devid;
}

static struct xb_dev *find(struct xb_backend *b, uint32_t domid, uint32_t devid)
{
	return idmap_get(&b->index, key_of(domid, devid));
}

static void domain_count_down(struct xb_backend *b, uint32_t domid)
{
	uintptr_t had = (uintptr_t)idmap_get(&b->domains, domid);
	if (had > 1)
		idmap_put(&b->domains, domid, (void *)(had - 1)); /* replaces: cannot fail */
	else
		idmap_del(&b->domains, domid);
}

/* Add d to the table, the index and its domain's count. */
static int add(struct xb_backend *b, struct xb_dev *d)
{
	if (b->ndevs == b->cap) {
		unsigned cap = b->cap ? b->cap * 2 : 16;
		struct xb_dev ***lists[] = { &b->devs, &b->work, &b->spare, &b->active };
		for (size_t i = 0; i < XCTL_ARRAY_SIZE(lists); i++) {
			struct xb_dev **v = realloc(*lists[i], cap * sizeof(*v));
			if (!v)
				return XCTL_ERR_NOMEM; /* the ones grown already stay so */
			*lists[i] = v;
		}
		b->cap = cap;
	}
	uintptr_t had = (uintptr_t)idmap_get(&b->domains, d->domid);
	int rc = idmap_put(&b->domains, d->domid, (void *)(had + 1));
	if (!rc) {
		rc = idmap_put(&b->index, key_of(d->domid, d->devid), d);
		if (rc)
			domain_count_down(b, d->domid);
	}
	if (rc)
		return rc;
	d->idx = b->ndevs;
	b->devs[b->ndevs++] = d;
	return 0;
}

/* Take d out of the table, the index and the active list (not freed). It
 * is on no work list: a device goes from its own work item (run_work takes
 * it off before), from create before it is woken, or at xb_backend_free,
 * which empties the list first. */
static void drop(struct xb_backend *b, struct xb_dev *d)
{
	idmap_del(&b->index, key_of(d->domid, d->devid));
	domain_count_down(b, d->domid);
	unsigned i = d->idx;
	b->devs[i] = b->devs[--b->ndevs];
	b->devs[i]->idx = i;
	b->devs[b->ndevs] = NULL;
	xb_dev_idle(d);
}

static int publish_initwait(struct xb_dev *d)
{
	int rc = 0;
	for (int tries = 0; tries < XB_TXN_RETRIES; tries++) {
		xenio_txn t;
		rc = d->x->ops->xs_txn_start(d->x, &t);
		if (rc)
			return rc;
		rc = d->b->h->publish ? d->b->h->publish(d, t) : 0;
		if (!rc)
			rc = xb_be_write(d, t, XS_KEY_STATE, "%u", (unsigned)XB_INITWAIT);
		int rc2 = d->x->ops->xs_txn_end(d->x, t, rc != 0);
		if (!rc && rc2 == XCTL_ERR_AGAIN)
			continue;
		rc = rc ? rc : rc2;
		break;
	}
	if (!rc) {
		d->state = XB_INITWAIT;
		d->transitions++;
	}
	return rc;
}

static void create(struct xb_backend *b, uint32_t domid, uint32_t devid)
{
	if (b->ndevs >= b->max_devices) {
		xctl_err_log(b->log, "domain %u %s %u: not served: this backend serves %u devices already, "
			     "its limit; start it with a larger --max-devices (at most %u), or remove devices",
			     domid, b->h->type, devid, b->ndevs, XB_MAX_DEVICES_LIMIT);
		b->refused = true;
		return;
	}
	struct xb_dev *d = calloc(1, sizeof(*d));
	if (!d) {
		xctl_err_log(b->log, "domain %u %s %u: not served: out of memory", domid, b->h->type, devid);
		return;
	}
	d->b = b;
	d->x = b->x;
	d->log = b->log;
	d->domid = domid;
	d->devid = devid;
	d->fe_state = XB_FE_GONE;
	snprintf(d->who, sizeof(d->who), "domain %u %s %u", domid, b->h->type, devid);
	snprintf(d->be, sizeof(d->be), "%s/%u/%u", b->dir, domid, devid);
	char *fe = NULL;
	uint64_t feid = 0;
	if (xb_be_str(d, XS_KEY_FRONTEND, XB_PATH_MAX - 1, &fe) ||
	    xb_be_uint(d, XS_KEY_FRONTEND_ID, DOMID_MAX, &feid)) {
		/* written by the toolstack, maybe not yet: the next event retries */
		free(fe);
		free(d);
		return;
	}
	snprintf(d->fe, sizeof(d->fe), "%s", fe);
	free(fe);
	snprintf(d->fe_state_path, sizeof(d->fe_state_path), "%s/%s", d->fe, XS_KEY_STATE);
	snprintf(d->token, sizeof(d->token), "%s/%u/%u", TOKEN_FE, domid, devid);
	d->seen = b->gen;
	if (add(b, d)) {
		xctl_err_log(d->log, "%s: not served: out of memory", d->who);
		free(d);
		return;
	}
	if (feid != domid) {
		xctl_err_log(d->log, "%s: frontend-id %llu does not match the device's domain; not "
			     "served", d->who, (unsigned long long)feid);
		d->ignored = true;
		return;
	}
	if (b->h->wanted && !b->h->wanted(d)) {
		d->ignored = true;
		return;
	}
	int prc = b->h->probe(d);
	if (prc == XCTL_ERR_AGAIN) {
		/* the toolstack has not written everything yet: a later event retries */
		drop(b, d);
		free(d);
		return;
	}
	if (prc) {
		d->ignored = true;
		d->failed = true;
		xb_write_state(d, XB_CLOSED);
		return;
	}
	if (publish_initwait(d)) {
		xctl_err_log(d->log, "%s: cannot publish the backend's features", d->who);
		d->failed = true;
	}
	if (d->x->ops->xs_watch(d->x, d->fe_state_path, d->token) == 0)
		d->watching = true;
	xb_set_dirty(d);
	xctl_info(d->log, "%s: serving (frontend %s)", d->who, d->fe);
}

static void destroy(struct xb_backend *b, struct xb_dev *d)
{
	if (d->watching)
		d->x->ops->xs_unwatch(d->x, d->fe_state_path, d->token);
	if (d->priv && b->h->remove)
		b->h->remove(d);
	xctl_info(d->log, "%s: removed", d->who);
	drop(b, d);
	free(d);
	if (b->refused)
		b->rescan = true; /* room for a device refused before */
}

/* A device id as listed: decimal, below XB_DOMAIN_WIDE. */
static bool parse_id(const char *s, uint64_t max, uint32_t *out)
{
	uint64_t v;
	if (xctl_parse_u64(s, 10, max, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* List DIR/DOMID and serve what is new there; mark what is found. 0, or
 * the listing's error (XCTL_ERR_NOTFOUND: the domain's directory is gone). */
static int scan_domain(struct xb_backend *b, uint32_t domid)
{
	char p[XB_DIR_MAX + 16], **devs = NULL;
	unsigned n = 0;
	snprintf(p, sizeof(p), "%s/%u", b->dir, domid);
	int rc = b->x->ops->xs_directory(b->x, XENIO_TXN_NONE, p, &devs, &n);
	if (rc)
		return rc;
	for (unsigned k = 0; k < n; k++) {
		uint32_t devid;
		if (!parse_id(devs[k], XB_DOMAIN_WIDE - 1, &devid))
			continue;
		struct xb_dev *d = find(b, domid, devid);
		if (d)
			d->seen = b->gen;
		else
			create(b, domid, devid);
	}
	free(devs);
	return 0;
}

/* Devices (of domid, or of every domain) the last scan did not find. A
 * domain with no device costs nothing (a new domain's first device). */
static void mark_gone(struct xb_backend *b, bool all, uint32_t domid)
{
	if (!all && !idmap_get(&b->domains, domid))
		return;
	for (unsigned i = 0; i < b->ndevs; i++) {
		struct xb_dev *d = b->devs[i];
		if ((all || d->domid == domid) && d->seen != b->gen) {
			d->remove_pending = true;
			xb_set_dirty(d);
		}
	}
}

/* The whole directory: at start, and when it appears or goes. */
static void rescan(struct xb_backend *b)
{
	char **doms = NULL;
	unsigned nd = 0;
	b->rescan = false;
	b->refused = false;
	b->gen++;
	int rc = b->x->ops->xs_directory(b->x, XENIO_TXN_NONE, b->dir, &doms, &nd);
	if (rc && rc != XCTL_ERR_NOTFOUND)
		return; /* cannot tell what is gone: the next event tries again */
	bool complete = true;
	for (unsigned i = 0; i < nd; i++) {
		uint32_t domid;
		if (!parse_id(doms[i], DOMID_MAX, &domid))
			continue;
		int r = scan_domain(b, domid);
		if (r && r != XCTL_ERR_NOTFOUND)
			complete = false;
	}
	free(doms);
	if (complete)
		mark_gone(b, true, 0);
}

/* What a watch event on the backend directory names: the directory itself
 * (or something above it), one domain's directory, or one device's. */
enum be_scope { SCOPE_ALL, SCOPE_DOMAIN, SCOPE_DEVICE, SCOPE_NODE };

static enum be_scope be_event(const struct xb_backend *b, const char *path, uint32_t *domid, uint32_t *devid)
{
	size_t n = strlen(b->dir);
	if (strncmp(path, b->dir, n) || path[n] != '/')
		return SCOPE_ALL;
	char dom[16], dev[16];
	const char *p = path + n + 1, *slash = strchr(p, '/');
	size_t len = slash ? (size_t)(slash - p) : strlen(p);
	if (len == 0 || len >= sizeof(dom))
		return SCOPE_ALL;
	memcpy(dom, p, len);
	dom[len] = 0;
	if (!parse_id(dom, DOMID_MAX, domid))
		return SCOPE_ALL;
	if (!slash)
		return SCOPE_DOMAIN;
	p = slash + 1;
	slash = strchr(p, '/');
	len = slash ? (size_t)(slash - p) : strlen(p);
	if (len == 0 || len >= sizeof(dev))
		return SCOPE_DOMAIN;
	memcpy(dev, p, len);
	dev[len] = 0;
	if (!parse_id(dev, XB_DOMAIN_WIDE - 1, devid))
		return SCOPE_DOMAIN;
	return slash ? SCOPE_NODE : SCOPE_DEVICE;
}

static void todo_add(struct xb_backend *b, uint64_t key)
{
	if (b->ntodo && b->todo[b->ntodo - 1] == key)
		return; /* a device's nodes come in a row */
	if (b->ntodo == b->captodo) {
		unsigned cap = b->captodo ? b->captodo * 2 : 64;
		uint64_t *v = realloc(b->todo, cap * sizeof(*v));
		if (!v) {
			b->rescan = true; /* what was named is lost: look at everything */
			return;
		}
		b->todo = v;
		b->captodo = cap;
	}
	b->todo[b->ntodo++] = key;
}

static void on_be_event(struct xb_backend *b, const char *path)
{
	uint32_t domid = 0, devid = 0;
	enum be_scope sc = be_event(b, path, &domid, &devid);
	if (sc == SCOPE_ALL) {
		b->rescan = true;
		return;
	}
	if (sc == SCOPE_DOMAIN) {
		todo_add(b, key_of(domid, XB_DOMAIN_WIDE));
		return;
	}
	struct xb_dev *d = find(b, domid, devid);
	if (!d)
		todo_add(b, key_of(domid, devid)); /* new, or not complete before */
	else if (sc == SCOPE_DEVICE) {
		d->check = true; /* its directory was made or removed */
		xb_wake(d);
	}
	/* a node below a known device's directory: nothing to look at */
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* What the events of this poll named, once each. */
static void run_todo(struct xb_backend *b)
{
	qsort(b->todo, b->ntodo, sizeof(*b->todo), cmp_u64);
	for (unsigned i = 0; i < b->ntodo; i++) {
		if (i && b->todo[i] == b->todo[i - 1])
			continue;
		uint32_t domid = (uint32_t)(b->todo[i] >> 32), devid = (uint32_t)b->todo[i];
		if (devid == XB_DOMAIN_WIDE) {
			b->gen++;
			int rc = scan_domain(b, domid);
			if (!rc || rc == XCTL_ERR_NOTFOUND)
				mark_gone(b, false, domid);
		} else if (!find(b, domid, devid)) {
			create(b, domid, devid);
		}
	}
	b->ntodo = 0;
}

/* A device whose directory had an event: is it still there? */
static void check(struct xb_dev *d)
{
	char *v = NULL;
	size_t len = 0;
	d->check = false;
	if (d->x->ops->xs_read(d->x, XENIO_TXN_NONE, d->be, &v, &len) == XCTL_ERR_NOTFOUND) {
		d->remove_pending = true;
		d->dirty = true; /* the caller looks at remove_pending next */
	}
	free(v);
}

int xb_backend_init(struct xb_backend *b, struct xenio *x, const struct xctl_log *log,
		    const struct xb_hooks *h, void *ctx)
{
	memset(b, 0, sizeof(*b));
	b->max_devices = XB_MAX_DEVICES_DEFAULT;
	b->x = x;
	b->log = log;
	b->h = h;
	b->ctx = ctx;
	b->self = x->ops->self_domid(x);
	char base[XB_DIR_MAX];
	snprintf(base, sizeof(base), XS_FMT_BACKEND_DIR, b->self);
	if (xb_path2(b->dir, sizeof(b->dir), base, h->type))
		return XCTL_ERR_LIMIT;
	int rc = x->ops->xs_watch(x, b->dir, TOKEN_BE);
	if (rc) {
		xctl_err_log(log, "cannot watch %s: %s", b->dir, xctl_strerror(rc));
		return rc;
	}
	b->rescan = true;
	return 0;
}

/* One device of the work list: what its flags ask. */
static void work_one(struct xb_backend *b, struct xb_dev *d)
{
	if (d->check)
		check(d);
	if (d->remove_pending) {
		if (xb_do_disconnect(d))
			xb_wake(d); /* I/O in flight: the next poll tries again */
		else
			destroy(b, d);
		return;
	}
	if (d->dirty)
		xb_evaluate(d);
}

/* The devices on the work list when the pass starts; one woken again
 * meanwhile (a disconnect still waiting for its I/O) waits for the next. */
static void run_work(struct xb_backend *b)
{
	unsigned n = b->nwork;
	if (!n)
		return; /* and before the first device, no list to copy */
	memcpy(b->spare, b->work, n * sizeof(*b->spare));
	b->nwork = 0;
	for (unsigned i = 0; i < n; i++) {
		struct xb_dev *d = b->spare[i];
		d->queued = false;
		work_one(b, d); /* may free d: the one device it removes */
	}
}

int xb_backend_poll(struct xb_backend *b)
{
	char *path, *tok;
	for (int n = 0; n < EVENTS_PER_POLL; n++) {
		int rc = b->x->ops->xs_read_watch(b->x, &path, &tok);
		if (rc)
			break;
		if (!strcmp(tok, TOKEN_BE)) {
			on_be_event(b, path);
		} else {
			uint32_t domid, devid;
			struct xb_dev *d;
			/* "fe/DOMID/DEVID": the device's own token */
			if (sscanf(tok, TOKEN_FE "/%u/%u", &domid, &devid) == 2 && (d = find(b, domid, devid)) &&
			    !strcmp(d->token, tok) && !strcmp(d->fe_state_path, path))
				xb_set_dirty(d);
		}
		free(path);
		free(tok);
	}
	/* a second pass when a device went and one refused before fits now */
	for (int pass = 0; pass < 2; pass++) {
		if (b->stopping)
			b->rescan = false;
		else if (b->rescan)
			rescan(b);
		else if (b->ntodo)
			run_todo(b);
		b->ntodo = 0;
		run_work(b);
		if (!b->rescan)
			break;
	}
	return 0;
}

void xb_backend_shutdown(struct xb_backend *b)
{
	for (unsigned i = 0; i < b->ndevs; i++) {
		b->devs[i]->remove_pending = true;
		xb_wake(b->devs[i]);
	}
	b->stopping = true;
	b->x->ops->xs_unwatch(b->x, b->dir, TOKEN_BE);
}

void xb_backend_free(struct xb_backend *b)
{
	b->refused = false;
	b->nwork = 0;
	while (b->ndevs) {
		b->devs[0]->connected = false;
		destroy(b, b->devs[0]);
	}
	free(b->devs);
	free(b->todo);
	free(b->work);
	free(b->spare);
	free(b->active);
	idmap_free(&b->index);
	idmap_free(&b->domains);
	b->devs = NULL;
	b->todo = NULL;
	b->work = b->spare = b->active = NULL;
	b->cap = b->captodo = b->ntodo = 0;
	b->nwork = b->nactive = 0;
}
