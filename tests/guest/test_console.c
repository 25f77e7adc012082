/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-consoled with the simulated guest: the boot lines land in the
 * domain's log, a line typed into the console's pty reaches the guest (its
 * shell answers), and a guest with garbage ring indices does not stop the
 * daemon from serving it (or others) afterwards. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <xenstore.h>

#include "common/err.h"
#include "common/util.h"
#include "sim/console/attach.h"
#include "sim/console/consoled.h"
#include "sim/console/consring.h"
#include "sim/simd/simd.h"
#include "tests/guest/host.h"
#include "xenstore-schema/xs_paths.h"

#define T_MS 20000

static struct testhost host;

static int group_setup(void **state)
{
	(void)state;
	return testhost_start(&host, true);
}

static int group_teardown(void **state)
{
	(void)state;
	testhost_stop(&host);
	return 0;
}

struct logwait {
	uint32_t domid;
	const char *want;
};

static bool log_has(void *arg)
{
	struct logwait *w = arg;
	char p[512];
	consoled_log_path(host.dir, w->domid, p, sizeof(p));
	char *data = NULL;
	size_t len = 0;
	if (xctl_read_file(p, 1 << 22, &data, &len))
		return false;
	bool found = strstr(data, w->want) != NULL;
	free(data);
	return found;
}

static void assert_log(uint32_t domid, const char *want)
{
	struct logwait w = { domid, want };
	if (testhost_wait(log_has, &w, T_MS, NULL, NULL)) {
		char p[512];
		consoled_log_path(host.dir, domid, p, sizeof(p));
		fail_msg("%s never showed '%s'", p, want);
	}
}

/* Read from fd until want shows up (or the time is up). */
/* A new domain, unpaused, its guest's "ready" in the console log. */
static uint32_t running_domain(const char *name)
{
	uint32_t domid = testhost_domain(&host, name);
	assert_true(domid > 0);
	assert_int_equal(simd_domain_unpause(host.s, domid), 0);
	assert_log(domid, "ready");
	return domid;
}

static bool read_until(int fd, const char *want, int ms)
{
	char buf[8192];
	size_t len = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 50) > 0) {
			ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
			if (n > 0) {
				len += (size_t)n;
				buf[len] = '\0';
				if (strstr(buf, want))
					return true;
				if (len > sizeof(buf) / 2) {
					memmove(buf, buf + len / 2, len - len / 2);
					len -= len / 2;
				}
			}
		}
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > ms)
			return false;
	}
}

static void test_boot_lines_in_log(void **state)
{
	(void)state;
	uint32_t domid = testhost_domain(&host, "cons-boot");
	assert_true(domid > 0);
	assert_int_equal(simd_domain_unpause(host.s, domid), 0);
	char want[64];
	snprintf(want, sizeof(want), "xctl-guest: booting domain %u", domid);
	assert_log(domid, want);
	assert_log(domid, "ready (0 of 0 device(s) connected)");
	/* the daemon published the pty */
	char p[256], tty[128];
	snprintf(p, sizeof(p), XS_FMT_CONSOLE_FE_TTY, domid);
	assert_int_equal(testhost_read(&host, p, tty, sizeof(tty)), 0);
	assert_true(!strncmp(tty, "/dev/pts/", 9));
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
}

/* A console daemon started while domains run serves their consoles (it
 * lists the domains once at start); one started later comes by its event. */
static void test_restart_serves_running(void **state)
{
	(void)state;
	uint32_t a = testhost_domain(&host, "cons-before");
	assert_true(a > 0);
	assert_int_equal(simd_domain_unpause(host.s, a), 0);
	char want[64];
	snprintf(want, sizeof(want), "xctl-guest: booting domain %u", a);
	assert_log(a, want);
	testhost_stop_consoled(&host);
	char p[256], tty[128] = "";
	snprintf(p, sizeof(p), XS_FMT_CONSOLE_FE_TTY, a);
	assert_int_equal(testhost_write(&host, p, ""), 0);
	assert_int_equal(testhost_start_consoled(&host), 0);
	for (int i = 0; i < T_MS / 20 && strncmp(tty, "/dev/pts/", 9); i++) {
		usleep(20000);
		testhost_read(&host, p, tty, sizeof(tty));
	}
	assert_true(!strncmp(tty, "/dev/pts/", 9));
	uint32_t b = testhost_domain(&host, "cons-after");
	assert_true(b > 0);
	snprintf(p, sizeof(p), XS_FMT_CONSOLE_FE_TTY, b);
	tty[0] = '\0';
	for (int i = 0; i < T_MS / 20 && strncmp(tty, "/dev/pts/", 9); i++) {
		usleep(20000);
		testhost_read(&host, p, tty, sizeof(tty));
	}
	assert_true(!strncmp(tty, "/dev/pts/", 9));
	assert_int_equal(simd_domain_destroy(host.s, a), 0);
	assert_int_equal(simd_domain_destroy(host.s, b), 0);
}

