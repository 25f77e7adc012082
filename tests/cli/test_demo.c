/* SPDX-License-Identifier: LGPL-2.1-only */
/* `make demo` must keep working: run its scripts as a user would and check
 * that each one finishes and shows what it promises. The xenstore demo's
 * daemon dies with the demo, and the demo with this test, even by SIGKILL:
 * the script runs with the parent death signal set (setpriv --pdeathsig),
 * in a directory of this test's own. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <glob.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "tests/cli/runcmd.h"

/* The demo, started so that it dies with this process. */
#define XS_DEMO "cd \"$XCTL_SRC\" && exec setpriv --pdeathsig KILL sh sim/demo/xenstore-demo.sh"

static int setup(void **state)
{
	char *dir = runcmd_mkdtemp();
	setenv("XCTL_DEMO_DIR", dir, 1);
	*state = dir;
	return 0;
}

static int teardown(void **state)
{
	char *dir = *state;
	runcmd_rmtree(dir);
	free(dir);
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* A live process, not a zombie waiting for its parent. */
static bool alive(pid_t pid)
{
	char path[64], *stat = NULL;
	size_t len;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (xctl_read_file(path, 4096, &stat, &len))
		return false;
	const char *p = strrchr(stat, ')');
	bool zombie = p && p[1] == ' ' && p[2] == 'Z';
	free(stat);
	return !zombie;
}

static void test_config_demo(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, "cd \"$XCTL_SRC\" && sh tests/config/demo.sh");
	if (r.status)
		print_error("%s%s", r.out, r.err);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "configs/pv.cfg: pv guest"));
	assert_non_null(strstr(r.out, "configs/pvh.cfg: pvh guest"));
	assert_non_null(strstr(r.out, "configs/hvm.cfg: hvm guest"));
	runcmd_free(&r);
}

static void test_xenstore_demo(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, XS_DEMO);
	if (r.status)
		print_error("%s%s", r.out, r.err);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "/local/domain/1/device/vbd/51712/ring-ref = \"8\"   (n1,r0)"));
	assert_non_null(strstr(r.out, "207 nodes checked (phase connected), 0 violations"));
	runcmd_free(&r);
}

/* Kill the "test" (a child of this one that runs the demo as the test
 * above does) with SIGKILL while the demo's daemon runs: the daemon is gone
 * within seconds. The demo waits on XCTL_DEMO_HOLD, a file never created. */
static void test_xenstore_demo_killed(void **state)
{
	const char *dir = *state;
	char hold[4096], pattern[4096];
	snprintf(hold, sizeof(hold), "%s/never", dir);
	snprintf(pattern, sizeof(pattern), "%s/xctl-demo.*/pid", dir);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct runcmd_result r;
		setenv("XCTL_DEMO_HOLD", hold, 1);
		runcmd(&r, XS_DEMO);
		_exit(r.status);
	}
	/* the daemon's pid file, once its socket is ready */
	pid_t daemon = 0;
	for (int i = 0; i < 200 && daemon <= 0; i++) {
		glob_t g;
		if (glob(pattern, 0, NULL, &g) == 0) {
			char *text = NULL;
			size_t len;
			if (xctl_read_file(g.gl_pathv[0], 64, &text, &len) == 0)
				daemon = atoi(text);
			free(text);
		}
		globfree(&g);
		if (daemon <= 0)
			sleep_ms(50);
	}
	if (daemon <= 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		fail_msg("the demo's xctl-xenstored did not start within 10 s");
	}
	assert_true(alive(daemon));
	assert_int_equal(kill(child, SIGKILL), 0);
	int st;
	assert_int_equal(waitpid(child, &st, 0), child);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	bool gone = false;
	for (int i = 0; i < 100 && !gone; i++) {
		gone = !alive(daemon);
		if (!gone)
			sleep_ms(50);
	}
	if (!gone) {
		kill(daemon, SIGKILL);
		fail_msg("xctl-xenstored (pid %d) outlived the demo's test by 5 s", (int)daemon);
	}
	print_message("the demo's daemon (pid %d) died with its killed test\n", (int)daemon);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_demo),
		cmocka_unit_test(test_xenstore_demo),
		cmocka_unit_test(test_xenstore_demo_killed),
	};
	return cmocka_run_group_tests_name("demo", tests, setup, teardown);
}
