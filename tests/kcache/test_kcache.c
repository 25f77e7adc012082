/* SPDX-License-Identifier: LGPL-2.1-only */
/* The decompressed-image cache (toolstack/kcache): bzImages with xz and
 * gzip payloads, gzip'd ELF kernels and ramdisks, what is left to libxc,
 * damaged input, and the cache's entries (hit, a changed file, pruning). */
#include "toolstack/kcache/kcache.h"
#include "common/err.h"
#include "common/log.h"

#include <dirent.h>
#include <fcntl.h>
#include <lzma.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#define ELF_LEN (200u << 10)

static unsigned char *elf_image(size_t len, unsigned seed)
{
	unsigned char *e = malloc(len);
	assert_non_null(e);
	srand(seed);
	for (size_t i = 0; i < len; i++)
		e[i] = (unsigned char)(i % 7 == 0 ? (size_t)rand() : i); /* compressible, not trivially */
	memcpy(e, "\x7f" "ELF", 4);
	return e;
}

static unsigned char *xz(const unsigned char *in, size_t len, size_t *outlen)
{
	size_t cap = lzma_stream_buffer_bound(len);
	unsigned char *o = malloc(cap);
	*outlen = 0;
	assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in, len, o, outlen, cap), LZMA_OK);
	return o;
}

static unsigned char *gz(const unsigned char *in, size_t len, size_t *outlen)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, len) + 64;
	unsigned char *o = malloc(cap);
	z.next_in = (unsigned char *)in;
	z.avail_in = (unsigned)len;
	z.next_out = o;
	z.avail_out = (unsigned)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = cap - z.avail_out;
	deflateEnd(&z);
	return o;
}

/* A bzImage (boot protocol 2.15) of setup_sects sectors of setup around a
 * payload at payload_offset in the protected-mode part, and the 4 bytes of
 * the decompressed size after it, as Linux's build puts them. */
static unsigned char *bzimage(const unsigned char *payload, size_t plen, unsigned sects, size_t *len)
{
	size_t pm = ((sects ? sects : 4) + 1) * 512, off = 0x40;
	*len = pm + off + plen + 4;
	unsigned char *b = calloc(1, *len);
	b[0x1f1] = (unsigned char)sects;
	memcpy(b + 0x202, "HdrS", 4);
	b[0x206] = 0x0f;
	b[0x207] = 0x02;
	b[0x248] = (unsigned char)off;
	b[0x24c] = (unsigned char)plen;
	b[0x24d] = (unsigned char)(plen >> 8);
	b[0x24e] = (unsigned char)(plen >> 16);
	b[0x24f] = (unsigned char)(plen >> 24);
	memcpy(b + pm + off, payload, plen);
	return b;
}

static void check(const unsigned char *in, size_t len, enum xctl_kcache_kind kind, int want,
		  const unsigned char *img, size_t ilen)
{
	unsigned char *out = NULL;
	size_t olen = 0;
	int rc = xctl_kcache_decompress(in, len, kind, &out, &olen);
	assert_int_equal(rc, want);
	if (!rc) {
		assert_int_equal(olen, ilen);
		assert_memory_equal(out, img, ilen);
	}
	free(out);
}

