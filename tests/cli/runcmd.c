/* SPDX-License-Identifier: LGPL-2.1-only */
#include "tests/cli/runcmd.h"
#include "common/util.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *bin_path(const char *prog)
{
	static char path[4096];
	const char *dir = getenv("XCTL_BIN");
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "build/bin", prog);
	return path;
}

static char *slurp(const char *path)
{
	char *s = NULL;
	size_t len;
	if (xctl_read_file(path, 64 << 20, &s, &len))
		return strdup("");
	return s;
}

static void vruncmd(struct runcmd_result *r, int merged, const char *fmt, va_list ap)
{
	char tmpl_out[] = "/tmp/xctl-test-outXXXXXX", tmpl_err[] = "/tmp/xctl-test-errXXXXXX";
	int fo = mkstemp(tmpl_out), fe = mkstemp(tmpl_err);
	if (fo < 0 || fe < 0)
		abort();
	close(fo);
	close(fe);
	struct xctl_buf cmd = { 0 };
	/* merged: a group, so that one redirection covers the whole command line */
	if (merged)
		xctl_buf_adds(&cmd, "{ ");
	xctl_buf_vprintf(&cmd, fmt, ap);
	const char *dir = getenv("XCTL_BIN");
	if (merged)
		xctl_buf_printf(&cmd, "\n} >%s 2>&1", tmpl_out);
	else
		xctl_buf_printf(&cmd, " >%s 2>%s", tmpl_out, tmpl_err);
	setenv("XCTL_BIN", dir && *dir ? dir : "build/bin", 1);
	int st = 0;
	pid_t pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		execl("/bin/bash", "bash", "-c", cmd.p, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	r->out = slurp(tmpl_out);
	r->err = slurp(tmpl_err);
	unlink(tmpl_out);
	unlink(tmpl_err);
	xctl_buf_free(&cmd);
}

void runcmd(struct runcmd_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vruncmd(r, 0, fmt, ap);
	va_end(ap);
}

void runcmd_merged(struct runcmd_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vruncmd(r, 1, fmt, ap);
	va_end(ap);
}

void runcmd_free(struct runcmd_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

char *runcmd_mkdtemp(void)
{
	char tmpl[] = "/tmp/xctl-test-dirXXXXXX";
	if (!mkdtemp(tmpl))
		abort();
	return strdup(tmpl);
}

static int rm_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return (type == FTW_DP ? rmdir(path) : unlink(path)) ? -1 : 0;
}

int runcmd_rmtree(const char *dir)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) ? -1 : 0;
}

int runcmd_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	size_t len = strlen(text);
	int rc = fwrite(text, 1, len, f) == len ? 0 : -1;
	if (fclose(f))
		rc = -1;
	return rc;
}
