/* dump: print a document laid out at a width, one visual line per output
 * line, exactly as the reader lays it out (--dump).
 *
 * Contract: walks the document paragraph by paragraph (para), lays each
 * out (layout) and writes the display bytes: terminal-safe, never raw
 * controls. Memory is bounded by the largest paragraph, not the file.
 * Returns 0, or -1 with errno set when writing fails. */
#ifndef JUAN_DUMP_H
#define JUAN_DUMP_H
#include "doc.h"
#include "layout.h"
#include <stdio.h>

int dump_doc(const doc_t *d, const layout_opts_t *o, FILE *out);

#endif
