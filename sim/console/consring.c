/* SPDX-License-Identifier: LGPL-2.1-only */
#include "sim/console/consring.h"

#include "common/err.h"

/* One direction of the ring: the data area and its two indices. */
struct dir {
	char *data;
	uint32_t size; /* a power of two */
	XENCONS_RING_IDX *cons;
	XENCONS_RING_IDX *prod;
};

static uint32_t load_idx(const XENCONS_RING_IDX *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_idx(XENCONS_RING_IDX *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static int put(struct dir d, const char *buf, size_t len)
{
	uint32_t cons = load_idx(d.cons);
	uint32_t prod = load_idx(d.prod);
	uint32_t used = prod - cons;
	if (used > d.size)
		return XCTL_ERR_PROTO;
	size_t room = d.size - used;
	size_t n = len < room ? len : room;
	for (size_t i = 0; i < n; i++)
		d.data[(prod + (uint32_t)i) & (d.size - 1)] = buf[i];
	/* Data before the index (release). */
	store_idx(d.prod, prod + (uint32_t)n);
	return (int)n;
}

static int get(struct dir d, char *buf, size_t max)
{
	uint32_t cons = load_idx(d.cons);
	uint32_t prod = load_idx(d.prod); /* acquire: data after the index */
	uint32_t avail = prod - cons;
	if (avail > d.size) {
		store_idx(d.cons, prod);
		return XCTL_ERR_PROTO;
	}
	size_t n = avail < max ? avail : max;
	for (size_t i = 0; i < n; i++)
		buf[i] = __atomic_load_n(&d.data[(cons + (uint32_t)i) & (d.size - 1)], __ATOMIC_RELAXED);
	store_idx(d.cons, cons + (uint32_t)n);
	return (int)n;
}

static struct dir dir_out(struct xencons_interface *intf)
{
	return (struct dir){ intf->out, sizeof(intf->out), &intf->out_cons, &intf->out_prod };
}

static struct dir dir_in(struct xencons_interface *intf)
{
	return (struct dir){ intf->in, sizeof(intf->in), &intf->in_cons, &intf->in_prod };
}

int xencons_out_put(struct xencons_interface *intf, const char *buf, size_t len)
{
	return put(dir_out(intf), buf, len);
}

int xencons_in_get(struct xencons_interface *intf, char *buf, size_t max)
{
	return get(dir_in(intf), buf, max);
}

int xencons_out_get(struct xencons_interface *intf, char *buf, size_t max)
{
	return get(dir_out(intf), buf, max);
}

int xencons_in_put(struct xencons_interface *intf, const char *buf, size_t len)
{
	return put(dir_in(intf), buf, len);
}
