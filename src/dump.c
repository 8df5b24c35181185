#include "dump.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* SGR for a span style; "" when colour is off. */
static const char *sgr(int style, int color)
{
    if (!color || !style)
        return "";
    static char b[32];
    strcpy(b, "\x1b[0");
    if (style & (SP_STRONG | SP_SPEAKER | SP_HEADING))
        strcat(b, ";1");
    if (style & SP_EM)
        strcat(b, ";3");
    if (style & SP_LINK)
        strcat(b, ";4");
    if (style & SP_CODE)
        strcat(b, ";2");
    if (style & SP_DEL)
        strcat(b, ";9");
    strcat(b, "m");
    return b;
}

typedef struct {
    const doc_t *d;
    const structure_t *st;
    const dump_opts_t *o;
    FILE *out;
    layout_t L;
    buf_t flat;      /* Markdown inline content put together */
    size_t *map;     /* flat byte -> document offset */
    uint16_t *sty;   /* flat byte -> style */
    size_t mcap, scap;
    buf_t lead1, lead2;
    int lead1w, lead2w;
    int printed;     /* a line was printed */
    int need_blank;  /* a blank line is due before the next block */
    int last_quote;  /* quote depth of the last printed block */
    int turn_hang;   /* the running turn's text column */
    int last_blank;  /* the last line printed was blank */
} dump_t;

static void put_line_end(dump_t *D)
{
    putc('\n', D->out);
    D->printed = 1;
    D->last_blank = 0;
}

/* A blank line between blocks (never two); inside a quote it keeps the
 * bar. */
static void blank(dump_t *D, int quote)
{
    D->need_blank = 0;
    if (D->last_blank)
        return;
    int q = quote < D->last_quote ? quote : D->last_quote;
    for (int i = 0; i < q && i < 8; i++)
        fputs(i + 1 < q ? "│ " : "│", D->out);
    put_line_end(D);
    D->last_blank = 1;
}

/* Style of the unit at flat/paragraph offset off. */
typedef struct {
    const uint16_t *sty; /* per byte, or NULL */
    int base;            /* style of everything else */
    size_t prefix_end;   /* bytes before it are the speaker's name */
} styler_t;

static int style_at(const styler_t *s, size_t off)
{
    if (s->sty)
        return s->sty[off];
    return off < s->prefix_end ? (s->base | SP_SPEAKER) : s->base;
}

/* Print the lines of the paragraph in D->L. */
static void print_lines(dump_t *D, const styler_t *sy)
{
    int color = D->o->color;
    const unit_t *u = D->L.t.u;
    for (size_t i = 0; i < D->L.nv; i++) {
        const vline_t *v = &D->L.v[i];
        if (v->flags & VL_FIRST)
            fwrite(D->lead1.p, 1, D->lead1.n, D->out);
        else
            fwrite(D->lead2.p, 1, D->lead2.n, D->out);
        if (v->indent)
            fwrite(D->L.indent_str, 1, D->L.indent_len, D->out);
        if (!color) {
            const char *p;
            size_t n = layout_line_bytes(&D->L, i, &p);
            fwrite(p, 1, n, D->out);
        } else {
            int cur = 0;
            for (uint32_t k = v->u0; k < v->u1; k++) {
                /* per-byte styles index the copy; a plain paragraph's
                 * prefix is relative to its content start */
                size_t off = sy->sty ? D->L.base + u[k].off : u[k].off;
                int st = style_at(sy, off);
                if (st != cur) {
                    fputs(st ? sgr(st, 1) : "\x1b[0m", D->out);
                    cur = st;
                }
                fwrite(D->L.t.disp.p + u[k].doff, 1, u[k + 1].doff - u[k].doff,
                       D->out);
            }
            if (cur)
                fputs("\x1b[0m", D->out);
        }
        if (v->flags & VL_CUT)
            fputs("→", D->out);
        put_line_end(D);
    }
}

/* Leads: quote bars, list indent and marker, a turn's hanging indent. */
static void make_leads(dump_t *D, const block_t *b, int hang)
{
    int width = D->o->lo.width;
    D->lead1.n = D->lead2.n = 0;
    buf_add(&D->lead1, "", 0);
    buf_add(&D->lead2, "", 0);
    int w = 0, budget = width - 10;
    for (int i = 0; i < b->quote && w + 2 <= budget; i++, w += 2) {
        buf_adds(&D->lead1, "│ ");
        buf_adds(&D->lead2, "│ ");
    }
    int w1 = w, w2 = w;
    if (b->list) {
        for (int i = 1; i < b->list && w + 2 <= budget; i++, w += 2) {
            buf_adds(&D->lead1, "  ");
            buf_adds(&D->lead2, "  ");
        }
        w1 = w2 = w;
        int mw = (int)text_width(b->mark, strlen(b->mark)) + 1;
        if (w + mw <= budget) {
            if (b->flags & BF_ITEM) {
                buf_adds(&D->lead1, b->mark);
                buf_addc(&D->lead1, ' ');
            } else {
                for (int i = 0; i < mw; i++)
                    buf_addc(&D->lead1, ' ');
            }
            for (int i = 0; i < mw; i++)
                buf_addc(&D->lead2, ' ');
            w1 += mw;
            w2 += mw;
        }
    }
    if (hang > 0) {
        if (hang > width / 3)
            hang = width / 3;
        if (w2 + hang > budget)
            hang = budget - w2 > 0 ? budget - w2 : 0;
        for (int i = 0; i < hang; i++)
            buf_addc(&D->lead2, ' ');
        w2 += hang;
        if (b->flags & BF_CONT) {
            for (int i = 0; i < hang; i++)
                buf_addc(&D->lead1, ' ');
            w1 += hang;
        }
    }
    D->lead1w = w1;
    D->lead2w = w2;
}

