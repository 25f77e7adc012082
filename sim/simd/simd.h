/* SPDX-License-Identifier: LGPL-2.1-only */
/* libsimd: the one C client library of xctl-simd, the simulated hypervisor.
 *
 * Used by hv/sim (the toolstack, as domain 0), xenio/sim (backends, as
 * domain 0) and the simulated guest (as its own domain). docs/simd.md
 * describes the wire protocol and the grant and memory mechanism.
 *
 * Conventions
 * - Every function that can fail returns 0 or a negative enum xctl_err
 *   (common/err.h). When xctl-simd refused a request, simd_errmsg() gives
 *   its sentence (what failed and why, with the numbers: "domain 3: cannot
 *   set the memory target to 4194304 KiB: the host has 1048576 KiB free").
 *   The library logs nothing; the caller reports the message once.
 * - Domain ids, ports, grant refs, frame numbers and memory figures have the
 *   ranges and units of Xen's: domids 0..SIMD_DOMID_MAX, memory in KiB,
 *   event channel ports per domain from 1, grant refs per domain from 0.
 * - A struct simd is one connection and is not thread-safe; use one per
 *   thread. Requests are synchronous (one round trip each) except
 *   simd_evtchn_notify(), which never talks to xctl-simd.
 *
 * Identity: a dom0 client connects to DIR/simd.sock (xctl-simd checks with
 * SO_PEERCRED that it runs as the host's user, or root) and acts as domain
 * 0. A guest's connection is a socketpair that xctl-simd created for that
 * domain and handed to the guest process it spawned (or, for tests, to a
 * dom0 client through simd_guest_attach()); it acts as that domain and
 * cannot claim another. Operations marked "dom0 only" fail with
 * XCTL_ERR_PERM on a guest connection. */
#ifndef XCTL_SIMD_H
#define XCTL_SIMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <xen/xen.h>
#include <xen/grant_table.h> /* grant_entry_v1_t, GTF_*, GNTST_* */

/* ------------------------------------------------------------------ */
/* Host layout                                                          */

#define SIMD_DEFAULT_DIR "/run/xctl/sim"
#define SIMD_ENV_DIR "XCTL_SIM_DIR"          /* overrides the default dir */
#define SIMD_SOCKET "simd.sock"              /* DIR/simd.sock */
#define SIMD_XENSTORED_SOCKET "xenstored.sock" /* DIR/xenstored.sock: XENSTORED_PATH */
#define SIMD_DOMAIN_SOCKETS "domains"        /* DIR/domains/N: xenstored's per-domain sockets */
#define SIMD_LOG_SUBDIR "log"                /* DIR/log/PROGRAM.log, DIR/log/guest-N.log */
#define SIMD_RUN_SUBDIR "run"                /* DIR/run/PROGRAM.pid */

/* The guest program xctl-simd starts for a domain on its first unpause,
 * looked up next to xctl-simd (override: xctl-simd --guest PATH; "none"
 * runs domains without a guest process). It is started with:
 *   argv: PROGRAM --domid N
 *   env:  XCTL_SIMD_FD=<fd of its simd connection>, XCTL_DOMID=N,
 *         XENSTORED_PATH=DIR/domains/N (its own xenstore socket only),
 *         XCTL_SIM_DIR=DIR
 *   stdout/stderr: DIR/log/guest-N.log; it dies with xctl-simd
 *   (PR_SET_PDEATHSIG); paused = SIGSTOP, unpaused = SIGCONT; destroy =
 *   SIGKILL. A guest process that dies without calling
 *   simd_domain_shutdown() leaves its domain crashed (reason crash). */
#define SIMD_GUEST_PROGRAM "xctl-guest"
#define SIMD_ENV_FD "XCTL_SIMD_FD"
#define SIMD_ENV_DOMID "XCTL_DOMID"

/* The directory in use: $XCTL_SIM_DIR if set and non-empty, else
 * SIMD_DEFAULT_DIR. Never NULL. */
const char *simd_dir_default(void);
/* DIR/NAME into out; XCTL_ERR_LIMIT if it does not fit (unix socket paths
 * must also fit in sun_path: 108 bytes). */
int simd_path(const char *dir, const char *name, char *out, size_t outsz);

/* ------------------------------------------------------------------ */
/* Connections                                                          */

struct simd;

