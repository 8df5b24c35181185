/* html: HTML read with libgumbo and handed on as md4c's callbacks, so that
 * an HTML file, and the raw HTML of a Markdown file, become blocks and
 * spans through the same code as Markdown does (markdown.c).
 *
 * Contract: html_parse() parses src[0..n) (a whole document, or with
 * HTML_FRAGMENT a piece of a Markdown file's HTML) and calls the parser's
 * enter_block/leave_block/enter_span/leave_span/text callbacks as md4c
 * would: leaf blocks (MD_BLOCK_P, MD_BLOCK_H with the tag's level,
 * MD_BLOCK_CODE for <pre>, one line a text call ending in '\n') never
 * nested, containers (MD_BLOCK_QUOTE, MD_BLOCK_UL/OL/LI) balanced, spans
 * balanced inside their leaf. Text is handed over as a pointer into src
 * wherever the shown text is src's own bytes, else (a decoded entity,
 * a caption's bracket) as a pointer elsewhere: the caller tells the two
 * apart by the address; pointers into src never go back. What is shown:
 *  - h1..h6 headings; p, div, section, article, blockquote, li, td and
 *    the like paragraphs; ul/ol lists; <pre> code; <hr> a rule;
 *  - <br> a line break, two of them (white space between) a new paragraph;
 *  - <img> "[图: alt]" ("[图]" without an alt); a <figure> holding an
 *    image and a <figcaption> "[图: alt — caption]" ("[图: caption]"
 *    without an alt);
 *  - em/i/cite, strong/b, code/kbd/tt, del/s and a (href) as spans; span,
 *    font and unknown tags their text; ruby its base text (rt/rp left out);
 *  - white space collapsed (a run holding a line break is MD_TEXT_SOFTBR),
 *    entities decoded by gumbo, &nbsp; a plain space;
 *  - head, script, style, template, noscript, svg, math, iframe, select,
 *    textarea and comments left out.
 * A document's title is its <title>, else its first <h1>; an <h1> whose
 * text is the title (or starts it: "标题 - 站名") is not shown again.
 * Elements nested deeper than HTML_MAX_DEPTH give their text only; tags
 * that would nest deeper than 512 are blanked out before gumbo parses (a
 * copy, offsets kept: gumbo's time grows as the square of the nesting).
 * The walk is iterative and gumbo's tree is freed without recursion, so
 * any input is safe, in time linear in its size. No curses, no output. */
#ifndef JUAN_HTML_H
#define JUAN_HTML_H
#include <md4c.h>
#include <stddef.h>

enum { HTML_FRAGMENT = 1 };
enum { HTML_REF = '&' }; /* starts a character reference (html_entity) */
enum { HTML_MAX_DEPTH = 256 };

typedef struct {
    char *title;  /* malloc'd, white space collapsed; NULL if none */
    char *author; /* <meta name="author" content=...>; NULL if none */
    size_t title_off; /* where the title's element starts in src */
} html_info_t;

/* A parsed document: html_open() parses src[0..n) (which must outlive
 * it) and fills info (may be NULL; documents only: the title and author,
 * the caller's to free); NULL when src is too large (4 GiB). html_walk()
 * calls p's callbacks over it; html_close() frees it. */
typedef struct html_doc html_doc_t;
html_doc_t *html_open(const char *src, size_t n, int flags, html_info_t *info);
void html_walk(html_doc_t *h, const MD_PARSER *p, void *ud);
void html_close(html_doc_t *h);
/* The three at once. */
void html_parse(const char *src, size_t n, int flags, const MD_PARSER *p,
                void *ud);
/* Decode the character reference s[0..n) ("&amp;", "&#x4E2D;") into out
 * (UTF-8, at most cap - 1 bytes, NUL-terminated): its length, or -1 when
 * it is none. &nbsp; is a plain space. */
int html_entity(const char *s, size_t n, char *out, size_t cap);

/* An inline tag of Markdown (md4c's MD_TEXT_HTML inside a paragraph). */
enum {
    HTML_IT_NONE,  /* left out (span, comment, unknown): its text stays */
    HTML_IT_BR,    /* a line break */
    HTML_IT_IMG,   /* an image: alt into the caller's buffer */
    HTML_IT_STYLE, /* em/strong/code/del on or off: style bit */
    HTML_IT_DROP   /* script/style/...: the text up to its end left out */
};
typedef struct {
    int kind;    /* HTML_IT_* */
    int closing; /* "</...>" */
    int bit;     /* HTML_IT_STYLE: 0 em, 1 strong, 2 code, 6 del */
    char alt[256]; /* HTML_IT_IMG: the alt, white space collapsed */
} html_tag_t;
void html_inline_tag(const char *s, size_t n, html_tag_t *t);
/* Is s[0..n) a tag that starts an HTML block in CommonMark (div, p, h2,
 * table... start or end tag; pre, script, style, textarea)? md4c 0.4.8
 * misses some (h2..h6, header): the caller reads such a paragraph as one. */
int html_block_tag(const char *s, size_t n);

/* Does the text start like an HTML document (after a BOM, blanks and
 * comments: "<!DOCTYPE html" or "<html")? */
int html_sniff(const char *text, size_t len);
/* Does path name an HTML file (.html, .htm, .xhtml)? */
int html_path(const char *path);

#endif
