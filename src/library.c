/* library: the documents under a directory, or those read before, with
 * title, size, progress and last-read time; Enter reads one in the reader
 * (q comes back), / filters (folded as search folds, narrowing the list
 * as it is typed; Esc clears it), d forgets one's memory, q quits. */
#include "files.h"
#include "keys.h"
#include "listw.h"
#include "norm.h"
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
    char *key;      /* title and path folded as search folds: the filter's */
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
    int sel;         /* the selected entry */
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

/* The entries whose title or path holds f[0..n), folded: L->shown. */
static void lib_filter(library_t *L, const char *f, size_t n)
{
    char *ff = n ? lib_fold(L, f, n) : NULL;
    L->nshown = 0;
    for (size_t i = 0; i < L->n; i++)
        if (!ff || !*ff || strstr(L->v[i].key, ff))
            L->shown[L->nshown++] = (int)i;
    free(ff);
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
    buf_addc(&t, '\n');
    buf_adds(&t, path);
    e->key = lib_fold(L, t.p, t.n);
    buf_free(&t);
}

static void lib_free(library_t *L)
{
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
    lib_filter(L, L->filter ? L->filter : "", L->filter ? strlen(L->filter) : 0);
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
    if (e->size >= 1 << 20)
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
        int filtered = L.filter && *L.filter;
        snprintf(L.head, sizeof L.head, "%s%.800s%s: Enter reads, / filters, d forgets, %s",
                 dir ? "Library of " : "Recently read", dir ? safe_path(dir) : "", f.p,
                 filtered ? "Esc clears the filter" : "q quits");
        buf_free(&f);
        if (!T->msg[0] && term_ambiguous_news()) /* the probe's answer */
            tui_ambiguous_notice(T);
        if (T->msg[0]) { /* a warning or a message: on the title line */
            size_t k = strlen(L.head);
            snprintf(L.head + k, sizeof L.head - k, "  [%.300s]", T->msg);
            T->msg[0] = 0;
        }
        static const char keys_esc[] = {'/', 'd', K_ESC, 0};
        list_t list = {.title = L.head, .n = L.nshown, .sel = sel, .mark = -1,
                       .keys = filtered ? keys_esc : "/d", .empty = lib_empty(&L),
                       .item = lib_item, .resize = lib_resize, .ctx = &L};
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
    session_free(T);
    return 0;
}
