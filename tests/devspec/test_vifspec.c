/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests of vif specs, MAC addresses and rate=. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"
#include "common/util.h"
#include "toolstack/config/vifspec.h"

/* The fields that differ from "not given", as "key=value ..." in a fixed
 * order, so that a case states exactly what the parser must fill. */
static char *summary(const struct xctl_vif *v)
{
	struct xctl_buf b = { 0 };
	char mac[XCTL_MAC_STRLEN];

#define S(name, val) if (val) assert_int_equal(xctl_buf_printf(&b, " " name "=%s", val), 0)
	if (v->mac_set) {
		xctl_mac_format(v->mac, mac, sizeof(mac));
		assert_int_equal(xctl_buf_printf(&b, " mac=%s", mac), 0);
	}
	S("bridge", v->bridge);
	S("ip", v->ip);
	if (v->type)
		S("type", xctl_vif_type_name(v->type));
	S("model", v->model);
	S("vifname", v->vifname);
	S("script", v->script);
	S("backend", v->backend_domname);
	S("gatewaydev", v->gatewaydev);
	if (v->rate)
		assert_int_equal(xctl_buf_printf(&b, " rate=%s(%" PRIu64 "/%" PRIu32 "us)", v->rate,
						 v->rate_bytes_per_interval,
						 v->rate_interval_usecs), 0);
	if (v->mtu)
		assert_int_equal(xctl_buf_printf(&b, " mtu=%d", v->mtu), 0);
	if (v->devid >= 0)
		assert_int_equal(xctl_buf_printf(&b, " devid=%d", v->devid), 0);
	if (v->trusted)
		S("trusted", v->trusted == XCTL_DEFBOOL_TRUE ? "yes" : "no");
#undef S
	char *s = xctl_buf_steal(&b);
	assert_non_null(s);
	return s;
}

struct vif_case {
	const char *spec;
	const char *fields; /* summary when accepted */
	const char *diag;   /* the first diagnostic, whole, when rejected or warned */
};

