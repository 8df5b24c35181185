#include "store.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SCHEMA_VERSION 1
#define BUSY_MS 3000
/* The write-ahead log left at close is read whole (and its index rebuilt)
 * by the next process that opens the store, before its first screen:
 * 30 us a page here, 9 ms for the 290 pages a few hundred readings had
 * left (SQLite folds it in only at 1000). A reader that closes the store
 * with more than this in it folds it in then (two fsyncs, about 2 ms
 * here, once every few readings: each adds 2-4 pages). */
#define WAL_KEEP (64 << 10)
/* PRAGMA quick_check reads and checks every page: 1.0 ms of the 3.3 ms
 * the store took to open before the first screen (a 40 KB state.db; it
 * grows with the database). It is skipped when state.db and its -wal are
 * as a store of juan's left them at close (STAMP_SFX: their device,
 * inode, size and change time, which no tool can set back): damage from
 * outside (another program, a copy, a restored file) changes the change
 * time, and SQLite's own writes are crash-safe. */
#define STAMP_SFX "-closed"
/* The stamp is written in place, padded to STAMP_LEN bytes, never
 * truncated: ext4 writes a file truncated to 0 out at its close (its
 * auto_da_alloc), 1.0 ms of every quit here (open, first screen, q: 4.6
 * -> 3.5 ms, paired medians of 61). A torn write matches nothing. */
#define STAMP_LEN 200
#define STAMP_MAX 200 /* (a stamp fits STAMP_LEN with its newline) */

struct store {
    sqlite3 *db;
    char *file;
    char warn[512];
    int warned;
    int err;         /* the first SQLite error of the write under way */
    int ro;          /* opened read-only: every write fails with ro_why */
    char ro_why[96];
    char why[160];   /* why the last write failed; "" when it succeeded */
    int titles;      /* titles.db: 0 not attached yet, 1 attached, -1 cannot be */
    int damaged;     /* an error of this session said the file is damaged */
    int checked;     /* quick_check ran at open */
    char stamp[STAMP_MAX]; /* the files as found at open ("": unknown) */
    int batch;       /* in store_batch()'s transaction: 1, 2 once a write failed */
    char batch_read[48]; /* the document whose last-read time the batch set */
};

/* paths.mtime is no longer written (ident.h keeps the record by path):
 * it is cleared wherever a path is seen, so that a juan of before, which
 * trusted it, hashes the file again. */
static const char *schema =
    "CREATE TABLE IF NOT EXISTS documents("
    " id TEXT PRIMARY KEY, title TEXT, encoding TEXT, size INTEGER,"
    " length INTEGER, first_read INTEGER, last_read INTEGER);"
    "CREATE TABLE IF NOT EXISTS paths("
    " path TEXT PRIMARY KEY, doc TEXT NOT NULL, size INTEGER, mtime INTEGER,"
    " seen INTEGER);"
    "CREATE INDEX IF NOT EXISTS paths_doc ON paths(doc);"
    "CREATE TABLE IF NOT EXISTS positions("
    " doc TEXT PRIMARY KEY, offset INTEGER, quote TEXT, section TEXT,"
    " section_off INTEGER, percent REAL, saved INTEGER);"
    "CREATE TABLE IF NOT EXISTS bookmarks("
    " doc TEXT NOT NULL, name TEXT NOT NULL, note TEXT, offset INTEGER,"
    " quote TEXT, section TEXT, section_off INTEGER, percent REAL,"
    " created INTEGER, PRIMARY KEY(doc, name));";

/* The library's title cache: a database of its own beside state.db,
 * titles.db, attached as "t" when first used. Not in state.db: 10,000
 * titles make state.db 2.4 MB, and its quick_check at every start made
 * opening a 10 KB document 1.85x slower (farm-bench, paired medians).
 * Schema version 1. */
#define TITLES_VERSION 1
static const char *titles_schema =
    "CREATE TABLE IF NOT EXISTS t.titles("
    " path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, title TEXT, doc TEXT);";

static long long now_s(void)
{
    return (long long)time(NULL);
}

/* Microseconds: which path was seen last, also within a second. */
static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* mkdir -p, the last component with `mode`. */
static int make_dirs(const char *dir, mode_t mode)
{
    char *p = xstrdup(dir);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) < 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int r = mkdir(p, mode) < 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return r;
}

static char *default_dir(const char *opt)
{
    if (opt && *opt)
        return xstrdup(opt);
    const char *e = getenv("JUAN_STATE_DIR");
    if (e && *e)
        return xstrdup(e);
    buf_t b = {0};
    e = getenv("XDG_STATE_HOME");
    if (e && *e == '/') {
        buf_adds(&b, e);
    } else {
        const char *h = getenv("HOME");
        if (!h || !*h)
            return NULL;
        buf_adds(&b, h);
        buf_adds(&b, "/.local/state");
    }
    buf_adds(&b, "/juan");
    return b.p;
}

/* Set a database file aside with its WAL and shared-memory files. */
static void set_aside(const char *file, char *warn, size_t wn)
{
    char stamp[32], *to = NULL;
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    const char *sfx[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        buf_t a = {0}, b = {0};
        buf_adds(&a, file);
        buf_adds(&a, sfx[i]);
        buf_adds(&b, file);
        buf_adds(&b, ".corrupt-");
        buf_adds(&b, stamp);
        buf_adds(&b, sfx[i]);
        if (rename(a.p, b.p) == 0 && i == 0)
            to = xstrdup(b.p);
        buf_free(&a);
        buf_free(&b);
    }
    snprintf(warn, wn, "%s was damaged: set aside as %s; starting a new one",
             safe_path(file), to ? safe_path(to) : "?");
    free(to);
}

