/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-xenstored: the daemon's shared types.
 *
 * Layout of the sources (one responsibility each):
 *   htab.c     keyed hash table
 *   wire.c     message framing, argument splitting, error names, paths
 *   store.c    the node tree (nodes by path, children lists, generations)
 *   view.c     access to the tree directly or through a transaction overlay
 *   ops.c      READ/WRITE/MKDIR/RM/DIRECTORY/PERMS handlers
 *   txn.c      TRANSACTION_START/END, commit validation
 *   watch.c    watches, the watch index and event delivery
 *   domain.c   INTRODUCE/RELEASE/... and the per-domain sockets
 *   request.c  the dispatcher, CONTROL, trace
 *   conn.c     connections: input framing, output queues, limits
 *   io.c       the sockets of a round read, then written, in batches (io_uring)
 *   state.c    --state save/load
 *   main.c     options, event loop, signals
 *
 * Request handlers return 0 or a POSITIVE errno value (EINVAL, EACCES, ...)
 * which is sent to the client as an XS_ERROR reply; every other function
 * follows common/err.h (0 or a negative enum xctl_err). */
#ifndef XSD_H
#define XSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <xen/io/xs_wire.h>

#include "common/log.h"
#include "sim/xenstored/htab.h"

#define XSD_DOMID_MAX 0x7FF0u /* DOMID_FIRST_RESERVED */
#define XSD_IN_MAX (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)

/* Permission bits of one entry. OWNER is never stored, only computed. */
#define XSD_PERM_NONE 0u
#define XSD_PERM_READ 1u
#define XSD_PERM_WRITE 2u
#define XSD_PERM_OWNER 4u

/* Limits; defaults in xsd_limits_default() follow Xen 4.17's xenstored. */
struct xsd_limits {
	uint32_t nodes_per_domain;  /* nodes owned by one guest domain */
	uint32_t value_size;        /* bytes in one node value */
	uint32_t path_max;          /* characters of a path below a domain's home */
	uint32_t perms_per_node;    /* entries in a permission list */
	uint32_t watches_per_domain;  /* watches of one guest connection */
	uint32_t txns_per_conn;     /* open transactions of one guest connection */
	uint32_t txn_nodes;         /* nodes one guest transaction may touch */
	uint32_t outstanding;       /* unread replies before input is paused */
	uint32_t out_bytes;         /* unread bytes before input is paused */
	uint32_t events_queued;     /* unread watch events before disconnect */
	uint32_t stall_ms;          /* no progress on a full queue -> disconnect */
	uint32_t conns;             /* connections in total */
	uint32_t conns_per_domain;  /* connections on one domain socket */
};

struct xsd_perm {
	uint32_t id;
	uint32_t perm : 8;  /* XSD_PERM_READ | XSD_PERM_WRITE, maybe XSD_PERM_IGNORE */
	uint32_t slot : 24; /* in a node of the store: its place in the domain's mentions */
};

/* An entry naming a domain that did not exist when it was set: kept and
 * shown, never matched (Xen's XS_PERM_IGNORE). */
#define XSD_PERM_IGNORE 0x10u

/* One node. The header never moves once allocated, so a node's address is
 * its identity for as long as it is in the store: its children are found
 * by (parent address, name), and the lists of nodes naming a domain hold
 * addresses. The block holds the header, then the node's permissions, its
 * name (the last path component, NUL-terminated) and its value (followed
 * by a NUL). When new content does not fit the block, the permissions and
 * the value go to a block of their own ("ext": the header is followed by
 * a pointer to it, then the name). Nodes do not keep their path, so memory
 * per node does not grow with depth. The children names (each
 * NUL-terminated, in creation order, as Xen's record) are a separate
 * buffer. A node in the store has its parent set; a copy kept by a
 * transaction has none. */
struct xsd_node {
	struct xsd_node *hnext;   /* the store's hash chain */
	struct xsd_node *parent;  /* NULL: the root, or a detached copy */
	char *children;           /* NULL when clen == 0 */
	uint64_t gen;             /* changes whenever the node changes (0 = never) */
	uint32_t clen;
	uint32_t vlen;
	uint16_t nperms;          /* perms[0] is the owner and the default */
	uint16_t namelen;
	uint8_t ext;              /* permissions and value in a block of their own */
	uint8_t olisted;          /* in its owner's mentions (xsd_mentions) */
};

