/* SPDX-License-Identifier: LGPL-2.1-only */
/* vif spec parser (xl-network-configuration(5)), with the facts of xl's
 * parse_nic_config: items separated by commas, blanks before an item
 * ignored, empty items skipped, KEY=VALUE or a flag, the last value of a key
 * wins. xctl checks the values xl passes on unchecked (a bad MAC, an
 * interface name the kernel would refuse) so the error names the line. */
#include "toolstack/config/vifspec.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/err.h"
#include "common/util.h"
#include "toolstack/config/diskvif_spec.h"

#define VIF_SPEC_MAX 4096
#define VIF_VALUE_MAX 1024
#define IFNAME_MAX 15 /* IFNAMSIZ - 1 */
#define QUOTE_MAX XCTL_DEVSPEC_QUOTE_MAX
#define QL(v, len) (int)((len) < QUOTE_MAX ? (len) : QUOTE_MAX), (v)

struct vp {
	struct xctl_devspec_read r; /* the spec, where it came from, the problems found */
	struct xctl_vif *vif;
	unsigned seen; /* bit per key in keys[] */
};

#define vp_err(p, ...) xctl_devspec_diag(&(p)->r, XCTL_DIAG_ERROR, __VA_ARGS__)
#define vp_warn(p, ...) xctl_devspec_diag(&(p)->r, XCTL_DIAG_WARNING, __VA_ARGS__)

/* ---- MAC addresses ------------------------------------------------------ */

int xctl_mac_parse(const char *s, uint8_t mac[XCTL_MAC_LEN])
{
	uint8_t m[XCTL_MAC_LEN];
	char sep = 0;

	for (int i = 0; i < XCTL_MAC_LEN; i++) {
		int hi = xctl_hexval(*s), lo;
		if (hi < 0)
			return XCTL_ERR_INVAL;
		s++;
		lo = xctl_hexval(*s);
		if (lo >= 0) {
			m[i] = (uint8_t)(hi << 4 | lo);
			s++;
		} else {
			m[i] = (uint8_t)hi;
		}
		if (i == XCTL_MAC_LEN - 1)
			break;
		if (*s != ':' && *s != '-')
			return XCTL_ERR_INVAL;
		if (sep && *s != sep)
			return XCTL_ERR_INVAL;
		sep = *s++;
	}
	if (*s)
		return XCTL_ERR_INVAL;
	memcpy(mac, m, sizeof(m));
	return 0;
}

void xctl_mac_format(const uint8_t mac[XCTL_MAC_LEN], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
}

bool xctl_mac_is_multicast(const uint8_t mac[XCTL_MAC_LEN])
{
	return mac[0] & 1;
}

/* ---- rate= -------------------------------------------------------------- */

/* Leading decimal digits of s (at least one) as a value, stopping at
 * UINT32_MAX + 1 so the caller sees "too large". */
static size_t leading_number(const char *s, uint64_t *v)
{
	size_t i = 0;

	*v = 0;
	while (s[i] >= '0' && s[i] <= '9') {
		if (*v <= UINT32_MAX)
			*v = *v * 10 + (uint64_t)(s[i] - '0');
		i++;
	}
	return i;
}

