#!/usr/bin/env bash
# The development set in ../shared/real (issue 15), when ../shared is beside
# the repository: every document's structure is exact by
# ../shared/tools/structscore.py, and its `--dump` shows no markup (no HTML
# tag or entity, no Markdown emphasis marker, no Aozora annotation or
# reading) and loses no text: every CJK run of a source line (front matter,
# tags and their attributes but an image's alt left out) is in the output,
# in the output's CJK characters joined. (The Aozora texts' characters are
# compared one by one in tests/cli.sh.) JUAN names the binary under test.
# Last line: "real: N passed, M failed".
cd "$(dirname "$0")/.." || exit 2
JUAN=${JUAN:-./juan}
export LC_ALL=C.UTF-8
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
real=../shared/real
if [ ! -d "$real" ] || [ ! -f ../shared/tools/structscore.py ]; then
    echo "real: ../shared/real is not beside the repository; skipped"
    echo "real: 0 passed, 0 failed"
    exit 0
fi
command -v python3 >/dev/null || { bad "python3 is missing (make deps installs it)"; echo "real: $pass passed, $fail failed"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# the structure of every document, exact
python3 ../shared/tools/structscore.py --juan "$JUAN" "$real" >"$T/score" 2>&1
rc=$?
n=0
while read -r name rest; do
    case "$name" in TOTAL | "") continue ;; esac
    n=$((n + 1))
    case "$rest" in *" OK") ok ;; *) bad "structscore $name: $rest" ;; esac
done <"$T/score"
[ "$rc" = 0 ] && [ "$n" -gt 0 ] && ok || bad "structscore exit $rc over $n documents: $(tail -1 "$T/score")"

# the CJK runs of a text, one line each (perl: in every Debian system)
cjk_lines() {
    perl -CSD -ne 'my @r = /([\p{Han}\p{Hiragana}\p{Katakana}ー]+)/g; print join("", @r), "\n" if @r'
}
for f in "$real"/*; do
    case "$f" in *.truth.json | */README*) continue ;; esac
    name=$(basename "$f")
    if ! "$JUAN" --dump --color=never -w 80 "$f" >"$T/dump" 2>"$T/err"; then
        bad "$name: --dump failed: $(cat "$T/err")"
        continue
    fi
    grep -nP '</?[A-Za-z][A-Za-z0-9]*(\s[^>]*)?/?>|&(nbsp|amp|lt|gt|quot|#[0-9]+|#x[0-9a-fA-F]+);' "$T/dump" >"$T/bad" &&
        bad "$name: HTML in --dump: $(head -3 "$T/bad")" || ok
    grep -nP '\*\*|__|(^|[\s\p{Han}])[*_][^\s*_][^*_]*[*_]($|[\s\p{Han}\p{P}])' "$T/dump" >"$T/bad" &&
        bad "$name: Markdown emphasis in --dump: $(head -3 "$T/bad")" || ok
    grep -nF -e '［＃' -e '《' "$T/dump" >"$T/bad" && case "$name" in ao_*) true ;; *) false ;; esac &&
        bad "$name: Aozora notation in --dump: $(head -3 "$T/bad")" || ok
    case "$name" in ao_*) continue ;; esac
    # the source's text lines: front matter, tags (an image's alt kept) out
    perl -0777 -pe 's/\A\xEF\xBB\xBF//; s/\A---\r?\n.*?\n---\r?\n//s;
        s/<img\b[^>]*?\balt="([^"]*)"[^>]*>/$1/gi; s/<!--.*?-->//gs;
        s/<(script|style)\b.*?<\/\1>//gis; s/<[^>]*>//g' "$f" | cjk_lines >"$T/src"
    cjk_lines <"$T/dump" | tr -d '\n' >"$T/out"
    lost=$(perl -CSD -e 'open my $o, "<:encoding(UTF-8)", $ARGV[0] or die; my $out = do { local $/; <$o> };
        open my $s, "<:encoding(UTF-8)", $ARGV[1] or die; my $n = 0;
        while (my $l = <$s>) { chomp $l; if (index($out, $l) < 0) { $n++; print "$l\n" if $n <= 3 } }' "$T/out" "$T/src")
    [ -s "$T/src" ] && [ -z "$lost" ] && ok || bad "$name: CJK text lost in --dump: $lost"
done
echo "real: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
