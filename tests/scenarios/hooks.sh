# SPDX-License-Identifier: LGPL-2.1-only
# Hooks: a failing prepare hook aborts the create cleanly, its output in
# the error; the others get NAME DOMID OPERATION and the domain's JSON;
# a destroy waits for a create of the domain still under way.
mkdir -p "$XCTL_HOOKS_DIR/prepare" "$XCTL_HOOKS_DIR/started" "$XCTL_HOOKS_DIR/release"
cat >"$XCTL_HOOKS_DIR/prepare/10-refuse" <<'HOOK'
#!/bin/sh
echo "no room for $1 today"
exit 3
HOOK
cat >"$XCTL_HOOKS_DIR/started/10-note" <<HOOK
#!/bin/sh
{ echo "\$1 \$2 \$3"; cat; } >"$XCTL_SCEN_TMP/started.out"
HOOK
cat >"$XCTL_HOOKS_DIR/release/10-note" <<HOOK
#!/bin/sh
echo "\$1 \$2 \$3" >"$XCTL_SCEN_TMP/release.out"
HOOK
chmod +x "$XCTL_HOOKS_DIR"/*/10-*
make_disk "$XCTL_SCEN_TMP/hook.img" 16
fails 1 create -q "$XCTL_SCEN_CONFIGS/pv.cfg" 'name="scen-hook"' \
	"disk=[\"format=raw, vdev=xvda, access=rw$(disk_opts), target=$XCTL_SCEN_TMP/hook.img\"]" 'vif=[]' $XCTL_SCEN_ARGS_PV
grep -q "no room for scen-hook today" "$XCTL_SCEN_TMP/err" || fail "the hook's output is not in the error: $(cat "$XCTL_SCEN_TMP/err")"
is_gone scen-hook || fail "a domain was created although the prepare hook failed"
rm "$XCTL_HOOKS_DIR/prepare/10-refuse"
create pv scen-hook
id=$(x domid scen-hook)
grep -q "^scen-hook $id started$" "$XCTL_SCEN_TMP/started.out" || fail "started hook: $(cat "$XCTL_SCEN_TMP/started.out")"
grep -q '"name": "scen-hook"' "$XCTL_SCEN_TMP/started.out" || fail "the started hook got no JSON"
ok destroy scen-hook
grep -q "^scen-hook $id release$" "$XCTL_SCEN_TMP/release.out" || fail "release hook did not run"
# A destroy while the create is still going (here its started hook, as a
# monitor's restart can be) waits for the create to finish, then destroys
# the domain: the create succeeds and nothing is left behind.
cat >"$XCTL_HOOKS_DIR/started/10-note" <<HOOK
#!/bin/sh
cat >/dev/null
touch "$XCTL_SCEN_TMP/started.go"
sleep 3
touch "$XCTL_SCEN_TMP/started.done"
HOOK
rm -f "$XCTL_SCEN_TMP/started.go" "$XCTL_SCEN_TMP/started.done"
make_disk "$XCTL_SCEN_TMP/hook2.img" 16
x create -q "$XCTL_SCEN_CONFIGS/pv.cfg" 'name="scen-hook"' \
	"disk=[\"format=raw, vdev=xvda, access=rw$(disk_opts), target=$XCTL_SCEN_TMP/hook2.img\"]" 'vif=[]' \
	$XCTL_SCEN_ARGS_PV >"$XCTL_SCEN_TMP/bg.out" 2>&1 &
bg=$!
wait_for "$XCTL_SCEN_TIMEOUT" "the started hook" test -e "$XCTL_SCEN_TMP/started.go"
x domid scen-hook >>"$XCTL_SCEN_TMP/domids" || fail "no domid for scen-hook while its started hook runs"
ok destroy scen-hook 2>"$XCTL_SCEN_TMP/destroy.err"
test -e "$XCTL_SCEN_TMP/started.done" || fail "destroy did not wait for the create under way (its started hook still ran)"
said=$(grep -c "domain 'scen-hook' is being created, renamed or given a device by another xctl (pid [0-9]*): waiting for it to finish (at most 60 s)" \
	"$XCTL_SCEN_TMP/destroy.err")
[ "$said" = 1 ] || fail "destroy did not say once that it waited: $(cat "$XCTL_SCEN_TMP/destroy.err")"
wait $bg || fail "the create that a destroy waited for failed: $(cat "$XCTL_SCEN_TMP/bg.out")"
is_gone scen-hook || fail "scen-hook is still there after its destroy"
rm -r "$XCTL_HOOKS_DIR/prepare" "$XCTL_HOOKS_DIR/started" "$XCTL_HOOKS_DIR/release"
