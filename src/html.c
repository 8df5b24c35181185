/* html: HTML through libgumbo into md4c's callbacks (see html.h). */
#include "html.h"
#include "util.h"

#include <gumbo.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistr.h>

/* ---- gumbo's memory: every block in one list, freed at once ------------- */

/* gumbo frees its tree recursively, which a deeply nested document would
 * take too far: its blocks are linked here and freed in a loop instead. */
typedef union hblk {
    struct {
        union hblk *prev, *next;
    } l;
    max_align_t align;
} hblk_t;

typedef struct {
    hblk_t head; /* a ring: head.l.next is the newest */
} arena_t;

static void *ar_alloc(void *ud, size_t n)
{
    arena_t *a = ud;
    hblk_t *b = xmalloc(sizeof *b + n);
    b->l.prev = &a->head;
    b->l.next = a->head.l.next;
    a->head.l.next->l.prev = b;
    a->head.l.next = b;
    return b + 1;
}

static void ar_free(void *ud, void *p)
{
    (void)ud;
    if (!p)
        return;
    hblk_t *b = (hblk_t *)p - 1;
    b->l.prev->l.next = b->l.next;
    b->l.next->l.prev = b->l.prev;
    free(b);
}

static void ar_init(arena_t *a)
{
    a->head.l.prev = a->head.l.next = &a->head;
}

static void ar_release(arena_t *a)
{
    hblk_t *b = a->head.l.next;
    while (b != &a->head) {
        hblk_t *n = b->l.next;
        free(b);
        b = n;
    }
    ar_init(a);
}

static GumboOutput *parse(arena_t *a, const char *s, size_t n, int fragment)
{
    GumboOptions o = kGumboDefaultOptions;
    o.allocator = ar_alloc;
    o.deallocator = ar_free;
    o.userdata = a;
    o.max_errors = 0;
    if (fragment)
        o.fragment_context = GUMBO_TAG_BODY;
    return gumbo_parse_with_options(&o, s, n);
}

/* ---- the tree, without recursion ---------------------------------------- */

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int has_children(const GumboNode *n)
{
    return (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) &&
           n->v.element.children.length > 0;
}

static const GumboNode *child(const GumboNode *n, unsigned i)
{
    return n->v.element.children.data[i];
}

/* The node after n in document order below root, not descending into n
 * when skip; NULL at the end. */
static const GumboNode *next_node(const GumboNode *root, const GumboNode *n,
                                  int skip)
{
    if (!skip && has_children(n))
        return child(n, 0);
    while (n != root && n->parent) {
        const GumboNode *p = n->parent;
        size_t i = n->index_within_parent;
        const GumboVector *v = &p->v.element.children;
        if (i >= v->length || v->data[i] != n) /* (kept by gumbo; be safe) */
            for (i = 0; i < v->length && v->data[i] != n; i++)
                ;
        if (i + 1 < v->length)
            return v->data[i + 1];
        n = p;
    }
    return NULL;
}

static int el_is(const GumboNode *n, GumboTag t)
{
    return n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == t &&
           n->v.element.tag_namespace == GUMBO_NAMESPACE_HTML;
}

/* Elements whose content is never shown. */
static int dropped(const GumboNode *n)
{
    if (n->type == GUMBO_NODE_TEMPLATE || n->type == GUMBO_NODE_COMMENT)
        return 1;
    if (n->type != GUMBO_NODE_ELEMENT)
        return 0;
    if (n->v.element.tag_namespace != GUMBO_NAMESPACE_HTML)
        return 1; /* svg, math */
    switch (n->v.element.tag) {
    case GUMBO_TAG_HEAD: case GUMBO_TAG_TITLE: case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_IFRAME: case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO: case GUMBO_TAG_CANVAS: case GUMBO_TAG_MAP:
    case GUMBO_TAG_RT: case GUMBO_TAG_RP: case GUMBO_TAG_DATALIST:
    case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_NOEMBED: case GUMBO_TAG_BASE:
    case GUMBO_TAG_LINK: case GUMBO_TAG_META: case GUMBO_TAG_PARAM:
    case GUMBO_TAG_SOURCE: case GUMBO_TAG_TRACK: case GUMBO_TAG_INPUT:
    case GUMBO_TAG_FRAMESET: case GUMBO_TAG_APPLET: case GUMBO_TAG_AREA:
    case GUMBO_TAG_COL: case GUMBO_TAG_COLGROUP: case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
        return 1;
    default:
        return 0;
    }
}

/* Append s[0..n) to b with white space collapsed (sp: a space is due). */
static void add_collapsed(buf_t *b, const char *s, size_t n, int *sp)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_ws(c) || (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0)) {
            i += c == 0xC2;
            *sp = b->n > 0;
            continue;
        }
        if (*sp)
            buf_addc(b, ' ');
        *sp = 0;
        buf_addc(b, (char)c);
    }
}

/* The text shown of n's subtree into b (cleared), white space collapsed,
 * NUL-terminated. */
static void node_text(const GumboNode *n, buf_t *b)
{
    b->n = 0;
    int sp = 0;
    for (const GumboNode *c = n; c; c = next_node(n, c, c != n && dropped(c)))
        if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_CDATA ||
            c->type == GUMBO_NODE_WHITESPACE)
            add_collapsed(b, c->v.text.text, strlen(c->v.text.text), &sp);
    buf_add(b, "", 1);
    b->n--;
}

