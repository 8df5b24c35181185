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
# the runs go two at a time (one a core: memcheck runs a program on one
# thread), each into its own files in $out.d, and are judged in order at
# the end (serial, the phase took 4 of CI's 20 minutes)
mkdir "$out.d" || setup_failed "mkdir $out.d"
trap 'rm -rf "$JUAN_STATE_DIR" "$JUAN_CACHE_DIR" "$out" "$out.d"' EXIT
njobs=$(nproc 2>/dev/null || echo 2)
k=0
vg() { # LABEL CMD...
    local label=$1 d="$out.d/$k"
    shift
    k=$((k + 1))
    printf '%s\n' "$label" >"$d.label"
    printf '%s\n' "${OK_RC:-0}" >"$d.ok"
    # its own state and cache, as two run at once (VG_SHARED: the run's)
    if [ -z "${VG_SHARED:-}" ]; then
        mkdir -p "$d.state" "$d.cache" || setup_failed "mkdir $d.state"
        ( export JUAN_STATE_DIR="$d.state" JUAN_CACHE_DIR="$d.cache"
          "${VG[@]}" "$@" >"$d.out" 2>&1; echo $? >"$d.rc" ) &
    else
        ( "${VG[@]}" "$@" >"$d.out" 2>&1; echo $? >"$d.rc" ) &
    fi
    while [ "$(jobs -rp | wc -l)" -ge "$njobs" ]; do wait -n || true; done
}
vg_done() { # wait for every run, then judge each
    wait
    for ((i = 0; i < k; i++)); do
        local d="$out.d/$i" rc label ok
        label=$(cat "$d.label") ok=$(cat "$d.ok")
        rc=$(cat "$d.rc" 2>/dev/null || echo 98)
        if [ "$rc" -eq 99 ]; then
            echo "FAIL: $label (valgrind)"
            grep '^==[0-9]*==' "$d.out" | head -30
            fail=$((fail + 1))
        elif [ "$rc" -ne 0 ] && [ "$ok" != "$rc" ]; then
            echo "FAIL: $label: exit status $rc"
            tail -5 "$d.out"
            fail=$((fail + 1))
        else
            pass=$((pass + 1))
        fi
    done
    k=0
    rm -rf "$out.d"/*
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
vg_done
VG_SHARED=1 vg "--index" ./juan --index samples/interview.txt
vg_done
# the next test needs the index that one made
compgen -G "$JUAN_CACHE_DIR/*.t2s.idx" >/dev/null || setup_failed "juan --index made no index"
OK_RC=1 VG_SHARED=1 vg "--grep with the index" ./juan --grep 采访 samples/interview.txt
VG_SHARED=1 vg "--bookmarks" ./juan --bookmarks samples/interview.txt
vg_done
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
