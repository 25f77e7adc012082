/* SPDX-License-Identifier: LGPL-2.1-only */
/* Disk spec parser (xl-disk-configuration(5)).
 *
 * xl reads a disk spec with a flex scanner: at each position the rule with
 * the longest match wins, the earlier rule on a tie, and a rule's trailing
 * context counts toward its length. Several quirks users rely on follow from
 * that (whitespace before an item is skipped, an empty item between two
 * commas is an empty positional parameter, "phy:" strips itself off the
 * target, "target=" eats the rest of the spec). To accept exactly the same
 * specs, this parser keeps the same model: a table of rules, each a small
 * matcher that returns the length it would take, and an action. */
#include "toolstack/config/diskspec.h"

#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/err.h"
#include "common/util.h"
#include "toolstack/config/diskvif_spec.h"

/* Longest spec accepted: a target is a path (PATH_MAX 4096) plus options. */
#define DISK_SPEC_MAX 8192
#define QUOTE_MAX XCTL_DEVSPEC_QUOTE_MAX

struct dp {
	struct xctl_devspec_read r; /* the spec, where it came from, the problems found */
	size_t pos;
	struct xctl_disk *disk;
	bool stop;           /* the scanner gave up on the rest of the spec */
	bool pos_access;     /* the positional access slot was used */
};

#define dp_err(p, ...) xctl_devspec_diag(&(p)->r, XCTL_DIAG_ERROR, __VA_ARGS__)

/* A short, printable quote of a piece of the spec. */
#define Q(str) QUOTE_MAX, (str)

/* ---- actions ------------------------------------------------------------ */

static char *dp_strndup(struct dp *p, const char *s, size_t len)
{
	char *c = strndup(s, len);
	if (!c)
		p->r.fatal = XCTL_ERR_NOMEM;
	return c;
}

/* Set a string option once; an empty earlier value may be replaced. */
static void set_string(struct dp *p, const char *what, char **slot, const char *val, size_t len)
{
	if (*slot && **slot) {
		dp_err(p, "%s given twice ('%.*s' and '%.*s'); give it once", what, Q(*slot),
		       (int)(len < QUOTE_MAX ? len : QUOTE_MAX), val);
		return;
	}
	char *c = dp_strndup(p, val, len);
	if (!c)
		return;
	free(*slot);
	*slot = c;
}

static bool tok_is(const char *v, size_t len, const char *word)
{
	return strlen(word) == len && !memcmp(v, word, len);
}

#define QL(v, len) (int)((len) < QUOTE_MAX ? (len) : QUOTE_MAX), (v)

static const char *const format_names[] = {
	[XCTL_DISK_FORMAT_UNKNOWN] = "unknown", [XCTL_DISK_FORMAT_QCOW] = "qcow",
	[XCTL_DISK_FORMAT_QCOW2] = "qcow2",     [XCTL_DISK_FORMAT_VHD] = "vhd",
	[XCTL_DISK_FORMAT_RAW] = "raw",         [XCTL_DISK_FORMAT_EMPTY] = "empty",
	[XCTL_DISK_FORMAT_QED] = "qed",
};
static const char *const backend_names[] = {
	[XCTL_DISK_BACKEND_UNKNOWN] = "unknown", [XCTL_DISK_BACKEND_PHY] = "phy",
	[XCTL_DISK_BACKEND_TAP] = "tap",         [XCTL_DISK_BACKEND_QDISK] = "qdisk",
	[XCTL_DISK_BACKEND_STANDALONE] = "standalone",
};
static const char *const spec_names[] = {
	[XCTL_DISK_SPEC_UNKNOWN] = "unknown",
	[XCTL_DISK_SPEC_XEN] = "xen",
	[XCTL_DISK_SPEC_VIRTIO] = "virtio",
};
static const char *const transport_names[] = {
	[XCTL_DISK_TRANSPORT_UNKNOWN] = "unknown",
	[XCTL_DISK_TRANSPORT_MMIO] = "mmio",
};

const char *xctl_disk_format_name(enum xctl_disk_format f)
{
	return (unsigned)f < XCTL_ARRAY_SIZE(format_names) ? format_names[f] : "invalid";
}

