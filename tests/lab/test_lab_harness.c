/* SPDX-License-Identifier: LGPL-2.1-only */
/* The lab's harness on the host, without QEMU: the plan (what a scenario's
 * header makes of it: RUN, NOT RUN for a probed missing feature, FAIL for an
 * unknown need), the summary (every way a run can fail, the retry count),
 * the recognition of the one retried fault, and dom0's scenario runner (a
 * failed schema check or a NOT RUN decided in dom0 fails the scenario). The
 * dom0 scripts are POSIX sh: they run here under the host's sh. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/cli/runcheck.h"

static int setup(void **state)
{
	struct runcheck *c = calloc(1, sizeof(*c));
	if (!c || runcheck_setup(c, 40)) {
		free(c);
		return -1;
	}
	const char *src = getenv("XCTL_SRC");
	if (!src || !*src)
		setenv("XCTL_SRC", ".", 1);
	setenv("LAB", "tests/lab", 1);
	unsetenv("XCTL_LAB_ONLY");
	unsetenv("XCTL_LAB_BREAK");
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct runcheck *c = *state;
	runcheck_teardown(c, "lab harness");
	free(c);
	return 0;
}

#define IN_SRC "cd \"$XCTL_SRC\" && "

/* A scenario directory: S/NAME.sh with the given header lines. */
static void scenario(struct runcheck *c, const char *file, const char *header)
{
	RUN(c, 0, "mkdir -p \"$T/s\" \"$T/b/bin\" \"$T/b/tests\" && printf '%%s\\n' '# SPDX' %s >\"$T/s/%s\"", header, file);
}

static void test_plan(void **state)
{
	struct runcheck *c = *state;
	RUN(c, 0, "rm -rf \"$T/s\" \"$T/b\"");
	scenario(c, "10-a.sh", "'# lab-name: a' '# lab-timeout: 60' '# lab-needs: bin/xctl tests/t1'");
	scenario(c, "20-b.sh", "'# lab-needs: feature:xctl-xen'");
	scenario(c, "30-c.sh", "'# lab-needs: tests/t9'");
	scenario(c, "40-d.sh", "'# lab-needs: feature:no-such-thing'");
	scenario(c, "50-e.sh", "'# lab-need: bin/xctl'");
	scenario(c, "60-f.sh", "'# lab-needs: tests/t2'");
	scenario(c, "70-g.sh", "'# lab-timeout: soon'");
	scenario(c, "80-h.sh", "'# lab-name: h h'");
	RUN(c, 0, "printf '#!/bin/sh\\n' >\"$T/b/bin/xctl\" && cp \"$T/b/bin/xctl\" \"$T/b/tests/t1\" && "
		  "chmod +x \"$T/b/bin/xctl\" \"$T/b/tests/t1\"");
	RUN(c, 0, IN_SRC "$LAB/plan.sh \"$T/s\" \"$T/b\" bin/xctl tests/t1 tests/t2");
	HAS(c, "RUN a 10-a.sh 60 bin/xctl tests/t1\n");
	/* a feature that exists and is really missing (this xctl is no libxl one) */
	HAS(c, "NOTRUN 20-b prerequisite feature:xctl-xen is missing: ");
	HAS(c, "FAIL 30-c unknown lab-needs name 'tests/t9'");
	HAS(c, "FAIL 40-d unknown lab-needs name 'feature:no-such-thing' (features: xctl-xen ");
	HAS(c, "FAIL 50-e 50-e.sh: unknown header '# lab-need:'");
	HAS(c, "FAIL 60-f prerequisite tests/t2 is a build output of the tree but was not built");
	HAS(c, "FAIL 70-g 70-g.sh: lab-timeout 'soon' is not a positive number");
	HAS(c, "FAIL 80-h 80-h.sh: lab-name 'h h'");
	/* the default timeout */
	RUN(c, 0, "rm -rf \"$T/s\"");
	scenario(c, "10-a.sh", "'# lab-needs: bin/xctl'");
	scenario(c, "20-b.sh", "");
	RUN(c, 0, IN_SRC "$LAB/plan.sh \"$T/s\" \"$T/b\" bin/xctl");
	HAS(c, "RUN 10-a 10-a.sh 300 bin/xctl\nRUN 20-b 20-b.sh 300\n");
	/* XCTL_LAB_ONLY: the others are SKIPPED, never NOT RUN; an unknown name stops the run */
	RUN(c, 0, IN_SRC "XCTL_LAB_ONLY=20-b $LAB/plan.sh \"$T/s\" \"$T/b\" bin/xctl");
	HAS(c, "SKIPPED 10-a not selected by XCTL_LAB_ONLY\nRUN 20-b 20-b.sh 300\n");
	RUN(c, 2, IN_SRC "XCTL_LAB_ONLY='20-b zz' $LAB/plan.sh \"$T/s\" \"$T/b\" bin/xctl");
	HAS(c, "XCTL_LAB_ONLY names 'zz', which is no scenario");
	RUN(c, 2, IN_SRC "$LAB/plan.sh \"$T/empty\" \"$T/b\" bin/xctl");
	/* the feature probe: present when xctl links libxenlight and is not the placeholder */
	RUN(c, 0, IN_SRC ". $LAB/features.sh && ! lab_feature_xctl_xen \"$T/b\"");
	RUN(c, 0, IN_SRC "printf 'cannot drive a real Xen host yet' >\"$T/b/bin/xctl\" && . $LAB/features.sh && "
		     "! lab_feature_xctl_xen \"$T/b\"");
	HAS(c, "the placeholder");
	/* the real tree's scenarios: no unknown need, nothing but what make test has not built fails */
	RUN(c, 0, IN_SRC "known=$(make -s -f mk/build.mk BUILD=\"$XCTL_BUILD\" lab-known) && "
		     "$LAB/plan.sh $LAB/scenarios \"$XCTL_BUILD\" $known && $LAB/plan.sh $LAB/bench \"$XCTL_BUILD\" $known");
	LACKS(c, "unknown");
	LACKS(c, "header");
	HAS(c, "RUN xl-pv ");
}

