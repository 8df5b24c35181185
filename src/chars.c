#include "chars.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>
#include <unictype.h>
#include <uninorm.h>
#include <uniwidth.h>

/* ---- lists: what no Unicode property says ------------------------------ */

/* No line starts with these: clreq §3.1.7; JLREQ cl-02 closing brackets,
 * cl-04 dividing punctuation, cl-05 middle dots, cl-06 full stops, cl-07
 * commas, cl-09 iteration marks, cl-10 the prolonged sound mark, cl-11
 * small kana; the units and signs that follow a number. */
static const char32_t NO_START[] =
    U"’”〉》」』】〕〗〙〛〞〟﹚﹜﹞）］｝｠｣"       /* closing brackets, quotes */
    U"‼⁇⁈⁉！？﹖﹗"                             /* dividing punctuation */
    U"・：；﹔﹕･"                               /* middle dots */
    U"。．﹒｡、，﹐﹑､"                          /* full stops, commas */
    U"々〻ゝゞヽヾー゛゜ｰﾞﾟ"                     /* iteration, sound marks */
    U"ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
    U"ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿｧｨｩｪｫｬｭｮｯ"   /* small kana */
    U"゠〜～／"                                 /* hyphens, wave dashes */
    U"‰‱′″℃％";                                /* after a number */

/* No line ends with these: JLREQ cl-01 opening brackets and quotes. */
static const char32_t NO_END[] = U"‘“〈《「『【〔〖〘〚〝﹙﹛﹝（／［｛｟｢";

/* ASCII punctuation in CJK text: the same kinsoku beside a wide character
 * (…不得！”? 飛輪”, 七八(“你好”)…); in Latin text UAX #14 alone decides. */
static const char32_t ASCII_NO_START[] = U",.?!:;)]}%";
static const char32_t ASCII_NO_END[] = U"([{";

/* JLREQ cl-08: never split from an identical neighbour (—— …… ‥‥). */
static const char32_t INSEP[] = U"—―…‥⋯⸺⸻";

/* The quotation marks of Chinese text, which UAX #14 classes QU (no break
 * on either side) but CJK text uses like brackets; the middle dot, after
 * which UAX #14 lets a line break. */
static const char32_t OPEN_Q[] = U"“‘";
static const char32_t CLOSE_Q[] = U"”’";
static const char32_t MIDDOT[] = U"·";

/* Hanging punctuation (clreq §3.1.8, JLREQ 3.8.3): a full stop or comma
 * may hang past the end of a line, and a closing bracket or quote after
 * it with it. */
static const char32_t HANG[] = U"。，、．｡､";
static const char32_t HANG_AFTER[] = U"」』”’）";

/* Dropped from the display beside Emoji_Modifier (skin tones) and the Tags
 * block: the soft hyphen, zero-width space, joiners, word joiner, BOM and
 * text/emoji variation selectors. */
static const char32_t DROP[] = U"\u00AD\u200B\u200C\u200D\u2060\uFEFF\uFE0E\uFE0F";

/* Shown as <U+XXXX>: the code points below (inclusive ranges). */
static const struct {
    uint32_t lo, hi;
} ESCAPE[] = {
    {0x0080, 0x009F},   /* C1 controls */
    {0x034F, 0x034F},   /* combining grapheme joiner */
    {0x0600, 0x0605},   /* Arabic number signs */
    {0x061C, 0x061C},   /* Arabic letter mark */
    {0x06DD, 0x06DD},   {0x070F, 0x070F}, {0x08E2, 0x08E2},
    {0x115F, 0x1160},   /* Hangul fillers */
    {0x180E, 0x180E},   /* Mongolian vowel separator */
    {0x200E, 0x200F},   /* LRM, RLM */
    {0x2028, 0x202E},   /* line and paragraph separators, embeddings */
    {0x2061, 0x206F},   /* invisible operators, isolates, deprecated */
    {0x3164, 0x3164},   {0xFFA0, 0xFFA0}, /* Hangul fillers */
    {0xFFF9, 0xFFFB},   /* interlinear annotation */
    {0x110BD, 0x110BD}, {0x110CD, 0x110CD},
    {0x13430, 0x1343F}, /* Egyptian hieroglyph format controls */
    {0x1BCA0, 0x1BCA3}, /* shorthand format controls */
    {0x1D173, 0x1D17A}, /* musical symbol format controls */
};

/* ---- the table ----------------------------------------------------------- */

/* libunistring answers each property by a lookup of its own (scripts and
 * blocks by search): about 30 ns a code point, too slow for text walked
 * character by character (every line laid out, text_count_reading over a
 * 107 MB text). The BMP's classes are worked out when juan is built
 * (gen/mkchclass.c, src/chclass.inc: 58 pages of 1 KiB, most of CJK one
 * page): filled at run time a code point at a time, they had cost 237,000
 * of the 5.0 million instructions of opening the bench text, its first
 * screen and q, and some 25 page faults of a 1 MiB table (callgrind,
 * perf). Planes 1-3: a code point's classes are worked out on its first
 * use and kept, one word an entry, the same whoever fills it: stored and
 * read without a lock. */

#include "chclass.inc"

uint32_t ch_table_[CH_TABLED - 0x10000];

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const uc_script_t *s_han, *s_hira, *s_kata, *s_latin;
static const uc_block_t *b_punct, *b_cjk_punct, *b_forms, *b_tags;

static const uc_block_t *block_named(const char *name)
{
    const uc_block_t *b;
    size_t n;
    uc_all_blocks(&b, &n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(b[i].name, name))
            return &b[i];
    return NULL;
}

