/* SPDX-License-Identifier: LGPL-2.1-only */
/* The rules the validator applies to a parsed dump. */
#include "xenstore-schema/check.h"
#include "xenstore-schema/internal.h"
#include "xenstore-schema/xs_paths.h"
#include "common/err.h"
#include "common/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define PATHBUF 4096

struct ctx {
	const struct xctl_xsdump *d;
	const struct xctl_schema_opts *o;
	struct xctl_schema_report *r;
	int *match;                         /* schema index; -1 unknown; -2 below an any-below node */
	struct xctl_schema_binding *bind;   /* per node */
	bool *leftover;
	struct ref *refs;                   /* see index_refs() */
	size_t nrefs;
	int rc;
};

/* A node a backref binding points from (/local/domain/$DOMID/vm): its
 * schema node, its value and its index in the dump. */
struct ref {
	int k;
	const char *value;
	size_t j;
};

#define UNKNOWN (-1)
#define COVERED (-2)

static void violation(struct ctx *c, const char *rule, const char *path, unsigned line, const char *tpl,
		      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void violation(struct ctx *c, const char *rule, const char *path, unsigned line, const char *tpl,
		      const char *fmt, ...)
{
	struct xctl_schema_report *r = c->r;
	if (c->rc)
		return;
	if (r->n >= XCTL_SCHEMA_MAX_VIOLATIONS) {
		r->dropped++;
		return;
	}
	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 32;
		struct xctl_schema_violation *nv = realloc(r->v, ncap * sizeof(*nv));
		if (!nv) {
			c->rc = XCTL_ERR_NOMEM;
			return;
		}
		r->v = nv;
		r->cap = ncap;
	}
	struct xctl_buf b = { 0 };
	va_list ap;
	va_start(ap, fmt);
	int rc = xctl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	char *p = strdup(path);
	if (rc || !p || !b.p) {
		free(p);
		xctl_buf_free(&b);
		c->rc = XCTL_ERR_NOMEM;
		return;
	}
	r->v[r->n++] = (struct xctl_schema_violation){ rule, p, line, xctl_buf_steal(&b), tpl };
}

/* Printable form of a value for messages: escaped like xenstore-ls, cut. */
static void shown(const char *v, size_t vlen, char *buf, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < vlen && o + 8 < len; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (ch >= ' ' && ch <= '~' && ch != '\\')
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", ch);
		if (i + 1 < vlen && o + 8 >= len) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
	}
	buf[o] = '\0';
}

/* Guest type of a domain from /libxl/$DOMID/type: a XCTL_SCHEMA_G_* bit index, or -1. */
static int guest_type(const struct ctx *c, unsigned long long domid)
{
	char p[64];
	snprintf(p, sizeof(p), XS_FMT_LIBXL_DOM_TYPE, (unsigned)domid);
	const struct xctl_xsnode *n = xctl_xsdump_find(c->d, p);
	if (!n || !n->value_known)
		return -1;
	return xctl_schema_name_find(xctl_schema_guest_names, XCTL_SCHEMA_G_COUNT, n->value,
				     strlen(n->value));
}

/* Index of a placeholder named in the schema (NULL: none), or -1. */
static int var_index(const char *name)
{
	return name ? xctl_schema_name_find(xctl_schema_var_names, XCTL_SCHEMA_V_COUNT, name,
					    strlen(name)) : -1;
}

static int ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	int r = strcmp(x->value, y->value);
	if (r)
		return r;
	return x->j < y->j ? -1 : x->j > y->j;
}

/* The nodes backref bindings point from, sorted by schema node, value and
 * place in the dump, so that resolve() finds them by binary search instead
 * of reading the whole dump for every node of a /vm directory. */
