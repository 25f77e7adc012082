/* SPDX-License-Identifier: LGPL-2.1-only */
/* Finishing or rolling back what a killed xctl left: every stale claim
 * (record.h) is read and its operation finished (it had committed) or
 * rolled back (it had not), and the record removed. */
#include "toolstack/core/core.h"
#include "toolstack/core/record.h"
#include "common/err.h"
#include "common/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Destroy whatever exists of the creation with this uuid. */
static int roll_back_create(struct xctl_core *c, const struct xctl_record *r, char *did, size_t len)
{
	struct xctl_hv_dominfo info;
	uint32_t domid;
	int rc = 0;
	bool found = false;
	if (r->have_domid && !c->hv->ops->info(c->hv, r->domid, &info) && !strcmp(info.uuid, r->uuid)) {
		domid = r->domid;
		found = true;
	} else if (r->uuid[0] && !xctl_hv_domid_by_uuid(c->hv, r->uuid, &domid)) {
		found = true;
	}
	if (found) {
		rc = c->hv->ops->destroy(c->hv, domid);
		snprintf(did, len, "rolled back: domain %u destroyed", domid);
	} else if (r->have_domid) {
		/* the domain is gone but its nodes may not be */
		rc = c->hv->ops->destroy(c->hv, r->domid);
		if (rc == XCTL_ERR_NOTFOUND)
			rc = 0;
		snprintf(did, len, "rolled back: what was made of domain %u removed", r->domid);
	} else {
		snprintf(did, len, "rolled back: no domain had been made yet");
	}
	if (!rc && r->uuid[0])
		rc = c->hv->ops->cleanup_uuid(c->hv, r->uuid);
	if (r->uuid[0]) {
		xctl_core_name_drop(c, r->name, r->uuid);
		char *p = xctl_core_path(c, "domains", r->uuid, ".json");
		if (p && unlink(p) && errno != ENOENT)
			rc = rc ? rc : xctl_err_from_errno(errno);
		free(p);
	}
	return rc;
}

static int finish_create(struct xctl_core *c, const struct xctl_record *r, char *did, size_t len)
{
	uint32_t domid;
	if (xctl_hv_domid_by_uuid(c->hv, r->uuid, &domid)) {
		snprintf(did, len, "it had finished; the domain is gone since");
		return 0;
	}
	snprintf(did, len, "it had finished: domain %u runs", domid);
	return 0;
}

static int roll_back_rename(struct xctl_core *c, const struct xctl_record *r, char *did, size_t len)
{
	uint32_t domid;
	if (!r->have_domid || xctl_hv_domid_by_name(c->hv, r->name, &domid) || domid != r->domid) {
		snprintf(did, len, "rolled back: nothing had been renamed");
		return 0;
	}
	int rc = c->hv->ops->rename(c->hv, domid, r->old_name);
	struct xctl_hv_dominfo info;
	if (!rc && !c->hv->ops->info(c->hv, domid, &info)) {
		xctl_core_name_drop(c, r->name, info.uuid);
		rc = xctl_core_name_set(c, r->old_name, domid, info.uuid);
	}
	snprintf(did, len, "rolled back: domain %u is '%s' again", domid, r->old_name);
	return rc;
}

static int recover_one(struct xctl_core *c, const char *name)
{
	struct xctl_record r;
	struct xctl_claim *cl = NULL;
	char did[160] = "";
	int rc = xctl_record_take(c->state_dir, name, &r, &cl);
	if (rc)
		return rc;
	bool create = !strcmp(r.op, "create") || !strcmp(r.op, "restart");
	if (create && r.committed)
		rc = finish_create(c, &r, did, sizeof(did));
	else if (create)
		rc = roll_back_create(c, &r, did, sizeof(did));
	else if (strstr(r.op, "-attach") || strstr(r.op, "-detach")) /* block-attach, network-detach, ... */
		rc = xctl_core_device_recover(c, &r, did, sizeof(did));
	else if (!strcmp(r.op, "rename") && !r.committed)
		rc = roll_back_rename(c, &r, did, sizeof(did));
	else
		snprintf(did, sizeof(did), r.committed ? "it had finished" : "nothing had been done");
	char pid[32] = "", step[96] = "";
	if (r.pid)
		snprintf(pid, sizeof(pid), " (pid %ld)", (long)r.pid);
	if (r.step >= 0)
		snprintf(step, sizeof(step), " at step '%s'", r.step_name);
	fprintf(stderr, "xctl: an earlier 'xctl %s' of '%s'%s was interrupted%s; %s%s\n", r.op[0] ? r.op : "command",
		name, pid, step, did, rc ? ", with errors (see above)" : "");
	xctl_core_tidy(c);
	if (!rc)
		xctl_record_release(cl);
	else
		xctl_record_abandon(cl); /* try again next time */
	return rc;
}

int xctl_core_recover_name(struct xctl_core *c, const char *name)
{
	return recover_one(c, name);
}

int xctl_core_claim_wait(struct xctl_core *c, struct xctl_record *r, int wait_ms, bool say,
			 struct xctl_claim **out, pid_t *holder)
{
	int rc = XCTL_ERR_BUSY;
	bool said = false;
	for (int waited = 0, recovered = 0;;) {
		rc = xctl_record_claim(c->state_dir, r, out, holder);
		if (rc == XCTL_ERR_AGAIN && recovered++ < 200) {
			xctl_core_recover_name(c, r->name);
			continue;
		}
		if (rc != XCTL_ERR_BUSY || waited >= wait_ms)
			return rc;
		if (say && !said)
			xctl_warn(c->log, "domain '%s' is being created, renamed or given a device by another xctl "
				  "(pid %ld): waiting for it to finish (at most %d s)", r->name, (long)*holder,
				  wait_ms / 1000);
		said = true;
		usleep(50000);
		waited += 50;
	}
}

int xctl_core_recover(struct xctl_core *c)
{
	char **names = NULL;
	size_t n = 0;
	int first = xctl_record_list(c->state_dir, &names, &n);
	for (size_t i = 0; i < n; i++) {
		int rc = recover_one(c, names[i]);
		if (rc && rc != XCTL_ERR_BUSY && rc != XCTL_ERR_NOTFOUND && !first)
			first = rc;
	}
	xctl_record_list_free(names, n);
	return first;
}
