/* norm: the folding table of the search issue, and the map back: a query
 * folded like the text is found in it, and the match maps back to exactly
 * the original bytes. */
#include "norm.h"
#include "chars.h"
#include "t.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static char *fold(const char *s, int flags)
{
    norm_t N;
    norm_init(&N, flags);
    norm_add(&N, s, strlen(s), 0);
    char *r = xstrdup(N.out.p);
    norm_free(&N);
    return r;
}

/* `orig` inside a sentence is found by `query`; the match is orig's bytes */
static void finds(const char *orig, const char *query, int flags)
{
    buf_t doc = {0};
    buf_adds(&doc, "前文，");
    size_t at = doc.n;
    buf_adds(&doc, orig);
    size_t end = doc.n;
    buf_adds(&doc, "，后文。");
    norm_t N, Q;
    norm_init(&N, flags);
    norm_init(&Q, flags);
    norm_add(&N, doc.p, doc.n, 1000);
    norm_add(&Q, query, strlen(query), 0);
    const char *m = memmem(N.out.p, N.out.n, Q.out.p, Q.out.n);
    CHECK_MSG(m != NULL, "[%s] finds [%s] (folded [%s] in [%s])", query, orig, Q.out.p, N.out.p);
    if (m) {
        size_t a = (size_t)(m - N.out.p), b = a + Q.out.n;
        CHECK_MSG(norm_src(&N, a) == 1000 + at && norm_src(&N, b) == 1000 + end,
                  "[%s]: highlight %zu-%zu, want %zu-%zu", orig, norm_src(&N, a) - 1000,
                  norm_src(&N, b) - 1000, at, end);
        CHECK(norm_fold(&N, 1000 + at) == a && norm_fold(&N, 1000 + end) == b);
    }
    norm_free(&N);
    norm_free(&Q);
    buf_free(&doc);
}

/* Clusters longer than the first window norm_add reads breaks in (32
 * bytes): a base and many marks, a run of jamo. The window cut a
 * character short, and its bytes read as a cluster of their own (a
 * review found it). */
static void long_clusters(void)
{
    static const char *const base[] = {"a", "ｶ", "\xE1\x84\x80", "創"};
    static const char *const mark[] = {"\xCC\x81", "\xEF\xBE\x9E", "\xE3\x82\x99",
                                       "\xE1\x84\x80"};
    int bad = 0;
    size_t first = 0;
    for (size_t b = 0; b < sizeof base / sizeof *base; b++)
        for (size_t m = 0; m < sizeof mark / sizeof *mark; m++)
            for (int k = 1; k <= 60; k++) {
                buf_t s = {0};
                buf_adds(&s, base[b]);
                for (int i = 0; i < k; i++)
                    buf_adds(&s, mark[m]);
                buf_adds(&s, "z");
                if (!norm_same_as_ref(s.p, s.n, 7, NORM_TCSC) && !bad++)
                    first = s.n - 1;
                buf_free(&s);
            }
    CHECK_MSG(bad == 0, "long clusters: %d differ from the reference folding (the first: %zu bytes)",
              bad, first);
}

/* norm_add's fast path (per-character table between characters that
 * always stand alone) against norm_add_ref (libunistring's breaks, one
 * cluster at a time): the same folded text and the same map, for random
 * strings of the characters that make clusters and foldings hard. */
