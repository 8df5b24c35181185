/* Search: folding and queries. The fast folding equals the plain one (the
 * oracle) byte for byte and map for map; any query compiles or is
 * refused with a message; every match is an in-bounds range, found in
 * order forwards, and for a plain query the matches are the oracle's
 * (the whole text folded the plain way, memmem, mapped back), backwards
 * too; search_count, where it counts, counts them. Matches do not overlap (leftmost-longest, like grep -o): forwards
 * they are the oracle's hits taken greedily; backwards every match is a
 * hit, and a hit that overlaps no other is found both ways. Byte 0: flags; then the query up to the first NUL (at most 64
 * bytes); the rest is the text. */
#include "norm.h"
#include "search.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)
#define MAXM 256

/* The folded hit at ax[j] (of na, sorted, each fl long) overlaps no
 * other folded hit, those starting in the same cluster included. */
static int alone(const size_t *ax, size_t na, size_t fl, size_t j)
{
    return (j == 0 || ax[j - 1] + fl <= ax[j]) && (j + 1 == na || ax[j] + fl <= ax[j + 1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int flags = data[0] & (SEARCH_NO_TCSC | SEARCH_EXACT | SEARCH_REGEX | SEARCH_SOFTBR);
    const char *q = (const char *)data + 1;
    size_t rest = size - 1, qn = 0;
    while (qn < rest && qn < 64 && q[qn])
        qn++;
    const char *text = q + qn + (qn < rest);
    size_t n = rest - qn - (qn < rest);

    REQUIRE(norm_same_as_ref(text, n, 0, (flags & SEARCH_NO_TCSC) ? 0 : NORM_TCSC));
    REQUIRE(norm_same_as_ref(q, qn, 0, NORM_TCSC));

    query_t Q;
    char err[256];
    memset(&Q, 0, sizeof Q);
    if (query_set(&Q, q, qn, flags, err, sizeof err) < 0) {
        REQUIRE(err[0]);
        query_free(&Q);
        return 0;
    }
    search_t S;
    search_init(&S, text, n);
    match_t got[MAXM], m;
    size_t ng = 0, from = 0;
    while (ng < MAXM && from <= n && search_find(&S, &Q, from, 1, &m)) {
        REQUIRE(m.a <= m.b && m.b <= n && m.a >= from);
        REQUIRE(!ng || m.a > got[ng - 1].a);
        REQUIRE(!ng || m.a >= got[ng - 1].b);
        got[ng++] = m;
        from = m.b > m.a ? m.b : m.a + 1;
    }
    /* the literal prefilter never rules out a text that has a match (in
     * UTF-8, and as bytes still to be guessed) */
    REQUIRE(!ng || query_may_match(&Q, text, n));
    REQUIRE(!ng || query_may_match_bytes(&Q, (const unsigned char *)text, n));
    /* grep -c's count, where it counts at once, is the matches stepped */
    if (ng < MAXM) {
        long nc = search_count(&S, &Q);
        REQUIRE(nc < 0 || (size_t)nc == ng);
    }
    int plain = !(flags & (SEARCH_EXACT | SEARCH_REGEX | SEARCH_SOFTBR));
    if (plain && ng < MAXM) {
        norm_t N, F;
        norm_init(&N, (flags & SEARCH_NO_TCSC) ? 0 : NORM_TCSC);
        norm_init(&F, N.flags);
        norm_add_ref(&N, text, n, 0);
        norm_add_ref(&F, q, qn, 0);
        match_t hit[MAXM + 1];
        /* ax: every folded hit; fx: the one a hit stands for, in ax */
        size_t ax[4 * MAXM], fx[MAXM + 1], na = 0, nh = 0, fl = F.out.n;
        for (const char *p = N.out.p; nh <= MAXM && na < 4 * MAXM && F.out.n && N.out.n >= F.out.n &&
                                      (p = memmem(p, N.out.n - (size_t)(p - N.out.p), F.out.p, F.out.n));
             p++) {
            size_t x = (size_t)(p - N.out.p);
            ax[na++] = x;
            match_t w = {norm_src(&N, x), norm_src(&N, x + F.out.n)};
            if (w.b <= w.a)
                w.b = norm_src(&N, norm_fold(&N, w.a + 1));
            if (nh && hit[nh - 1].a == w.a)
                continue; /* two folded starts in one cluster: one match */
            fx[nh] = na - 1;
            hit[nh++] = w;
        }
        if (nh <= MAXM && na < 4 * MAXM) {
            /* forwards: the hits taken greedily, none overlapping */
            size_t nw = 0, end = 0;
            for (size_t i = 0; i < nh; i++) {
                if (nw && hit[i].a < end)
                    continue;
                REQUIRE(nw < ng && got[nw].a == hit[i].a && got[nw].b == hit[i].b);
                end = hit[i].b;
                nw++;
            }
            REQUIRE(nw == ng);
            /* backwards: hits, in order; the isolated ones all found */
            size_t at = n, h = nh;
            while (search_find(&S, &Q, at, -1, &m)) {
                REQUIRE(m.a < at);
                while (h > 0 && hit[h - 1].a > m.a) {
                    size_t i = h - 1;
                    REQUIRE(!alone(ax, na, fl, fx[i])); /* an isolated hit skipped */
                    h--;
                }
                REQUIRE(h > 0 && hit[h - 1].a == m.a); /* (its end may differ in invalid UTF-8) */
                h--;
                at = m.a;
            }
            for (size_t i = 0; i < h; i++) /* the hits before the last found */
                REQUIRE(!alone(ax, na, fl, fx[i]));
        }
        norm_free(&N);
        norm_free(&F);
    }
    search_free(&S);
    query_free(&Q);
    return 0;
}
