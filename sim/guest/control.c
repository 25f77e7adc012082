/* SPDX-License-Identifier: LGPL-2.1-only */
/* Knobs (simguest/), the PV control interface (control/shutdown and the
 * feature nodes), and the guest's own state in data/simguest/state.
 *
 * control/shutdown is handled as Linux's drivers/xen/manage.c does: read it
 * and clear it in one transaction, then act; poweroff and halt are
 * SHUTDOWN_poweroff, reboot SHUTDOWN_reboot, suspend SHUTDOWN_suspend; any
 * other value is ignored with a console line. */
#include "sim/guest/guest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/sched.h>
#include <xenstore.h>

#include "common/err.h"
#include "common/util.h"
#include "sim/simd/simd.h"
#include "xenstore-schema/xs_paths.h"

static uint64_t knob_u64(struct guest *g, const char *fmt, uint64_t max, uint64_t dflt, bool *present)
{
	char p[GUEST_PATH_MAX];
	snprintf(p, sizeof(p), fmt, g->domid);
	uint64_t v;
	int rc = xb_read_u64(g, p, 0, max, &v);
	if (present)
		*present = rc == 0;
	if (rc == XCTL_ERR_INVAL)
		xctl_warn(g->log, "domain %u: knob %s is not a number in 0..%llu: using %llu", g->domid, p,
			  (unsigned long long)max, (unsigned long long)dflt);
	return rc ? dflt : v;
}

void control_knobs_read(struct guest *g)
{
	struct gknobs *k = &g->knobs;
	bool crash = false;
	k->boot_delay_ms = (unsigned)knob_u64(g, XS_FMT_SIMGUEST_BOOT_DELAY_MS, 600000, 0, NULL);
	uint64_t ca = knob_u64(g, XS_FMT_SIMGUEST_CRASH_AFTER_MS, 86400000, 0, &crash);
	k->ignore_shutdown = knob_u64(g, XS_FMT_SIMGUEST_IGNORE_SHUTDOWN, 1, 0, NULL) == 1;
	k->hide_control = knob_u64(g, XS_FMT_SIMGUEST_HIDE_CONTROL_FEATURES, 1, 0, NULL) == 1;
	k->load_disk = (unsigned)knob_u64(g, XS_FMT_SIMGUEST_LOAD_DISK, 1024, 0, NULL);
	k->load_vif = (unsigned)knob_u64(g, XS_FMT_SIMGUEST_LOAD_VIF, 1024, 0, NULL);
	k->max_ring_order = (unsigned)knob_u64(g, XS_FMT_SIMGUEST_MAX_RING_PAGE_ORDER, GUEST_MAX_RING_ORDER,
					       GUEST_MAX_RING_ORDER, NULL);
	unsigned dq = g->vcpus < 4 ? g->vcpus : 4;
	k->max_queues = (unsigned)knob_u64(g, XS_FMT_SIMGUEST_MAX_QUEUES, GUEST_MAX_QUEUES, dq ? dq : 1, NULL);
	if (k->max_queues == 0)
		k->max_queues = 1;
	k->max_indirect = (unsigned)knob_u64(g, XS_FMT_SIMGUEST_MAX_INDIRECT_SEGMENTS, 4096, 32, NULL);
	int64_t old = k->crash_after_ms;
	k->crash_after_ms = crash ? (int64_t)ca : -1;
	if (k->crash_after_ms < 0)
		g->crash_at = 0;
	else if (old != k->crash_after_ms || !g->crash_at) {
		uint64_t from = g->phase == GP_BOOTING ? g->ready_at : guest_now_ms();
		g->crash_at = from + (uint64_t)k->crash_after_ms;
		if (!g->crash_at)
			g->crash_at = 1;
	}
}

void control_set_state(struct guest *g, const char *state)
{
	char p[GUEST_PATH_MAX];
	snprintf(p, sizeof(p), XS_FMT_SIMGUEST_DATA_STATE, g->domid);
	xb_printf(g, XBT_NULL, p, "%s", state);
}

int control_start(struct guest *g)
{
	char p[GUEST_PATH_MAX];
	if (!g->knobs.hide_control) {
		const char *features[] = { XS_FMT_DOMAIN_CONTROL_FEATURE_POWEROFF, XS_FMT_DOMAIN_CONTROL_FEATURE_REBOOT,
					   XS_FMT_DOMAIN_CONTROL_FEATURE_SUSPEND };
		for (size_t i = 0; i < XCTL_ARRAY_SIZE(features); i++) {
			snprintf(p, sizeof(p), features[i], g->domid);
			int rc = xb_printf(g, XBT_NULL, p, "1");
			if (rc)
				return rc;
		}
	}
	snprintf(p, sizeof(p), XS_FMT_DOMAIN_CONTROL_SHUTDOWN, g->domid);
	if (!xs_watch(g->xs, p, "shutdown")) {
		xctl_err_log(g->log, "domain %u: cannot watch %s", g->domid, p);
		return XCTL_ERR_XENSTORE;
	}
	snprintf(p, sizeof(p), XS_FMT_SIMGUEST, g->domid);
	if (!xs_watch(g->xs, p, "knobs")) {
		xctl_err_log(g->log, "domain %u: cannot watch %s", g->domid, p);
		return XCTL_ERR_XENSTORE;
	}
	return 0;
}

struct take_req {
	char value[32];
	bool found;
};

