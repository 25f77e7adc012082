/* SPDX-License-Identifier: LGPL-2.1-only */
/* A map from 64-bit ids to pointers that grows with its contents: the
 * backends' device index (domain and device id) and port index (event
 * channel port to ring), so that finding what an event is for costs the
 * same with one device or thousands. Open addressing, linear probing,
 * at most half full; values are never NULL. */
#ifndef XCTL_BACKEND_IDMAP_H
#define XCTL_BACKEND_IDMAP_H

#include <stddef.h>
#include <stdint.h>

struct idmap_slot {
	uint64_t key;
	void *v; /* NULL: empty */
};

struct idmap {
	struct idmap_slot *s;
	size_t cap; /* 0 or a power of two */
	size_t n;
};

/* Add or replace. 0 or XCTL_ERR_NOMEM (the map is unchanged then). */
int idmap_put(struct idmap *m, uint64_t key, void *v);
void *idmap_get(const struct idmap *m, uint64_t key);
/* Remove key if present. */
void idmap_del(struct idmap *m, uint64_t key);
void idmap_free(struct idmap *m);

#endif
