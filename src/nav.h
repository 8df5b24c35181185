/* nav: where the reader goes next — the query language of its search
 * prompt, and the next heading, turn or match from a place — over a
 * document's structure and search, without a screen.
 *
 * Contract: a query as typed is "[@NAME] [#N|#TITLE] [re:]QUERY": @NAME
 * keeps NAME's turns (a speaker as structure tells them apart; NAME is
 * folded as queries are, 梁文鋒 naming 梁文锋, and a prefix of one
 * speaker's name only names that speaker), #N the
 * N-th section (1-based, headings of level > 0) and #TITLE the first
 * section whose heading holds TITLE, each up to the next heading of the
 * same or a higher level that starts after it (never empty); re: makes
 * QUERY a regular expression (fuzz/fuzz_query.c checks the scopes and
 * that nav_find finds exactly the matches inside them). Places are
 * byte offsets; "from the top line" means after (dir > 0) or before the
 * line [s, e) at the top of the screen. No curses, no output: errors come
 * back as one-line messages, terminal-safe. */
#ifndef JUAN_NAV_H
#define JUAN_NAV_H
#include "search.h"
#include "structure.h"
#include <stddef.h>

typedef struct {
    char *raw;        /* the query after its scopes and prefixes */
    int speaker;      /* @NAME: only NAME's turns (-1: any) */
    int has_sec;      /* #N or #TITLE: only that section */
    size_t sec_lo, sec_hi;
    query_t q;        /* compiled; q.q NULL for @NAME alone */
} nav_query_t;

void nav_query_init(nav_query_t *Q);
void nav_query_free(nav_query_t *Q); /* (and ready for use again) */
/* Parse s[0..n) into Q (freed first), with search flags (SEARCH_*; a
 * Markdown document adds SEARCH_SOFTBR, re: SEARCH_REGEX). Returns 0, or
 * -1 with a message in err: no such speaker (or a prefix of several:
 * "@暗 is 2 speakers: 暗涌, 暗流"), no such section, an empty query, an
 * invalid regex. */
int nav_query_parse(nav_query_t *Q, const structure_t *st, const char *s, size_t n,
                    int flags, char *err, size_t en);
/* Is a match at off inside Q's scopes and, when only >= 0, inside speaker
 * only's turns (the reader's filter)? */
int nav_in_scope(const structure_t *st, const nav_query_t *Q, int only, size_t off);
/* The section #N or #TITLE (t[0..n) is N or TITLE): 0 and its range, or -1. */
int nav_section(const structure_t *st, const char *t, size_t n, size_t *lo, size_t *hi);

/* The index of the first of the sorted offsets v[0..n) after the top line
 * [s, e) (dir > 0), or of the last one before it; -1 when there is none. */
long nav_next_offset(const size_t *v, size_t n, size_t s, size_t e, int dir);
/* The next (dir > 0) or previous heading of level > 0 from the top line:
 * its index in st->headings, or -1. */
long nav_next_heading(const structure_t *st, size_t s, size_t e, int dir);
/* Every turn start of every speaker, sorted, into *v (malloc'ed); returns
 * how many. */
size_t nav_turns(const structure_t *st, size_t **v);
/* The first match of Q in scope (see nav_in_scope) starting after `from`
 * (dir > 0: at or after from; dir < 0: before it), going round the
 * document's end once: 1 and *m, with *wrapped set when it went round;
 * 0 when there is none. Q must have a query (Q->q.q). */
int nav_find(search_t *S, const structure_t *st, nav_query_t *Q, int only,
             size_t from, int dir, match_t *m, int *wrapped);

/* before + s[0..n) made terminal-safe + after, into out[0..on) (cut as
 * snprintf would): a message that quotes outside text (a name, a query). */
void nav_say(char *out, size_t on, const char *before, const char *s, size_t n,
             const char *after);

#endif
