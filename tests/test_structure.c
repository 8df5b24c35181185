/* structure: headings and their levels, the title, speakers and their
 * turns, continuations, Markdown blocks, CJK-aware soft breaks in --dump,
 * a plain-text novel, and linear time. Expected values are written out
 * from the contract in src/structure.h and the module brief, not taken
 * from src/structure.c. Every text is copied to a buffer of exactly its
 * length (no NUL) so the sanitizer build catches any read past len. */
#include "dump.h"
#include "hash.h"
#include "para.h"
#include "heuristics.h"
#include "structure.h"
#include "t.h"
#include "t_build.h"
#include "text.h"

#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PIECE_MAX (PARA_PIECE + 4096)

/* ---- helpers ------------------------------------------------------------ */

/* Byte offset of the first occurrence of needle in the source (which has
 * no NUL, so search the original fixture). */
static size_t off_of(const char *fixture, const char *needle)
{
    const char *p = strstr(fixture, needle);
    if (!p) {
        fprintf(stderr, "fixture lacks [%s]\n", needle);
        exit(2);
    }
    return (size_t)(p - fixture);
}

/* The text of a block: its spans put together (soft break = " "), or its
 * source range with leading blanks (SP, TAB, U+3000) left out. */
static const char *blk_text(const structure_t *st, const block_t *b)
{
    static char out[4096];
    size_t n = 0;
    if (b->nspan) {
        for (uint32_t i = b->span0; i < b->span0 + b->nspan; i++) {
            const span_t *sp = &st->spans[i];
            const char *p = sp->kind == SK_TEXT      ? st->text + sp->off
                            : sp->kind == SK_LITERAL ? st->lit + sp->off
                                                     : " ";
            size_t k = sp->kind == SK_TEXT || sp->kind == SK_LITERAL ? sp->len
                                                                     : 1;
            if (n + k >= sizeof out)
                break;
            memcpy(out + n, p, k);
            n += k;
        }
    } else {
        size_t s = b->start, e = b->end;
        while (s < e) {
            if (st->text[s] == ' ' || st->text[s] == '\t')
                s++;
            else if (e - s >= 3 && !memcmp(st->text + s, "\xE3\x80\x80", 3))
                s += 3;
            else
                break;
        }
        n = e - s < sizeof out - 1 ? e - s : sizeof out - 1;
        memcpy(out, st->text + s, n);
    }
    out[n] = '\0';
    return out;
}

/* A heading's text: Markdown from its block's spans, else tstart..tend. */
static const char *h_text(const structure_t *st, size_t i)
{
    static char out[1024];
    const heading_t *h = &st->headings[i];
    if (h->block >= 0 && (size_t)h->block < st->nblocks &&
        st->blocks[h->block].nspan) {
        snprintf(out, sizeof out, "%s", blk_text(st, &st->blocks[h->block]));
        return out;
    }
    size_t n = h->tend >= h->tstart ? h->tend - h->tstart : 0;
    if (n >= sizeof out)
        n = sizeof out - 1;
    memcpy(out, st->text + h->tstart, n);
    out[n] = '\0';
    return out;
}

static const char *sp_name(const structure_t *st, size_t k)
{
    static char out[256];
    size_t n = st->speakers[k].name_len < sizeof out - 1
                   ? st->speakers[k].name_len : sizeof out - 1;
    memcpy(out, st->text + st->speakers[k].name_off, n);
    out[n] = '\0';
    return out;
}

/* All blocks, through the cursor. */
#define MAXB 64
static size_t all_blocks(const structure_t *st, block_t *v)
{
    st_cursor_t c;
    block_t b;
    size_t n = 0;
    int ok = st_first(st, &c, &b);
    while (ok && n < MAXB) {
        v[n++] = b;
        ok = st_next(st, &c, &b);
    }
    return n;
}

/* Index of the first non-blank block whose text is s, or -1. */
static long find_blk(const structure_t *st, const block_t *v, size_t n,
                     const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].kind != BK_BLANK && !strcmp(blk_text(st, &v[i]), s))
            return (long)i;
    return -1;
}

static long speaker_named(const structure_t *st, const char *name)
{
    for (size_t k = 0; k < st->nspeakers; k++)
        if (!strcmp(sp_name(st, k), name))
            return (long)k;
    return -1;
}


/* ---- 1. heading families in plain text ---------------------------------- */

struct fam {
    const char *h1, *h2;
    int family;
};

static const struct fam FAMS[] = {
    {"01 开端", "02 发展", HF_NUM2},
    {"1. 开端", "2. 发展", HF_NUMDOT},
    {"一、开端", "二、发展", HF_CJKNUM},
    {"（一）开端", "（二）发展", HF_PAREN},
    {"第十一回 开端", "第十二回 发展", HF_HUI},
    {"第3章", "第4章", HF_ZHANG},
    {"第一部分", "第二部分", HF_BUFEN},
    {"【开端】", "【发展】", HF_BRACKET},
    {"Chapter 7", "Chapter 8", HF_CHAPTER},
};

static void check_family_doc(const char *doc, const struct fam *f, size_t l1,
                             size_t l2)
{
    structure_t st;
    char *p = build(&st, doc, FMT_TEXT, "x.txt");
    CHECK_MSG(!st.markdown, "[%s] read as Markdown", f->h1);
    CHECK_MSG(st.nheadings == 2, "[%s]: %zu headings", f->h1, st.nheadings);
    const char *want[2] = {f->h1, f->h2};
    size_t line[2] = {l1, l2};
    for (size_t i = 0; i < 2 && i < st.nheadings; i++) {
        const heading_t *h = &st.headings[i];
        size_t at = off_of(doc, want[i]);
        CHECK_MSG(h->level == 1, "[%s] level %d", want[i], h->level);
        CHECK_MSG(h->line == line[i], "[%s] line %zu, want %zu", want[i],
                  h->line, line[i]);
        CHECK_MSG(h->family == f->family, "[%s] family %d, want %d", want[i],
                  h->family, f->family);
        CHECK_MSG(h->start == at && h->end == at + strlen(want[i]),
                  "[%s] start..end %zu..%zu, want %zu..%zu", want[i], h->start,
                  h->end, at, at + strlen(want[i]));
        CHECK_MSG(h->tstart == at && h->tend == at + strlen(want[i]),
                  "[%s] tstart..tend %zu..%zu, want %zu..%zu", want[i],
                  h->tstart, h->tend, at, at + strlen(want[i]));
    }
    /* the blocks agree: the heading lines are BK_HEADING, level 1 */
    block_t v[MAXB];
    size_t n = all_blocks(&st, v);
    for (size_t i = 0; i < 2; i++) {
        long k = find_blk(&st, v, n, want[i]);
        CHECK_MSG(k >= 0 && v[k].kind == BK_HEADING && v[k].level == 1 &&
                      v[k].heading == (int32_t)i,
                  "[%s] block kind %d level %d heading %d", want[i],
                  k >= 0 ? v[k].kind : -1, k >= 0 ? v[k].level : -1,
                  k >= 0 ? v[k].heading : -1);
    }
    long k = find_blk(&st, v, n, "这是第二段正文。");
    CHECK_MSG(k >= 0 && v[k].kind == BK_PARA, "[%s] body block", f->h1);
    CHECK_MSG(st.nspeakers == 0, "[%s] %zu speakers", f->h1, st.nspeakers);
    unbuild(&st, p);
}

static void test_families(void)
{
    char doc[512];
    for (size_t i = 0; i < sizeof FAMS / sizeof *FAMS; i++) {
        const struct fam *f = &FAMS[i];
        /* one line each, LF */
        snprintf(doc, sizeof doc,
                 "这是第一段正文。\n%s\n这是第二段正文。\n%s\n这是第三段正文。\n",
                 f->h1, f->h2);
        check_family_doc(doc, f, 2, 4);
        /* blank lines around (a blank run is one paragraph but counts
         * its lines) */
        snprintf(doc, sizeof doc,
                 "这是第一段正文。\n\n%s\n\n这是第二段正文。\n\n\n%s\n\n"
                 "这是第三段正文。\n",
                 f->h1, f->h2);
        check_family_doc(doc, f, 3, 8);
    }
}

/* ---- 2. levels ---------------------------------------------------------- */

struct hwant {
    const char *text;
    int level;
};

