/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-hotplug and the shipped scripts/hotplug/block and vif-bridge, run
 * as libxl runs a hotplug script (argv and environment), in the fake
 * environment of hpfix.h; both must do the same. */
#include "tests/hotplug/hpfix.h"
#include "common/err.h"
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

/* ---- the program and the scripts, run as libxl runs them */

struct abi_case {
	const char *prog; /* the program of the build, or NULL: the scripts */
	bool script;
};

static void abi_run(const struct abi_case *k, uint32_t domid)
{
	char prog[512], path[128], lockenv[400], pathenv[160], vifenv[64], file[300];
	const char *bin = getenv("XCTL_BIN") ? getenv("XCTL_BIN") : "build/bin";
	const char *src = getenv("XCTL_SRC") ? getenv("XCTL_SRC") : ".";
	if (k->script)
		snprintf(prog, sizeof(prog), "%s/scripts/hotplug/block", src);
	else
		snprintf(prog, sizeof(prog), "%s/%s", bin, k->prog);
	snprintf(lockenv, sizeof(lockenv), "%s=%s", k->script ? "HOTPLUG_LOCK_DIR" : "XCTL_HOTPLUG_LOCK_DIR",
		 F.locks);
	mkfile("abi.img", file, sizeof(file));
	/* vbd add, remove */
	snprintf(path, sizeof(path), XS_REL_VBD_BE, domid, 51712u);
	snprintf(pathenv, sizeof(pathenv), "XENBUS_PATH=%s", path);
	const char *env[] = { "XENBUS_TYPE=vbd", pathenv, "XENBUS_BASE_PATH=backend", lockenv, NULL };
	char *add[] = { prog, "add", NULL }, *rem[] = { prog, "remove", NULL }, *bad[] = { prog, "attach", NULL };
	brm(path);
	bset(path, XS_KEY_PARAMS, file);
	bset(path, XS_KEY_MODE, "w");
	bset(path, XS_KEY_STATE, "2");
	assert_int_equal(run(add, env), 0);
	assert_physdev(path);
	char dev[64];
	snprintf(dev, sizeof(dev), "%s", bget(path, XS_KEY_PHYSICAL_DEVICE_PATH));
	assert_true(backed_by(dev, file));
	/* a second disk on the same file, writable: refused, busy */
	char path2[128], pathenv2[160];
	snprintf(path2, sizeof(path2), XS_REL_VBD_BE, domid + 1, 51712u);
	snprintf(pathenv2, sizeof(pathenv2), "XENBUS_PATH=%s", path2);
	const char *env2[] = { "XENBUS_TYPE=vbd", pathenv2, lockenv, NULL };
	brm(path2);
	bset(path2, XS_KEY_PARAMS, file);
	bset(path2, XS_KEY_MODE, "w");
	bset(path2, XS_KEY_STATE, "2");
	assert_int_equal(run(add, env2), 1);
	assert_string_equal(bget(path2, XS_KEY_HOTPLUG_STATUS), "busy");
	assert_string_not_equal(bget(path2, XS_KEY_HOTPLUG_ERROR), "");
	assert_int_equal(run(rem, env), 0);
	assert_false(backed_by(dev, file));
	/* a missing file: error, hotplug-error says which */
	bset(path2, XS_KEY_PARAMS, "/nonexistent.img");
	assert_int_equal(run(add, env2), 1);
	assert_string_equal(bget(path2, XS_KEY_HOTPLUG_STATUS), "error");
	assert_non_null(strstr(bget(path2, XS_KEY_HOTPLUG_ERROR), "/nonexistent.img"));
	assert_int_not_equal(run(bad, env), 0);

	/* vif online, offline */
	char ifname[16], br[16];
	snprintf(ifname, sizeof(ifname), "vif%u.0", domid);
	snprintf(br, sizeof(br), "abr%u", domid);
	mkbridge(br, 1450);
	mktap(ifname);
	snprintf(path, sizeof(path), XS_REL_VIF_BE, domid, 0u);
	snprintf(pathenv, sizeof(pathenv), "XENBUS_PATH=%s", path);
	snprintf(vifenv, sizeof(vifenv), "vif=%s", ifname);
	const char *venv[] = { "XENBUS_TYPE=vif", pathenv, "XENBUS_BASE_PATH=backend", vifenv, "netdev=", lockenv,
			       NULL };
	snprintf(prog, sizeof(prog), "%s/%s%s", k->script ? src : bin, k->script ? "scripts/hotplug/" : "",
		 k->script ? "vif-bridge" : k->prog);
	char *on[] = { prog, "online", "type_if=vif", NULL }, *off[] = { prog, "offline", "type_if=vif", NULL };
	char *vadd[] = { prog, "add", "type_if=vif", NULL };
	brm(path);
	bset(path, XS_KEY_BRIDGE, br);
	assert_int_equal(run(vadd, venv), 0); /* nothing to do for a vif */
	assert_string_equal(bget(path, XS_KEY_HOTPLUG_STATUS), "");
	assert_int_equal(run(on, venv), 0);
	assert_string_equal(bget(path, XS_KEY_HOTPLUG_STATUS), "connected");
	char fe_mtu[128];
	snprintf(fe_mtu, sizeof(fe_mtu), XS_FMT_VIF_FE_MTU, domid, 0u);
	assert_string_equal(bget(fe_mtu, NULL), "1450");
	assert_true(xctl_hp_bridge_has(br, ifname));
	bool up;
	int mtu;
	uint8_t mac[6];
	link_state(ifname, &up, &mtu, mac);
	assert_true(up);
	assert_int_equal(mtu, 1450);
	assert_int_equal(mac[0], 0xfe);
	assert_int_equal(run(off, venv), 0);
	assert_false(xctl_hp_bridge_has(br, ifname));
	link_state(ifname, &up, &mtu, mac);
	assert_false(up);
	/* a bridge that is not there */
	bset(path, XS_KEY_BRIDGE, "nothere0");
	assert_int_equal(run(on, venv), 1);
	assert_string_equal(bget(path, XS_KEY_HOTPLUG_STATUS), "error");
	assert_non_null(strstr(bget(path, XS_KEY_HOTPLUG_ERROR), "nothere0"));
}

