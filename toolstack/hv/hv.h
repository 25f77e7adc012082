/* SPDX-License-Identifier: LGPL-2.1-only */
/* The hypervisor port: what the toolstack asks of a Xen host.
 *
 * Two implementations: hv/xen (libxl, on a Xen host) and hv/sim (xctl-simd
 * and xctl-xenstored, the simulated host). The core (plans, monitor, hooks)
 * and the commands only talk to the host through this table, so everything
 * above it runs unchanged on both.
 *
 * A context (struct xctl_hv) is opened once per command (or per monitor
 * process), holds the implementation's connections, and is passed to every
 * op. There is no global state: two contexts in one process are independent.
 *
 * Common contract of every op, unless the op says otherwise:
 * - returns 0 or a negative enum xctl_err (common/err.h); XCTL_ERR_NOTFOUND
 *   for a domid that does not exist (or is dying, for ops that need a live
 *   domain), XCTL_ERR_HV when the hypervisor refused, XCTL_ERR_XENSTORE when
 *   xenstore failed, XCTL_ERR_TIMEOUT when a wait gave up;
 * - an error is logged once, where found, through hv->log, naming the domain
 *   (and the device); the caller does not log it again but may add what it
 *   was doing;
 * - ops are synchronous; the only ops that block for long are the ones with
 *   a timeout argument (and console, which runs until the user detaches);
 * - memory is in KiB, times in nanoseconds unless the field says otherwise;
 * - outputs the caller frees have a matching free function below.
 *
 * Fault injection (tests only): every implementation calls
 * xctl_hv_fault(hv, what) before each hypervisor or xenstore call it makes
 * and fails that call when it returns nonzero. XCTL_HV_FAULT=N in the
 * environment makes the Nth call fail (XCTL_ERR_HV or XCTL_ERR_XENSTORE as
 * the call would; errno is EIO then), XCTL_HV_KILL=N makes the process kill itself with SIGKILL
 * at the Nth call (crash tests). Counting starts at 1 when the context is
 * opened. */
#ifndef XCTL_HV_H
#define XCTL_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "toolstack/config/global.h"
#include "toolstack/config/model.h"

struct xctl_log;
struct xctl_hv;

/* ---------------------------------------------------------------- selection */

enum xctl_hv_kind {
	XCTL_HV_AUTO = 0, /* Xen if /dev/xen/privcmd exists, else the simulated host */
	XCTL_HV_SIM = 1,  /* --sim */
	XCTL_HV_XEN = 2,  /* --xen */
};

#define XCTL_HV_PRIVCMD "/dev/xen/privcmd"

struct xctl_hv_params {
	enum xctl_hv_kind kind;
	const struct xctl_log *log;   /* where errors go; required */
	const char *sim_dir;          /* simulated host directory; NULL: $XCTL_SIM_DIR or /run/xctl/sim */
	const char *bin_dir;          /* where the simulated host's programs are; NULL: next to /proc/self/exe */
	bool no_start;                /* sim: do not start the simulated host if it is not running
				       * (XCTL_ERR_NOTFOUND instead); for read-only commands and tests */
};

/* The kind AUTO resolves to on this machine. */
enum xctl_hv_kind xctl_hv_detect(void);
const char *xctl_hv_kind_name(enum xctl_hv_kind k); /* "auto", "sim", "xen" */

/* Open a context. With XCTL_HV_SIM, the simulated host under sim_dir is
 * started if it is not running (idempotent; several xctl at once are fine).
 * XCTL_HV_XEN on a machine without Xen (or a build without libxl) fails with
 * XCTL_ERR_UNSUPPORTED and a message that says so. */
int xctl_hv_open(const struct xctl_hv_params *p, struct xctl_hv **out);
void xctl_hv_close(struct xctl_hv *hv);

/* ---------------------------------------------------------------- data */

enum xctl_shutdown_reason {    /* as Xen's SHUTDOWN_* and libxl_shutdown_reason */
	XCTL_SHUTDOWN_UNKNOWN = -1,
	XCTL_SHUTDOWN_POWEROFF = 0,
	XCTL_SHUTDOWN_REBOOT = 1,
	XCTL_SHUTDOWN_SUSPEND = 2,
	XCTL_SHUTDOWN_CRASH = 3,
	XCTL_SHUTDOWN_WATCHDOG = 4,
	XCTL_SHUTDOWN_SOFT_RESET = 5,
};
const char *xctl_shutdown_reason_name(int reason); /* "poweroff", ..., "unknown" */

