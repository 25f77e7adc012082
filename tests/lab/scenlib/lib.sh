# SPDX-License-Identifier: LGPL-2.1-only
# The scenario suite of make test (tests/scenarios/) in the lab, on real Xen
# through libxl (xctl --xen), for the lab's scenarios that run it: sourced
# after dom0's lib.sh and guest.sh, from where the scenario unpacked
# lab-data/scenario-suite.tar (the suite, configs/ and this directory):
# $LAB_SUITE.
#
# lab_suite_setup: the suite's environment:
#   PV guests with the lab's kernel and initramfs, disks on kernel blkback
#   (script=block), state, logs and hooks of its own, "xl" on PATH running
#   xctl --xen (guest.sh's helpers poll with it).
# lab_suite_run NAME [TMP]: tests/scenarios/NAME.sh under run.sh (the leak
#   check after it), XCTL_SCEN_TMP=TMP (default $LAB_SUITE/tmp-NAME), its
#   output in suite-NAME.log; its exit status.
# lab_suite_each NAME...: below.
# lab_suite_type TYPE IP RETRIES: the suite's per-type scenario (TYPE.sh,
#   guest_life) with the guest of xl-TYPE: the same configuration
#   (lab_guest_cfg; the suite names the guest scen-TYPE and gives it a disk
#   image of its own), the same checks at each phase through the guest hook
#   (hook.sh: disk round trip, ping, the trees saved as
#   xenstore-SCENARIO-PHASE.txt and schema-checked), and the same one
#   retried failure, the documented emulation fault.
lab_suite_setup() {
	XCTL="$LAB_BIN/xctl --xen"
	XCTL_SCEN_CONFIGS=$LAB_SUITE/configs
	XCTL_SCEN_ARGS_PV='kernel="/lab/guest/vmlinuz" ramdisk="/lab/guest/initrd.img" memory=128 maxmem=256'
	XCTL_SCEN_DISK_OPTS=script=block
	XCTL_SCEN_TIMEOUT=90
	XCTL_STATE_DIR=$LAB_SUITE/state
	XCTL_LOG_DIR=$LAB_SUITE/log
	XCTL_HOOKS_DIR=$LAB_SUITE/hooks
	export LAB_SUITE XCTL XCTL_SCEN_CONFIGS XCTL_SCEN_ARGS_PV XCTL_SCEN_DISK_OPTS XCTL_SCEN_TIMEOUT \
		XCTL_STATE_DIR XCTL_LOG_DIR XCTL_HOOKS_DIR
	# a program, not a shell function: BusyBox sh in dom0 was seen to
	# segfault running a function inside a command substitution
	mkdir -p "$LAB_SUITE/xl-is-xctl"
	printf '#!/bin/sh\nexec "%s/xctl" --xen "$@"\n' "$LAB_BIN" >"$LAB_SUITE/xl-is-xctl/xl"
	chmod +x "$LAB_SUITE/xl-is-xctl/xl"
	PATH=$LAB_SUITE/xl-is-xctl:$PATH
	export PATH
}

lab_suite_run() {
	XCTL_SCEN_TMP=${2:-$LAB_SUITE/tmp-$1}
	export XCTL_SCEN_TMP
	mkdir -p "$XCTL_SCEN_TMP"
	sh "$LAB_SUITE/tests/scenarios/run.sh" "$LAB_SUITE/tests/scenarios/$1.sh" >"$LAB_OUT/suite-$1.log" 2>&1
}

