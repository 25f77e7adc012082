/* SPDX-License-Identifier: LGPL-2.1-only */
#include "sim/xenstored/htab.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "common/err.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

uint64_t xsd_siphash(uint64_t k0, uint64_t k1, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t v[4] = {
		k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
		k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL,
	};
	size_t n = len & ~(size_t)7;
	for (size_t i = 0; i < n; i += 8) {
		uint64_t m;
		memcpy(&m, p + i, 8);
		v[3] ^= m;
		sip_round(v);
		v[0] ^= m;
	}
	uint64_t b = (uint64_t)len << 56;
	for (size_t i = 0; i < (len & 7); i++)
		b |= (uint64_t)p[n + i] << (8 * i);
	v[3] ^= b;
	sip_round(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	sip_round(v);
	sip_round(v);
	sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

int xsd_htab_init_keyed(struct xsd_htab *t, size_t hint, uint64_t k0, uint64_t k1)
{
	memset(t, 0, sizeof(*t));
	size_t n = 16;
	while (n < hint && n < ((size_t)1 << 30))
		n <<= 1;
	t->buckets = calloc(n, sizeof(*t->buckets));
	if (!t->buckets)
		return XCTL_ERR_NOMEM;
	t->nbuckets = n;
	t->k0 = k0;
	t->k1 = k1;
	return 0;
}

int xsd_htab_init(struct xsd_htab *t, size_t hint)
{
	uint64_t k[2];
	if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k)) {
		/* No entropy: still a valid table, just with a weaker key. */
		k[0] = (uint64_t)(uintptr_t)t ^ 0x9e3779b97f4a7c15ULL;
		k[1] = (uint64_t)(uintptr_t)&k;
	}
	return xsd_htab_init_keyed(t, hint, k[0], k[1]);
}

void xsd_htab_free(struct xsd_htab *t)
{
	if (!t->buckets)
		return;
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct xsd_hent *e = t->buckets[i];
		while (e) {
			struct xsd_hent *n = e->next;
			free(e);
			e = n;
		}
	}
	free(t->buckets);
	t->buckets = NULL;
	t->count = 0;
}

static struct xsd_hent **find(const struct xsd_htab *t, const char *key, uint64_t h)
{
	struct xsd_hent **pp = &t->buckets[h & (t->nbuckets - 1)];
	while (*pp) {
		if ((*pp)->hash == h && !strcmp((*pp)->key, key))
			return pp;
		pp = &(*pp)->next;
	}
	return pp;
}

static uint64_t hash_of(const struct xsd_htab *t, const char *key)
{
	return xsd_siphash(t->k0, t->k1, key, strlen(key));
}

void *xsd_htab_get(const struct xsd_htab *t, const char *key)
{
	struct xsd_hent **pp = find(t, key, hash_of(t, key));
	return *pp ? (*pp)->val : NULL;
}

static void grow(struct xsd_htab *t)
{
	size_t n = t->nbuckets * 2;
	struct xsd_hent **nb = calloc(n, sizeof(*nb));
	if (!nb)
		return; /* keep working with longer chains */
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct xsd_hent *e = t->buckets[i];
		while (e) {
			struct xsd_hent *next = e->next;
			e->next = nb[e->hash & (n - 1)];
			nb[e->hash & (n - 1)] = e;
			e = next;
		}
	}
	free(t->buckets);
	t->buckets = nb;
	t->nbuckets = n;
}

int xsd_htab_put(struct xsd_htab *t, const char *key, void *val)
{
	uint64_t h = hash_of(t, key);
	struct xsd_hent *e = malloc(sizeof(*e));
	if (!e)
		return XCTL_ERR_NOMEM;
	e->hash = h;
	e->key = key;
	e->val = val;
	e->next = t->buckets[h & (t->nbuckets - 1)];
	t->buckets[h & (t->nbuckets - 1)] = e;
	t->count++;
	if (t->count > t->nbuckets && t->nbuckets < ((size_t)1 << 30))
		grow(t);
	return 0;
}

void *xsd_htab_replace(struct xsd_htab *t, const char *key, void *val)
{
	struct xsd_hent **pp = find(t, key, hash_of(t, key));
	if (!*pp)
		return NULL;
	void *old = (*pp)->val;
	(*pp)->key = key;
	(*pp)->val = val;
	return old;
}

void *xsd_htab_del(struct xsd_htab *t, const char *key)
{
	struct xsd_hent **pp = find(t, key, hash_of(t, key));
	if (!*pp)
		return NULL;
	struct xsd_hent *e = *pp;
	void *val = e->val;
	*pp = e->next;
	free(e);
	t->count--;
	return val;
}

void xsd_htab_each(const struct xsd_htab *t, xsd_htab_fn fn, void *arg)
{
	for (size_t i = 0; i < t->nbuckets; i++)
		for (struct xsd_hent *e = t->buckets[i]; e; e = e->next)
			fn(e->val, arg);
}
