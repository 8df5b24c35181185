#include "structure.h"
#include "heuristics.h"
#include "para.h"
#include "text.h"
#include "util.h"

#include <md4c.h>
#include <pthread.h>
#include <stdio.h>
#include <unistr.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the scanner: paragraph-level events, shared by both formats ----- */

/* One paragraph as the scanner sees it. */
typedef struct {
    size_t start, end;   /* source range (content, blanks trimmed) */
    size_t line;         /* source line of start */
    int family;          /* HF_* of a single-line paragraph; 100 + Markdown
                            level for a Markdown heading; -1 rule */
    int candidate;       /* a speaker prefix */
    size_t name_off, name_len, prefix_len;
    size_t chars;        /* characters, blanks excluded */
    size_t prefix_chars; /* of which in the prefix */
    long block;          /* Markdown block index, -1 for plain text */
} item_t;

/* A sparse event: a heading candidate, a speaker candidate or a rule. */
typedef struct {
    item_t it;
    size_t chars_after;  /* characters of ordinary paragraphs after it,
                            up to the next event */
    int minor_prev;      /* minor candidate right after another one */
    int minor_next;      /* ... right before another one */
    int kind;            /* EV_* once resolved */
    int speaker;         /* candidate's, then the turn's speaker */
    int level;           /* a heading's level */
} event_t;

enum { EV_NONE, EV_HEADING, EV_TURN, EV_RULE, EV_PLAIN };

typedef struct {
    structure_t *st;
    event_t *ev;
    size_t nev, evcap;
    size_t lead_chars;   /* ordinary characters before the first event */
    int last_was_minor;  /* previous non-blank paragraph a minor candidate */
    int seen_para;       /* any non-blank paragraph seen */
    int first_blank_after; /* first paragraph followed by a blank */
    item_t first;        /* the first paragraph (title candidate) */
} scan_t;

/* Bytes equal to the byte in `pat` (repeated), in one word, exactly. */
static inline unsigned count_eq(uint64_t w, uint64_t pat)
{
    uint64_t x = w ^ pat;
    uint64_t t = (x & 0x7F7F7F7F7F7F7F7FULL) + 0x7F7F7F7F7F7F7F7FULL;
    t = ~(t | x | 0x7F7F7F7F7F7F7F7FULL);
    return (unsigned)__builtin_popcountll(t);
}

/* Characters of s[0..n), blanks (SP, TAB, U+3000) left out: every byte
 * that does not continue a character, eight at a time. */
static size_t count_chars(const char *s, size_t n)
{
    size_t c = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t cont = w & ~(w << 1) & 0x8080808080808080ULL;
        c += 8 - (unsigned)__builtin_popcountll(cont);
        c -= count_eq(w, 0x2020202020202020ULL) +
             count_eq(w, 0x0909090909090909ULL);
    }
    for (; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        c += (b & 0xC0) != 0x80 && b != ' ' && b != '\t';
    }
    /* U+3000 was counted once (its lead byte) */
    for (const char *p = s, *e = s + n;
         (p = memmem(p, (size_t)(e - p), "\xE3\x80\x80", 3)) != NULL; p += 3)
        c--;
    return c;
}

/* Characters of a speaker prefix as shown: "**NAME**：" shows no stars. */
static size_t prefix_chars(const char *s, size_t n)
{
    size_t stars = 0;
    for (size_t i = 0; i < n; i++)
        stars += s[i] == '*';
    return count_chars(s, n) - stars;
}

static void classify(scan_t *sc, item_t *it)
{
    const char *s = sc->st->text + it->start;
    size_t n = it->end - it->start;
    if (it->family == 0)
        it->family = heading_family(s, n);
    if (it->family == HF_NONE)
        it->candidate = speaker_prefix(s, n, &it->name_off, &it->name_len,
                                       &it->prefix_len);
    if (it->candidate) {
        it->name_off += it->start;
        it->prefix_chars = prefix_chars(s, it->prefix_len);
    }
}

static void feed(scan_t *sc, item_t *it)
{
    if (!sc->seen_para) {
        sc->seen_para = 1;
        sc->first = *it;
    }
    int minor = it->family == HF_MINOR;
    if (sc->nev && sc->ev[sc->nev - 1].it.family == HF_MINOR &&
        sc->last_was_minor)
        sc->ev[sc->nev - 1].minor_next = minor;
    if (it->family != HF_NONE || it->candidate) {
        grow(&sc->ev, &sc->evcap, sc->nev + 1, sizeof *sc->ev);
        event_t *e = &sc->ev[sc->nev++];
        memset(e, 0, sizeof *e);
        e->it = *it;
        e->minor_prev = minor && sc->last_was_minor;
        e->speaker = -1;
    } else if (sc->nev) {
        sc->ev[sc->nev - 1].chars_after += it->chars;
    } else {
        sc->lead_chars += it->chars;
    }
    sc->last_was_minor = minor;
    sc->st->total_chars += it->chars;
}

/* ---- resolution: title, minor headings, speakers, levels ------------- */

/* FNV-1a over a name's bytes, blanks (SP, TAB, U+3000) left out, so that
 * names speaker_same() calls equal hash alike. */
