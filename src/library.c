/* library: the documents under a directory, or those read before, with
 * title, size, progress and last-read time; Enter reads one in the reader
 * (q comes back), / filters (folded as search folds, narrowing the list
 * as it is typed; Esc clears it), d forgets one's memory, q quits.
 *
 * A directory's list is the walk's (files.h: paths and sizes), drawn at
 * once with what the store knows (progress, titles of documents read, the
 * title cache); the titles not cached are made on a thread (title.h, and
 * the content identity of a file the store does not know by its path: a
 * copy or a renamed file is known too) and filled in between keys, in the
 * list's order, the selection kept on its entry; what was made is written
 * to the title cache (store.h) for the next time. */
#include "files.h"
#include "ident.h"
#include "keys.h"
#include "listw.h"
#include "norm.h"
#include "reader.h"
#include "term.h"
#include "text.h"
#include "title.h"
#include "utf8.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    char *path;     /* as shown and opened */
    char *title;    /* display bytes ("": not known yet) */
    char *key;      /* title and path folded as search folds: the filter's
                       (NULL: not made yet) */
    size_t size;
    long long mtime; /* ns, as the walk saw it */
    double percent; /* -1: never read */
    long long last_read;
    int missing;
    int known;      /* the store knows the document */
    int ready;      /* size, mtime and title known (else: a job's) */
} libent_t;

/* A file looked at on the thread: its size and mtime, and its title when
 * the cache has none for them. */
typedef struct {
    char *path, *abs;         /* as walked; absolute (the cache's key) */
    const store_title_t *c;   /* the cache's row for abs (NULL: none) */
    int want_id;              /* look for its content identity too */
    size_t ent;               /* its entry */
    /* found: */
    long long size, mtime;
    int gone;                 /* no regular file there any more */
    int cached;               /* c holds for them: nothing was read */
    char *title;              /* made: UTF-8 from the document, not yet safe */
    char id[IDENT_MAX];       /* "": none */
} job_t;

typedef struct {
    pthread_t th;
    int running;
    _Atomic int stop;
    _Atomic size_t done; /* jobs[0..done) are made (in order) */
    int started;
    store_title_t *cache; /* the title cache's rows under the directory */
    size_t ncache;
    job_t *jobs;
    size_t n, applied;   /* jobs[0..applied) are in the list */
    doc_opts_t dopt;
    int format;
    long delay_ms;       /* JUAN_FILL_DELAY_MS: a slow disk, for the tests */
} fill_t;

typedef struct {
    tui_t *T;
    const char *dir; /* NULL: the documents read before */
    libent_t *v;
    size_t n, cap;
    int *shown;      /* indices passing the filter */
    int nshown;
    char *filter;
    int sel;         /* the selected entry */
    char head[1024]; /* the title line */
    char note[320];  /* a message shown on it */
    char *absdir;    /* dir, absolute, with a final "/" */
    fill_t F;
} library_t;

/* s[0..n) folded as search folds it (case, width, traditional →
 * simplified unless --no-tc-sc; bytes as they are with --exact) */
static char *lib_fold(const library_t *L, const char *s, size_t n)
{
    int fl = L->T->o->search_flags;
    if (fl & SEARCH_EXACT) {
        char *r = xmalloc(n + 1);
        memcpy(r, s, n);
        r[n] = 0;
        return r;
    }
    norm_t N;
    norm_init(&N, fl & SEARCH_NO_TCSC ? 0 : NORM_TCSC);
    norm_add(&N, s, n, 0);
    buf_add(&N.out, "", 0);
    char *r = xstrdup(N.out.p);
    norm_free(&N);
    return r;
}

/* The filter's key of entry e: its title and path, folded. */
static const char *lib_key(const library_t *L, libent_t *e)
{
    if (!e->key) {
        buf_t t = {0};
        buf_adds(&t, e->title);
        buf_addc(&t, '\n');
        buf_adds(&t, e->path);
        e->key = lib_fold(L, t.p, t.n);
        buf_free(&t);
    }
    return e->key;
}

