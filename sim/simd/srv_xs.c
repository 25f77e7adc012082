/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-simd's connection to xctl-xenstored, as domain 0: INTRODUCE at
 * create (so @introduceDomain fires and the domain's socket exists),
 * RELEASE at destroy (@releaseDomain), and the CONTROL command that tells
 * xenstored of a domain's new state, as Xen's VIRQ_DOM_EXC does. Blocking,
 * with a timeout, and lazily (re)connected. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <stdbool.h>
#include <xen/io/xs_wire.h>

#include "common/err.h"
#include "sim/simd/srv.h"
#include "xenstore-schema/xs_paths.h"

static int xs_connect(struct srv *sv)
{
	if (sv->xs_fd >= 0)
		return 0;
	if (!sv->xs_path[0])
		return XCTL_ERR_NOTFOUND;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return XCTL_ERR_IO;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sv->xs_path);
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (!sv->xs_warned)
			xctl_warn(sv->log, "no xenstored at %s (%s): domains are not introduced to xenstore",
				  sv->xs_path, strerror(errno));
		sv->xs_warned = true;
		close(fd);
		return XCTL_ERR_NOTFOUND;
	}
	sv->xs_warned = false;
	sv->xs_fd = fd;
	return 0;
}

void srv_xs_close(struct srv *sv)
{
	if (sv->xs_fd >= 0)
		close(sv->xs_fd);
	sv->xs_fd = -1;
}

static int full_io(int fd, void *buf, size_t n, bool wr)
{
	size_t done = 0;
	while (done < n) {
		ssize_t k = wr ? send(fd, (char *)buf + done, n - done, MSG_NOSIGNAL)
			       : recv(fd, (char *)buf + done, n - done, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		done += (size_t)k;
	}
	return 0;
}

/* One request; the reply's payload into out (NUL-terminated). */
static int xs_request(struct srv *sv, uint32_t type, const char *payload, size_t len, char *out, size_t outsz)
{
	if (xs_connect(sv))
		return XCTL_ERR_NOTFOUND;
	struct xsd_sockmsg h = { type, ++sv->xs_req_id, 0, (uint32_t)len };
	char buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX + 1];
	/* header and payload in one write: a daemon that wakes for the header
	 * alone would otherwise wait for the rest */
	if (len > XENSTORE_PAYLOAD_MAX)
		return XCTL_ERR_INVAL;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, len);
	if (full_io(sv->xs_fd, buf, sizeof(h) + len, true))
		goto broken;
	for (;;) {
		struct xsd_sockmsg rh;
		if (full_io(sv->xs_fd, &rh, sizeof(rh), false) || rh.len > XENSTORE_PAYLOAD_MAX ||
		    full_io(sv->xs_fd, buf, rh.len, false))
			goto broken;
		buf[rh.len] = '\0';
		if (rh.type == XS_WATCH_EVENT || rh.req_id != h.req_id)
			continue;
		size_t m = rh.len < outsz ? rh.len : outsz - 1;
		memcpy(out, buf, m);
		out[m] = '\0';
		return rh.type == XS_ERROR ? XCTL_ERR_XENSTORE : 0;
	}
broken:
	xctl_warn(sv->log, "lost the connection to xenstored at %s", sv->xs_path);
	srv_xs_close(sv);
	return XCTL_ERR_IO;
}

void srv_xs_introduce(struct srv *sv, struct srv_dom *d)
{
	char p[64], out[64];
	int n = snprintf(p, sizeof(p), "%u%c%llu%c%u", d->domid, 0, (unsigned long long)d->store_page->gfn, 0,
			 d->store_port);
	int rc = xs_request(sv, XS_INTRODUCE, p, (size_t)n + 1, out, sizeof(out));
	d->introduced = rc == 0;
	if (rc == XCTL_ERR_XENSTORE)
		xctl_warn(sv->log, "domain %u: xenstored refused INTRODUCE: %s", d->domid, out);
}

void srv_xs_release(struct srv *sv, struct srv_dom *d)
{
	if (!d->introduced)
		return;
	char p[16], out[64];
	int n = snprintf(p, sizeof(p), "%u", d->domid);
	int rc = xs_request(sv, XS_RELEASE, p, (size_t)n + 1, out, sizeof(out));
	d->introduced = false;
	if (rc == XCTL_ERR_XENSTORE)
		xctl_warn(sv->log, "domain %u: xenstored refused RELEASE: %s", d->domid, out);
}

void srv_xs_state(struct srv *sv, struct srv_dom *d, const char *state)
{
	if (!d->introduced)
		return;
	char p[64], out[64];
	int n = snprintf(p, sizeof(p), "domain-state%c%u%c%s", 0, d->domid, 0, state);
	int rc = xs_request(sv, XS_CONTROL, p, (size_t)n + 1, out, sizeof(out));
	if (rc == XCTL_ERR_XENSTORE)
		xctl_warn(sv->log, "domain %u: xenstored refused CONTROL domain-state %s: %s", d->domid, state,
			  out);
}

/* What dom0's boot leaves in xenstore on a real host, before any guest:
 * xen-init-dom0 writes dom0's domid and name and each cpupool's name (the
 * simulated host has the one pool, Pool-0), and dom0's kernel announces the
 * shutdown requests it handles. */
void srv_xs_boot_dom0(struct srv *sv)
{
	char pool[64];
	snprintf(pool, sizeof(pool), XS_FMT_POOL_NAME, 0u);
	const struct {
		const char *path, *value;
	} nodes[] = {
		{ XS_PATH_DOM0_DOMID, "0" },
		{ XS_PATH_DOM0_NAME, sv->doms && sv->doms[0] ? sv->doms[0]->name : "Domain-0" },
		{ pool, "Pool-0" },
		{ XS_PATH_DOM0_CONTROL_FEATURE_POWEROFF, "1" },
		{ XS_PATH_DOM0_CONTROL_FEATURE_REBOOT, "1" },
		{ XS_PATH_DOM0_CONTROL_FEATURE_SUSPEND, "1" },
	};
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		char p[256], out[64];
		int n = snprintf(p, sizeof(p), "%s%c%s", nodes[i].path, 0, nodes[i].value);
		int rc = xs_request(sv, XS_WRITE, p, (size_t)n, out, sizeof(out));
		if (rc == XCTL_ERR_XENSTORE)
			xctl_warn(sv->log, "domain 0: xenstored refused to write %s: %s", nodes[i].path, out);
		if (rc && rc != XCTL_ERR_XENSTORE)
			return; /* no xenstored: warned once by the connection */
	}
}
