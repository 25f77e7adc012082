/* SPDX-License-Identifier: LGPL-2.1-only */
/* A simulated host for the guest and console tests, without the toolstack:
 * xctl-xenstored, xctl-simd (running build/bin/xctl-guest for each domain)
 * and optionally xctl-consoled (--log-max 65536), in a private temporary directory. Every
 * daemon dies with the test (PR_SET_PDEATHSIG) and the directory goes at
 * testhost_stop(). The domain's xenstore home is written by hand, as
 * libxl__domain_make writes it. */
#ifndef XCTL_TEST_GUEST_HOST_H
#define XCTL_TEST_GUEST_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct simd;
struct xs_handle;

struct testhost {
	char dir[128];
	pid_t xsd, simd, consoled;
	struct simd *s;
	struct xs_handle *xs;
};

/* 0 or -1 (with a message on stderr). */
int testhost_start(struct testhost *h, bool consoled);
void testhost_stop(struct testhost *h);
/* Stop xctl-consoled (SIGTERM, waited for) and start it again. */
void testhost_stop_consoled(struct testhost *h);
int testhost_start_consoled(struct testhost *h);

/* Create a paused PV domain and write its home (name, domid, memory, the
 * control/, data/, device/ and console/ nodes with libxl's permissions).
 * Returns the domid or 0. */
uint32_t testhost_domain(struct testhost *h, const char *name);
/* The same with a domain type (enum simd_dom_type). */
uint32_t testhost_domain_type(struct testhost *h, const char *name, int type);
/* Write a knob of the simulated guest (XS_FMT_SIMGUEST_* format). */
int testhost_knob(struct testhost *h, const char *fmt, uint32_t domid, const char *value);

/* Read a node into buf; 0, or -1 if absent. */
int testhost_read(struct testhost *h, const char *path, char *buf, size_t sz);
/* Write a node (absolute path) with a value. */
int testhost_write(struct testhost *h, const char *path, const char *value);
/* Set permissions from xenstore-ls -p notation ("n0,r5"). */
int testhost_perms(struct testhost *h, const char *path, const char *perms);

/* Call pump(arg) (may be NULL) and re-read path until it equals want, for
 * at most ms milliseconds. 0, or -1 on timeout (last value in last). */
int testhost_wait_value(struct testhost *h, const char *path, const char *want, int ms,
			void (*pump)(void *arg), void *arg, char *last, size_t lastsz);
/* The same for a condition. */
int testhost_wait(bool (*cond)(void *arg), void *arg, int ms, void (*pump)(void *arg), void *parg);

/* Path of a program in the build's bin directory. */
const char *testhost_bin(const char *prog, char *out, size_t sz);

#endif
