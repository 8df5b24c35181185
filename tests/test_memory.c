/* memory and ident: one open document's memory against a real store and
 * cache in a temporary directory — the identity, the position saved and
 * resumed, bookmarks and marks in document order, renamed and deleted, the
 * carry-over when the file at the path changed (re-anchored, `moved`
 * counted), no store (nothing kept, nothing crashes), a large text hashed
 * on a thread (mem_poll, mem_wait, mem_close while hashing), mem_lookup by
 * path and by content; the record by path beside the indexes (a record of
 * another version or form ignored and rewritten, version 1's removed, a
 * file replaced at its size after it was loaded not taken for the old
 * text, none with the cache off); a store of juan 0.1.0 (identities of the
 * older form) re-keyed by path and by content. Everything in a new
 * directory under $TMPDIR (else /tmp). */
#include "anchor.h"
#include "doc.h"
#include "ident.h"
#include "memory.h"
#include "sindex.h"
#include "store.h"
#include "structure.h"
#include "t.h"
#include "text.h"
#include "util.h"

#include <dirent.h>
#include <sqlite3.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char T[160], cache[192], state[192];

static const char *V1 = "标题\n\n01 第一节\n\n第一段文字，说的是一件事。\n\n"
                        "第二段文字，说的是另一件事。\n\n02 第二节\n\n第三段文字，到这里为止。\n";

typedef struct {
    doc_t d;
    structure_t st;
    memory_t m;
} open_t;

static void put_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "wb");
    CHECK(f && fputs(s, f) >= 0 && fclose(f) == 0);
}

