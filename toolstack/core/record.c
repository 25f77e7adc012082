/* SPDX-License-Identifier: LGPL-2.1-only */
/* Crash records and name claims (record.h). */
#include "toolstack/core/record.h"
#include "common/err.h"
#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "xctl-record 1"

struct xctl_claim {
	int fd;
	char *path;
	struct xctl_record rec;
};

static int dir_path(const char *state_dir, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/%s", state_dir, XCTL_RECORD_DIR);
	return n < 0 || (size_t)n >= len ? XCTL_ERR_LIMIT : 0;
}

static int rec_path(const char *state_dir, const char *name, char **out)
{
	struct xctl_buf b = { 0 };
	if (!*name || strchr(name, '/') || name[0] == '.')
		return XCTL_ERR_INVAL;
	int rc = xctl_buf_printf(&b, "%s/%s/%s", state_dir, XCTL_RECORD_DIR, name);
	if (rc) {
		xctl_buf_free(&b);
		return rc;
	}
	*out = xctl_buf_steal(&b);
	return 0;
}

static int append(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int append(int fd, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return XCTL_ERR_LIMIT;
	ssize_t w = write(fd, line, (size_t)n);
	if (w != n)
		return w < 0 ? xctl_err_from_errno(errno) : XCTL_ERR_IO;
	return 0;
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

int xctl_record_parse(const char *text, size_t len, struct xctl_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->step = -1;
	const char *p = text, *end = text + len;
	bool header = false;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break; /* torn last line: never completed */
		char line[256];
		size_t n = (size_t)(nl - p);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl + 1;
		char *val = strchr(line, ' ');
		if (val)
			*val++ = '\0';
		else
			val = line + n;
		if (!header) {
			if (strcmp(line, "xctl-record") || strcmp(val, "1"))
				return XCTL_ERR_PARSE;
			header = true;
		} else if (!strcmp(line, "op")) {
			copy(rec->op, sizeof(rec->op), val);
		} else if (!strcmp(line, "name")) {
			copy(rec->name, sizeof(rec->name), val);
		} else if (!strcmp(line, "old-name")) {
			copy(rec->old_name, sizeof(rec->old_name), val);
		} else if (!strcmp(line, "device")) {
			copy(rec->device, sizeof(rec->device), val);
		} else if (!strcmp(line, "uuid")) {
			copy(rec->uuid, sizeof(rec->uuid), val);
		} else if (!strcmp(line, "pid")) {
			rec->pid = (pid_t)atol(val);
		} else if (!strcmp(line, "domid")) {
			uint64_t d;
			if (!xctl_parse_u64(val, 10, UINT32_MAX, &d)) {
				rec->domid = (uint32_t)d;
				rec->have_domid = true;
			}
		} else if (!strcmp(line, "step")) {
			char *sp = strchr(val, ' ');
			if (sp)
				*sp++ = '\0';
			rec->step = atoi(val);
			copy(rec->step_name, sizeof(rec->step_name), sp ? sp : "");
		} else if (!strcmp(line, "commit")) {
			rec->committed = true;
		}
	}
	return header ? 0 : XCTL_ERR_PARSE;
}

static int read_fd(int fd, struct xctl_record *rec)
{
	char buf[8192];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return xctl_err_from_errno(errno);
	buf[n] = '\0';
	return xctl_record_parse(buf, (size_t)n, rec);
}

/* Is the file at path still the inode fd is open on? */
static bool same_file(int fd, const char *path)
{
	struct stat a, b;
	return !fstat(fd, &a) && !stat(path, &b) && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

int xctl_record_take(const char *state_dir, const char *name, struct xctl_record *rec, struct xctl_claim **out)
{
	char *path = NULL;
	int fd = -1, rc = rec_path(state_dir, name, &path);
	*out = NULL;
	if (rc)
		return rc;
	for (int tries = 0; tries < 100; tries++) {
		fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
		if (fd < 0) {
			rc = errno == ENOENT ? XCTL_ERR_NOTFOUND : xctl_err_from_errno(errno);
			goto out;
		}
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			rc = errno == EWOULDBLOCK ? XCTL_ERR_BUSY : xctl_err_from_errno(errno);
			if (rc == XCTL_ERR_BUSY)
				read_fd(fd, rec);
			goto out;
		}
		if (same_file(fd, path))
			break;
		/* released and removed (or replaced) between open and lock */
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		rc = XCTL_ERR_AGAIN;
		goto out;
	}
	rc = read_fd(fd, rec);
	if (rc == XCTL_ERR_PARSE) {
		/* killed before the header was complete: nothing was done yet */
		memset(rec, 0, sizeof(*rec));
		rec->step = -1;
		copy(rec->name, sizeof(rec->name), name);
		rc = 0;
	}
	if (rc)
		goto out;
	struct xctl_claim *c = calloc(1, sizeof(*c));
	if (!c) {
		rc = XCTL_ERR_NOMEM;
		goto out;
	}
	c->fd = fd;
	c->path = path;
	c->rec = *rec;
	*out = c;
	return 0;
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

/* One attempt: an unnamed file (O_TMPFILE) that only appears, complete
 * and locked, when linked at path: a crash before the link leaves nothing.
 * XCTL_ERR_EXISTS if path exists, XCTL_ERR_NOTFOUND if dir does not. */
static int claim_once(const char *dir, const char *path, const struct xctl_record *rec, int *fdp)
{
	char tmp[64];
	int rc, fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	*fdp = -1;
	if (fd < 0)
		return errno == ENOENT ? XCTL_ERR_NOTFOUND : xctl_err_from_errno(errno);
	if (flock(fd, LOCK_EX)) {
		rc = xctl_err_from_errno(errno);
		goto fail;
	}
	rc = append(fd, MAGIC "\nop %s\nname %s\npid %ld\n", rec->op, rec->name, (long)rec->pid);
	if (!rc && rec->uuid[0])
		rc = append(fd, "uuid %s\n", rec->uuid);
	if (!rc && rec->old_name[0])
		rc = append(fd, "old-name %s\n", rec->old_name);
	if (!rc && rec->device[0])
		rc = append(fd, "device %s\n", rec->device);
	if (rc)
		goto fail;
	snprintf(tmp, sizeof(tmp), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, tmp, AT_FDCWD, path, AT_SYMLINK_FOLLOW)) {
		rc = errno == EEXIST ? XCTL_ERR_EXISTS : errno == ENOENT ? XCTL_ERR_NOTFOUND : xctl_err_from_errno(errno);
		goto fail;
	}
	*fdp = fd;
	return 0;
fail:
	close(fd);
	return rc;
}

int xctl_record_claim(const char *state_dir, struct xctl_record *rec, struct xctl_claim **out, pid_t *holder)
{
	char dir[4096];
	char *path = NULL;
	int fd = -1;
	int rc;
	struct xctl_claim *c = NULL;

	*out = NULL;
	if (holder)
		*holder = 0;
	rc = dir_path(state_dir, dir, sizeof(dir));
	if (!rc)
		rc = rec_path(state_dir, rec->name, &path);
	if (!rc)
		rc = xctl_mkdirs(dir);
	if (rc)
		goto out;
	rec->pid = getpid();
	for (int tries = 0;; tries++) {
		rc = claim_once(dir, path, rec, &fd);
		if (rc != XCTL_ERR_NOTFOUND || tries == 10)
			break;
		rc = xctl_mkdirs(dir); /* removed by a release meanwhile */
		if (rc)
			goto out;
	}
	if (rc == XCTL_ERR_EXISTS) {
		/* someone holds it, or a stale record is in the way */
		struct xctl_record other;
		struct xctl_claim *oc = NULL;
		rc = xctl_record_take(state_dir, rec->name, &other, &oc);
		if (rc == XCTL_ERR_BUSY) {
			if (holder)
				*holder = other.pid;
		} else if (rc == 0) {
			/* stale: leave it for the caller to recover */
			xctl_record_abandon(oc);
			rc = XCTL_ERR_AGAIN;
		} else if (rc == XCTL_ERR_NOTFOUND) {
			rc = XCTL_ERR_AGAIN; /* released meanwhile: try again */
		}
		goto out;
	}
	if (rc)
		goto out;
	c = calloc(1, sizeof(*c));
	if (!c) {
		unlink(path);
		rc = XCTL_ERR_NOMEM;
		goto out;
	}
	c->fd = fd;
	c->path = path;
	c->rec = *rec;
	c->rec.step = -1;
	*out = c;
	return 0;
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

int xctl_record_step(struct xctl_claim *c, int step, const char *name)
{
	c->rec.step = step;
	copy(c->rec.step_name, sizeof(c->rec.step_name), name);
	return append(c->fd, "step %d %s\n", step, name);
}

int xctl_record_domid(struct xctl_claim *c, uint32_t domid)
{
	c->rec.domid = domid;
	c->rec.have_domid = true;
	return append(c->fd, "domid %u\n", domid);
}

int xctl_record_commit(struct xctl_claim *c)
{
	c->rec.committed = true;
	return append(c->fd, "commit\n");
}

const struct xctl_record *xctl_record_get(const struct xctl_claim *c)
{
	return &c->rec;
}

void xctl_record_release(struct xctl_claim *c)
{
	if (!c)
		return;
	/* unlink while still locked: a waiter that locks the old inode sees
	 * it is no longer at the path */
	if (same_file(c->fd, c->path))
		unlink(c->path);
	close(c->fd);
	/* leave no empty directory behind (a claimer racing with this makes
	 * it again: xctl_record_claim retries) */
	char *slash = strrchr(c->path, '/');
	if (slash) {
		*slash = '\0';
		rmdir(c->path);
	}
	free(c->path);
	free(c);
}

void xctl_record_abandon(struct xctl_claim *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c->path);
	free(c);
}

int xctl_record_list(const char *state_dir, char ***names, size_t *n)
{
	char dir[4096];
	*names = NULL;
	*n = 0;
	int rc = dir_path(state_dir, dir, sizeof(dir));
	if (rc)
		return rc;
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : xctl_err_from_errno(errno);
	struct dirent *e;
	size_t cap = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			char **v = realloc(*names, cap * sizeof(*v));
			if (!v) {
				rc = XCTL_ERR_NOMEM;
				break;
			}
			*names = v;
		}
		if (!((*names)[*n] = strdup(e->d_name))) {
			rc = XCTL_ERR_NOMEM;
			break;
		}
		(*n)++;
	}
	closedir(d);
	if (rc) {
		xctl_record_list_free(*names, *n);
		*names = NULL;
		*n = 0;
	}
	return rc;
}

void xctl_record_list_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