const char *xctl_disk_backendtype_name(enum xctl_disk_backendtype b)
{
	return (unsigned)b < XCTL_ARRAY_SIZE(backend_names) ? backend_names[b] : "invalid";
}

const char *xctl_disk_specification_name(enum xctl_disk_specification s)
{
	return (unsigned)s < XCTL_ARRAY_SIZE(spec_names) ? spec_names[s] : "invalid";
}

const char *xctl_disk_transport_name(enum xctl_disk_transport t)
{
	return (unsigned)t < XCTL_ARRAY_SIZE(transport_names) ? transport_names[t] : "invalid";
}

const char *xctl_defbool_name(enum xctl_defbool b)
{
	switch (b) {
	case XCTL_DEFBOOL_DEFAULT: return "default";
	case XCTL_DEFBOOL_FALSE: return "false";
	case XCTL_DEFBOOL_TRUE: return "true";
	}
	return "invalid";
}

/* Whether an option with a value from names (0: not given) may be set to
 * value: it was not given, or given the same. Otherwise says so. */
static bool given_once(struct dp *p, const char *what, const char *const *names, int given,
		       int value)
{
	if (given == 0 || given == value)
		return true;
	dp_err(p, "%s given twice ('%s' and '%s'); give it once", what, names[given], names[value]);
	return false;
}

static void set_format(struct dp *p, const char *v, size_t len)
{
	enum xctl_disk_format f;

	if (len == 0) {
		f = XCTL_DISK_FORMAT_RAW; /* an empty value means the default */
	} else {
		for (f = XCTL_DISK_FORMAT_QCOW; f <= XCTL_DISK_FORMAT_QED; f++)
			if (tok_is(v, len, format_names[f]))
				break;
		if (f > XCTL_DISK_FORMAT_QED) {
			dp_err(p, "unknown format '%.*s' (allowed: raw, qcow, qcow2, vhd, qed, empty)",
			       QL(v, len));
			return;
		}
	}
	if (given_once(p, "format", format_names, p->disk->format, f))
		p->disk->format = f;
}

static void set_backendtype(struct dp *p, const char *v, size_t len)
{
	enum xctl_disk_backendtype b;

	for (b = XCTL_DISK_BACKEND_PHY; b <= XCTL_DISK_BACKEND_STANDALONE; b++)
		if (tok_is(v, len, backend_names[b]))
			break;
	if (b > XCTL_DISK_BACKEND_STANDALONE) {
		dp_err(p, "unknown backendtype '%.*s' (allowed: phy, qdisk, standalone, tap)",
		       QL(v, len));
		return;
	}
	if (given_once(p, "backendtype", backend_names, p->disk->backend, b))
		p->disk->backend = b;
}

static void set_specification(struct dp *p, const char *v, size_t len)
{
	enum xctl_disk_specification s;

	if (tok_is(v, len, "xen")) {
		s = XCTL_DISK_SPEC_XEN;
	} else if (tok_is(v, len, "virtio")) {
		s = XCTL_DISK_SPEC_VIRTIO;
	} else {
		dp_err(p, "unknown specification '%.*s' (allowed: xen, virtio)", QL(v, len));
		return;
	}
	if (given_once(p, "specification", spec_names, p->disk->specification, s))
		p->disk->specification = s;
}

static void set_access(struct dp *p, const char *v, size_t len)
{
	if (tok_is(v, len, "r") || tok_is(v, len, "ro")) {
		p->disk->readwrite = false;
	} else if (tok_is(v, len, "rw") || tok_is(v, len, "w") || len == 0) {
		p->disk->readwrite = true;
	} else {
		dp_err(p, "unknown access '%.*s' (allowed: rw or w for read-write, ro or r for "
		       "read-only)", QL(v, len));
		return;
	}
	if (len)
		p->disk->access_set = true;
}

