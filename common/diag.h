/* SPDX-License-Identifier: LGPL-2.1-only */
/* Diagnostics: a list of warnings and errors, each tied to a place in the
 * input (file and line) and to the key or item it is about. Phases that
 * check input collect every problem here instead of stopping at the first,
 * so the user sees them all at once.
 *
 * Printed form (one line each):
 *   FILE:LINE: KEY: MESSAGE               an error
 *   FILE:LINE: warning: KEY: MESSAGE      a warning
 * LINE is left out when it is 0, FILE when it is NULL, KEY when it is NULL. */
#ifndef XCTL_DIAG_H
#define XCTL_DIAG_H

#include <stddef.h>
#include <stdio.h>

enum xctl_diag_sev { XCTL_DIAG_WARNING, XCTL_DIAG_ERROR };

struct xctl_diag {
	enum xctl_diag_sev sev;
	char *file;
	unsigned line;
	char *key;
	char *msg;
};

struct xctl_diags {
	struct xctl_diag *v;
	size_t n, cap;
	size_t nerrors, nwarnings;
	size_t max;   /* stop recording after this many (0: 1000) */
	size_t dropped;
};

void xctl_diags_init(struct xctl_diags *d);
void xctl_diags_free(struct xctl_diags *d);
int xctl_diag_add(struct xctl_diags *d, enum xctl_diag_sev sev, const char *file, unsigned line,
		  const char *key, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Turn every warning into an error (--strict). */
void xctl_diags_promote_warnings(struct xctl_diags *d);
/* Format one diagnostic as a line without the newline; caller frees. */
char *xctl_diag_format(const struct xctl_diag *dg);
void xctl_diags_print(const struct xctl_diags *d, FILE *out);

#endif
