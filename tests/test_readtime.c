/* readtime: minutes left at 400 CJK characters and 230 words a minute,
 * counted in chunks on a thread, exact across chunk boundaries. */
#include "readtime.h"
#include "t.h"
#include "util.h"

#include <time.h>

static long wait_minutes(rt_t *rt, size_t off)
{
    long m;
    while ((m = rt_minutes_left(rt, off)) < 0) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return m;
}

int main(void)
{
    /* 40,000 CJK characters (100 min) across two chunks, then 2,300 words */
    buf_t b = {0};
    for (int i = 0; i < 40000; i++)
        buf_adds(&b, i % 50 == 49 ? "。\n" : "读");
    size_t cjk_end = b.n;
    for (int i = 0; i < 2300; i++)
        buf_adds(&b, "word ");
    rt_t *rt = rt_start(b.p, b.n);
    long all = wait_minutes(rt, 0);
    CHECK(rt_ready(rt));
    /* 40,000 - 800 full stops are not counted: 39,200 / 400 = 98, + 10 */
    CHECK_MSG(all == 108, "all: %ld", all);
    CHECK_MSG(rt_minutes_left(rt, cjk_end) == 10, "words only: %ld", rt_minutes_left(rt, cjk_end));
    CHECK(rt_minutes_left(rt, b.n) == 0);
    CHECK(rt_minutes_left(rt, b.n + 5) == 0);
    /* half way through the characters: about 49 + 10 */
    long half = rt_minutes_left(rt, cjk_end / 2);
    CHECK_MSG(half >= 58 && half <= 60, "half: %ld", half);
    /* monotonic */
    long prev = all;
    int mono = 1;
    for (size_t off = 0; off <= b.n; off += 4099) {
        long m = rt_minutes_left(rt, off);
        if (m > prev)
            mono = 0;
        prev = m;
    }
    CHECK(mono);
    rt_free(rt);
    rt = rt_start("", 0);
    CHECK(wait_minutes(rt, 0) == 0);
    rt_free(rt);
    rt_free(NULL);
    CHECK(rt_minutes_left(NULL, 0) == -1);
    /* as people say it (issue 16): not "37354 min left" */
    static const struct {
        long m;
        const char *say;
    } says[] = {
        {0, "0 min left"}, {1, "1 min left"}, {59, "59 min left"}, {60, "\u2248 1 h left"},
        {64, "\u2248 1 h left"}, {65, "\u2248 1 h 10 min left"}, {200, "\u2248 3 h 20 min left"},
        {1434, "\u2248 23 h 50 min left"}, {1435, "\u2248 1 day left"},
        {2159, "\u2248 1 day left"}, {2160, "\u2248 2 days left"},
        {37354, "\u2248 26 days left"},
    };
    for (size_t i = 0; i < sizeof says / sizeof *says; i++) {
        char out[48];
        rt_say(says[i].m, out, sizeof out);
        CHECK_STR(out, says[i].say);
    }
    buf_free(&b);
    return T_DONE("test_readtime");
}
