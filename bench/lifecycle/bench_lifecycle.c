/* SPDX-License-Identifier: LGPL-2.1-only */
/* make bench: create 1,000 PV domains with one disk and one vif on a
 * simulated host of its own, then destroy them; print the wall time and
 * the xenstore requests of the create at domain 1, 10, 100 and 1,000 (and
 * the median of the five creates around each), side by side with the
 * ratio to the first. bench_lifecycle [N] (default 1000). */
#include "toolstack/config/load.h"
#include "toolstack/core/core.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/log.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median5(const double *v, size_t n, size_t at)
{
	double w[5];
	size_t k = 0, lo = at >= 2 ? at - 2 : 0;
	if (lo + 5 > n)
		lo = n >= 5 ? n - 5 : 0;
	for (size_t i = lo; i < n && k < 5; i++)
		w[k++] = v[i];
	qsort(w, k, sizeof(*w), cmp_d);
	return w[k / 2];
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)atol(argv[1]) : 1000;
	const char *bin = getenv("XCTL_BIN") ? getenv("XCTL_BIN") : "build/bin";
	char dir[] = "/tmp/xctl-bench-life-XXXXXX", v[600], img[700], cmd[1400];
	if (!n || !mkdtemp(dir)) {
		fprintf(stderr, "bench_lifecycle: usage: bench_lifecycle [N>0]; or mkdtemp failed\n");
		return 2;
	}
	snprintf(v, sizeof(v), "%s/sim", dir);
	setenv("XCTL_SIM_DIR", v, 1);
	snprintf(v, sizeof(v), "%s/state", dir);
	setenv("XCTL_STATE_DIR", v, 1);
	snprintf(v, sizeof(v), "%s/log", dir);
	setenv("XCTL_LOG_DIR", v, 1);
	snprintf(v, sizeof(v), "%s/hooks", dir);
	setenv("XCTL_HOOKS_DIR", v, 1);
	snprintf(v, sizeof(v), "%ld", (long)getpid());
	setenv("XCTL_SIM_LIFELINE", v, 1); /* the host goes with this program */
	snprintf(v, sizeof(v), "%s/sim/xenstored.sock", dir);
	setenv("XENSTORED_PATH", v, 1);
	snprintf(img, sizeof(img), "%s/disk.img", dir);
	snprintf(cmd, sizeof(cmd), "dd if=/dev/zero of=%s bs=1048576 count=0 seek=16 2>/dev/null", img);
	if (system(cmd))
		return 1;

	struct xctl_log lg;
	xctl_log_init(&lg, "bench_lifecycle", XCTL_LOG_ERROR);
	struct xctl_core *c = NULL;
	char bindir[PATH_MAX];
	if (!realpath(bin, bindir)) {
		fprintf(stderr, "bench_lifecycle: no %s (XCTL_BIN)\n", bin);
		return 1;
	}
	struct xctl_core_params p = { .log = &lg, .kind = XCTL_HV_SIM, .bin_dir = bindir };
	int rc = xctl_core_open(&p, &c);
	if (rc) {
		fprintf(stderr, "bench_lifecycle: cannot start the simulated host: %s\n", xctl_strerror(rc));
		return 1;
	}
	/* no xctl-netback yet: the scenario suite's stand-in serves the vifs */
	pid_t tb = 0;
	snprintf(cmd, sizeof(cmd), "%s/xctl-netback", bin);
	if (access(cmd, X_OK)) {
		tb = fork();
		if (tb == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			snprintf(cmd, sizeof(cmd), "%s/../tests/testback", bin);
			execl(cmd, cmd, "--kind", "vif", (char *)NULL);
			_exit(127);
		}
	}

	double *t = calloc(n, sizeof(*t)), *q = calloc(n, sizeof(*q));
	uint32_t *ids = calloc(n, sizeof(*ids));
	char disk[900], name[64], **ov = NULL;
	snprintf(disk, sizeof(disk), "disk=[\"format=raw, vdev=xvda, access=ro, target=%s\"]", img);
	char *overrides[] = { disk, "vif=[\"bridge=xenbr0\"]", "memory=8", "maxmem=8", "vcpus=1", "maxvcpus=1", name };
	(void)ov;
	double start = now_s();
	size_t made = 0;
	for (size_t i = 0; i < n; i++) {
		struct xctl_global_config g;
		struct xctl_domain_config m;
		struct xctl_diags d;
		snprintf(name, sizeof(name), "name=\"bench%zu\"", i + 1);
		struct xctl_config_request r = { .path = "configs/pv.cfg", .overrides = overrides, .noverrides = 7,
						 .creating = true, .seed = xctl_config_random_seed(), .seeded = true };
		xctl_diags_init(&d);
		rc = xctl_config_load_request(&r, &g, &m, &d);
		if (rc) {
			fprintf(stderr, "bench_lifecycle: configs/pv.cfg does not load: %s\n", xctl_strerror(rc));
			xctl_diags_free(&d);
			xctl_model_dispose(&m);
			xctl_global_dispose(&g);
			break;
		}
		struct xctl_create_opts o = { .paused = true };
		unsigned long before = c->hv->xs_requests;
		double t0 = now_s();
		rc = xctl_core_create(c, &m, &o, &ids[i]);
		t[i] = now_s() - t0;
		q[i] = (double)(c->hv->xs_requests - before);
		xctl_diags_free(&d);
		xctl_model_dispose(&m);
		xctl_global_dispose(&g);
		if (rc) {
			fprintf(stderr, "bench_lifecycle: create %zu failed: %s\n", i + 1, xctl_strerror(rc));
			break;
		}
		made++;
	}
	double created = now_s() - start;
	start = now_s();
	for (size_t i = 0; i < made; i++)
		xctl_core_destroy(c, ids[i]);
	double destroyed = now_s() - start;

	printf("lifecycle bench: %zu PV domains (1 disk, 1 vif, created paused) on a simulated host\n", made);
	printf("%-10s %12s %12s %8s %10s %10s %8s\n", "create #", "time (ms)", "median5 (ms)", "ratio", "xs reqs",
	       "median5", "ratio");
	size_t at[] = { 1, 10, 100, 1000, 10000 };
	for (size_t k = 0; k < sizeof(at) / sizeof(at[0]) && made && at[k] <= made; k++) {
		size_t i = at[k] - 1;
		double mt = median5(t, made, i), m1 = median5(t, made, 0);
		double mq = median5(q, made, i), q1 = median5(q, made, 0);
		printf("%-10zu %12.2f %12.2f %8.2f %10.0f %10.0f %8.2f\n", at[k], t[i] * 1e3, mt * 1e3, mt / m1, q[i], mq,
		       mq / q1);
	}
	printf("all creates: %.2f s (%.2f ms each); all destroys: %.2f s (%.2f ms each)\n", created,
	       made ? created * 1e3 / (double)made : 0.0, destroyed, made ? destroyed * 1e3 / (double)made : 0.0);
	fflush(stdout);
	free(t);
	free(q);
	free(ids);
	xctl_core_close(c);
	if (tb > 0) {
		kill(tb, SIGTERM);
		waitpid(tb, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "'%s/xctl' --sim sim stop >/dev/null 2>&1; rm -rf '%s'", bin, dir);
	if (system(cmd))
		return 1;
	return made == n ? 0 : 1;
}
