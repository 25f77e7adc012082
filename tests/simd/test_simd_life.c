/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-simd with xctl-xenstored and guest processes (simd-testguest):
 * introduce and release, the guest process's life (start on first unpause,
 * pause, shutdown, kill -9), and what destroy releases. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <xenstore.h>
#include <xen/io/console.h>

#include "common/err.h"
#include "tests/simd/harness.h"

struct fix {
	struct simd_host h;
	struct xs_handle *xs;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	if (!f || th_start(&f->h, true, NULL, NULL) || !(f->xs = xs_open(0))) {
		free(f);
		return -1;
	}
	if (!xs_watch(f->xs, "@introduceDomain", "intro") || !xs_watch(f->xs, "@releaseDomain", "release"))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	xs_close(f->xs);
	th_stop(&f->h);
	free(f);
	return 0;
}

/* Count the watch events with this token that arrive within ms. */
static int events(struct fix *f, const char *token, int ms)
{
	int n = 0;
	struct pollfd p = { xs_fileno(f->xs), POLLIN, 0 };
	while (poll(&p, 1, ms) == 1) {
		unsigned int num;
		char **v = xs_read_watch(f->xs, &num);
		if (!v)
			break;
		n += !strcmp(v[XS_WATCH_TOKEN], token);
		free(v);
		ms = 100;
	}
	return n;
}

static void drain(struct fix *f)
{
	events(f, "", 100);
}

static struct simd_domain_info info(struct fix *f, uint32_t d)
{
	struct simd_domain_info di = { 0 };
	assert_int_equal(simd_domain_info(f->h.s, d, &di), 0);
	return di;
}

struct wait_arg {
	struct fix *f;
	uint32_t d;
};

static bool connected(void *a)
{
	struct wait_arg *w = a;
	struct simd_domain_info di;
	return simd_domain_info(w->f->h.s, w->d, &di) == 0 && di.guest_connected;
}

static char proc_state(pid_t pid)
{
	char p[64], buf[512];
	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	FILE *fp = fopen(p, "r");
	if (!fp)
		return '?';
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	char *e = strrchr(buf, ')');
	return e ? e[2] : '?';
}

struct pid_state {
	pid_t pid;
	char want;
};

static bool in_state(void *a)
{
	struct pid_state *ps = a;
	return proc_state(ps->pid) == ps->want;
}

static bool gone(void *a)
{
	return !th_alive(*(pid_t *)a);
}

/* The console output the guest wrote so far, read through grant ref 0. */
static void console_out(struct fix *f, uint32_t d, char *out, size_t n)
{
	struct simd_grant_map *m;
	uint32_t ref = SIMD_GREF_CONSOLE;
	assert_int_equal(simd_grant_map(f->h.s, d, &ref, 1, true, &m), 0);
	struct xencons_interface *r = m->addr;
	size_t k = 0;
	for (XENCONS_RING_IDX i = r->out_cons; i != r->out_prod && k + 1 < n; i++)
		out[k++] = r->out[MASK_XENCONS_IDX(i, r->out)];
	out[k] = '\0';
	assert_int_equal(simd_grant_unmap(f->h.s, m), 0);
}

static uint32_t start_guest(struct fix *f)
{
	uint32_t d = th_create(&f->h);
	assert_int_not_equal(d, 0);
	assert_int_equal(simd_domain_unpause(f->h.s, d), 0);
	struct wait_arg w = { f, d };
	assert_true(th_wait(connected, &w, 5000));
	return d;
}

