/* SPDX-License-Identifier: LGPL-2.1-only */
/* block-* and network-* commands: the list formats against xl 4.17's format
 * strings (tools/xl/xl_block.c main_blocklist, xl_nic.c main_networklist,
 * copied here as xl has them), the --json objects, and the commands on a
 * simulated host of the test's own (it dies with the test: the host's
 * lifeline): bad input refused with what to do, a failure at any hv call of
 * an attach leaving nothing, the saved configuration kept in step. */
#include "tests/cli/runcmd.h"
#include "toolstack/cli/devfmt.h"
#include "common/json.h"
#include "common/util.h"

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

/* ---- formats */

static char *capture(void (*fn)(FILE *, const struct xctl_hv_devinfo *), const struct xctl_hv_devinfo *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	fn(f, d);
	fclose(f);
	return buf;
}

static void block_header(FILE *f, const struct xctl_hv_devinfo *d)
{
	(void)d;
	xctl_devfmt_block_header(f);
}

static void network_header(FILE *f, const struct xctl_hv_devinfo *d)
{
	(void)d;
	xctl_devfmt_network_header(f);
}

static void test_block_format(void **state)
{
	(void)state;
	char want[512];
	char *got = capture(block_header, NULL);
	snprintf(want, sizeof(want), "%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle", "state", "evt-ch",
		 "ring-ref", "BE-path");
	assert_string_equal(got, want);
	assert_string_equal(got, "Vdev  BE  handle state evt-ch ring-ref BE-path                       \n");
	free(got);
	struct xctl_hv_devinfo rows[] = {
		{ .kind = XCTL_HV_DEV_VBD, .devid = 51728, .backend_id = 0, .frontend_id = 7, .state = 4, .evtch = 12,
		  .rref = 8, .backend = "/local/domain/0/backend/vbd/7/51728" },
		{ .kind = XCTL_HV_DEV_VBD, .devid = 268439552, .backend_id = 123, .frontend_id = 4567, .state = -1,
		  .evtch = -1, .rref = -1, .backend = "/b" },
	};
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(rows); i++) {
		const struct xctl_hv_devinfo *d = &rows[i];
		got = capture(xctl_devfmt_block_row, d);
		snprintf(want, sizeof(want), "%-5d %-3d %-6d %-5d %-6d %-8d %-30s\n", d->devid, (int)d->backend_id,
			 (int)d->frontend_id, d->state, d->evtch, d->rref, d->backend);
		assert_string_equal(got, want);
		free(got);
	}
	got = capture(xctl_devfmt_block_row, &rows[0]);
	assert_string_equal(got, "51728 0   7      4     12     8        /local/domain/0/backend/vbd/7/51728\n");
	free(got);
}

static void test_network_format(void **state)
{
	(void)state;
	char want[512];
	char *got = capture(network_header, NULL);
	snprintf(want, sizeof(want), "%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE", "Mac Addr.",
		 "handle", "state", "evt-ch", "tx-", "rx-ring-ref", "BE-path");
	assert_string_equal(got, want);
	assert_string_equal(got, "Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref BE-path                       \n");
	free(got);
	struct xctl_hv_devinfo rows[] = {
		{ .kind = XCTL_HV_DEV_VIF, .devid = 1, .backend_id = 0, .frontend_id = 3, .state = 4, .evtch = 17,
		  .rref_tx = 768, .rref_rx = 769, .backend = "/local/domain/0/backend/vif/3/1",
		  .mac = { 0x00, 0x16, 0x3e, 0x0a, 0xbc, 0xff } },
		{ .kind = XCTL_HV_DEV_VIF, .devid = 1234, .backend_id = 99, .frontend_id = 3, .state = -1, .evtch = -1,
		  .rref_tx = -1, .rref_rx = -1, .backend = "/x", .mac = { 0xfe, 0x01, 0x02, 0x03, 0x04, 0x05 } },
	};
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(rows); i++) {
		const struct xctl_hv_devinfo *d = &rows[i];
		char mac[32];
		got = capture(xctl_devfmt_network_row, d);
		int n = snprintf(want, sizeof(want), "%-3d %-2d ", d->devid, (int)d->backend_id);
		/* LIBXL_MAC_FMT, LIBXL_MAC_BYTES */
		snprintf(mac, sizeof(mac), "%02hhx:%02hhx:%02hhx:%02hhx:%02hhx:%02hhx", d->mac[0], d->mac[1], d->mac[2],
			 d->mac[3], d->mac[4], d->mac[5]);
		n += snprintf(want + n, sizeof(want) - (size_t)n, "%s", mac);
		snprintf(want + n, sizeof(want) - (size_t)n, "%6d %5d %6d %5d/%-11d %-30s\n", d->devid, d->state, d->evtch,
			 d->rref_tx, d->rref_rx, d->backend);
		assert_string_equal(got, want);
		free(got);
	}
	got = capture(xctl_devfmt_network_row, &rows[0]);
	assert_string_equal(got,
			    "1   0  00:16:3e:0a:bc:ff     1     4     17   768/769         /local/domain/0/backend/vif/3/1\n");
	free(got);
}

