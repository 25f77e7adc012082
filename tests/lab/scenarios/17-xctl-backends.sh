# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: xctl-backends
# lab-timeout: 480
# lab-needs: bin/xctl bin/xctl-blkback bin/xctl-netback feature:xctl-lifecycle
# xctl's own backends on real Xen, beside the kernel's (xen-blkback and
# xen-netback stay loaded): xctl-blkback and xctl-netback run in dom0 as a
# host operator starts them; a PV guest created by xctl has its disk
# (backendtype=standalone) served by xctl-blkback and its vif
# (script=xctl-netback) by xctl-netback: disk marker round trip, ping both
# ways, the schema check of every phase (guest.sh). While it runs, a second
# disk and a second vif (on a bridge of their own) are hot-attached on
# xctl's backends: the guest reads and writes the disk, dom0 pings the
# guest through the vif; both are listed and detached again, and the kernel
# backends have taken none of them.
. /lab/guest.sh
xl_dir=/tmp/xl-is-xctl
mkdir -p "$xl_dir"
printf '#!/bin/sh\nexec "%s/xctl" --xen "$@"\n' "$LAB_BIN" >"$xl_dir/xl"
chmod +x "$xl_dir/xl"
PATH=$xl_dir:$PATH
export PATH
sc=$LAB_SCENARIO

# The daemons, as an operator starts them (docs/backends.md): in the
# foreground of a supervisor, here of this shell, logging to stderr.
s=$(lab_now)
"$LAB_BIN/xctl-blkback" --xen >"$LAB_OUT/xctl-blkback.log" 2>&1 &
blk_pid=$!
"$LAB_BIN/xctl-netback" --xen >"$LAB_OUT/xctl-netback.log" 2>&1 &
net_pid=$!
brctl addbr xenbr1 && ip addr add 10.0.1.1/24 dev xenbr1 && ip link set xenbr1 up ||
	lab_fail "cannot make the second bridge xenbr1"
cleanup() {
	kill "$blk_pid" "$net_pid" 2>/dev/null
	wait "$blk_pid" "$net_pid" 2>/dev/null
	ip link set xenbr1 down 2>/dev/null
	brctl delbr xenbr1 2>/dev/null
}
trap cleanup EXIT
lab_wait_for 20 grep -q "serving type=standalone disks" "$LAB_OUT/xctl-blkback.log" ||
	lab_fail "xctl-blkback did not start: $(tail -n 3 "$LAB_OUT/xctl-blkback.log" | tr '\n' ' ')"
lab_wait_for 20 grep -q "serving script=xctl-netback vifs" "$LAB_OUT/xctl-netback.log" ||
	lab_fail "xctl-netback did not start: $(tail -n 3 "$LAB_OUT/xctl-netback.log" | tr '\n' ' ')"
lab_time "$sc" daemons "$(lab_elapsed "$s")"

# ours, not the kernel's: the backend directory has our daemons' features
# and no kernel blkback/netback device was made for it
lab_check_ours() {
	co_domid=$1 co_kind=$2 co_dev=$3
	co_be=/local/domain/0/backend/$co_kind/$co_domid/$co_dev
	[ -e "/sys/bus/xen-backend/devices/$co_kind-$co_domid-$co_dev" ] &&
		lab_fail "the kernel's $co_kind backend took $co_be"
	case $co_kind in
	vbd) grep -q "domain $co_domid vbd $co_dev: serving" "$LAB_OUT/xctl-blkback.log" ||
		lab_fail "xctl-blkback's log does not say it serves $co_be" ;;
	vif) grep -q "domain $co_domid vif $co_dev: serving" "$LAB_OUT/xctl-netback.log" ||
		lab_fail "xctl-netback's log does not say it serves $co_be" ;;
	esac
	return 0
}

# The frontend's state node of domain $1's device $2/$3 reads $4.
lab_fe_state() { [ "$(xenstore-read "/local/domain/$1/device/$2/$3/state" 2>/dev/null)" = "$4" ]; }

