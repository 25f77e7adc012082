/* SPDX-License-Identifier: LGPL-2.1-only */
/* make bench: create 1,000 PV domains with one disk and one vif on a
 * simulated host of its own, then destroy them; print the wall time and
 * the xenstore requests of the create at domain 1, 10, 100 and 1,000 (and
 * the median of the five creates around each), side by side with the
 * ratio to the first, then the same for each phase of the create and for
 * the destroys.
 *
 * Those creates happen minutes apart, on a machine other programs share, so
 * their ratio also measures how busy the machine was at each moment. The
 * bench therefore also measures the two cases side by side: a second host,
 * kept empty, creates and destroys its one domain in turn with the full
 * host, which destroys its newest domain and creates it again (so its
 * create is the N-th), ROUNDS times, alternating which goes first; it
 * prints the medians and their ratio.
 *
 * bench_lifecycle [N] (default 1000). The hosts live below $TMPDIR (default
 * /tmp). Each host is driven by a process of its own, in a network
 * namespace of its own (the backends' TAP devices are named by domid). Everything the bench
 * starts goes with it, even when it is killed: the hosts' watchdogs follow
 * the bench (XCTL_SIM_LIFELINE), and a cleaner process of its own session
 * stops the hosts and removes the bench's directory once it is gone. */
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
#include <sched.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
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
#define HOST_PROCS 12
#define PROC_NAME 24
struct host_cpu {
	int fd[HOST_PROCS];
	char name[HOST_PROCS][PROC_NAME];
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
			if (fd >= 0) {
				snprintf(h->name[h->n], PROC_NAME, "%.*s", (int)(l - 4), e->d_name);
				h->fd[h->n++] = fd;
			}
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	/* by name: both hosts list their daemons in the same order */
	for (size_t i = 1; i < h->n; i++)
		for (size_t j = i; j > 0 && strcmp(h->name[j - 1], h->name[j]) > 0; j--) {
			char t[PROC_NAME];
			int fd = h->fd[j];
			memcpy(t, h->name[j], PROC_NAME);
			memcpy(h->name[j], h->name[j - 1], PROC_NAME);
			memcpy(h->name[j - 1], t, PROC_NAME);
			h->fd[j] = h->fd[j - 1];
			h->fd[j - 1] = fd;
		}
}

/* The CPU time of the host process (by[0]) and of each daemon (by[1 + i]),
 * and their sum. */
