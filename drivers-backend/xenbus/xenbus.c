/* SPDX-License-Identifier: LGPL-2.1-only */
/* The xenbus backend state machine; see xenbus.h. */
#include "drivers-backend/xenbus/xenbus.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_BE "be"
#define TOKEN_FE "fe"
/* Watch events taken per poll: a flood is drained over several polls. */
#define EVENTS_PER_POLL 4096
#define TXN_RETRIES 8
#define DOMID_MAX 0x7fefu

static const char *const state_names[] = {
	"Unknown", "Initialising", "InitWait", "Initialised", "Connected",
	"Closing", "Closed", "Reconfiguring", "Reconfigured",
};

const char *xb_state_name(int s)
{
	if (s == XB_FE_GONE)
		return "gone";
	if (s < 0 || s > XB_STATE_MAX)
		return "invalid";
	return state_names[s];
}

/* What a frontend state asks of the backend: the one table. */
enum xb_act { ACT_NONE, ACT_INITWAIT, ACT_CONNECT, ACT_CLOSING, ACT_CLOSED, ACT_FAIL };
static const struct {
	int fe;
	enum xb_act act;
} xb_next[] = {
	{ XB_UNKNOWN, ACT_CLOSED },
	{ XB_INITIALISING, ACT_INITWAIT },
	{ XB_INITWAIT, ACT_NONE },
	{ XB_INITIALISED, ACT_CONNECT },
	{ XB_CONNECTED, ACT_CONNECT },
	{ XB_CLOSING, ACT_CLOSING },
	{ XB_CLOSED, ACT_CLOSED },
	{ XB_RECONFIGURING, ACT_NONE },
	{ XB_RECONFIGURED, ACT_NONE },
	{ XB_FE_GONE, ACT_CLOSED },
	{ XB_FE_INVALID, ACT_FAIL },
};

static enum xb_act lookup(int fe)
{
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(xb_next); i++)
		if (xb_next[i].fe == fe)
			return xb_next[i].act;
	return ACT_FAIL;
}

static int path2(char *out, size_t n, const char *a, const char *b)
{
	int k = snprintf(out, n, "%s/%s", a, b);
	return k < 0 || (size_t)k >= n ? XCTL_ERR_LIMIT : 0;
}

int xb_fe_uint(struct xb_dev *d, const char *key, uint64_t max, uint64_t *out)
{
	char p[XB_PATH_MAX + 64];
	int rc = path2(p, sizeof(p), d->fe, key);
	return rc ? rc : xenio_read_uint(d->x, XENIO_TXN_NONE, p, max, out);
}

int xb_fe_str(struct xb_dev *d, const char *key, size_t maxlen, char **out)
{
	char p[XB_PATH_MAX + 64];
	int rc = path2(p, sizeof(p), d->fe, key);
	return rc ? rc : xenio_read_str(d->x, XENIO_TXN_NONE, p, maxlen, out);
}

int xb_be_uint(struct xb_dev *d, const char *key, uint64_t max, uint64_t *out)
{
	char p[XB_PATH_MAX + 64];
	int rc = path2(p, sizeof(p), d->be, key);
	return rc ? rc : xenio_read_uint(d->x, XENIO_TXN_NONE, p, max, out);
}

int xb_be_str(struct xb_dev *d, const char *key, size_t maxlen, char **out)
{
	char p[XB_PATH_MAX + 64];
	int rc = path2(p, sizeof(p), d->be, key);
	return rc ? rc : xenio_read_str(d->x, XENIO_TXN_NONE, p, maxlen, out);
}

int xb_be_write(struct xb_dev *d, xenio_txn t, const char *key, const char *fmt, ...)
{
	char p[XB_PATH_MAX + 64], v[256];
	int rc = path2(p, sizeof(p), d->be, key);
	if (rc)
		return rc;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(v))
		return XCTL_ERR_LIMIT;
	return d->x->ops->xs_write(d->x, t, p, v);
}

