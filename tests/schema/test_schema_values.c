/* SPDX-License-Identifier: LGPL-2.1-only */
/* The schema's value types and placeholders at their edges: every bound,
 * every character class, every separator is tried on both sides, so that a
 * rule broken by one character or one off-by-one fails here. The truth for
 * the limits: Xen 4.17's xen/include/public/io (event channel ports,
 * XenbusState, grant references), tools/xenstore/xenstored_core.c
 * (is_valid_nodename: characters, no "//", no trailing '/', the path length
 * relative to /local/domain/N/), and the domain id range of xen/include/
 * public/xen.h (DOMID_FIRST_RESERVED = 0x7FF0). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstore-schema/check.h"
#include "xenstore-schema/internal.h"
#include "common/err.h"

static struct xctl_schema_node node(enum xctl_schema_type t)
{
	struct xctl_schema_node n = { .id = "TEST", .tpl = "/test", .type = t };
	return n;
}

static bool ok_len(const struct xctl_schema_node *n, const char *v, size_t len)
{
	char why[256] = "";
	bool ok = xctl_schema_value_ok(n, v, len, why, sizeof(why));
	/* a refusal always says what is expected, an acceptance says nothing */
	if (ok)
		assert_string_equal(why, "");
	else
		assert_non_null(strstr(why, "expected ") ? why : strstr(why, "NUL"));
	return ok;
}

static bool ok(const struct xctl_schema_node *n, const char *v)
{
	return ok_len(n, v, strlen(v));
}

#define GOOD(n, v) do { if (!ok((n), (v))) fail_msg("%s refused '%s'", xctl_schema_type_name((n)->type), (v)); } while (0)
#define BAD(n, v) do { if (ok((n), (v))) fail_msg("%s accepted '%s'", xctl_schema_type_name((n)->type), (v)); } while (0)

static void test_domid(void **state)
{
	(void)state;
	struct xctl_schema_node n = node(XCTL_SCHEMA_T_DOMID);
	GOOD(&n, "0");
	GOOD(&n, "1");
	GOOD(&n, "32751");  /* DOMID_FIRST_RESERVED - 1 */
	BAD(&n, "32752");
	BAD(&n, "32767");
	BAD(&n, "65535");
	BAD(&n, "");
	BAD(&n, "-1");
	BAD(&n, "+1");
	BAD(&n, "01");
	BAD(&n, "1a");
	BAD(&n, " 1");
	BAD(&n, "1 ");
	BAD(&n, "18446744073709551617"); /* wraps to 1 in 64 bits */
	BAD(&n, "99999999999999999999999");
	char why[128];
	assert_false(xctl_schema_value_ok(&n, "32752", 5, why, sizeof(why)));
	assert_string_equal(why, "expected a domain id (0..32751)");
}

static void test_uuid(void **state)
{
	(void)state;
	struct xctl_schema_node n = node(XCTL_SCHEMA_T_UUID);
	GOOD(&n, "0f3a5e5b-8c2d-4b8e-9f10-5d2c6e7a8b9c");
	GOOD(&n, "00000000-0000-0000-0000-000000000000");
	GOOD(&n, "ABCDEFab-cdef-0123-4567-89abcdef0123");
	BAD(&n, "0f3a5e5b-8c2d-4b8e-9f10-5d2c6e7a8b9");   /* 35 */
	BAD(&n, "0f3a5e5b-8c2d-4b8e-9f10-5d2c6e7a8b9c0"); /* 37 */
	BAD(&n, "0f3a5e5b-8c2d-4b8e-9f10-5d2c6e7a8b9g");  /* g */
	BAD(&n, "g0000000-0000-0000-0000-000000000000");
	BAD(&n, "0f3a5e5b08c2d-4b8e-9f10-5d2c6e7a8b9c");  /* each dash in place */
	BAD(&n, "0f3a5e5b-8c2d04b8e-9f10-5d2c6e7a8b9c");
	BAD(&n, "0f3a5e5b-8c2d-4b8e09f10-5d2c6e7a8b9c");
	BAD(&n, "0f3a5e5b-8c2d-4b8e-9f1005d2c6e7a8b9c");
	BAD(&n, "0f3a5e5-b8c2d-4b8e-9f10-5d2c6e7a8b9c");  /* a dash one off */
	BAD(&n, "0f3a5e5b-8c2d-4b8e-9f10-5d2c6e7a8b-c");  /* a dash for a digit */
	BAD(&n, "0f3a5e5b8c2d4b8e9f105d2c6e7a8b9c");
	BAD(&n, "");
	assert_true(xctl_schema_is_uuid("0f3a5e5b-8c2d-4b8e-9f10-5d2c6e7a8b9cXX", 36));
}