static void test_prog_abi(void **state)
{
	(void)state;
	struct abi_case k = { "xctl-hotplug", false };
	abi_run(&k, 30);
	/* not called as libxl calls a script: 2, and a bad timeout too */
	char prog[512];
	snprintf(prog, sizeof(prog), "%s/xctl-hotplug", getenv("XCTL_BIN") ? getenv("XCTL_BIN") : "build/bin");
	char *add[] = { prog, "add", NULL };
	const char *none[] = { NULL };
	assert_int_equal(run(add, none), 2);
	const char *badt[] = { "XENBUS_TYPE=vbd", "XENBUS_PATH=backend/vbd/1/2", "XCTL_HOTPLUG_TIMEOUT=0", NULL };
	assert_int_equal(run(add, badt), 2);
	const char *badt2[] = { "XENBUS_TYPE=vbd", "XENBUS_PATH=backend/vbd/1/2", "XCTL_HOTPLUG_TIMEOUT=3601", NULL };
	assert_int_equal(run(add, badt2), 2);
	/* nothing to do: 0 */
	char *vadd[] = { prog, "add", "type_if=vif", NULL };
	const char *vif_env[] = { "XENBUS_TYPE=vif", "XENBUS_PATH=backend/vif/1/0", "vif=vif1.0", NULL };
	assert_int_equal(run(vadd, vif_env), 0);
}

static void test_scripts_abi(void **state)
{
	(void)state;
	struct abi_case k = { NULL, true };
	abi_run(&k, 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prog_abi),
		cmocka_unit_test(test_scripts_abi),
	};
	return cmocka_run_group_tests_name("hotplug_abi", tests, hp_setup, hp_teardown);
}
