/* store and anchor: positions and bookmarks kept in SQLite, found again
 * after edits; a damaged database set aside; two processes writing at once;
 * a process killed while saving; a directory that cannot be made. */
#include "anchor.h"
#include "ident.h"
#include "store.h"
#include "t.h"
#include "text.h"
#include "title.h"

#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <iconv.h>
#include <unistd.h>

static char dir[256];

static int integrity_ok(void)
{
    char f[300];
    snprintf(f, sizeof f, "%s/state.db", dir);
    sqlite3 *db;
    if (sqlite3_open(f, &db) != SQLITE_OK)
        return 0;
    sqlite3_stmt *q;
    int ok = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL) == SQLITE_OK &&
             sqlite3_step(q) == SQLITE_ROW &&
             !strcmp((const char *)sqlite3_column_text(q, 0), "ok");
    sqlite3_finalize(q);
    sqlite3_close(db);
    return ok;
}

/* The integer sql gives (a second connection), or -1. */
static long long sql_int(const char *sql)
{
    char f[300];
    snprintf(f, sizeof f, "%s/state.db", dir);
    sqlite3 *db;
    long long v = -1;
    sqlite3_stmt *q;
    if (sqlite3_open(f, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
        if (sqlite3_step(q) == SQLITE_ROW)
            v = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return v;
}

static void basics(void)
{
    char warn[512];
    store_t *S = store_open(dir, warn, sizeof warn);
    CHECK_MSG(S != NULL, "open: %s", warn);
    if (!S)
        return;
    struct stat sb;
    CHECK(stat(dir, &sb) == 0 && (sb.st_mode & 0777) == 0700);
    CHECK(stat(store_file(S), &sb) == 0 && (sb.st_mode & 0777) == 0600);
    char prev[48];
    CHECK(store_doc_seen(S, "x3-10-aaaa", "/x/a.txt", "标题", "UTF-8", 10, 10, 1, prev) == 0);
    CHECK(prev[0] == 0);
    anchor_t a = {.offset = 5, .quote = "引文", .section = "第一节", .section_off = 2, .percent = 50};
    CHECK(store_set_position(S, "x3-10-aaaa", &a) == 0);
    anchor_t b;
    CHECK(store_get_position(S, "x3-10-aaaa", &b) == 0 && b.offset == 5 &&
          !strcmp(b.quote, "引文") && !strcmp(b.section, "第一节") && b.section_off == 2);
    CHECK(store_get_position(S, "nope", &b) < 0);
    bookmark_t bm = {.name = "重要", .note = "备注", .at = a};
    CHECK(store_put_bookmark(S, "x3-10-aaaa", &bm) == 0);
    bm.at.offset = 1;
    snprintf(bm.name, sizeof bm.name, "'a");
    CHECK(store_put_bookmark(S, "x3-10-aaaa", &bm) == 0);
    bookmark_t *v;
    size_t n = store_bookmarks(S, "x3-10-aaaa", &v);
    CHECK(n == 2 && !strcmp(v[0].name, "'a") && !strcmp(v[1].name, "重要") &&
          !strcmp(v[1].note, "备注"));
    free(v);
    CHECK(store_rename_bookmark(S, "x3-10-aaaa", "重要", "很重要") == 0);
    CHECK(store_delete_bookmark(S, "x3-10-aaaa", "'a") == 0);
    n = store_bookmarks(S, "x3-10-aaaa", &v);
    CHECK(n == 1 && !strcmp(v[0].name, "很重要"));
    free(v);
    /* a second path to the same content shares it; new content at a known
     * path names the identity it replaces */
    CHECK(store_doc_seen(S, "x3-10-aaaa", "/y/copy.txt", "标题", "UTF-8", 10, 10, 1, prev) == 0 && !prev[0]);
    /* a path's time, which a juan of before trusted, is cleared when the
     * path is seen (the identity's record is ident's) */
    CHECK(sql_int("UPDATE paths SET mtime=1234 WHERE path='/x/a.txt' RETURNING 1") == 1);
    CHECK(sql_int("SELECT count(*) FROM paths WHERE mtime=1234") == 1);
    CHECK(store_doc_seen(S, "x3-11-bbbb", "/x/a.txt", "标题", "UTF-8", 11, 11, 1, prev) == 0);
    CHECK_MSG(!strcmp(prev, "x3-10-aaaa"), "prev: %s", prev);
    CHECK(sql_int("SELECT count(*) FROM paths WHERE mtime IS NOT NULL") == 0);
    store_drop_orphan(S, "x3-10-aaaa"); /* /y/copy.txt still leads to it */
    CHECK(store_get_position(S, "x3-10-aaaa", &b) == 0);
    docinfo_t *d;
    n = store_recent(S, &d);
    CHECK(n == 2);
    free(d);
    docinfo_t one;
    CHECK(store_info_for_path(S, "/y/copy.txt", &one) == 0 && one.percent == 50 &&
          !strcmp(one.title, "标题") && one.missing);
    /* an identity of the older form: re-keyed, everything kept under it is
     * the new identity's */
    CHECK(store_doc_seen(S, "12-cccc", "/x/old.txt", "旧", "UTF-8", 12, 12, 1, prev) == 0);
    CHECK(store_set_position(S, "12-cccc", &a) == 0 && store_put_bookmark(S, "12-cccc", &bm) == 0);
    CHECK(store_has_doc(S, "12-cccc") && !store_has_doc(S, "x3-12-cccc"));
    CHECK(store_has_prefix(S, "12-") && !store_has_prefix(S, "13-") && store_has_prefix(S, "x3-1"));
    CHECK(store_rekey(S, "12-cccc", "x3-11-bbbb") < 0); /* taken */
    CHECK(store_rekey(S, "12-none", "x3-12-dddd") < 0);  /* nothing to give */
    CHECK(store_rekey(S, "12-cccc", "x3-12-dddd") == 0);
    CHECK(!store_has_doc(S, "12-cccc") && store_get_position(S, "12-cccc", &b) < 0);
    CHECK(store_get_position(S, "x3-12-dddd", &b) == 0 && !strcmp(b.quote, "引文"));
    n = store_bookmarks(S, "x3-12-dddd", &v);
    CHECK(n == 1 && !strcmp(v[0].name, "'a"));
    free(v);
    CHECK(store_info_for_path(S, "/x/old.txt", &one) == 0 && !strcmp(one.id, "x3-12-dddd") &&
          !strcmp(one.title, "旧") &&
          one.last_read > 0);
    CHECK(store_warning(S) == NULL);
    CHECK(store_forget(S, "x3-10-aaaa") == 0);
    CHECK(store_get_position(S, "x3-10-aaaa", &b) < 0);
    CHECK(store_bookmarks(S, "x3-10-aaaa", &v) == 0);
    free(v);
    store_close(S);
    CHECK(integrity_ok());
}

static void writer(int k, int times)
{
    char warn[512];
    store_t *S = store_open(dir, warn, sizeof warn);
    if (!S)
        _exit(3);
    char prev[48];
    store_doc_seen(S, "5-cccc", "/z/c.txt", "c", "UTF-8", 5, 5, 1, prev);
    int bad = 0;
    for (int i = 0; i < times; i++) {
        anchor_t a = {.offset = (size_t)(k * 100000 + i)};
        snprintf(a.quote, sizeof a.quote, "writer %d step %d", k, i);
        bad += store_set_position(S, "5-cccc", &a) < 0;
    }
    store_close(S);
    _exit(bad ? 1 : 0);
}

static void concurrent(void)
{
    pid_t p[2];
    for (int k = 0; k < 2; k++)
        if ((p[k] = fork()) == 0)
            writer(k + 1, 1000);
    for (int k = 0; k < 2; k++) {
        int st;
        waitpid(p[k], &st, 0);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %d: status %d", k, st);
    }
    CHECK(integrity_ok());
    char warn[512];
    store_t *S = store_open(dir, warn, sizeof warn);
    anchor_t a;
    CHECK(S && store_get_position(S, "5-cccc", &a) == 0 &&
          (a.offset == 100999 || a.offset == 200999));
    store_close(S);
}

static void killed(void)
{
    pid_t p = fork();
    if (p == 0)
        writer(3, 1000000);
    usleep(300000);
    kill(p, SIGKILL);
    int st;
    waitpid(p, &st, 0);
    CHECK(integrity_ok());
    char warn[512];
    store_t *S = store_open(dir, warn, sizeof warn);
    anchor_t a;
    char want[64];
    int ok = S && store_get_position(S, "5-cccc", &a) == 0;
    if (ok) { /* a whole save: the quote is the offset's */
        snprintf(want, sizeof want, "writer 3 step %zu", a.offset - 300000);
        ok = a.offset >= 300000 && !strcmp(a.quote, want);
    }
    CHECK_MSG(ok, "after kill -9: a whole save");
    store_close(S);
}

/* Database file f (its -wal and -shm gone) made n bytes of garbage. */
static void garbage(const char *f, int n)
{
    unlink(f);
    char w[320];
    snprintf(w, sizeof w, "%s-wal", f);
    unlink(w);
    snprintf(w, sizeof w, "%s-shm", f);
    unlink(w);
    FILE *fp = fopen(f, "wb");
    for (int i = 0; i < n; i++)
        fputc((i * 7919) & 0xFF, fp);
    fclose(fp);
}

static void damaged(void)
{
    char f[300];
    snprintf(f, sizeof f, "%s/state.db", dir);
    garbage(f, 5000);
    char warn[512];
    store_t *S = store_open(dir, warn, sizeof warn);
    CHECK_MSG(S != NULL, "a damaged store is replaced: %s", warn);
    CHECK_MSG(strstr(warn, "set aside as") && strstr(warn, ".corrupt-"), "warning: %s", warn);
    char prev[48];
    CHECK(S && store_doc_seen(S, "1-d", "/d", "d", "UTF-8", 1, 1, 1, prev) == 0);
    store_close(S);
    /* the damaged file is kept */
    char cmd[400];
    snprintf(cmd, sizeof cmd, "ls %s | grep -q 'state.db.corrupt-'", dir);
    CHECK(system(cmd) == 0);
    /* a directory that cannot be made: the store is off, with a warning */
    S = store_open("/proc/juan-cannot-be-made/x", warn, sizeof warn);
    CHECK(S == NULL && strstr(warn, "cannot make"));
    /* everything takes a NULL store */
    anchor_t a;
    CHECK(store_get_position(NULL, "x", &a) < 0);
    CHECK(store_set_position(NULL, "x", &a) < 0);
}

static void anchors(void)
{
    const char *v1 = "标题\n\n01 第一节\n\n第一段文字，说的是一件事。\n\n第二段文字，说的是另一件更长的事情，需要很多字来讲清楚。\n\n02 第二节\n\n第三段。\n";
    structure_t st;
    st_build(&st, v1, strlen(v1), FMT_TEXT, NULL);
    const char *s2 = strstr(v1, "第二段");
    anchor_t a;
    anchor_make(&st, (size_t)(s2 - v1), &a);
    CHECK(!strncmp(a.quote, "第二段文字", strlen("第二段文字")));
    CHECK_MSG(!strcmp(a.section, "01 第一节"), "section [%s]", a.section);
    int exact;
    CHECK(anchor_resolve(&st, &a, &exact) == (size_t)(s2 - v1) && exact);
    st_free(&st);
    /* a paragraph inserted above: the same sentence, not exact */
    buf_t b = {0};
    buf_adds(&b, "标题\n\n新插入的一段话放在最前面。\n\n");
    buf_adds(&b, v1 + strlen("标题\n\n"));
    st_build(&st, b.p, b.n, FMT_TEXT, NULL);
    size_t at = anchor_resolve(&st, &a, &exact);
    CHECK(!exact && at == (size_t)(strstr(b.p, "第二段") - b.p));
    st_free(&st);
    /* the paragraph above deleted: the same sentence */
    buf_t del = {0};
    const char *first = strstr(v1, "第一段");
    buf_add(&del, v1, (size_t)(first - v1));
    buf_adds(&del, strstr(v1, "第二段"));
    st_build(&st, del.p, del.n, FMT_TEXT, NULL);
    at = anchor_resolve(&st, &a, &exact);
    CHECK(!exact && at == (size_t)(strstr(del.p, "第二段") - del.p));
    st_free(&st);
    buf_free(&del);
    /* the sentence rewritten: the same distance into the same section */
    const char *v3 = "标题\n\n前言。\n\n01 第一节\n\n第一段文字，说的是一件事。\n\n改写了的第二段。\n\n02 第二节\n\n第三段。\n";
    st_build(&st, v3, strlen(v3), FMT_TEXT, NULL);
    at = anchor_resolve(&st, &a, &exact);
    size_t h1 = (size_t)(strstr(v3, "01 第一节") - v3);
    CHECK_MSG(!exact && at == h1 + (a.offset - a.section_off), "section-relative: %zu", at);
    st_free(&st);
    /* nothing left: the percentage */
    const char *v4 = "完全不同的文字。\n完全不同的文字。\n";
    st_build(&st, v4, strlen(v4), FMT_TEXT, NULL);
    at = anchor_resolve(&st, &a, &exact);
    size_t pc_at = (size_t)(a.percent / 100.0 * strlen(v4));
    while (pc_at > 0 && ((unsigned char)v4[pc_at] & 0xC0) == 0x80)
        pc_at--; /* (on the start of the character it falls in) */
    CHECK_MSG(!exact && at == pc_at, "percentage: %zu, want %zu", at, pc_at);
    st_free(&st);
    /* a heading longer than an anchor keeps (255 bytes): found again */
    {
        buf_t o = {0}, w = {0}, head = {0};
        buf_adds(&head, "# ");
        for (int k = 0; k < 100; k++)
            buf_adds(&head, "长");
        buf_adds(&head, "\n\n");
        buf_adds(&o, "前言。\n\n");
        buf_add(&o, head.p, head.n);
        buf_adds(&o, "原来的一段话在这里。\n\n# 其他\n\n");
        for (int k = 0; k < 40; k++)
            buf_adds(&o, "填充的文字。\n\n");
        structure_t so;
        st_build(&so, o.p, o.n, FMT_MARKDOWN, "x.md");
        anchor_t la;
        anchor_make(&so, (size_t)(strstr(o.p, "原来的") - o.p), &la);
        CHECK(strlen(la.section) > 200);
        for (int k = 0; k < 40; k++)
            buf_adds(&w, "新的很长的前言。");
        buf_adds(&w, "\n\n");
        buf_add(&w, head.p, head.n);
        buf_adds(&w, "改写后的一段话。\n\n# 其他\n\n");
        for (int k = 0; k < 40; k++)
            buf_adds(&w, "填充的文字。\n\n");
        structure_t sw;
        st_build(&sw, w.p, w.n, FMT_MARKDOWN, "x.md");
        size_t lat = anchor_resolve(&sw, &la, &exact);
        size_t lo = (size_t)(strstr(w.p, "# 长") - w.p), hi = (size_t)(strstr(w.p, "# 其他") - w.p);
        CHECK_MSG(!exact && lat >= lo && lat < hi, "long heading: %zu not in [%zu, %zu)", lat, lo, hi);
        st_free(&so);
        st_free(&sw);
        buf_free(&o);
        buf_free(&w);
        buf_free(&head);
    }
    /* the section shortened: still inside it, on a character */
    const char *v5 = "标题\n\n前言。\n\n01 第一节\n\n短。\n\n02 第二节\n\n第三段，很长很长很长很长很长很长很长很长很长。\n";
    st_build(&st, v5, strlen(v5), FMT_TEXT, NULL);
    at = anchor_resolve(&st, &a, &exact);
    CHECK_MSG(!exact && at < (size_t)(strstr(v5, "02 第二节") - v5) &&
                  ((unsigned char)v5[at] & 0xC0) != 0x80,
              "in the shortened section: %zu", at);
    st_free(&st);
    buf_free(&b);
    /* identities */
    char i1[48], i2[48], i3[48];
    ident_of(v1, strlen(v1), i1);
    ident_of(v1, strlen(v1), i2);
    char *c = xstrdup(v1);
    c[40] ^= 1;
    ident_of(c, strlen(c), i3);
    free(c);
    CHECK(!strcmp(i1, i2) && strcmp(i1, i3));
    char want[64];
    snprintf(want, sizeof want, "x3-%zu-", strlen(v1));
    CHECK_MSG(!strncmp(i1, want, strlen(want)) && strlen(i1) == strlen(want) + 16, "%s", i1);
    CHECK(ident_current(i1));
    /* version 1 (what juan 0.1.0 stored; the values were made by it):
     * recognised, never current */
    char l[IDENT_MAX], pre[IDENT_MAX];
    ident_legacy("一二三", strlen("一二三"), l);
    CHECK_STR(l, "9-9e702da002bf1d0b");
    const char *digits = "0123456789012345678901234567890123456789012345678901234567890123456789"
                         "012345678901234567890123456789abc";
    ident_legacy(digits, strlen(digits), l);
    CHECK_STR(l, "103-b231d30f15924e5c");
    CHECK(!ident_current(l) && !ident_current("") && !ident_current("x3"));
    ident_legacy_prefix(103, pre);
    CHECK_STR(pre, "103-");
    _Atomic int stop = 1;
    CHECK(ident_of_stoppable(v1, strlen(v1), i3, &stop) == 0 && !strcmp(i3, i1)); /* too short to stop */
    /* read from a file in chunks, from an offset (a BOM), it is the same
     * identity: sizes around the chunk (1 MiB) and group (32 B) edges */
    const size_t sizes[] = {0, 31, 32, 33, (1u << 20) - 1, 1u << 20, (1u << 20) + 17, 3u << 20};
    char path[64];
    snprintf(path, sizeof path, "/tmp/juan-test-ident-%d", (int)getpid());
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t n = sizes[k];
        char *t = xmalloc(n + 3);
        for (size_t i = 0; i < n + 3; i++)
            t[i] = (char)(i * 7 + (i >> 9));
        FILE *f = fopen(path, "wb");
        CHECK(f && fwrite(t, 1, n + 3, f) == n + 3 && fclose(f) == 0);
        int fd = open(path, O_RDONLY);
        char a1[48], a2[48];
        ident_of(t + 3, n, a1);
        CHECK_MSG(fd >= 0 && ident_of_fd(fd, 3, n, a2, NULL) == 0 && !strcmp(a1, a2),
                  "ident_of_fd = ident_of for %zu bytes", n);
        _Atomic int go = 0;
        CHECK_MSG(ident_of_stoppable(t + 3, n, a2, &go) == 0 && !strcmp(a1, a2),
                  "ident_of_stoppable = ident_of for %zu bytes", n);
        go = 1;
        CHECK(n <= (1u << 20) || ident_of_stoppable(t + 3, n, a2, &go) < 0);
        CHECK(fd < 0 || ident_of_fd(fd, 3, n, a2, &go) < 0 || n == 0);
        CHECK(fd >= 0 && ident_of_fd(fd, 3, n + 1, a2, NULL) < 0); /* short of bytes */
        if (fd >= 0)
            close(fd);
        free(t);
    }
    unlink(path);
}

/* Issue 18: a read-only state.db is read, never written nor made writable;
 * a link at state.db and a directory others can write to are refused. */
static void unwritable(void)
{
    char f[300], warn[512], prev[48];
    snprintf(f, sizeof f, "%s/state.db", dir);
    store_t *S = store_open(dir, warn, sizeof warn);
    CHECK(S && store_doc_seen(S, "1-r", "/r", "r", "UTF-8", 1, 1, 1, prev) == 0);
    bookmark_t b;
    memset(&b, 0, sizeof b);
    snprintf(b.name, sizeof b.name, "kept");
    CHECK(S && store_put_bookmark(S, "1-r", &b) == 0 && store_failure(S) == NULL);
    store_close(S);
    chmod(f, 0444);
    S = store_open(dir, warn, sizeof warn);
    CHECK_MSG(S && !strcmp(warn, "cannot save: state.db is read-only (mode 0444) — your bookmarks are kept"),
              "0444: [%s]", warn);
    bookmark_t *v;
    size_t n = store_bookmarks(S, "1-r", &v);
    CHECK(n == 1 && !strcmp(v[0].name, "kept"));
    free(v);
    snprintf(b.name, sizeof b.name, "new");
    CHECK(store_put_bookmark(S, "1-r", &b) < 0);
    CHECK_MSG(store_failure(S) && strstr(store_failure(S), "read-only"), "why: %s",
              store_failure(S) ? store_failure(S) : "(none)");
    store_close(S);
    struct stat sb;
    CHECK(stat(f, &sb) == 0 && (sb.st_mode & 07777) == 0444);
    chmod(f, 0600);
    /* a link at state.db: refused, its target untouched */
    char other[320], cmd[1400];
    snprintf(other, sizeof other, "%s.other", dir);
    snprintf(cmd, sizeof cmd, "mv %s %s && ln -s %s %s", f, other, other, f);
    CHECK(system(cmd) == 0);
    S = store_open(dir, warn, sizeof warn);
    CHECK_MSG(!S && strstr(warn, "it is a symbolic link"), "link: [%s]", warn);
    store_close(S);
    snprintf(cmd, sizeof cmd, "rm %s && mv %s %s", f, other, f);
    CHECK(system(cmd) == 0);
    /* a directory others can write to: refused */
    chmod(dir, 0777);
    S = store_open(dir, warn, sizeof warn);
    CHECK_MSG(!S && strstr(warn, "others can write to it (mode 0777"), "0777: [%s]", warn);
    store_close(S);
    chmod(dir, 0700);
}

/* The write-ahead log, read whole by the next process that opens the
 * store, is folded into the database by the last one out once it holds
 * more than 64 KiB, and left as it is while smaller. */
/* Damage of a page the first queries do not read (page 2, a table's):
 * only quick_check finds it. 0 or -1. */
static int damage_page2(void)
{
    char f[300];
    snprintf(f, sizeof f, "%s/state.db", dir);
    int fd = open(f, O_WRONLY);
    char junk[4096];
    memset(junk, 0xA5, sizeof junk);
    int r = fd >= 0 && pwrite(fd, junk, sizeof junk, 4096) == (ssize_t)sizeof junk ? 0 : -1;
    if (fd >= 0)
        close(fd);
    return r;
}

/* quick_check is skipped only when state.db and its -wal are as a store
 * left them at close: a file changed since (touched, written by another
 * program, damaged) is checked, and damage found is set aside. */
static void checked_when_changed(void)
{
    char warn[512], f[300], w[320];
    snprintf(f, sizeof f, "%s/state.db", dir);
    snprintf(w, sizeof w, "%s-wal", f);
    store_t *S = store_open(dir, warn, sizeof warn);
    CHECK(S != NULL);
    store_close(S);
    S = store_open(dir, warn, sizeof warn);
    CHECK_MSG(S && !store_checked(S), "as left at close: not checked again");
    char prev[48];
    CHECK(S && store_doc_seen(S, "x3-5-chk", "/x/chk.txt", "t", "UTF-8", 5, 5, 1, prev) == 0);
    store_close(S);
    S = store_open(dir, warn, sizeof warn);
    CHECK_MSG(S && !store_checked(S), "its own writes: not checked again");
    store_close(S);
    /* a change from outside: the times change (chmod: the change time) */
    CHECK(chmod(w, 0600) == 0);
    S = store_open(dir, warn, sizeof warn);
    CHECK_MSG(S && store_checked(S), "a -wal changed since: checked");
    store_close(S);
    /* the log folded in by another connection, then a page damaged: the
       next open checks, finds it, sets the file aside */
    sqlite3 *db;
    CHECK(sqlite3_open(f, &db) == SQLITE_OK &&
          sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    S = store_open(dir, warn, sizeof warn);
    CHECK(S && store_checked(S) && !warn[0]);
    store_close(S);
    S = store_open(dir, warn, sizeof warn);
    CHECK(S && !store_checked(S));
    store_close(S);
    CHECK(damage_page2() == 0);
    S = store_open(dir, warn, sizeof warn);
    CHECK_MSG(S && strstr(warn, "set aside as"), "damage after a clean close is found: %s",
              warn);
    store_close(S);
}

static void wal_folded(void)
{
    char w[320], warn[512];
    snprintf(w, sizeof w, "%s/state.db-wal", dir);
    store_t *S = store_open(dir, warn, sizeof warn);
    CHECK(S != NULL);
    if (!S)
        return;
    anchor_t a = {0}, b;
    snprintf(a.quote, sizeof a.quote, "the log");
    CHECK(store_set_position(S, "x3-1-log", &a) == 0);
    store_close(S);
    struct stat sb;
    CHECK_MSG(stat(w, &sb) == 0 && sb.st_size > 0 && sb.st_size <= 64 << 10,
              "a small log is left as it is");
    S = store_open(dir, warn, sizeof warn);
    for (int i = 1; i <= 40; i++) {
        a.offset = (size_t)i;
        CHECK(store_set_position(S, "x3-1-log", &a) == 0);
    }
    CHECK_MSG(stat(w, &sb) == 0 && sb.st_size > 64 << 10, "the log grew: %lld",
              (long long)sb.st_size);
    store_close(S);
    CHECK_MSG(stat(w, &sb) < 0 || sb.st_size == 0, "the log was folded in: %lld",
              (long long)sb.st_size);
    S = store_open(dir, warn, sizeof warn);
    CHECK(S && store_get_position(S, "x3-1-log", &b) == 0 && b.offset == 40);
    store_close(S);
    CHECK(integrity_ok());
}

/* s (UTF-8) in GB18030, into f; 0 or -1. */
static int write_gb18030(const char *f, const char *s)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    if (cd == (iconv_t)-1)
        return -1;
    char out[4096], *in = (char *)s, *o = out;
    size_t il = strlen(s), ol = sizeof out;
    size_t r = iconv(cd, &in, &il, &o, &ol);
    iconv_close(cd);
    FILE *fp = fopen(f, "wb");
    if (r == (size_t)-1 || !fp) {
        if (fp)
            fclose(fp);
        return -1;
    }
    fwrite(out, 1, (size_t)(o - out), fp);
    return fclose(fp) == 0 ? 0 : -1;
}

/* The library's title cache (titles.db): a row holds while the file's size
 * and mtime are the same; a legacy encoding's title is UTF-8; damage is
 * set aside. */
static void titles(void)
{
    char warn[512];
    store_t *S = store_open(dir, warn, sizeof warn);
    CHECK_MSG(S != NULL, "open: %s", warn);
    if (!S)
        return;
    store_title_t v[3] = {{.path = "/lib/a.txt", .title = "甲", .size = 10, .mtime = 100},
                          {.path = "/lib/b/c.md", .title = "乙", .size = 20, .mtime = 200},
                          {.path = "/lib2/x.txt", .title = "丙", .size = 30, .mtime = 300}};
    char prev[48];
    CHECK(store_doc_seen(S, "x3-2-abcd", "/elsewhere/c.md", "C", "UTF-8", 20, 20, 1, prev) == 0);
    snprintf(v[1].doc, sizeof v[1].doc, "x3-2-abcd"); /* a document the store knows */
    CHECK(store_put_titles(S, v, 3) == 0);
    store_title_t t;
    CHECK(store_title(S, "/lib/a.txt", 10, 100, &t) == 0 && t.title && !strcmp(t.title, "甲") &&
          !t.doc[0] && !t.known);
    free(t.path), free(t.title);
    /* stale: another size, another mtime */
    CHECK(store_title(S, "/lib/a.txt", 11, 100, &t) < 0 && !t.title);
    CHECK(store_title(S, "/lib/a.txt", 10, 101, &t) < 0 && !t.title);
    /* under a directory: its rows in path order, none of /lib2 */
    store_title_t *r;
    size_t n = store_titles(S, "/lib/", &r);
    CHECK(n == 2 && !strcmp(r[0].path, "/lib/a.txt") && !strcmp(r[1].path, "/lib/b/c.md") &&
          r[1].known && !strcmp(r[1].doc, "x3-2-abcd"));
    store_titles_free(r, n);
    /* written again for the file as it is now: the stale row replaced */
    v[0].size = 11;
    v[0].title = "甲二";
    CHECK(store_put_titles(S, v, 1) == 0);
    CHECK(store_title(S, "/lib/a.txt", 11, 100, &t) == 0 && t.title && !strcmp(t.title, "甲二"));
    free(t.path), free(t.title);
    CHECK(store_title(S, "/lib/a.txt", 10, 100, &t) < 0);
    /* a GB18030 file's title, made as the library makes it: UTF-8, kept so */
    char f[300];
    snprintf(f, sizeof f, "%s/红楼梦.md", dir);
    const char *text = "# 红楼梦\n\n第一回　甄士隐梦幻识通灵　贾雨村风尘怀闺秀。此开卷第一回也。"
                       "作者自云：因曾历过一番梦幻之后，故将真事隐去，而借通灵之说，撰此石头记一书也。\n";
    CHECK(write_gb18030(f, text) == 0);
    buf_t b = {0};
    doc_opts_t o = {0};
    CHECK(title_of_file(f, &o, FMT_AUTO, &b) == 0);
    CHECK_STR(b.p, "红楼梦");
    store_title_t g = {.path = f, .title = b.p, .size = 1, .mtime = 2};
    CHECK(store_put_titles(S, &g, 1) == 0);
    CHECK(store_title(S, f, 1, 2, &t) == 0 && t.title && !strcmp(t.title, "红楼梦"));
    free(t.path), free(t.title);
    buf_free(&b);
    store_close(S);
    /* a damaged cache: set aside with a warning, a new one started */
    snprintf(f, sizeof f, "%s/titles.db", dir);
    garbage(f, 8192);
    S = store_open(dir, warn, sizeof warn);
    CHECK_MSG(S != NULL, "a damaged title cache does not stop the store: %s", warn);
    if (!S)
        return;
    n = store_titles(S, "/lib/", &r);
    CHECK(n == 0);
    store_titles_free(r, n);
    const char *sw = store_warning(S);
    CHECK_MSG(sw && strstr(sw, "titles.db") && strstr(sw, "set aside as"), "warning: %s",
              sw ? sw : "(none)");
    CHECK(store_put_titles(S, v, 1) == 0);
    CHECK(store_title(S, "/lib/a.txt", 11, 100, &t) == 0);
    free(t.path), free(t.title);
    store_close(S);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "ls %s | grep -q 'titles.db.corrupt-'", dir);
    CHECK(system(cmd) == 0);
}