static const char *attr(const GumboNode *n, const char *name)
{
    GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, name);
    return a ? a->value : NULL;
}

/* The first element with tag t below root (not in dropped subtrees but
 * for <title>, which is in the head). */
static const GumboNode *find_tag(const GumboNode *root, GumboTag t)
{
    for (const GumboNode *c = root; c;) {
        if (el_is(c, t))
            return c;
        int skip = c != root && dropped(c) && !el_is(c, GUMBO_TAG_HEAD);
        c = next_node(root, c, skip);
    }
    return NULL;
}

/* ---- the walk ------------------------------------------------------------- */

enum { A_NONE, A_BLOCK, A_HEAD, A_PRE, A_QUOTE, A_UL, A_OL, A_LI, A_SPAN,
       A_FIGURE };

typedef struct {
    const MD_PARSER *p;
    void *ud;
    const char *src;  /* what gumbo parsed */
    size_t n;
    const char *orig; /* the text it stands for (src, or src a copy of it) */
    const char *hi;   /* end of the last text handed over from src */
    int leaf;         /* 0; 1: a paragraph of ours; 2: a heading or <pre> */
    int pre;          /* inside <pre> */
    int ws;           /* white space due: 1 a space, 2 a line break */
    const char *wsp;  /* ... 1: the source's space, if it is one */
    int br;           /* a <br> due */
    int started;      /* the leaf has text */
    int lists;        /* open lists */
    int fig;          /* inside a figure shown by its caption */
    const GumboNode *skip; /* the <h1> shown as the title */
    unsigned char act[HTML_MAX_DEPTH + 1];
    signed char bit[HTML_MAX_DEPTH + 1];
    buf_t tmp;
} hw_t;

static void enter(hw_t *w, MD_BLOCKTYPE t, void *d)
{
    if (w->p->enter_block)
        w->p->enter_block(t, d, w->ud);
}

static void leave(hw_t *w, MD_BLOCKTYPE t, void *d)
{
    if (w->p->leave_block)
        w->p->leave_block(t, d, w->ud);
}

static void text(hw_t *w, MD_TEXTTYPE t, const char *s, size_t n)
{
    if (w->p->text && n > 0)
        w->p->text(t, s, (MD_SIZE)n, w->ud);
}

static void open_p(hw_t *w)
{
    if (w->leaf)
        return;
    enter(w, MD_BLOCK_P, NULL);
    w->leaf = 1;
    w->started = w->ws = w->br = 0;
}

static void close_p(hw_t *w)
{
    if (w->leaf == 1)
        leave(w, MD_BLOCK_P, NULL);
    if (w->leaf != 2)
        w->leaf = 0;
    w->started = w->ws = w->br = 0;
}

/* Inside a heading or <pre>, where blocks are only white space. */
static int strict(const hw_t *w)
{
    return w->leaf == 2;
}

/* A block element starts or ends. */
static void boundary(hw_t *w)
{
    if (w->pre)
        return;
    if (strict(w))
        w->ws = w->started ? 2 : 0;
    else
        close_p(w);
}

/* Hand over n bytes at s, with the white space or break due first. */
static void emit(hw_t *w, const char *s, size_t n)
{
    if (n == 0)
        return;
    open_p(w);
    if (w->br) {
        text(w, MD_TEXT_BR, "\n", 1);
        w->ws = w->br = 0;
    } else if (w->ws && w->started) {
        if (w->ws == 2) {
            text(w, MD_TEXT_SOFTBR, "\n", 1);
        } else if (w->wsp && w->wsp >= w->hi && w->orig[w->wsp - w->src] == ' ') {
            text(w, MD_TEXT_NORMAL, w->orig + (w->wsp - w->src), 1);
            w->hi = w->wsp + 1;
        } else {
            text(w, MD_TEXT_NORMAL, " ", 1);
        }
    }
    w->ws = 0;
    w->wsp = NULL;
    int in = s >= w->src && s <= w->src + w->n;
    if (in && s < w->hi) { /* never back in the source: a copy */
        w->tmp.n = 0;
        buf_add(&w->tmp, s, n);
        s = w->tmp.p;
    } else if (in) {
        w->hi = s + n;
        s = w->orig + (s - w->src);
    }
    text(w, MD_TEXT_NORMAL, s, n);
    w->started = 1;
}

static size_t ref_len(const char *o, size_t n)
{
    size_t i = 1;
    if (i < n && o[i] == '#') {
        i++;
        if (i < n && (o[i] == 'x' || o[i] == 'X'))
            for (i++; i < n && strchr("0123456789abcdefABCDEF", o[i]) && o[i]; i++)
                ;
        else
            for (; i < n && o[i] >= '0' && o[i] <= '9'; i++)
                ;
    } else {
        for (; i < n && ((o[i] >= 'a' && o[i] <= 'z') || (o[i] >= 'A' && o[i] <= 'Z') ||
                         (o[i] >= '0' && o[i] <= '9'));
             i++)
            ;
    }
    if (i < n && o[i] == ';')
        i++;
    return i;
}

