/* library: the documents under a directory, or those read before, with
 * title, size, progress and last-read time; Enter reads one in the reader
 * (q comes back), / filters, d forgets one's memory, q quits. */
#include "files.h"
#include "listw.h"
#include "reader.h"
#include "term.h"
#include "text.h"
#include "utf8.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* What is read of a file not opened yet for its title: the title is in
 * its first lines (front matter, a heading, a first short line). */
enum { TITLE_PREFIX = 16 << 10 };

typedef struct {
    char *path;     /* as shown and opened */
    char *title;    /* display bytes */
    size_t size;
    double percent; /* -1: never read */
    long long last_read;
    int missing;
} libent_t;

typedef struct {
    tui_t *T;
    const char *dir; /* NULL: the documents read before */
    libent_t *v;
    size_t n, cap;
    int *shown;      /* indices passing the filter */
    int nshown;
    char *filter;
    char head[1024]; /* the title line */
} library_t;

/* What names a document in the list: its title, else the start of its
 * first paragraph as the reader shows it (at most 120 bytes), else its
 * file name. */
static void doc_name(const structure_t *st, const char *path, buf_t *t)
{
    st_title(st, t);
    st_cursor_t c;
    block_t b;
    for (int ok = !t->n && st_first(st, &c, &b); ok; ok = st_next(st, &c, &b)) {
        if (b.kind != BK_PARA && b.kind != BK_HEADING && b.kind != BK_TITLE)
            continue;
        st_block_text(st, &b, t);
        if (t->n) {
            if (t->n > 120) /* (whole characters) */
                t->p[t->n = utf8_back(t->p, 0, 120)] = 0;
            break;
        }
    }
    if (!t->n)
        buf_adds(t, path_base(path));
}

/* The name of a file not opened yet, as the reader will show it: from its
 * first bytes, decoded as the document will be. */
static void file_name(const tui_opts_t *o, const char *path, buf_t *t)
{
    doc_t d;
    doc_opts_t dopt = o->dopt;
    dopt.prefix = TITLE_PREFIX;
    t->n = 0;
    if (doc_open(&d, path, &dopt) == DOC_OK) {
        structure_t st;
        st_build(&st, d.text, d.len, o->format, path);
        doc_name(&st, path, t);
        st_free(&st);
    }
    doc_close(&d);
    if (!t->n)
        buf_adds(t, path_base(path));
}

static void lib_add(library_t *L, const char *path, const docinfo_t *info)
{
    grow(&L->v, &L->cap, L->n + 1, sizeof *L->v);
    libent_t *e = &L->v[L->n++];
    memset(e, 0, sizeof *e);
    e->path = xstrdup(path);
    struct stat sb;
    e->missing = stat(path, &sb) != 0;
    e->size = e->missing ? (info ? info->size : 0) : (size_t)sb.st_size;
    e->percent = info ? info->percent : -1;
    e->last_read = info ? info->last_read : 0;
    buf_t t = {0}, s = {0};
    buf_add(&t, "", 0);
    buf_add(&s, "", 0);
    if (info && info->title[0])
        buf_adds(&t, info->title);
    else if (!e->missing)
        file_name(L->T->o, path, &t);
    else
        buf_adds(&t, path_base(path));
    text_sanitize(&s, t.p, t.n);
    e->title = s.p;
    buf_free(&t);
}

static void lib_free(library_t *L)
{
    for (size_t i = 0; i < L->n; i++) {
        free(L->v[i].path);
        free(L->v[i].title);
    }
    free(L->v);
    free(L->shown);
    L->v = NULL;
    L->n = L->cap = 0;
    L->shown = NULL;
}

