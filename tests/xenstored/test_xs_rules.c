/* SPDX-License-Identifier: LGPL-2.1-only */
/* The rules of xctl-xenstored that Xen 4.17.7's xenstored decides, each
 * test citing the source it follows (tools/xenstore/xenstored_core.c,
 * xenstored_domain.c, xenstored_watch.c, xenstored_transaction.c of
 * RELEASE-4.17.7, and docs/misc/xenstore.txt): the dispatcher's flags,
 * special names, domain requests, path limits, permission lists, the guest
 * quotas, RELEASE and a second INTRODUCE. Raw protocol clients, so that
 * every error name is seen as sent. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/xenstored/harness.h"

#define NODES 50 /* nodes_per_domain, small to reach it quickly */

struct ctx {
	struct xsd_daemon dm;
	int d0; /* a dom0 connection */
};

struct msg {
	struct xsd_sockmsg h;
	char body[XENSTORE_PAYLOAD_MAX + 1];
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	char lim[64];
	snprintf(lim, sizeof(lim), "nodes_per_domain=%d", NODES);
	const char *extra[] = { "--limit", lim, "--limit", "txn_nodes=30", NULL };
	if (!c || xsd_start(&c->dm, extra))
		return -1;
	c->d0 = xsd_raw_connect(c->dm.sock);
	if (c->d0 < 0)
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	close(c->d0);
	xsd_cleanup(&c->dm);
	free(c);
	return 0;
}

/* Send a request with a raw payload; the reply (events skipped) in m. */
static void callp(int fd, uint32_t type, uint32_t tx, const void *p, uint32_t len, struct msg *m)
{
	static uint32_t id = 1;
	uint32_t my = id++;
	assert_int_equal(xsd_raw_send(fd, type, my, tx, p, len), 0);
	for (;;) {
		assert_int_equal(xsd_raw_recv(fd, &m->h, m->body, 5000), 0);
		if (m->h.type != XS_WATCH_EVENT)
			break;
	}
	assert_int_equal(m->h.req_id, my);
}

/* Strings a, b, ... (NULL-terminated list) each with its NUL. */
static uint32_t pack(char *out, size_t outsz, const char *first, va_list ap)
{
	uint32_t n = 0;
	for (const char *s = first; s; s = va_arg(ap, const char *)) {
		size_t l = strlen(s) + 1;
		assert_true(n + l <= outsz);
		memcpy(out + n, s, l);
		n += (uint32_t)l;
	}
	return n;
}

/* Call with string arguments; returns the reply type's error name or "". */
static const char *call(int fd, uint32_t type, uint32_t tx, struct msg *m, const char *first, ...)
{
	char p[XENSTORE_PAYLOAD_MAX * 2];
	va_list ap;
	va_start(ap, first);
	uint32_t n = pack(p, sizeof(p), first, ap);
	va_end(ap);
	callp(fd, type, tx, p, n, m);
	return m->h.type == XS_ERROR ? m->body : "";
}

#define OK(fd, type, ...)                                                  \
	do {                                                               \
		struct msg m_;                                             \
		assert_string_equal(call(fd, type, 0, &m_, __VA_ARGS__, NULL), ""); \
	} while (0)
#define ERR(want, fd, type, ...)                                           \
	do {                                                               \
		struct msg m_;                                             \
		assert_string_equal(call(fd, type, 0, &m_, __VA_ARGS__, NULL), want); \
	} while (0)

/* Introduce domid, give it a home it owns; return a connection as it. */
static int guest(struct ctx *c, unsigned domid)
{
	char id[16], home[64], own[16];
	snprintf(id, sizeof(id), "%u", domid);
	snprintf(home, sizeof(home), "/local/domain/%u", domid);
	snprintf(own, sizeof(own), "n%u", domid);
	OK(c->d0, XS_INTRODUCE, id, "1", "7");
	OK(c->d0, XS_MKDIR, home);
	OK(c->d0, XS_SET_PERMS, home, own);
	char sock[400];
	snprintf(sock, sizeof(sock), "%s/%u", c->dm.domdir, domid);
	int fd = xsd_raw_connect(sock);
	assert_true(fd >= 0);
	return fd;
}

static uint32_t start_txn(int fd)
{
	struct msg m;
	assert_string_equal(call(fd, XS_TRANSACTION_START, 0, &m, "", NULL), "");
	return (uint32_t)strtoul(m.body, NULL, 10);
}

