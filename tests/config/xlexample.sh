#!/bin/sh
# Xen's own example configs (/etc/xen/xlexample.* of Debian's
# xen-utils-common, Xen 4.17) must resolve without error. The package is
# downloaded at test time into $XCTL_BUILD/cache (not installed, not copied
# into the project); their disk targets (/dev/vg/guest-volume...) do not
# exist here, which a dry run reports as warnings only.
set -u
xctl="$XCTL_BIN/xctl"
cache="$XCTL_BUILD/cache/xen-utils-common"
if ! ls "$cache"/root/etc/xen/xlexample.* >/dev/null 2>&1; then
	rm -rf "$cache"
	mkdir -p "$cache"
	(cd "$cache" && apt-get download -q xen-utils-common >download.log 2>&1) || {
		echo "FAIL: apt-get download xen-utils-common failed (a Debian mirror must be reachable):"
		sed 's/^/  | /' "$cache/download.log"
		exit 1
	}
	dpkg-deb -x "$cache"/xen-utils-common_*.deb "$cache/root" || { echo "FAIL: dpkg-deb -x"; exit 1; }
fi
n=0
fails=0
for cfg in "$cache"/root/etc/xen/xlexample.*; do
	n=$((n + 1))
	if "$xctl" -N create "$cfg" >"$cache/out.json" 2>"$cache/err"; then
		grep -v ': warning: disk: target ' "$cache/err" | grep . && {
			echo "FAIL: $cfg: unexpected diagnostics"; fails=$((fails + 1)); continue; }
		echo "ok: $(basename "$cfg") ($(grep -c ': warning: ' "$cache/err") missing disk targets reported as warnings)"
	else
		echo "FAIL: $cfg does not resolve:"
		sed 's/^/  | /' "$cache/err"
		fails=$((fails + 1))
	fi
done
echo "xlexample.sh: $n example configs, $fails failed"
[ "$n" -ge 3 ] && [ "$fails" = 0 ]
