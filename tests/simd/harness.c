/* SPDX-License-Identifier: LGPL-2.1-only */
/* Test harness for xctl-simd (see harness.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/simd/harness.h"

static void bindir(char *out, size_t n)
{
	const char *bin = getenv("XCTL_BIN");
	if (bin) {
		snprintf(out, n, "%s", bin);
		return;
	}
	char self[400];
	ssize_t k = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[k > 0 ? k : 0] = '\0';
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	snprintf(out, n, "%s/../bin", self);
}

static bool connectable(const char *path, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	bool ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

static pid_t spawn(const char *const *argv)
{
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* TH_NOFILE=N: run the daemon with at most N open files */
		const char *nf = getenv("TH_NOFILE");
		if (nf) {
			struct rlimit rl = { (rlim_t)atol(nf), (rlim_t)atol(nf) };
			setrlimit(RLIMIT_NOFILE, &rl);
		}
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

static bool wait_sock(const char *path, int type, pid_t pid)
{
	for (int i = 0; i < 1000; i++) {
		if (connectable(path, type))
			return true;
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid)
			return false;
		usleep(5000);
	}
	return false;
}

int th_start(struct simd_host *h, bool with_xenstored, const char *guest, const char *const *extra)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->dir, sizeof(h->dir), "/tmp/simd-test-XXXXXX");
	if (!mkdtemp(h->dir))
		return -1;
	bindir(h->bin, sizeof(h->bin));
	char xsd[600], simd[600], sock[300], ddir[300], xlog[300], slog[300], tg[600];
	snprintf(xsd, sizeof(xsd), "%s/xctl-xenstored", h->bin);
	snprintf(simd, sizeof(simd), "%s/xctl-simd", h->bin);
	snprintf(sock, sizeof(sock), "%s/%s", h->dir, SIMD_XENSTORED_SOCKET);
	snprintf(ddir, sizeof(ddir), "%s/%s", h->dir, SIMD_DOMAIN_SOCKETS);
	snprintf(xlog, sizeof(xlog), "%s/xenstored.log", h->dir);
	snprintf(slog, sizeof(slog), "%s/simd.log", h->dir);
	snprintf(tg, sizeof(tg), "%s/../tests/simd-testguest", h->bin);
	if (with_xenstored) {
		const char *a[] = { xsd, "--socket", sock, "--domain-dir", ddir, "--foreground", "--log", xlog, NULL };
		h->xsd = spawn(a);
		if (h->xsd < 0 || !wait_sock(sock, SOCK_STREAM, h->xsd))
			return -1;
		setenv("XENSTORED_PATH", sock, 1);
	}
	const char *a[40];
	int n = 0;
	a[n++] = simd;
	a[n++] = "--dir";
	a[n++] = h->dir;
	a[n++] = "--foreground";
	a[n++] = "--log";
	a[n++] = slog;
	a[n++] = "--log-level";
	a[n++] = getenv("XCTL_SIMD_LOG_LEVEL") ? getenv("XCTL_SIMD_LOG_LEVEL") : "info";
	a[n++] = "--guest";
	a[n++] = guest ? guest : tg;
	for (int i = 0; extra && extra[i] && n < 38; i++)
		a[n++] = extra[i];
	a[n] = NULL;
	h->simd = spawn(a);
	char ssock[300];
	snprintf(ssock, sizeof(ssock), "%s/%s", h->dir, SIMD_SOCKET);
	if (h->simd < 0 || !wait_sock(ssock, SOCK_SEQPACKET, h->simd))
		return -1;
	return simd_open(h->dir, &h->s) ? -1 : 0;
}

static void stop_pid(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (int i = 0; i < 500; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

void th_stop(struct simd_host *h)
{
	simd_close(h->s);
	h->s = NULL;
	stop_pid(h->simd);
	stop_pid(h->xsd);
	h->simd = h->xsd = 0;
	if (h->dir[0] && !getenv("XCTL_SIMD_KEEP")) {
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", h->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", h->dir);
	}
}

struct simd_domain_config th_config(void)
{
	struct simd_domain_config c = { 0 };
	c.type = SIMD_TYPE_PV;
	c.max_kib = 64 * 1024;
	c.target_kib = 64 * 1024;
	c.max_vcpus = 2;
	c.vcpus = 2;
	for (int i = 0; i < 16; i++)
		c.uuid[i] = (uint8_t)(i * 17);
	snprintf(c.name, sizeof(c.name), "test");
	return c;
}

uint32_t th_create(struct simd_host *h)
{
	struct simd_domain_config c = th_config();
	uint32_t id = 0;
	if (simd_domain_create(h->s, &c, &id)) {
		fprintf(stderr, "create: %s\n", simd_errmsg(h->s));
		return 0;
	}
	return id;
}

int th_nfds(pid_t pid)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(p);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

int th_wait_nfds(pid_t pid, int n, int ms)
{
	int k = th_nfds(pid);
	for (int i = 0; i < ms && k != n; i += 5) {
		usleep(5000);
		k = th_nfds(pid);
	}
	return k;
}

long th_rss_kib(pid_t pid)
{
	char p[64], line[256];
	snprintf(p, sizeof(p), "/proc/%d/status", (int)pid);
	FILE *f = fopen(p, "r");
	long v = -1;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			v = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

bool th_alive(pid_t pid)
{
	char p[64], buf[512];
	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(p, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *e = strrchr(buf, ')');
	return e && e[1] == ' ' && e[2] != 'Z' && e[2] != 'X';
}

bool th_wait(bool (*cond)(void *), void *arg, int ms)
{
	for (int i = 0; i < ms; i += 5) {
		if (cond(arg))
			return true;
		usleep(5000);
	}
	return cond(arg);
}

void th_guest_mode(struct simd_host *h, const char *mode)
{
	char p[300];
	snprintf(p, sizeof(p), "%s/testguest.mode", h->dir);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(mode, f);
		fclose(f);
	}
}