/* The entries whose title or path holds f[0..n), folded: L->shown. */
static void lib_filter(library_t *L, const char *f, size_t n)
{
    char *ff = n ? lib_fold(L, f, n) : NULL;
    L->nshown = 0;
    for (size_t i = 0; i < L->n; i++)
        if (!ff || !*ff || strstr(lib_key(L, &L->v[i]), ff))
            L->shown[L->nshown++] = (int)i;
    free(ff);
}

/* The filter again (titles came): *sel stays on its entry, else goes to
 * the next one shown. */
static void lib_refilter(library_t *L, int *sel)
{
    int cur = *sel >= 0 && *sel < L->nshown ? L->shown[*sel] : -1;
    lib_filter(L, L->filter ? L->filter : "", L->filter ? strlen(L->filter) : 0);
    int i = 0;
    while (cur >= 0 && i < L->nshown && L->shown[i] < cur)
        i++;
    *sel = i < L->nshown ? i : (L->nshown ? L->nshown - 1 : 0);
}

static libent_t *lib_new(library_t *L, const char *path)
{
    grow(&L->v, &L->cap, L->n + 1, sizeof *L->v);
    libent_t *e = &L->v[L->n++];
    memset(e, 0, sizeof *e);
    e->path = xstrdup(path);
    e->percent = -1;
    return e;
}

/* Entry e's title: t (UTF-8 from a document or the store), made safe. */
static void lib_title(libent_t *e, const char *t)
{
    buf_t s = {0};
    buf_add(&s, "", 0);
    text_sanitize(&s, t, strlen(t));
    free(e->title);
    e->title = s.p;
    free(e->key);
    e->key = NULL;
}

/* What the store knows of entry e's document. */
static void lib_info(libent_t *e, const docinfo_t *info)
{
    e->known = 1;
    e->percent = info->percent;
    e->last_read = info->last_read;
    if (info->title[0])
        lib_title(e, info->title);
}

/* An entry of the documents read before (the store's list). */
static void lib_add(library_t *L, const char *path, const docinfo_t *info)
{
    libent_t *e = lib_new(L, path);
    struct stat sb;
    e->missing = stat(path, &sb) != 0;
    e->size = e->missing ? info->size : (size_t)sb.st_size;
    e->ready = 1;
    lib_title(e, "");
    lib_info(e, info);
    if (!e->title[0]) {
        buf_t t = {0};
        if (!e->missing)
            title_of_file(path, &L->T->o->dopt, L->T->o->format, &t);
        else
            buf_adds(&t, path_base(path));
        buf_add(&t, "", 0);
        lib_title(e, t.p);
        buf_free(&t);
    }
}

