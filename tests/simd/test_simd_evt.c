/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-simd: event channels between dom0 and guest connections. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/err.h"
#include "tests/simd/harness.h"

static int setup(void **state)
{
	struct simd_host *h = calloc(1, sizeof(*h));
	if (!h || th_start(h, false, "none", NULL)) {
		free(h);
		return -1;
	}
	*state = h;
	return 0;
}

static int teardown(void **state)
{
	struct simd_host *h = *state;
	th_stop(h);
	free(h);
	return 0;
}

static bool readable(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	return poll(&p, 1, ms) == 1;
}

static void test_unbound_bind_notify(void **state)
{
	struct simd_host *h = *state;
	uint32_t d = th_create(h);
	struct simd *g;
	assert_int_equal(simd_guest_attach(h->s, d, &g), 0);
	/* the guest offers a port to dom0: its ports 1 and 2 are the builder's */
	uint32_t gp;
	assert_int_equal(simd_evtchn_alloc_unbound(g, SIMD_DOMID_SELF, 0, &gp), 0);
	assert_int_equal(gp, 3);
	struct simd_evtchn_status st;
	assert_int_equal(simd_evtchn_status(h->s, d, gp, &st), 0);
	assert_int_equal(st.state, SIMD_EVTCHN_UNBOUND);
	assert_int_equal(st.remote_dom, 0);
	/* a notification before the bind is kept */
	assert_int_equal(simd_evtchn_notify(g, gp), 0);
	uint32_t dp;
	assert_int_equal(simd_evtchn_bind_interdomain(h->s, d, gp, &dp), 0);
	assert_true(dp >= 1);
	assert_int_equal(simd_evtchn_status(h->s, d, gp, &st), 0);
	assert_int_equal(st.state, SIMD_EVTCHN_INTERDOMAIN);
	assert_int_equal(st.remote_dom, 0);
	assert_int_equal(st.remote_port, dp);
	assert_int_equal(simd_evtchn_status(h->s, 0, dp, &st), 0);
	assert_int_equal(st.remote_dom, d);
	assert_int_equal(st.remote_port, gp);
	int fd = simd_evtchn_fd(h->s, dp);
	assert_true(fd >= 0);
	assert_true(readable(fd, 1000));
	assert_int_equal(simd_evtchn_consume(h->s, dp), 1);
	assert_int_equal(simd_evtchn_consume(h->s, dp), 0);
	assert_false(readable(fd, 0));
	/* both ways */
	assert_int_equal(simd_evtchn_notify(h->s, dp), 0);
	assert_true(readable(simd_evtchn_fd(g, gp), 1000));
	assert_int_equal(simd_evtchn_consume(g, gp), 1);
	assert_int_equal(simd_evtchn_notify(g, gp), 0);
	assert_true(readable(fd, 1000));
	assert_int_equal(simd_evtchn_consume(h->s, dp), 1);
	/* a second bind to the same port fails: it is no longer unbound */
	uint32_t again;
	assert_int_equal(simd_evtchn_bind_interdomain(h->s, d, gp, &again), XCTL_ERR_INVAL);
	simd_close(g);
	simd_domain_destroy(h->s, d);
}

