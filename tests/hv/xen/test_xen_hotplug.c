/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/xen's native hotplug (xen_hotplug.c): which of libxl's devices get
 * xctl-hotplug as their hotplug script, and which keep theirs. */
#include "toolstack/hv/xen/xen_int.h"
#include "toolstack/config/global.h"
#include "common/log.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define PROG "/usr/sbin/xctl-hotplug"

/* A raw dom0 disk on target with script (NULL: none). */
static void disk(libxl_device_disk *d, const char *target, const char *script)
{
	libxl_device_disk_init(d);
	d->pdev_path = strdup(target);
	d->vdev = strdup("xvda");
	d->format = LIBXL_DISK_FORMAT_RAW;
	d->script = script ? strdup(script) : NULL;
}

static int disk_case(const char *target, const char *script, void (*tweak)(libxl_device_disk *), char **after)
{
	libxl_device_disk d;
	disk(&d, target, script);
	if (tweak)
		tweak(&d);
	int rc = xctl_xen_native_disk(&d, PROG);
	*after = d.script ? strdup(d.script) : NULL;
	libxl_device_disk_dispose(&d);
	return rc;
}

static void qcow2(libxl_device_disk *d) { d->format = LIBXL_DISK_FORMAT_QCOW2; }
static void qdisk(libxl_device_disk *d) { d->backend = LIBXL_DISK_BACKEND_QDISK; }
static void phy(libxl_device_disk *d) { d->backend = LIBXL_DISK_BACKEND_PHY; }
static void standalone(libxl_device_disk *d) { d->backend = LIBXL_DISK_BACKEND_STANDALONE; }
static void driver_dom(libxl_device_disk *d) { d->backend_domid = 3; }
static void driver_name(libxl_device_disk *d) { d->backend_domname = strdup("dd"); }
static void virtio(libxl_device_disk *d) { d->specification = LIBXL_DISK_SPECIFICATION_VIRTIO; }
static void colo(libxl_device_disk *d) { libxl_defbool_set(&d->colo_enable, true); }
static void nocolo(libxl_device_disk *d) { libxl_defbool_set(&d->colo_enable, false); }
static void empty(libxl_device_disk *d) { d->format = LIBXL_DISK_FORMAT_EMPTY; }

