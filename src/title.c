#include "title.h"
#include "utf8.h"

void title_of_structure(const structure_t *st, const char *path, buf_t *t)
{
    st_title(st, t);
    st_cursor_t c;
    block_t b;
    for (int ok = !t->n && st_first(st, &c, &b); ok; ok = st_next(st, &c, &b)) {
        if (b.kind != BK_PARA && b.kind != BK_HEADING && b.kind != BK_TITLE)
            continue;
        st_block_text(st, &b, t);
        if (t->n) {
            if (t->n > 120) /* (whole characters) */
                t->p[t->n = utf8_back(t->p, 0, 120)] = 0;
            break;
        }
    }
    if (!t->n)
        buf_adds(t, path_base(path));
}

int title_of_file(const char *path, const doc_opts_t *dopt, int format, buf_t *t)
{
    doc_t d;
    doc_opts_t o = *dopt;
    o.prefix = TITLE_PREFIX;
    t->n = 0;
    buf_add(t, "", 0);
    int r = doc_open(&d, path, &o) == DOC_OK ? 0 : -1;
    if (r == 0) {
        structure_t st;
        st_build(&st, d.text, d.len, format, path);
        title_of_structure(&st, path, t);
        st_free(&st);
    }
    doc_close(&d);
    if (!t->n)
        buf_adds(t, path_base(path));
    return r;
}
