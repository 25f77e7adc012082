/* SPDX-License-Identifier: LGPL-2.1-only */
/* CPU lists as xl reads them for cpus= and cpus_soft= (and the vm.cpumask
 * keys of the global configuration), following parse_cpurange() and
 * update_cpumap_range() in tools/xl/xl_parse.c:138-256 at Xen 4.17.7:
 *
 *   items are split at ',' as strtok() does: empty items are skipped, so
 *   "0-3," and ",1" are fine; each item is
 *   "all"                 every host CPU
 *   "3", "0-7"            a CPU, a range (low-high, low <= high)
 *   "node:1", "nodes:0-1" the CPUs of NUMA nodes ("nodes:all" is "all")
 *   "^6", "^node:2"       remove from what the items before it selected
 *   numbers are read by strtoul(): blanks before a number and a '+' are
 *   taken ("0, 2", "1- 3"), nothing may follow it ("0 ,2" is refused).
 *
 * Differences (docs/config.md): xl takes "" (an empty affinity, refused at
 * creation) and negative numbers (strtoul wraps them to CPUs no host has,
 * which libxl ignores); both are errors here, as are numbers above the
 * bounds below. Which CPUs exist is known only on the host. */
#include "toolstack/config/keys.h"
#include "common/err.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define CPU_MAX 4095u  /* highest CPU number accepted */
#define NODE_MAX 255u  /* highest NUMA node number accepted */

/* A number as strtoul(.., 10) reads it: blanks, an optional '+', digits. */
static int parse_num(const char **p, unsigned max, unsigned *out)
{
	const char *s = *p;
	unsigned long v = 0;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '-')
		return XCTL_ERR_UNSUPPORTED;
	if (*s == '+')
		s++;
	if (*s < '0' || *s > '9')
		return XCTL_ERR_INVAL;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return XCTL_ERR_LIMIT;
		s++;
	}
	*p = s;
	*out = (unsigned)v;
	return 0;
}

/* "N" or "N-M", the whole of item (as parse_range() in xl_parse.c:138). */
static int parse_range(const char *item, unsigned max, const char *what, char *why, size_t whylen)
{
	const char *p = item;
	unsigned lo, hi;
	int rc = parse_num(&p, max, &lo);
	if (!rc) {
		hi = lo;
		if (*p == '-') {
			p++;
			rc = parse_num(&p, max, &hi);
		}
	}
	if (rc == XCTL_ERR_LIMIT) {
		snprintf(why, whylen, "'%.40s': %s numbers go up to %u", item, what, max);
		return rc;
	}
	if (rc == XCTL_ERR_UNSUPPORTED) {
		snprintf(why, whylen, "'%.40s': a negative %s number (xl would wrap it to a %s no host has)", item,
			 what, what);
		return rc;
	}
	if (rc || *p) {
		snprintf(why, whylen, "'%.40s' is not a %s number or range (write N or N-M, nothing after it)", item,
			 what);
		return XCTL_ERR_INVAL;
	}
	if (lo > hi) {
		snprintf(why, whylen, "'%.40s': the range goes down (write the lower %s first)", item, what);
		return XCTL_ERR_INVAL;
	}
	return 0;
}

int xctl_check_cpulist(const char *s, char *why, size_t whylen)
{
	static const char allowed[] = "(allowed: \"all\", CPU numbers and ranges such as \"0-3\", \"node:N\" or "
				      "\"nodes:N-M\", each may be negated with '^', joined with ',')";
	const char *p = s;
	unsigned items = 0;
	char sub[160], item[80];
	p += strspn(p, ",");
	if (!*p) {
		snprintf(why, whylen, "empty CPU list: xl would give the vCPUs no CPU to run on %s", allowed);
		return XCTL_ERR_INVAL;
	}
	while (*p) {
		size_t len = strcspn(p, ",");
		if (++items > 1024) {
			snprintf(why, whylen, "too many items in the CPU list (at most 1024)");
			return XCTL_ERR_LIMIT;
		}
		if (len >= sizeof(item)) {
			snprintf(why, whylen, "item '%.20s...' of the CPU list is too long %s", p, allowed);
			return XCTL_ERR_INVAL;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		const char *it = item;
		bool neg = *it == '^', nodes = false;
		if (neg)
			it++;
		if (!strncmp(it, "node:", 5)) {
			it += 5;
			nodes = true;
		} else if (!strncmp(it, "nodes:", 6)) {
			it += 6;
			nodes = true;
		}
		if (!strcmp(it, "all")) {
			if (neg) {
				snprintf(why, whylen, "'%s': '^' cannot be combined with \"all\" %s", item, allowed);
				return XCTL_ERR_INVAL;
			}
		} else if (parse_range(it, nodes ? NODE_MAX : CPU_MAX, nodes ? "node" : "CPU", sub, sizeof(sub))) {
			snprintf(why, whylen, "item '%s': %s %s", item, sub, allowed);
			return XCTL_ERR_INVAL;
		}
		p += len;
		p += strspn(p, ",");
	}
	return 0;
}
