/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-netback's xenbus hooks and service round; see dev.h. */
#include "drivers-backend/netback/dev.h"
#include "drivers-backend/xenio/xenio.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <errno.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* On Xen, a vif is ours when its script node names us (vif.cfg: script=). */
#define NETBACK_SCRIPT "xctl-netback"

static struct netback *ctx_of(struct xb_dev *d)
{
	return d->b->ctx;
}

static bool net_wanted(struct xb_dev *d)
{
	if (!ctx_of(d)->only_configured)
		return true;
	char *s = NULL;
	bool want = !xb_be_str(d, XS_KEY_SCRIPT, 4095, &s) &&
		    (!strcmp(s, NETBACK_SCRIPT) || (strrchr(s, '/') && !strcmp(strrchr(s, '/') + 1, NETBACK_SCRIPT)));
	free(s);
	return want;
}

static int net_probe(struct xb_dev *d)
{
	struct net_dev *nd = calloc(1, sizeof(*nd));
	if (!nd)
		return XCTL_ERR_NOMEM;
	nd->tapfd = -1;
	nd->xb = d;
	char *s = NULL;
	uint64_t mtu = 1500;
	if (!xb_be_str(d, XS_KEY_VIFNAME, NET_IFNAMSIZ - 1, &s) && *s)
		snprintf(nd->tap, sizeof(nd->tap), "%s", s);
	else
		snprintf(nd->tap, sizeof(nd->tap), "vif%u.%u", d->domid, d->devid);
	free(s);
	s = NULL;
	if (!xb_be_str(d, XS_KEY_BRIDGE, NET_IFNAMSIZ - 1, &s))
		snprintf(nd->bridge, sizeof(nd->bridge), "%s", s);
	free(s);
	if (xb_be_uint(d, XS_KEY_MTU, 65535, &mtu) || mtu < 68)
		mtu = 1500;
	nd->mtu = (unsigned)mtu;
	nd->vif = calloc(1, sizeof(*nd->vif));
	if (!nd->vif) {
		free(nd);
		return XCTL_ERR_NOMEM;
	}
	int rc = net_tap_open(nd->tap, d->log, d->who, &nd->tapfd);
	if (!rc)
		rc = net_tap_up(nd->tap, nd->mtu, nd->bridge, d->log, d->who);
	if (rc) {
		if (nd->tapfd >= 0)
			close(nd->tapfd);
		free(nd->vif);
		free(nd);
		return rc;
	}
	/* the TAP joins the set the daemon polls: only TAPs with frames are read */
	struct netback *nb = d->b->ctx;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = nd };
	if (epoll_ctl(nb->tap_epfd, EPOLL_CTL_ADD, nd->tapfd, &ev)) {
		xctl_err_log(d->log, "%s: cannot poll its TAP %s: %s", d->who, nd->tap, strerror(errno));
		close(nd->tapfd);
		free(nd->vif);
		free(nd);
		return XCTL_ERR_IO;
	}
	struct net_sink sink = { net_tap_write, &nd->tapfd };
	net_vif_init(nd->vif, d->x, d->log, d->who, d->domid, &sink);
	/* rate: BYTES,MICROSECONDS as libxl writes it */
	if (!xb_be_str(d, XS_KEY_RATE, 64, &s)) {
		unsigned long long bytes = 0, usec = 0;
		if (sscanf(s, "%llu,%llu", &bytes, &usec) == 2 && bytes && usec >= 1000) {
			nd->vif->credit_bytes = bytes;
			nd->vif->credit_ms = usec / 1000;
		}
		free(s);
	}
	d->priv = nd;
	return 0;
}

static int net_publish(struct xb_dev *d, xenio_txn t)
{
	int rc = 0;
	rc = rc ? rc : xb_be_write(d, t, XS_KEY_FEATURE_SG, "1");
	rc = rc ? rc : xb_be_write(d, t, XS_KEY_FEATURE_RX_COPY, "1");
	rc = rc ? rc : xb_be_write(d, t, XS_KEY_FEATURE_RX_FLIP, "0");
	rc = rc ? rc : xb_be_write(d, t, XS_KEY_FEATURE_MULTICAST_CONTROL, "1");
	rc = rc ? rc : xb_be_write(d, t, XS_KEY_FEATURE_SPLIT_EVENT_CHANNELS, "1");
	rc = rc ? rc : xb_be_write(d, t, XS_KEY_MULTI_QUEUE_MAX_QUEUES, "%u", NET_MAX_QUEUES);
	return rc;
}