/* xenstored_core.c process_message() and wire_funcs[]. */
static void test_dispatch_flags(void **state)
{
	struct ctx *c = *state;
	int g = guest(c, 2);
	struct msg m;
	/* No handler: ENOSYS, before the privilege and transaction checks. */
	uint32_t none[] = { XS_WATCH_EVENT, XS_ERROR, XS_SET_TARGET + 1, XS_TYPE_COUNT, 999 };
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		callp(g, none[i], 4242, "x", 2, &m);
		assert_string_equal(m.body, "ENOSYS");
	}
	/* XS_FLAG_PRIV: EACCES for a guest, before the transaction lookup. */
	uint32_t priv[] = { XS_CONTROL, XS_INTRODUCE, XS_RELEASE, XS_IS_DOMAIN_INTRODUCED,
			    XS_RESUME, XS_SET_TARGET };
	for (size_t i = 0; i < sizeof(priv) / sizeof(priv[0]); i++) {
		callp(g, priv[i], 4242, "2\0" "1\0" "7", 6, &m);
		assert_string_equal(m.body, "EACCES");
	}
	/* GET_DOMAIN_PATH is for everyone. */
	assert_string_equal(call(g, XS_GET_DOMAIN_PATH, 0, &m, "3", NULL), "");
	assert_string_equal(m.body, "/local/domain/3");
	/* XS_FLAG_NOTID: WATCH and UNWATCH ignore tx_id; others look it up. */
	assert_string_equal(call(g, XS_WATCH, 4242, &m, "/tool", "t", NULL), "");
	assert_string_equal(call(g, XS_UNWATCH, 4242, &m, "/tool", "t", NULL), "");
	assert_string_equal(call(g, XS_READ, 4242, &m, "/tool", NULL), "ENOENT");
	assert_string_equal(call(g, XS_RESET_WATCHES, 4242, &m, "", NULL), "ENOENT");
	/* A request that does not use the transaction still runs in one. */
	uint32_t tx = start_txn(c->d0);
	assert_string_equal(call(c->d0, XS_GET_DOMAIN_PATH, tx, &m, "4", NULL), "");
	assert_string_equal(call(c->d0, XS_IS_DOMAIN_INTRODUCED, tx, &m, "2", NULL), "");
	assert_string_equal(m.body, "T");
	/* do_transaction_start(): no nesting. */
	assert_string_equal(call(c->d0, XS_TRANSACTION_START, tx, &m, "", NULL), "EBUSY");
	/* do_transaction_end(): the argument first, then the transaction. */
	assert_string_equal(call(c->d0, XS_TRANSACTION_END, 0, &m, "X", NULL), "EINVAL");
	assert_string_equal(call(c->d0, XS_TRANSACTION_END, 0, &m, "T", NULL), "ENOENT");
	assert_string_equal(call(c->d0, XS_TRANSACTION_END, tx, &m, "T", NULL), "");
	/* do_reset_watches(): the connection's transactions go too. */
	tx = start_txn(g);
	assert_string_equal(call(g, XS_RESET_WATCHES, 0, &m, "", NULL), "");
	assert_string_equal(call(g, XS_TRANSACTION_END, tx, &m, "F", NULL), "ENOENT");
	/* The node errors of DIRECTORY, as READ's (get_node()). */
	ERR("ENOENT", c->d0, XS_DIRECTORY, "/no/such");
	ERR("EACCES", g, XS_DIRECTORY, "/tool");
	ERR("EINVAL", c->d0, XS_DIRECTORY, "bad//path");
	/* onearg(): exactly one string. */
	callp(c->d0, XS_READ, 0, "/tool\0x", 8, &m);
	assert_string_equal(m.body, "EINVAL");
	callp(c->d0, XS_READ, 0, "/tool", 5, &m);
	assert_string_equal(m.body, "EINVAL");
	/* A reply longer than the payload maximum: E2BIG (send_reply()). */
	char name[64];
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "/big/%040d", i);
		OK(c->d0, XS_WRITE, name);
	}
	ERR("E2BIG", c->d0, XS_DIRECTORY, "/big");
	OK(c->d0, XS_RM, "/big");
	close(g);
}

/* Special names: xenstored_watch.c check_watch_path(), xenstored_core.c
 * is_valid_nodename() (READ, WRITE, GET_PERMS), do_set_perms() and
 * xenstored_domain.c set_perms_special(). */
