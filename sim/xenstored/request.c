/* SPDX-License-Identifier: LGPL-2.1-only */
/* The request dispatcher: argument checks per type, then the handler. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "sim/xenstored/control.h"
#include "sim/xenstored/xsd.h"

#define MAX_ARGS 16

static const char ok_reply[] = "OK";

static void ack(struct xsd *d, struct xsd_conn *c, const struct xsd_sockmsg *h)
{
	xsd_send(d, c, h->type, h->req_id, h->tx_id, ok_reply, sizeof(ok_reply), NULL, 0);
}

static void reply_str(struct xsd *d, struct xsd_conn *c, const struct xsd_sockmsg *h, const char *s)
{
	xsd_send(d, c, h->type, h->req_id, h->tx_id, s, (uint32_t)strlen(s) + 1, NULL, 0);
}

/* Types that make no sense inside a transaction. */
static bool no_txn(uint32_t type)
{
	switch (type) {
	case XS_WATCH:
	case XS_UNWATCH:
	case XS_INTRODUCE:
	case XS_RELEASE:
	case XS_GET_DOMAIN_PATH:
	case XS_IS_DOMAIN_INTRODUCED:
	case XS_RESUME:
	case XS_SET_TARGET:
	case XS_RESET_WATCHES:
	case XS_CONTROL:
		return true;
	default:
		return false;
	}
}

static int canon1(struct xsd *d, struct xsd_conn *c, int argc, const char **argv, char *abs)
{
	if (argc != 1)
		return EINVAL;
	return xsd_canon(d, c->domid, argv[0], abs, XENSTORE_ABS_PATH_MAX + 1);
}

static int do_directory_part(struct xsd *d, struct xsd_conn *c, struct xsd_view *v,
			     const struct xsd_sockmsg *h, int argc, const char **argv)
{
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	if (argc != 2)
		return EINVAL;
	int err = xsd_canon(d, c->domid, argv[0], abs, sizeof(abs));
	if (err)
		return err;
	uint64_t ov;
	if (xctl_parse_u64(argv[1], 10, UINT32_MAX, &ov))
		return EINVAL;
	uint32_t off = (uint32_t)ov;
	const struct xsd_node *n;
	err = xsd_op_read(v, abs, &n);
	if (err)
		return err;
	if (off > n->clen)
		return EINVAL;
	char gen[24];
	int gl = snprintf(gen, sizeof(gen), "%llx", (unsigned long long)n->gen) + 1;
	char out[XENSTORE_PAYLOAD_MAX];
	memcpy(out, gen, (size_t)gl);
	uint32_t used = (uint32_t)gl;
	uint32_t i = off;
	/* Whole names only; keep room for the end marker. */
	while (i < n->clen) {
		uint32_t l = (uint32_t)strlen(n->children + i) + 1;
		if (used + l + 1 > sizeof(out))
			break;
		memcpy(out + used, n->children + i, l);
		used += l;
		i += l;
	}
	if (i >= n->clen)
		out[used++] = '\0';
	xsd_send(d, c, h->type, h->req_id, h->tx_id, out, used, NULL, 0);
	return 0;
}

static int do_perms(struct xsd *d, struct xsd_conn *c, struct xsd_view *v, const struct xsd_sockmsg *h,
		    int argc, const char **argv, bool set)
{
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	if (argc < 1 || (set && argc < 2))
		return EINVAL;
	int si = xsd_special_index(argv[0]);
	struct xsd_perm p[MAX_ARGS];
	uint32_t np = (uint32_t)(argc - 1);
	if (set) {
		if (argc > MAX_ARGS)
			return xsd_privileged(c) ? EINVAL : ENOSPC;
		for (uint32_t i = 0; i < np; i++)
			if (xsd_perm_parse(argv[i + 1], &p[i]))
				return EINVAL;
	} else if (argc != 1) {
		return EINVAL;
	}
	const struct xsd_perm *gp;
	uint32_t gn;
	if (si >= 0) {
		/* The special watch names carry permissions too; only dom0
		 * changes them. */
		if (set) {
			if (!xsd_privileged(c))
				return EACCES;
			struct xsd_perm *q = xsd_perms_dup(p, np);
			if (!q)
				return ENOMEM;
			free(d->special_perms[si]);
			d->special_perms[si] = q;
			d->special_nperms[si] = np;
			ack(d, c, h);
			return 0;
		}
		gp = d->special_perms[si];
		gn = d->special_nperms[si];
	} else {
		int err = xsd_canon(d, c->domid, argv[0], abs, sizeof(abs));
		if (err)
			return err;
		if (set) {
			err = xsd_op_set_perms(v, abs, p, np);
			if (!err)
				ack(d, c, h);
			return err;
		}
		const struct xsd_node *n;
		err = xsd_op_get_perms(v, abs, &n);
		if (err)
			return err;
		gp = n->perms;
		gn = n->nperms;
	}
	char out[XENSTORE_PAYLOAD_MAX];
	uint32_t used = 0;
	for (uint32_t i = 0; i < gn && used + 16 < sizeof(out); i++) {
		int l = snprintf(out + used, sizeof(out) - used, "%c%u", xsd_perm_char(gp[i].perm), gp[i].id);
		used += (uint32_t)l + 1;
	}
	xsd_send(d, c, h->type, h->req_id, h->tx_id, out, used, NULL, 0);
	return 0;
}