/* Connect to xctl-simd of the host in dir (NULL: simd_dir_default()) as
 * domain 0. XCTL_ERR_NOTFOUND if no xctl-simd listens there. */
int simd_open(const char *dir, struct simd **out);
/* A guest's connection from the fd xctl-simd gave it (the value of
 * XCTL_SIMD_FD); simd_guest_open_env() reads the variable. */
int simd_guest_open(int fd, struct simd **out);
int simd_guest_open_env(struct simd **out);
/* Closes the connection: the library unmaps what it mapped and closes its
 * event channel fds. xctl-simd then releases this connection's grant maps
 * and closes the ports it bound (those of a dom0 client; a guest's ports
 * live as long as its domain). */
void simd_close(struct simd *s);
/* The domain this connection acts as (0 for dom0 clients). */
uint32_t simd_self(const struct simd *s);
/* xctl-simd's message for the last failed request, or "" if none. */
const char *simd_errmsg(const struct simd *s);

/* dom0 only, for tests and debugging: a guest connection for domain domid
 * (a new socketpair), as if this process were its guest. Several may exist
 * for one domain; the spawned guest process, if any, has its own. */
int simd_guest_attach(struct simd *s, uint32_t domid, struct simd **guest);

/* ------------------------------------------------------------------ */
/* Domains                                                              */

#define SIMD_DOMID_FIRST_RESERVED 0x7FF0u /* DOMID_FIRST_RESERVED */
#define SIMD_DOMID_MAX 0x7FEFu            /* 32751, the largest guest domid */
#define SIMD_DOMID_SELF 0x7FF0u           /* DOMID_SELF: the caller's domain */

enum simd_dom_type {
	SIMD_TYPE_PV = 0,
	SIMD_TYPE_PVH = 1,
	SIMD_TYPE_HVM = 2,
};

/* Xen's SHUTDOWN_* codes (xen/sched.h), libxl's shutdown_reason names. */
enum simd_shutdown_reason {
	SIMD_SHUTDOWN_POWEROFF = 0,
	SIMD_SHUTDOWN_REBOOT = 1,
	SIMD_SHUTDOWN_SUSPEND = 2,
	SIMD_SHUTDOWN_CRASH = 3,
	SIMD_SHUTDOWN_WATCHDOG = 4,
	SIMD_SHUTDOWN_SOFT_RESET = 5,
};
#define SIMD_SHUTDOWN_NR 6
/* "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset"; NULL
 * for anything else. */
const char *simd_shutdown_name(int reason);
/* The reason for a name above, or -1. */
int simd_shutdown_parse(const char *name);

/* State flags (struct simd_domain_info.flags), the columns of xl list. */
#define SIMD_DOMF_RUNNING 0x01u  /* r: a vcpu is on a cpu now */
#define SIMD_DOMF_BLOCKED 0x02u  /* b: not paused, not shut down, not running */
#define SIMD_DOMF_PAUSED 0x04u   /* p */
#define SIMD_DOMF_SHUTDOWN 0x08u /* s: shut down; shutdown_reason says why */
#define SIMD_DOMF_DYING 0x10u    /* d: destroyed, resources still held */
/* The six characters xl list prints for flags and reason, e.g. "-b----",
 * "--p---", "---ss-" (suspend), "---sc-" (crash): r b p s REASON d, where
 * REASON is one of "-rscwS" (xl_info.c) when shut down, else '-'. */
#define SIMD_FLAGS_STRLEN 7
void simd_flags_str(uint32_t flags, uint32_t shutdown_reason, char out[SIMD_FLAGS_STRLEN]);

#define SIMD_MAX_VCPUS 128
#define SIMD_MAX_CPUS 256
#define SIMD_CPUMAP_WORDS (SIMD_MAX_CPUS / 64)
struct simd_cpumap {
	uint64_t bits[SIMD_CPUMAP_WORDS]; /* bit c of word c/64 = host cpu c */
};

#define SIMD_DEFAULT_MAX_GRANT_FRAMES 64  /* Xen 4.17's gnttab_max_frames default */
#define SIMD_MAX_GRANT_FRAMES 256
#define SIMD_GRANT_ENTRIES_PER_FRAME (4096 / sizeof(grant_entry_v1_t)) /* 512 */
#define SIMD_DEFAULT_MAX_EVTCHN_PORT 1023  /* ports 1..1023 (2-level ABI: 4095) */
#define SIMD_PAGE_SIZE 4096u
/* Grant refs the domain builder sets, as Xen's GNTTAB_RESERVED_*: 0 grants
 * the console ring page to dom0, 1 the xenstore page. */
