/* SPDX-License-Identifier: LGPL-2.1-only */
/* The domain model -> libxl_domain_config, as xl 4.17's parse_config_data()
 * (tools/xl/xl_parse.c at RELEASE-4.17.7) fills it from the same file: a
 * field is set only when xl would set it (the key was written in the file or
 * on the command line; xl.conf's values where xl applies them), so that
 * libxl fills every other default itself, exactly as for xl. Line numbers
 * below are xl_parse.c's. Deliberate differences are in docs/config.md. */
#include "toolstack/hv/xen/xen_int.h"
#include "common/err.h"
#include "common/log.h"
#include "toolstack/config/cfg_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Where Debian's xen packages put the PV firmware (XENFIRMWAREDIR). */
#define XEN_FIRMWARE_DIR "/usr/lib/xen-4.17/boot"
/* Bits of a cpumap when no libxl context can tell the host's count. */
#define XEN_DRYRUN_CPUS 64

static bool given(const struct xctl_domain_config *m, enum xctl_key_id k)
{
	return m->origin[k].src == XCTL_SRC_CONFIG;
}

static int dup_str(char **dst, const char *s)
{
	free(*dst);
	*dst = NULL;
	if (!s)
		return 0;
	*dst = strdup(s);
	return *dst ? 0 : XCTL_ERR_NOMEM;
}

static void set_defbool(libxl_defbool *b, bool v)
{
	libxl_defbool_set(b, v);
}

/* b is initialised (libxl_bitmap_init or its struct's init) and empty. */
static int bitmap_alloc(libxl_ctx *ctx, libxl_bitmap *b, unsigned bits)
{
	if (ctx && !bits)
		return libxl_cpu_bitmap_alloc(ctx, b, 0) ? XCTL_ERR_NOMEM : 0;
	if (!bits)
		bits = XEN_DRYRUN_CPUS;
	b->size = (bits + 7) / 8;
	b->map = calloc(b->size, 1);
	return b->map ? 0 : XCTL_ERR_NOMEM;
}

/* A CPULIST as xl's parse_cpurange() reads it (xl_utils.c): "all", N, N-M,
 * ^N, ^N-M, comma separated; "node:"/"nodes:" need the host's NUMA layout
 * (ctx), else they are refused. */
static int parse_cpulist(libxl_ctx *ctx, const char *s, libxl_bitmap *b, const struct xctl_log *log)
{
	char *copy = strdup(s), *save = NULL;
	int rc = 0;
	if (!copy)
		return XCTL_ERR_NOMEM;
	for (char *tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		bool neg = *tok == '^';
		tok += neg;
		if (!strcmp(tok, "all")) {
			for (unsigned i = 0; i < b->size * 8; i++)
				neg ? libxl_bitmap_reset(b, (int)i) : libxl_bitmap_set(b, (int)i);
			continue;
		}
		if (!strncmp(tok, "node:", 5) || !strncmp(tok, "nodes:", 6)) {
			if (!ctx) {
				xctl_err_log(log, "cpus \"%s\": node: ranges need a Xen host to map nodes to CPUs", s);
				rc = XCTL_ERR_UNSUPPORTED;
				break;
			}
			libxl_bitmap nm;
			libxl_bitmap_init(&nm);
			char *end;
			long node = strtol(strchr(tok, ':') + 1, &end, 10);
			if (libxl_node_bitmap_alloc(ctx, &nm, 0) || node < 0) {
				libxl_bitmap_dispose(&nm);
				rc = XCTL_ERR_INVAL;
				break;
			}
			libxl_bitmap cpus;
			libxl_bitmap_init(&cpus);
			if (!libxl_node_to_cpumap(ctx, (int)node, &cpus)) {
				int i;
				libxl_for_each_set_bit(i, cpus)
				{
					if (i < (int)(b->size * 8))
						neg ? libxl_bitmap_reset(b, i) : libxl_bitmap_set(b, i);
				}
			}
			libxl_bitmap_dispose(&cpus);
			libxl_bitmap_dispose(&nm);
			continue;
		}
		char *end;
		unsigned long lo = strtoul(tok, &end, 10), hi = lo;
		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		if (end == tok || hi < lo) {
			xctl_err_log(log, "cpus \"%s\": cannot read \"%s\"", s, tok);
			rc = XCTL_ERR_INVAL;
			break;
		}
		for (unsigned long i = lo; i <= hi && i < b->size * 8; i++)
			neg ? libxl_bitmap_reset(b, (int)i) : libxl_bitmap_set(b, (int)i);
	}
	free(copy);
	return rc;
}

