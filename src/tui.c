/* tui: the reader's screen (its life cycle: the probe, curses, colours,
 * the geometry of the reading column), its keys (a table from key to
 * action) and its loop. */
#include "draw.h"
#include "keys.h"
#include "reader.h"
#include "term.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the screen ------------------------------------------------------------ */

void tui_geometry(tui_t *T, int width)
{
    T->too_small = COLS < 20 || LINES < 6;
    int col = width < COLS ? width : COLS;
    if (col < LAYOUT_MIN_WIDTH)
        col = LAYOUT_MIN_WIDTH;
    T->left = COLS > col ? (COLS - col) / 2 : 0;
    /* hanging punctuation, in the margin: never past the screen's edge */
    int hang = T->o->hang, room = COLS - T->left - col;
    if (hang > room)
        hang = room > 0 ? room : 0;
    if (col != T->col) {
        T->col = col;
        if (T->loaded)
            view_set_width(&T->V, col);
    }
    if (hang != T->hang) {
        T->hang = hang;
        if (T->loaded)
            view_set_hang(&T->V, hang);
    }
}

SCREEN *tui_screen_start(tui_t *T, FILE **tty)
{
    const char *term = getenv("TERM");
    int probe = T->o->ambiguous == AMBI_UNKNOWN && isatty(STDIN_FILENO) &&
                isatty(STDOUT_FILENO) && term && strcmp(term, "dumb");
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
    /* ncurses (6.4) flushes its output at every cursor move until the
       screen has once been left and resumed (SCREEN._endwin stays
       ewInitial): every redraw went out a line at a time, 22 writes for
       the first screen and a wakeup of the terminal for each. Left and
       resumed here, before anything is drawn (the alternate screen
       entered and left in one write), a redraw is one or two writes:
       open, first screen, q 4.26 -> 4.07 ms (bench/pty.c, paired medians
       of 201). */
    endwin();
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
    /* the ambiguous-width probe: asked now, on the reader's screen, and
       never waited for (the answer comes among the keys when it comes);
       the first screen clears what it printed */
    char ask[64], ans[32];
    if (probe && LINES > 1 && term_probe_ask(ask, sizeof ask, LINES) > 0) {
        snprintf(ans, sizeof ans, "\x1b[%d;2R", LINES);
        define_key(ans, K_AMBI_NARROW - KEYS_FN);
        snprintf(ans, sizeof ans, "\x1b[%d;3R", LINES);
        define_key(ans, K_AMBI_WIDE - KEYS_FN);
        refresh(); /* curses' start (the alternate screen) first */
        fputs(ask, stdout);
        fflush(stdout);
        clearok(curscr, TRUE);
    } else {
        refresh(); /* (resumed: see endwin() above) */
    }
    T->mouse = T->o->mouse;
    tui_mouse(T);
    draw_colors(T);
    tui_geometry(T, T->width);
    if (T->warn[0]) /* the store's one-line warning, before what the
                       opening said (bookmark moved: text changed) */
        session_say_first(T, T->warn);
    /* told wide: the notice as for the probe's wide answer, once the
       status line is free (not over the store's warning or "h: help") */
    if (T->o->ambiguous == AMBI_WIDE)
        term_ambiguous_set(AMBI_WIDE);
    return scr;
}

void tui_ambiguous_notice(tui_t *T)
{
    snprintf(T->msg, sizeof T->msg,
             "this terminal draws “ ” … — wide: set its ambiguous-width "
             "characters to narrow (see man juan)");
}

void tui_mouse(tui_t *T)
{
    /* off: the terminal selects text as usual (as in less) */
    mousemask(T->mouse ? BUTTON4_PRESSED | BUTTON5_PRESSED : 0, NULL);
    mouseinterval(0);
}

void tui_screen_end(SCREEN *scr, FILE *tty)
{
    endwin();
    delscreen(scr);
    if (tty)
        fclose(tty);
}

/* ---- moving ---------------------------------------------------------------- */

static void jump_from_here(tui_t *T)
{
    T->last_jump = view_top(&T->V);
    T->has_jump = 1;
}

void tui_go(tui_t *T, size_t off)
{
    jump_from_here(T);
    view_goto(&T->V, off);
}

