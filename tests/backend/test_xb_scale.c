/* SPDX-License-Identifier: LGPL-2.1-only */
/* The xenbus backend at scale, against xctl-xenstored with xctl-blkback's
 * hooks: the device table grows past any fixed size, the device limit
 * (max_devices) refuses a device with a message naming it and serves it
 * once another goes, a watch event costs a look at the device (or domain)
 * it names and never a listing of every device, removals by device, by
 * domain and of the whole directory are all seen; and the id map under
 * the index. */
#include "tests/backend/xbfix.h"
#include "drivers-backend/blkback/io.h"
#include "drivers-backend/common/idmap.h"
#include "drivers-backend/common/storm.h"
#include "drivers-backend/xenio/fake/fake.h"
#include "common/err.h"
#include "xenstore-schema/xs_paths.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xenstore.h>

/* ---- the id map */

static void test_idmap(void **state)
{
	(void)state;
	struct idmap m = { 0 };
	static int vals[3000];
	assert_null(idmap_get(&m, 7));
	idmap_del(&m, 7); /* empty: nothing */
	assert_int_equal(idmap_put(&m, 1, NULL), XCTL_ERR_INVAL);
	/* keys that differ only high up, and neighbours: (domid << 32 | devid) */
	for (unsigned i = 0; i < 3000; i++)
		assert_int_equal(idmap_put(&m, (uint64_t)(i % 100) << 32 | (51712 + i / 100 * 16), &vals[i]), 0);
	assert_int_equal(m.n, 3000);
	assert_true(m.cap >= 6000);
	for (unsigned i = 0; i < 3000; i++)
		assert_ptr_equal(idmap_get(&m, (uint64_t)(i % 100) << 32 | (51712 + i / 100 * 16)), &vals[i]);
	/* replacing keeps the count */
	assert_int_equal(idmap_put(&m, 51712, &vals[1]), 0);
	assert_int_equal(m.n, 3000);
	assert_ptr_equal(idmap_get(&m, 51712), &vals[1]);
	/* deleting every third leaves every other one findable */
	for (unsigned i = 0; i < 3000; i += 3)
		idmap_del(&m, (uint64_t)(i % 100) << 32 | (51712 + i / 100 * 16));
	idmap_del(&m, 0xdeadbeefull); /* absent: nothing */
	assert_int_equal(m.n, 2000);
	for (unsigned i = 0; i < 3000; i++) {
		void *v = idmap_get(&m, (uint64_t)(i % 100) << 32 | (51712 + i / 100 * 16));
		if (i % 3 == 0)
			assert_null(v);
		else
			assert_ptr_equal(v, i == 0 ? &vals[1] : &vals[i]);
	}
	idmap_free(&m);
	assert_null(idmap_get(&m, 1));
	assert_int_equal(m.n, 0);
}

/* Deletion inside a run of colliding keys, wrapping around the end of a
 * small table: every key left must still be found. */
static void test_idmap_runs(void **state)
{
	(void)state;
	static int vals[64];
	for (unsigned del = 0; del < 8; del++) {
		struct idmap m = { 0 };
		for (unsigned i = 0; i < 8; i++)
			assert_int_equal(idmap_put(&m, i * 1000003ull, &vals[i]), 0);
		assert_int_equal(m.cap, 16);
		idmap_del(&m, del * 1000003ull);
		for (unsigned i = 0; i < 8; i++)
			if (i == del)
				assert_null(idmap_get(&m, i * 1000003ull));
			else
				assert_ptr_equal(idmap_get(&m, i * 1000003ull), &vals[i]);
		idmap_free(&m);
	}
}

/* ---- counting what the backend asks xenstore */

struct counting {
	struct xenio_ops ops;
	const struct xenio_ops *real;
	unsigned dirs, reads;
};
static struct counting cnt;

static int count_dir(struct xenio *x, xenio_txn t, const char *path, char ***names, unsigned *n)
{
	cnt.dirs++;
	return cnt.real->xs_directory(x, t, path, names, n);
}

