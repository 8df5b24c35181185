#include "norm.h"
#include "chars.h"
#include "cxxlib.h"
#include "text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unigbrk.h>
#include <utf8proc.h>

/* Process-wide caches, shared by every norm_t and thread: OpenCC (opened
 * once, for norm_t2s_opencc) and, per folding, what each code point folds to when it
 * is a cluster of its own. Filled under mu; read without it (an entry is
 * one 64-bit word, stored once with release order). */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static opencc_t g_cc;
static const cxx_opencc_t *g_api;
static int g_cc_state; /* 0 not tried, 1 open, -1 failed */

enum { NCP = 0x40000 }; /* code points with an entry */
/* entry: byte 0 kind, byte 1 folded length, bytes 2..7 the folded bytes */
enum { K_UNKNOWN = 0, K_LINEAR = 1, K_OTHER = 2, K_SLOW = 3, K_SAME = 4 };
static uint64_t *g_tab[2];
static uint64_t *g_same[2];   /* bit c: c folds to itself and stands alone */
static uint64_t *g_simple[2]; /* bit c: c stands alone (its entry is known) */

#include "preimage.inc"

/* The first of v[0..n) (ascending) not below x. */
static size_t lower_bound(const uint32_t *v, size_t n, uint32_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const uint32_t *norm_preimages(uint32_t x, size_t *n)
{
    size_t lo = lower_bound(PRE_KEY, PRE_NKEYS, x);
    if (lo == PRE_NKEYS || PRE_KEY[lo] != x) {
        *n = 0;
        return NULL;
    }
    *n = PRE_AT[lo + 1] - PRE_AT[lo];
    return PRE_VAL + PRE_AT[lo];
}

void norm_preimage_pairs(void (*f)(void *arg, uint32_t x, uint32_t c), void *arg)
{
    norm_t N;
    norm_init(&N, NORM_TCSC);
    for (uint32_t c = 1; c <= 0x10FFFF; c++) {
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        uint8_t s[4];
        utf8proc_ssize_t sl = utf8proc_encode_char((utf8proc_int32_t)c, s);
        norm_reset(&N);
        norm_add(&N, (const char *)s, (size_t)sl, 0);
        uint32_t got[96];
        int k = 0;
        for (size_t i = 0; i < N.out.n && k < 64;)
            i += (size_t)text_decode(N.out.p + i, N.out.n - i, &got[k++]);
        /* (not a Hangul syllable's jamo: the prefilter never takes a
         * syllable, whose pre-images are sequences of jamo) */
        utf8proc_int32_t d[16];
        utf8proc_ssize_t dn = utf8proc_decompose(s, sl, d, 16,
                                                 UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
                                                     UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
        for (utf8proc_ssize_t i = 0; !(c >= 0xAC00 && c <= 0xD7A3) && i < dn && i < 16; i++)
            got[k++] = (uint32_t)d[i];
        for (int i = 0; i < k; i++) /* (a mark is never looked up) */
            if (got[i] != c && !utf8proc_get_property((utf8proc_int32_t)got[i])->combining_class)
                f(arg, got[i], c);
    }
    norm_free(&N);
}

void norm_init(norm_t *N, int flags)
{
    memset(N, 0, sizeof *N);
    N->flags = flags;
    buf_add(&N->out, "", 0);
}

void norm_reset(norm_t *N)
{
    N->out.n = 0;
    N->nseg = 0;
    if (N->out.p)
        N->out.p[0] = '\0';
}

void norm_free(norm_t *N)
{
    buf_free(&N->out);
    free(N->seg);
    free(N->gb);
    memset(N, 0, sizeof *N);
}

uint32_t norm_t2s_opencc(uint32_t c)
{
    pthread_mutex_lock(&mu);
    if (!g_cc_state) {
        const cxx_opencc_t *api = cxx_opencc();
        opencc_t cc = api ? api->open("t2s.json") : (opencc_t)-1;
        g_cc_state = cc == (opencc_t)-1 ? -1 : 1;
        if (g_cc_state > 0) {
            g_cc = cc;
            g_api = api;
        }
    }
    uint32_t r = c;
    if (g_cc_state > 0) {
        uint8_t in[8];
        utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)c, in);
        char *o = g_api->convert_utf8(g_cc, (const char *)in, (size_t)k);
        if (o) {
            uint32_t d;
            size_t on = strlen(o);
            int dn = on ? text_decode(o, on, &d) : 0;
            if (dn > 0 && (size_t)dn == on && d != 0xFFFD)
                r = d;
            g_api->convert_utf8_free(o);
        }
    }
    pthread_mutex_unlock(&mu);
    return r;
}

