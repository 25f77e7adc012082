/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/xen's translation of the domain model into libxl_domain_config, as xl
 * 4.17's parse_config_data() fills it: field by field for the rules (what
 * xl sets only when the key is written, what it always sets, the derived
 * values), then byte for byte against the JSON real xl printed in the lab. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "toolstack/hv/xen/xen_int.h"
#include "toolstack/config/resolve.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "tests/cli/runcmd.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct t {
	struct xctl_domain_config m;
	struct xctl_global_config g;
	libxl_domain_config d;
	struct xctl_log log;
	int rc;
};

/* Resolve cfg text (with a global configuration text, or the built-in
 * values) and translate it. */
static void translate(struct t *t, const char *cfg, const char *global)
{
	char *dir = runcmd_mkdtemp();
	char path[4096], gpath[4096];
	struct xctl_diags d;
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/t.cfg", dir);
	snprintf(gpath, sizeof(gpath), "%s/g.conf", dir);
	assert_int_equal(runcmd_write_file(path, cfg), 0);
	xctl_diags_init(&d);
	assert_int_equal(xctl_global_init(&t->g), 0);
	if (global) {
		assert_int_equal(runcmd_write_file(gpath, global), 0);
		assert_int_equal(xctl_global_load(&t->g, gpath, true, &d), 0);
	}
	struct xctl_resolve_opts o = { .global = &t->g };
	int rc = xctl_config_load(path, NULL, 0, &o, &t->m, &d);
	if (rc)
		for (size_t i = 0; i < d.n; i++)
			print_message("%s\n", d.v[i].msg);
	assert_int_equal(rc, 0);
	xctl_diags_free(&d);
	xctl_log_init(&t->log, "test", XCTL_LOG_ERROR);
	libxl_domain_config_init(&t->d);
	t->rc = xctl_xen_domain_config(NULL, &t->m, &t->g, &t->log, &t->d);
	runcmd_rmtree(dir);
	free(dir);
}

static void done(struct t *t)
{
	libxl_domain_config_dispose(&t->d);
	xctl_model_dispose(&t->m);
	xctl_global_dispose(&t->g);
}

static int bits(const libxl_bitmap *b)
{
	int n = 0, i;
	libxl_for_each_set_bit(i, *b)
	{
		n++;
	}
	return n;
}

/* What xl sets whatever the file says, and what it leaves to libxl. */
static void test_minimal_pv(void **state)
{
	(void)state;
	struct t t;
	translate(&t, "name = \"m\"\nkernel = \"/k\"\n", NULL);
	assert_int_equal(t.rc, 0);
	libxl_domain_build_info *b = &t.d.b_info;
	assert_int_equal(t.d.c_info.type, LIBXL_DOMAIN_TYPE_PV);
	assert_int_equal(b->type, LIBXL_DOMAIN_TYPE_PV);
	assert_string_equal(t.d.c_info.name, "m");
	assert_string_equal(b->kernel, "/k");
	/* memory and vcpus unwritten: libxl's defaults, not xctl's */
	assert_true(b->target_memkb == LIBXL_MEMKB_DEFAULT);
	assert_true(b->max_memkb == LIBXL_MEMKB_DEFAULT);
	assert_int_equal(b->max_vcpus, 0);
	assert_int_equal(b->avail_vcpus.size, 0);
	assert_true(libxl_defbool_is_default(t.d.c_info.hap));
	assert_null(b->cmdline);
	assert_null(b->ramdisk);
	assert_null(t.d.c_info.pool_name);
	assert_null(t.d.c_info.ssid_label);
	assert_int_equal(b->sched_params.weight, LIBXL_DOMAIN_SCHED_PARAM_WEIGHT_DEFAULT);
	assert_int_equal(b->sched_params.cap, LIBXL_DOMAIN_SCHED_PARAM_CAP_DEFAULT);
	assert_true(libxl_defbool_is_default(b->disable_migrate));
	assert_true(libxl_defbool_is_default(b->localtime));
	assert_true(libxl_defbool_is_default(b->acpi));
	assert_int_equal(b->tsc_mode, LIBXL_TSC_MODE_DEFAULT);
	assert_int_equal(b->event_channels, 0);
	assert_null(b->blkdev_start);
	/* always set, from xl.conf or its defaults */
	assert_true(libxl_defbool_val(t.d.c_info.run_hotplug_scripts));
	assert_true(libxl_defbool_val(b->claim_mode));
	assert_true(b->max_grant_frames == LIBXL_MAX_GRANT_DEFAULT);
	assert_true(b->max_maptrack_frames == LIBXL_MAX_GRANT_DEFAULT);
	assert_int_equal(b->max_grant_version, (int)LIBXL_MAX_GRANT_DEFAULT);
	assert_int_equal(t.d.on_poweroff, LIBXL_ACTION_ON_SHUTDOWN_DESTROY);
	assert_int_equal(t.d.on_reboot, LIBXL_ACTION_ON_SHUTDOWN_RESTART);
	assert_int_equal(t.d.on_watchdog, LIBXL_ACTION_ON_SHUTDOWN_DESTROY);
	assert_int_equal(t.d.on_crash, LIBXL_ACTION_ON_SHUTDOWN_DESTROY);
	assert_int_equal(t.d.on_soft_reset, LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET);
	assert_int_equal(t.d.num_disks, 0);
	assert_int_equal(t.d.num_nics, 0);
	assert_int_equal(t.d.num_vfbs, 0);
	done(&t);
}

