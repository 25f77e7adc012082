/* SPDX-License-Identifier: LGPL-2.1-only */
/* --state FILE: the tree and the introduced domains, saved at shutdown and
 * loaded at start. A line-oriented text format, parents before children:
 *
 *   xctl-xenstored-state 1
 *   domain DOMID MFN EVTCHN TARGET        (TARGET: - for none)
 *   special INDEX PERMS
 *   node PATH PERMS VALUE                 (PERMS: n0,r1 ; VALUE escaped)
 *
 * An entry that grants nothing (its domain did not exist) ends with '!'.
 *
 * VALUE has every byte outside 0x21..0x7e, and the backslash, written as
 * \xHH. The empty value is written as '='; a value that starts with '='
 * has that byte escaped. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/util.h"
#include "sim/xenstored/xsd.h"

#define STATE_MAGIC "xctl-xenstored-state 1"

static void put_perms(FILE *f, const struct xsd_perm *p, uint32_t np)
{
	for (uint32_t i = 0; i < np; i++)
		fprintf(f, "%s%c%u%s", i ? "," : "", xsd_perm_char(p[i].perm), p[i].id,
			(p[i].perm & XSD_PERM_IGNORE) ? "!" : "");
}

static void put_value(FILE *f, const char *v, uint32_t len)
{
	if (len == 0) {
		fputc('=', f);
		return;
	}
	for (uint32_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (ch <= 0x20 || ch >= 0x7f || ch == '\\' || (i == 0 && ch == '='))
			fprintf(f, "\\x%02x", ch);
		else
			fputc(ch, f);
	}
}

int xsd_state_save(struct xsd *d, const char *path)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		xctl_err_log(d->log, "cannot save the state to %s: %s", tmp, strerror(errno));
		return XCTL_ERR_IO;
	}
	fprintf(f, "%s\n", STATE_MAGIC);
	for (uint32_t i = 1; i < XSD_DOMID_MAX; i++) {
		const struct xsd_domain *dom = d->doms[i];
		if (!dom || !dom->introduced)
			continue;
		fprintf(f, "domain %u %llu %u ", i, (unsigned long long)dom->mfn, dom->evtchn);
		if (dom->target < XSD_DOMID_MAX)
			fprintf(f, "%u\n", dom->target);
		else
			fprintf(f, "-\n");
	}
	for (int s = 0; s < 2; s++) {
		fprintf(f, "special %d ", s);
		put_perms(f, d->special_perms[s], d->special_nperms[s]);
		fputc('\n', f);
	}
	/* Breadth-first from the root with an explicit queue of nodes. */
	size_t cap = 1024, head = 0, tail = 0;
	const struct xsd_node **q = malloc(cap * sizeof(*q));
	int rc = 0;
	if (!q) {
		rc = XCTL_ERR_NOMEM;
		goto out;
	}
	q[tail++] = d->store.root;
	while (head < tail) {
		const struct xsd_node *n = q[head++];
		char path[XENSTORE_ABS_PATH_MAX + 1];
		xsd_node_path(n, path, sizeof(path));
		fprintf(f, "node %s ", path);
		put_perms(f, xsd_node_perms(n), n->nperms);
		fputc(' ', f);
		put_value(f, xsd_node_value(n), n->vlen);
		fputc('\n', f);
		for (uint32_t off = 0; off < n->clen; off += (uint32_t)strlen(n->children + off) + 1) {
			const struct xsd_node *c = xsd_store_child(&d->store, n, n->children + off);
			if (!c)
				continue;
			if (tail == cap) {
				/* Reuse the consumed front before growing. */
				memmove(q, q + head, (tail - head) * sizeof(*q));
				tail -= head;
				head = 0;
				if (tail == cap) {
					const struct xsd_node **nq = realloc(q, cap * 2 * sizeof(*q));
					if (!nq) {
						rc = XCTL_ERR_NOMEM;
						goto out;
					}
					q = nq;
					cap *= 2;
				}
			}
			q[tail++] = c;
		}
	}
out:
	free(q);
	/* A failed write (a full disk) only sets the stream's error flag:
	 * never let a truncated file replace the last good one. */
	bool werr = ferror(f) != 0;
	if (fclose(f) || werr || rc) {
		xctl_err_log(d->log, "cannot save the state to %s: %s", tmp,
			     rc ? xctl_strerror(rc) : strerror(errno));
		unlink(tmp);
		return rc ? rc : XCTL_ERR_IO;
	}
	if (rename(tmp, path)) {
		xctl_err_log(d->log, "cannot save the state to %s: %s", path, strerror(errno));
		return XCTL_ERR_IO;
	}
	xctl_info(d->log, "state saved to %s (%zu nodes)", path, xsd_store_nodes(&d->store));
	return 0;
}

/* A list of entries into a new array *out (freed by the caller). */
static int parse_perms(char *s, struct xsd_perm **out, uint32_t *np)
{
	uint32_t n = 1;
	for (const char *q = s; *q; q++)
		n += *q == ',';
	struct xsd_perm *p = malloc(n * sizeof(*p));
	if (!p)
		return XCTL_ERR_NOMEM;
	n = 0;
	char *save = NULL;
	for (char *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t l = strlen(tok);
		bool ignore = l && tok[l - 1] == '!';
		if (ignore)
			tok[l - 1] = '\0';
		if (xsd_perm_parse(tok, &p[n])) {
			free(p);
			return XCTL_ERR_PARSE;
		}
		if (ignore)
			p[n].perm |= XSD_PERM_IGNORE;
		n++;
	}
	if (!n) {
		free(p);
		return XCTL_ERR_PARSE;
	}
	*out = p;
	*np = n;
	return 0;
}

