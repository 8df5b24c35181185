#include "libindex.h"
#include "doc.h"
#include "files.h"
#include "hash.h"
#include "ident.h"
#include "norm.h"
#include "search.h"
#include "sindex.h"
#include "structure.h"
#include "text.h"
#include "utf8.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the file ----------------------------------------------------------- */

static const char MAGIC[8] = "JUANLIX";

/* The file: this header, the documents, their paths (after the root's),
 * the checksums of the blocks of what follows, the terms (in key order)
 * and their postings. sum covers everything before the terms (about 1 MB
 * for 10,000 documents: read and checked at every opening); the terms and
 * postings, 28 MB, are mapped and each LIX_BLOCK of them checked against
 * its sum the first time a search touches it (checking all 28 MB at every
 * search took half the time of a search of a word that is nowhere). */
enum { LIX_BLOCK = 65536 };

typedef struct {
    char magic[8];
    uint32_t version, flags;
    uint64_t ndocs, nterms, root_len, nblocks;
    uint64_t off_docs, off_paths, off_sums, off_terms, off_post, size;
    uint64_t sum; /* XXH3 of [0, off_terms) with this field 0 */
} lix_head_t;

typedef struct {
    uint64_t size, ino, dev, text_len, text_hash;
    int64_t mtime, ctime;    /* ns */
    uint32_t path_off, path_len; /* in paths, relative to the root */
    uint32_t ok, pad;        /* ok: entries trusted (read, not racy) */
} lix_doc_t;

typedef struct {
    uint64_t key;
    uint32_t off, n; /* postings at off_post + off: n varint deltas */
} lix_term_t;

/* Keys: a character c (< 2^21), or a pair 2^42 | c1 << 21 | c2; a key and
 * a document number (< 2^21) packed in 64 bits while building. */
enum { DOC_BITS = 21 };
#define PAIR_BIT (1ULL << 42)

typedef struct {
    char *buf;    /* the file, mapped */
    size_t n;
    const lix_head_t *h;
    const lix_doc_t *docs;
    const char *paths;
    const uint64_t *sums;
    const lix_term_t *terms;
    const unsigned char *post;
    size_t npost;
    unsigned char *checked; /* per block: 0 not yet, 1 sound, 2 damaged */
    int bad;                /* a damaged block was met */
    char *file;
    dev_t dev;
    ino_t ino;
} lix_t;

static int skippable(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
           c == '>';
}

/* lix_grams of a text given in parts: *prev, the last character kept
 * before t (UINT64_MAX: none), updated. */
static void grams_from(const char *t, size_t n, uint64_t *prevp, uint64_t **v, size_t *nv,
                       size_t *cap)
{
    uint64_t prev = *prevp;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        i += (size_t)text_decode(t + i, n - i, &c);
        if (skippable(c))
            continue;
        grow(v, cap, *nv + 2, sizeof **v);
        (*v)[(*nv)++] = c;
        if (prev != UINT64_MAX)
            (*v)[(*nv)++] = PAIR_BIT | prev << 21 | c;
        prev = c;
    }
    *prevp = prev;
}

void lix_grams(const char *t, size_t n, uint64_t **v, size_t *nv, size_t *cap)
{
    uint64_t prev = UINT64_MAX;
    grams_from(t, n, &prev, v, nv, cap);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static size_t sort_unique(uint64_t *v, size_t n)
{
    if (n < 2)
        return n;
    qsort(v, n, sizeof *v, cmp_u64);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!k || v[k - 1] != v[i])
            v[k++] = v[i];
    return k;
}

/* v[0..n) without repeats (in the order first seen), with the table *t
 * (*tcap slots, grown): a document's grams (qsort'ing them took 38% of
 * the 10,000-file build). Returns how many. */
static size_t dedupe(uint64_t *v, size_t n, uint64_t **t, size_t *tcap)
{
    size_t cap = 64;
    while (cap < 2 * n)
        cap *= 2;
    if (cap > *tcap) {
        free(*t);
        *t = xmalloc(cap * sizeof **t);
        *tcap = cap;
    }
    memset(*t, 0xff, cap * sizeof **t); /* UINT64_MAX: empty (keys are < 2^43) */
    size_t k = 0, mask = cap - 1;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = v[i];
        for (size_t j = (size_t)((x * 0x9E3779B97F4A7C15ULL) >> 20) & mask;; j = (j + 1) & mask) {
            if ((*t)[j] == x)
                break;
            if ((*t)[j] == UINT64_MAX) {
                (*t)[j] = x;
                v[k++] = x;
                break;
            }
        }
    }
    return k;
}

/* LSD radix sort, 11 bits a pass, the counts of all passes taken in one
 * read, passes where every value has the same digit skipped: the 17
 * million pairs of the 10,000-file library sort in 0.6 s; qsort took 4 s,
 * 8-bit passes 2 s (on a loaded machine). */