/* Traditional -> simplified for one character: OpenCC's t2s of it alone
 * (itself when that is anything but one character), from src/t2s.inc,
 * which `make preimage` makes of OpenCC (norm_t2s_opencc) and test_norm
 * checks against it: asking OpenCC for each character met cost 13 ms of a
 * search of the 107 MB text (a tenth of its time: 5 us a character, its
 * dictionaries loaded), the table a binary search. */
#include "t2s.inc"
static uint32_t t2s(uint32_t c)
{
    if (!ch_is(c, CH_HAN))
        return c;
    size_t lo = lower_bound(T2S_FROM, T2S_N, c);
    return lo < T2S_N && T2S_FROM[lo] == c ? T2S_TO[lo] : c;
}

static void emit(norm_t *N, uint32_t c)
{
    uint8_t b[4];
    utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)c, b);
    buf_add(&N->out, b, (size_t)k);
}

static void push(norm_t *N, size_t fold, size_t src, uint32_t flen, uint32_t slen)
{
    if (N->nseg + 1 > N->scap)
        grow(&N->seg, &N->scap, N->nseg + 1, sizeof *N->seg);
    N->seg[N->nseg++] = (nseg_t){(uint32_t)fold, (uint32_t)src, flen, slen};
}

/* Does the last segment run on linearly to folded byte fold = source src? */
static int linear_to(const norm_t *N, size_t fold, size_t src)
{
    const nseg_t *l = N->nseg ? &N->seg[N->nseg - 1] : NULL;
    return l && src >= (size_t)l->src + l->slen && fold >= (size_t)l->fold + l->flen &&
           src - l->src - l->slen == fold - l->fold - l->flen;
}

/* The cluster at src (slen bytes, s) was folded to out[fold..out.n): one
 * character to one of the same length, or bytes unchanged, continues a
 * linear segment. */
static void mapped(norm_t *N, const char *s, size_t fold, size_t src, size_t slen,
                   int one_to_one)
{
    size_t flen = N->out.n - fold;
    if (flen == slen && (one_to_one || !memcmp(N->out.p + fold, s, slen))) {
        if (!linear_to(N, fold, src))
            push(N, fold, src, 0, 0);
        return;
    }
    push(N, fold, src, (uint32_t)flen, (uint32_t)slen);
}

/* Fold one cluster s[0..n) at document offset src. */
static void cluster(norm_t *N, const char *s, size_t n, size_t src)
{
    size_t fold = N->out.n;
    if (n == 1 && (unsigned char)s[0] < 0x80) { /* ASCII: lower case */
        char c = s[0];
        emit(N, (uint32_t)(c >= 'A' && c <= 'Z' ? c + 32 : c));
        mapped(N, s, fold, src, 1, 1);
        return;
    }
    uint32_t c0;
    if ((size_t)text_decode(s, n, &c0) == n && ch_is(c0, CH_UNIFIED)) {
        /* one ideograph: NFKC keeps it */
        emit(N, (N->flags & NORM_TCSC) ? t2s(c0) : c0);
        mapped(N, s, fold, src, n, 1);
        return;
    }
    utf8proc_int32_t buf[64];
    utf8proc_ssize_t k = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
                                            buf, 64,
                                            UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
                                                UTF8PROC_CASEFOLD);
    if (k < 0 || k > 64) { /* invalid UTF-8, or too long: U+FFFD each */
        for (size_t i = 0; i < n;) {
            uint32_t c;
            i += (size_t)text_decode(s + i, n - i, &c);
            emit(N, c);
        }
        mapped(N, s, fold, src, n, 0);
        return;
    }
    k = utf8proc_normalize_utf32(buf, k, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    for (utf8proc_ssize_t i = 0; i < k; i++) {
        uint32_t c = (uint32_t)buf[i];
        emit(N, (N->flags & NORM_TCSC) ? t2s(c) : c);
    }
    mapped(N, s, fold, src, n, k == 1 && (size_t)text_decode(s, n, &c0) == n);
}

