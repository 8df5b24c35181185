/* heuristics: heading families, speaker prefixes, speaker names. Expected
 * values are written out from the contract in src/heuristics.h and the
 * module brief, not taken from src/heuristics.c. Every input is copied to
 * a buffer of exactly its length (no NUL), so the sanitizer build catches
 * any read past n. */
#include "t.h"
#include "heuristics.h"
#include "text.h"

#include <locale.h>
#include <string.h>
#include <time.h>

/* An exact-length, unterminated copy of s (freed by the caller). */
static char *dup_exact(const char *s, size_t n)
{
    char *p = malloc(n ? n : 1);
    if (!p) {
        perror("malloc");
        exit(2);
    }
    memcpy(p, s, n);
    return p;
}

static int hf(const char *s)
{
    size_t n = strlen(s);
    char *p = dup_exact(s, n);
    int f = heading_family(p, n);
    free(p);
    return f;
}

static int numbered(int f)
{
    return f >= HF_NUM2 && f <= HF_CHAPTER;
}

static const char *FAM[] = {"NONE",   "NUM2",   "NUMDOT",  "CJKNUM",
                            "PAREN",  "HUI",    "ZHANG",   "BUFEN",
                            "BRACKET", "CHAPTER", "MINOR",   "LOOSE"};

struct hcase {
    const char *s;
    int want;
};

/* NOT_NUMBERED: the line must not be any numbered family (its
 * HF_MINOR/HF_NONE outcome is checked by another row where it matters). */
#define NOT_NUMBERED (-1)

