/* nav: the reader's query language (@NAME #N #TITLE re:) and where the
 * next heading, turn and match are, without a screen. */
#include "nav.h"
#include "t.h"
#include "text.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

/* An interview: a title, three sections and a subsection of the second
 * (a family first seen inside another: one level deeper), two speakers. */
static const char doc[] =
    "对谈录\n"
    "\n"
    "一、开场\n"
    "主持人：欢迎你来。今天聊聊开源。\n"
    "林晓：谢谢。开源是一种习惯。\n"
    "二、模型与数据\n"
    "主持人：数据从哪里来？\n"
    "林晓：从公开的网页来，也从书里来。开源的数据最好。\n"
    "（一）清洗\n"
    "主持人：清洗难吗？\n"
    "林晓：难，开源工具帮了大忙。\n"
    "三、结尾\n"
    "主持人：谢谢你。\n";

static size_t at(const char *s)
{
    const char *p = strstr(doc, s);
    return p ? (size_t)(p - doc) : (size_t)-1;
}

static void parse(nav_query_t *Q, const structure_t *st, const char *q, int want_ok,
                  const char *want_err)
{
    char err[256];
    int r = nav_query_parse(Q, st, q, strlen(q), 0, err, sizeof err);
    CHECK_MSG((r == 0) == want_ok, "%s: %d [%s]", q, r, err);
    if (want_err)
        CHECK_STR(err, want_err);
}

static void test_query(const structure_t *st)
{
    nav_query_t Q;
    nav_query_init(&Q);
    CHECK(Q.speaker == -1 && !Q.has_sec && !Q.raw);

    parse(&Q, st, "开源", 1, NULL);
    CHECK(Q.speaker == -1 && !Q.has_sec && Q.q.q != NULL);
    CHECK_STR(Q.raw, "开源");

    parse(&Q, st, "@林晓 开源", 1, NULL);
    CHECK(Q.speaker >= 0 && Q.q.q != NULL);
    CHECK_STR(st->text + st->speakers[Q.speaker].name_off, st->text + at("林晓：谢谢"));
    CHECK_STR(Q.raw, "开源");
    /* @NAME folds as queries do, and a unique prefix names its speaker */
    int lin = Q.speaker;
    parse(&Q, st, "@林曉 开源", 1, NULL);
    CHECK(Q.speaker == lin);
    parse(&Q, st, "@林", 1, NULL);
    CHECK(Q.speaker == lin && Q.q.q == NULL);
    parse(&Q, st, "@主 开源", 1, NULL);
    CHECK(Q.speaker >= 0 && Q.speaker != lin);
    parse(&Q, st, "@林晓： 开源", 1, NULL);
    CHECK(Q.speaker == lin);
    char err2[256];
    CHECK(nav_query_parse(&Q, st, "@林曉", strlen("@林曉"), SEARCH_NO_TCSC, err2, sizeof err2) < 0);
    CHECK_STR(err2, "no speaker named 林曉");
    parse(&Q, st, "@林晓x 开源", 0, "no speaker named 林晓x");
    /* an ideographic space separates scopes too */
    parse(&Q, st, "@林晓\u3000开源", 1, NULL);
    CHECK(Q.speaker >= 0);
    CHECK_STR(Q.raw, "开源");

    /* @NAME alone: that speaker's turns, no text query */
    parse(&Q, st, "@主持人", 1, NULL);
    CHECK(Q.speaker >= 0 && Q.q.q == NULL);

    parse(&Q, st, "@张三 开源", 0, "no speaker named 张三");
    /* a name from outside is made terminal-safe in the message */
    parse(&Q, st, "@\x1b[2J", 0, "no speaker named ^[[2J");

    /* #N: the second section, up to the next heading of its level; its
     * subsection is inside it */
    parse(&Q, st, "#2 开源", 1, NULL);
    CHECK(Q.has_sec && Q.sec_lo == at("二、模型") && Q.sec_hi == at("三、结尾"));
    parse(&Q, st, "#1 开源", 1, NULL);
    CHECK(Q.has_sec && Q.sec_lo == at("一、开场") && Q.sec_hi == at("二、模型"));
    parse(&Q, st, "#3 x", 1, NULL);
    CHECK(Q.sec_lo == at("（一）清洗") && Q.sec_hi == at("三、结尾"));
    parse(&Q, st, "#4 x", 1, NULL);
    CHECK(Q.sec_lo == at("三、结尾") && Q.sec_hi == strlen(doc));
    parse(&Q, st, "#9 x", 0, "no section 9");
    /* #TITLE: the first heading holding it */
    parse(&Q, st, "#清洗 工具", 1, NULL);
    CHECK(Q.has_sec && Q.sec_lo == at("（一）清洗"));
    parse(&Q, st, "#结论 x", 0, "no section 结论");
    /* both scopes */
    parse(&Q, st, "@林晓 #2 数据", 1, NULL);
    CHECK(Q.speaker >= 0 && Q.has_sec);
    CHECK_STR(Q.raw, "数据");

    /* re: a regular expression; an invalid one is refused with a message */
    parse(&Q, st, "re:开.", 1, NULL);
    CHECK(Q.q.flags & SEARCH_REGEX);
    CHECK_STR(Q.raw, "开.");
    char err[256];
    CHECK(nav_query_parse(&Q, st, "re:(", 4, 0, err, sizeof err) < 0 && err[0]);
    parse(&Q, st, "", 0, "empty search");
    parse(&Q, st, "#2", 0, "empty search");
    nav_query_free(&Q);
    CHECK(Q.raw == NULL && Q.speaker == -1);
}