static void test_introduce_release(void **state)
{
	struct fix *f = *state;
	drain(f);
	uint32_t d = th_create(&f->h);
	assert_int_equal(events(f, "intro", 2000), 1);
	assert_true(xs_is_domain_introduced(f->xs, d));
	char sock[300];
	snprintf(sock, sizeof(sock), "%s/%s/%u", f->h.dir, SIMD_DOMAIN_SOCKETS, d);
	struct stat st;
	assert_int_equal(stat(sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	/* the guest's own xenstore connection, as its guest would make it */
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	assert_true(strlen(sock) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(simd_domain_destroy(f->h.s, d), 0);
	assert_int_equal(events(f, "release", 2000), 1);
	assert_false(xs_is_domain_introduced(f->xs, d));
	/* its xenstore connection is ended */
	char c;
	struct pollfd p = { fd, POLLIN, 0 };
	assert_int_equal(poll(&p, 1, 2000), 1);
	assert_int_equal(read(fd, &c, 1), 0);
	close(fd);
	assert_int_not_equal(stat(sock, &st), 0);
}

static void test_guest_process(void **state)
{
	struct fix *f = *state;
	uint32_t d = th_create(&f->h);
	assert_int_equal(info(f, d).guest_pid, 0); /* paused: no guest yet */
	uint32_t cport;
	assert_int_equal(simd_evtchn_bind_interdomain(f->h.s, d, info(f, d).console_port, &cport), 0);
	assert_int_equal(simd_domain_unpause(f->h.s, d), 0);
	struct wait_arg w = { f, d };
	assert_true(th_wait(connected, &w, 5000));
	struct simd_domain_info di = info(f, d);
	pid_t pid = di.guest_pid;
	assert_true(pid > 0);
	/* it wrote its console and notified the console port */
	char out[256];
	console_out(f, d, out, sizeof(out));
	assert_string_equal(out, "booting\r\nready\r\n");
	struct pollfd p = { simd_evtchn_fd(f->h.s, cport), POLLIN, 0 };
	assert_int_equal(poll(&p, 1, 2000), 1);
	/* pause stops the process, unpause continues it */
	assert_int_equal(simd_domain_pause(f->h.s, d), 0);
	struct pid_state ps = { pid, 'T' };
	assert_true(th_wait(in_state, &ps, 2000));
	char fl[SIMD_FLAGS_STRLEN];
	di = info(f, d);
	simd_flags_str(di.flags, di.shutdown_reason, fl);
	assert_string_equal(fl, "--p---");
	assert_int_equal(simd_domain_unpause(f->h.s, d), 0);
	ps.want = 'S';
	assert_true(th_wait(in_state, &ps, 2000));
	di = info(f, d);
	simd_flags_str(di.flags, di.shutdown_reason, fl);
	assert_string_equal(fl, "-b----"); /* it sleeps in poll */
	assert_int_equal(di.guest_pid, pid); /* not started again */
	/* destroy ends it before it returns */
	assert_int_equal(simd_domain_destroy(f->h.s, d), 0);
	assert_false(th_alive(pid));
	struct simd_evtchn_status st;
	assert_int_equal(simd_evtchn_status(f->h.s, 0, cport, &st), 0);
	assert_int_equal(st.state, SIMD_EVTCHN_UNBOUND); /* its peer is gone */
	assert_int_equal(simd_evtchn_close(f->h.s, cport), 0);
}

static void test_kill9_guest(void **state)
{
	struct fix *f = *state;
	struct simd_host_info h0;
	assert_int_equal(simd_host_info(f->h.s, &h0), 0);
	int fds0 = th_nfds(f->h.simd);
	uint32_t d = start_guest(f);
	drain(f);
	pid_t pid = info(f, d).guest_pid;
	uint32_t cport;
	assert_int_equal(simd_evtchn_bind_interdomain(f->h.s, d, info(f, d).console_port, &cport), 0);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_true(th_wait(gone, &pid, 3000));
	struct simd_domain_info di;
	assert_int_equal(simd_domain_wait(f->h.s, d, SIMD_DOMF_SHUTDOWN, 3000, &di), 0);
	char fl[SIMD_FLAGS_STRLEN];
	simd_flags_str(di.flags, di.shutdown_reason, fl);
	assert_string_equal(fl, "---sc-");
	assert_int_equal(di.guest_pid, 0);
	/* xenstored heard of it: @releaseDomain, as for a domain newly shut down */
	assert_int_equal(events(f, "release", 2000), 1);
	/* its resources are still there until destroy */
	assert_int_equal(di.nr_ports, 2);
	assert_true(xs_is_domain_introduced(f->xs, d));
	assert_int_equal(simd_domain_destroy(f->h.s, d), 0);
	assert_int_equal(events(f, "release", 2000), 1);
	assert_false(xs_is_domain_introduced(f->xs, d));
	assert_int_equal(simd_domain_info(f->h.s, d, &di), XCTL_ERR_NOTFOUND);
	assert_int_equal(simd_evtchn_close(f->h.s, cport), 0);
	struct simd_host_info h1;
	assert_int_equal(simd_host_info(f->h.s, &h1), 0);
	assert_int_equal(h1.free_kib, h0.free_kib);
	assert_int_equal(h1.nr_domains, h0.nr_domains);
	assert_int_equal(th_wait_nfds(f->h.simd, fds0, 2000), fds0);
}

static void test_guest_shutdown_and_exit(void **state)
{
	struct fix *f = *state;
	th_guest_mode(&f->h, "shutdown reboot");
	uint32_t d = th_create(&f->h);
	assert_int_equal(simd_domain_unpause(f->h.s, d), 0);
	struct simd_domain_info di;
	assert_int_equal(simd_domain_wait(f->h.s, d, SIMD_DOMF_SHUTDOWN, 5000, &di), 0);
	assert_int_equal(di.shutdown_reason, SIMD_SHUTDOWN_REBOOT);
	char fl[SIMD_FLAGS_STRLEN];
	simd_flags_str(di.flags, di.shutdown_reason, fl);
	assert_string_equal(fl, "---sr-");
	/* its vcpus stopped: the process is stopped, not gone */
	struct pid_state ps = { di.guest_pid, 'T' };
	assert_true(th_wait(in_state, &ps, 2000));
	pid_t pid = di.guest_pid;
	assert_int_equal(simd_domain_destroy(f->h.s, d), 0);
	assert_false(th_alive(pid));
	/* suspend, then resume: the process runs again */
	th_guest_mode(&f->h, "shutdown suspend");
	d = th_create(&f->h);
	assert_int_equal(simd_domain_unpause(f->h.s, d), 0);
	assert_int_equal(simd_domain_wait(f->h.s, d, SIMD_DOMF_SHUTDOWN, 5000, &di), 0);
	assert_int_equal(di.shutdown_reason, SIMD_SHUTDOWN_SUSPEND);
	ps.pid = di.guest_pid;
	ps.want = 'T';
	assert_true(th_wait(in_state, &ps, 2000));
	assert_int_equal(simd_domain_resume(f->h.s, d), 0);
	ps.want = 'S';
	assert_true(th_wait(in_state, &ps, 2000));
	di = info(f, d);
	simd_flags_str(di.flags, di.shutdown_reason, fl);
	assert_string_equal(fl, "-b----");
	assert_int_equal(simd_domain_destroy(f->h.s, d), 0);
	th_guest_mode(&f->h, "exit");
	d = th_create(&f->h);
	assert_int_equal(simd_domain_unpause(f->h.s, d), 0);
	assert_int_equal(simd_domain_wait(f->h.s, d, SIMD_DOMF_SHUTDOWN, 5000, &di), 0);
	assert_int_equal(di.shutdown_reason, SIMD_SHUTDOWN_CRASH);
	assert_int_equal(simd_domain_destroy(f->h.s, d), 0);
	th_guest_mode(&f->h, "idle");
}

static void test_destroy_releases_everything(void **state)
{
	struct fix *f = *state;
	struct simd_host_info h0;
	assert_int_equal(simd_host_info(f->h.s, &h0), 0);
	int fds0 = th_nfds(f->h.simd);
	long rss0 = th_rss_kib(f->h.simd);
	for (int round = 0; round < 30; round++) {
		uint32_t d = start_guest(f);
		struct simd *g;
		assert_int_equal(simd_guest_attach(f->h.s, d, &g), 0);
		grant_entry_v1_t *gt;
		assert_int_equal(simd_gnttab_setup(g, 4, &gt, NULL), 0);
		struct simd_page *pg;
		assert_int_equal(simd_page_alloc(g, &pg), 0);
		simd_gnttab_grant(gt, 8, 0, pg->gfn, false);
		uint32_t gp, dp;
		assert_int_equal(simd_evtchn_alloc_unbound(g, SIMD_DOMID_SELF, 0, &gp), 0);
		assert_int_equal(simd_evtchn_bind_interdomain(f->h.s, d, gp, &dp), 0);
		struct simd_grant_map *m;
		uint32_t ref = 8;
		assert_int_equal(simd_grant_map(f->h.s, d, &ref, 1, false, &m), 0);
		assert_int_equal(simd_grant_unmap(f->h.s, m), 0);
		assert_int_equal(simd_domain_destroy(f->h.s, d), 0);
		/* the guest connection is closed by the destroy */
		struct simd_domain_info di;
		assert_int_not_equal(simd_domain_info(g, SIMD_DOMID_SELF, &di), 0);
		simd_close(g);
		assert_int_equal(simd_evtchn_close(f->h.s, dp), 0);
	}
	struct simd_host_info h1;
	assert_int_equal(simd_host_info(f->h.s, &h1), 0);
	assert_int_equal(h1.free_kib, h0.free_kib);
	assert_int_equal(h1.nr_domains, h0.nr_domains);
	assert_int_equal(th_wait_nfds(f->h.simd, fds0, 2000), fds0);
	long rss1 = th_rss_kib(f->h.simd);
	assert_true(rss1 - rss0 < 4096);
	struct simd_domain_info d0 = info(f, 0);
	assert_int_equal(d0.maps_by_it, 0);
	assert_int_equal(d0.nr_ports, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_introduce_release),
		cmocka_unit_test(test_guest_process),
		cmocka_unit_test(test_kill9_guest),
		cmocka_unit_test(test_guest_shutdown_and_exit),
		cmocka_unit_test(test_destroy_releases_everything),
	};
	return cmocka_run_group_tests_name("simd with guests and xenstored", tests, setup, teardown);
}
