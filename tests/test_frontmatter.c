/* frontmatter: YAML front matter detection and parsing (libyaml). */
#include "frontmatter.h"
#include "t.h"
#include "text.h"
#include "util.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int parse(const char *s, frontmatter_t *fm)
{
    return fm_parse(s, strlen(s), fm);
}

/* fm_parse() returned 0: the struct must be all zero. */
static int is_zero(const frontmatter_t *fm)
{
    return fm->end == 0 && !fm->title && !fm->date && !fm->authors &&
           !fm->nauthors && !fm->tags && !fm->ntags && !fm->categories &&
           !fm->ncategories && !fm->other && !fm->nother;
}

static void test_present(void)
{
    CHECK(fm_present("---\n", 4));
    CHECK(fm_present("---\r\n", 5));
    CHECK(fm_present("---  \nx", 7));
    CHECK(!fm_present("---", 3));
    CHECK(!fm_present("----\n", 5));
    CHECK(!fm_present("--- x\n", 6));
    CHECK(!fm_present(" ---\n", 5));
    CHECK(!fm_present("\n---\n", 5));
    CHECK(!fm_present("", 0));
    CHECK(!fm_present("# title\n", 8));
}

static void test_shape(void)
{
    const char *head =
        "---\n"
        "title: 在终端里读长文以外的事\n"
        "date: 2025-01-28 16:55:21\n"
        "tags:\n"
        "- 生活\n"
        "- 随笔\n"
        "categories:\n"
        "index_img: https://example.com/a.png\n"
        "banner_img: https://example.com/a.png\n"
        "---\n";
    char *s = xmalloc(strlen(head) + 64);
    strcpy(s, head);
    strcat(s, "\n正文\n");
    frontmatter_t fm;
    CHECK(fm_present(s, strlen(s)));
    CHECK(fm_parse(s, strlen(s), &fm) == 1);
    CHECK_STR(fm.title, "在终端里读长文以外的事");
    CHECK_STR(fm.date, "2025-01-28 16:55:21");
    CHECK(fm.nauthors == 0 && fm.authors == NULL);
    CHECK(fm.ntags == 2);
    if (fm.ntags == 2) {
        CHECK_STR(fm.tags[0], "生活");
        CHECK_STR(fm.tags[1], "随笔");
    }
    CHECK(fm.ncategories == 0);
    CHECK(fm.nother == 2);
    if (fm.nother == 2) {
        CHECK_STR(fm.other[0].key, "index_img");
        CHECK_STR(fm.other[0].value, "https://example.com/a.png");
        CHECK_STR(fm.other[1].key, "banner_img");
        CHECK_STR(fm.other[1].value, "https://example.com/a.png");
    }
    CHECK_MSG(fm.end == strlen(head), "end %zu, want %zu", fm.end,
              strlen(head));
    CHECK(!strcmp(s + fm.end, "\n正文\n"));
    fm_free(&fm);
    CHECK(is_zero(&fm));
    fm_free(&fm); /* twice: safe on a zeroed struct */
    CHECK(is_zero(&fm));
    free(s);
}

static void test_essay(void)
{
    size_t n = 0;
    char *s = t_slurp("samples/essay.md", &n);
    CHECK(s != NULL);
    if (!s)
        return;
    frontmatter_t fm;
    CHECK(fm_present(s, n));
    CHECK(fm_parse(s, n, &fm) == 1);
    CHECK_STR(fm.title, "在终端里读长文");
    CHECK_STR(fm.date, "2026-03-14 21:05:00");
    CHECK(fm.nauthors == 1);
    if (fm.nauthors == 1)
        CHECK_STR(fm.authors[0], "林晓舟");
    CHECK(fm.ntags == 2);
    if (fm.ntags == 2) {
        CHECK_STR(fm.tags[0], "阅读");
        CHECK_STR(fm.tags[1], "工具");
    }
    CHECK(fm.ncategories == 1);
    if (fm.ncategories == 1)
        CHECK_STR(fm.categories[0], "随笔");
    CHECK(fm.nother == 0);
    const char *body = "\n去年冬天";
    CHECK(fm.end < n && !strncmp(s + fm.end, body, strlen(body)));
    CHECK(!strncmp(s + fm.end - 4, "---\n", 4));
    fm_free(&fm);
    free(s);
}