static inline const struct xsd_perm *xsd_node_perms(const struct xsd_node *n)
{
	const struct xsd_perm *b = (const struct xsd_perm *)(n + 1);
	if (n->ext)
		memcpy(&b, n + 1, sizeof(b));
	return b;
}

static inline const char *xsd_node_name(const struct xsd_node *n)
{
	if (n->ext)
		return (const char *)(n + 1) + sizeof(void *);
	return (const char *)(xsd_node_perms(n) + n->nperms);
}

static inline const char *xsd_node_value(const struct xsd_node *n)
{
	if (n->ext)
		return (const char *)(xsd_node_perms(n) + n->nperms);
	return xsd_node_name(n) + n->namelen + 1;
}

/* The size of the node as Xen 4.17 stores it (struct xs_tdb_record_hdr,
 * one struct xs_permissions per entry, the value, the children names):
 * the unit of its per-node quota (quota-max-entry-size). */
#define XSD_RECORD_HDR 24u
#define XSD_RECORD_PERM 8u
static inline uint64_t xsd_record_size(uint32_t nperms, uint32_t vlen, uint32_t clen)
{
	return XSD_RECORD_HDR + (uint64_t)XSD_RECORD_PERM * nperms + vlen + clen;
}

/* The nodes whose permission list names one domain (1..XSD_DOMID_MAX-1):
 * once per entry naming it while the entry grants something, and, for the
 * owner entry, only where the node's parent has another owner (the top of
 * each subtree the domain owns: what is below goes with it). What the
 * release of the domain must visit, so that it costs what the domain owns
 * and is named in, not the size of the tree. Each listed entry holds its
 * place here (xsd_perm.slot). */
struct xsd_mentions {
	struct xsd_node **v;
	uint32_t n, cap;
};

struct xsd_store {
	struct xsd_node **buckets; /* by (parent, name) */
	size_t nbuckets, count;    /* count: nodes in the table (the root is not) */
	uint64_t k0, k1;           /* random hash key */
	struct xsd_node *root;
	uint64_t gen;
	uint32_t *owned;           /* [XSD_DOMID_MAX + 1] nodes owned per domain */
	struct xsd_mentions *ment; /* [XSD_DOMID_MAX] */
	uint64_t value_bytes;
};

struct xsd_tent;
struct xsd_tevent;

struct xsd_txn {
	struct xsd_txn *next;
	uint32_t id;
	struct xsd_htab ents;   /* path -> struct xsd_tent */
	uint32_t nents;
	struct xsd_tevent *events, **events_tail;
	int64_t owned_delta;    /* change of the connection domain's node count */
	bool fail;              /* a quota was broken: the commit is ENOMEM */
	bool node_created;      /* the node quota is checked at commit */
};

struct xsd_watch {
	struct xsd_watch *cnext;          /* connection's list */
	struct xsd_watch *inext, *iprev;  /* watch index list for the same path */
	struct xsd_conn *conn;
	char *path;                       /* absolute, or @special */
	char *token;
	bool relative;                    /* events are reported relative */
};

struct xsd_omsg {
	struct xsd_omsg *next;
	uint32_t len, off;
	bool event;
	uint32_t cause;     /* an event: the guest whose request caused it (0: none) */
	uint64_t cause_req; /* and that request */
	const char *key;    /* an event: "PATH TOKEN", the duplicate check's key */
	char data[];
};

enum xsd_kind { XSD_K_MAIN, XSD_K_DOMSOCK, XSD_K_CONN, XSD_K_SIGNAL };

struct xsd_pollable {
	enum xsd_kind kind;
};

struct xsd_domain;

