/* st_int: the structure module's internals, shared by its files and
 * included by no other: structure.c (the public facade, the background
 * build and the cursors), st_scan.c (the paragraph-event scanner and its
 * resolution of titles and levels), st_talk.c (speaker labels, speakers
 * and turns: st_talk.h), st_plain.c (the plain-text front end),
 * markdown.c (the Markdown and HTML front ends), st_aozora.c (the Aozora
 * Bunko front end) and st_sect.c (which short lines and Markdown
 * paragraphs are sections: minor and loose subheads, numbered bold pairs,
 * block-quote dividers, lines that are never headings).
 *
 * Contract: a front end finds the paragraphs of the text and, for each,
 * calls stx_classify() (with its source range, line and character count)
 * and then stx_feed(); stx_resolve() then decides titles, speakers and
 * levels from the sparse events that stx_feed() kept, and fills in the
 * structure. Names: stx_ for functions and types, STX_ for constants. */
#ifndef JUAN_ST_INT_H
#define JUAN_ST_INT_H
#include "para.h"
#include "structure.h"
#include <stddef.h>
#include <stdint.h>

/* A structure's private state: everything that changes behind a const
 * structure_t (the background build, the provisional protocol) and what
 * only the structure's files read (the turn table). */
struct st_priv {
    struct st_job *job;  /* a background build still running (structure.c) */
    int soon;            /* st_show_soon() (atomic: the build thread reads it) */
    int provisional;     /* a provisional block was given (reader thread) */
    /* plain text: sorted offsets of turn starts and of the headings and
     * rules that end a turn; the turn's speaker (-1: an end) and its
     * hanging indent (block_t.hang) */
    size_t *turn_at;
    int32_t *turn_who;
    uint16_t *turn_hang;
    size_t nturns, tcap;
    size_t hcap;         /* of st->headings */
};

/* Paragraph families beyond HF_*: a thematic break, a Markdown heading
 * of level L is STX_MD_H + L, an Aozora 見出し is STX_AOZORA_H (its level
 * the front end's). */
enum { STX_RULE = -1, STX_QUOTE_H = 90, STX_MD_H = 100, STX_AOZORA_H = 200 };

/* One paragraph as the scanner sees it. */
typedef struct {
    size_t start, end;   /* source range (content, blanks trimmed) */
    size_t line;         /* source line of start */
    int family;          /* HF_* of a single-line paragraph; STX_MD_H +
                            level for a Markdown heading; STX_RULE */
    int candidate;       /* a speaker prefix */
    size_t name_off, name_len, prefix_len;
    size_t chars;        /* characters, blanks excluded */
    size_t prefix_chars; /* of which in the prefix */
    long block;          /* Markdown block index, -1 for plain text */
    int cont;            /* a piece of a long line after its first: never a
                            heading or a turn */
    int level;           /* > 0: a heading's level, as its front end says */
    size_t blank_before; /* plain text: blank lines before it */
    /* speakers (st_talk.c) */
    int form;            /* the candidate's label form (SPK_*) */
    int bare;            /* a heading that may be a label without a colon */
    int bold;            /* Markdown: the whole paragraph is bold */
    int stop;            /* ends a running turn (STX_STOP_*) */
    int quote, list;     /* Markdown: block-quote and list depth */
    int exit;            /* Markdown: shallower than the paragraph before */
    int bold_line;       /* Markdown: a wholly bold line read as a heading
                            candidate by its text (st_sect.c) */
} stx_item_t;

/* A sparse event: a heading candidate, a speaker candidate or a rule. */
typedef struct {
    stx_item_t it;
    size_t chars_after;  /* characters of ordinary paragraphs after it,
                            up to the next event */
    int minor_prev;      /* minor candidate right after another one */
    int minor_next;      /* ... right before another one */
    size_t prev_chars;   /* characters of the paragraph before it */
    size_t next_chars;   /* ... and of the one after it */
    int next_turn;       /* the paragraph after it is a speaker candidate */
    size_t blank_after;  /* plain text: blank lines after it */
    int kind;            /* STX_EV_* once resolved */
    int speaker;         /* candidate's, then the turn's speaker */
    int level;           /* a heading's level */
} stx_event_t;

enum { STX_EV_NONE, STX_EV_HEADING, STX_EV_TURN, STX_EV_RULE, STX_EV_PLAIN };

typedef struct {
    structure_t *st;
    const _Atomic int *stop; /* a background build: stop when set */
    stx_event_t *ev;
    size_t nev, evcap;
    int last_was_minor;  /* previous non-blank paragraph a minor candidate */
    int last_was_ev;     /* previous non-blank paragraph is ev[nev - 1] */
    int last_was_head;   /* ... was a heading candidate */
    size_t last_chars;   /* characters of the previous non-blank paragraph */
    size_t nparas;       /* non-blank paragraphs (pieces after the first
                            of a long line not counted) */
    size_t quoted;       /* of which start with a quotation mark */
    size_t gaps[4];      /* plain text: paragraphs of the body after 0,
                            1, 2, 3 or more blank lines (neither they nor
                            the paragraph before heading candidates) */
    int seen_para;       /* any non-blank paragraph seen */
    int first_blank_after; /* first paragraph followed by a blank */
    stx_item_t first;    /* the first paragraph (title candidate) */
    long title_ev;       /* resolution: the title's event, or -1 */
    int talk;            /* a speaker candidate seen (st_talk.c) */
} stx_scan_t;

