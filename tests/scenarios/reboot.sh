# SPDX-License-Identifier: LGPL-2.1-only
# reboot -w: the guest reboots, its monitor applies on_reboot=restart: the
# domain comes back under its name with a new domid.
create pv scen-reboot
old=$(x domid scen-reboot)
say "reboot -w domain $old"
ok reboot -w scen-reboot
new_domid() {
	id=$(x domid scen-reboot 2>/dev/null) && [ "$id" != "$old" ] && is_state scen-reboot '[r-][b-]----'
}
wait_for "$XCTL_SCEN_TIMEOUT" "scen-reboot restarted" new_domid
x domid scen-reboot >>"$XCTL_SCEN_TMP/domids"
ok destroy scen-reboot
is_gone scen-reboot || fail "scen-reboot still there after destroy"
