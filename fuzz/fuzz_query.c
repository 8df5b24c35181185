/* The reader's query language (nav_query_parse, nav_find): a query as
 * typed, "[@NAME] [#N|#TITLE] [re:]QUERY", over a document's structure,
 * is refused with a one-line, terminal-safe message, or gives a scope
 * inside the text (a speaker there is; a section that starts at a
 * heading of level > 0 and ends at the next heading of the same or a
 * higher level that starts after it, or at the end: never empty); then the matches nav_find steps through,
 * forwards from the top and going round once, are in bounds, in the
 * scope, and exactly the document's matches (search_find) that are in
 * it; backwards from the end it finds the last of them as search_find
 * steps backwards. A line skipped because a regex reached a PCRE2 limit
 * is reported (query_too_complex), by a regex, in the text. As the reader
 * does, an Aozora or HTML document is searched in the pieces it shows.
 * Byte 0: bits 0-2 the format (Markdown, plain text, by the name x.txt,
 * HTML, Aozora, by the name x.md), bit 3 SEARCH_NO_TCSC, bit 4
 * SEARCH_EXACT; then the query up to the first NUL (at most 128 bytes);
 * the rest is the text. */
#include "nav.h"
#include "search.h"
#include "structure.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)
#define MAXM 512

static match_t all[MAXM], got[MAXM];

/* One line, nothing a terminal would act on: no C0 or C1 control, no
 * DEL, valid UTF-8 is not required here (text_sanitize's business) but
 * the bytes C2 80..C2 9F (C1 in UTF-8) are out. */
static int safe(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7F)
            return 0;
        if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
            return 0;
    }
    return 1;
}

/* The scope, checked on its own: the section range, the speaker's turns. */
static int in_scope(const structure_t *st, const nav_query_t *Q, size_t off)
{
    if (Q->has_sec && (off < Q->sec_lo || off >= Q->sec_hi))
        return 0;
    if (Q->speaker < 0)
        return 1;
    st_cursor_t c;
    block_t b;
    return st_at(st, off, &c, &b) && b.speaker == Q->speaker && (b.flags & (BF_TURN | BF_CONT));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    static const int formats[8] = {FMT_MARKDOWN, FMT_TEXT, FMT_AUTO, FMT_HTML,
                                   FMT_AOZORA, FMT_AUTO, FMT_TEXT, FMT_MARKDOWN};
    static const char *names[8] = {"x.md", "x.txt", "x.txt", "x.html",
                                   "x.txt", "x.md", "x.txt", "x.md"};
    int fmt = data[0] & 7;
    int flags = (data[0] & 8 ? SEARCH_NO_TCSC : 0) | (data[0] & 16 ? SEARCH_EXACT : 0);
    const char *q = (const char *)data + 1;
    size_t rest = size - 1, qn = 0;
    while (qn < rest && qn < 128 && q[qn])
        qn++;
    size_t n = rest - qn - (qn < rest);
    char *text = xmalloc(n + 1);
    memcpy(text, q + qn + (qn < rest), n);
    text[n] = 0;

    structure_t st;
    st_build(&st, text, n, formats[fmt], names[fmt]);
    st_wait(&st);
    search_t S;
    search_init(&S, text, n);
    if (st.pieces)
        search_use_pieces(&S, st.pieces, st.npieces);

    nav_query_t Q;
    nav_query_init(&Q);
    char err[300];
    memset(err, 'x', sizeof err);
    int rc = nav_query_parse(&Q, &st, q, qn, flags, err, sizeof err);
    REQUIRE(rc == 0 || rc == -1);
    REQUIRE(memchr(err, 0, sizeof err));
    if (rc < 0) {
        REQUIRE(err[0] && safe(err));
        goto out;
    }
    REQUIRE(Q.speaker >= -1 && Q.speaker < (int)st.nspeakers);
    if (Q.has_sec) { /* a section: from its heading to the next of its level */
        REQUIRE(Q.sec_lo < Q.sec_hi && Q.sec_hi <= n);
        int fits = 0; /* (headings may share a start: HTML that is not UTF-8) */
        for (size_t h = 0; h < st.nheadings && !fits; h++) {
            if (st.headings[h].level == 0 || st.headings[h].start != Q.sec_lo)
                continue;
            size_t hi = n;
            for (size_t i = h + 1; i < st.nheadings; i++)
                if (st.headings[i].level > 0 && st.headings[i].level <= st.headings[h].level &&
                    st.headings[i].start > Q.sec_lo) {
                    hi = st.headings[i].start;
                    break;
                }
            fits = Q.sec_hi == hi;
        }
        REQUIRE(fits);
    }
    if (!Q.q.q) { /* @NAME alone */
        REQUIRE(Q.speaker >= 0);
        goto out;
    }
    /* every match of the document, those in the scope kept */
    size_t na = 0, nall = 0, from = 0;
    match_t m;
    while (nall < MAXM && from <= n && search_find(&S, &Q.q, from, 1, &m)) {
        REQUIRE(m.a <= m.b && m.b <= n && m.a >= from);
        nall++;
        if (in_scope(&st, &Q, m.a))
            all[na++] = m;
        from = m.b > m.a ? m.b : m.a + 1;
    }
    int complete = nall < MAXM;
    /* nav_find from the top, round once */
    size_t ng = 0;
    int wrapped = 0, ok = 1;
    from = 0;
    while (ng < MAXM && from <= n) {
        ok = nav_find(&S, &st, &Q, -1, from, 1, &m, &wrapped);
        if (!ok || wrapped)
            break;
        REQUIRE(m.a <= m.b && m.b <= n && m.a >= from);
        REQUIRE(in_scope(&st, &Q, m.a));
        REQUIRE(!ng || m.a >= got[ng - 1].b);
        got[ng++] = m;
        from = m.b > m.a ? m.b : m.a + 1;
    }
    if (complete && ng < MAXM) {
        REQUIRE(ng == na);
        for (size_t i = 0; i < ng; i++)
            REQUIRE(got[i].a == all[i].a && got[i].b == all[i].b);
        if (!ok) /* none at all */
            REQUIRE(!na);
        else if (wrapped) /* round to the first */
            REQUIRE(na && m.a == all[0].a && m.b == all[0].b);
    }
    /* backwards from the end: the last match before it in the scope, as
     * search_find steps backwards (which may differ from the forward
     * stepping in a text that is not UTF-8: fuzz_search's business) */
    from = n;
    size_t steps = 0;
    match_t want;
    int any = 0;
    while (steps++ < MAXM && search_find(&S, &Q.q, from, -1, &want)) {
        REQUIRE(want.a < from && want.b <= n);
        if (in_scope(&st, &Q, want.a)) {
            any = 1;
            break;
        }
        from = want.a;
    }
    if (steps <= MAXM) {
        ok = nav_find(&S, &st, &Q, -1, n, -1, &m, &wrapped);
        if (any)
            REQUIRE(ok && !wrapped && m.a == want.a && m.b == want.b);
        else /* none before the end: at most one at the very end, round it */
            REQUIRE(!ok || (wrapped && m.a == n));
    }
    /* limit errors: reported by a regex only, each line named in the text */
    size_t last = 0, total = query_too_complex_total(&Q.q, &last);
    if (total) {
        REQUIRE(Q.q.re != NULL && last <= n);
        size_t nl = 0;
        const size_t *at = query_too_complex(&Q.q, &nl);
        for (size_t i = 0; i < nl; i++)
            REQUIRE(at[i] <= n && (!i || at[i] > at[i - 1]));
    }
out:
    nav_query_free(&Q);
    search_free(&S);
    st_free(&st);
    free(text);
    return 0;
}
