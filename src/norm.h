/* norm: text folded for search, with a map back to the original bytes.
 *
 * Contract: norm_add() appends to N the search form of s[0..n), whose
 * first byte is document offset base, one grapheme cluster at a time:
 * NFKC with case folding (utf8proc: ＡＢＣ → abc, ① → 1, ｶﾞ → ガ,
 * ß → ss; marks are never stripped, so ガ stays ガ), then, with NORM_TCSC,
 * each character folded from traditional to simplified (OpenCC t2s, one
 * character at a time: 創新 → 创新). N->map[i] is the document offset of
 * the cluster that byte i of N->out came from, and N->map[N->out.n] the
 * end of the last one, so a match [a, b) of the folded text is the
 * original range [map[a], map[b]). Queries are folded the same way.
 * Invalid UTF-8 folds to U+FFFD. No curses, no output. (Groundwork of the
 * search issue; the reader's search is still exact.) */
#ifndef JUAN_NORM_H
#define JUAN_NORM_H
#include "util.h"
#include <stddef.h>
#include <stdint.h>

enum { NORM_TCSC = 1 };

typedef struct {
    buf_t out;
    size_t *map;
    size_t mcap;
    int flags;
    /* private */
    void *cc;        /* OpenCC t2s, opened on first use */
    int cc_failed;
    uint32_t *t2s;   /* BMP cache: 0 unknown, else the folded character */
    char *gb;
    size_t gbcap;
} norm_t;

void norm_init(norm_t *N, int flags);
void norm_reset(norm_t *N); /* empty out and map, keep the caches */
void norm_add(norm_t *N, const char *s, size_t n, size_t base);
void norm_free(norm_t *N);

#endif
