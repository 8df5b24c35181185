#!/usr/bin/env bash
# Runs every test: unit tests (release and ASan+UBSan builds), then the
# command-line and golden tests against ./juan and build/juan-san.
# Last line: "N passed, N failed". Exit status 1 on any failure. A set-up
# step that fails (a test program missing, a seed not made) stops the run
# with a message: what it would have set up would go untested.
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C.UTF-8
pass=0 fail=0
setup_failed() {
    echo "tests/run.sh: set-up failed: $*" >&2
    echo "$pass passed, $((fail + 1)) failed"
    exit 1
}
# never the user's state: the reader's positions and bookmarks go here
JUAN_STATE_DIR=$(mktemp -d) && JUAN_CACHE_DIR=$(mktemp -d) || setup_failed "mktemp -d"
export JUAN_STATE_DIR JUAN_CACHE_DIR
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# every program the tests run (make test-bins)
unit=() replay=()
for t in tests/test_*.c; do unit+=("build/tests/$(basename "$t" .c)"); done
for t in fuzz/fuzz_*.c; do replay+=("build/tests/$(basename "$t" .c)-replay"); done
for bin in ./juan build/juan-san build/tests/linewidth "${unit[@]}" "${unit[@]/%/-san}" "${replay[@]}"; do
    [ -x "$bin" ] || setup_failed "$bin is missing (make test-bins)"
done
tally() { # reads "...: N passed, M failed" lines from a file
    local p f
    p=$(awk '/[0-9]+ passed, [0-9]+ failed$/ {for(i=1;i<=NF;i++){if($(i)~/^passed,?$/)p+=$(i-1); if($(i)~/^failed$/)f+=$(i-1)}} END{print p+0}' "$1")
    f=$(awk '/[0-9]+ passed, [0-9]+ failed$/ {for(i=1;i<=NF;i++){if($(i)~/^failed$/)f+=$(i-1)}} END{print f+0}' "$1")
    pass=$((pass + p)); fail=$((fail + f))
}
out=$(mktemp) || setup_failed "mktemp"
seeds=$(mktemp -d) || setup_failed "mktemp -d"
trap 'rm -f "$out"; rm -rf "$JUAN_STATE_DIR" "$JUAN_CACHE_DIR" "$seeds"' EXIT
# seeds for the index fuzz target: index files of both foldings made by
# juan --index (byte 0 of a seed: bit 1 the folding, bit 0 reseal)
for flag in "" --no-tc-sc; do
    r=$(JUAN_CACHE_DIR=$seeds/c ./juan --index $flag samples/interview.txt 2>&1) ||
        setup_failed "juan --index $flag samples/interview.txt: $r"
done
for form in t2s:0 fold:2; do
    idx=("$seeds"/c/*."${form%:*}".idx)
    f=${idx[0]} b=${form#*:}
    [ ${#idx[@]} = 1 ] && [ -s "$f" ] || setup_failed "juan --index made no .${form%:*}.idx"
    { printf "\\$(printf %03o $b)"; cat "$f"; } >"$seeds/$(basename "$f").a" &&
    { printf "\\$(printf %03o $((b + 1)))"; cat "$f"; } >"$seeds/$(basename "$f").b" &&
    # damaged behind the checksum, resealed: the later checks must refuse it
    { printf "\\$(printf %03o $((b + 1)))"; head -c 300 "$f"; printf 'XXXXXXXX'; tail -c +309 "$f"; } >"$seeds/$(basename "$f").c" ||
        setup_failed "index seeds from $f"
done
rm -rf "$seeds/c"
# check LABEL CMD...: run one test program, show its failures and summary
check() {
    local label=$1 rc
    shift
    "$@" >"$out" 2>&1
    rc=$?
    report "$label" "$out" $rc
}
# report LABEL FILE RC: a run's failures and summary, counted
report() {
    local label=$1 o=$2 rc=$3
    grep -E -A14 'FAIL|ERROR|runtime error|Sanitizer' "$o" | grep -v '^  | *$' | head -60
    tail -1 "$o" | sed "s|^|$label |"
    tally "$o"
    # a crash or sanitizer report without a failed check still fails
    if [ "$rc" -ne 0 ] && ! grep -qE '[1-9][0-9]* failed$' "$o"; then
        echo "$label: exited with status $rc"
        fail=$((fail + 1))
    fi
}
# each unit test and its ASan+UBSan build at once (two cores), the latter
# with a state and cache directory of its own
out2=$(mktemp) && st2=$(mktemp -d) && ca2=$(mktemp -d) || setup_failed "mktemp"
trap 'rm -f "$out" "$out2"; rm -rf "$JUAN_STATE_DIR" "$JUAN_CACHE_DIR" "$seeds" "$st2" "$ca2"' EXIT
for t in "${unit[@]}"; do
    JUAN_STATE_DIR=$st2 JUAN_CACHE_DIR=$ca2 "$t-san" >"$out2" 2>&1 &
    pid=$!
    check "$(basename "$t")" "$t"
    wait "$pid"
    report "$(basename "$t")-san" "$out2" $?
done
# the fuzz targets, without libFuzzer: the crashes fuzzing found
# (tests/fuzz/TARGET/), the samples, and for the index target its seeds
for bin in "${replay[@]}"; do
    t=$(basename "$bin" -replay)
    extra=()
    [ "$t" = fuzz_sindex ] && extra=("$seeds")
    [ -d "tests/fuzz/$t" ] && extra+=("tests/fuzz/$t")
    check "$t (replay)" "$bin" samples "${extra[@]}"
done
# each script on ./juan and on build/juan-san at once (two cores: CI's 20
# minutes), the latter with its own state and cache directory; every
# script makes its own temporary files and tmux server
for script in tests/cli.sh tests/golden.sh tests/real.sh tests/e2e.sh tests/state.sh tests/hostile.sh; do
    JUAN_STATE_DIR=$st2 JUAN_CACHE_DIR=$ca2 JUAN=build/juan-san bash "$script" >"$out2" 2>&1 &
    pid=$!
    check "$script (./juan)" env JUAN=./juan bash "$script"
    wait "$pid"
    report "$script (build/juan-san)" "$out2" $?
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
