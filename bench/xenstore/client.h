/* SPDX-License-Identifier: LGPL-2.1-only */
/* bench_xenstore's clients. Its own: the xenstore wire protocol on a daemon's
 * Unix socket, one write per request and one read per reply as a rule
 * (libxenstore 4.17 writes the header and each part of the payload with a
 * system call each, and reads the header and the payload separately), so
 * that what a benchmark counts is more the daemon's work than the
 * client's. Watch events that arrive before a reply are counted and
 * taken by wcl_event. Or libxenstore's (bench_xenstore -l); cl_* run the
 * benchmark's operations on either. */
#ifndef XCTL_BENCH_CLIENT_H
#define XCTL_BENCH_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

struct wcl {
	int fd;
	uint32_t req_id;
	unsigned events;                                   /* arrived, not yet taken */
	uint32_t have;                                     /* bytes in buf */
	char buf[2 * (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)];
	char reply[XENSTORE_PAYLOAD_MAX + 1];              /* the last reply, nul-terminated */
	uint32_t reply_len;
};

/* Connect to the socket XENSTORED_PATH names (default
 * /run/xenstored/socket). NULL with errno set on failure. */
struct wcl *wcl_open(void);
void wcl_close(struct wcl *c);
/* One request: payload parts a (alen bytes) and b (blen bytes) sent as
 * one message; waits for its reply into c->reply. Returns the reply's
 * type (XS_ERROR for an error, its name in c->reply) or -1 with errno set
 * when the connection failed. */
int wcl_call(struct wcl *c, uint32_t type, uint32_t tx_id, const void *a, uint32_t alen,
	     const void *b, uint32_t blen);
/* Wait for one watch event. 0, or -1 with errno set. */
int wcl_event(struct wcl *c);

struct xs_handle;
struct client {
	struct wcl *w;        /* ours, or */
	struct xs_handle *h;  /* libxenstore's */
};
/* "on the wire protocol ..." or "through libxenstore", for headers. */
const char *client_kind(bool libxs);
bool cl_open(struct client *cl, bool libxs);
void cl_close(struct client *cl);
bool cl_read(struct client *cl, uint32_t tx, const char *p);
bool cl_write(struct client *cl, uint32_t tx, const char *p, const char *v);
/* The number of entries of directory p, or -1. */
long cl_dir(struct client *cl, const char *p);
bool cl_watch(struct client *cl, const char *p); /* token "b" */
bool cl_event(struct client *cl);
/* The transaction's id; 0 when it could not start. */
uint32_t cl_txn_start(struct client *cl);
/* Committed, or lost to a concurrent change (EAGAIN): true. */
bool cl_txn_end(struct client *cl, uint32_t tx);

#endif
