#include "text.h"
#include "chars.h"
#include "utf8.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unigbrk.h>
#include <unistr.h>
#include <wchar.h>

#define MAX_MARKS 4

int text_init_locale(void)
{
    const char *cs = nl_langinfo(CODESET);
    if (cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8")))
        return 0;
    if (setlocale(LC_CTYPE, "C.UTF-8") || setlocale(LC_CTYPE, "en_US.UTF-8"))
        return 0;
    return -1;
}

size_t text_skip_blanks(const char *s, size_t i, size_t end)
{
    while (i < end) {
        uint32_t c;
        int k = text_decode(s + i, end - i, &c);
        if (!ch_blank(c))
            break;
        i += (size_t)k;
    }
    return i;
}

size_t text_trim_blanks(const char *s, size_t start, size_t e)
{
    while (e > start) {
        size_t i = utf8_back(s, start, e - 1);
        uint32_t c;
        if (text_decode(s + i, e - i, &c) != (int)(e - i) || !ch_blank(c))
            break;
        e = i;
    }
    return e;
}

/* Kind of a code point for display. */
enum { K_NORMAL, K_MARK, K_DROP, K_CARET, K_HEX, K_BAD, K_TAB };

static int kind_of(uint32_t c, int *w)
{
    if (c < 0x20 || c == 0x7F) {
        *w = c == '\t' ? 1 : 2;
        return c == '\t' ? K_TAB : K_CARET;
    }
    if (c < 0x7F) {
        *w = 1;
        return K_NORMAL;
    }
    uint32_t cls = ch_class(c);
    if (cls & CH_DROP) {
        *w = 0;
        return K_DROP;
    }
    if (cls & CH_ESCAPE) {
        *w = c > 0xFFFF ? 9 : 8;
        return K_HEX;
    }
    int k = wcwidth((wchar_t)c);
    if (k < 0) {
        *w = 1;
        return K_BAD;
    }
    *w = k;
    return k == 0 ? K_MARK : K_NORMAL;
}

/* Per-BMP-code-point cache of kind_of() plus a "simple" bit: the
 * character's grapheme-break property is Other/Control, so a cluster
 * boundary lies on both sides of it unless a neighbour is not simple.
 * Worked out from wcwidth() and libunistring, so it agrees with them, on a
 * code point's first use, and then kept: the first screen of a Chinese
 * text needs a few hundred code points, and filling the pages of 256 they
 * fell in made its first draw 2.4 ms against 1.6 ms filled one by one
 * (medians of 30, the 107 MB bench text, chars.h filled alike). An entry
 * is a byte, the same whoever fills it, published by its bit in known[]
 * (release). */
enum { T_WMASK = 0x0F, T_KSHIFT = 4, T_KMASK = 0x70, T_SIMPLE = 0x80 };
static uint8_t bmp[0x10000];
static uint8_t known[0x10000 / 8];

static uint8_t bmp_fill(uint32_t c)
{
    int w, k;
    if (c >= 0xD800 && c <= 0xDFFF) {
        k = K_BAD;
        w = 1;
    } else {
        k = kind_of(c, &w);
    }
    int g = uc_graphemeclusterbreak_property(c);
    /* not CR: CR LF is one cluster */
    int simple = g == GBP_OTHER || g == GBP_CONTROL || g == GBP_LF;
    uint8_t b = (uint8_t)((w & T_WMASK) | (k << T_KSHIFT) | (simple ? T_SIMPLE : 0));
    __atomic_store_n(&bmp[c], b, __ATOMIC_RELAXED);
    __atomic_fetch_or(&known[c >> 3], (uint8_t)(1u << (c & 7)), __ATOMIC_RELEASE);
    return b;
}

static inline int kind_fast(uint32_t c, int *w, int *simple)
{
    if (c < 0x10000) {
        uint8_t b = __atomic_load_n(&known[c >> 3], __ATOMIC_ACQUIRE) & (1u << (c & 7))
                        ? __atomic_load_n(&bmp[c], __ATOMIC_RELAXED)
                        : bmp_fill(c);
        *w = b & T_WMASK;
        *simple = (b & T_SIMPLE) != 0;
        return (b & T_KMASK) >> T_KSHIFT;
    }
    *simple = 0;
    return kind_of(c, w);
}

int text_cp_width(uint32_t cp)
{
    int w;
    kind_of(cp, &w);
    return w;
}

static void add_hex(buf_t *b, uint32_t c)
{
    char tmp[16];
    int k = snprintf(tmp, sizeof tmp, "<U+%04X>", (unsigned)c);
    buf_add(b, tmp, (size_t)k);
}

static void add_caret(buf_t *b, uint32_t c)
{
    char tmp[2] = {'^', c == 0x7F ? '?' : (char)(c + 0x40)};
    buf_add(b, tmp, 2);
}

/* Decode the character at s and classify it for display: *k its bytes,
 * *w its cells, *simple its cluster-boundary bit. */
static inline int next_char(const char *s, size_t n, uint32_t *c, int *k,
                            int *w, int *simple)
{
    *k = text_decode(s, n, c);
    int kind = kind_fast(*c, w, simple);
    return utf8_invalid(*c, *k) ? K_BAD : kind;
}

/* Sanitise s into b, or only measure it when b is NULL. */
static size_t sanitize(buf_t *b, const char *s, size_t n)
{
    size_t i = 0, cells = 0;
    int base = 0, marks = 0; /* a base drawn, marks on it */
    while (i < n) {
        if (s[i] >= 0x20 && s[i] < 0x7F) {
            /* a run of printable ASCII, each a cell as it is (what
               kind_fast says of them, test_text): at once (--grep -c over
               10,000 files: a path a line, 3% of its time a character at
               a time) */
            size_t j = i + 1;
            while (j < n && s[j] >= 0x20 && s[j] < 0x7F)
                j++;
            if (b)
                buf_add(b, s + i, j - i);
            cells += j - i;
            base = 1;
            marks = 0;
            i = j;
            continue;
        }
        uint32_t c;
        int k, w, simple, kind = next_char(s + i, n - i, &c, &k, &w, &simple);
        switch (kind) {
        case K_NORMAL:
            if (b)
                buf_add(b, s + i, (size_t)k);
            base = 1;
            marks = 0;
            break;
        case K_MARK:
            if (!base) {
                if (b)
                    buf_add(b, "\xC2\xA0", 2); /* NBSP as a base */
                w = 1;
                base = 1;
                marks = 0;
            }
            if (marks++ < MAX_MARKS && b)
                buf_add(b, s + i, (size_t)k);
            break;
        case K_TAB:
            if (b)
                buf_addc(b, ' ');
            base = 0;
            break;
        case K_CARET:
            if (b)
                add_caret(b, c);
            base = 0;
            break;
        case K_HEX:
            if (b)
                add_hex(b, c);
            base = 0;
            break;
        case K_BAD:
            if (b)
                buf_add(b, "\xEF\xBF\xBD", 3);
            w = 1;
            base = 0;
            break;
        default: /* K_DROP */
            break;
        }
        cells += (size_t)w;
        i += (size_t)k;
    }
    if (b && !b->p)
        buf_add(b, "", 0);
    return cells;
}

size_t text_sanitize(buf_t *b, const char *s, size_t n)
{
    return sanitize(b, s, n);
}

size_t text_width(const char *s, size_t n)
{
    return sanitize(NULL, s, n);
}

static unit_t *new_unit(units_t *t, uint32_t off, uint32_t cp, int flags)
{
    unit_t *u = &t->u[t->n++];
    u->off = off;
    u->doff = (uint32_t)t->disp.n;
    u->cp = cp;
    u->w = 0;
    u->flags = (uint8_t)flags;
    return u;
}

/* Room for `left` more source bytes copied as they are. */
static void reserve_rest(units_t *t, size_t left)
{
    grow(&t->disp.p, &t->disp.cap, t->disp.n + left + 1, 1);
}

void text_units(units_t *t, const char *s, size_t n)
{
    t->n = 0;
    t->disp.n = 0;
    grow(&t->u, &t->cap, n + 1, sizeof *t->u);
    /* Most paragraphs hold only characters with trivial cluster
     * boundaries (Han, kana, Latin, punctuation): libunistring's grapheme
     * breaker runs only when a paragraph holds something else. */
    int have_gb = 0;
restart:
    t->n = 0;
    t->disp.n = 0;
    /* display bytes of plain characters are copied without checks: keep
     * room for the rest of the source at every step */
    reserve_rest(t, n);
    unit_t *cur = NULL; /* unit receiving marks, within the current cluster */
    int marks = 0;
    size_t i = 0;
    while (i < n) {
        uint32_t c;
        int k, w, simple, kind = next_char(s + i, n - i, &c, &k, &w, &simple);
        int cluster = 1;
        if (have_gb) {
            cluster = (i == 0 || t->gb[i]);
            for (int j = 1; j < k; j++)
                if (t->gb[i + (size_t)j]) /* invalid bytes broke a cluster */
                    cluster = 1;
        } else if (!simple) {
            grow(&t->gb, &t->gbcap, n + 1, 1);
            u8_grapheme_breaks((const uint8_t *)s, n, t->gb);
            have_gb = 1;
            goto restart;
        }
        if (cluster)
            cur = NULL;
        const char *src = s + i;
        if (kind == K_MARK && cur) {
            if (marks < MAX_MARKS) {
                memcpy(t->disp.p + t->disp.n, src, (size_t)k);
                t->disp.n += (size_t)k;
            }
            marks++;
        } else if (kind == K_DROP) {
            if (!cur) {
                /* a cluster made only of dropped characters: an empty,
                 * zero-width unit keeps its bytes accounted for */
                cur = new_unit(t, (uint32_t)i, c, cluster ? U_CLUSTER : 0);
                marks = MAX_MARKS; /* nothing may attach to an empty base */
            }
        } else {
            unit_t *u = new_unit(t, (uint32_t)i, c, cluster ? U_CLUSTER : 0);
            marks = 0;
            switch (kind) {
            case K_NORMAL:
                /* never longer than the source: room was reserved */
                memcpy(t->disp.p + t->disp.n, src, (size_t)k);
                t->disp.n += (size_t)k;
                if (w == 2)
                    u->flags |= U_WIDE;
                if (ch_blank(c))
                    u->flags |= U_SPACE;
                break;
            case K_TAB:
                t->disp.p[t->disp.n++] = ' ';
                u->flags |= U_SPACE;
                break;
            case K_CARET:
                add_caret(&t->disp, c);
                u->flags |= U_ESCAPE;
                break;
            case K_HEX:
                add_hex(&t->disp, c);
                u->flags |= U_ESCAPE;
                break;
            case K_BAD:
                buf_add(&t->disp, "\xEF\xBF\xBD", 3);
                break;
            default: /* K_MARK without a base: give it one */
                buf_add(&t->disp, "\xC2\xA0", 2);
                buf_add(&t->disp, src, (size_t)k);
                w = 1;
                marks = 1;
                break;
            }
            if (kind != K_NORMAL && kind != K_TAB)
                reserve_rest(t, n - i);
            u->w = (uint8_t)w;
            /* escapes and U+FFFD take no marks */
            cur = (kind == K_NORMAL || kind == K_MARK) ? u : NULL;
        }
        i += (size_t)k;
    }
    grow(&t->u, &t->cap, t->n + 1, sizeof *t->u);
    unit_t *end = &t->u[t->n];
    end->off = (uint32_t)n;
    end->doff = (uint32_t)t->disp.n;
    end->cp = 0;
    end->w = 0;
    end->flags = U_CLUSTER;
}

void units_free(units_t *t)
{
    free(t->u);
    free(t->gb);
    buf_free(&t->disp);
    memset(t, 0, sizeof *t);
}

void text_count_reading(const char *s, size_t n, size_t *cjk, size_t *words)
{
    size_t c = 0, w = 0;
    int inword = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)s[i];
        if (b < 0x80) {
            int al = (b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z');
            w += al && !inword;
            inword = al;
            i++;
            continue;
        }
        uint32_t cp;
        i += (size_t)text_decode(s + i, n - i, &cp);
        uint32_t k = ch_class(cp);
        int latin = (k & CH_WORD) != 0;
        w += latin && !inword;
        inword = latin;
        c += (k & CH_CJK) != 0;
    }
    *cjk += c;
    *words += w;
}

safe_path_t safe_path_of(const char *path)
{
    safe_path_t r;
    buf_t b = {0};
    text_sanitize(&b, path, strlen(path));
    size_t n = b.n;
    if (n >= sizeof r.s) { /* cut at a character, room for "…" */
        n = sizeof r.s - 4;
        while (n > 0 && ((unsigned char)b.p[n] & 0xC0) == 0x80)
            n--;
    }
    if (n)
        memcpy(r.s, b.p, n);
    if (n < b.n)
        memcpy(r.s + n, "\xE2\x80\xA6", 3), n += 3;
    r.s[n] = '\0';
    buf_free(&b);
    return r;
}

static int cjkish(uint32_t cp)
{
    return text_cp_width(cp) == 2 || ch_is(cp, CH_CJK_PUNCT);
}

int text_joins_tight(const char *a, size_t an, const char *b, size_t bn)
{
    if (!an || !bn)
        return 0;
    size_t i = utf8_back(a, 0, an - 1); /* the start of a's last character */
    uint32_t c1, c2;
    text_decode(a + i, an - i, &c1);
    text_decode(b, bn, &c2);
    return cjkish(c1) && cjkish(c2);
}
