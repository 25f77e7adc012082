/* SPDX-License-Identifier: LGPL-2.1-only */
/* xenio: the port a userspace backend runs on.
 *
 * Grant tables (map, unmap, copy), event channels (bind, notify, unmask and
 * one pollable fd that says "some bound port is pending") and the xenstore
 * access a backend needs (read, write, remove, directory, watches,
 * transactions). One ops table, three implementations:
 *
 *   xenio/xen   libxengnttab, libxenevtchn and libxenstore on a Xen host
 *               (the only directory that includes Xen's library headers);
 *   xenio/sim   xctl-simd's client library and libxenstore on the
 *               simulated host;
 *   xenio/fake  in process, for unit tests and fuzzers (grant pages in a
 *               memfd the test fills, event channels the test drives).
 *
 * Conventions: every op returns 0 or a negative enum xctl_err. The context
 * is used from one thread (the backend's event loop); I/O worker threads
 * only touch memory the loop mapped for them. Nothing read from xenstore
 * or from a mapped page is trusted: callers bound and validate it. */
#ifndef XCTL_XENIO_H
#define XCTL_XENIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xctl_log;
struct xenio;

#define XENIO_PAGE_SIZE 4096u
/* Most grant references one map call takes on every implementation (a
 * 16-page ring fits; callers split larger sets). */
#define XENIO_MAP_MAX 32u

/* One segment of a grant copy, as GNTTABOP_copy has it: one side is a
 * guest's granted page, the other local memory. */
enum xenio_copy_dir {
	XENIO_COPY_FROM_GUEST = 0, /* guest page -> local buffer */
	XENIO_COPY_TO_GUEST = 1,   /* local buffer -> guest page */
};
struct xenio_copy {
	enum xenio_copy_dir dir;
	uint32_t domid;   /* the granting domain */
	uint32_t ref;     /* its grant reference */
	uint16_t offset;  /* offset in the granted page */
	uint16_t len;     /* offset + len <= XENIO_PAGE_SIZE */
	void *local;      /* local memory, len bytes */
	int status;       /* out: 0, or a negative xctl_err for this segment */
};

/* xenstore: a transaction id, 0 for none. */
typedef uint32_t xenio_txn;
#define XENIO_TXN_NONE 0u

struct xenio_ops {
	const char *name; /* "xen", "sim", "fake" */

	/* Map count grant references of domid at one contiguous address,
	 * writable or read-only. Fails as a whole (nothing left mapped) if
	 * any reference is invalid, not granted to us, or read-only while
	 * writable was asked. */
	int (*map)(struct xenio *x, uint32_t domid, uint32_t count, const uint32_t *refs,
		   bool writable, void **addr);
	/* Unmap what one map call returned (addr and the same count). */
	int (*unmap)(struct xenio *x, void *addr, uint32_t count);
	/* Grant copy; each segment gets its own status. Returns 0 when the
	 * call was made (look at the statuses), an error when it could not be. */
	int (*copy)(struct xenio *x, struct xenio_copy *segs, uint32_t count);

	/* Bind to remote_port of domid (an unbound port the guest allocated
	 * for us); returns the local port. */
	int (*evtchn_bind)(struct xenio *x, uint32_t domid, uint32_t remote_port,
			   uint32_t *local_port);
	int (*evtchn_unbind)(struct xenio *x, uint32_t local_port);
	int (*evtchn_notify)(struct xenio *x, uint32_t local_port);
	/* Re-arm a port after its event was taken with evtchn_pending. */
	int (*evtchn_unmask)(struct xenio *x, uint32_t local_port);
	/* An fd that polls readable while some bound port is pending. */
	int (*evtchn_fd)(struct xenio *x);
	/* Take one pending port (it stays masked until unmasked); XCTL_ERR_AGAIN
	 * when none is pending. Never blocks. */
	int (*evtchn_pending)(struct xenio *x, uint32_t *port);

	/* xenstore. read: *val is malloc'd and NUL-terminated (len without the
	 * NUL); XCTL_ERR_NOTFOUND when the node does not exist. */
	int (*xs_read)(struct xenio *x, xenio_txn t, const char *path, char **val, size_t *len);
	int (*xs_write)(struct xenio *x, xenio_txn t, const char *path, const char *val);
	/* Remove a node and its children; removing a missing node is not an error. */
	int (*xs_rm)(struct xenio *x, xenio_txn t, const char *path);
	/* Children names: *names is one malloc'd block (array and strings), free
	 * it with free(); XCTL_ERR_NOTFOUND when path does not exist. */
	int (*xs_directory)(struct xenio *x, xenio_txn t, const char *path, char ***names,
			    unsigned *n);
	int (*xs_watch)(struct xenio *x, const char *path, const char *token);
	int (*xs_unwatch)(struct xenio *x, const char *path, const char *token);
	/* An fd that polls readable while a watch event may be queued. */
	int (*xs_fd)(struct xenio *x);
	/* Take one watch event (path and token malloc'd, caller frees both);
	 * XCTL_ERR_AGAIN when none is queued. Never blocks. */
	int (*xs_read_watch)(struct xenio *x, char **path, char **token);
	int (*xs_txn_start)(struct xenio *x, xenio_txn *t);
	/* Commit (abort false) or abort; XCTL_ERR_AGAIN when the commit
	 * conflicted and the caller should redo the transaction. */
	int (*xs_txn_end)(struct xenio *x, xenio_txn t, bool abort);

	/* Our own domain id (0 for dom0, or a driver domain's). */
	uint32_t (*self_domid)(struct xenio *x);
	void (*close)(struct xenio *x);
};

/* Every implementation's context starts with this. */
struct xenio {
	const struct xenio_ops *ops;
	const struct xctl_log *log;
};

/* Open an implementation. log is kept (not copied) and must outlive x. */
int xenio_xen_open(const struct xctl_log *log, struct xenio **out);
/* sim_dir: the simulated host's state directory (XCTL_SIM_DIR when NULL). */
int xenio_sim_open(const struct xctl_log *log, const char *sim_dir, struct xenio **out);
/* "xen" when /dev/xen/privcmd exists (or forced), else "sim". */
int xenio_open_auto(const struct xctl_log *log, const char *force, const char *sim_dir,
		    struct xenio **out);

static inline void xenio_close(struct xenio *x)
{
	if (x)
		x->ops->close(x);
}

/* Helpers over the ops (xenio/xenio.c). */

/* Read an unsigned decimal node into [0, max]; XCTL_ERR_NOTFOUND if absent,
 * XCTL_ERR_INVAL if not a number, XCTL_ERR_LIMIT if above max. Guests write
 * garbage: this is the one way numbers are read from a frontend. */
int xenio_read_uint(struct xenio *x, xenio_txn t, const char *path, uint64_t max,
		    uint64_t *out);
/* Read a string node of at most maxlen bytes (XCTL_ERR_LIMIT beyond). */
int xenio_read_str(struct xenio *x, xenio_txn t, const char *path, size_t maxlen, char **out);
int xenio_printf(struct xenio *x, xenio_txn t, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Wait up to timeout_ms (-1 forever) for a pending event channel or a watch
 * event: returns 0 and sets what ready (bit 0 evtchn, bit 1 xenstore). */
int xenio_wait(struct xenio *x, int timeout_ms, unsigned *ready);

#endif
