/* SPDX-License-Identifier: LGPL-2.1-only */
/* The request dispatcher: one table of request types with their handler
 * and flags, as Xen 4.17.7's wire_funcs[] (tools/xenstore/xenstored_core.c
 * process_message()): a type without a handler is ENOSYS, a privileged
 * type from a guest is EACCES, and a transaction id is looked up (ENOENT)
 * unless the type ignores it. The arguments are read as Xen's handlers
 * read them (onearg(), get_strings(), atoi()). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "sim/xenstored/control.h"
#include "sim/xenstored/xsd.h"

#define XSD_F_PRIV (1u << 0)  /* XS_FLAG_PRIV: dom0 only */
#define XSD_F_NOTID (1u << 1) /* XS_FLAG_NOTID: tx_id ignored */

#define DOMID_SELF 0x7FF0u

struct req {
	struct xsd *d;
	struct xsd_conn *c;
	struct xsd_view v;
	const struct xsd_sockmsg *h;
	const char *body; /* h->len bytes, then a NUL */
};

static const char ok_reply[] = "OK";

static void ack(struct req *r)
{
	xsd_send(r->d, r->c, r->h->type, r->h->req_id, r->h->tx_id, ok_reply, sizeof(ok_reply), NULL, 0);
}

static void reply(struct req *r, const void *p, uint32_t len)
{
	/* send_reply(): a reply longer than the payload maximum is E2BIG. */
	if (len > XENSTORE_PAYLOAD_MAX) {
		xsd_send_error(r->d, r->c, r->h, E2BIG);
		return;
	}
	xsd_send(r->d, r->c, r->h->type, r->h->req_id, r->h->tx_id, p, len, NULL, 0);
}

static void reply_str(struct req *r, const char *s)
{
	reply(r, s, (uint32_t)strlen(s) + 1);
}

/* onearg(): exactly one string, ending at the payload's end. */
static const char *onearg(const struct req *r)
{
	uint32_t len = r->h->len;
	if (!len || r->body[len - 1] != '\0' || strlen(r->body) + 1 != len)
		return NULL;
	return r->body;
}

/* get_strings(): the NUL-terminated strings of the payload (bytes after
 * the last NUL are not a string); returns their count, fills up to max. */
static unsigned get_strings(const struct req *r, const char **vec, unsigned max)
{
	unsigned n = 0;
	uint32_t off = 0;
	while (off < r->h->len) {
		const char *nul = memchr(r->body + off, '\0', r->h->len - off);
		if (!nul)
			break;
		if (n < max)
			vec[n] = r->body + off;
		n++;
		off = (uint32_t)(nul - r->body) + 1;
	}
	return n;
}

/* xs_count_strings(): the NULs in the payload. */
static unsigned count_strings(const struct req *r)
{
	unsigned n = 0;
	for (uint32_t i = 0; i < r->h->len; i++)
		n += r->body[i] == '\0';
	return n;
}

/* atoi() as Xen's handlers use it, into an unsigned int. */
static unsigned atou(const char *s)
{
	return (unsigned)strtol(s, NULL, 10);
}

/* canonicalize() then get_node()'s is_valid_nodename(): NULL is EINVAL. */
static int canon(struct req *r, const char *in, char *abs)
{
	if (!in)
		return EINVAL;
	return xsd_canon(r->d, r->c->domid, in, abs, XENSTORE_ABS_PATH_MAX + 1);
}

static int do_read(struct req *r)
{
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	const struct xsd_node *n;
	int err;
	if ((err = canon(r, onearg(r), abs)) || (err = xsd_op_read(&r->v, abs, &n)))
		return err;
	reply(r, xsd_node_value(n), n->vlen);
	return 0;
}

static int do_directory(struct req *r)
{
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	const struct xsd_node *n;
	int err;
	if ((err = canon(r, onearg(r), abs)) || (err = xsd_op_read(&r->v, abs, &n)))
		return err;
	reply(r, n->children, n->clen);
	return 0;
}

/* send_directory_part(): two strings, the offset by atoi(); an offset at
 * or past the end is an empty list. */