#define SIMD_GREF_CONSOLE 0u
#define SIMD_GREF_XENSTORE 1u

struct simd_domain_config {
	uint32_t domid;            /* 0: the next free id; else exactly this id (1..SIMD_DOMID_MAX) */
	uint8_t uuid[16];
	enum simd_dom_type type;
	uint64_t max_kib;          /* maxmem */
	uint64_t target_kib;       /* memory; 0 means max_kib; must be <= max_kib */
	uint32_t max_vcpus;        /* 1..SIMD_MAX_VCPUS */
	uint32_t vcpus;            /* online at start, 1..max_vcpus; 0 means max_vcpus */
	uint32_t max_grant_frames; /* 0: SIMD_DEFAULT_MAX_GRANT_FRAMES; at most SIMD_MAX_GRANT_FRAMES */
	uint32_t max_evtchn_port;  /* 0: SIMD_DEFAULT_MAX_EVTCHN_PORT; at most 4095 */
	uint32_t max_pages;        /* grantable pages the guest may allocate; 0: 1024 (capped by max_kib) */
	char name[64];             /* for xctl-simd's log only ("" allowed) */
};

struct simd_domain_info {
	uint32_t domid;
	uint8_t uuid[16];
	enum simd_dom_type type;
	uint32_t flags;            /* SIMD_DOMF_* */
	uint32_t shutdown_reason;  /* valid with SIMD_DOMF_SHUTDOWN */
	uint64_t max_kib;
	uint64_t target_kib;       /* what it has now (xl list's Mem is this / 1024) */
	uint32_t max_vcpus;
	uint32_t online_vcpus;
	uint64_t cpu_time_ns;      /* the guest process's cpu time (0 without one) */
	uint64_t created_ns;       /* CLOCK_REALTIME at create */
	uint32_t gen;              /* bumped at every change of flags, memory or vcpus */
	/* the domain builder's pages and ports (console/ and store/ nodes) */
	uint64_t console_gfn;      /* console/ring-ref */
	uint32_t console_port;     /* console/port (allocated unbound for dom0) */
	uint64_t store_gfn;        /* store/ring-ref */
	uint32_t store_port;       /* store/port */
	/* grant tables and event channels, so that leaks are visible */
	uint32_t nr_grant_frames;  /* current size of its grant table */
	uint32_t max_grant_frames;
	uint32_t maps_of_it;       /* its grants mapped now by other domains */
	uint32_t maps_by_it;       /* others' grants it has mapped now */
	uint32_t nr_ports;         /* its event channel ports in use */
	uint32_t nr_pages;         /* grantable pages it holds (console and store included) */
	pid_t guest_pid;           /* 0 when no guest process runs */
	bool guest_connected;      /* its guest process has said hello (simd_guest_ready) */
	char name[64];
};

/* dom0 only. Creates a paused domain (flags "--p---"), introduced to
 * xenstored (@introduceDomain fires), with its grant table (1 frame), its
 * console and xenstore pages granted to dom0 at refs 0 and 1, and its
 * store port (1) and console port (2) allocated unbound for dom0, as
 * libxl's domain builder does. Fails with
 * XCTL_ERR_LIMIT (and the numbers in simd_errmsg) if target_kib does not
 * fit in the host's free memory, XCTL_ERR_EXISTS if config->domid is in
 * use, XCTL_ERR_INVAL for an out-of-range value. */
int simd_domain_create(struct simd *s, const struct simd_domain_config *config, uint32_t *domid);
/* dom0 only. Kills its guest process, closes its event channels (the peers
 * see them unbound), revokes its grant table, frees its memory, releases it
 * in xenstored (@releaseDomain fires). While other domains still map its
 * grants it stays listed as dying ("-----d") and its pages stay alive for
 * those mappings; the last unmap removes it. */
int simd_domain_destroy(struct simd *s, uint32_t domid);
/* dom0 only. Pausing stops the guest process (SIGSTOP); the first unpause
 * starts it. Pause counts nest as in Xen (the toolstack's pause count). */
