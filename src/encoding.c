#include "encoding.h"
#include "cxxlib.h"
#include "utf8.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uniconv.h>
#include <unistr.h>

/* Sixteen 3-byte characters led by E1-EC or EE-EF at s (48 bytes)? Three
 * 16-byte vectors against the pattern of leads and continuation bytes,
 * the leads E0 and ED (their second byte is bounded) refused. */
typedef unsigned char u8x16_t __attribute__((vector_size(16)));
typedef signed char s8x16_t __attribute__((vector_size(16)));
#define LD3(a, b, c) {a, b, c, a, b, c, a, b, c, a, b, c, a, b, c, a}
static int run16_cjk(const unsigned char *s)
{
    /* by lane of the three vectors (bytes 0, 16 and 32 of 48: a lead at
       every third byte): the bits a byte keeps, what they must be, and
       0xFF where a lead is */
    static const u8x16_t M[3] = {LD3(0xF0, 0xC0, 0xC0), LD3(0xC0, 0xC0, 0xF0),
                                 LD3(0xC0, 0xF0, 0xC0)},
                         E[3] = {LD3(0xE0, 0x80, 0x80), LD3(0x80, 0x80, 0xE0),
                                 LD3(0x80, 0xE0, 0x80)},
                         L[3] = {LD3(0xFF, 0, 0), LD3(0, 0, 0xFF), LD3(0, 0xFF, 0)};
    s8x16_t bad = {0};
#pragma GCC unroll 3
    for (int k = 0; k < 3; k++) {
        u8x16_t v;
        memcpy(&v, s + 16 * k, 16);
        bad |= ~(s8x16_t)((v & M[k]) == E[k]) |
               ((s8x16_t)((v == 0xE0) | (v == 0xED)) & (s8x16_t)L[k]);
    }
    uint64_t w[2];
    memcpy(w, &bad, 16);
    return !(w[0] | w[1]);
}
#undef LD3

size_t enc_utf8_cjk_blocks(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i + 48 <= n && run16_cjk(s + i))
        i += 48;
    return i;
}

/* A validator of its own rather than libunistring's u8_check(): on CJK
 * text it takes 0.14 ms for enc_detect's 256 KiB sample against 0.59 ms,
 * 60 ms for 107 MB against 250 ms (best of 5). tests/test_encoding.c
 * checks that the two agree. */
size_t enc_utf8_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            /* ASCII runs, 8 bytes at a time */
            for (;;) {
                uint64_t w;
                if (i + 8 > n)
                    break;
                memcpy(&w, s + i, 8);
                if (w & 0x8080808080808080ULL)
                    break;
                i += 8;
            }
            continue;
        }
        if (c >= 0xE0 && c <= 0xEF) { /* 3 bytes: all of CJK */
            if (i + 2 >= n)
                return i;
            unsigned c1 = s[i + 1], c2 = s[i + 2];
            unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
            if (c1 < lo || c1 > hi || !utf8_is_cont(c2))
                return i;
            i += 3;
            /* a run of them (Chinese text) in a loop of its own, two at
               a time while 8 bytes are there (a word: the leads' high
               nibble E, the other four bytes continuation bytes): 2.38 ->
               1.62 million instructions for a novel's 256 KiB sample one
               at a time (callgrind), 0.87 two at a time; E0 and ED
               (their second byte bounded) are left to the check above */
            /* sixteen at a time while 48 bytes are there: 871,000 ->
               358,000 instructions for the 107 MB bench text's 256 KiB
               sample (callgrind) */
            i += enc_utf8_cjk_blocks(s + i, n - i);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ /* (s[i] the word's low byte) */
            while (i + 8 <= n) {
                uint64_t w;
                memcpy(&w, s + i, 8);
                unsigned a = s[i], b = s[i + 3];
                if ((w & 0xC0C0F0C0C0F0ULL) != 0x8080E08080E0ULL || a == 0xE0 || a == 0xED ||
                    b == 0xE0 || b == 0xED)
                    break;
                i += 6;
            }
#endif
            while (i + 3 <= n) {
                unsigned d = s[i];
                if (d < 0xE1 || d > 0xEF || d == 0xED || (s[i + 1] & 0xC0) != 0x80 ||
                    (s[i + 2] & 0xC0) != 0x80)
                    break;
                i += 3;
            }
        } else if (c >= 0xC2 && c <= 0xDF) {
            if (i + 1 >= n || !utf8_is_cont(s[i + 1]))
                return i;
            i += 2;
        } else if (c >= 0xF0 && c <= 0xF4) {
            if (i + 3 >= n)
                return i;
            unsigned c1 = s[i + 1];
            unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
            if (c1 < lo || c1 > hi || !utf8_is_cont(s[i + 2]) ||
                !utf8_is_cont(s[i + 3]))
                return i;
            i += 4;
        } else {
            return i;
        }
    }
    return n;
}

