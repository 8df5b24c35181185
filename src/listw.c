#include "listw.h"
#include "draw.h"
#include "keys.h"
#include "term.h"

#include <string.h>

static void list_draw(list_t *L, int first, int h)
{
    erase();
    draw_bytes(0, 0, COLS - 1, L->title, strlen(L->title), A_BOLD, 0);
    buf_t left = {0};
    for (int i = first; i < L->n && i < first + h; i++) {
        char right[64];
        left.n = 0;
        buf_add(&left, "", 0);
        right[0] = 0;
        L->item(L->ctx, i, &left, right, sizeof right);
        attr_t a = (i == L->sel ? A_REVERSE : 0) | (i == L->mark ? A_BOLD : 0);
        int y = 1 + i - first, rw = (int)strlen(right);
        if (i == L->sel)
            mvchgat(y, 0, COLS - 1, A_REVERSE, 0, NULL);
        draw_bytes(y, 1, COLS - 2 - rw, left.p, left.n, a, 0);
        if (COLS - 2 - rw > 1)
            draw_bytes(y, COLS - 1 - rw, COLS - 1, right, (size_t)rw, a, 0);
    }
    buf_free(&left);
    if (L->n == 0) {
        const char *e = L->empty ? L->empty : "(none)";
        draw_bytes(1, 1, COLS - 1, e, strlen(e), A_DIM, 0);
    }
    refresh();
}

static int list_loop(list_t *L, int *key_out);

int list_run(list_t *L, int *key_out)
{
    int r = list_loop(L, key_out);
    if (L->idle)
        timeout(200); /* (the pace tui_screen_start set) */
    return r;
}

static int list_loop(list_t *L, int *key_out)
{
    int first = 0;
    long count = -1; /* digits typed before a key: 5j, 5G */
    int pace = 30;   /* ms without a key before idle() is asked */
    for (;;) {
        int h = LINES - 2 > 1 ? LINES - 2 : 1;
        if (L->sel < first)
            first = L->sel;
        if (L->sel >= first + h)
            first = L->sel - h + 1;
        list_draw(L, first, h);
        if (L->idle)
            timeout(pace);
        wint_t ch;
        int r = get_wch(&ch);
        if (term_quit)
            return -1;
        if (r == ERR && L->idle) { /* no key: what came since */
            int news = L->idle(L->ctx, &L->n, &L->sel);
            if (L->sel >= L->n)
                L->sel = L->n ? L->n - 1 : 0;
            pace = news < 0 ? 200 : 30;
        }
        if (r == ERR)
            continue;
        int key = key_of(r, ch);
        if (key_is_probe(key)) { /* the terminal's answer, not a key */
            term_ambiguous_set(probe_ambiguous(key));
            continue;
        }
        if (L->keyed && key != FN(KEY_RESIZE)) /* (a resize is no key read) */
            L->keyed(L->ctx);
        if (key >= '0' && key <= '9' && (count > 0 || key > '0')) {
            count = (count < 0 ? 0 : count) * 10 + (key - '0');
            if (count > 1000000)
                count = 1000000;
            continue;
        }
        long cnt = count, n = count > 0 ? count : 1;
        count = -1;
        switch (key) {
        case 'j':
        case FN(KEY_DOWN):
            L->sel = L->sel + n < L->n ? (int)(L->sel + n) : L->n - 1;
            break;
        case 'k':
        case FN(KEY_UP):
            L->sel = L->sel > n ? (int)(L->sel - n) : 0;
            break;
        case FN(KEY_NPAGE):
        case ' ':
            L->sel = L->sel + h < L->n ? L->sel + h : L->n - 1;
            break;
        case FN(KEY_PPAGE):
        case 'b':
            L->sel = L->sel > h ? L->sel - h : 0;
            break;
        case 'g':
        case FN(KEY_HOME):
        case 'G':
        case FN(KEY_END):
            if (cnt > 0) /* item N, counting from 1 */
                L->sel = cnt < L->n ? (int)cnt - 1 : L->n - 1;
            else
                L->sel = key == 'g' || key == FN(KEY_HOME) ? 0 : L->n - 1;
            break;
        case K_CR:
        case K_LF:
        case FN(KEY_ENTER):
            return L->n ? L->sel : -1;
        case K_ESC: /* (one of keys: chosen, list empty or not) */
            if (L->keys && strchr(L->keys, K_ESC)) {
                if (key_out)
                    *key_out = K_ESC;
                return L->sel;
            }
            return -1;
        case 'q':
            return -1;
        case FN(KEY_RESIZE):
            if (L->resize)
                L->resize(L->ctx);
            break;
        default:
            if (key > 0 && key < 128 && L->keys && strchr(L->keys, key) &&
                (L->n || key == '/')) {
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

void list_show(list_t *L)
{
    int h = LINES - 2 > 1 ? LINES - 2 : 1;
    if (L->sel >= L->n)
        L->sel = L->n ? L->n - 1 : 0;
    list_draw(L, L->sel >= h ? L->sel - h + 1 : 0, h);
}

int list_confirm(const char *question)
{
    int y = LINES - 1;
    move(y, 0);
    clrtoeol();
    draw_safe(y, 1, COLS - 1, question, strlen(question), A_BOLD, 0);
    refresh();
    wint_t ch;
    int r;
    for (;;) {
        r = get_wch(&ch);
        if (r == KEY_CODE_YES && key_is_probe(key_of(r, ch))) {
            term_ambiguous_set(probe_ambiguous(key_of(r, ch)));
            continue;
        }
        if (r != ERR || term_quit)
            break;
    }
    if (term_quit || r == ERR)
        return 0;
    int key = key_of(r, ch);
    return key == 'y' || key == 'Y';
}
