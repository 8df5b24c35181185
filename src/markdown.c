/* markdown: the Markdown front end of the structure module: md4c
 * (CommonMark) callbacks turn the text into blocks with inline spans and
 * feed the paragraph-event scanner (see st_int.h, structure.h). */
#include "cxxlib.h"
#include "heuristics.h"
#include "html.h"
#include "para.h"
#include "st_int.h"
#include "st_talk.h"
#include "text.h"
#include "util.h"

#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

typedef struct {
    stx_scan_t *sc;
    structure_t *st;
    int quote, list, item_pending;
    struct {
        int ordered, tight, items;
        unsigned next;
        char mark[12]; /* the current item's marker */
    } lists[32];
    int style[8];        /* nesting counters per SP_ bit index */
    int leaf;            /* inside a leaf block: BK_* + 1 */
    int level;           /* heading level */
    block_t cur;
    size_t last_end;     /* end of the last text seen in the source */
    int have_src;        /* the leaf has had text from the source */
    size_t line_pos, line_no;
    size_t bcap, scap, lcap;
    uint32_t href, hlen;
    /* HTML (the end of this file) */
    const MD_PARSER *parser;
    int html;            /* blocks from the HTML walk: no raw_start */
    int hraw;            /* inside md4c's HTML block: its text collected */
    buf_t hbuf;
    const char *ha, *hb; /* ... its source range, when contiguous */
    int hcontig;
    int hstyle[8];       /* inline tags' styles (em, strong...) */
    int hdrop;           /* inside an inline <script>, <style>... */
    stx_mdsect_t sect;   /* section roles (st_sect.c) */
    int img;             /* inside an image */
    int leaf_img, leaf_other; /* the leaf holds an image, other text */
    int pquote, plist;   /* the depths of the paragraph before */
} md_t;

static void html_block_end(md_t *m);
static void html_inline(md_t *m, const char *s, size_t n);
static void html_collect(md_t *m, const char *s, size_t n);

static int in_src(const structure_t *st, const char *p)
{
    return p >= st->text && p <= st->text + st->len;
}

static uint16_t cur_style(const md_t *m)
{
    uint16_t s = 0;
    for (int i = 0; i < 8; i++)
        if (m->style[i] > 0 || m->hstyle[i] > 0)
            s |= (uint16_t)(1u << i);
    return s;
}

static void add_span(md_t *m, const char *p, size_t n, int kind)
{
    structure_t *st = m->st;
    grow(&st->spans, &m->scap, st->nspans + 1, sizeof *st->spans);
    span_t *sp = &st->spans[st->nspans++];
    memset(sp, 0, sizeof *sp);
    sp->style = cur_style(m);
    sp->kind = (uint8_t)kind;
    if (sp->style & SP_LINK) {
        sp->href = m->href;
        sp->hlen = m->hlen;
    }
    if (m->img)
        m->leaf_img = 1;
    else if (kind == SK_TEXT && text_skip_blanks(p, 0, n) < n)
        m->leaf_other = 1;
    if (kind == SK_TEXT && in_src(st, p) && in_src(st, p + n)) {
        sp->off = (uint32_t)(p - st->text);
        sp->len = (uint32_t)n;
        m->last_end = sp->off + n;
        /* (not the first span: a block may start with literals, NUL
           characters or entities, that have no place in the source) */
        if (!m->have_src || m->cur.start > sp->off)
            m->cur.start = sp->off;
        m->have_src = 1;
        m->cur.end = m->last_end;
    } else {
        sp->kind = kind == SK_TEXT ? SK_LITERAL : (uint8_t)kind;
        grow(&st->lit, &m->lcap, st->litlen + n + 1, 1);
        memcpy(st->lit + st->litlen, p, n);
        sp->off = (uint32_t)st->litlen;
        sp->len = (uint32_t)n;
        st->litlen += n;
    }
    m->cur.nspan++;
}

static void add_literal(md_t *m, const char *s)
{
    add_span(m, s, strlen(s), SK_LITERAL);
}

static size_t line_of(md_t *m, size_t off)
{
    if (off < m->line_pos) /* blocks come in order; be safe anyway */
        m->line_pos = 0, m->line_no = 1;
    m->line_no += stx_count_lines(m->st->text, m->line_pos, off);
    m->line_pos = off;
    return m->line_no;
}

