#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# make demo, the domain lifecycle: a simulated Xen host of its own (in a
# temporary directory; it dies with this script), then a PV and an HVM guest
# from configs/ (their disks replaced by small images): create, list, what
# each prints on its console, shutdown, destroy.
# XCTL_DEMO_DIR: where the temporary directory goes (default /tmp).
set -eu
bin=${XCTL_BIN:-build/bin}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
dir=$(mktemp -d "${XCTL_DEMO_DIR:-/tmp}/xctl-life-demo.XXXXXX")
export XCTL_SIM_DIR="$dir/sim" XCTL_STATE_DIR="$dir/state" XCTL_LOG_DIR="$dir/log" XCTL_HOOKS_DIR="$dir/hooks"
export XCTL_SIM_LIFELINE=$$ # the host stops when this script ends, however it ends
xctl() { "$bin/xctl" --sim "$@"; }
cleanup() {
	xctl sim stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step() { printf '\n== %s\n' "$*"; }

dd if=/dev/zero of="$dir/pv.img" bs=1048576 count=0 seek=32 2>/dev/null
dd if=/dev/zero of="$dir/hvm.img" bs=1048576 count=0 seek=32 2>/dev/null

# the vifs of configs/ need a network backend: without xctl-netback in this
# build the guests get none
novif=
if [ ! -x "$bin/xctl-netback" ]; then
	novif='vif=[]'
	echo "demo: no xctl-netback in $bin: the guests are created without their vif"
fi
step "xctl create configs/pv.cfg (its disk: $dir/pv.img)"
xctl create configs/pv.cfg "disk=[\"format=raw, vdev=xvda, access=rw, target=$dir/pv.img\"]" memory=256 $novif
step "xctl create configs/hvm.cfg (one disk: $dir/hvm.img; no cdrom)"
xctl create configs/hvm.cfg "disk=[\"format=raw, vdev=hda, access=rw, target=$dir/hvm.img\"]" memory=512 $novif

step "xctl list"
xctl list

# wait until both guests say they are ready (their console prompt)
for n in debian-pv windows-hvm; do
	i=0
	until grep -q 'ready' "$XCTL_SIM_DIR/log/console/guest-$(xctl domid $n).log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 200 ] || { echo "demo: $n did not boot in 20 s" >&2; exit 1; }
		sleep 0.1
	done
done

step "the PV guest's console so far ($XCTL_SIM_DIR/log/console/guest-$(xctl domid debian-pv).log)"
cat "$XCTL_SIM_DIR/log/console/guest-$(xctl domid debian-pv).log"
step "echo uname | xctl console windows-hvm"
echo uname | xctl console windows-hvm
echo

step "xctl list --json debian-pv"
xctl list --json debian-pv

step "xctl shutdown -w debian-pv (on_poweroff = destroy: its monitor destroys it)"
xctl shutdown -w debian-pv
step "xctl destroy windows-hvm"
xctl destroy windows-hvm
step "xctl list"
xctl list
step "what the monitor of debian-pv logged ($XCTL_LOG_DIR/debian-pv.log)"
cat "$XCTL_LOG_DIR/debian-pv.log"
echo
echo "demo: the lifecycle demo finished"
