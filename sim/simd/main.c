/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-simd: the simulated Xen hypervisor of xctl's simulated host. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/err.h"
#include "common/util.h"
#include "sim/simd/srv.h"

struct opts {
	const char *dir, *pid_file, *log_file, *guest, *xenstored;
	int log_level;
	bool foreground;
	uint64_t memory_kib;
	uint32_t cpus;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xctl-simd [OPTIONS]\n"
		"The simulated Xen hypervisor of xctl's simulated host (docs/simd.md).\n"
		"  -d, --dir DIR          the host's state directory (default $XCTL_SIM_DIR or " SIMD_DEFAULT_DIR ");\n"
		"                         the socket is DIR/" SIMD_SOCKET "\n"
		"  -F, --foreground       do not detach\n"
		"  -p, --pid-file FILE    write the pid there once the socket is ready\n"
		"  -l, --log FILE         log to FILE instead of stderr\n"
		"  -L, --log-level LEVEL  error, warn, info (default), debug or trace\n"
		"  -m, --memory KIB       host memory in KiB (default 16777216, 16 GiB)\n"
		"  -c, --cpus N           host cpus, 1 to %d (default 4)\n"
		"  -g, --guest PATH       the guest program (default " SIMD_GUEST_PROGRAM " next to xctl-simd;\n"
		"                         \"none\": domains run without a guest process)\n"
		"  -x, --xenstored PATH   xenstored's socket (default DIR/" SIMD_XENSTORED_SOCKET ")\n"
		"  -h, --help             this text\n",
		SIMD_MAX_CPUS);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "dir", required_argument, NULL, 'd' },       { "foreground", no_argument, NULL, 'F' },
		{ "pid-file", required_argument, NULL, 'p' },  { "log", required_argument, NULL, 'l' },
		{ "log-level", required_argument, NULL, 'L' }, { "memory", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },      { "guest", required_argument, NULL, 'g' },
		{ "xenstored", required_argument, NULL, 'x' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	uint64_t v;
	while ((ch = getopt_long(argc, argv, "d:Fp:l:L:m:c:g:x:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'd': o->dir = optarg; break;
		case 'F': o->foreground = true; break;
		case 'p': o->pid_file = optarg; break;
		case 'l': o->log_file = optarg; break;
		case 'g': o->guest = optarg; break;
		case 'x': o->xenstored = optarg; break;
		case 'L':
			if ((o->log_level = xctl_log_level_parse(optarg)) < 0) {
				fprintf(stderr, "xctl-simd: --log-level %s: expected error, warn, info, debug or trace\n",
					optarg);
				return 2;
			}
			break;
		case 'm':
			if (xctl_parse_u64(optarg, 10, UINT64_C(1) << 40, &v) || v < 2 * SRV_DOM0_KIB) {
				fprintf(stderr, "xctl-simd: --memory %s: expected KiB, at least %u (dom0 has %u)\n",
					optarg, 2 * SRV_DOM0_KIB, SRV_DOM0_KIB);
				return 2;
			}
			o->memory_kib = v;
			break;
		case 'c':
			if (xctl_parse_u64(optarg, 10, SIMD_MAX_CPUS, &v) || v < 1) {
				fprintf(stderr, "xctl-simd: --cpus %s: expected 1 to %d\n", optarg, SIMD_MAX_CPUS);
				return 2;
			}
			o->cpus = (uint32_t)v;
			break;
		case 'h': usage(stdout); return -1;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xctl-simd: unexpected argument %s\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	return 0;
}

static int make_dir(const char *p)
{
	if (mkdir(p, 0700) && errno != EEXIST)
		return -1;
	return 0;
}

/* DIR/simd.sock, refusing to take over one that answers. */
static int listen_socket(struct srv *sv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sv->sock_path);
	int probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(probe);
		xctl_err_log(sv->log, "another xctl-simd already serves %s: stop it first (xctl sim stop)",
			     sv->sock_path);
		return XCTL_ERR_EXISTS;
	}
	if (probe >= 0)
		close(probe);
	unlink(sv->sock_path);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(sv->sock_path, 0600) ||
	    listen(fd, 64)) {
		xctl_err_log(sv->log, "cannot listen on %s: %s", sv->sock_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return XCTL_ERR_IO;
	}
	sv->lfd = fd;
	return 0;
}

static void accept_one(struct srv *sv)
{
	int fd = accept4(sv->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	struct ucred cr;
	socklen_t len = sizeof(cr);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) || (cr.uid != sv->uid && cr.uid != 0)) {
		xctl_warn(sv->log, "connection from uid %d refused: only the host's user (uid %d) or root",
			  (int)cr.uid, (int)sv->uid);
		close(fd);
		return;
	}
	if (!srv_conn_new(sv, fd, 0, false))
		close(fd);
}

