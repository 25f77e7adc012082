/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-netback's devices: the xenbus hooks of a vif (TAP device, features,
 * queues from the frontend's nodes) and the daemon's service round. */
#ifndef XCTL_NETBACK_DEV_H
#define XCTL_NETBACK_DEV_H

#include "drivers-backend/common/idmap.h"
#include "drivers-backend/netback/tap.h"
#include "drivers-backend/netback/vif.h"
#include "drivers-backend/xenbus/xenbus.h"

#define NET_TAP_BURST 64 /* frames read from one TAP per round */
#define NET_TAP_ROUNDS 64 /* epoll batches of ready TAPs read per service call */

struct netback {
	struct xenio *x;
	const struct xctl_log *log;
	bool only_configured; /* real Xen: vifs with script=xctl-netback only */
	struct idmap ports;   /* bound event channel port -> its vif */
	struct xb_backend xb;
	int tap_epfd;         /* every TAP, for the daemon's poll (netback_tap_fd) */
};

struct net_dev {
	struct xb_dev *xb;
	struct net_vif *vif;
	int tapfd;
	char tap[NET_IFNAMSIZ];
	char bridge[NET_IFNAMSIZ];
	unsigned mtu;
};

extern const struct xb_hooks net_hooks;

int netback_init(struct netback *nb, struct xenio *x, const struct xctl_log *log,
		 bool only_configured);
/* ready bit 0: event channels, bit 1: xenstore; the TAPs with frames are
 * read whatever ready says. Returns the next poll timeout (ms, -1). */
int netback_service(struct netback *nb, unsigned ready);
/* One fd for the caller's poll, readable when a TAP has frames (an epoll
 * set of every TAP: a wake-up costs the TAPs that are ready, not all). */
int netback_tap_fd(const struct netback *nb);
void netback_fini(struct netback *nb);

#endif
