/* SPDX-License-Identifier: LGPL-2.1-only */
/* CONTROL: help, print, log, quota, stats, check, domain-state. Privileged only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "sim/xenstored/control.h"

#define LIM(field, dflt, what) { #field, offsetof(struct xsd_limits, field), dflt, what }

/* Defaults follow Xen 4.17's xenstored where it has the same quota. */
const struct xsd_limit_desc xsd_limit_table[] = {
	LIM(nodes_per_domain, 1000, "nodes one guest domain may own (Xen: quota-nodes)"),
	LIM(value_size, 2048, "bytes of a node record a guest writes: 24 + 8 per permission + value + "
			      "children names (Xen: quota-max-entry-size)"),
	LIM(path_max, XENSTORE_REL_PATH_MAX, "characters of a path beyond /local/domain/N/ (or in all), "
					     "for every connection (Xen: quota-path-max)"),
	LIM(perms_per_node, 5, "entries in a permission list set by a guest (Xen: quota-permissions)"),
	LIM(watches_per_domain, 128, "watches of one guest domain, one more allowed as Xen "
				     "(Xen: quota-watches)"),
	LIM(txns_per_conn, 10, "open transactions of one guest connection, one more allowed as Xen "
			       "(Xen: quota-transactions)"),
	LIM(txn_nodes, 1024, "nodes one guest transaction may touch (Xen: quota-transaction-nodes)"),
	LIM(outstanding, 20, "requests of a guest domain unanswered or with undelivered watch events "
			     "before its input is paused (Xen: quota-outstanding)"),
	LIM(out_bytes, 1048576, "unread bytes after which a client's input is paused"),
	LIM(events_queued, 1024, "unread watch events of a guest connection; more are dropped"),
	LIM(stall_ms, 30000, "ms a paused guest may go without reading before it is dropped"),
	LIM(conns, 1024, "connections in total"),
	LIM(conns_per_domain, 16, "connections on one domain's socket"),
};
const size_t xsd_limit_count = XCTL_ARRAY_SIZE(xsd_limit_table);

void xsd_limits_default(struct xsd_limits *l)
{
	for (size_t i = 0; i < xsd_limit_count; i++)
		*(uint32_t *)((char *)l + xsd_limit_table[i].offset) = xsd_limit_table[i].dflt;
}

uint32_t xsd_limit_get(const struct xsd_limits *l, size_t i)
{
	return *(const uint32_t *)((const char *)l + xsd_limit_table[i].offset);
}

int xsd_limit_set(struct xsd_limits *l, const char *name, const char *value)
{
	for (size_t i = 0; i < xsd_limit_count; i++) {
		if (strcmp(name, xsd_limit_table[i].name))
			continue;
		uint64_t v;
		if (xctl_parse_u64(value, 10, UINT32_MAX, &v) || v == 0)
			return XCTL_ERR_INVAL;
		*(uint32_t *)((char *)l + xsd_limit_table[i].offset) = (uint32_t)v;
		return 0;
	}
	return XCTL_ERR_NOTFOUND;
}

struct check_ctx {
	const struct xsd *d;
	char *out;
	size_t outsz;
	bool bad;
	uint64_t nodes;
	uint64_t children;
};

static void check_node(const struct xsd_node *n, void *arg)
{
	struct check_ctx *cc = arg;
	if (cc->bad)
		return;
	cc->nodes++;
	char path[XENSTORE_ABS_PATH_MAX + 1];
	if (n->nperms == 0) {
		xsd_node_path(n, path, sizeof(path));
		snprintf(cc->out, cc->outsz, "node %s has no permissions", path);
		cc->bad = true;
		return;
	}
	for (uint32_t off = 0; off < n->clen; off += (uint32_t)strlen(n->children + off) + 1) {
		cc->children++;
		if (!xsd_store_child(&cc->d->store, n, n->children + off)) {
			xsd_node_path(n, path, sizeof(path));
			snprintf(cc->out, cc->outsz, "node %s lists child %s which does not exist",
				 path, n->children + off);
			cc->bad = true;
			return;
		}
	}
}

void xsd_check_tree(const struct xsd *d, char *out, size_t outsz)
{
	struct check_ctx cc = { d, out, outsz, false, 0, 0 };
	xsd_store_each(&d->store, check_node, &cc);
	if (cc.bad)
		return;
	/* Every node but the root is somebody's child exactly once. */
	if (cc.children + 1 != cc.nodes) {
		snprintf(out, outsz, "%llu nodes but %llu child links",
			 (unsigned long long)cc.nodes, (unsigned long long)cc.children);
		return;
	}
	snprintf(out, outsz, "OK");
}

