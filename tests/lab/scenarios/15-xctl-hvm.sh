# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: xctl-hvm
# lab-timeout: 600
# lab-needs: bin/xctl feature:xctl-lifecycle
# The xl-hvm scenario with xctl in xl's place, on real Xen through libxl
# (hv/xen): the same guest config, disk (kernel blkback through the block
# script) and vif on xenbr0, disk marker round trip, ping, shutdown,
# destroy, the xenstore tree saved and schema-checked after each phase.
# guest.sh drives "xl"; here that name is a function running xctl --xen.
. /lab/guest.sh
xl() {
	"$LAB_BIN/xctl" --xen "$@"
}
lab_xl_guest hvm 10.0.0.23 2