static void test_majmin(void **state)
{
	(void)state;
	struct xctl_schema_node n = node(XCTL_SCHEMA_T_MAJMIN);
	GOOD(&n, "7:0");     /* loop0, as the block script writes it */
	GOOD(&n, "fe:1a");
	GOOD(&n, "FE:1A");
	GOOD(&n, "ffffffff:ffffffff");
	BAD(&n, "7");
	BAD(&n, ":0");
	BAD(&n, "7:");
	BAD(&n, ":");
	BAD(&n, "");
	BAD(&n, "g:0");
	BAD(&n, "7:g");
	BAD(&n, "7:0:1");
	BAD(&n, "7;0");
	BAD(&n, "fffffffff:0");  /* 9 digits */
	BAD(&n, "0:fffffffff");
	BAD(&n, " 7:0");
	BAD(&n, "7:0 ");
}

static void test_timestamp(void **state)
{
	(void)state;
	struct xctl_schema_node n = node(XCTL_SCHEMA_T_TIMESTAMP);
	GOOD(&n, "0");
	GOOD(&n, "1700000000");
	GOOD(&n, "1700000000.5");
	GOOD(&n, "1700000000.123456789");      /* nanoseconds */
	GOOD(&n, "12345678901234567890");      /* 20 digits */
	BAD(&n, "123456789012345678901");      /* 21 */
	BAD(&n, "1700000000.1234567890");      /* 10 decimals */
	BAD(&n, "");
	BAD(&n, ".5");
	BAD(&n, "1.");
	BAD(&n, "1..5");
	BAD(&n, "1.5.6");
	BAD(&n, "1,5");
	BAD(&n, "1a");
	BAD(&n, "1.a");
	BAD(&n, "-1");
	BAD(&n, "1 ");
}

static void test_evtchn(void **state)
{
	(void)state;
	struct xctl_schema_node n = node(XCTL_SCHEMA_T_EVTCHN);
	BAD(&n, "0");       /* port 0 is never bound */
	GOOD(&n, "1");
	GOOD(&n, "131071"); /* EVTCHN_FIFO_NR_CHANNELS - 1 */
	BAD(&n, "131072");
	BAD(&n, "01");
	BAD(&n, "");
	BAD(&n, "-1");
	BAD(&n, "x");
}