static void push_block(md_t *m, block_t *b)
{
    structure_t *st = m->st;
    grow(&st->blocks, &m->bcap, st->nblocks + 1, sizeof *st->blocks);
    st->blocks[st->nblocks++] = *b;
}

/* A paragraph of more than PARA_PIECE bytes is pushed as pieces, cut
 * where a line may break (para_cut), as a plain text's long line is: what
 * is laid out and kept at once stays bounded. The later pieces are tight
 * (no blank line before), without an item's marker or a turn's start. */
static void push_pieces(md_t *m, const block_t *b)
{
    structure_t *st = m->st;
    block_t cur = *b;
    cur.nspan = 0;
    size_t acc = 0, end = (size_t)b->span0 + b->nspan;
    for (size_t i = b->span0; i < end; i++) {
        span_t *sp = &st->spans[i];
        if (acc + sp->len > PARA_PIECE && sp->kind == SK_TEXT) {
            size_t want = sp->off + (PARA_PIECE > acc ? PARA_PIECE - acc : 0);
            size_t cut = para_cut(st->text, want, (size_t)sp->off + sp->len);
            if (cut > sp->off && cut < (size_t)sp->off + sp->len) {
                /* split the span: [off, cut) ends this piece */
                grow(&st->spans, &m->scap, st->nspans + 1, sizeof *st->spans);
                sp = &st->spans[i];
                memmove(sp + 2, sp + 1, (st->nspans - i - 1) * sizeof *sp);
                st->nspans++;
                end++;
                sp[1] = sp[0];
                sp[1].off = (uint32_t)cut;
                sp[1].len = (uint32_t)(sp->off + sp->len - cut);
                sp->len = (uint32_t)(cut - sp->off);
                acc = PARA_PIECE; /* ends the piece below */
            }
        }
        cur.nspan++;
        acc += sp->len;
        if (sp->kind == SK_TEXT)
            cur.end = (size_t)sp->off + sp->len;
        if (acc >= PARA_PIECE && i + 1 < end) {
            push_block(m, &cur);
            size_t at = cur.end;
            cur = *b;
            cur.flags = (uint8_t)((b->flags & ~(BF_ITEM | BF_TURN)) | BF_TIGHT);
            cur.mark[0] = '\0';
            cur.span0 = (uint32_t)(i + 1);
            cur.nspan = 0;
            cur.start = cur.end = at;
            acc = 0;
        }
    }
    cur.end = cur.end > b->end ? cur.end : b->end;
    push_block(m, &cur);
}

static void begin_leaf(md_t *m, int kind)
{
    memset(&m->cur, 0, sizeof m->cur);
    m->cur.kind = (uint8_t)kind;
    m->cur.quote = (uint8_t)(m->quote > 255 ? 255 : m->quote);
    m->cur.list = (uint8_t)(m->list > 255 ? 255 : m->list);
    m->cur.speaker = -1;
    m->cur.heading = -1;
    m->cur.span0 = (uint32_t)m->st->nspans;
    m->cur.start = m->cur.end = m->last_end;
    m->have_src = 0;
    memset(m->hstyle, 0, sizeof m->hstyle);
    m->hdrop = 0;
    m->leaf_img = m->leaf_other = 0;
    if (m->list > 0) {
        int d = m->list - 1 < 32 ? m->list - 1 : 31;
        if (m->item_pending) {
            m->cur.flags |= BF_ITEM;
            if (m->lists[d].ordered)
                snprintf(m->lists[d].mark, sizeof m->lists[d].mark, "%u.",
                         m->lists[d].next++);
            else
                snprintf(m->lists[d].mark, sizeof m->lists[d].mark, "%s",
                         (d & 1) ? "◦" : "•");
            /* items of a tight list follow each other without a blank
             * line; the first is set off from what comes before */
            if (m->lists[d].tight &&
                (m->lists[d].items > 0 || (d > 0 && m->lists[d - 1].tight)))
                m->cur.flags |= BF_TIGHT;
            m->lists[d].items++;
            m->item_pending = 0;
        }
        /* every block of an item knows its marker (for the indent) */
        memcpy(m->cur.mark, m->lists[d].mark, sizeof m->cur.mark);
    }
    m->leaf = kind + 1;
}

/* The raw source of a paragraph from its first line's start (after quote
 * markers and blanks), so that "**NAME**：" is seen with its markup. */
static size_t raw_start(const structure_t *st, size_t off)
{
    size_t i = off;
    while (i > 0 && st->text[i - 1] != '\n' && st->text[i - 1] != '\r')
        i--;
    while (i < off && (st->text[i] == ' ' || st->text[i] == '\t' ||
                       st->text[i] == '>'))
        i++;
    return i;
}