void tui_top_range(tui_t *T, size_t *s, size_t *e)
{
    view_fill(&T->V, 1);
    const page_t *P = &T->V.page;
    *s = P->n ? P->v[0].start : 0;
    *e = P->n ? P->v[0].end : 0;
}

static int rows_of(const tui_t *T)
{
    return T->rows > 0 ? T->rows : 1;
}

/* ---- the prompt over the page ---------------------------------------------- */

typedef struct {
    tui_t *T;
    int search;
} over_t;

static void prompt_page(void *ctx, const char *s, size_t n)
{
    over_t *P = ctx;
    tui_t *T = P->T;
    if (P->search) { /* highlight what is typed, while it is a valid query */
        char err[256];
        if (nav_query_parse(&T->hlt, &T->st, s, n, T->o->search_flags, err, sizeof err) < 0)
            query_free(&T->hlt.q);
    }
    T->msg[0] = 0;
    draw_page(T);
}

static void prompt_resize(void *ctx)
{
    tui_t *T = ((over_t *)ctx)->T;
    tui_geometry(T, T->width);
}

char *tui_prompt_from(tui_t *T, const char *label, int search, const char *init)
{
    over_t ctx = {T, search};
    prompt_t P = {.hist = search ? &T->hist : NULL, .draw = prompt_page,
                  .resize = prompt_resize, .ctx = &ctx, .init = init};
    if (search)
        session_first_search(T);
    T->hl_active = search;
    char *s = prompt_read(&P, label);
    T->hl_active = 0; /* back to the last search's highlight */
    return s;
}

char *tui_prompt(tui_t *T, const char *label, int search)
{
    return tui_prompt_from(T, label, search, NULL);
}

/* ---- searching ------------------------------------------------------------- */

enum { COUNT_MAX = 8 << 20,  /* matches counted at once in texts up to this, */
       COUNT_SLICE = 4 << 20 }; /* beyond, this much at a time when idle */

/* Count the matches of the last search in scope from T->mall_next, up to
 * `upto` bytes further on (SIZE_MAX: to the end). */
static void count_some(tui_t *T, size_t upto)
{
    int only = T->filter ? T->focus : -1;
    size_t end = T->st.len - T->mall_next > upto ? T->mall_next + upto : T->st.len;
    match_t x;
    while (T->mall_next < end &&
           search_find_within(&T->srch, &T->lastq.q, T->mall_next, end, 1, &x)) {
        if (nav_in_scope(&T->st, &T->lastq, only, x.a)) {
            grow(&T->mall, &T->mallcap, T->nmall + 1, sizeof *T->mall);
            T->mall[T->nmall++] = x.a;
        }
        T->mall_next = x.b > x.a ? x.b : x.a + 1;
    }
    if (T->mall_next < end)
        T->mall_next = end;
    T->mall_done = T->mall_next >= T->st.len;
}

/* The rank of the match gone to (T->last) among those counted: T->mrank,
 * 0 while the count has not passed it. */
static void set_rank(tui_t *T)
{
    T->mrank = 0;
    if (!T->has_last || (!T->mall_done && T->mall_next <= T->last.a))
        return;
    size_t lo = 0, hi = T->nmall; /* the first start after last.a */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (T->mall[mid] <= T->last.a)
            lo = mid + 1;
        else
            hi = mid;
    }
    T->mrank = lo;
}

/* The status line's match count for match m: every match of the last
 * search in scope, counted once a search (at once in texts up to
 * COUNT_MAX, else by count_idle), and the rank of m among them. */
static void match_rank(tui_t *T)
{
    int only = T->filter ? T->focus : -1;
    if (!T->mall_ok || T->mall_text != T->st.text || T->mall_q != &T->lastq ||
        T->mall_only != only) {
        T->nmall = T->mall_next = 0;
        T->mall_done = 0;
        T->mall_ok = 1, T->mall_text = T->st.text, T->mall_q = &T->lastq, T->mall_only = only;
        count_some(T, T->st.len <= COUNT_MAX ? SIZE_MAX : COUNT_SLICE); /* (the rest when idle) */
    }
    set_rank(T);
}

/* When idle: the count of a larger text goes on; 1 when the status line
 * changed. */
static int count_idle(tui_t *T)
{
    if (!T->mall_ok || T->mall_done || !T->has_last || !T->lastq.q.q ||
        T->mall_text != T->st.text)
        return 0;
    count_some(T, COUNT_SLICE);
    size_t was = T->mrank;
    set_rank(T);
    return T->mall_done || T->mrank != was;
}

