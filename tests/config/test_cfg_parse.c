/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests of the xl.cfg reader (cfg_parse.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/err.h"
#include "common/util.h"
#include "toolstack/config/cfg_parse.h"

void cfg_parse_tests(const struct CMUnitTest **tests, size_t *n);

static int parse(struct xctl_cfg *cfg, struct xctl_diags *d, const char *text)
{
	xctl_cfg_init(cfg);
	xctl_diags_init(d);
	return xctl_cfg_parse_text(cfg, "t.cfg", 1, text, strlen(text), d);
}

static const struct xctl_cfg_value *get(const struct xctl_cfg *cfg, const char *key)
{
	const struct xctl_cfg_setting *s = xctl_cfg_get(cfg, key);
	assert_non_null(s);
	return s->value;
}

static char *diag(const struct xctl_diags *d, size_t i)
{
	assert_true(i < d->n);
	return xctl_diag_format(&d->v[i]);
}

static void done(struct xctl_cfg *cfg, struct xctl_diags *d)
{
	xctl_cfg_free(cfg);
	/* freed, the reader is empty again and may be used anew */
	assert_int_equal(cfg->n, 0);
	assert_null(cfg->v);
	assert_int_equal(cfg->nfiles, 0);
	xctl_diags_free(d);
}

static void test_values(void **state)
{
	(void)state;
	struct xctl_cfg cfg;
	struct xctl_diags d;
	assert_int_equal(parse(&cfg, &d,
			       "# comment\n"
			       "name = \"g1\" # trailing comment\n"
			       "kernel='/boot/vmlinuz'; memory = 0x200\n"
			       "disk = [ 'a',\n"
			       "\n"
			       "   \"b\",\n"
			       "]\n"
			       "empty = []\n"
			       "nested = [ [ '1', 2 ], '3' ]\n"
			       "last = 7"),
			 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(get(&cfg, "name")->s, "g1");
	assert_int_equal(xctl_cfg_get(&cfg, "name")->line, 2);
	assert_string_equal(get(&cfg, "kernel")->s, "/boot/vmlinuz");
	assert_true(get(&cfg, "kernel")->quoted);
	assert_string_equal(get(&cfg, "memory")->s, "0x200");
	assert_false(get(&cfg, "memory")->quoted);
	assert_int_equal(xctl_cfg_get(&cfg, "memory")->line, 3);
	const struct xctl_cfg_value *disk = get(&cfg, "disk");
	assert_int_equal(disk->type, XCTL_CFG_LIST);
	assert_int_equal(disk->n, 2);
	assert_int_equal(disk->items[0]->line, 4);
	assert_int_equal(disk->items[1]->line, 6);
	assert_string_equal(disk->items[1]->s, "b");
	assert_int_equal(get(&cfg, "empty")->n, 0);
	const struct xctl_cfg_value *nested = get(&cfg, "nested");
	assert_int_equal(nested->n, 2);
	assert_int_equal(nested->items[0]->type, XCTL_CFG_LIST);
	assert_string_equal(nested->items[0]->items[1]->s, "2");
	assert_string_equal(get(&cfg, "last")->s, "7");
	done(&cfg, &d);
}

static void test_escapes(void **state)
{
	(void)state;
	struct xctl_cfg cfg;
	struct xctl_diags d;
	/* every escape libxlu_cfg.c:xlu__cfgl_dequote() decodes */
	assert_int_equal(parse(&cfg, &d, "a = \"x\\ty\\n\\\"q\\\" \\\\ \\a\\b\\f\\r\\v\"\nb = 'it\\'s \"fine\"'\n"), 0);
	assert_string_equal(get(&cfg, "a")->s, "x\ty\n\"q\" \\ \a\b\f\r\v");
	assert_string_equal(get(&cfg, "b")->s, "it's \"fine\"");
	done(&cfg, &d);

	/* unknown, hex (always refused by xl) and octal (dropped by xl) */
	assert_int_equal(parse(&cfg, &d, "a = 1\nb = \"bad \\q escape\"\nc = \"\\x41\"\nd = \"\\101\"\n"), XCTL_ERR_PARSE);
	assert_int_equal(d.n, 3);
	char *s = diag(&d, 0);
	assert_string_equal(s, "t.cfg:2: invalid escape '\\q' in a string (allowed: \\\" \\' \\\\ \\a \\b \\f \\n \\r \\t "
			       "\\v)");
	free(s);
	s = diag(&d, 1);
	assert_string_equal(s, "t.cfg:3: '\\x' escape in a string: xl 4.17 refuses every hex escape (write the "
			       "character itself)");
	free(s);
	s = diag(&d, 2);
	assert_string_equal(s, "t.cfg:4: octal escape '\\1...' in a string: xl 4.17 drops the character it stands "
			       "for (write the character itself)");
	free(s);
	assert_string_equal(get(&cfg, "a")->s, "1");
	assert_null(xctl_cfg_get(&cfg, "b"));
	assert_null(xctl_cfg_get(&cfg, "c"));
	assert_null(xctl_cfg_get(&cfg, "d"));
	done(&cfg, &d);

	/* the escape is shown as written when printable, else as '?' */
	assert_int_equal(parse(&cfg, &d, "a = \"\\~\"\nb = \"\\\x7f\"\nc = \"\\ \"\n"), XCTL_ERR_PARSE);
	assert_int_equal(d.n, 3);
	s = diag(&d, 0);
	assert_non_null(strstr(s, "invalid escape '\\~'"));
	free(s);
	s = diag(&d, 1);
	assert_non_null(strstr(s, "invalid escape '\\?'"));
	free(s);
	s = diag(&d, 2);
	assert_non_null(strstr(s, "invalid escape '\\ '"));
	free(s);
	done(&cfg, &d);

	/* control bytes of a token are shown as '?' in messages */
	assert_int_equal(parse(&cfg, &d, "a = \"x\" \"\x1f \x7e\"\n"), XCTL_ERR_PARSE);
	assert_int_equal(d.n, 1);
	s = diag(&d, 0);
	assert_string_equal(s, "t.cfg:1: expected the end of the line or ';' after the value of 'a', found '\"? ~\"'");
	free(s);
	done(&cfg, &d);

	/* a carriage return and a comment without a final newline, both
	 * lexical errors of libxlu_cfg_l.l */
	assert_int_equal(parse(&cfg, &d, "a = 1\r\nb = 2\r\n# end"), XCTL_ERR_PARSE);
	assert_int_equal(d.n, 2);
	s = diag(&d, 0);
	assert_string_equal(s, "t.cfg:1: carriage return (DOS line ends): xl 4.17 refuses them (convert the file, e.g. "
			       "with dos2unix)");
	free(s);
	s = diag(&d, 1);
	assert_string_equal(s, "t.cfg:3: a comment on the last line needs a newline after it, as xl 4.17 reads them "
			       "(end the file with a newline)");
	free(s);
	done(&cfg, &d);
}

static void test_append_and_last(void **state)
{
	(void)state;
	struct xctl_cfg cfg;
	struct xctl_diags d;
	assert_int_equal(parse(&cfg, &d,
			       "memory = 256\nmemory = 512\n"
			       "extra = \"console=hvc0\"\nextra += \" quiet\"\n"
			       "disk = ['a']\ndisk += ['b', 'c']\n"
			       "fresh += 'x'\n"),
			 0);
	assert_string_equal(get(&cfg, "memory")->s, "512");
	assert_int_equal(xctl_cfg_get(&cfg, "memory")->line, 2);
	assert_string_equal(get(&cfg, "extra")->s, "console=hvc0 quiet");
	assert_true(xctl_cfg_get(&cfg, "extra")->appended);
	const struct xctl_cfg_value *disk = get(&cfg, "disk");
	assert_int_equal(disk->n, 3);
	assert_int_equal(disk->items[0]->line, 5);
	assert_int_equal(disk->items[2]->line, 6);
	assert_string_equal(get(&cfg, "fresh")->s, "x");
	assert_int_equal(cfg.n, 4);
	done(&cfg, &d);

	/* a number joined with a string is a string from then on */
	assert_int_equal(parse(&cfg, &d, "a = 1\na += 'x'\nb = 'y'\nb += 2\nc = 3\nc += 4\n"), 0);
	assert_string_equal(get(&cfg, "a")->s, "1x");
	assert_true(get(&cfg, "a")->quoted);
	assert_string_equal(get(&cfg, "b")->s, "y2");
	assert_true(get(&cfg, "b")->quoted);
	assert_string_equal(get(&cfg, "c")->s, "34");
	assert_false(get(&cfg, "c")->quoted);
	done(&cfg, &d);

	assert_int_equal(parse(&cfg, &d, "a = 'x'\na += ['y']\nb = ['y']\nb += 'x'\n"), XCTL_ERR_PARSE);
	assert_int_equal(d.n, 2);
	char *s = diag(&d, 0);
	assert_string_equal(s, "t.cfg:2: 'a += ...' adds a list to a string: use the same kind of value as before (a list "
			       "or a string)");
	free(s);
	done(&cfg, &d);
}

static void test_overrides(void **state)
{
	(void)state;
	struct xctl_cfg cfg;
	struct xctl_diags d;
	assert_int_equal(parse(&cfg, &d, "memory = 256\nextra = 'a'\n"), 0);
	assert_int_equal(xctl_cfg_parse_override(&cfg, "memory=512", 1, &d), 0);
	assert_int_equal(xctl_cfg_parse_override(&cfg, "extra+=' b'", 2, &d), 0);
	assert_int_equal(xctl_cfg_parse_override(&cfg, "name=guest", 3, &d), XCTL_ERR_PARSE);
	assert_string_equal(get(&cfg, "memory")->s, "512");
	assert_string_equal(xctl_cfg_get(&cfg, "memory")->file, XCTL_CFG_CMDLINE);
	assert_int_equal(xctl_cfg_get(&cfg, "memory")->line, 1);
	assert_string_equal(get(&cfg, "extra")->s, "a b");
	assert_int_equal(d.n, 1);
	char *s = diag(&d, 0);
	assert_string_equal(s, "<command line>:3: expected a value for 'name' (a \"string\", a number or a [list]), found "
			       "'guest'");
	free(s);
	done(&cfg, &d);
}

/* Every error is reported, each once, and parsing goes on after it. */
static void test_errors_recover(void **state)
{
	(void)state;
	struct xctl_cfg cfg;
	struct xctl_diags d;
	static const char text[] = "Memory = 512\n"               /* 1 upper case */
				   "vcpus = -1\n"                  /* 2 sign */
				   "maxmem = 1.5\n"                /* 3 not a number */
				   "name = \"open\n"               /* 4 string not closed */
				   "disk = [ 'a'\n"                /* 5 list not closed ... */
				   "kernel = '/k'\n"               /* 6 ... a new statement follows */
				   "x = 1 y = 2\n"                 /* 7 two statements */
				   "import os\n"                   /* 8 python */
				   "vif = [ 'a',, ]\n"             /* 9 empty item */
				   "cpus\n"                        /* 10 no '=' */
				   "pool = \n"                     /* 11 no value */
				   "ok = 'yes'\n";
	assert_int_equal(parse(&cfg, &d, text), XCTL_ERR_PARSE);
	const unsigned lines[] = { 1, 2, 3, 4, 5, 7, 8, 9, 10, 11 };
	assert_int_equal(d.n, XCTL_ARRAY_SIZE(lines));
	for (size_t i = 0; i < d.n; i++)
		assert_int_equal(d.v[i].line, lines[i]);
	char *s = diag(&d, 4);
	assert_string_equal(s, "t.cfg:5: the list of 'disk' is not closed: ']' missing before line 6");
	free(s);
	s = diag(&d, 1);
	assert_string_equal(s, "t.cfg:2: a number with a sign must be quoted, e.g. \"-1\"");
	free(s);
	assert_string_equal(get(&cfg, "ok")->s, "yes");
	assert_string_equal(get(&cfg, "kernel")->s, "/k");
	done(&cfg, &d);
}

static void test_limits(void **state)
{
	(void)state;
	struct xctl_cfg cfg;
	struct xctl_diags d;
	struct xctl_buf b = { 0 };

	/* at most XCTL_CFG_MAX_FILES sources in one reader */
	xctl_cfg_init(&cfg);
	xctl_diags_init(&d);
	for (unsigned i = 0; i < XCTL_CFG_MAX_FILES; i++) {
		char name[32];
		snprintf(name, sizeof(name), "f%u.cfg", i);
		assert_int_equal(xctl_cfg_parse_text(&cfg, name, 1, "a = 1\n", 6, &d), 0);
	}
	assert_int_equal(xctl_cfg_parse_text(&cfg, "f0.cfg", 1, "b = 1\n", 6, &d), 0);
	assert_int_equal(xctl_cfg_parse_text(&cfg, "one-more.cfg", 1, "c = 1\n", 6, &d), XCTL_ERR_LIMIT);
	assert_int_equal(d.n, 1);
	char *msg = diag(&d, 0);
	assert_string_equal(msg, "one-more.cfg: too many configuration sources (at most 64)");
	free(msg);
	done(&cfg, &d);

	/* at most XCTL_CFG_MAX_SETTINGS distinct keys */
	struct xctl_buf keys = { 0 };
	for (unsigned i = 0; i <= XCTL_CFG_MAX_SETTINGS; i++)
		xctl_buf_printf(&keys, "k%u = 1\n", i);
	xctl_cfg_init(&cfg);
	xctl_diags_init(&d);
	assert_int_equal(xctl_cfg_parse_text(&cfg, "k.cfg", 1, keys.p, keys.len, &d), XCTL_ERR_LIMIT);
	assert_int_equal(cfg.n, XCTL_CFG_MAX_SETTINGS);
	assert_int_equal(d.n, 1);
	msg = diag(&d, 0);
	assert_string_equal(msg, "k.cfg:2049: too many settings (at most 2048); the file is too large to be a domain "
				 "configuration");
	free(msg);
	done(&cfg, &d);
	xctl_buf_free(&keys);

	/* nesting */
	assert_int_equal(parse(&cfg, &d, "a = [[[[[[[[[1]]]]]]]]]\n"), XCTL_ERR_PARSE);
	assert_non_null(strstr(d.v[0].msg, "nested too deeply"));
	done(&cfg, &d);

	/* list length */
	xctl_buf_adds(&b, "a = [");
	for (unsigned i = 0; i <= XCTL_CFG_MAX_LIST; i++)
		xctl_buf_adds(&b, "1,");
	xctl_buf_adds(&b, "]\n");
	assert_int_equal(parse(&cfg, &d, b.p), XCTL_ERR_LIMIT);
	assert_non_null(strstr(d.v[0].msg, "items in a list"));
	done(&cfg, &d);

	/* string length, also through += */
	xctl_buf_reset(&b);
	xctl_buf_adds(&b, "a = '");
	for (unsigned i = 0; i < XCTL_CFG_MAX_STRING / 2 + 1; i++)
		xctl_buf_adds(&b, "x");
	xctl_buf_adds(&b, "'\na += a\n");
	assert_int_equal(parse(&cfg, &d, b.p), XCTL_ERR_PARSE);
	done(&cfg, &d);
	xctl_buf_reset(&b);
	xctl_buf_adds(&b, "a = '");
	for (unsigned i = 0; i < XCTL_CFG_MAX_STRING / 2 + 1; i++)
		xctl_buf_adds(&b, "x");
	xctl_buf_adds(&b, "'\n");
	size_t half = b.len;
	char *copy = strdup(b.p);
	assert_non_null(copy);
	xctl_buf_add(&b, copy, half);
	free(copy);
	b.p[half + 2] = '+';
	b.p[half + 3] = '=';
	assert_int_equal(parse(&cfg, &d, b.p), XCTL_ERR_LIMIT);
	assert_non_null(strstr(d.v[0].msg, "bytes in a string"));
	done(&cfg, &d);

	/* whole input, NUL bytes */
	xctl_buf_reset(&b);
	while (b.len <= XCTL_CFG_MAX_INPUT)
		xctl_buf_adds(&b, "# padding padding padding padding padding padding\n");
	assert_int_equal(parse(&cfg, &d, b.p), XCTL_ERR_LIMIT);
	done(&cfg, &d);
	xctl_cfg_init(&cfg);
	xctl_diags_init(&d);
	assert_int_equal(xctl_cfg_parse_text(&cfg, "t.cfg", 1, "a = 1\0b", 7, &d), XCTL_ERR_PARSE);
	done(&cfg, &d);
	xctl_buf_free(&b);
}

static void test_file_errors(void **state)
{
	(void)state;
	struct xctl_cfg cfg;
	struct xctl_diags d;
	xctl_cfg_init(&cfg);
	xctl_diags_init(&d);
	assert_int_equal(xctl_cfg_parse_file(&cfg, "/nonexistent/x.cfg", &d), XCTL_ERR_NOTFOUND);
	char *s = diag(&d, 0);
	assert_string_equal(s, "/nonexistent/x.cfg: cannot read the configuration file: No such file or directory (check "
			       "the path)");
	free(s);
	done(&cfg, &d);
}

static const struct CMUnitTest parse_tests[] = {
	cmocka_unit_test(test_values),       cmocka_unit_test(test_escapes),        cmocka_unit_test(test_append_and_last),
	cmocka_unit_test(test_overrides),    cmocka_unit_test(test_errors_recover), cmocka_unit_test(test_limits),
	cmocka_unit_test(test_file_errors),
};

void cfg_parse_tests(const struct CMUnitTest **tests, size_t *n)
{
	*tests = parse_tests;
	*n = XCTL_ARRAY_SIZE(parse_tests);
}