static void test_special_names(void **state)
{
	struct ctx *c = *state;
	int g = guest(c, 3);
	/* Any @ name of at most XENSTORE_REL_PATH_MAX (2048) characters. */
	char at[2100];
	at[0] = '@';
	memset(at + 1, 'x', 2047);
	at[2048] = '\0';
	OK(c->d0, XS_WATCH, "@anything", "t");
	OK(c->d0, XS_WATCH, at, "t");
	at[2048] = 'x';
	at[2049] = '\0';
	ERR("EINVAL", c->d0, XS_WATCH, at, "t");
	OK(g, XS_WATCH, "@whatever", "t");
	ERR("EINVAL", c->d0, XS_GET_PERMS, "@releaseDomain");
	ERR("EINVAL", c->d0, XS_GET_PERMS, "@introduceDomain");
	ERR("EINVAL", c->d0, XS_WRITE, "@releaseDomain", "x");
	ERR("EINVAL", c->d0, XS_READ, "@releaseDomain");
	ERR("EINVAL", c->d0, XS_SET_PERMS, "@other", "n0");
	/* A guest needs write and owner rights on the special list. */
	ERR("EACCES", g, XS_SET_PERMS, "@releaseDomain", "n3");
	OK(c->d0, XS_SET_PERMS, "@releaseDomain", "n3");
	OK(g, XS_SET_PERMS, "@releaseDomain", "n3", "r0");
	OK(c->d0, XS_SET_PERMS, "@releaseDomain", "n0");
	/* A guest gets @introduceDomain only if the list lets it read
	 * (check_perms_special()). */
	struct msg m;
	OK(g, XS_WATCH, "@introduceDomain", "in");
	assert_int_equal(xsd_raw_recv(g, &m.h, m.body, 5000), 0); /* the first event */
	OK(c->d0, XS_INTRODUCE, "30", "1", "7");
	OK(c->d0, XS_SET_PERMS, "@introduceDomain", "n0", "r3");
	OK(c->d0, XS_INTRODUCE, "31", "1", "7");
	assert_int_equal(xsd_raw_recv(g, &m.h, m.body, 5000), 0);
	assert_int_equal(m.h.type, XS_WATCH_EVENT);
	assert_string_equal(m.body, "@introduceDomain");
	assert_string_equal(m.body + strlen(m.body) + 1, "in");
	/* Exactly one: the introduction of 30 was not for it. */
	OK(g, XS_WATCH, "/local/domain/3", "sentinel");
	assert_int_equal(xsd_raw_recv(g, &m.h, m.body, 5000), 0);
	assert_string_equal(m.body + strlen(m.body) + 1, "sentinel");
	OK(c->d0, XS_SET_PERMS, "@introduceDomain", "n0");
	OK(c->d0, XS_RELEASE, "30");
	OK(c->d0, XS_RELEASE, "31");
	close(g);
}

/* xenstored_domain.c do_introduce(), onearg_domain(),
 * do_is_domain_introduced(), do_get_domain_path(), do_set_target(). */
static void test_domain_requests(void **state)
{
	struct ctx *c = *state;
	struct msg m;
	ERR("EINVAL", c->d0, XS_INTRODUCE, "9", "1", "0");  /* port <= 0 */
	ERR("EINVAL", c->d0, XS_INTRODUCE, "9", "1");       /* three strings */
	OK(c->d0, XS_INTRODUCE, "9", "1", "5", "extra");    /* more are ignored */
	ERR("EINVAL", c->d0, XS_RELEASE, "0");
	ERR("EINVAL", c->d0, XS_RELEASE, "junk");           /* atoi() = 0 */
	ERR("ENOENT", c->d0, XS_RELEASE, "10");
	ERR("ENOENT", c->d0, XS_RESUME, "10");
	ERR("ENOENT", c->d0, XS_SET_TARGET, "9", "10");
	assert_string_equal(call(c->d0, XS_IS_DOMAIN_INTRODUCED, 0, &m, "32752", NULL), "");
	assert_string_equal(m.body, "T"); /* DOMID_SELF */
	assert_string_equal(call(c->d0, XS_IS_DOMAIN_INTRODUCED, 0, &m, "0", NULL), "");
	assert_string_equal(m.body, "T");
	assert_string_equal(call(c->d0, XS_IS_DOMAIN_INTRODUCED, 0, &m, "9", NULL), "");
	assert_string_equal(m.body, "T");
	assert_string_equal(call(c->d0, XS_IS_DOMAIN_INTRODUCED, 0, &m, "10", NULL), "");
	assert_string_equal(m.body, "F");
	assert_string_equal(call(c->d0, XS_GET_DOMAIN_PATH, 0, &m, "12x", NULL), "");
	assert_string_equal(m.body, "/local/domain/12");
	OK(c->d0, XS_RELEASE, "9");
	/* send_directory_part(): an offset at or past the end is an empty
	 * list after the generation; the offset is read by atoi(). */
	OK(c->d0, XS_WRITE, "/dp/a", "1");
	assert_string_equal(call(c->d0, XS_DIRECTORY_PART, 0, &m, "/dp", "99", NULL), "");
	assert_int_equal(m.h.len, strlen(m.body) + 2);
	assert_string_equal(call(c->d0, XS_DIRECTORY_PART, 0, &m, "/dp", "zz", NULL), "");
	assert_string_equal(m.body + strlen(m.body) + 1, "a");
	ERR("EINVAL", c->d0, XS_DIRECTORY_PART, "/dp");
	OK(c->d0, XS_RM, "/dp");
}