static int do_directory_part(struct req *r)
{
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	if (count_strings(r) != 2)
		return EINVAL;
	const struct xsd_node *n;
	int err;
	if ((err = canon(r, r->body, abs)) || (err = xsd_op_read(&r->v, abs, &n)))
		return err;
	uint32_t off = atou(r->body + strlen(r->body) + 1);
	char out[XENSTORE_PAYLOAD_MAX + 1];
	uint32_t genlen = (uint32_t)snprintf(out, 24, "%llu", (unsigned long long)n->gen) + 1;
	if (off >= n->clen) {
		out[genlen] = '\0';
		reply(r, out, genlen + 1);
		return 0;
	}
	uint32_t len = 0, maxlen = XENSTORE_PAYLOAD_MAX - genlen - 1;
	const char *child = n->children + off;
	while (len + strlen(child) < maxlen) {
		len += (uint32_t)strlen(child) + 1;
		child += strlen(child) + 1;
		if (off + len == n->clen)
			break;
	}
	memcpy(out + genlen, n->children + off, len);
	if (off + len == n->clen)
		out[genlen + len++] = '\0';
	reply(r, out, genlen + len);
	return 0;
}

static int do_write(struct req *r)
{
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	const char *vec[1];
	if (get_strings(r, vec, 1) < 1)
		return EINVAL;
	int err = canon(r, vec[0], abs);
	if (err)
		return err;
	uint32_t vo = (uint32_t)strlen(vec[0]) + 1;
	err = xsd_op_write(&r->v, abs, r->body + vo, r->h->len - vo);
	if (!err)
		ack(r);
	return err;
}

static int do_mkdir(struct req *r)
{
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	int err;
	if ((err = canon(r, onearg(r), abs)) || (err = xsd_op_mkdir(&r->v, abs)))
		return err;
	ack(r);
	return 0;
}

static int do_rm(struct req *r)
{
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	int err;
	if ((err = canon(r, onearg(r), abs)) || (err = xsd_op_rm(&r->v, abs)))
		return err;
	ack(r);
	return 0;
}

static int do_get_perms(struct req *r)
{
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	const struct xsd_node *n;
	int err;
	/* An @ name is not a valid node name: EINVAL. */
	if ((err = canon(r, onearg(r), abs)) || (err = xsd_op_get_perms(&r->v, abs, &n)))
		return err;
	char out[XENSTORE_PAYLOAD_MAX + 16];
	uint32_t used = 0;
	for (uint32_t i = 0; i < n->nperms && used + 16 < sizeof(out); i++) {
		int l = snprintf(out + used, sizeof(out) - used, "%c%u", xsd_perm_char(xsd_node_perms(n)[i].perm),
				 xsd_node_perms(n)[i].id);
		used += (uint32_t)l + 1;
	}
	reply(r, out, used);
	return 0;
}

/* do_set_perms(): at least a path and one entry (EINVAL); a guest at most
 * quota_nb_perms_per_node entries (ENOSPC); entries naming a domain that
 * does not exist are kept but inert (domain_alloc_permrefs()), and such an
 * owner is ENOENT; @ names have their own list (set_perms_special()). */
static int do_set_perms(struct req *r)
{
	unsigned num = count_strings(r);
	if (num < 2)
		return EINVAL;
	num--;
	if (!xsd_privileged(r->c) && num > r->d->lim.perms_per_node)
		return ENOSPC;
	struct xsd_perm *p = malloc(num * sizeof(*p));
	if (!p)
		return ENOMEM;
	const char *s = r->body + strlen(r->body) + 1;
	int err = 0;
	for (unsigned i = 0; i < num && !err; i++, s += strlen(s) + 1)
		if (xsd_perm_parse(s, &p[i]))
			err = EINVAL;
	for (unsigned i = 0; i < num && !err; i++)
		if (p[i].id != 0 && !xsd_dom_get(r->d, p[i].id))
			p[i].perm |= XSD_PERM_IGNORE;
	if (!err && (p[0].perm & XSD_PERM_IGNORE))
		err = ENOENT;
	if (err)
		goto out;
	int si = r->body[0] == '@' ? xsd_special_index(r->body) : -2;
	if (si == -1) {
		err = EINVAL;
	} else if (si >= 0) {
		const uint32_t want = XSD_PERM_WRITE | XSD_PERM_OWNER;
		if ((xsd_perm_for(r->d, r->c, r->d->special_perms[si], r->d->special_nperms[si]) & want) !=
		    want) {
			err = EACCES;
		} else {
			free(r->d->special_perms[si]);
			r->d->special_perms[si] = p;
			r->d->special_nperms[si] = num;
			p = NULL;
			ack(r);
		}
	} else {
		char abs[XENSTORE_ABS_PATH_MAX + 1];
		if (!(err = canon(r, r->body, abs)) && !(err = xsd_op_set_perms(&r->v, abs, p, num)))
			ack(r);
	}
out:
	free(p);
	return err;
}

