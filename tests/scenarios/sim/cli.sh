# SPDX-License-Identifier: LGPL-2.1-only
# Small commands at their edges on the simulated host. console: an unknown
# domain and a console the guest does not have are refused with a message
# naming them; attached to a running guest, it relays a line typed on its
# input to the guest's shell, the guest's answer back, and returns when the
# input ends. dmesg, domid and domname: usage errors and xl's messages.
# destroy refuses domain 0 without -f, as xl. A disk its backend refuses
# (Closed at once) fails the create at once, naming the backend, where
# libxl would wait out its 10 s for InitWait.
say "dmesg, domid and domname"
x dmesg >"$XCTL_SCEN_TMP/dmesg" || fail "dmesg failed"
[ -s "$XCTL_SCEN_TMP/dmesg" ] || fail "dmesg printed nothing: the simulated hypervisor has logged its start"
fails 2 dmesg extra
fails 2 dmesg -z
grep -q "dmesg" "$XCTL_SCEN_TMP/err" || fail "dmesg -z: the usage error does not name the command"
fails 2 domid
fails 2 domname
fails 1 domname scen-notanumber
grep -qx "Invalid domain id." "$XCTL_SCEN_TMP/err" || fail "domname of a non-number: $(cat "$XCTL_SCEN_TMP/err")"
fails 1 domid scen-nosuch
grep -q "Can't get domid of domain name 'scen-nosuch'" "$XCTL_SCEN_TMP/err" ||
	fail "domid of an unknown name: $(cat "$XCTL_SCEN_TMP/err")"
[ "$(x domid Domain-0)" = 0 ] || fail "domid Domain-0 is not 0"
[ "$(x domname 0)" = Domain-0 ] || fail "domname 0 is not Domain-0"
say "destroy 0 without -f"
fails 1 destroy 0
grep -q "Not destroying domain 0; use -f to force." "$XCTL_SCEN_TMP/err" || fail "destroy 0: $(cat "$XCTL_SCEN_TMP/err")"
[ "$(x domname 0)" = Domain-0 ] || fail "domain 0 is gone after a refused destroy"
say "console of an unknown domain"
fails 1 console scen-nosuch
grep -q "scen-nosuch is an invalid domain identifier" "$XCTL_SCEN_TMP/err" ||
	fail "console of an unknown domain: $(cat "$XCTL_SCEN_TMP/err")"
create pv scen-con
say "console -n 1: no such console"
fails 1 console -n 1 scen-con
grep -q "has no pv console 1" "$XCTL_SCEN_TMP/err" || fail "console -n 1: $(cat "$XCTL_SCEN_TMP/err")"
say "console relays input and returns at its end"
id=$(x domid scen-con)
printf 'uname\n' | x console scen-con >"$XCTL_SCEN_TMP/con.out" 2>&1 ||
	fail "console of scen-con failed: $(cat "$XCTL_SCEN_TMP/con.out")"
grep -q "xctl-guest: domain $id, [0-9]* vcpu(s)" "$XCTL_SCEN_TMP/con.out" ||
	fail "the guest's answer to uname did not come out of console: $(cat "$XCTL_SCEN_TMP/con.out")"
ok destroy scen-con
say "a disk its backend refuses: an error at once, naming it, nothing left"
mkdir -p "$XCTL_SCEN_TMP/notafile"
s=$(date +%s)
fails 1 create -q "$XCTL_SCEN_CONFIGS/pv.cfg" 'name="scen-refused"' \
	"disk=[\"format=raw, vdev=xvda, access=rw, target=$XCTL_SCEN_TMP/notafile\"]" 'vif=[]' ${XCTL_SCEN_ARGS_PV:-}
grep -q "vbd 51712: the block (xctl-blkback) backend refused it (backend state Closed)" "$XCTL_SCEN_TMP/err" ||
	fail "a refused disk: $(cat "$XCTL_SCEN_TMP/err")"
[ $(($(date +%s) - s)) -lt 8 ] || fail "a refused disk took $(($(date +%s) - s)) s: the create waited for a backend that had answered"
if x domid scen-refused >/dev/null 2>&1; then
	fail "scen-refused exists after its create failed"
fi