/* A path under T (a static buffer per call site: at most 4 at once). */
static const char *at(const char *name)
{
    static char b[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(b[k], sizeof b[k], "%s/%s", T, name);
    return b[k];
}

static int open_doc(open_t *o, store_t *S, const char *path)
{
    doc_opts_t opt = {0};
    memset(o, 0, sizeof *o);
    if (doc_open(&o->d, path, &opt) != DOC_OK)
        return -1;
    st_build(&o->st, o->d.text, o->d.len, FMT_TEXT, path);
    mem_open(&o->m, S, &o->d, &o->st, path, 1);
    return 0;
}

static void close_doc(open_t *o)
{
    mem_close(&o->m);
    st_free(&o->st);
    doc_close(&o->d);
}

/* Offset of the first s in the open text. */
static size_t off_of(const open_t *o, const char *s)
{
    const char *p = memmem(o->d.text, o->d.len, s, strlen(s));
    return p ? (size_t)(p - o->d.text) : SIZE_MAX;
}

static store_t *store(void)
{
    char warn[512];
    store_t *S = store_open(state, warn, sizeof warn);
    CHECK_MSG(S != NULL, "store: %s", warn);
    return S;
}

/* The bookmarks as "NAME@TEXT|..." (TEXT: the first 4 bytes at each). */
static void listing(open_t *o, char *out, size_t n)
{
    bookmark_t *v;
    size_t k = mem_bookmarks(&o->m, &v);
    out[0] = '\0';
    for (size_t i = 0; i < k; i++) {
        size_t len = strlen(out);
        snprintf(out + len, n - len, "%s@%.6s|", v[i].name, o->d.text + v[i].at.offset);
    }
    free(v);
}

static void basics(void)
{
    store_t *S = store();
    const char *doc = at("doc.txt");
    put_file(doc, V1);
    open_t o;
    CHECK(open_doc(&o, S, doc) == 0);
    char id[IDENT_MAX];
    ident_of(V1, strlen(V1), id);
    CHECK_STR(o.m.id, id);
    CHECK(ident_current(o.m.id) && !o.m.pending && o.m.moved == 0);
    CHECK(o.m.path[0] == '/' && strstr(o.m.path, "/doc.txt"));
    size_t off, two = off_of(&o, "第二段");
    int exact;
    CHECK(mem_position(&o.m, &off, &exact) == 0); /* never read before */
    CHECK(mem_save_position(&o.m, two) == 0);
    CHECK(mem_set_bookmark(&o.m, "'b", NULL, off_of(&o, "第三段")) == 0);
    CHECK(mem_set_bookmark(&o.m, "甲", "一条备注", off_of(&o, "第一段")) == 0);
    CHECK(mem_set_bookmark(&o.m, "'a", "", two) == 0);
    close_doc(&o);

    /* opened again: resumed, the bookmarks in document order */
    CHECK(open_doc(&o, S, doc) == 0);
    CHECK_STR(o.m.id, id);
    CHECK(mem_position(&o.m, &off, &exact) == 1 && off == two && exact);
    char l[512];
    listing(&o, l, sizeof l);
    CHECK_STR(l, "甲@第一|'a@第二|'b@第三|");
    bookmark_t *v;
    size_t n = mem_bookmarks(&o.m, &v);
    CHECK(n == 3 && !strcmp(v[0].note, "一条备注") && !strcmp(v[1].note, ""));
    free(v);
    CHECK(mem_rename(&o.m, "甲", "乙") == 0);
    CHECK(mem_delete(&o.m, "'b") == 0);
    listing(&o, l, sizeof l);
    CHECK_STR(l, "乙@第一|'a@第二|");
    /* a bookmark set again under its name moves */
    CHECK(mem_set_bookmark(&o.m, "乙", "", off_of(&o, "第三段")) == 0);
    listing(&o, l, sizeof l);
    CHECK_STR(l, "'a@第二|乙@第三|");
    docinfo_t info;
    CHECK(store_info_for_id(S, id, &info) == 0 && info.last_read > 0 && info.percent > 0 &&
          !strcmp(info.path, o.m.path));
    close_doc(&o);
    store_close(S);
}

/* documents.last_read of id set to 1, from another connection. */
static void set_read_long_ago(const char *id)
{
    char file[256], sql[160];
    snprintf(file, sizeof file, "%s/state.db", state);
    snprintf(sql, sizeof sql, "UPDATE documents SET last_read=1 WHERE id='%s'", id);
    CHECK(t_sql(file, sql) == 1);
}

static long long last_read(store_t *S, const char *id)
{
    docinfo_t info;
    return store_info_for_id(S, id, &info) == 0 ? info.last_read : -1;
}

/* A reading of a text the store keeps at its path is recorded at the end
 * (or with the next save), not when it is opened; one it does not keep
 * yet, at once. */
static void recorded_later(void)
{
    store_t *S = store();
    const char *doc = at("later.txt");
    put_file(doc, "后来才记下的一篇。\n\n第二段。\n");
    open_t o;
    CHECK(open_doc(&o, S, doc) == 0);
    char id[IDENT_MAX];
    snprintf(id, sizeof id, "%s", o.m.id);
    CHECK_MSG(!o.m.seen_later && last_read(S, id) > 1, "new: recorded at once");
    close_doc(&o);
    set_read_long_ago(id);
    CHECK(open_doc(&o, S, doc) == 0);
    CHECK_MSG(o.m.seen_later && last_read(S, id) == 1, "kept: not written at opening");
    close_doc(&o);
    CHECK_MSG(last_read(S, id) > 1, "kept: recorded at the end");
    set_read_long_ago(id);
    CHECK(open_doc(&o, S, doc) == 0);
    CHECK(mem_save_position(&o.m, off_of(&o, "第二段")) == 0);
    CHECK_MSG(!o.m.seen_later && last_read(S, id) > 1, "kept: recorded with the save");
    size_t off;
    int exact;
    CHECK(mem_position(&o.m, &off, &exact) == 1 && off == off_of(&o, "第二段"));
    close_doc(&o);

    /* the reading's write refused (a trigger): the position saved alone,
       the reading left for later, and written once it can be */
    char file[256];
    snprintf(file, sizeof file, "%s/state.db", state);
    CHECK(t_sql(file, "CREATE TRIGGER no_title BEFORE UPDATE OF title ON documents"
                      " BEGIN SELECT RAISE(ABORT, 'refused'); END") == 0);
    set_read_long_ago(id);
    CHECK(open_doc(&o, S, doc) == 0);
    CHECK(o.m.seen_later);
    CHECK_MSG(mem_save_position(&o.m, 0) == 0 && mem_position(&o.m, &off, &exact) == 1 &&
                  off == 0,
              "refused reading: the position saved all the same");
    CHECK_MSG(o.m.seen_later && last_read(S, id) > 1, "refused reading: left for later");
    CHECK(t_sql(file, "DROP TRIGGER no_title") == 0);
    set_read_long_ago(id);
    close_doc(&o);
    CHECK_MSG(last_read(S, id) > 1, "refused reading: recorded at the end");
    store_close(S);
}

/* The file at the path changed: its memory carried over, re-anchored. */
static void carry_over(void)
{
    store_t *S = store();
    const char *doc = at("doc.txt");
    char old[IDENT_MAX];
    ident_of(V1, strlen(V1), old);
    /* a paragraph inserted above: nothing is where it was */
    buf_t b = {0};
    buf_adds(&b, "标题\n\n新插入的一段话，放在最前面。\n\n");
    buf_adds(&b, V1 + strlen("标题\n\n"));
    put_file(doc, b.p);
    open_t o;
    CHECK(open_doc(&o, S, doc) == 0);
    CHECK(strcmp(o.m.id, old) && ident_current(o.m.id));
    CHECK_MSG(o.m.moved == 3, "moved %d", o.m.moved); /* the position, 'a, 乙 */
    size_t off;
    int exact;
    CHECK(mem_position(&o.m, &off, &exact) == 1 && off == off_of(&o, "第二段") && exact);
    char l[512];
    listing(&o, l, sizeof l);
    CHECK_STR(l, "'a@第二|乙@第三|");
    CHECK(!store_has_doc(S, old)); /* nothing leads to it any more */
    char mid[IDENT_MAX];
    snprintf(mid, sizeof mid, "%s", o.m.id);
    close_doc(&o);
    /* a paragraph appended below: everything where it was */
    buf_adds(&b, "\n最后加上的一段。\n");
    put_file(doc, b.p);
    CHECK(open_doc(&o, S, doc) == 0);
    CHECK(strcmp(o.m.id, mid) && o.m.moved == 0);
    listing(&o, l, sizeof l);
    CHECK_STR(l, "'a@第二|乙@第三|");
    close_doc(&o);
    buf_free(&b);
    store_close(S);
}

/* No store: the identity only; nothing kept, nothing crashes. */
static void no_store(void)
{
    open_t o;
    put_file(at("nostore.txt"), V1);
    CHECK(open_doc(&o, NULL, at("nostore.txt")) == 0);
    char id[IDENT_MAX];
    ident_of(V1, strlen(V1), id);
    CHECK_STR(o.m.id, id);
    size_t off;
    int exact;
    CHECK(mem_save_position(&o.m, 10) < 0 && mem_position(&o.m, &off, &exact) == 0);
    CHECK(mem_set_bookmark(&o.m, "x", "", 0) < 0);
    bookmark_t *v;
    CHECK(mem_bookmarks(&o.m, &v) == 0);
    free(v);
    CHECK(mem_rename(&o.m, "x", "y") < 0 && mem_delete(&o.m, "x") < 0);
    docinfo_t info;
    CHECK(mem_lookup(NULL, at("nostore.txt"), &info) < 0);
    close_doc(&o);
}

/* wait up to 20 s for mem_poll */
static int polled(memory_t *m)
{
    for (int i = 0; i < 20000; i++) {
        if (mem_poll(m))
            return 1;
        usleep(1000);
    }
    return 0;
}

/* The large text b with s appended, written to big.txt and opened: it is
 * being hashed; its identity into id. */
static void open_grown(open_t *o, store_t *S, buf_t *b, const char *s, char id[IDENT_MAX])
{
    buf_adds(b, s);
    put_file(at("big.txt"), b->p);
    ident_of(b->p, b->n, id);
    CHECK(open_doc(o, S, at("big.txt")) == 0);
    CHECK(o->m.pending);
}

static void large(void)
{
    store_t *S = store();
    const char *big = at("big.txt");
    buf_t b = {0};
    while (b.n <= MEM_HASH_ASYNC)
        buf_adds(&b, V1);
    put_file(big, b.p);
    char id[IDENT_MAX];
    ident_of(b.p, b.n, id);
    open_t o;
    CHECK(open_doc(&o, S, big) == 0);
    CHECK(o.m.pending);
    CHECK(polled(&o.m) && !o.m.pending);
    CHECK_STR(o.m.id, id);
    CHECK(mem_poll(&o.m) == 0); /* once */
    size_t mid = b.n / 2, off;
    int exact;
    CHECK(mem_save_position(&o.m, mid) == 0);
    close_doc(&o);
    /* unchanged: known by its path, not hashed again */
    CHECK(open_doc(&o, S, big) == 0);
    CHECK(!o.m.pending && !strcmp(o.m.id, id));
    CHECK(mem_position(&o.m, &off, &exact) == 1 && exact && off >= mid - 200 && off <= mid);
    close_doc(&o);
    /* changed: hashed again; mem_position waits for it */
    open_grown(&o, S, &b, "又一段。\n", id);
    CHECK(mem_position(&o.m, &off, &exact) == 1 && exact && !o.m.pending);
    CHECK_STR(o.m.id, id);
    close_doc(&o);
    /* closed while hashing: nothing recorded, nothing left running */
    open_grown(&o, S, &b, "再一段。\n", id);
    close_doc(&o);
    CHECK(!store_has_doc(S, id));
    buf_free(&b);
    store_close(S);
}

static void lookup(void)
{
    store_t *S = store();
    const char *doc = at("doc.txt"), *copy = at("copy.txt");
    open_t o;
    CHECK(open_doc(&o, S, doc) == 0);
    char id[IDENT_MAX];
    snprintf(id, sizeof id, "%s", o.m.id);
    /* a copy never opened: known by its content */
    FILE *f = fopen(copy, "wb");
    CHECK(f && fwrite(o.d.text, 1, o.d.len, f) == o.d.len && fclose(f) == 0);
    close_doc(&o);
    docinfo_t info;
    CHECK(mem_lookup(S, doc, &info) == 0 && !strcmp(info.id, id) && info.percent > 0);
    CHECK(mem_lookup(S, copy, &info) == 0 && !strcmp(info.id, id));
    char *abs = ident_abspath(copy);
    CHECK(store_info_for_path(S, abs, &info) < 0); /* (it is not recorded) */
    free(abs);
    put_file(at("other.txt"), "别的文字。\n");
    CHECK(mem_lookup(S, at("other.txt"), &info) < 0);
    CHECK(mem_lookup(S, at("nothing-here.txt"), &info) < 0);
    store_close(S);
}

/* ---- the record by path ------------------------------------------------ */

static int count_files(const char *dir)
{
    DIR *dp = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (dp && (e = readdir(dp)))
        n += e->d_name[0] != '.';
    if (dp)
        closedir(dp);
    return dp ? n : -1;
}

/* The one record in CACHE/ids (its path into f). */
static int the_record(char *f, size_t n)
{
    char dir[200];
    snprintf(dir, sizeof dir, "%s/ids", cache);
    DIR *dp = opendir(dir);
    struct dirent *e;
    int k = 0;
    while (dp && (e = readdir(dp)))
        if (e->d_name[0] != '.') {
            buf_t b = {0};
            buf_adds(&b, dir);
            buf_addc(&b, '/');
            buf_adds(&b, e->d_name);
            snprintf(f, n, "%s", b.p);
            buf_free(&b);
            k++;
        }
    if (dp)
        closedir(dp);
    return k == 1 ? 0 : -1;
}

static void records(void)
{
    /* version 1's records, where juan 0.1.0 kept them */
    char old[300], f[400];
    snprintf(old, sizeof old, "%s/paths", cache);
    CHECK(mkdir(cache, 0700) == 0 && mkdir(old, 0700) == 0);
    snprintf(f, sizeof f, "%s/0123456789abcdef", old);
    put_file(f, "JUANPATH 1 9 1 9-9e702da002bf1d0b\n/x/y.txt\tUTF-8\n");

    const char *doc = at("rec.txt");
    put_file(doc, V1);
    doc_t d;
    doc_opts_t opt = {0};
    CHECK(doc_open(&d, doc, &opt) == DOC_OK);
    char id[IDENT_MAX], want[IDENT_MAX];
    ident_of(d.text, d.len, want);
    CHECK(ident_doc_known(doc, &d, id) < 0); /* nothing recorded yet */
    ident_doc(doc, &d, id);
    CHECK_STR(id, want);
    CHECK(access(old, F_OK) != 0); /* version 1's records are gone */
    CHECK(the_record(f, sizeof f) == 0);
    size_t n;
    char *r = t_slurp(f, &n);
    CHECK(r && !strncmp(r, "JUANPATH 2 ", 11) && strstr(r, want) && strstr(r, "/rec.txt\tUTF-8\n"));
    memset(id, 0, sizeof id);
    CHECK(ident_doc_known(doc, &d, id) == 0 && !strcmp(id, want));
    /* a record of version 1, or of version 2 with an identity of the older
     * form, is ignored; the next ident_doc writes it again */
    char *v1 = xstrdup(r);
    memcpy(v1, "JUANPATH 1", 10);
    const char *forms[2] = {v1, NULL};
    buf_t v2old = {0};
    char *p = strstr(r, want);
    buf_add(&v2old, r, (size_t)(p - r));
    buf_adds(&v2old, p + 3); /* "x3-SIZE-HASH" -> "SIZE-HASH" */
    forms[1] = v2old.p;
    for (int k = 0; k < 2; k++) {
        put_file(f, forms[k]);
        CHECK(ident_doc_known(doc, &d, id) < 0);
        ident_doc(doc, &d, id);
        CHECK_STR(id, want);
        char *again = t_slurp(f, &n);
        CHECK(again && !strcmp(again, r));
        free(again);
    }
    free(v1);
    buf_free(&v2old);
    free(r);
    /* the file touched and loaded again: its record no longer holds */
    struct timespec ts[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
    CHECK(utimensat(AT_FDCWD, doc, ts, 0) == 0);
    doc_close(&d);
    CHECK(doc_open(&d, doc, &opt) == DOC_OK);
    CHECK(ident_doc_known(doc, &d, id) < 0);
    ident_doc(doc, &d, id);
    doc_close(&d);
    /* mem_open, with a store or without, takes the record, not the text:
     * a record planted with another identity is what it gives */
    r = t_slurp(f, &n);
    char fake[IDENT_MAX];
    snprintf(fake, sizeof fake, "x3-%zu-0123456789abcdef", strlen(V1));
    buf_t planted = {0};
    p = r ? strstr(r, want) : NULL;
    CHECK(p != NULL);
    if (p) {
        buf_add(&planted, r, (size_t)(p - r));
        buf_adds(&planted, fake);
        buf_adds(&planted, p + strlen(want));
        put_file(f, planted.p);
    }
    open_t o;
    CHECK(open_doc(&o, NULL, doc) == 0 && !strcmp(o.m.id, fake));
    close_doc(&o);
    store_t *S = store();
    CHECK(open_doc(&o, S, doc) == 0 && !strcmp(o.m.id, fake));
    close_doc(&o);
    CHECK(store_forget(S, fake) == 0);
    store_close(S);
    put_file(f, r ? r : "");
    CHECK(open_doc(&o, NULL, doc) == 0 && !strcmp(o.m.id, want));
    close_doc(&o);
    buf_free(&planted);
    free(r);
    char ids[300];
    snprintf(ids, sizeof ids, "%s/ids", cache);
    CHECK(count_files(ids) == 1);
}

/* The file replaced by another of its size after it was loaded (an editor
 * saves so): the record holds the loaded file's time, not the new file's,
 * so the new text is never taken for the old. */
static void replaced(void)
{
    const char *doc = at("raced.txt"), *tmp = at("raced.tmp");
    buf_t v2 = {0};
    const char *p = strstr(V1, "一件事");
    buf_add(&v2, V1, (size_t)(p - V1));
    buf_adds(&v2, "两件事");
    buf_adds(&v2, p + strlen("一件事"));
    CHECK(v2.n == strlen(V1));
    put_file(doc, V1);
    doc_t d, d2;
    doc_opts_t opt = {0};
    CHECK(doc_open(&d, doc, &opt) == DOC_OK);
    put_file(tmp, v2.p);
    struct timespec ts[2] = {{0, UTIME_OMIT}, {d.mtime_ns / 1000000000 + 5, 0}};
    CHECK(utimensat(AT_FDCWD, tmp, ts, 0) == 0 && rename(tmp, doc) == 0);
    char id[IDENT_MAX], want[IDENT_MAX];
    ident_of(V1, strlen(V1), want);
    ident_doc(doc, &d, id); /* what was loaded */
    CHECK_STR(id, want);
    CHECK(doc_open(&d2, doc, &opt) == DOC_OK && d2.len == d.len);
    CHECK(ident_doc_known(doc, &d2, id) < 0); /* not the old text's record */
    ident_doc(doc, &d2, id);
    ident_of(v2.p, v2.n, want);
    CHECK_STR(id, want);
    /* the reader the same way */
    open_t o;
    CHECK(open_doc(&o, NULL, doc) == 0 && !strcmp(o.m.id, want));
    close_doc(&o);
    doc_close(&d2);
    doc_close(&d);
    buf_free(&v2);
}

/* No cache (--no-index): the identity hashed, nothing read or written
 * under the cache. */
static void no_cache(void)
{
    store_t *S = store();
    const char *doc = at("nocache.txt");
    put_file(doc, "没有缓存的一篇。\n");
    open_t o;
    CHECK(open_doc(&o, S, doc) == 0);
    char id[IDENT_MAX];
    ident_of(o.d.text, o.d.len, id);
    CHECK_STR(o.m.id, id);
    close_doc(&o);
    char ids[300];
    snprintf(ids, sizeof ids, "%s/ids", cache);
    int n = count_files(ids);
    sindex_dir_off();
    CHECK(open_doc(&o, S, doc) == 0 && !strcmp(o.m.id, id)); /* recorded: not read */
    CHECK(ident_doc_known(doc, &o.d, id) < 0);
    close_doc(&o);
    put_file(doc, "没有缓存的另一篇。\n");
    CHECK(open_doc(&o, S, doc) == 0);
    ident_of(o.d.text, o.d.len, id);
    CHECK_STR(o.m.id, id);
    close_doc(&o);
    CHECK(n > 0 && count_files(ids) == n);
    store_close(S);
}

/* ---- a store of juan 0.1.0 ----------------------------------------------- */

/* Record text as juan 0.1.0 did: under its version-1 identity, at path,
 * a position at `pos` and a mark 'a at `mark`. */
static void old_record(store_t *S, const char *path, const char *pos, const char *mark)
{
    open_t o;
    CHECK(open_doc(&o, NULL, path) == 0);
    char l[IDENT_MAX], prev[IDENT_MAX];
    ident_legacy(o.d.text, o.d.len, l);
    char *abs = ident_abspath(path);
    CHECK(store_doc_seen(S, l, abs, "旧的标题", "UTF-8", o.d.src_len, o.d.len, 1, prev) == 0);
    anchor_t a;
    anchor_make(&o.st, off_of(&o, pos), &a);
    CHECK(store_set_position(S, l, &a) == 0);
    bookmark_t bm = {.name = "'a", .note = "旧"};
    anchor_make(&o.st, off_of(&o, mark), &bm.at);
    CHECK(store_put_bookmark(S, l, &bm) == 0);
    free(abs);
    close_doc(&o);
}

static void upgrade(void)
{
    char sdir[200];
    snprintf(sdir, sizeof sdir, "%s/state-old", T);
    char warn[512];
    store_t *S = store_open(sdir, warn, sizeof warn);
    CHECK(S != NULL);
    /* by path: the file where it was */
    const char *doc = at("old.txt");
    put_file(doc, V1);
    old_record(S, doc, "第二段", "第三段");
    char l[IDENT_MAX], id[IDENT_MAX];
    ident_legacy(V1, strlen(V1), l);
    open_t o;
    CHECK(open_doc(&o, S, doc) == 0);
    ident_of(V1, strlen(V1), id);
    CHECK_STR(o.m.id, id);
    char rec[IDENT_MAX]; /* recorded by path, of the current form */
    CHECK(ident_doc_known(doc, &o.d, rec) == 0 && !strcmp(rec, id));
    CHECK(o.m.moved == 0 && !store_has_doc(S, l));
    size_t off;
    int exact;
    CHECK(mem_position(&o.m, &off, &exact) == 1 && exact && off == off_of(&o, "第二段"));
    char list[256];
    listing(&o, list, sizeof list);
    CHECK_STR(list, "'a@第三|");
    docinfo_t info;
    CHECK(store_info_for_id(S, id, &info) == 0 && info.last_read > 0);
    close_doc(&o);

    /* by content: the file moved since, and looked up before it is opened */
    const char *was = at("was.txt"), *now = at("moved.txt");
    const char *V2 = "另一篇。\n\n开头的一段。\n\n中间的一段。\n\n结尾的一段。\n";
    put_file(was, V2);
    old_record(S, was, "中间", "结尾");
    CHECK(rename(was, now) == 0);
    CHECK(mem_lookup(S, now, &info) == 0 && !ident_current(info.id) && info.percent > 0);
    CHECK(open_doc(&o, S, now) == 0);
    CHECK(ident_current(o.m.id) && o.m.moved == 0);
    CHECK(mem_position(&o.m, &off, &exact) == 1 && exact && off == off_of(&o, "中间"));
    listing(&o, list, sizeof list);
    CHECK_STR(list, "'a@结尾|");
    ident_legacy(V2, strlen(V2), l);
    CHECK(!store_has_doc(S, l));
    close_doc(&o);
    store_close(S);
}

int main(void)
{
    text_init_locale();
    const char *tmpdir = getenv("TMPDIR");
    int n = snprintf(T, sizeof T, "%s/juan-test-memory-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (n < 0 || (size_t)n >= sizeof T || !mkdtemp(T)) {
        fprintf(stderr, "test_memory: cannot make a directory %s: %s\n", T, strerror(errno));
        return 1;
    }
    snprintf(cache, sizeof cache, "%s/cache", T);
    snprintf(state, sizeof state, "%s/state", T);
    setenv("JUAN_CACHE_DIR", cache, 1);
    setenv("JUAN_STATE_DIR", state, 1);
    records(); /* first: version 1's records go with the first record written */
    basics();
    recorded_later();
    carry_over();
    no_store();
    large();
    lookup();
    upgrade();
    replaced();
    no_cache(); /* last: the cache stays off */
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", T);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", T);
    return T_DONE("test_memory");
}