static size_t name_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n;) {
        size_t j = text_skip_blanks(s, i, n);
        if (j > i) {
            i = j;
            continue;
        }
        h = (h ^ (unsigned char)s[i++]) * 1099511628211ULL;
    }
    return (size_t)h;
}

static int is_label(const char *s, size_t n)
{
    static const char *const labels[] = {"问", "答", "Q", "A", "记者",
                                         "主持人", "問", "記者"};
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
        if (speaker_same(s, n, labels[i], strlen(labels[i])))
            return 1;
    return 0;
}

static int ends_sentence(const char *s, size_t n)
{
    static const char *const fin[] = {"。", "，", "；", "：", "、", ",", ";",
                                      ":", "."};
    for (size_t i = 0; i < sizeof fin / sizeof *fin; i++) {
        size_t k = strlen(fin[i]);
        if (n >= k && !memcmp(s + n - k, fin[i], k))
            return 1;
    }
    return 0;
}

/* The plain-text title rule: the first paragraph, followed by a blank
 * line, at most 40 cells, not ending a sentence, not a numbered heading. */
static int title_line(const char *t, size_t start, size_t end, int family,
                      int blank_after)
{
    size_t n = end - start;
    return blank_after && n < 200 && text_width(t + start, n) <= 40 &&
           !ends_sentence(t + start, n) &&
           (family == HF_NONE || family == HF_MINOR);
}

static void add_heading(structure_t *st, const item_t *it, int level,
                        size_t tstart, size_t tend)
{
    grow(&st->headings, &st->hcap, st->nheadings + 1, sizeof *st->headings);
    heading_t *h = &st->headings[st->nheadings++];
    h->start = it->start;
    h->end = it->end;
    h->tstart = tstart;
    h->tend = tend;
    h->level = level;
    h->family = it->family;
    h->line = it->line;
    h->block = it->block;
}

/* Levels: one per family; a family first seen after another, and either
 * enclosed by it (a heading of the other comes later), or a minor heading,
 * or a deeper Markdown level, is one level deeper than it. */
static void assign_levels(scan_t *sc)
{
    enum { NF = 110 };
    size_t first[NF], last[NF];
    int level[NF];
    for (int f = 0; f < NF; f++)
        first[f] = (size_t)-1, last[f] = 0, level[f] = 0;
    int order[NF], norder = 0;
    for (size_t i = 0; i < sc->nev; i++) {
        event_t *e = &sc->ev[i];
        if (e->kind != EV_HEADING)
            continue;
        int f = e->it.family;
        if (first[f] == (size_t)-1) {
            first[f] = i;
            order[norder++] = f;
        }
        last[f] = i;
    }
    for (int a = 0; a < norder; a++) {
        int f = order[a], lv = 1;
        for (int b = 0; b < a; b++) {
            int g = order[b];
            int nested = last[g] > first[f] || f == HF_MINOR ||
                         (f >= 100 && g >= 100 && g < f);
            if (f >= 100 && g >= 100 && g > f)
                nested = 0;
            if (nested && level[g] + 1 > lv)
                lv = level[g] + 1;
        }
        level[f] = lv > 6 ? 6 : lv;
    }
    for (size_t i = 0; i < sc->nev; i++)
        if (sc->ev[i].kind == EV_HEADING)
            sc->ev[i].level = level[sc->ev[i].it.family];
}