static int unescape(char *s, uint32_t *len)
{
	if (!strcmp(s, "=")) {
		*len = 0;
		return 0;
	}
	char *o = s;
	for (char *p = s; *p; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		int hi, lo;
		if (p[1] != 'x' || (hi = xctl_hexval(p[2])) < 0 || (lo = xctl_hexval(p[3])) < 0)
			return XCTL_ERR_PARSE;
		*o++ = (char)(hi << 4 | lo);
		p += 3;
	}
	*len = (uint32_t)(o - s);
	return 0;
}

static int load_parsed(struct xsd *d, const char *abs, const struct xsd_perm *p, uint32_t np,
		       const char *value, uint32_t vlen);

static int load_node(struct xsd *d, char *path, char *perms, char *value)
{
	struct xsd_perm *p = NULL;
	uint32_t np, vlen;
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	if (unescape(value, &vlen) || path[0] != '/' || xsd_canon(d, 0, path, abs, sizeof(abs)))
		return XCTL_ERR_PARSE;
	int rc = parse_perms(perms, &p, &np);
	if (rc)
		return rc;
	rc = load_parsed(d, abs, p, np, value, vlen);
	free(p);
	return rc;
}

static int load_parsed(struct xsd *d, const char *abs, const struct xsd_perm *p, uint32_t np,
		       const char *value, uint32_t vlen)
{
	char up[XENSTORE_ABS_PATH_MAX + 1];
	xsd_parent(abs, up, sizeof(up));
	struct xsd_node *parent = strcmp(abs, "/") ? xsd_store_get(&d->store, up) : NULL;
	struct xsd_node *n = parent ? xsd_store_child(&d->store, parent, xsd_basename(abs))
				    : xsd_store_get(&d->store, abs);
	if (n) {
		/* Nodes the daemon creates itself (root, its own node). */
		if (!xsd_store_set_perms(&d->store, n, p, np) ||
		    !xsd_store_set_value(&d->store, xsd_store_get(&d->store, abs), value, vlen))
			return XCTL_ERR_NOMEM;
		return 0;
	}
	if (!parent)
		return XCTL_ERR_PARSE; /* parents come first */
	n = xsd_node_new(xsd_basename(abs), p, np, value, vlen);
	if (!n || xsd_node_add_child(parent, xsd_basename(abs))) {
		xsd_node_free(n);
		return XCTL_ERR_NOMEM;
	}
	if (xsd_store_insert_at(&d->store, parent, n)) {
		xsd_node_del_child(parent, xsd_basename(abs));
		xsd_node_free(n);
		return XCTL_ERR_NOMEM;
	}
	return 0;
}

static int load_line(struct xsd *d, char *line)
{
	char *save = NULL;
	char *kw = strtok_r(line, " ", &save);
	if (!kw)
		return 0;
	char *a = strtok_r(NULL, " ", &save);
	char *b = strtok_r(NULL, " ", &save);
	char *c = strtok_r(NULL, " ", &save);
	if (!strcmp(kw, "node") && a && b && c)
		return load_node(d, a, b, c);
	if (!strcmp(kw, "special") && a && b && (!strcmp(a, "0") || !strcmp(a, "1"))) {
		struct xsd_perm *q;
		uint32_t np;
		int rc = parse_perms(b, &q, &np);
		if (rc)
			return rc;
		int s = a[0] - '0';
		free(d->special_perms[s]);
		d->special_perms[s] = q;
		d->special_nperms[s] = np;
		return 0;
	}
	if (!strcmp(kw, "domain") && a && b && c) {
		char *t = strtok_r(NULL, " ", &save);
		uint32_t domid, evtchn, target = XSD_DOMID_MAX;
		uint64_t mfn;
		if (xsd_parse_domid(a, &domid) || xctl_parse_u64(b, 10, UINT64_MAX, &mfn) ||
		    xsd_parse_domid(c, &evtchn) || !t ||
		    (strcmp(t, "-") && xsd_parse_domid(t, &target)))
			return XCTL_ERR_PARSE;
		if (xsd_dom_introduce(d, domid, mfn, evtchn))
			return XCTL_ERR_IO;
		d->doms[domid]->target = target;
		return 0;
	}
	return XCTL_ERR_PARSE;
}

int xsd_state_load(struct xsd *d, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT) {
			xctl_info(d->log, "no state file %s yet: starting with an empty tree", path);
			return 0;
		}
		xctl_err_log(d->log, "cannot read the state file %s: %s", path, strerror(errno));
		return XCTL_ERR_IO;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int rc = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (lineno == 1) {
			if (strcmp(line, STATE_MAGIC)) {
				xctl_err_log(d->log, "%s:1: not an xctl-xenstored state file "
						     "(expected '%s'); remove it or pass another --state",
					     path, STATE_MAGIC);
				rc = XCTL_ERR_PARSE;
				break;
			}
			continue;
		}
		rc = load_line(d, line);
		if (rc) {
			xctl_err_log(d->log, "%s:%lu: invalid state line (%s); fix or remove the file",
				     path, lineno, xctl_strerror(rc));
			break;
		}
	}
	free(line);
	fclose(f);
	if (!rc)
		xctl_info(d->log, "state loaded from %s (%zu nodes)", path, xsd_store_nodes(&d->store));
	return rc;
}
