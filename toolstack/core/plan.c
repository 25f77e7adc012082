/* SPDX-License-Identifier: LGPL-2.1-only */
#include "toolstack/core/plan.h"
#include "common/err.h"
#include "common/log.h"

#include <stdlib.h>
#include <time.h>
#include <string.h>

void xctl_plan_init(struct xctl_plan *p, const char *what, const struct xctl_log *log)
{
	memset(p, 0, sizeof(*p));
	p->what = what;
	p->log = log;
}

int xctl_plan_add(struct xctl_plan *p, const char *name, xctl_step_fn run, xctl_step_fn undo, void *ctx,
		  size_t arg)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct xctl_plan_step *v = realloc(p->v, cap * sizeof(*v));
		if (!v)
			return XCTL_ERR_NOMEM;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = (struct xctl_plan_step){ name, run, undo, ctx, arg };
	p->failed_at = p->n;
	return 0;
}

int xctl_plan_undo(struct xctl_plan *p)
{
	int first = 0;
	while (p->done > 0) {
		struct xctl_plan_step *s = &p->v[--p->done];
		if (!s->undo)
			continue;
		int rc = s->undo(s->ctx, s->arg);
		if (rc) {
			xctl_warn(p->log, "%s: could not undo step '%s': %s", p->what, s->name, xctl_strerror(rc));
			if (!first)
				first = rc;
		}
	}
	return first;
}

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int xctl_plan_run(struct xctl_plan *p)
{
	for (size_t i = p->done; i < p->n; i++) {
		struct xctl_plan_step *s = &p->v[i];
		int rc = p->journal ? p->journal(p->journal_arg, i, s->name) : 0;
		long long t0 = p->timed ? now_ns() : 0;
		if (!rc)
			rc = s->run(s->ctx, s->arg);
		if (p->timed)
			p->timed(p->timed_arg, s->name, now_ns() - t0, rc);
		if (rc) {
			p->failed_at = i;
			xctl_debug(p->log, "%s: step '%s' failed (%s); undoing %zu earlier step%s", p->what, s->name,
				   xctl_strerror(rc), p->done, p->done == 1 ? "" : "s");
			xctl_plan_undo(p);
			return rc;
		}
		p->done = i + 1;
	}
	return 0;
}

void xctl_plan_free(struct xctl_plan *p)
{
	free(p->v);
	p->v = NULL;
	p->n = p->cap = p->done = 0;
}