static void resolve(scan_t *sc)
{
    structure_t *st = sc->st;
    /* minor headings count only where several stand alone */
    size_t nminor = 0;
    for (size_t i = 0; i < sc->nev; i++) {
        event_t *e = &sc->ev[i];
        if (e->it.family == HF_MINOR && !e->minor_prev && !e->minor_next)
            nminor++;
    }
    for (size_t i = 0; i < sc->nev; i++) {
        event_t *e = &sc->ev[i];
        if (e->it.family == -1)
            e->kind = EV_RULE;
        else if (e->it.family == HF_MINOR)
            e->kind = (nminor >= 3 && !e->minor_prev && !e->minor_next)
                          ? EV_HEADING : EV_PLAIN;
        else if (e->it.family != HF_NONE)
            e->kind = EV_HEADING;
        else
            e->kind = EV_PLAIN; /* a candidate, decided below */
    }
    /* the title: front matter, else a first Markdown H1, else a short
     * first line followed by a blank line */
    const item_t *f = &sc->first;
    int title_ev = -1;
    if (st->has_fm && st->fm.title) {
        st->has_title = 1;
    } else if (sc->seen_para) {
        int h1 = f->family == 101;
        int shortline = !st->markdown &&
                        title_line(st->text, f->start, f->end, f->family,
                                   sc->first_blank_after);
        if (h1 || shortline) {
            st->has_title = 1;
            st->title_start = f->start;
            st->title_end = f->end;
            for (size_t i = 0; i < sc->nev; i++)
                if (sc->ev[i].it.start == f->start)
                    title_ev = (int)i;
        }
    }
    if (title_ev >= 0)
        sc->ev[title_ev].kind = EV_NONE;

    /* speakers: names that start two paragraphs or more, labels at once;
     * grouped through a hash of the name without blanks */
    size_t spcap = 0, ncand = 0;
    for (size_t i = 0; i < sc->nev; i++)
        ncand += sc->ev[i].it.candidate != 0;
    size_t hsize = 16;
    while (hsize < 2 * ncand)
        hsize *= 2;
    int32_t *ht = xmalloc(hsize * sizeof *ht);
    memset(ht, 0xFF, hsize * sizeof *ht); /* -1: empty */
    for (size_t i = 0; i < sc->nev; i++) {
        event_t *e = &sc->ev[i];
        if (!e->it.candidate || e->kind != EV_PLAIN || (int)i == title_ev)
            continue;
        const char *nm = st->text + e->it.name_off;
        size_t h = name_hash(nm, e->it.name_len) & (hsize - 1);
        while (ht[h] >= 0 &&
               !speaker_same(st->text + st->speakers[ht[h]].name_off,
                             st->speakers[ht[h]].name_len, nm, e->it.name_len))
            h = (h + 1) & (hsize - 1);
        size_t k;
        if (ht[h] >= 0) {
            k = (size_t)ht[h];
        } else {
            k = st->nspeakers;
            grow(&st->speakers, &spcap, k + 1, sizeof *st->speakers);
            memset(&st->speakers[k], 0, sizeof st->speakers[k]);
            st->speakers[k].name_off = e->it.name_off;
            st->speakers[k].name_len = e->it.name_len;
            st->speakers[k].first_line = e->it.line;
            st->nspeakers++;
            ht[h] = (int32_t)k;
        }
        st->speakers[k].turns++;
        e->speaker = (int)k;
    }
    free(ht);
    /* keep the real ones, renumbered in order of first turn */
    int *map = xmalloc((st->nspeakers + 1) * sizeof *map);
    size_t keep = 0;
    for (size_t k = 0; k < st->nspeakers; k++) {
        speaker_t *p = &st->speakers[k];
        if (p->turns >= 2 || is_label(st->text + p->name_off, p->name_len)) {
            map[k] = (int)keep;
            st->speakers[keep++] = *p;
            st->speakers[keep - 1].turns = 0;
        } else {
            map[k] = -1;
        }
    }
    st->nspeakers = keep;
    size_t *tcap = xmalloc((keep + 1) * sizeof *tcap);
    memset(tcap, 0, (keep + 1) * sizeof *tcap);
    int cur = -1; /* speaker of the running turn */
    size_t cap_at = 0, cap_who = 0;
    for (size_t i = 0; i < sc->nev; i++) {
        event_t *e = &sc->ev[i];
        int who = e->speaker >= 0 && e->kind == EV_PLAIN ? map[e->speaker] : -1;
        e->speaker = -1;
        if (who >= 0) {
            e->kind = EV_TURN;
            e->speaker = who;
            cur = who;
            speaker_t *p = &st->speakers[who];
            grow(&p->turn_offsets, &tcap[who], p->turns + 1,
                 sizeof *p->turn_offsets);
            p->turn_offsets[p->turns++] = e->it.start;
            p->chars += e->it.chars - e->it.prefix_chars + e->chars_after;
            grow(&st->turn_at, &cap_at, st->nturns + 1, sizeof *st->turn_at);
            grow(&st->turn_who, &cap_who, st->nturns + 1, sizeof *st->turn_who);
            st->turn_at[st->nturns] = e->it.start;
            st->turn_who[st->nturns++] = who;
        } else if (e->kind == EV_HEADING || e->kind == EV_RULE) {
            cur = -1;
        } else if (cur >= 0) {
            /* a one-off label or a rejected minor heading: ordinary text,
             * so it continues the running turn */
            st->speakers[cur].chars += e->it.chars + e->chars_after;
        }
        if (e->kind == EV_HEADING || e->kind == EV_RULE) {
            /* a heading or rule ends the turn: mark it in the turn list
             * so that lookups see the end */
            grow(&st->turn_at, &cap_at, st->nturns + 1, sizeof *st->turn_at);
            grow(&st->turn_who, &cap_who, st->nturns + 1, sizeof *st->turn_who);
            st->turn_at[st->nturns] = e->it.start;
            st->turn_who[st->nturns++] = -1;
        }
    }
    free(tcap);
    free(map);

    assign_levels(sc);
    if (st->has_title && !(st->has_fm && st->fm.title)) {
        item_t t = sc->first;
        add_heading(st, &t, 0, t.start, t.end);
        if (t.family == 101 && t.block >= 0) {
            st->blocks[t.block].kind = BK_TITLE;
            st->blocks[t.block].heading = 0;
        }
    }
    for (size_t i = 0; i < sc->nev; i++) {
        event_t *e = &sc->ev[i];
        if (e->kind != EV_HEADING || (int)i == title_ev)
            continue;
        size_t ts = e->it.start, te = e->it.end;
        if (e->it.block >= 0) {
            block_t *b = &st->blocks[e->it.block];
            b->kind = BK_HEADING;
            b->level = (uint8_t)e->level;
            b->heading = (int32_t)st->nheadings;
        }
        add_heading(st, &e->it, e->level, ts, te);
    }
    /* Markdown blocks learn their turns here; plain text asks later */
    if (st->markdown) {
        size_t t = 0;
        int run = -1;
        for (size_t b = 0; b < st->nblocks; b++) {
            block_t *bk = &st->blocks[b];
            while (t < st->nturns && st->turn_at[t] <= bk->start) {
                run = st->turn_who[t];
                if (st->turn_at[t] == bk->start && run >= 0)
                    bk->flags |= BF_TURN;
                t++;
            }
            if (bk->kind == BK_HEADING || bk->kind == BK_RULE ||
                bk->kind == BK_TITLE)
                run = -1;
            if (run >= 0 && (bk->kind == BK_PARA)) {
                bk->speaker = run;
                if (!(bk->flags & BF_TURN))
                    bk->flags |= BF_CONT;
            }
        }
        for (size_t i = 0; i < sc->nev; i++) {
            event_t *e = &sc->ev[i];
            if (e->kind == EV_TURN && e->it.block >= 0)
                st->blocks[e->it.block].prefix = (uint32_t)e->it.prefix_len;
        }
    }
}