/* Go to the next match (dir > 0) or the previous one of the last search,
 * from the last match when it is on the screen, else from the top. */
static void search_go(tui_t *T, int dir)
{
    if (!T->has_query) {
        snprintf(T->msg, sizeof T->msg, "no previous search");
        return;
    }
    if (!session_last_query(T, 1))
        return; /* (not a search of this document: said why) */
    size_t s, e;
    tui_top_range(T, &s, &e);
    view_fill(&T->V, rows_of(T));
    const page_t *P = &T->V.page;
    size_t pend = P->n ? P->v[P->n - 1].end : s, from = s;
    if (T->has_last && T->last.a >= s && T->last.a < pend + 1) /* on the screen */
        from = dir > 0 ? T->last.b : T->last.a; /* matches do not overlap */
    if (!T->lastq.q.q) { /* @NAME alone: its turns */
        const speaker_t *p = &T->st.speakers[T->lastq.speaker];
        long found = nav_next_offset(p->turn_offsets, p->turns, s, e, dir);
        if (found < 0 && p->turns) {
            found = dir > 0 ? 0 : (long)p->turns - 1;
            snprintf(T->msg, sizeof T->msg, dir > 0 ? "last turn passed, continuing at the first"
                                                    : "first turn passed, continuing at the last");
        }
        if (found >= 0)
            tui_go(T, p->turn_offsets[found]);
        return;
    }
    match_t m;
    int wrapped;
    size_t cx_at = 0, cx0 = query_too_complex_total(&T->lastq.q, &cx_at);
    int found = nav_find(&T->srch, &T->st, &T->lastq, T->filter ? T->focus : -1, from, dir,
                         &m, &wrapped);
    char cx[96] = ""; /* lines the regex was too complex for: skipped, and said */
    if (query_too_complex_total(&T->lastq.q, &cx_at) > cx0)
        snprintf(cx, sizeof cx, "regular expression too complex for a line at %d%%: skipped",
                 T->st.len ? (int)((double)cx_at * 100 / (double)T->st.len) : 0);
    if (!found) {
        buf_t w = {0}; /* a scoped search says its scope */
        buf_add(&w, "", 0);
        if (T->lastq.has_sec) {
            long h = st_section_at(&T->st, T->lastq.sec_lo);
            buf_adds(&w, "§");
            if (h >= 0) {
                buf_t t = {0};
                st_heading_text(&T->st, &T->st.headings[h], &t);
                buf_add(&w, t.p, t.n);
                buf_free(&t);
            }
        }
        if (T->lastq.speaker >= 0) {
            buf_adds(&w, w.n ? " @" : "@");
            const speaker_t *p = &T->st.speakers[T->lastq.speaker];
            buf_add(&w, T->st.text + p->name_off, p->name_len);
        }
        if (w.n) {
            buf_adds(&w, ": ");
            buf_adds(&w, T->lastq.raw);
            nav_say(T->msg, sizeof T->msg, "not found in ", w.p, w.n, "");
        } else {
            nav_say(T->msg, sizeof T->msg, "not found: ", T->lastq.raw, strlen(T->lastq.raw), "");
        }
        buf_free(&w);
        if (cx[0]) {
            size_t l = strlen(T->msg);
            snprintf(T->msg + l, sizeof T->msg - l, " (%s)", cx);
        }
        return;
    }
    if (cx[0])
        snprintf(T->msg, sizeof T->msg, "%s", cx);
    if (wrapped)
        snprintf(T->msg, sizeof T->msg, dir > 0 ? "search hit bottom, continuing at top"
                                                : "search hit top, continuing at bottom");
    T->last = m;
    T->has_last = 1;
    match_rank(T);
    tui_go(T, m.a);
}

static void do_search(tui_t *T, int dir)
{
    char *s = tui_prompt(T, dir > 0 ? "/" : "?", 1);
    if (!s)
        return;
    if (!*s) { /* empty: repeat the last search */
        free(s);
        if (T->has_query)
            T->qdir = dir, search_go(T, dir);
        return;
    }
    char err[300];
    nav_query_t Q;
    nav_query_init(&Q);
    if (nav_query_parse(&Q, &T->st, s, strlen(s), T->o->search_flags, err, sizeof err) < 0) {
        snprintf(T->msg, sizeof T->msg, "%s", err);
        nav_query_free(&Q);
        free(s);
        return;
    }
    nav_query_free(&T->lastq);
    T->lastq = Q;
    free(T->qtyped);
    T->qtyped = s;
    T->qstale = 0;
    T->qdir = dir;
    T->has_query = 1;
    T->has_last = 0;
    T->mall_ok = 0; /* a new search: counted again */
    search_go(T, dir);
}