static size_t clen(const char *s, size_t n)
{
    int k = u8_mblen((const uint8_t *)s, n);
    return k > 0 ? (size_t)k : 1;
}

/* A run of decoded text d[0..dn), source o[*io..on) when *al (aligned):
 * the source's bytes wherever they are the same, else the decoded ones. */
static void emit_run(hw_t *w, const char *d, size_t dn, const char *o,
                     size_t on, size_t *io, int *al)
{
    if (*al && *io + dn <= on && !memcmp(o + *io, d, dn)) {
        emit(w, o + *io, dn);
        *io += dn;
        return;
    }
    size_t k = 0, cs = 0, cn = 0; /* a chunk of the source: o[cs..cs+cn) */
    while (k < dn) {
        size_t c = clen(d + k, dn - k);
        size_t rl = *al && *io < on && o[*io] == '&' ? ref_len(o + *io, on - *io) : 0;
        if (rl > 1 && (*io + rl > on || k + rl > dn || memcmp(o + *io, d + k, rl))) {
            /* a character reference, decoded */
            if (cn)
                emit(w, o + cs, cn);
            cn = 0;
            *io += rl;
            emit(w, d + k, c);
            k += c;
            continue;
        }
        if (*al && *io + c <= on && !memcmp(o + *io, d + k, c)) {
            if (cn == 0)
                cs = *io;
            cn += c;
            *io += c;
            k += c;
            continue;
        }
        if (cn)
            emit(w, o + cs, cn);
        cn = 0;
        if (*al && *io < on && o[*io] == '\r') {
            (*io)++;
            continue;
        }
        *al = 0;
        emit(w, d + k, dn - k);
        return;
    }
    if (cn)
        emit(w, o + cs, cn);
}

static void text_node(hw_t *w, const GumboText *t)
{
    const char *d = t->text, *o = t->original_text.data;
    size_t dn = strlen(d), on = t->original_text.length, io = 0;
    int al = o && o >= w->src && o + on <= w->src + w->n;
    if (w->pre) { /* lines as they are, each ending in its '\n' */
        for (size_t i = 0; i < dn;) {
            const char *nl = memchr(d + i, '\n', dn - i);
            size_t e = nl ? (size_t)(nl - d) + 1 : dn;
            if (al)
                while (io < on && o[io] == '\r' && d[i] != '\r')
                    io++;
            emit_run(w, d + i, e - i, o, on, &io, &al);
            i = e;
        }
        return;
    }
    for (size_t i = 0; i < dn;) {
        unsigned char c = (unsigned char)d[i];
        if (is_ws(c)) {
            int nl = 0;
            for (; i < dn && is_ws((unsigned char)d[i]); i++)
                nl |= d[i] == '\n';
            if (w->started) {
                w->ws = w->ws > (nl ? 2 : 1) ? w->ws : (nl ? 2 : 1);
                w->wsp = al && io < on && o[io] == ' ' ? o + io : NULL;
            }
            if (al)
                while (io < on && is_ws((unsigned char)o[io]))
                    io++;
            continue;
        }
        if (c == 0xC2 && i + 1 < dn && (unsigned char)d[i + 1] == 0xA0) {
            /* &nbsp;: a plain space that stays */
            emit(w, " ", 1);
            i += 2;
            if (al && io + 1 < on && (unsigned char)o[io] == 0xC2 &&
                (unsigned char)o[io + 1] == 0xA0)
                io += 2;
            else if (al && io < on && o[io] == '&')
                io += ref_len(o + io, on - io);
            else
                al = 0;
            continue;
        }
        size_t j = i;
        while (j < dn && !is_ws((unsigned char)d[j]) &&
               !((unsigned char)d[j] == 0xC2 && j + 1 < dn &&
                 (unsigned char)d[j + 1] == 0xA0))
            j++;
        emit_run(w, d + i, j - i, o, on, &io, &al);
        i = j;
    }
}

static void image(hw_t *w, const char *alt)
{
    buf_t a = {0}, *b = &w->tmp;
    int sp = 0;
    if (alt)
        add_collapsed(&a, alt, strlen(alt), &sp);
    b->n = 0;
    buf_adds(b, a.n ? "[图: " : "[图");
    if (a.n)
        buf_add(b, a.p, a.n);
    buf_addc(b, ']');
    buf_free(&a);
    emit(w, b->p, b->n);
}

/* A figure that holds an image and a caption: "[图: alt — caption]" with
 * its first image's alt (nothing of the source is lost), "[图: caption]"
 * without one or when they are the same; else 0. */
