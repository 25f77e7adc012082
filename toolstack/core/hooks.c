/* SPDX-License-Identifier: LGPL-2.1-only */
/* Hooks: executables in HOOKS_DIR/OPERATION/, run in name order with the
 * domain's name, domid and the operation as arguments and the domain's
 * JSON on stdin. A failing prepare hook stops the creation; its output is
 * given back for the error message. */
#include "toolstack/core/core.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOOK_TIMEOUT_MS 30000
#define HOOK_OUTPUT_MAX 65536

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run one hook; its exit status in *status (-1: killed or not run). */
static int run_hook(const char *path, const char *name, uint32_t domid, const char *op, const char *json,
		    struct xctl_buf *out, int *status)
{
	int in[2], outp[2];
	char id[16];
	snprintf(id, sizeof(id), "%u", domid);
	*status = -1;
	if (pipe2(in, O_CLOEXEC))
		return XCTL_ERR_IO;
	if (pipe2(outp, O_CLOEXEC)) {
		close(in[0]);
		close(in[1]);
		return XCTL_ERR_IO;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		close(outp[0]);
		close(outp[1]);
		return XCTL_ERR_IO;
	}
	if (pid == 0) {
		setpgid(0, 0);
		dup2(in[0], STDIN_FILENO);
		dup2(outp[1], STDOUT_FILENO);
		dup2(outp[1], STDERR_FILENO);
		execl(path, path, name, id, op, (char *)NULL);
		fprintf(stderr, "cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(outp[1]);
	signal(SIGPIPE, SIG_IGN);
	size_t jlen = strlen(json), joff = 0;
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	long start = xctl_mono_ms();
	bool out_open = true;
	while (out_open) {
		struct pollfd p[2] = { { .fd = outp[0], .events = POLLIN }, { .fd = in[1], .events = POLLOUT } };
		int np = in[1] >= 0 ? 2 : 1;
		long left = HOOK_TIMEOUT_MS - (xctl_mono_ms() - start);
		if (left <= 0) {
			kill(-pid, SIGKILL);
			xctl_buf_printf(out, "(killed after %d s)\n", HOOK_TIMEOUT_MS / 1000);
			break;
		}
		if (poll(p, (nfds_t)np, (int)left) < 0 && errno != EINTR)
			break;
		if (np == 2 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(in[1], json + joff, jlen - joff);
			if (w > 0)
				joff += (size_t)w;
			if (w < 0 && errno != EAGAIN) 
				joff = jlen;
			if (joff >= jlen) {
				close(in[1]);
				in[1] = -1;
			}
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			char buf[4096];
			ssize_t n = read(outp[0], buf, sizeof(buf));
			if (n <= 0)
				out_open = false;
			else if (out->len < HOOK_OUTPUT_MAX)
				xctl_buf_add(out, buf, (size_t)n);
		}
	}
	if (in[1] >= 0)
		close(in[1]);
	close(outp[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return 0;
}

int xctl_core_hooks(struct xctl_core *c, const char *op, const char *name, uint32_t domid, const char *json,
		    char **output)
{
	struct xctl_buf dirb = { 0 };
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	if (output)
		*output = NULL;
	if (xctl_buf_printf(&dirb, "%s/%s", c->hooks_dir, op))
		return XCTL_ERR_NOMEM;
	DIR *d = opendir(dirb.p);
	if (!d) {
		xctl_buf_free(&dirb);
		return 0; /* no hooks for this operation */
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			char **v = realloc(names, cap * sizeof(*v));
			if (!v) {
				rc = XCTL_ERR_NOMEM;
				break;
			}
			names = v;
		}
		if (!(names[n] = strdup(e->d_name))) {
			rc = XCTL_ERR_NOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp);
	bool prepare = !strcmp(op, "prepare");
	for (size_t i = 0; i < n && !rc; i++) {
		struct xctl_buf path = { 0 }, out = { 0 };
		struct stat st;
		int status;
		if (xctl_buf_printf(&path, "%s/%s", dirb.p, names[i])) {
			rc = XCTL_ERR_NOMEM;
			break;
		}
		if (stat(path.p, &st) || !S_ISREG(st.st_mode) || access(path.p, X_OK)) {
			xctl_buf_free(&path);
			continue; /* not an executable: not a hook */
		}
		int hr = run_hook(path.p, name, domid, op, json ? json : "{}", &out, &status);
		if (hr || status != 0) {
			if (prepare) {
				xctl_err_log(c->log, "hook %s failed (%s)", path.p,
					     hr ? "could not be run" : status < 0 ? "killed" : "non-zero exit status");
				if (output) {
					xctl_buf_adds(&out, "");
					*output = xctl_buf_steal(&out);
				}
				rc = XCTL_ERR_PERM;
			} else {
				xctl_warn(c->log, "hook %s for %s of '%s' failed; going on", path.p, op, name);
			}
		}
		xctl_buf_free(&out);
		xctl_buf_free(&path);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	xctl_buf_free(&dirb);
	return rc;
}