static const struct vif_case cases[] = {
	/* accepted */
	{ "", "", NULL },
	{ "mac=00:16:3E:74:3d:76,model=rtl8139,bridge=xenbr0",
	  " mac=00:16:3e:74:3d:76 bridge=xenbr0 model=rtl8139", NULL },
	{ "mac=00:16:3E:74:34:32", " mac=00:16:3e:74:34:32", NULL },
	{ "bridge=xenbr1", " bridge=xenbr1", NULL },
	{ " bridge=br0 , script=vif-route ,", " bridge=br0 script=vif-route", NULL },
	{ ",,bridge=br0,,", " bridge=br0", NULL },
	{ "mac=0:16:3e:1:2:3", " mac=00:16:3e:01:02:03", NULL },
	{ "mac=02-00-00-00-00-01", " mac=02:00:00:00:00:01", NULL },
	{ "ip=192.0.2.10", " ip=192.0.2.10", NULL },
	{ "ip=192.0.2.10 192.0.2.11/32 2001:db8::1", " ip=192.0.2.10 192.0.2.11/32 2001:db8::1",
	  NULL },
	{ "type=ioemu,model=e1000", " type=ioemu model=e1000", NULL },
	{ "type=vif", " type=vif", NULL },
	{ "vifname=guest0-eth0", " vifname=guest0-eth0", NULL },
	{ "script=/etc/xen/scripts/vif-nat", " script=/etc/xen/scripts/vif-nat", NULL },
	{ "backend=netdom", " backend=netdom", NULL },
	{ "gatewaydev=eth0", " gatewaydev=eth0", NULL },
	{ "rate=10Mb/s", " rate=10Mb/s(62500/50000us)", NULL },
	{ "rate=250KB/s", " rate=250KB/s(12500/50000us)", NULL },
	{ "rate=1MB/s@20ms", " rate=1MB/s@20ms(20000/20000us)", NULL },
	{ "rate=100Kb/s@500us", " rate=100Kb/s@500us(6/500us)", NULL },
	{ "rate=1GB/s@1s", " rate=1GB/s@1s(1000000000/1000000us)", NULL },
	{ "rate=8b/s@2", " rate=8b/s@2(2/2000000us)", NULL },
	{ "mtu=9000", " mtu=9000", NULL },
	{ "devid=3", " devid=3", NULL },
	{ "trusted", " trusted=yes", NULL },
	{ "untrusted,trusted,untrusted", " trusted=no", NULL },
	{ "script=a=b", " script=a=b", NULL },
	/* accepted with a warning */
	{ "netdev=eth1", " gatewaydev=eth1",
	  "v.cfg:3: warning: vif: netdev= is deprecated; use gatewaydev= in 'netdev=eth1'" },
	{ "accel=foo,bridge=br0", " bridge=br0",
	  "v.cfg:3: warning: vif: accel= is not supported and is ignored (as by xl) in "
	  "'accel=foo,bridge=br0'" },
	{ "bridge=br0,bridge=br1", " bridge=br1",
	  "v.cfg:3: warning: vif: bridge given twice; the last one, 'br1', is used in "
	  "'bridge=br0,bridge=br1'" },
	/* rejected */
	{ "mac=00:16:3e:74:34", NULL,
	  "v.cfg:3: vif: mac '00:16:3e:74:34' is not a MAC address (six pairs of hex digits "
	  "separated by ':', e.g. 00:16:3e:12:34:56) in 'mac=00:16:3e:74:34'" },
	{ "mac=00:16:3e:74:34:3g", NULL,
	  "v.cfg:3: vif: mac '00:16:3e:74:34:3g' is not a MAC address (six pairs of hex digits "
	  "separated by ':', e.g. 00:16:3e:12:34:56) in 'mac=00:16:3e:74:34:3g'" },
	{ "mac=00:16-3e:74:34:32", NULL,
	  "v.cfg:3: vif: mac '00:16-3e:74:34:32' is not a MAC address (six pairs of hex digits "
	  "separated by ':', e.g. 00:16:3e:12:34:56) in 'mac=00:16-3e:74:34:32'" },
	{ "mac=01:00:5e:00:00:01", NULL,
	  "v.cfg:3: vif: mac '01:00:5e:00:00:01' has the multicast bit set (the first byte must "
	  "be even, e.g. 00:16:3e:12:34:56) in 'mac=01:00:5e:00:00:01'" },
	{ "mac=00:00:00:00:00:00", NULL,
	  "v.cfg:3: vif: mac 00:00:00:00:00:00 is not a usable address (leave mac out to have one "
	  "generated in 00:16:3e) in 'mac=00:00:00:00:00:00'" },
	{ "brige=xenbr0", NULL,
	  "v.cfg:3: vif: unknown vif parameter 'brige=xenbr0'; did you mean 'bridge'? (known: "
	  "mac, bridge, ip, type, model, vifname, script, backend, rate, mtu, devid, gatewaydev, "
	  "trusted, untrusted) in 'brige=xenbr0'" },
	{ "bridge", NULL,
	  "v.cfg:3: vif: 'bridge' needs a value (bridge=VALUE) in 'bridge'" },
	{ "bridge=", NULL, "v.cfg:3: vif: bridge= needs a value in 'bridge='" },
	{ "bridge=a-very-long-bridge-name", NULL,
	  "v.cfg:3: vif: bridge 'a-very-long-bridge-name' is not a network interface name (1 to "
	  "15 characters, without '/', ':' or blanks) in 'bridge=a-very-long-bridge-name'" },
	{ "vifname=eth/0", NULL,
	  "v.cfg:3: vif: vifname 'eth/0' is not a network interface name (1 to 15 characters, "
	  "without '/', ':' or blanks) in 'vifname=eth/0'" },
	{ "type=pv", NULL, "v.cfg:3: vif: unknown type 'pv' (allowed: ioemu, vif) in 'type=pv'" },
	{ "ip=192.0.2.300", NULL,
	  "v.cfg:3: vif: ip '192.0.2.300' is not an IP address (IPv4 or IPv6, optionally with "
	  "/PREFIX; several separated by spaces) in 'ip=192.0.2.300'" },
	{ "ip=10.0.0.1/33", NULL,
	  "v.cfg:3: vif: ip '10.0.0.1/33' is not an IP address (IPv4 or IPv6, optionally with "
	  "/PREFIX; several separated by spaces) in 'ip=10.0.0.1/33'" },
	{ "model=e1000 x", NULL,
	  "v.cfg:3: vif: model 'e1000 x' is not a device model name (letters, digits, '.', '_' "
	  "and '-', e.g. rtl8139, e1000) in 'model=e1000 x'" },
	{ "rate=10Mbit/s", NULL,
	  "v.cfg:3: vif: rate '10Mbit/s' is not NUMBER[G|M|K](B|b)/s (e.g. 10Mb/s, 250KB/s; B "
	  "for bytes, b for bits) in 'rate=10Mbit/s'" },
	{ "rate=0Mb/s", NULL,
	  "v.cfg:3: vif: rate '0Mb/s': the number must be from 1 to 4294967295 in 'rate=0Mb/s'" },
	{ "rate=10Mb/s@", NULL,
	  "v.cfg:3: vif: interval '' is not NUMBER[ms|us|s] (e.g. 20ms, 500us; the default is "
	  "50ms) in 'rate=10Mb/s@'" },
	{ "rate=@20ms", NULL,
	  "v.cfg:3: vif: no rate before '@' (a rate is e.g. 10Mb/s or 1MB/s@20ms) in "
	  "'rate=@20ms'" },
	{ "rate=1MB/s@5000s", NULL,
	  "v.cfg:3: vif: interval '5000s' is too long (at most 4294967295 us, about 71 minutes) "
	  "in 'rate=1MB/s@5000s'" },
	{ "rate=4294967295GB/s@4294967295us", NULL,
	  "v.cfg:3: vif: rate '4294967295GB/s' is too large for the interval in "
	  "'rate=4294967295GB/s@4294967295us'" },
	{ "mtu=20", NULL, "v.cfg:3: vif: mtu '20' is not a number from 68 to 65535 in 'mtu=20'" },
	{ "mtu=1500x", NULL,
	  "v.cfg:3: vif: mtu '1500x' is not a number from 68 to 65535 in 'mtu=1500x'" },
	{ "devid=-1", NULL,
	  "v.cfg:3: vif: devid '-1' is not a number from 0 to 2147483647 in 'devid=-1'" },
	{ "colo_sock_mirror_id=1", NULL,
	  "v.cfg:3: vif: colo_sock_mirror_id is not supported by xctl yet (COLO network "
	  "replication) in 'colo_sock_mirror_id=1'" },
	{ "bridge=br\x80", NULL,
	  "v.cfg:3: vif: vif spec has a control character or is not UTF-8 text (byte 10, 0x80)" },
	{ "forwarddev=eth2", NULL,
	  "v.cfg:3: vif: forwarddev is not supported by xctl yet (COLO network replication) in "
	  "'forwarddev=eth2'" },
};