static void check_headings(const char *what, const structure_t *st,
                           const struct hwant *w, size_t n)
{
    CHECK_MSG(st->nheadings == n, "%s: %zu headings, want %zu", what,
              st->nheadings, n);
    for (size_t i = 0; i < n && i < st->nheadings; i++) {
        const char *t = h_text(st, i);
        CHECK_MSG(!strcmp(t, w[i].text), "%s: heading %zu [%s], want [%s]",
                  what, i, t, w[i].text);
        CHECK_MSG(st->headings[i].level == w[i].level,
                  "%s: heading %zu [%s] level %d, want %d", what, i, t,
                  st->headings[i].level, w[i].level);
    }
}

static void test_levels(void)
{
    structure_t st;
    char *p;

    static const char nested[] = "引言一句。\n"
                                 "一、总论\n"
                                 "（一）缘起\n"
                                 "正文一句。\n"
                                 "（二）经过\n"
                                 "正文二句。\n"
                                 "二、分论\n"
                                 "（一）甲方\n"
                                 "正文三句。\n";
    static const struct hwant wn[] = {{"一、总论", 1},
                                      {"（一）缘起", 2},
                                      {"（二）经过", 2},
                                      {"二、分论", 1},
                                      {"（一）甲方", 2}};
    p = build(&st, nested, FMT_TEXT, "x.txt");
    check_headings("一、 with （一）", &st, wn, 5);
    unbuild(&st, p);

    static const char once[] = "前言一句。\n\n"
                               "【概要】\n\n"
                               "概要正文一句。\n\n"
                               "一、起始\n\n"
                               "正文一句。\n\n"
                               "二、承接\n\n"
                               "正文二句。\n";
    static const struct hwant wo[] = {
        {"【概要】", 1}, {"一、起始", 1}, {"二、承接", 1}};
    p = build(&st, once, FMT_TEXT, "x.txt");
    check_headings("single 【概要】 then 一、二、", &st, wo, 3);
    unbuild(&st, p);

    static const char md[] = "## 甲节\n\n正文一。\n\n### 乙节\n\n正文二。\n\n"
                             "## 丙节\n\n正文三。\n";
    static const struct hwant wm[] = {{"甲节", 1}, {"乙节", 2}, {"丙节", 1}};
    p = build(&st, md, FMT_AUTO, "x.md");
    CHECK(st.markdown == 1);
    check_headings("Markdown ## ### ##", &st, wm, 3);
    {
        block_t v[MAXB];
        size_t n = all_blocks(&st, v);
        long k = find_blk(&st, v, n, "乙节");
        CHECK_MSG(k >= 0 && v[k].kind == BK_HEADING && v[k].level == 2,
                  "### block kind %d level %d", k >= 0 ? v[k].kind : -1,
                  k >= 0 ? v[k].level : -1);
    }
    unbuild(&st, p);

    static const char minor3[] = "引言一句。\n\n"
                                 "一、第一节\n\n"
                                 "正文一句。\n\n"
                                 "开源至上\n\n"
                                 "正文二句。\n\n"
                                 "二、第二节\n\n"
                                 "正文三句。\n\n"
                                 "价格之战\n\n"
                                 "正文四句。\n\n"
                                 "三、第三节\n\n"
                                 "正文五句。\n\n"
                                 "未来何在\n\n"
                                 "正文六句。\n";
    static const struct hwant w3[] = {{"一、第一节", 1}, {"开源至上", 2},
                                      {"二、第二节", 1}, {"价格之战", 2},
                                      {"三、第三节", 1}, {"未来何在", 2}};
    p = build(&st, minor3, FMT_TEXT, "x.txt");
    check_headings("three minor headings", &st, w3, 6);
    for (size_t i = 0; i < st.nheadings; i++)
        if (st.headings[i].level == 2)
            CHECK_MSG(st.headings[i].family == HF_MINOR,
                      "minor [%s] family %d", h_text(&st, i),
                      st.headings[i].family);
    unbuild(&st, p);

    static const char minor2[] = "引言一句。\n\n"
                                 "一、第一节\n\n"
                                 "正文一句。\n\n"
                                 "开源至上\n\n"
                                 "正文二句。\n\n"
                                 "二、第二节\n\n"
                                 "正文三句。\n\n"
                                 "价格之战\n\n"
                                 "正文四句。\n";
    static const struct hwant w2[] = {{"一、第一节", 1}, {"二、第二节", 1}};
    p = build(&st, minor2, FMT_TEXT, "x.txt");
    check_headings("two minor lines", &st, w2, 2);
    {
        block_t v[MAXB];
        size_t n = all_blocks(&st, v);
        long a = find_blk(&st, v, n, "开源至上");
        long b = find_blk(&st, v, n, "价格之战");
        CHECK_MSG(a >= 0 && v[a].kind == BK_PARA, "开源至上 block kind %d",
                  a >= 0 ? v[a].kind : -1);
        CHECK_MSG(b >= 0 && v[b].kind == BK_PARA, "价格之战 block kind %d",
                  b >= 0 ? v[b].kind : -1);
    }
    unbuild(&st, p);
}

/* ---- 3. title ----------------------------------------------------------- */

static void test_title(void)
{
    structure_t st;
    char *p;
    block_t v[MAXB];
    size_t n;

    static const char fm[] = "---\n"
                             "title: 我的文章\n"
                             "date: 2024-01-02\n"
                             "author: 某人\n"
                             "tags: [甲, 乙]\n"
                             "---\n"
                             "\n"
                             "正文一句。\n"
                             "\n"
                             "## 小节\n"
                             "\n"
                             "正文二句。\n";
    const char *paths[2] = {"x.md", "x.txt"}; /* front matter: Markdown */
    for (int k = 0; k < 2; k++) {
        p = build(&st, fm, FMT_AUTO, paths[k]);
        CHECK_MSG(st.markdown == 1, "%s with front matter: markdown %d",
                  paths[k], st.markdown);
        CHECK_MSG(st.has_fm == 1, "%s: has_fm %d", paths[k], st.has_fm);
        CHECK_STR(st.fm.title, "我的文章");
        CHECK_STR(st.fm.date, "2024-01-02");
        CHECK(st.fm.nauthors == 1);
        if (st.fm.nauthors == 1)
            CHECK_STR(st.fm.authors[0], "某人");
        CHECK(st.fm.ntags == 2);
        if (st.fm.ntags == 2) {
            CHECK_STR(st.fm.tags[0], "甲");
            CHECK_STR(st.fm.tags[1], "乙");
        }
        CHECK(st.fm_bad_end == 0);
        CHECK_MSG(st.nheadings == 1, "%s: %zu headings", paths[k],
                  st.nheadings);
        for (size_t i = 0; i < st.nheadings; i++)
            CHECK_MSG(st.headings[i].level != 0,
                      "front matter title, yet heading %zu [%s] level 0", i,
                      h_text(&st, i));
        if (st.nheadings == 1) {
            CHECK_STR(h_text(&st, 0), "小节");
            CHECK(st.headings[0].level == 1);
        }
        n = all_blocks(&st, v);
        CHECK_MSG(n >= 1 && v[0].kind == BK_META, "first block kind %d",
                  n ? v[0].kind : -1);
        for (size_t i = 0; i < n; i++)
            CHECK_MSG(v[i].kind != BK_TITLE, "block %zu is BK_TITLE", i);
        unbuild(&st, p);
    }

    static const char h1[] = "# 标题\n\n正文一句。\n\n## 小节\n\n正文二句。\n";
    p = build(&st, h1, FMT_AUTO, "x.md");
    CHECK(st.has_fm == 0);
    CHECK_MSG(st.nheadings == 2, "# title: %zu headings", st.nheadings);
    if (st.nheadings >= 1) {
        CHECK_MSG(st.headings[0].level == 0, "# title level %d",
                  st.headings[0].level);
        CHECK_STR(h_text(&st, 0), "标题");
        CHECK(st.headings[0].line == 1);
    }
    if (st.nheadings >= 2) {
        CHECK_STR(h_text(&st, 1), "小节");
        CHECK(st.headings[1].level > 0);
    }
    n = all_blocks(&st, v);
    CHECK_MSG(n >= 1 && v[0].kind == BK_TITLE && v[0].heading == 0,
              "# title block kind %d heading %d", n ? v[0].kind : -1,
              n ? v[0].heading : -1);
    unbuild(&st, p);

    static const char plain[] = "短标题\n\n正文一句。\n正文二句。\n";
    p = build(&st, plain, FMT_TEXT, "x.txt");
    CHECK_MSG(st.nheadings == 1, "plain title: %zu headings", st.nheadings);
    if (st.nheadings >= 1) {
        CHECK(st.headings[0].level == 0);
        CHECK(st.headings[0].line == 1);
        CHECK(st.headings[0].tstart == 0);
        CHECK(st.headings[0].tend == strlen("短标题"));
        CHECK_STR(h_text(&st, 0), "短标题");
    }
    CHECK(st.has_title == 1);
    CHECK(st.title_start == 0 && st.title_end == strlen("短标题"));
    n = all_blocks(&st, v);
    CHECK_MSG(n >= 1 && v[0].kind == BK_TITLE, "plain title block kind %d",
              n ? v[0].kind : -1);
    unbuild(&st, p);

    static const char notitle1[] = "短标题\n正文一句。\n\n正文二句。\n";
    p = build(&st, notitle1, FMT_TEXT, "x.txt");
    CHECK_MSG(st.nheadings == 0 && !st.has_title,
              "first line without a blank after: %zu headings, has_title %d",
              st.nheadings, st.has_title);
    n = all_blocks(&st, v);
    CHECK(n >= 1 && v[0].kind == BK_PARA);
    unbuild(&st, p);

    static const char notitle2[] = "这是一句话。\n\n正文一句。\n\n正文二句。\n";
    p = build(&st, notitle2, FMT_TEXT, "x.txt");
    CHECK_MSG(st.nheadings == 0 && !st.has_title,
              "first line ending with 。: %zu headings, has_title %d",
              st.nheadings, st.has_title);
    unbuild(&st, p);
}

