/* SPDX-License-Identifier: LGPL-2.1-only */
/* The domain model: what an xl.cfg file resolves to once parsed, typed,
 * given its defaults and validated. It is the input of every later phase
 * (plans, hv/xen, hv/sim) and has a lossless JSON form (model_json.c).
 *
 * Pipeline (resolve.c): cfg_parse -> keys (type and check each setting,
 * keys.c) -> defaults (defaults.c) -> validate (validate.c). Every problem is
 * a diagnostic `file:line: key: what is wrong (what is allowed)`.
 *
 * Values a configuration may leave to the toolstack (libxl decides, e.g. hap
 * "when available") stay unset: their origin is XCTL_SRC_UNSET and their
 * JSON form is null. */
#ifndef XCTL_CONFIG_MODEL_H
#define XCTL_CONFIG_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "toolstack/config/diskspec.h"
#include "toolstack/config/vifspec.h"

struct xctl_diags;

enum xctl_guest_type {
	XCTL_GUEST_PV = 0,
	XCTL_GUEST_PVH = 1,
	XCTL_GUEST_HVM = 2,
};
#define XCTL_G_PV (1u << XCTL_GUEST_PV)
#define XCTL_G_PVH (1u << XCTL_GUEST_PVH)
#define XCTL_G_HVM (1u << XCTL_GUEST_HVM)
#define XCTL_G_ALL (XCTL_G_PV | XCTL_G_PVH | XCTL_G_HVM)

/* on_poweroff, on_reboot, ... (names as in xl.cfg(5)) */
enum xctl_action {
	XCTL_ACTION_DESTROY,
	XCTL_ACTION_RESTART,
	XCTL_ACTION_RENAME_RESTART,
	XCTL_ACTION_PRESERVE,
	XCTL_ACTION_COREDUMP_DESTROY,
	XCTL_ACTION_COREDUMP_RESTART,
	XCTL_ACTION_SOFT_RESET,
};

struct xctl_strlist {
	char **v;
	size_t n;
};

/* cpus= / cpus_soft=: one CPULIST for every vCPU ("0-3,^2"), or a list
 * with one CPULIST per vCPU (["2", "3-8,^5"]). */
struct xctl_cpus {
	bool per_vcpu;
	struct xctl_strlist masks;
};

/* Identifiers of the keys xctl supports, in the order of the key table
 * (keys.c), which gives each its type, guest types, default and check. */
enum xctl_key_id {
	XCTL_K_NAME,
	XCTL_K_UUID,
	XCTL_K_TYPE,
	XCTL_K_POOL,
	XCTL_K_VCPUS,
	XCTL_K_MAXVCPUS,
	XCTL_K_CPUS,
	XCTL_K_CPUS_SOFT,
	XCTL_K_CPU_WEIGHT,
	XCTL_K_CAP,
	XCTL_K_MEMORY,
	XCTL_K_MAXMEM,
	XCTL_K_ON_POWEROFF,
	XCTL_K_ON_REBOOT,
	XCTL_K_ON_WATCHDOG,
	XCTL_K_ON_CRASH,
	XCTL_K_ON_SOFT_RESET,
	XCTL_K_KERNEL,
	XCTL_K_RAMDISK,
	XCTL_K_CMDLINE,
	XCTL_K_ROOT,
	XCTL_K_EXTRA,
	XCTL_K_BOOTLOADER,
	XCTL_K_BOOTLOADER_ARGS,
	XCTL_K_FIRMWARE,
	XCTL_K_SECLABEL,
	XCTL_K_MAX_GRANT_FRAMES,
	XCTL_K_MAX_MAPTRACK_FRAMES,
	XCTL_K_MAX_EVENT_CHANNELS,
	XCTL_K_NOMIGRATE,
	XCTL_K_DRIVER_DOMAIN,
	XCTL_K_DISK,
	XCTL_K_VIF,
	XCTL_K_E820_HOST,
	XCTL_K_BOOT,
	XCTL_K_HDTYPE,
	XCTL_K_HAP,
	XCTL_K_SHADOW_MEMORY,
	XCTL_K_BIOS,
	XCTL_K_PAE,
	XCTL_K_ACPI,
	XCTL_K_ACPI_S3,
	XCTL_K_ACPI_S4,
	XCTL_K_APIC,
	XCTL_K_NX,
	XCTL_K_HPET,
	XCTL_K_NESTEDHVM,
	XCTL_K_VIRIDIAN,
	XCTL_K_TSC_MODE,
	XCTL_K_LOCALTIME,
	XCTL_K_RTC_TIMEOFFSET,
	XCTL_K_VPT_ALIGN,
	XCTL_K_TIMER_MODE,
	XCTL_K_XEN_PLATFORM_PCI,
	XCTL_K_VIDEORAM,
	XCTL_K_VGA,
	XCTL_K_VNC,
	XCTL_K_VNCLISTEN,
	XCTL_K_VNCDISPLAY,
	XCTL_K_VNCUNUSED,
	XCTL_K_VNCPASSWD,
	XCTL_K_KEYMAP,
	XCTL_K_SDL,
	XCTL_K_SERIAL,
	XCTL_K_USB,
	XCTL_K_USBDEVICE,
	XCTL_K_DEVICE_MODEL_VERSION,
	XCTL_K_DEVICE_MODEL_OVERRIDE,
	XCTL_K_PERIOD,
	XCTL_K_SLICE,
	XCTL_K_LATENCY,
	XCTL_K_EXTRATIME,
	XCTL_K_FIRMWARE_OVERRIDE,
	XCTL_K__COUNT
};