static void leaf_item(md_t *m, block_t *b, int part);

/* Push the spans [from, to) of paragraph b as a block of its own (a turn
 * cut from it; `later`: not its first), and feed it. */
static void push_part(md_t *m, const block_t *b, uint32_t from, uint32_t to,
                      int later)
{
    const structure_t *st = m->st;
    block_t p = *b;
    p.span0 = from;
    p.nspan = to - from;
    int have = 0;
    for (uint32_t i = from; i < to; i++) {
        const span_t *sp = &st->spans[i];
        if (sp->kind != SK_TEXT)
            continue;
        if (!have)
            p.start = sp->off;
        have = 1;
        p.end = (size_t)sp->off + sp->len;
    }
    if (!have) /* no text (a line of NULs, a lone break): nothing to show,
                  and no range of its own (it would repeat the paragraph's) */
        return;
    if (later)
        p.flags = (uint8_t)((p.flags & ~BF_ITEM) | BF_TIGHT);
    leaf_item(m, &p, 1);
}

/* A Markdown paragraph whose lines start turns (a transcript written with
 * single line breaks: 记者：… newline 张三：…) is cut into one block per
 * turn, at the soft breaks before the lines that start with a speaker
 * label, when its first line starts with one and it is no key to the
 * labels. Returns whether it was cut (and pushed and fed). */
static int split_turns(md_t *m, block_t *b)
{
    structure_t *st = m->st;
    size_t s = raw_start(st, b->start);
    if (!stx_talk_line_label(st, s) || stx_talk_is_key(st, s, b->end))
        return 0;
    uint32_t *cut = NULL;
    size_t n = 0, cap = 0;
    uint32_t end = b->span0 + b->nspan;
    for (uint32_t i = b->span0; i + 1 < end; i++) {
        const span_t *sp = &st->spans[i];
        if (sp->kind == SK_SOFTBR && sp[1].kind == SK_TEXT &&
            stx_talk_line_label(st, raw_start(st, sp[1].off))) {
            grow(&cut, &cap, n + 1, sizeof *cut);
            cut[n++] = i;
        }
    }
    if (n == 0)
        return 0;
    /* (a long part is pushed as pieces, which may cut a span in two: the
     * spans after it move on) */
    uint32_t from = b->span0, shift = 0;
    for (size_t k = 0; k <= n; k++) {
        uint32_t to = k < n ? cut[k] + shift : end + shift;
        size_t before = st->nspans;
        push_part(m, b, from, to, k > 0);
        shift += (uint32_t)(st->nspans - before);
        to += (uint32_t)(st->nspans - before);
        from = to + 1; /* (the soft break belongs to neither) */
    }
    free(cut);
    return 1;
}

/* A section's number block (**01.**), the last pushed, and its name b
 * become one heading block "01. 泥土是有记忆的": the number's spans, a
 * soft break, the name's. */
static void join_number(md_t *m, block_t *b, stx_item_t *it)
{
    structure_t *st = m->st;
    const block_t *nb = &st->blocks[st->nblocks - 1];
    if (nb->span0 + nb->nspan != b->span0 || b->span0 + b->nspan != st->nspans)
        return;
    grow(&st->spans, &m->scap, st->nspans + 1, sizeof *st->spans);
    span_t *sp = &st->spans[b->span0];
    memmove(sp + 1, sp, b->nspan * sizeof *sp);
    memset(sp, 0, sizeof *sp);
    sp->kind = SK_SOFTBR;
    sp->style = SP_STRONG;
    st->nspans++;
    b->span0 = nb->span0;
    b->nspan += nb->nspan + 1;
    b->start = nb->start;
    b->flags = nb->flags;
    it->start = nb->start;
    st->nblocks--;
    it->block = (long)st->nblocks;
}

