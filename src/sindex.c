#include "sindex.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdint.h>
#include <unistd.h>

#define MAGIC "JUANIDX\n"
#define VERSION 2 /* segments of four uint32 */

typedef struct {
    char magic[8];
    uint32_t version, flags;
    uint64_t text_len, out_len, nseg, sum;
} header_t;

static uint64_t sum_of(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        h = (h ^ v) * 0x100000001B3ull;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ s[i]) * 0x100000001B3ull;
    return h;
}

static uint64_t checksum(const norm_t *N)
{
    uint64_t h = sum_of(0xCBF29CE484222325ull, N->out.p, N->out.n);
    return sum_of(h, N->seg, N->nseg * sizeof *N->seg);
}

static int make_dirs(const char *dir)
{
    char *p = xstrdup(dir);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        mkdir(p, 0755);
        *s = '/';
    }
    int r = mkdir(p, 0700) < 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return r;
}

char *sindex_path(const char *id, int flags)
{
    buf_t b = {0};
    const char *e = getenv("JUAN_CACHE_DIR");
    if (e && *e) {
        buf_adds(&b, e);
    } else if ((e = getenv("XDG_CACHE_HOME")) && *e == '/') {
        buf_adds(&b, e);
        buf_adds(&b, "/juan");
    } else if ((e = getenv("HOME")) && *e) {
        buf_adds(&b, e);
        buf_adds(&b, "/.cache/juan");
    } else {
        return NULL;
    }
    buf_addc(&b, '/');
    buf_adds(&b, id);
    buf_adds(&b, (flags & NORM_TCSC) ? ".t2s.idx" : ".fold.idx");
    return b.p;
}

int sindex_load(const char *path, size_t text_len, norm_t *N)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    header_t h;
    struct stat sb;
    int ok = fread(&h, sizeof h, 1, f) == 1 && fstat(fileno(f), &sb) == 0 &&
             !memcmp(h.magic, MAGIC, 8) && h.version == VERSION &&
             h.flags == (uint32_t)N->flags && h.text_len == text_len &&
             h.out_len <= (uint64_t)sb.st_size && h.nseg <= (uint64_t)sb.st_size &&
             (uint64_t)sb.st_size == sizeof h + h.out_len + h.nseg * sizeof(nseg_t);
    if (ok) {
        norm_reset(N);
        grow(&N->out.p, &N->out.cap, (size_t)h.out_len + 1, 1);
        grow(&N->seg, &N->scap, (size_t)h.nseg + 1, sizeof *N->seg);
        ok = fread(N->out.p, 1, (size_t)h.out_len, f) == h.out_len &&
             fread(N->seg, sizeof *N->seg, (size_t)h.nseg, f) == h.nseg;
        N->out.n = (size_t)h.out_len;
        N->out.p[N->out.n] = '\0';
        N->nseg = (size_t)h.nseg;
        ok = ok && checksum(N) == h.sum;
        if (!ok)
            norm_reset(N);
    }
    fclose(f);
    return ok ? 0 : -1;
}

int sindex_save(const char *path, size_t text_len, const norm_t *N)
{

    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    if (!slash || make_dirs(dir) < 0) {
        free(dir);
        return -1;
    }
    free(dir);
    buf_t tmp = {0};
    buf_adds(&tmp, path);
    buf_adds(&tmp, ".XXXXXX");
    int fd = mkstemp(tmp.p);
    if (fd < 0) {
        buf_free(&tmp);
        return -1;
    }
    header_t h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, MAGIC, 8);
    h.version = VERSION;
    h.flags = (uint32_t)N->flags;
    h.text_len = text_len;
    h.out_len = N->out.n;
    h.nseg = N->nseg;
    h.sum = checksum(N);
    FILE *f = fdopen(fd, "wb");
    int ok = f && fwrite(&h, sizeof h, 1, f) == 1 &&
             fwrite(N->out.p, 1, N->out.n, f) == N->out.n &&
             fwrite(N->seg, sizeof *N->seg, N->nseg, f) == N->nseg &&
             fflush(f) == 0 && fsync(fd) == 0;
    if (f)
        ok = (fclose(f) == 0) && ok;
    else
        close(fd);
    ok = ok && rename(tmp.p, path) == 0;
    if (!ok)
        unlink(tmp.p);
    buf_free(&tmp);
    return ok ? 0 : -1;
}
