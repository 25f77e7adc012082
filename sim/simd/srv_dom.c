/* SPDX-License-Identifier: LGPL-2.1-only */
/* Domains of xctl-simd: ids, state, memory, vcpus, the guest process. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "sim/simd/srv.h"

uint64_t srv_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct srv_dom *srv_dom_get(struct srv *sv, uint32_t domid)
{
	return domid <= SIMD_DOMID_MAX ? sv->doms[domid] : NULL;
}

uint64_t srv_free_kib(const struct srv *sv)
{
	uint64_t used = SRV_DOM0_KIB + sv->used_kib;
	return used >= sv->total_kib ? 0 : sv->total_kib - used;
}

/* The domain a request names: SIMD_DOMID_SELF is the caller's; a guest
 * may name only itself. */
static struct srv_dom *lookup(struct srv *sv, struct srv_conn *c, uint32_t domid, struct srv_reply *r)
{
	if (domid == SIMD_DOMID_SELF)
		domid = c->domid;
	if (c->guest && domid != c->domid) {
		srv_fail(r, XCTL_ERR_PERM, "domain %u may not act on domain %u", c->domid, domid);
		return NULL;
	}
	struct srv_dom *d = srv_dom_get(sv, domid);
	if (!d)
		srv_fail(r, XCTL_ERR_NOTFOUND, "domain %u does not exist", domid);
	return d;
}

/* A guest domain (not dom0) that is not dying. */
static struct srv_dom *lookup_guest(struct srv *sv, struct srv_conn *c, uint32_t domid, struct srv_reply *r)
{
	struct srv_dom *d = lookup(sv, c, domid, r);
	if (d && d->domid == 0) {
		srv_fail(r, XCTL_ERR_INVAL, "domain 0 cannot be changed that way");
		return NULL;
	}
	if (d && d->dying) {
		srv_fail(r, XCTL_ERR_BUSY, "domain %u is being destroyed", d->domid);
		return NULL;
	}
	return d;
}

static void changed(struct srv *sv, struct srv_dom *d)
{
	d->gen++;
	srv_broadcast(sv, d, SIMD_EV_CHANGED);
}

/* ---- guest process ------------------------------------------------ */

static void guest_signal(struct srv_dom *d, int sig)
{
	if (d->guest_pid > 0)
		kill(d->guest_pid, sig);
}

static bool runnable(const struct srv_dom *d)
{
	return d->pause_count == 0 && !d->shutdown && !d->dying;
}

static void spawn_guest(struct srv *sv, struct srv_dom *d)
{
	d->guest_spawned = true;
	if (!sv->guest_prog[0] || access(sv->guest_prog, X_OK))
		return;
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp)) {
		xctl_err_log(sv->log, "domain %u: cannot start its guest: socketpair: %s", d->domid,
			     strerror(errno));
		return;
	}
	char logp[512];
	snprintf(logp, sizeof(logp), "%s/%s/guest-%u.log", sv->dir, SIMD_LOG_SUBDIR, d->domid);
	int logfd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	pid_t pid = srv_spawn(sv, d->domid, sp[1], logfd);
	if (logfd >= 0)
		close(logfd);
	close(sp[1]);
	if (pid < 0) {
		xctl_err_log(sv->log, "domain %u: cannot start its guest %s: %s", d->domid, sv->guest_prog,
			     strerror(errno));
		close(sp[0]);
		return;
	}
	struct srv_conn *c = srv_conn_new(sv, sp[0], d->domid, true);
	if (!c) {
		close(sp[0]);
		kill(pid, SIGKILL);
	} else {
		d->guest_conn = c;
		c->is_spawned_guest = true;
	}
	d->guest_pid = pid;
	xctl_debug(sv->log, "domain %u: guest process %d started (%s)", d->domid, (int)pid, sv->guest_prog);
}

