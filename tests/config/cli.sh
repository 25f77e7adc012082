#!/bin/sh
# The CLI side of the xl.cfg pipeline: xctl create -n / -N, --strict,
# overrides, real creation refused after full validation, config check, -f.
# Run by `make test` with XCTL_BIN and XCTL_SRC set.
set -u
xctl="$XCTL_BIN/xctl"
src="${XCTL_SRC:-.}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass=0

ok() { pass=$((pass + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# expect STATUS CMD...: run, keep stdout/stderr in $tmp/out, $tmp/err
expect() {
	want=$1; shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" = "$want" ]; then ok; else fail "$* exited $got, expected $want"; sed 's/^/  | /' "$tmp/err"; fi
}
is_json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["name"] == sys.argv[2] else 1)' "$@"; }

# every example config: -N and -n print the resolved domain as JSON, exit 0
for cfg in "$src"/configs/*.cfg; do
	name=$(sed -n 's/^name = "\(.*\)"/\1/p' "$cfg")
	expect 0 "$xctl" -N create "$cfg"
	is_json "$tmp/out" "$name" && ok || fail "xctl -N create $cfg: no JSON with name $name"
	expect 0 "$xctl" create -n "$cfg"
	is_json "$tmp/out" "$name" && ok || fail "xctl create -n $cfg: no JSON with name $name"
	expect 0 "$xctl" -f "$src/configs/xctl.conf" config check "$cfg"
	grep -q "guest '$name'" "$tmp/out" && ok || fail "config check $cfg: no summary"
done

# a typo: a warning with file:line and a suggestion; an error under --strict
printf 'name = "typo"\nkernel = "/boot/vmlinuz"\nmemmory = 512\n' >"$tmp/typo.cfg"
expect 0 "$xctl" -N create "$tmp/typo.cfg"
grep -qx "$tmp/typo.cfg:3: warning: memmory: unknown key, ignored (did you mean 'memory'?)" "$tmp/err" && ok ||
	fail "memmory: no warning with file:line suggesting memory"
expect 2 "$xctl" -N create --strict "$tmp/typo.cfg"
grep -qx "$tmp/typo.cfg:3: memmory: unknown key, ignored (did you mean 'memory'?)" "$tmp/err" && ok ||
	fail "memmory --strict: no error line"
[ -s "$tmp/out" ] && fail "--strict printed JSON although it failed" || ok
expect 0 "$xctl" -N create -q "$tmp/typo.cfg"
[ -s "$tmp/err" ] && fail "-q printed warnings" || ok

# overrides after the file, parsed as xl does
expect 0 "$xctl" -N create "$tmp/typo.cfg" memory=2048 'extra="quiet"'
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["memory"] == 2048 and d["maxmem"] == 2048 and d["extra"] == "quiet" else 1)' "$tmp/out" && ok ||
	fail "overrides not applied"
expect 2 "$xctl" -N create "$tmp/typo.cfg" name=unquoted
grep -q "^<command line>:1: expected a value for 'name'" "$tmp/err" && ok || fail "bad override not reported"

# real creation: validated in full first (missing disk target is an error,
# exit 2), then refused clearly (exit 1) since creation is a later step
printf 'name = "real"\nkernel = "/boot/vmlinuz"\ndisk = [ "/nonexistent/real.img,raw,xvda,rw" ]\n' >"$tmp/real.cfg"
expect 0 "$xctl" -N create "$tmp/real.cfg"
grep -q "warning: disk: target '/nonexistent/real.img' does not exist" "$tmp/err" && ok || fail "dry run: no warning"
expect 2 "$xctl" create "$tmp/real.cfg"
grep -q "^$tmp/real.cfg:3: disk: target '/nonexistent/real.img' does not exist" "$tmp/err" && ok ||
	fail "create: missing target not an error"
printf 'name = "real"\nkernel = "/boot/vmlinuz"\ndisk = [ "/dev/null,raw,xvda,rw" ]\n' >"$tmp/real.cfg"
expect 1 "$xctl" create "$tmp/real.cfg"
grep -q "domain creation is not available yet" "$tmp/err" && ok || fail "create: no clear refusal"

# invalid configs and arguments
expect 2 "$xctl" -N create "$src/tests/config/invalid/many-errors.cfg"
[ "$(grep -c ': ' "$tmp/err")" -ge 7 ] && ok || fail "many-errors: not every error reported"
expect 2 "$xctl" config check "$src/tests/config/invalid/memory-over-maxmem.cfg"
expect 2 "$xctl" -N create "$tmp/does-not-exist.cfg"
grep -q "cannot read the configuration file: No such file or directory" "$tmp/err" && ok || fail "missing file"
expect 2 "$xctl" -f "$tmp/no-such.conf" -N create "$tmp/typo.cfg"
expect 2 "$xctl" create
expect 2 "$xctl" create -N "$tmp/typo.cfg"
expect 0 "$xctl" config check --json "$src/configs/pv.cfg"
is_json "$tmp/out" debian-pv && ok || fail "config check --json"

echo "cli.sh: $pass checks passed, $fails failed"
[ "$fails" = 0 ]
