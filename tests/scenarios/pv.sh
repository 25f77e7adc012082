# SPDX-License-Identifier: LGPL-2.1-only
# A PV guest from configs/pv.cfg: create, list -l --json, pause and
# unpause, shutdown -w (on_poweroff=destroy: it is gone after).
say "create a PV domain"
create pv scen-pv
[ "$(json_field scen-pv type)" = pv ] || fail "list -l --json: type is not pv"
[ "$(json_field scen-pv name)" = scen-pv ] || fail "list -l --json: wrong name"
x list -l --json scen-pv | grep -q '"config"' || fail "list -l --json has no config"
x list -l --json scen-pv | grep -q '"on_poweroff": "destroy"' || fail "list -l --json: config lacks on_poweroff"
say "pause and unpause"
ok pause scen-pv
wait_for 5 "scen-pv paused" is_state scen-pv '--p---'
ok unpause scen-pv
wait_for 5 "scen-pv running" is_state scen-pv '[r-]b----'
say "shutdown -w"
ok shutdown -w scen-pv
wait_for "$XCTL_SCEN_TIMEOUT" "scen-pv gone" is_gone scen-pv