static void test_written_keys(void **state)
{
	(void)state;
	struct t t;
	translate(&t,
		  "name = \"w\"\nkernel = \"/k\"\nramdisk = \"/r\"\nmemory = 512\nvcpus = 3\nmaxvcpus = 4\n"
		  "uuid = \"5B1C2A34-7D4E-4F60-8A9B-0C1D2E3F4A5B\"\npool = \"p1\"\nseclabel = \"a:b:c\"\n"
		  "cpu_weight = 512\ncap = 50\nperiod = 10000\nslice = 7\nlatency = 8\nextratime = 1\n"
		  "on_poweroff = \"preserve\"\non_reboot = \"rename-restart\"\non_crash = \"coredump-restart\"\n"
		  "on_watchdog = \"coredump-destroy\"\non_soft_reset = \"destroy\"\nnomigrate = 1\n"
		  "localtime = 1\nrtc_timeoffset = \"-3600\"\nmax_event_channels = 2047\nmax_grant_frames = 32\n"
		  "max_maptrack_frames = 0\ntsc_mode = \"native\"\ndriver_domain = 1\ne820_host = 1\n"
		  "bootloader_args = [ \"-q\", \"--x\" ]\n",
		  NULL);
	assert_int_equal(t.rc, 0);
	libxl_domain_build_info *b = &t.d.b_info;
	assert_int_equal(b->target_memkb, 512 * 1024);
	assert_int_equal(b->max_memkb, 512 * 1024); /* maxmem unwritten: memory */
	assert_int_equal(b->max_vcpus, 4);
	assert_int_equal(bits(&b->avail_vcpus), 3);
	assert_true(libxl_bitmap_test(&b->avail_vcpus, 2));
	assert_false(libxl_bitmap_test(&b->avail_vcpus, 3));
	char uuid[40];
	snprintf(uuid, sizeof(uuid), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(t.d.c_info.uuid));
	assert_string_equal(uuid, "5b1c2a34-7d4e-4f60-8a9b-0c1d2e3f4a5b");
	assert_string_equal(t.d.c_info.pool_name, "p1");
	assert_string_equal(t.d.c_info.ssid_label, "a:b:c");
	assert_string_equal(b->ramdisk, "/r");
	assert_int_equal(b->sched_params.weight, 512);
	assert_int_equal(b->sched_params.cap, 50);
	assert_int_equal(b->sched_params.period, 10000);
	assert_int_equal(b->sched_params.slice, 7);
	assert_int_equal(b->sched_params.latency, 8);
	assert_int_equal(b->sched_params.extratime, 1);
	assert_int_equal(t.d.on_poweroff, LIBXL_ACTION_ON_SHUTDOWN_PRESERVE);
	assert_int_equal(t.d.on_reboot, LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME);
	assert_int_equal(t.d.on_crash, LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART);
	assert_int_equal(t.d.on_watchdog, LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY);
	assert_int_equal(t.d.on_soft_reset, LIBXL_ACTION_ON_SHUTDOWN_DESTROY);
	assert_true(libxl_defbool_val(b->disable_migrate));
	assert_true(libxl_defbool_val(b->localtime));
	assert_int_equal((int32_t)b->rtc_timeoffset, -3600);
	assert_int_equal(b->event_channels, 2047);
	assert_int_equal(b->max_grant_frames, 32);
	assert_int_equal(b->max_maptrack_frames, 0);
	assert_int_equal(b->tsc_mode, LIBXL_TSC_MODE_NATIVE);
	assert_true(libxl_defbool_val(t.d.c_info.driver_domain));
	assert_true(libxl_defbool_val(b->u.pv.e820_host));
	assert_non_null(b->bootloader_args);
	assert_string_equal(b->bootloader_args[0], "-q");
	assert_string_equal(b->bootloader_args[1], "--x");
	assert_null(b->bootloader_args[2]);
	done(&t);

	translate(&t, "name = \"w\"\nkernel = \"/k\"\nmemory = 512\nmaxmem = 1024\nvcpus = 2\n", NULL);
	assert_int_equal(t.d.b_info.max_memkb, 1024 * 1024);
	assert_int_equal(t.d.b_info.max_vcpus, 2); /* maxvcpus unwritten: vcpus */
	done(&t);
	translate(&t, "name = \"w\"\nkernel = \"/k\"\nmaxmem = 1024\n", NULL);
	assert_int_equal(t.d.b_info.max_memkb, 1024 * 1024);
	assert_true(t.d.b_info.target_memkb == LIBXL_MEMKB_DEFAULT);
	done(&t);
}

