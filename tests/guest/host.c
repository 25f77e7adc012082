/* SPDX-License-Identifier: LGPL-2.1-only */
#include "tests/guest/host.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "sim/simd/simd.h"
#include "xenstore-schema/xs_paths.h"

const char *testhost_bin(const char *prog, char *out, size_t sz)
{
	const char *bin = getenv("XCTL_BIN");
	if (bin) {
		snprintf(out, sz, "%s/%s", bin, prog);
		return out;
	}
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return prog;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	snprintf(out, sz, "%s/../bin/%s", self, prog);
	return out;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static pid_t spawn(struct testhost *h, const char *logname, char *const argv[])
{
	char logp[300];
	snprintf(logp, sizeof(logp), "%s/%s/%s", h->dir, SIMD_LOG_SUBDIR, logname);
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	/* The daemons must not outlive the test, even when it is killed. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	FILE *f = freopen(logp, "a", stderr);
	(void)f;
	execv(argv[0], argv);
	fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int wait_socket(const char *path, pid_t pid, int type)
{
	for (int i = 0; i < 1000; i++) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
		int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(fd);
			return 0;
		}
		if (fd >= 0)
			close(fd);
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid)
			return -1;
		usleep(10000);
	}
	return -1;
}

int testhost_start(struct testhost *h, bool consoled)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->dir, sizeof(h->dir), "/tmp/xctl-guest-test-XXXXXX");
	if (!mkdtemp(h->dir))
		return -1;
	char p[300], sock[300], domdir[300], bin[PATH_MAX], guest[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", h->dir, SIMD_LOG_SUBDIR);
	mkdir(p, 0700);
	snprintf(sock, sizeof(sock), "%s/%s", h->dir, SIMD_XENSTORED_SOCKET);
	snprintf(domdir, sizeof(domdir), "%s/%s", h->dir, SIMD_DOMAIN_SOCKETS);
	char *xsd_argv[] = { (char *)testhost_bin("xctl-xenstored", bin, sizeof(bin)), "--socket", sock,
			     "--domain-dir", domdir, "--foreground", NULL };
	h->xsd = spawn(h, "xctl-xenstored.log", xsd_argv);
	if (h->xsd < 0 || wait_socket(sock, h->xsd, SOCK_STREAM)) {
		fprintf(stderr, "xctl-xenstored did not start (see %s/log)\n", h->dir);
		return -1;
	}
	setenv("XENSTORED_PATH", sock, 1);
	setenv(SIMD_ENV_DIR, h->dir, 1);
	char simd_sock[300];
	snprintf(simd_sock, sizeof(simd_sock), "%s/%s", h->dir, SIMD_SOCKET);
	char *simd_argv[] = { (char *)testhost_bin("xctl-simd", bin, sizeof(bin)), "--dir", h->dir, "--foreground",
			      "--guest", (char *)testhost_bin("xctl-guest", guest, sizeof(guest)), NULL };
	h->simd = spawn(h, "xctl-simd.log", simd_argv);
	if (h->simd < 0 || wait_socket(simd_sock, h->simd, SOCK_SEQPACKET)) {
		fprintf(stderr, "xctl-simd did not start (see %s/log)\n", h->dir);
		return -1;
	}
	if (simd_open(h->dir, &h->s)) {
		fprintf(stderr, "cannot connect to xctl-simd in %s\n", h->dir);
		return -1;
	}
	h->xs = xs_open(0);
	if (!h->xs)
		return -1;
	if (consoled)
		return testhost_start_consoled(h);
	return 0;
}

int testhost_start_consoled(struct testhost *h)
{
	char bin[PATH_MAX];
	char *cd_argv[] = { (char *)testhost_bin("xctl-consoled", bin, sizeof(bin)), "--dir", h->dir,
			    "--log-level", "info", "--log-max", "65536", NULL };
	h->consoled = spawn(h, "xctl-consoled.log", cd_argv);
	return h->consoled < 0 ? -1 : 0;
}

static void reap(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	for (int i = 0; i < 500; i++) {
		if (waitpid(*pid, NULL, WNOHANG) == *pid) {
			*pid = 0;
			return;
		}
		usleep(10000);
	}
	kill(*pid, SIGKILL);
	waitpid(*pid, NULL, 0);
	*pid = 0;
}

void testhost_stop_consoled(struct testhost *h)
{
	reap(&h->consoled);
}

void testhost_stop(struct testhost *h)
{
	if (h->xs)
		xs_close(h->xs);
	if (h->s)
		simd_close(h->s);
	h->xs = NULL;
	h->s = NULL;
	reap(&h->consoled);
	reap(&h->simd);
	reap(&h->xsd);
	if (h->dir[0] && !getenv("XCTL_TEST_KEEP")) {
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", h->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", h->dir);
	}
	h->dir[0] = '\0';
}

int testhost_read(struct testhost *h, const char *path, char *buf, size_t sz)
{
	unsigned len;
	char *v = xs_read(h->xs, XBT_NULL, path, &len);
	if (!v)
		return -1;
	snprintf(buf, sz, "%.*s", (int)len, v);
	free(v);
	return 0;
}

int testhost_write(struct testhost *h, const char *path, const char *value)
{
	return xs_write(h->xs, XBT_NULL, path, value, (unsigned)strlen(value)) ? 0 : -1;
}

int testhost_perms(struct testhost *h, const char *path, const char *perms)
{
	struct xs_permissions p[8];
	unsigned n = 0;
	char copy[128];
	snprintf(copy, sizeof(copy), "%s", perms);
	for (char *save, *tok = strtok_r(copy, ",", &save); tok && n < 8; tok = strtok_r(NULL, ",", &save)) {
		if (!xs_strings_to_perms(&p[n], 1, tok))
			return -1;
		n++;
	}
	return xs_set_permissions(h->xs, XBT_NULL, path, p, n) ? 0 : -1;
}

static int wr(struct testhost *h, const char *fmt, uint32_t domid, const char *value, const char *perms)
{
	char p[256];
	snprintf(p, sizeof(p), fmt, domid);
	if (testhost_write(h, p, value))
		return -1;
	return perms ? testhost_perms(h, p, perms) : 0;
}

int testhost_knob(struct testhost *h, const char *fmt, uint32_t domid, const char *value)
{
	char perms[32];
	snprintf(perms, sizeof(perms), "n0,r%u", domid);
	return wr(h, fmt, domid, value, perms);
}

uint32_t testhost_domain(struct testhost *h, const char *name)
{
	return testhost_domain_type(h, name, SIMD_TYPE_PV);
}

uint32_t testhost_domain_type(struct testhost *h, const char *name, int type)
{
	struct simd_domain_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.type = (enum simd_dom_type)type;
	cfg.max_kib = 262144;
	cfg.max_vcpus = 2;
	cfg.vcpus = 2;
	snprintf(cfg.name, sizeof(cfg.name), "%s", name);
	uint32_t domid = 0;
	if (simd_domain_create(h->s, &cfg, &domid)) {
		fprintf(stderr, "cannot create a domain: %s\n", simd_errmsg(h->s));
		return 0;
	}
	struct simd_domain_info info;
	if (simd_domain_info(h->s, domid, &info))
		return 0;
	char ro[32], own[32], v[32];
	snprintf(ro, sizeof(ro), "n0,r%u", domid);
	snprintf(own, sizeof(own), "n%u", domid);
	int rc = wr(h, XS_FMT_DOMAIN_HOME, domid, "", ro);
	rc |= wr(h, XS_FMT_DOMAIN_NAME, domid, name, ro);
	snprintf(v, sizeof(v), "%u", domid);
	rc |= wr(h, XS_FMT_DOMAIN_DOMID, domid, v, ro);
	rc |= wr(h, XS_FMT_DOMAIN_MEMORY_TARGET, domid, "262144", ro);
	rc |= wr(h, XS_FMT_DOMAIN_MEMORY_STATIC_MAX, domid, "262144", ro);
	rc |= wr(h, XS_FMT_DOMAIN_CONTROL, domid, "", ro);
	const char *guest_nodes[] = { XS_FMT_DOMAIN_CONTROL_SHUTDOWN, XS_FMT_DOMAIN_CONTROL_FEATURE_POWEROFF,
				      XS_FMT_DOMAIN_CONTROL_FEATURE_REBOOT, XS_FMT_DOMAIN_CONTROL_FEATURE_SUSPEND,
				      XS_FMT_DOMAIN_CONTROL_SYSRQ, XS_FMT_DOMAIN_DATA };
	for (size_t i = 0; i < sizeof(guest_nodes) / sizeof(guest_nodes[0]); i++)
		rc |= wr(h, guest_nodes[i], domid, "", own);
	rc |= wr(h, XS_FMT_DOMAIN_DEVICE, domid, "", ro);
	rc |= wr(h, XS_FMT_DOMAIN_DEVICE_VBD, domid, "", ro);
	rc |= wr(h, XS_FMT_DOMAIN_DEVICE_VIF, domid, "", ro);
	rc |= wr(h, XS_FMT_CONSOLE_FE, domid, "", ro);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)info.console_gfn);
	rc |= wr(h, XS_FMT_CONSOLE_FE_RING_REF, domid, v, ro);
	snprintf(v, sizeof(v), "%u", info.console_port);
	rc |= wr(h, XS_FMT_CONSOLE_FE_PORT, domid, v, ro);
	rc |= wr(h, XS_FMT_CONSOLE_FE_TYPE, domid, "xenconsoled", ro);
	rc |= wr(h, XS_FMT_CONSOLE_FE_OUTPUT, domid, "pty", ro);
	rc |= wr(h, XS_FMT_SIMGUEST, domid, "", ro);
	return rc ? 0 : domid;
}

int testhost_wait_value(struct testhost *h, const char *path, const char *want, int ms,
			void (*pump)(void *arg), void *arg, char *last, size_t lastsz)
{
	uint64_t end = now_ms() + (uint64_t)ms;
	char v[512] = "";
	for (;;) {
		if (pump)
			pump(arg);
		if (testhost_read(h, path, v, sizeof(v)))
			v[0] = '\0';
		if (!strcmp(v, want))
			return 0;
		if (now_ms() >= end)
			break;
		if (!pump)
			usleep(5000);
	}
	if (last)
		snprintf(last, lastsz, "%s", v);
	fprintf(stderr, "timeout: %s is '%s', not '%s'\n", path, v, want);
	return -1;
}

int testhost_wait(bool (*cond)(void *arg), void *arg, int ms, void (*pump)(void *arg), void *parg)
{
	uint64_t end = now_ms() + (uint64_t)ms;
	for (;;) {
		if (pump)
			pump(parg);
		if (cond(arg))
			return 0;
		if (now_ms() >= end)
			return -1;
		if (!pump)
			usleep(5000);
	}
}
