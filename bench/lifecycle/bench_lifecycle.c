/* SPDX-License-Identifier: LGPL-2.1-only */
/* make bench: create 1,000 PV domains with one disk and one vif on a
 * simulated host of its own, then destroy them; print the wall time and
 * the xenstore requests of the create at domain 1, 10, 100 and 1,000 (and
 * the median of the five creates around each), side by side with the
 * ratio to the first, then the same for each phase of the create and for
 * the destroys.
 *
 * bench_lifecycle [N] (default 1000). Everything it starts goes with it,
 * even when it is killed: the host's watchdog follows this process
 * (XCTL_SIM_LIFELINE), and a cleaner process of its own session stops the
 * host and removes the bench's directory once this process is gone. */
#include "toolstack/config/load.h"
#include "toolstack/core/core.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PHASES_MAX 16
#define PHASE_NAME 32

/* Per-phase wall times of every create, in the order first seen. */
struct phases {
	char name[PHASES_MAX][PHASE_NAME];
	size_t n, at; /* at: the create being timed */
	double *ms;   /* [create * PHASES_MAX + phase] */
};

static void timed(void *arg, const char *phase, long long ns, int rc)
{
	struct phases *ph = arg;
	(void)rc;
	size_t k = 0;
	while (k < ph->n && strcmp(ph->name[k], phase))
		k++;
	if (k == ph->n) {
		if (ph->n == PHASES_MAX)
			return;
		snprintf(ph->name[ph->n++], PHASE_NAME, "%s", phase);
	}
	ph->ms[ph->at * PHASES_MAX + k] += (double)ns / 1e6;
}

/* CPU time of the host's daemons (DIR/run/NAME.pid), in seconds: with the
 * bench's own, the work a create costs, which contention from other
 * programs on the machine does not inflate as it does the wall time. */
#define HOST_PROCS 16
struct host_cpu {
	int fd[HOST_PROCS];
	size_t n;
};

static void host_cpu_open(struct host_cpu *h, const char *simdir)
{
	char p[PATH_MAX + 64];
	h->n = 0;
	snprintf(p, sizeof(p), "%s/run", simdir);
	DIR *d = opendir(p);
	struct dirent *e;
	while (d && (e = readdir(d)) && h->n < HOST_PROCS) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".pid"))
			continue;
		snprintf(p, sizeof(p), "%s/run/%s", simdir, e->d_name);
		FILE *f = fopen(p, "re");
		long pid = 0;
		if (f && fscanf(f, "%ld", &pid) == 1 && pid > 0) {
			snprintf(p, sizeof(p), "/proc/%ld/schedstat", pid);
			int fd = open(p, O_RDONLY | O_CLOEXEC);
			if (fd >= 0)
				h->fd[h->n++] = fd;
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
}

static double host_cpu_s(const struct host_cpu *h)
{
	double sum = 0;
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	sum = (double)t.tv_sec + (double)t.tv_nsec / 1e9;
	for (size_t i = 0; i < h->n; i++) {
		char b[128];
		ssize_t k = pread(h->fd[i], b, sizeof(b) - 1, 0);
		if (k <= 0)
			continue;
		b[k] = 0;
		sum += (double)strtoull(b, NULL, 10) / 1e9; /* ns on the cpu */
	}
	return sum;
}

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

/* The median of the five values around v[at * stride] (v[i * stride]). */
static double median5(const double *v, size_t n, size_t at, size_t stride)
{
	double w[5];
	size_t k = 0, lo = at >= 2 ? at - 2 : 0;
	if (lo + 5 > n)
		lo = n >= 5 ? n - 5 : 0;
	for (size_t i = lo; i < n && k < 5; i++)
		w[k++] = v[i * stride];
	qsort(w, k, sizeof(*w), cmp_d);
	return w[k / 2];
}

static const size_t rows[] = { 1, 10, 100, 1000, 10000 };

