/* SPDX-License-Identifier: LGPL-2.1-only */
/* CONTROL requests and the table of limits (shared with the command line). */
#ifndef XSD_CONTROL_H
#define XSD_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "sim/xenstored/xsd.h"

struct xsd_limit_desc {
	const char *name;
	size_t offset;    /* in struct xsd_limits */
	uint32_t dflt;
	const char *what;
};

extern const struct xsd_limit_desc xsd_limit_table[];
extern const size_t xsd_limit_count;

/* Set a limit by name; returns 0, XCTL_ERR_NOTFOUND or XCTL_ERR_INVAL. */
int xsd_limit_set(struct xsd_limits *l, const char *name, const char *value);
uint32_t xsd_limit_get(const struct xsd_limits *l, size_t i);

/* Handle a CONTROL request; returns 0 or a positive errno. */
int xsd_control(struct xsd *d, struct xsd_conn *c, const struct xsd_sockmsg *h, const char *body);

/* Consistency check of the tree: "OK" or the first problem, into out. */
void xsd_check_tree(const struct xsd *d, char *out, size_t outsz);

#endif
