/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-consoled: one console per guest domain (see consoled.h).
 *
 *   xctl-consoled [--dir DIR] [--log-level LEVEL] [--log-max BYTES]
 *
 * Domains are found as xenconsoled finds them: @introduceDomain and
 * @releaseDomain, then the domain list (here xctl-simd's). A domain's console
 * starts once its console/ring-ref and console/port nodes exist (watched);
 * it ends when the domain is gone or dying, after its last output is
 * logged. Everything a guest controls is bounded: at most one ring's worth
 * of output per event, indices checked (consring.c), the log rotated past
 * --log-max (default CONSOLED_LOG_MAX), pty output dropped when no one
 * reads it. */
#include "sim/console/consoled.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <xenstore.h>

#include "common/err.h"
#include "common/log.h"
#include "common/util.h"
#include "sim/console/consring.h"
#include "sim/simd/simd.h"
#include "xenstore-schema/xs_paths.h"

struct cd;
struct cdom;

/* What an epoll event is about. */
enum cd_kind { CK_XENSTORE, CK_SIGNAL, CK_RING, CK_PTY, CK_DOMAINS };
struct cdtag {
	enum cd_kind kind;
	struct cdom *d;
};

struct cdom {
	struct cd *cd;
	uint32_t domid;
	unsigned seen;             /* the last rescan that listed it */
	size_t idx;                /* in cd->doms */
	bool up;                   /* ring mapped, port bound */
	struct simd_grant_map *map;
	uint32_t port;
	int evfd;
	int master, slave;
	int logfd;
	uint64_t logged;
	bool input_blocked;        /* the in ring is full: master not polled */
	char token[24];
	struct cdtag tag_ev, tag_pty;
};

struct cd {
	struct xctl_log *log;
	const char *dir;
	uint64_t log_max;
	struct simd *s;
	struct xs_handle *xs;
	int epfd;
	int sigfd;
	struct cdom **doms;
	size_t ndoms;
	struct cdom **bydom;       /* [domid]: the same consoles, found in one step */
	bool quit;
	unsigned scan;             /* rescans, for cdom.seen */
	bool listed;               /* the domains at start are known */
	unsigned epoch;            /* bumped when a console goes: the rest of an epoll batch is stale */
	struct simd_watch *watch;  /* xctl-simd's domain events: a destroy seen even if
				    * @releaseDomain came before the domain was dying */
	struct cdtag tag_xs, tag_sig, tag_dom;
};

static int ep_add(struct cd *cd, int fd, struct cdtag *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };
	return epoll_ctl(cd->epfd, EPOLL_CTL_ADD, fd, &ev) ? xctl_err_from_errno(errno) : 0;
}

static void ep_del(struct cd *cd, int fd)
{
	if (fd >= 0)
		epoll_ctl(cd->epfd, EPOLL_CTL_DEL, fd, NULL);
}

static void log_rotate(struct cdom *d)
{
	char p[512], old[520];
	if (consoled_log_path(d->cd->dir, d->domid, p, sizeof(p)))
		return;
	snprintf(old, sizeof(old), "%s.1", p);
	close(d->logfd);
	rename(p, old);
	d->logfd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	d->logged = 0;
}

static void drain_output(struct cdom *d)
{
	struct cd *cd = d->cd;
	char buf[sizeof(((struct xencons_interface *)0)->out)];
	int n = xencons_out_get(d->map->addr, buf, sizeof(buf));
	if (n < 0) {
		xctl_warn(cd->log, "domain %u: console output indices out of range: output dropped", d->domid);
		return;
	}
	if (n == 0)
		return;
	/* The guest may have waited for room. */
	simd_evtchn_notify(cd->s, d->port);
	if (d->logfd >= 0) {
		if (d->logged + (uint64_t)n > cd->log_max)
			log_rotate(d);
		if (d->logfd >= 0 && write(d->logfd, buf, (size_t)n) == n)
			d->logged += (uint64_t)n;
	}
	/* Nobody attached: the pty fills up and the rest is dropped. */
	if (write(d->master, buf, (size_t)n) < 0 && errno != EAGAIN)
		xctl_debug(cd->log, "domain %u: pty write: %s", d->domid, strerror(errno));
}

