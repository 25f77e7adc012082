/* SPDX-License-Identifier: LGPL-2.1-only */
/* Settings -> typed model through the key table; then defaults and
 * validation. */
#include "toolstack/config/resolve.h"
#include "toolstack/config/keys.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t xctl_rng_next(struct xctl_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number as xl reads one (strtol, base 0): decimal, 0x hex, 0 octal,
 * an optional sign (only possible in a quoted string). */
static int parse_number(const char *s, int64_t *out)
{
	if (!*s || *s == ' ' || *s == '\t')
		return XCTL_ERR_INVAL;
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (*end)
		return XCTL_ERR_INVAL;
	if (errno == ERANGE)
		return XCTL_ERR_LIMIT;
	*out = v;
	return 0;
}

struct ctx {
	struct xctl_domain_config *m;
	struct xctl_diags *d;
	int rc; /* NOMEM */
};

#define ERR(c, s, ...) xctl_diag_add((c)->d, XCTL_DIAG_ERROR, (s)->file, (s)->line, (s)->key, __VA_ARGS__)
#define WARN(c, s, ...) xctl_diag_add((c)->d, XCTL_DIAG_WARNING, (s)->file, (s)->line, (s)->key, __VA_ARGS__)

static const struct xctl_cfg_value *atom_of(struct ctx *c, const struct xctl_cfg_setting *s, const char *allowed)
{
	if (s->value->type == XCTL_CFG_ATOM)
		return s->value;
	ERR(c, s, "is a list but must be a single value (allowed: %s)", allowed);
	return NULL;
}

static bool set_string(struct ctx *c, char **field, const char *s)
{
	char *copy = strdup(s);
	if (!copy) {
		c->rc = XCTL_ERR_NOMEM;
		return false;
	}
	free(*field);
	*field = copy;
	return true;
}

static bool push(struct ctx *c, struct xctl_strlist *l, const char *s)
{
	if (xctl_strlist_push(l, s)) {
		c->rc = XCTL_ERR_NOMEM;
		return false;
	}
	return true;
}

/* Items of a list of strings (STRLIST, CPUS). */
static bool list_items(struct ctx *c, const struct xctl_key *k, const struct xctl_cfg_setting *s,
		       struct xctl_strlist *out)
{
	const struct xctl_cfg_value *v = s->value;
	char why[320];
	bool ok = true;
	for (size_t i = 0; i < v->n; i++) {
		const struct xctl_cfg_value *it = v->items[i];
		if (it->type != XCTL_CFG_ATOM) {
			xctl_diag_add(c->d, XCTL_DIAG_ERROR, it->file, it->line, s->key,
				      "item %zu is a list but must be a string (allowed: %s)", i + 1, k->allowed);
			ok = false;
			continue;
		}
		if (k->check && k->check(it->s, why, sizeof(why))) {
			xctl_diag_add(c->d, XCTL_DIAG_ERROR, it->file, it->line, s->key, "%s", why);
			ok = false;
			continue;
		}
		if (!push(c, out, it->s))
			return false;
	}
	return ok;
}

static bool apply_devices(struct ctx *c, const struct xctl_key *k, const struct xctl_cfg_setting *s)
{
	struct xctl_domain_config *m = c->m;
	bool disk = k->type == XCTL_KT_DISKS;
	const struct xctl_cfg_value *v = s->value;
	if (v->type != XCTL_CFG_LIST) {
		ERR(c, s, "is a single value but must be a list, e.g. %s = [ '%s' ]", s->key, v->s);
		return false;
	}
	bool ok = true;
	for (size_t i = 0; i < v->n; i++) {
		const struct xctl_cfg_value *it = v->items[i];
		if (it->type != XCTL_CFG_ATOM) {
			xctl_diag_add(c->d, XCTL_DIAG_ERROR, it->file, it->line, s->key,
				      "item %zu is a list but must be a quoted spec string", i + 1);
			ok = false;
			continue;
		}
		int rc;
		if (disk) {
			struct xctl_disk *nd = realloc(m->disks, (m->ndisks + 1) * sizeof(*nd));
			if (!nd) {
				c->rc = XCTL_ERR_NOMEM;
				return false;
			}
			m->disks = nd;
			rc = xctl_disk_parse(it->s, it->file, it->line, &m->disks[m->ndisks], c->d);
			if (!rc)
				m->ndisks++;
		} else {
			struct xctl_vif *nv = realloc(m->vifs, (m->nvifs + 1) * sizeof(*nv));
			if (!nv) {
				c->rc = XCTL_ERR_NOMEM;
				return false;
			}
			m->vifs = nv;
			rc = xctl_vif_parse(it->s, it->file, it->line, &m->vifs[m->nvifs], c->d);
			if (!rc)
				m->nvifs++;
		}
		if (rc == XCTL_ERR_NOMEM) {
			c->rc = rc;
			return false;
		}
		if (rc)
			ok = false;
	}
	return ok;
}

