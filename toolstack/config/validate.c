/* SPDX-License-Identifier: LGPL-2.1-only */
/* Validation of the whole domain: rules that involve several keys or
 * devices. Every problem is reported (nothing stops at the first), each at
 * the file and line of the setting it is about; a key that was left out is
 * reported at the configuration file without a line. */
#include "toolstack/config/keys.h"
#include "toolstack/config/resolve.h"
#include "common/diag.h"
#include "common/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define NAME_MAX_LEN 64
#define HVM_MAX_VCPUS 128

struct vctx {
	const struct xctl_domain_config *m;
	const char *main_file;
	struct xctl_diags *d;
	int rc;
};

static void report(struct vctx *c, enum xctl_diag_sev sev, enum xctl_key_id id, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct vctx *c, enum xctl_diag_sev sev, enum xctl_key_id id, const char *fmt, ...)
{
	const struct xctl_origin *o = &c->m->origin[id];
	const char *file = o->src == XCTL_SRC_CONFIG && o->file ? o->file : c->main_file;
	unsigned line = o->src == XCTL_SRC_CONFIG ? o->line : 0;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (xctl_diag_add(c->d, sev, file, line, xctl_keys[id].name, "%s", msg))
		c->rc = XCTL_ERR_NOMEM;
}

#define ERROR(c, id, ...) report((c), XCTL_DIAG_ERROR, (id), __VA_ARGS__)
#define WARNING(c, id, ...) report((c), XCTL_DIAG_WARNING, (id), __VA_ARGS__)

static bool set_in_config(const struct xctl_domain_config *m, enum xctl_key_id id)
{
	return m->origin[id].src == XCTL_SRC_CONFIG;
}

static void check_name(struct vctx *c)
{
	const char *n = c->m->name;
	static const char allowed[] = "1 to 64 characters, not all digits, without '/' or control characters";
	if (!n) {
		ERROR(c, XCTL_K_NAME, "missing: every domain needs a name (add a line such as name = \"guest1\")");
		return;
	}
	size_t len = strlen(n);
	if (!len) {
		ERROR(c, XCTL_K_NAME, "is empty (allowed: %s)", allowed);
		return;
	}
	if (len > NAME_MAX_LEN) {
		ERROR(c, XCTL_K_NAME, "is %zu characters long (allowed: %s)", len, allowed);
		return;
	}
	if (strspn(n, "0123456789") == len) {
		ERROR(c, XCTL_K_NAME, "'%s' is all digits and would be taken for a domain id (allowed: %s)", n, allowed);
		return;
	}
	if (strchr(n, '/')) {
		ERROR(c, XCTL_K_NAME, "'%s' contains '/' (allowed: %s)", n, allowed);
		return;
	}
	for (const char *p = n; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			ERROR(c, XCTL_K_NAME, "contains a control character (allowed: %s)", allowed);
			return;
		}
	}
}

static void check_sizes(struct vctx *c)
{
	const struct xctl_domain_config *m = c->m;
	if (m->memory > m->maxmem) {
		enum xctl_key_id at = set_in_config(m, XCTL_K_MEMORY) ? XCTL_K_MEMORY : XCTL_K_MAXMEM;
		ERROR(c, at, "memory (%lld MiB) is more than maxmem (%lld MiB) (allowed: maxmem at least memory)",
		      (long long)m->memory, (long long)m->maxmem);
	}
	if (m->vcpus > m->maxvcpus) {
		enum xctl_key_id at = set_in_config(m, XCTL_K_VCPUS) ? XCTL_K_VCPUS : XCTL_K_MAXVCPUS;
		ERROR(c, at, "vcpus (%lld) is more than maxvcpus (%lld) (allowed: maxvcpus at least vcpus)",
		      (long long)m->vcpus, (long long)m->maxvcpus);
	}
	if (m->type == XCTL_GUEST_HVM && m->maxvcpus > HVM_MAX_VCPUS) {
		enum xctl_key_id at = set_in_config(m, XCTL_K_MAXVCPUS) ? XCTL_K_MAXVCPUS : XCTL_K_VCPUS;
		ERROR(c, at, "%lld vCPUs is more than an hvm guest can have (allowed: 1 to %d)", (long long)m->maxvcpus,
		      HVM_MAX_VCPUS);
	}
	for (int i = 0; i < 2; i++) {
		enum xctl_key_id id = i ? XCTL_K_CPUS_SOFT : XCTL_K_CPUS;
		const struct xctl_cpus *cp = i ? &m->cpus_soft : &m->cpus;
		if (cp->per_vcpu && (int64_t)cp->masks.n > m->maxvcpus)
			WARNING(c, id, "has %zu entries but the guest has %lld vCPUs; the extra entries are ignored",
				cp->masks.n, (long long)m->maxvcpus);
	}
}

static bool is_pvgrub(const char *fw)
{
	return fw && (!strcmp(fw, "pvgrub32") || !strcmp(fw, "pvgrub64"));
}

