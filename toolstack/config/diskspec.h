/* SPDX-License-Identifier: LGPL-2.1-only */
/* Disk specifications: one entry of the xl.cfg `disk = [ ... ]` list, in the
 * grammar of xl-disk-configuration(5) (positional `target,format,vdev,access`
 * with the legacy `phy:` / `file:` / `tap:aio:` / `qcow2:` prefixes,
 * `key=value` items, or both mixed; `target=` last, taking the rest of the
 * spec, commas included).
 *
 * The parsed form mirrors what libxlutil's xlu_disk_parse() fills in a
 * libxl_device_disk, so that the two can be compared field by field; every
 * option xl distinguishes between "not given" and "given" keeps that
 * difference here (enum value 0 / XCTL_DEFBOOL_DEFAULT / NULL string). */
#ifndef XCTL_CONFIG_DISKSPEC_H
#define XCTL_CONFIG_DISKSPEC_H

#include <stdbool.h>
#include <stddef.h>

struct xctl_diags;
struct xctl_jw;
struct xctl_jv;

/* A boolean that may be left to the default (libxl's defbool). */
enum xctl_defbool {
	XCTL_DEFBOOL_DEFAULT = 0,
	XCTL_DEFBOOL_FALSE = 1,
	XCTL_DEFBOOL_TRUE = 2,
};

/* format= ; values and numbering follow libxl_disk_format. */
enum xctl_disk_format {
	XCTL_DISK_FORMAT_UNKNOWN = 0, /* not given (the parser then sets raw) */
	XCTL_DISK_FORMAT_QCOW = 1,
	XCTL_DISK_FORMAT_QCOW2 = 2,
	XCTL_DISK_FORMAT_VHD = 3,
	XCTL_DISK_FORMAT_RAW = 4,
	XCTL_DISK_FORMAT_EMPTY = 5,   /* cdrom drive with no medium */
	XCTL_DISK_FORMAT_QED = 6,
};

/* backendtype= ; values follow libxl_disk_backend. */
enum xctl_disk_backendtype {
	XCTL_DISK_BACKEND_UNKNOWN = 0, /* not given: chosen when the guest is created */
	XCTL_DISK_BACKEND_PHY = 1,
	XCTL_DISK_BACKEND_TAP = 2,
	XCTL_DISK_BACKEND_QDISK = 3,
	XCTL_DISK_BACKEND_STANDALONE = 4,
};

/* specification= ; values follow libxl_disk_specification. */
enum xctl_disk_specification {
	XCTL_DISK_SPEC_UNKNOWN = 0, /* not given (xen) */
	XCTL_DISK_SPEC_XEN = 1,
	XCTL_DISK_SPEC_VIRTIO = 2,
};

/* transport= ; values follow libxl_disk_transport. */
enum xctl_disk_transport {
	XCTL_DISK_TRANSPORT_UNKNOWN = 0,
	XCTL_DISK_TRANSPORT_MMIO = 1,
};

struct xctl_disk {
	/* where the spec came from (file may be NULL); owned copies */
	char *file;
	unsigned line;
	char *spec;                /* the spec text as written */

	char *target;              /* pdev_path; NULL when not given (cdrom may have none) */
	enum xctl_disk_format format;
	char *vdev;                /* virtual device name as written (xvda, hdc, sda, d0p1 ...) */
	int devid;                 /* xenstore device number of vdev, -1 if not computed */
	bool readwrite;            /* access=rw (default) or ro */
	bool access_set;           /* access was given in the spec */
	bool is_cdrom;             /* devtype=cdrom or a ":cdrom" vdev suffix */
	bool devtype_set;          /* devtype= was given (disk or cdrom) */
	bool removable;            /* set for cdroms */
	char *backend_domname;     /* backend=DOMAIN; NULL: dom0 */
	enum xctl_disk_backendtype backend;
	char *script;              /* script=; NULL when not given */
	bool direct_io_safe;       /* direct-io-safe */
	enum xctl_defbool discard; /* discard / no-discard */
	enum xctl_defbool trusted; /* trusted / untrusted */
	enum xctl_disk_specification specification;
	enum xctl_disk_transport transport;
	/* COLO block replication (colo-host=, colo-port=, colo-export=,
	 * active-disk=, hidden-disk=) */
	enum xctl_defbool colo_enable;
	char *colo_host;
	int colo_port;             /* 0: not given */
	char *colo_export;
	char *active_disk;
	char *hidden_disk;
	bool had_depr_prefix;      /* a legacy "phy:"-style prefix was used */
};

