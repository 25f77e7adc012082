/* SPDX-License-Identifier: LGPL-2.1-only */
/* The lifecycle core: what xctl's commands do to domains, over the hv port.
 *
 * A context (struct xctl_core) holds the hv context, the directories and the
 * logger. Opening it finishes or rolls back whatever an earlier xctl left
 * half done (crash records, record.h), and says so on stderr.
 *
 * Directories (each overridable by env for tests):
 *   state  XCTL_STATE_DIR, default /var/lib/xctl:
 *          claims/NAME          the journal of an operation holding NAME
 *          domains/UUID.json    the resolved configuration of a running domain
 *          domains/UUID.monitor the monitor's pid, locked while it runs
 *          names/NAME           "DOMID UUID" of the domain of that name
 *   logs   XCTL_LOG_DIR, default /var/log/xctl: NAME.log per domain (monitor)
 *   hooks  XCTL_HOOKS_DIR, default /etc/xctl/hooks.d: prepare/ start/
 *          started/ stopped/ release/, executables run in name order with
 *          NAME DOMID OPERATION as arguments and the domain's JSON on stdin. */
#ifndef XCTL_CORE_CORE_H
#define XCTL_CORE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "toolstack/config/global.h"
#include "toolstack/config/model.h"
#include "toolstack/hv/hv.h"

#define XCTL_STATE_DIR_DEFAULT "/var/lib/xctl"
#define XCTL_LOG_DIR_DEFAULT "/var/log/xctl"
#define XCTL_HOOKS_DIR_DEFAULT "/etc/xctl/hooks.d"

/* The crash-loop guard's defaults (as XAPI's): a domain that crashes this
 * many times within this many seconds is not restarted again. */
#define XCTL_CRASH_LOOP_MAX 3
#define XCTL_CRASH_LOOP_WINDOW_S 120

struct xctl_core_params {
	const struct xctl_log *log;
	enum xctl_hv_kind kind;
	const char *state_dir, *log_dir, *hooks_dir; /* NULL: env, then the default */
	const char *sim_dir;                         /* NULL: hv's default */
	const char *bin_dir;                         /* the simulated host's programs; NULL: beside this one */
	const struct xctl_global_config *global;     /* may be NULL (built-in values) */
	bool no_recover;                             /* do not look at crash records */
	bool no_start;                               /* sim: do not start the simulated host */
};

struct xctl_core {
	struct xctl_hv *hv;
	const struct xctl_log *log;
	char *state_dir, *log_dir, *hooks_dir;
	enum xctl_hv_kind kind;      /* resolved */
	const struct xctl_global_config *global;
	int crash_max, crash_window_s;
	char *self_exe;              /* this program, for starting monitors */
};

int xctl_core_open(const struct xctl_core_params *p, struct xctl_core **out);
void xctl_core_close(struct xctl_core *c);

/* Finish or roll back every operation a killed xctl left (stale claims).
 * Prints one line per record on stderr saying which it did. Returns 0 or
 * the first error (the others are still tried). */
int xctl_core_recover(struct xctl_core *c);
/* The same for the record of one name. XCTL_ERR_NOTFOUND if there is none,
 * XCTL_ERR_BUSY if a live process holds it. */
int xctl_core_recover_name(struct xctl_core *c, const char *name);
struct xctl_record;
struct xctl_claim;
/* Claim r->name (record.h), recovering a stale record in the way, and
 * waiting up to wait_ms while a live process holds it (say: warn once
 * that it waits). 0, XCTL_ERR_BUSY (*holder still holds it) or an error. */
int xctl_core_claim_wait(struct xctl_core *c, struct xctl_record *r, int wait_ms, bool say,
			 struct xctl_claim **out, pid_t *holder);

/* ---- create */
struct xctl_create_opts {
	bool paused;                 /* -p: leave it paused */
	bool monitor;                /* start the per-domain monitor (not with -e) */
	bool foreground;             /* -F: the caller runs the monitor itself */
	int device_timeout_ms;       /* 0: 10 s */
	void (*progress)(void *arg, const char *what, int elapsed_ms);
	void *progress_arg;
	/* benchmarks: told the wall time of each phase of the create (the
	 * plan's steps, and "claim", "checks" before them, "commit" after) */
	void (*timed)(void *arg, const char *phase, long long ns, int rc);
	void *timed_arg;
};
/* Create the domain m (validated, with uuid and name) as one plan: claim
 * the name, check no domain has it, run the prepare hooks, the hv's steps,
 * save the configuration, run the start hooks, unpause, commit, run the
 * started hooks and start the monitor. Any failure before the commit undoes
 * everything done so far. XCTL_ERR_EXISTS: the name is taken (or being
 * taken: XCTL_ERR_BUSY), the message says by whom. */