/* ---- plain text -------------------------------------------------------- */

static size_t trim_end(const char *t, size_t s, size_t e)
{
    while (e > s) {
        if (t[e - 1] == ' ' || t[e - 1] == '\t')
            e--;
        else if (e - s >= 3 && (unsigned char)t[e - 3] == 0xE3 &&
                 (unsigned char)t[e - 2] == 0x80 &&
                 (unsigned char)t[e - 1] == 0x80)
            e -= 3;
        else
            break;
    }
    return e;
}

static size_t count_lines(const char *t, size_t s, size_t e)
{
    size_t n = 0;
    for (size_t i = s; i < e; i++)
        if (t[i] == '\n' || (t[i] == '\r' && (i + 1 >= e || t[i + 1] != '\n')))
            n++;
    return n;
}

static void scan_plain(scan_t *sc)
{
    structure_t *st = sc->st;
    para_t p;
    size_t line = 1, nonblank = 0;
    int ok = para_first(st->text, st->len, &p);
    while (ok) {
        if (p.blank) {
            if (nonblank == 1 && !sc->first_blank_after)
                sc->first_blank_after = 1;
        } else {
            item_t it = {0};
            it.start = text_skip_blanks(st->text, p.start, p.end);
            it.end = trim_end(st->text, it.start, p.end);
            it.line = line;
            it.block = -1;
            it.chars = count_chars(st->text + it.start, it.end - it.start);
            classify(sc, &it);
            feed(sc, &it);
            nonblank++;
            if (nonblank == 2 && !sc->first_blank_after)
                sc->first_blank_after = -1;
        }
        /* a blank run spans several lines: count all its line ends */
        line += count_lines(st->text, p.blank ? p.start : p.end, p.next);
        ok = para_next(st->text, st->len, &p, &p);
    }
    if (sc->first_blank_after < 0)
        sc->first_blank_after = 0;
}

/* ---- Markdown (md4c) ----------------------------------------------------- */

typedef struct {
    scan_t *sc;
    structure_t *st;
    int quote, list, item_pending;
    struct {
        int ordered, tight, items;
        unsigned next;
        char mark[12]; /* the current item's marker */
    } lists[32];
    int style[8];        /* nesting counters per SP_ bit index */
    int leaf;            /* inside a leaf block: BK_* + 1 */
    int level;           /* heading level */
    block_t cur;
    size_t last_end;     /* end of the last text seen in the source */
    size_t line_pos, line_no;
    size_t bcap, scap, lcap;
    uint32_t href, hlen;
} md_t;

static int in_src(const structure_t *st, const char *p)
{
    return p >= st->text && p <= st->text + st->len;
}

static uint16_t cur_style(const md_t *m)
{
    uint16_t s = 0;
    for (int i = 0; i < 8; i++)
        if (m->style[i] > 0)
            s |= (uint16_t)(1u << i);
    return s;
}

static void add_span(md_t *m, const char *p, size_t n, int kind)
{
    structure_t *st = m->st;
    grow(&st->spans, &m->scap, st->nspans + 1, sizeof *st->spans);
    span_t *sp = &st->spans[st->nspans++];
    memset(sp, 0, sizeof *sp);
    sp->style = cur_style(m);
    sp->kind = (uint8_t)kind;
    if (sp->style & SP_LINK) {
        sp->href = m->href;
        sp->hlen = m->hlen;
    }
    if (kind == SK_TEXT && in_src(st, p) && in_src(st, p + n)) {
        sp->off = (uint32_t)(p - st->text);
        sp->len = (uint32_t)n;
        m->last_end = sp->off + n;
        if (m->cur.nspan == 0 || m->cur.start > sp->off)
            m->cur.start = sp->off;
        m->cur.end = m->last_end;
    } else {
        sp->kind = kind == SK_TEXT ? SK_LITERAL : (uint8_t)kind;
        grow(&st->lit, &m->lcap, st->litlen + n + 1, 1);
        memcpy(st->lit + st->litlen, p, n);
        sp->off = (uint32_t)st->litlen;
        sp->len = (uint32_t)n;
        st->litlen += n;
    }
    m->cur.nspan++;
}

static void add_literal(md_t *m, const char *s)
{
    add_span(m, s, strlen(s), SK_LITERAL);
}

static size_t line_of(md_t *m, size_t off)
{
    if (off < m->line_pos) /* blocks come in order; be safe anyway */
        m->line_pos = 0, m->line_no = 1;
    m->line_no += count_lines(m->st->text, m->line_pos, off);
    m->line_pos = off;
    return m->line_no;
}