/* Convert one setting into its field. Returns true when the field was set. */
static bool apply_key(struct ctx *c, enum xctl_key_id id, const struct xctl_cfg_setting *s)
{
	const struct xctl_key *k = &xctl_keys[id];
	struct xctl_domain_config *m = c->m;
	const struct xctl_cfg_value *v;
	char why[320];
	int64_t n;

	switch (k->type) {
	case XCTL_KT_STRING:
		if (!(v = atom_of(c, s, k->allowed)))
			return false;
		if ((k->flags & XCTL_KF_NONEMPTY) && !*v->s) {
			ERR(c, s, "is empty (allowed: %s)", k->allowed);
			return false;
		}
		if (k->check && k->check(v->s, why, sizeof(why))) {
			ERR(c, s, "%s", why);
			return false;
		}
		return set_string(c, XCTL_FIELD(m, id, char *), v->s);
	case XCTL_KT_INT:
	case XCTL_KT_BOOL:
		if (!(v = atom_of(c, s, k->allowed)))
			return false;
		if (s->appended) {
			ERR(c, s, "'+=' cannot be used with numbers (write %s = N)", s->key);
			return false;
		}
		switch (parse_number(v->s, &n)) {
		case 0:
			break;
		case XCTL_ERR_LIMIT:
			ERR(c, s, "%s is out of range (allowed: %s)", v->s, k->allowed);
			return false;
		default:
			ERR(c, s, "'%s' is not a number (allowed: %s)", v->s, k->allowed);
			return false;
		}
		if (k->type == XCTL_KT_BOOL) {
			*XCTL_FIELD(m, id, bool) = n != 0;
			return true;
		}
		if (n < k->min || n > k->max) {
			ERR(c, s, "%lld is out of range (allowed: %s)", (long long)n, k->allowed);
			return false;
		}
		*XCTL_FIELD(m, id, int64_t) = n;
		return true;
	case XCTL_KT_ENUM: {
		if (!(v = atom_of(c, s, k->allowed)))
			return false;
		int i = xctl_enum_index(k->values, v->s);
		if (i < 0 && (k->flags & XCTL_KF_ENUM_NUM) && !parse_number(v->s, &n) && n >= 0) {
			for (i = 0; k->values[i] && i < n; i++)
				;
			if (k->values[i]) {
				WARN(c, s, "a number is deprecated here, write %s = \"%s\"", s->key, k->values[i]);
			} else {
				i = -1;
			}
		}
		if (i < 0) {
			ERR(c, s, "'%s' is not valid (allowed: %s)", v->s, k->allowed);
			return false;
		}
		*XCTL_FIELD(m, id, int) = i;
		return true;
	}
	case XCTL_KT_STRLIST: {
		struct xctl_strlist *l = XCTL_FIELD(m, id, struct xctl_strlist);
		xctl_strlist_free(l);
		v = s->value;
		if (v->type == XCTL_CFG_LIST)
			return list_items(c, k, s, l);
		if ((k->flags & XCTL_KF_BOOL_LIST) && !parse_number(v->s, &n))
			return n ? push(c, l, "defaults") : true;
		if (k->flags & XCTL_KF_SPLIT) {
			WARN(c, s, "a single string is deprecated here, write a list: %s = [ \"ARG\", ... ]", s->key);
			const char *p = v->s;
			while (*p) {
				size_t blank = strspn(p, " \t");
				p += blank;
				size_t len = strcspn(p, " \t");
				if (!len)
					break;
				char *word = strndup(p, len);
				if (!word || !push(c, l, word)) {
					free(word);
					c->rc = XCTL_ERR_NOMEM;
					return false;
				}
				free(word);
				p += len;
			}
			return true;
		}
		if (k->check && k->check(v->s, why, sizeof(why))) {
			ERR(c, s, "%s", why);
			return false;
		}
		return push(c, l, v->s);
	}
	case XCTL_KT_CPUS: {
		struct xctl_cpus *cp = XCTL_FIELD(m, id, struct xctl_cpus);
		xctl_strlist_free(&cp->masks);
		v = s->value;
		cp->per_vcpu = v->type == XCTL_CFG_LIST;
		if (v->type == XCTL_CFG_LIST) {
			if (!v->n) {
				ERR(c, s, "is an empty list (allowed: %s)", k->allowed);
				return false;
			}
			return list_items(c, k, s, &cp->masks);
		}
		if (xctl_check_cpulist(v->s, why, sizeof(why))) {
			ERR(c, s, "%s", why);
			return false;
		}
		return push(c, &cp->masks, v->s);
	}
	case XCTL_KT_DISKS:
	case XCTL_KT_VIFS:
		return apply_devices(c, k, s);
	}
	return false;
}

