/* SPDX-License-Identifier: LGPL-2.1-only */
/* What the disk and vif spec parsers share: the reading of one spec (its
 * text, where it came from, the problems found so far), the checks before
 * it is parsed and the bookkeeping after. Internal to
 * toolstack/config/diskspec.c and vifspec.c. */
#ifndef XCTL_CONFIG_DISKVIF_SPEC_H
#define XCTL_CONFIG_DISKVIF_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "common/diag.h"

/* How much of the user's text a message quotes, in bytes. */
#define XCTL_DEVSPEC_QUOTE_MAX 64

struct xctl_devspec_read {
	const char *key;        /* "disk" or "vif": the key of every diagnostic */
	const char *spec;
	size_t n;               /* strlen(spec) */
	const char *file;
	unsigned line;
	struct xctl_diags *d;
	unsigned nerr;          /* errors reported for this spec */
	int fatal;              /* XCTL_ERR_NOMEM once memory ran out */
};

/* Start reading spec: fill in r, then refuse a spec longer than max bytes
 * or one that is not text (bad_text_hint is added to that message, "" for
 * nothing). Returns 0, XCTL_ERR_CONFIG (reported in d) or XCTL_ERR_NOMEM. */
int xctl_devspec_begin(struct xctl_devspec_read *r, const char *key, const char *spec,
		       const char *file, unsigned line, struct xctl_diags *d, size_t max,
		       const char *bad_text_hint);

/* Report a problem as "KEY: WHAT in 'SPEC'" (the spec quoted up to
 * XCTL_DEVSPEC_QUOTE_MAX bytes, "..." after a longer one). An error counts
 * in nerr; running out of memory sets fatal. */
void xctl_devspec_diag(struct xctl_devspec_read *r, enum xctl_diag_sev sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* End of the parse: fatal, or XCTL_ERR_CONFIG when an error was reported;
 * otherwise the spec and where it came from are copied to *spec, *file and
 * *line, and 0 is returned (XCTL_ERR_NOMEM when a copy fails; what was
 * copied is the caller's to free either way). */
int xctl_devspec_end(const struct xctl_devspec_read *r, char **spec, char **file, unsigned *line);

/* Whether a spec is text JSON can carry: valid UTF-8 (no overlong forms or
 * surrogates) without control characters other than tab and newline.
 * Returns true, or false with the offset of the first bad byte in *bad. */
bool xctl_devspec_text_ok(const char *s, size_t *bad);

#endif
