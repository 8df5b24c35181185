/* norm: the folding table of the search issue, and the map back: a query
 * folded like the text is found in it, and the match maps back to exactly
 * the original bytes. */
#include "norm.h"
#include "t.h"
#include "text.h"

#include <string.h>

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

int main(void)
{
    text_init_locale();
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
    return T_DONE("test_norm");
}
