/* aozora: the notation (detection, the legend, the colophon, one line's
 * items, cuts and block annotations) and its front end (blocks, spans,
 * headings and levels, the title block, the pieces search reads, search
 * across a reading, render's ruby). Expected values come from the forms
 * of Aozora Bunko's manual as src/aozora.h states them. Every text is an
 * exact-length copy (no NUL after it), so the sanitizer build catches a
 * read past its end. */
#include "aozora.h"
#include "para.h"
#include "render.h"
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

/* One line parsed: what it shows (readings in 《》, literals in []) and
 * its items' styles, into out. */
static char shown[4096];
static void parse(az_line_t *L, const char *line)
{
    size_t n;
    char *t = copy(line, &n);
    az_line(L, t, 0, n);
    buf_t b = {0};
    buf_add(&b, "", 0);
    for (size_t i = 0; i < L->n; i++) {
        const az_item_t *it = &L->v[i];
        if (it->style & AZ_EM)
            buf_adds(&b, "<em>");
        if (it->style & AZ_STRONG)
            buf_adds(&b, "<b>");
        if (it->kind == AZ_TEXT)
            buf_add(&b, t + it->off, it->len);
        else if (it->kind == AZ_RUBY) {
            buf_adds(&b, "《");
            buf_add(&b, t + it->off, it->len);
            buf_adds(&b, "》");
        } else {
            buf_adds(&b, "[");
            buf_add(&b, L->lit.p + it->lit, it->llen);
            buf_adds(&b, "]");
        }
        if (it->style)
            buf_adds(&b, "|");
    }
    snprintf(shown, sizeof shown, "%s", b.p);
    buf_free(&b);
    free(t);
}

static int detect(const char *s)
{
    size_t n;
    char *t = copy(s, &n);
    int r = az_detect(t, n);
    free(t);
    return r;
}

static void test_detect(void)
{
    CHECK(detect("題\r\n\r\n------------\r\n【テキスト中に現れる記号について】\r\n"));
    CHECK(detect("一行目\n［＃５字下げ］見出し［＃「見出し」は中見出し］\n"));
    CHECK(detect("本文《ほんぶん》。\n\n\n底本：「本」出版社\n入力：誰か\n"));
    CHECK(detect("本文。\n\n底本：「本」\nこのファイルは、青空文庫で作られました。\n"));
    /* a Chinese text's book titles, a reading-like bracket without the rest */
    CHECK(!detect("我读了《三体》和《红楼梦》，还有《论语》。\n"));
    CHECK(!detect("漢字《かんじ》だけの文。\n"));
    CHECK(!detect("［＃ is not closed on its line\n］\n"));
    CHECK(!detect("底本：の話。\n入力は要らない。\n"));
    CHECK(!detect(""));
}

static void test_legend_colophon(void)
{
    const char *s = "題\r\n著者\r\n\r\n-------------------\r\n"
                    "【テキスト中に現れる記号について】\r\n\r\n《》：ルビ\r\n"
                    "-------------------\r\n\r\n本文\r\n\r\n底本：「本」\r\n入力：某\r\n";
    size_t n, a = 0;
    char *t = copy(s, &n);
    size_t b = az_legend(t, n, &a);
    CHECK(a == strlen("題\r\n著者\r\n\r\n"));
    CHECK(b > a && !memcmp(t + b, "\r\n本文", strlen("\r\n本文")));
    size_t c = az_colophon(t, n);
    CHECK(c < n && !memcmp(t + c, "底本：", strlen("底本：")));
    CHECK(az_colophon(t, c) == c); /* none before it */
    free(t);
    /* a legend that does not close: none */
    t = copy("------------\n【テキスト中に現れる記号について】\n《》：ルビ\n", &n);
    CHECK(az_legend(t, n, &a) == 0);
    free(t);
}

