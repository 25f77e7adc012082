/* SPDX-License-Identifier: LGPL-2.1-only */
#include "sim/console/attach.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "common/err.h"
#include "xenstore-schema/xs_paths.h"

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

static char *read_tty(struct xs_handle *xs, uint32_t domid, int wait_ms)
{
	char p[64];
	snprintf(p, sizeof(p), XS_FMT_CONSOLE_FE_TTY, domid);
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		unsigned len = 0;
		char *v = xs_read(xs, XBT_NULL, p, &len);
		if (v && len)
			return v;
		free(v);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >= wait_ms)
			return NULL;
		usleep(20000);
	}
}

int xctl_console_attach(struct xs_handle *xs, uint32_t domid, int in_fd, int out_fd, int wait_ms)
{
	int rc = 0;
	char *tty = read_tty(xs, domid, wait_ms);
	if (!tty)
		return XCTL_ERR_NOTFOUND;
	int fd = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	free(tty);
	if (fd < 0)
		return XCTL_ERR_IO;
	struct termios saved, raw;
	bool restore = isatty(in_fd) && tcgetattr(in_fd, &saved) == 0;
	if (restore) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(in_fd, TCSANOW, &raw);
	}
	char buf[4096];
	for (;;) {
		struct pollfd p[2] = { { in_fd, POLLIN, 0 }, { fd, POLLIN, 0 } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = XCTL_ERR_IO;
			goto out;
		}
		if (p[1].revents & POLLIN) {
			ssize_t n = read(fd, buf, sizeof(buf));
			if (n > 0 && (rc = write_all(out_fd, buf, (size_t)n)))
				goto out;
		}
		if (p[0].revents & (POLLIN | POLLHUP)) {
			ssize_t n = read(in_fd, buf, sizeof(buf));
			if (n <= 0)
				goto out; /* end of input */
			char *esc = memchr(buf, XCTL_CONSOLE_ESCAPE, (size_t)n);
			size_t len = esc ? (size_t)(esc - buf) : (size_t)n;
			if (len && (rc = write_all(fd, buf, len)))
				goto out;
			if (esc)
				goto out;
		}
	}
out:
	if (restore)
		tcsetattr(in_fd, TCSANOW, &saved);
	close(fd);
	return rc;
}
