/* panels: the reader's full-screen lists over the open document — the
 * outline, the speakers, the help screen, the bookmarks — each a list
 * widget with its own items. */
#include "anchor.h"
#include "listw.h"
#include "reader.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void resized(void *ctx)
{
    tui_t *T = ctx;
    tui_geometry(T, T->width);
}

/* ---- outline --------------------------------------------------------------- */

typedef struct {
    tui_t *T;
    size_t *h; /* the headings of level > 0 (indices) */
} outline_t;

static void outline_item(void *ctx, int i, buf_t *left, char *right, size_t rn)
{
    outline_t *O = ctx;
    const structure_t *st = &O->T->st;
    const heading_t *h = &st->headings[O->h[i]];
    for (int k = 1; k < h->level; k++)
        buf_adds(left, "  ");
    buf_t t = {0};
    st_heading_text(st, h, &t);
    text_sanitize(left, t.p, t.n);
    buf_free(&t);
    snprintf(right, rn, "%3d%%", anchor_percent(h->start, st->len));
}

void panel_outline(tui_t *T)
{
    st_wait(&T->st);
    session_learn(T);
    const structure_t *st = &T->st;
    outline_t O = {.T = T, .h = xmalloc((st->nheadings + 1) * sizeof *O.h)};
    int n = 0;
    for (size_t i = 0; i < st->nheadings; i++)
        if (st->headings[i].level > 0)
            O.h[n++] = i;
    size_t s, e;
    tui_top_range(T, &s, &e);
    long cur = st_section_at(st, e > s ? e - 1 : s);
    list_t L = {.title = "Outline: Enter jumps, Esc closes", .n = n, .sel = 0, .mark = -1,
                .item = outline_item, .resize = resized, .ctx = &O};
    for (int i = 0; i < n; i++)
        if ((long)O.h[i] == cur)
            L.sel = L.mark = i;
    int k = list_run(&L, NULL);
    if (k >= 0)
        tui_go(T, st->headings[O.h[k]].start);
    free(O.h);
}

/* ---- speakers -------------------------------------------------------------- */

static void speaker_item(void *ctx, int i, buf_t *left, char *right, size_t rn)
{
    tui_t *T = ctx;
    const speaker_t *p = &T->st.speakers[i];
    buf_adds(left, i == T->focus ? "● " : "  ");
    draw_speaker_name(T, i, left);
    double share = T->st.total_chars ? p->chars * 100.0 / (double)T->st.total_chars : 0;
    snprintf(right, rn, "%zu turns  %4.1f%%", p->turns, share);
}

void panel_speakers(tui_t *T)
{
    st_wait(&T->st);
    session_learn(T);
    list_t L = {.title = "Speakers: Enter focuses (again: unfocuses), Esc closes",
                .n = (int)T->st.nspeakers, .sel = T->focus > 0 ? T->focus : 0,
                .mark = T->focus, .item = speaker_item, .resize = resized, .ctx = T};
    int k = list_run(&L, NULL);
    if (k < 0)
        return;
    buf_t b = {0};
    buf_add(&b, "", 0);
    draw_speaker_name(T, k, &b);
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
        snprintf(T->msg, sizeof T->msg, "focused @%s: } and { go through the turns, F filters",
                 b.p);
    }
    buf_free(&b);
}

/* ---- help ------------------------------------------------------------------ */

static const char *const help_lines[] = {
    "juan: keys (j k Space b g G scroll this list, q or Esc closes it)",
    "",
    "j Down Enter e ^E ^N  one line down       k Up y ^Y ^P  one line up",
    "Space f PgDn ^F       one screen down     b PgUp ^B     one screen up",
    "d ^D / u ^U           half a screen down / up",
    "g Home / G End        top / bottom",
    "N%  Np  NG            jump to N percent (digits first: 50% 50G)",
    "] / [                 next / previous section heading",
    "} / {                 next / previous speaker turn (of the focused one)",
    "Counts: digits first repeat a key: 5j 3] 2}; before f b d u: N lines.",
    "t Tab                 outline: Enter jumps, Esc closes",
    "s                     speakers: Enter focuses, Enter again unfocuses",
    "F                     only the focused speaker's turns; again to leave",
    "/ ?                   search forward / backward",
    "n / N                 next / previous match",
    "  @NAME query         only NAME's turns (@NAME alone: go through them)",
    "  #N query            only section N (#TITLE: the section holding TITLE)",
    "  re:query            a regular expression",
    "m+letter / '+letter   set / jump to a mark;  ''  back before the jump",
    "M                     add a bookmark (a name, CJK allowed, and a note)",
    "B                     bookmarks: Enter jumps, r renames, e note, d deletes",
    ":n / :p               next / previous file",
    "< / >                 narrower / wider reading column (4 cells)",
    "W                     mouse wheel scrolling on / off (--mouse: on)",
    "h F1                  this help",
    "Ctrl-L                redraw",
    "R                     load the file again (changed on disk)",
    "q                     quit",
    "",
    "In the search prompt: Left/Right move, Backspace deletes, Ctrl-U",
    "clears, Up/Down recall earlier searches, Esc cancels, Enter searches.",
    "In lists: digits first move that many (5j) or to item N (5G).",
};

static void help_item(void *ctx, int i, buf_t *left, char *right, size_t rn)
{
    (void)ctx;
    (void)rn;
    right[0] = 0;
    buf_adds(left, help_lines[i + 1]);
}

void panel_help(tui_t *T)
{
    list_t L = {.title = help_lines[0],
                .n = (int)(sizeof help_lines / sizeof *help_lines) - 1,
                .sel = 0, .mark = -1, .item = help_item, .resize = resized, .ctx = T};
    list_run(&L, NULL);
}

