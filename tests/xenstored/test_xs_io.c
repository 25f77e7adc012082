/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-xenstored's socket I/O (--io auto|uring|syscalls, sim/xenstored/io.c):
 * which batches go through io_uring, more connections at once than a batch
 * holds, and output queued after a connection's turn in a round. Run in
 * both --io uring and --io syscalls, like the other daemon suites. */
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <xenstore.h>

#include "tests/xenstored/harness.h"

struct ctx {
	struct xsd_daemon dm;
	struct xs_handle *h;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	if (!c || xsd_start(&c->dm, NULL))
		return -1;
	c->h = xs_open(0);
	if (!c->h)
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	xs_close(c->h);
	int rc = xsd_stop(&c->dm);
	xsd_cleanup(&c->dm);
	free(c);
	return rc == 0 ? 0 : -1;
}

/* A number of CONTROL stats ("KEY N"), or -1. */
static long long stat_num(struct xs_handle *h, const char *key)
{
	char *st = xs_control_command(h, "stats", NULL, 0);
	char pat[64];
	snprintf(pat, sizeof(pat), "\n%s ", key);
	char *p = st ? strstr(st, pat) : NULL;
	long long v = p ? strtoll(p + strlen(pat), NULL, 10) : -1;
	free(st);
	return v;
}

/* A number of CONTROL stats on a raw connection (each request one write:
 * libxenstore writes a header and its payload apart, which the daemon may
 * read in two batches), or -1. */