static void test_cases(void **state)
{
	(void)state;
	unsigned accepted = 0, rejected = 0;

	for (size_t i = 0; i < XCTL_ARRAY_SIZE(cases); i++) {
		const struct vif_case *c = &cases[i];
		struct xctl_diags d;
		struct xctl_vif vif;
		xctl_diags_init(&d);
		int rc = xctl_vif_parse(c->spec, "v.cfg", 3, &vif, &d);
		if ((rc == 0) != (c->fields != NULL)) {
			print_message("vif '%s': rc %d\n", c->spec, rc);
			xctl_diags_print(&d, stdout);
		}
		if (c->fields) {
			accepted++;
			assert_int_equal(rc, 0);
			char *s = summary(&vif);
			if (strcmp(s, c->fields))
				print_message("vif '%s':\n got      '%s'\n expected '%s'\n", c->spec, s,
					      c->fields);
			assert_string_equal(s, c->fields);
			free(s);
			assert_string_equal(vif.spec, c->spec);
			assert_int_equal(vif.line, 3);
		} else {
			rejected++;
			assert_int_equal(rc, XCTL_ERR_CONFIG);
			assert_true(d.nerrors >= 1);
			assert_null(vif.bridge);
			assert_false(vif.mac_set);
		}
		if (c->diag) {
			assert_true(d.n >= 1);
			char *line = xctl_diag_format(&d.v[0]);
			if (strcmp(line, c->diag))
				print_message("got:      %s\nexpected: %s\n", line, c->diag);
			assert_string_equal(line, c->diag);
			free(line);
		} else {
			assert_int_equal(d.n, 0);
		}
		xctl_vif_dispose(&vif);
		xctl_diags_free(&d);
	}
	assert_true(accepted >= 15 && rejected >= 15);
}