int simd_domain_pause(struct simd *s, uint32_t domid);
int simd_domain_unpause(struct simd *s, uint32_t domid);
/* domid SIMD_DOMID_SELF (or its own id) from a guest: SCHEDOP_shutdown;
 * any domid from dom0: SCHEDOP_remote_shutdown. The domain's vcpus stop
 * (guest process SIGSTOPped), flags gain 's', xenstored is told (the
 * @releaseDomain Xen's xenstored fires for a domain newly shut down). A
 * domain already shut down keeps its first reason (XCTL_ERR_BUSY). */
int simd_domain_shutdown(struct simd *s, uint32_t domid, enum simd_shutdown_reason reason);
/* dom0 only. Cancel a suspend shutdown (xc_domain_resume): the domain runs
 * on, shutdown flag cleared. XCTL_ERR_INVAL unless shut down for suspend. */
int simd_domain_resume(struct simd *s, uint32_t domid);
/* domid SIMD_DOMID_SELF from a guest: itself; a guest may ask only about
 * itself. XCTL_ERR_NOTFOUND for no such domain. */
int simd_domain_info(struct simd *s, uint32_t domid, struct simd_domain_info *out);
/* Every domain, dom0 first, by ascending id; *out is malloc()ed (free()). */
int simd_domain_list(struct simd *s, struct simd_domain_info **out, size_t *n);

/* ------------------------------------------------------------------ */
/* Host and memory                                                      */

struct simd_host_info {
	uint64_t total_kib;    /* xctl-simd --memory (default 16 GiB) */
	uint64_t free_kib;     /* total - dom0 - every domain's target */
	uint32_t nr_cpus;      /* xctl-simd --cpus (default 4) */
	uint32_t nr_domains;   /* dom0 included */
	uint32_t xen_major, xen_minor; /* 4, 17 */
	uint64_t started_ns;   /* CLOCK_REALTIME when xctl-simd started */
	pid_t pid;             /* xctl-simd's */
};
int simd_host_info(struct simd *s, struct simd_host_info *out);

/* dom0 only. Set maxmem (not below the current target: XCTL_ERR_INVAL). */
int simd_mem_set_max(struct simd *s, uint32_t domid, uint64_t max_kib);
/* dom0 only. Set the target (balloon). Above max_kib: XCTL_ERR_INVAL; an
 * increase beyond the host's free memory: XCTL_ERR_LIMIT with the numbers.
 * The guest sees the new target in its simd_domain_info and through the
 * domain's state watch (gen changes). */
int simd_mem_set_target(struct simd *s, uint32_t domid, uint64_t target_kib);

/* ------------------------------------------------------------------ */
/* Vcpus                                                                */

struct simd_vcpu_info {
	uint32_t vcpu;
	bool online;
	bool running;          /* on a cpu now (the guest process is running) */
	uint32_t cpu;          /* host cpu it last ran on */
	uint64_t cpu_time_ns;
	struct simd_cpumap hard, soft;
};
/* dom0 only. vcpus 0..n-1 online, the rest offline (1..max_vcpus). */
int simd_vcpu_set_online(struct simd *s, uint32_t domid, uint32_t n);
/* dom0 only. NULL leaves that mask unchanged. Bits beyond the host's cpus
 * are ignored; a hard mask with no host cpu left is XCTL_ERR_INVAL. */
int simd_vcpu_set_affinity(struct simd *s, uint32_t domid, uint32_t vcpu,
			   const struct simd_cpumap *hard, const struct simd_cpumap *soft);
/* Every vcpu of the domain (max_vcpus entries); *out malloc()ed. */
int simd_vcpu_list(struct simd *s, uint32_t domid, struct simd_vcpu_info **out, size_t *n);

/* ------------------------------------------------------------------ */
/* Waiting for domain state changes                                     */

enum simd_event_kind {
	SIMD_EV_CREATED = 1,
	SIMD_EV_CHANGED = 2,   /* flags, memory, vcpus or the guest's hello */
	SIMD_EV_DESTROYED = 3, /* gone from the list */
	SIMD_EV_OVERFLOW = 4,  /* events were dropped: list the domains again */
};
struct simd_event {
	enum simd_event_kind kind;
	uint32_t domid;
	uint32_t flags;
	uint32_t shutdown_reason;
	uint32_t gen;
};
struct simd_watch;
/* dom0: events of every domain; a guest: of its own domain. A watch is a
 * connection of its own (from dir, like simd_open, or, for a guest, from
 * its connection); its fd is pollable. Events queued for a slow reader are
 * bounded; past the bound one SIMD_EV_OVERFLOW replaces them. */