static int count_read(struct xenio *x, xenio_txn t, const char *path, char **val, size_t *len)
{
	cnt.reads++;
	return cnt.real->xs_read(x, t, path, val, len);
}

static void counting_on(struct xbfix *t)
{
	cnt.real = t->x->ops;
	cnt.ops = *t->x->ops;
	cnt.ops.xs_directory = count_dir;
	cnt.ops.xs_read = count_read;
	t->x->ops = &cnt.ops;
}

static void counting_off(struct xbfix *t)
{
	t->x->ops = cnt.real;
}

static void serve_until_count(struct xbfix *t, unsigned want, int ms)
{
	for (int i = 0; i < ms / 5 && t->bb.xb.ndevs != want; i++)
		xbfix_serve(t, 5);
	assert_int_equal(t->bb.xb.ndevs, want);
}

#define NDISKS 300 /* more than a fixed table of 256 held */
#define NDOMS 3

static void test_table_grows(void **state)
{
	(void)state;
	struct xbfix t;
	xbfix_setup(&t, 0, 0);
	struct xbdisk *d = calloc(NDISKS, sizeof(*d));
	assert_non_null(d);
	for (unsigned i = 0; i < NDISKS; i++)
		xbdisk_add(&t, &d[i], 1 + i % NDOMS, 51712 + 16 * (i / NDOMS), false);
	serve_until_count(&t, NDISKS, 20000);
	for (unsigned i = 0; i < NDISKS; i++)
		xbfix_until_state(&t, &d[i], 2, 3000);
	assert_int_equal(t.bb.xb.index.n, NDISKS);

	/* one more disk, and a write below a served disk's directory: looked
	 * at one by one, with no listing of any directory */
	counting_on(&t);
	cnt.dirs = cnt.reads = 0;
	struct xbdisk extra;
	xbdisk_add(&t, &extra, 1, 51712 + 16 * NDISKS, false);
	xbfix_until_state(&t, &extra, 2, 3000);
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", d[7].be, "comment");
	assert_true(xs_write(t.xs, XBT_NULL, p, "x", 1));
	xbfix_serve(&t, 50);
	assert_int_equal(cnt.dirs, 0);
	assert_true(cnt.reads > 0 && cnt.reads < 40); /* the new disk's nodes, not 300 devices' */
	assert_int_equal(t.bb.xb.ndevs, NDISKS + 1);

	/* removing one disk looks at that one only */
	cnt.dirs = cnt.reads = 0;
	xbdisk_remove(&t, &extra);
	serve_until_count(&t, NDISKS, 3000);
	assert_int_equal(cnt.dirs, 0);
	assert_true(cnt.reads > 0 && cnt.reads < 10);
	assert_null(xbfix_dev(&t, &extra));
	counting_off(&t);

	/* a whole domain's directory goes: its disks, and only those */
	char dom[128];
	snprintf(dom, sizeof(dom), XS_FMT_BACKEND_VBD_DOM, 0u, 2u);
	assert_true(xs_rm(t.xs, XBT_NULL, dom));
	serve_until_count(&t, NDISKS - NDISKS / NDOMS, 5000);
	for (unsigned i = 0; i < NDISKS; i++)
		assert_true((xbfix_dev(&t, &d[i]) != NULL) == (d[i].domid != 2));
	/* the whole directory goes: every disk */
	snprintf(dom, sizeof(dom), XS_FMT_BACKEND_VBD, 0u);
	assert_true(xs_rm(t.xs, XBT_NULL, dom));
	serve_until_count(&t, 0, 5000);
	assert_int_equal(t.bb.xb.index.n, 0);
	for (unsigned i = 0; i < NDISKS; i++)
		xs_rm(t.xs, XBT_NULL, d[i].fe);
	free(d);
	xbfix_teardown(&t);
}

