# SPDX-License-Identifier: LGPL-2.1-only
# A HVM guest from configs/hvm.cfg: create, list -l --json, pause and
# unpause, shutdown -w (on_poweroff=destroy: it is gone after).
say "create an HVM domain"
create hvm scen-hvm
[ "$(json_field scen-hvm type)" = hvm ] || fail "list -l --json: type is not hvm"
[ "$(json_field scen-hvm name)" = scen-hvm ] || fail "list -l --json: wrong name"
x list -l --json scen-hvm | grep -q '"config"' || fail "list -l --json has no config"
x list -l --json scen-hvm | grep -q '"on_poweroff": "destroy"' || fail "list -l --json: config lacks on_poweroff"
say "pause and unpause"
ok pause scen-hvm
wait_for 5 "scen-hvm paused" is_state scen-hvm '--p---'
ok unpause scen-hvm
wait_for 5 "scen-hvm running" is_state scen-hvm '[r-]b----'
say "shutdown -w"
ok shutdown -w scen-hvm
wait_for "$XCTL_SCEN_TIMEOUT" "scen-hvm gone" is_gone scen-hvm