struct xsd_conn {
	struct xsd_pollable pk;
	struct xsd_conn *next, *prev;     /* all connections */
	struct xsd_conn *dnext;           /* connections of the same domain */
	uint64_t id;
	int fd;                            /* -1 for an in-process connection */
	uint32_t domid;                    /* the identity it acts as */
	struct xsd_domain *dom;            /* NULL on the main socket */
	char in[XSD_IN_MAX];
	uint32_t in_len;
	struct xsd_omsg *out_head, *out_tail;
	uint64_t out_bytes;
	uint32_t out_replies, out_events;
	uint32_t epoll_mask;
	int64_t stall_since;               /* ms; 0 = not stalled */
	struct xsd_watch *watches;
	uint32_t nwatches;
	struct xsd_htab *pending_events;   /* key -> struct xsd_omsg, for send_event's check */
	struct xsd_txn *txns;
	uint32_t ntxns, next_txid;
	uint64_t fire_stamp;               /* per-event permission cache */
	bool fire_ok;
	bool dead;                         /* to be closed at the end of the round */
	const char *dead_why;
};

struct xsd_domain {
	struct xsd_pollable pk;
	uint32_t domid;
	bool introduced;
	bool shutdown;
	uint32_t target;                   /* XSD_DOMID_MAX = none */
	uint64_t mfn;
	uint32_t evtchn;
	int lfd;                            /* listening per-domain socket */
	char *sock_path;
	struct xsd_conn *conns;
	uint32_t nconns;
	uint32_t nwatches;                 /* of all its connections */
	/* Xen's nboutstanding: replies queued to its connections plus its
	 * requests whose watch events are still queued somewhere. */
	uint32_t outstanding;
	struct xsd_preq *preq;             /* those requests */
	uint32_t npreq, capreq;
};

struct xsd_preq {
	uint64_t req;
	uint32_t events;
};

struct xsd_stats {
	uint64_t requests, errors, events, conns_total, disconnects;
	uint64_t ring_batches; /* batches of socket I/O through io_uring */
};

struct xsd_io; /* io.c */

struct xsd {
	struct xctl_log *log;
	struct xsd_limits lim;
	struct xsd_store store;
	struct xsd_htab watch_index;       /* path -> struct xsd_watch (head) */
	struct xsd_conn *conns;
	uint32_t nconns;
	uint64_t next_conn_id;
	struct xsd_domain **doms;          /* [XSD_DOMID_MAX] */
	struct xsd_perm *special_perms[2]; /* @introduceDomain, @releaseDomain */
	uint32_t special_nperms[2];
	int epfd;
	struct xsd_pollable main_pk, sig_pk;
	int lfd, sigfd;
	const char *sock_path;
	const char *domain_dir;
	FILE *trace;
	uint64_t fire_stamp;
	struct xsd_domain *cause;          /* the guest whose request fires events now */
	uint64_t req_serial;               /* requests so far */
	bool stop;
	struct xsd_stats stats;
	struct xsd_io *io;                 /* NULL: one system call a socket read or write */
};

/* --- wire.c --- */
const char *xsd_type_name(uint32_t type);
int xsd_errno_from_name(const char *name); /* -1 if unknown */
const char *xsd_errno_name(int e);         /* one of xs_wire.h's names */
/* Split a payload into NUL-terminated strings; returns the count, or -1 if
 * the payload does not end with a NUL. At most max strings are stored. */
int xsd_split(const char *body, uint32_t len, const char **argv, int max);
/* Canonical absolute path of a client-supplied path, into out (size
 * outsz). Relative paths are taken against the home of domid. Returns 0 or
 * EINVAL (bad characters, "//", trailing '/', too long). */
int xsd_canon(const struct xsd *d, uint32_t domid, const char *in, char *out, size_t outsz);
void xsd_home(uint32_t domid, char *out, size_t outsz);
int xsd_parse_domid(const char *s, uint32_t *out); /* 0 or EINVAL */
char xsd_perm_char(uint8_t perm);
int xsd_perm_parse(const char *s, struct xsd_perm *out); /* 0 or EINVAL */

/* --- store.c --- */
int xsd_store_init(struct xsd_store *st);
void xsd_store_free(struct xsd_store *st);
size_t xsd_store_nodes(const struct xsd_store *st); /* including the root */
struct xsd_node *xsd_store_get(const struct xsd_store *st, const char *path);
struct xsd_node *xsd_store_child(const struct xsd_store *st, const struct xsd_node *parent,
				 const char *name);
