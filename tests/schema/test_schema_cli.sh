#!/bin/sh
# xctl schema check/show from the command line: exit codes, JSON, stdin;
# docs/xenstore-schema.md matches the schema; the no-path-literal rule passes
# on the tree and fails when a literal is added.
set -u
X="$XCTL_BIN/xctl"
SRC="$XCTL_SRC"
FIX="$SRC/tests/schema/fixtures/real-pv-guest.txt"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
n=0

# run WANT-RC CMD...: stdout+stderr in $tmp/out
run() {
	want=$1
	shift
	n=$((n + 1))
	"$@" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL: $* exited $rc, expected $want"
		sed 's/^/    /' "$tmp/out" | head -20
		fails=$((fails + 1))
	fi
}
# has TEXT: the last output contains TEXT
has() {
	n=$((n + 1))
	if ! grep -qF -- "$1" "$tmp/out"; then
		echo "FAIL: output lacks '$1'"
		sed 's/^/    /' "$tmp/out" | head -20
		fails=$((fails + 1))
	fi
}

# The real dump from Xen 4.17 is clean in every phase.
run 0 "$X" schema check "$FIX"
has "207 nodes checked, 0 violations"
run 0 "$X" schema check --phase created "$FIX"
run 0 "$X" schema check --phase connected "$FIX"
run 0 sh -c "\"$X\" schema check - <\"$FIX\""
run 0 "$X" schema check --json "$FIX"
has '"ok": true'

# Violations: exit 1, path and rule in text and JSON.
sed 's|^\(/local/domain/1/device/vbd/51712/event-channel = \)"8"|\1"eight"|' "$FIX" >"$tmp/bad.txt"
run 1 "$X" schema check "$tmp/bad.txt"
has "/local/domain/1/device/vbd/51712/event-channel: bad-value:"
run 1 "$X" schema check --json "$tmp/bad.txt"
has '"rule": "bad-value"'
has '"path": "/local/domain/1/device/vbd/51712/event-channel"'
grep -v '^/local/domain/1/name ' "$FIX" >"$tmp/noname.txt"
run 0 "$X" schema check "$tmp/noname.txt"
run 1 "$X" schema check --phase created "$tmp/noname.txt"
has "/local/domain/1/name: missing:"
run 1 "$X" schema check --after-destroy 1 "$FIX"
has "leftover"

# Unreadable input and bad command lines: exit 2.
printf 'this is not a dump\n' >"$tmp/garbage.txt"
run 2 "$X" schema check "$tmp/garbage.txt"
has "garbage.txt:1:"
run 2 "$X" schema check --json "$tmp/garbage.txt"
has '"error"'
: >"$tmp/empty.txt"
run 2 "$X" schema check "$tmp/empty.txt"
run 2 "$X" schema check "$tmp/does-not-exist.txt"
head -c 3000 /dev/urandom >"$tmp/random.bin"
run 2 "$X" schema check "$tmp/random.bin"
printf '/local/domain/1/name = "unterminated   (n0,r1)\n' >"$tmp/quote.txt"
run 2 "$X" schema check "$tmp/quote.txt"
run 2 "$X" schema check --phase running "$FIX"
run 2 "$X" schema check --after-destroy abc "$FIX"
run 2 "$X" schema check "$FIX" "$FIX"

# xenstore-ls escapes and terminal padding are read as xenstore-ls writes them.
printf '/tool = ""   (n0)\n/tool/xenstored = "" . . . . . . . .  (n0)\n' >"$tmp/pad.txt"
run 0 "$X" schema check "$tmp/pad.txt"
printf '/tool = "a\\x01\\\\b\\t"   (n0)\n' >"$tmp/esc.txt"
run 1 "$X" schema check "$tmp/esc.txt"
has '"a\x01\x5cb\x09": expected empty'

# schema show
run 0 "$X" schema show /local/domain/7/device/vif/0/tx-ring-ref
has '$DOMID=7'
has "XS_FMT_VIF_FE_TX_RING_REF"
run 0 "$X" schema show '/local/domain/$DOMID/name'
run 0 "$X" schema show --json /local/domain/0/backend/vbd/3/51712/state
has '"BACKEND": 0'
run 0 "$X" schema show
has "/local/domain/\$DOMID/device/vbd/\$DEVID/ring-ref"
run 1 "$X" schema show /local/domain/1/device/vbd/51712/ring-reff
has "did you mean"

# The reference document is generated from the schema.
run 0 "$XCTL_BUILD/host/xs-gen" doc "$tmp/schema.md" "$SRC"/xenstore-schema/schema/*.xss
run 0 diff -u "$SRC/docs/xenstore-schema.md" "$tmp/schema.md"

# The source rule passes on the tree, and fails when a literal is added.
run 0 env XCTL_BUILD="$XCTL_BUILD" "$SRC/xenstore-schema/check-no-path-literals.sh" "$SRC"
mkdir -p "$tmp/tree"
for d in toolstack sim drivers-backend xenstore-schema; do
	[ -d "$SRC/$d" ] && cp -r "$SRC/$d" "$tmp/tree/"
done
mkdir -p "$tmp/tree/toolstack/extra"
cat >"$tmp/tree/toolstack/extra/added.c" <<'SRC'
static const char *p = "/local/domain/%u/device/vbd/%u/ring-ref";
SRC
run 1 env XCTL_BUILD="$XCTL_BUILD" "$SRC/xenstore-schema/check-no-path-literals.sh" "$tmp/tree"
has "toolstack/extra/added.c:1:"
# What the rule flags, and what it leaves alone.
cat >"$tmp/lint.c" <<'SRC'
const char *a = "ring-ref%u";               /* node name with a conversion */
const char *b = "%s/frontend-id";           /* node name as a part */
const char *c = "@releaseDomain";
const char *d = "device/vbd/%u";            /* relative to a domain's home */
const char *e = "/vm";
const char *f = "feature-persistent";
const char *ok1 = "name";                   /* ordinary words are fine */
const char *ok2 = "bad ring-ref value: %s"; /* prose mentioning a key */
const char *ok3 = "/dev/xen/privcmd";
const char *ok4 = "backend";
const char *ok5 = "x"; /* "ring-ref" in a comment is fine */
const char *ok6 = "event-channel"; /* xs-literal-ok: marker on the line */
SRC
run 1 "$XCTL_BUILD/tools/xs-lint" "$tmp/lint.c"
for l in 1 2 3 4 5 6; do has "lint.c:$l:"; done
n=$((n + 1))
if grep -q 'lint.c:\([7-9]\|1[0-2]\):' "$tmp/out"; then
	echo "FAIL: xs-lint flagged a line it should leave alone"
	cat "$tmp/out"
	fails=$((fails + 1))
fi

if [ "$fails" -gt 0 ]; then
	echo "schema cli: $fails of $n checks FAILED"
	exit 1
fi
echo "schema cli: all $n checks passed"
