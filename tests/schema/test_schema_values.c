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
	char why[128];
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
						"/local/domain//", "/local/domain/7" };
	static const size_t counted[] = { 0, 16, 20, 17, 0, 0, 0, 0 };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i]), lim = counted[i] + XCTL_XSDUMP_MAX_REL_PATH;
		char *p = malloc(lim + 2);
		assert_non_null(p);
		memset(p, 'a', lim + 1);
		memcpy(p, pl ? prefixes[i] : "/", pl ? pl : 1);
		p[lim + 1] = '\0';
		/* the bad prefixes are refused for their characters anyway */
		bool valid = i < 5 || i == 7;
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
	};
	return cmocka_run_group_tests_name("schema values", tests, NULL, NULL);
}
