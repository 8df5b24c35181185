#include "layout.h"
#include "chars.h"

#include <stdlib.h>
#include <string.h>
#include <unilbrk.h>

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

/* Is unit i next to a wide character? */
static int beside_wide(const unit_t *u, size_t n, size_t i)
{
    return (i > 0 && (u[i - 1].flags & U_WIDE)) ||
           (i + 1 < n && (u[i + 1].flags & U_WIDE));
}

/* Is unit i a quote broken as a bracket? */
static int cjk_quote(const unit_t *u, size_t n, size_t i)
{
    return ch_is(u[i].cp, CH_OPEN_Q | CH_CLOSE_Q) && beside_wide(u, n, i);
}

/* The text UAX #14 is run on: s, or a copy of it (in L->lb after the
 * breaks) in which every quote beside a wide character is the CJK bracket
 * it stands for. UAX #14 (14.0) forbids a break on either side of every QU,
 * but CJK text uses “ ‘ and ” ’ like 「 and 」: so a line breaks before the
 * one and after the other exactly where UAX #14 lets it break before 「 and
 * after 」, never where the far side may not start or end a line (”? ”,
 * ”) (“ and the like). Both are three bytes in UTF-8. */
static const char *quotes_as_brackets(layout_t *L, const char *s, size_t n)
{
    const unit_t *u = L->t.u;
    char *copy = NULL;
    for (size_t i = 0; i < L->t.n; i++) {
        if (!cjk_quote(u, L->t.n, i))
            continue;
        if (!copy) {
            copy = L->lb + n + 1;
            memcpy(copy, s, n);
        }
        memcpy(copy + u[i].off, ch_is(u[i].cp, CH_OPEN_Q) ? "\u300C" : "\u300D",
               3);
    }
    return copy ? copy : s;
}

/* The rule of juan's that forbids a break before unit i (LB_*), 0 if
 * none: k and pk are the classes of units i and i - 1, le the index of the
 * last non-blank unit before i and lk its classes. */
static int veto(const unit_t *u, size_t n, size_t i, uint32_t k, uint32_t pk,
                size_t le, uint32_t lk, size_t url_start, size_t url_end)
{
    if (k & CH_NO_START)
        return LB_NO_START;
    if (k & CH_MIDDOT)
        return LB_MIDDOT;
    if (lk & CH_NO_END)
        return LB_NO_END;
    if (((k & CH_ASCII_NO_START) && beside_wide(u, n, i)) ||
        ((lk & CH_ASCII_NO_END) && beside_wide(u, n, le)))
        return LB_ASCII;
    if ((k & CH_INSEP) && u[i - 1].cp == u[i].cp)
        return LB_INSEP;
    if ((k & CH_FW_ALNUM) && (pk & CH_FW_ALNUM))
        return LB_FW_ALNUM;
    if (u[i].off > url_start && u[i].off < url_end)
        return LB_URL;
    return 0;
}

/* Mark U_BREAK / U_MANDATORY on the units of s[0..n); why (NULL, or room
 * for the units) gets the rule that decided each unit (LB_*). */
