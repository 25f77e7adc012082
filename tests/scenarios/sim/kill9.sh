# SPDX-License-Identifier: LGPL-2.1-only
# kill -9 of xctl at each step of a create (XCTL_HV_KILL=N: at the Nth
# hypervisor or xenstore call), then any xctl command: the interrupted
# create is finished or rolled back, and the leak check passes.
make_disk "$XCTL_SCEN_TMP/kill.img" 16
snapshot "$XCTL_SCEN_TMP/k0"
n=1
while :; do
	# shellcheck disable=SC2086
	XCTL_HV_KILL=$n x create -q "$XCTL_SCEN_CONFIGS/pv.cfg" 'name="scen-kill"' \
		"disk=[\"format=raw, vdev=xvda, access=rw, target=$XCTL_SCEN_TMP/kill.img\"]" 'vif=["bridge=xenbr0"]' \
		$XCTL_SCEN_ARGS_PV >"$XCTL_SCEN_TMP/k.out" 2>"$XCTL_SCEN_TMP/k.err"
	rc=$?
	[ $rc = 0 ] && break
	[ $rc = 137 ] || fail "create with XCTL_HV_KILL=$n exited $rc: $(cat "$XCTL_SCEN_TMP/k.err")"
	x list >/dev/null 2>"$XCTL_SCEN_TMP/k.rec" || fail "xctl list after the kill failed: $(cat "$XCTL_SCEN_TMP/k.rec")"
	if [ -s "$XCTL_SCEN_TMP/k.rec" ]; then
		grep -q "was interrupted" "$XCTL_SCEN_TMP/k.rec" || fail "unexpected: $(cat "$XCTL_SCEN_TMP/k.rec")"
	fi
	# a create killed after its commit has made the domain: that is finished
	if x domid scen-kill >/dev/null 2>&1; then
		x domid scen-kill >>"$XCTL_SCEN_TMP/domids"
		ok destroy scen-kill
	fi
	snapshot "$XCTL_SCEN_TMP/k$n"
	leak_check "$XCTL_SCEN_TMP/k0" "$XCTL_SCEN_TMP/k$n" || fail "leak after a kill at call $n"
	n=$((n + 1))
	[ $n -lt 2000 ] || fail "the create was never left alone"
done
say "killed at each of $((n - 1)) calls; every interrupted create was cleaned up"
[ $n -gt 20 ] || fail "only $n calls were reached"
x domid scen-kill >>"$XCTL_SCEN_TMP/domids"
ok destroy scen-kill
