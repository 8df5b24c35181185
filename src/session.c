/* session: the reader's open document — loading it, its memory (where it
 * was left, marks), the file on disk, the work done while no key comes. */
#include "anchor.h"
#include "reader.h"
#include "sindex.h"
#include "term.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void init(tui_t *T, const tui_opts_t *o)
{
    memset(T, 0, sizeof *T);
    T->o = o;
    T->focus = -1;
    T->col = T->width = o->width;
    nav_query_init(&T->lastq);
    nav_query_init(&T->hlt);
}

/* The store's warning first, then the cache directory's (searches go on
 * without an index: said once, with the store's). */
static void warnings(tui_t *T, const char *store_warn)
{
    char why[160], *c = T->o->no_index ? NULL : sindex_dir_refused(why, sizeof why);
    snprintf(T->warn, sizeof T->warn, "%s", store_warn);
    if (c) {
        size_t k = strlen(T->warn);
        snprintf(T->warn + k, sizeof T->warn - k, "%snot using the cache directory %.300s: %s",
                 k ? "; " : "", safe_path(c), why);
        free(c);
    }
}

void session_init(tui_t *T, const tui_opts_t *o)
{
    init(T, o);
    char warn[512] = "";
    if (!o->no_state)
        T->S = store_open(o->state_dir, warn, sizeof warn);
    warnings(T, warn);
}

void session_free(tui_t *T)
{
    session_unload(T);
    nav_query_free(&T->lastq);
    nav_query_free(&T->hlt);
    free(T->qtyped);
    free(T->mv);
    free(T->mall);
    hist_free(&T->hist);
    free(T->filepos);
    store_close(T->S);
}

void session_learn(tui_t *T)
{
    if (T->title || !st_ready(&T->st))
        return;
    buf_t b = {0}, s = {0};
    st_title(&T->st, &b);
    buf_add(&s, "", 0);
    if (b.n)
        text_sanitize(&s, b.p, b.n);
    T->title = s.p; /* ("": none; the file's name is shown) */
    buf_free(&b);
    draw_speaker_colors(T);
}

void session_title(tui_t *T, buf_t *b)
{
    if (T->title && T->title[0]) {
        buf_adds(b, T->title);
    } else {
        const char *name = path_base(T->files[T->cur]);
        text_sanitize(b, name, strlen(name));
    }
}

void session_turns(tui_t *T)
{
    if (T->have_turns)
        return;
    st_wait(&T->st);
    session_learn(T);
    T->nturns = nav_turns(&T->st, &T->turns);
    T->have_turns = 1;
}

/* (reader.h) Why a save failed is taken here, at once: the store's last
 * failure is cleared by any later write that succeeds (the reading
 * recorded as the document is put away), and the position was not saved
 * even so. */
void session_save(tui_t *T, int force)
{
    if (!T->loaded || !T->S)
        return;
    size_t top = view_top(&T->V);
    T->last_save = now_ms();
    if (top == T->saved_top && !force)
        return;
    if (mem_save_position(&T->mem, top) < 0) {
        const char *f = store_failure(T->S);
        snprintf(T->unsaved, sizeof T->unsaved, "%s", f ? f : "not written");
    } else {
        T->unsaved[0] = '\0';
    }
    T->saved_top = top;
    const char *w = store_warning(T->S);
    if (w)
        snprintf(T->msg, sizeof T->msg, "%s", w);
}

void session_unload(tui_t *T)
{
    if (!T->loaded)
        return;
    if (!T->mem.pending || view_top(&T->V) != T->saved_top)
        session_save(T, 1); /* (not a large text left at once, unmoved) */
    rt_free(T->rt); /* every thread reading the text stops before it goes */
    T->rt = NULL;
    mem_close(&T->mem);
    search_free(&T->srch);
    view_free(&T->V);
    st_free(&T->st);
    doc_close(&T->d);
    free(T->title);
    free(T->spcolor);
    free(T->turns);
    T->title = NULL;
    T->spcolor = NULL;
    T->turns = NULL;
    T->nturns = 0;
    T->have_turns = 0;
    T->focus = -1;
    T->filter = 0;
    T->qstale = T->has_query; /* its scopes were this document's */
    T->marked = 0;
    T->has_jump = T->has_last = 0;
    T->mall_ok = 0; /* the matches counted were this document's */
    T->loaded = 0;
    T->resumed = 0;
    T->resumed_sec = 0;
}