/* ---- 4. speakers -------------------------------------------------------- */

static void test_speakers(void)
{
    structure_t st;
    char *p;
    block_t v[MAXB];
    size_t n;

    static const char iv[] = "记者：你好。\n"
                             "\n"
                             "张三：你好。\n"
                             "\n"
                             "记者：最近怎样？\n"
                             "\n"
                             "张三：还行。\n";
    p = build(&st, iv, FMT_TEXT, "x.txt");
    CHECK_MSG(st.nspeakers == 2, "interview: %zu speakers", st.nspeakers);
    if (st.nspeakers == 2) {
        CHECK_STR(sp_name(&st, 0), "记者");
        CHECK_STR(sp_name(&st, 1), "张三");
        CHECK(st.speakers[0].turns == 2);
        CHECK(st.speakers[1].turns == 2);
        CHECK(st.speakers[0].first_line == 1);
        CHECK(st.speakers[1].first_line == 3);
        if (st.speakers[0].turns == 2) {
            CHECK(st.speakers[0].turn_offsets[0] == 0);
            CHECK(st.speakers[0].turn_offsets[1] ==
                  off_of(iv, "记者：最近"));
        }
        if (st.speakers[1].turns == 2) {
            CHECK(st.speakers[1].turn_offsets[0] == off_of(iv, "张三：你好"));
            CHECK(st.speakers[1].turn_offsets[1] == off_of(iv, "张三：还行"));
        }
        /* 你好。最近怎样？ = 3 + 5; 你好。还行。 = 3 + 3 */
        CHECK_MSG(st.speakers[0].chars == 8, "记者 chars %zu",
                  st.speakers[0].chars);
        CHECK_MSG(st.speakers[1].chars == 6, "张三 chars %zu",
                  st.speakers[1].chars);
    }
    CHECK(st.nheadings == 0);
    n = all_blocks(&st, v);
    {
        long a = find_blk(&st, v, n, "张三：还行。");
        CHECK_MSG(a >= 0 && (v[a].flags & BF_TURN) && v[a].speaker == 1 &&
                      v[a].prefix == strlen("张三："),
                  "张三 turn block flags %d speaker %d prefix %u",
                  a >= 0 ? v[a].flags : -1, a >= 0 ? v[a].speaker : -9,
                  a >= 0 ? v[a].prefix : 0);
        long b = find_blk(&st, v, n, "记者：你好。");
        CHECK_MSG(b >= 0 && (v[b].flags & BF_TURN) && v[b].speaker == 0,
                  "记者 turn block flags %d speaker %d",
                  b >= 0 ? v[b].flags : -1, b >= 0 ? v[b].speaker : -9);
    }
    unbuild(&st, p);

    /* ASCII and fullwidth colon: one speaker */
    static const char colons[] = "开场一句。\n\n"
                                 "暗涌: 你好。\n\n"
                                 "张三：嗯。\n\n"
                                 "暗涌：再见。\n\n"
                                 "张三：好。\n";
    p = build(&st, colons, FMT_TEXT, "x.txt");
    CHECK_MSG(st.nspeakers == 2, "暗涌:/暗涌：: %zu speakers", st.nspeakers);
    {
        long k = speaker_named(&st, "暗涌");
        CHECK_MSG(k == 0 && st.speakers[k].turns == 2, "暗涌 index %ld turns %zu",
                  k, k >= 0 ? st.speakers[k].turns : 0);
        if (k == 0 && st.speakers[0].turns == 2) {
            CHECK(st.speakers[0].turn_offsets[0] == off_of(colons, "暗涌: "));
            CHECK(st.speakers[0].turn_offsets[1] == off_of(colons, "暗涌："));
            /* 你好。再见。 */
            CHECK_MSG(st.speakers[0].chars == 6, "暗涌 chars %zu",
                      st.speakers[0].chars);
        }
    }
    unbuild(&st, p);

    /* Markdown **NAME**： */
    static const char bold[] = "**张三**：第一句。\n\n"
                               "**李四**：第二句。\n\n"
                               "**张三**：第三句。\n\n"
                               "**李四**：第四句。\n";
    p = build(&st, bold, FMT_AUTO, "x.md");
    CHECK_MSG(st.nspeakers == 2, "**NAME**：: %zu speakers", st.nspeakers);
    if (st.nspeakers == 2) {
        CHECK_STR(sp_name(&st, 0), "张三");
        CHECK_STR(sp_name(&st, 1), "李四");
        CHECK(st.speakers[0].turns == 2 && st.speakers[1].turns == 2);
        CHECK(st.speakers[0].first_line == 1 && st.speakers[1].first_line == 3);
        if (st.speakers[0].turns == 2)
            CHECK(st.speakers[0].turn_offsets[1] == off_of(bold, "**张三**：第三"));
        /* 第一句。第三句。: the prefix, markup included, is not spoken */
        CHECK_MSG(st.speakers[0].chars == 8, "**张三** chars %zu, want 8",
                  st.speakers[0].chars);
    }
    n = all_blocks(&st, v);
    CHECK(n == 4);
    for (size_t i = 0; i < n; i++)
        CHECK_MSG(v[i].kind == BK_PARA && (v[i].flags & BF_TURN) &&
                      v[i].speaker == (int32_t)(i % 2) &&
                      v[i].prefix == strlen("**张三**："),
                  "bold block %zu kind %d flags %d speaker %d prefix %u", i,
                  v[i].kind, v[i].flags, v[i].speaker, v[i].prefix);
    unbuild(&st, p);

    /* Markdown > NAME： in a block quote */
    static const char quoted[] = "> 张三：第一句。\n"
                                 ">\n"
                                 "> 李四：第二句。\n"
                                 ">\n"
                                 "> 张三：第三句。\n"
                                 ">\n"
                                 "> 李四：第四句。\n";
    p = build(&st, quoted, FMT_AUTO, "x.md");
    CHECK_MSG(st.nspeakers == 2, "> NAME：: %zu speakers", st.nspeakers);
    if (st.nspeakers == 2) {
        CHECK_STR(sp_name(&st, 0), "张三");
        CHECK_STR(sp_name(&st, 1), "李四");
        CHECK(st.speakers[0].turns == 2 && st.speakers[1].turns == 2);
        CHECK(st.speakers[1].first_line == 3);
        CHECK_MSG(st.speakers[1].chars == 8, "> 李四 chars %zu",
                  st.speakers[1].chars);
    }
    n = all_blocks(&st, v);
    CHECK(n == 4);
    for (size_t i = 0; i < n; i++)
        CHECK_MSG(v[i].kind == BK_PARA && v[i].quote == 1 &&
                      (v[i].flags & BF_TURN) &&
                      v[i].speaker == (int32_t)(i % 2),
                  "quoted block %zu kind %d quote %d flags %d speaker %d", i,
                  v[i].kind, v[i].quote, v[i].flags, v[i].speaker);
    unbuild(&st, p);

    /* 【NAME】 */
    static const char brk[] = "【主持人】欢迎各位。\n\n"
                              "【嘉宾】谢谢。\n\n"
                              "【主持人】请谈谈。\n\n"
                              "【嘉宾】好的。\n";
    p = build(&st, brk, FMT_TEXT, "x.txt");
    CHECK_MSG(st.nspeakers == 2, "【NAME】: %zu speakers", st.nspeakers);
    if (st.nspeakers == 2) {
        CHECK_STR(sp_name(&st, 0), "主持人");
        CHECK_STR(sp_name(&st, 1), "嘉宾");
        CHECK(st.speakers[0].turns == 2 && st.speakers[1].turns == 2);
        CHECK_MSG(st.speakers[1].chars == 6, "嘉宾 chars %zu",
                  st.speakers[1].chars);
    }
    CHECK_MSG(st.nheadings == 0, "【NAME】text: %zu headings", st.nheadings);
    unbuild(&st, p);

    /* 问/答 once each: labels count from their first use */
    static const char qa[] = "前言一句。\n\n"
                             "问：你为何写作？\n\n"
                             "答：因为喜欢。\n\n"
                             "后记一句。\n";
    p = build(&st, qa, FMT_TEXT, "x.txt");
    CHECK_MSG(st.nspeakers == 2, "问/答 once: %zu speakers", st.nspeakers);
    if (st.nspeakers == 2) {
        CHECK_STR(sp_name(&st, 0), "问");
        CHECK_STR(sp_name(&st, 1), "答");
        CHECK(st.speakers[0].turns == 1 && st.speakers[1].turns == 1);
        if (st.speakers[0].turns >= 1)
            CHECK(st.speakers[0].turn_offsets[0] == off_of(qa, "问："));
        CHECK(st.speakers[1].first_line == 5);
    }
    unbuild(&st, p);

    /* Q/A and 记者/主持人 once each, too */
    static const char qa2[] = "前言一句。\n\nQ: 为什么？\n\nA: 因为。\n\n"
                              "记者：还有吗？\n\n主持人：没有了。\n";
    p = build(&st, qa2, FMT_TEXT, "x.txt");
    CHECK_MSG(st.nspeakers == 4, "Q/A/记者/主持人 once: %zu speakers",
              st.nspeakers);
    unbuild(&st, p);

    /* one-off labels are not speakers */
    static const char oneoff[] = "某某专访：谈写作与生活\n\n"
                                 "作者：某某\n\n"
                                 "原文如下：……\n\n"
                                 "按：这是编者按。\n\n"
                                 "正文一句。\n\n"
                                 "正文二句。\n";
    p = build(&st, oneoff, FMT_TEXT, "x.txt");
    CHECK_MSG(st.nspeakers == 0, "one-off labels: %zu speakers (first [%s])",
              st.nspeakers, st.nspeakers ? sp_name(&st, 0) : "");
    n = all_blocks(&st, v);
    for (size_t i = 0; i < n; i++)
        CHECK_MSG(!(v[i].flags & (BF_TURN | BF_CONT)) && v[i].speaker == -1,
                  "one-off block %zu [%s] flags %d speaker %d", i,
                  blk_text(&st, &v[i]), v[i].flags, v[i].speaker);
    /* the short first line before a blank is the title */
    CHECK_MSG(st.nheadings == 1 && st.headings[0].level == 0,
              "专访 title: %zu headings", st.nheadings);
    unbuild(&st, p);

    /* ... nor inside a real interview */
    static const char mixed[] = "某某专访：谈写作与生活\n\n"
                                "作者：某某\n\n"
                                "按：这是编者按。\n\n"
                                "记者：第一问。\n\n"
                                "张三：第一答。\n\n"
                                "原文如下：……\n\n"
                                "记者：第二问。\n\n"
                                "张三：第二答。\n";
    p = build(&st, mixed, FMT_TEXT, "x.txt");
    CHECK_MSG(st.nspeakers == 2, "interview with one-offs: %zu speakers",
              st.nspeakers);
    if (st.nspeakers == 2) {
        CHECK_STR(sp_name(&st, 0), "记者");
        CHECK_STR(sp_name(&st, 1), "张三");
        CHECK(st.speakers[0].first_line == 7);
    }
    unbuild(&st, p);

    /* narration: a name twice, but a quotation follows the colon */
    static const char narr[] = "开场一句。\n\n"
                               "他笑道：“这是第一次。”\n\n"
                               "张三：我同意。\n\n"
                               "他笑道：“这是第二次。”\n\n"
                               "张三：再说一句。\n";
    p = build(&st, narr, FMT_TEXT, "x.txt");
    CHECK_MSG(st.nspeakers == 1, "narration: %zu speakers", st.nspeakers);
    CHECK_MSG(speaker_named(&st, "他笑道") < 0, "他笑道 is a speaker");
    {
        long k = speaker_named(&st, "张三");
        CHECK_MSG(k >= 0 && st.speakers[k].turns == 2, "张三 index %ld", k);
    }
    n = all_blocks(&st, v);
    {
        long a = find_blk(&st, v, n, "他笑道：“这是第一次。”");
        CHECK_MSG(a >= 0 && !(v[a].flags & BF_TURN), "narration is a turn");
    }
    unbuild(&st, p);
}