static void set_colo_port(struct dp *p, const char *v, size_t len)
{
	uint64_t port;
	char buf[16];

	if (len == 0 || len >= sizeof(buf)) {
		port = 0;
	} else {
		memcpy(buf, v, len);
		buf[len] = 0;
		if (xctl_parse_u64(buf, 10, 65535, &port))
			port = 0;
	}
	if (port == 0) {
		dp_err(p, "colo-port '%.*s' is not a port number (allowed: 1 to 65535)", QL(v, len));
		return;
	}
	p->disk->colo_port = (int)port;
}

/* "VDEV:TYPE" in the positional vdev slot (the old xend form). Returns true
 * when the value had a colon and was handled. */
static bool vdev_and_devtype(struct dp *p, const char *v, size_t len)
{
	const char *colon = NULL;

	for (size_t i = len; i > 0; i--)
		if (v[i - 1] == ':') {
			colon = v + i - 1;
			break;
		}
	if (!colon)
		return false;
	set_string(p, "vdev", &p->disk->vdev, v, (size_t)(colon - v));
	const char *t = colon + 1;
	size_t tl = len - (size_t)(t - v);
	if (tok_is(t, tl, "cdrom")) {
		p->disk->is_cdrom = true;
		p->disk->devtype_set = true;
	} else if (tok_is(t, tl, "disk")) {
		p->disk->is_cdrom = false;
		p->disk->devtype_set = true;
	} else {
		dp_err(p, "unknown device type '%.*s' after the vdev (allowed: cdrom, disk; or use "
		       "devtype=)", QL(t, tl));
	}
	return true;
}

static void positional(struct dp *p, const char *v, size_t len)
{
	struct xctl_disk *disk = p->disk;

	if (p->r.nerr) {
		/* after an error the slots are unreliable: say nothing more */
	} else if (!disk->target) {
		set_string(p, "target", &disk->target, v, len);
	} else if (!disk->had_depr_prefix && disk->format == XCTL_DISK_FORMAT_UNKNOWN) {
		if (!*disk->target && vdev_and_devtype(p, v, len))
			disk->format = XCTL_DISK_FORMAT_EMPTY;
		else
			set_format(p, v, len);
	} else if (!disk->vdev) {
		if (!vdev_and_devtype(p, v, len))
			set_string(p, "vdev", &disk->vdev, v, len);
	} else if (!p->pos_access) {
		p->pos_access = true;
		set_access(p, v, len);
	} else {
		dp_err(p, "too many positional parameters at '%.*s' (the positional ones are "
		       "target,format,vdev,access; use KEY=VALUE for the rest)", QL(v, len));
		p->stop = true;
	}
}

/* ---- the rules ---------------------------------------------------------- */

enum act {
	A_SKIP, A_FORMAT, A_CDROM, A_DEVTYPE_CDROM, A_DEVTYPE_DISK, A_DEVTYPE_BAD, A_ACCESS,
	A_BACKEND, A_BACKENDTYPE, A_SPECIFICATION, A_VDEV, A_SCRIPT, A_DIRECT_IO_SAFE,
	A_DISCARD, A_NO_DISCARD, A_COLO, A_NO_COLO, A_COLO_HOST, A_COLO_PORT, A_COLO_EXPORT,
	A_ACTIVE_DISK, A_HIDDEN_DISK, A_TRUSTED, A_UNTRUSTED, A_TARGET, A_UNKNOWN_KEY,
	A_PREFIX_FORMAT, A_PREFIX_SCRIPT, A_PREFIX_IGNORED, A_PREFIX_UNKNOWN, A_POSITIONAL,
	A_BAD,
};

enum kind {
	K_SPACE,      /* [ \t\n]+ / ([^ \t\n].*)? */
	K_FLAG,       /* word ,? */
	K_KEY,        /* word [^,]* ,?   (word ends in '=') */
	K_REST,       /* word .*         (target=) */
	K_UNKNOWN_KEY, /* [a-z][-a-z0-9]*=[^,],? */
	K_PREFIX,     /* word / .*       (word ends in ':') */
	K_ANY_PREFIX, /* [a-z][a-z0-9]*: / ([^a-z0-9].*)? */
	K_POSITIONAL, /* [^=,]*, | [^=,]+,? */
	K_ANY,        /* .   then the rest of the line */
};

