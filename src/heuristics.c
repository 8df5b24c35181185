/* heuristics: conventional headings and speaker prefixes in one paragraph.
 * Every function reads at most a short, bounded prefix of its input: a
 * heading is rejected outright when longer than HEAD_MAX_BYTES, and the
 * speaker-name scan stops after NAME_SCAN_CELLS cells or NAME_SCAN_BYTES
 * bytes. Inputs are not NUL-terminated; every read is checked against n. */
#include "heuristics.h"

#include "chars.h"
#include "text.h"

#include <stdint.h>
#include <string.h>
#include <uchar.h>

#define HEAD_MAX_BYTES 256 /* 60 cells of CJK = 90 bytes; ample slack */
#define NUM_MAX_CELLS 60   /* numbered headings: interview section titles
                              run long ("08 好的想法都是慢慢长出来的，…") */
#define HUI_MAX_CELLS 60   /* 第…回 / 第…章 lines of classical novels */
#define BRACKET_MAX_CELLS 20
#define MINOR_MIN_CELLS 2
#define MINOR_MAX_CELLS 20
#define LOOSE_MAX_CELLS 24 /* “病人家属，也是病人” is 20 */
#define LOOSE_MAX_PAUSES 2
#define LABEL_MAX_CELLS 20 /* a heading label: "Sam Robbins" and more */
#define NAME_MAX_CELLS 12
#define NAME_SCAN_CELLS 16 /* raw scan, blanks around the name included */
#define NAME_SCAN_BYTES 96

/* ---- code points ---- */

/* Code point at s[i] (i < n); *next gets the offset after it. */
static uint32_t cp_at(const char *s, size_t n, size_t i, size_t *next)
{
    uint32_t c;
    int k = text_decode(s + i, n - i, &c);
    *next = i + (size_t)k;
    return c;
}

static int is_ascii_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

static int is_digit(uint32_t c) /* ASCII or fullwidth */
{
    return is_ascii_digit(c) || ch_is(c, CH_FW_DIGIT);
}

/* Is c one of the characters of list (a U"" string)? */
static int in_list(uint32_t c, const char32_t *list)
{
    for (; *list; list++)
        if (*list == c)
            return 1;
    return 0;
}
#define IN(c, list) in_list((c), (list))

static const char32_t CJK_NUMERALS[] = U"一二三四五六七八九十百千零〇两";

static int is_cjknum(uint32_t c)
{
    return IN(c, CJK_NUMERALS);
}

/* A letter or ideograph (Alphabetic): anything that makes a line more
 * than numbers, punctuation and symbols. */
static int is_letter(uint32_t c)
{
    return ch_is(c, CH_LETTER);
}

/* The word lists of the heuristics below: which punctuation ends or
 * breaks what. */

/* A line may not end with these and be a numbered heading. */
static const char32_t BAD_HEADING_END[] = U"。，、；：,;:";

/* Sentence punctuation that a minor heading may not contain (ASCII '.' is
 * handled separately: only a '.' before a space or at the end counts). */
static const char32_t MINOR_PUNCT[] = U"。，、；！？：:,;!?";

/* Bullets and list markers. */
static const char32_t LIST_MARKERS[] = U"-*•·>#・＊＃＞";

/* Opening and closing quotes/brackets, pair by pair: a line wholly inside
 * one pair is a quotation or a title, not a heading. */
static const char32_t OPENERS[] = U"“‘「『\"'（([《〈〔【";
static const char32_t CLOSERS[] = U"”’」』\"'）)]》〉〕】";

/* Characters a speaker's name may not contain: sentence punctuation,
 * brackets, quotes, colons, markup. */
static const char32_t NAME_BAD[] = U"。，、；！？,.;!?（）()《》“”「」『』【】[]\"*：:…";

static int is_colon(uint32_t c)
{
    return c == ':' || c == U'：';
}

/* ---- numbered headings ---- */

/* Shared rules of the numbered families, given the offset t where the
 * title starts (after any blanks; t == n: no title). */