static int index_refs(struct ctx *c)
{
	int targets[8];
	size_t nt = 0;
	for (size_t i = 0; i < xctl_schema_nnodes; i++) {
		const struct xctl_schema_node *s = &xctl_schema_nodes[i];
		if (!s->bind_how || strcmp(s->bind_how, "backref"))
			continue;
		int k = xctl_schema_find_tpl(s->bind_tpl);
		size_t t = 0;
		while (t < nt && targets[t] != k)
			t++;
		if (k < 0 || t < nt)
			continue;
		if (nt == XCTL_ARRAY_SIZE(targets))
			return XCTL_ERR_INTERNAL;
		targets[nt++] = k;
	}
	c->refs = calloc(c->d->n ? c->d->n : 1, sizeof(*c->refs));
	if (!c->refs)
		return XCTL_ERR_NOMEM;
	for (size_t j = 0; j < c->d->n; j++)
		for (size_t t = 0; t < nt; t++)
			if (c->match[j] == targets[t] && c->d->v[j].value_known)
				c->refs[c->nrefs++] = (struct ref){ targets[t], c->d->v[j].value, j };
	qsort(c->refs, c->nrefs, sizeof(c->refs[0]), ref_cmp);
	return 0;
}

/* Fill in the placeholder a section binds from elsewhere in the tree
 * ($BACKEND from backend-id, $DOMID of /vm/$UUID from the domain whose vm
 * node points there). Returns false when it cannot be resolved. */