/* ---- actions --------------------------------------------------------------- */

/* An action gets the count typed before its key (cnt, -1: none) and
 * n = the count or 1; it returns 1 to quit. A key whose action needs
 * none of that calls a panel or the like directly (keymap's call). */
typedef int (*action_fn)(tui_t *T, long n, long cnt, int key);

static int a_quit(tui_t *T, long n, long cnt, int key)
{
    (void)T, (void)n, (void)cnt, (void)key;
    return 1;
}

static int a_down(tui_t *T, long n, long cnt, int key)
{
    (void)cnt, (void)key;
    view_scroll(&T->V, n, rows_of(T));
    return 0;
}

static int a_up(tui_t *T, long n, long cnt, int key)
{
    (void)cnt, (void)key;
    view_scroll(&T->V, -n, rows_of(T));
    return 0;
}

/* a screen (2 lines of context) or half a screen; with a count, as in
   less, that many lines */
static int a_page(tui_t *T, long n, long cnt, int key)
{
    (void)n;
    int rows = rows_of(T);
    int half = key == 'd' || key == 'u' || key == K_CTRL('D') || key == K_CTRL('U');
    long k = half ? (rows / 2 > 0 ? rows / 2 : 1) : (rows > 2 ? rows - 2 : 1);
    if (cnt > 0)
        k = cnt;
    int down = key == ' ' || key == 'f' || key == FN(KEY_NPAGE) || key == 'd' ||
               key == K_CTRL('F') || key == K_CTRL('D');
    view_scroll(&T->V, down ? k : -k, rows);
    return 0;
}

static int a_percent(tui_t *T, long n, long cnt, int key);

/* g, G: with a count, to N percent (as N%) */
static int a_top(tui_t *T, long n, long cnt, int key)
{
    if (cnt >= 0)
        return a_percent(T, n, cnt, key);
    jump_from_here(T);
    view_home(&T->V);
    return 0;
}

static int a_end(tui_t *T, long n, long cnt, int key)
{
    if (cnt >= 0 && cnt < 100)
        return a_percent(T, n, cnt, key);
    jump_from_here(T);
    view_end(&T->V, rows_of(T));
    T->at_end = 1;
    return 0;
}

static int a_percent(tui_t *T, long n, long cnt, int key)
{
    if (cnt < 0) {
        snprintf(T->msg, sizeof T->msg, "type the percent first: 50%%");
        return 0;
    }
    if (cnt >= 100)
        return a_end(T, n, -1, key);
    tui_go(T, (size_t)((double)T->st.len * (double)cnt / 100.0));
    view_scroll(&T->V, 0, rows_of(T));
    return 0;
}

static int a_heading(tui_t *T, long n, long cnt, int key)
{
    (void)cnt;
    int dir = key == ']' ? 1 : -1;
    size_t s, e;
    tui_top_range(T, &s, &e);
    long h = -1;
    for (long i = 0; i < n; i++) { /* the n-th, or the last there is */
        long next = nav_next_heading(&T->st, s, e, dir);
        if (next < 0)
            break;
        h = next;
        s = T->st.headings[h].start;
        e = s + 1;
    }
    if (h < 0)
        snprintf(T->msg, sizeof T->msg, dir > 0 ? "no next section" : "no previous section");
    else
        tui_go(T, T->st.headings[h].start);
    return 0;
}

/* the next turn (of the focused speaker, if one is focused) */
static int a_turn(tui_t *T, long n, long cnt, int key)
{
    (void)cnt;
    int dir = key == '}' ? 1 : -1;
    session_turns(T);
    size_t s, e;
    tui_top_range(T, &s, &e);
    const size_t *v = T->turns;
    size_t nv = T->nturns;
    if (T->focus >= 0) {
        v = T->st.speakers[T->focus].turn_offsets;
        nv = T->st.speakers[T->focus].turns;
    }
    long found = -1;
    for (long i = 0; i < n; i++) { /* the n-th, or the last there is */
        long next = nav_next_offset(v, nv, s, e, dir);
        if (next < 0)
            break;
        found = next;
        s = v[found];
        e = s + 1;
    }
    if (found < 0)
        snprintf(T->msg, sizeof T->msg,
                 nv ? (dir > 0 ? "no next turn" : "no previous turn")
                    : "no speaker turns in this document");
    else
        tui_go(T, v[found]);
    return 0;
}