lab_suite_type() {
	ty=$1 ip=$2 retries=$3
	lab_suite_setup
	mkdir -p "$LAB_SUITE/lab-configs"
	lab_guest_cfg "$ty" "$ip" "$(printf '00:16:3e:00:00:%02x' "${ip##*.}")" "/lab/disks/$ty.img" \
		"$LAB_SUITE/lab-configs/$ty.cfg"
	cp "$LAB_SUITE/lab-configs/$ty.cfg" "$LAB_OUT/$LAB_SCENARIO.cfg"
	XCTL_SCEN_CONFIGS=$LAB_SUITE/lab-configs
	XCTL_SCEN_ARGS_PV= XCTL_SCEN_ARGS_PVH= XCTL_SCEN_ARGS_HVM=
	# the vif of lab_guest_cfg: a PV NIC only, also for HVM (no emulated one)
	XCTL_SCEN_VIF_OPTS=type=vif
	XCTL_SCEN_GUEST_HOOK=$LAB_SUITE/tests/lab/scenlib/hook.sh
	XCTL_SCEN_TIMEOUT=300
	LAB_SCEN_TYPE=$ty LAB_SCEN_IP=$ip
	export XCTL_SCEN_CONFIGS XCTL_SCEN_ARGS_PV XCTL_SCEN_ARGS_PVH XCTL_SCEN_ARGS_HVM XCTL_SCEN_VIF_OPTS \
		XCTL_SCEN_GUEST_HOOK XCTL_SCEN_TIMEOUT LAB_SCEN_TYPE LAB_SCEN_IP
	trap 'cp "/var/log/xen/console/guest-scen-$ty.log" "$LAB_OUT/" 2>/dev/null' EXIT
	attempt=0
	while :; do
		attempt=$((attempt + 1))
		rm -f "$LAB_OUT/.reason" "$LAB_SUITE/tmp-$ty/boot-fault"
		LAB_SCEN_ATTEMPT=$attempt
		export LAB_SCEN_ATTEMPT
		# one directory for every attempt: the image's path is in the
		# trees (tests/fidelity/test_sim_fidelity.c substitutes it)
		lab_suite_run "$ty" "$LAB_SUITE/tmp-$ty" && break
		tail -n 15 "$LAB_OUT/suite-$ty.log" | sed "s/^/  $ty| /"
		cp "$LAB_OUT/suite-$ty.log" "$LAB_OUT/suite-$ty-attempt$attempt.log"
		fault=$(cat "$XCTL_SCEN_TMP/boot-fault" 2>/dev/null)
		why=$(cat "$LAB_OUT/.reason" 2>/dev/null)
		[ -n "$fault" ] || lab_fail "${why:-the suite's $ty scenario failed} (see suite-$ty.log)"
		[ "$attempt" -gt "$retries" ] && lab_fail "scen-$ty did not boot in $attempt attempts, each an $fault"
		lab_result "$LAB_SCENARIO/retry$attempt" RETRY 0 "attempt $attempt: $fault; retried"
	done
	tail -n 3 "$LAB_OUT/suite-$ty.log"
	return 0
}

# lab_suite_each NAME...: the suite's scenarios NAME.sh one after the other
# (their PV guests from configs/pv.cfg with the lab's kernel, given
# uncompressed: see docs/lab.md), one result line each
# ($LAB_SCENARIO/NAME, with its time), the last lines of a failed one's log
# on the scenario's output; fails when any failed.
lab_suite_each() {
	lab_suite_setup
	XCTL_SCEN_ARGS_PV='kernel="/lab/guest/vmlinux" ramdisk="/lab/guest/initrd.img" memory=128 maxmem=256'
	export XCTL_SCEN_ARGS_PV
	# the guests take sysrq from boot (sysrq_always_enabled): one crashed
	# with sysrq c while still booting, before its init enabled sysrq,
	# ignored it ("This sysrq operation is disabled") and the crash
	# scenarios waited in vain. In the suite's own copy of configs/pv.cfg
	# (the overrides are split at spaces).
	sed -i 's/^extra = "console=hvc0"$/extra = "console=hvc0 sysrq_always_enabled"/' "$XCTL_SCEN_CONFIGS/pv.cfg"
	grep -q '^extra = "console=hvc0 sysrq_always_enabled"$' "$XCTL_SCEN_CONFIGS/pv.cfg" ||
		lab_fail "configs/pv.cfg has no extra = \"console=hvc0\" line to add sysrq_always_enabled to"
	each_failed=
	for s in "$@"; do
		st=$(lab_now)
		if lab_suite_run "$s"; then
			lab_result "$LAB_SCENARIO/$s" PASS "$(lab_elapsed "$st")"
		else
			lab_result "$LAB_SCENARIO/$s" FAIL "$(lab_elapsed "$st")" "see suite-$s.log"
			tail -n 15 "$LAB_OUT/suite-$s.log" | sed "s/^/  $s| /"
			each_failed="$each_failed $s"
		fi
	done
	mkdir -p "$LAB_OUT/suite-logs"
	cp "$XCTL_LOG_DIR"/* "$LAB_OUT/suite-logs/" 2>/dev/null
	[ -z "$each_failed" ] || lab_fail "scenarios failed:$each_failed (see suite-NAME.log)"
}
