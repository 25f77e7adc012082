/* SPDX-License-Identifier: LGPL-2.1-only */
/* xs-gen: the schema file parser and whole-schema checks. */
#include "xenstore-schema/gen/xsgen.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 4096

struct pctx {
	struct xsgen *g;
	const char *file;
	unsigned line;
	int section;  /* current section, -1 before the first */
	int node;     /* current node, -1 when none */
	int watch;    /* current watch, -1 when none */
	int last;     /* what "doc" attaches to: 0 section, 1 node, 2 watch */
};

static void perr(struct pctx *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void perr(struct pctx *p, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%u: ", p->file, p->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	p->g->errors++;
}

static char *xstrdup(const char *s)
{
	char *r = strdup(s ? s : "");
	if (!r) {
		fprintf(stderr, "xs-gen: out of memory\n");
		exit(1);
	}
	return r;
}

static char *xstrndup(const char *s, size_t n)
{
	char *r = strndup(s, n);
	if (!r) {
		fprintf(stderr, "xs-gen: out of memory\n");
		exit(1);
	}
	return r;
}

bool xsgen_is_var(const char *name, size_t len)
{
	return xctl_schema_name_find(xctl_schema_var_names, XCTL_SCHEMA_V_COUNT, name, len) >= 0;
}

/* Next whitespace-separated word of *s: start and length; false at the end. */
static bool word(const char **s, const char **w, size_t *len)
{
	const char *p = *s;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return false;
	*w = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	*len = (size_t)(p - *w);
	*s = p;
	return true;
}

/* A template: absolute, components of [A-Za-z0-9_@.-] with at most one
 * $VAR each. */
static bool tpl_ok(struct pctx *p, const char *t)
{
	if (t[0] != '/') {
		perr(p, "template '%s' is not absolute", t);
		return false;
	}
	if (!strcmp(t, "/"))
		return true;
	const char *c = t + 1;
	while (*c) {
		size_t clen = strcspn(c, "/");
		if (clen == 0) {
			perr(p, "template '%s' has an empty component", t);
			return false;
		}
		int vars = 0;
		for (size_t i = 0; i < clen; i++) {
			if (c[i] == '$') {
				size_t v = 1;
				while (i + v < clen && isupper((unsigned char)c[i + v]))
					v++;
				if (!xsgen_is_var(c + i + 1, v - 1)) {
					perr(p, "template '%s': unknown placeholder '%.*s'", t, (int)v, c + i);
					return false;
				}
				vars++;
				i += v - 1;
			} else if (!isalnum((unsigned char)c[i]) && !strchr("_@.-", c[i])) {
				perr(p, "template '%s': character '%c' is not allowed", t, c[i]);
				return false;
			}
		}
		if (vars > 1) {
			perr(p, "template '%s': at most one placeholder per component", t);
			return false;
		}
		c += clen;
		if (*c == '/')
			c++;
	}
	return true;
}

/* Perms: alternatives separated by '|', each a comma list of [nrwb](DIGITS|$VAR). */
static bool perms_ok(struct pctx *p, const char *s)
{
	if (!strcmp(s, "any"))
		return true;
	const char *c = s;
	bool want = true; /* expecting an element */
	while (*c) {
		if (*c == ' ') {
			c++;
			continue;
		}
		if (!want && (*c == ',' || *c == '|')) {
			c++;
			want = true;
			continue;
		}
		if (!want || !strchr("nrwb", *c))
			goto bad;
		c++;
		if (*c == '$') {
			size_t v = 1;
			while (isupper((unsigned char)c[v]))
				v++;
			if (!xsgen_is_var(c + 1, v - 1))
				goto bad;
			c += v;
		} else if (isdigit((unsigned char)*c)) {
			while (isdigit((unsigned char)*c))
				c++;
		} else {
			goto bad;
		}
		want = false;
	}
	if (!want)
		return true;
bad:
	perr(p, "bad permissions '%s' (expected e.g. 'n0,r$DOMID' or 'n$DOMID | n0')", s);
	return false;
}

static unsigned word_bits(struct pctx *p, const char *what, const char *const *names, size_t n, const char *s)
{
	unsigned bits = 0;
	const char *w;
	size_t len;
	while (word(&s, &w, &len)) {
		int i = xctl_schema_name_find(names, n, w, len);
		if (i < 0)
			perr(p, "unknown %s '%.*s'", what, (int)len, w);
		else
			bits |= 1u << i;
	}
	if (!bits)
		perr(p, "%s: at least one value is needed", what);
	return bits;
}

static bool parse_u64(const char *w, size_t len, uint64_t *out)
{
	char buf[32];
	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, w, len);
	buf[len] = '\0';
	return xctl_parse_u64(buf, 10, UINT64_MAX, out) == 0;
}

