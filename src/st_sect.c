/* st_sect: which short lines and Markdown paragraphs are sections (see
 * st_int.h): the document-level rules for minor and loose subheads, and
 * the Markdown forms of scraped articles and transcripts — a bold number
 * and a bold name, a block-quote divider "> (…)", an H1 that repeats the
 * title, a speaker label set as a heading, link-only lines and image
 * captions. */
#include "chars.h"
#include "heuristics.h"
#include "st_int.h"
#include "text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MINOR_MIN_COUNT 3   /* several standalone lines */
#define LOOSE_PARAS_PER 3   /* a subhead for every 3 paragraphs at most */
#define CHAPTER_SHARE 3     /* minors in 1/3 of the chapters or more */
#define BOLD_NAME_CELLS 30  /* a bold section name after its number */
#define DIVIDER_CELLS 40    /* "> (第五部　意識、道德成熟與意志的萎縮)" */
#define CAPTION_CELLS 40    /* an image's caption */

int stx_minorish(int family)
{
    return family == HF_MINOR || family == HF_LOOSE;
}

static int chapter_family(int f)
{
    return f == HF_HUI || f == HF_ZHANG || f == HF_BUFEN || f == HF_CHAPTER;
}

/* The gap most paragraphs of a plain text's body have (blank lines), or
 * -1 when no two body paragraphs follow each other. */
static long usual_gap(const stx_scan_t *sc)
{
    size_t best = 0;
    for (size_t g = 1; g < 4; g++)
        if (sc->gaps[g] > sc->gaps[best])
            best = g;
    return sc->gaps[best] ? (long)best : -1;
}

/* A loose candidate stands between longer paragraphs: the one before at
 * least twice its length, the one after too or a speaker's turn. */
static int set_off(const stx_event_t *e)
{
    size_t c = e->it.chars;
    return e->prev_chars >= 2 * c &&
           (e->next_chars >= 2 * c || e->next_turn);
}

/* Does the text of bold candidate i come three times or more among the
 * bold candidates? (Bold candidates are Markdown's, and few.) */
static int repeated(const stx_scan_t *sc, size_t i)
{
    const stx_item_t *a = &sc->ev[i].it;
    size_t n = a->end - a->start, same = 0;
    for (size_t k = 0; k < sc->nev && same < 3; k++) {
        const stx_item_t *b = &sc->ev[k].it;
        same += b->bold_line && b->end - b->start == n &&
                !memcmp(sc->st->text + a->start, sc->st->text + b->start, n);
    }
    return same >= 3;
}

void stx_sect_minor(stx_scan_t *sc)
{
    long gap = usual_gap(sc);
    size_t nok = 0, nloose = 0, nquoted = 0;
    int plain = !sc->st->markdown && gap >= 0;
    /* pass 1: each candidate on its own */
    char *ok = xcalloc(sc->nev + 1, 1);
    for (size_t i = 0; i < sc->nev; i++) {
        stx_event_t *e = &sc->ev[i];
        if (!stx_minorish(e->it.family) || e->it.cont)
            continue;
        int apart = plain && e->it.blank_before > (size_t)gap &&
                    e->blank_after > (size_t)gap;
        if ((e->minor_prev || e->minor_next) && !apart)
            continue; /* a verse, a list of short lines */
        if (e->it.bold_line && repeated(sc, i))
            continue;
        if (e->it.family == HF_LOOSE) {
            if (!set_off(e))
                continue;
            nloose++;
            const char *t = sc->st->text + e->it.start;
            nquoted += e->it.end - e->it.start >= 3 &&
                       (!memcmp(t, "“", 3) || !memcmp(t, "「", 3) ||
                        !memcmp(t, "『", 3));
        }
        ok[i] = 1;
        nok++;
    }
    /* pass 2: the document. Quoted lines are dialogue where most
     * paragraphs that open a quotation are not candidates; loose lines
     * are subheads only where sections hold a few paragraphs each. */
    int loose_ok = nok * LOOSE_PARAS_PER <= sc->nparas &&
                   sc->quoted <= 2 * nquoted;
    if (!loose_ok)
        for (size_t i = 0; i < sc->nev; i++)
            if (ok[i] && sc->ev[i].it.family == HF_LOOSE)
                ok[i] = 0, nok--;
    (void)nloose;
    /* numbered chapters: minors only where a share of them hold one */
    size_t chapters = 0, with = 0;
    int has = 0;
    for (size_t i = 0; i < sc->nev; i++) {
        stx_event_t *e = &sc->ev[i];
        if (e->kind == STX_EV_HEADING && chapter_family(e->it.family)) {
            chapters++;
            has = 0;
        } else if (ok[i] && !has && chapters) {
            with++;
            has = 1;
        }
    }
    int structure = nok >= MINOR_MIN_COUNT &&
                    (chapters < 3 || with * CHAPTER_SHARE >= chapters);
    for (size_t i = 0; i < sc->nev; i++) {
        stx_event_t *e = &sc->ev[i];
        if (!stx_minorish(e->it.family))
            continue;
        if (ok[i] && structure) {
            e->kind = STX_EV_HEADING;
            e->it.family = HF_MINOR;
        } else {
            e->kind = STX_EV_PLAIN;
        }
    }
    free(ok);
}

