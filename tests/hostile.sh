#!/usr/bin/env bash
# Hostile input, terminals, locales and signals (issue 8): files that
# change under the reader, text and names that try to drive the terminal,
# inputs of extreme size, odd locales and terminals, and signals. JUAN
# names the binary (default ./juan); the sanitizer build gets the extreme
# sizes at a tenth. Last line: "hostile: N passed, M failed".
cd "$(dirname "$0")/.." || exit 2
NAME=hostile
. tests/tmux.sh
cc -O2 -o "$T/runstat" bench/runstat.c || exit 2
SCALE=1
case "$JUAN" in *-san) SCALE=10 ;; esac
# stat CMD...: "SECONDS PEAK_RSS_KB EXIT" of CMD, its output in $T/out
stat_of() { "$T/runstat" "$T/out" "$@" 2>"$T/err"; }
rss_mb() { awk '{print int($2 / 1024)}' <<<"$1"; }
rc_of() { awk '{print $3}' <<<"$1"; }
eq() { if [ "$2" = "$3" ]; then ok; else bad "$1: got [$2], want [$3]"; fi; }
# a text of about N MB in lines of CJK (awk works on bytes: 3 per character)
cjk_text() {
    LC_ALL=C awk -v n="$1" 'BEGIN { s = "这是一段用来测试的普通文字，没有标题也没有说话的人。";
        line = "　　" s s s s; while (t < n * 1e6) { print line; t += length(line) + 1 } }'
}
quit() { keys q; poll test -s "$T/rc"; }
rc_is() { [ "$(cat "$T/rc" 2>/dev/null)" = "$1" ]; }

# ---- a file that changes under the reader --------------------------------------
cjk_text 3 >"$T/shrinks.txt"
echo "最后一行：截断之前。" >>"$T/shrinks.txt"
start 80 24 "$T/shrinks.txt"
keys 5 0 %
sleep 0.3
truncate -s 1000 "$T/shrinks.txt" # the mapped pages past 1000 are gone
keys G
wait_for "shrank on disk" && ok || bad "truncated: said so"
shows "[changed: R]" && ok || bad "truncated: marked in the status line"
[ ! -s "$T/rc" ] && ok || bad "truncated: juan died ($(cat "$T/rc"))"
keys R
wait_for "reloaded" && ok || bad "truncated: R reloads"
absent "[changed: R]" && ok || bad "truncated: the mark goes after R"
quit
rc_is 0 && ok || bad "truncated: exit status $(cat "$T/rc")"

printf '第一段。\n\n第二段。\n' >"$T/grows.txt"
start 80 24 "$T/grows.txt"
printf '\n追加的一段。\n' >>"$T/grows.txt"
wait_for "changed on disk: R reloads it" && ok || bad "appended: said so"
absent "追加的一段" && ok || bad "appended: shown before R"
keys R
wait_for "追加的一段" && ok || bad "appended: R shows it"
quit

printf '旧的文字。\n' >"$T/replaced.txt"
start 80 24 "$T/replaced.txt"
printf '新的文字。\n' >"$T/new.txt"
mv "$T/new.txt" "$T/replaced.txt"
wait_for "replaced on disk" && ok || bad "replaced by rename: said so"
shows "旧的文字" && ok || bad "replaced: the loaded text stays"
keys R
wait_for "新的文字" && ok || bad "replaced: R loads the new one"
quit

printf '会被删除的文字。\n' >"$T/deleted.txt"
start 80 24 "$T/deleted.txt"
rm "$T/deleted.txt"
wait_for "was deleted" && ok || bad "deleted: said so"
shows "[deleted]" && ok || bad "deleted: marked in the status line"
keys R
wait_for "No such file" && ok || bad "deleted: R says why it cannot"
shows "会被删除的文字" && ok || bad "deleted: the loaded text stays"
quit
rc_is 0 && ok || bad "deleted: exit status $(cat "$T/rc")"

