/* SPDX-License-Identifier: LGPL-2.1-only */
/* Settings -> typed model through the key table; then defaults and
 * validation. */
#include "toolstack/config/resolve.h"
#include "toolstack/config/keys.h"
#include "toolstack/config/xlnum.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/util.h"

#include <strings.h>
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

#define parse_number xctl_xl_long

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
		int i = -1;
		if ((k->flags & XCTL_KF_ENUM_NUM) && !parse_number(v->s, &n)) {
			/* xl tries the number first (xl_parse.c:1573, 1640) */
			if (n < 0) {
				ERR(c, s, "%lld is not valid (allowed: %s)", (long long)n, k->allowed);
				return false;
			}
			for (i = 0; k->values[i] && i < n; i++)
				;
			if (k->values[i]) {
				WARN(c, s, "a number is deprecated here, write %s = \"%s\"", s->key, k->values[i]);
			} else {
				i = -1;
			}
		} else if (k->flags & XCTL_KF_ICASE) {
			if ((k->flags & XCTL_KF_UNKNOWN) && !strcasecmp(v->s, "unknown"))
				return false; /* libxl's value for "the default" */
			for (int j = 0; k->values[j] && i < 0; j++)
				if (!strcasecmp(k->values[j], v->s))
					i = j;
		} else {
			i = xctl_enum_index(k->values, v->s);
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
		if (k->flags & XCTL_KF_BOOL_LIST) {
			/* a single value is read as a number only (xl_parse.c:1755-1758) */
			if (!parse_number(v->s, &n))
				return n ? push(c, l, "defaults") : true;
			ERR(c, s, "'%s' is neither 0, 1 nor a list: xl would ignore it (allowed: %s)", v->s,
			    k->allowed);
			return false;
		}
		if (k->flags & XCTL_KF_SPLIT) {
			WARN(c, s, "a single string is deprecated here, write a list: %s = [ \"ARG\", ... ]", s->key);
			const char *p = v->s;
			while (*p) {
				/* split_string_into_string_list(buf, " \t\n") (xl_parse.c:1631) */
				size_t blank = strspn(p, " \t\n");
				p += blank;
				size_t len = strcspn(p, " \t\n");
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
		if (v->type == XCTL_CFG_LIST) /* [] is taken: no vCPU gets an affinity (xl_parse.c:312) */
			return list_items(c, k, s, &cp->masks);
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

/* A guest type as xl_parse.c:1271-1295 reads type= (and builder=): the
 * value is compared with strncmp over its own length, in the order hvm,
 * pv, pvh, so any prefix of a name is that name ("h" and even "" are
 * hvm, "p" is pv). Returns the type or -1. */
static int type_prefix(const char *v, bool builder)
{
	size_t n = strlen(v);
	if (!strncmp(v, "hvm", n))
		return XCTL_GUEST_HVM;
	if (builder)
		return !strncmp(v, "generic", n) ? XCTL_GUEST_PV : -1;
	if (!strncmp(v, "pv", n))
		return XCTL_GUEST_PV;
	if (!strncmp(v, "pvh", n))
		return XCTL_GUEST_PVH;
	return -1;
}

/* type, and the deprecated builder= (xl_parse.c:1271-1311). */
static void resolve_type(struct ctx *c, const struct xctl_cfg *cfg)
{
	const struct xctl_cfg_setting *type = xctl_cfg_get(cfg, "type");
	const struct xctl_cfg_setting *builder = xctl_cfg_get(cfg, "builder");
	const struct xctl_cfg_value *v;
	int t = -1;
	if (type && (v = atom_of(c, type, "pv, pvh, hvm"))) {
		t = type_prefix(v->s, false);
		if (t < 0) {
			ERR(c, type, "'%s' is not a guest type (allowed: pv, pvh, hvm)", v->s);
		} else {
			if (strcmp(v->s, xctl_guest_type_name((enum xctl_guest_type)t)))
				WARN(c, type, "'%s' is taken as \"%s\", as xl takes any abbreviation (write type = \"%s\")",
				     v->s, xctl_guest_type_name((enum xctl_guest_type)t),
				     xctl_guest_type_name((enum xctl_guest_type)t));
			c->m->type = (enum xctl_guest_type)t;
			set_origin(c, XCTL_K_TYPE, type);
		}
	}
	if (builder && (v = atom_of(c, builder, "generic, hvm"))) {
		int bt = type_prefix(v->s, true);
		if (bt < 0) {
			ERR(c, builder, "'%s' is not valid (allowed: generic, hvm; better: type = \"pv\" or \"hvm\")", v->s);
		} else if (type && t >= 0 && bt != t) {
			/* xl_parse.c:1297-1302 */
			ERR(c, builder, "builder = \"%s\" contradicts type = \"%s\" at line %u (remove builder)", v->s,
			    xctl_guest_type_name((enum xctl_guest_type)t), type->line);
		} else if (!type || t >= 0) {
			WARN(c, builder, "deprecated since Xen 4.10, write type = \"%s\" instead",
			     xctl_guest_type_name((enum xctl_guest_type)bt));
			if (!type) {
				c->m->type = (enum xctl_guest_type)bt;
				set_origin(c, XCTL_K_TYPE, builder);
			}
		}
	}
}

/* Offset of the first byte that is not part of valid UTF-8, or -1. */
static long utf8_bad(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : 4;
		if (n == 4 || (n == 1 && *p < 0xc2) || (n == 3 && *p > 0xf4))
			return (long)(p - (const unsigned char *)s);
		for (size_t i = 1; i <= n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return (long)(p - (const unsigned char *)s);
		if ((n == 2 && *p == 0xe0 && p[1] < 0xa0) || (n == 2 && *p == 0xed && p[1] >= 0xa0) ||
		    (n == 3 && *p == 0xf0 && p[1] < 0x90) || (n == 3 && *p == 0xf4 && p[1] >= 0x90))
			return (long)(p - (const unsigned char *)s);
		p += n + 1;
	}
	return -1;
}

/* Strings of a key xctl uses must be UTF-8: the model is kept as JSON. xl
 * passes the bytes on as they are; xctl refuses them (docs/config.md). */
static bool value_utf8(struct ctx *c, const struct xctl_cfg_setting *s, const struct xctl_cfg_value *v)
{
	if (v->type == XCTL_CFG_LIST) {
		for (size_t i = 0; i < v->n; i++)
			if (!value_utf8(c, s, v->items[i]))
				return false;
		return true;
	}
	long off = utf8_bad(v->s);
	if (off < 0)
		return true;
	xctl_diag_add(c->d, XCTL_DIAG_ERROR, v->file, v->line, s->key,
		      "is not valid UTF-8 (byte 0x%02x at offset %ld of the value): xctl keeps a domain's "
		      "configuration as JSON, which needs UTF-8 (write the text in UTF-8)",
		      (unsigned char)v->s[off], off);
	return false;
}

static void not_for_type(struct ctx *c, const struct xctl_cfg_setting *s, unsigned guests)
{
	char g[32];
	ERR(c, s, "applies to %s guests only, not to this %s guest (remove it, or set type)",
	    xctl_guests_text(guests, g, sizeof(g)), xctl_guest_type_name(c->m->type));
}

static void resolve_setting(struct ctx *c, const struct xctl_cfg *cfg, const struct xctl_cfg_setting *s,
			    const char *const *names, size_t nnames)
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
		if (!value_utf8(c, s, s->value))
			return;
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
			/* xl_parse.c:2608, 2621-2623: only when vga is not given */
			if (xctl_cfg_get(cfg, "vga")) {
				WARN(c, s, "ignored because vga is set (remove stdvga)");
				return;
			}
			WARN(c, s, "deprecated, write vga = \"%s\" instead", n ? "stdvga" : "cirrus");
			c->m->vga = n ? 1 : 2; /* stdvga, cirrus */
			set_origin(c, XCTL_K_VGA, s);
		}
		return; /* builder: resolve_type */
	}
	if (o && o->ignored) {
		WARN(c, s, "ignored, as xl does: %s", o->ignored);
		return;
	}
	if (o) {
		char g[32];
		if (!o->guests)
			ERR(c, s, "not supported by xctl yet (an xl.cfg(5) key for Arm guests; xctl supports x86 "
				  "guests only); remove it to use this configuration with xctl");
		else
			ERR(c, s, "not supported by xctl yet (an xl.cfg(5) key for %s guests); remove it to use this "
				  "configuration with xctl",
			    xctl_guests_text(o->guests, g, sizeof(g)));
		return;
	}
	const struct xctl_key_foreign *f = xctl_key_foreign_find(s->key);
	if (f) {
		WARN(c, s, "unknown key, ignored: xl 4.17 does not read it (%s)", f->reason);
		return;
	}
	const char *guess = xctl_suggest(s->key, names, nnames);
	if (guess)
		WARN(c, s, "unknown key, ignored (did you mean '%s'?)", guess);
	else
		WARN(c, s, "unknown key, ignored (xl.cfg(5) and docs/config.md list the keys)");
}

