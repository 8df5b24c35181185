/* dump: print a document laid out at a width, one visual line per output
 * line, exactly as the reader lays it out (--dump).
 *
 * Contract: walks the document's blocks (structure), renders each (render:
 * the lines the reader draws) and writes their display bytes:
 * terminal-safe, never raw controls (the only escapes written are SGR
 * styles when colour is on). Memory is bounded by the largest block.
 * Returns 0, or -1 with errno set when writing fails (it stops there). */
#ifndef JUAN_DUMP_H
#define JUAN_DUMP_H
#include "doc.h"
#include "layout.h"
#include "structure.h"
#include <stdio.h>

typedef struct {
    layout_opts_t lo;
    int color; /* SGR styles: headings and speakers bold, emphasis, links */
} dump_opts_t;

int dump_doc(const doc_t *d, const structure_t *st, const dump_opts_t *o,
             FILE *out);

#endif
