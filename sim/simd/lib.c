/* SPDX-License-Identifier: LGPL-2.1-only */
/* libsimd: connections, the request/reply exchange, domains, host, memory,
 * vcpus and the state watch. Grants, pages and event channels: lib_io.c. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/util.h"
#include "sim/simd/lib.h"

const char *simd_dir_default(void)
{
	const char *d = getenv(SIMD_ENV_DIR);
	return d && *d ? d : SIMD_DEFAULT_DIR;
}

int simd_path(const char *dir, const char *name, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= outsz || (size_t)n >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return XCTL_ERR_LIMIT;
	return 0;
}

static const char *const shutdown_names[SIMD_SHUTDOWN_NR] = {
	"poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
};

const char *simd_shutdown_name(int reason)
{
	return reason >= 0 && reason < SIMD_SHUTDOWN_NR ? shutdown_names[reason] : NULL;
}

int simd_shutdown_parse(const char *name)
{
	for (int i = 0; name && i < SIMD_SHUTDOWN_NR; i++)
		if (!strcmp(name, shutdown_names[i]))
			return i;
	return -1;
}

void simd_flags_str(uint32_t flags, uint32_t reason, char out[SIMD_FLAGS_STRLEN])
{
	static const char letters[] = "-rscwS"; /* xl_info.c's shutdown_reason_letters */
	out[0] = flags & SIMD_DOMF_RUNNING ? 'r' : '-';
	out[1] = flags & SIMD_DOMF_BLOCKED ? 'b' : '-';
	out[2] = flags & SIMD_DOMF_PAUSED ? 'p' : '-';
	out[3] = flags & SIMD_DOMF_SHUTDOWN ? 's' : '-';
	out[4] = !(flags & SIMD_DOMF_SHUTDOWN) ? '-' : reason < sizeof(letters) - 1 ? letters[reason] : '?';
	out[5] = flags & SIMD_DOMF_DYING ? 'd' : '-';
	out[6] = '\0';
}

/* ---- the exchange ------------------------------------------------- */