static void end_leaf(md_t *m)
{
    structure_t *st = m->st;
    block_t *b = &m->cur;
    m->leaf = 0;
    if (b->kind == BK_CODE || b->kind == BK_VERBATIM) {
        /* one block per line, split at newlines */
        uint32_t s0 = b->span0, end = s0 + b->nspan;
        block_t ln = *b;
        ln.nspan = 0;
        ln.span0 = s0;
        ln.flags |= BF_TIGHT;
        int first = 1, have = 0; /* have: a source position for the line */
        size_t prev_end = b->start;
        for (uint32_t i = s0; i < end; i++) {
            span_t *sp = &st->spans[i];
            const char *p = sp->kind == SK_TEXT ? st->text + sp->off
                                                : st->lit + sp->off;
            int nl = sp->len > 0 && p[sp->len - 1] == '\n';
            if (nl)
                sp->len--;
            ln.nspan++;
            /* md4c may hand the indentation over as a literal: the line's
             * range starts at its first text from the source */
            if (sp->kind == SK_TEXT) {
                if (!have) { /* back over the line's indentation */
                    ln.start = sp->off;
                    while (ln.start > prev_end &&
                           (st->text[ln.start - 1] == ' ' ||
                            st->text[ln.start - 1] == '\t'))
                        ln.start--;
                }
                have = 1;
                ln.end = sp->off + sp->len;
            }
            if (nl || i + 1 == end) {
                if (first)
                    ln.flags &= (uint8_t)~BF_TIGHT;
                first = 0;
                if (!have)
                    ln.start = ln.end = prev_end;
                prev_end = ln.end;
                have = 0;
                push_block(m, &ln);
                ln.span0 = i + 1;
                ln.nspan = 0;
                ln.flags &= (uint8_t)~BF_ITEM;
                ln.flags |= BF_TIGHT;
            }
        }
        return;
    }
    if (b->nspan == 0)
        return;
    if (b->kind == BK_PARA && m->have_src && !m->html && split_turns(m, b))
        return;
    leaf_item(m, b, 0);
}

/* Push a paragraph or heading block b and feed its item to the scanner;
 * `part`: a turn's lines cut from a paragraph (never a heading). */
static void leaf_item(md_t *m, block_t *b, int part)
{
    structure_t *st = m->st;
    stx_item_t it = {0};
    it.block = (long)st->nblocks;
    it.end = b->end;
    size_t chars = 0;
    int multi = 0, never_heading = 0, bold = 1, link = 1;
    for (uint32_t i = b->span0; i < b->span0 + b->nspan; i++) {
        span_t *sp = &st->spans[i];
        if (sp->kind == SK_TEXT)
            chars += stx_count_chars(st->text + sp->off, sp->len);
        else if (sp->kind == SK_LITERAL)
            chars += stx_count_chars(st->lit + sp->off, sp->len);
        else
            multi = 1;
        if ((sp->kind == SK_TEXT || sp->kind == SK_LITERAL) &&
            text_skip_blanks(sp->kind == SK_TEXT ? st->text + sp->off
                                                 : st->lit + sp->off,
                             0, sp->len) < sp->len) {
            bold &= (sp->style & SP_STRONG) != 0;
            link &= (sp->style & SP_LINK) != 0;
        }
    }
    it.chars = chars;
    /* (speakers: the containers, a bold paragraph) */
    it.quote = b->quote;
    it.list = b->list;
    it.exit = b->quote < m->pquote || b->list < m->plist;
    it.bold = bold && chars > 0 && b->kind == BK_PARA;
    m->pquote = b->quote;
    m->plist = b->list;
    if (b->kind == BK_HEADING) {
        it.start = b->start;
        it.family = STX_MD_H + m->level;
        b->level = (uint8_t)m->level;
        stx_talk_heading(m->sc, &it); /* a speaker label? */
    } else {
        /* (a block of literals only, a NUL character say, has no line of
           its own: it stays where the text before it ended) */
        it.start = m->have_src && !m->html ? raw_start(st, b->start) : b->start;
        b->start = it.start;
        never_heading = multi || b->list || part;
    }
    int role = stx_sect_md_leaf(m->sc, &m->sect, b, &it, &never_heading,
                                m->leaf_img && !m->leaf_other);
    if (role == STX_DROP)
        return;
    if (role == STX_JOIN)
        join_number(m, b, &it);
    it.line = line_of(m, it.start);
    if (b->kind == BK_PARA && b->end - b->start > PARA_PIECE)
        push_pieces(m, b);
    else
        push_block(m, b);
    if (never_heading) {
        /* several lines or a list item: never a heading, maybe a turn */
        stx_talk_classify(m->sc, &it);
    } else if (b->kind != BK_HEADING) {
        stx_classify(m->sc, &it);
    }
    if (link && chars > 0 && b->kind == BK_PARA) { /* only links: ends a turn */
        it.stop = STX_STOP_LINK;
        it.candidate = 0;
    }
    stx_feed(m->sc, &it);
}

