/* SPDX-License-Identifier: LGPL-2.1-only */
/* Every validation rule of toolstack/config at its edges: each rule is met
 * once just inside and once just outside its bound, so that a rule broken
 * (a bound moved by one, a check dropped) fails here. The xl-truth cases
 * (tests/config/xltruth) pin what xl decides; these pin xctl's own checks
 * and bounds (docs/config.md, "Deliberate differences"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/err.h"
#include "common/util.h"
#include "toolstack/config/cfg_parse.h"
#include "toolstack/config/keys.h"
#include "toolstack/config/resolve.h"
#include "toolstack/config/xlnum.h"
#include "toolstack/config/load.h"
#include "common/json.h"

#include <unistd.h>

struct rule {
	const char *text;  /* the configuration */
	const char *want;  /* NULL: resolves without any diagnostic; else a diagnostic containing it */
	bool error;        /* want is an error (resolution fails), else a warning */
};

#define PVK "name = \"r\"\nkernel = \"/k\"\n"
#define HVMK "name = \"r\"\ntype = \"hvm\"\n"
#define C8 "0,1,2,3,4,5,6,7,"
#define C64 C8 C8 C8 C8 C8 C8 C8 C8
/* 1024 items: 15 * 64 + 63 + 1 */
#define C63 C8 C8 C8 C8 C8 C8 C8 "0,1,2,3,4,5,6,"
#define C1024 C64 C64 C64 C64 C64 C64 C64 C64 C64 C64 C64 C64 C64 C64 C64 C63 "1"
#define N64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const struct rule rules[] = {
	/* name: 1 to 64 characters, not all digits, no '/', no control characters */
	{ "name = \"" N64 "\"\nkernel = \"/k\"\n", NULL, false },
	{ "name = \"" N64 "b\"\nkernel = \"/k\"\n", "name: is 65 characters long", true },
	{ "name = \"\"\nkernel = \"/k\"\n", "name: is empty", true },
	{ "name = \"a/b\"\nkernel = \"/k\"\n", "name: 'a/b' contains '/'", true },
	{ "name = \"a\\tb\"\nkernel = \"/k\"\n", "name: contains a control character", true },
	{ "name = \"a\\nb\"\nkernel = \"/k\"\n", "name: contains a control character", true },
	{ "name = \"123\"\nkernel = \"/k\"\n", "name: '123' is all digits", true },
	{ "name = \"123a\"\nkernel = \"/k\"\n", NULL, false },
	{ "name = \"a\x7f\"\nkernel = \"/k\"\n", "name: contains a control character", true },
	{ "name = \" ~\"\nkernel = \"/k\"\n", NULL, false },
	{ "kernel = \"/k\"\n", "name: missing", true },
	/* memory against maxmem */
	{ PVK "memory = 1024\nmaxmem = 1024\n", NULL, false },
	{ PVK "memory = 1025\nmaxmem = 1024\n", "memory: memory (1025 MiB) is more than maxmem (1024 MiB)", true },
	{ PVK "maxmem = 64\nmemory = 65\n", "memory: memory (65 MiB) is more than maxmem (64 MiB)", true },
	{ PVK "memory = 16777216\n", NULL, false },
	{ PVK "memory = 16777217\n", "memory: 16777217 is out of range", true },
	{ PVK "memory = 0\n", "memory: 0 is out of range", true },
	/* vcpus against maxvcpus and the bounds */
	{ PVK "vcpus = 4\nmaxvcpus = 4\n", NULL, false },
	{ PVK "vcpus = 5\nmaxvcpus = 4\n", "vcpus: vcpus (5) is more than maxvcpus (4)", true },
	{ PVK "vcpus = 1024\n", NULL, false },
	{ PVK "vcpus = 1025\n", "vcpus: 1025 is out of range", true },
	{ HVMK "maxvcpus = 128\n", NULL, false },
	{ HVMK "maxvcpus = 129\n", "maxvcpus: 129 vCPUs is more than an hvm guest can have", true },
	{ HVMK "vcpus = 129\n", "vcpus: 129 vCPUs is more than an hvm guest can have", true },
	/* boot letters: c d n a, each once, 1 to 4 of them */
	{ HVMK "boot = \"cdna\"\n", NULL, false },
	{ HVMK "boot = \"n\"\n", NULL, false },
	{ HVMK "boot = \"cdnaa\"\n", "boot: 'cdnaa' is not a boot order", true },
	{ HVMK "boot = \"cc\"\n", "boot: 'cc' is not a boot order", true },
	{ HVMK "boot = \"\"\n", "boot: '' is not a boot order", true },
	{ HVMK "boot = \"cx\"\n", "boot: 'cx' is not a boot order", true },
	{ HVMK "boot = \"b\"\n", "boot: 'b' is not a boot order", true },
	{ HVMK "boot = \"e\"\n", "boot: 'e' is not a boot order", true },
	/* uuid: 32 hex digits as 8-4-4-4-12 */
	{ PVK "uuid = \"0123abcd-ef01-ABCD-9876-543210fedcba\"\n", NULL, false },
	{ PVK "uuid = \"0123abcd-ef01-abcd-9876-543210fedcbg\"\n", "uuid: '0123abcd-ef01-abcd-9876-543210fedcbg' is not a UUID",
	  true },
	{ PVK "uuid = \"0123abcd-ef01-abcd-9876-543210fedcb\"\n", "is not a UUID", true },
	{ PVK "uuid = \"0123abcd-ef01-abcd-9876-543210fedcbaa\"\n", "is not a UUID", true },
	{ PVK "uuid = \"0123abcde-f01-abcd-9876-543210fedcba\"\n", "is not a UUID", true },
	{ PVK "uuid = \"0123abcd-ef01-abcd-98765-43210fedcba\"\n", "is not a UUID", true },
	{ PVK "uuid = \"0123abcd-ef0-1abcd-9876-543210fedcba\"\n", "is not a UUID", true },
	{ PVK "uuid = \"0123abcd-ef01-abc-d9876-543210fedcba\"\n", "is not a UUID", true },
	{ PVK "uuid = \"0123abcd-ef01-abcd-9876-543210fedcb:\"\n", "is not a UUID", true },
	{ PVK "uuid = \"0123abcd-ef01-abcd-9876-543210fedcb@\"\n", "is not a UUID", true },
	{ PVK "uuid = \"0123abcd-ef01-abcd-9876-543210fedcbG\"\n", "is not a UUID", true },
	{ PVK "uuid = \"/123abcd-ef01-abcd-9876-543210fedcba\"\n", "is not a UUID", true },
	{ PVK "uuid = \"`123abcd-ef01-abcd-9876-543210fedcba\"\n", "is not a UUID", true },
	/* keymap: 2 to 8 of a-z and '-' */
	{ HVMK "keymap = \"de\"\n", NULL, false },
	{ HVMK "keymap = \"abcdefgh\"\n", NULL, false },
	{ HVMK "keymap = \"fr-ch\"\n", NULL, false },
	{ HVMK "keymap = \"d\"\n", "keymap: 'd' is not a keymap", true },
	{ HVMK "keymap = \"abcdefghi\"\n", "keymap: 'abcdefghi' is not a keymap", true },
	{ HVMK "keymap = \"De\"\n", "keymap: 'De' is not a keymap", true },
	{ HVMK "keymap = \"d_\"\n", "keymap: 'd_' is not a keymap", true },
	{ HVMK "keymap = \"d{\"\n", "keymap: 'd{' is not a keymap", true },
	{ HVMK "keymap = \"d`\"\n", "keymap: 'd`' is not a keymap", true },
	/* firmware and bios */
	{ HVMK "firmware = \"ovmf\"\n", NULL, false },
	{ HVMK "bios = \"ovmf\"\nfirmware = \"uefi\"\n", NULL, false },
	{ HVMK "bios = \"seabios\"\nfirmware = \"ovmf\"\n", "bios: ignored: firmware = \"ovmf\"", false },
	{ HVMK "firmware = \"rombios\"\n", "bios: rombios needs device_model_version = \"qemu-xen-traditional\"", true },
	{ HVMK "firmware = \"seabios\"\ndevice_model_version = \"qemu-xen-traditional\"\n",
	  "bios: seabios needs device_model_version = \"qemu-xen\"", true },
	{ HVMK "firmware = \"rombios\"\ndevice_model_version = \"qemu-xen-traditional\"\n", NULL, false },
	{ HVMK "firmware = \"pvgrub32\"\n", "firmware: 'pvgrub32' is a pv firmware", true },
	{ HVMK "firmware = \"ue\"\n", NULL, false },
	{ HVMK "firmware = \"/fw\"\nfirmware_override = \"/o\"\n", "firmware_override: ignored because firmware", false },
	{ "name = \"r\"\nfirmware = \"pvgrub32\"\n", NULL, false },
	{ "name = \"r\"\nfirmware = \"pvgrub64x\"\n", "firmware: 'pvgrub64x' is not a pv firmware", true },
	{ "name = \"r\"\nfirmware = \"uefi\"\n", "firmware: 'uefi' is not a pv firmware", true },
	{ "name = \"r\"\nbootloader = \"pygrub\"\n", NULL, false },
	/* ramdisk, cmdline, root, extra without kernel */
	{ "name = \"r\"\nbootloader = \"pygrub\"\nramdisk = \"/i\"\n", "ramdisk: ignored without kernel", false },
	{ PVK "ramdisk = \"/i\"\n", NULL, false },
	{ HVMK "ramdisk = \"/i\"\n", "ramdisk: direct boot parameters need a kernel", true },
	{ HVMK "cmdline = \"x\"\n", "cmdline: direct boot parameters need a kernel", true },
	{ HVMK "extra = \"x\"\n", "extra: direct boot parameters need a kernel", true },
	{ HVMK "kernel = \"/k\"\nramdisk = \"/i\"\ncmdline = \"x\"\n", NULL, false },
	{ PVK "bootloader = \"pygrub\"\n", "kernel: ignored: the bootloader chooses the kernel", false },
	{ PVK "extra = \"e\"\ncmdline = \"c\"\n", "extra: ignored in favour of cmdline", false },
	{ "name = \"r\"\ntype = \"pvh\"\n", "kernel: a pvh guest needs a kernel or a bootloader", true },
	/* videoram minimums */
	{ HVMK "vga = \"qxl\"\nvideoram = 128\n", NULL, false },
	{ HVMK "vga = \"qxl\"\nvideoram = 127\n", "videoram: 127 MiB is too little for vga = \"qxl\"", true },
	{ HVMK "vga = \"stdvga\"\nvideoram = 16\n", NULL, false },
	{ HVMK "vga = \"stdvga\"\nvideoram = 15\n", "videoram: 15 MiB is too little", true },
	{ HVMK "vga = \"stdvga\"\nvideoram = 8\ndevice_model_version = \"qemu-xen-traditional\"\n", NULL, false },
	{ HVMK "vga = \"stdvga\"\nvideoram = 7\ndevice_model_version = \"qemu-xen-traditional\"\n", "videoram: 7 MiB",
	  true },
	{ HVMK "videoram = 8\n", NULL, false },
	{ HVMK "videoram = 7\n", "videoram: 7 MiB is too little for vga = \"cirrus\"", true },
	{ HVMK "vga = \"none\"\nvideoram = 1\n", NULL, false },
	{ HVMK "vga = \"none\"\nvideoram = 0\n", NULL, false },
	{ HVMK "videoram = 0\n", "videoram: 0 MiB is too little for vga = \"cirrus\"", true },
	{ HVMK "vga = \"none\"\nvideoram = 65537\n", "videoram: ", true },
	{ HVMK "device_model_version = \"qemu-xen-traditional\"\nvideoram = 4\n", NULL, false },
	{ HVMK "device_model_version = \"qemu-xen-traditional\"\nvideoram = 5\n", "videoram: ignored: cirrus", false },
	/* deprecated aliases for the wrong guest type */
	{ PVK "stdvga = 1\n", "stdvga: applies to hvm guests only", true },
	{ HVMK "stdvga = 0\n", "stdvga: deprecated, write vga = \"cirrus\" instead", false },
	{ HVMK "stdvga = \"x\"\n", "stdvga: must be 0 or 1", true },
	/* vnc display given twice (hvm) */
	{ HVMK "vnclisten = \"1.2.3.4:1\"\nvncdisplay = 1\n", "vncdisplay: given twice", true },
	{ HVMK "vnclisten = \"1.2.3.4\"\nvncdisplay = 1\n", NULL, false },
	/* viridian */
	{ HVMK "viridian = [ \"base\", \"!freq\" ]\n", NULL, false },
	{ HVMK "viridian = [ \"!base\" ]\n", NULL, false },
	{ HVMK "viridian = [ \"all\" ]\n", NULL, false },
	{ HVMK "viridian = [ \"all\", \"!base\" ]\n", "viridian: enables groups without 'base'", true },
	{ HVMK "viridian = [ \"cpu_hotplug\" ]\n", "viridian: enables groups without 'base'", true },
	{ HVMK "viridian = [ \"defaults\" ]\n", NULL, false },
	{ HVMK "viridian = [ \"freq\", \"!freq\" ]\n", NULL, false },
	{ HVMK "viridian = [ \"!freq\", \"freq\" ]\n", "viridian: enables groups without 'base'", true },
	{ HVMK "viridian = 1\n", NULL, false },
	/* tsc_mode and timer_mode numbers */
	{ PVK "tsc_mode = 3\n", "tsc_mode: native_paravirt was removed", true },
	{ PVK "tsc_mode = 4\n", "tsc_mode: '4' is not valid", true },
	{ PVK "tsc_mode = \"-1\"\n", "tsc_mode: -1 is not valid", true },
	{ HVMK "timer_mode = 3\n", "timer_mode: a number is deprecated here, write timer_mode = \"one_missed_tick_pending\"",
	  false },
	{ HVMK "timer_mode = 0\n", "write timer_mode = \"delay_for_missed_ticks\"", false },
	{ HVMK "bios = \"unknown\"\n", NULL, false },
	{ HVMK "hdtype = \"unknown\"\n", "hdtype: 'unknown' is not valid", true },
	/* devices */
	{ PVK "vif = [ \"mac=00:16:3e:00:00:01\", \"mac=00:16:3e:00:00:01\" ]\n", "vif: mac 00:16:3e:00:00:01 is already used",
	  true },
	{ PVK "vif = [ \"mac=00:16:3e:00:00:01\", \"mac=00:16:3e:00:00:02\" ]\n", NULL, false },
	{ PVK "vif = [ \"bridge=a\", \"bridge=b\" ]\n", NULL, false },
	{ PVK "disk = [ \"/dev/null,raw,xvda,rw\", \"/dev/null,raw,51712,rw\" ]\n", "disk: vdev '51712' (device 51712) is already used",
	  true },
	/* strings must be UTF-8 */
	{ PVK "extra = \"\xc3\xa9\"\n", NULL, false },
	{ PVK "extra = \"\xe2\x82\xac\xf0\x9f\x98\x80\"\n", NULL, false },
	{ PVK "extra = \"\xc3\"\n", "extra: is not valid UTF-8 (byte 0xc3 at offset 0", true },
	{ PVK "extra = \"a\xc0\xaf\"\n", "byte 0xc0 at offset 1", true },
	{ PVK "extra = \"\xe0\x80\xaf\"\n", "byte 0xe0", true },
	{ PVK "extra = \"\xed\xa0\x80\"\n", "byte 0xed", true },
	{ PVK "extra = \"\xf4\x90\x80\x80\"\n", "byte 0xf4", true },
	{ PVK "extra = \"\xf5\x80\x80\x80\"\n", "byte 0xf5", true },
	{ PVK "extra = \"\xf8\"\n", "byte 0xf8", true },
	{ PVK "extra = \"\x80\"\n", "byte 0x80", true },
	{ PVK "disk = [ \"/dev/null,raw,xvda,rw\xff\" ]\n", "disk: is not valid UTF-8", true },
	/* cpus */
	{ PVK "cpus = \"4095\"\n", NULL, false },
	{ PVK "cpus = \"4096\"\n", "cpus: item '4096': '4096': CPU numbers go up to 4095", true },
	{ PVK "cpus = \"nodes:255\"\n", NULL, false },
	{ PVK "cpus = \"node:256\"\n", "node numbers go up to 255", true },
	{ PVK "cpus = \"3-1\"\n", "the range goes down", true },
	{ PVK "cpus = \"1-1\"\n", NULL, false },
	{ PVK "cpus = \"1-\"\n", "is not a CPU number or range", true },
	{ PVK "cpus = \"+1- +2\"\n", NULL, false },
	{ PVK "cpus = \",,\"\n", "empty CPU list", true },
	{ PVK "cpus = \"all,^3\"\n", NULL, false },
	{ PVK "cpus = \"" C1024 "\"\n", NULL, false },
	{ PVK "cpus = \"" C1024 ",1\"\n", "cpus: too many items in the CPU list (at most 1024)", true },
	{ PVK "cpus = \"^node:all\"\n", "'^' cannot be combined with \"all\"", true },
	{ PVK "vcpus = 2\ncpus = [ \"0\", \"1\", \"2\" ]\n", "cpus: has 3 entries but the guest has 2 vCPUs", false },
	{ PVK "vcpus = 2\ncpus = [ \"0\", \"1\" ]\n", NULL, false },
	{ PVK "vcpus = 2\ncpus_soft = [ \"0\", \"1\", \"2\" ]\n", "cpus_soft: has 3 entries but the guest has 2 vCPUs", false },
	{ PVK "maxvcpus = 3\ncpus_soft = [ \"0\", \"1\", \"2\" ]\n", NULL, false },
};

