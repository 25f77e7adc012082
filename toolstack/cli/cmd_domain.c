/* SPDX-License-Identifier: LGPL-2.1-only */
/* xctl destroy, pause, unpause, shutdown, reboot, sysrq, rename, mem-set,
 * mem-max and monitor (xl 4.17's xl_vmcontrol.c, xl_misc.c, xl_mem.c). */
#include "toolstack/cli/commands.h"
#include "toolstack/cli/lifecycle.h"
#include "common/err.h"
#include "common/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* No options, NARGS positional arguments (the first the domain), the core. */
static int one_domain(struct xctl_cli *cli, int argc, char **argv, int nargs, struct xctl_core **core,
		      uint32_t *domid)
{
	int st = xctl_cli_flag_args(cli, argc, argv, 0, NULL, nargs, nargs);
	return st ? st : xctl_cli_core_domain(cli, argv[cli->optind], core, domid);
}

int cmd_destroy(struct xctl_cli *cli, int argc, char **argv)
{
	bool force = cli->force;
	struct xctl_core *core;
	uint32_t domid;
	int st = xctl_cli_flag_args(cli, argc, argv, 'f', &force, 1, 1);
	if (st || (st = xctl_cli_core_domain(cli, argv[cli->optind], &core, &domid)))
		return st;
	if (domid == 0 && !force) {
		fprintf(stderr, "Not destroying domain 0; use -f to force.\n"
				"This can only be done when using a disaggregated hardware domain and toolstack.\n\n");
		st = XCTL_EXIT_FAIL;
	}
	if (!st && xctl_core_destroy(core, domid)) {
		fprintf(stderr, "destroy failed: domain %u (see the message above)\n", domid);
		st = XCTL_EXIT_FAIL;
	}
	xctl_core_close(core);
	return st;
}

static int pause_or_unpause(struct xctl_cli *cli, int argc, char **argv, bool pause)
{
	struct xctl_core *core;
	uint32_t domid;
	int st = one_domain(cli, argc, argv, 1, &core, &domid);
	if (st)
		return st;
	int rc = pause ? core->hv->ops->pause(core->hv, domid) : core->hv->ops->unpause(core->hv, domid);
	xctl_core_close(core);
	return rc ? XCTL_EXIT_FAIL : XCTL_EXIT_OK;
}

int cmd_pause(struct xctl_cli *cli, int argc, char **argv)
{
	return pause_or_unpause(cli, argc, argv, true);
}

int cmd_unpause(struct xctl_cli *cli, int argc, char **argv)
{
	return pause_or_unpause(cli, argc, argv, false);
}

/* ---- shutdown / reboot */

struct waiting {
	uint32_t domid;
	bool done;
};

/* xl's wait_for_domain_deaths: -w waits until each is shut down or gone,
 * -ww until each is gone. timeout_s 0: no limit. */
static int wait_for(struct xctl_cli *cli, struct xctl_core *c, struct waiting *w, size_t n, bool death,
		    int timeout_s)
{
	size_t left = n;
	long start = xctl_mono_ms();
	bool tty = isatty(STDERR_FILENO);
	fprintf(stderr, "Waiting for %zu domains\n", n);
	while (left) {
		for (size_t i = 0; i < n; i++) {
			if (w[i].done)
				continue;
			struct xctl_hv_dominfo d;
			bool gone = false;
			int rc = c->hv->ops->wait(c->hv, w[i].domid, 200, &d, &gone);
			if (rc == XCTL_ERR_TIMEOUT)
				continue;
			if (rc) {
				fprintf(stderr, "Failed to get event, quitting (%s)\n", xctl_strerror(rc));
				return XCTL_EXIT_FAIL;
			}
			if (gone) {
				fprintf(stderr, "Domain %u has been destroyed\n", w[i].domid);
				w[i].done = true;
				left--;
			} else if (d.shutdown && !death) {
				fprintf(stderr, "Domain %u has been shut down, reason code %d\n", w[i].domid,
					d.shutdown_reason);
				w[i].done = true;
				left--;
			} else {
				usleep(100000); /* shut down or dying: wait for it to go */
			}
		}
		long el = xctl_mono_ms() - start;
		if (timeout_s > 0 && el > timeout_s * 1000L) {
			fprintf(stderr, "gave up waiting after %d s: %zu domain%s still not %s\n", timeout_s, left,
				left == 1 ? "" : "s", death ? "gone" : "shut down");
			return XCTL_EXIT_FAIL;
		}
		if (tty && left && cli->verbose)
			fprintf(stderr, "\rwaiting: %zu left, %ld s", left, el / 1000);
	}
	return XCTL_EXIT_OK;
}

