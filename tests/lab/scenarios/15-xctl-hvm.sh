# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: xctl-hvm
# lab-timeout: 600
# lab-needs: bin/xctl lab-data/scenario-suite.tar feature:xctl-lifecycle
# The scenario suite's hvm scenario (tests/scenarios/hvm.sh, as in make test)
# on real Xen through libxl (xctl --xen), with the leak check after it, and
# with xl-hvm's guest: the same configuration (the suite names it scen-hvm),
# a disk on kernel blkback through the block script and a vif on xenbr0;
# at each phase the lab's guest hook checks what xl-hvm checks: the disk
# marker round trip, ping both ways, the poweroff, the xenstore tree saved
# and schema-checked (tests/lab/scenlib/). One guest boot proves both.
. /lab/guest.sh
LAB_SUITE=/tmp/scenario-suite
rm -rf "$LAB_SUITE" && mkdir -p "$LAB_SUITE" &&
	tar -xf /lab/build/lab-data/scenario-suite.tar -C "$LAB_SUITE" || lab_fail "cannot unpack the scenario suite"
. "$LAB_SUITE/tests/lab/scenlib/lib.sh"
lab_suite_type hvm 10.0.0.23 2