static void test_rules(void **state)
{
	(void)state;
	size_t failed = 0;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];
		struct xctl_cfg cfg;
		struct xctl_diags d;
		struct xctl_domain_config m;
		struct xctl_resolve_opts o = { 0 };
		xctl_cfg_init(&cfg);
		xctl_diags_init(&d);
		assert_int_equal(xctl_cfg_parse_text(&cfg, "r.cfg", 1, r->text, strlen(r->text), &d), 0);
		int rc = xctl_config_resolve(&cfg, "r.cfg", &o, &m, &d);
		struct xctl_buf all = { 0 };
		bool found = false;
		for (size_t j = 0; j < d.n; j++) {
			char *s = xctl_diag_format(&d.v[j]);
			xctl_buf_printf(&all, "  %s\n", s);
			if (r->want && strstr(s, r->want) && (d.v[j].sev == XCTL_DIAG_ERROR) == r->error)
				found = true;
			free(s);
		}
		bool ok = r->want ? found && (rc != 0) == r->error : rc == 0 && d.n == 0;
		if (!ok) {
			print_error("rule %zu:\n%s--- wanted %s '%s', got %s:\n%s", i, r->text, r->error ? "error" : "warning",
				    r->want ? r->want : "(nothing)", xctl_errname(rc), all.p ? all.p : "  (no diagnostics)\n");
			failed++;
		}
		xctl_buf_free(&all);
		xctl_model_dispose(&m);
		xctl_cfg_free(&cfg);
		xctl_diags_free(&d);
	}
	printf("config rules at their edges: %zu, failed: %zu\n", sizeof(rules) / sizeof(rules[0]), failed);
	assert_int_equal(failed, 0);
}

