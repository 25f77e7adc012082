/* SPDX-License-Identifier: LGPL-2.1-only */
/* The global configuration (xctl.conf): its own small key table. */
#include "toolstack/config/global.h"
#include "toolstack/config/cfg_parse.h"
#include "toolstack/config/diskspec.h"
#include "toolstack/config/keys.h"
#include "toolstack/config/xlnum.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"
#include "common/util.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum gtype { G_STR, G_INT, G_BOOL, G_ENUM, G_CPUS };

static const char *const autoballoon_names[] = { "off", "on", "auto", NULL };
static const char *const output_names[] = { "json", "sxp", NULL };
static const char *const domid_names[] = { "xen", "random", NULL };
static const char *const hotplug_names[] = { "native", "scripts", NULL };
/* index = enum xctl_disk_backendtype */
static const char *const backend_names[] = { "default", "phy", "tap", "qdisk", "standalone", NULL };

struct gkey {
	const char *name;
	enum gtype type;
	size_t offset;
	int64_t min, max;
	const char *const *values;
	const char *alias_of; /* deprecated spelling of another key */
};

#define GOFF(f) offsetof(struct xctl_global_config, f)

static const struct gkey gkeys[] = {
	{ "autoballoon", G_ENUM, GOFF(autoballoon), 0, 0, autoballoon_names, NULL },
	{ "run_hotplug_scripts", G_BOOL, GOFF(run_hotplug_scripts), 0, 0, NULL, NULL },
	{ "lockfile", G_STR, GOFF(lockfile), 0, 0, NULL, NULL },
	{ "max_grant_frames", G_INT, GOFF(max_grant_frames), 1, 65535, NULL, NULL },
	{ "max_maptrack_frames", G_INT, GOFF(max_maptrack_frames), 0, 65535, NULL, NULL },
	{ "max_grant_version", G_INT, GOFF(max_grant_version), 1, 2, NULL, NULL },
	{ "vif.default.script", G_STR, GOFF(vif_script), 0, 0, NULL, NULL },
	{ "vif.default.bridge", G_STR, GOFF(vif_bridge), 0, 0, NULL, NULL },
	{ "vif.default.backend", G_STR, GOFF(vif_backend), 0, 0, NULL, NULL },
	{ "vif.default.gatewaydev", G_STR, GOFF(vif_gatewaydev), 0, 0, NULL, NULL },
	{ "vifscript", G_STR, GOFF(vif_script), 0, 0, NULL, "vif.default.script" },
	{ "defaultbridge", G_STR, GOFF(vif_bridge), 0, 0, NULL, "vif.default.bridge" },
	{ "output_format", G_ENUM, GOFF(output_format), 0, 0, output_names, NULL },
	{ "blkdev_start", G_STR, GOFF(blkdev_start), 0, 0, NULL, NULL },
	{ "claim_mode", G_BOOL, GOFF(claim_mode), 0, 0, NULL, NULL },
	{ "domid_policy", G_ENUM, GOFF(domid_policy), 0, 0, domid_names, NULL },
	{ "vm.cpumask", G_CPUS, GOFF(cpumask), 0, 0, NULL, NULL },
	{ "vm.pv.cpumask", G_CPUS, GOFF(cpumask_pv), 0, 0, NULL, NULL },
	{ "vm.pvh.cpumask", G_CPUS, GOFF(cpumask_pvh), 0, 0, NULL, NULL },
	{ "vm.hvm.cpumask", G_CPUS, GOFF(cpumask_hvm), 0, 0, NULL, NULL },
	{ "disk.default.backendtype", G_ENUM, GOFF(disk_backendtype), 0, 0, backend_names, NULL },
	{ "disk.default.backend", G_STR, GOFF(disk_backend), 0, 0, NULL, NULL },
	{ "remus.default.netbufscript", G_STR, GOFF(remus_netbufscript), 0, 0, NULL, NULL },
	{ "colo.default.proxyscript", G_STR, GOFF(colo_proxyscript), 0, 0, NULL, NULL },
	{ "hotplug", G_ENUM, GOFF(hotplug), 0, 0, hotplug_names, NULL },
	{ "hotplug_timeout", G_INT, GOFF(hotplug_timeout), 1, 3600, NULL, NULL },
	{ "kernel_cache", G_BOOL, GOFF(kernel_cache), 0, 0, NULL, NULL },
};

