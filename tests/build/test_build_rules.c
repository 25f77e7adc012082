/* SPDX-License-Identifier: LGPL-2.1-only */
/* The build's own rules, each shown failing when broken: the port rule (a
 * hypervisor library header included outside xen/ stops the compile and
 * fails the source check; a binary linking one of those libraries without a
 * xen/ object fails the link check), and the file lists the source rules
 * use (no git needed). Every command runs in a scratch tree of the test's
 * own, through the shell, with stdout and stderr read together. */
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
	if (!c || runcheck_setup(c, 30)) {
		free(c);
		return -1;
	}
	const char *src = getenv("XCTL_SRC"), *build = getenv("XCTL_BUILD");
	if (!src || !*src)
		setenv("XCTL_SRC", ".", 1);
	if (!build || !*build)
		setenv("XCTL_BUILD", "build", 1);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct runcheck *c = *state;
	runcheck_teardown(c, "build rules");
	free(c);
	return 0;
}

#define RULE "\"$XCTL_SRC/scripts/port-rule.sh\""

/* A scratch tree: clean sources outside xen/, and a xen/ source that
 * includes libxl.h (allowed there). */
static void scratch_tree(struct runcheck *c)
{
	RUN(c, 0, "rm -rf \"$T/src\" && mkdir -p \"$T/src/toolstack/cli\" \"$T/src/toolstack/hv/xen\" && "
		  "printf '#include <stdio.h>\\n#include <xenstore.h>\\nint a(void);\\n' >\"$T/src/toolstack/cli/a.c\" && "
		  "printf '#include <libxl.h>\\n#include <xenctrl.h>\\nint x(void);\\n' >\"$T/src/toolstack/hv/xen/x.c\"");
}

/* The source check passes on the real tree and on a clean scratch tree. */
static void test_sources_clean(void **state)
{
	struct runcheck *c = *state;
	RUN(c, 0, RULE " sources \"$XCTL_SRC\"");
	HAS(c, "port rule: none of");
	scratch_tree(c);
	RUN(c, 0, RULE " sources \"$T/src\"");
	HAS(c, "none of 2 C sources outside */xen/");
}

/* A planted include, in any spelling and in a header, fails the check and
 * names the file, the line and the rule. */
static void test_sources_planted(void **state)
{
	struct runcheck *c = *state;
	static const char *const plants[] = {
		"#include <libxl.h>",   "#include \"xenctrl.h\"", "  #  include <xengnttab.h>",
		"#include <xenevtchn.h>", "#include <xenforeignmemory.h>", "#include <libxlutil.h>",
	};
	for (size_t i = 0; i < sizeof(plants) / sizeof(plants[0]); i++) {
		scratch_tree(c);
		RUN(c, 0, "printf '%%s\\n' '%s' >>\"$T/src/toolstack/cli/a.c\"", plants[i]);
		RUN(c, 1, RULE " sources \"$T/src\"");
		HAS(c, "toolstack/cli/a.c:4:");
		HAS(c, "only sources under a */xen/ directory may include this header");
	}
	scratch_tree(c);
	RUN(c, 0, "printf '#include <xenevtchn.h>\\n' >\"$T/src/toolstack/cli/a.h\"");
	RUN(c, 1, RULE " sources \"$T/src\"");
	HAS(c, "toolstack/cli/a.h:1:");
	/* a directory merely named like xen is not xen/ */
	scratch_tree(c);
	RUN(c, 0, "mkdir -p \"$T/src/sim/xenio\" && printf '#include <xengnttab.h>\\n' >\"$T/src/sim/xenio/g.c\"");
	RUN(c, 1, RULE " sources \"$T/src\"");
	HAS(c, "sim/xenio/g.c:1:");
	/* an include of libxenstore's header is allowed everywhere */
	scratch_tree(c);
	RUN(c, 0, "printf '#include <xenstore.h>\\n#include <xen/io/xs_wire.h>\\n' >>\"$T/src/toolstack/cli/a.c\"");
	RUN(c, 0, RULE " sources \"$T/src\"");
	/* make check runs it */
	RUN(c, 0, "grep -q 'scripts/port-rule.sh' \"$XCTL_SRC/scripts/module.mk\"");
}

/* The build itself: an object outside a xen/ directory that includes libxl.h does not
 * compile; the same include under xen/ does. Run mk/build.mk on a scratch
 * tree that holds only the build and these sources. */
