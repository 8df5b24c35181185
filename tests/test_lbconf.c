/* Line-breaking conformance: every case of Unicode's LineBreakTest 14.0
 * (../shared/conformance, the version libunistring 1.0 implements) through
 * juan's break finding (layout_breaks, the breaks layout_para uses). Each
 * position between two code points agrees with the test, or juan is
 * stricter by one of its CJK rules (LB_* of layout.h, or a grapheme
 * cluster kept whole), or libunistring itself differs from the test.
 * Checked: juan is never looser by a rule of its own, never stricter
 * without one, and every mandatory break agrees. Prints the table.
 * Skipped (and says so) when the test file is absent. */
#include "chars.h"
#include "layout.h"
#include "t.h"
#include "text.h"

#include <errno.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unigbrk.h>
#include <unilbrk.h>
#include <unistr.h>

#define PATH "../shared/conformance/LineBreakTest-14.0.txt"
#define MAXCP 64

/* categories of a disagreement */
enum {
    C_INSIDE = LB_RULES, /* inside one unit of juan's: a grapheme cluster */
    C_JOINED,            /* inside one unit: a dropped character joined to
                            the unit before it across a cluster boundary */
    C_N
};

static const char *const NAME[C_N] = {
    [LB_UAX14] = "no rule of juan's (libunistring's verdict)",
    [LB_MANDATORY] = "mandatory break",
    [LB_CLUSTER] = "grapheme clusters (several units)",
    [LB_QUOTE] = "quote as a CJK bracket",
    [LB_NO_START] = "kinsoku: no line start",
    [LB_MIDDOT] = "kinsoku: middle dot",
    [LB_NO_END] = "kinsoku: no line end",
    [LB_ASCII] = "ASCII punctuation beside CJK",
    [LB_INSEP] = "inseparable —— ……",
    [LB_FW_ALNUM] = "fullwidth letters and digits",
    [LB_URL] = "URLs",
    [C_INSIDE] = "grapheme clusters (one unit)",
    [C_JOINED] = "dropped character in its unit",
};

typedef struct {
    long n;
    int line;              /* first case */
    uint32_t a, b;         /* the code points either side there */
    uint32_t seen[8];      /* code points after the position, distinct */
    int nseen;
} tally_t;

/* Where libunistring 1.0 itself differs from the test: by the rule the
 * test names at the position, what libunistring does instead (seen in
 * this data; juan follows it there). */
static const struct {
    const char *rule;
    int looser;
    const char *why;
} LU[] = {
    {"18.0", 0, "LB18: none after spaces that begin a text or a line"},
    {"20.01", 0, "LB20 (break before CB): not after BB, PR or a mark"},
    {"20.02", 0, "LB20 (break after CB): not before BA HY NS IN PO"},
    {"999.0", 0, "LB25 by pairs (} % ) $ , 0) outside numbers too"},
    {"29.0", 1, "LB29 (none between IS and AL HL: ,a ,#) missing"},
    {"14.0", 1, "LB14 (none after OP SP*) not before a control, ZWJ"},
    {"16.0", 1, "LB16 (none in (CL|CP) SP* NS) not across a space"},
    {"30.11", 1, "LB30a: a regional indicator pair across a mark"},
};
#define NLU (sizeof LU / sizeof *LU)

/* juan stricter / looser, by cause; libunistring's own by LU entry, and
 * those of no entry */
static tally_t strict[C_N], loose[C_N], lu[NLU], lu_other;
static long agree, fixed, positions, cases, mand, mand_ok;

static void count(tally_t *t, int line, const uint32_t *cp, int k)
{
    if (!t->n++) {
        t->line = line;
        t->a = cp[k - 1];
        t->b = cp[k];
    }
    for (int i = 0; i < t->nseen; i++)
        if (t->seen[i] == cp[k])
            return;
    if (t->nseen < 8)
        t->seen[t->nseen++] = cp[k];
}

static void show(const char *what, const tally_t *t)
{
    if (!t->n)
        return;
    printf("    %-56s %6ld  e.g. line %d: %04X|%04X; before", what, t->n, t->line,
           (unsigned)t->a, (unsigned)t->b);
    for (int i = 0; i < t->nseen; i++)
        printf(" %04X", (unsigned)t->seen[i]);
    printf("\n");
}

/* One case: m code points, expected break before code point k in want[k]
 * (1 <= k < m), by the test's rule rule[k]. */
static void run_case(layout_t *L, int line, const uint32_t *cp, const int *want,
                     char (*rule)[8], int m)
{
    uint8_t s[MAXCP * 4 + 1], why[MAXCP * 4 + 1];
    char lb[MAXCP * 4 + 1], gb[MAXCP * 4 + 1];
    size_t off[MAXCP + 1], n = 0;
    for (int k = 0; k < m; k++) {
        off[k] = n;
        n += (size_t)u8_uctomb(s + n, cp[k], 4);
    }
    off[m] = n;
    u8_possible_linebreaks(s, n, "UTF-8", lb);
    u8_grapheme_breaks(s, n, gb);
    layout_breaks(L, (const char *)s, n, why);
    const unit_t *u = L->t.u;
    size_t j = 0;
    cases++;
    for (int k = 1; k < m; k++) {
        /* libunistring: a break before k, or after a mandatory break
         * character (it marks the character itself) */
        int raw = lb[off[k]] == UC_BREAK_POSSIBLE || lb[off[k - 1]] == UC_BREAK_MANDATORY;
        while (j < L->t.n && u[j].off < off[k])
            j++;
        int unit = j < L->t.n && u[j].off == off[k];
        int got = unit && (u[j].flags & U_BREAK);
        int cause = unit ? why[j] : gb[off[k]] ? C_JOINED : C_INSIDE;
        positions++;
        if (lb[off[k - 1]] == UC_BREAK_MANDATORY) {
            mand++;
            mand_ok += got == want[k];
        }
        if (got == want[k]) {
            agree++;
            fixed += raw != want[k];
        } else if (raw != got) {
            count(got ? &loose[cause] : &strict[cause], line, cp, k);
        } else {
            tally_t *t = &lu_other;
            for (size_t i = 0; i < NLU; i++)
                if (!strcmp(rule[k], LU[i].rule) && LU[i].looser == got)
                    t = &lu[i];
            count(t, line, cp, k);
        }
    }
}

