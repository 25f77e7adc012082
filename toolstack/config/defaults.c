/* SPDX-License-Identifier: LGPL-2.1-only */
/* Defaults, as xl and libxl fill them: the table's defaults for the keys
 * that apply to the guest type (keys.c cites the source of each), then the
 * ones that need the whole domain or the global configuration. Line
 * numbers are of Xen RELEASE-4.17.7: tools/xl/xl_parse.c ("xl_parse.c")
 * and tools/libs/light/libxl_create.c ("libxl_create.c"),
 * libxl__domain_build_info_setdefault() unless said otherwise. */
#include "toolstack/config/keys.h"
#include "toolstack/config/resolve.h"
#include "toolstack/config/xlnum.h"
#include "common/diag.h"
#include "common/err.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int set_default(struct xctl_domain_config *m, enum xctl_key_id id)
{
	return xctl_model_set_origin(m, id, XCTL_SRC_DEFAULT, NULL, 0);
}

static int table_default(struct xctl_domain_config *m, enum xctl_key_id id)
{
	const struct xctl_key *k = &xctl_keys[id];
	switch (k->type) {
	case XCTL_KT_INT:
		if (xctl_xl_long(k->def, XCTL_FIELD(m, id, int64_t)))
			return XCTL_ERR_INTERNAL;
		break;
	case XCTL_KT_BOOL:
		*XCTL_FIELD(m, id, bool) = strcmp(k->def, "0") != 0;
		break;
	case XCTL_KT_ENUM: {
		int i = xctl_enum_index(k->values, k->def);
		if (i < 0)
			return XCTL_ERR_INTERNAL;
		*XCTL_FIELD(m, id, int) = i;
		break;
	}
	case XCTL_KT_STRING: {
		char *s = strdup(k->def);
		if (!s)
			return XCTL_ERR_NOMEM;
		*XCTL_FIELD(m, id, char *) = s;
		break;
	}
	case XCTL_KT_STRLIST:
		/* the boolean-or-list keys: "0" is the empty list */
		if (strcmp(k->def, "0") && xctl_strlist_push(XCTL_FIELD(m, id, struct xctl_strlist), "defaults"))
			return XCTL_ERR_NOMEM;
		break;
	default:
		return XCTL_ERR_INTERNAL;
	}
	return set_default(m, id);
}

