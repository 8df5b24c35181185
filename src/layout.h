/* layout: break one paragraph into visual lines of at most `width` cells.
 *
 * Contract: layout_para() takes the byte range of one paragraph of a
 * document's UTF-8 text and yields visual lines, each a byte range of that
 * document, so positions never depend on the width. Breaks are UAX #14
 * opportunities (libunistring) tailored for CJK (clreq/JLREQ: no line
 * starts with closing punctuation or small kana, none ends with opening
 * punctuation, nor with ASCII , . ? ! : ; ) ] } % and ( [ { beside a wide
 * character; a quote “ ‘ ” ’ beside one breaks like 「 and 」; —— …… ⋯⋯ ―
 * ―, numbers, Latin words, URLs and fullwidth ＡＢＣ１２３ stay whole),
 * only at grapheme cluster boundaries, filled greedily. A run with no
 * legal break that is wider than the line is cut at the last cluster that
 * fits (an "emergency" break). No orphan: a paragraph's last line of one
 * character, alone or with punctuation (也。), takes the character before
 * it, at an earlier break opportunity of the line before (none there, or
 * the last line too wide: it stays). Hanging punctuation (opts.hang > 0):
 * where a full stop or comma 。，、． (and 」』”’） after it) would push the
 * character before it to the next line, it hangs past the width instead,
 * by at most opts.hang cells (vline_t.hung). No line is wider than `width`
 * + `hang`; blanks at a break hang (are not drawn). Leading blanks become
 * one indent. Never calls curses; allocates only when a paragraph is
 * larger than any seen before. */
#ifndef JUAN_LAYOUT_H
#define JUAN_LAYOUT_H
#include "text.h"
#include <stddef.h>
#include <stdint.h>

#define LAYOUT_MIN_WIDTH 10
#define LAYOUT_MAX_WIDTH 1000
#define LAYOUT_MAX_INDENT 8 /* ideographic spaces */

typedef struct {
    int width;  /* cells, LAYOUT_MIN_WIDTH..LAYOUT_MAX_WIDTH */
    int indent; /* indent of an indented paragraph, in ideographic-space
                   units (2 cells each), 0..LAYOUT_MAX_INDENT; 0 drops
                   indents */
    int lead1;  /* cells the caller draws before the first line (quote
                   bars, a bullet, ...), and before the others; the text */
    int lead2;  /* gets width - lead; the caller keeps that >= 10 */
    int flags;  /* LO_* */
    int ruby;   /* render (layout ignores it): RUBY_* */
    int hang;   /* cells, 0..LAYOUT_MAX_HANG, a line's closing 。，、． (and
                   」』”’） after it) may hang past the width (0: none) */
} layout_opts_t;

#define LAYOUT_MAX_HANG 2

/* How render shows a ruby reading (Aozora 漢字《かんじ》): not at all (the
 * base text alone), or in parentheses after its base: 漢字（かんじ）. */
enum { RUBY_HIDE, RUBY_PAREN };

enum {
    LO_VERBATIM = 1, /* keep leading blanks as they are (no indent) */
    LO_NOWRAP = 2,   /* one line; cut what does not fit (VL_CUT) */
    LO_INDENT = 4,   /* indent it as an indented paragraph (a text that
                        separates paragraphs by line breaks alone) */
};

enum {
    VL_FIRST = 1,     /* first line of its paragraph */
    VL_EMERGENCY = 2, /* ends with an emergency break */
    VL_BLANK = 4,     /* the line stands for a blank paragraph */
    VL_CUT = 8,       /* LO_NOWRAP: text was cut (draw a marker after) */
};

typedef struct {
    size_t start, end; /* document bytes covered; lines of a paragraph are
                          contiguous from its start to its end */
    uint32_t u0, u1;   /* units drawn: [u0, u1) (trailing blanks left out) */
    uint16_t cells;    /* width of the drawn units */
    uint16_t indent;   /* cells of indent before them */
    uint8_t flags;     /* VL_* */
    uint8_t hung;      /* cells of them past the width (hanging
                          punctuation), 0..opts.hang */
} vline_t;

typedef struct {
    units_t t;          /* units of the paragraph content */
    size_t base;        /* document offset of unit offset 0 */
    vline_t *v;         /* the visual lines */
    size_t nv, vcap;
    const char *indent_str; /* what to draw as indent on an indented line */
    size_t indent_len;
    char *lb;           /* scratch: libunistring break opportunities,
                           then the text with its CJK quotes as brackets */
    size_t lbcap;
} layout_t;

/* The rules that decide a break before a unit: UAX #14 (libunistring),
 * or one of juan's that changes its verdict. */
enum {
    LB_UAX14,     /* UAX #14 as libunistring gives it */
    LB_MANDATORY, /* after VT FF CR LF NEL U+2028 U+2029 (UAX #14: BK CR
                     LF NL), not before: the control ends its line */
    LB_CLUSTER,   /* inside a grapheme cluster: never */
    LB_QUOTE,     /* beside a quote broken as a CJK bracket: “ as 「, ” as 」 */
    LB_NO_START,  /* no line starts with the unit (CH_NO_START) */
    LB_MIDDOT,    /* nor with · (CH_MIDDOT) */
    LB_NO_END,    /* no line ends with the last non-blank unit (CH_NO_END) */
    LB_ASCII,     /* ASCII , . ? ! : ; ) ] } % (start) and ( [ { (end) beside
                     a wide unit (CH_ASCII_NO_START, CH_ASCII_NO_END) */
    LB_INSEP,     /* —— …… ⋯⋯ stay together (CH_INSEP) */
    LB_FW_ALNUM,  /* runs of ＡＢＣ１２３ stay whole (CH_FW_ALNUM) */
    LB_URL,       /* URLs stay whole */
    LB_RULES
};

/* Lay out text[start..end) (one paragraph, no line terminators). */
void layout_para(layout_t *L, const char *text, size_t start, size_t end,
                 const layout_opts_t *o);
/* After laying out a copy of the text (Markdown inline content put
 * together), map line ranges back: map[i] is the document offset of byte i
 * of the copy, map[n] that of its end. */
void layout_remap(layout_t *L, const size_t *map);
/* Display bytes of line i (without its indent). */
size_t layout_line_bytes(const layout_t *L, size_t i, const char **p);
void layout_free(layout_t *L);

#ifdef JUAN_TEST
/* The break opportunities of s[0..n) as layout_para() finds them, for the
 * conformance test: L->t holds the units, U_BREAK and U_MANDATORY set, and
 * why[i] (room for n + 1) the LB_* rule that decided unit i. */
void layout_breaks(layout_t *L, const char *s, size_t n, uint8_t *why);
#endif

#endif