static void pump_input(struct cdom *d)
{
	struct cd *cd = d->cd;
	struct xencons_interface *intf = d->map->addr;
	uint32_t used = __atomic_load_n(&intf->in_prod, __ATOMIC_ACQUIRE) -
			__atomic_load_n(&intf->in_cons, __ATOMIC_ACQUIRE);
	size_t room = used <= sizeof(intf->in) ? sizeof(intf->in) - used : 0;
	if (room == 0) {
		if (!d->input_blocked) {
			ep_del(cd, d->master);
			d->input_blocked = true;
		}
		return;
	}
	char buf[sizeof(intf->in)];
	ssize_t n = read(d->master, buf, room);
	if (n > 0) {
		int put = xencons_in_put(intf, buf, (size_t)n);
		if (put > 0)
			simd_evtchn_notify(cd->s, d->port);
	}
}

static void on_ring_event(struct cdom *d)
{
	simd_evtchn_consume(d->cd->s, d->port);
	drain_output(d);
	if (d->input_blocked) {
		d->input_blocked = false;
		ep_add(d->cd, d->master, &d->tag_pty);
	}
}

static int open_pty(struct cdom *d, char *name, size_t namesz)
{
	d->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (d->master < 0 || grantpt(d->master) || unlockpt(d->master) || ptsname_r(d->master, name, namesz))
		return xctl_err_from_errno(errno);
	/* Keep the slave open so that the master never sees a hang-up between
	 * clients, and raw, as xenconsoled sets it. */
	d->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (d->slave < 0)
		return xctl_err_from_errno(errno);
	struct termios t;
	if (tcgetattr(d->slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(d->slave, TCSANOW, &t);
	}
	return 0;
}

static void dom_down(struct cdom *d)
{
	struct cd *cd = d->cd;
	cd->epoch++;
	if (d->up) {
		drain_output(d);
		xctl_info(cd->log, "domain %u: console closed", d->domid);
	}
	ep_del(cd, d->evfd);
	if (!d->input_blocked)
		ep_del(cd, d->master);
	if (d->port)
		simd_evtchn_close(cd->s, d->port);
	if (d->map)
		simd_grant_unmap(cd->s, d->map);
	if (d->master >= 0)
		close(d->master);
	if (d->slave >= 0)
		close(d->slave);
	if (d->logfd >= 0)
		close(d->logfd);
	d->map = NULL;
	d->port = 0;
	d->evfd = d->master = d->slave = d->logfd = -1;
	d->up = false;
	d->input_blocked = false;
}

/* The console nodes are there: map, bind, open the log and the pty. */
static int dom_up(struct cdom *d)
{
	struct cd *cd = d->cd;
	char p[256], v[32];
	uint64_t port, gfn;
	snprintf(p, sizeof(p), XS_FMT_CONSOLE_FE_PORT, d->domid);
	char *s = xs_read(cd->xs, XBT_NULL, p, NULL);
	int rc = s ? xctl_parse_u64(s, 10, UINT32_MAX, &port) : XCTL_ERR_NOTFOUND;
	free(s);
	snprintf(p, sizeof(p), XS_FMT_CONSOLE_FE_RING_REF, d->domid);
	s = xs_read(cd->xs, XBT_NULL, p, NULL);
	if (!rc)
		rc = s ? xctl_parse_u64(s, 10, UINT64_MAX, &gfn) : XCTL_ERR_NOTFOUND;
	free(s);
	if (rc)
		return rc; /* not written yet: the watch brings it */
	uint32_t ref = SIMD_GREF_CONSOLE;
	if ((rc = simd_grant_map(cd->s, d->domid, &ref, 1, false, &d->map))) {
		xctl_err_log(cd->log, "domain %u: cannot map the console page: %s", d->domid, simd_errmsg(cd->s));
		goto out;
	}
	uint32_t local;
	if ((rc = simd_evtchn_bind_interdomain(cd->s, d->domid, (uint32_t)port, &local))) {
		xctl_err_log(cd->log, "domain %u: cannot bind console port %llu: %s", d->domid, (unsigned long long)port,
			     simd_errmsg(cd->s));
		goto out;
	}
	d->port = local;
	d->evfd = simd_evtchn_fd(cd->s, local);
	char logp[512], name[128];
	if ((rc = consoled_log_path(cd->dir, d->domid, logp, sizeof(logp))))
		goto out;
	d->logfd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (d->logfd < 0)
		xctl_warn(cd->log, "domain %u: cannot open %s: %s (output not logged)", d->domid, logp, strerror(errno));
	struct stat st;
	d->logged = d->logfd >= 0 && fstat(d->logfd, &st) == 0 ? (uint64_t)st.st_size : 0;
	if ((rc = open_pty(d, name, sizeof(name)))) {
		xctl_err_log(cd->log, "domain %u: cannot open a pty: %s", d->domid, xctl_strerror(rc));
		goto out;
	}
	snprintf(p, sizeof(p), XS_FMT_CONSOLE_FE_TTY, d->domid);
	if (!xs_write(cd->xs, XBT_NULL, p, name, (unsigned)strlen(name)))
		xctl_warn(cd->log, "domain %u: cannot write %s: %s", d->domid, p, strerror(errno));
	if ((rc = ep_add(cd, d->evfd, &d->tag_ev)) || (rc = ep_add(cd, d->master, &d->tag_pty)))
		goto out;
	d->up = true;
	(void)v;
	xctl_info(cd->log, "domain %u: console on %s, logged to %s", d->domid, name, logp);
	drain_output(d);
	return 0;
out:
	dom_down(d);
	return rc;
}

static struct cdom *dom_find(struct cd *cd, uint32_t domid)
{
	return domid <= SIMD_DOMID_MAX ? cd->bydom[domid] : NULL;
}

static void dom_add(struct cd *cd, uint32_t domid)
{
	if (cd->ndoms >= CONSOLED_MAX_DOMAINS) {
		xctl_warn(cd->log, "domain %u: more than %d consoles: not served", domid, CONSOLED_MAX_DOMAINS);
		return;
	}
	struct cdom *d = calloc(1, sizeof(*d));
	if (!d)
		return;
	d->cd = cd;
	d->domid = domid;
	d->evfd = d->master = d->slave = d->logfd = -1;
	d->tag_ev = (struct cdtag){ CK_RING, d };
	d->tag_pty = (struct cdtag){ CK_PTY, d };
	snprintf(d->token, sizeof(d->token), "%u", domid);
	char p[256];
	snprintf(p, sizeof(p), XS_FMT_CONSOLE_FE, domid);
	/* The watch fires at once: dom_up runs from its first event. */
	if (!xs_watch(cd->xs, p, d->token)) {
		xctl_err_log(cd->log, "domain %u: cannot watch %s: %s", domid, p, strerror(errno));
		free(d);
		return;
	}
	d->idx = cd->ndoms;
	cd->doms[cd->ndoms++] = d;
	cd->bydom[domid] = d;
}

static void dom_remove(struct cd *cd, size_t idx)
{
	struct cdom *d = cd->doms[idx];
	char p[256];
	snprintf(p, sizeof(p), XS_FMT_CONSOLE_FE, d->domid);
	xs_unwatch(cd->xs, p, d->token);
	dom_down(d);
	cd->bydom[d->domid] = NULL;
	cd->doms[idx] = cd->doms[--cd->ndoms];
	cd->doms[idx]->idx = idx;
	free(d);
}

/* Domains appeared or went: compare with xctl-simd's list. */
static void rescan(struct cd *cd)
{
	struct simd_domain_info *list = NULL;
	size_t n = 0;
	if (simd_domain_list(cd->s, &list, &n)) {
		xctl_err_log(cd->log, "cannot list domains: %s", simd_errmsg(cd->s));
		return;
	}
	/* one pass over each list (a console per domain is looked up by
	 * domid): a rescan costs the same per domain at any number of them */
	unsigned stamp = ++cd->scan;
	for (size_t k = 0; k < n; k++) {
		if (list[k].domid == 0 || (list[k].flags & SIMD_DOMF_DYING))
			continue;
		struct cdom *d = dom_find(cd, list[k].domid);
		if (!d && list[k].domid <= SIMD_DOMID_MAX) {
			dom_add(cd, list[k].domid);
			d = dom_find(cd, list[k].domid);
		}
		if (d)
			d->seen = stamp;
	}
	for (size_t i = cd->ndoms; i-- > 0;)
		if (cd->doms[i]->seen != stamp)
			dom_remove(cd, i);
	free(list);
}

/* xctl-simd's events name their domain: a console comes or goes by
 * itself, and only lost events (overflow) cost a listing of every domain. */
static void on_domains(struct cd *cd)
{
	struct simd_event ev;
	bool relist = false;
	for (int k = 0; k < 64 && simd_watch_read(cd->watch, &ev, 0) == 0; k++) {
		if (ev.kind == SIMD_EV_OVERFLOW) {
			relist = true;
			continue;
		}
		if (ev.domid == 0 || ev.domid > SIMD_DOMID_MAX)
			continue;
		struct cdom *d = dom_find(cd, ev.domid);
		bool alive = ev.kind != SIMD_EV_DESTROYED && !(ev.flags & SIMD_DOMF_DYING);
		if (alive && !d)
			dom_add(cd, ev.domid);
		else if (!alive && d)
			dom_remove(cd, d->idx);
	}
	if (relist)
		rescan(cd);
}

static void on_xenstore(struct cd *cd)
{
	for (int i = 0; i < 64; i++) {
		char **v = xs_check_watch(cd->xs);
		if (!v)
			return;
		const char *tok = v[XS_WATCH_TOKEN];
		uint64_t domid;
		if (!strcmp(tok, XS_WATCH_INTRODUCE_DOMAIN) || !strcmp(tok, XS_WATCH_RELEASE_DOMAIN)) {
			/* the watch's first event lists the domains there at start;
			 * after that xctl-simd's events name each domain */
			if (!cd->listed)
				rescan(cd);
			cd->listed = true;
		}
		else if (xctl_parse_u64(tok, 10, SIMD_DOMID_MAX, &domid) == 0) {
			struct cdom *d = dom_find(cd, (uint32_t)domid);
			if (d && !d->up)
				dom_up(d);
		}
		free(v);
	}
}

static int loop(struct cd *cd)
{
	while (!cd->quit) {
		struct epoll_event evs[32];
		int n = epoll_wait(cd->epfd, evs, 32, -1);
		if (n < 0 && errno != EINTR)
			return XCTL_ERR_IO;
		unsigned epoch = cd->epoch;
		for (int i = 0; i < n && epoch == cd->epoch; i++) {
			struct cdtag *tag = evs[i].data.ptr;
			switch (tag->kind) {
			case CK_XENSTORE:
				on_xenstore(cd);
				break;
			case CK_SIGNAL:
				cd->quit = true;
				break;
			case CK_DOMAINS:
				on_domains(cd);
				break;
			case CK_RING:
				if (tag->d->up)
					on_ring_event(tag->d);
				break;
			case CK_PTY:
				if (tag->d->up)
					pump_input(tag->d);
				break;
			}
		}
	}
	return 0;
}

static int setup(struct cd *cd)
{
	int rc = simd_open(cd->dir, &cd->s);
	if (rc) {
		xctl_err_log(cd->log, "cannot connect to xctl-simd in %s: %s", cd->dir, xctl_strerror(rc));
		return rc;
	}
	char p[512];
	if (!getenv("XENSTORED_PATH") && simd_path(cd->dir, SIMD_XENSTORED_SOCKET, p, sizeof(p)) == 0)
		setenv("XENSTORED_PATH", p, 1);
	cd->xs = xs_open(0);
	if (!cd->xs) {
		xctl_err_log(cd->log, "cannot connect to xenstore (%s): %s", getenv("XENSTORED_PATH"), strerror(errno));
		return XCTL_ERR_XENSTORE;
	}
	snprintf(p, sizeof(p), "%s/%s", cd->dir, SIMD_LOG_SUBDIR);
	mkdir(p, 0750);
	snprintf(p, sizeof(p), "%s/%s/%s", cd->dir, SIMD_LOG_SUBDIR, CONSOLED_LOG_SUBDIR);
	if (mkdir(p, 0750) && errno != EEXIST) {
		xctl_err_log(cd->log, "cannot create %s: %s", p, strerror(errno));
		return xctl_err_from_errno(errno);
	}
	cd->doms = calloc(CONSOLED_MAX_DOMAINS, sizeof(*cd->doms));
	cd->bydom = calloc(SIMD_DOMID_MAX + 1, sizeof(*cd->bydom));
	cd->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!cd->doms || !cd->bydom || cd->epfd < 0)
		return XCTL_ERR_NOMEM;
	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	cd->sigfd = signalfd(-1, &ss, SFD_CLOEXEC);
	if (cd->sigfd < 0 || ep_add(cd, cd->sigfd, &cd->tag_sig) || ep_add(cd, xs_fileno(cd->xs), &cd->tag_xs))
		return XCTL_ERR_IO;
	/* Four fds per console. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (simd_watch_open(cd->s, &cd->watch) || ep_add(cd, simd_watch_fd(cd->watch), &cd->tag_dom)) {
		xctl_err_log(cd->log, "cannot watch xctl-simd's domains: %s", simd_errmsg(cd->s));
		return XCTL_ERR_IO;
	}
	if (!xs_watch(cd->xs, XS_WATCH_INTRODUCE_DOMAIN, XS_WATCH_INTRODUCE_DOMAIN) ||
	    !xs_watch(cd->xs, XS_WATCH_RELEASE_DOMAIN, XS_WATCH_RELEASE_DOMAIN)) {
		xctl_err_log(cd->log, "cannot watch %s and %s: %s", XS_WATCH_INTRODUCE_DOMAIN, XS_WATCH_RELEASE_DOMAIN,
			     strerror(errno));
		return XCTL_ERR_XENSTORE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct xctl_log log;
	xctl_log_init(&log, "xctl-consoled", XCTL_LOG_WARN);
	log.timestamps = 1;
	struct cd cd;
	memset(&cd, 0, sizeof(cd));
	cd.log = &log;
	cd.epfd = cd.sigfd = -1;
	cd.tag_xs.kind = CK_XENSTORE;
	cd.tag_sig.kind = CK_SIGNAL;
	cd.tag_dom.kind = CK_DOMAINS;
	cd.dir = simd_dir_default();
	cd.log_max = CONSOLED_LOG_MAX;
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "log-max", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			cd.dir = optarg;
			break;
		case 'l':
			if ((log.level = xctl_log_level_parse(optarg)) < 0) {
				fprintf(stderr, "xctl-consoled: --log-level %s: use error, warn, info, debug or trace\n",
					optarg);
				return 2;
			}
			break;
		case 'm':
			if (xctl_parse_u64(optarg, 0, UINT64_MAX, &cd.log_max) || cd.log_max < 4096) {
				fprintf(stderr, "xctl-consoled: --log-max %s: a size in bytes, at least 4096\n", optarg);
				return 2;
			}
			break;
		case 'h':
			printf("usage: xctl-consoled [--dir DIR] [--log-level LEVEL] [--log-max BYTES]\n"
			       "The console daemon of the simulated host in DIR (see docs/guest.md).\n");
			return 0;
		default:
			fprintf(stderr, "usage: xctl-consoled [--dir DIR] [--log-level LEVEL] [--log-max BYTES]\n");
			return 2;
		}
	}
	int rc = setup(&cd);
	if (rc == 0)
		rc = loop(&cd);
	while (cd.ndoms)
		dom_remove(&cd, cd.ndoms - 1);
	free(cd.doms);
	free(cd.bydom);
	if (cd.xs)
		xs_close(cd.xs);
	if (cd.watch)
		simd_watch_close(cd.watch);
	if (cd.s)
		simd_close(cd.s);
	if (cd.epfd >= 0)
		close(cd.epfd);
	if (cd.sigfd >= 0)
		close(cd.sigfd);
	return rc ? 1 : 0;
}
