#!/usr/bin/env bash
# The reader's memory, end to end (tmux): resume at another width, bookmarks
# that survive an edit above them, a renamed file, the library views, a
# damaged database, a state directory that cannot be written, and the
# --bookmarks / --forget / --no-state / --from-start options. Every state
# directory is a temporary one. JUAN names the binary (default ./juan).
# Last line: "state: N passed, M failed".
cd "$(dirname "$0")/.." || exit 2
NAME=state
. tests/tmux.sh
has() { shows "$1"; }

# run W H ARGS...: juan in a fresh session; returns when its status shows
run() {
    local w=$1 h=$2
    shift 2
    tm_reset
    rm -f "$T/rc"
    local cmd="cd $(pwd) && env TERM=screen JUAN_STATE_DIR=$JUAN_STATE_DIR $JUAN --ambiguous=narrow"
    for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
    tm_session -s e -x "$w" -y "$h" "$cmd 2>>$T/stderr; echo \$? >$T/rc; sleep 60"
    wait_for "%" || wait_for "Enter reads"
}
quit() { keys q; poll test -s "$T/rc"; }

cp samples/interview.txt "$T/doc.txt"
# the turn that } reaches after n presses, as the text that starts it
nth_turn() {
    local o
    o=$("$JUAN" --speakers --json "$1" | grep -oE '"turn_offsets": \[[0-9, ]*\]' |
        grep -oE '[0-9]+' | sort -n | sed -n "$2p")
    tail -c +$((o + 1)) "$1" | head -1 | cut -c1-8
}

# ---- resume at another width -------------------------------------------------
t5=$(nth_turn "$T/doc.txt" 5)
run 80 24 "$T/doc.txt"
for i in 1 2 3 4 5; do keys "}"; done
poll top_starts "$t5" && ok || bad "} x5 to [$t5]"
quit
[ "$(cat "$T/rc")" = 0 ] && ok || bad "quit: status 0"
run 50 20 "$T/doc.txt"
poll top_starts "$t5" && ok || bad "reopened at 50 columns: the same top line [$t5]"
wait_for "resumed at" && ok || bad "status: resumed at"
pct=$(screen | grep -oE 'resumed at [0-9]+%')
[[ "$(row 19)" == *"(§"* ]] && ok || bad "the status names the section"
quit
run 80 24 --from-start "$T/doc.txt"
poll top_starts "$(head -1 "$T/doc.txt" | cut -c1-6)" && ok || bad "--from-start: the top"
! has "resumed at" && ok || bad "--from-start: no resume message"
keys "}"; t1=$(nth_turn "$T/doc.txt" 1); poll top_starts "$t1" && ok || bad "} after --from-start"
quit
# and the position is saved as usual
run 80 24 "$T/doc.txt"
wait_for "resumed at" && poll top_starts "$t1" && ok || bad "resumed after --from-start"
quit

# ---- bookmarks and marks survive a paragraph inserted above ------------------
t3=$(nth_turn "$T/doc.txt" 3)
t7=$(nth_turn "$T/doc.txt" 7)
run 80 24 --from-start "$T/doc.txt"
keys "}" "}" "}"; poll top_starts "$t3" && ok || bad "} x3"
keys M; wait_for "bookmark name:" && ok || bad "M asks for a name"
text "要点"; keys Enter; wait_for "note (optional):" && ok || bad "M asks for a note"
text "记下来"; keys Enter; wait_for "bookmark 要点 set" && ok || bad "bookmark set"
keys "}" "}" "}" "}"; poll top_starts "$t7" && ok || bad "} x4"
keys m a; wait_for "mark a set" && ok || bad "ma"
quit
out=$("$JUAN" --bookmarks "$T/doc.txt")
[[ "$out" == *"要点"*"“${t3:0:4}"*"记下来"* && "$out" == *"'a"*"“${t7:0:4}"* && "$out" == position* ]] && ok ||
    bad "--bookmarks: $out"
"$JUAN" --bookmarks --json "$T/doc.txt" | grep -q '"name": "要点", "note": "记下来", "offset": ' && ok || bad "--bookmarks --json"
{ printf '新加的一段话，放在最前面，让后面的字节都挪了位置。\n\n'; cat samples/interview.txt; } >"$T/doc.txt"
# the store's warning at the same opening does not hide it: both, the
# store's first (a copy of the state, read-only)
cp -r "$JUAN_STATE_DIR" "$T/st444" && chmod 444 "$T/st444/state.db" || bad "a read-only copy of the state"
JUAN_STATE_DIR=$T/st444 run 200 24 "$T/doc.txt"
wait_for "is read-only (mode 0444)" && wait_for "; bookmark moved: text changed" && ok ||
    bad "the store's warning and bookmark moved, both"
quit
run 80 24 "$T/doc.txt"
wait_for "bookmark moved: text changed" && ok || bad "status: bookmark moved"
keys B; wait_for "Bookmarks:" && wait_for "要点" && ok || bad "B lists the bookmark"
# the bookmarks are in document order: 要点 (turn 3) first
keys Enter; poll top_starts "$t3" && ok || bad "B, Enter: the bookmark is on its sentence"
keys g "'" a; poll top_starts "$t7" && ok || bad "'a: the mark is on its sentence"
# rename and delete in the panel
keys B; wait_for "Bookmarks:"; keys r; wait_for "new name: 要点" 23 && ok || bad "r starts from the current name"
keys BSpace BSpace; text "重点"; keys Enter
keys e; wait_for "note: 记下来" 23 && ok || bad "e edits the note from what it was"
keys BSpace; text "了"; keys Enter
wait_for "重点" && ok || bad "r renames"
keys j d; wait_for "delete 'a? y: yes, any other key: no" 23 && has "重点" && has "Bookmarks:" && ok ||
    bad "d asks on the last row, the list in view"