/* Parse "× 0023 ÷ 0020 ÷\t# × [0.3] ... ÷ [18.0] ..." into code points,
 * breaks and the rules the comment names. */
static int parse(const char *p, uint32_t *cp, int *want, char (*rule)[8])
{
    int m = 0, r = 0;
    for (const char *q = strchr(p, '#'); q && (q = strchr(q, '[')) && r <= MAXCP; q++)
        if (sscanf(q + 1, "%7[0-9.]", rule[r]) == 1)
            r++;
    while (*p && *p != '#' && *p != '\n') {
        if (*p == ' ' || *p == '\t') {
            p++;
        } else if (!strncmp(p, "\u00D7", 2) || !strncmp(p, "\u00F7", 2)) {
            if (m > MAXCP)
                return -1;
            want[m] = !strncmp(p, "\u00F7", 2);
            p += 2;
        } else {
            char *e;
            unsigned long c = strtoul(p, &e, 16);
            if (e == p || c > 0x10FFFF || m >= MAXCP)
                return -1;
            cp[m++] = (uint32_t)c;
            p = e;
        }
    }
    return r == m + 1 ? m : -1;
}

int main(void)
{
    setlocale(LC_ALL, "");
    text_init_locale();
    FILE *f = fopen(PATH, "r");
    if (!f && errno == ENOENT) {
        printf("skipped: %s absent\n", PATH);
        CHECK(1);
        return T_DONE("test_lbconf");
    }
    CHECK_MSG(f != NULL, "%s: %s", PATH, strerror(errno));
    if (!f)
        return T_DONE("test_lbconf");
    layout_t L = {0};
    char line[8192];
    int ln = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        uint32_t cp[MAXCP];
        int want[MAXCP + 1];
        char rule[MAXCP + 1][8];
        int m = parse(line, cp, want, rule);
        if (m < 1) {
            if (!bad++)
                fprintf(stderr, "line %d unreadable: %s", ln, line);
            continue;
        }
        run_case(&L, ln, cp, want, rule, m);
    }
    CHECK_MSG(!ferror(f), "%s: read error", PATH);
    fclose(f);
    layout_free(&L);

    long stricter = 0, looser = 0;
    for (int c = 0; c < C_N; c++)
        stricter += strict[c].n, looser += loose[c].n;
    printf("LineBreakTest-14.0: %ld cases, %ld positions between code points\n", cases,
           positions);
    printf("  %-58s %6ld  (%ld where libunistring alone would not)\n", "agree", agree, fixed);
    printf("  %-58s %6ld\n", "stricter by juan's rules", stricter);
    for (int c = 0; c < C_N; c++)
        show(NAME[c], &strict[c]);
    printf("  %-58s %6ld\n", "looser by juan's rules", looser);
    for (int c = 0; c < C_N; c++)
        show(NAME[c], &loose[c]);
    for (int looser = 0; looser < 2; looser++) {
        long n = 0;
        for (size_t i = 0; i < NLU; i++)
            n += LU[i].looser == looser ? lu[i].n : 0;
        printf("  %-58s %6ld\n",
               looser ? "looser as libunistring 1.0 is" : "stricter as libunistring 1.0 is", n);
        for (size_t i = 0; i < NLU; i++)
            if (LU[i].looser == looser)
                show(LU[i].why, &lu[i]);
    }
    show("libunistring, for no known reason", &lu_other);
    printf("  %-58s %6ld of %ld agree\n", "mandatory breaks (after BK CR LF NL)", mand_ok, mand);

    CHECK_MSG(bad == 0, "%d unreadable lines", bad);
    CHECK_MSG(cases == 7654, "%ld cases (the file says 7,654)", cases);
    /* never looser by a rule of juan's own */
    CHECK_MSG(looser == 0, "%ld positions looser than UAX #14 by juan's rules", looser);
    /* stricter only by a rule that says why */
    CHECK_MSG(strict[LB_UAX14].n == 0 && strict[LB_MANDATORY].n == 0 &&
                  strict[LB_QUOTE].n == 0,
              "%ld positions stricter with no rule of juan's",
              strict[LB_UAX14].n + strict[LB_MANDATORY].n + strict[LB_QUOTE].n);
    CHECK_MSG(mand_ok == mand && mand > 0, "mandatory breaks: %ld of %ld", mand_ok, mand);
    /* libunistring's own differences are the known ones */
    CHECK_MSG(lu_other.n == 0, "%ld positions where libunistring differs for no known reason",
              lu_other.n);
    return T_DONE("test_lbconf");
}