static void check_boot(struct vctx *c)
{
	const struct xctl_domain_config *m = c->m;
	const char *t = xctl_guest_type_name(m->type);
	bool hvm = m->type == XCTL_GUEST_HVM;
	if (!hvm && m->firmware) {
		/* xl_parse.c:1863-1877 */
		if (m->kernel)
			ERROR(c, XCTL_K_FIRMWARE, "given together with kernel (set only one of them: firmware = "
						  "\"pvgrub64\" boots pvgrub as the kernel)");
		if (!is_pvgrub(m->firmware))
			ERROR(c, XCTL_K_FIRMWARE, "'%s' is not a %s firmware (allowed for %s: pvgrub32, pvgrub64; xl "
						  "would boot %s.bin from Xen's firmware directory)",
			      m->firmware, t, t, m->firmware);
	}
	if (hvm && is_pvgrub(m->firmware))
		ERROR(c, XCTL_K_FIRMWARE, "'%s' is a pv firmware: xl would load it in place of hvmloader (allowed for "
					  "hvm: bios, uefi, seabios, rombios, ovmf or the path of a firmware image)",
		      m->firmware);
	/* xl_parse.c:1878-1881 */
	if (!hvm && !m->kernel && !m->bootloader && !m->firmware)
		ERROR(c, XCTL_K_KERNEL, "a %s guest needs a kernel or a bootloader (add kernel = \"/path/to/vmlinuz\", "
			       "bootloader = \"pygrub\" or firmware = \"pvgrub64\")", t);
	/* libxl_create.c:137-161: the bios must suit the device model */
	if (hvm && m->bios == 0 && m->device_model_version == 0)
		ERROR(c, XCTL_K_BIOS, "rombios needs device_model_version = \"qemu-xen-traditional\" (allowed with "
				      "qemu-xen: seabios, ovmf)");
	if (hvm && m->bios != 0 && m->device_model_version == 1)
		ERROR(c, XCTL_K_BIOS, "%s needs device_model_version = \"qemu-xen\" (allowed with "
				      "qemu-xen-traditional: rombios)", xctl_keys[XCTL_K_BIOS].values[m->bios]);
	/* libxl_create.c:164-171: direct boot parameters need a kernel */
	if (hvm && !m->kernel && (m->ramdisk || m->cmdline || m->root || m->extra)) {
		enum xctl_key_id at = m->ramdisk ? XCTL_K_RAMDISK : m->cmdline ? XCTL_K_CMDLINE
								: m->root ? XCTL_K_ROOT : XCTL_K_EXTRA;
		ERROR(c, at, "direct boot parameters need a kernel (set kernel, or remove ramdisk, cmdline, root "
			     "and extra)");
	}
	if (m->kernel && m->bootloader)
		WARNING(c, XCTL_K_KERNEL, "ignored: the bootloader chooses the kernel (remove kernel or bootloader)");
	if (!hvm && m->ramdisk && !m->kernel)
		WARNING(c, XCTL_K_RAMDISK, "ignored without kernel (set kernel, or remove ramdisk)");
	/* xl_parse.c:289-292 */
	if (m->cmdline && m->root)
		WARNING(c, XCTL_K_ROOT, "ignored in favour of cmdline, as xl does (put root= in cmdline)");
	if (m->cmdline && m->extra)
		WARNING(c, XCTL_K_EXTRA, "ignored in favour of cmdline, as xl does (put it in cmdline)");
	/* libxl refuses it at creation ("has been removed") */
	if (m->tsc_mode == 3)
		ERROR(c, XCTL_K_TSC_MODE, "native_paravirt was removed from Xen (allowed: default, always_emulate, native)");
}

static void check_viridian(struct vctx *c)
{
	const struct xctl_domain_config *m = c->m;
	/* the groups as xl_parse.c:1714-1754 sets them, then the rule of
	 * libxl_x86.c:334-339: no group without base */
	unsigned long on = 0, enabled = 0, disabled = 0;
	bool defaults = false;
	for (size_t i = 0; i < m->viridian.n; i++) {
		const char *g = m->viridian.v[i];
		if (!strcmp(g, "all")) {
			enabled = ~0ul;
			continue;
		}
		if (!strcmp(g, "defaults")) {
			defaults = true;
			continue;
		}
		bool off = *g == '!';
		int b = xctl_viridian_group(off ? g + 1 : g);
		if (b < 0)
			continue; /* refused when read */
		if (off) {
			disabled |= 1ul << b;
			enabled &= ~(1ul << b);
		} else {
			enabled |= 1ul << b;
			disabled &= ~(1ul << b);
		}
	}
	if (defaults) /* libxl_x86.c:309-318 */
		on = 1ul << 0 | 1ul << 1 | 1ul << 2 | 1ul << 5 | 1ul << 6 | 1ul << 11 | 1ul << 12;
	unsigned long valid = (1ul << 13) - 1;
	on = (on | (enabled & valid)) & ~disabled;
	if (on && !(on & 1ul))
		ERROR(c, XCTL_K_VIRIDIAN, "enables groups without 'base', which every other group needs (add \"base\" "
					  "or remove '!base')");
}

