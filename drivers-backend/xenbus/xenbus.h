/* SPDX-License-Identifier: LGPL-2.1-only */
/* The xenbus backend state machine, written once for every backend.
 *
 * A struct xb_backend watches /local/domain/SELF/backend/TYPE and serves
 * every device that appears there (and that the backend's wanted hook
 * accepts). For each device it watches the frontend's state node. Watch
 * events are only hints: they are drained and coalesced (a device is
 * marked dirty, once), and the state is then re-read from xenstore, never
 * taken from the order of events. What a frontend state means for a
 * backend state is looked up in one table (xb_next in xenbus.c):
 *
 *   frontend            backend does
 *   Initialising        InitWait (again after Closed, or after a reconnect)
 *   Initialised         connect hook, then Connected (also straight from
 *   Connected             InitWait when the frontend skipped Initialised)
 *   Closing             disconnect, Closing
 *   Closed              disconnect, Closed (InitWait again if it comes back)
 *   Unknown or gone     disconnect, Closed
 *   garbage (> 8, not a number)
 *                       disconnect, Closing, Closed; logged, naming the device
 *
 * disconnect tears down only once in-flight I/O has completed: the hook
 * returns XCTL_ERR_BUSY until then and the machine retries on the next
 * xb_backend_poll (the backend calls it after completions). */
#ifndef XCTL_XENBUS_H
#define XCTL_XENBUS_H

#include "drivers-backend/common/idmap.h"
#include "drivers-backend/xenio/xenio.h"

#include <stdbool.h>
#include <stdint.h>

enum xb_state {
	XB_UNKNOWN = 0,
	XB_INITIALISING = 1,
	XB_INITWAIT = 2,
	XB_INITIALISED = 3,
	XB_CONNECTED = 4,
	XB_CLOSING = 5,
	XB_CLOSED = 6,
	XB_RECONFIGURING = 7,
	XB_RECONFIGURED = 8,
};
#define XB_STATE_MAX 8
/* A frontend state that is not a state: missing node, garbage, > 8. */
#define XB_FE_GONE (-1)
#define XB_FE_INVALID (-2)

const char *xb_state_name(int s);

/* Devices one backend process serves at most, unless its max_devices says
 * otherwise (the daemons' --max-devices). A device beyond the limit is not
 * served; the log says which and why. The table itself grows as needed. */
#define XB_MAX_DEVICES_DEFAULT 4096
#define XB_MAX_DEVICES_LIMIT 65536
#define XB_PATH_MAX 128
#define XB_DIR_MAX 64

struct xb_dev;

struct xb_hooks {
	const char *type; /* XS_KEY_VBD or XS_KEY_VIF */
	/* Whether this backend serves the device (e.g. backendtype). NULL: all. */
	bool (*wanted)(struct xb_dev *d);
	/* A new device: read the backend nodes, open resources (d->priv).
	 * XCTL_ERR_AGAIN: nodes missing yet, try again at the next event. */
	int (*probe)(struct xb_dev *d);
	/* Publish the features in transaction t (before InitWait). */
	int (*publish)(struct xb_dev *d, xenio_txn t);
	/* Read the frontend's nodes, map, bind, write what Connected needs. */
	int (*connect)(struct xb_dev *d);
	/* Tear the connection down; XCTL_ERR_BUSY while I/O is in flight. */
	int (*disconnect)(struct xb_dev *d);
	/* The device is gone: free d->priv (disconnected already). */
	void (*remove)(struct xb_dev *d);
};

struct xb_dev {
	struct xb_backend *b;
	struct xenio *x;
	const struct xctl_log *log;
	void *priv;
	uint32_t domid;  /* the frontend's */
	uint32_t devid;
	char who[64];    /* "domain 3 vbd 51712" */
	char be[XB_PATH_MAX];
	char fe[XB_PATH_MAX];
	char fe_state_path[XB_PATH_MAX + 8];
	enum xb_state state;   /* ours, as last written */
	int fe_state;          /* as last read */
	bool connected;        /* the connect hook succeeded and no disconnect since */
	bool failed;           /* refused or broke the protocol: Closing/Closed */
	int pending;           /* a state to reach once disconnect is done, or -1 */
	bool remove_pending;
	bool dirty;
	bool watching;
	bool ignored;          /* not wanted by this backend */
	bool check;            /* its backend directory may be gone: look */
	bool queued;           /* on the backend's work list */
	bool active;           /* on the backend's active list (xb_dev_activate) */
	unsigned idx;          /* its place in b->devs */
	unsigned aidx;         /* its place in b->active */
	unsigned seen;         /* the last scan that found its directory */
	unsigned transitions;
	char token[40];        /* of its frontend watch: "fe/DOMID/DEVID" */
};

