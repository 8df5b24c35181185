#!/usr/bin/env bash
# make fuzz: run every libFuzzer target for SECONDS, two at a time (one per
# core), from seeds made of samples/ and tests/ (and, for the index, files
# made by juan --index). Prints per target the executions and the coverage
# reached; a crash leaves its input in build/fuzz/crash-TARGET-* and fails
# (put it in tests/fuzz/TARGET/ with the fix: make check replays it).
# A set-up step that fails (a target not built, a seed not made) stops the
# run with a message.
# Usage: fuzz/run.sh SECONDS TARGET...
set -u
cd "$(dirname "$0")/.." || exit 2
secs=${1:-60}
shift
export LC_ALL=C.UTF-8
B=build/fuzz
die() {
    echo "fuzz/run.sh: set-up failed: $*" >&2
    exit 2
}
mkdir -p "$B" || die "mkdir $B"
for t in "$@"; do
    [ -x "$B/$t" ] || die "$B/$t is missing (make fuzz builds it)"
done
[ -x ./juan ] || die "./juan is missing (make juan)"

# seeds: every sample and test input, whole, plus the regression inputs
seeds() {
    local t=$1 d="$B/seed-$1"
    rm -rf "$d" && mkdir -p "$d" || die "cannot make $d"
    local i=0
    for f in samples/* tests/golden/*.txt tests/golden/*.md; do
        [ -f "$f" ] || continue
        i=$((i + 1))
        case "$t" in
        fuzz_layout) { printf '\106\000'; head -c 20000 "$f"; } >"$d/s$i" ;;
        fuzz_search) { printf '\000'; printf '创新'; printf '\000'; head -c 20000 "$f"; } >"$d/s$i" ;;
        fuzz_structure) { printf '\000'; cat "$f"; } >"$d/s$i" && { printf '\001'; cat "$f"; } >"$d/t$i" ;;
        fuzz_anchor)
            # format, place, edit start, bytes deleted, bytes inserted (the
            # last of the input): a small edit before the place, one over
            # it, one after it
            local x k=0
            for x in '\100\000\040\000\010\000\006' '\000\001\000\001\100\000\020' \
                '\040\000\000\002\200\000\000'; do
                k=$((k + 1))
                { printf "\\$(printf %03o $(((i + k) % 4)))$x"; head -c 20000 "$f"; } >"$d/s$i-$k"
            done ;;
        fuzz_query)
            # format (by the name), then a query of each kind
            local x k=0 fm
            case "$f" in *.md) fm='\000' ;; *.html) fm='\003' ;; *) fm='\002' ;; esac
            for x in '的' 're:[一-龥]{2}' '#1 的' '#2 re:。' '@沈知远 我' '@周 电梯'; do
                k=$((k + 1))
                { printf "$fm%s\\000" "$x"; head -c 20000 "$f"; } >"$d/s$i-$k"
            done ;;
        fuzz_sindex | fuzz_store) ;;
        *) cp "$f" "$d/s$i" ;;
        esac || die "seed $d/s$i from $f"
    done
    if [ "$t" = fuzz_sindex ]; then
        # index files of both foldings (byte 0: bit 1 the folding, bit 0
        # reseal, bit 2 stale) of every sample and of a text of several
        # blocks (the UTF-8 samples over and over, about 300 KB; the Aozora and
        # HTML ones have no index)
        local c r flag f b k n=0
        c=$(mktemp -d) || die "mktemp -d"
        for k in 1 2 3 4 5 6 7; do
            cat samples/interview.txt samples/japanese.txt samples/mixed.txt samples/traditional.txt \
                samples/*.md || die "cat samples"
        done >"$c/long.txt"
        for f in samples/* "$c/long.txt"; do
            for flag in "" --no-tc-sc; do
                r=$(JUAN_CACHE_DIR=$c/cache ./juan --index $flag "$f" 2>&1) ||
                    die "juan --index $flag $f: $r"
            done
        done
        for f in "$c"/cache/*.idx; do
            [ -s "$f" ] || die "juan --index made no index ($f)"
            case "$f" in *.fold.idx) b=2 ;; *) b=0 ;; esac
            n=$((n + 1)) i=$((i + 1))
            { printf "\\$(printf %03o "$b")"; cat "$f"; } >"$d/i$i" &&
                { printf "\\$(printf %03o $((b + 1)))"; cat "$f"; } >"$d/r$i" ||
                die "index seeds from $f"
        done
        [ "$n" -ge 30 ] && [ "$(find "$c/cache" -name '*.idx' -size +100k | wc -l)" = 2 ] ||
            die "juan --index made $n indexes of the samples and the long text"
        rm -rf "$c"
    fi
    if [ "$t" = fuzz_store ]; then
        head -c 600 samples/interview.txt >"$d/s1" &&
            printf '\003\010创新\001\000\000\000\000\000\000\000\040' >"$d/s2" ||
            die "store seeds"
    fi
    if [ -d "tests/fuzz/$t" ] && [ -n "$(ls -A "tests/fuzz/$t")" ]; then
        cp tests/fuzz/"$t"/* "$d/" || die "cp tests/fuzz/$t/* $d/"
    fi
}

run_one() {
    local t=$1 log="$B/$1.log" max=65536
    # an index of several blocks is larger than 64 KiB
    [ "$t" = fuzz_sindex ] && max=524288
    mkdir -p "$B/corpus-$t"
    "$B/$t" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -max_len=$max -artifact_prefix="$B/crash-$t-" "$B/corpus-$t" "$B/seed-$t" >"$log" 2>&1
    echo $? >"$B/$t.rc"
}

for t in "$@"; do seeds "$t"; done
rm -f "$B"/crash-*
# two at a time
pids=()
for t in "$@"; do
    run_one "$t" &
    pids+=($!)
    if [ ${#pids[@]} -ge 2 ]; then
        wait "${pids[0]}"
        pids=("${pids[@]:1}")
    fi
done
wait

printf '| target | seconds | executions | exec/s | coverage (edges) | features | corpus | result |\n'
printf '|---|---|---|---|---|---|---|---|\n'
bad=0
for t in "$@"; do
    log="$B/$t.log"
    execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
    rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log")
    last=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov: ' | tail -1)
    cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.*corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$last")
    rc=$(cat "$B/$t.rc" 2>/dev/null || echo "?")
    res=ok
    if [ "$rc" != 0 ]; then
        res="CRASH (rc $rc): $(ls "$B"/crash-"$t"-* 2>/dev/null | head -1)"
        bad=1
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$secs" "${execs:-?}" "${rate:-?}" \
        "${cov:-?}" "${ft:-?}" "${corp:-?}" "$res"
done
if [ $bad -ne 0 ]; then
    echo "fuzz: a target crashed; its log is build/fuzz/TARGET.log" >&2
    for t in "$@"; do
        [ "$(cat "$B/$t.rc" 2>/dev/null)" = 0 ] || grep -m1 -A25 -E 'ERROR|runtime error|deadly signal' "$B/$t.log" >&2
    done
fi
exit $bad