static void test_mask_and_pending(void **state)
{
	struct simd_host *h = *state;
	uint32_t d = th_create(h);
	struct simd *g;
	assert_int_equal(simd_guest_attach(h->s, d, &g), 0);
	uint32_t p1, p2, b1, b2;
	assert_int_equal(simd_evtchn_alloc_unbound(h->s, SIMD_DOMID_SELF, d, &p1), 0);
	assert_int_equal(simd_evtchn_alloc_unbound(h->s, SIMD_DOMID_SELF, d, &p2), 0);
	assert_int_equal(simd_evtchn_bind_interdomain(g, 0, p1, &b1), 0);
	assert_int_equal(simd_evtchn_bind_interdomain(g, 0, p2, &b2), 0);
	assert_int_equal(b2, b1 + 1);
	int ep = simd_evtchn_epoll_fd(h->s);
	assert_true(ep >= 0);
	/* the binds set the dom0 side pending? no: the binder's side */
	uint32_t port;
	assert_int_equal(simd_evtchn_pending(g, &port), 0);
	assert_true(port == b1 || port == b2);
	assert_int_equal(simd_evtchn_pending(g, &port), 0);
	assert_true(port == b1 || port == b2);
	assert_int_equal(simd_evtchn_pending(g, &port), 0);
	assert_int_equal(port, 0);
	assert_int_equal(simd_evtchn_pending(h->s, &port), 0);
	assert_int_equal(port, 0);
	assert_int_equal(simd_evtchn_notify(g, b2), 0);
	assert_true(readable(ep, 1000));
	assert_int_equal(simd_evtchn_pending(h->s, &port), 0);
	assert_int_equal(port, p2);
	/* masked: the event waits */
	assert_int_equal(simd_evtchn_mask(h->s, p1), 0);
	assert_int_equal(simd_evtchn_notify(g, b1), 0);
	assert_false(readable(ep, 50));
	assert_int_equal(simd_evtchn_pending(h->s, &port), 0);
	assert_int_equal(port, 0);
	assert_int_equal(simd_evtchn_consume(h->s, p1), 0);
	assert_int_equal(simd_evtchn_unmask(h->s, p1), 0);
	assert_true(readable(ep, 1000));
	assert_int_equal(simd_evtchn_pending(h->s, &port), 0);
	assert_int_equal(port, p1);
	assert_int_equal(simd_evtchn_mask(h->s, 999), XCTL_ERR_NOTFOUND);
	assert_int_equal(simd_evtchn_notify(h->s, 999), XCTL_ERR_NOTFOUND);
	simd_close(g);
	simd_domain_destroy(h->s, d);
}

static void test_close_unbinds_peer(void **state)
{
	struct simd_host *h = *state;
	uint32_t d = th_create(h);
	struct simd *g;
	assert_int_equal(simd_guest_attach(h->s, d, &g), 0);
	uint32_t gp, dp;
	assert_int_equal(simd_evtchn_alloc_unbound(g, SIMD_DOMID_SELF, 0, &gp), 0);
	assert_int_equal(simd_evtchn_bind_interdomain(h->s, d, gp, &dp), 0);
	assert_int_equal(simd_evtchn_close(h->s, dp), 0);
	struct simd_evtchn_status st;
	assert_int_equal(simd_evtchn_status(h->s, d, gp, &st), 0);
	assert_int_equal(st.state, SIMD_EVTCHN_UNBOUND);
	assert_int_equal(st.remote_dom, 0);
	assert_int_equal(simd_evtchn_status(h->s, 0, dp, &st), 0);
	assert_int_equal(st.state, SIMD_EVTCHN_CLOSED);
	assert_int_equal(simd_evtchn_fd(h->s, dp), -1);
	assert_int_equal(simd_evtchn_notify(h->s, dp), XCTL_ERR_NOTFOUND);
	/* bindable again; the closed port number is reused first */
	uint32_t dp2;
	assert_int_equal(simd_evtchn_bind_interdomain(h->s, d, gp, &dp2), 0);
	assert_int_equal(dp2, dp);
	assert_int_equal(simd_evtchn_close(h->s, dp2), 0);
	assert_int_equal(simd_evtchn_close(h->s, dp2), XCTL_ERR_NOTFOUND);
	simd_close(g);
	simd_domain_destroy(h->s, d);
}

