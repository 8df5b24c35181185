#include "dump.h"
#include "render.h"

#include <errno.h>
#include <string.h>

/* SGR for a span style (0: back to plain). */
static const char *sgr(int style)
{
    static char b[32];
    if (!style)
        return "\x1b[0m";
    strcpy(b, "\x1b[0");
    if (style & (SP_STRONG | SP_SPEAKER | SP_HEADING))
        strcat(b, ";1");
    if (style & SP_EM)
        strcat(b, ";3");
    if (style & SP_LINK)
        strcat(b, ";4");
    if (style & (SP_CODE | SP_NOTE))
        strcat(b, ";2");
    if (style & SP_DEL)
        strcat(b, ";9");
    strcat(b, "m");
    return b;
}

static void print_line(const render_t *R, const rline_t *l, int color,
                       FILE *out)
{
    const char *p = R->out.p;
    if (!color || l->nrun == 0) {
        fwrite(p + l->off, 1, l->len, out);
    } else {
        uint32_t at = l->off;
        int cur = 0;
        for (uint32_t r = l->run0; r < l->run0 + l->nrun; r++) {
            fwrite(p + at, 1, R->runs[r].off - at, out);
            at = R->runs[r].off;
            cur = R->runs[r].style;
            fputs(sgr(cur), out);
        }
        /* the cut marker is drawn plain */
        uint32_t text_end = l->off + l->len - ((l->flags & RL_CUT) ? 3 : 0);
        fwrite(p + at, 1, text_end - at, out);
        if (cur)
            fputs(sgr(0), out);
        fwrite(p + text_end, 1, l->off + l->len - text_end, out);
    }
    putc('\n', out);
}

int dump_doc(const doc_t *d, const structure_t *st, const dump_opts_t *o,
             FILE *out)
{
    (void)d;
    render_t R;
    memset(&R, 0, sizeof R);
    st_cursor_t c;
    block_t b, prev;
    int have_prev = 0;
    int ok = st_first(st, &c, &b);
    while (ok) {
        render_block(&R, st, &b, have_prev ? &prev : NULL, &o->lo);
        for (size_t i = 0; i < R.n; i++)
            print_line(&R, &R.v[i], o->color, out);
        prev = b;
        have_prev = 1;
        ok = !ferror(out) && st_next(st, &c, &b); /* a write error: stop */
    }
    render_free(&R);
    if (fflush(out) != 0 || ferror(out)) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
}
