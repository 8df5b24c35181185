/* talk: the speaker label forms of real interviews (issue 15) and where
 * turns end — heading labels, bold questions, a bold name with its colon
 * on the next line or bolded apart, keys to the labels, one-off speakers
 * and one-off labels that are not speakers, unlabelled bold questions,
 * turns ending with their block quote or list and at credits, link-only
 * and promotional lines, and only the label emphasised. Expected values
 * come from src/st_talk.h's contract and the issue, not from the code.
 * Every text is copied to a buffer of exactly its length (no NUL). */
#include "dump.h"
#include "heuristics.h"
#include "structure.h"
#include "t.h"
#include "t_build.h"
#include "text.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *sp_name(const structure_t *st, size_t k)
{
    static char out[256];
    size_t n = st->speakers[k].name_len < sizeof out - 1
                   ? st->speakers[k].name_len : sizeof out - 1;
    memcpy(out, st->text + st->speakers[k].name_off, n);
    out[n] = '\0';
    return out;
}

/* Turns of the speaker named name, or -1 when there is none. */
static long turns_of(const structure_t *st, const char *name)
{
    int k = st_speaker_find(st, name, strlen(name));
    return k < 0 ? -1 : (long)st->speakers[k].turns;
}

/* The block whose visible text starts with s, or NULL. */
static const block_t *blk(const structure_t *st, const char *s)
{
    buf_t b = {0};
    const block_t *r = NULL;
    for (size_t i = 0; i < st->nblocks && !r; i++) {
        st_block_text(st, &st->blocks[i], &b);
        if (!strncmp(b.p, s, strlen(s)))
            r = &st->blocks[i];
    }
    buf_free(&b);
    return r;
}

/* The plain-text block holding s (through the cursor). */
static int plain_blk(const structure_t *st, const char *fixture,
                     const char *s, block_t *b)
{
    const char *p = strstr(fixture, s);
    st_cursor_t c;
    return p && st_at(st, (size_t)(p - fixture), &c, b);
}

/* ---- the paragraph forms ------------------------------------------------- */

