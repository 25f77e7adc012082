/* SPDX-License-Identifier: LGPL-2.1-only */
/* hv/xen's devices of xctl's own backends (xen_standalone.c), against
 * xctl-xenstored (the code speaks libxenstore, which reaches any
 * xenstored): the nodes and permissions libxl writes for a phy disk or a
 * vif, with no backend state node until the backend writes one (so that
 * Linux's blkback and netback never probe them), the wait for InitWait,
 * hotplug-status, removal, the lists, destroy, and the creation filter. A
 * thread plays the backend. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "toolstack/hv/xen/xen_int.h"
#include "toolstack/config/resolve.h"
#include "tests/cli/runcmd.h"
#include "tests/xenstored/harness.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#define DOM 5u
#define VBD_BE "/local/domain/0/backend/vbd/5/51712"
#define VBD_FE "/local/domain/5/device/vbd/51712"
#define VIF_BE "/local/domain/0/backend/vif/5/1"
#define VIF_FE "/local/domain/5/device/vif/1"

/* The backend: answers a new device (no state node) with InitWait and
 * Closing with Closed, unless told not to. */
struct fakebe {
	pthread_t th;
	volatile int stop;
	volatile int answer_new, answer_close;
	volatile int refuse; /* a new device is answered Closed, as a backend refusing it */
	volatile int saw_state_at_first; /* a device's state existed when it appeared */
};

static struct xsd_daemon xsd;

static char *rd(struct xs_handle *xs, const char *p)
{
	unsigned len;
	return xs_read(xs, XBT_NULL, p, &len);
}

/* One look at a device and at most one answer, in a transaction: a device
 * the toolstack removes meanwhile is not brought back by the answer (a
 * write outside one would make its directory again, as a real backend's
 * would) */
static bool answer_txn(struct fakebe *f, struct xs_handle *xs, const char *be)
{
	char p[200];
	unsigned len;
	xs_transaction_t tx = xs_transaction_start(xs);
	if (tx == XBT_NULL)
		return true;
	char *dir = xs_read(xs, tx, be, &len);
	snprintf(p, sizeof(p), "%s/state", be);
	char *st = dir ? xs_read(xs, tx, p, &len) : NULL;
	/* the toolstack's transaction is whole when the frontend node is there */
	snprintf(p, sizeof(p), "%s/frontend", be);
	char *fe = dir ? xs_read(xs, tx, p, &len) : NULL;
	snprintf(p, sizeof(p), "%s/state", be);
	if (dir && !st && fe && f->answer_new) {
		xs_write(xs, tx, p, f->refuse ? "6" : "2", 1);
	} else if (st && fe && !strcmp(st, "1")) {
		f->saw_state_at_first = 1;
	} else if (st && !strcmp(st, "5") && f->answer_close) {
		xs_write(xs, tx, p, "6", 1);
	}
	free(dir);
	free(st);
	free(fe);
	return xs_transaction_end(xs, tx, false) || errno != EAGAIN;
}

static void answer(struct fakebe *f, struct xs_handle *xs, const char *be)
{
	while (!answer_txn(f, xs, be))
		;
}

static void *fakebe_main(void *arg)
{
	struct fakebe *f = arg;
	struct xs_handle *xs = xs_open(0);
	if (!xs)
		return NULL;
	xs_watch(xs, "/local/domain/0/backend", "be");
	while (!f->stop) {
		struct pollfd pfd = { .fd = xs_fileno(xs), .events = POLLIN };
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		unsigned n;
		free(xs_read_watch(xs, &n));
		answer(f, xs, VBD_BE);
		answer(f, xs, VIF_BE);
		answer(f, xs, "/local/domain/0/backend/vbd/5/51728");
	}
	xs_close(xs);
	return NULL;
}

struct t {
	struct xctl_log log;
	struct xctl_hv hv;
	struct fakebe be;
	struct xs_handle *xs;
};

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));
	if (!t || xsd_start(&xsd, NULL))
		return -1;
	xctl_log_init(&t->log, "test", XCTL_LOG_ERROR);
	t->hv.log = &t->log;
	t->xs = xs_open(0);
	if (!t->xs)
		return -1;
	/* the guest (and a driver domain 3), as Xen and libxl make them */
	if (!xs_introduce_domain(t->xs, DOM, 1, 1) || !xs_introduce_domain(t->xs, 3, 2, 2))
		return -1;
	xs_write(t->xs, XBT_NULL, "/local/domain/5/name", "g", 1);
	t->be.answer_new = t->be.answer_close = 1;
	if (pthread_create(&t->be.th, NULL, fakebe_main, &t->be))
		return -1;
	usleep(50000);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;
	t->be.stop = 1;
	pthread_join(t->be.th, NULL);
	xs_close(t->xs);
	xsd_stop(&xsd);
	xsd_cleanup(&xsd);
	free(t);
	return 0;
}