struct rule {
	enum kind kind;
	const char *word;
	enum act act;
};

/* In the order that decides ties. */
static const struct rule rules[] = {
	{ K_SPACE, NULL, A_SKIP },
	{ K_KEY, "format=", A_FORMAT },
	{ K_FLAG, "cdrom", A_CDROM },
	{ K_FLAG, "devtype=cdrom", A_DEVTYPE_CDROM },
	{ K_FLAG, "devtype=disk", A_DEVTYPE_DISK },
	{ K_KEY, "devtype=", A_DEVTYPE_BAD },
	{ K_KEY, "access=", A_ACCESS },
	{ K_KEY, "backend=", A_BACKEND },
	{ K_KEY, "backendtype=", A_BACKENDTYPE },
	{ K_KEY, "specification=", A_SPECIFICATION },
	{ K_KEY, "vdev=", A_VDEV },
	{ K_KEY, "script=", A_SCRIPT },
	{ K_FLAG, "direct-io-safe", A_DIRECT_IO_SAFE }, /* xs-literal-ok: xl disk-spec keyword */
	{ K_FLAG, "discard", A_DISCARD },
	{ K_FLAG, "no-discard", A_NO_DISCARD },
	{ K_FLAG, "colo", A_COLO },
	{ K_FLAG, "no-colo", A_NO_COLO },
	{ K_KEY, "colo-host=", A_COLO_HOST },
	{ K_KEY, "colo-port=", A_COLO_PORT },
	{ K_KEY, "colo-export=", A_COLO_EXPORT },
	{ K_KEY, "active-disk=", A_ACTIVE_DISK },
	{ K_KEY, "hidden-disk=", A_HIDDEN_DISK },
	{ K_FLAG, "trusted", A_TRUSTED },
	{ K_FLAG, "untrusted", A_UNTRUSTED },
	{ K_REST, "target=", A_TARGET },
	{ K_UNKNOWN_KEY, NULL, A_UNKNOWN_KEY },
	{ K_PREFIX, "raw:", A_PREFIX_FORMAT },
	{ K_PREFIX, "qcow:", A_PREFIX_FORMAT },
	{ K_PREFIX, "qcow2:", A_PREFIX_FORMAT },
	{ K_PREFIX, "vhd:", A_PREFIX_FORMAT },
	{ K_PREFIX, "iscsi:", A_PREFIX_SCRIPT },
	{ K_PREFIX, "nbd:", A_PREFIX_SCRIPT },
	{ K_PREFIX, "enbd:", A_PREFIX_SCRIPT },
	{ K_PREFIX, "drbd:", A_PREFIX_SCRIPT },
	{ K_PREFIX, "tapdisk:", A_PREFIX_IGNORED },
	{ K_PREFIX, "tap:", A_PREFIX_IGNORED },
	{ K_PREFIX, "tap2:", A_PREFIX_IGNORED },
	{ K_PREFIX, "aio:", A_PREFIX_IGNORED },
	{ K_PREFIX, "ioemu:", A_PREFIX_IGNORED },
	{ K_PREFIX, "file:", A_PREFIX_IGNORED },
	{ K_PREFIX, "phy:", A_PREFIX_IGNORED },
	{ K_ANY_PREFIX, NULL, A_PREFIX_UNKNOWN },
	{ K_POSITIONAL, NULL, A_POSITIONAL },
	{ K_ANY, NULL, A_BAD },
};

/* Names offered for "did you mean" on an unknown KEY=. */
static const char *const key_names[] = {
	"format", "devtype", "access", "backend", "backendtype", "specification", "vdev",
	"script", "colo-host", "colo-port", "colo-export", "active-disk", "hidden-disk", "target",
	NULL,
};

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

/* Characters from i to the end of the line (what `.*` takes). */
static size_t to_eol(const struct dp *p, size_t i)
{
	size_t j = i;
	while (j < p->r.n && p->r.spec[j] != '\n')
		j++;
	return j - i;
}

static bool starts(const struct dp *p, size_t i, const char *w, size_t wl)
{
	return p->r.n - i >= wl && !memcmp(p->r.spec + i, w, wl);
}