/* Switch the backend's state as Linux's xenbus_switch_state does: in a
 * transaction that first reads the current state, so that a device the
 * toolstack has already removed is not brought back by a late write (a
 * state node with no device around it would be left behind for ever). */
static int write_state_txn(struct xb_dev *d, enum xb_state s)
{
	for (int i = 0; i < TXN_RETRIES; i++) {
		xenio_txn t;
		uint64_t cur;
		int rc = d->x->ops->xs_txn_start(d->x, &t);
		if (rc)
			return rc;
		char p[XB_PATH_MAX + 64];
		rc = path2(p, sizeof(p), d->be, XS_KEY_STATE);
		if (!rc)
			rc = xenio_read_uint(d->x, t, p, UINT64_MAX, &cur);
		if (!rc)
			rc = xb_be_write(d, t, XS_KEY_STATE, "%u", (unsigned)s);
		int rc2 = d->x->ops->xs_txn_end(d->x, t, rc != 0);
		if (rc)
			return rc;
		if (rc2 != XCTL_ERR_AGAIN)
			return rc2;
	}
	return XCTL_ERR_AGAIN;
}

static int write_state(struct xb_dev *d, enum xb_state s)
{
	int rc = write_state_txn(d, s);
	if (rc == XCTL_ERR_NOTFOUND) {
		xctl_debug(d->log, "%s: backend state not switched to %s: the device's nodes are gone", d->who,
			   xb_state_name(s));
		return rc;
	}
	if (rc) {
		xctl_err_log(d->log, "%s: cannot write backend state %s: %s", d->who,
			     xb_state_name(s), xctl_strerror(rc));
		return rc;
	}
	xctl_debug(d->log, "%s: backend %s -> %s (frontend %s)", d->who, xb_state_name(d->state),
		   xb_state_name(s), xb_state_name(d->fe_state));
	d->state = s;
	d->transitions++;
	return 0;
}

void xb_dev_fail(struct xb_dev *d, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!d->failed)
		xctl_err_log(d->log, "%s: %s; closing the device", d->who, msg);
	d->failed = true;
	d->dirty = true;
}

void xb_dev_kick(struct xb_dev *d)
{
	d->dirty = true;
}

static int do_disconnect(struct xb_dev *d)
{
	if (!d->connected)
		return 0;
	int rc = d->b->h->disconnect(d);
	if (rc == XCTL_ERR_BUSY)
		return rc; /* I/O in flight: retried on the next poll */
	d->connected = false;
	return 0;
}

static int read_fe_state(struct xb_dev *d)
{
	uint64_t v = 0;
	int rc = xenio_read_uint(d->x, XENIO_TXN_NONE, d->fe_state_path, UINT32_MAX, &v);
	if (rc == XCTL_ERR_NOTFOUND)
		return XB_FE_GONE;
	if (rc || v > XB_STATE_MAX)
		return XB_FE_INVALID;
	return (int)v;
}

static void do_connect(struct xb_dev *d)
{
	if (d->failed || (d->connected && d->state == XB_CONNECTED))
		return;
	if (d->state != XB_INITWAIT && d->state != XB_CLOSED)
		return;
	if (d->state == XB_CLOSED) {
		/* a frontend that comes straight back after Closed */
		if (d->b->h->publish) {
			xenio_txn t;
			if (!d->x->ops->xs_txn_start(d->x, &t)) {
				int rc = d->b->h->publish(d, t);
				d->x->ops->xs_txn_end(d->x, t, rc != 0);
			}
		}
	}
	int rc = d->b->h->connect(d);
	if (rc) {
		xb_dev_fail(d, "cannot connect to the frontend (state %s)", xb_state_name(d->fe_state));
		return;
	}
	d->connected = true;
	if (write_state(d, XB_CONNECTED))
		return;
	xctl_info(d->log, "%s: connected", d->who);
}

