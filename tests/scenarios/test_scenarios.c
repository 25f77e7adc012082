/* SPDX-License-Identifier: LGPL-2.1-only */
/* The scenario suite on a simulated host of its own: every
 * tests/scenarios/NAME.sh (test_scenarios), or what only the simulated host
 * can do: tests/scenarios/sim/NAME.sh (test_scenarios_sim) and
 * tests/scenarios/faults/NAME.sh (test_scenarios_faults, long), one cmocka test each,
 * run by run.sh (under BusyBox sh when it is installed, as in the lab's
 * dom0) with the leak check around it. The host, its monitors and the stand-in
 * backend die with this program (a guard process cleans up if it is
 * killed). XCTL_SCENARIOS=NAME,NAME runs only those. */
#include <dirent.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

struct suite {
	char dir[256];
	char bin[512];
	char src[512];
	char shell[64];
	pid_t guard, testback;
};

static struct suite *S; /* the one suite of this program, for the test functions */

static void setenvf(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void setenvf(const char *name, const char *fmt, ...)
{
	char v[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	setenv(name, v, 1);
}

/* Kill every process whose environment names our state directory. */
static void kill_ours(const char *state)
{
	char want[600];
	snprintf(want, sizeof(want), "XCTL_STATE_DIR=%s", state);
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		pid_t pid = (pid_t)atol(e->d_name);
		if (pid <= 1 || pid == getpid())
			continue;
		char path[64], buf[65536];
		snprintf(path, sizeof(path), "/proc/%ld/environ", (long)pid);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		for (ssize_t i = 0; i < n;) {
			if (!strcmp(buf + i, want)) {
				kill(pid, SIGKILL);
				break;
			}
			i += (ssize_t)strlen(buf + i) + 1;
		}
	}
	if (d)
		closedir(d);
}

/* The guard: waits for this program to end (its pipe closes), then kills
 * the host and whatever else runs with our state dir, and removes the dir. */
static pid_t start_guard(const char *dir)
{
	int p[2];
	if (pipe(p))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		setsid(); /* out of the test's process group: a timeout kills that */
		close(p[1]);
		char c;
		while (read(p[0], &c, 1) > 0)
			;
		char state[300];
		snprintf(state, sizeof(state), "%s/state", dir);
		for (int i = 0; i < 3; i++) {
			kill_ours(state);
			usleep(100000);
		}
		char cmd[400];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			_exit(1);
		_exit(0);
	}
	close(p[0]);
	/* p[1] stays open in this process (and is not inherited: CLOEXEC) */
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	return pid;
}

