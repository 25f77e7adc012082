/* SPDX-License-Identifier: LGPL-2.1-only */
/* The part of xctl create that makes the domain once its configuration is
 * resolved: the core's create, then (as xl's create_domain) the console
 * with -c and the monitor in the foreground with -F. */
#include "toolstack/cli/commands.h"
#include "toolstack/cli/lifecycle.h"
#include "common/err.h"
#include "common/log.h"

#include <stdio.h>
#include <unistd.h>

struct progress {
	bool tty;
	int shown;
};

static void show_progress(void *arg, const char *what, int elapsed_ms)
{
	struct progress *p = arg;
	if (!p->tty || elapsed_ms < 1000 || elapsed_ms / 1000 == p->shown)
		return;
	p->shown = elapsed_ms / 1000;
	fprintf(stderr, "\rwaiting for the backend of %s: %d s", what, p->shown);
	fflush(stderr);
}

/* -vv: the wall time of each phase of the create */
static void show_phase(void *arg, const char *phase, long long ns, int rc)
{
	const struct xctl_log *log = arg;
	xctl_debug(log, "create: %s took %lld ms%s", phase, ns / 1000000, rc ? " and failed" : "");
}

int xctl_cli_create_domain(struct xctl_cli *cli, const struct xctl_global_config *g,
			   const struct xctl_domain_config *m, const struct xctl_cli_create *o)
{
	struct xctl_core *core;
	struct progress pr = { .tty = isatty(STDERR_FILENO) && !o->quiet };
	struct xctl_core_params p = { .log = &cli->log, .kind = (enum xctl_hv_kind)cli->hv_kind, .global = g };
	if (xctl_core_open(&p, &core)) {
		fprintf(stderr, "xctl create: cannot reach the host (see the message above); nothing was created\n");
		return XCTL_EXIT_FAIL;
	}
	struct xctl_create_opts co = {
		.paused = o->paused,
		.monitor = !o->no_monitor,
		.foreground = o->foreground,
		.progress = show_progress,
		.progress_arg = &pr,
		.timed = cli->log.level >= XCTL_LOG_DEBUG ? show_phase : NULL,
		.timed_arg = &cli->log,
	};
	uint32_t domid = 0;
	int rc = xctl_core_create(core, m, &co, &domid);
	if (pr.shown)
		fputc('\n', stderr);
	if (rc) {
		fprintf(stderr, "xctl create: domain '%s' was not created (see the message above)\n", m->name);
		xctl_core_close(core);
		return XCTL_EXIT_FAIL;
	}
	xctl_info(&cli->log, "domain '%s' created (domid %u)%s", m->name, domid, o->paused ? ", paused" : "");
	int st = XCTL_EXIT_OK;
	if (o->console && core->hv->ops->console(core->hv, domid, "pv", 0))
		st = XCTL_EXIT_FAIL;
	if (o->foreground && !o->no_monitor && xctl_core_monitor(core, domid))
		st = XCTL_EXIT_FAIL;
	xctl_core_close(core);
	return st;
}
