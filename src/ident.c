#include "ident.h"
#include "hash.h"
#include "sindex.h"
#include "util.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FORM "x3-" /* the current form's mark: XXH3 */
#define RECORD "JUANPATH 2"
#define CHUNK (1u << 20) /* bytes hashed between two looks at the stop flag */

static void format(size_t len, uint64_t h, char id[IDENT_MAX])
{
    snprintf(id, IDENT_MAX, FORM "%zu-%016" PRIx64, len, h);
}

void ident_of(const char *text, size_t len, char id[IDENT_MAX])
{
    format(len, hash64(text, len), id);
}

int ident_of_stoppable(const char *text, size_t len, char id[IDENT_MAX],
                       const _Atomic int *stop)
{
    if (!stop || len <= CHUNK) {
        ident_of(text, len, id);
        return 0;
    }
    hash_stream_t *h = hash_stream_new();
    for (size_t i = 0; i < len; i += CHUNK) {
        if (*stop) {
            hash_stream_end(h);
            return -1;
        }
        hash_stream_add(h, text + i, len - i < CHUNK ? len - i : CHUNK);
    }
    format(len, hash_stream_end(h), id);
    return 0;
}

int ident_of_fd(int fd, size_t off, size_t len, char id[IDENT_MAX], const _Atomic int *stop)
{
    char *buf = xmalloc(CHUNK);
    hash_stream_t *h = hash_stream_new();
    int r = 0;
    for (size_t i = 0; i < len && r == 0;) {
        size_t want = len - i < CHUNK ? len - i : CHUNK, got = 0;
        while (got < want) {
            ssize_t k = pread(fd, buf + got, want - got, (off_t)(off + i + got));
            if (k <= 0)
                break;
            got += (size_t)k;
        }
        if (got < want || (stop && *stop))
            r = -1;
        hash_stream_add(h, buf, got);
        i += got;
    }
    uint64_t v = hash_stream_end(h);
    if (r == 0)
        format(len, v, id);
    free(buf);
    return r;
}

int ident_current(const char *id)
{
    return !strncmp(id, FORM, strlen(FORM));
}

/* ---- version 1 ----------------------------------------------------------
 * The identity juan 0.1.0 gave a text, kept only so that a store written
 * then finds its documents again (memory.c re-keys their records); it is
 * never a document's identity. Not to be changed: it must give what that
 * juan stored. */

static uint64_t mix1(uint64_t h, uint64_t v)
{
    h ^= v * 0x9E3779B97F4A7C15ull;
    h = (h << 31) | (h >> 33);
    return h * 0xC2B2AE3D27D4EB4Full;
}

void ident_legacy(const char *text, size_t len, char id[IDENT_MAX])
{
    uint64_t l[4] = {1, 2, 3, 4};
    size_t whole = len / 32 * 32;
    for (size_t i = 0; i < whole; i += 32) /* four lanes of 8-byte words */
        for (int k = 0; k < 4; k++) {
            uint64_t v;
            memcpy(&v, text + i + 8 * k, 8);
            l[k] = mix1(l[k], v);
        }
    uint64_t h = mix1(mix1(mix1(mix1(len, l[0]), l[1]), l[2]), l[3]);
    for (size_t i = whole; i < len; i++)
        h = mix1(h, (unsigned char)text[i]);
    h ^= h >> 29;
    snprintf(id, IDENT_MAX, "%zu-%016" PRIx64, len, h);
}

void ident_legacy_prefix(size_t len, char pre[IDENT_MAX])
{
    snprintf(pre, IDENT_MAX, "%zu-", len);
}

/* ---- the record by path ------------------------------------------------ */

char *ident_abspath(const char *path)
{
    if (!strcmp(path, "-"))
        return xstrdup("-");
    char *r = realpath(path, NULL);
    return r ? r : xstrdup(path);
}

/* What a record is kept under: the path and the encoding it was read in. */
static void record_key(const char *abs, const doc_t *d, buf_t *key)
{
    buf_adds(key, abs);
    buf_addc(key, '\t');
    buf_adds(key, d->encoding ? d->encoding : "");
}

/* CACHE/ids/HASH of a key (malloc'ed), or NULL; *dir: CACHE/ids. */
static char *record_file(const char *key, char **dir)
{
    char *cache = sindex_dir(0);
    if (!cache)
        return NULL;
    buf_t b = {0};
    buf_adds(&b, cache);
    buf_adds(&b, "/ids");
    if (dir)
        *dir = xstrdup(b.p);
    char name[24];
    snprintf(name, sizeof name, "/%016" PRIx64, hash64(key, strlen(key)));
    buf_adds(&b, name);
    free(cache);
    return b.p;
}

