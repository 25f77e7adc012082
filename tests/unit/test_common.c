/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests of common/: numbers, hex digits, buffers, suggestions, diagnostics, JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"
#include "common/util.h"

static void test_parse_u64(void **state)
{
	(void)state;
	uint64_t v = 0;
	assert_int_equal(xctl_parse_u64("512", 10, UINT64_MAX, &v), 0);
	assert_int_equal(v, 512);
	assert_int_equal(xctl_parse_u64("0x1F", 0, UINT64_MAX, &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(xctl_parse_u64("18446744073709551615", 10, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(xctl_parse_u64("18446744073709551616", 10, UINT64_MAX, &v), XCTL_ERR_LIMIT);
	assert_int_equal(xctl_parse_u64("", 10, UINT64_MAX, &v), XCTL_ERR_INVAL);
	assert_int_equal(xctl_parse_u64("-1", 10, UINT64_MAX, &v), XCTL_ERR_INVAL);
	assert_int_equal(xctl_parse_u64("12a", 10, UINT64_MAX, &v), XCTL_ERR_INVAL);
	assert_int_equal(xctl_parse_u64("9", 10, 8, &v), XCTL_ERR_LIMIT);
}

static void test_parse_i64(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_int_equal(xctl_parse_i64("-42", 10, INT64_MIN, INT64_MAX, &v), 0);
	assert_int_equal(v, -42);
	assert_int_equal(xctl_parse_i64("-9223372036854775808", 10, INT64_MIN, INT64_MAX, &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(xctl_parse_i64("9223372036854775808", 10, INT64_MIN, INT64_MAX, &v), XCTL_ERR_LIMIT);
	assert_int_equal(xctl_parse_i64("--1", 10, INT64_MIN, INT64_MAX, &v), XCTL_ERR_INVAL);
	assert_int_equal(xctl_parse_i64("5", 10, 0, 4, &v), XCTL_ERR_LIMIT);
}

/* The monotonic clock in milliseconds: it advances by what was slept and
 * never goes back. */
/* xctl_mkdirs: every missing part made (mode 0700), what exists kept, a
 * file in the way and a path too long refused */
static void test_bridge_port_ipv6_off(void **state)
{
	(void)state;
	char longname[80];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(xctl_bridge_port_ipv6_off(""), XCTL_ERR_INVAL);
	assert_int_equal(xctl_bridge_port_ipv6_off("../all"), XCTL_ERR_INVAL);
	assert_int_equal(xctl_bridge_port_ipv6_off(longname), XCTL_ERR_INVAL);
	/* an interface that is not there, where IPv6 is */
	if (access("/proc/sys/net/ipv6", F_OK) == 0)
		assert_int_equal(xctl_bridge_port_ipv6_off("xctl-none0"), XCTL_ERR_NOTFOUND);
	else
		assert_int_equal(xctl_bridge_port_ipv6_off("xctl-none0"), 0);
}

static void test_mkdirs(void **state)
{
	(void)state;
	char base[] = "/tmp/xctl-mkdirs-XXXXXX", p[512], f[512];
	struct stat st;
	assert_non_null(mkdtemp(base));
	snprintf(p, sizeof(p), "%s/a/b/c", base);
	assert_int_equal(xctl_mkdirs(p), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(xctl_mkdirs(p), 0); /* again: all there */
	snprintf(f, sizeof(f), "%s/a/file", base);
	FILE *fp = fopen(f, "w");
	assert_non_null(fp);
	fclose(fp);
	snprintf(p, sizeof(p), "%s/a/file/d", base);
	assert_true(xctl_mkdirs(p) < 0); /* ENOTDIR: a file where a directory should be */
	assert_int_not_equal(stat(p, &st), 0);
	char *longp = malloc(5000);
	assert_non_null(longp);
	memset(longp, 'x', 4999);
	longp[0] = '/';
	longp[4999] = '\0';
	assert_int_equal(xctl_mkdirs(longp), XCTL_ERR_LIMIT);
	longp[4096] = '\0'; /* exactly 4096 bytes: no room for the NUL either */
	assert_int_equal(xctl_mkdirs(longp), XCTL_ERR_LIMIT);
	free(longp);
	unlink(f);
	snprintf(p, sizeof(p), "rm -rf '%s'", base);
	assert_int_equal(system(p), 0);
}

static void test_mono_ms(void **state)
{
	(void)state;
	long a = xctl_mono_ms();
	usleep(30000);
	long b = xctl_mono_ms();
	assert_true(b - a >= 30);
	assert_true(b - a < 30000);
	assert_true(xctl_mono_ms() >= b);
}

static void test_hexval(void **state)
{
	(void)state;
	const char *digits = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		assert_int_equal(xctl_hexval(digits[i]), i);
		assert_int_equal(xctl_hexval(toupper((unsigned char)digits[i])), i);
	}
	assert_int_equal(xctl_hexval('g'), -1);
	assert_int_equal(xctl_hexval('G'), -1);
	assert_int_equal(xctl_hexval('/'), -1); /* just below '0' */
	assert_int_equal(xctl_hexval(':'), -1); /* just above '9' */
	assert_int_equal(xctl_hexval('`'), -1); /* just below 'a' */
	assert_int_equal(xctl_hexval('@'), -1); /* just below 'A' */
	assert_int_equal(xctl_hexval(' '), -1);
	assert_int_equal(xctl_hexval('\0'), -1);
	assert_int_equal(xctl_hexval((char)0xe1), -1); /* a negative char */
	assert_int_equal(xctl_hexval(0xe1), -1);
}

static void test_buf(void **state)
{
	(void)state;
	struct xctl_buf b = { 0 };
	for (int i = 0; i < 1000; i++)
		assert_int_equal(xctl_buf_printf(&b, "%d,", i % 10), 0);
	assert_int_equal(b.len, 2000);
	assert_int_equal(strncmp(b.p, "0,1,2,", 6), 0);
	char *s = xctl_buf_steal(&b);
	assert_non_null(s);
	assert_null(b.p);
	free(s);
	s = xctl_buf_steal(&b); /* empty buffer gives an empty string */
	assert_string_equal(s, "");
	free(s);
}

static void test_read_file(void **state)
{
	(void)state;
	char path[] = "/tmp/xctl-test-readXXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	char *s = NULL;
	size_t len = 99;
	assert_int_equal(xctl_read_file(path, 100, &s, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(s, ""); /* an empty file reads as an empty string */
	free(s);
	assert_int_equal(write(fd, "hello", 5), 5);
	assert_int_equal(xctl_read_file(path, 100, &s, &len), 0);
	assert_string_equal(s, "hello");
	free(s);
	assert_int_equal(xctl_read_file(path, 4, &s, &len), XCTL_ERR_LIMIT);
	close(fd);
	unlink(path);
	assert_int_equal(xctl_read_file("/nonexistent/file", 100, &s, &len), XCTL_ERR_NOTFOUND);
}

static void test_suggest(void **state)
{
	(void)state;
	const char *keys[] = { "memory", "maxmem", "vcpus", "maxvcpus", "name", NULL };
	assert_string_equal(xctl_suggest("memmory", keys, XCTL_SUGGEST_NULL_TERMINATED), "memory");
	assert_string_equal(xctl_suggest("vpcus", keys, XCTL_SUGGEST_NULL_TERMINATED), "vcpus");
	assert_string_equal(xctl_suggest("nmae", keys, XCTL_SUGGEST_NULL_TERMINATED), "name");
	assert_null(xctl_suggest("bootloader", keys, XCTL_SUGGEST_NULL_TERMINATED));
	/* a counted list stops at its count, and an empty one suggests nothing */
	assert_null(xctl_suggest("vpcus", keys, 2));
	assert_string_equal(xctl_suggest("vpcus", keys, 3), "vcpus");
	assert_null(xctl_suggest("memmory", keys, 0));
	assert_int_equal(xctl_edit_distance("abc", "abc"), 0);
	assert_int_equal(xctl_edit_distance("abc", "acb"), 1);
}

static void test_diags(void **state)
{
	(void)state;
	struct xctl_diags d;
	xctl_diags_init(&d);
	assert_int_equal(xctl_diag_add(&d, XCTL_DIAG_ERROR, "a.cfg", 3, "memory", "must be at least 1 (%s)", "MiB"), 0);
	assert_int_equal(xctl_diag_add(&d, XCTL_DIAG_WARNING, "a.cfg", 4, "memmory", "unknown key"), 0);
	assert_int_equal(xctl_diag_add(&d, XCTL_DIAG_ERROR, NULL, 0, NULL, "no file"), 0);
	assert_int_equal(d.nerrors, 2);
	assert_int_equal(d.nwarnings, 1);
	char *s = xctl_diag_format(&d.v[0]);
	assert_string_equal(s, "a.cfg:3: memory: must be at least 1 (MiB)");
	free(s);
	s = xctl_diag_format(&d.v[1]);
	assert_string_equal(s, "a.cfg:4: warning: memmory: unknown key");
	free(s);
	s = xctl_diag_format(&d.v[2]);
	assert_string_equal(s, "no file");
	free(s);
	xctl_diags_promote_warnings(&d);
	assert_int_equal(d.nerrors, 3);
	assert_int_equal(d.nwarnings, 0);
	xctl_diags_free(&d);
}

static void test_json_roundtrip(void **state)
{
	(void)state;
	struct xctl_jw *w = xctl_jw_new(false);
	assert_non_null(w);
	xctl_jw_obj_open(w);
	xctl_jw_kstr(w, "name", "guest \"1\"\n");
	xctl_jw_kint(w, "neg", -5);
	xctl_jw_kuint(w, "big", UINT64_MAX);
	xctl_jw_kbool(w, "t", true);
	xctl_jw_key(w, "list");
	xctl_jw_arr_open(w);
	xctl_jw_str(w, "a");
	xctl_jw_null(w);
	xctl_jw_arr_close(w);
	xctl_jw_obj_close(w);
	const char *text;
	size_t len;
	assert_int_equal(xctl_jw_finish(w, &text, &len), 0);

	struct xctl_jv *v = NULL;
	char err[128];
	assert_int_equal(xctl_json_parse(text, len, &v, err, sizeof(err)), 0);
	xctl_jw_free(w);
	assert_int_equal(v->type, XCTL_JOBJECT);
	assert_string_equal(xctl_jv_get(v, "name")->u.s, "guest \"1\"\n");
	assert_int_equal(xctl_jv_get(v, "neg")->u.i, -5);
	assert_int_equal(xctl_jv_get(v, "big")->type, XCTL_JUINT);
	assert_true(xctl_jv_get(v, "big")->u.u == UINT64_MAX);
	assert_true(xctl_jv_get(v, "t")->u.b);
	const struct xctl_jv *l = xctl_jv_get(v, "list");
	assert_int_equal(l->u.arr.n, 2);
	assert_int_equal(l->u.arr.v[1]->type, XCTL_JNULL);
	assert_null(xctl_jv_get(v, "missing"));
	xctl_jv_free(v);
}

static void test_json_errors(void **state)
{
	(void)state;
	struct xctl_jv *v = NULL;
	char err[128] = "";
	assert_int_equal(xctl_json_parse("{\"a\": }", 7, &v, err, sizeof(err)), XCTL_ERR_PARSE);
	assert_null(v);
	assert_true(strlen(err) > 0);
	struct xctl_jw *w = xctl_jw_new(false);
	xctl_jw_str(w, "\xff\xfe bad utf8");
	const char *text;
	assert_int_equal(xctl_jw_finish(w, &text, NULL), XCTL_ERR_INVAL);
	xctl_jw_free(w);
}

static void test_errors(void **state)
{
	(void)state;
	for (int rc = 0; rc >= XCTL_ERR_MIN; rc--) {
		assert_string_not_equal(xctl_strerror(rc), "unknown error");
		assert_string_not_equal(xctl_errname(rc), "XCTL_ERR_UNKNOWN");
	}
	assert_string_equal(xctl_strerror(-1000), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64),  cmocka_unit_test(test_parse_i64),
		cmocka_unit_test(test_buf),        cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_read_file),  cmocka_unit_test(test_hexval), cmocka_unit_test(test_mono_ms), cmocka_unit_test(test_mkdirs), cmocka_unit_test(test_bridge_port_ipv6_off),
		cmocka_unit_test(test_diags),      cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test(test_json_errors), cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