static double host_cpu_s(const struct host_cpu *h, double *by)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	double sum = (double)t.tv_sec + (double)t.tv_nsec / 1e9;
	if (by)
		by[0] = sum;
	for (size_t i = 0; i < h->n; i++) {
		char b[128];
		ssize_t k = pread(h->fd[i], b, sizeof(b) - 1, 0);
		if (k <= 0)
			continue;
		b[k] = 0;
		double v = (double)strtoull(b, NULL, 10) / 1e9; /* ns on the cpu */
		sum += v;
		if (by)
			by[1 + i] = v;
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

/* Stop both hosts, remove the bench's directory. */
static int run_cleanup(const char *bin, const char *dir)
{
	char cmd[4 * PATH_MAX + 256];
	snprintf(cmd, sizeof(cmd),
		 "for h in one full; do XCTL_SIM_DIR='%s'/$h/sim '%s/xctl' --sim sim stop >/dev/null 2>&1; done; "
		 "rm -rf '%s'", dir, bin, dir);
	return system(cmd) ? 1 : 0;
}

/* Stop the hosts and remove dir if the bench process (our parent) dies
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

/* One create or destroy, as a host's process reports it (one pipe write,
 * smaller than PIPE_BUF). */
struct result {
	int rc;
	uint32_t domid;
	double wall, cpu, reqs; /* s, s, xenstore requests */
	uint32_t nph;
	char ph_name[PHASES_MAX][PHASE_NAME];
	double ph_ms[PHASES_MAX];
	uint32_t nproc; /* the host process, then its daemons */
	char proc[HOST_PROCS + 1][PROC_NAME];
	double proc_cpu[HOST_PROCS + 1];
};

struct host {
	const char *label;
	pid_t pid;
	int cmd, res; /* the bench writes commands to cmd and reads results from res */
	size_t domains;
};

struct host_ctx {
	struct xctl_core *c;
	struct host_cpu hc;
	const char *img;
	uint32_t *ids;
	size_t n, cap, made; /* made: names given so far */
};

/* Create one more domain (bench1, bench2, ... on this host). */
static void host_create(struct host_ctx *h, struct result *res)
{
	struct xctl_global_config g;
	struct xctl_domain_config m;
	struct xctl_diags d;
	char disk[900], name[64];
	snprintf(disk, sizeof(disk), "disk=[\"format=raw, vdev=xvda, access=ro, target=%s\"]", h->img);
	snprintf(name, sizeof(name), "name=\"bench%zu\"", ++h->made);
	char *overrides[] = { disk, "vif=[\"bridge=xenbr0\"]", "memory=8", "maxmem=8", "vcpus=1", "maxvcpus=1", name };
	struct xctl_config_request r = { .path = "configs/pv.cfg", .overrides = overrides, .noverrides = 7,
					 .creating = true, .seed = xctl_config_random_seed(), .seeded = true };
	struct phases ph = { .ms = res->ph_ms };
	xctl_diags_init(&d);
	res->rc = xctl_config_load_request(&r, &g, &m, &d);
	if (res->rc) {
		fprintf(stderr, "bench_lifecycle: configs/pv.cfg does not load: %s\n", xctl_strerror(res->rc));
	} else if (h->n == h->cap) {
		res->rc = XCTL_ERR_NOMEM;
	} else {
		struct xctl_create_opts o = { .paused = true, .timed = timed, .timed_arg = &ph };
		unsigned long before = h->c->hv->xs_requests;
		double by0[HOST_PROCS + 1] = { 0 };
		double c0 = host_cpu_s(&h->hc, by0), t0 = now_s();
		res->rc = xctl_core_create(h->c, &m, &o, &res->domid);
		res->wall = now_s() - t0;
		res->cpu = host_cpu_s(&h->hc, res->proc_cpu) - c0;
		res->nproc = (uint32_t)h->hc.n + 1;
		snprintf(res->proc[0], PROC_NAME, "toolstack");
		for (size_t k = 0; k < h->hc.n; k++)
			snprintf(res->proc[1 + k], PROC_NAME, "%s", h->hc.name[k]);
		for (size_t k = 0; k < res->nproc; k++)
			res->proc_cpu[k] -= by0[k];
		res->reqs = (double)(h->c->hv->xs_requests - before);
		if (!res->rc)
			h->ids[h->n++] = res->domid;
		else
			fprintf(stderr, "bench_lifecycle: create %zu failed: %s\n", h->made, xctl_strerror(res->rc));
	}
	res->nph = (uint32_t)ph.n;
	memcpy(res->ph_name, ph.name, sizeof(ph.name));
	xctl_diags_free(&d);
	xctl_model_dispose(&m);
	xctl_global_dispose(&g);
}

/* A host's process: its own simulated host below dir, driven through the
 * pipes: 'c' creates a domain, 'd' destroys the newest, 'q' ends. */
static int run_host(const char *dir, const char *bindir, const char *img, size_t cap, int cmd, int resfd)
{
	char v[PATH_MAX + 64];
	static const char *const env[][2] = { { "XCTL_SIM_DIR", "sim" }, { "XCTL_STATE_DIR", "state" },
					      { "XCTL_LOG_DIR", "log" }, { "XCTL_HOOKS_DIR", "hooks" },
					      { "XENSTORED_PATH", "sim/xenstored.sock" } };
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(env); i++) {
		snprintf(v, sizeof(v), "%s/%s", dir, env[i][1]);
		setenv(env[i][0], v, 1);
	}
	/* A network namespace of its own: the backends name their TAP devices
	 * vifD.N, which the other host's would clash with. */
	if (unshare(CLONE_NEWNET))
		fprintf(stderr, "bench_lifecycle: host %s shares the network namespace (%s): its vifs may clash "
				"with the other host's\n", dir, strerror(errno));
	struct xctl_log lg;
	xctl_log_init(&lg, "bench_lifecycle", XCTL_LOG_ERROR);
	struct xctl_core_params p = { .log = &lg, .kind = XCTL_HV_SIM, .bin_dir = bindir };
	struct host_ctx h = { .img = img, .cap = cap, .ids = calloc(cap, sizeof(uint32_t)) };
	struct result res = { 0 };
	double t0 = now_s();
	res.rc = h.ids ? xctl_core_open(&p, &h.c) : XCTL_ERR_NOMEM;
	res.wall = now_s() - t0;
	if (res.rc)
		fprintf(stderr, "bench_lifecycle: cannot start the simulated host: %s\n", xctl_strerror(res.rc));
	else
		host_cpu_open(&h.hc, getenv("XCTL_SIM_DIR"));
	if (write(resfd, &res, sizeof(res)) != (ssize_t)sizeof(res) || res.rc)
		return 1;
	char op;
	while (read(cmd, &op, 1) == 1 && op != 'q') {
		memset(&res, 0, sizeof(res));
		if (op == 'c') {
			host_create(&h, &res);
		} else if (h.n) {
			double d0 = now_s();
			res.rc = xctl_core_destroy(h.c, h.ids[h.n - 1]);
			res.wall = now_s() - d0;
			h.n--;
		} else {
			res.rc = XCTL_ERR_NOTFOUND;
		}
		if (write(resfd, &res, sizeof(res)) != (ssize_t)sizeof(res))
			break;
	}
	for (size_t i = 0; i < h.hc.n; i++)
		close(h.hc.fd[i]);
	xctl_core_close(h.c);
	free(h.ids);
	return 0;
}