static void test_limit(void **state)
{
	(void)state;
	struct xbfix t;
	xbfix_setup(&t, 0, 0);
	assert_int_equal(t.bb.xb.max_devices, XB_MAX_DEVICES_DEFAULT);
	t.bb.xb.max_devices = 2;
	struct xbdisk a, b, c;
	xbdisk_add(&t, &a, 1, 51712, false);
	xbdisk_add(&t, &b, 2, 51712, false);
	xbfix_until_state(&t, &a, 2, 3000);
	xbfix_until_state(&t, &b, 2, 3000);
	xbdisk_add(&t, &c, 3, 51728, false);
	xbfix_serve(&t, 100);
	assert_int_equal(t.bb.xb.ndevs, 2);
	assert_null(xbfix_dev(&t, &c));
	assert_int_equal(xbdisk_be_state(&t, &c), 1); /* untouched */
	assert_true(xbfix_logged(&t, "domain 3 vbd 51728: not served: this backend serves 2 devices already, "
				     "its limit; start it with a larger --max-devices"));
	assert_false(xbfix_logged(&t, "domain 2 vbd 51712: not served"));
	/* room again: the refused disk is served without any event of its own */
	xbdisk_remove(&t, &a);
	xbfix_until_state(&t, &c, 2, 3000);
	assert_int_equal(t.bb.xb.ndevs, 2);
	assert_non_null(xbfix_dev(&t, &c));
	assert_null(xbfix_dev(&t, &a));
	xbdisk_connect(&t, &c);
	xbdisk_io(&t, &c, 8, 5);
	xbfix_teardown(&t);
}

/* After shutdown nothing new is served, even a disk refused before. */
static void test_limit_shutdown(void **state)
{
	(void)state;
	struct xbfix t;
	xbfix_setup(&t, 0, 0);
	t.bb.xb.max_devices = 1;
	struct xbdisk a, b;
	xbdisk_add(&t, &a, 1, 51712, false);
	xbfix_until_state(&t, &a, 2, 3000);
	xbdisk_add(&t, &b, 2, 51712, false);
	xbfix_serve(&t, 50);
	assert_null(xbfix_dev(&t, &b));
	xb_backend_shutdown(&t.bb.xb);
	for (int i = 0; i < 100; i++)
		xbfix_serve(&t, 5);
	assert_int_equal(t.bb.xb.ndevs, 0);
	assert_int_equal(xbdisk_be_state(&t, &b), 1);
	xbfix_teardown(&t);
}

/* The frontend's watch token names its device: an event for one device
 * with another's token, or a token of no device, changes nothing. */
static void test_fe_token(void **state)
{
	(void)state;
	struct xbfix t;
	xbfix_setup(&t, 0, 0);
	struct xbdisk a, b;
	xbdisk_add(&t, &a, 4, 51712, false);
	xbdisk_add(&t, &b, 5, 51712, false);
	xbfix_until_state(&t, &a, 2, 3000);
	xbfix_until_state(&t, &b, 2, 3000);
	struct xb_dev *da = xbfix_dev(&t, &a), *db = xbfix_dev(&t, &b);
	assert_string_equal(da->token, "fe/4/51712");
	assert_string_equal(db->token, "fe/5/51712");
	/* a's frontend goes Closing: only a moves */
	xbdisk_fe_write(&t, &a, XS_KEY_STATE, "5");
	xbfix_until_state(&t, &a, 5, 3000);
	assert_int_equal(xbdisk_be_state(&t, &b), 2);
	assert_false(db->dirty);
	xbfix_teardown(&t);
}

/* A served disk holds no I/O thread until its first request. */
static void test_threads_on_first_io(void **state)
{
	(void)state;
	struct xbfix t;
	xbfix_setup(&t, 4, 0);
	struct xbdisk a, b;
	xbdisk_add(&t, &a, 1, 51712, false);
	xbdisk_add(&t, &b, 1, 51728, false);
	xbdisk_connect(&t, &a);
	xbfix_until_state(&t, &b, 2, 3000);
	struct blk_dev *ba = xbfix_dev(&t, &a)->priv, *bb = xbfix_dev(&t, &b)->priv;
	assert_int_equal(blk_io_threads(ba->io), 0);
	assert_false(blk_io_uring_active(ba->io));
	xbdisk_io(&t, &a, 8, 3);
	assert_int_equal(blk_io_threads(ba->io), 4);
	assert_int_equal(blk_io_threads(bb->io), 0);
	xbfix_teardown(&t);
}

