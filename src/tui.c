#define _XOPEN_SOURCE_EXTENDED 1
#include "tui.h"
#include "anchor.h"
#include "files.h"
#include "layout.h"
#include "memory.h"
#include "readtime.h"
#include "search.h"
#include "structure.h"
#include "term.h"
#include "text.h"
#include "util.h"
#include "view.h"

#include <curses.h>
#include <sys/stat.h>
#include <unistr.h>
#include <errno.h>
#include <limits.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unigbrk.h>
#include <unistd.h>
#include <wchar.h>

#define NHIST 32

enum { PAIR_HL = 7, PAIR_BAR = 8, PAIR_HEAD = 9 };
static const short speaker_colors[] = {COLOR_RED, COLOR_GREEN, COLOR_YELLOW,
                                       COLOR_BLUE, COLOR_MAGENTA, COLOR_CYAN};
#define NSPCOL 6

/* A search as typed: scopes, then the query. */
typedef struct {
    char *raw;        /* the query after its scopes and prefixes */
    int speaker;      /* @NAME: only NAME's turns (-1: any) */
    int has_sec;      /* #N or #title: only that section */
    size_t sec_lo, sec_hi;
    query_t q;        /* compiled; q.q NULL for @NAME alone */
} tquery_t;

typedef struct tui {
    const tui_opts_t *o;
    char **files;
    int nfiles, cur, rc;
    size_t *filepos; /* 1 + the top of each file left with :n / :p (0: none) */
    /* the open document */
    doc_t d;
    structure_t st;
    view_t V;
    int loaded;
    char *title;          /* display bytes */
    short *spcolor;       /* colour pair of each speaker */
    size_t *turns;        /* every turn start, sorted */
    size_t nturns;
    int have_turns;
    rt_t *rt;             /* reading time left */
    /* screen */
    int width;       /* the reading column asked for (< and > change it) */
    int col, left, rows, sticky, too_small;
    int color;
    /* reading state */
    int focus, filter;
    size_t marks[26];
    unsigned marked;
    size_t last_jump;
    int has_jump;
    char msg[512];
    /* search */
    tquery_t lastq;  /* the last search */
    int qdir;        /* its direction */
    int has_query;
    tquery_t hlt;    /* what the prompt is typing */
    int hl_active;   /* highlight hlt (in the prompt), else last */
    match_t last;    /* the last match gone to */
    int has_last;
    char *hist[NHIST];
    int nhist;
    match_t *mv;
    size_t mcap;
    size_t *outline;  /* the outline panel's headings (indices) */
    void (*bg)(struct tui *T); /* what a prompt draws behind it (NULL: the page) */
    /* memory */
    store_t *S;
    memory_t mem;
    size_t saved_top;
    int at_end;      /* placed by G: the last line stays at the bottom */
    int changed;     /* doc_changed() when last looked at (DOC_*) */
    long long changed_at; /* when the file was last looked at */
    long long index_at; /* when to make the search index in the background
                           (0: done): not for a document opened and left */
    long long last_save;
    int keys_since_open;
    search_t srch;   /* the open document, for searching */
    char warn[512];   /* the store's warning, shown once */
} tui_t;

/* ---- drawing ---------------------------------------------------------- */

/* Draw display bytes s[0..n) from column x, not past column xmax
 * (exclusive): each character with the zero-width ones after it as one
 * cell group. Returns the column after. */
static int put_bytes(int y, int x, int xmax, const char *s, size_t n,
                     attr_t at, short pair)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        i += (size_t)text_decode(s + i, n - i, &cp);
        wchar_t wc[CCHARW_MAX + 1];
        int nw = 0;
        wc[nw++] = (wchar_t)cp;
        int w = wcwidth((wchar_t)cp);
        while (i < n) {
            uint32_t c2;
            int k = text_decode(s + i, n - i, &c2);
            if (wcwidth((wchar_t)c2) != 0)
                break;
            if (nw < CCHARW_MAX)
                wc[nw++] = (wchar_t)c2;
            i += (size_t)k;
        }
        wc[nw] = 0;
        if (w <= 0)
            continue;
        if (x + w > xmax)
            return xmax;
        cchar_t cc;
        setcchar(&cc, wc, at, pair, NULL);
        mvadd_wch(y, x, &cc);
        x += w;
    }
    return x;
}

/* Draw a UTF-8 string from the outside (a title, a query) made safe. */
static int put_safe(int y, int x, int xmax, const char *s, size_t n, attr_t at,
                    short pair)
{
    buf_t b = {0};
    buf_add(&b, "", 0);
    text_sanitize(&b, s, n);
    x = put_bytes(y, x, xmax, b.p, b.n, at, pair);
    buf_free(&b);
    return x;
}

/* A message quoting text from outside (a name, a query) made safe:
 * before + text + after, into out. */
static void say_safe(char *out, size_t on, const char *before, const char *s, size_t n,
                     const char *after)
{
    buf_t b = {0};
    buf_adds(&b, before);
    text_sanitize(&b, s, n);
    buf_adds(&b, after);
    size_t k = b.n < on ? b.n : on - 1; /* (cut as snprintf would) */
    memcpy(out, b.p, k);
    out[k] = '\0';
    buf_free(&b);
}

static attr_t style_attr(const tui_t *T, int style, int speaker, short *pair)
{
    attr_t a = 0;
    *pair = 0;
    if (style & (SP_STRONG | SP_HEADING | SP_SPEAKER))
        a |= A_BOLD;
    if (style & SP_EM)
        a |= A_ITALIC;
    if (style & SP_LINK)
        a |= A_UNDERLINE;
    if (style & (SP_CODE | SP_DEL))
        a |= A_DIM;
    if (T->color) {
        if ((style & SP_SPEAKER) && speaker >= 0 && T->spcolor)
            *pair = T->spcolor[speaker];
        else if (style & SP_HEADING)
            *pair = PAIR_HEAD;
    }
    return a;
}

/* Is document byte src inside one of the n matches (sorted)? *k walks. */
static int in_match(const match_t *m, size_t n, size_t *k, size_t src)
{
    while (*k < n && m[*k].b <= src)
        (*k)++;
    return *k < n && m[*k].a <= src;
}

static void draw_line(tui_t *T, int y, const pline_t *l, const match_t *m,
                      size_t nm)
{
    const page_t *P = &T->V.page;
    int x = T->left, xmax = T->left + T->col;
    if (xmax > COLS)
        xmax = COLS;
    /* leads (quote bars, markers) and indent */
    x = put_bytes(y, x, xmax, P->out.p + l->off, l->text - l->off,
                  T->color ? 0 : A_DIM, T->color ? PAIR_BAR : 0);
    uint32_t end = l->off + l->len - ((l->flags & RL_CUT) ? 3 : 0);
    uint32_t r = l->run0, rend = l->run0 + l->nrun;
    int style = 0;
    size_t k = 0;
    for (uint32_t g = l->g0; g < l->g0 + l->ng; g++) {
        const glyph_t *q = &P->glyphs[g];
        uint32_t ge = g + 1 < l->g0 + l->ng ? P->glyphs[g + 1].o : end;
        while (r < rend && P->runs[r].off <= q->o)
            style = P->runs[r++].style;
        short pair;
        attr_t a = style_attr(T, style, l->speaker, &pair);
        if (nm && in_match(m, nm, &k, q->src)) {
            a |= A_REVERSE;
            if (T->color)
                pair = PAIR_HL, a &= ~(attr_t)A_REVERSE;
        }
        x = put_bytes(y, x, xmax, P->out.p + q->o, ge - q->o, a, pair);
    }
    if (l->flags & RL_CUT)
        put_bytes(y, x, xmax, P->out.p + end, 3, A_DIM, 0);
}

/* ---- the document ------------------------------------------------------ */

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s && s[1] ? s + 1 : p;
}

