# SPDX-License-Identifier: LGPL-2.1-only
# mem-set, mem-max, vcpu-set, vcpu-list, vcpu-pin.
create pv scen-mem memory=256 maxmem=512 vcpus=2 maxvcpus=4
mem() { x list scen-mem | awk 'NR == 2 { print $3 }'; }
vcpus() { x list scen-mem | awk 'NR == 2 { print $4 }'; }
ok mem-set scen-mem 128m
wait_for "$XCTL_SCEN_TIMEOUT" "memory 128" sh -c "[ \"\$($XCTL list scen-mem | awk 'NR == 2 { print \$3 }')\" = 128 ]"
ok mem-max scen-mem 384
fails 1 mem-set scen-mem 1g
fails 1 mem-set scen-mem 12x
grep -q "invalid memory size: 12x" "$XCTL_SCEN_TMP/err" || fail "bad size: $(cat "$XCTL_SCEN_TMP/err")"
# --ignore-host: the lab has one physical CPU, xl would refuse 3 vCPUs there
ok vcpu-set --ignore-host scen-mem 3
wait_for "$XCTL_SCEN_TIMEOUT" "3 vcpus" sh -c "[ \"\$($XCTL list scen-mem | awk 'NR == 2 { print \$4 }')\" = 3 ]"
x vcpu-list scen-mem >"$XCTL_SCEN_TMP/vl" || fail "vcpu-list failed"
head -n 1 "$XCTL_SCEN_TMP/vl" | grep -q '^Name  *ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)$' ||
	fail "vcpu-list heading: $(head -n 1 "$XCTL_SCEN_TMP/vl")"
[ "$(grep -c '^scen-mem ' "$XCTL_SCEN_TMP/vl")" = 4 ] || fail "vcpu-list does not show 4 vcpus"
[ "$(awk '$1 == "scen-mem" && $3 == 3 { print $5 }' "$XCTL_SCEN_TMP/vl")" = "--p" ] ||
	fail "vcpu 3 is not shown offline"
ok vcpu-pin scen-mem 0 0
# xl prints a map of every CPU of the host as "all": on a host of one CPU
# (the lab's) CPU 0 is all of them
pin=0
[ "$(x info | awk '$1 == "nr_cpus" { print $3 }')" = 1 ] && pin=all
[ "$(x vcpu-list scen-mem | awk '$1 == "scen-mem" && $3 == 0 { print $(NF - 2) }')" = "$pin" ] ||
	fail "vcpu 0 is not pinned to cpu 0 ($pin): $(x vcpu-list scen-mem)"
fails 1 vcpu-set --ignore-host scen-mem 5
# more vCPUs than the host has CPUs (4 simulated, 1 in the lab): xl's refusal
fails 1 vcpu-set scen-mem 5
grep -q "You are overcommmitting! You have [0-9]* physical CPUs and want 5 vCPUs! Aborting, use --ignore-host to continue" \
	"$XCTL_SCEN_TMP/err" || fail "vcpu-set beyond the host's CPUs: $(cat "$XCTL_SCEN_TMP/err")"
ok destroy scen-mem
