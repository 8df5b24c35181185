/* aozora: Aozora Bunko notation (see aozora.h). The forms are those of
 * Aozora Bunko's input manual (注記一覧); what a form does not say is
 * decided here as a reader would want it, in a comment at each rule. */
#include "aozora.h"
#include "chars.h"
#include "encoding.h"
#include "para.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    HEAD = 64 << 10,  /* az_detect reads this much of the start ... */
    TAIL = 16 << 10,  /* ... and this much of the end */
    ANN_MAX = 2048,   /* the longest annotation: one that quotes a sentence */
    RUBY_MAX = 600,   /* the longest reading, and ｜'s base */
    LEGEND_MAX = 8192 /* the legend block: a few lines */
};

static const char LEGEND[] = "【テキスト中に現れる記号について】";
static const char OPEN[] = "［＃"; /* an annotation: ［＃…］ (the end of AZ_GAIJI_OPEN) */
static const char CLOSE[] = "］";
static const char COLOPHON[] = "底本：";

#define LIT_LEN(s) (sizeof(s) - 1)

static int at(const char *p, size_t n, const char *s, size_t sn)
{
    return n >= sn && !memcmp(p, s, sn);
}
#define AT(p, n, s) at(p, n, s, LIT_LEN(s))

static int ends(const char *p, size_t n, const char *s, size_t sn)
{
    return n >= sn && !memcmp(p + n - sn, s, sn);
}
#define ENDS(p, n, s) ends(p, n, s, LIT_LEN(s))

static int at_line_start(const char *t, size_t i)
{
    return i == 0 || t[i - 1] == '\n' || t[i - 1] == '\r';
}

static size_t line_end(const char *t, size_t n, size_t i)
{
    while (i < n && t[i] != '\n' && t[i] != '\r')
        i++;
    return i;
}

static size_t next_line(const char *t, size_t n, size_t i)
{
    i = line_end(t, n, i);
    if (i < n && t[i] == '\r')
        i++;
    if (i < n && t[i] == '\n')
        i++;
    return i;
}

/* The end of the annotation that opens at a (［＃), after its ］, or 0
 * when it does not close on its line: brackets and 「」 quotes inside it
 * nest (［＃「［注］」に傍点］). */
static size_t ann_end(const char *t, size_t a, size_t e)
{
    int sq = 0, q = 0;
    size_t lim = e - a > ANN_MAX ? a + ANN_MAX : e;
    for (size_t i = a + LIT_LEN(OPEN); i + 3 <= lim;) {
        if (t[i] == '\n' || t[i] == '\r')
            return 0;
        const char *p = t + i;
        if (AT(p, lim - i, "「"))
            q++;
        else if (AT(p, lim - i, "」") && q > 0)
            q--;
        else if (AT(p, lim - i, "［"))
            sq++;
        else if (AT(p, lim - i, CLOSE) && q == 0 && sq-- == 0)
            return i + 3;
        i = utf8_next(t, i + 1, lim);
    }
    return 0;
}

/* ---- which documents ---------------------------------------------------- */

size_t az_colophon(const char *t, size_t n)
{
    /* the first 底本： at a line start after a blank line in the last part
     * of the text (its colophon comes last, set off by blank lines), else
     * the last one at a line start there */
    size_t from = n > TAIL ? n - TAIL : 0, last = n;
    const char *p = t + from;
    while ((p = mem_find(p, (size_t)(t + n - p), COLOPHON, LIT_LEN(COLOPHON)))) {
        size_t i = (size_t)(p - t);
        p += LIT_LEN(COLOPHON);
        if (!at_line_start(t, i))
            continue;
        last = i;
        if (i == 0)
            return i;
        size_t b = i - 1; /* the line before: blank? */
        if (b > 0 && t[b] == '\n' && t[b - 1] == '\r')
            b--;
        if (b == 0 || t[b - 1] == '\n' || t[b - 1] == '\r')
            return i;
    }
    return last;
}

