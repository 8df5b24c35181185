#include "frontmatter.h"
#include "chars.h"
#include "utf8.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <uchar.h>
#include <unistr.h>
#include <yaml.h>

/* Length of the line starting at s[0..n) without its terminator; *next
 * gets the offset just after the terminator ("\n", "\r\n", or n for the
 * last line). */
static size_t line_len(const char *s, size_t n, size_t *next)
{
    const char *nl = memchr(s, '\n', n);
    if (!nl) {
        *next = n;
        return n;
    }
    size_t k = (size_t)(nl - s);
    *next = k + 1;
    if (k > 0 && s[k - 1] == '\r')
        k--;
    return k;
}

/* Is s[0..k) exactly `mark` (3 bytes) followed by optional spaces? */
static int is_delim(const char *s, size_t k, const char *mark)
{
    if (k < 3 || memcmp(s, mark, 3) != 0)
        return 0;
    for (size_t i = 3; i < k; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

int fm_present(const char *text, size_t len)
{
    if (!text || len < 4)
        return 0;
    size_t next;
    size_t k = line_len(text, len, &next);
    /* a terminator is required: "---" alone at end of text is no opening */
    return next <= len && k < next && is_delim(text, k, "---");
}

/* ---- YAML helpers ---- */

static int ascii_ieq(const char *a, size_t na, const char *b)
{
    size_t nb = strlen(b);
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return 1;
}

static char *dup_n(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* A scalar that YAML reads as null: empty, "~", "null" (plain only). */
static int scalar_is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE)
        return 0;
    size_t len = n->data.scalar.length;
    if (len == 0)
        return 1;
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
        n->data.scalar.style != YAML_ANY_SCALAR_STYLE)
        return 0;
    const char *v = (const char *)n->data.scalar.value;
    return (len == 1 && v[0] == '~') || ascii_ieq(v, len, "null");
}

/* The scalar's text, or NULL if n is not a non-null scalar. */
static char *scalar_dup(const yaml_node_t *n)
{
    if (!n || n->type != YAML_SCALAR_NODE || scalar_is_null(n))
        return NULL;
    return dup_n((const char *)n->data.scalar.value, n->data.scalar.length);
}

/* libyaml's scanner does O(flow depth) work per token, so deeply nested
 * "[[[[..." takes quadratic time (a 1 MiB front matter of "[" would take
 * hours). Real front matter nests a few levels; refuse anything whose
 * bracket count (a conservative over-estimate: brackets inside strings
 * count too) ever exceeds this. */
#define FM_MAX_FLOW_DEPTH 1000

static int too_deep(const char *s, size_t n)
{
    size_t d = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '[' || s[i] == '{') {
            if (++d > FM_MAX_FLOW_DEPTH)
                return 1;
        } else if ((s[i] == ']' || s[i] == '}') && d) {
            d--;
        }
    }
    return 0;
}

typedef struct {
    char **v;
    size_t n, cap;
} strlist_t;

static void list_add(strlist_t *l, char *s)
{
    grow(&l->v, &l->cap, l->n + 1, sizeof *l->v);
    l->v[l->n++] = s;
}

/* What separates the tags or categories written as one scalar. */
static const char32_t TAG_SEPARATORS[] = U",，、";

/* Add s[0..n) trimmed of white space (ch_space), unless empty. */
static void add_trimmed(strlist_t *l, const char *s, size_t n)
{
    uint32_t c;
    size_t a = 0;
    while (a < n) {
        size_t k = (size_t)utf8_decode(s + a, n - a, &c);
        if (!ch_space(c))
            break;
        a += k;
    }
    while (n > a) {
        size_t i = utf8_back(s, a, n - 1);
        if (utf8_decode(s + i, n - i, &c) != (int)(n - i) || !ch_space(c))
            break;
        n = i;
    }
    if (n > a)
        list_add(l, dup_n(s + a, n - a));
}

/* tags / categories: a sequence of scalars, or one scalar split at
 * commas. */
static void add_list(yaml_document_t *doc, const yaml_node_t *v, strlist_t *l,
                     int split)
{
    if (v->type == YAML_SCALAR_NODE) {
        if (scalar_is_null(v))
            return;
        const char *s = (const char *)v->data.scalar.value;
        size_t n = v->data.scalar.length;
        if (!split) {
            list_add(l, dup_n(s, n));
            return;
        }
        size_t start = 0;
        for (size_t i = 0; i < n;) {
            uint32_t c;
            size_t k = (size_t)utf8_decode(s + i, n - i, &c);
            if (c && u32_strchr((const uint32_t *)TAG_SEPARATORS, c)) {
                add_trimmed(l, s + start, i - start);
                start = i + k;
            }
            i += k;
        }
        add_trimmed(l, s + start, n - start);
    } else if (v->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = v->data.sequence.items.start;
             it < v->data.sequence.items.top; it++) {
            char *s = scalar_dup(yaml_document_get_node(doc, *it));
            if (s)
                list_add(l, s);
        }
    }
}

