/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-blkback: the userspace block backend daemon. It watches
 * /local/domain/SELF/backend/vbd and serves every disk meant for it: on the
 * simulated host all of them, on Xen those with type=standalone (libxl's
 * backendtype=standalone), over raw files and block devices. */
#include "drivers-backend/blkback/dev.h"
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
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#define SHUTDOWN_MS 10000

static void usage(FILE *f)
{
	fprintf(f, "usage: xctl-blkback [--dir DIR] [--xen|--sim] [--all] [--workers N]\n"
		   "                    [--io uring|threads] [--max-devices N] [--log-level LEVEL]\n"
		   "  --dir DIR        the simulated host's directory (implies --sim)\n"
		   "  --xen, --sim     force the Xen or the simulated host's port\n"
		   "  --all            serve every disk, not only type=standalone (default on\n"
		   "                   the simulated host)\n"
		   "  --workers N      I/O threads per disk (default %u)\n"
		   "  --io uring       small reads through io_uring, the rest on the threads\n"
		   "                   (the default; the threads alone if the kernel refuses it)\n"
		   "  --io threads     every request on the threads\n"
		   "  --max-devices N  serve at most N disks (1..%u, default %u)\n"
		   "  --log-level L    error, warn, info (default), debug\n", BLK_WORKERS_DEFAULT,
		XB_MAX_DEVICES_LIMIT, XB_MAX_DEVICES_DEFAULT);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },  { "xen", no_argument, NULL, 'X' },
		{ "sim", no_argument, NULL, 'S' },        { "all", no_argument, NULL, 'a' },
		{ "workers", required_argument, NULL, 'w' },
		{ "io", required_argument, NULL, 'i' },
		{ "max-devices", required_argument, NULL, 'm' },
		{ "log-level", required_argument, NULL, 'l' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *force = NULL;
	bool all = false;
	uint64_t workers = BLK_WORKERS_DEFAULT, maxdev = XB_MAX_DEVICES_DEFAULT;
	int level = XCTL_LOG_INFO, c;
	enum blk_io_engine engine = BLK_IO_URING;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; force = "sim"; break;
		case 'X': force = "xen"; break;
		case 'S': force = "sim"; break;
		case 'a': all = true; break;
		case 'w':
			if (xctl_parse_u64(optarg, 10, 16, &workers)) {
				fprintf(stderr, "xctl-blkback: --workers takes 0..16, not \"%s\"\n", optarg);
				return 2;
			}
			break;
		case 'i':
			if (!strcmp(optarg, "uring")) {
				engine = BLK_IO_URING;
			} else if (!strcmp(optarg, "threads")) {
				engine = BLK_IO_THREADS;
			} else {
				fprintf(stderr, "xctl-blkback: --io takes uring or threads, not \"%s\"\n",
					optarg);
				return 2;
			}
			break;
		case 'm':
			if (xctl_parse_u64(optarg, 10, XB_MAX_DEVICES_LIMIT, &maxdev) || maxdev == 0) {
				fprintf(stderr, "xctl-blkback: --max-devices takes 1..%u, not \"%s\"\n",
					XB_MAX_DEVICES_LIMIT, optarg);
				return 2;
			}
			break;
		case 'l':
			level = xctl_log_level_parse(optarg);
			if (level < 0) {
				fprintf(stderr, "xctl-blkback: unknown log level \"%s\"\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	struct xctl_log lg;
	xctl_log_init(&lg, "xctl-blkback", level);
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
	int rc = xenio_open_auto(&lg, force, dir, &x);
	if (rc)
		return 1;
	if (strcmp(x->ops->name, "xen"))
		all = true;
	struct blkback bb;
	rc = blkback_init(&bb, x, &lg, (unsigned)workers, !all);
	if (rc) {
		xenio_close(x);
		return 1;
	}
	bb.xb.max_devices = (unsigned)maxdev;
	bb.engine = engine;
	xctl_info(&lg, "serving %s disks on %s (%s port, at most %u)", all ? "all" : "type=standalone",
		  bb.xb.dir, x->ops->name, bb.xb.max_devices);
	int timeout = 0;
	uint64_t stop_at = 0;
	for (;;) {
		struct pollfd p[4] = {
			{ .fd = x->ops->evtchn_fd(x), .events = POLLIN },
			{ .fd = x->ops->xs_fd(x), .events = POLLIN },
			{ .fd = bb.io_efd, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};
		if (poll(p, 4, stop_at ? 100 : (timeout < 0 || timeout > 1000 ? 1000 : timeout)) < 0 &&
		    errno != EINTR)
			break;
		unsigned ready = (p[0].revents ? 1u : 0) | (p[1].revents ? 2u : 0);
		struct timespec zero = { 0, 0 };
		if (!stop_at && (p[3].revents || sigtimedwait(&ss, NULL, &zero) > 0)) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) < 0) {
				/* taken by sigtimedwait: the signal is what counts */
			}
			xctl_info(&lg, "stopping: disconnecting %u devices", bb.xb.ndevs);
			xb_backend_shutdown(&bb.xb);
			stop_at = backend_now_ms() + SHUTDOWN_MS;
		}
		timeout = blkback_service(&bb, ready);
		if (stop_at && (bb.xb.ndevs == 0 || backend_now_ms() > stop_at))
			break;
	}
	xctl_info(&lg, "stopped");
	blkback_fini(&bb);
	xenio_close(x);
	return 0;
}