static void test_ruby(void)
{
    az_line_t L;
    az_init(&L);
    parse(&L, "展望図《パースペクティヴ》に過ぎない");
    CHECK_STR(shown, "展望図《パースペクティヴ》に過ぎない");
    CHECK(L.n == 3 && L.v[1].kind == AZ_RUBY);
    parse(&L, "地｜辷《すべ》り");
    CHECK_STR(shown, "地辷《すべ》り");
    parse(&L, "my《マイ》 brother《ブラザー》");
    CHECK_STR(shown, "my《マイ》 brother《ブラザー》");
    /* no base before 《, no 》: text as it is */
    parse(&L, "「《あ》」と、漢字《かんじ");
    CHECK_STR(shown, "「《あ》」と、漢字《かんじ");
    CHECK(L.n == 1 && L.v[0].kind == AZ_TEXT);
    /* ｜ without a reading after it is text */
    parse(&L, "Ａ｜Ｂ");
    CHECK_STR(shown, "Ａ｜Ｂ");
    /* a reading of a gaiji, and a gaiji inside a reading left out */
    parse(&L, "※［＃「口＋羊」、U+54A9、1-1］《め》と鳴く｜羊《ひ※［＃「口＋羊」、U+54A9］じ》");
    CHECK_STR(shown, "[咩]《め》と鳴く羊《ひ》《じ》");
    /* 「X」に「Y」のルビ: Y reads X */
    parse(&L, "静寂［＃「静寂」に「しじま」のルビ］が来た");
    CHECK_STR(shown, "静寂《しじま》が来た");
    parse(&L, "石［＃「石」の左に「いし」のルビ］");
    CHECK_STR(shown, "石《いし》");
    parse(&L, "石［＃「岩」に「いわ」のルビ］");
    CHECK_STR(shown, "石");
    az_free(&L);
}

static void test_gaiji(void)
{
    az_line_t L;
    az_init(&L);
    parse(&L, "絨※［＃「疉＋毛」、第4水準2-78-16］");
    CHECK_STR(shown, "絨[氎]");
    CHECK(L.v[1].kind == AZ_LIT && L.v[1].off == strlen("絨") &&
          L.v[1].len == strlen("※［＃「疉＋毛」、第4水準2-78-16］"));
    parse(&L, "※［＃「巾＋皮」、第3水準1-84-9］※［＃ローマ数字1、1-13-21］");
    CHECK_STR(shown, "[帔][Ⅰ]");
    parse(&L, "※［＃「口＋羊」、U+54A9、12-3］※［＃「にんべん＋會」、第4水準2-3-1］");
    CHECK_STR(shown, "[咩][儈]");
    /* no code (a page and line only), or one no character has */
    parse(&L, "※［＃「木＋忽」、12-5］と※［＃「木＋無」、第4水準2-2-1］");
    CHECK_STR(shown, "[〔木＋忽〕]と[〔木＋無〕]");
    parse(&L, "※［＃二の字点、1-2-22］");
    CHECK_STR(shown, "[〻]");
    /* ※ before no annotation is text */
    parse(&L, "※印");
    CHECK_STR(shown, "※印");
    az_free(&L);
}

static void test_styles_and_hidden(void)
{
    az_line_t L;
    az_init(&L);
    parse(&L, "これをなるべく［＃「なるべく」に傍点］忠実に");
    CHECK_STR(shown, "これを<em>なるべく|忠実に");
    parse(&L, "赤い花［＃「赤い花」に白ゴマ傍点］と古い地図［＃「古い地図」は太字］");
    CHECK_STR(shown, "<em>赤い花|と<b>古い地図|");
    /* X not right before: nothing */
    parse(&L, "花が咲く［＃「花」に傍点］");
    CHECK_STR(shown, "花が咲く");
    /* X over a reading: the reading is not part of it */
    parse(&L, "儲口《もうけぐち》［＃「儲口」に傍点］");
    CHECK_STR(shown, "<em>儲口|《もうけぐち》");
    parse(&L, "［＃傍点］月の夜［＃傍点終わり］と［＃太字］星［＃太字終わり］");
    CHECK_STR(shown, "<em>月の夜|と<b>星|");
    parse(&L, "文［＃改ページ］章［＃「章」は底本では「草」］［＃ママ］");
    CHECK_STR(shown, "文章");
    parse(&L, "［＃挿絵（fig1.png）入る］［＃「駅の図」のキャプション付きの図（f.png、横1×縦1）入る］");
    CHECK_STR(shown, "[[图]][[图: 駅の図]]");
    az_free(&L);
}

