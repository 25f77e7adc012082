/* SPDX-License-Identifier: LGPL-2.1-only */
/* Native hotplug (toolstack/hotplug) against libxl's script ABI, in the
 * fake environment of hpfix.h: xenstore is xctl-xenstored in a temporary
 * directory, the network a namespace of the test's own with a bridge and
 * TAP devices it makes, disks files on real loop devices (the test fails
 * where it cannot make them). */
#include "tests/hotplug/hpfix.h"
#include "common/err.h"
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>

#include <cmocka.h>

static const char *getter_env[16];
static const char *fake_get(const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; getter_env[i]; i++)
		if (!strncmp(getter_env[i], name, n) && getter_env[i][n] == '=')
			return getter_env[i] + n + 1;
	return NULL;
}

static int parse(const char *const env[], int argc, char *const argv[], struct xctl_hp_req *r)
{
	char why[256];
	memset(getter_env, 0, sizeof(getter_env));
	for (size_t i = 0; env[i]; i++)
		getter_env[i] = env[i];
	return xctl_hp_parse(argc, argv, fake_get, r, why, sizeof(why));
}

/* ---- libxl's ABI */

static void test_parse_abi(void **state)
{
	(void)state;
	struct xctl_hp_req r;
	const char *vbdenv[] = { "XENBUS_TYPE=vbd", "XENBUS_PATH=backend/vbd/3/51712", "XENBUS_BASE_PATH=backend",
				 "script=/x", NULL };
	char *add[] = { "block", "add", NULL }, *rem[] = { "block", "remove", NULL };
	assert_int_equal(parse(vbdenv, 2, add, &r), 0);
	assert_int_equal(r.kind, XCTL_HP_VBD);
	assert_int_equal(r.action, XCTL_HP_ADD);
	assert_int_equal(r.domid, 3);
	assert_int_equal(r.devid, 51712);
	assert_string_equal(r.path, "backend/vbd/3/51712");
	assert_int_equal(parse(vbdenv, 2, rem, &r), 0);
	assert_int_equal(r.action, XCTL_HP_REMOVE);
	char *online[] = { "vif-bridge", "online", "type_if=vif", NULL };
	char *offline[] = { "vif-bridge", "offline", "type_if=vif", NULL };
	assert_int_equal(parse(vbdenv, 3, online, &r), XCTL_ERR_INVAL); /* not a vbd action */
	assert_int_equal(parse(vbdenv, 1, add, &r), XCTL_ERR_INVAL);    /* no action */

	const char *vifenv[] = { "XENBUS_TYPE=vif", "XENBUS_PATH=backend/vif/12/1", "vif=vif12.1", "netdev=",
				 "INTERFACE=vif12.1-emu", NULL };
	assert_int_equal(parse(vifenv, 3, online, &r), 0);
	assert_int_equal(r.kind, XCTL_HP_VIF);
	assert_int_equal(r.action, XCTL_HP_ADD);
	assert_false(r.tap);
	assert_string_equal(r.ifname, "vif12.1");
	assert_int_equal(r.domid, 12);
	assert_int_equal(r.devid, 1);
	assert_int_equal(parse(vifenv, 3, offline, &r), 0);
	assert_int_equal(r.action, XCTL_HP_REMOVE);
	/* add/remove are for the tap, online/offline for the vif */
	char *vadd[] = { "vif-bridge", "add", "type_if=vif", NULL };
	assert_int_equal(parse(vifenv, 3, vadd, &r), 1);
	char *tadd[] = { "vif-bridge", "add", "type_if=tap", NULL };
	char *tonline[] = { "vif-bridge", "online", "type_if=tap", NULL };
	assert_int_equal(parse(vifenv, 3, tadd, &r), 0);
	assert_true(r.tap);
	assert_string_equal(r.ifname, "vif12.1-emu");
	assert_int_equal(parse(vifenv, 3, tonline, &r), 1);
	char *bad_if[] = { "vif-bridge", "online", "type_if=ioemu", NULL };
	assert_int_equal(parse(vifenv, 3, bad_if, &r), XCTL_ERR_INVAL);
	char *bad[] = { "vif-bridge", "up", NULL };
	assert_int_equal(parse(vifenv, 2, bad, &r), XCTL_ERR_INVAL);
	/* online without type_if: a vif */
	assert_int_equal(parse(vifenv, 2, online, &r), 0);
	assert_false(r.tap);

	const char *novif[] = { "XENBUS_TYPE=vif", "XENBUS_PATH=backend/vif/12/1", NULL };
	assert_int_equal(parse(novif, 3, online, &r), XCTL_ERR_INVAL);
	const char *longvif[] = { "XENBUS_TYPE=vif", "XENBUS_PATH=backend/vif/12/1", "vif=vif12345678901.1", NULL };
	assert_int_equal(parse(longvif, 3, online, &r), XCTL_ERR_INVAL);
	const char *notype[] = { "XENBUS_PATH=backend/vbd/3/51712", NULL };
	assert_int_equal(parse(notype, 2, add, &r), XCTL_ERR_INVAL);
	const char *badtype[] = { "XENBUS_TYPE=vkbd", "XENBUS_PATH=backend/vbd/3/51712", NULL };
	assert_int_equal(parse(badtype, 2, add, &r), XCTL_ERR_INVAL);
	const char *nopath[] = { "XENBUS_TYPE=vbd", NULL };
	assert_int_equal(parse(nopath, 2, add, &r), XCTL_ERR_INVAL);
	const char *badids[][3] = { { "XENBUS_TYPE=vbd", "XENBUS_PATH=backend/vbd/x/51712", NULL },
				    { "XENBUS_TYPE=vbd", "XENBUS_PATH=backend/vbd/3/", NULL },
				    { "XENBUS_TYPE=vbd", "XENBUS_PATH=51712", NULL },
				    { "XENBUS_TYPE=vbd", "XENBUS_PATH=backend/vbd/4294967296/1", NULL } };
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(parse(badids[i], 2, add, &r), XCTL_ERR_INVAL);
	const char *absp[] = { "XENBUS_TYPE=vbd", "XENBUS_PATH=/local/domain/0/backend/vbd/4294967295/7", NULL };
	assert_int_equal(parse(absp, 2, add, &r), 0);
	assert_int_equal(r.domid, 4294967295u);
	assert_int_equal(r.devid, 7);
	char name[64];
	xctl_hp_name(&r, name, sizeof(name));
	assert_string_equal(name, "vbd 7 of domain 4294967295");
}

