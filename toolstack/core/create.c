/* SPDX-License-Identifier: LGPL-2.1-only */
/* Creating a domain: one plan under a claim of its name (core.h). */
#include "toolstack/core/core.h"
#include "toolstack/core/plan.h"
#include "toolstack/core/record.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct create {
	struct xctl_core *c;
	long kill_step;             /* tests: XCTL_CORE_KILL_STEP (see kill_point) */
	struct xctl_claim *claim;
	struct xctl_hv_build b;
	struct xctl_hv_step *steps;
	size_t nsteps;
	bool domid_journaled;
	const struct xctl_create_opts *o;
	char *json;
	char *cfg_path;
	char what[128];
};

/* Crash tests: XCTL_CORE_KILL_STEP=K kills this process with SIGKILL
 * where K says: K in 1..n just before step K runs (its journal line
 * written), n+1 after the last step before the commit, n+2 after the
 * commit before the claim is released. */
static void kill_point(const struct create *cr, long k)
{
	if (cr->kill_step == k)
		raise(SIGKILL);
}

static int journal(void *arg, size_t i, const char *name)
{
	struct create *cr = arg;
	int rc = 0;
	if (cr->b.have_domid && !cr->domid_journaled) {
		rc = xctl_record_domid(cr->claim, cr->b.domid);
		cr->domid_journaled = !rc;
	}
	if (!rc)
		rc = xctl_record_step(cr->claim, (int)i, name);
	if (!rc)
		kill_point(cr, (long)i + 1);
	if (rc)
		xctl_err_log(cr->c->log, "%s: cannot write its crash record: %s", cr->what, xctl_strerror(rc));
	return rc;
}

/* hv steps as plan steps */
static int hv_run(void *ctx, size_t i)
{
	struct create *cr = ctx;
	return cr->steps[i].run(cr->c->hv, &cr->b, cr->steps[i].arg);
}

static int hv_undo(void *ctx, size_t i)
{
	struct create *cr = ctx;
	return cr->steps[i].undo ? cr->steps[i].undo(cr->c->hv, &cr->b, cr->steps[i].arg) : 0;
}

static int save_config(void *ctx, size_t arg)
{
	(void)arg;
	struct create *cr = ctx;
	char *dir = xctl_core_path(cr->c, "domains", "", NULL);
	int rc = dir ? xctl_mkdirs(dir) : XCTL_ERR_NOMEM;
	free(dir);
	if (rc) {
		xctl_err_log(cr->c->log, "%s: cannot create %s/domains: %s", cr->what, cr->c->state_dir, xctl_strerror(rc));
		return rc;
	}
	cr->cfg_path = xctl_core_path(cr->c, "domains", cr->b.cfg->uuid, ".json");
	if (!cr->cfg_path)
		return XCTL_ERR_NOMEM;
	FILE *f = fopen(cr->cfg_path, "we");
	if (!f && errno == ENOENT) { /* the directory went with the last domain: again */
		char *d2 = xctl_core_path(cr->c, "domains", "", NULL);
		if (d2 && !xctl_mkdirs(d2))
			f = fopen(cr->cfg_path, "we");
		free(d2);
	}
	if (!f || fputs(cr->json, f) < 0 || fclose(f)) {
		rc = xctl_err_from_errno(errno);
		xctl_err_log(cr->c->log, "%s: cannot save its configuration in %s: %s", cr->what, cr->cfg_path,
			     strerror(errno));
		if (f)
			unlink(cr->cfg_path);
		return rc ? rc : XCTL_ERR_IO;
	}
	return 0;
}

static int unsave_config(void *ctx, size_t arg)
{
	(void)arg;
	struct create *cr = ctx;
	if (cr->cfg_path && unlink(cr->cfg_path) && errno != ENOENT)
		return xctl_err_from_errno(errno);
	xctl_core_tidy(cr->c);
	return 0;
}