static void find_breaks(layout_t *L, const char *s, size_t n, uint8_t *why)
{
    units_t *t = &L->t;
    unit_t *u = t->u;
    grow(&L->lb, &L->lbcap, 2 * n + 2, 1);
    const char *bt = quotes_as_brackets(L, s, n);
    if (n)
        u8_possible_linebreaks((const uint8_t *)bt, n, "UTF-8", L->lb);
    const char *lb = L->lb;
    size_t url_start = 0, url_end = 0;
    size_t le = 0;   /* the last non-blank unit before i */
    uint32_t lk = 0; /* its classes */
    uint32_t pk = 0; /* classes of unit i - 1 */
    for (size_t i = 0; i < t->n; i++) {
        uint32_t c = u[i].cp;
        uint32_t k = ch_class(c);
        if ((c == 'h' || c == 'f' || c == 'w') && u[i].off >= url_end &&
            (i == 0 || !ascii_alnum(u[i - 1].cp))) {
            size_t len = url_at(s + u[i].off, n - u[i].off);
            if (len) {
                url_start = u[i].off;
                url_end = u[i].off + len;
            }
        }
        int r = LB_UAX14;
        if (i > 0 && !(u[i].flags & U_CLUSTER)) {
            r = LB_CLUSTER;
        } else if (i > 0 && lb[u[i - 1].off] == UC_BREAK_MANDATORY) {
            /* libunistring marks the mandatory break character itself (VT
             * FF CR LF NEL U+2028 U+2029, each a unit of its own): the
             * line breaks after it, the control ending its line */
            u[i].flags |= U_BREAK | U_MANDATORY;
            r = LB_MANDATORY;
        } else if (i > 0 && lb[u[i].off] == UC_BREAK_POSSIBLE) {
            r = veto(u, t->n, i, k, pk, le, lk, url_start, url_end);
            if (!r)
                u[i].flags |= U_BREAK;
        }
        if (why) {
            if (r == LB_UAX14 && bt != s && i > 0 &&
                (cjk_quote(u, t->n, i) || cjk_quote(u, t->n, i - 1)))
                r = LB_QUOTE;
            why[i] = (uint8_t)r;
        }
        if (!(u[i].flags & U_SPACE)) {
            le = i;
            lk = k;
        }
        pk = k;
    }
}

/* for tests (layout.h, JUAN_TEST); juan's link drops it */
void layout_breaks(layout_t *L, const char *s, size_t n, uint8_t *why);
void layout_breaks(layout_t *L, const char *s, size_t n, uint8_t *why)
{
    text_units(&L->t, s, n);
    find_breaks(L, s, n, why);
}

static vline_t *new_line(layout_t *L)
{
    grow(&L->v, &L->vcap, L->nv + 1, sizeof *L->v);
    vline_t *v = &L->v[L->nv++];
    memset(v, 0, sizeof *v);
    return v;
}

/* Cells for the text of the first line (indent: its indent) or another. */
static int line_avail(const layout_opts_t *o, int indent, int first)
{
    int width = o->width < LAYOUT_MIN_WIDTH   ? LAYOUT_MIN_WIDTH
                : o->width > LAYOUT_MAX_WIDTH ? LAYOUT_MAX_WIDTH
                                              : o->width;
    int avail = width - (first ? indent + o->lead1 : o->lead2);
    return avail < 9 ? 9 : avail;
}

/* Add the line of units [s, e) of the paragraph start..end (indent: of
 * the first line; -1 for the others), with avail cells for its text (what
 * is wider hangs). */
static void put_line(layout_t *L, size_t start, size_t end, size_t s,
                     size_t e, int indent, int avail, int emergency)
{
    const unit_t *u = L->t.u;
    size_t n = L->t.n, cs = L->base;
    int first = indent >= 0;
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
    v->hung = (uint8_t)(cells > avail ? cells - avail : 0);
    v->indent = (uint16_t)(first ? indent : 0);
    v->flags = (uint8_t)((first ? VL_FIRST : 0) |
                         (emergency ? VL_EMERGENCY : 0));
}

/* Hanging punctuation: unit j does not fit the line [s, j) of `run`
 * cells. If j starts a tail of the line that may hang — one full stop or
 * comma, and closing brackets or quotes after it (or closing ones after
 * a stop that fitted) — no more than `hang` cells past avail and followed
 * by a break opportunity, the end of the line with it; else 0. */