static int do_domain_op(struct xsd *d, struct xsd_conn *c, const struct xsd_sockmsg *h, int argc,
			const char **argv)
{
	uint32_t domid, other;
	char buf[64];
	if (h->type != XS_GET_DOMAIN_PATH && h->type != XS_IS_DOMAIN_INTRODUCED && !xsd_privileged(c))
		return EACCES;
	switch (h->type) {
	case XS_INTRODUCE: {
		if (argc != 3 || xsd_parse_domid(argv[0], &domid))
			return EINVAL;
		uint64_t mfn;
		if (xctl_parse_u64(argv[1], 10, UINT64_MAX, &mfn) || xsd_parse_domid(argv[2], &other))
			return EINVAL;
		int err = xsd_dom_introduce(d, domid, mfn, other);
		if (!err)
			ack(d, c, h);
		return err;
	}
	case XS_RELEASE:
	case XS_RESUME: {
		if (argc != 1 || xsd_parse_domid(argv[0], &domid))
			return EINVAL;
		int err;
		if (h->type == XS_RELEASE) {
			err = xsd_dom_release(d, domid);
		} else {
			struct xsd_domain *dom = xsd_dom_get(d, domid);
			err = dom && dom->introduced ? 0 : ENOENT;
			if (!err)
				dom->shutdown = false;
		}
		if (!err)
			ack(d, c, h);
		return err;
	}
	case XS_SET_TARGET: {
		if (argc != 2 || xsd_parse_domid(argv[0], &domid) || xsd_parse_domid(argv[1], &other))
			return EINVAL;
		struct xsd_domain *dom = xsd_dom_get(d, domid);
		struct xsd_domain *tgt = xsd_dom_get(d, other);
		if (!dom || !dom->introduced || !tgt || !tgt->introduced)
			return ENOENT;
		dom->target = other;
		ack(d, c, h);
		return 0;
	}
	case XS_GET_DOMAIN_PATH:
		if (argc != 1 || xsd_parse_domid(argv[0], &domid))
			return EINVAL;
		xsd_home(domid, buf, sizeof(buf));
		reply_str(d, c, h, buf);
		return 0;
	case XS_IS_DOMAIN_INTRODUCED: {
		if (argc != 1 || xsd_parse_domid(argv[0], &domid))
			return EINVAL;
		struct xsd_domain *dom = xsd_dom_get(d, domid);
		reply_str(d, c, h, domid == 0 || (dom && dom->introduced) ? "T" : "F");
		return 0;
	}
	default:
		return EINVAL;
	}
}

