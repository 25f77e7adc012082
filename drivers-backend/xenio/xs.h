/* SPDX-License-Identifier: LGPL-2.1-only */
/* The xenstore half of xenio over libxenstore, shared by every
 * implementation that talks to a real xenstored (ours or Xen's). */
#ifndef XCTL_XENIO_XS_H
#define XCTL_XENIO_XS_H

#include "drivers-backend/xenio/xenio.h"

struct xs_handle;

/* Open a connection (XENSTORED_PATH decides where); NULL on failure. */
struct xs_handle *xenio_xs_open(void);
void xenio_xs_close(struct xs_handle *h);

int xenio_xs_read(struct xs_handle *h, xenio_txn t, const char *path, char **val, size_t *len);
int xenio_xs_write(struct xs_handle *h, xenio_txn t, const char *path, const char *val);
int xenio_xs_rm(struct xs_handle *h, xenio_txn t, const char *path);
int xenio_xs_directory(struct xs_handle *h, xenio_txn t, const char *path, char ***names,
		       unsigned *n);
int xenio_xs_watch(struct xs_handle *h, const char *path, const char *token);
int xenio_xs_unwatch(struct xs_handle *h, const char *path, const char *token);
int xenio_xs_fd(struct xs_handle *h);
int xenio_xs_read_watch(struct xs_handle *h, char **path, char **token);
int xenio_xs_txn_start(struct xs_handle *h, xenio_txn *t);
int xenio_xs_txn_end(struct xs_handle *h, xenio_txn t, bool abort);
/* Our domid from the "domid" node of our own home (0 if unreadable). */
uint32_t xenio_xs_self_domid(struct xs_handle *h);

#endif