static void print_phases(const struct phases *ph, size_t made)
{
	printf("\ncreate phases, median5 (ms) and ratio to create 1:\n%-14s", "phase");
	for (size_t k = 0; k < XCTL_ARRAY_SIZE(rows) && rows[k] <= made; k++)
		printf(" %9zu %6s", rows[k], "ratio");
	printf("\n");
	for (size_t p = 0; p < ph->n; p++) {
		double first = median5(ph->ms + p, made, 0, PHASES_MAX);
		printf("%-14s", ph->name[p]);
		for (size_t k = 0; k < XCTL_ARRAY_SIZE(rows) && rows[k] <= made; k++) {
			double m = median5(ph->ms + p, made, rows[k] - 1, PHASES_MAX);
			printf(" %9.2f %6.2f", m, first > 0 ? m / first : 0.0);
		}
		printf("\n");
	}
}

static int run_cleanup(const char *bin, const char *dir)
{
	char cmd[2 * PATH_MAX + 64];
	snprintf(cmd, sizeof(cmd), "'%s/xctl' --sim sim stop >/dev/null 2>&1; rm -rf '%s'", bin, dir);
	return system(cmd) ? 1 : 0;
}

/* Stop the host and remove dir if the bench process (our parent) dies
 * before it has done so itself: it writes a byte to the pipe when it has. */
