/* Layout: one case per line-breaking rule, then a property test over
 * 1,000 generated paragraphs at random widths. The rule lists here are
 * written out from the issue, not taken from src/layout.c. */
#include "chars.h"
#include "layout.h"
#include "t.h"
#include "text.h"

#include <locale.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static layout_t L;

/* Lay out s at width w, punctuation hanging up to `hang` cells; lines
 * joined by '|' (indent included). */
static const char *lay_hang(const char *s, int w, int indent, int hang)
{
    static buf_t b;
    b.n = 0;
    layout_opts_t o = {.width = w, .indent = indent, .hang = hang};
    layout_para(&L, s, 0, strlen(s), &o);
    for (size_t i = 0; i < L.nv; i++) {
        const char *p;
        size_t n = layout_line_bytes(&L, i, &p);
        if (i)
            buf_addc(&b, '|');
        if (L.v[i].indent)
            buf_add(&b, L.indent_str, L.indent_len);
        buf_add(&b, p, n);
    }
    buf_add(&b, "", 0);
    return b.p;
}

static const char *lay(const char *s, int w, int indent)
{
    return lay_hang(s, w, indent, 0);
}

static const char *const NO_START[] = {
    "、", "。", "，", "．", "：", "；", "！", "？", "）", "」", "』", "】",
    "》", "〉", "］", "｝", "〕", "”", "’", "・", "ー", "ぁ", "ぃ", "ぅ",
    "ぇ", "ぉ", "っ", "ゃ", "ゅ", "ょ", "ゎ", "ァ", "ィ", "ゥ", "ェ", "ォ",
    "ッ", "ャ", "ュ", "ョ", "ヮ", "ヵ", "ヶ", "ㇰ", "ㇱ", "ㇷ", "ㇿ", "ｧ", "ｯ",
    "ｬ", "～", "／",
};
static const char *const NO_END[] = {
    "（", "「", "『", "【", "《", "〈", "［", "｛", "〔", "“", "‘", "／",
};
#define N(a) (sizeof(a) / sizeof *(a))

static int in_list(uint32_t cp, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t c;
        text_decode(list[i], strlen(list[i]), &c);
        if (c == cp)
            return 1;
    }
    return 0;
}

/* Does any line start (start=1) or end (start=0) with string x? */
static int line_edge_is(const char *out, const char *x, int start)
{
    size_t xl = strlen(x);
    const char *p = out;
    for (;;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len >= xl && !memcmp(start ? p : p + len - xl, x, xl))
            return 1;
        if (!bar)
            return 0;
        p = bar + 1;
    }
}