/* summary.sh PLAN RESULTS on files written by the test */
static void summary(struct runcheck *c, int want, const char *plan, const char *results)
{
	RUN(c, 0, "printf '%s' >\"$T/plan\" && printf '%s' >\"$T/res\"", plan, results);
	RUN(c, want, IN_SRC "$LAB/summary.sh \"$T/plan\" \"$T/res\"");
}

static void test_summary(void **state)
{
	struct runcheck *c = *state;
	/* all passed, with a retry counted */
	summary(c, 0, "RUN a 10-a.sh 60\\nRUN b 20-b.sh 60\\nNOTRUN n prerequisite feature:x is missing: why\\n"
		      "SKIPPED s not selected by XCTL_LAB_ONLY\\n",
		"RESULT a/retry1 RETRY 0 attempt 1: early-boot triple fault (Xen: d3v0 Triple fault); retried\\n"
		"RESULT a PASS 12.5 \\nRESULT a/schema-created PASS 0.4 \\nRESULT b PASS 1.0 \\n");
	HAS(c, "PASS    a");
	HAS(c, "1 retry for the documented emulation fault");
	HAS(c, "RETRY   a/retry1");
	HAS(c, "NOT RUN n");
	HAS(c, "SKIPPED s");
	HAS(c, "Retries: 1 (a: 1), each for the documented emulation fault only");
	/* no retry: the count is still there */
	summary(c, 0, "RUN a 10-a.sh 60\\n", "RESULT a PASS 1.0 \\n");
	HAS(c, "Retries: 0,");
	/* a failed scenario */
	summary(c, 1, "RUN a 10-a.sh 60\\n", "RESULT a FAIL 1.0 the disk marker is wrong\\n");
	HAS(c, "FAIL    a");
	HAS(c, "the disk marker is wrong");
	/* a failed part: the run fails though the scenario passed */
	summary(c, 1, "RUN a 10-a.sh 60\\n", "RESULT a PASS 1.0 \\nRESULT a/schema-shutdown FAIL 0.3 see x\\n");
	HAS(c, "FAIL    a/schema-shutdown");
	/* no result at all */
	summary(c, 1, "RUN a 10-a.sh 60\\nRUN b 20-b.sh 60\\n", "RESULT a PASS 1.0 \\n");
	HAS(c, "FAIL    b");
	HAS(c, "no result");
	/* a status dom0 must not give */
	summary(c, 1, "RUN a 10-a.sh 60\\n", "RESULT a NOTRUN 1.0 decided in dom0\\n");
	HAS(c, "unexpected status 'NOTRUN'");
	summary(c, 1, "RUN a 10-a.sh 60\\n", "RESULT a PASS 1.0 \\nRESULT a/flaky FLAKY 0 retried\\n");
	HAS(c, "FAIL    a/flaky");
	/* a RETRY that is not a retry part */
	summary(c, 1, "RUN a 10-a.sh 60\\n", "RESULT a PASS 1.0 \\nRESULT a/other RETRY 0 x\\n");
	HAS(c, "FAIL    a/other");
	/* a plan failure (an unknown need) fails the run */
	summary(c, 1, "FAIL a unknown lab-needs name 'x'\\n", "");
	HAS(c, "FAIL    a");
	/* a result of no planned scenario */
	summary(c, 1, "RUN a 10-a.sh 60\\n", "RESULT a PASS 1.0 \\nRESULT zz PASS 1.0 \\n");
	HAS(c, "a result of no scenario that was planned to run");
	/* a NOT RUN alone passes */
	summary(c, 0, "NOTRUN a prerequisite feature:x is missing: why\\n", "");
}

