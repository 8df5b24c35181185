#include "readtime.h"
#include "text.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define RT_CHUNK 65536

struct rt_job {
    const char *text;
    size_t len, n;
    size_t *cjk, *words; /* per chunk, summed from the end */
    bg_task_t task;
    int threaded;
    _Atomic int done, stop;
};

static int alnum(char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static void count(rt_t *rt)
{
    size_t n = rt->n;
    rt->cjk[n] = rt->words[n] = 0;
    for (size_t i = n; i-- > 0;) {
        if (rt->stop)
            return; /* rt_free: the count is not wanted */
        size_t a = i * RT_CHUNK, e = a + RT_CHUNK < rt->len ? a + RT_CHUNK : rt->len;
        rt->cjk[i] = rt->cjk[i + 1];
        rt->words[i] = rt->words[i + 1];
        if (a < e) {
            text_count_reading(rt->text + a, e - a, &rt->cjk[i], &rt->words[i]);
            /* a word cut by the chunk's start was counted before it too */
            if (a > 0 && alnum(rt->text[a - 1]) && alnum(rt->text[a]) && rt->words[i])
                rt->words[i]--;
        }
    }
    rt->done = 1;
}

static void *count_thread(void *arg)
{
    rt_t *rt = arg;
    if (!bg_gate(&rt->stop))
        return NULL;
    thread_background(10);
    count(rt);
    return NULL;
}

rt_t *rt_start(const char *text, size_t len)
{
    rt_t *rt = xmalloc(sizeof *rt);
    rt->text = text;
    rt->len = len;
    rt->n = len / RT_CHUNK + 1;
    rt->cjk = xmalloc((rt->n + 1) * sizeof *rt->cjk);
    rt->words = xmalloc((rt->n + 1) * sizeof *rt->words);
    rt->done = 0;
    rt->stop = 0;
    rt->threaded = bg_start(&rt->task, count_thread, rt) == 0;
    if (!rt->threaded)
        count(rt);
    return rt;
}

int rt_ready(const rt_t *rt)
{
    return rt && rt->done;
}

long rt_minutes_left(rt_t *rt, size_t off)
{
    if (!rt || !rt->done)
        return -1;
    size_t i = off / RT_CHUNK, cjk = 0, words = 0;
    if (i >= rt->n)
        return 0;
    size_t e = (i + 1) * RT_CHUNK < rt->len ? (i + 1) * RT_CHUNK : rt->len;
    if (off < e)
        text_count_reading(rt->text + off, e - off, &cjk, &words);
    cjk += rt->cjk[i + 1];
    words += rt->words[i + 1];
    double m = cjk / 400.0 + words / 230.0;
    return (long)(m + 0.999);
}

void rt_say(long m, char *out, size_t n)
{
    if (m < 60) {
        snprintf(out, n, "%ld min left", m < 0 ? 0 : m);
        return;
    }
    long r = (m + 5) / 10 * 10; /* to the nearest 10 minutes */
    if (r < 24 * 60) {
        if (r % 60)
            snprintf(out, n, "\u2248 %ld h %ld min left", r / 60, r % 60);
        else
            snprintf(out, n, "\u2248 %ld h left", r / 60);
        return;
    }
    long d = (m + 12 * 60) / (24 * 60);
    snprintf(out, n, "\u2248 %ld day%s left", d, d == 1 ? "" : "s");
}

void rt_free(rt_t *rt)
{
    if (!rt)
        return;
    rt->stop = 1;
    if (rt->threaded)
        bg_stop(&rt->task);
    free(rt->cjk);
    free(rt->words);
    free(rt);
}