/* parse_cmdline(): cmdline wins; else root= and extra. */
static void test_cmdline(void **state)
{
	(void)state;
	struct t t;
	translate(&t, "name = \"c\"\nkernel = \"/k\"\nroot = \"/dev/xvda1\"\nextra = \"quiet\"\n", NULL);
	assert_string_equal(t.d.b_info.cmdline, "root=/dev/xvda1 quiet");
	done(&t);
	translate(&t, "name = \"c\"\nkernel = \"/k\"\nroot = \"/dev/xvda1\"\n", NULL);
	assert_string_equal(t.d.b_info.cmdline, "root=/dev/xvda1");
	done(&t);
	translate(&t, "name = \"c\"\nkernel = \"/k\"\nextra = \"quiet\"\n", NULL);
	assert_string_equal(t.d.b_info.cmdline, "quiet");
	done(&t);
	translate(&t, "name = \"c\"\nkernel = \"/k\"\ncmdline = \"a b\"\nroot = \"/r\"\nextra = \"e\"\n", NULL);
	assert_string_equal(t.d.b_info.cmdline, "a b");
	done(&t);
}

/* vifs: the spec as written over xl.conf's defaults; devid as xl. */
static void test_vifs(void **state)
{
	(void)state;
	struct t t;
	translate(&t,
		  "name = \"v\"\nkernel = \"/k\"\nvif = [ \"bridge=br1,mac=00:16:3e:01:02:03,ip=10.0.0.2,"
		  "vifname=v1,model=e1000,type=ioemu,mtu=9000,rate=10Mb/s,gatewaydev=eth1,script=s,trusted\", "
		  "\"\" ]\n",
		  NULL);
	assert_int_equal(t.rc, 0);
	assert_int_equal(t.d.num_nics, 2);
	libxl_device_nic *n = &t.d.nics[0];
	assert_int_equal(n->devid, 0);
	assert_string_equal(n->bridge, "br1");
	assert_int_equal(n->mac[5], 3);
	assert_string_equal(n->ip, "10.0.0.2");
	assert_string_equal(n->ifname, "v1");
	assert_string_equal(n->model, "e1000");
	assert_string_equal(n->script, "s");
	assert_string_equal(n->gatewaydev, "eth1");
	assert_int_equal(n->nictype, LIBXL_NIC_TYPE_VIF_IOEMU);
	assert_int_equal(n->mtu, 9000);
	assert_true(n->rate_bytes_per_interval > 0);
	assert_int_equal(n->rate_interval_usecs, 50000);
	assert_true(libxl_defbool_val(n->trusted));
	/* nothing written: libxl's defaults (no bridge, script, type, MAC) */
	n = &t.d.nics[1];
	assert_int_equal(n->devid, 1);
	assert_null(n->bridge);
	assert_null(n->script);
	assert_null(n->backend_domname);
	assert_int_equal(n->nictype, LIBXL_NIC_TYPE_UNKNOWN);
	assert_int_equal(n->mac[0] | n->mac[1] | n->mac[2] | n->mac[3] | n->mac[4] | n->mac[5], 0);
	assert_true(libxl_defbool_is_default(n->trusted));
	done(&t);

	/* xl.conf's vif defaults, under what the spec says */
	translate(&t, "name = \"v\"\nkernel = \"/k\"\nvif = [ \"\", \"bridge=br1,script=mine\" ]\n",
		  "vif.default.bridge = \"br9\"\nvif.default.script = \"vif-route\"\nvif.default.backend = \"dd\"\n"
		  "vif.default.gatewaydev = \"eth7\"\nblkdev_start = \"xvdb\"\nmax_grant_frames = 40\n");
	assert_int_equal(t.rc, 0);
	assert_string_equal(t.d.nics[0].bridge, "br9");
	assert_string_equal(t.d.nics[0].script, "vif-route");
	assert_string_equal(t.d.nics[0].backend_domname, "dd");
	assert_string_equal(t.d.nics[0].gatewaydev, "eth7");
	assert_string_equal(t.d.nics[1].bridge, "br1");
	assert_string_equal(t.d.nics[1].script, "mine");
	assert_string_equal(t.d.b_info.blkdev_start, "xvdb");
	assert_int_equal(t.d.b_info.max_grant_frames, 40);
	done(&t);

	/* a global file that writes libxl's own default: written, as xl */
	translate(&t, "name = \"v\"\nkernel = \"/k\"\nvif = [ \"\" ]\n",
		  "vif.default.bridge = \"xenbr0\"\nvifscript = \"vif-bridge\"\nblkdev_start = \"xvda\"\n");
	assert_string_equal(t.d.nics[0].bridge, "xenbr0");
	assert_string_equal(t.d.nics[0].script, "vif-bridge");
	assert_string_equal(t.d.b_info.blkdev_start, "xvda");
	assert_null(t.d.nics[0].gatewaydev);
	assert_null(t.d.nics[0].backend_domname);
	done(&t);
	/* a global file without them: none */
	translate(&t, "name = \"v\"\nkernel = \"/k\"\nvif = [ \"\" ]\n", "defaultbridge = \"br5\"\n");
	assert_string_equal(t.d.nics[0].bridge, "br5");
	assert_null(t.d.nics[0].script);
	assert_null(t.d.b_info.blkdev_start);
	done(&t);

	/* devid: the index, unless devid= (xl_parse.c:45 ARRAY_EXTEND_INIT) */
	translate(&t, "name = \"v\"\nkernel = \"/k\"\nvif = [ \"devid=4\", \"\", \"\" ]\n", NULL);
	assert_int_equal(t.d.nics[0].devid, 4);
	assert_int_equal(t.d.nics[1].devid, 1);
	assert_int_equal(t.d.nics[2].devid, 2);
	done(&t);
}

