/* bench/libidx: the two candidates for the library-wide search index of
 * issue 19, measured on one directory: (a) SQLite FTS5 (detail=none: only
 * which documents) with a tokenizer of juan's over its folded text, the
 * characters and pairs of characters of libindex.h (CJK unigrams and
 * bigrams as Lucene's CJK analyzer makes them; Latin text the same way,
 * so that a query for part of a word narrows too), and (b) libindex's own
 * file (posting lists of the same grams). For each: build time, size,
 * and the time to find the candidate documents of each query.
 *
 *   build/bench/libidx DIR [QUERY...]
 *
 * Uses $JUAN_CACHE_DIR for (b) and DIR.fts5.db beside nothing: the FTS5
 * database goes to $TMPDIR/libidx-fts5.db. Prints a Markdown table. */
#include "doc.h"
#include "files.h"
#include "libindex.h"
#include "norm.h"
#include "search.h"
#include "text.h"
#include "util.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unistr.h>

/* ---- FTS5 with juan's tokenizer ----------------------------------------- */

static int tok_create(void *ctx, const char **az, int n, Fts5Tokenizer **out)
{
    (void)ctx, (void)az, (void)n;
    *out = (Fts5Tokenizer *)1;
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t)
{
    (void)t;
}

/* A document (folded already): its grams, each as the UTF-8 of its one or
 * two characters. A query term: as it is (a gram the caller made). */
static int tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *p, int n,
                        int (*tok)(void *, int, const char *, int, int, int))
{
    (void)t;
    if (flags & FTS5_TOKENIZE_QUERY)
        return tok(ctx, 0, p, n, 0, n);
    int prev = -1; /* start of the previous character kept */
    for (int i = 0; i < n;) {
        uint32_t c;
        int l = text_decode(p + i, (size_t)(n - i), &c);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
            c == '>') {
            i += l;
            continue;
        }
        int rc = tok(ctx, 0, p + i, l, i, i + l);
        if (rc == SQLITE_OK && prev >= 0) { /* the pair: two pieces, joined */
            char pair[16];
            int pl = 0;
            uint32_t c0;
            int l0 = text_decode(p + prev, (size_t)(n - prev), &c0);
            memcpy(pair, p + prev, (size_t)l0);
            pl = l0;
            memcpy(pair + pl, p + i, (size_t)l);
            pl += l;
            rc = tok(ctx, 0, pair, pl, prev, i + l);
        }
        if (rc != SQLITE_OK)
            return rc;
        prev = i;
        i += l;
    }
    return SQLITE_OK;
}

static fts5_api *fts5_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return api;
}

/* The text search reads, folded (as libindex folds it). */
static void fold_doc(const char *path, norm_t *N)
{
    doc_t d;
    doc_opts_t o = {0};
    norm_reset(N);
    if (doc_open(&d, path, &o) != DOC_OK) {
        doc_close(&d);
        return;
    }
    lix_fold(N, d.text, d.len, path);
    doc_close(&d);
}

