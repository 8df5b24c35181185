/* html: the walk's events (blocks, spans, text from the source or not),
 * figures and images, breaks, entities, what is left out, deep nesting;
 * inline tags and block tags of Markdown; the sniff; HTML documents
 * through the structure (title, headings, pieces and search) and raw HTML
 * in Markdown; the charset a page declares. Every text is an exact-length
 * copy (no NUL after it), so the sanitizer build catches a read past its
 * end. */
#include "encoding.h"
#include "html.h"
#include "search.h"
#include "structure.h"
#include "t.h"
#include "t_search.h"
#include "text.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

static char *copy(const char *s, size_t *n)
{
    *n = strlen(s);
    char *p = malloc(*n ? *n : 1);
    memcpy(p, s, *n);
    return p;
}

/* The events as a string: <P> </P> <H2> <Q> <UL> <LI> <CODE> <HR>,
 * spans (em) (/em) (a) ..., text from the source [..], other text {..},
 * a break |, a soft break ~. */
typedef struct {
    buf_t out;
    const char *src;
    size_t n;
    const char *hi; /* source pointers never go back */
    int back;
} rec_t;

static const char *bname(MD_BLOCKTYPE t, void *d)
{
    static char h[4];
    switch (t) {
    case MD_BLOCK_DOC: return "DOC";
    case MD_BLOCK_QUOTE: return "Q";
    case MD_BLOCK_UL: return "UL";
    case MD_BLOCK_OL: return "OL";
    case MD_BLOCK_LI: return "LI";
    case MD_BLOCK_HR: return "HR";
    case MD_BLOCK_H:
        snprintf(h, sizeof h, "H%u", ((MD_BLOCK_H_DETAIL *)d)->level);
        return h;
    case MD_BLOCK_CODE: return "CODE";
    case MD_BLOCK_P: return "P";
    default: return "?";
    }
}

static int r_enter(MD_BLOCKTYPE t, void *d, void *ud)
{
    rec_t *r = ud;
    if (t == MD_BLOCK_DOC)
        return 0;
    buf_adds(&r->out, "<");
    buf_adds(&r->out, bname(t, d));
    buf_adds(&r->out, ">");
    return 0;
}

static int r_leave(MD_BLOCKTYPE t, void *d, void *ud)
{
    rec_t *r = ud;
    if (t == MD_BLOCK_DOC || t == MD_BLOCK_HR)
        return 0;
    buf_adds(&r->out, "</");
    buf_adds(&r->out, t == MD_BLOCK_H ? "H" : bname(t, d));
    buf_adds(&r->out, ">");
    return 0;
}

static const char *sname(MD_SPANTYPE t)
{
    switch (t) {
    case MD_SPAN_EM: return "em";
    case MD_SPAN_STRONG: return "b";
    case MD_SPAN_CODE: return "code";
    case MD_SPAN_A: return "a";
    default: return "del";
    }
}

static int r_espan(MD_SPANTYPE t, void *d, void *ud)
{
    rec_t *r = ud;
    buf_adds(&r->out, "(");
    buf_adds(&r->out, sname(t));
    if (t == MD_SPAN_A) {
        MD_SPAN_A_DETAIL *a = d;
        if (a->href.text) {
            buf_adds(&r->out, " ");
            buf_add(&r->out, a->href.text, a->href.size);
        }
    }
    buf_adds(&r->out, ")");
    return 0;
}

static int r_lspan(MD_SPANTYPE t, void *d, void *ud)
{
    rec_t *r = ud;
    (void)d;
    buf_adds(&r->out, "(/");
    buf_adds(&r->out, sname(t));
    buf_adds(&r->out, ")");
    return 0;
}

static int r_text(MD_TEXTTYPE t, const MD_CHAR *s, MD_SIZE n, void *ud)
{
    rec_t *r = ud;
    if (t == MD_TEXT_BR) {
        buf_adds(&r->out, "|");
        return 0;
    }
    if (t == MD_TEXT_SOFTBR) {
        buf_adds(&r->out, "~");
        return 0;
    }
    int in = s >= r->src && s + n <= r->src + r->n;
    if (in) {
        if (s < r->hi)
            r->back = 1;
        r->hi = s + n;
    }
    buf_adds(&r->out, in ? "[" : "{");
    buf_add(&r->out, s, n);
    buf_adds(&r->out, in ? "]" : "}");
    return 0;
}