static void test_scope_and_find(const structure_t *st)
{
    search_t S;
    search_init(&S, st->text, st->len);
    nav_query_t Q;
    nav_query_init(&Q);
    char err[256];
    match_t m;
    int wrapped;

    /* every 开源, forwards from the top, then round the end */
    CHECK(nav_query_parse(&Q, st, "开源", 6, 0, err, sizeof err) == 0);
    const char *want[] = {"开源。", "开源是", "开源的", "开源工具"};
    size_t from = 0;
    for (int k = 0; k < 4; k++) {
        CHECK(nav_find(&S, st, &Q, -1, from, 1, &m, &wrapped) == 1);
        CHECK_MSG(m.a == at(want[k]) && !wrapped, "match %d at %zu", k, m.a);
        from = m.a + 1;
    }
    CHECK(nav_find(&S, st, &Q, -1, from, 1, &m, &wrapped) == 1);
    CHECK(m.a == at(want[0]) && wrapped);
    /* backwards from the top wraps to the last */
    CHECK(nav_find(&S, st, &Q, -1, 0, -1, &m, &wrapped) == 1);
    CHECK(m.a == at(want[3]) && wrapped);

    /* @林晓: only her turns */
    CHECK(nav_query_parse(&Q, st, "@林晓 开源", strlen("@林晓 开源"), 0, err, sizeof err) == 0);
    CHECK(nav_find(&S, st, &Q, -1, 0, 1, &m, &wrapped) == 1 && m.a == at("开源是"));
    CHECK(!nav_in_scope(st, &Q, -1, at("开源。")));
    CHECK(nav_in_scope(st, &Q, -1, at("开源的")));
    /* the reader's filter (only) narrows further: the host's turns only */
    int host = st_speaker_find(st, "主持人", strlen("主持人"));
    CHECK(host >= 0 && !nav_in_scope(st, &Q, host, at("开源是")));
    CHECK(nav_find(&S, st, &Q, host, 0, 1, &m, &wrapped) == 0);

    /* #3: only in the subsection */
    CHECK(nav_query_parse(&Q, st, "#3 开源", strlen("#3 开源"), 0, err, sizeof err) == 0);
    CHECK(nav_find(&S, st, &Q, -1, 0, 1, &m, &wrapped) == 1 && m.a == at("开源工具"));
    CHECK(!nav_in_scope(st, &Q, -1, at("开源的")));
    /* nothing at all */
    CHECK(nav_query_parse(&Q, st, "闭源", strlen("闭源"), 0, err, sizeof err) == 0);
    CHECK(nav_find(&S, st, &Q, -1, 0, 1, &m, &wrapped) == 0);
    nav_query_free(&Q);
    search_free(&S);
}

