#include "sindex.h"
#include "doc.h"
#include "hash.h"
#include "utf8.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "JUANIDX\n"

typedef struct {
    char magic[8];
    uint32_t version, flags;
    uint64_t text_len, out_len, nblocks;
    uint64_t off_table, off_bloom, size;
    uint64_t sum; /* of this header (sum 0), the table, the filters */
    uint64_t pad[6];
} header_t; /* 128 bytes: the folded text follows */

typedef struct {
    uint64_t src, fold, sum; /* where block k starts; its text's checksum */
} brow_t; /* nblocks + 1 of them: the last, the ends */

struct sindex {
    unsigned char *map;  /* the file, for its folded text and filters */
    size_t size;
    int fd;            /* the file, kept: was it truncated (sindex_lost)? */
    const char *text;  /* folded */
    size_t n;
    brow_t *row;       /* the table, copied: it never changes once checked */
    const unsigned char *bloom;
    size_t nblocks;
    unsigned char *ok; /* per block: 0 unchecked, 1 sound, 2 damaged */
};

struct sindex_w {
    int fd, failed;
    char *tmp, *path;
    header_t h;
    brow_t *row;
    size_t nrow, rcap;
    unsigned char *bloom;
    size_t bcap;       /* blocks of filter allocated */
    size_t next_src;   /* where the next block must start */
    uint32_t prev;     /* the last character put: block, offset in it */
    size_t prev_k, prev_in;
    int have_prev;
};

/* A Bloom filter's bits for two code points: one multiply, inlined, not
 * hash64(). Measured on a 107 MB text (73 M grams written by --index):
 * 1.0 ns a gram here, 2.6 ns with XXH3 of the 8 bytes, which would add
 * 0.12 s (8 %) to the 1.4 s index build. Stored in index files: a change
 * is a new SIX_VERSION. */
static uint64_t gram(uint32_t a, uint32_t b)
{
    uint64_t h = ((uint64_t)a << 32 | b) * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 32);
}
#define UNI 0x110000u /* the second of a single character's gram */

static void bloom_set(unsigned char *f, uint64_t g)
{
    unsigned b1 = (unsigned)(g & (SIX_BLOOM * 8 - 1));
    unsigned b2 = (unsigned)((g >> 24) & (SIX_BLOOM * 8 - 1));
    f[b1 >> 3] |= (unsigned char)(1u << (b1 & 7));
    f[b2 >> 3] |= (unsigned char)(1u << (b2 & 7));
}

static int bloom_has(const unsigned char *f, uint64_t g)
{
    unsigned b1 = (unsigned)(g & (SIX_BLOOM * 8 - 1));
    unsigned b2 = (unsigned)((g >> 24) & (SIX_BLOOM * 8 - 1));
    return (f[b1 >> 3] >> (b1 & 7) & 1) && (f[b2 >> 3] >> (b2 & 7) & 1);
}

/* Decode folded text (norm's output is well-formed UTF-8). */
static int dec(const unsigned char *s, size_t n, uint32_t *c)
{
    return utf8_decode((const char *)s, n, c);
}

size_t sindex_grams(const char *q, size_t n, int pairs, uint64_t *g)
{
    const unsigned char *s = (const unsigned char *)q;
    size_t ng = 0, i = 0;
    while (i < n && i < SIX_REACH - 4 && ng + 2 <= SIX_GRAMS) {
        uint32_t c, d;
        int l = dec(s + i, n - i, &c);
        g[ng++] = gram(c, UNI);
        if (pairs && i + (size_t)l < n) {
            dec(s + i + l, n - i - (size_t)l, &d);
            g[ng++] = gram(c, d);
        }
        i += (size_t)l;
    }
    return ng;
}

/* ---- paths ------------------------------------------------------------- */

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

static int cache_off;

void sindex_dir_off(void)
{
    cache_off = 1;
}

/* CACHE's path (malloc'ed), made or not; NULL when there is none. */
static char *cache_path(void)
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
    return b.p;
}

