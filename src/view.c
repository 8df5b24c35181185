#include "view.h"
#include "utf8.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Does the view show block b? A filter keeps its speaker's turns (and the
 * paragraphs that continue them) and the headings. */
static int shown(const view_t *V, const block_t *b)
{
    if (V->filter < 0)
        return 1;
    if (b->kind == BK_HEADING || b->kind == BK_TITLE)
        return 1;
    return b->speaker == V->filter && (b->flags & (BF_TURN | BF_CONT));
}

static int next_shown(const view_t *V, st_cursor_t *c, block_t *b)
{
    while (st_next(V->st, c, b))
        if (shown(V, b))
            return 1;
    return 0;
}

static int prev_shown(const view_t *V, st_cursor_t *c, block_t *b)
{
    while (st_prev(V->st, c, b))
        if (shown(V, b))
            return 1;
    return 0;
}

/* Render block b whose predecessor is pb (if has_pb). Filtered, a block
 * is set apart from the one shown before it as after a rule, whatever
 * the blocks left out were; the first block of the document never is. */
/* Would b render as a? (every field render_block reads) */
static int same_block(const block_t *a, const block_t *b)
{
    return a->start == b->start && a->end == b->end && a->kind == b->kind &&
           a->level == b->level && a->quote == b->quote && a->list == b->list &&
           a->flags == b->flags && a->speaker == b->speaker && a->prefix == b->prefix &&
           a->hang == b->hang && a->indent == b->indent && a->indent2 == b->indent2 &&
           a->heading == b->heading && a->span0 == b->span0 && a->nspan == b->nspan &&
           !memcmp(a->mark, b->mark, sizeof a->mark);
}

static void render(view_t *V, const block_t *b, const block_t *pb, int has_pb)
{
    block_t rule;
    const block_t *prev = has_pb ? pb : NULL;
    if (V->filter >= 0) {
        memset(&rule, 0, sizeof rule);
        rule.kind = BK_RULE;
        rule.speaker = -1;
        rule.heading = -1;
        prev = b->start != V->first ? &rule : NULL;
    }
    if (V->rvalid && same_block(&V->rb, b) && V->rhas_prev == (prev != NULL) &&
        (!prev || same_block(&V->rprev, prev)) && V->rwidth == V->lo.width &&
        V->rindent == V->lo.indent && V->rfilter == V->filter && V->rhang == V->lo.hang)
        return; /* R holds it */
    render_block(&V->R, V->st, b, prev, &V->lo);
    V->rb = *b;
    V->rhas_prev = prev != NULL;
    if (prev)
        V->rprev = *prev;
    V->rwidth = V->lo.width;
    V->rindent = V->lo.indent;
    V->rhang = V->lo.hang;
    V->rfilter = V->filter;
    V->rvalid = 1;
}

static void render_top(view_t *V)
{
    render(V, &V->b, &V->pb, V->has_pb);
    V->nlines = (int)V->R.n;
}

/* The block before the top block (unfiltered: what render needs). */
static void find_prev(view_t *V)
{
    V->has_pb = 0;
    if (V->filter >= 0 || V->b.start == V->first)
        return;
    st_cursor_t c = V->c;
    V->has_pb = st_prev(V->st, &c, &V->pb);
}

/* Make the top block one that has lines, moving forward (dir > 0) or
 * backward over blocks that render to nothing. */
static void settle(view_t *V, int dir)
{
    for (;;) {
        render_top(V);
        if (V->nlines > 0)
            return;
        st_cursor_t c = V->c;
        block_t b;
        if (dir > 0 ? next_shown(V, &c, &b) : prev_shown(V, &c, &b)) {
            if (dir > 0) {
                V->pb = V->b;
                V->has_pb = 1;
            }
            V->c = c;
            V->b = b;
            if (dir < 0)
                find_prev(V);
            V->line = 0;
        } else if (dir > 0) {
            dir = -1; /* nothing after: look before */
        } else {
            return;
        }
    }
}

void view_init(view_t *V, const structure_t *st, const layout_opts_t *lo)
{
    memset(V, 0, sizeof *V);
    V->st = st;
    V->lo = *lo;
    V->filter = -1;
    V->R.want_glyphs = 1;
    view_home(V);
}