static void free_queues(struct xb_dev *d, struct net_dev *nd)
{
	struct net_vif *v = nd->vif;
	net_vif_flush(v); /* before the queues are cleared: they hold the frames */
	for (unsigned i = 0; i < v->nq; i++) {
		struct net_queue *q = &v->q[i];
		if (q->tx_bound) {
			idmap_del(&ctx_of(d)->ports, q->tx_port);
			d->x->ops->evtchn_unbind(d->x, q->tx_port);
		}
		if (q->rx_bound && q->split) {
			idmap_del(&ctx_of(d)->ports, q->rx_port);
			d->x->ops->evtchn_unbind(d->x, q->rx_port);
		}
		if (q->tx_sring)
			d->x->ops->unmap(d->x, q->tx_sring, 1);
		if (q->rx_sring)
			d->x->ops->unmap(d->x, q->rx_sring, 1);
		memset(q, 0, sizeof(*q));
	}
	v->nq = 0;
}

static int fe_u32(struct xb_dev *d, const char *pre, const char *key, uint32_t *out)
{
	char k[64];
	uint64_t v;
	snprintf(k, sizeof(k), "%s%s", pre, key);
	int rc = xb_fe_uint(d, k, UINT32_MAX, &v);
	if (!rc)
		*out = (uint32_t)v;
	return rc;
}

static int connect_queue(struct xb_dev *d, struct net_dev *nd, unsigned qi, bool multi)
{
	struct net_vif *v = nd->vif;
	char pre[32] = "";
	if (multi)
		snprintf(pre, sizeof(pre), XS_KEYFMT_QUEUE "/", qi);
	uint32_t txr, rxr, ptx = 0, prx = 0;
	if (fe_u32(d, pre, XS_KEY_TX_RING_REF, &txr) || fe_u32(d, pre, XS_KEY_RX_RING_REF, &rxr)) {
		xctl_err_log(d->log, "%s: %stx-ring-ref or rx-ring-ref is missing or not a grant "
			     "reference", d->who, pre);
		return XCTL_ERR_PROTO;
	}
	bool split = !fe_u32(d, pre, XS_KEY_EVENT_CHANNEL_TX, &ptx);
	if (split ? fe_u32(d, pre, XS_KEY_EVENT_CHANNEL_RX, &prx)
		  : fe_u32(d, pre, XS_KEY_EVENT_CHANNEL, &ptx)) {
		xctl_err_log(d->log, "%s: %sevent channels missing or not ports", d->who, pre);
		return XCTL_ERR_PROTO;
	}
	void *tx = NULL, *rx = NULL;
	if (d->x->ops->map(d->x, d->domid, 1, &txr, true, &tx)) {
		xctl_err_log(d->log, "%s: cannot map the tx ring (grant %u)", d->who, txr);
		return XCTL_ERR_PROTO;
	}
	if (d->x->ops->map(d->x, d->domid, 1, &rxr, true, &rx)) {
		xctl_err_log(d->log, "%s: cannot map the rx ring (grant %u)", d->who, rxr);
		d->x->ops->unmap(d->x, tx, 1);
		return XCTL_ERR_PROTO;
	}
	net_queue_init(v, qi, tx, rx);
	struct net_queue *q = &v->q[qi];
	q->split = split;
	if (d->x->ops->evtchn_bind(d->x, d->domid, ptx, &q->tx_port)) {
		xctl_err_log(d->log, "%s: cannot bind event channel %u", d->who, ptx);
		return XCTL_ERR_PROTO;
	}
	q->tx_bound = true;
	if (split) {
		if (d->x->ops->evtchn_bind(d->x, d->domid, prx, &q->rx_port)) {
			xctl_err_log(d->log, "%s: cannot bind event channel %u", d->who, prx);
			return XCTL_ERR_PROTO;
		}
	} else {
		q->rx_port = q->tx_port;
	}
	q->rx_bound = true;
	/* both ports lead to the device in one lookup (free_queues undoes it) */
	if (idmap_put(&ctx_of(d)->ports, q->tx_port, d) || idmap_put(&ctx_of(d)->ports, q->rx_port, d)) {
		xctl_err_log(d->log, "%s: out of memory", d->who);
		return XCTL_ERR_NOMEM;
	}
	return 0;
}

