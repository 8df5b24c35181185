/* listw: the reader's full-screen list (outline, speakers, help,
 * bookmarks, the library).
 *
 * Contract: list_run() shows L->title on the first row and L->n items
 * below, asking item(ctx, i, ...) for each visible one: its left part
 * (terminal-safe display bytes) and a short right part (ASCII, right
 * aligned). j/k/arrows, Space/b/PgDn/PgUp, g/G/Home/End move the selection
 * (L->sel, kept in the list; digits first: 5j moves 5, 5G goes to item 5); the item L->mark is drawn bold. Returns the
 * chosen item on Enter, or on one of L->keys (then *key says which; '/'
 * chooses also in an empty list); -1 on Esc, q or a signal to quit. The
 * callbacks carry their own context: the list knows nothing of what it
 * shows. */
#ifndef JUAN_LISTW_H
#define JUAN_LISTW_H
#include "util.h"
#include <stddef.h>

typedef struct {
    const char *title;
    int n, sel, mark;
    const char *keys; /* more keys that choose the item (NULL: none) */
    void (*item)(void *ctx, int i, buf_t *left, char *right, size_t rn);
    void (*resize)(void *ctx); /* the terminal changed size (NULL: nothing) */
    /* When no key came for a while (30 ms; NULL: nothing): items that came
     * since, *n and *sel updated; > 0: they changed (drawn
     * again); 0: nothing new yet; either way asked again after 30 ms
     * without a key; < 0: nothing more will change (asked at the
     * usual pace, 200 ms). */
    int (*idle)(void *ctx, int *n, int *sel);
    void (*keyed)(void *ctx); /* a key came, before it is acted on (NULL: nothing) */
    void *ctx;
    const char *empty; /* what an empty list says (NULL: "(none)") */
} list_t;

int list_run(list_t *L, int *key);
/* Esc among L->keys: Esc chooses (*key = K_ESC, even in an empty list)
 * instead of leaving. list_show() draws the list once, as list_run would
 * (what a prompt over the list shows behind it). */
void list_show(list_t *L);
/* Ask question (outside text: made terminal-safe) on the last row, below
 * the list as list_run() left it on the screen, and read one key: 1 for y
 * or Y, 0 for any other key (the list stays visible all along). */
int list_confirm(const char *question);

#endif