static int exec(store_t *S, const char *sql)
{
    return sqlite3_exec(S->db, sql, NULL, NULL, NULL);
}

/* Is this failure damage (the file is not a database, or a broken one)?
 * A full disk, an I/O error, a read-only file or directory, a lock held
 * too long are not: the file is left as it is. */
static int damage(int rc)
{
    rc &= 0xff;
    return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

/* Why a call failed with rc, in a few words. */
static void reason(sqlite3 *db, int rc, char *out, size_t n)
{
    int e = db ? sqlite3_system_errno(db) : 0;
    const char *r;
    if ((rc & 0xff) == SQLITE_FULL || e == ENOSPC)
        r = "disk full";
    else if (e == EDQUOT)
        r = "disk quota exceeded";
    else if (e == EROFS)
        r = "read-only file system";
    else if ((rc & 0xff) == SQLITE_READONLY)
        r = "state.db is read-only";
    else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        r = "state.db is locked by another program";
    else if (e == EACCES || e == EPERM || (rc & 0xff) == SQLITE_PERM)
        r = "permission denied";
    else if ((rc & 0xff) == SQLITE_IOERR && e)
        r = strerror(e);
    else
        r = sqlite3_errstr(rc);
    snprintf(out, n, "%s", r);
}

/* Is the open database sound? Checked (quick_check) unless known as left
 * at close (checked: 0); creates and migrates the schema (not when
 * read-only). 0: yes; -1: damaged; else the SQLite error that stopped it. */
static int prepare_db(store_t *S, int check)
{
    sqlite3_stmt *q;
    int rc;
    if (check) {
        rc = sqlite3_prepare_v2(S->db, "PRAGMA quick_check", -1, &q, NULL);
        if (rc != SQLITE_OK)
            return damage(rc) ? -1 : rc;
        rc = sqlite3_step(q);
        int ok = rc == SQLITE_ROW &&
                 !strcmp((const char *)sqlite3_column_text(q, 0), "ok");
        sqlite3_finalize(q);
        if (rc == SQLITE_ROW && !ok)
            return -1; /* the check found damage */
        if (!ok)
            return damage(rc) ? -1 : rc;
    }
    if (!S->ro) {
        exec(S, "PRAGMA journal_mode=WAL");
        exec(S, "PRAGMA synchronous=NORMAL");
    }
    int ver = 0;
    if ((rc = sqlite3_prepare_v2(S->db, "PRAGMA user_version", -1, &q, NULL)) != SQLITE_OK)
        return damage(rc) ? -1 : rc;
    if (sqlite3_step(q) == SQLITE_ROW)
        ver = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    if (ver >= SCHEMA_VERSION || S->ro)
        return 0; /* (a newer juan's: use what we know of it) */
    /* migrations go here, one step per version */
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d", SCHEMA_VERSION);
    if ((rc = exec(S, "BEGIN IMMEDIATE")) != SQLITE_OK)
        return damage(rc) ? -1 : rc;
    if (exec(S, schema) != SQLITE_OK || exec(S, sql) != SQLITE_OK) {
        rc = sqlite3_extended_errcode(S->db);
        exec(S, "ROLLBACK");
        return damage(rc) ? -1 : rc;
    }
    if ((rc = exec(S, "COMMIT")) != SQLITE_OK) {
        exec(S, "ROLLBACK");
        return damage(rc) ? -1 : rc;
    }
    return 0;
}

/* "file:" URI of path (for immutable=1), percent-encoding what a URI
 * would read otherwise. */
static char *file_uri(const char *path, const char *query)
{
    buf_t b = {0};
    buf_adds(&b, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#' || *p < 0x20) {
            char h[4];
            snprintf(h, sizeof h, "%%%02X", *p);
            buf_adds(&b, h);
        } else {
            buf_addc(&b, (char)*p);
        }
    }
    buf_adds(&b, query);
    return b.p;
}

static void db_close(store_t *S)
{
    if (S->db)
        sqlite3_close(S->db);
    S->db = NULL;
}

/* Open S->file read-only (its memory is read, nothing is written): with
 * the WAL's shared memory as usual, else, when there is no WAL to read,
 * as an immutable file (no -shm made). 0 or an SQLite error. */
static int open_ro(store_t *S)
{
    S->ro = 1;
    int rc = sqlite3_open_v2(S->file, &S->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX |
                                                  SQLITE_OPEN_NOFOLLOW, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(S->db, BUSY_MS);
        rc = prepare_db(S, 1);
        if (rc == 0)
            return 0;
    }
    db_close(S);
    buf_t w = {0};
    buf_adds(&w, S->file);
    buf_adds(&w, "-wal");
    struct stat sb;
    int wal = lstat(w.p, &sb) == 0 && sb.st_size > 0;
    buf_free(&w);
    if (wal || rc == -1)
        return rc;
    char *uri = file_uri(S->file, "?immutable=1");
    rc = sqlite3_open_v2(uri, &S->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX |
                                          SQLITE_OPEN_URI | SQLITE_OPEN_NOFOLLOW, NULL);
    free(uri);
    if (rc == SQLITE_OK && (rc = prepare_db(S, 1)) == 0)
        return 0;
    db_close(S);
    return rc;
}

/* Make file (0600, never through a link) when it is not there. */
static void create_file(const char *file)
{
    int fd = open(file, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0)
        close(fd);
}

/* Is file (or file+sfx) one juan may open: absent, or a regular file of
 * the user's, not a link? NULL, or why not. */
