/* SPDX-License-Identifier: LGPL-2.1-only */
/* The wire protocol of xctl-simd (docs/simd.md), shared by the daemon and
 * libsimd.
 *
 * SOCK_SEQPACKET unix sockets: one message per request, reply or event.
 * A message is struct simd_wire_hdr then exactly hdr.len bytes of body;
 * file descriptors travel as SCM_RIGHTS with the reply that names them.
 * Every body is a fixed struct of fixed-width fields (native byte order:
 * both ends are on one host), possibly followed by an array or data whose
 * size the fixed part gives. The request table (simd_req_table) gives each
 * type its body size bounds and who may send it; simd_proto_parse() checks
 * a received request against it before any handler sees it. */
#ifndef XCTL_SIMD_PROTO_H
#define XCTL_SIMD_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "sim/simd/simd.h"

#define SIMD_WIRE_MAGIC 0x53494d44u /* "SIMD" */
#define SIMD_WIRE_VERSION 1u

struct simd_wire_hdr {
	uint32_t type;   /* enum simd_req, or SIMD_MSG_REPLY / SIMD_MSG_EVENT */
	uint32_t id;     /* request id, echoed in the reply */
	int32_t rc;      /* replies: 0 or an enum xctl_err; requests: 0 */
	uint32_t len;    /* bytes of body that follow */
};

#define SIMD_WIRE_MAX_BODY (SIMD_COPY_MAX_SEGS * SIMD_PAGE_SIZE + 2048)
#define SIMD_WIRE_MAX (sizeof(struct simd_wire_hdr) + SIMD_WIRE_MAX_BODY)
#define SIMD_WIRE_MAX_FDS (SIMD_MAP_MAX_REFS + 2)
#define SIMD_ERRMSG_MAX 256

enum simd_req {
	SIMD_REQ_HELLO = 1,        /* -> wire_hello_reply; body: wire_hello */
	SIMD_REQ_DOM_CREATE,
	SIMD_REQ_DOM_DESTROY,
	SIMD_REQ_DOM_PAUSE,
	SIMD_REQ_DOM_UNPAUSE,
	SIMD_REQ_DOM_SHUTDOWN,
	SIMD_REQ_DOM_RESUME,
	SIMD_REQ_DOM_INFO,
	SIMD_REQ_DOM_LIST,
	SIMD_REQ_HOST_INFO,
	SIMD_REQ_MEM_SET_MAX,
	SIMD_REQ_MEM_SET_TARGET,
	SIMD_REQ_VCPU_SET_ONLINE,
	SIMD_REQ_VCPU_SET_AFFINITY,
	SIMD_REQ_VCPU_LIST,
	SIMD_REQ_WATCH,
	SIMD_REQ_GUEST_ATTACH,
	SIMD_REQ_GNT_MAP,
	SIMD_REQ_GNT_UNMAP,
	SIMD_REQ_GNT_COPY,
	SIMD_REQ_PAGE_ALLOC,
	SIMD_REQ_PAGE_FREE,
	SIMD_REQ_GNTTAB_SETUP,
	SIMD_REQ_EVT_ALLOC_UNBOUND,
	SIMD_REQ_EVT_BIND,
	SIMD_REQ_EVT_OPEN,
	SIMD_REQ_EVT_CLOSE,
	SIMD_REQ_EVT_STATUS,
	SIMD_REQ_GUEST_CONSOLE,
	SIMD_REQ_GUEST_XENSTORE,
	SIMD_REQ_GUEST_READY,
	SIMD_REQ_HOST_SHUTDOWN,
	SIMD_REQ_NR
};
#define SIMD_MSG_REPLY 0x80000001u
#define SIMD_MSG_EVENT 0x80000002u

/* Who may send a request. */
#define SIMD_WHO_DOM0 0x1u   /* domain 0 connections */
#define SIMD_WHO_GUEST 0x2u  /* guest connections */
#define SIMD_WHO_ANY (SIMD_WHO_DOM0 | SIMD_WHO_GUEST)

struct simd_req_desc {
	const char *name;
	uint32_t body_min, body_max;
	uint32_t who;
};
/* Indexed by enum simd_req; entry 0 is unused (name NULL). */
extern const struct simd_req_desc simd_req_table[SIMD_REQ_NR];

/* --- bodies --------------------------------------------------------- */

struct wire_hello {
	uint32_t magic, version;
};
struct wire_hello_reply {
	uint32_t magic, version, domid, pad;
};

