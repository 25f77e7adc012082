/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/sim internals: the context over xctl-simd and xctl-xenstored, and the
 * xenstore writing helpers every part of hv/sim uses. */
#ifndef XCTL_HV_SIM_INT_H
#define XCTL_HV_SIM_INT_H

#include "toolstack/hv/hv.h"

#include <stdbool.h>
#include <stdint.h>
#include <xenstore.h>

struct simd;

struct sim {
	struct xctl_hv *hv;
	struct simd *simd;
	struct xs_handle *xs;
	char dir[256];
};

static inline struct sim *sim_of(struct xctl_hv *hv)
{
	return hv->priv;
}

/* A simd call failed: log simd's sentence once with what we were doing. */
int sim_fail(struct sim *s, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Count a call for fault injection; nonzero: fail it. */
bool sim_fault(struct sim *s, const char *what);

/* ---- xenstore writing with a sticky error (xs.c) ----
 * A writer runs in one transaction; after the first failure every call is
 * a no-op and xw_end() aborts and returns the error. */
struct xw {
	struct sim *s;
	xs_transaction_t t;
	int rc;
	const char *what; /* for the message: "domain 5" */
};

enum xw_perm { /* permission sets libxl uses */
	XW_DOM0_READ,    /* n0,rD: the toolstack owns it, the guest reads */
	XW_GUEST_OWNED,  /* nD: the guest owns it, no one else reads */
	XW_GUEST_DOM0R,  /* nD,r0: the guest owns it, dom0 reads (frontend dirs) */
	XW_DOM0_ONLY,    /* n0 */
	XW_BACKEND_READ, /* nB,rD: a backend domain's dir the guest reads */
};

int xw_begin(struct sim *s, struct xw *w, const char *what);
/* Commit (retrying is the caller's: XCTL_ERR_AGAIN on a conflict). */
int xw_end(struct xw *w);
void xw_write(struct xw *w, const char *value, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void xw_writef(struct xw *w, const char *path, const char *vfmt, ...) __attribute__((format(printf, 3, 4)));
void xw_mkdir(struct xw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set permissions: kind with the guest domid d and the other side b. */
void xw_perms(struct xw *w, enum xw_perm kind, uint32_t d, uint32_t b, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void xw_rm(struct xw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Remove the directory if it has no children. */
void xw_rm_if_empty(struct xw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Outside a transaction. NULL when the node does not exist (or fails). */
char *sim_xs_read(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sim_xs_write(struct sim *s, const char *value, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
char **sim_xs_dir(struct sim *s, unsigned *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Run fn in a transaction until it commits (at most a few conflicts). */
int sim_xs_txn(struct sim *s, const char *what, void (*fn)(struct xw *w, void *arg), void *arg);

/* ---- creation (build.c), devices (dev.c), destruction (destroy.c) ---- */
int sim_create_steps(struct xctl_hv *hv, struct xctl_hv_build *b, struct xctl_hv_step **steps, size_t *n);
void sim_build_free(struct xctl_hv *hv, struct xctl_hv_build *b);
int sim_destroy(struct xctl_hv *hv, uint32_t domid);
int sim_cleanup_uuid(struct xctl_hv *hv, const char *uuid);
/* Remove /local/domain/N if it holds only what others wrote after the
 * toolstack removed it (no vm or name node: not a live domain's). */
int sim_rm_home(struct sim *s, uint32_t domid);

/* Write the nodes of one device (a transaction of its own). */
int sim_dev_write(struct sim *s, uint32_t domid, enum xctl_guest_type type, const struct xctl_hv_device *dev);
/* Remove the nodes of one device; with close, first ask the backend to
 * close and wait (timeout_ms) for it. */
int sim_dev_remove(struct sim *s, uint32_t domid, enum xctl_hv_devkind kind, uint32_t devid, bool close,
		   int timeout_ms, bool linger);
/* Wait until the backend of each listed device is in state >= 2 (InitWait)
 * or timeout; the message names the first one that is not. */
struct sim_devref {
	enum xctl_hv_devkind kind;
	uint32_t devid;
	uint32_t backend;
};
int sim_dev_wait(struct sim *s, uint32_t domid, const struct sim_devref *devs, size_t n, int timeout_ms,
		 int want_state, void (*progress)(void *, const char *, int), void *parg);
const char *sim_devkind_name(enum xctl_hv_devkind k); /* "vbd", "vif" */

/* ops in ctl.c */
int sim_shutdown(struct xctl_hv *hv, uint32_t domid, int reason, bool force);
int sim_sysrq(struct xctl_hv *hv, uint32_t domid, char key);
int sim_rename(struct xctl_hv *hv, uint32_t domid, const char *name);
int sim_mem_target(struct xctl_hv *hv, uint32_t domid, uint64_t kib);
int sim_mem_max(struct xctl_hv *hv, uint32_t domid, uint64_t kib);
int sim_vcpu_set(struct xctl_hv *hv, uint32_t domid, uint32_t count);
int sim_console(struct xctl_hv *hv, uint32_t domid, const char *type, int num);
int sim_device_add(struct xctl_hv *hv, uint32_t domid, const struct xctl_hv_device *dev, int timeout_ms);
/* devices of a running domain (devices.c) */
int sim_device_remove(struct xctl_hv *hv, uint32_t domid, enum xctl_hv_devkind kind, int devid, bool force,
		      int timeout_ms);
int sim_device_list(struct xctl_hv *hv, uint32_t domid, enum xctl_hv_devkind kind, struct xctl_hv_devinfo **out,
		    size_t *n);

void sim_uuid_format(const uint8_t u[16], char out[XCTL_UUID_STRLEN]);
int sim_uuid_parse(const char *s, uint8_t u[16]);

#endif
