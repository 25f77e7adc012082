/* SPDX-License-Identifier: LGPL-2.1-only */
/* Native hotplug, the system side: loop devices (/dev/loop-control,
 * LOOP_CONFIGURE, with LOOP_SET_FD and LOOP_SET_STATUS64 for kernels before
 * 5.8) and network interfaces (the SIOC* ioctls brctl and ip use). */
#include "toolstack/hotplug/hotplug.h"
#include "common/err.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_bridge.h>
#include <linux/loop.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define LOOP_CONTROL "/dev/loop-control"
#define LOOP_DEV_FMT "/dev/loop%d"
#define SYS_BLOCK "/sys/block"
#define LOOP_TRIES 32

static int fail(int rc, char *why, size_t whysz, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(int rc, char *why, size_t whysz, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, whysz, fmt, ap);
	va_end(ap);
	return rc;
}

/* A loop device node devtmpfs has not made yet right after
 * LOOP_CTL_GET_FREE added the device: a short wait. */
static int open_loop(const char *dev)
{
	for (int i = 0; i < 100; i++) {
		int fd = open(dev, O_RDWR | O_CLOEXEC);
		if (fd >= 0 || errno != ENOENT)
			return fd;
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	return -1;
}

static int configure(int lfd, int ffd, const char *file, bool ro)
{
	struct loop_config lc;
	memset(&lc, 0, sizeof(lc));
	lc.fd = (unsigned)ffd;
	lc.info.lo_flags = ro ? LO_FLAGS_READ_ONLY : 0;
	snprintf((char *)lc.info.lo_file_name, sizeof(lc.info.lo_file_name), "%s", file);
	if (!ioctl(lfd, LOOP_CONFIGURE, &lc))
		return 0;
	if (errno != EINVAL && errno != ENOTTY)
		return -1;
	/* before Linux 5.8 */
	if (ioctl(lfd, LOOP_SET_FD, ffd))
		return -1;
	struct loop_info64 li;
	memset(&li, 0, sizeof(li));
	li.lo_flags = lc.info.lo_flags;
	memcpy(li.lo_file_name, lc.info.lo_file_name, sizeof(li.lo_file_name));
	if (ioctl(lfd, LOOP_SET_STATUS64, &li)) {
		int e = errno;
		ioctl(lfd, LOOP_CLR_FD, 0);
		errno = e;
		return -1;
	}
	return 0;
}

int xctl_hp_loop_attach(const char *file, bool ro, char *dev, size_t devsz, unsigned *major, unsigned *minor,
			char *why, size_t whysz)
{
	int rc = 0, ctl = -1, lfd = -1;
	int ffd = open(file, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (ffd < 0) {
		rc = fail(xctl_err_from_errno(errno), why, whysz, "cannot open %s%s: %s", file,
			  ro ? "" : " for writing", strerror(errno));
		goto out;
	}
	ctl = open(LOOP_CONTROL, O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		rc = fail(XCTL_ERR_IO, why, whysz, "cannot open %s: %s (is the loop module loaded?)", LOOP_CONTROL,
			  strerror(errno));
		goto out;
	}
	for (int tries = 0;; tries++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0) {
			rc = fail(XCTL_ERR_LIMIT, why, whysz, "no free loop device: %s", strerror(errno));
			goto out;
		}
		snprintf(dev, devsz, LOOP_DEV_FMT, n);
		lfd = open_loop(dev);
		if (lfd < 0) {
			rc = fail(XCTL_ERR_IO, why, whysz, "cannot open %s: %s", dev, strerror(errno));
			goto out;
		}
		if (!configure(lfd, ffd, file, ro))
			break;
		int e = errno;
		close(lfd);
		lfd = -1;
		/* another process took this one between GET_FREE and CONFIGURE */
		if (e != EBUSY || tries >= LOOP_TRIES) {
			rc = fail(XCTL_ERR_IO, why, whysz, "cannot attach %s to %s: %s", file, dev, strerror(e));
			goto out;
		}
	}
	struct stat st;
	if (fstat(lfd, &st)) {
		rc = fail(XCTL_ERR_IO, why, whysz, "cannot stat %s: %s", dev, strerror(errno));
		ioctl(lfd, LOOP_CLR_FD, 0);
		goto out;
	}
	*major = major(st.st_rdev);
	*minor = minor(st.st_rdev);
out:
	if (lfd >= 0)
		close(lfd);
	if (ctl >= 0)
		close(ctl);
	if (ffd >= 0)
		close(ffd);
	return rc;
}

/* The file behind loop device NAME (e.g. "loop3"), from sysfs; 0 or -1. */
static int backing_file(const char *name, char *out, size_t sz)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), SYS_BLOCK "/%s/loop/backing_file", name);
	FILE *f = fopen(p, "re");
	if (!f)
		return -1;
	int rc = fgets(out, (int)sz, f) ? 0 : -1;
	fclose(f);
	if (!rc)
		out[strcspn(out, "\n")] = 0;
	return rc;
}