static void test_label_forms(void)
{
    static const struct {
        const char *s;
        int want, form;
        const char *name;
        size_t prefix;
    } cases[] = {
        {"**记者：为什么？**", 1, SPK_BOLDQ, "记者", 11},
        {"**记者：** 为什么？", 1, SPK_BOLD, "记者", 14},
        {"**王五**\n：我觉得", 1, SPK_BOLD, "王五", 14},
        {"**王五**\r\n：我觉得", 1, SPK_BOLD, "王五", 15},
        {"**陈默** ：你好", 1, SPK_BOLD, "陈默", 14},
        {"**林红** **：** 不同意", 1, SPK_BOLD, "林红", 19},
        {"【问】好吗", 1, SPK_BRACKET, "问", 9},
        {"张三：好", 1, SPK_PLAIN, "张三", 9},
        {"**记者：为什么", 0, 0, "", 0},        /* the bold never closes */
        {"**王五**\n\n：我觉得", 0, 0, "", 0},  /* two line breaks */
        {"**林红** **：**", 0, 0, "", 0},       /* nothing said */
        {"**林红** **：不同意", 0, 0, "", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t n = strlen(cases[i].s), off = 0, len = 0, pre = 0;
        int form = -1;
        char *p = malloc(n);
        memcpy(p, cases[i].s, n);
        int got = speaker_label(p, n, &off, &len, &pre, &form);
        CHECK_MSG(got == cases[i].want, "[%s]: %d", cases[i].s, got);
        if (got && cases[i].want) {
            CHECK_MSG(form == cases[i].form, "[%s]: form %d", cases[i].s, form);
            CHECK_MSG(len == strlen(cases[i].name) &&
                          !memcmp(p + off, cases[i].name, len),
                      "[%s]: name %zu+%zu", cases[i].s, off, len);
            CHECK_MSG(pre == cases[i].prefix, "[%s]: prefix %zu", cases[i].s,
                      pre);
            /* speaker_prefix agrees */
            size_t o2, l2, p2;
            CHECK(speaker_prefix(p, n, &o2, &l2, &p2) == 1 && p2 == pre);
        }
        free(p);
    }
}

/* ---- heading labels ------------------------------------------------------ */

static void test_heading_labels(void)
{
    static const char doc[] =
        "# 2024 座谈\n\n"
        "## 甲乙：\n开场的话。\n\n"
        "### 丙丁：\n问一句。\n\n"
        "### 甲乙：\n答一句。\n\n"
        "### 甲乙：\n再答一句。\n\n"
        "### Sam Lee:\n\nA question in English.\n\n"
        "### 丙丁：\n接着问。\n\n"
        "### Sam Lee：\n又一个问题。\n\n"
        "### 戊己：\n我只说一次。\n\n"
        "### 甲乙：\n最后一句。\n\n"
        "### 庚辛 (Gary Geng)：\n我也说一次。\n\n"
        "### 丙丁：\n结束。\n";
    structure_t st;
    char *p = build(&st, doc, FMT_AUTO, "m.md");
    CHECK_MSG(st.nspeakers == 5, "%zu speakers", st.nspeakers);
    CHECK(turns_of(&st, "甲乙") == 4); /* two in a row are two turns */
    CHECK(turns_of(&st, "丙丁") == 3);
    CHECK(turns_of(&st, "SamLee") == 2); /* : and ： fold */
    CHECK(turns_of(&st, "戊己") == 1);   /* once, in the same form */
    CHECK(st.nspeakers >= 5 && !strcmp(sp_name(&st, 4), "庚辛 (Gary Geng)"));
    CHECK_MSG(st.nheadings == 1 && st.headings[0].level == 0,
              "%zu headings: labels are no sections", st.nheadings);
    /* the label is a paragraph that starts the turn, the speech under it */
    const block_t *l = blk(&st, "丙丁：");
    CHECK(l && l->kind == BK_PARA && (l->flags & BF_TURN) && l->speaker >= 0);
    CHECK(l && l->prefix == strlen("丙丁："));
    const block_t *s = blk(&st, "问一句");
    CHECK(s && (s->flags & BF_CONT) && (s->flags & BF_TIGHT) &&
          s->speaker == l->speaker && s->hang > 0);
    /* after a blank line, too */
    s = blk(&st, "A question");
    CHECK(s && (s->flags & BF_CONT) && s->speaker == st_speaker_find(&st, "Sam Lee", 7));
    unbuild(&st, p);

    /* ROLE：NAME, a bare name once established, a parenthesised name */
    static const char roles[] =
        "# 会\n\n"
        "### 主持人：\n开始。\n\n"
        "### 水利局代表：高峰\n我们负责下游。\n\n"
        "### 主持人：\n好。\n\n"
        "### 高峰\n还有一件事。\n\n"
        "### 高峰：\n我去安排。\n\n"
        "### Ann Wu (吴安)：\n我补充。\n\n"
        "### Ann Wu：\n再补充。\n";
    p = build(&st, roles, FMT_AUTO, "r.md");
    CHECK(turns_of(&st, "高峰") == 3);
    CHECK(turns_of(&st, "主持人") == 2);
    CHECK_MSG(turns_of(&st, "Ann Wu (吴安)") == 2, "%ld",
              turns_of(&st, "Ann Wu (吴安)"));
    CHECK(st.nspeakers == 3 && st.nheadings == 1);
    unbuild(&st, p);

    /* a heading ending with a colon now and then is a heading */
    static const char notes[] =
        "# 笔记\n\n## 注意：\n\n别忘了。\n\n## 注意：\n\n还有这个。\n\n"
        "## 第三章：开始\n\n正文。\n";
    p = build(&st, notes, FMT_AUTO, "n.md");
    CHECK(st.nspeakers == 0);
    CHECK_MSG(st.nheadings == 4, "%zu headings", st.nheadings);
    unbuild(&st, p);

    /* a bare name that is nobody's label stays a heading */
    static const char bare[] =
        "# 访谈\n\n### 甲：\n一。\n\n### 乙：\n二。\n\n### 甲：\n三。\n\n"
        "### 乙：\n四。\n\n### 后记\n\n完。\n";
    p = build(&st, bare, FMT_AUTO, "b.md");
    CHECK(st.nspeakers == 2 && st.nheadings == 2);
    CHECK(turns_of(&st, "甲") == 2 && turns_of(&st, "乙") == 2);
    unbuild(&st, p);
}

/* ---- labels alone in their paragraph --------------------------------------- */

static void test_labels_alone(void)
{
    static const char doc[] =
        "# 访谈\n\n**记者：**\n\n第一个问题？\n\n**张三：**\n\n第一个回答。\n\n"
        "接着说。\n\n**记者：**\n\n第二个问题？\n\n张三：\n\n第二个回答。\n";
    structure_t st;
    char *p = build(&st, doc, FMT_AUTO, "a.md");
    CHECK(st.nspeakers == 2 && turns_of(&st, "记者") == 2 &&
          turns_of(&st, "张三") == 2);
    const block_t *l = blk(&st, "张三：");
    CHECK(l && (l->flags & BF_TURN) && l->prefix > 0);
    const block_t *b = blk(&st, "第一个回答");
    CHECK(b && (b->flags & BF_CONT) && (b->flags & BF_TIGHT) &&
          b->speaker == l->speaker);
    b = blk(&st, "接着说");
    CHECK(b && b->speaker == l->speaker);
    unbuild(&st, p);

    /* labels of lists are no speakers, as paragraphs or as headings */
    static const char lists[] =
        "# 比较\n\n## 甲方案\n\n优点：\n\n- 快\n\n缺点：\n\n- 贵\n\n"
        "## 乙方案\n\n优点：\n\n- 便宜\n\n缺点：\n\n- 慢\n\n"
        "### 优点：\n\n- 轻\n\n### 缺点：\n\n- 小\n\n### 优点：\n\n- 好\n";
    p = build(&st, lists, FMT_AUTO, "l.md");
    CHECK_MSG(st.nspeakers == 0, "%zu speakers", st.nspeakers);
    CHECK_MSG(st.nheadings == 6, "%zu headings", st.nheadings);
    unbuild(&st, p);

    /* one "附：" alone is text */
    static const char one[] = "甲：问？\n\n乙：答。\n\n附：\n\n甲：问？\n\n乙：答。\n";
    p = build(&st, one, FMT_AUTO, "o.md");
    CHECK(st.nspeakers == 2 && turns_of(&st, "附") < 0);
    unbuild(&st, p);
}

/* ---- a transcript with single line breaks ---------------------------------- */

static void test_single_lines(void)
{
    static const char doc[] =
        "# 访谈\n\n记者：第一个问题？\n周某：第一个回答。\n接着说。\n"
        "记者：第二个问题？\n**周某**：第二个回答。\n\n"
        "> 甲：引文一。\n> 乙：引文二。\n> 甲：引文三。\n\n"
        "记者：某报记者\n周某：某公司创始人\n";
    structure_t st;
    char *p = build(&st, doc, FMT_AUTO, "s.md");
    CHECK_MSG(turns_of(&st, "记者") == 2 && turns_of(&st, "周某") == 2,
              "记者 %ld 周某 %ld", turns_of(&st, "记者"), turns_of(&st, "周某"));
    CHECK(turns_of(&st, "甲") == 2 && turns_of(&st, "乙") == 1);
    const block_t *b = blk(&st, "周某：第一个回答");
    CHECK(b && (b->flags & BF_TURN) && (b->flags & BF_TIGHT) && b->prefix > 0);
    CHECK(b && strstr(doc + b->start, "接着说") < doc + b->end);
    b = blk(&st, "乙：引文二");
    CHECK(b && b->quote == 1 && (b->flags & BF_TURN));
    b = blk(&st, "记者：某报记者"); /* a key is not cut */
    CHECK(b && b->speaker < 0 && strstr(doc + b->start, "周某：某公司") < doc + b->end);
    unbuild(&st, p);

    /* lines that do not start with labels are one paragraph */
    static const char prose[] = "甲：一句话，\n还是这句话。\n\n乙：回答。\n\n甲：再说。\n";
    p = build(&st, prose, FMT_AUTO, "p.md");
    CHECK(turns_of(&st, "甲") == 2 && st.nblocks == 3);
    unbuild(&st, p);
}

/* ---- bold forms, keys, one-offs ------------------------------------------ */

static void test_bold_and_keys(void)
{
    static const char doc[] =
        "# 周某：一个标题里的冒号\n\n"
        "**导语是一整段粗体，不是问题。**\n\n"
        "记者：某周刊记者  \n周某：某公司创始人\n\n"
        "**记者：第一个问题？**\n\n"
        "周某：第一个回答。\n\n"
        "接着回答。\n\n"
        "**记者：第二个问题？**\n\n"
        " **周某**\n：第二个回答。\n\n"
        "记者：第三个问题？\n\n"
        "**周某** **：** 第三个回答。\n\n"
        "**记者：第四个问题？**\n\n"
        "**周某** ：第四个回答。\n";
    structure_t st;
    char *p = build(&st, doc, FMT_AUTO, "q.md");
    CHECK_MSG(st.nspeakers == 2, "%zu speakers", st.nspeakers);
    CHECK_MSG(turns_of(&st, "记者") == 4, "记者 %ld", turns_of(&st, "记者"));
    CHECK_MSG(turns_of(&st, "周某") == 4, "周某 %ld", turns_of(&st, "周某"));
    const block_t *k = blk(&st, "记者：某周刊记者");
    CHECK(k && k->speaker < 0 && !(k->flags & (BF_TURN | BF_CONT)));
    const block_t *q = blk(&st, "记者：第一个问题");
    CHECK(q && (q->flags & BF_TURN) && q->prefix > 0);
    /* only the label is emphasised: the question's body is not bold */
    int strong = 0;
    for (uint32_t i = q ? q->span0 : 0; q && i < q->span0 + q->nspan; i++)
        strong |= st.spans[i].style & SP_STRONG;
    CHECK_MSG(!strong, "the bold question's body is still bold");
    const block_t *c = blk(&st, "接着回答");
    CHECK(c && (c->flags & BF_CONT) && c->speaker == st_speaker_find(&st, "周某", 6));
    CHECK(st.nheadings == 1 && st.headings[0].level == 0);
    unbuild(&st, p);

    /* one-off labels that are no speakers; one that is */
    static const char once[] =
        "编者按：这是一段说明。\n\n"
        "主持人：第一个问题？\n\n甲：回答一。\n\n乙：回答二。\n\n"
        "主持人：第二个问题？\n\n甲：回答三。\n\n"
        "观众：我插一句。\n\n"
        "作者：某某\n\n"
        "乙：回答四。\n\n"
        "原文如下：三条建议。\n\n"
        "地址：某路一号\n\n"
        "我的诀窍是：多睡觉。\n\n"
        "甲：回答五。\n";
    p = build(&st, once, FMT_TEXT, "o.txt");
    CHECK_MSG(st.nspeakers == 4, "%zu speakers", st.nspeakers);
    CHECK(turns_of(&st, "观众") == 1);
    CHECK(turns_of(&st, "编者按") < 0 && turns_of(&st, "作者") < 0 &&
          turns_of(&st, "原文如下") < 0 && turns_of(&st, "地址") < 0 &&
          turns_of(&st, "我的诀窍是") < 0);
    unbuild(&st, p);

    /* plain text: the key is adjacent lines before the first turn; a
     * transcript on adjacent lines is no key */
    static const char pkey[] =
        "导语。\n\n记者：某报记者\n周某：某公司创始人\n\n"
        "记者：第一个问题？\n周某：回答。\n记者：第二个问题？\n周某：回答二。\n";
    p = build(&st, pkey, FMT_TEXT, "k.txt");
    CHECK_MSG(turns_of(&st, "记者") == 2 && turns_of(&st, "周某") == 2,
              "plain key: 记者 %ld 周某 %ld", turns_of(&st, "记者"),
              turns_of(&st, "周某"));
    block_t pb;
    st_cursor_t cur;
    CHECK(st_at(&st, (size_t)(strstr(pkey, "周某：某公司") - pkey), &cur, &pb) &&
          pb.speaker < 0);
    unbuild(&st, p);
    static const char lines[] =
        "记者：你好\n周某：你好\n记者：最近好吗？\n周某：很好。\n";
    p = build(&st, lines, FMT_TEXT, "l.txt");
    CHECK(turns_of(&st, "记者") == 2 && turns_of(&st, "周某") == 2);
    unbuild(&st, p);

    /* a label once, in another form than the speakers': not a speaker */
    static const char form[] =
        "# 访谈\n\n### 甲：\n一。\n\n### 乙：\n二。\n\n### 甲：\n三。\n\n"
        "丙：这是回答里的一句话。\n\n### 乙：\n四。\n";
    p = build(&st, form, FMT_AUTO, "f.md");
    CHECK(st.nspeakers == 2 && turns_of(&st, "丙") < 0);
    unbuild(&st, p);
}

/* ---- unlabelled bold questions ------------------------------------------- */

static void test_bold_questions(void)
{
    static const char doc[] =
        "**一段导语，不是问题。**\n\n"
        "主持人：开场，你好吗？\n\n甲：很好。\n\n"
        "**你为什么来？**\n\n甲：因为喜欢。\n\n"
        "**还会再来吗？**\n\n甲：会。\n\n"
        "主持人：谢谢你？\n\n甲：不客气。\n";
    structure_t st;
    char *p = build(&st, doc, FMT_AUTO, "u.md");
    CHECK_MSG(turns_of(&st, "主持人") == 4, "%ld", turns_of(&st, "主持人"));
    CHECK(turns_of(&st, "甲") == 4);
    const block_t *b = blk(&st, "你为什么来");
    CHECK(b && (b->flags & BF_TURN) && b->prefix == 0 &&
          b->speaker == st_speaker_find(&st, "主持人", 9));
    b = blk(&st, "一段导语");
    CHECK(b && b->speaker < 0);
    unbuild(&st, p);

    /* no interviewer: a bold question ends the answer before it */
    static const char noq[] =
        "甲：开场。\n\n乙：回答。\n\n**你为什么来？**\n\n乙：因为喜欢。\n\n"
        "**还会再来吗？**\n\n乙：会。\n\n甲：再见。\n";
    p = build(&st, noq, FMT_AUTO, "n.md");
    b = blk(&st, "你为什么来");
    CHECK_MSG(b && b->speaker < 0, "the question is not the answer's");
    CHECK(turns_of(&st, "乙") == 3);
    unbuild(&st, p);

    /* a single bold paragraph is no pattern: it continues the turn */
    static const char one[] =
        "甲：开场？\n\n乙：回答。\n\n**重点在这里。**\n\n乙：继续。\n\n甲：好？\n";
    p = build(&st, one, FMT_AUTO, "o.md");
    b = blk(&st, "重点在这里");
    CHECK(b && b->speaker == st_speaker_find(&st, "乙", 3));
    unbuild(&st, p);
}

/* ---- where turns end ------------------------------------------------------ */

static void test_turn_ends(void)
{
    static const char quote[] =
        "---\ntitle: 一篇随笔\n---\n\n开头的话。\n\n"
        "> 甲：引文里的一段话。\n> 还在引文里。\n>\n> 引文第二段。\n\n"
        "引文之后，作者自己的话。\n\n"
        "甲：正文里的第一句。\n\n乙：回答。\n\n甲：第二句。\n\n乙：再回答。\n\n"
        "- 列表里的话。\n\n  列表里的第二段。\n\n"
        "列表之后的话。\n";
    structure_t st;
    char *p = build(&st, quote, FMT_AUTO, "q.txt");
    CHECK(st.markdown); /* (front matter) */
    CHECK(turns_of(&st, "甲") == 3);
    const block_t *b = blk(&st, "引文第二段");
    CHECK(b && b->speaker >= 0 && (b->flags & BF_CONT));
    b = blk(&st, "引文之后");
    CHECK_MSG(b && b->speaker < 0 && b->hang == 0,
              "the paragraph after the quote is the author's");
    /* a list inside a turn goes on with it, and so does the turn after
     * the list (the turn's container did not end) */
    int yi = st_speaker_find(&st, "乙", 3);
    b = blk(&st, "列表里的第二段");
    CHECK(b && b->speaker == yi);
    b = blk(&st, "列表之后");
    CHECK(b && b->speaker == yi);
    unbuild(&st, p);

    static const char stops[] =
        "甲：问题？\n\n乙：回答。\n\n甲：问题二？\n\n乙：回答二。\n\n"
        "采访：甲 / 编辑：丙 / 排版：丁\n\n尾声一。\n\n"
        "甲：问题三？\n\n乙：回答三。\n\n[返回列表](https://example.com)\n\n"
        "尾声二。\n\n甲：问题四？\n\n乙：回答四。\n\n"
        "本文首发于某某公众号，点击下方阅读原文。\n\n尾声三。\n";
    p = build(&st, stops, FMT_AUTO, "s.md");
    CHECK(st.nspeakers == 2 && turns_of(&st, "乙") == 4);
    CHECK(turns_of(&st, "采访") < 0);
    const char *after[] = {"采访：", "尾声一", "[返回", "返回列表", "尾声二",
                           "本文首发", "尾声三"};
    for (size_t i = 0; i < sizeof after / sizeof *after; i++) {
        b = blk(&st, after[i]);
        CHECK_MSG(!b || b->speaker < 0, "[%s] is a turn's", after[i]);
    }
    unbuild(&st, p);

    /* plain text: credits end a turn too */
    static const char plain[] =
        "甲：问题？\n乙：回答。\n甲：问题二？\n乙：回答二。\n"
        "编辑：丙 | 校对：丁\n尾声。\n";
    p = build(&st, plain, FMT_TEXT, "p.txt");
    block_t pb;
    CHECK(plain_blk(&st, plain, "尾声", &pb) && pb.speaker < 0);
    CHECK(plain_blk(&st, plain, "编辑", &pb) && pb.speaker < 0);
    CHECK(plain_blk(&st, plain, "乙：回答二", &pb) && pb.speaker >= 0);
    unbuild(&st, p);
}

/* ---- narration is no speaker ----------------------------------------------- */

static void test_narration(void)
{
    static const char doc[] =
        "第一篇\n\n宗吾曰：「这是一段议论。」\n\n又一段。\n\n"
        "宗吾曰：「又是一段议论。」\n\n某甲：说一句。\n";
    structure_t st;
    char *p = build(&st, doc, FMT_TEXT, "h.txt");
    CHECK(st.nspeakers == 0);
    unbuild(&st, p);
}

int main(void)
{
    setlocale(LC_ALL, "");
    text_init_locale();
    test_label_forms();
    test_heading_labels();
    test_labels_alone();
    test_single_lines();
    test_bold_and_keys();
    test_bold_questions();
    test_turn_ends();
    test_narration();
    return T_DONE("test_talk");
}
