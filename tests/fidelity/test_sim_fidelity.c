/* SPDX-License-Identifier: LGPL-2.1-only */
/* The simulated host builds the tree real Xen builds: the lab's PV, PVH and
 * HVM guests (the config of tests/lab/dom0/guest.sh) are created on a
 * simulated host of this test's own, and its xenstore tree after each phase
 * (created, connected, shutdown, destroyed) is compared, normalised, with
 * the tree xl left in the lab (tests/fixtures/xenstore/, refreshed by
 * scripts/lab-xenstore-fixtures.sh) by `xctl schema diff`. A node that
 * differs is a fidelity bug of the simulated host unless
 * tests/fidelity/sim.allow documents it (docs/lab.md says why).
 *
 * The lab dumps "created" right after `xl create` returns, before the guest
 * kernel has reached xenbus (it takes seconds to boot there); here the guest
 * is created paused for that dump, so that the tree is the toolstack's and
 * the backends' alone, as in the lab, then unpaused. The host has one cpu,
 * as the lab's dom0 has one vcpu (backends size their queues by it), and
 * runs in a network namespace of its own when it may. */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/cli/runcmd.h"

struct fix {
	char *tmp;
	char src[512];
	char bin[4096];
};

static struct fix F;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int setup(void **state)
{
	(void)state;
	if (!realpath(bin_path(""), F.bin) || !(F.tmp = runcmd_mkdtemp()))
		return -1;
	char v[700];
	const char *envs[][2] = { { "XCTL_SIM_DIR", "sim" }, { "XCTL_STATE_DIR", "state" },
				  { "XCTL_LOG_DIR", "log" },   { "XCTL_HOOKS_DIR", "hooks" },
				  { "XCTL_DUMP_DIR", "dump" }, { "XENSTORED_PATH", "sim/xenstored.sock" } };
	for (size_t i = 0; i < sizeof(envs) / sizeof(envs[0]); i++) {
		snprintf(v, sizeof(v), "%s/%s", F.tmp, envs[i][1]);
		setenv(envs[i][0], v, 1);
	}
	snprintf(v, sizeof(v), "%d", (int)getpid());
	setenv("XCTL_SIM_LIFELINE", v, 1); /* the host goes with this program */
	struct runcmd_result r;
	runcmd(&r, "\"$XCTL_BIN/xctl\" sim start --dir \"$XCTL_SIM_DIR\" --cpus 1");
	int st = r.status;
	if (st)
		fprintf(stderr, "cannot start the simulated host: %s%s\n", r.out, r.err);
	runcmd_free(&r);
	return st ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, "\"$XCTL_BIN/xctl\" sim stop --dir \"$XCTL_SIM_DIR\"");
	runcmd_free(&r);
	runcmd_rmtree(F.tmp);
	free(F.tmp);
	return 0;
}

/* The lab's guest config (tests/lab/dom0/guest.sh, lab_guest_cfg) for xl-TYPE. */
static void write_cfg(const char *ty, const char *ip, const char *img, const char *cfg)
{
	unsigned last = (unsigned)atoi(strrchr(ip, '.') + 1);
	char text[2048];
	bool hvm = !strcmp(ty, "hvm");
	snprintf(text, sizeof(text),
		 "name = \"lab-%s\"\ntype = \"%s\"\nmemory = 128\nvcpus = 1\n"
		 "kernel = \"/lab/guest/vmlinuz\"\nramdisk = \"/lab/guest/initrd.img\"\n"
		 "disk = [ \"format=raw,vdev=xvda,access=rw,script=block,target=%s\" ]\n"
		 "on_poweroff = \"preserve\"\non_reboot = \"preserve\"\non_crash = \"preserve\"\n"
		 "cmdline = \"console=hvc0 lab.ip=%s\"\n"
		 "vif = [ \"mac=00:16:3e:00:00:%02x,bridge=xenbr0%s\" ]\n%s",
		 ty, ty, img, ip, last, hvm ? ",type=vif" : "", hvm ? "vnc = 0\nsdl = 0\nvga = \"none\"\n" : "");
	assert_int_equal(runcmd_write_file(cfg, text), 0);
}

