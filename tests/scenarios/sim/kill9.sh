# SPDX-License-Identifier: LGPL-2.1-only
# kill -9 of xctl at each step of a create (XCTL_CORE_KILL_STEP=K: just
# before step K, then after the last step and after the commit), then any
# xctl command: the interrupted create is rolled back (or, past its commit,
# finished), it says which, and the leak check passes.
make_disk "$XCTL_SCEN_TMP/kill.img" 16
snapshot "$XCTL_SCEN_TMP/k0"
k=1
while :; do
	# shellcheck disable=SC2086
	XCTL_CORE_KILL_STEP=$k x create -q "$XCTL_SCEN_CONFIGS/pv.cfg" 'name="scen-kill"' \
		"disk=[\"format=raw, vdev=xvda, access=rw, target=$XCTL_SCEN_TMP/kill.img\"]" 'vif=["bridge=xenbr0"]' \
		$XCTL_SCEN_ARGS_PV >"$XCTL_SCEN_TMP/k.out" 2>"$XCTL_SCEN_TMP/k.err"
	rc=$?
	[ $rc = 0 ] && break
	[ $rc = 137 ] || fail "create with XCTL_CORE_KILL_STEP=$k exited $rc: $(cat "$XCTL_SCEN_TMP/k.err")"
	x list >/dev/null 2>"$XCTL_SCEN_TMP/k.rec" || fail "xctl list after the kill failed: $(cat "$XCTL_SCEN_TMP/k.rec")"
	grep -q "an earlier 'xctl create' of 'scen-kill' .* was interrupted.*; \(rolled back\|it had finished\)" \
		"$XCTL_SCEN_TMP/k.rec" || fail "after a kill at step $k, xctl list did not say what it did: $(cat "$XCTL_SCEN_TMP/k.rec")"
	say "step $k: $(cat "$XCTL_SCEN_TMP/k.rec")"
	# past its commit the domain was made: the create is finished, not undone
	if grep -q "it had finished" "$XCTL_SCEN_TMP/k.rec"; then
		x domid scen-kill >>"$XCTL_SCEN_TMP/domids" || fail "a finished create left no domain"
		ok destroy scen-kill
	else
		fails 1 domid scen-kill
	fi
	snapshot "$XCTL_SCEN_TMP/k$k"
	leak_check "$XCTL_SCEN_TMP/k0" "$XCTL_SCEN_TMP/k$k" || fail "leak after a kill at step $k"
	k=$((k + 1))
	[ $k -lt 100 ] || fail "the create was never left alone"
done
say "killed at each of $((k - 1)) points of a create; each was cleaned up"
[ $k -gt 6 ] || fail "only $k kill points: the create has more steps"
x domid scen-kill >>"$XCTL_SCEN_TMP/domids"
ok destroy scen-kill
