/* chars: character classes, the one place that says which characters are
 * Han, kana, blanks, closing punctuation and the like.
 *
 * Contract: ch_class(c) gives the classes (CH_* bits) of code point c, for
 * any c (none above U+10FFFF). The Unicode classes come from libunistring's
 * properties (script, general category, Alphabetic, Unified_Ideograph, East
 * Asian Width, decomposition type, block: Unicode 14 in libunistring 1.0),
 * so they follow the same tables as the grapheme and line breaking used
 * elsewhere; the line-breaking classes of clreq / JLREQ, which no Unicode
 * property gives, and the display policy below come from the lists in
 * chars.c. The table is filled 256 code points at a time on first use, so
 * a lookup is one load once its page is filled; thread-safe; never
 * allocates. Nothing else in juan spells a code-point range. */
#ifndef JUAN_CHARS_H
#define JUAN_CHARS_H
#include <stdint.h>

enum {
    /* Unicode */
    CH_HAN = 1u << 0,       /* Han ideograph: a letter of script Han (中 豈 𠀀 々) */
    CH_KANA = 1u << 1,      /* a letter of script Hiragana or Katakana (あ ア ㇰ ｱ) */
    CH_UNIFIED = 1u << 2,   /* Unified_Ideograph: NFKC and case folding keep it */
    CH_LETTER = 1u << 3,    /* Alphabetic: letters of every script, ideographs */
    CH_CJK = 1u << 4,       /* read as one character: Alphabetic and East Asian
                               Wide (Han, kana, ー, Hangul, Ａ) */
    CH_WORD = 1u << 5,      /* a letter of a Latin word beyond ASCII (é ł ạ):
                               Alphabetic, script Latin, not wide */
    CH_FW_DIGIT = 1u << 6,  /* fullwidth digit (０-９): <wide> of an ASCII digit */
    CH_FW_ALNUM = 1u << 7,  /* fullwidth letter or digit (Ａ ｚ ０) */
    CH_CJK_PUNCT = 1u << 8, /* General Punctuation, CJK Symbols and Punctuation,
                               Halfwidth and Fullwidth Forms, and ·: punctuation
                               that never wants a space beside CJK text */
    /* the text's blanks: SP, TAB and U+3000, which indent a paragraph or
     * make a line blank */
    CH_BLANK = 1u << 9,
    /* line breaking (clreq, JLREQ) */
    CH_NO_START = 1u << 10, /* no line starts with it: closing brackets and
                               quotes, 、。，．！？：；, small kana, ー, 々 ゝ ヽ */
    CH_NO_END = 1u << 11,   /* no line ends with it: opening brackets, quotes */
    CH_INSEP = 1u << 12,    /* never split from an identical neighbour: —― …‥ ⋯ */
    CH_OPEN_Q = 1u << 13,   /* “ ‘ (UAX #14: QU, either side) */
    CH_CLOSE_Q = 1u << 14,  /* ” ’ */
    CH_MIDDOT = 1u << 15,   /* · (UAX #14 lets a line break after it) */
    CH_ASCII_NO_START = 1u << 19, /* , . ? ! : ; ) ] } %: no line starts with
                                     it beside a wide character */
    CH_ASCII_NO_END = 1u << 20,   /* ( [ {: no line ends with it beside a
                                     wide character */
    /* display in a terminal */
    CH_DROP = 1u << 16,     /* dropped: joiners, variation selectors, soft
                               hyphen, skin tones, tags (terminals and wcwidth
                               disagree on them) */
    CH_ESCAPE = 1u << 17,   /* shown as <U+XXXX>: C1 controls, bidi controls,
                               other invisible format characters, line and
                               paragraph separators, Hangul fillers */
    /* text or not (doc_looks_binary) */
    CH_BIN_CTRL = 1u << 18, /* a control that text does not use, even text
                               styled for a terminal: the controls (Cc) but
                               BEL BS TAB LF VT FF CR ESC; DEL, C1 */
    /* hanging punctuation (clreq, JLREQ) */
    CH_HANG = 1u << 21,       /* may hang past a line's end: 。，、． ｡､ */
    CH_HANG_AFTER = 1u << 22, /* may hang after one of those: 」』”’） */
};

/* private: the classes of the BMP, generated (src/chclass.inc: pages of
 * 256 by an index of pages); planes 1-3 in a table read through
 * ch_class(), each entry filled on first use with CH_KNOWN_ set; planes
 * 4-16 (tags, private use) looked up each time (ch_fill_, which works any
 * code point's classes out) */
enum { CH_TABLED = 0x40000 };
#define CH_KNOWN_ (1u << 31)
extern const uint16_t ch_bmp_index_[256];
extern const uint32_t ch_bmp_page_[][256];
extern uint32_t ch_table_[CH_TABLED - 0x10000];
uint32_t ch_fill_(uint32_t c);

static inline uint32_t ch_class(uint32_t c)
{
    if (c < 0x10000)
        return ch_bmp_page_[ch_bmp_index_[c >> 8]][c & 0xFF];
    if (c < CH_TABLED) {
        uint32_t k = __atomic_load_n(&ch_table_[c - 0x10000], __ATOMIC_RELAXED);
        if (k)
            return k & ~CH_KNOWN_;
    }
    return ch_fill_(c);
}

static inline int ch_is(uint32_t c, uint32_t classes)
{
    return (ch_class(c) & classes) != 0;
}

/* SP, TAB or U+3000 (CH_BLANK), without a table lookup. */
static inline int ch_blank(uint32_t c)
{
    return c == ' ' || c == '\t' || c == 0x3000;
}

/* A blank (ch_blank) or a line or page break: LF, VT, FF, CR. What is
 * trimmed from the ends of a value (a front matter tag). */
static inline int ch_space(uint32_t c)
{
    return ch_blank(c) || (c >= '\n' && c <= '\r');
}

/* A control (general category Cc) but BEL, BS, TAB, LF, VT, FF, CR and
 * ESC (CH_BIN_CTRL), without a table lookup. */
static inline int ch_bin_ctrl(uint32_t c)
{
    return (c < 0x20 && (c < 0x07 || (c > 0x0D && c != 0x1B))) || (c >= 0x7F && c <= 0x9F);
}

#endif
