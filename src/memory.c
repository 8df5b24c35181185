#include "memory.h"
#include "anchor.h"
#include "ident.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

/* The document's title as the store keeps it ("": none). */
static void title_of(const structure_t *st, buf_t *b)
{
    b->n = 0;
    buf_add(b, "", 0);
    if (st_ready(st)) /* (not before: the first screen does not wait) */
        st_title(st, b);
}

/* Carry the memory of identity prev over to m->id, re-anchored. */
static void carry_over(memory_t *m, const char *prev)
{
    anchor_t a;
    int exact;
    if (store_get_position(m->S, prev, &a) == 0) {
        size_t off = anchor_resolve(m->st, &a, &exact);
        m->moved += !exact;
        anchor_make(m->st, off, &a);
        store_set_position(m->S, m->id, &a);
    }
    bookmark_t *v;
    size_t n = store_bookmarks(m->S, prev, &v);
    for (size_t i = 0; i < n; i++) {
        size_t off = anchor_resolve(m->st, &v[i].at, &exact);
        m->moved += !exact;
        anchor_make(m->st, off, &v[i].at);
        store_put_bookmark(m->S, m->id, &v[i]);
    }
    free(v);
    store_drop_orphan(m->S, prev);
}

/* A store written by juan 0.1.0 keeps the document of identity id (which
 * it does not know) under the identity of the version before (ident.h):
 * 0 and that identity in old, else -1. The text is hashed the old way
 * only when the store holds an old identity of a text of its length. */
static int legacy_id(store_t *S, const doc_t *d, const char *id, char old[IDENT_MAX])
{
    char pre[IDENT_MAX];
    ident_legacy_prefix(d->len, pre);
    if (!S || store_has_doc(S, id) || !store_has_prefix(S, pre))
        return -1;
    ident_legacy(d->text, d->len, old);
    return store_has_doc(S, old) ? 0 : -1;
}

int mem_lookup(store_t *S, const char *path, docinfo_t *info)
{
    char *abs = ident_abspath(path);
    int r = store_info_for_path(S, abs, info);
    if (r < 0) { /* not seen at this path: by content */
        doc_t d;
        doc_opts_t o = {0};
        if (doc_open(&d, path, &o) == DOC_OK) {
            char id[IDENT_MAX], old[IDENT_MAX];
            if (ident_doc_known(abs, &d, id) < 0)
                ident_of(d.text, d.len, id);
            r = store_info_for_id(S, id, info);
            if (r < 0 && legacy_id(S, &d, id, old) == 0)
                r = store_info_for_id(S, old, info);
        }
        doc_close(&d);
    }
    free(abs);
    return r;
}

/* Record the reading of the document in the store (and carry the memory
 * of what was at its path before over; not for a reading recorded later:
 * its path was found to be this document). */
static int record(memory_t *m)
{
    store_t *S = m->S;
    const doc_t *d = m->d;
    char prev[IDENT_MAX] = "";
    buf_t t = {0};
    title_of(m->st, &t);
    /* standard input is remembered by its content alone */
    int r = store_doc_seen(S, m->id, m->path, t.p, d->encoding, d->src_len, d->len, m->touch,
                           m->seen_later ? NULL : prev);
    if (r == 0)
        m->seen_later = 0;
    if (prev[0] && strcmp(m->path, "-"))
        carry_over(m, prev);
    buf_free(&t);
    return r;
}

/* The document's identity is known (hashed: just now): re-key what juan
 * 0.1.0 kept of it, and record the reading. A reading of a text the store
 * already keeps at this path is recorded later, in one transaction with
 * the position saved at the end (mem_save_position, mem_close): a write
 * at every opening cost 0.17 ms of it, and the log it grew was folded in
 * (two fsyncs) every few readings (perf, 150 runs of open, first screen,
 * q). */
static void finish(memory_t *m, int hashed)
{
    store_t *S = m->S;
    const doc_t *d = m->d;
    if (hashed)
        ident_record(m->path, d, m->id);
    if (!S)
        return; /* no store: the identity is all (for the search index) */
    if (m->touch && strcmp(m->path, "-") && store_path_is(S, m->path, m->id)) {
        m->seen_later = 1;
        return;
    }
    char prev[IDENT_MAX];
    if (legacy_id(S, d, m->id, prev) == 0) /* the same text, kept by 0.1.0 */
        store_rekey(S, prev, m->id);
    record(m);
}

