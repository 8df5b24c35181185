/* memory: what the store remembers of one open document — its identity,
 * where the reader left it, its marks and bookmarks — kept in step with
 * the text as it is now.
 *
 * Contract: mem_open() names the document by its content (ident.h: a
 * file whose size and mtime are unchanged since it was loaded last reuses
 * the identity recorded for its path, so a large file is not hashed
 * again), records the path in the store (a reading of a text the store
 * already keeps at that path: with the next mem_save_position(), in its
 * transaction, or at mem_close()), and, when the content at that
 * path changed since last time, carries the old position and bookmarks
 * over to the new content, re-anchored (anchor): mem->moved counts those
 * that did not land exactly. What juan 0.1.0 kept of the same text (under
 * an identity of the older form) is re-keyed to the current identity
 * whole, wherever the file is now. touch: this is a reading (its
 * last-read time changes), not a look (--bookmarks). Offsets handed out
 * are offsets of the current text. Every function takes a NULL store
 * (--no-state, or a store that could not be opened) and then keeps
 * nothing but the identity's record. */
#ifndef JUAN_MEMORY_H
#define JUAN_MEMORY_H
#include "doc.h"
#include "ident.h"
#include "store.h"
#include "structure.h"

#include "util.h"

#define MEM_HASH_ASYNC (8u << 20) /* texts larger are hashed on a thread */

typedef struct {
    store_t *S;
    const structure_t *st;
    const doc_t *d;
    char id[IDENT_MAX];
    char *path;  /* absolute */
    int moved;   /* bookmarks (and position) that did not land exactly */
    int touch;
    int seen_later; /* the reading is recorded with the next save (mem_save_position) or at mem_close */
    int pending; /* the identity is being hashed (mem_poll, mem_wait) */
    _Atomic int hashed, stop;
    bg_task_t task;
} memory_t;

void mem_open(memory_t *m, store_t *S, const doc_t *d, const structure_t *st,
              const char *path, int touch);
void mem_close(memory_t *m);
/* A large text's identity is hashed on a thread (the reader's first screen
 * does not wait): mem_poll() says, without waiting, whether it has just
 * become known (then the memory is ready); mem_wait() waits for it. Every
 * other function waits by itself. */
int mem_poll(memory_t *m);
void mem_wait(memory_t *m);
/* Where the reader left off: 1 and *off (*exact: 1 if the text there is
 * unchanged), or 0. */
int mem_position(memory_t *m, size_t *off, int *exact);
int mem_save_position(memory_t *m, size_t off);
/* Bookmarks in document order with offsets in the current text; *v is
 * malloc'ed. Marks are named "'a" .. "'z". */
size_t mem_bookmarks(memory_t *m, bookmark_t **v);
int mem_set_bookmark(memory_t *m, const char *name, const char *note, size_t off);
int mem_rename(memory_t *m, const char *from, const char *to);
int mem_delete(memory_t *m, const char *name);
/* What the store knows of the file at path (by its content, so a copy or a
 * renamed file is known too), without recording anything; 0 or -1. */
int mem_lookup(store_t *S, const char *path, docinfo_t *info);

#endif