int simd_lib_call(struct simd *s, uint32_t type, const void *body, size_t len, void *rbody, size_t rmax,
		  size_t *rlen, int *fds, int maxfds, int *nfds)
{
	s->errmsg[0] = '\0';
	if (nfds)
		*nfds = 0;
	if (len > SIMD_WIRE_MAX_BODY)
		return XCTL_ERR_INVAL;
	struct simd_wire_hdr h = { type, ++s->next_id, 0, (uint32_t)len };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)body, len } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t n;
	while ((n = sendmsg(s->fd, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	if (n < 0) {
		snprintf(s->errmsg, sizeof(s->errmsg), "lost the connection to xctl-simd: %s", strerror(errno));
		return XCTL_ERR_IO;
	}
	unsigned char *buf = s->rbuf;
	union {
		char b[CMSG_SPACE(sizeof(int) * SIMD_WIRE_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec riov = { buf, sizeof(s->rbuf) };
	struct msghdr rh = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof(u.b) };
	while ((n = recvmsg(s->fd, &rh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	int got[SIMD_WIRE_MAX_FDS];
	int ngot = 0;
	for (struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&rh) : NULL; cm; cm = CMSG_NXTHDR(&rh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k && ngot < SIMD_WIRE_MAX_FDS; i++)
			memcpy(&got[ngot++], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
	}
	int rc = 0;
	struct simd_wire_hdr rp;
	if (n <= 0) {
		snprintf(s->errmsg, sizeof(s->errmsg), "xctl-simd closed the connection%s%s", n < 0 ? ": " : "",
			 n < 0 ? strerror(errno) : "");
		rc = XCTL_ERR_IO;
		goto out;
	}
	memcpy(&rp, buf, sizeof(rp) <= (size_t)n ? sizeof(rp) : (size_t)n);
	if ((size_t)n < sizeof(rp) || rp.type != SIMD_MSG_REPLY || rp.id != h.id ||
	    rp.len != (size_t)n - sizeof(rp) || rp.rc > 0 || rp.rc < XCTL_ERR_MIN) {
		snprintf(s->errmsg, sizeof(s->errmsg), "xctl-simd sent a malformed reply");
		rc = XCTL_ERR_PROTO;
		goto out;
	}
	if (rp.rc) {
		size_t m = rp.len < sizeof(s->errmsg) ? rp.len : sizeof(s->errmsg) - 1;
		memcpy(s->errmsg, buf + sizeof(rp), m);
		s->errmsg[m] = '\0';
		rc = rp.rc;
		goto out;
	}
	if (rp.len > rmax) {
		snprintf(s->errmsg, sizeof(s->errmsg), "xctl-simd's reply is longer than expected");
		rc = XCTL_ERR_PROTO;
		goto out;
	}
	if (rp.len)
		memcpy(rbody, buf + sizeof(rp), rp.len);
	if (rlen)
		*rlen = rp.len;
	else if (rp.len != rmax) {
		snprintf(s->errmsg, sizeof(s->errmsg), "xctl-simd's reply has the wrong size");
		rc = XCTL_ERR_PROTO;
		goto out;
	}
	if (ngot > maxfds) {
		snprintf(s->errmsg, sizeof(s->errmsg), "xctl-simd sent more descriptors than expected");
		rc = XCTL_ERR_PROTO;
		goto out;
	}
	for (int i = 0; i < ngot; i++)
		fds[i] = got[i];
	if (nfds)
		*nfds = ngot;
	ngot = 0;
out:
	for (int i = 0; i < ngot; i++)
		close(got[i]);
	return rc;
}

/* ---- connections -------------------------------------------------- */

static int hello(struct simd *s)
{
	struct wire_hello h = { SIMD_WIRE_MAGIC, SIMD_WIRE_VERSION };
	struct wire_hello_reply r;
	int rc = simd_lib_call(s, SIMD_REQ_HELLO, &h, sizeof(h), &r, sizeof(r), NULL, NULL, 0, NULL);
	if (!rc)
		s->domid = r.domid;
	return rc;
}

static int conn_new(int fd, const char *dir, struct simd **out)
{
	struct simd *s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		return XCTL_ERR_NOMEM;
	}
	s->fd = fd;
	s->epfd = -1;
	if (dir)
		snprintf(s->dir, sizeof(s->dir), "%s", dir);
	int rc = hello(s);
	if (rc) {
		simd_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

static int dial(const char *dir, int *fdp)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	if (simd_path(dir, SIMD_SOCKET, path, sizeof(path)))
		return XCTL_ERR_LIMIT;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return XCTL_ERR_IO;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;
		close(fd);
		return e == ENOENT || e == ECONNREFUSED ? XCTL_ERR_NOTFOUND : xctl_err_from_errno(e);
	}
	*fdp = fd;
	return 0;
}

int simd_open(const char *dir, struct simd **out)
{
	if (!dir)
		dir = simd_dir_default();
	int fd = -1;
	int rc = dial(dir, &fd);
	return rc ? rc : conn_new(fd, dir, out);
}

int simd_guest_open(int fd, struct simd **out)
{
	if (fd < 0)
		return XCTL_ERR_INVAL;
	return conn_new(fd, NULL, out);
}

int simd_guest_open_env(struct simd **out)
{
	const char *v = getenv(SIMD_ENV_FD);
	uint64_t fd;
	if (!v || xctl_parse_u64(v, 10, 65535, &fd))
		return XCTL_ERR_NOTFOUND;
	return simd_guest_open((int)fd, out);
}

void simd_close(struct simd *s)
{
	if (!s)
		return;
	simd_lib_io_close(s);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

uint32_t simd_self(const struct simd *s)
{
	return s->domid;
}

const char *simd_errmsg(const struct simd *s)
{
	return s ? s->errmsg : "";
}

int simd_guest_attach(struct simd *s, uint32_t domid, struct simd **guest)
{
	struct wire_domid w = { domid, 0 };
	int fd = -1, nfds = 0;
	int rc = simd_lib_call(s, SIMD_REQ_GUEST_ATTACH, &w, sizeof(w), NULL, 0, NULL, &fd, 1, &nfds);
	if (rc)
		return rc;
	if (nfds != 1) {
		snprintf(s->errmsg, sizeof(s->errmsg), "xctl-simd sent no connection");
		return XCTL_ERR_PROTO;
	}
	return conn_new(fd, s->dir, guest);
}

/* ---- domains ------------------------------------------------------ */

static int simple(struct simd *s, uint32_t type, uint32_t domid)
{
	struct wire_domid w = { domid, 0 };
	return simd_lib_call(s, type, &w, sizeof(w), NULL, 0, NULL, NULL, 0, NULL);
}

int simd_domain_create(struct simd *s, const struct simd_domain_config *c, uint32_t *domid)
{
	struct wire_create w = { 0 };
	w.domid = c->domid;
	w.type = (uint32_t)c->type;
	w.max_kib = c->max_kib;
	w.target_kib = c->target_kib;
	w.max_vcpus = c->max_vcpus;
	w.vcpus = c->vcpus;
	w.max_grant_frames = c->max_grant_frames;
	w.max_evtchn_port = c->max_evtchn_port;
	w.max_pages = c->max_pages;
	memcpy(w.uuid, c->uuid, sizeof(w.uuid));
	memcpy(w.name, c->name, sizeof(w.name));
	w.name[sizeof(w.name) - 1] = '\0';
	struct wire_domid r;
	int rc = simd_lib_call(s, SIMD_REQ_DOM_CREATE, &w, sizeof(w), &r, sizeof(r), NULL, NULL, 0, NULL);
	if (!rc && domid)
		*domid = r.domid;
	return rc;
}

int simd_domain_destroy(struct simd *s, uint32_t domid)
{
	return simple(s, SIMD_REQ_DOM_DESTROY, domid);
}

int simd_domain_pause(struct simd *s, uint32_t domid)
{
	return simple(s, SIMD_REQ_DOM_PAUSE, domid);
}

int simd_domain_unpause(struct simd *s, uint32_t domid)
{
	return simple(s, SIMD_REQ_DOM_UNPAUSE, domid);
}

int simd_domain_resume(struct simd *s, uint32_t domid)
{
	return simple(s, SIMD_REQ_DOM_RESUME, domid);
}

int simd_domain_shutdown(struct simd *s, uint32_t domid, enum simd_shutdown_reason reason)
{
	struct wire_shutdown w = { domid, (uint32_t)reason };
	return simd_lib_call(s, SIMD_REQ_DOM_SHUTDOWN, &w, sizeof(w), NULL, 0, NULL, NULL, 0, NULL);
}

static void from_wire(const struct wire_dominfo *w, struct simd_domain_info *o)
{
	memset(o, 0, sizeof(*o));
	o->domid = w->domid;
	memcpy(o->uuid, w->uuid, sizeof(o->uuid));
	o->type = (enum simd_dom_type)w->type;
	o->flags = w->flags;
	o->shutdown_reason = w->shutdown_reason;
	o->max_kib = w->max_kib;
	o->target_kib = w->target_kib;
	o->max_vcpus = w->max_vcpus;
	o->online_vcpus = w->online_vcpus;
	o->cpu_time_ns = w->cpu_time_ns;
	o->created_ns = w->created_ns;
	o->gen = w->gen;
	o->console_gfn = w->console_gfn;
	o->console_port = w->console_port;
	o->store_gfn = w->store_gfn;
	o->store_port = w->store_port;
	o->nr_grant_frames = w->nr_grant_frames;
	o->max_grant_frames = w->max_grant_frames;
	o->maps_of_it = w->maps_of_it;
	o->maps_by_it = w->maps_by_it;
	o->nr_ports = w->nr_ports;
	o->nr_pages = w->nr_pages;
	o->guest_pid = w->guest_pid;
	o->guest_connected = w->guest_connected != 0;
	memcpy(o->name, w->name, sizeof(o->name));
	o->name[sizeof(o->name) - 1] = '\0';
}

int simd_domain_info(struct simd *s, uint32_t domid, struct simd_domain_info *out)
{
	struct wire_domid w = { domid, 0 };
	struct wire_dominfo r;
	int rc = simd_lib_call(s, SIMD_REQ_DOM_INFO, &w, sizeof(w), &r, sizeof(r), NULL, NULL, 0, NULL);
	if (!rc && out)
		from_wire(&r, out);
	return rc;
}

int simd_domain_list(struct simd *s, struct simd_domain_info **out, size_t *n)
{
	struct simd_domain_info *v = NULL;
	size_t cnt = 0;
	uint32_t start = 0;
	int rc = 0;
	size_t rmax = sizeof(struct wire_list_reply) + SIMD_LIST_MAX * sizeof(struct wire_dominfo);
	struct wire_list_reply *r = malloc(rmax);
	if (!r)
		return XCTL_ERR_NOMEM;
	for (;;) {
		struct wire_list w = { start, 0 };
		size_t rlen;
		rc = simd_lib_call(s, SIMD_REQ_DOM_LIST, &w, sizeof(w), r, rmax, &rlen, NULL, 0, NULL);
		if (rc)
			goto out;
		if (rlen < sizeof(*r) || r->count > SIMD_LIST_MAX ||
		    rlen != sizeof(*r) + r->count * sizeof(struct wire_dominfo) ||
		    (r->next && r->next <= start)) {
			rc = XCTL_ERR_PROTO;
			goto out;
		}
		struct simd_domain_info *nv = realloc(v, (cnt + r->count + 1) * sizeof(*nv));
		if (!nv) {
			rc = XCTL_ERR_NOMEM;
			goto out;
		}
		v = nv;
		for (uint32_t i = 0; i < r->count; i++)
			from_wire(&r->info[i], &v[cnt++]);
		if (!r->next)
			break;
		start = r->next;
	}
	*out = v;
	*n = cnt;
	v = NULL;
out:
	free(v);
	free(r);
	return rc;
}

int simd_host_info(struct simd *s, struct simd_host_info *out)
{
	struct wire_hostinfo r;
	int rc = simd_lib_call(s, SIMD_REQ_HOST_INFO, NULL, 0, &r, sizeof(r), NULL, NULL, 0, NULL);
	if (rc)
		return rc;
	out->total_kib = r.total_kib;
	out->free_kib = r.free_kib;
	out->nr_cpus = r.nr_cpus;
	out->nr_domains = r.nr_domains;
	out->xen_major = r.xen_major;
	out->xen_minor = r.xen_minor;
	out->started_ns = r.started_ns;
	out->pid = r.pid;
	return 0;
}

static int mem(struct simd *s, uint32_t type, uint32_t domid, uint64_t kib)
{
	struct wire_mem w = { domid, 0, kib };
	return simd_lib_call(s, type, &w, sizeof(w), NULL, 0, NULL, NULL, 0, NULL);
}

int simd_mem_set_max(struct simd *s, uint32_t domid, uint64_t max_kib)
{
	return mem(s, SIMD_REQ_MEM_SET_MAX, domid, max_kib);
}

int simd_mem_set_target(struct simd *s, uint32_t domid, uint64_t target_kib)
{
	return mem(s, SIMD_REQ_MEM_SET_TARGET, domid, target_kib);
}

int simd_vcpu_set_online(struct simd *s, uint32_t domid, uint32_t n)
{
	struct wire_vcpu_online w = { domid, n };
	return simd_lib_call(s, SIMD_REQ_VCPU_SET_ONLINE, &w, sizeof(w), NULL, 0, NULL, NULL, 0, NULL);
}

int simd_vcpu_set_affinity(struct simd *s, uint32_t domid, uint32_t vcpu, const struct simd_cpumap *hard,
			   const struct simd_cpumap *soft)
{
	struct wire_affinity w = { 0 };
	w.domid = domid;
	w.vcpu = vcpu;
	if (hard) {
		w.which |= 1;
		w.hard = *hard;
	}
	if (soft) {
		w.which |= 2;
		w.soft = *soft;
	}
	return simd_lib_call(s, SIMD_REQ_VCPU_SET_AFFINITY, &w, sizeof(w), NULL, 0, NULL, NULL, 0, NULL);
}

int simd_vcpu_list(struct simd *s, uint32_t domid, struct simd_vcpu_info **out, size_t *n)
{
	size_t rmax = sizeof(struct wire_vcpu_reply) + SIMD_MAX_VCPUS * sizeof(struct wire_vcpuinfo);
	struct wire_vcpu_reply *r = malloc(rmax);
	if (!r)
		return XCTL_ERR_NOMEM;
	struct wire_list w = { domid, 0 };
	size_t rlen;
	int rc = simd_lib_call(s, SIMD_REQ_VCPU_LIST, &w, sizeof(w), r, rmax, &rlen, NULL, 0, NULL);
	if (!rc && (rlen < sizeof(*r) || r->count > SIMD_MAX_VCPUS ||
		    rlen != sizeof(*r) + r->count * sizeof(struct wire_vcpuinfo)))
		rc = XCTL_ERR_PROTO;
	struct simd_vcpu_info *v = NULL;
	if (!rc && !(v = calloc(r->count ? r->count : 1, sizeof(*v))))
		rc = XCTL_ERR_NOMEM;
	for (uint32_t i = 0; !rc && i < r->count; i++) {
		v[i].vcpu = r->vcpu[i].vcpu;
		v[i].online = r->vcpu[i].online;
		v[i].running = r->vcpu[i].running;
		v[i].cpu = r->vcpu[i].cpu;
		v[i].cpu_time_ns = r->vcpu[i].cpu_time_ns;
		v[i].hard = r->vcpu[i].hard;
		v[i].soft = r->vcpu[i].soft;
	}
	if (!rc) {
		*out = v;
		*n = r->count;
	}
	free(r);
	return rc;
}

/* ---- the state watch ---------------------------------------------- */

struct simd_watch {
	struct simd *conn;
};

int simd_watch_open(struct simd *s, struct simd_watch **out)
{
	struct simd *c = NULL;
	int rc;
	if (s->dir[0] && s->domid == 0)
		rc = simd_open(s->dir, &c);
	else /* a guest: a second connection of its own domain */
		rc = simd_guest_attach(s, SIMD_DOMID_SELF, &c);
	if (rc)
		return rc;
	if ((rc = simd_lib_call(c, SIMD_REQ_WATCH, NULL, 0, NULL, 0, NULL, NULL, 0, NULL))) {
		simd_close(c);
		return rc;
	}
	struct simd_watch *w = calloc(1, sizeof(*w));
	if (!w) {
		simd_close(c);
		return XCTL_ERR_NOMEM;
	}
	w->conn = c;
	*out = w;
	return 0;
}

int simd_watch_fd(const struct simd_watch *w)
{
	return w->conn->fd;
}

int simd_watch_read(struct simd_watch *w, struct simd_event *ev, int timeout_ms)
{
	struct pollfd pfd = { w->conn->fd, POLLIN, 0 };
	int n;
	while ((n = poll(&pfd, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	if (n == 0)
		return XCTL_ERR_TIMEOUT;
	unsigned char buf[sizeof(struct simd_wire_hdr) + sizeof(struct wire_event)];
	ssize_t k = recv(w->conn->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (k <= 0)
		return k < 0 && errno == EAGAIN ? XCTL_ERR_TIMEOUT : XCTL_ERR_IO;
	struct simd_wire_hdr h;
	struct wire_event e;
	if ((size_t)k != sizeof(buf))
		return XCTL_ERR_PROTO;
	memcpy(&h, buf, sizeof(h));
	memcpy(&e, buf + sizeof(h), sizeof(e));
	if (h.type != SIMD_MSG_EVENT || h.len != sizeof(e))
		return XCTL_ERR_PROTO;
	ev->kind = (enum simd_event_kind)e.kind;
	ev->domid = e.domid;
	ev->flags = e.flags;
	ev->shutdown_reason = e.shutdown_reason;
	ev->gen = e.gen;
	return 0;
}

void simd_watch_close(struct simd_watch *w)
{
	if (!w)
		return;
	simd_close(w->conn);
	free(w);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int simd_domain_wait(struct simd *s, uint32_t domid, uint32_t any_flags, int timeout_ms,
		     struct simd_domain_info *out)
{
	struct simd_watch *w;
	int rc = simd_watch_open(s, &w);
	if (rc)
		return rc;
	int64_t end = timeout_ms < 0 ? 0 : now_ms() + timeout_ms;
	struct simd_domain_info info;
	/* The watch is open before the first look: no change can be missed. */
	for (;;) {
		rc = simd_domain_info(s, domid, &info);
		if (rc == XCTL_ERR_NOTFOUND) {
			rc = any_flags ? XCTL_ERR_NOTFOUND : 0;
			break;
		}
		if (rc)
			break;
		if (any_flags && (info.flags & any_flags)) {
			if (out)
				*out = info;
			break;
		}
		struct simd_event ev;
		do {
			int left = timeout_ms < 0 ? -1 : (int)(end - now_ms());
			if (timeout_ms >= 0 && left <= 0) {
				rc = XCTL_ERR_TIMEOUT;
				break;
			}
			rc = simd_watch_read(w, &ev, left);
		} while (!rc && ev.kind != SIMD_EV_OVERFLOW && ev.domid != domid);
		if (rc)
			break;
	}
	simd_watch_close(w);
	return rc;
}
