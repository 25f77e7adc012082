/* SPDX-License-Identifier: LGPL-2.1-only */
/* The key table: every xl.cfg(5) key of Xen 4.17 for x86 PV, PVH and HVM
 * guests, what xctl does with it, and the checks of single values. */
#include "toolstack/config/keys.h"
#include "common/err.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define OFF(f) offsetof(struct xctl_domain_config, f)
#define PV XCTL_G_PV
#define PVH XCTL_G_PVH
#define HVM XCTL_G_HVM
#define ALL XCTL_G_ALL

_Static_assert(sizeof(enum xctl_guest_type) == sizeof(int), "enum fields are stored as int");

const char *const xctl_action_names[] = { "destroy",          "restart",          "rename-restart", "preserve",
					  "coredump-destroy", "coredump-restart", "soft-reset",     NULL };
static const char *const type_names[] = { "pv", "pvh", "hvm", NULL };
static const char *const hdtype_names[] = { "ide", "ahci", NULL };
static const char *const bios_names[] = { "rombios", "seabios", "ovmf", NULL };
static const char *const tsc_names[] = { "default", "always_emulate", "native", "native_paravirt", NULL };
static const char *const timer_names[] = { "delay_for_missed_ticks", "no_delay_for_missed_ticks",
					   "no_missed_ticks_pending", "one_missed_tick_pending", NULL };
static const char *const vga_names[] = { "none", "stdvga", "cirrus", "qxl", NULL };
static const char *const dm_names[] = { "qemu-xen", "qemu-xen-traditional", NULL };

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int xctl_check_uuid(const char *s, char *why, size_t whylen)
{
	static const int dash[] = { 8, 13, 18, 23 };
	size_t len = strlen(s);
	bool ok = len == 36;
	for (size_t i = 0; ok && i < len; i++) {
		bool want_dash = i == (size_t)dash[0] || i == (size_t)dash[1] || i == (size_t)dash[2] ||
				 i == (size_t)dash[3];
		ok = want_dash ? s[i] == '-' : is_hex(s[i]);
	}
	if (!ok) {
		snprintf(why, whylen, "'%.40s' is not a UUID (allowed: 32 hex digits as 8-4-4-4-12, "
				      "e.g. \"3f2b6c1e-0d4a-4e8b-9c55-6a1d2e3f4b5c\")", s);
		return XCTL_ERR_INVAL;
	}
	return 0;
}

static int check_boot(const char *s, char *why, size_t whylen)
{
	bool seen[4] = { false, false, false, false };
	static const char letters[] = "acdn";
	if (!*s || strlen(s) > 4)
		goto bad;
	for (const char *p = s; *p; p++) {
		const char *l = strchr(letters, *p);
		if (!l || seen[l - letters])
			goto bad;
		seen[l - letters] = true;
	}
	return 0;
bad:
	snprintf(why, whylen, "'%.20s' is not a boot order (allowed: the letters c hard disk, d CD-ROM, n network, "
			      "a floppy, each at most once, e.g. \"cd\")", s);
	return XCTL_ERR_INVAL;
}

