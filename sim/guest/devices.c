/* SPDX-License-Identifier: LGPL-2.1-only */
/* Device discovery under the guest's device/ directory and the xenbus
 * frontend state machine, written once for every driver.
 *
 * As Linux's xenbus frontend bus: a watch on device/ finds devices appearing
 * (hot-plug) and disappearing (unplug); each device watches its backend's
 * state node and reacts by the table below, re-reading the state instead of
 * trusting the order of events. A driver supplies setup (rings and keys, on
 * the backend's InitWait), connect (on Connected) and teardown. */
#include "sim/guest/guest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "common/err.h"
#include "common/util.h"
#include "sim/simd/simd.h"
#include "xenstore-schema/xs_paths.h"

#define S(x) (1u << (x))

enum fe_action { FA_SETUP, FA_CONNECT, FA_CLOSE };

/* What the frontend does when the backend enters be_state while the
 * frontend is in one of fe_states (other combinations: nothing). */
static const struct fe_rule {
	int be_state;
	unsigned fe_states;
	enum fe_action act;
} fe_rules[] = {
	{ XenbusStateInitWait, S(XenbusStateInitialising) | S(XenbusStateClosed), FA_SETUP },
	{ XenbusStateConnected, S(XenbusStateInitialised) | S(XenbusStateConnected), FA_CONNECT },
	{ XenbusStateClosing,
	  S(XenbusStateInitialising) | S(XenbusStateInitialised) | S(XenbusStateConnected) | S(XenbusStateClosing),
	  FA_CLOSE },
	{ XenbusStateClosed, S(XenbusStateInitialised) | S(XenbusStateConnected) | S(XenbusStateClosing), FA_CLOSE },
};

static const struct gdev_ops *const drivers[] = { [GDEV_VBD] = &blkfront_ops, [GDEV_VIF] = &netfront_ops };
static const char *const fe_fmts[] = { [GDEV_VBD] = XS_FMT_VBD_FE, [GDEV_VIF] = XS_FMT_VIF_FE };
static const char *const dir_fmts[] = { [GDEV_VBD] = XS_FMT_DOMAIN_DEVICE_VBD, [GDEV_VIF] = XS_FMT_DOMAIN_DEVICE_VIF };

int gdev_switch(struct gdev *d, int state)
{
	char p[GUEST_PATH_MAX];
	int rc = xb_join(p, sizeof(p), d->fe, XS_KEY_STATE);
	if (rc)
		return rc;
	rc = xb_printf(d->g, XBT_NULL, p, "%d", state);
	if (rc == 0)
		d->state = state;
	return rc;
}

void gdev_fail(struct gdev *d, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	gprintk(d->g, "%s: backend %s broke the protocol: %s; device closed", d->name, d->be, msg);
	xctl_err_log(d->g->log, "domain %u: %s %u: backend %s: %s", d->g->domid, d->ops->name, d->devid, d->be, msg);
	if (!d->failed) {
		d->failed = true;
		d->ops->teardown(d);
		d->io_started = false;
		gdev_switch(d, XenbusStateClosing);
	}
}

int gdev_evtchn_alloc(struct gdev *d, uint32_t *port, struct ghandler *h,
		      void (*fn)(struct guest *g, void *arg), void *arg)
{
	struct guest *g = d->g;
	int rc = simd_evtchn_alloc_unbound(g->sys, SIMD_DOMID_SELF, d->be_domid, port);
	if (rc) {
		xctl_err_log(g->log, "domain %u: %s: cannot allocate an event channel: %s", g->domid, d->name,
			     simd_errmsg(g->sys));
		return rc;
	}
	h->fn = fn;
	h->arg = arg;
	h->fd = simd_evtchn_fd(g->sys, *port);
	if (h->fd < 0 || (rc = guest_watch_fd(g, h))) {
		simd_evtchn_close(g->sys, *port);
		h->fd = -1;
		return rc ? rc : XCTL_ERR_INTERNAL;
	}
	return 0;
}

void gdev_evtchn_close(struct gdev *d, uint32_t port, struct ghandler *h)
{
	if (!port)
		return;
	if (h->fd >= 0)
		guest_unwatch_fd(d->g, h);
	h->fd = -1;
	simd_evtchn_close(d->g->sys, port);
}

void gdev_notify(struct gdev *d, uint32_t port)
{
	simd_evtchn_notify(d->g->sys, port);
}