/* parse_vcpu_affinity() (xl_parse.c:312): a string for every vCPU up to
 * max_vcpus, or a list, one per vCPU (then numa_placement is false). */
static int vcpu_affinity(libxl_ctx *ctx, libxl_domain_build_info *b, const struct xctl_cpus *cpus, bool hard,
			 const struct xctl_log *log)
{
	int n = cpus->per_vcpu ? (int)cpus->masks.n : b->max_vcpus;
	if (n > b->max_vcpus)
		n = b->max_vcpus;
	if (n < 0)
		n = 0;
	libxl_bitmap *v = calloc((size_t)(n ? n : 1), sizeof(*v));
	if (!v)
		return XCTL_ERR_NOMEM;
	if (hard) {
		b->num_vcpu_hard_affinity = n;
		b->vcpu_hard_affinity = v;
	} else {
		b->num_vcpu_soft_affinity = n;
		b->vcpu_soft_affinity = v;
	}
	for (int i = 0; i < n; i++)
		libxl_bitmap_init(&v[i]);
	for (int i = 0; i < n; i++) {
		const char *s = cpus->masks.v[cpus->per_vcpu ? (size_t)i : 0];
		int rc = bitmap_alloc(ctx, &v[i], 0);
		if (!rc)
			rc = parse_cpulist(ctx, s, &v[i], log);
		if (rc)
			return rc;
	}
	/* a list of maps, or a soft affinity: no automatic NUMA placement */
	if (cpus->per_vcpu || !hard)
		set_defbool(&b->numa_placement, false);
	return 0;
}

static int string_list(libxl_string_list *out, const struct xctl_strlist *l)
{
	char **v = calloc(l->n + 1, sizeof(char *));
	if (!v)
		return XCTL_ERR_NOMEM;
	*out = v;
	for (size_t i = 0; i < l->n; i++)
		if (!(v[i] = strdup(l->v[i])))
			return XCTL_ERR_NOMEM;
	return 0;
}

/* parse_cmdline() (xl_parse.c:280) */
static int cmdline(const struct xctl_domain_config *m, char **out)
{
	const char *c = given(m, XCTL_K_CMDLINE) ? m->cmdline : NULL;
	const char *root = given(m, XCTL_K_ROOT) ? m->root : NULL;
	const char *extra = given(m, XCTL_K_EXTRA) ? m->extra : NULL;
	int n = 0;
	if (c)
		*out = strdup(c);
	else if (root && extra)
		n = asprintf(out, "root=%s %s", root, extra);
	else if (root)
		n = asprintf(out, "root=%s", root);
	else if (extra)
		*out = strdup(extra);
	else
		return 0;
	if (n < 0)
		*out = NULL;
	return *out ? 0 : XCTL_ERR_NOMEM;
}

