# SPDX-License-Identifier: LGPL-2.1-only
# kill -9 of xctl at each step of a block-attach and a block-detach
# (XCTL_CORE_KILL_STEP=K: just before step K, after the last step, after
# the commit), then any xctl command: a killed attach is rolled back, a
# killed detach finished (or, past the commit, both are done), it says which,
# and the disk is either whole or gone: listed and in the saved
# configuration, or neither. The leak check runs after.
create pv scen-ak
img="$XCTL_SCEN_TMP/scen-ak-b.img"
make_disk "$img" 8
spec="format=raw, vdev=xvdb, access=rw, target=$img"

listed() {
	x block-list scen-ak | awk 'NR > 1 { print $1 }' | grep -qx 51728
}
in_config() {
	x list -l --json scen-ak | grep -q '"vdev": "xvdb"'
}
recovered() { # recovered OP: the next command said what it did
	x list >/dev/null 2>"$XCTL_SCEN_TMP/k.rec" || fail "xctl list after the kill failed: $(cat "$XCTL_SCEN_TMP/k.rec")"
	grep -q "an earlier 'xctl $1' of 'scen-ak' .* was interrupted.*; \(rolled back\|finished\|it had finished\)" \
		"$XCTL_SCEN_TMP/k.rec" || fail "after a kill of $1 at step $k, xctl list did not say what it did: $(cat "$XCTL_SCEN_TMP/k.rec")"
	say "$1 step $k: $(cat "$XCTL_SCEN_TMP/k.rec")"
}
gone() {
	! listed || fail "xvdb still listed after the recovery of a kill at step $k"
	! in_config || fail "xvdb still in the saved configuration after the recovery of a kill at step $k"
}
whole() {
	listed || fail "xvdb not listed after a kill at step $k past the commit"
	in_config || fail "xvdb not in the saved configuration after a kill at step $k past the commit"
}

k=1
while :; do
	XCTL_CORE_KILL_STEP=$k x block-attach scen-ak "$spec" >"$XCTL_SCEN_TMP/k.out" 2>"$XCTL_SCEN_TMP/k.err"
	rc=$?
	[ $rc = 0 ] && break
	[ $rc = 137 ] || fail "block-attach with XCTL_CORE_KILL_STEP=$k exited $rc: $(cat "$XCTL_SCEN_TMP/k.err")"
	recovered block-attach
	if grep -q "it had finished" "$XCTL_SCEN_TMP/k.rec"; then
		whole
		ok block-detach scen-ak xvdb
	fi
	gone
	k=$((k + 1))
done
[ $k -ge 5 ] || fail "block-attach ran to its end at kill step $k: fewer steps than expected"
whole

k=1
while :; do
	XCTL_CORE_KILL_STEP=$k x block-detach scen-ak xvdb >"$XCTL_SCEN_TMP/k.out" 2>"$XCTL_SCEN_TMP/k.err"
	rc=$?
	[ $rc = 0 ] && break
	[ $rc = 137 ] || fail "block-detach with XCTL_CORE_KILL_STEP=$k exited $rc: $(cat "$XCTL_SCEN_TMP/k.err")"
	recovered block-detach
	gone
	ok block-attach scen-ak "$spec"
	k=$((k + 1))
done
[ $k -ge 4 ] || fail "block-detach ran to its end at kill step $k: fewer steps than expected"
gone

# a vif killed as it was about to be added: rolled back, nothing of it left
k=2
XCTL_CORE_KILL_STEP=$k x network-attach scen-ak "vifname=xak$$" >"$XCTL_SCEN_TMP/k.out" 2>"$XCTL_SCEN_TMP/k.err"
[ $? = 137 ] || fail "network-attach with XCTL_CORE_KILL_STEP=$k was not killed: $(cat "$XCTL_SCEN_TMP/k.err")"
recovered network-attach
grep -q "rolled back: vif 1 removed" "$XCTL_SCEN_TMP/k.rec" || fail "network-attach recovery: $(cat "$XCTL_SCEN_TMP/k.rec")"
x network-list scen-ak | awk 'NR > 1 { print $1 }' | grep -qx 1 && fail "vif 1 listed after the rollback"
ok destroy scen-ak