static void take_list(strlist_t *l, char ***v, size_t *n)
{
    if (l->n) {
        *v = l->v;
        *n = l->n;
    } else {
        free(l->v);
    }
}

/* Where the title's key is: libyaml's mark counts characters (a CRLF
 * two) from the start of its input, text[body..end). */
static void title_at(const char *text, size_t body, size_t end, const yaml_mark_t *m,
                     frontmatter_t *fm)
{
    size_t off = body;
    for (size_t k = 0; k < m->index && off < end; k++) {
        uint32_t c;
        off += (size_t)utf8_decode(text + off, end - off, &c);
    }
    fm->title_off = off;
    fm->title_line = 1;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + off - p))); p++)
        fm->title_line++;
}

int fm_parse(const char *text, size_t len, frontmatter_t *fm)
{
    memset(fm, 0, sizeof *fm);
    if (!fm_present(text, len))
        return 0;

    size_t body, pos, next = 0;
    line_len(text, len, &body);
    size_t body_end = 0, end = 0;
    int found = 0;
    for (pos = body; pos < len; pos = next) {
        size_t k = line_len(text + pos, len - pos, &next);
        next += pos;
        if (is_delim(text + pos, k, "---") || is_delim(text + pos, k, "...")) {
            body_end = pos;
            end = next;
            found = 1;
            break;
        }
    }
    if (!found || too_deep(text + body, body_end - body))
        return 0;

    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser))
        return 0;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text + body,
                                 body_end - body);
    if (!yaml_parser_load(&parser, &doc)) { /* doc already deleted */
        yaml_parser_delete(&parser);
        return 0;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    int ok = root && root->type == YAML_MAPPING_NODE;
    if (ok) {
        /* The rest must be an empty stream: no second document, no
         * error after the first. */
        yaml_document_t rest;
        if (!yaml_parser_load(&parser, &rest)) {
            ok = 0;
        } else {
            if (yaml_document_get_root_node(&rest))
                ok = 0;
            yaml_document_delete(&rest);
        }
    }
    if (!ok) {
        yaml_document_delete(&doc);
        yaml_parser_delete(&parser);
        return 0;
    }

    strlist_t authors = {0}, tags = {0}, cats = {0};
    int seen_authors = 0, seen_tags = 0, seen_cats = 0;
    size_t cap_other = 0;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(&doc, p->key);
        yaml_node_t *vn = yaml_document_get_node(&doc, p->value);
        if (!kn || !vn || kn->type != YAML_SCALAR_NODE ||
            kn->data.scalar.length == 0)
            continue;
        const char *key = (const char *)kn->data.scalar.value;
        size_t klen = kn->data.scalar.length;
        /* The first occurrence of a known key wins. */
        if (ascii_ieq(key, klen, "title")) {
            if (!fm->title && (fm->title = scalar_dup(vn)))
                title_at(text, body, body_end, &kn->start_mark, fm);
        } else if (ascii_ieq(key, klen, "date")) {
            if (!fm->date)
                fm->date = scalar_dup(vn);
        } else if (ascii_ieq(key, klen, "author") ||
                   ascii_ieq(key, klen, "authors")) {
            if (!seen_authors++)
                add_list(&doc, vn, &authors, 0);
        } else if (ascii_ieq(key, klen, "tags")) {
            if (!seen_tags++)
                add_list(&doc, vn, &tags, 1);
        } else if (ascii_ieq(key, klen, "categories")) {
            if (!seen_cats++)
                add_list(&doc, vn, &cats, 1);
        } else if (vn->type == YAML_SCALAR_NODE && !scalar_is_null(vn)) {
            grow(&fm->other, &cap_other, fm->nother + 1, sizeof *fm->other);
            fm->other[fm->nother].key = dup_n(key, klen);
            fm->other[fm->nother].value = scalar_dup(vn);
            fm->nother++;
        }
    }
    take_list(&authors, &fm->authors, &fm->nauthors);
    take_list(&tags, &fm->tags, &fm->ntags);
    take_list(&cats, &fm->categories, &fm->ncategories);
    fm->end = end;

    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return 1;
}

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void fm_free(frontmatter_t *fm)
{
    if (!fm)
        return;
    free(fm->title);
    free(fm->date);
    free_strs(fm->authors, fm->nauthors);
    free_strs(fm->tags, fm->ntags);
    free_strs(fm->categories, fm->ncategories);
    for (size_t i = 0; i < fm->nother; i++) {
        free(fm->other[i].key);
        free(fm->other[i].value);
    }
    free(fm->other);
    memset(fm, 0, sizeof *fm);
}
