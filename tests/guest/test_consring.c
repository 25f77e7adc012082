/* SPDX-License-Identifier: LGPL-2.1-only */
/* The console ring (sim/console/consring.c): both directions, wrap-around
 * of the 32-bit indices, full rings, and a peer whose indices are garbage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/err.h"
#include "sim/console/consring.h"

static void test_out_roundtrip(void **state)
{
	(void)state;
	struct xencons_interface intf;
	memset(&intf, 0, sizeof(intf));
	assert_int_equal(xencons_out_put(&intf, "hello\n", 6), 6);
	assert_int_equal(intf.out_prod, 6);
	char buf[64];
	assert_int_equal(xencons_out_get(&intf, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "hello\n", 6);
	assert_int_equal(intf.out_cons, 6);
	assert_int_equal(xencons_out_get(&intf, buf, sizeof(buf)), 0);
}

static void test_in_roundtrip_partial(void **state)
{
	(void)state;
	struct xencons_interface intf;
	memset(&intf, 0, sizeof(intf));
	assert_int_equal(xencons_in_put(&intf, "abcdef", 6), 6);
	char buf[4];
	assert_int_equal(xencons_in_get(&intf, buf, 4), 4);
	assert_memory_equal(buf, "abcd", 4);
	assert_int_equal(xencons_in_get(&intf, buf, 4), 2);
	assert_memory_equal(buf, "ef", 2);
}

static void test_full_ring(void **state)
{
	(void)state;
	struct xencons_interface intf;
	memset(&intf, 0, sizeof(intf));
	char big[4096];
	memset(big, 'x', sizeof(big));
	assert_int_equal(xencons_out_put(&intf, big, sizeof(big)), (int)sizeof(intf.out));
	assert_int_equal(xencons_out_put(&intf, "y", 1), 0);
	assert_int_equal(xencons_in_put(&intf, big, sizeof(big)), (int)sizeof(intf.in));
	assert_int_equal(xencons_in_put(&intf, "y", 1), 0);
	char buf[4096];
	assert_int_equal(xencons_out_get(&intf, buf, sizeof(buf)), (int)sizeof(intf.out));
	assert_int_equal(xencons_out_put(&intf, "y", 1), 1);
}

/* Indices near 2^32: the data wraps around the buffer and the index wraps. */
static void test_index_wrap(void **state)
{
	(void)state;
	struct xencons_interface intf;
	memset(&intf, 0, sizeof(intf));
	intf.out_prod = intf.out_cons = UINT32_MAX - 2;
	assert_int_equal(xencons_out_put(&intf, "0123456789", 10), 10);
	assert_int_equal(intf.out_prod, 7u);
	char buf[16];
	assert_int_equal(xencons_out_get(&intf, buf, sizeof(buf)), 10);
	assert_memory_equal(buf, "0123456789", 10);
	assert_int_equal(intf.out_cons, 7u);
	/* the bytes sit at both ends of the buffer */
	assert_int_equal(intf.out[sizeof(intf.out) - 3], '0');
	assert_int_equal(intf.out[6], '9');
}

/* A producer more than a ring ahead: nothing is read past the ring, the
 * consumer resynchronises and reports it. */
static void test_hostile_producer(void **state)
{
	(void)state;
	struct xencons_interface intf;
	memset(&intf, 0, sizeof(intf));
	intf.out_prod = 5000;
	char buf[4096];
	assert_int_equal(xencons_out_get(&intf, buf, sizeof(buf)), XCTL_ERR_PROTO);
	assert_int_equal(intf.out_cons, 5000u);
	assert_int_equal(xencons_out_get(&intf, buf, sizeof(buf)), 0);
	intf.in_prod = 1025;
	assert_int_equal(xencons_in_get(&intf, buf, sizeof(buf)), XCTL_ERR_PROTO);
	assert_int_equal(intf.in_cons, 1025u);
	/* exactly a full ring is legal */
	intf.in_prod = intf.in_cons + 1024;
	assert_int_equal(xencons_in_get(&intf, buf, sizeof(buf)), 1024);
}

/* A consumer index beyond the producer (the peer moved it): the producer
 * writes nothing. */
static void test_hostile_consumer(void **state)
{
	(void)state;
	struct xencons_interface intf;
	memset(&intf, 0, sizeof(intf));
	intf.out_cons = 10;
	assert_int_equal(xencons_out_put(&intf, "abc", 3), XCTL_ERR_PROTO);
	assert_int_equal(intf.out_prod, 0u);
	intf.in_cons = 7;
	intf.in_prod = 3;
	assert_int_equal(xencons_in_put(&intf, "abc", 3), XCTL_ERR_PROTO);
	assert_int_equal(intf.in_prod, 3u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_out_roundtrip),    cmocka_unit_test(test_in_roundtrip_partial),
		cmocka_unit_test(test_full_ring),        cmocka_unit_test(test_index_wrap),
		cmocka_unit_test(test_hostile_producer), cmocka_unit_test(test_hostile_consumer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