static void test_cuts_and_blocks(void)
{
    az_line_t L;
    az_init(&L);
    parse(&L, "［＃６字下げ］一　地震の概念［＃「一　地震の概念」は中見出し］");
    CHECK_STR(shown, "一　地震の概念");
    CHECK(L.indent == 6 && L.indent2 == 6);
    CHECK(L.cut[0].what == AZ_HEAD && L.cut[0].n == 2);
    parse(&L, "［＃大見出し］第一部［＃大見出し終わり］");
    CHECK(L.cut[0].what == AZ_HEAD && L.cut[0].n == 1 && L.indent == -1);
    /* 同行 and 窓: the text after the heading is text */
    parse(&L, "覚書［＃「覚書」は同行小見出し］　帰り道は短い。");
    CHECK(L.ncut == 2 && L.cut[0].what == AZ_HEAD && L.cut[0].n == 3 &&
          L.cut[1].what == AZ_PARA && L.cut[1].item == 1);
    parse(&L, "［＃窓中見出し］注意［＃窓中見出し終わり］傘を忘れないこと。");
    CHECK(L.ncut == 2 && L.cut[0].what == AZ_HEAD && L.cut[0].n == 2 && L.cut[1].item == 1);
    /* flush right, mid-line and whole */
    parse(&L, "目標である。［＃地から１字上げ］（大正十三年）");
    CHECK(L.ncut == 2 && L.cut[0].what == AZ_PARA && L.cut[1].what == AZ_RIGHT &&
          L.cut[1].n == 1 && L.cut[1].item == 1);
    parse(&L, "［＃地付き］昭和二年");
    CHECK(L.ncut == 1 && L.cut[0].what == AZ_RIGHT && L.cut[0].n == 0);
    /* 字下げ with a hanging wrap, in any digits */
    parse(&L, "［＃２字下げ、折り返して３字下げ］一、傘");
    CHECK(L.indent == 2 && L.indent2 == 3);
    parse(&L, "［＃十二字下げ］あ");
    CHECK(L.indent == 12);
    parse(&L, "［＃折り返して２字下げ］あ");
    CHECK(L.indent == 0 && L.indent2 == 2);
    parse(&L, "あ［＃３字下げ］い"); /* not before the text: nothing */
    CHECK(L.indent == -1);
    /* block annotations */
    parse(&L, "［＃ここから２字下げ、折り返して４字下げ］");
    CHECK(L.n == 0 && L.nblk == 1 && L.blk[0].op == AZB_INDENT && L.blk[0].n == 2 &&
          L.blk[0].n2 == 4);
    parse(&L, "［＃ここから改行天付き、折り返して１字下げ］");
    CHECK(L.nblk == 1 && L.blk[0].op == AZB_INDENT && L.blk[0].n == 0 && L.blk[0].n2 == 1);
    parse(&L, "［＃ここで字下げ終わり］");
    CHECK(L.nblk == 1 && L.blk[0].op == AZB_INDENT_END);
    parse(&L, "［＃ここから地から３字上げ］");
    CHECK(L.nblk == 1 && L.blk[0].op == AZB_RIGHT && L.blk[0].n == 3);
    parse(&L, "［＃ここで字上げ終わり］");
    CHECK(L.nblk == 1 && L.blk[0].op == AZB_RIGHT_END);
    parse(&L, "［＃ここから中見出し］");
    CHECK(L.nblk == 1 && L.blk[0].op == AZB_HEAD && L.blk[0].n == 2);
    parse(&L, "［＃ここで中見出し終わり］");
    CHECK(L.nblk == 1 && L.blk[0].op == AZB_HEAD_END);
    parse(&L, "［＃ここから太字］");
    CHECK(L.nblk == 1 && L.blk[0].op == AZB_STYLE && L.blk[0].n == AZ_STRONG);
    /* an annotation that does not close is text */
    parse(&L, "［＃５字下げ");
    CHECK_STR(shown, "［＃５字下げ");
    az_free(&L);
}