/* What the structure knows once built: title, speaker colours. */
static void learn_structure(tui_t *T)
{
    if (T->title || !st_ready(&T->st))
        return;
    buf_t b = {0};
    buf_add(&b, "", 0);
    const structure_t *st = &T->st;
    if (st->has_fm && st->fm.title)
        buf_adds(&b, st->fm.title);
    else if (st->nheadings && st->headings[0].level == 0)
        st_heading_text(st, &st->headings[0], &b);
    buf_t s = {0};
    buf_add(&s, "", 0);
    if (b.n)
        text_sanitize(&s, b.p, b.n);
    else
        text_sanitize(&s, base_name(T->files[T->cur]), strlen(base_name(T->files[T->cur])));
    T->title = s.p;
    buf_free(&b);
    /* speaker colours: stable per name (a hash of it), distinct within
     * the document while there are colours left */
    T->spcolor = xmalloc((st->nspeakers + 1) * sizeof *T->spcolor);
    int used[NSPCOL] = {0};
    for (size_t i = 0; i < st->nspeakers; i++) {
        uint32_t h = 2166136261u;
        for (size_t j = 0; j < st->speakers[i].name_len; j++)
            h = (h ^ (unsigned char)st->text[st->speakers[i].name_off + j]) * 16777619u;
        int c = (int)(h % NSPCOL);
        for (int t = 0; t < NSPCOL && used[c] && i < NSPCOL; t++)
            c = (c + 1) % NSPCOL;
        used[c] = 1;
        T->spcolor[i] = (short)(c + 1);
    }
}

static void title_fallback(tui_t *T, buf_t *b)
{
    if (T->title)
        buf_adds(b, T->title);
    else
        text_sanitize(b, base_name(T->files[T->cur]), strlen(base_name(T->files[T->cur])));
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Every turn start, of every speaker, in order. */
static void need_turns(tui_t *T)
{
    if (T->have_turns)
        return;
    st_wait(&T->st);
    learn_structure(T);
    const structure_t *st = &T->st;
    size_t n = 0;
    for (size_t i = 0; i < st->nspeakers; i++)
        n += st->speakers[i].turns;
    T->turns = xmalloc((n + 1) * sizeof *T->turns);
    for (size_t i = 0; i < st->nspeakers; i++)
        for (size_t j = 0; j < st->speakers[i].turns; j++)
            T->turns[T->nturns++] = st->speakers[i].turn_offsets[j];
    qsort(T->turns, T->nturns, sizeof *T->turns, cmp_size);
    T->have_turns = 1;
}

/* Save where the reader is (unless forced: only when it moved since the
 * last save). */
static void save_position(tui_t *T, int force)
{
    if (!T->loaded || !T->S)
        return;
    size_t top = view_top(&T->V);
    T->last_save = now_ms();
    if (top == T->saved_top && !force)
        return;
    mem_save_position(&T->mem, top);
    T->saved_top = top;
    const char *w = store_warning(T->S);
    if (w)
        snprintf(T->msg, sizeof T->msg, "%s", w);
}

static void unload(tui_t *T)
{
    if (!T->loaded)
        return;
    if (!T->mem.pending || view_top(&T->V) != T->saved_top)
        save_position(T, 1); /* (not a large text left at once, unmoved) */
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
    T->focus = T->filter = -1;
    T->marked = 0;
    T->has_jump = T->has_last = 0;
    T->loaded = 0;
}

/* The memory of the document just opened: marks, and where it was left
 * (unless --from-start, or this session already left it elsewhere). */
static void recall(tui_t *T, int i);

static void remember(tui_t *T, int i)
{
    mem_open(&T->mem, T->S, &T->d, &T->st, T->files[i], 1);
    T->keys_since_open = 0;
    if (T->filepos[i])
        view_goto(&T->V, T->filepos[i] - 1);
    if (!T->mem.pending)
        recall(T, i);
}

/* The marks, and where the document was left (once its identity is
 * known; not when the reader moved meanwhile). */
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
        view_goto(&T->V, off);
        st_wait(&T->st);
        buf_t sec = {0};
        buf_add(&sec, "", 0);
        long h = st_section_at(&T->st, off);
        if (h >= 0) {
            buf_t t = {0};
            st_heading_text(&T->st, &T->st.headings[h], &t);
            buf_adds(&sec, " (§");
            text_sanitize(&sec, t.p, t.n > 60 ? 60 : t.n);
            buf_adds(&sec, ")");
            buf_free(&t);
        }
        snprintf(T->msg, sizeof T->msg, "resumed at %d%%%s", 
                 T->st.len ? (int)(off * 100 / T->st.len) : 0, sec.p);
        buf_free(&sec);
    }
    T->saved_top = view_top(&T->V);
    T->last_save = now_ms();
    if (T->mem.moved || !exact) { /* first: the status line may cut it */
        char was[sizeof T->msg];
        snprintf(was, sizeof was, "%s", T->msg);
        snprintf(T->msg, sizeof T->msg, "bookmark moved: text changed%s%.400s",
                 was[0] ? "; " : "", was);
    }
}

/* Open file i; on failure set *err and return -1. */
static int load(tui_t *T, int i, char *err, size_t errn)
{
    doc_t d;
    const char *path = T->files[i];
    int r = doc_open(&d, path, &T->o->dopt);
    if (r != DOC_OK) {
        doc_error(&d, r, err, errn);
        doc_close(&d);
        return -1;
    }
    unload(T);
    T->d = d;
    T->cur = i;
    st_build_async(&T->st, T->d.text, T->d.len, T->o->format, path);
    __atomic_store_n(&T->st.soon, 1, __ATOMIC_RELAXED); /* a jump far ahead shows
                                          the text before its structure */
    layout_opts_t lo = {.width = T->col, .indent = T->o->indent};
    view_init(&T->V, &T->st, &lo);
    T->rt = rt_start(T->d.text, T->d.len);
    search_init(&T->srch, T->d.text, T->d.len);
    if (doc_mapped(&T->d))
        search_use_file(&T->srch, path, T->d.bom);
    T->loaded = 1;
    remember(T, i);
    return 0;
}

/* ---- geometry and status ------------------------------------------------ */

static void geometry(tui_t *T, int width)
{
    T->too_small = COLS < 20 || LINES < 6;
    int col = width < COLS ? width : COLS;
    if (col < LAYOUT_MIN_WIDTH)
        col = LAYOUT_MIN_WIDTH;
    T->left = COLS > col ? (COLS - col) / 2 : 0;
    if (col != T->col) {
        T->col = col;
        if (T->loaded)
            view_set_width(&T->V, col);
    }
}

static void speaker_name(const tui_t *T, int k, buf_t *b)
{
    const speaker_t *p = &T->st.speakers[k];
    text_sanitize(b, T->st.text + p->name_off, p->name_len);
}

/* Put p[0..n) before the string s (of cap bytes) when it fits. */
static void prepend(char *s, size_t cap, const char *p, size_t n)
{
    size_t k = strlen(s);
    if (n + k < cap) {
        memmove(s + n, s, k + 1);
        memcpy(s, p, n);
    }
}

static void draw_status(tui_t *T, const pline_t *top)
{
    int y = LINES - 1, xmax = COLS - 1; /* never the bottom-right cell */
    attrset(A_REVERSE);
    mvhline(y, 0, ' ', COLS - 1);
    char right[160];
    size_t off = top ? top->start : 0;
    int pct = T->V.page.at_end || T->st.len == 0
                  ? 100 : (int)(off * 100 / T->st.len);
    long left = T->V.page.at_end ? 0 : rt_minutes_left(T->rt, off);
    if (left >= 0)
        snprintf(right, sizeof right, " %d%%  %ld min left ", pct, left);
    else
        snprintf(right, sizeof right, " %d%% ", pct);
    if (T->focus >= 0) { /* the focus goes first: it changes what keys do */
        buf_t f = {0};
        buf_adds(&f, T->filter ? " only @" : " @");
        speaker_name(T, T->focus, &f);
        prepend(right, sizeof right, f.p, f.n);
        buf_free(&f);
    }
    if (T->changed != DOC_SAME) { /* until R: the file is not what is shown */
        const char *c = T->changed == DOC_GONE ? " [deleted]" : " [changed: R]";
        prepend(right, sizeof right, c, strlen(c));
    }
    int rw = (int)text_width(right, strlen(right));
    buf_t b = {0};
    buf_add(&b, "", 0);
    if (T->msg[0]) {
        buf_adds(&b, T->msg);
    } else {
        title_fallback(T, &b);
        if (st_ready(&T->st) && top) {
            long h = st_section_at(&T->st, top->end > top->start ? top->end - 1 : top->start);
            if (h >= 0) {
                buf_t t = {0};
                st_heading_text(&T->st, &T->st.headings[h], &t);
                buf_adds(&b, " │ § ");
                text_sanitize(&b, t.p, t.n);
                buf_free(&t);
            }
            if (top->speaker >= 0 && top->kind == BK_PARA) {
                buf_adds(&b, " │ ");
                speaker_name(T, top->speaker, &b);
            }
        }
        if (T->nfiles > 1) {
            char f[32];
            snprintf(f, sizeof f, " │ %d/%d", T->cur + 1, T->nfiles);
            buf_adds(&b, f);
        }
    }
    int lmax = xmax - rw > 1 ? xmax - rw : xmax;
    put_bytes(y, 1, lmax, b.p, b.n, A_REVERSE, 0);
    buf_free(&b);
    if (xmax - rw > 1)
        put_bytes(y, xmax - rw, xmax, right, strlen(right), A_REVERSE, 0);
    attrset(A_NORMAL);
}

