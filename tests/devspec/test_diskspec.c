/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests of disk specs: vdev numbering, the exact error lines, JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"
#include "common/util.h"
#include "toolstack/config/diskspec.h"

struct vdev_case {
	const char *name;
	int rc;
	int devid, disk, part;
};

static const struct vdev_case vdevs[] = {
	/* xvd: (202 << 8) | (disk << 4) | part below 16 disks and 16 partitions */
	{ "xvda", 0, 51712, 0, 0 },
	{ "xvdb", 0, 51728, 1, 0 },
	{ "xvda1", 0, 51713, 0, 1 },
	{ "xvda15", 0, 51727, 0, 15 },
	{ "xvdp", 0, 51952, 15, 0 },
	{ "xvdp15", 0, 51967, 15, 15 },
	/* extended: (1 << 28) | (disk << 8) | part */
	{ "xvdq", 0, (1 << 28) | (16 << 8), 16, 0 },
	{ "xvdz", 0, (1 << 28) | (25 << 8), 25, 0 },
	{ "xvdaa", 0, (1 << 28) | (26 << 8), 26, 0 },
	{ "xvdzz", 0, (1 << 28) | (701 << 8), 701, 0 },
	{ "xvdaaa", 0, (1 << 28) | (702 << 8), 702, 0 },
	{ "xvda16", 0, (1 << 28) | 16, 0, 16 },
	{ "xvda255", 0, (1 << 28) | 255, 0, 255 },
	{ "xvdaa3", 0, (1 << 28) | (26 << 8) | 3, 26, 3 },
	{ "xvda256", XCTL_ERR_LIMIT, 0, 0, 0 },
	{ "xvdbgqcw", XCTL_ERR_LIMIT, 0, 0, 0 }, /* disk 2^20: one past the last */
	{ "xvda0", XCTL_ERR_INVAL, 0, 0, 0 },
	{ "xvda01", XCTL_ERR_INVAL, 0, 0, 0 },
	{ "xvda-1", XCTL_ERR_INVAL, 0, 0, 0 },
	{ "xvda+1", XCTL_ERR_INVAL, 0, 0, 0 },
	{ "xvd", XCTL_ERR_INVAL, 0, 0, 0 },
	{ "xvd1", XCTL_ERR_INVAL, 0, 0, 0 },
	{ "xvdA", XCTL_ERR_INVAL, 0, 0, 0 },
	/* IDE: majors 3 (hda, hdb) and 22 (hdc, hdd), 64 minors per disk */
	{ "hda", 0, 768, 0, 0 },
	{ "hda1", 0, 769, 0, 1 },
	{ "hda63", 0, 831, 0, 63 },
	{ "hdb", 0, 832, 1, 0 },
	{ "hdc", 0, 5632, 2, 0 },
	{ "hdd", 0, 5696, 3, 0 },
	{ "hdd2", 0, 5698, 3, 2 },
	{ "hde", XCTL_ERR_LIMIT, 0, 0, 0 },
	{ "hda64", XCTL_ERR_LIMIT, 0, 0, 0 },
	{ "hd", XCTL_ERR_INVAL, 0, 0, 0 },
	/* SCSI: major 8, 16 minors per disk, sda..sdp */
	{ "sda", 0, 2048, 0, 0 },
	{ "sda1", 0, 2049, 0, 1 },
	{ "sdb", 0, 2064, 1, 0 },
	{ "sdp15", 0, 2303, 15, 15 },
	{ "sdq", XCTL_ERR_LIMIT, 0, 0, 0 },
	{ "sda16", XCTL_ERR_LIMIT, 0, 0, 0 },
	/* dNpM: numbered as xvd */
	{ "d0p0", 0, 51712, 0, 0 },
	{ "d0p1", 0, 51713, 0, 1 },
	{ "d3p7", 0, 51767, 3, 7 },
	{ "d16p0", 0, (1 << 28) | (16 << 8), 16, 0 },
	{ "d1048575p255", 0, (1 << 28) | (1048575 << 8) | 255, 1048575, 255 },
	{ "d1048576p0", XCTL_ERR_LIMIT, 0, 0, 0 },
	{ "d0p256", XCTL_ERR_LIMIT, 0, 0, 0 },
	{ "d01p1", XCTL_ERR_INVAL, 0, 0, 0 },
	{ "d1", XCTL_ERR_INVAL, 0, 0, 0 },
	{ "d1p", XCTL_ERR_INVAL, 0, 0, 0 },
	/* a device number as such */
	{ "51712", 0, 51712, -1, -1 },
	{ "0x300", 0, 768, -1, -1 },
	{ "0", 0, 0, -1, -1 },
	{ "2147483647", 0, 2147483647, -1, -1 },
	{ "2147483648", XCTL_ERR_LIMIT, 0, 0, 0 },
	{ "12ab", XCTL_ERR_INVAL, 0, 0, 0 },
	{ "0x", XCTL_ERR_INVAL, 0, 0, 0 },
	{ "", XCTL_ERR_INVAL, 0, 0, 0 },
	{ "floppy0", XCTL_ERR_INVAL, 0, 0, 0 },
	{ "vda", XCTL_ERR_INVAL, 0, 0, 0 },
};