void session_say_first(tui_t *T, const char *w)
{
    char was[sizeof T->msg];
    snprintf(was, sizeof was, "%s", T->msg);
    snprintf(T->msg, sizeof T->msg, "%.300s%s%.200s", w, was[0] ? "; " : "", was);
}

/* " (§title)" of the section holding off into sec (cleared first; ""
 * when none). Waits for the structure. */
static void section_note(tui_t *T, size_t off, buf_t *sec)
{
    sec->n = 0;
    buf_add(sec, "", 0);
    long h = st_section_at(&T->st, off);
    if (h >= 0) {
        buf_t t = {0};
        st_heading_text(&T->st, &T->st.headings[h], &t);
        buf_adds(sec, " (§");
        text_sanitize(sec, t.p, t.n > 60 ? 60 : t.n);
        buf_adds(sec, ")");
        buf_free(&t);
    }
}

/* "resumed at 43% (§title)", after what the status line says already;
 * the section later when the structure is still being built */
void session_say_resumed(tui_t *T, int pct)
{
    if (!T->resumed)
        return;
    size_t off = T->resumed - 1;
    T->resumed = 0;
    buf_t sec = {0};
    buf_add(&sec, "", 0);
    int later = !st_ready(&T->st);
    if (!later)
        section_note(T, off, &sec);
    size_t k = strlen(T->msg);
    snprintf(T->msg + k, sizeof T->msg - k, "%sresumed at %d%%%s", k ? "; " : "", pct, sec.p);
    buf_free(&sec);
    if (later) {
        T->resumed_sec = off + 1;
        T->resumed_len = strlen(T->msg);
    }
}

int session_resumed_section(tui_t *T)
{
    if (!T->resumed_sec || !st_ready(&T->st))
        return 0;
    size_t off = T->resumed_sec - 1;
    T->resumed_sec = 0;
    if (strlen(T->msg) != T->resumed_len) /* a key put it away */
        return 0;
    buf_t sec = {0};
    section_note(T, off, &sec);
    size_t k = strlen(T->msg);
    snprintf(T->msg + k, sizeof T->msg - k, "%s", sec.p);
    int said = sec.n > 0;
    buf_free(&sec);
    return said;
}

/* Texts up to this size are resumed with their structure (a scan of a few
 * milliseconds); larger ones before it is built. */
#define RESUME_WAIT_MAX (4u << 20)

/* The marks, and where the document was left (once its identity is
 * known; not when the reader moved meanwhile, nor with --from-start, nor
 * when this session already left it elsewhere with :n / :p). */