static void test_variants(void)
{
    frontmatter_t fm;

    /* CRLF */
    const char *crlf = "---\r\ntitle: 标题\r\ndate: 2024-05-01\r\n"
                       "tags:\r\n- a\r\n- b\r\n---\r\nbody\r\n";
    CHECK(fm_present(crlf, strlen(crlf)));
    CHECK(parse(crlf, &fm) == 1);
    CHECK_STR(fm.title, "标题");
    CHECK_STR(fm.date, "2024-05-01");
    CHECK(fm.ntags == 2);
    if (fm.ntags == 2) {
        CHECK_STR(fm.tags[0], "a");
        CHECK_STR(fm.tags[1], "b");
    }
    CHECK_STR(crlf + fm.end, "body\r\n");
    fm_free(&fm);

    /* "..." closes; trailing spaces on both delimiter lines */
    const char *dots = "---  \ntitle: T\n...   \nrest";
    CHECK(parse(dots, &fm) == 1);
    CHECK_STR(fm.title, "T");
    CHECK_STR(dots + fm.end, "rest");
    fm_free(&fm);

    /* closing line is the last line, without a terminator */
    const char *last = "---\ntitle: T\n---";
    CHECK(parse(last, &fm) == 1);
    CHECK_STR(fm.title, "T");
    CHECK(fm.end == strlen(last));
    fm_free(&fm);

    /* authors as a sequence */
    const char *seq = "---\nauthors:\n  - 张三\n  - 李四\n  - \"王 五\"\n---\n";
    CHECK(parse(seq, &fm) == 1);
    CHECK(fm.title == NULL);
    CHECK(fm.nauthors == 3);
    if (fm.nauthors == 3) {
        CHECK_STR(fm.authors[0], "张三");
        CHECK_STR(fm.authors[1], "李四");
        CHECK_STR(fm.authors[2], "王 五");
    }
    CHECK(fm.nother == 0);
    fm_free(&fm);

    /* flow sequence, key case-insensitive */
    CHECK(parse("---\nAuthors: [甲, 乙]\nTITLE: x\n---\n", &fm) == 1);
    CHECK(fm.nauthors == 2);
    if (fm.nauthors == 2) {
        CHECK_STR(fm.authors[0], "甲");
        CHECK_STR(fm.authors[1], "乙");
    }
    CHECK_STR(fm.title, "x");
    CHECK(fm.nother == 0);
    fm_free(&fm);

    /* author as a scalar: one author, never split */
    CHECK(parse("---\nauthor: Smith, John\n---\n", &fm) == 1);
    CHECK(fm.nauthors == 1);
    if (fm.nauthors == 1)
        CHECK_STR(fm.authors[0], "Smith, John");
    fm_free(&fm);

    /* tags as a scalar split at "," "，" "、"; items trimmed */
    CHECK(parse("---\ntags: a, b，c\ncategories: 读书、 笔记 ,, \n---\n",
                &fm) == 1);
    CHECK(fm.ntags == 3);
    if (fm.ntags == 3) {
        CHECK_STR(fm.tags[0], "a");
        CHECK_STR(fm.tags[1], "b");
        CHECK_STR(fm.tags[2], "c");
    }
    CHECK(fm.ncategories == 2);
    if (fm.ncategories == 2) {
        CHECK_STR(fm.categories[0], "读书");
        CHECK_STR(fm.categories[1], "笔记");
    }
    fm_free(&fm);

    /* trimmed of SP, TAB, U+3000 and line ends (a block scalar's last
     * line, escapes), not of other spaces; NUL and "；" do not separate */
    CHECK(parse("---\ntags: |\n  　甲　，\t乙\n  丙\n"
                "categories: \"\\f\\v\\r一\\0二；三\\u00a0、\\u3000\\n\"\n---\n", &fm) == 1);
    CHECK_MSG(fm.ntags == 2, "%zu tags", fm.ntags);
    if (fm.ntags == 2) {
        CHECK_STR(fm.tags[0], "甲");
        CHECK_STR(fm.tags[1], "乙\n丙");
    }
    CHECK_MSG(fm.ncategories == 1, "%zu categories", fm.ncategories);
    if (fm.ncategories == 1)
        CHECK(!memcmp(fm.categories[0], "一\0二；三\xc2\xa0", sizeof "一\0二；三\xc2\xa0"));
    fm_free(&fm);

    /* a quoted title with a colon inside */
    CHECK(parse("---\ntitle: \"A: B\"\nsubtitle: 'it''s'\n---\n", &fm) == 1);
    CHECK_STR(fm.title, "A: B");
    CHECK(fm.nother == 1);
    if (fm.nother == 1) {
        CHECK_STR(fm.other[0].key, "subtitle");
        CHECK_STR(fm.other[0].value, "it's");
    }
    fm_free(&fm);

    /* unicode keys go to other, in order; nested values are ignored */
    CHECK(parse("---\n标题: 中文键\n作者: 某人\nmeta:\n  a: 1\nlist: [1, 2]\n"
                "description: 简介\nlang: zh-CN\n---\n",
                &fm) == 1);
    CHECK(fm.title == NULL);
    CHECK(fm.nauthors == 0);
    CHECK(fm.nother == 4);
    if (fm.nother == 4) {
        CHECK_STR(fm.other[0].key, "标题");
        CHECK_STR(fm.other[0].value, "中文键");
        CHECK_STR(fm.other[1].key, "作者");
        CHECK_STR(fm.other[1].value, "某人");
        CHECK_STR(fm.other[2].key, "description");
        CHECK_STR(fm.other[2].value, "简介");
        CHECK_STR(fm.other[3].key, "lang");
        CHECK_STR(fm.other[3].value, "zh-CN");
    }
    fm_free(&fm);

    /* empty / null values */
    CHECK(parse("---\ntitle:\ndate: ~\ntags: null\ncategories: []\n"
                "lang:\nx: ''\n---\n",
                &fm) == 1);
    CHECK(fm.title == NULL);
    CHECK(fm.date == NULL);
    CHECK(fm.ntags == 0 && fm.tags == NULL);
    CHECK(fm.ncategories == 0 && fm.categories == NULL);
    CHECK(fm.nother == 0 && fm.other == NULL);
    CHECK(fm.end > 0);
    fm_free(&fm);

    /* values are kept as text: numbers, booleans, quoted dates */
    CHECK(parse("---\ndate: '2025-01-28'\nweight: 10\ndraft: false\n---\n",
                &fm) == 1);
    CHECK_STR(fm.date, "2025-01-28");
    CHECK(fm.nother == 2);
    if (fm.nother == 2) {
        CHECK_STR(fm.other[0].value, "10");
        CHECK_STR(fm.other[1].value, "false");
    }
    fm_free(&fm);

    /* the first closing line ends the front matter */
    CHECK(parse("---\ntitle: a\n---\n---\nb\n", &fm) == 1);
    CHECK(fm.end == strlen("---\ntitle: a\n---\n"));
    fm_free(&fm);
}