/* Big5 or GB? Count the double-byte pairs that only one of them makes
 * likely: trail bytes 0x40-0x7E (Big5 has about half of its trails
 * there, GB2312 none) and leads 0xA4-0xA9 (frequent Han in Big5; kana,
 * Greek, Cyrillic and box drawing in GB2312) speak for Big5; trails
 * 0x80-0xA0 and leads 0x81-0xA0 (GBK only) and fullwidth ASCII 0xA3xx
 * (，！：in GB text) speak for GB. A tie goes to GB18030. */
static const char *trail_byte_guess(const unsigned char *s, size_t n)
{
    size_t big5 = 0, gb = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned l = s[i], t = s[i + 1];
        if (l < 0x81 || l > 0xFE)
            continue;
        if (t >= 0x40 && t <= 0x7E)
            big5++;
        else if (t >= 0x80 && t <= 0xA0)
            gb++;
        else if (l >= 0xA4 && l <= 0xA9 && t >= 0xA1)
            big5++;
        else if ((l >= 0x81 && l <= 0xA0) || (l == 0xA3 && t >= 0xA1))
            gb++;
        i++;
    }
    return big5 > gb ? "CP950" : "GB18030";
}

static const char *map_uchardet(const char *name, const unsigned char *s,
                                size_t n)
{
    static const struct {
        const char *from, *to;
    } tab[] = {
        {"UTF-8", "UTF-8"},         {"ASCII", "UTF-8"},
        {"GB18030", "GB18030"},     {"GB2312", "GB18030"},
        {"GBK", "GB18030"},         {"HZ-GB-2312", "HZ"},
        {"BIG5", "CP950"},          {"BIG5-HKSCS", "BIG5-HKSCS"},
        {"EUC-TW", "EUC-TW"},       {"SHIFT_JIS", "CP932"},
        {"SJIS", "CP932"},          {"CP932", "CP932"},
        {"EUC-JP", "EUC-JP"},       {"ISO-2022-JP", "ISO-2022-JP"},
        {"EUC-KR", "CP949"},        {"UHC", "CP949"},
        {"UTF-16LE", "UTF-16LE"},   {"UTF-16BE", "UTF-16BE"},
        {"UTF-32LE", "UTF-32LE"},   {"UTF-32BE", "UTF-32BE"},
    };
    if (name && *name)
        for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
            if (!strcasecmp(name, tab[i].from))
                return tab[i].to;
    /* uchardet needs about ten CJK characters and calls ASCII-heavy text
     * WINDOWS-1252 or nothing: decide between the two big CJK codecs */
    size_t high = 0;
    for (size_t i = 0; i < n; i++)
        high += s[i] >= 0x80;
    if (high == 0)
        return "UTF-8";
    return trail_byte_guess(s, n);
}

const char *enc_intern(const char *name)
{
    static struct interned {
        struct interned *next;
        char name[];
    } *head;
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&mu);
    struct interned *e = head;
    while (e && strcmp(e->name, name))
        e = e->next;
    if (!e) {
        size_t n = strlen(name) + 1;
        e = xmalloc(sizeof *e + n);
        memcpy(e->name, name, n);
        e->next = head;
        head = e;
    }
    pthread_mutex_unlock(&mu);
    return e->name;
}

