#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-only
# The lab: boot real Xen 4.17 in QEMU with a BusyBox dom0 and run the
# scenarios of tests/lab/scenarios/ there. Called by `make lab`.
#
# Usage: tests/lab/lab.sh BUILD_DIR [KNOWN_TARGET...]
#   BUILD_DIR      the build tree holding bin/xctl (artifacts go to BUILD_DIR/lab)
#   KNOWN_TARGET   build outputs the tree knows how to make (relative to
#                  BUILD_DIR); what each scenario does is decided by
#                  tests/lab/plan.sh from its lab-needs header.
# Environment: XCTL_LAB_CACHE (default /var/cache/xctl-lab), XCTL_LAB_TIMEOUT
# (seconds QEMU may run, default 1080), XCTL_LAB_ACCEL (QEMU accelerator,
# default tcg: KVM cannot run Xen on the machines this was written on),
# XCTL_LAB_ONLY (space-separated
# scenario names to run; the others are NOT RUN), XCTL_LAB_OUT (artifacts
# directory, default BUILD_DIR/lab), XCTL_LAB_LOCK (the machine-wide lock
# that keeps to one QEMU at a time, default /tmp/xctl-lab.lock),
# XCTL_LAB_BREAK (tests of the harness only: a fault to plant in the guests,
# disk-marker: they write back a wrong disk marker), XCTL_LAB_SCENARIOS (the
# scenario directory, default tests/lab/scenarios; make lab-bench runs
# tests/lab/bench). Every bench-*.txt a scenario leaves is printed at the end.
# XCTL_LAB_SMP: vCPUs of QEMU and of dom0 (default 1: with 2, dom0's memory
# was corrupted in every run on a loaded machine, docs/lab.md).
# XCTL_LAB_DOM0_VCPUS: dom0's vCPUs alone (default XCTL_LAB_SMP): with
# XCTL_LAB_SMP=2 and this 1, Xen has two CPUs and dom0 one.
# XCTL_LAB_CPU: QEMU's -cpu (default max without rdtscp and without XSAVE
# and what needs it: with XSAVE, processes in dom0 and in PV guests read
# wrong memory, docs/lab.md). XCTL_LAB_QEMU: the QEMU binary (default
# qemu-system-x86_64 on the PATH).
# XCTL_LAB_XS_TRACE=1: dom0's xenstored traces every request to
# xenstored-trace.log among the artifacts (for diagnosis; it slows xenstored).
set -euo pipefail

# The whole script is one function, so that bash has read all of it before
# it runs: editing the file during a run cannot derail the run.
main() {
build=$1
shift
lab=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$lab/../.." && pwd)
scen=$(cd "${XCTL_LAB_SCENARIOS:-$lab/scenarios}" && pwd)
out=${XCTL_LAB_OUT:-$build/lab}
cache=${XCTL_LAB_CACHE:-/var/cache/xctl-lab}
deadline=${XCTL_LAB_TIMEOUT:-1080}
die() { echo "lab: $*" >&2; exit 1; }

now() { date +%s.%N; }
since() { awk -v s="$1" -v n="$(now)" 'BEGIN { printf "%.1f", n - s }'; }
timings=()
phase() { timings+=("$(printf '%-34s %7ss  %s' "$1" "$2" "${3:-}")"); echo "lab: $1: ${2}s ${3:-}"; }

[ -x "$build/bin/xctl" ] || die "$build/bin/xctl is missing; build it first (make lab does)"
case ${XCTL_LAB_BREAK:-} in
'' | disk-marker) ;;
*) die "XCTL_LAB_BREAK='$XCTL_LAB_BREAK' is not a fault the guests know (disk-marker)" ;;
esac
# The plan first: a broken scenario header stops the run before the boot.
plan=$("$lab/plan.sh" "$scen" "$build" "$@") || die "the plan of the scenarios failed (see above)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing; run scripts/install-deps.sh lab"
mkdir -p "$cache" || die "cannot create the cache directory $cache (set XCTL_LAB_CACHE)"
# One lab at a time on this machine: each QEMU takes 3.4 GB and both cores.
lock=${XCTL_LAB_LOCK:-/tmp/xctl-lab.lock}
exec 9>"$lock"
if ! flock -n 9; then
	echo "lab: another lab run holds $lock; waiting for it" >&2
	flock 9
fi
rm -rf "$out"
mkdir -p "$out"
t_all=$(now)

# 1. Debian packages, downloaded and unpacked once per set of versions.
t=$(now)
read -r key fetched <<<"$("$lab/fetch.sh" "$cache")" || die "fetching the Debian packages failed"
[ -n "$key" ] || die "fetching the Debian packages failed"
root=$cache/root-$key
kind=warm
[ "$fetched" = unpacked ] && kind=cold
phase "packages (download, unpack)" "$(since "$t")" "root-$key ($fetched)"