/* A detached node (no parent, no children). NULL if out of memory. */
struct xsd_node *xsd_node_new(const char *name, const struct xsd_perm *p, uint32_t np,
			      const char *val, uint32_t vlen);
/* A detached copy, children included. */
struct xsd_node *xsd_node_dup(const struct xsd_node *n);
void xsd_node_free(struct xsd_node *n);
/* Edits of a detached node: the node (never moved), or NULL when out of
 * memory (then n is unchanged). */
struct xsd_node *xsd_node_set_value(struct xsd_node *n, const char *v, uint32_t len);
struct xsd_node *xsd_node_set_perms(struct xsd_node *n, const struct xsd_perm *p, uint32_t np);
/* Children lists never move the node. */
int xsd_node_add_child(struct xsd_node *n, const char *name);
void xsd_node_del_child(struct xsd_node *n, const char *name);
/* A copy of a permission list: never NULL on success, even for np == 0. */
struct xsd_perm *xsd_perms_dup(const struct xsd_perm *p, uint32_t np);
/* The node's owner: its first permission entry (0 if it has none). */
uint32_t xsd_node_owner(const struct xsd_node *n);
const char *xsd_basename(const char *path);
/* Parent path of path (not "/") into out. */
void xsd_parent(const char *path, char *out, size_t outsz);
/* The path of a node in the store, into out (size XENSTORE_ABS_PATH_MAX + 1
 * at least). */
void xsd_node_path(const struct xsd_node *n, char *out, size_t outsz);
/* Store mutations: they keep the owner counts and generations right.
 * insert: n is detached; its parent (found by path) must exist; the
 * caller lists it in the parent. remove: the node must have no children in
 * the store. */
int xsd_store_insert(struct xsd_store *st, const char *path, struct xsd_node *n);
int xsd_store_insert_at(struct xsd_store *st, struct xsd_node *parent, struct xsd_node *n);
void xsd_store_remove(struct xsd_store *st, const char *path);
/* Edits of a node in the store; each returns the node (never moved), or
 * NULL if out of memory (nothing changed). */
struct xsd_node *xsd_store_set_value(struct xsd_store *st, struct xsd_node *n, const char *v,
				     uint32_t len);
struct xsd_node *xsd_store_set_perms(struct xsd_store *st, struct xsd_node *n,
				     const struct xsd_perm *p, uint32_t np);
/* Give the live node the content of the detached n (consumed). */
struct xsd_node *xsd_store_replace(struct xsd_store *st, struct xsd_node *live, struct xsd_node *n);
void xsd_store_touch(struct xsd_store *st, struct xsd_node *n);
/* Visit every node (the root first). fn may not change the tree. */
typedef void (*xsd_node_fn)(const struct xsd_node *n, void *arg);
void xsd_store_each(const struct xsd_store *st, xsd_node_fn fn, void *arg);
/* A domain goes (domain_tree_remove() and the permission entries naming
 * it): its entries in the lists of other owners' nodes become inert
 * (XSD_PERM_IGNORE), and *paths gets the paths of the topmost nodes it
 * owns (none of their ancestors is its), sorted, for the caller to remove
 * with their subtrees. Costs what the domain is named in. 0 or
 * XCTL_ERR_NOMEM (then nothing changed). */
int xsd_store_release(struct xsd_store *st, uint32_t domid, char ***paths, size_t *npaths);

/* --- view.c --- */
struct xsd_view {
	struct xsd *d;
	struct xsd_conn *conn;
	struct xsd_txn *txn; /* NULL: the live tree */
};
/* The node at path as the view sees it, NULL if absent (err 0) or on error
 * (a transaction's node limit: ENOSPC, or ENOMEM). The pointer is valid
 * until the next change through the view. */
const struct xsd_node *xsd_view_get(struct xsd_view *v, const char *path, int *err);
/* Changes, each 0 or a positive errno. For a guest, a change whose node
 * record (xsd_record_size) would reach the limit value_size is ENOSPC, as
 * Xen's write_node_raw; in a transaction, ENOSPC and ENOMEM also mark it
 * failed, so that it can never commit partly. create consumes n (detached)
 * on success; the parent must list it (add_child) first. */