static int numbered_ok(const char *s, size_t n, size_t t, int fam)
{
    size_t maxw =
        (fam == HF_HUI || fam == HF_ZHANG) ? HUI_MAX_CELLS : NUM_MAX_CELLS;
    if (text_width(s, n) > maxw)
        return 0;
    if (t >= n && !(fam == HF_HUI || fam == HF_ZHANG || fam == HF_BUFEN ||
                    fam == HF_CHAPTER || fam == HF_PAREN))
        return 0; /* a title is required */
    uint32_t last = 0;
    int stops = 0, commas = 0; /* 。 and ， in the title */
    for (size_t i = 0, j; i < n; i = j) { /* n is small: checked above */
        last = cp_at(s, n, i, &j);
        if (i >= t && last == U'。')
            stops++;
        if (i >= t && last == U'，')
            commas++;
    }
    /* a title may pause twice but is not a sentence; "Chapter 7:" ends
     * with its separator even without a title */
    return stops == 0 && commas <= 2 && !IN(last, BAD_HEADING_END);
}

/* 01 标题: 2–3 ASCII digits, blanks, a title. */
static int parse_num2(const char *s, size_t n, size_t *t)
{
    size_t i = 0;
    while (i < n && is_ascii_digit((unsigned char)s[i]))
        i++;
    if (i < 2 || i > 3 || i >= n)
        return 0;
    size_t j = text_skip_blanks(s, i, n);
    if (j == i || j >= n)
        return 0;
    *t = j;
    return 1;
}

/* A run of Chinese numerals or of digits (not mixed) from *i: counts in
 * *cjk / *dig, *i left at the first code point after it, which is returned
 * (0 at the end) with its end in *j. */
static uint32_t numeral_run(const char *s, size_t n, size_t *i, size_t *j,
                            int *cjk, int *dig)
{
    uint32_t c = 0;
    *cjk = *dig = 0;
    *j = *i;
    while (*i < n) {
        c = cp_at(s, n, *i, j);
        if (is_cjknum(c) && !*dig)
            (*cjk)++;
        else if (is_digit(c) && !*cjk)
            (*dig)++;
        else
            break;
        *i = *j;
    }
    return c;
}

/* 1. 标题, 2、标题, ３．标题 — not 1.5 */
static int parse_numdot(const char *s, size_t n, size_t *t)
{
    size_t i = 0, j;
    int cjk, d;
    uint32_t c = numeral_run(s, n, &i, &j, &cjk, &d);
    if (cjk || d < 1 || d > 3 || i >= n ||
        !(c == '.' || c == U'．' || c == U'、'))
        return 0;
    if (j < n) {
        size_t k;
        if (is_digit(cp_at(s, n, j, &k)))
            return 0; /* a decimal number */
    }
    *t = text_skip_blanks(s, j, n);
    return *t < n;
}

/* 一、标题 */
static int parse_cjknum(const char *s, size_t n, size_t *t)
{
    size_t i = 0, j;
    int d, dig;
    uint32_t c = numeral_run(s, n, &i, &j, &d, &dig);
    if (dig || d < 1 || d > 4 || i >= n || c != U'、')
        return 0;
    *t = text_skip_blanks(s, j, n);
    return *t < n;
}


/* （一）标题, (2) 标题 */
static int parse_paren(const char *s, size_t n, size_t *t)
{
    size_t i, j;
    if (n == 0)
        return 0;
    uint32_t c = cp_at(s, n, 0, &i);
    if (c != U'（' && c != '(')
        return 0;
    int cjk, dig;
    c = numeral_run(s, n, &i, &j, &cjk, &dig);
    if (!((cjk >= 1 && cjk <= 4) || (dig >= 1 && dig <= 3)) || i >= n)
        return 0;
    if (c != U'）' && c != ')')
        return 0;
    *t = text_skip_blanks(s, j, n);
    return 1;
}