lab_hotplug() {
	hp_name=$1 hp_domid=$2 hp_con=$3
	lab_check_ours "$hp_domid" vbd 51712
	lab_check_ours "$hp_domid" vif 0

	# a second disk, hot-attached on xctl-blkback
	hot=/lab/disks/hot.img
	hn=hot-$(lab_now)
	rm -f "$hot"
	dd if=/dev/zero of="$hot" bs=1M count=4 2>/dev/null
	printf 'LAB-HOT-IN %s\n' "$hn" | dd of="$hot" conv=notrunc,fsync 2>/dev/null
	s=$(lab_now)
	xl block-attach "$hp_name" "format=raw,vdev=xvdb,access=rw,backendtype=standalone,target=$hot" \
		>"$LAB_OUT/$hp_name-block-attach.log" 2>&1 ||
		lab_fail "block-attach of a standalone disk failed: $(tail -n 3 "$LAB_OUT/$hp_name-block-attach.log" | tr '\n' ' ')"
	lab_wait_for 60 grep -q "LAB-GUEST-HOT-DISK-WRITTEN" "$hp_con" ||
		lab_fail "the guest did not read and write the hot-attached disk (its console: $(grep LAB-GUEST-HOT "$hp_con" | tr '\n' ' '))"
	lab_time "$sc" block-attach "$(lab_elapsed "$s")"
	grep -q "LAB-GUEST-HOT-DISK-READ LAB-HOT-IN $hn" "$hp_con" ||
		lab_fail "the guest read '$(grep LAB-GUEST-HOT-DISK-READ "$hp_con")' from xvdb, not LAB-HOT-IN $hn"
	# through a file, not a command substitution: dom0's BusyBox sh was seen
	# to segfault in one here (run under emulation), leaving it empty
	dd if="$hot" bs=512 skip=1 count=1 2>/dev/null | tr -d '\000' >/tmp/hot-sector1.txt
	got=
	read -r got </tmp/hot-sector1.txt
	[ "$got" = "LAB-HOT-OUT $hn" ] ||
		lab_fail "the hot-attached disk's sector 1 holds '$got', expected 'LAB-HOT-OUT $hn'"
	lab_check_ours "$hp_domid" vbd 51728
	xl block-list "$hp_name" >"$LAB_OUT/$hp_name-block-list.txt" 2>&1 ||
		lab_fail "block-list failed (see $hp_name-block-list.txt)"
	grep -q '^51728 ' "$LAB_OUT/$hp_name-block-list.txt" ||
		lab_fail "block-list does not list the hot-attached disk 51728 (see $hp_name-block-list.txt)"

	# a second vif, on a bridge of its own, hot-attached on xctl-netback
	s=$(lab_now)
	xl network-attach "$hp_name" "mac=00:16:3e:00:01:1b,bridge=xenbr1,script=xctl-netback" \
		>"$LAB_OUT/$hp_name-network-attach.log" 2>&1 ||
		lab_fail "network-attach of an xctl-netback vif failed: $(tail -n 3 "$LAB_OUT/$hp_name-network-attach.log" | tr '\n' ' ')"
	lab_wait_for 60 grep -q "LAB-GUEST-HOT-NET-UP" "$hp_con" ||
		lab_fail "the guest did not bring up the hot-attached vif (its console: $(grep LAB-GUEST-HOT "$hp_con" | tr '\n' ' '))"
	ping -c 3 -W 5 10.0.1.27 >"$LAB_OUT/$hp_name-hot-ping.txt" 2>&1 ||
		lab_fail "dom0 cannot ping the guest through the hot-attached vif at 10.0.1.27 (see $hp_name-hot-ping.txt)"
	lab_time "$sc" network-attach "$(lab_elapsed "$s")"
	lab_check_ours "$hp_domid" vif 1
	# (BusyBox's brctl has no show: the bridge's ports are in sysfs)
	[ -e "/sys/class/net/xenbr1/brif/vif$hp_domid.1" ] ||
		lab_fail "vif$hp_domid.1 is not on xenbr1 (its ports: $(ls /sys/class/net/xenbr1/brif | tr '\n' ' '))"
	xl network-list "$hp_name" >"$LAB_OUT/$hp_name-network-list.txt" 2>&1 ||
		lab_fail "network-list failed (see $hp_name-network-list.txt)"
	grep -q '^1 ' "$LAB_OUT/$hp_name-network-list.txt" ||
		lab_fail "network-list does not list the hot-attached vif 1 (see $hp_name-network-list.txt)"
	f=$(lab_xs_dump "$sc" hotplugged)
	lab_schema_check "$sc" hotplugged "$f" --phase connected

	# and both detached again
	s=$(lab_now)
	xl block-detach "$hp_name" xvdb >"$LAB_OUT/$hp_name-block-detach.log" 2>&1 ||
		lab_fail "block-detach failed: $(tail -n 3 "$LAB_OUT/$hp_name-block-detach.log" | tr '\n' ' ')"
	lab_wait_for 30 grep -q "LAB-GUEST-HOT-DISK-GONE" "$hp_con" ||
		lab_fail "xvdb did not go away in the guest after block-detach"
	xenstore-exists "/local/domain/0/backend/vbd/$hp_domid/51728" &&
		lab_fail "the detached disk's backend nodes are still there"
	lab_time "$sc" block-detach "$(lab_elapsed "$s")"
	s=$(lab_now)
	xl network-detach "$hp_name" 1 >"$LAB_OUT/$hp_name-network-detach.log" 2>&1 ||
		lab_fail "network-detach failed: $(tail -n 3 "$LAB_OUT/$hp_name-network-detach.log" | tr '\n' ' ')"
	lab_wait_for 30 grep -q "LAB-GUEST-HOT-NET-GONE" "$hp_con" ||
		lab_fail "eth1 did not go away in the guest after network-detach"
	lab_wait_for 10 sh -c "! ip link show vif$hp_domid.1" ||
		lab_fail "vif$hp_domid.1 is still in dom0 after network-detach"
	xenstore-exists "/local/domain/0/backend/vif/$hp_domid/1" &&
		lab_fail "the detached vif's backend nodes are still there"
	lab_time "$sc" network-detach "$(lab_elapsed "$s")"
	# the first disk and vif are still connected
	lab_fe_state "$hp_domid" vbd 51712 4 || lab_fail "xvda is no longer connected after the detaches"
	ping -c 1 -W 5 10.0.0.27 >/dev/null 2>&1 || lab_fail "the guest stopped answering on eth0 after the detaches"
	return 0
}

LAB_DISK_OPTS=backendtype=standalone
LAB_VIF_OPTS=script=xctl-netback
LAB_CMDLINE_EXTRA=lab.hot=10.0.1.27
LAB_RUNNING_HOOK=lab_hotplug
# guest.sh's trap (which destroys the guest) replaces ours and runs it after
LAB_EXIT_HOOK=cleanup
lab_xl_guest pv 10.0.0.27 0
