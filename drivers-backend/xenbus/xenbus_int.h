/* SPDX-License-Identifier: LGPL-2.1-only */
/* Between the two halves of the xenbus backend: the state machine
 * (xenbus.c) and the device table with its work list (devices.c). */
#ifndef XCTL_XENBUS_INT_H
#define XCTL_XENBUS_INT_H

#include "drivers-backend/xenbus/xenbus.h"

#include <stddef.h>

#define XB_TXN_RETRIES 8

/* "A/B" into out; XCTL_ERR_LIMIT when it does not fit. */
int xb_path2(char *out, size_t n, const char *a, const char *b);
/* The backend's state node, switched in a transaction (xenbus.c). */
int xb_write_state(struct xb_dev *d, enum xb_state s);
/* The disconnect hook if connected; XCTL_ERR_BUSY while I/O is in flight. */
int xb_do_disconnect(struct xb_dev *d);
/* Re-read the frontend's state and move the backend where the table says. */
void xb_evaluate(struct xb_dev *d);
/* Put d on its backend's work list, once (devices.c). */
void xb_wake(struct xb_dev *d);
/* d->dirty, and on the work list. */
void xb_set_dirty(struct xb_dev *d);

#endif