static int figure_caption(const GumboNode *f, buf_t *cap)
{
    const GumboNode *fc = NULL;
    const char *alt = NULL;
    int img = 0, k = 0;
    /* (a look at its first nodes: figures in figures stay linear) */
    for (const GumboNode *c = f; c && k < 4096; c = next_node(f, c, c != f && dropped(c)), k++) {
        if (c->type != GUMBO_NODE_ELEMENT)
            continue;
        GumboTag t = c->v.element.tag;
        if (t == GUMBO_TAG_IMG || t == GUMBO_TAG_IMAGE || t == GUMBO_TAG_SVG ||
            t == GUMBO_TAG_VIDEO) {
            if (!img && (t == GUMBO_TAG_IMG || t == GUMBO_TAG_IMAGE))
                alt = attr(c, "alt");
            img = 1;
        }
        if (t == GUMBO_TAG_FIGCAPTION && !fc)
            fc = c;
    }
    if (!img || !fc)
        return 0;
    buf_t c = {0}, a = {0};
    node_text(fc, &c);
    int sp = 0;
    if (alt)
        add_collapsed(&a, alt, strlen(alt), &sp);
    buf_add(&a, "", 1);
    a.n--;
    cap->n = 0;
    if (c.n) {
        buf_adds(cap, "[图: ");
        if (a.n && strcmp(c.p, a.p)) {
            buf_add(cap, a.p, a.n);
            buf_adds(cap, " — ");
        }
        buf_add(cap, c.p, c.n);
        buf_addc(cap, ']');
    }
    buf_free(&c);
    buf_free(&a);
    return cap->n > 0;
}

static int style_bit(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_EM: case GUMBO_TAG_I: case GUMBO_TAG_CITE:
    case GUMBO_TAG_DFN: case GUMBO_TAG_VAR:
        return 0;
    case GUMBO_TAG_STRONG: case GUMBO_TAG_B:
        return 1;
    case GUMBO_TAG_CODE: case GUMBO_TAG_KBD: case GUMBO_TAG_SAMP:
    case GUMBO_TAG_TT:
        return 2;
    case GUMBO_TAG_DEL: case GUMBO_TAG_S: case GUMBO_TAG_STRIKE:
        return 6;
    default:
        return -1;
    }
}

static MD_SPANTYPE span_type(int bit)
{
    switch (bit) {
    case 0: return MD_SPAN_EM;
    case 1: return MD_SPAN_STRONG;
    case 2: return MD_SPAN_CODE;
    case 3: return MD_SPAN_A;
    default: return MD_SPAN_DEL;
    }
}

static int block_tag(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE: case GUMBO_TAG_NAV: case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_MAIN: case GUMBO_TAG_HGROUP: case GUMBO_TAG_DL:
    case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_TABLE: case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_THEAD: case GUMBO_TAG_TBODY: case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH:
    case GUMBO_TAG_FORM: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_CENTER:
    case GUMBO_TAG_BODY: case GUMBO_TAG_HTML: case GUMBO_TAG_MULTICOL:
    case GUMBO_TAG_FRAME: case GUMBO_TAG_OPTGROUP: case GUMBO_TAG_OPTION:
        return 1;
    default:
        return 0;
    }
}

