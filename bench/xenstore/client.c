/* SPDX-License-Identifier: LGPL-2.1-only */
/* bench_xenstore's clients; see client.h. */
#include "bench/xenstore/client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <xenstore.h>

struct wcl *wcl_open(void)
{
	const char *path = getenv("XENSTORED_PATH");
	if (!path)
		path = "/run/xenstored/socket";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(sa.sun_path, path);
	struct wcl *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;
		wcl_close(c);
		errno = e;
		return NULL;
	}
	return c;
}

void wcl_close(struct wcl *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

/* Read until one whole message is in buf; take it: its type, its payload
 * into c->reply (a watch event is only counted). 0 or -1. */
static int next_message(struct wcl *c, uint32_t *type)
{
	struct xsd_sockmsg h;
	for (;;) {
		if (c->have >= sizeof(h)) {
			memcpy(&h, c->buf, sizeof(h));
			if (h.len > XENSTORE_PAYLOAD_MAX) {
				errno = EPROTO;
				return -1;
			}
			uint32_t whole = (uint32_t)sizeof(h) + h.len;
			if (c->have >= whole) {
				*type = h.type;
				if (h.type == XS_WATCH_EVENT) {
					c->events++;
				} else {
					memcpy(c->reply, c->buf + sizeof(h), h.len);
					c->reply[h.len] = '\0';
					c->reply_len = h.len;
				}
				memmove(c->buf, c->buf + whole, c->have - whole);
				c->have -= whole;
				return 0;
			}
		}
		ssize_t r = read(c->fd, c->buf + c->have, sizeof(c->buf) - c->have);
		if (r == 0)
			errno = ECONNRESET;
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return -1;
		}
		c->have += (uint32_t)r;
	}
}

int wcl_call(struct wcl *c, uint32_t type, uint32_t tx_id, const void *a, uint32_t alen,
	     const void *b, uint32_t blen)
{
	struct xsd_sockmsg h = { .type = type, .req_id = ++c->req_id, .tx_id = tx_id, .len = alen + blen };
	struct iovec iov[3] = { { &h, sizeof(h) }, { (void *)a, alen }, { (void *)b, blen } };
	size_t total = sizeof(h) + alen + blen, done = 0;
	while (done < total) {
		ssize_t w = writev(c->fd, iov, 3);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
		/* a short write (rare): drop what went out and go on */
		for (int i = 0; i < 3 && w > 0; i++) {
			size_t k = (size_t)w < iov[i].iov_len ? (size_t)w : iov[i].iov_len;
			iov[i].iov_base = (char *)iov[i].iov_base + k;
			iov[i].iov_len -= k;
			w -= (ssize_t)k;
		}
	}
	for (;;) {
		uint32_t t;
		if (next_message(c, &t))
			return -1;
		if (t != XS_WATCH_EVENT)
			return (int)t;
	}
}

int wcl_event(struct wcl *c)
{
	while (!c->events) {
		uint32_t t;
		if (next_message(c, &t))
			return -1;
	}
	c->events--;
	return 0;
}

/* ---- the benchmark's operations, on either client ---- */

const char *client_kind(bool libxs)
{
	return libxs ? "through libxenstore" : "on the wire protocol (one write a request)";
}

bool cl_open(struct client *cl, bool libxs)
{
	cl->w = NULL;
	cl->h = NULL;
	if (libxs)
		cl->h = xs_open(0);
	else
		cl->w = wcl_open();
	return cl->w || cl->h;
}

void cl_close(struct client *cl)
{
	wcl_close(cl->w);
	if (cl->h)
		xs_close(cl->h);
}

bool cl_read(struct client *cl, uint32_t tx, const char *p)
{
	if (cl->w)
		return wcl_call(cl->w, XS_READ, tx, p, (uint32_t)strlen(p) + 1, NULL, 0) == XS_READ;
	unsigned len;
	char *v = xs_read(cl->h, tx, p, &len);
	free(v);
	return v != NULL;
}

bool cl_write(struct client *cl, uint32_t tx, const char *p, const char *v)
{
	uint32_t vl = (uint32_t)strlen(v);
	if (cl->w)
		return wcl_call(cl->w, XS_WRITE, tx, p, (uint32_t)strlen(p) + 1, v, vl) == XS_WRITE;
	return xs_write(cl->h, tx, p, v, vl);
}

/* The number of entries of directory p, or -1. */
long cl_dir(struct client *cl, const char *p)
{
	if (cl->w) {
		if (wcl_call(cl->w, XS_DIRECTORY, 0, p, (uint32_t)strlen(p) + 1, NULL, 0) != XS_DIRECTORY)
			return -1;
		long n = 0;
		for (uint32_t i = 0; i < cl->w->reply_len; i++)
			n += cl->w->reply[i] == '\0';
		return n;
	}
	unsigned len;
	char **l = xs_directory(cl->h, XBT_NULL, p, &len);
	free(l);
	return l ? (long)len : -1;
}

bool cl_watch(struct client *cl, const char *p)
{
	if (cl->w)
		return wcl_call(cl->w, XS_WATCH, 0, p, (uint32_t)strlen(p) + 1, "b", 2) == XS_WATCH;
	return xs_watch(cl->h, p, "b");
}

bool cl_event(struct client *cl)
{
	if (cl->w)
		return wcl_event(cl->w) == 0;
	unsigned len;
	char **ev = xs_read_watch(cl->h, &len);
	free(ev);
	return ev != NULL;
}

/* 0 when the transaction could not start. */
uint32_t cl_txn_start(struct client *cl)
{
	if (cl->h)
		return xs_transaction_start(cl->h);
	if (wcl_call(cl->w, XS_TRANSACTION_START, 0, "", 1, NULL, 0) != XS_TRANSACTION_START)
		return 0;
	return (uint32_t)strtoul(cl->w->reply, NULL, 10);
}

/* Committed, or lost to a concurrent change (EAGAIN): true. */
bool cl_txn_end(struct client *cl, uint32_t tx)
{
	if (cl->h)
		return xs_transaction_end(cl->h, tx, false) || errno == EAGAIN;
	int t = wcl_call(cl->w, XS_TRANSACTION_END, tx, "F", 2, NULL, 0);
	return t == XS_TRANSACTION_END || (t == XS_ERROR && !strcmp(cl->w->reply, "EAGAIN"));
}