static int request(struct xctl_cli *cli, struct xctl_core *c, uint32_t domid, bool reboot, bool fallback)
{
	fprintf(stderr, "%s domain %u\n", reboot ? "Rebooting" : "Shutting down", domid);
	int rc = c->hv->ops->shutdown(c->hv, domid, reboot ? XCTL_SHUTDOWN_REBOOT : XCTL_SHUTDOWN_POWEROFF, fallback);
	if (rc == XCTL_ERR_UNSUPPORTED && !fallback) {
		fprintf(stderr, "PV control interface not available: external graceful %s not possible.\n",
			reboot ? "reboot" : "shutdown");
		fprintf(stderr, "Use \"-F\" to fallback to ACPI %s event.\n", reboot ? "reset" : "power");
	} else if (!rc && fallback) {
		/* said only when the fallback was the way */
	}
	if (rc) {
		fprintf(stderr, "%s failed: domain %u (%s)\n", reboot ? "reboot" : "shutdown", domid, xctl_strerror(rc));
		return XCTL_EXIT_FAIL;
	}
	(void)cli;
	return XCTL_EXIT_OK;
}

static int shutdown_or_reboot(struct xctl_cli *cli, int argc, char **argv, bool reboot)
{
	const char *arg;
	int c, st, wait = 0, timeout = 0;
	bool all = false, fallback = false;
	while ((c = xctl_cli_getopt(cli, argc, argv, &arg)) != XCTL_GETOPT_END) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'w':
			wait++;
			break;
		case 'F':
			fallback = true;
			break;
		case OPT_TIMEOUT: {
			uint64_t t;
			if (xctl_parse_u64(arg, 10, 86400, &t))
				return xctl_cli_usage_error(cli, "--timeout needs a number of seconds (0 to 86400)");
			timeout = (int)t;
			break;
		}
		default:
			return XCTL_EXIT_USAGE;
		}
	}
	if (!all && cli->optind >= argc) {
		fprintf(stderr, "You must specify -a or a domain id.\n\n");
		return XCTL_EXIT_FAIL;
	}
	if (!xctl_cli_nargs(cli, argc, argv, 0, all ? 0 : 1))
		return XCTL_EXIT_USAGE;
	struct xctl_core *core;
	if ((st = xctl_cli_core(cli, &core)))
		return st;
	struct waiting *w = NULL;
	size_t n = 0;
	if (all) {
		struct xctl_hv_dominfo *v = NULL;
		size_t nv = 0;
		if (core->hv->ops->list(core->hv, &v, &nv)) {
			st = XCTL_EXIT_FAIL;
			goto out;
		}
		w = calloc(nv ? nv : 1, sizeof(*w));
		for (size_t i = 0; w && i < nv; i++) {
			if (v[i].domid == 0)
				continue;
			if (request(cli, core, v[i].domid, reboot, fallback) == XCTL_EXIT_OK)
				w[n++].domid = v[i].domid;
			else
				st = XCTL_EXIT_FAIL;
		}
		free(v);
		if (!w) {
			st = XCTL_EXIT_FAIL;
			goto out;
		}
	} else {
		uint32_t domid;
		st = xctl_cli_domain(cli, core, argv[cli->optind], &domid);
		if (!st)
			st = request(cli, core, domid, reboot, fallback);
		if (st)
			goto out;
		w = calloc(1, sizeof(*w));
		if (!w) {
			st = XCTL_EXIT_FAIL;
			goto out;
		}
		w[n++].domid = domid;
	}
	if (wait && n && !st)
		st = wait_for(cli, core, w, n, wait > 1, timeout);
out:
	free(w);
	xctl_core_close(core);
	return st;
}

