# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: xctl-lifecycle
# lab-timeout: 900
# lab-needs: bin/xctl lab-data/scenario-suite.tar feature:xctl-lifecycle
# The scenario suite's lifecycle scenarios (tests/scenarios/, as in make
# test) on real Xen through libxl (xctl --xen), on PV guests (configs/pv.cfg
# with the lab's kernel, a disk on kernel blkback, a vif on xenbr0), each
# with the leak check after it; one result line each. The per-type
# scenarios are xctl-pv, xctl-pvh and xctl-hvm; docs/lab.md says which
# scenarios run here and why (the time they take under emulation).
. /lab/guest.sh
LAB_SUITE=/tmp/scenario-suite
rm -rf "$LAB_SUITE" && mkdir -p "$LAB_SUITE" &&
	tar -xf /lab/build/lab-data/scenario-suite.tar -C "$LAB_SUITE" || lab_fail "cannot unpack the scenario suite"
. "$LAB_SUITE/tests/lab/scenlib/lib.sh"
lab_suite_each paused rename memvcpu reboot crash attach concurrent hooks