static int do_watch(struct req *r)
{
	const char *vec[2];
	if (get_strings(r, vec, 2) != 2)
		return EINVAL;
	int err = xsd_watch_add(r->d, r->c, vec[0], vec[1]);
	if (err)
		return err;
	ack(r);
	xsd_watch_first_event(r->d, r->c);
	return 0;
}

static int do_unwatch(struct req *r)
{
	const char *vec[2];
	if (get_strings(r, vec, 2) != 2)
		return EINVAL;
	int err = xsd_watch_del(r->d, r->c, vec[0], vec[1]);
	if (!err)
		ack(r);
	return err;
}

static int do_transaction_start(struct req *r)
{
	if (r->v.txn)
		return EBUSY; /* no nested transactions */
	uint32_t id;
	int err = xsd_txn_start(r->d, r->c, &id);
	if (err)
		return err;
	char buf[16];
	snprintf(buf, sizeof(buf), "%u", id);
	reply_str(r, buf);
	return 0;
}

static int do_transaction_end(struct req *r)
{
	const char *arg = onearg(r);
	if (!arg || (strcmp(arg, "T") && strcmp(arg, "F")))
		return EINVAL;
	if (!r->v.txn)
		return ENOENT;
	int err = xsd_txn_end(r->d, r->c, r->v.txn, arg[0] == 'T');
	if (!err)
		ack(r);
	return err;
}

/* do_introduce(): three strings; event channel 0 is EINVAL. */
static int do_introduce(struct req *r)
{
	const char *vec[3];
	if (get_strings(r, vec, 3) < 3)
		return EINVAL;
	unsigned domid = atou(vec[0]), port = atou(vec[2]);
	uint64_t mfn;
	if (port == 0 || xctl_parse_u64(vec[1], 10, UINT64_MAX, &mfn))
		return EINVAL;
	int err = xsd_dom_introduce(r->d, domid, mfn, port);
	if (!err)
		ack(r);
	return err;
}

/* onearg_domain(): domain 0 is EINVAL, one not introduced ENOENT. */
static int onearg_domain(struct req *r, struct xsd_domain **out)
{
	const char *a = onearg(r);
	if (!a)
		return EINVAL;
	unsigned domid = atou(a);
	if (!domid)
		return EINVAL;
	*out = xsd_dom_get(r->d, domid);
	return *out && (*out)->introduced ? 0 : ENOENT;
}

static int do_release(struct req *r)
{
	const char *a = onearg(r);
	unsigned domid = a ? atou(a) : 0;
	if (!domid)
		return EINVAL;
	int err = xsd_dom_release(r->d, domid); /* ENOENT: not introduced */
	if (!err)
		ack(r);
	return err;
}

static int do_resume(struct req *r)
{
	struct xsd_domain *dom;
	int err = onearg_domain(r, &dom);
	if (err)
		return err;
	dom->shutdown = false;
	ack(r);
	return 0;
}

static int do_get_domain_path(struct req *r)
{
	const char *a = onearg(r);
	if (!a)
		return EINVAL;
	char buf[64];
	xsd_home(atou(a), buf, sizeof(buf));
	reply_str(r, buf);
	return 0;
}

static int do_is_domain_introduced(struct req *r)
{
	const char *a = onearg(r);
	if (!a)
		return EINVAL;
	unsigned domid = atou(a);
	struct xsd_domain *dom = xsd_dom_get(r->d, domid);
	bool yes = domid == DOMID_SELF || domid == 0 || (dom && dom->introduced);
	reply_str(r, yes ? "T" : "F");
	return 0;
}

