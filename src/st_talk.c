/* st_talk: speaker labels, stop lines and the resolution of speakers and
 * turns (see st_talk.h). */
#include "st_talk.h"
#include "chars.h"
#include "hash.h"
#include "heuristics.h"
#include "text.h"
#include "utf8.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <uchar.h>

#define NAME_CELLS 12      /* a CJK name, a role */
#define LATIN_CELLS 24     /* "Richard Haddock" */
#define PAREN_CELLS 16     /* "(何立德)" */
#define ONEOFF_CELLS 8     /* a speaker labelled once: a short name */
#define KEY_DESC_CELLS 30  /* a key line's description */
#define STOP_BYTES 400     /* credits, promotional lines: at most */
#define HEADING_HANG 2     /* the speech under a heading label */

/* ---- small text helpers --------------------------------------------------- */

static uint32_t cp_at(const char *s, size_t n, size_t i, size_t *next)
{
    uint32_t c;
    *next = i + (size_t)text_decode(s + i, n - i, &c);
    return c;
}

static int in_list(uint32_t c, const char32_t *l)
{
    for (; *l; l++)
        if (*l == c)
            return 1;
    return 0;
}

static int is_colon(uint32_t c)
{
    return c == ':' || c == U'：';
}

static int has_prefix(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    return n >= k && !memcmp(s, w, k);
}

static int has_suffix(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    return n >= k && !memcmp(s + n - k, w, k);
}

static int contains(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(s + i, w, k))
            return 1;
    return 0;
}

static int word_in(const char *s, size_t n, const char *const *list)
{
    for (; *list; list++)
        if (strlen(*list) == n && !memcmp(s, *list, n))
            return 1;
    return 0;
}

/* Skip blanks and '*' (Markdown bold markers) from i. */
static size_t skip_marks(const char *s, size_t i, size_t n)
{
    for (;;) {
        size_t j = text_skip_blanks(s, i, n);
        while (j < n && (s[j] == '*' || s[j] == '_'))
            j++;
        if (j == i)
            return i;
        i = j;
    }
}

/* Trim blanks and '*' from the end of s[a..b). */
static size_t trim_marks(const char *s, size_t a, size_t b)
{
    for (;;) {
        size_t e = text_trim_blanks(s, a, b);
        while (e > a && (s[e - 1] == '*' || s[e - 1] == '_'))
            e--;
        if (e == b)
            return b;
        b = e;
    }
}

/* ---- names ---------------------------------------------------------------- */

/* Words that label something other than a speaker: a one-off NAME： with
 * one of them is not a speaker (and credits use them). */
static const char *const NOT_NAMES[] = {
    "作者", "编者", "編者", "编者按", "編者按", "按", "注", "註", "附", "附注",
    "附註", "备注", "備註", "原文", "地址", "电话", "電話", "邮箱", "郵箱",
    "时间", "時間", "日期", "地点", "地點", "来源", "來源", "采访", "採訪",
    "编辑", "編輯", "排版", "摄影", "攝影", "撰文", "文", "图", "圖", "文字",
    "图片", "圖片", "责编", "責編", "责任编辑", "責任編輯", "校对", "校對",
    "设计", "設計", "策划", "策劃", "监制", "監製", "出品", "出品人", "翻译",
    "翻譯", "审校", "審校", "主编", "主編", "美编", "美編", "视觉", "視覺",
    "运营", "運營", "整理", "口述", "记录", "記錄", "题图", "題圖", "统筹",
    "統籌", "制作", "製作", "剪辑", "剪輯", "配图", "配圖", "插画", "插畫",
    "审核", "審核", "实习生", "實習生", "网址", "網址", "链接", "鏈接",
    "标签", "標籤", "分类", "分類", "关键词", "關鍵詞", "摘要", "导语", "導語",
    "提示", "注意", "说明", "說明", "总结", "總結", "结论", "結論", "例如",
    "比如", "答案", "原标题", "原標題", "出处", "出處", "PS", "P.S", "Note",
    "NB", "Source", "Via", "Tags", "Date", "Author", "Editor", NULL};

/* Words that begin credits (ROLE：NAME / ROLE｜NAME). */
static const char *const CREDIT_ROLES[] = {
    "采访", "採訪", "编辑", "編輯", "责编", "責編", "责任编辑", "責任編輯",
    "排版", "摄影", "攝影", "撰文", "文", "图", "圖", "文字", "图片", "圖片",
    "校对", "校對", "设计", "設計", "策划", "策劃", "监制", "監製", "出品",
    "出品人", "翻译", "翻譯", "审校", "審校", "主编", "主編", "美编", "美編",
    "视觉", "視覺", "运营", "運營", "整理", "统筹", "統籌", "制作", "製作",
    "剪辑", "剪輯", "配图", "配圖", "插画", "插畫", "审核", "審核", "实习生",
    "實習生", "题图", "題圖", "来源", "來源", "作者", "记者", "記者", "文案",
    "封面", "视频", "視頻", "音频", "音頻", "后期", "後期", NULL};