char *sindex_dir_refused(char *why, size_t n)
{
    char *p = cache_path();
    struct stat sb;
    if (!cache_off && p && stat(p, &sb) == 0 && dir_private(p, why, n) < 0)
        return p;
    free(p);
    return NULL;
}

char *sindex_dir(int make)
{
    if (cache_off)
        return NULL;
    char *p = cache_path();
    if (!p)
        return NULL;
    char why[160];
    struct stat sb;
    if ((make && make_dirs(p) < 0) ||
        ((make || stat(p, &sb) == 0) && dir_private(p, why, sizeof why) < 0)) {
        free(p); /* (another's, or writable by others: not used) */
        return NULL;
    }
    return p;
}

char *sindex_path(const char *id, int flags)
{
    char *dir = sindex_dir(0);
    if (!dir)
        return NULL;
    buf_t b = {0};
    buf_adds(&b, dir);
    free(dir);
    buf_addc(&b, '/');
    buf_adds(&b, id);
    buf_adds(&b, (flags & NORM_TCSC) ? ".t2s.idx" : ".fold.idx");
    return b.p;
}

/* ---- temporary files left behind ---------------------------------------- */

/* Is name a temporary index file (NAME.idx.XXXXXX, of mkstemp)? */
static int is_temp(const char *name)
{
    const char *p = strstr(name, ".idx.");
    return p && strlen(p + 5) == 6 && !strchr(p + 5, '.');
}

/* Temporary index files of writers killed, or stopped by a full disk or
 * `ulimit -f` before their clean-up, are removed from the directory of
 * path the first time a process uses an index: those untouched for an
 * hour, and those no process holds (a writer holds its own with flock)
 * untouched for a minute (a writer between mkstemp and flock is not
 * robbed). */
static void sweep(const char *path)
{
    static _Atomic int done;
    const char *slash = strrchr(path, '/');
    if (!slash || done++)
        return;
    buf_t dir = {0};
    buf_add(&dir, path, (size_t)(slash - path));
    DIR *dp = opendir(dir.p);
    struct dirent *e;
    time_t now = time(NULL);
    while (dp && (e = readdir(dp))) {
        if (!is_temp(e->d_name))
            continue;
        struct stat st;
        int fd = openat(dirfd(dp), e->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0)
            continue;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
            double age = difftime(now, st.st_mtime);
            if (age > 3600 || (age > 60 && flock(fd, LOCK_EX | LOCK_NB) == 0))
                unlinkat(dirfd(dp), e->d_name, 0);
        }
        close(fd); /* (and its lock with it) */
    }
    if (dp)
        closedir(dp);
    buf_free(&dir);
}

/* ---- reading ----------------------------------------------------------- */

static uint64_t align8(uint64_t x) { return (x + 7) & ~(uint64_t)7; }

/* The checksum of the header and of the table and the filters. */
static uint64_t meta_sum(const header_t *h, const void *table, const void *bloom)
{
    header_t z = *h;
    z.sum = 0;
    uint64_t s = hash64(&z, sizeof z);
    s = hash64_seed(table, (size_t)((h->nblocks + 1) * sizeof(brow_t)), s);
    return hash64_seed(bloom, (size_t)(h->nblocks * SIX_BLOOM), s);
}

/* The header's sizes agree with each other and with a file of `size`. */
static int sane(const header_t *h, uint64_t size, size_t text_len, int flags)
{
    const uint64_t lim = (uint64_t)1 << 40;
    if (memcmp(h->magic, MAGIC, 8) || h->version != SIX_VERSION || h->flags != (uint32_t)flags ||
        h->text_len != text_len || h->out_len > lim || h->nblocks > lim || h->size != size)
        return 0;
    return h->off_table == align8(sizeof *h + h->out_len) &&
           h->off_bloom == h->off_table + (h->nblocks + 1) * sizeof(brow_t) &&
           h->size == h->off_bloom + h->nblocks * SIX_BLOOM;
}

