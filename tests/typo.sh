#!/usr/bin/env bash
# Typography figures of the four novels of ../shared/corpus (issue 17):
# `juan --dump -w W` at widths 10 20 40 72 100, with --indent=0 and the
# default indent (and, given HANG = 1 or 2, with --hang=HANG), measured by
# build/tests/typo (make build/tests/typo): lines that start with a
# character no line may start with (not a paragraph's first line; forced:
# a cut inside a run of such characters, where no break was possible),
# multi-line paragraphs whose last line is one letter (orphan1) or one
# letter with punctuation (orphan2), the mean fill of the lines that are
# not the last of their paragraph (cells, indent included, / W; fillcap:
# a hung line counted 1), lines
# wider than W (hung) and wider than W + HANG (wide: must be 0).
# A measuring tool, not a test of make check: it reports, it asserts
# nothing. Usage: tests/typo.sh [HANG]. JUAN names the binary.
cd "$(dirname "$0")/.." || exit 2
JUAN=${JUAN:-./juan}
export LC_ALL=C.UTF-8
corpus=../shared/corpus
if [ ! -d "$corpus" ]; then
    echo "typo: ../shared/corpus is not beside the repository; skipped"
    exit 0
fi
[ -x build/tests/typo ] || { echo "typo: make build/tests/typo first" >&2; exit 2; }
hang=${1:-0}
args=()
[ "$hang" != 0 ] && args=(--hang="$hang")
printf '%-7s %-5s %6s %7s %6s %7s %7s %6s %8s %8s %6s %4s\n' \
    indent width lines nostart forced orphan1 orphan2 multi fill fillcap hung wide
for indent in 0 default; do
    for w in 10 20 40 72 100; do
        ind=()
        [ "$indent" = 0 ] && ind=(--indent=0)
        "$JUAN" --dump --color=never -w "$w" "${ind[@]}" "${args[@]}" "$corpus"/*.txt |
            build/tests/typo "$w" "$hang" |
            awk -v i="$indent" -v w="$w" '{printf "%-7s %-5s %6s %7s %6s %7s %7s %6s %8.5f %8.5f %6s %4s\n",
                i, w, $2, $4, $6, $8, $10, $12, $14, $22, $18, $20}'
    done
done
