/* SPDX-License-Identifier: LGPL-2.1-only */
/* The console ring of xen/io/console.h, both ends.
 *
 * A domain's console is one page holding struct xencons_interface: `out`
 * (2048 bytes, guest to console daemon) and `in` (1024 bytes, daemon to
 * guest), each with free-running 32-bit producer and consumer indices. The
 * producer writes data, then (after a write barrier) its index; the consumer
 * reads the index, then (after a read barrier) the data.
 *
 * The peer is not trusted: indices are read once per call, a producer that is
 * more than a ring ahead of the consumer is a protocol error (the consumer
 * drops what is there and resynchronises), and no call ever touches memory
 * outside the page or loops more than once around a ring. */
#ifndef XCTL_CONSRING_H
#define XCTL_CONSRING_H

#include <stddef.h>
#include <stdint.h>

#include <xen/io/console.h>

/* Guest side: append up to len bytes to `out`. Returns the number of bytes
 * queued (0 when full) or XCTL_ERR_PROTO when the indices are inconsistent
 * (nothing written). */
int xencons_out_put(struct xencons_interface *intf, const char *buf, size_t len);
/* Guest side: take up to max bytes of `in`. Returns the count, or
 * XCTL_ERR_PROTO (the ring's content is dropped). */
int xencons_in_get(struct xencons_interface *intf, char *buf, size_t max);

/* Daemon side: take up to max bytes of `out`. Returns the count, or
 * XCTL_ERR_PROTO (the ring's content is dropped, out_cons = out_prod). */
int xencons_out_get(struct xencons_interface *intf, char *buf, size_t max);
/* Daemon side: append up to len bytes to `in`. Returns the count (0 when
 * full), or XCTL_ERR_PROTO. */
int xencons_in_put(struct xencons_interface *intf, const char *buf, size_t len);

#endif