static void test_disks(void **state)
{
	(void)state;
	struct t t;
	translate(&t,
		  "name = \"d\"\nkernel = \"/k\"\ndisk = [ \"/img,qcow2,xvda,rw,backendtype=phy,script=block\", "
		  "\"/iso,raw,hdc:cdrom,ro\", \"vdev=xvdb,access=ro,discard,target=/x,y\" ]\n",
		  NULL);
	assert_int_equal(t.rc, 0);
	assert_int_equal(t.d.num_disks, 3);
	libxl_device_disk *k = &t.d.disks[0];
	assert_string_equal(k->pdev_path, "/img");
	assert_string_equal(k->vdev, "xvda");
	assert_int_equal(k->format, LIBXL_DISK_FORMAT_QCOW2);
	assert_int_equal(k->backend, LIBXL_DISK_BACKEND_PHY);
	assert_string_equal(k->script, "block");
	assert_int_equal(k->readwrite, 1);
	assert_int_equal(k->is_cdrom, 0);
	k = &t.d.disks[1];
	assert_int_equal(k->is_cdrom, 1);
	assert_int_equal(k->removable, 1);
	assert_int_equal(k->readwrite, 0);
	k = &t.d.disks[2];
	assert_string_equal(k->pdev_path, "/x,y");
	assert_true(libxl_defbool_val(k->discard_enable));
	done(&t);
}