int simd_watch_open(struct simd *s, struct simd_watch **out);
int simd_watch_fd(const struct simd_watch *w);
/* Next event; timeout_ms < 0 waits for ever, 0 polls. XCTL_ERR_TIMEOUT if
 * none came in time. */
int simd_watch_read(struct simd_watch *w, struct simd_event *ev, int timeout_ms);
void simd_watch_close(struct simd_watch *w);
/* Wait until the domain's flags have a bit of any_flags, then fill *out
 * (may be NULL) and return 0. any_flags 0 waits until the domain is gone
 * (destroyed and no longer dying) and returns 0 then. Otherwise a domain
 * that is or becomes gone is XCTL_ERR_NOTFOUND; XCTL_ERR_TIMEOUT after
 * timeout_ms (< 0: no limit). */
int simd_domain_wait(struct simd *s, uint32_t domid, uint32_t any_flags, int timeout_ms,
		     struct simd_domain_info *out);

/* ------------------------------------------------------------------ */
/* Grants, mapper side (a backend, the console daemon)                  */

/* A mapping of n granted frames, contiguous at addr (n * 4096 bytes). A
 * read-only mapping is PROT_READ over a read-only fd: writing faults and
 * mprotect() to PROT_WRITE fails. Nothing outside the n frames is
 * reachable through it. */
struct simd_grant_map {
	void *addr;
	uint32_t domid;
	uint32_t count;
	bool readonly;
	uint32_t handle;       /* xctl-simd's, for the unmap */
};
/* Map refs[0..count-1] of domain domid (count 1..SIMD_MAP_MAX_REFS). Xen's
 * rules (gnttab_map_grant_ref): the entry has GTF_permit_access and names
 * the caller's domain, a writable map needs an entry without GTF_readonly;
 * xctl-simd then sets GTF_reading (and GTF_writing) in the guest's entry
 * until the last map of the ref is gone, and keeps the frame it found at
 * the first map (rewriting the entry while mapped neither gains nor
 * revokes access). A ref pinned by another domain fails. Errors:
 * XCTL_ERR_PERM (GNTST_permission_denied/general_error, message says
 * which rule), XCTL_ERR_NOTFOUND (no such domain, ref beyond its table:
 * GNTST_bad_gntref), XCTL_ERR_LIMIT (too many maps). All or nothing. */
#define SIMD_MAP_MAX_REFS 32
int simd_grant_map(struct simd *s, uint32_t domid, const uint32_t *refs, uint32_t count, bool readonly,
		   struct simd_grant_map **out);
/* Unmap and free m (NULL is a no-op). */
int simd_grant_unmap(struct simd *s, struct simd_grant_map *m);

/* GNTTABOP_copy: each side is a grant ref of a domain (virt NULL) or a
 * buffer of the caller (virt non-NULL; domid and ref ignored). offset+len
 * must stay within one frame (4096). Each segment gets its own Xen status
 * (GNTST_okay, GNTST_bad_domain, GNTST_bad_gntref, GNTST_general_error for
 * a grant refused, GNTST_bad_copy_arg for a range outside the frame). The
 * call fails (negative) only if the request could not be made; check every
 * status. At most SIMD_COPY_MAX_SEGS segments per call. */
struct simd_copy_ptr {
	uint32_t domid;
	uint32_t ref;
	uint16_t offset;
	void *virt;
};
struct simd_grant_copy_seg {
	struct simd_copy_ptr source, dest;
	uint16_t len;
	int16_t status;
};
#define SIMD_COPY_MAX_SEGS 16
int simd_grant_copy(struct simd *s, struct simd_grant_copy_seg *segs, size_t n);

/* ------------------------------------------------------------------ */
/* Grants and memory, guest side                                        */

/* A page of the guest's memory that it can grant: 4096 bytes mapped
 * read-write at addr, frame number gfn (the value that goes into a grant
 * entry's frame and into ring-ref nodes). Counted in the domain's pages
 * (bounded by max_pages and by its memory target). */
