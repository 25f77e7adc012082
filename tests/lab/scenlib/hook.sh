#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# The lab's guest hook for the scenario suite (XCTL_SCEN_GUEST_HOOK; see
# guest_phase in tests/scenarios/lib.sh), run as
#   hook.sh PHASE NAME DOMID IMAGE
# for the guest of a per-type scenario (lab_suite_type in lib.sh), with
# what xl-TYPE checks of its own guest (tests/lab/dom0/guest.sh):
#   prepare    writes the marker LAB-DISK-IN NONCE in sector 0 of IMAGE
#   created    the tree, saved as xenstore-$LAB_SCENARIO-created.txt,
#              passes xctl schema check --phase created
#   up         the guest's init reached its READY marker (a guest that did
#              not is diagnosed as xl-TYPE's is; the documented emulation
#              fault is written to $XCTL_SCEN_TMP/boot-fault, for the
#              scenario to retry), read the marker and wrote LAB-DISK-OUT
#              NONCE back in sector 1, dom0 pings it and it pinged dom0; the
#              tree passes --phase connected
#   shutdown   the guest ran its poweroff action (its console); the tree
#              passes --phase created (a shut-down guest keeps every node)
#   destroyed  no node of the domain is left; the tree passes
#              --after-destroy DOMID
# The environment: LAB_SCEN_TYPE, LAB_SCEN_IP (the guest's lab.ip=), and
# the lab's (LAB_LIB, LAB_OUT, LAB_SCENARIO).
. "$LAB_LIB"
. /lab/guest.sh
ph=$1 name=$2 domid=$3 img=$4
sc=$LAB_SCENARIO
ty=$LAB_SCEN_TYPE
ip=$LAB_SCEN_IP
con=/var/log/xen/console/guest-$name.log
t=$XCTL_SCEN_TMP/$name

case $ph in
prepare)
	nonce=$ty-$(lab_now)
	echo "$nonce" >"$t.nonce"
	rm -f "$img" "$con"
	dd if=/dev/zero of="$img" bs=1M count=8 2>/dev/null
	printf 'LAB-DISK-IN %s\n' "$nonce" | dd of="$img" conv=notrunc,fsync 2>/dev/null
	sync
	chk=$(dd if="$img" bs=512 count=1 2>/dev/null | tr -d '\000' | head -n 1)
	[ "$chk" = "LAB-DISK-IN $nonce" ] ||
		lab_fail "dom0 wrote the disk marker to $img but reads back '$chk'"
	lab_now >"$t.t0"
	;;
created)
	lab_time "$sc" create "$(lab_elapsed "$(cat "$t.t0")")"
	lab_log "$name is domain $domid"
	lab_now >"$t.t0"
	f=$(lab_xs_dump "$sc" created)
	lab_schema_check "$sc" created "$f" --phase created
	;;
up)
	if ! lab_wait_boot "$name" "$con" 300 90; then
		lab_log "$name did not reach its init's READY marker: $LAB_BOOT_WHY"
		keep=$LAB_OUT/$name-attempt${LAB_SCEN_ATTEMPT:-1}
		cp "$con" "$keep-console.log" 2>/dev/null || : >"$keep-console.log"
		lab_boot_diagnose "$domid" "$keep"
		/usr/lib/xen-4.17/bin/xl dmesg >"$keep-xen.log" 2>&1
		fault=$(lab_boot_fault "$ty" "$domid" "$keep-console.log" "$keep-xen.log") || fault=""
		[ -z "$fault" ] || echo "$fault" >"$XCTL_SCEN_TMP/boot-fault"
		lab_fail "$name did not boot: $LAB_BOOT_WHY${fault:+: $fault} (see $(basename "$keep")-console.log, -xen.log, -state.txt)"
	fi
	lab_time "$sc" boot "$(lab_elapsed "$(cat "$t.t0")")"
	nonce=$(cat "$t.nonce")
	grep -q "LAB-GUEST-DISK-READ LAB-DISK-IN $nonce" "$con" ||
		lab_fail "$name did not read the disk marker LAB-DISK-IN $nonce (its console: $(grep LAB-GUEST-DISK "$con" | tr '\n' ' '))"
	got=$(dd if="$img" bs=512 skip=1 count=1 2>/dev/null | tr -d '\000' | head -n 1)
	[ "$got" = "LAB-DISK-OUT $nonce" ] ||
		lab_fail "the marker $name wrote to its disk is '$got', expected 'LAB-DISK-OUT $nonce'"
	lab_log "disk round trip ok: $got"
	s=$(lab_now)
	ping -c 3 -W 5 "$ip" >"$LAB_OUT/$name-ping.txt" 2>&1 ||
		lab_fail "dom0 cannot ping $name at $ip (see $name-ping.txt)"
	lab_time "$sc" ping "$(lab_elapsed "$s")"
	grep -q LAB-GUEST-PINGED-DOM0 "$con" ||
		lab_fail "$name cannot ping dom0 at 10.0.0.1 (its console lacks LAB-GUEST-PINGED-DOM0)"
	f=$(lab_xs_dump "$sc" connected)
	lab_schema_check "$sc" connected "$f" --phase connected
	lab_now >"$t.t0"
	;;
shutdown)
	lab_time "$sc" shutdown "$(lab_elapsed "$(cat "$t.t0")")"
	# xenconsoled may write the guest's last words after it has gone
	lab_wait_for 10 grep -q LAB-GUEST-POWEROFF "$con" ||
		lab_fail "$name shut down without running its poweroff action (its console ends: $(tail -n 3 "$con" | tr '\n' ' '))"
	f=$(lab_xs_dump "$sc" shutdown)
	lab_schema_check "$sc" shutdown "$f" --phase created
	lab_now >"$t.t0"
	;;
destroyed)
	lab_time "$sc" destroy "$(lab_elapsed "$(cat "$t.t0")")"
	f=$(lab_xs_dump "$sc" destroyed)
	if grep -Eq "^/local/domain/$domid/|^/local/domain/$domid |/backend/[a-z0-9]+/$domid/" "$f"; then
		lab_fail "xenstore still holds paths of domain $domid after destroy (see $(basename "$f"))"
	fi
	lab_schema_check "$sc" destroyed "$f" --after-destroy "$domid"
	cp "$con" "$LAB_OUT/" 2>/dev/null
	;;
*) lab_fail "the guest hook knows no phase '$ph'" ;;
esac
# a schema check that failed fails the phase (and the scenario, at its end)
! grep -qx "$ph" "$LAB_OUT/.schema-failed" 2>/dev/null
