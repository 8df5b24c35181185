/* view: the reader's lines are --dump's lines; positions are byte offsets
 * that survive going back to them, width changes and filters; scrolling
 * down and up retraces its steps; the end keeps the page full. */
#include "t.h"
#include "text.h"
#include "view.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

/* Every line of the document as --dump makes them ('\n'-joined). */
static char *dump_lines(const structure_t *st, const layout_opts_t *o, size_t *n)
{
    render_t R = {0};
    buf_t b = {0};
    buf_add(&b, "", 0);
    st_cursor_t c;
    block_t bk, prev;
    int have = 0;
    *n = 0;
    for (int ok = st_first(st, &c, &bk); ok; ok = st_next(st, &c, &bk)) {
        render_block(&R, st, &bk, have ? &prev : NULL, o);
        for (size_t i = 0; i < R.n; i++) {
            buf_add(&b, R.out.p + R.v[i].off, R.v[i].len);
            buf_addc(&b, '\n');
            (*n)++;
        }
        prev = bk;
        have = 1;
    }
    render_free(&R);
    return b.p;
}

static char *page_text(const page_t *P, size_t from, size_t to)
{
    buf_t b = {0};
    buf_add(&b, "", 0);
    for (size_t i = from; i < to && i < P->n; i++) {
        buf_add(&b, P->out.p + P->v[i].off, P->v[i].len);
        buf_addc(&b, '\n');
    }
    return b.p;
}

static char *first_line(view_t *V)
{
    view_fill(V, 1);
    return page_text(&V->page, 0, 1);
}