static void set_origin(struct ctx *c, enum xctl_key_id id, const struct xctl_cfg_setting *s)
{
	if (xctl_model_set_origin(c->m, id, XCTL_SRC_CONFIG, s->file, s->line))
		c->rc = XCTL_ERR_NOMEM;
}

/* type, and the deprecated builder= and pvh= */
static void resolve_type(struct ctx *c, const struct xctl_cfg *cfg)
{
	const struct xctl_cfg_setting *type = xctl_cfg_get(cfg, "type");
	const struct xctl_cfg_setting *builder = xctl_cfg_get(cfg, "builder");
	const struct xctl_cfg_setting *pvh = xctl_cfg_get(cfg, "pvh");
	if (type) {
		if (apply_key(c, XCTL_K_TYPE, type))
			set_origin(c, XCTL_K_TYPE, type);
		if (builder)
			WARN(c, builder, "deprecated and ignored because type is set");
		if (pvh)
			WARN(c, pvh, "deprecated and ignored because type is set");
		return;
	}
	if (builder) {
		const struct xctl_cfg_value *v = atom_of(c, builder, "generic, hvm");
		if (!v)
			return;
		if (!strcmp(v->s, "generic") || !strcmp(v->s, "hvm")) {
			c->m->type = v->s[0] == 'h' ? XCTL_GUEST_HVM : XCTL_GUEST_PV;
			WARN(c, builder, "deprecated, write type = \"%s\" instead", xctl_guest_type_name(c->m->type));
			set_origin(c, XCTL_K_TYPE, builder);
		} else {
			ERR(c, builder, "'%s' is not valid (allowed: generic, hvm; better: type = \"pv\" or \"hvm\")", v->s);
		}
		if (pvh)
			WARN(c, pvh, "deprecated and ignored because builder is set");
		return;
	}
	if (pvh) {
		const struct xctl_cfg_value *v = atom_of(c, pvh, "0, 1");
		int64_t n;
		if (!v)
			return;
		if (parse_number(v->s, &n)) {
			ERR(c, pvh, "'%s' is not a number (allowed: 0, 1; better: type = \"pvh\")", v->s);
			return;
		}
		WARN(c, pvh, "deprecated, write type = \"%s\" instead", n ? "pvh" : "pv");
		c->m->type = n ? XCTL_GUEST_PVH : XCTL_GUEST_PV;
		set_origin(c, XCTL_K_TYPE, pvh);
	}
}

static void not_for_type(struct ctx *c, const struct xctl_cfg_setting *s, unsigned guests)
{
	char g[32];
	ERR(c, s, "applies to %s guests only, not to this %s guest (remove it, or set type)",
	    xctl_guests_text(guests, g, sizeof(g)), xctl_guest_type_name(c->m->type));
}

static void resolve_setting(struct ctx *c, const struct xctl_cfg_setting *s, const char *const *names, size_t nnames)
{
	enum xctl_key_id id;
	const struct xctl_key *k = xctl_key_find(s->key, &id);
	unsigned me = 1u << c->m->type;
	if (k) {
		if (id == XCTL_K_TYPE)
			return;
		if (!(k->guests & me)) {
			not_for_type(c, s, k->guests);
			return;
		}
		if (apply_key(c, id, s))
			set_origin(c, id, s);
		return;
	}
	const struct xctl_key_other *o = xctl_key_other_find(s->key);
	if (o && o->alias) {
		if (!strcmp(s->key, "stdvga")) {
			if (!(o->guests & me)) {
				not_for_type(c, s, o->guests);
				return;
			}
			int64_t n;
			if (s->value->type != XCTL_CFG_ATOM || parse_number(s->value->s, &n)) {
				ERR(c, s, "must be 0 or 1 (better: vga = \"stdvga\")");
				return;
			}
			WARN(c, s, "deprecated, write vga = \"%s\" instead", n ? "stdvga" : "cirrus");
			if (n && !xctl_model_isset(c->m, XCTL_K_VGA)) {
				c->m->vga = 1; /* stdvga */
				set_origin(c, XCTL_K_VGA, s);
			}
		}
		return; /* builder, pvh: resolve_type */
	}
	if (o) {
		char g[32];
		ERR(c, s, "not supported by xctl yet (an xl.cfg(5) key for %s guests); remove it to use this "
			  "configuration with xctl",
		    xctl_guests_text(o->guests, g, sizeof(g)));
		return;
	}
	const char *guess = xctl_suggest(s->key, names, nnames);
	if (guess)
		WARN(c, s, "unknown key, ignored (did you mean '%s'?)", guess);
	else
		WARN(c, s, "unknown key, ignored (xl.cfg(5) and docs/config.md list the keys)");
}