static void assert_node(struct xs_handle *xs, const char *path, const char *want)
{
	char *v = rd(xs, path);
	if (!v || strcmp(v, want))
		print_message("%s: '%s', expected '%s'\n", path, v ? v : "(none)", want);
	assert_non_null(v);
	assert_string_equal(v, want);
	free(v);
}

static void assert_absent(struct xs_handle *xs, const char *path)
{
	char *v = rd(xs, path);
	if (v)
		print_message("%s: '%s', expected no node\n", path, v);
	assert_null(v);
}

/* owner, and the one other domain's permission (r: read) */
static void assert_perms(struct xs_handle *xs, const char *path, unsigned owner, unsigned other)
{
	unsigned n = 0;
	struct xs_permissions *p = xs_get_permissions(xs, XBT_NULL, path, &n);
	assert_non_null(p);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].id, owner);
	assert_int_equal(p[0].perms, XS_PERM_NONE);
	assert_int_equal(p[1].id, other);
	assert_int_equal(p[1].perms, XS_PERM_READ);
	free(p);
}

static void disk_init(libxl_device_disk *d, const char *vdev, const char *target)
{
	libxl_device_disk_init(d);
	d->vdev = strdup(vdev);
	d->pdev_path = strdup(target);
	d->backend = LIBXL_DISK_BACKEND_STANDALONE;
	d->readwrite = 1;
}

static void test_disk_nodes(void **state)
{
	struct t *t = *state;
	libxl_device_disk d;
	disk_init(&d, "xvda", "/tmp/disk.img");
	assert_int_equal(xctl_xen_sa_disk_add(&t->hv, DOM, &d, 51712, true, 5000), 0);
	libxl_device_disk_dispose(&d);
	/* the kernel's xenbus would have probed a state of 1 */
	assert_int_equal(t->be.saw_state_at_first, 0);
	assert_node(t->xs, VBD_BE "/state", "2");
	assert_node(t->xs, VBD_BE "/type", "standalone");
	assert_node(t->xs, VBD_BE "/params", "/tmp/disk.img");
	assert_node(t->xs, VBD_BE "/frontend", VBD_FE);
	assert_node(t->xs, VBD_BE "/frontend-id", "5");
	assert_node(t->xs, VBD_BE "/online", "1");
	assert_node(t->xs, VBD_BE "/mode", "w");
	assert_node(t->xs, VBD_BE "/dev", "xvda");
	assert_node(t->xs, VBD_BE "/device-type", "disk");
	assert_node(t->xs, VBD_BE "/removable", "0");
	assert_node(t->xs, VBD_BE "/bootable", "1");
	assert_node(t->xs, VBD_BE "/discard-enable", "1");
	assert_node(t->xs, VBD_BE "/specification", "xen");
	assert_node(t->xs, VBD_BE "/hotplug-status", "connected");
	assert_absent(t->xs, VBD_BE "/script");
	assert_perms(t->xs, VBD_BE, 0, DOM);
	assert_node(t->xs, VBD_FE "/backend", VBD_BE);
	assert_node(t->xs, VBD_FE "/backend-id", "0");
	assert_node(t->xs, VBD_FE "/state", "1");
	assert_node(t->xs, VBD_FE "/virtual-device", "51712");
	assert_node(t->xs, VBD_FE "/device-type", "disk");
	assert_node(t->xs, VBD_FE "/trusted", "1");
	assert_node(t->xs, VBD_FE "/protocol", "x86_64-abi");
	assert_perms(t->xs, VBD_FE, DOM, 0);
	/* nothing under /libxl: libxl would run hotplug scripts for it */
	assert_absent(t->xs, "/libxl/5/device/vbd/51712/frontend");

	/* a second add of the same disk is refused and changes nothing */
	disk_init(&d, "xvda", "/tmp/other.img");
	assert_int_equal(xctl_xen_sa_disk_add(&t->hv, DOM, &d, 51712, true, 5000), XCTL_ERR_EXISTS);
	libxl_device_disk_dispose(&d);
	assert_node(t->xs, VBD_BE "/params", "/tmp/disk.img");

	/* listed, with the frontend's numbers */
	xs_write(t->xs, XBT_NULL, VBD_FE "/ring-ref", "8", 1);
	xs_write(t->xs, XBT_NULL, VBD_FE "/event-channel", "9", 1);
	struct xctl_hv_devinfo *v = NULL;
	size_t n = 0;
	assert_int_equal(xctl_xen_sa_list(&t->hv, DOM, XCTL_HV_DEV_VBD, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].devid, 51712);
	assert_int_equal(v[0].backend_id, 0);
	assert_int_equal(v[0].frontend_id, DOM);
	assert_int_equal(v[0].state, 1);
	assert_int_equal(v[0].rref, 8);
	assert_int_equal(v[0].evtch, 9);
	assert_string_equal(v[0].vdev, "xvda");
	assert_string_equal(v[0].backend, VBD_BE);
	assert_string_equal(v[0].frontend, VBD_FE);
	free(v);

	/* detach: Closing, the backend answers Closed, the nodes go */
	xs_write(t->xs, XBT_NULL, VBD_BE "/state", "4", 1);
	assert_int_equal(xctl_xen_sa_remove(&t->hv, DOM, XCTL_HV_DEV_VBD, 51712, false, 5000), 0);
	assert_absent(t->xs, VBD_BE);
	assert_absent(t->xs, VBD_FE);
	assert_absent(t->xs, "/local/domain/0/backend/vbd/5");
	assert_int_equal(xctl_xen_sa_remove(&t->hv, DOM, XCTL_HV_DEV_VBD, 51712, false, 5000), XCTL_ERR_NOTFOUND);
}