static void dump(const char *ty, const char *phase)
{
	struct runcmd_result r;
	runcmd(&r, "{ xenstore-ls -fp / >'%s/%s-%s.txt'; }", F.tmp, ty, phase);
	if (r.status)
		fprintf(stderr, "xenstore-ls: %s\n", r.err);
	assert_int_equal(r.status, 0);
	runcmd_free(&r);
}

/* Run a shell condition every 100 ms until it holds (at most 20 s). */
static bool wait_for(const char *what, const char *cmd)
{
	for (int i = 0; i < 200; i++) {
		struct runcmd_result r;
		runcmd(&r, "%s", cmd);
		int st = r.status;
		runcmd_free(&r);
		if (st == 0)
			return true;
		sleep_ms(100);
	}
	fprintf(stderr, "gave up waiting for %s\n", what);
	return false;
}

/* Compare this run's tree of a phase with the lab's trees of it (xl's and
 * xctl's, each that is checked in); prints every difference, documented or
 * not. Returns the number of comparisons that found undocumented ones, or
 * 1 when there is no fixture at all for the phase. */
static int compare(const char *ty, const char *phase, const char *img, const char *ip)
{
	int bad = 0, n = 0;
	const char *tools[] = { "xl", "xctl" };
	/* the lab's xctl-TYPE scenario gives its guest the address of xl-TYPE's
	 * plus 10 in the last byte (10.0.0.21 against 10.0.0.11) */
	char ip_xctl[32];
	const char *dot = strrchr(ip, '.');
	snprintf(ip_xctl, sizeof(ip_xctl), "%.*s.%d", (int)(dot - ip), ip, atoi(dot + 1) + 10);
	for (size_t t = 0; t < 2; t++) {
		char fx[1200], subst[300] = "";
		/* and its guest is the scenario suite's scen-TYPE, with an image
		 * in the suite's directory (tests/lab/scenlib/lib.sh) */
		if (t == 1)
			snprintf(subst, sizeof(subst),
				 "--subst '%s=%s' --subst '/tmp/scenario-suite/tmp-%s/scen-%s.img=/lab/disks/%s.img' "
				 "--subst 'scen-%s=lab-%s' ",
				 ip_xctl, ip, ty, ty, ty, ty, ty);
		snprintf(fx, sizeof(fx), "%s/tests/fixtures/xenstore/xenstore-%s-%s-%s.txt", F.src, tools[t], ty, phase);
		if (access(fx, R_OK))
			continue;
		n++;
		struct runcmd_result r;
		runcmd_merged(&r,
			      "\"$XCTL_BIN/xctl\" schema diff --allow '%s/tests/fidelity/sim.allow' "
			      "--subst '%s=/lab/disks/%s.img' %s'%s' '%s/%s-%s.txt'",
			      F.src, img, ty, subst, fx, F.tmp, ty, phase);
		printf("== %s %s: the lab's %s tree (-) against the simulated host's (+)\n%s", ty, phase, tools[t], r.out);
		bad += r.status != 0;
		runcmd_free(&r);
	}
	if (!n)
		printf("== %s %s: no tree of the lab in tests/fixtures/xenstore/ (scripts/lab-xenstore-fixtures.sh)\n", ty,
		       phase);
	return n ? bad : 1;
}