/* The codecs enc_guess may answer (map_uchardet's and trail_byte_guess's):
 * enc_forms and enc_forms_in know the bytes of a character in each. */
static const char *const GUESSED[] = {
    "UTF-8",  "GB18030",     "HZ",    "CP950",    "BIG5-HKSCS", "EUC-TW",   "CP932",    "EUC-JP",
    "ISO-2022-JP", "CP949", "UTF-16LE", "UTF-16BE", "UTF-32LE",   "UTF-32BE",
};

enum { NGUESSED = sizeof GUESSED / sizeof *GUESSED };

size_t enc_guessable(const char *const **names)
{
    *names = GUESSED;
    return NGUESSED;
}

/* Their encoders, opened once (an iconv_open costs about 0.3 ms) and used
 * under g_enc_mu. The two stateful codecs have none: their forms are the
 * 7-bit pairs of their EUC sets (HZ: GB 2312, ISO-2022-JP: JIS X 0208). */
static iconv_t g_enc[NGUESSED];
static pthread_mutex_t g_enc_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t g_enc_once = PTHREAD_ONCE_INIT;
static void enc_open_all(void)
{
    for (size_t k = 0; k < NGUESSED; k++)
        g_enc[k] = !strcmp(GUESSED[k], "HZ") || !strcmp(GUESSED[k], "ISO-2022-JP")
                       ? (iconv_t)-1
                       : iconv_open(GUESSED[k], "UTF-32LE");
}

/* Their decoders (to UTF-32LE), opened at their first use and kept, one
 * use at a time (g_dec_mu). */
static iconv_t g_dec[NGUESSED];
static int g_dec_tried[NGUESSED];
static pthread_mutex_t g_dec_mu = PTHREAD_MUTEX_INITIALIZER;

static size_t unit_size(const char *enc);

int enc_decode_few(size_t k, const unsigned char *s, size_t n, uint32_t *cp, int max)
{
    if (k >= NGUESSED || max <= 0 || max > 4 || !strcmp(GUESSED[k], "HZ") ||
        !strcmp(GUESSED[k], "ISO-2022-JP"))
        return -1;
    size_t unit = unit_size(GUESSED[k]);
    unsigned char out[16];
    char *in = (char *)s, *o = (char *)out;
    size_t inleft = n < 32 ? n : 32, outleft = 4 * (size_t)max;
    int got = 0;
    pthread_mutex_lock(&g_dec_mu);
    if (!g_dec_tried[k]) {
        g_dec[k] = iconv_open("UTF-32LE", GUESSED[k]);
        g_dec_tried[k] = 1;
    }
    iconv_t cd = g_dec[k];
    if (cd != (iconv_t)-1) {
        iconv(cd, NULL, NULL, NULL, NULL);
        while (inleft > 0 && outleft >= 4) {
            size_t rc = iconv(cd, &in, &inleft, &o, &outleft);
            if (rc != (size_t)-1 || errno == E2BIG || outleft < 4)
                break;
            /* invalid or cut short: U+FFFD for one code unit, as
             * enc_convert gives it */
            memcpy(o, "\xFD\xFF\0\0", 4);
            o += 4;
            outleft -= 4;
            size_t skip = unit < inleft ? unit : inleft;
            in += skip;
            inleft -= skip;
            iconv(cd, NULL, NULL, NULL, NULL);
        }
        got = (int)((size_t)(o - (char *)out) / 4);
    }
    pthread_mutex_unlock(&g_dec_mu);
    if (cd == (iconv_t)-1)
        return -1;
    for (int i = 0; i < got; i++)
        cp[i] = (uint32_t)out[4 * i] | (uint32_t)out[4 * i + 1] << 8 |
                (uint32_t)out[4 * i + 2] << 16 | (uint32_t)out[4 * i + 3] << 24;
    return got;
}

