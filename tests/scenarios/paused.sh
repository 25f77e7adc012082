# SPDX-License-Identifier: LGPL-2.1-only
# create -p leaves the domain paused; destroy removes it at once.
create pv scen-paused -p
is_state scen-paused '--p---' || fail "create -p: state is $(state scen-paused)"
ok destroy scen-paused
is_gone scen-paused || fail "scen-paused still listed after destroy"
fails 1 destroy scen-paused
grep -q "scen-paused is an invalid domain identifier" "$XCTL_SCEN_TMP/err" || fail "$(cat "$XCTL_SCEN_TMP/err")"
