/* SPDX-License-Identifier: LGPL-2.1-only */
#include "tests/xenstored/harness.h"

#include <errno.h>
#include <xenstore.h>
#include <sys/prctl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *xsd_binary(void)
{
	static char path[PATH_MAX + 32];
	const char *bin = getenv("XCTL_BIN");
	if (bin) {
		snprintf(path, sizeof(path), "%s/xctl-xenstored", bin);
		return path;
	}
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return "xctl-xenstored";
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	snprintf(path, sizeof(path), "%s/../bin/xctl-xenstored", self);
	return path;
}

int xsd_raw_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

int xsd_start(struct xsd_daemon *dm, const char *const *extra)
{
	memset(dm, 0, sizeof(*dm));
	snprintf(dm->dir, sizeof(dm->dir), "/tmp/xsd-test-XXXXXX");
	if (!mkdtemp(dm->dir))
		return -1;
	snprintf(dm->sock, sizeof(dm->sock), "%s/sock", dm->dir);
	snprintf(dm->domdir, sizeof(dm->domdir), "%s/domains", dm->dir);
	snprintf(dm->trace, sizeof(dm->trace), "%s/trace", dm->dir);
	snprintf(dm->state, sizeof(dm->state), "%s/state", dm->dir);
	const char *argv[64];
	int n = 0;
	argv[n++] = xsd_binary();
	argv[n++] = "--socket";
	argv[n++] = dm->sock;
	argv[n++] = "--foreground";
	argv[n++] = "--log-level";
	/* XCTL_XSD_LOG_LEVEL=debug shows the daemon's view when a test fails. */
	argv[n++] = getenv("XCTL_XSD_LOG_LEVEL") ? getenv("XCTL_XSD_LOG_LEVEL") : "warn";
	/* XCTL_XSD_IO=uring|syscalls: how the daemon reads and writes its
	 * sockets (xsd_run_io_modes). */
	if (getenv("XCTL_XSD_IO")) {
		argv[n++] = "--io";
		argv[n++] = getenv("XCTL_XSD_IO");
	}
	for (int i = 0; extra && extra[i] && n < 60; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* A failed assertion skips the test's cleanup: the daemon must
		 * not outlive the test program (it would also hold the test
		 * runner's output pipe open). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* In a sanitizer build, keep ASan's quarantine of freed memory
		 * small: the hostile tests measure the daemon's resident memory,
		 * which the default 256 MiB quarantine would swamp. */
		char asan[512];
		const char *prev = getenv("ASAN_OPTIONS");
		snprintf(asan, sizeof(asan), "%s%squarantine_size_mb=1", prev ? prev : "",
			 prev && *prev ? ":" : "");
		setenv("ASAN_OPTIONS", asan, 1);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	dm->pid = pid;
	/* Up to 60 s: a benchmark's tree of a million nodes loads slowly on a
	 * busy machine. */
	for (int i = 0; i < 6000; i++) {
		int fd = xsd_raw_connect(dm->sock);
		if (fd >= 0) {
			close(fd);
			setenv("XENSTORED_PATH", dm->sock, 1);
			return 0;
		}
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			dm->pid = 0;
			return -1;
		}
		usleep(10000);
	}
	return -1;
}

int xsd_stop(struct xsd_daemon *dm)
{
	if (dm->pid <= 0)
		return -1;
	kill(dm->pid, SIGTERM);
	int st = 0;
	for (int i = 0; i < 1000; i++) {
		pid_t r = waitpid(dm->pid, &st, WNOHANG);
		if (r == dm->pid) {
			dm->pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		usleep(10000);
	}
	kill(dm->pid, SIGKILL);
	waitpid(dm->pid, &st, 0);
	dm->pid = 0;
	return -1;
}

void xsd_cleanup(struct xsd_daemon *dm)
{
	if (dm->pid > 0)
		xsd_stop(dm);
	if (dm->dir[0]) {
		char cmd[400];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dm->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dm->dir);
		dm->dir[0] = '\0';
	}
}

long xsd_rss_kib(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	long kib = -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

int xsd_raw_send(int fd, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *payload,
		 uint32_t len)
{
	char buf[sizeof(struct xsd_sockmsg) + 65536];
	if (len > 65536)
		return -1;
	struct xsd_sockmsg h = { type, req_id, tx_id, len };
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), payload, len);
	size_t total = sizeof(h) + len, off = 0;
	while (off < total) {
		ssize_t w = write(fd, buf + off, total - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

static int read_full(int fd, void *p, size_t len, int timeout_ms)
{
	size_t off = 0;
	while (off < len) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int r = poll(&pfd, 1, timeout_ms);
		if (r <= 0)
			return -1;
		ssize_t n = read(fd, (char *)p + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

int xsd_raw_recv(int fd, struct xsd_sockmsg *h, char *body, int timeout_ms)
{
	if (read_full(fd, h, sizeof(*h), timeout_ms))
		return -1;
	if (h->len > XENSTORE_PAYLOAD_MAX)
		return -1;
	if (read_full(fd, body, h->len, timeout_ms))
		return -1;
	body[h->len] = '\0';
	return 0;
}

int xsd_raw_call(int fd, uint32_t type, uint32_t tx_id, const char *a, const char *b,
		 struct xsd_sockmsg *h, char *body)
{
	char p[XENSTORE_PAYLOAD_MAX * 2];
	size_t la = a ? strlen(a) + 1 : 0, lb = b ? strlen(b) + 1 : 0;
	if (la + lb > sizeof(p))
		return -1;
	if (la)
		memcpy(p, a, la);
	if (lb)
		memcpy(p + la, b, lb);
	static uint32_t next_id = 100;
	uint32_t id = next_id++;
	if (xsd_raw_send(fd, type, id, tx_id, p, (uint32_t)(la + lb)))
		return -1;
	for (;;) {
		if (xsd_raw_recv(fd, h, body, 5000))
			return -1;
		if (h->type != XS_WATCH_EVENT)
			return h->req_id == id ? 0 : -1;
	}
}

int xsd_sh(char *out, size_t outsz, const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	size_t n = 0;
	if (out && outsz) {
		n = fread(out, 1, outsz - 1, p);
		out[n] = '\0';
	} else {
		char sink[4096];
		while (fread(sink, 1, sizeof(sink), p) > 0)
			;
	}
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int xsd_wait_event(struct xs_handle *h, char *path, size_t psz, char *tok, size_t tsz, int ms)
{
	struct pollfd p = { xs_fileno(h), POLLIN, 0 };
	for (;;) {
		char **v = xs_check_watch(h);
		if (v) {
			snprintf(path, psz, "%s", v[XS_WATCH_PATH]);
			snprintf(tok, tsz, "%s", v[XS_WATCH_TOKEN]);
			free(v);
			return 0;
		}
		if (poll(&p, 1, ms) <= 0)
			return -1;
	}
}
