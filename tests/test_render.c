/* render: a block's lines depend only on the block and the one before it,
 * so a reader that renders blocks in any order (scrolling back, jumping)
 * gets the lines --dump prints. Rendering every block of each sample in
 * reverse order gives the same lines as rendering them in order; a turn
 * hangs at the block's hang. */
#include "render.h"
#include "t.h"
#include "text.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    block_t b;
    char *bytes; /* all line bytes, '\n'-joined, with flags and ranges */
} seen_t;

static char *lines_of(const render_t *R)
{
    buf_t b = {0};
    buf_add(&b, "", 0);
    for (size_t i = 0; i < R->n; i++) {
        const rline_t *l = &R->v[i];
        char tag[96];
        snprintf(tag, sizeof tag, "[%zu-%zu f%d c%d r%u]", l->start, l->end,
                 l->flags, l->cells, l->nrun);
        buf_adds(&b, tag);
        buf_add(&b, R->out.p + l->off, l->len);
        for (uint32_t r = l->run0; r < l->run0 + l->nrun; r++) {
            snprintf(tag, sizeof tag, "<%u:%d>", R->runs[r].off - l->off,
                     R->runs[r].style);
            buf_adds(&b, tag);
        }
        buf_addc(&b, '\n');
    }
    return b.p;
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
    render_t R = {0};
    seen_t *s = NULL;
    size_t ns = 0, cap = 0;
    st_cursor_t c;
    block_t b;
    int ok = st_first(&st, &c, &b);
    while (ok) {
        grow(&s, &cap, ns + 1, sizeof *s);
        render_block(&R, &st, &b, ns ? &s[ns - 1].b : NULL, &o);
        s[ns].b = b;
        s[ns].bytes = lines_of(&R);
        ns++;
        ok = st_next(&st, &c, &b);
    }
    CHECK_MSG(ns > 3, "%s: %zu blocks", path, ns);
    size_t diff = 0;
    for (size_t i = ns; i-- > 0;) {
        render_block(&R, &st, &s[i].b, i ? &s[i - 1].b : NULL, &o);
        char *again = lines_of(&R);
        if (strcmp(again, s[i].bytes)) {
            if (!diff)
                fprintf(stderr, "  %s w%d block %zu:\n  fwd %s  rev %s", path,
                        width, i, s[i].bytes, again);
            diff++;
        }
        free(again);
    }
    CHECK_MSG(diff == 0, "%s at %d: %zu blocks render differently in reverse",
              path, width, diff);
    /* every line fits the width */
    size_t wide = 0;
    for (size_t i = 0; i < ns; i++) {
        render_block(&R, &st, &s[i].b, i ? &s[i - 1].b : NULL, &o);
        for (size_t k = 0; k < R.n; k++)
            wide += R.v[k].cells > width ||
                    text_width(R.out.p + R.v[k].off, R.v[k].len) !=
                        R.v[k].cells;
    }
    CHECK_MSG(wide == 0, "%s at %d: %zu lines wider than the width or "
                         "mis-measured", path, width, wide);
    /* a turn's lines after its first, and a continuation's all, hang at
     * the block's hang (at most a third of the width): blanks before the
     * text */
    size_t turns = 0, off_hang = 0;
    for (size_t i = 0; i < ns; i++) {
        const block_t *bk = &s[i].b;
        if (!(bk->flags & (BF_TURN | BF_CONT)) || bk->quote || bk->list)
            continue;
        turns++;
        size_t want = bk->hang < (unsigned)width / 3 ? bk->hang : (size_t)width / 3;
        render_block(&R, &st, bk, i ? &s[i - 1].b : NULL, &o);
        int first = 1;
        for (size_t k = 0; k < R.n; k++) {
            const rline_t *l = &R.v[k];
            if (l->flags & RL_SEP)
                continue;
            size_t lead = l->text - l->off;
            if (first && (bk->flags & BF_TURN))
                off_hang += lead != 0;
            else if (first)
                off_hang += lead < want || lead > want + (size_t)o.indent;
            else
                off_hang += lead != want;
            first = 0;
        }
    }
    CHECK_MSG(!strstr(path, "interview") || turns > 10, "%s: %zu turn blocks", path, turns);
    CHECK_MSG(off_hang == 0, "%s at %d: %zu turn lines not at the hang", path,
              width, off_hang);
    for (size_t i = 0; i < ns; i++)
        free(s[i].bytes);
    free(s);
    render_free(&R);
    st_free(&st);
    free(t);
}

int main(void)
{
    setlocale(LC_ALL, "");
    text_init_locale();
    static const char *const files[] = {
        "samples/essay.md", "samples/interview.txt", "samples/japanese.txt",
        "samples/mixed.txt", "samples/traditional.txt"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        for (int w = 20; w <= 80; w += 30)
            check_file(files[i], w);
    return T_DONE("test_render");
}
