/* SPDX-License-Identifier: LGPL-2.1-only */
/* The xl.cfg reader: the language of xl's configuration files (libxlutil),
 * turned into a list of settings, each value keeping its file and line.
 *
 *   KEY = VALUE        KEY: a-z, then a-z 0-9 '_' '.'
 *   KEY += VALUE       append to the value so far (string or list)
 *   VALUE: "string" | 'string' | NUMBER | [ VALUE, VALUE, ... ]
 *   statements end at a newline or ';'; '#' starts a comment;
 *   lists may span lines and may end with a comma.
 *
 * A key set twice keeps its last value ("the last assignment wins"); `+=`
 * joins strings and concatenates lists, as xl does. Command-line overrides
 * (`xctl create cfg memory=512`) are parsed with the same grammar after the
 * file, as xl does, so `name="x"` must keep its quotes.
 *
 * Every syntax error becomes a diagnostic with file:line; the reader never
 * stops the program. Input, strings, lists, nesting and the number of
 * settings are bounded (the XCTL_CFG_MAX_* below). */
#ifndef XCTL_CONFIG_CFG_PARSE_H
#define XCTL_CONFIG_CFG_PARSE_H

#include <stdbool.h>
#include <stddef.h>

struct xctl_diags;

#define XCTL_CFG_MAX_INPUT (1u << 20)  /* bytes of one file or override */
#define XCTL_CFG_MAX_STRING 65536u     /* bytes of one string, after += */
#define XCTL_CFG_MAX_LIST 4096u        /* items of one list, after += */
#define XCTL_CFG_MAX_DEPTH 8u          /* nesting of lists */
#define XCTL_CFG_MAX_SETTINGS 2048u    /* distinct keys */
#define XCTL_CFG_MAX_VALUES 262144u    /* values (atoms and lists) in all */
#define XCTL_CFG_MAX_KEY 128u          /* bytes of a key */
#define XCTL_CFG_MAX_FILES 64u         /* distinct source names */

enum xctl_cfg_vtype {
	XCTL_CFG_ATOM, /* a string or a number (kept as written) */
	XCTL_CFG_LIST,
};

struct xctl_cfg_value {
	enum xctl_cfg_vtype type;
	bool quoted;           /* ATOM written in quotes (else a bare number) */
	char *s;               /* ATOM: the text, NUL-terminated */
	size_t len, cap;       /* ATOM: length and allocation of s */
	struct xctl_cfg_value **items; /* LIST */
	size_t n, ncap;
	const char *file;      /* owned by the struct xctl_cfg */
	unsigned line;
};

struct xctl_cfg_setting {
	char *key;
	struct xctl_cfg_value *value;
	bool appended;         /* the last statement for this key used += */
	const char *file;      /* of the last statement for this key */
	unsigned line;
};

/* Settings in the order their keys first appeared. */
struct xctl_cfg {
	struct xctl_cfg_setting *v;
	size_t n, cap;
	char **files;
	size_t nfiles;
	size_t nvalues;
};

void xctl_cfg_init(struct xctl_cfg *cfg);
void xctl_cfg_free(struct xctl_cfg *cfg);

/* Parse text (len bytes; need not be NUL-terminated) named file, its first
 * line numbered first_line. Returns 0, XCTL_ERR_PARSE after syntax errors
 * (all reported in d; the statements that parsed are kept), XCTL_ERR_LIMIT
 * when a bound was hit (reported in d), XCTL_ERR_NOMEM. */
int xctl_cfg_parse_text(struct xctl_cfg *cfg, const char *file, unsigned first_line, const char *text,
			size_t len, struct xctl_diags *d);
/* Read and parse a file. A file that cannot be read is reported in d with
 * the reason and gives XCTL_ERR_NOTFOUND / XCTL_ERR_PERM / XCTL_ERR_IO. */
int xctl_cfg_parse_file(struct xctl_cfg *cfg, const char *path, struct xctl_diags *d);
/* One command-line override "KEY=VALUE" (or "KEY+=VALUE"), the index-th
 * (from 1); diagnostics name it "<command line>:INDEX". */
int xctl_cfg_parse_override(struct xctl_cfg *cfg, const char *arg, unsigned index, struct xctl_diags *d);

/* The setting of key, or NULL. */
const struct xctl_cfg_setting *xctl_cfg_get(const struct xctl_cfg *cfg, const char *key);

/* Name used in diagnostics for command-line overrides. */
#define XCTL_CFG_CMDLINE "<command line>"

#endif