/* A poll looks at the devices that have something to do, a service pass
 * at the busy ones: idle devices are on neither list, an event puts its
 * device there and it leaves once idle; an event's port finds its device
 * in one lookup, and goes with the queue. */
static void test_work_lists(void **state)
{
	(void)state;
	struct xbfix t;
	xbfix_setup(&t, 1, 0);
	struct xbdisk d[6];
	for (unsigned i = 0; i < 6; i++)
		xbdisk_add(&t, &d[i], 1 + i % 2, 51712 + 16 * (i / 2), false);
	serve_until_count(&t, 6, 5000);
	for (unsigned i = 0; i < 6; i++)
		xbfix_until_state(&t, &d[i], 2, 3000);
	struct xb_backend *b = &t.bb.xb;
	xbfix_serve(&t, 20);
	assert_int_equal(b->nwork, 0);
	assert_int_equal(b->nactive, 0);
	/* each domain's devices counted */
	assert_int_equal((uintptr_t)idmap_get(&b->domains, 1), 3);
	assert_int_equal((uintptr_t)idmap_get(&b->domains, 2), 3);
	assert_null(idmap_get(&b->domains, 3));

	/* a kicked device is on the work list once, and off it after a poll */
	struct xb_dev *x3 = xbfix_dev(&t, &d[3]);
	xb_dev_kick(x3);
	xb_dev_kick(x3);
	assert_int_equal(b->nwork, 1);
	assert_ptr_equal(b->work[0], x3);
	xb_backend_poll(b);
	assert_int_equal(b->nwork, 0);
	assert_false(x3->queued);

	/* connected: on the active list until its first pass finds it idle;
	 * its port leads to it */
	xbdisk_connect(&t, &d[3]);
	struct blk_dev *bd = x3->priv;
	assert_ptr_equal(idmap_get(&t.bb.ports, bd->q[0].port), x3);
	assert_int_equal(t.bb.ports.n, 1);
	xbfix_serve(&t, 20);
	assert_int_equal(b->nactive, 0);
	xbdisk_io(&t, &d[3], 8, 7);
	assert_false(x3->active);
	assert_int_equal(b->nactive, 0);

	/* activating twice is once; idling the first leaves the other where
	 * the list says */
	struct xb_dev *x0 = xbfix_dev(&t, &d[0]), *x5 = xbfix_dev(&t, &d[5]);
	xb_dev_activate(x0);
	xb_dev_activate(x5);
	xb_dev_activate(x0);
	assert_int_equal(b->nactive, 2);
	xb_dev_idle(x0);
	assert_int_equal(b->nactive, 1);
	assert_ptr_equal(b->active[0], x5);
	assert_int_equal(x5->aidx, 0);
	assert_false(x0->active);
	xb_dev_idle(x0); /* not on it: nothing */
	assert_int_equal(b->nactive, 1);

	/* a removed device leaves both lists, its domain's count and the port
	 * index; the last device of a domain takes the domain's count with it */
	xb_dev_kick(x5);
	xbdisk_remove(&t, &d[5]);
	serve_until_count(&t, 5, 3000);
	assert_int_equal(b->nactive, 0);
	assert_int_equal(b->nwork, 0);
	assert_int_equal((uintptr_t)idmap_get(&b->domains, 2), 2);
	xbdisk_remove(&t, &d[3]);
	serve_until_count(&t, 4, 3000);
	assert_int_equal(t.bb.ports.n, 0);
	xbdisk_remove(&t, &d[1]);
	serve_until_count(&t, 3, 3000);
	assert_null(idmap_get(&b->domains, 2));
	for (unsigned i = 0; i < b->ndevs; i++)
		assert_int_equal(b->devs[i]->idx, i);
	xbfix_teardown(&t);
}