/* store_batch: the writes between on and off are one transaction, seen
 * by another connection only once committed; store_path_is. */
static void batch(void)
{
    char warn[512], prev[48];
    store_t *S = store_open(dir, warn, sizeof warn), *R = store_open(dir, warn, sizeof warn);
    CHECK_MSG(S && R, "open: %s", warn);
    if (!S || !R) {
        store_close(S);
        store_close(R);
        return;
    }
    anchor_t a = {.offset = 7, .quote = "一起", .percent = 20};
    docinfo_t info;
    CHECK(store_batch(S, 1) == 0);
    CHECK(store_doc_seen(S, "x3-10-batch", "/x/batch.txt", "批", "UTF-8", 10, 10, 1, prev) == 0);
    CHECK(store_set_position(S, "x3-10-batch", &a) == 0);
    CHECK_MSG(store_info_for_id(R, "x3-10-batch", &info) < 0 &&
                  !store_path_is(R, "/x/batch.txt", "x3-10-batch"),
              "not seen before the batch is committed");
    CHECK(store_batch(S, 0) == 0);
    anchor_t b;
    CHECK_MSG(store_info_for_id(R, "x3-10-batch", &info) == 0 &&
                  store_get_position(R, "x3-10-batch", &b) == 0 && b.offset == 7,
              "both writes seen after it");
    CHECK(store_path_is(R, "/x/batch.txt", "x3-10-batch"));
    CHECK(!store_path_is(R, "/x/batch.txt", "x3-10-other"));
    CHECK(!store_path_is(R, "/x/other.txt", "x3-10-batch"));
    CHECK(store_batch(S, 0) == 0); /* (none open: nothing) */

    /* a write that fails in it (a trigger refuses the title's update): the
       batch undone, its first error said, nothing written after it */
    char file[300];
    snprintf(file, sizeof file, "%s/state.db", dir);
    CHECK(t_sql(file, "CREATE TRIGGER no_title BEFORE UPDATE OF title ON documents"
                      " BEGIN SELECT RAISE(ABORT, 'refused'); END") == 0);
    anchor_t c = {.offset = 99, .quote = "不该", .percent = 90};
    CHECK(store_batch(S, 1) == 0);
    CHECK(store_doc_seen(S, "x3-10-batch", "/x/batch.txt", "批", "UTF-8", 10, 10, 1, NULL) < 0);
    store_set_title(S, "x3-10-batch", "新题");
    CHECK(store_set_position(S, "x3-10-batch", &c) < 0);
    CHECK(store_batch(S, 0) < 0);
    const char *why = store_failure(S);
    CHECK_MSG(why && !strstr(why, "not an error"), "the batch's first error said (%s)",
              why ? why : "none");
    CHECK_MSG(store_get_position(R, "x3-10-batch", &b) == 0 && b.offset == 7 &&
                  store_info_for_id(R, "x3-10-batch", &info) == 0 && !strcmp(info.title, "批"),
              "nothing of the failed batch kept");
    CHECK(t_sql(file, "DROP TRIGGER no_title") == 0);

    /* the same place saved again leaves the row as it is (no page for the
       log); another place changes it */
    CHECK(t_sql(file, "CREATE TABLE tlog(x); CREATE TRIGGER tpos AFTER UPDATE ON positions"
                      " BEGIN INSERT INTO tlog VALUES(1); END") == 0);
    CHECK(store_set_position(S, "x3-10-batch", &a) == 0);
    CHECK_MSG(t_sql(file, "DELETE FROM tlog") == 0, "the same place: not written again");
    CHECK(store_set_position(S, "x3-10-batch", &c) == 0);
    CHECK_MSG(t_sql(file, "DELETE FROM tlog") == 1, "another place: written");
    CHECK(t_sql(file, "DROP TRIGGER tpos; DROP TABLE tlog") == 0);

    /* a path seen again: written only when another path of its document
       was seen after it (the last seen is the document's path) */
    char prev2[48];
    CHECK(t_sql(file, "CREATE TABLE tlog(x); CREATE TRIGGER tpath AFTER UPDATE ON paths"
                      " BEGIN INSERT INTO tlog VALUES(1); END") == 0);
    CHECK(store_doc_seen(S, "x3-10-batch", "/x/batch.txt", "批", "UTF-8", 10, 10, 1, prev2) == 0);
    CHECK_MSG(t_sql(file, "DELETE FROM tlog") == 0, "the last seen path again: not written");
    CHECK(store_doc_seen(S, "x3-10-batch", "/x/batch2.txt", "批", "UTF-8", 10, 10, 1, prev2) == 0);
    CHECK(store_info_for_id(S, "x3-10-batch", &info) == 0 && !strcmp(info.path, "/x/batch2.txt"));
    CHECK(store_doc_seen(S, "x3-10-batch", "/x/batch.txt", "批", "UTF-8", 10, 10, 1, prev2) == 0);
    CHECK_MSG(t_sql(file, "DELETE FROM tlog") == 1 && store_info_for_id(S, "x3-10-batch", &info) == 0 &&
                  !strcmp(info.path, "/x/batch.txt"),
              "seen after another path: written, the document's path again");
    CHECK(t_sql(file, "DROP TRIGGER tpath; DROP TABLE tlog") == 0);
    store_close(S);
    store_close(R);
}

int main(void)
{
    text_init_locale();
    snprintf(dir, sizeof dir, "/tmp/juan-test-store-%d/juan", (int)getpid());
    basics();
    batch();
    checked_when_changed();
    wal_folded();
    concurrent();
    killed();
    damaged();
    unwritable();
    anchors();
    titles();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf /tmp/juan-test-store-%d", (int)getpid());
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return T_DONE("test_store");
}