/* ---- the scanner (st_scan.c) ---- */
void stx_classify(stx_scan_t *sc, stx_item_t *it);
void stx_feed(stx_scan_t *sc, stx_item_t *it);
/* Titles, speakers, turns, levels and headings from the events. */
void stx_resolve(stx_scan_t *sc);
/* The plain-text title rule: the first paragraph, followed by a blank
 * line, at most 40 cells, not ending a sentence, not a numbered heading. */
int stx_title_line(const char *t, size_t start, size_t end, int family,
                   int blank_after);
/* Characters of s[0..n) as text_decode() reads them (an invalid byte is
 * one), blanks (ch_blank: SP, TAB, U+3000) left out. */
size_t stx_count_chars(const char *s, size_t n);
/* Characters of a speaker prefix as shown ("**NAME**：" shows no stars). */
size_t stx_prefix_chars(const char *s, size_t n);
/* Line ends (LF, CRLF, lone CR) in t[s..e). */
size_t stx_count_lines(const char *t, size_t s, size_t e);

/* ---- sections (st_sect.c) ---- */
/* Is the family a minor or loose candidate (a short standalone line)? */
int stx_minorish(int family);
/* The kinds of the minor and loose candidates (resolve_kinds' part): a
 * minor line is a heading where several stand alone, and, in a text
 * whose chapters are numbered (第X回, 第X章, Chapter N), only where a
 * third of the chapters or more hold one (else they are verse titles and
 * letters within the story); a loose line (HF_LOOSE) where, besides,
 * each stands between longer paragraphs, and the text is not a dialogue
 * of quoted paragraphs. Two candidates in a row (a verse) are not
 * headings, unless a plain text sets both apart with more blank lines
 * than its paragraphs have; nor are wholly bold lines whose text comes
 * three times or more (a name set apart, a label). Loose headings become
 * HF_MINOR (one level). */
void stx_sect_minor(stx_scan_t *sc);

/* What the Markdown front end remembers between leaves. */
typedef struct {
    int num_pending;  /* the last paragraph was a bold number (**01.**) */
    size_t num_block; /* ... its block */
    int after_image;  /* the last paragraph was an image alone */
    int headings;     /* headings seen */
} stx_mdsect_t;
enum { STX_KEEP, STX_DROP, STX_JOIN };
/* The section role of a Markdown leaf b, before it is fed (it: its item,
 * family STX_MD_H + level for a heading; *never: the paragraph is never a
 * heading; image_only: b holds an image and nothing else).
 * - A first heading that repeats the front matter's title (blanks aside)
 *   is dropped (STX_DROP: the title block shows it).
 * - A heading that st_talk.c took for a speaker label is left to it.
 * - A bold name after a bold number is a numbered heading (HF_NUM2); when
 *   nothing came between them STX_JOIN: the front end joins the number's
 *   block to it. A bold paragraph of two lines, a number and a name, is
 *   one too.
 * - A block-quote line that is only a short parenthesised title
 *   ("> (第一部　…)") is a heading (STX_QUOTE_H) without its parentheses.
 * - A wholly bold line is classified by its text (a bold "01. 标题" is
 *   numbered, a bold short line a minor candidate).
 * - A link alone, an image's caption, are never headings. */
int stx_sect_md_leaf(stx_scan_t *sc, stx_mdsect_t *ms, block_t *b,
                     stx_item_t *it, int *never, int image_only);

/* ---- the front ends ---- */
/* Plain text (st_plain.c): para over the whole text. */
void stx_scan_plain(stx_scan_t *sc);
/* Markdown (markdown.c): md4c over the text after its front matter. */
void stx_scan_markdown(stx_scan_t *sc);
/* An HTML document (markdown.c, through html.c): blocks and spans as
 * Markdown's, its <title> the front matter's title, and the pieces search
 * reads (the text shown). */
void stx_scan_html(stx_scan_t *sc);
/* Aozora Bunko notation (st_aozora.c): every line, as blocks and spans. */
void stx_scan_aozora(stx_scan_t *sc);
/* The plain-text block of paragraph p, from the finished structure. */
void stx_plain_block(const structure_t *st, const para_t *p, block_t *b);
/* The plain-text block of paragraph p decided from p itself, as the
 * finished structure would (`first`: p is the text's first paragraph);
 * 0 when p needs the finished structure. */
int stx_local_block(const structure_t *st, const para_t *p, int first,
                    block_t *b);

#endif