/* The blocks go forward on both sides, from 0 to the ends. */
static int table_ok(const brow_t *r, size_t n, uint64_t out_len, uint64_t text_len)
{
    if (r[0].src || r[0].fold || r[n].src != text_len || r[n].fold != out_len)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (r[i + 1].src <= r[i].src || r[i + 1].fold < r[i].fold)
            return 0;
    return 1;
}

/* The filters are read where the file is mapped, its pages mapped at once
 * (MADV_POPULATE_READ, Linux 5.14; before it, faulted in a few at a time
 * as read): read into memory asked for in huge pages, they took 5-100 ms
 * to open the 107 MB bench text's index (26.7 MB of them), as the kernel
 * found huge pages or compacted memory for them; mapped, 0.3-0.5 ms (and
 * 1.5-2 ms for the checksum's pass over them). The table (24 bytes a
 * block) is copied: its offsets are trusted once checked, and a file cut
 * under the mapping must not change them (a block's end read as 0: a
 * checksum over 2^64 bytes). */
static void populate(const unsigned char *map, size_t from, size_t to)
{
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
    long pg = sysconf(_SC_PAGESIZE);
    uintptr_t a = (uintptr_t)(map + from) & ~(uintptr_t)((pg > 0 ? pg : 4096) - 1);
    madvise((void *)a, (size_t)((uintptr_t)(map + to) - a), MADV_POPULATE_READ);
}

int sindex_reseal(unsigned char *f, size_t n)
{
    header_t h;
    if (n < sizeof h)
        return -1;
    memcpy(&h, f, sizeof h);
    if (!sane(&h, n, (size_t)h.text_len, (int)h.flags))
        return -1;
    h.sum = meta_sum(&h, f + h.off_table, f + h.off_bloom);
    memcpy(f, &h, sizeof h);
    return 0;
}

sindex_t *sindex_open(const char *path, size_t text_len, int flags)
{
    sweep(path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat sb;
    header_t h;
    void *map = MAP_FAILED;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size >= sizeof h &&
        pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h &&
        sane(&h, (uint64_t)sb.st_size, text_len, flags))
        map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        close(fd);
        return NULL;
    }
    const unsigned char *m = map;
    if (doc_guard_map(map, (size_t)sb.st_size) < 0) { /* no room: not used */
        munmap(map, (size_t)sb.st_size);
        close(fd);
        return NULL;
    }
    /* (cut under the mapping from now on, the folded text and the filters
       read as zeros, or end short: sindex_lost) */
    populate(m, (size_t)h.off_bloom, (size_t)h.size);
    size_t nrow = (size_t)h.nblocks + 1;
    brow_t *row = xmalloc(nrow * sizeof *row);
    memcpy(row, m + h.off_table, nrow * sizeof *row);
    const unsigned char *bloom = m + h.off_bloom;
    if (meta_sum(&h, row, bloom) != h.sum ||
        !table_ok(row, (size_t)h.nblocks, h.out_len, h.text_len)) {
        free(row);
        doc_unguard_map(map);
        munmap(map, (size_t)sb.st_size);
        close(fd);
        return NULL;
    }
    sindex_t *ix = xmalloc(sizeof *ix);
    memset(ix, 0, sizeof *ix);
    ix->map = map;
    ix->size = (size_t)sb.st_size;
    ix->fd = fd;
    ix->text = (const char *)m + sizeof h;
    ix->n = (size_t)h.out_len;
    ix->row = row;
    ix->bloom = bloom;
    ix->nblocks = (size_t)h.nblocks;
    ix->ok = xcalloc(ix->nblocks + 1, 1);
    return ix;
}

void sindex_close(sindex_t *ix)
{
    if (!ix)
        return;
    doc_unguard_map(ix->map);
    munmap(ix->map, ix->size);
    close(ix->fd);
    free(ix->row);
    free(ix->ok);
    free(ix);
}

size_t sindex_blocks(const sindex_t *ix) { return ix->nblocks; }

