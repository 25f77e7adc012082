/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-simd against hostile clients: malformed and oversized messages,
 * descriptors sent to it, a client that never reads its replies, random
 * requests from a guest. The daemon must stay up, answer others, and not
 * grow. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/err.h"
#include "sim/simd/lib.h"
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

static int raw_connect(struct simd_host *h)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", h->dir, SIMD_SOCKET);
	assert_true(n > 0 && (size_t)n < sizeof(sa.sun_path));
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Does the peer close the connection within a second? */
static bool closed(int fd)
{
	char buf[256];
	struct pollfd p = { fd, POLLIN, 0 };
	for (int i = 0; i < 100; i++) {
		if (poll(&p, 1, 10) == 1) {
			ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n == 0 || (n < 0 && errno == ECONNRESET))
				return true;
		}
	}
	return false;
}

static void alive(struct simd_host *h)
{
	struct simd_host_info hi;
	assert_int_equal(simd_host_info(h->s, &hi), 0);
}

static void test_malformed(void **state)
{
	struct simd_host *h = *state;
	struct {
		struct simd_wire_hdr h;
		uint8_t body[64];
	} m;
	/* length field lies */
	int fd = raw_connect(h);
	m.h = (struct simd_wire_hdr){ SIMD_REQ_DOM_INFO, 1, 0, 100 };
	assert_int_equal(send(fd, &m, sizeof(m.h) + 8, 0), (ssize_t)(sizeof(m.h) + 8));
	assert_true(closed(fd));
	close(fd);
	/* unknown type, a reply type, a status in a request, too short */
	uint32_t types[3] = { 999, SIMD_MSG_REPLY, 0 };
	for (int i = 0; i < 3; i++) {
		fd = raw_connect(h);
		m.h = (struct simd_wire_hdr){ types[i], 1, 0, 0 };
		assert_true(send(fd, &m, sizeof(m.h), 0) > 0);
		assert_true(closed(fd));
		close(fd);
	}
	fd = raw_connect(h);
	m.h = (struct simd_wire_hdr){ SIMD_REQ_HOST_INFO, 1, -3, 0 };
	assert_true(send(fd, &m, sizeof(m.h), 0) > 0);
	assert_true(closed(fd));
	close(fd);
	fd = raw_connect(h);
	assert_true(send(fd, "abc", 3, 0) == 3);
	assert_true(closed(fd));
	close(fd);
	/* oversized */
	fd = raw_connect(h);
	size_t big = SIMD_WIRE_MAX + 100;
	uint8_t *b = calloc(1, big);
	struct simd_wire_hdr bh = { SIMD_REQ_GNT_COPY, 1, 0, (uint32_t)(big - sizeof(bh)) };
	memcpy(b, &bh, sizeof(bh));
	int sz = 1 << 20;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	assert_true(send(fd, b, big, 0) == (ssize_t)big);
	free(b);
	assert_true(closed(fd));
	close(fd);
	alive(h);
}

static void test_fds_sent_to_simd(void **state)
{
	struct simd_host *h = *state;
	int before = th_nfds(h->simd);
	int fd = raw_connect(h);
	for (int k = 0; k < 50; k++) {
		struct simd_wire_hdr hd = { SIMD_REQ_HOST_INFO, (uint32_t)k + 1, 0, 0 };
		struct iovec iov = { &hd, sizeof(hd) };
		int fds[3] = { 0, 1, 2 };
		union {
			char buf[CMSG_SPACE(sizeof(fds))];
			struct cmsghdr a;
		} u;
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(fds));
		memcpy(CMSG_DATA(cm), fds, sizeof(fds));
		assert_true(sendmsg(fd, &mh, 0) > 0);
		char rep[512];
		assert_true(recv(fd, rep, sizeof(rep), 0) > 0);
	}
	close(fd);
	alive(h);
	assert_int_equal(th_wait_nfds(h->simd, before, 2000), before);
}

static void test_never_reads(void **state)
{
	struct simd_host *h = *state;
	long rss0 = th_rss_kib(h->simd);
	int fd = raw_connect(h);
	int sz = 4096;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	struct simd_wire_hdr hd = { SIMD_REQ_DOM_LIST, 1, 0, 8 };
	uint8_t m[sizeof(hd) + 8] = { 0 };
	memcpy(m, &hd, sizeof(hd));
	int sent = 0;
	for (int i = 0; i < 20000; i++) {
		ssize_t n = send(fd, m, sizeof(m), MSG_DONTWAIT);
		if (n < 0)
			break;
		sent++;
	}
	/* simd stopped reading it, and it still answers everyone else */
	assert_true(sent < 20000);
	for (int i = 0; i < 100; i++)
		alive(h);
	long rss1 = th_rss_kib(h->simd);
	assert_true(rss1 - rss0 < 8192);
	/* nothing was dropped: once it reads, every request gets its reply */
	int got = 0;
	struct pollfd p = { fd, POLLIN, 0 };
	uint8_t rep[SIMD_WIRE_MAX];
	while (got < sent && poll(&p, 1, 2000) == 1) {
		ssize_t n = recv(fd, rep, sizeof(rep), 0);
		if (n <= 0)
			break;
		got++;
	}
	assert_int_equal(got, sent);
	close(fd);
	alive(h);
}

