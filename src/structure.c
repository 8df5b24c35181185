#include "structure.h"
#include "heuristics.h"
#include "para.h"
#include "scan.h"
#include "text.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <unistr.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the scanner: paragraph-level events, shared by both formats ----- */

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
size_t count_chars(const char *s, size_t n)
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
size_t prefix_chars(const char *s, size_t n)
{
    size_t stars = 0;
    for (size_t i = 0; i < n; i++)
        stars += s[i] == '*';
    return count_chars(s, n) - stars;
}

void classify(scan_t *sc, item_t *it)
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
        it->prefix_chars = prefix_chars(s, it->prefix_len);
    }
}

void feed(scan_t *sc, item_t *it)
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

size_t count_lines(const char *t, size_t s, size_t e)
{
    size_t n = 0;
    for (size_t i = s; i < e; i++)
        if (t[i] == '\n' || (t[i] == '\r' && (i + 1 >= e || t[i + 1] != '\n')))
            n++;
    return n;
}

/* The background build of a plain text's structure. */
struct st_job {
    pthread_t thread;
    _Atomic int done, stop; /* stop: st_free, the result is not wanted */
};

static void scan_plain(scan_t *sc)
{
    structure_t *st = sc->st;
    para_t p;
    size_t line = 1, nonblank = 0;
    int ok = para_first(st->text, st->len, &p), behind = 0;
    while (ok && !(st->job && st->job->stop)) {
        if (!behind && st->job && __atomic_load_n(&st->soon, __ATOMIC_RELAXED)) {
            thread_background(5); /* the reader's: behind its keys and searches */
            behind = 1;
        }
        if (p.blank) {
            if (nonblank == 1 && !sc->first_blank_after)
                sc->first_blank_after = 1;
        } else {
            item_t it = {0};
            it.start = text_skip_blanks(st->text, p.start, p.end);
            it.end = text_trim_blanks(st->text, it.start, p.end);
            it.line = line;
            it.block = -1;
            it.cont = p.cont;
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

/* ---- public ------------------------------------------------------------- */

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcasecmp(s + a - b, suf);
}

static void st_build_format(structure_t *st, const char *text, size_t len,
                            int format, const char *path);


/* Scan with a front end, then resolve. */
static void scan_resolve(structure_t *st, void (*front)(scan_t *))
{
    scan_t sc;
    memset(&sc, 0, sizeof sc);
    sc.st = st;
    front(&sc);
    resolve(&sc);
    free(sc.ev);
}

static void build_plain(structure_t *st)
{
    scan_resolve(st, scan_plain);
}

static void *build_thread(void *arg)
{
    structure_t *st = arg;
    if (!bg_gate(&st->job->stop))
        return NULL;
    build_plain(st);
    st->job->done = 1;
    return NULL;
}

int st_ready(const structure_t *st)
{
    if (st->job && st->job->done)
        st_wait(st);
    return st->job == NULL;
}

void st_wait(const structure_t *cst)
{
    structure_t *st = (structure_t *)cst; /* the job is private state */
    if (!st->job)
        return;
    if (st->job->stop)
        bg_stop_join(st->job->thread);
    else
        bg_join(st->job->thread);
    free(st->job);
    st->job = NULL;
}

void st_build_async(structure_t *st, const char *text, size_t len, int format,
                    const char *path)
{
    st_build_format(st, text, len, format, path);
    if (st->markdown) { /* small, and parsed whole by md4c: no thread */
        scan_resolve(st, md_scan);
        return;
    }
    st->job = xmalloc(sizeof *st->job);
    st->job->done = 0;
    st->job->stop = 0;
    if (pthread_create(&st->job->thread, NULL, build_thread, st) != 0) {
        free(st->job);
        st->job = NULL;
        build_plain(st);
    }
}

int st_is_markdown(const char *text, size_t len, int format, const char *path)
{
    if (format == FMT_AUTO)
        format = (path && (ends_with(path, ".md") || ends_with(path, ".markdown")))
                         || fm_present(text, len)
                     ? FMT_MARKDOWN
                     : FMT_TEXT;
    return format == FMT_MARKDOWN;
}

/* The common start of a build: text, format, front matter. */
static void st_build_format(structure_t *st, const char *text, size_t len,
                            int format, const char *path)
{
    memset(st, 0, sizeof *st);
    st->text = text;
    st->len = len;
    st->markdown = st_is_markdown(text, len, format, path);
    if (st->markdown && fm_parse(text, len, &st->fm))
        st->has_fm = 1;
}

void st_build(structure_t *st, const char *text, size_t len, int format,
              const char *path)
{
    st_build_format(st, text, len, format, path);
    scan_resolve(st, st->markdown ? md_scan : scan_plain);
}

void st_free(structure_t *st)
{
    if (st->job)
        st->job->stop = 1;
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
    if (p->cont) {
        b->kind = BK_PARA;
        return 1;
    }
    size_t cs = text_skip_blanks(st->text, p->start, p->end);
    size_t ce = text_trim_blanks(st->text, cs, p->end);
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

/* Put the cursor on plain-text paragraph p and give its block: decided
 * from p itself while a background build runs (when `local`), else from
 * the finished structure. */
static void plain_at(const structure_t *st, st_cursor_t *c, const para_t *p,
                     int local, int first, block_t *b)
{
    c->next = p->next;
    c->start = p->start;
    if (c->soon && st->job && !st->job->done) { /* for now: from itself */
        if (!local_block(st, p, first, b)) {
            b->kind = BK_PARA;
            b->level = 0;
        }
        ((structure_t *)st)->provisional = 1;
        return;
    }
    c->soon = 0;
    if (local && st->soon && st->job && !st->job->done && !local_block(st, p, first, b)) {
        /* the first paragraph that needs the structure: from here on, for now */
        b->kind = BK_PARA;
        b->level = 0;
        c->soon = 1;
        ((structure_t *)st)->provisional = 1;
        return;
    }
    if (!local || !st->job || !local_block(st, p, first, b)) {
        st_wait(st);
        plain_block(st, p, b);
    }
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
    plain_at(st, c, &p, 1, 1, b);
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
    plain_at(st, c, &p, 1, 0, b);
    return 1;
}

/* st_at and st_prev: provisional blocks (st->soon while a build runs)? */
static int soon(const structure_t *st)
{
    return st->soon && st->job && !st->job->done;
}

int st_prev(const structure_t *st, st_cursor_t *c, block_t *b)
{
    if (soon(st))
        c->soon = 1;
    else
        st_wait(st);
    if (st->markdown) {
        if (c->i == 0 || c->i > st->nblocks)
            return 0;
        *b = st->blocks[--c->i];
        return 1;
    }
    para_t cur, p;
    if (!para_at(st->text, st->len, c->start, &cur) ||
        !para_prev(st->text, st->len, &cur, &p))
        return 0;
    plain_at(st, c, &p, 0, 0, b);
    return 1;
}

int st_at(const structure_t *st, size_t off, st_cursor_t *c, block_t *b)
{
    int later = soon(st);
    if (!later)
        st_wait(st);
    memset(c, 0, sizeof *c);
    c->soon = later;
    if (off >= st->len)
        return 0;
    if (st->markdown) {
        size_t lo = 0, hi = st->nblocks; /* last block starting <= off */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (st->blocks[mid].start <= off)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == 0)
            return st->nblocks ? (*b = st->blocks[0], 1) : 0;
        c->i = lo - 1;
        *b = st->blocks[c->i];
        return 1;
    }
    para_t p;
    if (!para_at(st->text, st->len, off, &p))
        return 0;
    plain_at(st, c, &p, 0, 0, b);
    return 1;
}

void st_heading_text(const structure_t *st, const heading_t *h, buf_t *b)
{
    b->n = 0;
    buf_add(b, "", 0);
    if (h->block >= 0 && st->markdown) {
        const block_t *bk = &st->blocks[h->block];
        for (uint32_t i = bk->span0; i < bk->span0 + bk->nspan; i++) {
            const span_t *sp = &st->spans[i];
            if (sp->kind == SK_TEXT)
                buf_add(b, st->text + sp->off, sp->len);
            else if (sp->kind == SK_LITERAL)
                buf_add(b, st->lit + sp->off, sp->len);
            else
                buf_addc(b, ' ');
        }
        if (bk->nspan)
            return;
    }
    buf_add(b, st->text + h->tstart, h->tend - h->tstart);
}

int st_speaker_find(const structure_t *st, const char *name, size_t n)
{
    st_wait(st);
    for (size_t k = 0; k < st->nspeakers; k++)
        if (speaker_same(st->text + st->speakers[k].name_off,
                         st->speakers[k].name_len, name, n))
            return (int)k;
    return -1;
}

long st_section_at(const structure_t *st, size_t off)
{
    st_wait(st);
    size_t lo = 0, hi = st->nheadings; /* the first heading after off */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (st->headings[mid].start <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    while (lo > 0 && st->headings[lo - 1].level == 0)
        lo--;
    return lo ? (long)lo - 1 : -1;
}

/* (temporary, until the structure work lands) */
void st_title(const structure_t *st, buf_t *b)
{
    b->n = 0;
    buf_add(b, "", 0);
    if (st->has_fm && st->fm.title)
        buf_adds(b, st->fm.title);
    else if (st_ready(st) && st->nheadings && st->headings[0].level == 0)
        st_heading_text(st, &st->headings[0], b);
}

void st_show_soon(structure_t *st)
{
    __atomic_store_n(&st->soon, 1, __ATOMIC_RELAXED);
}

int st_take_provisional(structure_t *st)
{
    if (!st->provisional || !st_ready(st))
        return 0;
    st->provisional = 0;
    return 1;
}

void st_block_text(const structure_t *st, const block_t *bk, buf_t *b)
{
    b->n = 0;
    buf_add(b, "", 0);
    for (uint32_t i = bk->span0; i < bk->span0 + bk->nspan; i++) {
        const span_t *sp = &st->spans[i];
        if (sp->kind == SK_TEXT)
            buf_add(b, st->text + sp->off, sp->len);
        else if (sp->kind == SK_LITERAL)
            buf_add(b, st->lit + sp->off, sp->len);
        else
            buf_addc(b, ' ');
    }
    if (bk->nspan)
        return;
    size_t s = text_skip_blanks(st->text, bk->start, bk->end);
    buf_add(b, st->text + s, text_trim_blanks(st->text, s, bk->end) - s);
}
