/* SPDX-License-Identifier: LGPL-2.1-only */
/* The xl.cfg reader: a small lexer and a recursive-descent parser for the
 * language of libxlutil (see cfg_parse.h). */
#include "toolstack/config/cfg_parse.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tok {
	T_EOF,
	T_NL,
	T_SEMI,
	T_IDENT,
	T_NUMBER,
	T_STRING,
	T_EQ,
	T_ADD,
	T_LBR,
	T_RBR,
	T_COMMA,
	T_ERR, /* a lexical error, already reported */
};

struct lexer {
	const char *p, *end;
	const char *file;
	unsigned line;
	enum tok tok;
	unsigned tok_line;
	const char *tok_start; /* raw text of the token */
	size_t tok_len;
	struct xctl_buf str;   /* decoded T_STRING */
	struct xctl_diags *d;
	int rc;                /* first hard error (NOMEM, LIMIT) */
	int syntax;            /* number of syntax errors */
	bool resync;           /* an error left the lexer at the start of a statement */
	bool crlf;             /* a carriage return was reported */
	struct xctl_cfg *cfg;
};

static bool is_lower(int c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_alpha(int c) { return is_lower(c) || (c >= 'A' && c <= 'Z'); }
static bool is_word(int c) { return is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '-'; }

static void syntax_error(struct lexer *lx, unsigned line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void syntax_error(struct lexer *lx, unsigned line, const char *fmt, ...)
{
	struct xctl_buf b = { 0 };
	va_list ap;
	va_start(ap, fmt);
	int rc = xctl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!rc)
		rc = xctl_diag_add(lx->d, XCTL_DIAG_ERROR, lx->file, line, NULL, "%s", b.p);
	if (rc && !lx->rc)
		lx->rc = rc;
	xctl_buf_free(&b);
	lx->syntax++;
}

static void limit_error(struct lexer *lx, unsigned line, const char *what, unsigned max)
{
	if (!lx->rc)
		lx->rc = XCTL_ERR_LIMIT;
	xctl_diag_add(lx->d, XCTL_DIAG_ERROR, lx->file, line, NULL, "too many %s (at most %u); the file is too large to be a domain configuration", what, max);
}

/* Printable description of the current token for messages. */
static void describe(const struct lexer *lx, char *buf, size_t len)
{
	switch (lx->tok) {
	case T_EOF:
		snprintf(buf, len, "the end of the input");
		return;
	case T_NL:
		snprintf(buf, len, "the end of the line");
		return;
	default:
		break;
	}
	size_t n = lx->tok_len > 40 ? 40 : lx->tok_len;
	char tmp[48];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)lx->tok_start[i];
		tmp[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	tmp[k] = '\0';
	snprintf(buf, len, "'%s%s'", tmp, lx->tok_len > n ? "..." : "");
}

/* Decode a quoted string starting at lx->p (the quote). */
static enum tok lex_string(struct lexer *lx)
{
	char q = *lx->p++;
	bool bad = false;
	xctl_buf_reset(&lx->str);
	while (lx->p < lx->end && *lx->p != q && *lx->p != '\n') {
		char c = *lx->p++;
		if (c == '\\') {
			if (lx->p >= lx->end || *lx->p == '\n')
				break;
			char e = *lx->p++;
			int v = -1;
			switch (e) {
			case '"': case '\'': case '\\': v = e; break;
			case 'a': v = '\a'; break;
			case 'b': v = '\b'; break;
			case 'f': v = '\f'; break;
			case 'n': v = '\n'; break;
			case 'r': v = '\r'; break;
			case 't': v = '\t'; break;
			case 'v': v = '\v'; break;
			case 'x':
				/* libxlu_cfg.c:630-650: xl 4.17 refuses every \x escape
				 * ("invalid digit after backslash hex numerical character
				 * escape") */
				if (!bad)
					syntax_error(lx, lx->line,
						     "'\\x' escape in a string: xl 4.17 refuses every hex escape (write the "
						     "character itself)");
				bad = true;
				continue;
			default:
				if (e >= '0' && e <= '7') {
					/* libxlu_cfg.c:651-652: xl reads the escape and drops it,
					 * the character never reaches the value */
					if (!bad)
						syntax_error(lx, lx->line,
							     "octal escape '\\%c...' in a string: xl 4.17 drops the "
							     "character it stands for (write the character itself)", e);
					bad = true;
					continue;
				}
				break;
			}
			if (v <= 0) {
				if (!bad)
					syntax_error(lx, lx->line,
						     "invalid escape '\\%c' in a string (allowed: \\\" \\' \\\\ \\a \\b \\f \\n \\r "
						     "\\t \\v)",
						     (e >= 0x20 && e < 0x7f) ? e : '?');
				bad = true;
				continue;
			}
			c = (char)v;
		}
		if (lx->str.len >= XCTL_CFG_MAX_STRING) {
			if (!bad)
				limit_error(lx, lx->line, "bytes in a string", XCTL_CFG_MAX_STRING);
			bad = true;
			continue;
		}
		if (xctl_buf_add(&lx->str, &c, 1)) {
			lx->rc = XCTL_ERR_NOMEM;
			return T_ERR;
		}
	}
	if (lx->p >= lx->end || *lx->p != q) {
		syntax_error(lx, lx->tok_line, "string not closed on its line (end it with %c; a string cannot span lines)", q);
		return T_ERR;
	}
	lx->p++;
	if (!lx->str.p && xctl_buf_reserve(&lx->str, 0)) {
		lx->rc = XCTL_ERR_NOMEM;
		return T_ERR;
	}
	return bad ? T_ERR : T_STRING;
}

static bool valid_number(const char *s, size_t n)
{
	if (!n || !is_digit(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f') && s[i] != 'x')
			return false;
	return true;
}

static bool valid_ident(const char *s, size_t n)
{
	if (!n || !is_lower(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_lower(s[i]) && !is_digit(s[i]) && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

static enum tok lex(struct lexer *lx)
{
	for (;;) {
		while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t'))
			lx->p++;
		if (lx->p < lx->end && *lx->p == '#') {
			const char *nl = memchr(lx->p, '\n', (size_t)(lx->end - lx->p));
			if (!nl) {
				/* libxlu_cfg_l.l:73: a comment is '#' up to a newline */
				syntax_error(lx, lx->line, "a comment on the last line needs a newline after it, as xl "
							   "4.17 reads them (end the file with a newline)");
				lx->p = lx->end;
				break;
			}
			lx->p = nl;
		}
		break;
	}
	lx->tok_start = lx->p;
	lx->tok_line = lx->line;
	lx->tok_len = 0;
	if (lx->p >= lx->end)
		return lx->tok = T_EOF;
	char c = *lx->p;
	enum tok t;
	if (c == '\n') {
		lx->p++;
		lx->line++;
		t = T_NL;
	} else if (c == ';') {
		lx->p++;
		t = T_SEMI;
	} else if (c == '=') {
		lx->p++;
		t = T_EQ;
	} else if (c == '+' && lx->p + 1 < lx->end && lx->p[1] == '=') {
		lx->p += 2;
		t = T_ADD;
	} else if (c == '[') {
		lx->p++;
		t = T_LBR;
	} else if (c == ']') {
		lx->p++;
		t = T_RBR;
	} else if (c == ',') {
		lx->p++;
		t = T_COMMA;
	} else if (c == '"' || c == '\'') {
		t = lex_string(lx);
	} else if (is_alpha(c) || c == '_') {
		while (lx->p < lx->end && is_word(*lx->p))
			lx->p++;
		t = T_IDENT;
		if (!valid_ident(lx->tok_start, (size_t)(lx->p - lx->tok_start))) {
			lx->tok_len = (size_t)(lx->p - lx->tok_start);
			char what[64];
			lx->tok = T_IDENT;
			describe(lx, what, sizeof(what));
			syntax_error(lx, lx->tok_line,
				     "%s is not a valid key or value: keys are lower case (a-z first, then a-z, 0-9, '_', '.'), "
				     "other text must be quoted",
				     what);
			t = T_ERR;
		}
	} else if (is_digit(c)) {
		while (lx->p < lx->end && (is_word(*lx->p) && *lx->p != '-'))
			lx->p++;
		t = T_NUMBER;
		if (!valid_number(lx->tok_start, (size_t)(lx->p - lx->tok_start))) {
			lx->tok_len = (size_t)(lx->p - lx->tok_start);
			char what[64];
			lx->tok = T_NUMBER;
			describe(lx, what, sizeof(what));
			syntax_error(lx, lx->tok_line,
				     "%s is not a number (numbers are integers: decimal, 0x hex or 0 octal); quote other values",
				     what);
			t = T_ERR;
		}
	} else if ((c == '-' || c == '+') && lx->p + 1 < lx->end && is_digit(lx->p[1])) {
		lx->p++;
		while (lx->p < lx->end && is_word(*lx->p))
			lx->p++;
		syntax_error(lx, lx->tok_line, "a number with a sign must be quoted, e.g. \"%.*s\"",
			     (int)(lx->p - lx->tok_start > 24 ? 24 : lx->p - lx->tok_start), lx->tok_start);
		t = T_ERR;
	} else if (c == '\r') {
		/* libxlu_cfg_l.l:64: only blanks and tabs are white space */
		lx->p++;
		if (!lx->crlf)
			syntax_error(lx, lx->tok_line, "carriage return (DOS line ends): xl 4.17 refuses them (convert "
						       "the file, e.g. with dos2unix)");
		lx->crlf = true;
		t = T_ERR;
	} else {
		lx->p++;
		bool py = strchr("+-.():", c) != NULL;
		syntax_error(lx, lx->tok_line, "unexpected character '%c'%s", (c >= 0x20 && c < 0x7f) ? c : '?',
			     py ? " (the file looks like Python, which xl.cfg files are not: write KEY = VALUE lines)"
				: " (expected KEY = VALUE, a quoted string, a number or a [list])");
		t = T_ERR;
	}
	lx->tok_len = (size_t)(lx->p - lx->tok_start);
	return lx->tok = t;
}

/* ---- values ---- */

static void value_free(struct xctl_cfg_value *v)
{
	if (!v)
		return;
	free(v->s);
	for (size_t i = 0; i < v->n; i++)
		value_free(v->items[i]);
	free(v->items);
	free(v);
}

static const char *intern_file(struct xctl_cfg *cfg, const char *file, int *rc)
{
	for (size_t i = 0; i < cfg->nfiles; i++)
		if (!strcmp(cfg->files[i], file))
			return cfg->files[i];
	if (cfg->nfiles >= XCTL_CFG_MAX_FILES) {
		*rc = XCTL_ERR_LIMIT;
		return NULL;
	}
	char **f = realloc(cfg->files, (cfg->nfiles + 1) * sizeof(*f));
	if (!f) {
		*rc = XCTL_ERR_NOMEM;
		return NULL;
	}
	cfg->files = f;
	f[cfg->nfiles] = strdup(file);
	if (!f[cfg->nfiles]) {
		*rc = XCTL_ERR_NOMEM;
		return NULL;
	}
	return f[cfg->nfiles++];
}

static struct xctl_cfg_value *value_new(struct lexer *lx, enum xctl_cfg_vtype type, unsigned line)
{
	if (lx->cfg->nvalues >= XCTL_CFG_MAX_VALUES) {
		limit_error(lx, line, "values", XCTL_CFG_MAX_VALUES);
		return NULL;
	}
	struct xctl_cfg_value *v = calloc(1, sizeof(*v));
	if (!v) {
		lx->rc = XCTL_ERR_NOMEM;
		return NULL;
	}
	lx->cfg->nvalues++;
	v->type = type;
	v->file = lx->file;
	v->line = line;
	return v;
}

static int list_push(struct xctl_cfg_value *list, struct xctl_cfg_value *item)
{
	if (list->n >= XCTL_CFG_MAX_LIST)
		return XCTL_ERR_LIMIT;
	if (list->n == list->ncap) {
		size_t cap = list->ncap ? list->ncap * 2 : 4;
		struct xctl_cfg_value **v = realloc(list->items, cap * sizeof(*v));
		if (!v)
			return XCTL_ERR_NOMEM;
		list->items = v;
		list->ncap = cap;
	}
	list->items[list->n++] = item;
	return 0;
}

static int atom_append(struct xctl_cfg_value *v, const char *s, size_t len)
{
	if (len > XCTL_CFG_MAX_STRING || v->len > XCTL_CFG_MAX_STRING - len)
		return XCTL_ERR_LIMIT;
	if (v->len + len + 1 > v->cap) {
		size_t cap = v->cap ? v->cap : 16;
		while (cap < v->len + len + 1)
			cap *= 2;
		char *p = realloc(v->s, cap);
		if (!p)
			return XCTL_ERR_NOMEM;
		v->s = p;
		v->cap = cap;
	}
	memcpy(v->s + v->len, s, len);
	v->len += len;
	v->s[v->len] = '\0';
	return 0;
}

/* Skip newlines inside a list; were there any? */
static bool skip_nl(struct lexer *lx)
{
	bool any = false;
	while (lx->tok == T_NL) {
		lex(lx);
		any = true;
	}
	return any;
}

static bool starts_statement(const char *p, const char *end);

/* Parse one value at the current token; on success the current token is
 * the one after it. NULL on error (reported). */
static struct xctl_cfg_value *parse_value(struct lexer *lx, const char *key, unsigned depth)
{
	char what[64];
	if (lx->tok == T_STRING || lx->tok == T_NUMBER) {
		struct xctl_cfg_value *v = value_new(lx, XCTL_CFG_ATOM, lx->tok_line);
		if (!v)
			return NULL;
		v->quoted = lx->tok == T_STRING;
		int rc = lx->tok == T_STRING ? atom_append(v, lx->str.p, lx->str.len)
					     : atom_append(v, lx->tok_start, lx->tok_len);
		if (rc) {
			if (rc == XCTL_ERR_LIMIT)
				limit_error(lx, lx->tok_line, "bytes in a string", XCTL_CFG_MAX_STRING);
			else
				lx->rc = rc;
			value_free(v);
			return NULL;
		}
		lex(lx);
		return v;
	}
	if (lx->tok == T_ERR)
		return NULL;
	if (lx->tok != T_LBR) {
		describe(lx, what, sizeof(what));
		syntax_error(lx, lx->tok_line, "expected a value for '%s' (a \"string\", a number or a [list]), found %s", key,
			     what);
		return NULL;
	}
	if (depth >= XCTL_CFG_MAX_DEPTH) {
		syntax_error(lx, lx->tok_line, "lists nested too deeply in '%s' (at most %u levels)", key, XCTL_CFG_MAX_DEPTH);
		return NULL;
	}
	unsigned open_line = lx->tok_line;
	struct xctl_cfg_value *list = value_new(lx, XCTL_CFG_LIST, open_line);
	if (!list)
		return NULL;
	lex(lx);
	skip_nl(lx);
	while (lx->tok != T_RBR) {
		struct xctl_cfg_value *item = parse_value(lx, key, depth + 1);
		if (!item)
			goto fail;
		int rc = list_push(list, item);
		if (rc) {
			value_free(item);
			if (rc == XCTL_ERR_LIMIT)
				limit_error(lx, lx->tok_line, "items in a list", XCTL_CFG_MAX_LIST);
			else
				lx->rc = rc;
			goto fail;
		}
		bool nl = skip_nl(lx);
		if (lx->tok == T_COMMA) {
			lex(lx);
			nl = skip_nl(lx);
			if (lx->tok != T_IDENT || !nl || !starts_statement(lx->tok_start, lx->end))
				continue;
		}
		if (lx->tok == T_RBR)
			break;
		if (lx->tok == T_EOF) {
			syntax_error(lx, open_line, "the list of '%s' is not closed: ']' missing", key);
			goto fail;
		}
		if (nl && lx->tok == T_IDENT && starts_statement(lx->tok_start, lx->end)) {
			/* a new setting: the ']' was forgotten */
			syntax_error(lx, open_line, "the list of '%s' is not closed: ']' missing before line %u", key,
				     lx->tok_line);
			lx->resync = true;
			goto fail;
		}
		if (lx->tok != T_ERR) {
			describe(lx, what, sizeof(what));
			syntax_error(lx, lx->tok_line, "expected ',' or ']' in the list of '%s', found %s", key, what);
		}
		goto fail;
	}
	lex(lx);
	return list;
fail:
	value_free(list);
	return NULL;
}

/* ---- settings ---- */

static struct xctl_cfg_setting *find(struct xctl_cfg *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->n; i++)
		if (!strcmp(cfg->v[i].key, key))
			return &cfg->v[i];
	return NULL;
}

const struct xctl_cfg_setting *xctl_cfg_get(const struct xctl_cfg *cfg, const char *key)
{
	return find((struct xctl_cfg *)cfg, key);
}

/* Store key (op = or +=) with value v (taken over). */
static void store(struct lexer *lx, const char *key, bool add, struct xctl_cfg_value *v, unsigned line)
{
	struct xctl_cfg_setting *s = find(lx->cfg, key);
	int rc = 0;
	if (s && add) {
		struct xctl_cfg_value *old = s->value;
		if (old->type != v->type) {
			syntax_error(lx, line,
				     "'%s += ...' adds a %s to a %s: use the same kind of value as before (a list or a string)",
				     key, v->type == XCTL_CFG_LIST ? "list" : "string",
				     old->type == XCTL_CFG_LIST ? "list" : "string");
			value_free(v);
			return;
		}
		if (v->type == XCTL_CFG_ATOM) {
			rc = atom_append(old, v->s ? v->s : "", v->len);
			if (rc == XCTL_ERR_LIMIT)
				limit_error(lx, line, "bytes in a string", XCTL_CFG_MAX_STRING);
			old->quoted = old->quoted || v->quoted;
			old->line = line;
			old->file = lx->file;
		} else {
			size_t i;
			for (i = 0; i < v->n && !rc; i++) {
				rc = list_push(old, v->items[i]);
				if (!rc)
					v->items[i] = NULL;
			}
			if (rc == XCTL_ERR_LIMIT)
				limit_error(lx, line, "items in a list", XCTL_CFG_MAX_LIST);
		}
		if (rc && !lx->rc)
			lx->rc = rc;
		value_free(v);
		s->appended = true;
		s->file = lx->file;
		s->line = line;
		return;
	}
	if (s) {
		value_free(s->value);
		s->value = v;
		s->appended = false;
		s->file = lx->file;
		s->line = line;
		return;
	}
	if (lx->cfg->n >= XCTL_CFG_MAX_SETTINGS) {
		limit_error(lx, line, "settings", XCTL_CFG_MAX_SETTINGS);
		value_free(v);
		return;
	}
	if (lx->cfg->n == lx->cfg->cap) {
		size_t cap = lx->cfg->cap ? lx->cfg->cap * 2 : 32;
		struct xctl_cfg_setting *nv = realloc(lx->cfg->v, cap * sizeof(*nv));
		if (!nv) {
			lx->rc = XCTL_ERR_NOMEM;
			value_free(v);
			return;
		}
		lx->cfg->v = nv;
		lx->cfg->cap = cap;
	}
	s = &lx->cfg->v[lx->cfg->n];
	s->key = strdup(key);
	if (!s->key) {
		lx->rc = XCTL_ERR_NOMEM;
		value_free(v);
		return;
	}
	s->value = v;
	s->appended = add;
	s->file = lx->file;
	s->line = line;
	lx->cfg->n++;
}

/* Does the raw text at p start a new "key =" or "key +=" statement? */
static bool starts_statement(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || !is_lower(*p))
		return false;
	while (p < end && (is_lower(*p) || is_digit(*p) || *p == '_' || *p == '.'))
		p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p < end && (*p == '=' || (*p == '+' && p + 1 < end && p[1] == '='));
}

/* After an error: skip to the end of the statement. A newline inside an
 * unclosed list ends the statement only if a new setting follows. */
static void recover(struct lexer *lx)
{
	int depth = 0;
	while (lx->tok != T_EOF) {
		if (lx->tok == T_LBR)
			depth++;
		else if (lx->tok == T_RBR && depth > 0)
			depth--;
		else if (lx->tok == T_SEMI && depth == 0)
			break;
		else if (lx->tok == T_NL && (depth == 0 || starts_statement(lx->p, lx->end)))
			break;
		lex(lx);
	}
}

static void parse_statement(struct lexer *lx)
{
	char what[64];
	if (lx->tok != T_IDENT) {
		if (lx->tok != T_ERR) {
			describe(lx, what, sizeof(what));
			syntax_error(lx, lx->tok_line, "expected a setting KEY = VALUE, found %s", what);
		}
		recover(lx);
		return;
	}
	char key[XCTL_CFG_MAX_KEY + 1];
	unsigned line = lx->tok_line;
	if (lx->tok_len > XCTL_CFG_MAX_KEY) {
		syntax_error(lx, line, "key longer than %u characters", XCTL_CFG_MAX_KEY);
		recover(lx);
		return;
	}
	memcpy(key, lx->tok_start, lx->tok_len);
	key[lx->tok_len] = '\0';
	lex(lx);
	if (lx->tok != T_EQ && lx->tok != T_ADD) {
		if (lx->tok != T_ERR) {
			describe(lx, what, sizeof(what));
			syntax_error(lx, lx->tok_line, "expected '=' or '+=' after '%s', found %s", key, what);
		}
		recover(lx);
		return;
	}
	bool add = lx->tok == T_ADD;
	lex(lx);
	struct xctl_cfg_value *v = parse_value(lx, key, 0);
	if (!v) {
		if (lx->resync)
			lx->resync = false;
		else
			recover(lx);
		return;
	}
	if (lx->tok != T_NL && lx->tok != T_SEMI && lx->tok != T_EOF) {
		if (lx->tok != T_ERR) {
			describe(lx, what, sizeof(what));
			syntax_error(lx, lx->tok_line,
				     "expected the end of the line or ';' after the value of '%s', found %s", key, what);
		}
		value_free(v);
		recover(lx);
		return;
	}
	store(lx, key, add, v, line);
}

void xctl_cfg_init(struct xctl_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
}

void xctl_cfg_free(struct xctl_cfg *cfg)
{
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->v[i].key);
		value_free(cfg->v[i].value);
	}
	free(cfg->v);
	for (size_t i = 0; i < cfg->nfiles; i++)
		free(cfg->files[i]);
	free(cfg->files);
	memset(cfg, 0, sizeof(*cfg));
}

int xctl_cfg_parse_text(struct xctl_cfg *cfg, const char *file, unsigned first_line, const char *text,
			size_t len, struct xctl_diags *d)
{
	struct lexer lx = { .p = text, .end = text + len, .line = first_line ? first_line : 1, .d = d, .cfg = cfg };
	int rc = 0;
	lx.file = intern_file(cfg, file ? file : "<input>", &rc);
	if (!lx.file) {
		if (rc == XCTL_ERR_LIMIT)
			xctl_diag_add(d, XCTL_DIAG_ERROR, file, 0, NULL, "too many configuration sources (at most %u)",
				      XCTL_CFG_MAX_FILES);
		return rc;
	}
	if (len > XCTL_CFG_MAX_INPUT) {
		xctl_diag_add(d, XCTL_DIAG_ERROR, lx.file, 0, NULL,
			      "input of %zu bytes is larger than the %u bytes a configuration may have", len,
			      XCTL_CFG_MAX_INPUT);
		return XCTL_ERR_LIMIT;
	}
	if (memchr(text, '\0', len)) {
		xctl_diag_add(d, XCTL_DIAG_ERROR, lx.file, 0, NULL, "input contains a NUL byte: not a text file");
		return XCTL_ERR_PARSE;
	}
	lex(&lx);
	while (lx.tok != T_EOF && !lx.rc) {
		if (lx.tok == T_NL || lx.tok == T_SEMI) {
			lex(&lx);
			continue;
		}
		parse_statement(&lx);
	}
	xctl_buf_free(&lx.str);
	if (lx.rc)
		return lx.rc;
	return lx.syntax ? XCTL_ERR_PARSE : 0;
}

int xctl_cfg_parse_file(struct xctl_cfg *cfg, const char *path, struct xctl_diags *d)
{
	char *text = NULL;
	size_t len = 0;
	int rc = xctl_read_file(path, XCTL_CFG_MAX_INPUT, &text, &len);
	if (rc == XCTL_ERR_LIMIT) {
		xctl_diag_add(d, XCTL_DIAG_ERROR, path, 0, NULL, "file is larger than the %u bytes a configuration may have",
			      XCTL_CFG_MAX_INPUT);
		return rc;
	}
	if (rc) {
		int e = rc == XCTL_ERR_NOTFOUND ? ENOENT : rc == XCTL_ERR_PERM ? EACCES : EIO;
		xctl_diag_add(d, XCTL_DIAG_ERROR, path, 0, NULL, "cannot read the configuration file: %s%s", strerror(e),
			      rc == XCTL_ERR_NOTFOUND ? " (check the path)" : "");
		return rc;
	}
	rc = xctl_cfg_parse_text(cfg, path, 1, text, len, d);
	free(text);
	return rc;
}

int xctl_cfg_parse_override(struct xctl_cfg *cfg, const char *arg, unsigned index, struct xctl_diags *d)
{
	return xctl_cfg_parse_text(cfg, XCTL_CFG_CMDLINE, index, arg, strlen(arg), d);
}