/* Occurrences of s in t[0..n). */
static size_t count(const char *t, size_t n, const char *s)
{
    size_t k = 0;
    for (const char *p = t; (p = memmem(p, (size_t)(t + n - p), s, strlen(s))); p += strlen(s))
        k++;
    return k;
}

static void test_cut(void)
{
    /* a long line is cut where a line may break, never in a reading or an
     * annotation, nor between a base and its reading */
    buf_t b = {0};
    while (b.n < 3 * PARA_PIECE)
        buf_adds(&b, "漢字《かんじ》が好き［＃「好き」に傍点］。｜青空《あおぞら》と空。");
    char *t = malloc(b.n);
    memcpy(t, b.p, b.n);
    int bad = 0, moved = 0;
    for (size_t m = PARA_PIECE; m < b.n; m = utf8_next(t, m + 997, b.n)) {
        size_t c = az_cut(t, m, b.n);
        moved += c > m + 60;
        bad += c < m || count(t, c, "《") != count(t, c, "》") ||
               count(t, c, "［＃") != count(t, c, "］") || count(t, c, "｜") != count(t, c, "あおぞら") ||
               (c < b.n && !memcmp(t + c, "《", 3));
    }
    CHECK(bad == 0);
    CHECK(moved == 0); /* (each step is a few characters at most) */
    CHECK(az_cut(t, b.n, b.n) == b.n);
    free(t);
    buf_free(&b);
}

/* ---- the front end ------------------------------------------------------ */

static const char DOC[] =
    "雨の記\r\n｜山田《やまだ》一郎\r\n\r\n"
    "-------------------------------------------------------\r\n"
    "【テキスト中に現れる記号について】\r\n\r\n《》：ルビ\r\n"
    "（例）［＃５字下げ］例［＃「例」は中見出し］\r\n"
    "-------------------------------------------------------\r\n\r\n"
    "［＃３字下げ］上［＃「上」は大見出し］\r\n\r\n"
    "［＃５字下げ］一　駅［＃「一　駅」は中見出し］\r\n\r\n"
    "　漢字《かんじ》が好き。なるべく［＃「なるべく」に傍点］。\r\n"
    "［＃ここから２字下げ］\r\n引用。\r\n［＃ここで字下げ終わり］\r\n"
    "終わり。［＃地から１字上げ］（日記）\r\n"
    "［＃小見出し］小［＃小見出し終わり］\r\n\r\n"
    "［＃ここから中見出し］\r\n二　長い\r\n見出し\r\n［＃ここで中見出し終わり］\r\n\r\n"
    "本文。\r\n\r\n\r\n\r\n"
    "底本：「雨の記」架空書房\r\n入力：某\r\n";

static const block_t *block_with(const structure_t *st, const char *s)
{
    const char *p = memmem(st->text, st->len, s, strlen(s));
    for (size_t i = st->nblocks; p && i-- > 0;)
        if (st->blocks[i].start <= (size_t)(p - st->text))
            return &st->blocks[i];
    return NULL;
}

