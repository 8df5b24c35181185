/* search: find a query in a document, folded or exact, plain or regex.
 *
 * Contract: matches are byte ranges [a, b) of the document's UTF-8 text,
 * so the reader highlights them exactly, also when a match is split
 * across a line wrap. By default text and query are folded alike (norm:
 * NFKC, case, width, traditional → simplified); SEARCH_NO_TCSC keeps
 * traditional and simplified apart, SEARCH_EXACT matches bytes as they
 * are. SEARCH_REGEX compiles the query with PCRE2 (UTF mode, on the
 * folded text); an invalid pattern is refused with PCRE2's message. A
 * regex runs within PCRE2 limits set here (SEARCH_*_LIMIT); a line where
 * it reaches one (catastrophic backtracking) is not "no match": it is
 * skipped, the search goes on past it (a line at a time up to the next
 * match), and query_too_complex tells where.
 * SEARCH_SOFTBR (Markdown, where a line break inside a paragraph is
 * joined when shown) lets a plain query match across one: between two of
 * its characters a line break (and the next line's indentation or quote
 * marks), and a space in it matches any run of white space.
 * Without an index the document is folded piece by piece from where the
 * search starts, on every core (for a literal, only a few characters
 * around each form of one of its characters, found in the raw bytes
 * first, as grep's and ripgrep's literal prefilter does), and nothing of
 * it is kept (each piece's
 * map holds offsets from its start, so that a text of any size, 2 GiB
 * and more, is searched folded, regex and all); with one
 * (sindex: made by search_prepare, or on a thread by
 * search_prepare_async) only the blocks whose filter admits the query are
 * read. A document whose text is not all shown (Aozora's ruby readings
 * and annotations) is searched in the pieces it shows (search_use_pieces),
 * folded whole at the first search and kept, without an index (such
 * documents are small: a long novel is a few MB, folded in milliseconds).
 * No curses, no output. */
#ifndef JUAN_SEARCH_H
#define JUAN_SEARCH_H
#include "norm.h"
#include <stddef.h>
#include <stdint.h>

enum { SEARCH_NO_TCSC = 1, SEARCH_EXACT = 2, SEARCH_REGEX = 4, SEARCH_SOFTBR = 8 };
enum { SEARCH_THREADS = 4 };
/* PCRE2's limits for a regex at one start of a search: steps of its
 * matcher (reached in about 0.06 s with the JIT, 0.25 s without), depth
 * of its backtracking, and its heap (KiB).
 * A line that reaches one is skipped (query_too_complex). */
enum {
    SEARCH_MATCH_LIMIT = 10000000,
    SEARCH_DEPTH_LIMIT = 1000000,
    SEARCH_HEAP_LIMIT = 262144
};

typedef struct {
    size_t a, b;
} match_t;

/* A document to search. */
typedef struct {
    const char *text;
    size_t len;
    char id[48];      /* the content identity, when an index may be used */
    /* private */
    void *ix[2];      /* sindex_t: [0] with t2s, [1] without */
    int tried[2];
    norm_t sc[SEARCH_THREADS]; /* pieces folded by a search, kept for the
                                  next: matches starting in [pa, pb) */
    size_t pa[SEARCH_THREADS], pb[SEARCH_THREADS];
    int pfl[SEARCH_THREADS];
    uint64_t pkey[SEARCH_THREADS]; /* 0, or the query whose lines only
                                      were folded */
    int nthreads;
    void *job;        /* an index made on a thread */
    int fd;           /* the file the text is, read with pread (faster than
                         faulting in a mapping), or -1 */
    size_t fd_off;
    char *rb[SEARCH_THREADS];
    size_t rbcap[SEARCH_THREADS];
    norm_t rf[2];     /* index blocks folded again for their exact map */
    size_t rfk[2];    /* which (block + 1), of which index */
    void *rfix[2];
    int rffl, rflast;
    const norm_piece_t *pieces; /* search_use_pieces */
    size_t npieces;
    norm_t whole[3];  /* the pieces folded: t2s, without, exact */
    int have_whole[3];
} search_t;

/* A query, folded and compiled. */
typedef struct {
    int flags;        /* SEARCH_* */
    char *q;          /* the query as matched (folded unless exact) */
    size_t qn;
    void *re, *md;    /* pcre2_code, pcre2_match_data */
    void *dfa;        /* a regex that may stop short of its longest match,
                         for PCRE2's DFA matcher */
    uint64_t grams[32]; /* for an index's filters (none for a regex) */
    size_t ngrams;
    void *mctx;       /* pcre2_match_context: the limits */
    void *cx;         /* lines skipped as too complex (query_too_complex) */
    void *probe;      /* the literal prefilter (query_may_match), or NULL */
    void *lprobe;     /* the same in every codec (query_may_match_bytes) */
    void *pair;       /* two of its characters side by side, or NULL */
} query_t;

void search_init(search_t *S, const char *text, size_t len);
/* The text is the bytes of the file at path from offset off on (a
 * document mapped as it is): searches read it rather than the mapping. */