struct simd_page {
	void *addr;
	uint64_t gfn;
};
int simd_page_alloc(struct simd *s, struct simd_page **out);
/* Give the page back. If another domain still maps it, the frame lives on
 * until that mapping goes (the guest's own mapping is removed now). */
int simd_page_free(struct simd *s, struct simd_page *p);

/* The guest's grant table: grow it to at least nr_frames frames (1..its
 * max_grant_frames; XCTL_ERR_LIMIT beyond) and map it; *table points at
 * nr_frames * 512 entries, *nr_entries says how many. The guest writes
 * the entries itself, exactly as on Xen (frame and domid first, then flags
 * after a write barrier: simd_gnttab_grant() does that). Calling again
 * with a larger nr_frames grows it (the old pointer stays valid only until
 * then: use the new one). Entries 0 and 1 are the builder's (console,
 * xenstore); a guest allocates from 8 up, like Linux (GNTTAB_NR_RESERVED). */
int simd_gnttab_setup(struct simd *s, uint32_t nr_frames, grant_entry_v1_t **table,
		      uint32_t *nr_entries);
/* Write entry ref: grant domid access to frame gfn (read-only or not). */
void simd_gnttab_grant(grant_entry_v1_t *table, uint32_t ref, uint32_t domid, uint64_t gfn,
		       bool readonly);
/* End access as Linux's gnttab_end_foreign_access_ref: clears the entry
 * unless it is mapped now (GTF_reading/GTF_writing), then XCTL_ERR_BUSY:
 * the grant stays in use, as on Xen. */
int simd_gnttab_end(grant_entry_v1_t *table, uint32_t ref);

/* ------------------------------------------------------------------ */
/* Event channels (both sides)                                          */

/* Ports are the caller's domain's (1..max_evtchn_port, the lowest free
 * first, as Xen). Each bound port has an eventfd pair: notify writes the
 * peer's eventfd directly (no round trip through xctl-simd), the port's fd
 * becomes readable when the peer notifies. A notification to a port that
 * is not yet bound is kept and delivered at bind, as Xen sets the port
 * pending at bind-interdomain. */

/* dom is SIMD_DOMID_SELF, or any domain for dom0 (the builder's store and
 * console ports): then the port is the other domain's and only its
 * connections can open it (simd_evtchn_open). remote_dom may bind it. */
int simd_evtchn_alloc_unbound(struct simd *s, uint32_t dom, uint32_t remote_dom, uint32_t *port);
/* Bind a new local port to remote_dom's unbound remote_port, which must
 * have been allocated for the caller's domain. */
int simd_evtchn_bind_interdomain(struct simd *s, uint32_t remote_dom, uint32_t remote_port,
				 uint32_t *local_port);
/* Get this connection the fds of a port of its domain that another
 * connection allocated (a guest's console and store ports). */
int simd_evtchn_open(struct simd *s, uint32_t port);
/* Notify the peer. On an unbound port the notification waits for the bind;
 * on a port this connection has not opened: XCTL_ERR_NOTFOUND. */
int simd_evtchn_notify(struct simd *s, uint32_t port);
/* The port's pollable fd (readable when an event is pending), or -1. */
int simd_evtchn_fd(const struct simd *s, uint32_t port);
/* Consume the pending event of the port: 1 if there was one, 0 if none or
 * the port is masked (its events stay pending until unmask). */
int simd_evtchn_consume(struct simd *s, uint32_t port);
/* One fd for every port this connection has open (epoll set; readable when
 * any port is pending) and the next pending unmasked port (0 = none), like
 * libxenevtchn's xenevtchn_fd/xenevtchn_pending. simd_evtchn_pending()
 * consumes the event it reports. */
int simd_evtchn_epoll_fd(struct simd *s);
int simd_evtchn_pending(struct simd *s, uint32_t *port);
int simd_evtchn_mask(struct simd *s, uint32_t port);
int simd_evtchn_unmask(struct simd *s, uint32_t port);
/* Close the port: its peer becomes unbound (bindable again by the peer's
 * remote domain, as Xen's EVTCHNSTAT_unbound after a close). */
int simd_evtchn_close(struct simd *s, uint32_t port);

