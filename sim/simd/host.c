/* SPDX-License-Identifier: LGPL-2.1-only */
/* The simulated host's lifecycle: start what is not running (idempotent,
 * under a lock in DIR), stop everything (domains destroyed first), status.
 *
 * The daemons are started detached (double fork, own session), so they
 * outlive the xctl command that started them; their pids are in
 * DIR/run/PROG.pid, their output in DIR/log/PROG.log. With
 * XCTL_SIM_LIFELINE=PID in the environment a watchdog process stops the
 * whole host when PID exits (tests set it, so that a killed test leaves no
 * daemons behind). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/util.h"
#include "sim/simd/lib.h"

#define LIFELINE_ENV "XCTL_SIM_LIFELINE"
#define WATCHDOG "watchdog"

/* The host's daemons, in start order. ready: the socket in DIR that
 * answers once the daemon serves (NULL: started is enough). */
struct host_prog {
	const char *name;
	bool required;
	const char *ready;
};
static const struct host_prog host_table[] = {
	{ "xctl-xenstored", true, SIMD_XENSTORED_SOCKET },
	{ "xctl-simd", true, SIMD_SOCKET },
	{ "xctl-consoled", false, NULL },
	{ "xctl-blkback", false, NULL },
	{ "xctl-netback", false, NULL },
};
#define NPROGS XCTL_ARRAY_SIZE(host_table)

struct host {
	char dir[200];
	char bindir[256];
	const struct simd_host_opts *o;
	char *msg;
	size_t msgsz;
};