/* Every escape decodes to its byte; the value of the one xl number parser. */
static void test_escapes_and_numbers(void **state)
{
	(void)state;
	static const struct {
		const char *esc;
		char byte;
	} esc[] = { { "\\\"", '"' },  { "\\'", '\'' },  { "\\\\", '\\' }, { "\\a", '\a' }, { "\\b", '\b' },
		    { "\\f", '\f' },  { "\\n", '\n' },  { "\\r", '\r' },  { "\\t", '\t' }, { "\\v", '\v' } };
	for (size_t i = 0; i < sizeof(esc) / sizeof(esc[0]); i++) {
		char text[64];
		struct xctl_cfg cfg;
		struct xctl_diags d;
		snprintf(text, sizeof(text), "a = \"<%s>\"\nb = '<%s>'\n", esc[i].esc, esc[i].esc);
		xctl_cfg_init(&cfg);
		xctl_diags_init(&d);
		assert_int_equal(xctl_cfg_parse_text(&cfg, "e.cfg", 1, text, strlen(text), &d), 0);
		char want[4] = { '<', esc[i].byte, '>', '\0' };
		assert_string_equal(xctl_cfg_get(&cfg, "a")->value->s, want);
		assert_string_equal(xctl_cfg_get(&cfg, "b")->value->s, want);
		xctl_cfg_free(&cfg);
		xctl_diags_free(&d);
	}
	static const struct {
		const char *s;
		int rc;
		int64_t v;
	} num[] = { { "0", 0, 0 },
		    { "512", 0, 512 },
		    { " \t\n\v\f\r512", 0, 512 },
		    { "+7", 0, 7 },
		    { "-7", 0, -7 },
		    { "0x1F", 0, 31 },
		    { "0X1f", 0, 31 },
		    { "017", 0, 15 },
		    { "9223372036854775807", 0, INT64_MAX },
		    { "-9223372036854775808", 0, INT64_MIN },
		    { "9223372036854775808", XCTL_ERR_LIMIT, 0 },
		    { "-9223372036854775809", XCTL_ERR_LIMIT, 0 },
		    { "", XCTL_ERR_INVAL, 0 },
		    { " ", XCTL_ERR_INVAL, 0 },
		    { "512 ", XCTL_ERR_INVAL, 0 },
		    { "08", XCTL_ERR_INVAL, 0 },
		    { "0x", XCTL_ERR_INVAL, 0 },
		    { "1e3", XCTL_ERR_INVAL, 0 },
		    { "12k", XCTL_ERR_INVAL, 0 } };
	for (size_t i = 0; i < sizeof(num) / sizeof(num[0]); i++) {
		int64_t v = -12345;
		int rc = xctl_xl_long(num[i].s, &v);
		if (rc != num[i].rc || (!rc && v != num[i].v))
			print_error("'%s': rc %d value %lld\n", num[i].s, rc, (long long)v);
		assert_int_equal(rc, num[i].rc);
		if (!rc)
			assert_true(v == num[i].v);
		else
			assert_true(v == -12345);
	}
}

