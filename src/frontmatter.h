/* frontmatter: YAML front matter at the start of a document (libyaml).
 *
 * Contract: fm_parse() looks for a first line "---" (LF or CRLF), then a
 * closing line "---" or "...". If found and the YAML between is a mapping,
 * it fills fm (title, date, author(s), tags, categories, every other key
 * whose value is a scalar) and returns 1; fm->end is the byte offset just
 * after the closing line's terminator. Malformed YAML or anything that is
 * not a mapping returns 0 (the caller shows those lines as text) and never
 * crashes. Strings are malloc'd, NUL-terminated UTF-8; fm_free() frees
 * them. Values keep their text exactly (dates are not reformatted). Where
 * the title's key is comes from the YAML parser's marks, so a "title:" in
 * a nested mapping or a block scalar is never taken for it. */
#ifndef JUAN_FRONTMATTER_H
#define JUAN_FRONTMATTER_H
#include <stddef.h>

typedef struct {
    char *key, *value;
} fm_pair_t;

typedef struct {
    size_t end;          /* bytes of front matter, delimiters included */
    char *title;         /* NULL if absent */
    size_t title_off;    /* byte offset of the title's key in the text */
    size_t title_line;   /* its line (1-based, lines ending in LF); 0: no title */
    char *date;          /* NULL if absent */
    char **authors;      /* "author" or "authors": scalar or sequence */
    size_t nauthors;
    char **tags;         /* "tags": sequence or scalar ("a, b" splits) */
    size_t ntags;
    char **categories;   /* "categories": as tags */
    size_t ncategories;
    fm_pair_t *other;    /* every other key with a scalar value, in order */
    size_t nother;
} frontmatter_t;

/* Does text start with a front matter opening line? (cheap check) */
int fm_present(const char *text, size_t len);
int fm_parse(const char *text, size_t len, frontmatter_t *fm);
void fm_free(frontmatter_t *fm);

#endif
