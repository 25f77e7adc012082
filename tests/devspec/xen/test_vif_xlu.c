/* SPDX-License-Identifier: LGPL-2.1-only */
/* rate= of vif specs against libxlutil's xlu_vif_parse_rate(), the code xl
 * uses: the same rates accepted, with the same bytes per interval and
 * interval, on a list and on generated rates. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <libxl.h>
#include <libxlutil.h>

#include "common/util.h"
#include "toolstack/config/vifspec.h"

static const char *const rates[] = {
	"10Mb/s", "250KB/s", "1MB/s@20ms", "100Kb/s@500us", "1GB/s@1s", "8b/s@2", "1b/s",
	"4294967295B/s", "4294967296B/s", "4294967295GB/s@1us", "4294967295GB/s@4294967295us",
	"3Kb/s@7ms", "100KB/s@250u", "12MB/s@3m", "1MB/s@4294s", "1MB/s@4295s", "0Mb/s", "",
	"@20ms", "10Mb/s@", "10Mb/s@0ms", "10Mbit/s", "10mb/s", "10 Mb/s", "10Mb/s@1@2",
	"10Mb/s@20 ms", "10Tb/s", "Mb/s", "1Mb/s@ms", "1Mb/s@4294967295", "1Mb/s@4294967296us",
};

/* Where xctl reads a rate differently on purpose. */
static const struct { const char *rate; const char *why; } differences[] = {
	{ "010Mb/s", "libxlutil reads a leading 0 as octal (8 Mb/s); xctl reads decimal" },
	{ "09MB/s", "libxlutil stops at the 9 of an octal number and refuses; xctl reads 9" },
};

static int compare_rate(const char *rate, bool expect_same)
{
	XLU_Config *cfg;
	libxl_device_nic nic;
	uint64_t bytes = 0;
	uint32_t us = 0;
	char why[256];
	FILE *devnull = fopen("/dev/null", "w");

	assert_non_null(devnull);
	cfg = xlu_cfg_init(devnull, "rates");
	assert_non_null(cfg);
	libxl_device_nic_init(&nic);
	errno = 0; /* libxlutil looks at errno without clearing it */
	int xrc = xlu_vif_parse_rate(cfg, rate, &nic);
	int crc = xctl_vif_parse_rate(rate, &bytes, &us, why, sizeof(why));
	bool same = (xrc == 0) == (crc == 0) &&
		    (xrc || (nic.rate_bytes_per_interval == bytes && nic.rate_interval_usecs == us));
	if (same != expect_same)
		print_message("rate '%s': libxlutil %s %" PRIu64 "/%" PRIu32 ", xctl %s %" PRIu64
			      "/%" PRIu32 "\n", rate, xrc ? "rejects" : "accepts",
			      (uint64_t)nic.rate_bytes_per_interval, nic.rate_interval_usecs,
			      crc ? "rejects" : "accepts", bytes, us);
	libxl_device_nic_dispose(&nic);
	xlu_cfg_destroy(cfg);
	fclose(devnull);
	return same == expect_same ? 0 : 1;
}

static void test_listed(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(rates); i++)
		failures += compare_rate(rates[i], true);
	for (size_t i = 0; i < XCTL_ARRAY_SIZE(differences); i++)
		failures += compare_rate(differences[i].rate, false);
	assert_int_equal(failures, 0);
}

static void test_generated(void **state)
{
	(void)state;
	static const char *const units[] = { "GB/s", "MB/s", "KB/s", "B/s", "Gb/s", "Mb/s", "Kb/s",
					     "b/s", "b", "/s", "KB", "B/" };
	static const char *const ivs[] = { "", "@", "@ms", "@us", "@s", "@m", "@u" };
	uint64_t seed = 0xfeedf00dULL;
	int failures = 0;

	for (int i = 0; i < 5000 && failures < 10; i++) {
		char rate[96];
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t num = 1 + (seed >> 33) % 5000000000ULL;
		const char *u = units[(seed >> 13) % XCTL_ARRAY_SIZE(units)];
		const char *iv = ivs[(seed >> 7) % XCTL_ARRAY_SIZE(ivs)];
		uint64_t inum = 1 + (seed >> 40) % 5000;
		if (iv[0] && iv[1])
			snprintf(rate, sizeof(rate), "%" PRIu64 "%s@%" PRIu64 "%s", num, u, inum,
				 iv + 1);
		else if (iv[0])
			snprintf(rate, sizeof(rate), "%" PRIu64 "%s@%" PRIu64, num, u, inum);
		else
			snprintf(rate, sizeof(rate), "%" PRIu64 "%s", num, u);
		failures += compare_rate(rate, true);
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listed),
		cmocka_unit_test(test_generated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
