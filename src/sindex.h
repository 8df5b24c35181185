/* sindex: the persistent search index of a document — its folded text and
 * the map back (norm) — so that a search after the first, also after a
 * restart, does not fold the document again.
 *
 * Contract: one file per document content and folding,
 * CACHE/IDENTITY.FORM.idx, CACHE being $JUAN_CACHE_DIR, else
 * $XDG_CACHE_HOME/juan, else ~/.cache/juan (made mode 0700). The file has
 * a magic number, a format version, the folding flags, the text's length,
 * the sizes of its parts and a 64-bit checksum of them; a file that is
 * stale, truncated or corrupt is not trusted (sindex_load fails and the
 * caller rebuilds, overwriting it). Written to a temporary file, fsync'ed
 * and renamed into place. Failures to write are silent (the search works
 * without). No curses, no output. */
#ifndef JUAN_SINDEX_H
#define JUAN_SINDEX_H
#include "norm.h"
#include <stddef.h>

/* The index file for identity id and norm flags (malloc'ed), or NULL when
 * there is no cache directory. */
char *sindex_path(const char *id, int flags);
/* Load into N (norm_init'ed with flags); 0, or -1 (absent, stale,
 * damaged: N is left empty). */
int sindex_load(const char *path, size_t text_len, norm_t *N);
/* Save N for a text of text_len bytes; 0 or -1. */
int sindex_save(const char *path, size_t text_len, const norm_t *N);

#endif
