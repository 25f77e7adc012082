/* SPDX-License-Identifier: LGPL-2.1-only */
/* End to end on the simulated host, in a network namespace of the test's
 * own: xctl-xenstored, xctl-simd with its simulated guests and the
 * xctl-netback daemon (over xenio/sim). The guest's vif reaches Connected
 * on both sides, the frames the guest sends come out of the TAP vifD.0, and
 * a frame written into the TAP reaches the guest. */
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
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sched.h>
#include <errno.h>
#include <unistd.h>

#include <sys/time.h>

#include <cmocka.h>

#define T_MS 20000
#define ETHERTYPE 0x88b5

struct e2e {
	struct testhost h;
	pid_t netback;
	char log[256];
};

static pid_t spawn_netback(struct e2e *e)
{
	char bin[512];
	testhost_bin("xctl-netback", bin, sizeof(bin));
	snprintf(e->log, sizeof(e->log), "%s/log/xctl-netback.log", e->h.dir);
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

static void add_vif(struct e2e *e, uint32_t domid)
{
	struct testhost *h = &e->h;
	char be[128], fe[128], p[256], v[64], perms[32];
	snprintf(be, sizeof(be), XS_FMT_VIF_BE, 0u, domid, 0u);
	snprintf(fe, sizeof(fe), XS_FMT_VIF_FE, domid, 0u);
	/* the frontend first, so that the backend finds it whole */
	const struct {
		const char *k, *v;
	} fek[] = {
		{ XS_KEY_BACKEND, be }, { XS_KEY_BACKEND_ID, "0" }, { XS_KEY_STATE, "1" },
		{ XS_KEY_HANDLE, "0" }, { XS_KEY_MAC, "00:16:3e:00:00:07" },
	};
	assert_int_equal(testhost_write(h, fe, ""), 0);
	snprintf(perms, sizeof(perms), "n%u,r0", domid);
	for (size_t i = 0; i < sizeof(fek) / sizeof(fek[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", fe, fek[i].k);
		assert_int_equal(testhost_write(h, p, fek[i].v), 0);
		assert_int_equal(testhost_perms(h, p, perms), 0);
	}
	assert_int_equal(testhost_perms(h, fe, perms), 0);
	snprintf(v, sizeof(v), "%u", domid);
	const struct {
		const char *k, *v;
	} bek[] = {
		{ XS_KEY_FRONTEND, fe }, { XS_KEY_FRONTEND_ID, v }, { XS_KEY_ONLINE, "1" },
		{ XS_KEY_MAC, "00:16:3e:00:00:07" }, { XS_KEY_HANDLE, "0" }, { XS_KEY_TYPE, "vif" },
		{ XS_KEY_STATE, "1" },
	};
	assert_int_equal(testhost_write(h, be, ""), 0);
	snprintf(perms, sizeof(perms), "n0,r%u", domid);
	assert_int_equal(testhost_perms(h, be, perms), 0);
	for (size_t i = 0; i < sizeof(bek) / sizeof(bek[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", be, bek[i].k);
		assert_int_equal(testhost_write(h, p, bek[i].v), 0);
	}
}

static void test_vif_connected_and_frames(void **state)
{
	(void)state;
	struct e2e e;
	memset(&e, 0, sizeof(e));
	assert_int_equal(testhost_start(&e.h, false), 0);
	e.netback = spawn_netback(&e);
	assert_true(e.netback > 0);
	char p[256], last[128], tap[32];
	uint32_t domid = testhost_domain(&e.h, "e2e-vif");
	assert_true(domid > 0);
	add_vif(&e, domid);
	snprintf(p, sizeof(p), XS_FMT_VIF_BE_STATE, 0u, domid, 0u);
	if (testhost_wait_value(&e.h, p, "2", T_MS, NULL, NULL, last, sizeof(last)))
		fail_msg("backend state %s, see %s", last, e.log);
	snprintf(tap, sizeof(tap), "vif%u.0", domid);
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	assert_true(s >= 0);
	struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				  .sll_ifindex = (int)if_nametoindex(tap) };
	assert_true(sa.sll_ifindex > 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(simd_domain_unpause(e.h.s, domid), 0);
	if (testhost_wait_value(&e.h, p, "4", T_MS, NULL, NULL, last, sizeof(last)))
		fail_msg("backend state %s, see %s", last, e.log);
	char who[64];
	snprintf(who, sizeof(who), "domain %u vif 0: connected", domid);
	assert_true(logged(&e, who));
	snprintf(p, sizeof(p), XS_FMT_VIF_FE_STATE, domid, 0u);
	assert_int_equal(testhost_wait_value(&e.h, p, "4", T_MS, NULL, NULL, last, sizeof(last)), 0);
	/* the guest's frames come out of the TAP */
	uint8_t buf[2048];
	int got = 0;
	for (int i = 0; i < 400 && !got; i++) {
		struct timeval tv = { 0, 50000 };
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		ssize_t n = recv(s, buf, sizeof(buf), 0);
		got = n >= 14 && buf[12] == (ETHERTYPE >> 8) && buf[13] == (ETHERTYPE & 0xff);
	}
	if (!got)
		fail_msg("no frame of the guest on %s; see %s", tap, e.log);
	/* a frame written into the TAP reaches the guest */
	uint8_t fr[200];
	memset(fr, 0xff, 6);
	for (int i = 0; i < 6; i++)
		fr[6 + i] = (uint8_t)(0x0a + i);
	fr[12] = ETHERTYPE >> 8;
	fr[13] = ETHERTYPE & 0xff;
	for (size_t i = 14; i < sizeof(fr); i++)
		fr[i] = (uint8_t)i;
	snprintf(p, sizeof(p), XS_FMT_SIMGUEST_DATA_VIF_RX_FRAMES, domid, 0u);
	bool arrived = false;
	for (int i = 0; i < 100 && !arrived; i++) {
		assert_int_equal(send(s, fr, sizeof(fr), 0), (ssize_t)sizeof(fr));
		usleep(100000);
		arrived = testhost_read(&e.h, p, last, sizeof(last)) == 0 && atoi(last) > 0;
	}
	if (!arrived)
		fail_msg("the guest counted no received frame; see %s", e.log);
	close(s);
	assert_int_equal(simd_domain_destroy(e.h.s, domid), 0);
	kill(e.netback, SIGTERM);
	int st;
	assert_int_equal(waitpid(e.netback, &st, 0), e.netback);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	testhost_stop(&e.h);
}

int main(void)
{
	/* the TAPs live and die in a network namespace of the test's own */
	if (unshare(CLONE_NEWNET)) {
		printf("test_net_sim: cannot create a network namespace (unshare CLONE_NEWNET): %s; "
		       "this test needs root or user namespaces\n", strerror(errno));
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vif_connected_and_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