/* The lists and their classes. */
static const struct {
    const char32_t *set;
    uint32_t bit;
} LISTS[] = {
    {NO_START, CH_NO_START}, {NO_END, CH_NO_END}, {INSEP, CH_INSEP}, {OPEN_Q, CH_OPEN_Q},
    {CLOSE_Q, CH_CLOSE_Q},   {MIDDOT, CH_MIDDOT | CH_CJK_PUNCT},      {DROP, CH_DROP},
    {ASCII_NO_START, CH_ASCII_NO_START}, {ASCII_NO_END, CH_ASCII_NO_END},
    {HANG, CH_HANG},         {HANG_AFTER, CH_HANG_AFTER},
};

/* The lists merged, by code point (props_init): a code point's classes
 * by binary search. Walking every list for each code point made ch_fill_
 * 464,000 of the 5.0 million instructions of opening a 10 KB Chinese
 * text, its first screen and q; by search 83,000 (callgrind). */
#define LEN(a) (sizeof a / sizeof *a - 1)
static struct {
    char32_t c;
    uint32_t bit;
} by_cp[LEN(NO_START) + LEN(NO_END) + LEN(INSEP) + LEN(OPEN_Q) + LEN(CLOSE_Q) + LEN(MIDDOT) +
        LEN(DROP) + LEN(ASCII_NO_START) + LEN(ASCII_NO_END) + LEN(HANG) + LEN(HANG_AFTER)];
static size_t nlisted;

static int cp_cmp(const void *a, const void *b)
{
    char32_t x = *(const char32_t *)a, y = *(const char32_t *)b;
    return x < y ? -1 : x > y;
}

/* The scripts and blocks, looked up once; the lists merged. */
static void props_init(void)
{
    for (size_t i = 0; i < sizeof LISTS / sizeof *LISTS; i++)
        for (const char32_t *c = LISTS[i].set; *c; c++) {
            by_cp[nlisted].c = *c;
            by_cp[nlisted++].bit = LISTS[i].bit;
        }
    qsort(by_cp, nlisted, sizeof *by_cp, cp_cmp);
    size_t n = 0; /* one entry a code point, its classes or-ed */
    for (size_t i = 0; i < nlisted; i++) {
        if (n && by_cp[n - 1].c == by_cp[i].c)
            by_cp[n - 1].bit |= by_cp[i].bit;
        else
            by_cp[n++] = by_cp[i];
    }
    nlisted = n;
    s_han = uc_script_byname("Han");
    s_hira = uc_script_byname("Hiragana");
    s_kata = uc_script_byname("Katakana");
    s_latin = uc_script_byname("Latin");
    b_punct = block_named("General Punctuation");
    b_cjk_punct = block_named("CJK Symbols and Punctuation");
    b_forms = block_named("Halfwidth and Fullwidth Forms");
    b_tags = block_named("Tags");
}

/* The classes of code point c that the lists give, or-ed into *k. */
static void listed(uint32_t c, uint32_t *k)
{
    size_t lo = 0, hi = nlisted;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (by_cp[mid].c < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < nlisted && by_cp[lo].c == c)
        *k |= by_cp[lo].bit;
    for (size_t i = 0; i < sizeof ESCAPE / sizeof *ESCAPE; i++)
        if (c >= ESCAPE[i].lo && c <= ESCAPE[i].hi)
            *k |= CH_ESCAPE;
    if (ch_blank(c))
        *k |= CH_BLANK;
    if (ch_bin_ctrl(c))
        *k |= CH_BIN_CTRL;
}

/* The classes of c that libunistring's properties give. */
static uint32_t properties(uint32_t c)
{
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    uint32_t k = 0;
    const uc_script_t *sc = uc_script(c);
    int letter = uc_is_general_category(c, UC_CATEGORY_L);
    int alpha = uc_is_property_alphabetic(c);
    int wide = uc_width(c, "UTF-8") == 2; /* East Asian Wide or Fullwidth */
    if (letter && sc == s_han)
        k |= CH_HAN;
    if (letter && (sc == s_hira || sc == s_kata))
        k |= CH_KANA;
    if (uc_is_property_unified_ideograph(c))
        k |= CH_UNIFIED;
    if (alpha)
        k |= wide ? CH_LETTER | CH_CJK : CH_LETTER;
    if (alpha && !wide && c >= 0x80 && sc == s_latin)
        k |= CH_WORD;
    ucs4_t d[UC_DECOMPOSITION_MAX_LENGTH];
    int tag;
    if (uc_decomposition(c, &tag, d) == 1 && tag == UC_DECOMP_WIDE && d[0] < 0x80) {
        if (d[0] >= '0' && d[0] <= '9')
            k |= CH_FW_DIGIT | CH_FW_ALNUM;
        else if (uc_is_alpha(d[0]))
            k |= CH_FW_ALNUM;
    }
    const uc_block_t *b = uc_block(c);
    if (b && (b == b_punct || b == b_cjk_punct || b == b_forms))
        k |= CH_CJK_PUNCT;
    if (uc_is_property_emoji_modifier(c) || (b && b == b_tags))
        k |= CH_DROP;
    return k;
}

uint32_t ch_fill_(uint32_t c)
{
    pthread_once(&once, props_init);
    if (c > 0x10FFFF)
        return 0;
    uint32_t k = properties(c);
    listed(c, &k);
    if (c >= 0x10000 && c < CH_TABLED)
        __atomic_store_n(&ch_table_[c - 0x10000], k | CH_KNOWN_, __ATOMIC_RELAXED);
    return k;
}
