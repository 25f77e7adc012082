/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-simd: domains, ids, state flags, shutdown reasons, memory, vcpus,
 * the state watch, identity of guest connections. No xenstored, no guest
 * processes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "sim/simd/proto.h"
#include "tests/simd/harness.h"

static int setup(void **state)
{
	struct simd_host *h = calloc(1, sizeof(*h));
	const char *extra[] = { "--memory", "4194304", "--cpus", "8", NULL }; /* 4 GiB */
	if (!h || th_start(h, false, "none", extra)) {
		free(h);
		return -1;
	}
	*state = h;
	return 0;
}

static int teardown(void **state)
{
	struct simd_host *h = *state;
	th_stop(h);
	free(h);
	return 0;
}

static void flags_of(struct simd_host *h, uint32_t id, char out[SIMD_FLAGS_STRLEN])
{
	struct simd_domain_info di;
	assert_int_equal(simd_domain_info(h->s, id, &di), 0);
	simd_flags_str(di.flags, di.shutdown_reason, out);
}

static void test_flags_string(void **state)
{
	(void)state;
	char f[SIMD_FLAGS_STRLEN];
	simd_flags_str(SIMD_DOMF_BLOCKED, 0, f);
	assert_string_equal(f, "-b----");
	simd_flags_str(SIMD_DOMF_RUNNING, 0, f);
	assert_string_equal(f, "r-----");
	simd_flags_str(SIMD_DOMF_PAUSED, 0, f);
	assert_string_equal(f, "--p---");
	const char *want[] = { "---s--", "---sr-", "---ss-", "---sc-", "---sw-", "---sS-" };
	for (int r = 0; r < SIMD_SHUTDOWN_NR; r++) {
		simd_flags_str(SIMD_DOMF_SHUTDOWN, (uint32_t)r, f);
		assert_string_equal(f, want[r]);
	}
	simd_flags_str(SIMD_DOMF_DYING, 3, f);
	assert_string_equal(f, "-----d");
	const char *names[] = { "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset" };
	for (int r = 0; r < SIMD_SHUTDOWN_NR; r++) {
		assert_string_equal(simd_shutdown_name(r), names[r]);
		assert_int_equal(simd_shutdown_parse(names[r]), r);
	}
	assert_null(simd_shutdown_name(6));
	assert_null(simd_shutdown_name(-1));
	assert_int_equal(simd_shutdown_parse("halt"), -1);
}

static void test_dom0_and_host(void **state)
{
	struct simd_host *h = *state;
	struct simd_host_info hi;
	assert_int_equal(simd_host_info(h->s, &hi), 0);
	assert_int_equal(hi.total_kib, 4194304);
	assert_int_equal(hi.nr_cpus, 8);
	assert_int_equal(hi.xen_major, 4);
	assert_int_equal(hi.xen_minor, 17);
	assert_int_equal(hi.pid, h->simd);
	struct simd_domain_info di;
	assert_int_equal(simd_domain_info(h->s, 0, &di), 0);
	assert_int_equal(di.domid, 0);
	assert_string_equal(di.name, "Domain-0");
	char f[SIMD_FLAGS_STRLEN];
	simd_flags_str(di.flags, di.shutdown_reason, f);
	assert_string_equal(f, "r-----");
	assert_int_equal(hi.free_kib, hi.total_kib - di.target_kib);
	assert_int_equal(simd_self(h->s), 0);
	/* dom0 cannot be destroyed or paused */
	assert_int_equal(simd_domain_destroy(h->s, 0), XCTL_ERR_INVAL);
	assert_int_equal(simd_domain_pause(h->s, 0), XCTL_ERR_INVAL);
}

