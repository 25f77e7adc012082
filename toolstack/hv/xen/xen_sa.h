/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/xen, the devices of xctl's own backends: what xen_standalone.c (the
 * operations) and xen_sanodes.c (their xenstore nodes) share. */
#ifndef XCTL_HV_XEN_SA_H
#define XCTL_HV_XEN_SA_H

#include "toolstack/hv/xen/xen_int.h"

#include <xenstore.h>

#define SA_SCRIPT_DIR "/etc/xen/scripts/"
#define SA_NETBACK_SCRIPT "xctl-netback"
#define SA_BLKBACK_TYPE "standalone"
#define SA_PATH_LEN 160

/* One device to write. */
struct sa_dev {
	enum xctl_hv_devkind kind;
	uint32_t d, b, devid;
	bool pv;
	const libxl_device_disk *disk;
	const libxl_device_nic *nic;
	uint8_t mac[6];
};

/* One device to remove (and to wait for). */
struct sa_rm {
	enum xctl_hv_devkind kind;
	uint32_t d, b, devid;
};

/* A transaction's writes (xen_sanodes.c). */
struct xw;

const char *sa_kind_name(enum xctl_hv_devkind k);
/* xs_open, logged with what on failure. */
struct xs_handle *sa_xs_connect(struct xctl_hv *hv, const char *what);
/* Run fn in a transaction, again while the commit conflicts; logged. */
int sa_xs_txn(struct xctl_hv *hv, struct xs_handle *xs, const char *what, void (*fn)(struct xw *, void *),
	      void *arg);
char *sa_xs_get(struct xs_handle *xs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* For sa_xs_txn: write the nodes of a struct sa_dev, remove a struct sa_rm's. */
void sa_do_write(struct xw *w, void *arg);
void sa_do_remove(struct xw *w, void *arg);
const char *sa_be_state_fmt(enum xctl_hv_devkind k);
/* The backend's state: 0..8, -1 when its directory is gone, 0 while the
 * backend has written none. */
int sa_be_state(struct xs_handle *xs, const struct sa_rm *r);
/* Wait until the backend's state is at least want (want >= 6: Closed or
 * gone); XCTL_ERR_TIMEOUT after timeout_ms, XCTL_ERR_PROTO at once when a
 * backend waited for (want below 5) goes Closing or Closed instead (it
 * refused the device), both logged by the caller; *last is the state last
 * read. */
int sa_wait_state(struct xctl_hv *hv, struct xs_handle *xs, const struct sa_rm *r, int want, int timeout_ms,
		  int *last);

#endif