static void test_build_guard(void **state)
{
	struct runcheck *c = *state;
	RUN(c, 0, "rm -rf \"$T/b\" && mkdir -p \"$T/b/mk\" \"$T/b/scripts\" \"$T/b/common\" \"$T/b/toolstack/cli\" "
		  "\"$T/b/toolstack/hv/xen\" && cp \"$XCTL_SRC/mk/build.mk\" \"$T/b/mk/\" && "
		  "cp \"$XCTL_SRC/scripts/port-rule.sh\" \"$XCTL_SRC/scripts/source-files.sh\" \"$T/b/scripts/\" && "
		  "printf 'LIBCOMMON :=\\n' >\"$T/b/common/module.mk\" && "
		  "printf '#include <libxl.h>\\nint a(void) { return (int)sizeof(libxl_domain_config); }\\n' >\"$T/b/toolstack/cli/a.c\" && "
		  "cp \"$T/b/toolstack/cli/a.c\" \"$T/b/toolstack/hv/xen/x.c\"");
	RUN(c, 0, "cd \"$T/b\" && make -s -f mk/build.mk BUILD=out out/obj/toolstack/hv/xen/x.o");
	RUN(c, 2, "cd \"$T/b\" && make -s -f mk/build.mk BUILD=out out/obj/toolstack/cli/a.o");
	HAS(c, "libxl.h may be included only by sources under a */xen/ directory");
	/* every guarded header has its guard */
	RUN(c, 0, "cd \"$T/b\" && for h in $(scripts/port-rule.sh headers); do "
		  "grep -q '#error' out/gen/port-guard/$h || exit 1; done");
	RUN(c, 0, RULE " headers | grep -cx 'libxl.h\\|xenctrl.h\\|xengnttab.h\\|xenevtchn.h\\|xenforeignmemory.h' "
		  "| grep -qx 5");
}

/* The link check: a binary that uses libxenctrl without a xen/ object fails,
 * with one it passes; one that uses none passes. */
static void test_links(void **state)
{
	struct runcheck *c = *state;
	RUN(c, 0, "rm -rf \"$T/l\" && mkdir -p \"$T/l/src/xen\" \"$T/l/build/bin\" && cd \"$T/l\" && "
		  "printf '#include <xenctrl.h>\\nint main(void) { return xc_interface_open(0, 0, 0) == 0; }\\n' >src/xen/p.c && "
		  "cp src/xen/p.c src/p.c && printf 'int main(void) { return 0; }\\n' >src/q.c && "
		  "cc -g src/xen/p.c -o build/bin/ok -lxenctrl && cc -g src/q.c -o build/bin/plain");
	RUN(c, 0, RULE " links \"$T/l/build\"");
	HAS(c, "none of 2 binaries");
	RUN(c, 0, "cd \"$T/l\" && cc -g src/p.c -o build/bin/bad -lxenctrl");
	RUN(c, 1, RULE " links \"$T/l/build\"");
	HAS(c, "build/bin/bad: links libxenctrl.so");
	LACKS(c, "build/bin/ok:");
	/* the build tree this test belongs to passes */
	RUN(c, 0, RULE " links \"$XCTL_BUILD\"");
}

/* The source list works on a copy without git metadata, skips build trees
 * and corpora, and holds the kinds of files the rules check. */
static void test_source_files(void **state)
{
	struct runcheck *c = *state;
	RUN(c, 0, "rm -rf \"$T/s\" && mkdir -p \"$T/s/a\" \"$T/s/build-x\" \"$T/s/tests/fuzz/corpus/f\" \"$T/s/tests/lab/dom0\" && "
		  "cd \"$T/s\" && touch a/x.c a/y.h a/z.sh a/m.mk Makefile build-x/g.c tests/fuzz/corpus/f/s.c "
		  "tests/lab/dom0/init a/notes.txt");
	RUN(c, 0, "\"$XCTL_SRC/scripts/source-files.sh\" \"$T/s\"");
	HAS(c, "a/x.c\n");
	HAS(c, "a/y.h\n");
	HAS(c, "a/z.sh\n");
	HAS(c, "a/m.mk\n");
	HAS(c, "Makefile\n");
	HAS(c, "tests/lab/dom0/init\n");
	LACKS(c, "build-x");
	LACKS(c, "corpus");
	LACKS(c, "notes.txt");
}

