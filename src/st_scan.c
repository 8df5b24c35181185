/* st_scan: the paragraph-event scanner shared by the front ends, and the
 * resolution of its events into the title, speakers, turns, heading
 * levels and headings (see st_int.h). */
#include "chars.h"
#include "hash.h"
#include "heuristics.h"
#include "st_int.h"
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
        it->candidate = speaker_prefix(s, n, &it->name_off, &it->name_len,
                                       &it->prefix_len);
    if (it->candidate) {
        it->name_off += it->start;
        it->prefix_chars = stx_prefix_chars(s, it->prefix_len);
    }
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
    if (it->family != HF_NONE || it->candidate) {
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

/* hash64 of a name without its blanks (SP, TAB, U+3000), so that names
 * speaker_same() calls equal hash alike. */
static uint64_t name_hash(const char *s, size_t n)
{
    char small[256], *t = n <= sizeof small ? small : xmalloc(n);
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        size_t j = text_skip_blanks(s, i, n);
        if (j > i) {
            i = j;
            continue;
        }
        t[k++] = s[i++];
    }
    uint64_t h = hash64(t, k);
    if (t != small)
        free(t);
    return h;
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

/* The hanging indent of a turn at t with a speaker prefix of pl bytes: the
 * cells of the prefix as drawn (markup stars are not drawn), measured from
 * its paragraph's start (plain text: leading blanks included). */
static uint16_t hang_of(const structure_t *st, size_t t, size_t pl)
{
    size_t ps = st->markdown ? t : text_trim_blanks(st->text, 0, t);
    const char *s = st->text + ps;
    size_t n = (t - ps) + pl;
    size_t w = text_width(s, n) - stars_in(s, n);
    return w > UINT16_MAX ? UINT16_MAX : (uint16_t)w;
}

/* An entry of the turn table: a turn of speaker who, or (who -1) the end
 * of the running turn at a heading or rule. */
static void add_turn(struct st_priv *pv, size_t at, int32_t who,
                     uint16_t hang)
{
    if (pv->nturns == pv->tcap) {
        pv->tcap = pv->tcap ? 2 * pv->tcap : 64;
        pv->turn_at = xrealloc(pv->turn_at, pv->tcap * sizeof *pv->turn_at);
        pv->turn_who = xrealloc(pv->turn_who, pv->tcap * sizeof *pv->turn_who);
        pv->turn_hang = xrealloc(pv->turn_hang,
                                 pv->tcap * sizeof *pv->turn_hang);
    }
    pv->turn_at[pv->nturns] = at;
    pv->turn_who[pv->nturns] = who;
    pv->turn_hang[pv->nturns++] = hang;
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

/* Speaker candidates grouped by name (as speaker_same() tells names
 * apart), through a hash of the name without blanks: every group becomes
 * a speaker, with the number of paragraphs its name starts. */
static void group_speakers(stx_scan_t *sc)
{
    structure_t *st = sc->st;
    size_t spcap = 0, ncand = 0;
    for (size_t i = 0; i < sc->nev; i++)
        ncand += sc->ev[i].it.candidate != 0;
    size_t hsize = 16;
    while (hsize < 2 * ncand)
        hsize *= 2;
    int32_t *ht = xmalloc(hsize * sizeof *ht);
    memset(ht, 0xFF, hsize * sizeof *ht); /* -1: empty */
    for (size_t i = 0; i < sc->nev; i++) {
        stx_event_t *e = &sc->ev[i];
        if (!e->it.candidate || e->kind != STX_EV_PLAIN ||
            (long)i == sc->title_ev)
            continue;
        const char *nm = st->text + e->it.name_off;
        uint64_t hash = name_hash(nm, e->it.name_len);
        size_t h = (size_t)hash & (hsize - 1);
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
            st->speakers[k].hash = hash;
            st->nspeakers++;
            ht[h] = (int32_t)k;
        }
        st->speakers[k].turns++;
        e->speaker = (int)k;
    }
    free(ht);
}

/* Keep the real speakers (names that start two paragraphs or more, labels
 * at once), in order of first turn; returns the old index -> new (-1:
 * dropped), to be freed. */
static int *keep_speakers(structure_t *st)
{
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
    return map;
}

/* Turns: a kept speaker's candidate starts one, which runs until the next
 * turn, heading or rule; each speaker learns its turns and characters,
 * and the turn table its starts and ends. */
static void resolve_turns(stx_scan_t *sc, const int *map)
{
    structure_t *st = sc->st;
    size_t *tcap = xcalloc(st->nspeakers + 1, sizeof *tcap);
    int cur = -1; /* speaker of the running turn */
    for (size_t i = 0; i < sc->nev; i++) {
        stx_event_t *e = &sc->ev[i];
        int who = e->speaker >= 0 && e->kind == STX_EV_PLAIN
                      ? map[e->speaker] : -1;
        e->speaker = -1;
        if (who >= 0) {
            e->kind = STX_EV_TURN;
            e->speaker = who;
            cur = who;
            speaker_t *p = &st->speakers[who];
            grow(&p->turn_offsets, &tcap[who], p->turns + 1,
                 sizeof *p->turn_offsets);
            p->turn_offsets[p->turns++] = e->it.start;
            p->chars += e->it.chars - e->it.prefix_chars + e->chars_after;
            add_turn(st->priv, e->it.start, who,
                     hang_of(st, e->it.start, e->it.prefix_len));
        } else if (e->kind == STX_EV_HEADING || e->kind == STX_EV_RULE) {
            cur = -1;
            add_turn(st->priv, e->it.start, -1, 0);
        } else if (cur >= 0) {
            /* a one-off label or a rejected minor heading: ordinary text,
             * so it continues the running turn */
            st->speakers[cur].chars += e->it.chars + e->chars_after;
        }
    }
    free(tcap);
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
}

/* Markdown blocks learn their turns (plain text asks the turn table when
 * a block is wanted): a paragraph at a turn's start starts it, the ones
 * after it continue it until a heading, rule or the title. */
static void md_block_turns(stx_scan_t *sc)
{
    structure_t *st = sc->st;
    const struct st_priv *pv = st->priv;
    size_t t = 0;
    int run = -1;
    uint16_t hang = 0;
    for (size_t b = 0; b < st->nblocks; b++) {
        block_t *bk = &st->blocks[b];
        while (t < pv->nturns && pv->turn_at[t] <= bk->start) {
            run = pv->turn_who[t];
            hang = pv->turn_hang[t];
            if (pv->turn_at[t] == bk->start && run >= 0)
                bk->flags |= BF_TURN;
            t++;
        }
        if (bk->kind == BK_HEADING || bk->kind == BK_RULE ||
            bk->kind == BK_TITLE)
            run = -1;
        if (run >= 0 && bk->kind == BK_PARA) {
            bk->speaker = run;
            bk->hang = hang;
            if (!(bk->flags & BF_TURN))
                bk->flags |= BF_CONT;
        }
    }
    for (size_t i = 0; i < sc->nev; i++) {
        stx_event_t *e = &sc->ev[i];
        if (e->kind == STX_EV_TURN && e->it.block >= 0)
            st->blocks[e->it.block].prefix = (uint32_t)e->it.prefix_len;
    }
}

void stx_resolve(stx_scan_t *sc)
{
    resolve_kinds(sc);
    resolve_title(sc);
    group_speakers(sc);
    int *map = keep_speakers(sc->st);
    resolve_turns(sc, map);
    free(map);
    assign_levels(sc);
    add_headings(sc);
    if (sc->st->nblocks) /* Markdown, Aozora */
        md_block_turns(sc);
}