/* Phrases of promotional and footer lines. */
static const char *const PROMO[] = {
    "本文首发", "本文首發", "首发于", "首發於", "阅读原文", "閱讀原文",
    "点击下方", "點擊下方", "点击上方", "點擊上方", "扫一扫", "掃一掃",
    "长按识别", "長按識別", "二维码", "二維碼", "关注该公众号", "關注該公眾號",
    "关注我们", "關注我們", "转载请", "轉載請", "版权所有", "版權所有",
    "未经授权", "未經授權", "标签不可点", "標籤不可點", "点个在看", "點個在看",
    "欢迎转发", "歡迎轉發", "本文转载", "本文轉載", "本文来源", "本文來源",
    "原标题：", "原標題：", NULL};

/* A label's name ends in one of these: a clause (我的訣竅是：, 原文如下：),
 * not a person. */
static const char32_t CLAUSE_END[] = U"是为為的了说說道曰云问問下";

/* A role before a colon and a name (環保署代表：羅振誠) ends in one of these. */
static const char32_t ROLE_END[] =
    U"表長长員员師师人者官席委任理生士授家董總总監监督記记主";

static int has_latin(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))
            return 1;
    return 0;
}

/* Is s[a..b) a person's name as a heading label writes it: letters
 * (ideographs, Latin), blanks, . - · ・ ' and digits after the first
 * character, at most NAME_CELLS (Latin: LATIN_CELLS), with at most one
 * parenthesised part at its end ("Richard Haddock (何立德)")? */
static int label_name_ok(const char *s, size_t a, size_t b)
{
    a = text_skip_blanks(s, a, b);
    b = text_trim_blanks(s, a, b);
    if (a >= b)
        return 0;
    size_t i = a, j, main_end = b, cells = 0;
    int first = 1;
    while (i < b) {
        uint32_t c = cp_at(s, b, i, &j);
        if (c == '(' || c == U'（') {
            main_end = i;
            uint32_t close = c == '(' ? ')' : U'）';
            size_t k = j, pc = 0;
            uint32_t d = 0;
            while (k < b && (d = cp_at(s, b, k, &j)) != close) {
                if (!ch_is(d, CH_LETTER) && !ch_blank(d) &&
                    !in_list(d, U".-·・'"))
                    return 0;
                pc += (size_t)text_cp_width(d);
                k = j;
            }
            if (d != close || pc == 0 || pc > PAREN_CELLS ||
                text_skip_blanks(s, j, b) != b)
                return 0;
            break;
        }
        if (first && !ch_is(c, CH_LETTER))
            return 0;
        if (!ch_is(c, CH_LETTER) && !ch_blank(c) &&
            !(c >= '0' && c <= '9') && !in_list(c, U".-·・'"))
            return 0;
        first = 0;
        cells += (size_t)text_cp_width(c);
        i = j;
    }
    main_end = text_trim_blanks(s, a, main_end);
    if (main_end <= a)
        return 0;
    return cells <= (has_latin(s + a, main_end - a) ? LATIN_CELLS : NAME_CELLS);
}

/* The key a name is told apart by: without blanks and without a trailing
 * parenthesised part, into k (NUL-terminated). */
static void name_key(const char *s, size_t n, buf_t *k)
{
    k->n = 0;
    size_t e = n, j;
    for (size_t i = 0; i < n; i = j) {
        uint32_t c = cp_at(s, n, i, &j);
        if ((c == '(' || c == U'（') && text_skip_blanks(s, 0, i) < i) {
            e = i;
            break;
        }
    }
    for (size_t i = 0; i < e;) {
        size_t t = text_skip_blanks(s, i, e);
        if (t > i) {
            i = t;
            continue;
        }
        buf_addc(k, s[i++]);
    }
    buf_add(k, "", 0);
}

/* hash64 of a name without its blanks (speaker_t.hash). */
static uint64_t name_hash(const char *s, size_t n)
{
    buf_t b = {0};
    for (size_t i = 0; i < n;) {
        size_t t = text_skip_blanks(s, i, n);
        if (t > i) {
            i = t;
            continue;
        }
        buf_addc(&b, s[i++]);
    }
    uint64_t h = hash64(b.p ? b.p : "", b.n);
    buf_free(&b);
    return h;
}

static int is_label(const char *s, size_t n)
{
    static const char *const labels[] = {"问", "答", "Q", "A", "记者",
                                         "主持人", "問", "記者"};
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
        if (speaker_same(s, n, labels[i], strlen(labels[i])))
            return 1;
    return 0;
}

/* Could a name labelled once be a speaker's: short, no role word, not a
 * clause? */
static int oneoff_name_ok(const char *s, size_t n)
{
    if (word_in(s, n, NOT_NAMES))
        return 0;
    size_t w = text_width(s, n);
    if (w == 0 || w > (has_latin(s, n) ? LATIN_CELLS : ONEOFF_CELLS))
        return 0;
    size_t j;
    uint32_t last = cp_at(s, n, utf8_back(s, 0, n - 1), &j);
    return !in_list(last, CLAUSE_END) && !has_suffix(s, n, "如下");
}

/* ---- paragraphs ----------------------------------------------------------- */