static size_t codec_index(const char *name)
{
    for (size_t k = 0; k < NGUESSED; k++)
        if (!strcmp(GUESSED[k], name))
            return k;
    return NGUESSED;
}

/* c encoded in codec k (at most 8 bytes): its length, or 0. Under g_enc_mu. */
static size_t encode_one(size_t k, uint32_t c, unsigned char *out)
{
    iconv_t cd = g_enc[k];
    if (cd == (iconv_t)-1)
        return 0;
    unsigned char in[4] = {c & 0xFF, c >> 8 & 0xFF, c >> 16 & 0xFF, 0};
    char *ip = (char *)in, *op = (char *)out;
    size_t il = 4, ol = 8;
    iconv(cd, NULL, NULL, NULL, NULL);
    size_t rc = iconv(cd, &ip, &il, &op, &ol);
    if (rc != (size_t)-1 && !il)
        rc = iconv(cd, NULL, NULL, &op, &ol); /* (a shift back: none here) */
    return rc == (size_t)-1 || il ? 0 : 8 - ol;
}

#include "encalt.inc"

/* One form to out (len, bytes), unless there. */
static void add_form(buf_t *out, const unsigned char *b, size_t n)
{
    if (!n || n > ENC_FORM_MAX)
        return;
    for (size_t i = 0; i < out->n; i += 1 + (unsigned char)out->p[i])
        if ((unsigned char)out->p[i] == n && !memcmp(out->p + i + 1, b, n))
            return;
    unsigned char l = (unsigned char)n;
    buf_add(out, &l, 1);
    buf_add(out, b, n);
}

/* enc_forms_in, under g_enc_mu */
static void forms_in(size_t k, uint32_t c, buf_t *out)
{
    const char *name = GUESSED[k];
    int hz = !strcmp(name, "HZ"), jis = !strcmp(name, "ISO-2022-JP");
    unsigned char b[12];
    if (hz || jis) { /* ASCII as it is (ISO-2022-JP's JIS-Roman: ¥ and ‾ on
                        \ and ~); HZ's GB 2312 pair; ISO-2022-JP's JIS X 0208 pair */
        if (c < 0x80 || (jis && (c == 0xA5 || c == 0x203E))) {
            unsigned char a = (unsigned char)(c == 0xA5 ? 0x5C : c == 0x203E ? 0x7E : c);
            add_form(out, &a, 1);
            return;
        }
        size_t n = encode_one(codec_index(hz ? "GB18030" : "EUC-JP"), c, b);
        if (n == 2 && b[0] >= 0xA1 && b[1] >= 0xA1) {
            unsigned char seven[2] = {b[0] & 0x7F, b[1] & 0x7F};
            add_form(out, seven, 2);
        }
        return;
    }
    size_t n = encode_one(k, c, b);
    add_form(out, b, n);
    if (n == 2 && !strcmp(name, "EUC-TW")) { /* plane 1 in 4 bytes too */
        unsigned char w[4] = {0x8E, 0xA1, b[0], b[1]};
        add_form(out, w, 4);
    }
    /* the other byte sequences the codec decodes to c (CP932's NEC and IBM
     * rows, ...): from src/encalt.inc */
    for (size_t i = 0; i < sizeof ENC_ALT / sizeof *ENC_ALT; i++)
        if (ENC_ALT[i].c == c && !strcmp(ENC_ALT[i].codec, name))
            add_form(out, ENC_ALT[i].b, ENC_ALT[i].n);
}

void enc_forms_in(size_t k, uint32_t c, buf_t *out)
{
    if (k >= NGUESSED)
        return;
    pthread_once(&g_enc_once, enc_open_all);
    pthread_mutex_lock(&g_enc_mu);
    forms_in(k, c, out);
    pthread_mutex_unlock(&g_enc_mu);
}