/* is_valid_nodename(): strlen(node) > local_off + quota_max_path_len, for
 * every connection; local_off is the length of a "/local/domain/N/"
 * prefix. */
static void test_path_limits(void **state)
{
	struct ctx *c = *state;
	char p[2200];
	p[0] = '/';
	memset(p + 1, 'a', 2047);
	p[2048] = '\0';
	OK(c->d0, XS_WRITE, p, "");
	OK(c->d0, XS_RM, p);
	p[2048] = 'a';
	p[2049] = '\0';
	ERR("EINVAL", c->d0, XS_WRITE, p, "");
	int o = snprintf(p, sizeof(p), "/local/domain/5/");
	memset(p + o, 'b', 2048);
	p[o + 2048] = '\0';
	OK(c->d0, XS_WRITE, p, "");
	p[o + 2048] = 'b';
	p[o + 2049] = '\0';
	ERR("EINVAL", c->d0, XS_WRITE, p, "");
	/* Six digits are no domain prefix (sscanf's %5u). */
	o = snprintf(p, sizeof(p), "/local/domain/123456/");
	memset(p + o, 'c', 2048 - o);
	p[2048] = '\0';
	OK(c->d0, XS_WRITE, p, "");
	p[2048] = 'c';
	p[2049] = '\0';
	ERR("EINVAL", c->d0, XS_WRITE, p, "");
	OK(c->d0, XS_RM, "/local/domain/5");
	OK(c->d0, XS_RM, "/local/domain/123456");
	/* UNWATCH takes a relative path below the home, as WATCH did. */
	int g = guest(c, 14);
	OK(g, XS_WATCH, "rel/path", "t");
	OK(g, XS_UNWATCH, "rel/path", "t");
	ERR("ENOENT", g, XS_UNWATCH, "/local/domain/14/rel/path", "t");
	close(g);
	/* UNWATCH does not check the path (do_unwatch()). */
	ERR("ENOENT", c->d0, XS_UNWATCH, "bad//path", "t");
}

/* do_set_perms(), xs_strings_to_perms(), domain_alloc_permrefs(),
 * perm_for_conn(). */
static void test_perm_lists(void **state)
{
	struct ctx *c = *state;
	int g = guest(c, 4);
	struct msg m;
	OK(c->d0, XS_WRITE, "/p/x", "v");
	/* dom0: no limit on the number of entries (40 here). */
	char p[1024];
	uint32_t n = (uint32_t)snprintf(p, sizeof(p), "/p/x") + 1;
	n += (uint32_t)snprintf(p + n, sizeof(p) - n, "n0") + 1;
	for (int i = 1; i < 40; i++)
		n += (uint32_t)snprintf(p + n, sizeof(p) - n, "r%d", 100 + i) + 1;
	callp(c->d0, XS_SET_PERMS, 0, p, n, &m);
	assert_string_equal(m.body, "OK");
	callp(c->d0, XS_GET_PERMS, 0, "/p/x", 5, &m);
	assert_int_equal(m.h.len, n - 5);
	/* A guest: quota_nb_perms_per_node (5) entries, then ENOSPC. */
	OK(g, XS_WRITE, "q", "v");
	OK(g, XS_SET_PERMS, "q", "n4", "r0", "r1", "r2", "r3");
	ERR("ENOSPC", g, XS_SET_PERMS, "q", "n4", "r0", "r1", "r2", "r3", "r5");
	/* Malformed entries; the count is checked first. */
	ERR("EINVAL", g, XS_SET_PERMS, "q", "x4");
	ERR("EINVAL", g, XS_SET_PERMS, "q", "n4x");
	ERR("EINVAL", g, XS_SET_PERMS, "q", "n");
	ERR("EINVAL", g, XS_SET_PERMS, "q");
	ERR("ENOSPC", g, XS_SET_PERMS, "q", "bogus", "r0", "r1", "r2", "r3", "r5");
	/* strtol(.., 0): hexadecimal ids. */
	OK(c->d0, XS_SET_PERMS, "/p/x", "n0", "r0x4");
	assert_string_equal(call(c->d0, XS_GET_PERMS, 0, &m, "/p/x", NULL), "");
	assert_string_equal(m.body + 3, "r4");
	assert_string_equal(call(g, XS_READ, 0, &m, "/p/x", NULL), "");
	/* An owner that does not exist: ENOENT, before the node is looked
	 * at; another entry naming one is kept but grants nothing, even once
	 * that domain exists. */
	ERR("ENOENT", c->d0, XS_SET_PERMS, "/p/x", "n77");
	ERR("ENOENT", g, XS_SET_PERMS, "/p/x", "n77");
	OK(c->d0, XS_SET_PERMS, "/p/x", "n0", "r77");
	assert_string_equal(call(c->d0, XS_GET_PERMS, 0, &m, "/p/x", NULL), "");
	assert_string_equal(m.body + 3, "r77");
	int g77 = guest(c, 77);
	ERR("EACCES", g77, XS_READ, "/p/x");
	OK(c->d0, XS_SET_PERMS, "/p/x", "n0", "r77");
	assert_string_equal(call(g77, XS_READ, 0, &m, "/p/x", NULL), "");
	/* A guest may not give its node away (EPERM), nor change another's. */
	ERR("EPERM", g, XS_SET_PERMS, "q", "n0");
	ERR("EACCES", g, XS_SET_PERMS, "/p/x", "n0");
	OK(c->d0, XS_RM, "/p");
	close(g);
	close(g77);
	OK(c->d0, XS_RELEASE, "77");
}