/* A queue paused for an event storm keeps its device on the active list
 * (its timer re-arms the port), and serves again once the pause is over. */
static void test_storm_stays_active(void **state)
{
	(void)state;
	struct xbfix t;
	xbfix_setup(&t, 1, 0);
	struct xbdisk d;
	xbdisk_add(&t, &d, 1, 51712, false);
	xbdisk_connect(&t, &d);
	struct xb_dev *x = xbfix_dev(&t, &d);
	struct blk_dev *bd = x->priv;
	for (unsigned i = 0; i <= STORM_SPURIOUS_MAX && !bd->q[0].storm.paused_until; i++) {
		assert_int_equal(xenio_fake_guest_notify(t.f, d.domid, d.fe_ring.port), 0);
		xbfix_serve(&t, 1);
	}
	assert_true(bd->q[0].storm.paused_until != 0);
	xbfix_serve(&t, 1);
	assert_true(x->active);
	xbfix_serve(&t, 3 * STORM_PAUSE_MS);
	assert_int_equal(bd->q[0].storm.paused_until, 0);
	xbdisk_io(&t, &d, 16, 9); /* the port is armed again */
	assert_false(x->active);
	xbfix_teardown(&t);
}

static void test_daemon_options(void **state)
{
	(void)state;
	/* beside xctl-xenstored, which the harness finds */
	char bin[PATH_MAX + 32];
	snprintf(bin, sizeof(bin), "%s", xsd_binary());
	*strrchr(bin, '/') = '\0';
	const char *progs[] = { "xctl-blkback", "xctl-netback" };
	const char *bad[] = { "0", "65537", "x" };
	for (size_t i = 0; i < 2; i++) {
		char cmd[PATH_MAX + 128], out[2048] = "";
		for (size_t k = 0; k < 3; k++) {
			snprintf(cmd, sizeof(cmd), "%s/%s --max-devices %s 2>&1", bin, progs[i], bad[k]);
			FILE *f = popen(cmd, "r");
			assert_non_null(f);
			size_t n = fread(out, 1, sizeof(out) - 1, f);
			out[n] = 0;
			int st = pclose(f);
			assert_true(WIFEXITED(st));
			assert_int_equal(WEXITSTATUS(st), 2);
			assert_non_null(strstr(out, "--max-devices takes 1..65536"));
		}
		snprintf(cmd, sizeof(cmd), "%s/%s --help", bin, progs[i]);
		FILE *f = popen(cmd, "r");
		assert_non_null(f);
		size_t n = fread(out, 1, sizeof(out) - 1, f);
		out[n] = 0;
		assert_int_equal(pclose(f), 0);
		assert_non_null(strstr(out, "--max-devices N  serve at most N"));
		assert_non_null(strstr(out, "default 4096"));
	}
	/* blkback's I/O engine */
	char cmd[PATH_MAX + 128], out[2048] = "";
	snprintf(cmd, sizeof(cmd), "%s/xctl-blkback --io aio 2>&1", bin);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = 0;
	int st = pclose(f);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 2);
	assert_non_null(strstr(out, "--io takes uring or threads, not \"aio\""));
	const char *good[] = { "uring", "threads" };
	for (size_t i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd), "%s/xctl-blkback --io %s --help >/dev/null 2>&1", bin, good[i]);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idmap),
		cmocka_unit_test(test_idmap_runs),
		cmocka_unit_test(test_table_grows),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_limit_shutdown),
		cmocka_unit_test(test_fe_token),
		cmocka_unit_test(test_threads_on_first_io),
		cmocka_unit_test(test_work_lists),
		cmocka_unit_test(test_storm_stays_active),
		cmocka_unit_test(test_daemon_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