static void push_block(md_t *m, block_t *b)
{
    structure_t *st = m->st;
    grow(&st->blocks, &m->bcap, st->nblocks + 1, sizeof *st->blocks);
    st->blocks[st->nblocks++] = *b;
}

static void begin_leaf(md_t *m, int kind)
{
    memset(&m->cur, 0, sizeof m->cur);
    m->cur.kind = (uint8_t)kind;
    m->cur.quote = (uint8_t)(m->quote > 255 ? 255 : m->quote);
    m->cur.list = (uint8_t)(m->list > 255 ? 255 : m->list);
    m->cur.speaker = -1;
    m->cur.heading = -1;
    m->cur.span0 = (uint32_t)m->st->nspans;
    m->cur.start = m->cur.end = m->last_end;
    if (m->list > 0) {
        int d = m->list - 1 < 32 ? m->list - 1 : 31;
        if (m->item_pending) {
            m->cur.flags |= BF_ITEM;
            if (m->lists[d].ordered)
                snprintf(m->lists[d].mark, sizeof m->lists[d].mark, "%u.",
                         m->lists[d].next++);
            else
                snprintf(m->lists[d].mark, sizeof m->lists[d].mark, "%s",
                         (d & 1) ? "◦" : "•");
            /* items of a tight list follow each other without a blank
             * line; the first is set off from what comes before */
            if (m->lists[d].tight &&
                (m->lists[d].items > 0 || (d > 0 && m->lists[d - 1].tight)))
                m->cur.flags |= BF_TIGHT;
            m->lists[d].items++;
            m->item_pending = 0;
        }
        /* every block of an item knows its marker (for the indent) */
        memcpy(m->cur.mark, m->lists[d].mark, sizeof m->cur.mark);
    }
    m->leaf = kind + 1;
}

/* The raw source of a paragraph from its first line's start (after quote
 * markers and blanks), so that "**NAME**：" is seen with its markup. */
static size_t raw_start(const structure_t *st, size_t off)
{
    size_t i = off;
    while (i > 0 && st->text[i - 1] != '\n' && st->text[i - 1] != '\r')
        i--;
    while (i < off && (st->text[i] == ' ' || st->text[i] == '\t' ||
                       st->text[i] == '>'))
        i++;
    return i;
}

static void end_leaf(md_t *m)
{
    structure_t *st = m->st;
    block_t *b = &m->cur;
    m->leaf = 0;
    if (b->kind == BK_CODE || b->kind == BK_VERBATIM) {
        /* one block per line, split at newlines */
        uint32_t s0 = b->span0, end = s0 + b->nspan;
        block_t ln = *b;
        ln.nspan = 0;
        ln.span0 = s0;
        ln.flags |= BF_TIGHT;
        int first = 1, have = 0; /* have: a source position for the line */
        size_t prev_end = b->start;
        for (uint32_t i = s0; i < end; i++) {
            span_t *sp = &st->spans[i];
            const char *p = sp->kind == SK_TEXT ? st->text + sp->off
                                                : st->lit + sp->off;
            int nl = sp->len > 0 && p[sp->len - 1] == '\n';
            if (nl)
                sp->len--;
            ln.nspan++;
            /* md4c may hand the indentation over as a literal: the line's
             * range starts at its first text from the source */
            if (sp->kind == SK_TEXT) {
                if (!have) { /* back over the line's indentation */
                    ln.start = sp->off;
                    while (ln.start > prev_end &&
                           (st->text[ln.start - 1] == ' ' ||
                            st->text[ln.start - 1] == '\t'))
                        ln.start--;
                }
                have = 1;
                ln.end = sp->off + sp->len;
            }
            if (nl || i + 1 == end) {
                if (first)
                    ln.flags &= (uint8_t)~BF_TIGHT;
                first = 0;
                if (!have)
                    ln.start = ln.end = prev_end;
                prev_end = ln.end;
                have = 0;
                push_block(m, &ln);
                ln.span0 = i + 1;
                ln.nspan = 0;
                ln.flags &= (uint8_t)~BF_ITEM;
                ln.flags |= BF_TIGHT;
            }
        }
        return;
    }
    if (b->nspan == 0)
        return;
    item_t it = {0};
    it.block = (long)st->nblocks;
    it.end = b->end;
    size_t chars = 0;
    int multi = 0;
    for (uint32_t i = b->span0; i < b->span0 + b->nspan; i++) {
        span_t *sp = &st->spans[i];
        if (sp->kind == SK_TEXT)
            chars += count_chars(st->text + sp->off, sp->len);
        else if (sp->kind == SK_LITERAL)
            chars += count_chars(st->lit + sp->off, sp->len);
        else
            multi = 1;
    }
    it.chars = chars;
    if (b->kind == BK_HEADING) {
        it.start = b->start;
        it.family = 100 + m->level;
        b->level = (uint8_t)m->level;
    } else {
        it.start = raw_start(st, b->start);
        b->start = it.start;
        it.family = multi || b->list ? -2 : 0;
    }
    it.line = line_of(m, it.start);
    push_block(m, b);
    if (it.family == -2) {
        /* several lines or a list item: never a heading, maybe a turn */
        it.family = HF_NONE;
        it.candidate = speaker_prefix(st->text + it.start, it.end - it.start,
                                      &it.name_off, &it.name_len,
                                      &it.prefix_len);
        if (it.candidate) {
            it.name_off += it.start;
            it.prefix_chars = prefix_chars(st->text + it.start, it.prefix_len);
        }
    } else if (b->kind != BK_HEADING) {
        classify(m->sc, &it);
    }
    feed(m->sc, &it);
}

