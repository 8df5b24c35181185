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
    if (N->out.p)
        N->out.p[0] = '\0';
}

void norm_free(norm_t *N)
{
    if (N->cc)
        opencc_close((opencc_t)N->cc);
    buf_free(&N->out);
    free(N->map);
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

static void emit(norm_t *N, uint32_t c, size_t src)
{
    uint8_t b[4];
    utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)c, b);
    grow(&N->map, &N->mcap, N->out.n + (size_t)k + 1, sizeof *N->map);
    for (utf8proc_ssize_t i = 0; i < k; i++)
        N->map[N->out.n + (size_t)i] = src;
    buf_add(&N->out, b, (size_t)k);
}

/* Fold one cluster s[0..n) at document offset src. */
static void cluster(norm_t *N, const char *s, size_t n, size_t src)
{
    if (n == 1 && (unsigned char)s[0] < 0x80) { /* ASCII: lower case */
        char c = s[0];
        emit(N, (uint32_t)(c >= 'A' && c <= 'Z' ? c + 32 : c), src);
        return;
    }
    utf8proc_int32_t buf[64];
    utf8proc_ssize_t k = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
                                            buf, 64,
                                            UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
                                                UTF8PROC_CASEFOLD);
    if (k < 0 || k > 64) { /* invalid UTF-8, or too long: byte by byte */
        for (size_t i = 0; i < n;) {
            uint32_t c;
            i += (size_t)text_decode(s + i, n - i, &c);
            emit(N, c, src);
        }
        return;
    }
    k = utf8proc_normalize_utf32(buf, k, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    for (utf8proc_ssize_t i = 0; i < k; i++) {
        uint32_t c = (uint32_t)buf[i];
        emit(N, (N->flags & NORM_TCSC) ? t2s(N, c) : c, src);
    }
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
    grow(&N->map, &N->mcap, N->out.n + 1, sizeof *N->map);
    N->map[N->out.n] = base + n;
}