static struct xctl_jv *json_of(const struct xctl_hv_devinfo *d)
{
	struct xctl_jw *w = xctl_jw_new(false);
	const char *text;
	size_t len;
	struct xctl_jv *v = NULL;
	char err[128];
	xctl_devfmt_json(w, "web", 7, d);
	assert_int_equal(xctl_jw_finish(w, &text, &len), 0);
	assert_int_equal(xctl_json_parse(text, len, &v, err, sizeof(err)), 0);
	xctl_jw_free(w);
	return v;
}

static int64_t jint(const struct xctl_jv *o, const char *key)
{
	const struct xctl_jv *v = xctl_jv_get(o, key);
	assert_non_null(v);
	assert_int_equal(v->type, XCTL_JINT);
	return v->u.i;
}

static const char *jstr(const struct xctl_jv *o, const char *key)
{
	const struct xctl_jv *v = xctl_jv_get(o, key);
	assert_non_null(v);
	assert_int_equal(v->type, XCTL_JSTRING);
	return v->u.s;
}

static void test_json(void **state)
{
	(void)state;
	struct xctl_hv_devinfo b = { .kind = XCTL_HV_DEV_VBD, .devid = 51728, .backend_id = 2, .frontend_id = 7,
				     .state = 4, .evtch = 12, .rref = 8, .backend = "/be", .frontend = "/fe",
				     .vdev = "xvdb" };
	struct xctl_jv *v = json_of(&b);
	assert_string_equal(jstr(v, "domain"), "web");
	assert_int_equal(jint(v, "domid"), 7);
	assert_string_equal(jstr(v, "vdev"), "xvdb");
	assert_int_equal(jint(v, "devid"), 51728);
	assert_int_equal(jint(v, "backend_id"), 2);
	assert_int_equal(jint(v, "frontend_id"), 7);
	assert_int_equal(jint(v, "state"), 4);
	assert_int_equal(jint(v, "evtch"), 12);
	assert_int_equal(jint(v, "ring_ref"), 8);
	assert_string_equal(jstr(v, "backend"), "/be");
	assert_string_equal(jstr(v, "frontend"), "/fe");
	assert_null(xctl_jv_get(v, "mac"));
	xctl_jv_free(v);
	b.vdev[0] = '\0';
	v = json_of(&b);
	assert_int_equal(xctl_jv_get(v, "vdev")->type, XCTL_JNULL);
	xctl_jv_free(v);
	struct xctl_hv_devinfo n = { .kind = XCTL_HV_DEV_VIF, .devid = 1, .frontend_id = 7, .state = 3, .evtch = -1,
				     .rref_tx = 768, .rref_rx = -1, .backend = "/b", .frontend = "/f",
				     .mac = { 0x00, 0x16, 0x3e, 0xab, 0x01, 0x02 } };
	v = json_of(&n);
	assert_string_equal(jstr(v, "mac"), "00:16:3e:ab:01:02");
	assert_int_equal(jint(v, "devid"), 1);
	assert_int_equal(jint(v, "state"), 3);
	assert_int_equal(jint(v, "evtch"), -1);
	assert_int_equal(jint(v, "tx_ring_ref"), 768);
	assert_int_equal(jint(v, "rx_ring_ref"), -1);
	assert_null(xctl_jv_get(v, "vdev"));
	assert_null(xctl_jv_get(v, "ring_ref"));
	xctl_jv_free(v);
}

/* ---- the commands on a simulated host */

static char *dir; /* the test's own directory: the host, state, images */

#define XCTL "\"$XCTL_BIN/xctl\" --sim"