static int in_scope(tui_t *T, const tquery_t *Q, size_t off);

/* Matches on the page of the query typed (in the prompt) or searched. */
static size_t page_matches(tui_t *T)
{
    const page_t *P = &T->V.page;
    tquery_t *Q = T->hl_active ? &T->hlt : T->has_query ? &T->lastq : NULL;
    if (!Q || !Q->q.q || P->n == 0)
        return 0;
    size_t lo = P->v[0].start, hi = P->v[P->n - 1].end + 1;
    size_t n = search_range(&T->srch, &Q->q, lo, hi, &T->mv, &T->mcap);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (in_scope(T, Q, T->mv[i].a))
            T->mv[k++] = T->mv[i];
    return k;
}

static void draw(tui_t *T)
{
    erase();
    if (T->too_small) {
        put_bytes(0, 0, COLS, "terminal too small", 18, A_BOLD, 0);
        refresh();
        return;
    }
    learn_structure(T);
    int rows = LINES - 1;
    view_fill(&T->V, rows);
    const page_t *P = &T->V.page;
    const pline_t *top = P->n ? &P->v[0] : NULL;
    /* a sticky header: the section whose heading has scrolled away */
    long h = -1;
    T->sticky = 0;
    if (top && st_ready(&T->st)) {
        h = st_section_at(&T->st, top->end > top->start ? top->end - 1 : top->start);
        if (h >= 0 && T->st.headings[h].end <= top->start)
            T->sticky = 1;
    }
    T->rows = rows - T->sticky;
    if (T->at_end && T->sticky) { /* the header takes a row: the end stays in view */
        view_end(&T->V, T->rows);
        view_fill(&T->V, rows);
    }
    if (T->sticky) {
        buf_t t = {0};
        st_heading_text(&T->st, &T->st.headings[h], &t);
        int xmax = T->left + T->col < COLS ? T->left + T->col : COLS;
        short pair = T->color ? PAIR_HEAD : 0;
        mvhline(0, T->left, ' ', xmax - T->left);
        put_safe(0, T->left, xmax, t.p, t.n, A_BOLD | A_UNDERLINE, pair);
        buf_free(&t);
    }
    size_t nm = page_matches(T);
    for (int i = 0; i < T->rows && (size_t)i < P->n; i++)
        draw_line(T, i + T->sticky, &P->v[i], T->mv, nm);
    draw_status(T, top);
    refresh();
}

/* ---- moving ------------------------------------------------------------- */

static void jump_from_here(tui_t *T)
{
    T->last_jump = view_top(&T->V);
    T->has_jump = 1;
}

static void go(tui_t *T, size_t off)
{
    jump_from_here(T);
    view_goto(&T->V, off);
}

/* The top line's document range (filled by the last draw). */
static void top_range(tui_t *T, size_t *s, size_t *e)
{
    view_fill(&T->V, 1);
    const page_t *P = &T->V.page;
    *s = P->n ? P->v[0].start : 0;
    *e = P->n ? P->v[0].end : 0;
}

static void next_heading(tui_t *T, int dir)
{
    st_wait(&T->st);
    size_t s, e;
    top_range(T, &s, &e);
    const structure_t *st = &T->st;
    long found = -1;
    for (size_t i = 0; i < st->nheadings; i++) {
        const heading_t *h = &st->headings[i];
        if (h->level == 0)
            continue;
        if (dir > 0 && h->start >= e && (h->start > s || e == s)) {
            found = (long)i;
            break;
        }
        if (dir < 0 && h->start < s)
            found = (long)i;
    }
    if (found < 0)
        snprintf(T->msg, sizeof T->msg, dir > 0 ? "no next section" : "no previous section");
    else
        go(T, st->headings[found].start);
}

/* Index of the first offset of sorted v after the top line [s, e)
 * (dir > 0), or of the last one before it; -1 if none. */
static long next_offset(const size_t *v, size_t n, size_t s, size_t e, int dir)
{
    long found = -1;
    for (size_t i = 0; i < n; i++) {
        if (dir > 0 && v[i] >= e && (v[i] > s || e == s))
            return (long)i;
        if (dir < 0 && v[i] < s)
            found = (long)i;
    }
    return found;
}

static void next_turn(tui_t *T, int dir)
{
    need_turns(T);
    size_t s, e;
    top_range(T, &s, &e);
    const size_t *v = T->turns;
    size_t n = T->nturns;
    if (T->focus >= 0) {
        v = T->st.speakers[T->focus].turn_offsets;
        n = T->st.speakers[T->focus].turns;
    }
    long found = next_offset(v, n, s, e, dir);
    if (found < 0)
        snprintf(T->msg, sizeof T->msg, n ? (dir > 0 ? "no next turn" : "no previous turn")
                                          : "no speaker turns in this document");
    else
        go(T, v[found]);
}

/* ---- search ------------------------------------------------------------- */

/* Is a match in the scope (speaker k's turns; -1: anywhere)? */
static int in_speaker(tui_t *T, size_t off, int k)
{
    if (k < 0)
        return 1;
    st_cursor_t c;
    block_t b;
    return st_at(&T->st, off, &c, &b) && b.speaker == k &&
           (b.flags & (BF_TURN | BF_CONT));
}

/* Is a match at off inside the query's scopes (and the filter)? */
static int in_scope(tui_t *T, const tquery_t *Q, size_t off)
{
    if (Q->has_sec && (off < Q->sec_lo || off >= Q->sec_hi))
        return 0;
    return in_speaker(T, off, Q->speaker) && (!T->filter || in_speaker(T, off, T->focus));
}

static void tquery_free(tquery_t *Q)
{
    free(Q->raw);
    query_free(&Q->q);
    memset(Q, 0, sizeof *Q);
    Q->speaker = -1;
}

static int is_blank_at(const char *s, size_t n, size_t i)
{
    return s[i] == ' ' || (n - i >= 3 && !memcmp(s + i, "\u3000", 3));
}

/* The section #N (1-based, among the headings) or #TITLE (a heading whose
 * text holds TITLE): its range. */
static int find_section(tui_t *T, const char *t, size_t n, size_t *lo, size_t *hi)
{
    st_wait(&T->st);
    const structure_t *st = &T->st;
    long want = -1, k = 0, found = -1;
    char *end;
    char tmp[32];
    if (n < sizeof tmp) {
        memcpy(tmp, t, n);
        tmp[n] = 0;
        long v = strtol(tmp, &end, 10);
        if (n && *end == 0 && v > 0)
            want = v;
    }
    buf_t b = {0};
    for (size_t i = 0; i < st->nheadings && found < 0; i++) {
        if (st->headings[i].level == 0)
            continue;
        k++;
        st_heading_text(st, &st->headings[i], &b);
        if (want > 0 ? k == want : memmem(b.p, b.n, t, n) != NULL)
            found = (long)i;
    }
    buf_free(&b);
    if (found < 0)
        return -1;
    *lo = st->headings[found].start;
    *hi = st->len;
    for (size_t i = (size_t)found + 1; i < st->nheadings; i++)
        if (st->headings[i].level > 0 && st->headings[i].level <= st->headings[found].level) {
            *hi = st->headings[i].start;
            break;
        }
    return 0;
}