static void differential(void)
{
    static const char *pool[] = {
        "a", "Z", " ", "\n", "\r", "\r\n", "\t", "e\xCC\x81", "\xCC\x81", "\xCC\x88",
        "創", "新", "书", "書", "，", "：", "。", "ＡＢ", "①", "ｶ", "ﾞ", "ガ", "カ", "\xE3\x82\x99",
        "ß", "ﬁ", "Ǆ", "Ⅻ", "\xEF\xB7\xBA" /* U+FDFA */, "\xF0\x9F\x91\x8D" /* 👍 */,
        "\xE2\x80\x8D" /* ZWJ */, "\xF0\x9F\x87\xA8" /* RI C */, "\xF0\x9F\x87\xB3" /* RI N */,
        "\xEA\xB0\x80" /* 가 */, "\xE1\x84\x80" /* jamo L */, "\xE1\x85\xA1" /* jamo V */,
        "\xE1\x86\xA8" /* jamo T */, "\xD8\x80" /* U+0600 prepend */, "\xE0\xA4\x95" /* क */,
        "\xE0\xA5\x8D" /* virama */, "\xE0\xA4\xBF" /* ि */, "\xFF", "\xE5\x89", "\x00",
        "\xF0\xA0\x80\x80" /* U+20000 */, "\xEF\xBC\xA1", "\xE2\x80\xAE" /* RLO */, "İ",
    };
    size_t np = sizeof pool / sizeof *pool;
    unsigned seed = 12345;
    int bad = 0;
    for (int round = 0; round < 4000 && bad < 5; round++) {
        buf_t s = {0};
        int len = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 24;
        for (int k = 0; k < len; k++)
            buf_adds(&s, pool[((seed = seed * 1103515245u + 12345u) >> 16) % np]);
        if (!s.p)
            continue;
        for (int fl = 0; fl <= NORM_TCSC; fl += NORM_TCSC) {
            int same = norm_same_as_ref(s.p, s.n, 7, fl);
            if (!same)
                bad++;
            CHECK_MSG(same, "fast and reference folding differ on a %zu-byte string (round %d)", s.n,
                      round);
        }
        buf_free(&s);
    }
    CHECK_MSG(bad == 0, "differential: %d strings differ", bad);
}

/* c among norm_preimages(x)? */
static int has_preimage(uint32_t x, uint32_t c)
{
    size_t n;
    const uint32_t *v = norm_preimages(x, &n);
    for (size_t i = 0; i < n; i++)
        if (v[i] == c)
            return 1;
    return 0;
}

typedef struct {
    size_t missing, checked;
} pre_t;

static void check_pair(void *arg, uint32_t x, uint32_t c)
{
    pre_t *P = arg;
    P->checked++;
    if (!has_preimage(x, c) && P->missing++ < 5)
        fprintf(stderr, "U+%04X folds to U+%04X: not in its pre-images\n", c, x);
}

/* The generated table of pre-images (src/preimage.inc) against the fold
 * as it runs (norm_preimage_pairs). Fails when utf8proc or OpenCC changed
 * under the table: `make preimage`. */
static void preimages(void)
{
    pre_t P = {0};
    if (!getenv("JUAN_TEST_QUICK")) { /* (under valgrind: the spot checks) */
        norm_preimage_pairs(check_pair, &P);
        CHECK_MSG(P.missing == 0, "%zu of %zu pre-images missing: make preimage", P.missing,
                  P.checked);
        CHECK(P.checked > 10000);
    }
    CHECK(has_preimage(0x5B9D, 0x5BF6)); /* 宝: 寶 */
    CHECK(has_preimage('a', 0xFF21) && has_preimage('a', 0xE1)); /* a: Ａ, á */
    CHECK(has_preimage(0x5E73, 0x337B)); /* 平: ㍻ */
}

/* src/t2s.inc is OpenCC's t2s of each Han character alone: every Han
 * character folds (NORM_TCSC, after NFKC) as OpenCC converts it. Fails
 * when OpenCC's tables changed under it: `make preimage`. */
static void t2s_table(void)
{
    if (norm_t2s_opencc(0x5BF6) == 0x5BF6) { /* 寶 */
        printf("test_norm: OpenCC not found: src/t2s.inc not checked\n");
        return;
    }
    unsigned step = getenv("JUAN_TEST_QUICK") ? 61 : 1, bad = 0, checked = 0, changed = 0;
    for (uint32_t c = 0x3400; c <= 0x10FFFF; c += step) {
        if (!ch_is(c, CH_HAN))
            continue;
        char u[8];
        int k = (int)utf8proc_encode_char((utf8proc_int32_t)c, (uint8_t *)u);
        u[k] = 0;
        char *nf = fold(u, 0); /* (NFKC: a compatibility ideograph's unified one) */
        uint32_t d;
        if (text_decode(nf, strlen(nf), &d) != (int)strlen(nf)) {
            free(nf);
            continue;
        }
        uint32_t w = norm_t2s_opencc(d), g;
        char *f = fold(u, NORM_TCSC);
        checked++;
        changed += w != d;
        if ((text_decode(f, strlen(f), &g) != (int)strlen(f) || g != w) && bad++ < 5)
            fprintf(stderr, "U+%04X: folded to [%s], OpenCC alone U+%04X\n", c, f, w);
        free(f);
        free(nf);
    }
    CHECK_MSG(bad == 0, "%u of %u Han characters fold unlike OpenCC alone", bad, checked);
    CHECK(checked > (step > 1 ? 1000u : 80000u) && changed > (step > 1 ? 30u : 3000u));
}