void view_free(view_t *V)
{
    render_free(&V->R);
    buf_free(&V->page.out);
    free(V->page.v);
    free(V->page.runs);
    free(V->page.glyphs);
    memset(V, 0, sizeof *V);
}

void view_home(view_t *V)
{
    V->has_pb = 0;
    V->line = 0;
    V->has_b = st_first(V->st, &V->c, &V->b);
    if (!V->has_b)
        return;
    V->first = V->b.start;
    if (!shown(V, &V->b))
        V->has_b = next_shown(V, &V->c, &V->b);
    if (V->has_b)
        settle(V, 1);
}

size_t view_top(view_t *V)
{
    if (!V->has_b)
        return 0;
    render_top(V);
    if (V->line >= V->nlines)
        return V->b.start;
    const rline_t *l = &V->R.v[V->line];
    if (l->flags & RL_SEP)
        return V->b.start;
    /* the byte last gone to, while its line is still on top */
    if (V->anchor >= l->start && V->anchor < l->end)
        return V->anchor;
    return l->start;
}

/* The line of the rendered top block that holds off: the non-separator
 * line with the greatest start at or before it. */
static int line_of(const render_t *R, size_t off)
{
    int best = -1;
    for (size_t i = 0; i < R->n; i++) {
        if (R->v[i].flags & RL_SEP)
            continue;
        if (best < 0 || (R->v[i].start <= off && R->v[i].start > R->v[best].start))
            best = (int)i;
    }
    return best < 0 ? 0 : best;
}

void view_goto(view_t *V, size_t off)
{
    if (off >= V->st->len) {
        view_end(V, 1);
        return;
    }
    /* the start of the character holding off: an offset from a percent
       (N%) or a stored place may fall inside one; what view_top() names
       then, and `m` stores, is a character boundary */
    off = utf8_back(V->st->text, 0, off);
    if (V->st->len == 0 || !st_at(V->st, off, &V->c, &V->b)) {
        view_home(V);
        return;
    }
    V->has_b = 1;
    int dir = 1;
    if (!shown(V, &V->b)) {
        st_cursor_t c = V->c;
        block_t b;
        if (next_shown(V, &c, &b)) {
            V->c = c, V->b = b;
        } else if (prev_shown(V, &V->c, &V->b)) {
            dir = -1;
        } else {
            V->has_b = 0;
            return;
        }
        off = V->b.start;
    }
    find_prev(V);
    V->line = 0;
    settle(V, dir);
    V->line = line_of(&V->R, off);
    V->anchor = off;
}

/* One line down; 0 at the last line. */
static int step_down(view_t *V)
{
    if (!V->has_b)
        return 0;
    if (V->nlines < 0)
        render_top(V);
    if (V->line + 1 < V->nlines) {
        V->line++;
        return 1;
    }
    st_cursor_t c = V->c;
    block_t b, pb = V->b;
    for (;;) {
        if (!next_shown(V, &c, &b))
            return 0;
        /* a block that renders to nothing is skipped (but is the block
         * before the next, as in --dump) */
        render(V, &b, &pb, 1);
        if (V->R.n == 0) {
            pb = b;
            continue;
        }
        V->pb = pb;
        V->has_pb = 1;
        V->c = c;
        V->b = b;
        V->line = 0;
        V->nlines = (int)V->R.n;
        return 1;
    }
}

/* One line up; 0 at the first line. */
static int step_up(view_t *V)
{
    if (!V->has_b)
        return 0;
    if (V->line > 0) {
        V->line--;
        return 1;
    }
    st_cursor_t c = V->c;
    block_t b, save = V->b, savepb = V->pb;
    st_cursor_t savec = V->c;
    int savehas = V->has_pb;
    while (prev_shown(V, &c, &b)) {
        V->c = c;
        V->b = b;
        find_prev(V);
        render_top(V);
        if (V->nlines > 0) {
            V->line = V->nlines - 1;
            return 1;
        }
    }
    V->c = savec, V->b = save, V->pb = savepb, V->has_pb = savehas;
    V->nlines = -1;
    return 0;
}