/* Parse "[@NAME] [#N|#TITLE] [re:]query" into Q; 0, or -1 with err. */
static int parse_query(tui_t *T, const char *s, size_t n, tquery_t *Q, char *err, size_t en)
{
    if (!T->srch.id[0] && !T->o->no_index) { /* the first search: its index */
        char id[48]; /* (a large text still being hashed: one made by --index) */
        if (!T->mem.pending)
            search_use_index(&T->srch, T->mem.id);
        else if (mem_ident_known(T->d.path, &T->d, id) == 0)
            search_use_index(&T->srch, id);
        if (T->srch.id[0] && !T->index_at)
            T->index_at = now_ms() + 2000;
    }
    tquery_free(Q);
    err[0] = 0;
    size_t i = 0;
    while (i < n && (s[i] == '@' || s[i] == '#')) {
        size_t e = i + 1;
        while (e < n && !is_blank_at(s, n, e))
            e++;
        if (s[i] == '@') {
            Q->speaker = st_speaker_find(&T->st, s + i + 1, e - i - 1);
            if (Q->speaker < 0) {
                say_safe(err, en, "no speaker named ", s + i + 1, e - i - 1, "");
                return -1;
            }
        } else {
            if (find_section(T, s + i + 1, e - i - 1, &Q->sec_lo, &Q->sec_hi) < 0) {
                say_safe(err, en, "no section ", s + i + 1, e - i - 1, "");
                return -1;
            }
            Q->has_sec = 1;
        }
        i = e;
        while (i < n && is_blank_at(s, n, i))
            i += s[i] == ' ' ? 1 : 3;
    }
    int flags = T->o->search_flags;
    if (n - i >= 3 && !memcmp(s + i, "re:", 3)) {
        flags |= SEARCH_REGEX;
        i += 3;
    } else if (T->st.markdown) { /* across the line breaks joined when shown */
        flags |= SEARCH_SOFTBR;
    }
    Q->raw = xmalloc(n - i + 1);
    memcpy(Q->raw, s + i, n - i);
    Q->raw[n - i] = 0;
    if (i == n) {
        if (Q->speaker >= 0)
            return 0; /* @NAME alone: its turns */
        snprintf(err, en, "empty search");
        return -1;
    }
    return query_set(&Q->q, s + i, n - i, flags, err, en);
}

/* Go to the next match (dir > 0) or the previous one of the last search,
 * from the last match when it is on the screen, else from the top. */
static void search_go(tui_t *T, int dir)
{
    if (!T->has_query) {
        snprintf(T->msg, sizeof T->msg, "no previous search");
        return;
    }
    size_t top, s, e;
    top_range(T, &s, &e);
    top = s;
    view_fill(&T->V, T->rows > 0 ? T->rows : 1);
    const page_t *P = &T->V.page;
    size_t pend = P->n ? P->v[P->n - 1].end : top;
    size_t from = top;
    int onscreen = T->has_last && T->last.a >= top && T->last.a < pend + 1;
    if (onscreen)
        from = dir > 0 ? T->last.a + 1 : T->last.a;
    if (!T->lastq.q.q) { /* @NAME alone: its turns */
        const speaker_t *p = &T->st.speakers[T->lastq.speaker];
        long found = next_offset(p->turn_offsets, p->turns, s, e, dir);
        if (found < 0 && p->turns) {
            found = dir > 0 ? 0 : (long)p->turns - 1;
            snprintf(T->msg, sizeof T->msg, dir > 0 ? "last turn passed, continuing at the first"
                                                    : "first turn passed, continuing at the last");
        }
        if (found >= 0)
            go(T, p->turn_offsets[found]);
        return;
    }
    match_t m;
    int wrapped = 0;
    size_t bound = dir > 0 ? T->st.len : 0, start = from;
    for (;;) {
        int ok = search_find_within(&T->srch, &T->lastq.q, from, bound, dir, &m);
        while (ok && !in_scope(T, &T->lastq, m.a))
            ok = search_find_within(&T->srch, &T->lastq.q, dir > 0 ? m.a + 1 : m.a, bound, dir,
                                    &m);
        if (ok)
            break;
        if (wrapped) {
            say_safe(T->msg, sizeof T->msg, "not found: ", T->lastq.raw, strlen(T->lastq.raw), "");
            return;
        }
        wrapped = 1; /* the rest, up to where the search started */
        from = dir > 0 ? 0 : T->st.len;
        bound = dir > 0 ? start + 1 : start;
    }
    if (wrapped)
        snprintf(T->msg, sizeof T->msg, dir > 0 ? "search hit bottom, continuing at top"
                                                : "search hit top, continuing at bottom");
    T->last = m;
    T->has_last = 1;
    go(T, m.a);
}

/* ---- the prompt --------------------------------------------------------- */

/* Grapheme boundaries of s[0..n): the one before / after byte i. */
static size_t gb_prev(const char *s, size_t n, size_t i)
{
    if (i == 0)
        return 0;
    char *br = xmalloc(n + 1);
    u8_grapheme_breaks((const uint8_t *)s, n, br);
    size_t j = i - 1;
    while (j > 0 && !br[j])
        j--;
    free(br);
    return j;
}

static size_t gb_next(const char *s, size_t n, size_t i)
{
    if (i >= n)
        return n;
    char *br = xmalloc(n + 1);
    u8_grapheme_breaks((const uint8_t *)s, n, br);
    size_t j = i + 1;
    while (j < n && !br[j])
        j++;
    free(br);
    return j;
}

static void set_highlight(tui_t *T, const char *s, size_t n)
{
    char err[256];
    if (parse_query(T, s, n, &T->hlt, err, sizeof err) < 0)
        query_free(&T->hlt.q); /* nothing to show while it is invalid */
}

/* Read a query after `lead` ('/' or '?') on the status line. Returns a
 * new string, or NULL when cancelled. */
static char *prompt(tui_t *T, const char *label, int search)
{
    buf_t b = {0};
    buf_add(&b, "", 0);
    size_t cur = 0;
    int hpos = T->nhist;
    T->hl_active = search;
    for (;;) {
        if (search)
            set_highlight(T, b.p, b.n);
        T->msg[0] = 0;
        if (T->bg)
            T->bg(T);
        else
            draw(T);
        int y = LINES - 1;
        move(y, 0);
        clrtoeol();
        int x = put_bytes(y, 0, COLS - 1, label, strlen(label), A_BOLD, 0);
        x = put_safe(y, x, COLS - 1, b.p, cur, 0, 0);
        put_safe(y, x, COLS - 1, b.p + cur, b.n - cur, 0, 0);
        move(y, x < COLS - 1 ? x : COLS - 2);
        curs_set(1);
        refresh();
        wint_t ch;
        int r = get_wch(&ch);
        if (term_quit) {
            curs_set(0);
            buf_free(&b);
            T->hl_active = 0;
            return NULL;
        }
        if (r == ERR)
            continue;
        if (r == KEY_CODE_YES) {
            switch (ch) {
            case KEY_LEFT:
                cur = gb_prev(b.p, b.n, cur);
                break;
            case KEY_RIGHT:
                cur = gb_next(b.p, b.n, cur);
                break;
            case KEY_HOME:
                cur = 0;
                break;
            case KEY_END:
                cur = b.n;
                break;
            case KEY_BACKSPACE: {
                size_t p = gb_prev(b.p, b.n, cur);
                memmove(b.p + p, b.p + cur, b.n - cur + 1);
                b.n -= cur - p;
                cur = p;
                break;
            }
            case KEY_DC: {
                size_t p = gb_next(b.p, b.n, cur);
                memmove(b.p + cur, b.p + p, b.n - p + 1);
                b.n -= p - cur;
                break;
            }
            case KEY_UP:
            case KEY_DOWN:
                if (!search)
                    break;
                if (ch == KEY_UP && hpos > 0)
                    hpos--;
                else if (ch == KEY_DOWN && hpos < T->nhist)
                    hpos++;
                b.n = 0;
                buf_adds(&b, hpos < T->nhist ? T->hist[hpos] : "");
                cur = b.n;
                break;
            case KEY_ENTER:
                goto done;
            case KEY_RESIZE:
                geometry(T, T->width);
                break;
            }
            continue;
        }
        if (ch == 27) { /* Esc */
            curs_set(0);
            buf_free(&b);
            T->hl_active = 0;
            return NULL;
        }
        if (ch == '\r' || ch == '\n')
            goto done;
        if (ch == 127 || ch == 8) {
            size_t p = gb_prev(b.p, b.n, cur);
            memmove(b.p + p, b.p + cur, b.n - cur + 1);
            b.n -= cur - p;
            cur = p;
            continue;
        }
        if (ch == 21) { /* Ctrl-U */
            b.n = 0;
            b.p[0] = 0;
            cur = 0;
            continue;
        }
        if (ch < 32 || ch == 127)
            continue;
        char mb[MB_LEN_MAX];
        mbstate_t ms;
        memset(&ms, 0, sizeof ms);
        size_t k = wcrtomb(mb, (wchar_t)ch, &ms);
        if (k == (size_t)-1)
            continue;
        grow(&b.p, &b.cap, b.n + k + 1, 1);
        memmove(b.p + cur + k, b.p + cur, b.n - cur + 1);
        memcpy(b.p + cur, mb, k);
        b.n += k;
        cur += k;
    }
done:
    curs_set(0);
    T->hl_active = 0; /* back to the last search's highlight */
    if (b.n && search) {
        if (T->nhist == NHIST) {
            free(T->hist[0]);
            memmove(T->hist, T->hist + 1, (NHIST - 1) * sizeof *T->hist);
            T->nhist--;
        }
        T->hist[T->nhist++] = xstrdup(b.p);
    }
    return b.p;
}