/* Is there a record of d at abs? 0 and its identity in id, else -1. */
static int recorded(const char *abs, const doc_t *d, char id[IDENT_MAX])
{
    if (!strcmp(abs, "-"))
        return -1;
    buf_t key = {0};
    record_key(abs, d, &key);
    char *f = record_file(key.p, NULL);
    FILE *fp = f ? fopen(f, "r") : NULL;
    free(f);
    int ok = 0;
    if (fp) {
        char line[4200], got[IDENT_MAX];
        long long s, m;
        buf_addc(&key, '\n');
        ok = fscanf(fp, RECORD " %lld %lld %47s", &s, &m, got) == 3 &&
             s == (long long)d->src_len && m == d->mtime_ns && ident_current(got) &&
             fgetc(fp) == '\n' && fgets(line, sizeof line, fp) && !strcmp(line, key.p);
        fclose(fp);
        if (ok)
            memcpy(id, got, IDENT_MAX);
    }
    buf_free(&key);
    return ok ? 0 : -1;
}

/* Version 1 kept its records in CACHE/paths/ (named by another hash of
 * the key): nothing reads them any more. Removed once a process writes a
 * record of its own. */
static void drop_version1(const char *ids)
{
    static _Atomic int done;
    if (done++)
        return;
    buf_t old = {0};
    buf_add(&old, ids, strlen(ids) - strlen("ids"));
    buf_adds(&old, "paths");
    DIR *dp = opendir(old.p);
    struct dirent *e;
    while (dp && (e = readdir(dp))) {
        if (e->d_name[0] == '.')
            continue;
        buf_t f = {0};
        buf_adds(&f, old.p);
        buf_addc(&f, '/');
        buf_adds(&f, e->d_name);
        char head[16] = "";
        FILE *fp = fopen(f.p, "r");
        if (fp && fgets(head, sizeof head, fp) && !strncmp(head, "JUANPATH 1 ", 11))
            unlink(f.p);
        if (fp)
            fclose(fp);
        buf_free(&f);
    }
    if (dp) {
        closedir(dp);
        rmdir(old.p); /* unless something else is there */
    }
    buf_free(&old);
}

/* Record id as the identity of d, loaded from abs. Not synced: a record
 * is only a cache, and one cut short by a crash does not parse (its key
 * is its last line), so it is ignored and written again. */
static void record(const char *abs, const doc_t *d, const char *id)
{
    if (!strcmp(abs, "-"))
        return; /* standard input is not at a path */
    buf_t key = {0};
    record_key(abs, d, &key);
    char *dir = NULL, *cache = sindex_dir(1);
    char *f = cache ? record_file(key.p, &dir) : NULL;
    free(cache);
    if (f) {
        mkdir(dir, 0700); /* (when it is not there) */
        drop_version1(dir);
        buf_t tmp = {0};
        buf_adds(&tmp, f);
        buf_adds(&tmp, ".XXXXXX");
        int fd = mkstemp(tmp.p);
        FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (fd >= 0 && !fp) {
            close(fd);
            unlink(tmp.p);
        }
        if (fp) {
            int ok = fprintf(fp, RECORD " %lld %lld %s\n%s\n", (long long)d->src_len,
                             d->mtime_ns, id, key.p) > 0;
            ok = fclose(fp) == 0 && ok;
            if (!ok || rename(tmp.p, f) < 0)
                unlink(tmp.p);
        }
        buf_free(&tmp);
    }
    free(dir);
    free(f);
    buf_free(&key);
}

/* The identity of d at path: recorded (0), else hashed and recorded when
 * hash (0), else -1. */
static int at_path(const char *path, const doc_t *d, char id[IDENT_MAX], int hash)
{
    char *abs = ident_abspath(path);
    int r = recorded(abs, d, id);
    if (r < 0 && hash) {
        ident_of(d->text, d->len, id);
        record(abs, d, id);
        r = 0;
    }
    free(abs);
    return r;
}

void ident_doc(const char *path, const doc_t *d, char id[IDENT_MAX])
{
    at_path(path, d, id, 1);
}

int ident_doc_known(const char *path, const doc_t *d, char id[IDENT_MAX])
{
    return at_path(path, d, id, 0);
}

void ident_record(const char *path, const doc_t *d, const char *id)
{
    char *abs = ident_abspath(path);
    record(abs, d, id);
    free(abs);
}
