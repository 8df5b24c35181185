/* Markdown (raw HTML in it too), front matter, HTML, Aozora and plain-text structure: any text builds a
 * structure whose blocks, headings and turns are in-bounds byte ranges in
 * order, walked forwards and backwards alike, and st_at lands on the
 * block holding an offset; a block hangs only in a turn; the title is
 * there when has_title says so; Aozora's and HTML's pieces (what search reads) are
 * in order, each in the text or in its literals. The first byte picks the
 * format. */
#include "structure.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)
#define MAXB 20000

static block_t fwd[MAXB];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int format = data[0] % 3 == 0 ? FMT_MARKDOWN : data[0] % 3 == 1 ? FMT_TEXT : FMT_AUTO;
    if (data[0] & 8)
        format = FMT_AOZORA;
    if (data[0] & 16)
        format = (data[0] & 32) ? FMT_AUTO : FMT_HTML; /* (x.html) */
    size_t n = size - 1;
    char *text = malloc(n + 1);
    memcpy(text, data + 1, n);
    text[n] = '\0';
    structure_t st;
    st_build(&st, text, n, format,
             (data[0] & 4) ? "x.md" : (data[0] & 16) ? "x.html" : "x.txt");
    for (size_t i = 0; i < st.nheadings; i++) {
        const heading_t *h = &st.headings[i];
        REQUIRE(h->start <= h->end && h->end <= n);
        REQUIRE(h->tstart <= h->tend && h->tend <= n);
        REQUIRE(!i || st.headings[i - 1].start <= h->start);
        buf_t t = {0};
        st_heading_text(&st, h, &t);
        buf_free(&t);
        if (h->level > 0)
            REQUIRE(st_section_at(&st, h->start) >= 0);
    }
    for (size_t i = 0; i < st.nspeakers; i++) {
        const speaker_t *s = &st.speakers[i];
        REQUIRE(s->name_off + s->name_len <= n);
        for (size_t k = 0; k < s->turns; k++)
            REQUIRE(s->turn_offsets[k] <= n);
        REQUIRE(st_speaker_find(&st, text + s->name_off, s->name_len) >= 0);
    }
    /* blocks: in order, in bounds; the same walked backwards */
    st_cursor_t c;
    block_t b;
    size_t nb = 0, last = 0;
    for (int ok = st_first(&st, &c, &b); ok && nb < MAXB; ok = st_next(&st, &c, &b)) {
        REQUIRE(b.start <= b.end && b.end <= n);
        REQUIRE(b.start >= last);
        last = b.end;
        if (b.kind == BK_HEADING || b.kind == BK_TITLE)
            REQUIRE(b.heading >= 0 && (size_t)b.heading < st.nheadings);
        REQUIRE(b.speaker < (int32_t)st.nspeakers);
        /* a hang only in a turn, and a turn's only with its speaker */
        REQUIRE(b.hang == 0 || ((b.flags & (BF_TURN | BF_CONT)) && b.speaker >= 0));
        REQUIRE(b.span0 + b.nspan <= st.nspans);
        for (uint32_t k = 0; k < b.nspan; k++) {
            const span_t *s = &st.spans[b.span0 + k];
            if (s->kind == SK_TEXT || s->kind == SK_RUBY) /* source bytes; the others' are in st.lit */
                REQUIRE((size_t)s->off + s->len <= n);
            else
                REQUIRE((size_t)s->off + s->len <= st.litlen);
        }
        fwd[nb++] = b;
    }
    if (nb && nb < MAXB) {
        size_t k = nb - 1;
        REQUIRE(st_at(&st, fwd[k].start, &c, &b));
        REQUIRE(b.start == fwd[k].start && b.end == fwd[k].end);
        while (k > 0 && st_prev(&st, &c, &b)) {
            k--;
            REQUIRE(b.start == fwd[k].start && b.end == fwd[k].end && b.kind == fwd[k].kind);
        }
        REQUIRE(k == 0);
        /* st_at: the block holding an offset (or the next one) */
        for (size_t i = 0; i < nb; i += 1 + nb / 16) {
            size_t off = fwd[i].start + (fwd[i].end - fwd[i].start) / 2;
            REQUIRE(st_at(&st, off, &c, &b));
            REQUIRE(b.start <= off || b.start == fwd[i].start);
        }
    }
    for (size_t i = 0; i < st.npieces; i++) {
        const norm_piece_t *p = &st.pieces[i];
        REQUIRE(!i || p->src >= st.pieces[i - 1].src + st.pieces[i - 1].n);
        REQUIRE((p->p == text + p->src && p->src + p->n <= n) ||
                (p->p >= st.lit && p->p + p->n <= st.lit + st.litlen && p->src < n));
    }
    buf_t t = {0};
    REQUIRE(st_title(&st, &t) == st.has_title && t.p && strlen(t.p) <= t.n);
    buf_free(&t);
    frontmatter_t fm;
    if (fm_parse(text, n, &fm))
        fm_free(&fm);
    st_free(&st);
    free(text);
    return 0;
}
