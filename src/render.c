#include "render.h"
#include "text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* the state a block's rendering needs (R holds the output) */
/* Style of the unit at flat/paragraph offset off. */
typedef struct {
    const uint16_t *sty; /* per byte, or NULL */
    int base;            /* style of everything else */
    size_t prefix_end;   /* bytes before it are the speaker's name */
    const size_t *map;   /* glyph sources: copy offset -> document offset */
    int fixed;           /* ... or all of them at `at` (synthetic text) */
    size_t at;
} styler_t;

static int style_at(const styler_t *s, size_t off)
{
    if (s->sty)
        return s->sty[off];
    return off < s->prefix_end ? (s->base | SP_SPEAKER) : s->base;
}

/* Line records for the lines of the paragraph in R->L. */
static void emit_lines(render_t *R, const styler_t *sy)
{
    const unit_t *u = R->L.t.u;
    for (size_t i = 0; i < R->L.nv; i++) {
        const vline_t *v = &R->L.v[i];
        grow(&R->v, &R->vcap, R->n + 1, sizeof *R->v);
        rline_t *l = &R->v[R->n++];
        memset(l, 0, sizeof *l);
        l->start = v->start;
        l->end = v->end;
        l->off = (uint32_t)R->out.n;
        if (v->flags & VL_FIRST)
            buf_add(&R->out, R->lead1.p, R->lead1.n);
        else
            buf_add(&R->out, R->lead2.p, R->lead2.n);
        int lw = v->flags & VL_FIRST ? R->lead1w : R->lead2w;
        int pad = R->right < 0 ? 0 : R->o->width - R->right - lw - v->indent - v->cells;
        for (int k = 0; k < pad; k++) /* flush right: spaces after the lead */
            buf_addc(&R->out, ' ');
        if (v->indent)
            buf_add(&R->out, R->L.indent_str, R->L.indent_len);
        l->text = (uint32_t)R->out.n;
        l->run0 = (uint32_t)R->nruns;
        l->g0 = (uint32_t)R->nglyphs;
        int cur = 0;
        for (uint32_t k = v->u0; k < v->u1; k++) {
            if (R->want_glyphs) {
                grow(&R->glyphs, &R->gcap, R->nglyphs + 1, sizeof *R->glyphs);
                glyph_t *g = &R->glyphs[R->nglyphs++];
                g->o = (uint32_t)R->out.n;
                g->w = u[k].w;
                g->src = sy->fixed ? sy->at
                         : sy->map ? sy->map[R->L.base + u[k].off]
                                   : R->L.base + u[k].off;
            }
            /* per-byte styles index the copy; a plain paragraph's
             * prefix is relative to its content start */
            size_t off = sy->sty ? R->L.base + u[k].off : u[k].off;
            int st = style_at(sy, off);
            if (st != cur) {
                grow(&R->runs, &R->rcap, R->nruns + 1, sizeof *R->runs);
                R->runs[R->nruns].off = (uint32_t)R->out.n;
                R->runs[R->nruns++].style = (uint16_t)st;
                cur = st;
            }
            buf_add(&R->out, R->L.t.disp.p + u[k].doff,
                    u[k + 1].doff - u[k].doff);
        }
        l->nrun = (uint32_t)(R->nruns - l->run0);
        l->ng = (uint32_t)(R->nglyphs - l->g0);
        if (sy->fixed)
            l->start = l->end = sy->at;
        if (v->flags & VL_CUT) {
            buf_adds(&R->out, "→");
            l->flags |= RL_CUT;
        }
        l->len = (uint32_t)(R->out.n - l->off);
        l->cells = (uint16_t)(lw + (pad > 0 ? pad : 0) + v->indent + v->cells +
                              (l->flags & RL_CUT ? 1 : 0));
    }
}

/* A line of its own (a separator, a rule). */
static void bare_line(render_t *R, size_t at, const char *s, int cells,
                      int flags)
{
    grow(&R->v, &R->vcap, R->n + 1, sizeof *R->v);
    rline_t *l = &R->v[R->n++];
    memset(l, 0, sizeof *l);
    l->start = l->end = at;
    l->off = (uint32_t)R->out.n;
    buf_adds(&R->out, s);
    l->text = (uint32_t)R->out.n;
    l->len = (uint32_t)(R->out.n - l->off);
    l->cells = (uint16_t)cells;
    l->flags = (uint8_t)flags;
    l->run0 = (uint32_t)R->nruns;
    l->g0 = (uint32_t)R->nglyphs;
}