int xctl_core_create(struct xctl_core *c, const struct xctl_domain_config *m, const struct xctl_create_opts *o,
		     uint32_t *domid);

/* ---- other operations */
/* Destroy the domain, remove its saved configuration, run the stopped and
 * release hooks, and wait for its monitor to end. */
int xctl_core_destroy(struct xctl_core *c, uint32_t domid);
/* Rename under a claim of the new name. XCTL_ERR_EXISTS if taken. */
int xctl_core_rename(struct xctl_core *c, uint32_t domid, const char *name);
/* The saved configuration of a domain (by its uuid); m initialised here,
 * disposed by the caller. XCTL_ERR_NOTFOUND if xctl did not create it. */
int xctl_core_load_config(struct xctl_core *c, const char *uuid, struct xctl_domain_config *m);
/* Its JSON text (malloc()ed), or NOTFOUND. */
int xctl_core_config_json(struct xctl_core *c, const char *uuid, char **json);

/* Start the monitor of domid as a background process of its own (a new
 * session, output to LOG_DIR/NAME.log): runs `SELF monitor DOMID`. */
int xctl_core_spawn_monitor(struct xctl_core *c, uint32_t domid, const char *name);
/* Run the monitor here until the domain is gone for good (monitor.c).
 * Returns 0 when the domain was destroyed or left as its action said. */
int xctl_core_monitor(struct xctl_core *c, uint32_t domid);
/* Is a monitor running for this uuid? *pid its pid. */
bool xctl_core_monitor_alive(struct xctl_core *c, const char *uuid, pid_t *pid);

/* ---- devices of a running domain (devices.c) */
/* Attach dev (resolved: a disk with its devid, a vif with devid and MAC,
 * backend_domid set) as a plan: check that the domain has no such device
 * (XCTL_ERR_EXISTS, the message says so), add it and wait for its backend
 * (undo: remove it), then record it in the domain's saved configuration
 * (undo: the configuration as it was), so that a restart keeps it. A
 * failure leaves the domain as it was. */
int xctl_core_device_attach(struct xctl_core *c, uint32_t domid, const struct xctl_hv_device *dev, int timeout_ms);
/* Detach the device of kind with devid (name: how the user named it, for
 * messages): drop it from the saved configuration, then remove it (the
 * backend asked to close and waited for; with force at once). A failed
 * removal restores the configuration. */
int xctl_core_device_detach(struct xctl_core *c, uint32_t domid, enum xctl_hv_devkind kind, int devid,
			    const char *name, bool force, int timeout_ms);
/* Fill in what a vif spec left out, as libxl does when it adds a nic: the
 * devid (one more than the highest in use), a MAC (00:16:3e and three bytes
 * from seed, not one of the domain's) and the type (ioemu for HVM). */
int xctl_core_vif_prepare(struct xctl_core *c, uint32_t domid, struct xctl_vif *v, uint64_t seed);
/* Recovery of a killed attach (rolled back) or detach (finished) from its
 * crash record (recover.c calls it); did says what was done. */
struct xctl_record;
int xctl_core_device_recover(struct xctl_core *c, const struct xctl_record *r, char *did, size_t len);
/* "disk" or "vif", for messages. */
const char *xctl_core_devkind_noun(enum xctl_hv_devkind k);

/* ---- hooks (hooks.c) */
/* Run every executable of HOOKS/op/ for the domain. For prepare a failing
 * hook stops the run: returns XCTL_ERR_PERM and its output in *output
 * (malloc()ed, may be NULL). Other operations log failures and return 0. */
int xctl_core_hooks(struct xctl_core *c, const char *op, const char *name, uint32_t domid, const char *json,
		    char **output);

/* ---- the name index (names.c): STATE/names/NAME = "DOMID UUID" */
int xctl_core_name_set(struct xctl_core *c, const char *name, uint32_t domid, const char *uuid);
/* Remove the entry of name (only if it is uuid's, when uuid is given). */
void xctl_core_name_drop(struct xctl_core *c, const char *name, const char *uuid);
/* The domid of the domain the index gives name to, checked against the
 * hypervisor; a stale entry is dropped. XCTL_ERR_NOTFOUND if none. */
int xctl_core_name_lookup(struct xctl_core *c, const char *name, uint32_t *domid);

/* ---- helpers */
/* Remove the state directory's subdirectories that are empty now. */
void xctl_core_tidy(struct xctl_core *c);
/* PATH of a file in the state dir: "%s/domains/%s.json" etc. (malloc). */
char *xctl_core_path(struct xctl_core *c, const char *sub, const char *name, const char *ext);

#endif
