/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/xen's native hotplug (xen_hotplug.c): which of libxl's devices get
 * xctl-hotplug as their hotplug script, and which keep theirs; and the
 * image cache of PV kernels and ramdisks (xen_images.c). */
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
#include <zlib.h>

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

/* A gzip'd file of an ELF header and some bytes. */
static void gz_elf(const char *path)
{
	unsigned char buf[8192];
	memset(buf, 0x90, sizeof(buf));
	memcpy(buf, "\x7f" "ELF", 4);
	gzFile f = gzopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(gzwrite(f, buf, sizeof(buf)), (int)sizeof(buf));
	gzclose(f);
}

/* The image cache: a PV domain's kernel and ramdisk are swapped for the
 * cached images, the originals kept for /vm/UUID/image; not for other
 * types, not with kernel_cache = 0, not for what is not compressed. */
static void test_images(void **state)
{
	(void)state;
	char dir[] = "/tmp/xctl-xen-images-XXXXXX", k[80], r[80], plain[80], cache[80];
	assert_non_null(mkdtemp(dir));
	snprintf(k, sizeof(k), "%s/vmlinuz", dir);
	snprintf(r, sizeof(r), "%s/initrd.gz", dir);
	snprintf(plain, sizeof(plain), "%s/plain", dir);
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	gz_elf(k);
	gz_elf(r);
	FILE *f = fopen(plain, "w");
	fputs("not compressed", f);
	fclose(f);
	setenv("XCTL_KCACHE_DIR", cache, 1);
	struct xctl_global_config g;
	struct xctl_log log;
	char logbuf[2048] = "";
	FILE *lf = fmemopen(logbuf, sizeof(logbuf), "w");
	xctl_log_init(&log, "test", XCTL_LOG_WARN);
	log.out = lf;
	assert_int_equal(xctl_global_init(&g), 0);
	assert_true(g.kernel_cache);
	static const struct {
		libxl_domain_type type;
		bool cache, plain_ramdisk, want;
	} t[] = {
		{ LIBXL_DOMAIN_TYPE_PV, true, false, true },
		{ LIBXL_DOMAIN_TYPE_PV, true, true, true },
		{ LIBXL_DOMAIN_TYPE_PV, false, false, false },
		{ LIBXL_DOMAIN_TYPE_PVH, true, false, false },
		{ LIBXL_DOMAIN_TYPE_HVM, true, false, false },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		libxl_domain_config d;
		libxl_domain_config_init(&d);
		d.c_info.type = t[i].type;
		d.b_info.kernel = strdup(k);
		d.b_info.ramdisk = strdup(t[i].plain_ramdisk ? plain : r);
		g.kernel_cache = t[i].cache;
		struct xctl_xen_images im;
		xctl_xen_images_use(&d, &g, &log, &im);
		if (!t[i].want) {
			assert_string_equal(d.b_info.kernel, k);
			assert_null(im.kernel);
			assert_null(im.ramdisk);
		} else {
			assert_int_equal(strncmp(d.b_info.kernel, cache, strlen(cache)), 0);
			assert_string_equal(im.kernel, k);
			if (t[i].plain_ramdisk) {
				assert_string_equal(d.b_info.ramdisk, plain);
				assert_null(im.ramdisk);
			} else {
				assert_int_equal(strncmp(d.b_info.ramdisk, cache, strlen(cache)), 0);
				assert_string_equal(im.ramdisk, r);
			}
			/* no xenstore here: the nodes cannot be set back, and it says so */
			setenv("XENSTORED_PATH", "/nonexistent/socket", 1);
			xctl_xen_images_restore(&im, "00000000-0000-0000-0000-000000000001", &log);
			fflush(lf);
			assert_non_null(strstr(logbuf, "cannot set /vm/00000000-0000-0000-0000-000000000001/image/kernel back to"));
		}
		xctl_xen_images_free(&im);
		assert_null(im.kernel);
		libxl_domain_config_dispose(&d);
	}
	/* nothing swapped: restore does nothing, says nothing */
	struct xctl_xen_images none = { 0 };
	rewind(lf);
	memset(logbuf, 0, sizeof(logbuf));
	xctl_xen_images_restore(&none, "x", &log);
	fflush(lf);
	assert_string_equal(logbuf, "");
	fclose(lf);
	xctl_global_dispose(&g);
	unsetenv("XCTL_KCACHE_DIR");
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disks),
		cmocka_unit_test(test_nics),
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_images),
	};
	return cmocka_run_group_tests_name("xen_hotplug", tests, NULL, NULL);
}