void view_end(view_t *V, int rows)
{
    size_t len = V->st->len;
    if (len == 0 || !st_at(V->st, len - 1, &V->c, &V->b)) {
        view_home(V);
        return;
    }
    V->has_b = 1;
    if (!shown(V, &V->b) && !prev_shown(V, &V->c, &V->b)) {
        view_home(V);
        return;
    }
    find_prev(V);
    V->line = 0;
    settle(V, -1);
    V->line = V->nlines > 0 ? V->nlines - 1 : 0;
    for (int i = 1; i < rows && step_up(V); i++)
        ;
}

long view_scroll(view_t *V, long n, int rows)
{
    long moved = 0;
    if (n < 0) {
        while (moved > n && step_up(V))
            moved--;
        return moved;
    }
    size_t before = view_top(V);
    while (moved < n && step_down(V))
        moved++;
    view_fill(V, rows);
    if (!V->page.at_end || V->page.n >= (size_t)rows)
        return moved;
    /* past the end: the last line goes to the bottom, never above where
     * the scroll started */
    view_end(V, rows);
    if (view_top(V) < before)
        view_goto(V, before);
    return moved;
}

void view_set_width(view_t *V, int width)
{
    size_t top = view_top(V);
    V->lo.width = width;
    view_goto(V, top);
}

void view_set_hang(view_t *V, int hang)
{
    size_t top = view_top(V);
    V->lo.hang = hang;
    view_goto(V, top);
}

void view_set_filter(view_t *V, int speaker)
{
    size_t top = view_top(V);
    V->filter = speaker;
    if (top == 0)
        view_home(V);
    else
        view_goto(V, top);
}

/* Append lines [from, R->n) of the render to the page, up to max in
 * all; returns how many. */
static size_t copy_lines(view_t *V, int from, size_t max, const block_t *b)
{
    size_t n0 = V->page.n;
    page_t *P = &V->page;
    const render_t *R = &V->R;
    for (size_t i = (size_t)from; i < R->n && P->n < max; i++) {
        const rline_t *l = &R->v[i];
        grow(&P->v, &P->cap, P->n + 1, sizeof *P->v);
        pline_t *p = &P->v[P->n++];
        p->start = l->start;
        p->end = l->end;
        p->flags = l->flags;
        p->cells = l->cells;
        p->kind = b->kind;
        p->speaker = b->speaker;
        p->off = (uint32_t)P->out.n;
        p->len = l->len;
        p->text = p->off + (l->text - l->off);
        buf_add(&P->out, R->out.p + l->off, l->len);
        p->run0 = (uint32_t)P->nruns;
        p->nrun = l->nrun;
        grow(&P->runs, &P->rcap, P->nruns + l->nrun, sizeof *P->runs);
        for (uint32_t r = 0; r < l->nrun; r++) {
            srun_t s = R->runs[l->run0 + r];
            s.off = s.off - l->off + p->off;
            P->runs[P->nruns++] = s;
        }
        p->g0 = (uint32_t)P->nglyphs;
        p->ng = l->ng;
        grow(&P->glyphs, &P->gcap, P->nglyphs + l->ng, sizeof *P->glyphs);
        for (uint32_t g = 0; g < l->ng; g++) {
            glyph_t q = R->glyphs[l->g0 + g];
            q.o = q.o - l->off + p->off;
            P->glyphs[P->nglyphs++] = q;
        }
    }
    return V->page.n - n0;
}

size_t view_fill(view_t *V, int rows)
{
    page_t *P = &V->page;
    P->n = P->out.n = P->nruns = P->nglyphs = 0;
    P->at_end = 1;
    if (!V->has_b || rows <= 0)
        return 0;
    size_t max = (size_t)rows;
    render_top(V);
    size_t k = copy_lines(V, V->line, max, &V->b);
    if ((size_t)V->line + k < V->R.n) {
        P->at_end = 0;
        return P->n;
    }
    st_cursor_t c = V->c;
    block_t b, pb = V->b;
    while (next_shown(V, &c, &b)) {
        render(V, &b, &pb, 1);
        pb = b;
        if (V->R.n == 0)
            continue;
        if (P->n >= max || copy_lines(V, 0, max, &b) < V->R.n) {
            P->at_end = 0;
            break;
        }
    }
    return P->n;
}