static void attrs_copy(struct xsgen_attrs *d, const struct xsgen_attrs *s)
{
	*d = *s;
	d->args = s->args ? xstrdup(s->args) : NULL;
	d->perms = s->perms ? xstrdup(s->perms) : NULL;
	d->unless = s->unless ? xstrdup(s->unless) : NULL;
	d->equals = s->equals ? xstrdup(s->equals) : NULL;
	d->when_connected = s->when_connected ? xstrdup(s->when_connected) : NULL;
}

static void attrs_free(struct xsgen_attrs *a)
{
	free(a->args);
	free(a->perms);
	free(a->unless);
	free(a->equals);
	free(a->when_connected);
}

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = xstrdup(s);
}

static void attr_type(struct pctx *p, struct xsgen_attrs *a, const char *rest)
{
	const char *w;
	size_t len;
	if (!word(&rest, &w, &len)) {
		perr(p, "type: a type name is needed");
		return;
	}
	a->empty_ok = w[len - 1] == '?';
	int t = xctl_schema_name_find(xctl_schema_type_names, XCTL_SCHEMA_T_COUNT, w, len - a->empty_ok);
	if (t < 0) {
		perr(p, "unknown type '%.*s'", (int)len, w);
		return;
	}
	a->type = t;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	set_str(&a->args, rest);
	a->min = 0;
	a->max = 0;
	const char *w2;
	size_t l2;
	switch (t) {
	case XCTL_SCHEMA_T_INT:
		if (!word(&rest, &w, &len) || !word(&rest, &w2, &l2) || !parse_u64(w, len, &a->min) ||
		    !parse_u64(w2, l2, &a->max) || a->min > a->max)
			perr(p, "int needs a range: 'int MIN MAX' with 0 <= MIN <= MAX");
		break;
	case XCTL_SCHEMA_T_STRING:
		a->max = 4096;
		if (word(&rest, &w, &len) && (!parse_u64(w, len, &a->max) || a->max == 0 || a->max > 4096))
			perr(p, "string takes an optional maximum length, 1..4096");
		break;
	case XCTL_SCHEMA_T_ENUM:
		if (!*rest)
			perr(p, "enum needs its words");
		break;
	case XCTL_SCHEMA_T_LINK:
		if (!*rest)
			perr(p, "link needs the templates the target may have");
		while (word(&rest, &w, &len)) {
			char *t2 = xstrndup(w, len);
			tpl_ok(p, t2);
			free(t2);
		}
		break;
	default:
		if (*rest)
			perr(p, "type %s takes no arguments", xctl_schema_type_names[t]);
	}
}

static void attr_required(struct pctx *p, struct xsgen_attrs *a, const char *rest)
{
	const char *w;
	size_t len;
	if (!word(&rest, &w, &len) ||
	    (a->required = xctl_schema_name_find(xctl_schema_phase_names, XCTL_SCHEMA_P_COUNT, w, len)) < 0) {
		perr(p, "required: expected no, created or connected");
		a->required = XCTL_SCHEMA_P_NONE;
		return;
	}
	a->req_guests = XCTL_SCHEMA_G_ALL;
	free(a->unless);
	a->unless = NULL;
	const char *save = rest;
	if (word(&rest, &w, &len) && len == 3 && !strncmp(w, "for", 3)) {
		struct xctl_buf b = { 0 };
		save = rest;
		while (word(&rest, &w, &len) && !(len == 6 && !strncmp(w, "unless", 6))) {
			xctl_buf_add(&b, w, len);
			xctl_buf_adds(&b, " ");
			save = rest;
		}
		a->req_guests = word_bits(p, "guest type", xctl_schema_guest_names, XCTL_SCHEMA_G_COUNT,
					  b.p ? b.p : "");
		xctl_buf_free(&b);
		rest = save;
	} else {
		rest = save;
	}
	if (word(&rest, &w, &len)) {
		if (len != 6 || strncmp(w, "unless", 6)) {
			perr(p, "required: expected 'for GUESTS...' or 'unless NAMES...', not '%.*s'", (int)len, w);
			return;
		}
		while (*rest == ' ')
			rest++;
		if (!*rest)
			perr(p, "required ... unless: names of sibling nodes are needed");
		a->unless = xstrdup(rest);
	}
}