#define XCTL_UUID_STRLEN 37   /* 36 characters and NUL */
#define XCTL_DOMNAME_MAX 64   /* longest name xctl accepts, NUL included */

/* One domain, as libxl_dominfo plus the name, type and start time that
 * libxl reads from xenstore. */
struct xctl_hv_dominfo {
	uint32_t domid;
	char uuid[XCTL_UUID_STRLEN];    /* canonical, lower case */
	char name[XCTL_DOMNAME_MAX];    /* /local/domain/N/name; "" if it has none (yet) */
	enum xctl_guest_type type;      /* dom0 is PV */
	bool running, blocked, paused, shutdown, dying;
	int shutdown_reason;            /* enum xctl_shutdown_reason; valid when shutdown */
	uint64_t current_memkb;         /* pages the domain has */
	uint64_t max_memkb;             /* its maximum (mem-max) */
	uint64_t target_memkb;          /* memory/target, 0 if unknown */
	uint64_t shared_memkb, outstanding_memkb;
	uint64_t cpu_time;              /* ns */
	uint32_t vcpu_max_id;           /* highest vcpu id (vcpus - 1) */
	uint32_t vcpu_online;
	uint32_t cpupool;
	uint32_t ssidref;
	uint64_t start_time_ms;         /* /vm/UUID/start_time, ms since the epoch; 0 unknown */
};

/* The host, as xl info prints it (libxl_physinfo, libxl_version_info, uname). */
struct xctl_hv_hostinfo {
	/* physinfo */
	uint32_t nr_cpus, max_cpu_id, nr_nodes, cores_per_socket, threads_per_core;
	uint32_t cpu_khz;
	uint32_t hw_cap[8];
	bool cap_hvm, cap_pv, cap_hap, cap_shadow, cap_hvm_directio, cap_iommu_hap_pt_share, cap_vmtrace,
		cap_vpmu, cap_gnttab_v1, cap_gnttab_v2;
	uint64_t total_pages, free_pages, scrub_pages, outstanding_pages, sharing_freed_pages,
		sharing_used_frames;
	uint32_t free_cpus;             /* cpus in no cpupool */
	/* version */
	int xen_major, xen_minor;
	char xen_extra[32];             /* ".7" */
	char xen_caps[256];             /* "xen-3.0-x86_64 hvm-3.0-x86_32 ..." */
	char xen_scheduler[32];         /* "credit2" */
	uint32_t xen_pagesize;
	uint64_t virt_start;
	char xen_changeset[128];
	char xen_commandline[512];
	char cc_compiler[128], cc_compile_by[64], cc_compile_domain[64], cc_compile_date[64];
	char build_id[128];
	/* node (dom0's uname) */
	char host[65], release[65], version[65], machine[65];
	/* dom0 */
	uint64_t dom0_uptime_ms;        /* for xl uptime of Domain-0 */
};

struct xctl_hv_cpumap {         /* a bitmap of physical cpus */
	uint8_t *map;           /* bit i of byte i/8 is cpu i */
	uint32_t nbytes;
};

struct xctl_hv_vcpuinfo {
	uint32_t vcpuid;
	uint32_t cpu;           /* where it runs or last ran */
	bool online, blocked, running;
	uint64_t vcpu_time;     /* ns */
	struct xctl_hv_cpumap hard, soft;
};

/* A device of a domain (the config's disks and vifs; later others). */
enum xctl_hv_devkind {
	XCTL_HV_DEV_VBD,        /* disk (struct xctl_disk) */
	XCTL_HV_DEV_VIF,        /* network interface (struct xctl_vif) */
};

struct xctl_hv_device {
	enum xctl_hv_devkind kind;
	union {
		const struct xctl_disk *disk;
		const struct xctl_vif *vif;
	} u;
	uint32_t backend_domid; /* resolved from backend_domname, 0 for dom0 */
};

/* A device of a running domain as the toolstack recorded it (libxl's
 * /libxl/N/device/KIND/ID) with its state, as libxl_device_disk_getinfo and
 * libxl_device_nic_getinfo read it from the frontend: what xl block-list and
 * network-list print. A number the frontend has not written is -1. */