/* 第…回, 第…章/节/卷/篇/集, 第…部分: returns the family or HF_NONE. */
static int parse_di(const char *s, size_t n, size_t *t)
{
    size_t i, j;
    if (n == 0 || cp_at(s, n, 0, &i) != U'第')
        return HF_NONE;
    int cjk, dig;
    uint32_t c = numeral_run(s, n, &i, &j, &cjk, &dig);
    if (!((cjk >= 1 && cjk <= 6) || (dig >= 1 && dig <= 7)) || i >= n)
        return HF_NONE;
    int fam;
    if (c == U'回')
        fam = HF_HUI;
    else if (IN(c, U"章节卷篇集"))
        fam = HF_ZHANG;
    else if (c == U'部' && j < n && cp_at(s, n, j, &j) == U'分')
        fam = HF_BUFEN;
    else
        return HF_NONE;
    *t = text_skip_blanks(s, j, n);
    return fam;
}

/* Chapter 7, CHAPTER VII, chapter 3: Title, Chapter 12 - Title */
static int parse_chapter(const char *s, size_t n, size_t *t)
{
    if (n < 9 || (memcmp(s, "Chapter", 7) && memcmp(s, "CHAPTER", 7) &&
                  memcmp(s, "chapter", 7)))
        return 0;
    size_t i = text_skip_blanks(s, 7, n);
    if (i == 7 || i >= n)
        return 0;
    size_t start = i;
    int upper = 0, lower = 0;
    if (is_ascii_digit((unsigned char)s[i])) {
        while (i < n && is_ascii_digit((unsigned char)s[i]))
            i++;
        if (i - start > 4)
            return 0;
    } else {
        while (i < n && s[i] && strchr("IVXLCDMivxlcdm", s[i])) {
            if (s[i] >= 'a')
                lower = 1;
            else
                upper = 1;
            i++;
        }
        if (i == start || i - start > 10 || (upper && lower))
            return 0;
    }
    if (i == n) {
        *t = n;
        return 1;
    }
    /* the number must end here: a blank or a separator */
    size_t j;
    uint32_t c = cp_at(s, n, i, &j);
    if (!ch_blank(c) && !is_colon(c) && c != '.' && c != '-')
        return 0;
    i = text_skip_blanks(s, i, n);
    if (i < n) {
        c = cp_at(s, n, i, &j);
        if (is_colon(c) || c == '.' || c == '-' || c == U'–' || c == U'—')
            i = text_skip_blanks(s, j, n);
    }
    *t = i;
    return 1;
}

/* 【标题】 alone on its line */
static int is_bracket_heading(const char *s, size_t n)
{
    size_t i, j;
    if (n == 0 || cp_at(s, n, 0, &i) != U'【')
        return 0;
    size_t in = i;
    uint32_t c = 0;
    while (i < n) {
        c = cp_at(s, n, i, &j);
        if (c == U'】' || c == U'【')
            break;
        i = j;
    }
    if (i >= n || c != U'】')
        return 0;
    if (text_skip_blanks(s, j, n) != n)
        return 0; /* text after the bracket */
    if (text_skip_blanks(s, in, i) == i)
        return 0; /* nothing inside */
    size_t w = text_width(s + in, i - in);
    return w >= 1 && w <= BRACKET_MAX_CELLS;
}

/* ---- minor headings ---- */

/* Does s[0..n) start with the string p? */
static int starts(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    return n >= k && !memcmp(s, p, k);
}

/* A byline or credit: 文｜某某, 文/某某, 图 | 某某, 撰文 某某, 摄影：某某 —
 * a credit word, then a separator (a blank will do after a word of two
 * characters or more). */
static int is_byline(const char *s, size_t n)
{
    static const char *const words[] = {
        "撰文", "采写", "採寫", "采访", "採訪", "作者", "编辑", "編輯",
        "摄影", "攝影", "责编", "責編", "口述", "整理", "图文", "圖文",
        "撰稿", "策划", "策劃", "排版", "校对", "校對", "文字", "记者",
        "記者", "文", "图", "圖"};
    for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
        if (!starts(s, n, words[w]))
            continue;
        size_t i = strlen(words[w]), j;
        size_t b = text_skip_blanks(s, i, n);
        if (b >= n)
            return 0;
        uint32_t c = cp_at(s, n, b, &j);
        if (IN(c, U"｜|丨/／:：·•") && text_skip_blanks(s, j, n) < n)
            return 1;
        if (b > i && i > 3) /* 撰文 某某 */
            return 1;
    }
    return 0;
}