/* End the open leaf, if any; an item's mark waits for the next leaf when
 * the item held nothing yet. */
static void close_leaf(md_t *m)
{
    if (!m->leaf)
        return;
    if (m->cur.nspan == 0 && (m->cur.flags & BF_ITEM)) {
        m->leaf = 0;
        m->item_pending = 1;
        if (m->list > 0 && m->lists[m->list - 1 < 32 ? m->list - 1 : 31].ordered)
            m->lists[m->list - 1 < 32 ? m->list - 1 : 31].next--;
        return;
    }
    end_leaf(m);
}

static int md_enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    md_t *m = ud;
    /* a tight item's text comes with no paragraph: the item opens a leaf
     * that its first paragraph, if it has one, goes on with */
    if (type == MD_BLOCK_P && m->leaf && m->cur.kind == BK_PARA &&
        m->cur.nspan == 0)
        return 0;
    if (type != MD_BLOCK_DOC)
        close_leaf(m);
    switch (type) {
    case MD_BLOCK_QUOTE:
        m->quote++;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL: {
        int d = m->list < 32 ? m->list : 31;
        m->lists[d].ordered = type == MD_BLOCK_OL;
        m->lists[d].items = 0;
        if (type == MD_BLOCK_OL) {
            MD_BLOCK_OL_DETAIL *o = detail;
            m->lists[d].next = o->start;
            m->lists[d].tight = o->is_tight;
        } else {
            MD_BLOCK_UL_DETAIL *u = detail;
            m->lists[d].tight = u->is_tight;
        }
        m->list++;
        break;
    }
    case MD_BLOCK_LI:
        m->item_pending = 1;
        begin_leaf(m, BK_PARA);
        break;
    case MD_BLOCK_HR: {
        block_t b = {0};
        b.kind = BK_RULE;
        b.start = b.end = m->last_end;
        b.quote = (uint8_t)m->quote;
        b.speaker = -1;
        b.heading = -1;
        stx_item_t it = {0};
        it.start = it.end = m->last_end;
        it.family = STX_RULE;
        it.block = (long)m->st->nblocks;
        push_block(m, &b);
        stx_feed(m->sc, &it);
        break;
    }
    case MD_BLOCK_H:
        m->level = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
        begin_leaf(m, BK_HEADING);
        break;
    case MD_BLOCK_P:
        begin_leaf(m, BK_PARA);
        break;
    case MD_BLOCK_CODE:
        begin_leaf(m, BK_CODE);
        break;
    case MD_BLOCK_HTML: /* parsed as HTML at its end */
        m->hraw = 1;
        m->ha = m->hb = NULL;
        m->hbuf.n = 0;
        m->hcontig = 1;
        break;
    default:
        break;
    }
    return 0;
}

static int md_leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    md_t *m = ud;
    (void)detail;
    switch (type) {
    case MD_BLOCK_QUOTE:
        m->quote--;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        m->list--;
        break;
    case MD_BLOCK_HTML:
        html_block_end(m);
        break;
    case MD_BLOCK_P:
    case MD_BLOCK_LI:
        close_leaf(m);
        if (m->hraw) /* a paragraph read as HTML (see html_inline) */
            html_block_end(m);
        break;
    case MD_BLOCK_H:
    case MD_BLOCK_CODE:
        close_leaf(m);
        break;
    default:
        break;
    }
    return 0;
}

static int style_bit(MD_SPANTYPE type)
{
    switch (type) {
    case MD_SPAN_EM:
        return 0;
    case MD_SPAN_STRONG:
        return 1;
    case MD_SPAN_CODE:
        return 2;
    case MD_SPAN_A:
        return 3;
    case MD_SPAN_DEL:
        return 6;
    default:
        return -1;
    }
}

static int md_enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
    md_t *m = ud;
    if (type == MD_SPAN_A) {
        MD_SPAN_A_DETAIL *a = detail;
        m->href = m->hlen = 0;
        if (a->href.text && in_src(m->st, a->href.text) &&
            in_src(m->st, a->href.text + a->href.size)) {
            m->href = (uint32_t)(a->href.text - m->st->text);
            m->hlen = a->href.size;
        }
    }
    if (type == MD_SPAN_IMG) {
        m->img++;
        if (m->leaf && !m->hraw)
            add_literal(m, "[图: ");
    }
    int b = style_bit(type);
    if (b >= 0)
        m->style[b]++;
    return 0;
}