int az_detect(const char *t, size_t n)
{
    size_t h = n < HEAD ? n : HEAD;
    /* (util.h mem_find, not glibc's memmem, which goes a byte at a time:
       192,000 of the 6.4 million instructions of opening the bench text,
       its first screen and q; callgrind) */
    if (mem_find(t, h, LEGEND, LIT_LEN(LEGEND)))
        return 1;
    for (const char *p = t; (p = mem_find(p, (size_t)(t + h - p), OPEN, LIT_LEN(OPEN)));
         p += LIT_LEN(OPEN)) {
        size_t i = (size_t)(p - t);
        if (ann_end(t, i, n - i > ANN_MAX ? i + ANN_MAX : n))
            return 1;
    }
    size_t c = az_colophon(t, n);
    if (c == n)
        return 0;
    static const char *const after[] = {"\n入力：", "\n校正：", "青空文庫"};
    for (size_t i = 0; i < sizeof after / sizeof *after; i++)
        if (mem_find(t + c, n - c, after[i], strlen(after[i])))
            return 1;
    return 0;
}

/* A line of ten or more '-' (the legend's rule). */
static int dashes(const char *t, size_t a, size_t e)
{
    e = text_trim_blanks(t, a, e);
    if (e - a < 10)
        return 0;
    for (size_t i = a; i < e; i++)
        if (t[i] != '-')
            return 0;
    return 1;
}

size_t az_legend(const char *t, size_t n, size_t *a)
{
    size_t h = n < HEAD ? n : HEAD;
    const char *p = memmem(t, h, LEGEND, LIT_LEN(LEGEND));
    if (!p)
        return 0;
    size_t s = (size_t)(p - t);
    while (s > 0 && t[s - 1] != '\n' && t[s - 1] != '\r')
        s--;
    /* the rule above it belongs to it */
    size_t prev = s;
    if (prev > 0 && t[prev - 1] == '\n')
        prev--;
    if (prev > 0 && t[prev - 1] == '\r')
        prev--;
    size_t ps = prev;
    while (ps > 0 && t[ps - 1] != '\n' && t[ps - 1] != '\r')
        ps--;
    if (s > 0 && dashes(t, ps, prev))
        s = ps;
    /* ... down to the rule that closes it */
    for (size_t i = next_line(t, n, (size_t)(p - t)); i < n && i - s < LEGEND_MAX;
         i = next_line(t, n, i))
        if (dashes(t, i, line_end(t, n, i))) {
            *a = s;
            return next_line(t, n, i);
        }
    return 0;
}

/* ---- one line ----------------------------------------------------------- */

void az_init(az_line_t *L)
{
    memset(L, 0, sizeof *L);
    buf_add(&L->lit, "", 0);
}

void az_free(az_line_t *L)
{
    free(L->v);
    buf_free(&L->lit);
    memset(L, 0, sizeof *L);
}

static az_item_t *add(az_line_t *L, int kind, size_t off, size_t len)
{
    grow(&L->v, &L->cap, L->n + 1, sizeof *L->v);
    az_item_t *it = &L->v[L->n++];
    memset(it, 0, sizeof *it);
    it->kind = (uint8_t)kind;
    it->off = off;
    it->len = len;
    return it;
}

static void add_lit(az_line_t *L, size_t off, size_t len, const char *s, size_t sn,
                    int style)
{
    az_item_t *it = add(L, AZ_LIT, off, len);
    it->lit = (uint32_t)L->lit.n;
    it->llen = (uint32_t)sn;
    it->style = (uint8_t)style;
    buf_add(&L->lit, s, sn);
}

/* Is c a character a reading may follow without ｜? The manual says 漢字
 * (Han, and 々 〆 〇 ヶ); texts also write my《マイ》 and かな《かな》, which
 * aozora2html reads as readings of the run of one kind before them: any
 * letter or digit here. */
static int ruby_base(uint32_t c)
{
    return ch_is(c, CH_LETTER | CH_FW_ALNUM) || (c >= '0' && c <= '9') || c == 0x3006 ||
           c == 0x3007 || c == 0x30F6;
}

/* Do items [a, b) show nothing but blanks? */
static int blank_items(const az_line_t *L, const char *t, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        const az_item_t *it = &L->v[i];
        if (it->kind == AZ_LIT)
            return 0;
        if (it->kind == AZ_TEXT && text_skip_blanks(t, it->off, it->off + it->len) <
                                       it->off + it->len)
            return 0;
    }
    return 1;
}