/* Zero a disk (every option "not given", devid -1). */
void xctl_disk_init(struct xctl_disk *disk);
/* Free what a disk owns and leave it initialised. */
void xctl_disk_dispose(struct xctl_disk *disk);

/* Parse one disk spec. file/line say where it was written, for the
 * diagnostics (`file:line: disk: ...`) and are copied into out. On success
 * returns 0 with out filled (defaults applied as xl applies them: format raw,
 * a cdrom is removable and read-only, an empty cdrom has format empty) and
 * devid computed from vdev. On a bad spec returns XCTL_ERR_CONFIG with one or
 * more errors in d, naming the bad part and what is allowed, and out is left
 * initialised. XCTL_ERR_NOMEM if memory ran out. Deprecated forms are
 * accepted silently, as xl does (had_depr_prefix records them). out must not
 * own anything on entry (it is initialised here). */
int xctl_disk_parse(const char *spec, const char *file, unsigned line, struct xctl_disk *out,
		    struct xctl_diags *d);

/* JSON object of a disk (every field; strings null when not given). */
void xctl_disk_to_json(struct xctl_jw *w, const struct xctl_disk *disk);
/* Read back what xctl_disk_to_json wrote. Errors go to d (key "disk"). */
int xctl_disk_from_json(const struct xctl_jv *v, struct xctl_disk *out, struct xctl_diags *d);

/* Names of the enum values as written in specs and JSON ("raw", "qdisk",
 * "default"...). Never NULL. */
const char *xctl_disk_format_name(enum xctl_disk_format f);
const char *xctl_disk_backendtype_name(enum xctl_disk_backendtype b);
const char *xctl_disk_specification_name(enum xctl_disk_specification s);
const char *xctl_disk_transport_name(enum xctl_disk_transport t);
const char *xctl_defbool_name(enum xctl_defbool b);

/* Virtual device name -> xenstore device number, as libxl computes it:
 *   xvdX / xvdXN       (202 << 8) | (disk << 4) | part    for disk < 16, part < 16
 *   xvdX (extended)    (1 << 28) | (disk << 8) | part     for disk >= 16 or part > 15
 *   hdX[N] (a..d, N < 64)     IDE majors 3 and 22 (hda = 768, hdc = 5632)
 *   sdX[N] (a..p, N < 16)     (8 << 8) | (disk << 4) | part (sda = 2048)
 *   dDpP   (D < 2^20, P < 256) as xvd with disk D, partition P
 *   a plain number            the device number itself (decimal, 0x hex, 0 octal)
 * with xvdX: X in a..z, aa.. (bijective base 26) up to 2^20 disks, N 1..255.
 * Partition numbers have no leading zero. disk and partition (either may be
 * NULL) receive the disk index and the partition number (0: whole disk; both
 * -1 for a plain number). Returns 0, or XCTL_ERR_INVAL for a name
 * that is not a device name, XCTL_ERR_LIMIT for one out of range. Reports
 * nothing; callers word the error. */
int xctl_vdev_to_devid(const char *vdev, int *devid, int *disk, int *partition);

/* Disk index -> letters as in device names (0 -> "a", 25 -> "z",
 * 26 -> "aa"). buf needs 8 bytes. Returns 0 or XCTL_ERR_LIMIT. */
int xctl_vdev_encode_disk(int disk, char *buf, size_t len);

#endif
