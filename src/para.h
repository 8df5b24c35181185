/* para: plain-text paragraphs over a document's UTF-8 text.
 *
 * Contract: every source line is a paragraph; a run of blank lines (empty
 * or only SP/TAB/U+3000) is one blank paragraph. Lines end with LF, CRLF or
 * a lone CR. Paragraphs are found on demand from any byte offset, forwards
 * or backwards, so nothing here reads more of the text than it returns:
 * the first paragraph of a 100 MB text costs what it costs in a 10 KB one
 * (a long run of blank lines is read once, as one paragraph).
 * A line longer than PARA_PIECE bytes is cut into pieces of about that
 * size (`cont` on every piece after the first), so that what is laid out
 * and kept at once is bounded: a 50 MB line is 800 paragraphs. A cut is
 * where a line may break anyway — between two CJK ideographs or kana
 * (CH_HAN, CH_KANA; not before one no line starts with, CH_NO_START:
 * small kana, ゝ, ー), or after a space before a letter or digit —
 * the first such place at or after each multiple of PARA_PIECE from the
 * line's start (else, 4 KiB on, the first character boundary), so the
 * same pieces are found from any offset, forwards or backwards. */
#ifndef JUAN_PARA_H
#define JUAN_PARA_H
#include <stddef.h>

enum { PARA_PIECE = 64 * 1024 };

typedef struct {
    size_t start; /* first byte of the paragraph's first line (a piece: its
                     first byte) */
    size_t end;   /* end of its content (line terminator excluded) */
    size_t next;  /* first byte of the following paragraph (== len at end) */
    int blank;    /* a run of blank lines */
    int cont;     /* a piece of a long line, not its first */
    size_t line;  /* start of the source line */
} para_t;

/* Where a long line may be cut at or after byte m, before lim (see
 * above): lim when nowhere. */
size_t para_cut(const char *t, size_t m, size_t lim);

/* The paragraph containing byte `off` (off < len). 0 if the text is empty
 * or off is out of range. */
int para_at(const char *t, size_t len, size_t off, para_t *p);
/* The first paragraph; 0 when the text is empty. */
int para_first(const char *t, size_t len, para_t *p);
/* The paragraph after / before `cur`; 0 at the end / start. */
int para_next(const char *t, size_t len, const para_t *cur, para_t *p);
int para_prev(const char *t, size_t len, const para_t *cur, para_t *p);

#endif
