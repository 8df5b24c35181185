/* st_aozora: the Aozora Bunko front end of the structure module. Every
 * source line is a paragraph, as in plain text; aozora.c parses each into
 * items, which become blocks with spans, as Markdown's are (see st_int.h,
 * structure.h): so render shows spans and never parses the notation.
 *  - The header (the lines before the first blank line: title, then
 *    author, translator) is the title block, as front matter's is: the
 *    title, then the other lines as its authors.
 *  - The legend (【テキスト中に現れる記号について】 between dashed lines)
 *    explains the notation this reader applies: it is left out.
 *  - 見出し make headings (levels by kind among those the document uses:
 *    大 over 中 over 小); a document without any has the headings plain
 *    text would have (its visible text read by the same rules).
 *  - The colophon (底本：… to the end) follows a rule, dimmed, and is no
 *    part of the text: neither headings nor speakers nor characters.
 *  - The pieces search reads: the text shown, readings and annotations
 *    left out, a gaiji's character in place of its annotation. */
#include "aozora.h"
#include "heuristics.h"
#include "st_int.h"
#include "text.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { HEADER_MAX = 6,  /* lines of a header: title, subtitle, authors */
       HEADER_CELLS = 80 };

typedef struct {
    stx_scan_t *sc;
    structure_t *st;
    az_line_t L;
    size_t bcap, scap, lcap, pcap, plcap;
    size_t *plit;          /* per piece: its bytes in st->lit, or SIZE_MAX */
    size_t va, vb;         /* the source run shown, not yet a piece */
    size_t line;           /* source line of the line being read */
    int indent, indent2, in_indent; /* ここからN字下げ in force */
    int right, in_right;   /* ここから地付き in force */
    int head;              /* ここから見出し in force: its kind */
    long head_block;       /* ... its block so far, -1 */
    size_t head_line;      /* ... and its line */
    int kinds;             /* 見出し kinds seen: bit k */
    buf_t vis;
} ao_t;

static void push_block(ao_t *a, const block_t *b)
{
    structure_t *st = a->st;
    grow(&st->blocks, &a->bcap, st->nblocks + 1, sizeof *st->blocks);
    st->blocks[st->nblocks++] = *b;
}

static void push_span(ao_t *a, int kind, size_t off, size_t len, int style)
{
    structure_t *st = a->st;
    grow(&st->spans, &a->scap, st->nspans + 1, sizeof *st->spans);
    span_t *sp = &st->spans[st->nspans++];
    memset(sp, 0, sizeof *sp);
    sp->kind = (uint8_t)kind;
    sp->off = (uint32_t)off;
    sp->len = (uint32_t)len;
    sp->style = (uint16_t)style;
}

/* Bytes into st->lit; their offset there. */
static size_t lit(ao_t *a, const char *s, size_t n)
{
    structure_t *st = a->st;
    grow(&st->lit, &a->lcap, st->litlen + n + 1, 1);
    memcpy(st->lit + st->litlen, s, n);
    st->litlen += n;
    return st->litlen - n;
}

/* ---- the pieces search reads -------------------------------------------- */

static void piece(ao_t *a, size_t src, size_t n, size_t litoff)
{
    structure_t *st = a->st;
    grow(&st->pieces, &a->pcap, st->npieces + 1, sizeof *st->pieces);
    grow(&a->plit, &a->plcap, st->npieces + 1, sizeof *a->plit);
    st->pieces[st->npieces] = (norm_piece_t){st->text + src, n, src};
    a->plit[st->npieces++] = litoff;
}

static void flush_shown(ao_t *a)
{
    if (a->vb > a->va)
        piece(a, a->va, a->vb - a->va, SIZE_MAX);
    a->va = a->vb;
}

/* Source bytes [s, e) are shown as they are. */
static void shown(ao_t *a, size_t s, size_t e)
{
    if (e <= s)
        return;
    if (s != a->vb) {
        flush_shown(a);
        a->va = s;
    }
    a->vb = e;
}

/* The pieces of line items [i0, i1). */
static void shown_items(ao_t *a, size_t i0, size_t i1)
{
    const az_line_t *L = &a->L;
    for (size_t i = i0; i < i1; i++) {
        const az_item_t *it = &L->v[i];
        if (it->kind == AZ_TEXT) {
            shown(a, it->off, it->off + it->len);
        } else if (it->kind == AZ_LIT) {
            flush_shown(a);
            piece(a, it->off, it->llen, lit(a, L->lit.p + it->lit, it->llen));
            a->va = a->vb = it->off + it->len;
        }
    }
}

/* ---- blocks ------------------------------------------------------------- */

