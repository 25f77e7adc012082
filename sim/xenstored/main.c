/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-xenstored: options, sockets, the event loop and clean shutdown. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/err.h"
#include "common/util.h"
#include "sim/xenstored/control.h"
#include "sim/xenstored/xsd.h"

#define USAGE_RC 2 /* exit status for a command-line mistake */

struct opts {
	const char *socket, *domain_dir, *pid_file, *log_file, *trace_file, *state_file;
	int log_level;
	unsigned ring_min; /* --io: the fewest sockets a batch through io_uring has */
	bool foreground;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xctl-xenstored --socket PATH [OPTIONS]\n"
		"\n"
		"A xenstore daemon speaking xen/io/xs_wire.h on unix sockets. libxenstore\n"
		"programs reach it with XENSTORED_PATH=PATH; connections there are dom0.\n"
		"INTRODUCE of domain N creates DOMAIN_DIR/N: connections there act as N.\n"
		"\n"
		"  -s, --socket PATH       the dom0 socket (required)\n"
		"  -D, --domain-dir DIR    per-domain sockets (default: DIR of PATH + /domains)\n"
		"  -F, --foreground        do not detach\n"
		"  -p, --pid-file FILE     write the pid there once the socket is ready\n"
		"  -l, --log FILE          log to FILE instead of stderr\n"
		"  -L, --log-level LEVEL   error, warn, info (default), debug or trace\n"
		"  -T, --trace FILE        write every request and reply to FILE\n"
		"  -S, --state FILE        load the tree at start, save it at shutdown\n"
		"  -m, --limit NAME=VALUE  change a limit (see --list-limits)\n"
		"      --io MODE           the sockets' reads and writes: auto (default: those\n"
		"                          of two or more sockets at once through io_uring, if\n"
		"                          the kernel allows it), uring (always through it) or\n"
		"                          syscalls (one system call each)\n"
		"      --list-limits       print the limits and their defaults\n"
		"  -h, --help              this text\n");
}

static void list_limits(void)
{
	for (size_t i = 0; i < xsd_limit_count; i++)
		printf("%-18s %10u  %s\n", xsd_limit_table[i].name, xsd_limit_table[i].dflt,
		       xsd_limit_table[i].what);
}

static int parse_limit(struct xsd_limits *l, const char *arg)
{
	char name[64];
	const char *eq = strchr(arg, '=');
	if (!eq || (size_t)(eq - arg) >= sizeof(name)) {
		fprintf(stderr, "xctl-xenstored: --limit %s: expected NAME=VALUE, e.g. --limit "
				"nodes_per_domain=2000\n", arg);
		return USAGE_RC;
	}
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	int rc = xsd_limit_set(l, name, eq + 1);
	if (rc == XCTL_ERR_NOTFOUND) {
		const char *cands[32];
		size_t n = xsd_limit_count < 32 ? xsd_limit_count : 32;
		for (size_t i = 0; i < n; i++)
			cands[i] = xsd_limit_table[i].name;
		const char *s = xctl_suggest(name, cands, n);
		fprintf(stderr, "xctl-xenstored: --limit: unknown limit '%s'%s%s%s; --list-limits shows them\n",
			name, s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
		return USAGE_RC;
	}
	if (rc) {
		fprintf(stderr, "xctl-xenstored: --limit %s: the value must be a whole number from 1 "
				"to 4294967295\n", arg);
		return USAGE_RC;
	}
	return 0;
}

static int listen_main(struct xsd *d, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		xctl_err_log(d->log, "socket path %s is too long (at most %zu characters)", path,
			     sizeof(sa.sun_path) - 1);
		return XCTL_ERR_INVAL;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return XCTL_ERR_IO;
	/* A socket file nobody listens on is a leftover: replace it. */
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(probe);
		close(fd);
		xctl_err_log(d->log, "another xenstored already listens on %s; stop it or choose "
				     "another --socket", path);
		return XCTL_ERR_BUSY;
	}
	if (probe >= 0)
		close(probe);
	unlink(path);
	mode_t old = umask(0077);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc || listen(fd, 128)) {
		xctl_err_log(d->log, "cannot listen on %s: %s (does the directory exist and is it "
				     "writable?)", path, strerror(errno));
		close(fd);
		return XCTL_ERR_IO;
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &d->main_pk };
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		close(fd);
		return XCTL_ERR_IO;
	}
	d->lfd = fd;
	return 0;
}