int cmd_shutdown(struct xctl_cli *cli, int argc, char **argv)
{
	return shutdown_or_reboot(cli, argc, argv, false);
}

int cmd_reboot(struct xctl_cli *cli, int argc, char **argv)
{
	return shutdown_or_reboot(cli, argc, argv, true);
}

int cmd_sysrq(struct xctl_cli *cli, int argc, char **argv)
{
	struct xctl_core *core;
	uint32_t domid;
	int st = one_domain(cli, argc, argv, 2, &core, &domid);
	if (st)
		return st;
	const char *key = argv[cli->optind + 1];
	if (strlen(key) != 1) {
		fprintf(stderr, "sysrq must be a single character: '%s'\n", key);
		st = XCTL_EXIT_USAGE;
	} else if (core->hv->ops->sysrq(core->hv, domid, key[0])) {
		st = XCTL_EXIT_FAIL;
	}
	xctl_core_close(core);
	return st;
}

int cmd_rename(struct xctl_cli *cli, int argc, char **argv)
{
	struct xctl_core *core;
	uint32_t domid;
	int st = one_domain(cli, argc, argv, 2, &core, &domid);
	if (st)
		return st;
	const char *dom = argv[cli->optind], *name = argv[cli->optind + 1];
	if (!*name || strspn(name, "0123456789") == strlen(name) || strchr(name, '/')) {
		fprintf(stderr, "Can't rename domain '%s': '%s' is not a valid name (not empty, not all digits, no '/').\n",
			dom, name);
		st = XCTL_EXIT_FAIL;
	} else if (xctl_core_rename(core, domid, name)) {
		fprintf(stderr, "Can't rename domain '%s'.\n", dom);
		st = XCTL_EXIT_FAIL;
	}
	xctl_core_close(core);
	return st;
}

static int mem(struct xctl_cli *cli, int argc, char **argv, bool max)
{
	struct xctl_core *core;
	uint32_t domid;
	int st = one_domain(cli, argc, argv, 2, &core, &domid);
	if (st)
		return st;
	const char *m = argv[cli->optind + 1];
	int64_t kb = xctl_cli_parse_mem_kb(m);
	if (kb < 0) {
		fprintf(stderr, "invalid memory size: %s\n", m);
		st = XCTL_EXIT_FAIL;
	} else if (max ? core->hv->ops->mem_max(core->hv, domid, (uint64_t)kb)
		       : core->hv->ops->mem_target(core->hv, domid, (uint64_t)kb)) {
		fprintf(stderr, "cannot set domid %u %s max memory to : %s\n", domid, max ? "static" : "dynamic", m);
		st = XCTL_EXIT_FAIL;
	}
	xctl_core_close(core);
	return st;
}

int cmd_mem_set(struct xctl_cli *cli, int argc, char **argv)
{
	return mem(cli, argc, argv, false);
}

int cmd_mem_max(struct xctl_cli *cli, int argc, char **argv)
{
	return mem(cli, argc, argv, true);
}

int cmd_monitor(struct xctl_cli *cli, int argc, char **argv)
{
	struct xctl_core *core;
	uint32_t domid;
	struct xctl_global_config g;
	int st = one_domain(cli, argc, argv, 1, &core, &domid);
	if (st)
		return st;
	cli->log.timestamps = 1;
	if (cli->log.level < XCTL_LOG_INFO)
		cli->log.level = XCTL_LOG_INFO; /* the monitor's log says what it does */
	/* A restart creates the domain again with the global configuration, as
	 * xl's monitor (the process that read xl.conf for the create) does; a
	 * file that does not load leaves the built-in values, and the monitor
	 * still watches. */
	if (xctl_cli_load_global(cli, &g) != XCTL_EXIT_OK) {
		xctl_global_dispose(&g);
		if (xctl_global_init(&g)) {
			xctl_core_close(core);
			return XCTL_EXIT_FAIL;
		}
	}
	core->global = &g;
	int rc = xctl_core_monitor(core, domid);
	xctl_core_close(core);
	xctl_global_dispose(&g);
	return rc ? XCTL_EXIT_FAIL : XCTL_EXIT_OK;
}
