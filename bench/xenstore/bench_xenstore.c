/* SPDX-License-Identifier: LGPL-2.1-only */
/* xenstore benchmark: reads, writes, directory listings, watch events and
 * small transactions per second against xctl-xenstored, with 1 and 64
 * concurrent clients (processes; each speaks the wire protocol itself,
 * client.c, or with -l goes through libxenstore), and a tree
 * of 10 and of 10,000 domains of about 100 nodes each (loaded with
 * --state). Prints a table. Options: -t SECONDS per cell (default 1),
 * -d DOMAINS (adds a tree size), -c CLIENTS (adds a client count).
 * Before the table: memory per node of a 200,000-node tree, and 10,000
 * requests pipelined on one connection against a time budget (the exit
 * status is 1 if it is missed).
 *
 * -C CLIENTS (up to four times) measures those client counts instead of 1
 * and 64; -o OP,... (read, write, dir, watch, txn) only those operations.
 *
 * -x LABEL=SOCKET (two to four times): measure already running xenstore
 * daemons instead (for example xctl-xenstored and Xen's own xenstored in
 * the lab's dom0), with the same clients, cell by cell in turn, and print
 * the rate of the first against each other one. Each cell is measured in
 * -r ROUNDS turns (default 5) of SECONDS/ROUNDS on each daemon, the order
 * of the daemons reversed every other turn, and the median turn is
 * printed: a slow spell of a shared machine then weighs on every daemon
 * alike. Every client connects before the clock starts. Their trees are written
 * through libxenstore below /bench-xs (owned by dom0) and removed at the
 * end; the default tree is then 10 domains only. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "bench/xenstore/client.h"
#include "common/util.h"
#include "tests/xenstored/harness.h"

#define NODES_PER_DOMAIN 98 /* plus the home and data/: 100 */

enum op { OP_READ, OP_WRITE, OP_DIR, OP_WATCH, OP_TXN, OP_COUNT };
static const char *const op_names[OP_COUNT] = { "read/s", "write/s", "dir/s", "watch/s", "txn/s" };

struct cfg {
	double secs;
	unsigned domains;
	const char *root; /* prefix of every path: "" for our own daemon */
	unsigned ops;     /* the operations to measure (1 << enum op) */
	unsigned rounds;  /* -x: each cell in this many turns per daemon */
	bool libxs;       /* -l: the clients use libxenstore, not client.c's own */
};

#define SKIPPED -2.0 /* an operation not asked for (-o) */

#define MAX_EXT 4
#define MAX_ROUNDS 15
struct ext {
	const char *label, *sock;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int write_state(const char *path, unsigned domains)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "xctl-xenstored-state 1\nnode / n0 =\nnode /local n0 =\nnode /local/domain n0 =\n");
	for (unsigned d = 1; d <= domains; d++) {
		fprintf(f, "node /local/domain/%u n0,r%u =\n", d, d);
		fprintf(f, "node /local/domain/%u/data b%u =\n", d, d);
		for (unsigned k = 0; k < NODES_PER_DOMAIN; k++)
			fprintf(f, "node /local/domain/%u/data/key%u b%u value-%u-%u\n", d, k, d, d, k);
	}
	return fclose(f);
}