static int net_connect(struct xb_dev *d)
{
	struct net_dev *nd = d->priv;
	struct net_vif *v = nd->vif;
	uint64_t val = 0, nq = 1;
	if (xb_fe_uint(d, XS_KEY_REQUEST_RX_COPY, 1, &val) || val != 1) {
		xctl_err_log(d->log, "%s: the frontend does not request rx-copy (rx-flip is not "
			     "supported)", d->who);
		return XCTL_ERR_UNSUPPORTED;
	}
	int rc = xb_fe_uint(d, XS_KEY_MULTI_QUEUE_NUM_QUEUES, UINT32_MAX, &nq);
	if (rc == XCTL_ERR_NOTFOUND) {
		nq = 1;
	} else if (rc || nq == 0 || nq > NET_MAX_QUEUES) {
		xctl_err_log(d->log, "%s: multi-queue-num-queues must be 1..%u", d->who, NET_MAX_QUEUES);
		return XCTL_ERR_PROTO;
	}
	v->sg = !xb_fe_uint(d, XS_KEY_FEATURE_SG, 1, &val) && val;
	v->mcast_ctrl = !xb_fe_uint(d, XS_KEY_REQUEST_MULTICAST_CONTROL, 1, &val) && val;
	/* not advertised, so never used: a GSO extra or the control ring */
	v->gso = false;
	v->failed = false;
	v->nmcast = 0;
	for (unsigned i = 0; i < nq; i++) {
		rc = connect_queue(d, nd, i, nq > 1);
		if (rc) {
			free_queues(d, nd);
			return rc;
		}
	}
	xb_dev_activate(d); /* what the frontend queued before we bound */
	return 0;
}

static int net_disconnect(struct xb_dev *d)
{
	free_queues(d, d->priv);
	return 0;
}

static void net_remove(struct xb_dev *d)
{
	struct net_dev *nd = d->priv;
	if (!nd)
		return;
	free_queues(d, nd);
	if (nd->tapfd >= 0) {
		struct netback *nb = d->b->ctx;
		epoll_ctl(nb->tap_epfd, EPOLL_CTL_DEL, nd->tapfd, NULL);
		close(nd->tapfd);
	}
	free(nd->vif);
	free(nd);
	d->priv = NULL;
}

const struct xb_hooks net_hooks = {
	.type = XS_KEY_VIF,
	.wanted = net_wanted,
	.probe = net_probe,
	.publish = net_publish,
	.connect = net_connect,
	.disconnect = net_disconnect,
	.remove = net_remove,
};

int netback_init(struct netback *nb, struct xenio *x, const struct xctl_log *log,
		 bool only_configured)
{
	memset(nb, 0, sizeof(*nb));
	nb->x = x;
	nb->log = log;
	nb->only_configured = only_configured;
	nb->tap_epfd = epoll_create1(EPOLL_CLOEXEC);
	if (nb->tap_epfd < 0) {
		xctl_err_log(log, "cannot create the TAPs' poll set: %s", strerror(errno));
		return XCTL_ERR_IO;
	}
	int rc = xb_backend_init(&nb->xb, x, log, &net_hooks, nb);
	if (rc) {
		close(nb->tap_epfd);
		nb->tap_epfd = -1;
	}
	return rc;
}

int netback_tap_fd(const struct netback *nb)
{
	return nb->tap_epfd;
}

/* Frames from the host, from the TAPs that have some: a bounded burst
 * each, even when not connected (then dropped) so a TAP never clogs. */