static const struct hcase HEADINGS[] = {
    /* HF_NUM2 */
    {"01 第一批用户是怎么来的？", HF_NUM2},
    {"02 开源的逻辑", HF_NUM2},
    {"12\xE3\x80\x80Title in English", HF_NUM2},
    {"001 起点", HF_NUM2},
    {"07  两个空格也可以", HF_NUM2},
    {"2023 年", NOT_NUMBERED},      /* 4 digits */
    {"2023 年", HF_MINOR},          /* but a short standalone line */
    {"01", HF_NONE},                /* no title */
    {"01 结论：", HF_NONE},         /* ends with a colon */
    {"01 我们来看，这是一句话，还没完，对吧", HF_NONE}, /* 3 pauses */
    {"01 我们来看。这是一句话", HF_NONE}, /* a full stop */
    {"08 好的想法都是慢慢长出来的，不是规划出来的，更不是买来的", HF_NUM2},
    {"01 一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十", HF_NONE}, /* 63 cells */
    {"0 标题", NOT_NUMBERED},       /* 1 digit, no dot */
    /* HF_NUMDOT */
    {"1. 引言", HF_NUMDOT},
    {"2、方法", HF_NUMDOT},
    {"\xEF\xBC\x93\xEF\xBC\x8E结果", HF_NUMDOT}, /* ３．结果 */
    {"10.Conclusion", HF_NUMDOT},
    {"1、为什么是现在？", HF_NUMDOT},
    {"123. 第三个", HF_NUMDOT},
    {"3、一个标题，带一个逗号", HF_NUMDOT},
    {"1.5 倍", NOT_NUMBERED},       /* a decimal number */
    {"1.5 倍", HF_MINOR},
    {"3.14", HF_NONE},
    {"1. 我们先来看第一个问题，这个问题很重要。", HF_NONE},
    {"1.", HF_NONE},
    {"1、", HF_NONE},
    {"1234. 标题", HF_NONE},
    {"2023年我们发布了", NOT_NUMBERED},
    {"2023年我们发布了", HF_MINOR},
    {"1. 先做这个；", HF_NONE},
    /* HF_CJKNUM */
    {"一、误解的由来", HF_CJKNUM},
    {"十二、结语", HF_CJKNUM},
    {"三、为什么？", HF_CJKNUM},
    {"二十一、附录", HF_CJKNUM},
    {"一、", HF_NONE},
    {"一二三四五、标题", HF_LOOSE}, /* 5 numerals: a pause, no number */
    {"一、首先，我们要明白，这一点，很重要", HF_NONE},
    {"一、首先我们要明白这一点。", HF_NONE},
    {"一方面、另一方面", NOT_NUMBERED},
    /* HF_PAREN */
    {"（一）标题", HF_PAREN},
    {"(2) 标题", HF_PAREN},
    {"（十二）", HF_PAREN},
    {"（\xEF\xBC\x93）方法论", HF_PAREN}, /* fullwidth 3 */
    {"(1)", HF_PAREN},
    {"（注）这是正文", NOT_NUMBERED},
    {"(1234) 标题", NOT_NUMBERED},
    {"（一）首先，我们说，这件事。", HF_NONE},
    {"(2", HF_NONE},
    /* HF_HUI */
    {"第十二回 标题", HF_HUI},
    {"第一回\xE3\x80\x80山间客夜话旧事\xE3\x80\x80渡口人晨别故乡", HF_HUI},
    {"第3回", HF_HUI},
    {"第一百一十九回 秋雨中归来的旧友", HF_HUI},
    {"第五回 一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十", HF_NONE}, /* 67 cells */
    /* HF_ZHANG */
    {"第3章", HF_ZHANG},
    {"第三章 风起", HF_ZHANG},
    {"第二节 方法", HF_ZHANG},
    {"第一卷", HF_ZHANG},
    {"第十篇\xE3\x80\x80结语", HF_ZHANG},
    {"第\xEF\xBC\x92集", HF_ZHANG},
    {"第一次见面时他说", NOT_NUMBERED}, /* 第一次 is no chapter marker */
    {"第一次见面时他说", HF_MINOR},
    {"第三章 他说，我们走吧，天黑了，快点", HF_NONE},
    {"第三章。", HF_NONE},
    {"第章", NOT_NUMBERED},
    {"第", NOT_NUMBERED},
    /* HF_BUFEN */
    {"第二部分", HF_BUFEN},
    {"第一部分 标题", HF_BUFEN},
    {"第四部分\xE3\x80\x80未来", HF_BUFEN},
    {"第3部分 实验", HF_BUFEN},
    {"第一部电影", NOT_NUMBERED},
    {"第二部", NOT_NUMBERED},
    /* HF_BRACKET */
    {"【核心内容速览】", HF_BRACKET},
    {"【注】", HF_BRACKET},
    {"【Q&A】", HF_BRACKET},
    {"【第一部分：背景】", HF_BRACKET},
    {"【注】这是正文……", NOT_NUMBERED},
    {"【注】这是正文……", HF_MINOR}, /* not a bracket line (text after) */
    {"【】", HF_NONE},
    {"【一二三四五六七八九十一】", HF_NONE}, /* 22 cells inside */
    {"【未闭合", NOT_NUMBERED},
    {"【a】【b】", NOT_NUMBERED},
    /* HF_CHAPTER */
    {"Chapter 7", HF_CHAPTER},
    {"CHAPTER VII", HF_CHAPTER},
    {"Chapter 7: Title", HF_CHAPTER},
    {"chapter 12 - The End", HF_CHAPTER},
    {"Chapter iv. Home", HF_CHAPTER},
    {"CHAPTER 3 新的开始", HF_CHAPTER},
    {"Chapter Ideas", NOT_NUMBERED},
    {"Chapter", NOT_NUMBERED},
    {"Chapters 3", NOT_NUMBERED},
    {"Chapter 7:", HF_NONE},
    {"Chapter 7 begins with a long, long explanation of things and more", HF_NONE},
    {"第1000000章", HF_ZHANG},      /* (a million chapters) */
    {"第12345678章", NOT_NUMBERED},
    /* HF_MINOR */
    {"开源至上", HF_MINOR},
    {"唯才是举", HF_MINOR},
    {"后勤充沛", HF_MINOR},
    {"Open source", HF_MINOR},
    /* letters are Unicode's Alphabetic: digits of other scripts and the
     * kana sound marks alone make no heading */
    {"\u0661\u0662\u0663\u0664", HF_NONE},
    {"゛゛゛", HF_NONE},
    {"ー゛", HF_MINOR},
    {"Node.js 入门", HF_MINOR},
    {"5G时代", HF_MINOR},
    {"プロローグ", HF_MINOR},
    {"好的。", HF_NONE},
    {"作者:Lin Xiao", HF_NONE},
    {"作者：Lin Xiao", HF_NONE},
    {"是吗？", HF_NONE},
    {"太好了！", HF_NONE},
    {"1,234", HF_NONE},
    {"Really?", HF_NONE},
    {"The end.", HF_NONE},
    {"Yes. No", HF_NONE},
    {"- 列表项", HF_NONE},
    {"* 列表项", HF_NONE},
    {"• 列表项", HF_NONE},
    {"# 标题", HF_NONE},
    {"> 引文", HF_NONE},
    {"“引用的话”", HF_LOOSE},       /* a quotation: a subhead, maybe */
    {"「そうだね」", HF_LOOSE},
    {"《三体》", HF_NONE},
    {"http://x.cn", HF_NONE},
    {"访问 HTTPS 网站", HF_NONE},
    {"好", HF_MINOR},                /* 2 cells is enough */
    {"a", HF_NONE},                  /* 1 cell */
    {"这是一个超过二十个格子的很长很长的句子", HF_NONE},
    {"123", HF_NONE},
    {"!!!", HF_NONE},
    {"——", HF_NONE},
    {"你好，世界", HF_LOOSE},
    {"甲、乙", HF_LOOSE},
    /* HF_LOOSE: short lines that pause or are one quotation */
    {"“我不后悔，但我很累”", HF_LOOSE},
    {"离开，还是留下", HF_LOOSE},
    {"「それでも、行く」", HF_LOOSE},
    {"“你还好吗？”", HF_LOOSE},          /* a question inside the quote */
    {"你还好吗？", HF_NONE},              /* a question */
    {"他说，好吧。", HF_NONE},            /* a sentence */
    {"“好”", HF_NONE},                    /* a quotation too short */
    {"“好的，”他说", HF_NONE},            /* an attribution */
    {"一，二，三，四", HF_NONE},          /* three pauses */
    {"离开，", HF_NONE},
    {"时间：下午三点", HF_NONE},
    {"这是一个超过二十四个格子的，很长很长的句子啊", HF_NONE},
    {"“好？”他问", HF_NONE},
    /* bylines, credits and promotion: no heading */
    {"文｜周末", HF_NONE},
    {"文/周末", HF_NONE},
    {"文 | 周末", HF_NONE},
    {"图丨某某", HF_NONE},
    {"撰文 王小明", HF_NONE},
    {"摄影／李四", HF_NONE},
    {"文学的力量", HF_MINOR},             /* 文 without a separator */
    {"图书馆里", HF_MINOR},
    {"关注我们", HF_NONE},
    {"微信扫一扫", HF_NONE},
    {"长按识别二维码", HF_NONE},
    {"点击阅读原文", HF_NONE},
    {"欢迎关注，转发", HF_NONE},           /* (a loose line, promotion) */
    /* invalid and truncated UTF-8 */
    {"01 标题\xE4\xB8", HF_NUM2},
    {"\xFF\xFE", HF_NONE},
    {"\xE3\x80", HF_NONE},
    {"\xE3\x80\x90", HF_NONE},
    {"\xE3\x80\x90\xE6\xB3\xA8", NOT_NUMBERED},
    {"第\xE4", NOT_NUMBERED},
    {"Chapter \xFF", NOT_NUMBERED},
};