/* Lead b (w cells) with n spaces more, as far as budget allows: its width. */
static int pad_lead(buf_t *b, int w, int n, int budget)
{
    for (; n > 0 && w + 1 <= budget; n--, w++)
        buf_addc(b, ' ');
    return w;
}

/* Leads: quote bars, list indent and marker, a turn's hanging indent, an
 * Aozora indent. */
static void make_leads(render_t *R, const block_t *b, int hang)
{
    int width = R->o->width;
    R->lead1.n = R->lead2.n = 0;
    buf_add(&R->lead1, "", 0);
    buf_add(&R->lead2, "", 0);
    int w = 0, budget = width - 10;
    for (int i = 0; i < b->quote && w + 2 <= budget; i++, w += 2) {
        buf_adds(&R->lead1, "│ ");
        buf_adds(&R->lead2, "│ ");
    }
    int w1 = w, w2 = w;
    if (b->list) {
        for (int i = 1; i < b->list && w + 2 <= budget; i++, w += 2) {
            buf_adds(&R->lead1, "  ");
            buf_adds(&R->lead2, "  ");
        }
        w1 = w2 = w;
        int mw = (int)text_width(b->mark, strlen(b->mark)) + 1;
        if (w + mw <= budget) {
            if (b->flags & BF_ITEM) {
                buf_adds(&R->lead1, b->mark);
                buf_addc(&R->lead1, ' ');
            } else {
                for (int i = 0; i < mw; i++)
                    buf_addc(&R->lead1, ' ');
            }
            for (int i = 0; i < mw; i++)
                buf_addc(&R->lead2, ' ');
            w1 += mw;
            w2 += mw;
        }
    }
    /* Aozora 字下げ: two cells a character before the lines (flush right:
     * kept free after them) */
    R->right = b->flags & BF_RIGHT ? 2 * b->indent : -1;
    if (!(b->flags & BF_RIGHT)) {
        w1 = pad_lead(&R->lead1, w1, 2 * b->indent, budget);
        w2 = pad_lead(&R->lead2, w2, 2 * b->indent2, budget);
    }
    if (hang > 0) {
        if (hang > width / 3)
            hang = width / 3;
        if (w2 + hang > budget)
            hang = budget - w2 > 0 ? budget - w2 : 0;
        for (int i = 0; i < hang; i++)
            buf_addc(&R->lead2, ' ');
        w2 += hang;
        if (b->flags & BF_CONT) {
            for (int i = 0; i < hang; i++)
                buf_addc(&R->lead1, ' ');
            w1 += hang;
        }
    }
    R->lead1w = w1;
    R->lead2w = w2;
}

static void flat_add(render_t *R, const char *p, size_t n, size_t off,
                     int literal, int style)
{
    size_t at = R->flat.n;
    buf_add(&R->flat, p, n);
    grow(&R->map, &R->mcap, R->flat.n + 1, sizeof *R->map);
    grow(&R->sty, &R->scap, R->flat.n + 1, sizeof *R->sty);
    for (size_t i = 0; i < n; i++) {
        R->map[at + i] = literal ? off : off + i;
        R->sty[at + i] = (uint16_t)style;
    }
}

/* Lay out and print flat[a..b) (one segment between hard breaks). */
static void render_flat(render_t *R, size_t a, size_t b, size_t end_off,
                       layout_opts_t *lo)
{
    R->map[R->flat.n] = end_off;
    layout_para(&R->L, R->flat.p, a, b, lo);
    styler_t sy = {.sty = R->sty, .map = R->want_glyphs ? R->map : NULL};
    /* units are relative to the laid-out start; styles to the copy */
    size_t base = R->L.base;
    layout_remap(&R->L, R->map);
    R->L.base = base;
    emit_lines(R, &sy);
}

