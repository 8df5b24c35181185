#!/usr/bin/env bash
# make valgrind: memcheck over every unit test (release build) and juan's
# batch modes on the samples. Any memory error or definite/indirect leak
# fails. Last line: "N passed, N failed". A set-up step that fails
# (valgrind or a program missing, a temporary file not made) stops the run
# with a message, as in tests/run.sh.
cd "$(dirname "$0")/.." || exit 2
# JUAN_TEST_QUICK: the unit tests' exhaustive sweeps (every code point
# folded, every byte pair of six codecs) and long property runs sampled,
# not whole: memcheck looks for memory errors, which a sample finds; the
# sweeps run whole in make check
export LC_ALL=C.UTF-8 JUAN_NO_JIT=1 JUAN_TEST_QUICK=1
pass=0 fail=0
setup_failed() {
    echo "tests/valgrind.sh: set-up failed: $*" >&2
    echo "valgrind: $pass passed, $((fail + 1)) failed"
    exit 1
}
JUAN_STATE_DIR="" JUAN_CACHE_DIR="" out=""
trap 'rm -rf "$JUAN_STATE_DIR" "$JUAN_CACHE_DIR" "$out"' EXIT
JUAN_STATE_DIR=$(mktemp -d) && JUAN_CACHE_DIR=$(mktemp -d) || setup_failed "mktemp -d"
export JUAN_STATE_DIR JUAN_CACHE_DIR
out=$(mktemp) || setup_failed "mktemp"
command -v valgrind >/dev/null || setup_failed "valgrind is not installed (make valgrind installs it)"
# every program it runs (make valgrind builds them)
unit=()
for t in tests/test_*.c; do unit+=("build/tests/$(basename "$t" .c)"); done
for bin in ./juan "${unit[@]}"; do
    [ -x "$bin" ] || setup_failed "$bin is missing (make valgrind builds it)"
done
VG=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect
    --error-exitcode=99 --suppressions=tests/valgrind.supp)
vg() { # LABEL CMD...
    local label=$1 rc
    shift
    "${VG[@]}" "$@" >"$out" 2>&1
    rc=$?
    if [ $rc -eq 99 ]; then
        echo "FAIL: $label (valgrind)"
        grep '^==[0-9]*==' "$out" | head -30
        fail=$((fail + 1))
    elif [ $rc -ne 0 ] && [ "${OK_RC:-0}" != "$rc" ]; then
        echo "FAIL: $label: exit status $rc"
        tail -5 "$out"
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
}
for t in "${unit[@]}"; do
    vg "$(basename "$t")" "$t"
done
for f in samples/*; do
    vg "--dump $f" ./juan --dump -w 60 "$f"
    vg "--outline $f" ./juan --outline "$f"
    vg "--speakers --json $f" ./juan --speakers --json "$f"
    OK_RC=1 vg "--grep $f" ./juan --grep 创新 "$f"
    OK_RC=1 vg "--grep -E $f" ./juan --grep -E '创[新造]' "$f"
done
vg "--index" ./juan --index samples/interview.txt
# the next test needs the index that one made
compgen -G "$JUAN_CACHE_DIR/*.t2s.idx" >/dev/null || setup_failed "juan --index made no index"
OK_RC=1 vg "--grep with the index" ./juan --grep 采访 samples/interview.txt
vg "--bookmarks" ./juan --bookmarks samples/interview.txt
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
