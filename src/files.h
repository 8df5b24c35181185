/* files: the documents under a directory.
 *
 * Contract: files_under() lists the regular files named *.txt, *.md,
 * *.markdown, *.html, *.htm or *.xhtml (any case) under dir, recursively (hidden entries and
 * symbolic links skipped, at most 32 levels), sorted by path (byte order).
 * Each path is dir + "/" + the relative path; the list is malloc'ed
 * (files_free). The directories are read with the type each entry's
 * record gives (no stat of a file: a file system that gives none is
 * asked with fstatat); dir itself is followed when it is a link, no link
 * below it. No output: a directory that cannot be opened or read (dir
 * itself or one below it) is passed to on_err (when not NULL) with its
 * path and errno, and left out; an entry gone while the walk ran is not
 * an error. */
#ifndef JUAN_FILES_H
#define JUAN_FILES_H
#include <stddef.h>

typedef void files_err_fn(const char *path, int err, void *arg);
size_t files_under(const char *dir, char ***out, files_err_fn *on_err, void *arg);
/* "PATH: REASON" of err (the path terminal-safe) into out[0..n). */
void files_reason(char *out, size_t n, const char *path, int err);
/* An on_err that says "juan: PATH: REASON" on stderr (msg) and counts
 * them in *(size_t *)arg when arg is not NULL. */
void files_say(const char *path, int err, void *arg);
/* Can dir be opened as a directory? 0, or -1 said (files_say). */
int files_dir_ok(const char *dir);
void files_free(char **v, size_t n);

#endif