/* utime+stime and the state letter of a live process, from /proc. */
static void proc_stat(pid_t pid, uint64_t *cpu_ns, char *state)
{
	char p[64], buf[512];
	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	*cpu_ns = 0;
	*state = '?';
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	char *e = strrchr(buf, ')');
	if (!e || e[1] != ' ')
		return;
	*state = e[2];
	unsigned long long ut = 0, st = 0;
	/* fields after the name: state ppid pgrp session tty tpgid flags minflt
	 * cminflt majflt cmajflt utime stime */
	if (sscanf(e + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2) {
		long hz = sysconf(_SC_CLK_TCK);
		*cpu_ns = (ut + st) * (1000000000ull / (uint64_t)(hz > 0 ? hz : 100));
	}
}

void srv_dom_child_exited(struct srv *sv)
{
	/* xctl-simd's only child is the spawner */
	int status;
	if (sv->spawn_pid > 0 && waitpid(sv->spawn_pid, &status, WNOHANG) == sv->spawn_pid) {
		xctl_err_log(sv->log, "the guest spawner (pid %d) died: no more guest processes can start",
			     (int)sv->spawn_pid);
		sv->spawn_pid = 0;
	}
}

void srv_dom_guest_exited(struct srv *sv, pid_t pid, int status, uint64_t cpu_ns)
{
	for (uint32_t i = 1; i <= SIMD_DOMID_MAX; i++) {
		struct srv_dom *d = sv->doms[i];
		if (!d || d->guest_pid != pid)
			continue;
		d->guest_pid = 0;
		d->cpu_ns_dead += cpu_ns;
		if (d->dying || d->shutdown) {
			changed(sv, d);
			return;
		}
		/* It died without SCHEDOP_shutdown: the domain crashed. */
		xctl_warn(sv->log, "domain %u: guest process %d %s %d without shutting down: domain crashed", i,
			  (int)pid, WIFSIGNALED(status) ? "killed by signal" : "exited with status",
			  WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		d->shutdown = true;
		d->reason = SIMD_SHUTDOWN_CRASH;
		changed(sv, d);
		srv_xs_state(sv, d, "shutdown");
		return;
	}
}

void srv_dom_guest_gone(struct srv *sv, struct srv_dom *d)
{
	d->guest_conn = NULL;
	if (d->guest_connected) {
		d->guest_connected = false;
		if (!d->dying)
			changed(sv, d);
	}
}

/* ---- info --------------------------------------------------------- */

void srv_dom_fill_info(struct srv *sv, uint32_t domid, struct wire_dominfo *wi)
{
	memset(wi, 0, sizeof(*wi));
	struct srv_dom *d = srv_dom_get(sv, domid);
	if (!d)
		return;
	wi->domid = d->domid;
	memcpy(wi->uuid, d->uuid, sizeof(wi->uuid));
	memcpy(wi->name, d->name, sizeof(wi->name));
	wi->type = d->type;
	uint64_t cpu = 0;
	char st = 'S';
	if (d->guest_pid > 0)
		proc_stat(d->guest_pid, &cpu, &st);
	cpu += d->cpu_ns_dead;
	uint32_t f = 0;
	if (d->domid == 0) {
		f = SIMD_DOMF_RUNNING;
	} else {
		if (d->pause_count || d->dying) /* Xen's domain_kill pauses it */
			f |= SIMD_DOMF_PAUSED;
		if (d->shutdown)
			f |= SIMD_DOMF_SHUTDOWN;
		if (d->dying)
			f |= SIMD_DOMF_DYING;
		if (runnable(d))
			f |= (d->guest_pid > 0 && st == 'R') ? SIMD_DOMF_RUNNING : SIMD_DOMF_BLOCKED;
	}
	wi->flags = f;
	wi->shutdown_reason = d->shutdown ? d->reason : 0;
	wi->max_kib = d->max_kib;
	wi->target_kib = d->dying ? 0 : d->target_kib;
	wi->max_vcpus = d->max_vcpus;
	for (uint32_t v = 0; v < d->max_vcpus; v++)
		wi->online_vcpus += d->vcpus[v].online;
	wi->cpu_time_ns = cpu;
	wi->created_ns = d->created_ns;
	wi->gen = d->gen;
	wi->console_port = d->console_port;
	wi->store_port = d->store_port;
	wi->console_gfn = d->console_page ? d->console_page->gfn : 0;
	wi->store_gfn = d->store_page ? d->store_page->gfn : 0;
	wi->nr_grant_frames = d->gt_frames;
	wi->max_grant_frames = d->gt_max_frames;
	wi->maps_of_it = d->maps_of_it;
	wi->maps_by_it = d->maps_by_it;
	wi->nr_ports = d->nr_ports;
	wi->nr_pages = d->nr_pages;
	wi->guest_pid = d->guest_pid;
	wi->guest_connected = d->guest_connected;
}

/* ---- create and destroy ------------------------------------------ */

static uint32_t alloc_domid(struct srv *sv)
{
	/* Like Xen's: the next id after the last one given, not reused at once. */
	for (uint32_t n = 0; n < SIMD_DOMID_MAX; n++) {
		uint32_t id = sv->next_domid;
		sv->next_domid = id >= SIMD_DOMID_MAX ? 1 : id + 1;
		if (!sv->doms[id])
			return id;
	}
	return 0;
}

static void dom_free(struct srv *sv, struct srv_dom *d)
{
	srv_gnt_dom_free(d);
	for (uint32_t p = 1; p < d->nports_cap; p++) {
		if (d->ports[p].state == SIMD_EVTCHN_CLOSED)
			continue;
		close(d->ports[p].efd_in);
		close(d->ports[p].efd_out);
		srv_fds_give(sv, 2);
	}
	free(d->ports);
	free(d->vcpus);
	free(d);
}

static int dom_create(struct srv *sv, const struct wire_create *w, struct srv_reply *r)
{
	uint64_t target = w->target_kib ? w->target_kib : w->max_kib;
	uint32_t vcpus = w->vcpus ? w->vcpus : w->max_vcpus;
	uint32_t gframes = w->max_grant_frames ? w->max_grant_frames : SIMD_DEFAULT_MAX_GRANT_FRAMES;
	uint32_t maxport = w->max_evtchn_port ? w->max_evtchn_port : SIMD_DEFAULT_MAX_EVTCHN_PORT;
	uint32_t maxpages = w->max_pages ? w->max_pages : 1024;
	if (w->type > SIMD_TYPE_HVM)
		return srv_fail(r, XCTL_ERR_INVAL, "domain type %u is not pv (0), pvh (1) or hvm (2)", w->type);
	if (w->max_kib < 1024 || w->max_kib > sv->total_kib)
		return srv_fail(r, XCTL_ERR_INVAL,
				"maximum memory %llu KiB is out of range (1024 to the host's %llu KiB)",
				(unsigned long long)w->max_kib, (unsigned long long)sv->total_kib);
	if (target > w->max_kib)
		return srv_fail(r, XCTL_ERR_INVAL, "memory target %llu KiB is above the maximum %llu KiB",
				(unsigned long long)target, (unsigned long long)w->max_kib);
	if (w->max_vcpus < 1 || w->max_vcpus > SIMD_MAX_VCPUS || vcpus > w->max_vcpus)
		return srv_fail(r, XCTL_ERR_INVAL, "vcpus %u of max %u: max must be 1 to %u, online at most max",
				vcpus, w->max_vcpus, SIMD_MAX_VCPUS);
	if (gframes > SIMD_MAX_GRANT_FRAMES)
		return srv_fail(r, XCTL_ERR_INVAL, "max_grant_frames %u is above the limit %u", gframes,
				SIMD_MAX_GRANT_FRAMES);
	if (maxport < 16 || maxport > 4095)
		return srv_fail(r, XCTL_ERR_INVAL, "max_evtchn_port %u is out of range (16 to 4095)", maxport);
	if (maxpages < 2 || maxpages > 65536)
		return srv_fail(r, XCTL_ERR_INVAL, "max_pages %u is out of range (2 to 65536)", maxpages);
	if (target > srv_free_kib(sv))
		return srv_fail(r, XCTL_ERR_LIMIT,
				"cannot create a domain of %llu KiB: the host has %llu KiB free of %llu KiB",
				(unsigned long long)target, (unsigned long long)srv_free_kib(sv),
				(unsigned long long)sv->total_kib);
	uint32_t domid = w->domid;
	if (domid) {
		if (domid > SIMD_DOMID_MAX)
			return srv_fail(r, XCTL_ERR_INVAL, "domain id %u is out of range (1 to %u)", domid,
					SIMD_DOMID_MAX);
		if (sv->doms[domid])
			return srv_fail(r, XCTL_ERR_EXISTS, "domain id %u is in use", domid);
	} else if (!(domid = alloc_domid(sv))) {
		return srv_fail(r, XCTL_ERR_LIMIT, "no free domain id (all %u in use)", SIMD_DOMID_MAX);
	}
	struct srv_dom *d = calloc(1, sizeof(*d));
	if (!d || !(d->vcpus = calloc(w->max_vcpus, sizeof(*d->vcpus)))) {
		free(d);
		return srv_fail(r, XCTL_ERR_NOMEM, "out of memory creating a domain");
	}
	d->domid = domid;
	memcpy(d->uuid, w->uuid, sizeof(d->uuid));
	memcpy(d->name, w->name, sizeof(d->name));
	d->name[sizeof(d->name) - 1] = '\0';
	d->type = w->type;
	d->pause_count = 1;
	d->max_kib = w->max_kib;
	d->target_kib = target;
	d->max_vcpus = w->max_vcpus;
	for (uint32_t v = 0; v < w->max_vcpus; v++) {
		d->vcpus[v].online = v < vcpus;
		for (uint32_t cpu = 0; cpu < sv->nr_cpus; cpu++) {
			d->vcpus[v].hard.bits[cpu / 64] |= 1ull << (cpu % 64);
			d->vcpus[v].soft.bits[cpu / 64] |= 1ull << (cpu % 64);
		}
	}
	d->created_ns = srv_now_ns();
	d->gt_max_frames = gframes;
	d->max_port = maxport;
	uint64_t cap = target / 4;
	d->max_pages = maxpages < cap ? maxpages : (uint32_t)cap;
	d->gt_fd = -1;
	char msg[160];
	int rc = srv_gnt_dom_init(sv, d);
	if (rc) {
		dom_free(sv, d);
		return srv_fail(r, rc, "domain %u: cannot set up its grant table and pages", domid);
	}
	sv->doms[domid] = d;
	/* The builder's ports: store first (1), then console (2), for dom0. */
	if ((rc = srv_evt_alloc(sv, d, 0, NULL, &d->store_port, msg, sizeof(msg))) ||
	    (rc = srv_evt_alloc(sv, d, 0, NULL, &d->console_port, msg, sizeof(msg)))) {
		sv->doms[domid] = NULL;
		dom_free(sv, d);
		return srv_fail(r, rc, "domain %u: %s", domid, msg);
	}
	srv_gnt_set_builder_entries(d);
	sv->ndoms++;
	sv->used_kib += target;
	srv_xs_introduce(sv, d);
	xctl_info(sv->log, "domain %u%s%s%s created: %llu KiB (max %llu), %u vcpus", domid, d->name[0] ? " (" : "",
		  d->name, d->name[0] ? ")" : "", (unsigned long long)target, (unsigned long long)d->max_kib,
		  vcpus);
	srv_broadcast(sv, d, SIMD_EV_CREATED);
	return srv_reply_add(r, &(struct wire_domid){ domid, 0 }, sizeof(struct wire_domid));
}

void srv_dom_maybe_finish(struct srv *sv, struct srv_dom *d)
{
	if (!d->dying || d->maps_of_it)
		return;
	sv->doms[d->domid] = NULL;
	sv->ndoms--;
	srv_broadcast(sv, d, SIMD_EV_DESTROYED);
	xctl_info(sv->log, "domain %u is gone", d->domid);
	dom_free(sv, d);
}

/* End the guest process now, so that it is gone when destroy returns. */
static void reap_guest(struct srv *sv, struct srv_dom *d)
{
	if (d->guest_pid <= 0)
		return;
	pid_t pid = d->guest_pid;
	d->guest_pid = 0;
	kill(pid, SIGKILL);
	d->cpu_ns_dead += srv_spawn_wait(sv, pid);
}

static void dom_destroy(struct srv *sv, struct srv_dom *d)
{
	reap_guest(sv, d);
	for (struct srv_conn *c = sv->conns; c; c = c->next)
		if (c->guest && c->domid == d->domid)
			srv_conn_kill(sv, c);
	d->dying = true;
	sv->used_kib -= d->target_kib;
	srv_evt_dom_release(sv, d);
	srv_gnt_dom_release(sv, d);
	srv_xs_release(sv, d);
	xctl_info(sv->log, "domain %u destroyed%s", d->domid,
		  d->maps_of_it ? " (dying until its mapped grants are unmapped)" : "");
	changed(sv, d);
	srv_dom_maybe_finish(sv, d);
}

void srv_dom_destroy_all(struct srv *sv)
{
	for (uint32_t i = 1; i <= SIMD_DOMID_MAX; i++)
		if (sv->doms[i] && !sv->doms[i]->dying)
			dom_destroy(sv, sv->doms[i]);
}

void srv_dom_free_all(struct srv *sv)
{
	for (uint32_t i = 0; i <= SIMD_DOMID_MAX; i++) {
		if (!sv->doms[i])
			continue;
		reap_guest(sv, sv->doms[i]);
		dom_free(sv, sv->doms[i]);
		sv->doms[i] = NULL;
	}
}

/* ---- state -------------------------------------------------------- */

static int dom_shutdown(struct srv *sv, struct srv_dom *d, uint32_t reason, struct srv_reply *r)
{
	if (reason >= SIMD_SHUTDOWN_NR)
		return srv_fail(r, XCTL_ERR_INVAL, "shutdown reason %u is not one of Xen's (0 to %d)", reason,
				SIMD_SHUTDOWN_NR - 1);
	if (d->shutdown)
		return srv_fail(r, XCTL_ERR_BUSY, "domain %u is already shut down (%s)", d->domid,
				simd_shutdown_name((int)d->reason));
	d->shutdown = true;
	d->reason = reason;
	guest_signal(d, SIGSTOP);
	xctl_info(sv->log, "domain %u shut down: %s", d->domid, simd_shutdown_name((int)reason));
	changed(sv, d);
	srv_xs_state(sv, d, "shutdown");
	return 0;
}

static int set_target(struct srv *sv, struct srv_dom *d, uint64_t kib, struct srv_reply *r)
{
	if (kib > d->max_kib)
		return srv_fail(r, XCTL_ERR_INVAL,
				"domain %u: memory target %llu KiB is above its maximum %llu KiB", d->domid,
				(unsigned long long)kib, (unsigned long long)d->max_kib);
	if (kib < (uint64_t)d->nr_pages * 4)
		return srv_fail(r, XCTL_ERR_INVAL,
				"domain %u: memory target %llu KiB is below the %u KiB of pages it holds",
				d->domid, (unsigned long long)kib, d->nr_pages * 4);
	if (kib > d->target_kib && kib - d->target_kib > srv_free_kib(sv))
		return srv_fail(r, XCTL_ERR_LIMIT,
				"domain %u: cannot raise the memory target from %llu to %llu KiB: the host has "
				"%llu KiB free",
				d->domid, (unsigned long long)d->target_kib, (unsigned long long)kib,
				(unsigned long long)srv_free_kib(sv));
	sv->used_kib = sv->used_kib - d->target_kib + kib;
	d->target_kib = kib;
	changed(sv, d);
	return 0;
}

static int vcpu_list(struct srv *sv, struct srv_dom *d, struct srv_reply *r)
{
	uint64_t cpu = d->cpu_ns_dead;
	char st = 'S';
	if (d->guest_pid > 0) {
		proc_stat(d->guest_pid, &cpu, &st);
		cpu += d->cpu_ns_dead;
	}
	uint32_t online = 0;
	for (uint32_t v = 0; v < d->max_vcpus; v++)
		online += d->vcpus[v].online;
	struct { uint32_t count, pad; } h = { d->max_vcpus, 0 };
	int rc = srv_reply_add(r, &h, sizeof(h));
	for (uint32_t v = 0; v < d->max_vcpus && !rc; v++) {
		struct wire_vcpuinfo vi = { 0 };
		vi.vcpu = v;
		vi.online = d->vcpus[v].online;
		vi.running = vi.online && runnable(d) && st == 'R';
		/* the first cpu of its hard affinity */
		for (uint32_t c = 0; c < sv->nr_cpus; c++)
			if (d->vcpus[v].hard.bits[c / 64] & (1ull << (c % 64))) {
				vi.cpu = c;
				break;
			}
		vi.cpu_time_ns = vi.online && online ? cpu / online : 0;
		vi.hard = d->vcpus[v].hard;
		vi.soft = d->vcpus[v].soft;
		rc = srv_reply_add(r, &vi, sizeof(vi));
	}
	return rc;
}

static int set_affinity(struct srv *sv, struct srv_dom *d, const struct wire_affinity *a, struct srv_reply *r)
{
	if (a->vcpu >= d->max_vcpus)
		return srv_fail(r, XCTL_ERR_INVAL, "domain %u has no vcpu %u (it has %u)", d->domid, a->vcpu,
				d->max_vcpus);
	if (a->which & ~3u)
		return srv_fail(r, XCTL_ERR_INVAL, "affinity: unknown mask selector %#x", a->which);
	struct simd_cpumap host = { { 0 } }, hard = a->hard, soft = a->soft;
	for (uint32_t c = 0; c < sv->nr_cpus; c++)
		host.bits[c / 64] |= 1ull << (c % 64);
	bool any = false;
	for (int i = 0; i < SIMD_CPUMAP_WORDS; i++) {
		hard.bits[i] &= host.bits[i];
		soft.bits[i] &= host.bits[i];
		any |= hard.bits[i] != 0;
	}
	if ((a->which & 1) && !any)
		return srv_fail(r, XCTL_ERR_INVAL,
				"domain %u vcpu %u: the hard affinity names none of the host's %u cpus", d->domid,
				a->vcpu, sv->nr_cpus);
	if (a->which & 1)
		d->vcpus[a->vcpu].hard = hard;
	if (a->which & 2)
		d->vcpus[a->vcpu].soft = soft;
	changed(sv, d);
	return 0;
}

static int host_info(struct srv *sv, struct srv_reply *r)
{
	struct wire_hostinfo hi = { 0 };
	hi.total_kib = sv->total_kib;
	hi.free_kib = srv_free_kib(sv);
	hi.nr_cpus = sv->nr_cpus;
	hi.nr_domains = sv->ndoms + 1;
	hi.xen_major = 4;
	hi.xen_minor = 17;
	hi.started_ns = sv->started_ns;
	hi.pid = (int32_t)getpid();
	return srv_reply_add(r, &hi, sizeof(hi));
}

static int dom_list(struct srv *sv, uint32_t start, struct srv_reply *r)
{
	struct wire_list_reply h = { 0, 0 };
	uint32_t hoff = r->len;
	int rc = srv_reply_add(r, &h, sizeof(h));
	for (uint32_t i = start; i <= SIMD_DOMID_MAX && !rc; i++) {
		if (!sv->doms[i])
			continue;
		if (h.count == SIMD_LIST_MAX) {
			h.next = i;
			break;
		}
		struct wire_dominfo wi;
		srv_dom_fill_info(sv, i, &wi);
		rc = srv_reply_add(r, &wi, sizeof(wi));
		h.count++;
	}
	memcpy(r->body + hoff, &h, sizeof(h));
	return rc;
}

static int guest_attach(struct srv *sv, struct srv_dom *d, struct srv_reply *r)
{
	uint32_t n = 0;
	for (struct srv_conn *c = sv->conns; c; c = c->next)
		n += c->guest && !c->dead && c->domid == d->domid;
	if (n >= SRV_CONNS_PER_DOMAIN)
		return srv_fail(r, XCTL_ERR_LIMIT, "domain %u has %u connections already, its limit", d->domid, n);
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp))
		return srv_fail(r, XCTL_ERR_IO, "domain %u: socketpair: %s", d->domid, strerror(errno));
	struct srv_conn *c = srv_conn_new(sv, sp[0], d->domid, true);
	if (!c) {
		close(sp[0]);
		close(sp[1]);
		return srv_fail(r, XCTL_ERR_LIMIT, "too many connections");
	}
	int rc = srv_reply_fd(r, sp[1]);
	close(sp[1]);
	return rc;
}