static void accept_main(struct xsd *d)
{
	for (int i = 0; i < 64; i++) {
		int fd = accept4(d->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (d->nconns >= d->lim.conns) {
			xctl_warn(d->log, "connection refused: limit of %u connections reached "
					  "(raise it with --limit conns=N)", d->lim.conns);
			close(fd);
			continue;
		}
		if (!xsd_conn_new(d, fd, 0, NULL))
			close(fd);
	}
}

static void loop(struct xsd *d)
{
	struct epoll_event evs[XSD_IO_BATCH];
	struct xsd_conn *batch[XSD_IO_BATCH];
	bool busy = false;
	while (!d->stop) {
		int tmo = busy ? 0 : (int)(d->lim.stall_ms / 4 < 1000 ? d->lim.stall_ms / 4 + 1 : 1000);
		int n = epoll_wait(d->epfd, evs, XSD_IO_BATCH, tmo);
		if (n < 0 && errno != EINTR) {
			xctl_err_log(d->log, "epoll_wait failed: %s", strerror(errno));
			break;
		}
		unsigned nb = 0;
		for (int i = 0; i < n; i++) {
			struct xsd_pollable *pk = evs[i].data.ptr;
			switch (pk->kind) {
			case XSD_K_MAIN:
				accept_main(d);
				break;
			case XSD_K_DOMSOCK:
				xsd_dom_accept(d, (struct xsd_domain *)pk);
				break;
			case XSD_K_SIGNAL: {
				struct signalfd_siginfo si;
				if (read(d->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
					xctl_info(d->log, "signal %u: shutting down", si.ssi_signo);
					d->stop = true;
				}
				break;
			}
			case XSD_K_CONN: {
				/* EPOLLOUT: its output goes below, with everybody's. */
				struct xsd_conn *c = (struct xsd_conn *)pk;
				if (evs[i].events & EPOLLIN)
					batch[nb++] = c;
				else if (evs[i].events & (EPOLLHUP | EPOLLERR))
					xsd_conn_kill(d, c, NULL);
				break;
			}
			}
		}
		/* The input of every readable connection at once, then their
		 * requests in the order epoll gave them. */
		xsd_io_read(d, batch, nb);
		for (unsigned i = 0; i < nb; i++)
			xsd_conn_process(d, batch[i]);
		/* Fairness and housekeeping: leftover requests, then the output
		 * of every connection at once, then stalls. Whether requests are
		 * left is asked after the output is written: a client whose
		 * replies were written may go on at once (its input is already
		 * read; no event will come for it), instead of waiting out the
		 * epoll timeout. */
		nb = 0;
		for (struct xsd_conn *c = d->conns; c; c = c->next) {
			if (xsd_conn_pending(d, c))
				xsd_conn_process(d, c);
			if (!c->out_head) {
				xsd_conn_update_mask(d, c);
				continue;
			}
			batch[nb++] = c;
			if (nb == XSD_IO_BATCH) {
				xsd_io_flush(d, batch, nb);
				nb = 0;
			}
		}
		xsd_io_flush(d, batch, nb);
		busy = false;
		int64_t now = -1;
		for (struct xsd_conn *c = d->conns; c; c = c->next) {
			/* output queued after its connection's turn (an event
			 * fired by one later in the list) is written next round */
			busy = busy || xsd_conn_pending(d, c) ||
			       (c->out_head && !c->dead && !(c->epoll_mask & EPOLLOUT));
			xsd_conn_check_stall(d, c, &now);
		}
		xsd_reap(d);
	}
}

static int setup(struct xsd *d, const struct opts *o, char **dir_alloc)
{
	/* here, in the process that serves (after the fork to the background) */
	if (xsd_io_init(d, o->ring_min))
		return XCTL_ERR_NOMEM;
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0)
		return XCTL_ERR_IO;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &d->sig_pk };
	if (d->sigfd < 0 || epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->sigfd, &ev))
		return XCTL_ERR_IO;
	d->sock_path = o->socket;
	if (o->domain_dir) {
		d->domain_dir = o->domain_dir;
	} else {
		char *tmp = strdup(o->socket);
		if (!tmp || asprintf(dir_alloc, "%s/domains", dirname(tmp)) < 0) {
			free(tmp);
			return XCTL_ERR_NOMEM;
		}
		free(tmp);
		d->domain_dir = *dir_alloc;
	}
	if (mkdir(d->domain_dir, 0700) && errno != EEXIST) {
		xctl_err_log(d->log, "cannot create the domain socket directory %s: %s",
			     d->domain_dir, strerror(errno));
		return XCTL_ERR_IO;
	}
	if (chmod(d->domain_dir, 0700)) {
		xctl_err_log(d->log, "cannot restrict %s to its owner: %s", d->domain_dir, strerror(errno));
		return XCTL_ERR_IO;
	}
	if (o->state_file) {
		int rc = xsd_state_load(d, o->state_file);
		if (rc)
			return rc;
	}
	return listen_main(d, o->socket);
}

static int write_pid(const char *file)
{
	FILE *f = fopen(file, "w");
	if (!f)
		return XCTL_ERR_IO;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f) ? XCTL_ERR_IO : 0;
}