/* A cut from the next item on; one with nothing shown since the last cut
 * replaces it. */
static void cut(az_line_t *L, const char *t, int what, int n)
{
    az_cut_t *c = &L->cut[L->ncut - 1];
    if (blank_items(L, t, c->item, L->n)) {
        c->what = what;
        c->n = n;
    } else if (L->ncut < AZ_MAXCUT) {
        L->cut[L->ncut++] = (az_cut_t){L->n, what, n};
    }
}

static void block(az_line_t *L, int op, int n, int n2)
{
    if (L->nblk < AZ_MAXBLK)
        L->blk[L->nblk++] = (az_block_t){op, n, n2};
}

/* A number at p: digits (０-９ or 0-9) or kanji numerals up to 99 (五,
 * 十二, 二十); -1 if none. *used: its bytes. */
static int number(const char *p, size_t n, size_t *used)
{
    static const char *const kan[] = {"〇", "一", "二", "三", "四",
                                      "五", "六", "七", "八", "九"};
    int v = -1, tens = 0;
    size_t i = 0;
    while (i < n && v < 1000) {
        uint32_t c;
        int k = text_decode(p + i, n - i, &c);
        int d = -1;
        if (c >= '0' && c <= '9')
            d = (int)(c - '0');
        else if (c >= 0xFF10 && c <= 0xFF19)
            d = (int)(c - 0xFF10);
        else
            for (int j = 0; j < 10; j++)
                if (at(p + i, n - i, kan[j], 3))
                    d = j;
        if (d < 0 && c == 0x5341) { /* 十 */
            tens = 1;
            v = (v < 0 ? 1 : v) * 10;
        } else if (d >= 0) {
            v = tens ? v + d : (v < 0 ? 0 : v) * 10 + d;
        } else {
            break;
        }
        i += (size_t)k;
    }
    *used = i;
    return v;
}

/* "N字下げ" (or "N字上げ", with `what`) at p, the whole of p[0..n) or
 * followed by "、…" (*rest: after it); -1 if not. */
static int chars_what(const char *p, size_t n, const char *what, size_t *rest)
{
    size_t u;
    int v = number(p, n, &u);
    size_t wn = strlen(what);
    if (v < 0 || !at(p + u, n - u, "字", 3) || !at(p + u + 3, n - u - 3, what, wn))
        return -1;
    *rest = u + 3 + wn;
    return v;
}

/* Indents at p[0..n): [天から]N字下げ[、折り返してM字下げ] or [改行天付き、]
 * 折り返してM字下げ: 1, and the first line's (N, else 0) and the others' (M,
 * else N), or 0. */
static int indents(const char *p, size_t n, int *first, int *rest)
{
    size_t r;
    int v, v2 = -1;
    if (AT(p, n, "天から"))
        p += 9, n -= 9;
    if ((v = chars_what(p, n, "下げ", &r)) >= 0) {
        p += r, n -= r;
        if (AT(p, n, "、"))
            p += 3, n -= 3;
    }
    if (AT(p, n, "改行天付き、"))
        p += 18, n -= 18;
    if (AT(p, n, "折り返して"))
        v2 = chars_what(p + 15, n - 15, "下げ", &r);
    if (v < 0 && v2 < 0)
        return 0;
    *first = v >= 0 ? v : 0;
    *rest = v2 >= 0 ? v2 : *first;
    return 1;
}

/* A heading's kind at p: [同行|窓](大|中|小)見出し; 0 if none. *used: its
 * bytes. */
static int heading_kind(const char *p, size_t n, size_t *used)
{
    size_t i = 0;
    if (AT(p, n, "同行"))
        i = 6;
    else if (AT(p, n, "窓"))
        i = 3;
    int k = AT(p + i, n - i, "大") ? 1 : AT(p + i, n - i, "中") ? 2
            : AT(p + i, n - i, "小") ? 3 : 0;
    if (!k || !AT(p + i + 3, n - i - 3, "見出し"))
        return 0;
    *used = i + 12;
    return k;
}