/* ---- 5. continuations --------------------------------------------------- */

static void test_continuations(void)
{
    structure_t st;
    char *p;
    block_t v[MAXB];
    size_t n;

    static const char iv[] = "记者：第一问。\n\n"
                             "张三：第一答。\n\n"
                             "\xE3\x80\x80\xE3\x80\x80这是 张三的续段。\n\n"
                             "还是张三。\n\n"
                             "记者：第二问。\n\n"
                             "张三：第二答。\n\n"
                             "一、新的一节\n\n"
                             "节后正文。\n";
    p = build(&st, iv, FMT_TEXT, "x.txt");
    CHECK_MSG(st.nspeakers == 2, "continuations: %zu speakers", st.nspeakers);
    long z = speaker_named(&st, "张三");
    CHECK(z == 1);
    if (z >= 0) {
        /* 第一答。(4) 这是张三的续段。(8) 还是张三。(5) 第二答。(4) */
        CHECK_MSG(st.speakers[z].chars == 21, "张三 chars %zu, want 21",
                  st.speakers[z].chars);
        CHECK(st.speakers[z].turns == 2);
    }
    n = all_blocks(&st, v);
    {
        long a = find_blk(&st, v, n, "这是 张三的续段。");
        CHECK_MSG(a >= 0 && (v[a].flags & BF_CONT) && !(v[a].flags & BF_TURN) &&
                      v[a].speaker == z,
                  "续段 flags %d speaker %d", a >= 0 ? v[a].flags : -1,
                  a >= 0 ? v[a].speaker : -9);
        long b = find_blk(&st, v, n, "还是张三。");
        CHECK_MSG(b >= 0 && (v[b].flags & BF_CONT) && v[b].speaker == z,
                  "还是张三 flags %d speaker %d", b >= 0 ? v[b].flags : -1,
                  b >= 0 ? v[b].speaker : -9);
        long c = find_blk(&st, v, n, "记者：第二问。");
        CHECK_MSG(c >= 0 && (v[c].flags & BF_TURN) && !(v[c].flags & BF_CONT) &&
                      v[c].speaker == 0,
                  "next turn flags %d speaker %d", c >= 0 ? v[c].flags : -1,
                  c >= 0 ? v[c].speaker : -9);
        long h = find_blk(&st, v, n, "一、新的一节");
        CHECK_MSG(h >= 0 && v[h].kind == BK_HEADING && v[h].speaker == -1,
                  "heading kind %d speaker %d", h >= 0 ? v[h].kind : -1,
                  h >= 0 ? v[h].speaker : -9);
        long d = find_blk(&st, v, n, "节后正文。");
        CHECK_MSG(d >= 0 && !(v[d].flags & (BF_CONT | BF_TURN)) &&
                      v[d].speaker == -1,
                  "after heading flags %d speaker %d",
                  d >= 0 ? v[d].flags : -1, d >= 0 ? v[d].speaker : -9);
    }
    unbuild(&st, p);

    static const char md[] = "张三：第一答。\n\n"
                             "续段一。\n\n"
                             "---\n\n"
                             "后文一。\n\n"
                             "李四：问。\n\n"
                             "张三：第二答。\n\n"
                             "李四：再问。\n";
    p = build(&st, md, FMT_AUTO, "x.md");
    CHECK_MSG(st.nspeakers == 2, "md continuations: %zu speakers",
              st.nspeakers);
    if (st.nspeakers == 2) {
        CHECK_STR(sp_name(&st, 0), "张三");
        /* 第一答。(4) 续段一。(4) 第二答。(4); not 后文一。 */
        CHECK_MSG(st.speakers[0].chars == 12, "md 张三 chars %zu, want 12",
                  st.speakers[0].chars);
    }
    n = all_blocks(&st, v);
    {
        long a = find_blk(&st, v, n, "续段一。");
        CHECK_MSG(a >= 0 && (v[a].flags & BF_CONT) && v[a].speaker == 0,
                  "md 续段 flags %d speaker %d", a >= 0 ? v[a].flags : -1,
                  a >= 0 ? v[a].speaker : -9);
        int rules = 0;
        for (size_t i = 0; i < n; i++)
            rules += v[i].kind == BK_RULE;
        CHECK(rules == 1);
        long b = find_blk(&st, v, n, "后文一。");
        CHECK_MSG(b >= 0 && !(v[b].flags & (BF_CONT | BF_TURN)) &&
                      v[b].speaker == -1,
                  "after --- flags %d speaker %d", b >= 0 ? v[b].flags : -1,
                  b >= 0 ? v[b].speaker : -9);
    }
    unbuild(&st, p);
}

