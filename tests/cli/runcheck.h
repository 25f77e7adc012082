/* SPDX-License-Identifier: LGPL-2.1-only */
/* Test helper over runcmd: a command run as a check. Each RUN, HAS and LACKS
 * counts one check; a failing one prints the command, its status and the
 * first lines of its output (stdout and stderr together, as a user sees
 * them) before the cmocka assertion fails at the caller's line. */
#ifndef XCTL_TEST_RUNCHECK_H
#define XCTL_TEST_RUNCHECK_H

#include <stdbool.h>

#include "tests/cli/runcmd.h"

struct runcheck {
	char *tmp;            /* the test's scratch directory (runcheck_setup) */
	unsigned checks;      /* checks passed so far */
	unsigned show_lines;  /* output lines shown on a failure */
	struct runcmd_result r; /* the last command */
};

/* A scratch directory in c->tmp, exported to the shell as $T; 0 or -1. */
int runcheck_setup(struct runcheck *c, unsigned show_lines);
/* Print "NAME: N checks passed", remove the scratch directory, free. */
void runcheck_teardown(struct runcheck *c, const char *name);

void runcheck_run_(struct runcheck *c, int want, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void runcheck_has_(struct runcheck *c, const char *text, bool want, const char *file, int line);

/* RUN(c, WANT, FMT, ...): the shell command exits WANT. */
#define RUN(c, want, ...) runcheck_run_((c), (want), __FILE__, __LINE__, __VA_ARGS__)
/* HAS(c, TEXT) / LACKS(c, TEXT): the last command's output has / lacks TEXT. */
#define HAS(c, text) runcheck_has_((c), (text), true, __FILE__, __LINE__)
#define LACKS(c, text) runcheck_has_((c), (text), false, __FILE__, __LINE__)

#endif