/* A promotional line of a scraped article (关注, 点击, 扫码, 公众号 ...). */
static int is_promo(const char *s, size_t n)
{
    static const char *const words[] = {
        "公众号", "公眾號", "扫一扫", "掃一掃", "扫码", "掃碼", "二维码",
        "二維碼", "长按", "長按", "点击", "點擊", "阅读原文", "閱讀原文",
        "关注", "關注", "订阅", "訂閱", "转发", "轉發", "点赞", "點讚",
        "星标", "星標"};
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0xE0)
            continue;
        for (size_t w = 0; w < sizeof words / sizeof *words; w++)
            if (starts(s + i, n - i, words[w]))
                return 1;
    }
    return 0;
}

static int is_minor(const char *s, size_t n, size_t w)
{
    if (w < MINOR_MIN_CELLS || w > MINOR_MAX_CELLS)
        return 0;
    size_t j, k;
    uint32_t first = cp_at(s, n, 0, &j), last = first, c;
    if (IN(first, LIST_MARKERS))
        return 0;
    /* a quotation, a dash or a book title first is a line of text (an
     * attribution, a nickname), not a heading */
    if (IN(first, U"“‘「『《—―…（("))
        return 0;
    int letter = 0;
    for (size_t i = 0; i < n; i = j) {
        c = cp_at(s, n, i, &j);
        if (IN(c, MINOR_PUNCT))
            return 0;
        if (c == '.' && (j >= n || ch_blank(cp_at(s, n, j, &k))))
            return 0; /* a full stop; "Node.js" and "1.5" are fine */
        if ((c == 'h' || c == 'H') && n - i >= 4 &&
            (s[i + 1] | 0x20) == 't' && (s[i + 2] | 0x20) == 't' &&
            (s[i + 3] | 0x20) == 'p')
            return 0;
        if (is_letter(c))
            letter = 1;
        last = c;
    }
    if (!letter || IN(last, U"．！？。"))
        return 0; /* ends a sentence (．！？ included) */
    for (size_t k = 0; OPENERS[k]; k++)
        if (first == OPENERS[k] && last == CLOSERS[k])
            return 0; /* a quotation */
    return !is_byline(s, n) && !is_promo(s, n);
}

/* A loose subhead: a short line that pauses (，、) or is wholly one
 * quotation (“我不后悔，但我很累”), no sentence in it: a question or an
 * exclamation only at the end of the quotation. */
static int is_loose(const char *s, size_t n, size_t w)
{
    if (w < MINOR_MIN_CELLS || w > LOOSE_MAX_CELLS)
        return 0;
    size_t j, k;
    uint32_t first = cp_at(s, n, 0, &j), last = first, prev = 0, c;
    if (IN(first, LIST_MARKERS) || IN(first, U"《—―…（("))
        return 0;
    int quoted = 0, opener = IN(first, U"“‘「『");
    int letter = 0, pauses = 0, ask = 0;
    for (size_t i = 0; i < n; i = j) {
        c = cp_at(s, n, i, &j);
        if (IN(c, U"。；：:;"))
            return 0;
        if (c == '.' && (j >= n || ch_blank(cp_at(s, n, j, &k))))
            return 0;
        if ((c == 'h' || c == 'H') && n - i >= 4 &&
            (s[i + 1] | 0x20) == 't' && (s[i + 2] | 0x20) == 't' &&
            (s[i + 3] | 0x20) == 'p')
            return 0;
        if (IN(c, U"！？!?")) {
            ask++;
            if (ask > 1)
                return 0;
        } else if (ask && !(j >= n && IN(c, U"”’」』"))) {
            return 0; /* text after a question: a sentence */
        }
        if (IN(c, U"，、,"))
            pauses++;
        if (is_letter(c))
            letter = 1;
        prev = last;
        last = c;
    }
    for (size_t q = 0; OPENERS[q]; q++)
        if (first == OPENERS[q] && last == CLOSERS[q])
            quoted = 1;
    if (opener && !quoted)
        return 0; /* “……”他说 */
    if (ask && !(quoted && IN(prev, U"！？!?")))
        return 0;
    if (!letter || IN(last, U"，、,") || pauses > LOOSE_MAX_PAUSES)
        return 0;
    /* a quotation alone on its line: it must hold a line's worth */
    if (quoted && text_width(s, n) < 6)
        return 0;
    if (!quoted && !pauses)
        return 0; /* (is_minor's, or nothing) */
    return !is_byline(s, n) && !is_promo(s, n);
}

