#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void oom(void)
{
    fputs("juan: out of memory\n", stderr);
    exit(2);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

void grow(void *pp, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c = c * 2;
    if (c > SIZE_MAX / size)
        oom();
    *(void **)pp = xrealloc(*(void **)pp, c * size);
    *cap = c;
}

void buf_add(buf_t *b, const void *s, size_t n)
{
    grow(&b->p, &b->cap, b->n + n + 1, 1);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void buf_addc(buf_t *b, char c)
{
    buf_add(b, &c, 1);
}

void buf_adds(buf_t *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_free(buf_t *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

void msg(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("juan: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

const char *path_base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s && s[1] ? s + 1 : p;
}

long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static pthread_mutex_t g_gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_gate_cv = PTHREAD_COND_INITIALIZER;
static _Atomic int g_held;

void bg_hold(void)
{
    pthread_mutex_lock(&g_gate_mu);
    g_held = 1;
    pthread_mutex_unlock(&g_gate_mu);
}

static bg_task_t *g_noted; /* bg_start()s while held, newest first */

static void make_thread(bg_task_t *t)
{
    if (pthread_create(&t->thread, NULL, t->fn, t->arg) == 0) {
        t->state = 2;
    } else { /* no thread: the work is done here */
        t->state = 0;
        t->fn(t->arg);
    }
}

void bg_release(void)
{
    pthread_mutex_lock(&g_gate_mu);
    g_held = 0;
    bg_task_t *l = g_noted, *r = NULL;
    g_noted = NULL;
    pthread_cond_broadcast(&g_gate_cv);
    pthread_mutex_unlock(&g_gate_mu);
    while (l) { /* in the order started */
        bg_task_t *n = l->next;
        l->next = r;
        r = l;
        l = n;
    }
    for (; r; r = r->next)
        make_thread(r);
}

int bg_start(bg_task_t *t, void *(*fn)(void *), void *arg)
{
    t->fn = fn;
    t->arg = arg;
    t->next = NULL;
    pthread_mutex_lock(&g_gate_mu);
    if (g_held) {
        t->state = 1;
        t->next = g_noted;
        g_noted = t;
        pthread_mutex_unlock(&g_gate_mu);
        return 0;
    }
    pthread_mutex_unlock(&g_gate_mu);
    if (pthread_create(&t->thread, NULL, fn, arg) != 0) {
        t->state = 0;
        return -1;
    }
    t->state = 2;
    return 0;
}

void bg_finish(bg_task_t *t)
{
    if (t->state == 1)
        bg_release();
    if (t->state == 2)
        bg_join(t->thread);
    t->state = 0;
}

void bg_stop(bg_task_t *t)
{
    if (t->state == 1) { /* never made: forgotten */
        pthread_mutex_lock(&g_gate_mu);
        for (bg_task_t **p = &g_noted; *p; p = &(*p)->next)
            if (*p == t) {
                *p = t->next;
                break;
            }
        pthread_mutex_unlock(&g_gate_mu);
    } else if (t->state == 2) {
        bg_stop_join(t->thread);
    }
    t->state = 0;
}

int bg_held(void)
{
    return g_held;
}

int bg_gate(const _Atomic int *stop)
{
    pthread_mutex_lock(&g_gate_mu);
    while (g_held && !(stop && *stop))
        pthread_cond_wait(&g_gate_cv, &g_gate_mu);
    pthread_mutex_unlock(&g_gate_mu);
    return !(stop && *stop);
}

void bg_join(pthread_t t)
{
    if (g_held)
        bg_release();
    pthread_join(t, NULL);
}

void bg_stop_join(pthread_t t)
{
    pthread_mutex_lock(&g_gate_mu); /* wake it if it waits at the gate */
    pthread_cond_broadcast(&g_gate_cv);
    pthread_mutex_unlock(&g_gate_mu);
    pthread_join(t, NULL);
}

void thread_background(int n)
{
#ifdef SYS_gettid
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), n);
#else
    (void)n;
#endif
}

int dir_private(const char *dir, char *why, size_t n)
{
    struct stat sb;
    if (stat(dir, &sb) < 0) {
        snprintf(why, n, "%s", strerror(errno));
        return -1;
    }
    if (!S_ISDIR(sb.st_mode)) {
        snprintf(why, n, "not a directory");
        return -1;
    }
    if (sb.st_uid != geteuid()) {
        snprintf(why, n, "it belongs to another user (uid %lu)", (unsigned long)sb.st_uid);
        return -1;
    }
    if (sb.st_mode & (S_IWGRP | S_IWOTH)) {
        snprintf(why, n, "others can write to it (mode %04o; chmod go-w it)",
                 (unsigned)(sb.st_mode & 07777));
        return -1;
    }
    return 0;
}

typedef unsigned char v32_t __attribute__((vector_size(32)));
typedef signed char m32_t __attribute__((vector_size(32)));

/* 32 bytes at a time; on x86-64 built twice by GCC, for AVX2 (one
 * instruction a step) and for the SSE2 every such processor has (two),
 * the one the processor runs chosen at the first call from what glibc
 * found at start (CPU_FEATURE_ACTIVE; no CPUID of our own).
 * target_clones chose at load through libgcc's __cpu_indicator_init,
 * whose CPUIDs trap to the hypervisor in a virtual machine: 1.4% of
 * opening a document and quitting (perf, 300 runs). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#define FIND_ANY_AVX2 1
#endif
/* Does one of the k needles begin at s[b] (of n bytes)? */
static inline __attribute__((always_inline)) int
needle_at(const char *s, size_t n, size_t b, const char *const *nd, const size_t *len, size_t k)
{
    for (size_t j = 0; j < k; j++)
        if (len[j] <= n - b && !memcmp(s + b, nd[j], len[j]))
            return 1;
    return 0;
}

static inline __attribute__((always_inline)) const char *
find_any(const char *s, size_t n, const char *const *nd, const size_t *len, size_t k)
{
    /* each needle by its bytes at[j] and at[j] + 1 from its start: its last two */
    size_t far = 0, at[MEM_FIND_MAX];
    unsigned char b0[MEM_FIND_MAX], b1[MEM_FIND_MAX];
    if (!k || k > MEM_FIND_MAX)
        return NULL;
    for (size_t j = 0; j < k; j++) {
        far = len[j] > far ? len[j] : far;
        at[j] = len[j] > 1 ? len[j] - 2 : 0;
        b0[j] = (unsigned char)nd[j][at[j]];
        b1[j] = (unsigned char)nd[j][len[j] - 1];
    }
    v32_t B0[MEM_FIND_MAX], B1[MEM_FIND_MAX];
    for (size_t j = 0; j < k; j++) {
        B0[j] = (v32_t){0} + b0[j];
        B1[j] = (v32_t){0} + b1[j];
    }
    size_t i = 0;
    for (; i + far + 32 <= n; i += 32) {
        v32_t m = {0};
        for (size_t j = 0; j < k; j++) {
            v32_t x, y;
            memcpy(&x, s + i + at[j], 32);
            memcpy(&y, s + i + len[j] - 1, 32);
            m |= (v32_t)((m32_t)(x == B0[j]) & (m32_t)(y == B1[j]));
        }
        uint64_t w[4];
        memcpy(w, &m, 32);
        if (!(w[0] | w[1] | w[2] | w[3]))
            continue;
        for (int q = 0; q < 4; q++)
            for (uint64_t v = w[q]; v;) { /* the places, in order: 0xFF each */
                int t = __builtin_ctzll(v) & ~7;
                size_t b = i + 8 * (size_t)q + (size_t)t / 8;
                v &= ~((uint64_t)0xFF << t);
                if (needle_at(s, n, b, nd, len, k))
                    return s + b;
            }
    }
    for (; i < n; i++) /* the last bytes one by one */
        if (needle_at(s, n, i, nd, len, k))
            return s + i;
    return NULL;
}


#ifdef FIND_ANY_AVX2
#include <immintrin.h>
/* The same with AVX2's own instructions: the places found by one movemask,
 * the needles' bytes broadcast once, and the blocks passed by a loop that
 * calls nothing, so that its vectors stay in registers. The generic loop
 * above, built for AVX2, kept its mask on the stack between needles: 2.5
 * instructions a byte of text, 0.55 this way (callgrind, --grep
 * --no-index -c 宝玉 over 20 MB of the novels, the two forms of 玉: 50.7 M
 * instructions in all -> 11.1 M).
 * blocks_avx2: from block i on (32 bytes each, up to the one ending at
 * end), the first whose places (a bit each) hold a needle's last two
 * bytes, *pi set to it; 0 with *pi where the blocks end. */
static inline __attribute__((always_inline, target("avx2"))) uint32_t
blocks_avx2(const char *s, size_t end, size_t *pi, const __m256i *B0, const __m256i *B1,
            const size_t *at, const size_t *len, size_t k)
{
    size_t i = *pi;
    for (; i + 32 <= end; i += 32) {
        __m256i m = _mm256_setzero_si256();
        for (size_t j = 0; j < k; j++) {
            __m256i x = _mm256_loadu_si256((const __m256i *)(s + i + at[j]));
            __m256i y = _mm256_loadu_si256((const __m256i *)(s + i + len[j] - 1));
            m = _mm256_or_si256(m, _mm256_and_si256(_mm256_cmpeq_epi8(x, B0[j]),
                                                    _mm256_cmpeq_epi8(y, B1[j])));
        }
        uint32_t v = (uint32_t)_mm256_movemask_epi8(m);
        if (v) {
            *pi = i;
            return v;
        }
    }
    *pi = i;
    return 0;
}

static inline __attribute__((always_inline, target("avx2"))) const char *
find_avx2_k(const char *s, size_t n, const char *const *nd, const size_t *len, size_t k)
{
    size_t far = 0, at[MEM_FIND_MAX];
    __m256i B0[MEM_FIND_MAX], B1[MEM_FIND_MAX];
    for (size_t j = 0; j < k; j++) {
        far = len[j] > far ? len[j] : far;
        at[j] = len[j] > 1 ? len[j] - 2 : 0;
        B0[j] = _mm256_set1_epi8(nd[j][at[j]]);
        B1[j] = _mm256_set1_epi8(nd[j][len[j] - 1]);
    }
    size_t i = 0, end = n > far ? n - far : 0;
    for (uint32_t v; (v = blocks_avx2(s, end, &i, B0, B1, at, len, k)); i += 32)
        for (; v; v &= v - 1)
            if (needle_at(s, n, i + (size_t)__builtin_ctz(v), nd, len, k))
                return s + i + __builtin_ctz(v);
    for (; i < n; i++) /* the last bytes one by one */
        if (needle_at(s, n, i, nd, len, k))
            return s + i;
    return NULL;
}

/* (k of 1 to 3, the most forms a CJK character has but for a few, built
 * each for its own k: the needles' loop unrolled, their bytes in
 * registers) */
__attribute__((target("avx2"))) static const char *
find_any_avx2(const char *s, size_t n, const char *const *nd, const size_t *len, size_t k)
{
    switch (k) {
    case 0:
        return NULL;
    case 1:
        return find_avx2_k(s, n, nd, len, 1);
    case 2:
        return find_avx2_k(s, n, nd, len, 2);
    case 3:
        return find_avx2_k(s, n, nd, len, 3);
    default:
        return k > MEM_FIND_MAX ? NULL : find_avx2_k(s, n, nd, len, k);
    }
}

static const char *find_any_sse2(const char *s, size_t n, const char *const *nd,
                                 const size_t *len, size_t k)
{
    return find_any(s, n, nd, len, k);
}
#endif

const char *mem_find_any(const char *s, size_t n, const char *const *nd, const size_t *len,
                         size_t k)
{
#ifdef FIND_ANY_AVX2
    static _Atomic int avx2 = -1; /* (the same answer whoever asks first) */
    if (avx2 < 0)
        avx2 = CPU_FEATURE_ACTIVE(AVX2) ? 1 : 0;
    return (avx2 ? find_any_avx2 : find_any_sse2)(s, n, nd, len, k);
#else
    return find_any(s, n, nd, len, k);
#endif
}

const char *mem_find(const char *s, size_t n, const char *f, size_t fl)
{
    if (!fl || fl > n)
        return fl ? NULL : s;
#ifdef FIND_ANY_AVX2
    if (fl >= 2) /* (see util.h) */
        return mem_find_any(s, n, &f, &fl, 1);
#endif
    const char *p = s + fl - 1, *end = s + n;
    unsigned char last = (unsigned char)f[fl - 1];
    while ((p = memchr(p, last, (size_t)(end - p)))) {
        size_t i = 0;
        while (i < fl - 1 && p[(ptrdiff_t)i - (ptrdiff_t)(fl - 1)] == f[i])
            i++;
        if (i == fl - 1)
            return p - (fl - 1);
        p++;
    }
    return NULL;
}
