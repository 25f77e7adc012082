# SPDX-License-Identifier: LGPL-2.1-only
# Hot-plug on a running PV guest: block-attach and network-attach, each
# device reaches Connected (4) with the guest's frontend, block-list and
# network-list (and --json) show it in xl's columns, a reboot keeps it (the
# saved configuration), block-detach and network-detach remove it, and bad
# input is refused with xl's messages.
create pv scen-att
domid=$(x domid scen-att)
img="$XCTL_SCEN_TMP/scen-att-b.img"
make_disk "$img" 8
vifname="xsa$$" # the vif's host-side name, unique on this host

# the state column of a device's row (block-list: Vdev; network-list: Idx)
dev_state() {
	col=4
	[ "$1" = network-list ] && col=5
	x "$1" scen-att | awk -v d="$2" -v c="$col" 'NR > 1 && $1 == d { print $c }'
}
connected() {
	[ "$(dev_state "$1" "$2")" = 4 ]
}
absent() {
	[ -z "$(dev_state "$1" "$2")" ]
}

say "block-attach xvdb"
ok block-attach scen-att "format=raw, vdev=xvdb, access=rw$(disk_opts), target=$img"
wait_for "$XCTL_SCEN_TIMEOUT" "xvdb connected" connected block-list 51728
x block-list scen-att >"$XCTL_SCEN_TMP/bl" || fail "block-list failed"
# xl's header, byte for byte (xl_block.c main_blocklist)
printf '%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n' Vdev BE handle state evt-ch ring-ref BE-path >"$XCTL_SCEN_TMP/bl.want"
head -n 1 "$XCTL_SCEN_TMP/bl" | cmp -s - "$XCTL_SCEN_TMP/bl.want" || fail "block-list header: $(head -n 1 "$XCTL_SCEN_TMP/bl")"
row=$(awk '$1 == 51728' "$XCTL_SCEN_TMP/bl")
set -- $row
printf '%-5d %-3d %-6d %-5d %-6d %-8d %-30s\n' 51728 0 "$domid" 4 "$5" "$6" "/local/domain/0/backend/vbd/$domid/51728" \
	>"$XCTL_SCEN_TMP/row.want"
printf '%s\n' "$row" | cmp -s - "$XCTL_SCEN_TMP/row.want" || fail "block-list row of xvdb: '$row'"
x block-list --json scen-att | grep -q '"vdev": "xvdb"' || fail "block-list --json has no xvdb"
fails 1 block-attach scen-att "format=raw, vdev=xvdb, access=rw$(disk_opts), target=$img"
grep -q "already has it" "$XCTL_SCEN_TMP/err" || fail "a second xvdb: $(cat "$XCTL_SCEN_TMP/err")"

say "network-attach"
ok network-attach scen-att bridge=xenbr0 "vifname=$vifname"
wait_for "$XCTL_SCEN_TIMEOUT" "vif 1 connected" connected network-list 1
x network-list scen-att >"$XCTL_SCEN_TMP/nl" || fail "network-list failed"
printf '%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n' Idx BE 'Mac Addr.' handle state evt-ch tx- rx-ring-ref BE-path \
	>"$XCTL_SCEN_TMP/nl.want"
head -n 1 "$XCTL_SCEN_TMP/nl" | cmp -s - "$XCTL_SCEN_TMP/nl.want" || fail "network-list header: $(head -n 1 "$XCTL_SCEN_TMP/nl")"
mac=$(awk '$1 == 1 { print $3 }' "$XCTL_SCEN_TMP/nl")
case $mac in
00:16:3e:??:??:??) ;;
*) fail "network-list: the new vif's MAC is '$mac'" ;;
esac
x network-list --json scen-att | grep -q "\"mac\": \"$mac\"" || fail "network-list --json has no $mac"

say "reboot keeps them"
ok reboot -w scen-att
new_domid() {
	id=$(x domid scen-att 2>/dev/null) && [ "$id" != "$domid" ] && is_state scen-att '[r-][b-]----'
}
wait_for "$XCTL_SCEN_TIMEOUT" "scen-att restarted" new_domid
domid=$(x domid scen-att)
echo "$domid" >>"$XCTL_SCEN_TMP/domids"
wait_for "$XCTL_SCEN_TIMEOUT" "xvdb connected after reboot" connected block-list 51728
wait_for "$XCTL_SCEN_TIMEOUT" "vif 1 connected after reboot" connected network-list 1

say "block-detach and network-detach"
ok block-detach scen-att xvdb
absent block-list 51728 || fail "xvdb still listed after block-detach"
ok network-detach scen-att "$mac"
absent network-list 1 || fail "vif 1 still listed after network-detach"
connected block-list 51712 || fail "xvda is no longer connected"
say "attach again, detach -f"
ok block-attach scen-att "format=raw, vdev=xvdb, access=rw$(disk_opts), target=$img"
wait_for "$XCTL_SCEN_TIMEOUT" "xvdb connected again" connected block-list 51728
ok block-detach -f scen-att 51728
absent block-list 51728 || fail "xvdb still listed after block-detach -f"

say "bad input"
fails 1 block-attach scen-att-none "format=raw, vdev=xvdc, target=$img"
grep -q "scen-att-none is an invalid domain identifier" "$XCTL_SCEN_TMP/err" || fail "unknown domain: $(cat "$XCTL_SCEN_TMP/err")"
fails 2 block-attach scen-att "format=raw, vdev=nodisk, target=$img"
fails 1 block-detach scen-att xvdb
grep -q "Error: Device xvdb not connected." "$XCTL_SCEN_TMP/err" || fail "detach of a missing disk: $(cat "$XCTL_SCEN_TMP/err")"
grep -q "domain 'scen-att' has no disk xvdb" "$XCTL_SCEN_TMP/err" || fail "detach of a missing disk: $(cat "$XCTL_SCEN_TMP/err")"
fails 1 network-detach scen-att 7
grep -q "Unknown device 7." "$XCTL_SCEN_TMP/err" || fail "detach of a missing vif: $(cat "$XCTL_SCEN_TMP/err")"
fails 2 network-attach scen-att mtu=big

ok destroy scen-att
is_gone scen-att || fail "scen-att still there after destroy"
