/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-guest: start-up and the event loop.
 *
 *   xctl-guest [--domid N] [--log-level LEVEL]
 *
 * xctl-simd starts it with XCTL_SIMD_FD (its connection, acting as the
 * domain), XCTL_DOMID and XENSTORED_PATH (the domain's own xenstored
 * socket); --domid, when given, must agree with the connection. Logs
 * (not the console) go to stderr. */
#include "sim/guest/guest.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "common/err.h"
#include "common/util.h"
#include "sim/guest/console.h"
#include "sim/simd/simd.h"

#define GUEST_WATCH_BATCH 64   /* xenstore events per wakeup */
#define GUEST_EPOLL_BATCH 32
#define GUEST_SETTLE_MS 10000  /* "ready" waits this long at most for devices */

uint64_t guest_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int guest_watch_fd(struct guest *g, struct ghandler *h)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = h };
	if (epoll_ctl(g->epfd, EPOLL_CTL_ADD, h->fd, &ev)) {
		xctl_err_log(g->log, "domain %u: cannot watch fd %d: %s", g->domid, h->fd, strerror(errno));
		return xctl_err_from_errno(errno);
	}
	return 0;
}

void guest_unwatch_fd(struct guest *g, struct ghandler *h)
{
	g->epoch++;
	epoll_ctl(g->epfd, EPOLL_CTL_DEL, h->fd, NULL);
}

static void on_xenstore(struct guest *g, void *arg)
{
	(void)arg;
	for (int i = 0; i < GUEST_WATCH_BATCH; i++) {
		char **v = xs_check_watch(g->xs);
		if (!v)
			return;
		const char *path = v[XS_WATCH_PATH], *token = v[XS_WATCH_TOKEN];
		if (!strcmp(token, "shutdown"))
			control_on_shutdown_watch(g);
		else if (!strcmp(token, "knobs"))
			control_knobs_read(g);
		else
			devices_on_watch(g, path, token);
		free(v);
	}
}

static void on_domain(struct guest *g, void *arg)
{
	(void)arg;
	struct simd_event ev;
	bool changed = false;
	for (int i = 0; i < GUEST_WATCH_BATCH && simd_watch_read(g->dom_watch, &ev, 0) == 0; i++)
		changed = true;
	struct simd_domain_info info;
	if (changed && simd_domain_info(g->sys, SIMD_DOMID_SELF, &info) == 0)
		control_on_domain_event(g, info.flags, info.target_kib);
}

static bool devices_settled(struct guest *g)
{
	for (unsigned i = 0; i < g->ndevs; i++)
		if (!g->devs[i]->failed && !g->devs[i]->io_started)
			return false;
	return true;
}

static int boot_finish(struct guest *g)
{
	g->phase = GP_READY;
	return devices_start(g);
}

static int run(struct guest *g)
{
	bool announced = false;
	uint64_t settle_by = 0;
	while (!g->quit) {
		uint64_t now = guest_now_ms();
		if (g->phase == GP_BOOTING && now >= g->ready_at) {
			int rc = boot_finish(g);
			if (rc)
				return rc;
			settle_by = now + GUEST_SETTLE_MS;
		}
		if (g->phase == GP_READY && !announced && (devices_settled(g) || now >= settle_by)) {
			announced = true;
			unsigned up = 0;
			for (unsigned i = 0; i < g->ndevs; i++)
				up += g->devs[i]->io_started;
			gprintk(g, "ready (%u of %u device(s) connected)", up, g->ndevs);
			control_set_state(g, "ready");
			console_prompt(g);
		}
		control_tick(g, now);
		devices_tick(g, now);
		console_tick(g);
		/* An idle guest without devices sleeps until something happens;
		 * devices report their counters once a second. */
		int timeout = g->ndevs ? 1000 : -1;
		if (g->phase == GP_BOOTING)
			timeout = (int)(g->ready_at > now ? g->ready_at - now : 0);
		else if (g->knobs.load_disk || g->knobs.load_vif || g->ndeferred || g->cons.qlen || !announced)
			timeout = 100;
		if (g->crash_at && g->crash_at > now && (timeout < 0 || g->crash_at - now < (uint64_t)timeout))
			timeout = (int)(g->crash_at - now);
		if (g->shutdown_at)
			timeout = 100; /* the devices' closing, or its deadline */
		struct epoll_event evs[GUEST_EPOLL_BATCH];
		int n = epoll_wait(g->epfd, evs, GUEST_EPOLL_BATCH, timeout);
		if (n < 0 && errno != EINTR) {
			xctl_err_log(g->log, "domain %u: epoll_wait: %s", g->domid, strerror(errno));
			return XCTL_ERR_IO;
		}
		/* A handler that closes a device makes the rest of the batch stale
		 * (level-triggered: what is still pending comes again). */
		unsigned epoch = g->epoch;
		for (int i = 0; i < n && epoch == g->epoch; i++) {
			struct ghandler *h = evs[i].data.ptr;
			h->fn(g, h->arg);
		}
	}
	return 0;
}