static void test_moves(const structure_t *st)
{
    /* headings: from the top line [s, e) */
    size_t h1 = at("一、开场"), h2 = at("二、模型"), h3 = at("（一）清洗");
    long h = nav_next_heading(st, 0, 1, 1);
    CHECK(h >= 0 && st->headings[h].start == h1);
    h = nav_next_heading(st, h1, h1 + 3, 1);
    CHECK(h >= 0 && st->headings[h].start == h2);
    h = nav_next_heading(st, h3, h3 + 3, 1);
    CHECK(h >= 0 && st->headings[h].start == at("三、结尾"));
    CHECK(nav_next_heading(st, at("主持人：谢谢你"), at("主持人：谢谢你") + 3, 1) < 0);
    h = nav_next_heading(st, h3, h3 + 3, -1);
    CHECK(h >= 0 && st->headings[h].start == h2);
    CHECK(nav_next_heading(st, h1, h1 + 3, -1) < 0); /* the title is no section */

    /* turns: every one, in order */
    size_t *v;
    size_t n = nav_turns(st, &v);
    CHECK(n == 7);
    for (size_t i = 1; i < n; i++)
        CHECK(v[i - 1] < v[i]);
    CHECK(v[0] == at("主持人：欢迎") && v[5] == at("林晓：难") && v[6] == at("主持人：谢谢你"));
    /* the next / previous offset from a top line */
    CHECK(nav_next_offset(v, n, 0, 1, 1) == 0);
    CHECK(nav_next_offset(v, n, v[0], v[0] + 5, 1) == 1);
    CHECK(nav_next_offset(v, n, v[0], v[0] + 5, -1) == -1);
    CHECK(nav_next_offset(v, n, v[6], v[6] + 5, 1) == -1);
    CHECK(nav_next_offset(v, n, v[5], v[5] + 5, -1) == 4);
    /* an empty top line (a blank): the offset at it counts as next */
    CHECK(nav_next_offset(v, n, v[2], v[2], 1) == 2);
    CHECK(nav_next_offset(NULL, 0, 0, 1, 1) == -1);
    free(v);
}

static void test_say(void)
{
    char out[16];
    nav_say(out, sizeof out, "a ", "b\x07", 2, " c");
    CHECK_STR(out, "a b^G c");
    nav_say(out, 6, "long ", "text", 4, "");
    CHECK_STR(out, "long ");
}

int main(void)
{
    setlocale(LC_ALL, "");
    text_init_locale();
    structure_t st;
    st_build(&st, doc, strlen(doc), FMT_TEXT, NULL);
    CHECK(st.nspeakers == 2);
    CHECK(st.nheadings == 5); /* the title and four sections */
    test_query(&st);
    test_scope_and_find(&st);
    test_moves(&st);
    test_say();
    st_free(&st);
    /* a prefix of two speakers' names: the candidates */
    static const char two[] = "暗涌：你好。\n暗流：嗯。\n暗涌：再见。\n暗流：好的。\n";
    st_build(&st, two, strlen(two), FMT_TEXT, NULL);
    CHECK(st.nspeakers == 2);
    nav_query_t Q;
    nav_query_init(&Q);
    parse(&Q, &st, "@暗 你好", 0, "@暗 is 2 speakers: 暗涌, 暗流");
    parse(&Q, &st, "@暗流", 1, NULL);
    CHECK(Q.speaker == st_speaker_find(&st, "暗流", strlen("暗流")));
    nav_query_free(&Q);
    st_free(&st);
    return T_DONE("test_nav");
}
