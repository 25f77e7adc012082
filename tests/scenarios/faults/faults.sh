# SPDX-License-Identifier: LGPL-2.1-only
# Fault injection: the Nth hypervisor or xenstore call of a create fails
# (XCTL_HV_FAULT=N), for every N until the create succeeds; after each
# failure the leak check passes.
make_disk "$XCTL_SCEN_TMP/fault.img" 16
snapshot "$XCTL_SCEN_TMP/f0"
n=1
while :; do
	# shellcheck disable=SC2086
	if XCTL_HV_FAULT=$n x create -q "$XCTL_SCEN_CONFIGS/pv.cfg" 'name="scen-fault"' \
		"disk=[\"format=raw, vdev=xvda, access=rw, target=$XCTL_SCEN_TMP/fault.img\"]" 'vif=["bridge=xenbr0"]' \
		$XCTL_SCEN_ARGS_PV >"$XCTL_SCEN_TMP/f.out" 2>"$XCTL_SCEN_TMP/f.err"; then
		break
	fi
	grep -q "fault injection: call $n " "$XCTL_SCEN_TMP/f.err" ||
		fail "create failed at call $n without the injected fault: $(cat "$XCTL_SCEN_TMP/f.err")"
	snapshot "$XCTL_SCEN_TMP/f$n"
	leak_check "$XCTL_SCEN_TMP/f0" "$XCTL_SCEN_TMP/f$n" || fail "leak after a failure injected at call $n"
	n=$((n + 1))
	[ $n -lt 2000 ] || fail "the create never succeeded"
done
say "the create succeeded with call $n failing (it makes fewer calls); $((n - 1)) failures were clean"
[ $n -gt 20 ] || fail "only $n calls: the fault injection does not reach the create"
x domid scen-fault >>"$XCTL_SCEN_TMP/domids"
ok destroy scen-fault
