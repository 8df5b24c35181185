/* t_build: structure tests' fixture helpers, shared by test_structure.c,
 * test_sect.c and test_talk.c. build() gives st_build() an exact-length,
 * unterminated copy of s (so no reader may rely on a NUL after the text),
 * freed with unbuild(). */
#ifndef JUAN_T_BUILD_H
#define JUAN_T_BUILD_H
#include "structure.h"
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
#endif