static double fsize(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 ? (double)sb.st_size : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: libidx DIR [QUERY...]\n");
        return 2;
    }
    const char *dir = argv[1];
    static const char *dq[] = {"宝玉", "創新", "孔明", "林黛玉", "悟空", "曹操", "说道",
                               "天下", "the", "诸葛亮"};
    const char **qs = argc > 2 ? (const char **)argv + 2 : dq;
    int nq = argc > 2 ? argc - 2 : 10;
    char **list;
    size_t n = files_under(dir, &list, NULL, NULL);
    double text = 0;
    for (size_t i = 0; i < n; i++)
        text += fsize(list[i]);

    /* (a) FTS5 */
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char db_path[4096];
    snprintf(db_path, sizeof db_path, "%s/libidx-fts5.db", tmp);
    unlink(db_path);
    sqlite3 *db;
    if (sqlite3_open(db_path, &db) != SQLITE_OK)
        return 2;
    fts5_tokenizer tk = {tok_create, tok_delete, tok_tokenize};
    fts5_api *api = fts5_of(db);
    if (!api || api->xCreateTokenizer(api, "juan", NULL, &tk, NULL) != SQLITE_OK) {
        fprintf(stderr, "libidx: no FTS5\n");
        return 2;
    }
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='juan', detail=none)",
                 NULL, NULL, NULL);
    long long t0 = now_ms();
    norm_t N;
    norm_init(&N, NORM_TCSC);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    sqlite3_stmt *ins;
    sqlite3_prepare_v2(db, "INSERT INTO t(rowid, body) VALUES (?1, ?2)", -1, &ins, NULL);
    long long fold_ms = 0;
    for (size_t i = 0; i < n; i++) {
        long long f0 = now_ms();
        fold_doc(list[i], &N);
        fold_ms += now_ms() - f0;
        sqlite3_bind_int64(ins, 1, (sqlite3_int64)i);
        sqlite3_bind_text(ins, 2, N.out.p ? N.out.p : "", (int)N.out.n, SQLITE_STATIC);
        sqlite3_step(ins);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_exec(db, "COMMIT; INSERT INTO t(t) VALUES('optimize'); PRAGMA wal_checkpoint(TRUNCATE)",
                 NULL, NULL, NULL);
    long long fts_build = now_ms() - t0;
    double fts_size = fsize(db_path);
    /* queries: every gram of the folded query, ANDed */
    double fts_q[64] = {0};
    long fts_hits[64] = {0};
    for (int q = 0; q < nq && q < 64; q++) {
        long long q0 = now_ms();
        norm_reset(&N);
        norm_add(&N, qs[q], strlen(qs[q]), 0);
        uint64_t *g = NULL;
        size_t ng = 0, cap = 0;
        lix_grams(N.out.p ? N.out.p : "", N.out.n, &g, &ng, &cap);
        buf_t m = {0};
        buf_adds(&m, "SELECT count(*) FROM t WHERE t MATCH ?1");
        buf_t e = {0};
        for (size_t k = 0; k < ng; k++) {
            char u[16];
            size_t ul = 0;
            uint32_t cs[2] = {(uint32_t)(g[k] >> 21 & 0x1FFFFF), (uint32_t)(g[k] & 0x1FFFFF)};
            for (int j = g[k] >> 42 ? 0 : 1; j < 2; j++)
                ul += (size_t)u8_uctomb((uint8_t *)u + ul, cs[j], 8);
            if (e.n)
                buf_adds(&e, " AND ");
            buf_addc(&e, '"');
            buf_add(&e, u, ul);
            buf_addc(&e, '"');
        }
        buf_addc(&e, '\0');
        sqlite3_stmt *s;
        sqlite3_prepare_v2(db, m.p, (int)m.n, &s, NULL);
        sqlite3_bind_text(s, 1, e.p, -1, SQLITE_STATIC);
        if (sqlite3_step(s) == SQLITE_ROW)
            fts_hits[q] = (long)sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        fts_q[q] = (double)(now_ms() - q0);
        buf_free(&m);
        buf_free(&e);
        free(g);
    }
    sqlite3_close(db);
    unlink(db_path);

    /* (b) libindex, on 1 thread as FTS5 is, then on the machine's */
    char *ip = libindex_path(dir);
    if (ip)
        unlink(ip);
    lix_stats_t st;
    t0 = now_ms();
    libindex_update(dir, 1, &st);
    long long lix_build1 = now_ms() - t0;
    if (ip)
        unlink(ip);
    t0 = now_ms();
    libindex_update(dir, 0, &st);
    long long lix_build = now_ms() - t0;
    double lix_q[64] = {0}, lix_l[64] = {0};
    long lix_hits[64] = {0};
    unsigned char *skip = xcalloc(n + 1, 1);
    for (int q = 0; q < nq && q < 64; q++) {
        memset(skip, 0, n);
        long long q0 = now_ms();
        long s = libindex_narrow(dir, list, n, qs[q], 0, skip);
        lix_q[q] = (double)(now_ms() - q0);
        lix_hits[q] = s < 0 ? (long)n : (long)n - s;
        q0 = now_ms(); /* the index read, checked and looked up: no file */
        libindex_narrow(dir, list, 0, qs[q], 0, skip);
        lix_l[q] = (double)(now_ms() - q0);
    }
    printf("%zu files, %.1f MB (fold alone: %.2f s on 1 thread)\n\n", n, text / 1e6,
           fold_ms / 1000.0);
    printf("| | build | size | size / text |\n|---|---|---|---|\n");
    printf("| FTS5 (detail=none, juan tokenizer), 1 thread | %.2f s | %.1f MB | %.2f× |\n",
           fts_build / 1000.0, fts_size / 1e6, fts_size / text);
    printf("| libindex file, 1 thread | %.2f s | %.1f MB | %.2f× |\n", lix_build1 / 1000.0,
           st.bytes / 1e6, st.bytes / text);
    printf("| libindex file, all cores | %.2f s | | |\n\n", lix_build / 1000.0);
    printf("| query | FTS5 ms | FTS5 docs | libindex ms: lookup | with a stat of every file | "
           "libindex docs |\n|---|---|---|---|---|---|\n");
    for (int q = 0; q < nq && q < 64; q++)
        printf("| %s | %.0f | %ld | %.0f | %.0f | %ld |\n", qs[q], fts_q[q], fts_hits[q],
               lix_l[q], lix_q[q], lix_hits[q]);
    free(skip);
    free(ip);
    norm_free(&N);
    files_free(list, n);
    return 0;
}