static bool is_prefix(const char *s, const char *of)
{
	return !strncmp(s, of, strlen(s));
}

/* What xl derives for an HVM guest after reading every key
 * (xl_parse.c:1680-1688 and 1840-1852): an xm-era kernel = hvmloader is
 * dropped with xl's warning, and firmware = a bios name or uefi decides
 * bios, over a bios key. */
static void resolve_hvm_boot(struct ctx *c, const struct xctl_cfg *cfg)
{
	struct xctl_domain_config *m = c->m;
	if (m->type != XCTL_GUEST_HVM)
		return;
	if (m->kernel) {
		const char *base = strrchr(m->kernel, '/');
		base = base ? base + 1 : m->kernel;
		if (!strcmp(base, "hvmloader")) {
			const struct xctl_cfg_setting *k = xctl_cfg_get(cfg, "kernel");
			WARN(c, k, "ignored, as xl does: kernel = \"%s\" names the HVM firmware (write firmware_override "
				   "= \"%s\" if you really want another firmware)", m->kernel, m->kernel);
			free(m->kernel);
			m->kernel = NULL;
			m->origin[XCTL_K_KERNEL].src = XCTL_SRC_UNSET;
		}
	}
	const struct xctl_cfg_setting *fw = xctl_cfg_get(cfg, "firmware");
	if (!m->firmware || !fw)
		return;
	const struct xctl_cfg_setting *bios = xctl_cfg_get(cfg, "bios");
	int b = -1;
	for (int i = 0; xctl_keys[XCTL_K_BIOS].values[i]; i++)
		if (!strcasecmp(m->firmware, xctl_keys[XCTL_K_BIOS].values[i]))
			b = i;
	if (b < 0 && is_prefix(m->firmware, "uefi"))
		b = 2; /* ovmf */
	if (b < 0 && !is_prefix(m->firmware, "bios")) {
		/* a path: it replaces firmware_override (both are u.hvm.firmware) */
		const struct xctl_cfg_setting *ov = xctl_cfg_get(cfg, "firmware_override");
		if (ov && m->firmware_override)
			WARN(c, ov, "ignored because firmware = \"%s\" is a firmware image, as xl does (set only one)",
			     m->firmware);
		return;
	}
	if (b < 0) /* "bios": the device model's default bios */
		return;
	if (bios && xctl_model_isset(m, XCTL_K_BIOS) && m->bios != b)
		WARN(c, bios, "ignored: firmware = \"%s\" at line %u chooses %s, as xl does (set only one of them)",
		     m->firmware, fw->line, xctl_keys[XCTL_K_BIOS].values[b]);
	m->bios = b;
	set_origin(c, XCTL_K_BIOS, fw);
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
		if (!strcmp(key, "builder"))
			continue;
		resolve_setting(&c, cfg, &cfg->v[i], names, nnames);
	}
	if (!c.rc)
		resolve_hvm_boot(&c, cfg);
	if (c.rc) {
		rc = c.rc;
		goto out;
	}
	rc = xctl_config_defaults(m, g, o->seeded ? &rng : NULL, d);
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
