#!/usr/bin/env bash
# End-to-end tests of the full-screen reader: the real binary in tmux,
# driven with send-keys and read with capture-pane. Every wait polls the
# pane for what it expects (10 s timeout), never a fixed sleep alone.
# JUAN names the binary (default ./juan). Last line: "e2e: N passed, M failed".
cd "$(dirname "$0")/.." || exit 2
NAME=e2e
. tests/tmux.sh
nstart=0

row_is() { [ "$(row "$1")" = "$2" ]; }
has_e() { screen_e | grep -q "$1"; }
rows_e_have() { # ROW0PATTERN ROW1PATTERN: rows 0 and 1 (with attributes)
    [[ "$(screen_e | sed -n 1p)" == *$1* && "$(screen_e | sed -n 2p)" == *$2* ]]
}
cursor_x() { [ "$(tm display -p -t e '#{cursor_x}')" = "$1" ]; }
dead() { [ "$(tm display -p -t e '#{pane_dead}' 2>/dev/null)" = 1 ]; }
wait_dead() {
    local i
    for ((i = 0; i < 200; i++)); do dead && return 0; sleep 0.05; done
    return 1
}
expect_top() { # NAME TEXT
    if wait_top "$2"; then ok; else bad "$1: top row should start with [$2], is [$(toprow)]"; fi
}

# ---- fixtures -------------------------------------------------------------
# 200 numbered lines that are neither headings nor turns
for i in $(seq -w 1 200); do echo "p$i 这是用来测试翻页的一行文字，每行都一样长。"; done >"$T/lines.txt"
line() { sed -n "$1p" "$T/lines.txt" | cut -c1-4; }

# ---- G on a large text: its end at once, as it is once the structure is known
yes "这是一段很普通的文字，没有说话的人，也没有标题，只是很长。" | head -n 300000 >"$T/big.txt"
cat samples/interview.txt >>"$T/big.txt"
# (row 0: the sticky header of the last section, then the last 22 lines)
{ echo "    06 接下来的路"; "$JUAN" --dump -w 72 --hang "$T/big.txt" | tail -22 | sed 's/^/    /; s/ *$//'; } >"$T/want.end"
start 80 24 "$T/big.txt"
wait_for "0%" 23 >/dev/null; keys G
end_is_dump() { screen | head -23 | sed 's/ *$//' >"$T/got.end"; diff -q "$T/want.end" "$T/got.end" >/dev/null; }
poll end_is_dump && ok || { bad "G: the last screen = the end of --dump (speakers as such)"; diff "$T/want.end" "$T/got.end" | head; }
wait_for "100%" 23 && ok || bad "G: 100% on the status line"

# ---- the reader shows what --dump prints ------------------------------------
start 80 24 samples/interview.txt
"$JUAN" --dump -w 72 --hang samples/interview.txt | head -23 | sed 's/^/    /; s/ *$//' >"$T/want"
for i in $(seq 0 22); do row "$i"; done >"$T/got"
if diff -q "$T/want" "$T/got" >/dev/null; then ok; else bad "first screen = --dump -w 72 --hang"; diff "$T/want" "$T/got" | head; fi
# (the title and the time left arrive from background work: polled)
status_full() {
    st=$(row 23)
    [[ "$st" == *"沈知远：算力不是护城河，耐心才是"* && "$st" == *"0%"* && "$st" == *"min left"* ]]
}
poll status_full && ok || bad "status: title, percent, time left: [$st]"

# ---- hanging punctuation (issue 17): a closing 。 hangs into the margin -------
han=$(printf '汉%.0s' $(seq 36)) # 72 cells: the column is full
{ printf '# 书\n\n## 第一章\n\n%s。下一行的字。\n\n' "$han"; for i in $(seq 30); do echo "第${i}段。"; echo; done; } >"$T/hang.md"
start 80 24 --color=never "$T/hang.md"
wait_for "下一行的字" && ok || bad "hang: the text shows"
[ "$(row 4)" = "    ${han}。" ] && ok || bad "hang: 。 hangs past the column into the margin: [$(row 4)]"
"$JUAN" --dump -w 72 --hang "$T/hang.md" | head -23 | sed 's/^/    /; s/ *$//' >"$T/want.hang"
for i in $(seq 0 22); do row "$i"; done >"$T/got.hang"
diff -q "$T/want.hang" "$T/got.hang" >/dev/null && ok || { bad "hang: the screen = --dump -w 72 --hang"; diff "$T/want.hang" "$T/got.hang" | head; }
# the hung line on top, under the sticky header
keys j j j j; poll rows_e_have $'\e[1;4m第一章' "汉" && ok || bad "hang: the sticky header over the hung line"
[ "$(row 1)" = "    ${han}。" ] && ok || bad "hang: the hung line on top: [$(row 1)]"
# a match that takes in the hung mark is highlighted whole
keys /; text "汉。下"; keys Enter
poll rows_e_have $'\e[1;4m第一章' $'\e[[0-9;]*7m汉。' && ok || bad "hang: the hung 。 highlighted"
# a margin of one cell: the 2-cell 。 cannot hang, the line keeps in the screen
tm resize-window -t e -x 74 -y 24
poll shows "汉。下一行的字" && ok || bad "hang: resized to 74, 。 no longer hangs"
[ "$(screen | wc -L)" -le 74 ] && ok || bad "hang: nothing past the screen at 74 columns"
# no margin (the column is the screen): no hang, nothing cut
tm resize-window -t e -x 72 -y 24
poll shows "汉。下一行的字" && [ "$(screen | wc -L)" -le 72 ] && ok || bad "hang: at 72 columns nothing hangs"
tm resize-window -t e -x 80 -y 24
poll shows "${han}。" && ok || bad "hang: back at 80 columns it hangs again"

