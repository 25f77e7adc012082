/* SPDX-License-Identifier: LGPL-2.1-only */
/* JSON form of a disk spec: its field table (diskvif_json.c walks it). */
#include <stddef.h>

#include "common/util.h"
#include "toolstack/config/diskspec.h"
#include "toolstack/config/diskvif_json.h"

_Static_assert(sizeof(enum xctl_disk_format) == sizeof(int), "enums are read as int");
_Static_assert(sizeof(enum xctl_disk_backendtype) == sizeof(int), "enums are read as int");
_Static_assert(sizeof(enum xctl_disk_specification) == sizeof(int), "enums are read as int");
_Static_assert(sizeof(enum xctl_disk_transport) == sizeof(int), "enums are read as int");

static const char *const format_names[] = { NULL, "qcow", "qcow2", "vhd", "raw", "empty", "qed" };
static const char *const backend_names[] = { NULL, "phy", "tap", "qdisk", "standalone" };
static const char *const spec_names[] = { NULL, "xen", "virtio" };
static const char *const transport_names[] = { NULL, "mmio" };
static const char *const access_names[] = { "ro", "rw" };
static const char *const devtype_names[] = { "disk", "cdrom" };

#define XCTL_JFIELD_STRUCT struct xctl_disk
const struct xctl_jfield xctl_disk_jfields[] = {
	XCTL_JFIELD("target", XCTL_JF_STR, target),
	XCTL_JFIELD_NAMES("format", XCTL_JF_ENUM, format, format_names),
	XCTL_JFIELD("vdev", XCTL_JF_STR, vdev),
	XCTL_JFIELD_RANGE("devid", XCTL_JF_INT, devid, -1, INT_MAX),
	XCTL_JFIELD_NAMES("access", XCTL_JF_BOOLNAME, readwrite, access_names),
	XCTL_JFIELD("access-given", XCTL_JF_BOOL, access_set),
	XCTL_JFIELD_NAMES("devtype", XCTL_JF_BOOLNAME, is_cdrom, devtype_names),
	XCTL_JFIELD("devtype-given", XCTL_JF_BOOL, devtype_set),
	XCTL_JFIELD("removable", XCTL_JF_BOOL, removable),
	XCTL_JFIELD("backend", XCTL_JF_STR, backend_domname),
	XCTL_JFIELD_NAMES("backendtype", XCTL_JF_ENUM, backend, backend_names),
	XCTL_JFIELD("script", XCTL_JF_STR, script),
	XCTL_JFIELD("direct-io-safe", XCTL_JF_BOOL, direct_io_safe), /* xs-literal-ok: a JSON key */
	XCTL_JFIELD("discard", XCTL_JF_DEFBOOL, discard),
	XCTL_JFIELD("trusted", XCTL_JF_DEFBOOL, trusted),
	XCTL_JFIELD_NAMES("specification", XCTL_JF_ENUM, specification, spec_names),
	XCTL_JFIELD_NAMES("transport", XCTL_JF_ENUM, transport, transport_names),
	XCTL_JFIELD("colo", XCTL_JF_DEFBOOL, colo_enable),
	XCTL_JFIELD("colo-host", XCTL_JF_STR, colo_host),
	XCTL_JFIELD_RANGE("colo-port", XCTL_JF_INT, colo_port, 0, 65535),
	XCTL_JFIELD("colo-export", XCTL_JF_STR, colo_export),
	XCTL_JFIELD("active-disk", XCTL_JF_STR, active_disk),
	XCTL_JFIELD("hidden-disk", XCTL_JF_STR, hidden_disk),
	XCTL_JFIELD("deprecated-prefix", XCTL_JF_BOOL, had_depr_prefix),
	XCTL_JFIELDS_SOURCE,
};
const size_t xctl_disk_njfields = XCTL_ARRAY_SIZE(xctl_disk_jfields);
