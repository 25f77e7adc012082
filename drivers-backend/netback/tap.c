/* SPDX-License-Identifier: LGPL-2.1-only */
/* TAP devices for xctl-netback; see tap.h. */
#include "drivers-backend/netback/tap.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define TUN_DEV "/dev/net/tun"

int net_tap_open(const char *name, const struct xctl_log *log, const char *who, int *out)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	if (strlen(name) >= IFNAMSIZ) {
		xctl_err_log(log, "%s: interface name %s is longer than %d characters", who, name,
			     IFNAMSIZ - 1);
		return XCTL_ERR_INVAL;
	}
	int fd = open(TUN_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		xctl_err_log(log, "%s: cannot open %s: %s (xctl-netback needs the tun module and "
			     "CAP_NET_ADMIN)", who, TUN_DEV, strerror(errno));
		return XCTL_ERR_PERM;
	}
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		xctl_err_log(log, "%s: cannot create TAP device %s: %s", who, name, strerror(errno));
		close(fd);
		return XCTL_ERR_IO;
	}
	*out = fd;
	return 0;
}

int net_tap_up(const char *name, unsigned mtu, const char *bridge, const struct xctl_log *log,
	       const char *who)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return XCTL_ERR_IO;
	struct ifreq ifr;
	int rc = 0;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (mtu) {
		ifr.ifr_mtu = (int)mtu;
		if (ioctl(s, SIOCSIFMTU, &ifr) < 0)
			xctl_warn(log, "%s: cannot set the MTU of %s to %u: %s", who, name, mtu,
				  strerror(errno));
	}
	/* a bridge port: no IPv6 of its own (xl's vif-bridge makes its vifs
	 * pure bridge ports too, flushing their addresses) */
	int e = bridge && *bridge ? xctl_bridge_port_ipv6_off(name) : 0;
	if (e)
		xctl_warn(log, "%s: cannot turn IPv6 off on %s: %s", who, name, xctl_strerror(e));
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0 || (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr) < 0)) {
		xctl_err_log(log, "%s: cannot bring %s up: %s", who, name, strerror(errno));
		rc = XCTL_ERR_IO;
		goto out;
	}
	if (bridge && *bridge) {
		struct ifreq br;
		memset(&br, 0, sizeof(br));
		snprintf(br.ifr_name, sizeof(br.ifr_name), "%s", bridge);
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
		if (ioctl(s, SIOCGIFINDEX, &ifr) < 0 ||
		    (br.ifr_ifindex = ifr.ifr_ifindex, ioctl(s, SIOCBRADDIF, &br) < 0))
			xctl_warn(log, "%s: cannot add %s to bridge %s: %s; the vif works but is not "
				  "bridged (create the bridge, or fix the vif's bridge=)", who, name,
				  bridge, strerror(errno));
		else
			xctl_info(log, "%s: %s added to bridge %s", who, name, bridge);
	}
out:
	close(s);
	return rc;
}

int net_tap_write(void *fdp, const uint8_t *frame, size_t len)
{
	int fd = *(int *)fdp;
	ssize_t n = write(fd, frame, len);
	return n == (ssize_t)len ? 0 : XCTL_ERR_AGAIN;
}
