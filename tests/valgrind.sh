#!/usr/bin/env bash
# make valgrind: memcheck over every unit test (release build) and juan's
# batch modes on the samples. Any memory error or definite/indirect leak
# fails. Last line: "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C.UTF-8 JUAN_NO_JIT=1
JUAN_STATE_DIR=$(mktemp -d)
JUAN_CACHE_DIR=$(mktemp -d)
export JUAN_STATE_DIR JUAN_CACHE_DIR
trap 'rm -rf "$JUAN_STATE_DIR" "$JUAN_CACHE_DIR"' EXIT
VG=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect
    --error-exitcode=99 --suppressions=tests/valgrind.supp)
pass=0 fail=0
vg() { # LABEL CMD...
    local label=$1 rc
    shift
    "${VG[@]}" "$@" >/tmp/juan-vg.$$ 2>&1
    rc=$?
    if [ $rc -eq 99 ]; then
        echo "FAIL: $label (valgrind)"
        grep '^==[0-9]*==' /tmp/juan-vg.$$ | head -30
        fail=$((fail + 1))
    elif [ $rc -ne 0 ] && [ "${OK_RC:-0}" != "$rc" ]; then
        echo "FAIL: $label: exit status $rc"
        tail -5 /tmp/juan-vg.$$
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
    rm -f /tmp/juan-vg.$$
}
for t in build/tests/test_*; do
    case "$t" in *-san | *.d) continue ;; esac
    [ -x "$t" ] && vg "$(basename "$t")" "$t"
done
for f in samples/*; do
    vg "--dump $f" ./juan --dump -w 60 "$f"
    vg "--outline $f" ./juan --outline "$f"
    vg "--speakers --json $f" ./juan --speakers --json "$f"
    OK_RC=1 vg "--grep $f" ./juan --grep 创新 "$f"
    OK_RC=1 vg "--grep -E $f" ./juan --grep -E '创[新造]' "$f"
done
vg "--index" ./juan --index samples/interview.txt
OK_RC=1 vg "--grep with the index" ./juan --grep 采访 samples/interview.txt
vg "--bookmarks" ./juan --bookmarks samples/interview.txt
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