static void test_disks(void **state)
{
	(void)state;
	char file[] = "/tmp/xctl-xen-hotplug-XXXXXX";
	int fd = mkstemp(file);
	assert_true(fd >= 0);
	close(fd);
	static const struct {
		const char *target, *script;
		void (*tweak)(libxl_device_disk *);
		int want;
	} t[] = {
		/* the standard block script, however it is written */
		{ NULL, "block", NULL, 1 },
		{ NULL, "/etc/xen/scripts/block", NULL, 1 },
		{ NULL, "block", phy, 1 },
		{ NULL, "block", nocolo, 1 },
		/* no script: libxl's phy choice (a file or block device) */
		{ NULL, NULL, NULL, 1 },
		{ NULL, NULL, phy, 1 },
		{ "/dev/null", NULL, NULL, 0 },	   /* a character device: libxl decides */
		{ "/nonexistent", NULL, NULL, 0 }, /* libxl refuses it, with its message */
		/* a script of the user's own */
		{ NULL, "block-iscsi", NULL, 0 },
		{ NULL, "/usr/local/lib/block", NULL, 0 },
		{ NULL, "/etc/xen/scripts/blocks", NULL, 0 },
		{ NULL, "/etc/xen/scriptsblock", NULL, 0 },
		{ NULL, "/etc/xen/block", NULL, 0 },
		/* not kernel blkback in dom0 */
		{ NULL, "block", qcow2, 0 },
		{ NULL, NULL, qdisk, 0 },
		{ NULL, NULL, standalone, 0 },
		{ NULL, "block", driver_dom, 0 },
		{ NULL, "block", driver_name, 0 },
		{ NULL, "block", virtio, 0 },
		{ NULL, "block", colo, 0 },
		{ NULL, "block", empty, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *after;
		const char *target = t[i].target ? t[i].target : file;
		int rc = disk_case(target, t[i].script, t[i].tweak, &after);
		if (rc != t[i].want)
			print_message("case %zu: %s %s: %d\n", i, target, t[i].script ? t[i].script : "(none)", rc);
		assert_int_equal(rc, t[i].want);
		if (rc == 1)
			assert_string_equal(after, PROG);
		else if (t[i].script)
			assert_string_equal(after, t[i].script);
		else
			assert_null(after);
		free(after);
	}
	unlink(file);
}

static void test_nics(void **state)
{
	(void)state;
	static const struct {
		const char *script;
		libxl_nic_type type;
		uint32_t backend;
		const char *backend_name;
		int want;
	} t[] = {
		{ NULL, LIBXL_NIC_TYPE_UNKNOWN, 0, NULL, 1 },
		{ "vif-bridge", LIBXL_NIC_TYPE_VIF, 0, NULL, 1 },
		{ "/etc/xen/scripts/vif-bridge", LIBXL_NIC_TYPE_VIF, 0, NULL, 1 },
		{ "vif-bridge", LIBXL_NIC_TYPE_VIF_IOEMU, 0, NULL, 1 },
		{ "vif-nat", LIBXL_NIC_TYPE_VIF, 0, NULL, 0 },
		{ "/etc/xen/scripts/vif-route", LIBXL_NIC_TYPE_VIF, 0, NULL, 0 },
		{ "vif-bridge", LIBXL_NIC_TYPE_VIF, 2, NULL, 0 },
		{ "vif-bridge", LIBXL_NIC_TYPE_VIF, 0, "netdd", 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		libxl_device_nic n;
		libxl_device_nic_init(&n);
		n.script = t[i].script ? strdup(t[i].script) : NULL;
		n.nictype = t[i].type;
		n.backend_domid = t[i].backend;
		n.backend_domname = t[i].backend_name ? strdup(t[i].backend_name) : NULL;
		int rc = xctl_xen_native_nic(&n, PROG);
		if (rc != t[i].want)
			print_message("case %zu: %d\n", i, rc);
		assert_int_equal(rc, t[i].want);
		if (rc == 1)
			assert_string_equal(n.script, PROG);
		else
			assert_string_equal(n.script, t[i].script);
		libxl_device_nic_dispose(&n);
	}
}

/* The whole domain: "native" changes the standard devices and passes the
 * timeout; "scripts", or no program, changes nothing. */
static void test_domain(void **state)
{
	(void)state;
	struct xctl_global_config g;
	struct xctl_log log;
	char logbuf[2048] = "";
	FILE *lf = fmemopen(logbuf, sizeof(logbuf), "w");
	xctl_log_init(&log, "test", XCTL_LOG_WARN);
	log.out = lf;
	assert_int_equal(xctl_global_init(&g), 0);
	assert_int_equal(g.hotplug, 0);
	assert_int_equal(g.hotplug_timeout, 40);
	for (int mode = 0; mode < 3; mode++) {
		libxl_domain_config d;
		libxl_domain_config_init(&d);
		d.c_info.name = strdup("hp");
		d.disks = calloc(2, sizeof(*d.disks));
		d.num_disks = 2;
		disk(&d.disks[0], "/dev/zero", "block");
		disk(&d.disks[1], "/dev/zero", "block-drbd");
		d.nics = calloc(1, sizeof(*d.nics));
		d.num_nics = 1;
		libxl_device_nic_init(&d.nics[0]);
		d.nics[0].script = strdup("vif-bridge");
		g.hotplug = mode == 1;
		g.hotplug_timeout = 7 + mode;
		unsetenv("XCTL_HOTPLUG_TIMEOUT");
		assert_int_equal(xctl_xen_native_hotplug_prog(&d, &g, &log, mode == 2 ? NULL : PROG), 0);
		bool native = mode == 0;
		assert_string_equal(d.disks[0].script, native ? PROG : "block");
		assert_string_equal(d.disks[1].script, "block-drbd");
		assert_string_equal(d.nics[0].script, native ? PROG : "vif-bridge");
		if (native)
			assert_string_equal(getenv("XCTL_HOTPLUG_TIMEOUT"), "7");
		else
			assert_null(getenv("XCTL_HOTPLUG_TIMEOUT"));
		libxl_domain_config_dispose(&d);
	}
	fflush(lf);
	assert_non_null(strstr(logbuf, "domain 'hp': xctl-hotplug is not next to xctl"));
	fclose(lf);
	xctl_global_dispose(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disks),
		cmocka_unit_test(test_nics),
		cmocka_unit_test(test_domain),
	};
	return cmocka_run_group_tests_name("xen_hotplug", tests, NULL, NULL);
}