/* ---- vbd */

static void test_vbd_file(void **state)
{
	(void)state;
	char file[300], dev[64];
	struct xctl_hp_req r;
	mkfile("a.img", file, sizeof(file));
	vbd(&r, 3, 51712, XCTL_HP_ADD);
	vbd_nodes(&r, file, "w");
	assert_int_equal(xctl_hp_run(&F.c, &r), 0);
	assert_physdev(r.path);
	snprintf(dev, sizeof(dev), "%s", bget(r.path, XS_KEY_PHYSICAL_DEVICE_PATH));
	assert_true(backed_by(dev, file));
	assert_int_equal(sysfs_int(dev, "ro"), 0);
	/* the lock of the device is its own */
	char lp[400];
	snprintf(lp, sizeof(lp), "%s/vbd-3-51712.lock", F.locks);
	assert_int_equal(access(lp, F_OK), 0);
	/* a second add finds physical-device and does nothing */
	bset(r.path, XS_KEY_HOTPLUG_STATUS, "left");
	assert_int_equal(xctl_hp_run(&F.c, &r), 0);
	assert_string_equal(bget(r.path, XS_KEY_HOTPLUG_STATUS), "left");
	r.action = XCTL_HP_REMOVE;
	assert_int_equal(xctl_hp_run(&F.c, &r), 0);
	assert_false(backed_by(dev, file));
	assert_int_equal(access(lp, F_OK), -1);
	/* removing again (nothing attached) is fine */
	assert_int_equal(xctl_hp_run(&F.c, &r), 0);
}

