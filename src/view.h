/* view: the reader's window onto a document — visual lines from a top
 * position named by a byte offset.
 *
 * Contract: a view shows the lines render_block() gives for each block, so
 * at width N and hang H the reader shows exactly what `--dump -w N
 * --hang=H` prints; with a
 * filter, only the blocks of one speaker's turns and the headings. The
 * position is the top line; view_top() names it by a byte offset of the
 * document, and view_goto() of that offset puts the same line back on top,
 * so a resize, a width change, a filter or a restart never moves the
 * reader. Only the blocks on or next to the screen are rendered (a 100 MB
 * file opens without being laid out whole). The page holds copies of the
 * lines (bytes, style runs, glyphs with their document offsets). Pure: no
 * curses, no output. */
#ifndef JUAN_VIEW_H
#define JUAN_VIEW_H
#include "render.h"
#include "structure.h"
#include <stddef.h>
#include <stdint.h>

typedef struct {
    size_t start, end;       /* document bytes the line stands for */
    uint32_t off, len, text; /* its bytes in page.out (text: after leads) */
    uint32_t run0, nrun;     /* style runs in page.runs */
    uint32_t g0, ng;         /* glyphs in page.glyphs */
    uint16_t cells;
    uint8_t flags;           /* RL_* */
    uint8_t kind;            /* BK_* of its block */
    int32_t speaker;         /* its block's speaker, -1 if none */
} pline_t;

typedef struct {
    pline_t *v;
    size_t n, cap;
    buf_t out;
    srun_t *runs;
    size_t nruns, rcap;
    glyph_t *glyphs;
    size_t nglyphs, gcap;
    int at_end; /* the last line of the page is the document's last */
} page_t;

typedef struct {
    const structure_t *st;
    layout_opts_t lo;
    int filter;      /* speaker index, or -1: every block */
    page_t page;     /* from the last view_fill() */
    /* private: the top block and line */
    st_cursor_t c;
    block_t b, pb;   /* the top block and the one before it */
    int has_b, has_pb;
    int line;
    int nlines;      /* lines of the top block, -1 if not known */
    size_t first;    /* start of the document's first block */
    size_t anchor;   /* the byte view_goto() was given */
    render_t R;
    /* private: what R holds (rendering a block again is skipped; a
       paragraph of megabytes is laid out once, not at every key) */
    block_t rb, rprev;
    int rvalid, rhas_prev, rwidth, rindent, rfilter, rhang;
} view_t;

void view_init(view_t *V, const structure_t *st, const layout_opts_t *lo);
void view_free(view_t *V);

/* The byte offset that names the top line. */
size_t view_top(view_t *V);
/* Put the line that holds byte off at the top (off >= the text's length:
 * the last line). An off inside a character is taken as that character's
 * start, so view_top() is always a character boundary. */
void view_goto(view_t *V, size_t off);
/* Scroll n lines (negative: up), keeping the page of `rows` lines full: the
 * top stops where the last line reaches the bottom. Returns lines moved. */
long view_scroll(view_t *V, long n, int rows);
/* The first line on top / the last line at the bottom of `rows` lines. */
void view_home(view_t *V);
void view_end(view_t *V, int rows);
/* Lay out at another width, or filter on another speaker (-1: none),
 * keeping the top line. */
void view_set_width(view_t *V, int width);
/* Let punctuation hang `hang` cells past the width (layout_opts_t.hang),
 * keeping the top line. */
void view_set_hang(view_t *V, int hang);
void view_set_filter(view_t *V, int speaker);
/* Fill V->page with up to `rows` lines from the top; returns how many. */
size_t view_fill(view_t *V, int rows);

#endif