/* Re-read the frontend and move the backend where the table says. */
static void evaluate(struct xb_dev *d)
{
	d->dirty = false;
	if (d->ignored)
		return;
	int fe = read_fe_state(d);
	if (fe == XB_FE_INVALID && d->fe_state != XB_FE_INVALID)
		xctl_err_log(d->log, "%s: the frontend's state node holds no valid state (0..8)",
			     d->who);
	d->fe_state = fe;
	if (d->failed && d->state != XB_CLOSING && d->state != XB_CLOSED) {
		if (do_disconnect(d)) {
			d->dirty = true;
			return;
		}
		write_state(d, XB_CLOSING);
	}
	switch (lookup(fe)) {
	case ACT_NONE:
		break;
	case ACT_INITWAIT:
		if (d->state == XB_INITWAIT)
			break;
		if (d->state == XB_CLOSING && d->failed)
			break; /* it must close before it may start again */
		if (do_disconnect(d)) {
			d->dirty = true;
			break;
		}
		d->failed = false;
		write_state(d, XB_INITWAIT);
		break;
	case ACT_CONNECT:
		do_connect(d);
		break;
	case ACT_CLOSING:
		if (do_disconnect(d)) {
			d->dirty = true;
			break;
		}
		if (d->state != XB_CLOSING && d->state != XB_CLOSED)
			write_state(d, XB_CLOSING);
		break;
	case ACT_CLOSED:
		if (do_disconnect(d)) {
			d->dirty = true;
			break;
		}
		if (d->state != XB_CLOSED)
			write_state(d, XB_CLOSED);
		break;
	case ACT_FAIL:
		if (!d->failed)
			xb_dev_fail(d, "frontend state is garbage");
		if (do_disconnect(d)) {
			d->dirty = true;
			break;
		}
		if (d->state != XB_CLOSED)
			write_state(d, XB_CLOSED);
		break;
	}
}

static struct xb_dev *find(struct xb_backend *b, uint32_t domid, uint32_t devid)
{
	for (unsigned i = 0; i < b->ndevs; i++)
		if (b->devs[i]->domid == domid && b->devs[i]->devid == devid)
			return b->devs[i];
	return NULL;
}

static int publish_initwait(struct xb_dev *d)
{
	int rc = 0;
	for (int tries = 0; tries < TXN_RETRIES; tries++) {
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
	if (b->ndevs == XB_MAX_DEVICES) {
		xctl_err_log(b->log, "domain %u %s %u: not served: this backend serves %u devices "
			     "already", domid, b->h->type, devid, XB_MAX_DEVICES);
		return;
	}
	struct xb_dev *d = calloc(1, sizeof(*d));
	if (!d)
		return;
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
	b->devs[b->ndevs++] = d;
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
		b->devs[--b->ndevs] = NULL;
		free(d);
		return;
	}
	if (prc) {
		d->ignored = true;
		d->failed = true;
		write_state(d, XB_CLOSED);
		return;
	}
	if (publish_initwait(d)) {
		xctl_err_log(d->log, "%s: cannot publish the backend's features", d->who);
		d->failed = true;
	}
	if (d->x->ops->xs_watch(d->x, d->fe_state_path, TOKEN_FE) == 0)
		d->watching = true;
	d->dirty = true;
	xctl_info(d->log, "%s: serving (frontend %s)", d->who, d->fe);
}

static void destroy(struct xb_backend *b, unsigned i)
{
	struct xb_dev *d = b->devs[i];
	if (d->watching)
		d->x->ops->xs_unwatch(d->x, d->fe_state_path, TOKEN_FE);
	if (d->priv && b->h->remove)
		b->h->remove(d);
	xctl_info(d->log, "%s: removed", d->who);
	free(d);
	b->devs[i] = b->devs[--b->ndevs];
}

static bool listed(char **names, unsigned n, uint32_t v)
{
	char s[16];
	snprintf(s, sizeof(s), "%u", v);
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return true;
	return false;
}