static void test_decompress(void **state)
{
	(void)state;
	unsigned char *e = elf_image(ELF_LEN, 1);
	size_t xl, gl, bl;
	unsigned char *x = xz(e, ELF_LEN, &xl), *g = gz(e, ELF_LEN, &gl);
	/* bzImages, xz and gzip payloads, setup_sects 0 meaning 4 */
	unsigned char *b = bzimage(x, xl, 3, &bl);
	check(b, bl, XCTL_KCACHE_KERNEL, 0, e, ELF_LEN);
	free(b);
	b = bzimage(g, gl, 0, &bl);
	check(b, bl, XCTL_KCACHE_KERNEL, 0, e, ELF_LEN);
	/* an old boot protocol (no payload fields): the file itself is looked at */
	b[0x206] = 0x07;
	check(b, bl, XCTL_KCACHE_KERNEL, 1, NULL, 0);
	free(b);
	/* a gzip'd ELF, and the ELF itself (nothing to do) */
	check(g, gl, XCTL_KCACHE_KERNEL, 0, e, ELF_LEN);
	check(e, ELF_LEN, XCTL_KCACHE_KERNEL, 1, NULL, 0);
	/* a payload that is no ELF: libxc's business */
	unsigned char junk[4096];
	memset(junk, 'j', sizeof(junk));
	size_t jl;
	unsigned char *jx = xz(junk, sizeof(junk), &jl);
	b = bzimage(jx, jl, 2, &bl);
	check(b, bl, XCTL_KCACHE_KERNEL, 1, NULL, 0);
	/* ... but a ramdisk may be anything */
	check(jx, jl, XCTL_KCACHE_RAMDISK, 0, junk, sizeof(junk));
	free(b);
	free(jx);
	/* damaged: a truncated stream, a payload past the end */
	b = bzimage(x, xl / 2, 3, &bl);
	check(b, bl, XCTL_KCACHE_KERNEL, XCTL_ERR_PARSE, NULL, 0);
	b[0x24e] = 0x7f;
	check(b, bl, XCTL_KCACHE_KERNEL, XCTL_ERR_PARSE, NULL, 0);
	free(b);
	check(g, gl / 2, XCTL_KCACHE_RAMDISK, XCTL_ERR_PARSE, NULL, 0);
	/* ramdisks: gzip is unpacked, others left alone */
	check(g, gl, XCTL_KCACHE_RAMDISK, 0, e, ELF_LEN);
	check(junk, sizeof(junk), XCTL_KCACHE_RAMDISK, 1, NULL, 0);
	free(x);
	free(g);
	free(e);
}

/* A larger output than its input by far: the buffer grows */
static void test_growth(void **state)
{
	(void)state;
	size_t n = 8u << 20, xl, gl;
	unsigned char *z = calloc(1, n);
	memcpy(z, "\x7f" "ELF", 4);
	unsigned char *x = xz(z, n, &xl), *g = gz(z, n, &gl);
	assert_true(xl * 100 < n);
	check(x, xl, XCTL_KCACHE_KERNEL, 0, z, n);
	check(g, gl, XCTL_KCACHE_RAMDISK, 0, z, n);
	free(x);
	free(g);
	free(z);
}

static void put(const char *path, const void *b, size_t n)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	fclose(f);
}

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void assert_file(const char *path, const unsigned char *b, size_t n)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal((size_t)st.st_size, n);
	unsigned char *c = malloc(n);
	FILE *f = fopen(path, "r");
	assert_int_equal(fread(c, 1, n, f), n);
	fclose(f);
	assert_memory_equal(c, b, n);
	free(c);
}

