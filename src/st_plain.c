/* st_plain: the plain-text front end of the structure module. The scan
 * feeds every paragraph (para) to the scanner; a paragraph's block is
 * worked out when asked for, from the headings and the turn table that
 * the resolution left (see st_int.h). */
#include "heuristics.h"
#include "st_int.h"
#include "utf8.h"
#include "text.h"
#include "util.h"

#include <string.h>

void stx_scan_plain(stx_scan_t *sc)
{
    structure_t *st = sc->st;
    para_t p;
    size_t line = 1, nonblank = 0, blanks = 0;
    int ok = para_first(st->text, st->len, &p), behind = 0;
    while (ok && !(sc->stop && *sc->stop)) {
        if (!behind && sc->stop &&
            __atomic_load_n(&st->priv->soon, __ATOMIC_RELAXED)) {
            thread_background(5); /* the reader's: behind its keys and searches */
            behind = 1;
        }
        if (p.blank) {
            if (nonblank == 1 && !sc->first_blank_after)
                sc->first_blank_after = 1;
            blanks += stx_count_lines(st->text, p.start, p.next);
        } else {
            stx_item_t it = {0};
            it.blank_before = blanks;
            blanks = 0;
            it.start = text_skip_blanks(st->text, p.start, p.end);
            it.end = text_trim_blanks(st->text, it.start, p.end);
            it.line = line;
            it.block = -1;
            it.cont = p.cont;
            it.chars = stx_count_chars(st->text + it.start, it.end - it.start);
            stx_classify(sc, &it);
            stx_feed(sc, &it);
            nonblank++;
            if (nonblank == 2 && !sc->first_blank_after)
                sc->first_blank_after = -1;
        }
        /* a blank run spans several lines: count all its line ends */
        line += stx_count_lines(st->text, p.blank ? p.start : p.end, p.next);
        ok = para_next(st->text, st->len, &p, &p);
    }
    if (sc->first_blank_after < 0)
        sc->first_blank_after = 0;
}

static void block_init(const para_t *p, block_t *b)
{
    memset(b, 0, sizeof *b);
    b->speaker = -1;
    b->heading = -1;
    b->start = p->start;
    b->end = p->end;
}

void stx_plain_block(const structure_t *st, const para_t *p, block_t *b)
{
    block_init(p, b);
    if (p->blank) {
        b->kind = BK_BLANK;
        return;
    }
    b->kind = BK_PARA;
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
    /* turns: the last entry of the turn table at or before the paragraph */
    const struct st_priv *pv = st->priv;
    lo = 0, hi = pv->nturns;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (pv->turn_at[mid] <= cs)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || pv->turn_who[lo - 1] < 0)
        return;
    b->speaker = pv->turn_who[lo - 1];
    b->hang = pv->turn_hang[lo - 1];
    if (pv->turn_at[lo - 1] == cs) {
        size_t no, nl, pl;
        b->flags |= BF_TURN;
        if (speaker_prefix(st->text + cs, p->end - cs, &no, &nl, &pl))
            b->prefix = (uint32_t)(pl + (cs - p->start));
    } else {
        b->flags |= BF_CONT;
    }
}

/* (Before the first speaker or minor-heading candidate nothing depends on
 * the rest of the text: numbered headings and the title are local, and no
 * turn can be running.) */
int stx_local_block(const structure_t *st, const para_t *p, int first,
                    block_t *b)
{
    block_init(p, b);
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
        if (stx_title_line(st->text, cs, ce, fam, blank_after)) {
            b->kind = BK_TITLE;
            return 1;
        }
    }
    size_t no, nl, pl;
    if (stx_minorish(fam) ||
        (fam == HF_NONE && speaker_prefix(st->text + cs, ce - cs, &no, &nl, &pl)))
        return 0;
    b->kind = fam == HF_NONE ? BK_PARA : BK_HEADING;
    b->level = fam == HF_NONE ? 0 : 1;
    return 1;
}

/* Lines of the first ST_RUNON_SAMPLE bytes: blank, indented, long. */
enum { ST_RUNON_SAMPLE = 256 * 1024, ST_RUNON_LONG = 40 };

int st_runs_on(const char *t, size_t len)
{
    size_t n = len < ST_RUNON_SAMPLE ? len : ST_RUNON_SAMPLE;
    size_t blank = 0, indented = 0, lines = 0, longl = 0;
    size_t i = 0;
    while (i < n) {
        /* the line's end by memchr, its characters counted up to "long"
           only: a byte at a time, this took 4.49 of the 12.1 million
           instructions of opening a novel (2.5 MB), its first screen and
           q; so 0.65 (callgrind) */
        const char *nl = memchr(t + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - t) : n;
        const char *cr = memchr(t + i, '\r', e - i);
        if (cr)
            e = (size_t)(cr - t);
        if (e == n && n < len)
            break; /* a line the sample cuts: left out */
        size_t cs = text_skip_blanks(t, i, e);
        if (cs == e) {
            blank++;
        } else {
            lines++;
            if (cs > i)
                indented++;
            /* a line of 4 * LONG bytes or more has LONG characters (in
               valid UTF-8: at most 4 bytes each; a stray byte counted as
               one at most anyway), one of fewer than LONG bytes has not:
               counted only between (st_runs_on 439,000 -> 158,000
               instructions for the bench text's 256 KiB, callgrind) */
            size_t bytes = e - cs, chars = bytes >= 4 * ST_RUNON_LONG ? ST_RUNON_LONG : 0;
            if (bytes >= ST_RUNON_LONG)
                for (size_t k = cs; k < e && chars < ST_RUNON_LONG; k++)
                    chars += !utf8_is_cont((unsigned char)t[k]);
            if (chars >= ST_RUNON_LONG)
                longl++;
        }
        i = e + (e < n && t[e] == '\r' && e + 1 < n && t[e + 1] == '\n' ? 2 : 1);
    }
    return lines >= 4 && blank * 10 <= lines && indented * 10 <= lines && longl * 4 >= lines;
}