int sindex_lost(const sindex_t *ix)
{
    /* pages gone (read as zeros by the guard), or the file cut within a
       page, whose tail then reads as zeros with no fault at all */
    struct stat sb;
    return doc_map_lost(ix->map) || fstat(ix->fd, &sb) < 0 ||
           (uint64_t)sb.st_size < (uint64_t)ix->size;
}

void sindex_block(const sindex_t *ix, size_t k, size_t *sa, size_t *sb, size_t *fa, size_t *fb)
{
    *sa = (size_t)ix->row[k].src;
    *sb = (size_t)ix->row[k + 1].src;
    *fa = (size_t)ix->row[k].fold;
    *fb = (size_t)ix->row[k + 1].fold;
}

size_t sindex_find_block(const sindex_t *ix, size_t off, int folded)
{
    size_t lo = 0, hi = ix->nblocks; /* the last row starting at or before off */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if ((folded ? ix->row[mid].fold : ix->row[mid].src) <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

const char *sindex_text(const sindex_t *ix, size_t *n)
{
    *n = ix->n;
    return ix->text;
}

int sindex_block_ok(sindex_t *ix, size_t k)
{
    if (k >= ix->nblocks)
        return 1; /* nothing there to read */
    if (!ix->ok[k]) {
        size_t a = (size_t)ix->row[k].fold, b = (size_t)ix->row[k + 1].fold;
        ix->ok[k] = hash64(ix->text + a, b - a) == ix->row[k].sum ? 1 : 2;
    }
    return ix->ok[k] == 1;
}

int sindex_may_have(const sindex_t *ix, size_t k, const uint64_t *g, size_t ng)
{
    if (k >= ix->nblocks)
        return 0;
    const unsigned char *f = ix->bloom + k * (size_t)SIX_BLOOM;
    for (size_t i = 0; i < ng; i++)
        if (!bloom_has(f, g[i]))
            return 0;
    return 1;
}

/* ---- writing ----------------------------------------------------------- */

static int write_all(int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t k = write(fd, s, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        s += k;
        n -= (size_t)k;
    }
    return 0;
}

sindex_w *sindex_create(const char *path, size_t text_len, int flags)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    int bad = !slash || make_dirs(dir) < 0;
    free(dir);
    if (bad)
        return NULL;
    sweep(path);
    buf_t tmp = {0};
    buf_adds(&tmp, path);
    buf_adds(&tmp, ".XXXXXX");
    int fd = mkstemp(tmp.p);
    if (fd < 0) {
        buf_free(&tmp);
        return NULL;
    }
    flock(fd, LOCK_EX); /* held while it is written: not stale (sweep) */
    sindex_w *w = xmalloc(sizeof *w);
    memset(w, 0, sizeof *w);
    w->fd = fd;
    w->tmp = tmp.p;
    w->path = xstrdup(path);
    memcpy(w->h.magic, MAGIC, 8);
    w->h.version = SIX_VERSION;
    w->h.flags = (uint32_t)flags;
    w->h.text_len = text_len;
    static const header_t blank; /* the header is written last */
    if (write_all(fd, &blank, sizeof blank) < 0 ||
        lseek(fd, sizeof w->h, SEEK_SET) < 0)
        w->failed = 1;
    return w;
}

/* The filter of block b (grown, zeroed, as needed). */
static unsigned char *filter(sindex_w *w, size_t b)
{
    if (b >= w->bcap) {
        size_t old = w->bcap, cap = old ? old : 16;
        while (cap <= b)
            cap *= 2;
        w->bloom = xrealloc(w->bloom, cap * (size_t)SIX_BLOOM);
        memset(w->bloom + old * (size_t)SIX_BLOOM, 0, (cap - old) * (size_t)SIX_BLOOM);
        w->bcap = cap;
    }
    return w->bloom + b * (size_t)SIX_BLOOM;
}

/* A gram starting `in` bytes into block k: in its filter, and in the one
 * before when it starts near the top of k. */
static void insert(sindex_w *w, size_t k, size_t in, uint64_t g)
{
    bloom_set(filter(w, k), g);
    if (k && in < SIX_REACH)
        bloom_set(filter(w, k - 1), g);
}

int sindex_put(sindex_w *w, size_t sa, size_t sb, const char *f, size_t fn)
{
    if (w->failed)
        return -1;
    size_t k = w->nrow;
    if (sa != w->next_src || sb <= sa) { /* blocks follow each other */
        w->failed = 1;
        return -1;
    }
    w->next_src = sb;
    grow(&w->row, &w->rcap, k + 2, sizeof *w->row);
    w->row[k] = (brow_t){sa, w->h.out_len, hash64(f, fn)};
    w->nrow++;
    filter(w, k);
    const unsigned char *t = (const unsigned char *)f;
    for (size_t i = 0; i < fn;) {
        uint32_t c;
        int l = dec(t + i, fn - i, &c);
        insert(w, k, i, gram(c, UNI));
        if (w->have_prev)
            insert(w, w->prev_k, w->prev_in, gram(w->prev, c));
        w->prev = c;
        w->prev_k = k;
        w->prev_in = i;
        w->have_prev = 1;
        i += (size_t)l;
    }
    w->h.out_len += fn;
    if (write_all(w->fd, f, fn) < 0)
        w->failed = 1;
    return w->failed ? -1 : 0;
}

static void w_free(sindex_w *w)
{
    free(w->tmp);
    free(w->path);
    free(w->row);
    free(w->bloom);
    free(w);
}

void sindex_abort(sindex_w *w)
{
    if (!w)
        return;
    close(w->fd);
    unlink(w->tmp);
    w_free(w);
}

/* Index files of an older format are never used again (their names are
 * identities of an older form too): those in the directory of path are
 * removed the first time a process writes an index. */
static void drop_older(const char *path)
{
    static _Atomic int done;
    if (done++)
        return;
    buf_t dir = {0};
    buf_add(&dir, path, (size_t)(strrchr(path, '/') - path));
    DIR *dp = opendir(dir.p);
    struct dirent *e;
    while (dp && (e = readdir(dp))) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 4, ".idx"))
            continue;
        header_t h;
        int fd = openat(dirfd(dp), e->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd >= 0 && pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h &&
            !memcmp(h.magic, MAGIC, 8) && h.version < SIX_VERSION)
            unlinkat(dirfd(dp), e->d_name, 0);
        if (fd >= 0)
            close(fd);
    }
    if (dp)
        closedir(dp);
    buf_free(&dir);
}