static void test_vdev_numbers(void **state)
{
	(void)state;
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(vdevs); i++) {
		const struct vdev_case *c = &vdevs[i];
		int devid = -7, disk = -7, part = -7;
		int rc = xctl_vdev_to_devid(c->name, &devid, &disk, &part);
		if (rc != c->rc)
			print_message("vdev '%s': rc %d, expected %d\n", c->name, rc, c->rc);
		assert_int_equal(rc, c->rc);
		if (rc)
			continue;
		if (devid != c->devid || disk != c->disk || part != c->part)
			print_message("vdev '%s': %d/%d/%d\n", c->name, devid, disk, part);
		assert_int_equal(devid, c->devid);
		assert_int_equal(disk, c->disk);
		assert_int_equal(part, c->part);
	}
	/* NULL outputs are allowed */
	assert_int_equal(xctl_vdev_to_devid("xvda", NULL, NULL, NULL), 0);
	assert_int_equal(xctl_vdev_to_devid(NULL, NULL, NULL, NULL), XCTL_ERR_INVAL);
}

static void test_vdev_letters(void **state)
{
	(void)state;
	static const struct { int disk; const char *s; } cases[] = {
		{ 0, "a" }, { 25, "z" }, { 26, "aa" }, { 51, "az" }, { 52, "ba" },
		{ 701, "zz" }, { 702, "aaa" }, { 1048575, "bgqcv" },
	};
	char buf[8];
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(cases); i++) {
		assert_int_equal(xctl_vdev_encode_disk(cases[i].disk, buf, sizeof(buf)), 0);
		assert_string_equal(buf, cases[i].s);
	}
	assert_int_equal(xctl_vdev_encode_disk(1048576, buf, sizeof(buf)), XCTL_ERR_LIMIT);
	assert_int_equal(xctl_vdev_encode_disk(-1, buf, sizeof(buf)), XCTL_ERR_LIMIT);
	assert_int_equal(xctl_vdev_encode_disk(702, buf, 3), XCTL_ERR_LIMIT);
	/* every xvd name decodes to the disk it was made from */
	for (int disk = 0; disk < 20000; disk += 7) {
		char name[16];
		int devid, d, p;
		assert_int_equal(xctl_vdev_encode_disk(disk, buf, sizeof(buf)), 0);
		snprintf(name, sizeof(name), "xvd%s", buf);
		assert_int_equal(xctl_vdev_to_devid(name, &devid, &d, &p), 0);
		assert_int_equal(d, disk);
		assert_int_equal(p, 0);
	}
}