/* The next line of s[*i..n) into [*a, *b): blanks, quote markers and a
 * Markdown hard break's trailing blanks or backslash left out. */
static int next_line(const char *s, size_t n, size_t *i, size_t *a, size_t *b)
{
    if (*i >= n)
        return 0;
    size_t e = *i;
    while (e < n && s[e] != '\n')
        e++;
    size_t x = *i;
    while (x < e && (s[x] == ' ' || s[x] == '\t' || s[x] == '>'))
        x++;
    size_t y = e;
    while (y > x && (s[y - 1] == '\r' || s[y - 1] == '\\'))
        y--;
    *a = text_skip_blanks(s, x, y);
    *b = text_trim_blanks(s, *a, y);
    *i = e < n ? e + 1 : n;
    return 1;
}

/* A key to the labels: two lines or more, each NAME：description with a
 * different name and a short description that is no sentence. */
static int is_key(const char *s, size_t n)
{
    size_t i = 0, a, b, lines = 0;
    size_t names[8][2];
    while (next_line(s, n, &i, &a, &b)) {
        if (a == b)
            continue;
        size_t no, nl, pl;
        if (lines >= 8 || !speaker_label(s + a, b - a, &no, &nl, &pl, NULL))
            return 0;
        for (size_t k = 0; k < lines; k++)
            if (speaker_same(s + names[k][0], names[k][1], s + a + no, nl))
                return 0;
        names[lines][0] = a + no;
        names[lines][1] = nl;
        lines++;
        const char *d = s + a + pl;
        size_t dn = b - a - pl;
        if (text_width(d, dn) > KEY_DESC_CELLS)
            return 0;
        for (size_t k = 0, j; k < dn; k = j)
            if (in_list(cp_at(d, dn, k, &j), U"。？！?!…"))
                return 0;
    }
    return lines >= 2;
}

/* What separates the items of a credit or link line (采访：陈默 / 编辑：小舟,
 * [微博](…) | [公众号](…)). */
#define ITEM_SEPS U"/|｜／丨·•"

/* From i: past blanks and item separators. */
static size_t skip_seps(const char *s, size_t i, size_t n)
{
    size_t j;
    i = text_skip_blanks(s, i, n);
    while (i < n && in_list(cp_at(s, n, i, &j), ITEM_SEPS))
        i = text_skip_blanks(s, j, n);
    return i;
}

/* Credits: min_pairs or more ROLE：NAME or ROLE｜NAME pairs, separated
 * by / | ｜ · or blanks, and nothing else (采访：陈默 / 编辑：小舟,
 * 文｜周末). */
static int is_credit(const char *s, size_t n, size_t min_pairs)
{
    size_t i = 0, j, pairs = 0;
    /* (most paragraphs have no colon or bar where a role would end: a
     * byte test first) */
    size_t k = 0, lim = n < 30 ? n : 30;
    for (; k < lim; k++) {
        const unsigned char *u = (const unsigned char *)s + k;
        if (*u == ':' || *u == '|' ||
            (k + 2 < n && ((u[0] == 0xEF && u[1] == 0xBC && u[2] == 0x9A) ||
                           (u[0] == 0xEF && u[1] == 0xBD && u[2] == 0x9C) ||
                           (u[0] == 0xE4 && u[1] == 0xB8 && u[2] == 0xA8))))
            break;
    }
    if (k == lim)
        return 0;
    while ((i = skip_seps(s, i, n)) < n) {
        /* the role: up to a colon or a bar */
        size_t r = i;
        uint32_t c = 0;
        while (r < n && !is_colon(c = cp_at(s, n, r, &j)) &&
               !in_list(c, U"|｜丨") && r - i < 24)
            r = j;
        if (r >= n || r == i || !(is_colon(c) || in_list(c, U"|｜丨")))
            return 0; /* (no role ends within 24 bytes: most paragraphs) */
        size_t re = text_trim_blanks(s, i, r);
        if (!word_in(s + i, re - i, CREDIT_ROLES))
            return 0;
        /* the name: up to a separator or the next role */
        size_t a = text_skip_blanks(s, j, n), e = a;
        while (e < n) {
            c = cp_at(s, n, e, &j);
            if (in_list(c, ITEM_SEPS) || (ch_blank(c) && e > a))
                break;
            if (in_list(c, U"。，、；！？,;!?") || is_colon(c))
                return 0;
            e = j;
        }
        if (e == a || text_width(s + a, e - a) > NAME_CELLS * 2)
            return 0;
        pairs++;
        i = e;
    }
    return pairs >= min_pairs;
}