# ---- line, screen, half-screen, top/bottom, percent -------------------------
start 80 24 "$T/lines.txt"
expect_top "start" "p001"
keys j; expect_top "j" "p002"
keys Down; expect_top "Down" "p003"
keys Enter; expect_top "Enter" "p004"
keys k; expect_top "k" "p003"
keys Up Up; expect_top "Up" "p001"
keys Space; expect_top "Space (23 rows - 2 of context)" "p022"
keys f; expect_top "f" "p043"
keys PgDn; expect_top "PgDn" "p064"
keys b; expect_top "b" "p043"
keys PgUp; expect_top "PgUp" "p022"
keys d; expect_top "d (half of 23)" "p033"
keys u; expect_top "u" "p022"
keys G; expect_top "G: the last line at the bottom" "p178"
wait_for "p200" 22 && ok || bad "G: p200 on the last text row"
wait_for "100%" 23 && ok || bad "G: 100%"
keys j; wait_for "100%" 23; expect_top "j at the end moves nothing" "p178"
keys g; expect_top "g" "p001"
keys End; expect_top "End" "p178"
keys Home; expect_top "Home" "p001"
size=$(stat -c %s "$T/lines.txt")
want=$(awk -v half=$((size / 2)) '{ n += length($0) + 1 } n > half { print substr($0, 1, 4); exit }' LC_ALL=C "$T/lines.txt")
keys 5 0 %; expect_top "50%" "$want"
keys g 2 5 p; want=$(awk -v q=$((size / 4)) '{ n += length($0) + 1 } n > q { print substr($0, 1, 4); exit }' LC_ALL=C "$T/lines.txt")
expect_top "25p" "$want"
wait_for "25%" 23 && ok || bad "25p: status 25%"
keys 3 j; expect_top "3j" "p$(printf %03d $((10#${want#p} + 3)))"

# marks and '' (back to before the last jump)
keys g 1 0 j m a; expect_top "10j" "p011"
keys G; expect_top "G" "p178"
keys "'" a; expect_top "'a" "p011"
keys "'" "'"; expect_top "'' back" "p178"
keys "'" "'"; expect_top "'' again" "p011"
keys "'" z; wait_for "mark z not set" 23 && ok || bad "unset mark message"

# the mouse: off by default, as in less (the terminal selects text); W
# turns wheel scrolling on: three lines (X10 mouse report, button 65 = wheel down)
mouse_flags() { tm display -p -t e '#{mouse_standard_flag}#{mouse_button_flag}#{mouse_any_flag}'; }
keys g; expect_top "g" "p001"
[ "$(mouse_flags)" = 000 ] && ok || bad "mouse reporting off by default: [$(mouse_flags)]"
tm send-keys -t e -H 1b 5b 4d 61 2a 25
absent "p001" 0 && bad "mouse off: the wheel scrolled" || ok
keys W; wait_for "mouse wheel scrolls" 23 && ok || bad "W: mouse on"
[ "$(mouse_flags)" != 000 ] && ok || bad "W: mouse reporting on"
tm send-keys -t e -H 1b 5b 4d 61 2a 25
expect_top "wheel down: 3 lines" "p004"
tm send-keys -t e -H 1b 5b 4d 60 2a 25
expect_top "wheel up" "p001"
keys W; wait_for "mouse off" 23 && ok || bad "W again: mouse off"
mouse_off() { [ "$(mouse_flags)" = 000 ]; } # (read again at each poll)
poll mouse_off && ok || bad "W again: reporting off"
keys g; absent "mouse off" 23 && ok || bad "the mouse message clears"

# Ctrl-L redraws the same screen
before=$(screen); keys C-l; sleep 0.2
[ "$(screen)" = "$before" ] && ok || bad "Ctrl-L changed the screen"

# resize keeps the top byte: narrower, then back to the same top row
keys g 4 0 j; expect_top "40j" "p041"
top0=$(toprow)
tm resize-window -t e -x 30 -y 12
wait_top "p041" && ok || bad "resize to 30x12 keeps p041 on top"
tm resize-window -t e -x 80 -y 24
wait_for "${top0# *}" 0 && [ "$(toprow)" = "$top0" ] && ok || bad "resize back: the same top row"
# < and > keep it too
keys "<"; wait_for "width 68" 23 && ok || bad "< narrows to 68"
expect_top "< keeps the top" "p041"
keys ">" ">"; wait_for "width 76" 23 && ok || bad "> widens to 76"
expect_top "> keeps the top" "p041"

# h and F1: the help screen lists the keys
keys h; wait_for "next / previous section heading" && ok || bad "h: help"
keys q; expect_top "q closes the help" "p041"
keys F1; wait_for "jump to N percent" && ok || bad "F1: help"
keys Escape; expect_top "Esc closes the help" "p041"

# q quits with status 0
keys q; wait_dead && ok || bad "q quits"
poll test -s "$T/rc" && [ "$(cat "$T/rc")" = 0 ] && ok || bad "exit status 0: [$(cat "$T/rc" 2>/dev/null)]"

# ---- the keys less users press ------------------------------------------------
start 80 24 "$T/lines.txt"
expect_top "start" "p001"
keys e; expect_top "e" "p002"
keys C-e; expect_top "Ctrl-E" "p003"
keys C-n; expect_top "Ctrl-N" "p004"
keys y; expect_top "y" "p003"
keys C-y; expect_top "Ctrl-Y" "p002"
keys C-p; expect_top "Ctrl-P" "p001"
keys C-f; expect_top "Ctrl-F" "p022"
keys C-b; expect_top "Ctrl-B" "p001"
keys C-d; expect_top "Ctrl-D (half of 23)" "p012"
keys C-u; expect_top "Ctrl-U" "p001"
keys 5 f; expect_top "5f: five lines" "p006"
keys 2 b; expect_top "2b: two lines" "p004"
keys 1 0 C-d; expect_top "10 Ctrl-D: ten lines" "p014"
# NG and Ng: to N percent, as N%
size=$(stat -c %s "$T/lines.txt")
pct_line() { awk -v q=$((size * $1 / 100)) '{ n += length($0) + 1 } n > q { print substr($0, 1, 4); exit }' LC_ALL=C "$T/lines.txt"; }
keys 5 0 G; expect_top "50G = 50%" "$(pct_line 50)"
keys 2 5 g; expect_top "25g = 25%" "$(pct_line 25)"
wait_for "25%" 23 && ok || bad "25g: status 25%"
keys 1 0 0 G; expect_top "100G: the end" "p178"
keys 0 G; expect_top "0G: the top" "p001"
# an unbound key says so, briefly
keys z; wait_for "z: no such key (h: help)" 23 && ok || bad "an unbound key says so"
keys j; absent "no such key" 23 && ok || bad "the message clears on the next key"
keys C-x; wait_for "Ctrl-X: no such key" 23 && ok || bad "an unbound control key"
keys F5; wait_for "no such key" 23 && ok || bad "an unbound function key"