static long long raw_stat(int fd, const char *key)
{
	struct xsd_sockmsg m;
	char body[XENSTORE_PAYLOAD_MAX + 1], pat[64];
	if (xsd_raw_call(fd, XS_CONTROL, 0, "stats", NULL, &m, body) || m.type != XS_CONTROL)
		return -1;
	snprintf(pat, sizeof(pat), "\n%s ", key);
	char *p = strstr(body, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

/* --io uring: every read and every write goes through the ring, even a
 * single socket's; --io syscalls: none does. */
static void test_socket_io(void **state)
{
	struct ctx *c = *state;
	const char *mode = getenv("XCTL_XSD_IO");
	bool ring = mode && !strcmp(mode, "uring");
	char *st = xs_control_command(c->h, "stats", NULL, 0);
	assert_non_null(st);
	assert_non_null(strstr(st, ring ? "\nsocket_io uring\n" : "\nsocket_io syscalls\n"));
	free(st);
	int fd = xsd_raw_connect(c->dm.sock);
	assert_true(fd >= 0);
	long long before = raw_stat(fd, "ring_batches");
	for (int i = 0; i < 5; i++) {
		struct xsd_sockmsg m;
		char body[XENSTORE_PAYLOAD_MAX + 1];
		assert_int_equal(xsd_raw_call(fd, XS_WRITE, 0, "/io", "x", &m, body), 0);
		assert_int_equal(m.type, XS_WRITE);
	}
	long long after = raw_stat(fd, "ring_batches");
	close(fd);
	/* each request its read and its reply's write: the first stats
	 * request's read is counted before it answers, its write after; the
	 * second's read before it answers */
	assert_true(before >= 0);
	assert_int_equal(after - before, ring ? 12 : 0);
}

/* connect() returns once the kernel queued the connection: wait until
 * the daemon has accepted n. */
static void wait_conns(struct xs_handle *h, long long n)
{
	for (int i = 0; i < 5000 && stat_num(h, "connections") < n; i++)
		usleep(1000);
	assert_true(stat_num(h, "connections") >= n);
}

static void wait_stopped(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	for (int i = 0; i < 5000; i++) {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
		if (f)
			fclose(f);
		buf[n] = '\0';
		char *rp = strrchr(buf, ')');
		if (rp && rp[1] == ' ' && rp[2] == 'T')
			return;
		usleep(1000);
	}
	fail_msg("the daemon (pid %ld) did not stop", (long)pid);
}

/* --io auto (the default): one client's requests never go through the
 * ring; four sockets ready at once are read in one batch and written in
 * another. */
static void test_auto_batches(void **state)
{
	struct ctx *c = *state;
	struct xsd_daemon dm;
	const char *extra[] = { "--io", "auto", NULL };
	assert_int_equal(xsd_start(&dm, extra), 0);
	struct xs_handle *h = xs_open(0);
	assert_non_null(h);
	/* (xsd_start's probe connection may have closed while this one sent
	 * its first request: two sockets at once) */
	long long first = stat_num(h, "ring_batches");
	for (int i = 0; i < 20; i++)
		assert_true(xs_write(h, XBT_NULL, "/a", "1", 1));
	assert_int_equal(stat_num(h, "ring_batches"), first);
	int fds[4];
	for (int i = 0; i < 4; i++)
		assert_true((fds[i] = xsd_raw_connect(dm.sock)) >= 0);
	wait_conns(h, 5);
	/* the requests wait while the daemon is stopped: epoll gives all
	 * four sockets at once when it goes on */
	assert_int_equal(kill(dm.pid, SIGSTOP), 0);
	wait_stopped(dm.pid);
	for (int i = 0; i < 4; i++)
		assert_int_equal(xsd_raw_send(fds[i], XS_READ, (uint32_t)i, 0, "/a", 3), 0);
	assert_int_equal(kill(dm.pid, SIGCONT), 0);
	for (int i = 0; i < 4; i++) {
		struct xsd_sockmsg m;
		char body[XENSTORE_PAYLOAD_MAX + 1];
		assert_int_equal(xsd_raw_recv(fds[i], &m, body, 5000), 0);
		assert_int_equal(m.type, XS_READ);
		assert_int_equal(m.req_id, (uint32_t)i);
		assert_string_equal(body, "1");
	}
	assert_int_equal(stat_num(h, "ring_batches"), first + 2);
	for (int i = 0; i < 4; i++)
		close(fds[i]);
	xs_close(h);
	assert_int_equal(xsd_stop(&dm), 0);
	xsd_cleanup(&dm);
	setenv("XENSTORED_PATH", c->dm.sock, 1);
}

/* More connections with requests at once than a batch holds (64): each
 * gets its reply, the ones beyond the first batch too. */
static void test_more_than_a_batch(void **state)
{
	struct ctx *c = *state;
	enum { N = 70 };
	int fds[N];
	assert_true(xs_write(c->h, XBT_NULL, "/many", "v", 1));
	for (int i = 0; i < N; i++)
		assert_true((fds[i] = xsd_raw_connect(c->dm.sock)) >= 0);
	wait_conns(c->h, N + 1);
	assert_int_equal(kill(c->dm.pid, SIGSTOP), 0);
	wait_stopped(c->dm.pid);
	for (int i = 0; i < N; i++)
		assert_int_equal(xsd_raw_send(fds[i], XS_READ, (uint32_t)(100 + i), 0, "/many", 6), 0);
	assert_int_equal(kill(c->dm.pid, SIGCONT), 0);
	for (int i = 0; i < N; i++) {
		struct xsd_sockmsg m;
		char body[XENSTORE_PAYLOAD_MAX + 1];
		assert_int_equal(xsd_raw_recv(fds[i], &m, body, 5000), 0);
		assert_int_equal(m.type, XS_READ);
		assert_int_equal(m.req_id, (uint32_t)(100 + i));
		assert_string_equal(body, "v");
	}
	for (int i = 0; i < N; i++)
		close(fds[i]);
	char *v = xs_read(c->h, XBT_NULL, "/many", NULL);
	assert_non_null(v); /* still served */
	free(v);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Events that a connection's leftover requests (beyond a round's budget of
 * 64) fire for a watcher already passed in that round go out in the next
 * round at once, not after the loop's idle timeout (1 s by default). */
static void test_events_after_their_turn(void **state)
{
	struct ctx *c = *state;
	struct xsd_daemon dm;
	assert_int_equal(xsd_start(&dm, NULL), 0);
	/* more than two rounds' budget (128), and all in the daemon's input
	 * buffer at once (4,112 bytes: 150 requests of about 25 bytes) */
	enum { N = 150 };
	/* the writer first: the newer watcher comes before it in each round */
	int a = xsd_raw_connect(dm.sock), b = xsd_raw_connect(dm.sock);
	assert_true(a >= 0 && b >= 0);
	struct xsd_sockmsg m;
	char body[XENSTORE_PAYLOAD_MAX + 1];
	assert_int_equal(xsd_raw_call(a, XS_MKDIR, 0, "/w", NULL, &m, body), 0);
	assert_int_equal(xsd_raw_call(b, XS_WATCH, 0, "/w", "t", &m, body), 0);
	assert_int_equal(xsd_raw_recv(b, &m, body, 5000), 0); /* the first event */
	assert_int_equal(m.type, XS_WATCH_EVENT);
	static char reqs[N * 64];
	size_t len = 0;
	for (int i = 0; i < N; i++) {
		char pl[32];
		int n = snprintf(pl, sizeof(pl), "/w/n%d", i) + 1;
		memcpy(pl + n, "v", 1);
		struct xsd_sockmsg h = { XS_WRITE, (uint32_t)i, 0, (uint32_t)n + 1 };
		memcpy(reqs + len, &h, sizeof(h));
		memcpy(reqs + len + sizeof(h), pl, (size_t)n + 1);
		len += sizeof(h) + (size_t)n + 1;
	}
	assert_true(len <= sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX);
	assert_int_equal(write(a, reqs, len), (ssize_t)len);
	for (int i = 0; i < N; i++) {
		assert_int_equal(xsd_raw_recv(a, &m, body, 5000), 0);
		assert_int_equal(m.type, XS_WRITE);
	}
	double t0 = now_ms();
	for (int i = 0; i < N; i++) {
		assert_int_equal(xsd_raw_recv(b, &m, body, 5000), 0);
		assert_int_equal(m.type, XS_WATCH_EVENT);
	}
	double waited = now_ms() - t0;
	printf("events after the writer's last reply: %.1f ms\n", waited);
	assert_true(waited < 500);
	close(a);
	close(b);
	assert_int_equal(xsd_stop(&dm), 0);
	xsd_cleanup(&dm);
	setenv("XENSTORED_PATH", c->dm.sock, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket_io),
		cmocka_unit_test(test_auto_batches),
		cmocka_unit_test(test_more_than_a_batch),
		cmocka_unit_test(test_events_after_their_turn),
	};
	return XSD_RUN_IO_MODES("socket I/O", tests, setup, teardown);
}
