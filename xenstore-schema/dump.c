/* SPDX-License-Identifier: LGPL-2.1-only */
/* Reading a xenstore tree dump in the format of `xenstore-ls -fp`:
 *
 *   /local/domain/1/name = "guest1"   (n0,r1)
 *
 * Values are escaped as xenstore-ls escapes them: printable ASCII as is
 * (including '"'), \t \n \r \\, bytes below 8 as \ooo, others as \xhh.
 * xenstore-ls pads short lines with ". . ." on a terminal, cuts long values
 * with "\..." there, and prints "PATH:" for a node it could not read. The
 * input may be garbage: every length and count is bounded. */
#include "xenstore-schema/check.h"
#include "xenstore-schema/internal.h"
#include "common/err.h"
#include "common/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void seterr(char *err, size_t errlen, const char *name, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void seterr(char *err, size_t errlen, const char *name, unsigned line, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	int n = snprintf(err, errlen, "%s:%u: ", name, line);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int hash_insert(struct xctl_xsdump *d, size_t idx)
{
	if ((d->n + 1) * 2 > d->hcap) {
		size_t ncap = d->hcap ? d->hcap * 2 : 1024;
		while (ncap < (d->n + 1) * 2)
			ncap *= 2;
		size_t *nh = calloc(ncap, sizeof(*nh));
		if (!nh)
			return XCTL_ERR_NOMEM;
		for (size_t i = 0; i < d->hcap; i++) {
			if (!d->hash[i])
				continue;
			size_t j = hash_str(d->v[d->hash[i] - 1].path) & (ncap - 1);
			while (nh[j])
				j = (j + 1) & (ncap - 1);
			nh[j] = d->hash[i];
		}
		free(d->hash);
		d->hash = nh;
		d->hcap = ncap;
	}
	size_t j = hash_str(d->v[idx].path) & (d->hcap - 1);
	while (d->hash[j]) {
		if (!strcmp(d->v[d->hash[j] - 1].path, d->v[idx].path))
			return XCTL_ERR_EXISTS;
		j = (j + 1) & (d->hcap - 1);
	}
	d->hash[j] = idx + 1;
	return 0;
}

const struct xctl_xsnode *xctl_xsdump_find(const struct xctl_xsdump *d, const char *path)
{
	if (!d->hcap)
		return NULL;
	size_t j = hash_str(path) & (d->hcap - 1);
	while (d->hash[j]) {
		const struct xctl_xsnode *n = &d->v[d->hash[j] - 1];
		if (!strcmp(n->path, path))
			return n;
		j = (j + 1) & (d->hcap - 1);
	}
	return NULL;
}

/* Unescape raw[0..len) into out (at least len + 1 bytes). Returns the output
 * length, or -1 on a bad escape; *cut is set when the value ends with the
 * "\..." xenstore-ls puts on values it cut short. */
static long unescape(const char *raw, size_t len, char *out, bool *cut)
{
	size_t o = 0;
	*cut = false;
	for (size_t i = 0; i < len; i++) {
		if (raw[i] != '\\') {
			out[o++] = raw[i];
			continue;
		}
		if (++i >= len)
			return -1;
		switch (raw[i]) {
		case 't': out[o++] = '\t'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case '\\': out[o++] = '\\'; break;
		case 'x': {
			int h1 = i + 1 < len ? xctl_hexval(raw[i + 1]) : -1;
			int h2 = i + 2 < len ? xctl_hexval(raw[i + 2]) : -1;
			if (h1 < 0 || h2 < 0)
				return -1;
			out[o++] = (char)(h1 * 16 + h2);
			i += 2;
			break;
		}
		case '.':
			if (len - i == 3 && !memcmp(raw + i, "...", 3)) {
				*cut = true;
				out[o] = '\0';
				return (long)o;
			}
			return -1;
		default:
			if (raw[i] >= '0' && raw[i] <= '3' && i + 2 < len && raw[i + 1] >= '0' && raw[i + 1] <= '7' &&
			    raw[i + 2] >= '0' && raw[i + 2] <= '7') {
				out[o++] = (char)((raw[i] - '0') * 64 + (raw[i + 1] - '0') * 8 + (raw[i + 2] - '0'));
				i += 2;
				break;
			}
			return -1;
		}
	}
	out[o] = '\0';
	return (long)o;
}

