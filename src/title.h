/* title: what names a document in a list (the library), from the
 * document and structure code — never from the screen.
 *
 * Contract: title_of_structure() gives the document's title (st_title),
 * else the start of its first paragraph or heading as the reader shows it
 * (at most 120 bytes, whole characters), else path's file name.
 * title_of_file() does the same for a file not opened yet, from its first
 * TITLE_PREFIX bytes decoded as the document will be (doc_open with the
 * options given: a GB18030, Big5 or Shift-JIS file's title is UTF-8),
 * else the file name. The title is UTF-8 as the document gives it, not yet
 * terminal-safe (the caller sanitises for display). No store, no curses;
 * safe to call from any thread. */
#ifndef JUAN_TITLE_H
#define JUAN_TITLE_H
#include "doc.h"
#include "structure.h"
#include "util.h"

/* What is read of a file not opened yet for its title: the title is in
 * its first lines (front matter, a heading, a first short line). */
enum { TITLE_PREFIX = 16 << 10 };

void title_of_structure(const structure_t *st, const char *path, buf_t *t);
/* t is emptied first; 0 when the file was read, -1 when it could not be
 * (the title is then the file name). */
int title_of_file(const char *path, const doc_opts_t *dopt, int format, buf_t *t);

#endif
