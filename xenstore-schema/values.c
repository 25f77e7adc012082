/* SPDX-License-Identifier: LGPL-2.1-only */
/* Value types of the schema: does a value fit its node's type? */
#include "xenstore-schema/check.h"
#include "xenstore-schema/internal.h"
#include "common/util.h"
#include "xenstore-schema/xs_paths.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *xctl_schema_type_name(enum xctl_schema_type t)
{
	return (unsigned)t < XCTL_SCHEMA_T_COUNT ? xctl_schema_type_names[t] : "?";
}

const char *xctl_schema_phase_name(enum xctl_schema_phase p)
{
	return (unsigned)p < XCTL_SCHEMA_P_COUNT ? xctl_schema_phase_names[p] : "?";
}

int xctl_schema_phase_parse(const char *s)
{
	return xctl_schema_name_find(xctl_schema_phase_names, XCTL_SCHEMA_P_COUNT, s, strlen(s));
}

static void bits_text(unsigned bits, const char *const *names, size_t n, char *buf, size_t len)
{
	size_t o = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++) {
		if (!(bits & (1u << i)))
			continue;
		int w = snprintf(buf + o, len - o, "%s%s", o ? ", " : "", names[i]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
}

void xctl_schema_writers_text(unsigned bits, char *buf, size_t len)
{
	bits_text(bits, xctl_schema_writer_names, XCTL_SCHEMA_W_COUNT, buf, len);
}

void xctl_schema_guests_text(unsigned bits, char *buf, size_t len)
{
	bits_text(bits, xctl_schema_guest_names, XCTL_SCHEMA_G_COUNT, buf, len);
}

bool xctl_schema_canon_dec(const char *s, size_t len, unsigned long long min,
			   unsigned long long max, unsigned long long *out)
{
	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return false;
	unsigned long long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (~0ull - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return false;
	if (out)
		*out = v;
	return true;
}

/* A canonical decimal in [min, max]. */
static bool dec(const char *s, size_t len, unsigned long long min, unsigned long long max)
{
	return xctl_schema_canon_dec(s, len, min, max, NULL);
}

static bool hex_run(const char *s, size_t len, size_t min, size_t max)
{
	if (len < min || len > max)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool is_mac(const char *s, size_t len)
{
	if (len != 17)
		return false;
	for (size_t i = 0; i < 17; i++)
		if ((i % 3 == 2) ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

bool xctl_schema_is_uuid(const char *s, size_t len)
{
	if (len != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* Xen 4.17's is_valid_nodename: the length limit counts from after
 * "/local/domain/N/" (sscanf "%5u/": at most five characters, a sign
 * included), from the start of any other path. */
static size_t local_prefix(const char *s, size_t len)
{
	size_t i = strlen(XS_PATH_LOCAL_DOMAIN) + 1, j = i, digits = 0;
	if (len < i || memcmp(s, XS_PATH_LOCAL_DOMAIN, i - 1) || s[i - 1] != '/')
		return 0;
	if (j < len && (s[j] == '-' || s[j] == '+'))
		j++;
	while (j < len && j - i < 5 && isdigit((unsigned char)s[j])) {
		j++;
		digits++;
	}
	return digits && j < len && s[j] == '/' ? j + 1 : 0;
}

bool xctl_schema_path_ok(const char *s, size_t len)
{
	/* (the relative limit keeps every path below XCTL_XSDUMP_MAX_PATH) */
	if (len == 0 || s[0] != '/' || (len > 1 && s[len - 1] == '/'))
		return false;
	if (len > local_prefix(s, len) + XCTL_XSDUMP_MAX_REL_PATH)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '/' && i + 1 < len && s[i + 1] == '/')
			return false;
		if (!isalnum((unsigned char)s[i]) && !strchr("-/_@", s[i]))
			return false;
	}
	return true;
}

static bool in_words(const char *words, const char *s, size_t len)
{
	const char *w = words;
	while (*w) {
		while (*w == ' ')
			w++;
		size_t wl = strcspn(w, " ");
		if (wl && wl == len && !memcmp(w, s, len))
			return true;
		w += wl;
	}
	return false;
}

bool xctl_schema_value_ok(const struct xctl_schema_node *s, const char *v, size_t vlen, char *why, size_t whylen)
{
	bool ok;
	const char *what = NULL;
	char range[96];
	if (s->empty_ok && vlen == 0)
		return true;
	if (memchr(v, '\0', vlen) && s->type != XCTL_SCHEMA_T_STRING) {
		snprintf(why, whylen, "the value holds a NUL byte");
		return false;
	}
	switch (s->type) {
	case XCTL_SCHEMA_T_DIR:
		ok = vlen == 0;
		what = "empty (the node is a directory)";
		break;
	case XCTL_SCHEMA_T_STRING:
		ok = vlen <= s->max;
		snprintf(range, sizeof(range), "a string of at most %llu bytes", (unsigned long long)s->max);
		what = range;
		break;
	case XCTL_SCHEMA_T_INT:
		ok = dec(v, vlen, s->min, s->max);
		snprintf(range, sizeof(range), "a decimal integer in %llu..%llu", (unsigned long long)s->min,
			 (unsigned long long)s->max);
		what = range;
		break;
	case XCTL_SCHEMA_T_BOOL:
		ok = vlen == 1 && (v[0] == '0' || v[0] == '1');
		what = "0 or 1";
		break;
	case XCTL_SCHEMA_T_KIB:
		ok = dec(v, vlen, 0, 1ull << 54);
		what = "an amount of memory in KiB";
		break;
	case XCTL_SCHEMA_T_EVTCHN:
		ok = dec(v, vlen, 1, 131071);
		what = "an event channel port (1..131071)";
		break;
	case XCTL_SCHEMA_T_GREF:
		ok = dec(v, vlen, 8, 4294967295ull);
		what = "a grant reference (8..4294967295)";
		break;
	case XCTL_SCHEMA_T_FRAME:
		ok = dec(v, vlen, 0, (1ull << 52) - 1);
		what = "a frame number";
		break;
	case XCTL_SCHEMA_T_MAC:
		ok = is_mac(v, vlen);
		what = "a MAC address (xx:xx:xx:xx:xx:xx)";
		break;
	case XCTL_SCHEMA_T_UUID:
		ok = xctl_schema_is_uuid(v, vlen);
		what = "a UUID";
		break;
	case XCTL_SCHEMA_T_DOMID:
		ok = dec(v, vlen, 0, 32751);
		what = "a domain id (0..32751)";
		break;
	case XCTL_SCHEMA_T_PATH:
	case XCTL_SCHEMA_T_LINK:
		ok = xctl_schema_path_ok(v, vlen);
		what = "an absolute xenstore path";
		break;
	case XCTL_SCHEMA_T_ENUM:
		ok = in_words(s->args, v, vlen);
		snprintf(range, sizeof(range), "one of: %s", s->args);
		what = range;
		break;
	case XCTL_SCHEMA_T_STATE:
		ok = dec(v, vlen, 0, 8);
		what = "a XenbusState (0..8)";
		break;
	case XCTL_SCHEMA_T_TIMESTAMP: {
		size_t i = 0;
		while (i < vlen && isdigit((unsigned char)v[i]))
			i++;
		ok = i > 0 && i <= 20;
		if (ok && i < vlen) {
			size_t f = i + 1;
			ok = v[i] == '.' && f < vlen;
			for (; ok && f < vlen; f++)
				ok = isdigit((unsigned char)v[f]) && f - i <= 9;
		}
		what = "seconds since the epoch (digits, optional decimals)";
		break;
	}
	case XCTL_SCHEMA_T_MAJMIN: {
		const char *c = memchr(v, ':', vlen);
		ok = c && hex_run(v, (size_t)(c - v), 1, 8) && hex_run(c + 1, vlen - (size_t)(c - v) - 1, 1, 8);
		what = "a device number MAJOR:MINOR in hexadecimal";
		break;
	}
	default:
		ok = false;
		what = "a known type";
	}
	if (!ok)
		snprintf(why, whylen, "expected %s%s", what, s->empty_ok ? ", or empty" : "");
	return ok;
}