void enc_forms_seq_in(size_t k, const uint32_t *v, size_t n, buf_t *out)
{
    if (k >= NGUESSED || !n)
        return;
    pthread_once(&g_enc_once, enc_open_all);
    /* the forms of v[0..m), one character more at a time, while there are
     * few and they are short; then those of the longest prefix done */
    buf_t cur = {0}, next = {0}, one = {0};
    pthread_mutex_lock(&g_enc_mu);
    forms_in(k, v[0], &cur);
    for (size_t i = 1; i < n; i++) {
        one.n = next.n = 0;
        forms_in(k, v[i], &one);
        size_t count = 0, fit = 1;
        for (size_t a = 0; a < cur.n; a += 1 + (unsigned char)cur.p[a])
            for (size_t b = 0; b < one.n; b += 1 + (unsigned char)one.p[b]) {
                size_t la = (unsigned char)cur.p[a], lb = (unsigned char)one.p[b];
                if (la + lb > ENC_FORM_MAX || ++count > 16) {
                    fit = 0;
                    continue;
                }
                unsigned char w[ENC_FORM_MAX];
                memcpy(w, cur.p + a + 1, la);
                memcpy(w + la, one.p + b + 1, lb);
                add_form(&next, w, la + lb);
            }
        if (!fit || !one.n)
            break; /* (none: the codec has no v[i]; v[0..i) is a superset) */
        buf_t t = cur;
        cur = next;
        next = t;
    }
    pthread_mutex_unlock(&g_enc_mu);
    for (size_t a = 0; a < cur.n; a += 1 + (unsigned char)cur.p[a])
        add_form(out, (const unsigned char *)cur.p + a + 1, (unsigned char)cur.p[a]);
    buf_free(&cur);
    buf_free(&next);
    buf_free(&one);
}

void enc_forms(uint32_t c, buf_t *out)
{
    pthread_once(&g_enc_once, enc_open_all);
    pthread_mutex_lock(&g_enc_mu);
    for (size_t k = 0; k < NGUESSED; k++)
        forms_in(k, c, out);
    pthread_mutex_unlock(&g_enc_mu);
}

/* The charset an HTML page declares in its first 4 KiB (<meta
 * charset=...>, or http-equiv's content="...; charset=..."), as a codec
 * iconv has (a superset as enc_canonical's, and WHATWG's ISO-8859-1 ->
 * CP1252), or NULL: none, unknown, or a Unicode form (the bytes decide). */
