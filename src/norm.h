/* norm: text folded for search, with a map back to the original bytes.
 *
 * Contract: norm_add() appends to N the search form of s[0..n), whose
 * first byte is document offset base, one grapheme cluster at a time:
 * NFKC with case folding (utf8proc: ＡＢＣ → abc, ① → 1, ｶﾞ → ガ,
 * ß → ss; marks are never stripped, so ガ stays ガ), then, with NORM_TCSC,
 * each character folded from traditional to simplified (OpenCC t2s, one
 * character at a time: 創新 → 创新). norm_src(N, i) is the document
 * offset of folded byte i (at a character boundary: the start of the
 * cluster it came from; at N->out.n: the end of the text), so a match
 * [a, b) of the folded text is the original range [src(a), src(b)).
 * norm_fold() goes the other way. The map is kept as segments: one per
 * cluster that changes length (ＡＢＣ, ß, ，) followed by the run of
 * clusters folded to the same length (most CJK text: t2s keeps 3 bytes),
 * so it costs little beside the folded text. Queries are folded the same way.
 * Invalid UTF-8 folds to U+FFFD. Thread-safe: the OpenCC converter and
 * the per-character caches are shared by every norm_t. No curses, no
 * output. */
#ifndef JUAN_NORM_H
#define JUAN_NORM_H
#include "util.h"
#include <stddef.h>
#include <stdint.h>

enum { NORM_TCSC = 1 };

typedef struct {
    uint32_t fold, src; /* the segment starts at folded byte fold = source
                           src (texts under 4 GiB: search folds no larger) */
    uint32_t flen;    /* a cluster of slen bytes folded to flen (0, 0:
                         none), then byte for byte to the next segment */
    uint32_t slen;
} nseg_t;

typedef struct {
    buf_t out;
    nseg_t *seg;
    size_t nseg, scap;
    int flags;
    /* private */
    char *gb;
    size_t gbcap;
} norm_t;

/* A piece of a document's text as search reads it: n bytes at p that
 * stand for the document's bytes from src on (p is the text at src, or
 * what is shown in place of a longer range there: an Aozora gaiji). */
typedef struct {
    const char *p;
    size_t n, src;
} norm_piece_t;

void norm_init(norm_t *N, int flags);
void norm_reset(norm_t *N); /* empty out and map, keep the caches */
void norm_add(norm_t *N, const char *s, size_t n, size_t base);
void norm_free(norm_t *N);
#ifdef JUAN_TEST
/* Tests and fuzzing: norm_add the plain way (libunistring's breaks over
 * the whole input, then one cluster at a time): the oracle that norm_add's
 * fast path, a table of per-character foldings used between characters
 * that always stand alone, is tested against. Safe to call from several
 * threads. */
void norm_add_ref(norm_t *N, const char *s, size_t n, size_t base);
/* Do norm_add and norm_add_ref of s[0..n) from offset base (flags
 * NORM_TCSC or 0) give the same folded text, the same map (norm_src at
 * every folded byte) and the same way back (norm_fold at every offset)? */
int norm_same_as_ref(const char *s, size_t n, size_t base, int flags);
/* Every pair (x, c) that norm_preimages(x) must list, from the fold as it
 * runs: for each code point c, the characters of its search form and of
 * its case-folded compatibility decomposition (not c itself, not a mark,
 * not a Hangul syllable's jamo), given to f in the order of c. The
 * generator of src/preimage.inc (gen/mkpreimage.c) and its test use it. */
void norm_preimage_pairs(void (*f)(void *arg, uint32_t x, uint32_t c), void *arg);
/* OpenCC's t2s of c alone (c when OpenCC is missing or gives anything but
 * one character): what src/t2s.inc holds for the fold, made of it. */
uint32_t norm_t2s_opencc(uint32_t c);
#endif
/* The code points other than x whose search form holds x (ａ, Ａ and Ａ
 * for a; 寶 for 宝; ㍻ for 平), or whose compatibility decomposition,
 * case-folded, does (á for a): *n of them, ascending, from a table
 * generated from this fold (src/preimage.inc, `make preimage`), which a
 * literal prefilter reads: a folded text holds x only where the text has x
 * or one of these (for x that no marks compose into, and no Hangul
 * syllable). */
const uint32_t *norm_preimages(uint32_t x, size_t *n);
/* When x folds alone (for flags NORM_TCSC or 0) -- its search form does
 * not depend on a neighbour that folds alone too, as between two such
 * characters there is always a cluster boundary -- and to something: the
 * first code point of its search form, *whole set when that is all of it;
 * else 0 (a mark, a Hangul jamo, a character that folds to nothing). */
uint32_t norm_alone(uint32_t x, int flags, int *whole);
/* The same asked cheaply, for a literal search's scan: NORM_SAME when x
 * folds alone to itself (a run of such characters is its own search form,
 * offset for offset), NORM_ALONE when it folds alone to something else,
 * 0 when it does not fold alone. */
enum { NORM_ALONE = 1, NORM_SAME = 2 };
int norm_kind(uint32_t x, int flags);
/* A grapheme-cluster boundary at or before byte off of s[0..n) (off
 * itself when it is one), where folding may start: after a line feed, or
 * between two characters that always stand alone. */
size_t norm_boundary(const char *s, size_t n, size_t off, int flags);
/* Folded byte i (0..out.n) -> document offset; document offset -> the
 * first folded byte at or after it (N may hold ranges of the document
 * added apart, norm_add's bases leaving gaps: an offset in a gap maps to
 * the next range's first folded byte, and that byte to that range's
 * start). */
size_t norm_src(const norm_t *N, size_t i);
size_t norm_fold(const norm_t *N, size_t off);

#endif
