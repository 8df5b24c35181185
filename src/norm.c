#include "norm.h"
#include "text.h"

#include <opencc/opencc.h>
#include <stdlib.h>
#include <string.h>
#include <unigbrk.h>
#include <utf8proc.h>

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
    if (N->cc)
        opencc_close((opencc_t)N->cc);
    buf_free(&N->out);
    free(N->seg);
    free(N->t2s);
    free(N->gb);
    memset(N, 0, sizeof *N);
}

static int cjk(uint32_t c)
{
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
}

/* Traditional -> simplified for one character (itself when OpenCC gives
 * anything but one character). */
static uint32_t t2s(norm_t *N, uint32_t c)
{
    if (!cjk(c))
        return c;
    if (c < 0x10000 && N->t2s && N->t2s[c])
        return N->t2s[c];
    if (!N->cc && !N->cc_failed) {
        opencc_t cc = opencc_open("t2s.json");
        if (cc == (opencc_t)-1)
            N->cc_failed = 1;
        else
            N->cc = cc;
    }
    uint32_t r = c;
    if (N->cc) {
        uint8_t in[8];
        utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)c, in);
        char *o = opencc_convert_utf8((opencc_t)N->cc, (const char *)in, (size_t)k);
        if (o) {
            uint32_t d;
            size_t on = strlen(o);
            int dn = on ? text_decode(o, on, &d) : 0;
            if (dn > 0 && (size_t)dn == on && d != 0xFFFD)
                r = d;
            opencc_convert_utf8_free(o);
        }
    }
    if (c < 0x10000) {
        if (!N->t2s)
            N->t2s = calloc(0x10000, sizeof *N->t2s);
        if (N->t2s)
            N->t2s[c] = r;
    }
    return r;
}

static void emit(norm_t *N, uint32_t c)
{
    uint8_t b[4];
    utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)c, b);
    buf_add(&N->out, b, (size_t)k);
}

static void push(norm_t *N, size_t fold, size_t src, uint32_t flen, uint32_t slen)
{
    grow(&N->seg, &N->scap, N->nseg + 1, sizeof *N->seg);
    N->seg[N->nseg++] = (nseg_t){(uint32_t)fold, (uint32_t)src, flen, slen};
}

/* The cluster at src (slen bytes) was folded to out[fold..out.n): one
 * character to one of the same length continues a linear segment. */
static void mapped(norm_t *N, size_t fold, size_t src, size_t slen, int one_to_one)
{
    size_t flen = N->out.n - fold;
    if (one_to_one && flen == slen) {
        const nseg_t *l = N->nseg ? &N->seg[N->nseg - 1] : NULL;
        if (!l || l->flen || src - l->src != fold - l->fold)
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
        mapped(N, fold, src, 1, 1);
        return;
    }
    uint32_t c0;
    if ((size_t)text_decode(s, n, &c0) == n && c0 >= 0x3400 && c0 <= 0x9FFF &&
        !(c0 >= 0x4DC0 && c0 <= 0x4DFF)) { /* one ideograph: NFKC keeps it */
        emit(N, (N->flags & NORM_TCSC) ? t2s(N, c0) : c0);
        mapped(N, fold, src, n, 1);
        return;
    }
    utf8proc_int32_t buf[64];
    utf8proc_ssize_t k = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
                                            buf, 64,
                                            UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
                                                UTF8PROC_CASEFOLD);
    if (k < 0 || k > 64) { /* invalid UTF-8, or too long: U+FFFD each */
        int chars = 0;
        for (size_t i = 0; i < n; chars++) {
            uint32_t c;
            i += (size_t)text_decode(s + i, n - i, &c);
            emit(N, c);
        }
        mapped(N, fold, src, n, 0);
        (void)chars;
        return;
    }
    k = utf8proc_normalize_utf32(buf, k, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    for (utf8proc_ssize_t i = 0; i < k; i++) {
        uint32_t c = (uint32_t)buf[i];
        emit(N, (N->flags & NORM_TCSC) ? t2s(N, c) : c);
    }
    mapped(N, fold, src, n, k == 1 && (size_t)text_decode(s, n, &c0) == n);
}

void norm_add(norm_t *N, const char *s, size_t n, size_t base)
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
    /* the end: folded out.n is source base + n */
    const nseg_t *l = N->nseg ? &N->seg[N->nseg - 1] : NULL;
    if (!l || l->flen || base + n - l->src != N->out.n - l->fold)
        push(N, N->out.n, base + n, 0, 0);
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
    if (!g->flen)
        return g->src + (i - g->fold);
    return i < g->fold + g->flen ? g->src : g->src + g->slen;
}

size_t norm_fold(const norm_t *N, size_t off)
{
    const nseg_t *g = seg_at(N, off, 1);
    if (!g)
        return 0;
    size_t f;
    if (!g->flen)
        f = g->fold + (off - g->src);
    else
        f = off == g->src ? g->fold : g->fold + g->flen;
    return f < N->out.n ? f : N->out.n;
}