/* Enter element n at depth d: its events; whether to walk its children. */
static int enter_el(hw_t *w, const GumboNode *n, int d)
{
    int cap = d <= HTML_MAX_DEPTH;
    if (cap)
        w->act[d] = A_NONE;
    if (dropped(n) || n == w->skip)
        return 0;
    GumboTag t = n->v.element.tag;
    if (t == GUMBO_TAG_BR) {
        if (w->pre)
            emit(w, "\n", 1);
        else if (strict(w))
            w->ws = w->started ? 2 : w->ws;
        else if (w->br)
            close_p(w); /* <br><br>: a new paragraph */
        else if (w->started)
            w->br = 1;
        return 0;
    }
    if (t == GUMBO_TAG_IMG || t == GUMBO_TAG_IMAGE) {
        if (!w->fig)
            image(w, attr(n, "alt"));
        return 0;
    }
    if (w->fig && t == GUMBO_TAG_FIGCAPTION)
        return 0;
    if (!cap)
        return 1;
    int b = style_bit(t);
    if (b >= 0 || t == GUMBO_TAG_A) {
        if (!strict(w))
            open_p(w); /* (a span is inside its paragraph) */
        w->act[d] = A_SPAN;
        w->bit[d] = (signed char)(b >= 0 ? b : 3);
        if (b >= 0) {
            w->p->enter_span(span_type(b), NULL, w->ud);
            return 1;
        }
        MD_SPAN_A_DETAIL a;
        memset(&a, 0, sizeof a);
        GumboAttribute *h = gumbo_get_attribute(&n->v.element.attributes, "href");
        if (h) {
            const char *o = h->original_value.data, *v = h->value;
            size_t on = h->original_value.length, vn = strlen(v);
            if (on >= 2 && (o[0] == '"' || o[0] == '\''))
                o++, on -= 2;
            /* the source's bytes, when they are the URL as it is */
            if (o && on == vn && !memcmp(o, v, vn) && o >= w->src &&
                o + on <= w->src + w->n) {
                a.href.text = w->orig + (o - w->src);
                a.href.size = (MD_SIZE)on;
            }
        }
        w->p->enter_span(MD_SPAN_A, &a, w->ud);
        return 1;
    }
    if (strict(w) && !w->pre && (t >= GUMBO_TAG_H1 && t <= GUMBO_TAG_H6)) {
        boundary(w);
        return 1;
    }
    switch (t) {
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: {
        close_p(w);
        MD_BLOCK_H_DETAIL h = {(unsigned)(t - GUMBO_TAG_H1) + 1};
        enter(w, MD_BLOCK_H, &h);
        w->leaf = 2;
        w->started = w->ws = w->br = 0;
        w->act[d] = A_HEAD;
        w->bit[d] = (signed char)h.level;
        return 1;
    }
    case GUMBO_TAG_PRE: case GUMBO_TAG_LISTING: case GUMBO_TAG_XMP:
    case GUMBO_TAG_PLAINTEXT:
        if (strict(w)) {
            boundary(w);
            return 1;
        }
        close_p(w);
        MD_BLOCK_CODE_DETAIL c;
        memset(&c, 0, sizeof c);
        enter(w, MD_BLOCK_CODE, &c);
        w->leaf = 2;
        w->pre = 1;
        w->started = w->ws = w->br = 0;
        w->act[d] = A_PRE;
        return 1;
    case GUMBO_TAG_HR:
        if (!strict(w)) {
            close_p(w);
            enter(w, MD_BLOCK_HR, NULL);
            leave(w, MD_BLOCK_HR, NULL);
        }
        return 0;
    default:
        break;
    }
    if (strict(w)) {
        if (block_tag(t) || t == GUMBO_TAG_BLOCKQUOTE || t == GUMBO_TAG_UL ||
            t == GUMBO_TAG_OL || t == GUMBO_TAG_LI)
            boundary(w);
        return 1;
    }
    switch (t) {
    case GUMBO_TAG_BLOCKQUOTE:
        close_p(w);
        enter(w, MD_BLOCK_QUOTE, NULL);
        w->act[d] = A_QUOTE;
        return 1;
    case GUMBO_TAG_UL: case GUMBO_TAG_MENU: case GUMBO_TAG_DIR: {
        close_p(w);
        MD_BLOCK_UL_DETAIL u = {1, '*'};
        enter(w, MD_BLOCK_UL, &u);
        w->lists++;
        w->act[d] = A_UL;
        return 1;
    }
    case GUMBO_TAG_OL: {
        close_p(w);
        const char *s = attr(n, "start");
        long v = s ? strtol(s, NULL, 10) : 1;
        MD_BLOCK_OL_DETAIL o = {(unsigned)(v < 0 ? 0 : v > 999999999 ? 999999999 : v),
                                1, '.'};
        enter(w, MD_BLOCK_OL, &o);
        w->lists++;
        w->act[d] = A_OL;
        return 1;
    }
    case GUMBO_TAG_LI:
        close_p(w);
        if (w->lists > 0) {
            MD_BLOCK_LI_DETAIL l;
            memset(&l, 0, sizeof l);
            enter(w, MD_BLOCK_LI, &l);
            w->act[d] = A_LI;
        } else {
            w->act[d] = A_BLOCK;
        }
        return 1;
    case GUMBO_TAG_FIGURE:
        close_p(w);
        buf_t cap = {0};
        if (!w->fig && figure_caption(n, &cap)) {
            emit(w, cap.p, cap.n);
            buf_free(&cap);
            close_p(w);
            w->fig = 1;
            w->act[d] = A_FIGURE;
        } else {
            w->act[d] = A_BLOCK;
        }
        return 1;
    default:
        if (block_tag(t)) {
            close_p(w);
            w->act[d] = A_BLOCK;
        }
        return 1;
    }
}

static void leave_el(hw_t *w, int d)
{
    if (d > HTML_MAX_DEPTH)
        return;
    switch (w->act[d]) {
    case A_BLOCK:
        boundary(w);
        break;
    case A_FIGURE:
        close_p(w);
        w->fig = 0;
        break;
    case A_SPAN:
        if (w->bit[d] == 3) {
            MD_SPAN_A_DETAIL a;
            memset(&a, 0, sizeof a);
            w->p->leave_span(MD_SPAN_A, &a, w->ud);
        } else {
            w->p->leave_span(span_type(w->bit[d]), NULL, w->ud);
        }
        break;
    case A_HEAD: {
        MD_BLOCK_H_DETAIL h = {(unsigned)w->bit[d]};
        leave(w, MD_BLOCK_H, &h);
        w->leaf = 0;
        w->started = w->ws = w->br = 0;
        break;
    }
    case A_PRE:
        leave(w, MD_BLOCK_CODE, NULL);
        w->leaf = w->pre = 0;
        w->started = w->ws = w->br = 0;
        break;
    case A_QUOTE:
        close_p(w);
        leave(w, MD_BLOCK_QUOTE, NULL);
        break;
    case A_UL:
    case A_OL:
        close_p(w);
        leave(w, w->act[d] == A_UL ? MD_BLOCK_UL : MD_BLOCK_OL, NULL);
        w->lists--;
        break;
    case A_LI:
        close_p(w);
        leave(w, MD_BLOCK_LI, NULL);
        break;
    default:
        break;
    }
    w->act[d] = A_NONE;
}

static void walk(hw_t *w, const GumboNode *root)
{
    const GumboNode *n = root;
    int d = 0;
    for (;;) {
        int down = 0;
        if (n->type == GUMBO_NODE_ELEMENT)
            down = enter_el(w, n, d);
        else if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA ||
                 n->type == GUMBO_NODE_WHITESPACE)
            text_node(w, &n->v.text);
        if (down && has_children(n)) {
            n = child(n, 0);
            d++;
            continue;
        }
        /* leave n, and those it ends, up to a next sibling */
        for (;;) {
            if (n->type == GUMBO_NODE_ELEMENT)
                leave_el(w, d);
            if (n == root || !n->parent)
                return;
            const GumboNode *p = n->parent;
            const GumboVector *v = &p->v.element.children;
            size_t i = n->index_within_parent;
            if (i >= v->length || v->data[i] != n)
                for (i = 0; i < v->length && v->data[i] != n; i++)
                    ;
            if (i + 1 < v->length) {
                n = v->data[i + 1];
                break;
            }
            n = p;
            d--;
        }
    }
}

