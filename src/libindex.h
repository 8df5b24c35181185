/* libindex: the library-wide search index — one mapped file for a whole
 * directory of documents, that tells `--grep` which of them cannot hold a
 * query, so that only the others are read.
 *
 * Contract: `juan --index DIR` (libindex_update) writes
 * CACHE/lib/HASH.jlx (CACHE as in sindex.h, HASH the XXH3 of DIR's
 * absolute path): for every document files_under(DIR) lists and doc_open
 * loads (default options: the encoding detected, the format decided by
 * the file), the text search reads (the pieces shown for HTML and Aozora
 * notation, else the text) folded as search folds it (norm: NFKC, case,
 * traditional → simplified), reduced to the set of its characters and
 * of its pairs of adjacent characters once ASCII white space and '>' are
 * left out (what a query that matches across soft line breaks may skip):
 * posting lists of document numbers, one per character or pair, beside
 * each document's path, size, modification and change times (ns), inode
 * and device as stat(2) saw them, and its text's length and XXH3.
 * A refresh re-reads only the documents whose stat changed; a document
 * moved or copied (the same text at another path) takes its old entries
 * without being folded again; entries of deleted files are dropped. A
 * document modified in the last LIX_RACY_S seconds before the build is
 * listed but never trusted (its time may not yet tell a later edit).
 * A refresh where nothing changed leaves the file as it is.
 * The file is written to a temporary file, fsync'ed and renamed into
 * place while a lock (flock on HASH.lock) keeps other writers out; readers
 * take no lock. It has a magic number, a version, an XXH3 checksum of
 * its head (documents, paths and the checksums of the rest), checked when
 * it is opened, and an XXH3 checksum for each 64 KiB block of its terms
 * and postings, checked when a search first reads that block (a refresh
 * checks them all). It is mapped (guarded as doc.h guards a document:
 * truncated under a search, that search goes on without it). A file that
 * fails a check is set aside (renamed HASH.jlx.bad) with a warning and
 * never used; the next `--index` writes a new one.
 *
 * libindex_narrow() never decides an answer, only which documents need
 * not be searched: a listed file whose path is in an index of DIR or of a
 * directory above it, with the same stat as recorded, and whose set lacks
 * one of the query's characters or pairs. Everything else is searched:
 * a regex or an exact search, a query with no character to look up, a
 * forced encoding or format, no index (LIX_NO_NARROW). The answers are
 * therefore those of the search without an index. No curses; messages on
 * stderr (msg) only for a damaged index and from libindex_update. */
#ifndef JUAN_LIBINDEX_H
#define JUAN_LIBINDEX_H
#include "norm.h"
#include <stddef.h>
#include <stdint.h>

enum {
    LIX_VERSION = 1,
    LIX_RACY_S = 2,        /* seconds: see above */
    LIX_NO_NARROW = -1
};

typedef struct {
    size_t files;    /* listed */
    size_t indexed;  /* with entries in the index */
    size_t read;     /* read and folded by this update */
    size_t reused;   /* kept from the previous index (same stat, or moved) */
    size_t bytes;    /* of the index file */
    size_t text;     /* bytes of the indexed documents' text */
    size_t unread;   /* directories and files that could not be read (said) */
} lix_stats_t;

/* Build or refresh the index of directory dir on up to nthreads threads
 * (0: one per core, at most 4). 0, or -1 (said on stderr). A directory or
 * a document that could not be read (a system error) is said on stderr
 * ("DIR/REL: why", as files_say and doc_error put it: the folders as the
 * walk meets them, then the files in path order), counted in st->unread,
 * and left out; the index is made of the others. A document that looks
 * binary or will not convert is listed, not indexed, and not said. */
int libindex_update(const char *dir, int nthreads, lix_stats_t *st);

/* The index file of dir (malloc'ed), or NULL without a cache directory. */
char *libindex_path(const char *dir);

/* For a search of query (search flags: SEARCH_*) over list[0..n), the
 * files under dir as files_under() listed them: skip[i] = 1 for each file
 * the index shows cannot match (others left as they are). Returns how
 * many were set, or LIX_NO_NARROW when the index cannot tell (then skip
 * is untouched). */
long libindex_narrow(const char *dir, char *const *list, size_t n, const char *query,
                     int flags, unsigned char *skip);

/* The grams (keys) of a folded text t[0..n): every character and every
 * pair of adjacent characters once white space and '>' are left out,
 * appended to *v (grown; *nv, *cap), not sorted nor unique. Exposed for
 * the bench's FTS5 tokenizer and the tests. */
void lix_grams(const char *t, size_t n, uint64_t **v, size_t *nv, size_t *cap);

/* The text of a document (text[0..len), read from path) as the index and
 * search read it, folded into N (emptied first: norm_reset): the pieces
 * shown (structure.h's st_build, the format decided by path and text as
 * FMT_AUTO decides it) for HTML and Aozora notation, else the text
 * itself. The one owner of what the index folds, for the build and the
 * bench that measures it. */
void lix_fold(norm_t *N, const char *text, size_t len, const char *path);

enum { LIX_RESEAL_ALL = 1, LIX_RESEAL_STAT = 2 }; /* lix_reseal's flags */
#ifdef JUAN_TEST
/* Tests and fuzzing: in the index file image f[0..n), put root in place
 * of its root when that has root's length, and with LIX_RESEAL_STAT the
 * stat of the files its documents name (under root) in their entries;
 * then recompute the head's checksum if it matched before, and with
 * LIX_RESEAL_ALL the blocks' and the head's whatever they were, so that
 * damage behind them reaches the checks after them (as far as the
 * header's offsets lie within the image). 0, or -1 (no header). */
int lix_reseal(unsigned char *f, size_t n, const char *root, int flags);
#endif

#endif