int xctl_config_resolve(const struct xctl_cfg *cfg, const char *main_file, const struct xctl_resolve_opts *o,
			struct xctl_domain_config *m, struct xctl_diags *d)
{
	struct ctx c = { .m = m, .d = d };
	struct xctl_global_config builtin;
	const struct xctl_global_config *g = o->global;
	struct xctl_rng rng = { .state = o->seed };
	const char *names[256];
	size_t nnames = xctl_key_names(names, XCTL_ARRAY_SIZE(names));
	int rc = 0;
	bool own_global = false;

	xctl_model_init(m);
	if (!g) {
		rc = xctl_global_init(&builtin);
		if (rc)
			return rc;
		g = &builtin;
		own_global = true;
	}
	resolve_type(&c, cfg);
	for (size_t i = 0; i < cfg->n && !c.rc; i++) {
		const char *key = cfg->v[i].key;
		if (!strcmp(key, "builder") || !strcmp(key, "pvh"))
			continue;
		resolve_setting(&c, &cfg->v[i], names, nnames);
	}
	if (c.rc) {
		rc = c.rc;
		goto out;
	}
	rc = xctl_config_defaults(m, g, &rng, d);
	if (rc)
		goto out;
	rc = xctl_config_validate(m, main_file, o->creating, d);
	if (rc)
		goto out;
	if (o->strict)
		xctl_diags_promote_warnings(d);
	if (d->nerrors)
		rc = XCTL_ERR_CONFIG;
out:
	if (own_global)
		xctl_global_dispose(&builtin);
	return rc;
}

/* Diagnostics in the order of the input: the file, then the command line,
 * each by line (stable: phases keep their order on one line). */
static int diag_rank(const struct xctl_diag *dg, const char *path)
{
	if (!dg->file || !strcmp(dg->file, path))
		return 0;
	return strcmp(dg->file, XCTL_CFG_CMDLINE) ? 2 : 1;
}

static void sort_diags(struct xctl_diags *d, size_t from, const char *path)
{
	for (size_t i = from + 1; i < d->n; i++) {
		struct xctl_diag x = d->v[i];
		int rx = diag_rank(&x, path);
		size_t j = i;
		while (j > from) {
			const struct xctl_diag *p = &d->v[j - 1];
			int rp = diag_rank(p, path);
			if (rp < rx || (rp == rx && p->line <= x.line))
				break;
			d->v[j] = d->v[j - 1];
			j--;
		}
		d->v[j] = x;
	}
}

int xctl_config_load(const char *path, char *const *overrides, size_t noverrides,
		     const struct xctl_resolve_opts *o, struct xctl_domain_config *m, struct xctl_diags *d)
{
	struct xctl_cfg cfg;
	int rc;
	size_t first = d->n;
	xctl_cfg_init(&cfg);
	xctl_model_init(m);
	rc = xctl_cfg_parse_file(&cfg, path, d);
	for (size_t i = 0; i < noverrides && rc != XCTL_ERR_NOMEM; i++) {
		int r = xctl_cfg_parse_override(&cfg, overrides[i], (unsigned)i + 1, d);
		if (r && !rc)
			rc = r;
	}
	if (rc == XCTL_ERR_PARSE || rc == XCTL_ERR_LIMIT) {
		if (o->strict)
			xctl_diags_promote_warnings(d);
		rc = XCTL_ERR_CONFIG;
	}
	if (rc)
		goto out;
	rc = xctl_config_resolve(&cfg, path, o, m, d);
out:
	sort_diags(d, first, path);
	xctl_cfg_free(&cfg);
	return rc;
}