struct wire_domid {          /* DESTROY PAUSE UNPAUSE RESUME INFO ATTACH */
	uint32_t domid;
	uint32_t pad;
};
struct wire_create {
	uint32_t domid, type;
	uint64_t max_kib, target_kib;
	uint32_t max_vcpus, vcpus, max_grant_frames, max_evtchn_port, max_pages, pad;
	uint8_t uuid[16];
	char name[64];
};
struct wire_shutdown {
	uint32_t domid, reason;
};
struct wire_mem {
	uint32_t domid, pad;
	uint64_t kib;
};
struct wire_vcpu_online {
	uint32_t domid, n;
};
struct wire_affinity {
	uint32_t domid, vcpu;
	uint32_t which, pad;      /* bit 0: hard given, bit 1: soft given */
	struct simd_cpumap hard, soft;
};
struct wire_list {
	uint32_t start, pad;      /* DOM_LIST: first domid; VCPU_LIST: domid */
};

struct wire_dominfo {
	uint32_t domid, type, flags, shutdown_reason;
	uint64_t max_kib, target_kib;
	uint32_t max_vcpus, online_vcpus;
	uint64_t cpu_time_ns, created_ns;
	uint32_t gen, console_port, store_port, nr_grant_frames;
	uint64_t console_gfn, store_gfn;
	uint32_t max_grant_frames, maps_of_it, maps_by_it, nr_ports;
	uint32_t nr_pages, guest_connected;
	int32_t guest_pid, pad;
	uint8_t uuid[16];
	char name[64];
};
#define SIMD_LIST_MAX 64
struct wire_list_reply {
	uint32_t count, next;     /* next: domid to continue from, 0 when done */
	struct wire_dominfo info[]; /* count entries */
};

struct wire_hostinfo {
	uint64_t total_kib, free_kib;
	uint32_t nr_cpus, nr_domains, xen_major, xen_minor;
	uint64_t started_ns;
	int32_t pid, pad;
};

struct wire_vcpuinfo {
	uint32_t vcpu, online, running, cpu;
	uint64_t cpu_time_ns;
	struct simd_cpumap hard, soft;
};
struct wire_vcpu_reply {
	uint32_t count, pad;
	struct wire_vcpuinfo vcpu[]; /* count entries */
};

struct wire_event {
	uint32_t kind, domid, flags, shutdown_reason, gen, pad;
};

struct wire_map {
	uint32_t domid, count, readonly, pad;
	uint32_t refs[SIMD_MAP_MAX_REFS];
};
struct wire_handle {
	uint32_t handle, pad;
};

/* GNT_COPY request: wire_copy, nsegs wire_copy_seg, then the bytes of
 * every segment whose source is local (in order). Reply: nsegs int16
 * statuses (padded to 8 bytes), then the bytes of every successful
 * segment whose destination is local. */
#define SIMD_COPY_LOCAL 0xFFFFFFFFu /* domid of a side that is the caller's buffer */
struct wire_copy {
	uint32_t nsegs, pad;
};
struct wire_copy_seg {
	uint32_t src_domid, src_ref, dst_domid, dst_ref;
	uint16_t src_offset, dst_offset, len, pad;
};

struct wire_gfn {             /* PAGE_ALLOC reply, PAGE_FREE request */
	uint64_t gfn;
};
struct wire_gnttab {          /* GNTTAB_SETUP request and reply */
	uint32_t nr_frames, max_frames;
};
struct wire_evt_alloc {
	uint32_t dom, remote_dom;
};
struct wire_evt_bind {
	uint32_t remote_dom, remote_port;
};
struct wire_port {            /* OPEN, CLOSE request; ALLOC, BIND, OPEN reply (+ 2 fds: in, out) */
	uint32_t port, pad;
};
struct wire_evt_status_req {
	uint32_t dom, port;
};
struct wire_evt_status {
	uint32_t state, remote_dom, remote_port, pad;
};
struct wire_console {
	uint64_t gfn;
	uint32_t port, pad;       /* + 1 fd: the ring page */
};
struct wire_xenstore {
	uint64_t gfn;
	uint32_t port, pad;
	char path[256];
};

/* A request as parsed: the header and its body, checked against the
 * table (type known, size within bounds, variable parts consistent). */
struct simd_req_msg {
	struct simd_wire_hdr hdr;
	const void *body;          /* hdr.len bytes */
	const struct simd_req_desc *desc;
};
/* Parse one received message of n bytes. 0, or XCTL_ERR_PROTO with a
 * reason in why. who is SIMD_WHO_DOM0 or SIMD_WHO_GUEST: a request the
 * sender may not make is XCTL_ERR_PERM. */
int simd_proto_parse(const void *buf, size_t n, uint32_t who, struct simd_req_msg *out, char *why,
		     size_t whysz);

#endif