static int dispatch(struct xsd *d, struct xsd_conn *c, const struct xsd_sockmsg *h, const char *body)
{
	const char *argv[MAX_ARGS];
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	int err, argc = 0;
	uint32_t type = h->type;
	if (type >= XS_TYPE_COUNT || type == XS_WATCH_EVENT || type == XS_ERROR ||
	    type == XS_SET_TARGET + 1)
		return EINVAL;
	if (no_txn(type) && h->tx_id)
		return EINVAL;
	struct xsd_view v = { d, c, NULL };
	if (h->tx_id) {
		v.txn = xsd_txn_find(c, h->tx_id);
		if (!v.txn)
			return ENOENT;
	}
	if (type == XS_WRITE) {
		const char *nul = memchr(body, '\0', h->len);
		if (!nul)
			return EINVAL;
		err = xsd_canon(d, c->domid, body, abs, sizeof(abs));
		if (err)
			return err;
		uint32_t vo = (uint32_t)(nul - body) + 1;
		err = xsd_op_write(&v, abs, body + vo, h->len - vo);
		if (!err)
			ack(d, c, h);
		return err;
	}
	if (type == XS_CONTROL)
		return xsd_control(d, c, h, body);
	argc = xsd_split(body, h->len, argv, MAX_ARGS);
	if (argc < 0 || argc > MAX_ARGS)
		return EINVAL;
	switch (type) {
	case XS_READ: {
		const struct xsd_node *n;
		if ((err = canon1(d, c, argc, argv, abs)) || (err = xsd_op_read(&v, abs, &n)))
			return err;
		xsd_send(d, c, type, h->req_id, h->tx_id, n->value, n->vlen, NULL, 0);
		return 0;
	}
	case XS_DIRECTORY: {
		const struct xsd_node *n;
		if ((err = canon1(d, c, argc, argv, abs)) || (err = xsd_op_read(&v, abs, &n)))
			return err;
		if (n->clen > XENSTORE_PAYLOAD_MAX)
			return E2BIG;
		xsd_send(d, c, type, h->req_id, h->tx_id, n->children, n->clen, NULL, 0);
		return 0;
	}
	case XS_DIRECTORY_PART:
		return do_directory_part(d, c, &v, h, argc, argv);
	case XS_MKDIR:
	case XS_RM:
		if ((err = canon1(d, c, argc, argv, abs)))
			return err;
		err = type == XS_MKDIR ? xsd_op_mkdir(&v, abs) : xsd_op_rm(&v, abs);
		if (!err)
			ack(d, c, h);
		return err;
	case XS_GET_PERMS:
	case XS_SET_PERMS:
		return do_perms(d, c, &v, h, argc, argv, type == XS_SET_PERMS);
	case XS_WATCH:
		if (argc != 2)
			return EINVAL;
		err = xsd_watch_add(d, c, argv[0], argv[1]);
		if (err)
			return err;
		ack(d, c, h);
		xsd_watch_first_event(d, c);
		return 0;
	case XS_UNWATCH:
		if (argc != 2)
			return EINVAL;
		err = xsd_watch_del(d, c, argv[0], argv[1]);
		if (!err)
			ack(d, c, h);
		return err;
	case XS_RESET_WATCHES:
		xsd_watch_del_all(d, c);
		xsd_txn_free_all(c);
		ack(d, c, h);
		return 0;
	case XS_TRANSACTION_START: {
		if (h->tx_id)
			return EBUSY;
		uint32_t id;
		if ((err = xsd_txn_start(d, c, &id)))
			return err;
		char buf[16];
		snprintf(buf, sizeof(buf), "%u", id);
		reply_str(d, c, h, buf);
		return 0;
	}
	case XS_TRANSACTION_END:
		if (!v.txn)
			return ENOENT;
		if (argc != 1 || (strcmp(argv[0], "T") && strcmp(argv[0], "F")))
			return EINVAL;
		err = xsd_txn_end(d, c, v.txn, argv[0][0] == 'T');
		if (!err)
			ack(d, c, h);
		return err;
	default:
		return do_domain_op(d, c, h, argc, argv);
	}
}

void xsd_request(struct xsd *d, struct xsd_conn *c, const struct xsd_sockmsg *h, const char *body)
{
	d->stats.requests++;
	if (d->trace)
		xsd_trace(d, c, "IN ", h, body);
	int err = dispatch(d, c, h, body);
	if (err)
		xsd_send_error(d, c, h, err);
}

void xsd_trace(struct xsd *d, const struct xsd_conn *c, const char *dir, const struct xsd_sockmsg *h,
	       const char *body)
{
	char text[300];
	size_t o = 0;
	uint32_t n = h->len < 200 ? h->len : 200;
	for (uint32_t i = 0; i < n && o + 5 < sizeof(text); i++) {
		unsigned char ch = (unsigned char)body[i];
		if (ch == '\0')
			text[o++] = '|';
		else if (ch < 0x20 || ch >= 0x7f || ch == '\\')
			o += (size_t)snprintf(text + o, sizeof(text) - o, "\\x%02x", ch);
		else
			text[o++] = (char)ch;
	}
	text[o] = '\0';
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(d->trace, "%lld.%06ld %s conn=%llu dom=%u %s id=%u tx=%u len=%u %s%s\n",
		(long long)ts.tv_sec, ts.tv_nsec / 1000, dir, (unsigned long long)c->id, c->domid,
		xsd_type_name(h->type), h->req_id, h->tx_id, h->len, text, h->len > n ? "..." : "");
	fflush(d->trace);
}
