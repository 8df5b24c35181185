/* structure: a document's shape — title, front matter, headings with
 * levels, speaker turns — and its blocks, all as byte ranges of the text.
 *
 * Contract: st_build() reads the whole text once, in time linear in its
 * size. Plain text keeps only what is sparse (headings, turns, title);
 * each paragraph's block is worked out when asked for (st_first/st_next),
 * from para and heuristics. Markdown (md4c, CommonMark) is parsed whole
 * into blocks whose inline content is a list of spans (source ranges with
 * a style, or short synthetic strings). Heading levels: one per family per
 * document; a family first seen inside another (or a minor heading after
 * any other) is one level deeper. A speaker is a name that starts at least
 * two paragraphs (问/答/Q/A/记者/主持人 from their first use), or a name
 * labelled once in an established speaker's form; Markdown heading labels
 * (### NAME：) and bold questions are turns too (st_talk.h has the forms);
 * paragraphs without a prefix that follow a turn continue it until the
 * next turn, heading, thematic break, stop line (credits, link-only,
 * promotional) or the end of its block quote or list; a turn's block's
 * spans emphasise only its label. A block carries what rendering needs of the
 * rest of the document (a turn's hanging indent). The title has one owner:
 * st_title(). Aozora Bunko notation (st_is_aozora: found in the text) is
 * read into blocks and spans as Markdown is, a source line a paragraph as
 * in plain text: 見出し headings (levels by kind: 大 over 中 over 小), 字下げ
 * and 地付き, ruby readings as SK_RUBY spans, the header lines (title,
 * author) as the front matter's title block, the legend left out, the
 * colophon dimmed after a rule; `pieces` is its text as search reads it
 * (readings and annotations left out). HTML (st_is_html: FMT_HTML, an
 * .html/.htm/.xhtml file, or a text that starts like one) is read by
 * html.c into the same blocks and spans as Markdown (st->markdown is set
 * too): its <title> (else first <h1>) the front matter's title, h1..h6
 * headings, `pieces` its text as shown; so is the raw HTML of Markdown.
 * The module's files: structure.c (this facade), st_scan.c, st_talk.c
 * (speakers and turns), st_sect.c (sections), st_plain.c, markdown.c,
 * st_aozora.c; st_int.h and st_talk.h are theirs alone. No curses, no
 * output. */
#ifndef JUAN_STRUCTURE_H
#define JUAN_STRUCTURE_H
#include "frontmatter.h"
#include "norm.h"
#include "util.h"
#include <stddef.h>
#include <stdint.h>

enum { FMT_AUTO, FMT_TEXT, FMT_MARKDOWN, FMT_AOZORA, FMT_HTML };

enum {
    BK_PARA,    /* a paragraph (plain text: one source line) */
    BK_BLANK,   /* a run of blank lines (plain text only) */
    BK_HEADING, /* a heading (Markdown, or a detected CJK heading) */
    BK_TITLE,   /* the document title (outline root) */
    BK_META,    /* front matter: shown as a title block */
    BK_RULE,    /* thematic break */
    BK_CODE,    /* one line of a code block: verbatim, never wrapped */
    BK_VERBATIM /* one line of malformed front matter or raw HTML */
};

/* span styles */
enum {
    SP_EM = 1, SP_STRONG = 2, SP_CODE = 4, SP_LINK = 8, SP_SPEAKER = 16,
    SP_HEADING = 32, SP_DEL = 64,
    SP_NOTE = 128 /* set apart from the text (a colophon): drawn dim */
};
/* span kinds (SK_RUBY: a ruby reading, source bytes, shown or not as the
 * reader asks) */
enum { SK_TEXT, SK_SOFTBR, SK_HARDBR, SK_LITERAL, SK_RUBY };

typedef struct {
    uint32_t off, len; /* source bytes (SK_LITERAL: bytes in st->lit) */
    uint16_t style;    /* SP_* */
    uint8_t kind;      /* SK_* */
    uint32_t href;     /* SP_LINK: offset of the URL in the source */
    uint32_t hlen;
} span_t;

