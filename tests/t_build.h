/* t_build: structure tests' fixture helpers, shared by test_structure.c,
 * test_sect.c and test_talk.c. build() gives st_build() an exact-length,
 * unterminated copy of s (so no reader may rely on a NUL after the text),
 * freed with unbuild(); dump_of() is its --dump at a width. */
#ifndef JUAN_T_BUILD_H
#define JUAN_T_BUILD_H
#include "doc.h"
#include "dump.h"
#include "structure.h"
#include "t.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *build(structure_t *st, const char *s, int fmt, const char *path)
{
    size_t n = strlen(s);
    char *p = malloc(n ? n : 1);
    if (!p) {
        perror("malloc");
        exit(2);
    }
    memcpy(p, s, n);
    st_build(st, p, n, fmt, path);
    return p;
}

static void unbuild(structure_t *st, char *p)
{
    st_free(st);
    free(p);
}
/* --dump of s as path, at width w: the output, malloc'd. */
static inline char *dump_of(const char *s, int fmt, const char *path, int w)
{
    structure_t st;
    char *p = build(&st, s, fmt, path);
    doc_t d;
    memset(&d, 0, sizeof d);
    d.text = p;
    d.len = strlen(s);
    dump_opts_t o = {.lo = {.width = w, .indent = 2}, .color = 0};
    char *out = NULL;
    size_t olen = 0;
    FILE *f = open_memstream(&out, &olen);
    if (!f) {
        perror("open_memstream");
        exit(2);
    }
    int rc = dump_doc(&d, &st, &o, f);
    fclose(f);
    CHECK_MSG(rc == 0, "dump_doc of [%s] returned %d", s, rc);
    unbuild(&st, p);
    return out;
}
#endif
