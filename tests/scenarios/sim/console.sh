# SPDX-License-Identifier: LGPL-2.1-only
# xctl console on the simulated host: an unknown domain and a console the
# guest does not have are refused with a message naming them; attached to a
# running guest, console relays a line typed on its input to the guest's
# shell, the guest's answer back, and returns when the input ends.
say "console of an unknown domain"
fails 1 console scen-nosuch
grep -q "scen-nosuch is an invalid domain identifier" "$XCTL_SCEN_TMP/err" ||
	fail "console of an unknown domain: $(cat "$XCTL_SCEN_TMP/err")"
create pv scen-con
say "console -n 1: no such console"
fails 1 console -n 1 scen-con
grep -q "has no pv console 1" "$XCTL_SCEN_TMP/err" || fail "console -n 1: $(cat "$XCTL_SCEN_TMP/err")"
say "console relays input and returns at its end"
id=$(x domid scen-con)
printf 'uname\n' | x console scen-con >"$XCTL_SCEN_TMP/con.out" 2>&1 ||
	fail "console of scen-con failed: $(cat "$XCTL_SCEN_TMP/con.out")"
grep -q "xctl-guest: domain $id, [0-9]* vcpu(s)" "$XCTL_SCEN_TMP/con.out" ||
	fail "the guest's answer to uname did not come out of console: $(cat "$XCTL_SCEN_TMP/con.out")"
ok destroy scen-con