static void test_vif_nodes(void **state)
{
	struct t *t = *state;
	libxl_device_nic n;
	libxl_device_nic_init(&n);
	n.devid = 1;
	n.script = strdup("xctl-netback");
	n.bridge = strdup("xenbr1");
	n.ifname = strdup("myvif");
	n.rate_bytes_per_interval = 1250;
	n.rate_interval_usecs = 50000;
	const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0x01, 0x02, 0x03 };
	memcpy(n.mac, mac, 6);
	assert_true(xctl_xen_sa_nic(&n));
	assert_int_equal(xctl_xen_sa_nic_add(&t->hv, DOM, &n, true, 5000), 0);
	libxl_device_nic_dispose(&n);
	assert_int_equal(t->be.saw_state_at_first, 0);
	assert_node(t->xs, VIF_BE "/state", "2");
	assert_node(t->xs, VIF_BE "/script", "/etc/xen/scripts/xctl-netback");
	assert_node(t->xs, VIF_BE "/bridge", "xenbr1");
	assert_node(t->xs, VIF_BE "/mac", "00:16:3e:01:02:03");
	assert_node(t->xs, VIF_BE "/handle", "1");
	assert_node(t->xs, VIF_BE "/type", "vif");
	assert_node(t->xs, VIF_BE "/vifname", "myvif");
	assert_node(t->xs, VIF_BE "/rate", "1250,50000");
	assert_node(t->xs, VIF_BE "/frontend", VIF_FE);
	assert_node(t->xs, VIF_BE "/frontend-id", "5");
	assert_node(t->xs, VIF_BE "/online", "1");
	assert_node(t->xs, VIF_BE "/hotplug-status", "connected");
	assert_perms(t->xs, VIF_BE, 0, DOM);
	assert_node(t->xs, VIF_FE "/backend", VIF_BE);
	assert_node(t->xs, VIF_FE "/state", "1");
	assert_node(t->xs, VIF_FE "/handle", "1");
	assert_node(t->xs, VIF_FE "/mac", "00:16:3e:01:02:03");
	assert_node(t->xs, VIF_FE "/mtu", "1500");
	assert_perms(t->xs, VIF_FE, DOM, 0);
	assert_perms(t->xs, VIF_FE "/mtu", 0, DOM);

	struct xctl_hv_devinfo *v = NULL;
	size_t k = 0;
	assert_int_equal(xctl_xen_sa_list(&t->hv, DOM, XCTL_HV_DEV_VIF, &v, &k), 0);
	assert_int_equal(k, 1);
	assert_int_equal(v[0].devid, 1);
	assert_memory_equal(v[0].mac, mac, 6);
	free(v);
	/* a MAC node that does not parse is listed as zeros */
	xs_write(t->xs, XBT_NULL, VIF_BE "/mac", "zz", 2);
	v = NULL;
	k = 0;
	assert_int_equal(xctl_xen_sa_list(&t->hv, DOM, XCTL_HV_DEV_VIF, &v, &k), 0);
	assert_int_equal(k, 1);
	assert_memory_equal(v[0].mac, "\0\0\0\0\0\0", 6);
	free(v);

	/* a backend that never closes: the detach waits, then keeps it; -f not */
	t->be.answer_close = 0;
	xs_write(t->xs, XBT_NULL, VIF_BE "/state", "4", 1);
	assert_int_equal(xctl_xen_sa_remove(&t->hv, DOM, XCTL_HV_DEV_VIF, 1, false, 300), XCTL_ERR_TIMEOUT);
	assert_node(t->xs, VIF_BE "/online", "0");
	assert_node(t->xs, VIF_FE "/state", "1");
	assert_int_equal(xctl_xen_sa_remove(&t->hv, DOM, XCTL_HV_DEV_VIF, 1, true, 300), 0);
	t->be.answer_close = 1;
	assert_absent(t->xs, VIF_BE);
	assert_absent(t->xs, VIF_FE);

	/* no MAC given: Xen's OUI and random bytes, as libxl draws them */
	libxl_device_nic_init(&n);
	n.devid = 1;
	n.script = strdup("/etc/xen/scripts/xctl-netback");
	assert_int_equal(xctl_xen_sa_nic_add(&t->hv, DOM, &n, true, 5000), 0);
	libxl_device_nic_dispose(&n);
	char *m = rd(t->xs, VIF_BE "/mac");
	assert_non_null(m);
	assert_int_equal(strncmp(m, "00:16:3e:", 9), 0);
	assert_string_not_equal(m, "00:16:3e:00:00:00");
	free(m);
	assert_node(t->xs, VIF_BE "/bridge", "xenbr0");
	assert_int_equal(xctl_xen_sa_remove(&t->hv, DOM, XCTL_HV_DEV_VIF, 1, true, 0), 0);
}