static int md_leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
    md_t *m = ud;
    (void)detail;
    int b = style_bit(type);
    if (b >= 0)
        m->style[b]--;
    if (type == MD_SPAN_IMG) {
        if (m->leaf && !m->hraw)
            add_literal(m, "]");
        m->img--;
    }
    return 0;
}

/* A soft line break before a line that starts with a bullet character
 * (・ • ● ◆ ■ ...) is kept: the text was a list typed by hand. */
static void keep_break(md_t *m, const char *text, size_t size)
{
    structure_t *st = m->st;
    if (m->cur.nspan == 0 || st->spans[st->nspans - 1].kind != SK_SOFTBR ||
        size == 0 || (unsigned char)text[0] < 0x80)
        return;
    uint32_t c;
    text_decode(text, size, &c);
    static const uint32_t bullets[] = {0x30FB, 0x2022, 0x25CF, 0x25C6,
                                       0x25A0, 0x25C7, 0x25A1, 0x25CB,
                                       0x2605, 0x2606, 0x25AA, 0x25B6,
                                       0x25BA, 0x27A4, 0xFF65};
    for (size_t i = 0; i < sizeof bullets / sizeof *bullets; i++)
        if (c == bullets[i]) {
            st->spans[st->nspans - 1].kind = SK_HARDBR;
            return;
        }
}

static int md_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size,
                   void *ud)
{
    md_t *m = ud;
    if (m->hraw) {
        html_collect(m, text, size);
        return 0;
    }
    if (!m->leaf)
        return 0;
    char buf[16];
    int k;
    switch (type) {
    case MD_TEXT_SOFTBR:
        /* (after an inline <br>, the line's end is that break) */
        if (m->cur.nspan && m->st->spans[m->st->nspans - 1].kind == SK_HARDBR)
            break;
        add_span(m, " ", 1, SK_SOFTBR);
        break;
    case MD_TEXT_BR:
        add_span(m, " ", 1, SK_HARDBR);
        break;
    case MD_TEXT_NULLCHAR:
        add_span(m, "\xEF\xBF\xBD", 3, SK_LITERAL);
        break;
    case MD_TEXT_HTML:
        html_inline(m, text, size);
        break;
    case MD_TEXT_ENTITY:
        k = html_entity(text, size, buf, sizeof buf);
        if (k > 0)
            add_span(m, buf, (size_t)k, SK_LITERAL);
        else
            add_span(m, text, size, SK_TEXT);
        break;
    default:
        if (!m->hdrop) {
            keep_break(m, text, size);
            add_span(m, text, size, SK_TEXT);
        }
        break;
    }
    return 0;
}

/* End of a front-matter-like region ("---" ... "---"/"..."), 0 if none. */
static size_t fm_region(const char *t, size_t len)
{
    if (!fm_present(t, len))
        return 0;
    size_t i = 3;
    while (i < len && t[i] != '\n')
        i++;
    i++;
    while (i < len) {
        size_t e = i;
        while (e < len && t[e] != '\n')
            e++;
        size_t ce = text_trim_blanks(t, i, e > i && t[e - 1] == '\r' ? e - 1 : e);
        if (ce - i == 3 && (!memcmp(t + i, "---", 3) || !memcmp(t + i, "...", 3)))
            return e < len ? e + 1 : len;
        i = e + 1;
    }
    return 0;
}

/* The front end's state and md4c's callbacks (CommonMark: no flags), for
 * Markdown and for the HTML walk alike. */
static void md_begin(md_t *m, MD_PARSER *parser, stx_scan_t *sc)
{
    memset(m, 0, sizeof *m);
    m->sc = sc;
    m->st = sc->st;
    m->line_no = 1;
    memset(parser, 0, sizeof *parser);
    parser->enter_block = md_enter_block;
    parser->leave_block = md_leave_block;
    parser->enter_span = md_enter_span;
    parser->leave_span = md_leave_span;
    parser->text = md_text;
    m->parser = parser;
}

/* The lines of [from, to) as they are (verbatim blocks). */
static void verbatim_lines(md_t *m, structure_t *st, size_t from, size_t to)
{
    para_t p;
    int ok = para_first(st->text + from, to - from, &p);
    while (ok) {
        block_t b = {0};
        b.kind = BK_VERBATIM;
        b.start = from + p.start;
        b.end = from + (p.blank ? p.start : p.end);
        b.flags = st->nblocks ? BF_TIGHT : 0;
        b.speaker = -1;
        b.heading = -1;
        push_block(m, &b);
        ok = para_next(st->text + from, to - from, &p, &p);
    }
}