static void rules(void)
{
    /* width: 24 Han at width 20 -> 10 + 10 + 4 */
    CHECK_STR(lay("一二三四五六七八九十一二三四五六七八九十一二三四", 20, 0),
              "一二三四五六七八九十|一二三四五六七八九十|一二三四");

    /* no line starts with closing punctuation or small kana: with X at
     * the place where a plain fill would start line 2 */
    for (size_t i = 0; i < N(NO_START); i++) {
        char s[128];
        snprintf(s, sizeof s, "一二三四五%s六七八九十", NO_START[i]);
        const char *out = lay(s, 10, 0);
        CHECK_MSG(!line_edge_is(out, NO_START[i], 1), "%s -> %s", s, out);
        CHECK_MSG(strchr(out, '|') != NULL, "%s -> %s", s, out);
    }
    /* no line ends with opening punctuation */
    for (size_t i = 0; i < N(NO_END); i++) {
        char s[128];
        snprintf(s, sizeof s, "一二三四%s五六七八九十", NO_END[i]);
        const char *out = lay(s, 10, 0);
        CHECK_MSG(!line_edge_is(out, NO_END[i], 0), "%s -> %s", s, out);
    }
    /* the classic case: 。 pushes the previous character down */
    CHECK_STR(lay("一二三四五。六七八", 10, 0), "一二三四|五。六七八");
    CHECK_STR(lay("一二三四（五六七八", 10, 0), "一二三四|（五六七八");

    /* —— ⸺ …… ⋯⋯ ―― are never split (dashes are 1 cell in glibc) */
    const char *pairs[] = {"——", "……", "⋯⋯", "――"};
    for (size_t i = 0; i < N(pairs); i++) {
        for (int w = 10; w <= 14; w++) {
            char s[128];
            snprintf(s, sizeof s, "一二三四%s五六七八九十一二", pairs[i]);
            const char *out = lay(s, w, 0);
            char half[16];
            snprintf(half, sizeof half, "%.3s|%.3s", pairs[i], pairs[i] + 3);
            CHECK_MSG(!strstr(out, half), "w=%d %s", w, out);
        }
    }
    CHECK_STR(lay("一二三四五——六七", 11, 0), "一二三四五|——六七");
    CHECK_STR(lay("一二三四五六七八九⸺十", 10, 0), "一二三四五|六七八|九⸺十");

    /* numbers and Latin words stay whole */
    CHECK_STR(lay("价格是1,234.56元", 10, 0), "价格是|1,234.56元");
    CHECK_STR(lay("一共花了￥300元", 10, 0), "一共花了|￥300元");
    CHECK_STR(lay("增长了12.5%左右", 10, 0), "增长了|12.5%左右");
    CHECK_STR(lay("我们用DeepSeek做", 12, 0), "我们用|DeepSeek做");
    CHECK_STR(lay("见 https://example.com/a/b 页", 24, 0),
              "见|https://example.com/a/b|页");
    CHECK_STR(lay("见https://example.com/a/b", 16, 0),
              "见|https://example.|com/a/b");
    CHECK(!(L.v[0].flags & VL_EMERGENCY) && (L.v[1].flags & VL_EMERGENCY));

    /* quotes: a break before “ and after ” when the neighbour is wide */
    CHECK_STR(lay("他说一二三：“你好吗”", 12, 0), "他说一二三：|“你好吗”");
    CHECK_STR(lay("一二三“四五”六七八九", 12, 0), "一二三“四五”|六七八九");
    CHECK_STR(lay("“一”“二”“三”“四”", 10, 0), "“一”“二”|“三”“四”");

    /* ... but only where the far side may start or end a line, and ASCII
     * , . ? ! : ; ) ] } % never start one nor ( [ { end one beside CJK:
     * the examples of issue 17 at their widths */
    static const char *const ex[] = {
        "老将军拍案大怒道：“这等小计只好瞒别人，却须瞒我不得！”?得那探子面"
        "如土色，连连叩头求饶。",
        "我们说他们真正想要的，是一个能够自我推动的“飛輪”,而非只靠一时的热度。",
        "一群小孩子们数着一二三四五六七八(“你好”)他说完就跑开了。",
        "几个小孩子们在门口数着一二三四五六七八(“你好”)他说完就跑开了。",
    };
    CHECK_STR(lay(ex[0], 19, 0), "老将军拍案大怒道：|“这等小计只好瞒别|人，却须瞒我不|"
                                 "得！”?得那探子面如|土色，连连叩头|求饶。");
    CHECK_STR(lay(ex[1], 16, 0), "我们说他们真正想|要的，是一个能够|自我推动的“飛|"
                                 "輪”,而非只靠一时|的热度。");
    CHECK_STR(lay(ex[2], 17, 0), "一群小孩子们数着|一二三四五六七八|(“你好”)他说完就|"
                                 "跑开了。");
    CHECK_STR(lay(ex[3], 23, 0), "几个小孩子们在门口数着|一二三四五六七八(“你|"
                                 "好”)他说完就跑开了。");
    for (size_t i = 0; i < N(ex); i++)
        for (int w = 10; w <= 40; w++) {
            const char *out = lay(ex[i], w, 0);
            for (const char *c = ",?)"; *c; c++) {
                char x[2] = {*c, 0};
                CHECK_MSG(!line_edge_is(out, x, 1), "w=%d %s", w, out);
            }
            CHECK_MSG(!line_edge_is(out, "(", 0), "w=%d %s", w, out);
        }
    /* the ASCII rule where UAX #14 alone would break (NS ÷ PO) */
    CHECK_STR(lay("一二三四ー%五六", 10, 0), "一二三|四ー%五六");
    /* quotes beside narrow text only: UAX #14 as it is */
    CHECK_STR(lay("He said \u201Cyes\u201D, then \u201Cno\u201D.", 14, 0),
              "He said \u201Cyes\u201D,|then \u201Cno\u201D.");
    /* ASCII text breaks as before */
    CHECK_STR(lay("He said (quietly) that 1,234.56 is 12.5% of it, see "
                  "www.example.com/x?a=1 [sic] {ok}!", 14, 0),
              "He said|(quietly) that|1,234.56 is|12.5% of it,|see|"
              "www.example.co|m/x?a=1 [sic]|{ok}!");

    /* · never starts a line; ～ and ／ never start one; ／ never ends one */
    CHECK_STR(lay("这是列夫·托尔斯泰", 10, 0), "这是列夫·|托尔斯泰");
    CHECK_STR(lay("一这是列夫·托尔斯泰", 10, 0), "一这是列|夫·托尔|斯泰");
    CHECK_STR(lay("一二三四5～6五六", 10, 0), "一二三四|5～6五六");
    CHECK_STR(lay("一二三四五／六七", 10, 0), "一二三四|五／六七");
    CHECK_STR(lay("一二三四／五六七", 10, 0), "一二三|四／五六七");

    /* fullwidth letters and digits stay together */
    CHECK_STR(lay("一二三ＡＢＣ１２３四", 14, 0), "一二三|ＡＢＣ１２３四");
    CHECK_STR(lay("一二三四五ＡＢ", 12, 0), "一二三四五|ＡＢ");

    /* grapheme clusters are never split */
    CHECK_STR(lay("一二三四e\u0301e\u0301", 10, 0),
              "一二三四e\u0301e\u0301");
    const char *fam = "👨‍👩‍👧";
    char s[128];
    snprintf(s, sizeof s, "一二%s三", fam);
    CHECK_STR(lay(s, 10, 0), "一二|👨👩👧三"); /* (三 alone: an orphan) */
    snprintf(s, sizeof s, "一二三%s四", fam);
    CHECK_STR(lay(s, 10, 0), "一二三|👨👩👧四");

    /* emergency: a run with no legal break is cut where the line is full */
    CHECK_STR(lay("aaaaaaaaaaaaaaaaaaaaaaaaa", 10, 0),
              "aaaaaaaaaa|aaaaaaaaaa|aaaaa");
    CHECK(L.nv == 3 && (L.v[0].flags & VL_EMERGENCY) &&
          (L.v[1].flags & VL_EMERGENCY) && !(L.v[2].flags & VL_EMERGENCY));
    /* and it cuts at a cluster, not inside one */
    CHECK_STR(lay("aaaaaaaaae\u0301e\u0301", 10, 0),
              "aaaaaaaaae\u0301|e\u0301");
    CHECK_STR(lay("aaaaaaaa\U0001F468\u200D\U0001F469", 10, 0),
              "aaaaaaaa|\U0001F468\U0001F469");

    /* blanks at a break hang; interior blanks stay */
    CHECK_STR(lay("aaaaa bbbbb cc", 11, 0), "aaaaa bbbbb|cc");
    CHECK(L.v[0].end == 12 && L.v[1].start == 12);
    CHECK_STR(lay("aa  bb", 20, 0), "aa  bb");

    /* indent: leading blanks become one indent; --indent=0 drops it */
    CHECK_STR(lay("\u3000\u3000正文", 20, 2), "\u3000\u3000正文");
    CHECK_STR(lay("    正文", 20, 2), "\u3000\u3000正文");
    CHECK_STR(lay("\t正文", 20, 2), "\u3000\u3000正文");
    CHECK_STR(lay("\u3000正文", 20, 0), "正文");
    CHECK_STR(lay("  Hello", 20, 2), "    Hello");
    CHECK_STR(lay("正文", 20, 2), "正文");
    CHECK_STR(lay("\u3000\u3000一二三四五六七八九十", 20, 2),
              "\u3000\u3000一二三四五六七八|九十");
    CHECK(L.v[0].indent == 4 && L.v[1].indent == 0 && L.v[0].start == 0);

    /* escapes are drawn, never raw */
    CHECK_STR(lay("a\x1b[2Jb", 20, 0), "a^[[2Jb");
    CHECK_STR(lay("a\xe2\x80\xae" "b", 20, 0), "a<U+202E>b");

    /* mandatory breaks (VT FF CR NEL U+2028 U+2029): after the control,
     * which ends its line, whatever the width and the kinsoku */
    CHECK_STR(lay("#\v末", 20, 0), "#^K|末");
    CHECK(L.nv == 2 && L.v[0].end == 2 && L.v[1].start == 2);
    static const char *const mand[][2] = {
        {"\v", "^K"},           {"\f", "^L"},           {"\r", "^M"},
        {"\xC2\x85", "<U+0085>"}, {"\u2028", "<U+2028>"}, {"\u2029", "<U+2029>"},
    };
    for (size_t i = 0; i < N(mand); i++) {
        char in[64], want[64];
        snprintf(in, sizeof in, "一二%s。三四", mand[i][0]);
        snprintf(want, sizeof want, "一二%s|。三四", mand[i][1]);
        CHECK_STR(lay(in, 40, 0), want);
        CHECK(L.nv == 2 && L.v[1].start == strlen("一二") + strlen(mand[i][0]) &&
              (L.t.u[L.v[1].u0].flags & U_MANDATORY));
        snprintf(in, sizeof in, "%s三四", mand[i][0]);
        snprintf(want, sizeof want, "%s|三四", mand[i][1]);
        CHECK_STR(lay(in, 40, 0), want);
    }
    /* the line before it may not end before it: 五^K does not fit at 10 */
    CHECK_STR(lay("一二三四五\v六", 10, 0), "一二三四|五^K|六");

    /* no orphan (孤字): a last line of one character, alone or with its
     * punctuation, takes the character before it */
    CHECK_STR(lay("一二三四五六七八九十也", 10, 0), "一二三四五|六七八九|十也");
    CHECK_STR(lay("一二三四五六七八九十也。", 10, 0), "一二三四五|六七八九|十也。");
    CHECK_STR(lay("一二三四五六七八九十也。」", 10, 0),
              "一二三四五|六七八九|十也。」");
    CHECK(L.nv == 3 && L.v[1].end == L.v[2].start && L.v[2].end == strlen("一二三四五六七八九十也。」"));
    CHECK(L.v[1].cells == 8 && L.v[2].cells == 8 && !(L.v[2].flags & VL_FIRST));
    /* the first line gives it (its indent kept) */
    CHECK_STR(lay("\u3000\u3000一二三四五六七也。", 16, 2),
              "\u3000\u3000一二三四五六|七也。");
    /* only at a break opportunity: never a line that ends with （ */
    CHECK_STR(lay("一二三四五六七八（九也。", 10, 0), "一二三四五|六七八|（九也。");
    /* two characters are no orphan; nor is a one-line paragraph */
    CHECK_STR(lay("一二三四五六七八九十甲乙。", 10, 0), "一二三四五|六七八九十|甲乙。");
    CHECK_STR(lay("也。", 10, 0), "也。");
    /* no break opportunity in the line before: it stays */
    CHECK_STR(lay("abcdefghij k", 10, 0), "abcdefghij|k");
    CHECK_STR(lay("一二三四五。。。。。也。", 10, 0), "一二三四|五。。。。|。也。");
    /* the last line must still fit: then it stays */
    CHECK_STR(lay("一二三四五甲乙丙丁戊也。」」」", 10, 0),
              "一二三四五|甲乙丙丁戊|也。」」」");

    /* hanging punctuation: 。，、． hangs past the width rather than push
     * the character before it down; not without the option */
    CHECK_STR(lay_hang("一二三四五。六七八", 10, 0, 2), "一二三四五。|六七八");
    CHECK(L.v[0].cells == 12 && L.v[0].hung == 2 && L.v[1].hung == 0);
    CHECK_STR(lay_hang("一二三四五，六七八", 10, 0, 2), "一二三四五，|六七八");
    CHECK_STR(lay_hang("一二三四五、六七八", 10, 0, 2), "一二三四五、|六七八");
    CHECK_STR(lay_hang("一二三四五．六七八", 10, 0, 2), "一二三四五．|六七八");
    CHECK_STR(lay("一二三四五。六七八", 10, 0), "一二三四|五。六七八");
    CHECK(L.v[0].hung == 0);
    /* by at most `hang` cells: a 2-cell 。 hangs 1 cell after 9 */
    CHECK_STR(lay_hang("一二三四五。六七八", 10, 0, 1), "一二三四|五。六七八");
    CHECK_STR(lay_hang("a一二三四。五六七", 10, 0, 1), "a一二三四。|五六七");
    CHECK(L.v[0].cells == 11 && L.v[0].hung == 1);
    /* a closing bracket or quote after a stop hangs with it, within the
     * allowance; after a stop that fitted, alone */
    CHECK_STR(lay_hang("一二三四五。」六七", 10, 0, 2), "一二三四|五。」六七");
    CHECK_STR(lay_hang("一二三四。」五六七", 10, 0, 2), "一二三四。」|五六七");
    CHECK_STR(lay_hang("一二三四。”五六七", 10, 0, 1), "一二三四。”|五六七");
    CHECK_STR(lay_hang("一二三四五。”六七", 10, 0, 2), "一二三四|五。”六七");
    /* other punctuation never hangs; nor a closing mark without a stop */
    CHECK_STR(lay_hang("一二三四五！六七八", 10, 0, 2), "一二三四|五！六七八");
    CHECK_STR(lay_hang("一二三四五」六七八", 10, 0, 2), "一二三四|五」六七八");
    CHECK_STR(lay_hang("一二三四五：六七八", 10, 0, 2), "一二三四|五：六七八");
    /* the paragraph's end hangs too (then no orphan 也。) */
    CHECK_STR(lay_hang("一二三四五六七八九十。", 10, 0, 2), "一二三四五|六七八九十。");
    CHECK(L.nv == 2 && L.v[1].hung == 2 && L.v[1].end == strlen("一二三四五六七八九十。"));

    /* blank paragraph */
    lay("   ", 20, 2);
    CHECK(L.nv == 1 && (L.v[0].flags & VL_BLANK));
}