static void test_hvm(void **state)
{
	(void)state;
	struct t t;
	translate(&t,
		  "name = \"h\"\ntype = \"hvm\"\nkernel = \"/usr/lib/xen/boot/hvmloader\"\nfirmware = \"uefi\"\n"
		  "vga = \"stdvga\"\nhdtype = \"ahci\"\nserial = \"pty\"\nusbdevice = [ \"tablet\", \"mouse\" ]\n"
		  "boot = \"dc\"\nusb = 1\nvnc = 1\nvnclisten = \"0.0.0.0\"\nvncdisplay = 3\nvncunused = 0\n"
		  "vncpasswd = \"pw\"\nsdl = 0\nkeymap = \"de\"\npae = 1\nacpi = 0\nacpi_s3 = 0\nacpi_s4 = 1\n"
		  "apic = 1\nnx = 0\nhpet = 1\nvpt_align = 0\nviridian = 1\nhap = 0\nshadow_memory = 8\n"
		  "videoram = 16\nxen_platform_pci = 0\ntimer_mode = \"no_missed_ticks_pending\"\nnestedhvm = 1\n"
		  "device_model_version = \"qemu-xen\"\ndevice_model_override = \"/dm\"\n",
		  NULL);
	assert_int_equal(t.rc, 0);
	libxl_domain_build_info *b = &t.d.b_info;
	assert_int_equal(b->type, LIBXL_DOMAIN_TYPE_HVM);
	assert_null(b->kernel); /* hvmloader dropped, as xl */
	assert_int_equal(b->u.hvm.bios, LIBXL_BIOS_TYPE_OVMF);
	assert_null(b->u.hvm.firmware);
	assert_int_equal(b->u.hvm.vga.kind, LIBXL_VGA_INTERFACE_TYPE_STD);
	assert_int_equal(b->u.hvm.hdtype, LIBXL_HDTYPE_AHCI);
	assert_string_equal(b->u.hvm.serial, "pty"); /* a string, as written */
	assert_null(b->u.hvm.serial_list);
	assert_null(b->u.hvm.usbdevice);
	assert_string_equal(b->u.hvm.usbdevice_list[1], "mouse");
	assert_string_equal(b->u.hvm.boot, "dc");
	assert_true(libxl_defbool_val(b->u.hvm.usb));
	assert_true(libxl_defbool_val(b->u.hvm.vnc.enable));
	assert_string_equal(b->u.hvm.vnc.listen, "0.0.0.0");
	assert_int_equal(b->u.hvm.vnc.display, 3);
	assert_false(libxl_defbool_val(b->u.hvm.vnc.findunused));
	assert_string_equal(b->u.hvm.vnc.passwd, "pw");
	assert_false(libxl_defbool_val(b->u.hvm.sdl.enable));
	assert_string_equal(b->u.hvm.keymap, "de");
	assert_true(libxl_defbool_val(b->u.hvm.pae));
	assert_false(libxl_defbool_val(b->acpi));
	assert_false(libxl_defbool_val(b->u.hvm.acpi_s3));
	assert_true(libxl_defbool_val(b->u.hvm.acpi_s4));
	assert_true(libxl_defbool_val(b->apic));
	assert_false(libxl_defbool_val(b->u.hvm.nx));
	assert_true(libxl_defbool_val(b->u.hvm.hpet));
	assert_false(libxl_defbool_val(b->u.hvm.vpt_align));
	assert_true(libxl_defbool_val(b->u.hvm.viridian));
	assert_false(libxl_defbool_val(t.d.c_info.hap));
	assert_int_equal(b->shadow_memkb, 8 * 1024);
	assert_int_equal(b->video_memkb, 16 * 1024);
	assert_false(libxl_defbool_val(b->u.hvm.xen_platform_pci));
	assert_int_equal(b->timer_mode, LIBXL_TIMER_MODE_NO_MISSED_TICKS_PENDING);
	assert_true(libxl_defbool_val(b->nested_hvm));
	assert_int_equal(b->device_model_version, LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN);
	assert_string_equal(b->device_model, "/dm");
	done(&t);
	translate(&t, "name = \"h\"\ntype = \"hvm\"\ndevice_model_version = \"qemu-xen-traditional\"\n", NULL);
	assert_int_equal(t.d.b_info.device_model_version, LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN_TRADITIONAL);
	assert_int_equal(t.d.b_info.u.hvm.bios, LIBXL_BIOS_TYPE_UNKNOWN);
	done(&t);

	/* a firmware image, a bios name, "bios" (left to libxl), and defaults */
	translate(&t, "name = \"h\"\ntype = \"hvm\"\nfirmware = \"/my/fw.bin\"\nserial = [ \"pty\", \"null\" ]\n", NULL);
	assert_string_equal(t.d.b_info.u.hvm.firmware, "/my/fw.bin");
	assert_int_equal(t.d.b_info.u.hvm.bios, LIBXL_BIOS_TYPE_UNKNOWN);
	assert_null(t.d.b_info.u.hvm.serial);
	assert_string_equal(t.d.b_info.u.hvm.serial_list[1], "null");
	assert_null(t.d.b_info.u.hvm.usbdevice_list);
	done(&t);
	translate(&t, "name = \"h\"\ntype = \"hvm\"\nfirmware_override = \"/fw/hvmloader\"\n", NULL);
	assert_string_equal(t.d.b_info.u.hvm.firmware, "/fw/hvmloader");
	done(&t);
	translate(&t, "name = \"h\"\ntype = \"hvm\"\nfirmware = \"seabios\"\n", NULL);
	assert_int_equal(t.d.b_info.u.hvm.bios, LIBXL_BIOS_TYPE_SEABIOS);
	assert_null(t.d.b_info.u.hvm.firmware);
	done(&t);
	translate(&t, "name = \"h\"\ntype = \"hvm\"\nfirmware = \"bios\"\nbios = \"seabios\"\n", NULL);
	assert_int_equal(t.d.b_info.u.hvm.bios, LIBXL_BIOS_TYPE_SEABIOS);
	assert_null(t.d.b_info.u.hvm.firmware);
	done(&t);
	translate(&t, "name = \"h\"\ntype = \"hvm\"\n", NULL);
	libxl_domain_build_info *d = &t.d.b_info;
	assert_int_equal(d->u.hvm.bios, LIBXL_BIOS_TYPE_UNKNOWN);
	assert_int_equal(d->u.hvm.vga.kind, LIBXL_VGA_INTERFACE_TYPE_UNKNOWN);
	assert_int_equal(d->u.hvm.hdtype, LIBXL_HDTYPE_IDE);
	assert_true(libxl_defbool_is_default(d->u.hvm.vnc.enable));
	assert_true(libxl_defbool_is_default(d->u.hvm.pae));
	assert_true(libxl_defbool_is_default(d->u.hvm.viridian));
	assert_null(d->u.hvm.vnc.listen);
	assert_null(d->u.hvm.boot);
	assert_int_equal(d->video_memkb, LIBXL_MEMKB_DEFAULT);
	assert_int_equal(d->device_model_version, LIBXL_DEVICE_MODEL_VERSION_UNKNOWN);
	assert_int_equal(d->timer_mode, LIBXL_TIMER_MODE_DEFAULT);
	done(&t);
	/* viridian groups */
	translate(&t, "name = \"h\"\ntype = \"hvm\"\nviridian = [ \"defaults\", \"!freq\", \"time_ref_count\" ]\n", NULL);
	d = &t.d.b_info;
	assert_true(libxl_defbool_val(d->u.hvm.viridian));
	assert_true(libxl_bitmap_test(&d->u.hvm.viridian_disable, LIBXL_VIRIDIAN_ENLIGHTENMENT_FREQ));
	assert_true(libxl_bitmap_test(&d->u.hvm.viridian_enable, LIBXL_VIRIDIAN_ENLIGHTENMENT_TIME_REF_COUNT));
	assert_false(libxl_bitmap_test(&d->u.hvm.viridian_enable, LIBXL_VIRIDIAN_ENLIGHTENMENT_FREQ));
	done(&t);
	translate(&t, "name = \"h\"\ntype = \"hvm\"\nviridian = 0\n", NULL);
	assert_false(libxl_defbool_val(t.d.b_info.u.hvm.viridian));
	done(&t);
}

