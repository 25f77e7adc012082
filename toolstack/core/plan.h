/* SPDX-License-Identifier: LGPL-2.1-only */
/* Plans: an operation as a list of steps, each with an undo.
 *
 * xctl_plan_run() runs the steps in order. Before each step the plan's
 * journal callback (if any) is told which step is about to run, so that a
 * crash record always names the last step that may have done something.
 * When step k fails, steps k-1 .. 1 are undone in reverse order (the failed
 * step cleans up after itself) and the step's error is returned. An undo
 * that fails is logged and the remaining undos still run. */
#ifndef XCTL_CORE_PLAN_H
#define XCTL_CORE_PLAN_H

#include <stddef.h>

struct xctl_log;

typedef int (*xctl_step_fn)(void *ctx, size_t arg);

struct xctl_plan_step {
	const char *name;   /* static: "domain", "vbd 51712" (for logs and records) */
	xctl_step_fn run;
	xctl_step_fn undo;  /* NULL: nothing to undo */
	void *ctx;
	size_t arg;
};

struct xctl_plan {
	const char *what;                  /* "create domain web", for messages */
	const struct xctl_log *log;
	struct xctl_plan_step *v;
	size_t n, cap;
	size_t done;                       /* steps that ran successfully and are not undone */
	size_t failed_at;                  /* index of the step that failed, or n */
	/* journal: called before step i runs; a nonzero return stops the plan
	 * (as a failure of step i that did nothing). */
	int (*journal)(void *arg, size_t i, const char *name);
	void *journal_arg;
	/* timed: called after step i ran (benchmarks: per-phase timings), with
	 * its wall time in nanoseconds and its result. */
	void (*timed)(void *arg, const char *name, long long ns, int rc);
	void *timed_arg;
};

void xctl_plan_init(struct xctl_plan *p, const char *what, const struct xctl_log *log);
/* Append a step. XCTL_ERR_NOMEM. */
int xctl_plan_add(struct xctl_plan *p, const char *name, xctl_step_fn run, xctl_step_fn undo, void *ctx,
		  size_t arg);
/* Run the steps not run yet. 0, or the error of the step that failed after
 * every earlier step was undone. */
int xctl_plan_run(struct xctl_plan *p);
/* Undo every step that ran (a failure after the plan, e.g. a hook). Returns
 * 0 or the first undo error. */
int xctl_plan_undo(struct xctl_plan *p);
void xctl_plan_free(struct xctl_plan *p);

#endif
