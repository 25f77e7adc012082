/* SPDX-License-Identifier: LGPL-2.1-only */
/* Plans with undo and crash records / name claims (toolstack/core). */
#include "toolstack/core/plan.h"
#include "toolstack/core/record.h"
#include "common/err.h"
#include "common/log.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

struct trace {
	char log[256];
	size_t fail_at;     /* step index whose run fails, or SIZE_MAX */
	size_t undo_fail;   /* step index whose undo fails, or SIZE_MAX */
	size_t journal_fail;
	size_t journaled;
};

static void note(struct trace *t, const char *what, size_t i)
{
	size_t l = strlen(t->log);
	snprintf(t->log + l, sizeof(t->log) - l, "%s%zu ", what, i);
}

static int run(void *ctx, size_t i)
{
	struct trace *t = ctx;
	if (i == t->fail_at) {
		note(t, "F", i);
		return XCTL_ERR_HV;
	}
	note(t, "R", i);
	return 0;
}

static int undo(void *ctx, size_t i)
{
	struct trace *t = ctx;
	note(t, "U", i);
	return i == t->undo_fail ? XCTL_ERR_IO : 0;
}

static int journal(void *arg, size_t i, const char *name)
{
	struct trace *t = arg;
	assert_non_null(name);
	t->journaled++;
	return i == t->journal_fail ? XCTL_ERR_IO : 0;
}

static int plan_of(struct xctl_plan *p, struct trace *t, size_t n, const struct xctl_log *lg)
{
	xctl_plan_init(p, "test plan", lg);
	p->journal = journal;
	p->journal_arg = t;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(xctl_plan_add(p, "step", run, i == 1 ? NULL : undo, t, i), 0);
	return xctl_plan_run(p);
}

static struct xctl_log quiet_log(void)
{
	struct xctl_log lg;
	xctl_log_init(&lg, "test", -1);
	return lg;
}

static void test_plan_ok(void **state)
{
	(void)state;
	struct xctl_log lg = quiet_log();
	struct trace t = { .fail_at = SIZE_MAX, .undo_fail = SIZE_MAX, .journal_fail = SIZE_MAX };
	struct xctl_plan p;
	assert_int_equal(plan_of(&p, &t, 4, &lg), 0);
	assert_string_equal(t.log, "R0 R1 R2 R3 ");
	assert_int_equal(p.done, 4);
	assert_int_equal(t.journaled, 4);
	/* undo after success: reverse order, step 1 has no undo */
	t.log[0] = '\0';
	assert_int_equal(xctl_plan_undo(&p), 0);
	assert_string_equal(t.log, "U3 U2 U0 ");
	assert_int_equal(p.done, 0);
	xctl_plan_free(&p);
}

/* The timing callback: after each step that ran, with its name, a
 * duration covering the step, and the step's result. */
struct timing {
	char names[64];
	long long ns[8];
	int rc[8];
	size_t n;
};

static void timed(void *arg, const char *name, long long ns, int rc)
{
	struct timing *tm = arg;
	size_t l = strlen(tm->names);
	snprintf(tm->names + l, sizeof(tm->names) - l, "%s ", name);
	tm->ns[tm->n] = ns;
	tm->rc[tm->n++] = rc;
}

static int slow_run(void *ctx, size_t i)
{
	(void)ctx;
	usleep(i == 1 ? 20000 : 0);
	return i == 2 ? XCTL_ERR_HV : 0;
}

static void test_plan_timed(void **state)
{
	(void)state;
	struct xctl_log lg = quiet_log();
	struct xctl_plan p;
	struct timing tm = { .n = 0 };
	xctl_plan_init(&p, "timed plan", &lg);
	p.timed = timed;
	p.timed_arg = &tm;
	const char *names[] = { "a", "b", "c", "d" };
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(xctl_plan_add(&p, names[i], slow_run, NULL, NULL, i), 0);
	assert_int_equal(xctl_plan_run(&p), XCTL_ERR_HV);
	assert_string_equal(tm.names, "a b c "); /* d never ran */
	assert_int_equal(tm.n, 3);
	assert_true(tm.ns[0] >= 0);
	assert_true(tm.ns[1] >= 20000000LL); /* the step's own sleep is inside */
	assert_int_equal(tm.rc[0], 0);
	assert_int_equal(tm.rc[1], 0);
	assert_int_equal(tm.rc[2], XCTL_ERR_HV);
	xctl_plan_free(&p);
}

