/* SPDX-License-Identifier: LGPL-2.1-only */
/* The lifecycle core's context: directories, the hv context, saved
 * configurations and the monitors' pid files. */
#include "toolstack/core/core.h"
#include "toolstack/core/record.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *dir_of(const char *given, const char *env, const char *def)
{
	const char *e = getenv(env);
	return strdup(given ? given : e && *e ? e : def);
}

int xctl_core_open(const struct xctl_core_params *p, struct xctl_core **out)
{
	int rc = XCTL_ERR_NOMEM;
	struct xctl_core *c = calloc(1, sizeof(*c));
	*out = NULL;
	if (!c)
		return rc;
	c->log = p->log;
	c->global = p->global;
	c->crash_max = XCTL_CRASH_LOOP_MAX;
	c->crash_window_s = XCTL_CRASH_LOOP_WINDOW_S;
	c->state_dir = dir_of(p->state_dir, "XCTL_STATE_DIR", XCTL_STATE_DIR_DEFAULT);
	c->log_dir = dir_of(p->log_dir, "XCTL_LOG_DIR", XCTL_LOG_DIR_DEFAULT);
	c->hooks_dir = dir_of(p->hooks_dir, "XCTL_HOOKS_DIR", XCTL_HOOKS_DIR_DEFAULT);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		c->self_exe = strdup(exe);
	}
	if (!c->state_dir || !c->log_dir || !c->hooks_dir)
		goto fail;
	c->kind = p->kind == XCTL_HV_AUTO ? xctl_hv_detect() : p->kind;
	struct xctl_hv_params hp = { .kind = c->kind, .log = p->log, .sim_dir = p->sim_dir, .bin_dir = p->bin_dir,
				   .no_start = p->no_start };
	rc = xctl_hv_open(&hp, &c->hv);
	if (rc)
		goto fail;
	*out = c;
	if (!p->no_recover)
		xctl_core_recover(c);
	return 0;
fail:
	xctl_core_close(c);
	return rc;
}

void xctl_core_close(struct xctl_core *c)
{
	if (!c)
		return;
	xctl_hv_close(c->hv);
	free(c->state_dir);
	free(c->log_dir);
	free(c->hooks_dir);
	free(c->self_exe);
	free(c);
}

char *xctl_core_path(struct xctl_core *c, const char *sub, const char *name, const char *ext)
{
	struct xctl_buf b = { 0 };
	if (xctl_buf_printf(&b, "%s/%s/%s%s", c->state_dir, sub, name, ext ? ext : "")) {
		xctl_buf_free(&b);
		return NULL;
	}
	return xctl_buf_steal(&b);
}

int xctl_core_config_json(struct xctl_core *c, const char *uuid, char **json)
{
	char *path = xctl_core_path(c, "domains", uuid, ".json");
	size_t len;
	if (!path)
		return XCTL_ERR_NOMEM;
	int rc = xctl_read_file(path, 4u << 20, json, &len);
	free(path);
	return rc;
}

int xctl_core_load_config(struct xctl_core *c, const char *uuid, struct xctl_domain_config *m)
{
	char *json = NULL;
	struct xctl_diags d;
	xctl_model_init(m);
	int rc = xctl_core_config_json(c, uuid, &json);
	if (rc)
		return rc;
	xctl_diags_init(&d);
	rc = xctl_model_from_json_string(json, strlen(json), m, &d);
	if (rc) {
		char *first = d.n ? xctl_diag_format(&d.v[0]) : NULL;
		xctl_err_log(c->log, "the saved configuration of domain %s does not read back (%zu problem%s%s%s)", uuid,
			     d.n, d.n == 1 ? "" : "s", first ? "; the first: " : "", first ? first : "");
		free(first);
	}
	xctl_diags_free(&d);
	free(json);
	return rc;
}

bool xctl_core_monitor_alive(struct xctl_core *c, const char *uuid, pid_t *pid)
{
	char *path = xctl_core_path(c, "domains", uuid, ".monitor");
	bool alive = false;
	if (pid)
		*pid = 0;
	if (!path)
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK) {
		alive = true;
		char buf[32] = "";
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n > 0 && pid)
			*pid = (pid_t)atol(buf);
	}
	close(fd);
	return alive;
}

int xctl_core_spawn_monitor(struct xctl_core *c, uint32_t domid, const char *name)
{
	char logpath[4096], id[16];
	int rc = xctl_mkdirs(c->log_dir);
	if (rc) {
		xctl_err_log(c->log, "cannot create the log directory %s: %s", c->log_dir, xctl_strerror(rc));
		return rc;
	}
	if (!c->self_exe) {
		xctl_err_log(c->log, "cannot find this program to start the monitor of %s", name);
		return XCTL_ERR_NOTFOUND;
	}
	snprintf(logpath, sizeof(logpath), "%s/%s.log", c->log_dir, name);
	snprintf(id, sizeof(id), "%u", domid);
	pid_t pid = fork();
	if (pid < 0) {
		xctl_err_log(c->log, "cannot start the monitor of %s: %s", name, strerror(errno));
		return XCTL_ERR_IO;
	}
	if (pid == 0) {
		/* a daemon of its own: new session, away from the terminal, then
		 * a second fork so that it is nobody's child */
		setsid();
		if (fork() != 0)
			_exit(0);
		int nul = open("/dev/null", O_RDONLY);
		int log = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (nul >= 0)
			dup2(nul, STDIN_FILENO);
		if (log >= 0) {
			dup2(log, STDOUT_FILENO);
			dup2(log, STDERR_FILENO);
		}
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		const char *kind = c->kind == XCTL_HV_XEN ? "--xen" : "--sim";
		/* the global configuration the create read: a restart reads it too */
		if (c->global && c->global->source)
			execl(c->self_exe, "xctl", kind, "--config", c->global->source, "monitor", id, (char *)NULL);
		else
			execl(c->self_exe, "xctl", kind, "monitor", id, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return 0;
}

void xctl_core_tidy(struct xctl_core *c)
{
	char *d = xctl_core_path(c, "domains", "", NULL);
	if (d)
		rmdir(d); /* fails while not empty */
	free(d);
}
