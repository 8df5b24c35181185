#include "dump.h"
#include "para.h"

#include <errno.h>

int dump_doc(const doc_t *d, const layout_opts_t *o, FILE *out)
{
    layout_t L = {0};
    para_t p;
    int ok = para_first(d->text, d->len, &p);
    while (ok) {
        if (p.blank) {
            putc('\n', out);
        } else {
            layout_para(&L, d->text, p.start, p.end, o);
            for (size_t i = 0; i < L.nv; i++) {
                const char *s;
                size_t n = layout_line_bytes(&L, i, &s);
                if (L.v[i].indent)
                    fwrite(L.indent_str, 1, L.indent_len, out);
                fwrite(s, 1, n, out);
                putc('\n', out);
            }
        }
        ok = para_next(d->text, d->len, &p, &p);
    }
    layout_free(&L);
    if (fflush(out) != 0 || ferror(out)) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
}