/* ---- property test ---------------------------------------------------- */

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

typedef struct {
    size_t start, end; /* byte range of an atomic token */
    int cells;
} atom_t;

static const char HAN[] = "的一是在不了有和人这中大为上个国我以要他时来用们"
                          "生到作地于出就分对成会可主发年动同工也能下过子说"
                          "产种面而方后多定行学法所民得经十三之进着等部度家";
static const char *const KANA[] = {"あ", "い", "う", "か", "き", "く", "さ",
                                   "ア", "イ", "カ", "キ", "サ", "シ", "ス",
                                   "ゃ", "ゅ", "ょ", "っ", "ァ", "ィ", "ッ",
                                   "ャ", "ュ", "ョ", "ー", "ヵ", "ヶ", "ゎ"};
static const char *const WORDS[] = {"DeepSeek", "Unicode", "terminal", "GPU",
                                    "reader", "Transformer", "open", "source"};
static const char *const NUMS[] = {"1,234.56", "￥300", "12.5%", "2,048",
                                   "3.5%", "2026", "$1,000", "0.618"};
static const char *const URLS[] = {"https://example.com/a/b",
                                   "http://example.org/path?x=1&y=2",
                                   "www.example.net/q/r"};
static const char *const EMOJI[] = {"😀", "🎉", "👨‍👩‍👧", "👍🏽", "🇨🇳", "❤️",
                                    "é", "ệ"};