static void test_headings(void)
{
    for (size_t i = 0; i < sizeof HEADINGS / sizeof HEADINGS[0]; i++) {
        const struct hcase *c = &HEADINGS[i];
        int got = hf(c->s);
        if (c->want == NOT_NUMBERED)
            CHECK_MSG(!numbered(got), "[%s] is %s", c->s, FAM[got]);
        else
            CHECK_MSG(got == c->want, "[%s] is %s, want %s", c->s, FAM[got],
                      FAM[c->want]);
    }
    /* length 0 and a NULL-free empty input */
    CHECK(heading_family("", 0) == HF_NONE);
}

struct scase {
    const char *s;
    int want;
    size_t off, len, prefix;
};

static const struct scase SPEAKERS[] = {
    {"问：你好", 1, 0, 3, 6},
    {"答：好的。", 1, 0, 3, 6},
    {"Q: What?", 1, 0, 1, 3},
    {"A:Yes", 1, 0, 1, 2},
    {"记者：请问", 1, 0, 6, 9},
    {"暗涌：为什么？", 1, 0, 6, 9},
    {"沈知远：\xE3\x80\x80好。", 1, 0, 9, 15},
    {"Jensen Huang: It's simple.", 1, 0, 12, 14},
    {"答 ：好", 1, 0, 3, 7},
    {"原因有三：第一", 1, 0, 12, 15}, /* shape only; one-offs are structure's job */
    {"**记者**：请问", 1, 2, 6, 13},
    {"**Q**: hi", 1, 2, 1, 7},
    {"**主持人：** 欢迎", 1, 2, 9, 17},
    {"**A:**Yes", 1, 2, 1, 6},
    {"** 问 **：好", 1, 3, 3, 12},
    {"【梁文锋】我们", 1, 3, 9, 15},
    {"【暗涌】：为什么", 1, 3, 6, 15},
    {"【主持人】: 好", 1, 3, 9, 17},
    {"【注】这是正文", 1, 3, 3, 9},
    {"\xFF\xFE：你好", 1, 0, 2, 5}, /* invalid bytes are just characters */
    /* not turns */
    {"作者是这样说的：", 0, 0, 0, 0},
    {"作者是这样说的：他说", 0, 0, 0, 0},      /* 14 cells */
    {"https://example.com", 0, 0, 0, 0},
    {"Note：//comment", 0, 0, 0, 0},
    {"10:30 开会", 0, 0, 0, 0},
    {"１０：３０开会", 0, 0, 0, 0},
    {"3 Q: hi", 0, 0, 0, 0},
    {"我们缺乏的不是资本，而是创新的信心：……", 0, 0, 0, 0},
    {"这是一段非常非常长的句子没有任何标点然后才有：内容", 0, 0, 0, 0},
    {"附：", 0, 0, 0, 0},
    {"附：\xE3\x80\x80 ", 0, 0, 0, 0},
    {"：开头", 0, 0, 0, 0},
    {"　：开头", 0, 0, 0, 0},
    {"**问**请", 0, 0, 0, 0},
    {"**问：请", 0, 0, 0, 0},
    {"**问*：请", 0, 0, 0, 0},
    {"**问**", 0, 0, 0, 0},
    {"【注】", 0, 0, 0, 0},
    {"【问：】答", 0, 0, 0, 0},
    {"【问", 0, 0, 0, 0},
    {"A.B: x", 0, 0, 0, 0},
    {"“他”：说", 0, 0, 0, 0},
    {"他（笑）：说", 0, 0, 0, 0},
    {"《书》：说", 0, 0, 0, 0},
    {"- 优点：快", 0, 0, 0, 0},
    {"没有冒号的句子", 0, 0, 0, 0},
    {"问\xE4\xB8", 0, 0, 0, 0},
    {"*", 0, 0, 0, 0},
    {"**", 0, 0, 0, 0},
    {"\xE3\x80", 0, 0, 0, 0},
};

