/* search: find a query in a document, folded or exact, plain or regex.
 *
 * Contract: matches are byte ranges [a, b) of the document's UTF-8 text,
 * so the reader highlights them exactly, also when a match is split
 * across a line wrap. By default text and query are folded alike (norm:
 * NFKC, case, width, traditional → simplified), the folded document being
 * made once, on the first search, with a map back to the original bytes;
 * SEARCH_NO_TCSC keeps traditional and simplified apart, SEARCH_EXACT
 * matches bytes as they are. SEARCH_REGEX compiles the query with PCRE2
 * (UTF mode, on the folded text); an invalid pattern is refused with
 * PCRE2's message. No curses, no output. */
#ifndef JUAN_SEARCH_H
#define JUAN_SEARCH_H
#include "norm.h"
#include <stddef.h>

enum { SEARCH_NO_TCSC = 1, SEARCH_EXACT = 2, SEARCH_REGEX = 4 };

typedef struct {
    size_t a, b;
} match_t;

/* A document to search: its folded forms are made on first use and
 * shared by every query. */
typedef struct {
    const char *text;
    size_t len;
    char id[48];      /* the content identity, when an index may be used */
    int loaded;       /* folded forms read from an index (for tests) */
    int saved;        /* folded forms written to one */
    /* private */
    norm_t N[2];      /* the folded document: [0] with t2s, [1] without */
    int built[2];
    void *job;        /* a folding on a thread (search_prepare_async) */
} search_t;

/* A query, folded and compiled. */
typedef struct {
    int flags;        /* SEARCH_* */
    char *q;          /* the query as matched (folded unless exact) */
    size_t qn;
    void *re, *md;    /* pcre2_code, pcre2_match_data */
} query_t;

void search_init(search_t *S, const char *text, size_t len);
/* Keep the folded forms in the persistent index of identity id (sindex):
 * read from it when it is sound, else made and written to it. */
void search_use_index(search_t *S, const char *id);
/* Make the folded form for flags now (for --index), or on a thread (the
 * reader, on opening: a search waits for it only if it comes first). */
void search_prepare(search_t *S, int flags);
void search_prepare_async(search_t *S, int flags);
void search_free(search_t *S);
/* Make the query (flags: SEARCH_*). Returns 0, or -1 with a message in
 * err (an invalid regex, an empty query). */
int query_set(query_t *Q, const char *q, size_t n, int flags, char *err,
              size_t errn);
void query_free(query_t *Q);
/* The first match starting at or after document offset `from` (dir > 0),
 * or the last one starting before it (dir < 0). Returns 1 and sets *m. */
int search_find(search_t *S, query_t *Q, size_t from, int dir, match_t *m);
/* Every match that overlaps text[lo..hi), in order, into *v (grown as
 * needed); returns how many. */
size_t search_range(search_t *S, query_t *Q, size_t lo, size_t hi,
                    match_t **v, size_t *cap);

#endif