static void test_pv_firmware_vnc_cpus(void **state)
{
	(void)state;
	struct t t;
	translate(&t, "name = \"f\"\nfirmware = \"pvgrub64\"\n", NULL);
	assert_int_equal(t.rc, 0);
	assert_string_equal(t.d.b_info.kernel, "/usr/lib/xen-4.17/boot/pvgrub64.bin");
	done(&t);
	/* a PV guest's vnc = 1: a vfb and a vkb (xl_parse.c:2582) */
	translate(&t, "name = \"f\"\nkernel = \"/k\"\nvnc = 1\nvnclisten = \"0.0.0.0\"\nkeymap = \"fr\"\n", NULL);
	assert_int_equal(t.d.num_vfbs, 1);
	assert_int_equal(t.d.num_vkbs, 1);
	assert_true(libxl_defbool_val(t.d.vfbs[0].vnc.enable));
	assert_string_equal(t.d.vfbs[0].vnc.listen, "0.0.0.0");
	assert_string_equal(t.d.vfbs[0].keymap, "fr");
	done(&t);
	translate(&t, "name = \"f\"\nkernel = \"/k\"\nvnc = 0\n", NULL);
	assert_int_equal(t.d.num_vfbs, 0);
	done(&t);
	/* cpus: one list for every vcpu, or one per vcpu (then no NUMA placement) */
	translate(&t, "name = \"f\"\nkernel = \"/k\"\nvcpus = 2\ncpus = \"0-3,^2\"\n", NULL);
	libxl_domain_build_info *b = &t.d.b_info;
	assert_int_equal(b->num_vcpu_hard_affinity, 2);
	assert_int_equal(bits(&b->vcpu_hard_affinity[1]), 3);
	assert_false(libxl_bitmap_test(&b->vcpu_hard_affinity[1], 2));
	assert_true(libxl_bitmap_test(&b->vcpu_hard_affinity[1], 3));
	assert_true(libxl_defbool_is_default(b->numa_placement));
	assert_int_equal(b->num_vcpu_soft_affinity, 0);
	done(&t);
	/* a soft affinity string: no automatic placement either (xl_parse.c:384) */
	translate(&t, "name = \"f\"\nkernel = \"/k\"\nvcpus = 2\ncpus_soft = \"1\"\n", NULL);
	b = &t.d.b_info;
	assert_int_equal(b->num_vcpu_soft_affinity, 2);
	assert_int_equal(b->num_vcpu_hard_affinity, 0);
	assert_false(libxl_defbool_val(b->numa_placement));
	done(&t);
	translate(&t, "name = \"f\"\nkernel = \"/k\"\nvcpus = 4\ncpus = [ \"1\", \"2-3\" ]\ncpus_soft = \"all,^0\"\n",
		  NULL);
	b = &t.d.b_info;
	assert_int_equal(b->num_vcpu_hard_affinity, 2);
	assert_int_equal(bits(&b->vcpu_hard_affinity[0]), 1);
	assert_int_equal(bits(&b->vcpu_hard_affinity[1]), 2);
	assert_false(libxl_defbool_val(b->numa_placement));
	assert_int_equal(b->num_vcpu_soft_affinity, 4);
	assert_int_equal(bits(&b->vcpu_soft_affinity[3]), 63);
	done(&t);
	/* node: needs the host */
	translate(&t, "name = \"f\"\nkernel = \"/k\"\nvcpus = 1\ncpus = \"node:0\"\n", NULL);
	assert_int_equal(t.rc, XCTL_ERR_UNSUPPORTED);
	done(&t);
	/* the global vm.cpumask applies as xl applies it: to every vcpu */
	translate(&t, "name = \"f\"\nkernel = \"/k\"\nvcpus = 2\n", "vm.cpumask = \"1\"\n");
	assert_int_equal(t.d.b_info.num_vcpu_hard_affinity, 2);
	assert_true(libxl_bitmap_test(&t.d.b_info.vcpu_hard_affinity[0], 1));
	done(&t);
}