int xctl_vif_parse_rate(const char *rate, uint64_t *bytes_per_interval, uint32_t *interval_usecs,
			char *why, size_t whylen)
{
	const char *at = strchr(rate, '@');
	size_t rl = at ? (size_t)(at - rate) : strlen(rate);
	uint64_t bps, iv = XCTL_VIF_RATE_DEFAULT_INTERVAL_US;
	size_t i;

	if (rl == 0) {
		snprintf(why, whylen, "no rate before '@' (a rate is e.g. 10Mb/s or 1MB/s@20ms)");
		return XCTL_ERR_INVAL;
	}
	/* NUMBER [G|M|K] (B|b) /s */
	i = leading_number(rate, &bps);
	const char *u = rate + i;
	size_t ul = rl - i;
	bool bits;
	uint64_t mult = 1;
	if (i > 0 && ul >= 1 && (*u == 'G' || *u == 'M' || *u == 'K')) {
		mult = *u == 'G' ? 1000000000u : *u == 'M' ? 1000000u : 1000u;
		u++;
		ul--;
	}
	if (i == 0 || ul != 3 || (u[0] != 'B' && u[0] != 'b') || u[1] != '/' || u[2] != 's') {
		snprintf(why, whylen, "rate '%.*s' is not NUMBER[G|M|K](B|b)/s (e.g. 10Mb/s, "
			 "250KB/s; B for bytes, b for bits)", QL(rate, rl));
		return XCTL_ERR_INVAL;
	}
	bits = u[0] == 'b';
	if (bps == 0 || bps > UINT32_MAX) {
		snprintf(why, whylen, "rate '%.*s': the number must be from 1 to %u", QL(rate, rl),
			 UINT32_MAX);
		return XCTL_ERR_INVAL;
	}
	bps *= mult;
	if (bits)
		bps /= 8;
	if (at) {
		/* NUMBER [m|u] [s]; no unit means seconds */
		const char *s = at + 1;
		i = leading_number(s, &iv);
		const char *e = s + i;
		if (*e == 'm' || *e == 'u')
			e++;
		if (*e == 's')
			e++;
		if (i == 0 || *e) {
			snprintf(why, whylen, "interval '%.*s' is not NUMBER[ms|us|s] (e.g. 20ms, "
				 "500us; the default is 50ms)", QL(s, strlen(s)));
			return XCTL_ERR_INVAL;
		}
		if (iv == 0 || iv > UINT32_MAX) {
			snprintf(why, whylen, "interval '%.*s': the number must be from 1 to %u",
				 QL(s, strlen(s)), UINT32_MAX);
			return XCTL_ERR_INVAL;
		}
		if (s[i] == 'm')
			iv *= 1000;
		else if (s[i] != 'u')
			iv *= 1000000;
		if (iv > UINT32_MAX) {
			snprintf(why, whylen, "interval '%.*s' is too long (at most %u us, about 71 "
				 "minutes)", QL(s, strlen(s)), UINT32_MAX);
			return XCTL_ERR_INVAL;
		}
	}
	if (bps > UINT64_MAX / iv) {
		snprintf(why, whylen, "rate '%.*s' is too large for the interval", QL(rate, rl));
		return XCTL_ERR_INVAL;
	}
	*bytes_per_interval = bps * iv / 1000000u;
	*interval_usecs = (uint32_t)iv;
	return 0;
}

/* ---- values ------------------------------------------------------------- */

static bool set_str(struct vp *p, char **slot, const char *v)
{
	char *c = strdup(v);
	if (!c) {
		p->r.fatal = XCTL_ERR_NOMEM;
		return false;
	}
	free(*slot);
	*slot = c;
	return true;
}

/* A Linux interface name: 1 to 15 bytes, no '/', ':' or blank. */
static bool ifname_ok(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > IFNAME_MAX || !strcmp(v, ".") || !strcmp(v, ".."))
		return false;
	for (; *v; v++)
		if (*v == '/' || *v == ':' || *v == ' ' || *v == '\t' || (unsigned char)*v < 0x20 ||
		    *v == 0x7f)
			return false;
	return true;
}

/* ip=: one or more addresses (IPv4 or IPv6, optionally /PREFIX) separated
 * by blanks. */
static bool ip_list_ok(const char *v, char *bad, size_t badlen)
{
	char word[INET6_ADDRSTRLEN + 8];
	unsigned char addr[16];
	bool any = false;

	while (*v) {
		size_t n = strcspn(v, " \t");
		if (n) {
			any = true;
			snprintf(bad, badlen, "%.*s", (int)n, v);
			if (n >= sizeof(word))
				return false;
			memcpy(word, v, n);
			word[n] = 0;
			char *slash = strchr(word, '/');
			uint64_t plen = 0;
			if (slash)
				*slash = 0;
			int fam = inet_pton(AF_INET, word, addr) == 1 ? 4
				  : inet_pton(AF_INET6, word, addr) == 1 ? 6 : 0;
			if (!fam)
				return false;
			if (slash && xctl_parse_u64(slash + 1, 10, fam == 4 ? 32 : 128, &plen))
				return false;
		}
		v += n;
		v += strspn(v, " \t");
	}
	return any;
}

enum key {
	K_MAC, K_BRIDGE, K_IP, K_TYPE, K_MODEL, K_VIFNAME, K_SCRIPT, K_BACKEND, K_RATE, K_MTU,
	K_DEVID, K_GATEWAYDEV, K_NETDEV, K_ACCEL, K_NKEYS
};