static void test_plan_fail_each(void **state)
{
	(void)state;
	struct xctl_log lg = quiet_log();
	const char *want[] = { "F0 ", "R0 F1 U0 ", "R0 R1 F2 U0 ", "R0 R1 R2 F3 U2 U0 " };
	for (size_t k = 0; k < 4; k++) {
		struct trace t = { .fail_at = k, .undo_fail = SIZE_MAX, .journal_fail = SIZE_MAX };
		struct xctl_plan p;
		assert_int_equal(plan_of(&p, &t, 4, &lg), XCTL_ERR_HV);
		assert_string_equal(t.log, want[k]);
		assert_int_equal(p.done, 0);
		assert_int_equal(p.failed_at, k);
		xctl_plan_free(&p);
	}
}

static void test_plan_undo_error_continues(void **state)
{
	(void)state;
	struct xctl_log lg = quiet_log();
	struct trace t = { .fail_at = 3, .undo_fail = 2, .journal_fail = SIZE_MAX };
	struct xctl_plan p;
	assert_int_equal(plan_of(&p, &t, 4, &lg), XCTL_ERR_HV);
	assert_string_equal(t.log, "R0 R1 R2 F3 U2 U0 ");
	xctl_plan_free(&p);
	/* xctl_plan_undo reports the first undo error */
	struct trace t2 = { .fail_at = SIZE_MAX, .undo_fail = 2, .journal_fail = SIZE_MAX };
	assert_int_equal(plan_of(&p, &t2, 4, &lg), 0);
	assert_int_equal(xctl_plan_undo(&p), XCTL_ERR_IO);
	xctl_plan_free(&p);
}

static void test_plan_journal_failure(void **state)
{
	(void)state;
	struct xctl_log lg = quiet_log();
	struct trace t = { .fail_at = SIZE_MAX, .undo_fail = SIZE_MAX, .journal_fail = 2 };
	struct xctl_plan p;
	assert_int_equal(plan_of(&p, &t, 4, &lg), XCTL_ERR_IO);
	/* step 2 never ran */
	assert_string_equal(t.log, "R0 R1 U0 ");
	assert_int_equal(p.failed_at, 2);
	xctl_plan_free(&p);
}

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/xctl-test-core-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

