/* SPDX-License-Identifier: LGPL-2.1-only */
/* The simulated host's lifecycle: simd_host_start/stop/status, the
 * start-on-first-use helper, `xctl sim start|stop|status`, the lifeline
 * watchdog. Every host here runs with XCTL_SIM_LIFELINE set to this test
 * program, so that a killed test leaves no daemon behind. */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/err.h"
#include "common/util.h"
#include "tests/cli/runcmd.h"
#include "tests/simd/harness.h"

struct fix {
	char *tmp;
	char dir[300];
	char guest[600];
	struct simd_host_opts o;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	if (!f || !(f->tmp = runcmd_mkdtemp()))
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/host", f->tmp);
	char self[400];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(f->guest, sizeof(f->guest), "%s/simd-testguest", self);
	f->o.dir = f->dir;
	static char bin[4096];
	if (!realpath(bin_path(""), bin))
		return -1;
	f->o.bindir = bin;
	f->o.guest = f->guest;
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("XCTL_SIM_LIFELINE", pid, 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	simd_host_stop(&f->o, NULL, 0);
	runcmd_rmtree(f->tmp);
	free(f->tmp);
	free(f);
	return 0;
}

static int running(struct fix *f, const char *name, pid_t *pid)
{
	struct simd_host_status hs;
	assert_int_equal(simd_host_status(&f->o, &hs), 0);
	for (size_t i = 0; i < hs.ndaemons; i++)
		if (!strcmp(hs.daemons[i].name, name)) {
			if (pid)
				*pid = hs.daemons[i].pid;
			return hs.daemons[i].running;
		}
	return -1;
}

static int stop_host(void **state)
{
	struct fix *f = *state;
	return simd_host_stop(&f->o, NULL, 0);
}

static bool gone(void *a)
{
	return !th_alive(*(pid_t *)a);
}

static void test_start_stop_idempotent(void **state)
{
	struct fix *f = *state;
	char msg[512];
	bool started = false;
	assert_int_equal(simd_host_start(&f->o, &started, msg, sizeof(msg)), 0);
	assert_true(started);
	/* the daemons and the watchdog are detached: nothing is left for us to reap */
	int wst;
	assert_true(waitpid(-1, &wst, WNOHANG) <= 0);
	pid_t xsd, simdp;
	assert_int_equal(running(f, "xctl-xenstored", &xsd), 1);
	assert_int_equal(running(f, "xctl-simd", &simdp), 1);
	/* again: nothing new */
	assert_int_equal(simd_host_start(&f->o, &started, msg, sizeof(msg)), 0);
	assert_false(started);
	pid_t again;
	assert_int_equal(running(f, "xctl-simd", &again), 1);
	assert_int_equal(again, simdp);
	/* the layout */
	char p[400];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", f->dir, SIMD_SOCKET);
	assert_int_equal(stat(p, &st), 0);
	snprintf(p, sizeof(p), "%s/%s", f->dir, SIMD_XENSTORED_SOCKET);
	assert_int_equal(stat(p, &st), 0);
	snprintf(p, sizeof(p), "%s/log/xctl-simd.log", f->dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(stat(f->dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* a domain with a guest, then stop: destroyed cleanly, guest ended */
	struct simd *s;
	assert_int_equal(simd_open(f->dir, &s), 0);
	struct simd_domain_config c = th_config();
	c.domid = SIMD_DOMID_MAX; /* the last id too is destroyed at stop */
	uint32_t d;
	assert_int_equal(simd_domain_create(s, &c, &d), 0);
	assert_int_equal(simd_domain_unpause(s, d), 0);
	struct simd_domain_info di;
	for (int i = 0; i < 500; i++) {
		assert_int_equal(simd_domain_info(s, d, &di), 0);
		if (di.guest_connected)
			break;
		usleep(10000);
	}
	assert_true(di.guest_connected);
	pid_t gpid = di.guest_pid;
	simd_close(s);
	assert_int_equal(simd_host_stop(&f->o, msg, sizeof(msg)), 0);
	assert_false(th_alive(gpid));
	assert_false(th_alive(simdp));
	assert_false(th_alive(xsd));
	assert_int_equal(running(f, "xctl-simd", NULL), 0);
	assert_int_equal(simd_open(f->dir, &s), XCTL_ERR_NOTFOUND);
	/* simd's log says it destroyed the domain */
	snprintf(p, sizeof(p), "%s/log/xctl-simd.log", f->dir);
	char *log;
	size_t len;
	assert_int_equal(xctl_read_file(p, 1 << 20, &log, &len), 0);
	char want[64];
	snprintf(want, sizeof(want), "domain %u destroyed", d);
	assert_non_null(strstr(log, want));
	free(log);
	/* stopping a stopped host is fine */
	assert_int_equal(simd_host_stop(&f->o, msg, sizeof(msg)), 0);
}

static void test_daemon_fails_at_start(void **state)
{
	struct fix *f = *state;
	struct simd_host_opts o = f->o;
	o.memory_kib = 1000; /* xctl-simd refuses it and exits */
	char msg[512];
	bool started;
	assert_int_equal(simd_host_start(&o, &started, msg, sizeof(msg)), XCTL_ERR_IO);
	/* noticed as gone, not waited out as "did not start serving" */
	assert_non_null(strstr(msg, "xctl-simd exited at start: see "));
	char p[400];
	snprintf(p, sizeof(p), "%s/log/xctl-simd.log", f->dir);
	assert_non_null(strstr(msg, p));
	char *log;
	size_t len;
	assert_int_equal(xctl_read_file(p, 1 << 20, &log, &len), 0);
	assert_non_null(strstr(log, "--memory"));
	free(log);
}

static void test_restart_after_crash(void **state)
{
	struct fix *f = *state;
	char msg[512];
	bool started;
	assert_int_equal(simd_host_start(&f->o, &started, msg, sizeof(msg)), 0);
	pid_t simdp, xsd;
	assert_int_equal(running(f, "xctl-simd", &simdp), 1);
	assert_int_equal(running(f, "xctl-xenstored", &xsd), 1);
	kill(simdp, SIGKILL);
	assert_true(th_wait(gone, &simdp, 3000));
	assert_int_equal(running(f, "xctl-simd", NULL), 0);
	/* only what is missing is started again */
	assert_int_equal(simd_host_start(&f->o, &started, msg, sizeof(msg)), 0);
	assert_true(started);
	pid_t xsd2;
	assert_int_equal(running(f, "xctl-xenstored", &xsd2), 1);
	assert_int_equal(xsd2, xsd);
	assert_int_equal(running(f, "xctl-simd", NULL), 1);
	assert_int_equal(simd_host_stop(&f->o, msg, sizeof(msg)), 0);
}

static void test_concurrent_start(void **state)
{
	struct fix *f = *state;
	pid_t kids[3];
	for (int i = 0; i < 3; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			bool started;
			_exit(simd_host_start(&f->o, &started, NULL, 0) ? 1 : started ? 2 : 0);
		}
	}
	int starters = 0;
	for (int i = 0; i < 3; i++) {
		int st;
		assert_int_equal(waitpid(kids[i], &st, 0), kids[i]);
		assert_true(WIFEXITED(st));
		assert_int_not_equal(WEXITSTATUS(st), 1);
		starters += WEXITSTATUS(st) == 2;
	}
	assert_int_equal(starters, 1);
	struct runcmd_result r;
	runcmd(&r, "for p in $(pgrep -x xctl-simd); do grep -q -- '%s' /proc/$p/cmdline && echo $p; done | wc -l",
	       f->dir);
	assert_int_equal(atoi(r.out), 1);
	runcmd_free(&r);
	runcmd(&r, "pgrep -c -f '^[^ ]*/xctl-xenstored --socket %s/'", f->dir);
	assert_int_equal(atoi(r.out), 1);
	runcmd_free(&r);
	char msg[512];
	assert_int_equal(simd_host_stop(&f->o, msg, sizeof(msg)), 0);
}

static void test_ensure_says_once(void **state)
{
	struct fix *f = *state;
	char path[400];
	snprintf(path, sizeof(path), "%s/stderr", f->tmp);
	int saved = dup(2);
	for (int i = 0; i < 2; i++) {
		int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(fd, 2);
		close(fd);
		int rc = simd_host_ensure_opts(&f->o);
		dup2(saved, 2);
		assert_int_equal(rc, 0);
	}
	close(saved);
	char *text;
	size_t len;
	assert_int_equal(xctl_read_file(path, 4096, &text, &len), 0);
	char want[400];
	snprintf(want, sizeof(want), "xctl: started the simulated Xen host in %s", f->dir);
	char *first = strstr(text, want);
	assert_non_null(first);
	assert_null(strstr(first + 1, want)); /* once */
	assert_non_null(strstr(text, "/dev/xen/privcmd is missing"));
	free(text);
	char msg[512];
	assert_int_equal(simd_host_stop(&f->o, msg, sizeof(msg)), 0);
}

static void test_lifeline(void **state)
{
	struct fix *f = *state;
	/* a process starts the host with itself as the lifeline, then dies */
	pid_t kid = fork();
	if (kid == 0) {
		char pid[16];
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		setenv("XCTL_SIM_LIFELINE", pid, 1);
		bool started;
		_exit(simd_host_start(&f->o, &started, NULL, 0) ? 1 : 0);
	}
	int st;
	assert_int_equal(waitpid(kid, &st, 0), kid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* the watchdog stops what it started */
	struct simd_host_status hs;
	bool down = false;
	for (int i = 0; i < 2000 && !down; i++) {
		assert_int_equal(simd_host_status(&f->o, &hs), 0);
		down = !hs.running && !hs.daemons[0].running;
		usleep(10000);
	}
	assert_true(down);
}

static void test_cli(void **state)
{
	struct fix *f = *state;
	struct runcmd_result r;
	runcmd(&r, "\"$XCTL_BIN/xctl\" sim status --dir '%s'", f->dir);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "not running"));
	runcmd_free(&r);
	/* a directory whose parents do not exist yet */
	char deep[400];
	snprintf(deep, sizeof(deep), "%s/a/b/host", f->tmp);
	runcmd(&r, "\"$XCTL_BIN/xctl\" sim start --dir '%s'", deep);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "simulated Xen host started in"));
	runcmd_free(&r);
	runcmd(&r, "\"$XCTL_BIN/xctl\" sim stop --dir '%s'", deep);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "stopped (0 domains destroyed)"));
	runcmd_free(&r);
	runcmd(&r, "\"$XCTL_BIN/xctl\" sim start --dir '%s' --memory 4194304 --cpus 2", f->dir);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "simulated Xen host started in"));
	runcmd_free(&r);
	runcmd(&r, "\"$XCTL_BIN/xctl\" sim start --dir '%s'", f->dir);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "already running"));
	runcmd_free(&r);
	runcmd(&r, "\"$XCTL_BIN/xctl\" sim status --json --dir '%s'", f->dir);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"running\": true"));
	assert_non_null(strstr(r.out, "\"total_memory_kib\": 4194304"));
	assert_non_null(strstr(r.out, "\"nr_cpus\": 2"));
	assert_non_null(strstr(r.out, "\"xen_version\": \"4.17\""));
	runcmd_free(&r);
	runcmd(&r, "XCTL_SIM_DIR='%s' \"$XCTL_BIN/xctl\" sim status", f->dir);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "xctl-simd"));
	assert_non_null(strstr(r.out, "3145728 KiB free"));
	runcmd_free(&r);
	/* two domains, then stop destroys them */
	struct simd *s;
	assert_int_equal(simd_open(f->dir, &s), 0);
	struct simd_domain_config c = th_config();
	uint32_t d;
	assert_int_equal(simd_domain_create(s, &c, &d), 0);
	assert_int_equal(simd_domain_create(s, &c, &d), 0);
	simd_close(s);
	runcmd(&r, "\"$XCTL_BIN/xctl\" sim stop --dir '%s'", f->dir);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "stopped (2 domains destroyed)"));
	runcmd_free(&r);
	runcmd(&r, "\"$XCTL_BIN/xctl\" sim stop --dir '%s'", f->dir);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "no simulated Xen host was running"));
	runcmd_free(&r);
	/* usage errors */
	runcmd(&r, "\"$XCTL_BIN/xctl\" sim start --dir '%s' --cpus 0", f->dir);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--cpus"));
	runcmd_free(&r);
	runcmd(&r, "\"$XCTL_BIN/xctl\" sim start --dir '%s' --memory 1000", f->dir);
	assert_int_equal(r.status, 2);
	runcmd_free(&r);
	runcmd(&r, "\"$XCTL_BIN/xctl\" sim status --dir '%s' extra", f->dir);
	assert_int_equal(r.status, 2);
	runcmd_free(&r);
}