static int start_cleaner(const char *bin, const char *dir)
{
	int pp[2];
	if (pipe2(pp, O_CLOEXEC))
		return -1;
	pid_t parent = getpid();
	pid_t c = fork();
	if (c == 0) {
		close(pp[1]);
		setsid(); /* not in the bench's process group: a ^C reaches only the bench */
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		struct pollfd w[2] = { { .fd = (int)syscall(SYS_pidfd_open, parent, 0), .events = POLLIN },
				       { .fd = pp[0], .events = POLLIN } };
		if (w[0].fd < 0)
			_exit(1);
		while (poll(w, 2, -1) < 0 && errno == EINTR)
			;
		char b;
		if (w[1].revents && read(pp[0], &b, 1) == 1)
			_exit(0); /* the bench cleaned up itself */
		_exit(run_cleanup(bin, dir));
	}
	close(pp[0]);
	if (c < 0)
		close(pp[1]);
	return c < 0 ? -1 : pp[1];
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)atol(argv[1]) : 1000;
	const char *bin = getenv("XCTL_BIN") ? getenv("XCTL_BIN") : "build/bin";
	char dir[] = "/tmp/xctl-bench-life-XXXXXX", v[600], img[700], cmd[1400];
	char bindir[PATH_MAX];
	if (!n || !mkdtemp(dir)) {
		fprintf(stderr, "bench_lifecycle: usage: bench_lifecycle [N>0]; or mkdtemp failed\n");
		return 2;
	}
	if (!realpath(bin, bindir)) {
		fprintf(stderr, "bench_lifecycle: no %s (XCTL_BIN)\n", bin);
		rmdir(dir);
		return 1;
	}
	snprintf(v, sizeof(v), "%s/sim", dir);
	setenv("XCTL_SIM_DIR", v, 1);
	int cleaner = start_cleaner(bindir, dir); /* from here on dir goes with us */
	if (cleaner < 0) {
		fprintf(stderr, "bench_lifecycle: cannot fork: %s\n", strerror(errno));
		rmdir(dir);
		return 1;
	}
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
	struct xctl_core_params p = { .log = &lg, .kind = XCTL_HV_SIM, .bin_dir = bindir };
	double t_host = now_s();
	int rc = xctl_core_open(&p, &c);
	if (rc) {
		fprintf(stderr, "bench_lifecycle: cannot start the simulated host: %s\n", xctl_strerror(rc));
		return 1;
	}
	t_host = now_s() - t_host;
	struct host_cpu hc;
	host_cpu_open(&hc, getenv("XCTL_SIM_DIR"));

	double *t = calloc(n, sizeof(*t)), *q = calloc(n, sizeof(*q)), *td = calloc(n, sizeof(*td));
	double *cpu = calloc(n, sizeof(*cpu));
	uint32_t *ids = calloc(n, sizeof(*ids));
	struct phases ph = { .ms = calloc(n * PHASES_MAX, sizeof(double)) };
	if (!t || !q || !td || !cpu || !ids || !ph.ms) {
		fprintf(stderr, "bench_lifecycle: out of memory for %zu domains\n", n);
		return 1;
	}
	char disk[900], name[64];
	snprintf(disk, sizeof(disk), "disk=[\"format=raw, vdev=xvda, access=ro, target=%s\"]", img);
	char *overrides[] = { disk, "vif=[\"bridge=xenbr0\"]", "memory=8", "maxmem=8", "vcpus=1", "maxvcpus=1", name };
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
		ph.at = i;
		struct xctl_create_opts o = { .paused = true, .timed = timed, .timed_arg = &ph };
		unsigned long before = c->hv->xs_requests;
		double c0 = host_cpu_s(&hc), t0 = now_s();
		rc = xctl_core_create(c, &m, &o, &ids[i]);
		t[i] = now_s() - t0;
		cpu[i] = host_cpu_s(&hc) - c0;
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
	for (size_t i = 0; i < made; i++) {
		double t0 = now_s();
		xctl_core_destroy(c, ids[i]);
		td[i] = now_s() - t0;
	}
	double destroyed = now_s() - start;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);

	printf("lifecycle bench: %zu PV domains (1 disk, 1 vif, created paused) on a simulated host "
	       "(started in %.2f s)\n",
	       made, t_host);
	printf("%-10s %10s %8s %6s %8s %6s %8s %6s %9s %6s\n", "create #", "time (ms)", "median5", "ratio",
	       "xs reqs", "ratio", "cpu (ms)", "ratio", "destroy", "ratio");
	for (size_t k = 0; k < XCTL_ARRAY_SIZE(rows) && made && rows[k] <= made; k++) {
		size_t i = rows[k] - 1;
		double mt = median5(t, made, i, 1), m1 = median5(t, made, 0, 1);
		double mq = median5(q, made, i, 1), q1 = median5(q, made, 0, 1);
		/* destroys run in create order: destroy #i is the one with i-1 left after it */
		double md = median5(td, made, i, 1), d1 = median5(td, made, 0, 1);
		double mc = median5(cpu, made, i, 1), c1 = median5(cpu, made, 0, 1);
		printf("%-10zu %10.2f %8.2f %6.2f %8.0f %6.2f %8.2f %6.2f %9.2f %6.2f\n", rows[k], t[i] * 1e3, mt * 1e3,
		       mt / m1, q[i], mq / q1, mc * 1e3, c1 > 0 ? mc / c1 : 0.0, md * 1e3, md / d1);
	}
	printf("(median5: of the 5 creates around; cpu: the bench's and the host daemons' CPU time during the create;\n"
	       " destroy: median5 of the destroys in create order, the first with every domain still there)\n");
	printf("all creates: %.2f s (%.2f ms each); all destroys: %.2f s (%.2f ms each); bench max RSS %ld MB\n",
	       created, made ? created * 1e3 / (double)made : 0.0, destroyed,
	       made ? destroyed * 1e3 / (double)made : 0.0, ru.ru_maxrss / 1024);
	if (made)
		print_phases(&ph, made);
	fflush(stdout);
	free(t);
	free(q);
	free(td);
	free(cpu);
	free(ids);
	for (size_t i = 0; i < hc.n; i++)
		close(hc.fd[i]);
	free(ph.ms);
	xctl_core_close(c);
	int bad = run_cleanup(bindir, dir);
	if (write(cleaner, "", 1) != 1)
		bad = 1;
	return made == n && !bad ? 0 : 1;
}