/* The end of norm_add: folded out.n is source base + n. */
static void close_map(norm_t *N, size_t end)
{
    if (!linear_to(N, N->out.n, end))
        push(N, N->out.n, end, 0, 0);
}

void norm_add_ref(norm_t *N, const char *s, size_t n, size_t base)
{
    grow(&N->gb, &N->gbcap, n + 1, 1);
    u8_grapheme_breaks((const uint8_t *)s, n, N->gb);
    size_t a = 0;
    for (size_t i = 1; i <= n; i++) {
        if (i < n && !N->gb[i])
            continue;
        cluster(N, s + a, i - a, base + a);
        a = i;
    }
    close_map(N, base + n);
}

int norm_same_as_ref(const char *s, size_t n, size_t base, int flags)
{
    norm_t A, B;
    norm_init(&A, flags);
    norm_init(&B, flags);
    norm_add(&A, s, n, base);
    norm_add_ref(&B, s, n, base);
    int same = A.out.n == B.out.n && !memcmp(A.out.p, B.out.p, A.out.n);
    for (size_t i = 0; same && i <= A.out.n; i++)
        same = norm_src(&A, i) == norm_src(&B, i);
    for (size_t i = base; same && i <= base + n; i++)
        same = norm_fold(&A, i) == norm_fold(&B, i);
    norm_free(&A);
    norm_free(&B);
    return same;
}

/* A well-formed UTF-8 character at p (before e): its length, or 0. */
static inline int dec(const unsigned char *p, const unsigned char *e, uint32_t *c)
{
    int k = utf8_decode((const char *)p, (size_t)(e - p), c);
    return utf8_invalid(*c, k) ? 0 : k;
}

/* Make the entry of c for folding flags f (under mu). A character is
 * "simple" when its grapheme-break class keeps it apart from a simple
 * neighbour (Other, controls, Hangul syllables): between two simple
 * characters there is always a cluster boundary, so it folds alone. */
static uint64_t make_entry(int f, uint32_t c)
{
    int g = uc_graphemeclusterbreak_property(c);
    if (g != GBP_OTHER && g != GBP_CONTROL && g != GBP_CR && g != GBP_LF && g != GBP_LV &&
        g != GBP_LVT)
        return K_SLOW;
    norm_t T;
    norm_init(&T, f ? NORM_TCSC : 0);
    uint8_t s[4];
    int sl = (int)utf8proc_encode_char((utf8proc_int32_t)c, s);
    cluster(&T, (const char *)s, (size_t)sl, 0);
    uint64_t e = K_SLOW;
    if (T.out.n >= 1 && T.out.n <= 6) {
        uint32_t d;
        int one = text_decode(T.out.p, T.out.n, &d) == (int)T.out.n;
        int lin = (int)T.out.n == sl && (one || !memcmp(T.out.p, s, (size_t)sl));
        int same = (int)T.out.n == sl && !memcmp(T.out.p, s, (size_t)sl);
        e = (uint64_t)(same ? K_SAME : lin ? K_LINEAR : K_OTHER) | (uint64_t)T.out.n << 8;
        for (size_t i = 0; i < T.out.n; i++)
            e |= (uint64_t)(unsigned char)T.out.p[i] << (16 + 8 * i);
    }
    norm_free(&T);
    return e;
}