static const char *const key_names[] = {
	[K_MAC] = "mac", [K_BRIDGE] = "bridge", [K_IP] = "ip", [K_TYPE] = "type",
	[K_MODEL] = "model", [K_VIFNAME] = "vifname", [K_SCRIPT] = "script",
	[K_BACKEND] = "backend", [K_RATE] = "rate", [K_MTU] = "mtu", [K_DEVID] = "devid",
	[K_GATEWAYDEV] = "gatewaydev", [K_NETDEV] = "netdev", [K_ACCEL] = "accel",
	[K_NKEYS] = NULL,
};

/* For "did you mean": the keys and the two flags. */
static const char *const all_names[] = {
	"mac", "bridge", "ip", "type", "model", "vifname", "script", "backend", "rate", "mtu",
	"devid", "gatewaydev", "trusted", "untrusted", NULL,
};

#define KNOWN "mac, bridge, ip, type, model, vifname, script, backend, rate, mtu, devid, " \
	"gatewaydev, trusted, untrusted"

static void set_number(struct vp *p, const char *k, const char *v, uint64_t lo, uint64_t hi,
		       int *slot)
{
	uint64_t n;
	if (xctl_parse_u64(v, 10, hi, &n) || n < lo) {
		vp_err(p, "%s '%.*s' is not a number from %llu to %llu", k, QL(v, strlen(v)),
		       (unsigned long long)lo, (unsigned long long)hi);
		return;
	}
	*slot = (int)n;
}

static void key_value(struct vp *p, enum key k, const char *v)
{
	struct xctl_vif *vif = p->vif;
	size_t vl = strlen(v);
	char why[256];

	if (k != K_ACCEL && vl == 0) {
		vp_err(p, "%s= needs a value", key_names[k]);
		return;
	}
	switch (k) {
	case K_MAC:
		if (xctl_mac_parse(v, vif->mac)) {
			vp_err(p, "mac '%.*s' is not a MAC address (six pairs of hex digits separated "
			       "by ':', e.g. 00:16:3e:12:34:56)", QL(v, vl));
		} else if (xctl_mac_is_multicast(vif->mac)) {
			vp_err(p, "mac '%.*s' has the multicast bit set (the first byte must be even, "
			       "e.g. 00:16:3e:12:34:56)", QL(v, vl));
		} else if (!(vif->mac[0] | vif->mac[1] | vif->mac[2] | vif->mac[3] | vif->mac[4] |
			     vif->mac[5])) {
			vp_err(p, "mac 00:00:00:00:00:00 is not a usable address (leave mac out to "
			       "have one generated in 00:16:3e)");
		} else {
			vif->mac_set = true;
		}
		break;
	case K_BRIDGE:
	case K_VIFNAME:
	case K_GATEWAYDEV:
	case K_NETDEV:
		if (!ifname_ok(v)) {
			vp_err(p, "%s '%.*s' is not a network interface name (1 to %d characters, "
			       "without '/', ':' or blanks)", key_names[k], QL(v, vl), IFNAME_MAX);
			break;
		}
		if (k == K_NETDEV)
			vp_warn(p, "netdev= is deprecated; use gatewaydev=");
		set_str(p, k == K_BRIDGE ? &vif->bridge : k == K_VIFNAME ? &vif->vifname
			: &vif->gatewaydev, v);
		break;
	case K_IP:
		if (!ip_list_ok(v, why, sizeof(why)))
			vp_err(p, "ip '%.*s' is not an IP address (IPv4 or IPv6, optionally with "
			       "/PREFIX; several separated by spaces)", QL(why, strlen(why)));
		else
			set_str(p, &vif->ip, v);
		break;
	case K_TYPE:
		if (!strcmp(v, "vif"))
			vif->type = XCTL_VIF_TYPE_VIF;
		else if (!strcmp(v, "ioemu"))
			vif->type = XCTL_VIF_TYPE_IOEMU;
		else
			vp_err(p, "unknown type '%.*s' (allowed: ioemu, vif)", QL(v, vl));
		break;
	case K_MODEL:
		if (strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != vl
		    || vl > 64)
			vp_err(p, "model '%.*s' is not a device model name (letters, digits, '.', '_' "
			       "and '-', e.g. rtl8139, e1000)", QL(v, vl));
		else
			set_str(p, &vif->model, v);
		break;
	case K_SCRIPT:
		set_str(p, &vif->script, v);
		break;
	case K_BACKEND:
		set_str(p, &vif->backend_domname, v);
		break;
	case K_RATE:
		if (xctl_vif_parse_rate(v, &vif->rate_bytes_per_interval, &vif->rate_interval_usecs,
					why, sizeof(why)))
			vp_err(p, "%s", why);
		else
			set_str(p, &vif->rate, v);
		break;
	case K_MTU:
		set_number(p, "mtu", v, 68, 65535, &vif->mtu);
		break;
	case K_DEVID:
		set_number(p, "devid", v, 0, INT_MAX, &vif->devid);
		break;
	case K_ACCEL:
		vp_warn(p, "accel= is not supported and is ignored (as by xl)");
		break;
	case K_NKEYS:
		break;
	}
}