static void block_init(block_t *b, int kind, size_t s, size_t e)
{
    memset(b, 0, sizeof *b);
    b->kind = (uint8_t)kind;
    b->start = s;
    b->end = e;
    b->speaker = -1;
    b->heading = -1;
}

static uint8_t clamp8(int v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* The spans of items [i0, i1) with `style` added; a heading's without the
 * blanks around its text. Returns how many. */
static uint32_t spans(ao_t *a, size_t i0, size_t i1, int style, int trim)
{
    const az_line_t *L = &a->L;
    const char *t = a->st->text;
    uint32_t n = 0;
    for (size_t i = i0; i < i1; i++) {
        const az_item_t *it = &L->v[i];
        int s = style | (it->style & AZ_EM ? SP_EM : 0) |
                (it->style & AZ_STRONG ? SP_STRONG : 0);
        if (it->kind == AZ_LIT) {
            push_span(a, SK_LITERAL, lit(a, L->lit.p + it->lit, it->llen), it->llen, s);
        } else {
            size_t o = it->off, e = it->off + it->len;
            if (trim && it->kind == AZ_TEXT) {
                if (i == i0)
                    o = text_skip_blanks(t, o, e);
                if (i + 1 == i1)
                    e = text_trim_blanks(t, o, e);
                if (e <= o)
                    continue;
            }
            push_span(a, it->kind == AZ_RUBY ? SK_RUBY : SK_TEXT, o, e - o, s);
        }
        n++;
    }
    return n;
}

/* The heading of a ここから見出し block, if one is open: its event. */
static void close_heading(ao_t *a)
{
    if (a->head_block < 0)
        return;
    structure_t *st = a->st;
    block_t *b = &st->blocks[a->head_block];
    buf_t *v = &a->vis;
    st_block_text(st, b, v);
    stx_item_t it = {0};
    it.start = b->start;
    it.end = b->end;
    it.line = a->head_line;
    it.block = a->head_block;
    it.family = STX_AOZORA_H;
    it.level = b->level;
    it.chars = stx_count_chars(v->p, v->n);
    stx_feed(a->sc, &it);
    a->head_block = -1;
}

/* A block of items [i0, i1) of the line, from source s to e. */
static void segment(ao_t *a, size_t i0, size_t i1, size_t s, size_t e, int what, int n)
{
    structure_t *st = a->st;
    const az_line_t *L = &a->L;
    buf_t *v = &a->vis;
    v->n = 0;
    az_text(L, st->text, i0, i1, v);
    buf_add(v, "", 0);
    if (text_skip_blanks(v->p, 0, v->n) == v->n)
        return; /* nothing shown: an annotation's line */
    if (a->head && a->head_block >= 0) { /* the next line of a heading */
        block_t *b = &st->blocks[a->head_block];
        push_span(a, SK_HARDBR, 0, 0, 0);
        b->nspan += 1 + spans(a, i0, i1, 0, 1);
        b->end = e;
        return;
    }
    block_t b;
    block_init(&b, a->head || what == AZ_HEAD ? BK_HEADING : BK_PARA, s, e);
    if (what == AZ_RIGHT || (a->in_right && what == AZ_PARA)) {
        b.flags |= BF_RIGHT;
        b.indent = clamp8(what == AZ_RIGHT ? n : a->right);
    } else if (L->indent >= 0) {
        b.indent = clamp8(L->indent);
        b.indent2 = clamp8(L->indent2);
    } else if (a->in_indent) {
        b.indent = clamp8(a->indent);
        b.indent2 = clamp8(a->indent2);
    }
    b.span0 = (uint32_t)st->nspans;
    int plain = i1 == i0 + 1 && L->v[i0].kind == AZ_TEXT && !L->v[i0].style &&
                L->v[i0].off == s && L->v[i0].len == e - s && b.kind == BK_PARA;
    if (!plain) /* (a line as it is: its source range, as plain text's) */
        b.nspan = spans(a, i0, i1, 0, b.kind == BK_HEADING);
    stx_item_t it = {0};
    it.start = s;
    it.end = e;
    it.line = a->line;
    it.block = (long)st->nblocks;
    it.chars = stx_count_chars(v->p, v->n);
    if (b.kind == BK_HEADING) {
        int k = a->head ? a->head : n;
        b.level = (uint8_t)k;
        a->kinds |= 1 << k;
        if (a->head) { /* fed when it closes */
            a->head_block = (long)st->nblocks;
            a->head_line = a->line;
            push_block(a, &b);
            return;
        }
        it.family = STX_AOZORA_H;
        it.level = k;
    } else if (plain) { /* the plain-text rules on the line itself */
        it.start = text_skip_blanks(st->text, s, e);
        it.end = text_trim_blanks(st->text, it.start, e);
        stx_classify(a->sc, &it);
        /* (the block's start, where turns and headings are looked up) */
        it.prefix_len += it.start - s;
        it.start = s;
    } else {
        it.family = heading_family(v->p, v->n);
        const az_item_t *f = &L->v[i0];
        if (it.family == HF_NONE && f->kind == AZ_TEXT && f->off == s &&
            speaker_prefix(st->text + s, f->len, &it.name_off, &it.name_len,
                           &it.prefix_len)) {
            it.candidate = 1;
            it.name_off += s;
            it.prefix_chars = stx_prefix_chars(st->text + s, it.prefix_len);
        }
    }
    push_block(a, &b);
    stx_feed(a->sc, &it);
}

/* Block annotations: the ones that start apply before the line's text,
 * the ones that end after it. */
static void blocks_apply(ao_t *a, int ending)
{
    const az_line_t *L = &a->L;
    for (size_t i = 0; i < L->nblk; i++) {
        const az_block_t *k = &L->blk[i];
        switch (ending ? k->op : 0) {
        case AZB_INDENT_END:
            a->in_indent = 0;
            break;
        case AZB_RIGHT_END:
            a->in_right = 0;
            break;
        case AZB_HEAD_END:
            close_heading(a);
            a->head = 0;
            break;
        case AZB_STYLE_END:
            a->L.style = 0;
            break;
        default:
            break;
        }
        switch (ending ? 0 : k->op) {
        case AZB_INDENT:
            a->in_indent = 1;
            a->indent = k->n;
            a->indent2 = k->n2;
            break;
        case AZB_RIGHT:
            a->in_right = 1;
            a->right = k->n;
            break;
        case AZB_HEAD:
            close_heading(a);
            a->head = k->n;
            break;
        case AZB_STYLE:
            a->L.style |= k->n;
            break;
        default:
            break;
        }
    }
}

/* One line of the text: its blocks, events and pieces. */
static void body_line(ao_t *a, size_t s, size_t e)
{
    az_line_t *L = &a->L;
    az_line(L, a->st->text, s, e);
    blocks_apply(a, 0);
    for (size_t c = 0; c < L->ncut; c++) {
        size_t i0 = L->cut[c].item, i1 = c + 1 < L->ncut ? L->cut[c + 1].item : L->n;
        if (i1 <= i0)
            continue;
        size_t bs = c == 0 ? s : L->v[i0].off;
        size_t be = c + 1 < L->ncut && i1 < L->n ? L->v[i1].off : e;
        segment(a, i0, i1, bs, be, L->cut[c].what, L->cut[c].n);
    }
    shown_items(a, 0, L->n);
    blocks_apply(a, 1);
}

/* A line of the colophon: one block, dimmed. */
static void colophon_line(ao_t *a, size_t s, size_t e)
{
    structure_t *st = a->st;
    az_line(&a->L, st->text, s, e);
    block_t b;
    block_init(&b, BK_PARA, s, e);
    b.span0 = (uint32_t)st->nspans;
    b.nspan = spans(a, 0, a->L.n, SP_NOTE, 0);
    if (b.nspan)
        push_block(a, &b);
    shown_items(a, 0, a->L.n);
}

static void blank_line(ao_t *a, size_t s, size_t e)
{
    structure_t *st = a->st;
    if (st->nblocks && st->blocks[st->nblocks - 1].kind == BK_BLANK)
        return;
    block_t b;
    block_init(&b, BK_BLANK, s, e);
    push_block(a, &b);
}

/* ---- the whole text ----------------------------------------------------- */

/* The end of line i's content, and (*next) the start of the next line. */
static size_t line_at(const char *t, size_t n, size_t i, size_t *next)
{
    size_t e = i;
    while (e < n && t[e] != '\n' && t[e] != '\r')
        e++;
    *next = e;
    if (*next < n && t[*next] == '\r')
        (*next)++;
    if (*next < n && t[*next] == '\n' && (*next == e || t[*next - 1] == '\r'))
        (*next)++;
    return e;
}

static int blank(const char *t, size_t s, size_t e)
{
    return text_skip_blanks(t, s, e) == e;
}

/* The header: lines from the top up to a blank line (or the legend), at
 * most HEADER_MAX of them, each short and no heading; the first is the
 * title, the others its authors (as front matter's: the title block).
 * Returns its end (the start of the line after it), or 0. */
static size_t header(ao_t *a, size_t legend)
{
    structure_t *st = a->st;
    const char *t = st->text;
    size_t i = 0, next, k = 0, ends[HEADER_MAX], starts[HEADER_MAX];
    while (i < st->len && k <= HEADER_MAX) {
        size_t e = line_at(t, st->len, i, &next);
        if (blank(t, i, e) || i == legend)
            break;
        if (k == HEADER_MAX)
            return 0;
        az_line(&a->L, t, i, e);
        a->vis.n = 0;
        az_text(&a->L, t, 0, a->L.n, &a->vis);
        if (a->L.ncut > 1 || a->L.cut[0].what != AZ_PARA || a->L.nblk ||
            blank(a->vis.p ? a->vis.p : "", 0, a->vis.n) ||
            text_width(a->vis.p, a->vis.n) > HEADER_CELLS)
            return 0;
        starts[k] = i;
        ends[k++] = e;
        i = next;
    }
    if (k == 0 || i >= st->len)
        return 0;
    frontmatter_t *fm = &st->fm;
    fm->authors = xcalloc(k, sizeof *fm->authors);
    for (size_t j = 0; j < k; j++) {
        az_line(&a->L, t, starts[j], ends[j]);
        buf_t b = {0};
        az_text(&a->L, t, 0, a->L.n, &b);
        size_t s = text_skip_blanks(b.p ? b.p : "", 0, b.n);
        size_t e = text_trim_blanks(b.p ? b.p : "", s, b.n);
        char *v = xmalloc(e - s + 1);
        memcpy(v, b.p + s, e - s);
        v[e - s] = '\0';
        buf_free(&b);
        if (j == 0)
            fm->title = v;
        else
            fm->authors[fm->nauthors++] = v;
        shown_items(a, 0, a->L.n);
        shown(a, ends[j], j + 1 < k ? starts[j + 1] : i);
    }
    fm->title_off = starts[0];
    fm->title_line = 1;
    fm->end = i;
    st->has_fm = 1;
    block_t b;
    block_init(&b, BK_META, 0, i);
    push_block(a, &b);
    return i;
}

void stx_scan_aozora(stx_scan_t *sc)
{
    structure_t *st = sc->st;
    const char *t = st->text;
    ao_t a;
    memset(&a, 0, sizeof a);
    a.sc = sc;
    a.st = st;
    a.head_block = -1;
    az_init(&a.L);
    size_t la = 0, lb = az_legend(t, st->len, &la);
    size_t colo = az_colophon(t, st->len);
    size_t i = header(&a, lb ? la : SIZE_MAX), next;
    a.line = 1 + stx_count_lines(t, 0, i);
    int in_colophon = 0;
    while (i < st->len) {
        if (lb && i == la) { /* the legend: not shown, not searched */
            a.line += stx_count_lines(t, la, lb);
            i = lb;
            continue;
        }
        size_t e = line_at(t, st->len, i, &next);
        if (a.head && !in_colophon && blank(t, i, e)) { /* inside a heading */
            a.line += stx_count_lines(t, e, next);
            i = next;
            continue;
        }
        if (i >= colo && !in_colophon) {
            close_heading(&a);
            a.head = 0;
            block_t r;
            block_init(&r, BK_RULE, i, i);
            push_block(&a, &r);
            in_colophon = 1;
        }
        /* a line longer than a paragraph piece is read in pieces, as plain
         * text's (see para.h) */
        for (size_t s = i; s < e || s == i;) {
            size_t ce = e - s > PARA_PIECE ? az_cut(t, s + PARA_PIECE, e) : e;
            if (blank(t, s, ce))
                blank_line(&a, s, ce);
            else if (in_colophon)
                colophon_line(&a, s, ce);
            else
                body_line(&a, s, ce);
            if (ce >= e)
                break;
            s = ce;
        }
        shown(&a, e, next);
        a.line += stx_count_lines(t, e, next);
        i = next > i ? next : st->len;
    }
    close_heading(&a);
    flush_shown(&a);
    /* pieces of the lit: where it ended up */
    for (size_t k = 0; k < st->npieces; k++)
        if (a.plit[k] != SIZE_MAX)
            st->pieces[k].p = st->lit + a.plit[k];
    /* levels: by kind among those used (大 over 中 over 小), and with 見出し
     * the document's headings are those, not the plain-text kinds */
    int rank[4] = {0}, r = 0;
    for (int k = 1; k <= 3; k++)
        if (a.kinds & (1 << k))
            rank[k] = ++r;
    for (size_t k = 0; k < sc->nev; k++) {
        stx_item_t *it = &sc->ev[k].it;
        if (it->family == STX_AOZORA_H)
            it->level = rank[it->level];
        else if (a.kinds && it->family != STX_RULE)
            it->family = HF_NONE;
    }
    free(a.plit);
    buf_free(&a.vis);
    az_free(&a.L);
}