/* Only links: [text](url), <url> or a bare URL, with separators. */
static int is_link_only(const char *s, size_t n)
{
    size_t i = 0, links = 0, j;
    if (n == 0 || !(s[0] == '[' || s[0] == '<' || s[0] == 'h'))
        return 0;
    while ((i = skip_seps(s, i, n)) < n) {
        if (s[i] == '[') {
            size_t k = i + 1;
            while (k + 1 < n && !(s[k] == ']' && s[k + 1] == '('))
                k++;
            if (k + 1 >= n)
                return 0;
            while (k < n && s[k] != ')')
                k++;
            if (k >= n)
                return 0;
            i = k + 1;
        } else if (s[i] == '<' && (has_prefix(s + i, n - i, "<http") ||
                                   has_prefix(s + i, n - i, "<www"))) {
            while (i < n && s[i] != '>')
                i++;
            if (i >= n)
                return 0;
            i++;
        } else if (has_prefix(s + i, n - i, "http://") ||
                   has_prefix(s + i, n - i, "https://")) {
            while (i < n && !ch_blank(cp_at(s, n, i, &j)))
                i = j;
        } else {
            return 0;
        }
        links++;
    }
    return links > 0;
}

static int is_promo(const char *s, size_t n)
{
    for (size_t k = 0; PROMO[k]; k++)
        if (contains(s, n, PROMO[k]))
            return 1;
    return 0;
}

/* A Markdown paragraph that is only a label (NAME：, **NAME：**,
 * **NAME**：), the speech in the paragraphs after it; e: its end with the
 * markup after its text. */
static void label_alone(stx_item_t *it, const char *t, size_t e)
{
    size_t a = skip_marks(t, it->start, e), b = trim_marks(t, a, e), j;
    if (b <= a || !is_colon(cp_at(t, b, utf8_back(t, a, b - 1), &j)))
        return;
    size_t ne = trim_marks(t, a, utf8_back(t, a, b - 1));
    if (!label_name_ok(t, a, ne))
        return;
    it->candidate = 1;
    it->form = SPK_ALONE;
    it->name_off = a;
    it->name_len = text_trim_blanks(t, a, ne) - a;
    it->prefix_len = it->end - it->start;
    it->prefix_chars = it->chars;
}

void stx_talk_classify(stx_scan_t *sc, stx_item_t *it)
{
    const structure_t *st = sc->st;
    const char *s = st->text + it->start;
    size_t n = it->end - it->start, m = n;
    size_t no, nl, pl;
    int form;
    /* (a Markdown paragraph's range ends at its text: the markup that
     * closes a bold question is after it) */
    while (st->markdown && it->start + m < st->len && m < n + 4 &&
           (s[m] == '*' || s[m] == '_'))
        m++;
    it->candidate = speaker_label(s, m, &no, &nl, &pl, &form);
    if (it->candidate) {
        it->name_off = it->start + no;
        it->name_len = nl;
        it->prefix_len = pl;
        it->prefix_chars = stx_prefix_chars(s, pl);
        it->form = form;
    }
    if (!it->candidate && st->markdown && m <= STOP_BYTES)
        label_alone(it, st->text, it->start + m);
    int stop = STX_STOP_NONE;
    sc->talk |= it->candidate;
    if (!sc->talk || n > STOP_BYTES) /* (nothing to stop: no cost) */
        stop = STX_STOP_NONE;
    else if (it->candidate && is_key(s, n))
        stop = STX_STOP_KEY;
    else if (is_credit(s, n, it->candidate ? 2 : 1)) /* (记者：张三 alone
                                                        may be a turn) */
        stop = STX_STOP_CREDIT;
    else if (!it->candidate && st->markdown && is_link_only(s, n))
        stop = STX_STOP_LINK; /* (scraped web pages: Markdown) */
    else if (!it->candidate && st->markdown && is_promo(s, n))
        stop = STX_STOP_PROMO;
    if (stop) {
        it->stop = stop;
        it->candidate = 0;
        it->form = SPK_NONE;
    }
}

void stx_talk_heading(stx_scan_t *sc, stx_item_t *it)
{
    const char *t = sc->st->text;
    size_t a = skip_marks(t, it->start, it->end);
    size_t b = trim_marks(t, a, it->end);
    if (a >= b)
        return;
    int fam = heading_family(t + a, b - a);
    if (fam != HF_NONE && fam != HF_MINOR) /* 第三章：…, Chapter 1: … */
        return;
    /* the first colon */
    size_t c = a, j = a;
    while (c < b && !is_colon(cp_at(t, b, c, &j)))
        c = j;
    size_t no = 0, ne = 0;
    if (c >= b) { /* no colon: a bare name, if a speaker's */
        if (!label_name_ok(t, a, b))
            return;
        it->bare = 1;
        no = a, ne = b;
    } else if (skip_marks(t, j, b) >= b) { /* NAME： */
        ne = trim_marks(t, a, c);
        if (!label_name_ok(t, a, ne))
            return;
        no = a;
    } else { /* ROLE：NAME */
        size_t re = trim_marks(t, a, c);
        no = skip_marks(t, j, b);
        ne = b;
        size_t k;
        if (re <= a || text_width(t + a, re - a) > NAME_CELLS ||
            !label_name_ok(t, a, re) ||
            !in_list(cp_at(t, re, utf8_back(t, a, re - 1), &k), ROLE_END) ||
            !label_name_ok(t, no, ne) ||
            text_width(t + no, ne - no) > ONEOFF_CELLS)
            return;
    }
    no = text_skip_blanks(t, no, ne);
    ne = text_trim_blanks(t, no, ne);
    it->name_off = no;
    it->name_len = ne - no;
    if (!it->bare)
        it->candidate = sc->talk = 1;
    it->form = SPK_HEADING;
    it->prefix_len = it->end - it->start;
    it->prefix_chars = it->chars;
}