static void rescan(struct xb_backend *b)
{
	char **doms = NULL;
	unsigned nd = 0;
	b->rescan = false;
	if (b->x->ops->xs_directory(b->x, XENIO_TXN_NONE, b->dir, &doms, &nd))
		nd = 0;
	/* devices whose backend directory went away */
	for (unsigned i = 0; i < b->ndevs; i++) {
		struct xb_dev *d = b->devs[i];
		char **devs = NULL;
		unsigned n = 0;
		char p[XB_DIR_MAX + 16];
		bool present = false;
		snprintf(p, sizeof(p), "%s/%u", b->dir, d->domid);
		if (listed(doms, nd, d->domid) &&
		    !b->x->ops->xs_directory(b->x, XENIO_TXN_NONE, p, &devs, &n))
			present = listed(devs, n, d->devid);
		free(devs);
		if (!present) {
			d->remove_pending = true;
			d->dirty = true;
		}
	}
	for (unsigned i = 0; i < nd; i++) {
		uint64_t domid;
		if (xctl_parse_u64(doms[i], 10, DOMID_MAX, &domid))
			continue;
		char p[XB_DIR_MAX + 16];
		snprintf(p, sizeof(p), "%s/%s", b->dir, doms[i]);
		char **devs = NULL;
		unsigned n = 0;
		if (b->x->ops->xs_directory(b->x, XENIO_TXN_NONE, p, &devs, &n))
			continue;
		for (unsigned k = 0; k < n; k++) {
			uint64_t devid;
			if (xctl_parse_u64(devs[k], 10, UINT32_MAX, &devid))
				continue;
			if (!find(b, (uint32_t)domid, (uint32_t)devid))
				create(b, (uint32_t)domid, (uint32_t)devid);
		}
		free(devs);
	}
	free(doms);
}

int xb_backend_init(struct xb_backend *b, struct xenio *x, const struct xctl_log *log,
		    const struct xb_hooks *h, void *ctx)
{
	memset(b, 0, sizeof(*b));
	b->x = x;
	b->log = log;
	b->h = h;
	b->ctx = ctx;
	b->self = x->ops->self_domid(x);
	char base[XB_DIR_MAX];
	snprintf(base, sizeof(base), XS_FMT_BACKEND_DIR, b->self);
	if (path2(b->dir, sizeof(b->dir), base, h->type))
		return XCTL_ERR_LIMIT;
	int rc = x->ops->xs_watch(x, b->dir, TOKEN_BE);
	if (rc) {
		xctl_err_log(log, "cannot watch %s: %s", b->dir, xctl_strerror(rc));
		return rc;
	}
	b->rescan = true;
	return 0;
}

int xb_backend_poll(struct xb_backend *b)
{
	char *path, *tok;
	for (int n = 0; n < EVENTS_PER_POLL; n++) {
		int rc = b->x->ops->xs_read_watch(b->x, &path, &tok);
		if (rc)
			break;
		if (!strcmp(tok, TOKEN_BE)) {
			b->rescan = true;
		} else {
			for (unsigned i = 0; i < b->ndevs; i++)
				if (!strcmp(b->devs[i]->fe_state_path, path))
					b->devs[i]->dirty = true;
		}
		free(path);
		free(tok);
	}
	if (b->rescan)
		rescan(b);
	for (unsigned i = 0; i < b->ndevs;) {
		struct xb_dev *d = b->devs[i];
		if (d->remove_pending) {
			if (do_disconnect(d)) {
				i++;
				continue;
			}
			destroy(b, i);
			continue;
		}
		if (d->dirty)
			evaluate(d);
		i++;
	}
	return 0;
}

void xb_backend_shutdown(struct xb_backend *b)
{
	for (unsigned i = 0; i < b->ndevs; i++)
		b->devs[i]->remove_pending = true;
	b->x->ops->xs_unwatch(b->x, b->dir, TOKEN_BE);
}

void xb_backend_free(struct xb_backend *b)
{
	while (b->ndevs) {
		b->devs[0]->connected = false;
		destroy(b, 0);
	}
}