static bool loop_ro(const char *name)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), SYS_BLOCK "/%s/ro", name);
	FILE *f = fopen(p, "re");
	int c = f ? fgetc(f) : '0';
	if (f)
		fclose(f);
	return c == '1';
}

int xctl_hp_loop_detach(const char *dev, const char *file, char *why, size_t whysz)
{
	const char *name = strrchr(dev, '/');
	name = name ? name + 1 : dev;
	if (strncmp(name, "loop", 4))
		return 1;
	char real[PATH_MAX], back[PATH_MAX];
	if (!realpath(file, real))
		snprintf(real, sizeof(real), "%s", file);
	if (backing_file(name, back, sizeof(back)) || strcmp(back, real))
		return 1;
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(XCTL_ERR_IO, why, whysz, "cannot open %s: %s", dev, strerror(errno));
	/* a device still open elsewhere is detached at its last close */
	int rc = 0;
	if (ioctl(fd, LOOP_CLR_FD, 0) && errno != ENXIO)
		rc = fail(XCTL_ERR_IO, why, whysz, "cannot detach %s from %s: %s", dev, file, strerror(errno));
	close(fd);
	return rc;
}

int xctl_hp_loop_backing(const char *file, bool *writable, char *which, size_t whichsz)
{
	char real[PATH_MAX], back[PATH_MAX];
	if (!realpath(file, real))
		return XCTL_ERR_NOTFOUND;
	DIR *d = opendir(SYS_BLOCK);
	if (!d)
		return 0;
	int found = 0;
	*writable = false;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "loop", 4) || backing_file(e->d_name, back, sizeof(back)) || strcmp(back, real))
			continue;
		if (!found || !loop_ro(e->d_name))
			snprintf(which, whichsz, "/dev/%s", e->d_name);
		found = 1;
		if (!loop_ro(e->d_name))
			*writable = true;
	}
	closedir(d);
	return found;
}

/* ---- network interfaces */