int heading_family(const char *s, size_t n)
{
    if (!s || n == 0 || n > HEAD_MAX_BYTES)
        return HF_NONE;
    size_t t = n;
    int fam;
    if (parse_num2(s, n, &t) && numbered_ok(s, n, t, HF_NUM2))
        return HF_NUM2;
    if (parse_numdot(s, n, &t) && numbered_ok(s, n, t, HF_NUMDOT))
        return HF_NUMDOT;
    if (parse_cjknum(s, n, &t) && numbered_ok(s, n, t, HF_CJKNUM))
        return HF_CJKNUM;
    if (parse_paren(s, n, &t) && numbered_ok(s, n, t, HF_PAREN))
        return HF_PAREN;
    if ((fam = parse_di(s, n, &t)) != HF_NONE && numbered_ok(s, n, t, fam))
        return fam;
    if (is_bracket_heading(s, n))
        return HF_BRACKET;
    if (parse_chapter(s, n, &t) && numbered_ok(s, n, t, HF_CHAPTER))
        return HF_CHAPTER;
    size_t w = text_width(s, n); /* (once: the two below are most lines') */
    if (is_minor(s, n, w))
        return HF_MINOR;
    if (is_loose(s, n, w))
        return HF_LOOSE;
    return HF_NONE;
}

/* ---- speakers ---- */

/* Scan a would-be name from `from` until a terminator: a colon, or '*'
 * when `star`, or 】 when `bracket`. Gives up (returns 0) on a character a
 * name may not hold or once the name is too long to be one. On success
 * *end is the terminator's offset. */
static int scan_name(const char *s, size_t n, size_t from, int star,
                     int bracket, size_t *end)
{
    size_t i = from, j, cells = 0;
    while (i < n) {
        if (i - from > NAME_SCAN_BYTES)
            return 0;
        uint32_t c = cp_at(s, n, i, &j);
        if (is_colon(c) || (star && c == '*') || (bracket && c == U'】')) {
            *end = i;
            return 1;
        }
        if (IN(c, NAME_BAD))
            return 0;
        cells += (size_t)text_cp_width(c);
        if (cells > NAME_SCAN_CELLS)
            return 0;
        i = j;
    }
    return 0;
}

/* Is s[a..b) acceptable as a name? Trims blanks; sets *off, *len. */
static int name_ok(const char *s, size_t a, size_t b, size_t *off,
                   size_t *len)
{
    a = text_skip_blanks(s, a, b);
    b = text_trim_blanks(s, a, b);
    if (a >= b)
        return 0;
    size_t w = text_width(s + a, b - a);
    if (w < 1 || w > NAME_MAX_CELLS)
        return 0;
    size_t i = a, j;
    uint32_t c = cp_at(s, b, i, &j);
    if (IN(c, LIST_MARKERS))
        return 0;
    /* all digits, or digits then a blank ("10:30", "3 Q:") */
    while (i < b && is_digit(c = cp_at(s, b, i, &j)))
        i = j;
    if (i > a && (i == b || ch_blank(c)))
        return 0;
    *off = a;
    *len = b - a;
    return 1;
}

/* After a colon at s[i..j): not a URL. */
static int not_url(const char *s, size_t n, size_t j)
{
    return !(n - j >= 2 && s[j] == '/' && s[j + 1] == '/');
}

/* Blanks and at most one line break (LF, CRLF, CR) from i, then blanks:
 * " **NAME**" + newline + "：…" has its colon on the next line. */
static size_t skip_break(const char *s, size_t i, size_t n)
{
    i = text_skip_blanks(s, i, n);
    if (i < n && s[i] == '\r')
        i++;
    if (i < n && s[i] == '\n')
        i++;
    return text_skip_blanks(s, i, n);
}