/* The 」 that closes the 「 at q (quotes nest), or n. */
static size_t quote_end(const char *c, size_t n, size_t q)
{
    int depth = 0;
    for (size_t i = q; i + 3 <= n; i = utf8_next(c, i + 1, n)) {
        if (AT(c + i, n - i, "「"))
            depth++;
        else if (AT(c + i, n - i, "」") && --depth == 0)
            return i;
    }
    return n;
}

/* The item where the text shown just before the end of the items ends
 * with x[0..xn) starts (a text item is split there), or -1. A ※ in x
 * stands for a gaiji, as the manual writes one in a quote. */
static long match_back(az_line_t *L, const char *t, const char *x, size_t xn)
{
    size_t k = xn, i = L->n;
    while (k > 0 && i > 0) {
        az_item_t *it = &L->v[i - 1];
        if (it->kind == AZ_RUBY) {
            i--;
            continue;
        }
        if (it->kind == AZ_LIT) {
            if (ends(x, k, "※", 3))
                k -= 3;
            else if (ends(x, k, L->lit.p + it->lit, it->llen))
                k -= it->llen;
            else
                return -1;
            i--;
            continue;
        }
        size_t m = it->len < k ? it->len : k;
        if (memcmp(t + it->off + it->len - m, x + k - m, m))
            return -1;
        k -= m;
        if (k == 0 && m < it->len) { /* split: x starts inside it */
            grow(&L->v, &L->cap, L->n + 1, sizeof *L->v);
            it = &L->v[i - 1];
            memmove(it + 1, it, (L->n - (i - 1)) * sizeof *it);
            L->n++;
            it[0].len -= m;
            it[1].off = it[0].off + it[0].len;
            it[1].len = m;
            for (size_t c = 0; c < L->ncut; c++) /* cuts after it move on */
                if (L->cut[c].item >= i)
                    L->cut[c].item++;
            return (long)i;
        }
        i--;
    }
    return k == 0 ? (long)i : -1;
}

/* The readings of [a, b) as ruby items (an annotation inside one, a
 * gaiji's, is left out). */
static void reading(az_line_t *L, const char *t, size_t a, size_t b)
{
    size_t i = a;
    while (i < b) {
        const char *p = memmem(t + i, b - i, OPEN, LIT_LEN(OPEN));
        size_t s = p ? (size_t)(p - t) : b, e = p ? ann_end(t, s, b) : b;
        if (p && !e)
            s = e = b;
        if (p && s >= i + 3 && !memcmp(t + s - 3, "※", 3))
            s -= 3;
        if (s > i)
            add(L, AZ_RUBY, i, s - i);
        i = e > i ? e : b;
    }
}

/* A gaiji ※［＃…］ at star, its annotation [a, e): the character its
 * JIS X 0213 men-ku-ten (第3水準1-85-54, 1-2-22: plane, row, cell; EUC's
 * bytes 0xA0 + row, 0xA0 + cell, plane 2 after 0x8F) or U+XXXX gives,
 * else 〔its description〕. */