static const char *html_declared(const unsigned char *s, size_t n)
{
    static _Thread_local char buf[32];
    static const struct {
        const char *from, *to;
    } alias[] = {
        {"GB2312", "GB18030"},   {"GBK", "GB18030"},      {"X-GBK", "GB18030"},
        {"CP936", "GB18030"},    {"EUC-CN", "GB18030"},   {"GB18030", "GB18030"},
        {"BIG5", "CP950"},       {"X-X-BIG5", "CP950"},   {"SHIFT_JIS", "CP932"},
        {"SHIFT-JIS", "CP932"},  {"SJIS", "CP932"},       {"X-SJIS", "CP932"},
        {"WINDOWS-31J", "CP932"}, {"EUC-KR", "CP949"},    {"ISO-8859-1", "CP1252"},
        {"LATIN1", "CP1252"},    {"US-ASCII", "CP1252"},
    };
    size_t lim = n < 4096 ? n : 4096;
    for (size_t i = 0; i + 5 < lim; i++) {
        if (s[i] != '<' || strncasecmp((const char *)s + i + 1, "meta", 4))
            continue;
        size_t e = i + 5;
        while (e < lim && s[e] != '>')
            e++;
        for (size_t j = i + 5; j + 7 < e; j++) {
            if (strncasecmp((const char *)s + j, "charset", 7))
                continue;
            size_t k = j + 7;
            while (k < e && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r'))
                k++;
            if (k >= e || s[k] != '=')
                continue;
            k++;
            while (k < e && (s[k] == ' ' || s[k] == '"' || s[k] == '\''))
                k++;
            size_t m = 0;
            while (k + m < e && m + 1 < sizeof buf &&
                   (isalnum(s[k + m]) || strchr("-_.:", s[k + m])) && s[k + m])
                m++;
            if (m == 0 || m + 1 >= sizeof buf)
                return NULL;
            for (size_t c = 0; c < m; c++)
                buf[c] = (char)toupper(s[k + c]);
            buf[m] = '\0';
            /* the Unicode forms are the bytes' to tell: UTF-8, UTF-16/32 (a
             * page that says so in ASCII is not one), and UTF-7, which
             * WHATWG does not know and whose offsets are stateful */
            if (!strncmp(buf, "UTF", 3) || !strncmp(buf, "UCS", 3))
                return NULL;
            for (size_t a = 0; a < sizeof alias / sizeof *alias; a++)
                if (!strcmp(buf, alias[a].from))
                    return alias[a].to;
            iconv_t cd = iconv_open("UTF-8", buf);
            if (cd == (iconv_t)-1)
                return NULL;
            iconv_close(cd);
            return buf;
        }
    }
    return NULL;
}

enum { DETECT_HIGH = 512 }; /* bytes over 0x7F that uchardet reads */

const char *enc_detect_unicode(const unsigned char *s, size_t n, size_t *bom)
{
    *bom = 0;
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        *bom = 3;
        return "UTF-8";
    }
    if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE) {
        *bom = 2;
        return "UTF-16LE";
    }
    if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
        *bom = 2;
        return "UTF-16BE";
    }
    /* UTF-8 is judged on a sample, so that opening a 100 MB file does not
     * read all of it: up to 256 KiB from the first non-ASCII byte (an ASCII
     * prefix is skipped for up to 4 MiB); a legacy CJK encoding fails
     * within its first few characters */
    size_t first = 0, lim = n < (4u << 20) ? n : (4u << 20);
    while (first < lim && s[first] < 0x80)
        first++;
    size_t end = n - first > (256u << 10) ? first + (256u << 10) : n;
    size_t v = enc_utf8_valid_prefix(s, end);
    int ok = v == end;
    if (!ok && end < n && end - v < 4) {
        /* a character cut by the end of the sample: check it whole */
        size_t m = n - v < 4 ? n - v : 4;
        ok = enc_utf8_valid_prefix(s + v, m) > 0;
    }
    return ok ? "UTF-8" : NULL;
}

const char *enc_declared(const unsigned char *s, size_t n)
{
    return html_declared(s, n);
}

const char *enc_detect(const unsigned char *s, size_t n, size_t *bom)
{
    const char *u = enc_detect_unicode(s, n, bom);
    return u ? u : enc_guess(s, n);
}

const char *enc_guess(const unsigned char *s, size_t n)
{
    const char *meta = html_declared(s, n); /* an HTML page says */
    if (meta)
        return meta;
    size_t first = 0, lim = n < (4u << 20) ? n : (4u << 20);
    while (first < lim && s[first] < 0x80)
        first++;
    /* uchardet reads from the first non-ASCII byte (at a multiple of 4,
     * for UTF-16/32) up to its DETECT_HIGH-th byte over 0x7F, at most
     * 4 MiB. Below 1,024 CJK characters uchardet runs every single-byte
     * prober over every byte (10,000 articles of 1-5 KB, one in ten
     * GB18030, the whole files: half of --grep's time): 512 high bytes
     * cost half as much as a 3 KB article, and are twice what decides
     * between the CJK codecs (Shift_JIS, EUC-JP, GB18030, Big5 articles
     * of 1-5 KB cut from real texts, and those of bench/mklib.py: the
     * same guesses from 256 as from the whole; from 128, 4 wrong of 1,383) */
    size_t a = first & ~(size_t)3, m = a, high = 0;
    size_t lim4 = n - a < (4u << 20) ? n : a + (4u << 20);
    while (m < lim4 && high < DETECT_HIGH)
        high += s[m++] >= 0x80;
    const cxx_uchardet_t *api = cxx_uchardet();
    uchardet_t ud = api ? api->create() : NULL;
    const char *res = NULL;
    if (ud && api->handle_data(ud, (const char *)s + a, m - a) == 0) {
        api->data_end(ud);
        res = map_uchardet(api->get_charset(ud), s + a, m - a);
    } else {
        res = map_uchardet(NULL, s + a, m - a);
    }
    if (ud)
        api->destroy(ud);
    return res;
}