static int name_set(void *ctx, size_t arg)
{
	(void)arg;
	struct create *cr = ctx;
	return xctl_core_name_set(cr->c, cr->b.cfg->name, cr->b.domid, cr->b.cfg->uuid);
}

static int name_unset(void *ctx, size_t arg)
{
	(void)arg;
	struct create *cr = ctx;
	xctl_core_name_drop(cr->c, cr->b.cfg->name, cr->b.cfg->uuid);
	return 0;
}

static int start_hooks(void *ctx, size_t arg)
{
	(void)arg;
	struct create *cr = ctx;
	char *out = NULL;
	int rc = xctl_core_hooks(cr->c, "start", cr->b.cfg->name, cr->b.domid, cr->json, &out);
	free(out);
	return rc;
}

static int unpause(void *ctx, size_t arg)
{
	(void)arg;
	struct create *cr = ctx;
	return cr->c->hv->ops->unpause(cr->c->hv, cr->b.domid);
}

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Tell the caller's timing callback how long a phase took; t0 restarts. */
static void phase(const struct xctl_create_opts *o, const char *name, long long *t0, int rc)
{
	if (!o->timed)
		return;
	long long t = now_ns();
	o->timed(o->timed_arg, name, t - *t0, rc);
	*t0 = t;
}

/* Claim the name; a stale record in the way is recovered first. */
static int claim_name(struct xctl_core *c, const struct xctl_domain_config *m, struct xctl_claim **claim)
{
	struct xctl_record r = { 0 };
	snprintf(r.op, sizeof(r.op), "create");
	snprintf(r.name, sizeof(r.name), "%s", m->name);
	snprintf(r.uuid, sizeof(r.uuid), "%s", m->uuid);
	for (int tries = 0; tries < 5; tries++) {
		pid_t holder = 0;
		int rc = xctl_record_claim(c->state_dir, &r, claim, &holder);
		if (rc == XCTL_ERR_BUSY) {
			xctl_err_log(c->log,
				     "domain '%s' is being created or renamed by another xctl (pid %ld) right now; "
				     "nothing was done",
				     m->name, (long)holder);
			return XCTL_ERR_EXISTS;
		}
		if (rc == XCTL_ERR_AGAIN) {
			xctl_core_recover_name(c, m->name);
			continue;
		}
		if (rc)
			xctl_err_log(c->log, "domain '%s': cannot claim its name under %s/%s: %s", m->name, c->state_dir,
				     XCTL_RECORD_DIR, xctl_strerror(rc));
		return rc;
	}
	xctl_err_log(c->log, "domain '%s': the claim of its name keeps changing; try again", m->name);
	return XCTL_ERR_BUSY;
}

