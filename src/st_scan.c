/* st_scan: the paragraph-event scanner shared by the front ends, and the
 * resolution of its events into the title, heading levels and headings;
 * speakers and turns are st_talk.c's (see st_int.h, st_talk.h). */
#include "chars.h"
#include "heuristics.h"
#include "st_int.h"
#include "st_talk.h"
#include "text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* ---- the scanner -------------------------------------------------------- */

size_t stx_count_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n;) {
        uint32_t u;
        i += (size_t)text_decode(s + i, n - i, &u);
        c += !ch_blank(u);
    }
    return c;
}

static size_t stars_in(const char *s, size_t n)
{
    size_t stars = 0;
    for (size_t i = 0; i < n; i++)
        stars += s[i] == '*';
    return stars;
}

size_t stx_prefix_chars(const char *s, size_t n)
{
    return stx_count_chars(s, n) - stars_in(s, n);
}

size_t stx_count_lines(const char *t, size_t s, size_t e)
{
    size_t n = 0;
    for (size_t i = s; i < e; i++)
        if (t[i] == '\n' || (t[i] == '\r' && (i + 1 >= e || t[i + 1] != '\n')))
            n++;
    return n;
}

void stx_classify(stx_scan_t *sc, stx_item_t *it)
{
    const char *s = sc->st->text + it->start;
    size_t n = it->end - it->start;
    if (it->cont)
        return;
    if (it->family == 0)
        it->family = heading_family(s, n);
    if (it->family == HF_NONE)
        stx_talk_classify(sc, it);
}

void stx_feed(stx_scan_t *sc, stx_item_t *it)
{
    if (!sc->seen_para) {
        sc->seen_para = 1;
        sc->first = *it;
    }
    int minor = stx_minorish(it->family);
    if (sc->last_was_ev) { /* the event before learns what follows it */
        stx_event_t *p = &sc->ev[sc->nev - 1];
        if (sc->last_was_minor)
            p->minor_next = minor;
        p->next_chars = it->chars;
        p->next_turn = it->candidate;
        p->blank_after = it->blank_before;
    }
    int head = it->family != HF_NONE;
    if (!it->cont) {
        sc->nparas++;
        /* the gap between two paragraphs of the body */
        if (sc->nparas > 1 && !head && !sc->last_was_head)
            sc->gaps[it->blank_before < 3 ? it->blank_before : 3]++;
        const char *t = sc->st->text + it->start;
        size_t n = it->end - it->start;
        if (n >= 3 && (!memcmp(t, "“", 3) || !memcmp(t, "「", 3) ||
                       !memcmp(t, "『", 3)))
            sc->quoted++;
    }
    if (it->family != HF_NONE || it->candidate || stx_talk_event(it)) {
        grow(&sc->ev, &sc->evcap, sc->nev + 1, sizeof *sc->ev);
        stx_event_t *e = &sc->ev[sc->nev++];
        memset(e, 0, sizeof *e);
        e->it = *it;
        e->minor_prev = minor && sc->last_was_minor;
        e->prev_chars = sc->last_chars;
        e->speaker = -1;
        sc->last_was_ev = 1;
    } else {
        if (sc->nev)
            sc->ev[sc->nev - 1].chars_after += it->chars;
        sc->last_was_ev = 0;
    }
    sc->last_was_minor = minor;
    sc->last_was_head = head;
    sc->last_chars = it->chars;
    sc->st->total_chars += it->chars;
}

/* ---- helpers of the resolution ----------------------------------------- */

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

int stx_title_line(const char *t, size_t start, size_t end, int family,
                   int blank_after)
{
    size_t n = end - start;
    return blank_after && n < 200 && text_width(t + start, n) <= 40 &&
           !ends_sentence(t + start, n) &&
           (family == HF_NONE || stx_minorish(family));
}

static void add_heading(structure_t *st, const stx_item_t *it, int level)
{
    grow(&st->headings, &st->priv->hcap, st->nheadings + 1,
         sizeof *st->headings);
    heading_t *h = &st->headings[st->nheadings++];
    h->start = it->start;
    h->end = it->end;
    h->tstart = it->start;
    h->tend = it->end;
    h->level = level;
    h->family = it->family;
    h->line = it->line;
    h->block = it->block;
}

/* ---- the resolution, one step each -------------------------------------- */

/* Minor headings count only where several stand alone; rules are rules,
 * other heading families headings; a speaker candidate is decided later. */
