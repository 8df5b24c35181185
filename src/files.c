#include "files.h"
#include "util.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

typedef struct {
    char **v;
    size_t n, cap;
} list_t;

static int has_ext(const char *p)
{
    const char *d = strrchr(p, '.');
    return d && (!strcasecmp(d, ".txt") || !strcasecmp(d, ".md") ||
                 !strcasecmp(d, ".markdown"));
}

static void walk(list_t *L, const char *dir, int depth)
{
    DIR *d = depth <= 32 ? opendir(dir) : NULL;
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        buf_t p = {0};
        buf_adds(&p, dir);
        if (p.n && p.p[p.n - 1] != '/')
            buf_addc(&p, '/');
        buf_adds(&p, de->d_name);
        struct stat sb;
        if (lstat(p.p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            walk(L, p.p, depth + 1);
        } else if (lstat(p.p, &sb) == 0 && S_ISREG(sb.st_mode) && has_ext(p.p)) {
            grow(&L->v, &L->cap, L->n + 1, sizeof *L->v);
            L->v[L->n++] = p.p;
            continue;
        }
        buf_free(&p);
    }
    closedir(d);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t files_under(const char *dir, char ***out)
{
    list_t L = {0};
    walk(&L, dir, 0);
    if (L.n)
        qsort(L.v, L.n, sizeof *L.v, cmp);
    *out = L.v;
    return L.n;
}

void files_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}