/* An attribute line for a node or section default. */
static void attr(struct pctx *p, struct xsgen_attrs *a, const char *kw, const char *rest)
{
	if (!strcmp(kw, "type")) {
		attr_type(p, a, rest);
	} else if (!strcmp(kw, "perms")) {
		if (perms_ok(p, rest))
			set_str(&a->perms, rest);
	} else if (!strcmp(kw, "writer")) {
		a->writers = word_bits(p, "writer", xctl_schema_writer_names, XCTL_SCHEMA_W_COUNT, rest);
	} else if (!strcmp(kw, "guests")) {
		a->guests = word_bits(p, "guest type", xctl_schema_guest_names, XCTL_SCHEMA_G_COUNT, rest);
	} else if (!strcmp(kw, "required")) {
		attr_required(p, a, rest);
	} else if (!strcmp(kw, "equals")) {
		if (rest[0] != '$' || !xsgen_is_var(rest + 1, strlen(rest + 1)))
			perr(p, "equals: expected a placeholder such as $DOMID");
		else
			set_str(&a->equals, rest);
	} else if (!strcmp(kw, "when-connected")) {
		if (!*rest)
			perr(p, "when-connected: a value is needed");
		set_str(&a->when_connected, rest);
	} else if (!strcmp(kw, "any-below")) {
		a->any_below = true;
	} else {
		perr(p, "unknown keyword '%s'", kw);
	}
}

static char *join_tpl(const char *base, const char *rel)
{
	struct xctl_buf b = { 0 };
	if (!strcmp(rel, "."))
		xctl_buf_adds(&b, base);
	else if (!strcmp(base, "/"))
		xctl_buf_printf(&b, "/%s", rel);
	else
		xctl_buf_printf(&b, "%s/%s", base, rel);
	return xctl_buf_steal(&b);
}

static void new_node(struct pctx *p, const char *rel)
{
	struct xsgen *g = p->g;
	if (p->section < 0) {
		perr(p, "node outside a section");
		return;
	}
	if (g->nnodes >= XSGEN_MAX_NODES) {
		perr(p, "too many nodes (at most %d)", XSGEN_MAX_NODES);
		return;
	}
	const struct xsgen_section *s = &g->sections[p->section];
	struct xsgen_node *n = &g->nodes[g->nnodes];
	memset(n, 0, sizeof(*n));
	n->tpl = join_tpl(s->base, rel);
	tpl_ok(p, n->tpl);
	n->section = p->section;
	attrs_copy(&n->a, &s->defaults);
	n->file = p->file;
	n->line = p->line;
	/* Default id: the section's prefix, then the words of rel without its
	 * placeholders ("cpu/$INDEX/availability" -> PREFIX_CPU_AVAILABILITY). */
	struct xctl_buf id = { 0 }, lit = { 0 }, up = { 0 };
	xctl_buf_adds(&id, s->prefix);
	if (strcmp(rel, ".")) {
		for (const char *c = rel; *c; c++) {
			if (*c == '$') {
				while (isupper((unsigned char)c[1]))
					c++;
				continue;
			}
			xctl_buf_add(&lit, c, 1);
		}
		xsgen_ident(lit.p ? lit.p : "", &up);
		for (size_t i = 0; up.p && up.p[i]; i++) {
			bool sep = up.p[i] == '_';
			if (sep && id.p[id.len - 1] == '_')
				continue;
			if (!sep && id.p[id.len - 1] != '_')
				if (i == 0)
					xctl_buf_adds(&id, "_");
			xctl_buf_add(&id, &up.p[i], 1);
		}
		while (id.len && id.p[id.len - 1] == '_')
			id.p[--id.len] = '\0';
	}
	xctl_buf_free(&up);
	n->id = xctl_buf_steal(&id);
	xctl_buf_free(&lit);
	p->node = (int)g->nnodes++;
	p->last = 1;
}