int xctl_core_create(struct xctl_core *c, const struct xctl_domain_config *m, const struct xctl_create_opts *o,
		     uint32_t *domid)
{
	struct create cr = { .c = c, .o = o };
	struct xctl_plan plan;
	char *hook_out = NULL;
	uint32_t other;
	int rc;

	snprintf(cr.what, sizeof(cr.what), "creating domain '%s'", m->name);
	xctl_plan_init(&plan, cr.what, c->log);
	if (strlen(m->name) >= XCTL_DOMNAME_MAX) {
		xctl_err_log(c->log, "domain name '%s' is too long (at most %d characters)", m->name, XCTL_DOMNAME_MAX - 1);
		return XCTL_ERR_INVAL;
	}
	long long t0 = o->timed ? now_ns() : 0;
	rc = claim_name(c, m, &cr.claim);
	phase(o, "claim", &t0, rc);
	if (rc)
		return rc;
	/* under the claim, nobody else can give the name now; the index
	 * answers in constant time (a full scan would read every domain's name) */
	rc = xctl_core_name_lookup(c, m->name, &other);
	if (rc == 0) {
		xctl_err_log(c->log, "a domain named '%s' already exists (domid %u); nothing was done", m->name, other);
		rc = XCTL_ERR_EXISTS;
		goto out;
	}
	if (rc != XCTL_ERR_NOTFOUND)
		goto out;
	/* a uuid xctl has seen before: make sure no domain has it */
	char *saved = xctl_core_path(c, "domains", m->uuid, ".json");
	bool seen = saved && access(saved, F_OK) == 0;
	free(saved);
	if (seen && !xctl_hv_domid_by_uuid(c->hv, m->uuid, &other)) {
		xctl_err_log(c->log, "domain '%s': a domain with uuid %s already exists (domid %u); nothing was done",
			     m->name, m->uuid, other);
		rc = XCTL_ERR_EXISTS;
		goto out;
	}
	rc = xctl_model_to_json_string(m, true, &cr.json);
	if (rc)
		goto out;
	rc = xctl_core_hooks(c, "prepare", m->name, 0, cr.json, &hook_out);
	if (rc) {
		xctl_err_log(c->log, "domain '%s': a prepare hook refused it; nothing was created%s%s", m->name,
			     hook_out && *hook_out ? ". Its output:\n" : "", hook_out ? hook_out : "");
		goto out;
	}
	cr.b.cfg = m;
	cr.b.global = c->global;
	cr.b.device_timeout_ms = o->device_timeout_ms;
	cr.b.progress = o->progress;
	cr.b.progress_arg = o->progress_arg;
	rc = c->hv->ops->create_steps(c->hv, &cr.b, &cr.steps, &cr.nsteps);
	if (rc)
		goto out;
	for (size_t i = 0; i < cr.nsteps && !rc; i++)
		rc = xctl_plan_add(&plan, cr.steps[i].name, hv_run, hv_undo, &cr, i);
	if (!rc)
		rc = xctl_plan_add(&plan, "name", name_set, name_unset, &cr, 0);
	if (!rc)
		rc = xctl_plan_add(&plan, "configuration", save_config, unsave_config, &cr, 0);
	if (!rc)
		rc = xctl_plan_add(&plan, "start hooks", start_hooks, NULL, &cr, 0);
	if (!rc && !o->paused)
		rc = xctl_plan_add(&plan, "unpause", unpause, NULL, &cr, 0);
	if (rc)
		goto out;
	plan.journal = journal;
	plan.journal_arg = &cr;
	plan.timed = o->timed;
	plan.timed_arg = o->timed_arg;
	phase(o, "checks", &t0, 0);
	const char *ks = getenv("XCTL_CORE_KILL_STEP");
	cr.kill_step = ks ? atol(ks) : 0;
	rc = xctl_plan_run(&plan);
	if (rc)
		goto out;
	if (o->timed)
		t0 = now_ns();
	kill_point(&cr, (long)plan.n + 1);
	/* the commit point: from here on the domain stays */
	if (cr.b.have_domid && !cr.domid_journaled)
		xctl_record_domid(cr.claim, cr.b.domid);
	rc = xctl_record_commit(cr.claim);
	if (rc) {
		xctl_err_log(c->log, "%s: cannot write its crash record: %s", cr.what, xctl_strerror(rc));
		xctl_plan_undo(&plan);
		goto out;
	}
	kill_point(&cr, (long)plan.n + 2);
	*domid = cr.b.domid;
	xctl_core_hooks(c, "started", m->name, cr.b.domid, cr.json, NULL);
	if (o->monitor && !o->foreground)
		xctl_core_spawn_monitor(c, cr.b.domid, m->name);
	phase(o, "commit", &t0, 0);
out:
	if (cr.steps && c->hv->ops->build_free)
		c->hv->ops->build_free(c->hv, &cr.b);
	free(cr.steps);
	xctl_plan_free(&plan);
	xctl_record_release(cr.claim);
	free(hook_out);
	free(cr.json);
	free(cr.cfg_path);
	return rc;
}
