#include "layout.h"

#include <stdlib.h>
#include <string.h>
#include <unilbrk.h>

/* clreq §3.1.7 / JLREQ cl-02, cl-04..cl-07, cl-11: no line may start with
 * these (sorted for bsearch). */
static const uint32_t no_start_tab[] = {
    0x2019, 0x201D, 0x2030, 0x2031, 0x2032, 0x2033, 0x203C, 0x2047, 0x2048,
    0x2049, 0x2103, 0x3001, 0x3002, 0x3005, 0x3009, 0x300B, 0x300D, 0x300F,
    0x3011, 0x3015, 0x3017, 0x3019, 0x301B, 0x301C, 0x301E, 0x301F, 0x303B,
    0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085, 0x3087,
    0x308E, 0x3095, 0x3096, 0x309B, 0x309C, 0x309D, 0x309E, 0x30A0, 0x30A1,
    0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE,
    0x30F5, 0x30F6, 0x30FB, 0x30FC, 0x30FD, 0x30FE, 0x31F0, 0x31F1, 0x31F2,
    0x31F3, 0x31F4, 0x31F5, 0x31F6, 0x31F7, 0x31F8, 0x31F9, 0x31FA, 0x31FB,
    0x31FC, 0x31FD, 0x31FE, 0x31FF, 0xFE50, 0xFE51, 0xFE52, 0xFE54, 0xFE55,
    0xFE56, 0xFE57, 0xFE5A, 0xFE5C, 0xFE5E, 0xFF01, 0xFF05, 0xFF09, 0xFF0C,
    0xFF0E, 0xFF0F, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF3D, 0xFF5D, 0xFF5E, 0xFF60,
    0xFF61, 0xFF63, 0xFF64, 0xFF65, 0xFF67, 0xFF68, 0xFF69, 0xFF6A, 0xFF6B,
    0xFF6C, 0xFF6D, 0xFF6E, 0xFF6F, 0xFF70, 0xFF9E, 0xFF9F,
};

/* JLREQ cl-01 / clreq: no line may end with these. */
static const uint32_t no_end_tab[] = {
    0x2018, 0x201C, 0x3008, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3016,
    0x3018, 0x301A, 0x301D, 0xFE59, 0xFE5B, 0xFE5D, 0xFF08, 0xFF0F, 0xFF3B,
    0xFF5B, 0xFF5F, 0xFF62,
};

