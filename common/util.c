/* SPDX-License-Identifier: LGPL-2.1-only */
#include "common/util.h"
#include "common/err.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

int xctl_buf_reserve(struct xctl_buf *b, size_t extra)
{
	if (extra > SIZE_MAX / 2 - b->len)
		return XCTL_ERR_NOMEM;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		return XCTL_ERR_NOMEM;
	if (!b->p)
		p[0] = '\0'; /* a new buffer is an empty string, never garbage */
	b->p = p;
	b->cap = cap;
	return 0;
}

int xctl_buf_add(struct xctl_buf *b, const void *data, size_t len)
{
	int rc = xctl_buf_reserve(b, len);
	if (rc)
		return rc;
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

int xctl_buf_adds(struct xctl_buf *b, const char *s)
{
	return xctl_buf_add(b, s, strlen(s));
}

int xctl_buf_vprintf(struct xctl_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return XCTL_ERR_INVAL;
	int rc = xctl_buf_reserve(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int xctl_buf_printf(struct xctl_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = xctl_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *xctl_buf_steal(struct xctl_buf *b)
{
	if (!b->p && xctl_buf_reserve(b, 0))
		return NULL;
	char *p = b->p;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void xctl_buf_reset(struct xctl_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void xctl_buf_free(struct xctl_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static int parse_digits(const char *s, int base, uint64_t *out)
{
	if (base == 0) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			base = 16;
			s += 2;
		} else {
			base = 10;
		}
	}
	if (!*s)
		return XCTL_ERR_INVAL;
	uint64_t v = 0;
	int overflow = 0;
	for (; *s; s++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = tolower((unsigned char)*s) - 'a' + 10;
		else
			return XCTL_ERR_INVAL;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			overflow = 1;
		else
			v = v * (uint64_t)base + (uint64_t)d;
	}
	*out = v;
	return overflow ? XCTL_ERR_LIMIT : 0;
}

int xctl_parse_u64(const char *s, int base, uint64_t max, uint64_t *out)
{
	uint64_t v;
	if (!s || *s == '+' || *s == '-')
		return XCTL_ERR_INVAL;
	int rc = parse_digits(s, base, &v);
	if (rc)
		return rc;
	if (v > max)
		return XCTL_ERR_LIMIT;
	*out = v;
	return 0;
}

int xctl_parse_i64(const char *s, int base, int64_t min, int64_t max, int64_t *out)
{
	if (!s)
		return XCTL_ERR_INVAL;
	int neg = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (*s == '-' || *s == '+')
		return XCTL_ERR_INVAL;
	uint64_t v;
	int rc = parse_digits(s, base, &v);
	if (rc)
		return rc;
	int64_t r;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return XCTL_ERR_LIMIT;
		r = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > (uint64_t)INT64_MAX)
			return XCTL_ERR_LIMIT;
		r = (int64_t)v;
	}
	if (r < min || r > max)
		return XCTL_ERR_LIMIT;
	*out = r;
	return 0;
}

int xctl_read_file(const char *path, size_t max, char **out, size_t *len)
{
	int rc = 0;
	struct xctl_buf b = { 0 };
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : dup(0);
	if (fd < 0)
		return xctl_err_from_errno(errno);
	for (;;) {
		rc = xctl_buf_reserve(&b, 65536);
		if (rc)
			goto out;
		ssize_t n = read(fd, b.p + b.len, 65536);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = xctl_err_from_errno(errno);
			goto out;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		b.p[b.len] = '\0';
		if (b.len > max) {
			rc = XCTL_ERR_LIMIT;
			goto out;
		}
	}
	if (len)
		*len = b.len;
	*out = xctl_buf_steal(&b);
	if (!*out)
		rc = XCTL_ERR_NOMEM;
out:
	close(fd);
	xctl_buf_free(&b);
	return rc;
}

size_t xctl_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return (size_t)-1;
	size_t d[65][65];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

const char *xctl_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	size_t wl = strlen(word);
	/* a typo: at most a third of the word, and at least one edit allowed */
	size_t limit = wl / 3 < 1 ? 1 : wl / 3;
	if (limit > 3)
		limit = 3;
	for (size_t i = 0; i < n && candidates[i] != NULL; i++) {
		size_t d = xctl_edit_distance(word, candidates[i]);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

int xctl_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *xctl_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

long xctl_mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

int xctl_bridge_port_ipv6_off(const char *ifname)
{
	char p[128];
	if (!*ifname || strchr(ifname, '/') || strlen(ifname) > 64)
		return XCTL_ERR_INVAL;
	snprintf(p, sizeof(p), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT && access("/proc/sys/net/ipv6", F_OK) ? 0 : xctl_err_from_errno(errno);
	int rc = write(fd, "1", 1) == 1 ? 0 : xctl_err_from_errno(errno);
	close(fd);
	return rc;
}

int xctl_mkdirs(const char *path)
{
	char buf[4096];
	if (strlen(path) >= sizeof(buf))
		return XCTL_ERR_LIMIT;
	strcpy(buf, path);
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || !*p) {
			char c = *p;
			*p = '\0';
			if (mkdir(buf, 0700) && errno != EEXIST)
				return xctl_err_from_errno(errno);
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}