static int say(struct host *h, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int say(struct host *h, int rc, const char *fmt, ...)
{
	if (h->msg && h->msgsz) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(h->msg, h->msgsz, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static int host_init(struct host *h, const struct simd_host_opts *o, char *msg, size_t msgsz)
{
	memset(h, 0, sizeof(*h));
	h->o = o;
	h->msg = msg;
	h->msgsz = msgsz;
	if (msg && msgsz)
		msg[0] = '\0';
	const char *dir = o && o->dir ? o->dir : simd_dir_default();
	if ((size_t)snprintf(h->dir, sizeof(h->dir), "%s", dir) >= sizeof(h->dir) - 20)
		return say(h, XCTL_ERR_LIMIT, "the state directory %s is too long for its sockets", dir);
	if (o && o->bindir) {
		snprintf(h->bindir, sizeof(h->bindir), "%s", o->bindir);
	} else {
		ssize_t n = readlink("/proc/self/exe", h->bindir, sizeof(h->bindir) - 1);
		if (n <= 0)
			return say(h, XCTL_ERR_IO, "cannot find the running program: %s", strerror(errno));
		h->bindir[n] = '\0';
		char *slash = strrchr(h->bindir, '/');
		if (slash)
			*slash = '\0';
	}
	return 0;
}

/* DIR/a or DIR/a/b; "" if it does not fit (every open of it then fails) */
static void sub(const struct host *h, char *out, size_t n, const char *a, const char *b)
{
	int k = snprintf(out, n, "%s/%s%s%s", h->dir, a, b ? "/" : "", b ? b : "");
	if (k < 0 || (size_t)k >= n)
		out[0] = '\0';
}

static int mkdirs(struct host *h)
{
	char p[256];
	snprintf(p, sizeof(p), "%s", h->dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			break;
		*s = '/';
	}
	if (mkdir(h->dir, 0700) && errno != EEXIST)
		return say(h, XCTL_ERR_PERM, "cannot create the simulated host's directory %s: %s (use --dir or %s "
			   "for a directory of your own)", h->dir, strerror(errno), SIMD_ENV_DIR);
	const char *subs[] = { SIMD_LOG_SUBDIR, SIMD_RUN_SUBDIR };
	for (size_t i = 0; i < 2; i++) {
		sub(h, p, sizeof(p), subs[i], NULL);
		if (mkdir(p, 0700) && errno != EEXIST)
			return say(h, XCTL_ERR_IO, "cannot create %s: %s", p, strerror(errno));
	}
	return 0;
}

static int lock_host(struct host *h)
{
	char p[256];
	sub(h, p, sizeof(p), "host.lock", NULL);
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		if (fd >= 0)
			close(fd);
		return say(h, XCTL_ERR_IO, "cannot lock %s: %s", p, strerror(errno));
	}
	return fd;
}

static pid_t read_pid(const struct host *h, const char *name)
{
	char p[256], f[300];
	snprintf(f, sizeof(f), "%s.pid", name);
	sub(h, p, sizeof(p), SIMD_RUN_SUBDIR, f);
	char *text = NULL;
	size_t len;
	if (xctl_read_file(p, 64, &text, &len))
		return 0;
	uint64_t v = 0;
	char *nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	int rc = xctl_parse_u64(text, 10, INT32_MAX, &v);
	free(text);
	return rc ? 0 : (pid_t)v;
}

/* Is pid alive (not a zombie) and, if name is not NULL, running the
 * program name (its comm, 15 characters)? The daemons are not our
 * children: a dead one may stay a zombie of whoever reaps orphans here. */
static bool alive(pid_t pid, const char *name)
{
	if (pid <= 0)
		return false;
	char p[64], buf[512];
	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	char *open_p = strchr(buf, '('), *close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p[1] != ' ' || close_p[2] == 'Z' || close_p[2] == 'X')
		return false;
	*close_p = '\0';
	if (!name)
		return true;
	char want[16];
	snprintf(want, sizeof(want), "%s", name);
	return !strcmp(open_p + 1, want);
}

static bool answers(const struct host *h, const char *sock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int k = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", h->dir, sock);
	bool ok = false;
	if (k < 0 || (size_t)k >= sizeof(sa.sun_path))
		return false;
	int types[2] = { SOCK_STREAM, SOCK_SEQPACKET };
	for (int i = 0; i < 2 && !ok; i++) {
		int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		close(fd);
	}
	return ok;
}

static int write_pid(const struct host *h, const char *name, pid_t pid)
{
	char p[256], f[300], tmp[320];
	snprintf(f, sizeof(f), "%s.pid", name);
	sub(h, p, sizeof(p), SIMD_RUN_SUBDIR, f);
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	FILE *fp = fopen(tmp, "we");
	if (!fp)
		return XCTL_ERR_IO;
	fprintf(fp, "%d\n", (int)pid);
	if (fclose(fp) || rename(tmp, p))
		return XCTL_ERR_IO;
	return 0;
}

static void rm_pid(const struct host *h, const char *name)
{
	char p[256], f[300];
	snprintf(f, sizeof(f), "%s.pid", name);
	sub(h, p, sizeof(p), SIMD_RUN_SUBDIR, f);
	unlink(p);
}

/* Start argv detached: double fork, new session, output to log. The
 * grandchild's pid comes back through a pipe. */
static pid_t spawn_detached(const struct host *h, char *const argv[], const char *log)
{
	int pp[2];
	if (pipe2(pp, O_CLOEXEC))
		return -1;
	pid_t c = fork();
	if (c < 0) {
		close(pp[0]);
		close(pp[1]);
		return -1;
	}
	if (c == 0) {
		close(pp[0]);
		setsid();
		pid_t g = fork();
		if (g == 0) {
			int nul = open("/dev/null", O_RDONLY);
			int lf = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
			if (nul >= 0)
				dup2(nul, 0);
			if (lf >= 0) {
				dup2(lf, 1);
				dup2(lf, 2);
			}
			char xs[300];
			snprintf(xs, sizeof(xs), "%s/%s", h->dir, SIMD_XENSTORED_SOCKET);
			setenv(SIMD_ENV_DIR, h->dir, 1);
			setenv("XENSTORED_PATH", xs, 1);
			unsetenv(LIFELINE_ENV);
			execv(argv[0], argv);
			fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
			_exit(127);
		}
		if (write(pp[1], &g, sizeof(g)) != (ssize_t)sizeof(g))
			_exit(1);
		_exit(0);
	}
	close(pp[1]);
	pid_t g = -1;
	if (read(pp[0], &g, sizeof(g)) != (ssize_t)sizeof(g))
		g = -1;
	close(pp[0]);
	while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
		;
	return g;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int start_one(struct host *h, const struct host_prog *p, bool *started)
{
	if (alive(read_pid(h, p->name), p->name) && (!p->ready || answers(h, p->ready)))
		return 0;
	char exe[300], log[300], lf[64], sock[300], ddir[300], mem[32], cpus[16];
	snprintf(exe, sizeof(exe), "%s/%s", h->bindir, p->name);
	if (access(exe, X_OK)) {
		if (!p->required)
			return 0;
		return say(h, XCTL_ERR_NOTFOUND, "cannot start the simulated host: %s is missing (build it with make)",
			   exe);
	}
	snprintf(lf, sizeof(lf), "%s.log", p->name);
	sub(h, log, sizeof(log), SIMD_LOG_SUBDIR, lf);
	char *argv[16];
	int n = 0;
	argv[n++] = exe;
	if (!strcmp(p->name, "xctl-xenstored")) {
		sub(h, sock, sizeof(sock), SIMD_XENSTORED_SOCKET, NULL);
		sub(h, ddir, sizeof(ddir), SIMD_DOMAIN_SOCKETS, NULL);
		unlink(sock);
		argv[n++] = "--socket";
		argv[n++] = sock;
		argv[n++] = "--domain-dir";
		argv[n++] = ddir;
		argv[n++] = "--foreground";
	} else {
		argv[n++] = "--dir";
		argv[n++] = h->dir;
		if (!strcmp(p->name, "xctl-simd")) {
			argv[n++] = "--foreground";
			if (h->o && h->o->memory_kib) {
				snprintf(mem, sizeof(mem), "%llu", (unsigned long long)h->o->memory_kib);
				argv[n++] = "--memory";
				argv[n++] = mem;
			}
			if (h->o && h->o->cpus) {
				snprintf(cpus, sizeof(cpus), "%u", h->o->cpus);
				argv[n++] = "--cpus";
				argv[n++] = cpus;
			}
			if (h->o && h->o->guest) {
				argv[n++] = "--guest";
				argv[n++] = (char *)h->o->guest;
			}
		}
	}
	argv[n] = NULL;
	pid_t pid = spawn_detached(h, argv, log);
	if (pid <= 0)
		return say(h, XCTL_ERR_IO, "cannot start %s: %s", p->name, strerror(errno));
	write_pid(h, p->name, pid);
	*started = true;
	/* wait until it serves (10 s), or notice that it died */
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (t = t0; p->ready && t.tv_sec - t0.tv_sec < 10; clock_gettime(CLOCK_MONOTONIC, &t)) {
		if (answers(h, p->ready))
			return 0;
		if (!alive(pid, NULL)) { /* (its name is the starter's until it execs) */
			rm_pid(h, p->name);
			return say(h, XCTL_ERR_IO, "%s exited at start: see %s", p->name, log);
		}
		sleep_ms(10);
	}
	if (p->ready) {
		kill(pid, SIGKILL);
		rm_pid(h, p->name);
		return say(h, XCTL_ERR_TIMEOUT, "%s did not start serving within 10 s: see %s", p->name, log);
	}
	return 0;
}

static void stop_pid(pid_t pid, const char *name, int sig)
{
	if (!alive(pid, name))
		return;
	kill(pid, sig);
	for (int t = 0; t < 500 && alive(pid, name); t++)
		sleep_ms(10);
	if (alive(pid, name))
		kill(pid, SIGKILL);
	for (int t = 0; t < 100 && alive(pid, name); t++)
		sleep_ms(10);
}

/* ---- the lifeline watchdog ---------------------------------------- */

static void stop_all(struct host *h);

static void watchdog(struct host *h, int pfd)
{
	struct pollfd p = { pfd, POLLIN, 0 };
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	h->msg = NULL;
	stop_all(h);
	_exit(0);
}

static void start_watchdog(struct host *h, int lock_fd)
{
	const char *v = getenv(LIFELINE_ENV);
	uint64_t life;
	if (!v || xctl_parse_u64(v, 10, INT32_MAX, &life) || life == 0)
		return;
	pid_t wd = read_pid(h, WATCHDOG);
	if (wd > 0 && kill(wd, 0) == 0)
		return;
	/* opened here, while the lifeline is known to be this id's process */
	int pfd = (int)syscall(SYS_pidfd_open, (pid_t)life, 0);
	if (pfd < 0)
		return;
	int pp[2];
	if (pipe2(pp, O_CLOEXEC)) {
		close(pfd);
		return;
	}
	pid_t c = fork();
	if (c == 0) {
		close(pp[0]);
		setsid();
		pid_t g = fork();
		if (g == 0) {
			close(pp[1]);
			close(lock_fd); /* the lock is the starter's, not the watchdog's */
			int nul = open("/dev/null", O_RDWR);
			if (nul >= 0) {
				dup2(nul, 0);
				dup2(nul, 1);
				dup2(nul, 2);
			}
			watchdog(h, pfd);
		}
		if (write(pp[1], &g, sizeof(g)) != (ssize_t)sizeof(g))
			_exit(1);
		_exit(0);
	}
	close(pp[1]);
	close(pfd);
	pid_t g = -1;
	if (c > 0 && read(pp[0], &g, sizeof(g)) == (ssize_t)sizeof(g))
		write_pid(h, WATCHDOG, g);
	close(pp[0]);
	if (c > 0)
		while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
			;
}

/* ---- start, stop, status ------------------------------------------ */

int simd_host_start(const struct simd_host_opts *o, bool *started, char *msg, size_t msgsz)
{
	struct host h;
	bool any = false;
	int rc = host_init(&h, o, msg, msgsz);
	if (rc || (rc = mkdirs(&h)))
		return rc;
	int lk = lock_host(&h);
	if (lk < 0)
		return lk;
	for (size_t i = 0; i < NPROGS && !rc; i++)
		rc = start_one(&h, &host_table[i], &any);
	if (!rc && any)
		start_watchdog(&h, lk);
	close(lk);
	if (started)
		*started = any;
	return rc;
}

int simd_host_ensure(const char *dir)
{
	struct simd_host_opts o = { .dir = dir };
	return simd_host_ensure_opts(&o);
}

int simd_host_ensure_opts(const struct simd_host_opts *o)
{
	const char *dir = o->dir;
	char msg[512];
	bool started = false;
	int rc = simd_host_start(o, &started, msg, sizeof(msg));
	if (rc) {
		fprintf(stderr, "xctl: %s\n", msg);
		return rc;
	}
	if (started)
		fprintf(stderr, "xctl: started the simulated Xen host in %s%s\n", dir ? dir : simd_dir_default(),
			access("/dev/xen/privcmd", F_OK) ? " (no Xen here: /dev/xen/privcmd is missing)" : "");
	return 0;
}

static void stop_all(struct host *h)
{
	/* the domains first, destroyed cleanly by xctl-simd itself */
	struct simd *s;
	pid_t sp = read_pid(h, "xctl-simd");
	if (simd_open(h->dir, &s) == 0) {
		struct simd_host_info hi;
		if (simd_host_info(s, &hi) == 0)
			sp = hi.pid;
		simd_lib_call(s, SIMD_REQ_HOST_SHUTDOWN, NULL, 0, NULL, 0, NULL, NULL, 0, NULL);
		simd_close(s);
		for (int t = 0; t < 1000 && alive(sp, "xctl-simd"); t++)
			sleep_ms(10);
	}
	for (size_t i = NPROGS; i-- > 0;) {
		pid_t pid = strcmp(host_table[i].name, "xctl-simd") ? read_pid(h, host_table[i].name) : sp;
		stop_pid(pid, host_table[i].name, SIGTERM);
		rm_pid(h, host_table[i].name);
	}
}

int simd_host_stop(const struct simd_host_opts *o, char *msg, size_t msgsz)
{
	struct host h;
	int rc = host_init(&h, o, msg, msgsz);
	if (rc)
		return rc;
	struct stat st;
	if (stat(h.dir, &st))
		return 0;
	int lk = lock_host(&h);
	if (lk < 0)
		return lk;
	stop_all(&h);
	pid_t wd = read_pid(&h, WATCHDOG);
	if (wd > 0 && wd != getpid())
		kill(wd, SIGKILL);
	rm_pid(&h, WATCHDOG);
	close(lk);
	return 0;
}

int simd_host_status(const struct simd_host_opts *o, struct simd_host_status *out)
{
	struct host h;
	memset(out, 0, sizeof(*out));
	int rc = host_init(&h, o, NULL, 0);
	if (rc)
		return rc;
	snprintf(out->dir, sizeof(out->dir), "%s", h.dir);
	for (size_t i = 0; i < NPROGS && i < SIMD_HOST_MAX_DAEMONS; i++) {
		struct simd_host_daemon *d = &out->daemons[out->ndaemons++];
		snprintf(d->name, sizeof(d->name), "%s", host_table[i].name);
		pid_t pid = read_pid(&h, host_table[i].name);
		d->running = alive(pid, host_table[i].name);
		d->pid = d->running ? pid : 0;
		char lf[64];
		snprintf(lf, sizeof(lf), "%s.log", host_table[i].name);
		sub(&h, d->log, sizeof(d->log), SIMD_LOG_SUBDIR, lf);
	}
	struct simd *s;
	if (simd_open(h.dir, &s) == 0) {
		out->running = simd_host_info(s, &out->info) == 0;
		simd_close(s);
	}
	return 0;
}