static void test_numbers(void **state)
{
	(void)state;
	struct xctl_schema_node n = node(XCTL_SCHEMA_T_GREF);
	BAD(&n, "7");   /* 0..7 reserved */
	GOOD(&n, "8");
	GOOD(&n, "4294967295");
	BAD(&n, "4294967296");

	n = node(XCTL_SCHEMA_T_STATE);
	GOOD(&n, "0");
	GOOD(&n, "8");  /* XenbusStateReconfigured */
	BAD(&n, "9");
	BAD(&n, "");

	n = node(XCTL_SCHEMA_T_KIB);
	GOOD(&n, "0");
	GOOD(&n, "18014398509481984");  /* 2^54 */
	BAD(&n, "18014398509481985");
	BAD(&n, "1k");

	n = node(XCTL_SCHEMA_T_FRAME);
	GOOD(&n, "0");
	GOOD(&n, "4503599627370495");   /* 2^52 - 1 */
	BAD(&n, "4503599627370496");

	n = node(XCTL_SCHEMA_T_INT);
	n.min = 2;
	n.max = 10;
	BAD(&n, "1");
	GOOD(&n, "2");
	GOOD(&n, "10");
	BAD(&n, "11");
	char why[128];
	assert_false(xctl_schema_value_ok(&n, "11", 2, why, sizeof(why)));
	assert_string_equal(why, "expected a decimal integer in 2..10");

	n = node(XCTL_SCHEMA_T_BOOL);
	GOOD(&n, "0");
	GOOD(&n, "1");
	BAD(&n, "2");
	BAD(&n, "");
	BAD(&n, "00");
	BAD(&n, "10");
	BAD(&n, "/");

	unsigned long long v = 0;
	assert_true(xctl_schema_canon_dec("18446744073709551615", 20, 0, ~0ull, &v));
	assert_true(v == ~0ull);
	assert_false(xctl_schema_canon_dec("18446744073709551616", 20, 0, ~0ull, &v));
	assert_false(xctl_schema_canon_dec("184467440737095516150", 21, 0, ~0ull, &v));
	assert_true(xctl_schema_canon_dec("0", 1, 0, 0, &v));
	assert_true(v == 0);
	assert_false(xctl_schema_canon_dec("00", 2, 0, 9, NULL));
	assert_false(xctl_schema_canon_dec("", 0, 0, 9, NULL));
	assert_true(xctl_schema_canon_dec("5", 1, 5, 5, NULL));
	assert_false(xctl_schema_canon_dec("4", 1, 5, 9, NULL));
	assert_false(xctl_schema_canon_dec("10", 2, 5, 9, NULL));
	assert_true(xctl_schema_canon_dec("123", 2, 0, 99, &v)); /* only len bytes */
	assert_true(v == 12);
}

static void test_mac(void **state)
{
	(void)state;
	struct xctl_schema_node n = node(XCTL_SCHEMA_T_MAC);
	GOOD(&n, "00:16:3e:12:34:56");
	GOOD(&n, "00:16:3E:AB:cd:EF");
	BAD(&n, "00:16:3e:12:34:5");
	BAD(&n, "00:16:3e:12:34:567");
	BAD(&n, "00-16-3e-12-34-56");
	BAD(&n, "00:16:3e:12:34:5g");
	BAD(&n, "g0:16:3e:12:34:56");
	BAD(&n, "00:16:3e:12:3456:");
	BAD(&n, "0:016:3e:12:34:56");
	BAD(&n, "");
}

static void test_strings_enums_dirs(void **state)
{
	(void)state;
	struct xctl_schema_node n = node(XCTL_SCHEMA_T_STRING);
	n.max = 4;
	GOOD(&n, "");
	GOOD(&n, "abcd");
	BAD(&n, "abcde");
	char why[128];
	assert_false(xctl_schema_value_ok(&n, "abcde", 5, why, sizeof(why)));
	assert_string_equal(why, "expected a string of at most 4 bytes");
	assert_true(ok_len(&n, "a\0b", 3)); /* a string may hold a NUL byte */

	n = node(XCTL_SCHEMA_T_ENUM);
	n.args = "connected  closed ready";
	GOOD(&n, "connected");
	GOOD(&n, "closed");
	GOOD(&n, "ready");
	BAD(&n, "conn");
	BAD(&n, "connectedx");
	BAD(&n, "closed ready");
	BAD(&n, "");
	BAD(&n, " ");
	BAD(&n, "d");
	assert_false(xctl_schema_value_ok(&n, "x", 1, why, sizeof(why)));
	assert_string_equal(why, "expected one of: connected  closed ready");

	n = node(XCTL_SCHEMA_T_DIR);
	GOOD(&n, "");
	BAD(&n, "x");

	/* empty_ok: the empty string is allowed, anything else still checked */
	n = node(XCTL_SCHEMA_T_DOMID);
	n.empty_ok = true;
	GOOD(&n, "");
	GOOD(&n, "5");
	BAD(&n, "x");
	assert_false(xctl_schema_value_ok(&n, "x", 1, why, sizeof(why)));
	assert_string_equal(why, "expected a domain id (0..32751), or empty");

	/* a NUL byte in anything but a string */
	n = node(XCTL_SCHEMA_T_BOOL);
	assert_false(xctl_schema_value_ok(&n, "1\0", 2, why, sizeof(why)));
	assert_string_equal(why, "the value holds a NUL byte");
	n = node(XCTL_SCHEMA_T_DIR);
	assert_false(ok_len(&n, "\0", 1));

	/* an unknown type is never accepted */
	n = node(XCTL_SCHEMA_T_COUNT);
	BAD(&n, "");
	BAD(&n, "x");
}