static int host_setup(void **state)
{
	(void)state;
	dir = runcmd_mkdtemp();
	if (!dir)
		return -1;
	char v[600];
	const char *vars[][2] = {
		{ "XCTL_SIM_DIR", "sim" }, { "XCTL_STATE_DIR", "state" }, { "XCTL_LOG_DIR", "log" },
		{ "XCTL_HOOKS_DIR", "hooks" }, { "XENSTORED_PATH", "sim/xenstored.sock" },
	};
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(vars); i++) {
		snprintf(v, sizeof(v), "%s/%s", dir, vars[i][1]);
		setenv(vars[i][0], v, 1);
	}
	snprintf(v, sizeof(v), "%ld", (long)getpid());
	setenv("XCTL_SIM_LIFELINE", v, 1); /* the host goes with this program */
	struct runcmd_result r;
	runcmd(&r, "truncate -s 16M '%s/a.img' '%s/b.img' && " XCTL " create -q configs/pv.cfg 'name=\"devt\"' "
		   "'disk=[\"format=raw, vdev=xvda, access=rw, target=%s/a.img\"]' 'vif=[]'",
	       dir, dir, dir);
	int st = r.status;
	if (st)
		fprintf(stderr, "cannot create the test domain: %s%s\n", r.out, r.err);
	runcmd_free(&r);
	return st ? -1 : 0;
}

static int host_teardown(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, XCTL " sim stop");
	runcmd_free(&r);
	runcmd_rmtree(dir);
	free(dir);
	return 0;
}

/* Run xctl with the arguments; expect exit status want and each of the
 * NULL-terminated strings in stderr. */
static void expect(int want, const char *args, ...)
{
	struct runcmd_result r;
	runcmd(&r, XCTL " %s", args);
	if (r.status != want)
		fprintf(stderr, "xctl %s: exit %d, stdout:\n%s\nstderr:\n%s\n", args, r.status, r.out, r.err);
	assert_int_equal(r.status, want);
	va_list ap;
	va_start(ap, args);
	for (const char *s; (s = va_arg(ap, const char *));) {
		if (!strstr(r.err, s))
			fprintf(stderr, "xctl %s: stderr lacks '%s':\n%s\n", args, s, r.err);
		assert_non_null(strstr(r.err, s));
	}
	va_end(ap);
	runcmd_free(&r);
}

static void test_bad_input(void **state)
{
	(void)state;
	char a[1024];
	snprintf(a, sizeof(a), "block-attach nosuch 'format=raw, vdev=xvdb, target=%s/b.img'", dir);
	expect(1, a, "nosuch is an invalid domain identifier", "'xctl list' lists them", NULL);
	snprintf(a, sizeof(a), "block-attach 99 'format=raw, vdev=xvdb, target=%s/b.img'", dir);
	expect(1, a, "99 is an invalid domain identifier: no domain has this id", NULL);
	expect(2, "block-attach devt", "missing argument", NULL);
	snprintf(a, sizeof(a), "block-attach devt 'format=raw, vdev=nodisk, target=%s/b.img'", dir);
	expect(2, a, "block-attach: the disk spec 'format=raw, vdev=nodisk, target=", "is not valid", NULL);
	expect(2, "block-attach devt format=raw vdev=xvdb", "no target given", "is not valid", NULL);
	snprintf(a, sizeof(a), "block-attach devt 'format=raw, vdev=xvdb, target=%s/missing.img'", dir);
	expect(1, a, "missing.img does not exist", NULL);
	snprintf(a, sizeof(a), "block-attach devt 'format=raw, vdev=xvda, target=%s/b.img'", dir);
	expect(1, a, "domain 'devt' disk xvda: the domain already has it (vbd 51712)",
	       "block-attach: cannot attach disk xvda to domain devt (see the message above)", NULL);
	snprintf(a, sizeof(a), "block-attach devt 'format=raw, vdev=xvdb, backend=nobe, target=%s/b.img'", dir);
	expect(1, a, "the backend domain 'nobe' does not exist", NULL);
	expect(1, "block-detach devt xvdq", "Error: Device xvdq not connected.", "domain 'devt' has no disk xvdq",
	       "'xctl block-list devt' lists them", NULL);
	expect(1, "block-detach devt 51728", "Error: Device 51728 not connected.", NULL);
	expect(2, "block-detach devt floppy", "Error: Device floppy not connected.", "is not a virtual device name",
	       NULL);
	expect(1, "block-detach nosuch xvda", "nosuch is an invalid domain identifier", NULL);
	expect(2, "block-detach devt", "missing argument", NULL);
	expect(1, "network-detach devt 5", "Unknown device 5.", "domain 'devt' has no vif 5", NULL);
	expect(1, "network-detach devt 00:16:3e:01:02:03", "Unknown device 00:16:3e:01:02:03.", NULL);
	expect(2, "network-detach devt eth0", "Unknown device eth0.", "is not a vif's devid", NULL);
	expect(2, "network-detach devt 00:16:3e:zz:02:03", "is not a vif's devid", NULL);
	expect(2, "network-detach devt", "missing argument", NULL);
	expect(2, "network-detach devt 1 2", "unexpected argument '2'", NULL);
	expect(2, "network-detach -x devt 1", NULL);
	expect(2, "block-detach devt xvda xvdb", "unexpected argument 'xvdb'", NULL);
	expect(2, "network-attach devt mtu=big", "network-attach: the vif spec 'mtu=big' is not valid", NULL);
	expect(1, "network-attach nosuch", "nosuch is an invalid domain identifier", NULL);
	expect(1, "network-list nosuch", "nosuch is an invalid domain identifier", NULL);
	expect(2, "-N block-list devt", NULL);
	expect(2, "block-list", "missing argument", NULL);
}