static void test_parse_fields(void **state)
{
	(void)state;
	struct xctl_diags d;
	struct xctl_disk disk;

	xctl_diags_init(&d);
	assert_int_equal(xctl_disk_parse("phy:/dev/vg/guest,xvdb,w", "g.cfg", 4, &disk, &d), 0);
	assert_string_equal(disk.target, "/dev/vg/guest");
	assert_string_equal(disk.vdev, "xvdb");
	assert_int_equal(disk.devid, 51728);
	assert_int_equal(disk.format, XCTL_DISK_FORMAT_RAW);
	assert_true(disk.readwrite && disk.access_set && disk.had_depr_prefix);
	assert_false(disk.is_cdrom || disk.removable || disk.devtype_set);
	assert_string_equal(disk.file, "g.cfg");
	assert_int_equal(disk.line, 4);
	assert_string_equal(disk.spec, "phy:/dev/vg/guest,xvdb,w");
	xctl_disk_dispose(&disk);

	assert_int_equal(xctl_disk_parse(",hdc:cdrom,r", NULL, 0, &disk, &d), 0);
	assert_string_equal(disk.target, "");
	assert_int_equal(disk.format, XCTL_DISK_FORMAT_EMPTY);
	assert_true(disk.is_cdrom && disk.removable && disk.devtype_set);
	assert_false(disk.readwrite);
	assert_int_equal(disk.devid, 5632);
	assert_null(disk.file);
	xctl_disk_dispose(&disk);

	assert_int_equal(xctl_disk_parse("backendtype=standalone,specification=virtio,untrusted,"
					 "no-discard,direct-io-safe,vdev=xvda,target=/a,b",
					 "g.cfg", 9, &disk, &d), 0);
	assert_string_equal(disk.target, "/a,b");
	assert_int_equal(disk.backend, XCTL_DISK_BACKEND_STANDALONE);
	assert_int_equal(disk.specification, XCTL_DISK_SPEC_VIRTIO);
	assert_int_equal(disk.trusted, XCTL_DEFBOOL_FALSE);
	assert_int_equal(disk.discard, XCTL_DEFBOOL_FALSE);
	assert_true(disk.direct_io_safe);
	assert_false(disk.access_set);
	xctl_disk_dispose(&disk);

	/* UTF-8 paths are fine */
	assert_int_equal(xctl_disk_parse("/srv/g\xc3\xa4st\xe2\x82\xac\xf0\x9f\x92\xbe.img,,xvda",
					 NULL, 0, &disk, &d), 0);
	assert_string_equal(disk.target, "/srv/g\xc3\xa4st\xe2\x82\xac\xf0\x9f\x92\xbe.img");
	xctl_disk_dispose(&disk);
	assert_int_equal(d.n, 0);
	xctl_diags_free(&d);
}

struct err_case {
	const char *spec;
	const char *line; /* the whole diagnostic as printed */
};

