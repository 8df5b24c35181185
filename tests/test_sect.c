/* sect: which short lines and Markdown paragraphs of real documents are
 * sections (issue 15): loose subheads decided from the document, bylines,
 * promotion, links and captions that are not, numbered bold pairs of
 * scraped articles, block-quote dividers, an H1 that repeats the title, a
 * heading that is a speaker label, bare short lines of a plain text set
 * apart by blank lines, the verse titles of a novel with numbered
 * chapters, and a soft break kept before a bullet. Expected values are
 * written out from the contracts in src/structure.h and src/st_int.h, not
 * taken from src/st_sect.c. Every text is copied to a buffer of exactly
 * its length (no NUL). */
#include "dump.h"
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

/* The outline as "level text|level text|..." (st_heading_text). */
static const char *outline(const structure_t *st)
{
    static char out[4096];
    size_t n = 0;
    buf_t b = {0};
    out[0] = '\0';
    for (size_t i = 0; i < st->nheadings; i++) {
        st_heading_text(st, &st->headings[i], &b);
        int k = snprintf(out + n, sizeof out - n, "%s%d %s", i ? "|" : "",
                         st->headings[i].level, b.p);
        if (k < 0 || (size_t)k >= sizeof out - n)
            break;
        n += (size_t)k;
    }
    buf_free(&b);
    return out;
}

static const char *outline_of(const char *s, int fmt, const char *path)
{
    structure_t st;
    char *p = build(&st, s, fmt, path);
    const char *o = outline(&st);
    unbuild(&st, p);
    return o;
}


#define LONG1 "他在那里住了整整十年，每天清晨出门，傍晚回来，日子过得很慢，也很安静。"
#define LONG2 "后来的事情谁也没有想到，一场大雨冲垮了桥，村子和外面断了联系，整整一个月。"
#define LONG3 "我们在他家门口坐了一个下午，他讲了很多旧事，讲到最后，天已经完全黑了。"

/* ---- loose subheads ----------------------------------------------------- */

static void test_loose(void)
{
    /* an interview whose subheads pause or are quotations: sections; the
     * H1 repeating the title, the byline, the link and the promo line
     * are not */
    static const char md[] =
        "---\ntitle: 山里的邮差\n---\n\n# 山里的邮差\n\n文｜某某\n\n" LONG1
        "\n\n“我不怕走路，怕没人等信”\n\n**问：** 你走了多少年？\n\n**答：** " LONG2
        "\n\n后来，路修好了\n\n**问：** 路修好以后呢？\n\n**答：** " LONG3
        "\n\n“信少了，人也少了”\n\n**问：** 现在还有人写信吗？\n\n**答：** " LONG1
        "\n\n本文首发于某某，点击关注。\n\n[返回列表](https://example.com)\n";
    CHECK_STR(outline_of(md, FMT_AUTO, "x.md"),
              "1 “我不怕走路，怕没人等信”|1 后来，路修好了|1 “信少了，人也少了”");
    /* the same lines between short paragraphs: not set apart, no sections */
    static const char shortp[] =
        "开头一句话。\n\n“我不怕走路，怕没人等信”\n\n好。\n\n后来，路修好了\n\n"
        "嗯。\n\n“信少了，人也少了”\n\n是的。\n";
    CHECK_STR(outline_of(shortp, FMT_AUTO, "x.md"), "");
    /* a story told in quoted paragraphs: its short quoted lines are
     * dialogue, not subheads */
    static const char story[] =
        LONG1 "\n\n“你回来了，饭在锅里”\n\n" LONG2 "\n\n“我吃过了，你先睡吧”\n\n" LONG3
        "\n\n“明天还去吗？”她问。\n\n“去。”\n\n“那早点睡，别想了”\n\n" LONG1
        "\n\n“雨停了吗？”\n\n“还没有，再等等吧。”\n\n" LONG2 "\n";
    CHECK_STR(outline_of(story, FMT_TEXT, "x.txt"), "");
    /* two loose lines are not several */
    static const char two[] = LONG1 "\n\n“我不怕走路，怕没人等信”\n\n" LONG2
                              "\n\n后来，路修好了\n\n" LONG3 "\n\n" LONG1 "\n\n" LONG2 "\n";
    CHECK_STR(outline_of(two, FMT_TEXT, "x.txt"), "");
    /* with a minor line they are: one level for all */
    static const char three[] = LONG1 "\n\n“我不怕走路，怕没人等信”\n\n" LONG2
                                "\n\n后来，路修好了\n\n" LONG3 "\n\n大雨之后\n\n" LONG1
                                "\n\n" LONG2 "\n\n" LONG3 "\n";
    CHECK_STR(outline_of(three, FMT_TEXT, "x.txt"),
              "1 “我不怕走路，怕没人等信”|1 后来，路修好了|1 大雨之后");
}