static const char *const PUNCT[] = {
    "、", "。", "，", "．", "：", "；", "！", "？", "）", "」", "』", "】",
    "》", "〉", "］", "｝", "〕", "”", "’", "・", "（", "「", "『", "【",
    "《", "〈", "［", "｛", "〔", "“", "‘", "·", "～", "／", "…", "—"};
static const char *const ATOMS[] = {"——", "……", "⋯⋯", "――", "⸺",
                                    "ＡＢＣ", "１２３", "ＤｅｅｐＳｅｅｋ"};

static void add_atom(buf_t *b, atom_t *a, size_t *na, const char *s)
{
    a[*na].start = b->n;
    buf_adds(b, s);
    a[*na].end = b->n;
    a[*na].cells = (int)text_width(s, strlen(s));
    (*na)++;
}

static void gen(buf_t *b, atom_t *a, size_t *na)
{
    b->n = 0;
    *na = 0;
    int ntok = 1 + (int)rnd(80);
    for (int i = 0; i < ntok; i++) {
        uint32_t k = rnd(100);
        if (k < 40) {
            int m = 1 + (int)rnd(6);
            for (int j = 0; j < m; j++) {
                size_t h = rnd((sizeof HAN - 1) / 3) * 3;
                buf_add(b, HAN + h, 3);
            }
        } else if (k < 50) {
            buf_adds(b, KANA[rnd(N(KANA))]);
        } else if (k < 58) {
            if (rnd(2))
                buf_addc(b, ' ');
            add_atom(b, a, na, WORDS[rnd(N(WORDS))]);
            if (rnd(2))
                buf_addc(b, ' ');
        } else if (k < 64) {
            add_atom(b, a, na, NUMS[rnd(N(NUMS))]);
        } else if (k < 67) {
            buf_addc(b, ' ');
            add_atom(b, a, na, URLS[rnd(N(URLS))]);
            buf_addc(b, ' ');
        } else if (k < 71) {
            add_atom(b, a, na, EMOJI[rnd(N(EMOJI))]);
        } else if (k < 94) {
            buf_adds(b, PUNCT[rnd(N(PUNCT))]);
        } else {
            add_atom(b, a, na, ATOMS[rnd(N(ATOMS))]);
        }
    }
    buf_add(b, "", 0);
}