static void lib_load(library_t *L)
{
    store_t *S = L->T->S;
    lib_free(L);
    if (L->dir) {
        char **v;
        size_t n = files_under(L->dir, &v);
        for (size_t i = 0; i < n; i++) {
            docinfo_t info;
            int known = S && mem_lookup(S, v[i], &info) == 0;
            lib_add(L, v[i], known ? &info : NULL);
        }
        files_free(v, n);
    } else {
        docinfo_t *v;
        size_t n = store_recent(S, &v);
        for (size_t i = 0; i < n; i++)
            if (v[i].path[0] && strcmp(v[i].path, "-")) /* not standard input */
                lib_add(L, v[i].path, &v[i]);
        free(v);
    }
    L->shown = xmalloc((L->n + 1) * sizeof *L->shown);
    L->nshown = 0;
    for (size_t i = 0; i < L->n; i++) {
        const libent_t *e = &L->v[i];
        if (!L->filter || !*L->filter || strstr(e->title, L->filter) ||
            strstr(e->path, L->filter))
            L->shown[L->nshown++] = (int)i;
    }
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

static void lib_item(void *ctx, int i, buf_t *left, char *right, size_t rn)
{
    const library_t *L = ctx;
    const libent_t *e = &L->v[L->shown[i]];
    buf_adds(left, e->title);
    buf_adds(left, "  ");
    /* under DIR: the path from there */
    const char *p = e->path;
    size_t dl = L->dir ? strlen(L->dir) : 0;
    if (dl && !strncmp(p, L->dir, dl)) {
        p += dl;
        while (*p == '/')
            p++;
    }
    text_sanitize(left, p, strlen(p));
    char when[32], size[32], prog[16];
    ago(e->last_read, when, sizeof when);
    if (e->size >= 1 << 20)
        snprintf(size, sizeof size, "%.1f MB", e->size / 1048576.0);
    else
        snprintf(size, sizeof size, "%zu KB", (e->size + 1023) / 1024);
    if (e->percent >= 0)
        snprintf(prog, sizeof prog, "%3d%%", e->percent < 100 ? (int)e->percent : 100);
    else
        snprintf(prog, sizeof prog, "  - ");
    snprintf(right, rn, "%s  %s  %s  %s", e->missing ? "missing" : size, prog, when, "");
}

/* Behind a prompt: the title line. */
static void lib_draw(void *ctx, const char *s, size_t n)
{
    const library_t *L = ctx;
    (void)s, (void)n;
    erase();
    draw_bytes(0, 0, COLS - 1, L->head, strlen(L->head), A_BOLD, 0);
    refresh();
}

static void lib_resize(void *ctx)
{
    tui_t *T = ((library_t *)ctx)->T;
    tui_geometry(T, T->width);
}

static char *lib_prompt(library_t *L, const char *label)
{
    prompt_t P = {.draw = lib_draw, .resize = lib_resize, .ctx = L};
    return prompt_read(&P, label);
}

/* d: forget the memory of entry e, when confirmed. */
static void lib_forget(library_t *L, const libent_t *e)
{
    char q[600];
    snprintf(q, sizeof q, "forget %s? y: yes, any other key: no", e->title);
    if (list_confirm(q)) { /* (the list stays in view) */
        docinfo_t info;
        if (mem_lookup(L->T->S, e->path, &info) == 0)
            store_forget(L->T->S, info.id);
        lib_load(L);
    }
}

/* Enter: read entry e; 1 when the reader was told to quit. */
static int lib_read(library_t *L, const libent_t *e)
{
    tui_t *T = L->T;
    if (e->missing) {
        snprintf(T->msg, sizeof T->msg, "%s: missing", safe_path(e->path));
        return 0;
    }
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
    lib_load(&L);
    FILE *tty;
    SCREEN *scr = tui_screen_start(T, &tty);
    if (!scr) {
        lib_free(&L);
        session_free(T);
        return -1;
    }
    int sel = 0;
    for (;;) {
        buf_t f = {0};
        buf_add(&f, "", 0);
        if (L.filter && *L.filter) {
            buf_adds(&f, "  filter: ");
            text_sanitize(&f, L.filter, strlen(L.filter));
        }
        snprintf(L.head, sizeof L.head, "%s%s: Enter reads, / filters, d forgets, q quits%s",
                 dir ? "Library of " : "Recently read", dir ? safe_path(dir) : "", f.p);
        buf_free(&f);
        if (T->msg[0]) { /* a warning or a message: on the title line */
            size_t k = strlen(L.head);
            snprintf(L.head + k, sizeof L.head - k, "  [%.300s]", T->msg);
            T->msg[0] = 0;
        }
        list_t list = {.title = L.head, .n = L.nshown, .sel = sel, .mark = -1, .keys = "/d",
                       .item = lib_item, .resize = lib_resize, .ctx = &L};
        int key = 0;
        int k = list_run(&list, &key);
        if (term_quit || (k < 0 && key == 0))
            break;
        sel = list.sel;
        if (key == '/') {
            char *f = lib_prompt(&L, "filter: ");
            if (f) {
                free(L.filter);
                L.filter = f;
                lib_load(&L);
                sel = 0;
            }
        } else if (key == 'd') {
            lib_forget(&L, &L.v[L.shown[k]]);
        } else if (lib_read(&L, &L.v[L.shown[k]])) {
            break;
        }
    }
    tui_screen_end(scr, tty);
    lib_free(&L);
    free(L.filter);
    session_free(T);
    return 0;
}