static int a_filter(tui_t *T, long n, long cnt, int key)
{
    (void)n, (void)cnt, (void)key;
    if (T->focus < 0) {
        snprintf(T->msg, sizeof T->msg, "no speaker focused: choose one with s");
        return 0;
    }
    T->filter = !T->filter;
    view_set_filter(&T->V, T->filter ? T->focus : -1);
    return 0;
}

static int a_search(tui_t *T, long n, long cnt, int key)
{
    (void)n, (void)cnt;
    do_search(T, key == '/' ? 1 : -1);
    return 0;
}

static int a_next_match(tui_t *T, long n, long cnt, int key)
{
    (void)n, (void)cnt;
    search_go(T, key == 'n' ? T->qdir : -T->qdir);
    return 0;
}

static int a_width(tui_t *T, long n, long cnt, int key)
{
    (void)n, (void)cnt;
    int w = T->width + (key == '>' ? 4 : -4);
    if (w < LAYOUT_MIN_WIDTH)
        w = LAYOUT_MIN_WIDTH;
    if (w > LAYOUT_MAX_WIDTH)
        w = LAYOUT_MAX_WIDTH;
    T->width = w;
    tui_geometry(T, w);
    snprintf(T->msg, sizeof T->msg, "width %d%s", w, w > COLS ? " (the screen is narrower)" : "");
    return 0;
}

static int a_redraw(tui_t *T, long n, long cnt, int key)
{
    (void)T, (void)n, (void)cnt, (void)key;
    clearok(curscr, TRUE);
    return 0;
}

static int a_mouse(tui_t *T, long n, long cnt, int key)
{
    (void)n, (void)cnt, (void)key;
    MEVENT me;
    if (getmouse(&me) == OK && T->mouse) {
        if (me.bstate & BUTTON4_PRESSED)
            view_scroll(&T->V, -3, rows_of(T));
        else if (me.bstate & BUTTON5_PRESSED)
            view_scroll(&T->V, 3, rows_of(T));
    }
    return 0;
}

static int a_mouse_toggle(tui_t *T, long n, long cnt, int key)
{
    (void)n, (void)cnt, (void)key;
    T->mouse = !T->mouse;
    tui_mouse(T);
    snprintf(T->msg, sizeof T->msg,
             T->mouse ? "mouse wheel scrolls (Shift selects text); W turns it off"
                      : "mouse off: the terminal selects text");
    return 0;
}

static const struct {
    int key;
    action_fn fn;
    void (*call)(tui_t *T);
} keymap[] = {
    {'q', a_quit, NULL},           {'R', NULL, session_reload},
    {'j', a_down, NULL},           {K_CR, a_down, NULL},
    {K_LF, a_down, NULL},          {FN(KEY_DOWN), a_down, NULL},
    {FN(KEY_ENTER), a_down, NULL}, {'k', a_up, NULL},
    {FN(KEY_UP), a_up, NULL},      {' ', a_page, NULL},
    {'f', a_page, NULL},           {FN(KEY_NPAGE), a_page, NULL},
    {'b', a_page, NULL},           {FN(KEY_PPAGE), a_page, NULL},
    {'d', a_page, NULL},           {'u', a_page, NULL},
    {'g', a_top, NULL},            {FN(KEY_HOME), a_top, NULL},
    {'G', a_end, NULL},            {FN(KEY_END), a_end, NULL},
    {'%', a_percent, NULL},        {'p', a_percent, NULL},
    {']', a_heading, NULL},        {'[', a_heading, NULL},
    {'}', a_turn, NULL},           {'{', a_turn, NULL},
    {'t', NULL, panel_outline},    {K_TAB, NULL, panel_outline},
    {'s', NULL, panel_speakers},   {'F', a_filter, NULL},
    {'/', a_search, NULL},         {'?', a_search, NULL},
    {'n', a_next_match, NULL},     {'N', a_next_match, NULL},
    {'<', a_width, NULL},          {'>', a_width, NULL},
    {'h', NULL, panel_help},       {FN(KEY_F(1)), NULL, panel_help},
    {'M', NULL, bookmark_add},     {'B', NULL, panel_bookmarks},
    {K_CTRL_L, a_redraw, NULL},    {FN(KEY_MOUSE), a_mouse, NULL},
    /* as in less */
    {'e', a_down, NULL},           {'y', a_up, NULL},
    {K_CTRL('E'), a_down, NULL},   {K_CTRL('Y'), a_up, NULL},
    {K_CTRL('N'), a_down, NULL},   {K_CTRL('P'), a_up, NULL},
    {K_CTRL('F'), a_page, NULL},   {K_CTRL('B'), a_page, NULL},
    {K_CTRL('D'), a_page, NULL},   {K_CTRL('U'), a_page, NULL},
    {'W', a_mouse_toggle, NULL},
};

