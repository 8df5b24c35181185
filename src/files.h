/* files: the documents under a directory.
 *
 * Contract: files_under() lists the regular files named *.txt, *.md,
 * *.markdown, *.html, *.htm or *.xhtml (any case) under dir, recursively (hidden entries and
 * symbolic links skipped, at most 32 levels), sorted by path (byte order).
 * Each path is dir + "/" + the relative path; the list is malloc'ed
 * (files_free). The directories are read with the type each entry's
 * record gives (no stat of a file: a file system that gives none is
 * asked with fstatat); dir itself is followed when it is a link, no link
 * below it. No output. */
#ifndef JUAN_FILES_H
#define JUAN_FILES_H
#include <stddef.h>

size_t files_under(const char *dir, char ***out);
void files_free(char **v, size_t n);

#endif