static void item(struct vp *p, const char *it)
{
	const char *eq = strchr(it, '=');
	size_t kl = eq ? (size_t)(eq - it) : strlen(it);
	char key[32];

	if (!eq && !strcmp(it, "trusted")) {
		p->vif->trusted = XCTL_DEFBOOL_TRUE;
		return;
	}
	if (!eq && !strcmp(it, "untrusted")) {
		p->vif->trusted = XCTL_DEFBOOL_FALSE;
		return;
	}
	snprintf(key, sizeof(key), "%.*s", (int)kl, it);
	for (int k = 0; k < K_NKEYS; k++) {
		if (strlen(key_names[k]) != kl || strncmp(key_names[k], it, kl))
			continue;
		if (!eq) {
			vp_err(p, "'%s' needs a value (%s=VALUE)", key_names[k], key_names[k]);
			return;
		}
		int slot = k == K_NETDEV ? K_GATEWAYDEV : k;
		if (p->seen & (1u << slot))
			vp_warn(p, "%s given twice; the last one, '%.*s', is used", key_names[k],
				QL(eq + 1, strlen(eq + 1)));
		p->seen |= 1u << slot;
		key_value(p, (enum key)k, eq + 1);
		return;
	}
	if (eq && (!strncmp(it, "colo_", 5) || !strncmp(it, "forwarddev=", 11))) {
		vp_err(p, "%s is not supported by xctl yet (COLO network replication)", key);
		return;
	}
	const char *hint = xctl_suggest(key, all_names, XCTL_SUGGEST_NULL_TERMINATED);
	vp_err(p, "unknown vif parameter '%.*s'%s%s%s (known: " KNOWN ")", QL(it, strlen(it)),
	       hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
}

void xctl_vif_init(struct xctl_vif *vif)
{
	memset(vif, 0, sizeof(*vif));
	vif->devid = -1;
}

void xctl_vif_dispose(struct xctl_vif *vif)
{
	free(vif->file);
	free(vif->spec);
	free(vif->bridge);
	free(vif->ip);
	free(vif->model);
	free(vif->vifname);
	free(vif->script);
	free(vif->backend_domname);
	free(vif->gatewaydev);
	free(vif->rate);
	xctl_vif_init(vif);
}

const char *xctl_vif_type_name(enum xctl_vif_type t)
{
	switch (t) {
	case XCTL_VIF_TYPE_UNKNOWN: return "unknown";
	case XCTL_VIF_TYPE_IOEMU: return "ioemu";
	case XCTL_VIF_TYPE_VIF: return "vif";
	}
	return "invalid";
}

int xctl_vif_parse(const char *spec, const char *file, unsigned line, struct xctl_vif *out,
		   struct xctl_diags *d)
{
	struct vp p = { .vif = out };
	char buf[VIF_VALUE_MAX + 1];

	xctl_vif_init(out);
	int rc = xctl_devspec_begin(&p.r, "vif", spec, file, line, d, VIF_SPEC_MAX, "");
	if (rc)
		goto out;
	for (const char *s = spec; *s && !p.r.fatal;) {
		size_t il = strcspn(s, ",");
		const char *b = s, *e = s + il;
		s = *e ? e + 1 : e;
		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (b == e)
			continue;
		if ((size_t)(e - b) > VIF_VALUE_MAX) {
			vp_err(&p, "item '%.*s...' too long (%zu bytes; at most %d)", 16, b,
			       (size_t)(e - b), VIF_VALUE_MAX);
			continue;
		}
		memcpy(buf, b, (size_t)(e - b));
		buf[e - b] = 0;
		item(&p, buf);
	}
	rc = xctl_devspec_end(&p.r, &out->spec, &out->file, &out->line);
out:
	if (rc)
		xctl_vif_dispose(out);
	return rc;
}