void search_use_file(search_t *S, const char *path, size_t off);
/* Search the text as the n pieces v show it (in the document's order;
 * kept by the caller while S is used), not the text itself: no index is
 * read or made. */
void search_use_pieces(search_t *S, const norm_piece_t *v, size_t n);
/* Use the persistent index of identity id (sindex) when there is one. */
void search_use_index(search_t *S, const char *id);
/* Open the index for flags, making it first when there is none (--index,
 * --grep): returns SEARCH_INDEX_OPENED (a sound one was there),
 * SEARCH_INDEX_MADE, or 0 when searches go without one (SEARCH_EXACT, no
 * identity, or it could not be written). On a
 * thread, at a low priority (the reader, on opening: a search meanwhile
 * goes on without it; search_free stops it). */
enum { SEARCH_INDEX_OPENED = 1, SEARCH_INDEX_MADE = 2 };
int search_prepare(search_t *S, int flags);
void search_prepare_async(search_t *S, int flags);
/* The file of the index for flags (malloc'ed), or NULL (no identity, no
 * cache directory). */
char *search_index_path(const search_t *S, int flags);
void search_free(search_t *S);
/* Make the query (flags: SEARCH_*). Returns 0, or -1 with a message in
 * err (an invalid regex, an empty query). */
int query_set(query_t *Q, const char *q, size_t n, int flags, char *err,
              size_t errn);
void query_free(query_t *Q);
/* 0 when text[0..len) (a document's text, not pieces of it) cannot hold a
 * match of Q, found without folding it, as ripgrep's literal prefilter
 * does: a few of the folded query's characters, each of which every match
 * needs, looked for as they are and in their pre-images (norm_preimages:
 * 寶 for 宝), and two of them side by side (or with what may come between
 * them shown or folded: structure.h st_may_hide, a character that does
 * not fold alone); the exact query's bytes. 1 when it may, or when Q has
 * no such characters (a regex, white space, Hangul). */
int query_may_match(const query_t *Q, const char *text, size_t len);
/* The same for a file's bytes s[0..n) whose encoding is still to be
 * guessed: in no codec enc_guess may answer (enc_guessable) are they a
 * text that may hold a match (their forms of those characters looked for
 * first; where they are all there, the bytes converted and probed as
 * text), nor do they hold the exact query's bytes in UTF-8. (Not for bytes
 * that declare their charset: enc_declared.) */
int query_may_match_bytes(const query_t *Q, const unsigned char *s, size_t n);
/* For a file's bytes s[0..n) (in UTF-8 when utf8, else still to be
 * guessed) read as search reads a document, as shown when it is HTML or
 * Aozora notation: 0 when they cannot hold a match, neither as they are
 * (query_may_match, query_may_match_bytes) nor through what markup makes
 * when shown (structure.h: st_makers, st_may_make_any, looked for in the
 * text the bytes would be in each codec, as the query; the characters
 * st_shown_made are never probed for). */
int query_may_match_file(const query_t *Q, const unsigned char *s, size_t n, int utf8);
/* The lines the last search_find_within (search_find, ...) skipped because
 * the regex reached a PCRE2 limit there, before the match it returned (or
 * its bound): the document offsets of their starts, in order, *n of them
 * (valid until the next search with Q). query_too_complex_total: how many
 * lines searches with Q skipped, all told, since query_set, and (*last,
 * when any) the start of the one the latest search met first. */
const size_t *query_too_complex(const query_t *Q, size_t *n);
size_t query_too_complex_total(const query_t *Q, size_t *last);
/* The first match starting at or after document offset `from` (dir > 0),
 * or the last one starting before it (dir < 0). Returns 1 and sets *m.
 * Matches are leftmost-longest and do not overlap, as grep -o's: the
 * next one is looked for from the end of this one (m.b), and the last
 * before `from` is the last of those found stepping so.
 * search_find_within stops at `bound`: dir > 0, matches starting before
 * it; dir < 0, matches starting at or after it. */
int search_find(search_t *S, query_t *Q, size_t from, int dir, match_t *m);
int search_find_within(search_t *S, query_t *Q, size_t from, size_t bound, int dir,
                       match_t *m);
/* How many matches search_find finds stepping from the start of the text
 * (each from the end of the one before: grep -c), for a literal searched
 * without an index or pieces; -1 for any other search (step then). Where
 * the query and the text around a place are their own search forms
 * (most CJK text), its bytes are compared in place, nothing folded
 * (--grep --no-index -c 宝玉 over the 107 MB novel text: 0.042 s stepped,
 * 0.022 s so, as rg -c's 0.022 s). */
long search_count(search_t *S, query_t *Q);
/* Every match that overlaps text[lo..hi), in order and not overlapping
 * each other, into *v (grown as needed); returns how many. */
size_t search_range(search_t *S, query_t *Q, size_t lo, size_t hi,
                    match_t **v, size_t *cap);

#endif