struct xb_backend {
	struct xenio *x;
	const struct xctl_log *log;
	const struct xb_hooks *h;
	void *ctx;             /* the backend program's */
	uint32_t self;
	char dir[XB_DIR_MAX]; /* /local/domain/SELF/backend/TYPE */
	bool rescan;           /* list the whole directory at the next poll */
	bool refused;          /* a device was refused for the limit: rescan when one goes */
	bool stopping;         /* xb_backend_shutdown: serve nothing new */
	unsigned max_devices;  /* XB_MAX_DEVICES_DEFAULT after init; set before the first poll */
	struct xb_dev **devs;  /* every device, in no particular order */
	unsigned ndevs, cap;   /* cap: of devs and of the lists below alike */
	struct idmap index;    /* (domid << 32 | devid) -> device */
	struct idmap domains;  /* domid -> how many devices it has (as a pointer) */
	/* the devices a poll looks at: those with check, remove_pending or
	 * dirty set (a poll costs what has something to do, not every device) */
	struct xb_dev **work, **spare; /* spare: the list a poll works through */
	unsigned nwork;
	/* the backend program's own: the devices its service pass looks at
	 * (I/O in flight, requests left, timers); see xb_dev_activate */
	struct xb_dev **active;
	unsigned nactive;
	/* what the watch events of one poll name: looked at after draining */
	uint64_t *todo;        /* (domid << 32 | devid), or domid << 32 | XB_DOMAIN_WIDE */
	unsigned ntodo, captodo;
	unsigned gen;          /* scans, for xb_dev.seen */
};
#define XB_DOMAIN_WIDE 0xffffffffu

int xb_backend_init(struct xb_backend *b, struct xenio *x, const struct xctl_log *log,
		    const struct xb_hooks *h, void *ctx);
/* Take every queued watch event (coalescing), then look at what they name
 * and re-evaluate the devices on the work list (what is dirty). A watch event below the backend directory
 * costs a look at its one device (or its one domain), never a listing of
 * every device: the whole directory is listed only at start, when it
 * appears or goes, and after a device refused for the limit can be served. Call when xs_fd is readable, and after I/O completions
 * (retries pending disconnects). */
int xb_backend_poll(struct xb_backend *b);
/* Stop: disconnect (waiting is the caller's: call poll until ndevs is 0)
 * and drop every device; unwatch. */
void xb_backend_shutdown(struct xb_backend *b);
void xb_backend_free(struct xb_backend *b);

/* A backend found the frontend misbehaving: log why and close the device. */
void xb_dev_fail(struct xb_dev *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Mark a device for re-evaluation on the next poll (after its I/O drained). */
void xb_dev_kick(struct xb_dev *d);
/* The backend program's active list (b->active, b->nactive): the devices
 * that have work besides xenstore's (an event came, I/O is in flight, a
 * timer runs), so that a service pass costs what is busy, not every
 * device. Activating twice is once; it cannot fail. xb_dev_idle takes d
 * off (the last device takes its place in b->active: a pass that idles
 * active[i] looks at active[i] again). A removed device is taken off. */
void xb_dev_activate(struct xb_dev *d);
void xb_dev_idle(struct xb_dev *d);
/* Helpers for hooks: read a frontend / backend key. */
int xb_fe_uint(struct xb_dev *d, const char *key, uint64_t max, uint64_t *out);
int xb_fe_str(struct xb_dev *d, const char *key, size_t maxlen, char **out);
int xb_be_uint(struct xb_dev *d, const char *key, uint64_t max, uint64_t *out);
int xb_be_str(struct xb_dev *d, const char *key, size_t maxlen, char **out);
int xb_be_write(struct xb_dev *d, xenio_txn t, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