#define XCTL_HV_DEVPATH_MAX 128
struct xctl_hv_devinfo {
	enum xctl_hv_devkind kind;
	int devid;                      /* vbd: the device number of vdev; vif: the handle */
	uint32_t backend_id, frontend_id;
	int state;                      /* the frontend's xenbus state */
	int evtch;                      /* event-channel */
	int rref;                       /* vbd: ring-ref */
	int rref_tx, rref_rx;           /* vif: tx-ring-ref, rx-ring-ref */
	char backend[XCTL_HV_DEVPATH_MAX];
	char frontend[XCTL_HV_DEVPATH_MAX];
	char vdev[32];                  /* vbd: the virtual device name ("xvda"), "" if unknown */
	uint8_t mac[6];                 /* vif */
};

/* ---------------------------------------------------------------- create */

/* The state of one domain creation. The core owns it, fills the inputs,
 * and runs the steps the implementation returns (create_steps) one by one,
 * recording each in its crash record before running it. */
struct xctl_hv_build {
	/* inputs */
	const struct xctl_domain_config *cfg;  /* validated model; cfg->uuid and cfg->name set */
	const struct xctl_global_config *global;
	int device_timeout_ms;                 /* how long to wait for backends; <= 0: 10 s */
	/* Progress of a long wait, for a terminal (may be NULL): what is being
	 * waited for ("vbd 51712") and the elapsed time. */
	void (*progress)(void *arg, const char *what, int elapsed_ms);
	void *progress_arg;
	/* outputs (written by the steps) */
	uint32_t domid;                        /* set by the step that makes the domain, 0 before */
	bool have_domid;
	void *priv;                            /* the implementation's, freed by its last undo or
						* by build_free */
};

/* One step of a creation. run does one thing; on failure it leaves nothing
 * of its own behind (it undoes its own partial work) and returns the error.
 * undo reverses a run that succeeded; it is best effort, must not fail on
 * things already gone, and returns 0 or the first error (the core logs that
 * undo could not complete and carries on with the earlier steps). */
struct xctl_hv_step {
	const char *name;    /* short, for logs and crash records: "domain", "xenstore", "vbd 51712" */
	int (*run)(struct xctl_hv *hv, struct xctl_hv_build *b, size_t arg);
	int (*undo)(struct xctl_hv *hv, struct xctl_hv_build *b, size_t arg);
	size_t arg;          /* e.g. the device's index in cfg->disks */
};

/* The steps that create the domain b->cfg, paused, with its devices
 * connected: the order is the implementation's (hv/sim: make the domain,
 * write its xenstore tree, add each disk and vif, set up the console, wait
 * for the backends; hv/xen may use one step around libxl_domain_create_new).
 * The domain stays paused after the last step: unpausing is the core's
 * (create without -p). The steps array is the caller's to free(); strings in
 * it are static. */

/* ---------------------------------------------------------------- the ops */

struct xctl_hv_ops {
	const char *name; /* "sim", "xen" */

	/* Open/close the implementation's side of the context (called by
	 * xctl_hv_open/close; priv is hv->priv). */
	int (*open)(struct xctl_hv *hv, const struct xctl_hv_params *p);
	void (*close)(struct xctl_hv *hv);

	/* --- creation and destruction */
	int (*create_steps)(struct xctl_hv *hv, struct xctl_hv_build *b, struct xctl_hv_step **steps,
			    size_t *nsteps);
	/* Free what the steps left in b->priv (after success, or after undo). */
	void (*build_free)(struct xctl_hv *hv, struct xctl_hv_build *b);
	/* Destroy a domain and everything the toolstack made for it: its devices
	 * (backends told to close, frontend and backend nodes removed), its
	 * console, /local/domain/N, /vm/UUID, /libxl/N. Works on a domain in any
	 * state, and on a half-made one (whatever exists is removed; missing
	 * pieces are not errors). XCTL_ERR_NOTFOUND only if there is neither a
	 * domain nor any node of it. Returns when the domain is gone. */
	int (*destroy)(struct xctl_hv *hv, uint32_t domid);
	/* Remove what a creation identified by uuid left behind when no domain
	 * with that uuid exists any more (crash recovery: the record may not know
	 * the domid): /vm/UUID and any /libxl or /local/domain entry bound to it.
	 * 0 when there was nothing to remove. */
	int (*cleanup_uuid)(struct xctl_hv *hv, const char *uuid);