static void do_search(tui_t *T, int dir)
{
    char *s = prompt(T, dir > 0 ? "/" : "?", 1);
    if (!s)
        return;
    if (!*s) { /* empty: repeat the last search */
        free(s);
        if (T->has_query)
            T->qdir = dir, search_go(T, dir);
        return;
    }
    char err[300];
    tquery_t Q;
    memset(&Q, 0, sizeof Q);
    Q.speaker = -1;
    if (parse_query(T, s, strlen(s), &Q, err, sizeof err) < 0) {
        snprintf(T->msg, sizeof T->msg, "%s", err);
        tquery_free(&Q);
        free(s);
        return;
    }
    tquery_free(&T->lastq);
    T->lastq = Q;
    T->qdir = dir;
    T->has_query = 1;
    T->has_last = 0;
    free(s);
    search_go(T, dir);
}

/* ---- panels -------------------------------------------------------------- */

typedef struct {
    const char *title;
    int n, sel, mark; /* mark: the item drawn bold (current, focused) */
    const char *keys; /* more keys that choose the item (returned in *key) */
} list_t;

typedef void (*item_fn)(tui_t *T, int i, buf_t *left, char *right, size_t rn);

/* A full-screen list; returns the chosen item (*key: Enter or one of
 * L->keys), or -1. */
static int run_list(tui_t *T, list_t *L, item_fn item, int *key_out)
{
    int first = 0;
    for (;;) {
        erase();
        int h = LINES - 2;
        if (h < 1)
            h = 1;
        if (L->sel < first)
            first = L->sel;
        if (L->sel >= first + h)
            first = L->sel - h + 1;
        put_bytes(0, 0, COLS - 1, L->title, strlen(L->title), A_BOLD, 0);
        buf_t left = {0};
        for (int i = first; i < L->n && i < first + h; i++) {
            char right[64];
            left.n = 0;
            buf_add(&left, "", 0);
            right[0] = 0;
            item(T, i, &left, right, sizeof right);
            attr_t a = (i == L->sel ? A_REVERSE : 0) | (i == L->mark ? A_BOLD : 0);
            int y = 1 + i - first, rw = (int)strlen(right);
            if (i == L->sel)
                mvchgat(y, 0, COLS - 1, A_REVERSE, 0, NULL);
            put_bytes(y, 1, COLS - 2 - rw, left.p, left.n, a, 0);
            if (COLS - 2 - rw > 1)
                put_bytes(y, COLS - 1 - rw, COLS - 1, right, (size_t)rw, a, 0);
        }
        buf_free(&left);
        if (L->n == 0)
            put_bytes(1, 1, COLS - 1, "(none)", 6, A_DIM, 0);
        refresh();
        wint_t ch;
        int r = get_wch(&ch);
        if (term_quit)
            return -1;
        if (r == ERR)
            continue;
        int key = r == KEY_CODE_YES ? (int)ch + 0x10000 : (int)ch;
        switch (key) {
        case 'j':
        case KEY_DOWN + 0x10000:
            if (L->sel + 1 < L->n)
                L->sel++;
            break;
        case 'k':
        case KEY_UP + 0x10000:
            if (L->sel > 0)
                L->sel--;
            break;
        case KEY_NPAGE + 0x10000:
        case ' ':
            L->sel = L->sel + h < L->n ? L->sel + h : L->n - 1;
            break;
        case KEY_PPAGE + 0x10000:
        case 'b':
            L->sel = L->sel > h ? L->sel - h : 0;
            break;
        case 'g':
        case KEY_HOME + 0x10000:
            L->sel = 0;
            break;
        case 'G':
        case KEY_END + 0x10000:
            L->sel = L->n - 1;
            break;
        case '\r':
        case '\n':
        case KEY_ENTER + 0x10000:
            return L->n ? L->sel : -1;
        case 27:
        case 'q':
            return -1;
        case KEY_RESIZE + 0x10000:
            geometry(T, T->width);
            break;
        default:
            if (key > 0 && key < 128 && L->keys && strchr(L->keys, key) && (L->n || key == '/')) {
                if (key_out)
                    *key_out = key;
                return L->sel;
            }
            break;
        }
        if (L->sel < 0)
            L->sel = 0;
    }
}

/* Outline items: the headings of level > 0. */
static size_t *outline_items(tui_t *T, int *n)
{
    const structure_t *st = &T->st;
    size_t *v = xmalloc((st->nheadings + 1) * sizeof *v);
    *n = 0;
    for (size_t i = 0; i < st->nheadings; i++)
        if (st->headings[i].level > 0)
            v[(*n)++] = i;
    return v;
}

static void outline_item(tui_t *T, int i, buf_t *left, char *right, size_t rn)
{
    const heading_t *h = &T->st.headings[T->outline[i]];
    for (int k = 1; k < h->level; k++)
        buf_adds(left, "  ");
    buf_t t = {0};
    st_heading_text(&T->st, h, &t);
    text_sanitize(left, t.p, t.n);
    buf_free(&t);
    snprintf(right, rn, "%3.0f%%", T->st.len ? h->start * 100.0 / (double)T->st.len : 0.0);
}

static void outline_panel(tui_t *T)
{
    st_wait(&T->st);
    learn_structure(T);
    int n;
    T->outline = outline_items(T, &n);
    size_t s, e;
    top_range(T, &s, &e);
    long cur = st_section_at(&T->st, e > s ? e - 1 : s);
    list_t L = {.title = "Outline: Enter jumps, Esc closes", .n = n, .sel = 0, .mark = -1};
    for (int i = 0; i < n; i++)
        if ((long)T->outline[i] == cur)
            L.sel = L.mark = i;
    int k = run_list(T, &L, outline_item, NULL);
    if (k >= 0)
        go(T, T->st.headings[T->outline[k]].start);
    free(T->outline);
    T->outline = NULL;
}

static void speaker_item(tui_t *T, int i, buf_t *left, char *right, size_t rn)
{
    const speaker_t *p = &T->st.speakers[i];
    buf_adds(left, i == T->focus ? "● " : "  ");
    speaker_name(T, i, left);
    double share = T->st.total_chars ? p->chars * 100.0 / (double)T->st.total_chars : 0;
    snprintf(right, rn, "%zu turns  %4.1f%%", p->turns, share);
}

static void speaker_panel(tui_t *T)
{
    st_wait(&T->st);
    learn_structure(T);
    list_t L = {.title = "Speakers: Enter focuses (again: unfocuses), Esc closes",
                .n = (int)T->st.nspeakers, .sel = T->focus > 0 ? T->focus : 0,
                .mark = T->focus};
    int k = run_list(T, &L, speaker_item, NULL);
    if (k < 0)
        return;
    buf_t b = {0};
    buf_add(&b, "", 0);
    speaker_name(T, k, &b);
    if (k == T->focus) {
        T->focus = -1;
        if (T->filter) {
            T->filter = 0;
            view_set_filter(&T->V, -1);
        }
        snprintf(T->msg, sizeof T->msg, "unfocused %s", b.p);
    } else {
        T->focus = k;
        if (T->filter)
            view_set_filter(&T->V, k);
        snprintf(T->msg, sizeof T->msg, "focused @%s: } and { go through the turns, F filters", b.p);
    }
    buf_free(&b);
}