static int run(const char *cmd)
{
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static bool have(const char *bin, const char *prog)
{
	char path[700];
	snprintf(path, sizeof(path), "%s/%s", bin, prog);
	return access(path, X_OK) == 0;
}

static void scenario(void **state)
{
	const char *path = *state;
	char cmd[2048], tmp[600];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	snprintf(tmp, sizeof(tmp), "%s/scen-%s", S->dir, base);
	mkdir(tmp, 0700);
	setenv("XCTL_SCEN_TMP", tmp, 1);
	snprintf(cmd, sizeof(cmd), "%s '%s/tests/scenarios/run.sh' '%s' 2>&1", S->shell, S->src, path);
	fflush(stdout);
	assert_int_equal(run(cmd), 0);
}

int main(void)
{
	static struct suite s;
	S = &s;
	/* The vifs' TAP devices are named as xl names them (vifDOMID.DEVID): in
	 * a network namespace of this program's own, another simulated host
	 * beside it (another test) cannot hold the same names. Without the
	 * privilege the host's netback works as it can anyway. */
	if (unshare(CLONE_NEWNET))
		printf("scenarios: no network namespace of its own (%s): TAP names are shared with the host\n",
		       strerror(errno));
	const char *bin = getenv("XCTL_BIN"), *src = getenv("XCTL_SRC");
	snprintf(s.bin, sizeof(s.bin), "%s", bin ? bin : "build/bin");
	if (!src) {
		static char cwd[512];
		src = getcwd(cwd, sizeof(cwd)) ? cwd : ".";
	}
	snprintf(s.src, sizeof(s.src), "%s", src);
	if (s.bin[0] != '/') {
		char rel[sizeof(s.bin)];
		memcpy(rel, s.bin, sizeof(rel));
		if ((size_t)snprintf(s.bin, sizeof(s.bin), "%.255s/%.255s", s.src, rel) >= sizeof(s.bin))
			return 1;
	}
	char tmpl[] = "/tmp/xctl-scenarios-XXXXXX";
	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(s.dir, sizeof(s.dir), "%s", tmpl);
	s.guard = start_guard(s.dir);
	snprintf(s.shell, sizeof(s.shell), "%s", run("command -v busybox >/dev/null") == 0 ? "busybox sh" : "sh");
	setenvf("XCTL_SIM_DIR", "%s/sim", s.dir);
	setenvf("XCTL_STATE_DIR", "%s/state", s.dir);
	setenvf("XCTL_LOG_DIR", "%s/log", s.dir);
	setenvf("XCTL_HOOKS_DIR", "%s/hooks", s.dir);
	setenvf("XCTL_DUMP_DIR", "%s/dump", s.dir);
	setenvf("XENSTORED_PATH", "%s/sim/xenstored.sock", s.dir);
	setenvf("XCTL", "%s/xctl --sim", s.bin);
	setenvf("XCTL_SIM_LIFELINE", "%ld", (long)getpid()); /* the host goes with us */
	setenvf("XCTL_SCEN_CONFIGS", "%s/configs", s.src);
	setenvf("PATH", "%s:%s", s.bin, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	/* the PVH guest is preserved at poweroff (the lab's guests are): both
	 * of guest_life's ends run here */
	if (!getenv("XCTL_SCEN_ARGS_PVH"))
		setenv("XCTL_SCEN_ARGS_PVH", "on_poweroff=\"preserve\"", 1);
	if (!getenv("XCTL_SCEN_TIMEOUT"))
		setenv("XCTL_SCEN_TIMEOUT", "20", 1);

	/* the host, then a stand-in backend for the kinds no daemon serves */
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "'%s/xctl' --sim list >/dev/null", s.bin);
	if (run(cmd)) {
		fprintf(stderr, "scenarios: cannot start the simulated host\n");
		return 1;
	}
	const char *kinds[2];
	int nk = 0;
	if (!have(s.bin, "xctl-blkback"))
		kinds[nk++] = "vbd";
	if (!have(s.bin, "xctl-netback"))
		kinds[nk++] = "vif";
	if (nk) {
		s.testback = fork();
		if (s.testback == 0) {
			char tb[700];
			snprintf(tb, sizeof(tb), "%s/../tests/testback", s.bin);
			if (nk == 2)
				execl(tb, tb, "--kind", kinds[0], "--kind", kinds[1], (char *)NULL);
			else
				execl(tb, tb, "--kind", kinds[0], (char *)NULL);
			_exit(127);
		}
		printf("scenarios: stand-in backend for:%s%s\n", nk ? " " : "", nk == 2 ? "vbd vif" : kinds[0]);
	}

	/* the scenarios */
	const char *only = getenv("XCTL_SCENARIOS");
	struct CMUnitTest tests[128];
	char *paths[128];
	size_t n = 0;
#if defined(XCTL_SCEN_FAULTS)
	const char *dirs[] = { "tests/scenarios/faults" };
#elif defined(XCTL_SCEN_SIM)
	const char *dirs[] = { "tests/scenarios/sim" };
#else
	const char *dirs[] = { "tests/scenarios" };
#endif
	for (size_t k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++) {
		char d[700];
		snprintf(d, sizeof(d), "%s/%s", s.src, dirs[k]);
		struct dirent **list;
		int nl = scandir(d, &list, NULL, alphasort);
		for (int i = 0; i < nl; i++) {
			const char *f = list[i]->d_name;
			size_t len = strlen(f);
			bool sh = len > 3 && !strcmp(f + len - 3, ".sh") && strcmp(f, "lib.sh") && strcmp(f, "run.sh");
			char name[256];
			snprintf(name, sizeof(name), "%.*s", (int)(len > 3 ? len - 3 : len), f);
			bool wanted = !only || strstr(only, name);
			if (sh && wanted && n < 128) {
				char p[1000];
				snprintf(p, sizeof(p), "%s/%s", d, f);
				paths[n] = strdup(p);
				tests[n] = (struct CMUnitTest){ .name = strdup(name), .test_func = scenario,
								.initial_state = paths[n] };
				n++;
			}
			free(list[i]);
		}
		if (nl > 0)
			free(list);
	}
	int rc = _cmocka_run_group_tests("scenarios", tests, n, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		free((void *)tests[i].name);
		free(paths[i]);
	}
	if (s.testback > 0) {
		kill(s.testback, SIGTERM);
		waitpid(s.testback, NULL, 0);
	}
	/* stopping the host: the guard does it when this program ends */
	return rc;
}