static void test_attach_sends_a_line(void **state)
{
	(void)state;
	uint32_t domid = running_domain("cons-attach");
	char p[256], tty[128];
	snprintf(p, sizeof(p), XS_FMT_CONSOLE_FE_TTY, domid);
	/* written before the daemon logged the first byte */
	assert_int_equal(testhost_read(&host, p, tty, sizeof(tty)), 0);
	assert_true(tty[0] == '/');
	int fd = open(tty, O_RDWR | O_NOCTTY);
	assert_true(fd >= 0);
	const char line[] = "echo hello from the attach\r";
	assert_int_equal(write(fd, line, sizeof(line) - 1), (ssize_t)sizeof(line) - 1);
	/* The guest echoes the characters and its shell runs the command: the
	 * answer is a timestamped console line. */
	assert_true(read_until(fd, "] hello from the attach", T_MS));
	assert_log(domid, "] hello from the attach");
	assert_log(domid, "# echo hello from the attach"); /* the typed characters, echoed */
	const char help[] = "help\r";
	assert_int_equal(write(fd, help, sizeof(help) - 1), (ssize_t)sizeof(help) - 1);
	assert_true(read_until(fd, "commands: echo TEXT", T_MS));
	const char bad[] = "frobnicate\r";
	assert_int_equal(write(fd, bad, sizeof(bad) - 1), (ssize_t)sizeof(bad) - 1);
	assert_true(read_until(fd, "sh: frobnicate: command not found", T_MS));
	const char cmd[] = "uname\r";
	assert_int_equal(write(fd, cmd, sizeof(cmd) - 1), (ssize_t)sizeof(cmd) - 1);
	char want[64];
	snprintf(want, sizeof(want), "xctl-guest: domain %u, 2 vcpu(s)", domid);
	assert_true(read_until(fd, want, T_MS));
	/* not shut down by any of that */
	struct simd_domain_info info;
	assert_int_equal(simd_domain_info(host.s, domid, &info), 0);
	assert_false(info.flags & SIMD_DOMF_SHUTDOWN);
	/* the shell's reboot is the guest's own reboot */
	const char reboot[] = "reboot\r";
	assert_int_equal(write(fd, reboot, sizeof(reboot) - 1), (ssize_t)sizeof(reboot) - 1);
	assert_int_equal(simd_domain_wait(host.s, domid, SIMD_DOMF_SHUTDOWN, T_MS, &info), 0);
	assert_int_equal(info.shutdown_reason, SIMD_SHUTDOWN_REBOOT);
	close(fd);
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
}

/* A guest (here the test, through a guest connection of a paused domain)
 * that puts its out producer far ahead: the daemon drops that, keeps
 * serving, and logs what comes after. */
static void test_hostile_ring_indices(void **state)
{
	(void)state;
	uint32_t domid = testhost_domain(&host, "cons-hostile");
	assert_true(domid > 0);
	struct simd *g = NULL;
	assert_int_equal(simd_guest_attach(host.s, domid, &g), 0);
	struct simd_console c;
	assert_int_equal(simd_guest_console(g, &c), 0);
	struct xencons_interface *intf = c.ring;
	assert_int_equal(xencons_out_put(intf, "first line\r\n", 12), 12);
	assert_int_equal(simd_evtchn_notify(g, c.port), 0);
	assert_log(domid, "first line");
	__atomic_store_n(&intf->out_prod, intf->out_cons + 100000, __ATOMIC_RELEASE);
	assert_int_equal(simd_evtchn_notify(g, c.port), 0);
	/* wait for the daemon to resynchronise (out_cons = out_prod) */
	for (int i = 0; i < 2000 && __atomic_load_n(&intf->out_cons, __ATOMIC_ACQUIRE) != intf->out_prod; i++)
		usleep(5000);
	assert_int_equal(intf->out_cons, intf->out_prod);
	assert_int_equal(xencons_out_put(intf, "after the garbage\r\n", 19), 19);
	assert_int_equal(simd_evtchn_notify(g, c.port), 0);
	assert_log(domid, "after the garbage");
	simd_close(g);
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
}