static void test_list_continues(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, XCTL " block-list nosuch devt");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "nosuch is an invalid domain identifier"));
	assert_non_null(strstr(r.out, "Vdev  BE  handle state"));
	assert_non_null(strstr(r.out, "\n51712 0   "));
	runcmd_free(&r);
	runcmd(&r, XCTL " block-list --json devt");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"vdev\": \"xvda\""));
	assert_non_null(strstr(r.out, "\"domain\": \"devt\""));
	runcmd_free(&r);
	runcmd(&r, XCTL " network-list devt");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref BE-path                       \n");
	runcmd_free(&r);
}

/* What mentions vbd 51728 anywhere: xenstore, block-list, the saved
 * configuration. Empty when the domain has no trace of xvdb. */
static char *traces(void)
{
	struct runcmd_result r;
	runcmd_merged(&r, "xenstore-ls -f / | grep -e '/51728' | grep -v '/data/'; " XCTL " block-list devt | grep '^51728 '; "
			  "grep -h '\"xvdb\"' \"$XCTL_STATE_DIR\"/domains/*.json; true");
	char *s = strdup(r.out);
	runcmd_free(&r);
	return s;
}

static void assert_no_traces(int n)
{
	char *t = traces();
	if (*t)
		fprintf(stderr, "after a failure at hv call %d:\n%s\n", n, t);
	assert_string_equal(t, "");
	free(t);
}

static void assert_attached(void)
{
	char *t = traces();
	assert_non_null(strstr(t, "/local/domain/0/backend/vbd/1/51728/state"));
	assert_non_null(strstr(t, "/local/domain/1/device/vbd/51728/state"));
	assert_non_null(strstr(t, "/libxl/1/device/vbd/51728/backend"));
	assert_non_null(strstr(t, "\n51728 0   1 "));
	assert_non_null(strstr(t, "\"vdev\": \"xvdb\""));
	free(t);
}

/* XCTL_HV_FAULT=N fails the Nth hv or xenstore call of block-attach, for
 * every N until one more than the calls it makes: each failure leaves no
 * trace of the disk; a fault the command gets over leaves it attached
 * whole. */
static void test_attach_failures_leave_nothing(void **state)
{
	(void)state;
	assert_no_traces(0);
	int n, failed = 0, survived = 0;
	for (n = 1; n < 400; n++) {
		struct runcmd_result r;
		runcmd(&r, "XCTL_HV_FAULT=%d " XCTL " block-attach devt 'format=raw, vdev=xvdb, target=%s/b.img'", n, dir);
		int st = r.status;
		bool fired = strstr(r.err, "fault injection: call") != NULL;
		runcmd_free(&r);
		if (!fired) { /* past the last call: attached without a fault */
			assert_int_equal(st, 0);
			break;
		}
		if (st == 0) {
			survived++;
			assert_attached();
			expect(0, "block-detach devt xvdb", NULL);
			assert_no_traces(n);
			continue;
		}
		failed++;
		assert_int_equal(st, 1);
		assert_no_traces(n);
	}
	printf("block-attach: %d hv calls; %d injected failures failed it and left nothing, %d were got over\n",
	       n - 1, failed, survived);
	assert_true(failed > 10 && n < 400);
	assert_attached();
	expect(0, "block-detach devt xvdb", NULL);
	assert_no_traces(n);
}

