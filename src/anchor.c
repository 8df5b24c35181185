#include "anchor.h"
#include "text.h"
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
    /* a blank line names the text after it */
    for (size_t k = 0; k < 256 && off < st->len; k++) {
        size_t n = text_skip_blanks(st->text, off, st->len);
        if (n < st->len && (st->text[n] == '\n' || st->text[n] == '\r'))
            n++;
        if (n == off)
            break;
        off = n;
    }
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

size_t anchor_resolve(const structure_t *st, const anchor_t *a, int *exact)
{
    *exact = 0;
    size_t qn = strlen(a->quote), len = st->len;
    /* (offset as stored: maybe anything; offset + qn must not wrap) */
    if (qn && a->offset <= len && qn <= len - a->offset &&
        !memcmp(st->text + a->offset, a->quote, qn)) {
        *exact = 1;
        return a->offset;
    }
    if (qn) { /* the occurrence nearest the old offset */
        const char *p = st->text, *end = st->text + len;
        size_t best = SIZE_MAX, bestd = SIZE_MAX;
        while ((p = memmem(p, (size_t)(end - p), a->quote, qn))) {
            size_t at = (size_t)(p - st->text);
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
            if (st->headings[i].level > 0 && !strcmp(t.p, a->section) &&
                a->offset >= a->section_off) {
                size_t at = st->headings[i].start + (a->offset - a->section_off);
                buf_free(&t);
                return at < len ? at : (len ? len - 1 : 0);
            }
        }
        buf_free(&t);
    }
    double pc = a->percent; /* as stored: maybe NaN, negative, huge */
    pc = pc > 0 ? (pc < 100 ? pc : 100) : 0;
    size_t at = (size_t)(pc / 100.0 * (double)len);
    return at < len ? at : (len ? len - 1 : 0);
}