static void read_taps(struct netback *nb)
{
	uint8_t frame[NET_FRAME_MAX + 1];
	struct epoll_event ev[64];
	for (int round = 0; round < NET_TAP_ROUNDS; round++) {
		int n = epoll_wait(nb->tap_epfd, ev, (int)XCTL_ARRAY_SIZE(ev), 0);
		for (int i = 0; i < n; i++) {
			struct net_dev *nd = ev[i].data.ptr;
			for (int k = 0; k < NET_TAP_BURST; k++) {
				ssize_t r = read(nd->tapfd, frame, sizeof(frame));
				if (r <= 0)
					break;
				if (nd->xb->connected) {
					net_rx_frame(nd->vif, frame, (size_t)r);
					xb_dev_activate(nd->xb);
				} else
					nd->vif->st.rx_dropped++;
			}
		}
		if (n < (int)XCTL_ARRAY_SIZE(ev))
			break;
	}
}

/* The queue of an event channel port, and its vif: one lookup. */
static struct net_queue *queue_of_port(struct netback *nb, uint32_t port, struct xb_dev **dev)
{
	struct xb_dev *d = idmap_get(&nb->ports, port);
	struct net_dev *nd = d ? d->priv : NULL;
	if (!nd || !d->connected)
		return NULL;
	for (unsigned k = 0; k < nd->vif->nq; k++) {
		struct net_queue *q = &nd->vif->q[k];
		if ((q->tx_bound && q->tx_port == port) || (q->rx_bound && q->rx_port == port)) {
			*dev = d;
			return q;
		}
	}
	return NULL;
}

/* One vif's queues: storms' timers, tx requests, frames for the guest.
 * Whether it needs the next pass too: requests or frames left, a paused
 * queue, a rate limit (its credit comes back on a timer). */
static bool net_pass(struct netback *nb, struct xb_dev *d, struct net_dev *nd, uint64_t now, int *timeout)
{
	struct xenio *x = nb->x;
	bool busy = nd->vif->credit_bytes != 0;
	for (unsigned k = 0; k < nd->vif->nq; k++) {
		struct net_queue *q = &nd->vif->q[k];
		if (q->storm.paused_until && now >= q->storm.paused_until) {
			q->storm.paused_until = 0;
			x->ops->evtchn_unmask(x, q->tx_port);
			if (q->split)
				x->ops->evtchn_unmask(x, q->rx_port);
		}
		if (q->storm.paused_until) {
			int left = (int)(q->storm.paused_until - now);
			if (*timeout < 0 || left < *timeout)
				*timeout = left;
			busy = true;
		}
		if (net_tx_process(q, now) == 1) {
			*timeout = 0;
			busy = true;
		}
		net_rx_process(q);
		busy |= q->rxq_len != 0;
		if (nd->vif->credit_bytes && *timeout != 0)
			*timeout = (int)nd->vif->credit_ms;
	}
	if (nd->vif->failed)
		xb_dev_fail(d, "the frontend broke the netif protocol");
	return busy;
}

int netback_service(struct netback *nb, unsigned ready)
{
	struct xenio *x = nb->x;
	uint64_t now = backend_now_ms();
	int timeout = -1;
	read_taps(nb);
	/* the busy vifs only */
	for (unsigned i = 0; i < nb->xb.nactive;) {
		struct xb_dev *d = nb->xb.active[i];
		struct net_dev *nd = d->priv;
		if (nd && d->connected && net_pass(nb, d, nd, now, &timeout))
			i++;
		else
			xb_dev_idle(d); /* active[i] is another vif now */
	}
	if (ready & 1) {
		uint32_t port;
		for (unsigned n = 0; n < 4096 && !x->ops->evtchn_pending(x, &port); n++) {
			struct xb_dev *d = NULL;
			struct net_queue *q = queue_of_port(nb, port, &d);
			if (!q) {
				x->ops->evtchn_unmask(x, port);
				continue;
			}
			if (net_queue_event(q, now))
				x->ops->evtchn_unmask(x, port);
			else
				timeout = 0; /* paused: the next pass sets its timer */
			if (q->vif->failed)
				xb_dev_fail(d, "the frontend broke the netif protocol");
			xb_dev_activate(d);
		}
	}
	xb_backend_poll(&nb->xb);
	return timeout;
}

void netback_fini(struct netback *nb)
{
	xb_backend_free(&nb->xb);
	idmap_free(&nb->ports);
	if (nb->tap_epfd >= 0)
		close(nb->tap_epfd);
	nb->tap_epfd = -1;
}
