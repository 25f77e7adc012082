/* SPDX-License-Identifier: LGPL-2.1-only */
/* The xenbus backend state machine: what a device's states mean and how
 * it moves between them; see xenbus.h. The devices themselves (which there
 * are, which have work) are devices.c's. */
#include "drivers-backend/xenbus/xenbus.h"
#include "drivers-backend/xenbus/xenbus_int.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


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

int xb_path2(char *out, size_t n, const char *a, const char *b)
{
	int k = snprintf(out, n, "%s/%s", a, b);
	return k < 0 || (size_t)k >= n ? XCTL_ERR_LIMIT : 0;
}

int xb_fe_uint(struct xb_dev *d, const char *key, uint64_t max, uint64_t *out)
{
	char p[XB_PATH_MAX + 64];
	int rc = xb_path2(p, sizeof(p), d->fe, key);
	return rc ? rc : xenio_read_uint(d->x, XENIO_TXN_NONE, p, max, out);
}

int xb_fe_str(struct xb_dev *d, const char *key, size_t maxlen, char **out)
{
	char p[XB_PATH_MAX + 64];
	int rc = xb_path2(p, sizeof(p), d->fe, key);
	return rc ? rc : xenio_read_str(d->x, XENIO_TXN_NONE, p, maxlen, out);
}

int xb_be_uint(struct xb_dev *d, const char *key, uint64_t max, uint64_t *out)
{
	char p[XB_PATH_MAX + 64];
	int rc = xb_path2(p, sizeof(p), d->be, key);
	return rc ? rc : xenio_read_uint(d->x, XENIO_TXN_NONE, p, max, out);
}

int xb_be_str(struct xb_dev *d, const char *key, size_t maxlen, char **out)
{
	char p[XB_PATH_MAX + 64];
	int rc = xb_path2(p, sizeof(p), d->be, key);
	return rc ? rc : xenio_read_str(d->x, XENIO_TXN_NONE, p, maxlen, out);
}

int xb_be_write(struct xb_dev *d, xenio_txn t, const char *key, const char *fmt, ...)
{
	char p[XB_PATH_MAX + 64], v[256];
	int rc = xb_path2(p, sizeof(p), d->be, key);
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
	for (int i = 0; i < XB_TXN_RETRIES; i++) {
		xenio_txn t;
		uint64_t cur;
		int rc = d->x->ops->xs_txn_start(d->x, &t);
		if (rc)
			return rc;
		char p[XB_PATH_MAX + 64];
		rc = xb_path2(p, sizeof(p), d->be, XS_KEY_STATE);
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

int xb_write_state(struct xb_dev *d, enum xb_state s)
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
	xb_set_dirty(d);
}

void xb_dev_kick(struct xb_dev *d)
{
	xb_set_dirty(d);
}

int xb_do_disconnect(struct xb_dev *d)
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
	if (xb_write_state(d, XB_CONNECTED))
		return;
	xctl_info(d->log, "%s: connected", d->who);
}

/* Re-read the frontend and move the backend where the table says. */
void xb_evaluate(struct xb_dev *d)
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
		if (xb_do_disconnect(d)) {
			xb_set_dirty(d);
			return;
		}
		xb_write_state(d, XB_CLOSING);
	}
	switch (lookup(fe)) {
	case ACT_NONE:
		break;
	case ACT_INITWAIT:
		if (d->state == XB_INITWAIT)
			break;
		if (d->state == XB_CLOSING && d->failed)
			break; /* it must close before it may start again */
		if (xb_do_disconnect(d)) {
			xb_set_dirty(d);
			break;
		}
		d->failed = false;
		xb_write_state(d, XB_INITWAIT);
		break;
	case ACT_CONNECT:
		do_connect(d);
		break;
	case ACT_CLOSING:
		if (xb_do_disconnect(d)) {
			xb_set_dirty(d);
			break;
		}
		if (d->state != XB_CLOSING && d->state != XB_CLOSED)
			xb_write_state(d, XB_CLOSING);
		break;
	case ACT_CLOSED:
		if (xb_do_disconnect(d)) {
			xb_set_dirty(d);
			break;
		}
		if (d->state != XB_CLOSED)
			xb_write_state(d, XB_CLOSED);
		break;
	case ACT_FAIL:
		if (!d->failed)
			xb_dev_fail(d, "frontend state is garbage");
		if (xb_do_disconnect(d)) {
			xb_set_dirty(d);
			break;
		}
		if (d->state != XB_CLOSED)
			xb_write_state(d, XB_CLOSED);
		break;
	}
}