enum xctl_src {
	XCTL_SRC_UNSET = 0,  /* left to the toolstack */
	XCTL_SRC_DEFAULT,    /* filled by the defaults phase */
	XCTL_SRC_CONFIG,     /* written in the configuration (or its JSON) */
};

struct xctl_origin {
	enum xctl_src src;
	const char *file;   /* interned in the model; NULL for defaults */
	unsigned line;
};

struct xctl_domain_config {
	enum xctl_guest_type type;
	char *name;
	char *uuid;                 /* canonical: 36 lower-case characters; NULL: generated
	                             * at creation, as libxl_uuid_generate() in xl_parse.c:1326 */
	char *pool;
	int64_t vcpus, maxvcpus;
	struct xctl_cpus cpus, cpus_soft;
	int64_t cpu_weight, cap;
	int64_t memory, maxmem;     /* MiB */
	int on_poweroff, on_reboot, on_watchdog, on_crash, on_soft_reset; /* enum xctl_action */
	char *kernel, *ramdisk, *cmdline, *root, *extra;
	char *bootloader;
	struct xctl_strlist bootloader_args;
	char *firmware;
	char *seclabel;
	int64_t max_grant_frames, max_maptrack_frames, max_event_channels;
	bool nomigrate, driver_domain;
	struct xctl_disk *disks;
	size_t ndisks;
	struct xctl_vif *vifs;
	size_t nvifs;
	bool e820_host;
	char *boot;                 /* HVM boot order: letters c, d, n */
	int hdtype;                 /* index in the key's values: ide, ahci */
	bool hap;
	int64_t shadow_memory;      /* MiB */
	int bios;                   /* rombios, seabios, ovmf */
	bool pae, acpi, acpi_s3, acpi_s4, apic, nx, hpet, nestedhvm;
	struct xctl_strlist viridian; /* enlightenment groups; true = ["defaults"] */
	int tsc_mode;               /* default, always_emulate, native, native_paravirt */
	bool localtime;
	int64_t rtc_timeoffset;     /* seconds */
	bool vpt_align;
	int timer_mode;
	bool xen_platform_pci;
	int64_t videoram;           /* MiB */
	int vga;                    /* none, stdvga, cirrus, qxl */
	bool vnc;
	char *vnclisten;
	int64_t vncdisplay;
	bool vncunused;
	char *vncpasswd;
	char *keymap;
	bool sdl;
	struct xctl_strlist serial;
	bool usb;
	struct xctl_strlist usbdevice;
	int device_model_version;   /* qemu-xen, qemu-xen-traditional */
	char *device_model_override;
	/* Scheduler parameters besides cpu_weight and cap, as xl puts them in
	 * libxl_domain_sched_params (xl_parse.c:1354-1365 at Xen 4.17.7):
	 * period and extratime are the RTDS scheduler's; slice and latency were
	 * SEDF's and have no effect since SEDF was removed (libxl_types.idl:469).
	 * Unset: the scheduler's own default. */
	struct xctl_sched_params {
		int64_t period, slice, latency;
		bool extratime;
	} sched_params;
	char *firmware_override;    /* HVM: the hvmloader image to use (xl_parse.c:1691) */

	struct xctl_origin origin[XCTL_K__COUNT];
	char **files;               /* interned origin file names */
	size_t nfiles;
};

void xctl_model_init(struct xctl_domain_config *m);
void xctl_model_dispose(struct xctl_domain_config *m);

const char *xctl_guest_type_name(enum xctl_guest_type t);
/* "pv", "pvh", "hvm" -> type; -1 if unknown. */
int xctl_guest_type_parse(const char *s);
const char *xctl_action_name(int a);

bool xctl_model_isset(const struct xctl_domain_config *m, enum xctl_key_id k);
/* Record where key k got its value (file interned into the model). */
int xctl_model_set_origin(struct xctl_domain_config *m, enum xctl_key_id k, enum xctl_src src,
			  const char *file, unsigned line);

int xctl_strlist_push(struct xctl_strlist *l, const char *s);
void xctl_strlist_free(struct xctl_strlist *l);

/* Same configuration (values only, not origins)? For round-trip tests. */
bool xctl_model_equal(const struct xctl_domain_config *a, const struct xctl_domain_config *b);

/* JSON (model_json.c). The whole model as one object: first "format"
 * (XCTL_MODEL_FORMAT, changed whenever a member changes meaning or goes
 * away), then every supported key, null when unset. from_json accepts
 * exactly what to_json writes and reports problems into d. */
#define XCTL_MODEL_FORMAT "xctl-domain/1"
struct xctl_jw;
struct xctl_jv;
void xctl_model_to_json(struct xctl_jw *w, const struct xctl_domain_config *m);
int xctl_model_to_json_string(const struct xctl_domain_config *m, bool pretty, char **out);
int xctl_model_from_json(const struct xctl_jv *v, struct xctl_domain_config *m, struct xctl_diags *d);
int xctl_model_from_json_string(const char *text, size_t len, struct xctl_domain_config *m,
				struct xctl_diags *d);

#endif