enum simd_evtchn_state {
	SIMD_EVTCHN_CLOSED = 0,
	SIMD_EVTCHN_UNBOUND = 1,
	SIMD_EVTCHN_INTERDOMAIN = 2,
};
struct simd_evtchn_status {
	enum simd_evtchn_state state;
	uint32_t remote_dom;   /* unbound: who may bind; interdomain: the peer */
	uint32_t remote_port;  /* interdomain only */
};
/* EVTCHNOP_status: dom SIMD_DOMID_SELF, or any for dom0. */
int simd_evtchn_status(struct simd *s, uint32_t dom, uint32_t port, struct simd_evtchn_status *out);

/* ------------------------------------------------------------------ */
/* Guest: console and xenstore                                          */

/* The guest's console: its xencons_interface ring page (the builder's
 * console page, also granted to dom0 at SIMD_GREF_CONSOLE) and port (opened
 * for this connection), like start_info's console.domU. */
struct simd_console {
	void *ring;            /* struct xencons_interface (xen/io/console.h) */
	uint64_t gfn;
	uint32_t port;
};
int simd_guest_console(struct simd *s, struct simd_console *out);
/* The guest's xenstore: the path of its per-domain xenstored socket (the
 * value to put in XENSTORED_PATH for libxenstore), its store port and page
 * gfn (store/port, store/ring-ref). */
int simd_guest_xenstore(struct simd *s, char *path, size_t pathsz, uint32_t *port, uint64_t *gfn);
/* The guest tells xctl-simd it is up (simd_domain_info.guest_connected;
 * watchers see a SIMD_EV_CHANGED). */
int simd_guest_ready(struct simd *s);

/* ------------------------------------------------------------------ */
/* The simulated host's lifecycle (used by `xctl sim` and by every xctl   */
/* command that needs a host)                                           */

struct simd_host_opts {
	const char *dir;       /* NULL: simd_dir_default() */
	const char *bindir;    /* where the programs are; NULL: next to /proc/self/exe */
	uint64_t memory_kib;   /* xctl-simd --memory; 0: default */
	uint32_t cpus;         /* xctl-simd --cpus; 0: default */
	const char *guest;     /* xctl-simd --guest; NULL: default */
};
/* Start whatever of the host is not running: xctl-xenstored, xctl-simd,
 * then the other daemons of the host table (sim/simd/host.c: the console
 * daemon xctl-consoled, the backends xctl-blkback and xctl-netback) that
 * exist in bindir. Each of those is started as `PROG --dir DIR` in a
 * session of its own, with XCTL_SIM_DIR=DIR and
 * XENSTORED_PATH=DIR/xenstored.sock in its environment and stdout/stderr
 * appended to DIR/log/PROG.log; it must stay in the foreground, write
 * nothing to DIR but its own files, and exit on SIGTERM (its pid is kept
 * in DIR/run/PROG.pid). Idempotent and safe to run concurrently (a lock file in
 * DIR). Creates DIR (0700) if needed; no root needed for a dir of one's
 * own. *started (may be NULL) is set when it started anything; the caller
 * says so once on stderr (simd_host_ensure_say() does that). Errors name
 * the program that failed and its log file in `msg`. */
int simd_host_start(const struct simd_host_opts *o, bool *started, char *msg, size_t msgsz);
/* For every xctl command that needs a host: start it if needed and, if it
 * was started now, print once on stderr "xctl: started the simulated Xen
 * host in DIR (no Xen here: /dev/xen/privcmd is missing)". On failure it
 * prints the reason and returns the error. */
int simd_host_ensure(const char *dir);
/* The same with every option of simd_host_start. */
int simd_host_ensure_opts(const struct simd_host_opts *o);
/* Destroy every domain cleanly (as simd_domain_destroy), then stop every
 * daemon of the host (reverse order), waiting for each to exit. */
int simd_host_stop(const struct simd_host_opts *o, char *msg, size_t msgsz);

struct simd_host_daemon {
	char name[32];          /* "xctl-simd" */
	pid_t pid;              /* 0: not running */
	bool running;
	char log[256];
};
#define SIMD_HOST_MAX_DAEMONS 8
struct simd_host_status {
	char dir[256];
	bool running;           /* xctl-simd answers */
	size_t ndaemons;
	struct simd_host_daemon daemons[SIMD_HOST_MAX_DAEMONS];
	struct simd_host_info info; /* valid if running */
};
int simd_host_status(const struct simd_host_opts *o, struct simd_host_status *out);

#endif
