#include "anchor.h"
#include "text.h"
#include "utf8.h"
#include "util.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define QUOTE_CHARS 32

void anchor_make(const structure_t *st, size_t off, anchor_t *a)
{
    memset(a, 0, sizeof a->quote);
    if (off > st->len)
        off = st->len;
    while (off > 0 && off < st->len && ((unsigned char)st->text[off] & 0xC0) == 0x80)
        off--; /* the start of the character holding it */
    /* a blank line names the text after it */
    for (size_t k = 0; k < 256 && off < st->len; k++) {
        size_t n = text_skip_blanks(st->text, off, st->len);
        if (n < st->len && (st->text[n] == '\n' || st->text[n] == '\r'))
            n++;
        if (n == off)
            break;
        off = n;
    }
    off = utf8_next(st->text, off, st->len); /* (past stray bytes after a break) */
    a->offset = off;
    /* about 32 characters, whole characters only */
    size_t e = off;
    for (int k = 0; k < QUOTE_CHARS && e < st->len; k++) {
        uint32_t cp;
        int n = text_decode(st->text + e, st->len - e, &cp);
        if (e + (size_t)n - off >= sizeof a->quote)
            break;
        e += (size_t)n;
    }
    memcpy(a->quote, st->text + off, e - off);
    a->quote[e - off] = '\0';
    a->section[0] = '\0';
    a->section_off = 0;
    long h = st_ready(st) ? st_section_at(st, off) : -1; /* not waited for */
    if (h >= 0) {
        buf_t t = {0};
        st_heading_text(st, &st->headings[h], &t);
        snprintf(a->section, sizeof a->section, "%s", t.p);
        a->section_off = st->headings[h].start;
        buf_free(&t);
    }
    a->percent = st->len ? off * 100.0 / (double)st->len : 0;
}

/* The start of the character holding off (< len, or 0 in an empty text). */
static size_t char_start(const structure_t *st, size_t off)
{
    if (off >= st->len)
        off = st->len ? st->len - 1 : 0;
    while (off > 0 && utf8_is_cont((unsigned char)st->text[off]))
        off--;
    return off;
}

size_t anchor_resolve(const structure_t *st, const anchor_t *a, int *exact)
{
    *exact = 0;
    size_t qn = strlen(a->quote), len = st->len;
    /* (offset as stored: maybe anything; offset + qn must not wrap) */
    if (qn && a->offset < len && qn <= len - a->offset && char_start(st, a->offset) == a->offset &&
        !memcmp(st->text + a->offset, a->quote, qn)) {
        *exact = 1;
        return a->offset;
    }
    if (qn) { /* the occurrence nearest the old offset */
        const char *p = st->text, *end = st->text + len;
        size_t best = SIZE_MAX, bestd = SIZE_MAX;
        while ((p = memmem(p, (size_t)(end - p), a->quote, qn))) {
            size_t at = (size_t)(p - st->text);
            if (char_start(st, at) != at) { /* (a stray byte of a quote) */
                p++;
                continue;
            }
            size_t d = at > a->offset ? at - a->offset : a->offset - at;
            if (d < bestd)
                best = at, bestd = d;
            else if (at > a->offset)
                break; /* moving away from it */
            p++;
        }
        if (best != SIZE_MAX)
            return best;
    }
    st_wait(st);
    if (a->section[0]) { /* the same distance into the same section */
        buf_t t = {0};
        for (size_t i = 0; i < st->nheadings; i++) {
            st_heading_text(st, &st->headings[i], &t);
            char cut[sizeof a->section]; /* (cut as anchor_make keeps it) */
            snprintf(cut, sizeof cut, "%s", t.p);
            if (st->headings[i].level > 0 && !strcmp(cut, a->section) &&
                a->offset >= a->section_off) {
                /* inside that section: before the next heading */
                size_t hi = len;
                for (size_t j = i + 1; j < st->nheadings; j++)
                    if (st->headings[j].level > 0 && st->headings[j].start > st->headings[i].start) {
                        hi = st->headings[j].start;
                        break;
                    }
                size_t at = st->headings[i].start, more = a->offset - a->section_off;
                at = more < hi - at ? at + more : (hi ? hi - 1 : 0);
                buf_free(&t);
                return char_start(st, at);
            }
        }
        buf_free(&t);
    }
    double pc = a->percent; /* as stored: maybe NaN, negative, huge */
    pc = pc > 0 ? (pc < 100 ? pc : 100) : 0;
    size_t at = (size_t)(pc / 100.0 * (double)len);
    return char_start(st, at);
}

int anchor_percent(size_t off, size_t len)
{
    if (!len)
        return 0;
    if (off >= len)
        return 100;
    return (int)((double)off * 100.0 / (double)len);
}

/* Appending one line of at most max characters: blanks and breaks folded. */
typedef struct {
    buf_t *b;
    size_t n, max;
    int space; /* a blank is pending (written before the next character) */
    int full;  /* max reached with more to come */
} shown_t;

/* Add s[0..n); 0 once full. */
static int show_add(shown_t *S, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int k = text_decode(s + i, n - i, &cp);
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000) {
            S->space = S->n > 0;
        } else {
            if (S->n >= S->max) {
                S->full = 1;
                return 0;
            }
            if (S->space)
                buf_addc(S->b, ' ');
            S->space = 0;
            buf_add(S->b, s + i, (size_t)k);
            S->n++;
        }
        i += (size_t)k;
    }
    return 1;
}

int anchor_show(const structure_t *st, size_t off, size_t chars, buf_t *b)
{
    if (off > st->len)
        off = st->len;
    while (off > 0 && off < st->len && ((unsigned char)st->text[off] & 0xC0) == 0x80)
        off--;
    shown_t S = {.b = b, .max = chars};
    st_cursor_t c;
    block_t bk;
    int ok = st_at(st, off, &c, &bk);
    for (; ok && !S.full; ok = st_next(st, &c, &bk)) {
        if (bk.kind == BK_BLANK || bk.kind == BK_RULE)
            continue;
        S.space = S.n > 0; /* between blocks */
        if (bk.kind == BK_META) {
            buf_t t = {0};
            if (st_title(st, &t))
                show_add(&S, t.p, t.n);
            buf_free(&t);
            continue;
        }
        if (!bk.nspan) {
            size_t s = bk.start > off ? bk.start : off;
            if (s < bk.end)
                show_add(&S, st->text + s, bk.end - s);
            continue;
        }
        for (uint32_t i = bk.span0; i < bk.span0 + bk.nspan && !S.full; i++) {
            const span_t *sp = &st->spans[i];
            if (sp->kind == SK_TEXT) {
                size_t s = sp->off, e = (size_t)sp->off + sp->len;
                if (e <= off)
                    continue;
                s = s > off ? s : off;
                show_add(&S, st->text + s, e - s);
            } else if (sp->kind == SK_LITERAL) {
                if (S.n || bk.start >= off)
                    show_add(&S, st->lit + sp->off, sp->len);
            } else if (sp->kind != SK_RUBY && S.n) {
                S.space = 1;
            }
        }
    }
    if (!b->p)
        buf_add(b, "", 0);
    return S.full;
}