static int in_tab(uint32_t c, const uint32_t *t, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t[mid] == c)
            return 1;
        if (t[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int no_start(uint32_t c)
{
    return c >= 0x2019 &&
           in_tab(c, no_start_tab, sizeof no_start_tab / sizeof *no_start_tab);
}

static int no_end(uint32_t c)
{
    return c >= 0x2018 &&
           in_tab(c, no_end_tab, sizeof no_end_tab / sizeof *no_end_tab);
}

static int fullwidth_alnum(uint32_t c)
{
    return (c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) ||
           (c >= 0xFF41 && c <= 0xFF5A);
}

/* Characters that must not be split from an identical neighbour. */
static int inseparable(uint32_t c)
{
    return c == 0x2014 || c == 0x2015 || c == 0x2026 || c == 0x22EF ||
           c == 0x2E3A || c == 0x2E3B || c == 0x2025;
}

static int url_char(unsigned char c)
{
    return c > 0x20 && c < 0x7F && c != '"' && c != '<' && c != '>' &&
           c != '\\' && c != '^' && c != '`' && c != '{' && c != '|' &&
           c != '}';
}

/* Length of a URL starting at s (0 if none starts there). */
static size_t url_at(const char *s, size_t n)
{
    static const char *const pre[] = {"https://", "http://", "ftp://",
                                      "www."};
    for (size_t k = 0; k < sizeof pre / sizeof *pre; k++) {
        size_t pl = strlen(pre[k]);
        if (n > pl && !memcmp(s, pre[k], pl) && url_char((unsigned char)s[pl])) {
            size_t i = pl;
            while (i < n && url_char((unsigned char)s[i]))
                i++;
            return i;
        }
    }
    return 0;
}

static int ascii_alnum(uint32_t c)
{
    return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* Classes of BMP code points for the tailoring, built once from the
 * tables above; everything outside the BMP has none. */
enum {
    C_NO_START = 1,
    C_NO_END = 2,
    C_INSEP = 4,    /* never split from an identical neighbour */
    C_FWALNUM = 8,  /* fullwidth letter or digit */
    C_OPEN_Q = 16,  /* “ ‘ */
    C_CLOSE_Q = 32, /* ” ’ */
    C_MIDDOT = 64,  /* · */
    C_URL = 128,    /* h f w: a URL may start here */
};
static uint8_t cls[0x10000];
static int cls_ready;

static void cls_init(void)
{
    for (uint32_t c = 0; c < 0x10000; c++)
        cls[c] = (uint8_t)((no_start(c) ? C_NO_START : 0) |
                           (no_end(c) ? C_NO_END : 0) |
                           (inseparable(c) ? C_INSEP : 0) |
                           (fullwidth_alnum(c) ? C_FWALNUM : 0) |
                           ((c == 0x201C || c == 0x2018) ? C_OPEN_Q : 0) |
                           ((c == 0x201D || c == 0x2019) ? C_CLOSE_Q : 0) |
                           (c == 0x00B7 ? C_MIDDOT : 0) |
                           ((c == 'h' || c == 'f' || c == 'w') ? C_URL : 0));
    cls_ready = 1;
}

static inline unsigned cls_of(uint32_t c)
{
    return c < 0x10000 ? cls[c] : 0;
}

/* Is the quote at unit i next to a wide character? */
static int cjk_quote(const unit_t *u, size_t n, size_t i)
{
    return (i > 0 && (u[i - 1].flags & U_WIDE)) ||
           (i + 1 < n && (u[i + 1].flags & U_WIDE));
}

/* Mark U_BREAK / U_MANDATORY on the units of s[0..n). */
static void find_breaks(layout_t *L, const char *s, size_t n)
{
    units_t *t = &L->t;
    unit_t *u = t->u;
    if (!cls_ready)
        cls_init();
    grow(&L->lb, &L->lbcap, n + 1, 1);
    if (n)
        u8_possible_linebreaks((const uint8_t *)s, n, "UTF-8", L->lb);
    const char *lb = L->lb;
    size_t url_start = 0, url_end = 0;
    uint32_t last_ns = 0; /* base of the last non-blank unit before i */
    unsigned pk = 0;      /* class of unit i - 1 */
    for (size_t i = 0; i < t->n; i++) {
        uint32_t c = u[i].cp;
        unsigned k = cls_of(c);
        if ((k & C_URL) && u[i].off >= url_end &&
            (i == 0 || !ascii_alnum(u[i - 1].cp))) {
            size_t len = url_at(s + u[i].off, n - u[i].off);
            if (len) {
                url_start = u[i].off;
                url_end = u[i].off + len;
            }
        }
        if (i > 0 && (u[i].flags & U_CLUSTER)) {
            char b = lb[u[i].off];
            if (b == UC_BREAK_MANDATORY) {
                u[i].flags |= U_BREAK | U_MANDATORY;
            } else {
                int br = b == UC_BREAK_POSSIBLE;
                uint32_t p = u[i - 1].cp;
                /* quotes in CJK text (UAX #14 1.0 forbids breaks on both
                 * sides of every QU): a quote with a wide neighbour acts
                 * like fullwidth punctuation, so a line may break before
                 * “‘ and after ”’ */
                if ((k & C_OPEN_Q) && cjk_quote(u, t->n, i))
                    br = 1;
                if ((pk & C_CLOSE_Q) && cjk_quote(u, t->n, i - 1))
                    br = 1;
                if ((k & (C_NO_START | C_MIDDOT)) ||
                    (cls_of(last_ns) & C_NO_END) ||
                    ((k & C_INSEP) && p == c) ||
                    ((k & C_FWALNUM) && (pk & C_FWALNUM)) ||
                    (u[i].off > url_start && u[i].off < url_end))
                    br = 0;
                if (br)
                    u[i].flags |= U_BREAK;
            }
        }
        if (!(u[i].flags & U_SPACE))
            last_ns = c;
        pk = k;
    }
}

static vline_t *new_line(layout_t *L)
{
    grow(&L->v, &L->vcap, L->nv + 1, sizeof *L->v);
    vline_t *v = &L->v[L->nv++];
    memset(v, 0, sizeof *v);
    return v;
}

void layout_para(layout_t *L, const char *text, size_t start, size_t end,
                 const layout_opts_t *o)
{
    int width = o->width;
    if (width < LAYOUT_MIN_WIDTH)
        width = LAYOUT_MIN_WIDTH;
    if (width > LAYOUT_MAX_WIDTH)
        width = LAYOUT_MAX_WIDTH;
    L->nv = 0;
    size_t cs = (o->flags & LO_VERBATIM) ? start
                                         : text_skip_blanks(text, start, end);
    L->base = cs;
    text_units(&L->t, text + cs, end - cs);
    unit_t *u = L->t.u;
    size_t n = L->t.n;
    if (n == 0) {
        vline_t *v = new_line(L);
        v->start = start;
        v->end = end;
        v->flags = VL_FIRST | VL_BLANK;
        return;
    }
    find_breaks(L, text + cs, end - cs);

    /* one indent for every indented paragraph: ideographic spaces before
     * CJK text, ASCII spaces before other text; it never leaves less than
     * 9 cells (the widest unit) for text */
    int indent = 0;
    if (cs > start && o->indent > 0) {
        static const char ideo[] = "\u3000\u3000\u3000\u3000\u3000\u3000"
                                   "\u3000\u3000";
        static const char asc[] = "                ";
        indent = 2 * (o->indent < LAYOUT_MAX_INDENT ? o->indent
                                                     : LAYOUT_MAX_INDENT);
        while (indent > 0 && width - o->lead1 - indent < 9)
            indent -= 2;
        int cjk = (u[0].flags & U_WIDE) != 0;
        L->indent_str = cjk ? ideo : asc;
        L->indent_len = cjk ? (size_t)indent / 2 * 3 : (size_t)indent;
    }

    if (o->flags & LO_NOWRAP) {
        int avail = width - o->lead1, run = 0;
        size_t e = 0;
        while (e < n && run + u[e].w <= avail)
            run += u[e++].w;
        vline_t *v = new_line(L);
        v->start = start;
        v->end = end;
        v->flags = VL_FIRST;
        if (e < n) { /* room for the marker */
            while (e > 0 && run + 1 > avail)
                run -= u[--e].w;
            v->flags |= VL_CUT;
        }
        v->u0 = 0;
        v->u1 = (uint32_t)e;
        v->cells = (uint16_t)run;
        return;
    }

    size_t s = 0;
    int first = 1;
    while (s < n) {
        int avail = width - (first ? indent + o->lead1 : o->lead2);
        if (avail < 9)
            avail = 9;
        size_t j = s, best = 0, e;
        int run = 0, emergency = 0;
        for (;;) {
            if (j >= n) {
                e = n;
                break;
            }
            if (j > s && (u[j].flags & U_MANDATORY)) {
                e = j;
                break;
            }
            if (j > s && (u[j].flags & U_BREAK))
                best = j;
            if (!(u[j].flags & U_SPACE) && run + u[j].w > avail) {
                if (j > s && (u[j].flags & U_BREAK)) {
                    e = j;
                } else if (best > s) {
                    e = best;
                } else {
                    /* emergency: the last cluster that fits, else the last
                     * unit (a cluster wider than the line) */
                    e = j;
                    while (e > s + 1 && !(u[e].flags & U_CLUSTER))
                        e--;
                    if (!(u[e].flags & U_CLUSTER))
                        e = j;
                    if (e == s)
                        e = s + 1; /* cannot happen: a unit is <= 9 cells */
                    emergency = 1;
                    while (e < n && (u[e].flags & U_SPACE))
                        e++;
                }
                break;
            }
            run += u[j].w;
            j++;
        }
        size_t d = e;
        while (d > s && (u[d - 1].flags & U_SPACE))
            d--;
        vline_t *v = new_line(L);
        v->start = first ? start : cs + u[s].off;
        v->end = e >= n ? end : cs + u[e].off;
        v->u0 = (uint32_t)s;
        v->u1 = (uint32_t)d;
        int cells = 0;
        for (size_t k = s; k < d; k++)
            cells += u[k].w;
        v->cells = (uint16_t)cells;
        v->indent = (uint16_t)(first ? indent : 0);
        v->flags = (uint8_t)((first ? VL_FIRST : 0) |
                             (emergency ? VL_EMERGENCY : 0));
        first = 0;
        s = e;
    }
}

void layout_remap(layout_t *L, const size_t *map)
{
    L->base = map[L->base];
    for (size_t i = 0; i < L->nv; i++) {
        L->v[i].start = map[L->v[i].start];
        L->v[i].end = map[L->v[i].end];
    }
}

size_t layout_line_bytes(const layout_t *L, size_t i, const char **p)
{
    const vline_t *v = &L->v[i];
    const unit_t *u = L->t.u;
    if (v->flags & VL_BLANK) {
        *p = "";
        return 0;
    }
    *p = L->t.disp.p + u[v->u0].doff;
    return u[v->u1].doff - u[v->u0].doff;
}

void layout_free(layout_t *L)
{
    units_free(&L->t);
    free(L->v);
    free(L->lb);
    memset(L, 0, sizeof *L);
}
