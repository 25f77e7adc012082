/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-netback: the userspace network backend daemon. It watches
 * /local/domain/SELF/backend/vif and serves every vif meant for it (on the
 * simulated host all of them; on Xen those whose script node names
 * xctl-netback), each with a TAP device vifDOMID.DEVID on the host. */
#include "drivers-backend/netback/dev.h"
#include "drivers-backend/xenio/xenio.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#define SHUTDOWN_MS 5000

static void usage(FILE *f)
{
	fprintf(f, "usage: xctl-netback [--dir DIR] [--xen|--sim] [--all] [--max-devices N]\n"
		   "                    [--log-level LEVEL]\n"
		   "  --dir DIR        the simulated host's directory (implies --sim)\n"
		   "  --xen, --sim     force the Xen or the simulated host's port\n"
		   "  --all            serve every vif, not only those with script=xctl-netback\n"
		   "                   (default on the simulated host)\n"
		   "  --max-devices N  serve at most N vifs (1..%u, default %u)\n"
		   "  --log-level L    error, warn, info (default), debug\n",
		XB_MAX_DEVICES_LIMIT, XB_MAX_DEVICES_DEFAULT);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },  { "xen", no_argument, NULL, 'X' },
		{ "sim", no_argument, NULL, 'S' },        { "all", no_argument, NULL, 'a' },
		{ "max-devices", required_argument, NULL, 'm' },
		{ "log-level", required_argument, NULL, 'l' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *force = NULL;
	bool all = false;
	uint64_t maxdev = XB_MAX_DEVICES_DEFAULT;
	int level = XCTL_LOG_INFO, c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; force = "sim"; break;
		case 'X': force = "xen"; break;
		case 'S': force = "sim"; break;
		case 'a': all = true; break;
		case 'm':
			if (xctl_parse_u64(optarg, 10, XB_MAX_DEVICES_LIMIT, &maxdev) || maxdev == 0) {
				fprintf(stderr, "xctl-netback: --max-devices takes 1..%u, not \"%s\"\n",
					XB_MAX_DEVICES_LIMIT, optarg);
				return 2;
			}
			break;
		case 'l':
			level = xctl_log_level_parse(optarg);
			if (level < 0) {
				fprintf(stderr, "xctl-netback: unknown log level \"%s\"\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	struct xctl_log lg;
	xctl_log_init(&lg, "xctl-netback", level);
	lg.timestamps = 1;
	setvbuf(stderr, NULL, _IOLBF, 0);
	/* SIGTERM stops the daemon cleanly: a disposition inherited as
	 * ignored would drop it, so reset it before blocking it for signalfd */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	/* a few descriptors per device: take what the hard limit allows */
	struct rlimit rl;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	int sfd = signalfd(-1, &ss, SFD_CLOEXEC | SFD_NONBLOCK);
	struct xenio *x = NULL;
	if (xenio_open_auto(&lg, force, dir, &x))
		return 1;
	if (strcmp(x->ops->name, "xen"))
		all = true;
	struct netback nb;
	if (netback_init(&nb, x, &lg, !all)) {
		xenio_close(x);
		return 1;
	}
	nb.xb.max_devices = (unsigned)maxdev;
	xctl_info(&lg, "serving %s vifs on %s (%s port, at most %u)", all ? "all" : "script=xctl-netback",
		  nb.xb.dir, x->ops->name, nb.xb.max_devices);
	int timeout = 0;
	uint64_t stop_at = 0;
	for (;;) {
		struct pollfd p[4] = {
			{ .fd = x->ops->evtchn_fd(x), .events = POLLIN },
			{ .fd = x->ops->xs_fd(x), .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
			{ .fd = netback_tap_fd(&nb), .events = POLLIN },
		};
		if (poll(p, 4, stop_at ? 100 : (timeout < 0 || timeout > 1000 ? 1000 : timeout)) < 0 &&
		    errno != EINTR)
			break;
		unsigned ready = (p[0].revents ? 1u : 0) | (p[1].revents ? 2u : 0);
		struct timespec zero = { 0, 0 };
		if (!stop_at && (p[2].revents || sigtimedwait(&ss, NULL, &zero) > 0)) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) < 0) {
				/* taken by sigtimedwait: the signal is what counts */
			}
			xctl_info(&lg, "stopping: disconnecting %u vifs", nb.xb.ndevs);
			xb_backend_shutdown(&nb.xb);
			stop_at = backend_now_ms() + SHUTDOWN_MS;
		}
		timeout = netback_service(&nb, ready);
		if (stop_at && (nb.xb.ndevs == 0 || backend_now_ms() > stop_at))
			break;
	}
	xctl_info(&lg, "stopped");
	netback_fini(&nb);
	xenio_close(x);
	return 0;
}