static const char *not_ours(const char *file, const char *sfx, struct stat *sb)
{
    buf_t b = {0};
    buf_adds(&b, file);
    buf_adds(&b, sfx);
    int r = lstat(b.p, sb);
    buf_free(&b);
    if (r < 0)
        return NULL;
    if (S_ISLNK(sb->st_mode))
        return "it is a symbolic link (juan does not follow one there)";
    if (!S_ISREG(sb->st_mode))
        return "it is not a regular file";
    if (sb->st_uid != geteuid())
        return "it belongs to another user";
    return NULL;
}

/* SQLite reports damage it meets (SQLITE_CORRUPT, also in a read whose
 * error nobody looks at) to its log: a process that saw any leaves no
 * stamp. log_on: the hook is in (SQLite was not started before it). */
static _Atomic int seen_damage;
static int log_on;
static pthread_once_t log_once = PTHREAD_ONCE_INIT;

static void sqlite_log(void *arg, int rc, const char *m)
{
    (void)arg;
    (void)m;
    if (damage(rc))
        seen_damage = 1;
}

static void log_hook(void)
{
    log_on = sqlite3_config(SQLITE_CONFIG_LOG, sqlite_log, NULL) == SQLITE_OK;
}

/* file+sfx's stamp: "dev ino size ctime;" ("-;" when absent). */
static void stamp_of(buf_t *b, const char *file, const char *sfx)
{
    buf_t p = {0};
    buf_adds(&p, file);
    buf_adds(&p, sfx);
    struct stat sb;
    char s[96];
    if (lstat(p.p, &sb) == 0)
        snprintf(s, sizeof s, "%llu %llu %lld %lld.%09ld;", (unsigned long long)sb.st_dev,
                 (unsigned long long)sb.st_ino, (long long)sb.st_size,
                 (long long)sb.st_ctim.tv_sec, sb.st_ctim.tv_nsec);
    else
        snprintf(s, sizeof s, "-;");
    buf_adds(b, s);
    buf_free(&p);
}

/* The stamp of S->file and its -wal as they are now, into S->stamp. */
static void stamp_now(store_t *S)
{
    buf_t b = {0};
    stamp_of(&b, S->file, "");
    stamp_of(&b, S->file, "-wal");
    snprintf(S->stamp, sizeof S->stamp, "%s", b.p);
    buf_free(&b);
}

