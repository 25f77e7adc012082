/* SPDX-License-Identifier: LGPL-2.1-only */
/* Domains and the per-domain identity.
 *
 * INTRODUCE of domain N (privileged) creates a listening unix socket
 * DOMAIN_DIR/N, mode 0600, in a directory of mode 0700: only the user that
 * runs the daemon (the simulator) can connect there and hand the path to
 * the guest of domain N. Every connection accepted on it acts as domain N.
 * RELEASE of N closes the socket and the connections, removes every node N
 * owns with its subtree (Xen 4.17 destroy_domain() -> domain_tree_remove(),
 * firing their watches), makes the entries naming N in the remaining
 * permission lists inert (so that a later domain with the same id inherits
 * nothing), and fires @releaseDomain. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sim/xenstored/paths.h"
#include "sim/xenstored/xsd.h"

struct xsd_domain *xsd_dom_get(const struct xsd *d, uint32_t domid)
{
	return domid < XSD_DOMID_MAX ? d->doms[domid] : NULL;
}

static int open_dom_socket(struct xsd *d, struct xsd_domain *dom)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%u", d->domain_dir, dom->domid);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path)) {
		xctl_err_log(d->log, "domain %u: socket path under %s is too long for a unix socket",
			     dom->domid, d->domain_dir);
		return EINVAL;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ENOMEM;
	unlink(sa.sun_path);
	mode_t old = umask(0077);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc || chmod(sa.sun_path, 0600) || listen(fd, 16)) {
		xctl_err_log(d->log, "domain %u: cannot create its socket %s: %s", dom->domid,
			     sa.sun_path, strerror(errno));
		close(fd);
		return EIO;
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &dom->pk };
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		close(fd);
		unlink(sa.sun_path);
		return EIO;
	}
	dom->lfd = fd;
	dom->sock_path = strdup(sa.sun_path);
	return 0;
}

int xsd_dom_introduce(struct xsd *d, uint32_t domid, uint64_t mfn, uint32_t evtchn)
{
	if (domid == 0 || domid >= XSD_DOMID_MAX)
		return EINVAL;
	struct xsd_domain *dom = d->doms[domid];
	if (dom && dom->introduced) {
		/* do_introduce() -> domain_conn_reset(): the domain's watches
		 * and transactions are dropped, on every connection it has. */
		for (struct xsd_conn *c = dom->conns; c; c = c->dnext) {
			xsd_watch_del_all(d, c);
			xsd_txn_free_all(c);
		}
		dom->mfn = mfn;
		dom->evtchn = evtchn;
		return 0;
	}
	if (!dom) {
		dom = calloc(1, sizeof(*dom));
		if (!dom)
			return ENOMEM;
		dom->pk.kind = XSD_K_DOMSOCK;
		dom->domid = domid;
		dom->target = XSD_DOMID_MAX;
		dom->lfd = -1;
		d->doms[domid] = dom;
	}
	dom->mfn = mfn;
	dom->evtchn = evtchn;
	if (d->domain_dir && d->epfd >= 0) {
		int err = open_dom_socket(d, dom);
		if (err) {
			d->doms[domid] = NULL;
			free(dom);
			return err;
		}
	}
	dom->introduced = true;
	xctl_info(d->log, "domain %u introduced%s%s", domid, dom->sock_path ? ", socket " : "",
		  dom->sock_path ? dom->sock_path : "");
	xsd_fire(d, NULL, XS_WATCH_INTRODUCE_DOMAIN, true, NULL, 0);
	return 0;
}

/* remove_domid_from_perm() for the special names. */
static void forget_in_special(struct xsd *d, uint32_t domid)
{
	for (int s = 0; s < 2; s++) {
		struct xsd_perm *p = d->special_perms[s];
		uint32_t k = 1;
		if (p[0].id == domid)
			p[0].id = 0;
		for (uint32_t i = 1; i < d->special_nperms[s]; i++)
			if (p[i].id != domid)
				p[k++] = p[i];
		d->special_nperms[s] = k;
	}
}

/* domain_tree_remove(): the topmost nodes domid owns, with their subtrees
 * (firing their watches); and its entries in other nodes' lists become
 * inert, as domain_adjust_node_perms() makes the entries of a domain
 * younger than the node. Visits only the nodes that name it. */
