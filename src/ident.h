/* ident: a document's content identity, and the record by path that
 * spares hashing an unchanged file again.
 *
 * Contract: a document is named by its text: ident_of() gives
 * "x3-SIZE-HASH", SIZE the text's length in bytes and HASH the XXH3 of its
 * bytes (hash.h) in 16 hex digits; the same text has the same identity in
 * every run and on every machine, and an identity is a file name of fewer
 * than IDENT_MAX bytes. The stoppable and file forms give the same
 * identity. Identities of version 1 (juan 0.1.0: "SIZE-HASH", another
 * hash) are not current (ident_current) and are never handed out as a
 * document's: ident_legacy() computes one only to recognise what was
 * recorded under it, which the caller then re-keys.
 * The record by path: the only one (the reader, --bookmarks, --grep and
 * --index use it alike; the store keeps paths, not identities by path).
 * Beside the search indexes, CACHE/ids/ (CACHE as in sindex.h; none when
 * sindex_dir has none) keeps one small file per path and encoding with
 * the size and modification time (ns) of the file the document was loaded
 * from, and its identity. The time is the one doc_open() took from the
 * file it read (doc_t.mtime_ns), never the path's later, so a file
 * replaced since, even by one of its size, is not taken for what was
 * loaded. ident_doc() reads the record, or hashes the text and records
 * it; ident_doc_known() only reads; ident_record() records an identity
 * the caller hashed. A record of another version or with an identity not
 * current is ignored (and rewritten by the next ident_doc()); the
 * version-1 records (CACHE/paths/) are removed when a record is first
 * written. Standard input has no record. No store, no curses. */
#ifndef JUAN_IDENT_H
#define JUAN_IDENT_H
#include "doc.h"
#include <stddef.h>

#define IDENT_MAX 48

void ident_of(const char *text, size_t len, char id[IDENT_MAX]);
/* The same, giving up (-1) as soon as *stop is set; else 0. */
int ident_of_stoppable(const char *text, size_t len, char id[IDENT_MAX],
                       const _Atomic int *stop);
/* The same for the len bytes of file fd from offset off (read with pread:
 * no page faults on a mapping); -1 when stopped or short of bytes. */
int ident_of_fd(int fd, size_t off, size_t len, char id[IDENT_MAX], const _Atomic int *stop);
/* Is id of the current form (else: of version 1, or not an identity)? */
int ident_current(const char *id);
/* The version-1 identity of text[0..len), and the start ("SIZE-") that
 * every version-1 identity of a text of len bytes has. */
void ident_legacy(const char *text, size_t len, char id[IDENT_MAX]);
void ident_legacy_prefix(size_t len, char pre[IDENT_MAX]);

/* An absolute path for a file name (malloc'ed; standard input: "-"). */
char *ident_abspath(const char *path);

/* The identity of document d loaded from path: recorded, else hashed and
 * recorded. */
void ident_doc(const char *path, const doc_t *d, char id[IDENT_MAX]);
/* The same only when it is recorded: 0, else -1 (nothing hashed). */
int ident_doc_known(const char *path, const doc_t *d, char id[IDENT_MAX]);
/* Record id, the identity of d's text, as d's at path. */
void ident_record(const char *path, const doc_t *d, const char *id);

#endif
