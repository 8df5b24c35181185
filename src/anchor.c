#include "anchor.h"
#include "text.h"
#include "util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define QUOTE_CHARS 32

void anchor_make(const structure_t *st, size_t off, anchor_t *a)
{
    memset(a, 0, sizeof a->quote);
    if (off > st->len)
        off = st->len;
    /* a blank line names the text after it */
    for (size_t k = 0; k < 256 && off < st->len; k++) {
        size_t n = text_skip_blanks(st->text, off, st->len);
        if (n < st->len && (st->text[n] == '\n' || st->text[n] == '\r'))
            n++;
        if (n == off)
            break;
        off = n;
    }
    a->offset = off;
    /* about 32 characters, whole characters only */
    size_t e = off;
    for (int k = 0; k < QUOTE_CHARS && e < st->len; k++) {
        uint32_t cp;
        int n = text_decode(st->text + e, st->len - e, &cp);
        if (e + (size_t)n - off >= sizeof a->quote)
            break;
        e += (size_t)n;
    }
    memcpy(a->quote, st->text + off, e - off);
    a->quote[e - off] = '\0';
    a->section[0] = '\0';
    a->section_off = 0;
    long h = st_ready(st) ? st_section_at(st, off) : -1; /* not waited for */
    if (h >= 0) {
        buf_t t = {0};
        st_heading_text(st, &st->headings[h], &t);
        snprintf(a->section, sizeof a->section, "%s", t.p);
        a->section_off = st->headings[h].start;
        buf_free(&t);
    }
    a->percent = st->len ? off * 100.0 / (double)st->len : 0;
}

size_t anchor_resolve(const structure_t *st, const anchor_t *a, int *exact)
{
    *exact = 0;
    size_t qn = strlen(a->quote), len = st->len;
    /* (offset as stored: maybe anything; offset + qn must not wrap) */
    if (qn && a->offset <= len && qn <= len - a->offset &&
        !memcmp(st->text + a->offset, a->quote, qn)) {
        *exact = 1;
        return a->offset;
    }
    if (qn) { /* the occurrence nearest the old offset */
        const char *p = st->text, *end = st->text + len;
        size_t best = SIZE_MAX, bestd = SIZE_MAX;
        while ((p = memmem(p, (size_t)(end - p), a->quote, qn))) {
            size_t at = (size_t)(p - st->text);
            size_t d = at > a->offset ? at - a->offset : a->offset - at;
            if (d < bestd)
                best = at, bestd = d;
            else if (at > a->offset)
                break; /* moving away from it */
            p++;
        }
        if (best != SIZE_MAX)
            return best;
    }
    st_wait(st);
    if (a->section[0]) { /* the same distance into the same section */
        buf_t t = {0};
        for (size_t i = 0; i < st->nheadings; i++) {
            st_heading_text(st, &st->headings[i], &t);
            if (st->headings[i].level > 0 && !strcmp(t.p, a->section) &&
                a->offset >= a->section_off) {
                size_t at = st->headings[i].start + (a->offset - a->section_off);
                buf_free(&t);
                return at < len ? at : (len ? len - 1 : 0);
            }
        }
        buf_free(&t);
    }
    double pc = a->percent; /* as stored: maybe NaN, negative, huge */
    pc = pc > 0 ? (pc < 100 ? pc : 100) : 0;
    size_t at = (size_t)(pc / 100.0 * (double)len);
    return at < len ? at : (len ? len - 1 : 0);
}

/* 64-bit multiply-mix over 8-byte words, four lanes. */
static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v * 0x9E3779B97F4A7C15ull;
    h = (h << 31) | (h >> 33);
    return h * 0xC2B2AE3D27D4EB4Full;
}

/* The four lanes over the whole 32-byte groups of p[0..n). */
static void lanes(uint64_t l[4], const char *p, size_t n)
{
    for (size_t i = 0; i + 32 <= n; i += 32)
        for (int k = 0; k < 4; k++) {
            uint64_t v;
            memcpy(&v, p + i + 8 * k, 8);
            l[k] = mix(l[k], v);
        }
}

static void finish_id(const uint64_t l[4], const char *tail, size_t tn, size_t len, char id[48])
{
    uint64_t h = mix(mix(mix(mix(len, l[0]), l[1]), l[2]), l[3]);
    for (size_t i = 0; i < tn; i++)
        h = mix(h, (unsigned char)tail[i]);
    h ^= h >> 29;
    snprintf(id, 48, "%zu-%016" PRIx64, len, h);
}

int ident_of_stoppable(const char *text, size_t len, char id[48], const _Atomic int *stop)
{
    uint64_t l[4] = {1, 2, 3, 4};
    size_t i = 0, whole = len / 32 * 32;
    while (i < whole) {
        if (stop && *stop)
            return -1;
        size_t n = whole - i > (1u << 20) ? (1u << 20) : whole - i; /* a MiB at a time */
        lanes(l, text + i, n);
        i += n;
    }
    finish_id(l, text + whole, len - whole, len, id);
    return 0;
}

int ident_of_fd(int fd, size_t off, size_t len, char id[48], const _Atomic int *stop)
{
    enum { CHUNK = 1u << 20 };
    char *buf = xmalloc(CHUNK);
    uint64_t l[4] = {1, 2, 3, 4};
    size_t i = 0, got = 0;
    int r = 0;
    while (i < len) {
        size_t want = len - i < CHUNK ? len - i : CHUNK;
        got = 0;
        while (got < want) {
            ssize_t k = pread(fd, buf + got, want - got, (off_t)(off + i + got));
            if (k <= 0)
                break;
            got += (size_t)k;
        }
        if (got < want || (stop && *stop)) {
            r = -1;
            break;
        }
        i += want;
        lanes(l, buf, want); /* chunks are whole groups but the last */
    }
    if (r == 0) {
        size_t whole = len / 32 * 32, tn = len - whole;
        /* the tail is the end of the last chunk read */
        finish_id(l, buf + (got - tn), tn, len, id);
    }
    free(buf);
    return r;
}

void ident_of(const char *text, size_t len, char id[48])
{
    ident_of_stoppable(text, len, id, NULL);
}