static void *fill_thread(void *arg)
{
    fill_t *F = arg;
    if (!bg_gate(&F->stop))
        return NULL;
    buf_t t = {0};
    for (size_t i = 0; i < F->n && !F->stop; i++) {
        job_t *j = &F->jobs[i];
        if (F->delay_ms > 0)
            usleep((useconds_t)F->delay_ms * 1000);
        struct stat sb;
        if (lstat(j->path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
            j->gone = 1;
            F->done = i + 1;
            continue;
        }
        j->size = (long long)sb.st_size;
        j->mtime = sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
        if (j->c && j->c->title && j->c->size == j->size && j->c->mtime == j->mtime) {
            j->cached = 1;
            F->done = i + 1;
            continue;
        }
        int have = 0;
        if (j->want_id) { /* by content, as mem_lookup() looks */
            doc_t d;
            doc_opts_t o = {0};
            if (doc_open(&d, j->path, &o) == DOC_OK) {
                if (ident_doc_known(j->abs, &d, j->id) < 0)
                    ident_of(d.text, d.len, j->id);
                /* a short file read as the reader reads it: its title too */
                if (d.src_len <= TITLE_PREFIX && !F->dopt.encoding && !F->dopt.force) {
                    structure_t st;
                    st_build(&st, d.text, d.len, F->format, j->path);
                    title_of_structure(&st, j->path, &t);
                    st_free(&st);
                    have = 1;
                }
            }
            doc_close(&d);
        }
        if (!have)
            title_of_file(j->path, &F->dopt, F->format, &t);
        j->title = xstrdup(t.p ? t.p : "");
        F->done = i + 1;
    }
    buf_free(&t);
    return NULL;
}

/* The store's row of identity id into entry e, when e has none yet. */
static void lib_info_id(library_t *L, libent_t *e, const char *id)
{
    docinfo_t info;
    if (id[0] && !e->known && L->T->S && store_info_for_id(L->T->S, id, &info) == 0)
        lib_info(e, &info);
}

/* The titles made since the last time into the list, and into the title
 * cache; *sel stays on its entry. 1 when some came. */
static int fill_apply(library_t *L, int *sel)
{
    fill_t *F = &L->F;
    size_t done = F->done;
    if (done <= F->applied)
        return 0;
    store_title_t *rows = xcalloc(done - F->applied, sizeof *rows);
    size_t k = 0;
    for (size_t i = F->applied; i < done; i++) {
        job_t *j = &F->jobs[i];
        libent_t *e = &L->v[j->ent];
        e->ready = 1;
        e->missing = j->gone;
        if (j->gone)
            continue;
        e->size = (size_t)j->size;
        e->mtime = j->mtime;
        if (j->cached) {
            if (j->c->known)
                lib_info_id(L, e, j->c->doc);
            if (!e->title[0])
                lib_title(e, j->c->title);
            continue;
        }
        lib_info_id(L, e, j->id);
        if (!e->title[0])
            lib_title(e, j->title);
        rows[k] = (store_title_t){.path = j->abs, .title = j->title, .size = j->size,
                                  .mtime = j->mtime};
        snprintf(rows[k++].doc, sizeof rows->doc, "%s", j->id);
    }
    if (L->T->S && k)
        store_put_titles(L->T->S, rows, k); /* (a store that cannot write: made again next time) */
    free(rows);
    F->applied = done;
    if (L->filter && *L->filter)
        lib_refilter(L, sel);
    return 1;
}

/* The path of entry e as the store keeps it, into b: the directory's real
 * path and the rest (the walk follows no link below it). */
static void lib_abs(const library_t *L, const libent_t *e, buf_t *b)
{
    size_t dl = strlen(L->dir);
    const char *rel = e->path + (strncmp(e->path, L->dir, dl) ? 0 : dl);
    while (*rel == '/')
        rel++;
    b->n = 0;
    buf_adds(b, L->absdir);
    buf_adds(b, rel);
    buf_add(b, "", 0);
}

/* The files not known yet: the cache's rows under the directory (one
 * query), and the thread that looks at each. */
static void fill_start(library_t *L)
{
    fill_t *F = &L->F;
    F->started = 1;
    if (!L->dir)
        return;
    F->ncache = store_titles(L->T->S, L->absdir, &F->cache);
    F->jobs = L->n ? xmalloc(L->n * sizeof *F->jobs) : NULL;
    buf_t abs = {0};
    size_t ci = 0;
    for (size_t i = 0; i < L->n; i++) {
        if (L->v[i].ready)
            continue;
        lib_abs(L, &L->v[i], &abs);
        /* (both in byte order, as the walk's list) */
        while (ci < F->ncache && strcmp(F->cache[ci].path, abs.p) < 0)
            ci++;
        F->jobs[F->n++] = (job_t){
            .path = xstrdup(L->v[i].path), .abs = xstrdup(abs.p), .ent = i,
            .c = ci < F->ncache && !strcmp(F->cache[ci].path, abs.p) ? &F->cache[ci] : NULL,
            .want_id = !L->v[i].known};
    }
    buf_free(&abs);
    if (!F->n)
        return;
    F->stop = 0;
    F->done = 0;
    F->applied = 0;
    F->dopt = L->T->o->dopt;
    F->format = L->T->o->format;
    const char *d = getenv("JUAN_FILL_DELAY_MS");
    F->delay_ms = d ? atol(d) : 0;
    F->running = pthread_create(&F->th, NULL, fill_thread, F) == 0;
    if (!F->running) { /* no thread: made here */
        bg_release();
        fill_thread(F);
    }
}

/* Stop making titles; what was made is kept (list and cache). */
static void fill_stop(library_t *L)
{
    fill_t *F = &L->F;
    if (F->running) {
        F->stop = 1;
        bg_stop_join(F->th);
        F->running = 0;
    }
    if (L->v) {
        int sel = L->sel;
        fill_apply(L, &sel);
    }
    for (size_t i = 0; i < F->n; i++) {
        free(F->jobs[i].path);
        free(F->jobs[i].abs);
        free(F->jobs[i].title);
    }
    free(F->jobs);
    F->jobs = NULL;
    F->n = F->applied = 0;
    F->done = 0;
    store_titles_free(F->cache, F->ncache);
    F->cache = NULL;
    F->ncache = 0;
    F->started = 0;
}

static void lib_free(library_t *L)
{
    fill_stop(L);
    for (size_t i = 0; i < L->n; i++) {
        free(L->v[i].path);
        free(L->v[i].title);
        free(L->v[i].key);
    }
    free(L->v);
    free(L->shown);
    L->v = NULL;
    L->n = L->cap = 0;
    L->shown = NULL;
}

/* Folders the walk could not read: the first said, the others counted. */
typedef struct {
    char first[300];
    size_t n;
} unread_t;

static void lib_unread(const char *path, int err, void *arg)
{
    unread_t *u = arg;
    if (!u->n++) /* (files_reason's sentence, the path cut to leave room for why) */
        snprintf(u->first, sizeof u->first, "%.200s: %s", safe_path(path), strerror(err));
}

/* The directory's files: the walk's list (names), with what the store
 * knows of each by its path; a folder that could not be read is said on
 * the title line. */
static void lib_walk(library_t *L)
{
    char **fv;
    unread_t u = {.n = 0};
    size_t n = files_under(L->dir, &fv, lib_unread, &u);
    if (u.n && !L->T->msg[0]) {
        char more[64] = "";
        if (u.n > 1)
            snprintf(more, sizeof more, " (and %zu more folders not read)", u.n - 1);
        snprintf(L->T->msg, sizeof L->T->msg, "%s%s", u.first, more);
    }
    docinfo_t *inf;
    size_t ni = store_infos_under(L->T->S, L->absdir, &inf), ii = 0;
    buf_t abs = {0};
    for (size_t i = 0; i < n; i++) {
        libent_t *e = lib_new(L, "");
        free(e->path);
        e->path = fv[i]; /* (taken over) */
        e->title = xstrdup("");
        if (!ni)
            continue;
        lib_abs(L, e, &abs);
        while (ii < ni && strcmp(inf[ii].path, abs.p) < 0) /* (both in byte order) */
            ii++;
        if (ii < ni && !strcmp(inf[ii].path, abs.p))
            lib_info(e, &inf[ii]);
    }
    buf_free(&abs);
    free(fv);
    free(inf);
}

/* The first screen's entries as the cache has them, when it holds for
 * their size and mtime (a few lookups, not the whole cache's). */
static void lib_prime(library_t *L)
{
    int h = LINES - 2 > 1 ? LINES - 2 : 1;
    buf_t abs = {0};
    for (int i = 0; i < L->nshown && i < h; i++) {
        libent_t *e = &L->v[L->shown[i]];
        struct stat sb;
        if (lstat(e->path, &sb) < 0 || !S_ISREG(sb.st_mode))
            continue; /* (the thread's) */
        lib_abs(L, e, &abs);
        store_title_t c;
        long long mt = sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
        if (store_title(L->T->S, abs.p, (long long)sb.st_size, mt, &c) == 0 && c.title) {
            e->ready = 1;
            e->size = (size_t)sb.st_size;
            e->mtime = mt;
            if (c.known)
                lib_info_id(L, e, c.doc);
            if (!e->title[0])
                lib_title(e, c.title);
        }
        free(c.path);
        free(c.title);
    }
    buf_free(&abs);
}

static void lib_load(library_t *L)
{
    store_t *S = L->T->S;
    lib_free(L);
    if (L->dir) {
        lib_walk(L);
    } else {
        docinfo_t *v;
        size_t n = store_recent(S, &v);
        for (size_t i = 0; i < n; i++)
            if (v[i].path[0] && strcmp(v[i].path, "-")) /* not standard input */
                lib_add(L, v[i].path, &v[i]);
        free(v);
    }
    L->shown = xmalloc((L->n + 1) * sizeof *L->shown);
    lib_filter(L, L->filter ? L->filter : "", L->filter ? strlen(L->filter) : 0);
    if (L->dir)
        lib_prime(L); /* (the others: fill_start, once the list is up) */
}

static void ago(long long t, char *out, size_t n)
{
    long long d = (long long)time(NULL) - t;
    if (t <= 0)
        snprintf(out, n, "never");
    else if (d < 60)
        snprintf(out, n, "just now");
    else if (d < 3600)
        snprintf(out, n, "%lld min ago", d / 60);
    else if (d < 86400)
        snprintf(out, n, "%lld h ago", d / 3600);
    else
        snprintf(out, n, "%lld d ago", d / 86400);
}

/* s[0..n) (display bytes) in at most w cells: whole, or cut at its end
 * with "…" (whole characters). */
static void fit_end(buf_t *o, const char *s, size_t n, size_t w)
{
    if (text_width(s, n) <= w) {
        buf_add(o, s, n);
        return;
    }
    size_t i = 0, cw = 0;
    while (i < n && w) {
        uint32_t c;
        int k = text_decode(s + i, n - i, &c);
        int cwid = text_cp_width(c);
        cwid = cwid < 0 ? 0 : cwid;
        if (cw + (size_t)cwid + 1 > w)
            break;
        cw += (size_t)cwid;
        i += (size_t)k;
    }
    buf_add(o, s, i);
    if (w)
        buf_adds(o, "…");
}

/* The fewest cells a path is shown in: its file name after "…/" (or the
 * path itself, when shorter). */
static size_t path_min(const char *p)
{
    size_t n = strlen(p), pw = text_width(p, n);
    const char *b = strrchr(p, '/');
    size_t bw = b ? 2 + text_width(b + 1, strlen(b + 1)) : pw;
    return bw < pw ? bw : pw;
}

/* Path p (display bytes) in at most w cells, cut in the middle so that
 * its first component and its file name stay: "~/…/访谈/梁文锋专访.txt";
 * "…/梁文锋专访.txt" when only the name fits; the name cut at its end
 * when not even it does. */
static void fit_path(buf_t *o, const char *p, size_t w)
{
    size_t n = strlen(p);
    if (text_width(p, n) <= w) {
        buf_add(o, p, n);
        return;
    }
    const char *base = strrchr(p, '/');
    if (!base) {
        fit_end(o, p, n, w);
        return;
    }
    const char *head = strchr(p + 1, '/'); /* "~/", "/usr/", "dir/" */
    size_t hw = head ? text_width(p, (size_t)(head - p) + 1) : 0;
    for (const char *q = head ? strchr(head + 1, '/') : NULL; q && q <= base;
         q = strchr(q + 1, '/'))
        if (hw + 1 + text_width(q, strlen(q)) <= w) { /* the longest tail that fits */
            buf_add(o, p, (size_t)(head - p) + 1);
            buf_adds(o, "…");
            buf_adds(o, q);
            return;
        }
    if (w >= path_min(p)) {
        buf_adds(o, "…");
        buf_adds(o, base);
        return;
    }
    fit_end(o, base + 1, strlen(base + 1), w);
}

static void lib_item(void *ctx, int i, buf_t *left, char *right, size_t rn)
{
    const library_t *L = ctx;
    const libent_t *e = &L->v[L->shown[i]];
    char when[32], size[32], prog[16];
    ago(e->last_read, when, sizeof when);
    if (!e->ready)
        snprintf(size, sizeof size, "  ..");
    else if (e->size >= 1 << 20)
        snprintf(size, sizeof size, "%.1f MB", e->size / 1048576.0);
    else
        snprintf(size, sizeof size, "%zu KB", (e->size + 1023) / 1024);
    if (e->percent >= 0)
        snprintf(prog, sizeof prog, "%3d%%", e->percent < 100 ? (int)e->percent : 100);
    else
        snprintf(prog, sizeof prog, "  - ");
    snprintf(right, rn, "%s  %s  %s  %s", e->missing ? "missing" : size, prog, when, "");
    /* under DIR: the path from there; else under the home directory: ~/ */
    const char *p = e->path, *home = getenv("HOME");
    size_t dl = L->dir ? strlen(L->dir) : 0, hl = home ? strlen(home) : 0;
    buf_t path = {0};
    buf_add(&path, "", 0);
    if (dl && !strncmp(p, L->dir, dl)) {
        p += dl;
        while (*p == '/')
            p++;
    } else if (hl > 1 && !strncmp(p, home, hl) && p[hl] == '/') {
        buf_adds(&path, "~");
        p += hl;
    }
    text_sanitize(&path, p, strlen(p));
    /* the columns list_run leaves the left part: the title and the path
       share them, the path cut in the middle, its file name kept */
    int avail = COLS - 3 - (int)strlen(right);
    size_t w = avail > 0 ? (size_t)avail : 0;
    size_t tw = text_width(e->title, strlen(e->title)), pw = text_width(path.p, path.n);
    if (tw + 2 + pw <= w) {
        buf_adds(left, e->title);
        buf_adds(left, "  ");
        buf_add(left, path.p, path.n);
    } else {
        /* the path's: what the title leaves, at least half, at least
           the file name */
        size_t pm = path_min(path.p), pb = w > tw + 2 ? w - tw - 2 : 0;
        pb = pb > w / 2 ? pb : w / 2;
        pb = pb > pm ? pb : pm;
        pb = pb < w ? pb : w;
        size_t tb = w > pb + 2 ? w - pb - 2 : 0; /* the title's */
        if (tb) {
            fit_end(left, e->title, strlen(e->title), tb);
            buf_adds(left, "  ");
        }
        fit_path(left, path.p, pb);
    }
    buf_free(&path);
}

static void lib_resize(void *ctx);

/* What an empty list says: how to fill it, or that the filter hides all. */
static const char *lib_empty(const library_t *L)
{
    if (L->n)
        return "nothing matches the filter (Esc clears it)";
    return L->dir ? "no documents here (.txt .md .markdown .html .htm .xhtml)"
                  : "no documents yet: juan FILE or juan DIR";
}

/* Behind a prompt: the list, narrowed by the filter as it is typed (the
 * filter prompt), or as it is (a question about one entry). */
static void lib_draw(void *ctx, const char *s, size_t n)
{
    library_t *L = ctx;
    if (s)
        lib_filter(L, s, n);
    list_t list = {.title = L->head, .n = L->nshown, .sel = L->sel, .mark = -1,
                   .item = lib_item, .resize = lib_resize, .ctx = L, .empty = lib_empty(L)};
    list_show(&list);
}

static void lib_draw_fixed(void *ctx, const char *s, size_t n)
{
    (void)s, (void)n;
    lib_draw(ctx, NULL, 0);
}

static void lib_resize(void *ctx)
{
    tui_t *T = ((library_t *)ctx)->T;
    tui_geometry(T, T->width);
}

static char *lib_prompt(library_t *L, const char *label, int filter)
{
    prompt_t P = {.draw = filter ? lib_draw : lib_draw_fixed, .resize = lib_resize, .ctx = L};
    return prompt_read(&P, label);
}

/* d: forget the memory of entry e, when confirmed. */
static void lib_forget(library_t *L, const libent_t *e)
{
    char q[600];
    snprintf(q, sizeof q, "forget %s? y: yes, any other key: no", e->title);
    if (list_confirm(q)) { /* (the list stays in view) */
        docinfo_t info;
        if (mem_lookup(L->T->S, e->path, &info) == 0 && store_forget(L->T->S, info.id) < 0 &&
            store_failure(L->T->S))
            snprintf(L->T->msg, sizeof L->T->msg, "cannot forget: %s", store_failure(L->T->S));
        lib_load(L);
    }
}

/* Enter: read entry e; 1 when the reader was told to quit. */
static int lib_read(library_t *L, const libent_t *e)
{
    tui_t *T = L->T;
    if (e->missing) {
        snprintf(T->msg, sizeof T->msg, "%.400s: missing", safe_path(e->path));
        return 0;
    }
    fill_stop(L); /* (the reader's first screen does not share the CPU) */
    char *pathv[1] = {e->path};
    T->files = pathv;
    T->nfiles = 1;
    free(T->filepos);
    T->filepos = xcalloc(1, sizeof *T->filepos);
    char err[300];
    int quit = 0;
    if (session_load(T, 0, err, sizeof err) == 0) {
        tui_read(T);
        quit = term_quit != 0;
    } else {
        snprintf(T->msg, sizeof T->msg, "%s", err);
    }
    T->files = NULL;
    if (!quit)
        lib_load(L); /* (e goes with it) */
    return quit;
}

/* The title line: where, how far the titles are, the filter, a message. */
static void lib_head(library_t *L)
{
    buf_t f = {0};
    buf_add(&f, "", 0);
    if (L->filter && *L->filter) {
        buf_adds(&f, "  filter: ");
        text_sanitize(&f, L->filter, strlen(L->filter));
    }
    char prog[64] = "";
    if (L->F.applied < L->F.n)
        snprintf(prog, sizeof prog, " (titles %zu/%zu)", L->F.applied, L->F.n);
    /* a warning or a message takes the keys' place until the next key
       (after them it was cut off at 80 and 100 columns) */
    buf_t h = {0};
    buf_adds(&h, L->dir ? "Library of " : "Recently read");
    if (L->dir)
        buf_adds(&h, safe_path(L->dir));
    buf_adds(&h, prog);
    buf_adds(&h, f.p);
    buf_adds(&h, ": ");
    if (L->note[0]) {
        buf_addc(&h, '[');
        buf_adds(&h, L->note);
        buf_addc(&h, ']');
    } else {
        buf_adds(&h, "Enter reads, / filters, d forgets, ");
        buf_adds(&h, L->filter && *L->filter ? "Esc clears the filter" : "q quits");
    }
    size_t n = h.n < sizeof L->head ? h.n : sizeof L->head - 1;
    while (n < h.n && n && utf8_is_cont((unsigned char)h.p[n])) /* (whole characters) */
        n--;
    memcpy(L->head, h.p, n);
    L->head[n] = '\0';
    buf_free(&h);
    buf_free(&f);
}

/* A key came: a message on the title line has been seen, the keys' help
 * comes back (as less clears its message at the next key). */
static void lib_keyed(void *ctx)
{
    library_t *L = ctx;
    if (L->note[0]) {
        L->note[0] = 0;
        lib_head(L);
    }
}

/* Between keys: the titles made since. */
static int lib_idle(void *ctx, int *n, int *sel)
{
    library_t *L = ctx;
    if (bg_held()) /* the first screen is up and no key waits */
        bg_release();
    if (!L->F.started)
        fill_start(L);
    int changed = fill_apply(L, sel);
    const char *w = store_warning(L->T->S); /* (the title cache set aside) */
    if (w) {
        snprintf(L->note, sizeof L->note, "%.300s", w);
        changed = 1;
    }
    if (changed) {
        *n = L->nshown;
        lib_head(L);
        return 1;
    }
    return L->F.applied < L->F.n ? 0 : -1;
}

int tui_library(const char *dir, const tui_opts_t *o)
{
    tui_t T0, *T = &T0;
    session_init(T, o);
    if (!T->S && !dir) {
        msg("%s", o->no_state ? "--no-state: no library of documents read" : T->warn);
        session_free(T);
        return 2;
    }
    library_t L = {.T = T, .dir = dir};
    if (dir && files_dir_ok(dir) < 0) { /* (said as for a file, not as an empty library) */
        session_free(T);
        return 2;
    }
    if (dir) {
        char *r = realpath(dir, NULL);
        buf_t b = {0};
        buf_adds(&b, r ? r : dir);
        if (!b.n || b.p[b.n - 1] != '/')
            buf_addc(&b, '/');
        buf_add(&b, "", 0);
        L.absdir = b.p;
        free(r);
    }
    bg_hold(); /* (the titles are made after the first screen) */
    FILE *tty;
    SCREEN *scr = tui_screen_start(T, &tty);
    if (!scr) {
        free(L.absdir);
        session_free(T);
        bg_release();
        return -1;
    }
    lib_load(&L); /* (knowing the screen's size: lib_prime) */
    int sel = 0;
    for (;;) {
        const char *w = store_warning(T->S);
        if (w) /* (said once: both, the store's first) */
            session_say_first(T, w);
        if (!T->msg[0] && term_ambiguous_news()) /* the probe's answer */
            tui_ambiguous_notice(T);
        snprintf(L.note, sizeof L.note, "%.300s", T->msg);
        T->msg[0] = 0;
        lib_head(&L);
        int filtered = L.filter && *L.filter;
        static const char keys_esc[] = {'/', 'd', K_ESC, 0};
        list_t list = {.title = L.head, .n = L.nshown, .sel = sel, .mark = -1,
                       .keys = filtered ? keys_esc : "/d", .empty = lib_empty(&L),
                       .item = lib_item, .resize = lib_resize, .idle = lib_idle,
                       .keyed = lib_keyed, .ctx = &L};
        int key = 0;
        int k = list_run(&list, &key);
        if (term_quit || (k < 0 && key == 0))
            break;
        sel = L.sel = list.sel;
        if (key == K_ESC) { /* the filter cleared, the list whole again */
            free(L.filter);
            L.filter = NULL;
            lib_filter(&L, "", 0);
            sel = 0;
        } else if (key == '/') {
            L.sel = 0;
            char *f = lib_prompt(&L, "filter: ", 1);
            if (f) {
                free(L.filter);
                L.filter = f;
            }
            /* (Esc: the filter as it was) */
            lib_filter(&L, L.filter ? L.filter : "", L.filter ? strlen(L.filter) : 0);
            sel = 0;
        } else if (key == 'd') {
            lib_forget(&L, &L.v[L.shown[k]]);
        } else if (lib_read(&L, &L.v[L.shown[k]])) {
            break;
        }
    }
    tui_screen_end(scr, tty);
    lib_free(&L);
    free(L.filter);
    free(L.absdir);
    session_free(T);
    bg_release();
    return 0;
}