/* Width of a speaker prefix as drawn: markup stars are not drawn. */
static int prefix_width(const char *s, size_t n)
{
    int stars = 0;
    for (size_t i = 0; i < n; i++)
        stars += s[i] == '*';
    return (int)text_width(s, n) - stars;
}

/* CJK for joining lines: wide characters and CJK or general
 * punctuation (—— … “ ” ·), which never want a space beside CJK text. */
static int cjkish(uint32_t c)
{
    return text_cp_width(c) == 2 || (c >= 0x2000 && c <= 0x206F) ||
           (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF) ||
           c == 0xB7;
}

static int is_cjk_at_end(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    size_t i = n - 1; /* back to the start of the last character */
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    uint32_t c;
    text_decode(s + i, n - i, &c);
    return cjkish(c);
}

static void flat_add(dump_t *D, const char *p, size_t n, size_t off,
                     int literal, int style)
{
    size_t at = D->flat.n;
    buf_add(&D->flat, p, n);
    grow(&D->map, &D->mcap, D->flat.n + 1, sizeof *D->map);
    grow(&D->sty, &D->scap, D->flat.n + 1, sizeof *D->sty);
    for (size_t i = 0; i < n; i++) {
        D->map[at + i] = literal ? off : off + i;
        D->sty[at + i] = (uint16_t)style;
    }
}

/* Lay out and print flat[a..b) (one segment between hard breaks). */
static void print_flat(dump_t *D, size_t a, size_t b, size_t end_off,
                       layout_opts_t *lo)
{
    D->map[D->flat.n] = end_off;
    layout_para(&D->L, D->flat.p, a, b, lo);
    styler_t sy = {.sty = D->sty};
    /* units are relative to the laid-out start; styles to the copy */
    size_t base = D->L.base;
    layout_remap(&D->L, D->map);
    D->L.base = base;
    print_lines(D, &sy);
}

static void markdown_block(dump_t *D, const block_t *b, int base_style,
                           int hang)
{
    const structure_t *st = D->st;
    D->flat.n = 0;
    size_t breaks[64];
    int nbr = 0;
    size_t prefix_end = b->prefix ? b->start + b->prefix : 0;
    for (uint32_t i = b->span0; i < b->span0 + b->nspan; i++) {
        const span_t *sp = &st->spans[i];
        int style = sp->style | base_style;
        if (sp->kind == SK_TEXT) {
            if (sp->off < prefix_end)
                style |= SP_SPEAKER;
            flat_add(D, st->text + sp->off, sp->len, sp->off, 0, style);
        } else if (sp->kind == SK_LITERAL) {
            size_t at = D->flat.n ? D->map[D->flat.n - 1] + 1 : b->start;
            flat_add(D, st->lit + sp->off, sp->len, at, 1, style);
        } else if (sp->kind == SK_SOFTBR) {
            /* CJK-aware: nothing between two CJK characters */
            const span_t *nx = i + 1 < b->span0 + b->nspan ? sp + 1 : NULL;
            int cjk_before = is_cjk_at_end(D->flat.p ? D->flat.p : "", D->flat.n);
            int cjk_after = 0;
            if (nx && (nx->kind == SK_TEXT || nx->kind == SK_LITERAL) && nx->len) {
                const char *q = (nx->kind == SK_TEXT ? st->text : st->lit) + nx->off;
                uint32_t c;
                text_decode(q, nx->len, &c);
                cjk_after = cjkish(c);
            }
            if (!(cjk_before && cjk_after)) {
                size_t at = D->flat.n ? D->map[D->flat.n - 1] + 1 : b->start;
                flat_add(D, " ", 1, at, 1, style & ~SP_LINK);
            }
        } else if (nbr < 64) { /* hard break */
            breaks[nbr++] = D->flat.n;
        }
    }
    layout_opts_t lo = D->o->lo;
    lo.flags = 0;
    if (b->kind == BK_CODE)
        lo.flags = LO_VERBATIM | LO_NOWRAP;
    else if (b->kind == BK_VERBATIM)
        lo.flags = LO_VERBATIM;
    make_leads(D, b, hang);
    lo.lead1 = D->lead1w;
    lo.lead2 = D->lead2w;
    buf_add(&D->flat, "", 0);
    size_t a = 0;
    for (int k = 0; k <= nbr; k++) {
        size_t e = k < nbr ? breaks[k] : D->flat.n;
        print_flat(D, a, e, b->end, &lo);
        a = e;
        /* later segments continue under the lead of the other lines */
        D->lead1.n = 0;
        buf_add(&D->lead1, D->lead2.p, D->lead2.n);
        lo.lead1 = lo.lead2;
    }
}

