/* bench/fold: the reference normalisation for make bench's count check,
 * written apart from juan's norm module: each line of stdin as a whole
 * through utf8proc (NFKC + case folding), then every character through
 * OpenCC t2s on its own; to stdout. `grep -o` on its output is the
 * reference count of a query folded the same way. */
#include <opencc/opencc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int main(void)
{
    opencc_t cc = opencc_open("t2s.json");
    if (cc == (opencc_t)-1) {
        fprintf(stderr, "fold: cannot open OpenCC t2s\n");
        return 2;
    }
    static char *memo[0x40000];
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        utf8proc_uint8_t *out = NULL;
        if (utf8proc_map((const utf8proc_uint8_t *)line, n, &out,
                         UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                             UTF8PROC_CASEFOLD) < 0) {
            fwrite(line, 1, (size_t)n, stdout); /* invalid: as it is */
            continue;
        }
        for (utf8proc_uint8_t *p = out; *p;) {
            utf8proc_int32_t c;
            utf8proc_ssize_t l = utf8proc_iterate(p, -1, &c);
            if (l <= 0) {
                putchar(*p++);
                continue;
            }
            if (c >= 0x3400 && c < 0x40000) {
                if (!memo[c]) {
                    char *o = opencc_convert_utf8(cc, (const char *)p, (size_t)l);
                    memo[c] = strdup(o ? o : "");
                    if (o)
                        opencc_convert_utf8_free(o);
                }
                fputs(memo[c], stdout);
            } else {
                fwrite(p, 1, (size_t)l, stdout);
            }
            p += l;
        }
        free(out);
    }
    free(line);
    opencc_close(cc);
    return 0;
}