/* ---- 6. Markdown blocks ------------------------------------------------- */

static void test_md_blocks(void)
{
    structure_t st;
    char *p;
    block_t v[MAXB];
    size_t n;

    p = build(&st, "> 甲\n>\n> > 乙\n", FMT_AUTO, "x.md");
    n = all_blocks(&st, v);
    CHECK_MSG(n == 2, "nested quotes: %zu blocks", n);
    if (n == 2) {
        CHECK(v[0].kind == BK_PARA && v[0].quote == 1);
        CHECK_STR(blk_text(&st, &v[0]), "甲");
        CHECK(v[1].kind == BK_PARA && v[1].quote == 2);
        CHECK_STR(blk_text(&st, &v[1]), "乙");
    }
    unbuild(&st, p);

    p = build(&st, "前文。\n\n- 甲\n- 乙\n- 丙\n", FMT_AUTO, "x.md");
    n = all_blocks(&st, v);
    CHECK_MSG(n == 4, "tight list: %zu blocks", n);
    if (n == 4) {
        CHECK(v[0].kind == BK_PARA && v[0].list == 0 && !(v[0].flags & BF_ITEM));
        for (size_t i = 1; i < 4; i++) {
            CHECK_MSG(v[i].kind == BK_PARA && (v[i].flags & BF_ITEM) &&
                          v[i].list == 1,
                      "item %zu kind %d flags %d list %d", i, v[i].kind,
                      v[i].flags, v[i].list);
            CHECK_STR(v[i].mark, "•");
            if (i == 1)
                CHECK_MSG(!(v[i].flags & BF_TIGHT), "first item is tight");
            else
                CHECK_MSG(v[i].flags & BF_TIGHT, "item %zu not tight", i);
        }
        CHECK_STR(blk_text(&st, &v[2]), "乙");
    }
    unbuild(&st, p);

    p = build(&st, "3. 甲\n4. 乙\n", FMT_AUTO, "x.md");
    n = all_blocks(&st, v);
    CHECK_MSG(n == 2, "ordered list: %zu blocks", n);
    if (n == 2) {
        CHECK(v[0].flags & BF_ITEM);
        CHECK(v[1].flags & BF_ITEM);
        CHECK_STR(v[0].mark, "3.");
        CHECK_STR(v[1].mark, "4.");
        CHECK_STR(blk_text(&st, &v[1]), "乙");
    }
    unbuild(&st, p);

    static const char code[] = "前文。\n\n```\nline1\nline2\n  line3\n```\n\n后文。\n";
    p = build(&st, code, FMT_AUTO, "x.md");
    n = all_blocks(&st, v);
    CHECK_MSG(n == 5, "code: %zu blocks", n);
    {
        size_t ncode = 0;
        for (size_t i = 0; i < n; i++)
            ncode += v[i].kind == BK_CODE;
        CHECK_MSG(ncode == 3, "code: %zu BK_CODE blocks", ncode);
    }
    if (n == 5) {
        static const char *lines[] = {"line1", "line2", "  line3"};
        for (size_t i = 0; i < 3; i++) {
            const block_t *b = &v[i + 1];
            size_t at = off_of(code, lines[i]);
            CHECK_MSG(b->kind == BK_CODE && b->start == at &&
                          b->end == at + strlen(lines[i]),
                      "code line %zu kind %d %zu..%zu, want %zu..%zu", i,
                      b->kind, b->start, b->end, at, at + strlen(lines[i]));
        }
        CHECK(v[4].kind == BK_PARA);
    }
    unbuild(&st, p);

    p = build(&st, "甲。\n\n---\n\n乙。\n", FMT_AUTO, "x.md");
    n = all_blocks(&st, v);
    CHECK_MSG(n == 3 && v[1].kind == BK_RULE, "rule: %zu blocks, [1] kind %d",
              n, n > 1 ? v[1].kind : -1);
    CHECK(st.nheadings == 0);
    unbuild(&st, p);

    static const char bad[] = "---\ntitle: [unclosed\n---\n正文\n";
    p = build(&st, bad, FMT_AUTO, "x.md");
    CHECK(st.has_fm == 0);
    CHECK_MSG(st.fm_bad_end == strlen("---\ntitle: [unclosed\n---\n"),
              "fm_bad_end %zu", st.fm_bad_end);
    n = all_blocks(&st, v);
    CHECK_MSG(n == 4, "malformed front matter: %zu blocks", n);
    if (n == 4) {
        static const char *want[] = {"---", "title: [unclosed", "---"};
        for (size_t i = 0; i < 3; i++) {
            CHECK_MSG(v[i].kind == BK_VERBATIM, "line %zu kind %d", i,
                      v[i].kind);
            CHECK_STR(blk_text(&st, &v[i]), want[i]);
        }
        CHECK(v[3].kind == BK_PARA);
        CHECK_STR(blk_text(&st, &v[3]), "正文");
    }
    unbuild(&st, p);
    {
        char *out = dump_of(bad, FMT_AUTO, "x.md", 40);
        CHECK_MSG(out && strstr(out, "title: [unclosed") && strstr(out, "正文"),
                  "dump of malformed front matter: [%s]", out ? out : "");
        free(out);
    }
    /* the same with FMT_AUTO and a .txt path: the opening "---" still
     * makes it Markdown, and nothing crashes */
    p = build(&st, bad, FMT_AUTO, "x.txt");
    CHECK(st.has_fm == 0 && st.fm_bad_end > 0);
    unbuild(&st, p);
}

/* ---- 7. soft breaks in --dump ------------------------------------------- */

static void test_softbreaks(void)
{
    static const struct {
        const char *in, *want;
    } C[] = {
        {"中文\n中文\n", "中文中文\n"},
        {"hello\nworld\n", "hello world\n"},
        {"中文\nword\n", "中文 word\n"},
        {"word\n中文\n", "word 中文\n"},
        {"破折号——\n接着\n", "破折号——接着\n"},
        {"行一  \n行二\n", "行一\n行二\n"},
    };
    for (size_t i = 0; i < sizeof C / sizeof *C; i++) {
        char *out = dump_of(C[i].in, FMT_MARKDOWN, "x.md", 80);
        CHECK_STR(out, C[i].want);
        free(out);
    }
}

/* ---- 8. a plain-text novel ---------------------------------------------- */

