# SPDX-License-Identifier: LGPL-2.1-only
# The crash-loop guard: a domain that crashes 3 times within 120 s (the
# default) is not restarted again; it stays crashed and the log says why.
create pv scen-loop 'on_crash="restart"'
for n in 1 2 3; do
	wait_for "$XCTL_SCEN_TIMEOUT" "scen-loop running" is_state scen-loop '[r-][b-]----'
	id=$(x domid scen-loop)
	echo "$id" >>"$XCTL_SCEN_TMP/domids"
	say "crash $n of domain $id"
	crash scen-loop
	crashed_or_new() {
		now=$(x domid scen-loop 2>/dev/null) || return 1
		[ "$now" != "$id" ] || is_state scen-loop '---sc-'
	}
	wait_for "$XCTL_SCEN_TIMEOUT" "scen-loop crashed or restarted" crashed_or_new
done
wait_for 10 "the guard's message" grep -q "not restarting it again" "$XCTL_LOG_DIR/scen-loop.log"
[ "$(x domid scen-loop)" = "$id" ] || fail "scen-loop was restarted after its third crash"
is_state scen-loop '---sc-' || fail "scen-loop is not left crashed: $(state scen-loop)"
ok destroy scen-loop
