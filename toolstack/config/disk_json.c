/* JSON form of a disk spec. */
#include <limits.h>
#include <stddef.h>

#include "common/err.h"
#include "common/json.h"
#include "common/util.h"
#include "toolstack/config/diskspec.h"
#include "toolstack/config/diskvif_json.h"

_Static_assert(sizeof(enum xctl_disk_format) == sizeof(int), "enums are read as int");
_Static_assert(sizeof(enum xctl_disk_backendtype) == sizeof(int), "enums are read as int");
_Static_assert(sizeof(enum xctl_disk_specification) == sizeof(int), "enums are read as int");
_Static_assert(sizeof(enum xctl_disk_transport) == sizeof(int), "enums are read as int");
_Static_assert(sizeof(enum xctl_defbool) == sizeof(int), "enums are read as int");

static const char *const format_names[] = { NULL, "qcow", "qcow2", "vhd", "raw", "empty", "qed" };
static const char *const backend_names[] = { NULL, "phy", "tap", "qdisk", "standalone" };
static const char *const spec_names[] = { NULL, "xen", "virtio" };
static const char *const transport_names[] = { NULL, "mmio" };
static const char *const access_names[] = { "ro", "rw" };
static const char *const devtype_names[] = { "disk", "cdrom" };

#define F(k, t, m) { .key = k, .type = t, .off = offsetof(struct xctl_disk, m) }
#define FE(k, m, tab) { .key = k, .type = XCTL_JF_ENUM, .off = offsetof(struct xctl_disk, m), \
		       .names = tab, .nnames = XCTL_ARRAY_SIZE(tab) }
#define FB(k, m, tab) { .key = k, .type = XCTL_JF_BOOLNAME, .off = offsetof(struct xctl_disk, m), \
		       .names = tab, .nnames = 2 }
#define FI(k, t, m, lo, hi) { .key = k, .type = t, .off = offsetof(struct xctl_disk, m), \
			      .min = lo, .max = hi }

static const struct xctl_jfield disk_fields[] = {
	F("target", XCTL_JF_STR, target),
	FE("format", format, format_names),
	F("vdev", XCTL_JF_STR, vdev),
	FI("devid", XCTL_JF_INT, devid, -1, INT_MAX),
	FB("access", readwrite, access_names),
	F("access-given", XCTL_JF_BOOL, access_set),
	FB("devtype", is_cdrom, devtype_names),
	F("devtype-given", XCTL_JF_BOOL, devtype_set),
	F("removable", XCTL_JF_BOOL, removable),
	F("backend", XCTL_JF_STR, backend_domname),
	FE("backendtype", backend, backend_names),
	F("script", XCTL_JF_STR, script),
	F("direct-io-safe", XCTL_JF_BOOL, direct_io_safe), /* xs-literal-ok: JSON field of the disk spec */
	F("discard", XCTL_JF_DEFBOOL, discard),
	F("trusted", XCTL_JF_DEFBOOL, trusted),
	FE("specification", specification, spec_names),
	FE("transport", transport, transport_names),
	F("colo", XCTL_JF_DEFBOOL, colo_enable),
	F("colo-host", XCTL_JF_STR, colo_host),
	FI("colo-port", XCTL_JF_INT, colo_port, 0, 65535),
	F("colo-export", XCTL_JF_STR, colo_export),
	F("active-disk", XCTL_JF_STR, active_disk),
	F("hidden-disk", XCTL_JF_STR, hidden_disk),
	F("deprecated-prefix", XCTL_JF_BOOL, had_depr_prefix),
	F("spec", XCTL_JF_STR, spec),
	F("file", XCTL_JF_STR, file),
	FI("line", XCTL_JF_UINT, line, 0, UINT_MAX),
};

void xctl_disk_to_json(struct xctl_jw *w, const struct xctl_disk *disk)
{
	xctl_jfields_write(w, disk_fields, XCTL_ARRAY_SIZE(disk_fields), disk);
}

int xctl_disk_from_json(const struct xctl_jv *v, struct xctl_disk *out, struct xctl_diags *d)
{
	xctl_disk_init(out);
	int rc = xctl_jfields_read(v, disk_fields, XCTL_ARRAY_SIZE(disk_fields), out, "disk", d);
	if (rc)
		xctl_disk_dispose(out);
	return rc;
}