/* ---- Markdown forms ----------------------------------------------------- */

static void test_bold_pairs(void)
{
    static const char md[] =
        "# 对话某某\n\n **一句加粗的导语，不是标题。**\n\n **01.**\n\n **泥土的记忆**\n\n"
        "正文一段。\n\n####\n\n **02.**\n\n####\n\n **烧坏的一窑**\n\n"
        "![](https://example.com/a.jpg)\n\n工作室一角\n\n正文二段。\n\n"
        " **03.**\n\n **慢一点**\n\n正文三段。\n";
    structure_t st;
    char *p = build(&st, md, FMT_AUTO, "x.md");
    CHECK_STR(outline(&st),
              "0 对话某某|1 01. 泥土的记忆|1 02. 烧坏的一窑|1 03. 慢一点");
    /* the number and the name are one heading block */
    size_t heads = 0, nums = 0;
    for (size_t i = 0; i < st.nblocks; i++) {
        heads += st.blocks[i].kind == BK_HEADING;
        buf_t b = {0};
        st_block_text(&st, &st.blocks[i], &b);
        nums += !strcmp(b.p, "01.") || !strcmp(b.p, "02.");
        buf_free(&b);
    }
    CHECK(heads == 3);
    CHECK(nums == 0);
    unbuild(&st, p);
    char *out = dump_of(md, FMT_AUTO, "x.md", 60);
    CHECK(strstr(out, "\n01. 泥土的记忆\n") != NULL);
    CHECK(strstr(out, "\n工作室一角\n") != NULL);
    free(out);
    /* a bold number before plain text is no section; nor a bold name
     * without a number; nor a bold sentence after a number */
    static const char no[] =
        "正文。\n\n**01.**\n\n普通的一段话，说完了。\n\n**加粗的名字**\n\n正文。\n\n**02.**\n\n"
        "**这是一句完整的话。**\n";
    CHECK_STR(outline_of(no, FMT_AUTO, "x.md"), "");
    /* the number and the name in one bold paragraph of two lines */
    static const char one[] = "正文。\n\n**01.**  \n**泥土的记忆**\n\n正文。\n\n"
                              "**02.**\n**烧坏的一窑**\n\n正文。\n";
    CHECK_STR(outline_of(one, FMT_AUTO, "x.md"), "1 01. 泥土的记忆|1 02. 烧坏的一窑");
    /* a bold number before a short plain line; Part.N, No.N */
    static const char plain[] = "正文。\n\n**PART.1**\n\n泥土的记忆\n\n正文。\n\n"
                                "**No. 2**\n\n**烧坏的一窑**\n\n正文。\n";
    CHECK_STR(outline_of(plain, FMT_AUTO, "x.md"), "1 PART.1 泥土的记忆|1 No. 2 烧坏的一窑");
    /* a bold numbered line is a numbered heading */
    static const char num[] = "正文。\n\n**一、缘起**\n\n正文。\n\n**二、经过**\n\n正文。\n";
    CHECK_STR(outline_of(num, FMT_AUTO, "x.md"), "1 一、缘起|1 二、经过");
}