static void test_novel(void)
{
    static const char nov[] = "《书名》作者\r\n\r\n"
                              "第一回 甲乙丙\r\n\r\n"
                              "\xE3\x80\x80\xE3\x80\x80正文一句。\r\n"
                              "\xE3\x80\x80\xE3\x80\x80正文二句。\r\n\r\n"
                              "第二回 丁戊己\r\n\r\n"
                              "\xE3\x80\x80\xE3\x80\x80正文三句。\r\n";
    structure_t st;
    char *p = build(&st, nov, FMT_AUTO, "novel.txt");
    CHECK(!st.markdown);
    static const struct hwant w[] = {
        {"《书名》作者", 0}, {"第一回 甲乙丙", 1}, {"第二回 丁戊己", 1}};
    check_headings("novel", &st, w, 3);
    if (st.nheadings == 3) {
        CHECK(st.headings[0].line == 1);
        CHECK(st.headings[1].line == 3);
        CHECK(st.headings[2].line == 8);
        CHECK(st.headings[1].family == HF_HUI && st.headings[2].family == HF_HUI);
    }
    CHECK(st.nspeakers == 0);
    unbuild(&st, p);

    char *out = dump_of(nov, FMT_AUTO, "novel.txt", 40);
    CHECK_STR(out, "《书名》作者\n"
                   "\n"
                   "第一回 甲乙丙\n"
                   "\n"
                   "\xE3\x80\x80\xE3\x80\x80正文一句。\n"
                   "\xE3\x80\x80\xE3\x80\x80正文二句。\n"
                   "\n"
                   "第二回 丁戊己\n"
                   "\n"
                   "\xE3\x80\x80\xE3\x80\x80正文三句。\n");
    free(out);

    /* no blank lines in the source: the dump still sets headings off */
    static const char tight[] = "《书名》作者\n\n"
                                "\xE3\x80\x80\xE3\x80\x80序文一句。\n"
                                "第一回 甲乙丙\n"
                                "\xE3\x80\x80\xE3\x80\x80正文一句。\n"
                                "第二回 丁戊己\n"
                                "\xE3\x80\x80\xE3\x80\x80正文三句。\n";
    out = dump_of(tight, FMT_TEXT, "novel.txt", 40);
    CHECK_STR(out, "《书名》作者\n"
                   "\n"
                   "\xE3\x80\x80\xE3\x80\x80序文一句。\n"
                   "\n"
                   "第一回 甲乙丙\n"
                   "\n"
                   "\xE3\x80\x80\xE3\x80\x80正文一句。\n"
                   "\n"
                   "第二回 丁戊己\n"
                   "\n"
                   "\xE3\x80\x80\xE3\x80\x80正文三句。\n");
    free(out);
}

/* ---- 9. a large text ---------------------------------------------------- */

static void test_linear(void)
{
    size_t cap = 21u << 20, len = 0, lines = 0, nh = 0, last_h = 0;
    char *t = malloc(cap);
    if (!t) {
        perror("malloc");
        exit(2);
    }
    while (len < (20u << 20)) {
        char line[128];
        int k;
        if (lines % 1000 == 999)
            k = snprintf(line, sizeof line, "第%zu回 标题\n", ++nh);
        else
            k = snprintf(line, sizeof line,
                         "\xE3\x80\x80\xE3\x80\x80这是第%zu行的正文。\n", lines);
        memcpy(t + len, line, (size_t)k);
        len += (size_t)k;
        lines++;
        if (lines % 1000 == 0)
            last_h = lines;
    }
    structure_t st; /* (its speed is make bench's --outline row, not a test's) */
    st_build(&st, t, len, FMT_TEXT, "big.txt");
    CHECK_MSG(st.nheadings == nh, "big: %zu headings, want %zu", st.nheadings,
              nh);
    if (st.nheadings == nh && nh) {
        CHECK(st.headings[0].line == 1000);
        CHECK(st.headings[nh - 1].line == last_h);
        CHECK(st.headings[nh - 1].level == 1);
    }
    CHECK(st.nspeakers == 0);
    st_free(&st);
    free(t);
}

/* Many speakers: 20,000 names, each starting two paragraphs, are all
 * found, each with its two turns (grouping is hashed, not a list search). */
static void test_many_speakers(void)
{
    buf_t b = {0};
    char line[64];
    for (int k = 0; k < 20000; k++) {
        snprintf(line, sizeof line, "甲%d：你好。\n甲%d：再见。\n", k, k);
        buf_adds(&b, line);
    }
    structure_t st;
    st_build(&st, b.p, b.n, FMT_TEXT, "x.txt");
    CHECK_MSG(st.nspeakers == 20000, "%zu speakers", st.nspeakers);
    int bad = 0;
    for (size_t k = 0; k < st.nspeakers; k++)
        bad += st.speakers[k].turns != 2;
    CHECK_MSG(bad == 0, "%d speakers without exactly two turns", bad);
    st_free(&st);
    buf_free(&b);
}

/* The background build gives the same blocks as the synchronous one:
 * paragraphs decided before the build is done (from themselves) agree with
 * the finished structure. Heading levels of early headings are 1 and their
 * heading index -1: those two fields are not compared. */
static void same_blocks(const char *name, const char *t, size_t n)
{
    structure_t a, b;
    st_build(&a, t, n, FMT_TEXT, "x.txt");
    st_build_async(&b, t, n, FMT_TEXT, "x.txt");
    st_cursor_t ca, cb;
    block_t ba, bb;
    int oka = st_first(&a, &ca, &ba), okb = st_first(&b, &cb, &bb);
    size_t k = 0, diff = 0;
    while (oka && okb) {
        if (ba.kind != bb.kind || ba.start != bb.start || ba.end != bb.end ||
            ba.flags != bb.flags || ba.speaker != bb.speaker ||
            ba.prefix != bb.prefix || ba.hang != bb.hang) {
            if (!diff)
                fprintf(stderr, "  %s: block %zu differs (kind %d/%d at %zu/%zu)\n",
                        name, k, ba.kind, bb.kind, ba.start, bb.start);
            diff++;
        }
        oka = st_next(&a, &ca, &ba);
        okb = st_next(&b, &cb, &bb);
        k++;
    }
    CHECK_MSG(diff == 0 && oka == okb, "%s: %zu blocks differ", name, diff);
    st_wait(&b);
    CHECK_MSG(a.nheadings == b.nheadings && a.nspeakers == b.nspeakers,
              "%s: finished structures differ", name);
    st_free(&a);
    st_free(&b);
}

static void test_async(void)
{
    static const char *const files[] = {
        "samples/interview.txt", "samples/traditional.txt",
        "samples/japanese.txt", "samples/mixed.txt"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        size_t n;
        char *t = t_slurp(files[i], &n);
        CHECK(t != NULL);
        if (t)
            same_blocks(files[i], t, n);
        free(t);
    }
    /* a title, numbered headings, then a one-off label, minor headings
     * and turns: the build is waited for in the middle */
    static const char mix[] =
        "短标题\n\n第一回 开头\n\n正文。\n\n01 小节\n\n按：说明。\n\n"
        "开源至上\n\n正文。\n\n唯才是举\n\n正文。\n\n后勤充沛\n\n正文。\n\n"
        "记者：问题？\n\n续写。\n\n张三：回答。\n\n记者：再问？\n\n"
        "张三：再答。\n\n02 小节\n\n正文。\n";
    same_blocks("mix", mix, strlen(mix));
    /* the first line is a turn-shaped title */
    static const char tl[] = "张三：一个标题\n\n张三：说话。\n\n张三：又说。\n";
    same_blocks("title", tl, strlen(tl));
    /* Markdown with front matter through the background build: parsed
     * once, nothing leaks (checked by the ASan build) */
    static const char fmd[] = "---\ntitle: 题\ntags:\n- 甲\n---\n\n正文。\n";
    structure_t fa;
    st_build_async(&fa, fmd, strlen(fmd), FMT_AUTO, "x.txt");
    st_wait(&fa);
    CHECK(fa.has_fm && fa.fm.title && !strcmp(fa.fm.title, "题") &&
          fa.fm.ntags == 1);
    st_free(&fa);
    /* no blank line after the first line: not a title */
    static const char nt[] = "短标题\n正文。\n第二章 题\n正文。\n";
    same_blocks("no title", nt, strlen(nt));
}

/* Backwards and by offset: st_prev from the last block visits the blocks
 * st_next visits, in reverse; st_at on every byte of a block finds it. */
