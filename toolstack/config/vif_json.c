/* JSON form of a vif spec. */
#include <limits.h>
#include <stddef.h>

#include "common/err.h"
#include "common/json.h"
#include "common/util.h"
#include "toolstack/config/diskvif_json.h"
#include "toolstack/config/vifspec.h"

_Static_assert(sizeof(enum xctl_vif_type) == sizeof(int), "enums are read as int");
_Static_assert(sizeof(enum xctl_defbool) == sizeof(int), "enums are read as int");

static const char *const type_names[] = { NULL, "ioemu", "vif" };

#define F(k, t, m) { .key = k, .type = t, .off = offsetof(struct xctl_vif, m) }
#define FI(k, t, m, lo, hi) { .key = k, .type = t, .off = offsetof(struct xctl_vif, m), \
			      .min = lo, .max = hi }

static const struct xctl_jfield vif_fields[] = {
	{ .key = "mac", .type = XCTL_JF_MAC, .off = offsetof(struct xctl_vif, mac),
	  .off_set = offsetof(struct xctl_vif, mac_set) },
	F("bridge", XCTL_JF_STR, bridge),
	F("ip", XCTL_JF_STR, ip),
	{ .key = "type", .type = XCTL_JF_ENUM, .off = offsetof(struct xctl_vif, type),
	  .names = type_names, .nnames = XCTL_ARRAY_SIZE(type_names) },
	F("model", XCTL_JF_STR, model),
	F("vifname", XCTL_JF_STR, vifname),
	F("script", XCTL_JF_STR, script),
	F("backend", XCTL_JF_STR, backend_domname),
	F("gatewaydev", XCTL_JF_STR, gatewaydev),
	F("rate", XCTL_JF_STR, rate),
	F("rate-bytes-per-interval", XCTL_JF_U64, rate_bytes_per_interval),
	F("rate-interval-usecs", XCTL_JF_U32, rate_interval_usecs),
	FI("mtu", XCTL_JF_INT, mtu, 0, 65535),
	FI("devid", XCTL_JF_INT, devid, -1, INT_MAX),
	F("trusted", XCTL_JF_DEFBOOL, trusted),
	F("spec", XCTL_JF_STR, spec),
	F("file", XCTL_JF_STR, file),
	FI("line", XCTL_JF_UINT, line, 0, UINT_MAX),
};

void xctl_vif_to_json(struct xctl_jw *w, const struct xctl_vif *vif)
{
	xctl_jfields_write(w, vif_fields, XCTL_ARRAY_SIZE(vif_fields), vif);
}

int xctl_vif_from_json(const struct xctl_jv *v, struct xctl_vif *out, struct xctl_diags *d)
{
	xctl_vif_init(out);
	int rc = xctl_jfields_read(v, vif_fields, XCTL_ARRAY_SIZE(vif_fields), out, "vif", d);
	if (rc)
		xctl_vif_dispose(out);
	return rc;
}