static int parse_perms(const char *s, size_t len, struct xctl_xsnode *n)
{
	unsigned count = 1;
	for (size_t i = 0; i < len; i++)
		count += s[i] == ',';
	if (count > XCTL_XSDUMP_MAX_PERMS)
		return XCTL_ERR_LIMIT;
	n->perms = calloc(count, sizeof(*n->perms));
	if (!n->perms)
		return XCTL_ERR_NOMEM;
	size_t i = 0;
	for (unsigned k = 0; k < count; k++) {
		if (i >= len || !strchr("nrwb", s[i]))
			return XCTL_ERR_PARSE;
		n->perms[k].kind = s[i++];
		unsigned long v = 0;
		size_t start = i;
		while (i < len && isdigit((unsigned char)s[i]) && i - start < 6)
			v = v * 10 + (unsigned long)(s[i++] - '0');
		if (i == start || v > 65535 || (i < len && s[i] != ','))
			return XCTL_ERR_PARSE;
		n->perms[k].domid = (unsigned)v;
		i++; /* the comma */
	}
	n->nperms = count;
	n->perms_known = true;
	return 0;
}

/* One line (without its newline) into node n. */
static int parse_line(const char *l, size_t len, struct xctl_xsnode *n, const char **why)
{
	size_t plen = 0;
	while (plen < len && l[plen] != ' ' && l[plen] != ':')
		plen++;
	if (!xctl_schema_path_ok(l, plen)) {
		*why = l[0] == '/' ? "bad path (xenstore allows letters, digits and -/_@)" :
				     "a line should start with an absolute path (use xenstore-ls -fp)";
		return XCTL_ERR_PARSE;
	}
	n->path = strndup(l, plen);
	if (!n->path)
		return XCTL_ERR_NOMEM;
	if (plen + 1 == len && l[plen] == ':') { /* xenstore-ls could not read the value */
		n->value = strdup("");
		return n->value ? 0 : XCTL_ERR_NOMEM;
	}
	if (len - plen < 5 || memcmp(l + plen, " = \"", 4)) {
		*why = "expected PATH = \"VALUE\" (PERMS)";
		return XCTL_ERR_PARSE;
	}
	const char *vstart = l + plen + 4;
	const char *end = l + len;
	const char *q = end;
	while (q > vstart && q[-1] != '"')
		q--;
	if (q == vstart) {
		*why = "the value has no closing quote";
		return XCTL_ERR_PARSE;
	}
	const char *vend = q - 1; /* the closing quote */
	const char *t = q;
	while (t < end && (*t == ' ' || *t == '.'))
		t++;
	if (t < end) {
		if (*t != '(') {
			*why = "unexpected text after the value";
			return XCTL_ERR_PARSE;
		}
		const char *close = memchr(t, ')', (size_t)(end - t));
		if (!close) {
			*why = "permissions without a closing parenthesis";
			return XCTL_ERR_PARSE;
		}
		for (const char *r = close + 1; r < end; r++)
			if (*r != ' ') {
				*why = "unexpected text after the permissions";
				return XCTL_ERR_PARSE;
			}
		int rc = parse_perms(t + 1, (size_t)(close - t - 1), n);
		if (rc) {
			*why = rc == XCTL_ERR_LIMIT ? "too many permission entries" :
						      "bad permissions (expected e.g. n0,r1)";
			return rc == XCTL_ERR_NOMEM ? rc : XCTL_ERR_PARSE;
		}
	}
	size_t rawlen = (size_t)(vend - vstart);
	n->value = malloc(rawlen + 1);
	if (!n->value)
		return XCTL_ERR_NOMEM;
	bool cut;
	long vl = unescape(vstart, rawlen, n->value, &cut);
	if (vl < 0) {
		*why = "bad escape sequence in the value";
		return XCTL_ERR_PARSE;
	}
	n->vlen = (size_t)vl;
	n->value_known = !cut;
	return 0;
}

