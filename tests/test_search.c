/* search: exact matches as document byte ranges, forwards and backwards,
 * and every match overlapping a range (a match across a wrap included). */
#include "search.h"
#include "t.h"
#include "util.h"

int main(void)
{
    const char *t = "创新，再创新。创创新";
    size_t n = strlen(t), q = strlen("创新");
    match_t m;
    CHECK(search_find(t, n, "创新", q, 0, 1, &m) && m.a == 0 && m.b == 6);
    CHECK(search_find(t, n, "创新", q, 1, 1, &m) && m.a == 12);
    CHECK(search_find(t, n, "创新", q, 13, 1, &m) && m.a == 24);
    CHECK(!search_find(t, n, "创新", q, 25, 1, &m));
    CHECK(search_find(t, n, "创新", q, n, -1, &m) && m.a == 24);
    CHECK(search_find(t, n, "创新", q, 24, -1, &m) && m.a == 12);
    CHECK(search_find(t, n, "创新", q, 12, -1, &m) && m.a == 0);
    CHECK(!search_find(t, n, "创新", q, 0, -1, &m));
    CHECK(!search_find(t, n, "", 0, 0, 1, &m));
    CHECK(!search_find(t, n, "创新了", strlen("创新了"), 0, 1, &m));
    CHECK(!search_find("ab", 2, "abc", 3, 0, -1, &m));
    /* overlapping [lo, hi): a match starting before lo counts */
    match_t *v = NULL;
    size_t cap = 0;
    CHECK(search_range(t, n, "创新", q, 3, 13, &v, &cap) == 2 && v[0].a == 0 && v[1].a == 12);
    CHECK(search_range(t, n, "创新", q, 0, n, &v, &cap) == 3);
    CHECK(search_range(t, n, "创新", q, 6, 12, &v, &cap) == 0);
    CHECK(search_range("aaaa", 4, "aa", 2, 0, 4, &v, &cap) == 3);
    free(v);
    return T_DONE("test_search");
}