int xsd_view_create(struct xsd_view *v, const char *path, struct xsd_node *n);
int xsd_view_delete(struct xsd_view *v, const char *path);
int xsd_view_set_value(struct xsd_view *v, const char *path, const char *val, uint32_t len);
int xsd_view_set_perms(struct xsd_view *v, const char *path, const struct xsd_perm *p, uint32_t np);
int xsd_view_add_child(struct xsd_view *v, const char *path, const char *name);
int xsd_view_del_child(struct xsd_view *v, const char *path, const char *name);
/* A quota failure: marks the transaction failed (Xen's fail_transaction). */
int xsd_view_fail(struct xsd_view *v, int err);
/* A change to report to watches: now, or at commit in a transaction. */
int xsd_view_event(struct xsd_view *v, const char *path, bool exact,
		   const struct xsd_perm *perms, uint32_t nperms);
uint32_t xsd_perm_for(const struct xsd *d, const struct xsd_conn *c,
		      const struct xsd_perm *p, uint32_t np);
bool xsd_privileged(const struct xsd_conn *c);

/* --- ops.c --- */
int xsd_op_read(struct xsd_view *v, const char *path, struct xsd_node const **out);
int xsd_op_write(struct xsd_view *v, const char *path, const char *val, uint32_t len);
int xsd_op_mkdir(struct xsd_view *v, const char *path);
int xsd_op_rm(struct xsd_view *v, const char *path);
int xsd_op_get_perms(struct xsd_view *v, const char *path, const struct xsd_node **out);
int xsd_op_set_perms(struct xsd_view *v, const char *path, const struct xsd_perm *p, uint32_t np);
/* Delete path and its subtree (firing their events); the caller removes
 * path from its parent's children list. */
int xsd_rm_tree(struct xsd_view *v, const char *path);

/* --- txn.c --- */
int xsd_txn_start(struct xsd *d, struct xsd_conn *c, uint32_t *id);
int xsd_txn_end(struct xsd *d, struct xsd_conn *c, struct xsd_txn *t, bool commit);
struct xsd_txn *xsd_txn_find(struct xsd_conn *c, uint32_t id);
void xsd_txn_free_all(struct xsd_conn *c);
uint32_t xsd_txn_size(const struct xsd_txn *t);

/* --- watch.c --- */
int xsd_watch_add(struct xsd *d, struct xsd_conn *c, const char *path, const char *token);
int xsd_watch_del(struct xsd *d, struct xsd_conn *c, const char *path, const char *token);
void xsd_watch_del_all(struct xsd *d, struct xsd_conn *c);
/* The event every new watch gets at once (sent after the WATCH reply). */
void xsd_watch_first_event(struct xsd *d, struct xsd_conn *c);
/* Deliver events for a change of path. exact: only watches on path itself;
 * otherwise watches on path and its ancestors. perms: the node's
 * permissions before a deletion (NULL: read the node now). */
void xsd_fire(struct xsd *d, struct xsd_conn *cause, const char *path, bool exact,
	      const struct xsd_perm *perms, uint32_t nperms);
int xsd_special_index(const char *path); /* 0, 1 or -1 */

/* --- domain.c --- */
int xsd_dom_introduce(struct xsd *d, uint32_t domid, uint64_t mfn, uint32_t evtchn);
int xsd_dom_release(struct xsd *d, uint32_t domid);
/* A domain was shut down (dying false) or is dying: fire @releaseDomain as
 * Xen does after VIRQ_DOM_EXC. 0 or ENOENT (not introduced). */
int xsd_dom_state(struct xsd *d, uint32_t domid, bool dying);
int xsd_dom_accept(struct xsd *d, struct xsd_domain *dom);
void xsd_dom_free_all(struct xsd *d);
struct xsd_domain *xsd_dom_get(const struct xsd *d, uint32_t domid);

/* --- request.c --- */
void xsd_request(struct xsd *d, struct xsd_conn *c, const struct xsd_sockmsg *h, const char *body);
void xsd_trace(struct xsd *d, const struct xsd_conn *c, const char *dir,
	       const struct xsd_sockmsg *h, const char *body);

