/* The state database's rows: whatever another program (or damage SQLite
 * does not notice) left in a row — wrong types, NULLs, huge or negative
 * numbers, NaN, invalid UTF-8, over-long text — decodes into bounded,
 * NUL-terminated fields, and a decoded anchor resolves to an offset inside
 * the text, and such a document is re-keyed whole. The input is cut into
 * the fields of a positions row, a bookmarks row, a documents row and a
 * paths row, each value's type chosen by a byte. */
#include "anchor.h"
#include "store.h"
#include "structure.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)
#define ID "x3-11-00000000000000aa"  /* the document of the rows */
#define ID2 "x3-11-00000000000000bb" /* re-keyed */

static char dir[64], file[96];
static store_t *S;
static sqlite3 *db;
static structure_t st;
static char *text;

static void cleanup(void)
{
    store_close(S);
    sqlite3_close(db);
    st_free(&st);
    free(text);
    const char *sfx[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s%s", file, sfx[i]);
        unlink(p);
    }
    rmdir(dir);
}

static void init(void)
{
    if (S)
        return;
    atexit(cleanup);
    snprintf(dir, sizeof dir, "/tmp/juan-fuzz-store-%ld", (long)getpid());
    snprintf(file, sizeof file, "%s/state.db", dir);
    char warn[512];
    S = store_open(dir, warn, sizeof warn);
    REQUIRE(S);
    REQUIRE(sqlite3_open(file, &db) == SQLITE_OK);
    sqlite3_busy_timeout(db, 2000);
    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    static const char sample[] =
        "# 访谈\n\n## 一、开始\n\n记者：你好。\n\n梁文锋：你好，我们开始吧。\n\n## 二、结束\n\n记者：谢谢。\n";
    text = strdup(sample);
    st_build(&st, text, strlen(text), FMT_MARKDOWN, "x.md");
}

typedef struct {
    const uint8_t *p;
    size_t n;
} in_t;

static uint8_t byte(in_t *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

/* Bind parameter i to a value of a type the input picks. */
static void bind(sqlite3_stmt *q, int i, in_t *in)
{
    uint8_t t = byte(in);
    size_t len = byte(in);
    len = len == 255 ? 5000 : len; /* now and then over-long */
    if (len > in->n)
        len = in->n;
    uint64_t v = 0;
    double d;
    switch (t % 6) {
    case 0:
        sqlite3_bind_null(q, i);
        break;
    case 1:
        for (int k = 0; k < 8; k++)
            v = (v << 8) | byte(in);
        sqlite3_bind_int64(q, i, (int64_t)v);
        break;
    case 2:
        for (int k = 0; k < 8; k++)
            v = (v << 8) | byte(in);
        memcpy(&d, &v, sizeof d);
        sqlite3_bind_double(q, i, d);
        break;
    case 3:
        sqlite3_bind_text(q, i, (const char *)in->p, (int)len, SQLITE_TRANSIENT);
        in->p += len, in->n -= len;
        break;
    case 4:
        sqlite3_bind_blob(q, i, in->p, (int)len, SQLITE_TRANSIENT);
        in->p += len, in->n -= len;
        break;
    default:
        sqlite3_bind_int64(q, i, (int64_t)(t >> 3) - 8);
        break;
    }
}

static void put(const char *sql, int nparams, in_t *in)
{
    sqlite3_stmt *q;
    REQUIRE(sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK);
    sqlite3_bind_text(q, 1, ID, -1, SQLITE_STATIC);
    for (int i = 2; i <= nparams; i++)
        bind(q, i, in);
    sqlite3_step(q);
    sqlite3_finalize(q);
}

static void bounded(const char *s, size_t cap)
{
    REQUIRE(memchr(s, '\0', cap) != NULL);
}

static void check_anchor(const anchor_t *a)
{
    bounded(a->quote, sizeof a->quote);
    bounded(a->section, sizeof a->section);
    int exact;
    size_t off = anchor_resolve(&st, a, &exact);
    REQUIRE(off <= st.len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init();
    in_t in = {data, size};
    sqlite3_exec(db, "BEGIN; DELETE FROM positions; DELETE FROM bookmarks; "
                     "DELETE FROM documents; DELETE FROM paths", NULL, NULL, NULL);
    put("INSERT INTO documents(id, title, encoding, size, length, first_read, last_read) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", 7, &in);
    put("INSERT INTO positions(doc, offset, quote, section, section_off, percent, saved) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", 7, &in);
    put("INSERT INTO bookmarks(doc, name, note, offset, quote, section, section_off, percent, "
        "created) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", 9, &in);
    put("INSERT INTO paths(path, doc, size, mtime, seen) VALUES('/x/fuzz.txt', ?1, ?2, ?3, ?4)",
        4, &in);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    const char *id = ID;
    if (store_has_prefix(S, "x3-11-") && store_rekey(S, ID, ID2) == 0) {
        REQUIRE(!store_has_doc(S, ID) && store_has_doc(S, ID2));
        id = ID2;
    }
    anchor_t a;
    if (store_get_position(S, id, &a) == 0)
        check_anchor(&a);
    bookmark_t *v = NULL;
    size_t nb = store_bookmarks(S, id, &v);
    for (size_t i = 0; i < nb; i++) {
        bounded(v[i].name, sizeof v[i].name);
        bounded(v[i].note, sizeof v[i].note);
        check_anchor(&v[i].at);
    }
    free(v);
    docinfo_t *d = NULL;
    size_t nd = store_recent(S, &d);
    for (size_t i = 0; i < nd; i++) {
        bounded(d[i].id, sizeof d[i].id);
        bounded(d[i].path, sizeof d[i].path);
        bounded(d[i].title, sizeof d[i].title);
    }
    free(d);
    docinfo_t one;
    if (store_info_for_id(S, id, &one) == 0) {
        bounded(one.path, sizeof one.path);
        bounded(one.title, sizeof one.title);
    }
    if (store_info_for_path(S, "/x/fuzz.txt", &one) == 0) {
        bounded(one.id, sizeof one.id);
        bounded(one.path, sizeof one.path);
    }
    return 0;
}
