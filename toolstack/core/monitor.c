/* SPDX-License-Identifier: LGPL-2.1-only */
/* The per-domain monitor, as xl's create_domain/handle_domain_death: wait
 * for the domain to shut down, then apply the on_poweroff, on_reboot,
 * on_crash, on_watchdog or on_soft_reset action of its configuration:
 * destroy, restart, rename-restart, preserve, coredump-destroy,
 * coredump-restart or soft-reset. A crash-loop guard stops restarting a
 * domain that crashed crash_max times within crash_window_s seconds. One
 * monitor per domain: it holds STATE/domains/UUID.monitor locked. */
#include "toolstack/core/core.h"
#include "toolstack/core/record.h"
#include "toolstack/config/load.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define CRASH_HISTORY 64

struct mon {
	struct xctl_core *c;
	struct xctl_domain_config m;
	bool have_config;
	char uuid[XCTL_UUID_STRLEN];
	char name[XCTL_DOMNAME_MAX];
	char *lock_path;
	int lock_fd;
	double crashes[CRASH_HISTORY];
	size_t ncrashes;
};

#define LOG(mo, ...) xctl_logf((mo)->c->log, XCTL_LOG_INFO, __VA_ARGS__)

static double mono_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int take_lock(struct mon *mo)
{
	char *dir = xctl_core_path(mo->c, "domains", "", NULL);
	int rc = dir ? xctl_mkdirs(dir) : XCTL_ERR_NOMEM;
	free(dir);
	if (rc)
		return rc;
	mo->lock_path = xctl_core_path(mo->c, "domains", mo->uuid, ".monitor");
	if (!mo->lock_path)
		return XCTL_ERR_NOMEM;
	mo->lock_fd = open(mo->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (mo->lock_fd < 0 && errno == ENOENT) { /* tidied away meanwhile */
		char *d2 = xctl_core_path(mo->c, "domains", "", NULL);
		if (d2 && !xctl_mkdirs(d2))
			mo->lock_fd = open(mo->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		free(d2);
	}
	if (mo->lock_fd < 0)
		return xctl_err_from_errno(errno);
	if (flock(mo->lock_fd, LOCK_EX | LOCK_NB)) {
		close(mo->lock_fd);
		mo->lock_fd = -1;
		return XCTL_ERR_BUSY;
	}
	char pid[32];
	int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(mo->lock_fd, 0) || pwrite(mo->lock_fd, pid, (size_t)n, 0) != n)
		return XCTL_ERR_IO;
	return 0;
}

static void drop_lock(struct mon *mo)
{
	if (mo->lock_fd >= 0) {
		unlink(mo->lock_path);
		close(mo->lock_fd);
	}
	free(mo->lock_path);
	mo->lock_path = NULL;
	xctl_core_tidy(mo->c);
}

static int action_for(const struct mon *mo, int reason)
{
	const struct xctl_domain_config *m = &mo->m;
	if (!mo->have_config) /* xl's defaults */
		return reason == XCTL_SHUTDOWN_REBOOT ? XCTL_ACTION_RESTART
		       : reason == XCTL_SHUTDOWN_SOFT_RESET ? XCTL_ACTION_SOFT_RESET
							    : XCTL_ACTION_DESTROY;
	switch (reason) {
	case XCTL_SHUTDOWN_POWEROFF:
		return m->on_poweroff;
	case XCTL_SHUTDOWN_REBOOT:
		return m->on_reboot;
	case XCTL_SHUTDOWN_CRASH:
		return m->on_crash;
	case XCTL_SHUTDOWN_WATCHDOG:
		return m->on_watchdog;
	case XCTL_SHUTDOWN_SOFT_RESET:
		return m->on_soft_reset;
	default:
		return -1;
	}
}

/* Record a crash; true when the guard forbids restarting it again. */
static bool crash_loop(struct mon *mo)
{
	double now = mono_s(), window = mo->c->crash_window_s;
	size_t k = 0;
	for (size_t i = 0; i < mo->ncrashes; i++)
		if (now - mo->crashes[i] <= window)
			mo->crashes[k++] = mo->crashes[i];
	mo->ncrashes = k;
	if (mo->ncrashes < CRASH_HISTORY)
		mo->crashes[mo->ncrashes++] = now;
	return mo->ncrashes >= (size_t)mo->c->crash_max;
}

static void core_dump(struct mon *mo, uint32_t domid)
{
	const char *env = getenv("XCTL_DUMP_DIR");
	char path[4096];
	const char *dir = env && *env ? env : "/var/lib/xen/dump";
	if (xctl_mkdirs(dir)) {
		LOG(mo, "core dump failed: cannot create %s", dir);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, mo->name);
	LOG(mo, "dumping core to %s", path);
	if (mo->c->hv->ops->core_dump(mo->c->hv, domid, path))
		LOG(mo, "core dump failed");
}

/* As xl's reload_domain_config before a restart: the configuration as it
 * is saved now, with the devices attached or detached since it started. */
static void reload_config(struct mon *mo)
{
	struct xctl_domain_config fresh;
	if (xctl_core_load_config(mo->c, mo->uuid, &fresh)) {
		xctl_model_dispose(&fresh);
		return; /* keep the one read at the start */
	}
	if (mo->have_config)
		xctl_model_dispose(&mo->m);
	mo->m = fresh;
	mo->have_config = true;
}

/* Create the domain again from its configuration; 0 with *domid. */
static int restart(struct mon *mo, uint32_t *domid)
{
	struct xctl_create_opts o = { .monitor = false };
	if (!mo->have_config) {
		LOG(mo, "cannot restart '%s': its configuration was not saved by xctl", mo->name);
		return XCTL_ERR_NOTFOUND;
	}
	int rc = xctl_core_create(mo->c, &mo->m, &o, domid);
	if (rc)
		LOG(mo, "restarting '%s' failed: %s", mo->name, xctl_strerror(rc));
	return rc;
}

/* xl's preserve_domain: keep the old domain under NAME-TIMESTAMP. */
static int preserve(struct mon *mo, uint32_t domid)
{
	time_t now = time(NULL);
	struct tm tm;
	char suffix[24], newname[XCTL_DOMNAME_MAX + 24];
	gmtime_r(&now, &tm);
	strftime(suffix, sizeof(suffix), "-%Y%m%dT%H%MZ", &tm);
	snprintf(newname, sizeof(newname), "%s%s", mo->name, suffix);
	LOG(mo, "Preserving domain %u %s with suffix%s", domid, mo->name, suffix);
	return xctl_core_rename(mo->c, domid, newname);
}

static void new_uuid(struct xctl_domain_config *m)
{
	unsigned char u[16];
	uint64_t s = xctl_config_random_seed();
	for (int i = 0; i < 16; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		u[i] = (unsigned char)(s >> 56);
	}
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	char buf[XCTL_UUID_STRLEN];
	snprintf(buf, sizeof(buf), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
		 u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	char *d = strdup(buf);
	if (d) {
		free(m->uuid);
		m->uuid = d;
	}
}

int xctl_core_monitor(struct xctl_core *c, uint32_t domid)
{
	struct mon mo = { .c = c, .lock_fd = -1 };
	struct xctl_hv_dominfo info;
	struct xctl_hv *hv = c->hv;
	int rc = hv->ops->info(hv, domid, &info);
	if (rc)
		return rc;
	snprintf(mo.uuid, sizeof(mo.uuid), "%s", info.uuid);
	snprintf(mo.name, sizeof(mo.name), "%s", info.name);
	rc = take_lock(&mo);
	if (rc == XCTL_ERR_BUSY) {
		LOG(&mo, "domain %s (domid %u) already has a monitor", mo.name, domid);
		free(mo.lock_path);
		return rc;
	}
	if (rc) {
		drop_lock(&mo);
		return rc;
	}
	mo.have_config = !xctl_core_load_config(c, mo.uuid, &mo.m);
	LOG(&mo, "Waiting for domain %s (domid %u) to die [pid %ld]", mo.name, domid, (long)getpid());
	for (;;) {
		bool gone = false;
		rc = hv->ops->wait(hv, domid, -1, &info, &gone);
		if (rc) {
			LOG(&mo, "Domain %u, failed to get event, quitting (%s)", domid, xctl_strerror(rc));
			break;
		}
		if (gone) {
			LOG(&mo, "Domain %u has been destroyed.", domid);
			break;
		}
		if (info.dying && !info.shutdown) {
			usleep(100000); /* being destroyed: wait until it is gone */
			continue;
		}
		if (!info.shutdown) {
			usleep(100000);
			continue;
		}
		int reason = info.shutdown_reason;
		LOG(&mo, "Domain %u has shut down, reason code %d 0x%x", domid, reason, (unsigned)reason);
		if (reason == XCTL_SHUTDOWN_SUSPEND) {
			LOG(&mo, "Domain has suspended.");
			LOG(&mo, "Done. Exiting now");
			break;
		}
		int action = action_for(&mo, reason);
		if (action < 0) {
			LOG(&mo, "Unknown shutdown reason code %d. Destroying domain.", reason);
			action = XCTL_ACTION_DESTROY;
		}
		LOG(&mo, "Action for shutdown reason code %d is %s", reason, xctl_action_name(action));
		if (action == XCTL_ACTION_COREDUMP_DESTROY || action == XCTL_ACTION_COREDUMP_RESTART) {
			core_dump(&mo, domid);
			action = action == XCTL_ACTION_COREDUMP_DESTROY ? XCTL_ACTION_DESTROY : XCTL_ACTION_RESTART;
		}
		bool restarting = action == XCTL_ACTION_RESTART || action == XCTL_ACTION_RENAME_RESTART ||
				  action == XCTL_ACTION_SOFT_RESET;
		if (restarting)
			reload_config(&mo);
		if (restarting && reason == XCTL_SHUTDOWN_CRASH && crash_loop(&mo)) {
			LOG(&mo,
			    "Domain %s crashed %zu times within %d s: not restarting it again (crash-loop guard: "
			    "at most %d crashes in %d s); it is left crashed for inspection, 'xctl destroy %s' removes it",
			    mo.name, mo.ncrashes, c->crash_window_s, c->crash_max, c->crash_window_s, mo.name);
			break;
		}
		if (action == XCTL_ACTION_PRESERVE) {
			LOG(&mo, "Done. Exiting now");
			break;
		}
		if (action == XCTL_ACTION_SOFT_RESET) {
			if (!hv->ops->soft_reset(hv, domid)) {
				LOG(&mo, "Done. Rebooting now");
				continue;
			}
			LOG(&mo, "soft reset failed: destroying and restarting the domain instead");
			action = XCTL_ACTION_RESTART;
		}
		if (action == XCTL_ACTION_RENAME_RESTART) {
			if (preserve(&mo, domid)) {
				LOG(&mo, "cannot preserve domain %u; leaving it in place", domid);
				break;
			}
			/* the preserved domain keeps its uuid here: the new one gets another */
			new_uuid(&mo.m);
			char *p = xctl_core_path(c, "domains", mo.uuid, ".json");
			if (p)
				unlink(p);
			free(p);
			drop_lock(&mo);
			mo.lock_fd = -1;
			snprintf(mo.uuid, sizeof(mo.uuid), "%s", mo.m.uuid);
			if (take_lock(&mo)) {
				LOG(&mo, "cannot take the monitor lock of the new domain");
				break;
			}
		} else {
			LOG(&mo, "Domain %u needs to be cleaned up: destroying the domain", domid);
			if (hv->ops->destroy(hv, domid) && hv->ops->info(hv, domid, &info) == 0) {
				LOG(&mo, "destroying domain %u failed; leaving it", domid);
				break;
			}
			xctl_core_name_drop(c, mo.name, mo.uuid);
			if (action == XCTL_ACTION_DESTROY) {
				char *p = xctl_core_path(c, "domains", mo.uuid, ".json");
				if (p)
					unlink(p);
				free(p);
				const char *json = "{}";
				char *j = NULL;
				if (mo.have_config && !xctl_model_to_json_string(&mo.m, true, &j))
					json = j;
				xctl_core_hooks(c, "stopped", mo.name, domid, json, NULL);
				xctl_core_hooks(c, "release", mo.name, domid, json, NULL);
				free(j);
				LOG(&mo, "Done. Exiting now");
				break;
			}
		}
		LOG(&mo, "Done. Rebooting now");
		if (restart(&mo, &domid))
			break;
		LOG(&mo, "Waiting for domain %s (domid %u) to die [pid %ld]", mo.name, domid, (long)getpid());
	}
	if (mo.have_config)
		xctl_model_dispose(&mo.m);
	drop_lock(&mo);
	return 0;
}