int sindex_finish(sindex_w *w)
{
    header_t *h = &w->h;
    if (w->next_src != h->text_len)
        w->failed = 1; /* blocks short of the whole text */
    h->nblocks = w->nrow;
    grow(&w->row, &w->rcap, w->nrow + 1, sizeof *w->row);
    w->row[w->nrow] = (brow_t){h->text_len, h->out_len, 0};
    if (h->nblocks)
        filter(w, (size_t)h->nblocks - 1);
    h->off_table = align8(sizeof *h + h->out_len);
    h->off_bloom = h->off_table + (h->nblocks + 1) * sizeof(brow_t);
    h->size = h->off_bloom + h->nblocks * SIX_BLOOM;
    static const char zero[8];
    int ok = !w->failed &&
             write_all(w->fd, zero, (size_t)(h->off_table - sizeof *h - h->out_len)) == 0 &&
             write_all(w->fd, w->row, (w->nrow + 1) * sizeof *w->row) == 0 &&
             write_all(w->fd, w->bloom, (size_t)h->nblocks * SIX_BLOOM) == 0;
    if (ok) {
        h->sum = meta_sum(h, w->row, w->bloom);
        ok = pwrite(w->fd, h, sizeof *h, 0) == (ssize_t)sizeof *h && fsync(w->fd) == 0;
    }
    ok = close(w->fd) == 0 && ok;
    ok = ok && rename(w->tmp, w->path) == 0;
    if (ok)
        drop_older(w->path);
    else
        unlink(w->tmp);
    w_free(w);
    return ok ? 0 : -1;
}