static void test_cache(void **state)
{
	(void)state;
	char dir[] = "/tmp/xctl-kcache-XXXXXX", cache[64], kpath[64], rpath[64], plain[64];
	assert_non_null(mkdtemp(dir));
	snprintf(cache, sizeof(cache), "%s/cache/images", dir);
	snprintf(kpath, sizeof(kpath), "%s/vmlinuz", dir);
	snprintf(rpath, sizeof(rpath), "%s/initrd.img", dir);
	snprintf(plain, sizeof(plain), "%s/plain", dir);
	struct xctl_log log;
	char logbuf[4096] = "";
	FILE *lf = fmemopen(logbuf, sizeof(logbuf), "w");
	xctl_log_init(&log, "test", XCTL_LOG_WARN);
	log.out = lf;

	unsigned char *e = elf_image(ELF_LEN, 2);
	size_t xl, bl, gl;
	unsigned char *x = xz(e, ELF_LEN, &xl), *b = bzimage(x, xl, 3, &bl), *g = gz(e, ELF_LEN, &gl);
	put(kpath, b, bl);
	put(rpath, g, gl);
	put(plain, e, ELF_LEN);
	char *k1 = NULL, *k2 = NULL, *r1 = NULL, *p1 = (char *)1;
	/* a miss makes the entry, in a directory made for it */
	assert_int_equal(xctl_kcache_get(cache, kpath, XCTL_KCACHE_KERNEL, &log, &k1), 0);
	assert_non_null(k1);
	assert_int_equal(strncmp(k1, cache, strlen(cache)), 0);
	assert_file(k1, e, ELF_LEN);
	struct stat s1, s2;
	assert_int_equal(stat(k1, &s1), 0);
	assert_int_equal(s1.st_mode & 0777, 0600);
	/* a hit is the same file, not made again */
	assert_int_equal(xctl_kcache_get(cache, kpath, XCTL_KCACHE_KERNEL, &log, &k2), 0);
	assert_string_equal(k1, k2);
	assert_int_equal(stat(k2, &s2), 0);
	assert_int_equal(s1.st_ino, s2.st_ino);
	free(k2);
	assert_int_equal(xctl_kcache_get(cache, rpath, XCTL_KCACHE_RAMDISK, &log, &r1), 0);
	assert_non_null(r1);
	assert_file(r1, e, ELF_LEN);
	assert_int_equal(entries(cache), 2);
	/* the same file changed: a new entry replaces the old one */
	unsigned char *e2 = elf_image(ELF_LEN, 3);
	size_t xl2, bl2;
	unsigned char *x2 = xz(e2, ELF_LEN, &xl2), *b2 = bzimage(x2, xl2, 3, &bl2);
	put(kpath, b2, bl2);
	struct timespec ts[2] = { { 1000000, 0 }, { 1000000, 0 } };
	utimensat(AT_FDCWD, kpath, ts, 0);
	assert_int_equal(xctl_kcache_get(cache, kpath, XCTL_KCACHE_KERNEL, &log, &k2), 0);
	assert_string_not_equal(k1, k2);
	assert_file(k2, e2, ELF_LEN);
	assert_int_equal(access(k1, F_OK), -1);
	assert_int_equal(entries(cache), 2);
	/* a damaged entry is made again */
	truncate(k2, 0);
	free(k1);
	assert_int_equal(xctl_kcache_get(cache, kpath, XCTL_KCACHE_KERNEL, &log, &k1), 0);
	assert_string_equal(k1, k2);
	assert_file(k1, e2, ELF_LEN);
	/* an entry that cannot be written (a directory in its place): warned,
	 * no entry, left to libxc */
	char inside[200];
	assert_int_equal(unlink(k1), 0);
	assert_int_equal(mkdir(k1, 0700), 0);
	snprintf(inside, sizeof(inside), "%s/x", k1);
	put(inside, "x", 1);
	p1 = (char *)1;
	assert_int_not_equal(xctl_kcache_get(cache, kpath, XCTL_KCACHE_KERNEL, &log, &p1), 0);
	assert_null(p1);
	fflush(lf);
	assert_non_null(strstr(logbuf, "cannot keep its decompressed image"));
	unlink(inside);
	rmdir(k1);
	rewind(lf);
	memset(logbuf, 0, sizeof(logbuf));
	/* nothing to decompress, or no such file: no entry, no error */
	assert_int_equal(xctl_kcache_get(cache, plain, XCTL_KCACHE_KERNEL, &log, &p1), 0);
	assert_null(p1);
	p1 = (char *)1;
	assert_int_equal(xctl_kcache_get(cache, "/nonexistent/vmlinuz", XCTL_KCACHE_KERNEL, &log, &p1), 0);
	assert_null(p1);
	assert_int_equal(entries(cache), 1); /* the ramdisk's; no temporary file left */
	assert_string_equal(logbuf, "");
	/* a damaged kernel: warned, left to libxc */
	put(plain, b, bl / 2);
	p1 = (char *)1;
	assert_int_not_equal(xctl_kcache_get(cache, plain, XCTL_KCACHE_KERNEL, &log, &p1), 0);
	assert_null(p1);
	fflush(lf);
	assert_non_null(strstr(logbuf, "cannot decompress it"));
	/* a cache that cannot be made: warned, left to libxc */
	p1 = (char *)1;
	assert_int_not_equal(xctl_kcache_get("/proc/nocache", rpath, XCTL_KCACHE_RAMDISK, &log, &p1), 0);
	assert_null(p1);
	fflush(lf);
	assert_non_null(strstr(logbuf, "cannot keep its decompressed image in /proc/nocache"));
	fclose(lf);
	free(k1);
	free(k2);
	free(r1);
	free(e);
	free(e2);
	free(x);
	free(x2);
	free(b);
	free(b2);
	free(g);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decompress),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_cache),
	};
	return cmocka_run_group_tests_name("kcache", tests, NULL, NULL);
}