/* run-tests.sh: every program under a timeout that also ends what it
 * started in its process group; a failure and a timeout fail the run. */
static void test_run_tests_timeout(void **state)
{
	struct runcheck *c = *state;
	RUN(c, 0, "mkdir -p \"$T/rt\" && cd \"$T/rt\" && "
		  "printf '#!/bin/sh\\necho hello\\n' >ok && "
		  "printf '#!/bin/sh\\nexit 3\\n' >bad && "
		  "printf '#!/bin/sh\\nsleep 300 & echo $! >\"$T/rt/child\"\\nsleep 300\\n' >hang && chmod +x ok bad hang");
	RUN(c, 0, "\"$XCTL_SRC/scripts/run-tests.sh\" \"$T/rt\" \"$T/rt/ok\"");
	HAS(c, "hello");
	HAS(c, "test: all 1 test programs passed");
	RUN(c, 1, "\"$XCTL_SRC/scripts/run-tests.sh\" \"$T/rt\" \"$T/rt/bad\" \"$T/rt/ok\"");
	HAS(c, "bad: FAILED (exit 3)");
	HAS(c, "test: FAILED: ");
	RUN(c, 1, "XCTL_TEST_TIMEOUT=1 \"$XCTL_SRC/scripts/run-tests.sh\" \"$T/rt\" \"$T/rt/hang\"");
	HAS(c, "hang: FAILED (timed out after 1s, XCTL_TEST_TIMEOUT)");
	/* the test's own background child went with it (gone, or a zombie) */
	RUN(c, 0, "sleep 0.2; s=$(cut -d' ' -f3 /proc/$(cat \"$T/rt/child\")/stat 2>/dev/null); "
		  "[ -z \"$s\" ] || [ \"$s\" = Z ]");
	/* the package data directory is passed to the tests */
	RUN(c, 0, "printf '#!/bin/sh\\necho \"deps=$XCTL_DEPS_DIR\"\\n' >\"$T/rt/env\" && chmod +x \"$T/rt/env\" && "
		  "XCTL_DEPS_DIR=/some/where \"$XCTL_SRC/scripts/run-tests.sh\" \"$T/rt\" \"$T/rt/env\"");
	HAS(c, "deps=/some/where");
}

/* The replay of a fuzz target's seeds: a target whose corpus is missing or
 * empty fails; every fuzz target's source has its replay test. */
static void test_fuzz_replay(void **state)
{
	struct runcheck *c = *state;
	RUN(c, 0, "cd \"$XCTL_SRC\" && for f in $(scripts/source-files.sh | grep '/fuzz_[^/]*\\.c$'); do "
		  "n=$(basename \"$f\" .c); "
		  "[ -x \"$XCTL_BUILD/tests/replay_$n\" ] || { echo \"$n is not replayed\"; exit 1; }; echo \"replayed $n\"; done");
	HAS(c, "replayed fuzz_xlcfg");
	RUN(c, 0, "one=$(ls \"$XCTL_BUILD\"/tests/replay_fuzz_* | head -1) && mkdir -p \"$T/fz/tests/fuzz/corpus/fuzz_empty\" && "
		  "cp \"$one\" \"$T/fz/replay_fuzz_none\" && cp \"$one\" \"$T/fz/replay_fuzz_empty\"");
	RUN(c, 1, "XCTL_SRC=\"$T/fz\" \"$T/fz/replay_fuzz_none\"");
	HAS(c, "replay fuzz_none: no seed corpus");
	RUN(c, 1, "XCTL_SRC=\"$T/fz\" \"$T/fz/replay_fuzz_empty\"");
	HAS(c, "replay fuzz_empty: the seed corpus");
	RUN(c, 0, "\"$XCTL_BUILD/tests/replay_fuzz_xlcfg\"");
	HAS(c, "replay fuzz_xlcfg: ");
	HAS(c, "all passed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sources_clean),
		cmocka_unit_test(test_sources_planted),
		cmocka_unit_test(test_build_guard),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_source_files),
		cmocka_unit_test(test_run_tests_timeout),
		cmocka_unit_test(test_fuzz_replay),
	};
	return cmocka_run_group_tests_name("build rules", tests, setup, teardown);
}