const char *enc_canonical(const char *name)
{
    static _Thread_local char buf[64];
    static const struct {
        const char *from, *to;
    } alias[] = {
        {"GB2312", "GB18030"}, {"GBK", "GB18030"},   {"BIG5", "CP950"},
        {"SJIS", "CP932"},     {"SHIFT_JIS", "CP932"}, {"SHIFT-JIS", "CP932"},
        {"UTF8", "UTF-8"},     {"EUC-KR", "CP949"},
    };
    for (size_t i = 0; i < sizeof alias / sizeof *alias; i++)
        if (!strcasecmp(name, alias[i].from))
            return alias[i].to;
    if (strlen(name) >= sizeof buf)
        return NULL;
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1)
        return NULL;
    iconv_close(cd);
    size_t i = 0;
    for (; name[i]; i++)
        buf[i] = (name[i] >= 'a' && name[i] <= 'z') ? name[i] - 32 : name[i];
    buf[i] = '\0';
    return buf;
}

static void add_ck(enc_result_t *r, size_t t, size_t s)
{
    if (r->nck && r->ck_text[r->nck - 1] == t) {
        r->ck_src[r->nck - 1] = s;
        return;
    }
    size_t cap = r->ckcap;
    grow(&r->ck_text, &cap, r->nck + 1, sizeof *r->ck_text);
    grow(&r->ck_src, &r->ckcap, r->nck + 1, sizeof *r->ck_src);
    r->ck_text[r->nck] = t;
    r->ck_src[r->nck] = s;
    r->nck++;
}

static void out_add(enc_result_t *r, size_t *cap, const void *p, size_t n)
{
    grow(&r->text, cap, r->len + n + 1, 1);
    memcpy(r->text + r->len, p, n);
    r->len += n;
}

static const char FFFD[3] = {(char)0xEF, (char)0xBF, (char)0xBD};

/* UTF-8 with damage: keep every valid sequence, one U+FFFD per bad byte. */
static void repair_utf8(const unsigned char *s, size_t n, enc_result_t *r)
{
    size_t cap = 0, i = 0;
    add_ck(r, 0, 0);
    while (i < n) {
        size_t k = enc_utf8_valid_prefix(s + i, n - i);
        out_add(r, &cap, s + i, k);
        i += k;
        if (i < n) {
            add_ck(r, r->len, i);
            out_add(r, &cap, FFFD, 3);
            r->nbad++;
            i++;
            add_ck(r, r->len, i);
        }
    }
    grow(&r->text, &cap, r->len + 1, 1);
    r->text[r->len] = '\0';
}

/* Bytes per code unit: UTF-16 and UTF-32 skip whole units on an error. */
static size_t unit_size(const char *enc)
{
    if (!strncasecmp(enc, "UTF-16", 6) || !strncasecmp(enc, "UCS-2", 5))
        return 2;
    if (!strncasecmp(enc, "UTF-32", 6) || !strncasecmp(enc, "UCS-4", 5))
        return 4;
    return 1;
}

/* Where a chunk may end: after a line feed in an ASCII-compatible
 * multibyte codec (0x0A is never a trail byte there), after an LF code
 * unit in UTF-16/32; stateful codecs convert in one piece. */