static int host_start(struct host *h, const char *root, const char *bindir, const char *img, size_t cap)
{
	int c[2], r[2];
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/%s", root, h->label);
	if (mkdir(dir, 0700) || pipe2(c, O_CLOEXEC) || pipe2(r, O_CLOEXEC))
		return -1;
	fflush(NULL);
	h->pid = fork();
	if (h->pid == 0) {
		close(c[1]);
		close(r[0]);
		_exit(run_host(dir, bindir, img, cap, c[0], r[1]));
	}
	close(c[0]);
	close(r[1]);
	h->cmd = c[1];
	h->res = r[0];
	struct result res;
	if (h->pid < 0 || read(h->res, &res, sizeof(res)) != (ssize_t)sizeof(res) || res.rc)
		return -1;
	return 0;
}

/* One command to a host and its result; rc -1 if the host is gone. */
static struct result host_do(struct host *h, char op)
{
	struct result res = { .rc = -1 };
	if (write(h->cmd, &op, 1) != 1 || read(h->res, &res, sizeof(res)) != (ssize_t)sizeof(res))
		res.rc = -1;
	if (!res.rc)
		h->domains += op == 'c' ? 1 : -1;
	return res;
}

static void host_stop(struct host *h)
{
	if (h->pid <= 0)
		return;
	char q = 'q';
	if (write(h->cmd, &q, 1) != 1)
		kill(h->pid, SIGKILL);
	close(h->cmd);
	close(h->res);
	waitpid(h->pid, NULL, 0);
	h->pid = 0;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_d);
	return n ? v[n / 2] : 0.0;
}

#define ROUNDS 9

struct sbs {
	double c1[ROUNDS], cn[ROUNDS], u1[ROUNDS], un[ROUNDS], d1[ROUNDS], dn[ROUNDS], q1[ROUNDS], qn[ROUNDS];
	uint32_t nproc;
	char proc[HOST_PROCS + 1][PROC_NAME];
	double p1[HOST_PROCS + 1][ROUNDS], pn[HOST_PROCS + 1][ROUNDS];
};

/* The create at domain 1 and at domain n, and the destroy with 0 and n-1
 * domains left, ROUNDS times each, the two hosts in turn: the full host
 * starts each round with n-1 domains. Each destroy is of the domain its
 * host made two steps before, and which host goes first alternates. */
static int side_by_side(struct host *one, struct host *full, struct sbs *o)
{
	if (host_do(full, 'd').rc)
		return 1;
	for (int r = 0; r < ROUNDS; r++) {
		struct result a, b, x, y;
		if (r % 2 == 0) {
			a = host_do(one, 'c');
			b = host_do(full, 'c');
			x = host_do(one, 'd');
			y = host_do(full, 'd');
		} else {
			b = host_do(full, 'c');
			a = host_do(one, 'c');
			y = host_do(full, 'd');
			x = host_do(one, 'd');
		}
		if (a.rc || b.rc || x.rc || y.rc) {
			fprintf(stderr, "bench_lifecycle: a create or destroy of the side-by-side rounds failed\n");
			return 1;
		}
		o->c1[r] = a.wall, o->cn[r] = b.wall, o->u1[r] = a.cpu, o->un[r] = b.cpu;
		o->d1[r] = x.wall, o->dn[r] = y.wall, o->q1[r] = a.reqs, o->qn[r] = b.reqs;
		o->nproc = a.nproc < b.nproc ? a.nproc : b.nproc;
		for (uint32_t k = 0; k < o->nproc; k++) {
			/* the daemons are listed in the same order on both hosts */
			snprintf(o->proc[k], PROC_NAME, "%s", a.proc[k]);
			o->p1[k][r] = a.proc_cpu[k];
			o->pn[k][r] = b.proc_cpu[k];
		}
	}
	return host_do(full, 'c').rc != 0;
}