/* End the open leaf, if any; an item's mark waits for the next leaf when
 * the item held nothing yet. */
static void close_leaf(md_t *m)
{
    if (!m->leaf)
        return;
    if (m->cur.nspan == 0 && (m->cur.flags & BF_ITEM)) {
        m->leaf = 0;
        m->item_pending = 1;
        if (m->list > 0 && m->lists[m->list - 1 < 32 ? m->list - 1 : 31].ordered)
            m->lists[m->list - 1 < 32 ? m->list - 1 : 31].next--;
        return;
    }
    end_leaf(m);
}

static int md_enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    md_t *m = ud;
    /* a tight item's text comes with no paragraph: the item opens a leaf
     * that its first paragraph, if it has one, goes on with */
    if (type == MD_BLOCK_P && m->leaf && m->cur.kind == BK_PARA &&
        m->cur.nspan == 0)
        return 0;
    if (type != MD_BLOCK_DOC)
        close_leaf(m);
    switch (type) {
    case MD_BLOCK_QUOTE:
        m->quote++;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL: {
        int d = m->list < 32 ? m->list : 31;
        m->lists[d].ordered = type == MD_BLOCK_OL;
        m->lists[d].items = 0;
        if (type == MD_BLOCK_OL) {
            MD_BLOCK_OL_DETAIL *o = detail;
            m->lists[d].next = o->start;
            m->lists[d].tight = o->is_tight;
        } else {
            MD_BLOCK_UL_DETAIL *u = detail;
            m->lists[d].tight = u->is_tight;
        }
        m->list++;
        break;
    }
    case MD_BLOCK_LI:
        m->item_pending = 1;
        begin_leaf(m, BK_PARA);
        break;
    case MD_BLOCK_HR: {
        block_t b = {0};
        b.kind = BK_RULE;
        b.start = b.end = m->last_end;
        b.quote = (uint8_t)m->quote;
        b.speaker = -1;
        b.heading = -1;
        item_t it = {0};
        it.start = it.end = m->last_end;
        it.family = -1;
        it.block = (long)m->st->nblocks;
        push_block(m, &b);
        feed(m->sc, &it);
        break;
    }
    case MD_BLOCK_H:
        m->level = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
        begin_leaf(m, BK_HEADING);
        break;
    case MD_BLOCK_P:
        begin_leaf(m, BK_PARA);
        break;
    case MD_BLOCK_CODE:
        begin_leaf(m, BK_CODE);
        break;
    case MD_BLOCK_HTML:
        begin_leaf(m, BK_VERBATIM);
        break;
    default:
        break;
    }
    return 0;
}

static int md_leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    md_t *m = ud;
    (void)detail;
    switch (type) {
    case MD_BLOCK_QUOTE:
        m->quote--;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        m->list--;
        break;
    case MD_BLOCK_H:
    case MD_BLOCK_P:
    case MD_BLOCK_CODE:
    case MD_BLOCK_HTML:
    case MD_BLOCK_LI:
        close_leaf(m);
        break;
    default:
        break;
    }
    return 0;
}

static int style_bit(MD_SPANTYPE type)
{
    switch (type) {
    case MD_SPAN_EM:
        return 0;
    case MD_SPAN_STRONG:
        return 1;
    case MD_SPAN_CODE:
        return 2;
    case MD_SPAN_A:
        return 3;
    case MD_SPAN_DEL:
        return 6;
    default:
        return -1;
    }
}

static int md_enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
    md_t *m = ud;
    if (type == MD_SPAN_A) {
        MD_SPAN_A_DETAIL *a = detail;
        m->href = m->hlen = 0;
        if (a->href.text && in_src(m->st, a->href.text) &&
            in_src(m->st, a->href.text + a->href.size)) {
            m->href = (uint32_t)(a->href.text - m->st->text);
            m->hlen = a->href.size;
        }
    }
    if (type == MD_SPAN_IMG && m->leaf)
        add_literal(m, "[图: ");
    int b = style_bit(type);
    if (b >= 0)
        m->style[b]++;
    return 0;
}

static int md_leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
    md_t *m = ud;
    (void)detail;
    int b = style_bit(type);
    if (b >= 0)
        m->style[b]--;
    if (type == MD_SPAN_IMG && m->leaf)
        add_literal(m, "]");
    return 0;
}

