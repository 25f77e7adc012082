/* SPDX-License-Identifier: LGPL-2.1-only */
/* xs-lint: the "no xenstore path literal" source rule.
 *
 * usage: xs-lint FILE...   (exit 0 clean, 1 violations, 2 unreadable)
 *
 * A C string literal is a violation when (the words come from the schema
 * table, so the rule follows the schema):
 *   1. it is a top-level schema path or starts with one and a '/'
 *      ("/local/domain/%u/name", "/vm", "/libxl/%u");
 *   2. it starts with a special watch name ("@introduceDomain");
 *   3. one of its '/'-separated parts, with a trailing printf conversion
 *      removed, is a distinctive node name: one holding '-' or '_'
 *      ("ring-ref", "event-channel", "ring-ref%u", "%s/frontend-id"), or
 *      starting with "feature-";
 *   4. it starts with a first-level node of a domain's home and a '/'
 *      ("device/vbd/%u", "control/shutdown").
 * Ordinary words ("name", "state", "backend") are not flagged alone. A line
 * holding the marker xs-literal-ok is exempt (for a literal that is not a
 * xenstore path, say why next to the marker). Use xs_paths.h instead. */
#include "xenstore-schema/schema.h"
#include "xenstore-schema/xs_paths.h"
#include "common/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SRC (16u << 20)

static bool distinctive(const char *name, size_t len)
{
	if (len > 8 && !strncmp(name, "feature-", 8))
		return true;
	return memchr(name, '-', len) || memchr(name, '_', len);
}

/* Length of s without a trailing printf conversion such as %u, %d, %llu, %s. */
static size_t strip_conv(const char *s, size_t len)
{
	const char *pct = NULL;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '%')
			pct = s + i;
	if (!pct)
		return len;
	const char *p = pct + 1;
	while (p < s + len && strchr("0123456789lhzj.", *p))
		p++;
	if (p + 1 == s + len && strchr("udisxX", *p))
		return (size_t)(pct - s);
	return len;
}

/* Node names of the schema: the last component of each template, without
 * its placeholder. */
static bool is_key(const char *comp, size_t len, bool want_distinctive, unsigned depth_home)
{
	for (size_t i = 0; i < xctl_schema_nnodes; i++) {
		const char *t = xctl_schema_nodes[i].tpl;
		if (depth_home && xctl_schema_nodes[i].depth != depth_home)
			continue;
		const char *last = strrchr(t, '/') + 1;
		size_t ll = strcspn(last, "$");
		if (ll == 0 || ll != len || strncmp(last, comp, len))
			continue;
		if (!want_distinctive || distinctive(last, ll))
			return true;
	}
	return false;
}

static const char *why_flagged(const char *lit, size_t len)
{
	/* 1: top-level schema paths */
	for (size_t i = 0; i < xctl_schema_nnodes; i++) {
		const char *t = xctl_schema_nodes[i].tpl;
		size_t tl = strlen(t);
		if (xctl_schema_nodes[i].depth == 1 && len >= tl && !strncmp(lit, t, tl) &&
		    (len == tl || lit[tl] == '/'))
			return "an absolute xenstore path";
	}
	/* 2: special watches */
	for (size_t i = 0; i < xctl_schema_nwatches; i++) {
		size_t wl = strlen(xctl_schema_watches[i].name);
		if (len >= wl && !strncmp(lit, xctl_schema_watches[i].name, wl))
			return "a special watch name";
	}
	/* 3: distinctive node names as parts */
	for (size_t s = 0; s < len;) {
		size_t cl = 0;
		while (s + cl < len && lit[s + cl] != '/')
			cl++;
		size_t kl = strip_conv(lit + s, cl);
		if (kl && distinctive(lit + s, kl) && is_key(lit + s, kl, true, 0))
			return "a xenstore node name";
		s += cl + 1;
	}
	/* 4: paths relative to a domain's home: "device/...", "control/..." */
	size_t first = strcspn(lit, "/");
	char home[64];
	snprintf(home, sizeof(home), "%s", XS_TPL_DOMAIN_HOME);
	unsigned home_depth = 0;
	for (const char *c = home; *c; c++)
		home_depth += *c == '/';
	if (first < len && first > 0 && is_key(lit, first, false, home_depth + 1))
		return "a path relative to a domain's home";
	return NULL;
}

static int lint_file(const char *path, unsigned *count)
{
	char *src = NULL;
	size_t len = 0;
	if (xctl_read_file(path, MAX_SRC, &src, &len)) {
		fprintf(stderr, "xs-lint: cannot read %s\n", path);
		return -1;
	}
	unsigned line = 1;
	size_t line_start = 0;
	for (size_t i = 0; i < len; i++) {
		char c = src[i];
		if (c == '\n') {
			line++;
			line_start = i + 1;
		} else if (c == '/' && i + 1 < len && src[i + 1] == '*') {
			for (i += 2; i + 1 < len && !(src[i] == '*' && src[i + 1] == '/'); i++)
				if (src[i] == '\n') {
					line++;
					line_start = i + 1;
				}
			i++;
		} else if (c == '/' && i + 1 < len && src[i + 1] == '/') {
			while (i + 1 < len && src[i + 1] != '\n')
				i++;
		} else if (c == '\'') {
			for (i++; i < len && src[i] != '\'' && src[i] != '\n'; i++)
				if (src[i] == '\\')
					i++;
		} else if (c == '"') {
			size_t start = ++i;
			while (i < len && src[i] != '"' && src[i] != '\n') {
				if (src[i] == '\\')
					i++;
				i++;
			}
			if (i >= len)
				break;
			size_t lit_len = i - start;
			const char *why = why_flagged(src + start, lit_len);
			if (why) {
				size_t eol = i;
				while (eol < len && src[eol] != '\n')
					eol++;
				char *l = strndup(src + line_start, eol - line_start);
				if (!l || !strstr(l, "xs-literal-ok")) {
					printf("%s:%u: \"%.*s\" is %s; use the constants of "
					       "xenstore-schema/xs_paths.h\n",
					       path, line, (int)lit_len, src + start, why);
					(*count)++;
				}
				free(l);
			}
		}
	}
	free(src);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int bad = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: xs-lint FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (lint_file(argv[i], &count))
			bad = 1;
	if (bad)
		return 2;
	if (count)
		printf("xs-lint: %u xenstore path literal%s outside the generated header\n", count,
		       count == 1 ? "" : "s");
	return count ? 1 : 0;
}
