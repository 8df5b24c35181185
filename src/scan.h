/* scan: the paragraph-event scanner shared by the plain-text and the
 * Markdown front ends of the structure module (internal to structure.c
 * and markdown.c).
 *
 * Contract: a front end calls classify() on each paragraph it finds (with
 * its source range, line and character count) and then feed(); the
 * structure module resolves titles, speakers and levels from the sparse
 * events that feed() keeps. Helpers count characters and lines. */
#ifndef JUAN_SCAN_H
#define JUAN_SCAN_H
#include "structure.h"
#include <stddef.h>

/* One paragraph as the scanner sees it. */
typedef struct {
    size_t start, end;   /* source range (content, blanks trimmed) */
    size_t line;         /* source line of start */
    int family;          /* HF_* of a single-line paragraph; 100 + Markdown
                            level for a Markdown heading; -1 rule */
    int candidate;       /* a speaker prefix */
    size_t name_off, name_len, prefix_len;
    size_t chars;        /* characters, blanks excluded */
    size_t prefix_chars; /* of which in the prefix */
    long block;          /* Markdown block index, -1 for plain text */
    int cont;            /* a piece of a long line after its first: never a
                            heading or a turn */
} item_t;

/* A sparse event: a heading candidate, a speaker candidate or a rule. */
typedef struct {
    item_t it;
    size_t chars_after;  /* characters of ordinary paragraphs after it,
                            up to the next event */
    int minor_prev;      /* minor candidate right after another one */
    int minor_next;      /* ... right before another one */
    int kind;            /* EV_* once resolved */
    int speaker;         /* candidate's, then the turn's speaker */
    int level;           /* a heading's level */
} event_t;

enum { EV_NONE, EV_HEADING, EV_TURN, EV_RULE, EV_PLAIN };

typedef struct {
    structure_t *st;
    event_t *ev;
    size_t nev, evcap;
    int last_was_minor;  /* previous non-blank paragraph a minor candidate */
    int seen_para;       /* any non-blank paragraph seen */
    int first_blank_after; /* first paragraph followed by a blank */
    item_t first;        /* the first paragraph (title candidate) */
} scan_t;


void classify(scan_t *sc, item_t *it);
void feed(scan_t *sc, item_t *it);
/* Characters of s[0..n), blanks (SP, TAB, U+3000) left out. */
size_t count_chars(const char *s, size_t n);
/* Characters of a speaker prefix as shown ("**NAME**：" shows no stars). */
size_t prefix_chars(const char *s, size_t n);
/* Line ends (LF, CRLF, lone CR) in t[s..e). */
size_t count_lines(const char *t, size_t s, size_t e);
/* The Markdown front end: md4c over the text (after front matter). */
void md_scan(scan_t *sc);

#endif