# 2. The base: hypervisor, kernels, guest and dom0 initramfs. Rebuilt when
# the packages or the lab's own files that go into it change.
t=$(now)
bkey=$( (echo "$key"; dpkg-query -W libc6 qemu-system-x86 2>/dev/null
	cd "$lab" && cat mkbase.sh copy-elf.sh dom0/init dom0/lib.sh dom0/guest.sh \
		dom0/scripts/* guest/*) | sha256sum | cut -c1-16)
base=$cache/base-$bkey
if [ ! -f "$base/base.cpio" ]; then
	[ $kind = warm ] && kind=images-rebuilt
	"$lab/mkbase.sh" "$root" "$base" || die "building the dom0 and guest images failed"
	phase "dom0 + guest images (built)" "$(since "$t")" "base-$bkey"
else
	phase "dom0 + guest images (cached)" "$(since "$t")" "base-$bkey"
fi
# Keep the cache small: only the current package tree and base survive.
for old in "$cache"/root-* "$cache"/base-*; do
	case $old in "$root" | "$base") ;; *) rm -rf "$old" ;; esac
done

# 3. The overlay: xctl and the build's other programs, the scenarios, the
# configs and the plan. Always rebuilt; it is small.
t=$(now)
. "$lab/copy-elf.sh"
ov=$out/overlay
mkdir -p "$ov/lab/build/bin" "$ov/lab/scenarios" "$ov/lab/configs"
for p in "$build"/bin/*; do
	[ -f "$p" ] && [ -x "$p" ] && copy_elf "$ov" "$p" "/lab/build/bin/$(basename "$p")"
done
cp "$scen"/*.sh "$ov/lab/scenarios/"
cp "$src"/configs/*.cfg "$ov/lab/configs/" 2>/dev/null || true

echo "$plan" >"$out/plan.txt"
: >"$ov/lab/plan.txt"
echo "$plan" | while read -r verb name file tmo needs; do
	[ "$verb" = RUN ] || continue
	for n in $needs; do
		[ "${n#bin/}" != "$n" ] || copy_elf "$ov" "$build/$n" "/lab/build/$n"
	done
	echo "RUN $name $file $tmo" >>"$ov/lab/plan.txt"
done
[ -z "${XCTL_LAB_BREAK:-}" ] || echo "$XCTL_LAB_BREAK" >"$ov/lab/break"
[ "${XCTL_LAB_XS_TRACE:-0}" = 0 ] || : >"$ov/lab/xs-trace"
(cd "$ov" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$out/overlay.cpio"
cat "$base/base.cpio" "$out/overlay.cpio" >"$out/dom0-initrd.cpio"
rm -rf "$ov" "$out/overlay.cpio"
phase "xctl overlay (always rebuilt)" "$(since "$t")"
prep=$(since "$t_all")
phase "total before QEMU starts" "$prep" "($kind cache)"
if [ -n "${LAB_MAKE_START:-}" ]; then
	phase "make lab start to QEMU start" "$(since "$LAB_MAKE_START")" "(includes building xctl)"
fi
echo "$(date -u +%FT%TZ) $kind $prep" >>"$cache/prep-times.log"

# 4. Boot. Xen and dom0 on the serial console; the results come back on a
# raw disk that dom0 fills with a tar archive.
truncate -s 0 "$out/output.img"
truncate -s 256M "$out/output.img"
serial=$out/serial.log
: >"$serial"
t=$(now)
timeout --kill-after=10 "$deadline" "${XCTL_LAB_QEMU:-qemu-system-x86_64}" -accel "${XCTL_LAB_ACCEL:-tcg}" \
	-cpu "${XCTL_LAB_CPU:-max,-rdtscp,-xsave,-xsaveopt,-xsavec,-xsaves,-avx,-avx2,-fma,-f16c}" -smp "${XCTL_LAB_SMP:-1}" -m 3072 \
	-display none -monitor none -nodefaults -no-reboot -serial "file:$serial" \
	-kernel "$base/xen.elf" \
	-append "dom0_mem=1024M,max:1024M dom0_max_vcpus=${XCTL_LAB_DOM0_VCPUS:-${XCTL_LAB_SMP:-1}} console=com1 com1=115200,8n1 smap=0 noreboot conring_size=1m" \
	-initrd "$base/vmlinuz console=hvc0 earlyprintk=xen,$out/dom0-initrd.cpio" \
	-drive "file=$out/output.img,if=none,format=raw,id=out" -device virtio-blk-pci,drive=out \
	>"$out/qemu.log" 2>&1 &
qpid=$!
ready=""
seen=0
while kill -0 "$qpid" 2>/dev/null; do
	sleep 1
	# Xen halts instead of exiting on a dom0 crash or panic: stop QEMU then.
	if grep -q -e 'Hardware Dom0 crashed' -e 'Panic on CPU' -e 'LAB-DOM0-POWEROFF' "$serial"; then
		grep -q LAB-DOM0-POWEROFF "$serial" && sleep 5
		kill "$qpid" 2>/dev/null || true
		grep -q LAB-DOM0-POWEROFF "$serial" || echo "lab: Xen or dom0 crashed; stopping QEMU (see $serial)" >&2
		break
	fi
	if [ -z "$ready" ] && grep -q LAB-DOM0-READY "$serial"; then
		ready=$(since "$t")
		phase "QEMU start to dom0 ready" "$ready"
	fi
	# Progress: echo result lines as they appear.
	n=$(grep -c '^LAB-RESULT\|^LAB-SCENARIO-START' "$serial" || true)
	if [ "$n" -gt "$seen" ]; then
		grep '^LAB-RESULT\|^LAB-SCENARIO-START' "$serial" | tr -d '\r' | sed -n "$((seen + 1)),\$p" | sed 's/^/lab: /'
		seen=$n
	fi
done
qrc=0
wait "$qpid" || qrc=$?
qsecs=$(since "$t")
[ -n "$ready" ] || phase "QEMU start to dom0 ready" "never" "(see $serial)"
phase "QEMU run (boot, scenarios, power off)" "$qsecs" "$([ $qrc = 124 ] && echo "KILLED at the ${deadline}s deadline" || echo "exit $qrc")"

# 5. Results.
if ! tar -xf "$out/output.img" -C "$out" 2>/dev/null || [ ! -f "$out/results.txt" ]; then
	echo "lab: dom0 wrote no results to the output disk; using the serial log" >&2
	tr -d '\r' <"$serial" | sed -n 's/^LAB-RESULT \([^ ]*\) \([^ ]*\) \([0-9.]*\)s *\(.*\)$/RESULT \1 \2 \3 \4/p' >"$out/results.txt"
	tr -d '\r' <"$serial" | sed -n 's/^LAB-TIME \([^ ]*\) \([^ ]*\) \([0-9.]*\)s$/TIME \1 \2 \3/p' >>"$out/results.txt"
fi
rm -f "$out/output.img" "$out/dom0-initrd.cpio"

summary=$out/summary.txt
failed=0
rm -f "$out/.failed"
{
	echo "xctl lab: real Xen in QEMU ($(date -u +%FT%TZ))"
	echo
	echo "Scenarios:"
	"$lab/summary.sh" "$out/plan.txt" "$out/results.txt" || echo "FAILED" >"$out/.failed"
	echo
	echo "Guest phases (seconds):"
	awk '$1 == "TIME" { printf "  %-20s %-10s %6s\n", $2, $3, $4 }' "$out/results.txt"
	echo
	echo "Host phases (seconds):"
	printf '  %s\n' "${timings[@]}"
	last_cold=$(awk '$2 == "cold" { t = $3 } END { print t }' "$cache/prep-times.log")
	if [ -n "$last_cold" ] && [ "$kind" = warm ]; then
		awk -v c="$last_cold" -v w="$prep" 'BEGIN { printf "  warm cache: %.1fs before QEMU starts against %.1fs for the last cold run (%.1fx less)\n", w, c, (w > 0 ? c / w : 0) }'
	fi
} >"$summary"
# The same in JSON, for tools.
python3 - "$out/results.txt" "$out/summary.json" "$kind" "$prep" "${ready:-}" "$qsecs" "$out/plan.txt" <<'PY' ||
import json, sys
res, dst, kind, prep, ready, qsecs, plan = sys.argv[1:8]
results, times, planned = [], [], []
for line in open(plan, encoding="utf-8", errors="replace"):
    f = line.rstrip("\n").split(" ", 2)
    if len(f) >= 2:
        planned.append({"name": f[1], "plan": f[0], "reason": f[2] if len(f) > 2 and f[0] != "RUN" else ""})
for line in open(res, encoding="utf-8", errors="replace"):
    f = line.rstrip("\n").split(" ", 4)
    if f[0] == "RESULT" and len(f) >= 4:
        results.append({"name": f[1], "status": f[2], "seconds": float(f[3] or 0),
                        "reason": f[4] if len(f) > 4 else ""})
    elif f[0] == "TIME" and len(f) >= 4:
        times.append({"scenario": f[1], "phase": f[2], "seconds": float(f[3])})
retries = sum(1 for r in results if r["status"] == "RETRY")
json.dump({"plan": planned, "results": results, "retries": retries, "guest_phases": times,
           "host": {"cache": kind, "before_qemu_seconds": float(prep),
                    "dom0_ready_seconds": float(ready) if ready else None,
                    "qemu_seconds": float(qsecs)}}, open(dst, "w"), indent=1)
PY
	echo "lab: could not write summary.json" >&2
[ -e "$out/.failed" ] && failed=1
grep -q '^  FAIL ' "$summary" && failed=1
rm -f "$out/.failed"
for b in "$out"/bench-*.txt; do
	[ -s "$b" ] || continue
	{ echo; echo "$(basename "$b"):"; sed 's/^/  /' "$b"; } >>"$summary"
done
echo
cat "$summary"
echo
echo "lab: artifacts in $out (serial.log, xenstore-*.txt, guest consoles, summary.txt)"
if [ $failed != 0 ]; then
	echo "lab: FAILED" >&2
	exit 1
fi
echo "lab: all scenarios passed (NOT RUN ones are waiting for their prerequisite)"
}

main "$@"
