/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-simd internals: the daemon's state and its parts.
 *
 *   main.c      options, start-up, the event loop
 *   srv_conn.c  connections: accept, read, parse, dispatch, replies, watches
 *   srv_dom.c   domains, memory, vcpus, the guest process
 *   srv_gnt.c   guest pages, grant tables, grant map/unmap/copy
 *   srv_evt.c   event channels
 *   srv_xs.c    the xenstored client (INTRODUCE, RELEASE, CONTROL)
 *   srv_spawn.c the spawner: starts and reaps the guest processes
 *   proto.c     the request table and parser (shared with libsimd) */
#ifndef XCTL_SIMD_SRV_H
#define XCTL_SIMD_SRV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/log.h"
#include "sim/simd/proto.h"

#define SRV_MAX_CONNS 4096
#define SRV_OUTQ_MAX 16        /* queued replies after which input pauses */
#define SRV_EVQ_MAX 256        /* queued events of a watch before overflow */
#define SRV_MAPS_PER_CONN 4096 /* grant maps one connection may hold */
#define SRV_GFN_BASE 0x40000u  /* first frame number of a domain's pages */
#define SRV_DOM0_KIB (1024u * 1024u)
#define SRV_CONNS_PER_DOMAIN 16  /* guest connections of one domain */
#define SRV_FD_RESERVE 1024       /* descriptors kept for connections and the rest */

struct srv;
struct srv_dom;

struct srv_page {
	struct srv *sv;
	uint32_t refs;          /* the owner's table + active grant entries + copies */
	int fd;                 /* memfd of 4096 bytes, sealed against resizing */
	void *map;              /* simd's own mapping, made on first use */
	uint64_t gfn;
};

struct srv_active {             /* Xen's active grant entry */
	uint32_t pin_r, pin_w;  /* maps (read-only / writable) */
	uint32_t domid;         /* the domain that pinned it */
	struct srv_page *page;  /* the frame found at the first pin */
};

struct srv_port {
	uint8_t state;          /* enum simd_evtchn_state */
	uint32_t remote_dom, remote_port;
	int efd_in, efd_out;    /* this end reads efd_in, notifies efd_out */
	struct srv_conn *owner; /* a dom0 connection that bound it, or NULL */
};

struct srv_msg {
	struct srv_msg *next;
	size_t len;
	int nfds;
	int fds[SIMD_WIRE_MAX_FDS];
	unsigned char buf[];
};

struct srv_map {
	uint32_t handle;
	uint32_t domid;         /* granting domain */
	uint32_t count;
	bool readonly;
	uint32_t refs[SIMD_MAP_MAX_REFS];
};

struct srv_conn {
	struct srv_conn *prev, *next;
	int fd;
	uint32_t domid;         /* who it acts as */
	bool guest;             /* a guest connection (socketpair) */
	bool watch;             /* turned into a watch by SIMD_REQ_WATCH */
	bool dead;
	bool in_paused;         /* EPOLLIN off while its output is queued */
	bool overflow;          /* watch events dropped */
	bool is_spawned_guest;  /* the connection of the spawned guest process */
	struct srv_msg *outq, *outq_tail;
	uint32_t noutq;
	struct srv_map *maps;
	uint32_t nmaps, maps_cap;
};

struct srv_vcpu {
	bool online;
	struct simd_cpumap hard, soft;
};

struct srv_dom {
	uint32_t domid;
	uint8_t uuid[16];
	uint32_t type;
	char name[64];
	uint32_t pause_count;
	bool shutdown, dying;
	uint32_t reason;
	uint64_t max_kib, target_kib;
	uint32_t max_vcpus;
	struct srv_vcpu *vcpus;
	uint64_t created_ns;
	uint32_t gen;
	/* memory */
	struct srv_page **pages;  /* index gfn - SRV_GFN_BASE */
	uint32_t npages_slots, nr_pages, max_pages;
	/* grant table: one memfd of max_frames pages, mapped by simd and guest */
	int gt_fd;
	grant_entry_v1_t *gt;
	uint32_t gt_frames, gt_max_frames;
	struct srv_active **act;  /* gt_max_frames chunks of 512 entries, each calloc()ed on first use */
	uint32_t maps_of_it, maps_by_it;
	/* event channels */
	struct srv_port *ports;   /* index = port; ports[0] unused */
	uint32_t nports_cap, max_port, nr_ports;
	/* builder's pages and ports */
	struct srv_page *console_page, *store_page;
	uint32_t console_port, store_port;
	/* guest process */
	pid_t guest_pid;
	bool guest_spawned, guest_connected;
	uint64_t cpu_ns_dead;     /* cpu time of a guest process that has ended */
	struct srv_conn *guest_conn;
	bool introduced;
};

