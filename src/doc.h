/* doc: load a file (or stdin) as a document.
 *
 * Contract: a document is UTF-8 text (`text`, `len`) plus its encoding
 * and, where the text was converted, checkpoints that map a text offset
 * back to the source bytes (doc_src_offset). A UTF-8 file is used as it
 * is (mapped when larger than DOC_READ_MAX, else read), judged on a sample so that opening costs the same for
 * 100 MB as for 10 KB: its text may still hold stray invalid bytes, and
 * every reader of `text` decodes with text_decode(), which reads each as
 * U+FFFD. Text converted from another encoding is valid UTF-8, invalid
 * source bytes having become U+FFFD. Positions everywhere in juan are byte
 * offsets into `text` (for UTF-8 files, file offsets less the BOM).
 * Loading never crashes on any input, and no valid text is lost.
 * A mapped file that shrinks while open would raise SIGBUS where its pages
 * are gone: a handler puts zero pages there instead (the text keeps its
 * length; what was lost reads as NUL) and doc_changed() says so. Other
 * changes (appended to, replaced by rename, deleted) leave the text as it
 * was loaded; doc_changed() compares the file with what was loaded. */
#ifndef JUAN_DOC_H
#define JUAN_DOC_H
#include "encoding.h"
#include <stddef.h>

typedef struct {
    char *path;           /* as given; "-" for standard input */
    const char *text;     /* valid UTF-8 */
    size_t len;
    const char *encoding; /* canonical name: UTF-8, GB18030, CP950, ... */
    size_t bom;           /* bytes of BOM skipped in the source */
    size_t src_len;       /* size of the source */
    size_t nbad;          /* U+FFFD inserted for invalid bytes */
    int converted;        /* text differs from the source bytes */
    long long mtime_ns;   /* modification time (ns) of the file as opened
                             (fstat of the descriptor read) */
    /* private */
    void *map;
    size_t maplen;
    char *owned_src;
    enc_result_t conv;
    char encbuf[64];
    unsigned long long dev, ino, size; /* the file as loaded */
    int err; /* errno of a DOC_ERR_SYS */
} doc_t;

typedef struct {
    const char *encoding; /* NULL: detect */
    int force;            /* load binary files too */
    size_t prefix;        /* load only the first `prefix` bytes (a document's
                             title, unopened): 0, the whole file */
    /* Asked of the file's bytes (less a BOM) before they are guessed,
     * converted or judged binary, unless an encoding is given or the bytes
     * declare one (enc_declared): 0 makes doc_open return DOC_SKIPPED
     * with nothing loaded. utf8: they are UTF-8 (else in a codec still to
     * be guessed). --grep over many files: a file that cannot hold the
     * query is not read as text. */
    int (*may_hold)(const void *arg, const unsigned char *s, size_t n, int utf8);
    const void *arg;
} doc_opts_t;

enum {
    DOC_OK = 0,
    DOC_ERR_SYS = 1,    /* see errno (and doc_error) */
    DOC_ERR_BINARY = 2, /* looks binary and !force */
    DOC_ERR_ENCODING = 3, /* opts->encoding unknown */
    DOC_SKIPPED = 4       /* opts->may_hold said no */
};

enum { DOC_READ_MAX = 64 << 10 }; /* files up to this size are read, not mapped */

enum { DOC_SAME, DOC_MODIFIED, DOC_REPLACED, DOC_GONE, DOC_TRUNCATED };

int doc_open(doc_t *d, const char *path, const doc_opts_t *o);
/* The message for doc_open's result r != DOC_OK, before doc_close: "PATH:
 * " and the system's reason, "binary file (use --force to view)" or
 * "cannot convert from encoding 'NAME'", terminal-safe, in out[0..n).
 * Returns out. */
const char *doc_error(const doc_t *d, int r, char *out, size_t n);
/* Has the file changed since it was loaded? DOC_SAME; DOC_MODIFIED (other
 * size or time), DOC_REPLACED (another file at the path), DOC_GONE (none),
 * DOC_TRUNCATED (shrunk under the mapping: lost bytes read as NUL).
 * Standard input: always DOC_SAME. */
int doc_changed(const doc_t *d);
/* (Re)install the SIGBUS handler after someone else's (it hands on every
 * SIGBUS that is not a mapped document's to the handler it found). */
void doc_guard_signals(void);
/* Guard another read-only mapping of a file the same way (a search
 * index): 0, or -1 when all the handler's slots are taken (the mapping is
 * then not to be used). doc_map_lost: pages of it were gone and read as
 * zeros since. doc_unguard_map before munmap. */
int doc_guard_map(void *a, size_t n);
void doc_unguard_map(void *a);
int doc_map_lost(const void *a);
void doc_close(doc_t *d);
/* The file d was loaded from, opened again for reading when it is still
 * that file unchanged (device, inode, size, time): a descriptor, else -1. */
int doc_reopen(const doc_t *d);
/* Is the text the file's own bytes, from offset d->bom on (mapped, not
 * converted)? */
int doc_mapped(const doc_t *d);
/* Offset in the source file of text offset off. */
size_t doc_src_offset(const doc_t *d, size_t off);
/* Does the text look binary (many control characters or replacements in
 * its first 64 KiB)? */
int doc_looks_binary(const char *text, size_t len);

#endif