/* A guest owns what it creates (construct_node(): the parent's
 * permissions, with the creator as the owner); dom0 creates with the
 * parent's permissions unchanged. */
static void test_guest_owns_what_it_creates(void **state)
{
	struct ctx *c = *state;
	int g = guest(c, 5);
	struct msg m;
	OK(c->d0, XS_MKDIR, "/shared");
	OK(c->d0, XS_SET_PERMS, "/shared", "n0", "b5", "r1");
	OK(g, XS_WRITE, "/shared/a/b", "x");
	static const char want[] = "n5\0b5\0r1";
	assert_string_equal(call(c->d0, XS_GET_PERMS, 0, &m, "/shared/a", NULL), "");
	assert_int_equal(m.h.len, sizeof(want));
	assert_memory_equal(m.body, want, sizeof(want));
	assert_string_equal(call(c->d0, XS_GET_PERMS, 0, &m, "/shared/a/b", NULL), "");
	assert_memory_equal(m.body, want, sizeof(want));
	OK(c->d0, XS_WRITE, "/shared/a/b/c", "y");
	assert_string_equal(call(c->d0, XS_GET_PERMS, 0, &m, "/shared/a/b/c", NULL), "");
	assert_memory_equal(m.body, want, sizeof(want));
	OK(c->d0, XS_RM, "/shared");
	close(g);
}

/* write_node_raw(): a guest's node record, 24 bytes of struct
 * xs_tdb_record_hdr, 8 per struct xs_permissions, the value and the
 * children names, must stay below quota_max_entry_size (2048). */
static void test_record_size(void **state)
{
	struct ctx *c = *state;
	int g = guest(c, 6);
	struct msg m;
	char v[4096];
	memset(v, 'v', sizeof(v));
	char p[64];
	uint32_t l = (uint32_t)snprintf(p, sizeof(p), "val") + 1;
	char req[4200];
	memcpy(req, p, l);
	/* One permission: 24 + 8 + value < 2048: 2015 bytes at most. */
	memcpy(req + l, v, 2015);
	callp(g, XS_WRITE, 0, req, l + 2015, &m);
	assert_string_equal(m.body, "OK");
	memcpy(req + l, v, 2016);
	callp(g, XS_WRITE, 0, req, l + 2016, &m);
	assert_string_equal(m.body, "ENOSPC");
	/* Two permissions: 8 bytes less for the value. */
	ERR("ENOSPC", g, XS_SET_PERMS, "val", "n6", "r0"); /* 24 + 16 + 2015 */
	callp(g, XS_WRITE, 0, req, l + 2007, &m);
	assert_string_equal(m.body, "OK");
	OK(g, XS_SET_PERMS, "val", "n6", "r0"); /* 24 + 16 + 2007 = 2047 */
	ERR("ENOSPC", g, XS_SET_PERMS, "val", "n6", "r0", "r1");
	callp(g, XS_WRITE, 0, req, l + 2008, &m);
	assert_string_equal(m.body, "ENOSPC");
	/* The children names count: a child added to a full node is refused
	 * (the parent's record is written too, create_node()). */
	ERR("ENOSPC", g, XS_WRITE, "val/child", "");
	ERR("EACCES", g, XS_WRITE, "/tool/x", ""); /* permissions come first */
	/* dom0 has no such quota. */
	memcpy(req, "/big0", 6);
	memcpy(req + 6, v, 4000);
	callp(c->d0, XS_WRITE, 0, req, 6 + 4000, &m);
	assert_string_equal(m.body, "OK");
	OK(c->d0, XS_RM, "/big0");
	close(g);
}