static void guest(const char *ty, const char *ip)
{
	char cfg[700], img[700], name[32];
	snprintf(cfg, sizeof(cfg), "%s/lab-%s.cfg", F.tmp, ty);
	snprintf(img, sizeof(img), "%s/%s.img", F.tmp, ty);
	snprintf(name, sizeof(name), "lab-%s", ty);
	write_cfg(ty, ip, img, cfg);
	struct runcmd_result r;
	runcmd(&r, "dd if=/dev/zero of='%s' bs=1M count=8 2>/dev/null", img);
	assert_int_equal(r.status, 0);
	runcmd_free(&r);

	runcmd(&r, "\"$XCTL_BIN/xctl\" --sim create -p '%s'", cfg);
	if (r.status)
		fprintf(stderr, "create: %s%s\n", r.out, r.err);
	assert_int_equal(r.status, 0);
	runcmd_free(&r);
	dump(ty, "created");

	runcmd(&r, "\"$XCTL_BIN/xctl\" --sim unpause %s", name);
	assert_int_equal(r.status, 0);
	runcmd_free(&r);
	/* connected as the lab's schema check means it: every device state 4 */
	char cond[1024];
	snprintf(cond, sizeof(cond),
		 "xenstore-ls -fp / >'%s/now.txt' && \"$XCTL_BIN/xctl\" schema check --phase connected '%s/now.txt' >/dev/null",
		 F.tmp, F.tmp);
	assert_true(wait_for("the guest's devices to connect", cond));
	dump(ty, "connected");

	runcmd(&r, "\"$XCTL_BIN/xctl\" --sim shutdown %s", name);
	assert_int_equal(r.status, 0);
	runcmd_free(&r);
	snprintf(cond, sizeof(cond), "\"$XCTL_BIN/xctl\" --sim list %s | awk 'NR == 2 { print $5 }' | grep -q s", name);
	assert_true(wait_for("the guest to shut down", cond));
	dump(ty, "shutdown");

	runcmd(&r, "\"$XCTL_BIN/xctl\" --sim destroy %s", name);
	assert_int_equal(r.status, 0);
	runcmd_free(&r);
	dump(ty, "destroyed");

	int bad = 0;
	const char *phases[] = { "created", "connected", "shutdown", "destroyed" };
	for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++)
		bad += compare(ty, phases[i], img, ip);
	assert_int_equal(bad, 0);
}

static void test_type(void **state)
{
	const char *const *t = *state;
	guest(t[0], t[1]);
}

/* The types the lab's trees are checked in for: a type without any is
 * said, and not compared (scripts/lab-xenstore-fixtures.sh adds it). */
static bool have_fixtures(const char *ty)
{
	char p[1200];
	snprintf(p, sizeof(p), "%s/tests/fixtures/xenstore/xenstore-xl-%s-created.txt", F.src, ty);
	return access(p, R_OK) == 0;
}

int main(void)
{
	/* The vifs' TAP devices are named as xl names them (vifDOMID.DEVID): in a
	 * network namespace of this test's own, another simulated host running
	 * beside it (another test) cannot hold the same names. Without the
	 * privilege the host's netback works as it can anyway. */
	if (unshare(CLONE_NEWNET))
		printf("sim_fidelity: no network namespace of its own (%s): TAP names are shared with the host\n",
		       strerror(errno));
	const char *src = getenv("XCTL_SRC");
	if (!src && !getcwd(F.src, sizeof(F.src)))
		return 1;
	if (src)
		snprintf(F.src, sizeof(F.src), "%s", src);
	/* the lab's addresses (tests/lab/scenarios/1[0-2]-xl-*.sh) */
	static const char *const types[][2] = { { "pv", "10.0.0.11" }, { "pvh", "10.0.0.12" }, { "hvm", "10.0.0.13" } };
	struct CMUnitTest tests[3];
	size_t n = 0;
	for (size_t i = 0; i < 3; i++) {
		if (!have_fixtures(types[i][0])) {
			printf("sim_fidelity: %s: no lab tree in tests/fixtures/xenstore/ (scripts/lab-xenstore-fixtures.sh): "
			       "not compared\n",
			       types[i][0]);
			continue;
		}
		tests[n++] = (struct CMUnitTest){ .name = types[i][0], .test_func = test_type,
						  .initial_state = (void *)types[i] };
	}
	if (!n) {
		printf("sim_fidelity: no lab tree at all in tests/fixtures/xenstore/\n");
		return 1;
	}
	return _cmocka_run_group_tests("sim_fidelity", tests, n, setup, teardown);
}