static void markdown_block(render_t *R, const block_t *b, int base_style,
                           int hang)
{
    const structure_t *st = R->st;
    R->flat.n = 0;
    size_t breaks[64];
    int nbr = 0;
    size_t prefix_end = b->prefix ? b->start + b->prefix : 0;
    for (uint32_t i = b->span0; i < b->span0 + b->nspan; i++) {
        const span_t *sp = &st->spans[i];
        int style = sp->style | base_style;
        if (sp->kind == SK_TEXT) {
            /* only the label is the speaker's: a span that runs on past
             * it (**NAME：question**) is cut there */
            size_t cut = sp->off < prefix_end
                             ? (prefix_end - sp->off < sp->len
                                    ? prefix_end - sp->off : sp->len)
                             : 0;
            if (cut)
                flat_add(R, st->text + sp->off, cut, sp->off, 0,
                         style | SP_SPEAKER);
            if (cut < sp->len)
                flat_add(R, st->text + sp->off + cut, sp->len - cut,
                         sp->off + cut, 0, style);
        } else if (sp->kind == SK_LITERAL) {
            size_t at = R->flat.n ? R->map[R->flat.n - 1] + 1 : b->start;
            flat_add(R, st->lit + sp->off, sp->len, at, 1, style);
        } else if (sp->kind == SK_RUBY) { /* shown, or not, as asked */
            if (R->o->ruby == RUBY_PAREN) {
                flat_add(R, "（", 3, sp->off, 1, style);
                flat_add(R, st->text + sp->off, sp->len, sp->off, 0, style);
                flat_add(R, "）", 3, sp->off + sp->len, 1, style);
            }
        } else if (sp->kind == SK_SOFTBR) {
            /* CJK-aware: nothing between two CJK characters */
            const span_t *nx = i + 1 < b->span0 + b->nspan ? sp + 1 : NULL;
            const char *q = "";
            size_t qn = 0;
            if (nx && (nx->kind == SK_TEXT || nx->kind == SK_LITERAL)) {
                q = (nx->kind == SK_TEXT ? st->text : st->lit) + nx->off;
                qn = nx->len;
            }
            if (!text_joins_tight(R->flat.p ? R->flat.p : "", R->flat.n, q, qn)) {
                size_t at = R->flat.n ? R->map[R->flat.n - 1] + 1 : b->start;
                flat_add(R, " ", 1, at, 1, style & ~SP_LINK);
            }
        } else if (nbr < 64) { /* hard break */
            breaks[nbr++] = R->flat.n;
        }
    }
    layout_opts_t lo = *R->o;
    lo.flags = 0;
    if (b->kind == BK_CODE)
        lo.flags = LO_VERBATIM | LO_NOWRAP;
    else if (b->kind == BK_VERBATIM)
        lo.flags = LO_VERBATIM;
    make_leads(R, b, hang);
    lo.lead1 = R->lead1w;
    lo.lead2 = R->lead2w;
    buf_add(&R->flat, "", 0);
    size_t a = 0;
    for (int k = 0; k <= nbr; k++) {
        size_t e = k < nbr ? breaks[k] : R->flat.n;
        render_flat(R, a, e, b->end, &lo);
        a = e;
        /* later segments continue under the lead of the other lines */
        R->lead1.n = 0;
        buf_add(&R->lead1, R->lead2.p, R->lead2.n);
        lo.lead1 = lo.lead2;
    }
}

static void plain_block(render_t *R, const block_t *b, int base_style, int hang)
{
    layout_opts_t lo = *R->o;
    lo.flags = b->kind == BK_VERBATIM ? LO_VERBATIM : 0;
    /* paragraphs run on (st_runs_on): each indented, as an e-book sets
       them; not a turn, nor a piece after the first of a long line */
    const char *t = R->st->text;
    if (R->st->runon && b->kind == BK_PARA && !(b->flags & (BF_TURN | BF_CONT)) &&
        (b->start == 0 || t[b->start - 1] == '\n' || t[b->start - 1] == '\r'))
        lo.flags |= LO_INDENT;
    make_leads(R, b, hang);
    lo.lead1 = R->lead1w;
    lo.lead2 = R->lead2w;
    layout_para(&R->L, R->st->text, b->start, b->end, &lo);
    styler_t sy = {.sty = NULL, .base = base_style};
    /* unit offsets are relative to L.base (the content start) */
    if (b->flags & BF_TURN)
        sy.prefix_end = b->start + b->prefix > R->L.base
                            ? b->start + b->prefix - R->L.base : 0;
    emit_lines(R, &sy);
}