/* The domain's console pty, from its console/tty node, opened. */
static int open_tty(uint32_t domid)
{
	char p[256], tty[128];
	snprintf(p, sizeof(p), XS_FMT_CONSOLE_FE_TTY, domid);
	assert_int_equal(testhost_read(&host, p, tty, sizeof(tty)), 0);
	int fd = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

static int gone_calls;
static bool gone_after_two(void *ctx)
{
	(void)ctx;
	return ++gone_calls >= 2;
}

/* Relay in a child, over pipes: in[1] is the user's keyboard, out[0] the
 * screen. */
static pid_t relay_child(uint32_t domid, int in[2], int out[2], bool (*gone)(void *))
{
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(in[1]);
		close(out[0]);
		int fd = open_tty(domid);
		_exit(xctl_console_relay(fd, in[0], out[1], gone, NULL) == 0 ? 0 : 1);
	}
	close(in[0]);
	close(out[1]);
	return pid;
}

static void relay_ends(pid_t pid)
{
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* xctl_console_relay (what `xctl console` runs): a line typed on its input
 * reaches the guest, the answer comes out on its output, the escape
 * character detaches; at the end of input what the guest answers still
 * comes out; it ends when the domain is said to be gone. */
static void test_attach_client(void **state)
{
	(void)state;
	uint32_t domid = running_domain("cons-client");
	int in[2], out[2];
	pid_t pid = relay_child(domid, in, out, NULL);
	const char line[] = "echo typed through the client\r";
	assert_int_equal(write(in[1], line, sizeof(line) - 1), (ssize_t)sizeof(line) - 1);
	assert_true(read_until(out[0], "] typed through the client", T_MS));
	/* inside a longer read it is input; alone it detaches */
	const char pasted[] = "echo pasted\x1d\r";
	assert_int_equal(write(in[1], pasted, sizeof(pasted) - 1), (ssize_t)sizeof(pasted) - 1);
	assert_true(read_until(out[0], "] pasted", T_MS));
	char esc = XCTL_CONSOLE_ESCAPE;
	assert_int_equal(write(in[1], &esc, 1), 1);
	relay_ends(pid);
	close(in[1]);
	close(out[0]);

	/* a command, then the end of input: its answer comes out, then the
	 * relay ends by itself */
	pid = relay_child(domid, in, out, NULL);
	const char last[] = "echo the last words\r";
	assert_int_equal(write(in[1], last, sizeof(last) - 1), (ssize_t)sizeof(last) - 1);
	close(in[1]);
	assert_true(read_until(out[0], "] the last words", T_MS));
	relay_ends(pid);
	close(out[0]);

	/* on a terminal: raw while attached, as it was after */
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(m >= 0);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	int sl = open(ptsname(m), O_RDWR | O_NOCTTY);
	assert_true(sl >= 0);
	struct termios before, during, after;
	assert_int_equal(tcgetattr(sl, &before), 0);
	assert_true(before.c_lflag & ICANON);
	assert_int_equal(pipe(out), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(out[0]);
		int fd = open_tty(domid);
		_exit(xctl_console_relay(fd, sl, out[1], NULL, NULL) == 0 ? 0 : 1);
	}
	close(out[1]);
	const char term_line[] = "echo from a terminal\r";
	assert_int_equal(write(m, term_line, sizeof(term_line) - 1), (ssize_t)sizeof(term_line) - 1);
	assert_true(read_until(out[0], "] from a terminal", T_MS));
	assert_int_equal(tcgetattr(sl, &during), 0);
	assert_false(during.c_lflag & (ICANON | ECHO));
	assert_int_equal(write(m, &esc, 1), 1);
	relay_ends(pid);
	assert_int_equal(tcgetattr(sl, &after), 0);
	assert_int_equal(after.c_lflag, before.c_lflag);
	close(out[0]);
	close(sl);
	close(m);

	/* input open, nothing typed: it ends once the domain is gone */
	gone_calls = 0;
	pid = relay_child(domid, in, out, gone_after_two);
	relay_ends(pid);
	close(in[1]);
	close(out[0]);
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
}

static void say(uint32_t domid, const char *line)
{
	int fd = open_tty(domid);
	assert_int_equal(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	close(fd);
}

/* Two domains at once: a new domain does not disturb the first's console. */
static void test_two_consoles(void **state)
{
	(void)state;
	struct simd_domain_info d0a, d0b;
	assert_int_equal(simd_domain_info(host.s, 0, &d0a), 0);
	uint32_t a = running_domain("cons-a");
	uint32_t b = running_domain("cons-b");
	say(a, "echo a is still served\r");
	say(b, "echo so is b\r");
	assert_log(a, "] a is still served");
	assert_log(b, "] so is b");
	assert_int_equal(simd_domain_destroy(host.s, b), 0);
	say(a, "echo after b went\r");
	assert_log(a, "] after b went");
	assert_int_equal(simd_domain_destroy(host.s, a), 0);
	/* the daemon closed the ports it bound for both consoles: dom0 holds no
	 * more ports than before (fewer when the console of an earlier test's
	 * domain was still being closed when d0a was read) */
	for (int i = 0; i < 400; i++) {
		assert_int_equal(simd_domain_info(host.s, 0, &d0b), 0);
		if (d0b.nr_ports <= d0a.nr_ports)
			break;
		usleep(5000);
	}
	assert_true(d0b.nr_ports <= d0a.nr_ports);
}

/* Output the guest put in the ring without a notification is still logged
 * when its domain is destroyed (the daemon drains a console it closes). */
static void test_last_words_logged(void **state)
{
	(void)state;
	uint32_t domid = testhost_domain(&host, "cons-last");
	assert_true(domid > 0);
	struct simd *g = NULL;
	assert_int_equal(simd_guest_attach(host.s, domid, &g), 0);
	struct simd_console c;
	assert_int_equal(simd_guest_console(g, &c), 0);
	assert_int_equal(xencons_out_put(c.ring, "hello\r\n", 7), 7);
	assert_int_equal(simd_evtchn_notify(g, c.port), 0);
	assert_log(domid, "hello");
	assert_int_equal(xencons_out_put(c.ring, "last words\r\n", 12), 12);
	simd_close(g);
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
	assert_log(domid, "last words");
}

/* Write all of buf into the out ring, waiting for the daemon as a guest does. */
static void put_all(struct simd *g, struct simd_console *c, const char *buf, size_t len)
{
	size_t off = 0;
	for (int tries = 0; off < len; tries++) {
		assert_true(tries < 4000);
		int n = xencons_out_put(c->ring, buf + off, len - off);
		assert_true(n >= 0);
		off += (size_t)n;
		if (off < len) {
			simd_evtchn_notify(g, c->port);
			usleep(500);
		}
	}
}

/* Past --log-max the log rotates to .1 and starts again. */
static void test_log_rotates(void **state)
{
	(void)state;
	uint32_t domid = testhost_domain(&host, "cons-rotate");
	assert_true(domid > 0);
	struct simd *g = NULL;
	assert_int_equal(simd_guest_attach(host.s, domid, &g), 0);
	struct simd_console c;
	assert_int_equal(simd_guest_console(g, &c), 0);
	char line[100];
	memset(line, 'x', sizeof(line));
	line[98] = '\r';
	line[99] = '\n';
	/* 100 KiB through the 2 KiB ring, waiting for the daemon as a guest does */
	for (int i = 0; i < 1024; i++)
		put_all(g, &c, line, sizeof(line));
	put_all(g, &c, "the end\r\n", 9);
	simd_evtchn_notify(g, c.port);
	assert_log(domid, "the end");
	char p[512], old[520];
	consoled_log_path(host.dir, domid, p, sizeof(p));
	snprintf(old, sizeof(old), "%s.1", p);
	struct stat st_new, st_old;
	assert_int_equal(stat(p, &st_new), 0);
	assert_int_equal(stat(old, &st_old), 0);
	assert_true(st_old.st_size <= 65536);
	assert_true(st_new.st_size <= 65536);
	assert_true(st_old.st_size + st_new.st_size >= 1024 * 100);
	simd_close(g);
	assert_int_equal(simd_domain_destroy(host.s, domid), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_lines_in_log),
		cmocka_unit_test(test_restart_serves_running),
		cmocka_unit_test(test_attach_sends_a_line),
		cmocka_unit_test(test_hostile_ring_indices),
		cmocka_unit_test(test_attach_client),
		cmocka_unit_test(test_two_consoles),
		cmocka_unit_test(test_last_words_logged),
		cmocka_unit_test(test_log_rotates),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