static const char *const help_lines[] = {
    "juan: keys",
    "",
    "j  Down  Enter      one line down",
    "k  Up               one line up",
    "Space  f  PgDn      one screen down (2 lines of context)",
    "b  PgUp             one screen up",
    "d / u               half a screen down / up",
    "g  Home / G  End    top / bottom",
    "N%  Np              jump to N percent (digits first)",
    "] / [               next / previous section heading",
    "} / {               next / previous speaker turn (of the focused speaker)",
    "t  Tab              outline: sections; Enter jumps, Esc closes",
    "s                   speakers; Enter focuses, Enter again unfocuses",
    "F                   only the focused speaker's turns (and headings); again to leave",
    "/ ?                 search forward / backward (@NAME query: NAME's turns)",
    "n / N               next / previous match",
    "m+letter / '+letter set / jump to a mark (kept);  ''  back to before the last jump",
    "M                   add a bookmark (a name, CJK allowed, and a note)",
    "B                   bookmarks: Enter jumps, r renames, d deletes",
    ":n / :p             next / previous file",
    "< / >               narrower / wider reading column (4 cells)",
    "h  F1               this help",
    "Ctrl-L              redraw",
    "R                   load the file again (changed on disk)",
    "q                   quit",
    "",
    "In the search prompt: Left/Right move, Backspace deletes, Ctrl-U clears,",
    "Up/Down recall earlier searches, Esc cancels, Enter searches.",
    "Mouse wheel: three lines.",
};

static void help_item(tui_t *T, int i, buf_t *left, char *right, size_t rn)
{
    (void)T;
    (void)rn;
    right[0] = 0;
    buf_adds(left, help_lines[i + 1]);
}

static void help_panel(tui_t *T)
{
    list_t L = {.title = help_lines[0],
                .n = (int)(sizeof help_lines / sizeof *help_lines) - 1,
                .sel = 0, .mark = -1};
    run_list(T, &L, help_item, NULL);
}

/* ---- bookmarks ---------------------------------------------------------- */

static void add_bookmark(tui_t *T)
{
    if (!T->S) {
        snprintf(T->msg, sizeof T->msg, "bookmarks are not kept (no state)");
        return;
    }
    size_t top = view_top(&T->V);
    char *name = prompt(T, "bookmark name: ", 0);
    if (!name || !*name) {
        free(name);
        return;
    }
    char *note = prompt(T, "note (optional): ", 0);
    mem_set_bookmark(&T->mem, name, note ? note : "", top);
    const char *w = store_warning(T->S);
    char after[sizeof T->msg];
    snprintf(after, sizeof after, " set%s%s", w ? ": " : "", w ? w : "");
    say_safe(T->msg, sizeof T->msg, "bookmark ", name, strlen(name), after);
    free(name);
    free(note);
}

static bookmark_t *bm_v;

static void bookmark_item(tui_t *T, int i, buf_t *left, char *right, size_t rn)
{
    const bookmark_t *b = &bm_v[i];
    text_sanitize(left, b->name, strlen(b->name));
    if (b->note[0]) {
        buf_adds(left, " (");
        text_sanitize(left, b->note, strlen(b->note));
        buf_adds(left, ")");
    }
    buf_adds(left, "  “");
    text_sanitize(left, b->at.quote, strlen(b->at.quote));
    buf_adds(left, "”");
    char sec[80] = "";
    if (b->at.section[0]) {
        buf_t t = {0};
        buf_add(&t, "", 0);
        text_sanitize(&t, b->at.section, strlen(b->at.section));
        snprintf(sec, sizeof sec, "§%.60s  ", t.p);
        buf_free(&t);
    }
    snprintf(right, rn, "%s%3d%%", sec,
             T->st.len ? (int)(b->at.offset * 100 / T->st.len) : 0);
}

static void bookmark_panel(tui_t *T)
{
    if (!T->S) {
        snprintf(T->msg, sizeof T->msg, "bookmarks are not kept (no state)");
        return;
    }
    st_wait(&T->st);
    for (;;) {
        size_t n = mem_bookmarks(&T->mem, &bm_v);
        list_t L = {.title = "Bookmarks: Enter jumps, r renames, d deletes, Esc closes",
                    .n = (int)n, .sel = 0, .mark = -1, .keys = "rd"};
        int key = 0;
        int k = run_list(T, &L, bookmark_item, &key);
        if (k < 0) {
            free(bm_v);
            bm_v = NULL;
            return;
        }
        char name[256];
        snprintf(name, sizeof name, "%s", bm_v[k].name);
        size_t at = bm_v[k].at.offset;
        free(bm_v);
        bm_v = NULL;
        if (key == 'r') {
            char *to = prompt(T, "new name: ", 0);
            if (to && *to)
                mem_rename(&T->mem, name, to);
            free(to);
        } else if (key == 'd') {
            char *yes = prompt(T, "delete this bookmark? (y/n) ", 0);
            if (yes && (yes[0] == 'y' || yes[0] == 'Y'))
                mem_delete(&T->mem, name);
            free(yes);
        } else {
            go(T, at);
            return;
        }
    }
}

/* ---- the loop ------------------------------------------------------------ */

static void switch_file(tui_t *T, int dir)
{
    int i = T->cur + dir;
    if (i < 0 || i >= T->nfiles) {
        snprintf(T->msg, sizeof T->msg, dir > 0 ? "no next file" : "no previous file");
        return;
    }
    T->filepos[T->cur] = view_top(&T->V) + 1;
    char err[300];
    while (i >= 0 && i < T->nfiles) {
        if (load(T, i, err, sizeof err) == 0)
            return;
        snprintf(T->msg, sizeof T->msg, "%s", err);
        T->rc = 2;
        i += dir;
    }
}

/* Look at the file every two seconds; say once when it has changed. */
static void watch_file(tui_t *T)
{
    long long now = now_ms();
    if (now - T->changed_at < 2000)
        return;
    T->changed_at = now;
    int c = doc_changed(&T->d);
    if (c == T->changed)
        return;
    T->changed = c;
    static const char *const what[] = {
        [DOC_MODIFIED] = "the file has changed on disk: R reloads it",
        [DOC_REPLACED] = "the file was replaced on disk: R loads the new one",
        [DOC_GONE] = "the file was deleted: what was loaded is still shown",
        [DOC_TRUNCATED] = "the file shrank on disk: what is gone shows as NUL; R reloads it",
    };
    if (c != DOC_SAME)
        snprintf(T->msg, sizeof T->msg, "%s", what[c]);
    draw(T);
}

/* R: the file again, at the same place (found again by its words, as
 * after a restart); what was shown stays when it cannot be loaded. */
static void reload_file(tui_t *T)
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
    if (load(T, i, err, sizeof err) < 0) {
        snprintf(T->msg, sizeof T->msg, "%s", err);
        return;
    }
    int exact;
    view_goto(&T->V, anchor_resolve(&T->st, &a, &exact));
    T->changed = DOC_SAME;
    T->changed_at = now_ms();
    snprintf(T->msg, sizeof T->msg, "reloaded%s", exact ? "" : " (the place found again by its words)");
}

static int key_of(int r, wint_t ch)
{
    return r == KEY_CODE_YES ? (int)ch + 0x10000 : (int)ch;
}
#define K(k) ((k) + 0x10000)

static void setup_colors(tui_t *T)
{
    T->color = T->o->color && has_colors();
    if (!T->color)
        return;
    start_color();
    use_default_colors();
    for (int i = 0; i < NSPCOL; i++)
        init_pair((short)(i + 1), speaker_colors[i], -1);
    init_pair(PAIR_HL, COLOR_BLACK, COLOR_YELLOW);
    init_pair(PAIR_BAR, COLOR_BLUE, -1);
    init_pair(PAIR_HEAD, COLOR_CYAN, -1);
}

/* Start the screen (after the probe); NULL when there is none. */
static SCREEN *screen_start(tui_t *T, FILE **tty)
{
    int amb = T->o->ambiguous;
    const char *term = getenv("TERM");
    char typed[64];
    size_t ntyped = 0;
    if (amb == AMBI_UNKNOWN && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) &&
        term && strcmp(term, "dumb"))
        amb = term_probe_ambiguous(typed, sizeof typed, &ntyped);
    FILE *in = stdin;
    *tty = NULL;
    if (!isatty(STDIN_FILENO)) {
        *tty = fopen("/dev/tty", "r");
        in = *tty;
    }
    if (in)
        term_save(fileno(in));
    SCREEN *scr = in ? newterm(NULL, stdout, in) : NULL;
    if (!scr) {
        if (*tty)
            fclose(*tty);
        return NULL;
    }
    char *rmcup = tigetstr("rmcup");
    term_rmcup(rmcup != (char *)-1 ? rmcup : NULL);
    term_guard();
    doc_guard_signals(); /* a file that shrinks while shown: not a crash */
    set_escdelay(25);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    timeout(200);
    while (ntyped > 0) /* keys typed while the terminal was asked: kept */
        ungetch((unsigned char)typed[--ntyped]);
    mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
    setup_colors(T);
    geometry(T, T->width);
    if (T->warn[0]) /* the store's one-line warning */
        snprintf(T->msg, sizeof T->msg, "%s", T->warn);
    if (amb == AMBI_WIDE)
        snprintf(T->msg, sizeof T->msg,
                 "this terminal draws “ ” … — wide: set its ambiguous-width "
                 "characters to narrow (see man juan)");
    return scr;
}