static void gaiji(az_line_t *L, const char *t, size_t star, size_t a, size_t e, int style)
{
    const char *c = t + a + LIT_LEN(OPEN);
    size_t n = e - 3 - (a + LIT_LEN(OPEN));
    char out[16];
    size_t on = 0;
    for (size_t i = 0; i + 5 <= n && !on; i++) { /* (1-1-1 and U+XXXX are 5 and 6) */
        if (c[i] == 'U' && c[i + 1] == '+') {
            char *end;
            unsigned long v = strtoul(c + i + 2, &end, 16);
            size_t d = (size_t)(end - (c + i + 2));
            if (d >= 4 && d <= 6 && i + 2 + d <= n && v > 0x20 && v <= 0x10FFFF &&
                !(v >= 0xD800 && v <= 0xDFFF))
                on = (size_t)u8_uctomb((uint8_t *)out, (ucs4_t)v, sizeof out);
            continue;
        }
        if ((c[i] != '1' && c[i] != '2') || c[i + 1] != '-' ||
            (i && c[i - 1] >= '0' && c[i - 1] <= '9'))
            continue;
        char *e1, *e2;
        long ku = strtol(c + i + 2, &e1, 10);
        if (e1 == c + i + 2 || e1 >= c + n || *e1 != '-')
            continue;
        long ten = strtol(e1 + 1, &e2, 10);
        if (e2 == e1 + 1 || e2 > c + n || ku < 1 || ku > 94 || ten < 1 || ten > 94)
            continue;
        unsigned char euc[3];
        size_t k = 0;
        if (c[i] == '2')
            euc[k++] = 0x8F;
        euc[k++] = (unsigned char)(0xA0 + ku);
        euc[k++] = (unsigned char)(0xA0 + ten);
        enc_result_t r;
        if (enc_convert("EUC-JISX0213", euc, k, &r) == 0) {
            if (r.nbad == 0 && r.len > 0 && r.len < sizeof out &&
                !memmem(r.text, r.len, "\xEF\xBF\xBD", 3)) {
                memcpy(out, r.text, r.len);
                on = r.len;
            }
            free(r.text);
            enc_result_free(&r);
        }
    }
    if (on) {
        add_lit(L, star, e - star, out, on, style);
        return;
    }
    /* the description: the quoted one, else the name before a 、 */
    size_t ds = 0, de = n;
    if (AT(c, n, "「")) {
        ds = 3;
        de = quote_end(c, n, 0);
    } else {
        const char *comma = memmem(c, n, "、", 3);
        if (comma)
            de = (size_t)(comma - c);
    }
    buf_t b = {0};
    buf_adds(&b, "〔");
    buf_add(&b, c + ds, de > ds ? de - ds : 0);
    buf_adds(&b, "〕");
    add_lit(L, star, e - star, b.p, b.n, style);
    buf_free(&b);
}

/* The annotation [a, e) (content c[0..n)): what it says of the items
 * before it, of the line or of the lines. *style: the inline styles open
 * (［＃傍点］…［＃傍点終わり］). */
