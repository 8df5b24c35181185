/* search: matches as document byte ranges, forwards and backwards, every
 * match overlapping a range; folded (創新 for 创新, ＤｅｅｐＳｅｅｋ for
 * deepseek), without t2s, exact, regex on the folded text, an invalid regex
 * refused with PCRE2's message. */
#include "search.h"
#include "t.h"
#include "text.h"
#include "util.h"

static search_t S;
static query_t Q;

static int set(const char *q, int flags)
{
    char err[256];
    return query_set(&Q, q, strlen(q), flags, err, sizeof err);
}

static int find(size_t from, int dir, size_t *a, size_t *b)
{
    match_t m;
    if (!search_find(&S, &Q, from, dir, &m))
        return 0;
    *a = m.a;
    *b = m.b;
    return 1;
}

int main(void)
{
    text_init_locale();
    const char *t = "创新，再创新。创创新";
    size_t n = strlen(t), a, b;
    search_init(&S, t, n);
    for (int flags = 0; flags <= SEARCH_EXACT; flags += SEARCH_EXACT) {
        CHECK(set("创新", flags) == 0);
        CHECK(find(0, 1, &a, &b) && a == 0 && b == 6);
        CHECK(find(1, 1, &a, &b) && a == 12);
        CHECK(find(13, 1, &a, &b) && a == 24);
        CHECK(!find(25, 1, &a, &b));
        CHECK(find(n, -1, &a, &b) && a == 24);
        CHECK(find(24, -1, &a, &b) && a == 12);
        CHECK(find(12, -1, &a, &b) && a == 0);
        CHECK(!find(0, -1, &a, &b));
        match_t *v = NULL;
        size_t cap = 0;
        CHECK(search_range(&S, &Q, 3, 13, &v, &cap) == 2 && v[0].a == 0 && v[1].a == 12);
        CHECK(search_range(&S, &Q, 0, n, &v, &cap) == 3);
        CHECK(search_range(&S, &Q, 6, 12, &v, &cap) == 0);
        free(v);
    }
    char err[256];
    CHECK(query_set(&Q, "", 0, 0, err, sizeof err) < 0);
    search_free(&S);

    /* folded: the match is the original bytes */
    const char *d = "他說：「創新不是口號。」DeepSeek 與 ＤｅｅｐＳｅｅｋ 都在。";
    search_init(&S, d, strlen(d));
    CHECK(set("创新", 0) == 0);
    CHECK(find(0, 1, &a, &b) && !strncmp(d + a, "創新", b - a) && b - a == strlen("創新"));
    CHECK(set("创新", SEARCH_NO_TCSC) == 0 && !find(0, 1, &a, &b));
    CHECK(set("創新", SEARCH_NO_TCSC) == 0 && find(0, 1, &a, &b));
    CHECK(set("创新", SEARCH_EXACT) == 0 && !find(0, 1, &a, &b));
    CHECK(set("deepseek", 0) == 0);
    CHECK(find(0, 1, &a, &b) && !strncmp(d + a, "DeepSeek", 8) && b - a == 8);
    CHECK(find(a + 1, 1, &a, &b) && !strncmp(d + a, "ＤｅｅｐＳｅｅｋ", b - a) &&
          b - a == strlen("ＤｅｅｐＳｅｅｋ"));
    match_t *v = NULL;
    size_t cap = 0;
    CHECK(search_range(&S, &Q, 0, strlen(d), &v, &cap) == 2);
    /* regex on the folded text */
    CHECK(set("de+p.eek", SEARCH_REGEX) == 0 && search_range(&S, &Q, 0, strlen(d), &v, &cap) == 2);
    CHECK(set("创[新意]", SEARCH_REGEX) == 0 && find(0, 1, &a, &b) && !strncmp(d + a, "創新", b - a));
    CHECK(set("口號|口号", SEARCH_REGEX) == 0 && find(0, 1, &a, &b));
    CHECK(find(strlen(d), -1, &a, &b) && !strncmp(d + a, "口號", b - a));
    CHECK(query_set(&Q, "a(b", 3, SEARCH_REGEX, err, sizeof err) < 0 &&
          strstr(err, "invalid regex: missing closing parenthesis"));
    CHECK(query_set(&Q, "[z-a]", 5, SEARCH_REGEX, err, sizeof err) < 0 && strstr(err, "invalid regex"));
    free(v);
    query_free(&Q);
    search_free(&S);
    return T_DONE("test_search");
}
