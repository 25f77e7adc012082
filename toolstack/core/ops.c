/* SPDX-License-Identifier: LGPL-2.1-only */
/* Destroying and renaming domains (core.h). */
#include "toolstack/core/core.h"
#include "toolstack/core/record.h"
#include "common/err.h"
#include "common/log.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A pid that is gone or a zombie. */
static bool pid_gone(pid_t pid)
{
	char path[64], buf[256];
	if (kill(pid, 0) && errno == ESRCH)
		return true;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return true;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *rp = strrchr(buf, ')');
	return rp && rp[1] == ' ' && rp[2] == 'Z';
}

/* Wait (at most ms) for the monitor of uuid to end. */
static void wait_monitor(struct xctl_core *c, const char *uuid, int ms)
{
	pid_t pid = 0;
	for (int waited = 0; waited < ms; waited += 20) {
		pid_t p;
		if (!xctl_core_monitor_alive(c, uuid, &p)) {
			if (!pid || pid_gone(pid))
				return;
		} else {
			pid = p;
		}
		usleep(20000);
	}
	xctl_warn(c->log, "the monitor of domain %s (pid %ld) has not ended yet", uuid, (long)pid);
}

/* How long a destroy waits for an operation that holds the domain's name. */
#define NAME_WAIT_MS 60000

/* A create (the monitor's restart, say) or rename of the domain's name in
 * flight finishes first: a domain destroyed while libxl is still building
 * it keeps the nodes libxl goes on writing (its memory, store and vCPU
 * nodes), without the domain's permissions. Taking the name's claim waits
 * for the holder; it is released at once (a create after this destroy
 * starts may go on). */
static void wait_name_free(struct xctl_core *c, const char *name)
{
	struct xctl_record r = { 0 };
	struct xctl_claim *cl = NULL;
	pid_t holder = 0;
	snprintf(r.op, sizeof(r.op), "destroy");
	snprintf(r.name, sizeof(r.name), "%s", name);
	int rc = xctl_core_claim_wait(c, &r, NAME_WAIT_MS, true, &cl, &holder);
	if (!rc)
		xctl_record_release(cl);
	else if (rc == XCTL_ERR_BUSY)
		xctl_warn(c->log, "domain '%s' is still busy with another xctl (pid %ld) after %d s; destroying it anyway",
			  name, (long)holder, NAME_WAIT_MS / 1000);
}

int xctl_core_destroy(struct xctl_core *c, uint32_t domid)
{
	struct xctl_hv_dominfo info;
	char *json = NULL;
	int rc = c->hv->ops->info(c->hv, domid, &info);
	bool known = rc == 0;
	if (known) {
		wait_name_free(c, info.name);
		xctl_core_config_json(c, info.uuid, &json);
	}
	rc = c->hv->ops->destroy(c->hv, domid);
	if (rc) {
		free(json);
		return rc;
	}
	if (known) {
		char *p = xctl_core_path(c, "domains", info.uuid, ".json");
		if (p && unlink(p) && errno != ENOENT)
			xctl_warn(c->log, "cannot remove %s: %s", p, strerror(errno));
		free(p);
		xctl_core_name_drop(c, info.name, info.uuid);
		wait_monitor(c, info.uuid, 10000);
		xctl_core_tidy(c);
		xctl_core_hooks(c, "stopped", info.name, domid, json ? json : "{}", NULL);
		xctl_core_hooks(c, "release", info.name, domid, json ? json : "{}", NULL);
	}
	free(json);
	return 0;
}

int xctl_core_rename(struct xctl_core *c, uint32_t domid, const char *name)
{
	struct xctl_hv_dominfo info;
	struct xctl_claim *cl = NULL;
	uint32_t other;
	pid_t holder = 0;
	int rc = c->hv->ops->info(c->hv, domid, &info);
	if (rc)
		return rc;
	if (!strcmp(info.name, name))
		return 0;
	if (strlen(name) >= XCTL_DOMNAME_MAX) {
		xctl_err_log(c->log, "domain name '%s' is too long (at most %d characters)", name, XCTL_DOMNAME_MAX - 1);
		return XCTL_ERR_INVAL;
	}
	struct xctl_record r = { 0 };
	snprintf(r.op, sizeof(r.op), "rename");
	snprintf(r.name, sizeof(r.name), "%s", name);
	snprintf(r.old_name, sizeof(r.old_name), "%s", info.name);
	for (int tries = 0; tries < 5; tries++) {
		rc = xctl_record_claim(c->state_dir, &r, &cl, &holder);
		if (rc != XCTL_ERR_AGAIN)
			break;
		xctl_core_recover_name(c, name);
	}
	if (rc == XCTL_ERR_BUSY) {
		xctl_err_log(c->log, "the name '%s' is being given to a domain by another xctl (pid %ld)", name, (long)holder);
		return XCTL_ERR_EXISTS;
	}
	if (rc)
		return rc;
	if (!xctl_core_name_lookup(c, name, &other) || !xctl_hv_domid_by_name(c->hv, name, &other)) {
		xctl_err_log(c->log, "a domain named '%s' already exists (domid %u)", name, other);
		rc = XCTL_ERR_EXISTS;
		goto out;
	}
	rc = xctl_record_domid(cl, domid);
	if (!rc)
		rc = xctl_record_step(cl, 0, "rename");
	if (!rc)
		rc = c->hv->ops->rename(c->hv, domid, name);
	if (!rc)
		rc = xctl_core_name_set(c, name, domid, info.uuid);
	if (!rc)
		rc = xctl_record_commit(cl);
	if (!rc)
		xctl_core_name_drop(c, info.name, info.uuid);
out:
	xctl_record_release(cl);
	return rc;
}
