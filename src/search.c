#include "search.h"
#include "util.h"

#include <string.h>

int search_find(const char *text, size_t len, const char *q, size_t qn,
                size_t from, int dir, match_t *m)
{
    if (qn == 0 || qn > len)
        return 0;
    if (dir > 0) {
        if (from > len - qn)
            return 0;
        const char *p = memmem(text + from, len - from, q, qn);
        if (!p)
            return 0;
        m->a = (size_t)(p - text);
        m->b = m->a + qn;
        return 1;
    }
    /* backwards: the last start before `from` */
    size_t i = from < len - qn + 1 ? from : len - qn + 1;
    while (i > 0) {
        const char *p = memrchr(text, q[0], i);
        if (!p)
            return 0;
        i = (size_t)(p - text);
        if (!memcmp(p, q, qn)) {
            m->a = i;
            m->b = i + qn;
            return 1;
        }
    }
    return 0;
}

size_t search_range(const char *text, size_t len, const char *q, size_t qn,
                    size_t lo, size_t hi, match_t **v, size_t *cap)
{
    size_t n = 0;
    if (qn == 0)
        return 0;
    size_t from = lo >= qn ? lo - qn + 1 : 0;
    match_t m;
    while (from < hi && search_find(text, len, q, qn, from, 1, &m) && m.a < hi) {
        grow(v, cap, n + 1, sizeof **v);
        (*v)[n++] = m;
        from = m.a + 1;
    }
    return n;
}
