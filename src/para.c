#include "para.h"
#include "chars.h"
#include "text.h"

#include <stdint.h>
#include <string.h>

/* Start of the line containing off. */
static size_t line_start(const char *t, size_t off)
{
    size_t i = off;
    if (i > 4096 && !(t[i] == '\n' && t[i - 1] == '\r')) {
        /* a long line: memrchr the rest of the way */
        const char *lf = memrchr(t, '\n', i);
        size_t from = lf ? (size_t)(lf - t) + 1 : 0;
        const char *cr = i > from ? memrchr(t + from, '\r', i - from) : NULL;
        return cr ? (size_t)(cr - t) + 1 : from;
    }
    while (i > 0) {
        char c = t[i - 1];
        if (c == '\n' || c == '\r') {
            /* off sits on the LF of a CRLF: the CR belongs to this line */
            if (c == '\r' && i == off && t[i] == '\n') {
                i--;
                continue;
            }
            break;
        }
        i--;
    }
    return i;
}

/* The end of the line content starting at s, and the start of the next
 * line, when the end comes before lim; else (size_t)-1. Reads only as far
 * as the line end (in windows that double), so a file with lone-CR line
 * ends is not scanned to its end for every line. */
static size_t end_before(const char *t, size_t len, size_t s, size_t lim, size_t *next)
{
    if (lim > len)
        lim = len;
    size_t from = s, win = 1024;
    for (;;) {
        size_t to = lim - from > win ? from + win : lim;
        const char *lf = memchr(t + from, '\n', to - from);
        size_t e = lf ? (size_t)(lf - t) : to;
        const char *cr = memchr(t + from, '\r', e - from);
        if (cr) {
            e = (size_t)(cr - t);
            *next = (e + 1 < len && t[e + 1] == '\n') ? e + 2 : e + 1;
            return e;
        }
        if (lf) {
            *next = e + 1;
            return e;
        }
        if (to == lim) {
            if (lim < len)
                return (size_t)-1;
            *next = len;
            return len;
        }
        from = to;
        win *= 2;
    }
}

/* The end of the line content starting at s, and the start of the next. */
static size_t line_end(const char *t, size_t len, size_t s, size_t *next)
{
    return end_before(t, len, s, len, next);
}

static int is_blank_line(const char *t, size_t s, size_t e)
{
    return text_skip_blanks(t, s, e) == e;
}

/* ---- pieces of long lines ------------------------------------------------ */

enum { CUT_WINDOW = 4096 };