static void line_(struct pctx *p, char *s)
{
	struct xsgen *g = p->g;
	char *kw = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	char *rest = s;
	size_t rl = strlen(rest);
	while (rl && (rest[rl - 1] == ' ' || rest[rl - 1] == '\t'))
		rest[--rl] = '\0';

	if (!strcmp(kw, "intro")) {
		xctl_buf_printf(&g->intro, "%s\n", rest);
	} else if (!strcmp(kw, "watch")) {
		const char *r = rest, *w1, *w2;
		size_t l1, l2;
		if (!word(&r, &w1, &l1) || !word(&r, &w2, &l2) || w2[0] != '@') {
			perr(p, "watch ID @NAME expected");
			return;
		}
		if (g->nwatches >= XSGEN_MAX_WATCHES) {
			perr(p, "too many watches");
			return;
		}
		struct xsgen_watch *w = &g->watches[g->nwatches];
		memset(w, 0, sizeof(*w));
		w->id = xstrndup(w1, l1);
		w->name = xstrndup(w2, l2);
		p->watch = (int)g->nwatches++;
		p->last = 2;
	} else if (!strcmp(kw, "section")) {
		const char *r = rest, *w1, *w2;
		size_t l1, l2;
		if (!word(&r, &w1, &l1) || !word(&r, &w2, &l2)) {
			perr(p, "section PREFIX BASE expected");
			return;
		}
		if (g->nsections >= XSGEN_MAX_SECTIONS) {
			perr(p, "too many sections");
			return;
		}
		struct xsgen_section *sec = &g->sections[g->nsections];
		memset(sec, 0, sizeof(*sec));
		sec->prefix = xstrndup(w1, l1);
		sec->base = xstrndup(w2, l2);
		tpl_ok(p, sec->base);
		sec->defaults.type = -1;
		sec->defaults.guests = XCTL_SCHEMA_G_ALL;
		sec->defaults.req_guests = XCTL_SCHEMA_G_ALL;
		sec->defaults.required = XCTL_SCHEMA_P_NONE;
		p->section = (int)g->nsections++;
		p->node = -1;
		p->last = 0;
	} else if (!strcmp(kw, "title")) {
		if (p->section < 0 || p->node >= 0)
			perr(p, "title belongs right after a section line");
		else
			set_str(&g->sections[p->section].title, rest);
	} else if (!strcmp(kw, "doc")) {
		struct xctl_buf *d = NULL;
		if (p->last == 0 && p->section >= 0)
			d = &g->sections[p->section].doc;
		else if (p->last == 1 && p->node >= 0)
			d = &g->nodes[p->node].doc;
		else if (p->last == 2 && p->watch >= 0)
			d = &g->watches[p->watch].doc;
		if (!d) {
			perr(p, "doc without a section, node or watch");
			return;
		}
		if (d->len)
			xctl_buf_adds(d, " ");
		xctl_buf_adds(d, rest);
	} else if (!strcmp(kw, "default")) {
		if (p->section < 0) {
			perr(p, "default outside a section");
			return;
		}
		char *k = rest;
		char *r = rest + strcspn(rest, " \t");
		if (*r)
			*r++ = '\0';
		while (*r == ' ' || *r == '\t')
			r++;
		attr(p, &g->sections[p->section].defaults, k, r);
	} else if (!strcmp(kw, "bind")) {
		const char *r = rest, *w1, *w2, *w3;
		size_t l1, l2, l3;
		if (p->section < 0 || !word(&r, &w1, &l1) || !word(&r, &w2, &l2) || !word(&r, &w3, &l3) ||
		    w1[0] != '$' || !xsgen_is_var(w1 + 1, l1 - 1) ||
		    !((l2 == 5 && !strncmp(w2, "value", 5)) || (l2 == 7 && !strncmp(w2, "backref", 7)))) {
			perr(p, "bind $VAR value TEMPLATE | bind $VAR backref TEMPLATE expected in a section");
			return;
		}
		struct xsgen_section *sec = &g->sections[p->section];
		sec->bind_var = xstrndup(w1 + 1, l1 - 1);
		sec->bind_how = xstrndup(w2, l2);
		sec->bind_tpl = xstrndup(w3, l3);
		tpl_ok(p, sec->bind_tpl);
	} else if (!strcmp(kw, "node")) {
		if (!*rest || strchr(rest, ' ')) {
			perr(p, "node RELATIVE-PATH expected");
			return;
		}
		new_node(p, rest);
	} else if (!strcmp(kw, "id")) {
		if (p->node < 0 || p->last != 1) {
			perr(p, "id belongs to a node");
			return;
		}
		for (const char *c = rest; *c; c++)
			if (!isupper((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_') {
				perr(p, "id '%s': use A-Z, 0-9 and _", rest);
				return;
			}
		set_str(&g->nodes[p->node].id, rest);
	} else {
		if (p->node < 0 || p->last != 1) {
			perr(p, "'%s' outside a node (use 'default %s' for a section)", kw, kw);
			return;
		}
		attr(p, &g->nodes[p->node].a, kw, rest);
	}
}

int xsgen_parse_file(struct xsgen *g, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "xs-gen: cannot open %s: %s\n", path, strerror(errno));
		g->errors++;
		return -1;
	}
	struct pctx p = { .g = g, .file = path, .section = -1, .node = -1, .watch = -1, .last = -1 };
	char buf[MAX_LINE];
	while (fgets(buf, sizeof(buf), f)) {
		p.line++;
		size_t len = strlen(buf);
		if (len == sizeof(buf) - 1 && buf[len - 1] != '\n') {
			perr(&p, "line longer than %d characters", MAX_LINE - 2);
			break;
		}
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		char *s = buf;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		line_(&p, s);
	}
	fclose(f);
	return g->errors ? -1 : 0;
}