int xctl_xen_disk(libxl_device_disk *d, const struct xctl_disk *x)
{
	int rc = 0;
	/* xlu_disk_parse() fills these (tools/libs/util/libxlu_disk.c) */
	rc = rc ? rc : dup_str(&d->pdev_path, x->target);
	rc = rc ? rc : dup_str(&d->vdev, x->vdev);
	rc = rc ? rc : dup_str(&d->script, x->script);
	rc = rc ? rc : dup_str(&d->backend_domname, x->backend_domname);
	rc = rc ? rc : dup_str(&d->colo_host, x->colo_host);
	rc = rc ? rc : dup_str(&d->colo_export, x->colo_export);
	rc = rc ? rc : dup_str(&d->active_disk, x->active_disk);
	rc = rc ? rc : dup_str(&d->hidden_disk, x->hidden_disk);
	if (rc)
		return rc;
	d->backend = (libxl_disk_backend)x->backend;
	d->format = (libxl_disk_format)x->format;
	d->readwrite = x->readwrite;
	d->is_cdrom = x->is_cdrom;
	d->removable = x->removable;
	d->direct_io_safe = x->direct_io_safe;
	if (x->discard != XCTL_DEFBOOL_DEFAULT)
		set_defbool(&d->discard_enable, x->discard == XCTL_DEFBOOL_TRUE);
	if (x->trusted != XCTL_DEFBOOL_DEFAULT)
		set_defbool(&d->trusted, x->trusted == XCTL_DEFBOOL_TRUE);
	if (x->colo_enable != XCTL_DEFBOOL_DEFAULT)
		set_defbool(&d->colo_enable, x->colo_enable == XCTL_DEFBOOL_TRUE);
	d->colo_port = x->colo_port;
	d->specification = (libxl_disk_specification)x->specification;
	d->transport = (libxl_disk_transport)x->transport;
	return 0;
}

/* Which settings the global configuration file wrote: xl applies xl.conf's
 * vif defaults and blkdev_start only when the file sets them (xl.c:159-205,
 * xl_nic.c:26); xctl's built-in values for them are libxl's own defaults,
 * which libxl fills in itself. */
struct global_set {
	bool bridge, script, gatewaydev, backend, blkdev_start;
};

static void global_keys(const struct xctl_global_config *g, struct global_set *gs)
{
	struct xctl_cfg cfg;
	struct xctl_diags d;
	memset(gs, 0, sizeof(*gs));
	if (!g->source)
		return;
	xctl_cfg_init(&cfg);
	xctl_diags_init(&d);
	if (!xctl_cfg_parse_file(&cfg, g->source, &d)) {
		gs->bridge = xctl_cfg_get(&cfg, "vif.default.bridge") || xctl_cfg_get(&cfg, "defaultbridge");
		gs->script = xctl_cfg_get(&cfg, "vif.default.script") || xctl_cfg_get(&cfg, "vifscript");
		gs->gatewaydev = xctl_cfg_get(&cfg, "vif.default.gatewaydev") != NULL;
		gs->backend = xctl_cfg_get(&cfg, "vif.default.backend") != NULL;
		gs->blkdev_start = xctl_cfg_get(&cfg, "blkdev_start") != NULL;
	}
	xctl_diags_free(&d);
	xctl_cfg_free(&cfg);
}

/* A vif as xl reads it (xl_parse.c:2280, parse_nic_config() at 419): the
 * spec as written over the global defaults; the model's MAC when it has
 * one (generated for a creation). */