/* An unbound key, said briefly: its name (ASCII only) into b. */
static void unbound_name(int key, char *b, size_t bn)
{
    if (key >= KEYS_FN) {
        const char *k = keyname(key - KEYS_FN);
        snprintf(b, bn, "%s", k ? k : "?");
        for (char *p = b; *p; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
                *p = '?';
    } else if (key < 0x20) {
        snprintf(b, bn, "Ctrl-%c", key + '@');
    } else if (key < 0x7f) {
        snprintf(b, bn, "%c", key);
    } else {
        snprintf(b, bn, "U+%04X", (unsigned)key);
    }
}

/* The key after m, ' or :. Returns 1 to quit. */
static int second_key(tui_t *T, int p, int key)
{
    if (p == 'm' && key >= 'a' && key <= 'z') {
        T->marks[key - 'a'] = view_top(&T->V);
        T->marked |= 1u << (key - 'a');
        char nm[3] = {'\'', (char)key, 0};
        int r = mem_set_bookmark(&T->mem, nm, "", T->marks[key - 'a']);
        const char *f = r < 0 ? store_failure(T->S) : NULL;
        const char *w = store_warning(T->S);
        if (f) /* kept until the reader quits, not saved */
            snprintf(T->msg, sizeof T->msg, "mark %c set, not saved: %s", key, f);
        else
            snprintf(T->msg, sizeof T->msg, "mark %c set%s%s", key, w ? ": " : "", w ? w : "");
    } else if (p == '\'' && key == '\'') {
        if (T->has_jump)
            tui_go(T, T->last_jump);
        else
            snprintf(T->msg, sizeof T->msg, "no earlier position");
    } else if (p == '\'' && key >= 'a' && key <= 'z') {
        if (T->marked & (1u << (key - 'a')))
            tui_go(T, T->marks[key - 'a']);
        else
            snprintf(T->msg, sizeof T->msg, "mark %c not set", key);
    } else if (p == ':' && (key == 'n' || key == 'p')) {
        session_switch(T, key == 'n' ? 1 : -1);
    } else if (p == ':' && key == 'q') {
        return 1;
    }
    return 0;
}

/* ---- the loop -------------------------------------------------------------- */

/* Wait for a key, doing the idle work meanwhile; ERR when told to quit.
 * had_time: the reading time was known when the page was drawn (asked
 * before drawing: a count that ends while the page is drawn is drawn
 * again). */
static int next_key(tui_t *T, wint_t *ch, int had_time)
{
    int r;
    do {
        if (bg_held()) { /* the first screen is up: work may start once no
                            key waits */
            timeout(0);
            r = get_wch(ch);
            timeout(200);
            if (r == ERR) {
                bg_release();
                continue;
            }
        } else {
            r = get_wch(ch);
        }
        if (r != ERR || term_quit)
            break;
        int redraw = session_idle(T);
        if (!term_quit && count_idle(T)) /* match 3/… becomes 3/17 */
            redraw = 1;
        /* the structure arrived: show what was shown before it again, as
           it really is, at the same place (or the end) */
        if (!term_quit && st_take_provisional(&T->st)) {
            const page_t *P = &T->V.page;
            if ((P->n && P->v[P->n - 1].end >= T->st.len) || T->at_end)
                view_end(&T->V, rows_of(T));
            else
                view_goto(&T->V, view_top(&T->V));
            redraw = 1;
        }
        /* ... and "resumed at 43%" said before it gets its section */
        if (!term_quit && session_resumed_section(T))
            redraw = 1;
        /* the title (with the structure) or the reading time arrived */
        if ((!T->title && st_ready(&T->st)) || (!had_time && rt_ready(T->rt)))
            redraw = 1;
        if (redraw && !term_quit) {
            had_time = rt_ready(T->rt);
            draw_page(T);
        }
    } while (!term_quit);
    return term_quit ? ERR : r;
}

/* The reader's key loop, until q (or a signal to quit). */
static void reader(tui_t *T)
{
    long count = -1;
    int pending = 0;
    if (T->S && !T->msg[0] && !T->resumed && store_first(T->S, "hinted"))
        snprintf(T->msg, sizeof T->msg, "h: help"); /* the first opening ever */
    for (;;) {
        if (!T->msg[0] && term_ambiguous_news()) /* the probe's answer */
            tui_ambiguous_notice(T);
        int had_time = rt_ready(T->rt);
        draw_page(T);
        wint_t ch;
        int r = next_key(T, &ch, had_time);
        if (r == ERR)
            return;
        int key = key_of(r, ch);
        if (key_is_probe(key)) { /* not a key: the terminal's answer */
            term_ambiguous_set(probe_ambiguous(key));
            continue;
        }
        T->msg[0] = 0;
        if (key != FN(KEY_RESIZE))
            T->at_end = 0;
        T->keys_since_open++;
        if (key == FN(KEY_RESIZE)) {
            tui_geometry(T, T->width);
            continue;
        }
        if (T->too_small) {
            if (key == 'q')
                return;
            continue;
        }
        if (pending) {
            int p = pending;
            pending = 0;
            if (second_key(T, p, key))
                return;
            continue;
        }
        if (key >= '0' && key <= '9') {
            count = (count < 0 ? 0 : count) * 10 + (key - '0');
            if (count > 100000000)
                count = 100000000;
            snprintf(T->msg, sizeof T->msg, "%ld", count);
            continue;
        }
        long cnt = count;
        count = -1;
        if (key == 'm' || key == '\'' || key == ':') {
            pending = key;
            snprintf(T->msg, sizeof T->msg, "%c", key);
            continue;
        }
        size_t i = 0;
        for (; i < sizeof keymap / sizeof *keymap; i++)
            if (keymap[i].key == key) {
                if (keymap[i].call)
                    keymap[i].call(T);
                else if (keymap[i].fn(T, cnt < 0 ? 1 : cnt, cnt, key))
                    return;
                break;
            }
        if (i == sizeof keymap / sizeof *keymap && key != K_ESC) {
            char nm[40];
            unbound_name(key, nm, sizeof nm);
            snprintf(T->msg, sizeof T->msg, "%s: no such key (h: help)", nm);
        }
    }
}

void tui_read(tui_t *T)
{
    reader(T);
    session_unload(T); /* saves the position */
}

int tui_run(char **files, int nfiles, const tui_opts_t *o)
{
    tui_t T0, *T = &T0;
    session_init(T, o);
    bg_hold(); /* until the first screen is up */
    T->files = files;
    T->nfiles = nfiles;
    T->filepos = xcalloc((size_t)nfiles, sizeof *T->filepos);
    char err[300], skipped[300] = "";
    int i = 0; /* the first file that opens */
    for (; i < nfiles; i++) {
        if (session_load(T, i, err, sizeof err) == 0)
            break;
        msg("%s", err);
        snprintf(skipped, sizeof skipped, "%s", err);
        T->rc = 2;
    }
    if (i == nfiles) {
        session_free(T);
        return 2;
    }
    FILE *tty;
    SCREEN *scr = tui_screen_start(T, &tty);
    if (!scr) {
        session_free(T);
        return -1;
    }
    if (i > 0) /* said on the screen too, not only behind it */
        session_skipped(T, i - 1, skipped, 0);
    tui_read(T);
    tui_screen_end(scr, tty);
    if (T->unsaved[0]) { /* the last save (at quit) */
        char says[sizeof T->unsaved + 64];
        store_unsaved(says, sizeof says, T->unsaved);
        msg("%s", says);
    }
    int rc = T->rc;
    session_free(T);
    return rc;
}