void stx_scan_markdown(stx_scan_t *sc)
{
    structure_t *st = sc->st;
    md_t m;
    MD_PARSER parser;
    md_begin(&m, &parser, sc);
    size_t body = 0;
    if (st->has_fm) {
        block_t b = {0};
        b.kind = BK_META;
        b.end = st->fm.end;
        b.speaker = -1;
        b.heading = -1;
        push_block(&m, &b);
        body = st->fm.end;
    } else if ((body = fm_region(st->text, st->len)) > 0) {
        /* malformed front matter: its lines as they are */
        st->fm_bad_end = body;
        verbatim_lines(&m, st, 0, body);
    }
    m.last_end = body;
    cxx_md_parse_t parse = cxx_md4c();
    if (!parse) /* (md4c cannot be loaded: the lines as they are) */
        verbatim_lines(&m, st, body, st->len);
    else if (st->len - body < (size_t)0xFFFFFFFFu)
        parse(st->text + body, (MD_SIZE)(st->len - body), &parser, &m);
    buf_free(&m.hbuf);
}


/* ---- HTML: raw HTML in Markdown, and HTML documents --------------------- */

/* md4c's HTML block, line by line: its source range while the lines
 * follow each other (not inside a block quote), and a copy. */
static void html_collect(md_t *m, const char *s, size_t n)
{
    const structure_t *st = m->st;
    buf_add(&m->hbuf, s, n);
    if (!in_src(st, s) || !in_src(st, s + n)) {
        /* md4c's line ends are its own "\n": the source has its own */
        if (!(n == 1 && *s == '\n'))
            m->hcontig = 0;
        return;
    }
    if (!m->ha)
        m->ha = m->hb = s;
    const char *g = m->hb; /* only line ends and blanks in between */
    while (g < s && (*g == '\n' || *g == '\r' || *g == ' ' || *g == '\t'))
        g++;
    if (g == s)
        m->hb = s + n;
    else
        m->hcontig = 0;
}

/* The HTML block ends: read as HTML into blocks (from the source where
 * it lies there whole, so that its text is the source's). */
static void html_block_end(md_t *m)
{
    m->hraw = 0;
    m->html++;
    if (m->hcontig && m->ha && in_src(m->st, m->ha) && in_src(m->st, m->hb))
        html_parse(m->ha, (size_t)(m->hb - m->ha), HTML_FRAGMENT, m->parser, m);
    else if (m->hbuf.n)
        html_parse(m->hbuf.p, m->hbuf.n, HTML_FRAGMENT, m->parser, m);
    m->html--;
    m->hbuf.n = 0;
}

/* An inline tag in a paragraph: a break, an image, a style, or text left
 * out up to its end tag (script, style); any other tag is left out and
 * its text stays. */
static void html_inline(md_t *m, const char *s, size_t n)
{
    if (m->cur.nspan == 0 && m->cur.kind == BK_PARA && !m->html &&
        html_block_tag(s, n)) {
        /* a paragraph that starts with a block tag is an HTML block
         * (CommonMark), whatever md4c made of it */
        m->hraw = 1;
        m->ha = m->hb = NULL;
        m->hbuf.n = 0;
        m->hcontig = 1;
        html_collect(m, s, n);
        return;
    }
    html_tag_t t;
    html_inline_tag(s, n, &t);
    switch (t.kind) {
    case HTML_IT_BR:
        if (!m->hdrop)
            add_span(m, " ", 1, SK_HARDBR);
        break;
    case HTML_IT_IMG:
        if (!m->hdrop) {
            add_literal(m, t.alt[0] ? "[图: " : "[图");
            add_literal(m, t.alt);
            add_literal(m, "]");
        }
        break;
    case HTML_IT_STYLE:
        if (t.closing)
            m->hstyle[t.bit] -= m->hstyle[t.bit] > 0;
        else if (m->hstyle[t.bit] < 1000)
            m->hstyle[t.bit]++;
        break;
    case HTML_IT_DROP:
        m->hdrop = !t.closing;
        break;
    default:
        break;
    }
}

/* The pieces of an HTML document, being made: every piece stands for
 * source bytes [src, src + n) of its own, in order, so that a match maps
 * back in order (a decoded text is shorter than its source). */