int xctl_xen_nic(libxl_device_nic *n, const struct xctl_vif *resolved, size_t index,
		 const struct xctl_global_config *g, const struct xctl_log *log)
{
	struct global_set gs;
	global_keys(g, &gs);
	struct xctl_vif w;
	struct xctl_diags d;
	int rc;
	xctl_vif_init(&w);
	xctl_diags_init(&d);
	rc = xctl_vif_parse(resolved->spec ? resolved->spec : "", resolved->file, resolved->line, &w, &d);
	xctl_diags_free(&d);
	if (rc) {
		xctl_err_log(log, "vif '%s': cannot be read again (%s)", resolved->spec ? resolved->spec : "",
			     xctl_strerror(rc));
		goto out;
	}
	rc = dup_str(&n->script, gs.script ? g->vif_script : NULL);
	rc = rc ? rc : dup_str(&n->bridge, gs.bridge ? g->vif_bridge : NULL);
	rc = rc ? rc : dup_str(&n->gatewaydev, gs.gatewaydev ? g->vif_gatewaydev : NULL);
	rc = rc ? rc : dup_str(&n->backend_domname, gs.backend ? g->vif_backend : NULL);
	if (!rc && w.script)
		rc = dup_str(&n->script, w.script);
	if (!rc && w.bridge)
		rc = dup_str(&n->bridge, w.bridge);
	if (!rc && w.gatewaydev)
		rc = dup_str(&n->gatewaydev, w.gatewaydev);
	if (!rc && w.backend_domname)
		rc = dup_str(&n->backend_domname, w.backend_domname);
	rc = rc ? rc : dup_str(&n->ip, w.ip);
	rc = rc ? rc : dup_str(&n->ifname, w.vifname);
	rc = rc ? rc : dup_str(&n->model, w.model);
	if (rc)
		goto out;
	if (resolved->mac_set)
		memcpy(n->mac, resolved->mac, sizeof(n->mac));
	n->nictype = (libxl_nic_type)w.type;
	/* as xl's ARRAY_EXTEND_INIT: the index, unless devid= */
	n->devid = w.devid >= 0 ? w.devid : (int)index;
	n->mtu = w.mtu;
	n->rate_bytes_per_interval = w.rate_bytes_per_interval;
	n->rate_interval_usecs = w.rate_interval_usecs;
	if (w.trusted != XCTL_DEFBOOL_DEFAULT)
		set_defbool(&n->trusted, w.trusted == XCTL_DEFBOOL_TRUE);
out:
	xctl_vif_dispose(&w);
	return rc;
}

static int vnc_options(const struct xctl_domain_config *m, libxl_vnc_info *vnc, libxl_sdl_info *sdl)
{
	int rc = 0;
	if (given(m, XCTL_K_VNC))
		set_defbool(&vnc->enable, m->vnc);
	if (given(m, XCTL_K_VNCLISTEN))
		rc = dup_str(&vnc->listen, m->vnclisten);
	if (!rc && given(m, XCTL_K_VNCPASSWD))
		rc = dup_str(&vnc->passwd, m->vncpasswd);
	if (given(m, XCTL_K_VNCDISPLAY))
		vnc->display = (int)m->vncdisplay;
	if (given(m, XCTL_K_VNCUNUSED))
		set_defbool(&vnc->findunused, m->vncunused);
	if (given(m, XCTL_K_SDL))
		set_defbool(&sdl->enable, m->sdl);
	return rc;
}

/* Was key k written as a string (not a list)? The model keeps a list either
 * way; the file it came from says which (an override on the command line
 * cannot be read again: a list, docs/config.md L-serial-override). */
static bool written_as_string(const struct xctl_domain_config *m, enum xctl_key_id k, const char *key)
{
	const char *file = m->origin[k].file;
	struct xctl_cfg cfg;
	struct xctl_diags d;
	bool atom = false;
	if (!file || file[0] == '<')
		return false;
	xctl_cfg_init(&cfg);
	xctl_diags_init(&d);
	if (!xctl_cfg_parse_file(&cfg, file, &d)) {
		const struct xctl_cfg_setting *st = xctl_cfg_get(&cfg, key);
		atom = st && st->value && st->value->type == XCTL_CFG_ATOM;
	}
	xctl_diags_free(&d);
	xctl_cfg_free(&cfg);
	return atom;
}

/* serial and usbdevice: xl reads a string into the scalar field and a list
 * into the _list field (xl_parse.c:2669-2710). */
static int str_or_list(const struct xctl_domain_config *m, enum xctl_key_id k, const char *key,
		       const struct xctl_strlist *l, char **one, libxl_string_list *many)
{
	if (l->n == 1 && written_as_string(m, k, key))
		return dup_str(one, l->v[0]);
	return string_list(many, l);
}

/* xl_parse.c:1678-1860, the HVM case of the guest type switch, and the HVM
 * devices of 2608-2720. */
