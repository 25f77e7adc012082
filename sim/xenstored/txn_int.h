/* SPDX-License-Identifier: LGPL-2.1-only */
/* Transaction internals shared by view.c and txn.c. */
#ifndef XSD_TXN_INT_H
#define XSD_TXN_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/xenstored/xsd.h"

enum xsd_tent_state { XSD_TE_READ, XSD_TE_MOD, XSD_TE_DEL };

struct xsd_tent {
	char *path;
	uint64_t base_gen;        /* live generation when first touched; 0 = absent */
	enum xsd_tent_state state;
	struct xsd_node *node;    /* XSD_TE_MOD: the private copy */
	struct xsd_tevent *ev;    /* the event queued for this path, if any */
	uint32_t seq;             /* order of first access */
};

struct xsd_tevent {
	struct xsd_tevent *next;
	char *path;
	bool exact;
	struct xsd_perm *perms;   /* permissions before a deletion, or NULL */
	uint32_t nperms;
};

#endif
