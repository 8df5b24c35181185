/* json: JSON written as it goes, for the batch modes' --json.
 *
 * Contract: a json_t writes one value to a FILE. The caller opens and
 * closes objects and arrays and gives keys and values in order; the
 * writer puts the commas, the ": " after a key, and the line breaks of
 * each container's layout: JSON_INLINE `{"a": 1, "b": [1, 2]}`;
 * JSON_LINES one element a line, indented two spaces (`[\n  1,\n  2\n]`);
 * JSON_DOCS the documents of several files, each as it is printed alone,
 * with a line holding only a comma between them. An empty container is
 * `[]` or `{}`. A finished top-level value is followed by a line feed.
 * Strings are valid UTF-8 (invalid bytes become U+FFFD) with the quote,
 * the backslash, the C0 and C1 controls, DEL and the bidi and invisible
 * format characters (the reader's <U+XXXX> escapes and dropped characters:
 * chars.h) escaped as \uXXXX, so no output carries a terminal control
 * sequence or reorders a line; numbers are integers,
 * or reals with a fixed number of decimals (LC_NUMERIC is never set, so
 * the point is '.'). Write errors are left in the FILE (ferror). */
#ifndef JUAN_JSON_H
#define JUAN_JSON_H
#include <stddef.h>
#include <stdio.h>

enum { JSON_INLINE, JSON_LINES, JSON_DOCS };
enum { JSON_DEPTH = 8 };

typedef struct {
    FILE *out;
    /* private */
    int depth;
    int keyed; /* a key was written: its value comes next */
    unsigned char layout[JSON_DEPTH];
    char close[JSON_DEPTH]; /* '}' or ']' */
    size_t n[JSON_DEPTH]; /* elements written in each open container */
} json_t;

void json_init(json_t *J, FILE *out);
void json_object(json_t *J, int layout);
void json_array(json_t *J, int layout);
void json_end(json_t *J); /* close the innermost object or array */
void json_key(json_t *J, const char *key);
void json_str(json_t *J, const char *s, size_t n);
void json_strz(json_t *J, const char *s);
void json_int(json_t *J, long long v);
void json_real(json_t *J, double v, int decimals);
void json_null(json_t *J);

#endif
