/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-guest: the simulated PV guest of one domain of the simulated host.
 *
 * One process per domain, started by xctl-simd at the domain's first
 * unpause. It behaves like a small PV kernel: console output, xenstore as its
 * own domain, control/shutdown, and the frontend half of every vbd and vif
 * (xenbus handshake, rings in granted pages, event channels). docs/guest.md
 * describes it. Files:
 *
 *   main.c       arguments, start-up, the event loop (epoll) and timers
 *   gmem.c       pages (contiguous runs for multi-page rings) and grant refs
 *   console.c    the console: printk into the ring, input line and commands
 *   xb.c         bounded xenstore reads and writes, transactions
 *   control.c    knobs (simguest/), control/shutdown, data/simguest reports
 *   devices.c    device discovery under device/, the frontend state table
 *   blkfront.c   vbd: handshake keys, rings, requests (direct and indirect)
 *   netfront.c   vif: handshake keys, tx and rx rings, frames
 *
 * Everything the backend writes (xenstore values, ring indices, response
 * ids) is bounded and checked; a backend that breaks the protocol fails its
 * device, never the guest. */
#ifndef XCTL_GUEST_H
#define XCTL_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/xenbus.h>

#include "common/log.h"

struct simd;
struct xs_handle;
struct guest;

#define GUEST_MAX_DEVS 64          /* vbds + vifs served at once */
#define GUEST_MAX_QUEUES 16        /* rings per device */
#define GUEST_MAX_RING_ORDER 4     /* XENBUS_MAX_RING_GRANT_ORDER */
#define GUEST_PATH_MAX 256         /* any xenstore path we build or accept */
#define GUEST_VALUE_MAX 256        /* any xenstore value we read */
#define GUEST_CONS_QUEUE 16384     /* console output buffered while the ring is full */
#define GUEST_CONS_LINE 256        /* console input line */
#define GUEST_MAX_DEFERRED 4096    /* grants still mapped by a backend, retried later */
#define GUEST_CLOSE_WAIT_MS 5000   /* shutdown waits this long for the devices to close (Linux: 5 s) */

/* ---- event loop ---------------------------------------------------- */

/* A file descriptor watched by the loop; fn runs when it is readable. */
struct ghandler {
	void (*fn)(struct guest *g, void *arg);
	void *arg;
	int fd;
};
int guest_watch_fd(struct guest *g, struct ghandler *h);
void guest_unwatch_fd(struct guest *g, struct ghandler *h);
/* Monotonic milliseconds. */
uint64_t guest_now_ms(void);

/* ---- memory and grants (gmem.c) ------------------------------------ */

/* n pages of the guest's memory, contiguous at addr. */
struct gpages {
	void *addr;
	unsigned n;
	uint64_t gfn[1u << GUEST_MAX_RING_ORDER];
	struct simd_page *page[1u << GUEST_MAX_RING_ORDER];
};
int gmem_alloc(struct guest *g, unsigned n, struct gpages *out);
void gmem_free(struct guest *g, struct gpages *p);

/* Grant gfn to domid; *ref is a fresh reference. */
int gnt_grant(struct guest *g, uint32_t domid, uint64_t gfn, bool readonly, grant_ref_t *ref);
/* End access; a grant still mapped by its grantee is kept and retried from
 * the loop (as Linux's deferred end of access); the page p (may be NULL) is
 * freed only once access has ended. */
void gnt_end(struct guest *g, grant_ref_t ref, struct gpages *p);
/* End n grants whose pages are p (freed once every one has ended). */
void gnt_end_all(struct guest *g, const grant_ref_t *refs, unsigned n, struct gpages *p);
/* Retry deferred ends; returns how many are still pending. */
unsigned gnt_retry_deferred(struct guest *g);

/* ---- console (console.c) ------------------------------------------- */