static void *hash_thread(void *arg)
{
    memory_t *m = arg;
    if (!bg_gate(&m->stop))
        return NULL;
    thread_background(5);
    /* the file read again (no page faults on the mapping) when it is still
       the one loaded; else what was loaded */
    int fd = doc_mapped(m->d) ? doc_reopen(m->d) : -1;
    int r = fd >= 0 ? ident_of_fd(fd, m->d->bom, m->d->len, m->id, &m->stop) : -1;
    if (fd >= 0)
        close(fd);
    if (r < 0 && !m->stop)
        r = ident_of_stoppable(m->d->text, m->d->len, m->id, &m->stop);
    if (r == 0)
        m->hashed = 1;
    return NULL;
}

void mem_open(memory_t *m, store_t *S, const doc_t *d, const structure_t *st,
              const char *path, int touch)
{
    memset(m, 0, sizeof *m);
    m->S = S;
    m->st = st;
    m->d = d;
    m->touch = touch;
    m->path = ident_abspath(path);
    if (ident_doc_known(m->path, d, m->id) == 0) {
        finish(m, 0); /* unchanged since last time: no hashing */
        return;
    }
    /* a large text is hashed on a thread: the first screen does not wait */
    if (d->len > MEM_HASH_ASYNC && bg_start(&m->task, hash_thread, m) == 0) {
        m->pending = 1;
        return;
    }
    ident_of(d->text, d->len, m->id);
    finish(m, 1);
}

int mem_poll(memory_t *m)
{
    if (!m->pending || !m->hashed)
        return 0;
    mem_wait(m);
    return 1;
}

void mem_wait(memory_t *m)
{
    if (!m->pending)
        return;
    bg_finish(&m->task);
    m->pending = 0;
    finish(m, m->hashed);
}

void mem_close(memory_t *m)
{
    if (m->seen_later)
        record(m);
    if (m->pending) { /* nothing to record of a document barely opened */
        m->stop = 1;
        bg_stop(&m->task);
        m->pending = 0;
    }
    free(m->path);
    memset(m, 0, sizeof *m);
}

int mem_position(memory_t *m, size_t *off, int *exact)
{
    mem_wait(m);
    anchor_t a;
    if (!m->S || store_get_position(m->S, m->id, &a) < 0)
        return 0;
    *off = anchor_resolve(m->st, &a, exact);
    return 1;
}

int mem_save_position(memory_t *m, size_t off)
{
    mem_wait(m);
    if (!m->S)
        return -1;
    int batched = store_batch(m->S, 1) == 0; /* (the reading, the title, the position) */
    int later = m->seen_later;
    if (later)
        record(m);
    if (st_ready(m->st)) { /* the title, once the structure is known */
        buf_t t = {0};
        title_of(m->st, &t);
        store_set_title(m->S, m->id, t.p);
        buf_free(&t);
    }
    anchor_t a;
    anchor_make(m->st, off, &a);
    int r = store_set_position(m->S, m->id, &a);
    if (batched && store_batch(m->S, 0) < 0) {
        /* undone: the position alone, as before there was a batch; the
           reading left for the next save or the end */
        m->seen_later = later;
        r = store_set_position(m->S, m->id, &a);
    }
    return r;
}

size_t mem_bookmarks(memory_t *m, bookmark_t **v)
{
    mem_wait(m);
    size_t n = store_bookmarks(m->S, m->id, v);
    for (size_t i = 0; i < n; i++) {
        int exact;
        (*v)[i].at.offset = anchor_resolve(m->st, &(*v)[i].at, &exact);
    }
    return n;
}

int mem_set_bookmark(memory_t *m, const char *name, const char *note, size_t off)
{
    mem_wait(m);
    if (!m->S)
        return -1;
    bookmark_t b;
    memset(&b, 0, sizeof b);
    snprintf(b.name, sizeof b.name, "%s", name);
    snprintf(b.note, sizeof b.note, "%s", note ? note : "");
    anchor_make(m->st, off, &b.at);
    return store_put_bookmark(m->S, m->id, &b);
}

int mem_rename(memory_t *m, const char *from, const char *to)
{
    mem_wait(m);
    return store_rename_bookmark(m->S, m->id, from, to);
}

int mem_delete(memory_t *m, const char *name)
{
    mem_wait(m);
    return store_delete_bookmark(m->S, m->id, name);
}