/* Read control/shutdown and clear it, atomically (manage.c's shutdown_handler). */
static int take_request(struct guest *g, uint32_t t, void *arg)
{
	struct take_req *r = arg;
	char p[GUEST_PATH_MAX];
	snprintf(p, sizeof(p), XS_FMT_DOMAIN_CONTROL_SHUTDOWN, g->domid);
	unsigned len = 0;
	char *v = xs_read(g->xs, t, p, &len);
	r->found = false;
	if (!v || !len) {
		free(v);
		return 0;
	}
	snprintf(r->value, sizeof(r->value), "%.*s", (int)(len < sizeof(r->value) ? len : sizeof(r->value) - 1), v);
	free(v);
	r->found = true;
	return xb_printf(g, t, p, "%s", "");
}

void control_on_shutdown_watch(struct guest *g)
{
	if (g->phase == GP_SHUTTING_DOWN || g->phase == GP_CRASHED)
		return;
	if (g->knobs.ignore_shutdown || g->knobs.hide_control) {
		char p[GUEST_PATH_MAX], v[32];
		snprintf(p, sizeof(p), XS_FMT_DOMAIN_CONTROL_SHUTDOWN, g->domid);
		if (xb_read(g, p, v, sizeof(v)) == 0 && v[0])
			gprintk(g, "xen:manage: shutdown request '%s' not answered (simguest knob)", v);
		return;
	}
	struct take_req r;
	if (xb_txn(g, take_request, &r) || !r.found)
		return;
	if (!strcmp(r.value, "poweroff") || !strcmp(r.value, "halt"))
		control_shutdown(g, SHUTDOWN_poweroff, r.value);
	else if (!strcmp(r.value, "reboot"))
		control_shutdown(g, SHUTDOWN_reboot, r.value);
	else if (!strcmp(r.value, "suspend"))
		control_shutdown(g, SHUTDOWN_suspend, r.value);
	else
		gprintk(g, "xen:manage: Ignoring shutdown request: %s", r.value);
}

/* The shutdown hypercall: from here on the domain runs no more. */
static void shutdown_now(struct guest *g, int reason)
{
	g->shutdown_at = 0;
	int rc = simd_domain_shutdown(g->sys, SIMD_DOMID_SELF, (enum simd_shutdown_reason)reason);
	if (rc)
		xctl_err_log(g->log, "domain %u: shutdown (reason %d) refused: %s", g->domid, reason,
			     simd_errmsg(g->sys));
}

void control_shutdown(struct guest *g, int reason, const char *why)
{
	switch (reason) {
	case SHUTDOWN_poweroff:
		gprintk(g, "reboot: Power down (%s)", why);
		break;
	case SHUTDOWN_reboot:
		gprintk(g, "reboot: Restarting system (%s)", why);
		break;
	case SHUTDOWN_suspend:
		gprintk(g, "PM: suspending (%s)", why);
		break;
	case SHUTDOWN_crash:
		gprintk(g, "Kernel panic - not syncing: %s", why);
		break;
	}
	if (reason == SHUTDOWN_suspend) {
		g->phase = GP_SUSPENDED;
		control_set_state(g, "suspended");
	} else if (reason == SHUTDOWN_crash) {
		g->phase = GP_CRASHED;
		control_set_state(g, "crashed");
	} else {
		g->phase = GP_SHUTTING_DOWN;
		control_set_state(g, "shutting-down");
		/* As Linux's xenbus_dev_shutdown: connected frontends close, and
		 * the kernel waits (5 s at most) for each to be closed (the
		 * backend's Closing answered with Closed) before it powers off. */
		bool closing = false;
		for (unsigned i = 0; i < g->ndevs; i++)
			if (g->devs[i]->state == XenbusStateConnected) {
				gdev_switch(g->devs[i], XenbusStateClosing);
				closing = true;
			}
		if (closing) {
			g->crash_at = 0;
			g->shutdown_reason = reason;
			g->shutdown_at = guest_now_ms() + GUEST_CLOSE_WAIT_MS;
			return;
		}
	}
	g->crash_at = 0;
	shutdown_now(g, reason);
}

void control_on_domain_event(struct guest *g, uint32_t flags, uint64_t target_kib)
{
	if (g->phase == GP_SUSPENDED && !(flags & SIMD_DOMF_SHUTDOWN)) {
		g->phase = GP_READY;
		control_set_state(g, "ready");
		gprintk(g, "PM: resumed");
	}
	if (target_kib && target_kib != g->mem_target_kib) {
		if (g->mem_target_kib)
			gprintk(g, "xen:balloon: target %llu KiB", (unsigned long long)target_kib);
		g->mem_target_kib = target_kib;
	}
}

void control_tick(struct guest *g, uint64_t now)
{
	if (g->shutdown_at) {
		bool closing = false;
		for (unsigned i = 0; i < g->ndevs; i++)
			closing |= g->devs[i]->state == XenbusStateClosing;
		if (!closing || now >= g->shutdown_at)
			shutdown_now(g, g->shutdown_reason);
	}
	if (g->crash_at && now >= g->crash_at && g->phase == GP_READY) {
		char why[64];
		snprintf(why, sizeof(why), "crash-after-ms %lld reached", (long long)g->knobs.crash_after_ms);
		control_shutdown(g, SHUTDOWN_crash, why);
	}
}
