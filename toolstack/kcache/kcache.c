/* SPDX-License-Identifier: LGPL-2.1-only */
/* The decompressed-image cache of PV kernels and ramdisks (see kcache.h). */
#include "toolstack/kcache/kcache.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define IN_MAX (256u << 20)

static const unsigned char xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
static const unsigned char gz_magic[2] = { 0x1f, 0x8b };
static const unsigned char elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Grow *buf (of *cap bytes) by doubling, up to XCTL_KCACHE_MAX. */
static int grow(unsigned char **buf, size_t *cap)
{
	if (*cap >= XCTL_KCACHE_MAX)
		return XCTL_ERR_LIMIT;
	size_t n = *cap * 2 > XCTL_KCACHE_MAX ? XCTL_KCACHE_MAX : *cap * 2;
	unsigned char *b = realloc(*buf, n);
	if (!b)
		return XCTL_ERR_NOMEM;
	*buf = b;
	*cap = n;
	return 0;
}

static int unxz(const unsigned char *in, size_t len, unsigned char **out, size_t *outlen)
{
	lzma_stream s = LZMA_STREAM_INIT;
	size_t cap = len * 4 > 4096 ? len * 4 : 4096;
	unsigned char *buf = malloc(cap);
	int rc = 0;
	if (!buf)
		return XCTL_ERR_NOMEM;
	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK) {
		free(buf);
		return XCTL_ERR_NOMEM;
	}
	s.next_in = in;
	s.avail_in = len;
	s.next_out = buf;
	s.avail_out = cap;
	for (;;) {
		lzma_ret r = lzma_code(&s, LZMA_FINISH);
		if (r == LZMA_STREAM_END)
			break;
		if (r != LZMA_OK && r != LZMA_BUF_ERROR) {
			rc = XCTL_ERR_PARSE;
			goto out;
		}
		if (s.avail_out == 0) {
			size_t used = cap;
			if ((rc = grow(&buf, &cap)))
				goto out;
			s.next_out = buf + used;
			s.avail_out = cap - used;
		} else if (r == LZMA_BUF_ERROR) {
			rc = XCTL_ERR_PARSE; /* truncated */
			goto out;
		}
	}
	*outlen = cap - s.avail_out;
out:
	lzma_end(&s);
	if (rc)
		free(buf);
	else
		*out = buf;
	return rc;
}

static int gunzip(const unsigned char *in, size_t len, unsigned char **out, size_t *outlen)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (len > UINT_MAX || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return XCTL_ERR_NOMEM;
	size_t cap = len * 4 > 4096 ? len * 4 : 4096;
	unsigned char *buf = malloc(cap);
	int rc = buf ? 0 : XCTL_ERR_NOMEM;
	z.next_in = (unsigned char *)in;
	z.avail_in = (unsigned)len;
	size_t used = 0;
	while (!rc) {
		size_t room = cap - used > UINT_MAX ? UINT_MAX : cap - used;
		z.next_out = buf + used;
		z.avail_out = (unsigned)room;
		int r = inflate(&z, Z_NO_FLUSH);
		used += room - z.avail_out;
		if (r == Z_STREAM_END)
			break;
		if (r != Z_OK && r != Z_BUF_ERROR)
			rc = XCTL_ERR_PARSE;
		else if (used == cap)
			rc = grow(&buf, &cap);
		else if (!z.avail_in)
			rc = XCTL_ERR_PARSE; /* truncated */
	}
	inflateEnd(&z);
	if (rc) {
		free(buf);
		return rc;
	}
	*out = buf;
	*outlen = used;
	return 0;
}

/* A compressed stream by its magic: 0, 1 (not one of ours), or an error. */
static int unpack(const unsigned char *in, size_t len, unsigned char **out, size_t *outlen)
{
	if (len >= sizeof(xz_magic) && !memcmp(in, xz_magic, sizeof(xz_magic)))
		return unxz(in, len, out, outlen);
	if (len >= sizeof(gz_magic) && !memcmp(in, gz_magic, sizeof(gz_magic)))
		return gunzip(in, len, out, outlen);
	return 1;
}