/* Length a rule matches at i, counting trailing context (0: no match), and
 * the length of the token itself in *tok. */
static size_t rule_match(const struct dp *p, const struct rule *r, size_t i, size_t *tok)
{
	const char *s = p->r.spec;
	size_t n = p->r.n, j = i, wl = r->word ? strlen(r->word) : 0;

	*tok = 0;
	switch (r->kind) {
	case K_SPACE:
		while (j < n && is_blank(s[j]))
			j++;
		if (j == i)
			return 0;
		*tok = j - i;
		if (j < n && !is_blank(s[j]))
			return *tok + 1 + to_eol(p, j + 1);
		return *tok;
	case K_FLAG:
		if (!starts(p, i, r->word, wl))
			return 0;
		j += wl;
		if (j < n && s[j] == ',')
			j++;
		return *tok = j - i;
	case K_KEY:
		if (!starts(p, i, r->word, wl))
			return 0;
		j += wl;
		while (j < n && s[j] != ',')
			j++;
		if (j < n)
			j++;
		return *tok = j - i;
	case K_REST:
		if (!starts(p, i, r->word, wl))
			return 0;
		return *tok = wl + to_eol(p, i + wl);
	case K_UNKNOWN_KEY:
		if (j >= n || !is_lower(s[j]))
			return 0;
		j++;
		while (j < n && (is_lower(s[j]) || is_digit(s[j]) || s[j] == '-'))
			j++;
		if (j + 1 >= n || s[j] != '=' || s[j + 1] == ',')
			return 0;
		j += 2;
		if (j < n && s[j] == ',')
			j++;
		return *tok = j - i;
	case K_PREFIX:
		if (!starts(p, i, r->word, wl))
			return 0;
		*tok = wl;
		return wl + to_eol(p, i + wl);
	case K_ANY_PREFIX:
		if (j >= n || !is_lower(s[j]))
			return 0;
		j++;
		while (j < n && (is_lower(s[j]) || is_digit(s[j])))
			j++;
		if (j >= n || s[j] != ':')
			return 0;
		j++;
		*tok = j - i;
		if (j < n && !is_lower(s[j]) && !is_digit(s[j]))
			return *tok + 1 + to_eol(p, j + 1);
		return *tok;
	case K_POSITIONAL:
		while (j < n && s[j] != ',' && s[j] != '=')
			j++;
		if (j < n && s[j] == ',')
			j++;
		return *tok = j - i;
	case K_ANY:
		if (j >= n || s[j] == '\n')
			return 0;
		return *tok = 1;
	}
	return 0;
}

/* The value of a KEY= or flag token, without the key and a trailing comma. */
static void token_value(const char *t, size_t tl, size_t keylen, const char **v, size_t *vl)
{
	if (tl > 0 && t[tl - 1] == ',')
		tl--;
	*v = t + keylen;
	*vl = tl - keylen;
}

static void unknown_key(struct dp *p, const char *t)
{
	size_t kl = 0, il = 0;
	char key[32];

	while (t[kl] != '=')
		kl++;
	while (t + il < p->r.spec + p->r.n && t[il] != ',')
		il++;
	snprintf(key, sizeof(key), "%.*s", (int)kl, t);
	const char *hint = xctl_suggest(key, key_names, XCTL_SUGGEST_NULL_TERMINATED);
	dp_err(p, "unknown parameter '%.*s'%s%s%s (known: target, format, vdev, access, devtype, "
	       "backend, backendtype, script, specification, colo-host, colo-port, colo-export, "
	       "active-disk, hidden-disk; flags: cdrom, direct-io-safe, discard, no-discard, colo, "
	       "no-colo, trusted, untrusted)", QL(t, il), hint ? "; did you mean '" : "",
	       hint ? hint : "", hint ? "'?" : "");
}

static void prefix_script(struct dp *p, const char *t, size_t tl)
{
	struct xctl_buf b = { 0 };

	if (xctl_buf_printf(&b, "block-%.*s", (int)(tl - 1), t)) {
		p->r.fatal = XCTL_ERR_NOMEM;
		return;
	}
	set_string(p, "script", &p->disk->script, b.p, b.len);
	xctl_buf_free(&b);
}