static void test_ids_not_reused(void **state)
{
	struct simd_host *h = *state;
	uint32_t a = th_create(h), b = th_create(h);
	assert_true(a >= 1 && a <= SIMD_DOMID_MAX);
	assert_int_equal(b, a + 1);
	assert_int_equal(simd_domain_destroy(h->s, a), 0);
	uint32_t c = th_create(h);
	assert_int_equal(c, b + 1); /* a is free, but not reused at once */
	struct simd_domain_info di;
	assert_int_equal(simd_domain_info(h->s, a, &di), XCTL_ERR_NOTFOUND);
	assert_non_null(strstr(simd_errmsg(h->s), "does not exist"));
	/* an explicit id */
	struct simd_domain_config cfg = th_config();
	cfg.domid = SIMD_DOMID_MAX;
	uint32_t id;
	assert_int_equal(simd_domain_create(h->s, &cfg, &id), 0);
	assert_int_equal(id, SIMD_DOMID_MAX);
	assert_int_equal(simd_domain_create(h->s, &cfg, &id), XCTL_ERR_EXISTS);
	cfg.domid = SIMD_DOMID_FIRST_RESERVED;
	assert_int_equal(simd_domain_create(h->s, &cfg, &id), XCTL_ERR_INVAL);
	/* the list: dom0 first, ascending */
	struct simd_domain_info *v;
	size_t n;
	assert_int_equal(simd_domain_list(h->s, &v, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(v[0].domid, 0);
	assert_int_equal(v[1].domid, b);
	assert_int_equal(v[2].domid, c);
	assert_int_equal(v[3].domid, SIMD_DOMID_MAX);
	free(v);
	simd_domain_destroy(h->s, b);
	simd_domain_destroy(h->s, c);
	simd_domain_destroy(h->s, SIMD_DOMID_MAX);
}

static void test_list_pages(void **state)
{
	struct simd_host *h = *state;
	enum { N = SIMD_LIST_MAX + 10 };
	uint32_t ids[N];
	for (int i = 0; i < N; i++) {
		struct simd_domain_config cfg = th_config();
		cfg.max_kib = cfg.target_kib = 2048;
		assert_int_equal(simd_domain_create(h->s, &cfg, &ids[i]), 0);
	}
	struct simd_domain_info *v;
	size_t n;
	assert_int_equal(simd_domain_list(h->s, &v, &n), 0);
	assert_int_equal(n, N + 1);
	for (int i = 0; i < N; i++)
		assert_int_equal(v[i + 1].domid, ids[i]);
	free(v);
	for (int i = 0; i < N; i++)
		assert_int_equal(simd_domain_destroy(h->s, ids[i]), 0);
}

static void test_state_flags(void **state)
{
	struct simd_host *h = *state;
	uint32_t id = th_create(h);
	char f[SIMD_FLAGS_STRLEN];
	flags_of(h, id, f);
	assert_string_equal(f, "--p---");
	assert_int_equal(simd_domain_unpause(h->s, id), 0);
	flags_of(h, id, f);
	assert_string_equal(f, "-b----"); /* no guest process: blocked */
	assert_int_equal(simd_domain_unpause(h->s, id), XCTL_ERR_INVAL);
	/* pauses nest */
	assert_int_equal(simd_domain_pause(h->s, id), 0);
	assert_int_equal(simd_domain_pause(h->s, id), 0);
	assert_int_equal(simd_domain_unpause(h->s, id), 0);
	flags_of(h, id, f);
	assert_string_equal(f, "--p---");
	assert_int_equal(simd_domain_unpause(h->s, id), 0);
	/* suspend, then resume */
	assert_int_equal(simd_domain_shutdown(h->s, id, SIMD_SHUTDOWN_SUSPEND), 0);
	flags_of(h, id, f);
	assert_string_equal(f, "---ss-");
	assert_int_equal(simd_domain_shutdown(h->s, id, SIMD_SHUTDOWN_CRASH), XCTL_ERR_BUSY);
	flags_of(h, id, f);
	assert_string_equal(f, "---ss-"); /* the first reason stays */
	assert_int_equal(simd_domain_resume(h->s, id), 0);
	flags_of(h, id, f);
	assert_string_equal(f, "-b----");
	assert_int_equal(simd_domain_resume(h->s, id), XCTL_ERR_INVAL);
	/* every reason */
	for (int r = 0; r < SIMD_SHUTDOWN_NR; r++) {
		uint32_t d = th_create(h);
		assert_int_equal(simd_domain_shutdown(h->s, d, (enum simd_shutdown_reason)r), 0);
		struct simd_domain_info di;
		assert_int_equal(simd_domain_info(h->s, d, &di), 0);
		assert_true(di.flags & SIMD_DOMF_SHUTDOWN);
		assert_int_equal(di.shutdown_reason, r);
		if (r != SIMD_SHUTDOWN_SUSPEND)
			assert_int_equal(simd_domain_resume(h->s, d), XCTL_ERR_INVAL);
		simd_domain_destroy(h->s, d);
	}
	assert_int_equal(simd_domain_shutdown(h->s, id, (enum simd_shutdown_reason)6), XCTL_ERR_INVAL);
	simd_domain_destroy(h->s, id);
	assert_int_equal(simd_domain_pause(h->s, id), XCTL_ERR_NOTFOUND);
}

static void test_info_fields(void **state)
{
	struct simd_host *h = *state;
	struct simd_domain_config cfg = th_config();
	cfg.type = SIMD_TYPE_HVM;
	cfg.max_vcpus = 4;
	cfg.vcpus = 3;
	cfg.max_kib = 128 * 1024;
	cfg.target_kib = 96 * 1024;
	snprintf(cfg.name, sizeof(cfg.name), "vm-one");
	uint32_t id;
	assert_int_equal(simd_domain_create(h->s, &cfg, &id), 0);
	struct simd_domain_info di;
	assert_int_equal(simd_domain_info(h->s, id, &di), 0);
	assert_int_equal(di.type, SIMD_TYPE_HVM);
	assert_memory_equal(di.uuid, cfg.uuid, 16);
	assert_string_equal(di.name, "vm-one");
	assert_int_equal(di.max_kib, 128 * 1024);
	assert_int_equal(di.target_kib, 96 * 1024);
	assert_int_equal(di.max_vcpus, 4);
	assert_int_equal(di.online_vcpus, 3);
	assert_true(di.created_ns > 0);
	/* the builder's ports and pages */
	assert_int_equal(di.store_port, 1);
	assert_int_equal(di.console_port, 2);
	assert_int_equal(di.nr_ports, 2);
	assert_true(di.store_gfn != 0 && di.console_gfn != 0 && di.store_gfn != di.console_gfn);
	assert_int_equal(di.nr_pages, 2);
	assert_int_equal(di.nr_grant_frames, 1);
	assert_int_equal(di.max_grant_frames, SIMD_DEFAULT_MAX_GRANT_FRAMES);
	assert_int_equal(di.maps_of_it, 0);
	assert_int_equal(di.guest_pid, 0);
	simd_domain_destroy(h->s, id);
}

static void test_memory(void **state)
{
	struct simd_host *h = *state;
	struct simd_host_info hi;
	assert_int_equal(simd_host_info(h->s, &hi), 0);
	uint64_t free0 = hi.free_kib;
	struct simd_domain_config cfg = th_config();
	cfg.max_kib = free0 + 1024;
	cfg.target_kib = free0 + 1024;
	uint32_t id;
	assert_int_equal(simd_domain_create(h->s, &cfg, &id), XCTL_ERR_LIMIT);
	char want[64];
	snprintf(want, sizeof(want), "%llu KiB free", (unsigned long long)free0);
	assert_non_null(strstr(simd_errmsg(h->s), want));
	snprintf(want, sizeof(want), "%llu KiB", (unsigned long long)(free0 + 1024));
	assert_non_null(strstr(simd_errmsg(h->s), want));
	/* exactly what is free fits */
	cfg.max_kib = cfg.target_kib = free0;
	assert_int_equal(simd_domain_create(h->s, &cfg, &id), 0);
	assert_int_equal(simd_host_info(h->s, &hi), 0);
	assert_int_equal(hi.free_kib, 0);
	assert_int_equal(simd_domain_destroy(h->s, id), 0);
	assert_int_equal(simd_host_info(h->s, &hi), 0);
	assert_int_equal(hi.free_kib, free0);
	/* target above max */
	cfg = th_config();
	cfg.target_kib = cfg.max_kib + 4;
	assert_int_equal(simd_domain_create(h->s, &cfg, &id), XCTL_ERR_INVAL);
	/* ballooning */
	cfg = th_config();
	cfg.max_kib = 256 * 1024;
	cfg.target_kib = 128 * 1024;
	assert_int_equal(simd_domain_create(h->s, &cfg, &id), 0);
	assert_int_equal(simd_host_info(h->s, &hi), 0);
	assert_int_equal(hi.free_kib, free0 - 128 * 1024);
	assert_int_equal(simd_mem_set_target(h->s, id, 200 * 1024), 0);
	struct simd_domain_info di;
	assert_int_equal(simd_domain_info(h->s, id, &di), 0);
	assert_int_equal(di.target_kib, 200 * 1024);
	assert_int_equal(simd_host_info(h->s, &hi), 0);
	assert_int_equal(hi.free_kib, free0 - 200 * 1024);
	assert_int_equal(simd_mem_set_target(h->s, id, 257 * 1024), XCTL_ERR_INVAL);
	assert_non_null(strstr(simd_errmsg(h->s), "262144 KiB"));
	assert_int_equal(simd_mem_set_max(h->s, id, 100 * 1024), XCTL_ERR_INVAL); /* below target */
	assert_int_equal(simd_mem_set_max(h->s, id, free0 + 1024), 0);
	assert_int_equal(simd_mem_set_target(h->s, id, free0 + 4), XCTL_ERR_LIMIT);
	snprintf(want, sizeof(want), "the host has %llu KiB free", (unsigned long long)(free0 - 200 * 1024));
	assert_non_null(strstr(simd_errmsg(h->s), want));
	assert_int_equal(simd_mem_set_target(h->s, id, 64 * 1024), 0);
	assert_int_equal(simd_host_info(h->s, &hi), 0);
	assert_int_equal(hi.free_kib, free0 - 64 * 1024);
	simd_domain_destroy(h->s, id);
	assert_int_equal(simd_host_info(h->s, &hi), 0);
	assert_int_equal(hi.free_kib, free0);
}

static void test_create_bounds(void **state)
{
	struct simd_host *h = *state;
	uint32_t id;
	struct simd_domain_config c = th_config();
	c.max_vcpus = SIMD_MAX_VCPUS + 1;
	assert_int_equal(simd_domain_create(h->s, &c, &id), XCTL_ERR_INVAL);
	c = th_config();
	c.max_vcpus = 0;
	assert_int_equal(simd_domain_create(h->s, &c, &id), XCTL_ERR_INVAL);
	c = th_config();
	c.vcpus = 3; /* max 2 */
	assert_int_equal(simd_domain_create(h->s, &c, &id), XCTL_ERR_INVAL);
	c = th_config();
	c.type = (enum simd_dom_type)3;
	assert_int_equal(simd_domain_create(h->s, &c, &id), XCTL_ERR_INVAL);
	c = th_config();
	c.max_grant_frames = SIMD_MAX_GRANT_FRAMES + 1;
	assert_int_equal(simd_domain_create(h->s, &c, &id), XCTL_ERR_INVAL);
	c = th_config();
	c.max_evtchn_port = 4096;
	assert_int_equal(simd_domain_create(h->s, &c, &id), XCTL_ERR_INVAL);
	c = th_config();
	c.max_kib = 1023;
	c.target_kib = 0;
	assert_int_equal(simd_domain_create(h->s, &c, &id), XCTL_ERR_INVAL);
	c = th_config();
	c.max_pages = 65537;
	assert_int_equal(simd_domain_create(h->s, &c, &id), XCTL_ERR_INVAL);
	/* the smallest good one */
	c = th_config();
	c.max_vcpus = 1;
	c.vcpus = 0;
	c.max_kib = 1024;
	c.target_kib = 0;
	assert_int_equal(simd_domain_create(h->s, &c, &id), 0);
	struct simd_domain_info di;
	assert_int_equal(simd_domain_info(h->s, id, &di), 0);
	assert_int_equal(di.target_kib, 1024);
	assert_int_equal(di.online_vcpus, 1);
	simd_domain_destroy(h->s, id);
}

static void test_vcpus(void **state)
{
	struct simd_host *h = *state;
	struct simd_domain_config c = th_config();
	c.max_vcpus = 4;
	c.vcpus = 2;
	uint32_t id;
	assert_int_equal(simd_domain_create(h->s, &c, &id), 0);
	struct simd_vcpu_info *v;
	size_t n;
	assert_int_equal(simd_vcpu_list(h->s, id, &v, &n), 0);
	assert_int_equal(n, 4);
	assert_true(v[0].online && v[1].online && !v[2].online && !v[3].online);
	assert_int_equal(v[3].vcpu, 3);
	assert_int_equal(v[0].hard.bits[0], 0xff); /* all 8 host cpus */
	free(v);
	assert_int_equal(simd_vcpu_set_online(h->s, id, 4), 0);
	assert_int_equal(simd_vcpu_set_online(h->s, id, 5), XCTL_ERR_INVAL);
	assert_int_equal(simd_vcpu_set_online(h->s, id, 0), XCTL_ERR_INVAL);
	struct simd_cpumap hard = { { 0x6 } }, soft = { { 0x4 } }, none = { { 0x100 } };
	assert_int_equal(simd_vcpu_set_affinity(h->s, id, 1, &hard, &soft), 0);
	assert_int_equal(simd_vcpu_set_affinity(h->s, id, 2, NULL, &soft), 0);
	/* cpu 8 does not exist on an 8-cpu host: no cpu left */
	assert_int_equal(simd_vcpu_set_affinity(h->s, id, 0, &none, NULL), XCTL_ERR_INVAL);
	assert_int_equal(simd_vcpu_set_affinity(h->s, id, 4, &hard, NULL), XCTL_ERR_INVAL);
	struct simd_cpumap mixed = { { 0x301 } };
	assert_int_equal(simd_vcpu_set_affinity(h->s, id, 3, &mixed, NULL), 0);
	assert_int_equal(simd_vcpu_list(h->s, id, &v, &n), 0);
	assert_true(v[3].online);
	assert_int_equal(v[1].hard.bits[0], 0x6);
	assert_int_equal(v[1].soft.bits[0], 0x4);
	assert_int_equal(v[1].cpu, 1);
	assert_int_equal(v[2].hard.bits[0], 0xff);
	assert_int_equal(v[2].soft.bits[0], 0x4);
	assert_int_equal(v[0].hard.bits[0], 0xff);
	assert_int_equal(v[3].hard.bits[0], 0x1); /* cut to the host's cpus */
	free(v);
	struct simd_domain_info di;
	assert_int_equal(simd_domain_info(h->s, id, &di), 0);
	assert_int_equal(di.online_vcpus, 4);
	simd_domain_destroy(h->s, id);
}

static void test_watch(void **state)
{
	struct simd_host *h = *state;
	struct simd_watch *w;
	assert_int_equal(simd_watch_open(h->s, &w), 0);
	uint32_t id = th_create(h);
	struct simd_event ev;
	assert_int_equal(simd_watch_read(w, &ev, 2000), 0);
	assert_int_equal(ev.kind, SIMD_EV_CREATED);
	assert_int_equal(ev.domid, id);
	assert_true(ev.flags & SIMD_DOMF_PAUSED);
	assert_int_equal(simd_domain_unpause(h->s, id), 0);
	assert_int_equal(simd_watch_read(w, &ev, 2000), 0);
	assert_int_equal(ev.kind, SIMD_EV_CHANGED);
	assert_false(ev.flags & SIMD_DOMF_PAUSED);
	assert_int_equal(simd_domain_shutdown(h->s, id, SIMD_SHUTDOWN_REBOOT), 0);
	assert_int_equal(simd_watch_read(w, &ev, 2000), 0);
	assert_true(ev.flags & SIMD_DOMF_SHUTDOWN);
	assert_int_equal(ev.shutdown_reason, SIMD_SHUTDOWN_REBOOT);
	struct simd_domain_info di;
	assert_int_equal(simd_domain_wait(h->s, id, SIMD_DOMF_SHUTDOWN, 2000, &di), 0);
	assert_int_equal(di.shutdown_reason, SIMD_SHUTDOWN_REBOOT);
	assert_int_equal(simd_domain_wait(h->s, id, SIMD_DOMF_PAUSED, 50, &di), XCTL_ERR_TIMEOUT);
	assert_int_equal(simd_domain_destroy(h->s, id), 0);
	/* dying, then gone */
	assert_int_equal(simd_watch_read(w, &ev, 2000), 0);
	assert_int_equal(ev.kind, SIMD_EV_CHANGED);
	assert_true(ev.flags & SIMD_DOMF_DYING);
	assert_int_equal(simd_watch_read(w, &ev, 2000), 0);
	assert_int_equal(ev.kind, SIMD_EV_DESTROYED);
	assert_int_equal(simd_watch_read(w, &ev, 0), XCTL_ERR_TIMEOUT);
	assert_int_equal(simd_domain_wait(h->s, id, 0, 2000, NULL), 0);
	assert_int_equal(simd_domain_wait(h->s, id, SIMD_DOMF_SHUTDOWN, 100, NULL), XCTL_ERR_NOTFOUND);
	simd_watch_close(w);
}

static void test_watch_overflow(void **state)
{
	struct simd_host *h = *state;
	struct simd_watch *w;
	assert_int_equal(simd_watch_open(h->s, &w), 0);
	uint32_t id = th_create(h);
	/* many changes without reading: the queue is bounded */
	for (int i = 0; i < 2000; i++) {
		assert_int_equal(simd_domain_pause(h->s, id), 0);
		assert_int_equal(simd_domain_unpause(h->s, id), 0);
	}
	struct simd_event ev;
	int n = 0, overflow = 0;
	while (simd_watch_read(w, &ev, 200) == 0) {
		n++;
		overflow += ev.kind == SIMD_EV_OVERFLOW;
	}
	assert_int_equal(overflow, 1);
	assert_true(n < 4001);
	simd_watch_close(w);
	simd_domain_destroy(h->s, id);
	/* the daemon still answers */
	struct simd_host_info hi;
	assert_int_equal(simd_host_info(h->s, &hi), 0);
}

static void test_guest_identity(void **state)
{
	struct simd_host *h = *state;
	uint32_t a = th_create(h), b = th_create(h);
	struct simd *g;
	assert_int_equal(simd_guest_attach(h->s, a, &g), 0);
	assert_int_equal(simd_self(g), a);
	struct simd_domain_info di;
	assert_int_equal(simd_domain_info(g, SIMD_DOMID_SELF, &di), 0);
	assert_int_equal(di.domid, a);
	assert_int_equal(simd_domain_info(g, a, &di), 0);
	assert_int_equal(simd_domain_info(g, b, &di), XCTL_ERR_PERM);
	assert_int_equal(simd_domain_info(g, 0, &di), XCTL_ERR_PERM);
	/* dom0-only requests */
	struct simd_domain_config c = th_config();
	uint32_t id;
	assert_int_equal(simd_domain_create(g, &c, &id), XCTL_ERR_PERM);
	assert_int_equal(simd_domain_destroy(g, b), XCTL_ERR_PERM);
	assert_int_equal(simd_domain_unpause(g, a), XCTL_ERR_PERM);
	assert_int_equal(simd_mem_set_target(g, a, 1024), XCTL_ERR_PERM);
	struct simd *g2;
	assert_int_equal(simd_guest_attach(g, b, &g2), XCTL_ERR_PERM);
	struct simd_domain_info *v;
	size_t n;
	assert_int_equal(simd_domain_list(g, &v, &n), XCTL_ERR_PERM);
	/* a guest shuts itself down, not others */
	assert_int_equal(simd_domain_shutdown(g, b, SIMD_SHUTDOWN_POWEROFF), XCTL_ERR_PERM);
	assert_int_equal(simd_domain_shutdown(g, SIMD_DOMID_SELF, SIMD_SHUTDOWN_POWEROFF), 0);
	assert_int_equal(simd_domain_info(h->s, a, &di), 0);
	assert_true(di.flags & SIMD_DOMF_SHUTDOWN);
	assert_int_equal(simd_domain_info(h->s, b, &di), 0);
	assert_false(di.flags & SIMD_DOMF_SHUTDOWN);
	/* a guest's own watch sees only its domain */
	struct simd_watch *w;
	assert_int_equal(simd_watch_open(g, &w), 0);
	assert_int_equal(simd_domain_unpause(h->s, b), 0);
	assert_int_equal(simd_mem_set_target(h->s, a, 32 * 1024), 0);
	struct simd_event ev;
	assert_int_equal(simd_watch_read(w, &ev, 2000), 0);
	assert_int_equal(ev.domid, a);
	simd_watch_close(w);
	assert_int_equal(simd_domain_info(g, SIMD_DOMID_SELF, &di), 0);
	assert_int_equal(di.target_kib, 32 * 1024); /* the balloon target is visible to the guest */
	simd_close(g);
	simd_domain_destroy(h->s, a);
	simd_domain_destroy(h->s, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags_string),
		cmocka_unit_test(test_dom0_and_host),
		cmocka_unit_test(test_ids_not_reused),
		cmocka_unit_test(test_list_pages),
		cmocka_unit_test(test_state_flags),
		cmocka_unit_test(test_info_fields),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_create_bounds),
		cmocka_unit_test(test_vcpus),
		cmocka_unit_test(test_watch),
		cmocka_unit_test(test_watch_overflow),
		cmocka_unit_test(test_guest_identity),
	};
	return cmocka_run_group_tests_name("simd domains", tests, setup, teardown);
}