int stx_talk_line_label(const structure_t *st, size_t ls)
{
    size_t le = ls;
    while (le < st->len && le - ls < 512 && st->text[le] != '\n' &&
           st->text[le] != '\r')
        le++;
    return speaker_label(st->text + ls, le - ls, NULL, NULL, NULL, NULL);
}

int stx_talk_is_key(const structure_t *st, size_t s, size_t e)
{
    return e - s <= STOP_BYTES && is_key(st->text + s, e - s);
}

int stx_talk_event(const stx_item_t *it)
{
    return it->stop || it->bold || it->exit;
}

/* ---- the resolution ------------------------------------------------------- */

/* A group of labels with one name key. */
typedef struct {
    size_t turns;    /* labels with a colon */
    size_t bare;     /* heading labels without one */
    unsigned forms;  /* 1 << form of its labels (SPK_BOLDQ as SPK_BOLD) */
    size_t first;    /* its first label's event */
    size_t asks;     /* labels whose paragraph ends with a question mark */
    size_t boldq;    /* bold questions */
    size_t key, klen; /* its key in the keys buffer */
    int kept;        /* speaker index, or -1 */
} grp_t;

typedef struct {
    stx_scan_t *sc;
    structure_t *st;
    grp_t *g;
    size_t ng, gcap;
    buf_t keys, k;
    int32_t *ht;
    size_t hsize;
    int *who;        /* per event: the speaker of its turn, or -1 */
    char *ask;       /* per event: an unlabelled question */
    size_t *tcap;    /* per speaker: capacity of its turn_offsets */
} talk_t;

static unsigned form_bit(int form)
{
    return 1u << (form == SPK_BOLDQ ? SPK_BOLD : form);
}

/* Is event e a label with a colon (a candidate) the speakers count? */
static int labelled(const stx_scan_t *sc, size_t i)
{
    const stx_event_t *e = &sc->ev[i];
    if ((long)i == sc->title_ev || !e->it.candidate)
        return 0;
    return e->kind == STX_EV_PLAIN ||
           (e->kind == STX_EV_HEADING && e->it.form == SPK_HEADING);
}

static int is_bare(const stx_scan_t *sc, size_t i)
{
    const stx_event_t *e = &sc->ev[i];
    return (long)i != sc->title_ev && e->kind == STX_EV_HEADING && e->it.bare;
}

/* The group of a name (created when `make`), or -1. */
static long group_of(talk_t *T, const char *s, size_t n, int make)
{
    name_key(s, n, &T->k);
    size_t kl = T->k.n;
    size_t h = (size_t)hash64(T->k.p, kl) & (T->hsize - 1);
    while (T->ht[h] >= 0) {
        grp_t *g = &T->g[T->ht[h]];
        if (g->klen == kl && !memcmp(T->keys.p + g->key, T->k.p, kl))
            return T->ht[h];
        h = (h + 1) & (T->hsize - 1);
    }
    if (!make)
        return -1;
    grow(&T->g, &T->gcap, T->ng + 1, sizeof *T->g);
    grp_t *g = &T->g[T->ng];
    memset(g, 0, sizeof *g);
    g->key = T->keys.n;
    g->klen = kl;
    g->kept = -1;
    buf_add(&T->keys, T->k.p, kl);
    T->ht[h] = (int32_t)T->ng;
    return (long)T->ng++;
}

/* Does a paragraph's text end with a question mark (markup aside)? */
static int asks(const char *t, size_t s, size_t e)
{
    e = trim_marks(t, s, e);
    if (e <= s)
        return 0;
    size_t j;
    uint32_t c = cp_at(t, e, utf8_back(t, s, e - 1), &j);
    return c == U'？' || c == '?';
}

/* The labels of one form count only where two names label three turns or
 * more. */
static void gate_form(talk_t *T, int form)
{
    stx_scan_t *sc = T->sc;
    const structure_t *st = T->st;
    const char *t = st->text;
    size_t turns = 0;
    long first = -1;
    int two = 0;
    buf_t k0 = {0};
    for (size_t i = 0; i < sc->nev; i++) {
        stx_item_t *it = &sc->ev[i].it;
        if (!labelled(sc, i) || it->form != form)
            continue;
        /* the speech: a paragraph next, not a list, a heading, a rule */
        long b = it->block;
        if (b < 0 || (size_t)b + 1 >= st->nblocks ||
            st->blocks[b + 1].kind != BK_PARA ||
            (st->blocks[b + 1].flags & BF_ITEM) ||
            st->blocks[b + 1].list != st->blocks[b].list) {
            it->candidate = 0;
            it->form = SPK_NONE;
            continue;
        }
        turns++;
        name_key(t + sc->ev[i].it.name_off, sc->ev[i].it.name_len, &T->k);
        if (first < 0) {
            first = (long)i;
            buf_add(&k0, T->k.p, T->k.n);
        } else if (T->k.n != k0.n || memcmp(T->k.p, k0.p, k0.n)) {
            two = 1;
        }
    }
    buf_free(&k0);
    if (two && turns >= 3)
        return;
    for (size_t i = 0; i < sc->nev; i++)
        if (sc->ev[i].it.form == form) {
            sc->ev[i].it.candidate = 0;
            sc->ev[i].it.bare = 0;
            sc->ev[i].it.form = SPK_NONE;
        }
}