static int do_set_target(struct req *r)
{
	const char *vec[2];
	if (get_strings(r, vec, 2) < 2)
		return EINVAL;
	struct xsd_domain *dom = xsd_dom_get(r->d, atou(vec[0]));
	struct xsd_domain *tgt = xsd_dom_get(r->d, atou(vec[1]));
	if (!dom || !dom->introduced || !tgt || !tgt->introduced)
		return ENOENT;
	dom->target = tgt->domid;
	ack(r);
	return 0;
}

static int do_reset_watches(struct req *r)
{
	xsd_watch_del_all(r->d, r->c);
	xsd_txn_free_all(r->c);
	ack(r);
	return 0;
}

static int do_control(struct req *r)
{
	return xsd_control(r->d, r->c, r->h, r->body);
}

static const struct {
	const char *name;
	int (*fn)(struct req *r);
	unsigned flags;
} wire_funcs[XS_TYPE_COUNT] = {
	[XS_CONTROL] = { "CONTROL", do_control, XSD_F_PRIV },
	[XS_DIRECTORY] = { "DIRECTORY", do_directory, 0 },
	[XS_READ] = { "READ", do_read, 0 },
	[XS_GET_PERMS] = { "GET_PERMS", do_get_perms, 0 },
	[XS_WATCH] = { "WATCH", do_watch, XSD_F_NOTID },
	[XS_UNWATCH] = { "UNWATCH", do_unwatch, XSD_F_NOTID },
	[XS_TRANSACTION_START] = { "TRANSACTION_START", do_transaction_start, 0 },
	[XS_TRANSACTION_END] = { "TRANSACTION_END", do_transaction_end, 0 },
	[XS_INTRODUCE] = { "INTRODUCE", do_introduce, XSD_F_PRIV },
	[XS_RELEASE] = { "RELEASE", do_release, XSD_F_PRIV },
	[XS_GET_DOMAIN_PATH] = { "GET_DOMAIN_PATH", do_get_domain_path, 0 },
	[XS_WRITE] = { "WRITE", do_write, 0 },
	[XS_MKDIR] = { "MKDIR", do_mkdir, 0 },
	[XS_RM] = { "RM", do_rm, 0 },
	[XS_SET_PERMS] = { "SET_PERMS", do_set_perms, 0 },
	[XS_WATCH_EVENT] = { "WATCH_EVENT", NULL, 0 },
	[XS_ERROR] = { "ERROR", NULL, 0 },
	[XS_IS_DOMAIN_INTRODUCED] = { "IS_DOMAIN_INTRODUCED", do_is_domain_introduced, XSD_F_PRIV },
	[XS_RESUME] = { "RESUME", do_resume, XSD_F_PRIV },
	[XS_SET_TARGET] = { "SET_TARGET", do_set_target, XSD_F_PRIV },
	[XS_RESET_WATCHES] = { "RESET_WATCHES", do_reset_watches, 0 },
	[XS_DIRECTORY_PART] = { "DIRECTORY_PART", do_directory_part, 0 },
};

const char *xsd_type_name(uint32_t type)
{
	if (type < XS_TYPE_COUNT && wire_funcs[type].name)
		return wire_funcs[type].name;
	return "UNKNOWN";
}

static int dispatch(struct xsd *d, struct xsd_conn *c, const struct xsd_sockmsg *h, const char *body)
{
	uint32_t type = h->type;
	if (type >= XS_TYPE_COUNT || !wire_funcs[type].fn)
		return ENOSYS;
	if ((wire_funcs[type].flags & XSD_F_PRIV) && !xsd_privileged(c))
		return EACCES;
	struct req r = { d, c, { d, c, NULL }, h, body };
	if (!(wire_funcs[type].flags & XSD_F_NOTID) && h->tx_id) {
		r.v.txn = xsd_txn_find(c, h->tx_id);
		if (!r.v.txn)
			return ENOENT;
	}
	return wire_funcs[type].fn(&r);
}

void xsd_request(struct xsd *d, struct xsd_conn *c, const struct xsd_sockmsg *h, const char *body)
{
	d->stats.requests++;
	d->req_serial++;
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