/* A few entities by name; numeric ones in full. */
static int entity(const char *s, size_t n, char out[8])
{
    static const struct {
        const char *name, *utf8;
    } tab[] = {{"&amp;", "&"},   {"&lt;", "<"},     {"&gt;", ">"},
               {"&quot;", "\""}, {"&apos;", "'"},   {"&nbsp;", "\xC2\xA0"},
               {"&copy;", "©"},  {"&mdash;", "—"},  {"&hellip;", "…"},
               {"&ldquo;", "“"}, {"&rdquo;", "”"}};
    for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
        if (strlen(tab[i].name) == n && !memcmp(s, tab[i].name, n))
            return (int)strlen(strcpy(out, tab[i].utf8));
    if (n >= 4 && s[1] == '#') {
        unsigned long v = (s[2] == 'x' || s[2] == 'X')
                              ? strtoul(s + 3, NULL, 16)
                              : strtoul(s + 2, NULL, 10);
        if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            v = 0xFFFD;
        return u8_uctomb((uint8_t *)out, (ucs4_t)v, 8);
    }
    return -1;
}

static int md_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size,
                   void *ud)
{
    md_t *m = ud;
    if (!m->leaf)
        return 0;
    char buf[8];
    int k;
    switch (type) {
    case MD_TEXT_SOFTBR:
        add_span(m, " ", 1, SK_SOFTBR);
        break;
    case MD_TEXT_BR:
        add_span(m, " ", 1, SK_HARDBR);
        break;
    case MD_TEXT_NULLCHAR:
        add_span(m, "\xEF\xBF\xBD", 3, SK_LITERAL);
        break;
    case MD_TEXT_ENTITY:
        k = entity(text, size, buf);
        if (k > 0)
            add_span(m, buf, (size_t)k, SK_LITERAL);
        else
            add_span(m, text, size, SK_TEXT);
        break;
    default:
        add_span(m, text, size, SK_TEXT);
        break;
    }
    return 0;
}

/* End of a front-matter-like region ("---" ... "---"/"..."), 0 if none. */
static size_t fm_region(const char *t, size_t len)
{
    if (!fm_present(t, len))
        return 0;
    size_t i = 3;
    while (i < len && t[i] != '\n')
        i++;
    i++;
    while (i < len) {
        size_t e = i;
        while (e < len && t[e] != '\n')
            e++;
        size_t ce = trim_end(t, i, e > i && t[e - 1] == '\r' ? e - 1 : e);
        if (ce - i == 3 && (!memcmp(t + i, "---", 3) || !memcmp(t + i, "...", 3)))
            return e < len ? e + 1 : len;
        i = e + 1;
    }
    return 0;
}

static void scan_markdown(scan_t *sc)
{
    structure_t *st = sc->st;
    md_t m;
    memset(&m, 0, sizeof m);
    m.sc = sc;
    m.st = st;
    m.line_no = 1;
    size_t body = 0;
    if (st->has_fm) {
        block_t b = {0};
        b.kind = BK_META;
        b.end = st->fm.end;
        b.speaker = -1;
        b.heading = -1;
        push_block(&m, &b);
        body = st->fm.end;
    } else if ((body = fm_region(st->text, st->len)) > 0) {
        /* malformed front matter: its lines as they are */
        st->fm_bad_end = body;
        para_t p;
        int ok = para_first(st->text, body, &p);
        while (ok) {
            block_t b = {0};
            b.kind = BK_VERBATIM;
            b.start = p.start;
            b.end = p.blank ? p.start : p.end;
            b.flags = st->nblocks ? BF_TIGHT : 0;
            b.speaker = -1;
            b.heading = -1;
            push_block(&m, &b);
            ok = para_next(st->text, body, &p, &p);
        }
    }
    m.last_end = body;
    MD_PARSER parser;
    memset(&parser, 0, sizeof parser);
    parser.flags = 0; /* CommonMark */
    parser.enter_block = md_enter_block;
    parser.leave_block = md_leave_block;
    parser.enter_span = md_enter_span;
    parser.leave_span = md_leave_span;
    parser.text = md_text;
    if (st->len - body < (size_t)0xFFFFFFFFu)
        md_parse(st->text + body, (MD_SIZE)(st->len - body), &parser, &m);
}

/* ---- public ------------------------------------------------------------- */

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcasecmp(s + a - b, suf);
}

static void st_build_format(structure_t *st, const char *text, size_t len,
                            int format, const char *path);

/* The background build of a plain text's structure. */
struct st_job {
    pthread_t thread;
};

static void build_plain(structure_t *st)
{
    scan_t sc;
    memset(&sc, 0, sizeof sc);
    sc.st = st;
    scan_plain(&sc);
    resolve(&sc);
    free(sc.ev);
}

static void *build_thread(void *arg)
{
    build_plain(arg);
    return NULL;
}

void st_wait(const structure_t *cst)
{
    structure_t *st = (structure_t *)cst; /* the job is private state */
    if (!st->job)
        return;
    pthread_join(st->job->thread, NULL);
    free(st->job);
    st->job = NULL;
}

void st_build_async(structure_t *st, const char *text, size_t len, int format,
                    const char *path)
{
    st_build_format(st, text, len, format, path);
    if (st->markdown) {
        st_build(st, text, len, format, path);
        return;
    }
    st->job = xmalloc(sizeof *st->job);
    if (pthread_create(&st->job->thread, NULL, build_thread, st) != 0) {
        free(st->job);
        st->job = NULL;
        build_plain(st);
    }
}

