/* SPDX-License-Identifier: LGPL-2.1-only */
/* Small helpers shared by every part of xctl: a growable buffer, strict
 * number parsing, hex digits and "did you mean" suggestions. */
#ifndef XCTL_UTIL_H
#define XCTL_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define XCTL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Growable, always NUL-terminated byte buffer. A zeroed struct is empty. */
struct xctl_buf {
	char *p;
	size_t len;
	size_t cap;
};

int xctl_buf_reserve(struct xctl_buf *b, size_t extra);
int xctl_buf_add(struct xctl_buf *b, const void *data, size_t len);
int xctl_buf_adds(struct xctl_buf *b, const char *s);
int xctl_buf_printf(struct xctl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int xctl_buf_vprintf(struct xctl_buf *b, const char *fmt, va_list ap);
/* Hand the string over to the caller (never NULL on success); the buffer is reset. */
char *xctl_buf_steal(struct xctl_buf *b);
void xctl_buf_reset(struct xctl_buf *b);
void xctl_buf_free(struct xctl_buf *b);

/* Strict parsing: the whole string must be a number in [min, max]; base 10,
 * or 16 with a 0x prefix when base is 0. Return 0, XCTL_ERR_INVAL (not a
 * number) or XCTL_ERR_LIMIT (out of range). */
int xctl_parse_u64(const char *s, int base, uint64_t max, uint64_t *out);
int xctl_parse_i64(const char *s, int base, int64_t min, int64_t max, int64_t *out);

/* Read a whole file (at most max bytes) into a NUL-terminated buffer. */
int xctl_read_file(const char *path, size_t max, char **out, size_t *len);
/* mkdir -p with mode 0700 for the parts it creates: 0 or a negative
 * xctl_err (XCTL_ERR_LIMIT for a path of 4096 bytes or more). */
int xctl_mkdirs(const char *path);
/* A pure bridge port (a vif's host side) carries no IPv6 of its own: no
 * link-local address, no routes. Without this each vif added a link-local
 * and a multicast route to the kernel's IPv6 table, and every vif brought
 * up or down walked the others' (O(n) with n vifs). Call before the
 * interface goes up. 0 (also when the kernel has no IPv6), or an error. */
int xctl_bridge_port_ipv6_off(const char *ifname);

/* Damerau-Levenshtein distance (optimal string alignment), case-insensitive. */
size_t xctl_edit_distance(const char *a, const char *b);
/* The candidate closest to word, or NULL if none is close enough to be a
 * plausible typo. candidates has n entries, and a NULL entry ends it early:
 * pass XCTL_SUGGEST_NULL_TERMINATED for a NULL-terminated list. n == 0 is an
 * empty list. */
#define XCTL_SUGGEST_NULL_TERMINATED SIZE_MAX
const char *xctl_suggest(const char *word, const char *const *candidates, size_t n);

/* The value of a hexadecimal digit (0-9, a-f, A-F), or -1 for any other
 * character (a negative char included). */
int xctl_hexval(int c);

/* strdup that returns NULL on NULL. */
char *xctl_strdup(const char *s);

/* Milliseconds of the monotonic clock (for timeouts and elapsed times). */
long xctl_mono_ms(void);

#endif
