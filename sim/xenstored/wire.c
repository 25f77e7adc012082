/* SPDX-License-Identifier: LGPL-2.1-only */
/* Protocol vocabulary: type and error names, payload splitting, paths and
 * permission strings. Everything here is pure and bounded. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/xenstored/paths.h"
#include "sim/xenstored/xsd.h"

static const char *const type_names[XS_TYPE_COUNT] = {
	[XS_CONTROL] = "CONTROL",
	[XS_DIRECTORY] = "DIRECTORY",
	[XS_READ] = "READ",
	[XS_GET_PERMS] = "GET_PERMS",
	[XS_WATCH] = "WATCH",
	[XS_UNWATCH] = "UNWATCH",
	[XS_TRANSACTION_START] = "TRANSACTION_START",
	[XS_TRANSACTION_END] = "TRANSACTION_END",
	[XS_INTRODUCE] = "INTRODUCE",
	[XS_RELEASE] = "RELEASE",
	[XS_GET_DOMAIN_PATH] = "GET_DOMAIN_PATH",
	[XS_WRITE] = "WRITE",
	[XS_MKDIR] = "MKDIR",
	[XS_RM] = "RM",
	[XS_SET_PERMS] = "SET_PERMS",
	[XS_WATCH_EVENT] = "WATCH_EVENT",
	[XS_ERROR] = "ERROR",
	[XS_IS_DOMAIN_INTRODUCED] = "IS_DOMAIN_INTRODUCED",
	[XS_RESUME] = "RESUME",
	[XS_SET_TARGET] = "SET_TARGET",
	[XS_RESET_WATCHES] = "RESET_WATCHES",
	[XS_DIRECTORY_PART] = "DIRECTORY_PART",
};

const char *xsd_type_name(uint32_t type)
{
	if (type < XS_TYPE_COUNT && type_names[type])
		return type_names[type];
	return "UNKNOWN";
}

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

/* Length of the part of an absolute path below a domain's home
 * (XS_PATH_LOCAL_DOMAIN "/N/..."), or of the whole path elsewhere. */
static size_t rel_len(const char *p)
{
	size_t pl = strlen(XS_PATH_LOCAL_DOMAIN);
	size_t len = strlen(p);
	if (strncmp(p, XS_PATH_LOCAL_DOMAIN, pl) || p[pl] != '/')
		return len;
	const char *q = p + pl + 1;
	size_t digits = 0;
	while (q[digits] >= '0' && q[digits] <= '9' && digits < 6)
		digits++;
	if (digits == 0 || digits > 5 || q[digits] != '/')
		return len;
	return len - (size_t)(q + digits + 1 - p);
}

int xsd_canon(const struct xsd *d, uint32_t domid, const char *in, char *out, size_t outsz)
{
	size_t inlen = strlen(in);
	if (inlen == 0 || inlen >= XENSTORE_ABS_PATH_MAX)
		return EINVAL;
	if (in[0] == '/') {
		if (inlen + 1 > outsz)
			return EINVAL;
		memcpy(out, in, inlen + 1);
	} else {
		char home[64];
		xsd_home(domid, home, sizeof(home));
		int n = snprintf(out, outsz, "%s/%s", home, in);
		if (n < 0 || (size_t)n >= outsz || (size_t)n >= XENSTORE_ABS_PATH_MAX)
			return EINVAL;
	}
	size_t len = strlen(out);
	if (len > 1 && out[len - 1] == '/')
		return EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!valid_char(out[i]))
			return EINVAL;
		if (out[i] == '/' && out[i + 1] == '/')
			return EINVAL;
	}
	/* Guests are held to the per-domain path length; dom0 only to the
	 * absolute maximum, as Xen exempts it from quotas. */
	if (domid != 0 && rel_len(out) > d->lim.path_max)
		return EINVAL;
	return 0;
}

bool xsd_is_child(const char *child, const char *parent)
{
	size_t pl = strlen(parent);
	if (pl == 1 && parent[0] == '/')
		return child[0] == '/';
	return !strncmp(child, parent, pl) && (child[pl] == '\0' || child[pl] == '/');
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
	uint32_t id;
	if (xsd_parse_domid(s + 1, &id))
		return EINVAL;
	out->id = id;
	return 0;
}
