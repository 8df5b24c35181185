/* store: the per-user memory of documents (SQLite): where each was left,
 * its bookmarks, its paths, title and last-read time.
 *
 * Contract: one database, DIR/state.db, DIR from --state-dir,
 * JUAN_STATE_DIR, $XDG_STATE_HOME/juan or ~/.local/state/juan (made mode
 * 0700; the file 0600). WAL mode, a busy timeout, every change in one
 * transaction, the schema versioned with PRAGMA user_version and migrated
 * forward. A document is its content identity (ident.h); paths map to
 * the identity last seen there (for the library, for carrying memory over
 * when the content at a path changes, for showing a file missing), but
 * the identity of a file is not looked up here (ident's record). Identities of an older form stay as they
 * were stored until the caller re-keys them (store_rekey); they are never
 * handed out as a path's current identity. The directory must be the
 * user's and not writable by others, and state.db (with its -wal, -shm)
 * a regular file of the user's, not a link (opened with O_NOFOLLOW /
 * SQLITE_OPEN_NOFOLLOW; modes are set at creation, never by chmod), else
 * the store is off. quick_check runs at open unless state.db and its -wal
 * are as a store left them at close (DIR/state.db-closed: their device,
 * inode, size and change time, written at close unless SQLite reported
 * damage in this process). Only real damage (SQLITE_CORRUPT /
 * SQLITE_NOTADB, or a failed quick_check) renames state.db to state.db.corrupt-TIME (with
 * its -wal and -shm) and makes a new one. A full disk, an I/O error, a
 * read-only file (mode without u+w: kept so) or directory, a lock held
 * too long leave the file as it is: the store is opened read-only (its
 * memory is read, every write fails) or, when even that fails, is off.
 * Each case leaves store->warn one line (shown once), and nothing
 * crashes. Strings are stored as given; the caller sanitises for display. */
#ifndef JUAN_STORE_H
#define JUAN_STORE_H
#include <stddef.h>

#define STORE_QUOTE 160 /* bytes of a quote (about 32 characters + NUL) */

typedef struct {
    size_t offset;           /* byte offset of the anchored line's start */
    char quote[STORE_QUOTE]; /* the text there */
    char section[256];       /* title of the section holding it ("": none) */
    size_t section_off;      /* offset of that section's heading */
    double percent;          /* offset / length * 100 */
} anchor_t;

typedef struct {
    char name[256];  /* a bookmark's name; a mark's is "'a" */
    char note[512];
    anchor_t at;
    long long created;
} bookmark_t;

typedef struct {
    char id[48];
    char path[4096];   /* the path last seen (for a file) */
    char title[256];
    size_t size, length;
    double percent;    /* -1: no position saved */
    long long last_read;
    int missing;       /* no file at path any more */
} docinfo_t;

typedef struct store store_t;

/* Open (or create) the store in dir (NULL: the default). Returns NULL when
 * the store is off; a warning may be left in warn either way. */
store_t *store_open(const char *dir, char *warn, size_t wn);
void store_close(store_t *S);
/* The file's path (for messages). */
const char *store_file(const store_t *S);
#ifdef JUAN_TEST
/* Did the open run PRAGMA quick_check (not: the files were as a store
 * left them at close)? */
int store_checked(const store_t *S);
#endif
/* A warning from the last failed write (once per store), or NULL. */
const char *store_warning(store_t *S);
/* Why the last write failed ("disk full", ...), NULL when it succeeded. */
const char *store_failure(const store_t *S);
/* The one sentence that says a write failed, from its reason (why):
 * "cannot save: WHY — your bookmarks are kept", in out (size n). */
void store_unsaved(char *out, size_t n, const char *why);
/* 1 the first time ever it is asked with this name (an empty file
 * DIR/NAME says it was; name: [a-z-]), 0 after (or when it cannot tell). */
int store_first(store_t *S, const char *name);

/* Note that document id was opened at path (absolute); updates its title,
 * size, length, encoding and (when touch) its last-read time. When id is new but path was
 * another document before, *prev gets that identity (the caller carries
 * its memory over); else prev[0] is NUL. prev NULL: not looked for (the
 * caller knows path to be id). Returns 0, -1 on failure. */