static void check_file(const char *path, int width)
{
    size_t n;
    char *t = t_slurp(path, &n);
    CHECK_MSG(t != NULL, "%s", path);
    if (!t)
        return;
    structure_t st;
    st_build(&st, t, n, FMT_AUTO, path);
    layout_opts_t o = {.width = width, .indent = 2};
    size_t nl;
    char *want = dump_lines(&st, &o, &nl);
    view_t V;
    view_init(&V, &st, &o);

    /* the whole document in one page is the dump */
    size_t got_n = view_fill(&V, 1 << 20);
    char *got = page_text(&V.page, 0, got_n);
    CHECK_MSG(got_n == nl && !strcmp(got, want), "%s w%d: page = dump (%zu/%zu lines)",
              path, width, got_n, nl);
    CHECK(V.page.at_end);
    free(got);

    /* glyphs point into the document, in order, within their line */
    int glyphs_ok = 1;
    for (size_t i = 0; i < V.page.n; i++) {
        const pline_t *l = &V.page.v[i];
        for (uint32_t g = l->g0; g < l->g0 + l->ng; g++) {
            const glyph_t *q = &V.page.glyphs[g];
            if (q->src > st.len || q->o < l->text || q->o >= l->off + l->len ||
                (g > l->g0 && q->src < V.page.glyphs[g - 1].src))
                glyphs_ok = 0;
        }
    }
    CHECK_MSG(glyphs_ok, "%s w%d: glyphs", path, width);

    /* one line at a time down: the lines of the dump in order; every top
     * line comes back with view_goto(view_top()) unless it is a blank
     * separator (which names the line after it) */
    size_t *tops = malloc((nl + 1) * sizeof *tops);
    size_t k = 0;
    int seq_ok = 1, goto_ok = 1;
    const char *w = want;
    view_home(&V);
    for (;;) {
        char *l = first_line(&V);
        size_t ll = strlen(l);
        if (strncmp(w, l, ll))
            seq_ok = 0;
        w += ll;
        tops[k++] = view_top(&V);
        int sep = V.page.n && (V.page.v[0].flags & RL_SEP);
        if (!sep) {
            view_t G;
            view_init(&G, &st, &o);
            view_goto(&G, tops[k - 1]);
            char *g = first_line(&G);
            if (strcmp(g, l)) {
                goto_ok = 0;
                fprintf(stderr, "  goto %zu: [%s] vs [%s]\n", tops[k - 1], g, l);
            }
            free(g);
            view_free(&G);
        }
        free(l);
        if (k > nl || view_scroll(&V, 1, 1) != 1)
            break;
    }
    CHECK_MSG(seq_ok && k == nl, "%s w%d: line by line (%zu of %zu)", path, width, k, nl);
    CHECK_MSG(goto_ok, "%s w%d: goto(top) keeps the line", path, width);
    /* and back up */
    int back_ok = 1;
    for (size_t i = k; i-- > 1;) {
        if (view_scroll(&V, -1, 1) != -1 || view_top(&V) != tops[i - 1])
            back_ok = 0;
    }
    CHECK_MSG(back_ok, "%s w%d: scrolling up retraces", path, width);
    CHECK(view_scroll(&V, -1, 1) == 0);

    /* the end: a full page whose last line is the dump's last */
    int rows = 7;
    view_end(&V, rows);
    size_t pn = view_fill(&V, rows);
    CHECK_MSG(pn == (nl < (size_t)rows ? nl : (size_t)rows) && V.page.at_end,
              "%s w%d: end page %zu", path, width, pn);
    char *endp = page_text(&V.page, 0, pn);
    size_t el = strlen(endp), wl = strlen(want);
    CHECK_MSG(el <= wl && !strcmp(want + wl - el, endp), "%s w%d: end page text", path, width);
    free(endp);
    /* scrolling down at the end moves nothing */
    size_t top = view_top(&V);
    view_scroll(&V, 5, rows);
    CHECK(view_top(&V) == top);
    /* a page scroll from the top lands where single steps do */
    view_home(&V);
    view_scroll(&V, rows - 2, rows);
    if (nl > (size_t)(2 * rows))
        CHECK_MSG(view_top(&V) == tops[rows - 2], "%s w%d: page step", path, width);

    /* width changes keep the top byte on the top line */
    if (k > 10) {
        size_t mid = tops[k / 2];
        view_goto(&V, mid);
        view_set_width(&V, width + 23);
        view_fill(&V, 1);
        const pline_t *l0 = &V.page.v[0];
        CHECK_MSG(l0->start <= mid && (mid < l0->end || l0->start == l0->end),
                  "%s w%d: wider keeps %zu (line %zu-%zu)", path, width, mid,
                  l0->start, l0->end);
        view_set_width(&V, width);
        CHECK_MSG(view_top(&V) == mid, "%s w%d: back to the width", path, width);
    }
    /* hanging punctuation: the page is the dump that hangs as much, and
     * turning it on and off keeps the top byte on the top line */
    if (k > 10) {
        layout_opts_t oh = o;
        oh.hang = 2;
        size_t nh;
        char *wanth = dump_lines(&st, &oh, &nh);
        size_t mid = tops[k / 2];
        view_goto(&V, mid);
        view_set_hang(&V, 2);
        view_fill(&V, 1);
        const pline_t *l0 = &V.page.v[0];
        CHECK_MSG(l0->start <= mid && (mid < l0->end || l0->start == l0->end),
                  "%s w%d: hanging keeps %zu (line %zu-%zu)", path, width, mid,
                  l0->start, l0->end);
        view_home(&V);
        size_t gn = view_fill(&V, 1 << 20);
        char *goth = page_text(&V.page, 0, gn);
        CHECK_MSG(gn == nh && !strcmp(goth, wanth), "%s w%d: hung page = dump --hang",
                  path, width);
        if (width <= 40) /* (every sample has a hung line there) */
            CHECK_MSG(strcmp(wanth, want) != 0, "%s w%d: something hangs", path, width);
        free(goth);
        free(wanth);
        view_goto(&V, mid);
        view_set_hang(&V, 0);
        CHECK_MSG(view_top(&V) == mid, "%s w%d: hanging off keeps the top", path, width);
    }
    /* every offset gone to, on any byte (N% lands anywhere), names a
     * character's start: the top (what `m` stores and the status shows)
     * is never inside a character, and is on the top line (issue 18) */
    for (size_t off = 0; off < st.len; off += 37) {
        view_goto(&V, off);
        size_t top = view_top(&V);
        view_fill(&V, 1);
        CHECK_MSG(top < st.len && !utf8_is_cont((unsigned char)st.text[top]),
                  "%s w%d: goto %zu: top %zu inside a character", path, width, off, top);
        CHECK_MSG(V.page.n && V.page.v[0].start <= top &&
                      (top < V.page.v[0].end || V.page.v[0].start == V.page.v[0].end),
                  "%s w%d: goto %zu: top %zu not on the top line", path, width, off, top);
    }
    view_free(&V);
    free(tops);
    free(want);

    /* a filter shows only its speaker's turns and the headings, and keeps
     * the top byte when the top block is one of them */
    for (size_t s = 0; s < st.nspeakers && s < 3; s++) {
        view_init(&V, &st, &o);
        view_goto(&V, st.speakers[s].turn_offsets[0]);
        size_t at = view_top(&V);
        view_set_filter(&V, (int)s);
        CHECK_MSG(view_top(&V) == at, "%s: filter keeps the turn on top", path);
        view_home(&V);
        size_t m = view_fill(&V, 1 << 20);
        int only = 1, turns = 0;
        for (size_t i = 0; i < m; i++) {
            const pline_t *l = &V.page.v[i];
            if (l->kind != BK_HEADING && l->kind != BK_TITLE && l->speaker != (int)s)
                only = 0;
            for (size_t j = 0; j < st.speakers[s].turns; j++)
                if (l->start <= st.speakers[s].turn_offsets[j] &&
                    st.speakers[s].turn_offsets[j] < l->end && !(l->flags & RL_SEP))
                    turns++;
        }
        CHECK_MSG(only, "%s: filter %zu shows only its turns", path, s);
        CHECK_MSG((size_t)turns == st.speakers[s].turns, "%s: filter %zu shows %d of %zu turns",
                  path, s, turns, st.speakers[s].turns);
        view_set_filter(&V, -1);
        view_free(&V);
    }
    st_free(&st);
    free(t);
}

int main(void)
{
    setlocale(LC_ALL, "");
    text_init_locale();
    const char *files[] = {"samples/interview.txt", "samples/essay.md",
                           "samples/japanese.txt", "samples/mixed.txt",
                           "samples/traditional.txt"};
    int widths[] = {20, 40, 72};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++)
        for (size_t w = 0; w < 3; w++)
            check_file(files[f], widths[w]);

    /* an empty document: nothing to show, nothing breaks */
    structure_t st;
    st_build(&st, "", 0, FMT_TEXT, NULL);
    layout_opts_t o = {.width = 40, .indent = 2};
    view_t V;
    view_init(&V, &st, &o);
    CHECK(view_fill(&V, 10) == 0);
    CHECK(view_scroll(&V, 3, 10) == 0);
    view_end(&V, 10);
    view_goto(&V, 5);
    CHECK(view_top(&V) == 0);
    view_free(&V);
    st_free(&st);
    return T_DONE("test_view");
}