static int gen_uuid(struct xctl_domain_config *m, struct xctl_rng *rng)
{
	uint8_t b[16];
	for (int i = 0; i < 16; i += 8) {
		uint64_t r = xctl_rng_next(rng);
		memcpy(b + i, &r, 8);
	}
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 (random) */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	char s[37];
	snprintf(s, sizeof(s), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	m->uuid = strdup(s);
	if (!m->uuid)
		return XCTL_ERR_NOMEM;
	return set_default(m, XCTL_K_UUID);
}

static bool mac_used(const struct xctl_domain_config *m, const uint8_t mac[XCTL_MAC_LEN])
{
	for (size_t i = 0; i < m->nvifs; i++)
		if (m->vifs[i].mac_set && !memcmp(m->vifs[i].mac, mac, XCTL_MAC_LEN))
			return true;
	return false;
}

static bool devid_used(const struct xctl_domain_config *m, int devid)
{
	for (size_t i = 0; i < m->nvifs; i++)
		if (m->vifs[i].devid == devid)
			return true;
	return false;
}

static int copy_if_unset(char **field, const char *value)
{
	if (*field || !value)
		return 0;
	*field = strdup(value);
	return *field ? 0 : XCTL_ERR_NOMEM;
}

static int vif_defaults(struct xctl_domain_config *m, const struct xctl_global_config *g, struct xctl_rng *rng)
{
	int rc = 0;
	for (size_t i = 0; i < m->nvifs && !rc; i++) {
		struct xctl_vif *v = &m->vifs[i];
		if (!v->mac_set && rng) {
			/* 00:16:3e is Xen's OUI; the local half as libxl draws it.
			 * Retry (bounded) if it collides with another vif. */
			for (int tries = 0; tries < 64; tries++) {
				uint64_t r = xctl_rng_next(rng);
				uint8_t mac[XCTL_MAC_LEN] = { 0x00, 0x16, 0x3e, (uint8_t)(r & 0x7f), (uint8_t)(r >> 8),
							      (uint8_t)(r >> 16) };
				memcpy(v->mac, mac, sizeof(mac));
				if (!mac_used(m, mac))
					break;
			}
			v->mac_set = true;
		} /* else drawn at creation, as libxl_nic.c:69-83 does */
		if (v->devid < 0) {
			int id = 0;
			while (devid_used(m, id))
				id++;
			v->devid = id;
		}
		if (v->type == XCTL_VIF_TYPE_UNKNOWN)
			v->type = m->type == XCTL_GUEST_HVM ? XCTL_VIF_TYPE_IOEMU : XCTL_VIF_TYPE_VIF;
		rc = copy_if_unset(&v->bridge, g->vif_bridge);
		if (!rc)
			rc = copy_if_unset(&v->script, g->vif_script);
		if (!rc)
			rc = copy_if_unset(&v->backend_domname, g->vif_backend);
		if (!rc)
			rc = copy_if_unset(&v->gatewaydev, g->vif_gatewaydev);
	}
	return rc;
}

static int disk_defaults(struct xctl_domain_config *m, const struct xctl_global_config *g)
{
	for (size_t i = 0; i < m->ndisks; i++) {
		struct xctl_disk *dk = &m->disks[i];
		if (dk->backend == XCTL_DISK_BACKEND_UNKNOWN)
			dk->backend = (enum xctl_disk_backendtype)g->disk_backendtype;
		if (copy_if_unset(&dk->backend_domname, g->disk_backend))
			return XCTL_ERR_NOMEM;
	}
	return 0;
}

/* videoram (MiB) as libxl_create.c:300-362 chooses it from vga and the
 * device model (validate.c checks what libxl refuses there) */
int64_t xctl_videoram_default(const struct xctl_domain_config *m)
{
	bool trad = m->device_model_version == 1; /* qemu-xen-traditional */
	switch (m->vga) {
	case 0: /* none */
		return 0;
	case 3: /* qxl */
		return 128;
	case 1: /* stdvga */
		return trad ? 8 : 16;
	default: /* cirrus */
		return trad ? 4 : 8;
	}
}

int xctl_config_defaults(struct xctl_domain_config *m, const struct xctl_global_config *g, struct xctl_rng *rng,
			 struct xctl_diags *d)
{
	int rc = 0;
	unsigned me = 1u << m->type;
	bool hvm = m->type == XCTL_GUEST_HVM;
	(void)d;

	/* type: pv when neither type nor builder is given (xl_parse.c:1305-1311) */
	if (!xctl_model_isset(m, XCTL_K_TYPE))
		rc = set_default(m, XCTL_K_TYPE);
	for (int id = 0; id < XCTL_K__COUNT && !rc; id++) {
		const struct xctl_key *k = &xctl_keys[id];
		if (k->def && (k->def_guests & me) && !xctl_model_isset(m, id) && id != XCTL_K_TYPE)
			rc = table_default(m, id);
	}
	if (rc)
		return rc;
	/* maxvcpus = vcpus when not given (xl_parse.c:1402-1403); vcpus is
	 * 1 when not given (libxl_create.c:215-216), and so is maxvcpus
	 * (libxl_create.c:209-210) */
	if (!xctl_model_isset(m, XCTL_K_MAXVCPUS)) {
		m->maxvcpus = xctl_model_isset(m, XCTL_K_VCPUS) ? m->vcpus : 1;
		rc = set_default(m, XCTL_K_MAXVCPUS);
	}
	/* maxmem = memory when not given (xl_parse.c:1400-1401); with neither,
	 * both are 32 MiB (libxl_create.c:239-240); memory = maxmem when only
	 * maxmem is given (libxl_create.c:241-242) */
	if (!rc && !xctl_model_isset(m, XCTL_K_MAXMEM) && !xctl_model_isset(m, XCTL_K_MEMORY)) {
		m->maxmem = m->memory = 32;
		rc = set_default(m, XCTL_K_MAXMEM);
		if (!rc)
			rc = set_default(m, XCTL_K_MEMORY);
	} else if (!rc && !xctl_model_isset(m, XCTL_K_MAXMEM)) {
		m->maxmem = m->memory;
		rc = set_default(m, XCTL_K_MAXMEM);
	} else if (!rc && !xctl_model_isset(m, XCTL_K_MEMORY)) {
		m->memory = m->maxmem;
		rc = set_default(m, XCTL_K_MEMORY);
	}
	/* a UUID only when seeded: xl draws one (xl_parse.c:1326), a dry run
	 * shows it unset unless given or seeded */
	if (!rc && !m->uuid && rng)
		rc = gen_uuid(m, rng);
	else if (!rc && m->uuid)
		for (char *p = m->uuid; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	/* from xl.conf, else the hypervisor's own default (xl.c:56-57: -1) */
	if (!rc && !xctl_model_isset(m, XCTL_K_MAX_GRANT_FRAMES) && g->max_grant_frames >= 0) {
		m->max_grant_frames = g->max_grant_frames;
		rc = set_default(m, XCTL_K_MAX_GRANT_FRAMES);
	}
	if (!rc && !xctl_model_isset(m, XCTL_K_MAX_MAPTRACK_FRAMES) && g->max_maptrack_frames >= 0) {
		m->max_maptrack_frames = g->max_maptrack_frames;
		rc = set_default(m, XCTL_K_MAX_MAPTRACK_FRAMES);
	}
	if (!rc && !xctl_model_isset(m, XCTL_K_CPUS)) {
		const char *mask = m->type == XCTL_GUEST_PV ? g->cpumask_pv
				   : m->type == XCTL_GUEST_PVH ? g->cpumask_pvh
							       : g->cpumask_hvm;
		if (!mask)
			mask = g->cpumask;
		if (mask) {
			rc = xctl_strlist_push(&m->cpus.masks, mask);
			if (!rc)
				rc = set_default(m, XCTL_K_CPUS);
		}
	}
	/* bios from the device model: rombios with qemu-xen-traditional,
	 * seabios with qemu-xen (libxl_create.c:137-146); firmware = "uefi" or
	 * a bios name was already mapped onto bios (resolve.c, as
	 * xl_parse.c:1840-1852) */
	if (!rc && hvm && !xctl_model_isset(m, XCTL_K_BIOS)) {
		m->bios = m->device_model_version == 1 ? 0 : 1;
		rc = set_default(m, XCTL_K_BIOS);
	}
	/* vnc on: vncunused 1 and vnclisten 127.0.0.1 (libxl_create.c:403-408) */
	if (!rc && hvm && m->vnc && !xctl_model_isset(m, XCTL_K_VNCUNUSED)) {
		m->vncunused = true;
		rc = set_default(m, XCTL_K_VNCUNUSED);
	}
	if (!rc && hvm && m->vnc && !m->vnclisten) {
		m->vnclisten = strdup("127.0.0.1");
		rc = m->vnclisten ? set_default(m, XCTL_K_VNCLISTEN) : XCTL_ERR_NOMEM;
	}
	if (!rc && hvm && !xctl_model_isset(m, XCTL_K_VIDEORAM)) {
		m->videoram = xctl_videoram_default(m);
		rc = set_default(m, XCTL_K_VIDEORAM);
	}
	if (!rc)
		rc = vif_defaults(m, g, rng);
	if (!rc)
		rc = disk_defaults(m, g);
	return rc;
}