static int check_keymap(const char *s, char *why, size_t whylen)
{
	size_t n = strlen(s);
	bool ok = n >= 2 && n <= 8;
	for (size_t i = 0; ok && i < n; i++)
		ok = (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-';
	if (!ok) {
		snprintf(why, whylen, "'%.20s' is not a keymap (allowed: a QEMU keymap name such as en-us, de, fr-ch)", s);
		return XCTL_ERR_INVAL;
	}
	return 0;
}

/* The enlightenment groups of Xen 4.17 (libxl_types.idl:242-256), in bit
 * order; libxl's names match in any case, "all" and "defaults" exactly
 * (xl_parse.c:1724-1750). */
const char *const xctl_viridian_groups[] = { "base",       "freq",        "time_ref_count",
					     "reference_tsc", "hcall_remote_tlb_flush", "apic_assist",
					     "crash_ctl",  "synic",       "stimer",
					     "hcall_ipi",  "ex_processor_masks", "no_vp_limit",
					     "cpu_hotplug", NULL };

int xctl_viridian_group(const char *s)
{
	for (int i = 0; xctl_viridian_groups[i]; i++)
		if (!strcasecmp(s, xctl_viridian_groups[i]))
			return i;
	return -1;
}

static int check_viridian(const char *s, char *why, size_t whylen)
{
	if (!strcmp(s, "all") || !strcmp(s, "defaults"))
		return 0;
	if (xctl_viridian_group(*s == '!' ? s + 1 : s) >= 0)
		return 0;
	snprintf(why, whylen, "'%.30s' is not a viridian group (allowed: defaults, all, base, freq, time_ref_count, "
			      "reference_tsc, hcall_remote_tlb_flush, apic_assist, crash_ctl, synic, stimer, hcall_ipi, "
			      "ex_processor_masks, no_vp_limit, cpu_hotplug; '!' before a group disables it)", s);
	return XCTL_ERR_INVAL;
}

static int check_item(const char *s, char *why, size_t whylen)
{
	if (!*s) {
		snprintf(why, whylen, "empty item (remove it or write a value)");
		return XCTL_ERR_INVAL;
	}
	return 0;
}

/* The defaults of the table (def_guests, def) and where Xen 4.17.7 sets
 * each (libxl_create.c: libxl__domain_build_info_setdefault() and
 * libxl__domain_create_info_setdefault(); xl_parse.c: parse_config_data()):
 *   type pv ............................ xl_parse.c:1305-1311
 *   vcpus 1 ............................ libxl_create.c:211-216
 *   on_poweroff destroy, on_reboot restart, on_watchdog destroy,
 *   on_crash destroy, on_soft_reset soft-reset ... xl_parse.c:1449-1484
 *   max_event_channels 1023 ............ libxl_create.c:265-266
 *   nomigrate 0 ........................ libxl_create.c:259
 *   driver_domain 0 .................... libxl_create.c:54
 *   e820_host 0 (pv) ................... libxl_create.c:431
 *   boot cda, hdtype ide, vga cirrus ... libxl_create.c:293-299, 400-401
 *   pae, acpi_s3, acpi_s4, nx, hpet, vpt_align, xen_platform_pci 1; usb,
 *   viridian 0 (hvm) ................... libxl_create.c:366-378
 *   acpi 1 ............................. libxl_x86.c:815 (libxl__arch_domain_build_info_setdefault)
 *   apic 1, nestedhvm 0, timer_mode no_delay_for_missed_ticks (pvh, hvm)
 *                                        libxl_create.c:463-468
 *   tsc_mode default, rtc_timeoffset 0 . libxl_types.idl:177-182 (init value 0), 522
 *   localtime 0 ........................ libxl_create.c:257
 *   vnc 1, sdl 0 (hvm) ................. libxl_create.c:403, 410
 *   device_model_version qemu-xen ...... libxl_create.c:101-107 (libxl falls back to
 *                                        qemu-xen-traditional when qemu-xen is missing)
 * Those that need the whole domain (memory, maxmem, maxvcpus, bios,
 * vncunused, vnclisten, videoram, uuid, MACs) are in defaults.c. Keys
 * without a default are left to libxl or the hypervisor (null in JSON):
 * cpu_weight, cap, period, slice, latency, extratime (the scheduler's,
 * libxl_types.idl:461-475), max_grant_frames, max_maptrack_frames (the
 * hypervisor's unless xl.conf sets them, xl.c:56-57), hap and
 * shadow_memory (libxl_create.c:40-47, 1217-1227). */

/* name: checked as a whole in validate.c (missing, empty, digits, '/'). */
#define KSTR(n, f, g, flags, chk, allowed) { n, XCTL_KT_STRING, g, OFF(f), 0, 0, NULL, chk, flags, 0, NULL, allowed }
#define KINT(n, f, g, lo, hi, dg, d, allowed) { n, XCTL_KT_INT, g, OFF(f), lo, hi, NULL, NULL, 0, dg, d, allowed }
#define KBOOL(n, f, g, dg, d) { n, XCTL_KT_BOOL, g, OFF(f), 0, 0, NULL, NULL, 0, dg, d, "0 or 1" }
#define KENUM(n, f, g, vals, flags, dg, d, allowed) { n, XCTL_KT_ENUM, g, OFF(f), 0, 0, vals, NULL, flags, dg, d, allowed }
#define KLIST(n, f, g, flags, chk, dg, d, allowed) { n, XCTL_KT_STRLIST, g, OFF(f), 0, 0, NULL, chk, flags, dg, d, allowed }

#define ACTIONS "destroy, restart, rename-restart, preserve, coredump-destroy, coredump-restart, soft-reset"

const struct xctl_key xctl_keys[XCTL_K__COUNT] = {
	[XCTL_K_NAME] = KSTR("name", name, ALL, 0, NULL, "a name of 1 to 64 characters, not all digits, without '/'"),
	[XCTL_K_UUID] = KSTR("uuid", uuid, ALL, 0, xctl_check_uuid, "a UUID such as \"3f2b6c1e-0d4a-4e8b-9c55-6a1d2e3f4b5c\""),
	[XCTL_K_TYPE] = KENUM("type", type, ALL, type_names, 0, ALL, "pv", "pv, pvh, hvm"),
	[XCTL_K_POOL] = KSTR("pool", pool, ALL, XCTL_KF_NONEMPTY, NULL, "the name of a CPU pool"),
	[XCTL_K_VCPUS] = KINT("vcpus", vcpus, ALL, 1, 1024, ALL, "1", "1 to 1024"),
	[XCTL_K_MAXVCPUS] = KINT("maxvcpus", maxvcpus, ALL, 1, 4096, 0, NULL, "1 to 4096, at least vcpus"),
	[XCTL_K_CPUS] = { "cpus", XCTL_KT_CPUS, ALL, OFF(cpus), 0, 0, NULL, xctl_check_cpulist, 0, 0, NULL,
			  "a CPULIST such as \"0-3,^2\", \"all\", \"node:1\", or a list of them, one per vCPU" },
	[XCTL_K_CPUS_SOFT] = { "cpus_soft", XCTL_KT_CPUS, ALL, OFF(cpus_soft), 0, 0, NULL, xctl_check_cpulist, 0, 0,
			       NULL, "a CPULIST such as \"0-3,^2\", \"all\", \"node:1\", or a list of them, one per vCPU" },
	[XCTL_K_CPU_WEIGHT] = KINT("cpu_weight", cpu_weight, ALL, 1, 65535, 0, NULL, "1 to 65535"),
	[XCTL_K_CAP] = KINT("cap", cap, ALL, 0, 409600, 0, NULL, "0 (no cap) to 409600, in percent of one CPU"),
	[XCTL_K_MEMORY] = KINT("memory", memory, ALL, 1, 16777216, 0, NULL, "1 to 16777216 MiB"),
	[XCTL_K_MAXMEM] = KINT("maxmem", maxmem, ALL, 1, 16777216, 0, NULL, "1 to 16777216 MiB, at least memory"),
	[XCTL_K_ON_POWEROFF] = KENUM("on_poweroff", on_poweroff, ALL, xctl_action_names, 0, ALL, "destroy", ACTIONS),
	[XCTL_K_ON_REBOOT] = KENUM("on_reboot", on_reboot, ALL, xctl_action_names, 0, ALL, "restart", ACTIONS),
	[XCTL_K_ON_WATCHDOG] = KENUM("on_watchdog", on_watchdog, ALL, xctl_action_names, 0, ALL, "destroy", ACTIONS),
	[XCTL_K_ON_CRASH] = KENUM("on_crash", on_crash, ALL, xctl_action_names, 0, ALL, "destroy", ACTIONS),
	[XCTL_K_ON_SOFT_RESET] = KENUM("on_soft_reset", on_soft_reset, ALL, xctl_action_names, 0, ALL, "soft-reset",
				       ACTIONS),
	[XCTL_K_KERNEL] = KSTR("kernel", kernel, ALL, XCTL_KF_NONEMPTY, NULL, "the path of a kernel image"),
	[XCTL_K_RAMDISK] = KSTR("ramdisk", ramdisk, ALL, XCTL_KF_NONEMPTY, NULL, "the path of an initial ramdisk"),
	[XCTL_K_CMDLINE] = KSTR("cmdline", cmdline, ALL, 0, NULL, "a kernel command line"),
	[XCTL_K_ROOT] = KSTR("root", root, ALL, 0, NULL, "a root= value for the kernel command line"),
	[XCTL_K_EXTRA] = KSTR("extra", extra, ALL, 0, NULL, "text appended to the kernel command line"),
	[XCTL_K_BOOTLOADER] = KSTR("bootloader", bootloader, PV | PVH, XCTL_KF_NONEMPTY, NULL,
				   "a bootloader program such as \"pygrub\""),
	[XCTL_K_BOOTLOADER_ARGS] = KLIST("bootloader_args", bootloader_args, PV | PVH, XCTL_KF_SPLIT, NULL, 0, NULL,
					 "a list of arguments [\"ARG\", ...]"),
	[XCTL_K_FIRMWARE] = KSTR("firmware", firmware, ALL, XCTL_KF_NONEMPTY, NULL,
				 "pv and pvh: pvgrub32, pvgrub64; hvm: bios, uefi, seabios, rombios, ovmf or the path "
				 "of a firmware image"),
	[XCTL_K_SECLABEL] = KSTR("seclabel", seclabel, ALL, XCTL_KF_NONEMPTY, NULL, "an XSM label such as "
				 "\"system_u:system_r:domU_t\""),
	[XCTL_K_MAX_GRANT_FRAMES] = KINT("max_grant_frames", max_grant_frames, ALL, 1, 65535, 0, NULL, "1 to 65535"),
	[XCTL_K_MAX_MAPTRACK_FRAMES] = KINT("max_maptrack_frames", max_maptrack_frames, ALL, 0, 65535, 0, NULL,
					    "0 to 65535"),
	[XCTL_K_MAX_EVENT_CHANNELS] = KINT("max_event_channels", max_event_channels, ALL, 1, 131071, ALL, "1023",
					   "1 to 131071"),
	[XCTL_K_NOMIGRATE] = KBOOL("nomigrate", nomigrate, ALL, ALL, "0"),
	[XCTL_K_DRIVER_DOMAIN] = KBOOL("driver_domain", driver_domain, ALL, ALL, "0"),
	[XCTL_K_DISK] = { "disk", XCTL_KT_DISKS, ALL, OFF(disks), 0, 0, NULL, NULL, 0, 0, NULL,
			  "a list of disk specs, see xl-disk-configuration(5)" },
	[XCTL_K_VIF] = { "vif", XCTL_KT_VIFS, ALL, OFF(vifs), 0, 0, NULL, NULL, 0, 0, NULL,
			 "a list of vif specs, see xl-network-configuration(5)" },
	[XCTL_K_E820_HOST] = KBOOL("e820_host", e820_host, PV, PV, "0"),
	[XCTL_K_BOOT] = { "boot", XCTL_KT_STRING, HVM, OFF(boot), 0, 0, NULL, check_boot, 0, HVM, "cda",
			  "boot devices in order: c, d, n, a (e.g. \"cd\")" },
	[XCTL_K_HDTYPE] = KENUM("hdtype", hdtype, HVM, hdtype_names, XCTL_KF_ICASE, HVM, "ide", "ide, ahci"),
	[XCTL_K_HAP] = KBOOL("hap", hap, HVM | PVH, 0, NULL),
	[XCTL_K_SHADOW_MEMORY] = KINT("shadow_memory", shadow_memory, HVM | PVH, 0, 1048576, 0, NULL,
				      "0 to 1048576 MiB"),
	[XCTL_K_BIOS] = KENUM("bios", bios, HVM, bios_names, XCTL_KF_ICASE | XCTL_KF_UNKNOWN, 0, NULL,
				"rombios, seabios, ovmf"),
	[XCTL_K_PAE] = KBOOL("pae", pae, HVM, HVM, "1"),
	[XCTL_K_ACPI] = KBOOL("acpi", acpi, HVM | PVH, HVM | PVH, "1"),
	[XCTL_K_ACPI_S3] = KBOOL("acpi_s3", acpi_s3, HVM, HVM, "1"), /* xs-literal-ok: xl.cfg key */
	[XCTL_K_ACPI_S4] = KBOOL("acpi_s4", acpi_s4, HVM, HVM, "1"), /* xs-literal-ok: xl.cfg key */
	[XCTL_K_APIC] = KBOOL("apic", apic, HVM, HVM, "1"),
	[XCTL_K_NX] = KBOOL("nx", nx, HVM, HVM, "1"),
	[XCTL_K_HPET] = KBOOL("hpet", hpet, HVM, HVM, "1"),
	[XCTL_K_NESTEDHVM] = KBOOL("nestedhvm", nestedhvm, HVM | PVH, HVM | PVH, "0"),
	[XCTL_K_VIRIDIAN] = KLIST("viridian", viridian, HVM, XCTL_KF_BOOL_LIST, check_viridian, HVM, "0",
				  "0, 1 or a list of groups such as [\"defaults\", \"!freq\"]"),
	[XCTL_K_TSC_MODE] = KENUM("tsc_mode", tsc_mode, ALL, tsc_names, XCTL_KF_ENUM_NUM | XCTL_KF_ICASE, ALL, "default",
				  "default, always_emulate, native, native_paravirt"),
	[XCTL_K_LOCALTIME] = KBOOL("localtime", localtime, ALL, ALL, "0"),
	[XCTL_K_RTC_TIMEOFFSET] = KINT("rtc_timeoffset", rtc_timeoffset, ALL, -2147483648LL, 2147483647LL, ALL, "0",
				       "seconds, -2147483648 to 2147483647 (quote negative numbers: \"-3600\")"),
	[XCTL_K_VPT_ALIGN] = KBOOL("vpt_align", vpt_align, HVM, HVM, "1"),
	[XCTL_K_TIMER_MODE] = KENUM("timer_mode", timer_mode, HVM | PVH, timer_names,
				    XCTL_KF_ENUM_NUM | XCTL_KF_ICASE | XCTL_KF_UNKNOWN, HVM | PVH,
				    "no_delay_for_missed_ticks",
				    "delay_for_missed_ticks, no_delay_for_missed_ticks, no_missed_ticks_pending, "
				    "one_missed_tick_pending"),
	[XCTL_K_XEN_PLATFORM_PCI] = KBOOL("xen_platform_pci", xen_platform_pci, HVM, HVM, "1"),
	[XCTL_K_VIDEORAM] = KINT("videoram", videoram, HVM, 0, 65536, 0, NULL, "0 to 65536 MiB"),
	[XCTL_K_VGA] = KENUM("vga", vga, HVM, vga_names, 0, HVM, "cirrus", "none, stdvga, cirrus, qxl"),
	[XCTL_K_VNC] = KBOOL("vnc", vnc, PV | HVM, HVM, "1"),
	[XCTL_K_VNCLISTEN] = KSTR("vnclisten", vnclisten, PV | HVM, XCTL_KF_NONEMPTY, NULL, "ADDRESS[:DISPLAYNUM]"),
	[XCTL_K_VNCDISPLAY] = KINT("vncdisplay", vncdisplay, PV | HVM, 0, 59635, 0, NULL, "0 to 59635 (port 5900+N)"),
	[XCTL_K_VNCUNUSED] = KBOOL("vncunused", vncunused, PV | HVM, 0, NULL),
	[XCTL_K_VNCPASSWD] = KSTR("vncpasswd", vncpasswd, PV | HVM, 0, NULL, "a password (empty: none)"),
	[XCTL_K_KEYMAP] = KSTR("keymap", keymap, PV | HVM, 0, check_keymap, "a keymap such as en-us, de, fr-ch"),
	[XCTL_K_SDL] = KBOOL("sdl", sdl, PV | HVM, HVM, "0"),
	[XCTL_K_SERIAL] = KLIST("serial", serial, HVM, 0, check_item, 0, NULL,
				"a list of QEMU serial devices such as [\"pty\"]"),
	[XCTL_K_USB] = KBOOL("usb", usb, HVM, HVM, "0"),
	[XCTL_K_USBDEVICE] = KLIST("usbdevice", usbdevice, HVM, 0, check_item, 0, NULL,
				   "a list of QEMU USB devices such as [\"tablet\"]"),
	[XCTL_K_DEVICE_MODEL_VERSION] = KENUM("device_model_version", device_model_version, PV | HVM, dm_names, 0,
					      PV | HVM, "qemu-xen", "qemu-xen, qemu-xen-traditional"),
	[XCTL_K_DEVICE_MODEL_OVERRIDE] = KSTR("device_model_override", device_model_override, PV | HVM,
					      XCTL_KF_NONEMPTY, NULL, "the path of a device model binary"),
	/* xl_parse.c:1354-1365: xlu_cfg_get_long into libxl_domain_sched_params
	 * (int members: the bounds keep the value from wrapping). Unset, libxl
	 * passes LIBXL_DOMAIN_SCHED_PARAM_*_DEFAULT and the scheduler keeps its
	 * own default (libxl_sched.c:746). RTDS wants period >= 1
	 * (libxl_sched.c:476). */
	[XCTL_K_PERIOD] = KINT("period", sched_params.period, ALL, 1, INT32_MAX, 0, NULL,
			       "1 to 2147483647 microseconds (RTDS scheduler)"),
	[XCTL_K_SLICE] = KINT("slice", sched_params.slice, ALL, 0, INT32_MAX, 0, NULL,
			      "0 to 2147483647 (no effect: the SEDF scheduler was removed)"),
	[XCTL_K_LATENCY] = KINT("latency", sched_params.latency, ALL, 0, INT32_MAX, 0, NULL,
				"0 to 2147483647 (no effect: the SEDF scheduler was removed)"),
	[XCTL_K_EXTRATIME] = KBOOL("extratime", sched_params.extratime, ALL, 0, NULL),
	/* xl_parse.c:1691: HVM only, into b_info->u.hvm.firmware */
	[XCTL_K_FIRMWARE_OVERRIDE] = KSTR("firmware_override", firmware_override, HVM, XCTL_KF_NONEMPTY, NULL,
					  "the path of a firmware image that replaces hvmloader"),
};

/* The other keys xl 4.17 reads (tests/config/xl-4.17.7-keys.txt lists every
 * key parse_config_data() reads): deprecated aliases (resolve.c maps them),
 * keys xl ignores with a warning, and keys xctl does not take yet. */
const struct xctl_key_other xctl_keys_other[] = {
	{ "builder", ALL, "type", NULL },
	{ "stdvga", HVM, "vga", NULL },
	{ "vnuma", PVH | HVM, NULL, NULL },
	{ "init_seclabel", ALL, NULL, NULL },
	{ "max_grant_version", ALL, NULL, NULL },
	{ "device_tree", ALL, NULL, NULL },
	{ "passthrough", ALL, NULL, NULL },
	{ "xend_suspend_evtchn_compat", ALL, NULL, NULL },
	{ "vmtrace_buf_kb", ALL, NULL, NULL },
	{ "vpmu", ALL, NULL, NULL },
	{ "vtpm", ALL, NULL, NULL },
	{ "p9", ALL, NULL, NULL },
	{ "pvcalls", ALL, NULL, NULL },
	{ "vfb", PV | HVM, NULL, NULL },
	{ "channel", ALL, NULL, NULL },
	{ "rdm", HVM, NULL, NULL },
	{ "usbctrl", ALL, NULL, NULL },
	{ "usbdev", ALL, NULL, NULL },
	{ "pci", ALL, NULL, NULL },
	{ "pci_permissive", ALL, NULL, NULL },
	{ "pci_msitranslate", ALL, NULL, NULL },
	{ "pci_seize", ALL, NULL, NULL },
	{ "pci_power_mgmt", HVM, NULL, NULL },
	{ "gfx_passthru", HVM, NULL, NULL },
	{ "rdm_mem_boundary", HVM, NULL, NULL },
	{ "dtdev", ALL, NULL, NULL },
	{ "ioports", ALL, NULL, NULL },
	{ "iomem", ALL, NULL, NULL },
	{ "irqs", ALL, NULL, NULL },
	{ "vdispl", ALL, NULL, NULL },
	{ "dm_restrict", HVM, NULL, NULL },
	{ "device_model_user", HVM, NULL, NULL },
	{ "vsnd", ALL, NULL, NULL },
	{ "vkb", ALL, NULL, NULL },
	{ "pvshim", PVH, NULL, NULL },
	{ "pvshim_path", PVH, NULL, NULL },
	{ "pvshim_cmdline", PVH, NULL, NULL },
	{ "pvshim_extra", PVH, NULL, NULL },
	{ "oos", HVM | PVH, NULL, NULL },
	{ "altp2m", HVM, NULL, NULL },
	{ "altp2mhvm", HVM, NULL, NULL },
	{ "cpuid", ALL, NULL, NULL },
	{ "acpi_firmware", HVM, NULL, NULL },
	{ "smbios_firmware", HVM, NULL, NULL },
	{ "ms_vm_genid", HVM, NULL, NULL },
	{ "acpi_laptop_slate", HVM, NULL, NULL }, /* xs-literal-ok: xl.cfg key */
	{ "bios_path_override", HVM, NULL, NULL },
	{ "mmio_hole", HVM, NULL, NULL },
	{ "nographic", PV | HVM, NULL, NULL },
	{ "opengl", PV | HVM, NULL, NULL },
	{ "spice", HVM, NULL, NULL },
	{ "spicehost", HVM, NULL, NULL },
	{ "spiceport", HVM, NULL, NULL },
	{ "spicetls_port", HVM, NULL, NULL },
	{ "spicedisable_ticketing", HVM, NULL, NULL },
	{ "spicepasswd", HVM, NULL, NULL },
	{ "spiceagent_mouse", HVM, NULL, NULL },
	{ "spicevdagent", HVM, NULL, NULL },
	{ "spice_clipboard_sharing", HVM, NULL, NULL },
	{ "spiceusbredirection", HVM, NULL, NULL },
	{ "spice_image_compression", HVM, NULL, NULL },
	{ "spice_streaming_video", HVM, NULL, NULL },
	{ "soundhw", HVM, NULL, NULL },
	{ "vkb_device", HVM, NULL, NULL },
	{ "usbversion", HVM, NULL, NULL },
	{ "vendor_device", HVM, NULL, NULL },
	{ "stubdomain_kernel", HVM, NULL, NULL },
	{ "stubdomain_cmdline", HVM, NULL, NULL },
	{ "stubdomain_ramdisk", HVM, NULL, NULL },
	{ "stubdomain_memory", HVM, NULL, NULL },
	{ "device_model_stubdomain_override", HVM, NULL, NULL },
	{ "device_model_stubdomain_seclabel", HVM, NULL, NULL },
	{ "device_model_args", PV | HVM, NULL, NULL },
	{ "device_model_args_pv", PV, NULL, NULL },
	{ "device_model_args_hvm", HVM, NULL, NULL },
	{ "mca_caps", HVM, NULL, NULL },
	{ "msr_relaxed", ALL, NULL, NULL },
	{ "display", PV | HVM, NULL, NULL },
	{ "xauthority", PV | HVM, NULL, NULL },
	{ "gic_version", 0, NULL, NULL },
	{ "tee", 0, NULL, NULL },
	{ "vuart", 0, NULL, NULL },
	/* xl_parse.c:1599-1601 */
	{ "vncviewer", ALL, NULL, "use the -V option of create to start a VNC viewer (xl ignores this key)" },
	/* xl_parse.c:2505-2520 */
	{ "device_model", ALL, NULL, "use device_model_override to choose another device model (xl ignores "
				     "this key)" },
	/* xl_parse.c:2306-2308 */
	{ "vif2", ALL, NULL, "netchannel2 is deprecated and not supported by xl (xl ignores this key)" },
};
const size_t xctl_nkeys_other = sizeof(xctl_keys_other) / sizeof(xctl_keys_other[0]);

/* Keys xl 4.17 does not read. The later keys were checked against
 * xl_parse.c of RELEASE-4.18.0 and RELEASE-4.19.0. */
const struct xctl_key_foreign xctl_keys_foreign[] = {
	{ "pvh", "a key of Xen 4.4 to 4.8 (PVHv1 guests), not read since; for a PVH guest write type = \"pvh\"" },
	{ "virtio", "a key of Xen 4.18 and later" },
	{ "smbios", "a key of Xen 4.18 and later" },
	{ "bootloader_restrict", "a key of Xen 4.18 and later" },
	{ "bootloader_user", "a key of Xen 4.18 and later" },
	{ "hvm_pirq", "a key of Xen 4.19 and later" },
	{ "vcpu_avail", "an xm key; xl reads vcpus and maxvcpus" },
	{ "vscsi", "an xm key; xl has no vscsi devices" },
	{ "bootargs", "an xm key; xl reads bootloader_args" },
	{ "vncconsole", "an xm key; use the -V option of create" },
	{ "on_xend_start", "an xm key (xend is gone)" },
	{ "on_xend_stop", "an xm key (xend is gone)" },
};
const size_t xctl_nkeys_foreign = sizeof(xctl_keys_foreign) / sizeof(xctl_keys_foreign[0]);

const struct xctl_key_foreign *xctl_key_foreign_find(const char *name)
{
	for (size_t i = 0; i < xctl_nkeys_foreign; i++)
		if (!strcmp(xctl_keys_foreign[i].name, name))
			return &xctl_keys_foreign[i];
	return NULL;
}

const struct xctl_key *xctl_key_find(const char *name, enum xctl_key_id *id)
{
	for (int i = 0; i < XCTL_K__COUNT; i++) {
		if (!strcmp(xctl_keys[i].name, name)) {
			if (id)
				*id = (enum xctl_key_id)i;
			return &xctl_keys[i];
		}
	}
	return NULL;
}

const struct xctl_key_other *xctl_key_other_find(const char *name)
{
	for (size_t i = 0; i < xctl_nkeys_other; i++)
		if (!strcmp(xctl_keys_other[i].name, name))
			return &xctl_keys_other[i];
	return NULL;
}

size_t xctl_key_names(const char **out, size_t max)
{
	size_t n = 0;
	for (int i = 0; i < XCTL_K__COUNT && n < max; i++)
		out[n++] = xctl_keys[i].name;
	for (size_t i = 0; i < xctl_nkeys_other && n < max; i++)
		out[n++] = xctl_keys_other[i].name;
	return n;
}

int xctl_enum_index(const char *const *values, const char *s)
{
	for (int i = 0; values[i]; i++)
		if (!strcmp(values[i], s))
			return i;
	return -1;
}

const char *xctl_guests_text(unsigned guests, char *buf, size_t len)
{
	const char *names[3];
	size_t n = 0;
	if (guests & PV)
		names[n++] = "pv";
	if (guests & PVH)
		names[n++] = "pvh";
	if (guests & HVM)
		names[n++] = "hvm";
	if (n == 3)
		snprintf(buf, len, "pv, pvh and hvm");
	else if (n == 2)
		snprintf(buf, len, "%s and %s", names[0], names[1]);
	else if (n == 1)
		snprintf(buf, len, "%s", names[0]);
	else
		snprintf(buf, len, "no");
	return buf;
}