static void plain_block(dump_t *D, const block_t *b, int base_style, int hang)
{
    layout_opts_t lo = D->o->lo;
    lo.flags = b->kind == BK_VERBATIM ? LO_VERBATIM : 0;
    make_leads(D, b, hang);
    lo.lead1 = D->lead1w;
    lo.lead2 = D->lead2w;
    layout_para(&D->L, D->d->text, b->start, b->end, &lo);
    styler_t sy = {.sty = NULL, .base = base_style};
    /* unit offsets are relative to L.base (the content start) */
    if (b->flags & BF_TURN)
        sy.prefix_end = b->start + b->prefix > D->L.base
                            ? b->start + b->prefix - D->L.base : 0;
    print_lines(D, &sy);
}

static void text_line(dump_t *D, const char *s, int style)
{
    block_t b;
    memset(&b, 0, sizeof b);
    make_leads(D, &b, 0);
    layout_opts_t lo = D->o->lo;
    lo.flags = 0;
    lo.lead1 = lo.lead2 = 0;
    layout_para(&D->L, s, 0, strlen(s), &lo);
    styler_t sy = {.base = style};
    print_lines(D, &sy);
}

static void join(buf_t *b, char **v, size_t n, const char *sep)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_adds(b, sep);
        buf_adds(b, v[i]);
    }
}

static void meta_block(dump_t *D)
{
    const frontmatter_t *fm = &D->st->fm;
    if (fm->title)
        text_line(D, fm->title, SP_HEADING);
    buf_t m = {0};
    buf_add(&m, "", 0);
    if (fm->date)
        buf_adds(&m, fm->date);
    if (fm->nauthors) {
        if (m.n)
            buf_adds(&m, " · ");
        join(&m, fm->authors, fm->nauthors, "、");
    }
    if (fm->ntags) {
        if (m.n)
            buf_adds(&m, " · ");
        join(&m, fm->tags, fm->ntags, "、");
    }
    if (m.n)
        text_line(D, m.p, 0);
    buf_free(&m);
}

int dump_doc(const doc_t *d, const structure_t *st, const dump_opts_t *o,
             FILE *out)
{
    dump_t D;
    memset(&D, 0, sizeof D);
    D.d = d;
    D.st = st;
    D.o = o;
    D.out = out;
    st_cursor_t c;
    block_t b;
    int ok = st_first(st, &c, &b);
    while (ok) {
        int kind = b.kind;
        if (kind == BK_BLANK) { /* a run of blank lines: one */
            blank(&D, 0);
            ok = st_next(st, &c, &b);
            continue;
        }
        int separate = kind == BK_HEADING || kind == BK_TITLE ||
                       kind == BK_RULE || kind == BK_META ||
                       (st->markdown && !(b.flags & BF_TIGHT));
        if (D.printed && (D.need_blank || separate))
            blank(&D, b.quote);
        int style = (kind == BK_HEADING || kind == BK_TITLE) ? SP_HEADING : 0;
        /* a turn hangs at its text column, after the name; the
         * paragraphs that continue it are indented the same */
        int hang = 0;
        if (b.flags & BF_TURN)
            hang = D.turn_hang = prefix_width(d->text + b.start, b.prefix);
        else if (b.flags & BF_CONT)
            hang = D.turn_hang;
        if (kind == BK_META) {
            meta_block(&D);
        } else if (kind == BK_RULE) {
            make_leads(&D, &b, 0);
            fwrite(D.lead1.p, 1, D.lead1.n, out);
            fputs("────────", out);
            put_line_end(&D);
        } else if (b.nspan || (st->markdown && kind != BK_VERBATIM &&
                               kind != BK_CODE)) {
            markdown_block(&D, &b, style, hang);
        } else if (kind == BK_CODE) {
            markdown_block(&D, &b, SP_CODE, 0);
        } else {
            plain_block(&D, &b, style, hang);
        }
        D.last_quote = b.quote;
        D.need_blank = kind == BK_HEADING || kind == BK_TITLE ||
                       kind == BK_RULE || kind == BK_META;
        ok = st_next(st, &c, &b);
    }
    layout_free(&D.L);
    buf_free(&D.flat);
    buf_free(&D.lead1);
    buf_free(&D.lead2);
    free(D.map);
    free(D.sty);
    if (fflush(out) != 0 || ferror(out)) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
}
