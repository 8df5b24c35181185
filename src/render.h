/* render: one block of a document as the lines the reader and --dump show.
 *
 * Contract: render_block() lays a block out (layout) with its leads (quote
 * bars "│ ", list markers, a speaker turn's hanging indent), its styles
 * (SP_* runs: headings, speaker names, emphasis, links, code) and the
 * blank line that separates it from the block before, which is all it
 * needs to know of the rest of the document: so the reader can render
 * from any block, forwards or backwards, and get exactly the lines --dump
 * prints. Lines are terminal-safe display bytes with document byte ranges.
 * Pure: no curses, no output. */
#ifndef JUAN_RENDER_H
#define JUAN_RENDER_H
#include "layout.h"
#include "structure.h"
#include <stddef.h>
#include <stdint.h>

enum {
    RL_SEP = 1, /* a blank line between blocks (maybe with quote bars) */
    RL_CUT = 2, /* a code line cut at the width: ends with "→" */
};

typedef struct {
    size_t start, end; /* document bytes the line stands for */
    uint32_t off, len; /* its bytes in R->out: lead, indent, text, marker */
    uint32_t text;     /* offset in R->out where the text begins */
    uint32_t run0, nrun; /* style changes within the line (R->runs) */
    uint32_t g0, ng;   /* its text units (R->glyphs), when R->want_glyphs */
    uint16_t cells;    /* width, leads included */
    uint8_t flags;     /* RL_* */
} rline_t;

/* One drawn unit of a line's text (a cluster, or a part of one): its
 * display bytes R->out[o..next glyph's o or the line's end) and the
 * document byte it stands for, so a document range (a search match) can be
 * highlighted exactly, also across a wrap. */
typedef struct {
    uint32_t o;   /* offset in R->out */
    uint8_t w;    /* cells */
    size_t src;   /* document offset */
} glyph_t;

typedef struct {
    uint32_t off;   /* from this byte of R->out on ... */
    uint16_t style; /* ... the text has these SP_* styles */
} srun_t;

typedef struct {
    rline_t *v;      /* the lines of the last block rendered */
    size_t n, vcap;
    buf_t out;       /* their bytes */
    srun_t *runs;
    size_t nruns, rcap;
    int want_glyphs;  /* set by the caller: fill glyphs (the reader) */
    glyph_t *glyphs;
    size_t nglyphs, gcap;
    /* private */
    layout_t L;
    buf_t flat, lead1, lead2;
    size_t *map;
    uint16_t *sty;
    size_t mcap, scap;
    int lead1w, lead2w;
    int right;       /* BF_RIGHT: cells kept free after the text; -1 */
    const structure_t *st;
    const layout_opts_t *o;
} render_t;

/* Render block b of st (prev: the block before it, NULL for the first).
 * Replaces the lines of the previous call. */
void render_block(render_t *R, const structure_t *st, const block_t *b,
                  const block_t *prev, const layout_opts_t *o);
void render_free(render_t *R);

#endif
