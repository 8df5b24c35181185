/* grep: `juan --grep QUERY FILE|DIR...` — matches printed one per line.
 *
 * Contract: searches each FILE, and the .txt/.md/.markdown files under
 * each DIR (files), with the search module (folded unless SEARCH_EXACT;
 * SEARCH_REGEX for -E), and prints `path:line:section: …context…` per
 * match (the section field empty before the first section, never left
 * out): the context is the match's line as the reader shows it (Markdown
 * and HTML markup, block-quote markers, Aozora readings left out) cut at
 * grapheme boundaries about 20 characters either side, terminal-safe,
 * the match in bold red when colour is on; -c prints counts (`path:N` for several files), --json an
 * array of {file, line, offset, end, section, match, context} (or {file,
 * count}). Returns grep's exit status: 0 something matched, 1 nothing did,
 * 2 an error (a file that cannot be read, an invalid regex, a line too
 * complex for the regex: `FILE: regular expression too complex at line
 * N` on stderr, the search going on past it); write
 * errors are left in out for the caller (ferror). One file's folded
 * form comes from its persistent index (sindex), made on the first
 * search, unless no_index; a directory or several files never read or
 * make one: they are searched as without, and the files under a
 * directory that its library index (libindex.h; unless no_index, a forced
 * encoding or format) shows cannot match are not read (-c: counted 0),
 * which leaves every output as without it. Without an index (several
 * files, no_index, SEARCH_EXACT), files are searched on up to 4 worker threads
 * (JUAN_GREP_THREADS: how many; 1: none), each file's output and
 * messages kept and written in the files' order: the same bytes as one
 * file after another (not for --json: one array, written in turn). */
#ifndef JUAN_GREP_H
#define JUAN_GREP_H
#include "doc.h"
#include "search.h"
#include <stdio.h>

typedef struct {
    int flags;  /* SEARCH_* */
    int count;  /* -c */
    int json;
    int color;
    int format; /* FMT_* */
    int no_index; /* search without the persistent index */
    doc_opts_t dopt;
} grep_opts_t;

int grep_run(const char *query, char **paths, int n, const grep_opts_t *o,
             FILE *out);

#endif
