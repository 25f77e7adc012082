/* SPDX-License-Identifier: LGPL-2.1-only */
/* Fixture for the xenbus-level tests: xctl-xenstored, xctl-blkback's device
 * layer over xenio/fake (grants and events in process, xenstore real), a
 * toolstack that writes a disk's nodes, and frontends the test drives. */
#ifndef XCTL_TEST_XBFIX_H
#define XCTL_TEST_XBFIX_H

#include "tests/backend/blkfe.h"
#include "tests/xenstored/harness.h"
#include "drivers-backend/blkback/dev.h"
#include "common/log.h"

#include <stdio.h>

struct xbfix {
	struct xsd_daemon xsd;
	struct xs_handle *xs;  /* the test's own connection (toolstack and guests) */
	char logpath[300];
	FILE *logf;
	struct xctl_log log;
	struct xenio_fake *f;
	struct xenio *x;
	struct blkback bb;
};

struct xbdisk {
	uint32_t domid, devid;
	char path[300];        /* backing file */
	char be[128], fe[128];
	struct blkfe fe_ring;
	bool ring_ready;
};

void xbfix_setup(struct xbfix *t, unsigned workers, unsigned delay_ms);
void xbfix_teardown(struct xbfix *t);
int xbfix_logged(struct xbfix *t, const char *s);

/* The toolstack adds a disk (backend and frontend nodes, state 1); the
 * domain gets fake memory. */
void xbdisk_add(struct xbfix *t, struct xbdisk *d, uint32_t domid, uint32_t devid, bool ro);
/* The toolstack removes the backend and frontend directories. */
void xbdisk_remove(struct xbfix *t, struct xbdisk *d);
/* Write a frontend (or backend) key. */
void xbdisk_fe_write(struct xbfix *t, struct xbdisk *d, const char *key, const char *val);
void xbdisk_fe_rm(struct xbfix *t, struct xbdisk *d, const char *key);
/* The guest sets up a ring of npages and writes ring-ref(s), event-channel,
 * protocol (NULL: none); does not change the state. */
void xbdisk_fe_ring(struct xbfix *t, struct xbdisk *d, uint32_t npages, const char *proto);
/* The backend's state node (-1 if missing). */
int xbdisk_be_state(struct xbfix *t, struct xbdisk *d);
char *xbdisk_be_read(struct xbfix *t, struct xbdisk *d, const char *key);
/* Serve until the backend state is want (or fail after ms). */
void xbfix_until_state(struct xbfix *t, struct xbdisk *d, int want, int ms);
/* Serve for ms. */
void xbfix_serve(struct xbfix *t, int ms);
/* Full handshake to Connected. */
void xbdisk_connect(struct xbfix *t, struct xbdisk *d);
/* Write a page at sector through the connected ring and check the file. */
void xbdisk_io(struct xbfix *t, struct xbdisk *d, uint64_t sector, uint8_t seed);
struct xb_dev *xbfix_dev(struct xbfix *t, struct xbdisk *d);

#endif