/* Replies are built in a struct srv_reply by the handlers. */
struct srv_reply {
	int rc;
	unsigned char body[SIMD_WIRE_MAX_BODY];
	uint32_t len;
	int fds[SIMD_WIRE_MAX_FDS];
	int nfds;                 /* fds are dup()ed by the handler and closed after sending */
	char msg[SIMD_ERRMSG_MAX];
};
struct srv {
	struct xctl_log *log;
	const char *dir;
	char sock_path[108];
	char xs_path[108];
	char guest_prog[512];     /* "" : no guest process */
	int lfd, epfd, sigfd;
	uid_t uid;
	bool stopping;
	uint64_t total_kib;
	uint32_t nr_cpus;
	uint64_t started_ns;
	struct srv_dom **doms;    /* SIMD_DOMID_MAX + 1 */
	uint32_t ndoms, next_domid;
	uint32_t next_handle;
	struct srv_conn *conns;
	uint32_t nconns;
	int spawn_fd;             /* the spawner's socket, -1 if none */
	pid_t spawn_pid;
	int xs_fd;                /* connection to xenstored, -1 if none */
	uint32_t xs_req_id;
	bool xs_warned;
	unsigned char inbuf[SIMD_WIRE_MAX + 1];
	struct srv_reply reply;
	uint64_t used_kib;        /* targets of the live domains */
	uint64_t fds_used, fds_max; /* descriptors of pages and eventfds, and their bound */
};

/* srv_conn.c */
struct srv_conn *srv_conn_new(struct srv *sv, int fd, uint32_t domid, bool guest);
void srv_conn_input(struct srv *sv, struct srv_conn *c);
void srv_conn_output(struct srv *sv, struct srv_conn *c);
void srv_conn_kill(struct srv *sv, struct srv_conn *c);
void srv_conn_reap(struct srv *sv);
void srv_conn_free_all(struct srv *sv);
void srv_broadcast(struct srv *sv, struct srv_dom *d, uint32_t kind);
int srv_fail(struct srv_reply *r, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int srv_reply_add(struct srv_reply *r, const void *p, size_t n);
int srv_reply_fd(struct srv_reply *r, int fd); /* dups fd */

/* srv_dom.c */
uint64_t srv_now_ns(void);
struct srv_dom *srv_dom_get(struct srv *sv, uint32_t domid); /* NULL for missing or dom0 */
uint64_t srv_free_kib(const struct srv *sv);
int srv_dom_handle(struct srv *sv, struct srv_conn *c, const struct simd_req_msg *m, struct srv_reply *r);
void srv_dom_fill_info(struct srv *sv, uint32_t domid, struct wire_dominfo *wi);
void srv_dom_child_exited(struct srv *sv); /* SIGCHLD: the spawner died? */
void srv_dom_guest_exited(struct srv *sv, pid_t pid, int status, uint64_t cpu_ns);
void srv_dom_guest_gone(struct srv *sv, struct srv_dom *d); /* its connection closed */
void srv_dom_maybe_finish(struct srv *sv, struct srv_dom *d); /* dying and unmapped: remove */
void srv_dom_destroy_all(struct srv *sv);
void srv_dom_free_all(struct srv *sv);

/* Take n descriptors from the budget of pages and eventfds; false if it is spent. */
bool srv_fds_take(struct srv *sv, uint32_t n);
void srv_fds_give(struct srv *sv, uint32_t n);

/* srv_gnt.c */
int srv_gnt_handle(struct srv *sv, struct srv_conn *c, const struct simd_req_msg *m, struct srv_reply *r);
int srv_gnt_dom_init(struct srv *sv, struct srv_dom *d);
struct srv_page *srv_page_new(struct srv *sv, struct srv_dom *d); /* into d's table */
void srv_page_put(struct srv_page *p);
void srv_gnt_set_builder_entries(struct srv_dom *d);
void srv_gnt_conn_gone(struct srv *sv, struct srv_conn *c); /* release its maps */
void srv_gnt_dom_release(struct srv *sv, struct srv_dom *d); /* at destroy */
void srv_gnt_dom_free(struct srv_dom *d);

/* srv_evt.c */
int srv_evt_handle(struct srv *sv, struct srv_conn *c, const struct simd_req_msg *m, struct srv_reply *r);
int srv_evt_alloc(struct srv *sv, struct srv_dom *d, uint32_t remote_dom, struct srv_conn *owner,
		  uint32_t *port, char *msg, size_t msgsz);
void srv_evt_conn_gone(struct srv *sv, struct srv_conn *c);
void srv_evt_dom_release(struct srv *sv, struct srv_dom *d);
/* The port table of a domain id (dom0 included). */
struct srv_port *srv_evt_port(struct srv *sv, uint32_t domid, uint32_t port);

/* srv_spawn.c */
int srv_spawner_start(struct srv *sv);
void srv_spawner_stop(struct srv *sv);
void srv_spawner_input(struct srv *sv);
/* Start the guest of domid with its connection and log; its pid or -1. */
pid_t srv_spawn(struct srv *sv, uint32_t domid, int sock, int logfd);
/* Wait until the spawner reports pid's exit (it was sent SIGKILL); its cpu ns. */
uint64_t srv_spawn_wait(struct srv *sv, pid_t pid);

/* srv_xs.c */
void srv_xs_introduce(struct srv *sv, struct srv_dom *d);
void srv_xs_release(struct srv *sv, struct srv_dom *d);
void srv_xs_state(struct srv *sv, struct srv_dom *d, const char *state);
void srv_xs_close(struct srv *sv);
/* Write the nodes dom0's boot leaves on a real host (xen-init-dom0, dom0's kernel). */
void srv_xs_boot_dom0(struct srv *sv);

#endif