static unsigned long long rnd(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* What a client does before the clock starts: the watch of OP_WATCH and
 * its first event. 0 or -1. */
static int prepare_op(struct client *cl, enum op op, unsigned id, const struct cfg *cfg)
{
	char p[128];
	if (op != OP_WATCH)
		return 0;
	snprintf(p, sizeof(p), "%s/bench/watch/c%u", cfg->root, id);
	if (!cl_watch(cl, p) || !cl_event(cl)) /* the first event */
		return -1;
	return 0;
}

/* Operations between two looks at the clock: in a Xen PV dom0 reading the
 * clock may cost a system call, which would weigh on the client's side of
 * each operation (and so lower every daemon's rate alike). */
#define CLOCK_EVERY 8

/* One client: run op until the deadline; return the count or -1, and in
 * *end when the client stopped (at most CLOCK_EVERY - 1 operations after
 * the deadline). */
static long run_op(struct client *cl, enum op op, unsigned id, const struct cfg *cfg, double *end)
{
	unsigned long long seed = 0x9e3779b97f4a7c15ULL ^ ((unsigned long long)id << 32 | id);
	char p[128], q[128];
	long n = 0;
	for (;;) {
		if (n % CLOCK_EVERY == 0) {
			double t = now_s();
			if (t >= *end) {
				*end = t;
				break;
			}
		}
		unsigned dom = (unsigned)(rnd(&seed) % cfg->domains) + 1;
		unsigned key = (unsigned)(rnd(&seed) % NODES_PER_DOMAIN);
		switch (op) {
		case OP_READ:
			snprintf(p, sizeof(p), "%s/local/domain/%u/data/key%u", cfg->root, dom, key);
			if (!cl_read(cl, 0, p))
				return -1;
			break;
		case OP_WRITE:
			snprintf(p, sizeof(p), "%s/bench/w/c%u/k%u", cfg->root, id, key);
			if (!cl_write(cl, 0, p, "some-value"))
				return -1;
			break;
		case OP_DIR:
			snprintf(p, sizeof(p), "%s/local/domain/%u/data", cfg->root, dom);
			if (cl_dir(cl, p) != NODES_PER_DOMAIN)
				return -1;
			break;
		case OP_WATCH:
			snprintf(p, sizeof(p), "%s/bench/watch/c%u/x", cfg->root, id);
			if (!cl_write(cl, 0, p, "1") || !cl_event(cl))
				return -1;
			break;
		case OP_TXN: {
			uint32_t t = cl_txn_start(cl);
			if (!t)
				return -1;
			snprintf(p, sizeof(p), "%s/local/domain/%u/data/key%u", cfg->root, dom, key);
			cl_read(cl, t, p);
			snprintf(p, sizeof(p), "%s/bench/t/c%u/a", cfg->root, id);
			snprintf(q, sizeof(q), "%s/bench/t/c%u/b", cfg->root, id);
			if (!cl_write(cl, t, p, "1") || !cl_write(cl, t, q, "2") || !cl_txn_end(cl, t))
				return -1;
			break;
		}
		default:
			return -1;
		}
		n++;
	}
	return n;
}

/* Fork clients; once every one has connected (and set its watch), start
 * them together for secs seconds and sum their counts: ops per second, or
 * -1 if a client failed. */
static double measure_for(enum op op, unsigned clients, const struct cfg *cfg, double secs)
{
	int go[2], res[2], ready[2];
	pid_t pids[256];
	if (!(cfg->ops & (1u << op)))
		return SKIPPED;
	if (clients > 256 || pipe(go) || pipe(res) || pipe(ready))
		return -1;
	unsigned forked = 0;
	for (; forked < clients; forked++) {
		pid_t pid = fork();
		if (pid < 0)
			break;
		pids[forked] = pid;
		if (pid == 0) {
			close(go[1]);
			close(res[0]);
			close(ready[0]);
			struct client cl;
			double start, rate = -1;
			char ok = cl_open(&cl, cfg->libxs) && prepare_op(&cl, op, forked, cfg) == 0;
			if (write(ready[1], &ok, 1) != 1)
				_exit(1);
			if (ok && read(go[0], &start, sizeof(start)) == (ssize_t)sizeof(start)) {
				double end = start + secs;
				long n = run_op(&cl, op, forked, cfg, &end);
				if (n >= 0)
					rate = (double)n / (end - start);
			}
			if (write(res[1], &rate, sizeof(rate)) != (ssize_t)sizeof(rate))
				_exit(1);
			cl_close(&cl);
			_exit(0);
		}
	}
	close(go[0]);
	close(res[1]);
	close(ready[1]);
	/* every client is connected before the clock starts: forking many
	 * takes long on a slow machine */
	bool failed = forked < clients;
	for (unsigned i = 0; i < forked; i++) {
		char ok = 0;
		if (read(ready[0], &ok, 1) != 1 || !ok)
			failed = true;
	}
	close(ready[0]);
	double start = now_s();
	for (unsigned i = 0; i < forked; i++)
		if (write(go[1], &start, sizeof(start)) != (ssize_t)sizeof(start))
			failed = true;
	close(go[1]);
	double total = 0;
	for (unsigned i = 0; i < forked; i++) {
		double r;
		if (read(res[0], &r, sizeof(r)) != (ssize_t)sizeof(r) || r < 0)
			failed = true;
		else
			total += r;
	}
	close(res[0]);
	for (unsigned i = 0; i < forked; i++)
		waitpid(pids[i], NULL, 0);
	return failed ? -1 : total;
}

static double measure(enum op op, unsigned clients, const struct cfg *cfg)
{
	return measure_for(op, clients, cfg, cfg->secs);
}

#define MEM_DOMAINS 2000 /* 200,000 nodes */
#define XEN_BYTES_PER_NODE 117 /* Xen 4.17.7's xenstored on the same tree */
#define PIPELINED 10000
#define PIPELINE_BUDGET_MS 1000.0

/* Resident memory of a daemon started with the tree of domains domains
 * (0: an empty one), in KiB, or -1. */
static long tree_rss(unsigned domains, size_t *nodes)
{
	char state[64];
	snprintf(state, sizeof(state), "/tmp/xsd-bench-mem-%ld.state", (long)getpid());
	if (write_state(state, domains))
		return -1;
	struct xsd_daemon dm;
	const char *extra[] = { "--state", state, NULL };
	long r = -1;
	if (xsd_start(&dm, extra) == 0) {
		struct xs_handle *h = xs_open(0);
		char *st = h ? xs_control_command(h, "stats", NULL, 0) : NULL;
		if (st && sscanf(st, "nodes %zu", nodes) == 1)
			r = xsd_rss_kib(dm.pid);
		free(st);
		if (h)
			xs_close(h);
	}
	xsd_cleanup(&dm);
	unlink(state);
	return r;
}

/* Bytes per node: the daemon with the tree minus the daemon without it. */
static int bench_memory(void)
{
	size_t n0 = 0, n = 0;
	long empty = tree_rss(0, &n0), full = tree_rss(MEM_DOMAINS, &n);
	if (empty < 0 || full < 0 || n <= n0) {
		printf("memory: FAILED (cannot start the daemon with the tree)\n");
		return 1;
	}
	double per = (double)(full - empty) * 1024.0 / (double)(n - n0);
	printf("memory: %zu nodes, rss %ld KiB (empty daemon %ld KiB): %.1f bytes per node "
	       "(Xen 4.17.7: %d on the same tree, ratio %.2f)\n",
	       n, full, empty, per, XEN_BYTES_PER_NODE, per / XEN_BYTES_PER_NODE);
	return 0;
}

static double ms_since(double t0)
{
	return (now_s() - t0) * 1000.0;
}

/* PIPELINED READs written at once on one connection, then every reply. */
static int bench_pipeline(void)
{
	struct xsd_daemon dm;
	if (xsd_start(&dm, NULL)) {
		printf("pipelined: FAILED (cannot start %s)\n", xsd_binary());
		return 1;
	}
	int rc = 1;
	int fd = xsd_raw_connect(dm.sock);
	size_t one = sizeof(struct xsd_sockmsg) + 6;
	char *buf = malloc(one * PIPELINED);
	if (fd >= 0 && buf) {
		for (uint32_t i = 0; i < PIPELINED; i++) {
			struct xsd_sockmsg h = { XS_READ, i, 0, 6 };
			memcpy(buf + i * one, &h, sizeof(h));
			memcpy(buf + i * one + sizeof(h), "/tool", 6);
		}
		double t0 = now_s();
		/* Write and read at the same time: the kernel's buffers are
		 * smaller than the whole batch. */
		size_t off = 0, total = one * PIPELINED;
		uint32_t got = 0;
		char in[65536];
		size_t have = 0;
		bool bad = false;
		while (got < PIPELINED && !bad && ms_since(t0) < 30000) {
			struct pollfd p = { fd, (short)(POLLIN | (off < total ? POLLOUT : 0)), 0 };
			if (poll(&p, 1, 1000) <= 0)
				continue;
			if ((p.revents & POLLOUT) && off < total) {
				ssize_t w = write(fd, buf + off, total - off > 65536 ? 65536 : total - off);
				if (w > 0)
					off += (size_t)w;
			}
			if (p.revents & POLLIN) {
				ssize_t r = read(fd, in + have, sizeof(in) - have);
				if (r <= 0) {
					bad = true;
					break;
				}
				have += (size_t)r;
				size_t used = 0;
				while (have - used >= sizeof(struct xsd_sockmsg)) {
					struct xsd_sockmsg h;
					memcpy(&h, in + used, sizeof(h));
					if (have - used < sizeof(h) + h.len)
						break;
					if (h.type != XS_READ || h.req_id != got)
						bad = true;
					used += sizeof(h) + h.len;
					got++;
				}
				memmove(in, in + used, have - used);
				have -= used;
			}
		}
		double ms = ms_since(t0);
		bool ok = !bad && got == PIPELINED && ms <= PIPELINE_BUDGET_MS;
		printf("pipelined: %u of %d READs answered in order in %.1f ms on one connection "
		       "(budget %.0f ms): %s\n", got, PIPELINED, ms, PIPELINE_BUDGET_MS,
		       ok ? "ok" : "OVER BUDGET OR FAILED");
		rc = ok ? 0 : 1;
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	xsd_cleanup(&dm);
	return rc;
}

/* Each tree against the first and each client count against the first,
 * from the cells of this one run. */
static void print_ratios(double res[4][4][OP_COUNT], const unsigned *trees, unsigned ntrees,
			 const unsigned *clients, unsigned nclients)
{
	printf("\nratios, measured side by side in this run (rate / rate of the base row):\n");
	printf("%-30s", "comparison");
	for (int o = 0; o < OP_COUNT; o++)
		printf(" %10s", op_names[o]);
	printf("\n");
	for (unsigned t = 1; t < ntrees; t++) {
		for (unsigned k = 0; k < nclients; k++) {
			char label[64];
			snprintf(label, sizeof(label), "%u vs %u domains, %u cl", trees[t], trees[0], clients[k]);
			printf("%-30s", label);
			for (int o = 0; o < OP_COUNT; o++) {
				double a = res[t][k][o], b = res[0][k][o];
				if (a < 0 || b <= 0)
					printf(" %10s", "-");
				else
					printf(" %9.2fx", a / b);
			}
			printf("\n");
		}
	}
	for (unsigned k = 1; k < nclients; k++) {
		for (unsigned t = 0; t < ntrees; t++) {
			char label[64];
			snprintf(label, sizeof(label), "%u vs %u clients, %u dom", clients[k], clients[0], trees[t]);
			printf("%-30s", label);
			for (int o = 0; o < OP_COUNT; o++) {
				double a = res[t][k][o], b = res[t][0][o];
				if (a < 0 || b <= 0)
					printf(" %10s", "-");
				else
					printf(" %9.2fx", a / b);
			}
			printf("\n");
		}
	}
}

/* The tree of write_state, written through libxenstore below cfg->root,
 * one transaction per domain. 0 or -1. */
static int load_tree(const struct cfg *cfg)
{
	struct xs_handle *h = xs_open(0);
	char p[128], v[64];
	int rc = -1;
	if (!h)
		return -1;
	snprintf(p, sizeof(p), "%s", cfg->root);
	xs_rm(h, XBT_NULL, p);
	for (unsigned d = 1; d <= cfg->domains; d++) {
		for (int attempt = 0;; attempt++) {
			xs_transaction_t t = xs_transaction_start(h);
			if (t == XBT_NULL)
				goto out;
			bool ok = true;
			for (unsigned k = 0; ok && k < NODES_PER_DOMAIN; k++) {
				snprintf(p, sizeof(p), "%s/local/domain/%u/data/key%u", cfg->root, d, k);
				snprintf(v, sizeof(v), "value-%u-%u", d, k);
				ok = xs_write(h, t, p, v, (unsigned)strlen(v));
			}
			if (!ok) {
				xs_transaction_end(h, t, true);
				goto out;
			}
			if (xs_transaction_end(h, t, false))
				break;
			if (errno != EAGAIN || attempt >= 10)
				goto out;
		}
	}
	rc = 0;
out:
	xs_close(h);
	return rc;
}

static void remove_tree(const struct cfg *cfg)
{
	struct xs_handle *h = xs_open(0);
	if (h) {
		xs_rm(h, XBT_NULL, cfg->root);
		xs_close(h);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One cell on every daemon: cfg->rounds rounds of secs/rounds seconds
 * each, the daemons in turn (the order reversed every other round), so
 * that a slow spell of the machine falls on all of them; the median of
 * each daemon's rounds goes to res[e][o]. */
static void measure_rounds(enum op op, unsigned clients, const struct cfg *cfg, const struct ext *ext,
			   unsigned next, double res[][OP_COUNT], int o)
{
	double r[MAX_EXT][MAX_ROUNDS];
	unsigned nr = cfg->rounds;
	bool failed[MAX_EXT] = { false };
	for (unsigned k = 0; k < nr; k++) {
		for (unsigned i = 0; i < next; i++) {
			unsigned e = k % 2 ? next - 1 - i : i;
			setenv("XENSTORED_PATH", ext[e].sock, 1);
			r[e][k] = measure_for(op, clients, cfg, cfg->secs / nr);
			failed[e] = failed[e] || (r[e][k] < 0 && r[e][k] != SKIPPED);
		}
	}
	for (unsigned e = 0; e < next; e++) {
		qsort(r[e], nr, sizeof(double), cmp_double);
		res[e][o] = failed[e] ? -1 : r[e][nr / 2];
	}
}

/* -x: every cell on each daemon in turn, then the first against the others. */
static int compare_external(struct cfg *cfg, const struct ext *ext, unsigned next, const unsigned *trees,
			    unsigned ntrees, const unsigned *clients, unsigned nclients)
{
	static double res[4][4][MAX_EXT][OP_COUNT];
	int rc = 0;
	cfg->root = "/bench-xs";
	printf("xenstore benchmark: %u daemons side by side, clients %s, %.1f s per cell and daemon "
	       "in %u turns (the median turn shown), %d nodes per domain, the same clients on each in turn\n",
	       next, client_kind(cfg->libxs), cfg->secs, cfg->rounds, NODES_PER_DOMAIN + 2);
	for (unsigned e = 0; e < next; e++)
		printf("  %-10s %s\n", ext[e].label, ext[e].sock);
	printf("%-10s %-8s %7s %10s", "daemon", "domains", "clients", "load");
	for (int o = 0; o < OP_COUNT; o++)
		printf(" %10s", op_names[o]);
	printf("\n");
	for (unsigned t = 0; t < ntrees; t++) {
		cfg->domains = trees[t];
		double load[MAX_EXT];
		for (unsigned e = 0; e < next; e++) {
			setenv("XENSTORED_PATH", ext[e].sock, 1);
			double t0 = now_s();
			if (load_tree(cfg)) {
				fprintf(stderr, "bench: cannot write the tree into %s (%s): %s\n", ext[e].label,
					ext[e].sock, strerror(errno));
				return 1;
			}
			load[e] = now_s() - t0;
		}
		for (unsigned k = 0; k < nclients; k++) {
			fprintf(stderr, "bench: %u domains, %u clients...\n", cfg->domains, clients[k]);
			for (int o = 0; o < OP_COUNT; o++)
				measure_rounds((enum op)o, clients[k], cfg, ext, next, res[t][k], o);
			for (unsigned e = 0; e < next; e++) {
				printf("%-10s %-8u %7u %9.2fs", ext[e].label, cfg->domains, clients[k], load[e]);
				for (int o = 0; o < OP_COUNT; o++) {
					if (res[t][k][e][o] == SKIPPED) {
						printf(" %10s", "-");
					} else if (res[t][k][e][o] < 0) {
						printf(" %10s", "FAILED");
						rc = 1;
					} else {
						printf(" %10.0f", res[t][k][e][o]);
					}
				}
				printf("\n");
			}
			fflush(stdout);
		}
		for (unsigned e = 0; e < next; e++) {
			setenv("XENSTORED_PATH", ext[e].sock, 1);
			remove_tree(cfg);
		}
	}
	printf("\nratios, measured side by side in this run (rate of %s / rate of the other):\n", ext[0].label);
	printf("%-30s", "comparison");
	for (int o = 0; o < OP_COUNT; o++)
		printf(" %10s", op_names[o]);
	printf("\n");
	for (unsigned e = 1; e < next; e++)
		for (unsigned t = 0; t < ntrees; t++)
			for (unsigned k = 0; k < nclients; k++) {
				char label[64];
				snprintf(label, sizeof(label), "%s/%s %u dom %u cl", ext[0].label, ext[e].label, trees[t],
					 clients[k]);
				printf("%-30s", label);
				for (int o = 0; o < OP_COUNT; o++) {
					double a = res[t][k][0][o], b = res[t][k][e][o];
					if (a < 0 || b <= 0)
						printf(" %10s", "-");
					else
						printf(" %9.2fx", a / b);
				}
				printf("\n");
			}
	return rc;
}

int main(int argc, char **argv)
{
	struct cfg cfg = { .secs = 1.0, .root = "", .ops = (1u << OP_COUNT) - 1, .rounds = 5 };
	bool clients_given = false;
	unsigned trees[4] = { 10, 10000 }, ntrees = 2, dtrees = 0;
	unsigned clients[4] = { 1, 64 }, nclients = 2;
	struct ext ext[MAX_EXT];
	unsigned next = 0;
	int c;
	while ((c = getopt(argc, argv, "t:d:c:C:o:r:x:l")) != -1) {
		switch (c) {
		case 't': cfg.secs = atof(optarg); break;
		case 'l': cfg.libxs = true; break;
		case 'r': {
			uint64_t v;
			if (xctl_parse_u64(optarg, 10, MAX_ROUNDS, &v) || v == 0) {
				fprintf(stderr, "bench_xenstore: -r %s: expected a number from 1 to %d\n", optarg,
					MAX_ROUNDS);
				return 2;
			}
			cfg.rounds = (unsigned)v;
			break;
		}
		case 'o': {
			/* -o read,dir: only those operations */
			cfg.ops = 0;
			char *save = NULL;
			for (char *w = strtok_r(optarg, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
				int k = 0;
				while (k < OP_COUNT && strncmp(op_names[k], w, strlen(w)))
					k++;
				if (k == OP_COUNT || !w[0]) {
					fprintf(stderr, "bench_xenstore: -o %s: expected read, write, dir, watch or txn\n", w);
					return 2;
				}
				cfg.ops |= 1u << k;
			}
			break;
		}
		case 'x': {
			char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg || !eq[1] || next == MAX_EXT) {
				fprintf(stderr, "bench_xenstore: -x %s: expected LABEL=SOCKET, at most %d times\n", optarg,
					MAX_EXT);
				return 2;
			}
			*eq = '\0';
			ext[next].label = optarg;
			ext[next++].sock = eq + 1;
			break;
		}
		case 'C':
			if (!clients_given)
				nclients = 0; /* -C: these client counts instead of 1 and 64 */
			clients_given = true;
			/* fall through */
		case 'd':
		case 'c': {
			/* -d 0 would divide by zero; measure() forks at most 256 clients. */
			uint64_t v;
			if (xctl_parse_u64(optarg, 10, c == 'd' ? 100000 : 256, &v) || v == 0) {
				fprintf(stderr, "bench_xenstore: -%c %s: expected a number from 1 to %u\n", c,
					optarg, c == 'd' ? 100000 : 256);
				return 2;
			}
			if (c == 'd' && dtrees < 2)
				trees[2 + dtrees++] = (unsigned)v;
			else if ((c == 'c' || c == 'C') && nclients < 4)
				clients[nclients++] = (unsigned)v;
			break;
		}
		default:
			fprintf(stderr, "usage: bench_xenstore [-t SECONDS] [-d DOMAINS] [-c CLIENTS | -C CLIENTS] "
					"[-o OP,...] [-r ROUNDS] [-l] [-x LABEL=SOCKET -x LABEL=SOCKET...]\n");
			return 2;
		}
	}
	ntrees = 2 + dtrees;
	if (next) {
		/* external daemons: the small tree, and the sizes asked for */
		trees[1] = trees[2];
		trees[2] = trees[3];
		ntrees = 1 + dtrees;
	}
	if (next == 1) {
		fprintf(stderr, "bench_xenstore: -x needs at least two daemons to compare\n");
		return 2;
	}
	if (cfg.secs <= 0 || cfg.secs > 60) {
		fprintf(stderr, "bench_xenstore: -t must be between 0 and 60 seconds\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (next)
		return compare_external(&cfg, ext, next, trees, ntrees, clients, nclients);
	int rc = 0;
	fprintf(stderr, "bench: memory per node (%d domains)...\n", MEM_DOMAINS);
	rc |= bench_memory();
	fprintf(stderr, "bench: %d pipelined requests...\n", PIPELINED);
	rc |= bench_pipeline();
	printf("xenstore benchmark: xctl-xenstored, clients %s, %.1f s per cell, "
	       "%d nodes per domain\n", client_kind(cfg.libxs), cfg.secs, NODES_PER_DOMAIN + 2);
	printf("%-14s %7s %10s", "tree", "clients", "load");
	for (int o = 0; o < OP_COUNT; o++)
		printf(" %10s", op_names[o]);
	printf(" %10s\n", "rss");
	double res[4][4][OP_COUNT] = { { { 0 } } };
	for (unsigned t = 0; t < ntrees; t++) {
		cfg.domains = trees[t];
		struct xsd_daemon dm;
		char state[64];
		snprintf(state, sizeof(state), "/tmp/xsd-bench-%ld.state", (long)getpid());
		fprintf(stderr, "bench: writing a tree of %u domains...\n", cfg.domains);
		if (write_state(state, cfg.domains)) {
			fprintf(stderr, "bench: cannot write %s\n", state);
			return 1;
		}
		double t0 = now_s();
		const char *extra[] = { "--state", state, NULL };
		if (xsd_start(&dm, extra)) {
			fprintf(stderr, "bench: cannot start %s\n", xsd_binary());
			return 1;
		}
		double load = now_s() - t0;
		for (unsigned k = 0; k < nclients; k++) {
			fprintf(stderr, "bench: %u domains, %u clients...\n", cfg.domains, clients[k]);
			printf("%-14u %7u %9.2fs", cfg.domains, clients[k], load);
			fflush(stdout);
			for (int o = 0; o < OP_COUNT; o++) {
				double r = measure((enum op)o, clients[k], &cfg);
				res[t][k][o] = r;
				if (r == SKIPPED) {
					printf(" %10s", "-");
				} else if (r < 0) {
					printf(" %10s", "FAILED");
					rc = 1;
				} else {
					printf(" %10.0f", r);
				}
				fflush(stdout);
			}
			printf(" %8ldMiB\n", xsd_rss_kib(dm.pid) / 1024);
			fflush(stdout);
		}
		xsd_cleanup(&dm);
		unlink(state);
	}
	print_ratios(res, trees, ntrees, clients, nclients);
	return rc;
}
