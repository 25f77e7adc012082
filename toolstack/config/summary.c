/* SPDX-License-Identifier: LGPL-2.1-only */
/* A readable summary of a resolved domain, for `xctl config check` and
 * `make demo`. */
#include "toolstack/config/keys.h"
#include "toolstack/config/load.h"

#include <inttypes.h>
#include <stdio.h>

static void list(FILE *out, const struct xctl_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		fprintf(out, "%s%s", i ? ", " : "", l->v[i]);
}

static void cpus(FILE *out, const char *what, const struct xctl_cpus *c)
{
	if (!c->masks.n)
		return;
	fprintf(out, "  %-10s %s", what, c->per_vcpu ? "per vCPU: " : "");
	list(out, &c->masks);
	fputc('\n', out);
}

void xctl_model_summary(FILE *out, const struct xctl_domain_config *m, const char *source)
{
	fprintf(out, "%s: %s guest '%s'\n", source, xctl_guest_type_name(m->type), m->name ? m->name : "?");
	fprintf(out, "  %-10s %s\n", "uuid", m->uuid ? m->uuid : "drawn at creation");
	fprintf(out, "  %-10s %" PRId64 " (max %" PRId64 ")", "vcpus", m->vcpus, m->maxvcpus);
	if (xctl_model_isset(m, XCTL_K_CPU_WEIGHT))
		fprintf(out, ", weight %" PRId64, m->cpu_weight);
	if (xctl_model_isset(m, XCTL_K_CAP))
		fprintf(out, ", cap %" PRId64 "%%", m->cap);
	fputc('\n', out);
	cpus(out, "cpus", &m->cpus);
	cpus(out, "cpus_soft", &m->cpus_soft);
	fprintf(out, "  %-10s %" PRId64 " MiB (max %" PRId64 " MiB)\n", "memory", m->memory, m->maxmem);
	if (m->kernel)
		fprintf(out, "  %-10s %s\n", "kernel", m->kernel);
	if (m->ramdisk)
		fprintf(out, "  %-10s %s\n", "ramdisk", m->ramdisk);
	/* what the kernel gets: cmdline, or else root= and extra (validate.c
	 * warns that root and extra are ignored beside cmdline) */
	if (m->cmdline)
		fprintf(out, "  %-10s %s\n", "cmdline", m->cmdline);
	else if (m->root || m->extra)
		fprintf(out, "  %-10s %s%s%s%s\n", "cmdline", m->root ? "root=" : "", m->root ? m->root : "",
			m->root && m->extra ? " " : "", m->extra ? m->extra : "");
	if (m->bootloader) {
		fprintf(out, "  %-10s %s", "bootloader", m->bootloader);
		if (m->bootloader_args.n) {
			fputs(" (", out);
			list(out, &m->bootloader_args);
			fputc(')', out);
		}
		fputc('\n', out);
	}
	if (m->firmware)
		fprintf(out, "  %-10s %s\n", "firmware", m->firmware);
	if (m->type == XCTL_GUEST_HVM)
		fprintf(out, "  %-10s boot %s, bios %s, vga %s, device model %s\n", "hvm", m->boot ? m->boot : "-",
			xctl_keys[XCTL_K_BIOS].values[m->bios], xctl_keys[XCTL_K_VGA].values[m->vga],
			xctl_keys[XCTL_K_DEVICE_MODEL_VERSION].values[m->device_model_version]);
	fprintf(out, "  %-10s poweroff %s, reboot %s, crash %s, watchdog %s\n", "on", xctl_action_name(m->on_poweroff),
		xctl_action_name(m->on_reboot), xctl_action_name(m->on_crash), xctl_action_name(m->on_watchdog));
	for (size_t i = 0; i < m->ndisks; i++) {
		const struct xctl_disk *dk = &m->disks[i];
		fprintf(out, "  %-10s %s %s, %s, %s, %s%s (device %d)\n", "disk", dk->vdev ? dk->vdev : "?",
			dk->target ? dk->target : "(no medium)", xctl_disk_format_name(dk->format),
			dk->readwrite ? "rw" : "ro",
			dk->backend == XCTL_DISK_BACKEND_UNKNOWN ? "backend chosen at creation"
								 : xctl_disk_backendtype_name(dk->backend),
			dk->is_cdrom ? ", cdrom" : "", dk->devid);
	}
	for (size_t i = 0; i < m->nvifs; i++) {
		const struct xctl_vif *v = &m->vifs[i];
		char mac[XCTL_MAC_STRLEN];
		if (v->mac_set)
			xctl_mac_format(v->mac, mac, sizeof(mac));
		else
			snprintf(mac, sizeof(mac), "(mac unset)");
		fprintf(out, "  %-10s %d %s bridge %s, script %s%s%s\n", "vif", v->devid, mac, v->bridge ? v->bridge : "-",
			v->script ? v->script : "-", v->ip ? ", ip " : "", v->ip ? v->ip : "");
	}
	if ((m->type == XCTL_GUEST_HVM || m->type == XCTL_GUEST_PV) && xctl_model_isset(m, XCTL_K_VNC))
		fprintf(out, "  %-10s vnc %s%s%s, sdl %s\n", "display", m->vnc ? "on" : "off",
			m->vnc && m->vnclisten ? " at " : "", m->vnc && m->vnclisten ? m->vnclisten : "",
			m->sdl ? "on" : "off");
}
