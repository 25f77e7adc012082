# SPDX-License-Identifier: LGPL-2.1-only
# 8 concurrent creates of one name: exactly one domain, seven clear errors.
make_disk "$XCTL_SCEN_TMP/same.img" 16
for i in 1 2 3 4 5 6 7 8; do
	(
		# shellcheck disable=SC2086
		x create -q "$XCTL_SCEN_CONFIGS/pv.cfg" 'name="scen-same"' \
			"disk=[\"format=raw, vdev=xvda, access=ro$(disk_opts), target=$XCTL_SCEN_TMP/same.img\"]" 'vif=[]' \
			$XCTL_SCEN_ARGS_PV >"$XCTL_SCEN_TMP/c$i.out" 2>"$XCTL_SCEN_TMP/c$i.err"
		echo $? >"$XCTL_SCEN_TMP/c$i.rc"
	) &
done
wait
won=0
lost=0
for i in 1 2 3 4 5 6 7 8; do
	if [ "$(cat "$XCTL_SCEN_TMP/c$i.rc")" = 0 ]; then
		won=$((won + 1))
	else
		lost=$((lost + 1))
		grep -q "scen-same" "$XCTL_SCEN_TMP/c$i.err" &&
			grep -q -e "already exists" -e "being created" "$XCTL_SCEN_TMP/c$i.err" ||
			fail "create $i failed without saying the name is taken: $(cat "$XCTL_SCEN_TMP/c$i.err")"
	fi
done
[ $won = 1 ] && [ $lost = 7 ] || fail "$won creates succeeded and $lost failed (expected 1 and 7)"
[ "$(x list | grep -c '^scen-same ')" = 1 ] || fail "not exactly one domain scen-same"
x domid scen-same >>"$XCTL_SCEN_TMP/domids"
ok destroy scen-same