static size_t hang_end(const unit_t *u, size_t n, size_t s, size_t j,
                       int run, int avail, int hang)
{
    /* does a stop (and closers) end the line so far? */
    size_t b = j;
    while (b > s && ch_is(u[b - 1].cp, CH_HANG_AFTER))
        b--;
    int chain = b > s && ch_is(u[b - 1].cp, CH_HANG);
    int stop = 0;
    if (!(u[j].flags & U_CLUSTER)) /* a cluster is never cut */
        return 0;
    for (size_t k = j; k < n; k++) {
        if (u[k].flags & U_CLUSTER) {
            uint32_t k_class = ch_class(u[k].cp);
            if ((k_class & CH_HANG) && !stop)
                stop = chain = 1;
            else if (!(k_class & CH_HANG_AFTER) || !chain)
                return 0;
        }
        run += u[k].w;
        if (run > avail + hang)
            return 0;
        size_t e = k + 1;
        while (e < n && (u[e].flags & U_SPACE))
            e++;
        if (e >= n || (u[e].flags & U_BREAK))
            return e;
    }
    return 0;
}

/* A character that reads: not punctuation, not a blank. */
static int reads(uint32_t c)
{
    if (c < 0x80)
        return ascii_alnum(c);
    return ch_is(c, CH_LETTER | CH_FW_DIGIT) ||
           !ch_is(c, CH_CJK_PUNCT | CH_NO_START | CH_NO_END | CH_INSEP | CH_BLANK);
}

/* Characters that read among units [s, e) (2: two or more). */
static int letters(const unit_t *u, size_t s, size_t e)
{
    int k = 0;
    for (size_t i = s; i < e && k < 2; i++)
        k += (u[i].flags & U_CLUSTER) && reads(u[i].cp);
    return k;
}

/* No orphan (孤字): a paragraph's last line that is one character, alone
 * or with punctuation (也 也。 也。」), takes the character before it too,
 * breaking at the last break opportunity of the line before that gives
 * the last line two characters, when the line before keeps something and
 * the last line still fits. The break was there already, so no kinsoku
 * rule is broken; the layout stays a function of the paragraph. */
static void no_orphan(layout_t *L, const layout_opts_t *o, size_t start,
                      size_t end, int indent)
{
    if (L->nv < 2)
        return;
    const unit_t *u = L->t.u;
    size_t n = L->t.n;
    vline_t *a = &L->v[L->nv - 2], *z = &L->v[L->nv - 1];
    size_t s = a->u0, b = z->u0;
    if ((a->flags & VL_EMERGENCY) || (u[b].flags & U_MANDATORY) ||
        letters(u, b, n) != 1)
        return;
    int first = (a->flags & VL_FIRST) != 0;
    int avail = line_avail(o, indent, 0), moved = 0;
    for (size_t p = b; p-- > s + 1;) {
        moved += u[p].w;
        if (z->cells + moved > avail)
            return;
        if (!(u[p].flags & U_BREAK) || !letters(u, p, b))
            continue;
        L->nv -= 2;
        put_line(L, start, end, s, p, first ? indent : -1,
                 line_avail(o, indent, first), 0);
        put_line(L, start, end, p, n, -1, avail, 0);
        return;
    }
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
    find_breaks(L, text + cs, end - cs, NULL);

    /* one indent for every indented paragraph: ideographic spaces before
     * CJK text, ASCII spaces before other text; it never leaves less than
     * 9 cells (the widest unit) for text */
    int indent = 0;
    if ((cs > start || (o->flags & LO_INDENT)) && o->indent > 0) {
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

    int hang = o->hang < 0 ? 0 : o->hang > LAYOUT_MAX_HANG ? LAYOUT_MAX_HANG : o->hang;
    size_t s = 0;
    int first = 1;
    while (s < n) {
        int avail = line_avail(o, indent, first);
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
                size_t h = hang > 0 && j > s ? hang_end(u, n, s, j, run, avail, hang)
                                             : 0;
                if (h) {
                    e = h;
                } else if (j > s && (u[j].flags & U_BREAK)) {
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
        put_line(L, start, end, s, e, first ? indent : -1, avail, emergency);
        first = 0;
        s = e;
    }
    no_orphan(L, o, start, end, indent);
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