/* A line of synthetic text (front matter), standing for document byte at. */
static void text_line(render_t *R, const char *s, int style, size_t at)
{
    block_t b;
    memset(&b, 0, sizeof b);
    make_leads(R, &b, 0);
    layout_opts_t lo = *R->o;
    lo.flags = 0;
    lo.lead1 = lo.lead2 = 0;
    layout_para(&R->L, s, 0, strlen(s), &lo);
    styler_t sy = {.base = style, .fixed = 1, .at = at};
    emit_lines(R, &sy);
}

static void join(buf_t *b, char **v, size_t n, const char *sep)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_adds(b, sep);
        buf_adds(b, v[i]);
    }
}

static void meta_block(render_t *R, size_t at, size_t end)
{
    size_t first = R->n;
    const frontmatter_t *fm = &R->st->fm;
    if (fm->title)
        text_line(R, fm->title, SP_HEADING, at);
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
        text_line(R, m.p, 0, at);
    buf_free(&m);
    /* the synthetic lines stand for successive bytes of the front matter,
     * so that each can be named by an offset (the last one for the rest) */
    size_t k = 0;
    for (size_t i = first; i < R->n; i++, k++) {
        rline_t *l = &R->v[i];
        l->start = at + k < end ? at + k : (end > at ? end - 1 : at);
        l->end = i + 1 < R->n ? l->start + 1 : end;
        for (uint32_t g = l->g0; g < l->g0 + l->ng; g++)
            R->glyphs[g].src = l->start;
    }
}

/* Does block b print anything? (Front matter without a title, date,
 * author or tags prints nothing.) */
static int prints(const structure_t *st, const block_t *b)
{
    if (b->kind != BK_META)
        return 1;
    const frontmatter_t *fm = &st->fm;
    return fm->title || fm->date || fm->nauthors || fm->ntags;
}

void render_block(render_t *R, const structure_t *st, const block_t *b,
                  const block_t *prev, const layout_opts_t *o)
{
    R->n = 0;
    R->out.n = 0;
    R->nruns = 0;
    R->nglyphs = 0;
    R->st = st;
    R->o = o;
    int kind = b->kind;
    /* the blank line before: one for a run of blank lines; else one
     * where the block before asks for it or this block is set apart */
    int separate = kind == BK_HEADING || kind == BK_TITLE ||
                   kind == BK_RULE || kind == BK_META ||
                   (st->markdown && !(b->flags & BF_TIGHT));
    if (kind == BK_BLANK) {
        bare_line(R, b->start, "", 0, RL_SEP);
        return;
    }
    if (prev && prev->kind != BK_BLANK && prints(st, prev) &&
        (separate || prev->kind == BK_HEADING || prev->kind == BK_TITLE ||
         prev->kind == BK_RULE || prev->kind == BK_META)) {
        int q = b->quote < prev->quote ? b->quote : prev->quote;
        buf_t bars = {0};
        buf_add(&bars, "", 0);
        for (int i = 0; i < q && i < 8; i++)
            buf_adds(&bars, i + 1 < q ? "│ " : "│");
        bare_line(R, b->start, bars.p, q > 8 ? 15 : 2 * q - (q > 0), RL_SEP);
        buf_free(&bars);
    }
    int style = (kind == BK_HEADING || kind == BK_TITLE) ? SP_HEADING : 0;
    /* a turn hangs at its text column, after the name; the paragraphs
     * that continue it are indented the same */
    int hang = b->hang;
    if (kind == BK_META) {
        meta_block(R, b->start, b->end);
    } else if (kind == BK_RULE) {
        make_leads(R, b, 0);
        buf_t r = {0};
        buf_add(&r, R->lead1.p, R->lead1.n);
        buf_adds(&r, "────────");
        bare_line(R, b->start, r.p, R->lead1w + 8, 0);
        buf_free(&r);
    } else if (b->nspan || (st->markdown && kind != BK_VERBATIM &&
                            kind != BK_CODE)) {
        markdown_block(R, b, style, hang);
    } else if (kind == BK_CODE) {
        markdown_block(R, b, SP_CODE, 0);
    } else {
        plain_block(R, b, style, hang);
    }
}

void render_free(render_t *R)
{
    layout_free(&R->L);
    buf_free(&R->flat);
    buf_free(&R->lead1);
    buf_free(&R->lead2);
    buf_free(&R->out);
    free(R->map);
    free(R->sty);
    free(R->v);
    free(R->runs);
    free(R->glyphs);
    memset(R, 0, sizeof *R);
}