static void annotate(az_line_t *L, const char *t, size_t a, size_t e, int *style)
{
    const char *c = t + a + LIT_LEN(OPEN);
    size_t n = e - 3 - (a + LIT_LEN(OPEN)), u, r;
    int k, v, v2;
    if (ENDS(c, n, "入る") && (memmem(c, n, "挿絵", 6) || memmem(c, n, "図", 3))) {
        /* an illustration: its caption when it has one, as Markdown's images */
        buf_t b = {0};
        buf_adds(&b, "[图");
        if (AT(c, n, "「") && memmem(c, n, "キャプション", 18)) {
            buf_adds(&b, ": ");
            buf_add(&b, c + 3, quote_end(c, n, 0) - 3);
        }
        buf_adds(&b, "]");
        add_lit(L, a, e - a, b.p, b.n, 0);
        buf_free(&b);
        return;
    }
    if (AT(c, n, "「")) { /* about the text before it: 「X」は中見出し */
        size_t q = quote_end(c, n, 0);
        const char *x = c + 3, *rest = c + q + 3;
        size_t xn = q - 3, rn = q + 3 <= n ? n - q - 3 : 0;
        if (q >= n)
            return;
        if (AT(rest, rn, "は") && (k = heading_kind(rest + 3, rn - 3, &u)) && u + 3 == rn) {
            /* the line so far is the heading (X is the text shown before,
             * where the line may start with a 字下げ); what follows is text */
            L->cut[L->ncut - 1].what = AZ_HEAD;
            L->cut[L->ncut - 1].n = k;
            if (L->ncut < AZ_MAXCUT)
                L->cut[L->ncut++] = (az_cut_t){L->n, AZ_PARA, 0};
            return;
        }
        int s = 0;
        if (AT(rest, rn, "は太字"))
            s = AZ_STRONG;
        else if (AT(rest, rn, "は斜体"))
            s = AZ_EM;
        const char *on = AT(rest, rn, "に")       ? rest + 3
                         : AT(rest, rn, "の左に") ? rest + 9
                                                  : NULL;
        size_t onn = on ? rn - (size_t)(on - rest) : 0;
        if (on && AT(on, onn, "「")) { /* 「X」に「Y」のルビ: Y is X's reading */
            size_t q2 = quote_end(on, onn, 0);
            if (q2 < onn && AT(on + q2 + 3, onn - q2 - 3, "のルビ") &&
                match_back(L, t, x, xn) >= 0)
                add(L, AZ_RUBY, (size_t)(on + 3 - t), q2 - 3);
            return;
        }
        /* marks beside the text: 傍点 of every shape, 傍線, 波線, … */
        if (on && (ENDS(on, onn, "傍点") || ENDS(on, onn, "傍線") || ENDS(on, onn, "波線") ||
                   ENDS(on, onn, "破線") || ENDS(on, onn, "鎖線")))
            s = AZ_EM;
        long from = s ? match_back(L, t, x, xn) : -1;
        for (size_t i = from < 0 ? L->n : (size_t)from; i < L->n; i++)
            if (L->v[i].kind != AZ_RUBY)
                L->v[i].style |= (uint8_t)s;
        return;
    }
    if (AT(c, n, "ここから") || AT(c, n, "ここで")) { /* about the lines */
        int from = AT(c, n, "ここから");
        const char *p = c + (from ? 12 : 9);
        size_t pn = n - (from ? 12 : 9);
        int end = ENDS(p, pn, "終わり") || ENDS(p, pn, "終い");
        if ((k = heading_kind(p, pn, &u)))
            block(L, from ? AZB_HEAD : AZB_HEAD_END, k, 0);
        else if (from && indents(p, pn, &v, &v2))
            block(L, AZB_INDENT, v, v2);
        else if (!from && end && AT(p, pn, "字下げ"))
            block(L, AZB_INDENT_END, 0, 0);
        else if (from && AT(p, pn, "地付き"))
            block(L, AZB_RIGHT, 0, 0);
        else if (from && AT(p, pn, "地から") && (v = chars_what(p + 9, pn - 9, "上げ", &r)) >= 0)
            block(L, AZB_RIGHT, v, 0);
        else if (!from && end && (AT(p, pn, "地付き") || AT(p, pn, "字上げ")))
            block(L, AZB_RIGHT_END, 0, 0);
        else if (AT(p, pn, "太字") || AT(p, pn, "斜体"))
            block(L, from ? AZB_STYLE : AZB_STYLE_END,
                  AT(p, pn, "太字") ? AZ_STRONG : AZ_EM, 0);
        return;
    }
    if (indents(c, n, &v, &v2)) { /* 字下げ of this line, before its text */
        if (blank_items(L, t, 0, L->n)) {
            L->indent = v;
            L->indent2 = v2;
        }
        return;
    }
    if (AT(c, n, "地付き") && n == 9) {
        cut(L, t, AZ_RIGHT, 0);
        return;
    }
    if (AT(c, n, "地から") && (v = chars_what(c + 9, n - 9, "上げ", &r)) >= 0) {
        cut(L, t, AZ_RIGHT, v);
        return;
    }
    if ((k = heading_kind(c, n, &u))) { /* ［＃中見出し］X［＃中見出し終わり］ */
        if (u == n)
            cut(L, t, AZ_HEAD, k);
        else if (AT(c + u, n - u, "終わり"))
            cut(L, t, AZ_PARA, 0);
        return;
    }
    int s = ENDS(c, n, "傍点") || ENDS(c, n, "傍線") || ENDS(c, n, "斜体") ? AZ_EM
            : ENDS(c, n, "太字")                                          ? AZ_STRONG
                                                                          : 0;
    if (s) { /* ［＃傍点］…［＃傍点終わり］ */
        *style |= s;
        return;
    }
    if (ENDS(c, n, "終わり")) {
        if (ENDS(c, n - 9, "傍点") || ENDS(c, n - 9, "傍線") || ENDS(c, n - 9, "斜体"))
            *style &= ~AZ_EM;
        else if (ENDS(c, n - 9, "太字"))
            *style &= ~AZ_STRONG;
        return;
    }
    /* anything else (改ページ, 縦中横, ママ, 底本では…): not shown */
}

/* Does a ruby's 《 follow ｜ at i (after a base of at most RUBY_MAX bytes
 * that holds no other ｜ or 《》)? */
static int bar_ruby(const char *t, size_t i, size_t e)
{
    size_t lim = e - i > RUBY_MAX ? i + RUBY_MAX : e;
    for (; i + 3 <= lim; i = utf8_next(t, i + 1, lim)) {
        if (AT(t + i, lim - i, "《"))
            return 1;
        if (AT(t + i, lim - i, "｜") || AT(t + i, lim - i, "》"))
            return 0;
    }
    return 0;
}