static int alnum(uint32_t c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* The cut at or after m, before lim (a line end, or m + CUT_WINDOW): the
 * first place between two characters where a line may break anyway, else
 * the first character boundary at or after m; lim if there is none. */
size_t para_cut(const char *t, size_t m, size_t lim)
{
    size_t i = utf8_next(t, m, lim); /* to a character start */
    size_t first = i;
    if (i == 0 || i >= lim)
        return i < lim ? i : lim;
    /* the character before i */
    size_t j = utf8_back(t, 0, i - 1);
    uint32_t prev;
    text_decode(t + j, i - j, &prev);
    uint32_t pk = ch_class(prev);
    while (i < lim) {
        uint32_t c;
        int k = text_decode(t + i, lim - i, &c);
        uint32_t ck = ch_class(c);
        if (((pk & (CH_HAN | CH_KANA)) && (ck & (CH_HAN | CH_KANA)) && !(ck & CH_NO_START)) ||
            (prev == ' ' && alnum(c)))
            return i;
        prev = c;
        pk = ck;
        i += (size_t)k;
    }
    return first;
}

/* Piece k >= 1 of the line starting at ls (longer than ls + k *
 * PARA_PIECE) starts at the cut after ls + k * PARA_PIECE; e: the line's
 * end when known, else (size_t)-1. */
static size_t piece_cut(const char *t, size_t len, size_t ls, size_t k, size_t e)
{
    size_t m = ls + k * PARA_PIECE, nx;
    if (e == (size_t)-1)
        e = end_before(t, len, m, m + CUT_WINDOW, &nx);
    if (e <= m)
        return e;
    size_t lim = e - m > CUT_WINDOW ? m + CUT_WINDOW : e;
    return para_cut(t, m, lim);
}

/* Fill p with piece k of the line starting at ls whose piece k starts at
 * a (k = 0: a = ls). */
static void piece_from(const char *t, size_t len, size_t ls, size_t k, size_t a, para_t *p)
{
    size_t m = ls + (k + 1) * PARA_PIECE, next = 0;
    size_t e = end_before(t, len, a, m + CUT_WINDOW, &next);
    size_t b = piece_cut(t, len, ls, k + 1, e);
    p->line = ls;
    p->start = a;
    p->blank = 0;
    p->cont = k > 0;
    if (e != (size_t)-1 && b >= e) { /* the line's last piece */
        p->end = e;
        p->next = next;
    } else {
        p->end = p->next = b;
    }
}

/* The end of the line starting at s (and *next), or (size_t)-1 when it is
 * longer than PARA_PIECE (cut into pieces). */
static size_t short_line_end(const char *t, size_t len, size_t s, size_t *next)
{
    size_t e = end_before(t, len, s, s + PARA_PIECE + CUT_WINDOW, next);
    return e != (size_t)-1 && e - s > PARA_PIECE ? (size_t)-1 : e;
}

/* Fill p for the paragraph whose first line starts at s. */
static void para_from(const char *t, size_t len, size_t s, para_t *p)
{
    size_t next, e = short_line_end(t, len, s, &next);
    if (e == (size_t)-1) {
        piece_from(t, len, s, 0, s, p);
        return;
    }
    p->start = s;
    p->end = e;
    p->next = next;
    p->cont = 0;
    p->line = s;
    p->blank = is_blank_line(t, s, e);
    if (!p->blank)
        return;
    while (p->next < len) {
        size_t n2, e2 = line_end(t, len, p->next, &n2);
        if (!is_blank_line(t, p->next, e2))
            break;
        p->end = e2;
        p->next = n2;
    }
}

int para_at(const char *t, size_t len, size_t off, para_t *p)
{
    if (off >= len)
        return 0;
    size_t s = line_start(t, off);
    size_t next, e = short_line_end(t, len, s, &next);
    if (e == (size_t)-1) { /* the piece holding off */
        while (off > s && (t[off] == '\n' || t[off] == '\r'))
            off--; /* a line end belongs to the last piece */
        size_t k = (off - s) / PARA_PIECE;
        size_t a = k ? piece_cut(t, len, s, k, (size_t)-1) : s;
        if (off < a) {
            k--;
            a = k ? piece_cut(t, len, s, k, (size_t)-1) : s;
        }
        piece_from(t, len, s, k, a, p);
        return 1;
    }
    if (is_blank_line(t, s, e)) {
        /* walk back to the first blank line of the run */
        while (s > 0) {
            size_t ps = line_start(t, s - 1);
            size_t pn, pe = line_end(t, len, ps, &pn);
            if (!is_blank_line(t, ps, pe))
                break;
            s = ps;
        }
    }
    para_from(t, len, s, p);
    return 1;
}

int para_first(const char *t, size_t len, para_t *p)
{
    if (len == 0)
        return 0;
    para_from(t, len, 0, p);
    return 1;
}

int para_next(const char *t, size_t len, const para_t *cur, para_t *p)
{
    if (cur->next >= len)
        return 0;
    if (cur->next == cur->end && !cur->blank) { /* the next piece of the line */
        size_t k = (cur->end - cur->line) / PARA_PIECE;
        piece_from(t, len, cur->line, k, cur->next, p);
        return 1;
    }
    para_from(t, len, cur->next, p);
    return 1;
}

int para_prev(const char *t, size_t len, const para_t *cur, para_t *p)
{
    if (cur->start == 0)
        return 0;
    return para_at(t, len, cur->start - 1, p);
}
