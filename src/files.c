#include "files.h"
#include "util.h"

#include <fts.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_DEPTH = 32 }; /* directories below the given one that are read */

static int has_ext(const char *p)
{
    const char *d = strrchr(p, '.');
    return d && (!strcasecmp(d, ".txt") || !strcasecmp(d, ".md") ||
                 !strcasecmp(d, ".markdown") || !strcasecmp(d, ".html") ||
                 !strcasecmp(d, ".htm") || !strcasecmp(d, ".xhtml"));
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t files_under(const char *dir, char ***out)
{
    char **v = NULL;
    size_t n = 0, cap = 0;
    char *roots[] = {(char *)dir, NULL};
    /* one lstat an entry; links not followed, but the directory given is */
    FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_COMFOLLOW | FTS_NOCHDIR, NULL);
    FTSENT *e;
    while (fts && (e = fts_read(fts))) {
        int hidden = e->fts_level > 0 && e->fts_name[0] == '.';
        if (e->fts_info == FTS_D && (hidden || e->fts_level > MAX_DEPTH))
            fts_set(fts, e, FTS_SKIP);
        else if (e->fts_info == FTS_F && e->fts_level > 0 && !hidden && has_ext(e->fts_name)) {
            grow(&v, &cap, n + 1, sizeof *v);
            v[n++] = xstrdup(e->fts_path);
        }
    }
    if (fts)
        fts_close(fts);
    if (n)
        qsort(v, n, sizeof *v, cmp);
    *out = v;
    return n;
}

void files_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}
