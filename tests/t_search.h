/* t_search: helpers for tests that search a document as a structure shows
 * it (test_html.c, test_aozora.c). t_shown() starts S on the text t[0..n)
 * through the pieces of st; t_find() sets Q to q (flags), checking that it
 * compiles, and finds its first match from offset 0. */
#ifndef JUAN_T_SEARCH_H
#define JUAN_T_SEARCH_H
#include "search.h"
#include "structure.h"
#include "t.h"

#include <string.h>

static inline void t_shown(search_t *S, const char *t, size_t n, const structure_t *st)
{
    search_init(S, t, n);
    search_use_pieces(S, st->pieces, st->npieces);
}

static inline int t_find(search_t *S, query_t *Q, const char *q, int flags, match_t *m)
{
    char err[256];
    int rc = query_set(Q, q, strlen(q), flags, err, sizeof err);
    CHECK_MSG(rc == 0, "query [%s]: %s", q, err);
    return rc == 0 && search_find(S, Q, 0, 1, m);
}
#endif
