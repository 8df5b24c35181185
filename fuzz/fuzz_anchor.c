/* Re-anchoring: a place made in an old text (anchor_make) and found again
 * in the text after an edit (anchor_resolve) lands on a character
 * boundary inside the new text; where the quote was and still is, exactly
 * there; else, when the quote survives anywhere, on an occurrence of it
 * nearest the old offset; else, when a section of the anchor's title is
 * left, inside a section of that title. The old place itself resolves in
 * the unchanged text to where anchor_make put it, exactly.
 * Byte 0: bits 0-1 the format (Markdown, plain text, by the name x.txt,
 * HTML); bytes 1-2 the place, 3-4 where the edit starts, 5-6 how many
 * bytes it deletes (each little-endian, taken modulo what there is), 7
 * how many bytes it inserts: the last ones of the input; the rest is the
 * old text. */
#include "anchor.h"
#include "structure.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

static size_t u16(const uint8_t *p)
{
    return (size_t)p[0] | (size_t)p[1] << 8;
}

/* Is off a character boundary of t[0..n): not inside a multi-byte
 * character (a stray continuation byte is a character of its own only
 * where anchor_make's stepping back would stop: at 0). */
static int boundary(const char *t, size_t n, size_t off)
{
    return off == 0 || off >= n || ((unsigned char)t[off] & 0xC0) != 0x80;
}

static void build(structure_t *st, const char *t, size_t n, int fmt)
{
    static const int formats[4] = {FMT_MARKDOWN, FMT_TEXT, FMT_AUTO, FMT_HTML};
    st_build(st, t, n, formats[fmt], fmt == 0 ? "x.md" : fmt == 3 ? "x.html" : "x.txt");
    st_wait(st);
}

/* Does a heading of level > 0 titled t (as an anchor keeps a title: cut
 * to its size) exist (off == SIZE_MAX), or hold off in its section: from
 * its start to the next heading of level > 0 that starts after it? (Two
 * headings may start at one offset: HTML that is not UTF-8.) */
static int titled(const structure_t *st, const char *t, size_t off)
{
    int yes = 0;
    buf_t b = {0};
    for (size_t i = 0; i < st->nheadings && !yes; i++) {
        const heading_t *h = &st->headings[i];
        if (h->level == 0)
            continue;
        anchor_t a;
        st_heading_text(st, h, &b);
        snprintf(a.section, sizeof a.section, "%s", b.p);
        if (strcmp(a.section, t))
            continue;
        size_t hi = st->len;
        for (size_t j = i + 1; j < st->nheadings; j++)
            if (st->headings[j].level > 0 && st->headings[j].start > h->start) {
                hi = st->headings[j].start;
                break;
            }
        yes = off == SIZE_MAX || (h->start <= off && off < hi);
    }
    buf_free(&b);
    return yes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8)
        return 0;
    int fmt = data[0] & 3;
    size_t rest = size - 8, ins = data[7] < rest ? data[7] : rest;
    size_t on = rest - ins;
    const char *old = (const char *)data + 8, *put = old + on;
    size_t off = u16(data + 1) % (on + 1), ea = u16(data + 3) % (on + 1);
    size_t ed = u16(data + 5) % (on - ea + 1);

    char *ot = xmalloc(on + 1);
    memcpy(ot, old, on);
    ot[on] = 0;
    structure_t os;
    build(&os, ot, on, fmt);
    anchor_t a;
    memset(&a, 0, sizeof a);
    anchor_make(&os, off, &a);
    REQUIRE(a.offset <= on && boundary(ot, on, a.offset));
    int exact;
    size_t r = anchor_resolve(&os, &a, &exact);
    if (a.quote[0])
        REQUIRE(r == a.offset && exact);
    REQUIRE(boundary(ot, on, r));

    /* the new text: [ea, ea + ed) replaced by put[0..ins) */
    size_t nn = on - ed + ins;
    char *nt = xmalloc(nn + 1);
    memcpy(nt, ot, ea);
    memcpy(nt + ea, put, ins);
    memcpy(nt + ea + ins, ot + ea + ed, on - ea - ed);
    nt[nn] = 0;
    structure_t ns;
    build(&ns, nt, nn, fmt);
    r = anchor_resolve(&ns, &a, &exact);
    REQUIRE(r <= nn && (r < nn || nn == 0));
    REQUIRE(boundary(nt, nn, r));
    size_t qn = strlen(a.quote);
    int here = qn && a.offset <= nn && qn <= nn - a.offset && !memcmp(nt + a.offset, a.quote, qn);
    REQUIRE(exact == here);
    if (here)
        REQUIRE(r == a.offset);
    /* the occurrences of the quote that start on a boundary */
    int seen = 0;
    size_t bestd = SIZE_MAX;
    for (const char *p = nt; qn && (p = memmem(p, nn - (size_t)(p - nt), a.quote, qn)); p++) {
        size_t at = (size_t)(p - nt);
        if (!boundary(nt, nn, at))
            continue;
        seen = 1;
        size_t d = at > a.offset ? at - a.offset : a.offset - at;
        bestd = d < bestd ? d : bestd;
    }
    if (seen) { /* on the quote, nearest the old offset */
        REQUIRE(r + qn <= nn && !memcmp(nt + r, a.quote, qn));
        REQUIRE((r > a.offset ? r - a.offset : a.offset - r) == bestd);
    } else if (a.section[0] && titled(&ns, a.section, SIZE_MAX)) {
        REQUIRE(titled(&ns, a.section, r)); /* inside a section of that title */
    }
    st_free(&ns);
    st_free(&os);
    free(nt);
    free(ot);
    return 0;
}