/* ---- Markdown ----------------------------------------------------------- */

enum { VIS_MAX = 512 };

/* The visible text of b's spans (at most VIS_MAX - 1 bytes, else 0),
 * with the styles every non-blank span has (*all) and any has (*any). */
static size_t visible(const structure_t *st, const block_t *b, char *out,
                      unsigned *all, unsigned *any)
{
    size_t n = 0;
    *all = 0xFFFF;
    *any = 0;
    for (uint32_t i = b->span0; i < b->span0 + b->nspan; i++) {
        const span_t *sp = &st->spans[i];
        const char *p;
        if (sp->kind == SK_TEXT)
            p = st->text + sp->off;
        else if (sp->kind == SK_LITERAL)
            p = st->lit + sp->off;
        else
            p = " ";
        size_t k = sp->kind == SK_TEXT || sp->kind == SK_LITERAL ? sp->len : 1;
        if (n + k >= VIS_MAX)
            return 0;
        memcpy(out + n, p, k);
        n += k;
        if (text_skip_blanks(p, 0, k) < k) {
            *all &= sp->style;
            *any |= sp->style;
        }
    }
    out[n] = '\0';
    size_t a = text_skip_blanks(out, 0, n), e = text_trim_blanks(out, a, n);
    memmove(out, out + a, e - a);
    out[e - a] = '\0';
    if (*any == 0)
        *all = 0;
    return e - a;
}

/* A number alone: 01, 01., 1、, ０１．, 一、, 01/, No.1, Part 1, PART.02. */
static int is_number(const char *s, size_t n)
{
    size_t i = 0, j;
    int digits = 0;
    if (n >= 3 && (!memcmp(s, "No", 2) || !memcmp(s, "NO", 2)))
        i = text_skip_blanks(s, s[2] == '.' ? 3 : 2, n);
    else if (n >= 5 && (!memcmp(s, "Part", 4) || !memcmp(s, "PART", 4)))
        i = text_skip_blanks(s, s[4] == '.' ? 5 : 4, n);
    uint32_t c = 0;
    static const char cjk[] = "一二三四五六七八九十";
    while (i < n) {
        int k = text_decode(s + i, n - i, &c);
        j = i + (size_t)k;
        if ((c >= '0' && c <= '9') || ch_is(c, CH_FW_DIGIT) ||
            (k == 3 && memmem(cjk, sizeof cjk - 1, s + i, 3)))
            digits++;
        else
            break;
        i = j;
    }
    if (digits < 1 || digits > 3)
        return 0;
    i = text_skip_blanks(s, i, n);
    if (i < n) {
        j = i + (size_t)text_decode(s + i, n - i, &c);
        if (c == '.' || c == U'．' || c == U'、' || c == U'/')
            i = text_skip_blanks(s, j, n);
    }
    return i == n;
}

