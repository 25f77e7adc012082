/* SPDX-License-Identifier: LGPL-2.1-only */
/* Virtual disk names (xen-vbd-interface(7)) and their xenstore device
 * numbers, computed the way libxl does for the same names. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/err.h"
#include "toolstack/config/diskspec.h"

#define XVD_MAX_DISK ((1 << 20) - 1)
#define XVD_MAX_PART 255
#define HD_MAX_DISK 3
#define HD_MAX_PART 63
#define SD_MAX_DISK 15
#define SD_MAX_PART 15

/* Decimal without sign or leading zero ("0" itself allowed when zero_ok),
 * at most max. Returns 0, XCTL_ERR_INVAL or XCTL_ERR_LIMIT. */
static int parse_dec(const char *s, bool zero_ok, long max, long *out)
{
	long v = 0;

	if (!*s || (s[0] == '0' && (s[1] || !zero_ok)))
		return XCTL_ERR_INVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return XCTL_ERR_INVAL;
		if (v > (LONG_MAX - 9) / 10)
			return XCTL_ERR_LIMIT;
		v = v * 10 + (*s - '0');
	}
	if (v > max)
		return XCTL_ERR_LIMIT;
	*out = v;
	return 0;
}

/* PREFIX then disk letters (a..z, aa.., as bijective base 26) then an
 * optional partition number without leading zero. Returns 1 when the name
 * has the prefix and letters, 0 when it is not of this family, or an error
 * code when it is but is out of range or malformed. */
static int match_family(const char *name, const char *prefix, long max_disk, long max_part,
			int *disk, int *part)
{
	size_t pl = strlen(prefix);
	const char *p = name + pl;
	long index = -1;

	if (strncmp(name, prefix, pl) || *p < 'a' || *p > 'z')
		return 0;
	bool too_big = false;
	for (; *p >= 'a' && *p <= 'z'; p++) {
		if (!too_big)
			index = (index + 1) * 26 + (*p - 'a');
		if (index > max_disk)
			too_big = true;
	}
	long pn = 0;
	if (*p) {
		int rc = parse_dec(p, false, max_part, &pn);
		if (rc)
			return rc;
	}
	if (too_big)
		return XCTL_ERR_LIMIT;
	*disk = (int)index;
	*part = (int)pn;
	return 1;
}

static int xvd_number(int disk, int part)
{
	if (disk <= 15 && part <= 15)
		return (202 << 8) | (disk << 4) | part;
	return (1 << 28) | (disk << 8) | part;
}

/* "dNpM": disk N, partition M, numbered as xvd. */
static int match_dp(const char *name, int *disk, int *part)
{
	char buf[16];
	const char *pp;
	long dn, pn;
	int rc;

	if (name[0] != 'd' || name[1] < '0' || name[1] > '9')
		return 0;
	pp = strchr(name + 1, 'p');
	if (!pp || (size_t)(pp - name - 1) >= sizeof(buf))
		return XCTL_ERR_INVAL;
	memcpy(buf, name + 1, (size_t)(pp - name - 1));
	buf[pp - name - 1] = 0;
	rc = parse_dec(buf, true, XVD_MAX_DISK, &dn);
	if (!rc)
		rc = parse_dec(pp + 1, true, XVD_MAX_PART, &pn);
	if (rc)
		return rc;
	*disk = (int)dn;
	*part = (int)pn;
	return 1;
}

/* A device number written as a number: decimal, 0x hex or 0 octal, as
 * strtoul with base 0 reads it, up to INT_MAX. */
static int match_number(const char *name, int *devid)
{
	unsigned base = 10;
	const char *p = name;
	uint64_t v = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && p[1]) {
		base = 8;
		p++;
	}
	if (!*p)
		return base == 16 ? XCTL_ERR_INVAL : 0;
	for (; *p; p++) {
		unsigned dgt;
		if (*p >= '0' && *p <= '9')
			dgt = (unsigned)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			dgt = (unsigned)(*p - 'a' + 10);
		else if (*p >= 'A' && *p <= 'F')
			dgt = (unsigned)(*p - 'A' + 10);
		else
			return 0;
		if (dgt >= base)
			return base == 10 ? 0 : XCTL_ERR_INVAL;
		v = v * base + dgt;
		if (v > INT_MAX)
			return XCTL_ERR_LIMIT;
	}
	*devid = (int)v;
	return 1;
}

int xctl_vdev_to_devid(const char *vdev, int *devid, int *disk, int *partition)
{
	int dk = -1, pt = -1, id = -1, rc;

	if (!vdev || !*vdev)
		return XCTL_ERR_INVAL;
	rc = match_dp(vdev, &dk, &pt);
	if (rc == 0)
		rc = match_family(vdev, "xvd", XVD_MAX_DISK, XVD_MAX_PART, &dk, &pt);
	if (rc == 1) {
		id = xvd_number(dk, pt);
		goto done;
	}
	if (rc < 0)
		return rc;
	if (vdev[0] >= '0' && vdev[0] <= '9') {
		rc = match_number(vdev, &id);
		if (rc == 1)
			goto done;
		return rc < 0 ? rc : XCTL_ERR_INVAL;
	}
	rc = match_family(vdev, "hd", HD_MAX_DISK, HD_MAX_PART, &dk, &pt);
	if (rc == 1) {
		id = ((dk < 2 ? 3 : 22) << 8) | ((dk & 1) << 6) | pt;
		goto done;
	}
	if (rc < 0)
		return rc;
	rc = match_family(vdev, "sd", SD_MAX_DISK, SD_MAX_PART, &dk, &pt);
	if (rc == 1) {
		id = (8 << 8) | (dk << 4) | pt;
		goto done;
	}
	return rc < 0 ? rc : XCTL_ERR_INVAL;
done:
	if (devid)
		*devid = id;
	if (disk)
		*disk = dk;
	if (partition)
		*partition = pt;
	return 0;
}

int xctl_vdev_encode_disk(int disk, char *buf, size_t len)
{
	char tmp[8];
	size_t n = 0;

	if (disk < 0 || disk > XVD_MAX_DISK)
		return XCTL_ERR_LIMIT;
	/* bijective base 26: a..z, aa..zz, aaa.. */
	long v = disk;
	do {
		tmp[n++] = (char)('a' + v % 26);
		v = v / 26 - 1;
	} while (v >= 0 && n < sizeof(tmp));
	if (n + 1 > len)
		return XCTL_ERR_LIMIT;
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = 0;
	return 0;
}