#define GFIELD(g, k, T) ((T *)((char *)(g) + (k)->offset))

int xctl_global_init(struct xctl_global_config *g)
{
	memset(g, 0, sizeof(*g));
	g->autoballoon = XCTL_AUTOBALLOON_AUTO;
	g->run_hotplug_scripts = true;
	/* xl.c:56-58: -1, the hypervisor's default (its gnttab_max_frames and
	 * gnttab_max_maptrack_frames, 64 and 1024 unless its command line says
	 * otherwise) and the highest grant version the host offers
	 * (libxl_create.c:471-479) */
	g->max_grant_frames = -1;
	g->max_maptrack_frames = -1;
	g->max_grant_version = -1;
	g->claim_mode = true;
	g->hotplug_timeout = 40; /* libxl's LIBXL_HOTPLUG_TIMEOUT */
	g->kernel_cache = true;
	g->lockfile = strdup("/var/lock/xctl");
	g->vif_script = strdup("vif-bridge");
	g->vif_bridge = strdup("xenbr0");
	g->blkdev_start = strdup("xvda");
	if (!g->lockfile || !g->vif_script || !g->vif_bridge || !g->blkdev_start) {
		xctl_global_dispose(g);
		return XCTL_ERR_NOMEM;
	}
	return 0;
}

void xctl_global_dispose(struct xctl_global_config *g)
{
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(gkeys); i++) {
		const struct gkey *k = &gkeys[i];
		if ((k->type == G_STR || k->type == G_CPUS) && !k->alias_of) {
			free(*GFIELD(g, k, char *));
			*GFIELD(g, k, char *) = NULL;
		}
	}
	free(g->source);
	g->source = NULL;
}

static void apply(struct xctl_global_config *g, const struct gkey *k, const struct xctl_cfg_setting *s,
		  struct xctl_diags *d, int *rc)
{
	const struct xctl_cfg_value *v = s->value;
	if (v->type != XCTL_CFG_ATOM) {
		xctl_diag_add(d, XCTL_DIAG_ERROR, s->file, s->line, s->key, "is a list but must be a single value");
		return;
	}
	if (k->alias_of)
		xctl_diag_add(d, XCTL_DIAG_WARNING, s->file, s->line, s->key, "deprecated, write %s instead",
			      k->alias_of);
	char why[256];
	switch (k->type) {
	case G_STR:
	case G_CPUS:
		if (k->type == G_CPUS && xctl_check_cpulist(v->s, why, sizeof(why))) {
			xctl_diag_add(d, XCTL_DIAG_ERROR, s->file, s->line, s->key, "%s", why);
			return;
		} else {
			char *c = strdup(v->s);
			if (!c) {
				*rc = XCTL_ERR_NOMEM;
				return;
			}
			free(*GFIELD(g, k, char *));
			*GFIELD(g, k, char *) = c;
		}
		return;
	case G_INT:
	case G_BOOL: {
		int64_t n;
		if (xctl_xl_long(v->s, &n)) {
			xctl_diag_add(d, XCTL_DIAG_ERROR, s->file, s->line, s->key, "'%s' is not a number%s", v->s,
				      k->type == G_BOOL ? " (allowed: 0 or 1)" : "");
			return;
		}
		if (k->type == G_BOOL) {
			*GFIELD(g, k, bool) = n != 0;
		} else if (n < k->min || n > k->max) {
			xctl_diag_add(d, XCTL_DIAG_ERROR, s->file, s->line, s->key, "%lld is out of range (allowed: %lld to %lld)",
				      (long long)n, (long long)k->min, (long long)k->max);
		} else {
			*GFIELD(g, k, int64_t) = n;
		}
		return;
	}
	case G_ENUM: {
		int i = xctl_enum_index(k->values, v->s);
		/* xl also takes autoballoon as a boolean number */
		if (i < 0 && k->values == autoballoon_names && (!strcmp(v->s, "0") || !strcmp(v->s, "1")))
			i = v->s[0] == '1' ? XCTL_AUTOBALLOON_ON : XCTL_AUTOBALLOON_OFF;
		if (i < 0) {
			struct xctl_buf b = { 0 };
			for (int j = 0; k->values[j]; j++)
				xctl_buf_printf(&b, "%s%s", j ? ", " : "", k->values[j]);
			xctl_diag_add(d, XCTL_DIAG_ERROR, s->file, s->line, s->key, "'%s' is not valid (allowed: %s)", v->s,
				      b.p ? b.p : "");
			xctl_buf_free(&b);
			return;
		}
		*GFIELD(g, k, int) = i;
		return;
	}
	}
}