/* The one retried fault: a PVH or HVM guest, Xen's triple fault line for
 * that domain, and a console showing that the guest's init never ran. */
static void test_boot_fault(void **state)
{
	struct runcheck *c = *state;
	const char *fault = IN_SRC ". tests/lab/dom0/guest.sh && lab_boot_fault";
	RUN(c, 0, "printf '(XEN) d7v0 Triple fault - invoking HVM shutdown action 1\\n' >\"$T/xen\" && "
		  "printf '(XEN) d17v0 Triple fault - invoking HVM shutdown action 1\\n' >\"$T/xen17\" && "
		  "printf '(XEN) d7v0 Unhandled: vec 14\\n' >\"$T/xen-other\" && "
		  "printf '[    0.000000] Linux version 6.1\\n' >\"$T/con\" && "
		  "printf 'LAB-GUEST-INIT-RUNNING 3.2\\n' >\"$T/con-init\" && : >\"$T/con-empty\"");
	RUN(c, 0, "%s pvh 7 \"$T/con\" \"$T/xen\"", fault);
	HAS(c, "early-boot triple fault (Xen: d7v0 Triple fault - invoking HVM shutdown action 1; the guest's init never ran)");
	RUN(c, 0, "%s hvm 7 \"$T/con-empty\" \"$T/xen\"", fault);
	RUN(c, 0, "%s hvm 7 \"$T/no-console\" \"$T/xen\"", fault);
	/* PV guests do not run under nested SVM */
	RUN(c, 1, "%s pv 7 \"$T/con\" \"$T/xen\"", fault);
	/* the guest's init ran: the fault is not early */
	RUN(c, 1, "%s pvh 7 \"$T/con-init\" \"$T/xen\"", fault);
	/* another domain's fault, or another fault */
	RUN(c, 1, "%s pvh 1 \"$T/con\" \"$T/xen17\"", fault);
	RUN(c, 1, "%s pvh 7 \"$T/con\" \"$T/xen17\"", fault);
	RUN(c, 1, "%s pvh 7 \"$T/con\" \"$T/xen-other\"", fault);
	RUN(c, 1, "%s pvh 7 \"$T/con\" \"$T/no-such-log\"", fault);
	RUN(c, 1, "%s pvh '' \"$T/con\" \"$T/xen\"", fault);
	/* the scenarios retry through it and through nothing else */
	RUN(c, 0, "grep -c 'lab_boot_fault \"$ty\"' tests/lab/dom0/guest.sh | grep -qx 1");
	RUN(c, 1, "grep -n 'flaky\\|FLAKY' tests/lab/dom0/*.sh tests/lab/scenarios/*.sh tests/lab/guest/*");
}