static void print_sbs(struct sbs *o, size_t n)
{
	double mc1 = median(o->c1, ROUNDS), mcn = median(o->cn, ROUNDS), mu1 = median(o->u1, ROUNDS),
	       mun = median(o->un, ROUNDS), md1 = median(o->d1, ROUNDS), mdn = median(o->dn, ROUNDS);
	double mq1 = median(o->q1, ROUNDS), mqn = median(o->qn, ROUNDS);
	printf("\nside by side: two hosts in turn, one empty, one with %zu domains; medians of %d rounds (ms)\n", n,
	       ROUNDS);
	printf("%-20s %10s %10s %8s\n", "", "domain 1", "domain N", "ratio");
	printf("%-20s %10.2f %10.2f %8.2f\n", "create wall", mc1 * 1e3, mcn * 1e3, mcn / mc1);
	printf("%-20s %10.2f %10.2f %8.2f\n", "create cpu", mu1 * 1e3, mun * 1e3, mu1 > 0 ? mun / mu1 : 0.0);
	printf("%-20s %10.0f %10.0f %8.2f\n", "create xs reqs", mq1, mqn, mq1 > 0 ? mqn / mq1 : 0.0);
	for (uint32_t k = 0; k < o->nproc; k++) {
		double a = median(o->p1[k], ROUNDS), b = median(o->pn[k], ROUNDS);
		char label[48];
		snprintf(label, sizeof(label), " cpu %s", o->proc[k]);
		if (a > 0.00005 || b > 0.00005)
			printf("%-20s %10.2f %10.2f %8.2f\n", label, a * 1e3, b * 1e3, a > 0 ? b / a : 0.0);
	}
	printf("%-20s %10.2f %10.2f %8.2f\n", "destroy wall", md1 * 1e3, mdn * 1e3, mdn / md1);
	printf("(domain 1: the empty host creates its one domain, later destroys it; domain N: the other host\n"
	       " creates its N-th, later destroys it; the two alternate step by step, and which goes first)\n");
}

