/* SPDX-License-Identifier: LGPL-2.1-only */
/* Normalising a xenstore tree dump (check.h's parser) so that two trees of
 * the same configuration, made in different runs or by different
 * toolstacks, can be compared node by node; and that comparison.
 *
 *   struct xctl_xsnorm *a, *b;
 *   xctl_xsnorm_build(dump_a, &opts, &a);  xctl_xsnorm_build(dump_b, &opts, &b);
 *   struct xctl_xsnorm_allow *al;  xctl_xsnorm_allow_parse(text, len, "file", &al, err, errlen);
 *   struct xctl_xsnorm_diff r = { 0 };  xctl_xsnorm_diff(a, b, al, &r);
 *   xctl_xsnorm_diff_print(&r, a, b, stdout);   // r.undocumented == 0: the same tree
 *
 * What changes from run to run is replaced by a token, by the schema type of
 * the node the path matches (xctl_schema_match; a path below an any-below
 * node is matched by its longest prefix in the schema):
 *
 *   guest domain ids ($DOMID, a non-zero $BACKEND, domid values,
 *   permissions)                  $D1, $D2 ... in ascending order of the ids
 *   UUIDs (/vm/$UUID, uuid values) $U1, $U2 ... in the order of the domains
 *                                  that point to them (/local/domain/N/vm)
 *   MACs                          $M1, $M2 ... in the order of the sorted
 *                                  normalised paths that hold them
 *   event channels, grant refs, frames, timestamps
 *                                  $PORT, $GREF, $FRAME, $TIME
 *   a few nodes whose type does not say it (a pid, a tty)
 *                                  $PID, $TTY
 *
 * Empty values stay empty: whether a node was filled in is part of the tree.
 * Domain 0 stays 0. Paths and links in values are normalised as paths. The
 * result is sorted by normalised path. */
#ifndef XCTL_SCHEMA_NORM_H
#define XCTL_SCHEMA_NORM_H

#include "xenstore-schema/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define XCTL_XSNORM_MAX_SUBST 64u
#define XCTL_XSNORM_MAX_ALLOW 4096u

/* A string substitution applied to every value before it is normalised:
 * for a configuration difference the comparison should not see (a guest's
 * address on its command line, a disk image's directory). */
struct xctl_xsnorm_subst {
	const char *from, *to;
};

struct xctl_xsnorm_opts {
	const struct xctl_xsnorm_subst *subst;
	size_t nsubst;
};

struct xctl_xsnorm_node {
	char *path;       /* normalised */
	char *value;      /* normalised, unescaped; NULL when xenstore-ls could not read it */
	size_t vlen;
	char *perms;      /* normalised, "n0,r$D1"; NULL when the dump has none */
	unsigned line;    /* in the dump */
};

struct xctl_xsnorm {
	char *name;                  /* the dump's name, for messages */
	struct xctl_xsnorm_node *v;  /* sorted by path */
	size_t n;
	size_t ndomids, nuuids, nmacs; /* how many of each were mapped */
};

int xctl_xsnorm_build(const struct xctl_xsdump *d, const struct xctl_xsnorm_opts *o, struct xctl_xsnorm **out);
void xctl_xsnorm_free(struct xctl_xsnorm *n);
/* The normalised tree in the xenstore-ls -fp format (values escaped). */
void xctl_xsnorm_print(const struct xctl_xsnorm *n, FILE *out);
/* One node as a xenstore-ls -fp line, without the newline, into buf. */
void xctl_xsnorm_line(const struct xctl_xsnorm_node *v, char *buf, size_t len);

/* Documented differences: lines "PATTERN WHY..." ('#' comments, blank
 * lines). PATTERN is an fnmatch(3) glob on normalised paths ('*' also
 * matches '/'); a leading '-' limits it to nodes of the first tree that the
 * second lacks or holds otherwise, '+' to those of the second tree. */
struct xctl_xsnorm_allow_entry {
	char side;        /* '-', '+' or 0 for both */
	char *pattern;
	char *why;
	unsigned line;
	size_t used;      /* differences it documented */
};

struct xctl_xsnorm_allow {
	char *name;
	struct xctl_xsnorm_allow_entry *v;
	size_t n;
};

/* On XCTL_ERR_PARSE, err holds "NAME:LINE: what is wrong". */
int xctl_xsnorm_allow_parse(const char *text, size_t len, const char *name, struct xctl_xsnorm_allow **out,
			    char *err, size_t errlen);
void xctl_xsnorm_allow_free(struct xctl_xsnorm_allow *a);

/* One differing node: a node of a only (side '-'), of b only ('+'); a node
 * in both with another value or permissions is one line of each side. */
struct xctl_xsnorm_delta {
	char side;
	const struct xctl_xsnorm_node *node;
	const struct xctl_xsnorm_allow_entry *allowed; /* the entry documenting it, or NULL */
};

struct xctl_xsnorm_diff {
	struct xctl_xsnorm_delta *v;
	size_t n, cap;
	size_t same;          /* nodes equal in both */
	size_t undocumented;  /* deltas without an allow entry */
};

/* Compare two normalised trees; allow may be NULL. Returns 0 or XCTL_ERR_NOMEM. */
int xctl_xsnorm_diff(const struct xctl_xsnorm *a, const struct xctl_xsnorm *b, struct xctl_xsnorm_allow *allow,
		     struct xctl_xsnorm_diff *r);
void xctl_xsnorm_diff_free(struct xctl_xsnorm_diff *r);
/* "- LINE" / "+ LINE" for each delta ("  # documented: WHY" after those an
 * entry allows), then "A (-) and B (+): N nodes equal, K differ (J documented,
 * I not)". */
void xctl_xsnorm_diff_print(const struct xctl_xsnorm_diff *r, const struct xctl_xsnorm *a,
			    const struct xctl_xsnorm *b, FILE *out);

#endif