/* -N: xl's "disk: JSON" / "vif: JSON" (libxl's JSON), nothing attached */
static void test_dry_run(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, XCTL " -N block-attach devt 'format=raw, vdev=xvdb, access=ro, target=%s/b.img'", dir);
	assert_int_equal(r.status, 0);
	char want[600];
	snprintf(want, sizeof(want), "disk: {\n    \"pdev_path\": \"%s/b.img\",\n    \"vdev\": \"xvdb\",\n"
		 "    \"format\": \"raw\"\n}\n\n", dir);
	assert_string_equal(r.out, want);
	runcmd_free(&r);
	runcmd(&r, XCTL " -N network-attach devt bridge=br1 mac=00:16:3e:01:02:03");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "vif: {\n    \"mac\": \"00:16:3e:01:02:03\",\n    \"bridge\": \"br1\"\n}\n\n");
	runcmd_free(&r);
	assert_no_traces(0);
	runcmd(&r, XCTL " network-list devt | wc -l");
	assert_string_equal(r.out, "1\n");
	runcmd_free(&r);
	expect(1, "-N block-attach nosuch vdev=xvdb,target=/dev/null", "nosuch is an invalid domain identifier", NULL);
}

/* Another xctl holding the domain's claim (here a record locked by flock(1)
 * for a second): the attach waits for it, then goes on. */
static void test_waits_for_other_operation(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd_merged(&r, "mkdir -p \"$XCTL_STATE_DIR\"/claims && c=\"$XCTL_STATE_DIR\"/claims/devt && "
			  "printf 'xctl-record 1\\nop block-attach\\nname devt\\npid 1\\ndevice vbd 51760\\n' >$c && "
			  "{ flock $c sleep 1 & } && while flock -n $c true; do sleep 0.02; done && "
			  XCTL " block-attach devt 'format=raw, vdev=xvdd, target=%s/b.img'",
		      dir);
	if (r.status)
		fprintf(stderr, "%s\n", r.out);
	/* it waited for the holder (not "another xctl is still changing the
	 * domain"), then recovered the record it left (nothing had been done) */
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "an earlier 'xctl block-attach' of 'devt' (pid 1) was interrupted; rolled back"));
	runcmd_free(&r);
	expect(0, "block-detach devt xvdd", NULL);
}

/* A frontend directory without the toolstack's record (what a guest left)
 * still makes the vdev taken: hv/sim refuses to write over it. */
static void test_frontend_leftover_refused(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd_merged(&r, "xenstore-write /local/domain/1/device/vbd/51760/state 1");
	assert_int_equal(r.status, 0);
	runcmd_free(&r);
	char a[512];
	snprintf(a, sizeof(a), "block-attach devt 'format=raw, vdev=xvdd, target=%s/b.img'", dir);
	expect(1, a, "domain 1 already has vbd 51760", NULL);
	runcmd_merged(&r, "xenstore-rm /local/domain/1/device/vbd/51760");
	assert_int_equal(r.status, 0);
	runcmd_free(&r);
}

static void test_damaged_config_undoes_attach(void **state)
{
	(void)state;
	struct runcmd_result r;
	/* the configuration step fails after the device was added: its undo removes the device */
	runcmd_merged(&r, "cd \"$XCTL_STATE_DIR\"/domains && f=$(ls *.json) && cp $f saved && echo '{' >$f && "
		   XCTL " block-attach devt 'format=raw, vdev=xvdb, target=%s/b.img'; st=$?; mv saved $f; exit $st",
	       dir);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "cannot read its saved configuration"));
	runcmd_free(&r);
	char *t = traces();
	assert_string_equal(t, "");
	free(t);
}

