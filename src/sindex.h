/* sindex: the persistent search index of a document: its folded text in
 * blocks of about 64 KiB of the document, each with where it starts on
 * both sides (the offset map at block level: within a block the exact map
 * is made again by folding that block), a checksum and a Bloom filter of
 * the characters and character pairs that start in it, so that a search
 * reads only the blocks that may hold its query, also after a restart.
 *
 * Contract: one file per document content and folding,
 * CACHE/IDENTITY.FORM.idx, CACHE being $JUAN_CACHE_DIR, else
 * $XDG_CACHE_HOME/juan, else ~/.cache/juan (made mode 0700). The file has
 * a magic number, a format version, the folding flags, the text's length,
 * the offsets and sizes of its parts and a checksum of everything but the
 * folded text, which is checked a block at a time before a block is used
 * (sindex_block_ok); the checksums are XXH3 (hash.h). A file that is
 * stale, of another format version, truncated or corrupt is never trusted:
 * sindex_open fails (the caller rebuilds, overwriting it). Written to a
 * temporary file (PATH.XXXXXX, flock'ed while written), fsync'ed and
 * renamed into place; a write that fails (a full disk, `ulimit -f`: juan
 * ignores SIGXFSZ) removes it. The first index a process writes removes
 * those of older versions from its directory; the first index a process
 * opens or writes removes the temporary files left there by writers
 * killed: those untouched for an hour, or for a minute and held by none.
 * The
 * folded text and the filters are mapped, not read, and guarded as a
 * document's is (doc.h): where the file was truncated under the mapping
 * they read as zeros, which sindex_lost reports, as it does a file shorter
 * than when it was opened (its user then goes on without the index); the
 * table of blocks is copied when the file is opened and checked, so no
 * offset changes under a search. No curses, no output. */
#ifndef JUAN_SINDEX_H
#define JUAN_SINDEX_H
#include "norm.h"
#include <stddef.h>
#include <stdint.h>

enum {
    SIX_VERSION = 4,    /* of the file format. 3: blocks with their offsets,
                           checksums and filters; 4: the checksums are XXH3 */
    SIX_BLOCK = 65536,  /* document bytes per block (about) */
    SIX_BLOOM = 16384,  /* bytes of Bloom filter per block */
    SIX_REACH = 64,     /* a block's filter also holds what starts in the
                           first SIX_REACH bytes of the next one */
    SIX_GRAMS = 32      /* at most this many grams per query */
};

typedef struct sindex sindex_t;
typedef struct sindex_w sindex_w;

/* The cache directory CACHE (malloc'ed), made first when make; NULL when
 * there is none, it cannot be made, or it is not the user's or others can
 * write to it (dir_private: then it is not used at all). */
char *sindex_dir(int make);
/* CACHE (malloc'ed) when it is there but refused as above (why: a few
 * words), else NULL. */
char *sindex_dir_refused(char *why, size_t n);
/* No cache directory from now on (--no-index: juan reads and writes
 * nothing under it, search indexes and identity records alike). */
void sindex_dir_off(void);
/* The index file for identity id and norm flags (malloc'ed), or NULL when
 * there is no cache directory. */
char *sindex_path(const char *id, int flags);

/* Open (map and check) the index at path for a text of text_len bytes
 * folded with flags; NULL when absent, stale or damaged. */
sindex_t *sindex_open(const char *path, size_t text_len, int flags);
void sindex_close(sindex_t *ix);
size_t sindex_blocks(const sindex_t *ix);
/* Were pages of the mapped file gone (truncated under it), or is the file
 * shorter, since it was opened? Then nothing read from it can be trusted. */
int sindex_lost(const sindex_t *ix);
/* Block k: document bytes [*sa, *sb) folded to out[*fa, *fb). */
void sindex_block(const sindex_t *ix, size_t k, size_t *sa, size_t *sb, size_t *fa,
                  size_t *fb);
/* The block holding document offset off (dir 0) or folded offset off (1). */
size_t sindex_find_block(const sindex_t *ix, size_t off, int folded);
/* The whole folded text. */
const char *sindex_text(const sindex_t *ix, size_t *n);
/* Is block k's folded text sound? Checked once. */
int sindex_block_ok(sindex_t *ix, size_t k);
/* May block k hold a match of the query whose grams are g[0..ng)? */
int sindex_may_have(const sindex_t *ix, size_t k, const uint64_t *g, size_t ng);

/* The grams (hashed characters, and pairs unless !pairs) of the first
 * SIX_REACH bytes of a folded query, for sindex_may_have; returns how many
 * (<= SIX_GRAMS). */
size_t sindex_grams(const char *q, size_t n, int pairs, uint64_t *g);

/* Write an index: create, put the blocks in order (document bytes
 * [sa, sb) folded to f[0..fn)), then finish (0: in place) or abort
 * (nothing left). */
sindex_w *sindex_create(const char *path, size_t text_len, int flags);
int sindex_put(sindex_w *w, size_t sa, size_t sb, const char *f, size_t fn);
int sindex_finish(sindex_w *w);
void sindex_abort(sindex_w *w);

#ifdef JUAN_TEST
/* Tests and fuzzing: recompute the checksum of the index file image
 * f[0..n) in place when its header's sizes agree with n, so that damage
 * behind the checksum reaches the checks after it. 0, or -1. */
int sindex_reseal(unsigned char *f, size_t n);
#endif

#endif
