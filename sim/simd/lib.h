/* SPDX-License-Identifier: LGPL-2.1-only */
/* libsimd internals shared by lib.c and lib_io.c. */
#ifndef XCTL_SIMD_LIB_H
#define XCTL_SIMD_LIB_H

#include "sim/simd/proto.h"
#include "sim/simd/simd.h"

struct lib_port {
	uint32_t port;
	int in, out;            /* read in, notify out */
	bool masked;
};

struct lib_map {
	struct simd_grant_map pub;
	struct lib_map *next;
};

struct lib_page {
	struct simd_page pub;
	struct lib_page *next;
};

struct simd {
	int fd;
	uint32_t domid;
	uint32_t next_id;
	char dir[256];          /* "" for a guest connection */
	char errmsg[SIMD_ERRMSG_MAX];
	struct lib_port *ports;
	size_t nports, ports_cap;
	int epfd;               /* every unmasked open port's fd, or -1 */
	struct lib_map *maps;
	struct lib_page *pages;
	void *gt;               /* the guest's grant table, mapped max_frames long */
	size_t gt_len;
	void *console;
	unsigned char rbuf[SIMD_WIRE_MAX];
};

/* One request and its reply. rlen NULL: the reply must be exactly rmax
 * bytes. Received descriptors go to fds (at most maxfds, else the reply
 * is refused and they are closed). */
int simd_lib_call(struct simd *s, uint32_t type, const void *body, size_t len, void *rbody, size_t rmax,
		  size_t *rlen, int *fds, int maxfds, int *nfds);
/* Unmap and close what lib_io.c holds (at simd_close). */
void simd_lib_io_close(struct simd *s);

#endif