static void on_signal(struct srv *sv)
{
	struct signalfd_siginfo si;
	while (read(sv->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			srv_dom_child_exited(sv);
		} else if (!sv->stopping) {
			xctl_info(sv->log, "signal %u: destroying every domain and stopping", si.ssi_signo);
			srv_dom_destroy_all(sv);
			sv->stopping = true;
		}
	}
}

static void loop(struct srv *sv)
{
	struct epoll_event evs[64];
	while (!sv->stopping) {
		int n = epoll_wait(sv->epfd, evs, 64, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			if (p == &sv->lfd) {
				accept_one(sv);
			} else if (p == &sv->sigfd) {
				on_signal(sv);
			} else if (p == &sv->spawn_fd) {
				srv_spawner_input(sv);
			} else {
				struct srv_conn *c = p;
				if (!c->dead && (evs[i].events & EPOLLOUT))
					srv_conn_output(sv, c);
				if (!c->dead && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
					srv_conn_input(sv, c);
			}
		}
		srv_conn_reap(sv);
	}
	/* flush what is queued (the reply to a host shutdown), briefly */
	for (struct srv_conn *c = sv->conns; c; c = c->next)
		if (!c->dead && c->outq)
			srv_conn_output(sv, c);
}

static int setup(struct srv *sv, const struct opts *o)
{
	sv->uid = geteuid();
	if (make_dir(sv->dir)) {
		xctl_err_log(sv->log, "cannot create the state directory %s: %s", sv->dir, strerror(errno));
		return XCTL_ERR_IO;
	}
	char logdir[512];
	snprintf(logdir, sizeof(logdir), "%s/%s", sv->dir, SIMD_LOG_SUBDIR);
	make_dir(logdir);
	if (simd_path(sv->dir, SIMD_SOCKET, sv->sock_path, sizeof(sv->sock_path))) {
		xctl_err_log(sv->log, "the state directory %s is too long for a unix socket path", sv->dir);
		return XCTL_ERR_LIMIT;
	}
	if (o->xenstored)
		snprintf(sv->xs_path, sizeof(sv->xs_path), "%s", o->xenstored);
	else
		simd_path(sv->dir, SIMD_XENSTORED_SOCKET, sv->xs_path, sizeof(sv->xs_path));
	if (o->guest && !strcmp(o->guest, "none")) {
		sv->guest_prog[0] = '\0';
	} else if (o->guest) {
		snprintf(sv->guest_prog, sizeof(sv->guest_prog), "%s", o->guest);
	} else {
		char self[400];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n > 0) {
			self[n] = '\0';
			char *slash = strrchr(self, '/');
			if (slash)
				*slash = '\0';
			snprintf(sv->guest_prog, sizeof(sv->guest_prog), "%s/%s", self, SIMD_GUEST_PROGRAM);
		}
	}
	/* Every domain holds a few fds (pages, eventfds): take what we may. */
	struct rlimit rl;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	/* pages and eventfds get what is left after the reserve */
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY)
		rl.rlim_cur = 1u << 20;
	sv->fds_max = rl.rlim_cur > 2 * SRV_FD_RESERVE ? rl.rlim_cur - SRV_FD_RESERVE : rl.rlim_cur / 2;
	sv->doms = calloc(SIMD_DOMID_MAX + 1, sizeof(*sv->doms));
	struct srv_dom *d0 = calloc(1, sizeof(*d0));
	if (!sv->doms || !d0 || !(d0->vcpus = calloc(sv->nr_cpus, sizeof(*d0->vcpus)))) {
		free(d0);
		return XCTL_ERR_NOMEM;
	}
	d0->max_kib = d0->target_kib = SRV_DOM0_KIB;
	d0->max_vcpus = sv->nr_cpus;
	for (uint32_t v = 0; v < sv->nr_cpus; v++) {
		d0->vcpus[v].online = true;
		for (uint32_t c = 0; c < sv->nr_cpus; c++) {
			d0->vcpus[v].hard.bits[c / 64] |= 1ull << (c % 64);
			d0->vcpus[v].soft.bits[c / 64] |= 1ull << (c % 64);
		}
	}
	d0->max_port = 4095;
	d0->gt_fd = -1;
	snprintf(d0->name, sizeof(d0->name), "Domain-0");
	d0->created_ns = sv->started_ns;
	sv->doms[0] = d0;
	sv->next_domid = 1;
	sv->epfd = epoll_create1(EPOLL_CLOEXEC);
	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGCHLD);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);
	sv->sigfd = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sv->epfd < 0 || sv->sigfd < 0)
		return XCTL_ERR_IO;
	int rc = listen_socket(sv);
	if (rc)
		return rc;
	if ((rc = srv_spawner_start(sv))) {
		xctl_err_log(sv->log, "cannot start the guest spawner: %s", strerror(errno));
		return rc;
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &sv->lfd };
	epoll_ctl(sv->epfd, EPOLL_CTL_ADD, sv->lfd, &ev);
	ev.data.ptr = &sv->sigfd;
	epoll_ctl(sv->epfd, EPOLL_CTL_ADD, sv->sigfd, &ev);
	if (sv->spawn_fd >= 0) {
		ev.data.ptr = &sv->spawn_fd;
		epoll_ctl(sv->epfd, EPOLL_CTL_ADD, sv->spawn_fd, &ev);
	}
	return 0;
}