static void property(void)
{
    buf_t b = {0}, cat = {0}, all = {0};
    atom_t atoms[256];
    size_t na;
    long bad_width = 0, bad_cover = 0, bad_text = 0, bad_start = 0,
         bad_end = 0, bad_atom = 0, bad_emerg = 0, bad_cluster = 0, lines = 0, emerg = 0, hung = 0;
    char first_fail[512] = "";
#define FAIL(counter, ...)                                                   \
    do {                                                                     \
        if (!first_fail[0])                                                  \
            snprintf(first_fail, sizeof first_fail, __VA_ARGS__);            \
        counter++;                                                           \
    } while (0)
    for (int iter = 0; iter < 1000; iter++) {
        gen(&b, atoms, &na);
        int w = 10 + (int)rnd(111);
        int hang = iter % 2 ? 2 : 0; /* every other one hangs punctuation */
        layout_opts_t o = {.width = w, .indent = 0, .hang = hang};
        layout_para(&L, b.p, 0, b.n, &o);
        const unit_t *u = L.t.u;
        cat.n = 0;
        for (size_t i = 0; i < L.nv; i++) {
            const vline_t *v = &L.v[i];
            const char *p;
            size_t n = layout_line_bytes(&L, i, &p);
            lines++;
            /* rule: no line wider than the width, measured anew; what
             * goes past it is hanging punctuation, within the allowance */
            int lw = (int)text_width(p, n) + v->indent;
            if (lw > w + hang || lw - w != (v->hung ? v->hung : lw - w) ||
                (lw > w && !(v->u1 > v->u0 &&
                             ch_is(u[v->u1 - 1].cp, CH_HANG | CH_HANG_AFTER))))
                FAIL(bad_width, "width %d hang %d: line %zu (%d cells, %d hung) [%.*s]", w,
                     hang, i, lw, v->hung, (int)n, p);
            if (lw > w)
                hung++;
            /* coverage: contiguous byte ranges over the paragraph */
            if ((i == 0 && v->start != 0) ||
                (i + 1 < L.nv && v->end != L.v[i + 1].start) ||
                (i + 1 == L.nv && v->end != b.n))
                FAIL(bad_cover, "cover: line %zu", i);
            buf_add(&cat, p, n);
            if (v->flags & VL_EMERGENCY) {
                emerg++;
                /* only when the unbreakable run around the cut is wider
                 * than the line */
                size_t a0 = v->u0, a1 = L.v[i + 1].u0;
                while (a1 < L.t.n && !(u[a1].flags & U_BREAK))
                    a1++;
                int run = 0;
                for (size_t k = a0; k < a1; k++)
                    run += u[k].w;
                while (a1 > a0 && (u[a1 - 1].flags & U_SPACE))
                    run -= u[--a1].w;
                if (run <= w - v->indent)
                    FAIL(bad_emerg, "w=%d needless emergency at line %zu in [%s]",
                         w, i, b.p);
            }
            if (i + 1 == L.nv || (v->flags & VL_EMERGENCY))
                continue;
            /* rules at every break that is not an emergency break */
            uint32_t next = u[L.v[i + 1].u0].cp;
            uint32_t last = v->u1 > v->u0 ? u[v->u1 - 1].cp : 0;
            if (in_list(next, NO_START, N(NO_START)))
                FAIL(bad_start, "w=%d line %zu+1 starts U+%04X in [%s]", w, i,
                     (unsigned)next, b.p);
            if (in_list(last, NO_END, N(NO_END)))
                FAIL(bad_end, "w=%d line %zu ends U+%04X in [%s]", w, i,
                     (unsigned)last, b.p);
            if (!(u[L.v[i + 1].u0].flags & U_CLUSTER))
                FAIL(bad_cluster, "cluster split at line %zu", i);
            size_t cut = v->end;
            for (size_t k = 0; k < na; k++)
                if (cut > atoms[k].start && cut < atoms[k].end &&
                    atoms[k].cells <= w)
                    FAIL(bad_atom, "w=%d atom [%.*s] split in [%s]", w,
                         (int)(atoms[k].end - atoms[k].start),
                         b.p + atoms[k].start, b.p);
        }
        /* nothing lost or duplicated: the lines, minus the blanks that
         * hang at breaks, are the sanitised paragraph */
        all.n = 0;
        text_sanitize(&all, b.p, b.n);
        size_t x = 0, y = 0;
        int ok = 1;
        while (x < cat.n || y < all.n) {
            if (x < cat.n && y < all.n && cat.p[x] == all.p[y]) {
                x++, y++;
            } else if (y < all.n && all.p[y] == ' ') {
                y++; /* a hanging blank */
            } else {
                ok = 0;
                break;
            }
        }
        if (!ok)
            FAIL(bad_text, "text differs at w=%d: [%s]", w, b.p);
    }
    CHECK_MSG(bad_width == 0, "%ld: %s", bad_width, first_fail);
    CHECK_MSG(bad_cover == 0, "%ld: %s", bad_cover, first_fail);
    CHECK_MSG(bad_text == 0, "%ld: %s", bad_text, first_fail);
    CHECK_MSG(bad_start == 0, "%ld: %s", bad_start, first_fail);
    CHECK_MSG(bad_end == 0, "%ld: %s", bad_end, first_fail);
    CHECK_MSG(bad_atom == 0, "%ld: %s", bad_atom, first_fail);
    CHECK_MSG(bad_cluster == 0, "%ld: %s", bad_cluster, first_fail);
    CHECK_MSG(bad_emerg == 0, "%ld: %s", bad_emerg, first_fail);
    /* the generator really exercises breaking */
    CHECK_MSG(lines > 3000, "only %ld lines", lines);
    CHECK_MSG(hung > 10, "only %ld hung lines", hung);
    printf("property: 1000 paragraphs, %ld lines, %ld emergency breaks, %ld hung\n",
           lines, emerg, hung);
    buf_free(&b);
    buf_free(&cat);
    buf_free(&all);
}