static int sock(void)
{
	return socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

static int ifreq_ioctl(unsigned long req, struct ifreq *ifr)
{
	int s = sock();
	if (s < 0)
		return -1;
	int r = ioctl(s, req, ifr);
	int e = errno;
	close(s);
	errno = e;
	return r;
}

static void set_name(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
}

int xctl_hp_link_exists(const char *ifname, bool *is_bridge)
{
	if (!if_nametoindex(ifname))
		return 0;
	if (is_bridge) {
		/* a bridge answers its own ioctl: the list of its ports, indexed by
		 * port number */
		int ports[1];
		unsigned long args[4] = { BRCTL_GET_PORT_LIST, (unsigned long)ports, 1, 0 };
		struct ifreq ifr;
		set_name(&ifr, ifname);
		ifr.ifr_data = (char *)args;
		*is_bridge = ifreq_ioctl(SIOCDEVPRIVATE, &ifr) >= 0; /* the count of ports, or -1 */
	}
	return 1;
}

int xctl_hp_link_rename(const char *from, const char *to, char *why, size_t whysz)
{
	struct ifreq ifr;
	set_name(&ifr, from);
	snprintf(ifr.ifr_newname, sizeof(ifr.ifr_newname), "%s", to);
	if (ifreq_ioctl(SIOCSIFNAME, &ifr))
		return fail(XCTL_ERR_IO, why, whysz, "cannot rename %s to %s: %s", from, to, strerror(errno));
	return 0;
}

int xctl_hp_link_up(const char *ifname, bool up, char *why, size_t whysz)
{
	struct ifreq ifr;
	set_name(&ifr, ifname);
	if (ifreq_ioctl(SIOCGIFFLAGS, &ifr))
		return fail(XCTL_ERR_NOTFOUND, why, whysz, "no interface %s: %s", ifname, strerror(errno));
	short want = up ? (short)(ifr.ifr_flags | IFF_UP) : (short)(ifr.ifr_flags & ~IFF_UP);
	if (want == ifr.ifr_flags)
		return 0;
	ifr.ifr_flags = want;
	if (ifreq_ioctl(SIOCSIFFLAGS, &ifr))
		return fail(XCTL_ERR_IO, why, whysz, "cannot bring %s %s: %s", ifname, up ? "up" : "down",
			    strerror(errno));
	return 0;
}

int xctl_hp_link_mac(const char *ifname, const uint8_t mac[6], char *why, size_t whysz)
{
	struct ifreq ifr;
	set_name(&ifr, ifname);
	ifr.ifr_hwaddr.sa_family = 1; /* ARPHRD_ETHER */
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	if (ifreq_ioctl(SIOCSIFHWADDR, &ifr))
		return fail(XCTL_ERR_IO, why, whysz, "cannot set the MAC address of %s: %s", ifname, strerror(errno));
	return 0;
}

int xctl_hp_link_mtu(const char *ifname, int set, int *get, char *why, size_t whysz)
{
	struct ifreq ifr;
	set_name(&ifr, ifname);
	if (set < 0) {
		if (ifreq_ioctl(SIOCGIFMTU, &ifr))
			return fail(XCTL_ERR_NOTFOUND, why, whysz, "cannot read the MTU of %s: %s", ifname,
				    strerror(errno));
		*get = ifr.ifr_mtu;
		return 0;
	}
	ifr.ifr_mtu = set;
	if (ifreq_ioctl(SIOCSIFMTU, &ifr))
		return fail(XCTL_ERR_IO, why, whysz, "cannot set the MTU of %s to %d: %s", ifname, set,
			    strerror(errno));
	return 0;
}

bool xctl_hp_bridge_has(const char *bridge, const char *ifname)
{
	int idx = (int)if_nametoindex(ifname);
	int ports[1024];
	memset(ports, 0, sizeof(ports));
	unsigned long args[4] = { BRCTL_GET_PORT_LIST, (unsigned long)ports, 1024, 0 };
	struct ifreq ifr;
	set_name(&ifr, bridge);
	ifr.ifr_data = (char *)args;
	if (!idx || ifreq_ioctl(SIOCDEVPRIVATE, &ifr) < 0)
		return false;
	for (size_t i = 0; i < 1024; i++)
		if (ports[i] == idx)
			return true;
	return false;
}

int xctl_hp_bridge_port(const char *bridge, const char *ifname, bool add, char *why, size_t whysz)
{
	struct ifreq ifr;
	set_name(&ifr, bridge);
	ifr.ifr_ifindex = (int)if_nametoindex(ifname);
	if (!ifr.ifr_ifindex)
		return fail(XCTL_ERR_NOTFOUND, why, whysz, "no interface %s", ifname);
	if (!ifreq_ioctl(add ? SIOCBRADDIF : SIOCBRDELIF, &ifr))
		return 0;
	int e = errno;
	if (add && e == EBUSY && xctl_hp_bridge_has(bridge, ifname))
		return 0;
	if (!add && e == EINVAL)
		return 0; /* not a port of it */
	return fail(XCTL_ERR_IO, why, whysz, "cannot %s %s %s bridge %s: %s", add ? "add" : "remove", ifname,
		    add ? "to" : "from", bridge, strerror(e));
}
