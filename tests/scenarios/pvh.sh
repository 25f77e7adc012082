# SPDX-License-Identifier: LGPL-2.1-only
# A PVH guest from configs/pvh.cfg: create, list -l --json, pause and
# unpause, shutdown -w (on_poweroff=destroy: it is gone after).
say "create a PVH domain"
create pvh scen-pvh
[ "$(json_field scen-pvh type)" = pvh ] || fail "list -l --json: type is not pvh"
[ "$(json_field scen-pvh name)" = scen-pvh ] || fail "list -l --json: wrong name"
x list -l --json scen-pvh | grep -q '"config"' || fail "list -l --json has no config"
x list -l --json scen-pvh | grep -q '"on_poweroff": "destroy"' || fail "list -l --json: config lacks on_poweroff"
say "pause and unpause"
ok pause scen-pvh
wait_for 5 "scen-pvh paused" is_state scen-pvh '--p---'
ok unpause scen-pvh
wait_for 5 "scen-pvh running" is_state scen-pvh '[r-]b----'
say "shutdown -w"
ok shutdown -w scen-pvh
wait_for "$XCTL_SCEN_TIMEOUT" "scen-pvh gone" is_gone scen-pvh