static void radix_sort(uint64_t *v, size_t n)
{
    enum { BITS = 11, PASSES = (64 + BITS - 1) / BITS, R = 1 << BITS };
    size_t *cnt = xcalloc((size_t)PASSES * R, sizeof *cnt);
    for (size_t i = 0; i < n; i++)
        for (int p = 0; p < PASSES; p++)
            cnt[(size_t)p * R + ((v[i] >> (p * BITS)) & (R - 1))]++;
    uint64_t *tmp = xmalloc((n ? n : 1) * sizeof *tmp), *a = v, *b = tmp;
    for (int p = 0; p < PASSES && n; p++) {
        size_t *c = cnt + (size_t)p * R;
        int s = p * BITS;
        if (c[(a[0] >> s) & (R - 1)] == n)
            continue;
        size_t at = 0;
        for (int k = 0; k < R; k++) {
            size_t m = c[k];
            c[k] = at;
            at += m;
        }
        for (size_t i = 0; i < n; i++)
            b[c[(a[i] >> s) & (R - 1)]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    if (a != v)
        memcpy(v, a, n * sizeof *v);
    free(tmp);
    free(cnt);
}

char *libindex_path(const char *dir)
{
    char *cache = sindex_dir(0);
    if (!cache)
        return NULL;
    char *abs = ident_abspath(dir);
    char name[64];
    snprintf(name, sizeof name, "/lib/%016llx.jlx",
             (unsigned long long)hash64(abs, strlen(abs)));
    free(abs);
    buf_t b = {0};
    buf_adds(&b, cache);
    buf_adds(&b, name);
    free(cache);
    return b.p;
}

static int64_t ts_ns(struct timespec t)
{
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int range_ok(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static void lix_close(lix_t *x)
{
    if (x && x->buf) {
        doc_unguard_map(x->buf);
        munmap(x->buf, x->n);
    }
    if (x) {
        free(x->checked);
        free(x->file);
    }
    free(x);
}

/* Are the bytes [off, off + len) of the terms and postings sound (their
 * blocks checked now if not yet)? A damaged one sets x->bad. */
static int area_ok(lix_t *x, uint64_t off, uint64_t len)
{
    if (x->bad || off < x->h->off_terms || !range_ok(off, len, x->n))
        return x->bad = 1, 0;
    if (!len)
        return 1;
    for (uint64_t k = (off - x->h->off_terms) / LIX_BLOCK,
                  e = (off + len - 1 - x->h->off_terms) / LIX_BLOCK; k <= e; k++) {
        if (!x->checked[k]) {
            uint64_t a = x->h->off_terms + k * LIX_BLOCK;
            uint64_t n = x->n - a < LIX_BLOCK ? x->n - a : LIX_BLOCK;
            x->checked[k] = hash64(x->buf + a, n) == x->sums[k] ? 1 : 2;
        }
        if (x->checked[k] != 1)
            return x->bad = 1, 0;
    }
    return 1;
}

/* The checksum of the head of file image f, whose header is h (h->sum
 * taken as 0; [0, h->off_terms) within the image). */
static uint64_t head_sum(const char *f, const lix_head_t *h)
{
    lix_head_t z = *h;
    z.sum = 0;
    hash_stream_t *hs = hash_stream_new();
    hash_stream_add(hs, &z, sizeof z);
    hash_stream_add(hs, f + sizeof z, h->off_terms - sizeof z);
    return hash_stream_end(hs);
}

/* Map and check the index at file; NULL when absent or damaged (*bad). */
static lix_t *lix_open(const char *file, int *bad)
{
    *bad = 0;
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat sb;
    lix_t *x = xcalloc(1, sizeof *x);
    x->file = xstrdup(file);
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || (size_t)sb.st_size < sizeof(lix_head_t))
        goto damaged;
    x->dev = sb.st_dev;
    x->ino = sb.st_ino;
    void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED)
        goto damaged;
    if (doc_guard_map(m, (size_t)sb.st_size) < 0) { /* (no slot: not used) */
        munmap(m, (size_t)sb.st_size);
        close(fd);
        lix_close(x);
        return NULL;
    }
    x->buf = m;
    x->n = (size_t)sb.st_size;
    lix_head_t h;
    memcpy(&h, x->buf, sizeof h);
    /* the parts in order, each within the file */
    if (memcmp(h.magic, MAGIC, sizeof MAGIC) || h.version != LIX_VERSION || h.size != x->n ||
        h.off_docs != sizeof h || h.ndocs >= 1ULL << DOC_BITS ||
        h.ndocs > (h.size - h.off_docs) / sizeof(lix_doc_t) ||
        h.off_paths != h.off_docs + h.ndocs * sizeof(lix_doc_t) || h.off_sums < h.off_paths ||
        h.off_sums % 8 || h.off_sums > h.size ||
        h.nblocks > (h.size - h.off_sums) / 8 || h.off_terms != h.off_sums + 8 * h.nblocks ||
        h.nblocks != (h.size - h.off_terms + LIX_BLOCK - 1) / LIX_BLOCK ||
        h.nterms > (h.size - h.off_terms) / sizeof(lix_term_t) ||
        h.off_post != h.off_terms + h.nterms * sizeof(lix_term_t) || h.off_post > h.size ||
        h.root_len > h.off_sums - h.off_paths)
        goto damaged;
    if (head_sum(x->buf, &h) != h.sum)
        goto damaged;
    x->h = (const lix_head_t *)x->buf;
    x->docs = (const lix_doc_t *)(x->buf + h.off_docs);
    x->paths = x->buf + h.off_paths;
    x->sums = (const uint64_t *)(x->buf + h.off_sums);
    x->terms = (const lix_term_t *)(x->buf + h.off_terms);
    x->post = (const unsigned char *)x->buf + h.off_post;
    x->npost = h.size - h.off_post;
    x->checked = xcalloc(h.nblocks + 1, 1);
    uint64_t plen = h.off_sums - h.off_paths;
    for (uint64_t i = 0; i < h.ndocs; i++)
        if (!range_ok(x->docs[i].path_off, x->docs[i].path_len, plen))
            goto damaged;
    close(fd);
    return x;
damaged:
    close(fd);
    lix_close(x);
    *bad = 1;
    return NULL;
}

/* (declared for tests and fuzzing: libindex.h, JUAN_TEST) */
int lix_reseal(unsigned char *f, size_t n, const char *root, int flags)
{
    lix_head_t h;
    if (n < sizeof h)
        return -1;
    memcpy(&h, f, sizeof h);
    if (h.off_terms < sizeof h || h.off_terms > n)
        return -1;
    int sound = head_sum((const char *)f, &h) == h.sum;
    size_t rl = strlen(root);
    int paths = h.off_paths >= sizeof h && h.off_paths <= h.off_terms &&
                h.root_len <= h.off_terms - h.off_paths;
    if (paths && h.root_len == rl)
        memcpy(f + h.off_paths, root, rl);
    if ((flags & LIX_RESEAL_STAT) && paths && h.off_docs == sizeof h &&
        h.ndocs <= (h.off_paths - h.off_docs) / sizeof(lix_doc_t))
        for (uint64_t i = 0; i < h.ndocs; i++) {
            lix_doc_t d;
            memcpy(&d, f + h.off_docs + i * sizeof d, sizeof d);
            struct stat sb;
            char p[PATH_MAX];
            if (!range_ok(d.path_off, d.path_len, h.off_terms - h.off_paths) ||
                (size_t)snprintf(p, sizeof p, "%s/%.*s", root, (int)d.path_len,
                                 (const char *)f + h.off_paths + d.path_off) >= sizeof p ||
                stat(p, &sb) < 0)
                continue;
            d.size = (uint64_t)sb.st_size;
            d.ino = (uint64_t)sb.st_ino;
            d.dev = (uint64_t)sb.st_dev;
            d.mtime = ts_ns(sb.st_mtim);
            d.ctime = ts_ns(sb.st_ctim);
            memcpy(f + h.off_docs + i * sizeof d, &d, sizeof d);
        }
    if ((flags & LIX_RESEAL_ALL) && h.off_sums <= h.off_terms &&
        h.nblocks <= (h.off_terms - h.off_sums) / 8)
        for (uint64_t k = 0; k < h.nblocks; k++) {
            uint64_t a = h.off_terms + k * LIX_BLOCK, sum;
            if (a >= n)
                break;
            sum = hash64(f + a, n - a < LIX_BLOCK ? n - a : LIX_BLOCK);
            memcpy(f + h.off_sums + 8 * k, &sum, 8);
        }
    if (sound || (flags & LIX_RESEAL_ALL)) {
        h.sum = head_sum((const char *)f, &h);
        memcpy(f + offsetof(lix_head_t, sum), &h.sum, sizeof h.sum);
    }
    return 0;
}

/* Set the index x was opened from aside (damaged), with a warning, when
 * it is still the file there (not one a refresh has put in its place). */
static void set_aside(const char *file, dev_t dev, ino_t ino)
{
    struct stat sb;
    if (stat(file, &sb) < 0 || sb.st_dev != dev || sb.st_ino != ino)
        return;
    buf_t b = {0};
    buf_adds(&b, file);
    buf_adds(&b, ".bad");
    if (rename(file, b.p) == 0)
        msg("library index %s is damaged: set aside as %s (juan --index DIR makes a new one)",
            safe_path(file), safe_path(b.p));
    buf_free(&b);
}

/* Open the index at file; a damaged one is set aside. */
static lix_t *lix_open_or_set_aside(const char *file)
{
    int bad;
    struct stat sb;
    int there = stat(file, &sb) == 0;
    lix_t *x = lix_open(file, &bad);
    if (bad && there)
        set_aside(file, sb.st_dev, sb.st_ino);
    return x;
}

/* x was found damaged while used: set aside, closed. */
static void lix_drop(lix_t *x)
{
    if (x->bad)
        set_aside(x->file, x->dev, x->ino);
    lix_close(x);
}

/* Postings of term i decoded into *v (sorted document numbers); -1 when
 * damaged (x->bad), or they run out of their bytes or past the documents. */
static int postings(lix_t *x, size_t i, uint32_t **v, size_t *cap)
{
    const lix_term_t *t = &x->terms[i];
    uint64_t end = x->npost;
    if (i + 1 < x->h->nterms) {
        if (!area_ok(x, x->h->off_terms + (i + 1) * sizeof *t, sizeof *t))
            return -1;
        end = t[1].off;
    }
    /* (a posting takes a byte at least, and names a document once: no
     * more of them than either, before room is made for them) */
    if (t->off > end || end > x->npost || t->n > end - t->off || t->n > x->h->ndocs ||
        !area_ok(x, x->h->off_post + t->off, end - t->off))
        return x->bad = 1, -1;
    grow(v, cap, t->n + 1, sizeof **v);
    const unsigned char *p = x->post + t->off, *e = x->post + end;
    uint64_t d = 0;
    for (uint32_t k = 0; k < t->n; k++) {
        uint64_t delta = 0;
        for (int s = 0;; s += 7) {
            if (p >= e || s > 28)
                return x->bad = 1, -1;
            delta |= (uint64_t)(*p & 127) << s;
            if (!(*p++ & 128))
                break;
        }
        d = k ? d + delta : delta;
        if (d >= x->h->ndocs || (k && !delta))
            return x->bad = 1, -1;
        (*v)[k] = (uint32_t)d;
    }
    return 0;
}

/* The term of key, or -1 (none, or damaged: x->bad). */
static long term_find(lix_t *x, uint64_t key)
{
    size_t lo = 0, hi = x->h->nterms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (!area_ok(x, x->h->off_terms + mid * sizeof(lix_term_t), sizeof(lix_term_t)))
            return -1;
        if (x->terms[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < x->h->nterms &&
        area_ok(x, x->h->off_terms + lo * sizeof(lix_term_t), sizeof(lix_term_t)) &&
        x->terms[lo].key == key)
        return (long)lo;
    return -1;
}

/* Every block of x sound? (A refresh reads them all.) */
static int lix_check_all(lix_t *x)
{
    return area_ok(x, x->h->off_terms, x->n - x->h->off_terms);
}

/* The document at relative path rel[0..n), or -1. */
static long doc_find(const lix_t *x, const char *rel, size_t n)
{
    size_t lo = 0, hi = x->h->ndocs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const lix_doc_t *d = &x->docs[mid];
        size_t m = d->path_len < n ? d->path_len : n;
        int c = memcmp(x->paths + d->path_off, rel, m);
        if (!c)
            c = d->path_len < n ? -1 : d->path_len > n;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < x->h->ndocs) {
        const lix_doc_t *d = &x->docs[lo];
        if (d->path_len == n && !memcmp(x->paths + d->path_off, rel, n))
            return (long)lo;
    }
    return -1;
}

static int same_stat(const lix_doc_t *d, const struct stat *sb)
{
    return d->ok && d->size == (uint64_t)sb->st_size && d->ino == (uint64_t)sb->st_ino &&
           d->dev == (uint64_t)sb->st_dev && d->mtime == ts_ns(sb->st_mtim) &&
           d->ctime == ts_ns(sb->st_ctim);
}

/* ---- narrowing a search ------------------------------------------------- */

/* The index of dir or of the nearest directory above it that has one;
 * *sub: dir's path below that one's ("" or "a/b/", malloc'ed). */
static lix_t *find_index(const char *dir, char **sub)
{
    char *abs = ident_abspath(dir);
    size_t n = strlen(abs);
    while (n > 1 && abs[n - 1] == '/')
        abs[--n] = '\0';
    lix_t *x = NULL;
    for (size_t k = n; k > 0;) {
        char c = abs[k];
        abs[k] = '\0';
        char *file = libindex_path(abs);
        abs[k] = c;
        if (!file)
            break;
        x = lix_open_or_set_aside(file);
        free(file);
        if (x && x->h->root_len == k && !memcmp(x->paths, abs, k)) {
            const char *s = abs + k;
            while (*s == '/')
                s++;
            buf_t b = {0};
            buf_adds(&b, s);
            if (*s)
                buf_addc(&b, '/');
            *sub = b.p ? b.p : xstrdup("");
            break;
        }
        lix_close(x);
        x = NULL;
        if (k == 1)
            break;
        size_t j = k - 1; /* up: "/a/b" -> "/a" -> "/" */
        while (j > 0 && abs[j] != '/')
            j--;
        k = j ? j : 1;
    }
    free(abs);
    return x;
}

long libindex_narrow(const char *dir, char *const *list, size_t n, const char *query,
                     int flags, unsigned char *skip)
{
    if (flags & (SEARCH_REGEX | SEARCH_EXACT))
        return LIX_NO_NARROW;
    /* the query folded with t2s whatever the flags: its characters are
     * folded one at a time, so a match without t2s is one with it too */
    norm_t N;
    norm_init(&N, NORM_TCSC);
    norm_add(&N, query, strlen(query), 0);
    uint64_t *g = NULL;
    size_t ng = 0, gcap = 0;
    lix_grams(N.out.p ? N.out.p : "", N.out.n, &g, &ng, &gcap);
    norm_free(&N);
    ng = sort_unique(g, ng);
    char *sub = NULL;
    lix_t *x = ng ? find_index(dir, &sub) : NULL;
    if (!x) {
        free(g);
        return LIX_NO_NARROW;
    }
    /* the documents that have every gram: the rarest first */
    long *t = xmalloc(ng * sizeof *t);
    size_t nt = 0;
    for (size_t i = 0; i < ng; i++) {
        t[nt] = term_find(x, g[i]);
        if (t[nt] < 0) {
            nt = 0;
            break;
        }
        nt++;
    }
    const lix_term_t *T = x->terms;
    for (size_t i = 1; i < nt; i++) /* (a few: insertion) */
        for (size_t j = i; j > 0 && T[t[j]].n < T[t[j - 1]].n; j--) {
            long s = t[j];
            t[j] = t[j - 1];
            t[j - 1] = s;
        }
    uint32_t *cand = NULL, *pv = NULL;
    size_t nc = 0, ccap = 0, pcap = 0;
    int ok = !x->bad;
    if (ok && nt) {
        ok = postings(x, (size_t)t[0], &cand, &ccap) == 0;
        nc = ok ? T[t[0]].n : 0;
    }
    for (size_t i = 1; ok && i < nt && nc; i++) {
        ok = postings(x, (size_t)t[i], &pv, &pcap) == 0;
        size_t a = 0, b = 0, k = 0;
        while (ok && a < nc && b < T[t[i]].n) {
            if (cand[a] < pv[b])
                a++;
            else if (cand[a] > pv[b])
                b++;
            else
                cand[k++] = cand[a++], b++;
        }
        nc = k;
    }
    long skipped = LIX_NO_NARROW;
    unsigned char *sk = ok ? xcalloc(n + 1, 1) : NULL;
    if (ok) {
        unsigned char *in = xcalloc(x->h->ndocs + 1, 1);
        for (size_t i = 0; i < nc; i++)
            in[cand[i]] = 1;
        size_t dl = strlen(dir), sl = strlen(sub);
        buf_t rel = {0};
        skipped = 0;
        for (size_t i = 0; i < n; i++) {
            const char *p = list[i];
            if (strncmp(p, dir, dl))
                continue;
            p += dl;
            while (*p == '/')
                p++;
            rel.n = 0;
            buf_add(&rel, sub, sl);
            buf_adds(&rel, p);
            long d = doc_find(x, rel.p, rel.n);
            struct stat sb;
            if (d >= 0 && !in[d] && x->docs[d].ok && stat(list[i], &sb) == 0 &&
                same_stat(&x->docs[d], &sb)) {
                sk[i] = 1;
                skipped++;
            }
        }
        buf_free(&rel);
        free(in);
    }
    if (ok && doc_map_lost(x->buf)) /* (truncated under the mapping) */
        skipped = LIX_NO_NARROW;
    for (size_t i = 0; skipped > 0 && i < n; i++)
        skip[i] |= sk[i];
    free(sk);
    free(cand);
    free(pv);
    free(t);
    free(g);
    free(sub);
    lix_drop(x);
    return skipped;
}

/* ---- building ----------------------------------------------------------- */

typedef struct {
    char **list;      /* absolute paths */
    size_t n, rootlen;
    const char *given; /* the directory as given: paths said are under it */
    char **why;       /* one per listed file: why it could not be read, or NULL */
    size_t unread;    /* directories that could not be read (said) */
    lix_doc_t *docs;  /* one per listed file */
    long *reuse;      /* the old document whose entries it takes, or -1 */
    size_t *jobs, njobs;
    _Atomic size_t next;
    const lix_t *old;
    long *by_hash;    /* old documents by text hash (open addressing), -1 */
    size_t hmask;
    int64_t racy;     /* ns: times at or after it are not trusted */
    uint64_t *pairs;  /* key << DOC_BITS | document */
    size_t npairs, pcap;
    size_t read, text;
    pthread_mutex_t mu;
} build_t;

static long old_by_hash(const build_t *B, uint64_t len, uint64_t hash)
{
    if (!B->by_hash)
        return -1;
    for (size_t i = hash & B->hmask;; i = (i + 1) & B->hmask) {
        long d = B->by_hash[i];
        if (d < 0)
            return -1;
        const lix_doc_t *o = &B->old->docs[d];
        if (o->text_hash == hash && o->text_len == len)
            return d;
    }
}

void lix_fold(norm_t *N, const char *text, size_t len, const char *path)
{
    norm_reset(N);
    if (st_is_html(text, len, FMT_AUTO, path) || st_is_aozora(text, len, FMT_AUTO, path)) {
        structure_t st;
        st_build(&st, text, len, FMT_AUTO, path);
        for (size_t i = 0; i < st.npieces; i++)
            norm_add(N, st.pieces[i].p, st.pieces[i].n, st.pieces[i].src);
        st_free(&st);
    } else {
        norm_add(N, text, len, 0);
    }
}

/* Read document k and put its grams in *v (sorted, unique); 0 when the
 * entries are trusted. */
/* abs (under the root) as a path under the directory as given, in g */
static const char *as_given(const build_t *B, const char *abs, buf_t *g)
{
    g->n = 0;
    buf_adds(g, B->given);
    const char *rel = strlen(abs) >= B->rootlen ? abs + B->rootlen : "";
    while (*rel == '/')
        rel++;
    if (*rel && g->n && g->p[g->n - 1] != '/')
        buf_addc(g, '/');
    buf_adds(g, rel);
    return g->p;
}

/* files_under's on_err: said (files_say) under the directory as given */
static void say_dir(const char *abs, int err, void *arg)
{
    build_t *B = arg;
    buf_t g = {0};
    files_say(as_given(B, abs, &g), err, &B->unread);
    buf_free(&g);
}

static void build_one(build_t *B, size_t k, norm_t *N, uint64_t **v, size_t *nv, size_t *cap,
                      uint64_t **tab, size_t *tcap)
{
    lix_doc_t *e = &B->docs[k];
    buf_t g = {0}; /* (the same file: what a message names) */
    const char *path = as_given(B, B->list[k], &g);
    struct stat s1, s2;
    doc_opts_t dopt = {0};
    doc_t d;
    *nv = 0;
    if (stat(path, &s1) < 0) {
        if (errno != ENOENT) { /* (gone meanwhile: not an error) */
            char m[PATH_MAX + 128];
            files_reason(m, sizeof m, path, errno);
            B->why[k] = xstrdup(m);
        }
        buf_free(&g);
        return;
    }
    int r = doc_open(&d, path, &dopt);
    if (r != DOC_OK) { /* (one that looks binary, or will not convert: not indexed, as before) */
        char m[PATH_MAX + 128];
        if (r == DOC_ERR_SYS && d.err != ENOENT)
            B->why[k] = xstrdup(doc_error(&d, r, m, sizeof m));
        doc_close(&d);
        buf_free(&g);
        return;
    }
    e->size = (uint64_t)s1.st_size;
    e->ino = (uint64_t)s1.st_ino;
    e->dev = (uint64_t)s1.st_dev;
    e->mtime = ts_ns(s1.st_mtim);
    e->ctime = ts_ns(s1.st_ctim);
    e->text_len = d.len;
    e->text_hash = hash64(d.text, d.len);
    int trusted = e->mtime < B->racy && e->ctime < B->racy;
    long o = trusted ? old_by_hash(B, e->text_len, e->text_hash) : -1;
    if (o >= 0) {
        B->reuse[k] = o;
    } else if (trusted) {
        lix_fold(N, d.text, d.len, path);
        /* a part at a time, repeats dropped after each, so that the table
         * is as large as the grams that differ (a 107 MB text has 70
         * million grams, 2.3 million different ones: 59.7 s at once) */
        uint64_t prev = UINT64_MAX;
        for (size_t a = 0; a < N->out.n;) {
            size_t b = a + (1 << 20) < N->out.n ? a + (1 << 20) : N->out.n;
            while (b < N->out.n && utf8_is_cont((unsigned char)N->out.p[b]))
                b++;
            grams_from(N->out.p + a, b - a, &prev, v, nv, cap);
            *nv = dedupe(*v, *nv, tab, tcap);
            a = b;
        }
    }
    doc_close(&d);
    int changed = stat(path, &s2) < 0 || s2.st_size != s1.st_size ||
                  ts_ns(s2.st_mtim) != e->mtime || ts_ns(s2.st_ctim) != e->ctime ||
                  s2.st_ino != s1.st_ino;
    buf_free(&g);
    if (changed) {
        B->reuse[k] = -1; /* changed while read */
        *nv = 0;
        return;
    }
    e->ok = (uint32_t)trusted;
}

static void *build_worker(void *arg)
{
    build_t *B = arg;
    norm_t N;
    norm_init(&N, NORM_TCSC);
    uint64_t *v = NULL, *tab = NULL;
    size_t nv = 0, cap = 0, tcap = 0;
    for (;;) {
        size_t j = atomic_fetch_add(&B->next, 1);
        if (j >= B->njobs)
            break;
        size_t k = B->jobs[j];
        build_one(B, k, &N, &v, &nv, &cap, &tab, &tcap);
        pthread_mutex_lock(&B->mu);
        B->read++;
        B->text += B->docs[k].ok ? B->docs[k].text_len : 0;
        grow(&B->pairs, &B->pcap, B->npairs + nv, sizeof *B->pairs);
        for (size_t i = 0; i < nv; i++)
            B->pairs[B->npairs++] = v[i] << DOC_BITS | k;
        pthread_mutex_unlock(&B->mu);
    }
    free(v);
    free(tab);
    norm_free(&N);
    return NULL;
}

static size_t put_varint(unsigned char *p, uint64_t v)
{
    size_t k = 0;
    while (v >= 128) {
        p[k++] = (unsigned char)((v & 127) | 128);
        v >>= 7;
    }
    p[k++] = (unsigned char)v;
    return k;
}

/* The file's bytes from B (pairs sorted). */
typedef struct {
    lix_t *old; /* the previous index, or NULL */
    const long *first, *next; /* old document -> the new ones that keep its entries */
} keep_t;

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void serialise(const build_t *B, const keep_t *K, const char *root, buf_t *out)
{
    lix_head_t h = {0};
    memcpy(h.magic, MAGIC, sizeof MAGIC);
    h.version = LIX_VERSION;
    h.flags = NORM_TCSC;
    h.ndocs = B->n;
    h.root_len = strlen(root);
    buf_t paths = {0};
    buf_adds(&paths, root);
    lix_doc_t *docs = xmalloc((B->n ? B->n : 1) * sizeof *docs);
    for (size_t i = 0; i < B->n; i++) {
        docs[i] = B->docs[i];
        const char *rel = B->list[i] + B->rootlen;
        while (*rel == '/')
            rel++;
        docs[i].path_off = (uint32_t)paths.n;
        docs[i].path_len = (uint32_t)strlen(rel);
        buf_adds(&paths, rel);
    }
    while (paths.n % 8)
        buf_addc(&paths, '\0');
    /* postings: the old index's terms and the pairs of the documents read,
     * both in key order, merged a key at a time (a refresh sorts only what
     * it read: re-sorting the kept pairs took 9.9 s of a 10,000-file refresh) */
    lix_t *old = K->old;
    size_t i = 0, t = 0, ot = old ? old->h->nterms : 0, np = 0, nt = 0, pcap = 0, tcap = 0;
    size_t ocap = 0, dcap = 0, mcap = 0;
    unsigned char *post = NULL;
    lix_term_t *terms = NULL;
    uint32_t *ov = NULL, *dv = NULL, *mv = NULL;
    while (i < B->npairs || t < ot) {
        uint64_t fk = i < B->npairs ? B->pairs[i] >> DOC_BITS : UINT64_MAX;
        uint64_t okey = t < ot ? old->terms[t].key : UINT64_MAX;
        uint64_t key = fk < okey ? fk : okey;
        size_t nd = 0;
        if (okey == key) {
            const lix_term_t *tm = &old->terms[t];
            if (postings(old, t++, &ov, &ocap) == 0) /* (checked: always) */
                for (uint32_t k = 0; k < tm->n; k++)
                    for (long j = K->first[ov[k]]; j >= 0; j = K->next[j]) {
                        grow(&dv, &dcap, nd + 1, sizeof *dv);
                        dv[nd++] = (uint32_t)j;
                    }
        }
        size_t nold = nd;
        for (size_t k = 1; k < nold; k++)
            if (dv[k - 1] > dv[k]) { /* a moved document: out of order */
                qsort(dv, nold, sizeof *dv, cmp_u32);
                break;
            }
        for (; i < B->npairs && B->pairs[i] >> DOC_BITS == key; i++) {
            grow(&dv, &dcap, nd + 1, sizeof *dv);
            dv[nd++] = (uint32_t)(B->pairs[i] & ((1ULL << DOC_BITS) - 1));
        }
        if (nold && nd > nold && dv[nold - 1] > dv[nold]) { /* merged */
            grow(&mv, &mcap, nd, sizeof *mv);
            size_t a = 0, b = nold, k = 0;
            while (a < nold || b < nd)
                mv[k++] = b >= nd || (a < nold && dv[a] <= dv[b]) ? dv[a++] : dv[b++];
            memcpy(dv, mv, nd * sizeof *dv);
        }
        if (!nd)
            continue;
        grow(&post, &pcap, np + 3 * nd, 1); /* 3 bytes at most (< 2^21) */
        grow(&terms, &tcap, nt + 1, sizeof *terms);
        lix_term_t tm = {key, (uint32_t)np, 0};
        for (size_t k = 0; k < nd; k++) {
            if (tm.n && dv[k] == dv[k - 1])
                continue;
            np += put_varint(post + np, tm.n ? dv[k] - dv[k - 1] : dv[k]);
            tm.n++;
        }
        terms[nt++] = tm;
    }
    free(ov);
    free(dv);
    free(mv);
    h.nterms = nt;
    h.off_docs = sizeof h;
    h.off_paths = h.off_docs + B->n * sizeof *docs;
    h.off_sums = h.off_paths + paths.n;
    uint64_t area = nt * sizeof *terms + np;
    h.nblocks = (area + LIX_BLOCK - 1) / LIX_BLOCK;
    h.off_terms = h.off_sums + 8 * h.nblocks;
    h.off_post = h.off_terms + nt * sizeof *terms;
    h.size = h.off_post + np;
    out->n = 0;
    buf_add(out, &h, sizeof h);
    buf_add(out, docs, B->n * sizeof *docs);
    buf_add(out, paths.p, paths.n);
    for (uint64_t k = 0; k < h.nblocks; k++)
        buf_add(out, &(uint64_t){0}, 8);
    if (nt) /* (none: NULL) */
        buf_add(out, terms, nt * sizeof *terms);
    if (np)
        buf_add(out, post, np);
    for (uint64_t k = 0; k < h.nblocks; k++) {
        uint64_t a = h.off_terms + k * LIX_BLOCK, sum;
        sum = hash64(out->p + a, h.size - a < LIX_BLOCK ? h.size - a : LIX_BLOCK);
        memcpy(out->p + h.off_sums + 8 * k, &sum, 8);
    }
    h.sum = hash64(out->p, h.off_terms); /* (with its own field 0) */
    memcpy(out->p, &h, sizeof h);
    free(docs);
    buf_free(&paths);
    free(terms);
    free(post);
}

/* Write b to file: a temporary file beside it, synced, renamed. */
static int write_atomic(const char *file, const buf_t *b)
{
    buf_t tmp = {0};
    buf_adds(&tmp, file);
    buf_adds(&tmp, ".XXXXXX");
    int fd = mkstemp(tmp.p);
    int rc = -1;
    if (fd >= 0) {
        size_t at = 0;
        while (at < b->n) {
            ssize_t w = write(fd, b->p + at, b->n - at);
            if (w <= 0)
                break;
            at += (size_t)w;
        }
        if (at == b->n && fsync(fd) == 0 && close(fd) == 0) {
            fd = -1;
            rc = rename(tmp.p, file);
        }
        if (fd >= 0)
            close(fd);
        if (rc < 0)
            unlink(tmp.p);
    }
    buf_free(&tmp);
    return rc;
}

int libindex_update(const char *dir, int nthreads, lix_stats_t *st)
{
    memset(st, 0, sizeof *st);
    struct stat sb;
    if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
        msg("%s: not a directory", safe_path(dir));
        return -1;
    }
    if (files_dir_ok(dir) < 0) /* (nothing to index: no index written) */
        return -1;
    char *cache = sindex_dir(1);
    if (!cache) {
        char why[160], *c = sindex_dir_refused(why, sizeof why);
        if (c) /* (as a file's index says it: main.c) */
            msg("%s: cannot write the library index: not using the cache directory %s: %s",
                safe_path(dir), safe_path(c), why);
        else
            msg("%s: no cache directory to keep the library index in", safe_path(dir));
        free(c);
        return -1;
    }
    buf_t ld = {0};
    buf_adds(&ld, cache);
    buf_adds(&ld, "/lib");
    free(cache);
    if (mkdir(ld.p, 0700) < 0 && errno != EEXIST) {
        msg("%s: cannot make %s: %s", safe_path(dir), safe_path(ld.p), strerror(errno));
        buf_free(&ld);
        return -1;
    }
    buf_free(&ld);
    char *root = ident_abspath(dir);
    char *file = libindex_path(root);
    buf_t lk = {0};
    buf_add(&lk, file, strlen(file) - 3); /* HASH.jlx -> HASH.lock */
    buf_adds(&lk, "lock");
    int lfd = open(lk.p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    buf_free(&lk);
    if (lfd < 0 || flock(lfd, LOCK_EX) < 0) {
        msg("%s: cannot lock the library index: %s", safe_path(dir), strerror(errno));
        if (lfd >= 0)
            close(lfd);
        free(root);
        free(file);
        return -1;
    }
    lix_t *old = lix_open_or_set_aside(file);
    if (old && !lix_check_all(old)) { /* (a refresh reads it all) */
        lix_drop(old);
        old = NULL;
    }
    if (old && (old->h->root_len != strlen(root) || memcmp(old->paths, root, strlen(root)))) {
        lix_close(old); /* (another directory's: a hash collision) */
        old = NULL;
    }
    build_t B = {0};
    B.given = dir;
    B.rootlen = strlen(root);
    B.n = files_under(root, &B.list, say_dir, &B);
    B.old = old;
    int rc = 0;
    if (B.n >= 1ULL << DOC_BITS) {
        msg("%s: too many files for the library index (%zu)", safe_path(dir), B.n);
        rc = -1;
        goto out;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    B.racy = ts_ns(now) - (int64_t)LIX_RACY_S * 1000000000;
    B.docs = xcalloc(B.n + 1, sizeof *B.docs);
    B.why = xcalloc(B.n + 1, sizeof *B.why);
    B.reuse = xmalloc((B.n + 1) * sizeof *B.reuse);
    B.jobs = xmalloc((B.n + 1) * sizeof *B.jobs);
    for (size_t i = 0; i < B.n; i++) {
        B.reuse[i] = -1;
        const char *rel = B.list[i] + B.rootlen;
        while (*rel == '/')
            rel++;
        long d = old ? doc_find(old, rel, strlen(rel)) : -1;
        if (d >= 0 && stat(B.list[i], &sb) == 0 && same_stat(&old->docs[d], &sb)) {
            B.docs[i] = old->docs[d];
            B.reuse[i] = d;
        } else {
            B.jobs[B.njobs++] = i;
        }
    }
    if (old && B.njobs) { /* old documents by text, for moved ones */
        size_t cap = 16;
        while (cap < 2 * old->h->ndocs)
            cap *= 2;
        B.by_hash = xmalloc(cap * sizeof *B.by_hash);
        B.hmask = cap - 1;
        for (size_t i = 0; i < cap; i++)
            B.by_hash[i] = -1;
        for (size_t d = 0; d < old->h->ndocs; d++) {
            if (!old->docs[d].ok)
                continue;
            size_t i = old->docs[d].text_hash & B.hmask;
            while (B.by_hash[i] >= 0)
                i = (i + 1) & B.hmask;
            B.by_hash[i] = (long)d;
        }
    }
    pthread_mutex_init(&B.mu, NULL);
    if (nthreads <= 0)
        nthreads = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (nthreads > 4)
        nthreads = 4;
    if (nthreads < 1)
        nthreads = 1;
    doc_guard_signals();
    pthread_t th[4];
    int started = 0;
    for (int t = 1; t < nthreads && (size_t)t < B.njobs; t++)
        if (pthread_create(&th[started], NULL, build_worker, &B) == 0)
            started++;
    build_worker(&B);
    for (int t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    pthread_mutex_destroy(&B.mu);
    st->unread = B.unread;
    for (size_t i = 0; i < B.n; i++) /* (in path order, whichever thread read it) */
        if (B.why[i]) {
            msg("%s", B.why[i]);
            free(B.why[i]);
            st->unread++;
        }
    free(B.why);
    B.why = NULL;
    /* the entries kept: old documents to their new numbers */
    long *first = NULL, *next = NULL;
    if (old) {
        first = xmalloc((old->h->ndocs + 1) * sizeof *first);
        next = xmalloc((B.n + 1) * sizeof *next);
        for (size_t d = 0; d < old->h->ndocs; d++)
            first[d] = -1;
        for (size_t i = B.n; i-- > 0;)
            if (B.reuse[i] >= 0 && B.docs[i].ok) {
                next[i] = first[B.reuse[i]];
                first[B.reuse[i]] = (long)i;
                st->reused++;
            }
    }
    radix_sort(B.pairs, B.npairs);
    keep_t K = {old, first, next};
    buf_t out = {0};
    /* nothing read, nothing gone: the index as it is */
    int same = old && !B.njobs && B.n == old->h->ndocs;
    if (!same)
        serialise(&B, &K, root, &out);
    free(first);
    free(next);
    if (same) {
        out.n = old->n;
    } else if (write_atomic(file, &out) < 0) {
        msg("%s: cannot write the library index %s: %s", safe_path(dir), safe_path(file),
            strerror(errno));
        rc = -1;
    }
    st->files = B.n;
    st->read = B.read;
    st->bytes = out.n;
    for (size_t i = 0; i < B.n; i++)
        if (B.docs[i].ok) {
            st->indexed++;
            st->text += B.docs[i].text_len;
        }
    buf_free(&out);
out:
    files_free(B.list, B.n);
    free(B.why);
    free(B.docs);
    free(B.reuse);
    free(B.jobs);
    free(B.by_hash);
    free(B.pairs);
    lix_close(old);
    close(lfd); /* (the lock with it) */
    free(root);
    free(file);
    return rc;
}