# ---- the mouse: --mouse turns the wheel on -----------------------------------
start 80 24 --mouse "$T/lines.txt"
[ "$(mouse_flags)" != 000 ] && ok || bad "--mouse: reporting on"
tm send-keys -t e -H 1b 5b 4d 61 2a 25
expect_top "--mouse: wheel down" "p004"

# ---- the help screen: fits 80x24 uncut, scrolls, lists the query syntax -------
start 80 24 "$T/lines.txt"
keys h; wait_for "juan: keys" 0 && ok || bad "h: help"
helprows=$(screen)
keys G; wait_for "In lists: digits first" && ok || bad "help: G scrolls to its last line"
helprows+=$'\n'$(screen)
long=$(printf '%s\n' "$helprows" | sed 's/ *$//' | awk 'length($0) > 77' | head -3)
[ -z "$long" ] && ok || bad "help lines cut at 80 columns: [$long]"
for want in "@NAME query" "#N query" "re:query" "Counts:" "Ctrl-L" "e ^E ^N" "NG" "W  "; do
    printf '%s\n' "$helprows" | grep -qF -- "$want" && ok || bad "help lists [$want]"
done
keys g; wait_for "juan: keys" 0 && ok || bad "help: g back to the top"
keys q; expect_top "q closes the help" "p001"
# the first opening of juan ever says h: help, once
start JUAN_STATE_DIR="$T/fresh" 80 24 "$T/lines.txt"
wait_for "h: help" 23 && ok || bad "the first opening ever: h: help"
keys j; absent "h: help" 23 && ok || bad "h: help clears on a key"
keys q; wait_dead
start JUAN_STATE_DIR="$T/fresh" 80 24 "$T/lines.txt"
absent "h: help" 23 && ok || bad "h: help only the first time"

# ---- paragraphs separated by line breaks alone: indented, as in --dump ---------
for i in 1 2 3 4 5; do
    echo "第${i}段：这一段文字没有空行也没有缩进，只靠换行和下一段分开，读起来容易连成一片，所以要像电子书那样缩进。"
done >"$T/runon.txt"
start 80 24 "$T/runon.txt"
"$JUAN" --dump -w 72 --hang "$T/runon.txt" | head -10 | sed 's/^/    /; s/ *$//' >"$T/want.runon"
for i in $(seq 0 9); do row "$i"; done >"$T/got.runon"
diff -q "$T/want.runon" "$T/got.runon" >/dev/null && [ "$(grep -c '^    　　第' "$T/got.runon")" = 5 ] && ok ||
    { bad "run-on paragraphs: the reader indents them as --dump does"; diff "$T/want.runon" "$T/got.runon" | head; }

# ---- sections and turns of the interview ------------------------------------
start 80 24 samples/interview.txt
mapfile -t heads < <("$JUAN" --outline samples/interview.txt | tail -n +2 | sed 's/^ *//; s/  [0-9]*  [0-9]*%$//')
for h in "${heads[@]}"; do
    keys "]"; expect_top "] lands on [$h]" "$h"
