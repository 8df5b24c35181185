#include "draw.h"
#include "anchor.h"
#include "reader.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

enum { PAIR_HL = 7, PAIR_BAR = 8, PAIR_HEAD = 9, PAIR_CUR = 10 };
static const short speaker_colors[] = {COLOR_RED, COLOR_GREEN, COLOR_YELLOW,
                                       COLOR_BLUE, COLOR_MAGENTA, COLOR_CYAN};
#define NSPCOL 6

int draw_bytes(int y, int x, int xmax, const char *s, size_t n, attr_t at, short pair)
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

int draw_safe(int y, int x, int xmax, const char *s, size_t n, attr_t at, short pair)
{
    buf_t b = {0};
    buf_add(&b, "", 0);
    text_sanitize(&b, s, n);
    x = draw_bytes(y, x, xmax, b.p, b.n, at, pair);
    buf_free(&b);
    return x;
}

void draw_colors(tui_t *T)
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
    init_pair(PAIR_CUR, COLOR_BLACK, COLOR_GREEN);
}

/* Speaker colours: stable per name (a hash of it), distinct within the
 * document while there are colours left. */
void draw_speaker_colors(tui_t *T)
{
    const structure_t *st = &T->st;
    T->spcolor = xmalloc((st->nspeakers + 1) * sizeof *T->spcolor);
    int used[NSPCOL] = {0};
    for (size_t i = 0; i < st->nspeakers; i++) {
        int c = (int)(st->speakers[i].hash % NSPCOL);
        for (int t = 0; t < NSPCOL && used[c] && i < NSPCOL; t++)
            c = (c + 1) % NSPCOL;
        used[c] = 1;
        T->spcolor[i] = (short)(c + 1);
    }
}