static void test_random_guest_requests(void **state)
{
	struct simd_host *h = *state;
	usleep(200000); /* the connections of the tests before are closed by now */
	alive(h);
	int fds0 = th_nfds(h->simd);
	uint32_t d = th_create(h);
	struct simd *g = NULL;
	unsigned long long seed = 0x1234567;
	for (int round = 0; round < 3000; round++) {
		if (!g || round % 100 == 0) {
			if (round)
				simd_close(g);
			assert_int_equal(simd_guest_attach(h->s, d, &g), 0);
		}
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		uint8_t body[512];
		for (size_t i = 0; i < sizeof(body); i++)
			body[i] = (uint8_t)(seed >> (i % 56));
		uint32_t type = 1 + (uint32_t)(seed % (SIMD_REQ_NR - 1));
		if (type == SIMD_REQ_HOST_SHUTDOWN)
			continue;
		/* a body of the size the request wants, with random words */
		size_t len = simd_req_table[type].body_min;
		if (type == SIMD_REQ_GNT_COPY)
			len = sizeof(struct wire_copy) + sizeof(struct wire_copy_seg);
		uint8_t rep[SIMD_WIRE_MAX];
		size_t rlen;
		int fds[SIMD_WIRE_MAX_FDS], nfds = 0;
		int rc = simd_lib_call(g, type, body, len, rep, sizeof(rep), &rlen, fds, SIMD_WIRE_MAX_FDS, &nfds);
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		if (rc == XCTL_ERR_IO || rc == XCTL_ERR_PROTO) {
			simd_close(g);
			g = NULL;
			assert_int_equal(simd_guest_attach(h->s, d, &g), 0);
		}
	}
	simd_close(g);
	alive(h);
	struct simd_domain_info di;
	if (simd_domain_info(h->s, d, &di) == 0)
		simd_domain_destroy(h->s, d);
	/* everything the guest got is gone with the domain */
	assert_int_equal(th_wait_nfds(h->simd, fds0, 2000), fds0);
}

static void test_connection_limit(void **state)
{
	struct simd_host *h = *state;
	uint32_t d = th_create(h);
	struct simd *g[17];
	for (int i = 0; i < 16; i++)
		assert_int_equal(simd_guest_attach(h->s, d, &g[i]), 0);
	/* a guest cannot take every connection of the host */
	assert_int_equal(simd_guest_attach(h->s, d, &g[16]), XCTL_ERR_LIMIT);
	assert_int_equal(simd_guest_attach(g[0], SIMD_DOMID_SELF, &g[16]), XCTL_ERR_LIMIT);
	assert_non_null(strstr(simd_errmsg(g[0]), "16 connections"));
	simd_close(g[15]);
	for (int i = 0; i < 2000; i++) {
		if (simd_guest_attach(h->s, d, &g[15]) == 0)
			break;
		usleep(5000);
	}
	assert_int_equal(simd_domain_info(g[15], SIMD_DOMID_SELF, &(struct simd_domain_info){ 0 }), 0);
	for (int i = 0; i < 16; i++)
		simd_close(g[i]);
	simd_domain_destroy(h->s, d);
}

static void test_descriptor_budget(void **state)
{
	(void)state;
	/* a host with 2500 open files: 1476 for pages and eventfds */
	struct simd_host h2;
	setenv("TH_NOFILE", "2500", 1);
	int rc = th_start(&h2, false, "none", NULL);
	unsetenv("TH_NOFILE");
	assert_int_equal(rc, 0);
	struct simd_domain_config c = th_config();
	c.max_pages = 1024;
	uint32_t a, b;
	assert_int_equal(simd_domain_create(h2.s, &c, &a), 0);
	assert_int_equal(simd_domain_create(h2.s, &c, &b), 0);
	struct simd *ga, *gb;
	assert_int_equal(simd_guest_attach(h2.s, a, &ga), 0);
	assert_int_equal(simd_guest_attach(h2.s, b, &gb), 0);
	struct simd_page *p;
	int n = 0, rc2;
	while ((rc2 = simd_page_alloc(ga, &p)) == 0)
		n++;
	assert_int_equal(rc2, XCTL_ERR_LIMIT);
	assert_int_equal(n, 1022); /* its own max_pages (1024, 2 are the builder's) */
	while ((rc2 = simd_page_alloc(gb, &p)) == 0)
		n++;
	assert_int_equal(rc2, XCTL_ERR_LIMIT);
	assert_non_null(strstr(simd_errmsg(gb), "descriptors"));
	assert_true(n < 1476);
	uint32_t port;
	assert_int_equal(simd_evtchn_alloc_unbound(gb, SIMD_DOMID_SELF, 0, &port), XCTL_ERR_LIMIT);
	/* the daemon itself still has descriptors: new clients, new requests */
	struct simd *s3;
	assert_int_equal(simd_open(h2.dir, &s3), 0);
	struct simd_host_info hi;
	assert_int_equal(simd_host_info(s3, &hi), 0);
	simd_close(s3);
	/* destroying a domain gives its descriptors back */
	simd_close(ga);
	assert_int_equal(simd_domain_destroy(h2.s, a), 0);
	assert_int_equal(simd_page_alloc(gb, &p), 0);
	assert_int_equal(simd_evtchn_alloc_unbound(gb, SIMD_DOMID_SELF, 0, &port), 0);
	simd_close(gb);
	th_stop(&h2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_fds_sent_to_simd),
		cmocka_unit_test(test_never_reads),
		cmocka_unit_test(test_random_guest_requests),
		cmocka_unit_test(test_connection_limit),
		cmocka_unit_test(test_descriptor_budget),
	};
	return cmocka_run_group_tests_name("simd hostile clients", tests, setup, teardown);
}