/* Labels on a line of their own (headings, paragraphs that are only a
 * label) count only where two names label three turns or more: else they
 * are headings or text (a "## 注意：" now and then, an "附："). */
static void gate_headings(talk_t *T)
{
    gate_form(T, SPK_HEADING);
    gate_form(T, SPK_ALONE);
}

/* Is the label of event i a key line: a short description, no sentence? */
static int key_line(const talk_t *T, size_t i)
{
    const stx_item_t *it = &T->sc->ev[i].it;
    const char *d = T->st->text + it->start + it->prefix_len;
    size_t n = it->end - it->start - it->prefix_len;
    if (text_width(d, n) > KEY_DESC_CELLS)
        return 0;
    for (size_t k = 0, j; k < n; k = j)
        if (in_list(cp_at(d, n, k, &j), U"。？！?!…"))
            return 0;
    return 1;
}

/* Plain text: a key to the labels is lines of their own, one after the
 * other (every line is a paragraph): two to eight labels on adjacent
 * lines, then a blank line, each a short description, each the first label
 * of its name (grouped: ev[].speaker). Returns whether there was one. */
static int plain_keys(talk_t *T)
{
    stx_scan_t *sc = T->sc;
    int found = 0;
    if (T->st->markdown || T->st->aozora)
        return 0;
    for (size_t i = 0; i < sc->nev;) {
        if (!labelled(sc, i)) {
            i++;
            continue;
        }
        size_t j = i;
        while (j + 1 < sc->nev && labelled(sc, j + 1) &&
               !sc->ev[j].chars_after &&
               sc->ev[j + 1].it.line == sc->ev[j].it.line + 1)
            j++;
        int key = j > i && j - i < 8 && !sc->ev[j].chars_after &&
                  (j + 1 == sc->nev ||
                   sc->ev[j + 1].it.line > sc->ev[j].it.line + 1);
        for (size_t k = i; key && k <= j; k++)
            key = T->g[sc->ev[k].speaker].first == k && key_line(T, k);
        for (size_t k = i; key && k <= j; k++) {
            sc->ev[k].it.candidate = 0;
            sc->ev[k].it.stop = STX_STOP_KEY;
            found = 1;
        }
        i = j + 1;
    }
    return found;
}

/* Labels grouped by name key; bare heading names join a group that has
 * labels. */
static void group(talk_t *T)
{
    stx_scan_t *sc = T->sc;
    const char *t = T->st->text;
    size_t ncand = 0;
    for (size_t i = 0; i < sc->nev; i++)
        ncand += labelled(sc, i);
    T->hsize = 16;
    while (T->hsize < 2 * ncand)
        T->hsize *= 2;
    T->ht = xmalloc(T->hsize * sizeof *T->ht);
    memset(T->ht, 0xFF, T->hsize * sizeof *T->ht);
    for (size_t i = 0; i < sc->nev; i++) {
        stx_event_t *e = &sc->ev[i];
        e->speaker = -1;
        if (!labelled(sc, i))
            continue;
        long k = group_of(T, t + e->it.name_off, e->it.name_len, 1);
        grp_t *g = &T->g[k];
        if (g->turns == 0)
            g->first = i;
        g->turns++;
        g->forms |= form_bit(e->it.form);
        g->boldq += e->it.form == SPK_BOLDQ;
        g->asks += asks(t, e->it.start, e->it.end);
        e->speaker = (int)k;
    }
    for (size_t i = 0; i < sc->nev; i++) {
        stx_event_t *e = &sc->ev[i];
        if (!is_bare(sc, i))
            continue;
        long k = group_of(T, t + e->it.name_off, e->it.name_len, 0);
        if (k >= 0) {
            T->g[k].bare++;
            e->speaker = (int)k;
        }
    }
}

/* The speakers: established names (two labels or more, a known label),
 * then names labelled once in an established form, between the
 * established turns; in order of first label. */