int xctl_global_load(struct xctl_global_config *g, const char *path, bool must_exist, struct xctl_diags *d)
{
	struct xctl_cfg cfg;
	int rc = 0;
	size_t errors = d->nerrors;
	if (!must_exist && access(path, F_OK) && errno == ENOENT)
		return 0;
	xctl_cfg_init(&cfg);
	rc = xctl_cfg_parse_file(&cfg, path, d);
	if (rc)
		goto out;
	free(g->source);
	g->source = strdup(path);
	if (!g->source) {
		rc = XCTL_ERR_NOMEM;
		goto out;
	}
	const char *names[XCTL_ARRAY_SIZE(gkeys)];
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(gkeys); i++)
		names[i] = gkeys[i].name;
	for (size_t i = 0; i < cfg.n && !rc; i++) {
		const struct xctl_cfg_setting *s = &cfg.v[i];
		const struct gkey *k = NULL;
		for (size_t j = 0; j < XCTL_ARRAY_SIZE(gkeys) && !k; j++)
			if (!strcmp(gkeys[j].name, s->key))
				k = &gkeys[j];
		if (k) {
			apply(g, k, s, d, &rc);
			continue;
		}
		const char *guess = xctl_suggest(s->key, names, XCTL_ARRAY_SIZE(gkeys));
		if (guess)
			xctl_diag_add(d, XCTL_DIAG_WARNING, s->file, s->line, s->key,
				      "unknown key in the global configuration (did you mean '%s'?)", guess);
		else
			xctl_diag_add(d, XCTL_DIAG_WARNING, s->file, s->line, s->key,
				      "unknown key in the global configuration (docs/config.md lists the keys)");
	}
	if (!rc && d->nerrors > errors)
		rc = XCTL_ERR_CONFIG;
out:
	xctl_cfg_free(&cfg);
	return rc;
}

void xctl_global_to_json(struct xctl_jw *w, const struct xctl_global_config *g)
{
	xctl_jw_obj_open(w);
	xctl_jw_kstr(w, "source", g->source);
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(gkeys); i++) {
		const struct gkey *k = &gkeys[i];
		if (k->alias_of)
			continue;
		switch (k->type) {
		case G_STR:
		case G_CPUS:
			xctl_jw_kstr(w, k->name, *GFIELD((struct xctl_global_config *)g, k, char *));
			break;
		case G_INT: {
			int64_t n = *GFIELD((struct xctl_global_config *)g, k, int64_t);
			xctl_jw_key(w, k->name);
			if (n < 0) /* the hypervisor's default */
				xctl_jw_null(w);
			else
				xctl_jw_int(w, n);
			break;
		}
		case G_BOOL:
			xctl_jw_kbool(w, k->name, *GFIELD((struct xctl_global_config *)g, k, bool));
			break;
		case G_ENUM:
			xctl_jw_kstr(w, k->name, k->values[*GFIELD((struct xctl_global_config *)g, k, int)]);
			break;
		}
	}
	xctl_jw_obj_close(w);
}