typedef struct {
    structure_t *st;
    size_t pcap, lcap, ocap;
    size_t *loff;   /* per piece: its bytes in st->lit, or SIZE_MAX */
    size_t end;     /* the source taken by the pieces so far */
    buf_t pend;     /* shown text not in the source, not yet a piece */
} hp_t;

static void hp_add(hp_t *h, const char *p, size_t n, size_t src, size_t loff)
{
    structure_t *st = h->st;
    grow(&st->pieces, &h->pcap, st->npieces + 1, sizeof *st->pieces);
    grow(&h->loff, &h->ocap, st->npieces + 1, sizeof *h->loff);
    h->loff[st->npieces] = loff;
    st->pieces[st->npieces++] = (norm_piece_t){p, n, src};
    h->end = src + n;
}

/* The text pending before source byte `at`: one piece, if it fits before
 * it (else 0: it waits for more). At the end (at: the text's length) what
 * does not fit is cut. */
static int hp_flush(hp_t *h, size_t at, int last)
{
    structure_t *st = h->st;
    size_t n = h->pend.n;
    if (n == 0)
        return 1;
    if (at < h->end || n > at - h->end) {
        if (!last)
            return 0;
        n = at > h->end ? at - h->end : 0;
        while (n > 0 && n < h->pend.n && ((unsigned char)h->pend.p[n] & 0xC0) == 0x80)
            n--; /* (whole characters) */
    }
    if (n > 0) {
        grow(&st->lit, &h->lcap, st->litlen + n + 1, 1);
        memcpy(st->lit + st->litlen, h->pend.p, n);
        hp_add(h, NULL, n, h->end, st->litlen);
        st->litlen += n;
    }
    h->pend.n = 0;
    return 1;
}

/* An HTML document's text as search reads it: its spans as shown, a line
 * break for a break, a blank line between blocks. */
static void html_pieces(structure_t *st, size_t lcap)
{
    hp_t h;
    memset(&h, 0, sizeof h);
    h.st = st;
    h.lcap = lcap;
    for (size_t i = 0; i < st->nblocks; i++) {
        const block_t *b = &st->blocks[i];
        if (b->kind == BK_META || b->kind == BK_RULE || b->nspan == 0)
            continue;
        if (st->npieces || h.pend.n)
            buf_adds(&h.pend, (b->flags & BF_TIGHT) ? "\n" : "\n\n");
        for (size_t k = b->span0; k < (size_t)b->span0 + b->nspan; k++) {
            const span_t *sp = &st->spans[k];
            if (sp->kind == SK_TEXT && sp->off >= h.end && hp_flush(&h, sp->off, 0) &&
                sp->off >= h.end)
                hp_add(&h, st->text + sp->off, sp->len, sp->off, SIZE_MAX);
            else if (sp->kind == SK_SOFTBR || sp->kind == SK_HARDBR)
                buf_adds(&h.pend, "\n");
            else
                buf_add(&h.pend, (sp->kind == SK_TEXT ? st->text : st->lit) + sp->off,
                        sp->len);
        }
    }
    hp_flush(&h, st->len, 1);
    for (size_t k = 0; k < st->npieces; k++) /* the lit: where it ended up */
        if (h.loff[k] != SIZE_MAX)
            st->pieces[k].p = st->lit + h.loff[k];
    free(h.loff);
    buf_free(&h.pend);
}

void stx_scan_html(stx_scan_t *sc)
{
    structure_t *st = sc->st;
    md_t m;
    MD_PARSER parser;
    md_begin(&m, &parser, sc);
    m.html = 1;
    html_info_t info;
    html_doc_t *h = html_open(st->text, st->len, 0, &info);
    if (info.title) { /* the title block, as front matter's */
        st->fm.title = info.title;
        st->fm.title_off = info.title_off;
        st->fm.title_line = 1 + stx_count_lines(st->text, 0, info.title_off);
        if (info.author) {
            st->fm.authors = xmalloc(sizeof *st->fm.authors);
            st->fm.authors[st->fm.nauthors++] = info.author;
            info.author = NULL;
        }
        st->has_fm = 1;
        block_t b = {0};
        b.kind = BK_META;
        b.speaker = -1;
        b.heading = -1;
        push_block(&m, &b);
    }
    free(info.author);
    html_walk(h, &parser, &m);
    html_close(h);
    buf_free(&m.hbuf);
    html_pieces(st, m.lcap);
}