static int write_pid(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return XCTL_ERR_IO;
	fprintf(f, "%d\n", (int)getpid());
	return fclose(f) ? XCTL_ERR_IO : 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .log_level = XCTL_LOG_INFO, .memory_kib = 16u * 1024 * 1024, .cpus = 4 };
	int prc = parse_opts(argc, argv, &o);
	if (prc)
		return prc < 0 ? 0 : 2;
	struct xctl_log lg;
	xctl_log_init(&lg, "xctl-simd", o.log_level);
	lg.timestamps = 1;
	FILE *logf = NULL;
	if (o.log_file && !(logf = fopen(o.log_file, "a"))) {
		fprintf(stderr, "xctl-simd: cannot open the log file %s: %s\n", o.log_file, strerror(errno));
		return 1;
	}
	if (logf)
		setvbuf(logf, NULL, _IOLBF, 0);
	lg.out = logf;
	struct srv *sv = calloc(1, sizeof(*sv));
	if (!sv) {
		fprintf(stderr, "xctl-simd: out of memory at start\n");
		return 1;
	}
	sv->log = &lg;
	sv->dir = o.dir ? o.dir : simd_dir_default();
	sv->total_kib = o.memory_kib;
	sv->nr_cpus = o.cpus;
	sv->started_ns = srv_now_ns();
	sv->lfd = sv->epfd = sv->sigfd = sv->xs_fd = sv->spawn_fd = -1;
	int ready[2] = { -1, -1 };
	if (!o.foreground) {
		pid_t pid = -1;
		if (pipe(ready) || (pid = fork()) < 0) {
			xctl_err_log(&lg, "cannot start in the background: %s (try --foreground)", strerror(errno));
			return 1;
		}
		if (pid > 0) {
			char ok = 0;
			close(ready[1]);
			ssize_t r = read(ready[0], &ok, 1);
			free(sv);
			return r == 1 && ok == 1 ? 0 : 1;
		}
		close(ready[0]);
		setsid();
	}
	int rc = setup(sv, &o);
	if (!rc && o.pid_file && (rc = write_pid(o.pid_file)))
		xctl_err_log(&lg, "cannot write the pid file %s: %s", o.pid_file, strerror(errno));
	if (!o.foreground) {
		char ok = rc ? 0 : 1;
		if (write(ready[1], &ok, 1) != 1 && !rc)
			rc = XCTL_ERR_IO;
		close(ready[1]);
		int nul = open("/dev/null", O_RDWR);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
			if (logf)
				dup2(nul, 2);
			close(nul);
		}
	}
	if (!rc) {
		srv_xs_boot_dom0(sv);
		xctl_info(&lg, "listening on %s: %llu KiB, %u cpus, guest %s", sv->sock_path,
			  (unsigned long long)sv->total_kib, sv->nr_cpus,
			  sv->guest_prog[0] ? sv->guest_prog : "none");
		loop(sv);
		srv_dom_destroy_all(sv);
	}
	srv_conn_free_all(sv);
	if (sv->doms)
		srv_dom_free_all(sv);
	srv_spawner_stop(sv);
	srv_xs_close(sv);
	if (sv->lfd >= 0) {
		close(sv->lfd);
		unlink(sv->sock_path);
	}
	if (o.pid_file && !rc)
		unlink(o.pid_file);
	if (sv->sigfd >= 0)
		close(sv->sigfd);
	if (sv->epfd >= 0)
		close(sv->epfd);
	free(sv->doms);
	free(sv);
	xctl_info(&lg, "stopped");
	if (logf)
		fclose(logf);
	return rc ? 1 : 0;
}