static int remove_owned(struct xsd *d, uint32_t domid)
{
	char **found;
	size_t nfound;
	int err = xsd_store_release(&d->store, domid, &found, &nfound);
	if (err) {
		xctl_err_log(d->log, "domain %u: cannot look for the nodes it owns: out of memory", domid);
		return ENOMEM;
	}
	struct xsd_view v = { d, NULL, NULL };
	for (size_t i = 0; i < nfound; i++) {
		char up[XENSTORE_ABS_PATH_MAX + 1];
		xsd_parent(found[i], up, sizeof(up));
		if (!xsd_rm_tree(&v, found[i]))
			xsd_view_del_child(&v, up, xsd_basename(found[i]));
		free(found[i]);
	}
	free(found);
	return 0;
}

static void close_domain(struct xsd *d, struct xsd_domain *dom)
{
	if (dom->lfd >= 0) {
		epoll_ctl(d->epfd, EPOLL_CTL_DEL, dom->lfd, NULL);
		close(dom->lfd);
		dom->lfd = -1;
	}
	if (dom->sock_path) {
		unlink(dom->sock_path);
		free(dom->sock_path);
		dom->sock_path = NULL;
	}
	for (struct xsd_conn *c = dom->conns; c; c = c->dnext) {
		xsd_conn_kill(d, c, NULL);
		c->dom = NULL; /* the domain goes away before the reaper runs */
	}
	dom->conns = NULL;
	dom->nconns = 0;
}

int xsd_dom_release(struct xsd *d, uint32_t domid)
{
	struct xsd_domain *dom = xsd_dom_get(d, domid);
	if (domid == 0 || !dom || !dom->introduced)
		return ENOENT;
	close_domain(d, dom);
	d->doms[domid] = NULL;
	free(dom->preq);
	free(dom);
	/* Other domains that named it as their target lose that right. */
	for (uint32_t i = 1; i < XSD_DOMID_MAX; i++)
		if (d->doms[i] && d->doms[i]->target == domid)
			d->doms[i]->target = XSD_DOMID_MAX;
	remove_owned(d, domid);
	forget_in_special(d, domid);
	xctl_info(d->log, "domain %u released", domid);
	xsd_fire(d, NULL, XS_WATCH_RELEASE_DOMAIN, true, NULL, 0);
	return 0;
}

/* The hypervisor's word that a domain changed state (xctl-simd sends it, as
 * Xen raises VIRQ_DOM_EXC): as Xen 4.17's check_domains(), a domain newly
 * shut down (or crashed) fires @releaseDomain once; a dying domain is
 * destroyed as by RELEASE, which fires it again. */
int xsd_dom_state(struct xsd *d, uint32_t domid, bool dying)
{
	struct xsd_domain *dom = xsd_dom_get(d, domid);
	if (domid == 0 || !dom || !dom->introduced)
		return ENOENT;
	if (dying)
		return xsd_dom_release(d, domid);
	if (dom->shutdown)
		return 0;
	dom->shutdown = true;
	xctl_info(d->log, "domain %u shut down", domid);
	xsd_fire(d, NULL, XS_WATCH_RELEASE_DOMAIN, true, NULL, 0);
	return 0;
}

int xsd_dom_accept(struct xsd *d, struct xsd_domain *dom)
{
	int fd = accept4(dom->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return 0;
	if (dom->nconns >= d->lim.conns_per_domain || d->nconns >= d->lim.conns) {
		xctl_warn(d->log, "domain %u: connection refused: limit of %u connections reached",
			  dom->domid, dom->nconns >= d->lim.conns_per_domain ? d->lim.conns_per_domain
									      : d->lim.conns);
		close(fd);
		return 0;
	}
	if (!xsd_conn_new(d, fd, dom->domid, dom))
		close(fd);
	return 0;
}

void xsd_dom_free_all(struct xsd *d)
{
	if (!d->doms)
		return;
	for (uint32_t i = 0; i < XSD_DOMID_MAX; i++) {
		struct xsd_domain *dom = d->doms[i];
		if (!dom)
			continue;
		close_domain(d, dom);
		free(dom->preq);
		free(dom);
		d->doms[i] = NULL;
	}
}