static size_t chunk_end(const char *enc, const unsigned char *s, size_t n,
                        size_t from, size_t want)
{
    size_t unit = unit_size(enc);
    int le = unit > 1 && strcasestr(enc, "LE") != NULL;
    if (!strcasecmp(enc, "HZ") || !strncasecmp(enc, "ISO-2022", 8))
        return n;
    size_t i = from + want;
    if (i >= n)
        return n;
    i -= (i - from) % unit;
    for (; i + unit <= n; i += unit) {
        size_t lfpos = le || unit == 1 ? i : i + unit - 1;
        int ok = s[lfpos] == '\n';
        for (size_t j = 0; j < unit && ok; j++)
            if (i + j != lfpos && s[i + j])
                ok = 0;
        if (ok)
            return i + unit;
    }
    return n;
}

int enc_convert(const char *enc, const unsigned char *s, size_t n,
                enc_result_t *r)
{
    memset(r, 0, sizeof *r);
    if (!strcasecmp(enc, "UTF-8")) {
        /* iconv refuses damaged UTF-8 to UTF-8: repair by hand */
        repair_utf8(s, n, r);
        return 0;
    }
    iconv_t cd = iconv_open("UTF-8", enc);
    if (cd == (iconv_t)-1)
        return -1;
    size_t unit = unit_size(enc), cap = 0, from = 0;
    grow(&r->text, &cap, n + n / 2 + 16, 1);
    while (from < n) {
        /* chunks of about 64 KiB, each with a checkpoint, so that a text
         * offset maps back by re-encoding at most one chunk */
        size_t to = chunk_end(enc, s, n, from, 1u << 16);
        add_ck(r, r->len, from);
        char *in = (char *)s + from;
        size_t inleft = to - from;
        while (inleft > 0) {
            grow(&r->text, &cap, r->len + 4 * inleft + 16, 1);
            char *out = r->text + r->len;
            size_t outleft = cap - r->len - 1;
            size_t rc = iconv(cd, &in, &inleft, &out, &outleft);
            r->len = (size_t)(out - r->text);
            if (rc != (size_t)-1 || errno == E2BIG)
                continue;
            /* an invalid or truncated sequence: one U+FFFD for one code
             * unit, and on with the rest */
            size_t at = (size_t)(in - (char *)s);
            size_t skip = inleft < unit ? inleft : unit;
            add_ck(r, r->len, at);
            out_add(r, &cap, FFFD, 3);
            r->nbad++;
            in += skip;
            inleft -= skip;
            add_ck(r, r->len, at + skip);
            iconv(cd, NULL, NULL, NULL, NULL); /* back to the initial state */
        }
        from = to;
    }
    /* the closing shift sequence of a stateful codec */
    grow(&r->text, &cap, r->len + 16, 1);
    char *out = r->text + r->len;
    size_t outleft = cap - r->len - 1;
    iconv(cd, NULL, NULL, &out, &outleft);
    r->len = (size_t)(out - r->text);
    iconv_close(cd);
    r->text[r->len] = '\0';
    return 0;
}

size_t enc_src_offset(const enc_result_t *r, const char *enc, size_t off)
{
    if (!r->nck)
        return off;
    size_t lo = 0, hi = r->nck;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (r->ck_text[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    size_t t0 = r->ck_text[lo], s0 = r->ck_src[lo];
    /* never past the next checkpoint: an offset inside a character (a
       U+FFFD that stands for one byte) stays monotonic */
    size_t s1 = lo + 1 < r->nck ? r->ck_src[lo + 1] : (size_t)-1;
    if (off <= t0)
        return s0;
    size_t len = off - t0;
    if (strcasecmp(enc, "UTF-8")) { /* re-encode the text from the checkpoint */
        char *b = u8_conv_to_encoding(enc, iconveh_question_mark,
                                      (const uint8_t *)r->text + t0, off - t0,
                                      NULL, NULL, &len);
        if (!b)
            return s0;
        free(b);
    }
    return s0 + len < s1 ? s0 + len : s1;
}

void enc_result_free(enc_result_t *r)
{
    free(r->ck_text);
    free(r->ck_src);
    r->ck_text = r->ck_src = NULL;
    r->nck = r->ckcap = 0;
}