/* Make and store the entry of c (the first time c is seen). */
static __attribute__((noinline)) uint64_t entry_make(int f, uint32_t c)
{
    uint64_t e = make_entry(f, c); /* outside mu: t2s() takes it */
    pthread_mutex_lock(&mu);
    uint64_t *t = g_tab[f];
    if (!t) {
        t = calloc(NCP, sizeof *t);
        if (t)
            __atomic_store_n(&g_tab[f], t, __ATOMIC_RELEASE);
    }
    if (t)
        __atomic_store_n(&t[c], e, __ATOMIC_RELEASE);
    for (int b = 0; b < 2; b++) {
        uint64_t **pm = b ? &g_simple[f] : &g_same[f], *m = *pm;
        if (!m) {
            m = calloc(NCP / 64, sizeof *m);
            if (m)
                __atomic_store_n(pm, m, __ATOMIC_RELEASE);
        }
        if (m && (b ? (e & 0xFF) != K_SLOW : (e & 0xFF) == K_SAME))
            __atomic_fetch_or(&m[c >> 6], 1ull << (c & 63), __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&mu);
    return e;
}

static inline uint64_t entry(int f, uint32_t c)
{
    if (c >= NCP)
        return K_SLOW;
    const uint64_t *t = __atomic_load_n(&g_tab[f], __ATOMIC_ACQUIRE);
    uint64_t e = t ? __atomic_load_n(&t[c], __ATOMIC_ACQUIRE) : 0;
    return e ? e : entry_make(f, c);
}

uint32_t norm_alone(uint32_t x, int flags, int *whole)
{
    uint64_t e = entry((flags & NORM_TCSC) ? 1 : 0, x);
    if ((e & 0xFF) == K_SLOW || (e & 0xFF) == K_UNKNOWN)
        return 0;
    if ((e & 0xFF) == K_SAME) {
        *whole = 1;
        return x;
    }
    char b[8];
    size_t n = (size_t)(e >> 8 & 0xFF);
    for (size_t i = 0; i < n; i++)
        b[i] = (char)(e >> (16 + 8 * i) & 0xFF);
    uint32_t c;
    *whole = text_decode(b, n, &c) == (int)n;
    return c;
}

int norm_kind(uint32_t x, int flags)
{
    uint64_t e = entry((flags & NORM_TCSC) ? 1 : 0, x);
    int k = (int)(e & 0xFF);
    return k == K_SAME ? NORM_SAME : k == K_SLOW || k == K_UNKNOWN ? 0 : NORM_ALONE;
}

/* The length of the cluster at s (n bytes left, n > 0). */
static size_t cluster_len(norm_t *N, const char *s, size_t n)
{
    for (size_t w = 32;; w *= 4) {
        size_t m = w < n ? w : n;
        grow(&N->gb, &N->gbcap, m + 1, 1);
        u8_grapheme_breaks((const uint8_t *)s, m, N->gb);
        /* (a break where the window cuts a character short is none: the
         * cut bytes read as an invalid one, a cluster of its own) */
        for (size_t i = 1; i < m; i++)
            if (N->gb[i] && (m == n || i + 4 <= m))
                return i;
        if (m == n)
            return n;
    }
}

/* Append s[from..to) (unchanged by folding) to the output. */
static inline void flush(norm_t *N, const char *s, size_t from, size_t to)
{
    if (N->out.n + (to - from) + 1 > N->out.cap)
        grow(&N->out.p, &N->out.cap, N->out.n + (to - from) + 1, 1);
    memcpy(N->out.p + N->out.n, s + from, to - from);
    N->out.n += to - from;
}

/* A well-formed character at p[r] (4 bytes readable) with a table
 * entry: its length, or 0. */
static inline size_t dec_tab(const unsigned char *p, size_t r, uint32_t *c)
{
    int k = utf8_decode((const char *)p + r, 4, c);
    return utf8_invalid(*c, k) || *c >= NCP ? 0 : (size_t)k;
}

static inline int bit(const uint64_t *m, uint32_t c)
{
    return (int)(__atomic_load_n(&m[c >> 6], __ATOMIC_RELAXED) >> (c & 63) & 1);
}

/* The bulk of CJK and Latin text: characters whose folding is known,
 * each followed by one that stands alone, folded from the tables alone.
 * From *pi; returns with *pi where it stopped. */
static void fast_run(norm_t *N, const unsigned char *p, size_t n, size_t base, size_t *pi,
                     int *plin, int f)
{
    const uint64_t *same = __atomic_load_n(&g_same[f], __ATOMIC_ACQUIRE);
    const uint64_t *simple = __atomic_load_n(&g_simple[f], __ATOMIC_ACQUIRE);
    const uint64_t *tab = __atomic_load_n(&g_tab[f], __ATOMIC_ACQUIRE);
    size_t r = *pi, l, l2 = 0, j;
    uint32_t c, c2 = 0;
    if (!same || !simple || !tab || r + 4 > n || !(l = dec_tab(p, r, &c)))
        return;
    if (N->out.n + 2 * (n - r) + 16 > N->out.cap)
        grow(&N->out.p, &N->out.cap, N->out.n + 2 * (n - r) + 16, 1);
    unsigned char *const o0 = (unsigned char *)N->out.p;
    unsigned char *o = o0 + N->out.n;
    int lin = *plin;
    for (;;) {
        if (bit(same, c)) {
            if (!lin) {
                N->out.n = (size_t)(o - o0);
                push(N, N->out.n, base + r, 0, 0);
                lin = 1;
            }
            for (;;) { /* c folds to itself: copy while the next one does too */
                j = r + l;
                if (j + 4 > n || !(l2 = dec_tab(p, j, &c2)) || !bit(same, c2))
                    break;
                memcpy(o, p + r, 4);
                o += l;
                r = j;
                c = c2;
                l = l2;
            }
            if (j + 4 > n || !l2 || !bit(simple, c2))
                break; /* c is left to the caller, with what follows it */
            memcpy(o, p + r, 4);
            o += l;
        } else if (bit(simple, c)) {
            j = r + l;
            if (j + 4 > n || !(l2 = dec_tab(p, j, &c2)) || !bit(simple, c2))
                break;
            uint64_t ce = __atomic_load_n(&tab[c], __ATOMIC_RELAXED);
            size_t fl = (size_t)(ce >> 8 & 0xFF);
            N->out.n = (size_t)(o - o0);
            if ((ce & 0xFF) != K_LINEAR)
                push(N, N->out.n, base + r, (uint32_t)fl, (uint32_t)l);
            else if (!lin)
                push(N, N->out.n, base + r, 0, 0);
            lin = 1;
            for (size_t k = 0; k < fl; k++)
                o[k] = (unsigned char)(ce >> (16 + 8 * k));
            o += fl;
        } else {
            break;
        }
        r = j;
        c = c2;
        l = l2;
    }
    N->out.n = (size_t)(o - o0);
    *plin = lin;
    *pi = r;
}

void norm_add(norm_t *N, const char *s, size_t n, size_t base)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    int f = (N->flags & NORM_TCSC) ? 1 : 0;
    int lin = linear_to(N, N->out.n, base);
    size_t i = 0, run = SIZE_MAX; /* a run of characters folded to themselves */
    if (N->out.cap < N->out.n + n + n / 4 + 16)
        grow(&N->out.p, &N->out.cap, N->out.n + n + n / 4 + 16, 1);
    while (i < n) {
        if (run != SIZE_MAX) {
            flush(N, s, run, i);
            run = SIZE_MAX;
        }
        fast_run(N, p, n, base, &i, &lin, f);
        if (i >= n)
            break;
        uint32_t c = 0, c2 = 0;
        int l = dec(p + i, e, &c), l2 = 0;
        uint64_t ce = l ? entry(f, c) : K_SLOW, ce2 = K_SLOW;
        size_t j = i + (size_t)l;
        if ((ce & 0xFF) != K_SLOW && j < n) {
            l2 = dec(p + j, e, &c2);
            ce2 = l2 ? entry(f, c2) : K_SLOW;
        }
        if ((ce & 0xFF) == K_SAME && (j >= n || (ce2 & 0xFF) != K_SLOW)) {
            if (run == SIZE_MAX) {
                if (!lin)
                    push(N, N->out.n, base + i, 0, 0);
                lin = 1;
                run = i;
            }
            i = j;
            continue;
        }
        if (run != SIZE_MAX) {
            flush(N, s, run, i);
            run = SIZE_MAX;
        }
        if ((ce & 0xFF) == K_SLOW || (j < n && (ce2 & 0xFF) == K_SLOW)) {
            size_t k = cluster_len(N, s + i, n - i);
            cluster(N, s + i, k, base + i);
            lin = linear_to(N, N->out.n, base + i + k);
            i += k;
            continue;
        }
        size_t fl = (size_t)(ce >> 8 & 0xFF);
        if (N->out.n + 8 > N->out.cap)
            grow(&N->out.p, &N->out.cap, N->out.n + 8 + (n - i) + (n - i) / 4, 1);
        if ((ce & 0xFF) == K_LINEAR) {
            if (!lin)
                push(N, N->out.n, base + i, 0, 0);
        } else {
            push(N, N->out.n, base + i, (uint32_t)fl, (uint32_t)l);
        }
        lin = 1; /* a segment runs on linearly after its cluster */
        unsigned char *o = (unsigned char *)N->out.p + N->out.n;
        uint64_t b = ce >> 16;
        for (size_t k = 0; k < fl; k++)
            o[k] = (unsigned char)(b >> (8 * k));
        N->out.n += fl;
        i = j;
    }
    if (run != SIZE_MAX)
        flush(N, s, run, n);
    if (N->out.p)
        N->out.p[N->out.n] = '\0';
    close_map(N, base + n);
}

