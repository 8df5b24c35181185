#!/usr/bin/env bash
# make bench: juan side by side with an anchor on a ~107 MB CJK text.
# Input: ../shared/corpus (four novels concatenated, x12); generated text
# of the same size when ../shared is absent. Every row: warm-up, then
# RUNS runs alternating juan and the anchor; medians, ratio, peak RSS.
set -u
cd "$(dirname "$0")/.." || exit 2
RUNS=${RUNS:-5}
OUT=bench/out
mkdir -p "$OUT"
export LC_ALL=C.UTF-8
# never the user's state or cache
export JUAN_STATE_DIR="$OUT/state" JUAN_CACHE_DIR="$OUT/cache"

sudo_cmd() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
if ! command -v w3m >/dev/null; then
    echo "bench: installing w3m (the anchor)" >&2
    sudo_cmd apt-get install -y -qq w3m >&2 ||
        { sudo_cmd apt-get update -qq >&2 && sudo_cmd apt-get install -y -qq w3m >&2; } ||
        { echo "bench: cannot install w3m; run: sudo apt-get install w3m" >&2; exit 1; }
fi
cc -O2 -o "$OUT/runstat" bench/runstat.c || exit 1

IN="$OUT/corpus107.txt"
if [ ! -s "$IN" ]; then
    if ls ../shared/corpus/*.txt >/dev/null 2>&1; then
        src="../shared/corpus (4 novels x12)"
        cat ../shared/corpus/*.txt >"$OUT/four.txt"
        for _ in $(seq 12); do cat "$OUT/four.txt"; done >"$IN"
        rm -f "$OUT/four.txt"
    else
        src="generated (../shared absent)"
        # paragraphs of Han text with CJK punctuation, CRLF, ~107 MB; awk
        # works on bytes here (LC_ALL=C): every character is 3 bytes
        LC_ALL=C awk 'BEGIN {
            srand(7);
            h = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家";
            p = "，。、；：！？“”《》";
            nh = length(h) / 3; np = length(p) / 3;
            while (total < 106772652) {
                line = "　　"; len = 20 + int(rand() * 300);
                for (i = 0; i < len; i++) {
                    line = line substr(h, 1 + 3 * int(rand() * nh), 3);
                    if (rand() < 0.08) line = line substr(p, 1 + 3 * int(rand() * np), 3);
                }
                printf "%s\r\n", line; total += length(line) + 2;
            }
        }' >"$IN"
    fi
    echo "$src" >"$OUT/source"
fi
src=$(cat "$OUT/source" 2>/dev/null || echo "?")
HTML="$OUT/corpus107.html"
if [ ! -s "$HTML" ] || [ "$HTML" -ot "$IN" ]; then
    # the same text as HTML paragraphs, for w3m
    { printf '<html><head><meta charset="utf-8"></head><body>\n'
      tr -d '\r' <"$IN" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' \
          -e 's/^/<p>/' -e 's/$/<\/p>/'
      printf '</body></html>\n'; } >"$HTML"
fi
size=$(stat -c %s "$IN")
mb=$(awk -v s="$size" 'BEGIN{printf "%.1f", s/1e6}')

median() { sort -n | awk '{a[NR]=$1} END{print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# row NAME JUAN_CMD... -- ANCHOR_CMD...
row() {
    local name=$1; shift
    local jc=() ac=() seen=0
    for a in "$@"; do
        if [ "$a" = -- ]; then seen=1; continue; fi
        if [ $seen = 0 ]; then jc+=("$a"); else ac+=("$a"); fi
    done
    "$OUT/runstat" /dev/null "${jc[@]}" >/dev/null
    "$OUT/runstat" /dev/null "${ac[@]}" >/dev/null
    : >"$OUT/j.t"; : >"$OUT/a.t"
    for _ in $(seq "$RUNS"); do
        "$OUT/runstat" /dev/null "${jc[@]}" >>"$OUT/j.t"
        "$OUT/runstat" /dev/null "${ac[@]}" >>"$OUT/a.t"
    done
    if awk '$3 != 0 {bad=1} END{exit !bad}' "$OUT/j.t" "$OUT/a.t"; then
        echo "bench: a run failed (exit status in $OUT/j.t, $OUT/a.t)" >&2
    fi
    local jt at jr ar
    jt=$(awk '{print $1}' "$OUT/j.t" | median)
    at=$(awk '{print $1}' "$OUT/a.t" | median)
    jr=$(awk '{print $2}' "$OUT/j.t" | sort -n | tail -1)
    ar=$(awk '{print $2}' "$OUT/a.t" | sort -n | tail -1)
    awk -v n="$name" -v jt="$jt" -v at="$at" -v jr="$jr" -v ar="$ar" -v s="$size" 'BEGIN {
        printf "| %-22s | %8.3f s | %8.1f MB/s | %8.3f s | %8.1f MB/s | %6.2fx | %7.1f MB (%.2fx input) | %7.1f MB |\n",
            n, jt, s/1e6/jt, at, s/1e6/at, at/jt, jr/1024, jr*1024/s, ar/1024 }'
}

echo "juan bench: $IN, $mb MB, source: $src; $RUNS runs per row after a warm-up, medians"
echo "| row                    |   juan     |  juan rate    | compared   |  its rate     | ratio    | juan peak RSS              | its RSS    |"
echo "|------------------------|------------|---------------|------------|---------------|----------|----------------------------|------------|"
row "--dump -w 80 vs w3m" ./juan --dump -w 80 "$IN" -- \
    w3m -dump -cols 80 -I UTF-8 -O UTF-8 -T text/html "$HTML"
# laziness: the first screen of the 107 MB file against that of a 12 KB one
row "first screen 107MB/12KB" sh -c "./juan --dump -w 80 '$IN' | head -24" -- \
    sh -c "./juan --dump -w 80 samples/interview.txt | head -24"
# the reader (in tmux): its first screen, and G, on 107 MB against 12 KB
if command -v tmux >/dev/null; then
    row "reader: first screen" bash bench/reader.sh "$IN" -- \
        bash bench/reader.sh samples/interview.txt
    row "reader: first screen+G" bash bench/reader.sh "$IN" G -- \
        bash bench/reader.sh samples/interview.txt G
fi
# search for a string that does not occur, against less (/string, then q,
# in a pty): without an index, and with the index built ahead
if command -v less >/dev/null && command -v script >/dev/null; then
    rm -rf "$OUT/cache"
    LESS_CMD="printf q | script -qc 'less -p nosuchthing_zz $IN' /dev/null >/dev/null"
    # (grep's status 1, nothing found, is the expected one)
    row "search, no index" sh -c "./juan --grep --no-index -c nosuchthing_zz '$IN' >/dev/null; [ \$? = 1 ]" -- sh -c "$LESS_CMD"
    ./juan --index "$IN" >/dev/null
    row "search, index built" sh -c "./juan --grep -c nosuchthing_zz '$IN' >/dev/null; [ \$? = 1 ]" -- sh -c "$LESS_CMD"
    isize=$(du -b "$OUT"/cache/*.t2s.idx 2>/dev/null | sort -n | tail -1 | cut -f1)
    awk -v i="${isize:-0}" -v s="$size" 'BEGIN { printf "index size: %.1f MB, %.2fx the text\n", i/1e6, i/s }'
fi
# index build: a fresh index each run (juan alone)
solo_pre() { rm -f "$OUT"/cache/*.idx; }
# solo NAME CMD...: juan alone (no anchor does this); median and peak RSS
solo() {
    local name=$1; shift
    "$OUT/runstat" /dev/null "$@" >/dev/null
    : >"$OUT/j.t"
    for _ in $(seq "$RUNS"); do
        [ -n "${PRE:-}" ] && $PRE
        "$OUT/runstat" /dev/null "$@" >>"$OUT/j.t"
    done
    local jt jr
    jt=$(awk '{print $1}' "$OUT/j.t" | median)
    jr=$(awk '{print $2}' "$OUT/j.t" | sort -n | tail -1)
    awk -v n="$name" -v jt="$jt" -v jr="$jr" -v s="$size" 'BEGIN {
        printf "| %-22s | %8.3f s | %8.1f MB/s | %10s | %13s | %8s | %7.1f MB (%.2fx input) | %10s |\n",
            n, jt, s/1e6/jt, "-", "-", "-", jr/1024, jr*1024/s, "-" }'
}
PRE=solo_pre solo "index build (--index)" ./juan --index "$IN"
solo "--outline (structure)" ./juan --outline "$IN"
solo "--speakers (structure)" ./juan --speakers "$IN"
echo "ratio = compared time / juan time. Targets: --dump >= 5x w3m; juan peak RSS <= 2x input;"
echo "first screen of 107 MB about the cost of 12 KB (ratio near 1; rates are per 107 MB), also in the reader;"
echo "--outline on the 107 MB file <= 1 s. Search (issue 6): first time <= 0.1x less, with the index <= 50 ms;"
echo "index build >= 50 MB/s, index <= 2.5x the text; counts equal the reference."
# counts: juan --grep -c against grep -o | wc -l on the text folded by
# bench/fold (utf8proc NFKC + case folding of whole lines, OpenCC t2s per
# character: written apart from juan's norm)
if cc -O2 -o "$OUT/fold" bench/fold.c $(pkg-config --cflags --libs libutf8proc opencc) 2>/dev/null; then
    if [ ! -s "$OUT/folded.txt" ] || [ "$OUT/folded.txt" -ot "$IN" ]; then
        "$OUT/fold" <"$IN" >"$OUT/folded.txt"
    fi
    echo
    echo "| query | kind | juan --grep -c | grep -o on the folded text | same |"
    echo "|---|---|---|---|---|"
    while IFS='|' read -r q kind; do
        j=$(./juan --grep -c -- "$q" "$IN")
        fq=$(printf '%s\n' "$q" | "$OUT/fold" | tr -d '\n')
        r=$(LC_ALL=C grep -o -F -- "$fq" "$OUT/folded.txt" | wc -l)
        echo "| $q | $kind | $j | $r | $([ "$j" = "$r" ] && echo yes || echo NO) |"
    done <<'QUERIES'
的|one character
玉|one character
宝玉|two characters
行者|two characters
曹操|two characters
林黛玉|three characters
寶玉|traditional form of 宝玉
ya|Latin word (yA in the text)
h|Latin letter (Ｈ in the text)
nosuchthing|absent
QUERIES
fi