/* Templates compared with every placeholder taken as the same: the parent
 * of /local/domain/$BACKEND/backend is /local/domain/$DOMID. */
static bool tpl_same_shape(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a == '$' && *b == '$') {
			a++, b++;
			while (isupper((unsigned char)*a))
				a++;
			while (isupper((unsigned char)*b))
				b++;
			continue;
		}
		if (*a++ != *b++)
			return false;
	}
	return !*a && !*b;
}

static int find_tpl(const struct xsgen *g, const char *tpl)
{
	for (size_t i = 0; i < g->nnodes; i++)
		if (tpl_same_shape(g->nodes[i].tpl, tpl))
			return (int)i;
	return -1;
}

int xsgen_check(struct xsgen *g)
{
	for (size_t i = 0; i < g->nnodes; i++) {
		struct xsgen_node *n = &g->nodes[i];
		struct pctx p = { .g = g, .file = n->file, .line = n->line };
		if (n->a.type < 0)
			perr(&p, "%s: no type", n->tpl);
		if (!n->a.perms)
			perr(&p, "%s: no perms", n->tpl);
		if (!n->a.writers)
			perr(&p, "%s: no writer", n->tpl);
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(g->nodes[j].id, n->id))
				perr(&p, "id %s used twice (also %s:%u)", n->id, g->nodes[j].file, g->nodes[j].line);
			if (!strcmp(g->nodes[j].tpl, n->tpl))
				perr(&p, "template %s defined twice (also %s:%u)", n->tpl, g->nodes[j].file,
				     g->nodes[j].line);
		}
		const char *last = strrchr(n->tpl, '/');
		if (n->a.required != XCTL_SCHEMA_P_NONE && last && strchr(last, '$'))
			perr(&p, "%s: a node named by a placeholder cannot be required", n->tpl);
		if (last && last != n->tpl) {
			char *parent = xstrndup(n->tpl, (size_t)(last - n->tpl));
			int pi = find_tpl(g, parent);
			if (pi < 0)
				perr(&p, "%s: its parent %s is not in the schema", n->tpl, parent);
			else if (g->nodes[pi].a.type != XCTL_SCHEMA_T_DIR)
				perr(&p, "%s: its parent %s is not of type dir", n->tpl, parent);
			free(parent);
		}
		if (n->a.equals && !strstr(n->tpl, n->a.equals) && !(g->sections[n->section].bind_var &&
							 !strcmp(g->sections[n->section].bind_var, n->a.equals + 1)))
			perr(&p, "%s: equals %s, but the template has no such placeholder", n->tpl, n->a.equals);
	}
	for (size_t i = 0; i < g->nwatches; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(g->watches[i].id, g->watches[j].id)) {
				fprintf(stderr, "xs-gen: watch id %s used twice\n", g->watches[i].id);
				g->errors++;
			}
	return g->errors ? -1 : 0;
}

void xsgen_free(struct xsgen *g)
{
	for (size_t i = 0; i < g->nnodes; i++) {
		free(g->nodes[i].id);
		free(g->nodes[i].tpl);
		attrs_free(&g->nodes[i].a);
		xctl_buf_free(&g->nodes[i].doc);
	}
	for (size_t i = 0; i < g->nsections; i++) {
		struct xsgen_section *s = &g->sections[i];
		free(s->prefix);
		free(s->base);
		free(s->title);
		free(s->bind_var);
		free(s->bind_how);
		free(s->bind_tpl);
		attrs_free(&s->defaults);
		xctl_buf_free(&s->doc);
	}
	for (size_t i = 0; i < g->nwatches; i++) {
		free(g->watches[i].id);
		free(g->watches[i].name);
		xctl_buf_free(&g->watches[i].doc);
	}
	xctl_buf_free(&g->intro);
}