static void keep(talk_t *T)
{
    stx_scan_t *sc = T->sc;
    structure_t *st = T->st;
    const char *t = st->text;
    unsigned forms = 0;
    size_t lo = (size_t)-1, hi = 0;
    char *est = xcalloc(T->ng + 1, 1);
    for (size_t k = 0; k < T->ng; k++) {
        const stx_event_t *e = &sc->ev[T->g[k].first];
        est[k] = T->g[k].turns >= 2 ||
                 is_label(t + e->it.name_off, e->it.name_len);
        if (est[k])
            forms |= T->g[k].forms;
    }
    for (size_t i = 0; i < sc->nev; i++) {
        int k = sc->ev[i].speaker;
        if (k >= 0 && labelled(sc, i) && est[k]) {
            lo = i < lo ? i : lo;
            hi = i;
        }
    }
    size_t spcap = 0;
    for (size_t k = 0; k < T->ng; k++) {
        grp_t *g = &T->g[k];
        const stx_event_t *e = &sc->ev[g->first];
        const char *nm = t + e->it.name_off;
        int ok = est[k] ||
                 (g->turns == 1 && (g->forms & forms) && g->first > lo &&
                  g->first < hi && oneoff_name_ok(nm, e->it.name_len));
        if (!ok)
            continue;
        g->kept = (int)st->nspeakers;
        grow(&st->speakers, &spcap, st->nspeakers + 1, sizeof *st->speakers);
        speaker_t *p = &st->speakers[st->nspeakers++];
        memset(p, 0, sizeof *p);
        p->name_off = e->it.name_off;
        p->name_len = e->it.name_len;
        p->first_line = e->it.line;
        p->hash = name_hash(nm, e->it.name_len);
    }
    free(est);
    T->who = xmalloc((sc->nev + 1) * sizeof *T->who);
    T->ask = xcalloc(sc->nev + 1, 1);
    for (size_t i = 0; i < sc->nev; i++) {
        int k = sc->ev[i].speaker;
        T->who[i] = k >= 0 ? T->g[k].kept : -1;
    }
}

/* The interviewer: the kept speaker who asks (bold questions first, then
 * a known label, then most labels ending in a question mark), or -1. */
static int interviewer(const talk_t *T)
{
    const char *t = T->st->text;
    long best = -1, bscore = 0;
    for (size_t k = 0; k < T->ng; k++) {
        const grp_t *g = &T->g[k];
        if (g->kept < 0)
            continue;
        const stx_event_t *e = &T->sc->ev[g->first];
        long score = (long)(100 * g->asks / (g->turns ? g->turns : 1));
        if (score < 50)
            score = 0;
        if (is_label(t + e->it.name_off, e->it.name_len))
            score += 1000;
        if (g->boldq * 2 >= g->turns && g->boldq)
            score += 10000;
        if (score > bscore) {
            bscore = score;
            best = g->kept;
        } else if (score == bscore) {
            best = -1; /* a tie: nobody in particular */
        }
    }
    return bscore > 0 ? (int)best : -1;
}

/* Whole bold paragraphs without a label right before a labelled answer,
 * after the first turn: the interviewer's questions (two at least), or,
 * with no interviewer, where the running turn ends. */
static void bold_questions(talk_t *T)
{
    stx_scan_t *sc = T->sc;
    int q = interviewer(T);
    size_t n = 0, first = (size_t)-1;
    for (size_t i = 0; i < sc->nev; i++)
        if (T->who[i] >= 0 && labelled(sc, i) && first == (size_t)-1)
            first = i;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i + 1 < sc->nev; i++) {
            stx_event_t *e = &sc->ev[i];
            if (first == (size_t)-1 || i < first || !e->it.bold ||
                e->it.stop || e->kind != STX_EV_PLAIN || e->chars_after ||
                T->who[i] >= 0)
                continue; /* (a label that is no speaker's: unlabelled) */
            int next = T->who[i + 1];
            if (next < 0 || next == q || !labelled(sc, i + 1))
                continue;
            if (pass == 0)
                n++;
            else if (q >= 0)
                T->who[i] = q, T->ask[i] = 1;
            else
                e->it.stop = STX_STOP_KEY;
        }
        if (n < 2)
            return;
    }
}

/* An entry of the turn table (see st_int.h). */
static void add_turn(struct st_priv *pv, size_t at, int32_t who,
                     uint16_t hang)
{
    if (pv->nturns == pv->tcap) {
        pv->tcap = pv->tcap ? 2 * pv->tcap : 64;
        pv->turn_at = xrealloc(pv->turn_at, pv->tcap * sizeof *pv->turn_at);
        pv->turn_who = xrealloc(pv->turn_who, pv->tcap * sizeof *pv->turn_who);
        pv->turn_hang = xrealloc(pv->turn_hang,
                                 pv->tcap * sizeof *pv->turn_hang);
    }
    pv->turn_at[pv->nturns] = at;
    pv->turn_who[pv->nturns] = who;
    pv->turn_hang[pv->nturns++] = hang;
}

/* The hanging indent of a turn at t with a prefix of pl bytes: the cells
 * of the prefix as drawn (markup stars are not), from its paragraph's
 * start (plain text: leading blanks included). */
static uint16_t hang_of(const structure_t *st, size_t t, size_t pl)
{
    size_t ps = st->markdown ? t : text_trim_blanks(st->text, 0, t);
    const char *s = st->text + ps;
    size_t n = (t - ps) + pl, w = 0;
    for (size_t i = 0, j; i < n; i = j) { /* (no stars, no line break) */
        j = i;
        while (j < n && s[j] != '*' && s[j] != '\n' && s[j] != '\r')
            j++;
        w += text_width(s + i, j - i);
        if (j == i)
            j++;
    }
    return w > UINT16_MAX ? UINT16_MAX : (uint16_t)w;
}

/* Turns: each runs until the next turn, heading, rule or stop line, or
 * until its block quote or list ends; the speakers learn their turns and
 * characters, the turn table its starts and ends. */
