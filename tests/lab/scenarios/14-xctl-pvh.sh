# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: xctl-pvh
# lab-timeout: 600
# lab-needs: bin/xctl feature:xctl-lifecycle
# The xl-pvh scenario with xctl in xl's place, on real Xen through libxl
# (hv/xen): the same guest config, disk (kernel blkback through the block
# script) and vif on xenbr0, disk marker round trip, ping, shutdown,
# destroy, the xenstore tree saved and schema-checked after each phase.
# guest.sh drives "xl"; here that name is a program of the scenario's own
# that runs xctl --xen (a program, not a shell function: BusyBox sh in dom0
# was seen to segfault running a function inside a command substitution).
. /lab/guest.sh
xl_dir=/tmp/xl-is-xctl
mkdir -p "$xl_dir"
printf '#!/bin/sh\nexec "%s/xctl" --xen "$@"\n' "$LAB_BIN" >"$xl_dir/xl"
chmod +x "$xl_dir/xl"
PATH=$xl_dir:$PATH
export PATH
lab_xl_guest pvh 10.0.0.22 4