static void test_vif_attach_detach(void **state)
{
	(void)state;
	struct runcmd_result r;
	runcmd(&r, XCTL " network-attach devt bridge=xenbr0 mac=00:16:3e:11:22:33 vifname=xdt$PPID");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, ""); /* a success says nothing */
	assert_string_equal(r.out, "");
	runcmd_free(&r);
	runcmd(&r, XCTL " network-list devt");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\n0   0  00:16:3e:11:22:33     0 "));
	runcmd_free(&r);
	/* the next one gets devid 1 and a MAC of Xen's OUI */
	expect(0, "network-attach devt 'bridge=xenbr0, vifname=xdu'$PPID", NULL);
	runcmd(&r, XCTL " network-list --json devt");
	assert_non_null(strstr(r.out, "\"devid\": 1,\n    \"mac\": \"00:16:3e:"));
	runcmd_free(&r);
	expect(1, "network-attach devt devid=1 vifname=xdv$PPID", "the domain already has it (vif 1)",
	       "network-attach: cannot attach a vif to domain devt", NULL);
	runcmd(&r, "grep -c '\"mac\"' \"$XCTL_STATE_DIR\"/domains/*.json");
	assert_string_equal(r.out, "2\n");
	runcmd_free(&r);
	/* a PV guest's vif is of type vif when the spec says nothing (as libxl) */
	runcmd(&r, "grep -c '\"type\": \"vif\"' \"$XCTL_STATE_DIR\"/domains/*.json");
	assert_string_equal(r.out, "2\n");
	runcmd_free(&r);
	expect(0, "network-attach devt type=ioemu vifname=xdw$PPID", NULL);
	runcmd(&r, "grep -c '\"type\": \"ioemu\"' \"$XCTL_STATE_DIR\"/domains/*.json");
	assert_string_equal(r.out, "1\n");
	runcmd_free(&r);
	expect(0, "network-detach devt 2", NULL);
	/* a MAC in the toolstack's record that is not one is listed as zeros */
	runcmd_merged(&r, "xenstore-write /libxl/1/device/vif/1/mac 00:16:3e:44:55:zz && " XCTL " network-list devt");
	assert_non_null(strstr(r.out, "\n1   0  00:00:00:00:00:00     1 "));
	runcmd_free(&r);
	/* the global configuration's vif defaults (xl's set_default_nic_values),
	 * and its warnings shown */
	runcmd_merged(&r, "printf 'vif.default.bridge = \"brglobal\"\\nno_such_key = 1\\n' >%s/xctl.conf && "
			  XCTL " --config %s/xctl.conf network-attach devt vifname=xdg$PPID && "
			  "xenstore-read /local/domain/0/backend/vif/1/2/bridge",
		      dir, dir);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "no_such_key"));
	assert_non_null(strstr(r.out, "brglobal\n"));
	runcmd_free(&r);
	expect(0, "network-detach devt 2", NULL);
	expect(0, "network-detach devt 00:16:3e:11:22:33", NULL);
	expect(0, "network-detach devt 1", NULL);
	runcmd_merged(&r, XCTL " network-list devt | wc -l; grep -c '\"mac\"' \"$XCTL_STATE_DIR\"/domains/*.json");
	assert_string_equal(r.out, "1\n0\n");
	runcmd_free(&r);
}

int main(void)
{
	/* commands run from other directories too: XCTL_BIN absolute */
	static char bin[4096];
	const char *b = getenv("XCTL_BIN");
	if (!b || b[0] != '/') {
		char cwd[2048];
		if (!getcwd(cwd, sizeof(cwd)))
			return 1;
		snprintf(bin, sizeof(bin), "%s/%s", cwd, b && *b ? b : "build/bin");
		setenv("XCTL_BIN", bin, 1);
	}
	const struct CMUnitTest formats[] = {
		cmocka_unit_test(test_block_format),
		cmocka_unit_test(test_network_format),
		cmocka_unit_test(test_json),
	};
	const struct CMUnitTest host[] = {
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_list_continues),
		cmocka_unit_test(test_attach_failures_leave_nothing),
		cmocka_unit_test(test_damaged_config_undoes_attach),
		cmocka_unit_test(test_dry_run),
		cmocka_unit_test(test_waits_for_other_operation),
		cmocka_unit_test(test_frontend_leftover_refused),
		cmocka_unit_test(test_vif_attach_detach),
	};
	int rc = cmocka_run_group_tests_name("device formats", formats, NULL, NULL);
	rc += cmocka_run_group_tests_name("device commands", host, host_setup, host_teardown);
	return rc ? 1 : 0;
}
