/* SPDX-License-Identifier: LGPL-2.1-only */
/* Protocol vocabulary: type and error names, payload splitting, paths and
 * permission strings. Everything here is pure and bounded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xenstored/paths.h"
#include "sim/xenstored/xsd.h"

int xsd_errno_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (!strcmp(name, xsd_errors[i].errstring))
			return xsd_errors[i].errnum;
	return -1;
}

const char *xsd_errno_name(int e)
{
	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (xsd_errors[i].errnum == e)
			return xsd_errors[i].errstring;
	/* Anything else is reported as the generic error libxenstore maps to
	 * EINVAL as well; keep the wire vocabulary closed. */
	return "EINVAL";
}

int xsd_split(const char *body, uint32_t len, const char **argv, int max)
{
	if (len == 0)
		return 0;
	if (body[len - 1] != '\0')
		return -1;
	int n = 0;
	uint32_t start = 0;
	for (uint32_t i = 0; i < len; i++) {
		if (body[i] != '\0')
			continue;
		if (n < max)
			argv[n] = body + start;
		n++;
		start = i + 1;
	}
	return n;
}

void xsd_home(uint32_t domid, char *out, size_t outsz)
{
	snprintf(out, outsz, XS_FMT_DOMAIN_HOME, domid);
}

static bool valid_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '/' || c == '_' || c == '@';
}

/* is_valid_nodename()'s local_off: the length of "/local/domain/N/" when
 * the path starts with it (as sscanf("/local/domain/%5u/%n") reads it),
 * else 0. */
static size_t local_off(const char *p)
{
	size_t pl = strlen(XS_PATH_LOCAL_DOMAIN);
	if (strncmp(p, XS_PATH_LOCAL_DOMAIN, pl) || p[pl] != '/')
		return 0;
	const char *q = p + pl + 1;
	size_t w = 0;
	if (q[0] == '+' || q[0] == '-')
		w++;
	size_t digits = 0;
	while (w + digits < 5 && q[w + digits] >= '0' && q[w + digits] <= '9')
		digits++;
	if (digits == 0 || q[w + digits] != '/')
		return 0;
	return (size_t)(q + w + digits + 1 - p);
}

/* canonicalize() and is_valid_nodename() of Xen 4.17.7: a relative path is
 * taken below the connection's home; the result starts with '/', does not
 * end with one (but "/"), has no "//", is at most quota_max_path_len
 * characters beyond its "/local/domain/N/" prefix (or in all), and uses
 * only [A-Za-z0-9-/_@]. Every connection, dom0 included. */
int xsd_canon(const struct xsd *d, uint32_t domid, const char *in, char *out, size_t outsz)
{
	size_t inlen = strlen(in);
	if (in[0] == '/') {
		if (inlen + 1 > outsz)
			return EINVAL;
		memcpy(out, in, inlen + 1);
	} else if (in[0] == '@') {
		return EINVAL; /* left as is by canonicalize(), not a node name */
	} else {
		char home[64];
		xsd_home(domid, home, sizeof(home));
		int n = snprintf(out, outsz, "%s/%s", home, in);
		if (n < 0 || (size_t)n >= outsz)
			return EINVAL;
	}
	size_t len = strlen(out);
	if (len > 1 && out[len - 1] == '/')
		return EINVAL;
	if (len > local_off(out) + d->lim.path_max)
		return EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!valid_char(out[i]))
			return EINVAL;
		if (out[i] == '/' && out[i + 1] == '/')
			return EINVAL;
	}
	return 0;
}

int xsd_parse_domid(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	if (!*s)
		return EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || p - s >= 10)
			return EINVAL;
		v = v * 10 + (uint32_t)(*p - '0');
	}
	if (v >= XSD_DOMID_MAX)
		return EINVAL;
	*out = v;
	return 0;
}

char xsd_perm_char(uint8_t perm)
{
	switch (perm & (XSD_PERM_READ | XSD_PERM_WRITE)) {
	case XSD_PERM_READ:
		return 'r';
	case XSD_PERM_WRITE:
		return 'w';
	case XSD_PERM_READ | XSD_PERM_WRITE:
		return 'b';
	default:
		return 'n';
	}
}

/* xs_strings_to_perms(): a letter, then a number as strtol(.., 0) reads
 * it, nothing after it. */
int xsd_perm_parse(const char *s, struct xsd_perm *out)
{
	switch (s[0]) {
	case 'n':
		out->perm = XSD_PERM_NONE;
		break;
	case 'r':
		out->perm = XSD_PERM_READ;
		break;
	case 'w':
		out->perm = XSD_PERM_WRITE;
		break;
	case 'b':
		out->perm = XSD_PERM_READ | XSD_PERM_WRITE;
		break;
	default:
		return EINVAL;
	}
	char *end;
	errno = 0;
	long id = strtol(s + 1, &end, 0);
	if (!s[1] || *end)
		return EINVAL;
	out->id = (uint32_t)id;
	return 0;
}
