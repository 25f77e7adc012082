/* SPDX-License-Identifier: LGPL-2.1-only */
/* CPU lists as xl reads them for cpus= and cpus_soft= (and the vm.cpumask
 * keys of the global configuration):
 *
 *   "all"                 every host CPU
 *   "3", "0-7"            a CPU, a range (low-high, low <= high)
 *   "node:1", "nodes:0-1" the CPUs of NUMA nodes
 *   "^6", "^node:2"       remove from what the items before it selected
 *   items joined with ',' ("0-3,^2", "all,^node:1", "1,node:1,^6")
 *
 * Only the syntax and the bounds are checked here; which CPUs exist is
 * known only on the host. */
#include "toolstack/config/keys.h"
#include "common/err.h"

#include <stdio.h>
#include <string.h>

#define CPU_MAX 4095u  /* highest CPU number accepted */
#define NODE_MAX 255u  /* highest NUMA node number accepted */

static int parse_num(const char **p, unsigned max, unsigned *out)
{
	const char *s = *p;
	unsigned v = 0;
	if (*s < '0' || *s > '9')
		return XCTL_ERR_INVAL;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return XCTL_ERR_LIMIT;
		s++;
	}
	*p = s;
	*out = v;
	return 0;
}

/* "N" or "N-M" ending at the end of item (len chars). */
static int parse_range(const char *item, size_t len, unsigned max, const char *what, char *why, size_t whylen)
{
	char buf[64];
	if (len >= sizeof(buf)) {
		snprintf(why, whylen, "'%.20s...' is not a %s number or range", item, what);
		return XCTL_ERR_INVAL;
	}
	memcpy(buf, item, len);
	buf[len] = '\0';
	const char *p = buf;
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
		snprintf(why, whylen, "'%s': %s numbers go up to %u", buf, what, max);
		return rc;
	}
	if (rc || *p) {
		snprintf(why, whylen, "'%s' is not a %s number or range (write N or N-M)", buf, what);
		return XCTL_ERR_INVAL;
	}
	if (lo > hi) {
		snprintf(why, whylen, "'%s': the range goes down (write the lower %s first)", buf, what);
		return XCTL_ERR_INVAL;
	}
	return 0;
}

int xctl_check_cpulist(const char *s, char *why, size_t whylen)
{
	static const char allowed[] = "(allowed: \"all\", CPU numbers and ranges such as \"0-3\", \"node:N\" or "
				      "\"nodes:N-M\", each may be negated with '^', joined with ',')";
	if (!*s) {
		snprintf(why, whylen, "empty CPU list %s", allowed);
		return XCTL_ERR_INVAL;
	}
	const char *p = s;
	unsigned items = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		const char *item = p;
		bool neg = false;
		char sub[160];
		if (++items > 1024) {
			snprintf(why, whylen, "too many items in the CPU list (at most 1024)");
			return XCTL_ERR_LIMIT;
		}
		if (len && *item == '^') {
			neg = true;
			item++;
			len--;
		}
		if (!len) {
			snprintf(why, whylen, "empty item in CPU list '%s' %s", s, allowed);
			return XCTL_ERR_INVAL;
		}
		if (len == 3 && !strncmp(item, "all", 3)) {
			if (neg) {
				snprintf(why, whylen, "'^all' would leave no CPU %s", allowed);
				return XCTL_ERR_INVAL;
			}
		} else if (len > 6 && !strncmp(item, "nodes:", 6)) {
			if (parse_range(item + 6, len - 6, NODE_MAX, "node", sub, sizeof(sub)))
				goto bad;
		} else if (len > 5 && !strncmp(item, "node:", 5)) {
			if (parse_range(item + 5, len - 5, NODE_MAX, "node", sub, sizeof(sub)))
				goto bad;
		} else if (parse_range(item, len, CPU_MAX, "CPU", sub, sizeof(sub))) {
			goto bad;
		}
		p += strcspn(p, ",");
		if (!*p)
			break;
		p++;
		continue;
bad:
		snprintf(why, whylen, "%s %s", sub, allowed);
		return XCTL_ERR_INVAL;
	}
	return 0;
}