/* Is there a closing "**" in s[from..n)? */
static int bold_closes(const char *s, size_t n, size_t from)
{
    for (size_t i = from; i + 1 < n; i++)
        if (s[i] == '*' && s[i + 1] == '*')
            return 1;
    return 0;
}

int speaker_label(const char *s, size_t n, size_t *name_off, size_t *name_len,
                  size_t *prefix_len, int *form)
{
    size_t off = 0, len = 0, p, e, j;
    int fm = SPK_PLAIN;
    if (!s || n == 0)
        return 0;
    if (n >= 2 && s[0] == '*' && s[1] == '*') {
        /* **NAME**： **NAME** ： **NAME**<newline>： **NAME** **：**
         * **NAME：** and the bold question **NAME：…** */
        if (!scan_name(s, n, 2, 1, 0, &e) || !name_ok(s, 2, e, &off, &len))
            return 0;
        uint32_t c = cp_at(s, n, e, &j);
        fm = SPK_BOLD;
        if (c == '*') {
            if (j >= n || s[j] != '*')
                return 0;
            p = skip_break(s, j + 1, n);
            if (n - p >= 2 && s[p] == '*' && s[p + 1] == '*') {
                /* the colon bolded apart: **：** */
                p += 2;
                if (p >= n || !is_colon(cp_at(s, n, p, &j)) || j + 2 > n ||
                    s[j] != '*' || s[j + 1] != '*')
                    return 0;
                p = j + 2;
            } else {
                if (p >= n || !is_colon(cp_at(s, n, p, &j)) ||
                    !not_url(s, n, j))
                    return 0;
                p = j;
            }
        } else {
            if (!not_url(s, n, j))
                return 0;
            p = text_skip_blanks(s, j, n);
            if (n - p >= 2 && s[p] == '*' && s[p + 1] == '*') {
                p += 2;
            } else if (bold_closes(s, n, p)) {
                fm = SPK_BOLDQ; /* the label opens a bold run */
            } else {
                return 0;
            }
        }
    } else if (n >= 3 && !memcmp(s, "【", 3)) {
        /* 【NAME】 or 【NAME】： */
        if (!scan_name(s, n, 3, 0, 1, &e) ||
            cp_at(s, n, e, &j) != U'】' || !name_ok(s, 3, e, &off, &len))
            return 0;
        p = j;
        fm = SPK_BRACKET;
        if (p < n && is_colon(cp_at(s, n, p, &j))) {
            if (!not_url(s, n, j))
                return 0;
            p = j;
        }
    } else {
        /* NAME： */
        if (!scan_name(s, n, 0, 0, 0, &e) || !name_ok(s, 0, e, &off, &len))
            return 0;
        cp_at(s, n, e, &j);
        if (!not_url(s, n, j))
            return 0;
        p = j;
    }
    p = text_skip_blanks(s, p, n);
    if (p >= n)
        return 0; /* nothing after the prefix */
    /* 诗曰： 看官听说： 但见那： are narration formulas, not speakers: a
     * name of two or more characters never ends in a verb of saying */
    if (len >= 6) {
        size_t q = off + len;
        if (IN(cp_at(s, q, utf8_back(s, off, q - 1), &j), U"曰道云说說见見那"))
            return 0;
    }
    /* 他笑道：“……” is narration quoting speech, not an interview turn */
    uint32_t after = cp_at(s, n, p, &j);
    if (IN(after, U"“「『\""))
        return 0;
    if (name_off)
        *name_off = off;
    if (name_len)
        *name_len = len;
    if (prefix_len)
        *prefix_len = p;
    if (form)
        *form = fm;
    return 1;
}

int speaker_prefix(const char *s, size_t n, size_t *name_off, size_t *name_len,
                   size_t *prefix_len)
{
    return speaker_label(s, n, name_off, name_len, prefix_len, NULL);
}

int speaker_same(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    if (!a)
        an = 0;
    if (!b)
        bn = 0;
    for (;;) {
        i = text_skip_blanks(a, i, an);
        j = text_skip_blanks(b, j, bn);
        if (i >= an || j >= bn)
            return i >= an && j >= bn;
        if (a[i] != b[j])
            return 0;
        i++;
        j++;
    }
}