static void run_action(struct dp *p, enum act a, const char *t, size_t tl)
{
	struct xctl_disk *disk = p->disk;
	const char *v;
	size_t vl;
	const char *eq = memchr(t, '=', tl);
	size_t kl = eq ? (size_t)(eq - t) + 1 : 0;

	token_value(t, tl, kl, &v, &vl);
	switch (a) {
	case A_SKIP: break;
	case A_FORMAT: set_format(p, v, vl); break;
	case A_CDROM:
	case A_DEVTYPE_CDROM: disk->is_cdrom = true; disk->devtype_set = true; break;
	case A_DEVTYPE_DISK: disk->is_cdrom = false; disk->devtype_set = true; break;
	case A_DEVTYPE_BAD:
		dp_err(p, "unknown devtype '%.*s' (allowed: disk, cdrom)", QL(v, vl));
		break;
	case A_ACCESS: set_access(p, v, vl); break;
	case A_BACKEND: set_string(p, "backend", &disk->backend_domname, v, vl); break;
	case A_BACKENDTYPE: set_backendtype(p, v, vl); break;
	case A_SPECIFICATION: set_specification(p, v, vl); break;
	case A_VDEV: set_string(p, "vdev", &disk->vdev, v, vl); break;
	case A_SCRIPT: set_string(p, "script", &disk->script, v, vl); break;
	case A_DIRECT_IO_SAFE: disk->direct_io_safe = true; break;
	case A_DISCARD: disk->discard = XCTL_DEFBOOL_TRUE; break;
	case A_NO_DISCARD: disk->discard = XCTL_DEFBOOL_FALSE; break;
	case A_COLO: disk->colo_enable = XCTL_DEFBOOL_TRUE; break;
	case A_NO_COLO: disk->colo_enable = XCTL_DEFBOOL_FALSE; break;
	case A_COLO_HOST: set_string(p, "colo-host", &disk->colo_host, v, vl); break;
	case A_COLO_PORT: set_colo_port(p, v, vl); break;
	case A_COLO_EXPORT: set_string(p, "colo-export", &disk->colo_export, v, vl); break;
	case A_ACTIVE_DISK: set_string(p, "active-disk", &disk->active_disk, v, vl); break;
	case A_HIDDEN_DISK: set_string(p, "hidden-disk", &disk->hidden_disk, v, vl); break;
	case A_TRUSTED: disk->trusted = XCTL_DEFBOOL_TRUE; break;
	case A_UNTRUSTED: disk->trusted = XCTL_DEFBOOL_FALSE; break;
	case A_TARGET: set_string(p, "target", &disk->target, v, vl); break;
	case A_UNKNOWN_KEY: unknown_key(p, t); break;
	case A_PREFIX_FORMAT:
		disk->had_depr_prefix = true;
		set_format(p, t, tl - 1);
		break;
	case A_PREFIX_SCRIPT:
		disk->had_depr_prefix = true;
		prefix_script(p, t, tl);
		break;
	case A_PREFIX_IGNORED: disk->had_depr_prefix = true; break;
	case A_PREFIX_UNKNOWN:
		dp_err(p, "unknown prefix '%.*s' (known: raw: qcow: qcow2: vhd: iscsi: nbd: enbd: "
		       "drbd: tap: tap2: tapdisk: aio: ioemu: file: phy:; for a target with ':' in "
		       "it use target=PATH as the last parameter)", QL(t, tl));
		p->stop = true;
		break;
	case A_POSITIONAL:
		if (tl > 0 && t[tl - 1] == ',')
			tl--;
		positional(p, t, tl);
		break;
	case A_BAD:
		/* xl reports the bad character and the rest of its line */
		tl += to_eol(p, (size_t)(t - p->r.spec) + 1);
		dp_err(p, "bad disk syntax at '%.*s' (a spec is comma-separated parameters: "
		       "KEY=VALUE, flags, or target,format,vdev,access)", QL(t, tl));
		p->stop = true;
		break;
	}
}