static char events[8192];
static int went_back;
static const char *walk(const char *html, int flags)
{
    size_t n;
    char *t = copy(html, &n);
    rec_t r;
    memset(&r, 0, sizeof r);
    r.src = t;
    r.n = n;
    r.hi = t;
    MD_PARSER p;
    memset(&p, 0, sizeof p);
    p.enter_block = r_enter;
    p.leave_block = r_leave;
    p.enter_span = r_espan;
    p.leave_span = r_lspan;
    p.text = r_text;
    html_parse(t, n, flags, &p, &r);
    buf_add(&r.out, "", 1);
    snprintf(events, sizeof events, "%s", r.out.p);
    went_back = r.back;
    buf_free(&r.out);
    free(t);
    return events;
}

static void test_blocks(void)
{
    CHECK_STR(walk("<h2>一</h2><p>甲乙</p><h3>二</h3>", HTML_FRAGMENT),
              "<H2>[一]</H><P>[甲乙]</P><H3>[二]</H>");
    /* white space collapsed, a line break in it a soft break */
    CHECK_STR(walk("<p>  甲\n  乙 丙  </p>", HTML_FRAGMENT), "<P>[甲]~[乙][ ][丙]</P>");
    /* text straight in a div, and around a p */
    CHECK_STR(walk("<div>前<p>中</p>后</div>", HTML_FRAGMENT),
              "<P>[前]</P><P>[中]</P><P>[后]</P>");
    /* <br> a break; two a new paragraph; a leading one nothing */
    CHECK_STR(walk("<p><br>一<br>\n二<br> <br>三</p>", HTML_FRAGMENT),
              "<P>[一]|[二]</P><P>[三]</P>");
    /* lists, quotes, rules, pre */
    CHECK_STR(walk("<ul><li>a</li><li>b<ol start=3><li>c</li></ol></li></ul>", HTML_FRAGMENT),
              "<UL><LI><P>[a]</P></LI><LI><P>[b]</P><OL><LI><P>[c]</P></LI></OL></LI></UL>");
    CHECK_STR(walk("<blockquote>引<p>文</p></blockquote><hr>", HTML_FRAGMENT),
              "<Q><P>[引]</P><P>[文]</P></Q><HR>");
    CHECK_STR(walk("<pre>\nif (a)\n  b;\n</pre>", HTML_FRAGMENT),
              "<CODE>[if (a)\n][  b;\n]</CODE>");
    /* a block inside a heading is only white space */
    CHECK_STR(walk("<h2>上<div>下</div></h2>", HTML_FRAGMENT), "<H2>[上]~[下]</H>");
    /* an <li> outside a list is a paragraph */
    CHECK_STR(walk("<li>孤</li>", HTML_FRAGMENT), "<P>[孤]</P>");
}

static void test_spans_and_images(void)
{
    CHECK_STR(walk("<p><em>斜</em><b>粗</b><span class=x>普</span><a href=\"u\">链</a></p>",
                   HTML_FRAGMENT),
              "<P>(em)[斜](/em)(b)[粗](/b)[普](a u)[链](/a)</P>");
    /* images: alt, none, a figure's caption preferred */
    CHECK_STR(walk("<p>前<img src=a alt=\" 山 水 \">后<img src=b></p>", HTML_FRAGMENT),
              "<P>[前]{[图: 山 水]}[后]{[图]}</P>");
    CHECK_STR(walk("<figure><img alt=\"替\"><figcaption>说明<b>文字</b></figcaption></figure>",
                   HTML_FRAGMENT),
              "<P>{[图: 替 — 说明文字]}</P>");
    CHECK_STR(walk("<figure><img><figcaption>说明</figcaption></figure>", HTML_FRAGMENT),
              "<P>{[图: 说明]}</P>");
    CHECK_STR(walk("<figure><img alt=\"替\"></figure>", HTML_FRAGMENT), "<P>{[图: 替]}</P>");
    /* a figure without an image: its caption is text */
    CHECK_STR(walk("<figure><blockquote>句</blockquote><figcaption>出处</figcaption></figure>",
                   HTML_FRAGMENT),
              "<Q><P>[句]</P></Q><P>[出处]</P>");
    /* ruby: the base text */
    CHECK_STR(walk("<p><ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby>だ</p>", HTML_FRAGMENT),
              "<P>[漢字][だ]</P>");
}