static void resolve_kinds(stx_scan_t *sc)
{
    for (size_t i = 0; i < sc->nev; i++) {
        stx_event_t *e = &sc->ev[i];
        if (e->it.family == STX_RULE)
            e->kind = STX_EV_RULE;
        else if (stx_minorish(e->it.family))
            e->kind = STX_EV_PLAIN; /* (stx_sect_minor decides) */
        else if (e->it.family != HF_NONE)
            e->kind = STX_EV_HEADING;
        else
            e->kind = STX_EV_PLAIN;
    }
    stx_sect_minor(sc);
}

/* The title: front matter, else a first Markdown H1, else a short first
 * line followed by a blank line. Its event is neither heading nor turn. */
static void resolve_title(stx_scan_t *sc)
{
    structure_t *st = sc->st;
    const stx_item_t *f = &sc->first;
    sc->title_ev = -1;
    if (st->has_fm && st->fm.title) {
        st->has_title = 1;
    } else if (sc->seen_para) {
        int h1 = f->family == STX_MD_H + 1;
        int shortline = !st->markdown &&
                        stx_title_line(st->text, f->start, f->end, f->family,
                                       sc->first_blank_after);
        if (h1 || shortline) {
            st->has_title = 1;
            st->title_start = f->start;
            st->title_end = f->end;
            for (size_t i = 0; i < sc->nev; i++)
                if (sc->ev[i].it.start == f->start)
                    sc->title_ev = (long)i;
        }
    }
    if (sc->title_ev >= 0)
        sc->ev[sc->title_ev].kind = STX_EV_NONE;
}

/* Levels: one per family; a family first seen after another, and either
 * enclosed by it (a heading of the other comes later), or a minor heading,
 * or a deeper Markdown level, is one level deeper than it. */
static void assign_levels(stx_scan_t *sc)
{
    enum { NF = STX_MD_H + 10 };
    size_t first[NF], last[NF];
    int level[NF];
    for (int f = 0; f < NF; f++)
        first[f] = (size_t)-1, last[f] = 0, level[f] = 0;
    int order[NF], norder = 0;
    for (size_t i = 0; i < sc->nev; i++) {
        stx_event_t *e = &sc->ev[i];
        if (e->kind != STX_EV_HEADING || e->it.level) /* (its front end's) */
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
                         (f >= STX_MD_H && g >= STX_MD_H && g < f);
            if (f >= STX_MD_H && g >= STX_MD_H && g > f)
                nested = 0;
            if (nested && level[g] + 1 > lv)
                lv = level[g] + 1;
        }
        level[f] = lv > 6 ? 6 : lv;
    }
    for (size_t i = 0; i < sc->nev; i++)
        if (sc->ev[i].kind == STX_EV_HEADING)
            sc->ev[i].level = sc->ev[i].it.level ? sc->ev[i].it.level
                                                 : level[sc->ev[i].it.family];
}

/* The headings: the title (level 0, unless the front matter's), then the
 * others in order; a Markdown heading's block learns its kind and level. */
static void add_headings(stx_scan_t *sc)
{
    structure_t *st = sc->st;
    if (st->has_title && !(st->has_fm && st->fm.title)) {
        const stx_item_t *t = &sc->first;
        add_heading(st, t, 0);
        if (t->family == STX_MD_H + 1 && t->block >= 0) {
            st->blocks[t->block].kind = BK_TITLE;
            st->blocks[t->block].heading = 0;
        }
    }
    for (size_t i = 0; i < sc->nev; i++) {
        stx_event_t *e = &sc->ev[i];
        if (e->kind != STX_EV_HEADING || (long)i == sc->title_ev)
            continue;
        if (e->it.block >= 0) {
            block_t *b = &st->blocks[e->it.block];
            b->kind = BK_HEADING;
            b->level = (uint8_t)e->level;
            b->heading = (int32_t)st->nheadings;
        }
        add_heading(st, &e->it, e->level);
    }
    /* a block marked a heading while scanned (a transcript's > (…)
     * divider) whose event did not become one is a paragraph again */
    for (size_t i = 0; i < st->nblocks; i++)
        if (st->blocks[i].kind == BK_HEADING && st->blocks[i].heading < 0)
            st->blocks[i].kind = BK_PARA;
}

void stx_resolve(stx_scan_t *sc)
{
    resolve_kinds(sc);
    resolve_title(sc);
    stx_talk_resolve(sc); /* speakers and turns (st_talk.c) */
    assign_levels(sc);
    add_headings(sc);
}