/* --- conn.c --- */
struct xsd_conn *xsd_conn_new(struct xsd *d, int fd, uint32_t domid, struct xsd_domain *dom);
void xsd_conn_kill(struct xsd *d, struct xsd_conn *c, const char *why);
void xsd_conn_free(struct xsd *d, struct xsd_conn *c);
void xsd_reap(struct xsd *d);
/* Queue a message; parts are concatenated into the payload. */
int xsd_send(struct xsd *d, struct xsd_conn *c, uint32_t type, uint32_t req_id,
	     uint32_t tx_id, const void *p1, uint32_t l1, const void *p2, uint32_t l2);
void xsd_send_error(struct xsd *d, struct xsd_conn *c, const struct xsd_sockmsg *h, int err);
/* Queue a watch event "path\0token\0" (send_event()); 0, or 1 when it was
 * dropped (a duplicate, or the guest's queue is full), or an error. */
int xsd_send_event(struct xsd *d, struct xsd_conn *c, const char *path, const char *token);
void xsd_conn_update_mask(struct xsd *d, struct xsd_conn *c);
/* Consume input bytes already in c->in: dispatch every complete request
 * allowed by the limits. Returns 0, or XCTL_ERR_PROTO (close it). */
int xsd_conn_process(struct xsd *d, struct xsd_conn *c);
/* Write c's output until the socket takes no more (system calls), then
 * watch for what the connection waits for (xsd_conn_update_mask). */
void xsd_conn_flush(struct xsd *d, struct xsd_conn *c);
/* c's queued output as at most max iovecs; their count. */
int xsd_conn_out_iov(const struct xsd_conn *c, struct iovec *iov, int max);
/* A write of xsd_conn_out_iov's iovecs returned w (or -1 with err): the
 * messages written leave the queue. True when it took bytes and more is
 * queued: write again. */
bool xsd_conn_wrote(struct xsd *d, struct xsd_conn *c, ssize_t w, int err);
/* Whether c's socket is to be read now: a live socket connection, not
 * throttled, with room in its input buffer. */
bool xsd_conn_wants_input(const struct xsd *d, const struct xsd_conn *c);
/* A read of c's socket into c->in + c->in_len returned r (or -1 with
 * err): 0 closes the connection. */
void xsd_conn_read_done(struct xsd *d, struct xsd_conn *c, ssize_t r, int err);
/* *now_ms: the time in ms, or -1 until a stalled connection needs it (the
 * clock is read then: in a Xen PV dom0 reading it may cost a system call). */
void xsd_conn_check_stall(struct xsd *d, struct xsd_conn *c, int64_t *now_ms);
int64_t xsd_now_ms(void);
bool xsd_conn_throttled(const struct xsd *d, const struct xsd_conn *c);
bool xsd_conn_pending(const struct xsd *d, const struct xsd_conn *c);

/* --- io.c --- */
#define XSD_IO_BATCH 64 /* connections in one batch */
/* Batches of at least ring_min sockets go through io_uring (0: none; 2
 * is the default: for one socket, io_uring_enter() costs more than the
 * read() or writev() it replaces; measured on one CPU, a single client's
 * rate fell by 14-17% through the ring). When the kernel refuses the ring,
 * the daemon says so and uses system calls. 0 or XCTL_ERR_NOMEM. */
int xsd_io_init(struct xsd *d, unsigned ring_min);
void xsd_io_fini(struct xsd *d);
const char *xsd_io_kind(const struct xsd *d); /* "uring" or "syscalls" */
/* Read the sockets of the (at most XSD_IO_BATCH) connections that want
 * input, all at once; the requests are not processed. */
void xsd_io_read(struct xsd *d, struct xsd_conn *const *cs, unsigned n);
/* Write the output of each connection, all at once, and then watch for
 * what each waits for. */
void xsd_io_flush(struct xsd *d, struct xsd_conn *const *cs, unsigned n);

/* --- state.c --- */
int xsd_state_save(struct xsd *d, const char *path);
int xsd_state_load(struct xsd *d, const char *path);

/* --- core (main.c helpers usable by tests/fuzzers) --- */
void xsd_limits_default(struct xsd_limits *l);
int xsd_init(struct xsd *d, struct xctl_log *log);
void xsd_fini(struct xsd *d);

#endif