static const struct err_case errs[] = {
	{ "/srv/a.img,vmdk,xvda",
	  "g.cfg:7: disk: unknown format 'vmdk' (allowed: raw, qcow, qcow2, vhd, qed, empty) in "
	  "'/srv/a.img,vmdk,xvda'" },
	{ "/srv/a.img",
	  "g.cfg:7: disk: no vdev given (the device name the guest sees, e.g. xvda, hda, sda; "
	  "positional third or vdev=) in '/srv/a.img'" },
	{ "vdev=xvda",
	  "g.cfg:7: disk: no target given (a block device or image file; only a cdrom may have "
	  "none) in 'vdev=xvda'" },
	{ "/a,raw,xvda,rx",
	  "g.cfg:7: disk: unknown access 'rx' (allowed: rw or w for read-write, ro or r for "
	  "read-only) in '/a,raw,xvda,rx'" },
	{ "vdev=xvda,vdev=xvdb,target=/a",
	  "g.cfg:7: disk: vdev given twice ('xvda' and 'xvdb'); give it once in "
	  "'vdev=xvda,vdev=xvdb,target=/a'" },
	{ "/a,raw,xvda,rw,more",
	  "g.cfg:7: disk: too many positional parameters at 'more' (the positional ones are "
	  "target,format,vdev,access; use KEY=VALUE for the rest) in '/a,raw,xvda,rw,more'" },
	{ "devtyp=cdrom,/a,,hdc",
	  "g.cfg:7: disk: unknown parameter 'devtyp=cdrom'; did you mean 'devtype'? (known: "
	  "target, format, vdev, access, devtype, backend, backendtype, script, specification, "
	  "colo-host, colo-port, colo-export, active-disk, hidden-disk; flags: cdrom, "
	  "direct-io-safe, discard, no-discard, colo, no-colo, trusted, untrusted) in "
	  "'devtyp=cdrom,/a,,hdc'" },
	{ "/a,,hde",
	  "g.cfg:7: disk: vdev 'hde' is out of range (xvd: up to 2^20 disks with partitions "
	  "1-255; hd: hda-hdd with partitions 1-63; sd: sda-sdp with partitions 1-15) in "
	  "'/a,,hde'" },
	{ "/a,,vda",
	  "g.cfg:7: disk: vdev 'vda' is not a device name (allowed: xvdX, hdX, sdX with an "
	  "optional partition number, e.g. xvda, xvdb1, hdc, sda2; or dNpN; or a device number) "
	  "in '/a,,vda'" },
	{ ",raw,xvda",
	  "g.cfg:7: disk: empty target for a disk that is not a cdrom (give a block device or "
	  "image file, or devtype=cdrom for an empty drive) in ',raw,xvda'" },
	{ "/a,raw,xvda,=",
	  "g.cfg:7: disk: bad disk syntax at '=' (a spec is comma-separated parameters: "
	  "KEY=VALUE, flags, or target,format,vdev,access) in '/a,raw,xvda,='" },
	{ "win:/a,xvda",
	  "g.cfg:7: disk: unknown prefix 'win:' (known: raw: qcow: qcow2: vhd: iscsi: nbd: enbd: "
	  "drbd: tap: tap2: tapdisk: aio: ioemu: file: phy:; for a target with ':' in it use "
	  "target=PATH as the last parameter) in 'win:/a,xvda'" },
	{ "colo-port=0,/a,,xvda",
	  "g.cfg:7: disk: colo-port '0' is not a port number (allowed: 1 to 65535) in "
	  "'colo-port=0,/a,,xvda'" },
	{ "backendtype=tapdisk,/a,,xvda",
	  "g.cfg:7: disk: unknown backendtype 'tapdisk' (allowed: phy, qdisk, standalone, tap) in "
	  "'backendtype=tapdisk,/a,,xvda'" },
	{ "/srv/a\xff.img,,xvda",
	  "g.cfg:7: disk: disk spec has a control character or is not UTF-8 text (byte 7, 0xff); "
	  "write such a path with its plain characters" },
	{ "/srv/a\x1b.img,,xvda",
	  "g.cfg:7: disk: disk spec has a control character or is not UTF-8 text (byte 7, 0x1b); "
	  "write such a path with its plain characters" },
	{ "/srv/\xc3\x28.img,,xvda",
	  "g.cfg:7: disk: disk spec has a control character or is not UTF-8 text (byte 6, 0xc3); "
	  "write such a path with its plain characters" },
	{ "/srv/\xed\xa0\x80.img,,xvda",
	  "g.cfg:7: disk: disk spec has a control character or is not UTF-8 text (byte 6, 0xed); "
	  "write such a path with its plain characters" },
	{ "/a,raw,hdc:floppy",
	  "g.cfg:7: disk: unknown device type 'floppy' after the vdev (allowed: cdrom, disk; or "
	  "use devtype=) in '/a,raw,hdc:floppy'" },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(errs); i++) {
		struct xctl_diags d;
		struct xctl_disk disk;
		xctl_diags_init(&d);
		assert_int_equal(xctl_disk_parse(errs[i].spec, "g.cfg", 7, &disk, &d),
				 XCTL_ERR_CONFIG);
		assert_int_equal(d.nerrors, 1);
		char *line = xctl_diag_format(&d.v[0]);
		if (strcmp(line, errs[i].line))
			print_message("got:      %s\nexpected: %s\n", line, errs[i].line);
		assert_string_equal(line, errs[i].line);
		free(line);
		/* a failed parse leaves nothing behind */
		assert_null(disk.target);
		assert_null(disk.vdev);
		assert_int_equal(disk.devid, -1);
		xctl_diags_free(&d);
	}
	/* a very long spec is refused, and quoted short */
	size_t n = 10000;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'a', n);
	big[n] = 0;
	struct xctl_diags d;
	struct xctl_disk disk;
	xctl_diags_init(&d);
	assert_int_equal(xctl_disk_parse(big, "g.cfg", 1, &disk, &d), XCTL_ERR_CONFIG);
	assert_string_equal(d.v[0].msg, "disk spec too long (10000 bytes; at most 8192)");
	xctl_diags_free(&d);
	free(big);
}

