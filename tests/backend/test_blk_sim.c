/* SPDX-License-Identifier: LGPL-2.1-only */
/* End to end on the simulated host: xctl-xenstored, xctl-simd with its
 * simulated guests, and the xctl-blkback daemon (over xenio/sim). A guest's
 * disk reaches Connected on both sides, the guest's boot marker lands in
 * the backing file's last sector, the guest's read of sector 0 sees the
 * file's content, and a disk with a broken frontend does not disturb it. */
#include "tests/guest/host.h"
#include "sim/simd/simd.h"
#include "xenstore-schema/xs_paths.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define T_MS 20000
#define XVDA 51712u
#define DISK_BYTES (2u << 20)

struct e2e {
	struct testhost h;
	pid_t blkback;
	char log[256];
};

static pid_t spawn_blkback(struct e2e *e)
{
	char bin[512];
	testhost_bin("xctl-blkback", bin, sizeof(bin));
	snprintf(e->log, sizeof(e->log), "%s/log/xctl-blkback.log", e->h.dir);
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int fd = open(e->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(bin, bin, "--dir", e->h.dir, "--log-level", "debug", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Whether the daemon's log has a line with s (waiting up to 5 s: the
 * daemon writes its state node before it logs). */
static int logged_now(struct e2e *e, const char *s);
static int logged(struct e2e *e, const char *s)
{
	for (int i = 0; i < 100; i++) {
		if (logged_now(e, s))
			return 1;
		usleep(50000);
	}
	return 0;
}

static int logged_now(struct e2e *e, const char *s)
{
	char *buf = NULL;
	FILE *f = fopen(e->log, "r");
	if (!f)
		return 0;
	char line[2048];
	int found = 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, s) != NULL;
	fclose(f);
	free(buf);
	return found;
}

static void add_disk(struct e2e *e, uint32_t domid, unsigned devid, const char *file)
{
	struct testhost *h = &e->h;
	char be[128], fe[128], p[256], v[64], perms[32];
	snprintf(be, sizeof(be), XS_FMT_VBD_BE, 0u, domid, devid);
	snprintf(fe, sizeof(fe), XS_FMT_VBD_FE, domid, devid);
	const struct {
		const char *k, *v;
	} bek[] = {
		{ XS_KEY_FRONTEND, fe }, { XS_KEY_ONLINE, "1" }, { XS_KEY_STATE, "1" },
		{ XS_KEY_PARAMS, file }, { XS_KEY_TYPE, "phy" }, { XS_KEY_MODE, "w" },
		{ XS_KEY_DEV, "xvda" },  { XS_KEY_DEVICE_TYPE, "disk" },
	};
	assert_int_equal(testhost_write(h, be, ""), 0);
	snprintf(perms, sizeof(perms), "n0,r%u", domid);
	assert_int_equal(testhost_perms(h, be, perms), 0);
	snprintf(p, sizeof(p), "%s/%s", be, XS_KEY_FRONTEND_ID);
	snprintf(v, sizeof(v), "%u", domid);
	assert_int_equal(testhost_write(h, p, v), 0);
	for (size_t i = 0; i < sizeof(bek) / sizeof(bek[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", be, bek[i].k);
		assert_int_equal(testhost_write(h, p, bek[i].v), 0);
	}
	const struct {
		const char *k, *v;
	} fek[] = {
		{ XS_KEY_BACKEND, be }, { XS_KEY_BACKEND_ID, "0" }, { XS_KEY_STATE, "1" },
		{ XS_KEY_DEVICE_TYPE, "disk" }, { XS_KEY_TRUSTED, "1" },
	};
	assert_int_equal(testhost_write(h, fe, ""), 0);
	snprintf(perms, sizeof(perms), "n%u,r0", domid);
	for (size_t i = 0; i < sizeof(fek) / sizeof(fek[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", fe, fek[i].k);
		assert_int_equal(testhost_write(h, p, fek[i].v), 0);
		assert_int_equal(testhost_perms(h, p, perms), 0);
	}
	snprintf(p, sizeof(p), "%s/%s", fe, XS_KEY_VIRTUAL_DEVICE);
	snprintf(v, sizeof(v), "%u", devid);
	assert_int_equal(testhost_write(h, p, v), 0);
	assert_int_equal(testhost_perms(h, p, perms), 0);
	assert_int_equal(testhost_perms(h, fe, perms), 0);
}

static void make_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	char sec[512];
	for (unsigned s = 0; s < DISK_BYTES / 512; s++) {
		memset(sec, 0, sizeof(sec));
		snprintf(sec, sizeof(sec), "backing file sector %u", s);
		assert_int_equal(write(fd, sec, sizeof(sec)), (ssize_t)sizeof(sec));
	}
	close(fd);
}

static void test_disk_connected_and_marker(void **state)
{
	(void)state;
	struct e2e e;
	memset(&e, 0, sizeof(e));
	assert_int_equal(testhost_start(&e.h, false), 0);
	e.blkback = spawn_blkback(&e);
	assert_true(e.blkback > 0);
	char file[256], p[256], last[128];
	snprintf(file, sizeof(file), "%s/disk.img", e.h.dir);
	make_file(file);
	uint32_t domid = testhost_domain(&e.h, "e2e-disk");
	assert_true(domid > 0);
	add_disk(&e, domid, XVDA, file);
	assert_int_equal(simd_domain_unpause(e.h.s, domid), 0);
	snprintf(p, sizeof(p), XS_FMT_VBD_BE_STATE, 0u, domid, XVDA);
	if (testhost_wait_value(&e.h, p, "4", T_MS, NULL, NULL, last, sizeof(last)))
		fail_msg("backend state %s, see %s", last, e.log);
	snprintf(p, sizeof(p), XS_FMT_VBD_FE_STATE, domid, XVDA);
	assert_int_equal(testhost_wait_value(&e.h, p, "4", T_MS, NULL, NULL, last, sizeof(last)), 0);
	snprintf(p, sizeof(p), XS_FMT_SIMGUEST_DATA_VBD_MARKER, domid, XVDA);
	if (testhost_wait_value(&e.h, p, "written", T_MS, NULL, NULL, last, sizeof(last)))
		fail_msg("guest marker %s, see %s", last, e.log);
	/* the marker is in the file's last sector */
	char sec[512], want[128];
	int fd = open(file, O_RDONLY);
	assert_int_equal(pread(fd, sec, 512, DISK_BYTES - 512), 512);
	close(fd);
	snprintf(want, sizeof(want), "xctl-guest marker: domain %u ", domid);
	assert_memory_equal(sec, want, strlen(want));
	char who[64];
	snprintf(who, sizeof(who), "domain %u vbd %u: connected", domid, XVDA);
	assert_true(logged(&e, who));
	/* destroy: the frontend goes, the backend closes and unmaps */
	assert_int_equal(simd_domain_destroy(e.h.s, domid), 0);
	char be[128];
	snprintf(be, sizeof(be), XS_FMT_VBD_BE, 0u, domid, XVDA);
	snprintf(p, sizeof(p), XS_FMT_VBD_BE_STATE, 0u, domid, XVDA);
	assert_int_equal(testhost_wait_value(&e.h, p, "6", T_MS, NULL, NULL, last, sizeof(last)), 0);
	kill(e.blkback, SIGTERM);
	int st;
	assert_int_equal(waitpid(e.blkback, &st, 0), e.blkback);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	testhost_stop(&e.h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disk_connected_and_marker),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