void gprintk(struct guest *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- xenstore (xb.c) ----------------------------------------------- */

/* Read path into buf (NUL-terminated). XCTL_ERR_NOTFOUND if absent,
 * XCTL_ERR_LIMIT if longer than bufsz - 1, XCTL_ERR_XENSTORE otherwise. */
int xb_read(struct guest *g, const char *path, char *buf, size_t bufsz);
/* A decimal number in [min, max]; XCTL_ERR_INVAL if not one. */
int xb_read_u64(struct guest *g, const char *path, uint64_t min, uint64_t max, uint64_t *out);
/* dir/key, or dir/KEYFMT with one unsigned argument. */
int xb_join(char *out, size_t outsz, const char *dir, const char *key);
int xb_read_key(struct guest *g, const char *dir, const char *key, char *buf, size_t bufsz);
int xb_read_key_u64(struct guest *g, const char *dir, const char *key, uint64_t min, uint64_t max,
		    uint64_t *out);
bool xb_key_exists(struct guest *g, const char *dir, const char *key);
/* Write a formatted value (transaction t, 0 for none). */
int xb_printf(struct guest *g, uint32_t t, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int xb_rm(struct guest *g, const char *path);
/* A transaction: fn writes, xb_txn runs it until it commits (EAGAIN retried
 * a bounded number of times). */
int xb_txn(struct guest *g, int (*fn)(struct guest *g, uint32_t t, void *arg), void *arg);

/* ---- knobs and control (control.c) --------------------------------- */

struct gknobs {
	unsigned boot_delay_ms;
	int64_t crash_after_ms; /* -1: never */
	bool ignore_shutdown;
	bool hide_control;
	unsigned load_disk, load_vif;
	unsigned max_ring_order;
	unsigned max_queues;
	unsigned max_indirect;
};
void control_knobs_read(struct guest *g);
int control_start(struct guest *g);
void control_on_shutdown_watch(struct guest *g);
void control_set_state(struct guest *g, const char *state);
void control_tick(struct guest *g, uint64_t now);
/* The domain changed in xctl-simd (flags, memory target). */
void control_on_domain_event(struct guest *g, uint32_t flags, uint64_t target_kib);
/* Ask xctl-simd to shut the domain down with a Xen reason (SHUTDOWN_*). */
void control_shutdown(struct guest *g, int reason, const char *why);

/* ---- devices (devices.c) ------------------------------------------- */

enum gdev_type { GDEV_VBD = 0, GDEV_VIF = 1 };

struct gdev;
struct gdev_ops {
	const char *name;          /* "vbd", "vif" */
	/* The frontend state to enter after setup (3 blkfront, 4 netfront). */
	int setup_state;
	size_t size;               /* of the driver's struct, which starts with struct gdev */
	/* Backend in InitWait: allocate rings, write the keys. */
	int (*setup)(struct gdev *d);
	/* Backend Connected: read what it published, start I/O. */
	int (*connect)(struct gdev *d);
	/* Stop I/O, end grants, free rings (back to a state setup can start from). */
	void (*teardown)(struct gdev *d);
	/* Periodic work (load, counters), at most every 100 ms. */
	void (*tick)(struct gdev *d, uint64_t now);
};

struct gdev {
	struct guest *g;
	const struct gdev_ops *ops;
	enum gdev_type type;
	unsigned devid;
	char name[16];             /* xvda, eth0 */
	char fe[GUEST_PATH_MAX];   /* our directory */
	char be[GUEST_PATH_MAX];   /* the backend's, from our backend node */
	uint32_t be_domid;
	int state;                 /* our XenbusState */
	int be_state;              /* the backend's, last read */
	bool io_started;
	bool failed;               /* the backend broke the protocol: no more I/O */
	char token[32];
};

int devices_start(struct guest *g);
void devices_on_watch(struct guest *g, const char *path, const char *token);
void devices_tick(struct guest *g, uint64_t now);
void devices_teardown_all(struct guest *g);
/* Switch our frontend state (writes fe/state). */
int gdev_switch(struct gdev *d, int state);
/* The backend broke the protocol: log it on the console, stop the device. */
void gdev_fail(struct gdev *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Event channel helpers for drivers. */
int gdev_evtchn_alloc(struct gdev *d, uint32_t *port, struct ghandler *h,
		      void (*fn)(struct guest *g, void *arg), void *arg);
void gdev_evtchn_close(struct gdev *d, uint32_t port, struct ghandler *h);
void gdev_notify(struct gdev *d, uint32_t port);

extern const struct gdev_ops blkfront_ops;
extern const struct gdev_ops netfront_ops;

/* ---- the guest ----------------------------------------------------- */

enum gphase { GP_BOOTING, GP_READY, GP_SUSPENDED, GP_SHUTTING_DOWN, GP_CRASHED };

struct gconsole {
	void *ring;                /* struct xencons_interface */
	uint32_t port;
	struct ghandler h;
	char queue[GUEST_CONS_QUEUE];
	size_t qlen;
	size_t dropped;
	char line[GUEST_CONS_LINE];
	size_t llen;
	uint64_t boot_ms;
};

struct gdeferred {
	grant_ref_t ref;
	struct gpages pages;
	bool has_pages;
};

struct guest {
	struct xctl_log *log;
	uint32_t domid;
	struct simd *sys;
	struct xs_handle *xs;
	struct ghandler xs_h;
	int epfd;
	unsigned epoch;            /* bumped whenever a handler goes away */
	unsigned vcpus;
	struct gconsole cons;
	struct gknobs knobs;
	enum gphase phase;
	uint64_t ready_at;         /* when boot-delay ends */
	uint64_t crash_at;         /* 0: not scheduled */
	uint64_t shutdown_at;      /* 0: none pending; else when to stop waiting for the devices to close */
	int shutdown_reason;       /* of the pending shutdown */
	uint64_t mem_target_kib;
	struct simd_watch *dom_watch;
	struct ghandler dom_h;
	bool quit;
	/* grant table */
	grant_entry_v1_t *gnttab;
	uint32_t gnt_entries;
	uint32_t gnt_frames;
	uint8_t *gnt_used;         /* one byte per entry */
	uint32_t gnt_hint;
	struct gdeferred *deferred;
	unsigned ndeferred;
	/* devices */
	struct gdev *devs[GUEST_MAX_DEVS];
	unsigned ndevs;
	char dev_dirs[2][GUEST_PATH_MAX]; /* device/vbd, device/vif */
	/* the home, for parsing watch paths */
	char home[64];
};

#endif