static bool resolve(const struct ctx *c, const struct xctl_schema_node *s, struct xctl_schema_binding *b)
{
	int v = var_index(s->bind_var);
	if (v < 0 || b->set[v])
		return true;
	char p[PATHBUF];
	if (!strcmp(s->bind_how, "value")) {
		if (xctl_schema_expand(s->bind_tpl, b, p, sizeof(p)))
			return false;
		const struct xctl_xsnode *n = xctl_xsdump_find(c->d, p);
		uint64_t id;
		if (!n || !n->value_known || xctl_parse_u64(n->value, 10, 32751, &id))
			return false;
		b->num[v] = id;
		b->set[v] = true;
		return true;
	}
	/* backref: a node of template bind_tpl whose value is the section's base */
	if (xctl_schema_expand(xctl_schema_sections[s->section].base, b, p, sizeof(p)))
		return false;
	struct ref key = { xctl_schema_find_tpl(s->bind_tpl), p, 0 };
	size_t lo = 0, hi = c->nrefs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ref_cmp(&c->refs[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < c->nrefs && c->refs[lo].k == key.k && !strcmp(c->refs[lo].value, p); lo++) {
		const struct xctl_schema_binding *o = &c->bind[c->refs[lo].j];
		if (o->set[v]) {
			b->num[v] = o->num[v];
			b->set[v] = true;
			return true;
		}
	}
	return false;
}

static char *parent_of(const char *path, char *buf, size_t len)
{
	const char *sl = strrchr(path, '/');
	if (!sl || sl == path)
		return NULL;
	size_t l = (size_t)(sl - path);
	if (l >= len)
		return NULL;
	memcpy(buf, path, l);
	buf[l] = '\0';
	return buf;
}

static const struct xctl_xsnode *node_of(const struct ctx *c, const char *path, size_t *idx)
{
	const struct xctl_xsnode *n = xctl_xsdump_find(c->d, path);
	if (n && idx)
		*idx = (size_t)(n - c->d->v);
	return n;
}

/* Step 1: match every node; nodes the schema does not know inherit the
 * bindings of their nearest known ancestor (for the leftover rule). */
static void match_all(struct ctx *c)
{
	const struct xctl_xsdump *d = c->d;
	for (size_t i = 0; i < d->n; i++)
		c->match[i] = xctl_schema_match(d->v[i].path, &c->bind[i]);
	for (size_t i = 0; i < d->n; i++) {
		if (c->match[i] >= 0)
			continue;
		char buf[PATHBUF];
		const char *p = d->v[i].path;
		bool covered = false;
		while ((p = parent_of(p, buf, sizeof(buf)))) {
			struct xctl_schema_binding b;
			memset(&b, 0, sizeof(b));
			int m = xctl_schema_match(p, &b);
			if (m >= 0) {
				covered = xctl_schema_nodes[m].any_below;
				c->bind[i] = b;
				break;
			}
		}
		if (covered)
			c->match[i] = COVERED;
	}
}

static void check_unknown(struct ctx *c, size_t i)
{
	const struct xctl_xsnode *n = &c->d->v[i];
	char buf[PATHBUF];
	size_t pi;
	const char *pp = parent_of(n->path, buf, sizeof(buf));
	if (pp && node_of(c, pp, &pi) && c->match[pi] == UNKNOWN)
		return; /* reported at its topmost unknown ancestor */
	/* did you mean: a sibling the schema knows */
	int pm = pp ? xctl_schema_match(pp, NULL) : -1;
	const char *sug = pm >= 0 ? xctl_schema_suggest_child(pm, strrchr(n->path, '/') + 1) : NULL;
	if (sug)
		violation(c, "unknown-path", n->path, n->line, NULL, "not in the schema (did you mean '%s'?)", sug);
	else
		violation(c, "unknown-path", n->path, n->line, NULL, "not in the schema");
}

static const char *state_name(const char *v)
{
	static const char *const names[] = { "Unknown", "Initialising", "InitWait", "Initialised", "Connected",
					     "Closing", "Closed", "Reconfiguring", "Reconfigured" };
	if (v[0] >= '0' && v[0] <= '8' && !v[1])
		return names[v[0] - '0'];
	return "?";
}

/* Expected permissions with the placeholders filled in; false if one is unknown. */
static bool expand_perms(const char *alt, size_t len, const struct xctl_schema_binding *b, char *out, size_t outlen)
{
	char tpl[256];
	size_t o = 0;
	for (size_t i = 0; i < len && o + 1 < sizeof(tpl); i++)
		if (alt[i] != ' ')
			tpl[o++] = alt[i];
	tpl[o] = '\0';
	return xctl_schema_expand(tpl, b, out, outlen) == 0;
}

static void check_perms(struct ctx *c, const struct xctl_xsnode *n, const struct xctl_schema_node *s,
			const struct xctl_schema_binding *b)
{
	if (!n->perms_known || !strcmp(s->perms, "any"))
		return;
	char have[1024];
	xctl_xsperms_text(n->perms, n->nperms, have, sizeof(have));
	struct xctl_buf want = { 0 };
	const char *a = s->perms;
	while (*a) {
		size_t al = strcspn(a, "|");
		char exp[256];
		if (!expand_perms(a, al, b, exp, sizeof(exp))) {
			xctl_buf_free(&want);
			return; /* a domain involved is unknown: cannot tell */
		}
		if (!strcmp(exp, have)) {
			xctl_buf_free(&want);
			return;
		}
		if (xctl_buf_printf(&want, "%s(%s)", want.len ? " or " : "", exp)) {
			c->rc = XCTL_ERR_NOMEM;
			xctl_buf_free(&want);
			return;
		}
		a += al + (a[al] == '|');
	}
	violation(c, "bad-perms", n->path, n->line, s->tpl, "permissions are (%s), expected %s", have,
		  want.p ? want.p : "?");
	xctl_buf_free(&want);
}

static void check_link(struct ctx *c, const struct xctl_xsnode *n, const struct xctl_schema_node *s,
		       const struct xctl_schema_binding *b)
{
	struct xctl_buf want = { 0 };
	const char *a = s->args;
	bool matched = false, any = false;
	while (*a && !matched) {
		while (*a == ' ')
			a++;
		size_t al = strcspn(a, " ");
		if (!al)
			break;
		char tpl[512], exp[PATHBUF];
		if (al < sizeof(tpl)) {
			memcpy(tpl, a, al);
			tpl[al] = '\0';
			if (xctl_schema_expand(tpl, b, exp, sizeof(exp)) == 0) {
				any = true;
				if (!strcmp(exp, n->value))
					matched = true;
				else if (xctl_buf_printf(&want, "%s%s", want.len ? " or " : "", exp))
					c->rc = XCTL_ERR_NOMEM;
			}
		}
		a += al;
	}
	if (c->rc) {
		xctl_buf_free(&want);
		return;
	}
	if (any && !matched) {
		char v[256];
		shown(n->value, n->vlen, v, sizeof(v));
		violation(c, "bad-value", n->path, n->line, s->tpl, "\"%s\" should be %s", v, want.p);
	} else if (!xctl_xsdump_find(c->d, n->value)) {
		violation(c, "dangling-link", n->path, n->line, s->tpl, "points to %s, which does not exist",
			  n->value);
	}
	xctl_buf_free(&want);
}

static void check_node(struct ctx *c, size_t i)
{
	const struct xctl_xsnode *n = &c->d->v[i];
	const struct xctl_schema_node *s = &xctl_schema_nodes[c->match[i]];
	struct xctl_schema_binding *b = &c->bind[i];
	resolve(c, s, b);
	int t = b->set[XCTL_SCHEMA_V_DOMID] ? guest_type(c, b->num[XCTL_SCHEMA_V_DOMID]) : -1;
	if (t >= 0 && !(s->guests & (1u << t))) {
		char g[64];
		xctl_schema_guests_text(s->guests, g, sizeof(g));
		char is[16];
		xctl_schema_guests_text(1u << t, is, sizeof(is));
		violation(c, "wrong-guest-type", n->path, n->line, s->tpl,
			  "only for %s guests, but domain %llu is %s", g, b->num[XCTL_SCHEMA_V_DOMID], is);
		return;
	}
	char why[256], v[256];
	if (n->value_known) {
		if (!xctl_schema_value_ok(s, n->value, n->vlen, why, sizeof(why))) {
			shown(n->value, n->vlen, v, sizeof(v));
			violation(c, "bad-value", n->path, n->line, s->tpl, "\"%s\": %s", v, why);
		} else if (s->equals) {
			int e = var_index(s->equals);
			char want[48];
			if (e >= 0 && b->set[e]) {
				if (e == XCTL_SCHEMA_V_UUID)
					snprintf(want, sizeof(want), "%s", b->uuid);
				else
					snprintf(want, sizeof(want), "%llu", b->num[e]);
				if (strcmp(want, n->value)) {
					shown(n->value, n->vlen, v, sizeof(v));
					violation(c, "mismatch", n->path, n->line, s->tpl,
						  "\"%s\" should equal $%s, %s", v, s->equals, want);
				}
			}
		} else if (s->type == XCTL_SCHEMA_T_LINK && !(s->empty_ok && !n->vlen)) {
			check_link(c, n, s, b);
		}
		if (c->o->phase == XCTL_SCHEMA_P_CONNECTED && s->when_connected &&
		    strcmp(n->value, s->when_connected)) {
			shown(n->value, n->vlen, v, sizeof(v));
			if (s->type == XCTL_SCHEMA_T_STATE)
				violation(c, "not-connected", n->path, n->line, s->tpl,
					  "state is %s (%s), expected %s (%s) in phase connected", v, state_name(v),
					  s->when_connected, state_name(s->when_connected));
			else
				violation(c, "not-connected", n->path, n->line, s->tpl,
					  "\"%s\", expected \"%s\" in phase connected", v, s->when_connected);
		}
	}
	check_perms(c, n, s, b);
}

/* Required children of node i (a node the schema knows) in the phase given. */
static void check_required_below(struct ctx *c, size_t i)
{
	const struct xctl_xsnode *n = &c->d->v[i];
	unsigned depth = xctl_schema_nodes[c->match[i]].depth;
	for (size_t k = 0; k < xctl_schema_nnodes; k++) {
		const struct xctl_schema_node *s = &xctl_schema_nodes[k];
		if (s->depth != depth + 1 || s->required == XCTL_SCHEMA_P_NONE || s->required > c->o->phase)
			continue;
		char ptpl[PATHBUF];
		if (!parent_of(s->tpl, ptpl, sizeof(ptpl)))
			continue;
		struct xctl_schema_binding b = c->bind[i];
		if (xctl_schema_tpl_match(ptpl, n->path, &b) < 0)
			continue;
		resolve(c, s, &b);
		int t = b.set[XCTL_SCHEMA_V_DOMID] ? guest_type(c, b.num[XCTL_SCHEMA_V_DOMID]) : -1;
		if (s->req_guests != XCTL_SCHEMA_G_ALL && (t < 0 || !(s->req_guests & (1u << t))))
			continue;
		if (t >= 0 && !(s->guests & (1u << t)))
			continue;
		const char *name = strrchr(s->tpl, '/') + 1;
		char child[PATHBUF];
		if ((size_t)snprintf(child, sizeof(child), "%s/%s", n->path, name) >= sizeof(child))
			continue;
		if (xctl_xsdump_find(c->d, child))
			continue;
		bool waived = false;
		for (const char *u = s->unless; u && *u && !waived;) {
			while (*u == ' ')
				u++;
			size_t ul = strcspn(u, " ");
			char sib[PATHBUF];
			if (ul && (size_t)snprintf(sib, sizeof(sib), "%s/%.*s", n->path, (int)ul, u) < sizeof(sib))
				waived = xctl_xsdump_find(c->d, sib) != NULL;
			u += ul;
		}
		if (waived)
			continue;
		char g[64] = "";
		if (s->req_guests != XCTL_SCHEMA_G_ALL) {
			strcpy(g, " for ");
			xctl_schema_guests_text(s->req_guests, g + 5, sizeof(g) - 5);
			strncat(g, " guests", sizeof(g) - strlen(g) - 1);
		}
		violation(c, "missing", child, n->line, s->tpl, "required from phase %s%s, but missing",
			  xctl_schema_phase_name(s->required), g);
	}
}

/* Top-level nodes required (their parent is the root, which dumps omit). */
static void check_required_top(struct ctx *c)
{
	for (size_t k = 0; k < xctl_schema_nnodes; k++) {
		const struct xctl_schema_node *s = &xctl_schema_nodes[k];
		if (s->depth != 1 || s->required == XCTL_SCHEMA_P_NONE || s->required > c->o->phase)
			continue;
		if (!xctl_xsdump_find(c->d, s->tpl))
			violation(c, "missing", s->tpl, 0, s->tpl, "required from phase %s, but missing",
				  xctl_schema_phase_name(s->required));
	}
}

/* Nodes that belong to the destroyed domain: a placeholder bound to it, or a
 * /vm directory no domain points to any more. */
static void mark_leftovers(struct ctx *c)
{
	unsigned long long dom = (unsigned long long)c->o->after_destroy;
	for (size_t i = 0; i < c->d->n; i++) {
		struct xctl_schema_binding *b = &c->bind[i];
		if ((b->set[XCTL_SCHEMA_V_DOMID] && b->num[XCTL_SCHEMA_V_DOMID] == dom) ||
		    (b->set[XCTL_SCHEMA_V_BACKEND] && b->num[XCTL_SCHEMA_V_BACKEND] == dom && dom != 0)) {
			c->leftover[i] = true;
			continue;
		}
		int m = c->match[i];
		if (m >= 0 && xctl_schema_nodes[m].bind_how && !strcmp(xctl_schema_nodes[m].bind_how, "backref")) {
			struct xctl_schema_binding t = *b;
			if (!resolve(c, &xctl_schema_nodes[m], &t) ||
			    (t.set[XCTL_SCHEMA_V_DOMID] && t.num[XCTL_SCHEMA_V_DOMID] == dom))
				c->leftover[i] = true;
		}
	}
	/* Nodes the schema does not know, below a leftover node. */
	for (size_t i = 0; i < c->d->n; i++) {
		if (c->leftover[i] || c->match[i] >= 0)
			continue;
		char buf[PATHBUF];
		const char *p = c->d->v[i].path;
		size_t pi;
		while ((p = parent_of(p, buf, sizeof(buf))))
			if (node_of(c, p, &pi) && c->leftover[pi]) {
				c->leftover[i] = true;
				break;
			}
	}
}

/* A leftover node whose parent is not a leftover node in the dump: the
 * violation is reported there, with the count of leftover nodes below it. */
static bool leftover_top(const struct ctx *c, size_t i)
{
	char buf[PATHBUF];
	size_t pi;
	const char *pp = parent_of(c->d->v[i].path, buf, sizeof(buf));
	return c->leftover[i] && !(pp && node_of(c, pp, &pi) && c->leftover[pi]);
}

static void report_leftovers(struct ctx *c)
{
	/* Count the leftover nodes below each top one by walking up from every
	 * leftover node: linear in the nodes times the depth, where comparing
	 * every pair would take hours on a large (or hostile) dump. */
	size_t *below = calloc(c->d->n ? c->d->n : 1, sizeof(*below));
	if (!below) {
		c->rc = XCTL_ERR_NOMEM;
		return;
	}
	for (size_t j = 0; j < c->d->n; j++) {
		if (!c->leftover[j])
			continue;
		char buf[PATHBUF];
		const char *p = c->d->v[j].path;
		size_t pi;
		while ((p = parent_of(p, buf, sizeof(buf))))
			if (node_of(c, p, &pi) && leftover_top(c, pi))
				below[pi]++;
	}
	for (size_t i = 0; i < c->d->n; i++) {
		if (!leftover_top(c, i))
			continue;
		const struct xctl_xsnode *n = &c->d->v[i];
		int m = c->match[i];
		bool vm = m >= 0 && xctl_schema_nodes[m].bind_how && !strcmp(xctl_schema_nodes[m].bind_how, "backref");
		struct xctl_schema_binding t = c->bind[i];
		if (vm)
			vm = !resolve(c, &xctl_schema_nodes[m], &t);
		violation(c, "leftover", n->path, n->line, m >= 0 ? xctl_schema_nodes[m].tpl : NULL,
			  "%s after domain %ld was destroyed (%zu node%s below it)",
			  vm ? "no domain refers to it" : "left behind", c->o->after_destroy, below[i],
			  below[i] == 1 ? "" : "s");
	}
	free(below);
}

static int vcmp(const void *a, const void *b)
{
	const struct xctl_schema_violation *x = a, *y = b;
	unsigned lx = x->line ? x->line : ~0u, ly = y->line ? y->line : ~0u;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	int r = strcmp(x->path, y->path);
	return r ? r : strcmp(x->rule, y->rule);
}

int xctl_schema_check(const struct xctl_xsdump *d, const struct xctl_schema_opts *o,
		      struct xctl_schema_report *r)
{
	struct ctx c = { .d = d, .o = o, .r = r };
	c.match = calloc(d->n ? d->n : 1, sizeof(*c.match));
	c.bind = calloc(d->n ? d->n : 1, sizeof(*c.bind));
	c.leftover = calloc(d->n ? d->n : 1, sizeof(*c.leftover));
	if (!c.match || !c.bind || !c.leftover) {
		c.rc = XCTL_ERR_NOMEM;
		goto out;
	}
	r->nodes = d->n;
	if (!d->any_perms && !r->warning)
		r->warning = strdup("the dump has no permissions: they were not checked (use xenstore-ls -fp)");
	match_all(&c);
	c.rc = index_refs(&c);
	if (!c.rc && o->after_destroy >= 0)
		mark_leftovers(&c);
	for (size_t i = 0; i < d->n && !c.rc; i++) {
		if (c.leftover[i])
			continue;
		if (c.match[i] == UNKNOWN)
			check_unknown(&c, i);
		else if (c.match[i] >= 0)
			check_node(&c, i);
	}
	if (o->phase != XCTL_SCHEMA_P_NONE) {
		check_required_top(&c);
		for (size_t i = 0; i < d->n && !c.rc; i++)
			if (c.match[i] >= 0 && !c.leftover[i])
				check_required_below(&c, i);
	}
	if (o->after_destroy >= 0)
		report_leftovers(&c);
	if (!c.rc && r->n > 1)
		qsort(r->v, r->n, sizeof(r->v[0]), vcmp);
out:
	free(c.match);
	free(c.bind);
	free(c.leftover);
	free(c.refs);
	return c.rc;
}

void xctl_schema_report_free(struct xctl_schema_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].path);
		free(r->v[i].msg);
	}
	free(r->v);
	free(r->warning);
	memset(r, 0, sizeof(*r));
}