static void test_entities_and_dropped(void)
{
    /* decoded text is not the source's; the rest is */
    CHECK_STR(walk("<p>甲&amp;乙&nbsp;丙&#x4E2D;</p>", HTML_FRAGMENT),
              "<P>[甲]{&}[乙]{ }[丙]{中}</P>");
    CHECK(!went_back);
    CHECK_STR(walk("<p>a\r\nb</p>", HTML_FRAGMENT), "<P>[a]~[b]</P>");
    /* left out */
    CHECK_STR(walk("<head><title>T</title><style>p{}</style></head><body><script>x=1</script>"
                   "<p>文<!-- c --></p><template><p>t</p></template><noscript>n</noscript>"
                   "<svg><text>s</text></svg><textarea>ta</textarea></body>",
                   0),
              "<P>[文]</P>");
    /* html_entity */
    char b[16];
    CHECK(html_entity("&amp;", 5, b, sizeof b) == 1 && !strcmp(b, "&"));
    CHECK(html_entity("&nbsp;", 6, b, sizeof b) == 1 && !strcmp(b, " "));
    CHECK(html_entity("&#x4E2D;", 8, b, sizeof b) == 3 && !strcmp(b, "中"));
    CHECK(html_entity("&#20013;", 8, b, sizeof b) == 3 && !strcmp(b, "中"));
    CHECK(html_entity("&eacute;", 8, b, sizeof b) == 2 && !strcmp(b, "é"));
    CHECK(html_entity("&rarr;", 6, b, sizeof b) > 0 && !strcmp(b, "→"));
    CHECK(html_entity("&nosuchthing;", 13, b, sizeof b) == -1);
    CHECK(html_entity("&#0;", 4, b, sizeof b) == 3 && !strcmp(b, "\xEF\xBF\xBD"));
}

static void test_title(void)
{
    /* the title and the h1 that repeats it */
    size_t n;
    const char *doc = "<!DOCTYPE html><html><head><title>标题 - 某网站</title>"
                      "<meta name=\"author\" content=\"作者\"></head><body>"
                      "<h1>标题</h1><p>正文。</p><h2>一</h2><p>甲。</p><h3>二</h3><p>乙。</p>"
                      "<h2>三</h2><p>丙 &amp; 丁。</p><script>var tracker;</script></body></html>";
    char *t = copy(doc, &n);
    html_info_t info;
    html_doc_t *h = html_open(t, n, 0, &info);
    CHECK_STR(info.title, "标题");
    CHECK_STR(info.author, "作者");
    CHECK(info.title_off == (size_t)(strstr(doc, "<h1>") - doc));
    html_close(h);
    free(info.title);
    free(info.author);

    structure_t st;
    st_build(&st, t, n, FMT_AUTO, "a.html");
    CHECK(st.html && st.markdown && st.has_fm);
    buf_t b = {0};
    CHECK(st_title(&st, &b) && !strcmp(b.p, "标题"));
    CHECK(st.nheadings == 3);
    if (st.nheadings == 3) {
        st_heading_text(&st, &st.headings[0], &b);
        CHECK_STR(b.p, "一");
        CHECK(st.headings[0].level == 1 && st.headings[1].level == 2 &&
              st.headings[2].level == 1);
    }
    /* the h1 is not a block: its text is shown once, as the title */
    int h1 = 0;
    for (size_t i = 0; i < st.nblocks; i++) {
        st_block_text(&st, &st.blocks[i], &b);
        h1 += !strcmp(b.p, "标题");
    }
    CHECK(h1 == 0);
    /* searched as shown: across an entity, not in a script or a tag */
    search_t S;
    t_shown(&S, t, n, &st);
    query_t Q = {0};
    match_t m;
    CHECK(t_find(&S, &Q, "丙 & 丁", 0, &m) && m.a == (size_t)(strstr(doc, "丙") - doc));
    const char *none[] = {"tracker", "h2", "正文。一"};
    for (size_t i = 0; i < 3; i++)
        CHECK_MSG(!t_find(&S, &Q, none[i], 0, &m), "%s", none[i]);
    query_free(&Q);
    search_free(&S);
    buf_free(&b);
    st_free(&st);
    free(t);

    /* no <title>: the first h1; a title line in the body shown once */
    t = copy("<html><body><h1>甲文</h1><p>乙。</p></body></html>", &n);
    st_build(&st, t, n, FMT_AUTO, "x");
    CHECK(st.html && st_title(&st, &b) && !strcmp(b.p, "甲文") && st.nheadings == 0);
    st_free(&st);
    free(t);
    t = copy("<html><head><title>茶</title></head><body><center><b>茶</b></center><p>乙。</p>",
             &n);
    st_build(&st, t, n, FMT_HTML, "x.txt");
    CHECK(st.html && st_title(&st, &b) && !strcmp(b.p, "茶"));
    size_t shown = 0;
    for (size_t i = 0; i < st.nblocks; i++)
        shown += st.blocks[i].kind == BK_PARA;
    CHECK(shown == 1);
    buf_free(&b);
    st_free(&st);
    free(t);
}