static void check_display(struct vctx *c)
{
	const struct xctl_domain_config *m = c->m;
	/* xl_parse.c:2714-2722 (hvm) */
	if (m->type == XCTL_GUEST_HVM && m->vnclisten && m->vncdisplay && strchr(m->vnclisten, ':'))
		ERROR(c, XCTL_K_VNCDISPLAY, "given twice: vnclisten = \"%s\" already has a display number (set only one)",
		      m->vnclisten);
	if (m->type == XCTL_GUEST_HVM) {
		/* libxl_create.c:300-362 */
		bool trad = m->device_model_version == 1;
		int64_t min = m->vga == 3 ? 128 : m->vga == 1 ? (trad ? 8 : 16) : m->vga == 2 && !trad ? 8 : 0;
		if (m->vga == 3 && trad)
			ERROR(c, XCTL_K_VGA, "qxl needs device_model_version = \"qemu-xen\" (allowed with "
					     "qemu-xen-traditional: none, stdvga, cirrus)");
		else if (m->videoram < min)
			ERROR(c, XCTL_K_VIDEORAM, "%lld MiB is too little for vga = \"%s\" with %s (allowed: at least %lld)",
			      (long long)m->videoram, xctl_keys[XCTL_K_VGA].values[m->vga],
			      trad ? "qemu-xen-traditional" : "qemu-xen", (long long)min);
		if (m->vga == 2 && trad && m->videoram != 4)
			WARNING(c, XCTL_K_VIDEORAM, "ignored: cirrus with qemu-xen-traditional has 4 MiB, as libxl "
						    "does");
	}
	check_viridian(c);
}

static void check_disks(struct vctx *c, bool creating)
{
	const struct xctl_domain_config *m = c->m;
	for (size_t i = 0; i < m->ndisks; i++) {
		const struct xctl_disk *dk = &m->disks[i];
		for (size_t j = 0; j < i; j++) {
			const struct xctl_disk *o = &m->disks[j];
			if (dk->devid >= 0 && dk->devid == o->devid) {
				char where[300];
				snprintf(where, sizeof(where), "%s:%u", o->file ? o->file : c->main_file, o->line);
				if (xctl_diag_add(c->d, XCTL_DIAG_ERROR, dk->file ? dk->file : c->main_file, dk->line, "disk",
						  "vdev '%s' (device %d) is already used by the disk at %s "
						  "(allowed: one disk per vdev)",
						  dk->vdev ? dk->vdev : "?", dk->devid, where))
					c->rc = XCTL_ERR_NOMEM;
				break;
			}
		}
		/* A target handled by a script is not a path; an empty cdrom has none. */
		if (!dk->target || !*dk->target || dk->script || dk->format == XCTL_DISK_FORMAT_EMPTY)
			continue;
		struct stat st;
		if (stat(dk->target, &st) == 0)
			continue;
		int e = errno;
		if (xctl_diag_add(c->d, creating ? XCTL_DIAG_ERROR : XCTL_DIAG_WARNING, dk->file ? dk->file : c->main_file,
				  dk->line, "disk", "target '%s' %s (%s)", dk->target,
				  e == ENOENT ? "does not exist" : strerror(e),
				  creating ? "create it or fix the path; nothing was created"
					   : "the guest cannot be created on this host until it exists"))
			c->rc = XCTL_ERR_NOMEM;
	}
}

static void check_vifs(struct vctx *c)
{
	const struct xctl_domain_config *m = c->m;
	for (size_t i = 0; i < m->nvifs; i++) {
		const struct xctl_vif *v = &m->vifs[i];
		for (size_t j = 0; j < i; j++) {
			const struct xctl_vif *o = &m->vifs[j];
			char where[300], mac[XCTL_MAC_STRLEN];
			snprintf(where, sizeof(where), "%s:%u", o->file ? o->file : c->main_file, o->line);
			int rc = 0;
			if (v->mac_set && o->mac_set && !memcmp(v->mac, o->mac, XCTL_MAC_LEN)) {
				xctl_mac_format(v->mac, mac, sizeof(mac));
				rc = xctl_diag_add(c->d, XCTL_DIAG_ERROR, v->file ? v->file : c->main_file, v->line, "vif",
						   "mac %s is already used by the vif at %s (allowed: one vif per MAC "
						   "address)", mac, where);
			}
			if (!rc && v->devid == o->devid)
				rc = xctl_diag_add(c->d, XCTL_DIAG_ERROR, v->file ? v->file : c->main_file, v->line, "vif",
						   "devid %d is already used by the vif at %s (allowed: one vif per devid)",
						   v->devid, where);
			if (rc)
				c->rc = rc;
		}
	}
}

int xctl_config_validate(const struct xctl_domain_config *m, const char *main_file, bool creating,
			 struct xctl_diags *d)
{
	struct vctx c = { .m = m, .main_file = main_file, .d = d };
	check_name(&c);
	check_sizes(&c);
	check_boot(&c);
	check_display(&c);
	check_disks(&c, creating);
	check_vifs(&c);
	return c.rc;
}
