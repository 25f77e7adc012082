# SPDX-License-Identifier: LGPL-2.1-only
# 'on_crash="restart"': a guest that crashes (sysrq c) is restarted by its
# monitor under its name with a new domid.
create pv scen-crash 'on_crash="restart"'
old=$(x domid scen-crash)
wait_for "$XCTL_SCEN_TIMEOUT" "scen-crash running" is_state scen-crash '[r-][b-]----'
say "crash domain $old"
crash scen-crash
restarted() {
	id=$(x domid scen-crash 2>/dev/null) && [ "$id" != "$old" ]
}
wait_for "$XCTL_SCEN_TIMEOUT" "scen-crash restarted" restarted
x domid scen-crash >>"$XCTL_SCEN_TMP/domids"
grep -q "Action for shutdown reason code 3 is restart" "$XCTL_LOG_DIR/scen-crash.log" ||
	fail "the monitor's log does not say it restarted the crashed domain"
ok destroy scen-crash
