/* SPDX-License-Identifier: LGPL-2.1-only */
#include "sim/console/attach.h"

#include <errno.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include "common/err.h"
#include "common/util.h"

#define QUIET_MS 200      /* poll timeout: then ask whether the domain went */
#define DRAIN_MS 500      /* after the end of input: output still relayed */

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return XCTL_ERR_IO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int xctl_console_relay(int fd, int in_fd, int out_fd, bool (*gone)(void *ctx), void *ctx)
{
	struct termios raw, saved;
	if (!tcgetattr(fd, &raw)) {
		cfmakeraw(&raw);
		tcsetattr(fd, TCSANOW, &raw);
	}
	bool term = isatty(in_fd) && !tcgetattr(in_fd, &saved);
	if (term) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(in_fd, TCSANOW, &raw);
	}
	bool in_open = true;
	long quiet_since = 0;
	int rc = 0;
	char buf[4096];
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = in_fd, .events = POLLIN } };
		int pr = poll(p, in_open ? 2 : 1, QUIET_MS);
		if (pr < 0 && errno != EINTR) {
			rc = XCTL_ERR_IO;
			break;
		}
		if (pr > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t n = read(fd, buf, sizeof(buf));
			if (n <= 0)
				break; /* the daemon closed it: the domain is gone */
			if ((rc = write_all(out_fd, buf, (size_t)n)))
				break;
			quiet_since = xctl_mono_ms();
		}
		if (in_open && pr > 0 && (p[1].revents & (POLLIN | POLLHUP))) {
			ssize_t n = read(in_fd, buf, sizeof(buf));
			if (n <= 0) {
				in_open = false; /* print what comes in answer, then stop */
				quiet_since = xctl_mono_ms();
			} else {
				/* the escape character alone, as xenconsole takes it:
				 * inside pasted input it is input */
				if (n == 1 && buf[0] == XCTL_CONSOLE_ESCAPE)
					break;
				if ((rc = write_all(fd, buf, (size_t)n)))
					break;
			}
		}
		if (!in_open && xctl_mono_ms() - quiet_since > DRAIN_MS)
			break;
		if (pr == 0 && gone && gone(ctx))
			break;
	}
	if (term)
		tcsetattr(in_fd, TCSANOW, &saved);
	return rc;
}