static char *disk_json(const struct xctl_disk *disk)
{
	struct xctl_jw *w = xctl_jw_new(false);
	const char *text;
	size_t len;
	assert_non_null(w);
	xctl_disk_to_json(w, disk);
	assert_int_equal(xctl_jw_finish(w, &text, &len), 0);
	char *copy = strndup(text, len);
	xctl_jw_free(w);
	return copy;
}

static void test_json_roundtrip(void **state)
{
	(void)state;
	static const char *const specs[] = {
		"phy:/dev/vg/guest,xvdb,w", ",hdc:cdrom,r", "/srv/a.iso,,hdc,cdrom",
		"backendtype=standalone,specification=virtio,untrusted,no-discard,direct-io-safe,"
		"vdev=xvda,target=/a,b",
		"colo,colo-host=h,colo-port=9000,colo-export=e,active-disk=/a,hidden-disk=/h,/s,,xvda",
		"iscsi:iqn.x,xvdc,r", "backend=dd,discard,trusted,/dev/x,qcow2,d5p3",
		"/srv/\"quoted\"\\path\t,,xvdaa",
	};
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(specs); i++) {
		struct xctl_diags d;
		struct xctl_disk a, b;
		struct xctl_jv *v = NULL;
		char err[128];
		xctl_diags_init(&d);
		assert_int_equal(xctl_disk_parse(specs[i], "r.cfg", (unsigned)i + 1, &a, &d), 0);
		char *j1 = disk_json(&a);
		assert_int_equal(xctl_json_parse(j1, strlen(j1), &v, err, sizeof(err)), 0);
		assert_int_equal(xctl_disk_from_json(v, &b, &d), 0);
		char *j2 = disk_json(&b);
		assert_string_equal(j1, j2);
		assert_int_equal(memcmp(&a.devid, &b.devid, sizeof(a.devid)), 0);
		assert_string_equal(a.target, b.target);
		assert_int_equal(a.format, b.format);
		assert_int_equal(a.trusted, b.trusted);
		assert_int_equal(a.line, b.line);
		free(j1);
		free(j2);
		xctl_jv_free(v);
		xctl_disk_dispose(&a);
		xctl_disk_dispose(&b);
		xctl_diags_free(&d);
	}
}

static void test_json_errors(void **state)
{
	(void)state;
	static const struct { const char *json; const char *msg; } cases[] = {
		{ "[]", "JSON disk must be an object, not an array" },
		{ "{\"format\":\"vmdk\"}", "JSON member 'format' must be null or one of \"qcow\", "
		  "\"qcow2\", \"vhd\", \"raw\", \"empty\", \"qed\"" },
		{ "{\"access\":true}", "JSON member 'access' must be \"ro\" or \"rw\"" },
		{ "{\"target\":5}", "JSON member 'target' must be a string or null, not a number" },
		{ "{\"discard\":\"yes\"}", "JSON member 'discard' must be a boolean or null, not a "
		  "string" },
		{ "{\"devid\":-2}", "JSON member 'devid' must be a whole number from -1 to 2147483647" },
		{ "{\"colo-port\":70000}", "JSON member 'colo-port' must be a whole number from 0 to "
		  "65535" },
		{ "{\"vdev\":\"xvda\",\"size\":1}", "unknown JSON member 'size' in a disk object" },
	};
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(cases); i++) {
		struct xctl_diags d;
		struct xctl_disk disk;
		struct xctl_jv *v = NULL;
		char err[128];
		xctl_diags_init(&d);
		assert_int_equal(xctl_json_parse(cases[i].json, strlen(cases[i].json), &v, err,
						 sizeof(err)), 0);
		assert_int_equal(xctl_disk_from_json(v, &disk, &d), XCTL_ERR_CONFIG);
		assert_int_equal(d.nerrors, 1);
		assert_string_equal(d.v[0].key, "disk");
		assert_string_equal(d.v[0].msg, cases[i].msg);
		assert_null(disk.vdev);
		xctl_jv_free(v);
		xctl_diags_free(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vdev_numbers),
		cmocka_unit_test(test_vdev_letters),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test(test_json_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
