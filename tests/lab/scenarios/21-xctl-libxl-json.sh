# SPDX-License-Identifier: LGPL-2.1-only
# lab-name: xctl-libxl-json
# lab-timeout: 300
# lab-needs: bin/xctl lab-data/libxl-corpus.tar
# The same libxl configuration: for every config of configs/ and of the valid
# test corpus that xl accepts, `xl -N create FILE` (libxl's JSON of what xl
# would give libxl) against `xctl -N create --libxl FILE` (what hv/xen gives
# it), with the random fields fixed (the same uuid for both; MACs stay unset
# in a dry run, for both) and the same global configuration (xctl reads
# xl's /etc/xen/xl.conf: the grammar and keys are the same). Prints the count equal and every difference; the
# JSON of both is kept in libxl-json/ (tests/hv/xen/expected/ is refreshed
# from xl's: scripts/lab-libxl-expected.sh).
xctl=$LAB_BIN/xctl
dir=/tmp/libxl-corpus
out=$LAB_OUT/libxl-json
rm -rf "$dir" "$out"
mkdir -p "$dir" "$out/xl" "$out/xctl" || lab_fail "cannot make $dir"
cp /etc/xen/xl.conf "$out/xl.conf" 2>/dev/null
tar -xf /lab/build/lab-data/libxl-corpus.tar -C "$dir" || lab_fail "cannot unpack the corpus"
uuid='uuid="5b1c2a34-7d4e-4f60-8a9b-0c1d2e3f4a5b"'
total=0 refused=0 equal=0 differ="" xctlfail=""
for f in "$dir"/*.cfg; do
	b=$(basename "$f" .cfg)
	total=$((total + 1))
	if ! xl -N create "$f" "$uuid" >"$out/xl/$b.json" 2>"$out/xl/$b.err"; then
		refused=$((refused + 1))
		lab_log "xl refuses $b: $(grep -v '^Parsing config' "$out/xl/$b.err" | head -n 2 | tr '\n' ' ')"
		rm -f "$out/xl/$b.json"
		continue
	fi
	if ! "$xctl" --config /etc/xen/xl.conf -N create -q --libxl "$f" "$uuid" >"$out/xctl/$b.json" 2>"$out/xctl/$b.err"; then
		xctlfail="$xctlfail $b"
		lab_log "xctl refuses $b, which xl accepts: $(head -n 3 "$out/xctl/$b.err" | tr '\n' ' ')"
		continue
	fi
	if cmp -s "$out/xl/$b.json" "$out/xctl/$b.json"; then
		equal=$((equal + 1))
	else
		differ="$differ $b"
		lab_log "DIFFERENT $b (- xl, + xctl):"
		diff -u "$out/xl/$b.json" "$out/xctl/$b.json" | sed -n '3,$p' | while IFS= read -r l; do
			lab_log "    $l"
		done
	fi
done
accepted=$((total - refused))
lab_log "libxl configuration: $total configs, xl accepts $accepted; equal $equal, different$( [ -n "$differ" ] && echo ":$differ" || echo " 0"), refused by xctl$( [ -n "$xctlfail" ] && echo ":$xctlfail" || echo " 0")"
echo "total $total accepted $accepted equal $equal" >"$out/summary.txt"
echo "different$differ" >>"$out/summary.txt"
echo "xctl-refused$xctlfail" >>"$out/summary.txt"
[ -z "$xctlfail" ] || lab_fail "xctl refuses configs xl accepts:$xctlfail"
[ -z "$differ" ] || lab_fail "$((accepted - equal)) of $accepted libxl configurations differ from xl's:$differ"
exit 0