/* Every bad item is reported, not only the first. */
static void test_all_errors(void **state)
{
	(void)state;
	struct xctl_diags d;
	struct xctl_vif vif;

	xctl_diags_init(&d);
	assert_int_equal(xctl_vif_parse("mac=zz,type=x,mtu=1,bridge=br0", "v.cfg", 8, &vif, &d),
			 XCTL_ERR_CONFIG);
	assert_int_equal(d.nerrors, 3);
	assert_non_null(strstr(d.v[0].msg, "mac 'zz'"));
	assert_non_null(strstr(d.v[1].msg, "type 'x'"));
	assert_non_null(strstr(d.v[2].msg, "mtu '1'"));
	xctl_diags_free(&d);

	/* an overlong spec or item is refused without reading it all */
	char *big = malloc(5000);
	assert_non_null(big);
	memset(big, 'x', 4999);
	big[4999] = 0;
	xctl_diags_init(&d);
	assert_int_equal(xctl_vif_parse(big, "v.cfg", 1, &vif, &d), XCTL_ERR_CONFIG);
	assert_string_equal(d.v[0].msg, "vif spec too long (4999 bytes; at most 4096)");
	xctl_diags_free(&d);
	memcpy(big, "bridge=", 7);
	big[2000] = 0;
	xctl_diags_init(&d);
	assert_int_equal(xctl_vif_parse(big, "v.cfg", 1, &vif, &d), XCTL_ERR_CONFIG);
	assert_non_null(strstr(d.v[0].msg, "too long (2000 bytes; at most 1024)"));
	xctl_diags_free(&d);
	free(big);
}

static void test_mac(void **state)
{
	(void)state;
	uint8_t m[XCTL_MAC_LEN];
	char s[XCTL_MAC_STRLEN];

	assert_int_equal(xctl_mac_parse("00:16:3e:7a:bC:Ff", m), 0);
	xctl_mac_format(m, s, sizeof(s));
	assert_string_equal(s, "00:16:3e:7a:bc:ff");
	assert_false(xctl_mac_is_multicast(m));
	assert_int_equal(xctl_mac_parse("ff:ff:ff:ff:ff:ff", m), 0);
	assert_true(xctl_mac_is_multicast(m));
	assert_int_equal(xctl_mac_parse("0:1:2:3:4:5", m), 0);
	xctl_mac_format(m, s, sizeof(s));
	assert_string_equal(s, "00:01:02:03:04:05");
	assert_int_equal(xctl_mac_parse("aa-bb-cc-dd-ee-00", m), 0);
	static const char *const bad[] = {
		"", "00:16:3e:7a:bc", "00:16:3e:7a:bc:ff:00", "00:16:3e:7a:bc:", "000:16:3e:7a:bc:ff",
		"00:16:3e:7a:bc:fg", "00:16:3e-7a:bc:ff", "00 16 3e 7a bc ff", "0x0:16:3e:7a:bc:ff",
		"00:16:3e:7a:bc:ff ", ":00:16:3e:7a:bc:f", "00::16:3e:7a:bc",
	};
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(bad); i++) {
		memset(m, 0x55, sizeof(m));
		assert_int_equal(xctl_mac_parse(bad[i], m), XCTL_ERR_INVAL);
		assert_int_equal(m[0], 0x55); /* untouched on error */
	}
}

static void test_rate(void **state)
{
	(void)state;
	static const struct { const char *r; uint64_t bytes; uint32_t us; } ok[] = {
		{ "10Mb/s", 62500, 50000 },
		{ "10MB/s", 500000, 50000 },
		{ "1b/s", 0, 50000 },
		{ "1B/s@1", 1, 1000000 },
		{ "4294967295GB/s@1us", 4294967295000ULL, 1 },
		{ "3Kb/s@7ms", 2, 7000 },
		{ "100KB/s@250u", 25, 250 },
		{ "12MB/s@3m", 36000, 3000 },
		{ "010Mb/s", 62500, 50000 },
	};
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(ok); i++) {
		uint64_t b = 0;
		uint32_t us = 0;
		char why[256] = "";
		assert_int_equal(xctl_vif_parse_rate(ok[i].r, &b, &us, why, sizeof(why)), 0);
		if (b != ok[i].bytes || us != ok[i].us)
			print_message("rate %s: %" PRIu64 "/%" PRIu32 "\n", ok[i].r, b, us);
		assert_true(b == ok[i].bytes);
		assert_int_equal(us, ok[i].us);
	}
	static const char *const bad[] = {
		"", "10", "10M", "10Mb", "10Mb/", "10Mbs", "10 Mb/s", "-1Mb/s", "10Tb/s", "10mb/s",
		"10Mb/s@", "10Mb/s@0ms", "10Mb/s@ms", "10Mb/s@5ns", "10Mb/s@1@2", "4294967296B/s",
		"0x10Mb/s", "1Mb/s@4295s",
	};
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(bad); i++) {
		uint64_t b = 7;
		uint32_t us = 7;
		char why[256] = "";
		if (!xctl_vif_parse_rate(bad[i], &b, &us, why, sizeof(why)))
			print_message("rate '%s' accepted\n", bad[i]);
		assert_int_equal(xctl_vif_parse_rate(bad[i], &b, &us, why, sizeof(why)),
				 XCTL_ERR_INVAL);
		assert_true(why[0] != 0);
		assert_true(b == 7 && us == 7);
	}
}