/* The global configuration's CPU masks by guest type, its deprecated
 * spellings, and its JSON form. */
static void test_global_masks(void **state)
{
	(void)state;
	char dir[] = "/tmp/xctl-rules-XXXXXX", path[128], gpath[128];
	assert_non_null(mkdtemp(dir));
	snprintf(gpath, sizeof(gpath), "%s/g.conf", dir);
	static const struct {
		const char *global, *type, *want;
	} t[] = {
		{ "vm.cpumask = \"0\"\nvm.pv.cpumask = \"1\"\nvm.pvh.cpumask = \"2\"\nvm.hvm.cpumask = \"3\"\n", "pv", "1" },
		{ "vm.cpumask = \"0\"\nvm.pv.cpumask = \"1\"\nvm.pvh.cpumask = \"2\"\nvm.hvm.cpumask = \"3\"\n", "pvh", "2" },
		{ "vm.cpumask = \"0\"\nvm.pv.cpumask = \"1\"\nvm.pvh.cpumask = \"2\"\nvm.hvm.cpumask = \"3\"\n", "hvm", "3" },
		{ "vm.cpumask = \"5\"\n", "pv", "5" },
		{ "vm.cpumask = \"5\"\n", "pvh", "5" },
		{ "vm.cpumask = \"5\"\n", "hvm", "5" },
		{ "vm.pv.cpumask = \"6\"\n", "hvm", NULL },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char text[256];
		FILE *f = fopen(gpath, "w");
		assert_non_null(f);
		fputs(t[i].global, f);
		fclose(f);
		snprintf(path, sizeof(path), "%s/d.cfg", dir);
		snprintf(text, sizeof(text), "name = \"g\"\ntype = \"%s\"\nkernel = \"/k\"\n", t[i].type);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(text, f);
		fclose(f);
		struct xctl_config_request r = { .global_path = gpath, .path = path };
		struct xctl_global_config g;
		struct xctl_domain_config m;
		struct xctl_diags d;
		xctl_diags_init(&d);
		assert_int_equal(xctl_config_load_request(&r, &g, &m, &d), 0);
		if (t[i].want) {
			assert_int_equal(m.cpus.masks.n, 1);
			assert_string_equal(m.cpus.masks.v[0], t[i].want);
		} else {
			assert_int_equal(m.cpus.masks.n, 0);
		}
		xctl_model_dispose(&m);
		xctl_global_dispose(&g);
		xctl_diags_free(&d);
	}
	/* deprecated spellings warn and set the key they stand for; the JSON
	 * names only the current keys */
	FILE *f = fopen(gpath, "w");
	assert_non_null(f);
	fputs("vifscript = \"vif-nat\"\ndefaultbridge = \"br7\"\n", f);
	fclose(f);
	struct xctl_global_config g;
	struct xctl_diags d;
	xctl_diags_init(&d);
	assert_int_equal(xctl_global_init(&g), 0);
	assert_int_equal(xctl_global_load(&g, gpath, true, &d), 0);
	assert_int_equal(d.nwarnings, 2);
	char *w = xctl_diag_format(&d.v[0]);
	assert_string_equal(strstr(w, "warning:"), "warning: vifscript: deprecated, write vif.default.script instead");
	free(w);
	assert_string_equal(g.vif_script, "vif-nat");
	assert_string_equal(g.vif_bridge, "br7");
	struct xctl_jw *jw = xctl_jw_new(false);
	const char *text;
	size_t len;
	xctl_global_to_json(jw, &g);
	assert_int_equal(xctl_jw_finish(jw, &text, &len), 0);
	assert_non_null(strstr(text, "\"vif.default.script\":\"vif-nat\""));
	assert_non_null(strstr(text, "\"max_grant_frames\":null"));
	assert_null(strstr(text, "vifscript"));
	assert_null(strstr(text, "defaultbridge"));
	xctl_jw_free(jw);
	xctl_global_dispose(&g);
	xctl_diags_free(&d);
	unlink(gpath);
	unlink(path);
	rmdir(dir);
}