static void walk_back(const char *name, const char *t, size_t n, int fmt)
{
    structure_t st;
    st_build(&st, t, n, fmt, fmt == FMT_MARKDOWN ? "x.md" : "x.txt");
    block_t *fw = NULL, b;
    size_t nf = 0, cap = 0;
    st_cursor_t c, last;
    int ok = st_first(&st, &c, &b);
    while (ok) {
        grow(&fw, &cap, nf + 1, sizeof *fw);
        fw[nf++] = b;
        last = c;
        ok = st_next(&st, &c, &b);
    }
    c = last;
    size_t k = nf, bad = 0;
    while (k > 1 && st_prev(&st, &c, &b)) {
        k--;
        bad += b.start != fw[k - 1].start || b.kind != fw[k - 1].kind ||
               b.flags != fw[k - 1].flags || b.speaker != fw[k - 1].speaker ||
               b.hang != fw[k - 1].hang;
    }
    CHECK_MSG(k == 1 && bad == 0, "%s: back to block %zu, %zu differ", name, k,
              bad);
    CHECK_MSG(!st_prev(&st, &c, &b), "%s: a block before the first", name);
    size_t miss = 0;
    for (size_t i = 0; i < nf; i++) {
        size_t e = i + 1 < nf ? fw[i + 1].start : n;
        for (size_t off = fw[i].start; off < e; off++)
            if (!st_at(&st, off, &c, &b) || b.start != fw[i].start)
                miss++;
    }
    CHECK_MSG(miss == 0, "%s: %zu offsets found the wrong block", name, miss);
    CHECK(!st_at(&st, n, &c, &b));
    free(fw);
    st_free(&st);
}

static void test_navigation(void)
{
    static const struct {
        const char *path;
        int fmt;
    } f[] = {{"samples/interview.txt", FMT_TEXT},
             {"samples/essay.md", FMT_MARKDOWN},
             {"samples/mixed.txt", FMT_TEXT}};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        size_t n;
        char *t = t_slurp(f[i].path, &n);
        CHECK(t != NULL);
        if (t)
            walk_back(f[i].path, t, n, f[i].fmt);
        free(t);
    }
    static const char crlf[] = "甲\r\n\r\n\r\n乙\r丙\r\n\r\n";
    walk_back("crlf", crlf, strlen(crlf), FMT_TEXT);
}

/* A Markdown paragraph longer than PARA_PIECE is kept as pieces: in order,
 * each bounded, the later ones tight, and their text together is the
 * paragraph's. */
static void test_md_pieces(void)
{
    buf_t b = {0};
    buf_adds(&b, "# 标题\n\n> - ");
    size_t para = b.n;
    while (b.n - para < 200000)
        buf_adds(&b, "这是一段很长的文字，**有强调**和 word ");
    size_t pend = b.n;
    buf_adds(&b, "\n\n结尾。\n");
    structure_t st;
    st_build(&st, b.p, b.n, FMT_MARKDOWN, "x.md");
    size_t pieces = 0, bad = 0;
    buf_t cat = {0};
    for (size_t k = 0; k < st.nblocks; k++) {
        const block_t *bk = &st.blocks[k];
        if (bk->kind != BK_PARA || bk->end <= para || bk->start >= pend)
            continue;
        pieces++;
        if (pieces > 1 && (!(bk->flags & BF_TIGHT) || (bk->flags & BF_ITEM) || bk->quote != 1))
            bad++;
        size_t n = 0;
        for (uint32_t i = 0; i < bk->nspan; i++) {
            const span_t *sp = &st.spans[bk->span0 + i];
            if (sp->kind == SK_TEXT)
                buf_add(&cat, st.text + sp->off, sp->len), n += sp->len;
        }
        if (n > PIECE_MAX)
            bad++;
    }
    CHECK_MSG(pieces >= 3, "%zu pieces", pieces);
    CHECK_MSG(bad == 0, "%zu pieces wrong", bad);
    /* the text spans, stars left out, are the paragraph */
    buf_t want = {0};
    for (size_t i = para; i < pend; i++)
        if (b.p[i] != '*')
            buf_add(&want, b.p + i, 1);
    while (want.n && want.p[want.n - 1] == ' ')
        want.n--;
    CHECK_MSG(cat.n == want.n && !memcmp(cat.p, want.p, cat.n), "text: %zu bytes, want %zu", cat.n,
              want.n);
    st_free(&st);
    buf_free(&b);
    buf_free(&cat);
    buf_free(&want);
}

/* ---- the provisional protocol, hanging indents, the title, name hashes -- */

/* A large text built on a thread that is held at the gate (so that it
 * cannot finish early): after st_show_soon(), st_at far ahead gives a
 * provisional block at once, and st_next after it too; st_take_provisional
 * says so once, only when the structure is complete. */
static void test_provisional(void)
{
    buf_t b = {0};
    for (int k = 0; k < 20000; k++)
        buf_adds(&b, "这是一段普通的正文，没有说话的人。\n\n");
    size_t far = b.n;
    buf_adds(&b, "张三：第一次说话。\n\n续写的一段。\n\n张三：第二次说话。\n");
    structure_t st;
    bg_hold();
    st_build_async(&st, b.p, b.n, FMT_TEXT, "big.txt");
    st_show_soon(&st);
    st_cursor_t c;
    block_t bk;
    CHECK(st_at(&st, far, &c, &bk));
    CHECK_MSG(!st_ready(&st), "the build finished behind a held gate");
    CHECK_MSG(bk.start == far && bk.kind == BK_PARA && bk.flags == 0 &&
                  bk.speaker == -1 && bk.hang == 0,
              "provisional turn: kind %d flags %d speaker %d hang %u",
              bk.kind, bk.flags, bk.speaker, bk.hang);
    CHECK(st_next(&st, &c, &bk) && st_next(&st, &c, &bk)); /* blank, then */
    CHECK_MSG(bk.kind == BK_PARA && bk.flags == 0 && bk.speaker == -1,
              "provisional continuation: flags %d speaker %d", bk.flags,
              bk.speaker);
    CHECK_MSG(!st_take_provisional(&st), "provisional before the build ended");
    CHECK(!st_ready(&st));
    st_wait(&st); /* (releases the gate) */
    CHECK(st_take_provisional(&st));
    CHECK(!st_take_provisional(&st)); /* once */
    CHECK(st_at(&st, far, &c, &bk));
    CHECK_MSG(bk.flags == BF_TURN && bk.speaker == 0 && bk.hang == 6,
              "after the build: flags %d speaker %d hang %u", bk.flags,
              bk.speaker, bk.hang);
    CHECK(!st_take_provisional(&st)); /* a complete structure: none */
    st_free(&st);

    /* without st_show_soon the same walk waits, and nothing is provisional */
    bg_hold();
    st_build_async(&st, b.p, b.n, FMT_TEXT, "big.txt");
    CHECK(st_at(&st, far, &c, &bk) && bk.flags == BF_TURN && bk.hang == 6);
    CHECK(st_ready(&st) && !st_take_provisional(&st));
    st_free(&st);
    buf_free(&b);
}

/* The hanging indent of the turn a block starts or continues: the cells of
 * the speaker prefix as drawn (no markup stars), from the paragraph's
 * start with its leading blanks; 0 outside turns. */
static void check_hangs(const char *what, const char *doc, int fmt,
                        const char *const *texts, const unsigned *hangs,
                        const int *flags, size_t n)
{
    structure_t st;
    char *p = build(&st, doc, fmt, fmt == FMT_MARKDOWN ? "x.md" : "x.txt");
    block_t v[MAXB];
    size_t nb = all_blocks(&st, v);
    for (size_t i = 0; i < n; i++) {
        long k = find_blk(&st, v, nb, texts[i]);
        CHECK_MSG(k >= 0, "%s: no block [%s]", what, texts[i]);
        if (k < 0)
            continue;
        CHECK_MSG(v[k].hang == hangs[i] && (v[k].flags & (BF_TURN | BF_CONT)) == flags[i],
                  "%s [%s]: hang %u flags %d, want %u %d", what, texts[i],
                  v[k].hang, v[k].flags & (BF_TURN | BF_CONT), hangs[i], flags[i]);
    }
    unbuild(&st, p);
}