/* The node quota: create_node() refuses a node when the domain owns
 * quota_nb_entry_per_domain; all or nothing for a path with missing
 * parents. In a transaction the live count decides each write, and
 * do_transaction_end() -> transaction_fix_domains() refuses a result of
 * quota or more (ENOSPC), applying nothing. */
static void test_node_quota(void **state)
{
	struct ctx *c = *state;
	int g = guest(c, 7);
	struct msg m;
	char p[64];
	int made = 1; /* its home */
	for (int i = 0; made < NODES - 3; i++, made++) {
		snprintf(p, sizeof(p), "n%d", i);
		OK(g, XS_WRITE, p, "");
	}
	/* NODES - 3 owned: a path of 4 new nodes is refused whole. */
	ERR("ENOSPC", g, XS_WRITE, "a/b/c/d", "");
	ERR("ENOENT", g, XS_READ, "a");
	/* In a transaction, 5 new nodes are accepted one by one, the end
	 * refuses them all. */
	uint32_t tx = start_txn(g);
	for (int i = 0; i < 5; i++) {
		snprintf(p, sizeof(p), "t%d", i);
		assert_string_equal(call(g, XS_WRITE, tx, &m, p, "", NULL), "");
	}
	assert_string_equal(call(g, XS_TRANSACTION_END, tx, &m, "T", NULL), "ENOSPC");
	ERR("ENOENT", g, XS_READ, "t0");
	/* One more node brings it to NODES - 2 owned: commits. Then the
	 * result NODES - 1 still commits, NODES does not. */
	for (int k = 0; k < 3; k++) {
		tx = start_txn(g);
		snprintf(p, sizeof(p), "u%d", k);
		assert_string_equal(call(g, XS_WRITE, tx, &m, p, "", NULL), "");
		assert_string_equal(call(g, XS_TRANSACTION_END, tx, &m, "T", NULL),
				    k < 2 ? "" : "ENOSPC");
	}
	/* Outside a transaction the last node fits: NODES owned. */
	OK(g, XS_WRITE, "last", "");
	ERR("ENOSPC", g, XS_WRITE, "more", "");
	/* In a transaction, a write when the live count is at the quota. */
	tx = start_txn(g);
	assert_string_equal(call(g, XS_WRITE, tx, &m, "more", "", NULL), "ENOSPC");
	assert_string_equal(call(g, XS_TRANSACTION_END, tx, &m, "T", NULL), "ENOMEM");
	/* Removing frees quota. */
	OK(g, XS_RM, "last");
	OK(g, XS_WRITE, "more", "");
	close(g);
}

/* access_node(): a guest transaction touches at most quota_trans_nodes
 * nodes (30 here); the next one is ENOSPC and fails the transaction,
 * which then commits nothing (ENOMEM). So does a record too large inside
 * it (write_node() -> fail_transaction()). */
