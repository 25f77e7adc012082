# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: xctl-scenarios
# lab-timeout: 1500
# lab-needs: bin/xctl lab-data/scenario-suite.tar feature:xctl-lifecycle
# The scenario suite of make test (tests/scenarios/, run there on the
# simulated host) unchanged on real Xen, through libxl (xctl --xen): PV
# guests from configs/pv.cfg with the lab's kernel and initramfs, a disk on
# kernel blkback (script=block) and a vif on xenbr0. Each scenario runs
# under tests/scenarios/run.sh, which checks for leaks after it (the
# xenstore tree as before, xctl schema check --after-destroy, no domain,
# process, monitor or state file left). One result line per scenario.
suite=/tmp/scenario-suite
rm -rf "$suite"
mkdir -p "$suite" || lab_fail "cannot make $suite"
tar -xf /lab/build/lab-data/scenario-suite.tar -C "$suite" || lab_fail "cannot unpack the scenario suite"
XCTL="$LAB_BIN/xctl --xen"
XCTL_SCEN_CONFIGS=$suite/configs
XCTL_SCEN_ARGS_PV='kernel="/lab/guest/vmlinuz" ramdisk="/lab/guest/initrd.img" memory=128 maxmem=256'
XCTL_SCEN_DISK_OPTS=script=block
XCTL_SCEN_TIMEOUT=90
XCTL_STATE_DIR=$suite/state
XCTL_LOG_DIR=$suite/log
XCTL_HOOKS_DIR=$suite/hooks
export XCTL XCTL_SCEN_CONFIGS XCTL_SCEN_ARGS_PV XCTL_SCEN_DISK_OPTS XCTL_SCEN_TIMEOUT \
	XCTL_STATE_DIR XCTL_LOG_DIR XCTL_HOOKS_DIR
failed=
for s in pv paused rename memvcpu reboot crash attach concurrent hooks; do
	st=$(lab_now)
	XCTL_SCEN_TMP=$suite/tmp-$s
	export XCTL_SCEN_TMP
	mkdir -p "$XCTL_SCEN_TMP"
	if sh "$suite/tests/scenarios/run.sh" "$suite/tests/scenarios/$s.sh" >"$LAB_OUT/suite-$s.log" 2>&1; then
		lab_result "$LAB_SCENARIO/$s" PASS "$(lab_elapsed "$st")"
	else
		lab_result "$LAB_SCENARIO/$s" FAIL "$(lab_elapsed "$st")" "see suite-$s.log"
		tail -n 15 "$LAB_OUT/suite-$s.log" | sed "s/^/  $s| /"
		failed="$failed $s"
	fi
done
mkdir -p "$LAB_OUT/suite-logs"
cp "$XCTL_LOG_DIR"/* "$LAB_OUT/suite-logs/" 2>/dev/null
[ -z "$failed" ] || lab_fail "scenarios failed:$failed (see suite-NAME.log)"