/* A short name that could title a section: no sentence in it. */
static int is_name(const char *s, size_t n)
{
    if (n == 0 || text_width(s, n) > BOLD_NAME_CELLS)
        return 0;
    size_t j;
    for (size_t i = 0; i < n; i = j) {
        uint32_t c;
        j = i + (size_t)text_decode(s + i, n - i, &c);
        if (c == U'。' || c == U'；' || c == U'：' || c == ':' ||
            (c == '.' && j >= n))
            return 0;
    }
    size_t no, nl, pl;
    return !speaker_prefix(s, n, &no, &nl, &pl);
}

/* A paragraph of two lines, a number and a name (one line break). */
static int number_name(const structure_t *st, const block_t *b)
{
    uint32_t brk = 0, nbrk = 0;
    for (uint32_t i = b->span0; i < b->span0 + b->nspan; i++)
        if (st->spans[i].kind == SK_SOFTBR || st->spans[i].kind == SK_HARDBR)
            brk = i, nbrk++;
    if (nbrk != 1)
        return 0;
    char v[VIS_MAX];
    unsigned all, any;
    block_t part = *b;
    part.nspan = brk - b->span0;
    size_t n = visible(st, &part, v, &all, &any);
    if (!n || !is_number(v, n))
        return 0;
    part.span0 = brk + 1;
    part.nspan = b->span0 + b->nspan - brk - 1;
    n = visible(st, &part, v, &all, &any);
    return n && is_name(v, n);
}

/* A transcript's stage direction in parentheses ("(笑)", "（掌聲）",
 * "(laughter)") is not a divider: one character, or a word of the list. */
static int stage_direction(const char *s, size_t n)
{
    static const char *const words[] = {
        "笑", "大笑", "眾笑", "众笑", "笑聲", "笑声", "全場笑", "全场笑",
        "掌聲", "掌声", "鼓掌", "停頓", "停顿", "沉默", "靜默", "静默",
        "音樂", "音乐", "休息", "暫停", "暂停", "中略", "下略", "以下略",
        "略", "聽不清", "听不清", "聽不清楚", "听不清楚", "不清楚", "影片",
        "播放影片", "笑い", "拍手", "laughter", "laughs", "applause",
        "pause", "inaudible", "crosstalk", "music", "silence"};
    size_t a = text_skip_blanks(s, 0, n), b = text_trim_blanks(s, a, n);
    if (b <= a || text_width(s + a, b - a) <= 2)
        return 1;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strlen(words[i]) == b - a && !strncasecmp(s + a, words[i], b - a))
            return 1;
    return 0;
}

/* "(第一部　…)" / "（尾聲）": the bytes of the opener and the closer. */
static int parenthesised(const char *s, size_t n, size_t *open, size_t *close)
{
    if (n < 3)
        return 0;
    if (s[0] == '(')
        *open = 1;
    else if (n >= 3 && !memcmp(s, "（", 3))
        *open = 3;
    else
        return 0;
    if (s[n - 1] == ')')
        *close = 1;
    else if (n >= 3 && !memcmp(s + n - 3, "）", 3))
        *close = 3;
    else
        return 0;
    if (n < *open + *close + 1)
        return 0;
    const char *in = s + *open;
    size_t m = n - *open - *close;
    size_t w = text_width(in, m), j;
    if (w < 1 || w > DIVIDER_CELLS || text_skip_blanks(in, 0, m) == m)
        return 0;
    for (size_t i = 0; i < m; i = j) {
        uint32_t c;
        j = i + (size_t)text_decode(in + i, m - i, &c);
        if (c == '(' || c == ')' || c == U'（' || c == U'）' || c == U'。' ||
            c == U'！' || c == U'？' || c == U'，')
            return 0;
    }
    return !stage_direction(in, m);
}

/* Trim the first span's start by a bytes and the last span's end by z
 * (the divider's parentheses), when both are source text holding them. */