/* dom0's runner, on the host with its paths redirected. */
static void test_runner(void **state)
{
	struct runcheck *c = *state;
	RUN(c, 0, "rm -rf \"$T/out\" \"$T/bin\" && mkdir -p \"$T/out\" \"$T/bin\" \"$T/sc\" && "
		  "printf '#!/bin/sh\\n[ \"$XCTL_FAKE_SCHEMA\" = ok ]\\n' >\"$T/bin/xctl\" && chmod +x \"$T/bin/xctl\" && "
		  "printf 'lab_schema_check sc created /dev/null --phase created\\nexit 0\\n' >\"$T/sc/schema.sh\" && "
		  "printf 'lab_notrun \"not written\"\\n' >\"$T/sc/notrun.sh\" && "
		  "printf 'exit 77\\n' >\"$T/sc/exit77.sh\" && "
		  "printf 'lab_fail \"the guest is broken\"\\n' >\"$T/sc/fail.sh\" && "
		  "printf 'sleep 30\\n' >\"$T/sc/slow.sh\"");
#define RUNNER "cd \"$XCTL_SRC\" && LAB_OUT=\"$T/out\" LAB_BIN=\"$T/bin\" LAB_LIB=\"$XCTL_SRC/tests/lab/dom0/lib.sh\" " \
	       "LAB_CONSOLE=\"$T/console\" sh -c '. \"$LAB_LIB\" && lab_run_scenario \"$1\" \"$T/sc/$1.sh\" \"$2\"' sh "
	RUN(c, 0, "export XCTL_FAKE_SCHEMA=ok; " RUNNER "schema 20 && cat \"$T/out/results.txt\"");
	HAS(c, "RESULT sc/schema-created PASS");
	HAS(c, "RESULT schema PASS");
	RUN(c, 0, "rm -f \"$T/out/results.txt\"; export XCTL_FAKE_SCHEMA=bad; " RUNNER "schema 20 && cat \"$T/out/results.txt\"");
	HAS(c, "RESULT sc/schema-created FAIL");
	HAS(c, "RESULT schema FAIL");
	HAS(c, "the schema check failed for phase(s): created");
	RUN(c, 0, "rm -f \"$T/out/results.txt\"; " RUNNER "notrun 20 && cat \"$T/out/results.txt\"");
	HAS(c, "RESULT notrun FAIL");
	HAS(c, "declare the prerequisite in the scenario's lab-needs header");
	RUN(c, 0, "rm -f \"$T/out/results.txt\"; " RUNNER "exit77 20 && cat \"$T/out/results.txt\"");
	HAS(c, "RESULT exit77 FAIL");
	HAS(c, "exit status 77");
	RUN(c, 0, "rm -f \"$T/out/results.txt\"; " RUNNER "fail 20 && cat \"$T/out/results.txt\"");
	HAS(c, "RESULT fail FAIL");
	HAS(c, "the guest is broken");
	RUN(c, 0, "rm -f \"$T/out/results.txt\"; " RUNNER "slow 1 && cat \"$T/out/results.txt\"");
	HAS(c, "RESULT slow FAIL");
	HAS(c, "timed out after 1s");
	/* the console got the result lines */
	RUN(c, 0, "grep -c '^LAB-RESULT' \"$T/console\"");
}

/* lab.sh refuses a fault it does not know before anything else. */
static void test_break_knob(void **state)
{
	struct runcheck *c = *state;
	RUN(c, 0, "rm -rf \"$T/lb\" && mkdir -p \"$T/lb/bin\" && printf '#!/bin/sh\\n' >\"$T/lb/bin/xctl\" && "
		  "chmod +x \"$T/lb/bin/xctl\"");
	RUN(c, 1, IN_SRC "XCTL_LAB_BREAK=everything XCTL_LAB_OUT=\"$T/lb/lab\" tests/lab/lab.sh \"$T/lb\" bin/xctl");
	HAS(c, "XCTL_LAB_BREAK='everything' is not a fault the guests know (disk-marker)");
	/* the guest knows it */
	RUN(c, 0, "grep -q 'lab.break=' tests/lab/guest/init.sh && grep -q 'brk\" = disk-marker' tests/lab/guest/init.sh");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_boot_fault),
		cmocka_unit_test(test_runner),
		cmocka_unit_test(test_break_knob),
	};
	return cmocka_run_group_tests_name("lab harness", tests, setup, teardown);
}
