/* text: grapheme clusters, cell widths and terminal-safe display forms.
 *
 * Contract: text_units() cuts UTF-8 bytes into "units". A unit is one
 * spacing character plus at most four combining marks, already sanitised
 * for the terminal: controls become visible escapes (^@ ^[ <U+0085>),
 * bidi/format characters become <U+202E>, ZWJ/VS16/skin tones/soft hyphen/
 * ZWSP are dropped, characters glibc's wcwidth() does not know become
 * U+FFFD. Widths are libc wcwidth() of the sanitised form, the measure
 * ncurses uses. A grapheme cluster (libunistring) is one or more units; the
 * first carries U_CLUSTER. Display bytes of units i..j are contiguous in
 * `disp`, so a run of units prints with one write. The caller must run
 * text_init_locale() (or have a UTF-8 LC_CTYPE) first. Invalid UTF-8 is
 * shown as U+FFFD per byte; nothing here allocates per character. */
#ifndef JUAN_TEXT_H
#define JUAN_TEXT_H
#include "utf8.h"
#include "util.h"
#include <stddef.h>
#include <stdint.h>

enum {
    U_CLUSTER = 1,   /* first unit of a grapheme cluster */
    U_SPACE = 2,     /* blank that may hang at a line end (SP, TAB, U+3000) */
    U_BREAK = 4,     /* a line may break before this unit (set by layout) */
    U_MANDATORY = 8, /* a line must break before this unit (set by layout) */
    U_ESCAPE = 16,   /* shown as a visible escape, not as itself */
    U_WIDE = 32,     /* base character is East Asian wide (2 cells) */
};

typedef struct {
    uint32_t off;  /* byte offset of the unit in the source run */
    uint32_t doff; /* byte offset of its display form in disp */
    uint32_t cp;   /* base code point as it appears in the source */
    uint8_t w;     /* cells */
    uint8_t flags; /* U_* */
} unit_t;

typedef struct {
    unit_t *u;   /* n units plus a sentinel u[n] (off = source length,
                    doff = display length) */
    size_t n, cap;
    buf_t disp;  /* display bytes */
    char *gb;    /* scratch: grapheme breaks */
    size_t gbcap;
} units_t;

/* Make wcwidth() answer for UTF-8: keep the user's locale when its
 * character set is UTF-8, else switch LC_CTYPE to C.UTF-8. Returns 0 on
 * success, -1 when no UTF-8 locale is available. */
int text_init_locale(void);

/* Cut s[0..n) into units (clears t first). */
void text_units(units_t *t, const char *s, size_t n);
void units_free(units_t *t);

/* Cells of one code point as drawn (escapes included, dropped = 0). */
int text_cp_width(uint32_t cp);
/* Does a soft line break between a's last character and b's first show
 * as nothing (render's Markdown, grep's contexts), not as a space? When
 * both are CJK for joining lines: a wide character, or CJK or general
 * punctuation (—— … “ ” ·), which never wants a space beside CJK text.
 * 0 when either is empty. */
int text_joins_tight(const char *a, size_t an, const char *b, size_t bn);

/* Append a terminal-safe copy of s[0..n) to b (escapes as above, dropped
 * characters kept out). Returns the width in cells. */
size_t text_sanitize(buf_t *b, const char *s, size_t n);

/* A path made safe to print on a terminal (controls and bidi escaped), in
 * storage of its own: no buffer is shared, so two in one message are two
 * paths. safe_path(p) is valid until the end of the full expression that
 * calls it (C11 temporary lifetime): use it inside the call that prints
 * it, or keep it with xstrdup, never in a pointer for later. A safe form
 * longer than SAFE_PATH_MAX - 1 bytes is cut at a character and ends in
 * "…". */
#define SAFE_PATH_MAX 4096
typedef struct {
    char s[SAFE_PATH_MAX];
} safe_path_t;
safe_path_t safe_path_of(const char *path);
#define safe_path(path) (safe_path_of(path).s)

/* Cells of a UTF-8 string as text_sanitize would draw it. */
size_t text_width(const char *s, size_t n);

/* Decode one UTF-8 character; invalid or truncated input gives U+FFFD and
 * consumes one byte. Returns the number of bytes consumed (>= 1). The
 * decoder of utf8.h under the name its callers know. */
static inline int text_decode(const char *s, size_t n, uint32_t *cp)
{
    return utf8_decode(s, n, cp);
}

/* What a reader reads in s[0..n): CJK characters (CH_CJK: Han, kana,
 * Hangul, fullwidth letters) and Latin words (runs of ASCII letters and
 * digits and CH_WORD letters), added to *cjk and *words. */
void text_count_reading(const char *s, size_t n, size_t *cjk, size_t *words);

/* First offset at or after i (< end) that is not a blank: SP, TAB or
 * U+3000, the blanks that indent a paragraph or make a line blank. */
size_t text_skip_blanks(const char *s, size_t i, size_t end);
/* The same backwards: end moved back over blanks, not before start. */
size_t text_trim_blanks(const char *s, size_t start, size_t end);

#endif