int xctl_kcache_decompress(const unsigned char *in, size_t len, enum xctl_kcache_kind kind, unsigned char **out,
			   size_t *outlen)
{
	if (kind == XCTL_KCACHE_RAMDISK)
		return unpack(in, len, out, outlen);
	const unsigned char *p = in;
	size_t plen = len;
	/* a bzImage (the boot protocol's header, 2.08 or later): its payload */
	if (len >= 0x250 && !memcmp(in + 0x202, "HdrS", 4) && (in[0x206] | in[0x207] << 8) >= 0x208) {
		size_t sects = in[0x1f1] ? in[0x1f1] : 4;
		size_t off = (sects + 1) * 512 + le32(in + 0x248), pl = le32(in + 0x24c);
		if (off > len || pl > len - off)
			return XCTL_ERR_PARSE;
		p = in + off;
		plen = pl;
	}
	int rc = unpack(p, plen, out, outlen);
	if (rc)
		return rc;
	if (*outlen < sizeof(elf_magic) || memcmp(*out, elf_magic, sizeof(elf_magic))) {
		free(*out);
		*out = NULL;
		return 1; /* not a kernel libxc would load as ELF: its business */
	}
	return 0;
}

/* ---- the cache */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ull;
	return h;
}

/* Whether the entry at p looks whole: not empty, and a kernel an ELF. */
static bool entry_ok(const char *p, enum xctl_kcache_kind kind)
{
	unsigned char head[4];
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, head, sizeof(head));
	close(fd);
	if (n <= 0)
		return false;
	return kind == XCTL_KCACHE_RAMDISK || (n == 4 && !memcmp(head, elf_magic, 4));
}

/* Older entries of the same file (prefix), and their leftovers. */
static void prune(const char *dir, const char *prefix, const char *keep)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = strlen(prefix);
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, prefix, n) || !strcmp(e->d_name, keep))
			continue;
		char p[PATH_MAX];
		if (snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) < (int)sizeof(p))
			unlink(p);
	}
	if (d)
		closedir(d);
}

static int write_all(int fd, const unsigned char *b, size_t n)
{
	while (n) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return XCTL_ERR_IO;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int xctl_kcache_get(const char *dir, const char *path, enum xctl_kcache_kind kind, const struct xctl_log *log,
		    char **out)
{
	char real[PATH_MAX], name[96], entry[PATH_MAX], tmp[PATH_MAX + 32];
	const char *what = kind == XCTL_KCACHE_KERNEL ? "kernel" : "ramdisk";
	struct stat st;
	unsigned char *in = NULL, *img = NULL;
	size_t len = 0, ilen = 0;
	int rc = 0, fd = -1;
	*out = NULL;
	dir = dir ? dir : XCTL_KCACHE_DIR;
	if (!realpath(path, real) || stat(real, &st) || !S_ISREG(st.st_mode))
		return 0; /* libxl says what is wrong with it */
	uint64_t id = fnv(0xcbf29ce484222325ull, &st.st_dev, sizeof(st.st_dev));
	id = fnv(id, &st.st_ino, sizeof(st.st_ino));
	id = fnv(id, &st.st_size, sizeof(st.st_size));
	id = fnv(id, &st.st_mtim, sizeof(st.st_mtim));
	char prefix[48];
	snprintf(prefix, sizeof(prefix), "%s-%016llx-", what,
		 (unsigned long long)fnv(0xcbf29ce484222325ull, real, strlen(real)));
	snprintf(name, sizeof(name), "%s%016llx", prefix, (unsigned long long)id);
	if (snprintf(entry, sizeof(entry), "%s/%s", dir, name) >= (int)sizeof(entry))
		return XCTL_ERR_INVAL;
	if (entry_ok(entry, kind))
		goto found;
	/* a miss: decompress it once */
	rc = xctl_read_file(real, IN_MAX, (char **)&in, &len);
	if (rc)
		goto out;
	rc = xctl_kcache_decompress(in, len, kind, &img, &ilen);
	if (rc == 1) {
		rc = 0; /* nothing for us: libxc takes the file as it is */
		goto out;
	}
	if (rc) {
		xctl_warn(log, "%s %s: cannot decompress it (%s); libxc will try", what, path, xctl_strerror(rc));
		goto out;
	}
	if ((rc = xctl_mkdirs(dir)))
		goto fail;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", entry, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = xctl_err_from_errno(errno);
		goto fail;
	}
	rc = write_all(fd, img, ilen);
	if (close(fd) && !rc)
		rc = XCTL_ERR_IO;
	fd = -1;
	if (!rc && rename(tmp, entry))
		rc = xctl_err_from_errno(errno);
	if (rc) {
		unlink(tmp);
		goto fail;
	}
	prune(dir, prefix, name);
found:
	*out = strdup(entry);
	rc = *out ? 0 : XCTL_ERR_NOMEM;
	goto out;
fail:
	xctl_warn(log, "%s %s: cannot keep its decompressed image in %s (%s); libxc decompresses it", what, path, dir,
		  xctl_strerror(rc));
out:
	free(in);
	free(img);
	return rc;
}