static char *dup_buf(const buf_t *b)
{
    char *s = xmalloc(b->n + 1);
    memcpy(s, b->p ? b->p : "", b->n);
    s[b->n] = '\0';
    return s;
}

/* Is h a start of t followed by a separator ("标题 - 站名")? */
static int title_starts(const char *t, const char *h)
{
    size_t n = strlen(h);
    if (n == 0 || strncmp(t, h, n))
        return 0;
    const char *r = t + n;
    while (*r == ' ')
        r++;
    return !*r || strchr("-|_:", *r) || !strncmp(r, "–", 3) ||
           !strncmp(r, "—", 3) || !strncmp(r, "·", 2) || !strncmp(r, "｜", 3) ||
           !strncmp(r, "：", 3) || !strncmp(r, "－", 3);
}

struct html_doc {
    arena_t ar;
    GumboOutput *out;
    const char *src;
    size_t n;
    int flags;
    const GumboNode *skip; /* the <h1> shown as the title */
    const char *orig;      /* the text; src is a copy when tags were cut */
    char *copy;
};

/* gumbo's time grows as the square of the nesting (each tag looks down
 * its stack of open elements): a text nested deeper than this has the
 * tags beyond it blanked out (in a copy, offsets kept), so their text
 * stays. Elements whose end tag may be left out (p, li, td...) and void
 * ones do not count. */
enum { PARSE_DEPTH = 512 };

static int no_depth(const char *t, size_t n)
{
    static const char *const names[] = {
        "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead",
        "tbody", "tfoot", "colgroup", "rb", "rt", "rtc", "rp", "br", "img",
        "hr", "meta", "link", "input", "wbr", "area", "base", "col", "embed",
        "param", "source", "track", "image", "keygen", "basefont", "frame"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        if (strlen(names[k]) == n && !strncasecmp(names[k], t, n))
            return 1;
    return 0;
}

static char *cut_deep(const char *s, size_t n)
{
    char *c = NULL;
    size_t depth = 0, cut = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] != '<')
            continue;
        if (i + 3 < n && !memcmp(s + i, "<!--", 4)) {
            const char *e = memmem(s + i + 4, n - i - 4, "-->", 3);
            if (!e)
                break;
            i = (size_t)(e - s) + 2;
            continue;
        }
        int end = s[i + 1] == '/';
        size_t a = i + 1 + end, b = a;
        while (b < n && ((s[b] >= 'a' && s[b] <= 'z') || (s[b] >= 'A' && s[b] <= 'Z') ||
                         (b > a && s[b] >= '0' && s[b] <= '9')))
            b++;
        if (b == a)
            continue;
        const char *gt = memchr(s + b, '>', n - b);
        size_t e = gt ? (size_t)(gt - s) : n - 1; /* the tag: [i, e] */
        if (!end && (b - a == 6 || b - a == 5) &&
            (!strncasecmp(s + a, "script", 6) || !strncasecmp(s + a, "style", 5))) {
            /* raw text up to its end tag */
            size_t k = e;
            while (k + 2 < n && !(s[k] == '<' && s[k + 1] == '/' &&
                                  !strncasecmp(s + k + 2, s + a, b - a)))
                k++;
            i = k;
            continue;
        }
        int blank = 0;
        if (no_depth(s + a, b - a) || (!end && e > i && s[e - 1] == '/')) {
            /* no level */
        } else if (end) {
            if (cut > 0)
                cut--, blank = 1;
            else if (depth > 0)
                depth--;
        } else if (depth >= PARSE_DEPTH) {
            cut++;
            blank = 1;
        } else {
            depth++;
        }
        if (blank) {
            if (!c) {
                c = xmalloc(n);
                memcpy(c, s, n);
            }
            memset(c + i, ' ', e - i + 1);
        }
        i = e;
    }
    return c;
}