int store_doc_seen(store_t *S, const char *id, const char *path,
                   const char *title, const char *encoding, size_t size,
                   size_t length, int touch, char prev[48]);
/* Is path recorded as document id (and the document kept)? 1 or 0. */
int store_path_is(store_t *S, const char *path, const char *id);
/* on: the writes that follow are one transaction, until store_batch(S, 0)
 * commits them (or, when one failed, undoes them all; the writes after it
 * are not made): 0, or -1 when it undid them. A batch that could not begin
 * leaves each write alone. Batches do not nest, and only store_doc_seen,
 * store_set_title and store_set_position belong in one (store_rekey and
 * the title cache make transactions of their own). */
int store_batch(store_t *S, int on);
/* Is there a document of identity id? Of an identity starting with
 * prefix? 1 or 0. */
int store_has_doc(store_t *S, const char *id);
int store_has_prefix(store_t *S, const char *prefix);
/* Give everything kept of document `from` (the document, its paths,
 * position, marks and bookmarks) to identity `to`, of which nothing is
 * kept yet: 0, else -1 (nothing changed). */
int store_rekey(store_t *S, const char *from, const char *to);

int store_get_position(store_t *S, const char *id, anchor_t *a);
int store_set_position(store_t *S, const char *id, const anchor_t *a);
/* Bookmarks and marks of id in document order; *v is malloc'ed. */
size_t store_bookmarks(store_t *S, const char *id, bookmark_t **v);
/* Add or replace the bookmark called b->name. */
int store_put_bookmark(store_t *S, const char *id, const bookmark_t *b);
int store_rename_bookmark(store_t *S, const char *id, const char *from,
                          const char *to);
int store_delete_bookmark(store_t *S, const char *id, const char *name);
/* Forget everything about id (position, bookmarks, paths). */
int store_forget(store_t *S, const char *id);
/* Forget id if no path leads to it any more. */
void store_drop_orphan(store_t *S, const char *id);
/* Documents read (touched), most recent first; *v is malloc'ed. */
size_t store_recent(store_t *S, docinfo_t **v);
/* What the store knows of the document last seen at path; of identity id. */
int store_info_for_path(store_t *S, const char *path, docinfo_t *d);
int store_info_for_id(store_t *S, const char *id, docinfo_t *d);
void store_set_title(store_t *S, const char *id, const char *title);
/* The documents seen at a path starting with prefix (paths as the store
 * keeps them: absolute), ordered by that path, which is the docinfo's
 * path here (not the document's last); *v is malloc'ed. */
size_t store_infos_under(store_t *S, const char *prefix, docinfo_t **v);

/* The library's title cache, in DIR/titles.db beside state.db (a cache:
 * kept apart so that state.db's check at every start does not grow with
 * it; the same rules of ownership and modes; damage found in it sets it
 * aside with a warning, store_warning(), and a new one is started): what
 * names the file at path (title.h) while it has this size and
 * modification time (ns), and the content identity found for it ("": not
 * looked for); known: the store has that document.
 * A row is keyed by path alone: one whose size or mtime differs from the
 * file's is stale, never handed out by store_title() (-1, as for none),
 * and replaced by the next store_put_titles() (one transaction for all n;
 * 0, else -1 and nothing written). store_titles() gives every row of a path
 * starting with prefix, ordered by path, stale or not (the caller compares
 * size and mtime with the file's). */
typedef struct {
    char *path, *title; /* title NULL: none */
    char doc[48];
    long long size, mtime;
    int known;
} store_title_t;

int store_put_titles(store_t *S, const store_title_t *v, size_t n);
int store_title(store_t *S, const char *path, long long size, long long mtime,
                store_title_t *t);
size_t store_titles(store_t *S, const char *prefix, store_title_t **v);
/* (store_title's t: its strings malloc'ed, free them) */
void store_titles_free(store_title_t *v, size_t n);

#endif