/* Paths as is_valid_nodename sees them. */
static void test_paths(void **state)
{
	(void)state;
	struct xctl_schema_node n = node(XCTL_SCHEMA_T_PATH);
	GOOD(&n, "/");
	GOOD(&n, "/local/domain/0/backend/vbd/1/51712");
	GOOD(&n, "/a-b_c@D9");
	GOOD(&n, "/tool/xenstored");
	BAD(&n, "");
	BAD(&n, "local/domain/0");
	BAD(&n, "/local/");
	BAD(&n, "//");
	BAD(&n, "/a//b");
	BAD(&n, "/a b");
	BAD(&n, "/a.b");
	BAD(&n, "/a:b");
	BAD(&n, "/a\\b");
	BAD(&n, "/a~");
	BAD(&n, "/a+");
	BAD(&n, "/\x80");
	n = node(XCTL_SCHEMA_T_LINK);
	GOOD(&n, "/vm/0f3a5e5b-8c2d-4b8e-9f10-5d2c6e7a8b9c");
	BAD(&n, "vm");

	/* the length limit: 2048 after /local/domain/N/, or from the start */
	static const char *const prefixes[] = { "", "/local/domain/7/", "/local/domain/12345/",
						"/local/domain/-1/", "/local/domain/123456/", "/local/domain/x/",
						"/local/domain//", "/local/domain/7", "/abcdefghijklm7/" };
	static const size_t counted[] = { 0, 16, 20, 17, 0, 0, 0, 0, 0 };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i]), lim = counted[i] + XCTL_XSDUMP_MAX_REL_PATH;
		char *p = malloc(lim + 2);
		assert_non_null(p);
		memset(p, 'a', lim + 1);
		memcpy(p, pl ? prefixes[i] : "/", pl ? pl : 1);
		p[lim + 1] = '\0';
		/* the bad prefixes are refused for their characters anyway */
		bool valid = i < 5 || i >= 7;
		if (valid && !xctl_schema_path_ok(p, lim))
			fail_msg("a path of %zu bytes under '%s' refused", lim, prefixes[i]);
		if (xctl_schema_path_ok(p, lim + 1))
			fail_msg("a path of %zu bytes under '%s' accepted", lim + 1, prefixes[i]);
		free(p);
	}
	assert_int_equal(XCTL_XSDUMP_MAX_REL_PATH, 2048);
}