static void test_bold_subheads(void)
{
    /* wholly bold short lines between paragraphs: subheads where several
     * stand alone; a bold lead sentence is not one */
    static const char md[] = "**这是一段加粗的导语，说的是全文的大意。**\n\n" LONG1
                             "\n\n**山里的路**\n\n" LONG2 "\n\n**“信少了，人也少了”**\n\n" LONG3
                             "\n\n**最后一站**\n\n" LONG1 "\n\n" LONG2 "\n\n" LONG3 "\n";
    CHECK_STR(outline_of(md, FMT_AUTO, "x.md"),
              "1 山里的路|1 “信少了，人也少了”|1 最后一站");
    /* a bold name that comes again and again is a label, not a section */
    static const char names[] = LONG1 "\n\n**王岚**\n\n" LONG2 "\n\n**陈默**\n\n" LONG3
                                "\n\n**王岚**\n\n" LONG1 "\n\n**陈默**\n\n" LONG2
                                "\n\n**王岚**\n\n" LONG3 "\n\n**陈默**\n\n" LONG1 "\n";
    CHECK_STR(outline_of(names, FMT_AUTO, "x.md"), "");
}

static void test_dividers(void)
{
    static const char md[] =
        "# 某某對話\n\n> (第一部　機器的本性)\n\n### 問：\n\n問題一。\n\n### 答：\n\n回答一。\n\n"
        "> （尾聲）\n\n### 問：\n\n問題二。\n\n> (這是一句引用的話。)\n\n> 一段普通的引文\n";
    structure_t st;
    char *p = build(&st, md, FMT_AUTO, "x.md");
    CHECK_STR(outline(&st), "0 某某對話|1 第一部　機器的本性|1 尾聲");
    for (size_t i = 0; i < st.nheadings; i++)
        if (st.headings[i].level > 0 && st.headings[i].block >= 0)
            CHECK(st.blocks[st.headings[i].block].quote == 0);
    unbuild(&st, p);
    char *out = dump_of(md, FMT_AUTO, "x.md", 60);
    CHECK(strstr(out, "\n第一部　機器的本性\n") != NULL);
    CHECK(strstr(out, "(第一部") == NULL);
    CHECK(strstr(out, "問：") != NULL); /* the labels are kept as text */
    free(out);
}

static void test_md_title_and_labels(void)
{
    /* an H1 that repeats the front matter's title is shown once */
    static const char rep[] = "---\ntitle: 一个标题\n---\n\n# 一个标题\n\n正文。\n\n## 第一节\n\n正文。\n";
    CHECK_STR(outline_of(rep, FMT_AUTO, "x.md"), "1 第一节");
    char *out = dump_of(rep, FMT_AUTO, "x.md", 60);
    const char *a = strstr(out, "一个标题");
    CHECK(a && !strstr(a + 1, "一个标题"));
    free(out);
    /* blanks aside, and a heading of another level too */
    static const char rep2[] = "---\ntitle: AI 与 我们\n---\n\n## AI与我们\n\n正文。\n\n## 第一节\n\n正文。\n";
    CHECK_STR(outline_of(rep2, FMT_AUTO, "x.md"), "1 第一节");
    /* another H1 stays */
    static const char other[] = "---\ntitle: 一个标题\n---\n\n# 另一个标题\n\n正文。\n";
    CHECK_STR(outline_of(other, FMT_AUTO, "x.md"), "1 另一个标题");
    /* headings that are speaker labels (two names, three turns or more:
     * st_talk.c) are not sections */
    static const char lab[] = "# 訪談\n\n## 一、緣起\n\n### 訪問者：\n\n問題。\n\n"
                              "### Sam Robbins:\n\nAnswer.\n\n### 訪問者：\n\n再問。\n\n"
                              "### 結語\n\n完。\n";
    CHECK_STR(outline_of(lab, FMT_AUTO, "x.md"), "0 訪談|1 一、緣起|2 結語");
}

