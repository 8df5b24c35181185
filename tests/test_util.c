/* util: the gate in front of background work; cxxlib: OpenCC and uchardet
 * loaded on first use. */
#include "t.h"
#include "cxxlib.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    _Atomic int stop, started, finished;
} job_t;

static void *worker(void *arg)
{
    job_t *j = arg;
    if (bg_gate(&j->stop)) /* 0 when stopped */
        j->started = 1;
    j->finished = 1;
    return NULL;
}

static void nap(void)
{
    struct timespec ts = {0, 30 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static void test_gate(void)
{
    /* open by default: a thread runs at once */
    job_t a = {0};
    pthread_t t;
    CHECK(!bg_held());
    CHECK(pthread_create(&t, NULL, worker, &a) == 0);
    bg_join(t);
    CHECK(a.started && a.finished);

    /* held: the thread waits; released: it runs */
    job_t b = {0};
    bg_hold();
    CHECK(bg_held());
    CHECK(pthread_create(&t, NULL, worker, &b) == 0);
    nap();
    CHECK(!b.finished);
    bg_release();
    pthread_join(t, NULL);
    CHECK(b.started && b.finished);

    /* held, then stopped: it leaves the gate without working, and the gate
       stays held for the others */
    job_t c = {0}, d = {0};
    pthread_t t2;
    bg_hold();
    CHECK(pthread_create(&t, NULL, worker, &c) == 0);
    CHECK(pthread_create(&t2, NULL, worker, &d) == 0);
    nap();
    c.stop = 1;
    bg_stop_join(t);
    CHECK(c.finished && !c.started);
    CHECK(bg_held());
    nap();
    CHECK(!d.finished);

    /* waiting for a result releases the gate */
    bg_join(t2);
    CHECK(d.started && !bg_held());
}

/* bg_start: behind a held gate no thread is made until it opens; one
 * stopped before is never made (its work never begins) */
static void test_start(void)
{
    job_t a = {0}, b = {0}, c = {0};
    bg_task_t ta, tb, tc;
    CHECK(!bg_held());
    CHECK(bg_start(&ta, worker, &a) == 0); /* open: made at once */
    bg_finish(&ta);
    CHECK(a.started && a.finished);

    bg_hold();
    CHECK(bg_start(&tb, worker, &b) == 0);
    CHECK(bg_start(&tc, worker, &c) == 0);
    nap();
    CHECK_MSG(!b.finished && !c.finished, "a noted task ran behind a held gate");
    c.stop = 1;
    bg_stop(&tc); /* never made: its function never runs */
    CHECK(!c.started && !c.finished);
    CHECK(bg_held());
    bg_release(); /* makes the one still noted */
    bg_finish(&tb);
    CHECK(b.started && b.finished);
    CHECK(!c.finished);

    /* waiting for a noted task's result opens the gate and makes it */
    job_t d = {0};
    bg_task_t td;
    bg_hold();
    CHECK(bg_start(&td, worker, &d) == 0);
    bg_finish(&td);
    CHECK(d.started && d.finished && !bg_held());
}

static void test_cxxlib(void)
{
    const cxx_opencc_t *cc = cxx_opencc();
    CHECK(cc != NULL);
    CHECK(cxx_opencc() == cc); /* loaded once */
    if (cc) {
        opencc_t h = cc->open("t2s.json");
        CHECK(h != (opencc_t)-1);
        if (h != (opencc_t)-1) {
            char *o = cc->convert_utf8(h, "創新", strlen("創新"));
            CHECK_STR(o, "创新");
            if (o)
                cc->convert_utf8_free(o);
            CHECK(cc->close(h) == 0);
        }
    }
    const cxx_uchardet_t *ud = cxx_uchardet();
    CHECK(ud != NULL);
    if (ud) {
        uchardet_t u = ud->create();
        /* 「繁體中文的文章，編碼是大五碼。」 in Big5, three times */
        static const unsigned char big5[] = {
            0xc1, 0x63, 0xc5, 0xe9, 0xa4, 0xa4, 0xa4, 0xe5, 0xaa, 0xba, 0xa4, 0xe5,
            0xb3, 0xb9, 0xa1, 0x41, 0xbd, 0x73, 0xbd, 0x58, 0xac, 0x4f, 0xa4, 0x6a,
            0xa4, 0xad, 0xbd, 0x58, 0xa1, 0x43};
        for (int k = 0; k < 3; k++)
            ud->handle_data(u, (const char *)big5, sizeof big5);
        ud->data_end(u);
        const char *cs = ud->get_charset(u);
        CHECK_MSG(cs && !strcasecmp(cs, "BIG5"), "charset: %s", cs ? cs : "(null)");
        ud->destroy(u);
    }
}

/* mem_find is memmem: random haystacks and needles over a small alphabet
 * (so that needles are found, and near misses met), of every length. */
static void test_mem_find(void)
{
    unsigned seed = 42, bad = 0, found = 0;
    char h[64], f[8];
    for (int round = 0; round < 20000; round++) {
        size_t n = (seed = seed * 1103515245u + 12345u) >> 16 & 63;
        size_t fl = (seed = seed * 1103515245u + 12345u) >> 16 & 7;
        for (size_t i = 0; i < n; i++)
            h[i] = "ab\xe5\xae"[(seed = seed * 1103515245u + 12345u) >> 16 & 3];
        for (size_t i = 0; i < fl; i++)
            f[i] = "ab\xe5\xae"[(seed = seed * 1103515245u + 12345u) >> 16 & 3];
        const char *want = memmem(h, n, f, fl), *got = mem_find(h, n, f, fl);
        bad += want != got;
        found += want != NULL;
    }
    CHECK_MSG(bad == 0, "mem_find differs from memmem %u times", bad);
    CHECK(found > 5000);
    /* mem_find_any: the earliest of 1-8 needles of 1-9 bytes, as memmem
     * of each finds them, in haystacks of up to 200 bytes (needles at the
     * start, inside, astride a 32-byte block, in the last bytes; one
     * longer than the haystack beside one that fits) */
    bad = found = 0;
    for (int round = 0; round < 20000; round++) {
        char hh[200], nd[MEM_FIND_MAX][10];
        const char *np[MEM_FIND_MAX];
        size_t len[MEM_FIND_MAX], n = ((seed = seed * 1103515245u + 12345u) >> 16) % sizeof hh;
        size_t k = 1 + ((seed = seed * 1103515245u + 12345u) >> 16) % MEM_FIND_MAX;
        for (size_t i = 0; i < n; i++)
            hh[i] = "ab\xE5\xAE\x9D\n"[((seed = seed * 1103515245u + 12345u) >> 16) % 6];
        const char *want = NULL;
        for (size_t j = 0; j < k; j++) {
            len[j] = 1 + ((seed = seed * 1103515245u + 12345u) >> 16) % 9;
            for (size_t i = 0; i < len[j]; i++)
                nd[j][i] = "ab\xE5\xAE\x9D\n"[((seed = seed * 1103515245u + 12345u) >> 16) % 6];
            np[j] = nd[j];
            const char *p = memmem(hh, n, nd[j], len[j]);
            if (p && (!want || p < want))
                want = p;
        }
        found += want != NULL;
        bad += mem_find_any(hh, n, np, len, k) != want;
    }
    CHECK_MSG(bad == 0 && found > 5000, "mem_find_any: %u wrong, %u found", bad, found);
}

int main(void)
{
    test_mem_find();
    test_gate();
    test_start();
    test_cxxlib();
    return T_DONE("test_util");
}