/* Layout is lazy: laying out the first paragraph of a text reads that
 * paragraph only. The page after it is unreadable; a read there kills the
 * child. */
static void lazy(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    if (m == MAP_FAILED)
        return;
    memset(m, 'x', (size_t)pg * 2);
    const char *first = "\u3000\u3000第一段：一二三四五六七八九十一二三四五六七八九十。\n";
    size_t fl = strlen(first);
    memcpy(m + pg - fl, first, fl); /* the paragraph ends the readable page */
    mprotect(m + pg, (size_t)pg, PROT_NONE);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        layout_t Lz = {0};
        layout_opts_t o = {.width = 20, .indent = 2};
        size_t s0 = (size_t)pg - fl, e0 = (size_t)pg - 1; /* without LF */
        layout_para(&Lz, m, s0, e0, &o);
        int ok = Lz.nv == 3 && Lz.v[0].start == s0 && Lz.v[2].end == e0;
        layout_free(&Lz);
        _exit(ok ? 0 : 1);
    }
    int st = 0;
    if (pid > 0)
        waitpid(pid, &st, 0);
    CHECK_MSG(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
              "laying out one paragraph read beyond it (status %d)", st);
    munmap(m, (size_t)pg * 2);
}

int main(void)
{
    setlocale(LC_ALL, "");
    text_init_locale();
    rules();
    property();
    lazy();
    layout_free(&L);
    return T_DONE("test_layout");
}