int srv_dom_handle(struct srv *sv, struct srv_conn *c, const struct simd_req_msg *m, struct srv_reply *r)
{
	struct wire_domid wd = { 0, 0 };
	if (m->desc->body_min == sizeof(wd) && m->hdr.len == sizeof(wd))
		memcpy(&wd, m->body, sizeof(wd));
	struct srv_dom *d;
	switch (m->hdr.type) {
	case SIMD_REQ_DOM_CREATE: {
		struct wire_create w;
		memcpy(&w, m->body, sizeof(w));
		return dom_create(sv, &w, r);
	}
	case SIMD_REQ_DOM_DESTROY:
		if (!(d = lookup_guest(sv, c, wd.domid, r)))
			return r->rc;
		dom_destroy(sv, d);
		return 0;
	case SIMD_REQ_DOM_PAUSE:
		if (!(d = lookup_guest(sv, c, wd.domid, r)))
			return r->rc;
		if (d->pause_count >= 255)
			return srv_fail(r, XCTL_ERR_LIMIT, "domain %u is paused 255 times already", d->domid);
		if (d->pause_count++ == 0)
			guest_signal(d, SIGSTOP);
		changed(sv, d);
		return 0;
	case SIMD_REQ_DOM_UNPAUSE:
		if (!(d = lookup_guest(sv, c, wd.domid, r)))
			return r->rc;
		if (d->pause_count == 0)
			return srv_fail(r, XCTL_ERR_INVAL, "domain %u is not paused", d->domid);
		if (--d->pause_count == 0 && !d->shutdown) {
			if (!d->guest_spawned)
				spawn_guest(sv, d);
			else
				guest_signal(d, SIGCONT);
		}
		changed(sv, d);
		return 0;
	case SIMD_REQ_DOM_SHUTDOWN: {
		struct wire_shutdown w;
		memcpy(&w, m->body, sizeof(w));
		if (!(d = lookup_guest(sv, c, w.domid, r)))
			return r->rc;
		return dom_shutdown(sv, d, w.reason, r);
	}
	case SIMD_REQ_DOM_RESUME:
		if (!(d = lookup_guest(sv, c, wd.domid, r)))
			return r->rc;
		if (!d->shutdown || d->reason != SIMD_SHUTDOWN_SUSPEND)
			return srv_fail(r, XCTL_ERR_INVAL, "domain %u is not suspended", d->domid);
		d->shutdown = false;
		if (d->pause_count == 0)
			guest_signal(d, SIGCONT);
		changed(sv, d);
		return 0;
	case SIMD_REQ_DOM_INFO: {
		if (!(d = lookup(sv, c, wd.domid, r)))
			return r->rc;
		struct wire_dominfo wi;
		srv_dom_fill_info(sv, d->domid, &wi);
		return srv_reply_add(r, &wi, sizeof(wi));
	}
	case SIMD_REQ_DOM_LIST: {
		struct wire_list wl;
		memcpy(&wl, m->body, sizeof(wl));
		return dom_list(sv, wl.start, r);
	}
	case SIMD_REQ_HOST_INFO:
		return host_info(sv, r);
	case SIMD_REQ_MEM_SET_MAX:
	case SIMD_REQ_MEM_SET_TARGET: {
		struct wire_mem w;
		memcpy(&w, m->body, sizeof(w));
		if (!(d = lookup_guest(sv, c, w.domid, r)))
			return r->rc;
		if (m->hdr.type == SIMD_REQ_MEM_SET_TARGET)
			return set_target(sv, d, w.kib, r);
		if (w.kib < d->target_kib || w.kib > sv->total_kib)
			return srv_fail(r, XCTL_ERR_INVAL,
					"domain %u: maximum memory %llu KiB must be from its target %llu KiB to "
					"the host's %llu KiB",
					d->domid, (unsigned long long)w.kib, (unsigned long long)d->target_kib,
					(unsigned long long)sv->total_kib);
		d->max_kib = w.kib;
		changed(sv, d);
		return 0;
	}
	case SIMD_REQ_VCPU_SET_ONLINE: {
		struct wire_vcpu_online w;
		memcpy(&w, m->body, sizeof(w));
		if (!(d = lookup_guest(sv, c, w.domid, r)))
			return r->rc;
		if (w.n < 1 || w.n > d->max_vcpus)
			return srv_fail(r, XCTL_ERR_INVAL, "domain %u: %u vcpus online: must be 1 to its %u",
					d->domid, w.n, d->max_vcpus);
		for (uint32_t v = 0; v < d->max_vcpus; v++)
			d->vcpus[v].online = v < w.n;
		changed(sv, d);
		return 0;
	}
	case SIMD_REQ_VCPU_SET_AFFINITY: {
		struct wire_affinity w;
		memcpy(&w, m->body, sizeof(w));
		if (!(d = lookup_guest(sv, c, w.domid, r)))
			return r->rc;
		return set_affinity(sv, d, &w, r);
	}
	case SIMD_REQ_VCPU_LIST: {
		struct wire_list wl;
		memcpy(&wl, m->body, sizeof(wl));
		if (!(d = lookup(sv, c, wl.start, r)))
			return r->rc;
		return vcpu_list(sv, d, r);
	}
	case SIMD_REQ_GUEST_ATTACH:
		if (!(d = lookup_guest(sv, c, wd.domid, r)))
			return r->rc;
		return guest_attach(sv, d, r);
	case SIMD_REQ_GUEST_READY:
		if (!(d = lookup_guest(sv, c, c->domid, r)))
			return r->rc;
		if (!d->guest_connected) {
			d->guest_connected = true;
			if (!d->guest_conn)
				d->guest_conn = c;
			changed(sv, d);
		}
		return 0;
	case SIMD_REQ_GUEST_CONSOLE: {
		if (!(d = lookup_guest(sv, c, c->domid, r)))
			return r->rc;
		struct wire_console wc = { d->console_page->gfn, d->console_port, 0 };
		int rc = srv_reply_add(r, &wc, sizeof(wc));
		return rc ? rc : srv_reply_fd(r, d->console_page->fd);
	}
	case SIMD_REQ_GUEST_XENSTORE: {
		if (!(d = lookup_guest(sv, c, c->domid, r)))
			return r->rc;
		struct wire_xenstore wx = { d->store_page->gfn, d->store_port, 0, { 0 } };
		snprintf(wx.path, sizeof(wx.path), "%s/%s/%u", sv->dir, SIMD_DOMAIN_SOCKETS, d->domid);
		return srv_reply_add(r, &wx, sizeof(wx));
	}
	default:
		return srv_fail(r, XCTL_ERR_INTERNAL, "request %u has no handler", m->hdr.type);
	}
}