/* Placeholders in templates: the same ranges as the values. */
static void test_placeholders(void **state)
{
	(void)state;
	struct xctl_schema_binding b;
	static const char tpl[] = "/local/domain/$DOMID/name";
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match(tpl, "/local/domain/1/name", &b) >= 0);
	assert_true(b.set[XCTL_SCHEMA_V_DOMID] && b.num[XCTL_SCHEMA_V_DOMID] == 1);
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match(tpl, "/local/domain/32751/name", &b) >= 0);
	static const char *const bad[] = {
		"/local/domain/0/name", "/local/domain/32752/name", "/local/domain/01/name",
		"/local/domain/-1/name", "/local/domain/x/name", "/local/domain//name",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&b, 0, sizeof(b));
		if (xctl_schema_tpl_match(tpl, bad[i], &b) >= 0)
			fail_msg("%s matched %s", bad[i], tpl);
	}
	/* the backend domain may be 0 */
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match("/local/domain/$BACKEND/backend", "/local/domain/0/backend", &b) >= 0);
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match("/local/domain/$BACKEND/backend", "/local/domain/32752/backend", &b) < 0);
	/* a placeholder bound twice must agree */
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match("/x/$DOMID/y/$DOMID", "/x/3/y/3", &b) >= 0);
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match("/x/$DOMID/y/$DOMID", "/x/3/y/4", &b) < 0);
	/* uuids in paths */
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match("/vm/$UUID", "/vm/0f3a5e5b-8c2d-4b8e-9f10-5d2c6e7a8b9c", &b) >= 0);
	assert_string_equal(b.uuid, "0f3a5e5b-8c2d-4b8e-9f10-5d2c6e7a8b9c");
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match("/vm/$UUID", "/vm/0f3a5e5b-8c2d-4b8e-9f10-5d2c6e7a8b9", &b) < 0);
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match("/vm/$UUID/x/$UUID",
					  "/vm/0f3a5e5b-8c2d-4b8e-9f10-5d2c6e7a8b9c/x/1f3a5e5b-8c2d-4b8e-9f10-5d2c6e7a8b9c",
					  &b) < 0);
	/* the device id takes 32 bits, an index 16, a queue 1023 */
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match("/d/$DEVID", "/d/4294967295", &b) >= 0);
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match("/d/$DEVID", "/d/4294967296", &b) < 0);
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match("/d/$INDEX", "/d/65535", &b) >= 0);
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match("/d/$INDEX", "/d/65536", &b) < 0);
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match("/d/queue-$QUEUE", "/d/queue-1023", &b) >= 0);
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match("/d/queue-$QUEUE", "/d/queue-1024", &b) < 0);
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match("/d/queue-$QUEUE", "/d/queue-", &b) < 0);
	memset(&b, 0, sizeof(b));
	assert_true(xctl_schema_tpl_match("/d/queue-$QUEUE", "/d/queux-1", &b) < 0);
}

/* Templates against paths: whole components, absolute paths only, the same
 * depth, an unknown placeholder never matches, and the most literal
 * template scores highest (literal components first, then characters). */
static long score(const char *tpl, const char *path)
{
	struct xctl_schema_binding b;
	memset(&b, 0, sizeof(b));
	return xctl_schema_tpl_match(tpl, path, &b);
}

static void test_template_match(void **state)
{
	(void)state;
	assert_true(score("/", "/") >= 0);
	assert_true(score("/", "/a") < 0);
	assert_true(score("/a", "/") < 0);
	assert_true(score("/a/b", "/a") < 0);
	assert_true(score("/a", "/a/b") < 0);
	assert_true(score("/a/b", "/a/b") >= 0);
	assert_true(score("/a/b", "/a/bc") < 0);
	assert_true(score("/a/bc", "/a/b") < 0);
	assert_true(score("/local", "xlocal") < 0);
	assert_true(score("/local", "local") < 0);
	assert_true(score("/x/$NOPE", "/x/1") < 0);
	assert_true(score("/x/$NOPE", "/x/$NOPE") < 0);
	assert_true(score("/x/a$INDEX", "/x/a") < 0); /* an empty value */
	/* a literal component beats a placeholder */
	assert_true(score("/d/1", "/d/1") > score("/d/$INDEX", "/d/1"));
	/* literal components count before literal characters */
	assert_true(score("/d/$INDEX", "/d/22222") >= 0);
	assert_true(score("/1/$INDEX", "/1/22222") > score("/$INDEX/2222$QUEUE", "/1/22222"));
	assert_true(score("/$INDEX/2222$QUEUE", "/1/22222") > score("/$INDEX/$QUEUE", "/1/22222"));
	/* the schema: the most specific node wins, and a path matches at its depth only */
	struct xctl_schema_binding b;
	int i = xctl_schema_match("/local/domain/3/name", &b);
	assert_true(i >= 0);
	assert_string_equal(xctl_schema_nodes[i].tpl, "/local/domain/$DOMID/name");
	assert_true(b.set[XCTL_SCHEMA_V_DOMID] && b.num[XCTL_SCHEMA_V_DOMID] == 3);
	assert_int_equal(xctl_schema_match("/local/domain/3/name/x/y/z", &b), -1);
	assert_int_equal(xctl_schema_find_tpl("/local/domain/$DOMID/name"), i);
	assert_int_equal(xctl_schema_find_tpl("/local/domain/$DOMID/nam"), -1);
	assert_int_equal(xctl_schema_find_id(xctl_schema_nodes[i].id), i);
	assert_int_equal(xctl_schema_find_id("NO_SUCH_NODE"), -1);
	/* the last node of the table is found too */
	size_t last = xctl_schema_nnodes - 1;
	assert_int_equal(xctl_schema_find_tpl(xctl_schema_nodes[last].tpl), (int)last);
}

