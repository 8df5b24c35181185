#include "memory.h"
#include "anchor.h"
#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdio.h>
#include <unistd.h>

/* An absolute path for a file name (stdin: "-"). */
static char *absolute(const char *path)
{
    if (!strcmp(path, "-"))
        return xstrdup("-");
    char *r = realpath(path, NULL);
    return r ? r : xstrdup(path);
}

/* The document's title as the store keeps it ("": none). */
static void title_of(const structure_t *st, const char *path, buf_t *b)
{
    b->n = 0;
    buf_add(b, "", 0);
    if (st->has_fm && st->fm.title)
        buf_adds(b, st->fm.title);
    else if (st_ready(st) && st->nheadings && st->headings[0].level == 0)
        st_heading_text(st, &st->headings[0], b);
    (void)path; /* no title: the reader and the library show the file name */
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

/* The identity of the file: the stored one for its path when its size and
 * mtime are unchanged, else hashed from the text. */
static void identify(store_t *S, const doc_t *d, const char *abs, char id[48])
{
    struct stat sb;
    long long mtime = -1;
    if (strcmp(abs, "-") && stat(abs, &sb) == 0)
        mtime = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
    if (mtime < 0 || store_id_for_path(S, abs, d->src_len, mtime, id) < 0)
        ident_of(d->text, d->len, id);
}

int mem_lookup(store_t *S, const char *path, docinfo_t *info)
{
    char *abs = absolute(path);
    int r = store_info_for_path(S, abs, info);
    if (r < 0) { /* not seen at this path: by content */
        doc_t d;
        doc_opts_t o = {0};
        if (doc_open(&d, path, &o) == DOC_OK) {
            char id[48];
            identify(S, &d, abs, id);
            r = store_info_for_id(S, id, info);
        }
        doc_close(&d);
    }
    free(abs);
    return r;
}

void mem_open(memory_t *m, store_t *S, const doc_t *d, const structure_t *st,
              const char *path, int touch)
{
    memset(m, 0, sizeof *m);
    m->S = S;
    m->st = st;
    m->path = absolute(path);
    identify(S, d, m->path, m->id);
    if (!S)
        return;
    struct stat sb;
    long long mtime = -1;
    if (strcmp(m->path, "-") && stat(m->path, &sb) == 0)
        mtime = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
    buf_t t = {0};
    title_of(st, m->path, &t);
    char prev[48];
    if (strcmp(m->path, "-")) {
        store_doc_seen(S, m->id, m->path, t.p, d->encoding, d->src_len, d->len, touch, prev);
        if (mtime >= 0)
            store_set_mtime(S, m->path, mtime);
        if (prev[0])
            carry_over(m, prev);
    } else {
        /* standard input: remembered by content alone */
        store_doc_seen(S, m->id, "-", t.p, d->encoding, d->src_len, d->len, touch, prev);
    }
    buf_free(&t);
}

void mem_close(memory_t *m)
{
    free(m->path);
    memset(m, 0, sizeof *m);
}

int mem_position(memory_t *m, size_t *off, int *exact)
{
    anchor_t a;
    if (!m->S || store_get_position(m->S, m->id, &a) < 0)
        return 0;
    *off = anchor_resolve(m->st, &a, exact);
    return 1;
}

int mem_save_position(memory_t *m, size_t off)
{
    if (!m->S)
        return -1;
    if (st_ready(m->st)) { /* the title, once the structure is known */
        buf_t t = {0};
        title_of(m->st, m->path, &t);
        store_set_title(m->S, m->id, t.p);
        buf_free(&t);
    }
    anchor_t a;
    anchor_make(m->st, off, &a);
    return store_set_position(m->S, m->id, &a);
}

size_t mem_bookmarks(memory_t *m, bookmark_t **v)
{
    size_t n = store_bookmarks(m->S, m->id, v);
    for (size_t i = 0; i < n; i++) {
        int exact;
        (*v)[i].at.offset = anchor_resolve(m->st, &(*v)[i].at, &exact);
    }
    return n;
}

int mem_set_bookmark(memory_t *m, const char *name, const char *note, size_t off)
{
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
    return store_rename_bookmark(m->S, m->id, from, to);
}

int mem_delete(memory_t *m, const char *name)
{
    return store_delete_bookmark(m->S, m->id, name);
}