/* No backend: the add fails after the wait, naming the daemon, and leaves
 * nothing. */
static void test_no_backend(void **state)
{
	struct t *t = *state;
	t->be.answer_new = 0;
	libxl_device_disk d;
	disk_init(&d, "xvda", "/tmp/disk.img");
	assert_int_equal(xctl_xen_sa_disk_add(&t->hv, DOM, &d, 51712, true, 300), XCTL_ERR_TIMEOUT);
	libxl_device_disk_dispose(&d);
	t->be.answer_new = 1;
	assert_absent(t->xs, VBD_BE);
	assert_absent(t->xs, VBD_FE);
	/* a backend that refuses the device (Closed at once): an error without
	 * the wait, naming the backend, and nothing left */
	disk_init(&d, "xvda", "/tmp/disk.img");
	t->be.refuse = 1;
	long t0 = xctl_mono_ms();
	assert_int_equal(xctl_xen_sa_disk_add(&t->hv, DOM, &d, 51712, true, 5000), XCTL_ERR_PROTO);
	assert_true(xctl_mono_ms() - t0 < 4000);
	t->be.refuse = 0;
	libxl_device_disk_dispose(&d);
	assert_absent(t->xs, VBD_BE);
	assert_absent(t->xs, VBD_FE);
	/* a failing xenstore transaction leaves nothing either */
	disk_init(&d, "xvda", "/tmp/disk.img");
	t->hv.calls = 0;
	t->hv.fault_at = 2; /* xs_open, then the transaction */
	assert_int_equal(xctl_xen_sa_disk_add(&t->hv, DOM, &d, 51712, false, 300), XCTL_ERR_XENSTORE);
	t->hv.fault_at = 0;
	libxl_device_disk_dispose(&d);
	assert_absent(t->xs, VBD_BE);
	assert_absent(t->xs, VBD_FE);
	/* an HVM guest's disk has no protocol node */
	disk_init(&d, "xvda", "/tmp/disk.img");
	assert_int_equal(xctl_xen_sa_disk_add(&t->hv, DOM, &d, 51712, false, 5000), 0);
	libxl_device_disk_dispose(&d);
	assert_absent(t->xs, VBD_FE "/protocol");
	assert_int_equal(xctl_xen_sa_remove(&t->hv, DOM, XCTL_HV_DEV_VBD, 51712, true, 0), 0);
}

/* What is not ours is neither listed nor removed: a kernel (phy) disk, and
 * a frontend whose guest-written backend-id points at another backend. */
