/* SPDX-License-Identifier: LGPL-2.1-only */
/* The id map; see idmap.h. */
#include "drivers-backend/common/idmap.h"
#include "common/err.h"

#include <stdbool.h>
#include <stdlib.h>

#define IDMAP_MIN 16

static size_t slot_of(uint64_t key, size_t cap)
{
	key ^= key >> 33; /* a 64-bit finaliser: neighbouring ids spread */
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & (cap - 1);
}

static void insert(struct idmap_slot *s, size_t cap, uint64_t key, void *v)
{
	size_t i = slot_of(key, cap);
	while (s[i].v && s[i].key != key)
		i = (i + 1) & (cap - 1);
	s[i].key = key;
	s[i].v = v;
}

static int grow(struct idmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : IDMAP_MIN;
	struct idmap_slot *s = calloc(cap, sizeof(*s));
	if (!s)
		return XCTL_ERR_NOMEM;
	for (size_t i = 0; i < m->cap; i++)
		if (m->s[i].v)
			insert(s, cap, m->s[i].key, m->s[i].v);
	free(m->s);
	m->s = s;
	m->cap = cap;
	return 0;
}

int idmap_put(struct idmap *m, uint64_t key, void *v)
{
	if (!v)
		return XCTL_ERR_INVAL;
	if (idmap_get(m, key)) {
		insert(m->s, m->cap, key, v);
		return 0;
	}
	if ((m->n + 1) * 2 > m->cap) {
		int rc = grow(m);
		if (rc)
			return rc;
	}
	insert(m->s, m->cap, key, v);
	m->n++;
	return 0;
}

void *idmap_get(const struct idmap *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = slot_of(key, m->cap); m->s[i].v; i = (i + 1) & (m->cap - 1))
		if (m->s[i].key == key)
			return m->s[i].v;
	return NULL;
}

void idmap_del(struct idmap *m, uint64_t key)
{
	if (!m->cap)
		return;
	size_t mask = m->cap - 1, i = slot_of(key, m->cap);
	while (m->s[i].v && m->s[i].key != key)
		i = (i + 1) & mask;
	if (!m->s[i].v)
		return;
	/* backward shift: move up every later entry of the run that may sit
	 * in the hole, so that no lookup stops early at it */
	size_t hole = i;
	for (size_t j = (i + 1) & mask; m->s[j].v; j = (j + 1) & mask) {
		size_t home = slot_of(m->s[j].key, m->cap);
		/* j's entry may move to hole unless home lies cyclically in (hole, j] */
		bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
		if (!stays) {
			m->s[hole] = m->s[j];
			hole = j;
		}
	}
	m->s[hole].v = NULL;
	m->s[hole].key = 0;
	m->n--;
}

void idmap_free(struct idmap *m)
{
	free(m->s);
	m->s = NULL;
	m->cap = m->n = 0;
}
