/* prompt: a line of input on the screen's last row (the reader's search,
 * bookmark names, the library's filter).
 *
 * Contract: prompt_read() shows the label and what is typed, with the
 * screen behind it drawn by the caller's draw() before every key (given
 * what is typed so far: the search highlights as you type). It takes
 * input-method text (any character get_wch gives), moves and deletes by
 * grapheme cluster (Left, Right, Home, End, Backspace, Delete), clears
 * with Ctrl-U, recalls earlier lines with Up and Down when it has a
 * history (and adds a non-empty line to it on Enter), and calls resize()
 * when the terminal changes size. Returns the line (malloc'ed UTF-8), or
 * NULL when cancelled (Esc, or a signal to quit: term_quit). Draws only
 * terminal-safe bytes. */
#ifndef JUAN_PROMPT_H
#define JUAN_PROMPT_H
#include <stddef.h>

#define PROMPT_HIST 32

typedef struct {
    char *v[PROMPT_HIST]; /* oldest first */
    int n;
} hist_t;

typedef struct {
    hist_t *hist;                                     /* NULL: none */
    void (*draw)(void *ctx, const char *s, size_t n); /* the screen behind */
    void (*resize)(void *ctx);                        /* NULL: nothing to do */
    void *ctx;
    const char *init; /* the line to start from, the cursor at its end (NULL: empty) */
} prompt_t;

char *prompt_read(const prompt_t *P, const char *label);
void hist_free(hist_t *h);

#endif
