#!/usr/bin/env bash
# Golden `--dump` output of every sample at widths 20, 40, 72 and 100,
# and its `--outline --json` and `--speakers --json`.
# `tests/golden.sh --update` (or `make golden`) rewrites the files in
# tests/golden/ from ./juan; review the diff before committing it.
cd "$(dirname "$0")/.." || exit 2
JUAN=${JUAN:-./juan}
export LC_ALL=C.UTF-8
pass=0 fail=0
mkdir -p tests/golden
# check GOLDEN ARGS...: the output of juan ARGS equals the file GOLDEN
check() {
    local g=$1
    shift
    if [ "$update" = 1 ]; then
        "$JUAN" "$@" >"$g" || echo "FAIL: $*"
        return
    fi
    if [ ! -f "$g" ]; then
        echo "FAIL: missing $g (run make golden)"
        fail=$((fail + 1))
    elif "$JUAN" "$@" | diff -u "$g" - >/tmp/golden.$$.diff; then
        pass=$((pass + 1))
    else
        echo "FAIL: juan $* differs from $g:"
        head -20 /tmp/golden.$$.diff
        fail=$((fail + 1))
    fi
}
update=0
[ "${1:-}" = --update ] && update=1
for f in samples/*; do
    name=$(basename "$f")
    for w in 20 40 72 100; do
        check "tests/golden/$name.w$w.txt" --dump --color=never -w "$w" "$f"
    done
    check "tests/golden/$name.outline.json" --outline --json "$f"
    check "tests/golden/$name.speakers.json" --speakers --json "$f"
done
rm -f /tmp/golden.$$.diff
[ "$update" = 1 ] && { echo "updated tests/golden"; exit 0; }
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