typedef struct {
    size_t start, end;  /* source bytes of the block */
    uint8_t kind;       /* BK_* */
    uint8_t level;      /* heading level, 1.. */
    uint8_t quote;      /* block-quote depth */
    uint8_t list;       /* list depth; the item's first block has LB_ITEM */
    uint8_t flags;      /* BF_* */
    uint8_t indent;     /* Aozora 字下げ: ideographic spaces (2 cells each)
                           before the first line; BF_RIGHT: kept free after
                           every line (地から N 字上げ) */
    uint8_t indent2;    /* ... before the other lines (折り返して) */
    uint16_t hang;      /* the hanging indent of the turn the block starts
                           or continues: the cells of its speaker prefix
                           as drawn (markup stars are not), from its
                           paragraph's start, leading blanks included;
                           0 outside turns */
    int32_t speaker;    /* speaker index, -1 if none */
    uint32_t prefix;    /* bytes of the speaker prefix at start (turn) */
    int32_t heading;    /* index in st->headings (BK_HEADING, BK_TITLE) */
    uint32_t span0, nspan; /* Markdown inline spans; nspan 0: the source
                              range start..end is the text */
    char mark[12];      /* list marker ("•", "3.") on an item's first block */
} block_t;

enum {
    BF_ITEM = 1,     /* first block of a list item */
    BF_TURN = 2,     /* starts a speaker turn */
    BF_CONT = 4,     /* continues a speaker turn */
    BF_TIGHT = 8,    /* no blank line before it (tight list, code line) */
    BF_RIGHT = 16,   /* lines flush right (Aozora 地付き) */
};

typedef struct {
    size_t start, end;  /* source bytes of the heading line */
    size_t tstart, tend; /* its title text */
    int level;          /* 0 for the document title */
    int family;         /* HF_* or 100 + Markdown level */
    size_t line;        /* 1-based source line */
    long block;         /* Markdown: its block (title text from spans) */
} heading_t;

typedef struct {
    size_t name_off, name_len; /* a source occurrence of the name */
    size_t turns, chars;       /* turns started; characters spoken */
    size_t first_line;         /* source line of the first turn */
    size_t *turn_offsets;      /* start of every turn */
    uint64_t hash;             /* hash64 of the name without its blanks
                                  (SP, TAB, U+3000): stable per name */
} speaker_t;

typedef struct {
    const char *text;
    size_t len;
    int markdown;
    int aozora;             /* Aozora Bunko notation */
    int html;               /* an HTML document (markdown is set too) */
    int runon;              /* plain text whose paragraphs are separated by
                               line breaks alone (st_runs_on) */
    frontmatter_t fm;       /* fm.end == 0: none (Aozora: the header's
                               title and authors) */
    int has_fm;
    size_t fm_bad_end;      /* malformed front matter: its bytes */
    heading_t *headings;    /* in document order; a title has level 0 */
    size_t nheadings;
    speaker_t *speakers;
    size_t nspeakers;
    size_t total_chars;     /* characters of the body, blanks excluded */
    /* Markdown */
    block_t *blocks;
    size_t nblocks;
    span_t *spans;
    size_t nspans;
    char *lit;              /* literal span text */
    size_t litlen;
    size_t title_start, title_end; /* plain text title line, if any */
    int has_title;
    norm_piece_t *pieces;   /* Aozora, HTML: the text as search reads it */
    size_t npieces;
    struct st_priv *priv;   /* private (the build, the provisional
                               protocol, the turn table) */
} structure_t;

/* Is the text Markdown (format, or for FMT_AUTO path's ending or leading
 * front matter)? */
int st_is_markdown(const char *text, size_t len, int format, const char *path);
/* Is the text Aozora Bunko notation (FMT_AOZORA, or for FMT_AUTO a text
 * that is not Markdown and holds the notation: az_detect)? */
int st_is_aozora(const char *text, size_t len, int format, const char *path);
/* Is the text an HTML document (FMT_HTML, or for FMT_AUTO a text that is
 * not Markdown and whose path ends .html, .htm or .xhtml or that starts
 * with "<!DOCTYPE html" or "<html")? */
int st_is_html(const char *text, size_t len, int format, const char *path);
/* What a document read as HTML or Aozora notation shows that its bytes
 * need not hold as such (search reads such a document as shown: its
 * pieces), for a prefilter that reads only the bytes:
 *  - st_makers(&v): what starts markup that may make any character when
 *    shown, in UTF-8: HTML's '&' of a character reference, Aozora's ※［＃
 *    of a gaiji (AZ_GAIJI_OPEN): their number, v pointed at them;
 *  - st_may_make_any(): 1 when UTF-8 text[0..n) holds one of them. 0:
 *    every character shown is in the text, or is one of
 *  - st_shown_made(c): the characters, as search folds them, that markup
 *    itself shows: an image's or illustration's "[图: alt — caption]"
 *    (html.h, aozora.h), the [ ] : 图 and — of it. */