/* The common start of a build: text, format, front matter. */
static void st_build_format(structure_t *st, const char *text, size_t len,
                            int format, const char *path)
{
    memset(st, 0, sizeof *st);
    st->text = text;
    st->len = len;
    if (format == FMT_AUTO)
        format = (path && (ends_with(path, ".md") || ends_with(path, ".markdown")))
                         || fm_present(text, len)
                     ? FMT_MARKDOWN
                     : FMT_TEXT;
    st->markdown = format == FMT_MARKDOWN;
    if (st->markdown && fm_parse(text, len, &st->fm))
        st->has_fm = 1;
}

void st_build(structure_t *st, const char *text, size_t len, int format,
              const char *path)
{
    st_build_format(st, text, len, format, path);
    if (!st->markdown) {
        build_plain(st);
        return;
    }
    scan_t sc;
    memset(&sc, 0, sizeof sc);
    sc.st = st;
    scan_markdown(&sc);
    resolve(&sc);
    free(sc.ev);
}

void st_free(structure_t *st)
{
    st_wait(st);
    fm_free(&st->fm);
    for (size_t k = 0; k < st->nspeakers; k++)
        free(st->speakers[k].turn_offsets);
    free(st->speakers);
    free(st->headings);
    free(st->blocks);
    free(st->spans);
    free(st->lit);
    free(st->turn_at);
    free(st->turn_who);
    memset(st, 0, sizeof *st);
}

/* The plain-text block of paragraph p. */
static void plain_block(const structure_t *st, const para_t *p, block_t *b)
{
    memset(b, 0, sizeof *b);
    b->speaker = -1;
    b->heading = -1;
    if (p->blank) {
        b->kind = BK_BLANK;
        b->start = p->start;
        b->end = p->end;
        return;
    }
    b->kind = BK_PARA;
    b->start = p->start;
    b->end = p->end;
    size_t cs = text_skip_blanks(st->text, p->start, p->end);
    /* headings: a binary search by start */
    size_t lo = 0, hi = st->nheadings;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (st->headings[mid].start < cs)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < st->nheadings && st->headings[lo].start == cs) {
        b->kind = st->headings[lo].level ? BK_HEADING : BK_TITLE;
        b->level = (uint8_t)st->headings[lo].level;
        b->heading = (int32_t)lo;
        return;
    }
    /* turns: the last turn event at or before the paragraph */
    lo = 0, hi = st->nturns;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (st->turn_at[mid] <= cs)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || st->turn_who[lo - 1] < 0)
        return;
    b->speaker = st->turn_who[lo - 1];
    if (st->turn_at[lo - 1] == cs) {
        size_t no, nl, pl;
        b->flags |= BF_TURN;
        if (speaker_prefix(st->text + cs, p->end - cs, &no, &nl, &pl))
            b->prefix = (uint32_t)(pl + (cs - p->start));
    } else {
        b->flags |= BF_CONT;
    }
}

/* While the structure is being built: decide paragraph p from itself, as
 * the finished structure would (before the first speaker or minor-heading
 * candidate nothing depends on the rest of the text: numbered headings and
 * the title are local, and no turn can be running). Returns 0 when p needs
 * the finished structure. */
static int local_block(const structure_t *st, const para_t *p, int first,
                       block_t *b)
{
    memset(b, 0, sizeof *b);
    b->speaker = -1;
    b->heading = -1;
    b->start = p->start;
    b->end = p->end;
    if (p->blank) {
        b->kind = BK_BLANK;
        return 1;
    }
    size_t cs = text_skip_blanks(st->text, p->start, p->end);
    size_t ce = trim_end(st->text, cs, p->end);
    int fam = heading_family(st->text + cs, ce - cs);
    if (first) {
        para_t q;
        int blank_after = para_next(st->text, st->len, p, &q) && q.blank;
        if (title_line(st->text, cs, ce, fam, blank_after)) {
            b->kind = BK_TITLE;
            return 1;
        }
    }
    size_t no, nl, pl;
    if (fam == HF_MINOR ||
        (fam == HF_NONE && speaker_prefix(st->text + cs, ce - cs, &no, &nl, &pl)))
        return 0;
    b->kind = fam == HF_NONE ? BK_PARA : BK_HEADING;
    b->level = fam == HF_NONE ? 0 : 1;
    return 1;
}

int st_first(const structure_t *st, st_cursor_t *c, block_t *b)
{
    memset(c, 0, sizeof *c);
    if (st->markdown) {
        if (st->nblocks == 0)
            return 0;
        *b = st->blocks[0];
        return 1;
    }
    para_t p;
    if (!para_first(st->text, st->len, &p))
        return 0;
    c->next = p.next;
    if (!st->job || !local_block(st, &p, 1, b)) {
        st_wait(st);
        plain_block(st, &p, b);
    }
    return 1;
}

int st_next(const structure_t *st, st_cursor_t *c, block_t *b)
{
    if (st->markdown) {
        if (++c->i >= st->nblocks)
            return 0;
        *b = st->blocks[c->i];
        return 1;
    }
    if (c->next >= st->len)
        return 0;
    para_t p;
    para_at(st->text, st->len, c->next, &p);
    c->next = p.next;
    if (!st->job || !local_block(st, &p, 0, b)) {
        st_wait(st);
        plain_block(st, &p, b);
    }
    return 1;
}