static void test_unwritable_dir(void **state)
{
	struct fix *f = *state;
	/* a directory this user may not create: the message says what to do */
	pid_t kid = fork();
	if (kid == 0) {
		if (getuid() == 0 && setuid(65534))
			_exit(3);
		struct simd_host_opts o = f->o;
		o.dir = "/proc/xctl-sim-test";
		char msg[512] = "";
		bool started;
		int rc = simd_host_start(&o, &started, msg, sizeof(msg));
		_exit(rc && strstr(msg, "cannot create") && strstr(msg, "--dir") ? 0 : 1);
	}
	int st;
	assert_int_equal(waitpid(kid, &st, 0), kid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_start_stop_idempotent, stop_host),
		cmocka_unit_test_teardown(test_daemon_fails_at_start, stop_host),
		cmocka_unit_test_teardown(test_restart_after_crash, stop_host),
		cmocka_unit_test_teardown(test_concurrent_start, stop_host),
		cmocka_unit_test_teardown(test_ensure_says_once, stop_host),
		cmocka_unit_test_teardown(test_lifeline, stop_host),
		cmocka_unit_test_teardown(test_cli, stop_host),
		cmocka_unit_test_teardown(test_unwritable_dir, stop_host),
	};
	return cmocka_run_group_tests_name("simulated host lifecycle", tests, setup, teardown);
}