size_t st_makers(const char *const **v);
/* 1 when what follows character c may not be what is shown or searched
 * next to it: markup (an HTML tag or reference; Aozora's ruby, annotation,
 * gaiji, accent notation) or a line break or white space, which shown
 * HTML and Markdown's soft line breaks pass over: a prefilter that tells
 * two characters apart in the bytes lets a text through there. */
int st_may_hide(uint32_t c);
int st_may_make_any(const char *text, size_t n);
int st_shown_made(uint32_t c);
/* Does the plain text run its paragraphs on, separated only by line
 * breaks? In its first 256 KiB: at least 4 lines, blank lines and
 * indented ones (SP, TAB, U+3000 first) each at most a tenth of the
 * others, and at least a quarter of the lines 40 characters or longer
 * (prose, not a list or verse). Then the reader and --dump indent every
 * paragraph (as --indent), the way a CJK e-book sets it. */
int st_runs_on(const char *text, size_t len);
/* Build the structure of text; format FMT_AUTO decides by `path`'s
 * ending (.md, .markdown) or leading front matter, then HTML (st_is_html),
 * then by the notation (st_is_aozora). */
void st_build(structure_t *st, const char *text, size_t len, int format,
              const char *path);
/* The same, building a plain text's structure on a thread: st_first and
 * st_next decide the paragraphs they can from the paragraph itself, and
 * wait for the build only at the first one they cannot (a speaker or
 * minor-heading candidate), so that the first screen of a large text does
 * not wait for the whole of it. Everything else must call st_wait first.
 * Blocks come out exactly as with st_build (except heading levels of
 * headings decided early, which are 1). */
void st_build_async(structure_t *st, const char *text, size_t len, int format,
                    const char *path);
void st_wait(const structure_t *st);
/* Is the structure complete (a background build finished)? Never waits. */
int st_ready(const structure_t *st);
/* From now on, while a background build runs, st_at and st_prev (and
 * st_next after them) give provisional blocks, each paragraph decided
 * from itself, instead of waiting for the build (the reader: a jump far
 * ahead shows the text before its structure is known). */
void st_show_soon(structure_t *st);
/* 1 (once) when the structure is complete and blocks given before it was
 * were provisional: the caller shows them again; else 0. Never waits. */
int st_take_provisional(structure_t *st);
/* The speaker named name[0..n) (as speakers are told apart: 暗涌: and
 * 暗涌： are one), or -1. Waits for a background build. */
int st_speaker_find(const structure_t *st, const char *name, size_t n);
/* The section holding byte off: the index of the last heading of level > 0
 * starting at or before it, or -1. Waits for a background build. */
long st_section_at(const structure_t *st, size_t off);
/* The visible text of heading h (Markdown: its spans, markup left out),
 * into b (cleared first; NUL-terminated). */
void st_heading_text(const structure_t *st, const heading_t *h, buf_t *b);
/* The document's title into b (cleared first; NUL-terminated): the front
 * matter's title, else the title heading's visible text, else "". Returns
 * whether there is a title (front matter's may be ""). Waits for a
 * background build. */
int st_title(const structure_t *st, buf_t *b);
/* The visible text of block bk (Markdown: its spans, markup left out;
 * plain text: its source, blanks trimmed), into b (cleared first;
 * NUL-terminated). */
void st_block_text(const structure_t *st, const block_t *bk, buf_t *b);
void st_free(structure_t *st);

/* Iterate blocks: an opaque cursor. */
typedef struct {
    size_t i;     /* Markdown: block index */
    size_t next;  /* plain text: offset of the next paragraph */
    size_t start; /* plain text: start of the current paragraph */
    int soon;     /* plain text: from a provisional st_at/st_prev */
} st_cursor_t;
int st_first(const structure_t *st, st_cursor_t *c, block_t *b);
int st_next(const structure_t *st, st_cursor_t *c, block_t *b);
/* The block before the cursor's (0 at the first), and the block that
 * holds byte off (0 if off >= len; in Markdown, the last block starting
 * at or before off). Both wait for a background build (unless
 * st_show_soon() was called: then the block is provisional). */
int st_prev(const structure_t *st, st_cursor_t *c, block_t *b);
int st_at(const structure_t *st, size_t off, st_cursor_t *c, block_t *b);

#endif
