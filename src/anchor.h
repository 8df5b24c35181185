/* anchor: a place in a document that survives edits to it.
 *
 * Contract: anchor_make() describes byte off of a text (moved past blank
 * lines and indents, and stray UTF-8 continuation bytes after them, to
 * the text itself) by a quote (about 32 characters
 * from there), the title of the section that holds it with
 * that heading's offset, and its percentage. anchor_resolve() finds the
 * place again in a text that may have changed: the quote where it was;
 * else the occurrence of the quote nearest the old offset; else the same
 * distance into the section of that title (compared as kept: cut to
 * sizeof section - 1 bytes) at most to its end; else the same
 * percentage. Every place it gives is a character boundary (a byte that
 * is not a UTF-8 continuation byte, or 0), also from a damaged or forged
 * anchor: an occurrence of the quote inside a character does not count.
 * fuzz/fuzz_anchor.c checks it. Pure: no I/O. */
#ifndef JUAN_ANCHOR_H
#define JUAN_ANCHOR_H
#include "store.h"
#include "structure.h"
#include <stddef.h>

void anchor_make(const structure_t *st, size_t off, anchor_t *a);
/* Returns the offset; *exact is 1 when the quote was where it was. */
size_t anchor_resolve(const structure_t *st, const anchor_t *a, int *exact);

/* The text the reader shows from byte off on, as one line, appended to b
 * (raw UTF-8: the caller sanitises it): from the start of the character
 * holding off, at most chars characters, Markdown's markup and front
 * matter's source left out (front matter: its title, as the title block
 * shows it), line breaks and runs of blanks as one space, blank lines and
 * rules skipped. Returns 1 when the text goes on after it (it was cut). */
int anchor_show(const structure_t *st, size_t off, size_t chars, buf_t *b);
/* The one percentage shown for byte off of len (rounded down: 100 only at
 * the end). */
int anchor_percent(size_t off, size_t len);

#endif