/* xvda.. for the xvd major (202) and the extended form, as Linux's blkfront. */
static void vbd_name(unsigned vdev, char *out, size_t sz)
{
	unsigned disk;
	if (vdev & (1u << 28))
		disk = (vdev >> 8) & 0xfffff;
	else if ((vdev >> 8) == 202)
		disk = (vdev & 0xff) >> 4;
	else {
		snprintf(out, sz, "vbd%u", vdev);
		return;
	}
	if (disk < 26)
		snprintf(out, sz, "xvd%c", 'a' + disk);
	else
		snprintf(out, sz, "xvd%c%c", 'a' + disk / 26 - 1, 'a' + disk % 26);
}

static void react(struct gdev *d)
{
	struct guest *g = d->g;
	char p[GUEST_PATH_MAX];
	uint64_t st;
	if (xb_join(p, sizeof(p), d->be, XS_KEY_STATE))
		return;
	int rc = xb_read_u64(g, p, 0, XenbusStateReconfigured, &st);
	if (rc == XCTL_ERR_INVAL) {
		xctl_warn(g->log, "domain %u: %s: backend state is not a XenbusState: ignored", g->domid, d->name);
		return;
	}
	if (rc)
		return; /* not there (yet, or any more) */
	d->be_state = (int)st;
	if (d->failed)
		return;
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(fe_rules); i++) {
		const struct fe_rule *r = &fe_rules[i];
		if (r->be_state != d->be_state || !(r->fe_states & S(d->state)))
			continue;
		/* shutting down, a device only finishes closing */
		if (g->phase == GP_SHUTTING_DOWN && r->act != FA_CLOSE)
			return;
		switch (r->act) {
		case FA_SETUP:
			d->io_started = false;
			if (d->ops->setup(d)) {
				gprintk(g, "%s: cannot set up the frontend", d->name);
				d->ops->teardown(d);
				gdev_switch(d, XenbusStateClosed);
				return;
			}
			gdev_switch(d, d->ops->setup_state);
			break;
		case FA_CONNECT:
			if (d->io_started)
				break;
			if (d->ops->connect(d)) {
				if (!d->failed)
					gdev_fail(d, "cannot connect");
				return;
			}
			d->io_started = true;
			if (d->state != XenbusStateConnected)
				gdev_switch(d, XenbusStateConnected);
			break;
		case FA_CLOSE:
			d->ops->teardown(d);
			d->io_started = false;
			gdev_switch(d, XenbusStateClosed);
			break;
		}
		return;
	}
}

static struct gdev *find_dev(struct guest *g, enum gdev_type type, unsigned devid)
{
	for (unsigned i = 0; i < g->ndevs; i++)
		if (g->devs[i]->type == type && g->devs[i]->devid == devid)
			return g->devs[i];
	return NULL;
}

static void dev_remove(struct guest *g, unsigned idx)
{
	struct gdev *d = g->devs[idx];
	char p[GUEST_PATH_MAX];
	d->ops->teardown(d);
	if (!xb_join(p, sizeof(p), d->be, XS_KEY_STATE))
		xs_unwatch(g->xs, p, d->token);
	gprintk(g, "%s: removed", d->name);
	g->epoch++;
	g->devs[idx] = g->devs[--g->ndevs];
	free(d);
}

static void dev_probe(struct guest *g, enum gdev_type type, unsigned devid)
{
	if (find_dev(g, type, devid))
		return;
	char fe[GUEST_PATH_MAX], be[GUEST_PATH_MAX];
	snprintf(fe, sizeof(fe), fe_fmts[type], g->domid, devid);
	uint64_t beid;
	if (xb_read_key(g, fe, XS_KEY_BACKEND, be, sizeof(be)) ||
	    xb_read_key_u64(g, fe, XS_KEY_BACKEND_ID, 0, SIMD_DOMID_MAX, &beid))
		return; /* not complete yet: a later event brings the rest */
	if (be[0] != '/') {
		xctl_warn(g->log, "domain %u: %s/%u: backend path '%s' is not absolute: ignored", g->domid,
			  drivers[type]->name, devid, be);
		return;
	}
	if (g->ndevs >= GUEST_MAX_DEVS) {
		gprintk(g, "xenbus: more than %d devices: %s/%u ignored", GUEST_MAX_DEVS, drivers[type]->name, devid);
		return;
	}
	const struct gdev_ops *ops = drivers[type];
	struct gdev *d = calloc(1, ops->size);
	if (!d)
		return;
	d->g = g;
	d->ops = ops;
	d->type = type;
	d->devid = devid;
	d->state = XenbusStateInitialising;
	d->be_state = XenbusStateUnknown;
	d->be_domid = (uint32_t)beid;
	snprintf(d->fe, sizeof(d->fe), "%s", fe);
	snprintf(d->be, sizeof(d->be), "%s", be);
	if (type == GDEV_VBD)
		vbd_name(devid, d->name, sizeof(d->name));
	else
		snprintf(d->name, sizeof(d->name), "eth%u", devid);
	snprintf(d->token, sizeof(d->token), "be %d %u", (int)type, devid);
	g->devs[g->ndevs++] = d;
	gprintk(g, "xenbus: %s/%u (%s), backend %s in domain %u", ops->name, devid, d->name, be, d->be_domid);
	char p[GUEST_PATH_MAX];
	if (xb_join(p, sizeof(p), be, XS_KEY_STATE) || !xs_watch(g->xs, p, d->token)) {
		xctl_err_log(g->log, "domain %u: %s: cannot watch the backend's state", g->domid, d->name);
		dev_remove(g, g->ndevs - 1);
	}
}