static void test_vbd_sharing(void **state)
{
	(void)state;
	char file[300], da[64], db[64];
	struct xctl_hp_req a, b, w;
	mkfile("shared.img", file, sizeof(file));
	vbd(&a, 4, 51712, XCTL_HP_ADD);
	vbd(&b, 5, 51712, XCTL_HP_ADD);
	vbd(&w, 6, 51712, XCTL_HP_ADD);
	vbd_nodes(&a, file, "r");
	vbd_nodes(&b, file, "ro");
	vbd_nodes(&w, file, "w");
	assert_int_equal(xctl_hp_run(&F.c, &a), 0);
	assert_int_equal(xctl_hp_run(&F.c, &b), 0); /* two readers share it */
	snprintf(da, sizeof(da), "%s", bget(a.path, XS_KEY_PHYSICAL_DEVICE_PATH));
	snprintf(db, sizeof(db), "%s", bget(b.path, XS_KEY_PHYSICAL_DEVICE_PATH));
	assert_string_not_equal(da, db);
	assert_int_equal(sysfs_int(da, "ro"), 1);
	assert_int_equal(sysfs_int(db, "ro"), 1);
	/* a writer is refused while readers have it: busy, as the script */
	assert_int_equal(xctl_hp_run(&F.c, &w), XCTL_ERR_BUSY);
	assert_string_equal(bget(w.path, XS_KEY_HOTPLUG_STATUS), "busy");
	assert_non_null(strstr(bget(w.path, XS_KEY_HOTPLUG_ERROR), "already attached"));
	assert_string_equal(bget(w.path, XS_KEY_PHYSICAL_DEVICE), "");
	/* w! shares on purpose */
	vbd_nodes(&w, file, "w!");
	assert_int_equal(xctl_hp_run(&F.c, &w), 0);
	assert_physdev(w.path);
	struct xctl_hp_req rd;
	vbd(&rd, 7, 51712, XCTL_HP_ADD);
	vbd_nodes(&rd, file, "r");
	/* and now a reader is refused: someone writes it */
	assert_int_equal(xctl_hp_run(&F.c, &rd), XCTL_ERR_BUSY);
	assert_string_equal(bget(rd.path, XS_KEY_HOTPLUG_STATUS), "busy");
	a.action = b.action = w.action = XCTL_HP_REMOVE;
	assert_int_equal(xctl_hp_run(&F.c, &a), 0);
	assert_int_equal(xctl_hp_run(&F.c, &b), 0);
	assert_int_equal(xctl_hp_run(&F.c, &w), 0);
	bool wr;
	char which[64];
	assert_int_equal(xctl_hp_loop_backing(file, &wr, which, sizeof(which)), 0);
}

static void test_vbd_phy(void **state)
{
	(void)state;
	char file[300], dev[64], why[256];
	unsigned maj, min;
	mkfile("phy.img", file, sizeof(file));
	assert_int_equal(xctl_hp_loop_attach(file, false, dev, sizeof(dev), &maj, &min, why, sizeof(why)), 0);
	struct xctl_hp_req r;
	vbd(&r, 8, 51728, XCTL_HP_ADD);
	vbd_nodes(&r, dev, "w");
	bset(r.path, XS_KEY_STATE, "1"); /* not looked at for a block device */
	assert_int_equal(xctl_hp_run(&F.c, &r), 0);
	assert_physdev(r.path);
	assert_string_equal(bget(r.path, XS_KEY_PHYSICAL_DEVICE_PATH), dev);
	char want[32];
	snprintf(want, sizeof(want), "%x:%x", maj, min);
	assert_string_equal(bget(r.path, XS_KEY_PHYSICAL_DEVICE), want);
	/* remove leaves a block device it was given */
	r.action = XCTL_HP_REMOVE;
	assert_int_equal(xctl_hp_run(&F.c, &r), 0);
	assert_true(backed_by(dev, file));
	/* detach checks what backs the device */
	assert_int_equal(xctl_hp_loop_detach(dev, "/nonexistent", why, sizeof(why)), 1);
	assert_int_equal(xctl_hp_loop_detach("/dev/null", file, why, sizeof(why)), 1);
	assert_int_equal(xctl_hp_loop_detach(dev, file, why, sizeof(why)), 0);
	assert_false(backed_by(dev, file));
}