static int hvm(const struct xctl_domain_config *m, libxl_domain_build_info *b)
{
	int rc = 0;
	if (given(m, XCTL_K_FIRMWARE_OVERRIDE))
		rc = dup_str(&b->u.hvm.firmware, m->firmware_override);
	if (given(m, XCTL_K_BIOS))
		b->u.hvm.bios = (libxl_bios_type)(m->bios + 1);
	if (!rc && given(m, XCTL_K_FIRMWARE) && m->firmware) {
		/* xl_parse.c:1840: a bios name or a prefix of uefi sets bios (the
		 * model has done that), a prefix of "bios" leaves it to libxl,
		 * anything else is a firmware image */
		libxl_bios_type t;
		size_t len = strlen(m->firmware);
		if (libxl_bios_type_from_string(m->firmware, &t) && strncmp(m->firmware, "uefi", len) &&
		    strncmp(m->firmware, "bios", len))
			rc = dup_str(&b->u.hvm.firmware, m->firmware);
	}
	if (given(m, XCTL_K_PAE))
		set_defbool(&b->u.hvm.pae, m->pae);
	if (given(m, XCTL_K_ACPI_S3))
		set_defbool(&b->u.hvm.acpi_s3, m->acpi_s3);
	if (given(m, XCTL_K_ACPI_S4))
		set_defbool(&b->u.hvm.acpi_s4, m->acpi_s4);
	if (given(m, XCTL_K_NX))
		set_defbool(&b->u.hvm.nx, m->nx);
	if (given(m, XCTL_K_HPET))
		set_defbool(&b->u.hvm.hpet, m->hpet);
	if (given(m, XCTL_K_VPT_ALIGN))
		set_defbool(&b->u.hvm.vpt_align, m->vpt_align);
	if (given(m, XCTL_K_APIC))
		set_defbool(&b->apic, m->apic);
	if (given(m, XCTL_K_VIRIDIAN)) {
		/* 1 or ["defaults"]: the defaults group; 0: none (xl_parse.c:1716) */
		bool defaults = false;
		for (size_t i = 0; i < m->viridian.n; i++)
			defaults |= !strcmp(m->viridian.v[i], "defaults");
		bool only_defaults = defaults && m->viridian.n == 1;
		if (!m->viridian.n || only_defaults) {
			set_defbool(&b->u.hvm.viridian, only_defaults);
		} else {
			if (bitmap_alloc(NULL, &b->u.hvm.viridian_enable, 64) ||
			    bitmap_alloc(NULL, &b->u.hvm.viridian_disable, 64))
				return XCTL_ERR_NOMEM;
			for (size_t i = 0; i < m->viridian.n; i++) {
				const char *s = m->viridian.v[i];
				libxl_viridian_enlightenment v;
				libxl_bitmap *set = &b->u.hvm.viridian_enable, *reset = &b->u.hvm.viridian_disable;
				if (!strcmp(s, "all")) {
					libxl_bitmap_set_any(set);
					continue;
				}
				if (!strcmp(s, "defaults")) {
					set_defbool(&b->u.hvm.viridian, true);
					continue;
				}
				if (*s == '!') {
					set = &b->u.hvm.viridian_disable;
					reset = &b->u.hvm.viridian_enable;
					s++;
				}
				if (libxl_viridian_enlightenment_from_string(s, &v))
					return XCTL_ERR_INVAL;
				libxl_bitmap_set(set, (int)v);
				libxl_bitmap_reset(reset, (int)v);
			}
		}
	}
	if (rc)
		return rc;
	/* 2608-2720 */
	if (given(m, XCTL_K_VGA)) {
		static const libxl_vga_interface_type vga[] = { LIBXL_VGA_INTERFACE_TYPE_NONE, LIBXL_VGA_INTERFACE_TYPE_STD,
								 LIBXL_VGA_INTERFACE_TYPE_CIRRUS,
								 LIBXL_VGA_INTERFACE_TYPE_QXL };
		if (m->vga >= 0 && m->vga < 4)
			b->u.hvm.vga.kind = vga[m->vga];
	}
	if (given(m, XCTL_K_HDTYPE))
		b->u.hvm.hdtype = m->hdtype ? LIBXL_HDTYPE_AHCI : LIBXL_HDTYPE_IDE;
	if (given(m, XCTL_K_KEYMAP))
		rc = dup_str(&b->u.hvm.keymap, m->keymap);
	if (!rc && given(m, XCTL_K_SERIAL))
		rc = str_or_list(m, XCTL_K_SERIAL, "serial", &m->serial, &b->u.hvm.serial, &b->u.hvm.serial_list);
	if (!rc && given(m, XCTL_K_BOOT))
		rc = dup_str(&b->u.hvm.boot, m->boot);
	if (given(m, XCTL_K_USB))
		set_defbool(&b->u.hvm.usb, m->usb);
	if (!rc && given(m, XCTL_K_USBDEVICE))
		rc = str_or_list(m, XCTL_K_USBDEVICE, "usbdevice", &m->usbdevice, &b->u.hvm.usbdevice,
				 &b->u.hvm.usbdevice_list);
	if (given(m, XCTL_K_XEN_PLATFORM_PCI))
		set_defbool(&b->u.hvm.xen_platform_pci, m->xen_platform_pci);
	return rc;
}