static void test_transaction_quotas(void **state)
{
	struct ctx *c = *state;
	int g = guest(c, 8);
	struct msg m;
	char p[64];
	uint32_t tx = start_txn(g);
	assert_string_equal(call(g, XS_WRITE, tx, &m, "first", "1", NULL), "");
	int touched = 0;
	for (int i = 0; i < 40; i++) {
		snprintf(p, sizeof(p), "/local/domain/8/r%d", i);
		const char *e = call(g, XS_READ, tx, &m, p, NULL);
		if (!strcmp(e, "ENOSPC"))
			break;
		assert_string_equal(e, "ENOENT");
		touched++;
	}
	/* 30 nodes: "first", its parent (the home), and 28 reads. */
	assert_int_equal(touched, 28);
	assert_string_equal(call(g, XS_TRANSACTION_END, tx, &m, "T", NULL), "ENOMEM");
	ERR("ENOENT", g, XS_READ, "first");
	char v[2100];
	memset(v, 'v', sizeof(v) - 1);
	v[sizeof(v) - 1] = '\0';
	tx = start_txn(g);
	assert_string_equal(call(g, XS_WRITE, tx, &m, "first", "1", NULL), "");
	assert_string_equal(call(g, XS_WRITE, tx, &m, "second", v, NULL), "ENOSPC");
	assert_string_equal(call(g, XS_TRANSACTION_END, tx, &m, "T", NULL), "ENOMEM");
	ERR("ENOENT", g, XS_READ, "first");
	/* Errors that are no quota leave the transaction usable. */
	tx = start_txn(g);
	assert_string_equal(call(g, XS_READ, tx, &m, "/tool/none", NULL), "EACCES");
	assert_string_equal(call(g, XS_WRITE, tx, &m, "first", "1", NULL), "");
	assert_string_equal(call(g, XS_TRANSACTION_END, tx, &m, "T", NULL), "");
	OK(g, XS_READ, "first");
	/* A removal that touches more nodes than allowed fails whole. */
	for (int i = 0; i < 40; i++) {
		snprintf(p, sizeof(p), "sub/n%d", i);
		OK(g, XS_WRITE, p, "");
	}
	tx = start_txn(g);
	assert_string_equal(call(g, XS_RM, tx, &m, "sub", NULL), "ENOSPC");
	assert_string_equal(call(g, XS_TRANSACTION_END, tx, &m, "T", NULL), "ENOMEM");
	OK(g, XS_READ, "sub/n39");
	OK(g, XS_RM, "sub");
	/* A transaction that listed a directory conflicts with a child added
	 * meanwhile (the parent's record is rewritten: a new generation). */
	OK(g, XS_MKDIR, "dir");
	tx = start_txn(g);
	assert_string_equal(call(g, XS_DIRECTORY, tx, &m, "dir", NULL), "");
	assert_string_equal(call(g, XS_WRITE, tx, &m, "elsewhere", "1", NULL), "");
	OK(c->d0, XS_WRITE, "/local/domain/8/dir/new", "");
	assert_string_equal(call(g, XS_TRANSACTION_END, tx, &m, "T", NULL), "EAGAIN");
	ERR("ENOENT", g, XS_READ, "elsewhere");
	/* dom0's transactions have no node limit. */
	tx = start_txn(c->d0);
	for (int i = 0; i < 40; i++) {
		snprintf(p, sizeof(p), "/d0/r%d", i);
		assert_string_equal(call(c->d0, XS_WRITE, tx, &m, p, "", NULL), "");
	}
	assert_string_equal(call(c->d0, XS_TRANSACTION_END, tx, &m, "T", NULL), "");
	OK(c->d0, XS_RM, "/d0");
	close(g);
}

/* Watches are counted per domain (domain_watch(), over all its
 * connections), transactions per connection. Our own limit: at most
 * conns_per_domain (16) connections on a domain's socket. */
static void test_counts(void **state)
{
	struct ctx *c = *state;
	int g[17];
	g[0] = guest(c, 9);
	char sock[400], tok[32];
	snprintf(sock, sizeof(sock), "%s/9", c->dm.domdir);
	for (int i = 1; i < 16; i++) {
		g[i] = xsd_raw_connect(sock);
		assert_true(g[i] >= 0);
		OK(g[i], XS_READ, "/local/domain/9");
	}
	/* The 17th is closed at once. */
	g[16] = xsd_raw_connect(sock);
	assert_true(g[16] >= 0);
	struct msg m;
	/* The send may already fail (EPIPE): either way no answer comes. */
	xsd_raw_send(g[16], XS_READ, 1, 0, "/tool", 6);
	assert_int_not_equal(xsd_raw_recv(g[16], &m.h, m.body, 5000), 0);
	close(g[16]);
	/* 129 watches of domain 9, over two connections. */
	for (int i = 0; i < 129; i++) {
		snprintf(tok, sizeof(tok), "w%d", i);
		OK(g[i < 100 ? 0 : 1], XS_WATCH, "/local/domain/9", tok);
	}
	ERR("E2BIG", g[2], XS_WATCH, "/local/domain/9", "one-more");
	OK(g[0], XS_RESET_WATCHES, "");
	OK(g[2], XS_WATCH, "/local/domain/9", "one-more");
	/* 11 transactions on one connection, and 11 on another. */
	for (int k = 1; k <= 2; k++) {
		for (int i = 0; i < 11; i++)
			start_txn(g[k]);
		ERR("ENOSPC", g[k], XS_TRANSACTION_START, "");
	}
	for (int i = 0; i < 16; i++)
		close(g[i]);
}

/* destroy_domain() -> domain_tree_remove(): without -K, every node the
 * domain owns goes with its subtree (watches fire), then @releaseDomain;
 * entries naming it elsewhere grant nothing to a later domain of that id. */