/* Expanding a template with its bindings, within the buffer given. */
static void test_expand(void **state)
{
	(void)state;
	struct xctl_schema_binding b;
	char buf[64];
	memset(&b, 0, sizeof(b));
	b.set[XCTL_SCHEMA_V_DOMID] = true;
	b.num[XCTL_SCHEMA_V_DOMID] = 12;
	assert_int_equal(xctl_schema_expand("/local/domain/$DOMID/name", &b, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/local/domain/12/name");
	/* exactly the length needed, with its NUL; one byte less fails */
	size_t need = strlen("/local/domain/12/name") + 1;
	assert_int_equal(xctl_schema_expand("/local/domain/$DOMID/name", &b, buf, need), 0);
	assert_string_equal(buf, "/local/domain/12/name");
	assert_int_equal(xctl_schema_expand("/local/domain/$DOMID/name", &b, buf, need - 1), XCTL_ERR_LIMIT);
	/* the placeholder as the last thing, exactly fitting or not */
	need = strlen("/d/12") + 1;
	assert_int_equal(xctl_schema_expand("/d/$DOMID", &b, buf, need), 0);
	assert_string_equal(buf, "/d/12");
	assert_int_equal(xctl_schema_expand("/d/$DOMID", &b, buf, need - 1), XCTL_ERR_LIMIT);
	assert_int_equal(xctl_schema_expand("/d", &b, buf, 3), 0);
	assert_int_equal(xctl_schema_expand("/d", &b, buf, 2), XCTL_ERR_LIMIT);
	/* nothing fits in no room, not even the NUL */
	buf[0] = 'x';
	assert_int_equal(xctl_schema_expand("", &b, buf, 0), XCTL_ERR_LIMIT);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(xctl_schema_expand("", &b, buf, 1), 0);
	assert_string_equal(buf, "");
	/* nothing is written past the room given */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(xctl_schema_expand("/local/domain/$DOMID/name", &b, buf, 4), XCTL_ERR_LIMIT);
	for (size_t k = 4; k < sizeof(buf); k++)
		assert_int_equal(buf[k], 'x');
	/* unbound, unknown, no bindings */
	assert_int_equal(xctl_schema_expand("/d/$BACKEND", &b, buf, sizeof(buf)), XCTL_ERR_INVAL);
	assert_int_equal(xctl_schema_expand("/d/$NOPE", &b, buf, sizeof(buf)), XCTL_ERR_INVAL);
	assert_int_equal(xctl_schema_expand("/d/$DOMID", NULL, buf, sizeof(buf)), XCTL_ERR_INVAL);
	memcpy(b.uuid, "0f3a5e5b-8c2d-4b8e-9f10-5d2c6e7a8b9c", 37);
	b.set[XCTL_SCHEMA_V_UUID] = true;
	assert_int_equal(xctl_schema_expand("/vm/$UUID/name", &b, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/vm/0f3a5e5b-8c2d-4b8e-9f10-5d2c6e7a8b9c/name");
	/* match binds what expand uses: the first node of the table round-trips */
	memset(&b, 0, sizeof(b));
	int i = xctl_schema_match("/local/domain/7/name", &b);
	assert_true(i >= 0);
	assert_int_equal(xctl_schema_expand(xctl_schema_nodes[i].tpl, &b, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/local/domain/7/name");
	/* the first node of the table binds too; no match leaves b alone */
	for (int v = 0; v < XCTL_SCHEMA_V_COUNT; v++)
		b.set[v] = true;
	i = xctl_schema_match(xctl_schema_nodes[0].tpl, &b);
	assert_int_equal(i, 0);
	assert_int_equal(xctl_schema_nodes[0].nvars, 0);
	for (int v = 0; v < XCTL_SCHEMA_V_COUNT; v++)
		assert_false(b.set[v]);
	memset(&b, 0, sizeof(b));
	b.set[XCTL_SCHEMA_V_DOMID] = true;
	b.num[XCTL_SCHEMA_V_DOMID] = 42;
	struct xctl_schema_binding before = b;
	assert_int_equal(xctl_schema_match("/no/such/node/here", &b), -1);
	assert_memory_equal(&b, &before, sizeof(b));
	assert_int_equal(xctl_schema_match("/local/domain/7/name", NULL), xctl_schema_find_tpl("/local/domain/$DOMID/name"));
}

/* "Did you mean": literal children of a node only. */
static void test_suggest(void **state)
{
	(void)state;
	int dom = xctl_schema_find_tpl("/local/domain/$DOMID");
	assert_true(dom >= 0);
	const char *s = xctl_schema_suggest_child(dom, "nmae");
	assert_non_null(s);
	assert_string_equal(s, "name");
	s = xctl_schema_suggest_child(dom, "memroy");
	assert_non_null(s);
	assert_string_equal(s, "memory");
	/* a grandchild's name is not a child */
	assert_null(xctl_schema_suggest_child(xctl_schema_find_tpl("/local"), "nmae"));
}

/* The names of the vocabulary, for messages and JSON. */
static void test_names(void **state)
{
	(void)state;
	char buf[128];
	assert_string_equal(xctl_schema_type_name(XCTL_SCHEMA_T_DOMID), "domid");
	assert_string_equal(xctl_schema_type_name(XCTL_SCHEMA_T_MAJMIN), "majmin");
	assert_string_equal(xctl_schema_type_name(XCTL_SCHEMA_T_COUNT), "?");
	assert_string_equal(xctl_schema_phase_name(XCTL_SCHEMA_P_CONNECTED), "connected");
	assert_string_equal(xctl_schema_phase_name(XCTL_SCHEMA_P_COUNT), "?");
	assert_int_equal(xctl_schema_phase_parse("created"), XCTL_SCHEMA_P_CREATED);
	assert_int_equal(xctl_schema_phase_parse("connect"), -1);
	xctl_schema_writers_text((1u << XCTL_SCHEMA_W_TOOLSTACK_BIT) | (1u << XCTL_SCHEMA_W_HOTPLUG_BIT), buf,
				 sizeof(buf));
	assert_string_equal(buf, "toolstack, hotplug");
	xctl_schema_writers_text(1u << (XCTL_SCHEMA_W_COUNT - 1), buf, sizeof(buf));
	assert_string_equal(buf, xctl_schema_writer_names[XCTL_SCHEMA_W_COUNT - 1]);
	xctl_schema_guests_text(XCTL_SCHEMA_G_ALL, buf, sizeof(buf));
	assert_string_equal(buf, "pv, pvh, hvm");
	xctl_schema_guests_text(1u << XCTL_SCHEMA_G_HVM_BIT, buf, sizeof(buf));
	assert_string_equal(buf, "hvm");
	xctl_schema_guests_text(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	/* bits beyond the list are not names */
	xctl_schema_guests_text(1u << XCTL_SCHEMA_G_COUNT, buf, sizeof(buf));
	assert_string_equal(buf, "");
	/* a short buffer holds what fits, NUL-terminated */
	memset(buf, 'x', sizeof(buf));
	xctl_schema_guests_text(XCTL_SCHEMA_G_ALL, buf, 6);
	assert_string_equal(buf, "pv, p");
	memset(buf, 'x', sizeof(buf));
	xctl_schema_guests_text(XCTL_SCHEMA_G_ALL, buf, 2);
	assert_string_equal(buf, "p");
	buf[0] = 'x';
	xctl_schema_guests_text(XCTL_SCHEMA_G_ALL, buf, 0);
	assert_int_equal(buf[0], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domid),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_majmin),
		cmocka_unit_test(test_timestamp),
		cmocka_unit_test(test_evtchn),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_strings_enums_dirs),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_template_match),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("schema values", tests, NULL, NULL);
}
