/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-simd benchmark: N domains created, unpaused (each with its guest
 * process running: it has told xctl-simd it is up) and destroyed, for N =
 * 1, 10, 100 and 1,000, on one private host with xctl-xenstored. Prints
 * the time per domain at each N and the ratio of the last to the first,
 * and xctl-simd's resident memory per domain with 1,000 domains up.
 *
 * Small N are repeated so that every row covers at least 100 domains, and
 * the four sizes are run in turn three times (passes, interleaved, so that
 * a change of the machine's load hits every size alike); wall time is the
 * best pass, cpu time (xctl-simd with its spawner and the guests,
 * xctl-xenstored, and this client, from /proc/PID/stat) the mean. Options: -g PATH the guest program (default
 * simd-testguest, the minimal guest of tests/simd), -n N the largest N
 * (default 1000), -p PASSES (default 3). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/util.h"
#include "tests/simd/harness.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct run {
	double create, unpause, destroy; /* seconds, summed over the repetitions */
	long rss_up_kib;                  /* xctl-simd's RSS with the N domains up */
};

/* cpu seconds of a process and of its reaped children */
static double cpu_s(pid_t pid)
{
	char p[64], buf[1024];
	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(p, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *e = strrchr(buf, ')');
	unsigned long long ut = 0, st = 0, cut = 0, cst = 0;
	if (!e || sscanf(e + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu", &ut, &st, &cut,
			 &cst) != 4)
		return 0;
	return (double)(ut + st + cut + cst) / (double)sysconf(_SC_CLK_TCK);
}

/* cpu seconds of the host: xctl-simd, its children (the spawner, with the
 * guests it reaped), xctl-xenstored, and this client */
static double host_cpu_s(const struct simd_host *h)
{
	double t = cpu_s(h->simd) + cpu_s(h->xsd) + cpu_s(getpid());
	char p[96], buf[256];
	snprintf(p, sizeof(p), "/proc/%d/task/%d/children", (int)h->simd, (int)h->simd);
	FILE *f = fopen(p, "r");
	if (f) {
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		for (char *s = strtok(buf, " \n"); s; s = strtok(NULL, " \n"))
			t += cpu_s((pid_t)atoi(s));
	}
	return t;
}

/* Wait until every domain in ids has its guest up: watch events, then one
 * info per changed domain. */
static int wait_up(struct simd_host *h, struct simd_watch *w, const uint32_t *ids, unsigned n, char *up)
{
	unsigned left = n;
	memset(up, 0, SIMD_DOMID_MAX + 1);
	for (unsigned i = 0; i < n; i++)
		up[ids[i]] = 1; /* 1: waiting, 2: up */
	for (unsigned i = 0; i < n; i++) {
		struct simd_domain_info di;
		if (simd_domain_info(h->s, ids[i], &di))
			return -1;
		if (di.guest_connected) {
			up[ids[i]] = 2;
			left--;
		}
	}
	double end = now_s() + 120;
	while (left) {
		struct simd_event ev;
		int rc = simd_watch_read(w, &ev, 1000);
		if (rc == XCTL_ERR_TIMEOUT && now_s() < end)
			continue;
		if (rc)
			return -1;
		if (ev.kind == SIMD_EV_OVERFLOW) {
			for (unsigned i = 0; i < n; i++) {
				struct simd_domain_info di;
				if (up[ids[i]] == 1 && !simd_domain_info(h->s, ids[i], &di) && di.guest_connected) {
					up[ids[i]] = 2;
					left--;
				}
			}
			continue;
		}
		if (ev.domid > SIMD_DOMID_MAX || up[ev.domid] != 1)
			continue;
		struct simd_domain_info di;
		if (simd_domain_info(h->s, ev.domid, &di) == 0 && di.guest_connected) {
			up[ev.domid] = 2;
			left--;
		}
	}
	return 0;
}

static int one_round(struct simd_host *h, struct simd_watch *w, unsigned n, uint32_t *ids, char *up,
		     struct run *r)
{
	struct simd_domain_config c = th_config();
	c.max_kib = c.target_kib = 16 * 1024;
	c.max_vcpus = c.vcpus = 1;
	double t0 = now_s();
	for (unsigned i = 0; i < n; i++)
		if (simd_domain_create(h->s, &c, &ids[i])) {
			fprintf(stderr, "bench_simd: create %u: %s\n", i, simd_errmsg(h->s));
			return -1;
		}
	double t1 = now_s();
	for (unsigned i = 0; i < n; i++)
		if (simd_domain_unpause(h->s, ids[i])) {
			fprintf(stderr, "bench_simd: unpause %u: %s\n", ids[i], simd_errmsg(h->s));
			return -1;
		}
	if (wait_up(h, w, ids, n, up)) {
		fprintf(stderr, "bench_simd: the guests did not all come up\n");
		return -1;
	}
	double t2 = now_s();
	long rss = th_rss_kib(h->simd);
	if (rss > r->rss_up_kib)
		r->rss_up_kib = rss;
	for (unsigned i = 0; i < n; i++)
		if (simd_domain_destroy(h->s, ids[i])) {
			fprintf(stderr, "bench_simd: destroy %u: %s\n", ids[i], simd_errmsg(h->s));
			return -1;
		}
	double t3 = now_s();
	r->create += t1 - t0;
	r->unpause += t2 - t1;
	r->destroy += t3 - t2;
	/* drain the watch so that the next round starts clean */
	struct simd_event ev;
	while (simd_watch_read(w, &ev, 0) == 0)
		;
	return 0;
}

int main(int argc, char **argv)
{
	const char *guest = NULL;
	unsigned maxn = 1000;
	int ch;
	unsigned passes = 3;
	while ((ch = getopt(argc, argv, "g:n:p:")) != -1) {
		uint64_t v;
		if (ch == 'g')
			guest = optarg;
		else if (ch == 'n' && !xctl_parse_u64(optarg, 10, 10000, &v) && v >= 10)
			maxn = (unsigned)v;
		else if (ch == 'p' && !xctl_parse_u64(optarg, 10, 20, &v) && v >= 1)
			passes = (unsigned)v;
		else {
			fprintf(stderr, "usage: bench_simd [-g GUEST] [-n N (10..10000)] [-p PASSES (1..20)]\n");
			return 2;
		}
	}
	char tg[600];
	if (!guest) {
		const char *b = getenv("XCTL_BUILD");
		snprintf(tg, sizeof(tg), "%s/tests/simd-testguest", b ? b : "build");
		guest = tg;
	}
	struct simd_host h;
	const char *extra[] = { "--memory", "134217728", "--log-level", "warn", NULL }; /* 128 GiB */
	if (th_start(&h, true, guest, extra)) {
		fprintf(stderr, "bench_simd: cannot start the host\n");
		th_stop(&h);
		return 1;
	}
	struct simd_watch *w;
	uint32_t *ids = calloc(maxn, sizeof(*ids));
	char *up = calloc(SIMD_DOMID_MAX + 1, 1);
	if (!ids || !up || simd_watch_open(h.s, &w)) {
		th_stop(&h);
		return 1;
	}
	unsigned sizes[4] = { 1, 10, 100, maxn };
	struct run best[4], sum[4] = { { 0 } };
	double best_ms[4] = { 0 }, cpu[4] = { 0 };
	long rss0 = th_rss_kib(h.simd), rss_up = 0;
	int rc = 0;
	for (unsigned p = 0; p < passes && !rc; p++) {
		for (int k = 0; k < 4 && !rc; k++) {
			unsigned n = sizes[k];
			unsigned rounds = n >= 100 ? 1 : 100 / n;
			struct run r = { 0 };
			double c0 = host_cpu_s(&h);
			for (unsigned i = 0; i < rounds && !rc; i++)
				rc = one_round(&h, w, n, ids, up, &r);
			if (rc)
				break;
			double doms = (double)n * rounds;
			cpu[k] += (host_cpu_s(&h) - c0) / doms * 1e3;
			double ms = (r.create + r.unpause + r.destroy) / doms * 1e3;
			if (p == 0 || ms < best_ms[k]) {
				best_ms[k] = ms;
				best[k] = r;
			}
			sum[k].create += r.create;
			if (k == 3 && r.rss_up_kib > rss_up)
				rss_up = r.rss_up_kib;
		}
	}
	if (!rc) {
		printf("xctl-simd: domains created, unpaused (guest %s up) and destroyed; best of %u passes\n",
		       strrchr(guest, '/') ? strrchr(guest, '/') + 1 : guest, passes);
		printf("%8s %6s %11s %11s %11s %11s %11s\n", "domains", "rounds", "create ms", "unpause ms",
		       "destroy ms", "ms/domain", "cpu ms/dom");
		for (int k = 0; k < 4; k++) {
			unsigned n = sizes[k];
			unsigned rounds = n >= 100 ? 1 : 100 / n;
			double doms = (double)n * rounds;
			printf("%8u %6u %11.3f %11.3f %11.3f %11.3f %11.3f\n", n, rounds, best[k].create / doms * 1e3,
			       best[k].unpause / doms * 1e3, best[k].destroy / doms * 1e3, best_ms[k], cpu[k] / passes);
		}
		printf("ratio at %u to at 1: %.2fx wall, %.2fx cpu (target: within 1.2x)\n", maxn, best_ms[3] / best_ms[0],
		       cpu[3] / cpu[0]);
		printf("xctl-simd resident memory: %ld KiB idle, %ld KiB with %u domains up: %.1f KiB per domain\n",
		       rss0, rss_up, maxn, (double)(rss_up - rss0) / maxn);
	}
	simd_watch_close(w);
	free(ids);
	free(up);
	th_stop(&h);
	return rc ? 1 : 0;
}
