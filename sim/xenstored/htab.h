/* SPDX-License-Identifier: LGPL-2.1-only */
/* A string-keyed hash table with a secret per-table hash key.
 *
 * Clients choose the paths that become keys, so the hash is keyed
 * (SipHash-1-3 with a random key) to keep a hostile client from forcing
 * every key into one bucket. The table does not own keys or values: a key
 * must stay valid while its entry is in the table (usually it points into
 * the value). */
#ifndef XSD_HTAB_H
#define XSD_HTAB_H

#include <stddef.h>
#include <stdint.h>

struct xsd_hent {
	struct xsd_hent *next;
	uint64_t hash;
	const char *key;
	void *val;
};

struct xsd_htab {
	struct xsd_hent **buckets;
	size_t nbuckets; /* power of two */
	size_t count;
	uint64_t k0, k1;
};

/* Keyed hash of a NUL-terminated string. */
uint64_t xsd_siphash(uint64_t k0, uint64_t k1, const void *data, size_t len);

int xsd_htab_init(struct xsd_htab *t, size_t hint); /* a key of its own, from getrandom() */
/* With a key the caller keeps secret (the daemon's own: no system call for
 * a table made at every transaction). */
int xsd_htab_init_keyed(struct xsd_htab *t, size_t hint, uint64_t k0, uint64_t k1);
void xsd_htab_free(struct xsd_htab *t); /* frees entries, not keys/values */
void *xsd_htab_get(const struct xsd_htab *t, const char *key);
/* Insert; the key must not be present. */
int xsd_htab_put(struct xsd_htab *t, const char *key, void *val);
/* Replace the key pointer and value of an existing entry (for when the
 * owner of the key string changes). Returns the old value or NULL. */
void *xsd_htab_replace(struct xsd_htab *t, const char *key, void *val);
/* Remove; returns the value or NULL if absent. */
void *xsd_htab_del(struct xsd_htab *t, const char *key);

/* Iteration: visit every entry. fn may not modify the table. */
typedef void (*xsd_htab_fn)(void *val, void *arg);
void xsd_htab_each(const struct xsd_htab *t, xsd_htab_fn fn, void *arg);

#endif