static int start(struct guest *g)
{
	int rc = simd_guest_open_env(&g->sys);
	if (rc) {
		xctl_err_log(g->log, "cannot use the connection to xctl-simd given in %s: %s", SIMD_ENV_FD,
			     xctl_strerror(rc));
		return rc;
	}
	uint32_t self = simd_self(g->sys);
	if (g->domid && g->domid != self) {
		xctl_err_log(g->log, "--domid %u, but the xctl-simd connection is domain %u", g->domid, self);
		return XCTL_ERR_INVAL;
	}
	g->domid = self;
	struct simd_domain_info info;
	if ((rc = simd_domain_info(g->sys, SIMD_DOMID_SELF, &info))) {
		xctl_err_log(g->log, "domain %u: cannot read its own domain info: %s", g->domid, simd_errmsg(g->sys));
		return rc;
	}
	g->vcpus = info.online_vcpus ? info.online_vcpus : 1;
	g->mem_target_kib = info.target_kib;
	char xs_path[256];
	uint32_t store_port;
	uint64_t store_gfn;
	if ((rc = simd_guest_xenstore(g->sys, xs_path, sizeof(xs_path), &store_port, &store_gfn))) {
		xctl_err_log(g->log, "domain %u: no xenstore connection: %s", g->domid, simd_errmsg(g->sys));
		return rc;
	}
	setenv("XENSTORED_PATH", xs_path, 1);
	g->xs = xs_open(0);
	if (!g->xs) {
		xctl_err_log(g->log, "domain %u: cannot connect to xenstore at %s: %s", g->domid, xs_path, strerror(errno));
		return XCTL_ERR_XENSTORE;
	}
	snprintf(g->home, sizeof(g->home), "%u", g->domid);
	g->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (g->epfd < 0)
		return xctl_err_from_errno(errno);
	g->cons.boot_ms = guest_now_ms();
	if ((rc = console_start(g)))
		return rc;
	uint32_t entries = 0;
	if ((rc = simd_gnttab_setup(g->sys, 1, &g->gnttab, &entries))) {
		xctl_err_log(g->log, "domain %u: no grant table: %s", g->domid, simd_errmsg(g->sys));
		return rc;
	}
	g->gnt_entries = entries;
	g->gnt_frames = (uint32_t)(entries / SIMD_GRANT_ENTRIES_PER_FRAME);
	g->gnt_used = calloc(entries, 1);
	g->deferred = calloc(GUEST_MAX_DEFERRED, sizeof(*g->deferred));
	if (!g->gnt_used || !g->deferred)
		return XCTL_ERR_NOMEM;
	static const char *const types[] = { "pv", "pvh", "hvm" };
	gprintk(g, "xctl-guest: booting domain %u (%s, %u vcpu(s), %llu KiB)", g->domid,
		info.type <= SIMD_TYPE_HVM ? types[info.type] : "?", g->vcpus, (unsigned long long)info.target_kib);
	g->phase = GP_BOOTING;
	control_knobs_read(g);
	control_set_state(g, "booting");
	if ((rc = control_start(g)))
		return rc;
	g->xs_h.fn = on_xenstore;
	g->xs_h.fd = xs_fileno(g->xs);
	if (g->xs_h.fd < 0 || (rc = guest_watch_fd(g, &g->xs_h)))
		return rc ? rc : XCTL_ERR_XENSTORE;
	if (simd_watch_open(g->sys, &g->dom_watch) == 0) {
		g->dom_h.fn = on_domain;
		g->dom_h.fd = simd_watch_fd(g->dom_watch);
		if ((rc = guest_watch_fd(g, &g->dom_h)))
			return rc;
	} else
		xctl_warn(g->log, "domain %u: no domain watch (%s): resume and balloon changes go unnoticed", g->domid,
			  simd_errmsg(g->sys));
	if (g->knobs.boot_delay_ms)
		gprintk(g, "xctl-guest: slow boot: %u ms", g->knobs.boot_delay_ms);
	g->ready_at = guest_now_ms() + g->knobs.boot_delay_ms;
	if ((rc = simd_guest_ready(g->sys)))
		xctl_warn(g->log, "domain %u: xctl-simd did not take the hello: %s", g->domid, simd_errmsg(g->sys));
	return 0;
}

static void stop(struct guest *g)
{
	if (g->xs)
		devices_teardown_all(g);
	if (g->dom_watch)
		simd_watch_close(g->dom_watch);
	if (g->xs)
		xs_close(g->xs);
	if (g->epfd > 0)
		close(g->epfd);
	if (g->sys)
		simd_close(g->sys);
	free(g->gnt_used);
	free(g->deferred);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: xctl-guest [--domid N] [--log-level error|warn|info|debug|trace]\n"
		   "The simulated PV guest of a domain; xctl-simd starts it (see docs/guest.md).\n");
}

int main(int argc, char **argv)
{
	struct xctl_log log;
	xctl_log_init(&log, "xctl-guest", XCTL_LOG_WARN);
	log.timestamps = 1;
	struct guest g;
	memset(&g, 0, sizeof(g));
	g.log = &log;
	g.epfd = -1;
	g.knobs.crash_after_ms = -1;
	static const struct option opts[] = {
		{ "domid", required_argument, NULL, 'd' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		uint64_t v;
		switch (c) {
		case 'd':
			if (xctl_parse_u64(optarg, 10, SIMD_DOMID_MAX, &v) || v == 0) {
				fprintf(stderr, "xctl-guest: --domid %s: not a guest domain id (1..%u)\n", optarg,
					SIMD_DOMID_MAX);
				return 2;
			}
			g.domid = (uint32_t)v;
			break;
		case 'l':
			if ((log.level = xctl_log_level_parse(optarg)) < 0) {
				fprintf(stderr, "xctl-guest: --log-level %s: use error, warn, info, debug or trace\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	int rc = start(&g);
	if (rc == 0)
		rc = run(&g);
	stop(&g);
	return rc ? 1 : 0;
}