void draw_speaker_name(const tui_t *T, int k, buf_t *b)
{
    const speaker_t *p = &T->st.speakers[k];
    text_sanitize(b, T->st.text + p->name_off, p->name_len);
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
    if (style & (SP_CODE | SP_DEL | SP_NOTE))
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

static void draw_line(tui_t *T, int y, const pline_t *l, const match_t *m, size_t nm)
{
    const page_t *P = &T->V.page;
    /* hung punctuation goes past the column, into the margin (T->hang
     * keeps it on the screen) */
    int x = T->left, xmax = T->left + T->col + T->hang;
    if (xmax > COLS)
        xmax = COLS;
    /* leads (quote bars, markers) and indent */
    x = draw_bytes(y, x, xmax, P->out.p + l->off, l->text - l->off, T->color ? 0 : A_DIM,
                   T->color ? PAIR_BAR : 0);
    uint32_t end = l->off + l->len - ((l->flags & RL_CUT) ? 3 : 0);
    uint32_t r = l->run0, rend = l->run0 + l->nrun;
    int style = 0;
    size_t k = 0;
    /* the match gone to, drawn apart from the others (not while typing) */
    int cur = T->has_last && !T->hl_active;
    for (uint32_t g = l->g0; g < l->g0 + l->ng; g++) {
        const glyph_t *q = &P->glyphs[g];
        uint32_t ge = g + 1 < l->g0 + l->ng ? P->glyphs[g + 1].o : end;
        while (r < rend && P->runs[r].off <= q->o)
            style = P->runs[r++].style;
        short pair;
        attr_t a = style_attr(T, style, l->speaker, &pair);
        if (nm && in_match(m, nm, &k, q->src)) {
            int here = cur && q->src >= T->last.a && q->src < T->last.b;
            a |= A_REVERSE | (here ? A_BOLD | A_UNDERLINE : 0);
            if (T->color)
                pair = here ? PAIR_CUR : PAIR_HL, a &= ~(attr_t)A_REVERSE;
        }
        x = draw_bytes(y, x, xmax, P->out.p + q->o, ge - q->o, a, pair);
    }
    if (l->flags & RL_CUT)
        draw_bytes(y, x, xmax, P->out.p + end, 3, A_DIM, 0);
}

int draw_fit(buf_t *b, const char *s, size_t n, int cells, int more, int pad)
{
    units_t u = {0};
    text_units(&u, s, n);
    int w = 0;
    size_t k = 0, cut = 0; /* units kept; the last cluster boundary */
    int wcut = 0;
    for (; k < u.n; k++) {
        if (u.u[k].flags & U_CLUSTER)
            cut = k, wcut = w;
        if (w + u.u[k].w > cells)
            break;
        w += u.u[k].w;
    }
    if (k == u.n)
        cut = k, wcut = w;
    if (cut < u.n || more) { /* room for the "…" */
        while (cut > 0 && wcut + 1 > cells) {
            do
                wcut -= u.u[--cut].w;
            while (cut > 0 && !(u.u[cut].flags & U_CLUSTER));
        }
    }
    buf_add(b, u.disp.p, u.u[cut].doff);
    w = wcut;
    if ((cut < u.n || more) && w + 1 <= cells) {
        buf_adds(b, "…");
        w++;
    }
    for (; pad && w < cells; w++)
        buf_addc(b, ' ');
    units_free(&u);
    return w;
}

/* The section holding the top line (-1: none, or not known yet). */
static long top_section(const tui_t *T, const pline_t *top)
{
    if (!top || !st_ready(&T->st))
        return -1;
    return st_section_at(&T->st, top->end > top->start ? top->end - 1 : top->start);
}

/* The status line's fields, in the order they are drawn: the title (or a
 * message), the section, the speaker, the file count on the left; the
 * file's change, the focus, the match gone to (match 3/17), the
 * percentage, the time left on the right. A message too wide to share the
 * line with the right part has the line alone, but for the file's change. */
enum { SF_TITLE, SF_SECTION, SF_SPEAKER, SF_FILES, SF_CHANGED, SF_FOCUS,
       SF_MATCH, SF_PCT, SF_LEFT, SF_N };
/* When the line is too narrow they drop in this order; SF_CUT: the title
 * (or message) is cut to what is left if that is 12 cells or more; the
 * title is cut (to 4 cells or more) before it drops; the percentage goes
 * last. */
#define SF_CUT SF_N
static const int sf_drop[] = {SF_SPEAKER, SF_FILES, SF_SECTION, SF_CUT, SF_LEFT,
                              SF_MATCH, SF_FOCUS, SF_TITLE, SF_CHANGED, SF_PCT};
#define SF_NDROP (int)(sizeof sf_drop / sizeof *sf_drop)

static void draw_status(tui_t *T, const pline_t *top)
{
    int y = LINES - 1, xmax = COLS - 1; /* never the bottom-right cell */
    attrset(A_REVERSE);
    mvhline(y, 0, ' ', COLS - 1);
    size_t off = top ? top->start : 0;
    int pct = T->V.page.at_end ? 100 : anchor_percent(off, T->st.len);
    session_say_resumed(T, pct); /* (after a resume) */
    long minutes = T->V.page.at_end ? 0 : rt_minutes_left(T->rt, off);
    buf_t f[SF_N] = {{0}};
    char s[64];
    if (T->msg[0]) {
        buf_adds(&f[SF_TITLE], T->msg);
    } else {
        session_title(T, &f[SF_TITLE]);
        long h = top_section(T, top);
        if (h >= 0) {
            buf_t t = {0};
            st_heading_text(&T->st, &T->st.headings[h], &t);
            buf_adds(&f[SF_SECTION], "§ ");
            text_sanitize(&f[SF_SECTION], t.p, t.n);
            buf_free(&t);
        }
        if (top && st_ready(&T->st) && top->speaker >= 0 && top->kind == BK_PARA)
            draw_speaker_name(T, top->speaker, &f[SF_SPEAKER]);
        if (T->nfiles > 1) {
            snprintf(s, sizeof s, "%d/%d", T->cur + 1, T->nfiles);
            buf_adds(&f[SF_FILES], s);
        }
    }
    if (T->changed != DOC_SAME) /* until R: the file is not what is shown */
        buf_adds(&f[SF_CHANGED], T->changed == DOC_GONE ? "[deleted]" : "[changed: R]");
    if (T->focus >= 0) { /* it changes what keys do */
        buf_adds(&f[SF_FOCUS], T->filter ? "only @" : "@");
        draw_speaker_name(T, T->focus, &f[SF_FOCUS]);
    }
    snprintf(s, sizeof s, "%d%%", pct);
    buf_adds(&f[SF_PCT], s);
    if (minutes >= 0) {
        char say[48];
        rt_say(minutes, say, sizeof say);
        buf_adds(&f[SF_LEFT], say);
    }
    if (T->has_last && !T->hl_active) { /* the match gone to, of how many */
        if (T->mrank && T->mall_done)
            snprintf(s, sizeof s, "match %zu/%zu", T->mrank, T->nmall);
        else if (T->mrank) /* still counted */
            snprintf(s, sizeof s, "match %zu/…", T->mrank);
        else
            snprintf(s, sizeof s, "match …/…");
        buf_adds(&f[SF_MATCH], s);
    }
    /* widths: " │ " between left fields, two blanks between right ones, one
     * blank at either end of the right part */
    int w[SF_N], on[SF_N];
    for (int i = 0; i < SF_N; i++) {
        w[i] = f[i].n ? (int)text_width(f[i].p, f[i].n) : 0;
        on[i] = f[i].n > 0;
    }
    int avail = xmax - 1; /* (from column 1) */
    if (T->msg[0]) { /* a message that does not fit beside the right part */
        int rw0 = 0, nr0 = 0;
        for (int i = SF_CHANGED; i < SF_N; i++)
            if (on[i])
                rw0 += w[i] + 2 * (nr0++ > 0);
        rw0 += nr0 ? 2 : 0;
        if (w[SF_TITLE] + (nr0 ? 1 : 0) + rw0 > avail)
            for (int i = SF_CHANGED + 1; i < SF_N; i++)
                on[i] = 0; /* ... has the line, but for [changed: R] */
    }
    for (int k = 0;; k++) {
        int lw = 0, rw = 0, nl = 0, nr = 0;
        for (int i = 0; i < SF_N; i++) {
            if (!on[i])
                continue;
            if (i < SF_CHANGED)
                lw += w[i] + 3 * (nl++ > 0);
            else
                rw += w[i] + 2 * (nr++ > 0);
        }
        rw += nr ? 2 : 0;
        int gap = nl && nr ? 1 : 0;
        if (lw + gap + rw <= avail || k >= SF_NDROP - 1)
            break;
        int d = sf_drop[k], cut = d == SF_CUT;
        d = cut ? SF_TITLE : d;
        if (d == SF_TITLE && on[d]) { /* cut it first */
            int room = avail - rw - gap - (lw - w[d]);
            if (room >= (cut ? 12 : 4)) {
                buf_t c = {0};
                w[d] = draw_fit(&c, f[d].p, f[d].n, room, 0, 0);
                buf_free(&f[d]);
                f[d] = c;
                break;
            }
            if (cut)
                continue;
        }
        on[d] = 0;
    }
    buf_t l = {0}, r = {0};
    buf_add(&l, "", 0);
    buf_add(&r, "", 0);
    for (int i = 0; i < SF_N; i++) {
        if (!on[i])
            continue;
        if (i < SF_CHANGED) {
            if (l.n)
                buf_adds(&l, " │ ");
            buf_add(&l, f[i].p, f[i].n);
        } else {
            buf_adds(&r, r.n ? "  " : " ");
            buf_add(&r, f[i].p, f[i].n);
        }
    }
    if (r.n)
        buf_addc(&r, ' ');
    int rw = (int)text_width(r.p, r.n);
    int lmax = xmax - rw > 1 ? xmax - rw : xmax;
    draw_bytes(y, 1, lmax, l.p, l.n, A_REVERSE, 0);
    if (rw)
        draw_bytes(y, xmax - rw > 0 ? xmax - rw : 0, xmax, r.p, r.n, A_REVERSE, 0);
    buf_free(&l);
    buf_free(&r);
    for (int i = 0; i < SF_N; i++)
        buf_free(&f[i]);
    attrset(A_NORMAL);
}

/* Matches on the page of the query typed (in the prompt) or searched. */
static size_t page_matches(tui_t *T)
{
    const page_t *P = &T->V.page;
    nav_query_t *Q = T->hl_active ? &T->hlt : session_last_query(T, 0);
    if (!Q || !Q->q.q || P->n == 0)
        return 0;
    size_t lo = P->v[0].start, hi = P->v[P->n - 1].end + 1;
    size_t n = search_range(&T->srch, &Q->q, lo, hi, &T->mv, &T->mcap);
    int only = T->filter ? T->focus : -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (nav_in_scope(&T->st, Q, only, T->mv[i].a))
            T->mv[k++] = T->mv[i];
    return k;
}

/* The sticky header: the section whose heading has scrolled away. */
static void draw_sticky(tui_t *T, long h)
{
    buf_t t = {0};
    st_heading_text(&T->st, &T->st.headings[h], &t);
    int xmax = T->left + T->col < COLS ? T->left + T->col : COLS;
    short pair = T->color ? PAIR_HEAD : 0;
    mvhline(0, T->left, ' ', xmax - T->left);
    draw_safe(0, T->left, xmax, t.p, t.n, A_BOLD | A_UNDERLINE, pair);
    buf_free(&t);
}

void draw_page(tui_t *T)
{
    erase();
    if (T->too_small) {
        draw_bytes(0, 0, COLS, "terminal too small", 18, A_BOLD, 0);
        refresh();
        return;
    }
    session_learn(T);
    int rows = LINES - 1;
    view_fill(&T->V, rows);
    const page_t *P = &T->V.page;
    const pline_t *top = P->n ? &P->v[0] : NULL;
    long h = top_section(T, top);
    T->sticky = h >= 0 && T->st.headings[h].end <= top->start;
    T->rows = rows - T->sticky;
    if (T->at_end && T->sticky) { /* the header takes a row: the end stays in view */
        view_end(&T->V, T->rows);
        view_fill(&T->V, rows);
    }
    if (T->sticky)
        draw_sticky(T, h);
    size_t nm = page_matches(T);
    for (int i = 0; i < T->rows && (size_t)i < P->n; i++)
        draw_line(T, i + T->sticky, &P->v[i], T->mv, nm);
    draw_status(T, top);
    refresh();
}
