/* typo W [HANG]: typography figures of `juan --dump -w W` output on stdin
 * (tests/typo.sh runs it; not a test of make check). A paragraph is a run
 * of non-blank lines. Prints one line:
 *   lines N nostart N forced N orphan1 N orphan2 N multi N fill F nfill N
 *   hung N wide N
 * nostart: lines but a paragraph's first that start with a character no
 * line may start with (juan's CH_NO_START: closing punctuation, small
 * kana, ー, 々), where the line before does not end with one; forced: where
 * it does (the cut is inside a run of such characters, which has no break
 * opportunity: an emergency break, as in ．．．．．．” at 10 cells); orphan1: multi-line paragraphs whose last line is one
 * letter (Han, kana, a Latin letter or a digit), orphan2: one letter with
 * punctuation (也。 也。」 “好。”);
 * multi: paragraphs of two lines or more; fill: the mean over lines that
 * are not the last of their paragraph of cells / W (cells: as wcwidth()
 * measures the whole line, indent included; fillcap: the same with a
 * hung line counted as full, 1); hung: lines wider than W
 * (hanging punctuation); wide: lines wider than W + HANG (0 by default).
 * The header juan prints before each of several files is left out. With
 * TYPO_SHOW set, each orphan and the line before it go to stderr. */
#include "chars.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

typedef struct {
    long lines, nostart, forced, orphan1, orphan2, multi, hung, wide;
    double fill, fillcap;
    long nfill;
} stats_t;

typedef struct {
    uint32_t cp[8]; /* the first characters (blanks skipped), or fewer */
    int n;          /* characters, blanks left out */
    int cells;
    uint32_t last;  /* the last character drawn */
} line_t;

static void measure(const char *s, size_t len, line_t *l)
{
    memset(l, 0, sizeof *l);
    size_t i = 0;
    while (i < len) {
        uint32_t c;
        i += (size_t)text_decode(s + i, len - i, &c);
        int w = wcwidth((wchar_t)c);
        l->cells += w > 0 ? w : 0;
        if (w <= 0 || ch_blank(c))
            continue;
        l->last = c;
        if (l->n < 8)
            l->cp[l->n] = c;
        l->n++;
    }
}

/* A letter or digit (a character that reads, not punctuation). */
static int letter(uint32_t c)
{
    return ch_is(c, CH_LETTER | CH_FW_DIGIT) || (c >= '0' && c <= '9');
}

/* One letter, alone (1) or with punctuation around it (2: 也。 也。」
 * “好。”), or neither (0). */
static int orphan(const line_t *l)
{
    if (l->n < 1 || l->n > 8)
        return 0;
    int letters = 0;
    for (int k = 0; k < l->n; k++)
        letters += letter(l->cp[k]);
    if (letters != 1)
        return 0;
    return l->n == 1 ? 1 : 2;
}

int main(int argc, char **argv)
{
    if (argc < 2 || text_init_locale() < 0)
        return 2;
    int W = atoi(argv[1]), hang = argc > 2 ? atoi(argv[2]) : 0;
    stats_t S = {0};
    int show = getenv("TYPO_SHOW") != NULL; /* the orphans, to stderr */
    char *buf = NULL, *last = NULL, *before = NULL;
    size_t cap = 0;
    ssize_t n;
    line_t prev;
    int inpara = 0, nin = 0;
    while ((n = getline(&buf, &cap, stdin)) >= 0) {
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
            n--;
        line_t l;
        /* juan's header of each file of several: a paragraph break */
        if (n >= 8 && !memcmp(buf, "==> ", 4) && !memcmp(buf + n - 4, " <==", 4))
            n = 0;
        measure(buf, (size_t)n, &l);
        if (l.n == 0) { /* blank: ends a paragraph */
            if (inpara && nin > 1) {
                S.multi++;
                int o = orphan(&prev);
                S.orphan1 += o == 1;
                S.orphan2 += o == 2;
                if (o && show)
                    fprintf(stderr, "orphan: %s | %s\n", before ? before : "", last);
            }
            inpara = 0;
            nin = 0;
            continue;
        }
        S.lines++;
        if (l.cells > W)
            S.hung++;
        if (l.cells > W + hang)
            S.wide++;
        if (inpara) {
            /* the line before is not the last of its paragraph */
            S.fill += (double)prev.cells / W;
            S.fillcap += (double)(prev.cells < W ? prev.cells : W) / W;
            S.nfill++;
            /* a cut inside a run of such characters is forced (an
             * emergency break: the run had no break opportunity) */
            if (ch_is(l.cp[0], CH_NO_START))
                *(ch_is(prev.last, CH_NO_START) ? &S.forced : &S.nostart) += 1;
        }
        prev = l;
        if (show) {
            free(before);
            before = last;
            last = strndup(buf, (size_t)n);
        }
        inpara = 1;
        nin++;
    }
    if (inpara && nin > 1) {
        S.multi++;
        int o = orphan(&prev);
        S.orphan1 += o == 1;
        S.orphan2 += o == 2;
    }
    free(buf);
    free(last);
    free(before);
    printf("lines %ld nostart %ld forced %ld orphan1 %ld orphan2 %ld multi %ld fill %.6f "
           "nfill %ld hung %ld wide %ld fillcap %.6f\n",
           S.lines, S.nostart, S.forced, S.orphan1, S.orphan2, S.multi,
           S.nfill ? S.fill / (double)S.nfill : 0, S.nfill, S.hung, S.wide,
           S.nfill ? S.fillcap / (double)S.nfill : 0);
    return 0;
}