static const char *fs_name(const char *dir)
{
	struct statfs f;
	if (statfs(dir, &f))
		return "unknown";
	switch ((unsigned long)f.f_type) {
	case 0x01021994UL: return "tmpfs";
	case 0xEF53UL: return "ext4";
	case 0x9123683EUL: return "btrfs";
	case 0x58465342UL: return "xfs";
	case 0x794c7630UL: return "overlayfs";
	default: return "other";
	}
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)atol(argv[1]) : 1000;
	const char *bin = getenv("XCTL_BIN") ? getenv("XCTL_BIN") : "build/bin";
	char dir[512], v[600], img[700], cmd[1400];
	char bindir[PATH_MAX];
	const char *tmp = getenv("TMPDIR") && getenv("TMPDIR")[0] ? getenv("TMPDIR") : "/tmp";
	snprintf(dir, sizeof(dir), "%s/xctl-bench-life-XXXXXX", tmp);
	if (!n || !mkdtemp(dir)) {
		fprintf(stderr, "bench_lifecycle: usage: bench_lifecycle [N>0]; or mkdtemp failed\n");
		return 2;
	}
	if (!realpath(bin, bindir)) {
		fprintf(stderr, "bench_lifecycle: no %s (XCTL_BIN)\n", bin);
		rmdir(dir);
		return 1;
	}
	int cleaner = start_cleaner(bindir, dir); /* from here on dir goes with us */
	if (cleaner < 0) {
		fprintf(stderr, "bench_lifecycle: cannot fork: %s\n", strerror(errno));
		rmdir(dir);
		return 1;
	}
	snprintf(v, sizeof(v), "%ld", (long)getpid());
	setenv("XCTL_SIM_LIFELINE", v, 1); /* the hosts go with this program */
	snprintf(img, sizeof(img), "%s/disk.img", dir);
	snprintf(cmd, sizeof(cmd), "dd if=/dev/zero of=%s bs=1048576 count=0 seek=16 2>/dev/null", img);
	if (system(cmd))
		return 1;

	struct host full = { .label = "full" }, one = { .label = "one" };
	double t_host = now_s();
	if (host_start(&full, dir, bindir, img, n) || host_start(&one, dir, bindir, img, 1)) {
		fprintf(stderr, "bench_lifecycle: cannot start the simulated hosts\n");
		host_stop(&full);
		host_stop(&one);
		run_cleanup(bindir, dir);
		return 1;
	}
	t_host = now_s() - t_host;

	double *t = calloc(n, sizeof(*t)), *q = calloc(n, sizeof(*q)), *td = calloc(n, sizeof(*td));
	double *cpu = calloc(n, sizeof(*cpu));
	struct phases ph = { .ms = calloc(n * PHASES_MAX, sizeof(double)) };
	if (!t || !q || !td || !cpu || !ph.ms) {
		fprintf(stderr, "bench_lifecycle: out of memory for %zu domains\n", n);
		return 1;
	}
	double start = now_s();
	size_t made = 0;
	for (size_t i = 0; i < n; i++) {
		struct result res = host_do(&full, 'c');
		if (res.rc)
			break;
		t[i] = res.wall;
		cpu[i] = res.cpu;
		q[i] = res.reqs;
		ph.at = i;
		for (uint32_t k = 0; k < res.nph; k++)
			timed(&ph, res.ph_name[k], (long long)(res.ph_ms[k] * 1e6), 0);
		made++;
	}
	double created = now_s() - start;
	struct sbs sbs;
	int bad = made == n && side_by_side(&one, &full, &sbs);
	start = now_s();
	size_t gone = 0;
	for (size_t i = 0; i < made; i++) {
		struct result res = host_do(&full, 'd');
		td[i] = res.wall;
		gone += res.rc == 0;
	}
	double destroyed = now_s() - start;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);

	printf("lifecycle bench: %zu PV domains (1 disk, 1 vif, created paused) on a simulated host "
	       "(two hosts started in %.2f s; in %s, %s)\n",
	       made, t_host, dir, fs_name(dir));
	printf("%-10s %10s %8s %6s %8s %6s %8s %6s %9s %6s\n", "create #", "time (ms)", "median5", "ratio",
	       "xs reqs", "ratio", "cpu (ms)", "ratio", "destroy", "ratio");
	for (size_t k = 0; k < XCTL_ARRAY_SIZE(rows) && made && rows[k] <= made; k++) {
		size_t i = rows[k] - 1;
		double mt = median5(t, made, i, 1), m1 = median5(t, made, 0, 1);
		double mq = median5(q, made, i, 1), q1 = median5(q, made, 0, 1);
		/* destroys run newest first: destroy #i is the one with i-1 left after it */
		size_t di = made - 1 - i;
		double md = median5(td, made, di, 1), d1 = median5(td, made, made - 1, 1);
		double mc = median5(cpu, made, i, 1), c1 = median5(cpu, made, 0, 1);
		printf("%-10zu %10.2f %8.2f %6.2f %8.0f %6.2f %8.2f %6.2f %9.2f %6.2f\n", rows[k], t[i] * 1e3, mt * 1e3,
		       mt / m1, q[i], mq / q1, mc * 1e3, c1 > 0 ? mc / c1 : 0.0, md * 1e3, md / d1);
	}
	printf("(median5: of the 5 creates around; cpu: the host process's and the host daemons' CPU time during\n"
	       " the create; destroy: median5 of the destroys with that many domains before it)\n");
	printf("all creates: %.2f s (%.2f ms each); all destroys: %.2f s (%.2f ms each); bench max RSS %ld MB\n",
	       created, made ? created * 1e3 / (double)made : 0.0, destroyed,
	       made ? destroyed * 1e3 / (double)made : 0.0, ru.ru_maxrss / 1024);
	if (made)
		print_phases(&ph, made);
	if (made == n && !bad)
		print_sbs(&sbs, n);
	fflush(stdout);
	free(t);
	free(q);
	free(td);
	free(cpu);
	free(ph.ms);
	host_stop(&full);
	host_stop(&one);
	bad |= run_cleanup(bindir, dir);
	if (write(cleaner, "", 1) != 1)
		bad = 1;
	return made == n && gone == made && !bad ? 0 : 1;
}
