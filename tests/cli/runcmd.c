#include "tests/cli/runcmd.h"
#include "common/util.h"

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

void runcmd(struct runcmd_result *r, const char *fmt, ...)
{
	char tmpl_out[] = "/tmp/xctl-test-outXXXXXX", tmpl_err[] = "/tmp/xctl-test-errXXXXXX";
	int fo = mkstemp(tmpl_out), fe = mkstemp(tmpl_err);
	if (fo < 0 || fe < 0)
		abort();
	close(fo);
	close(fe);
	struct xctl_buf cmd = { 0 };
	va_list ap;
	va_start(ap, fmt);
	xctl_buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	const char *dir = getenv("XCTL_BIN");
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

void runcmd_free(struct runcmd_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