static void test_release_removes_owned(void **state)
{
	struct ctx *c = *state;
	int g = guest(c, 11);
	struct msg m;
	OK(g, XS_WRITE, "data/a", "1");
	OK(c->d0, XS_WRITE, "/other/owned/child", "x");
	OK(c->d0, XS_SET_PERMS, "/other/owned", "n11");
	OK(c->d0, XS_WRITE, "/other/kept", "k");
	OK(c->d0, XS_SET_PERMS, "/other/kept", "n0", "r11");
	/* Many separate nodes it owns. */
	char p[64];
	for (int i = 0; i < 40; i++) {
		snprintf(p, sizeof(p), "/many/n%d", i);
		OK(c->d0, XS_WRITE, p, "");
		OK(c->d0, XS_SET_PERMS, p, "n11");
	}
	int w = xsd_raw_connect(c->dm.sock);
	OK(w, XS_WATCH, "/local/domain/11", "home");
	assert_int_equal(xsd_raw_recv(w, &m.h, m.body, 5000), 0); /* the first event */
	OK(w, XS_WATCH, "/local/domain/11/data/a", "leaf");
	assert_int_equal(xsd_raw_recv(w, &m.h, m.body, 5000), 0);
	OK(w, XS_WATCH, "@releaseDomain", "rel");
	assert_int_equal(xsd_raw_recv(w, &m.h, m.body, 5000), 0);
	OK(c->d0, XS_RELEASE, "11");
	/* Events for the removed nodes, children first (rm_node() fires an
	 * exact event for each descendant: only a watch on that node sees
	 * it), then the release. */
	static const char *const want[] = { "/local/domain/11/data/a", "/local/domain/11",
					    "@releaseDomain" };
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(xsd_raw_recv(w, &m.h, m.body, 5000), 0);
		assert_int_equal(m.h.type, XS_WATCH_EVENT);
		assert_string_equal(m.body, want[i]);
	}
	ERR("ENOENT", c->d0, XS_READ, "/local/domain/11");
	ERR("ENOENT", c->d0, XS_READ, "/other/owned/child");
	ERR("ENOENT", c->d0, XS_READ, "/other/owned");
	for (int i = 0; i < 40; i++) {
		snprintf(p, sizeof(p), "/many/n%d", i);
		ERR("ENOENT", c->d0, XS_READ, p);
	}
	OK(c->d0, XS_RM, "/many");
	assert_string_equal(call(c->d0, XS_GET_PERMS, 0, &m, "/other/kept", NULL), "");
	assert_string_equal(m.body + 3, "r11");
	int g2 = guest(c, 11);
	ERR("EACCES", g2, XS_READ, "/other/kept");
	ERR("ENOENT", c->d0, XS_READ, "/local/domain/11/data");
	OK(c->d0, XS_RM, "/other");
	close(g);
	close(g2);
	close(w);
}

/* do_introduce() of an introduced domain -> domain_conn_reset(): its
 * watches and transactions go, on every connection of the domain; the
 * connections stay. */
static void test_introduce_again_resets(void **state)
{
	struct ctx *c = *state;
	int a = guest(c, 12);
	char sock[400];
	snprintf(sock, sizeof(sock), "%s/12", c->dm.domdir);
	int b = xsd_raw_connect(sock);
	struct msg m;
	OK(a, XS_WATCH, "/local/domain/12", "ta");
	OK(b, XS_WATCH, "/local/domain/12", "tb");
	uint32_t ta = start_txn(a), tb = start_txn(b);
	int other = guest(c, 13);
	OK(other, XS_WATCH, "/local/domain/13", "to");
	OK(c->d0, XS_INTRODUCE, "12", "1", "7");
	ERR("ENOENT", a, XS_UNWATCH, "/local/domain/12", "ta");
	ERR("ENOENT", b, XS_UNWATCH, "/local/domain/12", "tb");
	assert_string_equal(call(a, XS_TRANSACTION_END, ta, &m, "T", NULL), "ENOENT");
	assert_string_equal(call(b, XS_TRANSACTION_END, tb, &m, "T", NULL), "ENOENT");
	OK(a, XS_READ, "/local/domain/12");
	/* Another domain keeps its own. */
	OK(other, XS_UNWATCH, "/local/domain/13", "to");
	close(a);
	close(b);
	close(other);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN); /* a closed connection is an error result, not death */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispatch_flags),
		cmocka_unit_test(test_special_names),
		cmocka_unit_test(test_domain_requests),
		cmocka_unit_test(test_path_limits),
		cmocka_unit_test(test_perm_lists),
		cmocka_unit_test(test_guest_owns_what_it_creates),
		cmocka_unit_test(test_record_size),
		cmocka_unit_test(test_node_quota),
		cmocka_unit_test(test_transaction_quotas),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_release_removes_owned),
		cmocka_unit_test(test_introduce_again_resets),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