	/* --- control */
	int (*pause)(struct xctl_hv *hv, uint32_t domid);
	int (*unpause)(struct xctl_hv *hv, uint32_t domid);
	/* Ask the guest to shut down (reason POWEROFF, REBOOT or SUSPEND) through
	 * control/shutdown, as libxl_domain_shutdown/reboot. If the guest has no
	 * PV control (control/feature-poweroff or feature-reboot missing):
	 * without force XCTL_ERR_UNSUPPORTED (xl's "PV control interface not
	 * available"); with force an ACPI power button (poweroff) or reset
	 * (reboot) for HVM, XCTL_ERR_UNSUPPORTED for PV and PVH. Returns once the
	 * request is written; the guest acts on it later. */
	int (*shutdown)(struct xctl_hv *hv, uint32_t domid, int reason, bool force);
	/* Write control/sysrq (xl sysrq): the guest handles the key ('c' crashes
	 * a Linux guest, and the simulated guest). */
	int (*sysrq)(struct xctl_hv *hv, uint32_t domid, char key);
	/* Soft reset (on_soft_reset=soft-reset): reset the domain's memory and
	 * vcpus keeping its domid and devices, as libxl_domain_soft_reset. */
	int (*soft_reset)(struct xctl_hv *hv, uint32_t domid);
	/* Write the domain's memory image to path (coredump-* actions). */
	int (*core_dump)(struct xctl_hv *hv, uint32_t domid, const char *path);

	/* --- information */
	/* Every domain, dom0 included, in domid order. *out is free()d by the
	 * caller. */
	int (*list)(struct xctl_hv *hv, struct xctl_hv_dominfo **out, size_t *n);
	int (*info)(struct xctl_hv *hv, uint32_t domid, struct xctl_hv_dominfo *out);
	int (*host)(struct xctl_hv *hv, struct xctl_hv_hostinfo *out);
	/* The hypervisor's console ring (xl dmesg), NUL-terminated, freed by the
	 * caller; clear empties it after reading. */
	int (*dmesg)(struct xctl_hv *hv, bool clear, char **text);
	/* vcpus of a domain, in vcpuid order; free with xctl_hv_vcpuinfo_free. */
	int (*vcpu_list)(struct xctl_hv *hv, uint32_t domid, struct xctl_hv_vcpuinfo **out, size_t *n);

	/* --- changes */
	/* Rename: /local/domain/N/name and /vm/UUID/name, as libxl_domain_rename.
	 * The core has made sure no other domain has the name. */
	int (*rename)(struct xctl_hv *hv, uint32_t domid, const char *name);
	/* Balloon target (memory/target, the guest balloons to it), xl mem-set. */
	int (*mem_target)(struct xctl_hv *hv, uint32_t domid, uint64_t target_kib);
	/* Maximum the domain may have (hypervisor limit and memory/static-max),
	 * xl mem-max. */
	int (*mem_max)(struct xctl_hv *hv, uint32_t domid, uint64_t max_kib);
	/* Online vcpus 0..count-1 and offline the rest (cpu/N/availability for
	 * PV guests; the hypervisor's count for HVM), xl vcpu-set. count in
	 * 1..vcpu_max_id+1, XCTL_ERR_INVAL otherwise. */
	int (*vcpu_set)(struct xctl_hv *hv, uint32_t domid, uint32_t count);
	/* Affinity of one vcpu (or every vcpu when vcpu is UINT32_MAX); hard or
	 * soft may be NULL to leave it unchanged. xl vcpu-pin. */
	int (*vcpu_pin)(struct xctl_hv *hv, uint32_t domid, uint32_t vcpu, const struct xctl_hv_cpumap *hard,
			const struct xctl_hv_cpumap *soft);

	/* --- waiting */
	/* Block until domain domid is shut down (any reason), dying or gone, or
	 * timeout_ms passed (< 0: forever). Returns 0 with *out filled (gone:
	 * *gone true and *out zeroed except domid), XCTL_ERR_TIMEOUT, or an
	 * error. A domain already shut down returns at once. */
	int (*wait)(struct xctl_hv *hv, uint32_t domid, int timeout_ms, struct xctl_hv_dominfo *out, bool *gone);