keys n; sleep 0.3; has "'a" && has "Bookmarks:" && ! has "delete 'a?" && ok || bad "any other key cancels"
keys d; wait_for "delete 'a?"; keys y
no_a() { [ "$(screen | grep -c "'a")" = 0 ]; } # (read again at each poll)
poll no_a && ok || bad "d deletes (one y key)"
keys Escape
quit
out=$("$JUAN" --bookmarks "$T/doc.txt")
[[ "$out" == *"重点"*"— 记下了"* && "$out" != *"'a"* ]] && ok || bad "after rename, note edit and delete: $out"

# ---- a renamed file keeps its memory; a copy shares it --------------------------
mv "$T/doc.txt" "$T/renamed.txt"
run 80 24 "$T/renamed.txt"
wait_for "resumed at" && ok || bad "renamed: resumed"
quit
cp "$T/renamed.txt" "$T/copy.txt"
[[ "$("$JUAN" --bookmarks "$T/copy.txt")" == *"重点"* ]] && ok || bad "a copy shares the bookmarks"

# ---- the library views --------------------------------------------------------------
mkdir -p "$T/lib/sub"
cp "$T/renamed.txt" "$T/lib/a.txt"
cp samples/essay.md "$T/lib/sub/essay.md"
cp samples/japanese.txt "$T/lib/b.txt"
printf 'not a text\n' >"$T/lib/c.bin"
run 100 20 "$T/lib"
wait_for "Library of" && ok || bad "juan DIR: the library"
wait_for "深夜のサーバールーム" && wait_for "在终端里读长文" && ok || bad "titles listed"
! has "c.bin" && ok || bad "only .txt/.md/.markdown"
# sorted by path: a.txt, b.txt, sub/essay.md
[ "$(screen | grep -nE 'a\.txt|b\.txt|essay\.md' | cut -d: -f1 | tr '\n' ' ')" = "2 3 4 " ] && ok || bad "sorted by path"
screen | grep "a.txt" | grep -qE '[0-9]+%' && ok || bad "progress of a read document"
screen | grep "b.txt" | grep -q ' - ' && ok || bad "an unread document has no progress"
keys j Enter; wait_for "min left" && ok || bad "Enter reads"
keys q; wait_for "Library of" && ok || bad "q comes back to the list"
keys /; text "essay"; keys Enter
wait_for "filter: essay" && ! has "b.txt" && has "essay.md" && ok || bad "/ filters"
keys /; keys C-u Enter
wait_for "b.txt" && ok || bad "an empty filter shows all"
b_read() { screen | grep "b.txt" | grep -qE '[0-9]+%'; }
b_unread() { ! b_read; }
poll b_read && ok || bad "b.txt read: its progress"
keys j d; wait_for "y: yes, any other key: no" 19 && has "b.txt" && has "Library of" && ok ||
    bad "library: d asks on the last row, the list in view"
keys x; sleep 0.3; b_read && ok || bad "library: any other key keeps it"
keys d; wait_for "y: yes"; keys y
poll b_unread && ok || bad "d forgets (progress gone)"
quit
run 100 20
wait_for "Recently read" && ok || bad "bare juan: recently read"
has "新加的一段话" && ! has "lib/b.txt" && ok || bad "the documents read are listed (b.txt was forgotten)"
mv "$T/copy.txt" "$T/gone.txt"
quit
run 100 20
screen | grep -qE "missing" && ok || bad "a missing file is marked"
quit

# ---- titles of files not opened yet: decoded as the reader will; the reader's title
mkdir -p "$T/lib2"
cp samples/traditional.big5.txt "$T/lib2/b5.txt"
cp samples/traditional.gb18030.txt "$T/lib2/gb.txt"
printf -- '---\ntitle: "前言：关于这本书"\n---\n\n正文从这里开始。\n' >"$T/lib2/fm.md"
printf '第一行就是正文，它以句号结尾。\n\n第二段。\n' >"$T/lib2/plain.txt"
run 100 20 "$T/lib2"
wait_for "Library of" && ok || bad "lib2: the library"
[[ "$(screen | grep b5.txt)" == *"雨天與舊書店"* && "$(screen | grep gb.txt)" == *"雨天與舊書店"* ]] && ok ||
    bad "a Big5 and a GB18030 file show their titles"
[[ "$(screen | grep fm.md)" == *"前言：关于这本书"* ]] && ok || bad "front matter: its title"
[[ "$(screen | grep plain.txt)" == *"第一行就是正文"* ]] && ok || bad "no title: the first line"
quit
# the filter (issue 16): folds like search, narrows as it is typed, Esc clears it
printf '记者：你好。\n\n受访者：你好。\n' >"$T/lib2/訪談-繁體.txt"
run 100 20 "$T/lib2"
wait_for "訪談-繁體.txt" && ok || bad "filter: the traditional file name listed"
keys /; text "访谈"
wait_for "filter: 访谈" && poll absent "plain.txt" && shows "訪談-繁體.txt" && ok ||
    bad "filter: narrows as it is typed, folded (访谈 finds 訪談)"
keys Enter; wait_for "filter: 访谈" 0 && has "訪談-繁體.txt" && ! has "plain.txt" && ok || bad "filter: kept on Enter"
keys /; text "雨天与旧"; wait_for "b5.txt" && ! has "訪談-繁體.txt" && ok || bad "filter: a traditional title by its simplified form"
keys Escape; wait_for "訪談-繁體.txt" && shows "filter: 访谈" 0 && ! has "b5.txt" && ok || bad "filter: Esc in the prompt keeps the filter as it was"
keys Escape; poll absent "filter: 访谈" 0 && wait_for "plain.txt" && ok || bad "filter: Esc clears it"
[ ! -s "$T/rc" ] && has "Library of" && ok || bad "filter: Esc with a filter does not quit"
keys Escape; poll test -s "$T/rc" && ok || bad "Esc without a filter quits"
rm "$T/lib2/訪談-繁體.txt"
# an empty library explains itself (issue 16)
JUAN_STATE_DIR="$T/state.empty" run 100 12
wait_for "no documents yet: juan FILE or juan DIR" && ok || bad "an empty first library: how to fill it"
quit
mkdir -p "$T/emptydir"
run 100 12 "$T/emptydir"
wait_for "no documents here" && ok || bad "an empty DIR: says so"
keys /; text "zzz"; keys Enter
wait_for "no documents here" && ok || bad "an empty DIR, filtered: still says so"
quit
# paths cut in the middle, the file name kept (issue 16): under DIR, and ~/ in bare juan
d3="$T/home/文档/一二三四五六七八九十/abcdefghijklmnopqrst/访谈"
mkdir -p "$d3"
printf '这是一段很长很长的标题文字，用来占满整行的宽度。\n\n正文。\n' >"$d3/梁文锋专访.txt"
run 80 12 "$T/home"
wait_for "梁文锋专访.txt" && ok || bad "a long path: the file name shown"
[[ "$(screen | grep 梁文锋专访)" == *"文档/…/访谈/梁文锋专访.txt"* ]] && ok || bad "a long path: cut in the middle"
keys Enter; wait_for "%"; keys q; wait_for "Library of"; quit
HOME="$T/home" run 80 12
wait_for "~/…/访谈/梁文锋专访.txt" && ok || bad "bare juan: ~/…/访谈/梁文锋专访.txt"
quit
HOME="$T/home" run 160 12
wait_for "~/文档/一二三四五六七八九十/abcdefghijklmnopqrst/访谈/梁文锋专访.txt" && ok || bad "wide: the whole path"
quit

# ---- a large file (hashed on a thread): resumed once its identity is known
for i in $(seq 800); do cat samples/interview.txt; done >"$T/big.txt"
run 80 24 "$T/big.txt"
keys 5 0 %; wait_for "50%" && ok || bad "big: 50%"
wait_for "days left" 23 && [[ "$(row 23)" == *"≈ "[0-9]*" days left"* ]] && ok || bad "big: the time left in days (≈ N days left), not thousands of minutes"
top=$(toprow)
quit
run 60 24 "$T/big.txt"
wait_for "resumed at 50%" && ok || bad "big: resumed at 50%"
quit

# ---- SIGTERM saves the position
t6=$(nth_turn "$T/renamed.txt" 6)
run 80 24 --from-start "$T/renamed.txt"
for i in 1 2 3 4 5 6; do keys "}"; done
poll top_starts "$t6" && ok || bad "} x6"
pkill -TERM -f "^$JUAN --ambiguous=narrow --from-start $T/renamed.txt"
poll test -s "$T/rc" && [ "$(cat "$T/rc")" = 0 ] && ok || bad "SIGTERM: a clean exit"
run 50 24 "$T/renamed.txt"
poll top_starts "$t6" && ok || bad "SIGTERM saved the position"
quit

# ---- two readers of one document and one store at once
tm_reset
rm -f "$T/rc1" "$T/rc2"
for k in 1 2; do
    tm_session -s "r$k" -x 80 -y 24 "cd $(pwd) && env TERM=screen JUAN_STATE_DIR=$JUAN_STATE_DIR $JUAN --ambiguous=narrow $T/renamed.txt; echo \$? >$T/rc$k; sleep 60"
done
sleep 0.5
for i in $(seq 30); do tm send-keys -t r1 j m a; tm send-keys -t r2 k m b "}"; done
tm send-keys -t r1 q; tm send-keys -t r2 q
poll test -s "$T/rc1" && poll test -s "$T/rc2" && [ "$(cat "$T/rc1")$(cat "$T/rc2")" = 00 ] && ok || bad "two readers: both exit 0"
[ "$(sqlite3 "$JUAN_STATE_DIR/state.db" 'PRAGMA integrity_check')" = ok ] && ok || bad "two readers: integrity"
out=$("$JUAN" --bookmarks "$T/renamed.txt")
[[ "$out" == *"'a"* && "$out" == *"'b"* ]] && ok || bad "two readers: both marks kept: $out"

# ---- a damaged database ------------------------------------------------------------
head -c 8192 /dev/urandom >"$JUAN_STATE_DIR/state.db"
run 80 24 samples/japanese.txt
wait_for "was damaged: set aside as" && ok || bad "damaged: the warning"
ls "$JUAN_STATE_DIR" | grep -q '^state.db.corrupt-' && ok || bad "the damaged file is kept"
keys j m b; wait_for "mark b set" && ok || bad "the new store works"
quit
[ "$(cat "$T/rc")" = 0 ] && ok || bad "damaged: status 0"

# ---- a state directory that cannot be written ------------------------------------
# (another user, 65534, runs a copy of the binary and of the text in $T: the
# work tree's directories need not be open to it, as in a clone made under
# mktemp -d)
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    OTHER="$T/juan-other"
    cp "$JUAN" "$OTHER" && cp samples/japanese.txt "$T/j.txt" && chmod 755 "$OTHER" &&
        chmod 644 "$T/j.txt" || bad "the binary and the text copied for another user"
    mkdir -p "$T/ro"
    chmod 555 "$T/ro"
    tm_reset
    tm_session -s e -x 80 -y 24 "cd $T && setpriv --reuid=65534 --regid=65534 --clear-groups env TERM=screen HOME=/nonexistent JUAN_STATE_DIR=$T/ro/state $OTHER --ambiguous=narrow j.txt; echo rc=\$?; sleep 60"
    wait_for "cannot make $T/ro/state: Permission denied" && ok || bad "read-only: the warning"
    keys j; sleep 0.2; ! has "cannot make" && ok || bad "read-only: warned once"
    keys m c; wait_for "mark c set" && ok || bad "read-only: the reader works"
    keys q; wait_for "rc=0" && ok || bad "read-only: status 0"
fi

# ---- --no-state, --forget, --state-dir ------------------------------------------
S2="$T/other"
"$JUAN" --no-state --bookmarks samples/japanese.txt >/dev/null 2>"$T/err"; [ $? = 2 ] && ok || bad "--no-state --bookmarks: status 2"
run 80 24 --no-state "$T/renamed.txt"
! has "resumed at" && ok || bad "--no-state: no resume"
quit
out=$("$JUAN" --forget "$T/renamed.txt"); [ "$out" = "forgot $T/renamed.txt" ] && ok || bad "--forget: $out"
[ -z "$("$JUAN" --bookmarks "$T/renamed.txt")" ] && ok || bad "--forget forgot"
"$JUAN" --state-dir "$S2" --bookmarks samples/japanese.txt >/dev/null && [ -f "$S2/state.db" ] && ok || bad "--state-dir"
[ "$(stat -c %a "$S2")" = 700 ] && [ "$(stat -c %a "$S2/state.db")" = 600 ] && ok || bad "modes 0700 and 0600"

# ---- the state and cache of juan 0.1.0 (tests/upgrade/; state-0.1.0.sql says how
# they were made): kept under the identities of the older form, found again
old_at=/tmp/juan-upgrade/bookshop.txt
U="$T/upgrade"
mkdir -p "$U/state" "$U/moved/state" "$U/cache/paths"
cp tests/upgrade/bookshop.txt "$U/bookshop.txt"
cp tests/upgrade/bookshop.txt "$U/moved/bookshop.txt"
want=$(cat tests/upgrade/bookmarks-0.1.0.txt)
sed "s|$old_at|$U/bookshop.txt|" tests/upgrade/state-0.1.0.sql | sqlite3 "$U/state/state.db" &&
    ok || bad "upgrade: the fixture loads"
sqlite3 "$U/moved/state/state.db" <tests/upgrade/state-0.1.0.sql && ok || bad "upgrade: the fixture loads (moved)"
# by path: --bookmarks shows what 0.1.0 showed; the records are re-keyed
out=$(JUAN_STATE_DIR="$U/state" "$JUAN" --bookmarks "$U/bookshop.txt")
[ "$out" = "$want" ] && ok || bad "upgrade by path: --bookmarks: [$out], want [$want]"
sq() { sqlite3 "$1/state.db" "$2"; }
[ "$(sq "$U/state" "SELECT count(*) FROM documents WHERE id NOT LIKE 'x3-1339-%'")" = 0 ] &&
    [ "$(sq "$U/state" "SELECT count(DISTINCT doc) || ' ' || count(*) FROM bookmarks WHERE doc LIKE 'x3-1339-%'")" = "1 2" ] &&
    [ "$(sq "$U/state" "SELECT count(*) FROM positions WHERE doc LIKE 'x3-1339-%'")" = 1 ] &&
    [ "$(sq "$U/state" "SELECT title FROM documents")" = 旧书店的下午 ] && ok ||
    bad "upgrade by path: re-keyed whole: $(sq "$U/state" "SELECT * FROM documents; SELECT doc, name FROM bookmarks")"
# the reader resumes where 0.1.0 left it
JUAN_STATE_DIR="$U/state" run 40 10 "$U/bookshop.txt"
wait_for "resumed at 52%" && poll top_starts "店主话不多" && ok || bad "upgrade: the reader resumes"
keys "'" a; poll top_starts "书没有按什么规矩排" && ok || bad "upgrade: 'a is where it was"
quit
# by content: the file is no longer where 0.1.0 saw it
out=$(JUAN_STATE_DIR="$U/moved/state" "$JUAN" --bookmarks "$U/moved/bookshop.txt")
[ "$out" = "$want" ] && ok || bad "upgrade by content: --bookmarks: [$out], want [$want]"
[ "$(sq "$U/moved/state" "SELECT count(*) FROM documents WHERE id NOT LIKE 'x3-1339-%'")" = 0 ] && ok ||
    bad "upgrade by content: re-keyed"
# its index (format 3) and record by path (version 1): refused, rebuilt and
# removed; --grep gives the matches it gives without an index
C="$U/cache"
old_idx="$C/1339-a488e59639e9fdc1.t2s.idx"
base64 -d tests/upgrade/bookshop-0.1.0.t2s.idx.gz.b64 | gunzip >"$old_idx" &&
    cp tests/upgrade/record-0.1.0 "$C/paths/26d6c5402d31d956" && ok || bad "upgrade: the index fixture"
version() { od -An -tu4 -j8 -N4 "$1" | tr -d ' '; }
[ "$(version "$old_idx")" = 3 ] && ok || bad "upgrade: the fixture is an index of format 3"
for w in 书 店主 "会响的梯子"; do
    n=$("$JUAN" --grep --no-index -c "$w" "$U/bookshop.txt")
    [ "$(JUAN_CACHE_DIR="$C" "$JUAN" --grep -c "$w" "$U/bookshop.txt")" = "$n" ] && [ "$n" -gt 0 ] && ok ||
        bad "upgrade: --grep -c $w: the index's count is $n's"
done
new_idx=$(ls "$C"/x3-1339-*.t2s.idx 2>/dev/null)
[ -n "$new_idx" ] && [ "$(version "$new_idx")" = 4 ] && ok || bad "upgrade: a new index: $(ls "$C")"
[ ! -e "$old_idx" ] && [ ! -e "$C/paths" ] && ok || bad "upgrade: 0.1.0's index and records removed: $(ls "$C")"
grep -q "^JUANPATH 2 1339 [0-9]* x3-1339-" "$C"/ids/* && ok || bad "upgrade: the record rewritten"
# an index of format 3 where the new one belongs: refused and made again
base64 -d tests/upgrade/bookshop-0.1.0.t2s.idx.gz.b64 | gunzip >"$new_idx"
ino=$(stat -c %i "$new_idx")
[ "$(JUAN_CACHE_DIR="$C" "$JUAN" --grep -c 书 "$U/bookshop.txt")" = "$("$JUAN" --grep --no-index -c 书 "$U/bookshop.txt")" ] &&
    [ "$(version "$new_idx")" = 4 ] && [ "$(stat -c %i "$new_idx")" != "$ino" ] && ok ||
    bad "upgrade: an index of format 3 at the new name rebuilt"

# ---- quotes: one line, from a character's start, as the reader shows it; rows
# of a narrow panel drop columns, never the name (issue 16: bugs 5 and 3)
{ printf '短句。\n\n'; for i in $(seq 100); do echo "这是一行用来凑长度的文字。"; done; } >"$T/q.txt"
printf -- '---\ntitle: 旧城记\nauthor: 某人\n---\n\n# 第一章 一个很长很长的标题，长到在窄的面板里放不下也没关系\n\n下一段的文字**继续**写下去，\n写得长一点，一直写到很后面才停下来。\n' >"$T/q.md"
bm() { # NAME: M, the name, no note
    keys M; wait_for "bookmark name:"; text "$1"; keys Enter; wait_for "note"; keys Enter
    wait_for "bookmark $1 set"
}
run 80 24 --from-start "$T/q.txt"
bm 顶 && ok || bad "quotes: M at the top"
keys 5 0 %; wait_for " 49%" 23; bm 半 && ok || bad "quotes: M at 50%"
quit
out=$("$JUAN" --bookmarks "$T/q.txt")
[[ "$out" == *"顶    0%  “短句。 这是一行用来凑长度的文字。 这是一行"*"”"* && "$out" != *"^J"* && "$out" != *"�"* ]] &&
    [[ "$out" == *"半   49%  “"*"”"* ]] && ok || bad "--bookmarks: quotes on one line, from a character: [$out]"
run 80 24 --from-start "$T/q.md"
bm 标题 && ok || bad "quotes: M at the top of Markdown"
keys "]"; wait_top "第一章"; bm 段 && ok || bad "quotes: M on a heading"
quit
out=$("$JUAN" --bookmarks "$T/q.md")
[[ "$out" == *"标题    0%  “旧城记 第一章"* && "$out" != *"---"* && "$out" != *"**"* &&
    "$out" == *"段   19%  §第一章 一个很长"*"“第一章 一个很长很长的标题"* ]] && ok || bad "--bookmarks: Markdown quoted as shown: [$out]"
for size in "60 20" "40 12"; do
    run $size "$T/q.md"; keys B; wait_for "Bookmarks"
    [[ "$(row 1)" == " 标题 "*"%"*"“旧城记 第一章"*"…”" && "$(row 2)" == " 段 "*"%  "*"“第一章 一个"*"…”" ]] && ok ||
        bad "B at $size: rows [$(row 1)] [$(row 2)]"
    keys Escape; quit
done
run 40 12 "$T/q.txt"; keys B; wait_for "Bookmarks"
[[ "$(row 1)" == " 顶    0%  “短句。 这是"*"…”" && "$(row 2)" == " 半   49%  “"*"…”" ]] && ok ||
    bad "B at 40x12: rows [$(row 1)] [$(row 2)]"
keys Escape; quit

# ---- one percentage: the panel, --bookmarks, --outline and the status line
# round alike; "resumed at" says what the indicator shows (issue 16: bug 9)
pb=$("$JUAN" --bookmarks "$T/q.txt" | grep -oE '^半 +[0-9]+%' | grep -oE '[0-9]+%')
run 40 12 "$T/q.txt"; keys B; wait_for "Bookmarks"
[[ -n "$pb" && "$(row 2)" == " 半 "*" $pb  “"* ]] && ok || bad "B and --bookmarks: the same percent ($pb): [$(row 2)]"
keys Escape; keys G; wait_for "100%" 11; quit
run 40 12 "$T/q.txt"
wait_for "resumed at" 11; [[ "$(row 11)" == *"resumed at 100%"* && "$(row 11)" == *" 100%"* ]] && ok ||
    bad "resumed at the end: the message and the indicator agree: [$(row 11)]"
quit
printf '# 一\n\n%s\n\n# 二\n\n%s\n' "$(printf '甲%.0s' $(seq 100))" "$(printf '乙%.0s' $(seq 90))" >"$T/pc.md"
[ "$("$JUAN" --outline "$T/pc.md" | tail -1)" = "  二  5  52%" ] && ok || bad "--outline rounds down: [$("$JUAN" --outline "$T/pc.md" | tail -1)]"

# ---- N% lands on a character boundary (issue 18 item 8): the mark `m`
# stores, its quote and the position saved at quit are never inside a
# character (30% and 71% of this text fall in the middle of one; view_goto
# takes the character's start, and anchor_make did already)
for i in $(seq 12); do printf '第%s段：春风又绿江南岸，明月何时照我还。山高水长，云深不知处。\n\n' "$i"; done >"$T/pct.txt"
run 60 12 --from-start "$T/pct.txt"
keys 3 0 %; wait_top "第4段" && ok || bad "30%: the line that holds byte 335 on top"
keys m a; wait_for "mark a set" && ok || bad "30%, ma"
keys 7 1 %; wait_top "第9段"; keys m b; wait_for "mark b set"
quit
on_boundary() { # FILE OFFSET: the byte at OFFSET starts a character
    local b; b=$(tail -c +$(($2 + 1)) "$1" | head -c 1 | od -An -tu1 | tr -d ' ')
    [ -n "$b" ] && { [ "$b" -lt 128 ] || [ "$b" -ge 192 ]; }
}
js=$("$JUAN" --bookmarks --json "$T/pct.txt")
for nm in a b; do
    o=$(grep -oE "\"name\": \"'$nm\", \"note\": \"\", \"offset\": [0-9]+" <<<"$js" | grep -oE '[0-9]+$')
    [ -n "$o" ] && on_boundary "$T/pct.txt" "$o" && ok || bad "'$nm at $o: inside a character: $js"
done
po=$(grep -oE '"position": \{"offset": [0-9]+' <<<"$js" | grep -oE '[0-9]+$')
[ -n "$po" ] && on_boundary "$T/pct.txt" "$po" && ok || bad "the position at $po: inside a character: $js"
out=$("$JUAN" --bookmarks "$T/pct.txt")
! grep -q $'\xef\xbf\xbd' <<<"$out" && [[ "$out" == *"'a"*"“"[第春风又绿江南岸明月何时照我还山高水长云深不知处段：，。0-9]* ]] && ok ||
    bad "the quotes start on a character: $out"

# ---- a large text resumes at once (issue 18 item 2): the saved place's
# text and "resumed at N%" on the first screen, before the structure is
# built (its scan of this 10 MB text takes a while; the screen it gives
# stays up for the next redraw, 200 ms at least); the section is added
# when the structure arrives, the place kept
awk 'BEGIN { s[0] = "春风又绿江南岸，明月何时照我还。"; s[1] = "山高水长，云深不知处，归人未归。";
    s[2] = "灯下读旧信，窗外落着细细的雨。"; s[3] = "码头的船一艘接一艘地靠了岸。";
    for (c = 1; c <= 1200; c++) { printf "第%d章 远行\n\n", c
        for (p = 1; p <= 40; p++) { printf "（%d.%d）", c, p
            for (k = 0; k < 8; k++) printf "%s", s[(c + p + k) % 4]; printf "\n\n" } } }' >"$T/big.txt"
pct_shown() { row 23 | grep -oE '[0-9]+%' | tail -1; } # the indicator
moved() { local p; p=$(pct_shown); [[ -n "$p" && "$p" != 0% ]]; } # (read again at each poll)
run 80 24 --from-start "$T/big.txt"
keys 6 0 %; poll moved && ok || bad "big: 60%"
quit
saved=$("$JUAN" --bookmarks "$T/big.txt" | grep -oE '^position +[0-9]+%' | grep -oE '[0-9]+%')
sec=$("$JUAN" --bookmarks "$T/big.txt" | grep -oE '^position .*§第[0-9]+章' | grep -oE '第[0-9]+章')
[[ -n "$saved" && "$saved" != 0% && -n "$sec" ]] && ok || bad "big: a position saved at 60% ($saved, $sec)"
run 80 24 "$T/big.txt"
first=$(screen)
[[ "$first" == *"resumed at $saved"* && "$first" != *"(§"* ]] && ok ||
    bad "big: the first screen says resumed at $saved before the section is known: [$first]"
[[ "$(tail -1 <<<"$first" | grep -oE '[0-9]+%' | tail -1)" == "$saved" && "$first" != *"第1章"* ]] && ok ||
    bad "big: the first screen shows the saved place ($saved): [$first]"
wait_for "resumed at $saved (§$sec 远行)" 23 && ok || bad "big: the section said once the structure is built"
[ "$(pct_shown)" = "$saved" ] && ok || bad "big: the place kept"
quit

# ---- a full disk, a lock, a read-only state.db (issue 18, item 1): a healthy
# database is never set aside; the reader goes on without saving and says so,
# and M never says "set" when nothing was saved. The disk is a 600 KiB tmpfs.
F="$T/full"
mkdir -p "$F"
if ! mount -t tmpfs -o size=600k tmpfs "$F" 2>/dev/null; then
    echo "state: SKIP the full-disk sequences: cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)"
else
    trap 'umount "$F" 2>/dev/null; tm kill-server 2>/dev/null; chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
    FS="$F/state"
    fill() { dd if=/dev/zero of="$F/fill" bs=4k >/dev/null 2>&1; true; }
    unfill() { rm -f "$F/fill"; }
    sound() { # the database is whole, holds 甲 and not $1, and was not set aside
        [ "$(sqlite3 "$FS/state.db" 'PRAGMA integrity_check')" = ok ] &&
            ! ls "$FS" | grep -q corrupt &&
            [ "$(sqlite3 "$FS/state.db" "SELECT group_concat(name) FROM bookmarks WHERE name IN ('甲', '$1')")" = 甲 ]
    }
    cp samples/interview.txt "$T/full.txt"
    t3=$(nth_turn "$T/full.txt" 3)
    JUAN_STATE_DIR=$FS run 80 24 --from-start "$T/full.txt"
    keys "}" "}" "}"; poll top_starts "$t3"
    bm 甲 && ok || bad "full: a bookmark on the free disk"
    quit
    sqlite3 "$FS/state.db" 'SELECT count(*) FROM documents' >/dev/null # (folds the WAL in: no -wal, no -shm)
    # full before opening: the memory is read, nothing is written
    fill
    : >"$T/stderr"
    JUAN_STATE_DIR=$FS run 80 24 "$T/full.txt"
    wait_for "cannot save: disk full — your bookmarks are kept" && ok || bad "full before opening: says so"
    poll top_starts "$t3" && ok || bad "full before opening: resumed where it was"
    keys M; wait_for "bookmark name:"; text 乙; keys Enter; wait_for "note"; keys Enter
    wait_for "bookmark 乙 not saved: disk full" && ! has "bookmark 乙 set" && ok || bad "full before opening: M says not saved"
    quit
    [ "$(cat "$T/rc")" = 0 ] && ok || bad "full before opening: status 0"
    unfill
    sound 乙 && ok || bad "full before opening: the database kept whole: $(ls "$FS")"
    # full while saving
    JUAN_STATE_DIR=$FS run 80 24 "$T/full.txt"
    wait_for "resumed at" && ! has "cannot save" && ok || bad "full while saving: opened writable"
    fill
    keys M; wait_for "bookmark name:"; text 丙; keys Enter; wait_for "note"; keys Enter
    wait_for "bookmark 丙 not saved: disk full" && ! has "bookmark 丙 set" && ok || bad "full while saving: M says not saved"
    keys m a; wait_for "mark a set, not saved: disk full" && ok || bad "full while saving: m a says not saved"
    quit
    unfill
    sound 丙 && ok || bad "full while saving: the database kept whole: $(ls "$FS")"
    # full at quit: the last save fails, and the terminal is told after the screen goes
    : >"$T/stderr"
    JUAN_STATE_DIR=$FS run 80 24 "$T/full.txt"
    wait_for "resumed at"
    keys "}" "}"; sleep 0.3
    fill
    quit
    [ "$(cat "$T/rc")" = 0 ] && grep -q "cannot save: disk full — your bookmarks are kept" "$T/stderr" && ok ||
        bad "full at quit: status 0 and the message on stderr: $(cat "$T/stderr")"
    unfill
    sound 丁 && ok || bad "full at quit: the database kept whole: $(ls "$FS")"
    [[ "$(JUAN_STATE_DIR=$FS "$JUAN" --bookmarks "$T/full.txt")" == *甲* ]] && ok || bad "full: --bookmarks after space is freed"
    # a lock held too long: the write waits, then says so; nothing is set aside
    mkfifo "$T/lock"
    sqlite3 "$FS/state.db" <"$T/lock" &
    lockpid=$!
    exec 7>"$T/lock"
    echo "BEGIN IMMEDIATE; DELETE FROM positions;" >&7
    sleep 0.3
    JUAN_STATE_DIR=$FS run 120 24 "$T/full.txt"
    keys M; wait_for "bookmark name:"; text 戊; keys Enter; wait_for "note"; keys Enter
    wait_for "bookmark 戊 not saved: state.db is locked by another program" && ok || bad "locked: M says not saved"
    quit
    kill "$lockpid"; wait "$lockpid" 2>/dev/null # (its transaction never committed)
    exec 7>&-
    sound 戊 && ok || bad "locked: the database kept whole: $(ls "$FS")"
    # a state.db the user made read-only stays so: read, never written
    chmod 444 "$FS/state.db"
    JUAN_STATE_DIR=$FS run 80 24 "$T/full.txt"
    wait_for "is read-only (mode 0444) — your bookmarks are kept" && ok || bad "0444: says so"
    keys M; wait_for "bookmark name:"; text 己; keys Enter; wait_for "note"; keys Enter
    wait_for "bookmark 己 not saved:" && ! has "bookmark 己 set" && ok || bad "0444: M says not saved"
    quit
    [ "$(stat -c %a "$FS/state.db")" = 444 ] && ok || bad "0444: the mode is kept: $(stat -c %a "$FS/state.db")"
    sound 己 && ok || bad "0444: the database kept whole"
    umount "$F"
fi
# a read-only state directory holding a database: read, never written
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    R="$T/rostate"
    mkdir -p "$R/st"
    chmod 755 "$R"
    cp samples/japanese.txt "$R/j.txt"
    JUAN_STATE_DIR="$R/st" "$JUAN" --bookmarks "$R/j.txt" >/dev/null
    sqlite3 "$R/st/state.db" "INSERT INTO bookmarks(doc,name,note,offset,quote,section,section_off,percent,created)
        SELECT id,'书签','',0,'','',0,0,0 FROM documents"
    chown -R 65534:65534 "$R/st"
    chmod 500 "$R/st"
    files=$(ls "$R/st") # (state.db, and the stamp of its close: store.c)
    out=$(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent JUAN_STATE_DIR="$R/st" \
        "$OTHER" --bookmarks "$R/j.txt" 2>&1); rc=$?
    [ "$rc" = 0 ] && [[ "$out" == *"书签"* && "$out" == *"cannot save: the state directory is read-only — your bookmarks are kept"* ]] &&
        [ "$(ls "$R/st")" = "$files" ] && ok || bad "a read-only state directory: read, not written [$rc] $out; $(ls "$R/st")"
fi

# ---- symlinks, another's or a shared directory (issue 18, item 6): state.db
# is never opened through a link, modes are never changed through one, and a
# state or cache directory that is another user's or that others can write
# to is not used, with a clear message
L="$T/links"
mkdir -p "$L/st"
sqlite3 "$L/other.sqlite" "CREATE TABLE t(x); INSERT INTO t VALUES(1)"
chmod 644 "$L/other.sqlite"
ln -s ../other.sqlite "$L/st/state.db"
out=$(JUAN_STATE_DIR="$L/st" "$JUAN" --bookmarks samples/japanese.txt 2>&1); rc=$?
[ "$rc" = 2 ] && [[ "$out" == *"state.db: it is a symbolic link"* ]] && ok || bad "a link at state.db: refused [$rc] $out"
[ "$(sqlite3 "$L/other.sqlite" .tables)" = t ] && [ "$(sqlite3 "$L/other.sqlite" 'PRAGMA journal_mode')" = delete ] &&
    [ "$(stat -c %a "$L/other.sqlite")" = 644 ] && ok ||
    bad "the link's target untouched: tables [$(sqlite3 "$L/other.sqlite" .tables)], mode $(stat -c %a "$L/other.sqlite")"
rm "$L/st/state.db"
ln -s "$L/nowhere.db" "$L/st/state.db"
JUAN_STATE_DIR="$L/st" "$JUAN" --bookmarks samples/japanese.txt >/dev/null 2>&1
[ ! -e "$L/nowhere.db" ] && ok || bad "a dangling link at state.db: its target is not made"
rm "$L/st/state.db"
ln -s "$L/other.sqlite" "$L/st/state.db-wal"
out=$(JUAN_STATE_DIR="$L/st" "$JUAN" --bookmarks samples/japanese.txt 2>&1)
[[ "$out" == *"state.db-wal: it is a symbolic link"* ]] && [ ! -e "$L/st/state.db" ] && ok || bad "a link at state.db-wal: refused: $out"
rm "$L/st/state.db-wal"
mkdir -m 777 "$L/shared"
out=$(JUAN_STATE_DIR="$L/shared" "$JUAN" --bookmarks samples/japanese.txt 2>&1); rc=$?
[ "$rc" = 2 ] && [[ "$out" == *"not using the state directory $L/shared: others can write to it (mode 0777"* ]] &&
    [ ! -e "$L/shared/state.db" ] && ok || bad "a shared 0777 state directory: refused [$rc] $out"
JUAN_STATE_DIR="$L/shared" run 100 24 samples/japanese.txt
wait_for "not using the state directory" && ok || bad "a shared state directory: the reader says so"
keys m c; wait_for "mark c set" && ok || bad "a shared state directory: the reader works"
quit
[ "$(cat "$T/rc")" = 0 ] && [ ! -e "$L/shared/state.db" ] && ok || bad "a shared state directory: status 0, nothing written"
if [ "$(id -u)" = 0 ]; then
    mkdir -m 700 "$L/theirs"
    chown 65534 "$L/theirs"
    out=$(JUAN_STATE_DIR="$L/theirs" "$JUAN" --bookmarks samples/japanese.txt 2>&1)
    [[ "$out" == *"not using the state directory $L/theirs: it belongs to another user (uid 65534)"* ]] &&
        [ ! -e "$L/theirs/state.db" ] && ok || bad "another user's state directory: refused: $out"
fi
mkdir -m 777 "$L/cache"
out=$(JUAN_CACHE_DIR="$L/cache" "$JUAN" --index samples/japanese.txt 2>&1); rc=$?
[ "$rc" = 2 ] && [[ "$out" == "juan: samples/japanese.txt: cannot write the index: not using the cache directory $L/cache: others can write to it"* ]] &&
    [ -z "$(ls "$L/cache")" ] && ok || bad "a shared cache directory: refused [$rc] $out; $(ls "$L/cache")"
[ "$(JUAN_CACHE_DIR="$L/cache" "$JUAN" --grep -c 夜 samples/japanese.txt)" = "$("$JUAN" --grep --no-index -c 夜 samples/japanese.txt)" ] &&
    [ -z "$(ls "$L/cache")" ] && ok || bad "a shared cache directory: --grep works without it"
JUAN_CACHE_DIR="$L/cache" run 160 24 --from-start samples/japanese.txt
wait_for "not using the cache directory $L/cache: others can write to it" && ok || bad "a shared cache directory: the reader says so"
keys /; text 夜; keys Enter; wait_for "match 1/" && ok || bad "a shared cache directory: the reader searches without it"
quit
[ -z "$(ls "$L/cache")" ] && ok || bad "a shared cache directory: the reader wrote nothing there: $(ls "$L/cache")"

done_tests
