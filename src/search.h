/* search: find a query in a document's text.
 *
 * Contract: matches are byte ranges [a, b) of the document's UTF-8 text,
 * so the reader highlights them exactly, also when a match is split
 * across a line wrap. Matching is exact (byte for byte) for now; the
 * search issue makes it normalised (width, case, traditional/simplified)
 * behind the same interface. No curses, no output. */
#ifndef JUAN_SEARCH_H
#define JUAN_SEARCH_H
#include <stddef.h>

typedef struct {
    size_t a, b;
} match_t;

/* The first match starting at or after `from` (dir > 0), or the last one
 * starting before `from` (dir < 0). Returns 1 and sets *m, or 0. */
int search_find(const char *text, size_t len, const char *q, size_t qn,
                size_t from, int dir, match_t *m);
/* Every match that overlaps text[lo..hi), in order, into *v (grown as
 * needed, *cap elements); returns how many. */
size_t search_range(const char *text, size_t len, const char *q, size_t qn,
                    size_t lo, size_t hi, match_t **v, size_t *cap);

#endif