done
keys "]"; wait_for "no next section" 23 && ok || bad "] after the last"
for ((i = ${#heads[@]} - 2; i >= 0; i--)); do
    keys "["; expect_top "[ back to [${heads[$i]}]" "${heads[$i]}"
done
# counts: 3] is the third heading from the top, 2} as }}, in a panel 3j as jjj
keys g 3 "]"; expect_top "3] lands on [${heads[2]}]" "${heads[2]}"
keys 2 "["; expect_top "2[ back to [${heads[0]}]" "${heads[0]}"
nolead() { sed 's/^ *//' <<<"$1"; }
keys g "}" "}"; sleep 0.3; two=$(toprow)
keys g 2 "}"; wait_top "$(nolead "$two")" && [ "$(toprow)" = "$two" ] && ok || bad "2} = }}: [$(toprow)] want [$two]"
keys g t; wait_for "Enter jumps"; keys j j j Enter; sleep 0.3; jjj=$(toprow)
keys g t; wait_for "Enter jumps"; keys 3 j Enter
wait_top "$(nolead "$jjj")" && [ "$(toprow)" = "$jjj" ] && ok || bad "outline 3j = jjj: [$(toprow)] want [$jjj]"
keys g t; wait_for "Enter jumps"; keys 4 G Enter
wait_top "$(nolead "$jjj")" && [ "$(toprow)" = "$jjj" ] && ok || bad "outline 4G = item 4: [$(toprow)] want [$jjj]"
keys g
# } on each turn in order: the text at each turn offset
keys g
mapfile -t offs < <("$JUAN" --speakers --json samples/interview.txt | grep -oE '"turn_offsets": \[[0-9, ]*\]' | grep -oE '[0-9]+' | sort -n)
nturn=0
for o in "${offs[@]}"; do
    want=$(tail -c +$((o + 1)) samples/interview.txt | head -1 | cut -c1-8)
    keys "}"
    if wait_top "$want"; then nturn=$((nturn + 1)); else bad "} to the turn at $o [$want]"; break; fi
done
[ "$nturn" = "${#offs[@]}" ] && [ "$nturn" -gt 10 ] && ok || bad "} visited $nturn of ${#offs[@]} turns"
keys "{"; want=$(tail -c +$((offs[-2] + 1)) samples/interview.txt | head -1 | cut -c1-8)
expect_top "{ back one turn" "$want"
# the sticky header: inside a section whose heading scrolled away
keys g "]" j j j
wait_for "${heads[0]}" 0 && screen_e | head -1 | grep -q $'\e\\[1;4m' && ok || bad "sticky header"
wait_for "§ ${heads[0]}" 23 && ok || bad "status names the section"

# the outline panel: t, Tab; Enter jumps, Esc closes
keys g t; wait_for "Outline" 0 && ok || bad "t opens the outline"
wait_for "${heads[2]}" && ok || bad "outline lists the sections"
keys j j Enter; expect_top "outline Enter jumps to the third section" "${heads[2]}"
keys Tab; wait_for "Outline" 0 && ok || bad "Tab opens the outline"
screen_e | grep $'\e\\[7m' | grep -qF "${heads[2]}" && ok || bad "outline highlights the current section"
keys Escape; expect_top "Esc closes the outline" "${heads[2]}"

# the speaker panel, focus, } of the focused speaker, the filter
mapfile -t names < <("$JUAN" --speakers samples/interview.txt | awk '{print $1}')
keys g s; wait_for "Speakers" 0 && ok || bad "s opens the speaker panel"
wait_for "${names[1]}" && ok || bad "the panel lists ${names[1]}"
keys j Enter; wait_for "@${names[1]}" 23 && ok || bad "Enter focuses ${names[1]}"
keys "}"; expect_top "} to ${names[1]}'s first turn" "${names[1]}"
keys "}"; expect_top "} to ${names[1]}'s next turn" "${names[1]}"
top_f=$(toprow)
keys F; wait_for "only @${names[1]}" 23 && ok || bad "F filters"
[ "$(toprow)" = "$top_f" ] && ok || bad "F keeps the top line"
if screen | grep -qF "${names[0]}："; then bad "F: ${names[0]}'s turns are hidden"; else ok; fi
keys F; wait_for " @${names[1]} " 23 && absent "only @" 23 && ok || bad "F again leaves the filter"
[ "$(toprow)" = "$top_f" ] && ok || bad "leaving the filter keeps the top line"
keys s; wait_for "Speakers" 0; keys j Enter
wait_for "unfocused" 23 && ok || bad "Enter on the focused speaker unfocuses"

# ---- colours and attributes --------------------------------------------------
# the SGR codes drawn just before a speaker's name
sgr_before() { screen_e | grep -m1 -oE $'(\e\\[[0-9;]*m)+'"$1" | head -1; }
start 80 24 samples/interview.txt
keys "]"; expect_top "colours: ]" "${heads[0]}"
a=$(sgr_before "${names[0]}"); b=$(sgr_before "${names[1]}")
a=${a%"${names[0]}"}; b=${b%"${names[1]}"}
[[ "$a" == *3[1-6]m* && "$b" == *3[1-6]m* && "$a" != "$b" ]] && ok ||
    bad "speakers in colours of their own: $(printf %q "$a") / $(printf %q "$b")"
[[ "$a" == *1m* || "$a" == *\[1\;* ]] && ok || bad "speaker names bold: $(printf %q "$a")"
for how in NO_COLOR=1 --color=never; do
    if [ "$how" = NO_COLOR=1 ]; then start NO_COLOR=1 80 24 samples/interview.txt; else start 80 24 --color=never samples/interview.txt; fi
    keys "]"; expect_top "$how: ]" "${heads[0]}"
    a=$(sgr_before "${names[0]}")
    ! screen_e | grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7])m' && ok || bad "$how: no colours"
    [[ "$a" == *1m* ]] && ok || bad "$how: speaker names still bold: $(printf %q "$a")"
done

# ---- search ------------------------------------------------------------------
start 80 24 --color=never samples/interview.txt
keys /; text "创新"; wait_for "/创新" 23 && ok || bad "CJK typed into the prompt"
keys BSpace; wait_for "/创" 23 && absent "/创新" 23 && ok || bad "Backspace deletes one character"
keys C-u; text "ae"$'\xcc\x81'; wait_for "/ae" 23; keys BSpace
poll row_is 23 "/a" && ok || bad "Backspace deletes a whole grapheme (e + U+0301): [$(row 23)]"
keys C-u; text "团队"
poll has_e $'\e\\[7m团队' && ok || bad "incremental highlight while typing"
poll cursor_x 5 && ok || bad "the cursor after /团队 (column 5): $(tm display -p -t e '#{cursor_x}')"
keys Left; poll cursor_x 3 && ok || bad "Left: the cursor moves one character (column 3)"
keys Left; text "小"; wait_for "/小团队" 23 && ok || bad "Left moves by character"
poll cursor_x 3 && ok || bad "the cursor after /小 (column 3)"
keys Escape; wait_for "%" 23
[[ "$(row 23)" != /* ]] && ok || bad "Esc cancels"
expect_top "Esc: the screen did not move" "沈知远：算力"
keys /; text "团队"; keys Enter
want=$(grep -m1 -n "团队" <("$JUAN" --dump -w 72 --hang samples/interview.txt) | cut -d: -f2 | cut -c1-6)
expect_top "Enter goes to the first match" "$want"
top_not() { [ "$(toprow)" != "$1" ]; }
keys n; poll top_not "$want"; t2=$(toprow); [[ "$t2" == *团队* || "$(row 1)" == *团* ]] && ok || bad "n: the next match [$t2]"
keys N; expect_top "N: back" "$want"
# the match gone to is drawn apart from the others (bold, underlined)
cur_hl() { [ "$(screen_e | grep -o $'\e\\[1;4;7m团队' | wc -l)" = 1 ] && has_e $'\e\\[7m团队'; }
poll cur_hl && ok || bad "the current match drawn differently from the others"
# the status line counts: the match gone to, of how many
total=$("$JUAN" --grep -c 团队 samples/interview.txt)
wait_for "match 1/$total " 23 && ok || bad "status: match 1/$total"
keys n; wait_for "match 2/$total " 23 && ok || bad "status after n: match 2/$total"
keys N; wait_for "match 1/$total " 23 && ok || bad "status after N: match 1/$total"
# ... in a text over 8 MB counted when idle: match 1/… until the count is known
awk 'BEGIN { for (i = 0; i < 140000; i++) printf "第%d行：这是一段用来测试计数的文字，团队在这里。\n", i }' >"$T/big.txt"
big=$("$JUAN" --grep -c 团队 "$T/big.txt")
start 80 24 --color=never "$T/big.txt"
keys /; text "团队"; keys Enter
wait_for "match 1/$big " 23 && ok || bad "a large text: match 1/$big once counted"
big_far() { [[ "$(row 23)" =~ match\ ([0-9]+)/$big\  ]] && [ "${BASH_REMATCH[1]}" -gt $((big - 100)) ]; }
keys G N; poll big_far && ok || bad "a large text: N from the end: a match near $big/$big"
start 80 24 --color=never samples/interview.txt
keys /; text "团队"; keys Enter N
# ? searches backward from the top of the screen
keys G; wait_for "100%" 23
last=$("$JUAN" --dump -w 72 --hang samples/interview.txt | grep "团队" | tail -1 | cut -c1-6)
keys "?"; text "团队"; keys Enter
wait_for "$last" && ok || bad "? finds the last match above"
keys n; poll top_not "$last" && ok || bad "n after ? goes on backward"
keys / Up; wait_for "/团队" 23 && ok || bad "Up recalls the earlier query"
keys Escape
# a match across a wrap is highlighted on both lines
printf '一二三四五六七八九十甲乙丙丁戊己\n' >"$T/wrap.txt"
start 40 10 --color=never -w 20 "$T/wrap.txt"
keys /; text "十甲"; keys Enter
poll rows_e_have $'\e[[0-9;]*7m十' $'\e[[0-9;]*7m甲' && ok || bad "a match across a wrap: both halves"
# Aozora notation: the reader shows what --dump prints, readings hidden or
# (--ruby=paren) in parentheses; a search across readings highlights the
# text around them
start 80 24 --color=never samples/aozora.txt
"$JUAN" --dump -w 72 --hang samples/aozora.txt | head -23 | sed 's/^/    /; s/ *$//' >"$T/want"
wait_for "駅前の古い本屋に"; for i in $(seq 0 22); do row "$i"; done >"$T/got"
diff -q "$T/want" "$T/got" >/dev/null && ok || { bad "aozora: first screen = --dump -w 72 --hang"; diff "$T/want" "$T/got" | head; }
keys /; text "駅前の古い本屋に"; keys Enter
poll has_e $'\e\\[[0-9;]*7m駅前の古い本屋に' && ok || bad "aozora: a match across readings highlighted"
start 80 24 --color=never --ruby=paren samples/aozora.txt
wait_for "駅前（えきまえ）の古い本屋（ほんや）に" && ok || bad "--ruby=paren in the reader"
keys /; text "駅前の古い本屋に"; keys Enter
poll has_e $'\e\\[[0-9;]*7m駅前（えきまえ）の古い本屋（ほんや）に' && ok || bad "--ruby=paren: the match and its readings highlighted"
# an HTML file: the reader shows what --dump prints (no tag), a search
# across an entity is highlighted, and the outline lists its headings
start 80 24 --color=never samples/article.html
"$JUAN" --dump -w 72 --hang samples/article.html | head -23 | sed 's/^/    /; s/ *$//' >"$T/want"
wait_for "江边那条老街上"; for i in $(seq 0 22); do row "$i"; done >"$T/got"
diff -q "$T/want" "$T/got" >/dev/null && ok || { bad "html: first screen = --dump -w 72 --hang"; diff "$T/want" "$T/got" | head; }
keys /; text "药水，&每一道"; keys Enter
poll has_e $'\e\\[[0-9;]*7m药水，&每一道' && ok || bad "html: a match across an entity highlighted"
# @NAME
start 80 24 --color=never samples/interview.txt
keys /; text "@${names[0]} 模型"; keys Enter
expect_top "@NAME query: a turn of ${names[0]}" "${names[0]}"
screen_e | grep -q $'\e\\[[0-9;]*7m模型' && ok || bad "@NAME: the match is highlighted"
keys g /; text "@${names[1]}"; keys Enter
expect_top "@NAME alone: ${names[1]}'s first turn" "${names[1]}"
keys n; expect_top "n: ${names[1]}'s next turn" "${names[1]}"
keys /; text "@nobody x"; keys Enter; wait_for "no speaker named nobody" 23 && ok || bad "@unknown"
# @NAME folds like a query (遠 names 远) and a unique prefix is enough
keys g; wait_top "沈知远：算力"; title=$(toprow)
keys /; text "@沈知遠"; keys Enter
expect_top "@NAME folded: 沈知远's first turn" "沈知远"
poll top_not "$title" && absent "no speaker" 23 && ok || bad "@NAME folded: it moved"
keys g; wait_top "沈知远：算力"; keys /; text "@${names[1]:0:1}"; keys Enter
expect_top "@prefix: ${names[1]}'s first turn" "${names[1]}"
poll top_not "$title" && absent "no speaker" 23 && ok || bad "@prefix: it moved"
keys /; text "找不到的词语"; keys Enter; wait_for "not found: 找不到的词语" 23 && ok || bad "not found message"
keys /; text "@${names[1]} 找不到的词语"; keys Enter
wait_for "not found in @${names[1]}: 找不到的词语" 23 && ok || bad "not found in a speaker's turns says so"
keys G /; text "写字楼"; keys Enter; wait_for "search hit bottom, continuing at top" 23 && ok || bad "wrap message"
keys j; absent "search hit bottom" 23 && ok || bad "the message clears on the next key"
# regex matches do not overlap: n goes from the end of the match, so two
# matches and a third n wraps (it stepped through 00 张 and 0 张 before)
printf '买了 100 张票。\n又买了 20 张。\n' >"$T/nums.txt"
start 80 24 --color=never "$T/nums.txt"
keys /; text "re:[0-9]+ 张"; keys Enter; wait_for "100 张"
keys n; absent "search hit bottom" 23 && ok || bad "re: n goes to the second match, no wrap"
keys n; wait_for "search hit bottom, continuing at top" 23 && ok || bad "re: n does not step through overlapping matches"

# the search index is made in the background on opening, without a search
start JUAN_CACHE_DIR="$T/cache.bg" 80 24 samples/traditional.txt
has_index() { ls "$T/cache.bg"/*.t2s.idx >/dev/null 2>&1; }
poll has_index && ok || bad "the index is made on opening"
# ... and reused by the next reader (the same file, not made again), found
# damaged and made again
idx_ino() { stat -c %i "$T"/cache.bg/*.t2s.idx 2>/dev/null; }
poll eval '[ -n "$(idx_ino)" ] && ! ls "$T"/cache.bg/*.idx.* >/dev/null 2>&1'
ino=$(idx_ino)
start JUAN_CACHE_DIR="$T/cache.bg" 80 24 --color=never samples/traditional.txt
keys /; text "旧书店"; keys Enter
poll has_e $'\e\\[7m舊書店' && [ "$(idx_ino)" = "$ino" ] && ok || bad "the index reused by the next reader"
keys q
printf 'garbage' | dd of="$(ls "$T"/cache.bg/*.t2s.idx)" bs=1 seek=100 conv=notrunc 2>/dev/null
start JUAN_CACHE_DIR="$T/cache.bg" 80 24 --color=never samples/traditional.txt
keys /; text "旧书店"; keys Enter
poll has_e $'\e\\[7m舊書店' && ok || bad "a damaged index: the search still right"
poll eval '[ -n "$(idx_ino)" ] && [ "$(idx_ino)" != "$ino" ]' && ok || bad "a damaged index made again"
start JUAN_CACHE_DIR="$T/cache.none" 80 24 --no-index samples/traditional.txt
keys /; text "书"; keys Enter; wait_for "书" 23 || true
absent "no such" 23; [ ! -e "$T/cache.none" ] && ok || bad "--no-index: no index made"

# Markdown: a match across a soft line break (joined on the screen) is found
# and highlighted whole
start 80 24 --color=never samples/essay.md
keys /; text "价格，访谈"; keys Enter
poll has_e $'\e\\[[0-9;]*7m价格，访谈' && ok || bad "/ across a soft line break, highlighted"

# folded search: simplified finds traditional; --no-tc-sc and --exact do not
start 80 24 --color=never samples/traditional.txt
keys /; text "旧书店"; keys Enter
poll has_e $'\e\\[7m舊書店' && ok || bad "/旧书店 highlights 舊書店"
keys /; text "re:陌生.?人"; keys Enter
wait_top "二、書頁裡的陌生人" && ok || bad "re: regex on the folded text"
keys /; text "re:a(b"; keys Enter
wait_for "invalid regex: missing closing parenthesis" 23 && ok || bad "an invalid regex: its message"
keys g /; text "#3 慢"; keys Enter
wait_for "§ 三、關於慢" 23 && ok || bad "#3: the match in section 3"
keys g /; text "#最後 书"; keys Enter
wait_for "§ 四、最後一場雨" 23 && ok || bad "#TITLE: the match in that section"
keys /; text "#九 x"; keys Enter; wait_for "no section 九" 23 && ok || bad "#unknown"
keys /; text "#3 找不到的词"; keys Enter
wait_for "not found in §三、關於慢: 找不到的词" 23 && ok || bad "a scoped search that finds nothing says its scope"
for opt in --no-tc-sc --exact; do
    start 80 24 "$opt" samples/traditional.txt
    keys /; text "旧书店"; keys Enter
    wait_for "not found: 旧书店" 23 && ok || bad "$opt: simplified does not find traditional"
done
start 80 24 --exact --color=never samples/traditional.txt
keys /; text "舊書店"; keys Enter; poll has_e $'\e\\[7m舊書店' && ok || bad "--exact finds the same bytes"

# ---- :n / :p ------------------------------------------------------------------
start 80 24 samples/interview.txt samples/japanese.txt
keys : n; wait_for "2/2" 23 && ok || bad ":n: the second file"
jt=$("$JUAN" --dump -w 72 --hang samples/japanese.txt | head -1 | sed 's/ *$//')
expect_top ":n shows it" "$jt"
keys : p; wait_for "1/2" 23 && ok || bad ":p: back"
keys : p; wait_for "no previous file" 23 && ok || bad ":p at the first"
# a file that cannot be opened (issue 16): a readable message on the whole
# status line, its name not its path, at the start and on :n
start 60 12 samples/interview.txt "$T/无此目录/缺失的文件.txt" samples/essay.md
keys : n; wait_for "skipped 2/3 缺失的文件.txt: No such file or directory" 11 && ok ||
    bad ":n past a file that cannot be opened: said whole"
keys j; wait_for "3/3" 11 && ok || bad ":n past a missing file: the third file"
start 60 12 "$T/无此目录/缺失的文件.txt" samples/essay.md
wait_for "skipped 1/2 缺失的文件.txt: No such file or directory" 11 && ok || bad "a first file that cannot be opened: said on the screen"
start 60 12 samples/essay.md "$T/无此目录/缺失的文件.txt"
keys : n; wait_for "cannot open 2/2 缺失的文件.txt: No such file or directory" 11 && ok ||
    bad ":n to a last file that cannot be opened: said"
keys j; wait_for "1/2" 11 && ok || bad ":n to a missing last file: the first stays"
# the last search, the focus and the filter after :n (the second file has
# other speakers, or none)
printf '甲：第一句话，开源。\n乙：第二句话。\n甲：第三句话。\n乙：第四句话，开源。\n' >"$T/two-a.txt"
printf '没有说话的人，只有一段开源的文字。\n\n又一段。\n' >"$T/two-b.txt"
start 80 24 --color=never "$T/two-a.txt" "$T/two-b.txt"
keys /; text "@乙"; keys Enter; wait_for "%" 23
keys : n; wait_for "2/2" 23; keys n
wait_for "no speaker named 乙" 23 && ok || bad "@NAME, :n, n: said, not a crash"
keys j; poll test ! -s "$T/rc" && ok || bad "@NAME, :n, n: still running"
keys /; text "开源"; keys Enter; keys : p; wait_for "1/2" 23; keys g n
poll has_e $'\e\\[7m开源' && ok || bad "the last search after :p: n finds it there"
start 80 24 --color=never "$T/two-a.txt" "$T/two-b.txt"
keys s; wait_for "Speakers:"; keys Enter; wait_for "focused @甲" 23
keys F; wait_for "only @甲" 23 && ok || bad "F filters"
keys : n; wait_for "2/2" 23; keys : p; wait_for "1/2" 23
keys s; wait_for "Speakers:"; keys Enter; wait_for "focused @甲" 23
! shows "only @" 23 && ok || bad "after :n, focusing a speaker does not filter (the filter was left on)"
# a character outside the BMP typed into the prompt
printf '引用一個罕見的字：𠮷野家。\n' >"$T/sip.txt"
start 80 24 --color=never "$T/sip.txt"
keys /; text "𠮷"; wait_for "/𠮷" 23 && ok || bad "a supplementary character typed into the prompt"
keys Enter; poll has_e $'\e\\[[0-9;]*7m𠮷' && ok || bad "... and found"

# ---- small terminals -----------------------------------------------------------
start 20 6 samples/interview.txt
wait_for "%" 5 && [ -n "$(row 0)" ] && ok || bad "20x6 shows text and status"
first=$(row 0); keys Space; poll top_not "$first" && wait_for "%" 5 && ok || bad "20x6 scrolls"
[ "$(screen | wc -L)" -le 20 ] && ok || bad "20x6: nothing wider than the screen"
start 10 3 samples/interview.txt 2>/dev/null || true
wait_for "terminal" && ok || bad "10x3: terminal too small"
tm resize-window -t e -x 40 -y 10
wait_for "%" 9 && ! screen | grep -q "too small" && ok || bad "enlarged: the text comes back"

# ---- hostile text and the terminal's state ----------------------------------------
printf 'title\n\nbefore\033]0;pwned\007after \033[2J\033[31mred\033[0m end\n\nline \302\233 c1 and \342\200\256 bidi\n' >"$T/esc.txt"
start 60 10 "$T/esc.txt"
wait_for "^[[31mred" && ok || bad "ESC shown as ^["
wait_for "^[]0;pwned^G" && ok || bad "OSC shown escaped"
wait_for "<U+009B>" && wait_for "<U+202E>" && ok || bad "C1 and bidi shown as <U+…>"
[ "$(tm display -p -t e '#{pane_title}')" != pwned ] && ok || bad "the title was not changed"

# Ctrl-C, SIGTERM, q, a crash: the terminal is restored (stty after juan)
for how in C-c TERM q SEGV; do
    tm_reset
    # the shell around juan traps SIGINT (its child keeps the default), so
    # Ctrl-C, sent to the whole foreground group, tests juan and not bash
    tm_session -s e -x 60 -y 10 "cd $(pwd); trap 'echo shell:INT' INT; TERM=screen $JUAN samples/japanese.txt; echo rc=\$?; stty -a | tr ' ' '\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' '; echo; tput cnorm >/dev/null; sleep 30"
    wait_for "min left" 9
    if [ "$how" = TERM ] || [ "$how" = SEGV ]; then
        pkill -"$how" -f "^$JUAN samples/japanese.txt" || true
    else
        keys "$how"
    fi
    want_rc=0; [ "$how" = SEGV ] && want_rc=139
    wait_for "rc=$want_rc" && wait_for "icanon echo" && ok || bad "$how: terminal restored"
done

# standard input: cmd | juan, juan -
tm_reset
tm_session -s e -x 80 -y 24 "cd $(pwd); cat samples/japanese.txt | TERM=screen $JUAN; echo rc=\$?; sleep 30"
wait_for "$jt" && ok || bad "cmd | juan shows the text"
keys j; expect_top "cmd | juan: j from the terminal" "$("$JUAN" --dump -w 72 --hang samples/japanese.txt | sed -n 2p | sed 's/^ *//' | cut -c1-6)"
keys q; wait_for "rc=0" && ok || bad "cmd | juan: q quits"
tm_reset
tm_session -s e -x 80 -y 24 "cd $(pwd); JUAN_STATE_DIR=$T/state.dash TERM=screen $JUAN - <samples/japanese.txt; sleep 30"
wait_for "$jt" && ok || bad "juan - shows the text"

# the ambiguous-width probe leaves nothing behind on the screen
tm_reset
tm_session -s e -x 60 -y 10 "cd $(pwd); echo before; TERM=screen $JUAN samples/japanese.txt; echo after; sleep 30"
wait_for "%" 9; keys q; wait_for "after"
[ "$(screen | grep -v '^$' | tr '\n' ' ')" = "before after " ] && ok || bad "the probe left output behind"
# tmux draws “ narrow, so no notice; forced wide: notice
start 80 24 samples/interview.txt
absent "ambiguous" 23 && ok || bad "no notice on a narrow terminal"
start 80 24 --ambiguous=wide samples/interview.txt
wait_for "ambiguous-width" 23 && ok || bad "--ambiguous=wide: the notice"
keys j; absent "ambiguous-width" 23 && ok || bad "the notice clears"
# a message already on the status line (a first opening's "h: help") is
# not replaced: the notice comes with the next key
start JUAN_STATE_DIR="$T/state.wide" 80 24 --ambiguous=wide samples/interview.txt
wait_for "h: help" 23 && ok || bad "--ambiguous=wide, a first opening: h: help"
absent "ambiguous-width" 23 && ok || bad "--ambiguous=wide: the notice not over h: help"
keys j; wait_for "ambiguous-width" 23 && ok || bad "--ambiguous=wide: the notice with the next key"

# ---- the status line drops whole fields for width, in a fixed order, the
# percentage last, never leaving a separator behind (issue 16: bug 6)
status_ok() { # W: the fields that fit, no dangling separator, the percent kept
    local st; st=$(row 7)
    [[ "$st" =~ \ [0-9]+%( |$) && ! "$st" =~ │\ *$ && ! "$st" =~ │\ +[0-9]+% && ! "$st" =~ §\ *$ ]]
}
for w in 100 60 50 40 30 20; do
    start "$w" 8 --from-start samples/interview.txt; keys 1 8 %; poll status_ok && ok || bad "status at $w columns: [$(row 7)]"
    case $w in
    100) [[ "$(row 7)" == *"耐心才是 │ § 01 为什么是现在 │ 沈知远 "*" 17%  "*" min left" ]] && ok || bad "status at 100: every field" ;;
    60) [[ "$(row 7)" == " 沈知远：算力不是护城河，耐心才是 "*" 17%  "*" min left" ]] && ok || bad "status at 60: the speaker and the section go first" ;;
    20) [[ "$(row 7)" == " 沈知远：算…"*" 17%" ]] && ok || bad "status at 20: the title cut, the percent kept" ;;
    esac
done

# ---- the library (issue 19): the walk's list at once, the titles filled in
# by a thread (a slow disk: JUAN_FILL_DELAY_MS before each file), kept in
# the title cache, so that the next opening shows them at once
LB="$T/lib19"; mkdir -p "$LB/sub"
for i in 1 2 3 4 5; do printf '# 第%d篇的标题\n\n正文第%d篇。\n' "$i" "$i" >"$LB/p$i.md"; done
printf '# 红楼梦\n\n第一回　甄士隐梦幻识通灵　贾雨村风尘怀闺秀。此开卷第一回也。作者自云：因曾历过一番梦幻之后，故将真事隐去，而借通灵之说，撰此石头记一书也。\n' |
    iconv -f UTF-8 -t GB18030 >"$LB/sub/gb.md"
printf '# 五5号\n\n一篇。\n' >"$LB/a.md"
mkdir -p -m 700 "$T/state19" "$T/state19b"
lib_start() { # DELAY_MS [STATE]: the library of $LB, its state in $T/state19
    tm_reset
    rm -f "$T/rc"
    # (from $T: the paths the filter sees are lib19/..., no digit of a
    # temporary directory's name among them)
    tm_session -s e -x 100 -y 20 "cd $T && env TERM=screen JUAN_STATE_DIR=$T/${2:-state19} JUAN_FILL_DELAY_MS=$1 $JUAN --ambiguous=narrow lib19 2>>$T/stderr; echo \$? >$T/rc"
    wait_for "Library of" 0 # (the keys or a message after it)
}
# the selection stays on its entry when a title that the filter matches
# comes in above it (a.md: "五5号"; the filter 5 shows p5.md alone before)
lib_start 1500 state19b
keys /; text "5"; keys Enter
wait_for "filter: 5" && shows "p5.md" && ! shows "a.md" && ok || bad "library: the filter by path first"
wait_for "五5号" && ok || bad "library: a title the filter matches joins the list"
screen_e | grep $'\e\\[7m' | grep -q "p5.md" && ok || bad "library: the selection stays on p5.md"
keys q; poll test -s "$T/rc"
lib_start 700
shows "p1.md" && shows "sub/gb.md" && ! shows "第1篇的标题" && ok ||
    bad "library: the list from the walk first, before any title"
keys /; text "p3"; keys Enter # (a filter while the titles come)
wait_for "filter: p3" && shows "p3.md" && ! shows "p2.md" && ok || bad "library: / filters while titles come"
wait_for "第3篇的标题" && ! shows "p2.md" && ok || bad "library: the filtered entry's title filled in"
keys Escape
wait_for "第1篇的标题" && wait_for "红楼梦" && ok || bad "library: titles filled in (GB18030 decoded)"
poll eval '! shows "(titles"' && ok || bad "library: the progress goes when all titles are in"
keys q; poll test -s "$T/rc"
# the second opening: every title at once (each file would take 3 s)
lib_start 3000
shows "第1篇的标题" && shows "第5篇的标题" && shows "红楼梦" && ! shows "(titles" && ok ||
    bad "library: cached titles on the first screen"
keys q; poll test -s "$T/rc"
# a file changed since: its cached title is stale, never shown; made again
printf '# 改过的标题\n\n新的正文，长了一些。\n' >"$LB/p2.md"
lib_start 700
shows "第1篇的标题" && ! shows "第2篇的标题" && ok || bad "library: a changed file's stale title not shown"
wait_for "改过的标题" && ok || bad "library: a changed file's new title"
keys q; poll test -s "$T/rc"
# a damaged title cache: set aside, said on the title line, titles made again
rm -f "$T/state19/titles.db-wal" "$T/state19/titles.db-shm"
head -c 8192 /dev/urandom >"$T/state19/titles.db"
lib_start 0
wait_for "state19/titles.d" 0 && ok || bad "library: a damaged title cache is said (on the title line)"
wait_for "第1篇的标题" && ls "$T/state19" | grep -q "titles.db.corrupt-" && ok ||
    bad "library: the damaged cache kept aside, titles made again"
keys q; poll test -s "$T/rc"
# a folder below that cannot be read is named on the title line in the
# keys' place (back at the next key); DIR itself: said, exit 2. As root,
# nobody runs a copy of the binary in $T (the work tree may be closed to it)
if [ "$(id -u)" != 0 ] || command -v setpriv >/dev/null; then
    LU="$T/libu"; mkdir -p "$LU/closed" "$LU/open" "$T/stu"
    printf '# 可读的一篇\n\n正文。\n' >"$LU/open/a.md"; echo x >"$LU/closed/b.md"
    chmod 000 "$LU/closed"
    as="" ju="$JUAN"
    if [ "$(id -u)" = 0 ]; then
        as="setpriv --reuid=65534 --regid=65534 --clear-groups" ju="$T/juan-u"
        cp "$JUAN" "$ju" && chmod 755 "$ju" "$T" "$LU" "$LU/open" && chown 65534 "$T/stu" ||
            bad "library, unreadable: set-up for nobody"
    fi
    tm_reset
    tm_session -s e -x 80 -y 20 "cd $T && $as env TERM=screen JUAN_STATE_DIR=$T/stu JUAN_CACHE_DIR=$T/stu $ju --ambiguous=narrow libu; echo rc=\$?; sleep 30"
    wait_for "[libu/closed: Permission denied]" 0 && shows "open/a.md" && ok ||
        bad "library: an unreadable folder said on the title line"
    keys j; wait_for "Enter reads" 0 && ok || bad "library: the keys back after a key"
    keys q; wait_for "rc=0" && ok || bad "library with an unreadable folder: q, exit 0"
    tm_reset
    tm_session -s e -x 80 -y 20 "cd $T && $as env TERM=screen JUAN_STATE_DIR=$T/stu JUAN_CACHE_DIR=$T/stu $ju --ambiguous=narrow libu/closed; echo rc=\$?; sleep 30"
    wait_for "rc=2" && shows "juan: libu/closed: Permission denied" && ok ||
        bad "library of an unreadable DIR: said, exit 2"
fi

done_tests
