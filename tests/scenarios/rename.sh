# SPDX-License-Identifier: LGPL-2.1-only
# rename: the new name everywhere, an existing name refused.
create pv scen-ren1
create pv scen-ren2
id=$(x domid scen-ren1)
ok rename scen-ren1 scen-ren3
[ "$(x domid scen-ren3)" = "$id" ] || fail "domid of the renamed domain changed"
[ "$(x domname "$id")" = scen-ren3 ] || fail "domname does not give the new name"
fails 1 domid scen-ren1
fails 1 rename scen-ren3 scen-ren2
grep -q "already exists" "$XCTL_SCEN_TMP/err" || fail "renaming onto a used name: $(cat "$XCTL_SCEN_TMP/err")"
ok destroy scen-ren3
ok destroy scen-ren2