static int trim_spans(structure_t *st, block_t *b, size_t a, size_t z)
{
    uint32_t f = b->span0, l = b->span0 + b->nspan - 1;
    while (f < l && st->spans[f].kind == SK_TEXT &&
           text_skip_blanks(st->text, st->spans[f].off,
                            st->spans[f].off + st->spans[f].len) ==
               st->spans[f].off + st->spans[f].len)
        f++; /* (blank spans first) */
    span_t *sf = &st->spans[f], *sl = &st->spans[l];
    if (sf->kind != SK_TEXT || sl->kind != SK_TEXT || sf->len < a ||
        sl->len < z || (f == l && sf->len < a + z))
        return 0;
    size_t lead = text_skip_blanks(st->text, sf->off, sf->off + sf->len) -
                  sf->off;
    if (lead + a > sf->len || (f == l && lead + a + z > sf->len))
        return 0;
    sf->off += (uint32_t)(lead + a);
    sf->len -= (uint32_t)(lead + a);
    size_t end = text_trim_blanks(st->text, sl->off, sl->off + sl->len);
    if (end - sl->off < z)
        return 0;
    sl->len = (uint32_t)(end - z - sl->off);
    return 1;
}

int stx_sect_md_leaf(stx_scan_t *sc, stx_mdsect_t *ms, block_t *b,
                     stx_item_t *it, int *never, int image_only)
{
    structure_t *st = sc->st;
    char v[VIS_MAX];
    unsigned all, any;
    size_t n = visible(st, b, v, &all, &any);
    int num = ms->num_pending, img = ms->after_image;
    ms->num_pending = 0;
    ms->after_image = 0;
    if (b->kind == BK_HEADING) {
        if (it->family <= STX_MD_H || it->family > STX_MD_H + 6)
            return STX_KEEP; /* claimed already (a speaker's label) */
        /* the first heading repeating the title (blanks aside) is the
         * title, shown by the title block */
        if (!ms->headings && st->has_fm && st->fm.title && n &&
            speaker_same(v, n, st->fm.title, strlen(st->fm.title)))
            return STX_DROP;
        if (it->form == SPK_HEADING) /* a speaker label: st_talk.c decides */
            return STX_KEEP;
        ms->headings++;
        return STX_KEEP;
    }
    if (b->kind != BK_PARA || n == 0)
        return STX_KEEP;
    if (*never) {
        if (!b->list && (all & SP_STRONG) && number_name(st, b)) {
            *never = 0; /* **01.** / **泥土是有记忆的** in one paragraph */
            it->family = HF_NUM2;
            ms->headings++;
        }
        return STX_KEEP;
    }
    if (image_only) {
        ms->after_image = 1;
        *never = 1;
        return STX_KEEP;
    }
    if (img && text_width(v, n) <= CAPTION_CELLS) {
        *never = 1; /* an image's caption */
        return STX_KEEP;
    }
    if ((all & SP_LINK) && !(all & SP_STRONG)) {
        *never = 1; /* a link alone: [返回列表](…) */
        return STX_KEEP;
    }
    if ((all & SP_STRONG) && is_number(v, n)) {
        ms->num_pending = 1;
        ms->num_block = st->nblocks;
        return STX_KEEP;
    }
    if (num && ((all & SP_STRONG) || stx_minorish(heading_family(v, n))) &&
        is_name(v, n)) { /* (the name bold, or a short line) */
        it->family = HF_NUM2;
        ms->headings++;
        return ms->num_block + 1 == st->nblocks ? STX_JOIN : STX_KEEP;
    }
    if ((all & SP_STRONG) && !(any & SP_LINK)) {
        int f = heading_family(v, n); /* a bold line: by its text */
        if (f != HF_NONE) {
            it->family = f;
            it->bold_line = 1;
            return STX_KEEP;
        }
    }
    size_t a, z;
    if (b->quote && parenthesised(v, n, &a, &z) && trim_spans(st, b, a, z)) {
        it->family = STX_QUOTE_H;
        b->kind = BK_HEADING;
        b->quote = 0;
        ms->headings++;
    }
    return STX_KEEP;
}