int xctl_xen_domain_config(libxl_ctx *ctx, const struct xctl_domain_config *m, const struct xctl_global_config *g,
			   const struct xctl_log *log, libxl_domain_config *d)
{
	libxl_domain_create_info *c = &d->c_info;
	libxl_domain_build_info *b = &d->b_info;
	struct global_set gs;
	int rc = 0;
	global_keys(g, &gs);

	/* c_info: xl_parse.c:1257-1338 */
	if (given(m, XCTL_K_SECLABEL))
		rc = dup_str(&c->ssid_label, m->seclabel);
	set_defbool(&c->run_hotplug_scripts, g->run_hotplug_scripts);
	static const libxl_domain_type types[] = { LIBXL_DOMAIN_TYPE_PV, LIBXL_DOMAIN_TYPE_PVH,
						   LIBXL_DOMAIN_TYPE_HVM };
	c->type = types[m->type];
	if (given(m, XCTL_K_HAP))
		set_defbool(&c->hap, m->hap);
	rc = rc ? rc : dup_str(&c->name, m->name);
	if (!rc && m->uuid && libxl_uuid_from_string(&c->uuid, m->uuid)) {
		xctl_err_log(log, "domain '%s': uuid '%s' cannot be read", m->name, m->uuid);
		rc = XCTL_ERR_INVAL;
	}
	if (!rc && given(m, XCTL_K_POOL))
		rc = dup_str(&c->pool_name, m->pool);
	if (given(m, XCTL_K_DRIVER_DOMAIN))
		set_defbool(&c->driver_domain, m->driver_domain);
	if (rc)
		goto out;

	libxl_domain_build_info_init_type(b, c->type);
	if (gs.blkdev_start)
		rc = dup_str(&b->blkdev_start, g->blkdev_start);

	/* scheduler, memory, vcpus: 1361-1411 */
	if (given(m, XCTL_K_CPU_WEIGHT))
		b->sched_params.weight = (int)m->cpu_weight;
	if (given(m, XCTL_K_CAP))
		b->sched_params.cap = (int)m->cap;
	if (given(m, XCTL_K_PERIOD))
		b->sched_params.period = (int)m->sched_params.period;
	if (given(m, XCTL_K_SLICE))
		b->sched_params.slice = (int)m->sched_params.slice;
	if (given(m, XCTL_K_LATENCY))
		b->sched_params.latency = (int)m->sched_params.latency;
	if (given(m, XCTL_K_EXTRATIME))
		b->sched_params.extratime = m->sched_params.extratime;
	if (given(m, XCTL_K_MEMORY))
		b->target_memkb = (uint64_t)m->memory * 1024;
	if (given(m, XCTL_K_MAXMEM))
		b->max_memkb = (uint64_t)m->maxmem * 1024;
	int vcpus = 0;
	if (!rc && given(m, XCTL_K_VCPUS)) {
		vcpus = (int)m->vcpus;
		rc = bitmap_alloc(NULL, &b->avail_vcpus, (unsigned)vcpus);
		for (int i = 0; !rc && i < vcpus; i++)
			libxl_bitmap_set(&b->avail_vcpus, i);
	}
	if (given(m, XCTL_K_MAXVCPUS))
		b->max_vcpus = (int)m->maxvcpus;
	if (b->max_memkb == LIBXL_MEMKB_DEFAULT)
		b->max_memkb = b->target_memkb;
	if (b->max_vcpus == 0)
		b->max_vcpus = vcpus;
	if (rc)
		goto out;
	/* cpus: given, or the global vm.cpumask the model applied (xl applies
	 * the global masks after parsing, xl_vmcontrol.c:815) */
	if (m->origin[XCTL_K_CPUS].src != XCTL_SRC_UNSET && m->cpus.masks.n)
		rc = vcpu_affinity(ctx, b, &m->cpus, true, log);
	if (!rc && given(m, XCTL_K_CPUS_SOFT) && m->cpus_soft.masks.n)
		rc = vcpu_affinity(ctx, b, &m->cpus_soft, false, log);
	if (rc)
		goto out;

	/* grant tables: the file's value, else xl.conf's (-1: libxl's default) */
	b->max_grant_frames = (uint32_t)(given(m, XCTL_K_MAX_GRANT_FRAMES) ? m->max_grant_frames : g->max_grant_frames);
	b->max_maptrack_frames =
		(uint32_t)(given(m, XCTL_K_MAX_MAPTRACK_FRAMES) ? m->max_maptrack_frames : g->max_maptrack_frames);
	b->max_grant_version = (int)g->max_grant_version;
	set_defbool(&b->claim_mode, g->claim_mode);

	/* actions: 1468-1500, always set */
	d->on_poweroff = (libxl_action_on_shutdown)(m->on_poweroff + 1);
	d->on_reboot = (libxl_action_on_shutdown)(m->on_reboot + 1);
	d->on_watchdog = (libxl_action_on_shutdown)(m->on_watchdog + 1);
	d->on_crash = (libxl_action_on_shutdown)(m->on_crash + 1);
	d->on_soft_reset = (libxl_action_on_shutdown)(m->on_soft_reset + 1);

	if (m->type == XCTL_GUEST_PV && given(m, XCTL_K_E820_HOST))
		set_defbool(&b->u.pv.e820_host, m->e820_host);
	/* 1568-1620 */
	if (given(m, XCTL_K_SHADOW_MEMORY))
		b->shadow_memkb = (uint64_t)m->shadow_memory * 1024;
	if (given(m, XCTL_K_NOMIGRATE))
		set_defbool(&b->disable_migrate, m->nomigrate);
	if (given(m, XCTL_K_TSC_MODE))
		b->tsc_mode = (libxl_tsc_mode)m->tsc_mode;
	if (given(m, XCTL_K_RTC_TIMEOFFSET))
		b->rtc_timeoffset = (uint32_t)m->rtc_timeoffset;
	if (given(m, XCTL_K_LOCALTIME))
		set_defbool(&b->localtime, m->localtime);
	if (given(m, XCTL_K_VIDEORAM))
		b->video_memkb = (uint64_t)m->videoram * 1024;
	if (given(m, XCTL_K_MAX_EVENT_CHANNELS))
		b->event_channels = (uint32_t)m->max_event_channels;
	if (given(m, XCTL_K_KERNEL))
		rc = dup_str(&b->kernel, m->kernel);
	if (!rc && given(m, XCTL_K_RAMDISK))
		rc = dup_str(&b->ramdisk, m->ramdisk);
	if (!rc)
		rc = cmdline(m, &b->cmdline);
	if (given(m, XCTL_K_ACPI))
		set_defbool(&b->acpi, m->acpi);
	if (!rc && given(m, XCTL_K_BOOTLOADER))
		rc = dup_str(&b->bootloader, m->bootloader);
	if (!rc && given(m, XCTL_K_BOOTLOADER_ARGS))
		rc = string_list(&b->bootloader_args, &m->bootloader_args);
	if (given(m, XCTL_K_TIMER_MODE))
		b->timer_mode = (libxl_timer_mode)m->timer_mode;
	if (given(m, XCTL_K_NESTEDHVM))
		set_defbool(&b->nested_hvm, m->nestedhvm);
	if (rc)
		goto out;

	if (m->type == XCTL_GUEST_HVM) {
		rc = hvm(m, b);
	} else if (given(m, XCTL_K_FIRMWARE) && m->firmware) {
		/* 1863: pvgrub32/64 as XENFIRMWAREDIR/NAME.bin */
		free(b->kernel);
		b->kernel = NULL;
		if (asprintf(&b->kernel, XEN_FIRMWARE_DIR "/%s.bin", m->firmware) < 0) {
			b->kernel = NULL;
			rc = XCTL_ERR_NOMEM;
		}
	}
	if (rc)
		goto out;

	/* disks: 2024, nics: 2280 */
	if (m->ndisks) {
		d->disks = calloc(m->ndisks, sizeof(*d->disks));
		if (!d->disks) {
			rc = XCTL_ERR_NOMEM;
			goto out;
		}
		for (size_t i = 0; i < m->ndisks && !rc; i++) {
			libxl_device_disk_init(&d->disks[i]);
			d->num_disks++;
			rc = xctl_xen_disk(&d->disks[i], &m->disks[i]);
		}
	}
	if (!rc && m->nvifs) {
		d->nics = calloc(m->nvifs, sizeof(*d->nics));
		if (!d->nics) {
			rc = XCTL_ERR_NOMEM;
			goto out;
		}
		for (size_t i = 0; i < m->nvifs && !rc; i++) {
			libxl_device_nic_init(&d->nics[i]);
			d->num_nics++;
			rc = xctl_xen_nic(&d->nics[i], &m->vifs[i], i, g, log);
		}
	}
	if (rc)
		goto out;

	/* device model: 2523-2600 */
	if (given(m, XCTL_K_DEVICE_MODEL_OVERRIDE))
		rc = dup_str(&b->device_model, m->device_model_override);
	if (given(m, XCTL_K_DEVICE_MODEL_VERSION))
		b->device_model_version = m->device_model_version ? LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN_TRADITIONAL
								  : LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN;
	if (rc)
		goto out;
	if (m->type == XCTL_GUEST_PV) {
		/* 2582: a PV guest's top-level vnc = 1 makes a vfb and a vkb */
		if (given(m, XCTL_K_VNC) && m->vnc) {
			d->vfbs = calloc(1, sizeof(*d->vfbs));
			d->vkbs = calloc(1, sizeof(*d->vkbs));
			if (!d->vfbs || !d->vkbs) {
				rc = XCTL_ERR_NOMEM;
				goto out;
			}
			libxl_device_vfb_init(d->vfbs);
			libxl_device_vkb_init(d->vkbs);
			d->num_vfbs = d->num_vkbs = 1;
			d->vfbs->devid = d->vkbs->devid = 0;
			rc = vnc_options(m, &d->vfbs->vnc, &d->vfbs->sdl);
			if (!rc && given(m, XCTL_K_KEYMAP))
				rc = dup_str(&d->vfbs->keymap, m->keymap);
		}
	} else if (m->type == XCTL_GUEST_HVM) {
		rc = vnc_options(m, &b->u.hvm.vnc, &b->u.hvm.sdl);
	}
out:
	if (rc && rc != XCTL_ERR_INVAL && rc != XCTL_ERR_UNSUPPORTED)
		xctl_err_log(log, "domain '%s': cannot build its libxl configuration: %s", m->name ? m->name : "?",
			     xctl_strerror(rc));
	return rc;
}