static void test_speakers(void)
{
    for (size_t i = 0; i < sizeof SPEAKERS / sizeof SPEAKERS[0]; i++) {
        const struct scase *c = &SPEAKERS[i];
        size_t n = strlen(c->s), off = 99, len = 99, pre = 99;
        char *p = dup_exact(c->s, n);
        int got = speaker_prefix(p, n, &off, &len, &pre);
        if (!c->want) {
            CHECK_MSG(got == 0, "[%s] is a turn (name %zu+%zu)", c->s, off,
                      len);
        } else {
            CHECK_MSG(got == 1, "[%s] is not a turn", c->s);
            CHECK_MSG(got == 1 && off == c->off && len == c->len &&
                          pre == c->prefix,
                      "[%s] name %zu+%zu prefix %zu, want %zu+%zu prefix %zu",
                      c->s, off, len, pre, c->off, c->len, c->prefix);
        }
        free(p);
    }
    CHECK(speaker_prefix("", 0, NULL, NULL, NULL) == 0);
    /* NULL outputs are allowed */
    CHECK(speaker_prefix("问：好", strlen("问：好"), NULL, NULL, NULL) == 1);
}

static int same(const char *a, const char *b)
{
    size_t an = strlen(a), bn = strlen(b);
    char *p = dup_exact(a, an), *q = dup_exact(b, bn);
    int r = speaker_same(p, an, q, bn);
    free(p);
    free(q);
    return r;
}