/* The 》 that closes a reading opened before i, or 0. */
static size_t ruby_end(const char *t, size_t i, size_t e)
{
    size_t lim = e - i > RUBY_MAX ? i + RUBY_MAX : e;
    for (; i + 3 <= lim; i = utf8_next(t, i + 1, lim)) {
        if (AT(t + i, lim - i, "》"))
            return i;
        if (AT(t + i, lim - i, "《"))
            return 0;
    }
    return 0;
}

/* Text [from, to) as an item, with the styles open. */
static void text_item(az_line_t *L, size_t from, size_t to, int style)
{
    if (to > from)
        add(L, AZ_TEXT, from, to - from)->style = (uint8_t)(style | L->style);
}

void az_line(az_line_t *L, const char *t, size_t s, size_t e)
{
    L->n = 0;
    L->lit.n = 0;
    L->ncut = 1;
    L->cut[0] = (az_cut_t){0, AZ_PARA, 0};
    L->nblk = 0;
    L->indent = L->indent2 = -1;
    int style = 0;   /* inline styles open */
    int base = 0;    /* what was shown last may carry a reading: a kanji
                        or a gaiji, or the base after ｜ */
    size_t run = s;  /* the text not yet an item */
    for (size_t i = s; i < e;) {
        uint32_t c;
        int k = text_decode(t + i, e - i, &c);
        size_t j, close;
        if (c == 0xFF5C && bar_ruby(t, i + (size_t)k, e)) { /* ｜ */
            text_item(L, run, i, style);
            run = i += (size_t)k;
            base = 2;
            continue;
        }
        if (c == 0x300A && base && (close = ruby_end(t, i + (size_t)k, e))) { /* 《 */
            text_item(L, run, i, style);
            reading(L, t, i + (size_t)k, close);
            run = i = close + 3;
            base = 0;
            continue;
        }
        j = c == AZ_GAIJI ? i + (size_t)k : i; /* ※［＃…］: a gaiji */
        if (at(t + j, e - j, OPEN, LIT_LEN(OPEN)) && (close = ann_end(t, j, e))) {
            text_item(L, run, i, style);
            if (j > i) {
                gaiji(L, t, i, j, close, style | L->style);
                base = base == 2 ? 2 : 1;
            } else {
                annotate(L, t, j, close, &style);
            }
            run = i = close;
            continue;
        }
        if (base != 2)
            base = ruby_base(c);
        i += (size_t)k;
    }
    text_item(L, run, e, style);
}

void az_text(const az_line_t *L, const char *t, size_t a, size_t b, buf_t *out)
{
    for (size_t i = a; i < b && i < L->n; i++) {
        const az_item_t *it = &L->v[i];
        if (it->kind == AZ_TEXT)
            buf_add(out, t + it->off, it->len);
        else if (it->kind == AZ_LIT)
            buf_add(out, L->lit.p + it->lit, it->llen);
    }
}

size_t az_cut(const char *t, size_t m, size_t e)
{
    for (;;) {
        size_t c = para_cut(t, m, e), lo = c > ANN_MAX ? c - ANN_MAX : 0, past = c, z;
        if (c >= e)
            return e;
        if (AT(t + c, e - c, "《") && (z = ruby_end(t, c + 3, e))) /* its base before c */
            past = z + 3;
        /* the nearest opener or closer before c: an opener is still open */
        for (size_t i = c; past == c && i > lo;) {
            i = utf8_back(t, lo, i - 1);
            size_t o = i; /* a reading's 《 */
            if (AT(t + i, e - i, "》") || AT(t + i, e - i, CLOSE))
                break;
            if (AT(t + i, e - i, "｜") && bar_ruby(t, i + 3, e)) /* (its 《 is near) */
                o = (size_t)((const char *)memmem(t + i, e - i, "《", 3) - t);
            if (AT(t + o, e - o, "《")) {
                past = (z = ruby_end(t, o + 3, e)) ? z + 3 : c;
                break;
            }
            if (AT(t + i, e - i, OPEN)) {
                past = (z = ann_end(t, i, e)) ? z : c;
                break;
            }
        }
        if (past <= c)
            return c;
        m = past;
    }
}
