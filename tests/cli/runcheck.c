/* SPDX-License-Identifier: LGPL-2.1-only */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/cli/runcheck.h"

int runcheck_setup(struct runcheck *c, unsigned show_lines)
{
	memset(c, 0, sizeof(*c));
	c->show_lines = show_lines;
	c->tmp = runcmd_mkdtemp();
	if (!c->tmp)
		return -1;
	setenv("T", c->tmp, 1);
	return 0;
}

void runcheck_teardown(struct runcheck *c, const char *name)
{
	print_message("%s: %u checks passed\n", name, c->checks);
	runcmd_free(&c->r);
	if (c->tmp)
		runcmd_rmtree(c->tmp);
	free(c->tmp);
	c->tmp = NULL;
}

static void show_output(const struct runcheck *c)
{
	unsigned lines = 0;
	for (const char *l = c->r.out ? c->r.out : ""; *l && lines < c->show_lines; lines++) {
		size_t len = strcspn(l, "\n");
		print_error("    %.*s\n", (int)len, l);
		l += len + (l[len] == '\n');
	}
}

void runcheck_run_(struct runcheck *c, int want, const char *file, int line, const char *fmt, ...)
{
	char cmd[16384];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	_assert_true(n >= 0 && (size_t)n < sizeof(cmd), "command fits the buffer", file, line);
	runcmd_free(&c->r);
	runcmd_merged(&c->r, "%s", cmd);
	if (c->r.status != want) {
		print_error("FAIL: %s exited %d, expected %d\n", cmd, c->r.status, want);
		show_output(c);
	}
	_assert_int_equal(c->r.status, want, file, line);
	c->checks++;
}

void runcheck_has_(struct runcheck *c, const char *text, bool want, const char *file, int line)
{
	bool found = strstr(c->r.out ? c->r.out : "", text) != NULL;
	if (found != want) {
		print_error("FAIL: output %s '%s'\n", want ? "lacks" : "has", text);
		show_output(c);
	}
	_assert_true(found == want, text, file, line);
	c->checks++;
}
