/* SPDX-License-Identifier: LGPL-2.1-only */
/* The host side of a vif: a Linux TAP device named as xl names it
 * (vifDOMID.DEVID, or the vifname the toolstack set), up, with the vif's
 * MTU, added to the configured bridge. */
#ifndef XCTL_NETBACK_TAP_H
#define XCTL_NETBACK_TAP_H

#include <stddef.h>
#include <stdint.h>

struct xctl_log;

#define NET_IFNAMSIZ 16

/* Create (or attach to) the TAP; *fd is non-blocking. */
int net_tap_open(const char *name, const struct xctl_log *log, const char *who, int *fd);
/* Bring it up with mtu (0: leave); add it to bridge (NULL or "": none). A
 * bridge that does not exist is logged and left (the vif still works). */
int net_tap_up(const char *name, unsigned mtu, const char *bridge, const struct xctl_log *log,
	       const char *who);
/* A frame to the host: write it to the TAP (a full queue drops it). */
int net_tap_write(void *fdp, const uint8_t *frame, size_t len);

#endif
