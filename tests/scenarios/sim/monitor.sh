# SPDX-License-Identifier: LGPL-2.1-only
# The monitor creates a restarted domain with the global configuration the
# create read (as xl's monitor, the process that read xl.conf): it is
# started with the create's --config, and restarts the domain at its
# reboot with it.
cfgf=$XCTL_SCEN_TMP/xctl-global.conf
printf 'autoballoon = "off"\nvif.default.bridge = "xenbr0"\n' >"$cfgf"
XCTL="$XCTL --config $cfgf"
create pv scen-moncfg
old=$(x domid scen-moncfg)
mon=$(our_processes | grep ' monitor ')
case $mon in
*" --config $cfgf monitor "*) ;;
*) fail "the monitor was not started with the create's --config: '$mon'" ;;
esac
ok reboot -w scen-moncfg
restarted() {
	id=$(x domid scen-moncfg 2>/dev/null) && [ "$id" != "$old" ]
}
wait_for "$XCTL_SCEN_TIMEOUT" "scen-moncfg restarted" restarted
x domid scen-moncfg >>"$XCTL_SCEN_TMP/domids"
grep -q "Done. Rebooting now" "$XCTL_LOG_DIR/scen-moncfg.log" || fail "the monitor's log does not say it restarted it"
ok destroy scen-moncfg