static void screen_end(SCREEN *scr, FILE *tty)
{
    endwin();
    delscreen(scr);
    if (tty)
        fclose(tty);
}

static void tui_init(tui_t *T, const tui_opts_t *o)
{
    memset(T, 0, sizeof *T);
    T->o = o;
    T->focus = -1;
    T->col = T->width = o->width;
    T->lastq.speaker = T->hlt.speaker = -1;
    if (!o->no_state)
        T->S = store_open(o->state_dir, T->warn, sizeof T->warn);
}

static void tui_free(tui_t *T)
{
    unload(T);
    tquery_free(&T->lastq);
    tquery_free(&T->hlt);
    free(T->mv);
    for (int k = 0; k < T->nhist; k++)
        free(T->hist[k]);
    free(T->filepos);
    store_close(T->S);
}

/* The reader's key loop, until q (or a signal to quit). */
static void reader(tui_t *T)
{
    long count = -1;
    int pending = 0;
    for (;;) {
        /* (asked before drawing: a count that ends while the page is drawn
           is drawn again) */
        int had_time = rt_ready(T->rt);
        draw(T);
        wint_t ch;
        int r;
        do {
            if (bg_held()) { /* the first screen is up: work may start once
                                no key waits */
                timeout(0);
                r = get_wch(&ch);
                timeout(200);
                if (r == ERR) {
                    bg_release();
                    continue;
                }
            } else {
                r = get_wch(&ch);
            }
            if (r == ERR && now_ms() - T->last_save >= 5000)
                save_position(T, 0); /* every few seconds while reading */
            if (r == ERR && T->index_at && now_ms() >= T->index_at && T->srch.id[0]) {
                search_prepare_async(&T->srch, T->o->search_flags);
                T->index_at = 0;
            }
            if (r == ERR && !term_quit)
                watch_file(T);
            if (r == ERR && mem_poll(&T->mem)) { /* a large file's identity */
                recall(T, T->cur);
                draw(T);
            }
            /* the structure or the reading time arrived: redraw (what
               was shown before the structure, as it really is) */
            if (r == ERR && !term_quit &&
                ((!T->title && st_ready(&T->st)) || (T->st.provisional && st_ready(&T->st)) ||
                 (!had_time && rt_ready(T->rt)))) {
                if (T->st.provisional) { /* again, at the same place (or the end) */
                    const page_t *P = &T->V.page;
                    int end = P->n && P->v[P->n - 1].end >= T->st.len;
                    T->st.provisional = 0;
                    if (end || T->at_end)
                        view_end(&T->V, T->rows > 0 ? T->rows : 1);
                    else
                        view_goto(&T->V, view_top(&T->V));
                }
                draw(T);
                had_time = rt_ready(T->rt); /* (the structure may come first) */
            }
        } while (r == ERR && !term_quit);
        if (term_quit)
            break;
        int key = key_of(r, ch);
        T->msg[0] = 0;
        if (key != K(KEY_RESIZE))
            T->at_end = 0;
        T->keys_since_open++;
        if (key == K(KEY_RESIZE)) {
            geometry(T, T->width);
            continue;
        }
        if (T->too_small) {
            if (key == 'q')
                break;
            continue;
        }
        int rows = T->rows > 0 ? T->rows : 1;
        if (pending) {
            int p = pending;
            pending = 0;
            if (p == 'm' && key >= 'a' && key <= 'z') {
                T->marks[key - 'a'] = view_top(&T->V);
                T->marked |= 1u << (key - 'a');
                char nm[3] = {'\'', (char)key, 0};
                mem_set_bookmark(&T->mem, nm, "", T->marks[key - 'a']);
                const char *w = store_warning(T->S);
                snprintf(T->msg, sizeof T->msg, "mark %c set%s%s", key, w ? ": " : "", w ? w : "");
            } else if (p == '\'' && key == '\'') {
                if (T->has_jump) {
                    size_t back = T->last_jump;
                    go(T, back);
                } else {
                    snprintf(T->msg, sizeof T->msg, "no earlier position");
                }
            } else if (p == '\'' && key >= 'a' && key <= 'z') {
                if (T->marked & (1u << (key - 'a')))
                    go(T, T->marks[key - 'a']);
                else
                    snprintf(T->msg, sizeof T->msg, "mark %c not set", key);
            } else if (p == ':' && (key == 'n' || key == 'p')) {
                switch_file(T, key == 'n' ? 1 : -1);
            } else if (p == ':' && key == 'q') {
                break;
            }
            continue;
        }
        if (key >= '0' && key <= '9') {
            count = (count < 0 ? 0 : count) * 10 + (key - '0');
            if (count > 100000000)
                count = 100000000;
            snprintf(T->msg, sizeof T->msg, "%ld", count);
            continue;
        }
        long n = count < 0 ? 1 : count;
        long cnt = count;
        count = -1;
        switch (key) {
        case 'q':
            return;
        case 'R':
            reload_file(T);
            break;
        case 'j':
        case '\r':
        case '\n':
        case K(KEY_DOWN):
        case K(KEY_ENTER):
            view_scroll(&T->V, n, rows);
            break;
        case 'k':
        case K(KEY_UP):
            view_scroll(&T->V, -n, rows);
            break;
        case ' ':
        case 'f':
        case K(KEY_NPAGE):
            view_scroll(&T->V, rows > 2 ? rows - 2 : 1, rows);
            break;
        case 'b':
        case K(KEY_PPAGE):
            view_scroll(&T->V, -(rows > 2 ? rows - 2 : 1), rows);
            break;
        case 'd':
            view_scroll(&T->V, rows / 2 > 0 ? rows / 2 : 1, rows);
            break;
        case 'u':
            view_scroll(&T->V, -(rows / 2 > 0 ? rows / 2 : 1), rows);
            break;
        case 'g':
        case K(KEY_HOME):
            jump_from_here(T);
            view_home(&T->V);
            break;
        case 'G':
        case K(KEY_END):
            jump_from_here(T);
            view_end(&T->V, rows);
            T->at_end = 1;
            break;
        case '%':
        case 'p':
            if (cnt < 0) {
                snprintf(T->msg, sizeof T->msg, "type the percent first: 50%%");
                break;
            }
            if (cnt >= 100) {
                jump_from_here(T);
                view_end(&T->V, rows);
                T->at_end = 1;
            } else {
                go(T, (size_t)((double)T->st.len * (double)cnt / 100.0));
                view_scroll(&T->V, 0, rows);
            }
            break;
        case ']':
        case '[':
            next_heading(T, key == ']' ? 1 : -1);
            break;
        case '}':
        case '{':
            next_turn(T, key == '}' ? 1 : -1);
            break;
        case 't':
        case '\t':
            outline_panel(T);
            break;
        case 's':
            speaker_panel(T);
            break;
        case 'F':
            if (T->focus < 0) {
                snprintf(T->msg, sizeof T->msg, "no speaker focused: choose one with s");
                break;
            }
            T->filter = !T->filter;
            view_set_filter(&T->V, T->filter ? T->focus : -1);
            break;
        case '/':
        case '?':
            do_search(T, key == '/' ? 1 : -1);
            break;
        case 'n':
        case 'N':
            search_go(T, key == 'n' ? T->qdir : -T->qdir);
            break;
        case 'm':
        case '\'':
        case ':':
            pending = key;
            snprintf(T->msg, sizeof T->msg, "%c", key);
            break;
        case '<':
        case '>': {
            int w = T->width + (key == '>' ? 4 : -4);
            if (w < LAYOUT_MIN_WIDTH)
                w = LAYOUT_MIN_WIDTH;
            if (w > LAYOUT_MAX_WIDTH)
                w = LAYOUT_MAX_WIDTH;
            T->width = w;
            geometry(T, w);
            snprintf(T->msg, sizeof T->msg, "width %d%s", w,
                     w > COLS ? " (the screen is narrower)" : "");
            break;
        }
        case 'h':
        case K(KEY_F(1)):
            help_panel(T);
            break;
        case 'M':
            add_bookmark(T);
            break;
        case 'B':
            bookmark_panel(T);
            break;
        case 12: /* Ctrl-L */
            clearok(curscr, TRUE);
            break;
        case K(KEY_MOUSE): {
            MEVENT me;
            if (getmouse(&me) == OK) {
                if (me.bstate & BUTTON4_PRESSED)
                    view_scroll(&T->V, -3, rows);
                else if (me.bstate & BUTTON5_PRESSED)
                    view_scroll(&T->V, 3, rows);
            }
            break;
        }
        default:
            break;
        }
    }
}

