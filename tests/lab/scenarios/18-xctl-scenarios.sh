# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: xctl-scenarios
# lab-timeout: 600
# lab-needs: bin/xctl lab-data/scenario-suite.tar feature:xctl-lifecycle
# The lifecycle scenarios of the suite of make test (tests/scenarios/, run
# there on the simulated host), every one, on PV guests, unchanged, on real
# Xen through libxl (xctl --xen): configs/pv.cfg with the lab's kernel and
# initramfs, a disk on kernel blkback (script=block) and a vif on xenbr0,
# each under tests/scenarios/run.sh, which checks for leaks after it (the
# xenstore tree as before, xctl schema check --after-destroy, no domain,
# process, monitor or state file left). One result line per scenario. The
# per-type ones are xctl-pv, xctl-pvh and xctl-hvm, with xl's guests.
. /lab/guest.sh
LAB_SUITE=/tmp/scenario-suite
rm -rf "$LAB_SUITE" && mkdir -p "$LAB_SUITE" &&
	tar -xf /lab/build/lab-data/scenario-suite.tar -C "$LAB_SUITE" || lab_fail "cannot unpack the scenario suite"
. "$LAB_SUITE/tests/lab/scenlib/lib.sh"
lab_suite_each paused rename memvcpu reboot crash crashloop attach concurrent hooks