/* xctl.conf's hotplug keys: native or scripts, and the timeout's range;
 * and the image cache's switch (on by default). */
static void test_global_hotplug(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int rc, hotplug;
		int64_t timeout;
		const char *err;
	} t[] = {
		{ "", 0, 0, 40, NULL },
		{ "hotplug = \"scripts\"\nhotplug_timeout = 1\nkernel_cache = 0\n", 0, 1, 1, NULL },
		{ "hotplug = \"native\"\nhotplug_timeout = 3600\n", 0, 0, 3600, NULL },
		{ "hotplug = \"udev\"\n", XCTL_ERR_CONFIG, 0, 40, "'udev' is not valid (allowed: native, scripts)" },
		{ "hotplug_timeout = 0\n", XCTL_ERR_CONFIG, 0, 40, "0 is out of range (allowed: 1 to 3600)" },
		{ "hotplug_timeout = 3601\n", XCTL_ERR_CONFIG, 0, 40, "3601 is out of range (allowed: 1 to 3600)" },
	};
	char dir[] = "/tmp/xctl-rules-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char gpath[64];
	snprintf(gpath, sizeof(gpath), "%s/xctl.conf", dir);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		FILE *f = fopen(gpath, "w");
		assert_non_null(f);
		fputs(t[i].text, f);
		fclose(f);
		struct xctl_global_config g;
		struct xctl_diags d;
		xctl_diags_init(&d);
		assert_int_equal(xctl_global_init(&g), 0);
		assert_int_equal(xctl_global_load(&g, gpath, true, &d), t[i].rc);
		assert_int_equal(g.hotplug, t[i].hotplug);
		assert_int_equal(g.hotplug_timeout, t[i].timeout);
		assert_int_equal(g.kernel_cache, !strstr(t[i].text, "kernel_cache = 0"));
		if (t[i].err) {
			assert_true(d.n > 0);
			char *m = xctl_diag_format(&d.v[0]);
			assert_non_null(strstr(m, t[i].err));
			free(m);
		}
		xctl_global_dispose(&g);
		xctl_diags_free(&d);
	}
	unlink(gpath);
	rmdir(dir);
}

