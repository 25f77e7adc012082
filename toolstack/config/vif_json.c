/* SPDX-License-Identifier: LGPL-2.1-only */
/* JSON form of a vif spec: its field table (diskvif_json.c walks it). */
#include <stddef.h>

#include "common/util.h"
#include "toolstack/config/diskvif_json.h"
#include "toolstack/config/vifspec.h"

_Static_assert(sizeof(enum xctl_vif_type) == sizeof(int), "enums are read as int");

static const char *const type_names[] = { NULL, "ioemu", "vif" };

#define XCTL_JFIELD_STRUCT struct xctl_vif
const struct xctl_jfield xctl_vif_jfields[] = {
	{ .key = "mac", .type = XCTL_JF_MAC, .off = offsetof(struct xctl_vif, mac),
	  .off_set = offsetof(struct xctl_vif, mac_set) },
	XCTL_JFIELD("bridge", XCTL_JF_STR, bridge),
	XCTL_JFIELD("ip", XCTL_JF_STR, ip),
	XCTL_JFIELD_NAMES("type", XCTL_JF_ENUM, type, type_names),
	XCTL_JFIELD("model", XCTL_JF_STR, model),
	XCTL_JFIELD("vifname", XCTL_JF_STR, vifname),
	XCTL_JFIELD("script", XCTL_JF_STR, script),
	XCTL_JFIELD("backend", XCTL_JF_STR, backend_domname),
	XCTL_JFIELD("gatewaydev", XCTL_JF_STR, gatewaydev),
	XCTL_JFIELD("rate", XCTL_JF_STR, rate),
	XCTL_JFIELD("rate-bytes-per-interval", XCTL_JF_U64, rate_bytes_per_interval),
	XCTL_JFIELD("rate-interval-usecs", XCTL_JF_U32, rate_interval_usecs),
	XCTL_JFIELD_RANGE("mtu", XCTL_JF_INT, mtu, 0, 65535),
	XCTL_JFIELD_RANGE("devid", XCTL_JF_INT, devid, -1, INT_MAX),
	XCTL_JFIELD("trusted", XCTL_JF_DEFBOOL, trusted),
	XCTL_JFIELDS_SOURCE,
};
const size_t xctl_vif_njfields = XCTL_ARRAY_SIZE(xctl_vif_jfields);