int tui_run(char **files, int nfiles, const tui_opts_t *o)
{
    tui_t T0, *T = &T0;
    tui_init(T, o);
    bg_hold(); /* until the first screen is up */
    T->files = files;
    T->nfiles = nfiles;
    T->filepos = xcalloc((size_t)nfiles, sizeof *T->filepos);
    /* the first file that opens */
    char err[300];
    int i = 0;
    for (; i < nfiles; i++) {
        if (load(T, i, err, sizeof err) == 0)
            break;
        msg("%s", err);
        T->rc = 2;
    }
    if (i == nfiles) {
        tui_free(T);
        return 2;
    }
    FILE *tty;
    SCREEN *scr = screen_start(T, &tty);
    if (!scr) {
        tui_free(T);
        return -1;
    }
    reader(T);
    unload(T); /* saves the position */
    screen_end(scr, tty);
    int rc = T->rc;
    tui_free(T);
    return rc;
}

/* ---- the library ----------------------------------------------------------- */

typedef struct {
    char *path;   /* as shown and opened */
    char *title;  /* display bytes */
    size_t size;
    double percent; /* -1: never read */
    long long last_read;
    int missing;
} libent_t;

typedef struct {
    libent_t *v;
    size_t n, cap;
    int *shown; /* indices passing the filter */
    int nshown;
    char *filter;
    const char *dir;
} library_t;

static library_t *LIB; /* for the list's item function */

/* A title without opening the whole file: the front matter's title: line,
 * else the first non-blank line (UTF-8 only), else the file name. */
static void quick_title(const char *path, buf_t *t)
{
    char head[4096];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(head, 1, sizeof head - 1, f) : 0;
    if (f)
        fclose(f);
    head[n] = 0;
    const char *line = head, *fm_title = NULL;
    int in_fm = !strncmp(head, "---", 3);
    for (int k = 0; *line && k < 40; k++) {
        const char *e = strchr(line, '\n');
        size_t len = e ? (size_t)(e - line) : strlen(line);
        if (in_fm && k > 0 && !strncmp(line, "title:", 6)) {
            fm_title = line + 6;
            while (*fm_title == ' ' || *fm_title == '"' || *fm_title == '\'')
                fm_title++;
            size_t l = len - (size_t)(fm_title - line);
            while (l && (fm_title[l - 1] == '"' || fm_title[l - 1] == '\'' ||
                         fm_title[l - 1] == '\r' || fm_title[l - 1] == ' '))
                l--;
            buf_add(t, fm_title, l);
            break;
        }
        if (in_fm && k > 0 && !strncmp(line, "---", 3)) {
            in_fm = 0;
        } else if (!in_fm) {
            size_t a = text_skip_blanks(line, 0, len);
            size_t z = text_trim_blanks(line, a, len);
            while (z > a && line[z - 1] == '\r')
                z--;
            while (a < z && line[a] == '#')
                a++;
            a = text_skip_blanks(line, a, z);
            if (z > a) {
                buf_add(t, line + a, z - a > 120 ? 120 : z - a);
                break;
            }
        }
        if (!e)
            break;
        line = e + 1;
    }
    if (t->n && u8_check((const uint8_t *)t->p, t->n))
        t->n = 0; /* not UTF-8 (or cut): the name will do */
    if (!t->n)
        buf_adds(t, base_name(path));
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
        quick_title(path, &t);
    else
        buf_adds(&t, base_name(path));
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

static void lib_load(library_t *L, store_t *S)
{
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

static void lib_item(tui_t *T, int i, buf_t *left, char *right, size_t rn)
{
    (void)T;
    const libent_t *e = &LIB->v[LIB->shown[i]];
    buf_adds(left, e->title);
    buf_adds(left, "  ");
    /* under DIR: the path from there */
    const char *p = e->path;
    size_t dl = LIB->dir ? strlen(LIB->dir) : 0;
    if (dl && !strncmp(p, LIB->dir, dl)) {
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
        snprintf(prog, sizeof prog, "%3.0f%%", e->percent);
    else
        snprintf(prog, sizeof prog, "  - ");
    snprintf(right, rn, "%s  %s  %s  %s", e->missing ? "missing" : size, prog,
             when, "");
}

static char lib_title[1024];

static void lib_draw(tui_t *T)
{
    (void)T;
    erase();
    put_bytes(0, 0, COLS - 1, lib_title, strlen(lib_title), A_BOLD, 0);
    refresh();
}

int tui_library(const char *dir, const tui_opts_t *o)
{
    tui_t T0, *T = &T0;
    tui_init(T, o);
    if (!T->S && !dir) {
        msg("%s", o->no_state ? "--no-state: no library of documents read"
                              : T->warn);
        tui_free(T);
        return 2;
    }
    library_t L = {.dir = dir};
    LIB = &L;
    lib_load(&L, T->S);
    FILE *tty;
    SCREEN *scr = screen_start(T, &tty);
    if (!scr) {
        lib_free(&L);
        tui_free(T);
        return -1;
    }
    char *pathv[1];
    int sel = 0;
    for (;;) {
        snprintf(lib_title, sizeof lib_title,
                 "%s%s: Enter reads, / filters, d forgets, q quits%s%s",
                 dir ? "Library of " : "Recently read", dir ? safe_path(dir) : "",
                 L.filter && *L.filter ? "  filter: " : "",
                 L.filter && *L.filter ? L.filter : "");
        list_t list = {.title = lib_title, .n = L.nshown, .sel = sel, .mark = -1,
                       .keys = "/d"};
        if (T->msg[0]) { /* a warning or a message: on the title line */
            size_t k = strlen(lib_title);
            snprintf(lib_title + k, sizeof lib_title - k, "  [%.300s]", T->msg);
            T->msg[0] = 0;
        }
        int key = 0;
        int k = run_list(T, &list, lib_item, &key);
        if (term_quit || (k < 0 && key == 0))
            break;
        sel = list.sel;
        if (key == '/') {
            T->bg = lib_draw;
            char *f = prompt(T, "filter: ", 0);
            T->bg = NULL;
            if (f) {
                free(L.filter);
                L.filter = f;
                lib_load(&L, T->S);
                sel = 0;
            }
            continue;
        }
        libent_t *e = &L.v[L.shown[k]];
        if (key == 'd') {
            T->bg = lib_draw;
            char q[600];
            snprintf(q, sizeof q, "forget %s? (y/n) ", e->title);
            char *yes = prompt(T, q, 0);
            T->bg = NULL;
            if (yes && (yes[0] == 'y' || yes[0] == 'Y')) {
                docinfo_t info;
                if (mem_lookup(T->S, e->path, &info) == 0)
                    store_forget(T->S, info.id);
                lib_load(&L, T->S);
            }
            free(yes);
            continue;
        }
        if (e->missing) {
            snprintf(T->msg, sizeof T->msg, "%s: missing", safe_path(e->path));
            continue;
        }
        pathv[0] = e->path;
        T->files = pathv;
        T->nfiles = 1;
        free(T->filepos);
        T->filepos = xcalloc(1, sizeof *T->filepos);
        char err[300];
        if (load(T, 0, err, sizeof err) == 0) {
            reader(T);
            unload(T);
            if (term_quit)
                break;
        } else {
            snprintf(T->msg, sizeof T->msg, "%s", err);
        }
        lib_load(&L, T->S);
    }
    screen_end(scr, tty);
    lib_free(&L);
    free(L.filter);
    LIB = NULL;
    tui_free(T);
    return 0;
}
