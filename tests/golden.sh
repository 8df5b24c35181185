#!/usr/bin/env bash
# Golden `--dump` output of every sample at widths 20, 40, 72 and 100.
# `tests/golden.sh --update` (or `make golden`) rewrites the files in
# tests/golden/ from ./juan; review the diff before committing it.
cd "$(dirname "$0")/.." || exit 2
JUAN=${JUAN:-./juan}
export LC_ALL=C.UTF-8
pass=0 fail=0
mkdir -p tests/golden
for f in samples/*; do
    name=$(basename "$f")
    for w in 20 40 72 100; do
        g="tests/golden/$name.w$w.txt"
        if [ "${1:-}" = --update ]; then
            "$JUAN" --dump -w "$w" "$f" >"$g" || echo "FAIL: $f at $w"
            continue
        fi
        if [ ! -f "$g" ]; then
            echo "FAIL: missing $g (run make golden)"
            fail=$((fail + 1))
        elif "$JUAN" --dump -w "$w" "$f" | diff -u "$g" - >/tmp/golden.$$.diff; then
            pass=$((pass + 1))
        else
            echo "FAIL: $f at width $w differs from $g:"
            head -20 /tmp/golden.$$.diff
            fail=$((fail + 1))
        fi
    done
done
rm -f /tmp/golden.$$.diff
[ "${1:-}" = --update ] && { echo "updated tests/golden"; exit 0; }
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