static void test_vbd_errors(void **state)
{
	(void)state;
	char file[300];
	struct xctl_hp_req r;
	vbd(&r, 9, 51712, XCTL_HP_ADD);
	vbd_nodes(&r, "/nonexistent/disk.img", "w");
	assert_int_equal(xctl_hp_run(&F.c, &r), XCTL_ERR_NOTFOUND);
	assert_string_equal(bget(r.path, XS_KEY_HOTPLUG_STATUS), "error");
	assert_non_null(strstr(bget(r.path, XS_KEY_HOTPLUG_ERROR), "/nonexistent/disk.img does not exist"));
	/* logged once, naming the device */
	char logtext[4096] = "";
	fflush(F.logf);
	FILE *lf = fopen(F.logpath, "r");
	assert_non_null(lf);
	size_t nr = fread(logtext, 1, sizeof(logtext) - 1, lf);
	logtext[nr] = 0;
	fclose(lf);
	if (!getenv("XCTL_HP_VERBOSE")) /* which logs to stderr */
		assert_non_null(
			strstr(logtext, "vbd 51712 of domain 9: hotplug add failed: /nonexistent/disk.img does not exist"));
	/* a file whose backend is no longer waiting */
	mkfile("late.img", file, sizeof(file));
	vbd_nodes(&r, file, "w");
	bset(r.path, XS_KEY_STATE, "5");
	assert_int_equal(xctl_hp_run(&F.c, &r), XCTL_ERR_BUSY);
	assert_string_equal(bget(r.path, XS_KEY_HOTPLUG_STATUS), "error");
	assert_non_null(strstr(bget(r.path, XS_KEY_HOTPLUG_ERROR), "state 5"));
	/* no params, no mode */
	brm(r.path);
	bset(r.path, XS_KEY_MODE, "w");
	assert_int_equal(xctl_hp_run(&F.c, &r), XCTL_ERR_NOTFOUND);
	assert_non_null(strstr(bget(r.path, XS_KEY_HOTPLUG_ERROR), "no params"));
	brm(r.path);
	bset(r.path, XS_KEY_PARAMS, file);
	assert_int_equal(xctl_hp_run(&F.c, &r), XCTL_ERR_NOTFOUND);
	assert_non_null(strstr(bget(r.path, XS_KEY_HOTPLUG_ERROR), "no mode"));
	/* neither a block device nor a file */
	vbd_nodes(&r, "/dev/null", "w");
	assert_int_equal(xctl_hp_run(&F.c, &r), XCTL_ERR_INVAL);
	assert_non_null(strstr(bget(r.path, XS_KEY_HOTPLUG_ERROR), "neither"));
	/* read-only file for a writer */
	vbd_nodes(&r, file, "w");
	chmod(file, 0444);
	if (geteuid() != 0) { /* root writes anyway; the check is access(2)'s */
		assert_int_equal(xctl_hp_run(&F.c, &r), XCTL_ERR_PERM);
		assert_string_equal(bget(r.path, XS_KEY_HOTPLUG_STATUS), "busy");
	}
	chmod(file, 0644);
	/* an empty drive (CD-ROM): nothing to attach, connected */
	vbd_nodes(&r, "", "r");
	assert_int_equal(xctl_hp_run(&F.c, &r), 0);
	assert_string_equal(bget(r.path, XS_KEY_HOTPLUG_STATUS), "connected");
	assert_string_equal(bget(r.path, XS_KEY_PHYSICAL_DEVICE), "");
	/* the modes */
	vbd_nodes(&r, file, "r");
	assert_int_equal(xctl_hp_run(&F.c, &r), 0);
	char dev[64];
	snprintf(dev, sizeof(dev), "%s", bget(r.path, XS_KEY_PHYSICAL_DEVICE_PATH));
	assert_int_equal(sysfs_int(dev, "ro"), 1);
	r.action = XCTL_HP_REMOVE;
	assert_int_equal(xctl_hp_run(&F.c, &r), 0);
	assert_false(backed_by(dev, file));
}

/* ---- the per-device lock */

