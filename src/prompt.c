#include "prompt.h"
#include "draw.h"
#include "keys.h"
#include "term.h"
#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unigbrk.h>
#include <wchar.h>

/* Grapheme boundaries of s[0..n): the one before / after byte i. */
static size_t gb_step(const char *s, size_t n, size_t i, int dir)
{
    if (dir < 0 ? i == 0 : i >= n)
        return dir < 0 ? 0 : n;
    char *br = xmalloc(n + 1);
    u8_grapheme_breaks((const uint8_t *)s, n, br);
    size_t j = dir < 0 ? i - 1 : i + 1;
    if (dir < 0)
        while (j > 0 && !br[j])
            j--;
    else
        while (j < n && !br[j])
            j++;
    free(br);
    return j;
}

/* Delete b[a..z). */
static void cut(buf_t *b, size_t a, size_t z)
{
    memmove(b->p + a, b->p + z, b->n - z + 1);
    b->n -= z - a;
}

static void hist_add(hist_t *h, const char *s)
{
    if (h->n == PROMPT_HIST) {
        free(h->v[0]);
        memmove(h->v, h->v + 1, (PROMPT_HIST - 1) * sizeof *h->v);
        h->n--;
    }
    h->v[h->n++] = xstrdup(s);
}

void hist_free(hist_t *h)
{
    for (int k = 0; k < h->n; k++)
        free(h->v[k]);
    h->n = 0;
}

char *prompt_read(const prompt_t *P, const char *label)
{
    buf_t b = {0};
    buf_add(&b, "", 0);
    if (P->init)
        buf_adds(&b, P->init);
    size_t cur = b.n;
    int hpos = P->hist ? P->hist->n : 0;
    for (;;) {
        P->draw(P->ctx, b.p, b.n);
        int y = LINES - 1;
        move(y, 0);
        clrtoeol();
        int x = draw_bytes(y, 0, COLS - 1, label, strlen(label), A_BOLD, 0);
        x = draw_safe(y, x, COLS - 1, b.p, cur, 0, 0);
        draw_safe(y, x, COLS - 1, b.p + cur, b.n - cur, 0, 0);
        move(y, x < COLS - 1 ? x : COLS - 2);
        curs_set(1);
        refresh();
        wint_t ch;
        int r = get_wch(&ch);
        if (term_quit)
            break;
        if (r == ERR)
            continue;
        int key = key_of(r, ch);
        if (key_is_probe(key)) { /* the terminal's answer, not a key */
            term_ambiguous_set(probe_ambiguous(key));
            continue;
        }
        switch (key) {
        case FN(KEY_LEFT):
            cur = gb_step(b.p, b.n, cur, -1);
            continue;
        case FN(KEY_RIGHT):
            cur = gb_step(b.p, b.n, cur, 1);
            continue;
        case FN(KEY_HOME):
            cur = 0;
            continue;
        case FN(KEY_END):
            cur = b.n;
            continue;
        case FN(KEY_BACKSPACE):
        case K_DEL:
        case K_BS: {
            size_t p = gb_step(b.p, b.n, cur, -1);
            cut(&b, p, cur);
            cur = p;
            continue;
        }
        case FN(KEY_DC):
            cut(&b, cur, gb_step(b.p, b.n, cur, 1));
            continue;
        case FN(KEY_UP):
        case FN(KEY_DOWN):
            if (!P->hist)
                continue;
            if (key == FN(KEY_UP) && hpos > 0)
                hpos--;
            else if (key == FN(KEY_DOWN) && hpos < P->hist->n)
                hpos++;
            b.n = 0;
            buf_adds(&b, hpos < P->hist->n ? P->hist->v[hpos] : "");
            cur = b.n;
            continue;
        case FN(KEY_RESIZE):
            if (P->resize)
                P->resize(P->ctx);
            continue;
        case FN(KEY_ENTER):
        case K_CR:
        case K_LF:
            curs_set(0);
            if (b.n && P->hist)
                hist_add(P->hist, b.p);
            return b.p;
        case K_ESC:
            goto cancel;
        case K_CTRL_U:
            b.n = 0;
            b.p[0] = 0;
            cur = 0;
            continue;
        }
        if (key >= KEYS_FN || ch < 32)
            continue; /* another function key or control character */
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
cancel:
    curs_set(0);
    buf_free(&b);
    return NULL;
}
