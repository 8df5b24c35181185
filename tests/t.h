/* t.h: a minimal unit-test harness. Each test binary ends with
 * T_DONE(), which prints "NAME: N passed, M failed" and exits non-zero on
 * any failure. Failures print file:line and the expression. */
#ifndef JUAN_T_H
#define JUAN_T_H
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_pass, t_fail;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond)                                                            \
            t_pass++;                                                        \
        else {                                                               \
            t_fail++;                                                        \
            fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                    \
    } while (0)

#define CHECK_MSG(cond, ...)                                                 \
    do {                                                                     \
        if (cond)                                                            \
            t_pass++;                                                        \
        else {                                                               \
            t_fail++;                                                        \
            fprintf(stderr, "%s:%d: FAIL: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                    \
            fputc('\n', stderr);                                             \
        }                                                                    \
    } while (0)

#define CHECK_STR(a, b)                                                      \
    do {                                                                     \
        const char *a_ = (a), *b_ = (b);                                     \
        if (a_ && b_ && !strcmp(a_, b_))                                     \
            t_pass++;                                                        \
        else {                                                               \
            t_fail++;                                                        \
            fprintf(stderr, "%s:%d: FAIL: %s == %s\n  got:  [%s]\n  want: [%s]\n", \
                    __FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)",          \
                    b_ ? b_ : "(null)");                                     \
        }                                                                    \
    } while (0)

/* A whole file, NUL-terminated, its length in *n; NULL if unreadable. */
/* Run sql on the SQLite database file from a connection of its own (as
 * another program would): the rows it changed, or -1. */
static __attribute__((unused)) int t_sql(const char *file, const char *sql)
{
    sqlite3 *db;
    int r = -1;
    if (sqlite3_open(file, &db) == SQLITE_OK && sqlite3_exec(db, sql, 0, 0, 0) == SQLITE_OK)
        r = sqlite3_changes(db);
    sqlite3_close(db);
    return r;
}

static __attribute__((unused)) char *t_slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0, k;
    char *p = malloc(cap);
    while (p && (k = fread(p + len, 1, cap - len - 1, f)) > 0) {
        len += k;
        if (cap - len < 2048) {
            char *q = realloc(p, cap *= 2);
            if (!q)
                free(p);
            p = q;
        }
    }
    fclose(f);
    if (p)
        p[len] = '\0';
    *n = len;
    return p;
}

#define T_DONE(name)                                                         \
    (printf("%s: %d passed, %d failed\n", name, t_pass, t_fail),            \
     t_fail ? 1 : 0)

#endif