static void test_front_end(void)
{
    size_t n;
    char *t = copy(DOC, &n);
    structure_t st;
    st_build(&st, t, n, FMT_AUTO, "x.txt");
    CHECK(st.aozora && !st.markdown);
    /* the title block: title and authors, the outline's root */
    CHECK(st.has_fm && st.blocks[0].kind == BK_META);
    CHECK_STR(st.fm.title, "雨の記");
    CHECK(st.fm.nauthors == 1 && !strcmp(st.fm.authors[0], "山田一郎"));
    buf_t b = {0};
    CHECK(st_title(&st, &b) && !strcmp(b.p, "雨の記"));
    /* headings: the legend's example is none; levels by kind */
    const char *want[] = {"上", "一　駅", "小", "二　長い 見出し"};
    int lv[] = {1, 2, 3, 2};
    CHECK(st.nheadings == 4);
    for (size_t i = 0; i < st.nheadings && i < 4; i++) {
        st_heading_text(&st, &st.headings[i], &b);
        CHECK_STR(b.p, want[i]);
        CHECK(st.headings[i].level == lv[i]);
    }
    CHECK(st.nheadings && st.headings[1].line == 13);
    /* no block holds the legend */
    for (size_t i = 0; i < st.nblocks; i++)
        CHECK(!memmem(t + st.blocks[i].start, st.blocks[i].end - st.blocks[i].start, "《》",
                      strlen("《》")));
    /* indents, flush right, the reading as a span of its own */
    const block_t *h = block_with(&st, "一　駅");
    CHECK(h && h->kind == BK_HEADING && h->indent == 5);
    const block_t *q = block_with(&st, "引用");
    CHECK(q && q->kind == BK_PARA && q->indent == 2 && q->indent2 == 2);
    const block_t *r = block_with(&st, "（日記）");
    CHECK(r && (r->flags & BF_RIGHT) && r->indent == 1 && r->start == (size_t)(strstr(DOC, "（日記）") - DOC));
    const block_t *k = block_with(&st, "漢字");
    int ruby = 0, em = 0;
    for (uint32_t i = k ? k->span0 : 0; k && i < k->span0 + k->nspan; i++) {
        const span_t *sp = &st.spans[i];
        ruby += sp->kind == SK_RUBY && sp->len == strlen("かんじ") &&
                !memcmp(t + sp->off, "かんじ", sp->len);
        em += (sp->style & SP_EM) && sp->len == strlen("なるべく");
    }
    CHECK(ruby == 1 && em == 1);
    st_block_text(&st, k, &b);
    CHECK_STR(b.p, "　漢字が好き。なるべく。");
    /* the colophon: a rule, then its lines dimmed */
    const block_t *c = block_with(&st, "底本");
    CHECK(c && c > st.blocks && c[-1].kind == BK_RULE && c->nspan &&
          (st.spans[c->span0].style & SP_NOTE));
    CHECK(st.nspeakers == 0);
    /* the pieces: the text shown, in order, without readings */
    buf_t all = {0};
    for (size_t i = 0; i < st.npieces; i++) {
        CHECK(!i || st.pieces[i].src >= st.pieces[i - 1].src + st.pieces[i - 1].n);
        buf_add(&all, st.pieces[i].p, st.pieces[i].n);
    }
    buf_add(&all, "", 0);
    CHECK(strstr(all.p, "漢字が好き。なるべく。") && !strstr(all.p, "かんじ") &&
          !strstr(all.p, "［＃") && !strstr(all.p, "テキスト中") && strstr(all.p, "底本："));
    buf_free(&all);
    buf_free(&b);
    st_free(&st);
    free(t);
    /* --format=text: none of it */
    t = copy(DOC, &n);
    st_build(&st, t, n, FMT_TEXT, "x.txt");
    CHECK(!st.aozora && !st.pieces && st.nheadings == 0);
    st_free(&st);
    free(t);
    /* without 見出し, the plain-text kinds of headings */
    t = copy("題\n\n一、始め［＃「始め」に傍点］\n本文。\n二、次\n本文。\n\n底本：「題」\n入力：某\n", &n);
    st_build(&st, t, n, FMT_AUTO, "x.txt");
    CHECK(st.aozora && st.nheadings == 2 && st.headings[0].level == 1 &&
          st.headings[1].level == 1);
    st_free(&st);
    free(t);
}