static void recall(tui_t *T, int i)
{
    if (!T->o->no_index) { /* its search index, soon */
        if (!T->srch.id[0])
            search_use_index(&T->srch, T->mem.id);
        T->index_at = now_ms() + 2000;
    }
    bookmark_t *v;
    size_t n = mem_bookmarks(&T->mem, &v);
    for (size_t k = 0; k < n; k++) {
        const char *nm = v[k].name;
        if (nm[0] == '\'' && nm[1] >= 'a' && nm[1] <= 'z' && !nm[2]) {
            T->marks[nm[1] - 'a'] = v[k].at.offset;
            T->marked |= 1u << (nm[1] - 'a');
        }
    }
    free(v);
    size_t off = 0;
    int exact = 1;
    if (!T->filepos[i] && !T->keys_since_open && !T->o->from_start &&
        mem_position(&T->mem, &off, &exact) && off > 0) {
        /* a large text at once, as G and N% go: the text there before its
           structure (provisional blocks, shown again when it arrives), the
           section said then (issue 18); a small one's structure is there
           in a few milliseconds: waited for, the section said at once */
        view_goto(&T->V, off);
        if (T->d.len <= RESUME_WAIT_MAX)
            st_wait(&T->st);
        T->resumed = off + 1; /* said when drawn: with the status line's percent */
    }
    T->saved_top = view_top(&T->V);
    T->last_save = now_ms();
    const char *w = store_warning(T->S); /* a write failed already (a full disk) */
    if (w) {
        size_t k = strlen(T->msg);
        snprintf(T->msg + k, sizeof T->msg - k, "%s%s", k ? "; " : "", w);
    }
    if (T->mem.moved || !exact) { /* first: the status line may cut it */
        char was[sizeof T->msg];
        snprintf(was, sizeof was, "%s", T->msg);
        snprintf(T->msg, sizeof T->msg, "bookmark moved: text changed%s%.400s",
                 was[0] ? "; " : "", was);
    }
}

/* The memory of the document loaded from file i: where it was left, its
 * marks. */
static void remember(tui_t *T, int i)
{
    mem_open(&T->mem, T->S, &T->d, &T->st, T->files[i], 1);
    if (T->filepos[i])
        view_goto(&T->V, T->filepos[i] - 1);
    if (!T->mem.pending)
        recall(T, i);
}

int session_load(tui_t *T, int i, char *err, size_t errn)
{
    doc_t d;
    const char *path = T->files[i];
    int r = doc_open(&d, path, &T->o->dopt);
    if (r != DOC_OK) {
        doc_error(&d, r, err, errn);
        doc_close(&d);
        return -1;
    }
    session_unload(T);
    T->d = d;
    T->cur = i;
    st_build_async(&T->st, T->d.text, T->d.len, T->o->format, path);
    st_show_soon(&T->st); /* a jump far ahead shows the text before its structure */
    layout_opts_t lo = {.width = T->col, .indent = T->o->indent, .ruby = T->o->ruby,
                        .hang = T->hang};
    view_init(&T->V, &T->st, &lo);
    T->rt = rt_start(T->d.text, T->d.len);
    search_init(&T->srch, T->d.text, T->d.len);
    if (doc_mapped(&T->d))
        search_use_file(&T->srch, path, T->d.bom);
    if (T->st.pieces) /* Aozora, HTML (built already: whole) */
        search_use_pieces(&T->srch, T->st.pieces, T->st.npieces);
    T->loaded = 1;
    T->keys_since_open = 0;
    remember(T, i);
    return 0;
}

void session_first_search(tui_t *T)
{
    if (T->srch.id[0] || T->o->no_index)
        return;
    char id[48]; /* (a large text still being hashed: one made by --index) */
    if (!T->mem.pending)
        search_use_index(&T->srch, T->mem.id);
    else if (ident_doc_known(T->d.path, &T->d, id) == 0)
        search_use_index(&T->srch, id);
    if (T->srch.id[0] && !T->index_at)
        T->index_at = now_ms() + 2000;
}

nav_query_t *session_last_query(tui_t *T, int wait)
{
    if (!T->has_query)
        return NULL;
    if (T->qstale) {
        const char *s = T->qtyped;
        if (!wait && (s[0] == '@' || s[0] == '#') && !st_ready(&T->st))
            return NULL; /* (not now: the first screen does not wait) */
        char err[300];
        if (nav_query_parse(&T->lastq, &T->st, s, strlen(s), T->o->search_flags, err,
                            sizeof err) < 0) {
            if (wait) { /* n: said, and dropped (a highlight: nothing) */
                snprintf(T->msg, sizeof T->msg, "%s", err);
                T->has_query = 0;
            }
            return NULL;
        }
        T->qstale = 0;
    }
    return &T->lastq;
}

