/* SPDX-License-Identifier: LGPL-2.1-only */
/* The fake environment of the hotplug tests (see hpfix.h). */
#include "tests/hotplug/hpfix.h"
#include "common/err.h"
#include "xenstore-schema/xs_paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>

#include <cmocka.h>

struct fix F;

/* ---- helpers */

void bset(const char *path, const char *key, const char *val)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", path, key);
	assert_true(xs_write(F.xs, XBT_NULL, p, val, (unsigned)strlen(val)));
}

/* A node under dom0's home (the relative paths libxl gives) or absolute;
 * "" when absent (freed by the next call). */
const char *bget(const char *path, const char *key)
{
	static char *last;
	free(last);
	char p[512];
	unsigned len;
	snprintf(p, sizeof(p), "%s%s%s", path, key ? "/" : "", key ? key : "");
	last = xs_read(F.xs, XBT_NULL, p, &len);
	return last ? last : "";
}

void brm(const char *path)
{
	xs_rm(F.xs, XBT_NULL, path);
}

void mkfile(const char *name, char *out, size_t sz)
{
	snprintf(out, sz, "%s/%s", F.dir, name);
	int fd = open(out, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	close(fd);
}

void vbd(struct xctl_hp_req *r, uint32_t domid, uint32_t devid, enum xctl_hp_action a)
{
	memset(r, 0, sizeof(*r));
	r->kind = XCTL_HP_VBD;
	r->action = a;
	r->domid = domid;
	r->devid = devid;
	snprintf(r->path, sizeof(r->path), XS_REL_VBD_BE, domid, devid);
}

void vif(struct xctl_hp_req *r, uint32_t domid, uint32_t devid, enum xctl_hp_action a)
{
	memset(r, 0, sizeof(*r));
	r->kind = XCTL_HP_VIF;
	r->action = a;
	r->domid = domid;
	r->devid = devid;
	snprintf(r->path, sizeof(r->path), XS_REL_VIF_BE, domid, devid);
	snprintf(r->ifname, sizeof(r->ifname), "vif%u.%u", domid, devid);
}

/* A new vbd backend directory for file (mode, state 2). */
void vbd_nodes(const struct xctl_hp_req *r, const char *params, const char *mode)
{
	brm(r->path);
	bset(r->path, XS_KEY_PARAMS, params);
	bset(r->path, XS_KEY_MODE, mode);
	bset(r->path, XS_KEY_STATE, "2");
}

int sysfs_int(const char *dev, const char *rel)
{
	char p[256], buf[32] = "";
	snprintf(p, sizeof(p), "/sys/block/%s/%s", strrchr(dev, '/') + 1, rel);
	FILE *f = fopen(p, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return atoi(buf);
}

bool backed_by(const char *dev, const char *file)
{
	char p[256], buf[512] = "";
	snprintf(p, sizeof(p), "/sys/block/%s/loop/backing_file", strrchr(dev, '/') + 1);
	FILE *f = fopen(p, "r");
	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return !strcmp(buf, file);
}

/* physical-device must be the hex major:minor of physical-device-path */
void assert_physdev(const char *path)
{
	char dev[256], want[32];
	snprintf(dev, sizeof(dev), "%s", bget(path, XS_KEY_PHYSICAL_DEVICE_PATH));
	struct stat st;
	assert_int_equal(stat(dev, &st), 0);
	assert_true(S_ISBLK(st.st_mode));
	snprintf(want, sizeof(want), "%x:%x", major(st.st_rdev), minor(st.st_rdev));
	assert_string_equal(bget(path, XS_KEY_PHYSICAL_DEVICE), want);
	assert_string_equal(bget(path, XS_KEY_HOTPLUG_STATUS), "connected");
}

static int ifioctl(unsigned long req, struct ifreq *ifr)
{
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);
	int r = ioctl(s, req, ifr);
	close(s);
	return r;
}

void mkbridge(const char *name, int mtu)
{
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_int_equal(ioctl(s, SIOCBRADDBR, name), 0);
	close(s);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_mtu = mtu;
	assert_int_equal(ifioctl(SIOCSIFMTU, &ifr), 0);
}

void mktap(const char *name)
{
	int fd = open("/dev/net/tun", O_RDWR);
	assert_true(fd >= 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	assert_int_equal(ioctl(fd, TUNSETIFF, &ifr), 0);
	assert_int_equal(ioctl(fd, TUNSETPERSIST, 1), 0);
	close(fd);
}

void link_state(const char *name, bool *up, int *mtu, uint8_t mac[6])
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	assert_int_equal(ifioctl(SIOCGIFFLAGS, &ifr), 0);
	*up = ifr.ifr_flags & IFF_UP;
	assert_int_equal(ifioctl(SIOCGIFMTU, &ifr), 0);
	*mtu = ifr.ifr_mtu;
	assert_int_equal(ifioctl(SIOCGIFHWADDR, &ifr), 0);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
}

/* Run argv with the environment env (NULL-terminated "K=V" list added to
 * ours); the exit status. */
int run(char *const argv[], const char *const env[])
{
	pid_t p = fork();
	assert_true(p >= 0);
	if (!p) {
		for (size_t i = 0; env && env[i]; i++)
			putenv((char *)env[i]);
		int nul = open("/dev/null", O_WRONLY);
		if (!getenv("XCTL_HP_VERBOSE"))
			dup2(nul, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	assert_int_equal(waitpid(p, &st, 0), p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* ---- setup */

int hp_setup(void **state)
{
	(void)state;
	memset(&F, 0, sizeof(F));
	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "cannot make a network namespace: %s\n", strerror(errno));
		return -1;
	}
	if (xsd_start(&F.xsd, NULL))
		return -1;
	F.xs = xs_open(0);
	if (!F.xs)
		return -1;
	snprintf(F.dir, sizeof(F.dir), "/tmp/xctl-hotplug-XXXXXX");
	if (!mkdtemp(F.dir))
		return -1;
	snprintf(F.locks, sizeof(F.locks), "%s/locks", F.dir);
	snprintf(F.logpath, sizeof(F.logpath), "%s/log", F.dir);
	F.logf = fopen(F.logpath, "w+");
	xctl_log_init(&F.log, "test_hotplug", XCTL_LOG_INFO);
	F.log.out = getenv("XCTL_HP_VERBOSE") ? stderr : F.logf;
	F.c = (struct xctl_hp_ctx){ .xs = F.xs, .log = &F.log, .lock_dir = F.locks, .timeout_ms = 5000 };
	return 0;
}

/* Loop devices a failed test left on files of ours: detached. */
static void detach_ours(void)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char p[300], back[512] = "", dev[300], why[256];
		if (strncmp(e->d_name, "loop", 4))
			continue;
		snprintf(p, sizeof(p), "/sys/block/%s/loop/backing_file", e->d_name);
		FILE *f = fopen(p, "r");
		if (!f)
			continue;
		if (fgets(back, sizeof(back), f))
			back[strcspn(back, "\n")] = 0;
		fclose(f);
		snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
		if (!strncmp(back, F.dir, strlen(F.dir)))
			xctl_hp_loop_detach(dev, back, why, sizeof(why));
	}
	if (d)
		closedir(d);
}

int hp_teardown(void **state)
{
	(void)state;
	detach_ours();
	if (F.xs)
		xs_close(F.xs);
	xsd_stop(&F.xsd);
	xsd_cleanup(&F.xsd);
	if (F.logf)
		fclose(F.logf);
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", F.dir);
	if (system(cmd))
		return -1;
	return 0;
}