static void test_formats(void)
{
    const char *d = "<!DOCTYPE html><p>x</p>";
    CHECK(html_sniff(d, strlen(d)));
    d = "\xEF\xBB\xBF  <!-- saved --> <HTML lang=zh>";
    CHECK(html_sniff(d, strlen(d)));
    d = "<htmlx>";
    CHECK(!html_sniff(d, strlen(d)));
    d = "一段文字 <html>";
    CHECK(!html_sniff(d, strlen(d)));
    CHECK(html_path("a/B.HTM") && html_path("c.xhtml") && !html_path("d.md") && !html_path(NULL));
    d = "<p>x</p>";
    CHECK(st_is_html(d, strlen(d), FMT_AUTO, "a.html"));
    CHECK(!st_is_html(d, strlen(d), FMT_AUTO, "a.txt"));
    CHECK(st_is_html(d, strlen(d), FMT_HTML, "a.md"));
    CHECK(!st_is_html(d, strlen(d), FMT_TEXT, "a.html"));
    d = "---\ntitle: t\n---\n<p>x</p>";
    CHECK(!st_is_html(d, strlen(d), FMT_AUTO, "a.html")); /* front matter: Markdown */
    /* inline tags and block tags of Markdown */
    html_tag_t t;
    html_inline_tag("<br/>", 5, &t);
    CHECK(t.kind == HTML_IT_BR);
    const char *img = "<img src=\"x.png\" alt=\"a &amp; b\">";
    html_inline_tag(img, strlen(img), &t);
    CHECK(t.kind == HTML_IT_IMG && !strcmp(t.alt, "a & b"));
    html_inline_tag("</B>", 4, &t);
    CHECK(t.kind == HTML_IT_STYLE && t.closing && t.bit == 1);
    html_inline_tag("<script>", 8, &t);
    CHECK(t.kind == HTML_IT_DROP && !t.closing);
    html_inline_tag("<span class=x>", 14, &t);
    CHECK(t.kind == HTML_IT_NONE);
    html_inline_tag("<!-- c -->", 10, &t);
    CHECK(t.kind == HTML_IT_NONE);
    CHECK(html_block_tag("<h2>", 4) && html_block_tag("</div>", 6) &&
          html_block_tag("<p class=x>", 11) && !html_block_tag("<span>", 6) &&
          !html_block_tag("<h2x>", 5) && !html_block_tag("<h2", 3));
}

static void test_markdown(void)
{
    size_t n;
    const char *doc = "# 标题\n\n<h2>一</h2>\n\n甲&nbsp;乙<br>\n丙<span>丁</span>。\n\n"
                      "<h3>二</h3>\n\n<figure><img alt=\"图\"><figcaption>说明</figcaption></figure>\n";
    char *t = copy(doc, &n);
    structure_t st;
    st_build(&st, t, n, FMT_AUTO, "a.md");
    CHECK(!st.html && st.markdown);
    CHECK(st.nheadings == 3);
    buf_t b = {0};
    if (st.nheadings == 3) {
        st_heading_text(&st, &st.headings[1], &b);
        CHECK_STR(b.p, "一");
        CHECK(st.headings[1].level == 1 && st.headings[2].level == 2);
        CHECK(st.headings[1].start == (size_t)(strstr(doc, "一") - doc));
    }
    int para = 0, fig = 0;
    for (size_t i = 0; i < st.nblocks; i++) {
        const block_t *bk = &st.blocks[i];
        st_block_text(&st, bk, &b);
        if (strstr(b.p, "甲")) {
            para = 1;
            CHECK_STR(b.p, "甲 乙 丙丁。"); /* (a break reads as a space) */
            int hard = 0, soft = 0;
            for (size_t k = bk->span0; k < bk->span0 + bk->nspan; k++) {
                hard += st.spans[k].kind == SK_HARDBR;
                soft += st.spans[k].kind == SK_SOFTBR;
            }
            CHECK(hard == 1 && soft == 0);
        }
        fig += !strcmp(b.p, "[图: 图 — 说明]");
    }
    CHECK(para && fig == 1);
    buf_free(&b);
    st_free(&st);
    free(t);
}