static void node_free(struct xctl_xsnode *n)
{
	free(n->path);
	free(n->value);
	free(n->perms);
}

int xctl_xsdump_parse(const char *text, size_t len, const char *name, struct xctl_xsdump **out, char *err,
		      size_t errlen)
{
	int rc = 0;
	unsigned lineno = 0;
	struct xctl_xsdump *d = calloc(1, sizeof(*d));
	if (!d || !(d->name = strdup(name ? name : "<input>"))) {
		rc = XCTL_ERR_NOMEM;
		goto out;
	}
	if (len > XCTL_XSDUMP_MAX_BYTES) {
		seterr(err, errlen, d->name, 0, "input larger than %u MiB", XCTL_XSDUMP_MAX_BYTES >> 20);
		rc = XCTL_ERR_LIMIT;
		goto out;
	}
	size_t pos = 0;
	while (pos < len) {
		const char *l = text + pos;
		const char *nl = memchr(l, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - l) : len - pos;
		pos += ll + (nl != NULL);
		lineno++;
		if (ll && l[ll - 1] == '\r')
			ll--;
		if (ll > XCTL_XSDUMP_MAX_LINE) {
			seterr(err, errlen, d->name, lineno, "line longer than %u bytes", XCTL_XSDUMP_MAX_LINE);
			rc = XCTL_ERR_PARSE;
			goto out;
		}
		size_t k = 0;
		while (k < ll && (l[k] == ' ' || l[k] == '\t'))
			k++;
		if (k == ll)
			continue;
		if (memchr(l, '\0', ll)) {
			seterr(err, errlen, d->name, lineno, "binary data (a NUL byte); is this a xenstore-ls dump?");
			rc = XCTL_ERR_PARSE;
			goto out;
		}
		if (d->n >= XCTL_XSDUMP_MAX_NODES) {
			seterr(err, errlen, d->name, lineno, "more than %u nodes", XCTL_XSDUMP_MAX_NODES);
			rc = XCTL_ERR_LIMIT;
			goto out;
		}
		if (d->n == d->cap) {
			size_t ncap = d->cap ? d->cap * 2 : 256;
			struct xctl_xsnode *nv = realloc(d->v, ncap * sizeof(*nv));
			if (!nv) {
				rc = XCTL_ERR_NOMEM;
				goto out;
			}
			d->v = nv;
			d->cap = ncap;
		}
		struct xctl_xsnode *n = &d->v[d->n];
		memset(n, 0, sizeof(*n));
		n->line = lineno;
		const char *why = NULL;
		rc = parse_line(l, ll, n, &why);
		if (rc) {
			node_free(n);
			if (rc == XCTL_ERR_PARSE)
				seterr(err, errlen, d->name, lineno, "%s", why);
			goto out;
		}
		d->any_perms |= n->perms_known;
		d->n++;
		rc = hash_insert(d, d->n - 1);
		if (rc) {
			if (rc == XCTL_ERR_EXISTS) {
				seterr(err, errlen, d->name, lineno, "%s is listed twice", n->path);
				rc = XCTL_ERR_PARSE;
			}
			goto out;
		}
	}
	if (d->n == 0) {
		seterr(err, errlen, d->name, lineno, "no nodes: expected the output of xenstore-ls -fp");
		rc = XCTL_ERR_PARSE;
		goto out;
	}
out:
	if (rc) {
		xctl_xsdump_free(d);
		d = NULL;
	}
	*out = d;
	return rc;
}

void xctl_xsdump_free(struct xctl_xsdump *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		node_free(&d->v[i]);
	free(d->v);
	free(d->hash);
	free(d->name);
	free(d);
}

void xctl_xsperms_text(const struct xctl_xsperm *p, unsigned n, char *buf, size_t len)
{
	size_t o = 0;
	if (len)
		buf[0] = '\0';
	for (unsigned i = 0; i < n && o < len; i++) {
		int w = snprintf(buf + o, len - o, "%s%c%u", i ? "," : "", p[i].kind, p[i].domid);
		if (w < 0)
			break;
		o += (size_t)w;
	}
}