static void test_lock_per_device(void **state)
{
	(void)state;
	char file[300], lp[400];
	mkfile("lock.img", file, sizeof(file));
	snprintf(lp, sizeof(lp), "%s/vbd-10-1.lock", F.locks);
	int fd = open(lp, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	struct xctl_hp_req held, other;
	vbd(&held, 10, 1, XCTL_HP_ADD);
	vbd(&other, 10, 2, XCTL_HP_ADD);
	vbd_nodes(&held, file, "r");
	vbd_nodes(&other, file, "r");
	struct xctl_hp_ctx c = F.c;
	c.timeout_ms = 300;
	/* another device of the same domain does not wait */
	long t0 = xctl_mono_ms();
	assert_int_equal(xctl_hp_run(&c, &other), 0);
	assert_true(xctl_mono_ms() - t0 < 300);
	/* the held one gives up after the timeout, and says so */
	t0 = xctl_mono_ms();
	assert_int_equal(xctl_hp_run(&c, &held), XCTL_ERR_TIMEOUT);
	assert_true(xctl_mono_ms() - t0 >= 300);
	assert_string_equal(bget(held.path, XS_KEY_HOTPLUG_STATUS), "error");
	assert_non_null(strstr(bget(held.path, XS_KEY_HOTPLUG_ERROR), "300 ms"));
	/* released: it goes through */
	flock(fd, LOCK_UN);
	close(fd);
	vbd_nodes(&held, file, "r");
	assert_int_equal(xctl_hp_run(&c, &held), 0);
	held.action = other.action = XCTL_HP_REMOVE;
	assert_int_equal(xctl_hp_run(&c, &held), 0);
	assert_int_equal(xctl_hp_run(&c, &other), 0);
	/* a lock directory that cannot be made */
	c.lock_dir = "/proc/no/such";
	assert_int_not_equal(xctl_hp_run(&c, &held), 0);
}

/* ---- vif */

static void test_vif_online_offline(void **state)
{
	(void)state;
	struct xctl_hp_req r;
	bool up, is_bridge = false;
	int mtu;
	uint8_t mac[6];
	static const uint8_t fe[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };
	mkbridge("xbr1", 1400);
	mktap("vif20.0");
	assert_int_equal(xctl_hp_link_exists("xbr1", &is_bridge), 1);
	assert_true(is_bridge);
	assert_int_equal(xctl_hp_link_exists("vif20.0", &is_bridge), 1);
	assert_false(is_bridge);
	assert_int_equal(xctl_hp_link_exists("nope0", NULL), 0);
	vif(&r, 20, 0, XCTL_HP_ADD);
	brm(r.path);
	bset(r.path, XS_KEY_BRIDGE, "xbr1");
	assert_int_equal(xctl_hp_run(&F.c, &r), 0);
	assert_string_equal(bget(r.path, XS_KEY_HOTPLUG_STATUS), "connected");
	char fe_mtu[128];
	snprintf(fe_mtu, sizeof(fe_mtu), XS_FMT_VIF_FE_MTU, 20u, 0u);
	assert_string_equal(bget(fe_mtu, NULL), "1400"); /* the bridge's */
	link_state("vif20.0", &up, &mtu, mac);
	assert_true(up);
	assert_int_equal(mtu, 1400);
	assert_memory_equal(mac, fe, 6);
	assert_true(xctl_hp_bridge_has("xbr1", "vif20.0"));
	/* a pure bridge port: no IPv6 of its own */
	if (access("/proc/sys/net/ipv6", F_OK) == 0) { /* a kernel without IPv6 has nothing to turn off */
		FILE *f6 = fopen("/proc/sys/net/ipv6/conf/vif20.0/disable_ipv6", "r");
		assert_non_null(f6);
		assert_int_equal(fgetc(f6), '1');
		fclose(f6);
	}
	/* online again: already a port, still fine */
	assert_int_equal(xctl_hp_run(&F.c, &r), 0);
	r.action = XCTL_HP_REMOVE;
	assert_int_equal(xctl_hp_run(&F.c, &r), 0);
	link_state("vif20.0", &up, &mtu, mac);
	assert_false(up);
	assert_false(xctl_hp_bridge_has("xbr1", "vif20.0"));
	/* offline of an interface that is gone already */
	vif(&r, 20, 9, XCTL_HP_REMOVE);
	assert_int_equal(xctl_hp_run(&F.c, &r), 0);
}

static void test_vif_mtu_vifname_tap(void **state)
{
	(void)state;
	struct xctl_hp_req r;
	bool up;
	int mtu;
	uint8_t mac[6];
	mkbridge("xbr2", 1500);
	mktap("vif21.0");
	vif(&r, 21, 0, XCTL_HP_ADD);
	brm(r.path);
	bset(r.path, XS_KEY_BRIDGE, "xbr2");
	bset(r.path, XS_KEY_MTU, "1280");
	bset(r.path, XS_KEY_VIFNAME, "web0");
	assert_int_equal(xctl_hp_run(&F.c, &r), 0);
	assert_int_equal(xctl_hp_link_exists("vif21.0", NULL), 0);
	link_state("web0", &up, &mtu, mac);
	assert_true(up);
	assert_int_equal(mtu, 1280);
	assert_true(xctl_hp_bridge_has("xbr2", "web0"));
	char fe_mtu[128];
	snprintf(fe_mtu, sizeof(fe_mtu), XS_FMT_VIF_FE_MTU, 21u, 0u);
	assert_string_equal(bget(fe_mtu, NULL), "1280");
	r.action = XCTL_HP_REMOVE;
	assert_int_equal(xctl_hp_run(&F.c, &r), 0);
	assert_false(xctl_hp_bridge_has("xbr2", "web0"));
	/* a vifname taken by another interface */
	mktap("vif21.1");
	mktap("taken0");
	vif(&r, 21, 1, XCTL_HP_ADD);
	brm(r.path);
	bset(r.path, XS_KEY_BRIDGE, "xbr2");
	bset(r.path, XS_KEY_VIFNAME, "taken0");
	assert_int_equal(xctl_hp_run(&F.c, &r), XCTL_ERR_EXISTS);
	assert_non_null(strstr(bget(r.path, XS_KEY_HOTPLUG_ERROR), "taken0 already exists"));
	/* a bad mtu node */
	brm(r.path);
	bset(r.path, XS_KEY_BRIDGE, "xbr2");
	bset(r.path, XS_KEY_MTU, "67");
	assert_int_equal(xctl_hp_run(&F.c, &r), XCTL_ERR_INVAL);
	assert_non_null(strstr(bget(r.path, XS_KEY_HOTPLUG_ERROR), "68 to 65535"));
	/* the emulated twin: bridged, but hotplug-status is the vif's */
	mktap("vif21.1-emu");
	brm(r.path);
	bset(r.path, XS_KEY_BRIDGE, "xbr2");
	r.tap = true;
	snprintf(r.ifname, sizeof(r.ifname), "vif21.1-emu");
	assert_int_equal(xctl_hp_run(&F.c, &r), 0);
	assert_true(xctl_hp_bridge_has("xbr2", "vif21.1-emu"));
	assert_string_equal(bget(r.path, XS_KEY_HOTPLUG_STATUS), "");
}

static void test_vif_no_bridge(void **state)
{
	(void)state;
	struct xctl_hp_req r;
	mktap("vif22.0");
	vif(&r, 22, 0, XCTL_HP_ADD);
	brm(r.path);
	bset(r.path, XS_KEY_BRIDGE, "nobr0");
	assert_int_equal(xctl_hp_run(&F.c, &r), XCTL_ERR_NOTFOUND);
	assert_string_equal(bget(r.path, XS_KEY_HOTPLUG_STATUS), "error");
	assert_non_null(strstr(bget(r.path, XS_KEY_HOTPLUG_ERROR), "no bridge nobr0"));
	/* a name that is no bridge */
	bset(r.path, XS_KEY_BRIDGE, "vif22.0");
	assert_int_equal(xctl_hp_run(&F.c, &r), XCTL_ERR_NOTFOUND);
	brm(r.path);
	assert_int_equal(xctl_hp_run(&F.c, &r), XCTL_ERR_NOTFOUND);
	assert_non_null(strstr(bget(r.path, XS_KEY_HOTPLUG_ERROR), "no bridge node"));
	/* the simulated host's choice: connected, unbridged */
	struct xctl_hp_ctx c = F.c;
	c.missing_bridge_ok = true;
	bset(r.path, XS_KEY_BRIDGE, "nobr0");
	assert_int_equal(xctl_hp_run(&c, &r), 0);
	assert_string_equal(bget(r.path, XS_KEY_HOTPLUG_STATUS), "connected");
	if (!getenv("XCTL_HP_VERBOSE")) { /* which logs to stderr */
		static char logtext[1 << 16];
		fflush(F.logf);
		FILE *lf = fopen(F.logpath, "r");
		assert_non_null(lf);
		logtext[fread(logtext, 1, sizeof(logtext) - 1, lf)] = 0;
		fclose(lf);
		assert_non_null(strstr(logtext, "vif 0 of domain 22: no bridge nobr0 here: vif22.0 stays unbridged"));
	}
	/* no bridge and no mtu node: no MTU to tell the frontend */
	char fe_mtu[128];
	snprintf(fe_mtu, sizeof(fe_mtu), XS_FMT_VIF_FE_MTU, 22u, 0u);
	assert_string_equal(bget(fe_mtu, NULL), "");
	/* no interface at all */
	vif(&r, 22, 5, XCTL_HP_ADD);
	assert_int_not_equal(xctl_hp_run(&c, &r), 0);
	assert_string_equal(bget(r.path, XS_KEY_HOTPLUG_STATUS), "error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_abi),	   cmocka_unit_test(test_vbd_file),
		cmocka_unit_test(test_vbd_sharing),	   cmocka_unit_test(test_vbd_phy),
		cmocka_unit_test(test_vbd_errors),	   cmocka_unit_test(test_lock_per_device),
		cmocka_unit_test(test_vif_online_offline), cmocka_unit_test(test_vif_mtu_vifname_tap),
		cmocka_unit_test(test_vif_no_bridge),
	};
	return cmocka_run_group_tests_name("hotplug", tests, hp_setup, hp_teardown);
}