static void test_rejects(void)
{
    static const char *bad[] = {
        "",
        "no front matter\n",
        "# 标题\n\n正文\n",
        "---\ntitle: no closing line\n",
        "---\ntitle: x\n----\n",
        "\n---\ntitle: x\n---\n",
        " ---\ntitle: x\n---\n",
        "\xef\xbb\xbf---\ntitle: x\n---\n",
        "---\ntitle: [unclosed\n---\n",
        "---\nkey: value\n  bad indent: x: y\n---\n",
        "---\ntitle: x\n\tauthor: y\n---\n",
        "---\n\ttitle: x\n---\n",
        "---\n- a\n- b\n---\n",
        "---\njust a scalar\n---\n",
        "---\n---\n",
        "---\n\n   \n---\nbody\n",
        "---\n# only a comment\n---\n",
        "---\ntitle: x\n--- y\n---\n", /* a second YAML document */
        "---\ntitle: \"\xff\"\n---\n",  /* invalid UTF-8 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        frontmatter_t fm;
        memset(&fm, 0x5a, sizeof fm); /* must be zeroed on failure */
        int r = parse(bad[i], &fm);
        CHECK_MSG(r == 0, "case %zu returned %d", i, r);
        CHECK_MSG(is_zero(&fm), "case %zu left fm non-zero", i);
        fm_free(&fm);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_big(void)
{
    /* 20,000 keys, over 1 MiB */
    buf_t b = {0};
    buf_adds(&b, "---\ntitle: 大文件\n");
    char line[128];
    for (int i = 0; i < 20000; i++) {
        snprintf(line, sizeof line,
                 "key_%05d: 值值值值值值值值值值值值值值值值值值值值%05d\n", i,
                 i);
        buf_adds(&b, line);
    }
    buf_adds(&b, "---\n");
    size_t fm_len = b.n;
    buf_adds(&b, "正文\n");
    CHECK(fm_len > 1024 * 1024);
    frontmatter_t fm;
    double t0 = now();
    int r = fm_parse(b.p, b.n, &fm);
    double dt = now() - t0;
    CHECK(r == 1);
    CHECK_MSG(dt < 5.0, "1 MiB front matter took %.2f s", dt);
    CHECK_STR(fm.title, "大文件");
    CHECK(fm.nother == 20000);
    if (fm.nother == 20000) {
        CHECK_STR(fm.other[0].key, "key_00000");
        CHECK_STR(fm.other[19999].key, "key_19999");
        CHECK_STR(fm.other[19999].value,
                  "值值值值值值值值值值值值值值值值值值值值19999");
    }
    CHECK(fm.end == fm_len);
    fm_free(&fm);
    buf_free(&b);

    /* deeply nested flow collections: no crash, 0 or 1 */
    buf_t d = {0};
    buf_adds(&d, "---\nx: ");
    for (int i = 0; i < 5000; i++)
        buf_addc(&d, '[');
    buf_adds(&d, "\n---\n");
    r = fm_parse(d.p, d.n, &fm);
    CHECK(r == 0 || r == 1);
    fm_free(&fm);

    /* the same, closed: valid YAML, ignored nested value */
    d.n = 0;
    buf_adds(&d, "---\ntitle: deep\nx: ");
    for (int i = 0; i < 5000; i++)
        buf_addc(&d, '[');
    for (int i = 0; i < 5000; i++)
        buf_addc(&d, ']');
    buf_adds(&d, "\n---\n");
    r = fm_parse(d.p, d.n, &fm);
    CHECK(r == 0 || r == 1);
    if (r == 1) {
        CHECK_STR(fm.title, "deep");
        CHECK(fm.nother == 0);
    }
    fm_free(&fm);

    /* 1 MiB of "[" (closed or not) must not take quadratic time */
    for (int closed = 0; closed < 2; closed++) {
        d.n = 0;
        buf_adds(&d, "---\nx: ");
        for (int i = 0; i < 512 * 1024; i++)
            buf_addc(&d, '[');
        for (int i = 0; closed && i < 512 * 1024; i++)
            buf_addc(&d, ']');
        buf_adds(&d, "\n---\n");
        t0 = now();
        r = fm_parse(d.p, d.n, &fm);
        dt = now() - t0;
        CHECK(r == 0 || r == 1);
        CHECK_MSG(dt < 5.0, "1 MiB of brackets took %.2f s", dt);
        fm_free(&fm);
    }

    /* moderate nesting (100 levels) is still fine */
    d.n = 0;
    buf_adds(&d, "---\ntitle: nest\nx: ");
    for (int i = 0; i < 100; i++)
        buf_addc(&d, '[');
    for (int i = 0; i < 100; i++)
        buf_addc(&d, ']');
    buf_adds(&d, "\n---\n");
    CHECK(fm_parse(d.p, d.n, &fm) == 1);
    CHECK_STR(fm.title, "nest");
    fm_free(&fm);
    buf_free(&d);
}

/* Where the title's key is: from the parser, not a scan for "title:". */
static void title_at(const char *s, size_t line, const char *key_text)
{
    frontmatter_t fm;
    CHECK_MSG(parse(s, &fm) == 1, "parse: %s", s);
    const char *want = strstr(s, key_text);
    CHECK_MSG(fm.title && fm.title_line == line && want &&
                  fm.title_off == (size_t)(want - s),
              "title line %zu (want %zu), offset %zu (want %td)", fm.title_line, line,
              fm.title_off, want ? want - s : -1);
    fm_free(&fm);
}

static void test_title_place(void)
{
    /* a nested "title:" and one in a block scalar come first */
    title_at("---\n"
             "series:\n"
             "  title: 丛书的名字\n"
             "note: |\n"
             "  title: 这一行是正文\n"
             "  第二行\n"
             "summary: >\n"
             "  title: 折叠的一行\n"
             "title: 真正的标题\n"
             "---\n正文\n",
             9, "title: 真正");
    /* a quoted value whose second line starts "title:" at the margin */
    title_at("---\nnote: \"第一行\ntitle: 在引号里\"\ntitle: 真的\n---\n", 4, "title: 真的");
    /* the key spelt otherwise: a space before the colon, quoted, in
     * capitals; CRLF line ends; CJK text before it on its line */
    title_at("---\ndate: 2025\ntitle : 标题\n---\n", 3, "title : ");
    title_at("---\r\n作者: 某人\r\n\"title\": 标题\r\n---\r\n", 3, "\"title\"");
    title_at("---\n{作者: 某人, Title: 标题}\n---\n", 2, "Title");
    /* a null title does not count: the next one is the title */
    title_at("---\ntitle: ~\ntitle: 第二个\n---\n", 3, "title: 第二个");
    frontmatter_t fm;
    CHECK(parse("---\ndate: 2025\n---\n", &fm) == 1 && !fm.title && fm.title_line == 0);
    fm_free(&fm);
}

int main(void)
{
    setlocale(LC_ALL, "");
    text_init_locale();
    test_present();
    test_shape();
    test_essay();
    test_variants();
    test_rejects();
    test_big();
    test_title_place();
    return T_DONE("test_frontmatter");
}