static void test_not_ours(void **state)
{
	struct t *t = *state;
	struct xs_handle *xs = t->xs;
	xs_write(xs, XBT_NULL, VBD_BE "/frontend", VBD_FE, strlen(VBD_FE));
	xs_write(xs, XBT_NULL, VBD_BE "/type", "phy", 3);
	xs_write(xs, XBT_NULL, VBD_FE "/backend-id", "0", 1);
	struct xctl_hv_devinfo *v = NULL;
	size_t n = 0;
	assert_int_equal(xctl_xen_sa_list(&t->hv, DOM, XCTL_HV_DEV_VBD, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(xctl_xen_sa_remove(&t->hv, DOM, XCTL_HV_DEV_VBD, 51712, true, 0), XCTL_ERR_NOTFOUND);
	assert_int_equal(xctl_xen_sa_destroy(&t->hv, DOM, false), 0);
	assert_int_equal(xctl_xen_sa_destroy(&t->hv, DOM, true), 0);
	assert_node(xs, VBD_BE "/type", "phy");

	/* ours in backend 0, but the frontend names backend 3, whose nodes
	 * do not point back: not believed */
	xs_write(xs, XBT_NULL, VBD_BE "/type", "standalone", 10);
	xs_write(xs, XBT_NULL, VBD_FE "/backend-id", "3", 1);
	assert_int_equal(xctl_xen_sa_list(&t->hv, DOM, XCTL_HV_DEV_VBD, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(xctl_xen_sa_remove(&t->hv, DOM, XCTL_HV_DEV_VBD, 51712, true, 0), XCTL_ERR_NOTFOUND);
	/* backend 3's nodes that point elsewhere are not believed either */
	xs_write(xs, XBT_NULL, "/local/domain/3/backend/vbd/5/51712/frontend", "/local/domain/6/device/vbd/51712",
		 strlen("/local/domain/6/device/vbd/51712"));
	xs_write(xs, XBT_NULL, "/local/domain/3/backend/vbd/5/51712/type", "standalone", 10);
	assert_int_equal(xctl_xen_sa_remove(&t->hv, DOM, XCTL_HV_DEV_VBD, 51712, true, 0), XCTL_ERR_NOTFOUND);
	assert_node(xs, "/local/domain/3/backend/vbd/5/51712/type", "standalone");
	/* garbage in backend-id */
	xs_write(xs, XBT_NULL, VBD_FE "/backend-id", "x", 1);
	assert_int_equal(xctl_xen_sa_list(&t->hv, DOM, XCTL_HV_DEV_VBD, &v, &n), 0);
	assert_int_equal(n, 0);

	/* with the frontend true again it is ours: destroy (frontends) takes it */
	xs_write(xs, XBT_NULL, VBD_FE "/backend-id", "0", 1);
	assert_int_equal(xctl_xen_sa_list(&t->hv, DOM, XCTL_HV_DEV_VBD, &v, &n), 0);
	assert_int_equal(n, 1);
	free(v);
	assert_int_equal(xctl_xen_sa_destroy(&t->hv, DOM, false), 0);
	assert_absent(xs, VBD_BE);
	xs_rm(xs, XBT_NULL, "/local/domain/3");
}

/* After libxl's destroy (no frontends left): dom0's nodes of ours for the
 * domain go, a kernel device's stay (libxl removes those). */
static void test_destroy_leftovers(void **state)
{
	struct t *t = *state;
	struct xs_handle *xs = t->xs;
	xs_write(xs, XBT_NULL, VBD_BE "/type", "standalone", 10);
	xs_write(xs, XBT_NULL, "/local/domain/0/backend/vbd/5/51728/type", "phy", 3);
	xs_write(xs, XBT_NULL, VIF_BE "/script", "/etc/xen/scripts/xctl-netback", 29);
	xs_write(xs, XBT_NULL, "/local/domain/0/backend/vif/5/0/script", "/etc/xen/scripts/vif-bridge", 27);
	xs_rm(xs, XBT_NULL, "/local/domain/5/device");
	assert_int_equal(xctl_xen_sa_destroy(&t->hv, DOM, true), 0);
	assert_absent(xs, VBD_BE);
	assert_absent(xs, VIF_BE);
	assert_node(xs, "/local/domain/0/backend/vbd/5/51728/type", "phy");
	assert_node(xs, "/local/domain/0/backend/vif/5/0/script", "/etc/xen/scripts/vif-bridge");
	xs_rm(xs, XBT_NULL, "/local/domain/0/backend");
}

/* Creation: libxl is given every device but ours, in order. */
static void test_filter(void **state)
{
	(void)state;
	libxl_domain_config d;
	libxl_domain_config_init(&d);
	d.num_disks = 3;
	d.disks = calloc(3, sizeof(*d.disks));
	d.num_nics = 3;
	d.nics = calloc(3, sizeof(*d.nics));
	assert_non_null(d.disks);
	assert_non_null(d.nics);
	const char *vdevs[] = { "xvda", "xvdb", "xvdc" };
	const char *scripts[] = { "vif-bridge", "/etc/xen/scripts/xctl-netback", NULL };
	for (int i = 0; i < 3; i++) {
		disk_init(&d.disks[i], vdevs[i], "/x");
		d.disks[i].backend = i == 1 ? LIBXL_DISK_BACKEND_PHY : LIBXL_DISK_BACKEND_STANDALONE;
		libxl_device_nic_init(&d.nics[i]);
		d.nics[i].devid = i;
		d.nics[i].script = scripts[i] ? strdup(scripts[i]) : NULL;
	}
	xctl_xen_sa_filter(&d);
	assert_int_equal(d.num_disks, 1);
	assert_string_equal(d.disks[0].vdev, "xvdb");
	assert_int_equal(d.num_nics, 2);
	assert_int_equal(d.nics[0].devid, 0);
	assert_int_equal(d.nics[1].devid, 2);
	/* the base name counts, not a suffix */
	libxl_device_nic n;
	libxl_device_nic_init(&n);
	n.script = strdup("/etc/xen/scripts/my-xctl-netback");
	assert_false(xctl_xen_sa_nic(&n));
	libxl_device_nic_dispose(&n);
	libxl_domain_config_dispose(&d);
}

/* The creation steps: one per device of ours, after libxl's; each writes
 * its device and its undo removes it. */
static void test_create_steps(void **state)
{
	struct t *t = *state;
	char *dir = runcmd_mkdtemp();
	char path[4096];
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/g.cfg", dir);
	assert_int_equal(runcmd_write_file(path, "name = \"g\"\ntype = \"pv\"\nmemory = 128\nkernel = \"/k\"\n"
						 "disk = [ \"vdev=xvdb,target=/x\", "
						 "\"vdev=xvda,backendtype=standalone,target=/tmp/disk.img\" ]\n"
						 "vif = [ \"bridge=xenbr0\", \"mac=00:16:3e:00:00:07,script=xctl-netback\" ]\n"),
			 0);
	struct xctl_domain_config m;
	struct xctl_global_config g;
	struct xctl_diags d;
	xctl_diags_init(&d);
	assert_int_equal(xctl_global_init(&g), 0);
	struct xctl_resolve_opts o = { .global = &g };
	assert_int_equal(xctl_config_load(path, NULL, 0, &o, &m, &d), 0);
	xctl_diags_free(&d);
	struct xctl_hv_build b = { .cfg = &m, .global = &g, .device_timeout_ms = 5000, .domid = DOM,
				   .have_domid = true };
	struct xctl_hv_step *steps = NULL;
	size_t n = 0;
	assert_int_equal(xctl_xen_sa_steps(&t->hv, &b, &steps, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(steps[i].run(&t->hv, &b, steps[i].arg), 0);
	assert_node(t->xs, VBD_BE "/type", "standalone");
	assert_node(t->xs, VBD_FE "/protocol", "x86_64-abi");
	assert_node(t->xs, VIF_BE "/mac", "00:16:3e:00:00:07");
	assert_absent(t->xs, "/local/domain/0/backend/vbd/5/51728");
	assert_absent(t->xs, "/local/domain/0/backend/vif/5/0");
	for (size_t i = n; i-- > 0;)
		assert_int_equal(steps[i].undo(&t->hv, &b, steps[i].arg), 0);
	assert_absent(t->xs, VBD_BE);
	assert_absent(t->xs, VIF_BE);
	/* an undo finds its device gone already (a crash record's second try) */
	for (size_t i = n; i-- > 0;)
		assert_int_equal(steps[i].undo(&t->hv, &b, steps[i].arg), 0);
	free(steps);
	xctl_model_dispose(&m);
	xctl_global_dispose(&g);
	runcmd_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disk_nodes),    cmocka_unit_test(test_vif_nodes),
		cmocka_unit_test(test_no_backend),    cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_destroy_leftovers), cmocka_unit_test(test_filter),
		cmocka_unit_test(test_create_steps),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