static void test_same(void)
{
    CHECK(same("暗涌", "暗涌"));
    CHECK(same("暗涌", "暗 涌"));
    CHECK(same("暗涌", "暗涌\xE3\x80\x80"));
    CHECK(same("Q", "Q"));
    CHECK(same("Q", " Q\t"));
    CHECK(same("Jensen Huang", "JensenHuang"));
    CHECK(same("a\tb", "ab"));
    CHECK(same("", "  "));
    CHECK(!same("Q", "A"));
    CHECK(!same("问", "问答"));
    CHECK(!same("问答", "问"));
    CHECK(!same("Q", "q"));
    CHECK(!same("\xEF\xBC\xB1", "Q")); /* fullwidth Ｑ is not folded */
    CHECK(!same("暗涌", ""));
    CHECK(same("\xFF", "\xFF"));
    CHECK(!same("\xFF", "\xFE"));
}

/* Long paragraphs: every call must look at a bounded prefix only. 200
 * calls on 10 MB would take seconds if each scanned the whole text. */
static void test_long(void)
{
    const size_t big = 10u << 20;
    char *p = malloc(big);
    if (!p) {
        perror("malloc");
        exit(2);
    }
    static const char *const fills[] = {
        "啊",           /* no colon at all */
        "a",            /* ASCII, no colon */
        "\xCC\x81",     /* zero-width combining marks */
        "\xE3\x80\x80", /* all U+3000 */
        "\xFF",         /* invalid bytes */
    };
    double secs = 0;
    for (size_t f = 0; f < sizeof fills / sizeof fills[0]; f++) {
        size_t k = strlen(fills[f]), n = big / k * k;
        for (size_t i = 0; i < n; i += k)
            memcpy(p + i, fills[f], k);
        if (f == 2)
            p[0] = 'a'; /* a base for the marks */
        clock_t t0 = clock();
        int bad = 0;
        for (int r = 0; r < 200; r++) {
            bad += heading_family(p, n) != HF_NONE;
            bad += speaker_prefix(p, n, NULL, NULL, NULL) != 0;
            bad += speaker_prefix(p, 1u << 20, NULL, NULL, NULL) != 0; /* 1 MB */
        }
        CHECK_MSG(bad == 0, "fill %zu: %d wrong answers", f, bad);
        /* a colon at the very end, far beyond any name */
        p[n - 1] = ':';
        CHECK(speaker_prefix(p, n, NULL, NULL, NULL) == 0);
        secs += (double)(clock() - t0) / CLOCKS_PER_SEC;
    }
    /* a real turn whose text is 10 MB long */
    memcpy(p, "问：", 6);
    memset(p + 6, 'x', big - 6);
    size_t off, len, pre;
    clock_t t0 = clock();
    int bad = 0;
    for (int r = 0; r < 200; r++)
        bad += !(speaker_prefix(p, big, &off, &len, &pre) == 1 && off == 0 &&
                 len == 3 && pre == 6);
    CHECK(bad == 0);
    CHECK(heading_family(p, big) == HF_NONE);
    secs += (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK_MSG(secs < 2.0, "long paragraphs took %.2f s", secs);
    free(p);
}

int main(void)
{
    setlocale(LC_ALL, "");
    text_init_locale();
    test_headings();
    test_speakers();
    test_same();
    test_long();
    return T_DONE("test_heuristics");
}