static bool dev_exists(struct guest *g, struct gdev *d)
{
	char v[GUEST_PATH_MAX];
	int rc = xb_read_key(g, d->fe, XS_KEY_BACKEND, v, sizeof(v));
	return rc != XCTL_ERR_NOTFOUND && rc != XCTL_ERR_PERM;
}

/* Every device of every type: new ones probed, vanished ones removed. */
static void rescan(struct guest *g)
{
	for (unsigned i = g->ndevs; i-- > 0;)
		if (!dev_exists(g, g->devs[i]))
			dev_remove(g, i);
	for (int type = 0; type < 2; type++) {
		unsigned n = 0;
		char **ents = xs_directory(g->xs, XBT_NULL, g->dev_dirs[type], &n);
		if (!ents)
			continue;
		for (unsigned i = 0; i < n && i < 4 * GUEST_MAX_DEVS; i++) {
			uint64_t id;
			if (xctl_parse_u64(ents[i], 10, UINT32_MAX, &id) == 0)
				dev_probe(g, (enum gdev_type)type, (unsigned)id);
		}
		free(ents);
	}
}

int devices_start(struct guest *g)
{
	for (int type = 0; type < 2; type++)
		snprintf(g->dev_dirs[type], sizeof(g->dev_dirs[type]), dir_fmts[type], g->domid);
	char p[GUEST_PATH_MAX];
	snprintf(p, sizeof(p), XS_FMT_DOMAIN_DEVICE, g->domid);
	if (!xs_watch(g->xs, p, "device")) {
		xctl_err_log(g->log, "domain %u: cannot watch %s", g->domid, p);
		return XCTL_ERR_XENSTORE;
	}
	rescan(g);
	return 0;
}

void devices_on_watch(struct guest *g, const char *path, const char *token)
{
	if (!strcmp(token, "device")) {
		for (int type = 0; type < 2; type++) {
			size_t l = strlen(g->dev_dirs[type]);
			if (strncmp(path, g->dev_dirs[type], l) || path[l] != '/')
				continue;
			const char *id = path + l + 1;
			const char *slash = strchr(id, '/');
			char num[16];
			size_t nl = slash ? (size_t)(slash - id) : strlen(id);
			uint64_t devid;
			if (nl == 0 || nl >= sizeof(num))
				return;
			memcpy(num, id, nl);
			num[nl] = '\0';
			if (xctl_parse_u64(num, 10, UINT32_MAX, &devid))
				return;
			struct gdev *d = find_dev(g, (enum gdev_type)type, (unsigned)devid);
			if (!d)
				dev_probe(g, (enum gdev_type)type, (unsigned)devid);
			else if (!slash && !dev_exists(g, d))
				rescan(g);
			return;
		}
		/* device/, device/vbd or device/vif itself changed */
		rescan(g);
		return;
	}
	for (unsigned i = 0; i < g->ndevs; i++)
		if (!strcmp(token, g->devs[i]->token)) {
			react(g->devs[i]);
			return;
		}
}

void devices_tick(struct guest *g, uint64_t now)
{
	for (unsigned i = 0; i < g->ndevs; i++) {
		struct gdev *d = g->devs[i];
		if (d->io_started && !d->failed && d->ops->tick)
			d->ops->tick(d, now);
	}
	gnt_retry_deferred(g);
}

void devices_teardown_all(struct guest *g)
{
	while (g->ndevs)
		dev_remove(g, g->ndevs - 1);
}