static int parse_opts(int argc, char **argv, struct opts *o, struct xsd_limits *lim)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "domain-dir", required_argument, NULL, 'D' },
		{ "foreground", no_argument, NULL, 'F' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "trace", required_argument, NULL, 'T' },
		{ "state", required_argument, NULL, 'S' },
		{ "limit", required_argument, NULL, 'm' },
		{ "list-limits", no_argument, NULL, 1 },
		{ "io", required_argument, NULL, 2 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "s:D:Fp:l:L:T:S:m:h", lo, NULL)) != -1) {
		switch (c) {
		case 's': o->socket = optarg; break;
		case 'D': o->domain_dir = optarg; break;
		case 'F': o->foreground = true; break;
		case 'p': o->pid_file = optarg; break;
		case 'l': o->log_file = optarg; break;
		case 'T': o->trace_file = optarg; break;
		case 'S': o->state_file = optarg; break;
		case 'L':
			o->log_level = xctl_log_level_parse(optarg);
			if (o->log_level < 0) {
				fprintf(stderr, "xctl-xenstored: --log-level %s: expected error, warn, "
						"info, debug or trace\n", optarg);
				return USAGE_RC;
			}
			break;
		case 'm':
			if (parse_limit(lim, optarg))
				return USAGE_RC;
			break;
		case 1: list_limits(); return -1;
		case 2:
			if (!strcmp(optarg, "auto") || !strcmp(optarg, "uring") || !strcmp(optarg, "syscalls")) {
				o->ring_min = optarg[0] == 'a' ? 2 : optarg[0] == 'u' ? 1 : 0;
				break;
			}
			fprintf(stderr, "xctl-xenstored: --io takes auto, uring or syscalls, not \"%s\"\n",
				optarg);
			return USAGE_RC;
		case 'h': usage(stdout); return -1;
		default: usage(stderr); return USAGE_RC;
		}
	}
	if (optind < argc || !o->socket) {
		fprintf(stderr, "xctl-xenstored: %s\n", optind < argc ? "unexpected argument"
			: "--socket PATH is required (where libxenstore's XENSTORED_PATH will point)");
		usage(stderr);
		return USAGE_RC;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .log_level = XCTL_LOG_INFO, .ring_min = 2 };
	struct xctl_log lg;
	struct xsd d;
	struct xsd_limits lim;
	xsd_limits_default(&lim);
	int prc = parse_opts(argc, argv, &o, &lim);
	if (prc)
		return prc < 0 ? 0 : 2;
	xctl_log_init(&lg, "xctl-xenstored", o.log_level);
	lg.timestamps = 1;
	FILE *logf = NULL;
	if (o.log_file && !(logf = fopen(o.log_file, "a"))) {
		fprintf(stderr, "xctl-xenstored: cannot open the log file %s: %s\n", o.log_file,
			strerror(errno));
		return 1;
	}
	lg.out = logf;
	if (xsd_init(&d, &lg)) {
		fprintf(stderr, "xctl-xenstored: out of memory at start\n");
		return 1;
	}
	d.lim = lim;
	if (o.trace_file && !(d.trace = fopen(o.trace_file, "a"))) {
		xctl_err_log(&lg, "cannot open the trace file %s: %s", o.trace_file, strerror(errno));
		xsd_fini(&d);
		return 1;
	}
	int ready[2] = { -1, -1 };
	if (!o.foreground) {
		pid_t pid = -1;
		if (pipe(ready) || (pid = fork()) < 0) {
			xctl_err_log(&lg, "cannot start in the background: %s (try --foreground)",
				     strerror(errno));
			xsd_fini(&d);
			return 1;
		}
		if (pid > 0) {
			/* The parent only waits for the child to be ready. */
			char ok = 0;
			close(ready[1]);
			ssize_t r = read(ready[0], &ok, 1);
			xsd_fini(&d);
			return r == 1 && ok == 1 ? 0 : 1;
		}
		close(ready[0]);
		setsid();
	}
	char *dir_alloc = NULL;
	int rc = setup(&d, &o, &dir_alloc);
	if (!rc && o.pid_file && (rc = write_pid(o.pid_file)))
		xctl_err_log(&lg, "cannot write the pid file %s: %s", o.pid_file, strerror(errno));
	if (!o.foreground) {
		char ok = rc ? 0 : 1;
		if (write(ready[1], &ok, 1) != 1)
			rc = rc ? rc : XCTL_ERR_IO;
		close(ready[1]);
		if (!rc) {
			int nul = open("/dev/null", O_RDWR);
			if (nul >= 0) {
				dup2(nul, 0);
				dup2(nul, 1);
				if (logf)
					dup2(nul, 2);
				close(nul);
			}
		}
	}
	if (!rc) {
		xctl_info(&lg, "listening on %s (domain sockets in %s, socket I/O: %s)", o.socket,
			  d.domain_dir, xsd_io_kind(&d));
		loop(&d);
		if (o.state_file)
			rc = xsd_state_save(&d, o.state_file);
	}
	if (d.lfd >= 0) {
		close(d.lfd);
		unlink(o.socket);
	}
	if (o.pid_file && !rc)
		unlink(o.pid_file);
	xsd_fini(&d);
	if (d.sigfd >= 0)
		close(d.sigfd);
	if (d.epfd >= 0)
		close(d.epfd);
	if (d.trace)
		fclose(d.trace);
	free(dir_alloc);
	xctl_info(&lg, "stopped");
	if (logf)
		fclose(logf);
	return rc ? 1 : 0;
}