/* The guest type keeps where it was decided: type, or builder alone. */
static void test_type_origin(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum xctl_guest_type type;
		enum xctl_src src;
		unsigned line;
	} t[] = {
		{ "name = \"o\"\nbuilder = \"hvm\"\n", XCTL_GUEST_HVM, XCTL_SRC_CONFIG, 2 },
		{ "name = \"o\"\ntype = \"pvh\"\nkernel = \"/k\"\n", XCTL_GUEST_PVH, XCTL_SRC_CONFIG, 2 },
		{ "name = \"o\"\nkernel = \"/k\"\n", XCTL_GUEST_PV, XCTL_SRC_DEFAULT, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct xctl_cfg cfg;
		struct xctl_diags d;
		struct xctl_domain_config m;
		struct xctl_resolve_opts o = { 0 };
		xctl_cfg_init(&cfg);
		xctl_diags_init(&d);
		assert_int_equal(xctl_cfg_parse_text(&cfg, "o.cfg", 1, t[i].text, strlen(t[i].text), &d), 0);
		assert_int_equal(xctl_config_resolve(&cfg, "o.cfg", &o, &m, &d), 0);
		assert_int_equal(m.type, t[i].type);
		assert_int_equal(m.origin[XCTL_K_TYPE].src, t[i].src);
		assert_int_equal(m.origin[XCTL_K_TYPE].line, t[i].line);
		xctl_model_dispose(&m);
		xctl_cfg_free(&cfg);
		xctl_diags_free(&d);
	}
}

static const struct CMUnitTest rule_tests[] = {
	cmocka_unit_test(test_type_origin),
	cmocka_unit_test(test_global_masks),
	cmocka_unit_test(test_global_hotplug),
	cmocka_unit_test(test_rules),
	cmocka_unit_test(test_escapes_and_numbers),
};

void rules_tests(const struct CMUnitTest **tests, size_t *n);
void rules_tests(const struct CMUnitTest **tests, size_t *n)
{
	*tests = rule_tests;
	*n = sizeof(rule_tests) / sizeof(rule_tests[0]);
}