/* Byte for byte against real xl's `xl -N create FILE uuid=...` in the lab,
 * with the lab's xl.conf as the global configuration of both
 * (tests/hv/xen/expected/, refreshed by scripts/lab-libxl-expected.sh). */
static void test_against_xl(void **state)
{
	(void)state;
	glob_t g;
	char pat[4096];
	const char *src = getenv("XCTL_SRC");
	snprintf(pat, sizeof(pat), "%s/tests/hv/xen/expected/*.json", src && *src ? src : ".");
	assert_int_equal(glob(pat, 0, NULL, &g), 0);
	size_t same = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *f = g.gl_pathv[i];
		const char *base = strrchr(f, '/') + 1;
		char name[256], cfg[4096];
		snprintf(name, sizeof(name), "%.*s", (int)(strlen(base) - 5), base);
		if (!strncmp(name, "configs-", 8))
			snprintf(cfg, sizeof(cfg), "$XCTL_SRC/configs/%s.cfg", name + 8);
		else
			snprintf(cfg, sizeof(cfg), "$XCTL_SRC/tests/config/valid/%s.cfg", name + 6);
		struct runcmd_result r;
		runcmd(&r,
		       "\"$XCTL_BIN/xctl\" --config \"$XCTL_SRC/tests/hv/xen/expected/xl.conf\" -N create -q --libxl "
		       "\"%s\" 'uuid=\"5b1c2a34-7d4e-4f60-8a9b-0c1d2e3f4a5b\"' | diff -u %s -",
		       cfg, f);
		if (r.status)
			print_message("%s differs from xl's (- xl, + xctl):\n%s%s", name, r.out, r.err);
		same += r.status == 0;
		runcmd_free(&r);
	}
	print_message("libxl configuration: %zu of %zu configs as xl's\n", same, g.gl_pathc);
	assert_true(g.gl_pathc >= 3);
	assert_int_equal(same, g.gl_pathc);
	globfree(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_pv),   cmocka_unit_test(test_written_keys),
		cmocka_unit_test(test_cmdline),	     cmocka_unit_test(test_vifs),
		cmocka_unit_test(test_disks),	     cmocka_unit_test(test_hvm),
		cmocka_unit_test(test_pv_firmware_vnc_cpus), cmocka_unit_test(test_against_xl),
	};
	return cmocka_run_group_tests_name("hv xen config", tests, NULL, NULL);
}