# ---- the search index truncated under the reader (issue 18, 3) --------------------
{ echo "开头的一句：索引测试。"; cjk_text 2; echo "末尾的暗号：青鸟。"; } >"$T/ixcut.txt"
"$JUAN" --index "$T/ixcut.txt" >/dev/null 2>&1
idx=$(ls "$JUAN_CACHE_DIR"/*.t2s.idx 2>/dev/null | head -1)
[ -n "$idx" ] && ok || bad "index truncated: --index made no index"
start 80 24 "$T/ixcut.txt"
keys /
text "索引测试"
keys Enter
wait_for "索引测试" && ok || bad "index truncated: the first search"
truncate -s 4096 "$idx" # the folded text past 4 KiB is gone under the mapping
keys /
text "青鸟"
keys Enter
wait_for "末尾的暗号" && ok || bad "index truncated: the search goes on without it"
[ ! -s "$T/rc" ] && ok || bad "index truncated: juan died ($(cat "$T/rc"))"
quit
rc_is 0 && ok || bad "index truncated: exit status $(cat "$T/rc")"

# ---- a regex too complex for a line (issue 18, 4): the reader says so and
# finds the match past it
{ echo "第一行。"; echo; printf 'a%.0s' $(seq 30); echo "c b"; for i in $(seq 60); do echo; echo "填充的第${i}段。"; done; echo; echo "过了那一行 aab。"; } >"$T/cx.txt"
start 80 24 "$T/cx.txt"
wait_for "第一行"
keys /
text 're:(a+)+b'
keys Enter
wait_for "regular expression too complex for a line at" && ok || bad "regex limit: the reader says so"
shows "过了那一行" && ok || bad "regex limit: the match past the line shown"
quit
rc_is 0 && ok || bad "regex limit: exit status $(cat "$T/rc")"

# ---- text, names, front matter and queries that try to drive the terminal --------
EVIL=$'\e]0;PWNED\a\e]52;c;cHduZWQ=\a\e[2J\e[H\xc2\x9b31m\xe2\x80\xae'
mkdir -p "$T/evil"
evil_name="$T/evil/a${EVIL}b.md"
printf -- '---\ntitle: "T%sT"\n---\n\n# 标题%s\n\n正文%s结束。\n' "$EVIL" "$EVIL" "$EVIL" >"$evil_name"
for mode in --dump --outline --speakers "--grep 正文" "--grep ${EVIL}"; do
    # shellcheck disable=SC2086
    "$JUAN" $mode "$evil_name" >"$T/evil.out" 2>&1
    if LC_ALL=C grep -qP '\x1b|\x07|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$T/evil.out"; then
        bad "$mode: raw control or bidi bytes in the output: $(cat -v "$T/evil.out" | head -3)"
    else
        ok
    fi
done
"$JUAN" --dump "$evil_name" | grep -qF '^[]0;PWNED^G' && ok || bad "--dump: ESC shown as ^["
"$JUAN" --dump "$evil_name" | grep -qF '<U+202E>' && ok || bad "--dump: U+202E shown as <U+202E>"
"$JUAN" --dump /nonexistent/"$EVIL" 2>"$T/err.out"
LC_ALL=C grep -qP '\x1b|\x07' "$T/err.out" && bad "error message: raw ESC" || ok
title0=$(tm display -p '#{pane_title}' 2>/dev/null)
start 80 24 "$evil_name"
wait_for "正文" && ok || bad "evil: the text shows"
shows "^[]0;PWNED^G" && ok || bad "evil: escapes shown as ^[ ... ^G"
shows "<U+202E>" && ok || bad "evil: the bidi override shown"
tm display -p '#{pane_title}' | grep -q PWNED && bad "evil: the pane title changed" || ok
tm list-buffers | grep -q . && bad "evil: OSC 52 reached the clipboard" || ok
keys /
text "正文"$'\x1b]0;Q\x07'
keys Enter
sleep 0.3
tm display -p '#{pane_title}' | grep -q 'Q' && bad "evil query: the pane title changed" || ok
quit
rc_is 0 && ok || bad "evil: exit status $(cat "$T/rc")"
: "$title0"

# ---- a storm of keys: 600 from every mode (prompts, panels, counts), in a
# fixed pseudo-random order; juan stays up and quits cleanly
KS=(j k g G / ? n N Space b d u m a "'" a "{" "}" "[" "]" "(" ")" "<" ">" h M B Escape Enter
    BSpace Up Down Left Right PPage NPage Home End F1 C-l 1 2 0 % R @ "#" : p C-u Tab x 创)
start 60 16 samples/interview.txt
seed=12345 alive=1
for i in $(seq 600); do
    seed=$(((seed * 1103515245 + 12345) % 2147483648))
    keys "${KS[$((seed / 65536 % ${#KS[@]}))]}"
    if ((i % 100 == 0)) && [ -s "$T/rc" ]; then alive=0; break; fi
done
[ $alive = 1 ] && [ ! -s "$T/rc" ] && ok || bad "key storm: juan exited ($(cat "$T/rc")) after $i keys"
keys Escape Escape Escape
sleep 0.3
keys q
poll test -s "$T/rc" || { keys Escape q; poll test -s "$T/rc"; }
rc_is 0 && ok || bad "key storm: exit status $(cat "$T/rc" 2>/dev/null)"

# ---- extreme sizes: each opens in bounded memory or is refused ------------------
# a 2 GB sparse file (all NUL): refused as binary, at once
truncate -s 2G "$T/sparse.txt"
r=$(stat_of "$JUAN" --dump "$T/sparse.txt")
eq "2 GB sparse: exit 2" "$(rc_of "$r")" 2
grep -q "binary file" "$T/err" && ok || bad "2 GB sparse: says binary: $(cat "$T/err")"
[ "$(rss_mb "$r")" -lt 200 ] && ok || bad "2 GB sparse: peak RSS $(rss_mb "$r") MB"
rm -f "$T/sparse.txt"

# ---- a text of 2 GiB and more (issue 18, 5): folded and regex searches find
# what lies past 2 GiB (pieces with 64-bit offsets), never a literal
# search in place of a regex (a sparse file: text at a few offsets)
if [ "$SCALE" != 1 ]; then
    echo "hostile: the 2.2 GB text is searched by the release build only"
elif ! truncate -s 2200M "$T/big.txt" 2>/dev/null; then
    echo "hostile: SKIP the 2.2 GB text: the file system cannot hold a sparse file of 2.2 GB"
else
    cjk_text 0.1 >"$T/bigpart.txt"
    echo "暗号ABC在这里，编号12345。" >>"$T/bigpart.txt"
    for off in 0 1024 2112; do # MiB: at the start, at 1 GiB, past 2 GiB
        dd if="$T/bigpart.txt" of="$T/big.txt" bs=1M seek="$off" conv=notrunc status=none
    done
    # (a regex, on the folded text: abc finds ABC)
    r=$(stat_of "$JUAN" --no-index --grep -E -c '暗号abc[^，]+，编号[0-9]+' "$T/big.txt")
    eq "2.2 GB: a regex finds all 3, past 2 GiB too" "$(cat "$T/out")" 3
    eq "2.2 GB: a regex, exit 0" "$(rc_of "$r")" 0
    rm -f "$T/big.txt" "$T/bigpart.txt" "$T/out"
fi

# a single line of 50 MB: pieces of 64 KiB (bound: the file's size + 64 MB)
n=$((50 / SCALE))
LC_ALL=C awk -v n="$n" 'BEGIN { s = "这是一段没有换行的很长很长的文字，"; while (t < n * 1e6) { printf "%s", s; t += length(s) } print "" }' >"$T/line.txt"
size_mb=$(($(stat -c %s "$T/line.txt") / 1000000))
r=$(stat_of "$JUAN" --dump -w 80 "$T/line.txt")
eq "$n MB line: --dump exit" "$(rc_of "$r")" 0
[ "$SCALE" != 1 ] || [ "$(rss_mb "$r")" -lt $((size_mb + 64)) ] && ok ||
    bad "$n MB line: --dump peak RSS $(rss_mb "$r") MB (bound $((size_mb + 64)))"
[ "$(tr -d '\n' <"$T/out" | wc -c)" = "$(($(stat -c %s "$T/line.txt") - 1))" ] && ok ||
    bad "$n MB line: text lost"
start 80 24 "$T/line.txt"
keys G
wait_for "100%" && ok || bad "$n MB line: G"
quit
rc_is 0 && ok || bad "$n MB line: exit status"
rm -f "$T/line.txt" "$T/out"

# 1,000,000 headings
n=$((1000000 / SCALE))
LC_ALL=C awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++) printf "第%d章\n\n这一章只有一句话。\n\n", i }' >"$T/headings.txt"
r=$(stat_of "$JUAN" --outline "$T/headings.txt")
eq "$n headings: --outline exit" "$(rc_of "$r")" 0
eq "$n headings: all of them" "$(grep -c '第' "$T/out")" "$n"
[ "$SCALE" != 1 ] || [ "$(rss_mb "$r")" -lt 400 ] && ok || bad "$n headings: peak RSS $(rss_mb "$r") MB"
start 80 24 "$T/headings.txt"
keys G
wait_for "100%" && ok || bad "$n headings: G"
quit
rm -f "$T/headings.txt"

# 100,000 speakers, two turns each
n=$((100000 / SCALE))
LC_ALL=C awk -v n="$n" 'BEGIN { for (r = 0; r < 2; r++) for (i = 1; i <= n; i++) printf "人物%d：第%d次说话。\n\n", i, r + 1 }' >"$T/speakers.txt"
r=$(stat_of "$JUAN" --speakers "$T/speakers.txt")
eq "$n speakers: exit" "$(rc_of "$r")" 0
[ "$(grep -c '人物' "$T/out")" -ge "$n" ] && ok || bad "$n speakers: listed $(grep -c '人物' "$T/out")"
[ "$SCALE" != 1 ] || [ "$(rss_mb "$r")" -lt 400 ] && ok || bad "$n speakers: peak RSS $(rss_mb "$r") MB"
rm -f "$T/speakers.txt"

# a quote nested 10,000 deep, and a front matter of 1 MB
{ printf '%*s' 10000 '' | tr ' ' '>'; echo " 很深的引用。"; echo; echo "之后的段落。"; } >"$T/deep.md"
r=$(stat_of "$JUAN" --dump -w 80 "$T/deep.md")
eq "10,000-deep quote: exit" "$(rc_of "$r")" 0
grep -q "之后的段落" "$T/out" && ok || bad "10,000-deep quote: the text after it"
{ echo "---"; echo "title: 大的前言"; printf 'note: "'; head -c 1000000 /dev/zero | tr '\0' 'x'; echo '"'; echo "---"; echo; echo "正文在这里。"; } >"$T/fm.md"
r=$(stat_of "$JUAN" --dump -w 80 "$T/fm.md")
eq "1 MB front matter: exit" "$(rc_of "$r")" 0
grep -q "正文在这里" "$T/out" && ok || bad "1 MB front matter: the body"
[ "$SCALE" != 1 ] || [ "$(rss_mb "$r")" -lt 100 ] && ok || bad "1 MB front matter: peak RSS $(rss_mb "$r") MB"

# ---- locales: CJK is shown right whatever the locale says -------------------------
want=$(LC_ALL=C.UTF-8 "$JUAN" --dump -w 60 samples/interview.txt)
for loc in "LC_ALL=C" "LC_ALL=POSIX" "LC_ALL=xx_YY.UTF-8" "LANG=C"; do
    got=$(env -u LC_ALL -u LANG "$loc" "$JUAN" --dump -w 60 samples/interview.txt 2>/dev/null)
    [ "$got" = "$want" ] && ok || bad "$loc: --dump differs"
done
start LC_ALL=C 80 24 samples/interview.txt
wait_for "沈知远" && ok || bad "LC_ALL=C: the reader shows CJK"
quit
rc_is 0 && ok || bad "LC_ALL=C: exit status"

# ---- terminals ------------------------------------------------------------------
start 80 24 samples/japanese.txt
tm resize-window -t e -x 1 -y 1 2>/dev/null || tm resize-pane -t e -x 1 -y 1
sleep 0.5
tm resize-window -t e -x 80 -y 24 2>/dev/null || tm resize-pane -t e -x 80 -y 24
wait_for "%" && ok || bad "1x1 and back: the page again"
quit
rc_is 0 && ok || bad "1x1: exit status $(cat "$T/rc")"
out=$(env -u TERM "$JUAN" samples/japanese.txt </dev/null 2>&1 >/dev/null)
[ $? -le 2 ] && ok || bad "TERM unset: crashed"
out=$(script -qec "env -u TERM $(printf %q "$JUAN") samples/japanese.txt" /dev/null </dev/null 2>&1 | tr -d '\r')
case "$out" in *"深夜のサーバールーム"*) ok ;; *) bad "TERM unset: the text printed: $(head -c 300 <<<"$out")" ;; esac
"$JUAN" samples/japanese.txt <&- >"$T/closed.out" 2>&1
rc=$?
[ $rc -le 2 ] && ok || bad "stdin closed: status $rc"

# ---- signals: the terminal restored, the place kept ----------------------------------
for sig in HUP TERM INT; do
    tm_reset
    rm -f "$T/rc"
    tm_session -s e -x 60 -y 12 "cd $(pwd); JUAN_STATE_DIR=$T/state.sig TERM=screen $JUAN --ambiguous=narrow samples/interview.txt; echo rc=\$? >$T/rc; stty -a | tr ' ' '\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' '; echo; sleep 30"
    wait_for "%"
    keys 5 0 %
    sleep 0.5
    pkill -"$sig" -f "^$JUAN --ambiguous=narrow samples/interview.txt" || true
    poll test -s "$T/rc"
    wait_for "icanon echo" && ok || bad "SIG$sig: terminal modes restored"
    tm_reset
    tm_session -s e -x 60 -y 12 "cd $(pwd); JUAN_STATE_DIR=$T/state.sig TERM=screen $JUAN --ambiguous=narrow samples/interview.txt; sleep 30"
    wait_for "resumed at" && ok || bad "SIG$sig: the place was saved"
    keys g
    sleep 0.3
    keys q
    sleep 0.3
done
# stopped and continued
tm_reset
tm_session -s e -x 60 -y 12 "cd $(pwd); env -i PATH=$PATH HOME=$T TERM=screen PS1='$ ' bash --norc --noprofile -i"
sleep 0.5
text "JUAN_STATE_DIR=$T/state.stop LC_ALL=C.UTF-8 $JUAN --ambiguous=narrow samples/interview.txt; echo rc=\$?"
keys Enter
wait_for "%"
keys C-z
wait_for "Stopped" && ok || bad "SIGTSTP: stopped, the shell back"
keys "fg" Enter
wait_for "%" && ok || bad "SIGCONT: the page drawn again"
keys q
sleep 0.5
text 'echo status=$?'
keys Enter
wait_for "status=0" && ok || bad "after SIGCONT: q exits 0"

done_tests
