# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: xl-pv
# lab-timeout: 400
# A PV guest through Xen's own xl: disk (blkback) and vif on xenbr0, disk
# marker round trip, ping, shutdown, destroy; the xenstore tree saved and
# schema-checked after each phase.
. /lab/guest.sh
lab_xl_guest pv 10.0.0.11 0