static void test_search(void)
{
    size_t n;
    char *t = copy(DOC, &n);
    structure_t st;
    st_build(&st, t, n, FMT_AUTO, "x.txt");
    search_t S;
    t_shown(&S, t, n, &st);
    query_t Q = {0};
    match_t m;
    size_t at = (size_t)(strstr(DOC, "漢字《") - DOC);
    /* across the reading, folded and exact */
    CHECK(t_find(&S, &Q, "漢字が", 0, &m) && m.a == at &&
          m.b == (size_t)(strstr(DOC, "が好き") - DOC) + 3);
    /* from inside the reading, and backwards from the end */
    CHECK(search_find(&S, &Q, at + 8, 1, &m) == 0);
    CHECK(search_find(&S, &Q, at - 1, 1, &m) && m.a == at);
    CHECK(search_find(&S, &Q, n, -1, &m) && m.a == at);
    CHECK(t_find(&S, &Q, "漢字が", SEARCH_EXACT, &m) && m.a == at);
    /* a reading, an annotation, the legend: not found */
    const char *none[] = {"かんじ", "傍点", "テキスト中", "字下げ"};
    for (size_t i = 0; i < 4; i++)
        CHECK_MSG(!t_find(&S, &Q, none[i], 0, &m), "%s", none[i]);
    CHECK(t_find(&S, &Q, "なるべく。", 0, &m));
    CHECK(t_find(&S, &Q, "字.好", SEARCH_REGEX, &m) && m.a == at + 3);
    /* no index for it */
    search_use_index(&S, "0123456789abcdef");
    CHECK(search_prepare(&S, 0) == 0);
    query_free(&Q);
    search_free(&S);
    st_free(&st);
    free(t);
}

/* The lines of block b rendered at width w, joined by '\n'. */
static void lines(const structure_t *st, const block_t *b, int w, int ruby, buf_t *out)
{
    render_t R;
    memset(&R, 0, sizeof R);
    layout_opts_t lo = {.width = w, .indent = 2, .ruby = ruby};
    render_block(&R, st, b, NULL, &lo);
    out->n = 0;
    buf_add(out, "", 0);
    for (size_t i = 0; i < R.n; i++) {
        if (i)
            buf_addc(out, '\n');
        buf_add(out, R.out.p + R.v[i].off, R.v[i].len);
    }
    render_free(&R);
}

static void test_render(void)
{
    size_t n;
    char *t = copy(DOC, &n);
    structure_t st;
    st_build(&st, t, n, FMT_AUTO, "x.txt");
    buf_t b = {0};
    lines(&st, block_with(&st, "漢字"), 60, RUBY_HIDE, &b);
    CHECK_STR(b.p, "　　漢字が好き。なるべく。");
    lines(&st, block_with(&st, "漢字"), 60, RUBY_PAREN, &b);
    CHECK_STR(b.p, "　　漢字（かんじ）が好き。なるべく。");
    lines(&st, block_with(&st, "引用"), 60, RUBY_HIDE, &b);
    CHECK_STR(b.p, "    引用。");
    lines(&st, block_with(&st, "（日記）"), 20, RUBY_HIDE, &b);
    CHECK_STR(b.p, "          （日記）"); /* 20 cells: 2 kept free, 8 of text */
    lines(&st, block_with(&st, "一　駅"), 40, RUBY_HIDE, &b);
    CHECK_STR(b.p, "          一　駅");
    buf_free(&b);
    st_free(&st);
    free(t);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    text_init_locale();
    test_detect();
    test_legend_colophon();
    test_ruby();
    test_gaiji();
    test_styles_and_hidden();
    test_cuts_and_blocks();
    test_cut();
    test_front_end();
    test_search();
    test_render();
    return T_DONE("aozora");
}