int main(void)
{
    text_init_locale();
    t2s_table();
    preimages();
    struct { const char *a, *b; } table[] = {
        {"ＡＢＣ", "abc"}, {"ABC", "abc"}, {"創新", "创新"}, {"梁文鋒", "梁文锋"},
        {"①", "1"}, {"ｶﾞ", "ガ"}, {"ß", "ss"}, {"Ǆ", "dž"}, {"ＤｅｅｐＳｅｅｋ", "deepseek"},
        {"DeepSeek", "deepseek"}, {"ﬁ", "fi"}, {"Ⅻ", "xii"},
    };
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        char *f = fold(table[i].a, NORM_TCSC);
        CHECK_MSG(!strcmp(f, table[i].b), "fold(%s) = [%s], want [%s]", table[i].a, f, table[i].b);
        free(f);
        finds(table[i].a, table[i].b, NORM_TCSC);
        finds(table[i].a, table[i].a, NORM_TCSC); /* and by itself */
    }
    /* marks are never stripped */
    char *ga = fold("ガ", NORM_TCSC), *ka = fold("カ", NORM_TCSC);
    CHECK(strcmp(ga, ka) != 0);
    free(ga);
    free(ka);
    /* without NORM_TCSC: width and case folded, traditional kept */
    char *t = fold("創新ＡＢ", 0);
    CHECK_STR(t, "創新ab");
    free(t);
    /* both forms of one text fold to the same */
    char *x = fold("這是一個關於創新的問題", NORM_TCSC), *y = fold("这是一个关于创新的问题", NORM_TCSC);
    CHECK_STR(x, y);
    free(x);
    free(y);
    /* invalid bytes: U+FFFD, and the map stays monotonic */
    norm_t N;
    norm_init(&N, NORM_TCSC);
    norm_add(&N, "a\xff\xfe" "b", 4, 0);
    CHECK_STR(N.out.p, "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
    int mono = 1;
    for (size_t i = 1; i <= N.out.n; i++)
        mono &= norm_src(&N, i) >= norm_src(&N, i - 1);
    CHECK(mono && norm_src(&N, N.out.n) == 4);
    norm_free(&N);
    /* ranges added apart (a search's candidate lines): an offset between
     * them is the next one's first folded byte, and that byte its start;
     * inside each, the map is the range's own */
    norm_init(&N, NORM_TCSC);
    const char *doc = "ＡＢ\n創新\nxyz\nｶﾞß\n"; /* lines 2 and 4 added */
    size_t l2 = strlen("ＡＢ\n"), l3 = l2 + strlen("創新\n"), l4 = l3 + strlen("xyz\n");
    norm_add(&N, doc + l2, l3 - l2, l2);
    norm_add(&N, doc + l4, strlen(doc) - l4, l4);
    CHECK_STR(N.out.p, "创新\nガss\n");
    size_t g = strlen("创新\n");
    CHECK(norm_fold(&N, 0) == 0 && norm_fold(&N, l2) == 0 && norm_fold(&N, l2 + 3) == 3);
    for (size_t off = l3; off <= l4; off++)
        CHECK_MSG(norm_fold(&N, off) == g, "offset %zu in the gap -> %zu", off, norm_fold(&N, off));
    CHECK(norm_src(&N, g) == l4 && norm_src(&N, g - 1) == l3 - 1);
    CHECK(norm_src(&N, g + 3) == l4 + strlen("ｶﾞ") && norm_fold(&N, l4 + strlen("ｶﾞ")) == g + 3);
    CHECK(norm_src(&N, N.out.n) == strlen(doc) && norm_fold(&N, strlen(doc)) == N.out.n);
    norm_free(&N);
    differential();
    long_clusters();
    return T_DONE("test_norm");
}