static void scan(struct dp *p)
{
	while (p->pos < p->r.n && !p->stop && !p->r.fatal) {
		size_t best = 0, best_tok = 0;
		const struct rule *win = NULL;

		for (size_t k = 0; k < XCTL_ARRAY_SIZE(rules); k++) {
			size_t tok, len = rule_match(p, &rules[k], p->pos, &tok);
			if (len > best) {
				best = len;
				best_tok = tok;
				win = &rules[k];
			}
		}
		if (!win) {
			/* unreachable: a blank always matches K_SPACE, any other byte K_ANY */
			run_action(p, A_BAD, p->r.spec + p->pos, 1);
			break;
		}
		const char *t = p->r.spec + p->pos;
		p->pos += best_tok;
		run_action(p, win->act, t, best_tok);
	}
}

/* ---- the whole spec ----------------------------------------------------- */

void xctl_disk_init(struct xctl_disk *disk)
{
	memset(disk, 0, sizeof(*disk));
	disk->devid = -1;
	disk->readwrite = true;
}

void xctl_disk_dispose(struct xctl_disk *disk)
{
	free(disk->file);
	free(disk->spec);
	free(disk->target);
	free(disk->vdev);
	free(disk->backend_domname);
	free(disk->script);
	free(disk->colo_host);
	free(disk->colo_export);
	free(disk->active_disk);
	free(disk->hidden_disk);
	xctl_disk_init(disk);
}

/* What xl fills in after the scan, then what xctl checks on top. */
static void finish(struct dp *p)
{
	struct xctl_disk *disk = p->disk;

	if (disk->format == XCTL_DISK_FORMAT_UNKNOWN)
		disk->format = XCTL_DISK_FORMAT_RAW;
	if (disk->is_cdrom) {
		disk->removable = true;
		disk->readwrite = false;
		if (!disk->target || !*disk->target)
			disk->format = XCTL_DISK_FORMAT_EMPTY;
	}
	if (!disk->vdev) {
		dp_err(p, "no vdev given (the device name the guest sees, e.g. xvda, hda, sda; "
		       "positional third or vdev=)");
		return;
	}
	if (!disk->target && !disk->removable) {
		dp_err(p, "no target given (a block device or image file; only a cdrom may have "
		       "none)");
		return;
	}
	/* xl accepts these and then fails when creating the guest: say so now,
	 * with the place in the file. */
	if ((!disk->target || !*disk->target) && disk->format != XCTL_DISK_FORMAT_EMPTY)
		dp_err(p, "empty target for a disk that is not a cdrom (give a block device or "
		       "image file, or devtype=cdrom for an empty drive)");
	int disk_index, partition;
	int rc = xctl_vdev_to_devid(disk->vdev, &disk->devid, &disk_index, &partition);
	if (rc == XCTL_ERR_LIMIT)
		dp_err(p, "vdev '%.*s' is out of range (xvd: up to 2^20 disks with partitions "
		       "1-255; hd: hda-hdd with partitions 1-63; sd: sda-sdp with partitions 1-15)",
		       Q(disk->vdev));
	else if (rc)
		dp_err(p, "vdev '%.*s' is not a device name (allowed: xvdX, hdX, sdX with an "
		       "optional partition number, e.g. xvda, xvdb1, hdc, sda2; or dNpN; or a device "
		       "number)", Q(disk->vdev));
}

int xctl_disk_parse(const char *spec, const char *file, unsigned line, struct xctl_disk *out,
		    struct xctl_diags *d)
{
	struct dp p = { .disk = out };

	xctl_disk_init(out);
	int rc = xctl_devspec_begin(&p.r, "disk", spec, file, line, d, DISK_SPEC_MAX,
				    "; write such a path with its plain characters");
	if (rc)
		goto out;
	scan(&p);
	if (!p.r.nerr && !p.r.fatal)
		finish(&p);
	rc = xctl_devspec_end(&p.r, &out->spec, &out->file, &out->line);
out:
	if (rc)
		xctl_disk_dispose(out);
	return rc;
}
