/* SPDX-License-Identifier: LGPL-2.1-only */
/* Test harness for xctl-simd: a private host (xctl-xenstored and xctl-simd
 * in a mkdtemp directory, both killed with the test program), a dom0
 * connection, and helpers. */
#ifndef XCTL_SIMD_TEST_HARNESS_H
#define XCTL_SIMD_TEST_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "sim/simd/simd.h"

struct simd_host {
	char dir[128];
	char bin[512];          /* directory of the programs */
	pid_t xsd, simd;
	struct simd *s;         /* dom0 connection */
};

/* Start a host: with_xenstored false runs xctl-simd alone; guest is the
 * --guest value (NULL: the test guest simd-testguest; "none"); extra
 * arguments for xctl-simd, NULL-terminated (may be NULL). 0 or -1. */
int th_start(struct simd_host *h, bool with_xenstored, const char *guest, const char *const *extra);
/* Destroy nothing, just stop both daemons and remove the directory. */
void th_stop(struct simd_host *h);
/* A default domain config (64 MiB, 2 vcpus, PV). */
struct simd_domain_config th_config(void);
/* Create a domain with th_config(); its id, or 0 (the test fails). */
uint32_t th_create(struct simd_host *h);
/* Count the open fds of a process. */
int th_nfds(pid_t pid);
/* Wait up to ms for the process to have n fds (xctl-simd closes a
 * connection's fds once it has seen it close); its count then. */
int th_wait_nfds(pid_t pid, int n, int ms);
/* Resident memory of a process in KiB. */
long th_rss_kib(pid_t pid);
/* Is pid alive (and not a zombie)? */
bool th_alive(pid_t pid);
/* Wait up to ms for cond() to be true. */
bool th_wait(bool (*cond)(void *), void *arg, int ms);
/* Write DIR/testguest.mode (read by simd-testguest at start). */
void th_guest_mode(struct simd_host *h, const char *mode);

#endif
