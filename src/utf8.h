/* utf8: the one UTF-8 decoder, and character boundaries.
 *
 * Contract: utf8_decode() decodes the character at s (n >= 1 bytes
 * readable) into *cp and returns the bytes it takes (1-4). Invalid or
 * truncated input (a stray continuation byte, an overlong form, a
 * surrogate, a value above U+10FFFF, a sequence cut by n) gives U+FFFD and
 * takes one byte, so every byte of any input is decoded exactly once and a
 * well-formed character after garbage is found again; a U+FFFD that was
 * in the text takes its three bytes. utf8_invalid() tells the two U+FFFD
 * apart. ASCII and the well-formed 2- and 3-byte sequences that cannot be
 * overlong or surrogates (all of CJK) are decoded inline; the rest goes to
 * libunistring's u8_mbtoucr(). Callers reach it as text_decode() (text.h)
 * or include this header alone. utf8_is_cont(), utf8_back() and
 * utf8_next() find character boundaries: nothing else tests a byte's
 * UTF-8 bits but encoding.c's validator, kept for its speed. */
#ifndef JUAN_UTF8_H
#define JUAN_UTF8_H
#include <stddef.h>
#include <stdint.h>
#include <unistr.h>

/* Is b a continuation byte (10xxxxxx), which no character starts with? */
static inline int utf8_is_cont(unsigned char b)
{
    return (b & 0xC0) == 0x80;
}

static inline int utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    /* lead bytes E1-EC and EE-EF: any continuation bytes make a valid
     * character (E0 may be overlong, ED a surrogate); both continuation
     * bytes are tested with one comparison */
    if (c - 0xE1u < 15 && c != 0xED && n >= 3 &&
        ((p[1] & 0xC0u) | (p[2] & 0xC0u) >> 2) == 0xA0) {
        *cp = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        return 3;
    }
    if (c >= 0xC2 && c <= 0xDF && n >= 2 && utf8_is_cont(p[1])) {
        *cp = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
        return 2;
    }
    ucs4_t u;
    int k = u8_mbtoucr(&u, p, n);
    if (k <= 0) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = u;
    return k;
}

/* Was the character utf8_decode() gave (cp, k bytes) an invalid byte? */
static inline int utf8_invalid(uint32_t cp, int k)
{
    return cp == 0xFFFD && k == 1;
}

/* The start of the character holding byte i of s (not before lo). */
static inline size_t utf8_back(const char *s, size_t lo, size_t i)
{
    for (int k = 0; k < 3 && i > lo && utf8_is_cont((unsigned char)s[i]); k++)
        i--;
    return i;
}

/* The first byte at or after i that is not a continuation byte (hi if
 * none before hi): where a search or a cut may start. A run of stray
 * continuation bytes is passed whole. */
static inline size_t utf8_next(const char *s, size_t i, size_t hi)
{
    while (i < hi && utf8_is_cont((unsigned char)s[i]))
        i++;
    return i;
}

#endif