static char *vif_json(const struct xctl_vif *vif)
{
	struct xctl_jw *w = xctl_jw_new(false);
	const char *text;
	size_t len;
	assert_non_null(w);
	xctl_vif_to_json(w, vif);
	assert_int_equal(xctl_jw_finish(w, &text, &len), 0);
	char *copy = strndup(text, len);
	xctl_jw_free(w);
	return copy;
}

static void test_json(void **state)
{
	(void)state;
	static const char *const specs[] = {
		"", "mac=00:16:3e:74:3d:76,model=rtl8139,bridge=xenbr0,type=ioemu",
		"rate=1GB/s@1s,mtu=9000,devid=7,untrusted,ip=10.0.0.1 ::1,vifname=v1,backend=nd,"
		"script=vif-route,gatewaydev=eth0",
	};
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(specs); i++) {
		struct xctl_diags d;
		struct xctl_vif a, b;
		struct xctl_jv *v = NULL;
		char err[128];
		xctl_diags_init(&d);
		assert_int_equal(xctl_vif_parse(specs[i], "j.cfg", 2, &a, &d), 0);
		char *j1 = vif_json(&a);
		assert_int_equal(xctl_json_parse(j1, strlen(j1), &v, err, sizeof(err)), 0);
		assert_int_equal(xctl_vif_from_json(v, &b, &d), 0);
		char *j2 = vif_json(&b);
		assert_string_equal(j1, j2);
		char *s1 = summary(&a), *s2 = summary(&b);
		assert_string_equal(s1, s2);
		assert_int_equal(memcmp(a.mac, b.mac, sizeof(a.mac)), 0);
		free(s1);
		free(s2);
		free(j1);
		free(j2);
		xctl_jv_free(v);
		xctl_vif_dispose(&a);
		xctl_vif_dispose(&b);
		xctl_diags_free(&d);
	}
	/* the JSON of a spec with nothing in it */
	struct xctl_vif e;
	struct xctl_diags d;
	xctl_diags_init(&d);
	assert_int_equal(xctl_vif_parse("", NULL, 0, &e, &d), 0);
	char *j = vif_json(&e);
	assert_string_equal(j, "{\"mac\":null,\"bridge\":null,\"ip\":null,\"type\":null,"
			    "\"model\":null,\"vifname\":null,\"script\":null,\"backend\":null,"
			    "\"gatewaydev\":null,\"rate\":null,\"rate-bytes-per-interval\":0,"
			    "\"rate-interval-usecs\":0,\"mtu\":0,\"devid\":-1,\"trusted\":null,"
			    "\"spec\":\"\",\"file\":null,\"line\":0}");
	free(j);
	xctl_vif_dispose(&e);
	/* a bad MAC in JSON */
	struct xctl_jv *v = NULL;
	char err[128];
	const char *bad = "{\"mac\":\"00:16:3e\"}";
	assert_int_equal(xctl_json_parse(bad, strlen(bad), &v, err, sizeof(err)), 0);
	assert_int_equal(xctl_vif_from_json(v, &e, &d), XCTL_ERR_CONFIG);
	assert_string_equal(d.v[0].msg, "JSON member 'mac' must be null or a MAC address "
			    "\"xx:xx:xx:xx:xx:xx\"");
	xctl_jv_free(v);
	xctl_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_all_errors),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