static void test_rules(void **state)
{
	struct simd_host *h = *state;
	uint32_t a = th_create(h), b = th_create(h);
	struct simd *ga, *gb;
	assert_int_equal(simd_guest_attach(h->s, a, &ga), 0);
	assert_int_equal(simd_guest_attach(h->s, b, &gb), 0);
	uint32_t p;
	/* a guest allocates only its own ports */
	assert_int_equal(simd_evtchn_alloc_unbound(ga, b, 0, &p), XCTL_ERR_PERM);
	assert_int_equal(simd_evtchn_status(ga, b, 1, &(struct simd_evtchn_status){ 0 }), XCTL_ERR_PERM);
	/* a port offered to dom0 cannot be bound by another guest */
	uint32_t ap;
	assert_int_equal(simd_evtchn_alloc_unbound(ga, SIMD_DOMID_SELF, 0, &ap), 0);
	assert_int_equal(simd_evtchn_bind_interdomain(gb, a, ap, &p), XCTL_ERR_INVAL);
	/* the builder's console port belongs to the guest, offered to dom0 */
	struct simd_domain_info di;
	assert_int_equal(simd_domain_info(h->s, a, &di), 0);
	assert_int_equal(simd_evtchn_bind_interdomain(gb, a, di.console_port, &p), XCTL_ERR_INVAL);
	assert_int_equal(simd_evtchn_open(gb, di.console_port), 0); /* gb's own port 2 */
	assert_int_equal(simd_evtchn_open(ga, di.console_port), 0);
	uint32_t cp;
	assert_int_equal(simd_evtchn_bind_interdomain(h->s, a, di.console_port, &cp), 0);
	assert_int_equal(simd_evtchn_notify(ga, di.console_port), 0);
	assert_true(readable(simd_evtchn_fd(h->s, cp), 1000));
	/* dom0 cannot open a guest's port as its own */
	assert_int_equal(simd_evtchn_open(h->s, 200), XCTL_ERR_NOTFOUND);
	/* guest to guest */
	uint32_t bp, abp;
	assert_int_equal(simd_evtchn_alloc_unbound(gb, SIMD_DOMID_SELF, a, &bp), 0);
	assert_int_equal(simd_evtchn_bind_interdomain(ga, b, bp, &abp), 0);
	assert_int_equal(simd_evtchn_notify(ga, abp), 0);
	assert_true(readable(simd_evtchn_fd(gb, bp), 1000));
	simd_close(ga);
	simd_close(gb);
	simd_domain_destroy(h->s, a);
	simd_domain_destroy(h->s, b);
}

static void test_port_limit(void **state)
{
	struct simd_host *h = *state;
	struct simd_domain_config c = th_config();
	c.max_evtchn_port = 16;
	uint32_t d;
	assert_int_equal(simd_domain_create(h->s, &c, &d), 0);
	struct simd *g;
	assert_int_equal(simd_guest_attach(h->s, d, &g), 0);
	uint32_t p, last = 0;
	for (int i = 3; i <= 16; i++) {
		assert_int_equal(simd_evtchn_alloc_unbound(g, SIMD_DOMID_SELF, 0, &p), 0);
		assert_int_equal(p, i);
		last = p;
	}
	assert_int_equal(last, 16);
	assert_int_equal(simd_evtchn_alloc_unbound(g, SIMD_DOMID_SELF, 0, &p), XCTL_ERR_LIMIT);
	assert_non_null(strstr(simd_errmsg(g), "all 16 in use"));
	struct simd_domain_info di;
	assert_int_equal(simd_domain_info(h->s, d, &di), 0);
	assert_int_equal(di.nr_ports, 16);
	simd_close(g);
	simd_domain_destroy(h->s, d);
}

static void test_dom0_conn_close_closes_ports(void **state)
{
	struct simd_host *h = *state;
	uint32_t d = th_create(h);
	struct simd *g, *s2;
	assert_int_equal(simd_guest_attach(h->s, d, &g), 0);
	assert_int_equal(simd_open(h->dir, &s2), 0);
	uint32_t gp, dp;
	assert_int_equal(simd_evtchn_alloc_unbound(g, SIMD_DOMID_SELF, 0, &gp), 0);
	assert_int_equal(simd_evtchn_bind_interdomain(s2, d, gp, &dp), 0);
	simd_close(s2); /* like a backend process exiting */
	struct simd_evtchn_status st;
	for (int i = 0; i < 2000; i++) {
		assert_int_equal(simd_evtchn_status(h->s, 0, dp, &st), 0);
		if (st.state == SIMD_EVTCHN_CLOSED)
			break;
		usleep(5000);
	}
	assert_int_equal(simd_evtchn_status(h->s, 0, dp, &st), 0);
	assert_int_equal(st.state, SIMD_EVTCHN_CLOSED);
	assert_int_equal(simd_evtchn_status(h->s, d, gp, &st), 0);
	assert_int_equal(st.state, SIMD_EVTCHN_UNBOUND);
	simd_close(g);
	simd_domain_destroy(h->s, d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unbound_bind_notify),
		cmocka_unit_test(test_mask_and_pending),
		cmocka_unit_test(test_close_unbinds_peer),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_port_limit),
		cmocka_unit_test(test_dom0_conn_close_closes_ports),
	};
	return cmocka_run_group_tests_name("simd event channels", tests, setup, teardown);
}