/* Are state.db and its -wal as a store left them at close? */
static int stamp_matches(store_t *S)
{
    if (!log_on)
        return 0;
    stamp_now(S);
    buf_t p = {0};
    buf_adds(&p, S->file);
    buf_adds(&p, STAMP_SFX);
    char was[STAMP_MAX];
    ssize_t n = -1;
    int fd = open(p.p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    buf_free(&p);
    if (fd >= 0) {
        n = read(fd, was, sizeof was - 1);
        close(fd);
    }
    if (n <= 0)
        return 0;
    while (n > 0 && (was[n - 1] == ' ' || was[n - 1] == '\n'))
        n--; /* (the padding) */
    was[n] = '\0';
    return !strcmp(was, S->stamp);
}

/* After close: the stamp of the files as left (or none, when this
 * process met damage or the close failed). */
static void stamp_write(store_t *S, int ok)
{
    buf_t p = {0};
    buf_adds(&p, S->file);
    buf_adds(&p, STAMP_SFX);
    if (ok && log_on && !seen_damage && !S->damaged) {
        stamp_now(S);
        char line[STAMP_LEN + 1];
        snprintf(line, sizeof line, "%-*s\n", STAMP_LEN - 1, S->stamp);
        int fd = open(p.p, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0 && pwrite(fd, line, STAMP_LEN, 0) != STAMP_LEN) {
            /* a short stamp matches nothing: the next open checks */
        }
        if (fd >= 0)
            close(fd);
    } else {
        unlink(p.p);
    }
    buf_free(&p);
}

store_t *store_open(const char *opt_dir, char *warn, size_t wn)
{
    pthread_once(&log_once, log_hook);
    warn[0] = '\0';
    char *dir = default_dir(opt_dir);
    if (!dir) {
        snprintf(warn, wn, "no state directory (HOME is not set): positions are not kept");
        return NULL;
    }
    char why[160];
    if (make_dirs(dir, 0700) < 0) {
        snprintf(warn, wn, "cannot make %s: %s; positions are not kept",
                 safe_path(dir), strerror(errno));
        free(dir);
        return NULL;
    }
    if (dir_private(dir, why, sizeof why) < 0) {
        snprintf(warn, wn, "not using the state directory %s: %s; positions are not kept",
                 safe_path(dir), why);
        free(dir);
        return NULL;
    }
    store_t *S = xcalloc(1, sizeof *S);
    buf_t f = {0};
    buf_adds(&f, dir);
    buf_adds(&f, "/state.db");
    S->file = f.p;
    free(dir);
    struct stat sb;
    const char *bad = NULL;
    for (int i = 0; i < 3 && !bad; i++) {
        const char *sfx = i == 0 ? "" : i == 1 ? "-wal" : "-shm";
        if ((bad = not_ours(S->file, sfx, &sb)) != NULL)
            snprintf(warn, wn, "not using %s%s: %s; positions are not kept",
                     safe_path(S->file), sfx, bad);
    }
    if (bad) {
        store_close(S);
        return NULL;
    }
    /* a file the user made read-only stays so: read, never written */
    int rc = SQLITE_READONLY;
    if (lstat(S->file, &sb) == 0 && !(sb.st_mode & S_IWUSR)) {
        snprintf(S->ro_why, sizeof S->ro_why, "state.db is read-only (mode %04o)",
                 (unsigned)(sb.st_mode & 07777));
    } else {
        int check = !stamp_matches(S);
        for (int attempt = 0; attempt < 2; attempt++) {
            create_file(S->file);
            rc = sqlite3_open_v2(S->file, &S->db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                     SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW,
                                 NULL);
            if (rc == SQLITE_OK) {
                sqlite3_busy_timeout(S->db, BUSY_MS);
                /* the write-ahead log is folded into the database by SQLite's
                   automatic checkpoints, not at every close (two fsyncs on
                   the way out of every reader) */
                sqlite3_db_config(S->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
                rc = prepare_db(S, check);
                S->checked = check;
                if (rc == 0)
                    return S;
            }
            if (rc == -1 && attempt == 0) { /* not a database, or damaged */
                db_close(S);
                set_aside(S->file, warn, wn);
                check = 1;
                continue;
            }
            break;
        }
        char *slash = strrchr(S->file, '/');
        *slash = '\0'; /* (the directory, a moment) */
        int dir_ro = access(S->file, W_OK) != 0;
        *slash = '/';
        if (rc == -1)
            snprintf(S->ro_why, sizeof S->ro_why, "the database is damaged");
        else if (dir_ro)
            snprintf(S->ro_why, sizeof S->ro_why, "the state directory is read-only");
        else
            reason(S->db, rc, S->ro_why, sizeof S->ro_why);
        db_close(S);
    }
    /* not writable now (a full disk, a read-only file or directory, a
       lock): the file is left as it is, and read if it can be */
    if (rc != -1 && open_ro(S) == 0) {
        store_unsaved(S->warn, sizeof S->warn, S->ro_why);
        S->warned = 1; /* (said here, once) */
        snprintf(warn, wn, "%s", S->warn);
        return S;
    }
    snprintf(warn, wn, "cannot use %s: %s; nothing is saved (the file is left as it is)",
             safe_path(S->file), S->ro_why);
    store_close(S);
    return NULL;
}

void store_close(store_t *S)
{
    if (!S)
        return;
    if (S->db && !S->ro) {
        buf_t w = {0};
        buf_adds(&w, S->file);
        buf_adds(&w, "-wal");
        struct stat sb;
        if (lstat(w.p, &sb) == 0 && sb.st_size > WAL_KEEP) /* the last one out folds it in */
            sqlite3_db_config(S->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
        buf_free(&w);
    }
    if (S->batch) /* (left open: what it wrote is kept) */
        store_batch(S, 0);
    if (S->db && !S->ro)
        stamp_write(S, sqlite3_close(S->db) == SQLITE_OK);
    else if (S->db)
        sqlite3_close(S->db);
    free(S->file);
    free(S);
}

/* (for the tests: store.h) */
int store_checked(const store_t *S)
{
    return S && S->checked;
}

const char *store_file(const store_t *S)
{
    return S ? S->file : "";
}

int store_first(store_t *S, const char *name)
{
    if (!S)
        return 0;
    const char *slash = strrchr(S->file, '/');
    int dn = slash ? (int)(slash - S->file) : 1;
    char path[4200];
    snprintf(path, sizeof path, "%.*s/%s", dn, slash ? S->file : ".", name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

const char *store_warning(store_t *S)
{
    if (!S || !S->warn[0] || S->warned)
        return NULL;
    S->warned = 1;
    return S->warn;
}

const char *store_failure(const store_t *S)
{
    return S && S->why[0] ? S->why : NULL;
}

void store_unsaved(char *out, size_t n, const char *why)
{
    snprintf(out, n, "cannot save: %s — your bookmarks are kept", why);
}

/* A failed write: why (the first error since begin()), and one warning. */
static int failed(store_t *S)
{
    if (S->batch) { /* (said once, when the batch ends: its first error) */
        S->batch = 2;
        return -1;
    }
    if (S->ro)
        snprintf(S->why, sizeof S->why, "%s", S->ro_why);
    else
        reason(S->db, S->err ? S->err : sqlite3_extended_errcode(S->db), S->why,
               sizeof S->why);
    S->err = 0;
    if (!S->warn[0])
        store_unsaved(S->warn, sizeof S->warn, S->why);
    return -1;
}

/* Note the first error of a write. */
static void note_err(store_t *S, int rc)
{
    if (!S->err && rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        S->err = rc;
    if (damage(rc))
        S->damaged = 1;
}

/* Prepare sql and bind the arguments: a format string of types (s: string,
 * i: long long, z: size_t, d: double). */
static sqlite3_stmt *stmt(store_t *S, const char *sql, const char *types, ...)
{
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(S->db, sql, -1, &q, NULL);
    if (rc != SQLITE_OK) {
        note_err(S, sqlite3_extended_errcode(S->db));
        return NULL;
    }
    va_list ap;
    va_start(ap, types);
    for (int i = 0; types[i]; i++) {
        switch (types[i]) {
        case 's':
            sqlite3_bind_text(q, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
            break;
        case 'i':
            sqlite3_bind_int64(q, i + 1, va_arg(ap, long long));
            break;
        case 'z':
            sqlite3_bind_int64(q, i + 1, (sqlite3_int64)va_arg(ap, size_t));
            break;
        case 'd':
            sqlite3_bind_double(q, i + 1, va_arg(ap, double));
            break;
        }
    }
    va_end(ap);
    return q;
}

/* Run a prepared statement to completion. */
static int run(store_t *S, sqlite3_stmt *q)
{
    if (!q)
        return -1;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        ;
    if (rc != SQLITE_DONE)
        note_err(S, sqlite3_extended_errcode(S->db));
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int begin(store_t *S)
{
    if (S->batch) /* (the batch's transaction; none after a write failed in
                     it: SQLite may have undone it already, and what comes
                     after would be written alone) */
        return S->batch == 1 ? 0 : -1;
    S->err = 0;
    int rc = exec(S, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK)
        note_err(S, sqlite3_extended_errcode(S->db));
    return rc == SQLITE_OK ? 0 : -1;
}

static int commit(store_t *S, int ok)
{
    if (S->batch) { /* the batch commits, or undoes, the whole */
        if (ok != 0)
            S->batch = 2;
        return ok == 0 ? 0 : -1;
    }
    if (ok == 0) {
        if (exec(S, "COMMIT") == SQLITE_OK) {
            S->why[0] = '\0';
            return 0;
        }
        note_err(S, sqlite3_extended_errcode(S->db));
    }
    failed(S);
    exec(S, "ROLLBACK");
    return -1;
}

static void copy_col(char *dst, size_t n, sqlite3_stmt *q, int col)
{
    const unsigned char *t = sqlite3_column_text(q, col);
    snprintf(dst, n, "%s", t ? (const char *)t : "");
}

int store_doc_seen(store_t *S, const char *id, const char *path,
                   const char *title, const char *encoding, size_t size,
                   size_t length, int touch, char prev[48])
{
    if (prev)
        prev[0] = '\0';
    if (!S)
        return -1;
    if (begin(S) < 0)
        return failed(S);
    int ok = 0;
    /* the identity this path had before, if another */
    sqlite3_stmt *q = prev ? stmt(S, "SELECT doc FROM paths WHERE path=?", "s", path) : NULL;
    if (q && sqlite3_step(q) == SQLITE_ROW) {
        const char *old = (const char *)sqlite3_column_text(q, 0);
        if (old && strcmp(old, id) && !store_has_doc(S, id))
            snprintf(prev, 48, "%s", old);
    }
    sqlite3_finalize(q);
    if (touch && S->batch) /* (its last-read time set: store_set_position) */
        snprintf(S->batch_read, sizeof S->batch_read, "%s", id);
    long long t = now_s();
    ok |= run(S, stmt(S,
                      "INSERT INTO documents(id,title,encoding,size,length,first_read,last_read)"
                      " VALUES(?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
                      " title=excluded.title, encoding=excluded.encoding,"
                      " size=excluded.size, length=excluded.length,"
                      " last_read=CASE WHEN excluded.last_read > 0"
                      " THEN excluded.last_read ELSE last_read END",
                      "ssszzii", id, title, encoding, size, length, t,
                      touch ? t : 0LL));
    ok |= run(S, stmt(S,
                      "INSERT INTO paths(path,doc,size,seen) VALUES(?,?,?,?)"
                      " ON CONFLICT(path) DO UPDATE SET doc=excluded.doc,"
                      " size=excluded.size, mtime=NULL, seen=excluded.seen"
                      /* (a path already the last seen of its document,
                         unchanged: left as it is, its page not written) */
                      " WHERE paths.doc IS NOT excluded.doc OR paths.size IS NOT excluded.size"
                      " OR paths.mtime IS NOT NULL OR EXISTS(SELECT 1 FROM paths AS o"
                      " WHERE o.doc=excluded.doc AND o.path<>excluded.path AND o.seen>=paths.seen)",
                      "ssii", path, id, (long long)size, now_us()));
    return commit(S, ok);
}

int store_batch(store_t *S, int on)
{
    if (!S)
        return -1;
    if (on) {
        if (S->batch || begin(S) < 0)
            return S->batch ? 0 : failed(S);
        S->batch = 1;
        S->batch_read[0] = '\0';
        return 0;
    }
    if (!S->batch)
        return 0;
    int ok = S->batch == 1 ? 0 : -1;
    S->batch = 0;
    return commit(S, ok);
}

int store_path_is(store_t *S, const char *path, const char *id)
{
    if (!S)
        return 0;
    sqlite3_stmt *q = stmt(S, "SELECT 1 FROM paths JOIN documents ON documents.id=paths.doc"
                              " WHERE paths.path=? AND paths.doc=?", "ss", path, id);
    int r = q && sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    return r;
}

/* Does sql, with one string argument, give a row? */
static int exists(store_t *S, const char *sql, const char *arg)
{
    if (!S)
        return 0;
    sqlite3_stmt *q = stmt(S, sql, "s", arg);
    int r = q && sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    return r;
}

int store_has_doc(store_t *S, const char *id)
{
    return exists(S, "SELECT 1 FROM documents WHERE id=?", id);
}

int store_has_prefix(store_t *S, const char *prefix)
{
    return exists(S, "SELECT 1 FROM documents WHERE substr(id, 1, length(?1)) = ?1 LIMIT 1",
                  prefix);
}

int store_rekey(store_t *S, const char *from, const char *to)
{
    if (!S)
        return -1;
    if (begin(S) < 0)
        return failed(S);
    if (store_has_doc(S, to) || !store_has_doc(S, from)) {
        exec(S, "ROLLBACK");
        return -1;
    }
    static const char *const sql[] = {
        "UPDATE documents SET id=?1 WHERE id=?2",
        "UPDATE paths SET doc=?1 WHERE doc=?2",
        "UPDATE OR REPLACE positions SET doc=?1 WHERE doc=?2",
        "UPDATE OR REPLACE bookmarks SET doc=?1 WHERE doc=?2"};
    int ok = 0;
    for (size_t i = 0; i < sizeof sql / sizeof *sql; i++)
        ok |= run(S, stmt(S, sql[i], "ss", to, from));
    return commit(S, ok);
}

int store_get_position(store_t *S, const char *id, anchor_t *a)
{
    if (!S)
        return -1;
    sqlite3_stmt *q = stmt(S, "SELECT offset,quote,section,section_off,percent"
                              " FROM positions WHERE doc=?", "s", id);
    int r = -1;
    if (q && sqlite3_step(q) == SQLITE_ROW) {
        a->offset = (size_t)sqlite3_column_int64(q, 0);
        copy_col(a->quote, sizeof a->quote, q, 1);
        copy_col(a->section, sizeof a->section, q, 2);
        a->section_off = (size_t)sqlite3_column_int64(q, 3);
        a->percent = sqlite3_column_double(q, 4);
        r = 0;
    }
    sqlite3_finalize(q);
    return r;
}

int store_set_position(store_t *S, const char *id, const anchor_t *a)
{
    if (!S)
        return -1;
    if (begin(S) < 0)
        return failed(S);
    int ok = run(S, stmt(S,
                         "INSERT INTO positions(doc,offset,quote,section,section_off,percent,saved)"
                         " VALUES(?,?,?,?,?,?,?) ON CONFLICT(doc) DO UPDATE SET"
                         " offset=excluded.offset, quote=excluded.quote,"
                         " section=excluded.section, section_off=excluded.section_off,"
                         " percent=excluded.percent, saved=excluded.saved"
                         /* the same place saved again (a reader who left
                            where it was): the row, and its page, left as
                            they are, not added to the log that the next
                            opening reads again */
                         " WHERE offset IS NOT excluded.offset OR quote IS NOT excluded.quote"
                         " OR section IS NOT excluded.section"
                         " OR section_off IS NOT excluded.section_off",
                         "szsszdi", id, a->offset, a->quote, a->section,
                         a->section_off, a->percent, now_s()));
    if (!S->batch || strcmp(S->batch_read, id)) /* (not set already in the batch) */
        ok |= run(S, stmt(S, "UPDATE documents SET last_read=? WHERE id=?", "is", now_s(), id));
    return commit(S, ok);
}

size_t store_bookmarks(store_t *S, const char *id, bookmark_t **v)
{
    *v = NULL;
    if (!S)
        return 0;
    sqlite3_stmt *q = stmt(S, "SELECT name,note,offset,quote,section,section_off,percent,created"
                              " FROM bookmarks WHERE doc=? ORDER BY offset, name", "s", id);
    size_t n = 0, cap = 0;
    while (q && sqlite3_step(q) == SQLITE_ROW) {
        grow(v, &cap, n + 1, sizeof **v);
        bookmark_t *b = &(*v)[n++];
        memset(b, 0, sizeof *b);
        copy_col(b->name, sizeof b->name, q, 0);
        copy_col(b->note, sizeof b->note, q, 1);
        b->at.offset = (size_t)sqlite3_column_int64(q, 2);
        copy_col(b->at.quote, sizeof b->at.quote, q, 3);
        copy_col(b->at.section, sizeof b->at.section, q, 4);
        b->at.section_off = (size_t)sqlite3_column_int64(q, 5);
        b->at.percent = sqlite3_column_double(q, 6);
        b->created = sqlite3_column_int64(q, 7);
    }
    sqlite3_finalize(q);
    return n;
}

int store_put_bookmark(store_t *S, const char *id, const bookmark_t *b)
{
    if (!S)
        return -1;
    if (begin(S) < 0)
        return failed(S);
    int ok = run(S, stmt(S,
                         "INSERT INTO bookmarks(doc,name,note,offset,quote,section,section_off,percent,created)"
                         " VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(doc,name) DO UPDATE SET"
                         " note=excluded.note, offset=excluded.offset, quote=excluded.quote,"
                         " section=excluded.section, section_off=excluded.section_off,"
                         " percent=excluded.percent",
                         "ssszsszdi", id, b->name, b->note, b->at.offset, b->at.quote,
                         b->at.section, b->at.section_off, b->at.percent,
                         b->created ? b->created : now_s()));
    return commit(S, ok);
}

int store_rename_bookmark(store_t *S, const char *id, const char *from, const char *to)
{
    if (!S)
        return -1;
    if (begin(S) < 0)
        return failed(S);
    int ok = run(S, stmt(S, "DELETE FROM bookmarks WHERE doc=? AND name=?", "ss", id, to));
    ok |= run(S, stmt(S, "UPDATE bookmarks SET name=? WHERE doc=? AND name=?", "sss", to, id, from));
    return commit(S, ok);
}

int store_delete_bookmark(store_t *S, const char *id, const char *name)
{
    if (!S)
        return -1;
    if (begin(S) < 0)
        return failed(S);
    return commit(S, run(S, stmt(S, "DELETE FROM bookmarks WHERE doc=? AND name=?", "ss", id, name)));
}

int store_forget(store_t *S, const char *id)
{
    if (!S)
        return -1;
    if (begin(S) < 0)
        return failed(S);
    int ok = 0;
    const char *tables[] = {"DELETE FROM positions WHERE doc=?",
                            "DELETE FROM bookmarks WHERE doc=?",
                            "DELETE FROM paths WHERE doc=?",
                            "DELETE FROM documents WHERE id=?"};
    for (int i = 0; i < 4; i++)
        ok |= run(S, stmt(S, tables[i], "s", id));
    return commit(S, ok);
}

void store_drop_orphan(store_t *S, const char *id)
{
    if (S && !exists(S, "SELECT 1 FROM paths WHERE doc=?", id))
        store_forget(S, id);
}

static void info_row(sqlite3_stmt *q, docinfo_t *d)
{
    memset(d, 0, sizeof *d);
    copy_col(d->id, sizeof d->id, q, 0);
    copy_col(d->path, sizeof d->path, q, 1);
    copy_col(d->title, sizeof d->title, q, 2);
    d->size = (size_t)sqlite3_column_int64(q, 3);
    d->length = (size_t)sqlite3_column_int64(q, 4);
    d->percent = sqlite3_column_type(q, 5) == SQLITE_NULL ? -1 : sqlite3_column_double(q, 5);
    d->last_read = sqlite3_column_int64(q, 6);
    struct stat sb;
    d->missing = !d->path[0] || stat(d->path, &sb) != 0;
}

#define INFO_COLS                                                               \
    "SELECT d.id, (SELECT path FROM paths WHERE doc=d.id ORDER BY seen DESC LIMIT 1)," \
    " d.title, d.size, d.length, p.percent, d.last_read FROM documents d"      \
    " LEFT JOIN positions p ON p.doc=d.id"

/* Every row of q (finalized here) into *v (malloc'ed); their number. */
static size_t info_rows(sqlite3_stmt *q, docinfo_t **v)
{
    size_t n = 0, cap = 0;
    while (q && sqlite3_step(q) == SQLITE_ROW) {
        grow(v, &cap, n + 1, sizeof **v);
        info_row(q, &(*v)[n++]);
    }
    sqlite3_finalize(q);
    return n;
}

size_t store_recent(store_t *S, docinfo_t **v)
{
    *v = NULL;
    if (!S)
        return 0;
    sqlite3_stmt *q = stmt(S, INFO_COLS " WHERE d.last_read > 0"
                              " ORDER BY d.last_read DESC, d.id", "");
    return info_rows(q, v);
}

/* One document's row: where is "d.id=?" or the like, with one string. */
static int info_one(store_t *S, const char *where, const char *arg, docinfo_t *d)
{
    if (!S)
        return -1;
    char sql[512];
    snprintf(sql, sizeof sql, INFO_COLS " WHERE %s", where);
    sqlite3_stmt *q = stmt(S, sql, "s", arg);
    int r = -1;
    if (q && sqlite3_step(q) == SQLITE_ROW) {
        info_row(q, d);
        r = 0;
    }
    sqlite3_finalize(q);
    return r;
}

int store_info_for_path(store_t *S, const char *path, docinfo_t *d)
{
    return info_one(S, "d.id=(SELECT doc FROM paths WHERE path=?)", path, d);
}

int store_info_for_id(store_t *S, const char *id, docinfo_t *d)
{
    return info_one(S, "d.id=?", id, d);
}

void store_set_title(store_t *S, const char *id, const char *title)
{
    if (!S || S->batch == 2)
        return;
    if (!S->batch)
        S->err = 0;
    if (run(S, stmt(S, "UPDATE documents SET title=? WHERE id=? AND"
                       " title IS NOT ?", "sss", title, id, title)) < 0)
        failed(S);
}

/* The title cache. One row a path; a row whose size or mtime is not the
 * file's any more is stale: looked up, it is not found; written again, it
 * is replaced. A cache: damage found in it (no quick_check at every start:
 * it would cost what keeping it apart saves) sets the file aside, with a
 * warning, and the next use starts a new one; any other failure leaves
 * the titles to be made again. */

/* DIR/titles.db beside state.db (malloc'ed). */
static char *titles_file(const store_t *S)
{
    buf_t b = {0};
    const char *slash = strrchr(S->file, '/');
    buf_add(&b, S->file, slash ? (size_t)(slash - S->file) + 1 : 0);
    buf_adds(&b, "titles.db");
    buf_add(&b, "", 0);
    return b.p;
}

/* Attach titles.db (made 0600, never through a link: the main
 * connection's flags; only to write in it: a reader finds nothing without
 * making it) and its table: 0, else -1. */
static int titles_attach(store_t *S, int make)
{
    if (S->titles)
        return S->titles > 0 ? 0 : -1;
    char *file = titles_file(S);
    struct stat sb;
    if (!make && lstat(file, &sb) < 0) {
        free(file);
        return -1; /* (nothing kept yet) */
    }
    S->titles = -1;
    int ok = !not_ours(file, "", &sb) && !not_ours(file, "-wal", &sb) &&
             !not_ours(file, "-shm", &sb);
    if (ok && !S->ro)
        create_file(file);
    sqlite3_stmt *q = ok ? stmt(S, "ATTACH DATABASE ? AS t", "s", file) : NULL;
    int rc = q ? sqlite3_step(q) : SQLITE_ERROR;
    sqlite3_finalize(q);
    if (rc == SQLITE_DONE) {
        int ver = -1;
        if (!S->ro) {
            exec(S, "PRAGMA t.journal_mode=WAL");
            exec(S, "PRAGMA t.synchronous=NORMAL");
        }
        q = stmt(S, "PRAGMA t.user_version", "");
        if (q && sqlite3_step(q) == SQLITE_ROW)
            ver = sqlite3_column_int(q, 0);
        rc = q ? sqlite3_extended_errcode(S->db) : SQLITE_ERROR;
        sqlite3_finalize(q);
        if (ver == 0 && !S->ro) { /* new */
            char sql[64];
            snprintf(sql, sizeof sql, "PRAGMA t.user_version=%d", TITLES_VERSION);
            if (exec(S, titles_schema) == SQLITE_OK && exec(S, sql) == SQLITE_OK)
                ver = TITLES_VERSION;
            else
                rc = sqlite3_extended_errcode(S->db);
        }
        if (ver >= TITLES_VERSION) /* (a newer juan's: what we know of it) */
            S->titles = 1;
        else
            exec(S, "DETACH DATABASE t");
    }
    if (damage(rc)) { /* set aside; a new one the next time */
        set_aside(file, S->warn, sizeof S->warn);
        S->warned = 0;
        S->titles = 0;
    }
    free(file);
    return S->titles > 0 ? 0 : -1;
}

/* After a failed use of the cache: damage sets it aside. */
static void titles_failed(store_t *S, int rc)
{
    if (!damage(rc))
        return;
    exec(S, "DETACH DATABASE t");
    char *file = titles_file(S);
    set_aside(file, S->warn, sizeof S->warn);
    S->warned = 0;
    S->titles = 0;
    free(file);
}

static void title_row(sqlite3_stmt *q, store_title_t *t)
{
    const char *p = (const char *)sqlite3_column_text(q, 0);
    const char *ti = (const char *)sqlite3_column_text(q, 3);
    t->path = xstrdup(p ? p : "");
    t->size = sqlite3_column_int64(q, 1);
    t->mtime = sqlite3_column_int64(q, 2);
    t->title = ti ? xstrdup(ti) : NULL;
    copy_col(t->doc, sizeof t->doc, q, 4);
    t->known = sqlite3_column_int(q, 5);
}

#define TITLE_COLS                                                              \
    "SELECT t.path, t.size, t.mtime, t.title, t.doc,"                           \
    " EXISTS(SELECT 1 FROM main.documents d WHERE d.id=t.doc) FROM t.titles t"

/* The rows of a query on the cache (n: their number); -1 on a failure. */
static long titles_rows(store_t *S, sqlite3_stmt *q, store_title_t **v)
{
    size_t n = 0, cap = 0;
    int rc = SQLITE_ERROR;
    while (q && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        grow(v, &cap, n + 1, sizeof **v);
        title_row(q, &(*v)[n++]);
    }
    if (q && rc != SQLITE_DONE)
        rc = sqlite3_extended_errcode(S->db);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) {
        titles_failed(S, rc);
        store_titles_free(*v, n);
        *v = NULL;
        return -1;
    }
    return (long)n;
}

size_t store_titles(store_t *S, const char *prefix, store_title_t **v)
{
    *v = NULL;
    if (!S || titles_attach(S, 0) < 0)
        return 0;
    /* the paths from prefix up to prefix with its last byte one more: the
       primary key's range, in byte order */
    size_t pl = strlen(prefix);
    char *hi = xstrdup(prefix);
    sqlite3_stmt *q = NULL;
    if (pl && (unsigned char)hi[pl - 1] < 0xff) {
        hi[pl - 1]++;
        q = stmt(S, TITLE_COLS " WHERE t.path >= ? AND t.path < ? ORDER BY t.path", "ss",
                 prefix, hi);
    } else {
        q = stmt(S, TITLE_COLS " WHERE substr(t.path, 1, ?) = ? ORDER BY t.path", "zs", pl,
                 prefix);
    }
    free(hi);
    long n = titles_rows(S, q, v);
    return n > 0 ? (size_t)n : 0;
}

int store_title(store_t *S, const char *path, long long size, long long mtime,
                store_title_t *t)
{
    memset(t, 0, sizeof *t);
    if (!S || titles_attach(S, 0) < 0)
        return -1;
    store_title_t *v = NULL;
    long n = titles_rows(S, stmt(S, TITLE_COLS " WHERE t.path=? AND t.size=? AND t.mtime=?",
                                 "sii", path, size, mtime), &v);
    if (n > 0)
        *t = v[0];
    free(v);
    return n > 0 ? 0 : -1;
}

void store_titles_free(store_title_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].path);
        free(v[i].title);
    }
    free(v);
}

int store_put_titles(store_t *S, const store_title_t *v, size_t n)
{
    if (!S || titles_attach(S, 1) < 0)
        return -1;
    if (!n)
        return 0;
    if (exec(S, "BEGIN IMMEDIATE") != SQLITE_OK) {
        titles_failed(S, sqlite3_extended_errcode(S->db));
        return -1;
    }
    sqlite3_stmt *q = stmt(S, "INSERT OR REPLACE INTO t.titles(path,size,mtime,title,doc)"
                              " VALUES(?,?,?,?,?)", "");
    int rc = q ? SQLITE_DONE : sqlite3_extended_errcode(S->db);
    for (size_t i = 0; q && i < n && rc == SQLITE_DONE; i++) { /* (one statement) */
        sqlite3_bind_text(q, 1, v[i].path, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, v[i].size);
        sqlite3_bind_int64(q, 3, v[i].mtime);
        if (v[i].title)
            sqlite3_bind_text(q, 4, v[i].title, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(q, 4);
        if (v[i].doc[0])
            sqlite3_bind_text(q, 5, v[i].doc, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(q, 5);
        if ((rc = sqlite3_step(q)) != SQLITE_DONE)
            rc = sqlite3_extended_errcode(S->db);
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    if (rc == SQLITE_DONE && exec(S, "COMMIT") == SQLITE_OK)
        return 0;
    if (rc == SQLITE_DONE)
        rc = sqlite3_extended_errcode(S->db);
    exec(S, "ROLLBACK");
    titles_failed(S, rc);
    return -1;
}

size_t store_infos_under(store_t *S, const char *prefix, docinfo_t **v)
{
    *v = NULL;
    if (!S)
        return 0;
    size_t pl = strlen(prefix);
    sqlite3_stmt *q = stmt(S,
        "SELECT d.id, pa.path, d.title, d.size, d.length, p.percent, d.last_read"
        " FROM paths pa JOIN documents d ON d.id=pa.doc LEFT JOIN positions p ON p.doc=d.id"
        " WHERE substr(pa.path, 1, ?) = ? ORDER BY pa.path", "zs", pl, prefix);
    return info_rows(q, v);
}
