/* report: the outline and the speakers of a document, as text or JSON
 * (--outline, --speakers, --json).
 *
 * Contract: reads a built structure only. Text output: the outline one
 * heading per line (the title first, as the root; two spaces of indent per
 * level; then the source line and the position in percent); speakers one
 * per line (name, turns, characters spoken, share of the text, first
 * line; "1 turn", "2 turns"). JSON: one object per document with stable
 * keys (title, level, line, offset, percent / name, turns, chars, share,
 * first_line, turn_offsets), written with json. Everything from the document is
 * sanitised for the terminal in text output. */
#ifndef JUAN_REPORT_H
#define JUAN_REPORT_H
#include "json.h"
#include "memory.h"
#include "structure.h"
#include <stdio.h>

/* J: the JSON writer (json.h), or NULL for text on out. */
void report_outline(const structure_t *st, const char *path, json_t *J, FILE *out);
/* Returns the number of speakers (0: nothing written in text output;
 * JSON: an empty "speakers" array). */
size_t report_speakers(const structure_t *st, const char *path, json_t *J, FILE *out);

/* s[0..n) made terminal-safe (text_sanitize). */
void report_safe(FILE *out, const char *s, size_t n);
/* The saved position and bookmarks: name, percent, section, quote, note. */
void report_bookmarks(memory_t *m, const char *path, json_t *J, FILE *out);

#endif