static void turns(talk_t *T)
{
    stx_scan_t *sc = T->sc;
    structure_t *st = T->st;
    T->tcap = xcalloc(st->nspeakers + 1, sizeof *T->tcap);
    int cur = -1, cq = 0, cl = 0;
    for (size_t i = 0; i < sc->nev; i++) {
        stx_event_t *e = &sc->ev[i];
        int who = T->who[i];
        e->speaker = -1;
        if (who >= 0) {
            int head = (e->it.form == SPK_HEADING ||
                        e->it.form == SPK_ALONE) && !T->ask[i];
            e->kind = STX_EV_TURN;
            e->speaker = who;
            if (T->ask[i]) { /* an unlabelled question */
                e->it.prefix_len = e->it.prefix_chars = 0;
                e->it.form = SPK_NONE;
            }
            cur = who;
            cq = e->it.quote;
            cl = e->it.list;
            speaker_t *p = &st->speakers[who];
            grow(&p->turn_offsets, &T->tcap[who], p->turns + 1,
                 sizeof *p->turn_offsets);
            p->turn_offsets[p->turns++] = e->it.start;
            p->chars += e->it.chars - e->it.prefix_chars + e->chars_after;
            add_turn(st->priv, e->it.start, who,
                     head ? HEADING_HANG
                          : hang_of(st, e->it.start, e->it.prefix_len));
        } else if (e->kind == STX_EV_HEADING || e->kind == STX_EV_RULE) {
            cur = -1;
            add_turn(st->priv, e->it.start, -1, 0);
        } else if (cur >= 0 && (e->it.stop || e->it.quote < cq ||
                                e->it.list < cl)) {
            cur = -1;
            add_turn(st->priv, e->it.start, -1, 0);
        } else if (cur >= 0) {
            /* a one-off label or a rejected minor heading: ordinary text,
             * so it continues the running turn */
            st->speakers[cur].chars += e->it.chars + e->chars_after;
        }
    }
}

/* Markdown and Aozora blocks learn their turns (plain text asks the turn
 * table when a block is wanted): a heading label becomes a paragraph with
 * the speech under it, tight; a bold question's body is no longer bold. */
static void block_turns(talk_t *T)
{
    stx_scan_t *sc = T->sc;
    structure_t *st = T->st;
    for (size_t i = 0; i < sc->nev; i++) {
        stx_event_t *e = &sc->ev[i];
        if (e->kind != STX_EV_TURN || e->it.block < 0)
            continue;
        block_t *b = &st->blocks[e->it.block];
        b->prefix = (uint32_t)e->it.prefix_len;
        if (e->it.form == SPK_HEADING || e->it.form == SPK_ALONE) {
            b->kind = BK_PARA;
            b->level = 0;
            b->heading = -1;
            if ((size_t)e->it.block + 1 < st->nblocks) {
                block_t *nx = b + 1;
                if (nx->kind == BK_PARA && nx->quote == b->quote &&
                    nx->list == b->list && !(nx->flags & BF_ITEM))
                    nx->flags |= BF_TIGHT;
            }
        } else if (e->it.form == SPK_BOLDQ) {
            for (uint32_t s = b->span0; s < b->span0 + b->nspan; s++) {
                span_t *sp = &st->spans[s];
                if (!(sp->style & SP_STRONG) && sp->kind != SK_SOFTBR &&
                    sp->kind != SK_HARDBR)
                    break;
                sp->style &= (uint16_t)~SP_STRONG;
            }
        }
    }
    const struct st_priv *pv = st->priv;
    size_t t = 0;
    int run = -1;
    uint16_t hang = 0;
    for (size_t b = 0; b < st->nblocks; b++) {
        block_t *bk = &st->blocks[b];
        while (t < pv->nturns && pv->turn_at[t] <= bk->start) {
            run = pv->turn_who[t];
            hang = pv->turn_hang[t];
            if (pv->turn_at[t] == bk->start && run >= 0)
                bk->flags |= BF_TURN;
            t++;
        }
        if (bk->kind == BK_HEADING || bk->kind == BK_RULE ||
            bk->kind == BK_TITLE)
            run = -1;
        if (run >= 0 && bk->kind == BK_PARA) {
            bk->speaker = run;
            bk->hang = hang;
            if (!(bk->flags & BF_TURN))
                bk->flags |= BF_CONT;
        }
    }
}

void stx_talk_resolve(stx_scan_t *sc)
{
    talk_t T;
    memset(&T, 0, sizeof T);
    T.sc = sc;
    T.st = sc->st;
    gate_headings(&T);
    group(&T);
    if (plain_keys(&T)) { /* group again without the key's lines */
        free(T.ht);
        T.ng = 0;
        T.keys.n = 0;
        group(&T);
    }
    keep(&T);
    bold_questions(&T);
    turns(&T);
    if (sc->st->nblocks) /* Markdown, Aozora */
        block_turns(&T);
    free(T.g);
    free(T.ht);
    free(T.who);
    free(T.ask);
    free(T.tcap);
    buf_free(&T.keys);
    buf_free(&T.k);
}