/* ---- bookmarks ------------------------------------------------------------- */

static int no_state(tui_t *T)
{
    if (T->S)
        return 0;
    snprintf(T->msg, sizeof T->msg, "bookmarks are not kept (no state)");
    return 1;
}

void bookmark_add(tui_t *T)
{
    if (no_state(T))
        return;
    size_t top = view_top(&T->V);
    char *name = tui_prompt(T, "bookmark name: ", 0);
    if (!name || !*name) {
        free(name);
        return;
    }
    char *note = tui_prompt(T, "note (optional): ", 0);
    int r = mem_set_bookmark(&T->mem, name, note ? note : "", top);
    const char *f = r < 0 ? store_failure(T->S) : NULL;
    const char *w = store_warning(T->S);
    char after[sizeof T->msg];
    if (r < 0) /* never "set" when nothing was saved */
        snprintf(after, sizeof after, " not saved: %s", f ? f : "the store is off");
    else
        snprintf(after, sizeof after, " set%s%s", w ? ": " : "", w ? w : "");
    nav_say(T->msg, sizeof T->msg, "bookmark ", name, strlen(name), after);
    free(name);
    free(note);
}

typedef struct {
    tui_t *T;
    bookmark_t *v;
    int nw, sw; /* the widest name and section (cells) */
} bmlist_t;

#define BM_QUOTE 32 /* characters of a bookmark's quote */

/* A row: name  pct  §section  “quote”  — note, the columns aligned; in a
 * narrow panel the note goes first, then the section, then the quote,
 * then the percentage: never the name. */
static void bookmark_item(void *ctx, int i, buf_t *left, char *right, size_t rn)
{
    bmlist_t *B = ctx;
    const bookmark_t *b = &B->v[i];
    const structure_t *st = &B->T->st;
    right[0] = 0;
    (void)rn;
    int avail = COLS - 3; /* (list_draw: columns 1 .. COLS-3 when right is empty) */
    char pct[16];
    snprintf(pct, sizeof pct, "  %3d%%", anchor_percent(b->at.offset, st->len));
    int pw = (int)strlen(pct);
    int nw = B->nw < avail ? B->nw : avail;
    if (avail - nw < pw) { /* the name alone */
        draw_fit(left, b->name, strlen(b->name), avail, 0, 0);
        return;
    }
    draw_fit(left, b->name, strlen(b->name), nw, 0, 1);
    buf_adds(left, pct);
    int rest = avail - nw - pw;
    buf_t q = {0};
    int more = anchor_show(st, b->at.offset, BM_QUOTE, &q);
    int qw = (int)text_width(q.p, q.n) + 2 + 2 + more; /* "  “" … "”" */
    int sw = B->sw ? (B->sw < 16 ? B->sw : 16) + 3 : 0; /* "  §" */
    if (sw && rest - sw >= 24) { /* the section column, when a quote fits after it */
        buf_adds(left, b->at.section[0] ? "  §" : "   ");
        draw_fit(left, b->at.section, strlen(b->at.section), sw - 3, 0, 1);
        rest -= sw;
    }
    if (rest >= 7) {
        buf_adds(left, "  “");
        int w = draw_fit(left, q.p, q.n, (qw < rest ? qw : rest) - 4, more, 0);
        buf_adds(left, "”");
        rest -= w + 4;
        if (b->note[0] && rest >= 6) {
            buf_adds(left, "  — ");
            draw_fit(left, b->note, strlen(b->note), rest - 4, 0, 0);
        }
    }
    buf_free(&q);
}

void panel_bookmarks(tui_t *T)
{
    if (no_state(T))
        return;
    st_wait(&T->st);
    int sel = 0; /* kept after r and d */
    for (;;) {
        bmlist_t B = {.T = T};
        size_t n = mem_bookmarks(&T->mem, &B.v);
        for (size_t i = 0; i < n; i++) {
            int w = (int)text_width(B.v[i].name, strlen(B.v[i].name));
            B.nw = w > B.nw ? w : B.nw;
            w = (int)text_width(B.v[i].at.section, strlen(B.v[i].at.section));
            B.sw = w > B.sw ? w : B.sw;
        }
        list_t L = {.title = "Bookmarks: Enter jumps, r renames, e edits the note, d deletes, Esc closes",
                    .n = (int)n, .sel = sel < (int)n ? sel : (int)n - 1, .mark = -1, .keys = "rde",
                    .item = bookmark_item, .resize = resized, .ctx = &B};
        int key = 0;
        if (L.sel < 0)
            L.sel = 0;
        int k = list_run(&L, &key);
        sel = L.sel;
        if (k < 0) {
            free(B.v);
            return;
        }
        char name[256];
        snprintf(name, sizeof name, "%s", B.v[k].name);
        size_t at = B.v[k].at.offset;
        char note[512];
        snprintf(note, sizeof note, "%s", B.v[k].note);
        free(B.v);
        int r = 0;
        if (key == 'r') {
            char *to = tui_prompt_from(T, "new name: ", 0, name);
            if (to && *to)
                r = mem_rename(&T->mem, name, to);
            free(to);
        } else if (key == 'e') {
            char *to = tui_prompt_from(T, "note: ", 0, note);
            if (to)
                r = mem_set_bookmark(&T->mem, name, to, at);
            free(to);
        } else if (key == 'd') {
            char q[300];
            snprintf(q, sizeof q, "delete %s? y: yes, any other key: no", name);
            if (list_confirm(q))
                r = mem_delete(&T->mem, name);
        } else {
            tui_go(T, at);
            return;
        }
        if (r < 0 && store_failure(T->S)) /* the list shows what is kept */
            snprintf(T->msg, sizeof T->msg, "not saved: %s", store_failure(T->S));
    }
}