	/* --- console */
	/* Attach the calling process's stdin/stdout to the domain's console
	 * (type "pv" or "serial", number num), as xenconsole: returns when the
	 * user types Ctrl-] (a terminal), when stdin ends (not a terminal; the
	 * output read until then has been written), or when the domain is gone. */
	int (*console)(struct xctl_hv *hv, uint32_t domid, const char *type, int num);

	/* --- devices of a running domain (block-attach, network-attach, ...) */
	/* Add one device and wait (timeout_ms) for its backend to connect. */
	int (*device_add)(struct xctl_hv *hv, uint32_t domid, const struct xctl_hv_device *dev, int timeout_ms);
	/* Remove the device of kind with devid: backend asked to close, nodes
	 * removed when it has (or at once with force), as libxl_device_*_remove
	 * and _destroy. */
	int (*device_remove)(struct xctl_hv *hv, uint32_t domid, enum xctl_hv_devkind kind, int devid, bool force,
			     int timeout_ms);
	/* The devices of kind of a domain, in the order the toolstack's record
	 * lists them (xenstore's directory order, as libxl_device_*_list). *out
	 * is free()d by the caller; 0 devices is *out NULL, *n 0. A device whose
	 * record has no backend path is left out (as xl's getinfo failing). */
	int (*device_list)(struct xctl_hv *hv, uint32_t domid, enum xctl_hv_devkind kind,
			   struct xctl_hv_devinfo **out, size_t *n);
};

/* The context. Implementations keep their state in priv. */
struct xctl_hv {
	const struct xctl_hv_ops *ops;
	const struct xctl_log *log;
	void *priv;
	/* fault injection counters (see above) */
	unsigned long calls;
	unsigned long fault_at, kill_at;
	/* xenstore requests this context has made (for benchmarks; 0 where
	 * the implementation cannot count them) */
	unsigned long xs_requests;
};

/* Implementations (hv/sim/, hv/xen/). */
extern const struct xctl_hv_ops xctl_hv_sim_ops;
extern const struct xctl_hv_ops xctl_hv_xen_ops;

/* ---------------------------------------------------------------- helpers (hv.c) */

/* Count one hypervisor or xenstore call; nonzero when it must fail (the
 * implementation returns the error the call would have). */
int xctl_hv_fault(struct xctl_hv *hv, const char *what);

/* What a device backend's state (0..8, -1 for no node) means to a wait for
 * state want, on either implementation: want 6 (Closed) is reached by 6 and
 * up or by the node going; a lower want by want up to Connected, while
 * Closing or Closed instead say the backend refused the device (libxl
 * would wait out its timeout for exactly InitWait). */
enum xctl_hv_bewait { XCTL_HV_BE_WAIT, XCTL_HV_BE_REACHED, XCTL_HV_BE_REFUSED };
enum xctl_hv_bewait xctl_hv_be_state_reached(int want, int st);

/* Find a domain by name or domid, as xl does: a string of digits is a domid,
 * anything else a name. XCTL_ERR_NOTFOUND if there is none. */
int xctl_hv_lookup(struct xctl_hv *hv, const char *name_or_id, uint32_t *domid);
/* The domid of the domain with this name; XCTL_ERR_NOTFOUND if none. */
int xctl_hv_domid_by_name(struct xctl_hv *hv, const char *name, uint32_t *domid);
/* The domid of the domain with this uuid; XCTL_ERR_NOTFOUND if none. */
int xctl_hv_domid_by_uuid(struct xctl_hv *hv, const char *uuid, uint32_t *domid);

void xctl_hv_vcpuinfo_free(struct xctl_hv_vcpuinfo *v, size_t n);
int xctl_hv_cpumap_alloc(struct xctl_hv_cpumap *m, uint32_t ncpus);
void xctl_hv_cpumap_free(struct xctl_hv_cpumap *m);
bool xctl_hv_cpumap_test(const struct xctl_hv_cpumap *m, uint32_t cpu);
void xctl_hv_cpumap_set(struct xctl_hv_cpumap *m, uint32_t cpu);

#endif
