/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl-simd: grant tables. The four rules a mapper must not get around
 * (not granted to it, read-only, outside the frame, the guest rewriting a
 * mapped entry), grant copy, counts, limits, dying domains. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/err.h"
#include "sim/simd/lib.h"
#include "tests/simd/harness.h"

struct fix {
	struct simd_host h;
	uint32_t d;
	struct simd *g;           /* the guest's connection */
	grant_entry_v1_t *gt;
	uint32_t nents;
	struct simd_page *pg[4];
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	if (!f || th_start(&f->h, false, "none", NULL)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	th_stop(&f->h);
	free(f);
	return 0;
}

/* per test: a domain, its guest connection, its table and four pages
 * filled with 0x11, 0x22, 0x33, 0x44 */
static int dom_setup(void **state)
{
	struct fix *f = *state;
	f->d = th_create(&f->h);
	if (!f->d || simd_guest_attach(f->h.s, f->d, &f->g) || simd_gnttab_setup(f->g, 1, &f->gt, &f->nents))
		return -1;
	for (int i = 0; i < 4; i++) {
		if (simd_page_alloc(f->g, &f->pg[i]))
			return -1;
		memset(f->pg[i]->addr, 0x11 * (i + 1), SIMD_PAGE_SIZE);
	}
	return 0;
}

static int dom_teardown(void **state)
{
	struct fix *f = *state;
	simd_close(f->g);
	f->g = NULL;
	simd_domain_destroy(f->h.s, f->d);
	return 0;
}

static struct simd_domain_info info(struct fix *f, uint32_t d)
{
	struct simd_domain_info di = { 0 };
	assert_int_equal(simd_domain_info(f->h.s, d, &di), 0);
	return di;
}

/* Run fn in a child; true if the child died of it (a fault), false if it
 * got through. */
static bool faults(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		fn(arg);
		_exit(42);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return !(WIFEXITED(st) && WEXITSTATUS(st) == 42);
}

static void write_byte(void *p)
{
	*(volatile unsigned char *)p = 0x5a;
}

static void read_byte(void *p)
{
	volatile unsigned char c = *(volatile unsigned char *)p;
	(void)c;
}

/* ---- 1: not granted to the mapper's domain ---- */

static void test_map_needs_grant_to_me(void **state)
{
	struct fix *f = *state;
	struct simd_grant_map *m;
	uint32_t ref = 8;
	/* nothing granted at ref 8 */
	assert_int_equal(simd_grant_map(f->h.s, f->d, &ref, 1, false, &m), XCTL_ERR_PERM);
	assert_non_null(strstr(simd_errmsg(f->h.s), "does not permit access"));
	/* granted to domain 7, not to dom0 */
	simd_gnttab_grant(f->gt, ref, 7, f->pg[0]->gfn, false);
	assert_int_equal(simd_grant_map(f->h.s, f->d, &ref, 1, false, &m), XCTL_ERR_PERM);
	assert_non_null(strstr(simd_errmsg(f->h.s), "another domain"));
	assert_int_equal(simd_grant_map(f->h.s, f->d, &ref, 1, true, &m), XCTL_ERR_PERM);
	/* a second guest cannot map a grant to dom0 either */
	simd_gnttab_grant(f->gt, 9, 0, f->pg[1]->gfn, false);
	uint32_t other = th_create(&f->h);
	struct simd *og;
	assert_int_equal(simd_guest_attach(f->h.s, other, &og), 0);
	uint32_t r9 = 9;
	assert_int_equal(simd_grant_map(og, f->d, &r9, 1, true, &m), XCTL_ERR_PERM);
	/* granted to the other guest: it maps, dom0 does not */
	simd_gnttab_grant(f->gt, 10, other, f->pg[2]->gfn, false);
	uint32_t r10 = 10;
	assert_int_equal(simd_grant_map(f->h.s, f->d, &r10, 1, true, &m), XCTL_ERR_PERM);
	assert_int_equal(simd_grant_map(og, f->d, &r10, 1, false, &m), 0);
	assert_int_equal(((unsigned char *)m->addr)[100], 0x33);
	assert_int_equal(simd_grant_unmap(og, m), 0);
	simd_close(og);
	simd_domain_destroy(f->h.s, other);
	/* beyond the table (1 frame = 512 entries) and no such domain */
	uint32_t far = 512;
	assert_int_equal(simd_grant_map(f->h.s, f->d, &far, 1, true, &m), XCTL_ERR_NOTFOUND);
	assert_int_equal(simd_grant_map(f->h.s, 4000, &r9, 1, true, &m), XCTL_ERR_NOTFOUND);
	/* a frame that is not a page of the guest */
	simd_gnttab_grant(f->gt, 11, 0, 0x1234, false);
	uint32_t r11 = 11;
	assert_int_equal(simd_grant_map(f->h.s, f->d, &r11, 1, true, &m), XCTL_ERR_PERM);
	assert_int_equal(f->gt[11].flags & (GTF_reading | GTF_writing), 0);
	/* all or nothing: refs 9 (good) and 8 (granted to 7) */
	uint32_t two[2] = { 9, 8 };
	assert_int_equal(simd_grant_map(f->h.s, f->d, two, 2, true, &m), XCTL_ERR_PERM);
	assert_int_equal(f->gt[9].flags & GTF_reading, 0);
	assert_int_equal(info(f, f->d).maps_of_it, 0);
	/* and when granted to dom0: data both ways */
	assert_int_equal(simd_grant_map(f->h.s, f->d, &r9, 1, false, &m), 0);
	unsigned char *p = m->addr;
	assert_int_equal(p[0], 0x22);
	assert_int_equal(p[4095], 0x22);
	p[5] = 0xee;
	assert_int_equal(((unsigned char *)f->pg[1]->addr)[5], 0xee);
	((unsigned char *)f->pg[1]->addr)[6] = 0xdd;
	assert_int_equal(p[6], 0xdd);
	assert_int_equal(f->gt[9].flags, GTF_permit_access | GTF_reading | GTF_writing);
	assert_int_equal(info(f, f->d).maps_of_it, 1);
	assert_int_equal(info(f, 0).maps_by_it, 1);
	assert_int_equal(simd_grant_unmap(f->h.s, m), 0);
	assert_int_equal(f->gt[9].flags, GTF_permit_access);
	assert_int_equal(info(f, f->d).maps_of_it, 0);
	assert_int_equal(info(f, 0).maps_by_it, 0);
}

/* ---- 2: read-only ---- */

static void test_readonly_grant(void **state)
{
	struct fix *f = *state;
	uint32_t ref = 8;
	simd_gnttab_grant(f->gt, ref, 0, f->pg[0]->gfn, true);
	struct simd_grant_map *m;
	assert_int_equal(simd_grant_map(f->h.s, f->d, &ref, 1, false, &m), XCTL_ERR_PERM);
	assert_non_null(strstr(simd_errmsg(f->h.s), "read-only"));
	assert_int_equal(f->gt[ref].flags, GTF_permit_access | GTF_readonly);
	assert_int_equal(simd_grant_map(f->h.s, f->d, &ref, 1, true, &m), 0);
	assert_int_equal(f->gt[ref].flags, GTF_permit_access | GTF_readonly | GTF_reading);
	assert_int_equal(((unsigned char *)m->addr)[0], 0x11);
	/* writing faults; the mapping cannot be made writable */
	assert_true(faults(write_byte, m->addr));
	assert_int_equal(mprotect(m->addr, SIMD_PAGE_SIZE, PROT_READ | PROT_WRITE), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(((unsigned char *)f->pg[0]->addr)[0], 0x11);
	/* the descriptor itself is read-only: take it raw */
	struct wire_map w = { f->d, 1, 1, 0, { ref } };
	struct wire_handle hd;
	int fd = -1, nfds = 0;
	assert_int_equal(simd_lib_call(f->h.s, SIMD_REQ_GNT_MAP, &w, sizeof(w), &hd, sizeof(hd), NULL, &fd, 1, &nfds), 0);
	assert_int_equal(nfds, 1);
	assert_int_equal(pwrite(fd, "x", 1, 0), -1);
	assert_true(mmap(NULL, SIMD_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
	assert_int_equal(errno, EACCES);
	assert_int_equal(ftruncate(fd, 0), -1);
	close(fd);
	struct wire_handle u = { hd.handle, 0 };
	assert_int_equal(simd_lib_call(f->h.s, SIMD_REQ_GNT_UNMAP, &u, sizeof(u), NULL, 0, NULL, NULL, 0, NULL), 0);
	assert_int_equal(simd_grant_unmap(f->h.s, m), 0);
	assert_int_equal(f->gt[ref].flags, GTF_permit_access | GTF_readonly);
}

/* ---- 3: nothing outside the granted frame ---- */

static void test_only_the_frame(void **state)
{
	struct fix *f = *state;
	simd_gnttab_grant(f->gt, 8, 0, f->pg[1]->gfn, false);
	struct wire_map w = { f->d, 1, 0, 0, { 8 } };
	struct wire_handle hd;
	int fd = -1, nfds = 0;
	assert_int_equal(simd_lib_call(f->h.s, SIMD_REQ_GNT_MAP, &w, sizeof(w), &hd, sizeof(hd), NULL, &fd, 1, &nfds), 0);
	assert_int_equal(nfds, 1);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, SIMD_PAGE_SIZE);
	/* it cannot be grown to reach further, nor shrunk under the guest */
	assert_int_equal(ftruncate(fd, 2 * SIMD_PAGE_SIZE), -1);
	assert_int_equal(ftruncate(fd, 0), -1);
	assert_int_equal(fallocate(fd, 0, 0, 2 * SIMD_PAGE_SIZE), -1);
	/* what it holds is that one page: the neighbours' bytes are not there */
	unsigned char buf[SIMD_PAGE_SIZE + 16];
	ssize_t n = pread(fd, buf, sizeof(buf), 0);
	assert_int_equal(n, SIMD_PAGE_SIZE);
	for (unsigned i = 0; i < SIMD_PAGE_SIZE; i++)
		assert_int_equal(buf[i], 0x22);
	assert_int_equal(pread(fd, buf, 16, SIMD_PAGE_SIZE), 0);
	/* a mapping beyond the page faults */
	unsigned char *big = mmap(NULL, 2 * SIMD_PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	assert_true(big != MAP_FAILED);
	assert_int_equal(big[SIMD_PAGE_SIZE - 1], 0x22);
	assert_true(faults(read_byte, big + SIMD_PAGE_SIZE));
	munmap(big, 2 * SIMD_PAGE_SIZE);
	close(fd);
	struct wire_handle u = { hd.handle, 0 };
	assert_int_equal(simd_lib_call(f->h.s, SIMD_REQ_GNT_UNMAP, &u, sizeof(u), NULL, 0, NULL, NULL, 0, NULL), 0);
	struct simd_grant_map *m;
	/* grant copy: a range that leaves the frame is refused */
	unsigned char local[64];
	struct simd_grant_copy_seg seg = { .source = { f->d, 8, 4090, NULL }, .dest = { 0, 0, 0, local }, .len = 7 };
	assert_int_equal(simd_grant_copy(f->h.s, &seg, 1), XCTL_ERR_INVAL);
	/* and the daemon refuses it from a raw client too (the connection goes) */
	struct simd *raw;
	assert_int_equal(simd_open(f->h.dir, &raw), 0);
	struct {
		struct wire_copy c;
		struct wire_copy_seg s;
	} req = { { 1, 0 }, { f->d, 8, SIMD_COPY_LOCAL, 0, 4090, 0, 7, 0 } };
	unsigned char rep[64];
	size_t rlen;
	assert_int_not_equal(simd_lib_call(raw, SIMD_REQ_GNT_COPY, &req, sizeof(req), rep, sizeof(rep), &rlen, NULL, 0, NULL), 0);
	simd_close(raw);
	/* a multi-page map is contiguous, each page its own frame */
	simd_gnttab_grant(f->gt, 9, 0, f->pg[2]->gfn, false);
	uint32_t refs[2] = { 8, 9 };
	assert_int_equal(simd_grant_map(f->h.s, f->d, refs, 2, false, &m), 0);
	assert_int_equal(((unsigned char *)m->addr)[SIMD_PAGE_SIZE - 1], 0x22);
	assert_int_equal(((unsigned char *)m->addr)[SIMD_PAGE_SIZE], 0x33);
	assert_int_equal(info(f, f->d).maps_of_it, 2);
	assert_int_equal(simd_grant_unmap(f->h.s, m), 0);
}

/* ---- 4: rewriting a mapped entry neither gains nor revokes ---- */

static void test_rewrite_while_mapped(void **state)
{
	struct fix *f = *state;
	uint32_t ref = 8;
	simd_gnttab_grant(f->gt, ref, 0, f->pg[0]->gfn, false);
	struct simd_grant_map *m1, *m2, *m3;
	assert_int_equal(simd_grant_map(f->h.s, f->d, &ref, 1, false, &m1), 0);
	/* the guest cannot end access while it is mapped */
	assert_int_equal(simd_gnttab_end(f->gt, ref), XCTL_ERR_BUSY);
	/* the guest points the entry at another frame and another domain */
	f->gt[ref].frame = (uint32_t)f->pg[3]->gfn;
	f->gt[ref].domid = 7;
	/* the mapping keeps the first frame */
	assert_int_equal(((unsigned char *)m1->addr)[0], 0x11);
	((unsigned char *)m1->addr)[1] = 0x99;
	assert_int_equal(((unsigned char *)f->pg[0]->addr)[1], 0x99);
	assert_int_equal(((unsigned char *)f->pg[3]->addr)[1], 0x44);
	/* a second map of the ref while pinned: still the first frame, not the new one */
	assert_int_equal(simd_grant_map(f->h.s, f->d, &ref, 1, true, &m2), 0);
	assert_int_equal(((unsigned char *)m2->addr)[1], 0x99);
	/* domain 7, now named in the entry, cannot map it: it is pinned by dom0 */
	uint32_t d7 = th_create(&f->h);
	struct simd *g7;
	assert_int_equal(simd_guest_attach(f->h.s, d7, &g7), 0);
	assert_int_equal(simd_grant_map(g7, f->d, &ref, 1, true, &m3), XCTL_ERR_PERM);
	assert_non_null(strstr(simd_errmsg(g7), "mapped by domain 0"));
	/* the guest clears the entry outright: the mappings stay */
	__atomic_store_n(&f->gt[ref].flags, 0, __ATOMIC_RELEASE);
	assert_int_equal(((unsigned char *)m1->addr)[0], 0x11);
	((unsigned char *)m1->addr)[2] = 0x77;
	assert_int_equal(((unsigned char *)f->pg[0]->addr)[2], 0x77);
	assert_int_equal(simd_grant_unmap(f->h.s, m2), 0);
	assert_int_equal(simd_grant_unmap(f->h.s, m1), 0);
	/* unpinned, the entry is checked anew: cleared means no access */
	assert_int_equal(simd_grant_map(f->h.s, f->d, &ref, 1, true, &m3), XCTL_ERR_PERM);
	assert_int_equal(f->gt[ref].flags & (GTF_reading | GTF_writing), 0);
	/* ended access works once nothing maps it */
	simd_gnttab_grant(f->gt, ref, 0, f->pg[0]->gfn, false);
	assert_int_equal(simd_gnttab_end(f->gt, ref), 0);
	assert_int_equal(f->gt[ref].flags, 0);
	simd_close(g7);
	simd_domain_destroy(f->h.s, d7);
}

static void test_grant_copy(void **state)
{
	struct fix *f = *state;
	simd_gnttab_grant(f->gt, 8, 0, f->pg[0]->gfn, false);
	simd_gnttab_grant(f->gt, 9, 0, f->pg[1]->gfn, true);
	/* a second domain with a page granted to dom0 */
	uint32_t b = th_create(&f->h);
	struct simd *gb;
	grant_entry_v1_t *gtb;
	struct simd_page *pb;
	assert_int_equal(simd_guest_attach(f->h.s, b, &gb), 0);
	assert_int_equal(simd_gnttab_setup(gb, 1, &gtb, NULL), 0);
	assert_int_equal(simd_page_alloc(gb, &pb), 0);
	memset(pb->addr, 0, SIMD_PAGE_SIZE);
	simd_gnttab_grant(gtb, 8, 0, pb->gfn, false);
	char out[32] = { 0 };
	const char msg[] = "hello, ring";
	struct simd_grant_copy_seg s[5] = {
		/* local -> grant */
		{ .source = { 0, 0, 0, (void *)msg }, .dest = { f->d, 8, 100, NULL }, .len = sizeof(msg) },
		/* grant -> local */
		{ .source = { f->d, 9, 10, NULL }, .dest = { 0, 0, 0, out }, .len = 8 },
		/* grant -> grant, between two domains */
		{ .source = { f->d, 9, 0, NULL }, .dest = { b, 8, 4000, NULL }, .len = 96 },
		/* into a read-only grant */
		{ .source = { 0, 0, 0, (void *)msg }, .dest = { f->d, 9, 0, NULL }, .len = 4 },
		/* a ref not granted */
		{ .source = { f->d, 20, 0, NULL }, .dest = { 0, 0, 0, out + 16 }, .len = 4 },
	};
	assert_int_equal(simd_grant_copy(f->h.s, s, 5), 0);
	assert_int_equal(s[0].status, GNTST_okay);
	assert_memory_equal((char *)f->pg[0]->addr + 100, msg, sizeof(msg));
	assert_int_equal(s[1].status, GNTST_okay);
	for (int i = 0; i < 8; i++)
		assert_int_equal((unsigned char)out[i], 0x22);
	assert_int_equal(s[2].status, GNTST_okay);
	for (int i = 4000; i < 4096; i++)
		assert_int_equal(((unsigned char *)pb->addr)[i], 0x22);
	assert_int_equal(((unsigned char *)pb->addr)[3999], 0);
	assert_int_equal(s[3].status, GNTST_general_error);
	assert_int_equal(((unsigned char *)f->pg[1]->addr)[0], 0x22);
	assert_int_equal(s[4].status, GNTST_general_error);
	assert_int_equal(out[16], 0);
	/* no flags left behind */
	assert_int_equal(f->gt[8].flags, GTF_permit_access);
	assert_int_equal(f->gt[9].flags, GTF_permit_access | GTF_readonly);
	assert_int_equal(gtb[8].flags, GTF_permit_access);
	/* bad domain, bad ref */
	struct simd_grant_copy_seg e[2] = {
		{ .source = { 4000, 8, 0, NULL }, .dest = { 0, 0, 0, out }, .len = 4 },
		{ .source = { f->d, 100000, 0, NULL }, .dest = { 0, 0, 0, out }, .len = 4 },
	};
	assert_int_equal(simd_grant_copy(f->h.s, e, 2), 0);
	assert_int_equal(e[0].status, GNTST_bad_domain);
	assert_int_equal(e[1].status, GNTST_bad_gntref);
	/* a ref mapped by dom0 can be copied by dom0 */
	struct simd_grant_map *m;
	uint32_t ref = 8;
	assert_int_equal(simd_grant_map(f->h.s, f->d, &ref, 1, true, &m), 0);
	struct simd_grant_copy_seg c1 = { .source = { 0, 0, 0, (void *)"ZZ" }, .dest = { f->d, 8, 0, NULL }, .len = 2 };
	assert_int_equal(simd_grant_copy(f->h.s, &c1, 1), 0);
	assert_int_equal(c1.status, GNTST_okay);
	assert_int_equal(((char *)m->addr)[0], 'Z');
	assert_int_equal(f->gt[8].flags, GTF_permit_access | GTF_reading);
	assert_int_equal(simd_grant_unmap(f->h.s, m), 0);
	simd_close(gb);
	simd_domain_destroy(f->h.s, b);
}

static void test_table_and_page_limits(void **state)
{
	struct fix *f = *state;
	struct simd_domain_info di = info(f, f->d);
	assert_int_equal(di.nr_grant_frames, 1);
	assert_int_equal(f->nents, 512);
	grant_entry_v1_t *t2;
	uint32_t n2;
	assert_int_equal(simd_gnttab_setup(f->g, SIMD_DEFAULT_MAX_GRANT_FRAMES + 1, &t2, &n2), XCTL_ERR_LIMIT);
	assert_non_null(strstr(simd_errmsg(f->g), "max_grant_frames 64"));
	assert_int_equal(simd_gnttab_setup(f->g, 2, &t2, &n2), 0);
	assert_int_equal(n2, 1024);
	assert_ptr_equal(t2, f->gt);
	assert_int_equal(info(f, f->d).nr_grant_frames, 2);
	simd_gnttab_grant(f->gt, 700, 0, f->pg[3]->gfn, true);
	struct simd_grant_map *m;
	uint32_t ref = 700, far = 1024;
	assert_int_equal(simd_grant_map(f->h.s, f->d, &ref, 1, true, &m), 0);
	assert_int_equal(((unsigned char *)m->addr)[0], 0x44);
	assert_int_equal(simd_grant_unmap(f->h.s, m), 0);
	assert_int_equal(simd_grant_map(f->h.s, f->d, &far, 1, true, &m), XCTL_ERR_NOTFOUND);
	/* the builder's entries and pages */
	assert_int_equal(f->gt[SIMD_GREF_CONSOLE].flags, GTF_permit_access);
	assert_int_equal(f->gt[SIMD_GREF_CONSOLE].domid, 0);
	assert_int_equal(f->gt[SIMD_GREF_CONSOLE].frame, di.console_gfn);
	assert_int_equal(f->gt[SIMD_GREF_XENSTORE].frame, di.store_gfn);
	/* pages: 2 builder + 4 */
	assert_int_equal(di.nr_pages, 6);
	struct simd_page *extra;
	assert_int_equal(simd_page_alloc(f->g, &extra), 0);
	assert_int_equal(info(f, f->d).nr_pages, 7);
	void *gone = extra->addr;
	assert_int_equal(msync(gone, SIMD_PAGE_SIZE, MS_ASYNC), 0);
	assert_int_equal(simd_page_free(f->g, extra), 0);
	/* the guest's own mapping of it is gone too */
	assert_int_equal(msync(gone, SIMD_PAGE_SIZE, MS_ASYNC), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(info(f, f->d).nr_pages, 6);
	struct wire_gfn cg = { di.console_gfn };
	assert_int_equal(simd_lib_call(f->g, SIMD_REQ_PAGE_FREE, &cg, sizeof(cg), NULL, 0, NULL, NULL, 0, NULL), XCTL_ERR_INVAL);
	/* a domain of 1 MiB has 256 pages at most; max_pages bounds it too */
	struct simd_domain_config c = th_config();
	c.max_kib = c.target_kib = 1024;
	c.max_pages = 5;
	uint32_t small;
	assert_int_equal(simd_domain_create(f->h.s, &c, &small), 0);
	struct simd *gs;
	assert_int_equal(simd_guest_attach(f->h.s, small, &gs), 0);
	struct simd_page *p[4];
	for (int i = 0; i < 3; i++)
		assert_int_equal(simd_page_alloc(gs, &p[i]), 0);
	assert_int_equal(simd_page_alloc(gs, &p[3]), XCTL_ERR_LIMIT);
	assert_non_null(strstr(simd_errmsg(gs), "5 grantable pages"));
	simd_close(gs);
	simd_domain_destroy(f->h.s, small);
	/* dom0 has no guest pages */
	assert_int_equal(simd_page_alloc(f->h.s, &extra), XCTL_ERR_PERM);
}

static void test_destroy_while_mapped(void **state)
{
	struct fix *f = *state;
	simd_gnttab_grant(f->gt, 8, 0, f->pg[0]->gfn, false);
	struct simd_grant_map *m;
	uint32_t ref = 8;
	assert_int_equal(simd_grant_map(f->h.s, f->d, &ref, 1, false, &m), 0);
	assert_int_equal(simd_domain_destroy(f->h.s, f->d), 0);
	/* dying while its frame is mapped */
	struct simd_domain_info di = info(f, f->d);
	char fl[SIMD_FLAGS_STRLEN];
	simd_flags_str(di.flags, di.shutdown_reason, fl);
	assert_string_equal(fl, "--p--d"); /* domain_kill pauses it, as Xen */
	assert_int_equal(di.maps_of_it, 1);
	assert_int_equal(di.nr_pages, 0);
	assert_int_equal(di.nr_ports, 0);
	assert_int_equal(simd_domain_destroy(f->h.s, f->d), XCTL_ERR_BUSY);
	/* the mapping still works; no new map */
	assert_int_equal(((unsigned char *)m->addr)[0], 0x11);
	((unsigned char *)m->addr)[0] = 1;
	struct simd_grant_map *m2;
	assert_int_equal(simd_grant_map(f->h.s, f->d, &ref, 1, true, &m2), XCTL_ERR_NOTFOUND);
	assert_int_equal(simd_grant_unmap(f->h.s, m), 0);
	assert_int_equal(simd_domain_info(f->h.s, f->d, &di), XCTL_ERR_NOTFOUND);
	assert_int_equal(info(f, 0).maps_by_it, 0);
}

static void test_mapper_exit_releases(void **state)
{
	struct fix *f = *state;
	simd_gnttab_grant(f->gt, 8, 0, f->pg[0]->gfn, false);
	struct simd *s2;
	assert_int_equal(simd_open(f->h.dir, &s2), 0);
	struct simd_grant_map *m;
	uint32_t ref = 8;
	assert_int_equal(simd_grant_map(s2, f->d, &ref, 1, false, &m), 0);
	assert_int_equal(info(f, f->d).maps_of_it, 1);
	simd_close(s2); /* a backend that exits without unmapping */
	for (int i = 0; i < 2000 && info(f, f->d).maps_of_it; i++)
		usleep(5000);
	assert_int_equal(info(f, f->d).maps_of_it, 0);
	assert_int_equal(f->gt[8].flags, GTF_permit_access);
	assert_int_equal(simd_gnttab_end(f->gt, 8), 0);
}

static void test_console_grant(void **state)
{
	struct fix *f = *state;
	struct simd_console con;
	assert_int_equal(simd_guest_console(f->g, &con), 0);
	struct simd_domain_info di = info(f, f->d);
	assert_int_equal(con.gfn, di.console_gfn);
	assert_int_equal(con.port, di.console_port);
	memcpy(con.ring, "console bytes", 13);
	struct simd_grant_map *m;
	uint32_t ref = SIMD_GREF_CONSOLE;
	assert_int_equal(simd_grant_map(f->h.s, f->d, &ref, 1, false, &m), 0);
	assert_memory_equal(m->addr, "console bytes", 13);
	assert_int_equal(simd_grant_unmap(f->h.s, m), 0);
	char path[256];
	uint32_t sport;
	uint64_t sgfn;
	assert_int_equal(simd_guest_xenstore(f->g, path, sizeof(path), &sport, &sgfn), 0);
	assert_int_equal(sport, di.store_port);
	assert_int_equal(sgfn, di.store_gfn);
	char want[256];
	snprintf(want, sizeof(want), "%s/%s/%u", f->h.dir, SIMD_DOMAIN_SOCKETS, f->d);
	assert_string_equal(path, want);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, dom_setup, dom_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_map_needs_grant_to_me), T(test_readonly_grant),	    T(test_only_the_frame),
		T(test_rewrite_while_mapped),  T(test_grant_copy),	    T(test_table_and_page_limits),
		T(test_destroy_while_mapped),  T(test_mapper_exit_releases), T(test_console_grant),
	};
	return cmocka_run_group_tests_name("simd grants", tests, setup, teardown);
}
