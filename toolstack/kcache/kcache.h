/* SPDX-License-Identifier: LGPL-2.1-only */
/* The decompressed-image cache of PV kernels and ramdisks.
 *
 * Building a PV domain, libxc decompresses its kernel (a bzImage's payload,
 * xz or gzip, into the vmlinux ELF: xc_dom_bzimageloader.c) and gunzips its
 * ramdisk (xc_dom_core.c) in dom0, at every create, although the files
 * rarely change. xctl keeps the decompressed image of each file once: the
 * next create gives libxl the cached ELF and the plain ramdisk, which libxc
 * loads as they are. The result in the guest's memory is the same bytes.
 *
 * An entry is named by a hash of the file's real path (one entry per file:
 * a newer one replaces it) and a hash of its identity (device, inode, size,
 * modification time), so a changed file is decompressed again. Entries are
 * written to a temporary name and renamed, so concurrent creates never see
 * a partial one. Formats other than xz and gzip (bzip2, lzma, lzo, lz4,
 * zstd) and files that are not compressed are left to libxc. */
#ifndef XCTL_KCACHE_H
#define XCTL_KCACHE_H

#include <stddef.h>

struct xctl_log;

#define XCTL_KCACHE_DIR "/var/cache/xctl/images"
#define XCTL_KCACHE_MAX (512u << 20) /* a decompressed image larger than this is left to libxc */

enum xctl_kcache_kind { XCTL_KCACHE_KERNEL, XCTL_KCACHE_RAMDISK };

/* The decompressed image of path in dir (NULL: XCTL_KCACHE_DIR), made
 * now if needed: 0 with *out the cached file (free it) or NULL when the
 * file is better given to libxc as it is (not compressed, another format,
 * not a kernel); an error only for what the caller may report (and may
 * ignore: libxc can still load the original). */
int xctl_kcache_get(const char *dir, const char *path, enum xctl_kcache_kind kind, const struct xctl_log *log,
		    char **out);

/* Decompress a kernel or ramdisk image in memory, as libxc would: 0 with
 * *out (free it) and *outlen, 1 when there is nothing to decompress, or an
 * error. For a kernel the result must be an ELF file. */
int xctl_kcache_decompress(const unsigned char *in, size_t len, enum xctl_kcache_kind kind, unsigned char **out,
			   size_t *outlen);

#endif