html_doc_t *html_open(const char *src, size_t n, int flags, html_info_t *info)
{
    if (info)
        memset(info, 0, sizeof *info);
    if (n >= UINT32_MAX / 2)
        return NULL;
    html_doc_t *h = xcalloc(1, sizeof *h);
    ar_init(&h->ar);
    h->src = h->orig = src ? src : "";
    h->n = src ? n : 0;
    h->flags = flags;
    if ((h->copy = cut_deep(h->src, h->n)))
        h->src = h->copy;
    h->out = parse(&h->ar, h->src, h->n, flags & HTML_FRAGMENT);
    const GumboNode *root = h->out ? h->out->root : NULL;
    if ((flags & HTML_FRAGMENT) || !root)
        return h;
    buf_t t = {0}, x = {0};
    const GumboNode *title = find_tag(root, GUMBO_TAG_TITLE);
    const GumboNode *h1 = find_tag(root, GUMBO_TAG_H1);
    if (title)
        node_text(title, &t);
    if (h1)
        node_text(h1, &x);
    if (h1 && x.n && (!t.n || title_starts(t.p, x.p))) {
        h->skip = h1; /* the title, not shown again */
        t.n = 0;
        buf_add(&t, x.p, x.n);
    } else if (t.n) {
        /* the body's first text, when its block is the title (a bold
         * centred line): not shown again either */
        const GumboNode *body = find_tag(root, GUMBO_TAG_BODY), *c = body;
        for (; c; c = next_node(body, c, c != body && dropped(c)))
            if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_CDATA)
                break;
        while (c && c != body && !(c->type == GUMBO_NODE_ELEMENT &&
                                   (block_tag(c->v.element.tag) ||
                                    (c->v.element.tag >= GUMBO_TAG_H1 &&
                                     c->v.element.tag <= GUMBO_TAG_H6))))
            c = c->parent;
        if (c && c != body) {
            node_text(c, &x);
            if (x.n && title_starts(t.p, x.p)) {
                h->skip = c;
                t.n = 0;
                buf_add(&t, x.p, x.n);
            }
        }
    }
    if (info && t.n) {
        info->title = dup_buf(&t);
        const GumboNode *e = h->skip ? h->skip : title;
        info->title_off = e->v.element.start_pos.offset < h->n ? e->v.element.start_pos.offset : 0;
    }
    const GumboNode *head = find_tag(root, GUMBO_TAG_HEAD);
    for (const GumboNode *c = head; info && c; c = next_node(head, c, 0)) {
        if (!el_is(c, GUMBO_TAG_META))
            continue;
        const char *nm = attr(c, "name"), *v = attr(c, "content");
        if (nm && v && !strcasecmp(nm, "author") && !info->author) {
            int sp = 0;
            x.n = 0;
            add_collapsed(&x, v, strlen(v), &sp);
            if (x.n)
                info->author = dup_buf(&x);
        }
    }
    buf_free(&t);
    buf_free(&x);
    return h;
}

void html_walk(html_doc_t *h, const MD_PARSER *p, void *ud)
{
    if (!h || !h->out || !h->out->root)
        return;
    hw_t *w = xcalloc(1, sizeof *w);
    w->p = p;
    w->ud = ud;
    w->src = h->src;
    w->orig = h->orig;
    w->n = h->n;
    w->hi = h->src;
    w->skip = h->skip;
    int doc = !(h->flags & HTML_FRAGMENT);
    if (doc)
        enter(w, MD_BLOCK_DOC, NULL);
    walk(w, h->out->root);
    close_p(w);
    if (doc)
        leave(w, MD_BLOCK_DOC, NULL);
    buf_free(&w->tmp);
    free(w);
}

void html_close(html_doc_t *h)
{
    if (!h)
        return;
    ar_release(&h->ar); /* (gumbo_destroy_output would recurse) */
    free(h->copy);
    free(h);
}

void html_parse(const char *src, size_t n, int flags, const MD_PARSER *p,
                void *ud)
{
    html_doc_t *h = html_open(src, n, flags, NULL);
    html_walk(h, p, ud);
    html_close(h);
}

/* ---- entities, inline tags, sniffing -------------------------------------- */

int html_entity(const char *s, size_t n, char *out, size_t cap)
{
    static const struct {
        const char *name, *utf8;
    } tab[] = {{"&amp;", "&"},   {"&lt;", "<"},    {"&gt;", ">"},
               {"&quot;", "\""}, {"&apos;", "'"},  {"&nbsp;", " "},
               {"&copy;", "©"},  {"&mdash;", "—"}, {"&hellip;", "…"},
               {"&ldquo;", "“"}, {"&rdquo;", "”"}, {"&middot;", "·"}};
    if (cap < 8 || n < 3 || s[0] != '&')
        return -1;
    for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
        if (strlen(tab[i].name) == n && !memcmp(s, tab[i].name, n))
            return (int)strlen(strcpy(out, tab[i].utf8));
    if (s[1] == '#') {
        unsigned long v = 0;
        int hex = n > 2 && (s[2] == 'x' || s[2] == 'X');
        for (size_t i = hex ? 3 : 2; i < n && s[i] != ';'; i++) {
            int c = s[i], dg = c >= '0' && c <= '9'   ? c - '0'
                               : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                               : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                              : -1;
            if (dg < 0)
                return -1;
            v = v * (hex ? 16 : 10) + (unsigned long)dg;
            if (v > 0x10FFFF)
                v = 0x110000;
        }
        if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            v = 0xFFFD;
        if (v == 0xA0)
            v = ' ';
        int k = u8_uctomb((uint8_t *)out, (ucs4_t)v, (int)cap - 1);
        if (k < 0)
            return -1;
        out[k] = '\0';
        return k;
    }
    if (n > 64)
        return -1;
    /* a named reference: gumbo knows them all */
    arena_t ar;
    ar_init(&ar);
    GumboOutput *o = parse(&ar, s, n, 1);
    int k = -1;
    const GumboNode *r = o ? o->root : NULL;
    const GumboNode *t = r && has_children(r) ? child(r, 0) : NULL;
    if (t && t->type == GUMBO_NODE_TEXT && r->v.element.children.length == 1) {
        const char *d = t->v.text.text;
        size_t dn = strlen(d);
        if (dn > 0 && dn < cap && (dn != n || memcmp(d, s, n))) {
            memcpy(out, d, dn);
            out[dn] = '\0';
            k = (int)dn;
            if (dn == 2 && (unsigned char)d[0] == 0xC2 && (unsigned char)d[1] == 0xA0)
                k = (int)strlen(strcpy(out, " "));
        }
    }
    ar_release(&ar);
    return k;
}