size_t norm_boundary(const char *s, size_t n, size_t off, int flags)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    int f = (flags & NORM_TCSC) ? 1 : 0;
    if (off >= n)
        return n;
    for (int step = 0; step < 256; step++) {
        off = utf8_back(s, 0, off);
        if (off == 0 || p[off - 1] == '\n')
            return off;
        size_t q = utf8_back(s, 0, off - 1);
        uint32_t c, c0;
        int l = dec(p + off, e, &c), l0 = dec(p + q, e, &c0);
        if (l && l0 && q + (size_t)l0 == off && (entry(f, c) & 0xFF) != K_SLOW &&
            (entry(f, c0) & 0xFF) != K_SLOW)
            return off;
        off = q;
    }
    return off;
}

/* The last segment starting at or before key, on the folded side or the
 * source side; NULL if none. */
static const nseg_t *seg_at(const norm_t *N, size_t key, int source)
{
    size_t lo = 0, hi = N->nseg;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if ((source ? N->seg[mid].src : N->seg[mid].fold) <= key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &N->seg[lo - 1] : NULL;
}

size_t norm_src(const norm_t *N, size_t i)
{
    const nseg_t *g = seg_at(N, i, 0);
    if (!g)
        return 0;
    if (i < (size_t)g->fold + g->flen) /* inside the cluster: its start */
        return g->src;
    return g->src + g->slen + (i - g->fold - g->flen);
}

size_t norm_fold(const norm_t *N, size_t off)
{
    const nseg_t *g = seg_at(N, off, 1);
    if (!g)
        return 0;
    size_t f;
    if (off < (size_t)g->src + g->slen)
        f = off == g->src ? g->fold : g->fold + g->flen;
    else
        f = g->fold + g->flen + (off - g->src - g->slen);
    if (g + 1 < N->seg + N->nseg && f > g[1].fold) /* off between ranges added apart */
        f = g[1].fold;
    return f < N->out.n ? f : N->out.n;
}