/* Look at the file every two seconds; say once when it has changed. */
static int watch(tui_t *T)
{
    long long now = now_ms();
    if (now - T->changed_at < 2000)
        return 0;
    T->changed_at = now;
    int c = doc_changed(&T->d);
    if (c == T->changed)
        return 0;
    T->changed = c;
    static const char *const what[] = {
        [DOC_MODIFIED] = "the file has changed on disk: R reloads it",
        [DOC_REPLACED] = "the file was replaced on disk: R loads the new one",
        [DOC_GONE] = "the file was deleted: what was loaded is still shown",
        [DOC_TRUNCATED] = "the file shrank on disk: what is gone shows as NUL; R reloads it",
    };
    if (c != DOC_SAME)
        snprintf(T->msg, sizeof T->msg, "%s", what[c]);
    return 1;
}

int session_idle(tui_t *T)
{
    int redraw = 0;
    if (now_ms() - T->last_save >= 5000)
        session_save(T, 0); /* every few seconds while reading */
    if (T->index_at && now_ms() >= T->index_at && T->srch.id[0]) {
        search_prepare_async(&T->srch, T->o->search_flags);
        T->index_at = 0;
    }
    if (!term_quit && watch(T))
        redraw = 1;
    if (mem_poll(&T->mem)) { /* a large file's identity */
        recall(T, T->cur);
        redraw = 1;
    }
    return redraw;
}

/* R: the file again, at the same place (found again by its words, as
 * after a restart); what was shown stays when it cannot be loaded. */
void session_reload(tui_t *T)
{
    if (!strcmp(T->files[T->cur], "-")) {
        snprintf(T->msg, sizeof T->msg, "standard input cannot be read again");
        return;
    }
    anchor_t a;
    anchor_make(&T->st, view_top(&T->V), &a);
    char err[300];
    int i = T->cur;
    T->filepos[i] = 0;
    if (session_load(T, i, err, sizeof err) < 0) {
        snprintf(T->msg, sizeof T->msg, "%s", err);
        return;
    }
    int exact;
    view_goto(&T->V, anchor_resolve(&T->st, &a, &exact));
    T->changed = DOC_SAME;
    T->changed_at = now_ms();
    snprintf(T->msg, sizeof T->msg, "reloaded%s",
             exact ? "" : " (the place found again by its words)");
}

void session_skipped(tui_t *T, int i, const char *err, int stayed)
{
    buf_t p = {0}, name = {0}; /* (doc_error's path is terminal-safe) */
    buf_add(&p, "", 0);
    buf_add(&name, "", 0);
    text_sanitize(&p, T->files[i], strlen(T->files[i]));
    text_sanitize(&name, path_base(T->files[i]), strlen(path_base(T->files[i])));
    const char *why = err;
    if (!strncmp(err, p.p, p.n) && !strncmp(err + p.n, ": ", 2))
        why = err + p.n + 2;
    snprintf(T->msg, sizeof T->msg, "%s %d/%d %.200s: %.200s", stayed ? "cannot open" : "skipped",
             i + 1, T->nfiles, name.p, why);
    buf_free(&p);
    buf_free(&name);
}

void session_switch(tui_t *T, int dir)
{
    int i = T->cur + dir;
    if (i < 0 || i >= T->nfiles) {
        snprintf(T->msg, sizeof T->msg, dir > 0 ? "no next file" : "no previous file");
        return;
    }
    T->filepos[T->cur] = view_top(&T->V) + 1;
    char err[300], skipped[300];
    int from = T->cur;
    while (i >= 0 && i < T->nfiles) {
        if (session_load(T, i, err, sizeof err) == 0) {
            if (i != from + dir) /* (one was skipped) */
                session_skipped(T, i - dir, skipped, 0);
            return;
        }
        snprintf(skipped, sizeof skipped, "%s", err);
        session_skipped(T, i, err, 1); /* (unless one after it opens) */
        T->rc = 2;
        i += dir;
    }
}