static void test_hang(void)
{
    /* plain text: 张三： is 6 cells; two spaces, or two U+3000 (4 cells),
     * before it count */
    static const char plain[] =
        "访谈\n\n  张三：第一段。\n续写的一段。\n\n李四：回答。\n\n"
        "\xE3\x80\x80\xE3\x80\x80张三：又说。\n\n李四：又答。\n\n01 小节\n\n之后的正文。\n";
    static const char *const pt[] = {"张三：第一段。", "续写的一段。", "李四：回答。",
                                     "张三：又说。", "李四：又答。", "之后的正文。",
                                     "访谈"};
    static const unsigned ph[] = {8, 8, 6, 10, 6, 0, 0};
    static const int pf[] = {BF_TURN, BF_CONT, BF_TURN, BF_TURN, BF_TURN, 0, 0};
    check_hangs("plain", plain, FMT_TEXT, pt, ph, pf, sizeof ph / sizeof *ph);
    /* Markdown: stars are not drawn; the blank after the colon is part of
     * the prefix; a turn continues through a block quote's paragraph */
    static const char md[] =
        "# 访谈\n\n**记者：** 你好，请问。\n\n继续说。\n\n"
        "**张三**：回答。\n\n> 引用的话。\n\n**记者：** 再问。\n\n张三：再答。\n\n"
        "## 小节\n\n之后的正文。\n";
    static const char *const mt[] = {"记者： 你好，请问。", "继续说。", "张三：回答。",
                                     "引用的话。", "记者： 再问。", "张三：再答。",
                                     "之后的正文。"};
    static const unsigned mh[] = {7, 7, 6, 6, 7, 6, 0};
    static const int mf[] = {BF_TURN, BF_CONT, BF_TURN, BF_CONT, BF_TURN, BF_TURN, 0};
    check_hangs("markdown", md, FMT_MARKDOWN, mt, mh, mf, sizeof mh / sizeof *mh);
}

static void check_title(const char *what, const char *doc, int fmt, int has,
                        const char *want)
{
    structure_t st;
    char *p = build(&st, doc, fmt, fmt == FMT_MARKDOWN ? "x.md" : "x.txt");
    buf_t t = {0};
    buf_adds(&t, "stale");
    int r = st_title(&st, &t);
    CHECK_MSG(r == has && t.p && strlen(t.p) == t.n && !strcmp(t.p, want),
              "%s: title [%s] (%d), want [%s] (%d)", what, t.p ? t.p : "(null)",
              r, want, has);
    buf_free(&t);
    unbuild(&st, p);
}

static void test_st_title(void)
{
    check_title("front matter", "---\ntitle: 前言的题目\n---\n\n# 一个标题\n\n正文。\n",
                FMT_MARKDOWN, 1, "前言的题目");
    check_title("H1", "# 标题 *强调* `码`\n\n正文。\n", FMT_MARKDOWN, 1,
                "标题 强调 码");
    check_title("plain title line", "短标题\n\n正文。\n", FMT_TEXT, 1, "短标题");
    check_title("none", "正文的第一句。\n正文的第二句。\n", FMT_TEXT, 0, "");
    check_title("none (Markdown)", "正文。\n\n## 小节\n", FMT_MARKDOWN, 0, "");
    /* a background build is waited for */
    static const char doc[] = "短标题\n\n张三：一。\n\n张三：二。\n";
    structure_t st;
    bg_hold();
    st_build_async(&st, doc, strlen(doc), FMT_TEXT, "x.txt");
    buf_t t = {0};
    CHECK(st_title(&st, &t) == 1 && !strcmp(t.p, "短标题") && st_ready(&st));
    buf_free(&t);
    st_free(&st);
}

/* A speaker's hash is hash64 of its name without blanks: 暗涌, "暗 涌" and
 * "暗　涌" (U+3000) hash alike, other names do not. */
static void test_speaker_hash(void)
{
    static const char *const docs[] = {
        "暗涌：一。\n\n暗涌：二。\n", "暗 涌：一。\n\n暗 涌：二。\n",
        "暗\xE3\x80\x80涌：一。\n\n暗\xE3\x80\x80涌：二。\n", "明流：一。\n\n明流：二。\n"};
    uint64_t h[4] = {0};
    for (int i = 0; i < 4; i++) {
        structure_t st;
        char *p = build(&st, docs[i], FMT_TEXT, "x.txt");
        CHECK_MSG(st.nspeakers == 1, "doc %d: %zu speakers", i, st.nspeakers);
        if (st.nspeakers == 1)
            h[i] = st.speakers[0].hash;
        unbuild(&st, p);
    }
    CHECK(h[0] == hash64("暗涌", strlen("暗涌")));
    CHECK(h[1] == h[0] && h[2] == h[0]);
    CHECK(h[3] != h[0] && h[3] == hash64("明流", strlen("明流")));
}

/* Characters are counted as the reader decodes them: blanks (SP, TAB,
 * U+3000) left out, an invalid byte one character (shown as U+FFFD), in
 * both front ends. */
static void test_char_counts(void)
{
    static const char iv[] = "记者：你好　世界 a\tb。\n"
                             "\n"
                             "张三：\xE4\xB8 \x80\x80中\n"
                             "\n"
                             "记者：好。\n"
                             "\n"
                             "张三：嗯。\n";
    static const char *const path[] = {"x.txt", "x.md"};
    for (int f = 0; f < 2; f++) {
        structure_t st;
        char *p = build(&st, iv, FMT_AUTO, path[f]);
        CHECK_MSG(st.nspeakers == 2, "%s: %zu speakers", path[f], st.nspeakers);
        if (st.nspeakers == 2) {
            /* 你好世界ab。 好。: 7 + 2; E4 B8 80 80 中 嗯。: 5 + 2 */
            CHECK_MSG(st.speakers[0].chars == 9, "%s: 记者 chars %zu, want 9", path[f],
                      st.speakers[0].chars);
            CHECK_MSG(st.speakers[1].chars == 7, "%s: 张三 chars %zu, want 7", path[f],
                      st.speakers[1].chars);
        }
        /* and the four prefixes of three characters */
        CHECK_MSG(st.total_chars == 9 + 7 + 4 * 3, "%s: total %zu, want 28", path[f],
                  st.total_chars);
        unbuild(&st, p);
    }
}

/* What HTML and Aozora show that their text need not hold: a gaiji's ※
 * and an entity's '&' (in other codecs: test_search's may_match_file);
 * the characters of an image's "[图: alt — caption]". */
static void test_made(void)
{
    static const struct {
        const char *s;
        size_t n;
        int want;
    } v[] = {
        {"a &amp; b", 9, 1},
        {"\xE2\x80\xBB\xEF\xBC\xBB\xEF\xBC\x83", 9, 1}, /* ※［＃ */
        {"\xE2\x80\xBB\xEF\xBC\xBB", 6, 0},     /* ※［: no gaiji */
        {"\xE2\x80\xBB", 3, 0},                     /* ※ alone: a mark */
        {"plain text, no maker", 20, 0},
        {"\xA1\xF9", 2, 0},                         /* (GB18030's ※, not UTF-8's) */
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        CHECK_MSG(st_may_make_any(v[i].s, v[i].n) == v[i].want, "st_may_make_any #%zu", i);
    const char *const *mk;
    size_t nm = st_makers(&mk);
    CHECK(nm == 2 && !strcmp(mk[0], "&") && !strcmp(mk[1], "※［＃"));
    /* every character an image is shown with, and nothing more */
    structure_t st;
    const char *h = "<!DOCTYPE html><body><figure><img src=a alt=x>"
                    "<figcaption>y</figcaption></figure><img src=b alt=z></body>";
    st_build(&st, h, strlen(h), FMT_AUTO, "a.html");
    int shown = 0;
    for (size_t i = 0; i < st.npieces; i++)
        for (size_t k = 0; k < st.pieces[i].n;) {
            uint32_t c;
            const char *at = st.pieces[i].p + k;
            int l = text_decode(at, st.pieces[i].n - k, &c);
            k += (size_t)l;
            if (c > ' ' && !memmem(h, strlen(h), at, (size_t)l))
                CHECK_MSG(st_shown_made(c), "U+%04X shown, not made", c);
            shown += c == 0x56FE;
        }
    CHECK_MSG(shown == 2, "images shown: %d", shown);
    st_free(&st);
    CHECK(!st_shown_made(0x5B9D) && !st_shown_made('a') && st_shown_made(0x2014));
}

int main(void)
{
    setlocale(LC_ALL, "");
    text_init_locale();
    test_md_pieces();
    test_made();
    test_families();
    test_levels();
    test_title();
    test_speakers();
    test_continuations();
    test_md_blocks();
    test_softbreaks();
    test_novel();
    test_linear();
    test_many_speakers();
    test_async();
    test_navigation();
    test_provisional();
    test_hang();
    test_st_title();
    test_speaker_hash();
    test_char_counts();
    return T_DONE("test_structure");
}