void html_inline_tag(const char *s, size_t n, html_tag_t *t)
{
    memset(t, 0, sizeof *t);
    if (n < 3 || s[0] != '<' || s[1] == '!' || s[1] == '?')
        return;
    size_t i = 1;
    if (s[i] == '/')
        t->closing = 1, i++;
    size_t a = i;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                     (s[i] >= '0' && s[i] <= '9')))
        i++;
    if (i == a)
        return;
    GumboTag tag = gumbo_tagn_enum(s + a, (unsigned)(i - a));
    int b = style_bit(tag);
    if (tag == GUMBO_TAG_BR) {
        t->kind = HTML_IT_BR;
    } else if (b >= 0) {
        t->kind = HTML_IT_STYLE;
        t->bit = b;
    } else if (tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE ||
               tag == GUMBO_TAG_TEMPLATE || tag == GUMBO_TAG_NOSCRIPT ||
               tag == GUMBO_TAG_TEXTAREA || tag == GUMBO_TAG_TITLE ||
               tag == GUMBO_TAG_SVG || tag == GUMBO_TAG_MATH ||
               tag == GUMBO_TAG_IFRAME || tag == GUMBO_TAG_RT ||
               tag == GUMBO_TAG_RP) {
        /* (a tag that ends itself: "<svg/>" has no content) */
        if (t->closing || n < 2 || s[n - 2] != '/')
            t->kind = HTML_IT_DROP;
    } else if ((tag == GUMBO_TAG_IMG || tag == GUMBO_TAG_IMAGE) && !t->closing) {
        t->kind = HTML_IT_IMG;
        arena_t ar;
        ar_init(&ar);
        GumboOutput *o = parse(&ar, s, n, 1);
        const GumboNode *r = o ? o->root : NULL;
        for (const GumboNode *c = r; c; c = next_node(r, c, 0))
            if (c->type == GUMBO_NODE_ELEMENT &&
                (c->v.element.tag == GUMBO_TAG_IMG || c->v.element.tag == GUMBO_TAG_IMAGE)) {
                const char *alt = attr(c, "alt");
                if (alt) {
                    buf_t b2 = {0};
                    int sp = 0;
                    add_collapsed(&b2, alt, strlen(alt), &sp);
                    size_t k = b2.n < sizeof t->alt - 1 ? b2.n : sizeof t->alt - 1;
                    while (k > 0 && k < b2.n && ((unsigned char)b2.p[k] & 0xC0) == 0x80)
                        k--; /* (whole characters) */
                    if (k)
                        memcpy(t->alt, b2.p, k);
                    t->alt[k] = '\0';
                    buf_free(&b2);
                }
                break;
            }
        ar_release(&ar);
    }
}

int html_block_tag(const char *s, size_t n)
{
    static const char *const names[] = {
        "address", "article", "aside", "base", "basefont", "blockquote", "body",
        "caption", "center", "col", "colgroup", "dd", "details", "dialog", "dir",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header",
        "hr", "html", "iframe", "legend", "li", "link", "main", "menu", "menuitem",
        "nav", "noframes", "ol", "optgroup", "option", "p", "param", "section",
        "source", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
        "title", "tr", "track", "ul", "pre", "script", "style", "textarea"};
    if (n < 3 || s[0] != '<')
        return 0;
    size_t i = 1 + (s[1] == '/'), a = i;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                     (s[i] >= '0' && s[i] <= '9')))
        i++;
    if (i == a || i >= n || !(is_ws((unsigned char)s[i]) || s[i] == '>' || s[i] == '/'))
        return 0;
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        if (strlen(names[k]) == i - a && !strncasecmp(names[k], s + a, i - a))
            return 1;
    return 0;
}

static int prefix_ci(const char *t, size_t n, const char *p)
{
    size_t k = strlen(p);
    return n >= k && !strncasecmp(t, p, k);
}

int html_sniff(const char *text, size_t len)
{
    size_t n = len < 4096 ? len : 4096, i = 0;
    if (n >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        i = 3;
    for (;;) {
        while (i < n && is_ws((unsigned char)text[i]))
            i++;
        if (!prefix_ci(text + i, n - i, "<!--"))
            break;
        const char *e = memmem(text + i + 4, n - i - 4, "-->", 3);
        if (!e)
            return 0;
        i = (size_t)(e - text) + 3;
    }
    if (prefix_ci(text + i, n - i, "<!doctype html"))
        return 1;
    if (prefix_ci(text + i, n - i, "<html"))
        return i + 5 < n && (is_ws((unsigned char)text[i + 5]) || text[i + 5] == '>');
    return 0;
}

int html_path(const char *path)
{
    const char *d = path ? strrchr(path, '.') : NULL;
    return d && (!strcasecmp(d, ".html") || !strcasecmp(d, ".htm") ||
                 !strcasecmp(d, ".xhtml"));
}