static void test_bullets(void)
{
    char *out = dump_of("能带走的：\n・日志\n• 收音机\n■ 酒\n普通的续行\n", FMT_MARKDOWN,
                        "x.md", 60);
    CHECK_STR(out, "能带走的：\n・日志\n• 收音机\n■ 酒普通的续行\n");
    free(out);
}

/* ---- plain text --------------------------------------------------------- */

static void test_plain_apart(void)
{
    /* bare short lines set apart by more blank lines than the paragraphs
     * have: sections, two in a row too, a title repeated too */
    static const char t[] = "\n\n序\n\n\n" LONG1 "\n\n" LONG2 "\n\n\n\n\n甲篇\n\n\n" LONG3
                            "\n\n" LONG1 "\n\n\n\n\n上卷\n\n\n甲篇\n\n\n" LONG2 "\n\n" LONG3
                            "\n\n\n\n\n结语\n\n\n" LONG1 "\n\n" LONG2 "\n";
    CHECK_STR(outline_of(t, FMT_TEXT, "x.txt"), "0 序|1 甲篇|1 上卷|1 甲篇|1 结语");
    /* the same lines one blank line apart, like the paragraphs: the two
     * in a row are a verse */
    static const char v[] = LONG1 "\n\n甲篇\n\n" LONG3 "\n\n上卷\n\n甲篇\n\n" LONG2
                            "\n\n结语\n\n" LONG1 "\n\n序言\n\n" LONG2 "\n";
    CHECK_STR(outline_of(v, FMT_TEXT, "x.txt"), "1 甲篇|1 结语|1 序言");
}

/* A novel of n chapters; chapter 2 holds verse titles (each before a
 * line of verse); with `every`, each chapter has a short subhead too. */
static char *novel(int n, int every)
{
    buf_t b = {0};
    buf_adds(&b, "《某书》某人\n\n");
    static const char *num[] = {"一", "二", "三", "四", "五", "六", "七", "八"};
    for (int i = 0; i < n; i++) {
        buf_adds(&b, "第");
        buf_adds(&b, num[i]);
        buf_adds(&b, "回 某某某某\n\n" LONG1 "\n\n");
        if (every) {
            buf_adds(&b, "山中夜话\n\n" LONG2 "\n\n");
        }
        if (i == 1)
            buf_adds(&b, "春夜即景\n\n花影重重月色新，\n\n" LONG2 "\n\n夏夜即景\n\n"
                         "荷风细细水声频，\n\n" LONG3 "\n\n秋夜即景\n\n"
                         "桂香满院夜无尘，\n\n" LONG1 "\n\n");
        buf_adds(&b, LONG3 "\n\n");
    }
    return b.p;
}

static void test_novel_verse(void)
{
    char *t = novel(8, 0);
    CHECK_STR(outline_of(t, FMT_TEXT, "x.txt"),
              "0 《某书》某人|1 第一回 某某某某|1 第二回 某某某某|1 第三回 某某某某|"
              "1 第四回 某某某某|1 第五回 某某某某|1 第六回 某某某某|1 第七回 某某某某|"
              "1 第八回 某某某某");
    free(t);
    /* subheads in every chapter are the text's structure */
    t = novel(4, 1);
    const char *o = outline_of(t, FMT_TEXT, "x.txt");
    CHECK(strstr(o, "|2 山中夜话|") != NULL);
    CHECK(strstr(o, "|2 春夜即景|") != NULL);
    free(t);
}

int main(void)
{
    setlocale(LC_ALL, "");
    text_init_locale();
    test_loose();
    test_bold_pairs();
    test_bold_subheads();
    test_dividers();
    test_md_title_and_labels();
    test_bullets();
    test_plain_apart();
    test_novel_verse();
    return T_DONE("test_sect");
}