static void rmrf(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_record_claim(void **state)
{
	(void)state;
	char *dir = tmpdir();
	struct xctl_record r = { .op = "create", .name = "web", .uuid = "11111111-2222-3333-4444-555555555555" };
	struct xctl_claim *c = NULL, *c2 = NULL;
	pid_t holder = 0;
	assert_int_equal(xctl_record_claim(dir, &r, &c, &holder), 0);
	assert_int_equal(xctl_record_step(c, 0, "domain"), 0);
	assert_int_equal(xctl_record_domid(c, 7), 0);
	assert_int_equal(xctl_record_step(c, 1, "vbd 51712"), 0);
	/* a second claim of the name: busy, with our pid */
	struct xctl_record r2 = { .op = "create", .name = "web" };
	assert_int_equal(xctl_record_claim(dir, &r2, &c2, &holder), XCTL_ERR_BUSY);
	assert_int_equal(holder, getpid());
	assert_null(c2);
	struct xctl_record got;
	assert_int_equal(xctl_record_take(dir, "web", &got, &c2), XCTL_ERR_BUSY);
	/* another name is free */
	struct xctl_record r3 = { .op = "create", .name = "db" };
	assert_int_equal(xctl_record_claim(dir, &r3, &c2, &holder), 0);
	char **names;
	size_t n;
	assert_int_equal(xctl_record_list(dir, &names, &n), 0);
	assert_int_equal(n, 2);
	xctl_record_list_free(names, n);
	xctl_record_release(c2);

	/* crash: the record stays, unlocked */
	xctl_record_abandon(c);
	assert_int_equal(xctl_record_claim(dir, &r2, &c2, &holder), XCTL_ERR_AGAIN);
	assert_int_equal(xctl_record_take(dir, "web", &got, &c2), 0);
	assert_string_equal(got.op, "create");
	assert_string_equal(got.uuid, "11111111-2222-3333-4444-555555555555");
	assert_true(got.have_domid);
	assert_int_equal(got.domid, 7);
	assert_int_equal(got.step, 1);
	assert_string_equal(got.step_name, "vbd 51712");
	assert_false(got.committed);
	assert_int_equal(got.pid, getpid());
	xctl_record_release(c2);
	assert_int_equal(xctl_record_take(dir, "web", &got, &c2), XCTL_ERR_NOTFOUND);
	assert_int_equal(xctl_record_claim(dir, &r2, &c2, &holder), 0);
	assert_int_equal(xctl_record_commit(c2), 0);
	assert_true(xctl_record_get(c2)->committed);
	xctl_record_release(c2);
	assert_int_equal(xctl_record_list(dir, &names, &n), 0);
	assert_int_equal(n, 0);
	xctl_record_list_free(names, n);
	/* names that are not file names */
	struct xctl_record bad = { .op = "create", .name = "../x" };
	assert_int_equal(xctl_record_claim(dir, &bad, &c2, &holder), XCTL_ERR_INVAL);
	rmrf(dir);
	free(dir);
}

static void test_record_parse(void **state)
{
	(void)state;
	struct xctl_record r;
	const char *t = "xctl-record 1\nop create\nname a\npid 12\nstep 0 domain\ndomid 3\nstep 1 xenstore\ncommit\n";
	assert_int_equal(xctl_record_parse(t, strlen(t), &r), 0);
	assert_true(r.committed);
	assert_int_equal(r.step, 1);
	assert_string_equal(r.step_name, "xenstore");
	assert_int_equal(r.pid, 12);
	/* a torn last line is ignored */
	const char *torn = "xctl-record 1\nop create\nname a\nstep 0 domain\ndomi";
	assert_int_equal(xctl_record_parse(torn, strlen(torn), &r), 0);
	assert_false(r.have_domid);
	assert_int_equal(r.step, 0);
	const char *nohdr = "op create\n";
	assert_int_equal(xctl_record_parse(nohdr, strlen(nohdr), &r), XCTL_ERR_PARSE);
	assert_int_equal(xctl_record_parse("", 0, &r), XCTL_ERR_PARSE);
	const char *badid = "xctl-record 1\ndomid x\n";
	assert_int_equal(xctl_record_parse(badid, strlen(badid), &r), 0);
	assert_false(r.have_domid);
}

/* Eight processes claim one name at once: exactly one gets it. */
static void test_record_race(void **state)
{
	(void)state;
	char *dir = tmpdir();
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t kids[8];
	for (int i = 0; i < 8; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (!kids[i]) {
			char go;
			close(pipefd[1]);
			if (read(pipefd[0], &go, 1) < 0)
				_exit(3);
			struct xctl_record r = { .op = "create", .name = "same" };
			struct xctl_claim *c;
			pid_t h;
			int rc = xctl_record_claim(dir, &r, &c, &h);
			if (rc == 0) {
				usleep(200000);
				xctl_record_release(c);
				_exit(0);
			}
			_exit(rc == XCTL_ERR_BUSY ? 1 : 2);
		}
	}
	close(pipefd[0]);
	close(pipefd[1]); /* EOF starts them all */
	int won = 0, busy = 0;
	for (int i = 0; i < 8; i++) {
		int st;
		assert_int_equal(waitpid(kids[i], &st, 0), kids[i]);
		assert_true(WIFEXITED(st));
		won += WEXITSTATUS(st) == 0;
		busy += WEXITSTATUS(st) == 1;
	}
	assert_int_equal(won, 1);
	assert_int_equal(busy, 7);
	rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_ok),
		cmocka_unit_test(test_plan_timed),
		cmocka_unit_test(test_plan_fail_each),
		cmocka_unit_test(test_plan_undo_error_continues),
		cmocka_unit_test(test_plan_journal_failure),
		cmocka_unit_test(test_record_claim),
		cmocka_unit_test(test_record_parse),
		cmocka_unit_test(test_record_race),
	};
	return cmocka_run_group_tests_name("core plans and records", tests, NULL, NULL);
}