/* Deeply nested elements: no recursion, the text kept. */
static void test_deep(void)
{
    enum { D = 100000 }; /* (gumbo's time would grow as its square) */
    buf_t b = {0};
    for (int i = 0; i < D; i++)
        buf_adds(&b, i % 3 ? "<div>" : "<blockquote>");
    buf_adds(&b, "深处");
    for (int i = 0; i < D; i++)
        buf_adds(&b, "<b>");
    buf_adds(&b, "更深");
    size_t n = b.n;
    char *t = malloc(n);
    memcpy(t, b.p, n);
    structure_t st;
    st_build(&st, t, n, FMT_HTML, NULL);
    buf_t all = {0};
    for (size_t i = 0; i < st.nblocks; i++) {
        st_block_text(&st, &st.blocks[i], &b);
        buf_adds(&all, b.p);
    }
    buf_add(&all, "", 1);
    CHECK(strstr(all.p, "深处") && strstr(all.p, "更深") && !strchr(all.p, '<'));
    st_free(&st);
    free(t);
    /* the end tags of the tags cut are cut: the text between stays, no
     * tag's bytes shown; the depth of unclosed <p>s does not count */
    b.n = 0;
    for (int i = 0; i < 600; i++)
        buf_adds(&b, "<div>");
    buf_adds(&b, "甲</div></div>乙");
    n = b.n;
    t = malloc(n);
    memcpy(t, b.p, n);
    st_build(&st, t, n, FMT_HTML, NULL);
    all.n = 0;
    for (size_t i = 0; i < st.nblocks; i++) {
        st_block_text(&st, &st.blocks[i], &b);
        buf_adds(&all, b.p);
    }
    buf_add(&all, "", 1);
    CHECK(strstr(all.p, "甲 乙") && !strchr(all.p, '<'));
    st_free(&st);
    free(t);
    b.n = 0;
    for (int i = 0; i < 2000; i++)
        buf_adds(&b, "<p>段");
    n = b.n;
    t = malloc(n);
    memcpy(t, b.p, n);
    st_build(&st, t, n, FMT_HTML, NULL);
    size_t paras = 0;
    for (size_t i = 0; i < st.nblocks; i++) {
        st_block_text(&st, &st.blocks[i], &b);
        paras += !strcmp(b.p, "段");
    }
    CHECK(paras == 2000);
    st_free(&st);
    buf_free(&all);
    buf_free(&b);
    free(t);
}

static void test_charset(void)
{
    /* GB18030 bytes of 中文测试 declared EUC-KR: the declaration decides */
    const char *gb = "\xD6\xD0\xCE\xC4\xB2\xE2\xCA\xD4";
    char page[256];
    size_t bom;
    snprintf(page, sizeof page, "<html><head><meta charset=\"euc-kr\"></head><body>%s%s%s</body>",
             gb, gb, gb);
    CHECK_STR(enc_detect((const unsigned char *)page, strlen(page), &bom), "CP949");
    snprintf(page, sizeof page,
             "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=GB2312\">%s", gb);
    CHECK_STR(enc_detect((const unsigned char *)page, strlen(page), &bom), "GB18030");
    /* valid UTF-8 wins over a declaration */
    snprintf(page, sizeof page, "<meta charset=gbk><p>中文测试</p>");
    CHECK_STR(enc_detect((const unsigned char *)page, strlen(page), &bom), "UTF-8");
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    text_init_locale();
    test_blocks();
    test_spans_and_images();
    test_entities_and_dropped();
    test_title();
    test_formats();
    test_markdown();
    test_deep();
    test_charset();
    return T_DONE("html");
}