static int reply(struct xsd *d, struct xsd_conn *c, const struct xsd_sockmsg *h, struct xctl_buf *b)
{
	if (!b->p)
		return ENOMEM;
	uint32_t len = (uint32_t)(b->len < XENSTORE_PAYLOAD_MAX - 1 ? b->len : XENSTORE_PAYLOAD_MAX - 1);
	b->p[len] = '\0';
	xsd_send(d, c, h->type, h->req_id, h->tx_id, b->p, len + 1, NULL, 0);
	xctl_buf_free(b);
	return 0;
}

int xsd_control(struct xsd *d, struct xsd_conn *c, const struct xsd_sockmsg *h, const char *body)
{
	const char *argv[8];
	int argc = xsd_split(body, h->len, argv, 8);
	if (argc < 1)
		return EINVAL;
	const char *cmd = argv[0];
	struct xctl_buf b = { 0 };
	if (!strcmp(cmd, "help")) {
		xctl_buf_adds(&b, "commands:\n"
				  "  print TEXT          write TEXT to the log and the trace\n"
				  "  log LEVEL           set the log level (error warn info debug trace)\n"
				  "  quota [NAME VALUE]  show the limits, or set one\n"
				  "  stats               counters and sizes\n"
				  "  check               verify the tree is consistent\n"
				  "  domain-state DOMID shutdown|dying\n"
				  "                      the hypervisor says a domain changed state\n");
		return reply(d, c, h, &b);
	}
	if (!strcmp(cmd, "print")) {
		if (argc != 2)
			return EINVAL;
		xctl_info(d->log, "control print: %s", argv[1]);
		if (d->trace) {
			fprintf(d->trace, "PRINT %s\n", argv[1]);
			fflush(d->trace);
		}
		xctl_buf_adds(&b, "OK");
		return reply(d, c, h, &b);
	}
	if (!strcmp(cmd, "log")) {
		int lvl = argc == 2 ? xctl_log_level_parse(argv[1]) : -1;
		if (lvl < 0)
			return EINVAL;
		d->log->level = lvl;
		xctl_buf_adds(&b, "OK");
		return reply(d, c, h, &b);
	}
	if (!strcmp(cmd, "quota")) {
		if (argc == 3) {
			if (xsd_limit_set(&d->lim, argv[1], argv[2]))
				return EINVAL;
			xctl_buf_adds(&b, "OK");
			return reply(d, c, h, &b);
		}
		if (argc != 1)
			return EINVAL;
		for (size_t i = 0; i < xsd_limit_count; i++)
			xctl_buf_printf(&b, "%-18s %u\n", xsd_limit_table[i].name, xsd_limit_get(&d->lim, i));
		return reply(d, c, h, &b);
	}
	if (!strcmp(cmd, "stats")) {
		xctl_buf_printf(&b,
				"nodes %zu\nvalue_bytes %llu\nconnections %u\nrequests %llu\n"
				"errors %llu\nevents %llu\nconnections_total %llu\ndisconnects %llu\n"
				"socket_io %s\nring_batches %llu\n",
				xsd_store_nodes(&d->store), (unsigned long long)d->store.value_bytes, d->nconns,
				(unsigned long long)d->stats.requests, (unsigned long long)d->stats.errors,
				(unsigned long long)d->stats.events,
				(unsigned long long)d->stats.conns_total,
				(unsigned long long)d->stats.disconnects, xsd_io_kind(d),
				(unsigned long long)d->stats.ring_batches);
		return reply(d, c, h, &b);
	}
	if (!strcmp(cmd, "domain-state")) {
		uint32_t domid;
		if (argc != 3 || xsd_parse_domid(argv[1], &domid) ||
		    (strcmp(argv[2], "shutdown") && strcmp(argv[2], "dying")))
			return EINVAL;
		int err = xsd_dom_state(d, domid, !strcmp(argv[2], "dying"));
		if (err)
			return err;
		xctl_buf_adds(&b, "OK");
		return reply(d, c, h, &b);
	}
	if (!strcmp(cmd, "check")) {
		char out[512];
		xsd_check_tree(d, out, sizeof(out));
		xctl_buf_adds(&b, out);
		return reply(d, c, h, &b);
	}
	return EINVAL;
}
